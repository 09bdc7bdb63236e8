#include "rng.h"

uint64_t rng_state = 0x9e3779b97f4a7c15u;

uint64_t random_edgy(void)
{
    static const uint64_t edges[] = {
        0,
        1,
        2,
        ~UINT64_C(0),
        0x7f,
        0x80,
        0xff,
        0x7fff,
        0x8000,
        0xffff,
        0x7fffffff,
        0x80000000,
        0xffffffff,
        0x7fffffffffffffff,
        0x8000000000000000,
        0x10,
        0x0f,
    };
    uint64_t r = next_random();

    switch (r % 8) {
    case 0: return edges[(r >> 8) % (sizeof edges / sizeof edges[0])];
    case 1: return next_random() & 0xff;
    case 2: return (uint64_t)(int64_t)(int8_t)next_random(); /* small, either sign */
    case 3: return next_random() & next_random();
    default: return next_random();
    }
}
