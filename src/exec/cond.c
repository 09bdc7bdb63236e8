/* The conditional moves and stores: SETcc, CMOVcc. The condition is the low nibble of the
 * opcode (0F 9x, 0F 4x). */
#include "exec/exec.h"

#include "core/regcache.h"
#include "exec/flags.h"

enum exec_result x_setcc(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    return op_write(cpu, &ops[0], cond_true(reg_get(cpu, R_RFLAGS), in->opcode) ? 1 : 0);
}

/* CMOVcc reads its source whether or not the condition holds (a device sees the read).
 * With a 32-bit operand in 64-bit mode the destination is zero-extended even when the
 * condition is false, as the hardware does. */
enum exec_result x_cmovcc(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t src, dst;
    enum exec_result r = op_read(cpu, &ops[1], &src);

    if (r != EXEC_OK)
        return r;
    if (cond_true(reg_get(cpu, R_RFLAGS), in->opcode))
        return op_write(cpu, &ops[0], src);
    if (ops[0].size != 4)
        return EXEC_OK;
    op_read(cpu, &ops[0], &dst);
    return op_write(cpu, &ops[0], dst);
}
