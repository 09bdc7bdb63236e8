/* The formatter against Zydis's Intel formatter, on every valid instruction of the one-byte
 * map (each opcode x each ModRM, random displacement/immediate bytes) in the three modes, and
 * on MASKMOVQ/MASKMOVDQU/VMASKMOVDQU, whose DS:rDI operand is implicit.
 *
 * The texts are compared after normalisation of the differences that are style, not
 * content (see normalise()). Anything else is a mismatch and fails the test.
 *
 * usage: format_vs_zydis [seed] */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zydis_oracle.h"

#include "decoder.h"
#include "optab.h"

#define BUF_LEN 24
#define RIP 0x401000ull

/* Style differences removed before comparing:
 *  - case (Zydis prints hexadecimal digits in upper case);
 *  - the default segment that Zydis spells out on string operands ("ds:[rsi]" -> "[rsi]",
 *    "es:[rdi]" -> "[rdi]"; an explicit override stays in both);
 *  - Zydis's aliases where whvemu prints the canonical Intel name (see the table). */
static void normalise(const char *in, char *out, size_t outsz)
{
    static const struct {
        const char *from, *to;
    } words[] = {
        { "ds:[", "[" },
        { "es:[", "[" },
        { "ss:[", "[" },             /* default segments */
        { "ret far", "retf" },       /* Intel's name for the far return */
        { "bnd ", "" },              /* F2 on branches: Zydis names the (obsolete) MPX prefix */
        { "fucom st0, ", "fucom " }, /* SDM: FUCOM ST(i), FUCOMP ST(i) */
        { "fucomp st0, ", "fucomp " },
        { "fstpnce ", "fstp " }, /* Zydis's names of undocumented x87 aliases */
        { "feni8087_nop", "fneni" },
        { "fdisi8087_nop", "fndisi" },
        { "fsetpm287_nop", "fsetpm" },
        { "xacquire ", "" }, /* TSX hint and CET prefixes: not printed by whvemu */
        { "xrelease ", "" },
        { "notrack ", "" },
    };
    char tmp[256];
    size_t n = 0;
    for (size_t i = 0; in[i] && n + 1 < sizeof tmp; i++)
        tmp[n++] = (char)tolower((unsigned char)in[i]);
    tmp[n] = '\0';
    /* apply replacements */
    size_t o = 0;
    for (size_t i = 0; tmp[i] && o + 1 < outsz;) {
        bool replaced = false;
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            size_t len = strlen(words[w].from);
            if (strncmp(tmp + i, words[w].from, len) == 0) {
                for (const char *t = words[w].to; *t && o + 1 < outsz; t++)
                    out[o++] = *t;
                i += len;
                replaced = true;
                break;
            }
        }
        if (!replaced)
            out[o++] = tmp[i++];
    }
    out[o] = '\0';
    /* Zydis pads some numbers with leading zeros (far pointers): drop them */
    for (char *x = strstr(out, "0x0"); x; x = strstr(x + 2, "0x0")) {
        size_t zeros = 0;
        while (x[2 + zeros] == '0' && isxdigit((unsigned char)x[3 + zeros]))
            zeros++;
        memmove(x + 2, x + 2 + zeros, strlen(x + 2 + zeros) + 1);
    }
}

/* The enum segreg of a Zydis segment register. */
static enum segreg segment_of(ZydisRegister r)
{
    static const ZydisRegister order[6] = {
        ZYDIS_REGISTER_ES, ZYDIS_REGISTER_CS, ZYDIS_REGISTER_SS,
        ZYDIS_REGISTER_DS, ZYDIS_REGISTER_FS, ZYDIS_REGISTER_GS
    };
    for (unsigned i = 0; i < 6; i++)
        if (order[i] == r)
            return (enum segreg)i;
    return SEG_NONE;
}

/* MASKMOVQ, MASKMOVDQU, VMASKMOVDQU (every register pair, each segment override and address
 * size): the text, and the implicit DS:rDI operand (OK_MDI) against Zydis's hidden memory
 * operand — its segment (in 64-bit code ES, CS, SS and DS overrides are DS) and the width of
 * rDI. Returns the mismatches. */
static unsigned long maskmov_forms(const ZydisFormatter *zf, unsigned long *compared)
{
    static const uint8_t opcodes[3][4] = { { 3, 0x0f, 0xf7 },
                                           { 4, 0x66, 0x0f, 0xf7 },
                                           { 4, 0xc5, 0xf9, 0xf7 } };
    static const uint8_t prefixes[] = { 0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x67 };
    unsigned long mismatches = 0;
    for (unsigned bits = 16; bits <= 64; bits *= 2) {
        ZydisDecoder zd;
        zydis_decoder_for(&zd, bits);
        for (unsigned o = 0; o < 3; o++)
            for (unsigned p = 0; p < sizeof prefixes; p++)
                for (unsigned modrm = 0xc0; modrm <= 0xff; modrm++) {
                    uint8_t buf[8];
                    unsigned n = 0;
                    struct insn in;
                    ZydisDecodedInstruction zi;
                    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
                    char ztext[256], ours[256], zn[256], on[256];
                    if (prefixes[p])
                        buf[n++] = prefixes[p];
                    for (unsigned i = 1; i < opcodes[o][0]; i++)
                        buf[n++] = opcodes[o][i];
                    buf[n++] = (uint8_t)modrm;
                    if (decode_insn(mode_of_bits(bits), buf, n, &in) != DECODE_OK ||
                        !ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zd, buf, n, &zi, zo)))
                        continue;
                    ZydisFormatterFormatInstruction(zf, &zi, zo, zi.operand_count_visible, ztext,
                                                    sizeof ztext, RIP, ZYAN_NULL);
                    format_insn(&in, RIP, ours, sizeof ours);
                    normalise(ztext, zn, sizeof zn);
                    normalise(ours, on, sizeof on);
                    const ZydisDecodedOperand *m = &zo[zi.operand_count - 1];
                    enum segreg seg = bits == 64 && in.seg < SEG_FS ? SEG_DS : (enum segreg)in.seg;
                    (*compared)++;
                    if (strcmp(zn, on) != 0 || m->type != ZYDIS_OPERAND_TYPE_MEMORY ||
                        segment_of(m->mem.segment) != seg ||
                        ZydisRegisterGetWidth(ZYDIS_MACHINE_MODE_LONG_64, m->mem.base) !=
                            8u * in.addrsize) {
                        if (mismatches++ < 20)
                            printf("  %u-bit maskmov: whvemu %s (segment %u, address size %u), "
                                   "zydis %s\n",
                                   bits, ours, in.seg, in.addrsize, ztext);
                    }
                }
    }
    return mismatches;
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0xf0f0f0f0ull;
    unsigned long compared = 0, mismatches = 0;
    rng_seed(seed);
    ZydisFormatter zf;
    ZydisFormatterInit(&zf, ZYDIS_FORMATTER_STYLE_INTEL);
    /* whvemu always prints the operand size of memory operands and RIP-relative addresses
     * as [rip+disp]; ask Zydis for the same */
    ZydisFormatterSetProperty(&zf, ZYDIS_FORMATTER_PROP_FORCE_SIZE, ZYAN_TRUE);
    ZydisFormatterSetProperty(&zf, ZYDIS_FORMATTER_PROP_FORCE_RELATIVE_RIPREL, ZYAN_TRUE);
    ZydisFormatterSetProperty(&zf, ZYDIS_FORMATTER_PROP_FORCE_SCALE_ONE, ZYAN_FALSE);
    ZydisFormatterSetProperty(&zf, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
    ZydisFormatterSetProperty(&zf, ZYDIS_FORMATTER_PROP_DISP_PADDING, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&zf, ZYDIS_FORMATTER_PROP_IMM_PADDING, ZYDIS_PADDING_DISABLED);
    ZydisFormatterSetProperty(&zf, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE,
                              ZYDIS_PADDING_DISABLED);
    printf("format_vs_zydis: seed 0x%llx\n", (unsigned long long)seed);

    static const unsigned modes[3] = { 64, 32, 16 };
    for (unsigned m = 0; m < 3; m++) {
        unsigned bits = modes[m];
        ZydisDecoder zd;
        zydis_decoder_for(&zd, bits);
        enum cpu_mode mode = mode_of_bits(bits);
        static const uint8_t prefixes[][2] = { { 0 },    { 0x66 }, { 0x67 }, { 0x48 },
                                               { 0x41 }, { 0xf3 }, { 0x64 } };
        for (unsigned p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
            for (unsigned op = 0; op < 256; op++) {
                for (unsigned modrm = 0; modrm < 256; modrm++) {
                    uint8_t buf[BUF_LEN];
                    unsigned n = 0;
                    for (unsigned i = 0; i < BUF_LEN; i++)
                        buf[i] = (uint8_t)rng();
                    if (prefixes[p][0])
                        buf[n++] = prefixes[p][0];
                    buf[n++] = (uint8_t)op;
                    buf[n] = (uint8_t)modrm;
                    struct insn in;
                    ZydisDecodedInstruction zi;
                    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
                    if (decode_insn(mode, buf, BUF_LEN, &in) != DECODE_OK)
                        continue;
                    if (in.map != MAP_LEGACY_1B)
                        continue;
                    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zd, buf, BUF_LEN, &zi, zo)))
                        continue;
                    char ztext[256], ours[256], zn[256], on[256];
                    ZydisFormatterFormatInstruction(&zf, &zi, zo, zi.operand_count_visible, ztext,
                                                    sizeof ztext, RIP, ZYAN_NULL);
                    format_insn(&in, RIP, ours, sizeof ours);
                    normalise(ztext, zn, sizeof zn);
                    normalise(ours, on, sizeof on);
                    /* the shift count 1 is written "1" by whvemu, "0x1" by Zydis */
                    size_t len = strlen(on);
                    if (len > 3 && strcmp(on + len - 3, ", 1") == 0 && len + 2 < sizeof on)
                        strcpy(on + len - 1, "0x1");
                    compared++;
                    /* Zydis writes string instructions and XLAT without operands even when
                     * a segment override or address size would need them: whvemu's text
                     * must start with Zydis's and may add those operands */
                    bool implicit = false;
                    for (unsigned i = 0; i < 4 && in.row->opnd[i]; i++) {
                        enum operand_kind k = OPND_KIND(in.row->opnd[i]);
                        implicit |= k == OK_X || k == OK_Y || k == OK_XLAT;
                    }
                    if (implicit && strncmp(zn, on, strlen(zn)) == 0)
                        continue;
                    /* Zydis sign-extends 32-bit branch targets to 64 bits outside 64-bit
                     * mode, where EIP is 32 bits wide */
                    char *wide = bits != 64 ? strstr(zn, "0xffffffff") : NULL;
                    if (wide && strlen(wide) == 18)
                        memmove(wide + 2, wide + 10, 9);
                    /* F3 REX.B 90: this CPU executes XCHG r8, rAX (checked on hardware);
                     * Zydis says PAUSE */
                    if (in.mnemonic == MN_xchg && in.opcode == 0x90)
                        continue;
                    /* Zydis prints [r13d] for 67 REX.B with SIB base 101b and mod 00, which
                     * is [disp32] without a base (SDM table 2-3); the lengths agree */
                    if (in.has_sib && in.base == GPR_NONE && (in.rex & 1) && in.addrsize == 4)
                        continue;
                    /* XBEGIN with 16-bit operand size: the SDM masks the fallback address
                     * to 16 bits, Zydis does not */
                    if (in.mnemonic == MN_xbegin && in.opsize == 2)
                        continue;
                    /* 66 63 with memory: the SDM's MOVSXD r16, r/m16 reads a word; Zydis
                     * prints a dword (its register form uses r16, so it is inconsistent) */
                    if (in.mnemonic == MN_movsxd && in.opsize == 2 && in.mod != 3)
                        continue;
                    if (strcmp(zn, on) != 0) {
                        if (mismatches++ < 60) {
                            printf("  %u-bit:", bits);
                            for (unsigned i = 0; i < in.length; i++)
                                printf(" %02x", buf[i]);
                            printf("\n    whvemu: %s\n    zydis:  %s\n", ours, ztext);
                        }
                    }
                }
            }
        }
    }
    mismatches += maskmov_forms(&zf, &compared);
    printf("format_vs_zydis: %lu instructions compared, %lu mismatches\n%s\n", compared, mismatches,
           mismatches ? "FAIL" : "PASS");
    return mismatches ? 1 : 0;
}
