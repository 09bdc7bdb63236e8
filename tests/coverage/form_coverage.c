/* Which instructions with a memory operand exist, according to Zydis's tables, and does
 * whvemu emulate each of them?
 *
 * The encodings of form_walk.h (legacy maps with their prefixes, 3DNow!, VEX, XOP, EVEX)
 * are decoded by Zydis in 64-bit and 32-bit mode. An instruction with a memory operand the
 * CPU accesses is a "form" (form_key.h: mnemonic, operand shape, encoding, broadcast,
 * masking). Each form runs once through WHvEmulatorTryMmioEmulation in a state that lets
 * it execute (SSE, AVX and AVX-512 state enabled, the extended-state extension installed);
 * InternalEmulationFailure means whvemu does not emulate it.
 *
 * Whether a vector form is emulated may depend on the host: whvemu runs computation on the
 * host CPU where it can (issue 13, item 5). So the check against tests/coverage/known_gaps.txt
 * (gap_list.h) applies to a vector form only where the host has every feature its ISA set
 * needs (tests/common/differential/isa.h); elsewhere the form is classed "needs host
 * feature X" and counted, whatever it did. General-purpose forms are checked on every host.
 * A checked form fails the test when it is missing and not listed, or listed and emulated;
 * a listed form of the [unmeasured] section (one the list's author could not run) is
 * reported, not checked. docs/form-coverage.md says why.
 *
 *   form_coverage LIST [--markdown FILE] [--write-gaps]
 * --markdown writes docs/coverage.md part 1; --write-gaps rewrites LIST's generated
 * sections from what this run measured (make coverage-gaps). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Zydis/Zydis.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "core/cpuid.h"
#include "decoder.h"
#include "exec/simd_compute.h"
#include "exec/simd_host.h"
#include "exec/simd_move.h"
#include "form_key.h"
#include "form_walk.h"
#include "gap_list.h"
#include "guest.h"
#include "guest_vcpu.h"
#include "hostcpu.h"
#include "isa.h"

#define MAX_FORMS 32768
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE (1u << 18)
#define XCR0_VECTOR_STATE 0xe7u /* x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM */
#define XSTATE_OPMASK 5
#define MXCSR_MASKED 0x1f80u
#define FCW_MASKED 0x037fu

enum form_class {
    CLASS_EMULATED,
    CLASS_FAULT,          /* emulated: an architectural exception */
    CLASS_GAP,            /* missing, a reasoned gap */
    CLASS_PENDING,        /* missing, issue 13's work in progress */
    CLASS_NEEDS_HOST_ROW, /* a vector form this host lacks a feature for, with a row: it runs
                           * (and is checked) on a host that has the feature */
    CLASS_NEEDS_HOST,     /* the same without a row: not emulated anywhere */
    CLASS_UNMEASURED,     /* missing here, listed by a host that could not run it */
    CLASS_UNLISTED,       /* missing and not listed: a failure */
    CLASS_UNEXPECTED,     /* a status other than those: a failure */
    CLASS_COUNT
};

static const char *const class_names[CLASS_COUNT] = {
    "emulated",
    "emulated (fault)",
    "known gap",
    "pending (issue 13)",
    "needs host feature (row written: runs where the feature is)",
    "needs host feature (no row)",
    "unmeasured (listed by a host without the feature)",
    "missing, unlisted",
    "unexpected status",
};

struct form {
    char key[FORM_KEY_SIZE];
    uint8_t bits; /* 64 or 32 */
    uint8_t bytes[WALK_BYTES];
    uint8_t length;
    bool vector;
    const char *isa_ext; /* Zydis's name */
    const char *lacking; /* the host feature (or unknown ISA set) a vector form lacks */
    bool has_row;        /* whvemu's vector tables have its mnemonic (simd_compute, simd_move) */
    char status[40];     /* "emulated", "emulated (fault #n)", "missing", ... */
    enum form_class class;
    const struct gap *gap;
};

static struct form forms[MAX_FORMS];
static unsigned form_count;

/* ---- one form per key: an open-addressing set of form indexes ---- */

#define KEY_SLOTS (2 * MAX_FORMS)
static int key_slots[KEY_SLOTS]; /* form index + 1; 0 = empty */

static uint32_t key_hash(const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (uint8_t)*key) * 16777619u;
    return h;
}

/* The slot of the key: the form's, or the empty one where it would go. */
static int *key_slot(const char *key)
{
    uint32_t i = key_hash(key) % KEY_SLOTS;

    while (key_slots[i] && strcmp(forms[key_slots[i] - 1].key, key))
        i = (i + 1) % KEY_SLOTS;
    return &key_slots[i];
}

/* ---- running one form through the emulator ---- */

static struct guest g;
static WHV_EMULATOR_HANDLE emu;

/* SSE, AVX and AVX-512 state enabled as a kernel enables them (XCR0: what this host's OS
 * enabled of those), exceptions masked, k1 half set for the masked forms. */
static void set_vector_state(struct guest *guest)
{
    uint64_t xcr0 = host_xcr0() & XCR0_VECTOR_STATE;
    uint8_t *opmask;

    vcpu_reg(&guest->vcpu, WHvX64RegisterCr4)->Reg64 |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
    vcpu_reg(&guest->vcpu, WHvX64RegisterXCr0)->Reg64 = xcr0 ? xcr0 : 3;
    vcpu_reg(&guest->vcpu, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControl =
        MXCSR_MASKED;
    vcpu_reg(&guest->vcpu, WHvX64RegisterFpControlStatus)->FpControlStatus.FpControl = FCW_MASKED;
    /* the XSAVE family's and the vector registers' state beyond the SDK names is the
     * extended-state extension's (where the host has XSAVE to lay it out) */
    if (!guest_xstate_init(guest, false))
        return;
    guest_install_xstate(guest, emu);
    opmask = guest_xstate_component(guest, XSTATE_OPMASK);
    if (opmask)
        memset(opmask + 8, 0x55, 8);
}

static void reset_guest(bool mode64)
{
    static const WHV_REGISTER_NAME gprs[] = {
        WHvX64RegisterRax, WHvX64RegisterRcx, WHvX64RegisterRdx, WHvX64RegisterRbx,
        WHvX64RegisterRsi, WHvX64RegisterRdi, WHvX64RegisterRbp, WHvX64RegisterR8,
    };
    uint8_t data[64];

    guest_free(&g);
    guest_init(&g);
    vcpu_set_defaults(&g.vcpu, mode64 ? VCPU_LONG64 : VCPU_PROTECTED32);
    /* every pointer register names a 64-byte aligned spot of a readable page; values are
     * small so that divisions do not overflow and shifts/bit offsets stay near */
    for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
        vcpu_reg(&g.vcpu, gprs[i])->Reg64 = 0x10000 + 0x40 * i;
    vcpu_reg(&g.vcpu, WHvX64RegisterRsp)->Reg64 = 0x20800;
    set_vector_state(&g);
    memset(data, 0x11, sizeof data);
    for (uint64_t a = 0x10000; a < 0x10400; a += sizeof data)
        guest_write(&g, a, data, sizeof data);
    for (uint64_t a = 0x20000; a < 0x21000; a += sizeof data)
        guest_write(&g, a, data, sizeof data);
}

static void run(struct form *f)
{
    WHV_EMULATOR_STATUS st;

    reset_guest(f->bits == 64);
    if (guest_run_mmio(&g, emu, f->bytes, f->length, &st) != S_OK) {
        snprintf(f->status, sizeof f->status, "E_INVALIDARG");
    } else if (st.InternalEmulationFailure) {
        snprintf(f->status, sizeof f->status, "missing");
    } else if (st.EmulationSuccessful) {
        const WHV_X64_PENDING_INTERRUPTION_REGISTER *pi =
            &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
        if (pi->InterruptionPending)
            snprintf(f->status, sizeof f->status, "emulated (fault #%u)", pi->InterruptionVector);
        else
            snprintf(f->status, sizeof f->status, "emulated");
    } else {
        snprintf(f->status, sizeof f->status, "status 0x%x", st.AsUINT32);
    }
}

/* Whether the library can run SIMD computation on this host at all: a build with the engine
 * (not -DWHVEMU_HOST_SIMD=OFF) on a host whose policy lets it make its executable page (no
 * W^X refusal, docs/simd-compute.md). Asked once, with a stub that only returns. */
static bool host_engine_runs(void)
{
    static int runs = -1;
    uint8_t ret[SIMD_STUB_BYTES];

    if (runs < 0) {
        memset(ret, 0xcc, sizeof ret); /* RET, then INT3 padding */
        ret[0] = 0xc3;
        runs = simd_host_compiled() && simd_host_acquire(ret);
        if (runs)
            simd_host_release();
    }
    return runs;
}

/* The feature this host lacks for a vector form (or its ISA set, when isa.c knows it not;
 * or the compute engine, where it cannot run), or NULL. Such a form is not checked: counted
 * as a skip of that feature. */
static const char *lacking_feature(const struct form *f)
{
    struct isa_needs needs;
    int missing;

    if (!f->vector)
        return NULL;
    if (!host_engine_runs()) {
        host_skip_for("vector forms, the library's SIMD compute engine unavailable here", 1);
        return "the SIMD compute engine";
    }
    if (!isa_needs_of(f->bytes, f->length, f->bits, &needs) || needs.unknown) {
        host_skip_for("vector forms of an ISA set isa.c does not know (KNC, LWP)", 1);
        return needs.isa_set ? needs.isa_set : "an ISA set isa.c does not know";
    }
    missing = isa_missing_feature(&needs);
    if (missing < 0)
        return NULL;
    host_skip((enum host_feature)missing, 1);
    return host_feature_name((enum host_feature)missing);
}

/* Whether whvemu has a row for the form's mnemonic — a compute row (run on the host where it
 * has the feature) or a move row — by whvemu's own decoder. */
static bool has_vector_row(const struct form *f)
{
    struct insn in;

    return decode_insn(f->bits == 64 ? MODE_64 : MODE_32, f->bytes, f->length, &in) == DECODE_OK &&
           (simd_compute_row(in.mnemonic) || simd_move_row(in.mnemonic));
}

/* The SIMD features WHVEMU_TEST_HIDE hides from this test, hidden from the library's SIMD
 * compute engine too (cpuid_simd_hide), matched by name (AVX512F, avx512f): so that a
 * hidden-features run is a host without them for both, the forms the library would run on
 * the host then missing as on such a host. A library feature hostcpu does not name stays. */
static void hide_from_library(void)
{
    static const char *const names[] = {
#define CPUID_SIMD_NAME(name, ...) #name,
        CPUID_SIMD_FEATURES(CPUID_SIMD_NAME)
#undef CPUID_SIMD_NAME
    };
    uint32_t hidden = 0;

    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char lower[32] = "";
        int f;
        for (unsigned k = 0; names[i][k] && k + 1 < sizeof lower; k++)
            lower[k] = (char)tolower((unsigned char)names[i][k]);
        f = host_feature_by_name(lower);
        if (f >= 0 && host_usable((enum host_feature)f) && !host_has((enum host_feature)f))
            hidden |= 1u << i;
    }
    cpuid_simd_hide(hidden);
}

/* ---- the walk ---- */

struct walk {
    const ZydisDecoder *decoder;
    unsigned bits;
};

static void add_form(const struct walk *w, const ZydisDecodedInstruction *in, const char *key,
                     const uint8_t *bytes)
{
    struct form *f = &forms[form_count];
    int *slot = key_slot(key);

    if (*slot)
        return; /* one encoding per form is enough; 64-bit comes first */
    if (form_count == MAX_FORMS) {
        CHECK(false, "more than %d forms: raise MAX_FORMS", MAX_FORMS);
        exit(check_summary());
    }
    snprintf(f->key, sizeof f->key, "%s", key);
    f->bits = (uint8_t)w->bits;
    memcpy(f->bytes, bytes, in->length);
    f->length = in->length;
    f->vector = form_is_vector(in);
    f->isa_ext = ZydisISAExtGetString(in->meta.isa_ext);
    f->lacking = lacking_feature(f);
    f->has_row = has_vector_row(f);
    run(f);
    *slot = (int)++form_count;
}

static void consider(void *context, const uint8_t bytes[WALK_BYTES])
{
    const struct walk *w = context;
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    char key[FORM_KEY_SIZE];

    if (ZYAN_FAILED(ZydisDecoderDecodeFull(w->decoder, bytes, WALK_BYTES, &in, ops)) ||
        !form_has_memory_operand(&in, ops))
        return;
    form_key(&in, ops, key, sizeof key);
    add_form(w, &in, key, bytes);
}

static void walk_mode(bool mode64)
{
    ZydisDecoder decoder;
    struct walk w = { &decoder, mode64 ? 64 : 32 };

    ZydisDecoderInit(&decoder, mode64 ? ZYDIS_MACHINE_MODE_LONG_64 : ZYDIS_MACHINE_MODE_LEGACY_32,
                     mode64 ? ZYDIS_STACK_WIDTH_64 : ZYDIS_STACK_WIDTH_32);
    walk_legacy(mode64, consider, &w);
    walk_3dnow(consider, &w);
    walk_vex_xop(consider, &w);
    walk_evex(consider, &w);
}

/* ---- classes and the checks ---- */

static enum form_class class_of(const struct form *f)
{
    bool missing = !strcmp(f->status, "missing");

    if (f->lacking &&
        strcmp(f->status, "emulated")) /* its #UD too: the guest's XCR0 is the host's */
        return f->has_row ? CLASS_NEEDS_HOST_ROW : CLASS_NEEDS_HOST;
    if (!strcmp(f->status, "emulated"))
        return CLASS_EMULATED;
    if (!strncmp(f->status, "emulated (fault", 15))
        return CLASS_FAULT;
    if (!missing)
        return CLASS_UNEXPECTED;
    if (!f->gap)
        return CLASS_UNLISTED;
    static const enum form_class by_section[GAP_SECTION_COUNT] = {
        [GAP_REASONED] = CLASS_GAP,
        [GAP_PENDING] = CLASS_PENDING,
        [GAP_UNMEASURED] = CLASS_UNMEASURED,
    };
    return by_section[f->gap->section];
}

/* Every checked form whvemu lacks is listed, every listed checked form is one it lacks. */
static void check_form(const struct form *f)
{
    bool checked = !f->lacking && !(f->gap && f->gap->section == GAP_UNMEASURED);

    if (!checked)
        return;
    CHECK(f->class != CLASS_UNLISTED, "%s (%d-bit) is not emulated and not in known_gaps.txt",
          f->key, f->bits);
    CHECK(f->class != CLASS_UNEXPECTED, "%s (%d-bit): %s", f->key, f->bits, f->status);
    CHECK(!f->gap || !strcmp(f->status, "missing"),
          "%s is %s now: remove it from known_gaps.txt (%s)", f->key, f->status,
          f->gap && f->gap->section == GAP_PENDING ? "make coverage-gaps" : "by hand");
}

/* Each form's entry of the list, if any, and its class. */
static void classify(struct gap_list *gaps)
{
    for (unsigned i = 0; i < form_count; i++) {
        struct gap *gap = gaps_find(gaps, forms[i].key);
        if (gap)
            gap->seen = true;
        forms[i].gap = gap;
        forms[i].class = class_of(&forms[i]);
    }
}

static void check_all(const struct gap_list *gaps, unsigned counts[CLASS_COUNT])
{
    for (unsigned i = 0; i < form_count; i++) {
        counts[forms[i].class]++;
        check_form(&forms[i]);
    }
    for (unsigned i = 0; i < gaps->count; i++)
        CHECK(gaps->gaps[i].seen, "known_gaps.txt lists %s, which is no form of the walk",
              gaps->gaps[i].pattern);
}

/* ---- the generated sections of the list ---- */

/* What --write-gaps lists a vector form under: missing and checked (unless a reasoned gap)
 * is pending; missing for want of a host feature is unmeasured, unless whvemu has its row
 * (a host with the feature emulates it: nothing to list). A general-purpose form whvemu
 * lacks is no work in progress: it needs a reason, by hand. */
static enum gap_section generated_section(const struct form *f)
{
    if (!f->vector || strcmp(f->status, "missing") || (f->gap && f->gap->section == GAP_REASONED) ||
        (f->lacking && f->has_row))
        return GAP_REASONED; /* not generated */
    return f->lacking ? GAP_UNMEASURED : GAP_PENDING;
}

static bool same_group(const struct form *a, const struct form *b)
{
    size_t n = form_key_group_length(a->key);
    return n == form_key_group_length(b->key) && !strncmp(a->key, b->key, n);
}

/* The lines of one ISA extension's forms in the section: "{evex} vaddps *" when every
 * form of that mnemonic and encoding belongs to the section, else each form. */
static void extension_lines(enum gap_section section, const char *isa, bool *done,
                            struct gap_lines *lines)
{
    char line[FORM_KEY_SIZE + 2];

    for (unsigned i = 0; i < form_count; i++) {
        bool whole = true;
        if (done[i] || generated_section(&forms[i]) != section || strcmp(forms[i].isa_ext, isa))
            continue;
        for (unsigned j = 0; j < form_count; j++)
            if (same_group(&forms[i], &forms[j]))
                whole &= generated_section(&forms[j]) == section;
        for (unsigned j = i; j < form_count; j++) {
            if (!same_group(&forms[i], &forms[j]) || generated_section(&forms[j]) != section)
                continue;
            done[j] = true;
            if (!whole)
                gap_lines_add(lines, forms[j].key);
        }
        if (whole) {
            snprintf(line, sizeof line, "%.*s *", (int)form_key_group_length(forms[i].key),
                     forms[i].key);
            gap_lines_add(lines, line);
        }
    }
}

/* The section's lines, under a comment per ISA extension, in walk order. */
static void section_lines(enum gap_section section, struct gap_lines *lines)
{
    static bool done[MAX_FORMS];
    char comment[64];

    memset(done, 0, sizeof done);
    for (unsigned i = 0; i < form_count; i++) {
        if (done[i] || generated_section(&forms[i]) != section)
            continue;
        snprintf(comment, sizeof comment, "# %s", forms[i].isa_ext);
        gap_lines_add(lines, comment);
        extension_lines(section, forms[i].isa_ext, done, lines);
    }
}

static void host_name(char *out, size_t outsz)
{
    snprintf(out, outsz, "%s family %u model %u", host_cpu_vendor(), host_family(), host_model());
}

static void write_gaps(const char *path)
{
    struct gap_lines pending = { 0 }, unmeasured = { 0 };
    char host[96];

    section_lines(GAP_PENDING, &pending);
    section_lines(GAP_UNMEASURED, &unmeasured);
    host_name(host, sizeof host);
    CHECK(gaps_rewrite(path, &pending, &unmeasured, host), "rewrite %s", path);
    printf("wrote %s: %u pending lines, %u unmeasured lines\n", path, pending.count,
           unmeasured.count);
    gap_lines_free(&pending);
    gap_lines_free(&unmeasured);
}

/* ---- docs/coverage.md part 1 ---- */

static void print_bytes(FILE *f, const struct form *form)
{
    for (unsigned k = 0; k < form->length; k++)
        fprintf(f, "%s%02x", k ? " " : "", form->bytes[k]);
}

static void write_totals(FILE *f, const unsigned counts[2][CLASS_COUNT])
{
    unsigned total[2] = { 0 };

    fprintf(f, "| class | general-purpose, x87, state | vector |\n|---|---|---|\n");
    for (unsigned c = 0; c < CLASS_COUNT; c++) {
        total[0] += counts[0][c];
        total[1] += counts[1][c];
        if (counts[0][c] || counts[1][c])
            fprintf(f, "| %s | %u | %u |\n", class_names[c], counts[0][c], counts[1][c]);
    }
    fprintf(f, "| all | %u | %u |\n", total[0], total[1]);
}

/* A row of a vector table: the vector forms `same` puts with form i, counted per class and
 * marked done; returns how many. */
static unsigned row_counts(unsigned i, bool (*same)(const struct form *, const struct form *),
                           bool *done, unsigned n[CLASS_COUNT])
{
    unsigned total = 0;

    for (unsigned j = i; j < form_count; j++)
        if (forms[j].vector && same(&forms[i], &forms[j])) {
            done[j] = true;
            n[forms[j].class]++;
            total++;
        }
    return total;
}

static bool same_extension(const struct form *a, const struct form *b)
{
    return !strcmp(a->isa_ext, b->isa_ext);
}

static void write_general_purpose(FILE *f)
{
    fprintf(f, "| form | mode | example bytes | whvemu |\n|---|---|---|---|\n");
    for (unsigned i = 0; i < form_count; i++) {
        if (forms[i].vector)
            continue;
        fprintf(f, "| `%s` | %u | `", forms[i].key, forms[i].bits);
        print_bytes(f, &forms[i]);
        fprintf(f, "` | %s |\n",
                forms[i].class == CLASS_GAP ? "not emulated: a known gap" : forms[i].status);
    }
}

/* The vector forms' classes, one row per ISA extension, or per mnemonic and encoding with the
 * feature a form lacks and an example. */
static void write_vector(FILE *f, bool per_mnemonic)
{
    static bool done[MAX_FORMS];

    memset(done, 0, sizeof done);
    fprintf(f,
            "| %s | forms | emulated | fault | pending | needs host feature: row written "
            "| needs host feature: no row |%s\n",
            per_mnemonic ? "mnemonic | ISA" : "vector ISA extension",
            per_mnemonic ? " example |" : "");
    fprintf(f, "|---|---|---|---|---|---|---|%s\n", per_mnemonic ? "---|---|" : "");
    for (unsigned i = 0; i < form_count; i++) {
        unsigned n[CLASS_COUNT] = { 0 }, total, lacking;
        if (!forms[i].vector || done[i])
            continue;
        total = row_counts(i, per_mnemonic ? same_group : same_extension, done, n);
        lacking = n[CLASS_NEEDS_HOST_ROW] + n[CLASS_NEEDS_HOST];
        if (per_mnemonic)
            fprintf(f, "| `%.*s` ", (int)form_key_group_length(forms[i].key), forms[i].key);
        fprintf(f, "| %s | %u | %u | %u | %u | %u | %u", forms[i].isa_ext, total, n[CLASS_EMULATED],
                n[CLASS_FAULT], n[CLASS_PENDING] + n[CLASS_UNMEASURED], n[CLASS_NEEDS_HOST_ROW],
                n[CLASS_NEEDS_HOST]);
        if (per_mnemonic) {
            fprintf(f, "%s%s | `", lacking ? ": " : "", lacking ? forms[i].lacking : "");
            print_bytes(f, &forms[i]);
            fprintf(f, "`");
        }
        fprintf(f, " |\n");
    }
}

static void write_reasons(FILE *f, const struct gap_list *gaps)
{
    const struct gap *list = gaps->gaps;

    fprintf(f, "\n### The known gaps and why\n\nFrom tests/coverage/known_gaps.txt. Each of these "
               "reports `InternalEmulationFailure` with the guest untouched.\n");
    for (unsigned i = 0; i < gaps->count && list[i].section == GAP_REASONED; i++) {
        bool first = i == 0 || list[i].reason != list[i - 1].reason;
        bool last = i + 1 == gaps->count || list[i].reason != list[i + 1].reason;
        fprintf(f, "%s`%s`%s", first ? "\n- " : ", ", list[i].pattern, last ? ": " : "");
        if (last)
            fprintf(f, "%s\n", list[i].reason);
    }
}

static void write_markdown(FILE *f, const struct gap_list *gaps)
{
    unsigned counts[2][CLASS_COUNT] = { { 0 } };
    char host[96];

    for (unsigned i = 0; i < form_count; i++)
        counts[forms[i].vector][forms[i].class]++;
    host_name(host, sizeof host);
    fprintf(f, "Forms by class on this host (%s):\n\n", host);
    write_totals(f, (const unsigned(*)[CLASS_COUNT])counts);
    fprintf(f, "\n");
    write_vector(f, false);
    fprintf(f, "\n### General-purpose, x87 and state forms\n\n");
    write_general_purpose(f);
    write_reasons(f, gaps);
    fprintf(f, "\n### Vector forms, per mnemonic and encoding\n\n");
    write_vector(f, true);
}

int main(int argc, char **argv)
{
    const char *markdown = NULL;
    bool rewrite = false;
    struct gap_list gaps;
    unsigned counts[CLASS_COUNT] = { 0 };
    FILE *f;

    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--markdown") && i + 1 < argc)
            markdown = argv[++i];
        rewrite |= !strcmp(argv[i], "--write-gaps");
    }
    host_describe(stdout);
    hide_from_library();
    gaps_read(&gaps, argc > 1 ? argv[1] : NULL);
    guest_init(&g);
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu) == S_OK, "create");
    walk_mode(true);
    walk_mode(false);
    classify(&gaps);
    if (rewrite && argc > 1) {
        /* the list as this host measures it, then checked like any list */
        write_gaps(argv[1]);
        gaps_free(&gaps);
        gaps_read(&gaps, argv[1]);
        classify(&gaps);
    }
    check_all(&gaps, counts);
    printf("forms with a memory operand (Zydis): %u\n", form_count);
    for (unsigned c = 0; c < CLASS_COUNT; c++)
        printf("  %-52s %u\n", class_names[c], counts[c]);
    host_skip_report(stdout);
    if (markdown && (f = fopen(markdown, "w"))) {
        write_markdown(f, &gaps);
        fclose(f);
    }
    WHvEmulatorDestroyEmulator(emu);
    guest_free(&g);
    gaps_free(&gaps);
    return check_summary();
}
