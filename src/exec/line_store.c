/* The 64-byte stores: MOVDIR64B (a direct store) and ENQCMDS (an enqueue store) read 64
 * bytes from their memory operand and write them to ES:r, r a general-purpose register of
 * the address size; CLZERO writes a line of zeros. Each is one store on the CPU; through the
 * WHv memory callback it becomes eight naturally aligned 8-byte writes in ascending order,
 * made after every check (docs/system-instructions.md, "64-byte stores").
 *
 * ENQCMD, the user form, is not emulated: its command carries the PASID of the IA32_PASID
 * MSR, which no WHv register name carries (docs/coverage.md, known gaps).
 *
 * Source: Intel SDM vol. 2, MOVDIR64B and ENQCMDS; AMD APM vol. 3, CLZERO. */
#include "core/regcache.h"
#include "exec/exec.h"
#include "exec/flags.h"

#define LINE 64u

/* ENQCMDS: bits 30:20 of the source's first doubleword must be zero (#GP(0)); the command
 * is the source itself, with the PASID in bits 19:0 and the privilege in bit 31. */
#define ENQCMDS_RESERVED UINT32_C(0x7ff00000)

/* The destination offset: the register operand, of the address size (ES:r, no segment
 * override). */
static uint64_t destination(struct vcpu *cpu, const struct insn *in, const struct operand *reg)
{
    return gpr_read(cpu, reg->reg, in->addrsize, false);
}

/* The source, read whole before the destination is looked at: its faults come before the
 * destination's alignment check (MOVDIR64B, seen natively: tests/diff). */
static enum exec_result read_source(struct vcpu *cpu, const struct operand *src, uint8_t line[LINE],
                                    unsigned access)
{
    return mmu_read(cpu, (enum segreg)src->seg, src->offset, line, LINE, access);
}

/* MOVDIR64B r, m512: #GP(0) unless the destination register is 64-byte aligned. With
 * alignment checking the source must be 16-byte aligned (#AC; seen natively: 8-byte aligned
 * sources fault, 16-byte aligned ones do not). */
enum exec_result x_movdir64b(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint8_t line[LINE];
    uint64_t dest = destination(cpu, in, &ops[0]);
    enum exec_result r = read_source(cpu, &ops[1], line, MMU_AC_UNIT(16));

    if (r != EXEC_OK)
        return r;
    if (dest & (LINE - 1))
        return raise_fault(cpu, EXC_GP, true, 0);
    return mmu_write(cpu, SEG_ES, dest, line, LINE, 0);
}

/* ENQCMDS r, m512: CPL 0 only (#GP(0); virtual-8086 mode runs at CPL 3), the reserved
 * source bits clear, the destination's *linear* address 64-byte aligned (the SDM says linear
 * here, the register for MOVDIR64B); each #GP(0). Alignment checking never applies at
 * CPL 0.
 *
 * ZF is the device's answer: 0 accepted, 1 retry (not accepted, or no enqueue register
 * there, and then the store is dropped). A write through the memory callback returns no
 * answer, so whvemu delivers the command and reports it accepted: ZF = 0. The other
 * arithmetic flags are cleared. */
enum exec_result x_enqcmds(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint8_t command[LINE];
    uint64_t dest = destination(cpu, in, &ops[0]), linear;
    enum exec_result r = cpu->cpl == 0 ? EXEC_OK : raise_fault(cpu, EXC_GP, true, 0);

    if (r == EXEC_OK)
        r = read_source(cpu, &ops[1], command, 0);
    if (r == EXEC_OK && (load_le(command, 4) & ENQCMDS_RESERVED))
        r = raise_fault(cpu, EXC_GP, true, 0);
    if (r == EXEC_OK)
        r = mmu_linear(cpu, SEG_ES, dest, LINE, MMU_WRITE, &linear);
    if (r == EXEC_OK && (linear & (LINE - 1)))
        r = raise_fault(cpu, EXC_GP, true, 0);
    if (r == EXEC_OK)
        r = mmu_write(cpu, SEG_ES, dest, command, LINE, 0);
    if (r == EXEC_OK)
        flags_update(cpu, FL_ARITH, 0);
    return r;
}

/* How far a segment's base moves seg:offset from a 64-byte boundary: the low bits of the
 * linear address (64-bit mode uses only the FS and GS bases). */
static uint64_t line_misalignment(struct vcpu *cpu, enum segreg seg, uint64_t offset)
{
    bool based = cpu->code_mode != MODE_64 || seg == SEG_FS || seg == SEG_GS;
    uint64_t base = based ? reg_value(cpu, REG_SEG(seg))->Segment.Base : 0;

    return (base + offset) & (LINE - 1);
}

/* CLZERO (AMD APM vol. 3): writes zeros to the 64-byte line that holds the logical address
 * DS:rAX (rAX of the address size, DS overridable), with every segmentation and paging check
 * of a store of that line. The *linear* address is the one rounded down: with a GS base of
 * 20h mod 64 and rAX = 20h the AMD EPYC (Zen 4) clears GS:20h..5Fh, not GS:00h..3Fh
 * (tests/control). No flags change. */
enum exec_result x_clzero(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    static const uint8_t zeros[LINE];
    enum segreg seg = (in->prefixes & PFX_SEG) ? (enum segreg)in->seg_override : SEG_DS;
    uint64_t offset = gpr_read(cpu, GPR_AX, in->addrsize, false);

    (void)ops;
    offset = (offset - line_misalignment(cpu, seg, offset)) & size_mask(in->addrsize);
    return mmu_write(cpu, seg, offset, zeros, LINE, 0);
}
