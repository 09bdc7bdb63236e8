/* SIMD computation run on the host (docs/simd-compute.md), end to end through the API, for
 * the engine's own paths that the native differential (tests/diff) cannot reach: the option
 * off, a host that lacks the row's feature (the test hook of core/cpuid.h), a nested use on
 * the same thread (the page held, as by an interrupted emulation) — each InternalEmulation-
 * Failure with the guest untouched: no memory access, no Set — and the stub cache: stubs
 * that share a slot evict each other and still compute what the CPU computes. Results are
 * compared with the same instruction run natively here. */
#include <string.h>

#include "check.h"
#include "core/cpuid.h"
#include "exec/simd_compute.h"
#include "fixture.h"
#include "hostcpu.h"
#include "whvemu.h"

enum {
    CR0_PE_MP_NE_PG = 0x80000023,
    CR4_PAE_OSFXSR = 0x220,
    OPERAND = 0x1000, /* [rbx] */
};

static const uint64_t xmm0_in[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
static const uint64_t operand_in[2] = { 0x1111111122222222ull, 0x80000000ffffffffull };

/* Whether this build and host run stubs needing `features`; if not, a case is skipped. */
static bool stubs_run(uint32_t features)
{
    if (simd_host_compiled() && cpuid_simd_has(features))
        return true;
    host_skip_for("host SIMD stubs (not built, or the host lacks the feature)", 1);
    return false;
}

/* PADDD xmm0, [rbx] on the API's guest; xmm0 and the operand as above. */
static WHV_EMULATOR_STATUS run_paddd(WHV_EMULATOR_HANDLE h)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x66\x0f\xfe\x03", 4, OPERAND, 0);
    WHV_EMULATOR_STATUS st = { 0 };

    guest_long_mode(&vp);
    guest_write(&g, OPERAND, (const uint8_t *)operand_in, 16);
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = OPERAND;
    guest_reg(&g, WHvX64RegisterCr0)->Reg64 = CR0_PE_MP_NE_PG;
    guest_reg(&g, WHvX64RegisterCr4)->Reg64 = CR4_PAE_OSFXSR;
    guest_reg(&g, WHvX64RegisterXmm0)->Reg128.Low64 = xmm0_in[0];
    guest_reg(&g, WHvX64RegisterXmm0)->Reg128.High64 = xmm0_in[1];
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "paddd: hr");
    return st;
}

/* What the CPU computes. */
static void native_paddd(uint64_t out[2])
{
    memcpy(out, xmm0_in, 16);
    __asm__("movdqu %0, %%xmm0\n\tpaddd %1, %%xmm0\n\tmovdqu %%xmm0, %0"
            : "+m"(*(uint64_t(*)[2])out)
            : "m"(*(const uint64_t(*)[2])operand_in)
            : "xmm0");
}

static void check_emulated(WHV_EMULATOR_STATUS st, const char *what)
{
    uint64_t want[2];
    const WHV_UINT128 *x = &guest_reg(&g, WHvX64RegisterXmm0)->Reg128;

    native_paddd(want);
    CHECK_EQ(st.AsUINT32, 1, what);
    CHECK(x->Low64 == want[0] && x->High64 == want[1], "%s: xmm0 as the CPU computes", what);
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401004, what);
}

/* InternalEmulationFailure before any callback with a side effect: no access, no Set. */
static void check_untouched(WHV_EMULATOR_STATUS st, const char *what)
{
    const WHV_UINT128 *x = &guest_reg(&g, WHvX64RegisterXmm0)->Reg128;

    CHECK(st.InternalEmulationFailure && !st.EmulationSuccessful, "%s: unsupported", what);
    CHECK_EQ(g.calls[GUEST_CB_MEMORY] + g.calls[GUEST_CB_SET_REGISTERS], 0, what);
    CHECK(x->Low64 == xmm0_in[0] && x->High64 == xmm0_in[1], "%s: xmm0 untouched", what);
}

TEST(option_host_simd)
{
    WHV_EMULATOR_HANDLE h = create();
    uint64_t value = 7;

    CHECK(whvemu_get_option(h, WHVEMU_OPTION_HOST_SIMD, &value) == S_OK &&
              value == WHVEMU_HOST_SIMD_AUTO,
          "AUTO by default");
    CHECK(whvemu_set_option(h, WHVEMU_OPTION_HOST_SIMD, 2) == E_INVALIDARG, "2 is no value");
    if (!stubs_run(CPU_SSE2)) {
        WHvEmulatorDestroyEmulator(h);
        return;
    }
    check_emulated(run_paddd(h), "AUTO");
    CHECK(whvemu_set_option(h, WHVEMU_OPTION_HOST_SIMD, WHVEMU_HOST_SIMD_OFF) == S_OK, "OFF");
    check_untouched(run_paddd(h), "OFF");
    CHECK(whvemu_set_option(h, WHVEMU_OPTION_HOST_SIMD, WHVEMU_HOST_SIMD_AUTO) == S_OK, "AUTO");
    check_emulated(run_paddd(h), "AUTO again");
    WHvEmulatorDestroyEmulator(h);
}

/* The feature column: a host without SSE2 (pretended) is never asked to run PADDD. */
TEST(host_lacks_the_feature)
{
    WHV_EMULATOR_HANDLE h = create();

    if (!stubs_run(CPU_SSE2)) {
        WHvEmulatorDestroyEmulator(h);
        return;
    }
    cpuid_simd_hide(CPU_SSE2);
    check_untouched(run_paddd(h), "SSE2 hidden");
    cpuid_simd_hide(0);
    check_emulated(run_paddd(h), "SSE2 back");
    WHvEmulatorDestroyEmulator(h);
}

/* ---- AVX512-FP16 and VP2INTERSECT on a host without them ----
 * Every row of the two features, as our decoder finds it in EVEX maps 0F38, 0F3A, 5 and 6,
 * on a host that lacks them — this one, or one that has them with
 * the features hidden by the cpuid test hook — is InternalEmulationFailure with the guest
 * untouched: no memory access, no Set. */

static bool unrunnable_row(const struct insn *in, const struct simd_compute_row *row)
{
    uint32_t set = row ? simd_compute_feature(in, row) : SIMD_FEATURE_NONE;
    return set != SIMD_FEATURE_NONE && (set & (CPU_AVX512FP16 | CPU_AVX512VP2INTERSECT));
}

/* EVEX with the map, W and pp, L'L 2, no mask, vvvv unused; ModRM reg 1, [rbx]; imm8 0. */
static bool evex_form(unsigned map, unsigned w, unsigned pp, unsigned opcode, char bytes[8],
                      struct insn *in)
{
    const char b[8] = {
        0x62, (char)(0xf0 | map), (char)(w << 7 | 0x7c | pp), 0x48, (char)opcode, 0x0b, 0x00, 0
    };

    memcpy(bytes, b, sizeof b);
    return decode_insn(MODE_64, (const uint8_t *)b, 7, in) == DECODE_OK;
}

static void check_declined(const char *bytes, unsigned length, const struct insn *in)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context(bytes, length, OPERAND, 0);
    WHV_EMULATOR_STATUS st = { 0 };
    WHV_UINT128 xmm1;

    guest_long_mode(&vp);
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = OPERAND;
    guest_reg(&g, WHvX64RegisterXmm1)->Reg128.Low64 = xmm0_in[0];
    xmm1 = guest_reg(&g, WHvX64RegisterXmm1)->Reg128;
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "%s: hr",
          mnemonic_name(in->mnemonic));
    CHECK(st.InternalEmulationFailure && !st.EmulationSuccessful &&
              g.calls[GUEST_CB_MEMORY] + g.calls[GUEST_CB_SET_REGISTERS] == 0 &&
              !memcmp(&xmm1, &guest_reg(&g, WHvX64RegisterXmm1)->Reg128, sizeof xmm1),
          "%s: declined, the guest untouched", mnemonic_name(in->mnemonic));
    WHvEmulatorDestroyEmulator(h);
}

TEST(fp16_and_vp2intersect_need_their_feature)
{
    static const uint8_t maps[] = { 2, 3, 5, 6 }; /* 0F38, 0F3A, map 5, map 6 */
    bool declined[MN_COUNT] = { false };
    unsigned rows = 0, reached = 0;

    cpuid_simd_hide(CPU_AVX512FP16 | CPU_AVX512VP2INTERSECT);
    for (unsigned i = 0; i < sizeof maps; i++)
        for (unsigned op = 0; op < 256; op++)
            for (unsigned wpp = 0; wpp < 8; wpp++) {
                char bytes[8];
                struct insn in;
                if (!evex_form(maps[i], wpp >> 2, wpp & 3, op, bytes, &in) ||
                    !unrunnable_row(&in, simd_compute_row(in.mnemonic)))
                    continue;
                check_declined(bytes, 7, &in);
                declined[in.mnemonic] = true;
            }
    cpuid_simd_hide(0);
    for (unsigned mn = 0; mn < MN_COUNT; mn++) {
        const struct simd_compute_row *row = simd_compute_row((enum mnemonic)mn);
        bool wanted = row && row->evex != SIMD_FEATURE_NONE &&
                      (row->evex & (CPU_AVX512FP16 | CPU_AVX512VP2INTERSECT));
        rows += wanted;
        reached += wanted && declined[mn];
    }
    printf("AVX512-FP16/VP2INTERSECT, features hidden: %u of %u rows declined, the guest "
           "untouched\n",
           reached, rows);
    CHECK(rows > 0 && reached == rows, "every row of the two features is reached");
}

/* A use of the page while this thread holds it (a signal handler emulating inside another
 * emulation's stub use) is refused, not allowed to overwrite the held stub. */
TEST(nested_use_is_refused)
{
    WHV_EMULATOR_HANDLE h = create();
    uint8_t code[SIMD_STUB_BYTES];

    if (!stubs_run(CPU_SSE2)) {
        WHvEmulatorDestroyEmulator(h);
        return;
    }
    memset(code, 0xcc, sizeof code);
    code[0] = 0xc3; /* RET */
    CHECK(simd_host_acquire(code) != NULL, "the outer use holds the page");
    check_untouched(run_paddd(h), "nested");
    simd_host_release();
    check_emulated(run_paddd(h), "after the release");
    WHvEmulatorDestroyEmulator(h);
}

/* An MMX form runs on an FXSAVE image of its own: the guest gets the CPU's result and the
 * MMX transition (abridged FTW FFH, TOS 0), and this thread's own x87 state — a control
 * word set here, the stack top — is as it was. */
TEST(mmx_form_keeps_the_host_x87_state)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x0f\xfc\x03", 3, OPERAND, 0); /* paddb */
    WHV_EMULATOR_STATUS st = { 0 };
    const uint16_t host_fcw = 0x027f;
    uint16_t fcw_after, fsw_before, fsw_after;
    uint64_t want = 0x0123456789abcdefull;

    if (!stubs_run(CPU_SSE2)) {
        WHvEmulatorDestroyEmulator(h);
        return;
    }
    guest_long_mode(&vp);
    guest_write(&g, OPERAND, (const uint8_t *)operand_in, 8);
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = OPERAND;
    guest_reg(&g, WHvX64RegisterCr0)->Reg64 = CR0_PE_MP_NE_PG;
    guest_reg(&g, WHvX64RegisterFpMmx0)->Reg128.Low64 = want;
    guest_reg(&g, WHvX64RegisterFpControlStatus)->FpControlStatus.FpControl = 0x037f;
    __asm__ volatile("fldcw %1\n\tfnstsw %0" : "=m"(fsw_before) : "m"(host_fcw));
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "paddb mm0: hr");
    __asm__ volatile("fnstcw %0\n\tfnstsw %1" : "=m"(fcw_after), "=m"(fsw_after));
    __asm__("movq %0, %%mm0\n\tpaddb %1, %%mm0\n\tmovq %%mm0, %0\n\temms"
            : "+m"(want)
            : "m"(operand_in[0])
            : "mm0");
    CHECK_EQ(st.AsUINT32, 1, "paddb mm0, [rbx]");
    CHECK(guest_reg(&g, WHvX64RegisterFpMmx0)->Reg128.Low64 == want, "mm0 as the CPU computes");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterFpControlStatus)->FpControlStatus.FpTag, 0xff,
             "the MMX transition: every tag valid");
    CHECK(fcw_after == host_fcw && fsw_after == fsw_before, "the host's x87 state is kept");
    __asm__ volatile("fninit");
    WHvEmulatorDestroyEmulator(h);
}

/* ---- the stub cache ---- */

/* A shuffle's stub as the encoder builds it: `id` 0-255 PSHUFD xmm0, [rdi], id; 256-511
 * VPSHUFD xmm0, [rdi], id - 256 (the same low 128 bits; the bytes differ, and so may the
 * slot). */
static bool pshufd_stub(unsigned id, uint8_t code[SIMD_STUB_BYTES])
{
    const uint8_t legacy[] = { 0x66, 0x0f, 0x70, 0x03, (uint8_t)id }; /* pshufd [rbx] */
    const uint8_t vex[] = { 0xc5, 0xf9, 0x70, 0x03, (uint8_t)id };    /* vpshufd xmm0, [rbx] */
    struct insn in;

    return decode_insn(MODE_64, id < 256 ? legacy : vex, 5, &in) == DECODE_OK &&
           simd_compute_encode(&in, code);
}

/* PSHUFD's result, from the SDM's Operation: dword i = source dword imm[2i+1:2i]. */
static void pshufd_model(uint8_t imm, const uint32_t src[4], uint32_t out[4])
{
    for (unsigned i = 0; i < 4; i++)
        out[i] = src[(imm >> (2 * i)) & 3];
}

static void run_pshufd(unsigned id, const char *what)
{
    uint8_t imm = (uint8_t)id;
    uint8_t code[SIMD_STUB_BYTES];
    struct simd_host_regs r;
    const uint32_t src[4] = { 0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c };
    uint32_t want[4];
    const void *stub;

    CHECK(pshufd_stub(id, code), "%s: encoded", what);
    stub = simd_host_acquire(code);
    CHECK(stub != NULL, "%s: acquired", what);
    if (!stub)
        return;
    memset(&r, 0, sizeof r);
    r.mxcsr = 0x1f80;
    memcpy(r.mem, src, sizeof src);
    simd_host_run(stub, &r);
    simd_host_release();
    pshufd_model(imm, src, want);
    CHECK(memcmp(r.v[0], want, 16) == 0, "%s: stub %u's result", what, id);
}

/* Two stubs of one slot: each use of the other rewrites it, a repeat does not. */
/* The first two shuffles whose stubs share a slot; false: none. */
static bool colliding_pair(unsigned *first, unsigned *second)
{
    uint8_t a[SIMD_STUB_BYTES], b[SIMD_STUB_BYTES];

    for (unsigned i = 0; i < 512; i++)
        for (unsigned j = i + 1; j < 512 && pshufd_stub(i, a); j++)
            if (pshufd_stub(j, b) && simd_host_slot(a) == simd_host_slot(b)) {
                *first = i;
                *second = j;
                return true;
            }
    return false;
}

/* Two stubs of one slot: each use of the other rewrites it, a repeat does not. */
TEST(stub_cache_collision)
{
    unsigned first = 0, second = 0;
    unsigned long writes;

    if (!stubs_run(CPU_SSE2 | CPU_AVX))
        return;
    if (!colliding_pair(&first, &second)) {
        CHECK(false, "two shuffles' stubs share a slot");
        return;
    }
    run_pshufd(first, "first");
    writes = simd_host_writes();
    run_pshufd(first, "cached");
    CHECK_EQ(simd_host_writes(), writes, "a cached stub is not rewritten");
    run_pshufd(second, "evicts");
    run_pshufd(first, "evicted, rewritten");
    CHECK_EQ(simd_host_writes(), writes + 2, "each eviction rewrites the slot");
}

int main(void)
{
    return fixture_main();
}
