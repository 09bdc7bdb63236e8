/* x87 instructions with a memory operand, FXSAVE/FXRSTOR and LDMXCSR/STMXCSR: the state they
 * work on, the rules they share (#NM/#MF, the last-instruction pointers, the model-specific
 * profile) and the table of the 64 x87 memory forms (docs/x87.md).
 *
 * Everything here is pure: it works on a struct fxsave_state and on the bytes of the memory
 * operand, which the caller (x87_exec.c: the registers and the MMU) reads before and writes
 * after. The arithmetic runs on the host's x87 (x87_host.c); the
 * environment, save and control-word formats are C (x87_env.c); FXSAVE, FXRSTOR and the
 * MXCSR forms are C too (x87_fxsave.c). */
#ifndef WHVEMU_X87_H
#define WHVEMU_X87_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder.h"

/* The x87 status word (FSW) and control word (FCW), SDM vol. 1 §8.1.3 and §8.1.5. */
enum {
    FSW_IE = 1u << 0, /* the six exception flags, 5:0; FCW 5:0 are their masks */
    FSW_EXCEPTIONS = 0x3fu,
    FSW_SF = 1u << 6, /* stack fault (with IE) */
    FSW_ES = 1u << 7, /* an unmasked exception is pending (the error summary) */
    FSW_C0 = 1u << 8,
    FSW_C1 = 1u << 9,
    FSW_C2 = 1u << 10,
    FSW_TOP_SHIFT = 11,
    FSW_TOP = 7u << 11,
    FSW_C3 = 1u << 14,
    FSW_B = 1u << 15, /* busy: a copy of ES */
    FCW_MASKS = 0x3fu,
    FCW_INIT = 0x037fu, /* FNINIT: every exception masked, 64-bit precision, round to nearest */
};

/* CR0 bits the x87 rules read (SDM vol. 3A §2.5). */
enum {
    X87_CR0_MP = 1u << 1, /* monitor coprocessor: WAIT honours TS */
    X87_CR0_EM = 1u << 2, /* emulation: x87 #NM, SSE #UD */
    X87_CR0_TS = 1u << 3, /* task switched: #NM */
    X87_CR0_NE = 1u << 5, /* numeric error: #MF (else the external FERR# path) */
    X87_CR4_OSFXSR = 1u << 9,
    X87_CR4_OSXSAVE = 1u << 18,
    X87_EFER_FFXSR = 1u << 14, /* AMD fast FXSAVE/FXRSTOR */
};

/* The state FXSAVE saves (SDM vol. 1 §10.5.1, Tables 10-2 and 10-3): the x87 registers and
 * environment, MXCSR and XMM0-15. This is what the SDK register names carry: FpMmx0-7 are
 * st[0..7], FpControlStatus is FCW, FSW, the abridged FTW, FOP and FIP (with FCS in the
 * 32-bit format), XmmControlStatus is FDP (FDS), MXCSR and MXCSR_MASK, Xmm0-15 are xmm.
 *
 * The pointers are those of the last non-control x87 instruction (SDM vol. 1 §8.1.8; AMD APM
 * vol. 1 §6.2.5): FIP and FDP are offsets — RIP and the 64-bit operand offset in 64-bit
 * mode — with the selectors FCS and FDS beside them, or linear addresses in real-address
 * and virtual-8086 mode. This CPU keeps FCS apart from FIP in every mode (measured: after
 * an x87 instruction in 64-bit code FNSTENV stores FCS 0033H and FXSAVE64 the whole RIP);
 * FXSAVE's 64-bit format has no room for FCS and FDS, and FXRSTOR64 sets them to 0
 * (measured; x87_fxsave.h). */
struct fxsave_state {
    uint16_t fcw, fsw; /* FSW 13:11 is TOP */
    uint8_t ftw;       /* abridged: bit i set = physical register i is not empty */
    uint16_t fop;      /* 10:0: the low 3 bits of the escape byte, then the ModRM byte */
    uint64_t fip, fdp;
    uint16_t fcs, fds;
    uint32_t mxcsr, mxcsr_mask;
    uint8_t st[8][10]; /* ST(0)..ST(7): FXSAVE's register slots are in stack order */
    uint8_t xmm[16][16];
};

/* TOP, and physical register i's stack slot (ST(j) is physical register (TOP + j) mod 8). */
unsigned x87_top(const struct fxsave_state *s);
unsigned x87_slot_of_physical(const struct fxsave_state *s, unsigned physical);

/* An unmasked exception flag is set: a waiting x87 instruction takes #MF before it runs.
 * The flags decide, not FSW.ES as given: this AMD CPU recomputes ES and B from the flags
 * and masks when it loads a state (measured: FXRSTOR of flags set, masks clear, ES clear
 * traps at FWAIT; ES set, no unmasked flag, does not), and the SDM's FLDENV, FRSTOR and
 * FLDCW pages say the same of a loaded status word. */
bool x87_exception_pending(uint16_t fcw, uint16_t fsw);

/* FSW with ES and B recomputed from the flags and the masks, as a load leaves them. */
uint16_t x87_consistent_fsw(uint16_t fcw, uint16_t fsw);

/* What x86 vendors' CPUs do differently with the x87 pointers (SDM vol. 1 §8.1.8 and
 * §10.5.1.1; CPUID.(EAX=07H,ECX=0):EBX). Model-specific, so a profile beside the flags and
 * SIMD profiles: the host's by default (WHVEMU_VENDOR_HOST). */
struct x87_profile {
    /* CPUID.7.0:EBX[6] FDP_EXCPTN_ONLY: FDP changes only when the instruction raises an
     * unmasked exception. */
    bool fdp_on_exception_only;
    /* CPUID.7.0:EBX[13]: FCS and FDS are deprecated and saved as 0000H. */
    bool fcs_fds_deprecated;
    /* FXSAVE (and XSAVE) write FOP, FIP and FDP as zeros while FSW.ES is clear (AMD's
     * FXSAVE; measured on this Zen 4 although its CPUID 80000008H:EBX[2] XSaveErPtr is set).
     * FNSTENV and FNSAVE store them always. */
    bool fxsave_pointers_need_es;
    /* FXRSTOR64 keeps bits 56:0 of FIP and FDP and copies bit 56 into 63:57 (measured on
     * this Zen 4: 1122334455667788H loads as FF22334455667788H); 63: all 64 bits kept. */
    uint8_t pointer_sign_bit;
    /* The FCW bits a load keeps and the ones it sets: bits 5:0 and 11:8 always kept; the
     * reserved 7, 13-15, the infinity control 12 and the always-one 6 by model (measured
     * on this Zen 4: kept 1F3FH, ones 0040H). */
    uint16_t fcw_kept, fcw_ones;
    /* FXSAVE/FXRSTOR with alignment checking on: #AC below this alignment, #GP(0) between
     * it and 16 (measured on this Zen 4: 4); 0: #GP(0) only (SDM vol. 2A FXSAVE: #AC "is
     * not guaranteed", #GP in its place). */
    uint8_t fxsave_ac_unit;
};

/* The row of a WHVEMU_VENDOR: AMD as measured on this Zen 4, Intel as current Intel CPUs
 * report their CPUID bits (the rest as the SDM words it; unmeasured), HOST: the host's
 * CPUID bits and a probe of its FXSAVE and FXRSTOR (x87_host.c; the host vendor's row
 * where the build has no host stubs). */
struct x87_profile x87_profile_of(uint8_t vendor);

/* Where the instruction and its memory operand are: what the pointers record. */
struct x87_site {
    uint64_t ip;                /* the instruction's offset (at its first prefix byte) */
    uint64_t offset;            /* the operand's effective address, wrapped to the address size */
    uint64_t cs_base, seg_base; /* the segments' bases (used in real and virtual-8086 mode) */
    uint16_t cs, seg;           /* the selectors of CS and of the operand's segment */
    uint8_t mode;               /* enum x87_mode */
    uint16_t fop;               /* x87_fop() */
};
enum x87_mode { X87_PROTECTED, X87_LONG64, X87_REAL_OR_V86 };

/* FOP of a decoded x87 instruction: the escape byte's low 3 bits, then ModRM. */
uint16_t x87_fop(const struct insn *in);

/* What a non-control x87 instruction leaves in the pointers: FOP, FIP and FCS always, FDP
 * and FDS unless the profile updates them only with an unmasked exception and `unmasked`
 * (the instruction raised one) is false. */
void x87_record_pointers(struct fxsave_state *s, const struct x87_profile *p,
                         const struct x87_site *site, bool unmasked);

/* A pointer as FXRSTOR64 loads it (the profile's pointer_sign_bit), and FCW as every load
 * (FLDCW, FLDENV, FRSTOR, FXRSTOR) leaves it. */
uint64_t x87_loaded_pointer(const struct x87_profile *p, uint64_t value);
uint16_t x87_loaded_fcw(const struct x87_profile *p, uint16_t fcw);

/* ---- the state checks (SDM vol. 3A §2.5 Table 2-2, §6.15 "Interrupt 16") ---- */

enum x87_check {
    X87_RUNS = 0,
    X87_NM,           /* device not available */
    X87_MF,           /* a pending unmasked exception */
    X87_UD,           /* FXSAVE/FXRSTOR: CR0.EM; LDMXCSR/STMXCSR: CR0.EM or CR4.OSFXSR;
                       * VLDMXCSR/VSTMXCSR: CR4.OSXSAVE or XCR0 */
    X87_GP,           /* #GP(0): a reserved MXCSR bit loaded (FXRSTOR, LDMXCSR) */
    X87_NO_FERR_PATH, /* #MF with CR0.NE clear: the external FERR# interrupt path, which the
                       * WHv API cannot express: InternalEmulationFailure (docs/x87.md) */
};

/* An x87 instruction (ESC D8-DF): #NM if CR0.EM or CR0.TS; then, for a waiting one (all
 * but FNSTENV, FNSTCW, FNSAVE, FNSTSW, FNCLEX, FNINIT), #MF while an exception is pending. */
enum x87_check x87_check_escape(uint64_t cr0, uint16_t fcw, uint16_t fsw, bool waiting);
/* WAIT/FWAIT: #NM only if CR0.MP and CR0.TS, then the #MF rule. */
enum x87_check x87_check_wait(uint64_t cr0, uint16_t fcw, uint16_t fsw);

/* ---- the 64 memory forms: ESC D8-DF with ModRM.mod != 11, by ModRM.reg ---- */

enum x87_kind {
    X87_NONE = 0, /* no such form: the decoder raises #UD (D9 /1, DB /4, DB /6, DD /5) */
    X87_LOAD,     /* reads the operand; runs on the host */
    X87_STORE,    /* writes the operand (unless an unmasked exception stops it); host */
    X87_FLDCW,
    X87_FNSTCW,
    X87_FNSTSW,
    X87_FLDENV,
    X87_FNSTENV,
    X87_FRSTOR,
    X87_FNSAVE,
};

struct x87_form {
    uint8_t index;          /* (escape - D8H) * 8 + ModRM.reg */
    uint8_t kind;           /* enum x87_kind */
    uint8_t size;           /* the operand's bytes (environment forms: with a 32-bit opsize) */
    uint8_t needs_sse3;     /* FISTTP */
    enum mnemonic mnemonic; /* the decoder's, for the tests' cross-check */
};

/* The form of a decoded x87 instruction with a memory operand, or NULL. */
const struct x87_form *x87_form_of(const struct insn *in);
/* By escape byte (0xd8..0xdf) and ModRM.reg (the tests walk the table). */
const struct x87_form *x87_form_at(uint8_t escape, unsigned reg);
/* Whether the form waits (checks for a pending exception first), and whether it reads its
 * operand (else it writes it). */
bool x87_form_waits(const struct x87_form *f);
bool x87_form_reads(const struct x87_form *f);

/* ---- one instruction, without callbacks: an x87 memory form, FXSAVE, FXRSTOR (REX.W
 * too), LDMXCSR, STMXCSR, VLDMXCSR, VSTMXCSR ----
 *
 * x_x87 (x87_exec.c) does, in this order: x87_check (#UD, #NM, #MF: before any memory
 * access); the operand's address checks (segment, #AC, alignment #GP, pages) and, for a
 * form that reads, the read of x87_operand_bytes; x87_execute; the write of `written` bytes
 * from the operand's start; then the state's write-back. A fault in between leaves the
 * guest's state as it was. */
struct x87_request {
    const struct insn *insn;
    uint64_t cr0, cr4, efer, xcr0;
    uint8_t cpl;
    struct x87_site site;
    struct x87_profile profile;
};

/* Whether the decoded instruction is one of these, and what it does with its operand. */
bool x87_handles(const struct insn *in);
unsigned x87_operand_bytes(const struct insn *in); /* 14 and 94 with a 16-bit operand size */
bool x87_reads_operand(const struct insn *in);

/* The operand's alignment rules: #AC when alignment checking is on (CR0.AM, RFLAGS.AC,
 * CPL 3) and the linear address is not a multiple of ac_unit, then #GP(0) unless it is a
 * multiple of gp_align (0: none); both before any page is looked at (measured: a misaligned
 * FXSAVE to a not-present page is #GP, FLD is #AC). x87 operands: their size, m80 8, the
 * environment and save areas 4 (2 with a 16-bit operand size); LDMXCSR/STMXCSR 4; FXSAVE/
 * FXRSTOR: gp_align 16 and the profile's fxsave_ac_unit (SDM vol. 3A §6.15 Table 6-24;
 * measured here for every form, tests/x87). */
struct x87_alignment {
    uint8_t ac_unit, gp_align;
};
struct x87_alignment x87_alignment_of(const struct insn *in, const struct x87_profile *p);

/* The state checks, in the SDM's order (x87.c). */
enum x87_check x87_check(const struct x87_request *rq, const struct fxsave_state *s);

struct x87_outcome {
    enum x87_check check; /* X87_RUNS: done; else nothing changed, and this is why */
    bool unsupported;     /* InternalEmulationFailure: X87_NO_FERR_PATH, or a form this
                           * build or host cannot run */
    unsigned written;     /* bytes to write from the operand's start (FXSAVE: 160, 288 or 416) */
};

/* Execute the instruction on s with the operand's bytes (room for x87_operand_bytes; read
 * ones filled in). FCW and FSW are first taken as the CPU loads them (x87_loaded_fcw; ES
 * and B from the flags and masks). On anything but a completed run, s and operand are as
 * they were. */
struct x87_outcome x87_execute(const struct x87_request *rq, struct fxsave_state *s,
                               uint8_t *operand);

#endif
