/* The tests' random numbers: a seeded xorshift64 (reproducible from the seed a test
 * prints), and values with the edges every operand size has. */
#ifndef WHVEMU_TEST_RNG_H
#define WHVEMU_TEST_RNG_H

#include <stdint.h>

extern uint64_t rng_state; /* never 0; set it from a seed with rng_seed() */

static inline void rng_seed(uint64_t seed)
{
    rng_state = seed | 1;
}

static inline uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random, or one of 0, 1, all ones and the sign boundaries of each size. */
uint64_t random_edgy(void);

#endif
