/* The 64-byte stores: MOVDIR64B (a direct store), ENQCMD and ENQCMDS (enqueue stores) read
 * 64 bytes from their memory operand and write them to ES:r, r a general-purpose register of
 * the address size; CLZERO writes a line of zeros. Each is one store on the CPU; through the
 * WHv memory callback it becomes eight naturally aligned 8-byte writes in ascending order,
 * made after every check (docs/system-instructions.md, "64-byte stores").
 *
 * ENQCMD puts the guest's IA32_PASID in its command. No WHv register name carries that MSR,
 * but the XSAVE feature set manages it as supervisor state component 10 (PASID state), which
 * the extended-state extension's area holds when the VMM's layout and compacted area have it.
 *
 * Source: Intel SDM vol. 2, MOVDIR64B, ENQCMD and ENQCMDS; vol. 1 ch. 13 (PASID state); AMD
 * APM vol. 3, CLZERO. */
#include "core/bytes.h"
#include "core/regcache.h"
#include "core/xstate.h"
#include "exec/exec.h"
#include "exec/flags.h"

#define LINE 64u

/* The bits of the source's first doubleword that must be zero (#GP(0)): ENQCMDS bits 30:20
 * (the command is the source itself, PASID in bits 19:0, privilege in bit 31); ENQCMD bits
 * 31:0, which the command takes from IA32_PASID: its bits 19:0, privilege 0 (user). */
#define ENQCMDS_RESERVED UINT32_C(0x7ff00000)
#define ENQCMD_RESERVED UINT32_C(0xffffffff)

/* IA32_PASID (SDM vol. 4; vol. 1 ch. 13: XSAVE state component 10, 8 bytes): bit 31 valid,
 * bits 19:0 the PASID. */
#define PASID_COMPONENT 10u /* XS_PASID */
#define PASID_VALID (UINT64_C(1) << 31)
#define PASID_MASK UINT64_C(0xfffff)

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

/* The enqueue store that ENQCMD and ENQCMDS end with, after each one's own first check: the
 * source read whole (no #AC: neither exception list has one, and ENQCMDS runs at CPL 0), #GP(0)
 * if a `reserved` bit of its first doubleword is set, the destination's segment checks, #GP(0)
 * unless its *linear* address is 64-byte aligned (the SDM says linear here, the register for
 * MOVDIR64B), then the command: the source with `pasid` in its first doubleword's bits 19:0
 * (reserved, so zero, in the source of the one form that gives a PASID here).
 *
 * ZF is the device's answer: 0 accepted, 1 retry (not accepted, or no enqueue register
 * there, and then the store is dropped). A write through the memory callback returns no
 * answer, so whvemu delivers the command and reports it accepted: ZF = 0. The other
 * arithmetic flags are cleared. */
static enum exec_result enqueue_store(struct vcpu *cpu, const struct insn *in, struct operand *ops,
                                      uint32_t reserved, uint32_t pasid)
{
    uint8_t command[LINE];
    uint64_t dest = destination(cpu, in, &ops[0]), linear;
    enum exec_result r = read_source(cpu, &ops[1], command, MMU_NO_ALIGN_CHECK);

    if (r == EXEC_OK && (load_le(command, 4) & reserved))
        r = raise_fault(cpu, EXC_GP, true, 0);
    if (r == EXEC_OK)
        r = mmu_linear(cpu, SEG_ES, dest, LINE, MMU_WRITE, &linear);
    if (r == EXEC_OK && (linear & (LINE - 1)))
        r = raise_fault(cpu, EXC_GP, true, 0);
    if (r != EXEC_OK)
        return r;
    store_le(command, 4, load_le(command, 4) | pasid);
    r = mmu_write(cpu, SEG_ES, dest, command, LINE, 0);
    if (r == EXEC_OK)
        flags_update(cpu, FL_ARITH, 0);
    return r;
}

/* ENQCMDS r, m512: CPL 0 only (#GP(0) before any access; virtual-8086 mode runs at CPL 3),
 * then the enqueue store of the source as it is. */
enum exec_result x_enqcmds(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    if (cpu->cpl != 0)
        return raise_fault(cpu, EXC_GP, true, 0);
    return enqueue_store(cpu, in, ops, ENQCMDS_RESERVED, 0);
}

/* The guest's IA32_PASID: component 10 of the area, 0 (not valid) in its init state. */
static uint64_t guest_ia32_pasid(const struct vcpu *cpu)
{
    const uint8_t *state = xstate_peek(cpu, PASID_COMPONENT);

    return state ? load_le(state, 8) : 0;
}

/* ENQCMD r, m512, at any CPL: IA32_PASID from the extended-state area, fetched before any
 * memory access (no extension, or an area without component 10: InternalEmulationFailure,
 * nothing touched); #GP(0) unless its valid bit is set, first, as in the SDM's "Operation";
 * then the enqueue store of a command whose bits 31:0 are IA32_PASID[19:0]. */
enum exec_result x_enqcmd(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    enum exec_result r = xstate_fetch(cpu, XS_PASID);
    uint64_t ia32_pasid;

    if (r != EXEC_OK)
        return r;
    ia32_pasid = guest_ia32_pasid(cpu);
    if (!(ia32_pasid & PASID_VALID))
        return raise_fault(cpu, EXC_GP, true, 0);
    return enqueue_store(cpu, in, ops, ENQCMD_RESERVED, (uint32_t)(ia32_pasid & PASID_MASK));
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
