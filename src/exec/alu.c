/* Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST (every encoding),
 * INC DEC NOT NEG. Every flag they affect is defined by the manuals except AF after the
 * logical operations, which all CPUs clear (flags_logic). */
#include "exec/exec.h"

#include "api/regcache.h"
#include "exec/flags.h"
#include "optab.h"

/* The two-operand group: destination ops[0], source ops[1]. CMP and TEST only read. */
enum exec_result x_alu(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    bool compare_only = in->mnemonic == MN_cmp || in->mnemonic == MN_test;
    unsigned carry = (reg_get(cpu, R_RFLAGS) & FL_CF) ? 1 : 0;
    uint64_t dst, src, result, flags;
    enum exec_result r;

    r = compare_only ? op_read(cpu, &ops[0], &dst) : op_read_dest(cpu, &ops[0], &dst);
    if (r != EXEC_OK)
        return r;
    r = op_read(cpu, &ops[1], &src);
    if (r != EXEC_OK)
        return r;

    switch (in->mnemonic) {
    case MN_add:
        carry = 0;
        /* fall through */
    case MN_adc:
        result = dst + src + carry;
        flags = flags_add(dst, src, carry, size);
        break;
    case MN_sub:
    case MN_cmp:
        carry = 0;
        /* fall through */
    case MN_sbb:
        result = dst - src - carry;
        flags = flags_sub(dst, src, carry, size);
        break;
    case MN_or:
        result = dst | src;
        flags = flags_logic(result, size);
        break;
    case MN_xor:
        result = dst ^ src;
        flags = flags_logic(result, size);
        break;
    default: /* MN_and, MN_test */
        result = dst & src;
        flags = flags_logic(result, size);
        break;
    }
    if (!compare_only) {
        r = op_write(cpu, &ops[0], result);
        if (r != EXEC_OK)
            return r;
    }
    flags_update(cpu, FL_ARITH, flags);
    return EXEC_OK;
}

/* INC and DEC: an add/subtract of 1 that leaves CF alone. */
enum exec_result x_incdec(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    bool inc = in->mnemonic == MN_inc;
    uint64_t dst;
    enum exec_result r = op_read_dest(cpu, &ops[0], &dst);

    if (r != EXEC_OK)
        return r;
    r = op_write(cpu, &ops[0], inc ? dst + 1 : dst - 1);
    if (r != EXEC_OK)
        return r;
    flags_update(cpu, FL_ARITH & ~(uint64_t)FL_CF,
                 inc ? flags_add(dst, 1, 0, size) : flags_sub(dst, 1, 0, size));
    return EXEC_OK;
}

/* NOT (no flags) and NEG (the flags of 0 - operand: CF set unless the operand is 0). */
enum exec_result x_notneg(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t dst;
    enum exec_result r = op_read_dest(cpu, &ops[0], &dst);

    if (r != EXEC_OK)
        return r;
    if (in->mnemonic == MN_not)
        return op_write(cpu, &ops[0], ~dst);
    r = op_write(cpu, &ops[0], 0 - dst);
    if (r != EXEC_OK)
        return r;
    flags_update(cpu, FL_ARITH, flags_sub(0, dst, 0, ops[0].size));
    return EXEC_OK;
}
