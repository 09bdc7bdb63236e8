/* The API front end: argument validation, handle checks, status mapping, the register
 * cache's traffic (one batched Get, one Set of what changed), fault injection, callback
 * failures, instruction fetch. Uses the CLI's in-memory guest behind recording callbacks. */
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "fixture.h"
#include "vcpu.h"

static void test_create_validation(void)
{
    WHV_EMULATOR_CALLBACKS cb = recording_callbacks(), bad;
    WHV_EMULATOR_HANDLE h = NULL;

    CHECK(WHvEmulatorCreateEmulator(NULL, &h) == E_INVALIDARG, "NULL callbacks");
    CHECK(WHvEmulatorCreateEmulator(&cb, NULL) == E_INVALIDARG, "NULL handle pointer");
    bad = cb; bad.Size = 0;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "Size 0");
    bad = cb; bad.Size = sizeof bad - 8;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "Size short");
    bad = cb; bad.Size = sizeof bad + 8;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "Size long");
    bad = cb; bad.Reserved = 1;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "Reserved set");
    for (int i = 0; i < 5; i++) {
        bad = cb;
        switch (i) {
        case 0: bad.WHvEmulatorIoPortCallback = NULL; break;
        case 1: bad.WHvEmulatorMemoryCallback = NULL; break;
        case 2: bad.WHvEmulatorGetVirtualProcessorRegisters = NULL; break;
        case 3: bad.WHvEmulatorSetVirtualProcessorRegisters = NULL; break;
        case 4: bad.WHvEmulatorTranslateGvaPage = NULL; break;
        }
        CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "callback %d missing", i);
    }
}

static void test_handles(void)
{
    WHV_EMULATOR_HANDLE h = create(), h2;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0x1000, 0);
    WHV_EMULATOR_STATUS st;

    guest_long_mode(&vp);
    CHECK(WHvEmulatorDestroyEmulator(NULL) == E_INVALIDARG, "destroy NULL");
    CHECK(WHvEmulatorDestroyEmulator((WHV_EMULATOR_HANDLE)(uintptr_t)0x12345678) == E_INVALIDARG,
          "destroy garbage");
    CHECK(WHvEmulatorDestroyEmulator(&vp) == E_INVALIDARG, "destroy a foreign pointer");
    CHECK(WHvEmulatorDestroyEmulator(h) == S_OK, "destroy");
    CHECK(WHvEmulatorDestroyEmulator(h) == E_INVALIDARG, "double destroy");
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == E_INVALIDARG, "use after destroy");
    CHECK(total_calls == 0, "a dead handle made %u callbacks", total_calls);
    /* the slot is reused, but the old handle stays dead */
    h2 = create();
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == E_INVALIDARG, "stale handle");
    CHECK(WHvEmulatorDestroyEmulator(h2) == S_OK, "destroy 2");
}

static void test_try_validation(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0x1000, 0), badm;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io, badio;
    WHV_EMULATOR_STATUS st;

    guest_long_mode(&vp);
    memset(&io, 0, sizeof io);
    io.InstructionByteCount = 1;
    io.InstructionBytes[0] = 0xec; /* in al, dx */
    io.AccessInfo.AccessSize = 1;

    CHECK(WHvEmulatorTryMmioEmulation(NULL, &g, &vp, &m, &st) == E_INVALIDARG, "NULL handle");
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, NULL, &m, &st) == E_INVALIDARG, "NULL VpContext");
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, NULL, &st) == E_INVALIDARG, "NULL mmio");
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, NULL) == E_INVALIDARG, "NULL status");
    badm = m; badm.InstructionByteCount = 17;
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &badm, &st) == E_INVALIDARG, "17 bytes");

    CHECK(WHvEmulatorTryIoEmulation(NULL, &g, &vp, &io, &st) == E_INVALIDARG, "io NULL handle");
    CHECK(WHvEmulatorTryIoEmulation(h, &g, NULL, &io, &st) == E_INVALIDARG, "io NULL vp");
    CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, NULL, &st) == E_INVALIDARG, "io NULL ctx");
    CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, &io, NULL) == E_INVALIDARG, "io NULL status");
    for (unsigned size = 0; size < 8; size++) {
        badio = io; badio.AccessInfo.AccessSize = size;
        if (size != 1 && size != 2 && size != 4)
            CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, &badio, &st) == E_INVALIDARG,
                  "io size %u", size);
    }
    badio = io; badio.InstructionByteCount = 17;
    CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, &badio, &st) == E_INVALIDARG, "io 17 bytes");
    CHECK(total_calls == 0, "invalid calls made %u callbacks", total_calls);
    WHvEmulatorDestroyEmulator(h);
}

/* mov eax, [rbx]: one Get (RBX and what the address needs), the read, one Set (RAX, RIP). */
static void test_mov_load(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0xfee00020, 0);
    WHV_EMULATOR_STATUS st;
    const uint8_t value[4] = { 0x78, 0x56, 0x34, 0x12 };
    HRESULT hr;

    guest_long_mode(&vp);
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0xfee00020;
    guest_reg(&g, WHvX64RegisterRax)->Reg64 = 0xffffffffffffffffull;
    guest_write(&g, 0xfee00020, value, 4);
    hr = WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st);
    CHECK(hr == S_OK, "hr 0x%x", (unsigned)hr);
    CHECK_EQ(st.AsUINT32, 1, "status EmulationSuccessful only");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRax)->Reg64, 0x12345678, "rax zero-extended");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401002, "rip");
    CHECK_EQ(get_calls, 1, "one batched Get");
    CHECK_EQ(set_calls, 1, "one Set");
    CHECK_EQ(set_count, 2, "Set writes RAX and RIP only");
    WHvEmulatorDestroyEmulator(h);
}

/* An event being delivered caused the exit: nothing is emulated. */
static void test_interruption_pending(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0x1000, 0);
    WHV_EMULATOR_STATUS st;

    guest_long_mode(&vp);
    vp.ExecutionState.InterruptionPending = 1;
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK(st.InterruptCausedIntercept && !st.EmulationSuccessful, "status 0x%x", st.AsUINT32);
    CHECK_EQ(total_calls, 0, "no callbacks");
    WHvEmulatorDestroyEmulator(h);
}

/* A valid instruction we do not emulate: InternalEmulationFailure, state untouched. */
static void test_unsupported(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x0f\xa2", 2, 0x1000, 0); /* cpuid */
    WHV_EMULATOR_STATUS st;

    guest_long_mode(&vp);
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK_EQ(st.AsUINT32, 2, "InternalEmulationFailure only");
    CHECK_EQ(set_calls, 0, "no write-back");
    WHvEmulatorDestroyEmulator(h);
}

/* An invalid encoding raises #UD through the pending-interruption register. */
static void test_ud_injection(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\xf0\x8b\x03", 3, 0x1000, 0); /* lock mov */
    WHV_EMULATOR_STATUS st;
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi;

    guest_long_mode(&vp);
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK_EQ(st.AsUINT32, 1, "EmulationSuccessful");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionType == WHvX64PendingException &&
              pi.InterruptionVector == 6 && !pi.DeliverErrorCode,
          "pending 0x%llx", (unsigned long long)pi.AsUINT64);
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000, "rip unchanged");
    WHvEmulatorDestroyEmulator(h);
}

/* Each callback's failure: its status bit, and no register write-back. */
static void test_callback_failures(void)
{
    static const struct {
        enum guest_callback cb;
        uint32_t bit;
        int fetch; /* give no instruction bytes so that translate is needed */
    } cases[] = {
        { GUEST_CB_MEMORY, 1u << 3, 0 },
        { GUEST_CB_TRANSLATE, 1u << 4, 1 },
        { GUEST_CB_GET_REGISTERS, 1u << 6, 0 },
        { GUEST_CB_SET_REGISTERS, 1u << 7, 0 },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        WHV_EMULATOR_HANDLE h = create();
        WHV_VP_EXIT_CONTEXT vp;
        WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0x1000, 0);
        WHV_EMULATOR_STATUS st;

        guest_long_mode(&vp);
        guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x1000;
        guest_write(&g, 0x401000, (const uint8_t *)"\x8b\x03", 2);
        if (cases[i].fetch)
            m.InstructionByteCount = 0;
        g.fail_at[cases[i].cb] = 1;
        CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
        CHECK_EQ(st.AsUINT32, cases[i].bit, "failure status");
        CHECK(cases[i].cb == GUEST_CB_SET_REGISTERS || set_calls == 0, "no write-back");
        CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000, "rip unchanged");
        WHvEmulatorDestroyEmulator(h);
    }
}

/* No instruction bytes in the exit: fetched through execute translation. */
static void test_fetch(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("", 0, 0x2000, 1);
    WHV_EMULATOR_STATUS st;

    guest_long_mode(&vp);
    vp.Rip = 0x400ffe; /* the instruction straddles two pages */
    guest_reg(&g, WHvX64RegisterRip)->Reg64 = vp.Rip;
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x2000;
    guest_reg(&g, WHvX64RegisterRax)->Reg64 = 0x1122334455667788ull;
    guest_write(&g, 0x400ffe, (const uint8_t *)"\x48\x89\x03", 3); /* mov [rbx], rax */
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK_EQ(st.AsUINT32, 1, "status");
    {
        uint8_t out[8];
        guest_read(&g, 0x2000, out, 8);
        CHECK(memcmp(out, "\x88\x77\x66\x55\x44\x33\x22\x11", 8) == 0, "stored value");
    }
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401001, "rip");
    WHvEmulatorDestroyEmulator(h);
}

/* Translation faults become #PF with the architectural error code and CR2; an unaligned
 * GPA from the translate callback is its own status. */
static void test_translation_results(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x89\x03", 2, 0x5000, 1);
    WHV_EMULATOR_STATUS st;
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi;

    m.AccessInfo.GvaValid = 0; /* make the emulator translate */
    guest_long_mode(&vp);
    vp.ExecutionState.Cpl = 3;
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x7000;
    g.mappings[0].gva_page = 0x7000;
    g.mappings[0].result = WHvTranslateGvaResultPrivilegeViolation;
    g.mapping_count = 1;
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK_EQ(st.AsUINT32, 1, "status");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionVector == 14 && pi.DeliverErrorCode,
          "pending #PF");
    CHECK_EQ(pi.ErrorCode, 0x7, "error code P|W|U");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterCr2)->Reg64, 0x7000, "cr2");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000, "rip unchanged");

    /* a second fault while the first is still pending cannot be delivered */
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK_EQ(st.AsUINT32, 1u << 9, "GuestCannotBeFaulted");

    guest_reg(&g, WHvRegisterPendingInterruption)->Reg64 = 0;
    g.mappings[0].result = WHvTranslateGvaResultSuccess;
    g.mappings[0].gpa = 0x9010;
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK_EQ(st.AsUINT32, 1u << 5, "GpaIsNotAligned");
    WHvEmulatorDestroyEmulator(h);
}

/* RFLAGS.TF: the completed instruction is followed by a #DB trap with DR6.BS; a faulting
 * instruction raises only its fault. */
static void test_single_step(void)
{
    WHV_EMULATOR_HANDLE h = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0x3000, 0);
    WHV_EMULATOR_STATUS st;
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi;

    guest_long_mode(&vp);
    vp.Rflags |= 0x100;
    guest_reg(&g, WHvX64RegisterRflags)->Reg64 = vp.Rflags;
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x3000;
    guest_write(&g, 0x3000, (const uint8_t *)"\x01\x02\x03\x04", 4);
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    CHECK_EQ(st.AsUINT32, 1, "status");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionVector == 1 && !pi.DeliverErrorCode, "#DB");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterDr6)->Reg64 & 0x4000, 0x4000, "DR6.BS");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRax)->Reg64, 0x04030201, "the instruction completed");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401002, "rip");

    guest_reg(&g, WHvRegisterPendingInterruption)->Reg64 = 0;
    guest_reg(&g, WHvX64RegisterDr6)->Reg64 = 0;
    m = mmio_context("\xf0\x8b\x03", 3, 0x3000, 0); /* #UD */
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == S_OK, "hr");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionVector == 6, "#UD, not #DB");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterDr6)->Reg64, 0, "DR6 untouched");
    WHvEmulatorDestroyEmulator(h);
}

int main(void)
{
    guest_init(&g);
    test_create_validation();
    test_handles();
    test_try_validation();
    test_mov_load();
    test_interruption_pending();
    test_unsupported();
    test_ud_injection();
    test_callback_failures();
    test_fetch();
    test_translation_results();
    test_single_step();
    guest_free(&g);
    return check_summary();
}
