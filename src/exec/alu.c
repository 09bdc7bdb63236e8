/* Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST (every encoding),
 * INC DEC NEG, NOT. Each runs on the host when the call runs host operations (hostop.h),
 * else in C. Every flag they affect is defined by the manuals except AF after the logical
 * operations, which all CPUs measured so far clear (flags_logic). */
#include "exec/exec.h"

#include "core/regcache.h"
#include "exec/flags.h"
#include "exec/hostop.h"
#include "optab.h"

void alu_in_c(enum mnemonic mn, unsigned size, struct int_op *o)
{
    unsigned carry = (o->flags & FL_CF) ? 1 : 0;
    uint64_t dst = o->dst, src = o->src, flags;

    switch (mn) {
    case MN_add:
        carry = 0;
        /* fall through */
    case MN_adc:
        o->dst = dst + src + carry;
        flags = flags_add(dst, src, carry, size);
        break;
    case MN_sub:
    case MN_cmp:
        carry = 0;
        /* fall through */
    case MN_sbb:
        o->dst = dst - src - carry;
        flags = flags_sub(dst, src, carry, size);
        break;
    case MN_or:
        o->dst = dst | src;
        flags = flags_logic(o->dst, size);
        break;
    case MN_xor:
        o->dst = dst ^ src;
        flags = flags_logic(o->dst, size);
        break;
    default: /* MN_and, MN_test */
        o->dst = dst & src;
        flags = flags_logic(o->dst, size);
        break;
    }
    o->flags = flags_merge(o->flags, FL_ARITH, flags);
}

static void alu_compute(const struct vcpu *cpu, enum mnemonic mn, unsigned size, struct int_op *o)
{
    if (!host_op(cpu, mn, false, size, o))
        alu_in_c(mn, size, o);
}

uint64_t alu_flags(struct vcpu *cpu, enum mnemonic mn, unsigned size, uint64_t dst, uint64_t src)
{
    struct int_op o = { .dst = dst, .src = src, .flags = reg_get(cpu, R_RFLAGS) };

    alu_compute(cpu, mn, size, &o);
    return o.flags;
}

/* The two-operand group: destination ops[0], source ops[1]. CMP and TEST only read. */
enum exec_result x_alu(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    bool compare_only = in->mnemonic == MN_cmp || in->mnemonic == MN_test;
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    enum exec_result r;

    r = compare_only ? op_read(cpu, &ops[0], &o.dst) : op_read_dest(cpu, &ops[0], &o.dst);
    if (r != EXEC_OK)
        return r;
    r = op_read(cpu, &ops[1], &o.src);
    if (r != EXEC_OK)
        return r;
    alu_compute(cpu, in->mnemonic, ops[0].size, &o);
    if (!compare_only)
        return op_write_flags(cpu, &ops[0], &o);
    reg_set(cpu, R_RFLAGS, o.flags);
    return EXEC_OK;
}

/* INC and DEC (an add/subtract of 1 that leaves CF alone) and NEG (the flags of
 * 0 - operand) in C. */
static void unary_in_c(enum mnemonic mn, unsigned size, struct int_op *o)
{
    uint64_t dst = o->dst;

    switch (mn) {
    case MN_inc:
        o->dst = dst + 1;
        o->flags = flags_merge(o->flags, FL_ARITH & ~(uint64_t)FL_CF, flags_add(dst, 1, 0, size));
        break;
    case MN_dec:
        o->dst = dst - 1;
        o->flags = flags_merge(o->flags, FL_ARITH & ~(uint64_t)FL_CF, flags_sub(dst, 1, 0, size));
        break;
    default: /* MN_neg */
        o->dst = 0 - dst;
        o->flags = flags_merge(o->flags, FL_ARITH, flags_sub(0, dst, 0, size));
        break;
    }
}

/* INC, DEC, NEG r/m. */
enum exec_result x_unary(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    enum exec_result r = op_read_dest(cpu, &ops[0], &o.dst);

    if (r != EXEC_OK)
        return r;
    if (!host_op(cpu, in->mnemonic, false, ops[0].size, &o))
        unary_in_c(in->mnemonic, ops[0].size, &o);
    return op_write_flags(cpu, &ops[0], &o);
}

/* NOT r/m: no flags. */
enum exec_result x_not(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t dst;
    enum exec_result r = op_read_dest(cpu, &ops[0], &dst);

    (void)in;
    return r != EXEC_OK ? r : op_write(cpu, &ops[0], ~dst);
}
