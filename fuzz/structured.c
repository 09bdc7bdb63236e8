/* fuzz_emulate's structured mode (emulate_input.h). */
#include "structured.h"

#include <stdbool.h>
#include <string.h>

#include "emulate_input.h"

#define CR0_AM 0x40000u
#define CR0_PG 0x80000000u
#define CR4_PAE 0x20u
#define CR4_SMEP 0x100000u
#define CR4_SMAP 0x200000u
#define RFLAGS_ARITH 0x8d5u
#define RFLAGS_TF 0x100u
#define RFLAGS_DF 0x400u
#define RFLAGS_IOPL_SHIFT 12
#define RFLAGS_RF 0x10000u
#define RFLAGS_AC 0x40000u
#define RFLAGS_VM 0x20000u
#define ATTR_V86 0x00f3u /* what VMX reports for every segment in virtual-8086 mode */
#define SEGTYPE_EXPAND_DOWN 4u
#define SEGTYPE_WRITABLE 2u

static const enum vcpu_mode base_mode[] = {
    [FUZZ_MODE_REAL] = VCPU_REAL16,
    [FUZZ_MODE_V86] = VCPU_PROTECTED32,
    [FUZZ_MODE_PROT16] = VCPU_PROTECTED32,
    [FUZZ_MODE_PROT32] = VCPU_PROTECTED32,
    [FUZZ_MODE_PROT32_PAGED] = VCPU_PROTECTED32,
    [FUZZ_MODE_LONG64] = VCPU_LONG64,
    [FUZZ_MODE_COMPAT32] = VCPU_COMPAT32,
    [FUZZ_MODE_COMPAT16] = VCPU_COMPAT32,
};

static const WHV_REGISTER_NAME segments[] = {
    WHvX64RegisterCs, WHvX64RegisterDs, WHvX64RegisterEs,
    WHvX64RegisterSs, WHvX64RegisterFs, WHvX64RegisterGs,
};

static UINT64 *reg64(struct guest_vcpu *v, WHV_REGISTER_NAME name)
{
    return &vcpu_reg(v, name)->Reg64;
}

/* Virtual-8086 mode: real-mode style segments at CPL 3 under protected mode. */
static void make_v86(struct guest_vcpu *v)
{
    for (unsigned i = 0; i < sizeof segments / sizeof segments[0]; i++) {
        WHV_X64_SEGMENT_REGISTER *s = &vcpu_reg(v, segments[i])->Segment;
        s->Selector = 0;
        s->Base = 0;
        s->Limit = 0xffff;
        s->Attributes = ATTR_V86;
    }
    *reg64(v, WHvX64RegisterRflags) |= RFLAGS_VM;
    *reg64(v, WHvX64RegisterRip) = 0x7c00;
}

/* 16-bit code (and, outside long mode, 16-bit data segments with 64 KiB limits). */
static void make_16bit(struct guest_vcpu *v, bool data_too)
{
    for (unsigned i = 0; i < (data_too ? 6u : 1u); i++) {
        WHV_X64_SEGMENT_REGISTER *s = &vcpu_reg(v, segments[i])->Segment;
        s->Default = 0;
        s->Granularity = 0;
        s->Limit = 0xffff;
    }
    *reg64(v, WHvX64RegisterRip) = 0x1000;
}

void structured_vcpu(struct guest_vcpu *v, uint64_t shape, uint64_t rip_offset)
{
    enum fuzz_cpu_mode mode = (enum fuzz_cpu_mode)(shape & FUZZ_SHAPE_MODE_MASK);
    bool paging = mode == FUZZ_MODE_PROT32_PAGED || mode >= FUZZ_MODE_LONG64;
    UINT64 *rflags = reg64(v, WHvX64RegisterRflags), *rip = reg64(v, WHvX64RegisterRip);

    vcpu_set_defaults(v, base_mode[mode]);
    if (mode == FUZZ_MODE_V86)
        make_v86(v);
    if (mode == FUZZ_MODE_PROT16 || mode == FUZZ_MODE_COMPAT16)
        make_16bit(v, mode == FUZZ_MODE_PROT16);
    if (mode == FUZZ_MODE_PROT32_PAGED) {
        *reg64(v, WHvX64RegisterCr0) |= CR0_PG;
        *reg64(v, WHvX64RegisterCr3) = 0x1000;
        if (shape & FUZZ_SHAPE_PAE)
            *reg64(v, WHvX64RegisterCr4) |= CR4_PAE;
    }
    if (paging && (shape & FUZZ_SHAPE_SMEP_SMAP))
        *reg64(v, WHvX64RegisterCr4) |= CR4_SMEP | CR4_SMAP;
    if (mode != FUZZ_MODE_REAL && mode != FUZZ_MODE_V86)
        vcpu_set_cpl(v, (unsigned)(shape >> FUZZ_SHAPE_CPL_SHIFT) & 3);
    if (shape & FUZZ_SHAPE_ALIGNMENT_CHECK) {
        *reg64(v, WHvX64RegisterCr0) |= CR0_AM;
        *rflags |= RFLAGS_AC;
    }
    *rflags |= (shape & FUZZ_SHAPE_TF ? RFLAGS_TF : 0) | (shape & FUZZ_SHAPE_DF ? RFLAGS_DF : 0) |
               (shape & FUZZ_SHAPE_RF ? RFLAGS_RF : 0) |
               ((shape >> FUZZ_SHAPE_IOPL_SHIFT) & 3) << RFLAGS_IOPL_SHIFT;
    *rip = (*rip & ~(UINT64)0xfff) | (rip_offset & 0xfff);
}

/* A data segment's base, limit and a few type variants. */
static void override_segment(struct guest_vcpu *v, uint64_t low, uint64_t high)
{
    WHV_X64_SEGMENT_REGISTER *s = &vcpu_reg(v, segments[1 + (high >> 32 & 7) % 5])->Segment;
    bool long_code = vcpu_reg(v, WHvX64RegisterCs)->Segment.Long;

    s->Base = long_code ? low : (uint32_t)low;
    s->Limit = (UINT32)high;
    if (high >> 35 & 1)
        s->SegmentType |= SEGTYPE_EXPAND_DOWN;
    if (high >> 36 & 1)
        s->SegmentType &= ~SEGTYPE_WRITABLE;
    if (high >> 37 & 1)
        s->Default ^= 1;
    if (high >> 38 & 1)
        s->Present = 0;
}

void structured_override(struct guest_vcpu *v, uint64_t index, uint64_t low, uint64_t high)
{
    UINT64 *rflags = reg64(v, WHvX64RegisterRflags);

    index %= 18;
    if (index < 16)
        *reg64(v, (WHV_REGISTER_NAME)(WHvX64RegisterRax + index)) = low;
    else if (index == 16)
        override_segment(v, low, high);
    else
        *rflags = (*rflags & ~(UINT64)RFLAGS_ARITH) | (low & RFLAGS_ARITH);
}

void structured_exit(const struct guest_vcpu *v, uint64_t shape, WHV_VP_EXIT_CONTEXT *vp)
{
    vcpu_exit_context(v, 0, vp);
    vp->ExecutionState.InterruptShadow = (shape & FUZZ_SHAPE_INTERRUPT_SHADOW) != 0;
}

/* IN, OUT, INS, OUTS in every form. */
static const struct io_form {
    uint8_t opcode;
    bool write, string, imm8, byte;
} io_forms[12] = {
    { 0xe4, false, false, true, true },  { 0xe5, false, false, true, false },
    { 0xe6, true, false, true, true },   { 0xe7, true, false, true, false },
    { 0xec, false, false, false, true }, { 0xed, false, false, false, false },
    { 0xee, true, false, false, true },  { 0xef, true, false, false, false },
    { 0x6c, false, true, false, true },  { 0x6d, false, true, false, false },
    { 0x6e, true, true, false, true },   { 0x6f, true, true, false, false },
};

void structured_io(uint64_t shape, uint64_t selector, uint16_t port, uint64_t given_count,
                   WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    const struct io_form *f = &io_forms[(selector & 0xf) % 12];
    enum fuzz_cpu_mode mode = (enum fuzz_cpu_mode)(shape & FUZZ_SHAPE_MODE_MASK);
    bool code16 = mode == FUZZ_MODE_REAL || mode == FUZZ_MODE_V86 || mode == FUZZ_MODE_PROT16 ||
                  mode == FUZZ_MODE_COMPAT16;
    bool o16 = code16 != ((selector & 0x10) != 0);
    unsigned n = 0;

    if (selector & 0x10)
        io->InstructionBytes[n++] = 0x66;
    if (selector & 0x20)
        io->InstructionBytes[n++] = 0x67;
    if (selector & 0x40)
        io->InstructionBytes[n++] = 0xf3;
    if (selector & 0x80)
        io->InstructionBytes[n++] = 0x2e;
    io->InstructionBytes[n++] = f->opcode;
    if (f->imm8) {
        port &= 0xff;
        io->InstructionBytes[n++] = (UINT8)port;
    }
    io->InstructionByteCount = (UINT8)(given_count % 17 < n ? given_count % 17 : n);
    io->AccessInfo.AsUINT32 = 0;
    io->AccessInfo.IsWrite = f->write;
    io->AccessInfo.AccessSize = f->byte ? 1 : o16 ? 2 : 4;
    io->AccessInfo.StringOp = f->string;
    io->AccessInfo.RepPrefix = f->string && (selector & 0x40);
    io->PortNumber = port;
    /* now and then a context that does not match its instruction (a confused VMM, code
     * changed since the exit): another port or the other direction */
    if ((selector & 0x300) == 0x300)
        io->PortNumber ^= 1;
    if ((selector & 0xc00) == 0xc00)
        io->AccessInfo.IsWrite ^= 1;
}

uint32_t structured_mmio_access(uint64_t raw)
{
    WHV_MEMORY_ACCESS_INFO info;

    info.AsUINT32 = (UINT32)raw & 0xf;
    info.AccessType %= 3;
    return info.AsUINT32;
}
