/* test_diff: the native differential test of the instruction emulator.
 *
 * Every legacy-map form with a memory operand (from the decoder's tables) is encoded in
 * each CPU mode and operand size with random prefixes, addressing forms, registers and
 * immediates, and run from random edge-case states twice: natively on this CPU against
 * a RAM buffer (native.c) and through WHvEmulatorTryMmioEmulation against a copy of the
 * same state (fixture.c). Registers, RFLAGS, the buffer and the exception must agree.
 *
 *   test_diff [--states N] [--vector-states N] [--vector] [--native-only] [--no-xstate]
 *             [--seed S] [--filter TEXT] [--bits 16|32|64]
 *             [--case N] [--mask-undefined] [--reports N] [--verbose] [--list]
 *             [--coverage FILE.md]
 *   test_diff --bits 32 --bytes "01 03" [--states N] [--verbose]
 *
 * Every case also has random vector registers (x87/MMX, MXCSR, XMM/YMM/ZMM0-31, k0-7),
 * loaded natively and served to the emulator through the SDK's register names; they must
 * agree after the instruction too. --vector runs the forms with vector operands only;
 * --native-only runs the CPU's side alone (the emulator is not asked), to exercise the
 * synthesised vector cases while the emulator does not support them: a fault must leave
 * every vector register as it was; --no-xstate runs the emulator without the extended-state
 * extension, as a VMM that has none (the forms that need it are then unsupported).
 *
 * DIFF_STATES and DIFF_VECTOR_STATES in the environment set the default number of states
 * per form variant and per vector form variant. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "WinHvEmulation.h"
#include "core/vcpu.h"
#include "exec/simd_compute.h"
#include "exec/simd_fp.h"
#include "fault_order.h"
#include "fixture.h"
#include "isa.h"
#include "forms.h"
#include "guest.h"
#include "hostcpu.h"
#include "native.h"
#include "pinned.h"
#include "sdm_undefined.h"
#include "segments.h"
#include "synth.h"
#include "vecstate.h"
#include "whvemu.h"

#define BUFFER_SIZE 8192u
#define DEFAULT_STATES 200u       /* per variant (the CI run) */
#define DEFAULT_VECTOR_STATES 20u /* per vector variant: there are seven times as many */
#define DEFAULT_BYTES_STATES 20u  /* for --bytes */
#define MAX_VARIANTS_PER_FORM 64
#define MAX_REP_PASSES 4096u /* x the default budget: 16 M elements, far past the buffer */

#define COMPARED_FLAGS (FL_ARITH | FL_DF)

struct options {
    unsigned states;
    unsigned vector_states; /* for the vector forms' variants */
    bool vector_only;       /* --vector: the vector forms only */
    bool native_only;       /* --native-only: the CPU's side of every case, no emulator */
    bool no_xstate;         /* --no-xstate: no extended-state extension (SDK names only) */
    uint64_t seed;
    const char *filter;
    unsigned only_bits; /* 0: all modes */
    const char *bytes;  /* single-instruction mode */
    bool mask_undefined;
    unsigned reports; /* mismatch reports per variant */
    bool verbose;
    bool list;
    int only_case;  /* run only this case of each variant, or -1 */
    FILE *coverage; /* --coverage: the Markdown table of what was tested */
};
static struct options opt;

static WHV_EMULATOR_HANDLE emulator;
static unsigned long xm_agreed; /* cases where both sides raised #XM (the MXCSR compared) */
static uint8_t initial_ram[BUFFER_SIZE], emulated_ram[BUFFER_SIZE];
static uint8_t emulated_tables[DESCRIPTOR_TABLES_SIZE];

/* ---- one run on each side ---- */

struct outcome {
    bool ran; /* false: the emulator could not run it (status below) */
    bool faulted;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    uint64_t cr2;
    uint64_t gpr[16];
    uint64_t rip, rflags;
    uint16_t sel[6];
    struct segment seg[6]; /* emulated only: the whole segment registers */
    bool from_signal;      /* native only: read from a signal context (see compare) */
    struct vecstate vec;   /* the vector registers */
    /* emulated only: how the emulator wrote them (the extension: fixture.h) */
    bool xstate_set, vector_names_set;
    uint64_t xstate_modified;
};

struct emulated {
    HRESULT hr;
    WHV_EMULATOR_STATUS status;
    struct fixture fixture;
    struct outcome out;
    int stray_write;    /* a register the instruction cannot change but the emulator
                               * wrote (a WHV_REGISTER_NAME), or -1 */
    bool registers_set; /* some register or the extended state was written back */
};

/* Registers whose value must come back as it was, whatever the instruction: the control,
 * debug-control, descriptor-table and model registers (DR6, CR2, the pending
 * interruption and the interrupt state may change with an exception or MOV SS). */
static const WHV_REGISTER_NAME unchanging_registers[] = {
    WHvX64RegisterLdtr, WHvX64RegisterTr,   WHvX64RegisterIdtr, WHvX64RegisterGdtr,
    WHvX64RegisterCr0,  WHvX64RegisterCr3,  WHvX64RegisterCr4,  WHvX64RegisterCr8,
    WHvX64RegisterDr7,  WHvX64RegisterEfer, WHvX64RegisterXCr0,
};

/* One MMIO exit, and, as a VMM does, the exits that follow while a REP string instruction
 * stops at the emulator's per-call budget: RIP stays on it and nothing is injected, so the
 * guest would execute it again at once (docs/strings-and-io.md). The native run does the
 * whole instruction; so must the emulator, over as many calls as it takes. */
static HRESULT emulate_exit(WHV_EMULATOR_HANDLE emu, struct fixture *f, const struct insn *in,
                            WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                            WHV_EMULATOR_STATUS *status)
{
    bool rep = (in->row->flags & F_REP) && (in->prefixes & (PFX_REP | PFX_REPNE));

    for (unsigned pass = 0;; pass++) {
        HRESULT hr = WHvEmulatorTryMmioEmulation(emu, f, vp, mmio, status);
        bool paused = hr == S_OK && status->AsUINT32 == 1 && rep &&
                      f->regs[WHvX64RegisterRip].Reg64 == vp->Rip &&
                      !f->regs[FIX_PENDING].PendingInterruption.InterruptionPending;
        if (!paused || pass == MAX_REP_PASSES)
            return hr;
        vp->Rflags = f->regs[WHvX64RegisterRflags].Reg64;
    }
}

/* Whether the first operand is memory the instruction writes (for the exit's access type). */
static bool writes_first_operand(const struct insn *in)
{
    enum operand_kind k = in->row->opnd[0] ? OPND_KIND(in->row->opnd[0]) : OK_NONE;
    bool modrm_memory = k == OK_E || k == OK_M || k == OK_W || k == OK_Q || k == OK_KE;
    if (in->row->flags & F_FLAGS_ONLY)
        return false;
    return (modrm_memory && in->mod != 3) || k == OK_O || k == OK_Y ||
           row_has_operand(in->row, OK_MDI);
}

static void emulate(const struct case_encoding *e, const struct state *s, struct emulated *em)
{
    const struct native_layout *l = native_layout();
    struct fixture *f = &em->fixture;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT mmio;

    fixture_native_guest(f, emulated_ram, emulated_tables);
    for (unsigned i = 0; i < 16; i++)
        f->regs[i].Reg64 = s->gpr[i];
    f->regs[WHvX64RegisterRip].Reg64 = s->rip;
    f->regs[WHvX64RegisterRflags].Reg64 = s->rflags;
    for (unsigned i = 0; i < 6; i++)
        fixture_set_segment(&f->regs[WHvX64RegisterEs + i], &s->seg[i]);
    fixture_set_vector_state(f, &s->vec);
    fixture_xstate_load(f, &s->vec, s->xstate_compacted);

    vp = fixture_exit_context(f, e->length);
    mmio = guest_mmio_access(e->bytes, s->bytes_given);
    mmio.AccessInfo.AccessType =
        writes_first_operand(&e->insn) ? WHvMemoryAccessWrite : WHvMemoryAccessRead;
    if (s->gva_valid) {
        mmio.AccessInfo.GvaValid = 1;
        mmio.Gva = s->target;
        mmio.Gpa = FIXTURE_GPA_BUFFER + (s->target - (uint64_t)(uintptr_t)l->buffer);
    }

    WHV_REGISTER_VALUE before[sizeof unchanging_registers / sizeof unchanging_registers[0]];
    static WHV_REGISTER_VALUE all_before[FIX_REG_COUNT];
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
        before[i] = *fixture_reg(f, unchanging_registers[i]);
    memcpy(all_before, f->regs, sizeof all_before);
    fixture_begin(f);
    memset(&em->status, 0, sizeof em->status);
    em->hr = emulate_exit(emulator, f, &e->insn, &vp, &mmio, &em->status);
    em->registers_set =
        memcmp(all_before, f->regs, sizeof all_before) != 0 || f->xstate_set || f->vector_names_set;
    em->stray_write = -1;
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++)
        if (memcmp(&before[i], fixture_reg(f, unchanging_registers[i]), sizeof before[i]) != 0)
            em->stray_write = (int)unchanging_registers[i];

    struct outcome *o = &em->out;
    memset(o, 0, sizeof *o);
    o->ran = em->hr == S_OK && em->status.AsUINT32 == 1; /* EmulationSuccessful alone */
    for (unsigned i = 0; i < 16; i++)
        o->gpr[i] = f->regs[i].Reg64;
    o->rip = f->regs[WHvX64RegisterRip].Reg64;
    o->rflags = f->regs[WHvX64RegisterRflags].Reg64;
    for (unsigned i = 0; i < 6; i++) {
        const WHV_X64_SEGMENT_REGISTER *sr = &f->regs[WHvX64RegisterEs + i].Segment;
        o->sel[i] = sr->Selector;
        o->seg[i] = (struct segment){ sr->Selector, sr->Base, sr->Limit, sr->Attributes };
    }
    fixture_vector_state(f, &s->vec, &o->vec);
    o->xstate_set = f->xstate_set;
    o->vector_names_set = f->vector_names_set;
    o->xstate_modified = f->xstate_modified;
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p = &f->regs[FIX_PENDING].PendingInterruption;
    if (p->InterruptionPending) {
        o->faulted = true;
        o->vector = (uint8_t)p->InterruptionVector;
        o->has_error_code = p->DeliverErrorCode;
        o->error_code = p->ErrorCode;
        o->cr2 = f->regs[WHvX64RegisterCr2].Reg64;
    }
}

/* Run natively. False when the fault happened outside the instruction (a harness
 * problem, reported as such). */
static bool run_native(const struct case_encoding *e, const struct state *s, struct outcome *o,
                       struct native_result *nr)
{
    memset(o, 0, sizeof *o);
    o->ran = true;
    if (!native_run_state(s, nr, &o->vec))
        return false;
    memcpy(o->gpr, nr->out.gpr, sizeof o->gpr);
    o->rflags = nr->out.rflags;
    memcpy(o->sel, nr->out.seg, sizeof o->sel);
    o->rip = (e->insn.row->flags & F_BRANCH) ? landing_ip(s->bits) : s->rip + e->length;
    if (!nr->faulted)
        return true;
    o->from_signal = true;
    if (nr->vector == EXC_DB && nr->fault_ip == o->rip + 1) {
        /* a single-step trap after the NOP that follows: the instruction completed and
         * either set TF (POPF) or held the trap back for one more instruction (MOV SS,
         * POP SS); the registers are those at the trap */
        return true;
    }
    if (nr->vector == EXC_DB && nr->fault_ip == o->rip) {
        /* TF was set: the single-step trap after the instruction, which completed */
        o->faulted = true;
        o->vector = EXC_DB;
        return true;
    }
    o->faulted = true;
    o->vector = nr->vector;
    o->has_error_code = vector_has_error_code(nr->vector);
    o->error_code = nr->error_code;
    o->cr2 = nr->cr2;
    o->rip = s->rip;
    return nr->fault_ip == s->rip;
}

/* ---- comparison and reports ---- */

static const char *const gpr_names[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                           "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const seg_names[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

struct difference {
    bool status, exception, rip, memory, segments, stray_write;
    bool vector; /* some vector register (vecstate.h) */
    /* the extension's rules: Modified covers what changed; no SDK vector name set in the
     * same call (simd-design §2.4) */
    bool xstate_rules;
    bool fault_unexplained; /* the CPU's fault is none its accesses raise alone (fault_order.h) */
    uint32_t gpr_mask;      /* bit per differing GPR */
    uint32_t flags;         /* differing compared RFLAGS bits */
};

static bool differs(const struct difference *d)
{
    return d->status || d->exception || d->rip || d->memory || d->segments || d->stray_write ||
           d->fault_unexplained || d->gpr_mask || d->flags || d->vector || d->xstate_rules;
}

static bool only_flags_differ(const struct difference *d)
{
    return d->flags && !d->status && !d->exception && !d->rip && !d->memory && !d->segments &&
           !d->stray_write && !d->gpr_mask && !d->vector && !d->xstate_rules;
}

static void compare(const struct state *s, const struct outcome *n, const struct outcome *m,
                    uint32_t flag_mask, struct difference *d)
{
    uint64_t reg_mask = s->bits == 64 ? UINT64_MAX : 0xffffffffu;
    unsigned regs = s->bits == 64 ? 16 : 8;

    memset(d, 0, sizeof *d);
    d->status = !m->ran;
    if (d->status)
        return;
    d->exception =
        n->faulted != m->faulted ||
        (n->faulted && (n->vector != m->vector || n->has_error_code != m->has_error_code ||
                        (n->has_error_code && n->error_code != m->error_code) ||
                        (n->vector == EXC_PF && n->cr2 != m->cr2)));
    d->rip = (n->rip & reg_mask) != (m->rip & reg_mask);
    for (unsigned i = 0; i < regs; i++)
        if ((n->gpr[i] & reg_mask) != (m->gpr[i] & reg_mask))
            d->gpr_mask |= 1u << i;
    d->flags = (uint32_t)(n->rflags ^ m->rflags) & flag_mask;
    /* CS is fixed; GS is the 32/16-bit runners' own (and FS is never loaded there). A
     * register loaded from a present descriptor must hold what the descriptor says. */
    for (unsigned i = 0; i < 6; i++) {
        struct segment loaded;
        if (i == NSEG_CS || (s->bits != 64 && i >= NSEG_FS))
            continue;
        /* the way back from the kernel to the signal handler turns a null selector with
         * a nonzero RPL into 0 */
        if (n->from_signal && n->sel[i] == 0 && (m->sel[i] & ~3) == 0)
            continue;
        if (n->sel[i] != m->sel[i])
            d->segments = true;
        else if (n->sel[i] != s->seg[i].selector && segment_of_selector(n->sel[i], &loaded) &&
                 (loaded.base != m->seg[i].base || loaded.limit != m->seg[i].limit ||
                  loaded.attributes != m->seg[i].attributes))
            d->segments = true;
    }
    d->memory = memcmp(native_layout()->buffer, emulated_ram, native_layout()->size) != 0;
    d->vector = !vecstate_equal(&n->vec, &m->vec, xsave_host_layout());
    d->xstate_rules =
        m->xstate_set && (m->vector_names_set ||
                          (vecstate_changed_components(&s->vec, &n->vec, xsave_host_layout()) &
                           ~m->xstate_modified));
}

static void print_flags(uint32_t f)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        { FL_CF, "CF" }, { FL_PF, "PF" }, { FL_AF, "AF" }, { FL_ZF, "ZF" },
        { FL_SF, "SF" }, { FL_DF, "DF" }, { FL_OF, "OF" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit)
            printf(" %s", names[i].name);
}

static void print_outcome_exception(const char *who, const struct outcome *o)
{
    printf("    %s: ", who);
    if (!o->faulted)
        printf("no exception");
    else if (o->vector == 14)
        printf("#%u error 0x%x cr2 0x%" PRIx64, o->vector, o->error_code, o->cr2);
    else if (o->has_error_code)
        printf("#%u error 0x%x", o->vector, o->error_code);
    else
        printf("#%u", o->vector);
    printf("\n");
}

static void print_instruction(const struct case_encoding *e, unsigned bits)
{
    char text[128];
    whvemu_format(bits, e->bytes, e->length, text, sizeof text);
    printf("  bytes:");
    for (unsigned i = 0; i < e->length; i++)
        printf(" %02x", e->bytes[i]);
    printf("   %s   (%u-bit code)\n", text, bits);
}

/* The vector registers an instruction names (ModRM.reg, vvvv, a register r/m, a VSIB
 * index, the opmask), with MXCSR and the x87 words: a vector case's inputs. */
static void print_vector_inputs(const struct insn *in, const struct vecstate *v)
{
    const struct xsave_layout *l = xsave_host_layout();
    unsigned named[4], count = 0;
    unsigned bytes = (l->components & 0x40) ? 64 : (l->components & 4) ? 32 : 16;

    printf("    mxcsr=0x%x fcw=0x%x fsw=0x%x ftw=0x%x", v->mxcsr, v->fcw, v->fsw, v->ftw);
    if (in->encoding == ENC_EVEX && in->evex_aaa)
        printf(" k%u=0x%" PRIx64, in->evex_aaa, v->k[in->evex_aaa]);
    printf("\n");
    named[count++] = in->reg & 31;
    if (in->encoding == ENC_VEX || in->encoding == ENC_EVEX)
        named[count++] = in->vvvv & 31;
    if (in->mod == 3)
        named[count++] = in->rm & 31;
    if (in->row->flags & F_VSIB)
        named[count++] = in->index & 31;
    for (unsigned i = 0; i < count; i++) {
        printf("    zmm%u=0x", named[i]);
        for (unsigned b = bytes; b-- > 0;)
            printf("%02x%s", v->zmm[named[i]][b], b && b % 8 == 0 ? "_" : "");
        printf("\n");
    }
}

static void print_state(const struct case_encoding *e, const struct state *s)
{
    unsigned regs = s->bits == 64 ? 16 : 8;
    printf("  initial:");
    for (unsigned i = 0; i < regs; i++)
        printf("%s%s=0x%" PRIx64, i % 4 ? " " : "\n    ", gpr_names[i], s->gpr[i]);
    printf("\n    rflags=0x%" PRIx64 " rip=0x%" PRIx64 " (exit: %u instruction bytes, gva %s)",
           s->rflags, s->rip, s->bytes_given, s->gva_valid ? "valid" : "not valid");
    printf("\n   ");
    for (unsigned i = 0; i < 6; i++)
        printf(" %s=0x%x(base 0x%" PRIx64 ")", seg_names[i], s->seg[i].selector, s->seg[i].base);
    printf("\n");
    if (s->target_known) {
        const struct native_layout *l = native_layout();
        uint64_t off = s->target - (uint64_t)(uintptr_t)l->buffer;
        printf("    memory operand at 0x%" PRIx64 ":", s->target);
        for (unsigned i = 0; i < 16 && off + i < l->size; i++)
            printf(" %02x", initial_ram[off + i]);
        printf("\n");
    }
    if (row_is_vector(e->insn.row))
        print_vector_inputs(&e->insn, &s->vec);
}

static void print_memory_differences(void)
{
    const struct native_layout *l = native_layout();
    unsigned shown = 0;
    for (uint32_t i = 0; i < l->size && shown < 4;) {
        if (l->buffer[i] == emulated_ram[i]) {
            i++;
            continue;
        }
        uint32_t end = i;
        while (end < l->size && end - i < 16 && l->buffer[end] != emulated_ram[end])
            end++;
        printf("    mem 0x%" PRIx64 ": initial", (uint64_t)(uintptr_t)l->buffer + i);
        for (uint32_t j = i; j < end; j++)
            printf(" %02x", initial_ram[j]);
        printf(" native");
        for (uint32_t j = i; j < end; j++)
            printf(" %02x", l->buffer[j]);
        printf(" emulated");
        for (uint32_t j = i; j < end; j++)
            printf(" %02x", emulated_ram[j]);
        printf("\n");
        shown++;
        i = end;
    }
}

static void print_difference(const struct state *s, const struct emulated *em,
                             const struct outcome *n, const struct difference *d)
{
    const struct outcome *m = &em->out;
    if (d->status) {
        printf("    emulator: hr=0x%08x status=0x%x", (unsigned)em->hr, em->status.AsUINT32);
        if (em->fixture.bad_register)
            printf(" (asked for register 0x%x)", (unsigned)em->fixture.bad_register_name);
        if (em->fixture.bad_memory)
            printf(" (%s, GPA 0x%" PRIx64 ")", em->fixture.bad_memory, em->fixture.bad_memory_gpa);
        printf("\n");
        print_outcome_exception("native", n);
        return;
    }
    if (d->exception) {
        print_outcome_exception("native", n);
        print_outcome_exception("emulated", m);
    } else if (n->faulted) {
        print_outcome_exception("both", n);
    }
    for (unsigned i = 0; i < 16; i++)
        if (d->gpr_mask & (1u << i))
            printf("    %s: native 0x%" PRIx64 " emulated 0x%" PRIx64 "\n", gpr_names[i], n->gpr[i],
                   m->gpr[i]);
    if (d->rip)
        printf("    rip: native 0x%" PRIx64 " emulated 0x%" PRIx64 "\n", n->rip, m->rip);
    if (d->flags) {
        printf("    rflags: native 0x%" PRIx64 " emulated 0x%" PRIx64 ", differ in", n->rflags,
               m->rflags);
        print_flags(d->flags);
        printf("\n");
    }
    if (d->segments)
        for (unsigned i = 0; i < 6; i++) {
            struct segment want;
            if ((n->sel[i] == m->sel[i] && n->sel[i] == s->seg[i].selector) || i == NSEG_CS ||
                (s->bits != 64 && i >= NSEG_FS))
                continue;
            printf("    %s: native 0x%x", seg_names[i], n->sel[i]);
            if (segment_of_selector(n->sel[i], &want))
                printf(" (base 0x%" PRIx64 " limit 0x%x attributes 0x%x)", want.base, want.limit,
                       want.attributes);
            printf(" emulated 0x%x (base 0x%" PRIx64 " limit 0x%x attributes 0x%x)\n", m->sel[i],
                   m->seg[i].base, m->seg[i].limit, m->seg[i].attributes);
        }
    if (d->memory)
        print_memory_differences();
    if (d->vector)
        vecstate_print_differences("native", &n->vec, "emulated", &m->vec, xsave_host_layout());
    if (d->xstate_rules)
        printf("    extended state: the CPU changed components 0x%" PRIx64 ", the emulator's set "
               "marked 0x%" PRIx64 "%s\n",
               vecstate_changed_components(&s->vec, &n->vec, xsave_host_layout()),
               m->xstate_modified, m->vector_names_set ? " and it set SDK vector names too" : "");
    if (d->fault_unexplained)
        printf("    the CPU's exception is none of those its accesses raise alone\n");
    if (d->stray_write)
        printf("    the emulator changed register 0x%x, which the instruction cannot\n",
               (unsigned)em->stray_write);
}

/* ---- one case ---- */

enum case_result {
    CASE_MATCH,
    CASE_MISMATCH,
    CASE_UNSUPPORTED,  /* InternalEmulationFailure */
    CASE_OUTSIDE,      /* reaches memory outside the buffer and its guard: not run natively */
    CASE_HARNESS,      /* the native run faulted outside the instruction */
    CASE_NO_ENCODING,  /* no encoding of the variant reaches the buffer */
    CASE_HOST_SKIP,    /* the host's answer is not the architecture's (counted by reason) */
    CASE_NEEDS_XSTATE, /* --no-xstate: unsupported without the extension, guest untouched */
    CASE_DECLINED,     /* SIMD FP that one masked run cannot decide: unsupported, untouched */
};

struct case_report {
    struct difference diff;
    bool flags_only_undefined; /* the only difference is in flags the SDM leaves undefined */
};

static struct cpu_fault fault_of(const struct outcome *o)
{
    return (struct cpu_fault){ o->vector, o->has_error_code ? o->error_code : 0,
                               o->vector == EXC_PF ? o->cr2 : 0 };
}

/* A faulting instruction with several stack slots (fault_order.h): the emulator's registers
 * must be the initial ones (the CPU may have loaded some, POPA), its memory may differ from
 * the CPU's only in bytes the instruction writes. Returns whether the CPU did part of the
 * instruction otherwise: loaded registers, or wrote other slots. */
static bool check_partial_slots(const struct state *s, const struct outcome *n,
                                const struct outcome *m, const struct fault_choices *c,
                                struct difference *d)
{
    const struct native_layout *l = native_layout();
    uint64_t reg_mask = s->bits == 64 ? UINT64_MAX : 0xffffffffu;
    bool other_slots = false;

    d->gpr_mask = 0;
    for (unsigned i = 0; i < (s->bits == 64 ? 16u : 8u); i++) {
        if ((s->gpr[i] & reg_mask) != (m->gpr[i] & reg_mask))
            d->gpr_mask |= 1u << i;
        other_slots |= (s->gpr[i] & reg_mask) != (n->gpr[i] & reg_mask);
    }
    d->memory = false;
    for (uint32_t i = 0; i < l->size; i++) {
        if (l->buffer[i] == emulated_ram[i])
            continue;
        other_slots = true;
        d->memory |= !fault_choices_stored(c, (uint64_t)(uintptr_t)l->buffer + i);
    }
    return other_slots;
}

static void print_fault_order(const struct case_encoding *e, const struct state *s,
                              const struct outcome *n, const struct outcome *m)
{
    printf("FAULT ORDER  the CPU and whvemu reported different accesses' faults:\n");
    print_instruction(e, s->bits);
    print_state(e, s);
    print_outcome_exception("native", n);
    print_outcome_exception("emulated", m);
}

/* An instruction with several accesses may report either of two faulting ones
 * (fault_order.h): the emulator's exception is right if it is the CPU's or another that
 * one of the accesses raises alone on this CPU, and the CPU's must be one of those. The
 * accesses are probed from the emulator's registers (the initial ones, or those of a REP's
 * faulting element, which must be the CPU's). `count`: tally the case for the summary. */
static void check_fault_order(const struct case_encoding *e, const struct state *s,
                              const struct outcome *n, const struct outcome *m, bool count,
                              struct difference *d)
{
    struct cpu_fault nf = fault_of(n), mf = fault_of(m);
    struct order_state os;
    struct fault_choices c;
    struct insn in; /* e->insn is from before the state patched displacements in */
    bool chose_differently, other_slots = false;

    if (!n->faulted || !m->faulted || n->vector == EXC_DB ||
        decode_insn((enum cpu_mode)e->insn.mode, e->bytes, e->length, &in) != DECODE_OK ||
        !has_ordered_accesses(&in))
        return;
    os.bits = s->bits;
    memcpy(os.gpr, m->gpr, sizeof os.gpr);
    os.rflags = s->rflags;
    memcpy(os.seg, s->seg, sizeof os.seg);
    os.rip = s->rip;
    fault_choices_probe(&in, &os, &c);
    chose_differently = d->exception && m->has_error_code == n->has_error_code &&
                        fault_choices_hold(&c, &nf) && fault_choices_hold(&c, &mf);
    d->exception &= !chose_differently;
    d->fault_unexplained = c.count && !fault_choices_hold(&c, &nf);
    if (has_partial_slots(&in))
        other_slots = check_partial_slots(s, n, m, &c, d);
    if (!count)
        return;
    fault_order_count(&in, &c, chose_differently, other_slots);
    if (chose_differently && opt.verbose)
        print_fault_order(e, s, n, m);
}

/* Whether the emulator's exception says the instruction reaches beyond the guard pages,
 * where running it natively could touch the program's own memory. */
static bool outside_guard(const struct outcome *m)
{
    const struct native_layout *l = native_layout();
    return m->faulted && m->vector == EXC_PF &&
           (m->cr2 < l->guard || m->cr2 - l->guard >= l->guard_size);
}

/* --no-xstate: an instruction the emulator gave up on must have left the guest as it was —
 * no register or extended state written back, no byte of memory written (a form that needs
 * the extension may run in another state: the variant goes on). */
static bool untouched(const struct emulated *em, bool report)
{
    bool memory = memcmp(initial_ram, emulated_ram, native_layout()->size) == 0;

    if (report && (em->registers_set || !memory))
        printf("    unsupported, yet it %s\n",
               em->registers_set ? "wrote registers back" : "wrote memory");
    return !em->registers_set && memory;
}

/* Whether the emulator may decline the case (InternalEmulationFailure, guest untouched): the
 * MXCSR rule's SIMD_FP_UNDECIDED (docs/simd-compute.md, "Floating point and MXCSR") is left
 * only to an UNMEASURED row (AVX512-FP16) with OE, UE or PE unmasked. */
static bool fp_rule_may_decline(const struct insn *in, const struct state *s)
{
    const struct simd_fp_row *fp = simd_fp_row(in->mnemonic);
    uint32_t unmasked = ~s->vec.mxcsr >> MXCSR_MASK_SHIFT & MXCSR_FLAGS;

    return fp && fp->unmeasured && simd_compute_row(in->mnemonic) && (unmasked & ~MXCSR_PRE);
}

static enum case_result run_case(const struct case_encoding *e, const struct state *s, bool report,
                                 struct case_report *cr)
{
    const struct native_layout *l = native_layout();
    static struct emulated em;
    struct outcome native;
    struct native_result nr;
    /* what the SDM leaves undefined labels flag-only mismatches, and is masked only with
     * --mask-undefined: by default the emulator must match this CPU exactly */
    struct insn_facts facts = insn_facts_from(&e->insn);
    uint32_t undefined = (uint32_t)sdm_undefined_of(&facts, s->gpr[1], false).flags;
    uint32_t mask = COMPARED_FLAGS & ~(opt.mask_undefined ? undefined : 0);

    memcpy(initial_ram, l->buffer, l->size);
    memcpy(emulated_ram, l->buffer, l->size);
    /* in the runner's slot first: the emulator fetches what the exit does not give */
    native_place(s->bits, e->bytes, e->length);
    emulate(e, s, &em);
    if (em.hr == S_OK && em.status.InternalEmulationFailure && opt.no_xstate)
        return untouched(&em, report) ? CASE_NEEDS_XSTATE : CASE_MISMATCH;
    if (em.hr == S_OK && em.status.InternalEmulationFailure && fp_rule_may_decline(&e->insn, s))
        return untouched(&em, report) ? CASE_DECLINED : CASE_MISMATCH;
    if (em.hr == S_OK && em.status.InternalEmulationFailure)
        return CASE_UNSUPPORTED;
    if (em.out.ran && outside_guard(&em.out))
        return CASE_OUTSIDE;
    if (em.out.ran && !em.out.faulted && (e->insn.row->flags & F_BRANCH) &&
        em.out.rip != landing_ip(s->bits)) {
        /* natively the branch goes to the landing; the emulator's target may be anywhere */
        if (report) {
            print_instruction(e, s->bits);
            print_state(e, s);
            printf("    branch target: native 0x%" PRIx64 " (by construction, not run)"
                   " emulated 0x%" PRIx64 "\n",
                   landing_ip(s->bits), em.out.rip);
        }
        memset(&cr->diff, 0, sizeof cr->diff);
        cr->diff.rip = true;
        return CASE_MISMATCH;
    }
    if (!run_native(e, s, &native, &nr)) {
        if (report) {
            printf("HARNESS FAULT: signal %d vector %u at ip 0x%" PRIx64 " (slot 0x%" PRIx64 ")\n",
                   nr.signo, nr.vector, nr.fault_ip, s->rip);
            print_instruction(e, s->bits);
            print_state(e, s);
        }
        return CASE_HARNESS;
    }
    if (native.faulted && native.vector == EXC_AC && !(s->rflags & FL_AC)) {
        /* #AC without RFLAGS.AC is no alignment check: a kernel that makes split-lock
         * detection fatal (split_lock_detect=fatal) reports a LOCK across a cache line */
        host_skip_for("#AC from split-lock detection (kernel split_lock_detect=fatal)", 1);
        return CASE_HOST_SKIP;
    }
    compare(s, &native, &em.out, mask, &cr->diff);
    check_fault_order(e, s, &native, &em.out, !report, &cr->diff);
    cr->diff.stray_write = em.out.ran && em.stray_write >= 0;
    if (!differs(&cr->diff)) {
        if (report && opt.verbose) {
            print_instruction(e, s->bits);
            print_state(e, s);
            print_outcome_exception("both", &native);
        }
        xm_agreed += native.faulted && native.vector == EXC_XM;
        return CASE_MATCH;
    }
    cr->flags_only_undefined = only_flags_differ(&cr->diff) && (cr->diff.flags & ~undefined) == 0;
    if (report) {
        print_instruction(e, s->bits);
        print_state(e, s);
        print_difference(s, &em, &native, &cr->diff);
    }
    return CASE_MISMATCH;
}

/* How the CPU's side of --native-only cases ended: completed, or the exception vector. */
#define COMPLETED 32
static unsigned long native_outcomes[COMPLETED + 1];

/* Measured on AMD Zen 4: a faulting MASKMOVQ has already done the MMX transition of SDM
 * vol. 3A §12.2: every x87 tag valid, TOS 0 (so FXSAVE slot j is physical register j, which
 * was ST((j - TOS) mod 8)). Counted and printed: the emulator will have to follow the host. */
static unsigned long mmx_transition_at_fault;

static bool mmx_transition_only(const struct insn *in, const struct state *s,
                                const struct outcome *native)
{
    struct vecstate transitioned = s->vec;
    unsigned tos = (s->vec.fsw >> 11) & 7;
    transitioned.ftw = 0xff;
    transitioned.fsw &= (uint16_t)~0x3800;
    for (unsigned j = 0; j < 8; j++)
        memcpy(transitioned.st[j], s->vec.st[(j - tos) & 7], 10);
    return row_has_operand(in->row, OK_P) &&
           vecstate_equal(&transitioned, &native->vec, xsave_host_layout());
}

/* The extended-state extension with the host's layout (Layout NULL), as a KVM VMM gives it:
 * the fixture serves each case's XSAVE image of the native run's initial vector state,
 * standard or compacted (fixture_xstate.c), and the comparison reads the area back when the
 * emulator stored it. Not where the host has no XSAVE: the SDK names carry all there is;
 * nor with --no-xstate, a VMM without the extension (what needs it is then unsupported). */
static bool install_xstate(void)
{
    WHVEMU_XSTATE_CALLBACKS xs = { sizeof xs, 0, fixture_get_xstate, fixture_set_xstate, NULL };
    HRESULT hr;

    if (!xsave_host_layout()->xsave || opt.no_xstate)
        return true;
    hr = whvemu_set_xstate_callbacks(emulator, &xs);
    if (FAILED(hr))
        printf("whvemu_set_xstate_callbacks: 0x%08x\n", (unsigned)hr);
    return SUCCEEDED(hr);
}

/* --native-only: the CPU's side alone, for the vector forms the emulator does not support
 * yet. Faults are precise, so a fault must leave every vector register as it was — except
 * a gather's or scatter's (they commit the elements before the faulting one), #XM (it sets
 * MXCSR's flags) and the single-step trap after a completed instruction. That checks the
 * runners' vector state and the signal-frame path on every synthesised vector case. */
static enum case_result run_native_only(const struct case_encoding *e, const struct state *s,
                                        bool report)
{
    const struct native_layout *l = native_layout();
    struct outcome native;
    struct native_result nr;
    bool precise;

    memcpy(initial_ram, l->buffer, l->size);
    native_place(s->bits, e->bytes, e->length);
    if (!run_native(e, s, &native, &nr)) {
        if (report) {
            printf("HARNESS FAULT: signal %d vector %u at ip 0x%" PRIx64 "\n", nr.signo, nr.vector,
                   nr.fault_ip);
            print_instruction(e, s->bits);
            print_state(e, s);
        }
        return CASE_HARNESS;
    }
    if (!report)
        native_outcomes[native.faulted ? native.vector & 31 : COMPLETED]++;
    precise = native.faulted && native.vector != EXC_DB && native.vector != EXC_XM &&
              !(e->insn.row->flags & F_VSIB);
    if (!precise || vecstate_equal(&s->vec, &native.vec, xsave_host_layout()))
        return CASE_MATCH;
    if (mmx_transition_only(&e->insn, s, &native)) {
        mmx_transition_at_fault += !report;
        return CASE_MATCH;
    }
    if (report) {
        print_instruction(e, s->bits);
        print_state(e, s);
        print_outcome_exception("native", &native);
        printf("    the fault changed vector registers:\n");
        vecstate_print_differences("initial", &s->vec, "at the fault", &native.vec,
                                   xsave_host_layout());
    }
    return CASE_MISMATCH;
}

static void print_native_outcomes(void)
{
    static const char *const names[32] = {
        [0] = "#DE",  [1] = "#DB",  [6] = "#UD",  [7] = "#NM",  [12] = "#SS",
        [13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [19] = "#XM",
    };
    printf("native outcomes: %lu completed", native_outcomes[COMPLETED]);
    for (unsigned v = 0; v < 32; v++)
        if (native_outcomes[v])
            printf(", %s %lu", names[v] ? names[v] : "vector", native_outcomes[v]);
    printf("\nMMX faults after the x87 tags and TOS were set (this CPU): %lu\n",
           mmx_transition_at_fault);
}

/* ---- the sweep over all forms ---- */

/* The processor's name, for the coverage table. */
static const char *cpu_model(void)
{
    static char model[128] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            snprintf(model, sizeof model, "%s", colon + 2);
            model[strcspn(model, "\n")] = 0;
            break;
        }
    }
    if (f)
        fclose(f);
    return model;
}

#define MAX_UNSUPPORTED 4096

struct totals {
    unsigned forms, not_runnable, unsupported_variants, variants, no_encoding, host_skipped;
    unsigned long cases, mismatches, undefined_only, outside, harness, unrepeatable;
    unsigned long needs_xstate; /* --no-xstate: cases unsupported for want of the extension */
    unsigned long declined;     /* SIMD FP cases the MXCSR rule cannot decide (CASE_DECLINED) */
    unsigned mismatching_variants;
    enum mnemonic unsupported[MAX_UNSUPPORTED];
    unsigned unsupported_count;
};

/* "movups Vx,Wx  [64-bit code, L1]": the form, then the variant's mode, operand size,
 * repeat prefix, and for VEX/EVEX vector forms the W, vector length and broadcast it fixes
 * beyond the form. */
static void describe_variant(const struct variant *v, char *out, size_t outsz)
{
    const struct form *f = v->form;
    bool vex_vector = f->vector && f->map >= MAP_VEX_0F;
    char form[128], w[8] = "", l[8] = "";

    form_describe(f, form, sizeof form);
    if (vex_vector && v->w >= 0 && f->w < 0)
        snprintf(w, sizeof w, ", W%d", v->w);
    if (vex_vector && v->vl >= 0 && f->l < 0)
        snprintf(l, sizeof l, ", L%d", v->vl);
    snprintf(out, outsz, "%s  [%u-bit code%s%s%s%s%s%s]", form, v->bits,
             v->osize == 2   ? ", o16"
             : v->osize == 4 ? ", o32"
             : v->osize == 8 ? ", o64"
                             : "",
             v->rep == 0xf3 ? ", rep" : "", v->rep == 0xf2 ? ", repne" : "", w, l,
             v->broadcast ? ", broadcast" : "");
}

/* The seed of case `n` of variant `index`: printed with each mismatch. */
static uint64_t case_seed(unsigned index, unsigned n)
{
    uint64_t x = opt.seed ^ ((uint64_t)index << 32) ^ n;
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return (x ^ (x >> 31)) | 1;
}

/* Up to this many tries to find an encoding and a state that reach the buffer. */
#define SYNTH_TRIES 32

static bool make_case(struct rng *r, const struct variant *v, unsigned flags_case,
                      struct case_encoding *e, struct state *s)
{
    for (unsigned t = 0; t < SYNTH_TRIES; t++)
        if (synth_encoding(r, v, e) && synth_state(r, e, flags_case, true, s))
            return true;
    return false;
}

static unsigned flags_cases_of(const struct variant *v)
{
    return (v->form->row->flags & F_REP) ? 4 : 2; /* strings: DF clear and set */
}

/* Case n of a variant, from its own seed, so that a report can run it again. */
static enum case_result variant_case(const struct variant *v, unsigned index, unsigned n,
                                     bool report, struct case_report *cr)
{
    struct rng r = { case_seed(index, n) };
    struct case_encoding e;
    struct state s;

    memset(cr, 0, sizeof *cr);
    if (!make_case(&r, v, n % flags_cases_of(v), &e, &s))
        return CASE_NO_ENCODING;
    /* a vector case's own encoding (another W or length than the variant's first case's)
     * may need more than its variant */
    if (v->form->vector && !isa_case_runs_here(e.bytes, e.length, v->bits))
        return CASE_HOST_SKIP;
    if (opt.native_only)
        return run_native_only(&e, &s, report);
    return run_case(&e, &s, report, cr);
}

static unsigned states_of(const struct variant *v)
{
    return opt.only_case >= 0 ? 1 : v->form->vector ? opt.vector_states : opt.states;
}

/* The feature a vector variant's encodings need and this host lacks (from Zydis's ISA set of
 * its first case), or -1; why names the ISA set. A set isa.c cannot map, or an encoding
 * Zydis does not decode, is a condition of the harness: -2, counted by host_skip_for. */
static int vector_feature_missing(const struct variant *v, unsigned index, char *why, size_t whysz)
{
    struct rng r = { case_seed(index, 0) };
    struct case_encoding e;
    struct isa_needs n;
    int missing;

    for (unsigned t = 0; t < SYNTH_TRIES; t++) {
        if (!synth_encoding(&r, v, &e))
            continue;
        if (!isa_needs_of(e.bytes, e.length, v->bits, &n) || n.unknown) {
            snprintf(why, whysz, "ISA set %s unknown to the harness (isa.c) or to Zydis",
                     n.isa_set ? n.isa_set : "?");
            return -2;
        }
        missing = isa_missing_feature(&n);
        if (missing >= 0)
            snprintf(why, whysz, "this host lacks %s (ISA set %s)",
                     host_feature_name((enum host_feature)missing), n.isa_set);
        return missing;
    }
    return -1; /* no encoding: reported as such when the variant runs */
}

/* A variant this host cannot run natively (a CPU feature it lacks, a mode its kernel does
 * not offer): its cases are counted as skipped, per feature or condition, and it is a row
 * of the coverage table; never silently left out. */
static bool skipped_on_this_host(const struct variant *v, unsigned index, const char *name,
                                 struct totals *t)
{
    unsigned long cases = states_of(v);
    int missing = v->form->vector ? -1 : v->form->needs;
    char why[160];

    if (v->form->vector)
        missing = vector_feature_missing(v, index, why, sizeof why);
    else if (missing >= 0)
        snprintf(why, sizeof why, "this host lacks %s",
                 host_feature_name((enum host_feature)missing));
    if (missing >= 0 && !host_has((enum host_feature)missing)) {
        host_skip((enum host_feature)missing, cases);
    } else if (missing == -2) {
        host_skip_for("the ISA set of the encoding is unknown to the harness (isa.c)", cases);
    } else if (!native_mode_available(v->bits)) {
        host_skip_for("16/32-bit code cannot run here (no modify_ldt or no 32-bit compat code "
                      "in this kernel)",
                      cases);
        snprintf(why, sizeof why, "%u-bit code cannot run on this host", v->bits);
    } else {
        return false;
    }
    t->host_skipped++;
    if (opt.verbose)
        printf("skipped  %s: %s\n", name, why);
    if (opt.coverage)
        fprintf(opt.coverage, "| `%s` | skipped: %s | |\n", name, why);
    return true;
}

/* Run the variant's cases; false when the filter leaves it out or the host cannot run it. */
static bool run_variant(const struct variant *v, unsigned index, struct totals *t)
{
    char name[200];
    unsigned long mismatches = 0, undefined_only = 0, cases = 0, outside = 0;
    uint32_t flag_union = 0;
    unsigned first = opt.only_case >= 0 ? (unsigned)opt.only_case : 0;
    unsigned end = first + states_of(v);

    describe_variant(v, name, sizeof name);
    if ((opt.filter && !strstr(name, opt.filter)) || (opt.vector_only && !v->form->vector) ||
        skipped_on_this_host(v, index, name, t))
        return false;
    for (unsigned n = first; n < end; n++) {
        struct case_report cr, again;
        enum case_result result = variant_case(v, index, n, false, &cr);
        bool report = mismatches < opt.reports;

        /* The emulator is deterministic; the native run can be disturbed by the OS (a
         * preemption normalising a segment register, say). A mismatch must repeat. */
        if (result == CASE_MISMATCH && variant_case(v, index, n, false, &again) == CASE_MATCH) {
            t->unrepeatable++;
            printf("UNREPEATABLE  %s  case %u: differed once, matched when run again\n", name, n);
            result = CASE_MATCH;
        }

        if (result == CASE_NEEDS_XSTATE && n == first)
            result = CASE_UNSUPPORTED; /* as the forms it never supports */
        if (n == first && (result == CASE_NO_ENCODING || result == CASE_UNSUPPORTED)) {
            if (result == CASE_NO_ENCODING) {
                t->no_encoding++;
            } else {
                t->unsupported_variants++;
                if (t->unsupported_count < MAX_UNSUPPORTED)
                    t->unsupported[t->unsupported_count++] = (enum mnemonic)v->form->row->mnemonic;
            }
            if (opt.verbose)
                printf("%s  %s\n", result == CASE_NO_ENCODING ? "no encoding" : "unsupported",
                       name);
            if (opt.coverage && result == CASE_UNSUPPORTED)
                fprintf(opt.coverage, "| `%s` | unsupported | |\n", name);
            return true;
        }
        switch (result) {
        case CASE_NO_ENCODING: break;
        case CASE_MATCH:
            cases++;
            if (opt.only_case >= 0) {
                printf("match  %s  case %u\n", name, n);
                if (opt.verbose)
                    variant_case(v, index, n, true, &again);
            }
            break;
        case CASE_UNSUPPORTED: /* after the first case ran: a mismatch */
        case CASE_MISMATCH:
            cases++;
            mismatches++;
            flag_union |= cr.diff.flags;
            if (cr.flags_only_undefined)
                undefined_only++;
            if (report) {
                printf("MISMATCH  %s  case %u%s\n", name, n,
                       cr.flags_only_undefined ? "  (flags the SDM leaves undefined only)" : "");
                variant_case(v, index, n, true, &again);
            }
            break;
        case CASE_OUTSIDE: outside++; break;
        case CASE_NEEDS_XSTATE: t->needs_xstate++; break;
        case CASE_DECLINED: t->declined++; break;
        case CASE_HOST_SKIP: /* counted by host_skip_for */ break;
        case CASE_HARNESS:
            t->harness++;
            if (t->harness <= opt.reports) {
                printf("in %s case %u:\n", name, n);
                variant_case(v, index, n, true, &again);
            }
            break;
        }
    }
    t->variants++;
    t->cases += cases;
    t->mismatches += mismatches;
    t->undefined_only += undefined_only;
    t->outside += outside;
    if (opt.coverage)
        fprintf(opt.coverage, "| `%s` | %lu | %lu |\n", name, cases - mismatches, mismatches);
    if (mismatches) {
        t->mismatching_variants++;
        printf("FAILED  %s: %lu of %lu cases differ", name, mismatches, cases);
        if (flag_union) {
            printf(" (flags involved:");
            print_flags(flag_union);
            printf(")");
        }
        if (undefined_only)
            printf(", %lu only in SDM-undefined flags", undefined_only);
        printf("\n");
    } else if (opt.verbose) {
        printf("ok  %s: %lu cases%s\n", name, cases, outside ? " (some outside the buffer)" : "");
    }
    return true;
}

/* The forms that need a CPU feature this host lacks (their variants are counted below). */
static void print_forms_this_host_lacks(const struct form *forms, unsigned count)
{
    for (unsigned i = 0, listed = 0; i < count; i++) {
        char name[128];
        enum host_feature needs = (enum host_feature)forms[i].needs;
        if (forms[i].not_runnable || forms[i].needs < 0 || host_has(needs))
            continue;
        form_describe(&forms[i], name, sizeof name);
        if (opt.filter && !strstr(name, opt.filter))
            continue;
        if (listed++ == 0)
            printf("not run on this host (counted as skipped below):\n");
        printf("  %-48s needs %s\n", name, host_feature_name(needs));
    }
}

/* Whether the options select pinned case c (e: its encoding) and this host can run it. */
static bool pinned_selected(const struct pinned_case *c, const struct case_encoding *e)
{
    char text[128];

    format_insn(&e->insn, 0, text, sizeof text);
    if ((opt.filter && !strstr(text, opt.filter)) || (opt.only_bits && opt.only_bits != c->bits) ||
        (opt.vector_only && !row_is_vector(e->insn.row)))
        return false;
    if (!native_mode_available(c->bits) ||
        (row_is_vector(e->insn.row) && !isa_case_runs_here(e->bytes, e->length, c->bits))) {
        host_skip_for("a pinned case this host cannot run", 1);
        return false;
    }
    return true;
}

/* Pinned case i, run: false when it differs from the emulator or, on an AMD CPU, from what
 * the probe measured (reported); *ran when it ran. */
static bool pinned_agrees(unsigned i, struct totals *t, bool *ran)
{
    const struct pinned_case *c = &pinned_cases[i];
    struct case_encoding e;
    struct state s;
    struct case_report cr;
    enum case_result result;
    int cpu;

    *ran = false;
    if (!pinned_state(i, &e, &s)) {
        printf("PINNED  %s: no state reaches its operand\n", c->rule);
        return false;
    }
    if (!pinned_selected(c, &e))
        return true;
    cpu = pinned_cpu_outcome(&e, &s);
    pinned_state(i, &e, &s);
    result = run_case(&e, &s, false, &cr);
    if (result == CASE_NEEDS_XSTATE || result == CASE_HOST_SKIP) {
        t->needs_xstate += result == CASE_NEEDS_XSTATE;
        return true;
    }
    *ran = true;
    if (result == CASE_MATCH && (!host_is_amd() || cpu == c->amd_vector))
        return true;
    printf("PINNED  %s (%u-bit code)\n    this CPU: %d, the probe's on the AMD EPYC: %d "
           "(-1: completes)\n",
           c->rule, c->bits, cpu, c->amd_vector);
    pinned_state(i, &e, &s);
    run_case(&e, &s, true, &cr);
    return false;
}

/* The pinned cases (pinned.h) the options select, counted with the random ones. */
static void run_pinned(struct totals *t)
{
    unsigned run = 0, failed = 0;

    for (unsigned i = 0; i < pinned_count && !opt.native_only; i++) {
        bool ran, agrees = pinned_agrees(i, t, &ran);
        run += ran;
        failed += !agrees;
    }
    t->cases += run;
    t->mismatches += failed;
    if (run || failed)
        printf("pinned: %u cases from the probes, %u differ\n", run, failed);
}

static int sweep(void)
{
    struct form *forms;
    unsigned count = forms_enumerate(&forms);
    static struct totals t;
    unsigned index = 0;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (opt.coverage)
        fprintf(opt.coverage,
                "# Differential coverage\n\n"
                "Generated by `tests/diff/test_diff --coverage` (docs/testing.md) from the\n"
                "decoder's tables: every form with a memory operand, per CPU mode and operand\n"
                "size, with the number of random states in which the emulator matched this CPU\n"
                "(%s).\n\n"
                "| form variant | cases matched | cases differing |\n|---|---|---|\n",
                cpu_model());
    for (unsigned i = 0; i < count && !opt.list; i++) {
        char name[128];
        if (!forms[i].not_runnable)
            continue;
        form_describe(&forms[i], name, sizeof name);
        if (opt.filter && !strstr(name, opt.filter))
            continue;
        if (t.not_runnable++ == 0)
            printf("not runnable natively:\n");
        printf("  %-48s %s\n", name, forms[i].not_runnable);
    }
    if (!opt.list) {
        print_forms_this_host_lacks(forms, count);
        run_pinned(&t);
    }

    for (unsigned i = 0; i < count; i++) {
        struct variant v[MAX_VARIANTS_PER_FORM];
        unsigned nv;
        bool ran = false;
        if (forms[i].not_runnable)
            continue;
        /* every variant keeps its index, and so its cases' seeds, whatever is filtered */
        nv = variants_of(&forms[i], v, MAX_VARIANTS_PER_FORM);
        for (unsigned j = 0; j < nv; j++, index++) {
            if (opt.only_bits && v[j].bits != opt.only_bits)
                continue;
            if (opt.list) {
                char name[200];
                describe_variant(&v[j], name, sizeof name);
                if (!opt.filter || strstr(name, opt.filter))
                    printf("%s\n", name);
                continue;
            }
            ran |= run_variant(&v[j], index, &t);
        }
        t.forms += ran;
    }
    if (opt.list) {
        free(forms);
        return 0;
    }
    if (opt.coverage) {
        fprintf(opt.coverage, "\n## Not run natively\n\n| form | why |\n|---|---|\n");
        for (unsigned i = 0; i < count; i++) {
            char name[128];
            form_describe(&forms[i], name, sizeof name);
            if (forms[i].not_runnable && (!opt.filter || strstr(name, opt.filter)))
                fprintf(opt.coverage, "| `%s` | %s |\n", name, forms[i].not_runnable);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (t.unsupported_count) {
        printf("unsupported by the emulator (%u variants):", t.unsupported_variants);
        for (unsigned i = 0; i < t.unsupported_count; i++) {
            bool seen = false;
            for (unsigned j = 0; j < i && !seen; j++)
                seen = t.unsupported[j] == t.unsupported[i];
            if (!seen)
                printf(" %s", mnemonic_name(t.unsupported[i]));
        }
        printf("\n");
    }
    printf("forms: %u runnable, %u not runnable natively; variants: %u run, %u unsupported, "
           "%u without an encoding, %u skipped on this host\n",
           t.forms, t.not_runnable, t.variants, t.unsupported_variants, t.no_encoding,
           t.host_skipped);
    printf("cases: %lu run (%u states per variant, %u per vector variant), %lu skipped (outside "
           "the buffer)\n",
           t.cases, opt.only_case >= 0 ? 1 : opt.states, opt.only_case >= 0 ? 1 : opt.vector_states,
           t.outside);
    printf("mismatches: %lu in %u variants (%lu only in SDM-undefined flags)%s; "
           "harness faults: %lu; unrepeatable native differences: %lu\n",
           t.mismatches, t.mismatching_variants, t.undefined_only,
           opt.mask_undefined ? " [undefined flags masked]" : "", t.harness, t.unrepeatable);
    if (opt.no_xstate)
        printf("without the extended-state extension: %lu cases unsupported, guest untouched\n",
               t.needs_xstate);
    printf("SIMD floating-point exceptions (#XM) on both sides, MXCSR and registers from the "
           "signal frame compared: %lu cases; declined by the MXCSR rule (an AVX512-FP16 row "
           "with OE, UE or PE unmasked), guest untouched: %lu cases\n",
           xm_agreed, t.declined);
    fault_order_report(stdout);
    if (opt.native_only)
        print_native_outcomes();
    host_skip_report(stdout);
    printf("time: %.1f s\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(forms);
    return t.mismatches || t.harness ? 1 : 0;
}

/* ---- single instruction ---- */

/* State i for the given bytes (their displacements are kept: the registers reach the
 * buffer); false when none does. */
static bool single_state(unsigned i, struct case_encoding *e, struct state *s)
{
    struct rng r = { case_seed(0xffff, i) };
    for (unsigned t = 0; t < SYNTH_TRIES; t++)
        if (synth_state(&r, e, i % 4, false, s))
            return true;
    return false;
}

static int single(void)
{
    static const char *const result_names[] = {
        [CASE_MATCH] = "match",
        [CASE_MISMATCH] = "MISMATCH",
        [CASE_UNSUPPORTED] = "unsupported",
        [CASE_OUTSIDE] = "outside the buffer",
        [CASE_HARNESS] = "harness fault",
        [CASE_NO_ENCODING] = "no encoding",
        [CASE_HOST_SKIP] = "skipped on this host",
        [CASE_NEEDS_XSTATE] = "unsupported without the extension, guest untouched",
    };
    struct case_encoding e;
    unsigned n = 0, mismatches = 0;
    const char *p = opt.bytes;
    unsigned bits = opt.only_bits ? opt.only_bits : 64;
    enum cpu_mode mode = bits == 64 ? MODE_64 : bits == 32 ? MODE_32 : MODE_16;

    memset(&e, 0, sizeof e);
    while (*p && n < 15) {
        char *end;
        unsigned long b = strtoul(p, &end, 16);
        if (end == p)
            break;
        e.bytes[n++] = (uint8_t)b;
        p = end;
    }
    if (decode_insn(mode, e.bytes, n, &e.insn) != DECODE_OK) {
        printf("the bytes do not decode to a valid instruction in %u-bit code\n", bits);
        return 2;
    }
    e.length = e.insn.length;
    print_instruction(&e, bits);
    if ((row_is_vector(e.insn.row) && !isa_case_runs_here(e.bytes, e.length, bits)) ||
        (mnemonic_feature(e.insn.mnemonic) >= 0 &&
         !host_runs((enum host_feature)mnemonic_feature(e.insn.mnemonic)))) {
        host_skip_report(stdout);
        return 77;
    }
    for (unsigned i = 0; i < opt.states; i++) {
        struct state s;
        struct case_report cr;
        enum case_result result;
        if (!single_state(i, &e, &s)) {
            printf("no state makes the memory operand reach the buffer\n");
            return 2;
        }
        result = run_case(&e, &s, false, &cr);
        printf("state %u: %s\n", i, result_names[result]);
        if (result == CASE_MISMATCH || result == CASE_HARNESS)
            mismatches++;
        if (result == CASE_MISMATCH || result == CASE_HARNESS || opt.verbose) {
            single_state(i, &e, &s);
            run_case(&e, &s, true, &cr);
        }
    }
    return mismatches ? 1 : 0;
}

/* ---- main ---- */

static void usage(void)
{
    printf("usage: test_diff [--states N] [--vector-states N] [--vector] [--native-only]\n"
           "                 [--no-xstate] [--seed S] [--filter TEXT] [--bits 16|32|64]\n"
           "                 [--case N] [--mask-undefined] [--reports N] [--verbose] [--list]\n"
           "                 [--coverage FILE.md]\n"
           "       test_diff --bits 16|32|64 --bytes \"HEX BYTES\" [--states N] [--verbose]\n");
}

int main(int argc, char **argv)
{
    static const WHV_EMULATOR_CALLBACKS *callbacks = &fixture_callbacks;
    const char *env = getenv("DIFF_STATES");
    const char *vector_env = getenv("DIFF_VECTOR_STATES");

    opt.states = env ? (unsigned)strtoul(env, NULL, 0) : 0;
    opt.vector_states = vector_env ? (unsigned)strtoul(vector_env, NULL, 0) : 0;
    opt.only_case = -1;
    opt.seed = 0x5eed;
    opt.reports = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--states") && value) {
            opt.states = (unsigned)strtoul(value, NULL, 0);
            i++;
        } else if (!strcmp(a, "--vector-states") && value) {
            opt.vector_states = (unsigned)strtoul(value, NULL, 0);
            i++;
        } else if (!strcmp(a, "--vector")) {
            opt.vector_only = true;
        } else if (!strcmp(a, "--no-xstate")) {
            opt.no_xstate = true;
        } else if (!strcmp(a, "--native-only")) {
            opt.native_only = opt.vector_only = true; /* the vector forms' addresses are
                                                       * all placed by construction */
        } else if (!strcmp(a, "--seed") && value) {
            opt.seed = strtoull(value, NULL, 0);
            i++;
        } else if (!strcmp(a, "--filter") && value) {
            opt.filter = value;
            i++;
        } else if (!strcmp(a, "--bits") && value) {
            opt.only_bits = (unsigned)strtoul(value, NULL, 0);
            i++;
        } else if (!strcmp(a, "--bytes") && value) {
            opt.bytes = value;
            i++;
        } else if (!strcmp(a, "--coverage") && value) {
            opt.coverage = fopen(value, "w");
            if (!opt.coverage) {
                perror(value);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--case") && value) {
            opt.only_case = (int)strtoul(value, NULL, 0);
            i++;
        } else if (!strcmp(a, "--reports") && value) {
            opt.reports = (unsigned)strtoul(value, NULL, 0);
            i++;
        } else if (!strcmp(a, "--mask-undefined")) {
            opt.mask_undefined = true;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            opt.verbose = true;
        } else if (!strcmp(a, "--list")) {
            opt.list = true;
        } else {
            usage();
            return 2;
        }
    }
    if (opt.only_bits && opt.only_bits != 16 && opt.only_bits != 32 && opt.only_bits != 64) {
        usage();
        return 2;
    }
    if (opt.states == 0)
        opt.states = opt.bytes ? DEFAULT_BYTES_STATES : DEFAULT_STATES;
    if (opt.vector_states == 0)
        opt.vector_states = DEFAULT_VECTOR_STATES;
    setvbuf(stdout, NULL, _IOLBF, 0);
    host_describe(stdout);
    if (!native_init(BUFFER_SIZE))
        return 2;
    for (unsigned bits = 16; bits <= 32; bits *= 2)
        if (!native_mode_available(bits))
            printf("%u-bit code cannot run on this host: its variants are skipped\n", bits);
    if (opt.bytes && !native_mode_available(opt.only_bits ? opt.only_bits : 64)) {
        printf("%u-bit code cannot run on this host\n", opt.only_bits);
        return 2;
    }
    if (WHvEmulatorCreateEmulator(callbacks, &emulator) != S_OK) {
        printf("WHvEmulatorCreateEmulator failed\n");
        return 2;
    }
    if (!install_xstate())
        return 2;
    int status = opt.bytes ? single() : sweep();
    if (opt.coverage)
        fclose(opt.coverage);
    return status;
}
