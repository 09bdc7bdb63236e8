/* ISA sets to CPU features (isa.h). */
#include "isa.h"

#include <string.h>

#ifdef WHVEMU_HAVE_ZYDIS
#include <Zydis/Zydis.h>
#endif

#include "hostcpu.h"

/* Zydis ISA sets by name: the features each needs. An AVX-512 set ending in _128 or _256
 * also needs AVX512VL (SDM vol. 1 §15.4 "AVX-512 Vector Length"); _512, _SCALAR, _KOP and
 * _128N (128-bit forms defined without VL: VMOVD, VPINSR*, ...) do not. Every AVX-512 set
 * needs AVX512F too (§15.3: the sibling groups are detected after AVX512F), listed last so
 * that the feature a host lacks is reported as the group's own where it has F; likewise AVX2,
 * FMA and F16C need AVX (§14.7.1, §14.5.3, §14.4.1: detected after AVX). */
static const struct {
    const char *prefix;
    int feature[2];
} sets[] = {
    { "AVX512F_", { HF_avx512f, -1 } },
    { "AVX512BW_", { HF_avx512bw, -1 } },
    { "AVX512DQ_", { HF_avx512dq, -1 } },
    { "AVX512CD_", { HF_avx512cd, -1 } },
    { "AVX512ER_", { HF_avx512er, -1 } },
    { "AVX512PF_", { HF_avx512pf, -1 } },
    { "AVX512_4FMAPS_", { HF_avx5124fmaps, -1 } },
    { "AVX512_4VNNIW_", { HF_avx5124vnniw, -1 } },
    { "AVX512_BF16_", { HF_avx512bf16, -1 } },
    { "AVX512_BITALG_", { HF_avx512bitalg, -1 } },
    { "AVX512_FP16_", { HF_avx512fp16, -1 } },
    { "AVX512_GFNI_", { HF_gfni, HF_avx512f } },
    { "AVX512_IFMA_", { HF_avx512ifma, -1 } },
    { "AVX512_VAES_", { HF_vaes, HF_avx512f } },
    { "AVX512_VBMI2_", { HF_avx512vbmi2, -1 } },
    { "AVX512_VBMI_", { HF_avx512vbmi, -1 } },
    { "AVX512_VNNI_", { HF_avx512vnni, -1 } },
    { "AVX512_VP2INTERSECT_", { HF_avx512vp2intersect, -1 } },
    { "AVX512_VPCLMULQDQ_", { HF_vpclmulqdq, HF_avx512f } },
    { "AVX512_VPOPCNTDQ_", { HF_avx512vpopcntdq, -1 } },
    { "AVX2GATHER", { HF_avx2, HF_avx } },
    { "AVX2", { HF_avx2, HF_avx } },
    { "AVXAES", { HF_aes, HF_avx } },
    { "AVX_GFNI", { HF_gfni, HF_avx } },
    { "AVX_VNNI", { HF_avxvnni, -1 } },
    { "AVX", { HF_avx, -1 } },
    { "F16C", { HF_f16c, HF_avx } },
    { "FMA4", { HF_fma4, -1 } },
    { "FMA", { HF_fma, HF_avx } },
    { "GFNI", { HF_gfni, -1 } },
    { "VAES", { HF_vaes, HF_avx } },
    { "VPCLMULQDQ", { HF_vpclmulqdq, HF_avx } },
    { "PCLMULQDQ", { HF_pclmulqdq, -1 } },
    { "AES", { HF_aes, -1 } },
    { "SHA", { HF_sha, -1 } },
    { "SSE4A", { HF_sse4a, -1 } },
    { "SSE42", { HF_sse42, -1 } },
    { "SSE4", { HF_sse41, -1 } },
    { "SSSE3", { HF_ssse3, -1 } }, /* SSSE3, SSSE3MMX */
    { "SSE3", { HF_sse3, -1 } },
    { "SSE2", { HF_sse2, -1 } }, /* SSE2, SSE2MMX */
    { "SSE", { HF_sse, -1 } },   /* SSE, SSEMXCSR, SSE_PREFETCH */
    { "PENTIUMMMX", { HF_mmx, -1 } },
    { "AMD3DNOW", { HF_3dnow, -1 } },
    { "XOP", { HF_xop, -1 } },
    { "KEYLOCKER", { HF_keylocker, -1 } }, /* KEYLOCKER, KEYLOCKER_WIDE */
    { "BMI1", { HF_bmi1, -1 } },
    { "BMI2", { HF_bmi2, -1 } },
};

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

static bool needs_feature(const struct isa_needs *n, int feature)
{
    for (unsigned i = 0; i < n->count; i++)
        if (n->feature[i] == feature)
            return true;
    return false;
}

static void needs_of_set(const char *name, struct isa_needs *n)
{
    memset(n, 0, sizeof *n);
    n->isa_set = name;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if (strncmp(name, sets[i].prefix, strlen(sets[i].prefix)) != 0)
            continue;
        for (unsigned j = 0; j < 2 && sets[i].feature[j] >= 0; j++)
            n->feature[n->count++] = sets[i].feature[j];
        if (strncmp(name, "AVX512", 6) == 0 && (ends_with(name, "_128") || ends_with(name, "_256")))
            n->feature[n->count++] = HF_avx512vl;
        if (strncmp(name, "AVX512", 6) == 0 && !needs_feature(n, HF_avx512f))
            n->feature[n->count++] = HF_avx512f;
        return;
    }
    n->unknown = true;
}

#ifndef WHVEMU_HAVE_ZYDIS
bool isa_needs_of(const uint8_t *bytes, unsigned length, unsigned bits, struct isa_needs *n)
{
    (void)bytes, (void)length, (void)bits;
    needs_of_set("unknown (built without Zydis)", n);
    return true;
}
#else
/* A Zydis decoder for each code size (16, 32, 64), made once. */
static const ZydisDecoder *decoder_for(unsigned bits)
{
    static const struct {
        ZydisMachineMode mode;
        ZydisStackWidth stack;
    } modes[3] = {
        { ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16 },
        { ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32 },
        { ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64 },
    };
    static ZydisDecoder decoders[3];
    static bool ready[3];
    unsigned m = bits == 64 ? 2 : bits == 32 ? 1 : 0;

    if (!ready[m])
        ready[m] = ZYAN_SUCCESS(ZydisDecoderInit(&decoders[m], modes[m].mode, modes[m].stack));
    return ready[m] ? &decoders[m] : NULL;
}

bool isa_needs_of(const uint8_t *bytes, unsigned length, unsigned bits, struct isa_needs *n)
{
    const ZydisDecoder *decoder = decoder_for(bits);
    ZydisDecodedInstruction insn;

    if (!decoder ||
        !ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(decoder, NULL, bytes, length, &insn)) ||
        insn.length != length)
        return false;
    needs_of_set(ZydisISASetGetString(insn.meta.isa_set), n);
    return true;
}
#endif

int isa_missing_feature(const struct isa_needs *n)
{
    for (unsigned i = 0; i < n->count; i++)
        if (!host_has((enum host_feature)n->feature[i]))
            return n->feature[i];
    return -1;
}

bool isa_case_runs_here(const uint8_t *bytes, unsigned length, unsigned bits)
{
    struct isa_needs n;
    int missing;

    if (!isa_needs_of(bytes, length, bits, &n) || n.unknown) {
        host_skip_for("the ISA set of the encoding is unknown to the harness (isa.c)", 1);
        return false;
    }
    missing = isa_missing_feature(&n);
    if (missing >= 0)
        host_skip((enum host_feature)missing, 1);
    return missing < 0;
}
