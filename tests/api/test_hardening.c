/* Regression tests of the front end's hardening against VMMs and guests that push it
 * (docs/semantics.md):
 *  - bounded work per call by default: a REP with RCX = 2^64-1 stops after
 *    WHVEMU_REP_BUDGET_DEFAULT elements, resumable, also in real mode where RAM pages make
 *    elements cheap; running to completion is an explicit option;
 *  - a translate callback that returns S_OK without writing its outputs fails closed;
 *  - destroying and re-creating the emulator inside its own callback: the call in flight
 *    keeps the callbacks and options it started with;
 *  - reserved fields the hypervisor fills are ignored;
 *  - instruction fetch in naturally aligned pieces of 1, 2, 4 or 8 bytes.
 * Handle generations and the create path: test_handles.c. */
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "fixture.h"
#include "guest_vcpu.h"
#include "whvemu.h"

#define RFLAGS_RF 0x10000u
#define STATUS_SUCCESS 0x1u
#define STATUS_TRANSLATE_FAILED (1u << 4)

/* ---- memory accesses, as the device sees them ---- */

struct access {
    uint64_t gpa;
    unsigned size;
    bool write;
};
static struct access accesses[64];
static unsigned access_count, memory_calls;

static HRESULT CALLBACK logged_memory(VOID *ctx, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    if (access_count < sizeof accesses / sizeof accesses[0])
        accesses[access_count++] = (struct access){ m->GpaAddress, m->AccessSize, m->Direction };
    memory_calls++;
    return guest_callbacks.WHvEmulatorMemoryCallback(ctx, m);
}

/* An emulator whose memory callback is logged_memory (the rest: fixture.h). */
static WHV_EMULATOR_HANDLE create_logged(void)
{
    WHV_EMULATOR_CALLBACKS cb = guest_callbacks;
    WHV_EMULATOR_HANDLE h = NULL;

    cb.WHvEmulatorMemoryCallback = logged_memory;
    CHECK(WHvEmulatorCreateEmulator(&cb, &h) == S_OK, "create");
    access_count = memory_calls = 0;
    return h;
}

/* The calls the guest counted of the five SDK callbacks (the RAM callback not included). */
static unsigned sdk_calls(void)
{
    unsigned n = 0;

    for (int kind = 0; kind < GUEST_CB_COUNT; kind++)
        n += g.calls[kind];
    return n;
}

static uint64_t reg64(WHV_REGISTER_NAME name)
{
    return guest_reg(&g, name)->Reg64;
}

static void set_reg64(WHV_REGISTER_NAME name, uint64_t value)
{
    guest_reg(&g, name)->Reg64 = value;
}

static WHV_EMULATOR_STATUS run(WHV_EMULATOR_HANDLE h, const WHV_VP_EXIT_CONTEXT *vp,
                               const WHV_MEMORY_ACCESS_CONTEXT *m)
{
    WHV_EMULATOR_STATUS st = { .AsUINT32 = 0 };
    HRESULT hr = WHvEmulatorTryMmioEmulation(h, &g, vp, m, &st);

    CHECK(hr == S_OK, "hr 0x%x", (unsigned)hr);
    return st;
}

/* ---- 1. bounded work per call ---- */

/* One call of `bytes` with RCX = 2^64-1 does exactly the default budget of elements and
 * leaves the instruction to be resumed. */
static void check_endless_rep(const char *bytes, unsigned n, unsigned size, unsigned accesses_each,
                              const char *what)
{
    WHV_EMULATOR_HANDLE h = create_logged();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context(bytes, n, 0x20000, 1);
    WHV_EMULATOR_STATUS st;
    uint64_t budget = 0;

    guest_long_mode(&vp);
    set_reg64(WHvX64RegisterRcx, UINT64_MAX);
    set_reg64(WHvX64RegisterRsi, 0x100000);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    CHECK(whvemu_get_option(h, WHVEMU_OPTION_REP_BUDGET, &budget) == S_OK &&
              budget == WHVEMU_REP_BUDGET_DEFAULT,
          "%s: default budget %llu", what, (unsigned long long)budget);
    st = run(h, &vp, &m);
    CHECK_EQ(st.AsUINT32, STATUS_SUCCESS, what);
    CHECK_EQ(memory_calls, WHVEMU_REP_BUDGET_DEFAULT * accesses_each, what);
    CHECK_EQ(reg64(WHvX64RegisterRcx), UINT64_MAX - WHVEMU_REP_BUDGET_DEFAULT, what);
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x20000 + WHVEMU_REP_BUDGET_DEFAULT * size, what);
    CHECK_EQ(reg64(WHvX64RegisterRip), vp.Rip, what);
    CHECK(reg64(WHvX64RegisterRflags) & RFLAGS_RF, "%s: RF set to resume", what);
    WHvEmulatorDestroyEmulator(h);
}

/* A VMM that re-enters the guest after each call: 10,000 elements in three exits. */
static void test_rep_resumes(void)
{
    WHV_EMULATOR_HANDLE h = create_logged();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\xf3\x48\xab", 3, 0x20000, 1);
    unsigned calls = 0;

    guest_long_mode(&vp);
    set_reg64(WHvX64RegisterRcx, 10000);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    while (reg64(WHvX64RegisterRip) == vp.Rip && calls < 10) {
        vp.Rflags = reg64(WHvX64RegisterRflags);
        CHECK_EQ(run(h, &vp, &m).AsUINT32, STATUS_SUCCESS, "resumed rep stosq");
        calls++;
    }
    CHECK_EQ(calls, 3, "exits for 10,000 elements");
    CHECK_EQ(memory_calls, 10000, "elements stored");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0, "rcx");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x20000 + 10000 * 8, "rdi");
    CHECK_EQ(reg64(WHvX64RegisterRflags) & RFLAGS_RF, 0, "RF cleared at the end");
    WHvEmulatorDestroyEmulator(h);
}

/* WHVEMU_REP_TO_COMPLETION: the same 10,000 elements in one call. */
static void test_rep_to_completion(void)
{
    WHV_EMULATOR_HANDLE h = create_logged();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\xf3\x48\xab", 3, 0x20000, 1);

    guest_long_mode(&vp);
    set_reg64(WHvX64RegisterRcx, 10000);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    CHECK(whvemu_set_option(h, WHVEMU_OPTION_REP_BUDGET, WHVEMU_REP_TO_COMPLETION) == S_OK,
          "to completion");
    CHECK_EQ(run(h, &vp, &m).AsUINT32, STATUS_SUCCESS, "rep stosq to completion");
    CHECK_EQ(memory_calls, 10000, "elements stored");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0, "rcx");
    CHECK_EQ(reg64(WHvX64RegisterRip), vp.Rip + 3, "rip advanced");
    WHvEmulatorDestroyEmulator(h);
}

/* Real mode with 4 GiB segment limits ("unreal" mode), `67 f3 aa` with ECX = 0xffffffff into
 * a page the VMM maps as RAM: elements cost no callback at all, yet one call still stops
 * after the budget, with only the Get and the Set. (The exit names another page: the RAM
 * callback is never asked about the page whose write exited, which cannot be RAM for it.) */
static void test_rep_real_mode_ram(void)
{
    WHV_EMULATOR_HANDLE h = create_logged();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x67\xf3\xaa", 3, 0x10000, 1);
    WHV_EMULATOR_STATUS st;

    guest_free(&g);
    guest_init(&g);
    vcpu_set_defaults(&g.vcpu, VCPU_REAL16);
    guest_reg(&g, WHvX64RegisterEs)->Segment.Limit = 0xffffffff;
    set_reg64(WHvX64RegisterRcx, 0xffffffff);
    set_reg64(WHvX64RegisterRdi, 0);
    g.ram_pages[g.ram_page_count++] = 0x0;
    vcpu_exit_context(&g.vcpu, 0, &vp);
    CHECK(whvemu_set_ram_callback(h, guest_ram_page) == S_OK, "ram callback");
    memset(g.calls, 0, sizeof g.calls);
    st = run(h, &vp, &m);
    CHECK_EQ(st.AsUINT32, STATUS_SUCCESS, "unreal rep stosb");
    CHECK_EQ(sdk_calls(), 2, "SDK callbacks: one Get, one Set");
    CHECK_EQ(reg64(WHvX64RegisterRcx) & 0xffffffff, 0xffffffffu - WHVEMU_REP_BUDGET_DEFAULT, "ecx");
    CHECK_EQ(reg64(WHvX64RegisterRdi) & 0xffffffff, WHVEMU_REP_BUDGET_DEFAULT, "edi");
    CHECK_EQ(reg64(WHvX64RegisterRip), vp.Rip, "ip stays");
    WHvEmulatorDestroyEmulator(h);
}

/* ---- 2. a translate callback that says S_OK but writes nothing ---- */

enum translate_lapse { WRITES_NOTHING, WRITES_RESULT_ONLY, WRITES_GPA_ONLY, NOT_PRESENT_NO_GPA };
static enum translate_lapse lapse;

static HRESULT CALLBACK lapsing_translate(VOID *ctx, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                          WHV_TRANSLATE_GVA_FLAGS flags,
                                          WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                          WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    (void)ctx, (void)flags;
    if (lapse == WRITES_RESULT_ONLY)
        *result = WHvTranslateGvaResultSuccess;
    if (lapse == WRITES_GPA_ONLY)
        *gpa = gva & ~(uint64_t)0xfff;
    if (lapse == NOT_PRESENT_NO_GPA)
        *result = WHvTranslateGvaResultPageNotPresent;
    return S_OK;
}

static void test_translate_writes_nothing(void)
{
    static const char *const names[] = { "nothing", "result only", "GPA only" };

    for (lapse = WRITES_NOTHING; lapse <= NOT_PRESENT_NO_GPA; lapse++) {
        WHV_EMULATOR_CALLBACKS cb = guest_callbacks;
        WHV_EMULATOR_HANDLE h = NULL;
        WHV_VP_EXIT_CONTEXT vp;
        WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x89\x03", 2, 0x7000, 1);
        WHV_EMULATOR_STATUS st;

        cb.WHvEmulatorMemoryCallback = logged_memory;
        cb.WHvEmulatorTranslateGvaPage = lapsing_translate;
        CHECK(WHvEmulatorCreateEmulator(&cb, &h) == S_OK, "create");
        guest_long_mode(&vp);
        m.AccessInfo.GvaValid = 0; /* make the emulator translate */
        set_reg64(WHvX64RegisterRbx, 0x7000);
        access_count = memory_calls = 0;
        st = run(h, &vp, &m);
        if (lapse == NOT_PRESENT_NO_GPA) {
            /* a fault needs no GPA: #PF is the right answer */
            CHECK_EQ(st.AsUINT32, STATUS_SUCCESS, "not present");
            CHECK_EQ(guest_reg(&g, WHvRegisterPendingInterruption)
                         ->PendingInterruption.InterruptionVector,
                     14, "#PF injected");
        } else {
            CHECK_EQ(st.AsUINT32, STATUS_TRANSLATE_FAILED, names[lapse]);
            CHECK_EQ(memory_calls, 0, names[lapse]); /* nothing went to GPA 0 */
            CHECK_EQ(g.calls[GUEST_CB_SET_REGISTERS], 0, names[lapse]);
        }
        WHvEmulatorDestroyEmulator(h);
    }
}

/* ---- 3. destroy and create from inside a callback ---- */

static WHV_EMULATOR_HANDLE in_flight, successor;
static unsigned successor_calls;

static HRESULT CALLBACK successor_callback(VOID *ctx, const WHV_REGISTER_NAME *n, UINT32 c,
                                           const WHV_REGISTER_VALUE *v)
{
    (void)ctx, (void)n, (void)c, (void)v;
    successor_calls++;
    return E_FAIL;
}

/* The first memory access of the call destroys its emulator and creates another, which
 * gets the freed slot and a Set callback that must not be called. */
static HRESULT CALLBACK destroying_memory(VOID *ctx, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    if (!successor) {
        WHV_EMULATOR_CALLBACKS other = guest_callbacks;
        other.WHvEmulatorSetVirtualProcessorRegisters = successor_callback;
        CHECK(WHvEmulatorDestroyEmulator(in_flight) == S_OK, "destroy in a callback");
        CHECK(WHvEmulatorCreateEmulator(&other, &successor) == S_OK, "create in a callback");
    }
    return guest_callbacks.WHvEmulatorMemoryCallback(ctx, m);
}

static void test_destroy_in_callback(void)
{
    WHV_EMULATOR_CALLBACKS cb = guest_callbacks;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0x3000, 0);
    WHV_EMULATOR_STATUS st;

    cb.WHvEmulatorMemoryCallback = destroying_memory;
    successor = NULL;
    successor_calls = 0;
    CHECK(WHvEmulatorCreateEmulator(&cb, &in_flight) == S_OK, "create");
    guest_long_mode(&vp);
    set_reg64(WHvX64RegisterRbx, 0x3000);
    guest_write(&g, 0x3000, (const uint8_t *)"\x11\x22\x33\x44", 4);
    st = run(in_flight, &vp, &m);
    CHECK_EQ(st.AsUINT32, STATUS_SUCCESS, "the call finished with its own callbacks");
    CHECK_EQ(g.calls[GUEST_CB_SET_REGISTERS], 1, "its Set went to the emulator it started with");
    CHECK_EQ(successor_calls, 0, "none to the new emulator");
    CHECK_EQ(reg64(WHvX64RegisterRax), 0x44332211, "rax");
    /* the low 16 bits of a handle are its slot (src/api/handles.c): the slot was reused */
    CHECK_EQ((uintptr_t)successor & 0xffff, (uintptr_t)in_flight & 0xffff, "slot reused");
    CHECK(successor != in_flight, "with a new generation");
    CHECK(WHvEmulatorTryMmioEmulation(in_flight, &g, &vp, &m, &st) == E_INVALIDARG,
          "the old handle is dead");
    CHECK(WHvEmulatorDestroyEmulator(successor) == S_OK, "the new one is live");
}

/* An option changed from a callback applies from the next call on. */
static HRESULT CALLBACK budget_changing_memory(VOID *ctx, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    CHECK(whvemu_set_option(in_flight, WHVEMU_OPTION_REP_BUDGET, 1) == S_OK, "set in flight");
    return guest_callbacks.WHvEmulatorMemoryCallback(ctx, m);
}

static void test_option_in_callback(void)
{
    WHV_EMULATOR_CALLBACKS cb = guest_callbacks;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\xf3\xaa", 2, 0x3000, 1);

    cb.WHvEmulatorMemoryCallback = budget_changing_memory;
    CHECK(WHvEmulatorCreateEmulator(&cb, &in_flight) == S_OK, "create");
    guest_long_mode(&vp);
    set_reg64(WHvX64RegisterRcx, 5);
    set_reg64(WHvX64RegisterRdi, 0x3000);
    CHECK_EQ(run(in_flight, &vp, &m).AsUINT32, STATUS_SUCCESS, "rep stosb");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0, "all 5 elements with the budget the call began with");
    WHvEmulatorDestroyEmulator(in_flight);
}

/* ---- 4. reserved fields the hypervisor fills ---- */

/* mov eax, [rbx] with one reserved field or bit of the hypervisor's contexts set: emulated
 * as without it. */
static void test_reserved_fields_ignored(void)
{
    for (unsigned field = 0; field < 7; field++) {
        WHV_EMULATOR_HANDLE h = create();
        WHV_VP_EXIT_CONTEXT vp;
        WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("\x8b\x03", 2, 0x3000, 0);

        guest_long_mode(&vp);
        set_reg64(WHvX64RegisterRbx, 0x3000);
        guest_write(&g, 0x3000, (const uint8_t *)"\x55\x66\x77\x08", 4);
        switch (field) {
        case 0: vp.ExecutionState.Reserved0 = 0x1f; break;
        case 1: vp.ExecutionState.Reserved1 = 7; break;
        case 2: vp.Reserved = 0xff; break;
        case 3: vp.Reserved2 = 0xffffffff; break;
        case 4: memset(m.Reserved, 0xff, sizeof m.Reserved); break;
        case 5: m.AccessInfo.Reserved = 0xfffffff; break;
        case 6: m.AccessInfo.AccessType = 3; break; /* a type no hypervisor defines yet */
        }
        CHECK_EQ(run(h, &vp, &m).AsUINT32, STATUS_SUCCESS, "reserved MMIO field");
        CHECK_EQ(reg64(WHvX64RegisterRax), 0x08776655, "loaded");
        WHvEmulatorDestroyEmulator(h);
    }
}

static void test_reserved_io_fields_ignored(void)
{
    for (unsigned field = 0; field < 3; field++) {
        WHV_EMULATOR_HANDLE h = create();
        WHV_VP_EXIT_CONTEXT vp;
        WHV_X64_IO_PORT_ACCESS_CONTEXT io;
        WHV_EMULATOR_STATUS st = { .AsUINT32 = 0 };

        guest_long_mode(&vp);
        memset(&io, 0, sizeof io);
        io.InstructionByteCount = 1;
        io.InstructionBytes[0] = 0xee; /* out dx, al */
        io.AccessInfo.IsWrite = 1;
        io.AccessInfo.AccessSize = 1;
        io.PortNumber = 0x80;
        switch (field) {
        case 0: memset(io.Reserved, 0xff, sizeof io.Reserved); break;
        case 1: memset(io.Reserved2, 0xff, sizeof io.Reserved2); break;
        case 2: io.AccessInfo.Reserved = 0x3ffffff; break;
        }
        CHECK(WHvEmulatorTryIoEmulation(h, &g, &vp, &io, &st) == S_OK, "hr");
        CHECK_EQ(st.AsUINT32, STATUS_SUCCESS, "reserved I/O field");
        CHECK_EQ(reg64(WHvX64RegisterRip), vp.Rip + 1, "rip");
        WHvEmulatorDestroyEmulator(h);
    }
}

/* ---- 5. instruction fetch pieces ---- */

/* mov rax, [rbx+0x11223344] fetched from every offset of an 8-byte line and across a page
 * end: each fetch piece is 1, 2, 4 or 8 bytes, naturally aligned, within one page. */
static void test_fetch_pieces(void)
{
    static const uint64_t rips[] = { 0x401000, 0x401001, 0x401002, 0x401003, 0x401004,
                                     0x401005, 0x401006, 0x401007, 0x400ff9, 0x400ffd };
    static const uint8_t insn[] = { 0x48, 0x8b, 0x83, 0x44, 0x33, 0x22, 0x11 };

    for (unsigned i = 0; i < sizeof rips / sizeof rips[0]; i++) {
        WHV_EMULATOR_HANDLE h = create_logged();
        WHV_VP_EXIT_CONTEXT vp;
        WHV_MEMORY_ACCESS_CONTEXT m = mmio_context("", 0, 0x11224344, 0);
        unsigned fetched = 0;

        guest_long_mode(&vp);
        vp.Rip = rips[i];
        set_reg64(WHvX64RegisterRip, vp.Rip);
        set_reg64(WHvX64RegisterRbx, 0x1000);
        guest_write(&g, vp.Rip, insn, sizeof insn);
        guest_write(&g, 0x11224344, (const uint8_t *)"\x01\x02\x03\x04\x05\x06\x07\x08", 8);
        CHECK_EQ(run(h, &vp, &m).AsUINT32, STATUS_SUCCESS, "mov rax, [rbx+disp32]");
        CHECK_EQ(reg64(WHvX64RegisterRax), 0x0807060504030201ull, "loaded");
        for (unsigned a = 0; a < access_count; a++) {
            const struct access *p = &accesses[a];
            if (p->gpa >> 20 != 0x4)
                continue; /* the data access */
            fetched += p->size;
            CHECK((p->size == 1 || p->size == 2 || p->size == 4 || p->size == 8) &&
                      p->gpa % p->size == 0 && (p->gpa & 0xfff) + p->size <= 0x1000,
                  "rip 0x%llx: fetch of %u at 0x%llx", (unsigned long long)vp.Rip, p->size,
                  (unsigned long long)p->gpa);
        }
        CHECK(fetched >= sizeof insn && fetched <= 15, "rip 0x%llx: %u bytes fetched",
              (unsigned long long)vp.Rip, fetched);
        WHvEmulatorDestroyEmulator(h);
    }
}

int main(void)
{
    guest_init(&g);
    check_endless_rep("\xf3\x48\xab", 3, 8, 1, "rep stosq, rcx 2^64-1");
    check_endless_rep("\xf3\xa4", 2, 1, 2, "rep movsb, rcx 2^64-1");
    test_rep_resumes();
    test_rep_to_completion();
    test_rep_real_mode_ram();
    test_translate_writes_nothing();
    test_destroy_in_callback();
    test_option_in_callback();
    test_reserved_fields_ignored();
    test_reserved_io_fields_ignored();
    test_fetch_pieces();
    guest_free(&g);
    return check_summary();
}
