/* A small PNG writer, so that the sandbox needs no library: 8-bit RGB, every row with the
 * Sub filter (a run of one colour becomes a run of zeros), and a zlib stream of one deflate
 * block with the fixed Huffman codes (RFC 1951, 3.2.6) whose only matches repeat the
 * previous byte (distance 1). That is run-length coding in deflate's terms: any PNG
 * reader decodes it, and flat-shaded images shrink well. CRC-32 as PNG and zlib define it
 * (ISO 3309), Adler-32 as RFC 1950. */
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t size)
{
    crc = ~crc;
    for (size_t i = 0; i < size; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static uint32_t adler32(const uint8_t *data, size_t size)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < size; i++) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

/* ---- deflate ---- */

struct bit_writer {
    uint8_t *out;
    size_t length;
    uint32_t pending;
    unsigned pending_bits;
};

static void put_bits(struct bit_writer *w, uint32_t value, unsigned count)
{
    w->pending |= value << w->pending_bits;
    w->pending_bits += count;
    while (w->pending_bits >= 8) {
        w->out[w->length++] = (uint8_t)w->pending;
        w->pending >>= 8;
        w->pending_bits -= 8;
    }
}

/* Huffman codes are packed from their most significant bit. */
static void put_code(struct bit_writer *w, uint32_t code, unsigned length)
{
    uint32_t reversed = 0;
    for (unsigned i = 0; i < length; i++)
        reversed |= (code >> i & 1) << (length - 1 - i);
    put_bits(w, reversed, length);
}

/* The fixed literal/length code. */
static void put_symbol(struct bit_writer *w, unsigned symbol)
{
    if (symbol < 144)
        put_code(w, 0x30 + symbol, 8);
    else if (symbol < 256)
        put_code(w, 0x190 + symbol - 144, 9);
    else if (symbol < 280)
        put_code(w, symbol - 256, 7);
    else
        put_code(w, 0xc0 + symbol - 280, 8);
}

static const uint16_t length_base[29] = {
    3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23,  27,
    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t length_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};

/* Repeat the previous byte length (3..258) times: a length code, distance code 0. */
static void put_repeat(struct bit_writer *w, unsigned length)
{
    unsigned i = 28;
    while (length_base[i] > length)
        i--;
    put_symbol(w, 257 + i);
    put_bits(w, length - length_base[i], length_extra[i]);
    put_code(w, 0, 5);
}

static size_t deflate_runs(const uint8_t *data, size_t size, uint8_t *out)
{
    struct bit_writer w = { out, 0, 0, 0 };
    put_bits(&w, 1, 1); /* BFINAL */
    put_bits(&w, 1, 2); /* BTYPE 01: fixed codes */
    for (size_t i = 0; i < size;) {
        size_t run = 0;
        while (i > 0 && i + run < size && run < 258 && data[i + run] == data[i - 1])
            run++;
        if (run >= 3) {
            put_repeat(&w, (unsigned)run);
            i += run;
        } else {
            put_symbol(&w, data[i++]);
        }
    }
    put_symbol(&w, 256); /* end of block */
    put_bits(&w, 0, 7);  /* flush */
    return w.length;
}

/* ---- PNG ---- */

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static bool write_chunk(FILE *f, const char *type, const uint8_t *data, size_t size)
{
    uint8_t head[8], tail[4];
    put_be32(head, (uint32_t)size);
    memcpy(head + 4, type, 4);
    put_be32(tail, crc32_update(crc32_update(0, head + 4, 4), data, size));
    return fwrite(head, 8, 1, f) == 1 && (size == 0 || fwrite(data, size, 1, f) == 1) &&
           fwrite(tail, 4, 1, f) == 1;
}

/* Rows of filter byte 1 (Sub) and RGB differences from the pixel to the left. */
static void filter_rows(const uint32_t *pixels, unsigned width, unsigned height, uint8_t *out)
{
    for (unsigned y = 0; y < height; y++) {
        uint32_t left = 0;
        *out++ = 1;
        for (unsigned x = 0; x < width; x++) {
            uint32_t p = pixels[(size_t)y * width + x];
            for (int shift = 16; shift >= 0; shift -= 8)
                *out++ = (uint8_t)((p >> shift) - (left >> shift));
            left = p;
        }
    }
}

static size_t zlib_stream(const uint8_t *raw, size_t size, uint8_t *out)
{
    out[0] = 0x78, out[1] = 0x01; /* deflate, 32 KiB window, no dictionary */
    size_t n = 2 + deflate_runs(raw, size, out + 2);
    put_be32(out + n, adler32(raw, size));
    return n + 4;
}

bool png_write(const char *path, const uint32_t *pixels, unsigned width, unsigned height)
{
    static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    uint8_t header[13] = { 0 };
    size_t raw_size = (size_t)height * (1 + 3 * (size_t)width);
    uint8_t *raw = malloc(raw_size), *z = malloc(raw_size * 9 / 8 + 64); /* 9 bits a byte at most */
    FILE *f = fopen(path, "wb");
    bool ok = raw && z && f;
    if (ok) {
        put_be32(header, width);
        put_be32(header + 4, height);
        header[8] = 8, header[9] = 2; /* 8 bits per channel, RGB */
        filter_rows(pixels, width, height, raw);
        size_t z_size = zlib_stream(raw, raw_size, z);
        ok = fwrite(signature, 8, 1, f) == 1 && write_chunk(f, "IHDR", header, 13) &&
             write_chunk(f, "IDAT", z, z_size) && write_chunk(f, "IEND", NULL, 0);
    }
    if (f && fclose(f) != 0)
        ok = false;
    free(raw);
    free(z);
    return ok;
}
