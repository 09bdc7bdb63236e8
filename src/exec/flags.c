#include "exec/flags.h"

#include "core/regcache.h"
#include "exec/operand.h"

bool cond_true(uint64_t rflags, unsigned cc)
{
    bool cf = rflags & FL_CF, zf = rflags & FL_ZF, sf = rflags & FL_SF;
    bool of = rflags & FL_OF, pf = rflags & FL_PF;
    bool holds;

    /* even codes test a condition, odd ones its negation */
    switch ((cc & 15) >> 1) {
    case CC_O >> 1: holds = of; break;
    case CC_B >> 1: holds = cf; break;
    case CC_E >> 1: holds = zf; break;
    case CC_BE >> 1: holds = cf || zf; break;
    case CC_S >> 1: holds = sf; break;
    case CC_P >> 1: holds = pf; break;
    case CC_L >> 1: holds = sf != of; break;
    default: holds = zf || sf != of; break; /* CC_LE */
    }
    return (cc & 1) ? !holds : holds;
}

uint64_t flag_pf(uint64_t result)
{
    unsigned v = (unsigned)result & 0xff;

    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return (v & 1) ? 0 : FL_PF;
}

uint64_t flags_szp(uint64_t result, unsigned size)
{
    result &= size_mask(size);
    return flag_pf(result) | (result == 0 ? FL_ZF : 0) | (msb(result, size) ? FL_SF : 0);
}

uint64_t flags_add(uint64_t dst, uint64_t src, unsigned carry_in, unsigned size)
{
    uint64_t mask = size_mask(size);
    uint64_t a = dst & mask, b = src & mask;
    uint64_t r = (a + b + carry_in) & mask;
    bool cf = r < a || (carry_in && r == a);

    return flags_szp(r, size) | (cf ? FL_CF : 0) | ((a ^ b ^ r) & FL_AF) |
           (msb((a ^ r) & (b ^ r), size) ? FL_OF : 0);
}

uint64_t flags_sub(uint64_t dst, uint64_t src, unsigned borrow_in, unsigned size)
{
    uint64_t mask = size_mask(size);
    uint64_t a = dst & mask, b = src & mask;
    uint64_t r = (a - b - borrow_in) & mask;
    bool cf = a < b || (borrow_in && a == b);

    return flags_szp(r, size) | (cf ? FL_CF : 0) | ((a ^ b ^ r) & FL_AF) |
           (msb((a ^ b) & (a ^ r), size) ? FL_OF : 0);
}

uint64_t flags_logic(uint64_t result, unsigned size)
{
    return flags_szp(result, size);
}

enum exec_result op_write_flags(struct vcpu *cpu, const struct operand *op, const struct int_op *o)
{
    enum exec_result r = op_write(cpu, op, o->dst);

    if (r == EXEC_OK)
        reg_set(cpu, R_RFLAGS, o->flags);
    return r;
}

void flags_update(struct vcpu *cpu, uint64_t mask, uint64_t values)
{
    reg_set(cpu, R_RFLAGS, flags_merge(reg_get(cpu, R_RFLAGS), mask, values));
}
