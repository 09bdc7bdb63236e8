/* test_vecstate: the differential harness's vector state, against the CPU.
 *
 * - XSAVE images (vecstate.c): a random state written as a standard and as a compacted
 *   image reads back the same; loaded into this CPU with XRSTOR and saved again with XSAVE
 *   and XSAVEC, the CPU's own images read back the same (the layout and both parsers are
 *   checked against the hardware, not against themselves).
 * - The native runner: random states go through a NOP unchanged in 64-, 32- and 16-bit
 *   code; an instruction's effect is seen after it (PCMPEQD sets a register to all ones,
 *   PXOR on MMX registers resets TOS and the tags) and at a fault through the signal frame
 *   (the same instruction followed by UD2); the host's own vector registers survive runs
 *   and faults.
 * - The emulator fixture: the SDK register names carry exactly the legacy region's
 *   registers; the extended-state buffers (standard and compacted) carry everything. */
#include <inttypes.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "hostcpu.h"
#include "native.h"
#include "synth.h"
#include "vecstate.h"

#define STATES 200
#define BUFFER_SIZE 8192u

static uint8_t image[NATIVE_XSAVE_MAX] __attribute__((aligned(64)));
static uint8_t cpu_image[NATIVE_XSAVE_MAX] __attribute__((aligned(64)));

static void random_state(unsigned seed, struct vecstate *v)
{
    struct rng r = { UINT64_C(0x9e3779b97f4a7c15) * (seed + 1) };
    synth_vecstate(&r, xsave_host_layout(), v);
}

static void report(const char *what, unsigned seed, const struct vecstate *want,
                   const struct vecstate *got)
{
    printf("%s, state %u:\n", what, seed);
    vecstate_print_differences("want", want, "got", got, xsave_host_layout());
}

static void check_same(const char *what, unsigned seed, const struct vecstate *want,
                       const struct vecstate *got)
{
    bool same = vecstate_equal(want, got, xsave_host_layout());
    CHECK(same, "%s, state %u", what, seed);
    if (!same)
        report(what, seed, want, got);
}

TEST(images_round_trip)
{
    const struct xsave_layout *l = xsave_host_layout();
    for (unsigned seed = 0; seed < STATES; seed++) {
        struct vecstate v, back;
        random_state(seed, &v);
        for (int compacted = 0; compacted < 2 && (l->xsave || !compacted); compacted++) {
            vecstate_to_xsave(&v, l, compacted, image);
            vecstate_init(&back);
            CHECK(vecstate_from_xsave(&back, l, image, xsave_image_size(l, compacted)), "parse");
            check_same(compacted ? "compacted image" : "standard image", seed, &v, &back);
        }
    }
}

/* A component whose XSTATE_BV bit is clear is in its init state, whatever the image
 * holds there. */
TEST(images_init_components)
{
    const struct xsave_layout *l = xsave_host_layout();
    struct vecstate v, back, init;
    uint64_t none = 0;

    if (!l->xsave)
        return;
    random_state(1, &v);
    vecstate_to_xsave(&v, l, false, image);
    memcpy(image + 512, &none, 8);
    CHECK(vecstate_from_xsave(&back, l, image, xsave_image_size(l, false)), "parse");
    vecstate_init(&init);
    init.mxcsr = v.mxcsr; /* MXCSR is in the legacy region of every standard image */
    check_same("XSTATE_BV = 0", 1, &init, &back);
}

static void cpu_xrstor(const uint8_t *area, uint64_t mask)
{
    __asm__ volatile("xrstor64 %0"
                     :
                     : "m"(*(const uint8_t(*)[NATIVE_XSAVE_MAX])area), "a"((uint32_t)mask),
                       "d"((uint32_t)(mask >> 32)));
}

static void cpu_xsave(uint8_t *area, uint64_t mask, bool compacted)
{
    if (compacted)
        __asm__ volatile("xsavec64 %0"
                         : "=m"(*(uint8_t(*)[NATIVE_XSAVE_MAX])area)
                         : "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
    else
        __asm__ volatile("xsave64 %0"
                         : "=m"(*(uint8_t(*)[NATIVE_XSAVE_MAX])area)
                         : "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
}

/* The CPU's own images: XRSTOR ours (standard or compacted), XSAVE/XSAVEC it back, with
 * the test's registers live only between the two (the host's are saved around them). */
static void cpu_round_trip(const struct vecstate *v, bool compacted_in, bool compacted,
                           struct vecstate *out)
{
    static uint8_t host[NATIVE_XSAVE_MAX] __attribute__((aligned(64)));
    const struct xsave_layout *l = xsave_host_layout();

    vecstate_to_xsave(v, l, compacted_in, image);
    memset(cpu_image, 0, sizeof cpu_image);
    cpu_xsave(host, l->components, false);
    cpu_xrstor(image, l->components);
    cpu_xsave(cpu_image, l->components, compacted);
    cpu_xrstor(host, l->components);
    vecstate_init(out);
    CHECK(vecstate_from_xsave(out, l, cpu_image, sizeof cpu_image), "parse the CPU's image");
}

TEST(images_of_the_cpu)
{
    const struct xsave_layout *l = xsave_host_layout();

    if (!l->xsave) {
        printf("no XSAVE here: the CPU's images are not compared\n");
        return;
    }
    for (unsigned seed = 0; seed < STATES; seed++) {
        struct vecstate v, back;
        random_state(seed, &v);
        cpu_round_trip(&v, false, false, &back);
        check_same("XRSTOR then XSAVE", seed, &v, &back);
        if (!host_runs(HF_xsavec))
            continue;
        cpu_round_trip(&v, false, true, &back);
        check_same("XRSTOR then XSAVEC", seed, &v, &back);
        cpu_round_trip(&v, true, false, &back);
        check_same("XRSTOR of a compacted image then XSAVE", seed, &v, &back);
    }
}

/* ---- the native runner ---- */

static void run_native(unsigned bits, const uint8_t *bytes, unsigned length,
                       const struct vecstate *in, struct native_result *result,
                       struct vecstate *out)
{
    const struct xsave_layout *l = xsave_host_layout();
    struct native_frame frame = native_frame_for(bits);

    vecstate_to_xsave(in, l, false, native_vector_in());
    native_place(bits, bytes, length);
    native_run(bits, &frame, result);
    *out = *in;
    CHECK(vecstate_from_xsave(out, l, native_vector_out(), NATIVE_XSAVE_MAX), "parse");
}

TEST(runner_keeps_the_state)
{
    static const uint8_t nop = 0x90;
    static const unsigned modes[] = { 64, 32, 16 };

    for (unsigned m = 0; m < 3; m++) {
        if (!native_mode_available(modes[m]))
            continue;
        for (unsigned seed = 0; seed < STATES; seed++) {
            struct vecstate v, out;
            struct native_result r;
            char what[40];
            random_state(seed, &v);
            run_native(modes[m], &nop, 1, &v, &r, &out);
            snprintf(what, sizeof what, "NOP in %u-bit code", modes[m]);
            CHECK(!r.faulted, "%s faulted", what);
            check_same(what, seed, &v, &out);
        }
    }
}

/* PCMPEQD xmm3, xmm3: xmm3 all ones, bits 511:128 of zmm3 unchanged (a legacy SSE write);
 * with UD2 after it, the same at the #UD, from the signal frame. */
TEST(runner_sees_the_instruction)
{
    static const uint8_t pcmpeqd_ud2[] = { 0x66, 0x0f, 0x76, 0xdb, 0x0f, 0x0b };
    for (unsigned with_fault = 0; with_fault < 2; with_fault++) {
        for (unsigned seed = 0; seed < 20; seed++) {
            struct vecstate v, want, out;
            struct native_result r;
            random_state(seed, &v);
            want = v;
            memset(want.zmm[3], 0xff, 16);
            run_native(64, pcmpeqd_ud2, with_fault ? 6 : 4, &v, &r, &out);
            CHECK(r.faulted == (with_fault != 0), "fault %d", r.faulted);
            CHECK(!with_fault || r.vector == 6, "vector %u", r.vector);
            check_same(with_fault ? "PCMPEQD then UD2 (signal frame)" : "PCMPEQD", seed, &want,
                       &out);
        }
    }
}

/* PXOR mm0, mm0 (SDM vol. 3A §12.2 "The MMX state and MMX register aliasing"): TOS 0,
 * every tag valid, MM0 = 0 with bits 79:64 all ones; then FXSAVE slot 0 is MM0. */
TEST(runner_sees_mmx_aliasing)
{
    static const uint8_t pxor_mm0[] = { 0x0f, 0xef, 0xc0 };
    for (unsigned seed = 0; seed < 20; seed++) {
        struct vecstate v, want, out;
        struct native_result r;
        unsigned tos;
        random_state(seed, &v);
        v.fsw &= (uint16_t)~0x80bf; /* no pending exception: that would be #MF */
        if (!xsave_host_layout()->x87_pointers_always_saved)
            v.fop = 0, v.fip = v.fdp = 0; /* not reported without one */
        tos = (v.fsw >> 11) & 7;
        want = v;
        want.fsw &= (uint16_t)~0x3800;
        want.ftw = 0xff;
        for (unsigned j = 0; j < 8; j++) /* physical register i was ST((i - TOS) mod 8) */
            memcpy(want.st[j], v.st[(j - tos) & 7], 10);
        memset(want.st[0], 0, 8);
        memset(want.st[0] + 8, 0xff, 2);
        run_native(64, pxor_mm0, sizeof pxor_mm0, &v, &r, &out);
        CHECK(!r.faulted, "fault %u", r.vector);
        check_same("PXOR mm0, mm0", seed, &want, &out);
    }
}

/* With FSW.ES set, an MMX instruction raises #MF (SIGFPE) and changes nothing. */
TEST(runner_catches_mf)
{
    static const uint8_t pxor_mm0[] = { 0x0f, 0xef, 0xc0 };
    struct vecstate v, out;
    struct native_result r;

    random_state(3, &v);
    v.fcw = 0x037e; /* invalid operation unmasked */
    v.fsw = (uint16_t)((v.fsw & 0x3800) | 0x8081);
    run_native(64, pxor_mm0, sizeof pxor_mm0, &v, &r, &out);
    CHECK(r.faulted && r.vector == 16, "faulted %d vector %u", r.faulted, r.vector);
    check_same("PXOR with a pending x87 exception", 3, &v, &out);
}

/* The host's registers around runs and faults: MXCSR and the x87 control word (which the
 * C ABI preserves across calls) as this function set them, not the test's. */
TEST(runner_restores_the_host)
{
    static const uint8_t ud2[] = { 0x0f, 0x0b };
    static const uint8_t nop = 0x90;
    struct native_frame frame = native_frame_for(64);
    struct native_result r;
    struct vecstate v;
    uint32_t mxcsr = 0x1fa0, mxcsr_after, mxcsr_default = 0x1f80;
    uint16_t fcw = 0x027f, fcw_after, fcw_default = 0x037f;

    random_state(5, &v);
    v.mxcsr = 0x0000; /* every SSE exception unmasked, rounding to nearest */
    v.fcw = 0x0c40;   /* every x87 exception unmasked, rounding toward zero */
    vecstate_to_xsave(&v, xsave_host_layout(), false, native_vector_in());
    for (unsigned i = 0; i < 2; i++) {
        native_place(64, i ? ud2 : &nop, i ? 2 : 1);
        __asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr), "m"(fcw));
        native_run(64, &frame, &r);
        __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr_after), "=m"(fcw_after));
        __asm__ volatile("ldmxcsr %0\n\tfldcw %1" : : "m"(mxcsr_default), "m"(fcw_default));
        CHECK_EQ(mxcsr_after, mxcsr, i ? "MXCSR after a fault" : "MXCSR after a run");
        CHECK_EQ(fcw_after, fcw, i ? "FCW after a fault" : "FCW after a run");
    }
}

/* ---- the emulator's fixture ---- */

static struct fixture fixture;

/* The SDK names carry x87/MMX, MXCSR and XMM0-15 (bits 127:0), nothing else; XCR0 has a
 * slot of its own (its name, 0x27, is the fixture's EFER slot number). */
TEST(fixture_sdk_names)
{
    for (unsigned seed = 0; seed < 50; seed++) {
        struct vecstate v, other, want, got;
        WHV_REGISTER_VALUE *mm3, *xmm9;
        random_state(seed, &v);
        random_state(seed + 1000, &other);
        want = other;
        memcpy(want.st, v.st, sizeof v.st);
        want.fcw = v.fcw, want.fsw = v.fsw, want.ftw = v.ftw, want.fop = v.fop;
        want.fip = v.fip, want.fdp = v.fdp, want.mxcsr = v.mxcsr;
        for (unsigned i = 0; i < 16; i++)
            memcpy(want.zmm[i], v.zmm[i], 16);
        memset(&fixture, 0, sizeof fixture);
        fixture_set_vector_state(&fixture, &v);
        fixture_vector_state(&fixture, &other, &got);
        check_same("SDK names onto another state", seed, &want, &got);
        mm3 = fixture_reg(&fixture, WHvX64RegisterFpMmx3);
        xmm9 = fixture_reg(&fixture, WHvX64RegisterXmm9);
        CHECK(memcmp(mm3, v.st[3], 10) == 0, "FpMmx3 is FXSAVE slot 3");
        CHECK(memcmp(xmm9, v.zmm[9], 16) == 0, "Xmm9");
        CHECK_EQ(fixture_reg(&fixture, WHvX64RegisterXmmControlStatus)
                     ->XmmControlStatus.XmmStatusControl,
                 v.mxcsr, "XmmStatusControl");
        CHECK_EQ(fixture_reg(&fixture, WHvX64RegisterFpControlStatus)->FpControlStatus.FpTag, v.ftw,
                 "FpTag (abridged)");
    }
    CHECK(fixture_reg(&fixture, WHvX64RegisterXCr0) != fixture_reg(&fixture, WHvX64RegisterEfer),
          "XCr0 and EFER share a slot");
}

/* The extension as the emulator will use it: get the buffer (too small first), edit a
 * register that only the buffer carries, set it back; the fixture then reports the edit. */
TEST(fixture_extended_state)
{
    static uint8_t buffer[FIXTURE_XSTATE_MAX];
    const struct xsave_layout *l = xsave_host_layout();

    for (unsigned compacted = 0; compacted < 2; compacted++) {
        struct vecstate v, seen, want, got;
        UINT32 written = 0;
        random_state(compacted, &v);
        memset(&fixture, 0, sizeof fixture);
        fixture_set_vector_state(&fixture, &v);
        fixture_xstate_load(&fixture, &v, compacted);
        CHECK(fixture_get_xstate(&fixture, buffer, 16, &written) == E_INVALIDARG, "too small");
        CHECK_EQ(written, xsave_image_size(l, compacted && l->xsave), "size asked for");
        CHECK(fixture_get_xstate(&fixture, buffer, sizeof buffer, &written) == S_OK, "get");
        vecstate_init(&seen);
        CHECK(vecstate_from_xsave(&seen, l, buffer, written), "parse the buffer");
        check_same(compacted ? "compacted buffer" : "standard buffer", compacted, &v, &seen);
        want = v;
        want.zmm[l->xsave ? 17 : 7][l->xsave ? 40 : 4] ^= 0x5a;
        want.k[1] ^= 0x8000;
        CHECK_EQ(vecstate_changed_components(&v, &want, l), l->xsave ? 0xa0 : 0x2,
                 "components changed");
        vecstate_to_xsave(&want, l, compacted && l->xsave, buffer);
        CHECK(fixture_set_xstate(&fixture, buffer, written, 0xe0) == S_OK, "set");
        fixture_vector_state(&fixture, &v, &got);
        check_same("after the extension's set", compacted, &want, &got);
        CHECK_EQ(fixture.xstate_modified, 0xe0, "Modified recorded");
    }
}

int main(void)
{
    if (!native_init(BUFFER_SIZE))
        return 2;
    host_describe(stdout);
    printf("vector state: XSAVE components 0x%" PRIx64 ", MXCSR_MASK 0x%x\n",
           xsave_host_layout()->components, xsave_host_layout()->mxcsr_mask);
    check_run_tests();
    host_skip_report(stdout);
    return check_summary();
}
