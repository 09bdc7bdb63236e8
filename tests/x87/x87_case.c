/* What the x87 suites share (x87_case.h). */
#include "x87_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "guest.h"
#include "segments.h"
#include "exec/x87_env.h"
#include "hostcpu.h"
#include "exec/x87_fxsave.h"
#include "rng.h"
#include "vecstate.h"
#include "whvemu.h"

static unsigned pick(unsigned n)
{
    return (unsigned)(next_random() % n);
}

static void put(uint8_t *out, unsigned bytes, uint64_t value)
{
    for (unsigned i = 0; i < bytes; i++)
        out[i] = (uint8_t)(value >> (8 * i));
}

/* ---- values ---- */

/* An exponent bias away from the edges of what the conversions and integer stores take:
 * the 32- and 64-bit float limits (normal and denormal), the integer sizes, 1.0. */
static unsigned edge_exponent(void)
{
    static const int edges[] = { 0,    15,   31,   63,    64,    127,   128,   -126,  -127,  -149,
                                 -150, 1023, 1024, -1022, -1023, -1074, -1075, 16383, -16382 };
    int e = edges[pick(sizeof edges / sizeof edges[0])] + (int)pick(3) - 1;
    return (unsigned)(0x3fff + e) & 0x7fff;
}

/* A normal number, mostly of a moderate size (so that arithmetic on it is exact or rounds,
 * rather than overflows). */
static void random_normal(uint8_t out[10])
{
    put(out, 8, next_random() | UINT64_C(1) << 63);
    put(out + 8, 2, (0x3fff + pick(128) - 64) | pick(2) << 15);
}

void x87_random_extended(uint8_t out[10])
{
    uint64_t random = next_random(), mantissa;
    unsigned exponent, sign = pick(2) << 15;

    switch (pick(13)) {
    case 0: mantissa = 0, exponent = 0; break;                               /* zero */
    case 1: mantissa = UINT64_C(1) << 63, exponent = 0x7fff; break;          /* infinity */
    case 2: mantissa = random | UINT64_C(3) << 62, exponent = 0x7fff; break; /* QNaN */
    case 3: mantissa = (random >> 2 | 1) | UINT64_C(1) << 63, exponent = 0x7fff; break; /* SNaN */
    case 4: mantissa = (random >> 1) | 1, exponent = 0; break;          /* denormal */
    case 5: mantissa = random | UINT64_C(1) << 63, exponent = 0; break; /* pseudo-denormal */
    case 6: mantissa = random >> 1, exponent = 1 + pick(0x7ffe); break; /* unnormal */
    case 7: mantissa = random >> 1, exponent = 0x7fff; break;           /* pseudo-NaN/inf */
    case 8: mantissa = UINT64_C(3) << 62, exponent = 0x7fff, sign = 0x8000; break; /* indefinite */
    case 9: mantissa = random | UINT64_C(1) << 63, exponent = edge_exponent(); break;
    case 10: /* few significant bits: exact in every format */
        mantissa = (random & ~(~UINT64_C(0) >> 12)) | UINT64_C(1) << 63;
        exponent = 0x3fff + pick(70) - 8;
        break;
    default: mantissa = random | UINT64_C(1) << 63, exponent = 1 + pick(0x7ffe); break;
    }
    put(out, 8, mantissa);
    put(out + 8, 2, exponent | sign);
}

/* A float of `bits` (32 or 64) bits: exponent width e, fraction width f. */
static uint64_t random_float(unsigned bits)
{
    unsigned e = bits == 32 ? 8 : 11, f = bits - 1 - e;
    uint64_t max_exponent = (UINT64_C(1) << e) - 1, fraction = next_random() >> (64 - f);
    uint64_t exponent, sign = (uint64_t)pick(2) << (bits - 1);

    switch (pick(8)) {
    case 0: exponent = 0, fraction = 0; break;                                  /* zero */
    case 1: exponent = max_exponent, fraction = 0; break;                       /* infinity */
    case 2: exponent = max_exponent, fraction |= UINT64_C(1) << (f - 1); break; /* QNaN */
    case 3: /* SNaN */ exponent = max_exponent, fraction = (fraction >> 1) | 1; break;
    case 4: exponent = 0, fraction |= 1; break; /* denormal */
    case 5: exponent = (max_exponent >> 1) + pick(64) - 2; break;
    case 6: exponent = pick(2) ? max_exponent - 1 : 1; break;
    default: exponent = 1 + pick((unsigned)max_exponent - 1); break;
    }
    return sign | exponent << f | fraction;
}

/* Packed BCD: 18 digits and a sign byte; sometimes a digit above 9 or random bytes. */
static void random_bcd(uint8_t out[10])
{
    for (unsigned i = 0; i < 9; i++)
        out[i] = (uint8_t)(pick(10) << 4 | pick(10));
    if (pick(4) == 0)
        out[pick(9)] = (uint8_t)next_random();
    out[9] = pick(4) == 0 ? (uint8_t)next_random() : (uint8_t)(pick(2) << 7);
}

static uint64_t random_integer(void)
{
    return pick(2) ? random_edgy() : next_random() >> pick(64);
}

static bool is_fp_arithmetic(enum mnemonic mn)
{
    switch (mn) {
    case MN_fld:
    case MN_fadd:
    case MN_fmul:
    case MN_fcom:
    case MN_fcomp:
    case MN_fsub:
    case MN_fsubr:
    case MN_fdiv:
    case MN_fdivr: return true;
    default: return false;
    }
}

/* A loaded value of the form's type. */
static void random_load(const struct x87_form *f, uint8_t *out)
{
    if (f->mnemonic == MN_fbld)
        random_bcd(out);
    else if (is_fp_arithmetic(f->mnemonic) && f->size == 10)
        x87_random_extended(out);
    else if (is_fp_arithmetic(f->mnemonic))
        put(out, f->size, random_float(f->size * 8));
    else
        put(out, f->size, random_integer());
}

/* MXCSR within the host's mask, or now and then with a bit outside it (#GP). */
static uint32_t random_mxcsr(void)
{
    uint32_t mask = xsave_host_layout()->mxcsr_mask;
    uint32_t value = (uint32_t)next_random() & mask;
    return pick(8) == 0 ? value | (uint32_t)1 << (31 - pick(14)) : value;
}

static void random_fxsave_image(uint8_t *out)
{
    struct fxsave_state s;

    x87_random_state(&s);
    s.fip = next_random(), s.fdp = next_random();
    fxsave_image_store(&s, true, out);
    put(out + 24, 4, random_mxcsr());
    for (unsigned i = 416; i < FXSAVE_BYTES; i++)
        out[i] = (uint8_t)next_random();
}

void x87_random_operand(const struct insn *in, uint8_t *out)
{
    const struct x87_form *f = x87_form_of(in);
    unsigned bytes = x87_operand_bytes(in);

    for (unsigned i = 0; i < bytes; i++)
        out[i] = (uint8_t)next_random();
    if (f && f->kind == X87_LOAD)
        random_load(f, out);
    else if (bytes == FXSAVE_BYTES)
        random_fxsave_image(out);
    else if (!f)
        put(out, 4, random_mxcsr());
}

/* ---- states ---- */

const struct x87_profile *x87_test_profile(void)
{
    static struct x87_profile p;
    static bool known;

    if (!known)
        p = x87_profile_of(WHVEMU_VENDOR_HOST), known = true;
    return &p;
}

void x87_random_state(struct fxsave_state *s)
{
    uint32_t mxcsr_mask = xsave_host_layout()->mxcsr_mask;
    bool ordinary;

    memset(s, 0, sizeof *s);
    s->fcw = (uint16_t)next_random();
    if (pick(3))
        s->fcw |= FCW_MASKS;
    s->fsw = (uint16_t)next_random();
    if (pick(2))
        s->fsw &= (uint16_t)~FSW_EXCEPTIONS;
    /* a third of the states hold only ordinary numbers in full registers */
    ordinary = pick(3) == 0;
    s->ftw = ordinary || pick(4) == 0 ? 0xff : (uint8_t)next_random();
    for (unsigned j = 0; j < 8; j++) {
        if (ordinary)
            random_normal(s->st[j]);
        else
            x87_random_extended(s->st[j]);
    }
    s->fop = (uint16_t)(next_random() & 0x7ff);
    s->fip = x87_loaded_pointer(x87_test_profile(), next_random());
    s->fdp = x87_loaded_pointer(x87_test_profile(), next_random());
    s->mxcsr = (uint32_t)next_random() & mxcsr_mask;
    s->mxcsr_mask = mxcsr_mask;
    for (unsigned i = 0; i < 16; i++)
        for (unsigned b = 0; b < 16; b++)
            s->xmm[i][b] = (uint8_t)next_random();
}

void x87_as_saved(struct fxsave_state *s)
{
    s->fcw = x87_loaded_fcw(x87_test_profile(), s->fcw);
    s->fsw = x87_consistent_fsw(s->fcw, s->fsw);
    if (x87_test_profile()->fxsave_pointers_need_es && !(s->fsw & FSW_ES))
        s->fop = 0, s->fip = s->fdp = 0;
}

/* ---- the native side ---- */

#define ENV_DELTA 528u /* the follow-up FNSTENV's image, after the operand */

/* A native run: what the runner reported and the state after. */
struct x87_native {
    struct native_result result;
    struct fxsave_state out; /* as the runner's XSAVE (or the signal frame) shows it */
};

/* ModRM.rm of [rBX] and of [rSI] ([bx] and [si] with 16-bit addressing). */
static uint8_t rm_bx(unsigned bits)
{
    return bits == 16 ? 7 : 3;
}

static uint8_t rm_si(unsigned bits)
{
    return bits == 16 ? 4 : 6;
}

/* The operand's address in rBX: DS-relative in 16-bit code, linear (flat DS) else. */
static uint64_t operand_address(unsigned bits, uint32_t offset)
{
    return bits == 16 ? offset : (uint64_t)(uintptr_t)native_layout()->buffer + offset;
}

static void state_to_native(const struct fxsave_state *s)
{
    uint8_t legacy[FXSAVE_BYTES];
    struct vecstate v;

    vecstate_init(&v);
    fxsave_image_store(s, true, legacy);
    vecstate_from_legacy(&v, legacy);
    vecstate_to_xsave(&v, xsave_host_layout(), false, native_vector_in());
}

static void state_from_native(struct fxsave_state *s)
{
    const struct xsave_layout *l = xsave_host_layout();
    uint8_t legacy[FXSAVE_BYTES];
    struct vecstate v;

    vecstate_init(&v);
    vecstate_from_xsave(&v, l, native_vector_out(), NATIVE_XSAVE_MAX);
    vecstate_to_legacy(&v, l->mxcsr_mask, legacy);
    fxsave_image_load(s, true, legacy);
}

/* Run `length` bytes of the case natively, rBX at its operand, rSI ENV_DELTA after it. */
static void run_native(const struct x87_case *c, unsigned length, struct x87_native *out)
{
    struct native_frame frame = native_frame_for(c->bits);

    memcpy(native_layout()->buffer + c->offset, c->operand, c->size);
    frame.gpr[NATIVE_RBX] = operand_address(c->bits, c->offset);
    frame.gpr[NATIVE_RSI] = operand_address(c->bits, c->offset + ENV_DELTA);
    state_to_native(&c->in);
    native_place(c->bits, c->bytes, length);
    native_run(c->bits, &frame, &out->result);
    state_from_native(&out->out);
}

/* ---- one case ---- */

static enum cpu_mode mode_of(unsigned bits)
{
    return bits == 64 ? MODE_64 : bits == 32 ? MODE_32 : MODE_16;
}

void x87_case_make(struct x87_case *c, unsigned bits, const uint8_t *opcode, unsigned length,
                   unsigned reg)
{
    memset(c, 0, sizeof *c);
    c->bits = bits;
    memcpy(c->bytes, opcode, length);
    c->bytes[length] = (uint8_t)(reg << 3 | rm_bx(bits));
    c->length = length + 1;
    c->bytes[c->length] = 0xd9; /* FNSTENV [rSI], for the second run */
    c->bytes[c->length + 1] = (uint8_t)(6 << 3 | rm_si(bits));
    CHECK(decode_insn(mode_of(bits), c->bytes, c->length, &c->insn) == DECODE_OK, "decode");
    CHECK(x87_handles(&c->insn), "%s is not an x87 memory form", mnemonic_name(c->insn.mnemonic));
    c->form = x87_form_of(&c->insn);
    c->size = x87_operand_bytes(&c->insn);
    c->offset = 0x100 + (uint32_t)(next_random() % 24);
    if (c->size == FXSAVE_BYTES)
        c->offset &= ~15u;
    x87_random_state(&c->in);
    if (bits != 64) /* the names' format outside 64-bit code holds 32-bit offsets */
        c->in.fip = (uint32_t)c->in.fip, c->in.fdp = (uint32_t)c->in.fdp;
    x87_random_operand(&c->insn, c->operand);
}

static void report(const struct x87_case *c, const char *what)
{
    fprintf(stderr, "  %u-bit", c->bits);
    for (unsigned i = 0; i < c->length; i++)
        fprintf(stderr, " %02x", c->bytes[i]);
    fprintf(stderr, " (%s): %s\n", mnemonic_name(c->insn.mnemonic), what);
    x87_print_bytes("operand", c->operand, c->size);
}

/* ---- the emulator's side: the public API, the differential fixture as the VMM ---- */

/* What one call did. */
struct x87_emulated {
    bool ran;     /* S_OK and EmulationSuccessful alone */
    bool faulted; /* an exception injected */
    uint8_t vector;
    bool names_set; /* the call set an SDK vector name */
    uint64_t rip;
};

static struct fixture fixture;
static uint8_t emulated_tables[DESCRIPTOR_TABLES_SIZE];

static uint8_t *emulated_ram(void)
{
    static uint8_t *ram;

    if (!ram)
        ram = calloc(1, native_layout()->size);
    CHECK(ram != NULL, "out of memory");
    return ram;
}

static WHV_EMULATOR_HANDLE emulator(void)
{
    static WHV_EMULATOR_HANDLE handle;

    if (!handle)
        CHECK(WHvEmulatorCreateEmulator(&fixture_callbacks, &handle) == S_OK, "create");
    return handle;
}

/* The guest as a native run of `bits` code starts: the frame's registers and the mode's
 * segments, rBX and rSI as given, the state in the SDK names (the pointers in the format of
 * the code's mode: docs/x87.md, "The state model"). Its memory is the caller's to fill. */
static uint8_t *guest_at(unsigned bits, uint64_t rbx, uint64_t rsi, uint64_t rflags,
                         const struct fxsave_state *s)
{
    struct native_frame frame = native_frame_for(bits);
    struct segment seg[6];
    uint8_t legacy[FXSAVE_BYTES];

    fixture_native_guest(&fixture, emulated_ram(), emulated_tables);
    for (unsigned i = 0; i < 16; i++)
        fixture.regs[i].Reg64 = frame.gpr[i];
    fixture.regs[WHvX64RegisterRbx].Reg64 = rbx;
    fixture.regs[WHvX64RegisterRsi].Reg64 = rsi;
    fixture.regs[WHvX64RegisterRip].Reg64 = native_slot_ip(bits);
    fixture.regs[WHvX64RegisterRflags].Reg64 = frame.rflags | rflags;
    mode_segments(bits, seg);
    for (unsigned i = 0; i < 6; i++)
        fixture_set_segment(&fixture.regs[WHvX64RegisterEs + i], &seg[i]);
    fxsave_image_store(s, bits == 64, legacy);
    fixture_set_legacy(&fixture, legacy);
    return emulated_ram();
}

/* The case's guest: rBX at the operand, rSI ENV_DELTA after it, memory zero but the
 * operand (so that a write the emulator leaves out cannot find the native run's bytes). */
static void guest_of(const struct x87_case *c)
{
    uint8_t *ram = guest_at(c->bits, operand_address(c->bits, c->offset),
                            operand_address(c->bits, c->offset + ENV_DELTA), 0, &c->in);

    memset(ram, 0, native_layout()->size);
    memcpy(ram + c->offset, c->operand, c->size);
}

/* One MMIO exit of `length` bytes at the guest's RIP, with the GVA and GPA of the buffer's
 * byte `offset` (the MMU's exit-page path: half the cases) or none. */
static struct x87_emulated emulate_exit(const uint8_t *bytes, unsigned length, bool write,
                                        bool gva_valid, uint32_t offset)
{
    WHV_VP_EXIT_CONTEXT vp = fixture_exit_context(&fixture, length);
    WHV_MEMORY_ACCESS_CONTEXT mmio = guest_mmio_access(bytes, length);
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p = &fixture.regs[FIX_PENDING].PendingInterruption;
    WHV_EMULATOR_STATUS status = { 0 };
    struct x87_emulated e = { 0 };
    HRESULT hr;

    mmio.AccessInfo.AccessType = write ? WHvMemoryAccessWrite : WHvMemoryAccessRead;
    if (gva_valid) {
        mmio.AccessInfo.GvaValid = 1;
        mmio.Gva = (uint64_t)(uintptr_t)native_layout()->buffer + offset;
        mmio.Gpa = FIXTURE_GPA_BUFFER + offset;
    }
    fixture_begin(&fixture);
    hr = WHvEmulatorTryMmioEmulation(emulator(), &fixture, &vp, &mmio, &status);
    e.ran = hr == S_OK && status.AsUINT32 == 1;
    e.faulted = p->InterruptionPending;
    e.vector = (uint8_t)p->InterruptionVector;
    e.names_set = fixture.vector_names_set;
    e.rip = fixture.regs[WHvX64RegisterRip].Reg64;
    return e;
}

/* The case's instruction through the API: what it did, and the state the names hold after. */
static struct x87_emulated emulate(const struct x87_case *c, struct fxsave_state *s)
{
    uint8_t legacy[FXSAVE_BYTES] = { 0 };
    struct x87_emulated e;

    guest_of(c);
    e = emulate_exit(c->bytes, c->length, !x87_reads_operand(&c->insn), c->offset & 1, c->offset);
    fixture_legacy(&fixture, legacy);
    fxsave_image_load(s, c->bits == 64, legacy);
    return e;
}

unsigned x87_api_vector(unsigned bits, const uint8_t *bytes, unsigned length, uint64_t rbx,
                        uint64_t rflags, const struct fxsave_state *s, bool write, uint64_t *cr2)
{
    uint8_t *ram = guest_at(bits, rbx, 0, rflags, s);
    struct x87_emulated e;

    memcpy(ram, native_layout()->buffer, native_layout()->size);
    e = emulate_exit(bytes, length, write, false, 0);
    *cr2 = fixture.regs[WHvX64RegisterCr2].Reg64;
    CHECK(!e.faulted || memcmp(ram, native_layout()->buffer, native_layout()->size) == 0,
          "%u-bit %02x %02x: memory written before the fault", bits, bytes[0], bytes[1]);
    CHECK(!e.faulted || !e.names_set, "%u-bit %02x %02x: names set at the fault", bits, bytes[0],
          bytes[1]);
    return !e.ran ? X87_NOT_EMULATED : e.faulted ? e.vector : 0;
}

static bool same_fault(const struct x87_case *c, const struct x87_emulated *e,
                       const struct native_result *r, bool report_it)
{
    if (e->ran && r->faulted == e->faulted && (!e->faulted || r->vector == e->vector))
        return true;
    if (!report_it)
        return false;
    report(c, "fault differs");
    fprintf(stderr, "    native %s vector %u, emulator %s vector %u\n",
            r->faulted ? "faulted" : "ran", r->vector,
            !e->ran      ? "did not emulate it"
            : e->faulted ? "faulted"
                         : "ran",
            e->vector);
    return false;
}

/* A fault leaves every register as it was; a completed run moves RIP past the instruction. */
static bool registers_follow(const struct x87_case *c, const struct x87_emulated *e, bool report_it)
{
    uint64_t want = native_slot_ip(c->bits) + (e->faulted ? 0 : c->length);
    bool ok = e->rip == want && !(e->faulted && e->names_set);

    if (!ok && report_it) {
        report(c, "registers after the call");
        fprintf(stderr, "    rip 0x%llx (want 0x%llx)%s\n", (unsigned long long)e->rip,
                (unsigned long long)want,
                e->faulted && e->names_set ? ", names set at a fault" : "");
    }
    return ok;
}

static void count_run(const struct x87_case *c, const struct x87_native *nat,
                      struct x87_counts *counts)
{
    uint16_t raised = nat->out.fsw & ~c->in.fsw & FSW_EXCEPTIONS;
    const uint8_t *buffer = native_layout()->buffer + c->offset;

    counts->compared++;
    counts->mf += nat->result.faulted && nat->result.vector == 16;
    counts->gp += nat->result.faulted && nat->result.vector == 13;
    if (nat->result.faulted)
        return;
    counts->unstored +=
        c->form && c->form->kind == X87_STORE && !memcmp(buffer, c->operand, c->size);
    counts->control[(c->in.fcw >> 8) & 15]++;
    for (unsigned i = 0; i < 6; i++)
        counts->raised[i] += (raised >> i) & 1;
    counts->unmasked += (raised & ~nat->out.fcw) != 0;
}

/* The instruction alone: the fault, the registers, the state as XSAVE shows it, the
 * operand's memory. */
static bool same_state(const struct x87_case *c, struct x87_counts *counts, bool report_it)
{
    const uint8_t *buffer = native_layout()->buffer + c->offset;
    const uint8_t *memory = emulated_ram() + c->offset;
    struct fxsave_state emu;
    struct x87_native nat;
    struct x87_emulated e;

    run_native(c, c->length, &nat);
    e = emulate(c, &emu);
    if (!same_fault(c, &e, &nat.result, report_it) || !registers_follow(c, &e, report_it))
        return false;
    x87_as_saved(&emu);
    count_run(c, &nat, counts);
    if (x87_same_state(&emu, &nat.out) && memcmp(memory, buffer, c->size) == 0)
        return true;
    if (report_it) {
        report(c, "state or memory differs");
        x87_print_differences("native", &nat.out, "emulator", &emu);
        x87_print_bytes("native memory", buffer, c->size);
        x87_print_bytes("emulator memory", memory, c->size);
    }
    return false;
}

/* The SDK names' 64-bit format has no FCS and FDS (what FXSAVE64 and XSAVE64 store), so
 * after a round trip through them in 64-bit code FNSTENV stores 0 where this CPU keeps the
 * selectors: bytes 16-17 and 24-25 of the 32-bit layout are not compared there. */
static void forget_selectors(const struct x87_case *c, uint8_t *env)
{
    if (c->bits == 64)
        env[16] = env[17] = env[24] = env[25] = 0;
}

/* The instruction then FNSTENV [rSI] (of the code's default operand size), each an exit of
 * its own through the API, the second from the names the first left. */
static bool same_environment(const struct x87_case *c, struct x87_counts *counts, bool report_it)
{
    struct x87_env_layout layout = { c->bits == 16, false };
    unsigned bytes = x87_env_bytes(layout);
    uint8_t native_env[X87_ENV32_BYTES], *emu_env = emulated_ram() + c->offset + ENV_DELTA;
    struct fxsave_state emu;
    struct x87_native nat;
    struct x87_emulated e;

    run_native(c, c->length + 2, &nat);
    e = emulate(c, &emu);
    if (!e.ran || e.faulted || nat.result.faulted)
        return true; /* the first comparison has judged the fault */
    e = emulate_exit(c->bytes + c->length, 2, true, c->offset & 1, c->offset + ENV_DELTA);
    memcpy(native_env, native_layout()->buffer + c->offset + ENV_DELTA, bytes);
    forget_selectors(c, native_env);
    forget_selectors(c, emu_env);
    counts->environments++;
    counts->selectors_unseen += c->bits == 64;
    if (e.ran && !e.faulted && memcmp(emu_env, native_env, bytes) == 0)
        return true;
    if (report_it) {
        report(c, "FNSTENV after it differs");
        x87_print_bytes("native", native_env, bytes);
        x87_print_bytes("emulator", emu_env, bytes);
    }
    return false;
}

typedef bool (*comparison)(const struct x87_case *c, struct x87_counts *counts, bool report_it);

/* A native run is not quite deterministic: a preemption between the instruction and the
 * runner's XSAVE (or the FNSTENV) saves and restores the task's x87 state in the kernel,
 * and this AMD CPU's XSAVE drops the pointers while FSW.ES is clear. A case that differs
 * runs again, up to RERUNS times, and fails only if it differs every time (on a loaded
 * 2-core machine two preemptions in a row happened: one CI run in five); one that agrees
 * on a rerun is printed and counted (docs/testing.md, "Unrepeatable differences"). An
 * emulator difference repeats on every run, so the reruns cannot hide it. */
enum { RERUNS = 4 };

static void compare_until_agreed(comparison same, const struct x87_case *c,
                                 struct x87_counts *counts)
{
    struct x87_counts again = { 0 };

    if (same(c, counts, false)) {
        check_passed++;
        return;
    }
    for (unsigned run = 1; run <= RERUNS; run++) {
        if (same(c, &again, run == RERUNS)) {
            counts->unrepeatable++;
            report(c, "UNREPEATABLE: differed, then agreed when run again");
            check_passed++;
            return;
        }
    }
    check_failed++;
}

void x87_case_compare(const struct x87_case *c, struct x87_counts *counts)
{
    compare_until_agreed(same_state, c, counts);
    compare_until_agreed(same_environment, c, counts);
}

void x87_print_selectors_unseen(const struct x87_counts *counts)
{
    printf("  through the API; %lu of the FNSTENV images (64-bit code) compared without FCS and "
           "FDS, which the SDK names' 64-bit format lacks\n",
           counts->selectors_unseen);
}

/* ---- comparing ---- */

bool x87_same_state(const struct fxsave_state *a, const struct fxsave_state *b)
{
    return a->fcw == b->fcw && a->fsw == b->fsw && a->ftw == b->ftw && a->fop == b->fop &&
           a->fip == b->fip && a->fdp == b->fdp && a->mxcsr == b->mxcsr &&
           memcmp(a->st, b->st, sizeof a->st) == 0 && memcmp(a->xmm, b->xmm, sizeof a->xmm) == 0;
}

void x87_print_bytes(const char *name, const uint8_t *bytes, unsigned n)
{
    fprintf(stderr, "    %s:", name);
    for (unsigned i = 0; i < n; i++)
        fprintf(stderr, " %02x", bytes[i]);
    fputc('\n', stderr);
}

static void print_word(const char *field, uint64_t a, uint64_t b, const char *an, const char *bn)
{
    if (a != b)
        fprintf(stderr, "    %s: %s 0x%llx %s 0x%llx\n", field, an, (unsigned long long)a, bn,
                (unsigned long long)b);
}

void x87_print_differences(const char *an, const struct fxsave_state *a, const char *bn,
                           const struct fxsave_state *b)
{
    char name[16];

    print_word("fcw", a->fcw, b->fcw, an, bn);
    print_word("fsw", a->fsw, b->fsw, an, bn);
    print_word("ftw", a->ftw, b->ftw, an, bn);
    print_word("fop", a->fop, b->fop, an, bn);
    print_word("fip", a->fip, b->fip, an, bn);
    print_word("fdp", a->fdp, b->fdp, an, bn);
    print_word("mxcsr", a->mxcsr, b->mxcsr, an, bn);
    for (unsigned j = 0; j < 8; j++) {
        if (memcmp(a->st[j], b->st[j], 10) == 0)
            continue;
        snprintf(name, sizeof name, "%s st%u", an, j);
        x87_print_bytes(name, a->st[j], 10);
        snprintf(name, sizeof name, "%s st%u", bn, j);
        x87_print_bytes(name, b->st[j], 10);
    }
    if (memcmp(a->xmm, b->xmm, sizeof a->xmm) != 0)
        fprintf(stderr, "    xmm registers differ\n");
}
