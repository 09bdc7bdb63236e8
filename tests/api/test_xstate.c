/* The extended-state extension (whvemu.h; docs/extended-state.md), white-box where the API
 * cannot reach yet (no SIMD form is dispatched): registration and layout validation through
 * the public entry points; the per-call area (core/xstate.h) and the accessors
 * (core/vstate.h) on a call begun with call_begin on a registered emulator, with the CLI's
 * guest as the VMM — one GetXstate at most, SetXstate before the register Set, the failure
 * statuses, nothing written back on failure, SDK names or area, never both, init values,
 * the compacted format, VEX/EVEX upper zeroing, MMX TOS rotation.
 *
 * The layouts here are written from the SDM (vol. 1 §13.4): Intel's standard offsets with
 * MPX (AVX 576, opmask 1088, ZMM_Hi256 1152, Hi16_ZMM 1664) and, for the compacted format,
 * the components packed from 576 in index order. tests/diff's test_vecstate checks the same
 * two formats against the CPU's XSAVE and XSAVEC on this host. */
#include <string.h>

#include "api/handles.h"
#include "check.h"
#include "core/bytes.h"
#include "core/call.h"
#include "core/vstate.h"
#include "core/xstate.h"
#include "fixture.h"
#include "hostcpu.h"

/* ---- a VMM's side: an area per test, callbacks that count ---- */

#define AREA_MAX 4096u
static struct {
    uint8_t area[AREA_MAX];
    uint32_t size; /* what Get reports written */
    HRESULT get_hr, set_hr;
    unsigned gets, sets;
    unsigned register_sets_at_set; /* the register Set calls made before SetXstate */
    uint64_t modified;
    _Alignas(64) uint8_t stored[AREA_MAX]; /* XRSTOR of it needs 64-byte alignment */
    uint32_t stored_size;
} vmm;

static HRESULT CALLBACK get_xstate(VOID *context, VOID *buffer, UINT32 size, UINT32 *written)
{
    (void)context;
    vmm.gets++;
    /* a VMM that reports more than the buffer holds is tested too: the copy is bounded */
    *written = vmm.size;
    memcpy(buffer, vmm.area, size < vmm.size ? size : vmm.size);
    return vmm.get_hr;
}

static HRESULT CALLBACK set_xstate(VOID *context, const VOID *buffer, UINT32 size, UINT64 modified)
{
    (void)context;
    vmm.sets++;
    vmm.register_sets_at_set = g.calls[GUEST_CB_SET_REGISTERS];
    vmm.modified = modified;
    vmm.stored_size = size;
    memcpy(vmm.stored, buffer, size < AREA_MAX ? size : AREA_MAX);
    return vmm.set_hr;
}

/* Intel's standard layout (AVX, opmask, ZMM_Hi256, Hi16_ZMM; 2688 bytes). */
static WHVEMU_XSTATE_LAYOUT intel_layout(void)
{
    WHVEMU_XSTATE_LAYOUT l;

    memset(&l, 0, sizeof l);
    l.AreaSize = 2688;
    l.Component[0] = (WHVEMU_XSTATE_COMPONENT){ 160, 0, 0 };
    l.Component[1] = (WHVEMU_XSTATE_COMPONENT){ 256, 160, 0 };
    l.Component[2] = (WHVEMU_XSTATE_COMPONENT){ 256, 576, 0 };
    l.Component[5] = (WHVEMU_XSTATE_COMPONENT){ 64, 1088, 0 };
    l.Component[6] = (WHVEMU_XSTATE_COMPONENT){ 512, 1152, 0 };
    l.Component[7] = (WHVEMU_XSTATE_COMPONENT){ 1024, 1664, 0 };
    return l;
}

static WHVEMU_XSTATE_CALLBACKS callbacks_with(const WHVEMU_XSTATE_LAYOUT *l)
{
    WHVEMU_XSTATE_CALLBACKS c = { sizeof c, 0, get_xstate, set_xstate, l };
    return c;
}

static HRESULT install(WHV_EMULATOR_HANDLE h, WHVEMU_XSTATE_LAYOUT l)
{
    WHVEMU_XSTATE_CALLBACKS c = callbacks_with(&l);
    return whvemu_set_xstate_callbacks(h, &c);
}

/* ---- registration ---- */

TEST(test_registration_arguments)
{
    WHV_EMULATOR_HANDLE h;
    WHV_VP_EXIT_CONTEXT vp;
    WHVEMU_XSTATE_LAYOUT l = intel_layout();
    WHVEMU_XSTATE_CALLBACKS c = callbacks_with(&l);

    guest_long_mode(&vp);
    h = create();
    CHECK(whvemu_set_xstate_callbacks(NULL, &c) == E_INVALIDARG, "NULL handle");
    CHECK(whvemu_set_xstate_callbacks(h, &c) == S_OK, "a good registration");
    CHECK(whvemu_set_xstate_callbacks(h, NULL) == S_OK, "removal");
    c.Size--;
    CHECK(whvemu_set_xstate_callbacks(h, &c) == E_INVALIDARG, "bad Size");
    c = callbacks_with(&l);
    c.Reserved = 1;
    CHECK(whvemu_set_xstate_callbacks(h, &c) == E_INVALIDARG, "Reserved");
    c = callbacks_with(&l);
    c.GetXstate = NULL;
    CHECK(whvemu_set_xstate_callbacks(h, &c) == E_INVALIDARG, "no GetXstate");
    c = callbacks_with(&l);
    c.SetXstate = NULL;
    CHECK(whvemu_set_xstate_callbacks(h, &c) == E_INVALIDARG, "no SetXstate");
    CHECK(whvemu_host_xstate_layout(NULL) == E_INVALIDARG, "host layout into NULL");
    WHvEmulatorDestroyEmulator(h);
    CHECK(whvemu_set_xstate_callbacks(h, NULL) == E_INVALIDARG, "destroyed handle");
}

/* A change to a good layout that makes it inconsistent. */
struct bad_layout {
    const char *what;
    void (*spoil)(WHVEMU_XSTATE_LAYOUT *l);
};
static void small_area(WHVEMU_XSTATE_LAYOUT *l)
{
    l->AreaSize = 575;
}
static void huge_area(WHVEMU_XSTATE_LAYOUT *l)
{
    l->AreaSize = WHVEMU_XSTATE_MAX_AREA + 1;
}
static void reserved(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Reserved = 1;
}
static void x87_moved(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[0].Offset = 16;
}
static void sse_resized(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[1].Size = 128;
}
static void overlapping(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[5].Offset = 800;
}
static void in_header(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[2].Offset = 512;
}
static void past_area(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[7].Offset = 1700;
}
static void avx_wrong_size(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[2].Size = 128;
}
static void reserved_flags(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[6].Flags = 4;
}
static void supervisor_offset(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[11] = (WHVEMU_XSTATE_COMPONENT){ 16, 2600, 1 };
}
static void pasid_wrong_size(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[10] = (WHVEMU_XSTATE_COMPONENT){ 16, 0, 1 }; /* IA32_PASID is 8 bytes */
}
static void component_63(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[63] = (WHVEMU_XSTATE_COMPONENT){ 8, 2680, 0 };
}
static void absent_with_offset(WHVEMU_XSTATE_LAYOUT *l)
{
    l->Component[9].Offset = 2680;
}

TEST(test_layout_validation)
{
    static const struct bad_layout bad[] = {
        { "AreaSize below legacy + header", small_area },
        { "AreaSize above the maximum", huge_area },
        { "Reserved", reserved },
        { "x87 not at 0", x87_moved },
        { "SSE not 256 bytes", sse_resized },
        { "opmask overlapping YMM_Hi128", overlapping },
        { "a component in the header", in_header },
        { "a component past AreaSize", past_area },
        { "YMM_Hi128 not 256 bytes", avx_wrong_size },
        { "reserved flag bits", reserved_flags },
        { "a supervisor component with an offset", supervisor_offset },
        { "PASID state not 8 bytes", pasid_wrong_size },
        { "component 63 (XCOMP_BV's format bit)", component_63 },
        { "an absent component with an offset", absent_with_offset },
    };
    WHV_VP_EXIT_CONTEXT vp;
    WHV_EMULATOR_HANDLE h;
    WHVEMU_XSTATE_LAYOUT l = intel_layout(), host;

    guest_long_mode(&vp);
    h = create();
    CHECK(install(h, l) == S_OK, "Intel's layout");
    l.Component[11] = (WHVEMU_XSTATE_COMPONENT){ 16, 0, 1 }; /* CET_U: supervisor */
    CHECK(install(h, l) == S_OK, "with a supervisor component");
    l.Component[10] = (WHVEMU_XSTATE_COMPONENT){ 8, 0, 1 }; /* PASID: supervisor */
    CHECK(install(h, l) == S_OK, "with PASID state");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        l = intel_layout();
        bad[i].spoil(&l);
        CHECK(install(h, l) == E_INVALIDARG, "%s accepted", bad[i].what);
    }
    if (whvemu_host_xstate_layout(&host) == S_OK) {
        CHECK(xstate_layout_valid(&host), "the host's own layout is refused");
        CHECK(host.Component[2].Size == 256 && host.Component[2].Offset == 576,
              "host YMM_Hi128 %u@%u", host.Component[2].Size, host.Component[2].Offset);
        CHECK(install(h, host) == S_OK, "the host's layout");
        CHECK(whvemu_set_xstate_callbacks(
                  h, &(WHVEMU_XSTATE_CALLBACKS){ sizeof(WHVEMU_XSTATE_CALLBACKS), 0, get_xstate,
                                                 set_xstate, NULL }) == S_OK,
              "Layout NULL: the host's");
    } else {
        printf("skipped: the host's layout (no XSAVE on this host)\n");
    }
    WHvEmulatorDestroyEmulator(h);
}

/* ---- one call ---- */

static WHV_VP_EXIT_CONTEXT vp;
static WHV_EMULATOR_HANDLE handle;

/* A registered emulator, the guest in long mode with XCR0 = xcr0, vmm reset, an area of
 * `size` bytes with XSTATE_BV bv and XCOMP_BV xcomp, and a call begun. */
static void begin(struct vcpu *cpu, WHVEMU_XSTATE_LAYOUT l, uint64_t xcr0, uint64_t bv,
                  uint64_t xcomp, uint32_t size)
{
    guest_long_mode(&vp);
    guest_reg(&g, WHvX64RegisterXCr0)->Reg64 = xcr0;
    memset(&vmm, 0, sizeof vmm);
    vmm.size = size;
    memcpy(vmm.area + 512, &bv, 8);
    memcpy(vmm.area + 520, &xcomp, 8);
    memcpy(vmm.area + 24, &(uint32_t){ 0x1f80 }, 4);
    if (handle)
        WHvEmulatorDestroyEmulator(handle);
    handle = create();
    CHECK(install(handle, l) == S_OK, "install");
    call_begin(cpu, handle_lookup(handle), &g, &vp);
}

static WHV_EMULATOR_STATUS finish(struct vcpu *cpu, enum exec_result r)
{
    call_finish(cpu, r);
    call_end(cpu);
    return cpu->status;
}

static void fill(uint8_t *b, unsigned n, uint8_t seed)
{
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(seed + 7 * i + 1);
}

TEST(test_sdk_mode_makes_no_xstate_call)
{
    struct vcpu cpu;
    uint8_t in[16], out[16];
    WHV_EMULATOR_STATUS st;

    begin(&cpu, intel_layout(), 0xe7, 0, 0, 2688);
    CHECK(vstate_begin(&cpu, XS_SSE | XS_X87) == EXEC_OK, "legacy need");
    fill(in, 16, 3);
    vreg_write(&cpu, 5, 16, in, VREG_KEEP_UPPER);
    vreg_read(&cpu, 5, 16, out);
    CHECK(memcmp(in, out, 16) == 0, "xmm5 read back");
    st = finish(&cpu, EXEC_OK);
    CHECK(st.EmulationSuccessful && vmm.gets == 0 && vmm.sets == 0,
          "SDK mode: status 0x%x, %u Get, %u Set", st.AsUINT32, vmm.gets, vmm.sets);
    CHECK(memcmp(&guest_reg(&g, WHvX64RegisterXmm5)->Reg128, in, 16) == 0,
          "Xmm5 written back by its SDK name");
}

TEST(test_area_mode_one_get_one_set_before_registers)
{
    struct vcpu cpu;
    uint8_t in[32], out[64];
    WHV_EMULATOR_STATUS st;

    begin(&cpu, intel_layout(), 0xe7, 0x7, 0, 2688);
    guest_reg(&g, WHvX64RegisterXmm1)->Reg128.Low64 = 0x1111; /* never to be read */
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_OK, "AVX need");
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_OK, "again");
    fill(in, 32, 9);
    vreg_write(&cpu, 1, 32, in, VREG_ZERO_UPPER);
    vreg_read(&cpu, 1, 64, out);
    CHECK(memcmp(out, in, 32) == 0, "ymm1 read back");
    reg_set(&cpu, R_RIP, vp.Rip + 4);
    st = finish(&cpu, EXEC_OK);
    CHECK(st.EmulationSuccessful, "status 0x%x", st.AsUINT32);
    CHECK(vmm.gets == 1 && vmm.sets == 1, "%u Get, %u Set", vmm.gets, vmm.sets);
    CHECK(vmm.register_sets_at_set == 0 && g.calls[GUEST_CB_SET_REGISTERS] == 1,
          "SetXstate after %u register Sets", vmm.register_sets_at_set);
    CHECK(vmm.modified == (XS_SSE | XS_AVX), "Modified 0x%llx", (unsigned long long)vmm.modified);
    CHECK(memcmp(vmm.stored + 160 + 16, in, 16) == 0 &&
              memcmp(vmm.stored + 576 + 16, in + 16, 16) == 0,
          "xmm1 and its YMM_Hi128 half in the stored area");
    CHECK(guest_reg(&g, WHvX64RegisterXmm1)->Reg128.Low64 == 0x1111, "Xmm1 set by SDK name");
    for (unsigned i = 0; i < g.set_name_count; i++)
        CHECK(g.set_names[i] < WHvX64RegisterXmm0 ||
                  g.set_names[i] > WHvX64RegisterXmmControlStatus,
              "SDK vector name 0x%x set in area mode", (unsigned)g.set_names[i]);
}

TEST(test_missing_extension_or_component_is_unsupported)
{
    struct vcpu cpu;
    WHVEMU_XSTATE_LAYOUT l = intel_layout();
    WHV_EMULATOR_STATUS st;

    begin(&cpu, l, 0x7, 0, 0, 2688);
    cpu.vstate.ext = NULL; /* as without whvemu_set_xstate_callbacks */
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_UNSUPPORTED, "no extension");
    st = finish(&cpu, EXEC_UNSUPPORTED);
    CHECK(st.InternalEmulationFailure && !st.EmulationSuccessful &&
              g.calls[GUEST_CB_SET_REGISTERS] == 0,
          "status 0x%x, %u Sets", st.AsUINT32, g.calls[GUEST_CB_SET_REGISTERS]);

    l.Component[7].Size = 0;
    l.Component[7].Offset = 0;
    begin(&cpu, l, 0x7, 0, 0, 2688);
    CHECK(vstate_begin(&cpu, XS_SSE | XS_HI16_ZMM) == EXEC_UNSUPPORTED,
          "a component the layout lacks");
    CHECK(vmm.gets == 0, "Get made for a component the layout lacks");
    finish(&cpu, EXEC_UNSUPPORTED);
}

/* The area the VMM gives is malformed: InternalEmulationFailure, nothing stored. */
TEST(test_malformed_area)
{
    static const struct {
        const char *what;
        uint32_t size;
        uint64_t xcomp;
    } cases[] = {
        { "shorter than legacy + header", 575, 0 },
        { "longer than the buffer", 2689, 0 },
        { "shorter than the component needs", 1664 + 512, 0 },
        { "compacted without the component", 2688, XAREA_COMPACTED | 0x3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct vcpu cpu;
        WHV_EMULATOR_STATUS st;
        begin(&cpu, intel_layout(), 0xe7, 0x3, cases[i].xcomp, cases[i].size);
        CHECK(vstate_begin(&cpu, XS_SSE | XS_HI16_ZMM) == EXEC_UNSUPPORTED, "%s", cases[i].what);
        st = finish(&cpu, EXEC_UNSUPPORTED);
        CHECK(st.InternalEmulationFailure && vmm.sets == 0, "%s: status 0x%x", cases[i].what,
              st.AsUINT32);
    }
}

TEST(test_callback_failures)
{
    struct vcpu cpu;
    uint8_t in[32] = { 1 };
    WHV_EMULATOR_STATUS st;

    begin(&cpu, intel_layout(), 0xe7, 0x7, 0, 2688);
    vmm.get_hr = E_FAIL;
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_CALLBACK_FAILED, "Get fails");
    st = finish(&cpu, EXEC_CALLBACK_FAILED);
    CHECK(st.GetVirtualProcessorRegistersCallbackFailed && !st.EmulationSuccessful &&
              vmm.sets == 0 && g.calls[GUEST_CB_SET_REGISTERS] == 0,
          "failed Get: status 0x%x", st.AsUINT32);

    begin(&cpu, intel_layout(), 0xe7, 0x7, 0, 2688);
    vmm.set_hr = E_FAIL;
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_OK, "Get");
    vreg_write(&cpu, 2, 32, in, VREG_ZERO_UPPER);
    reg_set(&cpu, R_RIP, vp.Rip + 4);
    st = finish(&cpu, EXEC_OK);
    CHECK(st.SetVirtualProcessorRegistersCallbackFailed && !st.EmulationSuccessful &&
              g.calls[GUEST_CB_SET_REGISTERS] == 0 &&
              guest_reg(&g, WHvX64RegisterRip)->Reg64 == vp.Rip,
          "failed SetXstate: status 0x%x, %u register Sets", st.AsUINT32,
          g.calls[GUEST_CB_SET_REGISTERS]);
}

TEST(test_fault_writes_back_only_committed_components)
{
    struct vcpu cpu;
    uint8_t in[64];
    WHV_EMULATOR_STATUS st;

    fill(in, 64, 5);
    begin(&cpu, intel_layout(), 0xe7, 0xe7, 0, 2688);
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX | XS_ZMM_HI256) == EXEC_OK, "Get");
    vreg_write(&cpu, 3, 64, in, VREG_ZERO_UPPER);
    raise_fault(&cpu, EXC_GP, true, 0);
    st = finish(&cpu, EXEC_FAULT);
    CHECK(st.EmulationSuccessful && vmm.sets == 0, "a fault stores nothing: %u Set", vmm.sets);

    begin(&cpu, intel_layout(), 0xe7, 0xe7, 0, 2688);
    CHECK(vstate_begin(&cpu, XS_SSE | XS_OPMASK) == EXEC_OK, "Get");
    kreg_write(&cpu, 1, 0x1234);
    raise_fault(&cpu, EXC_PF, true, 0);
    fault_commit_vector(&cpu, XS_OPMASK);
    st = finish(&cpu, EXEC_FAULT);
    CHECK(st.EmulationSuccessful && vmm.sets == 1 && vmm.modified == XS_OPMASK,
          "a committed opmask: %u Set, Modified 0x%llx", vmm.sets,
          (unsigned long long)vmm.modified);
    CHECK(guest_reg(&g, WHvRegisterPendingInterruption)->PendingInterruption.InterruptionVector ==
              EXC_PF,
          "the fault injected with the committed state");

    begin(&cpu, intel_layout(), 0xe7, 0x3, 0, 2688);
    CHECK(vstate_begin(&cpu, XS_SSE) == EXEC_OK, "SDK names");
    vreg_write(&cpu, 4, 16, in, VREG_KEEP_UPPER);
    raise_fault(&cpu, EXC_PF, true, 0);
    fault_commit_vector(&cpu, XS_SSE);
    finish(&cpu, EXEC_FAULT);
    CHECK(memcmp(&guest_reg(&g, WHvX64RegisterXmm4)->Reg128, in, 16) == 0,
          "SDK mode: the committed XMM register written back with the fault");
}

/* A component whose XSTATE_BV bit is clear reads as its init value; writing it first
 * materialises the init value; zeroing a piece of an init component leaves it init. */
TEST(test_init_values)
{
    struct vcpu cpu;
    uint8_t out[64], in[16];

    begin(&cpu, intel_layout(), 0xe7, 0, 0, 2688);
    memset(vmm.area + 160, 0xaa, 2688 - 160); /* stale bytes the init state overrides */
    memset(vmm.area + 512, 0, 64);            /* XSTATE_BV 0: every component in its init state */
    memset(vmm.area, 0x55, 24);
    CHECK(vstate_begin(&cpu, XS_X87 | XS_SSE | XS_AVX | XS_OPMASK | XS_ZMM_HI256 | XS_HI16_ZMM) ==
              EXEC_OK,
          "Get");
    vreg_read(&cpu, 7, 64, out);
    CHECK(out[0] == 0 && out[20] == 0 && out[40] == 0, "zmm7 in init state reads 0");
    vreg_read(&cpu, 20, 64, out);
    CHECK(out[0] == 0 && out[63] == 0, "zmm20 in init state reads 0");
    CHECK(kreg_read(&cpu, 3) == 0, "k3 in init state");
    CHECK(x87_status(&cpu) == 0, "FSW in init state: 0x%x", x87_status(&cpu));
    CHECK(mxcsr_read(&cpu) == 0x1f80, "MXCSR is read whatever XSTATE_BV says");

    fill(in, 16, 1);
    vreg_write(&cpu, 2, 16, in, VREG_ZERO_UPPER); /* AVX and ZMM_Hi256 pieces only zeroed */
    vreg_read(&cpu, 9, 16, out);
    CHECK(memcmp(out, (uint8_t[16]){ 0 }, 16) == 0, "xmm9 materialised as 0");
    reg_set(&cpu, R_RIP, vp.Rip + 4);
    finish(&cpu, EXEC_OK);
    CHECK(vmm.modified == XS_SSE, "only SSE modified: 0x%llx", (unsigned long long)vmm.modified);
    CHECK(memcmp(vmm.stored + 512, &(uint64_t){ XS_SSE }, 8) == 0, "XSTATE_BV now SSE only");
    CHECK(vmm.stored[160 + 9 * 16] == 0 && vmm.stored[576] == 0xaa,
          "materialised SSE zeros, AVX bytes left in init state");
}

/* The same registers in the standard and the compacted area read and write alike. */
static WHVEMU_XSTATE_LAYOUT compacted_layout(void)
{
    WHVEMU_XSTATE_LAYOUT l = intel_layout();
    l.Component[6].Flags = 2; /* 64-byte aligned in the compacted format */
    return l;
}

static void load_registers(uint8_t *area, const uint32_t *offset, uint8_t regs[32][64],
                           uint64_t k[8])
{
    for (unsigned n = 0; n < 16; n++) {
        memcpy(area + 160 + 16 * n, regs[n], 16);
        memcpy(area + offset[2] + 16 * n, regs[n] + 16, 16);
        memcpy(area + offset[6] + 32 * n, regs[n] + 32, 32);
        memcpy(area + offset[7] + 64 * n, regs[16 + n], 64);
    }
    memcpy(area + offset[5], k, 64);
}

TEST(test_standard_and_compacted_formats)
{
    /* compacted from 576: AVX 576..831, opmask 832..895, ZMM_Hi256 aligned 896..1407,
     * Hi16_ZMM 1408..2431 (SDM vol. 1 §13.4.3) */
    static const uint32_t standard[8] = { 0, 160, 576, 0, 0, 1088, 1152, 1664 };
    static const uint32_t compacted[8] = { 0, 160, 576, 0, 0, 832, 896, 1408 };
    static uint8_t regs[32][64], got[64], in[64];
    uint64_t k[8];

    for (unsigned n = 0; n < 32; n++)
        fill(regs[n], 64, (uint8_t)(n * 13));
    for (unsigned i = 0; i < 8; i++)
        k[i] = 0x0101010101010101ull * (i + 1);
    for (int form = 0; form < 2; form++) {
        struct vcpu cpu;
        const uint32_t *off = form ? compacted : standard;
        uint64_t xcomp = form ? XAREA_COMPACTED | 0xe7 : 0;
        begin(&cpu, compacted_layout(), 0xe7, 0xe7, xcomp, form ? 2432 : 2688);
        load_registers(vmm.area, off, regs, k);
        CHECK(vstate_begin(&cpu, 0xe7) == EXEC_OK, "%s: Get", form ? "compacted" : "standard");
        for (unsigned n = 0; n < 32; n++) {
            vreg_read(&cpu, n, 64, got);
            CHECK(memcmp(got, regs[n], 64) == 0, "%s: zmm%u", form ? "compacted" : "standard", n);
        }
        CHECK(kreg_read(&cpu, 6) == k[6], "k6");
        fill(in, 64, 77);
        vreg_write(&cpu, 17, 32, in, VREG_ZERO_UPPER); /* EVEX.256: zero 511:256 */
        vreg_write(&cpu, 12, 16, in, VREG_KEEP_UPPER); /* legacy SSE */
        vreg_write(&cpu, 13, 16, in, VREG_ZERO_UPPER); /* VEX.128 with MAXVL 512 */
        kreg_write(&cpu, 2, 0xfeed);
        reg_set(&cpu, R_RIP, vp.Rip + 4);
        finish(&cpu, EXEC_OK);
        CHECK(vmm.stored_size == (form ? 2432u : 2688u), "stored as given");
        CHECK(memcmp(vmm.stored + 520, &xcomp, 8) == 0, "XCOMP_BV kept");
        CHECK(memcmp(vmm.stored + off[7] + 64, in, 32) == 0 &&
                  memcmp(vmm.stored + off[7] + 64 + 32, (uint8_t[32]){ 0 }, 32) == 0,
              "zmm17: 256 bits written, 511:256 zeroed");
        CHECK(memcmp(vmm.stored + 160 + 16 * 12, in, 16) == 0 &&
                  memcmp(vmm.stored + off[2] + 16 * 12, regs[12] + 16, 16) == 0 &&
                  memcmp(vmm.stored + off[6] + 32 * 12, regs[12] + 32, 32) == 0,
              "xmm12 legacy write keeps 511:128");
        CHECK(memcmp(vmm.stored + off[2] + 16 * 13, (uint8_t[16]){ 0 }, 16) == 0 &&
                  memcmp(vmm.stored + off[6] + 32 * 13, (uint8_t[32]){ 0 }, 32) == 0,
              "xmm13 VEX.128 write zeroes 511:128");
        CHECK(memcmp(vmm.stored + off[5] + 16, &(uint64_t){ 0xfeed }, 8) == 0, "k2 stored");
        CHECK(vmm.modified == 0xe6, "Modified 0x%llx", (unsigned long long)vmm.modified);
    }
}

/* VEX with XCR0 lacking ZMM_Hi256: MAXVL 256, nothing above it touched. */
TEST(test_maxvl_256)
{
    struct vcpu cpu;
    uint8_t in[16];
    WHVEMU_XSTATE_LAYOUT l = intel_layout();

    begin(&cpu, l, 0x7, 0x7, 0, 2688);
    memset(vmm.area + 1152, 0xcc, 512);
    memset(vmm.area + 576, 0xdd, 256);
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_OK, "Get");
    fill(in, 16, 2);
    vreg_write(&cpu, 0, 16, in, VREG_ZERO_UPPER);
    reg_set(&cpu, R_RIP, vp.Rip + 4);
    finish(&cpu, EXEC_OK);
    CHECK(vmm.stored[576] == 0 && vmm.stored[576 + 15] == 0 && vmm.stored[576 + 16] == 0xdd,
          "ymm0 255:128 zeroed, ymm1 kept");
    CHECK(vmm.stored[1152] == 0xcc && vmm.modified == (XS_SSE | XS_AVX),
          "ZMM_Hi256 untouched: Modified 0x%llx", (unsigned long long)vmm.modified);
}

/* MMX: physical register n is FXSAVE slot (n - TOS) mod 8; the transition sets TOS 0 and
 * every tag valid, rotating the slots, all eight fetched in one Get (SDK names). */
TEST(test_mmx_transition)
{
    struct vcpu cpu;
    WHV_REGISTER_VALUE *fcs;
    unsigned gets;

    begin(&cpu, intel_layout(), 0x3, 0x3, 0, 2688);
    fcs = guest_reg(&g, WHvX64RegisterFpControlStatus);
    fcs->FpControlStatus.FpControl = 0x37f;
    fcs->FpControlStatus.FpStatus = 3u << 11; /* TOS 3 */
    fcs->FpControlStatus.FpTag = 0x01;
    for (unsigned s = 0; s < 8; s++)
        guest_reg(&g, WHvX64RegisterFpMmx0 + s)->Reg128.Low64 = 0x100 + s;
    CHECK(vstate_begin(&cpu, XS_X87) == EXEC_OK, "SDK names");
    CHECK(mreg_read(&cpu, 3) == 0x100, "mm3 = slot 0 with TOS 3");
    CHECK(mreg_read(&cpu, 2) == 0x107, "mm2 = slot 7 with TOS 3");
    gets = g.calls[GUEST_CB_GET_REGISTERS];
    mreg_write(&cpu, 5, 0xabcdef);
    CHECK(g.calls[GUEST_CB_GET_REGISTERS] - gets <= 1, "the slots fetched in one Get (%u)",
          g.calls[GUEST_CB_GET_REGISTERS] - gets);
    CHECK(mreg_read(&cpu, 3) == 0x100 && mreg_read(&cpu, 2) == 0x107, "registers kept");
    CHECK(x87_status(&cpu) == 0, "TOS 0");
    reg_set(&cpu, R_RIP, vp.Rip + 4);
    finish(&cpu, EXEC_OK);
    CHECK(guest_reg(&g, WHvX64RegisterFpMmx0 + 3)->Reg128.Low64 == 0x100 &&
              guest_reg(&g, WHvX64RegisterFpMmx0 + 2)->Reg128.Low64 == 0x107,
          "slots in physical order");
    CHECK(guest_reg(&g, WHvX64RegisterFpMmx0 + 5)->Reg128.Low64 == 0xabcdef &&
              (guest_reg(&g, WHvX64RegisterFpMmx0 + 5)->Reg128.High64 & 0xffff) == 0xffff,
          "mm5 written with bits 79:64 all ones");
    CHECK(fcs->FpControlStatus.FpTag == 0xff && fcs->FpControlStatus.FpStatus == 0,
          "tags valid, TOS 0: FTW 0x%x FSW 0x%x", fcs->FpControlStatus.FpTag,
          fcs->FpControlStatus.FpStatus);
}

/* The area's MMX registers follow the same rule as the SDK names', and a call that wrote an
 * SDK vector name cannot switch to the area afterwards. */
TEST(test_area_mmx_and_one_source)
{
    struct vcpu cpu;
    uint8_t in[16] = { 7 };

    begin(&cpu, intel_layout(), 0xe7, 0x7, 0, 2688);
    store_le2(vmm.area + 2, 5u << 11); /* FSW: TOS 5 */
    vmm.area[4] = 0x01;
    for (unsigned s = 0; s < 8; s++)
        store_le(vmm.area + 32 + 16 * s, 8, 0x200 + s);
    CHECK(vstate_begin(&cpu, XS_X87 | XS_SSE | XS_AVX) == EXEC_OK, "Get");
    CHECK(mreg_read(&cpu, 5) == 0x200 && mreg_read(&cpu, 4) == 0x207, "area: mm5 slot 0, mm4 7");
    mreg_write(&cpu, 0, 0x77);
    CHECK(mreg_read(&cpu, 5) == 0x200 && mreg_read(&cpu, 0) == 0x77 && x87_status(&cpu) == 0,
          "area: rotated, TOS 0");
    reg_set(&cpu, R_RIP, vp.Rip + 4);
    finish(&cpu, EXEC_OK);
    CHECK(load_le(vmm.stored + 32 + 16 * 5, 8) == 0x200 && vmm.stored[4] == 0xff &&
              (vmm.modified & XS_X87),
          "area: slots stored in physical order, tags valid");

    begin(&cpu, intel_layout(), 0xe7, 0x7, 0, 2688);
    CHECK(vstate_begin(&cpu, XS_SSE) == EXEC_OK, "SDK names");
    vreg_write(&cpu, 1, 16, in, VREG_KEEP_UPPER);
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_UNSUPPORTED && vmm.gets == 0,
          "no switch to the area after an SDK name was written");
    finish(&cpu, EXEC_UNSUPPORTED);
}

/* A callback destroys the handle (or replaces the registration) during the call: the call
 * keeps its buffer to the end. */
static HRESULT CALLBACK get_then_destroy(VOID *context, VOID *buffer, UINT32 size, UINT32 *written)
{
    HRESULT hr = get_xstate(context, buffer, size, written);
    WHvEmulatorDestroyEmulator(handle);
    return hr;
}

TEST(test_destroy_from_callback)
{
    struct vcpu cpu;
    uint8_t in[32];
    WHVEMU_XSTATE_LAYOUT l = intel_layout();
    WHVEMU_XSTATE_CALLBACKS c = { sizeof c, 0, get_then_destroy, set_xstate, &l };
    WHV_EMULATOR_STATUS st;

    begin(&cpu, l, 0x7, 0x7, 0, 2688);
    CHECK(whvemu_set_xstate_callbacks(handle, &c) == S_OK, "install");
    call_end(&cpu);
    call_begin(&cpu, handle_lookup(handle), &g, &vp);
    CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_OK, "Get");
    fill(in, 32, 4);
    vreg_write(&cpu, 1, 32, in, VREG_ZERO_UPPER);
    reg_set(&cpu, R_RIP, vp.Rip + 4);
    st = finish(&cpu, EXEC_OK);
    CHECK(st.EmulationSuccessful && vmm.sets == 1 &&
              memcmp(vmm.stored + 576 + 16, in + 16, 16) == 0,
          "the area survives the destroy: status 0x%x", st.AsUINT32);
    handle = NULL;
}

/* The CLI's guest as the VMM (tools/guest_xstate.c), with this host's layout in both formats:
 * the legacy rows go in and out through its SDK registers, YMM_Hi128 through its area. */
TEST(test_cli_guest_both_formats)
{
    uint8_t in[32], ymm[32], out[32];

    for (int compacted = 0; compacted < 2; compacted++) {
        struct vcpu cpu;
        WHV_EMULATOR_HANDLE h;
        WHV_EMULATOR_STATUS st;
        const char *format = compacted ? "compacted" : "standard";

        guest_long_mode(&vp);
        guest_reg(&g, WHvX64RegisterXCr0)->Reg64 = 0x7;
        if (!guest_xstate_init(&g, compacted)) {
            printf("skipped: the CLI guest's extended state (no XSAVE on this host)\n");
            return;
        }
        fill(ymm, 32, 21);
        memcpy(&guest_reg(&g, WHvX64RegisterXmm5)->Reg128, ymm, 16);
        memcpy(guest_xstate_component(&g, 2) + 16 * 5, ymm + 16, 16);
        h = create();
        CHECK(guest_install_xstate(&g, h) == S_OK, "%s: install", format);
        guest_begin(&g);
        call_begin(&cpu, handle_lookup(h), &g, &vp);
        CHECK(vstate_begin(&cpu, XS_SSE | XS_AVX) == EXEC_OK, "%s: Get", format);
        vreg_read(&cpu, 5, 32, out);
        CHECK(memcmp(out, ymm, 32) == 0, "%s: ymm5 from SDK names and area", format);
        fill(in, 32, 99);
        vreg_write(&cpu, 5, 32, in, VREG_ZERO_UPPER);
        reg_set(&cpu, R_RIP, vp.Rip + 4);
        st = finish(&cpu, EXEC_OK);
        CHECK(st.EmulationSuccessful && g.calls[GUEST_CB_GET_XSTATE] == 1 &&
                  g.calls[GUEST_CB_SET_XSTATE] == 1,
              "%s: status 0x%x, %u Get, %u Set", format, st.AsUINT32, g.calls[GUEST_CB_GET_XSTATE],
              g.calls[GUEST_CB_SET_XSTATE]);
        CHECK(memcmp(&guest_reg(&g, WHvX64RegisterXmm5)->Reg128, in, 16) == 0 &&
                  memcmp(guest_xstate_component(&g, 2) + 16 * 5, in + 16, 16) == 0,
              "%s: ymm5 back in the SDK name and the area", format);
        CHECK(guest_xstate_print_changes(&g, stdout), "%s: the change is printed", format);
        WHvEmulatorDestroyEmulator(h);
        guest_xstate_free(&g);
    }
}

/* ---- against the CPU: the areas XSAVE and XSAVEC write, and what XRSTOR makes of ours ---- */

#if defined(__x86_64__) && defined(__GNUC__)
// clang-format off
#define Z(n) "vmovdqu64 " #n "*64(%0), %%zmm" #n "\n\t"
#define ZS(n) "vmovdqu64 %%zmm" #n ", " #n "*64(%0)\n\t"
#define K(n) "kmovq " #n "*8(%1), %%k" #n "\n\t"
#define KS(n) "kmovq %%k" #n ", " #n "*8(%1)\n\t"
#define EIGHT(M, a) M(a##0) M(a##1) M(a##2) M(a##3) M(a##4) M(a##5) M(a##6) M(a##7)
#define ALL_ZMM(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) \
    EIGHT(M, 1) M(18) M(19) EIGHT(M, 2) M(28) M(29) M(30) M(31)
#define ALL_K(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)
#define VECTOR_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
    "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
// clang-format on

/* Load zmm0-31 and k0-7, then XSAVE (standard) and XSAVEC (compacted) every XCR0 component. */
static void cpu_images(const uint8_t (*zmm)[64], const uint64_t *k, uint64_t xcr0, uint8_t *std,
                       uint8_t *cmp)
{
    __asm__ volatile(ALL_ZMM(Z) ALL_K(K) "xsave64 (%2)\n\t"
                                         "xsavec64 (%3)\n\t"
                     :
                     : "r"(zmm), "r"(k), "r"(std), "r"(cmp), "a"((uint32_t)xcr0),
                       "d"((uint32_t)(xcr0 >> 32))
                     : "memory", VECTOR_CLOBBERS);
}

/* XRSTOR an area (either format), then store zmm0-31 and k0-7. */
static void cpu_registers(const uint8_t *area, uint64_t xcr0, uint8_t (*zmm)[64], uint64_t *k)
{
    __asm__ volatile("xrstor64 (%2)\n\t" ALL_ZMM(ZS) ALL_K(KS)
                     :
                     : "r"(zmm), "r"(k), "r"(area), "a"((uint32_t)xcr0), "d"((uint32_t)(xcr0 >> 32))
                     : "memory", VECTOR_CLOBBERS);
}

/* The registers the accessors read from the CPU's image are those loaded; what they write,
 * stored back and restored by XRSTOR, is what the CPU then holds (AVX-512 hosts). */
TEST(test_against_the_cpu)
{
    static uint8_t zmm[32][64], got[32][64], std_area[AREA_MAX] __attribute__((aligned(64))),
        cmp_area[AREA_MAX] __attribute__((aligned(64)));
    uint64_t k[8], kgot[8], xcr0 = host_xcr0() & 0xe7;
    WHVEMU_XSTATE_LAYOUT l;
    uint8_t in[64];

    if (!host_has(HF_avx512f) || !host_has(HF_xsavec) || (xcr0 & 0xe7) != 0xe7 ||
        whvemu_host_xstate_layout(&l) != S_OK || l.AreaSize > AREA_MAX) {
        host_skip_for("the extended-state area against XSAVE/XSAVEC needs AVX-512 and XSAVEC", 1);
        return;
    }
    for (unsigned n = 0; n < 32; n++)
        fill(zmm[n], 64, (uint8_t)(n * 29 + 3));
    for (unsigned i = 0; i < 8; i++)
        k[i] = 0x1122334455667788ull * (i + 1);
    memset(std_area, 0, sizeof std_area);
    memset(cmp_area, 0, sizeof cmp_area);
    cpu_images((const uint8_t(*)[64])zmm, k, xcr0, std_area, cmp_area);
    for (int form = 0; form < 2; form++) {
        struct vcpu cpu;
        const char *name = form ? "XSAVEC" : "XSAVE";
        begin(&cpu, l, xcr0, 0, 0, l.AreaSize);
        memcpy(vmm.area, form ? cmp_area : std_area, l.AreaSize);
        CHECK(vstate_begin(&cpu, 0xe7) == EXEC_OK, "%s: Get", name);
        for (unsigned n = 0; n < 32; n++) {
            vreg_read(&cpu, n, 64, got[n]);
            CHECK(memcmp(got[n], zmm[n], 64) == 0, "%s: zmm%u as the CPU saved it", name, n);
        }
        for (unsigned i = 0; i < 8; i++)
            CHECK(kreg_read(&cpu, i) == k[i], "%s: k%u", name, i);
        fill(in, 64, 200);
        vreg_write(&cpu, 4, 16, in, VREG_ZERO_UPPER);  /* VEX.128 */
        vreg_write(&cpu, 9, 32, in, VREG_KEEP_UPPER);  /* keeps 511:256 */
        vreg_write(&cpu, 20, 32, in, VREG_ZERO_UPPER); /* EVEX.256 on ZMM20 */
        kreg_write(&cpu, 3, 0xabc);
        reg_set(&cpu, R_RIP, vp.Rip + 4);
        finish(&cpu, EXEC_OK);
        CHECK(vmm.sets == 1, "%s: stored", name);
        cpu_registers(vmm.stored, xcr0, got, kgot);
        memcpy(zmm[4], in, 16);
        memset(zmm[4] + 16, 0, 48);
        memcpy(zmm[9], in, 32);
        memcpy(zmm[20], in, 32);
        memset(zmm[20] + 32, 0, 32);
        k[3] = 0xabc;
        for (unsigned n = 0; n < 32; n++)
            CHECK(memcmp(got[n], zmm[n], 64) == 0, "%s: zmm%u after XRSTOR of our area", name, n);
        for (unsigned i = 0; i < 8; i++)
            CHECK(kgot[i] == k[i], "%s: k%u after XRSTOR", name, i);
        /* the next format starts from the same registers */
        cpu_images((const uint8_t(*)[64])zmm, k, xcr0, std_area, cmp_area);
    }
}
#endif

int main(void)
{
    guest_init(&g);
    check_run_tests();
    host_skip_report(stdout);
    if (handle)
        WHvEmulatorDestroyEmulator(handle);
    guest_free(&g);
    return check_summary();
}
