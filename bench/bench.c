/* whvemu_bench: nanoseconds per emulated MMIO instruction, whvemu against Unicorn, in the
 * same run and on the same guest. docs/bench.md explains what is measured.
 *
 * The guest is what a VMM keeps: flat RAM below 1 MiB, a 4 KiB device register file at
 * GPA 0x100000 (the MMIO region), identity GVA->GPA translation, and a register file.
 * whvemu is driven through the public API as after a real exit (exit context with the
 * instruction bytes, the GPA and the GVA); Unicorn runs the same instruction bytes with
 * the same RAM mapped and the device as an uc_mmio_map region. Timing: CLOCK_MONOTONIC,
 * warm-up, batches of about BATCH_NS, the median of REPETITIONS batches. */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime */

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

#include "WinHvEmulation.h"
#include "whvemu.h"

#include "stub_cost.h"
#include "whvnames.h"
#include "vcpu.h"

#define RAM_SIZE (1u << 20)
#define MMIO_BASE 0x100000u
#define MMIO_SIZE 0x1000u
#define CODE_ADDRESS 0x1000u
#define RAM_SOURCE 0x2000u
#define REP_COUNT 256u

#define REPETITIONS 7
#define BATCH_NS 20e6            /* each timed batch lasts about 20 ms */
#define WARMUP_NS 20e6

/* ---- the guest ------------------------------------------------------------------------ */

/* Register name -> reg_table index, by open addressing: a VMM's register lookup is a
 * switch or a table, not a search. */
#define SLOT_COUNT 256u

struct guest {
    struct guest_vcpu vcpu;
    uint8_t *ram;
    uint8_t device[MMIO_SIZE];
    struct { WHV_REGISTER_NAME name; int index; } slots[SLOT_COUNT];
    unsigned callbacks;
    unsigned port_writes;   /* OUT data lands in device[] in order, to check it */
};

static unsigned slot_hash(WHV_REGISTER_NAME name)
{
    return ((uint32_t)name * 2654435761u) >> 24;
}

static void build_slots(struct guest *g)
{
    for (unsigned i = 0; i < SLOT_COUNT; i++)
        g->slots[i].index = -1;
    for (size_t r = 0; r < reg_table_count; r++) {
        unsigned h = slot_hash(reg_table[r].name);
        while (g->slots[h].index >= 0)
            h = (h + 1) % SLOT_COUNT;
        g->slots[h].name = reg_table[r].name;
        g->slots[h].index = (int)r;
    }
}

static int slot_of(const struct guest *g, WHV_REGISTER_NAME name)
{
    for (unsigned h = slot_hash(name);; h = (h + 1) % SLOT_COUNT) {
        if (g->slots[h].index < 0 || g->slots[h].name == name)
            return g->slots[h].index;
    }
}

static HRESULT CALLBACK guest_memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *access)
{
    struct guest *g = context;
    uint64_t gpa = access->GpaAddress;
    uint8_t *target;
    g->callbacks++;
    if (gpa + access->AccessSize <= RAM_SIZE)
        target = g->ram + gpa;
    else if (gpa >= MMIO_BASE && gpa + access->AccessSize <= MMIO_BASE + MMIO_SIZE)
        target = g->device + (gpa - MMIO_BASE);
    else
        return E_FAIL;
    if (access->Direction)
        memcpy(target, access->Data, access->AccessSize);
    else
        memcpy(access->Data, target, access->AccessSize);
    return S_OK;
}

/* A byte-wide output port (a UART's data register, say): what is written goes to device[]
 * one byte after the other. */
static HRESULT CALLBACK guest_io(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *access)
{
    struct guest *g = context;
    g->callbacks++;
    if (!access->Direction || access->AccessSize != 1)
        return E_FAIL;
    g->device[g->port_writes++ % MMIO_SIZE] = (uint8_t)access->Data;
    return S_OK;
}

/* whvemu's optional RAM callback (whvemu.h): the RAM below 1 MiB is host memory. */
static VOID *CALLBACK guest_ram_page(VOID *context, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write)
{
    struct guest *g = context;
    (void)write;
    g->callbacks++;
    return gpa_page < RAM_SIZE ? g->ram + gpa_page : NULL;
}

static HRESULT CALLBACK guest_get(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                  WHV_REGISTER_VALUE *values)
{
    struct guest *g = context;
    g->callbacks++;
    for (UINT32 i = 0; i < count; i++) {
        int index = slot_of(g, names[i]);
        if (index < 0)
            return E_INVALIDARG;
        values[i] = g->vcpu.regs[index];
    }
    return S_OK;
}

static HRESULT CALLBACK guest_set(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                  const WHV_REGISTER_VALUE *values)
{
    struct guest *g = context;
    g->callbacks++;
    for (UINT32 i = 0; i < count; i++) {
        int index = slot_of(g, names[i]);
        if (index < 0)
            return E_INVALIDARG;
        g->vcpu.regs[index] = values[i];
    }
    return S_OK;
}

static HRESULT CALLBACK guest_translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                        WHV_TRANSLATE_GVA_FLAGS flags,
                                        WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                        WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    struct guest *g = context;
    (void)flags;
    g->callbacks++;
    *result = WHvTranslateGvaResultSuccess;
    *gpa = gva & ~(uint64_t)0xfff;
    return S_OK;
}

static const WHV_EMULATOR_CALLBACKS guest_callbacks = {
    .Size = sizeof(WHV_EMULATOR_CALLBACKS),
    .WHvEmulatorIoPortCallback = guest_io,
    .WHvEmulatorMemoryCallback = guest_memory,
    .WHvEmulatorGetVirtualProcessorRegisters = guest_get,
    .WHvEmulatorSetVirtualProcessorRegisters = guest_set,
    .WHvEmulatorTranslateGvaPage = guest_translate,
};

/* ---- the scenarios -------------------------------------------------------------------- */

struct scenario {
    const char *name;
    uint8_t bytes[4];
    unsigned length;
    WHV_MEMORY_ACCESS_TYPE access;
    uint64_t rax, rbx, rcx, rsi, rdi;   /* at the exit */
    uint64_t gva;                       /* the MMIO access the exit reports */
    bool io;                            /* a port-I/O exit (OUTS to `port`) */
    uint16_t port;
    bool ram_callback;                  /* whvemu: with the RAM callback installed */
};

static const struct scenario scenarios[] = {
    { "mov eax, [rbx]", { 0x8b, 0x03 }, 2, WHvMemoryAccessRead, 0, MMIO_BASE + 0x10, 0, 0, 0,
      MMIO_BASE + 0x10 },
    { "mov [rbx], eax", { 0x89, 0x03 }, 2, WHvMemoryAccessWrite, 0x12345678, MMIO_BASE + 0x10, 0,
      0, 0, MMIO_BASE + 0x10 },
    { "rep movsb x256 (RAM->MMIO)", { 0xf3, 0xa4 }, 2, WHvMemoryAccessWrite, 0, 0, REP_COUNT,
      RAM_SOURCE, MMIO_BASE, MMIO_BASE },
    /* docs/strings-and-io.md: a framebuffer upload, a device-memory fill, UART output */
    { "rep movsb x4096 (RAM->MMIO)", { 0xf3, 0xa4 }, 2, WHvMemoryAccessWrite, 0, 0, MMIO_SIZE,
      RAM_SOURCE, MMIO_BASE, MMIO_BASE },
    { "  same, RAM callback", { 0xf3, 0xa4 }, 2, WHvMemoryAccessWrite, 0, 0, MMIO_SIZE,
      RAM_SOURCE, MMIO_BASE, MMIO_BASE, false, 0, true },
    { "rep stosd x1024 (MMIO)", { 0xf3, 0xab }, 2, WHvMemoryAccessWrite, 0x5a5a1234, 0,
      MMIO_SIZE / 4, 0, MMIO_BASE, MMIO_BASE },
    { "rep outsb x256 (port)", { 0xf3, 0x6e }, 2, WHvMemoryAccessRead, 0, 0, 256, RAM_SOURCE, 0,
      0, true, 0x3f8 },
    { "  same, RAM callback", { 0xf3, 0x6e }, 2, WHvMemoryAccessRead, 0, 0, 256, RAM_SOURCE, 0,
      0, true, 0x3f8, true },
};

/* What both engines must leave behind, checked once before timing. */
static bool scenario_result_ok(const struct scenario *s, uint64_t rax, const uint8_t *ram,
                               const uint8_t *device)
{
    if (s->bytes[0] == 0x8b)
        return (uint32_t)rax == 0xa5a5a5a5u;
    if (s->bytes[0] == 0x89)
        return memcmp(device + 0x10, "\x78\x56\x34\x12", 4) == 0;
    if (s->bytes[1] == 0xab) {
        for (unsigned i = 0; i < s->rcx * 4; i++)
            if (device[i] != (uint8_t)(s->rax >> (i % 4 * 8)))
                return false;
        return true;
    }
    /* MOVS copies to the device, OUTS sends to the port that stores in device[] */
    return memcmp(device, ram + RAM_SOURCE, s->rcx) == 0;
}

static void fill_memory(uint8_t *ram, uint8_t *device)
{
    for (unsigned i = 0; i < MMIO_SIZE; i++)
        ram[RAM_SOURCE + i] = (uint8_t)(i * 7 + 1);
    memset(device, 0xa5, MMIO_SIZE);
}

/* ---- timing --------------------------------------------------------------------------- */

typedef bool (*step_fn)(void *engine);

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Warm up for WARMUP_NS; returns how many steps make a batch of about BATCH_NS. */
static unsigned long warm_up(step_fn step, void *engine)
{
    double start = now_ns();
    unsigned long warmups = 0;
    while (now_ns() - start < WARMUP_NS || warmups < 100) {
        step(engine);
        warmups++;
    }
    double per_step = (now_ns() - start) / (double)warmups;
    return (unsigned long)(BATCH_NS / per_step) + 1;
}

/* ns per step of one batch. */
static double time_batch(step_fn step, void *engine, unsigned long batch)
{
    double t0 = now_ns();
    for (unsigned long i = 0; i < batch; i++)
        step(engine);
    return (now_ns() - t0) / (double)batch;
}

static double median(double samples[REPETITIONS])
{
    qsort(samples, REPETITIONS, sizeof samples[0], compare_doubles);
    return samples[REPETITIONS / 2];
}

/* Median ns per step over REPETITIONS batches of about BATCH_NS each. */
static double measure(step_fn step, void *engine)
{
    unsigned long batch = warm_up(step, engine);
    double samples[REPETITIONS];
    for (int r = 0; r < REPETITIONS; r++)
        samples[r] = time_batch(step, engine, batch);
    return median(samples);
}

/* Like measure() for count (at most 8) engines at once, in short batches of about
 * BATCH_NS / 10 interleaved (engine 0, 1, ..., 0, 1, ...) over INTERLEAVED_ROUNDS rounds,
 * so that a machine busy at one moment slows all of them alike; the median of each. */
#define INTERLEAVED_ROUNDS 31
static void measure_interleaved(step_fn step, void *const engines[], unsigned count, double ns[])
{
    unsigned long batch[8];
    double samples[8][INTERLEAVED_ROUNDS];
    for (unsigned e = 0; e < count; e++)
        batch[e] = warm_up(step, engines[e]) / 10 + 1;
    for (int r = 0; r < INTERLEAVED_ROUNDS; r++)
        for (unsigned e = 0; e < count; e++)
            samples[e][r] = time_batch(step, engines[e], batch[e]);
    for (unsigned e = 0; e < count; e++) {
        qsort(samples[e], INTERLEAVED_ROUNDS, sizeof samples[e][0], compare_doubles);
        ns[e] = samples[e][INTERLEAVED_ROUNDS / 2];
    }
}

/* ---- whvemu --------------------------------------------------------------------------- */

struct whvemu_engine {
    const struct scenario *s;
    struct guest guest;
    WHV_EMULATOR_HANDLE emulator;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT mmio;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;
    WHV_REGISTER_VALUE *rax, *rcx, *rsi, *rdi;
    WHV_EMULATOR_STATUS last_status;
};

/* One exit: the registers the instruction changes are put back first, so every step
 * emulates the same work (a VMM would have them from the vCPU). */
static bool whvemu_step(void *engine)
{
    struct whvemu_engine *e = engine;
    e->rax->Reg64 = e->s->rax;
    e->rcx->Reg64 = e->s->rcx;
    e->rsi->Reg64 = e->s->rsi;
    e->rdi->Reg64 = e->s->rdi;
    HRESULT hr = e->s->io ? WHvEmulatorTryIoEmulation(e->emulator, &e->guest, &e->vp, &e->io,
                                                      &e->last_status)
                          : WHvEmulatorTryMmioEmulation(e->emulator, &e->guest, &e->vp,
                                                        &e->mmio, &e->last_status);
    return hr == S_OK && e->last_status.EmulationSuccessful;
}

static bool whvemu_setup(struct whvemu_engine *e, const struct scenario *s)
{
    memset(e, 0, sizeof *e);
    e->s = s;
    e->guest.ram = calloc(1, RAM_SIZE);
    if (!e->guest.ram || WHvEmulatorCreateEmulator(&guest_callbacks, &e->emulator) != S_OK)
        return false;
    if (s->ram_callback && whvemu_set_ram_callback(e->emulator, guest_ram_page) != S_OK)
        return false;
    build_slots(&e->guest);
    fill_memory(e->guest.ram, e->guest.device);

    struct guest_vcpu *v = &e->guest.vcpu;
    vcpu_set_defaults(v, VCPU_LONG64);
    vcpu_reg(v, WHvX64RegisterRip)->Reg64 = CODE_ADDRESS;
    vcpu_reg(v, WHvX64RegisterRbx)->Reg64 = s->rbx;
    e->rax = vcpu_reg(v, WHvX64RegisterRax);
    e->rcx = vcpu_reg(v, WHvX64RegisterRcx);
    e->rsi = vcpu_reg(v, WHvX64RegisterRsi);
    e->rdi = vcpu_reg(v, WHvX64RegisterRdi);
    vcpu_exit_context(v, s->length, &e->vp);
    e->mmio.InstructionByteCount = (UINT8)s->length;
    memcpy(e->mmio.InstructionBytes, s->bytes, s->length);
    e->mmio.AccessInfo.AccessType = s->access;
    e->mmio.AccessInfo.GvaValid = 1;
    e->mmio.Gva = s->gva;
    e->mmio.Gpa = s->gva;   /* identity-mapped */
    /* a port-I/O exit carries the string registers; the emulator takes them from here */
    e->io.InstructionByteCount = (UINT8)s->length;
    memcpy(e->io.InstructionBytes, s->bytes, s->length);
    e->io.AccessInfo.IsWrite = 1;
    e->io.AccessInfo.AccessSize = 1;
    e->io.AccessInfo.StringOp = 1;
    e->io.AccessInfo.RepPrefix = 1;
    e->io.PortNumber = s->port;
    e->io.Rax = s->rax;
    e->io.Rcx = s->rcx;
    e->io.Rsi = s->rsi;
    e->io.Rdi = s->rdi;
    e->io.Ds = vcpu_reg(v, WHvX64RegisterDs)->Segment;
    e->io.Es = vcpu_reg(v, WHvX64RegisterEs)->Segment;
    return true;
}

static void whvemu_teardown(struct whvemu_engine *e)
{
    if (e->emulator)
        WHvEmulatorDestroyEmulator(e->emulator);
    free(e->guest.ram);
}

/* ---- Unicorn -------------------------------------------------------------------------- */

struct unicorn_engine {
    const struct scenario *s;
    uc_engine *uc;
    uint8_t *ram;
    uint8_t device[MMIO_SIZE];
    unsigned port_writes;
};

static uint64_t device_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    struct unicorn_engine *e = user;
    uint64_t value = 0;
    (void)uc;
    memcpy(&value, e->device + offset, size);   /* little-endian host assumed */
    return value;
}

static void device_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    struct unicorn_engine *e = user;
    (void)uc;
    memcpy(e->device + offset, &value, size);
}

/* OUT/OUTS: the same byte-wide port as the whvemu guest's */
static void port_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user)
{
    struct unicorn_engine *e = user;
    (void)uc, (void)port, (void)size;
    e->device[e->port_writes++ % MMIO_SIZE] = (uint8_t)value;
}

static bool unicorn_step(void *engine)
{
    struct unicorn_engine *e = engine;
    int regs[] = { UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RSI, UC_X86_REG_RDI };
    const uint64_t values[] = { e->s->rax, e->s->rcx, e->s->rsi, e->s->rdi };
    void *const pointers[] = { (void *)&values[0], (void *)&values[1], (void *)&values[2],
                               (void *)&values[3] };
    uint64_t rax;
    /* Run from the instruction to its end: REP iterations re-enter the instruction, so a
     * count of 1 would stop after the first one. */
    return uc_reg_write_batch(e->uc, regs, pointers, 4) == UC_ERR_OK &&
           uc_emu_start(e->uc, CODE_ADDRESS, CODE_ADDRESS + e->s->length, 0, 0) == UC_ERR_OK &&
           uc_reg_read(e->uc, UC_X86_REG_RAX, &rax) == UC_ERR_OK;
}

static bool unicorn_setup(struct unicorn_engine *e, const struct scenario *s)
{
    memset(e, 0, sizeof *e);
    e->s = s;
    e->ram = calloc(1, RAM_SIZE);
    if (!e->ram || uc_open(UC_ARCH_X86, UC_MODE_64, &e->uc) != UC_ERR_OK)
        return false;
    fill_memory(e->ram, e->device);
    memcpy(e->ram + CODE_ADDRESS, s->bytes, s->length);
    uint64_t rbx = s->rbx, rdx = s->port;
    uc_hook out_hook;
    return uc_mem_map_ptr(e->uc, 0, RAM_SIZE, UC_PROT_ALL, e->ram) == UC_ERR_OK &&
           uc_mmio_map(e->uc, MMIO_BASE, MMIO_SIZE, device_read, e, device_write, e) == UC_ERR_OK &&
           uc_hook_add(e->uc, &out_hook, UC_HOOK_INSN, (void *)port_out, e, 1, 0,
                       UC_X86_INS_OUT) == UC_ERR_OK &&
           uc_reg_write(e->uc, UC_X86_REG_RBX, &rbx) == UC_ERR_OK &&
           uc_reg_write(e->uc, UC_X86_REG_RDX, &rdx) == UC_ERR_OK;
}

static void unicorn_teardown(struct unicorn_engine *e)
{
    if (e->uc)
        uc_close(e->uc);
    free(e->ram);
}

/* ---- host-computed flags -------------------------------------------------------------- */

/* Instructions whose flags the default vendor option takes from the host CPU (a stub runs
 * the operation: src/exec/hostop.c) and the C profiles compute in portable C. */
static const struct scenario flag_scenarios[] = {
    { "add [rbx], eax", { 0x01, 0x03 }, 2, WHvMemoryAccessRead, 0x12345678, MMIO_BASE + 0x10, 0,
      0, 0, MMIO_BASE + 0x10 },
    { "bsf eax, [rbx]", { 0x0f, 0xbc, 0x03 }, 3, WHvMemoryAccessRead, 0, MMIO_BASE + 0x10, 0, 0,
      0, MMIO_BASE + 0x10 },
    { "shl dword [rbx], cl", { 0xd3, 0x23 }, 2, WHvMemoryAccessRead, 0, MMIO_BASE + 0x10, 5, 0, 0,
      MMIO_BASE + 0x10 },
};

static const WHVEMU_VENDOR flag_vendors[] = { WHVEMU_VENDOR_HOST, WHVEMU_VENDOR_INTEL,
                                              WHVEMU_VENDOR_AMD };
#define FLAG_VENDORS (sizeof flag_vendors / sizeof flag_vendors[0])

/* One step on each engine: all succeed and leave the same RAX and device register (the
 * defined results; only undefined flags may differ). */
static bool flag_results_agree(struct whvemu_engine engines[FLAG_VENDORS])
{
    for (unsigned e = 0; e < FLAG_VENDORS; e++) {
        if (!whvemu_step(&engines[e]) ||
            engines[e].rax->Reg64 != engines[0].rax->Reg64 ||
            memcmp(engines[e].guest.device + 0x10, engines[0].guest.device + 0x10, 4) != 0)
            return false;
    }
    return true;
}

/* ns per instruction with each vendor option, batches interleaved; false on a failure. */
static bool bench_flag_scenario(const struct scenario *s)
{
    static struct whvemu_engine engines[FLAG_VENDORS];
    void *pointers[FLAG_VENDORS];
    double ns[FLAG_VENDORS];
    bool ok = true;

    for (unsigned e = 0; e < FLAG_VENDORS; e++) {
        ok = whvemu_setup(&engines[e], s) && ok;
        ok = ok && whvemu_set_option(engines[e].emulator, WHVEMU_OPTION_VENDOR,
                                     flag_vendors[e]) == S_OK;
        pointers[e] = &engines[e];
    }
    if (ok && flag_results_agree(engines)) {
        measure_interleaved(whvemu_step, pointers, FLAG_VENDORS, ns);
        printf("%-28s %10.1f %10.1f %10.1f %+14.1f\n", s->name, ns[0], ns[1], ns[2],
               ns[0] - (ns[1] + ns[2]) / 2);
    } else {
        printf("%-28s n/a (failed or results differ)\n", s->name);
        ok = false;
    }
    for (unsigned e = 0; e < FLAG_VENDORS; e++)
        whvemu_teardown(&engines[e]);
    return ok;
}

/* The cost of host-computed flags; returns the scenarios that failed. */
static int bench_flags(void)
{
    int failures = 0;
    printf("\nhost-computed flags: ns per instruction with WHVEMU_OPTION_VENDOR host (the "
           "default:\nthe operation runs on this CPU), intel and amd (portable C), batches "
           "interleaved\n\n%-28s %10s %10s %10s %14s\n", "instruction", "host ns", "intel ns",
           "amd ns", "host - C ns");
    for (size_t i = 0; i < sizeof flag_scenarios / sizeof flag_scenarios[0]; i++)
        failures += !bench_flag_scenario(&flag_scenarios[i]);
    printf("\nhost - C: host minus the mean of the two C profiles.\n");
    double host_ns, c_ns;
    if (stub_cost(&host_ns, &c_ns))
        printf("the 32-bit ADD alone: %.1f ns on its host stub, %.1f ns in C\n", host_ns, c_ns);
    else
        printf("the 32-bit ADD alone: no host stubs in this build\n");
    return failures;
}

/* ---- main ----------------------------------------------------------------------------- */

static const char *first_status_name(WHV_EMULATOR_STATUS status)
{
    for (unsigned bit = 0; bit < STATUS_BIT_COUNT; bit++)
        if (status.AsUINT32 >> bit & 1)
            return status_bit_names[bit];
    return "no status";
}

int main(void)
{
    unsigned major, minor;
    uc_version(&major, &minor);
    printf("whvemu %s vs Unicorn %u.%u: ns per emulated instruction, median of %d batches\n\n",
           whvemu_version(), major, minor, REPETITIONS);
    printf("%-28s %10s %14s %15s %15s\n", "instruction", "callbacks", "whvemu ns", "unicorn ns",
           "unicorn/whvemu");

    int failures = 0;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
        const struct scenario *s = &scenarios[i];
        struct whvemu_engine w;
        struct unicorn_engine u;
        char whvemu_text[48] = "setup failed", unicorn_text[32] = "setup failed", ratio[24] = "-";
        char callbacks[16] = "-";
        double whvemu_ns = 0, unicorn_ns = 0;

        if (whvemu_setup(&w, s)) {
            w.guest.callbacks = 0;
            bool ok = whvemu_step(&w);
            snprintf(callbacks, sizeof callbacks, "%u", w.guest.callbacks);
            if (ok && scenario_result_ok(s, w.rax->Reg64, w.guest.ram, w.guest.device)) {
                whvemu_ns = measure(whvemu_step, &w);
                snprintf(whvemu_text, sizeof whvemu_text, "%.1f", whvemu_ns);
            } else {
                snprintf(whvemu_text, sizeof whvemu_text, "n/a (%s)",
                         ok ? "wrong result" : first_status_name(w.last_status));
                failures++;
            }
        }
        whvemu_teardown(&w);

        if (unicorn_setup(&u, s)) {
            uint64_t rax = 0;
            bool ok = unicorn_step(&u) && uc_reg_read(u.uc, UC_X86_REG_RAX, &rax) == UC_ERR_OK;
            if (ok && scenario_result_ok(s, rax, u.ram, u.device)) {
                unicorn_ns = measure(unicorn_step, &u);
                snprintf(unicorn_text, sizeof unicorn_text, "%.1f", unicorn_ns);
            } else {
                snprintf(unicorn_text, sizeof unicorn_text, "n/a (%s)", ok ? "wrong result" : "error");
                failures++;
            }
        }
        unicorn_teardown(&u);

        if (whvemu_ns > 0 && unicorn_ns > 0)
            snprintf(ratio, sizeof ratio, "%.1fx", unicorn_ns / whvemu_ns);
        printf("%-28s %10s %14s %15s %15s\n", s->name, callbacks, whvemu_text, unicorn_text, ratio);
        fflush(stdout);
    }
    printf("\ncallbacks: whvemu callbacks per instruction; unicorn/whvemu > 1: whvemu is faster.\n");
    failures += bench_flags();
    /* Timing never fails the run; an engine that cannot do the work does. */
    return failures ? 1 : 0;
}
