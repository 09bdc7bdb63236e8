#include "exec/exec.h"

#include "api/regcache.h"
#include "optab.h"

/* What the executor knows of each mnemonic: its semantics and the registers it uses
 * implicitly (fetched with the operands' registers in one batch). A mnemonic without a
 * handler is a valid instruction we do not emulate: InternalEmulationFailure. */
struct exec_entry {
    exec_fn fn;
    uint64_t implicit_regs;
};

static const struct exec_entry exec_table[MN_COUNT] = {
    [MN_mov] = { x_mov, 0 },
    [MN_movzx] = { x_mov, 0 },
    [MN_movsx] = { x_movsx, 0 },
    [MN_movsxd] = { x_movsx, 0 },
};

uint64_t exec_implicit_regs(const struct insn *in)
{
    return in->mnemonic < MN_COUNT ? exec_table[in->mnemonic].implicit_regs : 0;
}

/* The address of the next instruction, wrapped as the code segment's size wraps IP/EIP. */
static uint64_t next_rip(struct vcpu *cpu, const struct insn *in)
{
    uint64_t rip = reg_get(cpu, R_RIP) + in->length;
    if (cpu->code_mode == MODE_16)
        rip &= 0xffff;
    else if (cpu->code_mode == MODE_32)
        rip &= 0xffffffffu;
    return rip;
}

enum exec_result exec_insn(struct vcpu *cpu)
{
    const struct insn *in = &cpu->insn;
    struct operand ops[MAX_OPERANDS];
    enum exec_result r;
    exec_fn fn = in->mnemonic < MN_COUNT ? exec_table[in->mnemonic].fn : NULL;

    if (!fn)
        return EXEC_UNSUPPORTED;
    if (!regs_fetch(cpu, operands_regs(cpu, in) | exec_implicit_regs(in)))
        return EXEC_CALLBACK_FAILED;
    operands_resolve(cpu, in, ops);
    r = fn(cpu, in, ops);
    if (cpu_broken(cpu))
        return EXEC_CALLBACK_FAILED;
    if (r != EXEC_OK)
        return r;
    if (!(in->row->flags & F_BRANCH))
        reg_set(cpu, R_RIP, next_rip(cpu, in));
    if (reg_get(cpu, R_RFLAGS) & FL_RF)
        reg_set(cpu, R_RFLAGS, reg_get(cpu, R_RFLAGS) & ~(uint64_t)FL_RF);
    return EXEC_OK;
}
