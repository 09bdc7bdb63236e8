/* The x87 memory forms run on the host's x87 (x87_host.h).
 *
 * Why a stub cannot hurt the process (docs/x87.md, "Safety"):
 *  - its instruction is fixed text compiled into the library, one per form of
 *    x87_forms.def; guest data only fills the x87 registers and the 10-byte operand buffer,
 *    which (%rdi) names;
 *  - the guest's state is loaded with FXRSTOR from an image this file builds: x87 registers
 *    and words from the guest, ES and B made consistent with the flags, MXCSR 1F80H (valid
 *    on every host: a guest MXCSR could #GP), XMM zero, no pointers;
 *  - nothing is pending when it runs (checked first), and x87 exceptions are deferred, so
 *    the instruction cannot trap, and FXSAVE and FXRSTOR do not wait;
 *  - the host's own x87/SSE state (control word, MXCSR, XMM) is saved before and restored
 *    after in the same asm statement, so the compiler never sees it change. */
#include "exec/x87_host.h"

#include <string.h>

#include "core/atomics.h"
#include "core/cpuid.h"
#include "exec/x87_fxsave.h"

/* The stubs are GNU C inline assembly for x86-64. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(WHVEMU_NO_HOST_OPS)
#define X87_STUBS 1
#else
#define X87_STUBS 0
#endif

bool x87_host_stubs_compiled(void)
{
    return X87_STUBS;
}

#if X87_STUBS

/* The host's image while the guest's is loaded, and the guest's in and out. */
struct host_areas {
    _Alignas(16) uint8_t host[FXSAVE_BYTES];
    _Alignas(16) uint8_t guest[FXSAVE_BYTES];
};

typedef void (*x87_stub)(struct host_areas *a, uint8_t *operand);

/* Save the host's state, load the guest's, run `middle`, save the guest's, reload the
 * host's. */
#define HOST_STUB(name, middle)                                                                    \
    static void name(struct host_areas *a, uint8_t *operand)                                       \
    {                                                                                              \
        __asm__ volatile("fxsave64 %[host]\n\tfxrstor64 %[guest]\n\t" middle                       \
                         "fxsave64 %[guest]\n\tfxrstor64 %[host]"                                  \
                         : [host] "=m"(a->host), [guest] "+m"(a->guest),                           \
                           "+m"(*(uint8_t(*)[10])operand)                                          \
                         : "D"(operand));                                                          \
    }

/* One stub per LOAD and STORE row; the format kinds have none. */
#define STUB_LOAD(esc, reg, text) HOST_STUB(stub_##esc##_##reg, text " (%%rdi)\n\t")
#define STUB_STORE STUB_LOAD
#define STUB_FLDCW(esc, reg, text)
#define STUB_FNSTCW STUB_FLDCW
#define STUB_FNSTSW STUB_FLDCW
#define STUB_FLDENV STUB_FLDCW
#define STUB_FNSTENV STUB_FLDCW
#define STUB_FRSTOR STUB_FLDCW
#define STUB_FNSAVE STUB_FLDCW
#define X87_FORM(esc, reg, mn, kind, bytes, sse3, text) STUB_##kind(esc, reg, text)
#include "exec/x87_forms.def"
#undef X87_FORM

#define ENTRY_LOAD(esc, reg) [(0x##esc - 0xd8) * 8 + reg] = stub_##esc##_##reg,
#define ENTRY_STORE ENTRY_LOAD
#define ENTRY_FLDCW(esc, reg)
#define ENTRY_FNSTCW ENTRY_FLDCW
#define ENTRY_FNSTSW ENTRY_FLDCW
#define ENTRY_FLDENV ENTRY_FLDCW
#define ENTRY_FNSTENV ENTRY_FLDCW
#define ENTRY_FRSTOR ENTRY_FLDCW
#define ENTRY_FNSAVE ENTRY_FLDCW
#define X87_FORM(esc, reg, mn, kind, bytes, sse3, text) ENTRY_##kind(esc, reg)
static const x87_stub stubs[64] = {
#include "exec/x87_forms.def"
};
#undef X87_FORM

/* A load and a save with nothing between: what the probes of the profile run. */
HOST_STUB(round_trip, "")

/* ---- what the host's x87 does, probed once (its CPUID bits are core/cpuid.h's) ---- */

enum {
    HOST_DETECTED = 1u << 31,
    HOST_HIDES_POINTERS = 1u << 0,
    HOST_SIGN_BIT_SHIFT = 8,  /* bits 13:8: the pointers' sign bit */
    HOST_FCW_KEPT_SHIFT = 16, /* bits 21:16 and 27:22: the model-specific FCW bits */
    HOST_FCW_ONES_SHIFT = 22, /* kept and set by a load (fcw_model_bits) */
};

/* The FCW bits whose load is model-specific: 6, 7 and 15:12 (x87.h), packed in six bits. */
static uint32_t fcw_model_bits(uint16_t fcw)
{
    return ((fcw >> 6) & 3u) | ((fcw >> 10) & 0x3cu);
}

static uint16_t fcw_of_model_bits(uint32_t bits)
{
    return (uint16_t)(((bits & 3u) << 6) | ((bits & 0x3cu) << 10));
}

/* What FXRSTOR64 then FXSAVE64 make of a state (the host's state is untouched). */
static void round_trip_state(struct fxsave_state *s)
{
    struct host_areas a;
    uint8_t unused[10] = { 0 };

    fxsave_image_store(s, true, a.guest);
    round_trip(&a, unused);
    fxsave_image_load(s, true, a.guest);
}

/* A state with FCW 037FH and, when `pending`, IE set and unmasked (ES then comes back set,
 * so that FXSAVE stores the pointers everywhere). */
static struct fxsave_state probe_state(bool pending, uint64_t pointer)
{
    struct fxsave_state s = { 0 };

    s.fcw = pending ? FCW_INIT & ~FSW_IE : FCW_INIT;
    s.fsw = pending ? FSW_IE : 0;
    s.mxcsr = MXCSR_INIT;
    s.fop = 0x7ff;
    s.fip = s.fdp = pointer;
    return s;
}

/* What a load leaves of FCW 0000H and FFFFH: the bits it sets and the ones it keeps. */
static uint32_t probe_fcw(void)
{
    struct fxsave_state none = probe_state(false, 0), all = none;

    none.fcw = 0;
    all.fcw = 0xffff;
    round_trip_state(&none);
    round_trip_state(&all);
    return fcw_model_bits(all.fcw & ~none.fcw) << HOST_FCW_KEPT_SHIFT | fcw_model_bits(none.fcw)
                                                                            << HOST_FCW_ONES_SHIFT;
}

static bool probe_hides_pointers(void)
{
    struct fxsave_state s = probe_state(false, 1);

    round_trip_state(&s);
    return s.fop == 0;
}

/* The bit FXRSTOR64 extends the pointers from: 1 << k comes back sign-extended from k
 * when k is that bit, as 0 above it, unchanged below it. */
static unsigned probe_sign_bit(void)
{
    for (unsigned k = 62; k >= 32; k--) {
        struct fxsave_state s = probe_state(true, UINT64_C(1) << k);

        round_trip_state(&s);
        if (s.fip == ~UINT64_C(0) << k)
            return k;
        if (s.fip != 0)
            return 63;
    }
    return 63;
}

static uint32_t detect(void)
{
    return HOST_DETECTED | probe_sign_bit() << HOST_SIGN_BIT_SHIFT | probe_fcw() |
           (probe_hides_pointers() ? HOST_HIDES_POINTERS : 0);
}

/* Detected once (detect sets HOST_DETECTED, so it is never 0). */
static uint32_t host_word(void)
{
    static atomic_u32 word;

    return detect_once(&word, detect);
}

bool x87_host_profile(struct x87_profile *out)
{
    uint32_t w = host_word();

    out->fdp_on_exception_only = cpuid_has(CPUID_FDP_EXCPTN_ONLY);
    out->fcs_fds_deprecated = cpuid_has(CPUID_FCS_FDS_DEPRECATED);
    out->fxsave_pointers_need_es = (w & HOST_HIDES_POINTERS) != 0;
    out->pointer_sign_bit = (uint8_t)((w >> HOST_SIGN_BIT_SHIFT) & 63);
    out->fcw_kept = 0x0f3f | fcw_of_model_bits(w >> HOST_FCW_KEPT_SHIFT);
    out->fcw_ones = fcw_of_model_bits(w >> HOST_FCW_ONES_SHIFT);
    return true;
}

/* ---- running a form ---- */

/* Run the stub on s (the x87 part: words, tags, registers) with the operand buffer. */
static void run(x87_stub stub, struct fxsave_state *s, uint8_t operand[10])
{
    struct host_areas a;
    struct fxsave_state x87 = { 0 };

    x87.fcw = s->fcw;
    x87.fsw = x87_consistent_fsw(s->fcw, s->fsw);
    x87.ftw = s->ftw;
    x87.mxcsr = MXCSR_INIT;
    memcpy(x87.st, s->st, sizeof x87.st);
    fxsave_image_store(&x87, true, a.guest);
    stub(&a, operand);
    fxsave_image_load(&x87, true, a.guest);
    s->fcw = x87.fcw;
    s->fsw = x87.fsw;
    s->ftw = x87.ftw;
    memcpy(s->st, x87.st, sizeof s->st);
}

/* A STORE form: the instruction does not read its operand, so two runs from different
 * prior contents tell whether it wrote it (SDM vol. 1 §8.5: an unmasked invalid-operation,
 * overflow or underflow exception leaves a memory destination unchanged). The second run
 * is needed only when the first left its prior contents. */
static bool run_store(x87_stub stub, const struct x87_form *f, struct fxsave_state *s,
                      uint8_t operand[10])
{
    struct fxsave_state before = *s;
    uint8_t first[10] = { 0 }, second[10];

    run(stub, s, first);
    if (memcmp(first, (uint8_t[10]){ 0 }, f->size) == 0) {
        *s = before;
        memset(second, 0xff, sizeof second);
        run(stub, s, second);
        if (memcmp(second, first, f->size) != 0)
            return false;
    }
    memcpy(operand, first, f->size);
    return true;
}

enum x87_host_result x87_host_run(const struct x87_form *f, struct fxsave_state *s,
                                  uint8_t operand[10], bool *stored)
{
    x87_stub stub = stubs[f->index & 63];

    *stored = false;
    if (!stub || (f->needs_sse3 && !cpuid_simd_has(CPU_SSE3)))
        return X87_HOST_UNAVAILABLE;
    if (x87_exception_pending(s->fcw, s->fsw))
        return X87_HOST_PENDING;
    if (f->kind == X87_STORE)
        *stored = run_store(stub, f, s, operand);
    else
        run(stub, s, operand);
    return X87_HOST_DONE;
}

#else /* !X87_STUBS */

bool x87_host_profile(struct x87_profile *out)
{
    (void)out;
    return false;
}

enum x87_host_result x87_host_run(const struct x87_form *f, struct fxsave_state *s,
                                  uint8_t operand[10], bool *stored)
{
    (void)f, (void)s, (void)operand;
    *stored = false;
    return X87_HOST_UNAVAILABLE;
}

#endif
