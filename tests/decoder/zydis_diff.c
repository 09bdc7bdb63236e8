/* Differential test of the decoder against Zydis 4 (the oracle for lengths and validity).
 *
 * For each CPU mode (64, 32, 16) it decodes
 *   - every opcode of the one-byte, 0F, 0F38 and 0F3A maps with every ModRM byte (and SIB
 *     variants when there is a SIB), with each mandatory prefix for the escaped maps,
 *   - every VEX/EVEX/XOP opcode with every pp/L/W(/b) combination and every 3DNow! suffix,
 *     with random ModRM and payload bits, and
 *   - N random byte strings (default 1,000,000, seeded, reproducible), weighted towards
 *     legacy prefixes, REX, the 0F/0F38/0F3A/0F0F escapes and VEX/EVEX/XOP starts,
 * and compares whvemu's decision (length, or invalid) with Zydis's, and where both accept,
 * the displacement and immediates (and EVEX disp8*N).
 *
 * Failure: any length, field or disp8*N disagreement where both accept, or a validity
 * disagreement whose class is not listed in validity_classes.txt (the reasons are in
 * docs/decoder.md).
 *
 * usage: zydis_diff ALLOWLIST [random-per-mode [seed]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zydis_oracle.h"

#include "decoder.h"
#include "optab.h"
#include "whvemu.h"

#define BUF_LEN 24 /* more than 15, so "need more bytes" never happens */

/* ---- validity classes ---- */
#define MAX_CLASSES 16384
struct vclass {
    char key[48];
    unsigned long count;
    unsigned mode_mask; /* bit 0: 16, bit 1: 32, bit 2: 64 */
    uint8_t example[BUF_LEN];
    unsigned example_bits;
    int ours, zydis; /* lengths of the example (-1: invalid) */
    bool allowed;
};
static struct vclass classes[MAX_CLASSES];
static unsigned class_count;

static char allowlist[MAX_CLASSES][48];
static unsigned allowlist_count;

static void load_allowlist(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    if (!f) {
        fprintf(stderr, "cannot open allowlist %s\n", path);
        exit(2);
    }
    while (fgets(line, sizeof line, f) && allowlist_count < MAX_CLASSES) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == ' ' || line[n - 1] == '\t' ||
                     line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (n >= sizeof allowlist[0]) { /* a truncated key would silently match nothing */
            fprintf(stderr, "allowlist %s: key longer than %zu bytes: %s\n", path,
                    sizeof allowlist[0] - 1, line);
            exit(2);
        }
        memcpy(allowlist[allowlist_count++], line, n + 1);
    }
    fclose(f);
}

static bool is_allowed(const char *key)
{
    for (unsigned i = 0; i < allowlist_count; i++)
        if (strcmp(allowlist[i], key) == 0)
            return true;
    return false;
}

static void record_class(const char *key, unsigned bits, const uint8_t *bytes, int ours, int zydis)
{
    unsigned i;
    for (i = 0; i < class_count; i++)
        if (strcmp(classes[i].key, key) == 0)
            break;
    if (i == class_count) {
        if (class_count == MAX_CLASSES)
            return;
        class_count++;
        snprintf(classes[i].key, sizeof classes[i].key, "%s", key);
        memcpy(classes[i].example, bytes, BUF_LEN);
        classes[i].example_bits = bits;
        classes[i].ours = ours;
        classes[i].zydis = zydis;
        classes[i].allowed = is_allowed(key);
    }
    classes[i].count++;
    classes[i].mode_mask |= bits == 16 ? 1u : bits == 32 ? 2u : 4u;
}

/* ---- the comparison ---- */
static void print_bytes(const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        printf(" %02x", bytes[i]);
    printf("\n");
}

struct stats {
    unsigned long strings, both_valid, both_invalid, length_mismatch, validity_mismatch;
    unsigned long disp8n_checked, disp8n_mismatch, field_mismatch;
};
static unsigned long field_examples_printed;
static unsigned long disp_examples_printed;
static unsigned long length_examples_printed;

static const char *zydis_map_name(const ZydisDecodedInstruction *z)
{
    static const char *const legacy[] = { "1b", "0f", "0f38", "0f3a" };
    switch (z->encoding) {
    case ZYDIS_INSTRUCTION_ENCODING_3DNOW: return "3dnow";
    case ZYDIS_INSTRUCTION_ENCODING_XOP:
        return z->opcode_map == ZYDIS_OPCODE_MAP_XOP8   ? "xop8"
               : z->opcode_map == ZYDIS_OPCODE_MAP_XOP9 ? "xop9"
                                                        : "xopa";
    case ZYDIS_INSTRUCTION_ENCODING_VEX:
        return z->opcode_map == ZYDIS_OPCODE_MAP_0F     ? "vex0f"
               : z->opcode_map == ZYDIS_OPCODE_MAP_0F38 ? "vex0f38"
                                                        : "vex0f3a";
    case ZYDIS_INSTRUCTION_ENCODING_EVEX:
        switch (z->opcode_map) {
        case ZYDIS_OPCODE_MAP_0F: return "evex0f";
        case ZYDIS_OPCODE_MAP_0F38: return "evex0f38";
        case ZYDIS_OPCODE_MAP_0F3A: return "evex0f3a";
        case ZYDIS_OPCODE_MAP_MAP5: return "evex5";
        default: return "evex6";
        }
    default: return z->opcode_map <= ZYDIS_OPCODE_MAP_0F3A ? legacy[z->opcode_map] : "?";
    }
}

static const char *our_map_name(unsigned map)
{
    static const char *const names[MAP_COUNT] = { "1b",     "0f",       "0f38",     "0f3a",
                                                  "3dnow",  "vex0f",    "vex0f38",  "vex0f3a",
                                                  "evex0f", "evex0f38", "evex0f3a", "evex5",
                                                  "evex6",  "xop8",     "xop9",     "xopa" };
    return map < MAP_COUNT ? names[map] : "?";
}

static const char *const mp_names[4] = { "-", "66", "f3", "f2" };

/* The raw fields the executor reads: where the displacement and immediates are, their
 * sizes and values (as encoded; an EVEX disp8 is compared scaled, below). */
static bool fields_agree(const ZydisDecodedInstruction *z, const struct insn *in)
{
    /* moffs (A0-A3) is an address-size immediate in whvemu, a displacement in Zydis */
    bool moffs = OPND_KIND(in->row->opnd[0]) == OK_O || OPND_KIND(in->row->opnd[1]) == OK_O;
    if (moffs) {
        uint64_t mask = in->imm_size == 8 ? ~0ull : (1ull << (8 * in->imm_size)) - 1;
        return z->raw.disp.size == 8u * in->imm_size && z->raw.disp.offset == in->imm_offset &&
               ((uint64_t)z->raw.disp.value & mask) == in->imm && z->raw.imm[0].size == 0;
    }
    uint8_t raw_disp_size = in->disp_size;
    if (z->raw.disp.size != 8u * raw_disp_size)
        return false;
    if (raw_disp_size &&
        (z->raw.disp.offset != in->disp_offset ||
         (!(in->encoding == ENC_EVEX && raw_disp_size == 1) && z->raw.disp.value != in->disp)))
        return false;
    const uint8_t sizes[2] = { in->imm_size, in->imm2_size };
    const uint64_t values[2] = { in->imm, in->imm2 };
    const unsigned offsets[2] = { in->imm_offset, (unsigned)in->imm_offset + in->imm_size };
    for (unsigned i = 0; i < 2; i++) {
        if (z->raw.imm[i].size != 8u * sizes[i])
            return false;
        if (!sizes[i])
            continue;
        uint64_t mask = sizes[i] == 8 ? ~0ull : (1ull << (8 * sizes[i])) - 1;
        if (z->raw.imm[i].offset != offsets[i] || (z->raw.imm[i].value.u & mask) != values[i])
            return false;
    }
    return true;
}

/* EVEX disp8*N: the scaled displacement is what the executor adds, so it must be Zydis's. */
static void compare_compressed_displacement(unsigned bits, const ZydisDecoder *zd,
                                            const ZydisDecoderContext *zctx,
                                            const ZydisDecodedInstruction *z, const struct insn *in,
                                            const uint8_t *bytes, struct stats *st)
{
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeOperands(zd, zctx, z, ops, z->operand_count)))
        return;
    for (unsigned i = 0; i < z->operand_count; i++) {
        if (ops[i].type != ZYDIS_OPERAND_TYPE_MEMORY || ops[i].mem.type != ZYDIS_MEMOP_TYPE_MEM)
            continue;
        st->disp8n_checked++;
        if (ops[i].mem.disp.value == in->disp)
            return;
        st->disp8n_mismatch++;
        if (disp_examples_printed++ < 40) {
            printf("  DISP8*N %u-bit %s %02x %s: ours %d zydis %lld:", bits, our_map_name(in->map),
                   in->opcode, mp_names[in->mandatory & 3], in->disp,
                   (long long)ops[i].mem.disp.value);
            print_bytes(bytes, in->length);
        }
        return;
    }
}

/* Both accept: the length and the fields must agree. */
static void compare_accepted(unsigned bits, const ZydisDecoder *zd, const ZydisDecoderContext *zctx,
                             const ZydisDecodedInstruction *z, const struct insn *in,
                             const uint8_t *bytes, struct stats *st)
{
    if (in->length != z->length) {
        st->length_mismatch++;
        if (length_examples_printed++ < 40) {
            printf("  LENGTH %u-bit: ours %u zydis %u:", bits, in->length, z->length);
            print_bytes(bytes, in->length > z->length ? in->length : z->length);
        }
        return;
    }
    if (!fields_agree(z, in)) {
        st->field_mismatch++;
        if (field_examples_printed++ < 40) {
            printf("  FIELDS %u-bit disp %u@%u=%d imm %u@%u=%llx imm2 %u=%llx, zydis disp "
                   "%u@%u=%lld imm %u@%u=%llx imm2 %u@%u=%llx:",
                   bits, in->disp_size, in->disp_offset, in->disp, in->imm_size, in->imm_offset,
                   (unsigned long long)in->imm, in->imm2_size, (unsigned long long)in->imm2,
                   z->raw.disp.size / 8, z->raw.disp.offset, (long long)z->raw.disp.value,
                   z->raw.imm[0].size / 8, z->raw.imm[0].offset,
                   (unsigned long long)z->raw.imm[0].value.u, z->raw.imm[1].size / 8,
                   z->raw.imm[1].offset, (unsigned long long)z->raw.imm[1].value.u);
            print_bytes(bytes, in->length);
        }
    }
    if (in->encoding == ENC_EVEX && in->disp_size == 1)
        compare_compressed_displacement(bits, zd, zctx, z, in, bytes, st);
}

static void compare(unsigned bits, ZydisDecoder *zd, const uint8_t *bytes, struct stats *st)
{
    enum cpu_mode mode = mode_of_bits(bits);
    struct insn in;
    ZydisDecodedInstruction z;
    enum decode_status status = decode_insn(mode, bytes, BUF_LEN, &in);
    int ours = status == DECODE_OK ? in.length : -1;
    int api = whvemu_insn_length(bits, bytes, BUF_LEN);
    ZydisDecoderContext zctx;
    bool zok = ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(zd, &zctx, bytes, BUF_LEN, &z));
    int theirs = zok ? z.length : -1;

    st->strings++;
    if (api != (ours > 0 ? ours : -1)) {
        fprintf(stderr, "whvemu_insn_length disagrees with decode_insn: %d vs %d\n", api, ours);
        st->length_mismatch++;
    }
    if (ours > 0 && theirs > 0) {
        st->both_valid++;
        compare_accepted(bits, zd, &zctx, &z, &in, bytes, st);
        return;
    }
    if (ours < 0 && theirs < 0) {
        st->both_invalid++;
        return;
    }
    st->validity_mismatch++;
    char key[48];
    if (theirs > 0 && z.encoding == ZYDIS_INSTRUCTION_ENCODING_MVEX) {
        snprintf(key, sizeof key, "zydis-only mvex"); /* one class: no MVEX support at all */
    } else if (theirs > 0 && z.encoding == ZYDIS_INSTRUCTION_ENCODING_VEX &&
               z.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT) {
        snprintf(key, sizeof key, "zydis-only vex-map0"); /* Knights Corner JKZD/JKNZD */
    } else if (theirs > 0) {
        unsigned mp = in.mandatory & 3;
        if (z.encoding == ZYDIS_INSTRUCTION_ENCODING_VEX)
            mp = z.raw.vex.pp;
        else if (z.encoding == ZYDIS_INSTRUCTION_ENCODING_EVEX)
            mp = z.raw.evex.pp;
        else if (z.encoding == ZYDIS_INSTRUCTION_ENCODING_XOP)
            mp = z.raw.xop.pp;
        else if (z.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT)
            mp = 0;
        snprintf(key, sizeof key, "zydis-only %s %02x %s", zydis_map_name(&z), z.opcode,
                 mp_names[mp]);
    } else {
        unsigned mp = in.map == MAP_LEGACY_1B ? 0 : in.mandatory & 3;
        snprintf(key, sizeof key, "whvemu-only %s %02x %s", our_map_name(in.map), in.opcode,
                 mp_names[mp]);
    }
    record_class(key, bits, bytes, ours, theirs);
}

/* ---- inputs ---- */
static void random_tail(uint8_t *buf, unsigned from)
{
    for (unsigned i = from; i < BUF_LEN; i++)
        buf[i] = (uint8_t)rng();
}

static const uint8_t legacy_prefixes[] = { 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e,
                                           0x26, 0x64, 0x65, 0x66, 0x67 };

/* A random instruction start: some prefixes, maybe REX, then a weighted opcode start. */
static void random_string(uint8_t *buf)
{
    unsigned n = 0;
    random_tail(buf, 0);
    unsigned prefixes = rng_below(2) ? 0 : rng_below(8) ? 1 + rng_below(3) : rng_below(15);
    for (unsigned i = 0; i < prefixes; i++)
        buf[n++] = legacy_prefixes[rng_below(sizeof legacy_prefixes)];
    if (rng_below(4) == 0 && n < 15)
        buf[n++] = (uint8_t)(0x40 | rng_below(16));
    if (n >= 13)
        return;
    unsigned pick = rng_below(100);
    if (pick < 35) {
        /* any one-byte opcode: already random */
    } else if (pick < 55) {
        buf[n] = 0x0f;
    } else if (pick < 63) {
        buf[n] = 0x0f, buf[n + 1] = 0x38;
    } else if (pick < 71) {
        buf[n] = 0x0f, buf[n + 1] = 0x3a;
    } else if (pick < 75) {
        buf[n] = 0x0f, buf[n + 1] = 0x0f;
    } else {
        static const uint8_t starts[] = { 0xc4, 0xc4, 0xc5, 0xc5, 0x62, 0x62, 0x62, 0x8f };
        buf[n] = starts[rng_below(sizeof starts)];
        /* mostly well-formed payloads: mod=11 for 32/16-bit, a plausible map select */
        if (rng_below(4)) {
            buf[n + 1] |= 0xc0;
            if (buf[n] == 0xc4)
                buf[n + 1] = (uint8_t)((buf[n + 1] & 0xe0) | (1 + rng_below(3)));
            if (buf[n] == 0x8f)
                buf[n + 1] = (uint8_t)((buf[n + 1] & 0xe0) | (8 + rng_below(3)));
            if (buf[n] == 0x62) {
                static const uint8_t maps[] = { 1, 2, 3, 5, 6 };
                buf[n + 1] = (uint8_t)((buf[n + 1] & 0xf0) | maps[rng_below(5)]);
                buf[n + 2] |= 0x04;
            }
        }
    }
}

/* Every VEX, EVEX and XOP opcode with every combination of pp, L (L'L), W and (EVEX)
 * b, and every 3DNow! suffix, each with a few random ModRM/SIB/displacement tails. The
 * payload's other fields (R X B vvvv aaa z V') are random too. */
static void sweep_vector_maps(unsigned bits, ZydisDecoder *zd, struct stats *st)
{
    enum { TAILS = 12 };
    uint8_t buf[BUF_LEN];
    /* in 16/32-bit mode the byte after C4/62 must have its top bits set to be VEX/EVEX */
    uint8_t high = bits == 64 ? 0 : 0xc0;
    for (unsigned map = 1; map <= 3; map++)
        for (unsigned op = 0; op < 256; op++)
            for (unsigned wlpp = 0; wlpp < 16; wlpp++)
                for (unsigned t = 0; t < TAILS; t++) {
                    random_tail(buf, 0);
                    buf[0] = 0xc4;
                    buf[1] = (uint8_t)((buf[1] & 0xe0) | high | map);
                    buf[2] = (uint8_t)((wlpp & 8) << 4 | (buf[2] & 0x78) | (wlpp & 7));
                    buf[3] = (uint8_t)op;
                    compare(bits, zd, buf, st);
                }
    static const uint8_t evex_maps[5] = { 1, 2, 3, 5, 6 };
    for (unsigned m = 0; m < 5; m++)
        for (unsigned op = 0; op < 256; op++)
            for (unsigned fields = 0; fields < 64; fields++) /* pp, L'L, W, b */
                for (unsigned t = 0; t < TAILS / 2; t++) {
                    random_tail(buf, 0);
                    buf[0] = 0x62;
                    buf[1] = (uint8_t)((buf[1] & 0xf0) | high | evex_maps[m]);
                    buf[2] = (uint8_t)((fields & 0x20) << 2 | (buf[2] & 0x78) | 4 | (fields & 3));
                    buf[3] = (uint8_t)((buf[3] & 0x8f) | (fields & 0x0c) << 3 | (fields & 0x10));
                    if (bits != 64)
                        buf[3] |= 0x08; /* V' must be 1 outside 64-bit mode */
                    buf[4] = (uint8_t)op;
                    if (t & 1) /* memory with disp8: exercises disp8*N */
                        buf[5] = (uint8_t)((buf[5] & 0x3f) | 0x40);
                    compare(bits, zd, buf, st);
                }
    for (unsigned map = 8; map <= 10; map++)
        for (unsigned op = 0; op < 256; op++)
            for (unsigned wl = 0; wl < 4; wl++)
                for (unsigned t = 0; t < TAILS; t++) {
                    random_tail(buf, 0);
                    buf[0] = 0x8f;
                    buf[1] = (uint8_t)((buf[1] & 0xe0) | map);
                    buf[2] = (uint8_t)((wl & 2) << 6 | (buf[2] & 0x78) | (wl & 1) << 2);
                    buf[3] = (uint8_t)op;
                    compare(bits, zd, buf, st);
                }
    for (unsigned suffix = 0; suffix < 256; suffix++)
        for (unsigned t = 0; t < TAILS; t++) {
            random_tail(buf, 0);
            buf[0] = 0x0f, buf[1] = 0x0f;
            buf[2] = (uint8_t)(t < TAILS / 2 ? 0xc0 | (buf[2] & 0x3f) : (buf[2] & 0xc7) | 0x00);
            buf[3] = buf[4] = buf[5] = buf[6] = buf[7] = (uint8_t)suffix; /* any length */
            compare(bits, zd, buf, st);
        }
}

static void run_mode(unsigned bits, unsigned long randoms, struct stats *st)
{
    ZydisDecoder zd;
    zydis_decoder_for(&zd, bits);
    uint8_t buf[BUF_LEN];

    /* every opcode x every ModRM, with SIB variants, per map and mandatory prefix */
    static const uint8_t escapes[4][2] = { { 0 }, { 0x0f }, { 0x0f, 0x38 }, { 0x0f, 0x3a } };
    static const uint8_t escape_len[4] = { 0, 1, 2, 2 };
    static const uint8_t mandatory[4] = { 0, 0x66, 0xf3, 0xf2 };
    for (unsigned map = 0; map < 4; map++) {
        for (unsigned mp = 0; mp < (map ? 4u : 1u); mp++) {
            for (unsigned op = 0; op < 256; op++) {
                for (unsigned modrm = 0; modrm < 256; modrm++) {
                    bool sib = (modrm & 7) == 4 && (modrm >> 6) != 3;
                    for (unsigned variant = 0; variant < (sib ? 3u : 1u); variant++) {
                        unsigned n = 0;
                        random_tail(buf, 0);
                        if (mp)
                            buf[n++] = mandatory[mp];
                        memcpy(buf + n, escapes[map], escape_len[map]);
                        n += escape_len[map];
                        buf[n++] = (uint8_t)op;
                        buf[n++] = (uint8_t)modrm;
                        if (variant == 1)
                            buf[n] = 0x25; /* SIB with base 5: disp32 when mod = 0 */
                        else if (variant == 2)
                            buf[n] = 0x24; /* SIB [rsp] */
                        compare(bits, &zd, buf, st);
                    }
                }
            }
        }
    }
    sweep_vector_maps(bits, &zd, st);
    for (unsigned long i = 0; i < randoms; i++) {
        random_string(buf);
        compare(bits, &zd, buf, st);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ALLOWLIST [random-per-mode [seed]]\n", argv[0]);
        return 2;
    }
    unsigned long randoms = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000000ul;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x5eed2026ull;
    rng_seed(seed);
    load_allowlist(argv[1]);
    printf("zydis_diff: Zydis %u.%u.%u, seed 0x%llx, %lu random strings per mode\n",
           (unsigned)ZYDIS_VERSION_MAJOR(ZydisGetVersion()),
           (unsigned)ZYDIS_VERSION_MINOR(ZydisGetVersion()),
           (unsigned)ZYDIS_VERSION_PATCH(ZydisGetVersion()), (unsigned long long)seed, randoms);

    struct stats total = { 0 };
    static const unsigned modes[3] = { 64, 32, 16 };
    for (unsigned m = 0; m < 3; m++) {
        struct stats st = { 0 };
        run_mode(modes[m], randoms, &st);
        printf("%2u-bit: %lu strings, %lu both valid, %lu both invalid, %lu length mismatches, "
               "%lu validity mismatches, %lu field mismatches, %lu/%lu EVEX disp8*N "
               "mismatches\n",
               modes[m], st.strings, st.both_valid, st.both_invalid, st.length_mismatch,
               st.validity_mismatch, st.field_mismatch, st.disp8n_mismatch, st.disp8n_checked);
        total.strings += st.strings;
        total.length_mismatch += st.length_mismatch;
        total.validity_mismatch += st.validity_mismatch;
        total.disp8n_mismatch += st.disp8n_mismatch;
        total.field_mismatch += st.field_mismatch;
    }

    unsigned unlisted = 0;
    printf("validity classes (%u):\n", class_count);
    for (unsigned i = 0; i < class_count; i++) {
        const struct vclass *c = &classes[i];
        if (!c->allowed)
            unlisted++;
        printf("  %s %-32s %8lu  modes:%s%s%s  e.g. %u-bit ours %d zydis %d:",
               c->allowed ? "  " : "!!", c->key, c->count, c->mode_mask & 4 ? " 64" : "",
               c->mode_mask & 2 ? " 32" : "", c->mode_mask & 1 ? " 16" : "", c->example_bits,
               c->ours, c->zydis);
        print_bytes(c->example, 15);
    }
    unsigned stale = 0;
    for (unsigned i = 0; i < allowlist_count; i++) {
        bool seen = false;
        for (unsigned j = 0; j < class_count && !seen; j++)
            seen = strcmp(classes[j].key, allowlist[i]) == 0;
        if (!seen) {
            if (stale++ == 0)
                printf("allowlisted classes not seen this run:\n");
            printf("  %s\n", allowlist[i]);
        }
    }
    printf("total: %lu strings, %lu length mismatches, %lu field mismatches, %lu EVEX disp8*N "
           "mismatches, %lu validity mismatches in %u classes (%u not allowlisted)\n",
           total.strings, total.length_mismatch, total.field_mismatch, total.disp8n_mismatch,
           total.validity_mismatch, class_count, unlisted);
    bool ok = total.length_mismatch == 0 && total.field_mismatch == 0 &&
              total.disp8n_mismatch == 0 && unlisted == 0;
    printf("%s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
