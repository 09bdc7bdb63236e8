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

/* A random operand for a form: floats of its size with their special values, integers with
 * their edges, packed BCD with valid and invalid digits, environments and save areas of
 * random words. Fills `bytes` bytes. */
void x87_random_operand(const struct x87_form *f, uint8_t *out, unsigned bytes);

/* This host's profile (the library's probe), and a state as this host's XSAVE shows it. */
const struct x87_profile *x87_test_profile(void);
void x87_as_saved(struct fxsave_state *s);

/* Where the native runs put their operand: `offset` bytes into the buffer. */
struct x87_native {
    struct native_result result;
    struct fxsave_state out; /* as the runner's XSAVE (or the signal frame) shows it */
};

/* ModRM.rm of [rBX] in code of `bits` ([bx] in 16-bit code), and of [rSI] ([si]). */
uint8_t x87_rm_bx(unsigned bits);
uint8_t x87_rm_si(unsigned bits);

/* Run `length` bytes natively in code of `bits` from state `in`, with rBX = the buffer at
 * `offset` (DS-relative in 16-bit code) and rSI = rBX + `si_delta`. */
void x87_run_native(unsigned bits, const uint8_t *bytes, unsigned length,
                    const struct fxsave_state *in, uint32_t offset, uint32_t si_delta,
                    struct x87_native *out);

/* The operand's place as the emulator sees the native run: the slot's CS:IP, DS:offset. */
struct x87_site x87_native_site(unsigned bits, uint32_t offset, uint16_t fop);

/* Whether two states agree; print the fields that differ. */
bool x87_same_state(const struct fxsave_state *a, const struct fxsave_state *b);
void x87_print_differences(const char *a_name, const struct fxsave_state *a, const char *b_name,
                           const struct fxsave_state *b);

/* One line of hex bytes. */
void x87_print_bytes(const char *name, const uint8_t *bytes, unsigned n);

#endif
