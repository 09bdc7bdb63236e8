/* DPPS and DPPD under the MXCSR rule, stage by stage (simd_dot.h). */
#include "exec/simd_dot.h"

#include <string.h>

#include "exec/simd_host.h"

/* The most a stage holds: VDPPS ymm's eight products, two lanes (there is no EVEX form). */
#define STAGE_BYTES 32
#define MAX_LANES (STAGE_BYTES / 16)

/* One stage: results[i] = x[i] op y[i] for i < n, zeros beyond (0 op 0 = +0 raises
 * nothing), and the flags its masked host run raised. */
struct stage {
    enum simd_fp_arith arith;
    unsigned n;
    uint8_t x[STAGE_BYTES], y[STAGE_BYTES], result[STAGE_BYTES];
    uint32_t raised;
};

/* The products: element i of the two factors where imm8[4 + i mod (lane's elements)] is set,
 * +0.0 · +0.0 elsewhere (the SDM's "+0.0" for a product not selected). */
static void products(const struct simd_dot *dot, unsigned bytes, struct stage *s)
{
    unsigned per_lane = 16 / bytes;
    const uint8_t *a = simd_fp_source(dot->src, (enum simd_fp_source)dot->row->a);
    const uint8_t *b = simd_fp_source(dot->src, (enum simd_fp_source)dot->row->b);

    memset(s, 0, sizeof *s);
    s->arith = SIMD_FP_MUL;
    s->n = per_lane * dot->lanes;
    for (unsigned i = 0; i < s->n; i++) {
        if (!(dot->imm8 >> (4 + i % per_lane) & 1))
            continue;
        memcpy(s->x + i * bytes, a + i * bytes, bytes);
        memcpy(s->y + i * bytes, b + i * bytes, bytes);
    }
}

/* The next stage: sums of adjacent pairs of the last one's results, which stay in their
 * lane (a lane's values are contiguous and a power of two). */
static void pair_sums(const struct stage *last, unsigned bytes, struct stage *s)
{
    memset(s, 0, sizeof *s);
    s->arith = SIMD_FP_ADD;
    s->n = last->n / 2;
    for (unsigned i = 0; i < s->n; i++) {
        memcpy(s->x + i * bytes, last->result + 2 * i * bytes, bytes);
        memcpy(s->y + i * bytes, last->result + (2 * i + 1) * bytes, bytes);
    }
}

/* The stage on the host, 16 bytes at a time, with the MXCSR the engine's run had. */
static bool run_stage(struct stage *s, enum simd_fp_format f, uint32_t host_mxcsr)
{
    bool single = f == SIMD_FP32;
    enum simd_host_op op = s->arith == SIMD_FP_MUL ? (single ? SIMD_HOST_MULPS : SIMD_HOST_MULPD)
                                                   : (single ? SIMD_HOST_ADDPS : SIMD_HOST_ADDPD);
    unsigned used = s->n * simd_fp_element_bytes(f);

    memcpy(s->result, s->x, sizeof s->result);
    s->raised = 0;
    for (unsigned at = 0; at < used; at += 16) {
        uint32_t mxcsr = host_mxcsr;
        if (!simd_host_op(op, &mxcsr, s->result + at, s->y + at))
            return false;
        s->raised |= mxcsr & MXCSR_FLAGS;
    }
    return true;
}

/* The per-operation rule on one stage: its results are vertical x op y. */
static enum simd_fp_verdict stage_outcome(uint32_t guest, bool osxmmexcpt, const struct stage *s,
                                          enum simd_fp_format f, uint32_t *mxcsr_after)
{
    const struct simd_fp_row vertical = { .result = f,
                                          .input = f,
                                          .model = FP_VERTICAL,
                                          .arith = s->arith,
                                          .odd_arith = s->arith,
                                          .a = FP_SRC_V,
                                          .b = FP_SRC_M };
    const struct simd_fp_sources operands = { .vvvv = s->x, .memory = s->y };
    struct simd_fp_run run = {
        .raised = s->raised, .format = f, .result = s->result, .computed = (UINT64_C(1) << s->n) - 1
    };

    run.unbounded = simd_fp_exactness(&vertical, &operands, run.computed, guest & MXCSR_DAZ);
    return simd_mxcsr_outcome(guest, osxmmexcpt, &run, mxcsr_after);
}

/* Whether the masked run of the whole instruction is the guest's: none of its flags is
 * unmasked, and no exact tiny intermediate can signal an unmasked UE. */
static bool masked_run_decides(uint32_t guest, const struct simd_fp_run *run)
{
    uint32_t unmasked = ~(guest >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    return !(run->raised & unmasked) && !(unmasked & MXCSR_UE);
}

enum simd_fp_verdict simd_dot_outcome(uint32_t guest, bool osxmmexcpt,
                                      const struct simd_fp_run *run, const struct simd_dot *dot,
                                      uint32_t *mxcsr_after)
{
    enum simd_fp_format f = (enum simd_fp_format)dot->row->input;
    unsigned bytes = simd_fp_element_bytes(f);
    uint32_t host = simd_mxcsr_for_host(guest, true), flags = guest;
    struct stage s[2];
    unsigned k = 0;

    if (masked_run_decides(guest, run))
        return simd_mxcsr_outcome(guest, osxmmexcpt, run, mxcsr_after);
    if (dot->lanes > MAX_LANES)
        return SIMD_FP_UNDECIDED;
    products(dot, bytes, &s[0]);
    for (;;) { /* each stage halves n, a power of two per lane, down to one value per lane */
        enum simd_fp_verdict v;
        if (!run_stage(&s[k], f, host))
            return SIMD_FP_UNDECIDED;
        v = stage_outcome(flags, osxmmexcpt, &s[k], f, &flags);
        if (v != SIMD_FP_COMMIT || s[k].n == dot->lanes) {
            *mxcsr_after = flags;
            return v;
        }
        pair_sums(&s[k], bytes, &s[k ^ 1]);
        k ^= 1;
    }
}
