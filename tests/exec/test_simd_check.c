/* Hand vectors for what cannot run natively here: the state checks of SIMD/MMX instructions
 * (user mode cannot change CR0, CR4 or XCR0) and the vendor profile row of the vendor this
 * host is not (the host's row is measured by test_simd_moves). Each vector is an instruction
 * (bytes, mode), a state and the outcome the cited manual section gives. Runs on any host. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "decoder.h"
#include "exec/operand.h"
#include "exec/simd_check.h"
#include "exec/simd_move.h"
#include "exec/simd_profile.h"
#include "core/xstate.h"
#include "whvemu.h"

_Static_assert(SIMD_XCR0_AVX512 == (XS_SSE | XS_AVX | XS_OPMASK | XS_ZMM_HI256 | XS_HI16_ZMM),
               "the state checks' XCR0 bits are the XSAVE components of core/xstate.h");

#define CR0_LINUX 0x80050033u /* PG AM WP NE ET MP PE: what a Linux guest runs with */
#define CR4_LINUX 0x40620u    /* OSXSAVE OSXMMEXCPT OSFXSR PAE */

/* A state: the Linux one with the named changes. */
enum {
    EM = 1u << 0,         /* CR0.EM set */
    TS = 1u << 1,         /* CR0.TS set */
    NO_OSFXSR = 1u << 2,  /* CR4.OSFXSR clear */
    NO_OSXSAVE = 1u << 3, /* CR4.OSXSAVE clear */
    PENDING = 1u << 4,    /* an unmasked x87 exception pending: FSW.IE with FCW.IM clear */
    REAL = 1u << 5,       /* CR0.PE clear */
    V86 = 1u << 6,        /* RFLAGS.VM */
    ES_MASKED = 1u << 7,  /* FSW.ES and IE set, but IE masked in FCW: nothing pending */
    FLAG_NO_ES = 1u << 8, /* FSW.IE unmasked with ES clear: pending (the flags decide) */
};

static const struct state_vector {
    const char *insn;
    uint8_t bytes[8];
    unsigned length, bits;
    unsigned changes;
    uint64_t xcr0;
    enum simd_check_result want;
    const char *source;
} state_vectors[] = {
#define MOVUPS "movups xmm0, [rax]", { 0x0f, 0x10, 0x00 }, 3, 64
#define MOVQ_MM "movq mm0, [rax]", { 0x0f, 0x6f, 0x00 }, 3, 64
#define MASKMOVQ "maskmovq mm0, mm1", { 0x0f, 0xf7, 0xc1 }, 3, 64
#define CVTPI2PS "cvtpi2ps xmm0, [rax]", { 0x0f, 0x2a, 0x00 }, 3, 64
#define CVTPI2PS_MM "cvtpi2ps xmm0, mm1", { 0x0f, 0x2a, 0xc1 }, 3, 64
#define VMOVUPS "vmovups ymm0, [rax]", { 0xc5, 0xfc, 0x10, 0x00 }, 4, 64
#define VMOVUPS16 "vmovups xmm0, [bx+si]", { 0xc5, 0xf8, 0x10, 0x00 }, 4, 16
#define KMOVW "kmovw k1, [rax]", { 0xc5, 0xf8, 0x90, 0x08 }, 4, 64
#define ANDN "andn eax, ecx, [rax]", { 0xc4, 0xe2, 0x70, 0xf2, 0x00 }, 5, 64
#define ANDN16 "andn eax, ecx, [bx+si]", { 0xc4, 0xe2, 0x70, 0xf2, 0x00 }, 5, 16
#define EVMOVUPS "vmovups zmm0, [rax]", { 0x62, 0xf1, 0x7c, 0x48, 0x10, 0x00 }, 6, 64
#define MOV "mov eax, [rax]", { 0x8b, 0x00 }, 2, 64
    /* legacy SSE: Table 2-21 (Type 4) #UD "If CR0.EM[bit 2] = 1", "If CR4.OSFXSR[bit 9] =
     * 0"; #NM "If CR0.TS[bit 3] = 1"; EM wins over TS (vol. 3A Table 13-1's EM/TS rows) */
    { MOVUPS, 0, 0xe7, SIMD_STATE_OK, "Linux state" },
    { MOVUPS, EM, 0xe7, SIMD_STATE_UD, "vol. 2A Table 2-21: CR0.EM" },
    { MOVUPS, NO_OSFXSR, 0xe7, SIMD_STATE_UD, "vol. 2A Table 2-21: CR4.OSFXSR" },
    { MOVUPS, TS, 0xe7, SIMD_STATE_NM, "vol. 2A Table 2-21: CR0.TS" },
    { MOVUPS, EM | TS, 0xe7, SIMD_STATE_UD, "vol. 3A Table 13-1: EM=1 is #UD for SSE" },
    { MOVUPS, PENDING, 0xe7, SIMD_STATE_OK, "SSE ignores a pending x87 exception" },
    { MOVUPS, REAL, 0xe7, SIMD_STATE_OK, "SSE runs in real mode (Real-Address Mode Exceptions)" },
    { MOVUPS, NO_OSXSAVE, 0x03, SIMD_STATE_OK, "legacy SSE does not look at XCR0" },
    /* MMX registers: vol. 3B §22.25.3 Table 22-7/22-8: #UD CR0.EM, #NM CR0.TS, #MF pending */
    { MOVQ_MM, 0, 0xe7, SIMD_STATE_OK, "Linux state" },
    { MOVQ_MM, EM, 0xe7, SIMD_STATE_UD, "Table 22-7: CR0.EM" },
    { MOVQ_MM, NO_OSFXSR, 0xe7, SIMD_STATE_OK, "MMX needs no CR4.OSFXSR" },
    { MOVQ_MM, TS, 0xe7, SIMD_STATE_NM, "Table 22-7: CR0.TS" },
    { MOVQ_MM, PENDING, 0xe7, SIMD_STATE_MF, "Table 22-7: pending x87 exception" },
    { MOVQ_MM, TS | PENDING, 0xe7, SIMD_STATE_NM, "vol. 3A Table 6-2: #NM before #MF" },
    { MOVQ_MM, EM | PENDING, 0xe7, SIMD_STATE_UD, "#UD before #MF" },
    { MOVQ_MM, ES_MASKED, 0xe7, SIMD_STATE_OK,
      "ES with the flag masked: nothing pending (x87 rule)" },
    { MOVQ_MM, FLAG_NO_ES, 0xe7, SIMD_STATE_MF, "an unmasked flag is pending though ES is clear" },
    { MASKMOVQ, NO_OSFXSR, 0xe7, SIMD_STATE_OK,
      "vol. 3A Interrupt 6: MASKMOVQ is not among the OSFXSR #UD cases" },
    { MASKMOVQ, PENDING, 0xe7, SIMD_STATE_MF, "Table 22-8: pending x87 exception" },
    { CVTPI2PS_MM, NO_OSFXSR, 0xe7, SIMD_STATE_UD, "SSE with MMX operands: CR4.OSFXSR" },
    { CVTPI2PS_MM, PENDING, 0xe7, SIMD_STATE_MF, "SSE with MMX operands: pending x87 exception" },
    { CVTPI2PS_MM, TS | PENDING, 0xe7, SIMD_STATE_NM, "#NM before #MF" },
    /* measured on Zen 4 (test_diff --filter cvtpi2p): the m64 source names no MMX register */
    { CVTPI2PS, NO_OSFXSR, 0xe7, SIMD_STATE_UD, "SSE: CR4.OSFXSR" },
    { CVTPI2PS, PENDING, 0xe7, SIMD_STATE_OK, "SSE, an m64 source: no #MF (measured)" },
    /* VEX: Table 2-21 VEX rows: #UD "If XCR0[2:1] != 11b", "If CR4.OSXSAVE = 0"; no CR0.EM
     * condition (vol. 1 §14.11); the prefix is #UD in real and virtual-8086 mode */
    { VMOVUPS, 0, 0xe7, SIMD_STATE_OK, "Linux state" },
    { VMOVUPS, EM, 0xe7, SIMD_STATE_OK, "vol. 1 §14.11: CR0.EM does not apply to AVX" },
    { VMOVUPS, NO_OSFXSR, 0xe7, SIMD_STATE_OK, "OSFXSR is a legacy SSE condition" },
    { VMOVUPS, TS, 0xe7, SIMD_STATE_NM, "Table 2-21: CR0.TS" },
    { VMOVUPS, NO_OSXSAVE, 0xe7, SIMD_STATE_UD, "Table 2-21: CR4.OSXSAVE" },
    { VMOVUPS, 0, 0x03, SIMD_STATE_UD, "Table 2-21: XCR0[2] clear" },
    { VMOVUPS, 0, 0x05, SIMD_STATE_UD, "Table 2-21: XCR0[1] clear" },
    { VMOVUPS, 0, 0x07, SIMD_STATE_OK, "XCR0[2:1] = 11b" },
    { VMOVUPS, NO_OSXSAVE | TS, 0xe7, SIMD_STATE_UD, "#UD before #NM" },
    { VMOVUPS, PENDING, 0xe7, SIMD_STATE_OK, "AVX ignores a pending x87 exception" },
    { VMOVUPS16, REAL, 0xe7, SIMD_STATE_UD, "the VEX prefix in real mode" },
    { VMOVUPS16, V86, 0xe7, SIMD_STATE_UD, "the VEX prefix in virtual-8086 mode" },
    { VMOVUPS16, 0, 0xe7, SIMD_STATE_OK, "16-bit protected mode runs VEX" },
    /* VEX opmask instructions: vol. 2A Table 2-37 state dependent #UD: XCR0[7:5] too */
    { KMOVW, 0, 0xe7, SIMD_STATE_OK, "Linux state" },
    { KMOVW, 0, 0x07, SIMD_STATE_UD, "Table 2-37: XCR0[7:5] != 111b" },
    { KMOVW, TS, 0xe7, SIMD_STATE_NM, "CR0.TS" },
    /* VEX-encoded GPR instructions (BMI1): Type 13, only the prefix's mode rule */
    { ANDN, TS, 0xe7, SIMD_STATE_OK, "BMI1 does not use the FPU state" },
    { ANDN, NO_OSXSAVE, 0x01, SIMD_STATE_OK, "BMI1 does not look at XCR0" },
    { ANDN16, REAL, 0xe7, SIMD_STATE_UD, "the VEX prefix in real mode" },
    { ANDN16, V86, 0xe7, SIMD_STATE_UD, "vol. 2A §2.5: not in virtual-8086 mode" },
    { ANDN16, 0, 0xe7, SIMD_STATE_OK, "16-bit protected mode runs VEX" },
    /* EVEX: Table 2-37: XCR0[7:5] = 111b and XCR0[2:1] = 11b, CR4.OSXSAVE */
    { EVMOVUPS, 0, 0xe7, SIMD_STATE_OK, "Linux state" },
    { EVMOVUPS, 0, 0x07, SIMD_STATE_UD, "Table 2-37: no opmask/ZMM state" },
    { EVMOVUPS, 0, 0xa7, SIMD_STATE_UD, "Table 2-37: XCR0[6] clear" },
    { EVMOVUPS, 0, 0xc7, SIMD_STATE_UD, "Table 2-37: XCR0[5] clear" },
    { EVMOVUPS, 0, 0xe3, SIMD_STATE_UD, "Table 2-37: XCR0[2] clear" },
    { EVMOVUPS, EM, 0xe7, SIMD_STATE_OK, "CR0.EM does not apply" },
    { EVMOVUPS, TS, 0x07, SIMD_STATE_UD, "#UD before #NM" },
    { EVMOVUPS, TS, 0xe7, SIMD_STATE_NM, "CR0.TS" },
    /* instructions without vector state */
    { MOV, EM | TS | PENDING, 0x01, SIMD_STATE_OK, "no FPU/SIMD state" },
};

static struct simd_state state_of(const struct state_vector *v)
{
    struct simd_state s = {
        .cr0 = CR0_LINUX, .cr4 = CR4_LINUX, .xcr0 = v->xcr0, .protected_mode = true
    };
    s.cr0 |= (v->changes & EM ? SIMD_CR0_EM : 0) | (v->changes & TS ? SIMD_CR0_TS : 0);
    s.cr4 &= ~(uint64_t)((v->changes & NO_OSFXSR ? SIMD_CR4_OSFXSR : 0) |
                         (v->changes & NO_OSXSAVE ? SIMD_CR4_OSXSAVE : 0));
    /* the x87 rule (x87_exception_pending): a flag whose mask is clear, whatever ES says */
    s.fcw = v->changes & (PENDING | FLAG_NO_ES) ? 0x037e : 0x037f;
    s.fsw = v->changes & (PENDING | ES_MASKED) ? 0x8081 : v->changes & FLAG_NO_ES ? 0x0001 : 0;
    if (v->changes & REAL) {
        s.cr0 &= ~UINT64_C(0x80000001);
        s.protected_mode = false;
    }
    s.v86 = v->changes & V86;
    return s;
}

static bool decoded(const uint8_t *bytes, unsigned length, unsigned bits, struct insn *in)
{
    enum cpu_mode mode = bits == 64 ? MODE_64 : bits == 32 ? MODE_32 : MODE_16;
    return decode_insn(mode, bytes, length, in) == DECODE_OK;
}

static void state_checks(void)
{
    static const char *const names[] = { "OK", "#UD", "#NM", "#MF" };
    for (unsigned i = 0; i < sizeof state_vectors / sizeof state_vectors[0]; i++) {
        const struct state_vector *v = &state_vectors[i];
        struct simd_state s = state_of(v);
        struct insn in;
        if (!decoded(v->bytes, v->length, v->bits, &in)) {
            CHECK(false, "%s does not decode", v->insn);
            continue;
        }
        for (unsigned vendor = 0; vendor < 2; vendor++) {
            enum simd_check_result got =
                simd_check_state(&s, &in, simd_profile_of((uint8_t)vendor));
            CHECK(got == v->want, "%s, state change 0x%x, XCR0 0x%llx: %s, want %s (%s)", v->insn,
                  v->changes, (unsigned long long)v->xcr0, names[got], names[v->want], v->source);
        }
    }
}

/* ---- the vendor rows, pinned ---- */

struct move_case {
    struct insn in;
    const struct simd_move_row *row;
    struct vec_move m;
    struct simd_move_operands ops;
};

static bool move_of(const char *what, const uint8_t *bytes, unsigned length, struct move_case *c)
{
    memset(c, 0, sizeof *c);
    if (!decoded(bytes, length, 64, &c->in) || !(c->row = simd_move_row(c->in.mnemonic)) ||
        !simd_move_geometry(&c->in, c->row, &c->m, &c->ops)) {
        CHECK(false, "%s: no move geometry", what);
        return false;
    }
    return true;
}

static const struct vendor_vector {
    const char *what;
    uint8_t bytes[8];
    unsigned length;
    uint64_t mask; /* the opmask's value, or MSBs of `other` for MASKMOV (all ones: none) */
    bool mxcsr_mm;
    unsigned amd_align, intel_align, amd_ac, intel_ac;
    uint64_t amd_checked, intel_checked;
    const char *source;
} vendor_vectors[] = {
    { "vmovdqu32 zmm0, [rax]",
      { 0x62, 0xf1, 0x7e, 0x48, 0x6f, 0x00 },
      6,
      ~0ull,
      false,
      0,
      0,
      16,
      0,
      ~0ull,
      ~0ull,
      "AMD M3: 64-byte access, 16-byte #AC unit; Intel vol. 1: never" },
    { "vmovdqu32 zmm0{k1=1}, [rax]",
      { 0x62, 0xf1, 0x7e, 0x49, 0x6f, 0x00 },
      6,
      1,
      false,
      0,
      0,
      4,
      0,
      0xf,
      0xf,
      "AMD M4: the enabled element's alignment; Intel: a 64-byte reference" },
    { "vmovdqu8 zmm0{k1=3}, [rax]",
      { 0x62, 0xf1, 0x7f, 0x49, 0x6f, 0x00 },
      6,
      3,
      false,
      0,
      0,
      1,
      0,
      0x3,
      0x3,
      "AMD M4: byte elements are never misaligned" },
    { "movdqu xmm0, [rax]",
      { 0xf3, 0x0f, 0x6f, 0x00 },
      4,
      ~0ull,
      false,
      0,
      0,
      16,
      0,
      0xffff,
      0xffff,
      "AMD M3: #AC at 8; Intel vol. 3A §6.15: may or may not (taken as not)" },
    { "movq xmm0, [rax]",
      { 0xf3, 0x0f, 0x7e, 0x00 },
      4,
      ~0ull,
      false,
      0,
      0,
      8,
      8,
      0xff,
      0xff,
      "8-byte access: natural alignment on both" },
    { "vbroadcastss ymm0, [rax]",
      { 0xc4, 0xe2, 0x7d, 0x18, 0x00 },
      5,
      ~0ull,
      false,
      0,
      0,
      4,
      4,
      0xf,
      0xf,
      "4-byte access: natural alignment" },
    { "vmaskmovps ymm0, ymm1, [rax]",
      { 0xc4, 0xe2, 0x75, 0x2c, 0x00 },
      5,
      ~0ull,
      false,
      0,
      0,
      0,
      0,
      0,
      0,
      "Table 2-15 (**): no alignment check (the mask register here is all zero)" },
    { "vpcompressd [rax]{k1=3}, zmm0",
      { 0x62, 0xf2, 0x7d, 0x49, 0x8b, 0x00 },
      6,
      3,
      false,
      0,
      0,
      4,
      0,
      0xff,
      0xff,
      "AMD M3: element alignment; the first two elements packed" },
    { "vmovaps zmm0{k1=0}, [rax]",
      { 0x62, 0xf1, 0x7c, 0x49, 0x28, 0x00 },
      6,
      0,
      false,
      0,
      64,
      4,
      0,
      0,
      0,
      "AMD M5: no #GP with no element enabled; Intel Type E1: #GP (no byte checked)" },
    { "vmovaps zmm0{k1=1}, [rax]",
      { 0x62, 0xf1, 0x7c, 0x49, 0x28, 0x00 },
      6,
      1,
      false,
      64,
      64,
      4,
      0,
      0xf,
      0xf,
      "Type E1: 64-byte alignment" },
    { "movshdup xmm0, [rax] MXCSR.MM",
      { 0xf3, 0x0f, 0x16, 0x00 },
      4,
      ~0ull,
      true,
      0,
      16,
      16,
      0,
      0xffff,
      0xffff,
      "AMD M1: MM lifts the Type 4 alignment; Intel has no MM" },
    { "movshdup xmm0, [rax]",
      { 0xf3, 0x0f, 0x16, 0x00 },
      4,
      ~0ull,
      false,
      16,
      16,
      16,
      0,
      0xffff,
      0xffff,
      "Type 4 legacy SSE: 16-byte alignment (M2)" },
    { "movaps xmm0, [rax] MXCSR.MM",
      { 0x0f, 0x28, 0x00 },
      3,
      ~0ull,
      true,
      16,
      16,
      16,
      0,
      0xffff,
      0xffff,
      "AMD M1: MM does not lift Type 1" },
    { "vmovshdup xmm0, [rax]",
      { 0xc5, 0xfa, 0x16, 0x00 },
      4,
      ~0ull,
      false,
      0,
      0,
      16,
      0,
      0xffff,
      0xffff,
      "VEX Type 4: no alignment rule" },
    { "maskmovdqu xmm0, xmm1 (mask 0)",
      { 0x66, 0x0f, 0xf7, 0xc1 },
      4,
      0,
      false,
      0,
      0,
      8,
      0,
      0xffff,
      0,
      "AMD M7: checked with a zero mask, #AC by 8; Intel: may, taken as not" },
    { "maskmovdqu xmm0, xmm1 (byte 0)",
      { 0x66, 0x0f, 0xf7, 0xc1 },
      4,
      1,
      false,
      0,
      0,
      8,
      0,
      0xffff,
      0xffff,
      "AMD M7: the whole 16 bytes; Intel: Type 4's memory operand" },
    { "vmovdqu32 zmm0{k1=ffff}, [rax]",
      { 0x62, 0xf1, 0x7e, 0x49, 0x6f, 0x00 },
      6,
      0xffff,
      false,
      0,
      0,
      4,
      0,
      ~0ull,
      ~0ull,
      "AMD measured: an opmask, even all ones, #AC by element" },
    { "vpcompressd [rax], zmm0",
      { 0x62, 0xf2, 0x7d, 0x48, 0x8b, 0x00 },
      6,
      ~0ull,
      false,
      0,
      0,
      4,
      0,
      ~0ull,
      ~0ull,
      "AMD measured: compress stores #AC by element, unmasked too" },
    { "vpmovzxbw zmm0{k1=1}, [rax]",
      { 0x62, 0xf2, 0x7d, 0x49, 0x30, 0x00 },
      6,
      1,
      false,
      0,
      0,
      1,
      0,
      0x1,
      0x1,
      "AMD measured: masked, by the memory element (a byte: never)" },
    { "vpmovzxbw zmm0, [rax]",
      { 0x62, 0xf2, 0x7d, 0x48, 0x30, 0x00 },
      6,
      ~0ull,
      false,
      0,
      0,
      16,
      0,
      ~0ull,
      ~0ull,
      "AMD measured: unmasked 32-byte access, 16" },
    { "vextractf32x4 [rax]{k1=1}, zmm0, 0",
      { 0x62, 0xf3, 0x7d, 0x49, 0x19, 0x00, 0x00 },
      7,
      1,
      false,
      0,
      0,
      16,
      0,
      0xffff,
      0xffff,
      "E6NF: the whole operand checked (M10)" },
    { "vmovups zmm0{k1=1}, [rax]",
      { 0x62, 0xf1, 0x7c, 0x49, 0x10, 0x00 },
      6,
      1,
      false,
      0,
      0,
      4,
      0,
      0xf,
      0xf,
      "E4: only the enabled element (M7, M10)" },
};

/* MASKMOV's mask is `other`'s byte MSBs: bit i of mask -> byte i of other. */
static void set_mask(struct move_case *c, uint64_t mask)
{
    if (c->row->shape != SHAPE_MASKMOV && c->row->shape != SHAPE_VMASKMOV) {
        c->m.mask = mask;
        return;
    }
    for (unsigned i = 0; i < VEC_BYTES; i++)
        c->m.other[i] = c->row->shape == SHAPE_MASKMOV && ((mask >> i) & 1) ? 0x80 : 0;
}

static void vendor_rows(void)
{
    for (unsigned i = 0; i < sizeof vendor_vectors / sizeof vendor_vectors[0]; i++) {
        const struct vendor_vector *v = &vendor_vectors[i];
        struct move_case c;
        if (!move_of(v->what, v->bytes, v->length, &c))
            continue;
        set_mask(&c, v->mask);
        for (unsigned amd = 0; amd < 2; amd++) {
            const struct simd_profile *p =
                simd_profile_of(amd ? WHVEMU_VENDOR_AMD : WHVEMU_VENDOR_INTEL);
            uint64_t on = vec_move_elements(&c.m);
            unsigned align = simd_move_alignment(p, c.row, &c.in, &c.m, v->mxcsr_mm, on);
            unsigned ac = simd_move_ac_unit(p, c.row, &c.m, c.ops.opmask != 0);
            uint64_t checked = simd_move_checked_bytes(p, c.row, &c.m);
            uint64_t want_checked = amd ? v->amd_checked : v->intel_checked;
            want_checked &= c.m.mem_bytes >= 64 ? ~0ull : (1ull << c.m.mem_bytes) - 1;
            CHECK(align == (amd ? v->amd_align : v->intel_align), "%s %s: alignment %u (%s)",
                  amd ? "AMD" : "Intel", v->what, align, v->source);
            CHECK(ac == (amd ? v->amd_ac : v->intel_ac), "%s %s: #AC unit %u (%s)",
                  amd ? "AMD" : "Intel", v->what, ac, v->source);
            CHECK(checked == want_checked, "%s %s: checked bytes 0x%llx (%s)",
                  amd ? "AMD" : "Intel", v->what, (unsigned long long)checked, v->source);
        }
    }
}

/* The rows' other fields, pinned with the manuals' and the measurements' words. */
static void vendor_flags(void)
{
    const struct simd_profile *amd = simd_profile_of(WHVEMU_VENDOR_AMD);
    const struct simd_profile *intel = simd_profile_of(WHVEMU_VENDOR_INTEL);
    static const uint8_t w1_pextrd[] = { 0xc4, 0xe3, 0xf9, 0x16, 0x00, 0x01 };
    static const uint8_t w0_pextrd[] = { 0xc4, 0xe3, 0x79, 0x16, 0x00, 0x01 };
    static const uint8_t evex_w1_pextrd[] = { 0x62, 0xf3, 0xfd, 0x08, 0x16, 0x00, 0x01 };
    struct simd_state s = { .cr0 = CR0_LINUX, .cr4 = CR4_LINUX, .xcr0 = 0xe7, .protected_mode = 1 };
    struct insn in;

    CHECK(amd->maskmovq_transition_at_fault && !intel->maskmovq_transition_at_fault,
          "MASKMOVQ's MMX transition at a fault: AMD measured, Intel precise");
    CHECK(simd_profile_of(WHVEMU_VENDOR_HOST) == intel, "a vendor other than AMD is Intel's row");
    CHECK_EQ(simd_gather_completed(0xf, 2), 0x3, "gather faulting at element 2 of 0-3");
    CHECK_EQ(simd_gather_completed(0xa, 3), 0x2, "only enabled elements below the fault");
    /* VEX.W1 VPEXTRD outside 64-bit mode: AMD #UD (measured), Intel runs it as W0 (SDM) */
    for (unsigned bits = 16; bits <= 32; bits *= 2) {
        CHECK(decoded(w1_pextrd, sizeof w1_pextrd, bits, &in), "VEX.W1 VPEXTRD decodes");
        CHECK(simd_check_state(&s, &in, amd) == SIMD_STATE_UD, "AMD VEX.W1 VPEXTRD %u-bit", bits);
        CHECK(simd_check_state(&s, &in, intel) == SIMD_STATE_OK, "Intel VEX.W1 VPEXTRD %u-bit",
              bits);
        CHECK(decoded(w0_pextrd, sizeof w0_pextrd, bits, &in) &&
                  simd_check_state(&s, &in, amd) == SIMD_STATE_OK,
              "AMD VEX.W0 VPEXTRD %u-bit runs", bits);
        CHECK(decoded(evex_w1_pextrd, sizeof evex_w1_pextrd, bits, &in) &&
                  simd_check_state(&s, &in, amd) == SIMD_STATE_OK,
              "AMD EVEX.W1 VPEXTRD %u-bit runs (measured)", bits);
    }
    CHECK(decoded(w1_pextrd, sizeof w1_pextrd, 64, &in) && in.mnemonic == MN_vpextrq &&
              simd_check_state(&s, &in, amd) == SIMD_STATE_OK,
          "VEX.W1 in 64-bit code is VPEXTRQ");
}

/* AVX512-FP16 moves, which this host cannot run (decoding, geometry, the element moved and
 * the masking; the zeroing above bit 127 is the register write's, VREG_ZERO_UPPER). Intel
 * AVX512-FP16 Architecture Specification, VMOVSH "Operation": the load writes bits 15:0
 * under k1 (merging or zeroing) and zeroes 127:16; the store writes 16 bits when k1[0] is
 * set. VMOVW: the load zero-extends 16 bits to 128, the store writes bits 15:0. */
static void fp16_moves(void)
{
    static const uint8_t load_sh[] = { 0x62, 0xf5, 0x7e, 0x89, 0x10, 0x00 };  /* {k1}{z} */
    static const uint8_t store_sh[] = { 0x62, 0xf5, 0x7e, 0x09, 0x11, 0x00 }; /* {k1} */
    static const uint8_t load_w[] = { 0x62, 0xf5, 0x7d, 0x08, 0x6e, 0x00 };
    static const uint8_t store_w[] = { 0x62, 0xf5, 0x7d, 0x08, 0x7e, 0x00 };
    struct move_case c;
    uint8_t dest[VEC_BYTES], want[VEC_BYTES];

    if (move_of("vmovsh xmm0{k1}{z}, [rax]", load_sh, sizeof load_sh, &c)) {
        CHECK(c.m.element == 2 && c.m.mem_bytes == 2 && c.m.reg_bytes == 16 && c.m.zeroing &&
                  c.ops.opmask == 1 && !c.m.store,
              "vmovsh load geometry");
        memset(c.m.reg, 0x11, VEC_BYTES);
        c.m.mem[0] = 0x34, c.m.mem[1] = 0x12;
        memset(want, 0, VEC_BYTES);
        c.m.mask = 0;
        vec_move_load(&c.m, dest);
        CHECK(memcmp(dest, want, VEC_BYTES) == 0 && vec_move_enable(&c.m) == 0,
              "vmovsh {k1=0}{z}: all zero, no access");
        c.m.mask = 1;
        want[0] = 0x34, want[1] = 0x12;
        vec_move_load(&c.m, dest);
        CHECK(memcmp(dest, want, VEC_BYTES) == 0 && vec_move_enable(&c.m) == 3,
              "vmovsh {k1=1}: the word, zeros above");
    }
    if (move_of("vmovsh [rax]{k1}, xmm0", store_sh, sizeof store_sh, &c)) {
        memset(c.m.reg, 0x5a, VEC_BYTES);
        c.m.mask = 0;
        CHECK(c.m.store && vec_move_enable(&c.m) == 0, "vmovsh store {k1=0}: nothing written");
        c.m.mask = 1;
        vec_move_store(&c.m);
        CHECK(vec_move_enable(&c.m) == 3 && c.m.mem[0] == 0x5a && c.m.mem[1] == 0x5a,
              "vmovsh store {k1=1}: two bytes");
    }
    if (move_of("vmovw xmm0, [rax]", load_w, sizeof load_w, &c)) {
        memset(c.m.reg, 0x11, VEC_BYTES);
        memset(want, 0, VEC_BYTES);
        c.m.mem[0] = want[0] = 0xcd, c.m.mem[1] = want[1] = 0xab;
        vec_move_load(&c.m, dest);
        CHECK(c.row->fs == FS_NO_MASK && memcmp(dest, want, VEC_BYTES) == 0,
              "vmovw load: zero-extended word");
    }
    if (move_of("vmovw [rax], xmm0", store_w, sizeof store_w, &c)) {
        memset(c.m.reg, 0x77, VEC_BYTES);
        vec_move_store(&c.m);
        CHECK(c.m.store && vec_move_enable(&c.m) == 3 && c.m.mem[1] == 0x77, "vmovw store: a word");
    }
}

/* simd_need: which XSAVE components an instruction takes (docs/extended-state.md); the
 * rules are the SDM's register-write rules (vol. 1 §15.1), written out per form. */
static void state_needed(void)
{
    static const struct {
        const char *what;
        uint8_t bytes[8];
        unsigned length;
        uint64_t xcr0, need;
    } cases[] = {
        { "movdqu xmm1, [rax]", { 0xf3, 0x0f, 0x6f, 0x08 }, 4, 0xe7, XS_SSE },
        { "movdqu [rax], xmm1", { 0xf3, 0x0f, 0x7f, 0x08 }, 4, 0xe7, XS_SSE },
        { "movq mm1, [rax]", { 0x0f, 0x6f, 0x08 }, 3, 0xe7, XS_X87 },
        { "vmovdqu [rax], xmm1", { 0xc5, 0xfa, 0x7f, 0x08 }, 4, 0xe7, XS_SSE },
        { "vmovd eax, xmm1", { 0xc5, 0xf9, 0x7e, 0xc8 }, 4, 0xe7, XS_SSE },
        { "vmovdqu xmm1, [rax] (AVX)", { 0xc5, 0xfa, 0x6f, 0x08 }, 4, 0x7, XS_SSE | XS_AVX },
        { "vmovdqu xmm1, [rax] (AVX-512)",
          { 0xc5, 0xfa, 0x6f, 0x08 },
          4,
          0xe7,
          XS_SSE | XS_AVX | XS_ZMM_HI256 },
        { "vmovdqu [rax], ymm1", { 0xc5, 0xfe, 0x7f, 0x08 }, 4, 0xe7, XS_SSE | XS_AVX },
        { "vmovdqu32 zmm1, [rax]",
          { 0x62, 0xf1, 0x7e, 0x48, 0x6f, 0x08 },
          6,
          0xe7,
          XS_SSE | XS_AVX | XS_ZMM_HI256 },
        { "vmovdqu32 zmm17{k1}, [rax]",
          { 0x62, 0xe1, 0x7e, 0x49, 0x6f, 0x08 },
          6,
          0xe7,
          XS_SSE | XS_HI16_ZMM | XS_OPMASK },
        { "kmovw k1, [rax]", { 0xc5, 0xf8, 0x90, 0x08 }, 4, 0xe7, XS_OPMASK },
        { "mov eax, [rax]", { 0x8b, 0x00 }, 2, 0xe7, 0 },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct insn in;
        uint64_t need;
        CHECK(decoded(cases[i].bytes, cases[i].length, 64, &in), "%s: decoded", cases[i].what);
        need = simd_need(&in, cases[i].xcr0);
        CHECK(need == cases[i].need, "%s: need 0x%llx, want 0x%llx", cases[i].what,
              (unsigned long long)need, (unsigned long long)cases[i].need);
    }
}

/* The operand layer: vector, MMX and opmask register operands, vector memory operands up to
 * 64 bytes, and the state registers prefetched for the checks (not for VEX GPR forms). */
static void vector_operands(void)
{
    static const uint8_t evex[] = {
        0x62, 0xe1, 0x7e, 0x49, 0x6f, 0x08
    };                                                              /* vmovdqu32 zmm17{k1}, [rax] */
    static const uint8_t mmx[] = { 0x0f, 0x7f, 0x08 };              /* movq [rax], mm1 */
    static const uint8_t kmov[] = { 0xc5, 0xf8, 0x92, 0xc8 };       /* kmovw k1, eax */
    static const uint8_t andn[] = { 0xc4, 0xe2, 0x78, 0xf2, 0x00 }; /* andn eax, eax, [rax] */
    static const uint8_t maskmovq[] = { 0x0f, 0xf7, 0xca };         /* maskmovq mm1, mm2 */
    struct operand ops[MAX_OPERANDS];
    struct vcpu cpu;
    struct insn in;
    uint64_t state = REG_BIT(R_CR0) | REG_BIT(R_CR4);

    memset(&cpu, 0, sizeof cpu);
    cpu.code_mode = MODE_64;
    CHECK(decoded(evex, sizeof evex, 64, &in), "evex decoded");
    operands_describe(&in, ops);
    CHECK(ops[0].type == OPT_VEC && ops[0].reg == 17 && ops[0].size == 64, "zmm17: %u %u %u",
          ops[0].type, ops[0].reg, ops[0].size);
    CHECK(ops[1].type == OPT_MEM && ops[1].size == 64, "m512: %u %u", ops[1].type, ops[1].size);
    CHECK((operands_regs(&cpu, &in) & (state | REG_BIT(R_XCR0))) == (state | REG_BIT(R_XCR0)),
          "EVEX prefetches CR0, CR4, XCR0");
    CHECK(decoded(mmx, sizeof mmx, 64, &in), "movq decoded");
    operands_describe(&in, ops);
    CHECK(ops[0].type == OPT_MEM && ops[0].size == 8 && ops[1].type == OPT_MMX && ops[1].reg == 1,
          "movq [rax], mm1");
    CHECK((operands_regs(&cpu, &in) & REG_BIT(R_FP_CONTROL_STATUS)) &&
              !(operands_regs(&cpu, &in) & REG_BIT(R_XCR0)),
          "MMX prefetches FSW, not XCR0");
    CHECK(decoded(kmov, sizeof kmov, 64, &in), "kmovw decoded");
    operands_describe(&in, ops);
    CHECK(ops[0].type == OPT_KMASK && ops[0].reg == 1, "kmovw k1");
    CHECK(decoded(andn, sizeof andn, 64, &in), "andn decoded");
    CHECK(!(operands_regs(&cpu, &in) & (state | REG_BIT(R_XCR0))), "BMI1 prefetches no state");
    CHECK(decoded(maskmovq, sizeof maskmovq, 64, &in), "maskmovq decoded");
    CHECK(operands_regs(&cpu, &in) & REG_BIT(R_RDI), "MASKMOVQ prefetches rDI");
}

int main(void)
{
    state_needed();
    vector_operands();
    state_checks();
    vendor_rows();
    vendor_flags();
    fp16_moves();
    return check_summary();
}
