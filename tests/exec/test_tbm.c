/* AMD TBM (BLCFILL ... TZMSK) by hand vectors: no CPU on these machines runs TBM (only the
 * Bulldozer family had it), so each expected value below is worked out from the AMD APM's
 * definition (x & (x + 1) and the like) and written down as a constant; the flags are
 * those of a logical result (SF, ZF, PF from it, OF and AF clear) with CF the carry of
 * x + 1 or the borrow of x - 1. The emulator runs them with the AMD profile, chosen
 * explicitly (by default a host with TBM would run its own instruction). On a host with TBM
 * every vector also runs natively, and the CPU must give the same answer; elsewhere that is
 * counted as skipped. */
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "guest.h"
#include "hostcpu.h"
#include "guest_vcpu.h"
#include "whvemu.h"

#ifdef WHVEMU_NATIVE_X86_64_LINUX
#include "native.h"
#define NATIVE_TBM 1
#else
#define NATIVE_TBM 0
#endif

enum { CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800 };

struct vector {
    const char *what;
    uint8_t bytes[5]; /* 8F E9 (map 9), W vvvv=rax, opcode, ModRM [rbx] */
    uint64_t source;  /* memory at [rbx] */
    uint64_t result;  /* RAX afterwards */
    uint32_t flags;   /* CF PF AF ZF SF OF afterwards */
};

#define W0 0x78
#define W1 0xf8
static const struct vector vectors[] = {
    { "blcfill 0xb7", { 0x8f, 0xe9, W0, 0x01, 0x0b }, 0xb7, 0xb0, 0 },
    { "blci 0xb7", { 0x8f, 0xe9, W0, 0x02, 0x33 }, 0xb7, 0xfffffff7, SF },
    { "blcic 0xb7", { 0x8f, 0xe9, W0, 0x01, 0x2b }, 0xb7, 0x08, 0 },
    { "blcmsk 0xb7", { 0x8f, 0xe9, W0, 0x02, 0x0b }, 0xb7, 0x0f, PF },
    { "blcs 0xb7", { 0x8f, 0xe9, W0, 0x01, 0x1b }, 0xb7, 0xbf, 0 },
    { "t1mskc 0xb7", { 0x8f, 0xe9, W0, 0x01, 0x3b }, 0xb7, 0xfffffff8, SF },
    { "blsfill 0xb7", { 0x8f, 0xe9, W0, 0x01, 0x13 }, 0xb7, 0xb7, PF },
    { "blsic 0xb7", { 0x8f, 0xe9, W0, 0x01, 0x33 }, 0xb7, 0xfffffffe, SF },
    { "tzmsk 0xb7", { 0x8f, 0xe9, W0, 0x01, 0x23 }, 0xb7, 0, ZF | PF },
    { "blcfill all ones", { 0x8f, 0xe9, W0, 0x01, 0x0b }, 0xffffffff, 0, CF | ZF | PF },
    { "blci all ones", { 0x8f, 0xe9, W0, 0x02, 0x33 }, 0xffffffff, 0xffffffff, CF | SF | PF },
    { "blcic all ones", { 0x8f, 0xe9, W0, 0x01, 0x2b }, 0xffffffff, 0, CF | ZF | PF },
    { "blcmsk all ones", { 0x8f, 0xe9, W0, 0x02, 0x0b }, 0xffffffff, 0xffffffff, CF | SF | PF },
    { "t1mskc all ones", { 0x8f, 0xe9, W0, 0x01, 0x3b }, 0xffffffff, 0, CF | ZF | PF },
    { "blsfill 0", { 0x8f, 0xe9, W0, 0x01, 0x13 }, 0, 0xffffffff, CF | SF | PF },
    { "blsic 0", { 0x8f, 0xe9, W0, 0x01, 0x33 }, 0, 0xffffffff, CF | SF | PF },
    { "tzmsk 0", { 0x8f, 0xe9, W0, 0x01, 0x23 }, 0, 0xffffffff, CF | SF | PF },
    { "blcfill 64-bit sign",
      { 0x8f, 0xe9, W1, 0x01, 0x0b },
      0x8000000000000000u,
      0x8000000000000000u,
      SF | PF },
    { "tzmsk 64-bit sign",
      { 0x8f, 0xe9, W1, 0x01, 0x23 },
      0x8000000000000000u,
      0x7fffffffffffffffu,
      PF },
    { "blsfill 64-bit sign",
      { 0x8f, 0xe9, W1, 0x01, 0x13 },
      0x8000000000000000u,
      0xffffffffffffffffu,
      SF | PF },
    { "blcs 64-bit all ones",
      { 0x8f, 0xe9, W1, 0x01, 0x1b },
      0xffffffffffffffffu,
      0xffffffffffffffffu,
      CF | SF | PF },
};

#if NATIVE_TBM
/* The vector's instruction on this CPU (tests/common's runner), with RAX and RFLAGS as the
 * emulator gets them and RBX at the source; false when it faulted. */
static bool run_native(const struct vector *v, uint64_t *rax, uint64_t *rflags)
{
    struct native_frame in = native_frame_for(64);
    struct native_result result;
    uint8_t *source = native_layout()->buffer;

    memcpy(source, &v->source, sizeof v->source);
    in.gpr[NATIVE_RAX] = *rax;
    in.gpr[NATIVE_RBX] = (uint64_t)(uintptr_t)source;
    in.rflags = 0x200 | *rflags;
    native_place(64, v->bytes, sizeof v->bytes);
    native_run(64, &in, &result);
    *rax = result.out.gpr[NATIVE_RAX];
    *rflags = result.out.rflags;
    return !result.faulted;
}
#endif

/* The vector natively where the host has TBM (the CPU as the oracle), else a counted skip. */
static void check_native(const struct vector *v, uint64_t flags_in)
{
#if NATIVE_TBM
    uint64_t rax = 0x1122334455667788u, rflags = 2 | flags_in;
    if (host_runs(HF_tbm)) {
        CHECK(native_init(NATIVE_PAGE) && run_native(v, &rax, &rflags), "%s: did not run", v->what);
        CHECK_EQ(rax, v->result, v->what);
        CHECK_EQ(rflags & (CF | PF | AF | ZF | SF | OF), v->flags, v->what);
    }
#else
    (void)v;
    (void)flags_in;
    host_skip_for("TBM is not run natively on this architecture or compiler", 1);
#endif
}

int main(void)
{
    static struct guest g;
    WHV_EMULATOR_HANDLE emu;

    host_describe(stdout);
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu) == S_OK, "create");
    CHECK(whvemu_set_option(emu, WHVEMU_OPTION_VENDOR, WHVEMU_VENDOR_AMD) == S_OK, "AMD profile");
    for (unsigned i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const struct vector *v = &vectors[i];
        for (uint64_t flags_in = 0; flags_in <= 0x8d5; flags_in += 0x8d5) {
            WHV_EMULATOR_STATUS st;
            uint8_t data[8];
            uint64_t rflags;

            guest_init(&g);
            vcpu_set_defaults(&g.vcpu, VCPU_LONG64);
            vcpu_reg(&g.vcpu, WHvX64RegisterRax)->Reg64 = 0x1122334455667788u;
            vcpu_reg(&g.vcpu, WHvX64RegisterRbx)->Reg64 = 0x10000;
            vcpu_reg(&g.vcpu, WHvX64RegisterRflags)->Reg64 = 2 | flags_in;
            memcpy(data, &v->source, 8);
            guest_write(&g, 0x10000, data, 8);
            CHECK(guest_run_mmio(&g, emu, v->bytes, sizeof v->bytes, &st) == S_OK &&
                      st.AsUINT32 == 1,
                  "%s: status 0x%x", v->what, st.AsUINT32);
            CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRax)->Reg64, v->result, v->what);
            rflags = vcpu_reg(&g.vcpu, WHvX64RegisterRflags)->Reg64;
            CHECK_EQ(rflags & (CF | PF | AF | ZF | SF | OF), v->flags, v->what);
            guest_free(&g);
            check_native(v, flags_in);
        }
    }
    WHvEmulatorDestroyEmulator(emu);
    host_skip_report(stdout);
    return check_summary();
}
