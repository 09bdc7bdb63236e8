/* MXCSR for SIMD floating-point computation run on the host (issue 13, simd-design §3.9):
 * what the guest's CPU would have done with its exception masks, decided from one run of the
 * operation with every mask set.
 *
 * The engine runs the stub with simd_mxcsr_for_host(guest): the guest's rounding, DAZ and
 * FTZ, the six masks forced on (the host never traps) and the flags clear (what the run
 * raises is then exactly the run's flags). It then calls simd_mxcsr_outcome() with those
 * flags and the run's result; the verdict says whether to commit the result, or to leave
 * every destination unwritten (registers, memory, RFLAGS, a GPR) and inject #XM or #UD. The
 * MXCSR to write back comes with either.
 *
 * Why one masked run is enough (SDM vol. 1 §11.5.1-§11.5.3; each rule measured against this
 * CPU with the exceptions unmasked by tests/exec/test_simd_mxcsr.c, docs/simd-compute.md, "Floating point and MXCSR"):
 *   - the pre-computation conditions (IE, DE, ZE) are detected on the operands, the same with
 *     the masks on or off; when one is unmasked the CPU stops there and sets only the
 *     pre-computation flags of all elements. Otherwise it computes, each masked
 *     pre-computation condition with its masked response — which is the host run's.
 *   - the post-computation ones (OE, UE, PE) are the host run's, except one: with UE unmasked
 *     the CPU signals underflow on a tiny result even when it is exact, where the masked run
 *     raises nothing. Such a result is a denormal in the host run's destination, provided FTZ
 *     did not flush it — and FTZ applies only while UE is masked, so simd_mxcsr_for_host
 *     clears FTZ whenever the guest unmasks UE (the run's result then either traps or has no
 *     tiny element, so it is the guest's result either way).
 *   - except another: when an unmasked OE or UE stops the instruction, PE says whether a
 *     result rounded to the destination's precision with an unbounded exponent is inexact
 *     (as x87 reports PE with its scaled result: vol. 1 §4.9.1.4-5), not whether the
 *     delivered, overflowed or denormalized, one would have been. The host run cannot show
 *     that; the caller computes it element by element (simd_fp_inexact_unbounded) for the
 *     forms whose elements are one operation each, and gets SIMD_FP_UNDECIDED for a row
 *     without such a model (the engine then reports the instruction unsupported rather than
 *     guess a flag; no allowlisted row whose result can underflow lacks one). DPPS/DPPD,
 *     whose elements are several operations, apply this rule stage by stage (simd_dot.h).
 * The caller says which result elements were computed (an EVEX mask, a scalar's one element)
 * and in which format; SIMD_FP_NONE for an operation whose result cannot underflow (compares,
 * min/max, converts to integers, rounding to integers, the reciprocal approximations). */
#ifndef WHVEMU_SIMD_MXCSR_H
#define WHVEMU_SIMD_MXCSR_H

#include <stdbool.h>
#include <stdint.h>

/* MXCSR's fields (SDM vol. 1 §10.2.3, Figure 10-3). */
enum {
    MXCSR_IE = 1u << 0, /* invalid operation */
    MXCSR_DE = 1u << 1, /* denormal operand */
    MXCSR_ZE = 1u << 2, /* divide by zero */
    MXCSR_OE = 1u << 3, /* overflow */
    MXCSR_UE = 1u << 4, /* underflow */
    MXCSR_PE = 1u << 5, /* precision (inexact) */
    MXCSR_FLAGS = 0x3fu,
    MXCSR_PRE = MXCSR_IE | MXCSR_DE | MXCSR_ZE, /* detected before computing */
    MXCSR_DAZ = 1u << 6,
    MXCSR_MASK_SHIFT = 7, /* IM..PM: bits 12:7, in the flags' order */
    MXCSR_MASKS = MXCSR_FLAGS << MXCSR_MASK_SHIFT,
    MXCSR_FTZ = 1u << 15,
};

/* The format of the result elements the tininess check reads. */
enum simd_fp_format { SIMD_FP_NONE, SIMD_FP16, SIMD_FP32, SIMD_FP64 };

/* Whether the computed elements' results, each rounded to the format's precision with an
 * unbounded exponent range, are all exact (simd_fp_inexact_unbounded). */
enum simd_fp_exactness { SIMD_FP_EXACTNESS_UNKNOWN, SIMD_FP_ALL_EXACT, SIMD_FP_SOME_INEXACT };

/* What the host run produced. */
struct simd_fp_run {
    uint32_t raised;                  /* the run's MXCSR flags (bits 5:0; it started with none) */
    enum simd_fp_format format;       /* of the computed elements; SIMD_FP_NONE: cannot underflow */
    const uint8_t *result;            /* the run's destination, element 0 first */
    uint64_t computed;                /* bit i: element i was computed */
    enum simd_fp_exactness unbounded; /* read only for SIMD_FP_UNDECIDED's case */
    bool unmeasured; /* AVX512-FP16: no CPU here shows its unmasked OE/UE/PE response */
};

enum simd_fp_verdict {
    SIMD_FP_COMMIT,    /* write the result; MXCSR flags |= raised */
    SIMD_FP_XM,        /* an unmasked exception, CR4.OSXMMEXCPT set: #XM, nothing written */
    SIMD_FP_UD,        /* the same with CR4.OSXMMEXCPT clear: #UD (vol. 1 §11.5.3.2 step 2) */
    SIMD_FP_UNDECIDED, /* one masked run cannot tell (below), or an `unmeasured` row's
                        * unmasked post-computation exception: report it unsupported */
};

/* The MXCSR the host stub runs with. reports_exceptions: the operation can raise any
 * MXCSR flag — false for those that raise none (VRCP14PS, RCPPS, the BF16 forms) and for
 * EVEX SAE, which suppresses them all: those flush tiny results under FTZ whatever UM says,
 * where the others flush only with UE masked (VREDUCEPD too, which never reports UE but
 * raises PE for the flush: measured). */
static inline uint32_t simd_mxcsr_for_host(uint32_t guest, bool reports_exceptions)
{
    uint32_t host = (guest & ~MXCSR_FLAGS) | MXCSR_MASKS;
    if (reports_exceptions && !(guest & MXCSR_UE << MXCSR_MASK_SHIFT))
        host &= ~MXCSR_FTZ;
    return host;
}

/* The verdict, and in *mxcsr_after the guest's MXCSR after the instruction (its flags are
 * set by a fault too: vol. 1 §11.5.3.2 sets them before choosing #XM or #UD). */
enum simd_fp_verdict simd_mxcsr_outcome(uint32_t guest, bool osxmmexcpt,
                                        const struct simd_fp_run *run, uint32_t *mxcsr_after);

/* The arithmetic whose exactness simd_fp_inexact_unbounded decides: a + b, a - b, a * b,
 * a / b, the fused a * b + c and a * b - c (negating the whole result, as VFNMADD and
 * VFNMSUB do, does not change whether it is exact: VFNMADD is FMS, VFNMSUB is FMA), a
 * alone (a conversion to a narrower format), a * 2^floor(b) (VSCALEF: a's significand
 * unchanged, so never inexact with an unbounded exponent; a denormal a under DAZ is 0). */
enum simd_fp_arith {
    SIMD_FP_ADD,
    SIMD_FP_SUB,
    SIMD_FP_MUL,
    SIMD_FP_DIV,
    SIMD_FP_FMA,
    SIMD_FP_FMS,
    SIMD_FP_CVT,
    SIMD_FP_SCALE
};

/* Whether the exact result of op on the operands (bit patterns of format `in`; denormals
 * read as zero when daz) needs more significant bits than format `out` has. False for
 * NaN, infinity and the other results that are no rounding (x / 0, 0 * x). Exact integer
 * arithmetic; without a 128-bit integer type (MSVC) it cannot answer: *known false. */
bool simd_fp_inexact_unbounded(enum simd_fp_arith op, enum simd_fp_format in,
                               enum simd_fp_format out, bool daz, const uint64_t operand[3],
                               bool *known);

#endif
