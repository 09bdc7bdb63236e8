/* The trapped vCPU: a guest access to the no-access device region raises SIGSEGV; the
 * handler turns the thread's interrupted state into the exit a hypervisor would report,
 * calls WHvEmulatorTryMmioEmulation, serves its callbacks from the ucontext (general
 * registers, RIP, RFLAGS, segment selectors, and XMM and x87 state from the FP/XSAVE area
 * the kernel saved) and from the machine, and returns into the guest with what the emulator
 * wrote back. The kernel restores the ucontext, so the guest continues after the
 * instruction as if it had run.
 *
 * Everything here runs in a signal handler on the thread's alternate stack: no allocation,
 * no stdio, no locks. The library makes no system calls; the handler makes two
 * (clock_gettime, and mprotect in the fallback). One vCPU per thread: the emulator handle,
 * the ucontext being served and the statistics hang off the thread's own sandbox_vcpu. */
#include <asm/prctl.h>
#include <cpuid.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "whvemu.h"

#define ALTSTACK_SIZE (256u * 1024u)

void sandbox_enter64(uint64_t entry, uint64_t argument, uint64_t stack_top);
void sandbox_enter32(uint64_t entry, uint64_t argument, uint64_t stack_top);
void sandbox_reset_data_segments(void);

static __thread struct sandbox_vcpu *current;

/* ---- segments: the flat user segments of Linux's GDT (arch/x86/include/asm/segment.h) -- */

static const struct {
    uint16_t selector;
    uint16_t attributes; /* type, S, DPL, P; L, D/B, G */
} linux_segments[] = {
    { 0x23, 0xc0fb }, /* __USER32_CS: code, 32-bit, DPL 3 */
    { 0x2b, 0xc0f3 }, /* __USER_DS: data, DPL 3 */
    { 0x33, 0xa0fb }, /* __USER_CS: code, 64-bit, DPL 3 */
};

/* The segment registers in the WHV (and x86 encoding) order. */
enum segment { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS };

/* gregs[REG_CSGSFS] holds CS, GS, FS and (with UC_SIGCONTEXT_SS) SS, 16 bits each. */
#define UC_SIGCONTEXT_SS 0x2
static uint16_t selector_of(const struct sandbox_vcpu *v, enum segment segment)
{
    uint64_t csgsfs = (uint64_t)v->uc->uc_mcontext.gregs[REG_CSGSFS];
    switch (segment) {
    case SEG_ES: return v->es;
    case SEG_CS: return (uint16_t)csgsfs;
    case SEG_SS: return v->uc->uc_flags & UC_SIGCONTEXT_SS ? (uint16_t)(csgsfs >> 48) : 0x2b;
    case SEG_DS: return v->ds;
    case SEG_FS: return (uint16_t)(csgsfs >> 32);
    default: return (uint16_t)(csgsfs >> 16);
    }
}

static bool segment_value(const struct sandbox_vcpu *v, enum segment segment,
                          WHV_X64_SEGMENT_REGISTER *out)
{
    out->Selector = selector_of(v, segment);
    out->Base = segment == SEG_FS ? v->fs_base : segment == SEG_GS ? v->gs_base : 0;
    if ((out->Selector & ~3u) == 0)
        return true; /* null: unusable, all attributes zero */
    for (size_t i = 0; i < sizeof linux_segments / sizeof linux_segments[0]; i++) {
        if (linux_segments[i].selector == out->Selector) {
            out->Limit = 0xffffffff;
            out->Attributes = linux_segments[i].attributes;
            return true;
        }
    }
    return false;
}

unsigned vcpu_code_bits(const ucontext_t *uc)
{
    return (uint16_t)uc->uc_mcontext.gregs[REG_CSGSFS] == 0x23 ? 32 : 64;
}

/* ---- registers ---- */

/* gregs indexes in WHV order: RAX..R15, RIP, RFLAGS. */
static const int greg_index[] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI, REG_R8,
    REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15, REG_RIP, REG_EFL,
};

/* State a user-mode thread has but cannot see or change: a 64-bit user process under
 * Linux. CR4 and XCR0 are the host's (trap_init). The guest has no descriptor tables of
 * its own: GDTR, IDTR, LDTR and TR read as zero. */
static struct {
    WHV_REGISTER_NAME name;
    uint64_t value;
} fixed_registers[] = {
    { WHvX64RegisterCr0, 0x80050033 }, /* PG AM WP NE ET MP PE */
    { WHvX64RegisterCr3, 0 },
    { WHvX64RegisterCr4, 0x620 }, /* OSXMMEXCPT OSFXSR PAE (+ OSXSAVE, trap_init) */
    { WHvX64RegisterCr8, 0 },
    { WHvX64RegisterDr6, 0xffff0ff0 },
    { WHvX64RegisterDr7, 0x400 },
    { WHvX64RegisterXCr0, 0 },     /* trap_init */
    { WHvX64RegisterEfer, 0xd01 }, /* NXE LMA LME SCE */
    { WHvRegisterInterruptState, 0 },
    { WHvX64RegisterLdtr, 0 },
    { WHvX64RegisterTr, 0 },
    { WHvX64RegisterGdtr, 0 },
    { WHvX64RegisterIdtr, 0 },
};

static bool fixed_register(WHV_REGISTER_NAME name, WHV_REGISTER_VALUE *out)
{
    for (size_t i = 0; i < sizeof fixed_registers / sizeof fixed_registers[0]; i++) {
        if (fixed_registers[i].name == name) {
            out->Reg64 = fixed_registers[i].value;
            return true;
        }
    }
    return false;
}

static void set_fixed_register(WHV_REGISTER_NAME name, uint64_t value)
{
    for (size_t i = 0; i < sizeof fixed_registers / sizeof fixed_registers[0]; i++)
        if (fixed_registers[i].name == name)
            fixed_registers[i].value = value;
}

static bool in_range(WHV_REGISTER_NAME name, WHV_REGISTER_NAME first, WHV_REGISTER_NAME last)
{
    return name >= first && name <= last;
}

/* x87 and SSE state in the FXSAVE layout at the start of the signal frame's XSAVE area. */
static void fp_control_status(const struct _libc_fpstate *fp, WHV_REGISTER_VALUE *out)
{
    out->FpControlStatus.FpControl = fp->cwd;
    out->FpControlStatus.FpStatus = fp->swd;
    out->FpControlStatus.FpTag = (UINT8)fp->ftw;
    out->FpControlStatus.LastFpOp = fp->fop;
    out->FpControlStatus.LastFpRip = fp->rip;
}

static void xmm_control_status(const struct _libc_fpstate *fp, WHV_REGISTER_VALUE *out)
{
    out->XmmControlStatus.LastFpRdp = fp->rdp;
    out->XmmControlStatus.XmmStatusControl = fp->mxcsr;
    out->XmmControlStatus.XmmStatusControlMask = fp->mxcr_mask;
}

static bool read_fp_register(const struct _libc_fpstate *fp, WHV_REGISTER_NAME name,
                             WHV_REGISTER_VALUE *out)
{
    if (in_range(name, WHvX64RegisterXmm0, WHvX64RegisterXmm15))
        memcpy(&out->Reg128, fp->_xmm[name - WHvX64RegisterXmm0].element, 16);
    else if (in_range(name, WHvX64RegisterFpMmx0, WHvX64RegisterFpMmx7))
        memcpy(&out->Fp, &fp->_st[name - WHvX64RegisterFpMmx0], 10);
    else if (name == WHvX64RegisterFpControlStatus)
        fp_control_status(fp, out);
    else if (name == WHvX64RegisterXmmControlStatus)
        xmm_control_status(fp, out);
    else
        return false;
    return true;
}

static bool read_register(const struct sandbox_vcpu *v, WHV_REGISTER_NAME name,
                          WHV_REGISTER_VALUE *out)
{
    memset(out, 0, sizeof *out);
    if (in_range(name, WHvX64RegisterRax, WHvX64RegisterRflags)) {
        out->Reg64 = (uint64_t)v->uc->uc_mcontext.gregs[greg_index[name]];
        return true;
    }
    if (in_range(name, WHvX64RegisterEs, WHvX64RegisterGs))
        return segment_value(v, (enum segment)(name - WHvX64RegisterEs), &out->Segment);
    if (name == WHvRegisterPendingInterruption) {
        out->PendingInterruption = v->interruption;
        return true;
    }
    if (name == WHvX64RegisterCr2) {
        out->Reg64 = v->cr2;
        return true;
    }
    if (v->uc->uc_mcontext.fpregs && read_fp_register(v->uc->uc_mcontext.fpregs, name, out))
        return true;
    return fixed_register(name, out);
}

static void write_fp_register(struct _libc_fpstate *fp, WHV_REGISTER_NAME name,
                              const WHV_REGISTER_VALUE *value)
{
    if (in_range(name, WHvX64RegisterXmm0, WHvX64RegisterXmm15))
        memcpy(fp->_xmm[name - WHvX64RegisterXmm0].element, &value->Reg128, 16);
    else if (in_range(name, WHvX64RegisterFpMmx0, WHvX64RegisterFpMmx7))
        memcpy(&fp->_st[name - WHvX64RegisterFpMmx0], &value->Fp, 10);
    else if (name == WHvX64RegisterFpControlStatus) {
        fp->cwd = value->FpControlStatus.FpControl;
        fp->swd = value->FpControlStatus.FpStatus;
        fp->ftw = value->FpControlStatus.FpTag;
    } else if (name == WHvX64RegisterXmmControlStatus)
        fp->mxcsr = value->XmmControlStatus.XmmStatusControl;
}

/* What the ucontext can take: general registers, RIP, RFLAGS, x87/SSE state; and what the
 * emulator writes when it injects an exception: the pending interruption and, for #PF, CR2.
 * Anything else may only be "written" with the value it has. */
static bool writable(WHV_REGISTER_NAME name)
{
    return in_range(name, WHvX64RegisterRax, WHvX64RegisterRflags) ||
           in_range(name, WHvX64RegisterXmm0, WHvX64RegisterXmmControlStatus) ||
           name == WHvRegisterPendingInterruption || name == WHvX64RegisterCr2;
}

static bool can_write(const struct sandbox_vcpu *v, WHV_REGISTER_NAME name,
                      const WHV_REGISTER_VALUE *value)
{
    WHV_REGISTER_VALUE now;
    if (writable(name))
        return !in_range(name, WHvX64RegisterXmm0, WHvX64RegisterXmmControlStatus) ||
               v->uc->uc_mcontext.fpregs;
    return read_register(v, name, &now) && memcmp(&now, value, sizeof now) == 0;
}

static void write_register(struct sandbox_vcpu *v, WHV_REGISTER_NAME name,
                           const WHV_REGISTER_VALUE *value)
{
    if (in_range(name, WHvX64RegisterRax, WHvX64RegisterRflags))
        v->uc->uc_mcontext.gregs[greg_index[name]] = (greg_t)value->Reg64;
    else if (name == WHvRegisterPendingInterruption) {
        v->interruption = value->PendingInterruption;
        v->injected = value->PendingInterruption.InterruptionPending;
    } else if (name == WHvX64RegisterCr2)
        v->cr2 = value->Reg64;
    else if (writable(name))
        write_fp_register(v->uc->uc_mcontext.fpregs, name, value);
}

/* ---- the extended state: the XSAVE area the kernel put in the signal frame ----
 *
 * Linux saves the thread's extended state after the FXSAVE region of the frame, in the
 * XSAVE standard format, and marks that with FP_XSTATE_MAGIC1 in the region's software
 * bytes (464-511), which also give the area's size (glibc's struct _fpx_sw_bytes). That is
 * the buffer the extension wants: handed over as it is, and taken back as it is; the kernel
 * restores it at sigreturn. */

/* The frame's XSAVE area and its size, or NULL without one (no XSAVE, FXSAVE-only frame). */
static uint8_t *frame_xstate(const struct sandbox_vcpu *v, uint32_t *size)
{
    uint8_t *area = (uint8_t *)v->uc->uc_mcontext.fpregs;
    struct _fpx_sw_bytes sw;
    if (!area)
        return NULL;
    memcpy(&sw, area + 464, sizeof sw);
    if (sw.magic1 != FP_XSTATE_MAGIC1 || sw.xstate_size < 576)
        return NULL;
    *size = sw.xstate_size;
    return area;
}

static HRESULT CALLBACK get_xstate(VOID *context, VOID *buffer, UINT32 buffer_size,
                                   UINT32 *bytes_written)
{
    struct sandbox_vcpu *v = context;
    uint32_t size;
    const uint8_t *area = frame_xstate(v, &size);
    if (!area || size > buffer_size)
        return E_FAIL;
    v->stats->xstate_gets++;
    memcpy(buffer, area, size);
    *bytes_written = size;
    return S_OK;
}

/* The software bytes stay the kernel's: they are what makes the frame an XSAVE frame. */
static HRESULT CALLBACK set_xstate(VOID *context, const VOID *buffer, UINT32 buffer_size,
                                   UINT64 modified)
{
    struct sandbox_vcpu *v = context;
    uint32_t size;
    uint8_t *area = frame_xstate(v, &size);
    (void)modified;
    if (!area || buffer_size != size)
        return E_FAIL;
    v->stats->xstate_sets++;
    memcpy(area, buffer, 464);
    memcpy(area + 512, (const uint8_t *)buffer + 512, size - 512);
    return S_OK;
}

static const WHVEMU_XSTATE_CALLBACKS xstate_callbacks = {
    .Size = sizeof(WHVEMU_XSTATE_CALLBACKS),
    .GetXstate = get_xstate,
    .SetXstate = set_xstate,
    .Layout = NULL, /* the guest is this thread: the host's leaf 0DH */
};

/* ---- the callbacks ---- */

static HRESULT CALLBACK get_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      WHV_REGISTER_VALUE *values)
{
    struct sandbox_vcpu *v = context;
    for (UINT32 i = 0; i < count; i++) {
        if (!read_register(v, names[i], &values[i])) {
            v->register_refused = true;
            v->refused_register = names[i];
            return E_INVALIDARG;
        }
    }
    return S_OK;
}

/* All or nothing: every value is checked before the first one is written. */
static HRESULT CALLBACK set_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      const WHV_REGISTER_VALUE *values)
{
    struct sandbox_vcpu *v = context;
    for (UINT32 i = 0; i < count; i++) {
        if (!can_write(v, names[i], &values[i])) {
            v->register_refused = true;
            v->refused_register = names[i];
            return E_INVALIDARG;
        }
    }
    for (UINT32 i = 0; i < count; i++)
        write_register(v, names[i], &values[i]);
    return S_OK;
}

/* Guest-physical is host-virtual: the guest runs in this process's address space. */
static HRESULT CALLBACK access_memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    (void)context;
    if (m->AccessSize == 0 || m->AccessSize > sizeof m->Data)
        return E_INVALIDARG;
    if (machine_is_ram(m->GpaAddress, m->AccessSize)) {
        void *ram = (void *)(uintptr_t)m->GpaAddress;
        if (m->Direction)
            memcpy(ram, m->Data, m->AccessSize);
        else
            memcpy(m->Data, ram, m->AccessSize);
        return S_OK;
    }
    return machine_device_access(m->GpaAddress, m->Direction, m->Data, m->AccessSize) ? S_OK
                                                                                      : E_FAIL;
}

/* The identity, for guest RAM and the devices; device pages are not executable. */
static HRESULT CALLBACK translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                  WHV_TRANSLATE_GVA_FLAGS flags,
                                  WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                  WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    (void)context;
    *gpa = gva & ~(uint64_t)(PAGE_SIZE - 1);
    if (machine_is_ram(*gpa, PAGE_SIZE))
        *result = WHvTranslateGvaResultSuccess;
    else if (!machine_device_at(*gpa))
        *result = WHvTranslateGvaResultPageNotPresent;
    else if (flags & WHvTranslateGvaFlagValidateExecute)
        *result = WHvTranslateGvaResultPrivilegeViolation;
    else
        *result = WHvTranslateGvaResultSuccess;
    return S_OK;
}

/* User-mode code cannot reach ports: IN and OUT fault before any exit. */
static HRESULT CALLBACK access_port(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    (void)context, (void)io;
    return E_NOTIMPL;
}

/* REP strings between guest RAM and a device read and write the RAM side directly. */
static VOID *CALLBACK ram_page(VOID *context, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write)
{
    (void)context, (void)write;
    return machine_is_ram(gpa_page, PAGE_SIZE) ? (VOID *)(uintptr_t)gpa_page : NULL;
}

static const WHV_EMULATOR_CALLBACKS callbacks = {
    .Size = sizeof callbacks,
    .WHvEmulatorIoPortCallback = access_port,
    .WHvEmulatorMemoryCallback = access_memory,
    .WHvEmulatorGetVirtualProcessorRegisters = get_registers,
    .WHvEmulatorSetVirtualProcessorRegisters = set_registers,
    .WHvEmulatorTranslateGvaPage = translate,
};

/* ---- the exit ---- */

/* The instruction bytes at RIP that lie in guest RAM, at most 16. */
static unsigned fetch_bytes(uint64_t rip, uint8_t *bytes)
{
    unsigned n = 0;
    while (n < 16 && machine_is_ram(rip + n, 1))
        n++;
    memcpy(bytes, (const void *)(uintptr_t)rip, n);
    return n;
}

/* What a hypervisor reports for a guest at CPL 3 in long mode that touched MMIO. The page
 * fault's error code says whether it was a write (bit 1) or a fetch (bit 4). */
static void build_exit(const struct sandbox_vcpu *v, uint64_t address, WHV_VP_EXIT_CONTEXT *vp,
                       WHV_MEMORY_ACCESS_CONTEXT *mmio)
{
    const greg_t *g = v->uc->uc_mcontext.gregs;
    uint64_t error = (uint64_t)g[REG_ERR];
    memset(vp, 0, sizeof *vp);
    memset(mmio, 0, sizeof *mmio);
    vp->ExecutionState.Cpl = 3;
    vp->ExecutionState.Cr0Pe = 1;
    vp->ExecutionState.Cr0Am = 1;
    vp->ExecutionState.EferLma = 1;
    segment_value(v, SEG_CS, &vp->Cs);
    vp->Rip = (uint64_t)g[REG_RIP];
    vp->Rflags = (uint64_t)g[REG_EFL];
    mmio->InstructionByteCount = (UINT8)fetch_bytes(vp->Rip, mmio->InstructionBytes);
    mmio->AccessInfo.AccessType = error & 0x10  ? WHvMemoryAccessExecute
                                  : error & 0x2 ? WHvMemoryAccessWrite
                                                : WHvMemoryAccessRead;
    mmio->AccessInfo.GpaUnmapped = 1;
    mmio->AccessInfo.GvaValid = 1;
    mmio->Gpa = mmio->Gva = address;
}

static void emulate(struct sandbox_vcpu *v, ucontext_t *uc, uint64_t address)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT mmio;
    WHV_EMULATOR_STATUS status = { .AsUINT32 = 0 };
    struct run_stats *stats = v->stats;
    unsigned bits = vcpu_code_bits(uc);

    build_exit(v, address, &vp, &mmio);
    v->injected = false;
    memset(&v->interruption, 0, sizeof v->interruption);
    uint64_t start = monotonic_ns();
    HRESULT hr = WHvEmulatorTryMmioEmulation(v->emulator, v, &vp, &mmio, &status);
    uint64_t ns = monotonic_ns() - start;
    stats->emulation_ns += ns;
    stats->exits++;
    if (SUCCEEDED(hr) && status.EmulationSuccessful) {
        if (v->injected)
            vcpu_stop(v, "the emulator injected an exception the guest does not handle", address);
        stats->emulated++;
        count_class(stats, bits, mmio.InstructionBytes, mmio.InstructionByteCount, ns);
        return;
    }
    struct failure *f = note_failure(stats, bits, vp.Rip, mmio.InstructionBytes,
                                     mmio.InstructionByteCount, status.AsUINT32, hr);
    if (SUCCEEDED(hr) && status.InternalEmulationFailure && fallback_begin(v, uc, address, f))
        return;
    vcpu_stop(v, "the emulator did not complete an instruction", address);
}

/* ---- the handlers ---- */

/* A fault of the host's own code: die of it as if there were no handler. */
static void fault_in_host(int signo)
{
    signal(signo, SIG_DFL);
    raise(signo);
}

static struct sandbox_vcpu *guest_vcpu(ucontext_t *uc)
{
    struct sandbox_vcpu *v = current;
    if (!v || !machine_is_ram((uint64_t)uc->uc_mcontext.gregs[REG_RIP], 1))
        return NULL;
    v->uc = uc;
    __asm__ volatile("mov %%ds, %0" : "=r"(v->ds));
    __asm__ volatile("mov %%es, %0" : "=r"(v->es));
    return v;
}

static void on_segv(int signo, siginfo_t *si, void *context)
{
    struct sandbox_vcpu *v = guest_vcpu(context);
    uint64_t address = (uint64_t)(uintptr_t)si->si_addr;
    if (!v) {
        fault_in_host(signo);
        return;
    }
    if (si->si_code != SEGV_ACCERR || !machine_device_at(address))
        vcpu_stop(v, "the guest faulted outside the devices", address);
    if (v->fallback.active) {
        if (!fallback_open_page(v, context, address))
            vcpu_stop(v, "the fallback cannot give the instruction this page", address);
        return;
    }
    emulate(v, context, address);
}

/* The single-step trap that ends a fallback step; any other is the guest's own. */
static void on_trap(int signo, siginfo_t *si, void *context)
{
    struct sandbox_vcpu *v = guest_vcpu(context);
    (void)si;
    if (!v) {
        fault_in_host(signo);
        return;
    }
    if (!v->fallback.active)
        vcpu_stop(v, "the guest raised a debug or breakpoint trap", 0);
    fallback_finish(v, context);
}

_Noreturn void vcpu_stop(struct sandbox_vcpu *v, const char *reason, uint64_t address)
{
    struct stop *s = &v->stats->stop;
    fallback_abandon(v);
    s->stopped = true;
    s->reason = reason;
    s->vector = v->injected ? (int)v->interruption.InterruptionVector : -1;
    s->error_code = v->interruption.ErrorCode;
    s->address = s->vector == 14 ? v->cr2 : address; /* #PF: the address the guest would see */
    s->rip = (uint64_t)v->uc->uc_mcontext.gregs[REG_RIP];
    s->bits = vcpu_code_bits(v->uc);
    s->register_refused = v->register_refused;
    s->refused_register = (uint32_t)v->refused_register;
    s->count = fetch_bytes(s->rip, s->bytes);
    describe_instruction(s->bits, s->bytes, s->count, s->text, sizeof s->text);
    siglongjmp(v->leave, 1);
}

/* ---- set-up ---- */

static uint64_t xgetbv0(void)
{
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return (uint64_t)high << 32 | low;
}

static bool host_has_xsave(void)
{
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE);
}

bool trap_host_avx(void)
{
    unsigned a, b, c, d;
    return host_has_xsave() && __get_cpuid(1, &a, &b, &c, &d) && (c & bit_AVX) &&
           (xgetbv0() & 6) == 6;
}

bool trap_init(void)
{
    struct sigaction sa;
    if (host_has_xsave()) {
        set_fixed_register(WHvX64RegisterCr4, 0x620 | 0x40000);
        set_fixed_register(WHvX64RegisterXCr0, xgetbv0());
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGTRAP);
    if (sigaction(SIGSEGV, &sa, NULL) != 0)
        return false;
    sa.sa_sigaction = on_trap;
    sigaddset(&sa.sa_mask, SIGSEGV);
    return sigaction(SIGTRAP, &sa, NULL) == 0;
}

bool vcpu_attach(struct sandbox_vcpu *v, struct run_stats *stats)
{
    memset(v, 0, sizeof *v);
    v->stats = stats;
    v->altstack.ss_size = ALTSTACK_SIZE;
    v->altstack.ss_sp =
        mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (v->altstack.ss_sp == MAP_FAILED || sigaltstack(&v->altstack, NULL) != 0)
        return false;
    syscall(SYS_arch_prctl, ARCH_GET_FS, &v->fs_base);
    syscall(SYS_arch_prctl, ARCH_GET_GS, &v->gs_base);
    if (FAILED(WHvEmulatorCreateEmulator(&callbacks, &v->emulator)) ||
        FAILED(whvemu_set_ram_callback(v->emulator, ram_page)) ||
        (host_has_xsave() && FAILED(whvemu_set_xstate_callbacks(v->emulator, &xstate_callbacks))))
        return false;
    current = v;
    return true;
}

void vcpu_detach(struct sandbox_vcpu *v)
{
    stack_t off = { .ss_flags = SS_DISABLE };
    current = NULL;
    WHvEmulatorDestroyEmulator(v->emulator);
    sigaltstack(&off, NULL);
    munmap(v->altstack.ss_sp, ALTSTACK_SIZE);
}

bool vcpu_run(struct sandbox_vcpu *v, unsigned bits, uint32_t entry, uint32_t stack_top,
              uint32_t argument)
{
    if (sigsetjmp(v->leave, 1)) {
        sandbox_reset_data_segments();
        return false;
    }
    if (bits == 64)
        sandbox_enter64(entry, argument, stack_top);
    else
        sandbox_enter32(entry, argument, stack_top);
    return true;
}
