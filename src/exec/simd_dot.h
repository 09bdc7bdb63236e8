/* DPPS and DPPD under the MXCSR rule (simd_mxcsr.h), stage by stage.
 *
 * A dot product is staged (SDM vol. 2 DPPS/DPPD, "Operation"): the products the imm8[7:4]
 * mask selects (+0.0 for the others), then sums of adjacent pairs until one value per
 * 128-bit lane is left — DPPS: (p0 + p1) and (p2 + p3), then their sum; DPPD: p0 + p1 —
 * and "exceptions are determined separately for each add and multiply operation". An
 * unmasked exception stops the instruction at the stage that detects it, so the merged flags
 * of one masked run of the whole instruction cannot say which flags the CPU sets there, and
 * a DE can come from a denormal product. Measured on this CPU (tests/exec/test_simd_mxcsr.c,
 * docs/simd-compute.md rule 7): each stage is one vertical operation with its own
 * pre-/post-computation rule, on the masked results of the stage before.
 *
 * So where the masked run of the whole instruction is not the guest's (some flag it raised
 * is unmasked, or UE is unmasked: an exact tiny product or sum), the stages are run again on
 * the host as separate operations (MULPS/MULPD, ADDPS/ADDPD: simd_host_op), each with the
 * guest's RC, DAZ and FTZ and every exception masked, and the per-operation rule
 * (simd_mxcsr_outcome) is applied stage by stage: the first stage whose exception is
 * unmasked decides #XM (or #UD) and the MXCSR, with the flags of the stages before it. */
#ifndef WHVEMU_SIMD_DOT_H
#define WHVEMU_SIMD_DOT_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/simd_fp.h"
#include "exec/simd_mxcsr.h"

/* What a dot product ran on: its row (model FP_DOT: the two factors' sources), the sources,
 * the vector's 128-bit lanes (VDPPS ymm: 2) and imm8. */
struct simd_dot {
    const struct simd_fp_row *row;
    const struct simd_fp_sources *src;
    unsigned lanes;
    uint8_t imm8;
};

/* The verdict and the MXCSR after, as simd_mxcsr_outcome's, for the masked run `run` of the
 * whole instruction: commit its result, or #XM/#UD with the flags of the stages up to the
 * one that stops it. SIMD_FP_UNDECIDED only where the host cannot run the stages (a build
 * without host stubs, which runs no DPPS either; more than two lanes, which no form has) or
 * the exactness is unknown (no 128-bit integer). */
enum simd_fp_verdict simd_dot_outcome(uint32_t guest, bool osxmmexcpt,
                                      const struct simd_fp_run *run, const struct simd_dot *dot,
                                      uint32_t *mxcsr_after);

#endif
