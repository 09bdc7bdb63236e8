/* The SIMD compute allowlist and stub encoder (src/exec/simd_compute.[ch]) against Zydis,
 * an oracle independent of whvemu's tables (x86-64 Linux, needs Zydis).
 *
 * Every encoding the differential harness's walk gives of every form whose mnemonic has a
 * row — every mode, W, vector length, prefix and addressing form — is encoded into a stub,
 * and Zydis decodes both: the stub (64-bit code) must be the same instruction as the guest's
 * (mnemonic, operand count, kinds, register classes and widths, memory size, immediate),
 * on the fixed registers (destination register 0, the vvvv source register 1) and [rdi]
 * without index or displacement, followed by RET. The row's feature column must hold every
 * feature Zydis's ISA set names for the encoding. Every row must be reached. Encodings not
 * run (simd_compute_feature says so: an encoding a row does not list) are counted.
 *
 *   test_simd_compute [--verbose] */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <Zydis/Zydis.h>

#include "check.h"
#include "core/cpuid.h"
#include "exec/simd_compute.h"
#include "exec/simd_fp.h"
#include "exec/simd_move.h"
#include "forms.h"
#include "hostcpu.h"
#include "isa.h"
#include "synth.h"

static bool verbose;
static unsigned long encoded, not_run, feature_checked, encoded_unrunnable_here;
static bool reached[MN_COUNT];

static bool zydis_decode(const uint8_t *bytes, unsigned length, unsigned bits,
                         ZydisDecodedInstruction *in, ZydisDecodedOperand *ops)
{
    ZydisDecoder d;
    bool wide = bits == 64;

    return ZYAN_SUCCESS(ZydisDecoderInit(&d,
                                         wide         ? ZYDIS_MACHINE_MODE_LONG_64
                                         : bits == 32 ? ZYDIS_MACHINE_MODE_LEGACY_32
                                                      : ZYDIS_MACHINE_MODE_LEGACY_16,
                                         wide         ? ZYDIS_STACK_WIDTH_64
                                         : bits == 32 ? ZYDIS_STACK_WIDTH_32
                                                      : ZYDIS_STACK_WIDTH_16)) &&
           ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d, bytes, length, in, ops));
}

static void report(const char *what, const struct case_encoding *e, unsigned bits)
{
    char text[96];
    unsigned n = 0;

    for (unsigned i = 0; i < e->length && n + 4 < sizeof text; i++)
        n += (unsigned)snprintf(text + n, sizeof text - n, "%02x ", e->bytes[i]);
    CHECK(false, "%s: %s(%u-bit)", what, text, bits);
}

/* The host register the stub must name for a register operand: the first (first_register:
 * the destination, or a store's source) is register 0 (3 beside an implicit XMM0), or k2
 * for an opmask; the EVEX mask k1 (k0 for none); the /is4
 * register 2; a vvvv source 1. */
static unsigned fixed_register(const ZydisDecodedOperand *stub, bool first, unsigned guest,
                               bool beside_xmm0)
{
    bool mask = ZydisRegisterGetClass(stub->reg.value) == ZYDIS_REGCLASS_MASK;

    if (stub->encoding == ZYDIS_OPERAND_ENCODING_IS4)
        return 2;
    if (first)
        return mask ? 2 : beside_xmm0 ? 3 : 0;
    return mask ? guest != 0 : 1;
}

/* A stub operand against the guest's: same kind and width; registers of the same class, on
 * their fixed numbers; memory [rdi]. */
static bool operand_matches(const ZydisDecodedOperand *stub, const ZydisDecodedOperand *guest,
                            bool first, bool beside_xmm0)
{
    if (stub->type != guest->type || stub->size != guest->size ||
        stub->element_type != guest->element_type || stub->element_size != guest->element_size)
        return false;
    switch (stub->type) {
    case ZYDIS_OPERAND_TYPE_REGISTER:
        return ZydisRegisterGetClass(stub->reg.value) == ZydisRegisterGetClass(guest->reg.value) &&
               (unsigned)ZydisRegisterGetId(stub->reg.value) ==
                   fixed_register(stub, first, (unsigned)ZydisRegisterGetId(guest->reg.value),
                                  beside_xmm0);
    case ZYDIS_OPERAND_TYPE_MEMORY:
        return stub->mem.base == ZYDIS_REGISTER_RDI && stub->mem.index == ZYDIS_REGISTER_NONE &&
               !stub->mem.disp.has_displacement && stub->mem.segment == ZYDIS_REGISTER_DS;
    case ZYDIS_OPERAND_TYPE_IMMEDIATE: return stub->imm.value.u == guest->imm.value.u;
    default: return false;
    }
}

/* The AVX fields: vector length, broadcast, rounding and SAE (a memory form has neither: its
 * EVEX.b is the broadcast), and with a mask its mode (merging, zeroing). */
static bool same_avx(const ZydisDecodedInstruction *s, const ZydisDecodedInstruction *g)
{
    bool masked = g->avx.mask.reg != ZYDIS_REGISTER_NONE && g->avx.mask.reg != ZYDIS_REGISTER_K0;

    return s->avx.vector_length == g->avx.vector_length &&
           s->avx.broadcast.mode == g->avx.broadcast.mode &&
           s->avx.rounding.mode == g->avx.rounding.mode && s->avx.has_sae == g->avx.has_sae &&
           (!masked || s->avx.mask.mode == g->avx.mask.mode);
}

/* The operand the stub names register 0 (or k2): operand 0, or for a store (operand 0
 * memory: VCVTPS2PH) its source, after the opmask Zydis lists next to the destination. */
static unsigned first_register(const ZydisDecodedOperand *go)
{
    if (go[0].type != ZYDIS_OPERAND_TYPE_MEMORY)
        return 0;
    return ZydisRegisterGetClass(go[1].reg.value) == ZYDIS_REGCLASS_MASK ? 2 : 1;
}

static bool same_instruction(const uint8_t code[SIMD_STUB_BYTES], const struct case_encoding *e,
                             unsigned bits, bool beside_xmm0)
{
    ZydisDecodedInstruction s, g;
    ZydisDecodedOperand so[ZYDIS_MAX_OPERAND_COUNT], go[ZYDIS_MAX_OPERAND_COUNT];
    unsigned first;

    if (!zydis_decode(code, SIMD_STUB_BYTES, 64, &s, so) ||
        !zydis_decode(e->bytes, e->length, bits, &g, go) || code[s.length] != 0xc3 ||
        s.mnemonic != g.mnemonic || s.operand_count_visible != g.operand_count_visible ||
        !same_avx(&s, &g))
        return false;
    first = first_register(go);
    for (unsigned i = 0; i < s.operand_count_visible; i++)
        if (!operand_matches(&so[i], &go[i], i == first, beside_xmm0))
            return false;
    return true;
}

/* The row's feature set holds every feature Zydis's ISA set names for the encoding. */
static bool features_cover(const struct case_encoding *e, unsigned bits, uint32_t set)
{
    struct isa_needs n;
    static const struct {
        const char *name;
        uint32_t bit;
    } names[] = {
#define NAME_ROW(name, ...) { #name, CPU_##name },
        CPUID_SIMD_FEATURES(NAME_ROW)
#undef NAME_ROW
    };

    if (!isa_needs_of(e->bytes, e->length, bits, &n) || n.unknown)
        return false;
    for (unsigned i = 0; i < n.count; i++) {
        const char *need = host_feature_name((enum host_feature)n.feature[i]);
        bool found = !strcmp(need, "sse") || !strcmp(need, "mmx"); /* x86-64's baseline */
        for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
            if (!strcasecmp(need, names[k].name))
                found = (set & names[k].bit) != 0;
        if (!found)
            return false;
    }
    feature_checked++;
    return true;
}

static void check_encoding(const struct case_encoding *e, unsigned bits)
{
    const struct simd_compute_row *row = simd_compute_row(e->insn.mnemonic);
    uint8_t code[SIMD_STUB_BYTES];
    uint32_t set = simd_compute_feature(&e->insn, row);

    if (set == SIMD_FEATURE_NONE) {
        not_run++;
        return;
    }
    if (!simd_compute_encode(&e->insn, code)) {
        report("not encoded", e, bits);
        return;
    }
    encoded++;
    encoded_unrunnable_here += !cpuid_simd_has(set);
    if (!same_instruction(code, e, bits, row->regs == REGS_XMM0))
        report("the stub is another instruction", e, bits);
    else if (!features_cover(e, bits, set))
        report("the feature column lacks what Zydis's ISA set needs", e, bits);
    else if (verbose)
        report("ok (verbose)", e, bits);
}

static void check_form(const struct form *f)
{
    struct variant v[64];
    unsigned n = variants_of(f, v, 64);
    struct rng r = { 0xc0de + f->opcode };

    reached[f->row->mnemonic] = true;
    for (unsigned i = 0; i < n; i++)
        for (unsigned t = 0; t < 8; t++) {
            struct case_encoding e;
            if (synth_encoding(&r, &v[i], &e))
                check_encoding(&e, v[i].bits);
        }
}

TEST(encoder_against_zydis)
{
    struct form *forms;
    unsigned count = forms_enumerate(&forms);

    for (unsigned i = 0; i < count; i++)
        if (simd_compute_row(forms[i].row->mnemonic))
            check_form(&forms[i]);
    for (unsigned mn = 0; mn < MN_COUNT; mn++)
        CHECK(!simd_compute_row((enum mnemonic)mn) || reached[mn], "row %s reached",
              mnemonic_name((enum mnemonic)mn));
    printf("stubs: %lu encodings checked against Zydis (%lu feature columns; %lu of them of "
           "features this host lacks: checked here, run where they exist), %lu of encodings "
           "no row lists\n",
           encoded, feature_checked, encoded_unrunnable_here, not_run);
    CHECK(encoded > 1000, "the walk reached the compute forms");
}

/* ---- the AVX512-FP16 and VP2INTERSECT rows against Zydis's metadata ----
 * No CPU here runs them, so what the rows say of their memory operand is checked against
 * Zydis, an independent table: element (what a mask bit and a broadcast cover), the read
 * width (HALF, QUARTER of the vector), the fault suppression (the exception class: E*NF none;
 * no mask operand: NO_MASK), the FP row's input format, and no rounding or SAE on a memory
 * form. */

static unsigned long metadata_checked;
static bool metadata_reached[MN_COUNT];

static bool unmeasured_isa(const ZydisDecodedInstruction *z)
{
    const char *set = ZydisISASetGetString(z->meta.isa_set);
    return !strncmp(set, "AVX512_FP16_", 12) || !strncmp(set, "AVX512_VP2INTERSECT_", 20);
}

static const ZydisDecodedOperand *memory_of(const ZydisDecodedInstruction *z,
                                            const ZydisDecodedOperand *ops)
{
    for (unsigned i = 0; i < z->operand_count_visible; i++)
        if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY)
            return &ops[i];
    return NULL;
}

static bool has_write_mask(const ZydisDecodedInstruction *z, const ZydisDecodedOperand *ops)
{
    for (unsigned i = 0; i < z->operand_count_visible; i++)
        if (ops[i].encoding == ZYDIS_OPERAND_ENCODING_MASK)
            return true;
    return false;
}

/* Without fault suppression: the classes whose name ends in NF (SDM vol. 2 §2.8). */
static bool suppresses_faults(ZydisExceptionClass c)
{
    static const ZydisExceptionClass nf[] = {
        ZYDIS_EXCEPTION_CLASS_E1NF, ZYDIS_EXCEPTION_CLASS_E2NF,  ZYDIS_EXCEPTION_CLASS_E3NF,
        ZYDIS_EXCEPTION_CLASS_E4NF, ZYDIS_EXCEPTION_CLASS_E5NF,  ZYDIS_EXCEPTION_CLASS_E6NF,
        ZYDIS_EXCEPTION_CLASS_E9NF, ZYDIS_EXCEPTION_CLASS_E10NF, ZYDIS_EXCEPTION_CLASS_E11NF,
    };
    for (unsigned i = 0; i < sizeof nf / sizeof nf[0]; i++)
        if (c == nf[i])
            return false;
    return true;
}

/* The bits a memory operand covers: its size, or a 1-to-N broadcast's N elements. */
static unsigned memory_bits(const ZydisDecodedInstruction *z, const ZydisDecodedOperand *m)
{
    static const uint8_t n[] = {
        [ZYDIS_BROADCAST_MODE_1_TO_2] = 2,   [ZYDIS_BROADCAST_MODE_1_TO_4] = 4,
        [ZYDIS_BROADCAST_MODE_1_TO_8] = 8,   [ZYDIS_BROADCAST_MODE_1_TO_16] = 16,
        [ZYDIS_BROADCAST_MODE_1_TO_32] = 32, [ZYDIS_BROADCAST_MODE_1_TO_64] = 64,
    };
    if (z->avx.broadcast.mode == ZYDIS_BROADCAST_MODE_INVALID)
        return m->size;
    return z->avx.broadcast.mode < sizeof n ? n[z->avx.broadcast.mode] * m->element_size : 0;
}

/* The read width Zydis implies: the vector over the memory operand, or over a broadcast's
 * elements (1 ALL, 2 HALF, 4 QUARTER); a scalar's element is ALL. */
static unsigned expected_read(const ZydisDecodedInstruction *z, const ZydisDecodedOperand *m)
{
    bool scalar = strstr(ZydisISASetGetString(z->meta.isa_set), "SCALAR") != NULL;
    unsigned bits = memory_bits(z, m);

    if (scalar || !bits)
        return READ_ALL;
    switch (z->avx.vector_length / bits) {
    case 2: return READ_HALF;
    case 4: return READ_QUARTER;
    default: return READ_ALL;
    }
}

static unsigned expected_fs(const ZydisDecodedInstruction *z, const ZydisDecodedOperand *ops)
{
    if (!has_write_mask(z, ops))
        return FS_NO_MASK;
    return suppresses_faults(z->meta.exception_class) ? FS_MASKED : FS_WHOLE;
}

/* The FP row's input format against the memory element's type: FP16/32/64 by a float type
 * (a complex pair is FLOAT16 in 32 bits: PAIRED), the width of an integer one. */
static bool input_matches(const struct simd_fp_row *fp, const ZydisDecodedOperand *m)
{
    bool pair = m->element_type == ZYDIS_ELEMENT_TYPE_FLOAT16 && m->element_size == 32;

    if (fp->paired != pair)
        return false;
    static const uint8_t float_format[] = {
        [ZYDIS_ELEMENT_TYPE_FLOAT16] = SIMD_FP16,
        [ZYDIS_ELEMENT_TYPE_FLOAT32] = SIMD_FP32,
        [ZYDIS_ELEMENT_TYPE_FLOAT64] = SIMD_FP64,
    };
    if (m->element_type < sizeof float_format && float_format[m->element_type])
        return fp->input == float_format[m->element_type];
    return simd_fp_element_bytes((enum simd_fp_format)fp->input) * 8u == m->element_size;
}

/* What of the row disagrees with Zydis, or NULL. */
static const char *row_disagreement(const struct simd_compute_row *row,
                                    const struct simd_fp_row *fp, const ZydisDecodedInstruction *z,
                                    const ZydisDecodedOperand *ops, const ZydisDecodedOperand *m)
{
    bool masked_or_broadcast = row->fs != FS_NO_MASK;

    if (masked_or_broadcast && row->element * 8u != m->element_size)
        return "element";
    if (row->read != expected_read(z, m))
        return "read width";
    if (row->fs != expected_fs(z, ops))
        return "fault suppression";
    if (row->mxcsr != (fp != NULL) || (fp && masked_or_broadcast && !input_matches(fp, m)))
        return "FP row";
    if (z->avx.rounding.mode != ZYDIS_ROUNDING_MODE_INVALID || z->avx.has_sae)
        return "rounding or SAE on a memory form";
    return NULL;
}

static void check_metadata(const struct case_encoding *e, unsigned bits)
{
    ZydisDecodedInstruction z;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    const ZydisDecodedOperand *m;
    const struct simd_compute_row *row = simd_compute_row(e->insn.mnemonic);
    const char *wrong;

    if (!zydis_decode(e->bytes, e->length, bits, &z, ops) || !unmeasured_isa(&z) ||
        !(m = memory_of(&z, ops)) || simd_move_row(e->insn.mnemonic))
        return;
    metadata_checked++;
    if (!row) {
        report("an AVX512-FP16/VP2INTERSECT compute form without a row", e, bits);
        return;
    }
    metadata_reached[e->insn.mnemonic] = true;
    wrong = row_disagreement(row, simd_fp_row(e->insn.mnemonic), &z, ops, m);
    if (wrong) {
        fprintf(stderr, "%s: the row's %s disagrees with Zydis\n", mnemonic_name(e->insn.mnemonic),
                wrong);
        report("row against Zydis's metadata", e, bits);
    }
}

TEST(fp16_rows_against_zydis_metadata)
{
    struct form *forms;
    unsigned count = forms_enumerate(&forms), rows = 0;

    for (unsigned i = 0; i < count; i++) {
        struct variant v[64];
        unsigned n = variants_of(&forms[i], v, 64);
        struct rng r = { 0xf16 + forms[i].opcode };
        for (unsigned k = 0; k < n; k++)
            for (unsigned t = 0; t < 8; t++) {
                struct case_encoding e;
                if (synth_encoding(&r, &v[k], &e))
                    check_metadata(&e, v[k].bits);
            }
    }
    for (unsigned mn = 0; mn < MN_COUNT; mn++) {
        const struct simd_compute_row *row = simd_compute_row((enum mnemonic)mn);
        bool unrunnable = row && row->evex != SIMD_FEATURE_NONE &&
                          (row->evex & (CPU_AVX512FP16 | CPU_AVX512VP2INTERSECT));
        rows += unrunnable;
        CHECK(!unrunnable || metadata_reached[mn], "row %s checked against Zydis",
              mnemonic_name((enum mnemonic)mn));
    }
    printf("AVX512-FP16/VP2INTERSECT: %lu encodings of %u rows checked against Zydis's "
           "metadata\n",
           metadata_checked, rows);
    CHECK(rows >= 106 && metadata_checked > 1000, "the walk reached the FP16 forms");
}

/* Fields the encoder refuses: a decoded instruction outside the allowlist, a longer
 * immediate, a map of another encoding. */
TEST(encoder_refuses)
{
    uint8_t code[SIMD_STUB_BYTES];
    struct insn in;

    CHECK(decode_insn(MODE_64, (const uint8_t *)"\x66\x0f\xfe\x03", 4, &in) == DECODE_OK &&
              simd_compute_encode(&in, code),
          "paddd xmm0, [rbx] is encoded");
    in.imm_size = 2;
    CHECK(!simd_compute_encode(&in, code), "a 2-byte immediate is refused");
    in.imm_size = 0;
    in.map = MAP_VEX_0F;
    CHECK(!simd_compute_encode(&in, code), "a legacy instruction with a VEX map is refused");
    CHECK(decode_insn(MODE_64, (const uint8_t *)"\x0f\x10\x03", 3, &in) == DECODE_OK &&
              !simd_compute_encode(&in, code),
          "movups (not a compute row) is refused");
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && !strcmp(argv[1], "--verbose");
    host_describe(stdout);
    check_run_tests();
    return check_summary();
}
