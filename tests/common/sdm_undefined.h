/* What the Intel SDM leaves undefined after an integer instruction: which of the six
 * arithmetic flags, and whether the destination's value too. One table for every suite:
 * tests/exec compares the C profiles with the CPU and the host stubs with the C profiles on
 * everything else; tests/diff labels (and with --mask-undefined masks) flag differences
 * with it; tests/vectors masks it when the default options replay the 80286's vectors.
 *
 * The rules are the SDM's, per instruction (vol. 2), with the count rules of the shifts:
 * AF after every shift by a non-zero masked count, OF after a masked count above 1, CF
 * after SHL/SHR by the width or more, everything (and the result) after SHLD/SHRD by more
 * than the width; BSF/BSR leave the destination undefined when the source is zero. */
#ifndef WHVEMU_TEST_SDM_UNDEFINED_H
#define WHVEMU_TEST_SDM_UNDEFINED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoder.h"

/* One instruction as the rules need it, decoded once. */
struct insn_facts {
    enum mnemonic mnemonic;
    unsigned size;       /* destination operand size in bytes */
    int fixed_count;     /* shift count given by the encoding (imm8 or 1); -1: CL */
    int destination_gpr; /* the destination register (enum gpr), or -1: memory */
};

/* Decode bytes[0..length) in 64-bit mode; false when they are not one valid instruction. */
bool insn_facts_of(const uint8_t *bytes, size_t length, struct insn_facts *facts);

/* The facts of an instruction decoded in any mode. */
struct insn_facts insn_facts_from(const struct insn *in);

struct sdm_undefined {
    uint64_t flags; /* RFLAGS bits the SDM leaves undefined */
    bool result;    /* the destination's value is undefined too */
};

/* For one run: rcx is the count register's value (CL counts), zero_source whether a
 * BSF/BSR source was zero. */
struct sdm_undefined sdm_undefined_of(const struct insn_facts *facts, uint64_t rcx,
                                      bool zero_source);

#endif
