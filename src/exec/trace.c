/* Intel Processor Trace: PTWRITE.
 *
 * PTWRITE r/m32, r/m64 (REX.W, 64-bit mode) reads its operand and, when trace packets are
 * being generated (TriggerEn, ContextEn, FilterEn and PTWEn all 1), puts the value in a PTW
 * packet; otherwise it does nothing else (SDM PTWRITE, Operation). Flags are unaffected.
 * The read, with its faults (#GP, #SS, #PF, #AC), happens either way: for a memory operand
 * the device sees it. The trace itself cannot be emulated: no WHv register carries the
 * IA32_RTIT_* MSRs and no callback reaches a trace buffer, so the emulator behaves as the
 * CPU does with packet generation off (docs/system-instructions.md). */
#include "exec/exec.h"

/* A 66H prefix is #UD (SDM PTWRITE, a note of its own). It is checked here: the decoder, like
 * Zydis, takes 66 F3 0F AE /4 for PTWRITE, and its tables select by operand size, not by the
 * prefix (in 16-bit code PTWRITE is 32 bits with or without 66). */
enum exec_result x_ptwrite(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t discarded;

    if (in->prefixes & PFX_OSIZE)
        return raise_fault(cpu, EXC_UD, false, 0);
    return op_read(cpu, &ops[0], &discarded);
}
