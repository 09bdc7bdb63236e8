/* A Windows VMM's use of the emulator, as its author would write it: built against
 * mingw-w64's own SDK headers (<winhvemulation.h>) and import library (-lwinhvemulation),
 * then run under Wine with whvemu's WinHvEmulation.dll beside the .exe. Nothing here comes
 * from whvemu's headers, unless WHVEMU_EXTENSIONS is defined: then whvemu.h is included
 * after the SDK header (docs/abi.md) and the program links whvemu's own import library.
 *
 * The guest: 256 KiB of RAM at GPA 0 mapped 1:1, a device page at GPA 0xfee00000, ports
 * that read back a fixed value, registers kept by name. Scenarios: argument validation,
 * MMIO loads and stores, REP MOVSB, the default REP budget, port I/O and REP OUTSB, #PF
 * injection, GuestCannotBeFaulted, instruction fetch with no bytes given, a failing
 * callback, SIMD computation on the host, and two threads with an emulator each. Exit
 * status: the number of failed checks. */
#include <windows.h>
#include <winhvemulation.h>
#ifdef WHVEMU_EXTENSIONS
#include <whvemu.h>
#endif

#include <stdio.h>
#include <string.h>

#define RAM_SIZE 0x40000u
#define DEVICE_PAGE 0xfee00000u
#define DEVICE_VALUE 0x12345678u
#define PORT_VALUE 0xa5u
#define CODE_RIP 0x1000u
#define MAX_REGS 64

static LONG failed_checks, passed_checks;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            InterlockedIncrement(&passed_checks);                                                  \
        } else {                                                                                   \
            InterlockedIncrement(&failed_checks);                                                  \
            printf("%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);                        \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

struct vm {
    WHV_REGISTER_NAME names[MAX_REGS];
    WHV_REGISTER_VALUE values[MAX_REGS];
    unsigned reg_count;
    UINT8 ram[RAM_SIZE];
    UINT64 device_write; /* the last value written to the device page */
    unsigned device_writes;
    UINT8 port_out[16]; /* bytes written to ports, in order */
    unsigned port_out_count;
    UINT64 not_present_page; /* translate says PageNotPresent for this GVA page */
    BOOL fail_memory;        /* the memory callback returns E_FAIL */
    unsigned set_calls;
};

/* The register by name, created (zero) on first use. */
static WHV_REGISTER_VALUE *reg(struct vm *vm, WHV_REGISTER_NAME name)
{
    for (unsigned i = 0; i < vm->reg_count; i++)
        if (vm->names[i] == name)
            return &vm->values[i];
    if (vm->reg_count == MAX_REGS)
        return NULL;
    vm->names[vm->reg_count] = name;
    memset(&vm->values[vm->reg_count], 0, sizeof vm->values[0]);
    return &vm->values[vm->reg_count++];
}

static HRESULT CALLBACK on_io(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    struct vm *vm = context;
    if (io->Direction == 0)
        io->Data = PORT_VALUE;
    else if (vm->port_out_count < sizeof vm->port_out)
        vm->port_out[vm->port_out_count++] = (UINT8)io->Data;
    return S_OK;
}

static HRESULT CALLBACK on_memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    struct vm *vm = context;
    UINT64 value = 0;

    if (vm->fail_memory)
        return E_FAIL;
    if ((m->GpaAddress & ~0xfffull) == DEVICE_PAGE) {
        if (m->Direction == 0) {
            UINT32 v = DEVICE_VALUE;
            memcpy(m->Data, &v, m->AccessSize < 4 ? m->AccessSize : 4);
        } else {
            memcpy(&value, m->Data, m->AccessSize);
            vm->device_write = value;
            vm->device_writes++;
        }
        return S_OK;
    }
    if (m->GpaAddress + m->AccessSize > RAM_SIZE)
        return E_FAIL;
    if (m->Direction == 0)
        memcpy(m->Data, vm->ram + m->GpaAddress, m->AccessSize);
    else
        memcpy(vm->ram + m->GpaAddress, m->Data, m->AccessSize);
    return S_OK;
}

static HRESULT CALLBACK on_get(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                               WHV_REGISTER_VALUE *values)
{
    struct vm *vm = context;
    for (UINT32 i = 0; i < count; i++) {
        WHV_REGISTER_VALUE *v = reg(vm, names[i]);
        if (!v)
            return E_FAIL;
        values[i] = *v;
    }
    return S_OK;
}

static HRESULT CALLBACK on_set(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                               const WHV_REGISTER_VALUE *values)
{
    struct vm *vm = context;
    vm->set_calls++;
    for (UINT32 i = 0; i < count; i++) {
        WHV_REGISTER_VALUE *v = reg(vm, names[i]);
        if (!v)
            return E_FAIL;
        *v = values[i];
    }
    return S_OK;
}

static HRESULT CALLBACK on_translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                     WHV_TRANSLATE_GVA_FLAGS flags,
                                     WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                     WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    struct vm *vm = context;
    (void)flags;
    *result = (gva & ~0xfffull) == vm->not_present_page ? WHvTranslateGvaResultPageNotPresent
                                                        : WHvTranslateGvaResultSuccess;
    *gpa = gva & ~0xfffull;
    return S_OK;
}

static const WHV_EMULATOR_CALLBACKS callbacks = {
    sizeof(WHV_EMULATOR_CALLBACKS), 0, on_io, on_memory, on_get, on_set, on_translate,
};

static UINT64 reg64(struct vm *vm, WHV_REGISTER_NAME name)
{
    return reg(vm, name)->Reg64;
}

/* A flat 64-bit guest at CPL 0 with paging, RIP at CODE_RIP, and its exit context. */
static void long_mode(struct vm *vm, WHV_VP_EXIT_CONTEXT *vp)
{
    WHV_X64_SEGMENT_REGISTER cs;

    memset(vm, 0, sizeof *vm);
    vm->not_present_page = ~0ull;
    memset(&cs, 0, sizeof cs);
    cs.Selector = 0x10;
    cs.Limit = 0xffffffff;
    cs.SegmentType = 0xb;
    cs.NonSystemSegment = 1;
    cs.Present = 1;
    cs.Long = 1;
    reg(vm, WHvX64RegisterCs)->Segment = cs;
    reg(vm, WHvX64RegisterRip)->Reg64 = CODE_RIP;
    reg(vm, WHvX64RegisterRflags)->Reg64 = 0x2;
    reg(vm, WHvX64RegisterCr0)->Reg64 = 0x80000011;
    reg(vm, WHvX64RegisterCr4)->Reg64 = 0x20;
    reg(vm, WHvX64RegisterEfer)->Reg64 = 0x500;
    memset(vp, 0, sizeof *vp);
    vp->ExecutionState.Cr0Pe = 1;
    vp->ExecutionState.EferLma = 1;
    vp->Cs = cs;
    vp->Rip = CODE_RIP;
    vp->Rflags = 0x2;
}

static WHV_MEMORY_ACCESS_CONTEXT mmio(const char *bytes, unsigned n, UINT64 gpa, int write)
{
    WHV_MEMORY_ACCESS_CONTEXT m;
    memset(&m, 0, sizeof m);
    m.InstructionByteCount = (UINT8)n;
    memcpy(m.InstructionBytes, bytes, n);
    m.AccessInfo.AccessType = write ? WHvMemoryAccessWrite : WHvMemoryAccessRead;
    m.AccessInfo.GvaValid = 1;
    m.Gpa = gpa;
    m.Gva = gpa;
    return m;
}

static WHV_EMULATOR_STATUS try_mmio(WHV_EMULATOR_HANDLE h, struct vm *vm,
                                    const WHV_VP_EXIT_CONTEXT *vp,
                                    const WHV_MEMORY_ACCESS_CONTEXT *m)
{
    WHV_EMULATOR_STATUS st;
    HRESULT hr;

    st.AsUINT32 = 0;
    hr = WHvEmulatorTryMmioEmulation(h, vm, vp, m, &st);
    CHECK(hr == S_OK, "TryMmioEmulation hr 0x%lx", (unsigned long)hr);
    return st;
}

static WHV_EMULATOR_HANDLE create(void)
{
    WHV_EMULATOR_HANDLE h = NULL;
    HRESULT hr = WHvEmulatorCreateEmulator(&callbacks, &h);
    CHECK(hr == S_OK && h != NULL, "create hr 0x%lx", (unsigned long)hr);
    return h;
}

static struct vm vm1, vm2;

/* The emulator this process loaded is the DLL beside it, under the SDK's name. */
static void test_loaded_dll(void)
{
    char path[MAX_PATH] = "", exe[MAX_PATH] = "";
    HMODULE dll = GetModuleHandleA("winhvemulation.dll");
    char *slash;

    CHECK(dll != NULL, "winhvemulation.dll is loaded");
    GetModuleFileNameA(dll, path, sizeof path);
    GetModuleFileNameA(NULL, exe, sizeof exe);
    slash = strrchr(exe, '\\');
    if (slash)
        slash[1] = '\0';
    CHECK(_strnicmp(path, exe, strlen(exe)) == 0 &&
              _stricmp(path + strlen(exe), "WinHvEmulation.dll") == 0,
          "loaded %s, the .exe is in %s", path, exe);
}

static void test_invalid_arguments(void)
{
    WHV_EMULATOR_CALLBACKS bad = callbacks;
    WHV_EMULATOR_HANDLE h = NULL, live = create();
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("\x8b\x03", 2, DEVICE_PAGE, 0);
    WHV_EMULATOR_STATUS st;

    long_mode(&vm1, &vp);
    CHECK(WHvEmulatorCreateEmulator(NULL, &h) == E_INVALIDARG, "NULL callbacks");
    CHECK(WHvEmulatorCreateEmulator(&callbacks, NULL) == E_INVALIDARG, "NULL handle");
    bad.Size = 8;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "wrong Size");
    bad = callbacks;
    bad.WHvEmulatorTranslateGvaPage = NULL;
    CHECK(WHvEmulatorCreateEmulator(&bad, &h) == E_INVALIDARG, "NULL callback");
    CHECK(WHvEmulatorDestroyEmulator(NULL) == E_INVALIDARG, "destroy NULL");
    CHECK(WHvEmulatorDestroyEmulator((WHV_EMULATOR_HANDLE)&vp) == E_INVALIDARG, "destroy junk");
    CHECK(WHvEmulatorTryMmioEmulation(NULL, &vm1, &vp, &m, &st) == E_INVALIDARG, "NULL emulator");
    CHECK(WHvEmulatorTryMmioEmulation(live, &vm1, &vp, &m, NULL) == E_INVALIDARG, "NULL status");
    m.InstructionByteCount = 17;
    CHECK(WHvEmulatorTryMmioEmulation(live, &vm1, &vp, &m, &st) == E_INVALIDARG, "17 bytes");
    CHECK(WHvEmulatorDestroyEmulator(live) == S_OK, "destroy");
    CHECK(WHvEmulatorDestroyEmulator(live) == E_INVALIDARG, "destroy twice");
}

/* mov eax, [rbx] and mov [rbx], eax on the device page. */
static void test_mmio(WHV_EMULATOR_HANDLE h, struct vm *vm)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT load = mmio("\x8b\x03", 2, DEVICE_PAGE + 0x20, 0);
    WHV_MEMORY_ACCESS_CONTEXT store = mmio("\x89\x03", 2, DEVICE_PAGE + 0x30, 1);

    long_mode(vm, &vp);
    reg(vm, WHvX64RegisterRbx)->Reg64 = DEVICE_PAGE + 0x20;
    reg(vm, WHvX64RegisterRax)->Reg64 = ~0ull;
    CHECK(try_mmio(h, vm, &vp, &load).AsUINT32 == 1, "load status");
    CHECK(reg64(vm, WHvX64RegisterRax) == DEVICE_VALUE, "rax 0x%llx",
          (unsigned long long)reg64(vm, WHvX64RegisterRax));
    CHECK(reg64(vm, WHvX64RegisterRip) == CODE_RIP + 2, "rip after the load");
    vp.Rip = CODE_RIP + 2;
    reg(vm, WHvX64RegisterRbx)->Reg64 = DEVICE_PAGE + 0x30;
    reg(vm, WHvX64RegisterRax)->Reg64 = 0xcafef00d;
    CHECK(try_mmio(h, vm, &vp, &store).AsUINT32 == 1, "store status");
    CHECK(vm->device_writes == 1 && vm->device_write == 0xcafef00d, "device saw %u writes, 0x%llx",
          vm->device_writes, (unsigned long long)vm->device_write);
}

/* rep movsb of 100 bytes between RAM pages. */
static void test_rep_movsb(WHV_EMULATOR_HANDLE h)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("\xf3\xa4", 2, 0x20000, 1);

    long_mode(&vm1, &vp);
    for (unsigned i = 0; i < 100; i++)
        vm1.ram[0x10000 + i] = (UINT8)(i * 3 + 1);
    reg(&vm1, WHvX64RegisterRsi)->Reg64 = 0x10000;
    reg(&vm1, WHvX64RegisterRdi)->Reg64 = 0x20000;
    reg(&vm1, WHvX64RegisterRcx)->Reg64 = 100;
    CHECK(try_mmio(h, &vm1, &vp, &m).AsUINT32 == 1, "rep movsb status");
    CHECK(memcmp(vm1.ram + 0x10000, vm1.ram + 0x20000, 100) == 0, "copied");
    CHECK(reg64(&vm1, WHvX64RegisterRcx) == 0 && reg64(&vm1, WHvX64RegisterRsi) == 0x10064 &&
              reg64(&vm1, WHvX64RegisterRdi) == 0x20064,
          "rcx/rsi/rdi after rep movsb");
}

/* rep stosb of 100,000 bytes: the default budget stops it after 4096, resumable. */
static void test_rep_budget(WHV_EMULATOR_HANDLE h)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("\xf3\xaa", 2, 0x1000, 1);

    long_mode(&vm1, &vp);
    reg(&vm1, WHvX64RegisterRdi)->Reg64 = 0x2000;
    reg(&vm1, WHvX64RegisterRcx)->Reg64 = 100000;
    CHECK(try_mmio(h, &vm1, &vp, &m).AsUINT32 == 1, "rep stosb status");
    CHECK(reg64(&vm1, WHvX64RegisterRcx) == 100000 - 4096, "rcx 0x%llx after one call",
          (unsigned long long)reg64(&vm1, WHvX64RegisterRcx));
    CHECK(reg64(&vm1, WHvX64RegisterRip) == CODE_RIP, "rip stays for the guest to resume");
}

static WHV_EMULATOR_STATUS try_io(WHV_EMULATOR_HANDLE h, struct vm *vm, const char *bytes,
                                  unsigned n, BOOL write, BOOL string, UINT16 port)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;
    WHV_EMULATOR_STATUS st;

    long_mode(vm, &vp);
    memset(&io, 0, sizeof io);
    io.InstructionByteCount = (UINT8)n;
    memcpy(io.InstructionBytes, bytes, n);
    io.AccessInfo.IsWrite = write;
    io.AccessInfo.AccessSize = 1;
    io.AccessInfo.StringOp = string;
    io.AccessInfo.RepPrefix = string;
    io.PortNumber = port;
    io.Rax = 0x41;
    io.Rcx = 3;
    io.Rsi = 0x3000;
    io.Ds = vp.Cs;
    io.Es = vp.Cs;
    memcpy(vm->ram + 0x3000, "XYZ", 3);
    reg(vm, WHvX64RegisterRax)->Reg64 = io.Rax;
    reg(vm, WHvX64RegisterRcx)->Reg64 = io.Rcx;
    reg(vm, WHvX64RegisterRsi)->Reg64 = io.Rsi;
    st.AsUINT32 = 0;
    CHECK(WHvEmulatorTryIoEmulation(h, vm, &vp, &io, &st) == S_OK, "TryIoEmulation hr");
    return st;
}

static void test_port_io(WHV_EMULATOR_HANDLE h)
{
    CHECK(try_io(h, &vm1, "\xec", 1, FALSE, FALSE, 0x60).AsUINT32 == 1, "in al, dx");
    CHECK((reg64(&vm1, WHvX64RegisterRax) & 0xff) == PORT_VALUE, "al from the port");
    CHECK(try_io(h, &vm1, "\xee", 1, TRUE, FALSE, 0x3f8).AsUINT32 == 1, "out dx, al");
    CHECK(vm1.port_out_count == 1 && vm1.port_out[0] == 0x41, "the port saw AL");
    CHECK(try_io(h, &vm1, "\xf3\x6e", 2, TRUE, TRUE, 0x3f8).AsUINT32 == 1, "rep outsb");
    CHECK(vm1.port_out_count == 3 && memcmp(vm1.port_out, "XYZ", 3) == 0, "the port saw XYZ");
    CHECK(reg64(&vm1, WHvX64RegisterRcx) == 0 && reg64(&vm1, WHvX64RegisterRsi) == 0x3003,
          "rcx/rsi after rep outsb");
}

/* A page that is not present: #PF in the pending-interruption register and CR2; with an
 * event already pending, GuestCannotBeFaulted. */
static void test_page_fault(WHV_EMULATOR_HANDLE h)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("\x8b\x03", 2, 0x5000, 0);
    WHV_X64_PENDING_INTERRUPTION_REGISTER pending;

    long_mode(&vm1, &vp);
    m.AccessInfo.GvaValid = 0;
    vm1.not_present_page = 0x7000;
    reg(&vm1, WHvX64RegisterRbx)->Reg64 = 0x7008;
    CHECK(try_mmio(h, &vm1, &vp, &m).AsUINT32 == 1, "#PF status");
    pending = reg(&vm1, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(pending.InterruptionPending && pending.InterruptionVector == 14 &&
              pending.DeliverErrorCode && pending.ErrorCode == 0,
          "pending 0x%llx", (unsigned long long)pending.AsUINT64);
    CHECK(reg64(&vm1, WHvX64RegisterCr2) == 0x7008, "cr2");
    CHECK(reg64(&vm1, WHvX64RegisterRip) == CODE_RIP, "rip unchanged");
    CHECK(try_mmio(h, &vm1, &vp, &m).AsUINT32 == (1u << 9), "GuestCannotBeFaulted");
}

/* No instruction bytes in the exit: fetched through translation and the memory callback. */
static void test_fetch(WHV_EMULATOR_HANDLE h)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("", 0, DEVICE_PAGE, 0);

    long_mode(&vm1, &vp);
    memcpy(vm1.ram + CODE_RIP, "\x48\x8b\x03", 3); /* mov rax, [rbx] */
    reg(&vm1, WHvX64RegisterRbx)->Reg64 = DEVICE_PAGE;
    CHECK(try_mmio(h, &vm1, &vp, &m).AsUINT32 == 1, "fetched instruction");
    CHECK(reg64(&vm1, WHvX64RegisterRax) == DEVICE_VALUE, "rax");
    CHECK(reg64(&vm1, WHvX64RegisterRip) == CODE_RIP + 3, "rip");
}

static void test_callback_failure(WHV_EMULATOR_HANDLE h)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("\x8b\x03", 2, DEVICE_PAGE, 0);

    long_mode(&vm1, &vp);
    vm1.fail_memory = TRUE;
    reg(&vm1, WHvX64RegisterRbx)->Reg64 = DEVICE_PAGE;
    CHECK(try_mmio(h, &vm1, &vp, &m).AsUINT32 == (1u << 3), "MemoryCallbackFailed only");
    CHECK(vm1.set_calls == 0, "no register written back");
}

/* PADDD xmm0, [rbx] from RAM: SIMD computation runs in a stub the DLL writes into a page of
 * the calling thread (VirtualAlloc, VirtualProtect, FlushInstructionCache; freed by a
 * fiber-local callback when the thread exits). The result is the CPU's. */
static void test_simd_compute(WHV_EMULATOR_HANDLE h, struct vm *vm)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("\x66\x0f\xfe\x03", 4, 0x3000, 0);
    const UINT64 a[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
    const UINT64 b[2] = { 0x1111111122222222ull, 0x80000000ffffffffull };
    UINT64 want[2] = { a[0], a[1] };
    const WHV_UINT128 *x;

    __asm__("movdqu %0, %%xmm0\n\tpaddd %1, %%xmm0\n\tmovdqu %%xmm0, %0"
            : "+m"(want)
            : "m"(b)
            : "xmm0");
    long_mode(vm, &vp);
    reg(vm, WHvX64RegisterCr4)->Reg64 = 0x220; /* PAE, OSFXSR */
    memcpy(vm->ram + 0x3000, b, sizeof b);
    reg(vm, WHvX64RegisterRbx)->Reg64 = 0x3000;
    reg(vm, WHvX64RegisterXmm0)->Reg128.Low64 = a[0];
    reg(vm, WHvX64RegisterXmm0)->Reg128.High64 = a[1];
    CHECK(try_mmio(h, vm, &vp, &m).AsUINT32 == 1, "paddd status");
    x = &reg(vm, WHvX64RegisterXmm0)->Reg128;
    CHECK(x->Low64 == want[0] && x->High64 == want[1], "paddd: xmm0 as the CPU computes");
}

/* Each thread: its own emulator and guest, loads and stores, SIMD computation, and
 * create/destroy churn. */
static DWORD WINAPI vcpu_thread(LPVOID arg)
{
    struct vm *vm = arg;
    WHV_EMULATOR_HANDLE h = create();

    for (unsigned i = 0; i < 2000; i++) {
        WHV_EMULATOR_HANDLE spare = create();
        test_mmio(h, vm);
        test_simd_compute(h, vm);
        CHECK(WHvEmulatorDestroyEmulator(spare) == S_OK, "destroy spare");
    }
    WHvEmulatorDestroyEmulator(h);
    return 0;
}

static void test_two_threads(void)
{
    HANDLE threads[2];

    threads[0] = CreateThread(NULL, 0, vcpu_thread, &vm1, 0, NULL);
    threads[1] = CreateThread(NULL, 0, vcpu_thread, &vm2, 0, NULL);
    CHECK(threads[0] && threads[1], "threads");
    WaitForMultipleObjects(2, threads, TRUE, INFINITE);
    CloseHandle(threads[0]);
    CloseHandle(threads[1]);
}

#ifdef WHVEMU_EXTENSIONS
/* whvemu.h through whvemu's import library: version, decoder, options. */
static void test_extensions(WHV_EMULATOR_HANDLE h)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = mmio("\xf3\xaa", 2, 0x1000, 1);
    uint64_t budget = 0;

    CHECK(strcmp(whvemu_version(), WHVEMU_EXPECTED_VERSION) == 0, "version %s", whvemu_version());
    CHECK(whvemu_insn_length(64, (const uint8_t *)"\x8b\x03", 2) == 2, "insn length");
    CHECK(whvemu_get_option(h, WHVEMU_OPTION_REP_BUDGET, &budget) == S_OK &&
              budget == WHVEMU_REP_BUDGET_DEFAULT,
          "default budget");
    CHECK(whvemu_set_option(h, WHVEMU_OPTION_REP_BUDGET, WHVEMU_REP_TO_COMPLETION) == S_OK,
          "to completion");
    long_mode(&vm1, &vp);
    reg(&vm1, WHvX64RegisterRdi)->Reg64 = 0x2000;
    reg(&vm1, WHvX64RegisterRcx)->Reg64 = 100000;
    CHECK(try_mmio(h, &vm1, &vp, &m).AsUINT32 == 1, "rep stosb status");
    CHECK(reg64(&vm1, WHvX64RegisterRcx) == 0, "rep stosb completed in one call");
}
#endif

int main(void)
{
    WHV_EMULATOR_HANDLE h;

    test_loaded_dll();
    test_invalid_arguments();
    h = create();
    test_mmio(h, &vm1);
    test_rep_movsb(h);
    test_rep_budget(h);
    test_port_io(h);
    test_page_fault(h);
    test_fetch(h);
    test_callback_failure(h);
    test_simd_compute(h, &vm1);
#ifdef WHVEMU_EXTENSIONS
    test_extensions(h);
#endif
    CHECK(WHvEmulatorDestroyEmulator(h) == S_OK, "destroy");
    test_two_threads();
    printf("%ld passed, %ld failed\n", passed_checks, failed_checks);
    return failed_checks != 0;
}
