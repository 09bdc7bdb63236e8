/* What the x87 suites share: random x87/SSE states full of the values the x87 treats
 * specially, random memory operands by form, one instruction run natively on this CPU from
 * such a state (tests/common's runner, in 64-, 32- and 16-bit code), and the comparison of
 * two states as this CPU's XSAVE would show them. */
#ifndef WHVEMU_TEST_X87_CASE_H
#define WHVEMU_TEST_X87_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/x87.h"
#include "native.h"

/* A value of 80 bits (FXSAVE's register layout): zeros, infinities, QNaN/SNaN with random
 * payloads, the indefinite, denormals, pseudo-denormals, unnormals, pseudo-NaN/infinity,
 * values at the edges of the integer and the 32-/64-bit float ranges, random normals. */
void x87_random_extended(uint8_t out[10]);

/* A random state: FCW with every precision and rounding control and the masks mostly set
 * (sometimes random), FSW flags sometimes set (so that some exceptions are pending), random
 * TOP and condition codes, tags and registers, pointers as the host keeps them, MXCSR
 * within the host's MXCSR_MASK, random XMM. */
void x87_random_state(struct fxsave_state *s);

/* A random operand for the instruction: floats of its size with their special values,
 * integers with their edges, packed BCD with valid and invalid digits; environments and
 * save areas of random words; FXSAVE images of random states, their MXCSR mostly within
 * the host's MXCSR_MASK; MXCSR values likewise. Fills x87_operand_bytes(in) bytes. */
void x87_random_operand(const struct insn *in, uint8_t *out);

/* This host's profile (the library's probe), and a state as this host's XSAVE shows it. */
const struct x87_profile *x87_test_profile(void);
void x87_as_saved(struct fxsave_state *s);

/* ---- one case: an x87 memory form run natively and through the API ---- */

struct x87_case {
    unsigned bits;
    uint8_t bytes[12]; /* the instruction (prefixes included), then FNSTENV [rSI] */
    unsigned length;   /* of the instruction */
    struct insn insn;
    const struct x87_form *form; /* NULL: FXSAVE, FXRSTOR, the MXCSR forms */
    unsigned size;               /* the operand's bytes */
    uint32_t offset;             /* the operand's place in the native buffer */
    struct fxsave_state in;
    uint8_t operand[512];
};

/* What the cases saw. */
struct x87_counts {
    unsigned long compared, environments, mf, gp, unstored;
    unsigned long unrepeatable;     /* differed once natively, agreed when run again */
    unsigned long selectors_unseen; /* FNSTENV images in 64-bit code: FCS, FDS not compared */
    unsigned long control[16];      /* completed runs by FCW precision (9:8) and rounding (11:10) */
    unsigned long raised[6];        /* runs that raised each exception (FSW 5:0, natively) */
    unsigned long unmasked;         /* runs that raised an unmasked one (ES set by the run) */
};

/* A case of the instruction whose bytes up to the ModRM byte are `opcode` (prefixes, VEX,
 * the opcode), with ModRM.reg: a random state (x87_random_state) and operand
 * (x87_random_operand), the operand 16-byte aligned where FXSAVE and FXRSTOR need it. */
void x87_case_make(struct x87_case *c, unsigned bits, const uint8_t *opcode, unsigned length,
                   unsigned reg);

/* Run the case natively and through the API (WHvEmulatorTryMmioEmulation, the differential
 * fixture as the VMM: CR0 and CR4 as Linux has them, CPL 3, the state in the SDK names) and
 * compare the fault, RIP (unchanged at a fault, with no name written), the state as XSAVE
 * shows it and the operand's memory; then run it followed by FNSTENV [rSI], the second as an
 * exit of its own from the names the first left, and compare the two images (the pointers
 * and selectors the CPU keeps whatever FSW.ES says; in 64-bit code not FCS and FDS, which
 * the names' 64-bit format lacks). Counts a CHECK per comparison and prints what differs; a
 * difference that does not repeat when the case is run again is counted as unrepeatable,
 * not failed. */
void x87_case_compare(const struct x87_case *c, struct x87_counts *counts);

/* The instruction's bytes through the API in a guest of `bits` code as the native runner's
 * starts (rBX = rbx, RFLAGS | rflags, state s in the SDK names, the native buffer's bytes as
 * memory), as an exit that reads or writes: the vector injected, 0 for none, or
 * X87_NOT_EMULATED; CR2 after the call. A fault must leave memory and the names as they
 * were (a CHECK each). */
#define X87_NOT_EMULATED 0x100u
unsigned x87_api_vector(unsigned bits, const uint8_t *bytes, unsigned length, uint64_t rbx,
                        uint64_t rflags, const struct fxsave_state *s, bool write, uint64_t *cr2);

/* The line that says how many FNSTENV images in 64-bit code were compared without FCS and
 * FDS (x87_case_compare). */
void x87_print_selectors_unseen(const struct x87_counts *counts);

/* Whether two states agree; print the fields that differ. */
bool x87_same_state(const struct fxsave_state *a, const struct fxsave_state *b);
void x87_print_differences(const char *a_name, const struct fxsave_state *a, const char *b_name,
                           const struct fxsave_state *b);

/* One line of hex bytes. */
void x87_print_bytes(const char *name, const uint8_t *bytes, unsigned n);

#endif
