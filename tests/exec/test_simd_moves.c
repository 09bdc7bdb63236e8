/* The SIMD move table (src/exec/simd_move.def) against the decoder and against this CPU
 * (issue 10, before the executor runs any move; x86-64 Linux).
 *
 * 1. The table and the decoder: every encoding of every move form — the differential
 *    harness's walk of the decoder's tables, every mode, W, vector length and masking —
 *    gets a geometry from its row; every row is reached by some form; the issue's list of
 *    moves has a row each; the columns agree with the exception classes they name.
 * 2. The table, the shapes and the host vendor's profile against the CPU: in 64-bit code,
 *    cases of every move form this CPU has (random vector registers and opmasks, placements
 *    at 64-byte line offsets and across the buffer's edges into the read-only and the absent
 *    pages, RFLAGS.AC one time in four) run natively, and the pure parts predict the outcome:
 *    the exception (state #UD/#NM/#MF, alignment #GP, #AC, #PF with its CR2 and error code),
 *    the vector registers after the instruction or at the fault, and the buffer. Gathers and
 *    scatters (per-element addresses) are counted, not predicted: chunk E.
 *
 * Where the two vendor rows predict different outcomes, the case is model-specific: on the
 * CPU the AMD row was measured on (family 25 model 17) a difference fails; on any other CPU
 * it is reported and counted, not failed — it says how that CPU differs from its vendor's
 * row (the Intel row is the SDM's reading, unmeasured), which simd_profile.c must then learn.
 * A difference where both rows agree always fails.
 *
 *   test_simd_moves [states per variant (default 40)] [--verbose] */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/cpuid.h"
#include "core/vcpu.h"
#include "exec/simd_check.h"
#include "exec/simd_move.h"
#include "fault_order.h"
#include "forms.h"
#include "hostcpu.h"
#include "isa.h"
#include "native.h"
#include "synth.h"
#include "vecstate.h"

#define BUFFER_SIZE 8192u
#define SYNTH_TRIES 32
#define MXCSR_MM (1u << 17)

static bool verbose;

/* ---- 1. the table against the decoder ---- */

static unsigned long encodings_checked, geometry_failures;
static bool reached[MN_COUNT];

static void describe(const struct case_encoding *e, char *out, size_t outsz)
{
    size_t n = 0;
    for (unsigned i = 0; i < e->length && n + 4 < outsz; i++)
        n += (size_t)snprintf(out + n, outsz - n, "%02x ", e->bytes[i]);
    format_insn(&e->insn, 0, out + n, outsz - n);
}

/* Every encoding the walk gives of one form: its row must give it a geometry. */
static void check_form_encodings(const struct form *f, const struct simd_move_row *row)
{
    struct variant v[64];
    unsigned n = variants_of(f, v, 64);
    struct rng r = { 0x51d0 + f->opcode };

    reached[f->row->mnemonic] = true;
    for (unsigned i = 0; i < n; i++)
        for (unsigned t = 0; t < 8; t++) {
            struct case_encoding e;
            struct vec_move m;
            struct simd_move_operands ops;
            char text[160];
            if (!synth_encoding(&r, &v[i], &e))
                continue;
            encodings_checked++;
            if (simd_move_geometry(&e.insn, row, &m, &ops))
                continue;
            if (geometry_failures++ < 20) {
                describe(&e, text, sizeof text);
                printf("  no geometry: %s (%u-bit)\n", text, v[i].bits);
            }
        }
}

/* The moves issue 10 names ("At least"), each of which must have a row. */
static const enum mnemonic issue_moves[] = {
    MN_movd,         MN_movq,         MN_movdqu,        MN_movdqa,         MN_movups,
    MN_movaps,       MN_movupd,       MN_movapd,        MN_movss,          MN_movsd,
    MN_movlps,       MN_movhps,       MN_movlpd,        MN_movhpd,         MN_movntdq,
    MN_movntps,      MN_movntpd,      MN_movntq,        MN_movntdqa,       MN_lddqu,
    MN_movddup,      MN_movshdup,     MN_movsldup,      MN_maskmovq,       MN_maskmovdqu,
    MN_vmaskmovdqu,  MN_vmaskmovps,   MN_vmaskmovpd,    MN_vpmaskmovd,     MN_vpmaskmovq,
    MN_vmovdqu8,     MN_vmovdqu16,    MN_vmovdqu32,     MN_vmovdqu64,      MN_vmovdqa32,
    MN_vmovdqa64,    MN_vbroadcastss, MN_vbroadcastsd,  MN_vbroadcastf128, MN_vpbroadcastb,
    MN_vpbroadcastw, MN_vpbroadcastd, MN_vpbroadcastq,  MN_pextrb,         MN_pextrw,
    MN_pextrd,       MN_pextrq,       MN_pinsrb,        MN_pinsrw,         MN_pinsrd,
    MN_pinsrq,       MN_extractps,    MN_insertps,      MN_vextractf128,   MN_vextracti128,
    MN_vinsertf128,  MN_vinserti128,  MN_vextractf32x4, MN_vinserti64x4,   MN_pmovzxbw,
    MN_pmovsxbw,     MN_vpmovwb,      MN_vpmovsqd,      MN_vpmovusdb,      MN_vpcompressd,
    MN_vpexpandq,    MN_vcompressps,  MN_vexpandpd,     MN_vmovsh,         MN_vmovw,
    MN_vpgatherdd,   MN_vgatherqpd,   MN_vpscatterdq,   MN_vscatterqps,
};

static bool class_is(unsigned c, unsigned a, unsigned b, unsigned d)
{
    return c == a || c == b || c == d;
}

/* The columns against the classes they name (SDM vol. 2A Table 2-15, the E tables). */
static void check_columns(enum mnemonic mn, const struct simd_move_row *row)
{
    const char *name = mnemonic_name(mn);
    bool aligned_class =
        row->sse_class == CLASS_T1 || class_is(row->evex_class, CLASS_E1, CLASS_E1NF, CLASS_E1);
    bool nf_masked = class_is(row->evex_class, CLASS_E4NF, CLASS_E5NF, CLASS_E6NF);
    bool suppressing = class_is(row->evex_class, CLASS_E1, CLASS_E4, CLASS_E5) ||
                       class_is(row->evex_class, CLASS_E6, CLASS_E12, CLASS_E12);
    bool per_element = row->shape == SHAPE_VMASKMOV || !simd_shape_contiguous(row->shape);

    CHECK((row->align == ALIGN_FULL) == aligned_class, "%s: aligned form and Type 1/E1 class",
          name);
    CHECK(nf_masked == (row->fs == FS_WHOLE), "%s: the NF classes check the whole operand", name);
    CHECK(!suppressing || row->fs == FS_MASKED, "%s: E1/E4/E5/E6/E12 suppress faults", name);
    CHECK(row->evex_class != CLASS_E9NF || row->fs == FS_NO_MASK, "%s: E9NF has no masking", name);
    CHECK((row->ac == AC_NEVER) == per_element, "%s: no #AC exactly for VMASKMOV, VSIB", name);
    CHECK(row->sse_class != CLASS_NONE || row->evex_class != CLASS_NONE, "%s: some class", name);
}

static void table_against_decoder(const struct form *forms, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        const struct simd_move_row *row = simd_move_row(forms[i].row->mnemonic);
        if (row)
            check_form_encodings(&forms[i], row);
    }
    for (unsigned mn = 0; mn < MN_COUNT; mn++) {
        const struct simd_move_row *row = simd_move_row((enum mnemonic)mn);
        if (!row)
            continue;
        CHECK(reached[mn], "%s has a row but no form of the decoder's tables",
              mnemonic_name((enum mnemonic)mn));
        check_columns((enum mnemonic)mn, row);
    }
    for (unsigned i = 0; i < sizeof issue_moves / sizeof issue_moves[0]; i++)
        CHECK(simd_move_row(issue_moves[i]), "%s (issue 10) has no row",
              mnemonic_name(issue_moves[i]));
    CHECK(geometry_failures == 0, "%lu encodings without a geometry", geometry_failures);
    printf("table: %lu encodings of the move forms have a geometry, %lu do not\n",
           encodings_checked, geometry_failures);
}

/* ---- 2. the table, the shapes and the profile against the CPU ---- */

struct outcome {
    bool faulted;
    uint8_t vector;
    uint32_t error_code;
    uint64_t cr2;
    struct vecstate vec;
};

static uint8_t initial[BUFFER_SIZE];
static const struct native_layout *layout;

/* What a linear address is: the buffer (read/write), the read-only page, or absent. */
enum page { PAGE_ABSENT, PAGE_READ_ONLY, PAGE_WRITABLE };
static enum page page_of(uint64_t linear)
{
    uint64_t buffer = (uint64_t)(uintptr_t)layout->buffer;
    uint64_t read_only = (uint64_t)(uintptr_t)layout->read_only;
    if (linear - buffer < layout->size)
        return PAGE_WRITABLE;
    return linear - read_only < NATIVE_PAGE ? PAGE_READ_ONLY : PAGE_ABSENT;
}

static uint8_t byte_at(uint64_t linear)
{
    uint64_t buffer = (uint64_t)(uintptr_t)layout->buffer;
    uint64_t read_only = (uint64_t)(uintptr_t)layout->read_only;
    if (linear - buffer < layout->size)
        return initial[linear - buffer];
    return linear - read_only < NATIVE_PAGE ? layout->read_only[linear - read_only] : 0;
}

/* MMi is the x87 register in FXSAVE slot (i - TOS) mod 8. */
static uint8_t *mmx_slot(struct vecstate *v, unsigned i)
{
    return v->st[(i - ((v->fsw >> 11) & 7)) & 7];
}

/* The transition every MMX instruction makes: TOS 0 (slot j becomes physical register j),
 * every tag valid. */
static void mmx_transition(struct vecstate *v)
{
    uint8_t physical[8][10];
    for (unsigned j = 0; j < 8; j++)
        memcpy(physical[j], mmx_slot(v, j), 10);
    memcpy(v->st, physical, sizeof physical);
    v->fsw &= (uint16_t)~0x3800;
    v->ftw = 0xff;
}

static void register_bytes(struct vecstate *v, unsigned file, unsigned n, uint8_t *out)
{
    memset(out, 0, VEC_BYTES);
    if (file == RF_VEC)
        memcpy(out, v->zmm[n & 31], VEC_BYTES);
    else if (file == RF_MMX)
        memcpy(out, mmx_slot(v, n), 8);
    else
        memcpy(out, &v->k[n & 7], 8);
}

/* The destination written as the encoding says: legacy SSE keeps the bits above, VEX and
 * EVEX zero them up to MAXVL (512 with AVX-512 state, else 256); an MMX write sets the x87
 * exponent bits. */
static void write_destination(struct vecstate *v, const struct insn *in, unsigned file, unsigned n,
                              const uint8_t *dest, unsigned bytes)
{
    unsigned maxvl = (xsave_host_layout()->components >> XCOMP_ZMM_HI256) & 1 ? 64 : 32;
    if (file == RF_MMX) {
        memcpy(mmx_slot(v, n), dest, 8);
        mmx_slot(v, n)[8] = mmx_slot(v, n)[9] = 0xff;
    } else if (file == RF_MASK) {
        memcpy(&v->k[n & 7], dest, 8);
    } else {
        memcpy(v->zmm[n & 31], dest, bytes);
        if (in->encoding != ENC_LEGACY && bytes < maxvl)
            memset(v->zmm[n & 31] + bytes, 0, maxvl - bytes);
    }
}

struct prediction {
    struct outcome out;
    uint64_t written; /* store: the bytes of mem written at the target */
    uint8_t mem[VEC_BYTES];
};

static bool fault(struct prediction *p, uint8_t vector, uint32_t error_code, uint64_t cr2)
{
    p->out.faulted = true;
    p->out.vector = vector;
    p->out.error_code = error_code;
    p->out.cr2 = cr2;
    return true;
}

static bool canonical(uint64_t linear)
{
    unsigned bits = host_paging_levels() == 5 ? 57 : 48;
    return (uint64_t)((int64_t)(linear << (64 - bits)) >> (64 - bits)) == linear;
}

/* The memory checks in their order (M6): alignment #GP (before the canonical check: a
 * misaligned non-canonical MOVAPS [rbp] is #GP, not #SS), a non-canonical checked byte
 * (#SS(0) through SS, else #GP(0)), #AC, then #PF on the first checked byte of a page that does
 * not allow the access. */
static bool memory_fault(struct prediction *p, const struct simd_profile *prof,
                         const struct simd_move_row *row, const struct insn *in,
                         const struct vec_move *m, const struct state *s)
{
    uint64_t enabled = vec_move_elements(m), checked = simd_move_checked_bytes(prof, row, m);
    unsigned align = simd_move_alignment(prof, row, in, m, s->vec.mxcsr & MXCSR_MM, enabled);
    unsigned ac = simd_move_ac_unit(prof, row, m, in->encoding == ENC_EVEX && in->evex_aaa);

    if (checked && align && s->target % align)
        return fault(p, EXC_GP, 0, 0);
    for (unsigned i = 0; i < m->mem_bytes; i++)
        if (((checked >> i) & 1) && !canonical(s->target + i))
            return fault(p, in->seg == SEG_SS ? EXC_SS : EXC_GP, 0, 0);
    if (checked && ac && (s->rflags & FL_AC) && s->target % ac)
        return fault(p, EXC_AC, 0, 0);
    for (unsigned i = 0; i < m->mem_bytes; i++) {
        enum page page = page_of(s->target + i);
        if (!((checked >> i) & 1) || page == PAGE_WRITABLE || (page == PAGE_READ_ONLY && !m->store))
            continue;
        return fault(p, EXC_PF, 4u | (m->store ? 2u : 0) | (page == PAGE_READ_ONLY), s->target + i);
    }
    return false;
}

/* The state checks of a Linux user process: CR0.TS/EM clear, CR4.OSFXSR/OSXSAVE set. */
static enum simd_check_result state_check(const struct insn *in, const struct state *s,
                                          const struct simd_profile *prof)
{
    struct simd_state st = { .cr0 = 0x80050033u,
                             .cr4 = SIMD_CR4_OSFXSR | SIMD_CR4_OSXSAVE,
                             .xcr0 = host_xcr0(),
                             .fcw = s->vec.fcw,
                             .fsw = s->vec.fsw,
                             .protected_mode = true };
    return simd_check_state(&st, in, prof);
}

static void predict(const struct case_encoding *e, const struct state *s,
                    const struct simd_profile *prof, const struct simd_move_row *row,
                    struct prediction *p)
{
    static const uint8_t state_vectors[] = { 0, EXC_UD, EXC_NM, EXC_MF };
    const struct insn *in = &e->insn;
    struct vec_move m;
    struct simd_move_operands ops;
    enum simd_check_result st = state_check(in, s, prof);
    uint8_t dest[VEC_BYTES];
    bool mmx;

    memset(p, 0, sizeof *p);
    p->out.vec = s->vec;
    if (st != SIMD_STATE_OK) {
        fault(p, state_vectors[st], 0, 0);
        return;
    }
    simd_move_geometry(in, row, &m, &ops);
    unsigned data = operand_register(in, in->row->opnd[ops.data]);
    register_bytes(&p->out.vec, ops.file, data, m.reg);
    if (ops.other >= 0)
        register_bytes(&p->out.vec, ops.file, operand_register(in, in->row->opnd[ops.other]),
                       m.other);
    else
        memcpy(m.other, m.reg, VEC_BYTES);
    if (ops.opmask)
        m.mask = s->vec.k[ops.opmask];
    for (unsigned i = 0; i < m.mem_bytes; i++)
        m.mem[i] = byte_at(s->target + i);
    mmx = ops.file == RF_MMX;
    if (memory_fault(p, prof, row, in, &m, s)) {
        if (mmx && row->shape == SHAPE_MASKMOV && prof->maskmovq_transition_at_fault &&
            p->out.vector != EXC_GP)
            mmx_transition(&p->out.vec);
        return;
    }
    if (mmx)
        mmx_transition(&p->out.vec);
    if (m.store) {
        p->written = vec_move_enable(&m);
        vec_move_store(&m);
        memcpy(p->mem, m.mem, VEC_BYTES);
        return;
    }
    vec_move_load(&m, dest);
    write_destination(&p->out.vec, in, ops.file, data, dest, m.reg_bytes);
}

static bool run_native(const struct case_encoding *e, const struct state *s, struct outcome *o)
{
    struct native_result nr;

    memset(o, 0, sizeof *o);
    native_place(s->bits, e->bytes, e->length);
    if (!native_run_state(s, &nr, &o->vec))
        return false;
    /* RFLAGS.TF: the single-step trap after a completed instruction (registers as after it) */
    if (nr.faulted && nr.vector == EXC_DB && nr.fault_ip == s->rip + e->length)
        return true;
    o->faulted = nr.faulted;
    o->vector = nr.vector;
    o->error_code = nr.faulted && vector_has_error_code(nr.vector) ? nr.error_code : 0;
    o->cr2 = nr.faulted && nr.vector == EXC_PF ? nr.cr2 : 0;
    return !nr.faulted || nr.fault_ip == s->rip;
}

/* Whether the CPU did what the prediction says: the exception, or the registers and the
 * buffer (the store's bytes written, nothing else). */
static bool agrees(const struct prediction *p, const struct outcome *o, const struct state *s)
{
    uint64_t at = s->target - (uint64_t)(uintptr_t)layout->buffer;
    uint8_t want[BUFFER_SIZE];

    if (p->out.faulted != o->faulted ||
        (o->faulted && (p->out.vector != o->vector || p->out.error_code != o->error_code ||
                        p->out.cr2 != o->cr2)))
        return false;
    if (!vecstate_equal(&p->out.vec, &o->vec, xsave_host_layout()))
        return false;
    memcpy(want, initial, layout->size);
    for (unsigned i = 0; i < VEC_BYTES; i++)
        if (((p->written >> i) & 1) && at + i < layout->size)
            want[at + i] = p->mem[i];
    return memcmp(want, layout->buffer, layout->size) == 0;
}

static void print_outcome(const char *who, const struct outcome *o)
{
    if (o->faulted)
        printf("    %s: vector %u error 0x%x cr2 0x%" PRIx64 "\n", who, o->vector, o->error_code,
               o->cr2);
    else
        printf("    %s: completes\n", who);
}

static struct totals {
    unsigned long cases, agree, by_row, differ, model_specific, unpredicted, skipped, not_in_buffer;
    unsigned long outcome[33];
} t;

/* The CPU the AMD row was measured on (simd_profile.h). */
static bool row_measured_here(void)
{
    return host_is_amd() && host_family() == 25 && host_model() == 17;
}

static bool same_prediction(const struct prediction *a, const struct prediction *b)
{
    return a->out.faulted == b->out.faulted && a->out.vector == b->out.vector &&
           a->out.error_code == b->out.error_code && a->out.cr2 == b->out.cr2 &&
           a->written == b->written && !memcmp(a->mem, b->mem, sizeof a->mem) &&
           vecstate_equal(&a->out.vec, &b->out.vec, xsave_host_layout());
}

static void report(const struct case_encoding *e, const struct state *s, const struct prediction *p,
                   const struct outcome *o, const char *what)
{
    char text[160];
    describe(e, text, sizeof text);
    printf("%s  %s\n    target 0x%" PRIx64
           " (buffer %+ld), RFLAGS.AC %d, MXCSR 0x%x, k%u 0x%" PRIx64 "\n",
           what, text, s->target, (long)(s->target - (uint64_t)(uintptr_t)layout->buffer),
           (s->rflags & FL_AC) != 0, s->vec.mxcsr, e->insn.evex_aaa,
           s->vec.k[e->insn.evex_aaa & 7]);
    print_outcome("predicted", &p->out);
    print_outcome("this CPU ", o);
    if (!p->out.faulted && !o->faulted)
        vecstate_print_differences("predicted", &p->out.vec, "this CPU", &o->vec,
                                   xsave_host_layout());
}

static void run_case(const struct case_encoding *e, const struct state *s,
                     const struct simd_move_row *row)
{
    const struct simd_profile *host = simd_profile_of(cpuid_vendor());
    const struct simd_profile *other = simd_profile_of(
        cpuid_vendor() == WHVEMU_VENDOR_AMD ? WHVEMU_VENDOR_INTEL : WHVEMU_VENDOR_AMD);
    struct prediction p, q;
    struct outcome o;

    memcpy(initial, layout->buffer, layout->size);
    predict(e, s, host, row, &p);
    predict(e, s, other, row, &q);
    if (!run_native(e, s, &o)) {
        CHECK(false, "the native run faulted outside the instruction");
        report(e, s, &p, &o, "HARNESS FAULT");
        return;
    }
    t.cases++;
    t.outcome[o.faulted ? o.vector & 31 : 32]++;
    if (agrees(&p, &o, s)) {
        t.agree++;
        t.by_row += !same_prediction(&p, &q);
        return;
    }
    if (!same_prediction(&p, &q) && !row_measured_here()) {
        if (t.model_specific++ < 10)
            report(e, s, &p, &o, "MODEL-SPECIFIC: THIS CPU DIFFERS FROM ITS VENDOR'S ROW");
        return;
    }
    if (t.differ++ < 25 || verbose)
        report(e, s, &p, &o, "MISMATCH");
}

/* Whether the operand lies within the guard pages around the buffer, whose pages page_of()
 * knows (beyond them the process's own mappings decide), and, in 16- and 32-bit code, within
 * the limit of an expand-up data segment that is writable for a store (segment checks are not
 * what this test predicts). */
static bool placed_predictably(const struct case_encoding *e, const struct state *s, bool store)
{
    const struct segment *seg = &s->seg[e->insn.seg < 6 ? e->insn.seg : SEG_DS];
    uint64_t offset = (s->target - seg->base) & 0xffffffffu;
    unsigned type = seg->attributes & 0x1f; /* S and the type field */
    bool data = (type & 0x18) == 0x10, writable = type & 2, expand_down = type & 4;

    if (s->target - layout->guard >= layout->guard_size - VEC_BYTES)
        return false;
    if (s->bits == 64)
        return true;
    return data && !expand_down && (writable || !store) && offset + VEC_BYTES - 1 <= seg->limit;
}

static bool stores(const struct case_encoding *e, const struct simd_move_row *row)
{
    struct vec_move m;
    struct simd_move_operands ops;
    return simd_move_geometry(&e->insn, row, &m, &ops) && m.store;
}

static void run_variant(const struct variant *v, const struct simd_move_row *row, unsigned index,
                        unsigned states)
{
    for (unsigned c = 0; c < states; c++) {
        struct rng r = { (UINT64_C(0x9e3779b97f4a7c15) * (index * 64 + c + 1)) | 1 };
        struct case_encoding e;
        struct state s;
        bool made = false;
        for (unsigned tries = 0; tries < SYNTH_TRIES && !made; tries++)
            made = synth_encoding(&r, v, &e) && synth_state(&r, &e, c & 1, true, &s);
        if (!made || !s.target_known || !placed_predictably(&e, &s, stores(&e, row))) {
            t.not_in_buffer++;
            continue;
        }
        if (!isa_case_runs_here(e.bytes, e.length, v->bits)) {
            t.skipped++;
            continue;
        }
        run_case(&e, &s, row);
    }
}

static void table_against_cpu(const struct form *forms, unsigned count, unsigned states)
{
    static const char *const names[33] = {
        [1] = "#DB",  [6] = "#UD",  [7] = "#NM",  [12] = "#SS", [13] = "#GP",
        [14] = "#PF", [16] = "#MF", [17] = "#AC", [19] = "#XM", [32] = "completed"
    };
    unsigned index = 0;
    for (unsigned i = 0; i < count; i++) {
        const struct simd_move_row *row = simd_move_row(forms[i].row->mnemonic);
        struct variant v[64];
        unsigned n;
        if (!row)
            continue;
        n = variants_of(&forms[i], v, 64);
        for (unsigned j = 0; j < n; j++, index++) {
            if (!native_mode_available(v[j].bits))
                host_skip_for("16/32-bit code cannot run here", states);
            else if (!simd_shape_contiguous(row->shape))
                t.unpredicted += states;
            else
                run_variant(&v[j], row, index, states);
        }
    }
    printf("CPU: %lu cases run in 16-, 32- and 64-bit code, %lu as predicted, %lu not; %lu skipped "
           "for "
           "features this host lacks, %lu not placed within the guard pages, %lu gathers and "
           "scatters not predicted (chunk E)\n",
           t.cases, t.agree, t.differ, t.skipped, t.not_in_buffer, t.unpredicted);
    printf("%lu of them model-specific: the vendor rows predict differently and this CPU did "
           "what its vendor's row says\n",
           t.by_row);
    printf("outcomes:");
    for (unsigned v = 0; v <= 32; v++)
        if (t.outcome[v])
            printf(" %s %lu", names[v] ? names[v] : "other", t.outcome[v]);
    printf("\n");
    if (t.model_specific)
        printf("%lu model-specific cases differ from this vendor's row (simd_profile.c, "
               "measured on another CPU): reported, not failed\n",
               t.model_specific);
    CHECK(t.differ == 0, "%lu cases differ from the prediction", t.differ);
    CHECK(t.cases > 0, "no case ran");
}

int main(int argc, char **argv)
{
    unsigned states = 40;
    struct form *forms;
    unsigned count;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--verbose"))
            verbose = true;
        else
            states = (unsigned)strtoul(argv[i], NULL, 0);
    }
    if (!native_init(BUFFER_SIZE))
        return 77;
    layout = native_layout();
    host_describe(stdout);
    count = forms_enumerate(&forms);
    table_against_decoder(forms, count);
    table_against_cpu(forms, count, states);
    host_skip_report(stdout);
    free(forms);
    return check_summary();
}
