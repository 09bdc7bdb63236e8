#include "exec/simd_fp.h"

#include <string.h>

#define SIMD_NONE SIMD_FP_NONE
#define QUIET 1
#define UNMEASURED 2
#define PAIRED 4
#define NO_MODEL .model = FP_NO_MODEL
#define ROLES_(a_, b_, c_) .a = FP_SRC_##a_, .b = FP_SRC_##b_, .c = FP_SRC_##c_
#define V(ar, a_, b_, c_)                                                                          \
    .model = FP_VERTICAL, .arith = SIMD_FP_##ar, .odd_arith = SIMD_FP_##ar, ROLES_(a_, b_, c_)
#define ALT(even, odd, a_, b_, c_)                                                                 \
    .model = FP_ALTERNATE, .arith = SIMD_FP_##even, .odd_arith = SIMD_FP_##odd, ROLES_(a_, b_, c_)
#define DOT(a_, b_) .model = FP_DOT, ROLES_(a_, b_, S)
#define H(ar, a_, b_)                                                                              \
    .model = FP_HORIZONTAL, .arith = SIMD_FP_##ar, .odd_arith = SIMD_FP_##ar, ROLES_(a_, b_, S)

/* Indexed by mnemonic; a row's `present` tells it from the zeros between. */
static const struct fp_entry {
    struct simd_fp_row row;
    bool present;
} rows[MN_COUNT] = {
#define F(mn, result_, input_, model, flags)                                                       \
    [MN_##mn] = { { .result = SIMD_##result_,                                                      \
                    .input = SIMD_##input_,                                                        \
                    model,                                                                         \
                    .quiet = ((flags)&QUIET) != 0,                                                 \
                    .unmeasured = ((flags)&UNMEASURED) != 0,                                       \
                    .paired = ((flags)&PAIRED) != 0 },                                             \
                  true },
#include "exec/simd_fp.def"
#undef F
};

const struct simd_fp_row *simd_fp_row(enum mnemonic mn)
{
    return (unsigned)mn < MN_COUNT && rows[mn].present ? &rows[mn].row : NULL;
}

const uint8_t *simd_fp_source(const struct simd_fp_sources *src, enum simd_fp_source s)
{
    switch (s) {
    case FP_SRC_S: return src->legacy ? src->dest : src->vvvv;
    case FP_SRC_D: return src->dest;
    case FP_SRC_V: return src->vvvv;
    default: return src->memory;
    }
}

/* Element i of source s (a broadcast memory operand repeats its element 0). */
static uint64_t element(const struct simd_fp_sources *src, enum simd_fp_source s, unsigned i,
                        enum simd_fp_format f)
{
    uint64_t bits = 0;
    if (s == FP_SRC_M && src->broadcast)
        i = 0;
    memcpy(&bits, simd_fp_source(src, s) + i * simd_fp_element_bytes(f), simd_fp_element_bytes(f));
    return bits;
}

/* Element i's operands and arithmetic. Horizontal: each 128-bit lane's first half from
 * adjacent pairs of a, its second half from pairs of b. */
static enum simd_fp_arith operands_of(const struct simd_fp_row *row,
                                      const struct simd_fp_sources *src, unsigned i,
                                      uint64_t operand[3])
{
    enum simd_fp_format f = (enum simd_fp_format)row->input;
    if (row->model == FP_HORIZONTAL) {
        unsigned lane = 16 / simd_fp_element_bytes(f), half = lane / 2, j = i % lane;
        unsigned first = i - j + 2 * (j % half);
        enum simd_fp_source s = (enum simd_fp_source)(j < half ? row->a : row->b);
        operand[0] = element(src, s, first, f);
        operand[1] = element(src, s, first + 1, f);
        return (enum simd_fp_arith)row->arith;
    }
    operand[0] = element(src, (enum simd_fp_source)row->a, i, f);
    operand[1] = element(src, (enum simd_fp_source)row->b, i, f);
    operand[2] = element(src, (enum simd_fp_source)row->c, i, f);
    return (enum simd_fp_arith)(row->model == FP_ALTERNATE && (i & 1) ? row->odd_arith
                                                                      : row->arith);
}

enum simd_fp_exactness simd_fp_exactness(const struct simd_fp_row *row,
                                         const struct simd_fp_sources *src, uint64_t computed,
                                         bool daz)
{
    if (row->model == FP_NO_MODEL || row->model == FP_DOT)
        return SIMD_FP_EXACTNESS_UNKNOWN;
    for (unsigned i = 0; i < 64 && computed >> i; i++) {
        uint64_t operand[3];
        bool known;
        if (!(computed >> i & 1))
            continue;
        enum simd_fp_arith arith = operands_of(row, src, i, operand);
        bool inexact =
            simd_fp_inexact_unbounded(arith, (enum simd_fp_format)row->input,
                                      (enum simd_fp_format)row->result, daz, operand, &known);
        if (!known)
            return SIMD_FP_EXACTNESS_UNKNOWN;
        if (inexact)
            return SIMD_FP_SOME_INEXACT;
    }
    return SIMD_FP_ALL_EXACT;
}
