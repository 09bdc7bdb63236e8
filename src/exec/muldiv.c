/* Multiply and divide: MUL, IMUL (one, two and three operands), DIV, IDIV.
 *
 * Products and dividends are up to 128 bits wide; they are computed in portable C on
 * (high, low) pairs of 64-bit halves. Divide by zero and a quotient that does not fit
 * raise #DE before anything is written. SF, ZF, AF, PF (and all flags after a divide)
 * are undefined in the manuals and follow the vendor profile (docs/flags.md). */
#include "exec/exec.h"

#include "api/regcache.h"
#include "exec/flags.h"
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
static void multiply_flags(struct vcpu *cpu, uint64_t low, unsigned size, bool overflow)
{
    uint64_t co = overflow ? FL_CF | FL_OF : 0;

    if (vendor_is_amd(cpu))
        flags_update(cpu, FL_CF | FL_OF, co);
    else
        flags_update(cpu, FL_ARITH, co | flags_szp(low, size));
}

/* MUL and one-operand IMUL: rDX:rAX (AX for bytes) = rAX * operand. */
enum exec_result x_mul(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    bool is_signed = in->mnemonic == MN_imul;
    uint64_t src, hi, lo, sign_of_low;
    enum exec_result r = op_read(cpu, &ops[0], &src);

    if (r != EXEC_OK)
        return r;
    multiply(gpr_read(cpu, GPR_AX, size, false), src, size, is_signed, &hi, &lo);
    if (size == 1) {
        gpr_write(cpu, GPR_AX, 2, false, hi << 8 | lo);
    } else {
        gpr_write(cpu, GPR_AX, size, false, lo);
        gpr_write(cpu, GPR_DX, size, false, hi);
    }
    sign_of_low = is_signed && msb(lo, size) ? size_mask(size) : 0;
    multiply_flags(cpu, lo, size, hi != sign_of_low);
    return EXEC_OK;
}

/* IMUL in all forms; IMUL r, r/m and IMUL r, r/m, imm keep the product truncated to the
 * destination's size. */
enum exec_result x_imul(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    bool three = ops[2].type != OPT_NONE;
    uint64_t a, b, hi, lo;
    enum exec_result r;

    if (ops[1].type == OPT_NONE)
        return x_mul(cpu, in, ops);
    r = op_read(cpu, &ops[three ? 1 : 0], &a);
    if (r != EXEC_OK)
        return r;
    r = op_read(cpu, &ops[three ? 2 : 1], &b);
    if (r != EXEC_OK)
        return r;
    if (three)
        b = sign_extend(b, ops[2].size); /* Ibs / Iz */
    multiply(a, b, size, true, &hi, &lo);
    r = op_write(cpu, &ops[0], lo);
    if (r != EXEC_OK)
        return r;
    multiply_flags(cpu, lo, size, hi != (msb(lo, size) ? size_mask(size) : 0));
    return EXEC_OK;
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

/* DIV and IDIV: the dividend is AX (bytes) or rDX:rAX; quotient to AL/rAX, remainder to
 * AH/rDX. Flags: AMD sets SF, ZF, PF to 0 and AF to 1 and keeps CF, OF; Intel keeps all. */
enum exec_result x_div(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size, bits = size * 8;
    bool is_signed = in->mnemonic == MN_idiv;
    uint64_t mask = size_mask(size), divisor, hi, lo, q, rem;
    bool negative_dividend = false, negative_divisor = false;
    enum exec_result r = op_read(cpu, &ops[0], &divisor);

    if (r != EXEC_OK)
        return r;
    divisor &= mask;
    if (divisor == 0)
        return raise_fault(cpu, EXC_DE, false, 0);
    /* narrower dividends fit one 64-bit value; 64-bit ones are a (hi:lo) pair */
    hi = 0;
    if (size == 1) {
        lo = gpr_read(cpu, GPR_AX, 2, false);
    } else if (size < 8) {
        lo = gpr_read(cpu, GPR_DX, size, false) << bits | gpr_read(cpu, GPR_AX, size, false);
    } else {
        hi = gpr_read(cpu, GPR_DX, 8, false);
        lo = gpr_read(cpu, GPR_AX, 8, false);
    }
    if (is_signed) {
        negative_dividend = size == 8 ? hi >> 63 : msb(lo, size * 2);
        negative_divisor = msb(divisor, size);
        if (negative_dividend && size == 8)
            neg_u128(&hi, &lo);
        else if (negative_dividend)
            lo = (0 - lo) & size_mask(size * 2);
        if (negative_divisor)
            divisor = (0 - divisor) & mask;
    }
    /* the quotient must fit in size bytes (signed: in its range, by the result's sign) */
    if (hi >= divisor) /* only 64-bit dividends have a high half */
        return raise_fault(cpu, EXC_DE, false, 0);
    if (size == 8) {
        q = div_u128(hi, lo, divisor, &rem);
    } else {
        q = lo / divisor;
        rem = lo % divisor;
    }
    if (q > mask)
        return raise_fault(cpu, EXC_DE, false, 0);
    if (is_signed) {
        /* magnitude limit: 2^(bits-1) for a negative quotient, one less for a positive */
        bool negative_quotient = negative_dividend != negative_divisor;
        if (q > (UINT64_C(1) << (bits - 1)) - (negative_quotient ? 0 : 1))
            return raise_fault(cpu, EXC_DE, false, 0);
        if (negative_quotient)
            q = 0 - q;
        if (negative_dividend)
            rem = 0 - rem;
    }
    if (size == 1) {
        gpr_write(cpu, GPR_AX, 2, false, (rem & 0xff) << 8 | (q & 0xff));
    } else {
        gpr_write(cpu, GPR_AX, size, false, q);
        gpr_write(cpu, GPR_DX, size, false, rem);
    }
    if (vendor_is_amd(cpu))
        flags_update(cpu, FL_SF | FL_ZF | FL_AF | FL_PF, FL_AF);
    return EXEC_OK;
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
