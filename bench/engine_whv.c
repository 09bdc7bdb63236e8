/* The two engines that go through the WHv callbacks: whvemu (the public API, as after a
 * real exit) and the case's floor. Each has its own guest (guest.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engines.h"

/* The largest XSAVE area the bench serves (this host's standard format fits). */
#define XSAVE_AREA_BYTES 4096

struct whv_engine {
    const struct bench_case *c;
    struct guest guest;
    struct bench_exit exit;
    WHV_EMULATOR_HANDLE emulator; /* whvemu */
    struct floor_emulator floor;  /* the floor */
    uint8_t floor_xsave_area[XSAVE_AREA_BYTES] __attribute__((aligned(64)));
    WHV_REGISTER_VALUE *rax, *rcx, *rsi, *rdi;
    WHV_EMULATOR_STATUS status;
    HRESULT hr;
    char why[48];
};

static bool guest_engine_setup(struct whv_engine *e, const struct bench_case *c)
{
    e->c = c;
    if (!guest_setup(&e->guest))
        return false;
    case_prepare(c, &e->guest, &e->exit);
    e->rax = guest_reg(&e->guest, WHvX64RegisterRax);
    e->rcx = guest_reg(&e->guest, WHvX64RegisterRcx);
    e->rsi = guest_reg(&e->guest, WHvX64RegisterRsi);
    e->rdi = guest_reg(&e->guest, WHvX64RegisterRdi);
    return true;
}

/* Every step emulates the same work: the registers the instruction changes are put back
 * (a VMM would have them from the vCPU). */
static void reset_registers(struct whv_engine *e)
{
    e->rax->Reg64 = e->c->rax;
    e->rcx->Reg64 = e->c->rcx;
    e->rsi->Reg64 = e->c->rsi;
    e->rdi->Reg64 = e->c->rdi;
}

/* The extended-state extension as a KVM VMM serves it: the vCPU's XSAVE area (standard
 * format, this host's layout) copied out on Get and back on Set. The area holds what the
 * guest's registers hold: XMM0 in the legacy region, YMM0's upper half in YMM_Hi128. */
static struct {
    uint8_t area[XSAVE_AREA_BYTES] __attribute__((aligned(64)));
    uint32_t size;
} xsave;

static HRESULT CALLBACK get_xstate(VOID *context, VOID *buffer, UINT32 size, UINT32 *written)
{
    (void)context;
    *written = xsave.size;
    if (size < xsave.size)
        return E_INVALIDARG;
    memcpy(buffer, xsave.area, xsave.size);
    return S_OK;
}

static HRESULT CALLBACK set_xstate(VOID *context, const VOID *buffer, UINT32 size, UINT64 modified)
{
    (void)context;
    (void)modified;
    memcpy(xsave.area, buffer, size < sizeof xsave.area ? size : sizeof xsave.area);
    return S_OK;
}

static WHVEMU_XSTATE_LAYOUT xstate_layout;
static const WHVEMU_XSTATE_CALLBACKS xstate_callbacks = { sizeof xstate_callbacks, 0, get_xstate,
                                                          set_xstate, &xstate_layout };

/* Fill the area from the guest's registers: the extended-state callbacks both engines are
 * given, or NULL where this host has no AVX state (the VEX case then reports itself
 * unsupported). */
static const WHVEMU_XSTATE_CALLBACKS *prepare_xstate(struct whv_engine *e)
{
    const WHVEMU_XSTATE_COMPONENT *avx = &xstate_layout.Component[2];

    if (whvemu_host_xstate_layout(&xstate_layout) != S_OK || !avx->Size ||
        xstate_layout.AreaSize > sizeof xsave.area)
        return NULL;
    memset(xsave.area, 0, sizeof xsave.area);
    xsave.size = xstate_layout.AreaSize;
    memcpy(xsave.area + 160, &guest_reg(&e->guest, WHvX64RegisterXmm0)->Reg128, 16);
    memcpy(xsave.area + avx->Offset, e->guest.ymm_upper, sizeof e->guest.ymm_upper);
    xsave.area[512] = 0x7; /* XSTATE_BV: x87, SSE, AVX */
    return &xstate_callbacks;
}

static bool install_xstate(struct whv_engine *e)
{
    const WHVEMU_XSTATE_CALLBACKS *cb = prepare_xstate(e);
    return !cb || whvemu_set_xstate_callbacks(e->emulator, cb) == S_OK;
}

static bool whvemu_setup(void *engine, const struct bench_case *c, int vendor)
{
    struct whv_engine *e = engine;
    if (!guest_engine_setup(e, c) ||
        WHvEmulatorCreateEmulator(&guest_callbacks, &e->emulator) != S_OK ||
        whvemu_set_option(e->emulator, WHVEMU_OPTION_VENDOR, (uint64_t)vendor) != S_OK ||
        !install_xstate(e))
        return false;
    return !c->ram_callback || whvemu_set_ram_callback(e->emulator, guest_ram_page) == S_OK;
}

static bool whvemu_step(void *engine)
{
    struct whv_engine *e = engine;
    reset_registers(e);
    e->hr = e->c->floor_io ? WHvEmulatorTryIoEmulation(e->emulator, &e->guest, &e->exit.vp,
                                                       &e->exit.io, &e->status)
                           : WHvEmulatorTryMmioEmulation(e->emulator, &e->guest, &e->exit.vp,
                                                         &e->exit.mmio, &e->status);
    return e->hr == S_OK && e->status.EmulationSuccessful;
}

static bool floor_setup(void *engine, const struct bench_case *c, int variant)
{
    struct whv_engine *e = engine;
    (void)variant;
    e->floor.callbacks = &guest_callbacks;
    e->floor.ram = c->ram_callback ? guest_ram_page : NULL;
    e->floor.xsave_area = e->floor_xsave_area;
    if (!guest_engine_setup(e, c))
        return false;
    e->floor.xstate = prepare_xstate(e);
    return true;
}

static bool floor_step(void *engine)
{
    struct whv_engine *e = engine;
    reset_registers(e);
    e->hr = e->c->floor_io
                ? e->c->floor_io(&e->floor, &e->guest, &e->exit.vp, &e->exit.io, &e->status)
                : e->c->floor_mmio(&e->floor, &e->guest, &e->exit.vp, &e->exit.mmio, &e->status);
    return e->hr == S_OK && e->status.EmulationSuccessful;
}

static void whv_outcome(void *engine, struct outcome *o)
{
    struct whv_engine *e = engine;
    struct guest *g = &e->guest;
    o->rax = e->rax->Reg64;
    o->rcx = e->rcx->Reg64;
    o->rsi = e->rsi->Reg64;
    o->rdi = e->rdi->Reg64;
    o->rip = guest_reg(g, WHvX64RegisterRip)->Reg64;
    o->rflags = guest_reg(g, WHvX64RegisterRflags)->Reg64;
    o->devices = g->devices;
}

/* The first status bit of the last step, or its HRESULT. */
static const char *whv_why(void *engine)
{
    struct whv_engine *e = engine;
    for (unsigned bit = 0; e->hr == S_OK && bit < STATUS_BIT_COUNT; bit++)
        if (e->status.AsUINT32 >> bit & 1)
            return status_bit_names[bit];
    snprintf(e->why, sizeof e->why, "HRESULT 0x%08x", (unsigned)e->hr);
    return e->why;
}

static const struct callback_record *whv_record_step(void *engine, bool (*step)(void *))
{
    struct whv_engine *e = engine;
    memset(&e->guest.record, 0, sizeof e->guest.record);
    e->guest.record.recording = true;
    step(e);
    e->guest.record.recording = false;
    return &e->guest.record;
}

static const struct callback_record *whvemu_record_step(void *engine)
{
    return whv_record_step(engine, whvemu_step);
}

static const struct callback_record *floor_record_step(void *engine)
{
    return whv_record_step(engine, floor_step);
}

static void whv_teardown(void *engine)
{
    struct whv_engine *e = engine;
    if (e->emulator)
        WHvEmulatorDestroyEmulator(e->emulator);
    guest_teardown(&e->guest);
}

const struct engine_ops whvemu_ops = {
    "whvemu", sizeof(struct whv_engine), WHVEMU_VENDOR_HOST, whvemu_setup, whvemu_step, whv_outcome,
    whv_why,  whvemu_record_step,        whv_teardown,
};
const struct engine_ops whvemu_intel_ops = {
    "whvemu intel",
    sizeof(struct whv_engine),
    WHVEMU_VENDOR_INTEL,
    whvemu_setup,
    whvemu_step,
    whv_outcome,
    whv_why,
    whvemu_record_step,
    whv_teardown,
};
const struct engine_ops whvemu_amd_ops = {
    "whvemu amd",      sizeof(struct whv_engine),
    WHVEMU_VENDOR_AMD, whvemu_setup,
    whvemu_step,       whv_outcome,
    whv_why,           whvemu_record_step,
    whv_teardown,
};
const struct engine_ops floor_ops = {
    "floor",
    sizeof(struct whv_engine),
    0,
    floor_setup,
    floor_step,
    whv_outcome,
    whv_why,
    floor_record_step,
    whv_teardown,
};
