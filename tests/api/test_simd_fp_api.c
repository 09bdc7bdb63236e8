/* SIMD floating point through the API where user mode cannot run it natively: an unmasked
 * exception with CR4.OSXMMEXCPT clear is #UD, not #XM (Linux sets the bit, so tests/diff
 * sees #XM only). Hand vectors from SDM vol. 1 §11.5.3.2: the exception flags are set in
 * step 1, then step 2 chooses #UD (OSXMMEXCPT clear) or #XM; the destination is not written
 * either way (§11.5.1). The #XM row and the masked row are the same rule natively measured
 * (tests/exec/test_simd_mxcsr.c, tests/diff); here they show the API's side: the pending
 * interruption, RIP on the instruction, MXCSR written back with the fault. */
#include <string.h>

#include "check.h"
#include "exec/simd_compute.h"
#include "fixture.h"
#include "hostcpu.h"

enum {
    CR0_PE_MP_NE_PG = 0x80000023,
    CR4_PAE_OSFXSR = 0x220,
    CR4_OSXMMEXCPT = 1u << 10,
    OPERAND = 0x1000,           /* [rbx] */
    SNAN = 0x7f800001u,         /* a signalling NaN: invalid operation (IE) for ADDSS */
    ONE = 0x3f800000u,          /* xmm0's low element */
    MXCSR_IE_UNMASKED = 0x1f00, /* every mask but IM */
    MXCSR_MASKED = 0x1f80,
};

struct fp_vector {
    const char *what;
    uint32_t cr4_extra, mxcsr;
    uint8_t vector;       /* 0: completes */
    uint32_t mxcsr_after; /* the flags the CPU sets: IE */
    uint32_t xmm0_after;  /* the low element: unchanged at a fault, the quieted NaN else */
};

static const struct fp_vector vectors[] = {
    { "addss, IE unmasked, OSXMMEXCPT: #XM", CR4_OSXMMEXCPT, MXCSR_IE_UNMASKED, 19,
      MXCSR_IE_UNMASKED | 1, ONE },
    { "addss, IE unmasked, no OSXMMEXCPT: #UD", 0, MXCSR_IE_UNMASKED, 6, MXCSR_IE_UNMASKED | 1,
      ONE },
    { "addss, IE masked: QNaN", CR4_OSXMMEXCPT, MXCSR_MASKED, 0, MXCSR_MASKED | 1, 0x7fc00001u },
};

/* ADDSS xmm0, [rbx]: xmm0 = 1.0, [rbx] = SNaN. */
static void check_vector(const struct fp_vector *v)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\xf3\x0f\x58\x03", 4, OPERAND, 0);
    WHV_EMULATOR_STATUS st = { 0 };
    uint32_t snan = SNAN;
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p;

    guest_long_mode(&vp);
    guest_write(&g, OPERAND, (const uint8_t *)&snan, 4);
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = OPERAND;
    guest_reg(&g, WHvX64RegisterCr0)->Reg64 = CR0_PE_MP_NE_PG;
    guest_reg(&g, WHvX64RegisterCr4)->Reg64 = CR4_PAE_OSFXSR | v->cr4_extra;
    guest_reg(&g, WHvX64RegisterXmm0)->Reg128.Low64 = ONE;
    guest_reg(&g, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControl = v->mxcsr;
    guest_reg(&g, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControlMask = 0xffff;
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "%s: hr", v->what);
    p = &guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK_EQ(st.AsUINT32, 1, v->what);
    CHECK(p->InterruptionPending == (v->vector != 0) &&
              (!v->vector || p->InterruptionVector == v->vector),
          "%s: vector %u, want %u", v->what, p->InterruptionPending ? p->InterruptionVector : 0,
          v->vector);
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000 + (v->vector ? 0 : 4), v->what);
    CHECK_EQ(guest_reg(&g, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControl,
             v->mxcsr_after, v->what);
    CHECK_EQ(guest_reg(&g, WHvX64RegisterXmm0)->Reg128.Low64, v->xmm0_after, v->what);
    WHvEmulatorDestroyEmulator(h);
}

TEST(unmasked_exception_without_osxmmexcpt)
{
    if (!simd_host_compiled()) {
        host_skip_for("host SIMD stubs (not built)", 3);
        return;
    }
    for (unsigned i = 0; i < sizeof vectors / sizeof vectors[0]; i++)
        check_vector(&vectors[i]);
}

int main(void)
{
    return fixture_main();
}
