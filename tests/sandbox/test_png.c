/* The sandbox's PNG writer (examples/sandbox/png.c) against zlib: every chunk's CRC, the
 * IDAT stream inflated by zlib, the Sub filter undone, and the pixels compared, for images
 * with long runs, noise and every run length the deflate coder has a code for. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "rng.h"
#include "sandbox.h"

#define W 300
#define H 40

static uint32_t pixels[W * H];

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Undo the Sub filter of row after row into RGB pixels; false on a filter type not 1. */
static bool unfilter(const uint8_t *raw, uint32_t *out)
{
    for (unsigned y = 0; y < H; y++, raw += 1 + 3 * W) {
        uint8_t left[3] = { 0, 0, 0 };
        if (raw[0] != 1)
            return false;
        for (unsigned x = 0; x < W; x++) {
            for (int c = 0; c < 3; c++)
                left[c] = (uint8_t)(left[c] + raw[1 + 3 * x + c]);
            out[y * W + x] = (uint32_t)left[0] << 16 | (uint32_t)left[1] << 8 | left[2];
        }
    }
    return true;
}

/* Walk the chunks: IHDR, IDAT, IEND with good CRCs; inflate IDAT into raw. */
static void check_file(const uint8_t *file, size_t size, uint8_t *raw, uLongf raw_size)
{
    static const char *const order[] = { "IHDR", "IDAT", "IEND" };
    size_t at = 8;
    CHECK(size > 8 && memcmp(file, "\x89PNG\r\n\x1a\n", 8) == 0, "signature");
    for (int k = 0; k < 3 && at + 12 <= size; k++) {
        uint32_t length = be32(file + at);
        CHECK(at + 12 + length <= size, "chunk %d fits", k);
        if (at + 12 + length > size)
            return;
        CHECK(memcmp(file + at + 4, order[k], 4) == 0, "chunk %d is %s", k, order[k]);
        CHECK_EQ(be32(file + at + 8 + length), crc32(0, file + at + 4, length + 4), "chunk CRC");
        if (k == 0)
            CHECK(be32(file + at + 8) == W && be32(file + at + 12) == H && file[at + 16] == 8 &&
                      file[at + 17] == 2,
                  "IHDR: size, 8-bit RGB");
        if (k == 1) {
            uLongf got = raw_size;
            CHECK_EQ(uncompress(raw, &got, file + at + 8, length), Z_OK, "zlib inflates IDAT");
            CHECK_EQ(got, raw_size, "inflated size");
        }
        at += 12 + length;
    }
    CHECK_EQ(at, size, "nothing after IEND");
}

static void round_trip(const char *what)
{
    static uint8_t file[W * H * 4 + 1024];
    static uint32_t back[W * H];
    size_t raw_size = H * (1 + 3 * W);
    uint8_t *raw = calloc(1, raw_size);
    const char *path = "test_sandbox_png.png";
    CHECK(png_write(path, pixels, W, H), "%s: written", what);
    FILE *f = fopen(path, "rb");
    size_t size = f ? fread(file, 1, sizeof file, f) : 0;
    if (f)
        fclose(f);
    check_file(file, size, raw, raw_size);
    CHECK(unfilter(raw, back), "%s: Sub filter on every row", what);
    for (unsigned i = 0; i < W * H; i++)
        if (back[i] != (pixels[i] & 0xffffff)) {
            CHECK_EQ(back[i], pixels[i] & 0xffffff, what);
            break;
        }
    free(raw);
    remove(path);
}

int main(void)
{
    rng_seed(0x5eed);
    memset(pixels, 0, sizeof pixels);
    round_trip("black");
    for (unsigned i = 0; i < W * H; i++)
        pixels[i] = (uint32_t)next_random();
    round_trip("noise");
    /* runs of every length from 1 to 300, in random colours */
    for (unsigned i = 0, run = 1; i < W * H; run = run % 300 + 1) {
        uint32_t c = (uint32_t)next_random() & 0xffffff;
        for (unsigned k = 0; k < run && i < W * H; k++)
            pixels[i++] = c;
    }
    round_trip("runs");
    for (unsigned i = 0; i < 4096; i++) {
        uint8_t data[64];
        unsigned n = (unsigned)(next_random() % sizeof data);
        for (unsigned k = 0; k < n; k++)
            data[k] = (uint8_t)next_random();
        CHECK_EQ(crc32_update(0, data, n), crc32(0, data, n), "CRC-32 as zlib's");
    }
    return check_summary();
}
