/* Guest values as bytes: guest memory is little-endian, whatever the host's byte order. */
#ifndef WHVEMU_BYTES_H
#define WHVEMU_BYTES_H

#include <stdint.h>

/* Guest memory is little-endian: the value of size (0..8) bytes, and back. The common sizes
 * are spelt out byte by byte, which compilers turn into one load or store. */
static inline uint64_t load_le2(const uint8_t *b)
{
    return (uint64_t)b[0] | (uint64_t)b[1] << 8;
}
static inline uint64_t load_le4(const uint8_t *b)
{
    return load_le2(b) | load_le2(b + 2) << 16;
}

static inline uint64_t load_le(const uint8_t *bytes, unsigned size)
{
    uint64_t v = 0;

    switch (size) {
    case 1: return bytes[0];
    case 2: return load_le2(bytes);
    case 4: return load_le4(bytes);
    case 8: return load_le4(bytes) | load_le4(bytes + 4) << 32;
    }
    for (unsigned i = size; i-- > 0;)
        v = (v << 8) | bytes[i];
    return v;
}

static inline void store_le2(uint8_t *b, uint64_t value)
{
    b[0] = (uint8_t)value;
    b[1] = (uint8_t)(value >> 8);
}
static inline void store_le4(uint8_t *b, uint64_t value)
{
    store_le2(b, value);
    store_le2(b + 2, value >> 16);
}

static inline void store_le(uint8_t *bytes, unsigned size, uint64_t value)
{
    switch (size) {
    case 1: bytes[0] = (uint8_t)value; return;
    case 2: store_le2(bytes, value); return;
    case 4: store_le4(bytes, value); return;
    case 8: store_le4(bytes, value), store_le4(bytes + 4, value >> 32); return;
    }
    for (unsigned i = 0; i < size; i++)
        bytes[i] = (uint8_t)(value >> (8 * i));
}

static inline uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (size * 8)) - 1;
}

#endif
