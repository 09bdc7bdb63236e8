/* The CET shadow-stack instructions with a memory operand: WRSSD/WRSSQ, WRUSSD/WRUSSQ,
 * RSTORSSP m64 and CLRSSBSY m64. Their accesses are shadow-stack accesses, allowed only on
 * shadow-stack pages: the MMU checks that with a walk of the guest's tables
 * (mmu_shadow_stack_page, docs/cet.md). RSTORSSP and CLRSSBSY are locked read-modify-writes
 * of a token; through the callbacks they are a read and a write, as the other locked
 * instructions are (exec/atomic.c, docs/semantics.md).
 *
 * Source: Intel SDM vol. 2, each instruction's operation and exceptions; vol. 1 ch. 17
 * (tokens); vol. 3A §4.6 (shadow-stack pages), §6.15 (#CP error codes). */
#include "core/regcache.h"
#include "exec/descriptor.h"
#include "exec/exec.h"
#include "exec/flags.h"
#include "optab.h"

/* IA32_U_CET and IA32_S_CET bits */
enum { SH_STK_EN = 1u << 0, WR_SHSTK_EN = 1u << 1 };

/* Token bits: a restore token's mode (1: 64-bit), a supervisor token's busy flag; the
 * previous-SSP token's marker; a restore token's alignment hole (its SSP 4-byte aligned). */
enum {
    TOKEN_MODE = 1u << 0,
    TOKEN_BUSY = 1u << 0,
    TOKEN_PREVIOUS_SSP = 1u << 1,
    TOKEN_ALIGNMENT_HOLE = 1u << 2
};

#define CP_RSTORSSP 4 /* the #CP error code of RSTORSSP */

/* Whose MSR enables an instruction: none (CR4.CET alone), the current privilege's
 * (IA32_U_CET at CPL 3, else IA32_S_CET), or the supervisor's whatever the CPL. */
enum cet_msr { CET_NONE, CET_BY_CPL, CET_SUPERVISOR };

/* One row per instruction: its enabling bits (#UD without them), CPL 0 only (#GP(0)), and
 * its access (the segment checks, the page's rights). */
struct shadow_stack_form {
    enum mnemonic mnemonic;
    enum cet_msr msr;
    uint8_t msr_bits;
    bool cpl0_only;
    unsigned access;
};

// clang-format off
static const struct shadow_stack_form FORMS[] = {
    /* instruction  enabled by      its bits                   CPL 0  access */
    { MN_wrssd,     CET_BY_CPL,     SH_STK_EN | WR_SHSTK_EN,   false, MMU_WRITE },
    { MN_wrssq,     CET_BY_CPL,     SH_STK_EN | WR_SHSTK_EN,   false, MMU_WRITE },
    { MN_wrussd,    CET_NONE,       0,                         true,  MMU_WRITE | MMU_USER },
    { MN_wrussq,    CET_NONE,       0,                         true,  MMU_WRITE | MMU_USER },
    { MN_rstorssp,  CET_BY_CPL,     SH_STK_EN,                 false, MMU_READ | MMU_WRITE },
    { MN_clrssbsy,  CET_SUPERVISOR, SH_STK_EN,                 true,  MMU_READ | MMU_WRITE },
};
// clang-format on

static const struct shadow_stack_form *form_of(enum mnemonic mn)
{
    for (unsigned i = 0; i < sizeof FORMS / sizeof FORMS[0]; i++)
        if (FORMS[i].mnemonic == mn)
            return &FORMS[i];
    return NULL;
}

/* #UD outside protected mode (real and virtual-8086 mode do not recognize them), without
 * CR4.CET, or without the form's MSR bits. */
static bool enabled(struct vcpu *cpu, const struct shadow_stack_form *f)
{
    uint64_t msr;

    if (!descriptors_apply(cpu) || !(reg_get(cpu, R_CR4) & CR4_CET))
        return false;
    if (f->msr == CET_NONE)
        return true;
    msr = reg_get(cpu, f->msr == CET_BY_CPL && cpu->cpl == 3 ? R_U_CET : R_S_CET);
    return (msr & f->msr_bits) == f->msr_bits;
}

/* The checks before the access, in the SDM's order: #UD, #GP(0) for CPL > 0, the segment
 * checks of the linear address, #GP(0) unless it is aligned to the operand (4 or 8 bytes:
 * never across a page); then the page (#PF, with SS). The GPA and the linear address out. */
static enum exec_result shadow_stack_operand(struct vcpu *cpu, const struct insn *in,
                                             const struct operand *op, uint64_t *gpa,
                                             uint64_t *linear)
{
    const struct shadow_stack_form *f = form_of(in->mnemonic);

    if (!f || op->type != OPT_MEM)
        return EXEC_UNSUPPORTED; /* a row missing here: refuse rather than guess */
    if (!enabled(cpu, f))
        return raise_fault(cpu, EXC_UD, false, 0);
    if (f->cpl0_only && cpu->cpl != 0)
        return raise_fault(cpu, EXC_GP, true, 0);
    if (mmu_linear(cpu, (enum segreg)op->seg, op->offset, op->size, f->access, linear) != EXEC_OK)
        return EXEC_FAULT;
    if (*linear & (op->size - 1))
        return raise_fault(cpu, EXC_GP, true, 0);
    return mmu_shadow_stack_page(cpu, *linear, f->access, gpa);
}

/* WRSSD/WRSSQ m, r and WRUSSD/WRUSSQ m, r: the register to the shadow stack (WRUSS as a
 * user access, from CPL 0). No flag changes. */
enum exec_result x_write_shadow_stack(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t gpa, linear, value;
    enum exec_result r = op_read(cpu, &ops[1], &value);

    if (r == EXEC_OK)
        r = shadow_stack_operand(cpu, in, &ops[0], &gpa, &linear);
    if (r != EXEC_OK)
        return r;
    return mmu_phys_value(cpu, gpa, ops[0].size, true, &value);
}

/* A shadow-stack-restore token is valid for the linear address it is at when its mode bit
 * is the current mode's (64-bit code or not), bit 1 is clear, outside 64-bit code the SSP
 * it holds is below 4 GiB, and that SSP, less 8 and aligned down to 8, is the address. */
static bool restore_token_valid(uint64_t token, uint64_t linear, bool code64)
{
    if ((token & (TOKEN_MODE | TOKEN_PREVIOUS_SSP)) != (code64 ? TOKEN_MODE : 0))
        return false;
    if (!code64 && (token >> 32))
        return false;
    return (((token & ~(uint64_t)TOKEN_MODE) - 8) & ~UINT64_C(7)) == linear;
}

/* RSTORSSP m64: the restore token at m64 is replaced by a previous-SSP token (the old SSP,
 * the mode bit, bit 1) and SSP becomes m64; CF says the restored stack has an alignment
 * hole, ZF PF AF OF SF are cleared. An invalid token is written back unchanged (the locked
 * store happens either way) and raises #CP(RSTORSSP), nothing else changing. */
enum exec_result x_rstorssp(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    bool code64 = cpu->code_mode == MODE_64;
    uint64_t gpa, linear, token, stored, ssp;
    enum exec_result r = shadow_stack_operand(cpu, in, &ops[0], &gpa, &linear);
    bool valid;

    if (r != EXEC_OK)
        return r;
    /* SSP once the checks have passed (a VMM without CET need not know its name), before
     * the token is touched: after a failed Get no callback is made (core/callbacks.h) */
    ssp = reg_get(cpu, R_SSP);
    r = mmu_phys_value(cpu, gpa, 8, false, &token);
    if (r != EXEC_OK)
        return r;
    valid = restore_token_valid(token, linear, code64);
    stored = valid ? ssp | (code64 ? TOKEN_MODE : 0) | TOKEN_PREVIOUS_SSP : token;
    r = mmu_phys_value(cpu, gpa, 8, true, &stored);
    if (r != EXEC_OK)
        return r;
    if (!valid)
        return raise_fault(cpu, EXC_CP, true, CP_RSTORSSP);
    reg_set(cpu, R_SSP, linear);
    flags_update(cpu, FL_ARITH, (token & TOKEN_ALIGNMENT_HOLE) ? FL_CF : 0);
    return EXEC_OK;
}

/* CLRSSBSY m64: a supervisor shadow-stack token at m64 that holds its own address with the
 * busy bit loses the busy bit (a compare-exchange: a token that does not match is written
 * back as it was, as LOCK CMPXCHG does); CF = 1 when it did not match, ZF PF AF OF SF
 * cleared; SSP = 0 either way. */
enum exec_result x_clrssbsy(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t gpa, linear, token, stored;
    enum exec_result r = shadow_stack_operand(cpu, in, &ops[0], &gpa, &linear);
    bool busy;

    if (r == EXEC_OK)
        r = mmu_phys_value(cpu, gpa, 8, false, &token);
    if (r != EXEC_OK)
        return r;
    busy = token == (linear | TOKEN_BUSY);
    stored = busy ? linear : token;
    r = mmu_phys_value(cpu, gpa, 8, true, &stored);
    if (r != EXEC_OK)
        return r;
    flags_update(cpu, FL_ARITH, busy ? 0 : FL_CF);
    reg_set(cpu, R_SSP, 0);
    return EXEC_OK;
}
