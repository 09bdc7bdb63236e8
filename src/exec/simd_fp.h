/* The SIMD floating-point rows (simd_fp.def): what the MXCSR rule needs of a mnemonic, and
 * the exactness of its computed elements from the operands the host stub ran with. */
#ifndef WHVEMU_SIMD_FP_H
#define WHVEMU_SIMD_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder.h"
#include "exec/simd_mxcsr.h"

enum simd_fp_source { FP_SRC_S, FP_SRC_D, FP_SRC_V, FP_SRC_M };
enum simd_fp_model { FP_NO_MODEL, FP_VERTICAL, FP_ALTERNATE, FP_HORIZONTAL, FP_DOT };

struct simd_fp_row {
    uint8_t result, input;    /* enum simd_fp_format */
    uint8_t model;            /* enum simd_fp_model */
    uint8_t arith, odd_arith; /* enum simd_fp_arith */
    uint8_t a, b, c;          /* enum simd_fp_source */
    bool quiet, unmeasured;
    bool paired; /* a mask bit per complex FP16 pair (VFMULCPH...), not per element */
};

static inline unsigned simd_fp_element_bytes(enum simd_fp_format f)
{
    return f == SIMD_FP16 ? 2 : f == SIMD_FP32 ? 4 : 8;
}

/* The row of an FP mnemonic, or NULL. */
const struct simd_fp_row *simd_fp_row(enum mnemonic mn);

/* The sources as the stub ran on them, element 0 first. */
struct simd_fp_sources {
    const uint8_t *dest, *vvvv, *memory; /* dest: its value before the instruction */
    bool legacy;                         /* legacy SSE: the first source is the destination */
    bool broadcast;                      /* memory holds one element, repeated */
};

/* Source s's bytes (S: the destination in legacy SSE, vvvv otherwise). */
const uint8_t *simd_fp_source(const struct simd_fp_sources *src, enum simd_fp_source s);

/* Whether the computed elements (bit i: element i) are exact with an unbounded exponent
 * (simd_fp_inexact_unbounded), for simd_fp_run.unbounded; unknown for NO_MODEL and for FP_DOT,
 * whose elements are several operations (simd_dot.h decides those stage by stage). */
enum simd_fp_exactness simd_fp_exactness(const struct simd_fp_row *row,
                                         const struct simd_fp_sources *src, uint64_t computed,
                                         bool daz);

#endif
