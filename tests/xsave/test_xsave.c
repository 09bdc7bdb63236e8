/* The XSAVE family through the API (src/exec/xsave.c) against this CPU, in 64-bit code at
 * CPL 3: XSAVE(64), XSAVEOPT(64), XSAVEC(64) and XRSTOR(64) run natively with the state the
 * runner loads (XRSTOR of a random image: random components in use or in their init state)
 * and through the API with the CLI's guest as the VMM serving the same state in its
 * extended-state area, standard or compacted; random EDX:EAX masks (random XCR0 subsets and
 * bits outside it). XRSTOR's images: random headers in both formats, corrupted ones (#GP),
 * reserved MXCSR bits (#GP). The save areas are compared as the SDM allows them to differ
 * (docs/xsave.md): a component whose XSTATE_BV bit is 0 on one side is in its init state
 * there, whatever its bytes (XSAVEOPT's and XSAVEC's init optimisation), and a bit may be 1
 * on the CPU's side for a component in its init state (XINUSE may be 1 any time). Then the
 * faults through the API: misaligned areas, pages (CR2 as measured), CR4.OSXSAVE, CR0.TS,
 * XSAVES/XRSTORS at CPL 3, no extension. Skips counted (XSAVEOPT, XSAVEC gates).
 *
 *     test_xsave [cases per form]     default 300 */
#define _GNU_SOURCE /* sigaction, sigsetjmp, MAP_ANONYMOUS */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "guest.h"
#include "hostcpu.h"
#include "rng.h"

#define AREA_MAX 8192u
#define HEADER 512u
#define EXTENDED 576u
#define COMPACTED (UINT64_C(1) << 63)
#define GVA 0x10000u /* the operand's page, 64-byte aligned */
#define PKRU_BIT (UINT64_C(1) << 9)

enum form {
    F_XSAVE,
    F_XSAVE64,
    F_XSAVEOPT64,
    F_XSAVEC64,
    F_XRSTOR,
    F_XRSTOR64,
    F_XSAVES64,
    F_XRSTORS64,
    F_COUNT
};

/* XSAVES and XRSTORS run at CPL 0 only: through the API at CPL 0 with IA32_XSS 0, their
 * oracle is the CPU's XSAVEC and XRSTOR (the same operation on user components, SDM vol. 1
 * §13.11, §13.12; XSAVES's modified optimisation is not used; XRSTORS's standard form is
 * #GP). */
// clang-format off
static const struct {
    const char *name;
    uint8_t bytes[5]; /* the instruction with [rbx] */
    unsigned length;
    enum host_feature gate;
    bool restores, compacts, optimises;
    enum form oracle;
} forms[F_COUNT] = {
    [F_XSAVE] = { "xsave", { 0x0f, 0xae, 0x23 }, 3, HF_xsave, false, false, false, F_XSAVE },
    [F_XSAVE64] = { "xsave64", { 0x48, 0x0f, 0xae, 0x23 }, 4, HF_xsave, false, false, false, F_XSAVE64 },
    [F_XSAVEOPT64] = { "xsaveopt64", { 0x48, 0x0f, 0xae, 0x33 }, 4, HF_xsaveopt, false, false, true, F_XSAVEOPT64 },
    [F_XSAVEC64] = { "xsavec64", { 0x48, 0x0f, 0xc7, 0x23 }, 4, HF_xsavec, false, true, true, F_XSAVEC64 },
    [F_XRSTOR] = { "xrstor", { 0x0f, 0xae, 0x2b }, 3, HF_xsave, true, false, false, F_XRSTOR },
    [F_XRSTOR64] = { "xrstor64", { 0x48, 0x0f, 0xae, 0x2b }, 4, HF_xsave, true, false, false, F_XRSTOR64 },
    [F_XSAVES64] = { "xsaves64", { 0x48, 0x0f, 0xc7, 0x2b }, 4, HF_xsavec, false, true, true, F_XSAVEC64 },
    [F_XRSTORS64] = { "xrstors64", { 0x48, 0x0f, 0xc7, 0x1b }, 4, HF_xsavec, true, false, false, F_XRSTOR64 },
};
// clang-format on

static WHVEMU_XSTATE_LAYOUT layout;
static uint64_t xcr0; /* the host's, PKRU left out of every state and mask */
static uint32_t mxcsr_mask;

/* ---- areas ---- */

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void fill(uint8_t *p, size_t n)
{
    for (size_t k = 0; k < n; k++)
        p[k] = (uint8_t)next_random();
}

/* Component offsets in a format: the standard one's from the layout, the compacted one's
 * from `placed` (SDM vol. 1 §13.4.3). Returns the end. */
static uint32_t offsets(bool compacted, uint64_t placed, uint32_t off[64])
{
    uint32_t end = EXTENDED;

    for (unsigned i = 2; i < 63; i++) {
        const WHVEMU_XSTATE_COMPONENT *c = &layout.Component[i];
        off[i] = compacted ? 0 : c->Offset;
        if (!c->Size || !((placed >> i) & 1))
            continue;
        if (compacted) {
            end = (c->Flags & 2) ? (end + 63) & ~63u : end;
            off[i] = end;
        }
        if (off[i] + c->Size > end)
            end = off[i] + c->Size;
    }
    return end;
}

/* A random legacy region the CPU loads without a fault: MXCSR within its mask, and (for
 * the comparisons of FXSAVE's pointers) the 64-bit format. */
static void random_legacy(uint8_t *a)
{
    fill(a, 416);
    memset(a + 416, 0, 96);
    put64(a + 24, (next_random() & mxcsr_mask & 0xffff) | (uint64_t)mxcsr_mask << 32);
    a[5] = 0;
    a[7] &= 7; /* FOP 10:0 */
    put64(a + 8, get64(a + 8) & 0x7fffffffffffull);
    put64(a + 16, get64(a + 16) & 0x7fffffffffffull);
}

/* ---- the CPU ---- */

static sigjmp_buf on_fault;
static volatile sig_atomic_t fault_signal;
static uint8_t host_state[AREA_MAX] __attribute__((aligned(64)));

static volatile uintptr_t fault_address;
static volatile sig_atomic_t armed; /* inside run_native's instructions */

static void handler(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (!armed) { /* not the instruction under test: a real crash */
        signal(sig, SIG_DFL);
        return;
    }
    armed = 0;
    fault_signal = sig;
    fault_address = (uintptr_t)info->si_addr;
    siglongjmp(on_fault, 1);
}

#define RUN_FORM(text)                                                                             \
    __asm__ volatile(                                                                              \
        "mov %[all], %%eax\n\txor %%edx, %%edx\n\txrstor64 (%[state])\n\t"                         \
        "mov %[lo], %%eax\n\tmov %[hi], %%edx\n\t" text "\n\t"                                     \
        "mov %[all], %%eax\n\txor %%edx, %%edx\n\txsave64 (%[out])\n\t"                            \
        "mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%[host])"                                   \
        :                                                                                          \
        : [host] "r"(host_state), [state] "r"(state), [out] "r"(out), [all] "r"((uint32_t)xcr0),   \
          [lo] "r"((uint32_t)mask), [hi] "r"((uint32_t)(mask >> 32)), "b"(operand)                 \
        : "rax", "rdx", "memory")

/* Load the state, run the form on the operand with EDX:EAX = mask, store the state in out
 * (XSAVE64, standard). Returns the signal (0: none). */
static int run_native(enum form f, const uint8_t *state, uint8_t *operand, uint64_t mask,
                      uint8_t *out)
{
    fault_signal = 0;
    __asm__ volatile("xsave64 (%0)" ::"r"(host_state), "a"(-1), "d"(-1) : "memory");
    if (sigsetjmp(on_fault, 1)) {
        __asm__ volatile("xrstor64 (%0)" ::"r"(host_state), "a"(-1), "d"(-1) : "memory");
        return fault_signal;
    }
    armed = 1;
    switch (f) {
    case F_XSAVE: RUN_FORM("xsave (%%rbx)"); break;
    case F_XSAVE64: RUN_FORM("xsave64 (%%rbx)"); break;
    case F_XSAVEOPT64: RUN_FORM("xsaveopt64 (%%rbx)"); break;
    case F_XSAVEC64: RUN_FORM("xsavec64 (%%rbx)"); break;
    case F_XRSTOR: RUN_FORM("xrstor (%%rbx)"); break;
    case F_XRSTOR64: RUN_FORM("xrstor64 (%%rbx)"); break;
    default: break;
    }
    armed = 0;
    return 0;
}

/* The state as this CPU holds it once loaded (FCW's reserved bits, FSW, the pointers as it
 * keeps them): what a VMM's area would say. XSTATE_BV kept. */
static void canonical(uint8_t *a, uint64_t bv)
{
    static uint8_t held[AREA_MAX] __attribute__((aligned(64)));

    __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txsave64 (%0)\n\t"
                     "mov %3, %%eax\n\txor %%edx, %%edx\n\txrstor64 (%1)\n\t"
                     "xsave64 (%2)\n\t"
                     "mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)"
                     :
                     : "r"(host_state), "r"(a), "r"(held), "r"((uint32_t)xcr0)
                     : "rax", "rdx", "memory");
    memcpy(a, held, HEADER);
    memcpy(a + HEADER + 64, held + HEADER + 64, AREA_MAX - HEADER - 64);
    put64(a + HEADER, bv);
}

/* A random state image (standard format) whose XSTATE_BV is a random subset of XCR0 with
 * the legacy components in use (the CLI's guest reports them so: its SDK names are values),
 * as this CPU holds it. */
static uint64_t random_state(uint8_t *a)
{
    uint32_t off[64];
    uint64_t bv = (next_random() & xcr0) | 3;

    memset(a, 0, AREA_MAX);
    random_legacy(a);
    offsets(false, xcr0, off);
    for (unsigned i = 2; i < 63; i++)
        if ((bv >> i) & 1)
            fill(a + off[i], layout.Component[i].Size);
    put64(a + HEADER, bv);
    canonical(a, bv);
    return bv;
}

/* ---- the API ---- */

static struct guest g;

static WHV_REGISTER_VALUE *reg(WHV_REGISTER_NAME name)
{
    return vcpu_reg(&g.vcpu, name);
}

/* The legacy rows of an image as the SDK names (FpControlStatus, XmmControlStatus, FpMmx0-7,
 * Xmm0-15), and back. */
static WHV_REGISTER_NAME row_name(unsigned row)
{
    if (row < 2)
        return WHvX64RegisterFpControlStatus + row;
    return row < 10 ? WHvX64RegisterFpMmx0 + (row - 2) : WHvX64RegisterXmm0 + (row - 10);
}

/* A flat 64-bit guest at CPL 3 with CR4.OSXSAVE, the state of `state` (the extended
 * components in its area, standard or compacted), RBX = GVA, EDX:EAX = mask. */
static WHV_EMULATOR_HANDLE guest_with(const uint8_t *state, bool compacted, uint64_t mask,
                                      WHV_VP_EXIT_CONTEXT *vp)
{
    WHV_EMULATOR_HANDLE h = NULL;
    uint32_t off[64];
    uint64_t bv = get64(state + HEADER);

    guest_free(&g);
    guest_init(&g);
    memset(vp, 0, sizeof *vp);
    vp->ExecutionState.Cr0Pe = 1;
    vp->ExecutionState.EferLma = 1;
    vp->ExecutionState.Cpl = 3;
    vp->Cs = (WHV_X64_SEGMENT_REGISTER){ .Selector = 0x33,
                                         .SegmentType = 0xb,
                                         .NonSystemSegment = 1,
                                         .DescriptorPrivilegeLevel = 3,
                                         .Present = 1,
                                         .Long = 1 };
    vp->Rip = 0x401000;
    vp->Rflags = 0x202;
    reg(WHvX64RegisterRip)->Reg64 = vp->Rip;
    reg(WHvX64RegisterRflags)->Reg64 = vp->Rflags;
    reg(WHvX64RegisterCs)->Segment = vp->Cs;
    reg(WHvX64RegisterSs)->Segment = (WHV_X64_SEGMENT_REGISTER){ .Selector = 0x2b,
                                                                 .SegmentType = 3,
                                                                 .NonSystemSegment = 1,
                                                                 .DescriptorPrivilegeLevel = 3,
                                                                 .Present = 1,
                                                                 .Default = 1,
                                                                 .Granularity = 1,
                                                                 .Limit = 0xffffffff };
    reg(WHvX64RegisterCr0)->Reg64 = 0x80050033;
    reg(WHvX64RegisterCr4)->Reg64 = 0x40620;
    reg(WHvX64RegisterEfer)->Reg64 = 0xd01;
    reg(WHvX64RegisterXCr0)->Reg64 = xcr0;
    reg(WHvX64RegisterRax)->Reg64 = (uint32_t)mask | UINT64_C(0xdead) << 32;
    reg(WHvX64RegisterRdx)->Reg64 = mask >> 32;
    reg(WHvX64RegisterRbx)->Reg64 = GVA;
    for (unsigned row = 0; row < 26; row++)
        memcpy(reg(row_name(row)), state + 16 * row, 16);
    if (!guest_xstate_init(&g, compacted))
        return NULL;
    offsets(false, xcr0, off);
    for (unsigned i = 2; i < 63; i++)
        if ((bv >> i) & 1 && guest_xstate_component(&g, i))
            memcpy(guest_xstate_component(&g, i), state + off[i], layout.Component[i].Size);
    if (WHvEmulatorCreateEmulator(&guest_callbacks, &h) != S_OK ||
        guest_install_xstate(&g, h) != S_OK)
        return NULL;
    return h;
}

/* One exit of the form; the status, and the exception it injected (0xff: none). */
static unsigned run_api(enum form f, WHV_EMULATOR_HANDLE h, WHV_EMULATOR_STATUS *st)
{
    WHV_X64_PENDING_INTERRUPTION_REGISTER pending;

    guest_run_mmio(&g, h, forms[f].bytes, forms[f].length, st);
    pending.AsUINT64 = reg(WHvRegisterPendingInterruption)->Reg64;
    return pending.InterruptionPending ? pending.InterruptionVector : 0xff;
}

/* The state the guest holds after a call, as XSAVE64 stores it (standard format). */
static void guest_state(uint8_t *a)
{
    uint32_t off[64];
    uint64_t bv = 3;

    memset(a, 0, AREA_MAX);
    for (unsigned row = 0; row < 26; row++)
        memcpy(a + 16 * row, reg(row_name(row)), 16);
    offsets(false, xcr0, off);
    for (unsigned i = 2; i < 63; i++) {
        uint8_t *c;
        if (!((xcr0 >> i) & 1) || !((get64(g.xstate.area + HEADER) >> i) & 1))
            continue;
        c = g.xstate.area + g.xstate.offset[i];
        memcpy(a + off[i], c, layout.Component[i].Size);
        bv |= UINT64_C(1) << i;
    }
    put64(a + HEADER, bv);
}

/* ---- comparisons ---- */

/* Component i's bytes in an image (legacy: x87 0-23 and 32-159 as one run each; SSE 160-415). */
static bool component_init(const uint8_t *a, unsigned i, const uint32_t *off)
{
    static const uint8_t x87_init[24] = { 0x7f, 0x03 };
    uint8_t zeros[1024] = { 0 };

    if (i == 0)
        return memcmp(a, x87_init, 24) == 0 && memcmp(a + 32, zeros, 128) == 0;
    if (i == 1)
        return memcmp(a + 160, zeros, 256) == 0;
    return memcmp(a + off[i], zeros, layout.Component[i].Size) == 0;
}

static bool component_equal(const uint8_t *a, const uint8_t *b, unsigned i, const uint32_t *off)
{
    if (i == 0)
        return memcmp(a, b, 24) == 0 && memcmp(a + 32, b + 32, 128) == 0;
    if (i == 1)
        return memcmp(a + 160, b + 160, 256) == 0;
    return memcmp(a + off[i], b + off[i], layout.Component[i].Size) == 0;
}

/* Where component i first differs between two images. */
static void first_difference(char *why, const uint8_t *e, const uint8_t *c, unsigned i,
                             const uint32_t *off)
{
    uint32_t from = i == 0 ? 0 : i == 1 ? 160 : off[i];
    uint32_t to = i == 0 ? 160 : i == 1 ? 416 : off[i] + layout.Component[i].Size;

    for (uint32_t k = from; k < to; k++)
        if (e[k] != c[k] && (i != 0 || k < 24 || k >= 32)) {
            sprintf(why, "component %u, byte %u: emulator %02x, cpu %02x", i, k, e[k], c[k]);
            return;
        }
}

/* Component i's bytes and XSTATE_BV bit of `from` copied into `to`. */
static void take_component(uint8_t *to, const uint8_t *from, unsigned i, const uint32_t *off)
{
    if (i == 0) {
        memcpy(to, from, 24);
        memcpy(to + 32, from + 32, 128);
    } else if (i == 1) {
        memcpy(to + 160, from + 160, 256);
    } else {
        memcpy(to + off[i], from + off[i], layout.Component[i].Size);
    }
    to[HEADER + i / 8] = (uint8_t)((to[HEADER + i / 8] & ~(1u << (i % 8))) |
                                   (from[HEADER + i / 8] & (1u << (i % 8))));
}

/* Two images of the same format equal as the SDM lets them differ: per component of RFBM,
 * in use on both sides with equal bytes, or in its init state on a side whose bit is 0 (its
 * bytes then free where `optimises`, else the init value) and in its init state on the
 * other; every other byte equal. */
static bool images_agree(const uint8_t *emu, const uint8_t *cpu, uint64_t rfbm, bool optimises,
                         const uint32_t *off, uint32_t end, char *why)
{
    uint64_t be = get64(emu + HEADER), bc = get64(cpu + HEADER);
    uint8_t e[AREA_MAX], c[AREA_MAX];

    memcpy(e, emu, end);
    memcpy(c, cpu, end);
    for (unsigned i = 0; i < 63; i++) {
        bool in_e = (be >> i) & 1, in_c = (bc >> i) & 1;
        if (!((rfbm >> i) & 1) || (i > 1 && !layout.Component[i].Size))
            continue;
        if (in_e && in_c && !component_equal(e, c, i, off))
            return first_difference(why, e, c, i, off), false;
        if ((!in_e || !in_c) && !((!in_e && optimises) || component_init(e, i, off)))
            return sprintf(why, "component %u: emulator not init", i), false;
        if ((!in_e || !in_c) && !((!in_c && optimises) || component_init(c, i, off)))
            return sprintf(why, "component %u: cpu not init", i), false;
        if (in_e != in_c || !in_e) /* equal as far as the SDM says */
            take_component(c, e, i, off);
    }
    for (uint32_t k = 0; k < end; k++)
        if (e[k] != c[k])
            return sprintf(why, "byte %u: emulator %02x, cpu %02x", k, e[k], c[k]), false;
    return true;
}

/* ---- the cases ---- */

static unsigned long cases_run, faults_run, cases_per_form = 300;

/* A random EDX:EAX: usually a random subset of XCR0 with bits outside it, sometimes all. */
static uint64_t random_mask(void)
{
    uint64_t m = next_random() % 4 == 0 ? ~UINT64_C(0) : next_random();
    return m & ~PKRU_BIT;
}

/* An image for XRSTOR: a random state's, in the standard or the compacted format (XCOMP_BV
 * a random superset of XSTATE_BV within XCR0), sometimes corrupted (a reserved header
 * byte, an XSTATE_BV or XCOMP_BV bit outside XCR0, XSTATE_BV outside XCOMP_BV, a reserved
 * MXCSR bit): the CPU says #GP or not. */
static void restore_image(uint8_t *img)
{
    static uint8_t st[AREA_MAX] __attribute__((aligned(64)));
    uint32_t std[64], cmp[64];
    uint64_t bv = random_state(st) & next_random();
    bool compacted = host_has(HF_xsavec) && next_random() % 2;
    uint64_t xcomp = (bv | (next_random() & xcr0)) & ~PKRU_BIT & ~UINT64_C(3);

    memset(img, 0, AREA_MAX);
    fill(img, AREA_MAX);
    memcpy(img, st, 512);
    offsets(false, xcr0, std);
    offsets(true, xcomp, cmp);
    for (unsigned i = 2; i < 63; i++)
        if ((bv >> i) & 1)
            memcpy(img + (compacted ? cmp[i] : std[i]), st + std[i], layout.Component[i].Size);
    memset(img + HEADER, 0, 64);
    put64(img + HEADER, bv & ~PKRU_BIT);
    put64(img + HEADER + 8, compacted ? xcomp | COMPACTED : 0);
    switch (next_random() % 16) {
    case 0: img[HEADER + 16 + next_random() % 48] = 1; break;
    case 1: img[HEADER + 7] |= 0x40; break;  /* XSTATE_BV bit 62 */
    case 2: img[HEADER + 14] |= 0x10; break; /* XCOMP_BV bit 52 */
    case 3: img[HEADER + 8] = 0x01; break;   /* XCOMP_BV without bit 63 */
    case 4: img[24 + 2] |= 0x04; break;      /* MXCSR bit 18: reserved */
    default: break;
    }
}

static void one_case(enum form f, bool compacted)
{
    static uint8_t state[AREA_MAX] __attribute__((aligned(64)));
    static uint8_t operand[AREA_MAX] __attribute__((aligned(64)));
    static uint8_t before[AREA_MAX], out[AREA_MAX] __attribute__((aligned(64)));
    uint8_t emu_out[AREA_MAX], emu_mem[AREA_MAX];
    uint64_t mask = random_mask(), rfbm = mask & xcr0;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_EMULATOR_STATUS st;
    WHV_EMULATOR_HANDLE h;
    uint32_t off[64], end;
    unsigned vector;
    char why[96] = "";
    int sig;

    random_state(state);
    if (forms[f].restores)
        restore_image(before);
    else
        fill(before, AREA_MAX);
    memcpy(operand, before, AREA_MAX);
    sig = run_native(forms[f].oracle, state, operand, mask, out);
    if (f == F_XRSTORS64 && !(before[HEADER + 15] & 0x80))
        sig = SIGSEGV; /* the standard form: #GP */
    h = guest_with(state, compacted, mask, &vp);
    CHECK(h != NULL, "%s: the guest", forms[f].name);
    if (!h)
        return;
    if (forms[f].oracle != f) { /* CPL 0 */
        reg(WHvX64RegisterCs)->Segment.DescriptorPrivilegeLevel = 0;
        reg(WHvX64RegisterSs)->Segment.DescriptorPrivilegeLevel = 0;
    }
    guest_write(&g, GVA, before, AREA_MAX);
    vector = run_api(f, h, &st);
    cases_run++;
    CHECK(st.EmulationSuccessful, "%s: status 0x%x", forms[f].name, st.AsUINT32);
    if (sig) {
        faults_run++;
        CHECK_EQ(vector, 13, forms[f].name);
    } else {
        CHECK_EQ(vector, 0xff, forms[f].name);
    }
    if (!sig && forms[f].restores) {
        guest_state(emu_out);
        if (host_is_amd() && !(out[2] & 0x80)) /* FOP, FIP, FDP hidden while FSW.ES is 0 */
            memcpy(emu_out + 6, out + 6, 18);
        end = offsets(false, xcr0, off);
        CHECK(images_agree(emu_out, out, xcr0 & ~PKRU_BIT, true, off, end, why),
              "%s (%s area): mask %llx: %s", forms[f].name, compacted ? "compacted" : "standard",
              (unsigned long long)mask, why);
    } else if (!sig) {
        guest_read(&g, GVA, emu_mem, AREA_MAX);
        offsets(forms[f].compacts, rfbm, off);
        CHECK(images_agree(emu_mem, operand, rfbm, forms[f].optimises, off, AREA_MAX, why),
              "%s (%s area): mask %llx: %s", forms[f].name, compacted ? "compacted" : "standard",
              (unsigned long long)mask, why);
    }
    WHvEmulatorDestroyEmulator(h);
}

TEST(test_against_cpu)
{
    unsigned long n = cases_per_form;

    for (int f = 0; f < F_COUNT; f++) {
        if (!host_has(forms[f].gate)) {
            host_skip(forms[f].gate, n);
            continue;
        }
        for (unsigned long k = 0; k < n; k++)
            one_case((enum form)f, k % 2);
    }
    printf("%lu cases against the CPU, %lu of them #GP\n", cases_run, faults_run);
}

/* ---- the faults ---- */

/* Two pages, the second PROT_NONE. */
static uint8_t *mmap_pages(void)
{
    uint8_t *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED || mprotect(p + 4096, 4096, PROT_NONE) != 0)
        return NULL;
    return p;
}

/* The area across a page whose successor is not mapped: the CPU's CR2 (measured with the
 * page PROT_NONE) against the API's (the guest's translation says not present). */
TEST(test_pages)
{
    static uint8_t state[AREA_MAX] __attribute__((aligned(64)));
    static uint8_t out[AREA_MAX] __attribute__((aligned(64)));
    uint8_t *pages = mmap_pages();
    unsigned long n = 0;

    if (!pages)
        return;
    for (int f = 0; f < F_COUNT; f++) {
        if (forms[f].oracle != (enum form)f) /* CPL 3 forms only */
            continue;
        if (!host_has(forms[f].gate)) {
            host_skip(forms[f].gate, 48);
            continue;
        }
        for (unsigned k = 1; k <= 48; k++, n++) {
            uint64_t mask = k % 3 ? ~UINT64_C(0) & ~PKRU_BIT : random_mask();
            unsigned at = 4096 - 64 * k;
            WHV_VP_EXIT_CONTEXT vp;
            WHV_EMULATOR_STATUS st;
            WHV_EMULATOR_HANDLE h;
            uint8_t image[AREA_MAX];
            int sig;

            random_state(state);
            restore_image(image);
            memcpy(pages + at, image, 4096 - at);
            fault_address = 0;
            sig = run_native((enum form)f, state, pages + at, mask, out);
            h = guest_with(state, k % 2, mask, &vp);
            if (!h)
                continue;
            reg(WHvX64RegisterRbx)->Reg64 = GVA + at;
            guest_write(&g, GVA + at, pages + at, 4096 - at);
            g.mappings[0] =
                (struct guest_mapping){ GVA + 4096, 0, WHvTranslateGvaResultPageNotPresent };
            g.mapping_count = 1;
            if (sig == SIGSEGV && fault_address) {
                CHECK_EQ(run_api((enum form)f, h, &st), 14, forms[f].name);
                CHECK(reg(WHvX64RegisterCr2)->Reg64 - GVA == fault_address - (uintptr_t)pages,
                      "%s at %u, mask %llx, header %llx %llx: CR2 page offset %llx, the CPU's %llx",
                      forms[f].name, at, (unsigned long long)mask,
                      (unsigned long long)get64(pages + at + HEADER),
                      (unsigned long long)get64(pages + at + HEADER + 8),
                      (unsigned long long)(reg(WHvX64RegisterCr2)->Reg64 - GVA),
                      (unsigned long long)(fault_address - (uintptr_t)pages));
            } else {
                unsigned v = run_api((enum form)f, h, &st);
                CHECK(v == (sig ? 13u : 0xffu),
                      "%s at %u, mask %llx, header %llx %llx: vector %u, sig %d", forms[f].name, at,
                      (unsigned long long)mask, (unsigned long long)get64(pages + at + HEADER),
                      (unsigned long long)get64(pages + at + HEADER + 8), v, sig);
            }
            WHvEmulatorDestroyEmulator(h);
        }
    }
    printf("%lu page cases\n", n);
}

#define ALIGNMENT_CHECK (UINT64_C(1) << 62) /* in api_vector's rbx: RFLAGS.AC set */

/* The checks before the area, on any CPU (hand vectors: SDM vol. 1 §13.7-13.12). */
static unsigned api_vector(const uint8_t *bytes, unsigned length, uint64_t cr0, uint64_t cr4,
                           unsigned cpl, uint64_t rbx, bool extension, WHV_EMULATOR_STATUS *st)
{
    static uint8_t state[AREA_MAX] __attribute__((aligned(64)));
    WHV_VP_EXIT_CONTEXT vp;
    WHV_EMULATOR_HANDLE h;
    WHV_X64_PENDING_INTERRUPTION_REGISTER pending;

    random_state(state);
    h = guest_with(state, false, ~UINT64_C(0), &vp);
    if (!h)
        return 0xfe;
    if (!extension)
        whvemu_set_xstate_callbacks(h, NULL);
    reg(WHvX64RegisterCr0)->Reg64 = cr0;
    reg(WHvX64RegisterCr4)->Reg64 = cr4;
    reg(WHvX64RegisterRbx)->Reg64 = rbx & ~(uint64_t)ALIGNMENT_CHECK;
    if (rbx & ALIGNMENT_CHECK) /* RFLAGS.AC with CR0.AM at CPL 3 */
        reg(WHvX64RegisterRflags)->Reg64 |= 0x40000;
    vp.ExecutionState.Cpl = cpl;
    reg(WHvX64RegisterCs)->Segment.DescriptorPrivilegeLevel = cpl;
    guest_run_mmio(&g, h, bytes, length, st);
    pending.AsUINT64 = reg(WHvRegisterPendingInterruption)->Reg64;
    WHvEmulatorDestroyEmulator(h);
    return pending.InterruptionPending ? pending.InterruptionVector : 0xff;
}

TEST(test_state_checks)
{
    static const uint8_t xsaves[] = { 0x48, 0x0f, 0xc7, 0x2b },
                         xrstors[] = { 0x48, 0x0f, 0xc7, 0x1b };
    WHV_EMULATOR_STATUS st;
    static const uint8_t locked[] = { 0xf0, 0x48, 0x0f, 0xae, 0x23 };
    const uint8_t *xsave = forms[F_XSAVE64].bytes;

    CHECK_EQ(api_vector(xsave, 4, 0x80050033, 0x00620, 3, GVA, true, &st), 6,
             "no CR4.OSXSAVE: #UD");
    CHECK_EQ(api_vector(locked, 5, 0x80050033, 0x40620, 3, GVA, true, &st), 6, "LOCK: #UD");
    CHECK_EQ(api_vector(xsave, 4, 0x8005003b, 0x40620, 3, GVA, true, &st), 7, "CR0.TS: #NM");
    CHECK_EQ(api_vector(xsave, 4, 0x80050033, 0x40620, 3, GVA + 32, true, &st), 13,
             "misaligned: #GP");
    CHECK_EQ(api_vector(xsave, 4, 0x80050033, 0x40620, 3, (GVA + 8) | ALIGNMENT_CHECK, true, &st),
             13, "misaligned with alignment checking: #GP, not #AC (measured)");
    CHECK_EQ(api_vector(xsaves, 4, 0x80050033, 0x40620, 3, GVA, true, &st), 13,
             "XSAVES at CPL 3: #GP");
    CHECK_EQ(api_vector(xrstors, 4, 0x80050033, 0x40620, 3, GVA, true, &st), 13,
             "XRSTORS at CPL 3: #GP");
    CHECK_EQ(api_vector(xsave, 4, 0x80050033, 0x40620, 3, GVA, false, &st), 0xff,
             "no extension: nothing injected");
    CHECK(!st.EmulationSuccessful && st.InternalEmulationFailure && g.calls[GUEST_CB_MEMORY] == 0 &&
              g.calls[GUEST_CB_SET_REGISTERS] == 0,
          "no extension: InternalEmulationFailure, untouched (status 0x%x)", st.AsUINT32);
}

int main(int argc, char **argv)
{
    struct sigaction sa;

    if (argc > 1)
        cases_per_form = strtoul(argv[1], NULL, 0);
    if (!host_has(HF_xsave) || whvemu_host_xstate_layout(&layout) != S_OK) {
        host_skip(HF_xsave, 1);
        host_skip_report(stdout);
        return check_summary();
    }
    xcr0 = host_xcr0() & ~PKRU_BIT;
    {
        uint8_t fx[512] __attribute__((aligned(16)));
        __asm__ volatile("fxsave64 %0" : "=m"(fx));
        memcpy(&mxcsr_mask, fx + 28, 4);
        if (!mxcsr_mask)
            mxcsr_mask = 0xffbf;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    rng_seed(0x5a5e);
    check_run_tests();
    host_skip_report(stdout);
    guest_free(&g);
    return check_summary();
}
