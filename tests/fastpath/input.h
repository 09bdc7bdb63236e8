/* An input of fuzz_emulate (fuzz/emulate_input.h's layout), built field by field. */
#ifndef WHVEMU_TEST_FASTPATH_INPUT_H
#define WHVEMU_TEST_FASTPATH_INPUT_H

#include <stddef.h>
#include <stdint.h>

#define INPUT_MAX 512

struct input {
    uint8_t bytes[INPUT_MAX];
    size_t size;
};

/* Append the low `bytes` bytes of value, little-endian (nothing past INPUT_MAX). */
static inline void put(struct input *in, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes && in->size < INPUT_MAX; i++)
        in->bytes[in->size++] = (uint8_t)(value >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
