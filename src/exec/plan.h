/* A decode-cache entry's plan: what the general path derives on every exit from the
 * instruction alone - its handler, operands, registers, the checks that can apply - worked
 * out once, when the entry is made (plan_make), for the instructions a VMM's exits repeat:
 *
 *   PLAN_LOAD   MOV/MOVZX/MOVSX/MOVSXD r, m    64-bit code, the access in the exit's page
 *   PLAN_STORE  MOV m, r / imm                 the same
 *   PLAN_ALU    ADD..CMP, TEST m, r / imm      the same (its flags as the general path's)
 *   PLAN_VLOAD  MOVDQU/MOVDQA/MOVUPS/MOVAPS/MOVUPD/MOVAPD xmm, m128   legacy SSE, the same
 *   PLAN_VSTORE the same m128, xmm             (CR0.EM/TS, CR4.OSFXSR, the aligned forms'
 *                                              alignment: else the general path's fault)
 *   PLAN_YSTORE VMOVDQU/VMOVDQA/.. m256, ymm   VEX.256, the same (CR0.TS, CR4.OSXSAVE, XCR0,
 *                                              the alignment); YMM from the extension's area
 *   PLAN_IN     IN AL/AX/EAX, imm8 or DX       any mode, no I/O permission bitmap to read
 *   PLAN_OUT    OUT imm8 or DX, AL/AX/EAX      the same
 *
 * A hit then costs the handle lookup, the key match, the plan's steps (a Get for the
 * registers the address and the value need, one memory or I/O callback, one Set) and
 * nothing else: no register cache, dispatch, operand layer or MMU. Each step is the one
 * the general path would take on that exit; tests/fastpath and fuzz_emulate compare the
 * two on random exits. Where a precondition fails - TF or RF set, an event pending, a
 * possible #AC, an exit page the access does not lie in, a port the bitmap governs - the
 * call takes the general path (plan_run says how far the plan went). Every other entry's
 * plan is PLAN_GENERAL: its decoded instruction, through the general path. */
#ifndef WHVEMU_PLAN_H
#define WHVEMU_PLAN_H

#include <stddef.h>

#include "exec/hostop.h"
#include "exec/operand.h"

/* (the port-I/O kinds last: plan_applies; the vector kinds one range: vector_kind) */
enum plan_kind {
    PLAN_GENERAL = 0,
    PLAN_LOAD,
    PLAN_STORE,
    PLAN_ALU,
    PLAN_VLOAD,
    PLAN_VSTORE,
    PLAN_YSTORE,
    PLAN_IN,
    PLAN_OUT
};

/* Registers a plan may Get: the base, the index, a store's source, a narrow load's old
 * destination; a vector plan's base, CR0, CR4 and its XMM register (PLAN_YSTORE: XCR0). */
#define PLAN_MAX_GETS 4

struct plan {
    uint8_t kind;        /* enum plan_kind */
    uint8_t length;      /* the instruction's bytes: RIP advances by it */
    uint8_t access_size; /* bytes of the memory or port access */
    uint8_t gpr;         /* the register operand (enum gpr; AH..BH with high8; a vector
                          * plan's: enum reg_id of its XMM register; PLAN_YSTORE's: 0-15) */
    uint8_t gpr_size;    /* its size in bytes */
    bool high8;
    bool sign_extend;  /* PLAN_LOAD: MOVSX, MOVSXD */
    bool imm_source;   /* PLAN_STORE, PLAN_ALU: the immediate, not the register */
    bool read_only;    /* PLAN_ALU: CMP, TEST */
    bool aligned;      /* vector plans: #GP(0) unless aligned to access_size */
    uint16_t mnemonic; /* PLAN_ALU: the operation (enum mnemonic) */
    /* the address: disp + base + index * scale (+ the next RIP), wrapped to addrsize */
    uint8_t base, index, scale; /* GPR_NONE: none */
    bool rip_relative;
    host_stub stub; /* PLAN_ALU: its host stub, or NULL (host_op_stub) */
    uint8_t addrsize;
    uint8_t get_count;
    /* where the base, the index, the register operand's holder (gpr_holder; a vector plan's
     * XMM register), CR0, CR4 and XCR0 come in the Get's values: PLAN_ZERO_SLOT for none, or
     * one not fetched (a load's destination that it overwrites whole), so that a run adds
     * and reads without a branch or a search */
    uint8_t base_slot, index_slot, gpr_slot, cr0_slot, cr4_slot, xcr0_slot;
    /* the Get call's registers (enum reg_id, ascending), copied as one 4-byte word: aligned
     * to 4 (the assertion below), so that the word lies within one of the wide stores that
     * copied the plan (plan_run_memory) and is read back from the store queue, not after
     * them */
    uint8_t get[PLAN_MAX_GETS];
    uint8_t need;  /* what the exit's page must be allowed (MMU_READ, MMU_WRITE) */
    bool port_imm; /* PLAN_IN, PLAN_OUT: the port is the imm8 */
    WHV_REGISTER_NAME get_name[PLAN_MAX_GETS]; /* and their SDK names */
    uint32_t io_info;                          /* the exit's AccessInfo, as far as it must match */
    uint64_t disp; /* the address's constant part (a moffs operand's whole offset) */
    uint64_t imm;  /* PLAN_STORE's, PLAN_ALU's immediate; PLAN_IN, PLAN_OUT: the imm8 port */
};

_Static_assert(offsetof(struct plan, get) % sizeof(uint32_t) == 0, "the Get's ids as one word");

/* The plan of a decoded instruction with its operands (operands_describe) and the registers
 * it reads, in this code mode. */
void plan_make(struct plan *plan, const struct insn *in, const struct operand ops[MAX_OPERANDS],
               struct regset needs, enum cpu_mode mode);

/* How far plan_run took the call. */
enum plan_outcome {
    PLAN_DECLINED, /* no callback made: the general path runs the call */
    PLAN_DONE,     /* the call is over, cpu->status final */
    PLAN_FETCHED,  /* the Get call made (its registers in `fetched`), then a precondition
                    * failed: the general path goes on from there */
};

/* The slot of the values past the Get's: always zero. */
#define PLAN_ZERO_SLOT PLAN_MAX_GETS

struct plan_fetched {
    unsigned count;
    uint8_t id[PLAN_MAX_GETS];                   /* enum reg_id */
    WHV_REGISTER_VALUE value[PLAN_MAX_GETS + 1]; /* as the VMM wrote them (regs_preset_read);
                                                  * value[PLAN_ZERO_SLOT] zero */
};

/* Whether a plan may run the call of this exit: one for its kind of exit (port I/O or MMIO),
 * without TF (a trap after it), RF (cleared by it) or an event being delivered (nothing is
 * emulated), which the general path handles. */
static inline bool plan_applies(const struct vcpu *cpu, const struct plan *p, bool port_io)
{
    return p->kind != PLAN_GENERAL && (p->kind >= PLAN_IN) == port_io &&
           !cpu->exit->ExecutionState.InterruptionPending && !(cpu->exit->Rflags & (FL_TF | FL_RF));
}

/* (one range of kinds: one comparison on an integer plan's way) */
static inline bool vector_kind(unsigned kind)
{
    return kind - PLAN_VLOAD <= PLAN_YSTORE - PLAN_VLOAD;
}

/* Whether the plan reads the extended-state extension's area: the call holds the
 * registration from before its first callback, as the general path does (call_begin). */
static inline bool plan_uses_xstate(const struct plan *p)
{
    return p->kind == PLAN_YSTORE;
}

#endif
