/* System instructions with a memory (or selector) operand: SGDT SIDT SLDT STR SMSW, LGDT
 * LIDT LLDT LTR LMSW, LAR LSL VERR VERW, CLFLUSH CLFLUSHOPT CLWB, and the hints (prefetches,
 * CLDEMOTE, NOP).
 *
 * Source: Intel SDM vol. 2 (each instruction's operation and exception lists), vol. 3
 * section 2.5 (CR4.UMIP) and 7.2.3 (TSS busy bit); AMD APM vol. 3 where noted. */
#include <string.h>

#include "core/regcache.h"
#include "exec/descriptor.h"
#include "exec/exec.h"
#include "optab.h"

/* The instructions of the 286 protection model exist only in protected mode (#UD in real
 * and virtual-8086 mode): SLDT STR LLDT LTR LAR LSL VERR VERW, ARPL. */
static enum exec_result require_protected_mode(struct vcpu *cpu)
{
    return descriptors_apply(cpu) ? EXEC_OK : raise_fault(cpu, EXC_UD, false, 0);
}

/* CR4.UMIP: SGDT SIDT SLDT SMSW STR at CPL > 0 raise #GP(0). */
static enum exec_result check_umip(struct vcpu *cpu)
{
    if (cpu->cpl > 0 && (reg_get(cpu, R_CR4) & CR4_UMIP))
        return raise_fault(cpu, EXC_GP, true, 0);
    return EXEC_OK;
}

/* The loads need CPL 0 (#GP(0); virtual-8086 mode is CPL 3). */
static enum exec_result check_cpl0(struct vcpu *cpu)
{
    return cpu->cpl == 0 ? EXEC_OK : raise_fault(cpu, EXC_GP, true, 0);
}

/* SGDT/SIDT m: limit, then base: 8 bytes in 64-bit mode, else 4. The current SDM stores the
 * full 32-bit base for both operand sizes (older editions zeroed the sixth byte with a
 * 16-bit operand size). */
enum exec_result x_store_table(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    const WHV_X64_TABLE_REGISTER *t;
    unsigned size = cpu->code_mode == MODE_64 ? 10 : 6;
    uint8_t buf[10];
    enum exec_result r = check_umip(cpu);

    if (r != EXEC_OK)
        return r;
    t = &reg_value(cpu, in->mnemonic == MN_sgdt ? R_GDTR : R_IDTR)->Table;
    store_le(buf, 2, t->Limit);
    store_le(buf + 2, size - 2, t->Base);
    return mmu_write(cpu, (enum segreg)ops[0].seg, ops[0].offset, buf, size, 0);
}

/* LGDT/LIDT m: a 16-bit operand size loads a 24-bit base; 64-bit mode an 8-byte one. */
enum exec_result x_load_table(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    WHV_REGISTER_VALUE v;
    unsigned size = cpu->code_mode == MODE_64 ? 10 : 6;
    uint8_t buf[10];
    uint64_t base;
    enum exec_result r = check_cpl0(cpu);

    if (r == EXEC_OK)
        r = mmu_read(cpu, (enum segreg)ops[0].seg, ops[0].offset, buf, size, 0);
    if (r != EXEC_OK)
        return r;
    base = load_le(buf + 2, size - 2);
    if (in->opsize == 2 && cpu->code_mode != MODE_64)
        base &= 0xffffff;
    /* a non-canonical table base is #GP(0) (AMD APM's LGDT/LIDT; KVM agrees) */
    if (cpu->code_mode == MODE_64 && !mmu_is_canonical(cpu, base))
        return raise_fault(cpu, EXC_GP, true, 0);
    memset(&v, 0, sizeof v);
    v.Table.Limit = (UINT16)(buf[0] | buf[1] << 8);
    v.Table.Base = base;
    reg_set_value(cpu, in->mnemonic == MN_lgdt ? R_GDTR : R_IDTR, &v);
    return EXEC_OK;
}

/* SLDT/STR/SMSW: a memory destination takes 16 bits; a register one the operand size
 * (SLDT/STR zero-extend the selector; SMSW stores that much of CR0). */
static enum exec_result store_word(struct vcpu *cpu, const struct insn *in, struct operand *op,
                                   uint64_t value)
{
    if (op->type == OPT_MEM)
        op->size = 2;
    else
        op->size = in->opsize;
    return op_write(cpu, op, value & size_mask(op->size));
}

enum exec_result x_store_selector(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    enum exec_result r = require_protected_mode(cpu);

    if (r == EXEC_OK)
        r = check_umip(cpu);
    if (r != EXEC_OK)
        return r;
    return store_word(cpu, in, &ops[0],
                      reg_value(cpu, in->mnemonic == MN_sldt ? R_LDTR : R_TR)->Segment.Selector);
}

enum exec_result x_smsw(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    enum exec_result r = check_umip(cpu);

    if (r != EXEC_OK)
        return r;
    return store_word(cpu, in, &ops[0], reg_get(cpu, R_CR0));
}

/* LMSW r/m16: loads CR0 bits 3:0 (PE MP EM TS); it can set PE but not clear it. */
enum exec_result x_lmsw(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t src, cr0;
    enum exec_result r = check_cpl0(cpu);

    (void)in;
    ops[0].size = 2;
    if (r == EXEC_OK)
        r = op_read(cpu, &ops[0], &src);
    if (r != EXEC_OK)
        return r;
    cr0 = reg_get(cpu, R_CR0);
    reg_set(cpu, R_CR0, (cr0 & ~UINT64_C(0xe)) | (src & 0xf) | (cr0 & CR0_PE));
    return EXEC_OK;
}

/* The selector operand of LLDT LTR LAR LSL VERR VERW: 16 bits of a register or memory. */
static enum exec_result read_selector(struct vcpu *cpu, struct operand *op, uint16_t *selector)
{
    uint64_t v;
    enum exec_result r;

    op->size = 2;
    r = op_read(cpu, op, &v);
    *selector = (uint16_t)v;
    return r;
}

/* The operand of LLDT and LTR: protected mode (#UD), CPL 0 (#GP(0)), then the selector. */
static enum exec_result privileged_selector(struct vcpu *cpu, struct operand *op,
                                            uint16_t *selector)
{
    enum exec_result r = require_protected_mode(cpu);

    if (r == EXEC_OK)
        r = check_cpl0(cpu);
    if (r == EXEC_OK)
        r = read_selector(cpu, op, selector);
    return r;
}

/* In IA-32e mode LDT and TSS descriptors are 16 bytes: the upper half's type field must be
 * 0 and the base canonical. */
static bool wide_descriptor_valid(struct vcpu *cpu, const struct descriptor *d)
{
    return ((d->raw_high >> 40) & 0x1f) == 0 && mmu_is_canonical(cpu, desc_base(d, true));
}

/* The checks LLDT and LTR share: CPL 0, a GDT selector naming a present descriptor of one
 * of the wanted system types. */
static enum exec_result load_system_descriptor(struct vcpu *cpu, uint16_t selector, unsigned type_a,
                                               unsigned type_b, struct descriptor *d)
{
    uint32_t err = selector_error(selector);
    bool in_table;
    enum exec_result r;

    if (selector & 4)
        return raise_fault(cpu, EXC_GP, true, err);
    r = descriptor_read(cpu, selector, cpu->long_mode, d, &in_table);
    if (r != EXEC_OK)
        return r;
    if (!in_table || !desc_is_system(d) || (desc_type(d) != type_a && desc_type(d) != type_b))
        return raise_fault(cpu, EXC_GP, true, err);
    if (cpu->long_mode && !wide_descriptor_valid(cpu, d))
        return raise_fault(cpu, EXC_GP, true, err);
    if (!desc_present(d))
        return raise_fault(cpu, EXC_NP, true, err);
    return EXEC_OK;
}

/* LLDT r/m16: a null selector makes LDTR unusable (marked not present). */
enum exec_result x_lldt(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    WHV_REGISTER_VALUE v;
    struct descriptor d;
    uint16_t selector;
    enum exec_result r = privileged_selector(cpu, &ops[0], &selector);

    (void)in;
    if (r != EXEC_OK)
        return r;
    memset(&v, 0, sizeof v);
    if (selector_is_null(selector)) {
        v.Segment.Selector = selector;
    } else {
        r = load_system_descriptor(cpu, selector, DT_LDT, DT_LDT, &d);
        if (r != EXEC_OK)
            return r;
        v.Segment = descriptor_to_segment(&d, selector, cpu->long_mode);
    }
    reg_set_value(cpu, R_LDTR, &v);
    return EXEC_OK;
}

/* LTR r/m16: an available TSS (16- or 32-bit; only the 64-bit one in IA-32e mode), marked
 * busy in the GDT and in TR. */
enum exec_result x_ltr(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    WHV_REGISTER_VALUE v;
    struct descriptor d;
    uint16_t selector;
    enum exec_result r = privileged_selector(cpu, &ops[0], &selector);

    (void)in;
    if (r != EXEC_OK)
        return r;
    if (selector_is_null(selector))
        return raise_fault(cpu, EXC_GP, true, 0);
    r = load_system_descriptor(cpu, selector, DT_TSS_AVAILABLE,
                               cpu->long_mode ? DT_TSS_AVAILABLE : DT_TSS16_AVAILABLE, &d);
    if (r != EXEC_OK)
        return r;
    r = descriptor_set_type_bits(cpu, &d, DT_TSS_BUSY & ~DT_TSS_AVAILABLE);
    if (r != EXEC_OK)
        return r;
    memset(&v, 0, sizeof v);
    v.Segment = descriptor_to_segment(&d, selector, cpu->long_mode);
    reg_set_value(cpu, R_TR, &v);
    return EXEC_OK;
}

/* ---- LAR LSL VERR VERW: ZF says whether the selector passes; no fault for a bad one ---- */

enum descriptor_query { QUERY_LAR, QUERY_LSL, QUERY_VERR, QUERY_VERW };

/* System types LAR and LSL accept (SDM LAR and LSL tables; IA-32e mode: 64-bit types). */
static bool system_type_visible(const struct vcpu *cpu, enum descriptor_query q, unsigned type)
{
    switch (type) {
    case DT_LDT:
    case DT_TSS_AVAILABLE:
    case DT_TSS_BUSY: return true;
    case DT_CALL_GATE: return q == QUERY_LAR;
    case DT_TSS16_AVAILABLE:
    case DT_TSS16_BUSY: return !cpu->long_mode;
    case DT_CALL_GATE16:
    case DT_TASK_GATE: return q == QUERY_LAR && !cpu->long_mode;
    default: return false;
    }
}

/* Whether the descriptor a selector names passes the query's type and privilege checks. */
static enum exec_result query_descriptor(struct vcpu *cpu, enum descriptor_query q,
                                         uint16_t selector, struct descriptor *d, bool *pass)
{
    unsigned dpl, type, rpl = selector_rpl(selector);
    bool in_table, conforming_code;
    enum exec_result r;

    *pass = false;
    if (selector_is_null(selector))
        return EXEC_OK;
    r = descriptor_read(cpu, selector, false, d, &in_table);
    if (r != EXEC_OK || !in_table)
        return r;
    type = desc_type(d);
    dpl = desc_dpl(d);
    if (desc_is_system(d)) {
        if (q == QUERY_VERR || q == QUERY_VERW || !system_type_visible(cpu, q, type))
            return EXEC_OK;
        if (cpu->long_mode) {
            /* a 16-byte descriptor: both halves within the table, upper type 0 */
            r = descriptor_read(cpu, selector, true, d, &in_table);
            if (r != EXEC_OK || !in_table || ((d->raw_high >> 40) & 0x1f) != 0)
                return r;
        }
    } else if ((q == QUERY_VERR && (type & DT_CODE) && !(type & DT_READABLE)) ||
               (q == QUERY_VERW && ((type & DT_CODE) || !(type & DT_WRITABLE)))) {
        return EXEC_OK;
    }
    conforming_code = !desc_is_system(d) && (type & DT_CODE) && (type & DT_CONFORMING);
    *pass = conforming_code || (dpl >= cpu->cpl && dpl >= rpl);
    return EXEC_OK;
}

enum exec_result x_query_descriptor(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    enum descriptor_query q;
    struct operand *src = &ops[0];
    struct descriptor d;
    uint16_t selector;
    bool pass;
    enum exec_result r = require_protected_mode(cpu);

    switch (in->mnemonic) {
    case MN_lar:
        q = QUERY_LAR;
        src = &ops[1];
        break;
    case MN_lsl:
        q = QUERY_LSL;
        src = &ops[1];
        break;
    case MN_verr: q = QUERY_VERR; break;
    default: q = QUERY_VERW; break;
    }
    if (r == EXEC_OK)
        r = read_selector(cpu, src, &selector);
    if (r == EXEC_OK)
        r = query_descriptor(cpu, q, selector, &d, &pass);
    if (r != EXEC_OK)
        return r;
    /* LAR: the descriptor's second doubleword masked by 00FxFF00h (FF00h for 16 bits); the
     * SDM leaves x, limit 19:16, undefined: this AMD EPYC returns it (tests/control), and
     * so do we for both vendors */
    if (pass && q == QUERY_LAR)
        gpr_write(cpu, ops[0].reg, in->opsize, false,
                  (d.raw >> 32) & (in->opsize == 2 ? 0xff00 : 0xffff00));
    else if (pass && q == QUERY_LSL)
        gpr_write(cpu, ops[0].reg, in->opsize, false, desc_limit(&d));
    flags_update(cpu, FL_ZF, pass ? FL_ZF : 0);
    return EXEC_OK;
}

/* CLFLUSH/CLFLUSHOPT/CLWB m8: no data access, but "all permission checking and faults
 * associated with a byte load", except that an execute-only code segment is allowed (SDM
 * CLFLUSH). The segment check without a read type check is exactly that. */
enum exec_result x_cache_line(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t linear;
    enum exec_result r = mmu_linear(cpu, (enum segreg)ops[0].seg, ops[0].offset, 1, 0, &linear);

    (void)in;
    if (r != EXEC_OK)
        return r;
    return mmu_probe_linear(cpu, linear, MMU_READ);
}

/* PREFETCHh, PREFETCHW, PREFETCHWT1, CLDEMOTE and NOP in every form (90, 0F 1F, the hints
 * of 0F 18-1E): they access nothing and never fault (CLDEMOTE: #UD for LOCK only, which the
 * decoder raises; a CPU without it runs it as the hint NOP it was before). */
enum exec_result x_hint(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    (void)cpu;
    (void)in;
    (void)ops;
    return EXEC_OK;
}
