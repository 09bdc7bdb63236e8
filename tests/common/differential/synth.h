/* Synthesis of test cases: encodings of a form (prefixes, operand and address size,
 * addressing form, registers, immediates), and initial states whose memory operands land
 * in the test buffer, with register and memory values biased towards edge cases. */
#ifndef DIFF_SYNTH_H
#define DIFF_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder.h"
#include "forms.h"
#include "native.h"
#include "segments.h"
#include "vecstate.h"

/* xorshift64*: fast, and reproducible from the seed printed with each mismatch. */
struct rng {
    uint64_t s;
};
uint64_t rng_next(struct rng *r);
unsigned rng_below(struct rng *r, unsigned n);

/* A form in one CPU mode with one operand size (and REP prefix for strings): the unit
 * the harness counts and reports. */
struct variant {
    const struct form *form;
    unsigned bits;  /* 16, 32, 64: the code segment */
    unsigned osize; /* 2, 4, 8; 0 when no operand is sized by it */
    uint8_t rep;    /* 0, 0xf3 or 0xf2 for string rows */
    int8_t w;       /* VEX/EVEX.W, or -1: random per case (W ignored) */
    int8_t vl;      /* VEX.L / EVEX.L'L, or -1: random per case (L ignored) */
    bool broadcast; /* EVEX.b with a memory operand: an element repeated */
};

/* All variants of a form; returns the count written (at most max). */
unsigned variants_of(const struct form *f, struct variant *out, unsigned max);

/* One instruction, decoded. */
struct case_encoding {
    uint8_t bytes[16];
    unsigned length;
    struct insn insn;
};

/* A random encoding of the variant; false when none matched the form after many tries. */
bool synth_encoding(struct rng *r, const struct variant *v, struct case_encoding *e);

/* An initial state: registers and segments; the buffer content is in native_layout(). */
struct state {
    unsigned bits;
    uint64_t gpr[16];
    uint64_t rflags;
    struct segment seg[6]; /* ES CS SS DS FS GS */
    uint64_t rip;          /* of the slot */
    uint64_t target;       /* linear address of the (first) memory operand, or 0 */
    bool target_known;     /* target is the address the instruction accesses */
    /* how the exit reports it: instruction bytes given (the emulator fetches the rest),
     * and whether the exit's GVA/GPA are valid */
    unsigned bytes_given;
    bool gva_valid;
    struct vecstate vec;   /* the vector registers (synth_vecstate) */
    bool xstate_compacted; /* the guest's extended-state buffer is in the compacted format */
};

/* A random state for the decoded instruction: registers, segments, flags (flags_case
 * picks 0, all arithmetic flags, or those with DF), the buffer filled and the memory
 * operand's address registers solved so that it lands in the buffer. When `patch` is
 * set, displacements that must hold the address (RIP-relative, absolute, moffs) are
 * written into e->bytes; otherwise they are the caller's. False when this encoding
 * cannot reach the buffer with this state's segments (try another). */
bool synth_state(struct rng *r, struct case_encoding *e, unsigned flags_case, bool patch,
                 struct state *s);

/* Random vector registers for a case (simd-design §4.3): each 16-byte lane of ZMM0-31 from
 * random bits, FP32 or FP64 special values (signed zeros and infinities, QNaNs and SNaNs with
 * random payloads, denormals, the largest and smallest normals, 1.0) or integer edges; k0-k7
 * all zero, all ones, one bit or random; MXCSR random within MXCSR_MASK (which holds AMD's
 * misaligned-SSE bit MM where the CPU has it); the x87 registers, TOS, tags and control word
 * random, with an unmasked exception pending (FSW.ES) one time in eight. Only the registers
 * of the layout's components; the rest keep their init values. */
void synth_vecstate(struct rng *r, const struct xsave_layout *l, struct vecstate *v);

/* Run the instruction placed in the runner of s->bits (native_place) from state s: its
 * general-purpose registers, RFLAGS, data segment selectors and vector registers. *vec gets
 * the vector registers after the instruction or at its fault; false when the runner's image
 * of them cannot be read. */
bool native_run_state(const struct state *s, struct native_result *nr, struct vecstate *vec);

/* RFLAGS as a user program has it: IF and the always-one bit 1. */
#define USER_RFLAGS 0x202u

/* Where the branches the harness runs go: the code after the slot. */
uint64_t landing_ip(unsigned bits);

#endif
