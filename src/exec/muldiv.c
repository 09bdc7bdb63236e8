/* Multiply and divide: MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * Products and dividends are up to 128 bits wide; they are computed in portable C on
 * (high, low) pairs of 64-bit halves. Divide by zero and a quotient that does not fit
 * raise #DE before anything is written. SF, ZF, AF, PF (and all flags after a divide)
 * are undefined in the manuals: each instruction runs on the host when the call runs host
 * operations (hostop.h), else in C with the vendor profile (docs/flags.md). */
#include "exec/exec.h"

#include "core/regcache.h"
#include "exec/flags.h"
#include "exec/hostop.h"
#include "optab.h"

/* Unsigned 64 x 64 -> 128-bit product. */
static void mul_u128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
    uint64_t middle = (p0 >> 32) + (p1 & 0xffffffffu) + (p2 & 0xffffffffu);

    *lo = (middle << 32) | (p0 & 0xffffffffu);
    *hi = p3 + (p1 >> 32) + (p2 >> 32) + (middle >> 32);
}

/* Product of two values of size bytes, as a (hi, lo) pair of the 2*size-byte result
 * split at size bytes: lo is the low half, hi the high half, each masked to size. */
static void multiply(uint64_t a, uint64_t b, unsigned size, bool is_signed, uint64_t *hi,
                     uint64_t *lo)
{
    uint64_t mask = size_mask(size);

    if (is_signed) {
        a = sign_extend(a, size);
        b = sign_extend(b, size);
    } else {
        a &= mask;
        b &= mask;
    }
    if (size == 8) {
        mul_u128(a, b, hi, lo);
        /* two's complement: the signed high half subtracts what the sign bits added */
        if (is_signed) {
            *hi -= (a >> 63) ? b : 0;
            *hi -= (b >> 63) ? a : 0;
        }
    } else {
        uint64_t p = a * b; /* fits: operands of at most 32 bits, extended */
        *lo = p & mask;
        *hi = (p >> (size * 8)) & mask;
    }
}

/* Flags of a multiply: CF = OF = significant bits beyond the low half; SF, ZF, PF from the
 * low half with AF cleared on Intel, all four untouched on AMD. */
static uint64_t multiply_flags(const struct vcpu *cpu, uint64_t rflags, uint64_t low, unsigned size,
                               bool overflow)
{
    uint64_t co = overflow ? FL_CF | FL_OF : 0;

    if (vendor_is_amd(cpu))
        return flags_merge(rflags, FL_CF | FL_OF, co);
    return flags_merge(rflags, FL_ARITH, co | flags_szp(low, size));
}

/* The operands of the rDX:rAX forms: both registers whole, the flags. */
static struct int_op wide_operands(struct vcpu *cpu)
{
    struct int_op o = { .rax = gpr_read(cpu, GPR_AX, 8, false),
                        .rdx = gpr_read(cpu, GPR_DX, 8, false),
                        .flags = reg_get(cpu, R_RFLAGS) };
    return o;
}

/* Write back rAX, rDX (not for bytes: AX only) and the flags. */
static enum exec_result write_wide(struct vcpu *cpu, unsigned size, const struct int_op *o)
{
    gpr_write(cpu, GPR_AX, 8, false, o->rax);
    if (size > 1)
        gpr_write(cpu, GPR_DX, 8, false, o->rdx);
    reg_set(cpu, R_RFLAGS, o->flags);
    return EXEC_OK;
}

/* MUL and one-operand IMUL in C: rDX:rAX (AX for bytes) = rAX * src. */
static void mul_in_c(const struct vcpu *cpu, bool is_signed, unsigned size, struct int_op *o)
{
    uint64_t hi, lo, sign_of_low;

    multiply(o->rax, o->src, size, is_signed, &hi, &lo);
    if (size == 1) {
        o->rax = gpr_merge(o->rax, 2, hi << 8 | lo);
    } else {
        o->rax = gpr_merge(o->rax, size, lo);
        o->rdx = gpr_merge(o->rdx, size, hi);
    }
    sign_of_low = is_signed && msb(lo, size) ? size_mask(size) : 0;
    o->flags = multiply_flags(cpu, o->flags, lo, size, hi != sign_of_low);
}

/* MUL and one-operand IMUL. */
enum exec_result x_mul(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    struct int_op o = wide_operands(cpu);
    enum exec_result r = op_read(cpu, &ops[0], &o.src);

    if (r != EXEC_OK)
        return r;
    if (!host_op(cpu, in->mnemonic, true, size, &o))
        mul_in_c(cpu, in->mnemonic == MN_imul, size, &o);
    return write_wide(cpu, size, &o);
}

/* IMUL r, r/m and IMUL r, r/m, imm in C: the product truncated to the destination. */
static void imul_in_c(const struct vcpu *cpu, unsigned size, struct int_op *o)
{
    uint64_t hi, lo;

    multiply(o->dst, o->src, size, true, &hi, &lo);
    o->dst = lo;
    o->flags = multiply_flags(cpu, o->flags, lo, size, hi != (msb(lo, size) ? size_mask(size) : 0));
}

/* IMUL in all forms. The three-operand form runs on the host as the two-operand one with
 * the immediate in a register: the same multiply (tests/exec checks it against the CPU). */
enum exec_result x_imul(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    bool three = ops[2].type != OPT_NONE;
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    enum exec_result r;

    if (ops[1].type == OPT_NONE)
        return x_mul(cpu, in, ops);
    r = op_read(cpu, &ops[three ? 1 : 0], &o.dst);
    if (r != EXEC_OK)
        return r;
    r = op_read(cpu, &ops[three ? 2 : 1], &o.src);
    if (r != EXEC_OK)
        return r;
    if (three)
        o.src = sign_extend(o.src, ops[2].size); /* Ibs / Iz */
    if (!host_op(cpu, MN_imul, false, size, &o))
        imul_in_c(cpu, size, &o);
    return op_write_flags(cpu, &ops[0], &o);
}

/* Unsigned (hi:lo) / divisor for hi < divisor (so the quotient fits 64 bits), by shift and
 * subtract. */
static uint64_t div_u128(uint64_t hi, uint64_t lo, uint64_t divisor, uint64_t *remainder)
{
    uint64_t q = 0, rem = hi;

    for (int i = 63; i >= 0; i--) {
        bool carry = rem >> 63;
        rem = rem << 1 | ((lo >> i) & 1);
        q <<= 1;
        if (carry || rem >= divisor) {
            rem -= divisor;
            q |= 1;
        }
    }
    *remainder = rem;
    return q;
}

/* Negate a 128-bit (hi:lo) two's-complement value. */
static void neg_u128(uint64_t *hi, uint64_t *lo)
{
    *lo = ~*lo + 1;
    *hi = ~*hi + (*lo == 0 ? 1 : 0);
}

/* The dividend of a divide of size bytes as (hi:lo): AX, DX:AX, EDX:EAX in lo, or
 * RDX:RAX. */
static void dividend(const struct int_op *o, unsigned size, uint64_t *hi, uint64_t *lo)
{
    uint64_t mask = size_mask(size);

    *hi = size == 8 ? o->rdx : 0;
    if (size == 1)
        *lo = o->rax & 0xffff;
    else if (size < 8)
        *lo = (o->rdx & mask) << (size * 8) | (o->rax & mask);
    else
        *lo = o->rax;
}

/* |dividend| / |divisor| for IDIV: the magnitudes, and whether each was negative. */
static void signed_magnitudes(unsigned size, uint64_t *hi, uint64_t *lo, uint64_t *divisor,
                              bool *negative_dividend, bool *negative_divisor)
{
    *negative_dividend = size == 8 ? *hi >> 63 : msb(*lo, size * 2);
    *negative_divisor = msb(*divisor, size);
    if (*negative_dividend && size == 8)
        neg_u128(hi, lo);
    else if (*negative_dividend)
        *lo = (0 - *lo) & size_mask(size * 2);
    if (*negative_divisor)
        *divisor = (0 - *divisor) & size_mask(size);
}

/* DIV and IDIV in C: quotient to AL/rAX, remainder to AH/rDX. False when the CPU raises
 * #DE (o unchanged): a zero divisor or a quotient that does not fit (signed: its range, by
 * its sign). Flags: AMD sets SF, ZF, PF to 0 and AF to 1 and keeps CF, OF; Intel keeps all. */
static bool divide_in_c(const struct vcpu *cpu, bool is_signed, unsigned size, struct int_op *o)
{
    unsigned bits = size * 8;
    uint64_t mask = size_mask(size), divisor = o->src & mask, hi, lo, q, rem;
    bool negative_dividend = false, negative_divisor = false, negative_quotient;

    if (divisor == 0)
        return false;
    dividend(o, size, &hi, &lo);
    if (is_signed)
        signed_magnitudes(size, &hi, &lo, &divisor, &negative_dividend, &negative_divisor);
    if (hi >= divisor) /* only 64-bit dividends have a high half */
        return false;
    if (size == 8) {
        q = div_u128(hi, lo, divisor, &rem);
    } else {
        q = lo / divisor;
        rem = lo % divisor;
    }
    negative_quotient = negative_dividend != negative_divisor;
    /* magnitude limit: 2^(bits-1) for a negative quotient, one less for a positive */
    if (q > mask || (is_signed && q > (UINT64_C(1) << (bits - 1)) - (negative_quotient ? 0 : 1)))
        return false;
    q = negative_quotient ? 0 - q : q;
    rem = negative_dividend ? 0 - rem : rem;
    if (size == 1) {
        o->rax = gpr_merge(o->rax, 2, (rem & 0xff) << 8 | (q & 0xff));
    } else {
        o->rax = gpr_merge(o->rax, size, q);
        o->rdx = gpr_merge(o->rdx, size, rem);
    }
    if (vendor_is_amd(cpu))
        o->flags = flags_merge(o->flags, FL_SF | FL_ZF | FL_AF | FL_PF, FL_AF);
    return true;
}

/* DIV and IDIV: the dividend is AX (bytes) or rDX:rAX. The host runs one only after the C
 * division has ruled out #DE, which the process would take as SIGFPE. */
enum exec_result x_div(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    struct int_op o = wide_operands(cpu), on_host;
    enum exec_result r = op_read(cpu, &ops[0], &o.src);

    if (r != EXEC_OK)
        return r;
    on_host = o;
    if (!divide_in_c(cpu, in->mnemonic == MN_idiv, size, &o))
        return raise_fault(cpu, EXC_DE, false, 0);
    if (host_op(cpu, in->mnemonic, true, size, &on_host))
        o = on_host;
    return write_wide(cpu, size, &o);
}

/* MULX Gy (high half), By (low half), Ey: RDX/EDX * source, unsigned, no flags. The high
 * half is written last, so it wins when both name the same register. */
enum exec_result x_mulx(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    uint64_t src, hi, lo;
    enum exec_result r = op_read(cpu, &ops[2], &src);

    (void)in;
    if (r != EXEC_OK)
        return r;
    multiply(gpr_read(cpu, GPR_DX, size, false), src, size, false, &hi, &lo);
    r = op_write(cpu, &ops[1], lo);
    return r != EXEC_OK ? r : op_write(cpu, &ops[0], hi);
}
