#include "exec/simd_mxcsr.h"

#include <string.h>

/* The IEEE 754 binary formats: element bytes, fraction and exponent bits. */
static const struct fp_format {
    unsigned bytes, fraction_bits, exponent_bits;
} formats[] = {
    [SIMD_FP16] = { 2, 10, 5 },
    [SIMD_FP32] = { 4, 23, 8 },
    [SIMD_FP64] = { 8, 52, 11 },
};

static uint64_t field(uint64_t bits, unsigned shift, unsigned width)
{
    return bits >> shift & ((UINT64_C(1) << width) - 1);
}

/* A denormal: zero exponent, nonzero fraction — a tiny result that was exact, since an
 * inexact tiny one raised UE in the host run already. */
static bool denormal(uint64_t bits, const struct fp_format *f)
{
    return !field(bits, f->fraction_bits, f->exponent_bits) && field(bits, 0, f->fraction_bits);
}

static bool tiny_element_computed(const struct simd_fp_run *run)
{
    if (run->format == SIMD_FP_NONE)
        return false;
    const struct fp_format *f = &formats[run->format];
    for (unsigned i = 0; i < 64 && run->computed >> i; i++) {
        uint64_t bits = 0;
        memcpy(&bits, run->result + i * f->bytes, f->bytes); /* little-endian host */
        if ((run->computed >> i & 1) && denormal(bits, f))
            return true;
    }
    return false;
}

/* The flags the guest's CPU detects: the host run's, with UE for an exact tiny result when
 * UE is unmasked (a masked UE is flagged only when the result is also inexact). */
static uint32_t detected(uint32_t guest, const struct simd_fp_run *run)
{
    uint32_t flags = run->raised & MXCSR_FLAGS;
    bool ue_unmasked = !(guest & MXCSR_UE << MXCSR_MASK_SHIFT);
    if (ue_unmasked && tiny_element_computed(run))
        flags |= MXCSR_UE;
    return flags;
}

/* PE when an unmasked OE or UE stops the instruction: the unbounded-exponent inexactness
 * of the results (run->unbounded), and the inexactness a masked OE or UE implies in its own
 * element (a masked overflow is always inexact; a masked underflow is flagged only when its
 * denormalized result is). False with *known false when run->unbounded is unknown. */
static bool pe_at_post_trap(uint32_t masked, const struct simd_fp_run *run, bool *known)
{
    *known = run->unbounded != SIMD_FP_EXACTNESS_UNKNOWN;
    return run->unbounded == SIMD_FP_SOME_INEXACT || (run->raised & masked & (MXCSR_OE | MXCSR_UE));
}

enum simd_fp_verdict simd_mxcsr_outcome(uint32_t guest, bool osxmmexcpt,
                                        const struct simd_fp_run *run, uint32_t *mxcsr_after)
{
    uint32_t masked = guest >> MXCSR_MASK_SHIFT & MXCSR_FLAGS, unmasked = ~masked & MXCSR_FLAGS;
    uint32_t flags = detected(guest, run);
    bool known = true;

    if (flags & MXCSR_PRE & unmasked)
        flags &= MXCSR_PRE; /* stopped before computing: no post-computation flag */
    else if (run->unmeasured && flags & ~MXCSR_PRE & unmasked)
        known = false; /* which OE/UE/PE the CPU reports there: never measured */
    else if (flags & (MXCSR_OE | MXCSR_UE) & unmasked)
        flags = (flags & ~MXCSR_PE) | (pe_at_post_trap(masked, run, &known) ? MXCSR_PE : 0);
    *mxcsr_after = guest | flags;
    if (!known)
        return SIMD_FP_UNDECIDED;
    if (!(flags & unmasked))
        return SIMD_FP_COMMIT;
    return osxmmexcpt ? SIMD_FP_XM : SIMD_FP_UD;
}

/* ---- exactness with an unbounded exponent ---- */

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

/* A finite value as ±odd · 2^exponent (odd 0: zero). */
struct dyadic {
    bool negative;
    u128 odd;
    long exponent;
};

static unsigned bit_length(u128 x)
{
    unsigned n = 0;
    for (; x; x >>= 1)
        n++;
    return n;
}

static struct dyadic normalized(bool negative, u128 m, long exponent)
{
    while (m && !(m & 1)) {
        m >>= 1;
        exponent++;
    }
    return (struct dyadic){ negative, m, exponent };
}

/* False for NaN and infinity, which are no rounding. */
static bool decompose(uint64_t bits, enum simd_fp_format format, bool daz, struct dyadic *d)
{
    const struct fp_format *f = &formats[format];
    uint64_t fraction = field(bits, 0, f->fraction_bits);
    uint64_t biased = field(bits, f->fraction_bits, f->exponent_bits);
    long bias = (1L << (f->exponent_bits - 1)) - 1;

    if (biased == (UINT64_C(1) << f->exponent_bits) - 1)
        return false;
    if (!biased && daz)
        fraction = 0;
    uint64_t significand = biased ? fraction | UINT64_C(1) << f->fraction_bits : fraction;
    long exponent = (biased ? (long)biased : 1) - bias - (long)f->fraction_bits;
    *d = normalized(field(bits, f->fraction_bits + f->exponent_bits, 1), significand, exponent);
    return true;
}

static bool wider_than(u128 odd, unsigned precision)
{
    return bit_length(odd) > precision;
}

/* x + y, the operands' signs applied. With x's lowest bit d > 0 places above y's, the sum is
 * odd at y's lowest bit and at least 2^(d + bits(x) - 2) in magnitude when d + bits(x) - 1
 * exceeds bits(y): then wider than any precision below d + bits(x) - 1 without computing it;
 * otherwise x·2^d stays below 2^108. */
static bool sum_inexact(struct dyadic x, struct dyadic y, unsigned precision)
{
    if (!x.odd || !y.odd)
        return wider_than(x.odd | y.odd, precision);
    if (x.exponent < y.exponent) {
        struct dyadic t = x;
        x = y;
        y = t;
    }
    unsigned long d = (unsigned long)(x.exponent - y.exponent);
    unsigned bx = bit_length(x.odd), by = bit_length(y.odd);
    if (d > 0 && d + bx - 1 > (by > precision ? by : precision))
        return true;
    u128 high = x.odd << d, sum;
    if (x.negative == y.negative)
        sum = high + y.odd;
    else
        sum = high > y.odd ? high - y.odd : y.odd - high;
    return wider_than(normalized(false, sum, 0).odd, precision);
}

static struct dyadic product(struct dyadic a, struct dyadic b)
{
    return (struct dyadic){ a.negative != b.negative, a.odd * b.odd, a.exponent + b.exponent };
}

/* odd / odd is a dyadic rational only when it is an integer. The operands' significands fit
 * 64 bits: a 128-bit division would call libgcc (__udivti3), a DLL on MinGW. */
static bool quotient_inexact(uint64_t dividend, uint64_t divisor, unsigned precision)
{
    return divisor && (dividend % divisor || wider_than(dividend / divisor, precision));
}

static bool inexact(enum simd_fp_arith op, const struct dyadic v[3], unsigned precision)
{
    struct dyadic minus_b = { !v[1].negative, v[1].odd, v[1].exponent };
    struct dyadic minus_c = { !v[2].negative, v[2].odd, v[2].exponent };
    switch (op) {
    case SIMD_FP_ADD: return sum_inexact(v[0], v[1], precision);
    case SIMD_FP_SUB: return sum_inexact(v[0], minus_b, precision);
    case SIMD_FP_MUL: return wider_than(v[0].odd * v[1].odd, precision);
    case SIMD_FP_DIV: return quotient_inexact((uint64_t)v[0].odd, (uint64_t)v[1].odd, precision);
    case SIMD_FP_FMA: return sum_inexact(product(v[0], v[1]), v[2], precision);
    case SIMD_FP_FMS: return sum_inexact(product(v[0], v[1]), minus_c, precision);
    case SIMD_FP_SCALE: return false;
    default: return wider_than(v[0].odd, precision);
    }
}

bool simd_fp_inexact_unbounded(enum simd_fp_arith op, enum simd_fp_format in,
                               enum simd_fp_format out, bool daz, const uint64_t operand[3],
                               bool *known)
{
    static const unsigned operands[] = {
        [SIMD_FP_ADD] = 2, [SIMD_FP_SUB] = 2, [SIMD_FP_MUL] = 2, [SIMD_FP_DIV] = 2,
        [SIMD_FP_FMA] = 3, [SIMD_FP_FMS] = 3, [SIMD_FP_CVT] = 1, [SIMD_FP_SCALE] = 2,
    };
    struct dyadic v[3] = { { 0 } };
    *known = true;
    for (unsigned i = 0; i < operands[op]; i++)
        if (!decompose(operand[i], in, daz, &v[i]))
            return false;
    return inexact(op, v, formats[out].fraction_bits + 1);
}
#else
bool simd_fp_inexact_unbounded(enum simd_fp_arith op, enum simd_fp_format in,
                               enum simd_fp_format out, bool daz, const uint64_t operand[3],
                               bool *known)
{
    (void)op, (void)in, (void)out, (void)daz, (void)operand;
    *known = false;
    return false;
}
#endif
