/* Cases picked by hand where the random states seldom go: each pins a rule that a probe of
 * this CPU found and the emulator follows (docs/simd-moves.md, docs/segmentation.md). They
 * run as the random cases do — the CPU and the emulator must agree — and on an AMD CPU the
 * CPU must also do what the probe measured there, so that a case keeps reaching its rule. */
#ifndef DIFF_PINNED_H
#define DIFF_PINNED_H

#include <stdbool.h>
#include <stdint.h>

#include "synth.h"

#define PINNED_COMPLETES (-1)

struct pinned_case {
    unsigned bits;    /* 32 or 64 */
    uint8_t bytes[8]; /* [eax]/[rax] addressing */
    unsigned length;
    uint64_t address; /* 32-bit code: the offset in data_segment(32, 2), whose base is the
                       * buffer + LDT_DATA32_HI_OFFSET; 64-bit: the linear address */
    bool bit_offset;  /* BT: rAX = 10h and the rest of the offset in rCX's bit offset */
    uint64_t k1;
    bool ac;          /* RFLAGS.AC */
    int amd_vector;   /* what the AMD EPYC (Zen 4) does: the exception, or COMPLETES */
    const char *rule; /* what it pins */
};

/* The cases, and their count. */
extern const struct pinned_case pinned_cases[];
extern const unsigned pinned_count;

/* Case i's encoding and initial state (the buffer filled); false when it does not decode. */
bool pinned_state(unsigned i, struct case_encoding *e, struct state *s);

/* What the CPU does from that state: the exception vector, PINNED_COMPLETES, or -2 when
 * the run failed outside the instruction. */
int pinned_cpu_outcome(const struct case_encoding *e, const struct state *s);

#endif
