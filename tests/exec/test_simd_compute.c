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
#include "forms.h"
#include "hostcpu.h"
#include "isa.h"
#include "synth.h"

static bool verbose;
static unsigned long encoded, not_run, feature_checked;
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
    if (stub->type != guest->type || stub->size != guest->size)
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

/* The AVX fields: vector length, broadcast, and with a mask its mode (merging, zeroing). */
static bool same_avx(const ZydisDecodedInstruction *s, const ZydisDecodedInstruction *g)
{
    bool masked = g->avx.mask.reg != ZYDIS_REGISTER_NONE && g->avx.mask.reg != ZYDIS_REGISTER_K0;

    return s->avx.vector_length == g->avx.vector_length &&
           s->avx.broadcast.mode == g->avx.broadcast.mode &&
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
    printf("stubs: %lu encodings checked against Zydis (%lu feature columns), %lu of encodings "
           "no row lists\n",
           encoded, feature_checked, not_run);
    CHECK(encoded > 1000, "the walk reached the compute forms");
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
