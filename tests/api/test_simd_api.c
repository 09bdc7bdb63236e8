/* The SIMD moves through the public API where user mode cannot run them natively: the state
 * checks of CR0, CR4, XCR0 and the x87 status word (#UD, #NM, #MF), the encoding rules the
 * decoder enforces (VEX.L, VEX.vvvv, LOCK), and a VMM without the extended-state extension
 * (a form that needs it: InternalEmulationFailure, no callback with a side effect; a legacy
 * form: emulated through the SDK names), and AVX512-FP16's VMOVSH and VMOVW, which no CPU
 * here runs. Hand vectors, each citing the SDM; the CLI's guest
 * is the VMM, its extended state laid out by this host's CPUID leaf 0DH (a row that needs a
 * component this host lacks is skipped and counted). tests/diff runs the rest natively. */
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "hostcpu.h"

enum {
    CR0_PE_MP_NE_PG = 0x80000023,
    CR0_EM = 1u << 2,
    CR0_TS = 1u << 3,
    CR4_OSFXSR = 1u << 9,
    CR4_OSXSAVE = 1u << 18,
    XCR0_AVX512 = 0xe7,
    RUNS = 0xff,        /* the move completes */
    UNSUPPORTED = 0xfe, /* InternalEmulationFailure */
    OPERAND = 0x1000,   /* the memory operand's GPA = GVA, [rbx] */
    FSW_IE = 1u << 0,   /* invalid operation: pending when unmasked */
};

struct row {
    const char *what, *bytes;
    unsigned length;
    uint64_t cr0, cr4, xcr0;
    uint16_t fcw; /* 0: 037FH, every exception masked */
    uint8_t expect;
    unsigned needs; /* the highest XSAVE component the row needs in the area (0: none) */
};

// clang-format off
static const struct row rows[] = {
    /* legacy SSE, MOVUPS xmm0, [rbx] (SDM vol. 2A Table 2-21, type 4; vol. 3A Table 13-1:
     * with EM set SSE is #UD whatever TS is) */
    { "movups, ready", "\x0f\x10\x03", 3, CR0_PE_MP_NE_PG, CR4_OSFXSR, 0, 0, RUNS, 0 },
    { "movups, CR0.EM", "\x0f\x10\x03", 3, CR0_PE_MP_NE_PG | CR0_EM, CR4_OSFXSR, 0, 0, 6, 0 },
    { "movups, no CR4.OSFXSR", "\x0f\x10\x03", 3, CR0_PE_MP_NE_PG, 0, 0, 0, 6, 0 },
    { "movups, CR0.TS", "\x0f\x10\x03", 3, CR0_PE_MP_NE_PG | CR0_TS, CR4_OSFXSR, 0, 0, 7, 0 },
    { "movups, EM and TS: #UD first", "\x0f\x10\x03", 3, CR0_PE_MP_NE_PG | CR0_EM | CR0_TS,
      CR4_OSFXSR, 0, 0, 6, 0 },
    { "movntdq store, CR0.TS", "\x66\x0f\xe7\x03", 4, CR0_PE_MP_NE_PG | CR0_TS, CR4_OSFXSR, 0, 0,
      7, 0 },
    /* MMX, MOVQ mm0, [rbx] (vol. 3B §22.25.3 Table 22-7: #UD with EM, no OSFXSR condition;
     * #MF with a pending x87 exception; #NM before #MF, vol. 3A Table 6-2) */
    { "movq mm, no CR4.OSFXSR", "\x0f\x6f\x03", 3, CR0_PE_MP_NE_PG, 0, 0, 0, RUNS, 0 },
    { "movq mm, CR0.EM", "\x0f\x6f\x03", 3, CR0_PE_MP_NE_PG | CR0_EM, 0, 0, 0, 6, 0 },
    { "movq mm, pending #IA", "\x0f\x6f\x03", 3, CR0_PE_MP_NE_PG, 0, 0, 0x037e, 16, 0 },
    { "movq mm, TS and pending #IA", "\x0f\x6f\x03", 3, CR0_PE_MP_NE_PG | CR0_TS, 0, 0, 0x037e,
      7, 0 },
    /* VEX, VMOVUPS ymm0, [rbx] (vol. 2A Table 2-21: #UD without CR4.OSXSAVE or XCR0[2:1] =
     * 11b; vol. 1 §14.11: CR0.EM does not apply to AVX; #NM with TS) */
    { "vmovups ymm, ready", "\xc5\xfc\x10\x03", 4, CR0_PE_MP_NE_PG, CR4_OSFXSR | CR4_OSXSAVE, 7,
      0, RUNS, 2 },
    { "vmovups ymm, CR0.EM ignored", "\xc5\xfc\x10\x03", 4, CR0_PE_MP_NE_PG | CR0_EM,
      CR4_OSXSAVE, 7, 0, RUNS, 2 },
    { "vmovups ymm, no CR4.OSXSAVE", "\xc5\xfc\x10\x03", 4, CR0_PE_MP_NE_PG, CR4_OSFXSR, 7, 0, 6,
      2 },
    { "vmovups ymm, XCR0 without AVX", "\xc5\xfc\x10\x03", 4, CR0_PE_MP_NE_PG, CR4_OSXSAVE, 3, 0,
      6, 2 },
    { "vmovups ymm, CR0.TS", "\xc5\xfc\x10\x03", 4, CR0_PE_MP_NE_PG | CR0_TS, CR4_OSXSAVE, 7, 0,
      7, 2 },
    /* EVEX, VMOVUPS zmm0, [rbx] (vol. 2A §2.6.11.1 Table 2-37: #UD unless XCR0[7:5] = 111b
     * and XCR0[2:1] = 11b) */
    { "evex vmovups zmm, ready", "\x62\xf1\x7c\x48\x10\x03", 6, CR0_PE_MP_NE_PG, CR4_OSXSAVE,
      XCR0_AVX512, 0, RUNS, 7 },
    { "evex vmovups zmm, XCR0 without opmask/ZMM", "\x62\xf1\x7c\x48\x10\x03", 6,
      CR0_PE_MP_NE_PG, CR4_OSXSAVE, 7, 0, 6, 2 },
    { "evex vmovups zmm, CR0.TS", "\x62\xf1\x7c\x48\x10\x03", 6, CR0_PE_MP_NE_PG | CR0_TS,
      CR4_OSXSAVE, XCR0_AVX512, 0, 7, 7 },
    /* the encoding's own #UD, raised by decoding whatever the state: VMOVD with VEX.L = 1
     * (VMOVD page, "#UD if VEX.L = 1"), VMOVDQU with vvvv != 1111b ("#UD if VEX.vvvv !=
     * 1111B"), LOCK MOVUPS (vol. 2A §2.4, "#UD if the LOCK prefix is used") */
    { "vmovd with VEX.L = 1", "\xc5\xfd\x6e\x03", 4, CR0_PE_MP_NE_PG, CR4_OSXSAVE, 7, 0, 6, 0 },
    { "vmovdqu with vvvv = 1110b", "\xc5\xf6\x6f\x03", 4, CR0_PE_MP_NE_PG, CR4_OSXSAVE, 7, 0, 6,
      0 },
    { "lock movups", "\xf0\x0f\x10\x03", 4, CR0_PE_MP_NE_PG, CR4_OSFXSR, 0, 0, 6, 0 },
};
// clang-format on

static WHV_EMULATOR_STATUS run(const struct row *r, WHV_EMULATOR_HANDLE h, WHV_VP_EXIT_CONTEXT *vp)
{
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context(r->bytes, r->length, OPERAND, 0);
    WHV_EMULATOR_STATUS st = { 0 };
    HRESULT hr = WHvEmulatorTryMmioEmulation(h, &g, vp, &m, &st);

    CHECK(hr == S_OK, "%s: hr 0x%x", r->what, (unsigned)hr);
    return st;
}

/* The guest of a row: [rbx] = OPERAND holding 64 bytes, the row's control registers. */
static void guest_of(const struct row *r, WHV_VP_EXIT_CONTEXT *vp)
{
    uint8_t bytes[64];

    guest_long_mode(vp);
    for (unsigned i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(0xa0 + i);
    guest_write(&g, OPERAND, bytes, sizeof bytes);
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = OPERAND;
    guest_reg(&g, WHvX64RegisterCr0)->Reg64 = r->cr0;
    guest_reg(&g, WHvX64RegisterCr4)->Reg64 = r->cr4 | 0x20; /* PAE */
    guest_reg(&g, WHvX64RegisterXCr0)->Reg64 = r->xcr0;
    guest_reg(&g, WHvX64RegisterFpControlStatus)->FpControlStatus.FpControl =
        r->fcw ? r->fcw : 0x037f;
    guest_reg(&g, WHvX64RegisterFpControlStatus)->FpControlStatus.FpStatus = FSW_IE;
}

/* What the row expects, with the extension installed where this host's layout serves it. */
static void check_row(const struct row *r)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p;
    WHV_EMULATOR_STATUS st;

    guest_of(r, &vp);
    if (r->needs && (!guest_xstate_init(&g, false) || !guest_xstate_component(&g, r->needs) ||
                     guest_install_xstate(&g, h) != S_OK)) {
        host_skip_for("the XSAVE component a hand vector needs", 1);
        WHvEmulatorDestroyEmulator(h);
        return;
    }
    st = run(r, h, &vp);
    p = &guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    if (r->expect == RUNS) {
        CHECK_EQ(st.AsUINT32, 1, r->what);
        CHECK(!p->InterruptionPending, "%s: no exception", r->what);
        CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000 + r->length, r->what);
    } else {
        CHECK_EQ(st.AsUINT32, 1, r->what);
        CHECK(p->InterruptionPending && p->InterruptionVector == r->expect,
              "%s: vector %u, want %u", r->what, p->InterruptionPending ? p->InterruptionVector : 0,
              r->expect);
        CHECK_EQ(g.calls[GUEST_CB_MEMORY], 0, r->what);
        CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000, r->what);
    }
    WHvEmulatorDestroyEmulator(h);
}

TEST(state_checks_through_the_api)
{
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_row(&rows[i]);
}

/* Without the extension: a VEX.256 load needs YMM_Hi128 (docs/extended-state.md) and is
 * InternalEmulationFailure before any callback with a side effect — no memory access, no
 * Set; the VEX store of an XMM register and a legacy store need only the SDK names. */
TEST(without_the_extension)
{
    static const struct row needs_area = { "vmovdqu ymm0, [rbx]",
                                           "\xc5\xfe\x6f\x03",
                                           4,
                                           CR0_PE_MP_NE_PG,
                                           CR4_OSXSAVE,
                                           7,
                                           0,
                                           UNSUPPORTED,
                                           0 };
    static const struct row vex_xmm_store = {
        "vmovdqu [rbx], xmm1", "\xc5\xfa\x7f\x0b", 4, CR0_PE_MP_NE_PG, CR4_OSXSAVE, 7, 0, RUNS, 0
    };
    static const struct row legacy_store = {
        "movdqu [rbx], xmm1", "\xf3\x0f\x7f\x0b", 4, CR0_PE_MP_NE_PG, CR4_OSFXSR, 0, 0, RUNS, 0
    };
    const struct row *stores[] = { &vex_xmm_store, &legacy_store };
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_EMULATOR_STATUS st;
    uint8_t stored[16];

    guest_of(&needs_area, &vp);
    st = run(&needs_area, h, &vp);
    CHECK(st.InternalEmulationFailure && !st.EmulationSuccessful, "%s", needs_area.what);
    CHECK_EQ(g.calls[GUEST_CB_MEMORY] + g.calls[GUEST_CB_SET_REGISTERS] +
                 g.calls[GUEST_CB_TRANSLATE],
             0, "no access, no translation, no Set");
    for (unsigned i = 0; i < 2; i++) {
        guest_of(stores[i], &vp);
        guest_reg(&g, WHvX64RegisterXmm1)->Reg128.Low64 = 0x1122334455667788ull;
        guest_reg(&g, WHvX64RegisterXmm1)->Reg128.High64 = 0x99aabbccddeeff00ull;
        st = run(stores[i], h, &vp);
        CHECK_EQ(st.AsUINT32, 1, stores[i]->what);
        guest_read(&g, OPERAND, stored, sizeof stored);
        CHECK(stored[0] == 0x88 && stored[7] == 0x11 && stored[8] == 0x00 && stored[15] == 0x99,
              "%s: the 16 bytes stored", stores[i]->what);
        CHECK_EQ(g.calls[GUEST_CB_MEMORY], 2, "two 8-byte writes");
    }
    WHvEmulatorDestroyEmulator(h);
}

/* AVX512-FP16's moves, which no CPU here runs (test_diff counts their cases as skipped):
 * hand vectors from the SDM's "Operation" sections through the API. VMOVSH m16 loads
 * DEST[15:0] and zeroes DEST[MAXVL-1:16]; with k1[0] = 0 (merging) bits 15:0 stay and the
 * load is suppressed (class E5: no access); the store writes 2 bytes. VMOVW likewise,
 * without a mask. */
struct fp16_row {
    const char *what, *bytes;
    uint64_t k1;
    bool store, masked_off;
};

static const struct fp16_row fp16_rows[] = {
    { "vmovsh xmm0, [rbx]", "\x62\xf5\x7e\x08\x10\x03", 0, false, false },
    { "vmovsh xmm0{k1}, [rbx], k1 = 1", "\x62\xf5\x7e\x09\x10\x03", 1, false, false },
    { "vmovsh xmm0{k1}, [rbx], k1 = 0", "\x62\xf5\x7e\x09\x10\x03", 0, false, true },
    { "vmovsh [rbx], xmm0", "\x62\xf5\x7e\x08\x11\x03", 0, true, false },
    { "vmovw xmm0, [rbx]", "\x62\xf5\x7d\x08\x6e\x03", 0, false, false },
    { "vmovw [rbx], xmm0", "\x62\xf5\x7d\x08\x7e\x03", 0, true, false },
};

static void check_fp16(const struct fp16_row *f, WHV_EMULATOR_HANDLE h)
{
    const struct row r = { f->what, f->bytes, 6, CR0_PE_MP_NE_PG, CR4_OSXSAVE, XCR0_AVX512,
                           0,       RUNS,     7 };
    WHV_VP_EXIT_CONTEXT vp;
    WHV_UINT128 *xmm0;
    uint8_t *upper, stored[4];

    guest_of(&r, &vp);
    if (!guest_xstate_init(&g, false) || !guest_xstate_component(&g, 7) ||
        !guest_xstate_component(&g, 5) || guest_install_xstate(&g, h) != S_OK) {
        host_skip_for("the XSAVE components of AVX-512", 1);
        return;
    }
    xmm0 = &guest_reg(&g, WHvX64RegisterXmm0)->Reg128;
    xmm0->Low64 = 0x1111222233334444ull;
    xmm0->High64 = 0x5555666677778888ull;
    memcpy(guest_xstate_component(&g, 5) + 8, &f->k1, 8); /* k1 */
    upper = guest_xstate_component(&g, 2);                /* YMM0's bits 255:128 */
    memset(upper, 0xee, 16);
    CHECK_EQ(run(&r, h, &vp).AsUINT32, 1, f->what);
    guest_read(&g, OPERAND, stored, sizeof stored);
    if (f->store) {
        CHECK(stored[0] == 0x44 && stored[1] == 0x44 && stored[2] == 0xa2, "%s: 2 bytes stored",
              f->what);
        return;
    }
    CHECK_EQ(xmm0->Low64, f->masked_off ? 0x4444 : 0xa1a0, f->what);
    CHECK_EQ(xmm0->High64, 0, "bits 127:64 zeroed");
    CHECK(upper[0] == 0 && upper[15] == 0, "%s: bits 255:128 zeroed", f->what);
    CHECK_EQ(g.calls[GUEST_CB_MEMORY], f->masked_off ? 0 : 1, "a masked-off load makes no access");
}

TEST(fp16_moves_by_hand)
{
    for (unsigned i = 0; i < sizeof fp16_rows / sizeof fp16_rows[0]; i++) {
        WHV_EMULATOR_HANDLE h = create();
        check_fp16(&fp16_rows[i], h);
        WHvEmulatorDestroyEmulator(h);
    }
}

int main(void)
{
    return fixture_main();
}
