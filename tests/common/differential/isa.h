/* What CPU features an encoding needs, from Zydis (an oracle independent of whvemu's
 * tables): its ISA set (ZydisDecodedInstruction.meta.isa_set, e.g. AVX512BW_256) mapped to
 * hostcpu's features, XCR0's state included (simd-design §4.2). The mnemonic alone cannot
 * tell SSE2 MOVDQU from AVX VMOVDQU from AVX512F+VL VMOVDQU32 YMM. */
#ifndef DIFF_ISA_H
#define DIFF_ISA_H

#include <stdbool.h>
#include <stdint.h>

#define ISA_MAX_FEATURES 3

struct isa_needs {
    const char *isa_set; /* Zydis's name, for reports */
    unsigned count;
    int feature[ISA_MAX_FEATURES]; /* enum host_feature */
    bool unknown;                  /* an ISA set no row below names: not runnable here */
};

/* The features the instruction at bytes needs in code of `bits`; false when Zydis does
 * not decode it to the same length (a harness problem, reported by the caller). */
bool isa_needs_of(const uint8_t *bytes, unsigned length, unsigned bits, struct isa_needs *n);

/* The first feature of n this host lacks, or -1 when it has them all. */
int isa_missing_feature(const struct isa_needs *n);

/* Whether this host has what the encoding needs; if not, the case is counted skipped (for the
 * feature it lacks, or for an ISA set isa.c does not know). */
bool isa_case_runs_here(const uint8_t *bytes, unsigned length, unsigned bits);

#endif
