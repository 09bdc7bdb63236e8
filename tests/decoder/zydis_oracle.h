/* What the Zydis-based decoder tests share: a seeded, reproducible random generator and a
 * Zydis decoder set up for a CPU mode (default decoder modes, matching stack width). */
#ifndef WHVEMU_TESTS_ZYDIS_ORACLE_H
#define WHVEMU_TESTS_ZYDIS_ORACLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <Zydis/Zydis.h>

#include "decoder.h"

/* xorshift64*: fast, and the same sequence on every platform for a given seed */
static uint64_t rng_state = 1;
static inline void rng_seed(uint64_t seed)
{
    rng_state = seed ? seed : 1;
}
static inline uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}
static inline unsigned rng_below(unsigned n)
{
    return (unsigned)(rng() % n);
}

static inline enum cpu_mode mode_of_bits(unsigned bits)
{
    return bits == 64 ? MODE_64 : bits == 32 ? MODE_32 : MODE_16;
}

/* A Zydis decoder for a 16-, 32- or 64-bit code segment; exits if Zydis refuses. */
static inline void zydis_decoder_for(ZydisDecoder *zd, unsigned bits)
{
    ZydisMachineMode mm = bits == 64   ? ZYDIS_MACHINE_MODE_LONG_64
                          : bits == 32 ? ZYDIS_MACHINE_MODE_LEGACY_32
                                       : ZYDIS_MACHINE_MODE_LEGACY_16;
    ZydisStackWidth sw = bits == 64   ? ZYDIS_STACK_WIDTH_64
                         : bits == 32 ? ZYDIS_STACK_WIDTH_32
                                      : ZYDIS_STACK_WIDTH_16;
    if (!ZYAN_SUCCESS(ZydisDecoderInit(zd, mm, sw))) {
        fprintf(stderr, "ZydisDecoderInit failed\n");
        exit(2);
    }
}

#endif
