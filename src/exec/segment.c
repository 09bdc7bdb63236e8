/* Segment-register loads: MOV Sreg, LDS/LES/LFS/LGS/LSS, the descriptor reads they share
 * with far transfers and the descriptor instructions; ARPL, BOUND, XLAT.
 *
 * Sources: Intel SDM vol. 2 (MOV, POP, LDS/LES/LFS/LGS/LSS, ARPL, BOUND, XLAT) and vol. 3
 * sections 3.4-3.5 (descriptors) and 5.5-5.6 (privilege checks for data and stack segments);
 * AMD APM vol. 2 section 4.7-4.10 where it adds detail. */
#include "exec/descriptor.h"

#include <string.h>

#include "core/regcache.h"
#include "exec/exec.h"
#include "exec/flags.h"
#include "optab.h"

uint32_t desc_limit(const struct descriptor *d)
{
    uint32_t limit = (uint32_t)(d->raw & 0xffff) | (uint32_t)((d->raw >> 32) & 0xf0000);
    if ((d->raw >> 55) & 1)
        limit = (limit << 12) | 0xfff;
    return limit;
}

uint64_t desc_base(const struct descriptor *d, bool wide)
{
    uint64_t base = ((d->raw >> 16) & 0xffffff) | ((d->raw >> 32) & 0xff000000u);
    if (wide)
        base |= (d->raw_high & 0xffffffffu) << 32;
    return base;
}

enum exec_result descriptor_read(struct vcpu *cpu, uint16_t selector, bool wide,
                                 struct descriptor *d, bool *in_table)
{
    uint64_t base, limit, offset = selector & 0xfff8u;
    uint8_t bytes[16];
    unsigned size = wide ? 16 : 8;
    enum exec_result r;

    *in_table = false;
    if (selector & 4) {
        const WHV_X64_SEGMENT_REGISTER *ldtr = &reg_value(cpu, R_LDTR)->Segment;
        /* a null LDTR is marked not present (unusable) */
        if (selector_is_null(ldtr->Selector) || !ldtr->Present)
            return EXEC_OK;
        base = ldtr->Base;
        limit = ldtr->Limit;
    } else {
        const WHV_X64_TABLE_REGISTER *gdtr = &reg_value(cpu, R_GDTR)->Table;
        base = gdtr->Base;
        limit = gdtr->Limit;
    }
    if (offset + size - 1 > limit)
        return EXEC_OK;
    d->address = base + offset;
    r = mmu_read_system(cpu, d->address, bytes, size);
    if (r != EXEC_OK)
        return r;
    d->raw = load_le(bytes, 8);
    d->raw_high = wide ? load_le(bytes + 8, 8) : 0;
    *in_table = true;
    return EXEC_OK;
}

enum exec_result descriptor_set_type_bits(struct vcpu *cpu, struct descriptor *d, unsigned bits)
{
    uint8_t type_byte;

    if ((desc_type(d) & bits) == bits)
        return EXEC_OK;
    d->raw |= (uint64_t)bits << 40;
    type_byte = (uint8_t)(d->raw >> 40);
    return mmu_write_system(cpu, d->address + 5, &type_byte, 1);
}

WHV_X64_SEGMENT_REGISTER descriptor_to_segment(const struct descriptor *d, uint16_t selector,
                                               bool wide)
{
    WHV_X64_SEGMENT_REGISTER s;

    s.Base = desc_base(d, wide);
    s.Limit = desc_limit(d);
    s.Selector = selector;
    /* type, S, DPL, P from byte 5; AVL, L, D/B, G from the high nibble of byte 6 */
    s.Attributes = (UINT16)(((d->raw >> 40) & 0xff) | (((d->raw >> 52) & 0xf) << 12));
    return s;
}

void segment_set(struct vcpu *cpu, enum segreg seg, const WHV_X64_SEGMENT_REGISTER *s)
{
    WHV_REGISTER_VALUE v;

    memset(&v, 0, sizeof v);
    v.Segment = *s;
    reg_set_value(cpu, REG_SEG(seg), &v);
}

/* Real mode keeps the cached limit and attributes ("unreal" mode relies on it); virtual-8086
 * mode gives every segment a 64 KiB limit and DPL-3 read/write data attributes. */
WHV_X64_SEGMENT_REGISTER segment_real_mode(struct vcpu *cpu, enum segreg seg, uint16_t selector)
{
    WHV_X64_SEGMENT_REGISTER s = reg_value(cpu, REG_SEG(seg))->Segment;

    s.Selector = selector;
    s.Base = (uint64_t)selector << 4;
    if (cpu->v86) {
        s.Limit = 0xffff;
        s.Attributes = 0xf3; /* present, DPL 3, data read/write accessed */
    }
    return s;
}

/* A null selector: DS/ES/FS/GS (and SS where allowed) become unusable, marked not present.
 * The base is cleared: Intel does, and so does this AMD EPYC (CPUID NullSelectorClearsBase;
 * checked natively for GS in 64-bit mode by tests/control). SS keeps DPL = RPL, the CPL. */
static void load_null(struct vcpu *cpu, enum segreg seg, uint16_t selector)
{
    WHV_X64_SEGMENT_REGISTER s;

    memset(&s, 0, sizeof s);
    s.Selector = selector;
    if (seg == SEG_SS)
        s.DescriptorPrivilegeLevel = (UINT16)(selector_rpl(selector) & 3);
    segment_set(cpu, seg, &s);
}

/* SDM vol. 2, MOV: the checks of a protected-mode data or stack segment load, for code
 * running at cpl (the CPL a far return is about to give). */
static enum exec_result load_protected(struct vcpu *cpu, enum segreg seg, uint16_t selector,
                                       unsigned cpl)
{
    struct descriptor d;
    bool in_table;
    unsigned rpl = selector_rpl(selector), type, dpl;
    enum exec_result r;
    WHV_X64_SEGMENT_REGISTER s;

    if (selector_is_null(selector)) {
        /* SS may be null only in 64-bit mode below CPL 3, with RPL = CPL */
        if (seg == SEG_SS && !(cpu->code_mode == MODE_64 && cpl != 3 && rpl == cpl))
            return raise_fault(cpu, EXC_GP, true, 0);
        load_null(cpu, seg, selector);
        return EXEC_OK;
    }
    r = descriptor_read(cpu, selector, false, &d, &in_table);
    if (r != EXEC_OK)
        return r;
    if (!in_table || desc_is_system(&d))
        return raise_fault(cpu, EXC_GP, true, selector_error(selector));
    type = desc_type(&d);
    dpl = desc_dpl(&d);
    if (seg == SEG_SS) {
        if (rpl != cpl || dpl != cpl || (type & DT_CODE) || !(type & DT_WRITABLE))
            return raise_fault(cpu, EXC_GP, true, selector_error(selector));
        if (!desc_present(&d))
            return raise_fault(cpu, EXC_SS, true, selector_error(selector));
    } else {
        bool conforming_code = (type & DT_CODE) && (type & DT_CONFORMING);
        if ((type & DT_CODE) && !(type & DT_READABLE))
            return raise_fault(cpu, EXC_GP, true, selector_error(selector));
        if (!conforming_code && (rpl > dpl || cpl > dpl))
            return raise_fault(cpu, EXC_GP, true, selector_error(selector));
        if (!desc_present(&d))
            return raise_fault(cpu, EXC_NP, true, selector_error(selector));
    }
    r = descriptor_set_type_bits(cpu, &d, DT_ACCESSED);
    if (r != EXEC_OK)
        return r;
    s = descriptor_to_segment(&d, selector, false);
    segment_set(cpu, seg, &s);
    return EXEC_OK;
}

enum exec_result segment_load(struct vcpu *cpu, enum segreg seg, uint16_t selector)
{
    if (!descriptors_apply(cpu)) {
        WHV_X64_SEGMENT_REGISTER s = segment_real_mode(cpu, seg, selector);
        segment_set(cpu, seg, &s);
        return EXEC_OK;
    }
    return load_protected(cpu, seg, selector, cpu->cpl);
}

enum exec_result segment_load_stack(struct vcpu *cpu, uint16_t selector, unsigned cpl)
{
    return load_protected(cpu, SEG_SS, selector, cpl);
}

void segment_load_null_stack(struct vcpu *cpu, unsigned cpl)
{
    load_null(cpu, SEG_SS, (uint16_t)cpl);
}

void segment_drop_inaccessible(struct vcpu *cpu, unsigned cpl)
{
    static const enum segreg data_segments[] = { SEG_ES, SEG_FS, SEG_GS, SEG_DS };

    for (unsigned i = 0; i < sizeof data_segments / sizeof data_segments[0]; i++) {
        WHV_X64_SEGMENT_REGISTER s = reg_value(cpu, REG_SEG(data_segments[i]))->Segment;
        bool conforming_code = (s.SegmentType & DT_CODE) && (s.SegmentType & DT_CONFORMING);
        if (!s.Present || conforming_code || cpl <= s.DescriptorPrivilegeLevel)
            continue;
        s.Selector = 0;
        s.Present = 0;
        segment_set(cpu, data_segments[i], &s);
    }
}

void interrupt_shadow_after_ss_load(struct vcpu *cpu)
{
    WHV_REGISTER_VALUE v = *reg_value(cpu, R_INTERRUPT_STATE);

    v.InterruptState.InterruptShadow = 1;
    reg_set_value(cpu, R_INTERRUPT_STATE, &v);
    /* the single-step trap waits for the next instruction too: TF stays set, so the trap
     * after that instruction reports it (SDM vol. 3 6.8.3) */
    cpu->debug_trap_inhibited = true;
}

/* MOV Sreg, r/m16 (8E): the source is 16 bits whatever the operand size. */
enum exec_result x_mov_to_segment(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t selector;
    enum segreg seg = (enum segreg)ops[0].reg;
    enum exec_result r;

    (void)in;
    ops[1].size = 2;
    r = op_read(cpu, &ops[1], &selector);
    if (r != EXEC_OK)
        return r;
    r = segment_load(cpu, seg, (uint16_t)selector);
    if (r == EXEC_OK && seg == SEG_SS)
        interrupt_shadow_after_ss_load(cpu);
    return r;
}

/* A value of size bytes at op's address + displacement (wrapped to the address size): the
 * parts of a far pointer or of BOUND's pair are separate accesses, each aligned (#AC) on
 * its own, as the CPU checks them (compared natively by tests/diff). */
static enum exec_result read_part(struct vcpu *cpu, const struct insn *in, const struct operand *op,
                                  unsigned displacement, unsigned size, uint64_t *value)
{
    struct operand part = *op;

    part.offset = (op->offset + displacement) & size_mask(in->addrsize);
    part.size = (uint8_t)size;
    return op_read(cpu, &part, value);
}

enum exec_result far_pointer_read(struct vcpu *cpu, const struct insn *in, const struct operand *op,
                                  uint16_t *selector, uint64_t *offset, unsigned *offset_size)
{
    uint64_t sel = 0;
    enum exec_result r;

    *offset_size = in->opsize == 8 && vendor_is_amd(cpu) ? 4 : in->opsize;
    if (op->type != OPT_MEM)
        return EXEC_UNSUPPORTED; /* the decoder makes register forms #UD */
    r = read_part(cpu, in, op, 0, *offset_size, offset);
    if (r == EXEC_OK)
        r = read_part(cpu, in, op, *offset_size, 2, &sel);
    *selector = (uint16_t)sel;
    return r;
}

/* LDS/LES/LFS/LGS/LSS r, m16:16/m16:32/m16:64. */
enum exec_result x_load_far_pointer(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    enum segreg seg;
    unsigned offset_size;
    uint16_t selector;
    uint64_t offset;
    enum exec_result r;

    switch (in->mnemonic) {
    case MN_les: seg = SEG_ES; break;
    case MN_lds: seg = SEG_DS; break;
    case MN_lss: seg = SEG_SS; break;
    case MN_lfs: seg = SEG_FS; break;
    default: seg = SEG_GS; break;
    }
    r = far_pointer_read(cpu, in, &ops[1], &selector, &offset, &offset_size);
    if (r == EXEC_OK)
        r = segment_load(cpu, seg, selector);
    if (r != EXEC_OK)
        return r;
    gpr_write(cpu, ops[0].reg, offset_size, false, offset);
    return EXEC_OK;
}

/* ARPL r/m16, r16 (16- and 32-bit protected mode; 63 is MOVSXD in 64-bit mode): raise the
 * destination's RPL to the source's. Real and virtual-8086 mode: #UD. */
enum exec_result x_arpl(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t dest, src;
    enum exec_result r;

    (void)in;
    if (!descriptors_apply(cpu))
        return raise_fault(cpu, EXC_UD, false, 0);
    /* the destination is checked for writing only when it is written (natively, ARPL on
     * a read-only segment without a change does not fault) */
    r = op_read(cpu, &ops[0], &dest);
    if (r == EXEC_OK)
        r = op_read(cpu, &ops[1], &src);
    if (r != EXEC_OK)
        return r;
    if ((dest & 3) < (src & 3)) {
        r = op_write(cpu, &ops[0], (dest & ~UINT64_C(3)) | (src & 3));
        if (r != EXEC_OK)
            return r;
        flags_update(cpu, FL_ZF, FL_ZF);
    } else {
        flags_update(cpu, FL_ZF, 0);
    }
    return EXEC_OK;
}

/* BOUND r, m16&16 / m32&32 (not in 64-bit mode): #BR when the signed index lies outside
 * [lower, upper]. */
enum exec_result x_bound(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = in->opsize;
    uint64_t lower, upper;
    int64_t index;
    enum exec_result r;

    if (ops[1].type != OPT_MEM)
        return EXEC_UNSUPPORTED; /* the decoder makes the register form #UD (or EVEX) */
    r = read_part(cpu, in, &ops[1], 0, size, &lower);
    if (r == EXEC_OK)
        r = read_part(cpu, in, &ops[1], size, size, &upper);
    if (r != EXEC_OK)
        return r;
    index = (int64_t)sign_extend(gpr_read(cpu, ops[0].reg, size, false), size);
    if (index < (int64_t)sign_extend(lower, size) || index > (int64_t)sign_extend(upper, size))
        return raise_fault(cpu, EXC_BR, false, 0);
    return EXEC_OK;
}

/* XLAT: AL <- [seg:rBX + AL], rBX of the address size, DS unless overridden. */
enum exec_result x_xlat(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t offset =
        (reg_get(cpu, R_RBX) + (reg_get(cpu, R_RAX) & 0xff)) & size_mask(in->addrsize);
    uint8_t al;
    enum exec_result r = mmu_read(cpu, (enum segreg)in->seg, offset, &al, 1, 0);

    (void)ops;
    if (r != EXEC_OK)
        return r;
    gpr_write(cpu, GPR_AX, 1, false, al);
    return EXEC_OK;
}
