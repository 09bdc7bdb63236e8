/* The API front end: argument validation, handle checks, status mapping, the register
 * cache's traffic (one batched Get, one Set of what changed), fault injection, callback
 * failures, instruction fetch. Uses the CLI's in-memory guest, which counts the callbacks. */
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "fixture.h"
#include "guest_vcpu.h"

/* One test's emulator and MMIO exit, on a fresh long-mode guest. */
struct api_exit {
    WHV_EMULATOR_HANDLE h;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m;
    WHV_EMULATOR_STATUS st;
};

static struct api_exit exit_at(const char *bytes, unsigned n, uint64_t gpa, int write)
{
    struct api_exit x;

    x.h = create();
    guest_long_mode(&x.vp);
    x.m = mmio_context(bytes, n, gpa, write);
    return x;
}

static HRESULT try_mmio(struct api_exit *x)
{
    return WHvEmulatorTryMmioEmulation(x->h, &g, &x->vp, &x->m, &x->st);
}

TEST(test_create_validation)
{
    WHV_EMULATOR_CALLBACKS cb = guest_callbacks, bad;
    WHV_EMULATOR_HANDLE h = NULL;

    CHECK(WHvEmulatorCreateEmulator(NULL, &h) == E_INVALIDARG, "NULL callbacks");
    CHECK(WHvEmulatorCreateEmulator(&cb, NULL) == E_INVALIDARG, "NULL handle pointer");
    bad = cb;
    bad.Size = 0;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "Size 0");
    bad = cb;
    bad.Size = sizeof bad - 8;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "Size short");
    bad = cb;
    bad.Size = sizeof bad + 8;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "Size long");
    bad = cb;
    bad.Reserved = 1;
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

TEST(test_handles)
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
    CHECK(g.callback_count == 0, "a dead handle made %u callbacks", g.callback_count);
    /* the slot is reused, but the old handle stays dead */
    h2 = create();
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &m, &st) == E_INVALIDARG, "stale handle");
    CHECK(WHvEmulatorDestroyEmulator(h2) == S_OK, "destroy 2");
}

TEST(test_try_validation)
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
    badm = m;
    badm.InstructionByteCount = 17;
    CHECK(WHvEmulatorTryMmioEmulation(h, &g, &vp, &badm, &st) == E_INVALIDARG, "17 bytes");

    CHECK(WHvEmulatorTryIoEmulation(NULL, &g, &vp, &io, &st) == E_INVALIDARG, "io NULL handle");
    CHECK(WHvEmulatorTryIoEmulation(h, &g, NULL, &io, &st) == E_INVALIDARG, "io NULL vp");
    CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, NULL, &st) == E_INVALIDARG, "io NULL ctx");
    CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, &io, NULL) == E_INVALIDARG, "io NULL status");
    for (unsigned size = 0; size < 8; size++) {
        badio = io;
        badio.AccessInfo.AccessSize = size;
        if (size != 1 && size != 2 && size != 4)
            CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, &badio, &st) == E_INVALIDARG, "io size %u",
                  size);
    }
    badio = io;
    badio.InstructionByteCount = 17;
    CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, &badio, &st) == E_INVALIDARG, "io 17 bytes");
    CHECK(g.callback_count == 0, "invalid calls made %u callbacks", g.callback_count);
    WHvEmulatorDestroyEmulator(h);
}

/* mov eax, [rbx]: one Get (RBX and what the address needs), the read, one Set (RAX, RIP). */
TEST(test_mov_load)
{
    struct api_exit x = exit_at("\x8b\x03", 2, 0xfee00020, 0);
    const uint8_t value[4] = { 0x78, 0x56, 0x34, 0x12 };
    HRESULT hr;

    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0xfee00020;
    guest_reg(&g, WHvX64RegisterRax)->Reg64 = 0xffffffffffffffffull;
    guest_write(&g, 0xfee00020, value, 4);
    hr = try_mmio(&x);
    CHECK(hr == S_OK, "hr 0x%x", (unsigned)hr);
    CHECK_EQ(x.st.AsUINT32, 1, "status EmulationSuccessful only");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRax)->Reg64, 0x12345678, "rax zero-extended");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401002, "rip");
    CHECK_EQ(g.calls[GUEST_CB_GET_REGISTERS], 1, "one batched Get");
    CHECK_EQ(g.calls[GUEST_CB_SET_REGISTERS], 1, "one Set");
    CHECK_EQ(g.set_name_count, 2, "Set writes RAX and RIP only");
    WHvEmulatorDestroyEmulator(x.h);
}

/* An event being delivered caused the exit: nothing is emulated. */
TEST(test_interruption_pending)
{
    struct api_exit x = exit_at("\x8b\x03", 2, 0x1000, 0);

    x.vp.ExecutionState.InterruptionPending = 1;
    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK(x.st.InterruptCausedIntercept && !x.st.EmulationSuccessful, "status 0x%x", x.st.AsUINT32);
    CHECK_EQ(g.callback_count, 0, "no callbacks");
    WHvEmulatorDestroyEmulator(x.h);
}

/* A valid instruction we do not emulate: InternalEmulationFailure, state untouched. */
TEST(test_unsupported)
{
    struct api_exit x = exit_at("\x0f\xa2", 2, 0x1000, 0); /* cpuid */

    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK_EQ(x.st.AsUINT32, 2, "InternalEmulationFailure only");
    CHECK_EQ(g.calls[GUEST_CB_SET_REGISTERS], 0, "no write-back");
    WHvEmulatorDestroyEmulator(x.h);
}

/* An invalid encoding raises #UD through the pending-interruption register. */
TEST(test_ud_injection)
{
    struct api_exit x = exit_at("\xf0\x8b\x03", 3, 0x1000, 0); /* lock mov */
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi;

    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK_EQ(x.st.AsUINT32, 1, "EmulationSuccessful");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionType == WHvX64PendingException &&
              pi.InterruptionVector == 6 && !pi.DeliverErrorCode,
          "pending 0x%llx", (unsigned long long)pi.AsUINT64);
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000, "rip unchanged");
    WHvEmulatorDestroyEmulator(x.h);
}

/* Each callback's failure: its status bit, and no register write-back. */
TEST(test_callback_failures)
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
        struct api_exit x = exit_at("\x8b\x03", 2, 0x1000, 0);

        guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x1000;
        guest_write(&g, 0x401000, (const uint8_t *)"\x8b\x03", 2);
        if (cases[i].fetch)
            x.m.InstructionByteCount = 0;
        g.fail_at[cases[i].cb] = 1;
        CHECK(try_mmio(&x) == S_OK, "hr");
        CHECK_EQ(x.st.AsUINT32, cases[i].bit, "failure status");
        CHECK(cases[i].cb == GUEST_CB_SET_REGISTERS || g.calls[GUEST_CB_SET_REGISTERS] == 0,
              "no write-back");
        CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000, "rip unchanged");
        WHvEmulatorDestroyEmulator(x.h);
    }
}

/* No instruction bytes in the exit: fetched through execute translation. */
TEST(test_fetch)
{
    struct api_exit x = exit_at("", 0, 0x2000, 1);

    x.vp.Rip = 0x400ffe; /* the instruction straddles two pages */
    guest_reg(&g, WHvX64RegisterRip)->Reg64 = x.vp.Rip;
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x2000;
    guest_reg(&g, WHvX64RegisterRax)->Reg64 = 0x1122334455667788ull;
    guest_write(&g, 0x400ffe, (const uint8_t *)"\x48\x89\x03", 3); /* mov [rbx], rax */
    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK_EQ(x.st.AsUINT32, 1, "status");
    {
        uint8_t out[8];
        guest_read(&g, 0x2000, out, 8);
        CHECK(memcmp(out, "\x88\x77\x66\x55\x44\x33\x22\x11", 8) == 0, "stored value");
    }
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401001, "rip");
    WHvEmulatorDestroyEmulator(x.h);
}

/* Translation faults become #PF with the architectural error code and CR2; an unaligned
 * GPA from the translate callback is its own status. */
TEST(test_translation_results)
{
    struct api_exit x = exit_at("\x89\x03", 2, 0x5000, 1);
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi;

    x.m.AccessInfo.GvaValid = 0; /* make the emulator translate */
    x.vp.ExecutionState.Cpl = 3;
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x7000;
    g.mappings[0].gva_page = 0x7000;
    g.mappings[0].result = WHvTranslateGvaResultPrivilegeViolation;
    g.mapping_count = 1;
    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK_EQ(x.st.AsUINT32, 1, "status");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionVector == 14 && pi.DeliverErrorCode,
          "pending #PF");
    CHECK_EQ(pi.ErrorCode, 0x7, "error code P|W|U");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterCr2)->Reg64, 0x7000, "cr2");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401000, "rip unchanged");

    /* a second fault while the first is still pending cannot be delivered */
    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK_EQ(x.st.AsUINT32, 1u << 9, "GuestCannotBeFaulted");

    guest_reg(&g, WHvRegisterPendingInterruption)->Reg64 = 0;
    g.mappings[0].result = WHvTranslateGvaResultSuccess;
    g.mappings[0].gpa = 0x9010;
    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK_EQ(x.st.AsUINT32, 1u << 5, "GpaIsNotAligned");
    WHvEmulatorDestroyEmulator(x.h);
}

/* RFLAGS.TF: the completed instruction is followed by a #DB trap with DR6.BS; a faulting
 * instruction raises only its fault. */
TEST(test_single_step)
{
    struct api_exit x = exit_at("\x8b\x03", 2, 0x3000, 0);
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi;

    x.vp.Rflags |= 0x100;
    guest_reg(&g, WHvX64RegisterRflags)->Reg64 = x.vp.Rflags;
    guest_reg(&g, WHvX64RegisterRbx)->Reg64 = 0x3000;
    guest_write(&g, 0x3000, (const uint8_t *)"\x01\x02\x03\x04", 4);
    CHECK(try_mmio(&x) == S_OK, "hr");
    CHECK_EQ(x.st.AsUINT32, 1, "status");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionVector == 1 && !pi.DeliverErrorCode, "#DB");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterDr6)->Reg64 & 0x4000, 0x4000, "DR6.BS");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRax)->Reg64, 0x04030201, "the instruction completed");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterRip)->Reg64, 0x401002, "rip");

    guest_reg(&g, WHvRegisterPendingInterruption)->Reg64 = 0;
    guest_reg(&g, WHvX64RegisterDr6)->Reg64 = 0;
    x.m = mmio_context("\xf0\x8b\x03", 3, 0x3000, 0); /* #UD */
    CHECK(try_mmio(&x) == S_OK, "hr");
    pi = guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pi.InterruptionPending && pi.InterruptionVector == 6, "#UD, not #DB");
    CHECK_EQ(guest_reg(&g, WHvX64RegisterDr6)->Reg64, 0, "DR6 untouched");
    WHvEmulatorDestroyEmulator(x.h);
}

int main(void)
{
    return fixture_main();
}
