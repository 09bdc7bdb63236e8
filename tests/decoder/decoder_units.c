/* Unit tests of the decoder's hard rules: prefixes, the 15-byte limit, truncation, moffs
 * and immediate sizes, VEX/EVEX/XOP versus LES/LDS/BOUND/POP, LOCK, 64-bit-only rules,
 * the public length/format API, and a few formatter outputs. */
#include <stdio.h>
#include <string.h>

#include "decoder.h"
#include "whvemu.h"

static unsigned checks, failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                 \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static enum decode_status dec(enum cpu_mode mode, const uint8_t *b, size_t n, struct insn *in)
{
    return decode_insn(mode, b, n, in);
}

/* Decodes and expects DECODE_OK with the given length. */
static void expect_length(enum cpu_mode mode, const uint8_t *b, size_t n, unsigned length,
                          const char *what)
{
    struct insn in;
    enum decode_status st = dec(mode, b, n, &in);
    CHECK(st == DECODE_OK && in.length == length, "%s: status %d length %u, want %u", what, st,
          in.length, length);
}

static void expect_status(enum cpu_mode mode, const uint8_t *b, size_t n, enum decode_status want,
                          const char *what)
{
    struct insn in;
    enum decode_status st = dec(mode, b, n, &in);
    CHECK(st == want, "%s: status %d, want %d", what, st, want);
}

static void test_prefixes(void)
{
    struct insn in;
    /* REX.W wins over 66; a REX followed by a legacy prefix is ignored */
    CHECK(dec(MODE_64, BYTES(0x66, 0x48, 0x89, 0xc0), &in) == DECODE_OK && in.opsize == 8,
          "66 48 89 c0: opsize %u", in.opsize);
    CHECK(dec(MODE_64, BYTES(0x48, 0x66, 0x89, 0xc0), &in) == DECODE_OK && in.opsize == 2 &&
              in.rex == 0 && !(in.prefixes & PFX_REX),
          "48 66 89 c0: opsize %u rex %x", in.opsize, in.rex);
    /* REX is INC/DEC outside 64-bit mode */
    CHECK(dec(MODE_32, BYTES(0x48, 0x89, 0xc0), &in) == DECODE_OK && in.length == 1 &&
              in.mnemonic == MN_dec,
          "32-bit 48 is DEC: length %u", in.length);
    /* the last segment override wins; in 64-bit mode ES/CS/SS/DS are null prefixes */
    CHECK(dec(MODE_32, BYTES(0x26, 0x2e, 0x8b, 0x00), &in) == DECODE_OK && in.seg == SEG_CS,
          "26 2e: seg %u", in.seg);
    CHECK(dec(MODE_64, BYTES(0x64, 0x2e, 0x8b, 0x00), &in) == DECODE_OK && in.seg == SEG_FS,
          "64 2e in 64-bit: seg %u", in.seg);
    CHECK(dec(MODE_64, BYTES(0x2e, 0x8b, 0x00), &in) == DECODE_OK && in.seg == SEG_DS &&
              !(in.prefixes & PFX_SEG),
          "2e in 64-bit: seg %u", in.seg);
    CHECK(dec(MODE_64, BYTES(0x65, 0x8b, 0x00), &in) == DECODE_OK && in.seg == SEG_GS,
          "65 in 64-bit: seg %u", in.seg);
    /* default segment: SS for rBP/rSP bases (not r12/r13), DS otherwise */
    CHECK(dec(MODE_32, BYTES(0x8b, 0x45, 0x08), &in) == DECODE_OK && in.seg == SEG_SS &&
              in.base == GPR_BP && in.disp == 8 && in.disp_size == 1 && in.disp_offset == 2,
          "[ebp+8]: seg %u base %u", in.seg, in.base);
    CHECK(dec(MODE_32, BYTES(0x8b, 0x04, 0x24), &in) == DECODE_OK && in.seg == SEG_SS &&
              in.base == GPR_SP && in.index == GPR_NONE && in.has_sib,
          "[esp]: seg %u", in.seg);
    CHECK(dec(MODE_64, BYTES(0x41, 0x8b, 0x45, 0x08), &in) == DECODE_OK && in.seg == SEG_DS &&
              in.base == GPR_R13,
          "[r13+8]: seg %u base %u", in.seg, in.base);
    CHECK(dec(MODE_64, BYTES(0x42, 0x8b, 0x04, 0xa0), &in) == DECODE_OK && in.base == GPR_AX &&
              in.index == GPR_R12 && in.scale == 4,
          "[rax+r12*4]: index %u", in.index);
    CHECK(dec(MODE_64, BYTES(0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), &in) == DECODE_OK &&
              in.base == GPR_NONE && in.index == GPR_NONE && in.disp == 0x12345678 &&
              !in.rip_relative && in.length == 7,
          "[disp32] via SIB");
    CHECK(dec(MODE_64, BYTES(0x8b, 0x05, 0xfc, 0xff, 0xff, 0xff), &in) == DECODE_OK &&
              in.rip_relative && in.disp == -4 && in.base == GPR_NONE,
          "[rip-4]");
    CHECK(dec(MODE_32, BYTES(0x8b, 0x05, 0x78, 0x56, 0x34, 0x12), &in) == DECODE_OK &&
              !in.rip_relative && in.disp == 0x12345678,
          "32-bit [disp32] is absolute");
    /* 16-bit addressing */
    CHECK(dec(MODE_16, BYTES(0x8b, 0x46, 0x02), &in) == DECODE_OK && in.base == GPR_BP &&
              in.index == GPR_NONE && in.seg == SEG_SS && in.length == 3,
          "16-bit [bp+2]");
    CHECK(dec(MODE_16, BYTES(0x8b, 0x06, 0x34, 0x12), &in) == DECODE_OK && in.base == GPR_NONE &&
              in.disp == 0x1234 && in.seg == SEG_DS && in.length == 4,
          "16-bit [disp16]");
    CHECK(dec(MODE_16, BYTES(0x8b, 0x80, 0x00, 0x80), &in) == DECODE_OK && in.base == GPR_BX &&
              in.index == GPR_SI && in.disp == -0x8000 && in.length == 4,
          "16-bit [bx+si-0x8000]");
    CHECK(dec(MODE_32, BYTES(0x67, 0x8b, 0x42, 0x10), &in) == DECODE_OK && in.addrsize == 2 &&
              in.base == GPR_BP && in.index == GPR_SI && in.seg == SEG_SS,
          "32-bit 67: [bp+si+0x10]");
    /* operand sizes per mode */
    CHECK(dec(MODE_16, BYTES(0x66, 0x89, 0xc0), &in) == DECODE_OK && in.opsize == 4,
          "16-bit 66: opsize %u", in.opsize);
    CHECK(dec(MODE_64, BYTES(0x50), &in) == DECODE_OK && in.opsize == 8, "push default 64");
    CHECK(dec(MODE_64, BYTES(0x66, 0x50), &in) == DECODE_OK && in.opsize == 2, "66 push");
    /* mandatory prefix: the last F2/F3, else 66 */
    CHECK(dec(MODE_64, BYTES(0xf3, 0x90), &in) == DECODE_OK && in.mnemonic == MN_pause,
          "f3 90 pause");
    CHECK(dec(MODE_64, BYTES(0xf3, 0x66, 0x90), &in) == DECODE_OK && in.mnemonic == MN_pause &&
              in.mandatory == MP_F3,
          "f3 66 90 pause");
    CHECK(dec(MODE_64, BYTES(0xf3, 0xf2, 0x90), &in) == DECODE_OK && in.mnemonic == MN_nop &&
              in.mandatory == MP_F2 && (in.prefixes & PFX_REPNE) && !(in.prefixes & PFX_REP),
          "f3 f2 90: F2 last");
    CHECK(dec(MODE_64, BYTES(0x41, 0x90), &in) == DECODE_OK && in.mnemonic == MN_xchg,
          "41 90 xchg r8");
}

static void test_length_limit(void)
{
    uint8_t b[32];
    memset(b, 0x66, sizeof b);
    b[14] = 0x90;
    expect_length(MODE_64, b, 15, 15, "14 prefixes + nop");
    b[14] = 0x66;
    b[15] = 0x90;
    expect_status(MODE_64, b, 16, DECODE_TOO_LONG, "15 prefixes + nop");
    CHECK(whvemu_insn_length(64, b, 16) < 0, "too long: api negative");
    /* the limit is known before the immediate bytes are: #GP without needing them */
    memset(b, 0x66, 12);
    b[12] = 0x81, b[13] = 0xc0;
    expect_status(MODE_32, b, 14, DECODE_TOO_LONG, "imm beyond 15 with short buffer");
    /* 66 x11 + 81 C0 iw: 16-bit immediate (66 in 32-bit mode) = 15 bytes exactly */
    memset(b, 0x66, 11);
    b[11] = 0x81, b[12] = 0xc0, b[13] = 0x34, b[14] = 0x12;
    expect_length(MODE_32, b, 15, 15, "15 bytes exactly");
}

static void test_truncation(void)
{
    /* lock add qword ptr [ebx+ecx*4+0x11223344], 0xdeadbeef (sign-extended) */
    static const uint8_t longest[] = { 0xf0, 0x67, 0x48, 0x81, 0x84, 0x8b, 0x44,
                                       0x33, 0x22, 0x11, 0xef, 0xbe, 0xad, 0xde };
    for (size_t n = 0; n < sizeof longest; n++) {
        expect_status(MODE_64, longest, n, DECODE_NEED_MORE, "truncated");
        CHECK(whvemu_insn_length(64, longest, n) == 0, "truncated at %zu: api 0", n);
    }
    expect_length(MODE_64, longest, sizeof longest, 14, "full");
    CHECK(whvemu_insn_length(64, longest, sizeof longest) == 14, "api length");
    struct insn in;
    dec(MODE_64, longest, sizeof longest, &in);
    CHECK(in.disp == 0x11223344 && in.disp_offset == 6 && in.imm == 0xdeadbeef &&
              in.imm_size == 4 && in.imm_offset == 10 && in.addrsize == 4 && in.opsize == 8 &&
              in.base == GPR_BX && in.index == GPR_CX && in.scale == 4,
          "fields of the long instruction");
    /* EVEX with SIB, disp32 and imm8: vcmpps k0, zmm0, [rsp+0x11223344], 5 */
    static const uint8_t evex[] = { 0x62, 0xf1, 0x7c, 0x48, 0xc2, 0x84,
                                    0x24, 0x44, 0x33, 0x22, 0x11, 0x05 };
    for (size_t n = 0; n < sizeof evex; n++)
        expect_status(MODE_64, evex, n, DECODE_NEED_MORE, "truncated EVEX");
    expect_length(MODE_64, evex, sizeof evex, 12, "full EVEX");
    /* 16-bit far call */
    static const uint8_t far16[] = { 0x9a, 0x22, 0x11, 0xbb, 0xaa };
    for (size_t n = 0; n < sizeof far16; n++)
        expect_status(MODE_16, far16, n, DECODE_NEED_MORE, "truncated far call");
}

static void test_immediates(void)
{
    struct insn in;
    /* moffs: address-size wide, 8 bytes in 64-bit mode */
    expect_length(MODE_64, BYTES(0xa1, 1, 2, 3, 4, 5, 6, 7, 8), 9, "64-bit moffs");
    expect_length(MODE_64, BYTES(0x67, 0xa1, 1, 2, 3, 4), 6, "64-bit 67 moffs");
    expect_length(MODE_64, BYTES(0x48, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8), 10, "64-bit moffs store");
    expect_length(MODE_32, BYTES(0xa1, 1, 2, 3, 4), 5, "32-bit moffs");
    expect_length(MODE_32, BYTES(0x67, 0xa1, 1, 2), 4, "32-bit 67 moffs");
    expect_length(MODE_16, BYTES(0xa0, 1, 2), 3, "16-bit moffs");
    CHECK(dec(MODE_64, BYTES(0x64, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8), &in) == DECODE_OK &&
              in.seg == SEG_FS && in.imm == 0x0807060504030201ull,
          "fs moffs");
    /* ENTER: Iw then Ib */
    CHECK(dec(MODE_32, BYTES(0xc8, 0x10, 0x00, 0x01), &in) == DECODE_OK && in.length == 4 &&
              in.imm == 0x10 && in.imm_size == 2 && in.imm2 == 1 && in.imm2_size == 1,
          "enter");
    /* far pointers: offset then selector */
    CHECK(dec(MODE_32, BYTES(0x9a, 0x44, 0x33, 0x22, 0x11, 0xbb, 0xaa), &in) == DECODE_OK &&
              in.length == 7 && in.imm == 0x11223344 && in.imm2 == 0xaabb,
          "32-bit call far");
    CHECK(dec(MODE_16, BYTES(0x9a, 0x22, 0x11, 0xbb, 0xaa), &in) == DECODE_OK && in.length == 5 &&
              in.imm == 0x1122 && in.imm2 == 0xaabb,
          "16-bit call far");
    expect_status(MODE_64, BYTES(0x9a, 0, 0, 0, 0, 0, 0), DECODE_UD, "64-bit call far ptr");
    /* MOV r64, imm64 */
    expect_length(MODE_64, BYTES(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8), 10, "mov rax, imm64");
    expect_length(MODE_64, BYTES(0x48, 0xc7, 0xc0, 1, 2, 3, 4), 7, "mov rax, imm32");
    /* near branches: 66 is ignored in 64-bit mode (Intel), honoured elsewhere */
    expect_length(MODE_64, BYTES(0x66, 0xe8, 1, 2, 3, 4), 6, "64-bit 66 call");
    expect_length(MODE_32, BYTES(0x66, 0xe8, 1, 2), 4, "32-bit 66 call");
    expect_length(MODE_16, BYTES(0xe9, 1, 2), 3, "16-bit jmp");
    expect_length(MODE_64, BYTES(0x66, 0x68, 1, 2), 4, "64-bit 66 push imm16");
    expect_length(MODE_64, BYTES(0x68, 1, 2, 3, 4), 5, "64-bit push imm32");
    /* JrCXZ by address size */
    CHECK(dec(MODE_64, BYTES(0xe3, 0xfe), &in) == DECODE_OK && in.mnemonic == MN_jrcxz, "jrcxz");
    CHECK(dec(MODE_64, BYTES(0x67, 0xe3, 0xfe), &in) == DECODE_OK && in.mnemonic == MN_jecxz,
          "jecxz");
    CHECK(dec(MODE_16, BYTES(0xe3, 0xfe), &in) == DECODE_OK && in.mnemonic == MN_jcxz, "jcxz");
    /* CBW family by operand size */
    CHECK(dec(MODE_64, BYTES(0x48, 0x98), &in) == DECODE_OK && in.mnemonic == MN_cdqe, "cdqe");
    CHECK(dec(MODE_32, BYTES(0x66, 0x99), &in) == DECODE_OK && in.mnemonic == MN_cwd, "cwd");
    /* TEST F6 /1 alias and XBEGIN/XABORT */
    expect_length(MODE_32, BYTES(0xf6, 0xc8, 0x01), 3, "test /1");
    expect_length(MODE_64, BYTES(0xc7, 0xf8, 1, 2, 3, 4), 6, "xbegin");
    expect_length(MODE_16, BYTES(0xc7, 0xf8, 1, 2), 4, "16-bit xbegin");
    expect_length(MODE_64, BYTES(0xc6, 0xf8, 0x55), 3, "xabort");
    expect_status(MODE_64, BYTES(0xc6, 0xf9, 0x55), DECODE_UD, "c6 f9");
}

static void test_escapes(void)
{
    struct insn in;
    /* C4/C5 outside 64-bit mode: LES/LDS unless ModRM.mod = 11 */
    CHECK(dec(MODE_32, BYTES(0xc4, 0x00), &in) == DECODE_OK && in.mnemonic == MN_les &&
              in.length == 2,
          "32-bit c4 00 is LES");
    CHECK(dec(MODE_16, BYTES(0xc5, 0x06, 0x34, 0x12), &in) == DECODE_OK && in.mnemonic == MN_lds &&
              in.length == 4,
          "16-bit c5 06 is LDS");
    dec(MODE_32, BYTES(0xc5, 0xf8, 0x77), &in);
    CHECK(in.encoding == ENC_VEX && in.map == MAP_VEX_0F && in.opcode == 0x77,
          "32-bit c5 f8 77 is VEX");
    expect_status(MODE_64, BYTES(0xc4, 0x00, 0x00, 0x00), DECODE_UD, "64-bit c4 map 0");
    expect_status(MODE_64, BYTES(0xc4, 0xe4, 0x78, 0x77), DECODE_UD, "VEX map 4");
    expect_status(MODE_64, BYTES(0x66, 0xc5, 0xf8, 0x77), DECODE_UD, "66 before VEX");
    expect_status(MODE_64, BYTES(0xf3, 0xc5, 0xf8, 0x77), DECODE_UD, "f3 before VEX");
    expect_status(MODE_64, BYTES(0xf0, 0xc5, 0xf8, 0x77), DECODE_UD, "lock before VEX");
    expect_status(MODE_64, BYTES(0x40, 0xc5, 0xf8, 0x77), DECODE_UD, "REX before VEX");
    /* BOUND vs EVEX */
    CHECK(dec(MODE_32, BYTES(0x62, 0x00), &in) == DECODE_OK && in.mnemonic == MN_bound,
          "32-bit 62 00 is BOUND");
    dec(MODE_32, BYTES(0x62, 0xf1, 0x7c, 0x48, 0x10, 0xc1), &in);
    CHECK(in.encoding == ENC_EVEX && in.map == MAP_EVEX_0F && in.opcode == 0x10,
          "32-bit 62 f1 is EVEX");
    expect_status(MODE_64, BYTES(0x62, 0xf9, 0x7c, 0x48, 0x10, 0xc1), DECODE_UD,
                  "EVEX P0 bit 3 set");
    expect_status(MODE_64, BYTES(0x62, 0xf1, 0x78, 0x48, 0x10, 0xc1), DECODE_UD,
                  "EVEX P1 bit 2 clear");
    expect_status(MODE_64, BYTES(0x62, 0xf4, 0x7c, 0x48, 0x10, 0xc1), DECODE_UD, "EVEX map 4");
    /* POP Ev vs XOP */
    CHECK(dec(MODE_64, BYTES(0x8f, 0xc0), &in) == DECODE_OK && in.mnemonic == MN_pop &&
              in.length == 2,
          "8f c0 pop");
    CHECK(dec(MODE_32, BYTES(0x8f, 0x00), &in) == DECODE_OK && in.mnemonic == MN_pop,
          "8f 00 pop [eax]");
    dec(MODE_64, BYTES(0x8f, 0xe9, 0x78, 0x80, 0xc0), &in);
    CHECK(in.encoding == ENC_XOP && in.map == MAP_XOP_9 && in.opcode == 0x80, "8f e9 is XOP");
    expect_status(MODE_64, BYTES(0x8f, 0xeb, 0x78, 0x80, 0xc0), DECODE_UD, "XOP map 0xb");
    /* 3DNow!: the suffix after ModRM/SIB/disp is the opcode */
    dec(MODE_32, BYTES(0x0f, 0x0f, 0x44, 0x24, 0x08, 0x9e), &in);
    CHECK(in.encoding == ENC_3DNOW && in.opcode == 0x9e && in.disp == 8 && in.has_sib,
          "3DNow! suffix");
}

static void test_validity(void)
{
    expect_length(MODE_32, BYTES(0xf0, 0x01, 0x00), 3, "lock add [eax], eax");
    expect_status(MODE_32, BYTES(0xf0, 0x01, 0xc0), DECODE_UD, "lock add eax, eax");
    expect_status(MODE_32, BYTES(0xf0, 0x90), DECODE_UD, "lock nop");
    expect_status(MODE_32, BYTES(0xf0, 0x38, 0x00), DECODE_UD, "lock cmp");
    expect_status(MODE_32, BYTES(0xf0, 0x8b, 0x00), DECODE_UD, "lock mov");
    expect_length(MODE_32, BYTES(0xf0, 0x87, 0x00), 3, "lock xchg [eax]");
    expect_length(MODE_64, BYTES(0xf0, 0xf0, 0x48, 0xff, 0x00), 5, "repeated lock, inc");
    expect_status(MODE_64, BYTES(0x06), DECODE_UD, "64-bit push es");
    expect_status(MODE_64, BYTES(0xd6), DECODE_UD, "64-bit salc");
    expect_status(MODE_64, BYTES(0x82, 0xc0, 0x01), DECODE_UD, "64-bit 82");
    expect_length(MODE_32, BYTES(0x82, 0xc0, 0x01), 3, "32-bit 82");
    expect_status(MODE_32, BYTES(0x8d, 0xc0), DECODE_UD, "lea reg");
    expect_status(MODE_32, BYTES(0x8e, 0xc8), DECODE_UD, "mov cs, ax");
    expect_status(MODE_32, BYTES(0xff, 0xd8), DECODE_UD, "call far reg");
    expect_status(MODE_32, BYTES(0xff, 0xf8), DECODE_UD, "ff /7");
    expect_status(MODE_32, BYTES(0xfe, 0xd0), DECODE_UD, "fe /2");
    struct insn in;
    CHECK(dec(MODE_64, BYTES(0x63, 0xc1), &in) == DECODE_OK && in.mnemonic == MN_movsxd,
          "64-bit 63 movsxd");
    CHECK(dec(MODE_32, BYTES(0x63, 0xc1), &in) == DECODE_OK && in.mnemonic == MN_arpl,
          "32-bit 63 arpl");
    /* x87: mod-dependent */
    expect_length(MODE_32, BYTES(0xd9, 0xd0), 2, "fnop");
    expect_status(MODE_32, BYTES(0xd9, 0xd1), DECODE_UD, "d9 d1");
    expect_length(MODE_32, BYTES(0xdd, 0x05, 1, 2, 3, 4), 6, "fld qword [disp32]");
    expect_status(MODE_32, BYTES(0xd9, 0x08), DECODE_UD, "d9 /1 memory");
    expect_length(MODE_32, BYTES(0xdf, 0xe0), 2, "fnstsw ax");
}

/* Rules checked on hardware (AMD Zen 4, 32- and 64-bit code) and in agreement with Zydis;
 * they need rows of the extended maps. */
static void test_vector_rules(void)
{
    struct insn in;
    /* outside 64-bit mode: vvvv must be 1111b where unused, only 3 bits select a register */
    expect_status(MODE_32, BYTES(0xc4, 0xe1, 0x38, 0x10, 0xc1), DECODE_UD,
                  "32-bit vmovups with vvvv = 0111b");
    CHECK(dec(MODE_32, BYTES(0xc4, 0xe1, 0x38, 0x58, 0xc1), &in) == DECODE_OK && in.vvvv == 0,
          "32-bit vaddps vvvv[3] ignored: vvvv %u", in.vvvv);
    CHECK(dec(MODE_32, BYTES(0xc4, 0xc1, 0x78, 0x10, 0xc1), &in) == DECODE_OK && in.rm == 1,
          "32-bit VEX.B ignored: rm %u", in.rm);
    expect_status(MODE_32, BYTES(0x62, 0xf1, 0x7c, 0x40, 0x58, 0xc1), DECODE_UD,
                  "32-bit EVEX.V' = 0");
    expect_length(MODE_32, BYTES(0x62, 0xe1, 0x7c, 0x48, 0x58, 0xc1), 6, "32-bit EVEX.R' ignored");
    /* EVEX field rules */
    expect_status(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0xc8, 0x58, 0xc1), DECODE_UD,
                  "{z} without mask");
    expect_status(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0xc9, 0x11, 0x00), DECODE_UD,
                  "{z} with a memory destination");
    expect_status(MODE_64, BYTES(0x62, 0xf1, 0x7e, 0x68, 0x58, 0xc1), DECODE_UD, "L'L = 3");
    CHECK(dec(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0x78, 0x58, 0xc1), &in) == DECODE_OK &&
              in.vex_l == 2 && in.evex_rc == 3,
          "rounding form: vex_l %u rc %u", in.vex_l, in.evex_rc);
    /* disp8*N: the displacement is stored scaled */
    CHECK(dec(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0x48, 0x10, 0x40, 0xff), &in) == DECODE_OK &&
              in.disp == -64 && in.disp_size == 1,
          "vmovups zmm0, [rax-64]: disp %d", in.disp);
    CHECK(dec(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0x58, 0x58, 0x40, 0x02), &in) == DECODE_OK &&
              in.disp == 8,
          "vaddps broadcast {1to16}: disp %d", in.disp);
    /* registers that do not exist */
    expect_status(MODE_64, BYTES(0xc5, 0x6c, 0x41, 0xcb), DECODE_UD, "kandw k9");
    expect_length(MODE_64, BYTES(0xc4, 0xc1, 0x6c, 0x41, 0xcb), 5, "kandw: VEX.B ignored in r/m");
    expect_status(MODE_64, BYTES(0x62, 0x71, 0x7d, 0x48, 0x75, 0xc9), DECODE_UD, "vpcmpeqw k9");
    expect_status(MODE_64, BYTES(0x62, 0x65, 0x7e, 0x48, 0x78, 0x45, 0xfa), DECODE_UD,
                  "EVEX GPR destination with R'");
    expect_status(MODE_64, BYTES(0x0f, 0x20, 0xc8), DECODE_UD, "mov rax, cr1");
    expect_status(MODE_64, BYTES(0x44, 0x0f, 0x20, 0xc8), DECODE_UD, "mov rax, cr9");
    expect_length(MODE_64, BYTES(0x44, 0x0f, 0x20, 0xc0), 4, "mov rax, cr8");
    expect_status(MODE_64, BYTES(0x44, 0x0f, 0x21, 0xc0), DECODE_UD, "mov rax, dr8");
    /* MOV CR/DR ignore mod: no displacement follows */
    CHECK(dec(MODE_32, BYTES(0x0f, 0x20, 0x40, 0x99), &in) == DECODE_OK && in.length == 3 &&
              in.mod == 3 && in.disp_size == 0,
          "mov cr with mod 01: length %u", in.length);
    /* gathers: destination, index and mask must differ */
    expect_status(MODE_64, BYTES(0xc4, 0xe2, 0x79, 0x92, 0x04, 0x20), DECODE_UD,
                  "vgatherdps with mask = destination");
    expect_length(MODE_64, BYTES(0xc4, 0xe2, 0x71, 0x92, 0x04, 0x20), 6, "vgatherdps");
    expect_status(MODE_64, BYTES(0x62, 0xf2, 0x7d, 0x49, 0x92, 0x04, 0x00), DECODE_UD,
                  "EVEX gather with index = destination");
    /* XOP: pp must be 00 */
    expect_status(MODE_64, BYTES(0x8f, 0xe9, 0x79, 0x80, 0xc0), DECODE_UD, "XOP pp = 01");
}

static void test_api(void)
{
    char text[64];
    CHECK(whvemu_insn_length(20, BYTES(0x90)) < 0, "bad bits");
    CHECK(whvemu_insn_length(64, NULL, 4) < 0, "NULL bytes");
    CHECK(whvemu_insn_length(64, BYTES(0x90)) == 1, "nop");
    CHECK(whvemu_insn_length(64, BYTES(0x06)) < 0, "64-bit push es");
    CHECK(whvemu_format(64, BYTES(0x90), NULL, 10) < 0, "format NULL out");
    CHECK(whvemu_format(16, BYTES(0x90), text, 0) < 0, "format outsz 0");
    CHECK(whvemu_format(64, BYTES(0x89, 0x43, 0x10), text, sizeof text) == 3 &&
              strcmp(text, "mov dword ptr [rbx+0x10], eax") == 0,
          "format: '%s'", text);
    /* truncated output stays NUL-terminated */
    CHECK(whvemu_format(64, BYTES(0x89, 0x43, 0x10), text, 5) == 3 && strlen(text) == 4,
          "format truncated: '%s'", text);
}

static void expect_text(enum cpu_mode mode, const uint8_t *b, size_t n, uint64_t rip,
                        const char *want)
{
    struct insn in;
    char text[96];
    dec(mode, b, n, &in);
    format_insn(&in, rip, text, sizeof text);
    CHECK(strcmp(text, want) == 0, "got '%s', want '%s'", text, want);
}

static void test_format(void)
{
    expect_text(MODE_64, BYTES(0xf3, 0xa4), 0, "rep movsb");
    expect_text(MODE_32, BYTES(0x64, 0x66, 0xa5), 0, "movsw word ptr es:[edi], word ptr fs:[esi]");
    expect_text(MODE_32, BYTES(0xf3, 0x67, 0xaa), 0, "rep stosb byte ptr es:[di], al");
    expect_text(MODE_64, BYTES(0xf0, 0x64, 0x67, 0x80, 0x00, 0x01), 0,
                "lock add byte ptr fs:[eax], 0x1");
    expect_text(MODE_64, BYTES(0xe8, 0, 0, 0, 0), 0x1000, "call 0x1005");
    expect_text(MODE_16, BYTES(0xeb, 0xfe), 0xffff0, "jmp 0xfff0");
    expect_text(MODE_64, BYTES(0x48, 0x83, 0xec, 0xf8), 0, "sub rsp, 0xfffffffffffffff8");
    expect_text(MODE_32, BYTES(0x8b, 0x44, 0x8b, 0xfc), 0, "mov eax, dword ptr [ebx+ecx*4-0x4]");
    expect_text(MODE_64, BYTES(0x40, 0x88, 0xf0), 0, "mov al, sil");
    expect_text(MODE_64, BYTES(0x88, 0xf0), 0, "mov al, dh");
    expect_text(MODE_64, BYTES(0x48, 0x8b, 0x05, 0x10, 0, 0, 0), 0,
                "mov rax, qword ptr [rip+0x10]");
    expect_text(MODE_16, BYTES(0x8b, 0x40, 0x02), 0, "mov ax, word ptr [bx+si+0x2]");
    expect_text(MODE_64, BYTES(0x9c), 0, "pushfq");
    expect_text(MODE_32, BYTES(0xdc, 0xc1), 0, "fadd st1, st0");
    expect_text(MODE_32, BYTES(0xff, 0x18), 0, "call far fword ptr [eax]");
    expect_text(MODE_32, BYTES(0xea, 0x00, 0x10, 0x00, 0x00, 0x08, 0x00), 0, "jmp far 0x8:0x1000");
    expect_text(MODE_64, BYTES(0x06), 0, "(bad)");
    expect_text(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0xc9, 0x58, 0xc1), 0,
                "vaddps zmm0{k1}{z}, zmm0, zmm1");
    expect_text(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0x58, 0x58, 0x00), 0,
                "vaddps zmm0, zmm0, dword ptr [rax]{1to16}");
    expect_text(MODE_64, BYTES(0x62, 0xf1, 0x7c, 0x78, 0x58, 0xc1), 0,
                "vaddps zmm0, zmm0, zmm1, {rz-sae}");
    expect_text(MODE_64, BYTES(0xc5, 0xfc, 0x10, 0x44, 0x24, 0x20), 0,
                "vmovups ymm0, ymmword ptr [rsp+0x20]");
}

/* 66 on near branches in 64-bit mode: ignored by Intel CPUs (the default, as Zydis), a
 * 16-bit operand size on AMD CPUs (DECODE_AMD_BRANCHES; seen natively on this machine). */
static void test_amd_branches(void)
{
    static const uint8_t jmp[] = { 0x66, 0xe9, 0x10, 0x00, 0x00, 0x00 };
    static const uint8_t jcc[] = { 0x66, 0x0f, 0x84, 0x10, 0x00, 0x00, 0x00 };
    static const uint8_t jmp_w[] = { 0x66, 0x48, 0xe9, 0x10, 0x00, 0x00, 0x00 };
    struct insn in;

    CHECK(decode_insn(MODE_64, jmp, sizeof jmp, &in) == DECODE_OK && in.length == 6 &&
              in.opsize == 8,
          "Intel 66 jmp rel32: length %u opsize %u", in.length, in.opsize);
    CHECK(decode_insn_options(MODE_64, DECODE_AMD_BRANCHES, jmp, sizeof jmp, &in) == DECODE_OK &&
              in.length == 4 && in.opsize == 2 && in.imm == 0x10,
          "AMD 66 jmp rel16: length %u opsize %u", in.length, in.opsize);
    CHECK(decode_insn_options(MODE_64, DECODE_AMD_BRANCHES, jcc, sizeof jcc, &in) == DECODE_OK &&
              in.length == 5 && in.opsize == 2,
          "AMD 66 jz rel16: length %u opsize %u", in.length, in.opsize);
    CHECK(decode_insn_options(MODE_64, DECODE_AMD_BRANCHES, jmp_w, sizeof jmp_w, &in) ==
                  DECODE_OK &&
              in.length == 7 && in.opsize == 8,
          "AMD REX.W wins over 66: length %u opsize %u", in.length, in.opsize);
    CHECK(decode_insn_options(MODE_32, DECODE_AMD_BRANCHES, jmp, sizeof jmp, &in) == DECODE_OK &&
              in.length == 4 && in.opsize == 2,
          "32-bit mode: 66 is 16-bit on every CPU");
}

int main(void)
{
    test_prefixes();
    test_length_limit();
    test_truncation();
    test_immediates();
    test_escapes();
    test_validity();
    test_vector_rules();
    test_api();
    test_format();
    test_amd_branches();
    printf("decoder_units: %u checks, %u failures\n%s\n", checks, failures,
           failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
