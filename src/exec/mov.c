/* Data movement: MOV (all forms, incl. moffs and segment-register stores), MOVZX (a MOV:
 * operands read zero-extended), MOVSX, MOVSXD, and LEA, which moves an address. */
#include "exec/exec.h"

#include "optab.h"
#include "whvemu.h"

enum exec_result x_mov(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t v;
    enum exec_result r;

    (void)in;
    if (ops[0].type == OPT_SEG)
        return x_mov_to_segment(cpu, in, ops); /* segment.c: a descriptor load */
    if (ops[1].type == OPT_SEG && ops[0].type == OPT_MEM)
        ops[0].size = 2; /* MOV m16, Sreg stores 16 bits whatever the operand size */
    r = op_read(cpu, &ops[1], &v);
    if (r != EXEC_OK)
        return r;
    return op_write(cpu, &ops[0], v);
}

/* MOVSX and MOVSXD: the source sign-extended to the destination's size. MOVSXD with a
 * 16-bit operand size reads a word on Intel CPUs but a doubleword on AMD ones (measured:
 * the fault and #AC behaviour of the wider read), keeping the low word either way. */
enum exec_result x_movsx(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t v;
    enum exec_result r;

    if (in->mnemonic == MN_movsxd && ops[0].size == 2 && ops[1].type == OPT_MEM &&
        cpu->vendor == WHVEMU_VENDOR_AMD)
        ops[1].size = 4;
    r = op_read(cpu, &ops[1], &v);
    if (r != EXEC_OK)
        return r;
    return op_write(cpu, &ops[0], sign_extend(v, ops[1].size));
}

/* LEA r, m: the effective address, computed with the address size (the operand has it
 * wrapped so), truncated or zero-extended to the operand size (SDM LEA, Table 3-54); no
 * memory access, no segment, no fault. It never makes a memory exit, but a VMM may hand it
 * over like any instruction. */
enum exec_result x_lea(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    (void)in;
    return op_write(cpu, &ops[0], ops[1].offset & size_mask(ops[0].size));
}
