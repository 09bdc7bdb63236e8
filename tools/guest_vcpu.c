/* Default vCPU states and the exit context a hypervisor reports for them. */
#include "guest_vcpu.h"

#include <stdbool.h>
#include <string.h>

/* Segment attributes: type, S, DPL, P in the low byte; L, D/B, G in the high nibble. */
#define ATTR_CODE 0x009bu /* execute/read, accessed, present */
#define ATTR_DATA 0x0093u /* read/write, accessed, present */
#define ATTR_LONG 0x2000u
#define ATTR_DB 0x4000u
#define ATTR_GRANULAR 0x8000u
#define ATTR_TSS_BUSY 0x008bu
#define ATTR_LDT 0x0082u
#define ATTR_DPL_SHIFT 5

#define CR0_PE 0x1u
#define CR0_ET 0x10u
#define CR0_NE 0x20u
#define CR0_WP 0x10000u
#define CR0_AM 0x40000u
#define CR0_PG 0x80000000u
#define CR4_PAE 0x20u
#define EFER_LME 0x100u
#define EFER_LMA 0x400u
#define EFER_NXE 0x800u
#define RFLAGS_FIXED 0x2u

WHV_REGISTER_VALUE *vcpu_reg(struct guest_vcpu *v, WHV_REGISTER_NAME name)
{
    int index = reg_index_of_name(name);
    return index < 0 ? NULL : &v->regs[index];
}

const WHV_REGISTER_VALUE *vcpu_reg_const(const struct guest_vcpu *v, WHV_REGISTER_NAME name)
{
    int index = reg_index_of_name(name);
    return index < 0 ? NULL : &v->regs[index];
}

static void set_segment(struct guest_vcpu *v, WHV_REGISTER_NAME name, UINT16 selector, UINT32 limit,
                        unsigned attributes)
{
    WHV_X64_SEGMENT_REGISTER *s = &vcpu_reg(v, name)->Segment;
    s->Base = 0;
    s->Selector = selector;
    s->Limit = limit;
    s->Attributes = (UINT16)attributes;
}

static const WHV_REGISTER_NAME data_segments[] = {
    WHvX64RegisterDs, WHvX64RegisterEs, WHvX64RegisterSs, WHvX64RegisterFs, WHvX64RegisterGs,
};

void vcpu_set_defaults(struct guest_vcpu *v, enum vcpu_mode mode)
{
    UINT64 cr0 = CR0_ET | CR0_NE, cr4 = 0, efer = 0, rip = 0x7c00, rsp = 0x7000;
    unsigned code_attr = ATTR_CODE, data_attr = ATTR_DATA;
    UINT16 code_sel = 0, data_sel = 0;
    UINT32 limit = 0xffff;

    memset(v, 0, sizeof *v);
    if (mode != VCPU_REAL16) {
        cr0 |= CR0_PE;
        code_attr |= ATTR_DB | ATTR_GRANULAR;
        data_attr |= ATTR_DB | ATTR_GRANULAR;
        code_sel = 0x08, data_sel = 0x10;
        limit = 0xffffffff;
        rip = 0x400000, rsp = 0x80000;
    }
    if (mode == VCPU_LONG64 || mode == VCPU_COMPAT32) {
        cr0 |= CR0_WP | CR0_PG;
        cr4 = CR4_PAE;
        efer = EFER_LME | EFER_LMA | EFER_NXE;
        vcpu_reg(v, WHvX64RegisterCr3)->Reg64 = 0x1000;
    }
    if (mode == VCPU_LONG64) {
        code_attr = (code_attr & ~ATTR_DB) | ATTR_LONG; /* L=1 requires D=0 */
        code_sel = 0x18;
    }
    vcpu_reg(v, WHvX64RegisterCr0)->Reg64 = cr0;
    vcpu_reg(v, WHvX64RegisterCr4)->Reg64 = cr4;
    vcpu_reg(v, WHvX64RegisterEfer)->Reg64 = efer;
    vcpu_reg(v, WHvX64RegisterRip)->Reg64 = rip;
    vcpu_reg(v, WHvX64RegisterRsp)->Reg64 = rsp;
    vcpu_reg(v, WHvX64RegisterRflags)->Reg64 = RFLAGS_FIXED;
    set_segment(v, WHvX64RegisterCs, code_sel, limit, code_attr);
    for (size_t i = 0; i < sizeof data_segments / sizeof data_segments[0]; i++)
        set_segment(v, data_segments[i], data_sel, limit, data_attr);
    set_segment(v, WHvX64RegisterTr, mode == VCPU_REAL16 ? 0 : 0x28, 0x67, ATTR_TSS_BUSY);
    set_segment(v, WHvX64RegisterLdtr, 0, 0xffff, ATTR_LDT);
    vcpu_reg(v, WHvX64RegisterGdtr)->Table.Limit = mode == VCPU_REAL16 ? 0xffff : 0x37;
    vcpu_reg(v, WHvX64RegisterIdtr)->Table.Limit = mode == VCPU_REAL16 ? 0x3ff : 0xfff;
}

void vcpu_set_cpl(struct guest_vcpu *v, unsigned cpl)
{
    const WHV_REGISTER_NAME names[] = { WHvX64RegisterCs, WHvX64RegisterSs };
    for (size_t i = 0; i < 2; i++) {
        WHV_X64_SEGMENT_REGISTER *s = &vcpu_reg(v, names[i])->Segment;
        s->Attributes = (UINT16)((s->Attributes & ~(3u << ATTR_DPL_SHIFT)) | cpl << ATTR_DPL_SHIFT);
        s->Selector = (UINT16)((s->Selector & ~3u) | cpl);
    }
}

static UINT64 reg64(const struct guest_vcpu *v, WHV_REGISTER_NAME name)
{
    return vcpu_reg_const(v, name)->Reg64;
}

void vcpu_exit_context(const struct guest_vcpu *v, unsigned instruction_length,
                       WHV_VP_EXIT_CONTEXT *vp)
{
    const WHV_X64_SEGMENT_REGISTER *cs = &vcpu_reg_const(v, WHvX64RegisterCs)->Segment;
    UINT64 cr0 = reg64(v, WHvX64RegisterCr0);
    memset(vp, 0, sizeof *vp);
    vp->ExecutionState.Cpl = (cr0 & CR0_PE) ? cs->DescriptorPrivilegeLevel : 0;
    vp->ExecutionState.Cr0Pe = (cr0 & CR0_PE) != 0;
    vp->ExecutionState.Cr0Am = (cr0 & CR0_AM) != 0;
    vp->ExecutionState.EferLma = (reg64(v, WHvX64RegisterEfer) & EFER_LMA) != 0;
    vp->InstructionLength = instruction_length & 0xf;
    vp->Cr8 = reg64(v, WHvX64RegisterCr8) & 0xf;
    vp->Cs = *cs;
    vp->Rip = reg64(v, WHvX64RegisterRip);
    vp->Rflags = reg64(v, WHvX64RegisterRflags);
}

/* Is the code segment a 64-bit one (EFER.LMA and CS.L)? */
static bool is_64bit_code(const struct guest_vcpu *v)
{
    return (reg64(v, WHvX64RegisterEfer) & EFER_LMA) &&
           vcpu_reg_const(v, WHvX64RegisterCs)->Segment.Long;
}

UINT64 vcpu_linear(const struct guest_vcpu *v, WHV_REGISTER_NAME segment, UINT64 offset)
{
    UINT64 base = vcpu_reg_const(v, segment)->Segment.Base;
    if (is_64bit_code(v))
        return segment == WHvX64RegisterFs || segment == WHvX64RegisterGs ? base + offset : offset;
    return (base + offset) & 0xffffffffu;
}
