/* The x87 memory forms, FXSAVE/FXRSTOR and the MXCSR forms through the API where no user-mode
 * run on this CPU can go (test_x87_host, _env, _fxsave and _align compare everything else
 * with the CPU): CR0.EM/TS/NE, CR4.OSFXSR/OSXSAVE and XCR0 as a kernel sets them, real mode,
 * and the register forms the same mnemonics have. Hand vectors citing the manuals, on any
 * host, with the CLI's guest as the VMM:
 *  - SDM vol. 3A §2.5 Table 2-2 (EM, TS: #NM for ESC; FXSAVE and the MXCSR forms: #UD with
 *    EM), §6.15 "Interrupt 16" (#MF at a waiting form; CR0.NE clear: the FERR# path, which
 *    the API cannot express: InternalEmulationFailure), vol. 2A FXSAVE/LDMXCSR/VLDMXCSR
 *    (OSFXSR, OSXSAVE and XCR0 #UD), AMD APM vol. 1 §6.2.5 (real mode: FIP and FDP linear);
 *  - a fault injects its vector and writes no other register; InternalEmulationFailure writes
 *    none. */
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "exec/x87.h"
#include "guest.h"
#include "guest_vcpu.h"

#define RUNS (-1)
#define UNSUPPORTED (-2)

/* FNINIT's FCW with IE unmasked: with FSW.IE set an exception is pending. */
#define FCW_IE_UNMASKED 0x037e

/* One vector: the state on top of the mode's defaults (CR0.NE and MP set, CR4.OSFXSR and
 * OSXSAVE set, XCR0 x87|SSE|AVX, FNINIT's FCW, MXCSR 1F80H), the instruction with its
 * operand at [rBX], and what must happen. */
struct check_vector {
    const char *what;
    enum vcpu_mode mode;
    uint8_t bytes[5];
    unsigned length;
    uint32_t cr0_set, cr0_clear, cr4_clear;
    uint64_t xcr0; /* 0: 7 */
    uint16_t fcw, fsw;
    int want; /* a vector, RUNS or UNSUPPORTED */
};

// clang-format off
static const struct check_vector vectors[] = {
    { "FLD m32 with CR0.TS",        VCPU_LONG64, { 0xd9, 0x03 }, 2, X87_CR0_TS, 0, 0, 0, 0, 0, 7 },
    { "FLD m32 with CR0.EM",        VCPU_LONG64, { 0xd9, 0x03 }, 2, X87_CR0_EM, 0, 0, 0, 0, 0, 7 },
    { "FNSTCW with CR0.TS",         VCPU_LONG64, { 0xd9, 0x3b }, 2, X87_CR0_TS, 0, 0, 0, 0, 0, 7 },
    { "FLD m32, IE pending",        VCPU_LONG64, { 0xd9, 0x03 }, 2, 0, 0, 0, 0, FCW_IE_UNMASKED, FSW_IE, 16 },
    { "FLDCW, IE pending",          VCPU_LONG64, { 0xd9, 0x2b }, 2, 0, 0, 0, 0, FCW_IE_UNMASKED, FSW_IE, 16 },
    { "FNSTCW, IE pending",         VCPU_LONG64, { 0xd9, 0x3b }, 2, 0, 0, 0, 0, FCW_IE_UNMASKED, FSW_IE, RUNS },
    { "FNSAVE, IE pending",         VCPU_LONG64, { 0xdd, 0x33 }, 2, 0, 0, 0, 0, FCW_IE_UNMASKED, FSW_IE, RUNS },
    { "FLD m32, IE pending, NE clear", VCPU_LONG64, { 0xd9, 0x03 }, 2, 0, X87_CR0_NE, 0, 0, FCW_IE_UNMASKED, FSW_IE, UNSUPPORTED },
    { "FXSAVE with CR0.EM",         VCPU_LONG64, { 0x0f, 0xae, 0x03 }, 3, X87_CR0_EM, 0, 0, 0, 0, 0, 6 },
    { "FXSAVE with CR0.TS",         VCPU_LONG64, { 0x0f, 0xae, 0x03 }, 3, X87_CR0_TS, 0, 0, 0, 0, 0, 7 },
    { "FXRSTOR with CR0.TS",        VCPU_LONG64, { 0x0f, 0xae, 0x0b }, 3, X87_CR0_TS, 0, 0, 0, 0, 0, 7 },
    { "FXSAVE, IE pending",         VCPU_LONG64, { 0x0f, 0xae, 0x03 }, 3, 0, 0, 0, 0, FCW_IE_UNMASKED, FSW_IE, RUNS },
    { "LDMXCSR without OSFXSR",     VCPU_LONG64, { 0x0f, 0xae, 0x13 }, 3, 0, 0, X87_CR4_OSFXSR, 0, 0, 0, 6 },
    { "STMXCSR with CR0.EM",        VCPU_LONG64, { 0x0f, 0xae, 0x1b }, 3, X87_CR0_EM, 0, 0, 0, 0, 0, 6 },
    { "STMXCSR with CR0.TS",        VCPU_LONG64, { 0x0f, 0xae, 0x1b }, 3, X87_CR0_TS, 0, 0, 0, 0, 0, 7 },
    { "VLDMXCSR without OSXSAVE",   VCPU_LONG64, { 0xc5, 0xf8, 0xae, 0x13 }, 4, 0, 0, X87_CR4_OSXSAVE, 0, 0, 0, 6 },
    { "VSTMXCSR, XCR0 x87 only",    VCPU_LONG64, { 0xc5, 0xf8, 0xae, 0x1b }, 4, 0, 0, 0, 1, 0, 0, 6 },
    { "VSTMXCSR with CR0.EM",       VCPU_LONG64, { 0xc5, 0xf8, 0xae, 0x1b }, 4, X87_CR0_EM, 0, 0, 0, 0, 0, RUNS },
    { "VSTMXCSR in real mode",      VCPU_REAL16, { 0xc5, 0xf8, 0xae, 0x1f }, 4, 0, 0, 0, 0, 0, 0, 6 },
    { "FADD ST(0), ST(1)",          VCPU_LONG64, { 0xd8, 0xc1 }, 2, 0, 0, 0, 0, 0, 0, UNSUPPORTED },
    { "FNSTSW AX",                  VCPU_LONG64, { 0xdf, 0xe0 }, 2, 0, 0, 0, 0, 0, 0, UNSUPPORTED },
    { "FLD ST(0)",                  VCPU_LONG64, { 0xd9, 0xc0 }, 2, 0, 0, 0, 0, 0, 0, UNSUPPORTED },
    { "FLD m32 in compat mode",     VCPU_COMPAT32, { 0xd9, 0x03 }, 2, 0, 0, 0, 0, 0, 0, RUNS },
    { "FXSAVE in 32-bit protected mode", VCPU_PROTECTED32, { 0x0f, 0xae, 0x03 }, 3, 0, 0, 0, 0, 0, 0, RUNS },
};
// clang-format on

#define OPERAND 0x10000u

static void set_up(struct guest *g, const struct check_vector *v)
{
    static const uint8_t zeros[512];
    WHV_REGISTER_VALUE *fp;

    guest_init(g);
    vcpu_set_defaults(&g->vcpu, v->mode);
    vcpu_reg(&g->vcpu, WHvX64RegisterCr0)->Reg64 =
        (vcpu_reg(&g->vcpu, WHvX64RegisterCr0)->Reg64 | X87_CR0_NE | X87_CR0_MP | v->cr0_set) &
        ~(UINT64)v->cr0_clear;
    vcpu_reg(&g->vcpu, WHvX64RegisterCr4)->Reg64 =
        (vcpu_reg(&g->vcpu, WHvX64RegisterCr4)->Reg64 | X87_CR4_OSFXSR | X87_CR4_OSXSAVE) &
        ~(UINT64)v->cr4_clear;
    vcpu_reg(&g->vcpu, WHvX64RegisterXCr0)->Reg64 = v->xcr0 ? v->xcr0 : 7;
    vcpu_reg(&g->vcpu, WHvX64RegisterRbx)->Reg64 = OPERAND;
    fp = vcpu_reg(&g->vcpu, WHvX64RegisterFpControlStatus);
    memset(fp, 0, sizeof *fp);
    fp->FpControlStatus.FpControl = v->fcw ? v->fcw : 0x037f;
    fp->FpControlStatus.FpStatus = v->fsw;
    vcpu_reg(&g->vcpu, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControl = 0x1f80;
    vcpu_reg(&g->vcpu, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControlMask =
        0xffff;
    guest_write(g, OPERAND, zeros, sizeof zeros);
}

/* The registers other than RIP and the pending interruption, as they were. */
static bool only_rip_and_event_changed(struct guest *g)
{
    struct guest_vcpu now = g->vcpu;

    *vcpu_reg(&now, WHvX64RegisterRip) = *vcpu_reg(&g->vcpu_before, WHvX64RegisterRip);
    *vcpu_reg(&now, WHvRegisterPendingInterruption) =
        *vcpu_reg(&g->vcpu_before, WHvRegisterPendingInterruption);
    return memcmp(&now, &g->vcpu_before, sizeof now) == 0;
}

static void run_vector(WHV_EMULATOR_HANDLE emu, const struct check_vector *v)
{
    static struct guest g;
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *pending;
    WHV_EMULATOR_STATUS st;
    HRESULT hr;

    set_up(&g, v);
    guest_begin(&g);
    hr = guest_run_mmio(&g, emu, v->bytes, v->length, &st);
    pending = &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(hr == S_OK, "%s: HRESULT 0x%lx", v->what, (unsigned long)hr);
    if (v->want == UNSUPPORTED) {
        CHECK(st.InternalEmulationFailure && !st.EmulationSuccessful, "%s: status 0x%x", v->what,
              st.AsUINT32);
        CHECK(g.calls[GUEST_CB_SET_REGISTERS] == 0, "%s: registers set", v->what);
    } else if (v->want == RUNS) {
        CHECK(st.AsUINT32 == 1 && !pending->InterruptionPending, "%s: status 0x%x, event %u",
              v->what, st.AsUINT32, pending->InterruptionVector);
    } else {
        CHECK(st.AsUINT32 == 1 && pending->InterruptionPending &&
                  pending->InterruptionVector == (unsigned)v->want,
              "%s: status 0x%x, event %d vector %u (want %d)", v->what, st.AsUINT32,
              pending->InterruptionPending, pending->InterruptionVector, v->want);
        CHECK(only_rip_and_event_changed(&g) &&
                  vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 ==
                      vcpu_reg(&g.vcpu_before, WHvX64RegisterRip)->Reg64,
              "%s: registers changed at the fault", v->what);
    }
    guest_free(&g);
}

TEST(state_checks_through_the_api)
{
    WHV_EMULATOR_HANDLE emu;

    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu) == S_OK, "create");
    for (unsigned i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
        run_vector(emu, &vectors[i]);
    WHvEmulatorDestroyEmulator(emu);
}

/* Real mode (AMD APM vol. 1 §6.2.5, SDM vol. 1 §8.1.8): FLD m32 at CS:IP 1000:0100 with its
 * operand at DS:BX 2000:0010 records FIP and FDP as the linear addresses 10100H and 20010H,
 * FOP 107H (D9, ModRM 07H). */
TEST(real_mode_pointers)
{
    static struct guest g;
    static const uint8_t fld[] = { 0xd9, 0x07 }, one[4] = { 0x00, 0x00, 0x80, 0x3f };
    WHV_EMULATOR_HANDLE emu;
    WHV_EMULATOR_STATUS st;
    const WHV_X64_FP_CONTROL_STATUS_REGISTER *fp;
    const WHV_X64_XMM_CONTROL_STATUS_REGISTER *xmm;

    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu) == S_OK, "create");
    guest_init(&g);
    vcpu_set_defaults(&g.vcpu, VCPU_REAL16);
    vcpu_reg(&g.vcpu, WHvX64RegisterCs)->Segment.Selector = 0x1000;
    vcpu_reg(&g.vcpu, WHvX64RegisterCs)->Segment.Base = 0x10000;
    vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 = 0x100;
    vcpu_reg(&g.vcpu, WHvX64RegisterDs)->Segment.Selector = 0x2000;
    vcpu_reg(&g.vcpu, WHvX64RegisterDs)->Segment.Base = 0x20000;
    vcpu_reg(&g.vcpu, WHvX64RegisterRbx)->Reg64 = 0x10;
    vcpu_reg(&g.vcpu, WHvX64RegisterFpControlStatus)->FpControlStatus.FpControl = 0x037f;
    guest_write(&g, 0x20010, one, sizeof one);
    CHECK(guest_run_mmio(&g, emu, fld, sizeof fld, &st) == S_OK && st.AsUINT32 == 1,
          "FLD in real mode: status 0x%x", st.AsUINT32);
    fp = &vcpu_reg(&g.vcpu, WHvX64RegisterFpControlStatus)->FpControlStatus;
    xmm = &vcpu_reg(&g.vcpu, WHvX64RegisterXmmControlStatus)->XmmControlStatus;
    CHECK_EQ(fp->LastFpEip, 0x10100, "FIP");
    CHECK_EQ(fp->LastFpOp, 0x107, "FOP");
    CHECK_EQ(xmm->LastFpDp, 0x20010, "FDP");
    CHECK_EQ(fp->FpStatus & 0x3800, 0x3800, "TOP 7 after the push");
    CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64, 0x102, "IP");
    guest_free(&g);
    WHvEmulatorDestroyEmulator(emu);
}

/* The registers of one call: a single Get (the SDK names with the address registers), and a
 * Set of RIP and the names whose value changed (docs/x87.md, "Through the API"). */
TEST(one_get_and_the_changed_names)
{
    static const struct {
        const char *what;
        uint8_t bytes[4];
        unsigned length;
        WHV_REGISTER_NAME changed; /* besides RIP; RIP itself: none */
    } rows[] = {
        { "FNSTCW", { 0xd9, 0x3b }, 2, WHvX64RegisterRip },
        { "FLDCW", { 0xd9, 0x2b }, 2, WHvX64RegisterFpControlStatus },
        { "STMXCSR", { 0x0f, 0xae, 0x1b }, 3, WHvX64RegisterRip },
        { "LDMXCSR", { 0x0f, 0xae, 0x13 }, 3, WHvX64RegisterXmmControlStatus },
    };
    static const struct check_vector state = { "", VCPU_LONG64, { 0 }, 0, 0, 0, 0, 0, 0, 0, RUNS };
    static const uint8_t operand[4] = { 0x7f, 0x02, 0, 0 }; /* FCW 027FH, MXCSR 027FH */
    static struct guest g;
    WHV_EMULATOR_HANDLE emu;
    WHV_EMULATOR_STATUS st;

    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu) == S_OK, "create");
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bool rip_only = rows[i].changed == WHvX64RegisterRip;

        set_up(&g, &state);
        guest_write(&g, OPERAND, operand, sizeof operand);
        CHECK(guest_run_mmio(&g, emu, rows[i].bytes, rows[i].length, &st) == S_OK &&
                  st.AsUINT32 == 1,
              "%s: status 0x%x", rows[i].what, st.AsUINT32);
        CHECK_EQ(g.calls[GUEST_CB_GET_REGISTERS], 1, rows[i].what);
        CHECK_EQ(g.set_name_count, rip_only ? 1 : 2, rows[i].what);
        CHECK(g.set_names[0] == rows[i].changed || g.set_names[rip_only ? 0 : 1] == rows[i].changed,
              "%s: sets the name it changed", rows[i].what);
        guest_free(&g);
    }
    WHvEmulatorDestroyEmulator(emu);
}

int main(void)
{
    check_run_tests();
    return check_summary();
}
