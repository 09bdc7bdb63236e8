/* The MXCSR rule (src/exec/simd_mxcsr.c) against this CPU with its exceptions unmasked
 * (issue 13; x86-64 Linux).
 *
 * Each case is a representative SIMD floating-point instruction (register operands: the
 * rule does not depend on where an operand came from) with random operands of its element
 * format — NaNs with payloads, denormals, infinities, ±0, tiny and huge normals, short
 * mantissas whose results are exact — and a guest MXCSR that walks every combination of the
 * six masks, the four rounding modes, DAZ and FTZ, with random sticky flags. It runs twice
 * natively:
 *   - as the guest: that MXCSR; an unmasked exception is #XM, which Linux delivers as SIGFPE
 *     (trap number 19), the registers and MXCSR then read from the signal frame;
 *   - as the engine will: simd_mxcsr_for_host(guest) — every mask on, flags clear.
 * The rule, given the second run's flags and result, must predict the first: whether it
 * traps, the MXCSR after it (or at the fault), and every register — the second run's where
 * it commits, the untouched inputs where it traps. Zero mismatches, and no case undecided.
 * The dot products (DPPS/DPPD, decided stage by stage: simd_dot.h) have a random imm8 per
 * case and, after the random cases, directed ones for the stage boundaries.
 *
 *   test_simd_mxcsr [cases per instruction (default 8192)] [--seed N] [--verbose] */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "exec/simd_compute.h"
#include "exec/simd_dot.h"
#include "exec/simd_fp.h"
#include "exec/simd_mxcsr.h"
#include "hostcpu.h"
#include "native.h"
#include "rng.h"
#include "vecstate.h"

#define XM_VECTOR 19              /* SIMD floating-point exception */
#define FL_RF (UINT64_C(1) << 16) /* the resume flag a fault's frame carries */

/* The instructions, register forms; xmm0/ymm0/zmm0 (rax, RFLAGS) the destination. */
NATIVE_INSN(addps, "addps %xmm1, %xmm0");
NATIVE_INSN(addss, "addss %xmm1, %xmm0");
NATIVE_INSN(subpd, "subpd %xmm1, %xmm0");
NATIVE_INSN(mulpd, "mulpd %xmm1, %xmm0");
NATIVE_INSN(mulss, "mulss %xmm1, %xmm0");
NATIVE_INSN(divss, "divss %xmm1, %xmm0");
NATIVE_INSN(divpd, "divpd %xmm1, %xmm0");
NATIVE_INSN(vsubsd, "vsubsd %xmm2, %xmm1, %xmm0");
NATIVE_INSN(sqrtps, "sqrtps %xmm1, %xmm0");
NATIVE_INSN(sqrtsd, "sqrtsd %xmm1, %xmm0");
NATIVE_INSN(addsubps, "addsubps %xmm1, %xmm0");
NATIVE_INSN(vaddsubpd, "vaddsubpd %ymm2, %ymm1, %ymm0");
NATIVE_INSN(haddpd, "haddpd %xmm1, %xmm0");
NATIVE_INSN(vhsubps, "vhsubps %ymm2, %ymm1, %ymm0");
NATIVE_INSN(dpps, "dpps $0xf3, %xmm1, %xmm0"); /* the dot products' imm8 is random per case */
NATIVE_INSN(dppd, "dppd $0x31, %xmm1, %xmm0");
NATIVE_INSN(vdpps, "vdpps $0xff, %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vdpps_ymm, "vdpps $0xff, %ymm2, %ymm1, %ymm0");
NATIVE_INSN(vdppd, "vdppd $0x33, %xmm2, %xmm1, %xmm0");
NATIVE_INSN(cvtps2dq, "cvtps2dq %xmm1, %xmm0");
NATIVE_INSN(cvttpd2dq, "cvttpd2dq %xmm1, %xmm0");
NATIVE_INSN(cvtsd2ss, "cvtsd2ss %xmm1, %xmm0");
NATIVE_INSN(cvtpd2ps, "cvtpd2ps %xmm1, %xmm0");
NATIVE_INSN(vcvtpd2ps, "vcvtpd2ps %ymm2, %xmm0");
NATIVE_INSN(cvtss2sd, "cvtss2sd %xmm1, %xmm0");
NATIVE_INSN(cvtsd2si, "cvtsd2si %xmm1, %rax");
NATIVE_INSN(cvtsi2ss, "cvtsi2ssq %rcx, %xmm0");
NATIVE_INSN(cmpltps, "cmpltps %xmm1, %xmm0");
NATIVE_INSN(cmpeqsd, "cmpeqsd %xmm1, %xmm0");
NATIVE_INSN(comiss, "comiss %xmm1, %xmm0");
NATIVE_INSN(ucomisd, "ucomisd %xmm1, %xmm0");
NATIVE_INSN(minps, "minps %xmm1, %xmm0");
NATIVE_INSN(maxsd, "maxsd %xmm1, %xmm0");
NATIVE_INSN(roundps_mxcsr, "roundps $4, %xmm1, %xmm0");
NATIVE_INSN(roundsd_up, "roundsd $2, %xmm1, %xmm0");
NATIVE_INSN(roundps_nope, "roundps $0xb, %xmm1, %xmm0");
NATIVE_INSN(rcpps, "rcpps %xmm1, %xmm0");
NATIVE_INSN(vfmadd231ps, "vfmadd231ps %ymm2, %ymm1, %ymm0");
NATIVE_INSN(vfmadd132ps, "vfmadd132ps %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vfmsub213pd, "vfmsub213pd %ymm2, %ymm1, %ymm0");
NATIVE_INSN(vfnmadd231ss, "vfnmadd231ss %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vfnmsub213sd, "vfnmsub213sd %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vfmsubadd132ps, "vfmsubadd132ps %ymm2, %ymm1, %ymm0");
NATIVE_INSN(vcvtph2ps, "vcvtph2ps %xmm1, %ymm0");
NATIVE_INSN(vdivps_k, "vdivps %zmm2, %zmm1, %zmm0{%k1}");
NATIVE_INSN(vmulpd_kz, "vmulpd %zmm2, %zmm1, %zmm0{%k1}{z}");
NATIVE_INSN(vaddps_rz, "vaddps {rz-sae}, %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vscalefps, "vscalefps %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vscalefpd_k, "vscalefpd %zmm2, %zmm1, %zmm0{%k1}");
NATIVE_INSN(vscalefss, "vscalefss %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vscalefsd, "vscalefsd %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vgetexppd, "vgetexppd %zmm1, %zmm0");
NATIVE_INSN(vrndscaleps, "vrndscaleps $0x24, %zmm1, %zmm0");
NATIVE_INSN(vreducepd, "vreducepd $0x41, %zmm1, %zmm0");
NATIVE_INSN(vrangeps, "vrangeps $5, %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vcvtps2udq, "vcvtps2udq %zmm1, %zmm0");
NATIVE_INSN(vcvtusi2sd, "vcvtusi2sd %rcx, %xmm1, %xmm0");
NATIVE_INSN(vfpclassps, "vfpclassps $0xff, %zmm1, %k2");
NATIVE_INSN(vcmpps_k, "vcmpps $0x11, %zmm2, %zmm1, %k2");
NATIVE_INSN(vrcp14ps, "vrcp14ps %zmm1, %zmm0");
NATIVE_INSN(vfmaddsub231pd, "vfmaddsub231pd %zmm2, %zmm1, %zmm0{%k1}");
NATIVE_INSN(vcvtne2ps2bf16, "vcvtne2ps2bf16 %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vdpbf16ps, "vdpbf16ps %zmm2, %zmm1, %zmm0");
/* AVX512-FP16: skipped (and counted) where the CPU lacks it; where it has it, the rows'
 * UNMEASURED rule is measured: commits and pre-computation traps predicted, post-computation
 * traps undecided. */
NATIVE_INSN(vaddph_k, "vaddph %zmm2, %zmm1, %zmm0{%k1}");
NATIVE_INSN(vmulsh, "vmulsh %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vdivph, "vdivph %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vsqrtph, "vsqrtph %zmm1, %zmm0");
NATIVE_INSN(vfmadd231ph, "vfmadd231ph %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vfmulcph, "vfmulcph %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vscalefph, "vscalefph %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vcvtps2phx, "vcvtps2phx %zmm1, %ymm0");
NATIVE_INSN(vcvtph2psx, "vcvtph2psx %ymm1, %zmm0");
NATIVE_INSN(vcvtsh2si, "vcvtsh2si %xmm1, %eax");
NATIVE_INSN(vcmpph_k, "vcmpph $0x11, %zmm2, %zmm1, %k2");
NATIVE_INSN(vcomish, "vcomish %xmm1, %xmm0");
NATIVE_INSN(vrcpph, "vrcpph %zmm1, %zmm0");

/* How the test's registers stand for the sources of src/exec/simd_fp.def: legacy forms
 * have the destination xmm0 and the r/m operand xmm1; VEX and EVEX forms the destination
 * zmm0, vvvv zmm1 and r/m zmm2 — so that the library's rows (result format, model,
 * DOT, QUIET) are what is measured. K1: k1 masks the elements; SAE: the EVEX
 * register form with b, which raises nothing whatever its row says. */
enum form { LEGACY, VEX, K1, SAE };

struct fp_op {
    const char *name;
    const uint8_t *insn, *end;
    enum mnemonic mnemonic;
    enum host_feature feature;
    enum form form;
    unsigned elements, bytes; /* result elements computed; register bytes randomised */
};

#define OP(name, mnemonic, feature, form, elements, bytes)                                         \
    {                                                                                              \
#name, name##_insn, name##_end, MN_##mnemonic, HF_##feature, form, elements, bytes         \
    }
static const struct fp_op ops[] = {
    OP(addps, addps, sse, LEGACY, 4, 16),
    OP(addss, addss, sse, LEGACY, 1, 16),
    OP(subpd, subpd, sse2, LEGACY, 2, 16),
    OP(mulpd, mulpd, sse2, LEGACY, 2, 16),
    OP(mulss, mulss, sse, LEGACY, 1, 16),
    OP(divss, divss, sse, LEGACY, 1, 16),
    OP(divpd, divpd, sse2, LEGACY, 2, 16),
    OP(vsubsd, vsubsd, avx, VEX, 1, 16),
    OP(sqrtps, sqrtps, sse, LEGACY, 4, 16),
    OP(sqrtsd, sqrtsd, sse2, LEGACY, 1, 16),
    OP(addsubps, addsubps, sse3, LEGACY, 4, 16),
    OP(vaddsubpd, vaddsubpd, avx, VEX, 4, 32),
    OP(haddpd, haddpd, sse3, LEGACY, 2, 16),
    OP(vhsubps, vhsubps, avx, VEX, 8, 32),
    OP(dpps, dpps, sse41, LEGACY, 4, 16),
    OP(dppd, dppd, sse41, LEGACY, 2, 16),
    OP(vdpps, vdpps, avx, VEX, 4, 16),
    OP(vdpps_ymm, vdpps, avx, VEX, 8, 32),
    OP(vdppd, vdppd, avx, VEX, 2, 16),
    OP(cvtps2dq, cvtps2dq, sse2, LEGACY, 4, 16),
    OP(cvttpd2dq, cvttpd2dq, sse2, LEGACY, 2, 16),
    OP(cvtsd2ss, cvtsd2ss, sse2, LEGACY, 1, 16),
    OP(cvtpd2ps, cvtpd2ps, sse2, LEGACY, 2, 16),
    OP(vcvtpd2ps, vcvtpd2ps, avx, VEX, 4, 32),
    OP(cvtss2sd, cvtss2sd, sse2, LEGACY, 1, 16),
    OP(cvtsd2si, cvtsd2si, sse2, LEGACY, 1, 16),
    OP(cvtsi2ss, cvtsi2ss, sse, LEGACY, 1, 16),
    OP(cmpltps, cmpps, sse, LEGACY, 4, 16),
    OP(cmpeqsd, cmpsd, sse2, LEGACY, 1, 16),
    OP(comiss, comiss, sse, LEGACY, 1, 16),
    OP(ucomisd, ucomisd, sse2, LEGACY, 1, 16),
    OP(minps, minps, sse, LEGACY, 4, 16),
    OP(maxsd, maxsd, sse2, LEGACY, 1, 16),
    OP(roundps_mxcsr, roundps, sse41, LEGACY, 4, 16),
    OP(roundsd_up, roundsd, sse41, LEGACY, 1, 16),
    OP(roundps_nope, roundps, sse41, LEGACY, 4, 16),
    OP(rcpps, rcpps, sse, LEGACY, 4, 16),
    OP(vfmadd231ps, vfmadd231ps, fma, VEX, 8, 32),
    OP(vfmadd132ps, vfmadd132ps, fma, VEX, 4, 16),
    OP(vfmsub213pd, vfmsub213pd, fma, VEX, 4, 32),
    OP(vfnmadd231ss, vfnmadd231ss, fma, VEX, 1, 16),
    OP(vfnmsub213sd, vfnmsub213sd, fma, VEX, 1, 16),
    OP(vfmsubadd132ps, vfmsubadd132ps, fma, VEX, 8, 32),
    OP(vcvtph2ps, vcvtph2ps, f16c, VEX, 8, 16),
    OP(vdivps_k, vdivps, avx512f, K1, 16, 64),
    OP(vmulpd_kz, vmulpd, avx512f, K1, 8, 64),
    OP(vaddps_rz, vaddps, avx512f, SAE, 16, 64),
    OP(vscalefps, vscalefps, avx512f, VEX, 16, 64),
    OP(vscalefpd_k, vscalefpd, avx512f, K1, 8, 64),
    OP(vscalefss, vscalefss, avx512f, VEX, 1, 16),
    OP(vscalefsd, vscalefsd, avx512f, VEX, 1, 16),
    OP(vgetexppd, vgetexppd, avx512f, VEX, 8, 64),
    OP(vrndscaleps, vrndscaleps, avx512f, VEX, 16, 64),
    OP(vreducepd, vreducepd, avx512dq, VEX, 8, 64),
    OP(vrangeps, vrangeps, avx512dq, VEX, 16, 64),
    OP(vcvtps2udq, vcvtps2udq, avx512f, VEX, 16, 64),
    OP(vcvtusi2sd, vcvtusi2sd, avx512f, VEX, 1, 16),
    OP(vfpclassps, vfpclassps, avx512dq, VEX, 16, 64),
    OP(vcmpps_k, vcmpps, avx512f, VEX, 16, 64),
    OP(vrcp14ps, vrcp14ps, avx512f, VEX, 16, 64),
    OP(vfmaddsub231pd, vfmaddsub231pd, avx512f, K1, 8, 64),
    OP(vcvtne2ps2bf16, vcvtne2ps2bf16, avx512bf16, VEX, 32, 64),
    OP(vdpbf16ps, vdpbf16ps, avx512bf16, VEX, 16, 64),
    OP(vaddph_k, vaddph, avx512fp16, K1, 32, 64),
    OP(vmulsh, vmulsh, avx512fp16, VEX, 1, 16),
    OP(vdivph, vdivph, avx512fp16, VEX, 32, 64),
    OP(vsqrtph, vsqrtph, avx512fp16, VEX, 32, 64),
    OP(vfmadd231ph, vfmadd231ph, avx512fp16, VEX, 32, 64),
    OP(vfmulcph, vfmulcph, avx512fp16, VEX, 32, 64),
    OP(vscalefph, vscalefph, avx512fp16, VEX, 32, 64),
    OP(vcvtps2phx, vcvtps2phx, avx512fp16, VEX, 16, 64),
    OP(vcvtph2psx, vcvtph2psx, avx512fp16, VEX, 16, 32),
    OP(vcvtsh2si, vcvtsh2si, avx512fp16, VEX, 1, 16),
    OP(vcmpph_k, vcmpph, avx512fp16, VEX, 32, 64),
    OP(vcomish, vcomish, avx512fp16, VEX, 1, 16),
    OP(vrcpph, vrcpph, avx512fp16, VEX, 32, 64),
};

/* VCVTPS2PH's register form: simd_fp.def's row with its source as this test runs it (xmm1,
 * V; the engine's store form loads it into host register 0, the row's D). */
NATIVE_INSN(vcvtps2ph_mxcsr, "vcvtps2ph $4, %xmm1, %xmm0");
NATIVE_INSN(vcvtps2ph_zero, "vcvtps2ph $3, %ymm1, %xmm0");
static const struct simd_fp_row vcvtps2ph_row = { .result = SIMD_FP16,
                                                  .input = SIMD_FP32,
                                                  .model = FP_VERTICAL,
                                                  .arith = SIMD_FP_CVT,
                                                  .odd_arith = SIMD_FP_CVT,
                                                  .a = FP_SRC_V };
static const struct fp_op vcvtps2ph_ops[] = {
    OP(vcvtps2ph_mxcsr, vcvtps2ph, f16c, VEX, 4, 16),
    OP(vcvtps2ph_zero, vcvtps2ph, f16c, VEX, 8, 32),
};

static const struct simd_fp_row *row_of(const struct fp_op *op)
{
    return op->mnemonic == MN_vcvtps2ph ? &vcvtps2ph_row : simd_fp_row(op->mnemonic);
}

/* What the engine passes: SAE raises nothing and cannot underflow. */
static bool quiet(const struct fp_op *op)
{
    return row_of(op)->quiet || op->form == SAE;
}

static enum simd_fp_format result_format(const struct fp_op *op)
{
    return op->form == SAE ? SIMD_FP_NONE : (enum simd_fp_format)row_of(op)->result;
}

static bool verbose;

/* ---- operands ---- */

static const struct {
    unsigned fraction_bits, exponent_bits;
} widths[] = { [SIMD_FP16] = { 10, 5 }, [SIMD_FP32] = { 23, 8 }, [SIMD_FP64] = { 52, 11 } };

enum { NEAR_ONE = 8, VALUE_CLASSES = 10, POWER_OF_TWO = VALUE_CLASSES };

/* A value of the format: each class the rule's cases turn on, a sign either way. */
static uint64_t fp_value_of_class(enum simd_fp_format f, unsigned value_class)
{
    unsigned fb = widths[f].fraction_bits, eb = widths[f].exponent_bits;
    uint64_t emax = (UINT64_C(1) << eb) - 1, fraction = next_random() & ((UINT64_C(1) << fb) - 1);
    uint64_t sign = (next_random() & 1) << (fb + eb), exponent;

    switch (value_class) {
    case 0: return sign;                                                   /* ±0 */
    case 1: return sign | emax << fb;                                      /* ±infinity */
    case 2: return sign | emax << fb | UINT64_C(1) << (fb - 1) | fraction; /* QNaN */
    case 3: return sign | emax << fb | ((fraction >> 1) | 1);              /* SNaN */
    case 4: return sign | (fraction | 1);                                  /* denormal */
    case 5: exponent = 1 + next_random() % (fb + 2); break;        /* tiny: results underflow */
    case 6: exponent = emax - 1 - next_random() % (fb + 2); break; /* huge: they overflow */
    case 7: /* a short fraction at any exponent: products and sums are often exact */
        fraction &= ~((UINT64_C(1) << (fb - 3)) - 1);
        exponent = 1 + next_random() % (emax - 1);
        break;
    case NEAR_ONE: exponent = (emax >> 1) - 2 + next_random() % 5; break;
    case POWER_OF_TWO: return sign | ((emax >> 1) - 1 + next_random() % 3) << fb; /* 1/2, 1, 2 */
    default: return next_random() & ((UINT64_C(1) << (fb + eb + 1)) - 1);
    }
    return sign | exponent << fb | fraction;
}

static uint64_t fp_value(enum simd_fp_format f)
{
    return fp_value_of_class(f, (unsigned)(next_random() % VALUE_CLASSES));
}

/* factor: each element ±1/2, ±1 or ±2 one time in two — a dot product's second factor, so
 * that a product is the first factor's value, exactly, of its class (denormal products from
 * tiny ones, sums that overflow from huge ones, exact sums) and the add stages see them
 * rather than an inexact product's unmasked PE. */
static void random_register(uint8_t *reg, unsigned bytes, enum simd_fp_format f, bool factor)
{
    unsigned size = f == SIMD_FP16 ? 2 : f == SIMD_FP32 ? 4 : 8;
    for (unsigned i = 0; i < bytes; i += size) {
        uint64_t v =
            factor && (next_random() & 1) ? fp_value_of_class(f, POWER_OF_TWO) : fp_value(f);
        memcpy(reg + i, &v, size);
    }
}

/* The guest MXCSR of case n: n walks the masks, the rounding modes, DAZ and FTZ (1024
 * combinations); the sticky flags are random, clear one time in two. */
static uint32_t guest_mxcsr(unsigned n)
{
    uint32_t flags = (next_random() & 1) ? (uint32_t)next_random() & MXCSR_FLAGS : 0;
    return flags | (n & 0x3f) << MXCSR_MASK_SHIFT | (n >> 6 & 3) << 13 |
           ((n >> 8 & 1) ? MXCSR_DAZ : 0) | ((n >> 9 & 1) ? MXCSR_FTZ : 0);
}

/* ---- runs ---- */

struct run {
    struct native_result r;
    struct vecstate v;
};

static void run_native(const struct native_frame *frame, const struct vecstate *in, struct run *out)
{
    const struct xsave_layout *l = xsave_host_layout();
    vecstate_to_xsave(in, l, false, native_vector_in());
    native_run(64, frame, &out->r);
    out->v = *in;
    if (!vecstate_from_xsave(&out->v, l, native_vector_out(), NATIVE_XSAVE_MAX))
        CHECK(false, "the runner's vector image does not parse");
}

static uint64_t computed_elements(const struct fp_op *op, const struct vecstate *in)
{
    uint64_t all = op->elements >= 64 ? UINT64_MAX : (UINT64_C(1) << op->elements) - 1;
    return op->form == K1 ? in->k[1] & all : all;
}

/* The sources as the engine would hand them over (the test's registers for them: above). */
static struct simd_fp_sources sources_of(const struct fp_op *op, const struct vecstate *v)
{
    bool legacy = op->form == LEGACY;
    return (struct simd_fp_sources){
        .dest = v->zmm[0], .vvvv = v->zmm[1], .memory = v->zmm[legacy ? 1 : 2], .legacy = legacy
    };
}

/* ---- the comparison ---- */

struct tally {
    unsigned long cases, traps, commits, mismatches, undecided;
};

static bool same_registers(const struct run *a, const struct run *b)
{
    struct vecstate va = a->v, vb = b->v;
    va.mxcsr = vb.mxcsr = 0; /* compared on their own */
    return vecstate_equal(&va, &vb, xsave_host_layout()) &&
           !memcmp(a->r.out.gpr, b->r.out.gpr, sizeof a->r.out.gpr) &&
           ((a->r.out.rflags ^ b->r.out.rflags) & ~FL_RF) == 0;
}

static void report(const struct fp_op *op, uint32_t guest, const struct run *cpu,
                   const struct run *host, enum simd_fp_verdict verdict, uint32_t predicted)
{
    if (!verbose)
        return;
    printf("  %s guest MXCSR %04x: CPU %s MXCSR %04x; host run flags %02x; rule %s MXCSR %04x\n",
           op->name, guest, cpu->r.faulted ? "#XM" : "commits", cpu->v.mxcsr,
           host->v.mxcsr & MXCSR_FLAGS, verdict == SIMD_FP_COMMIT ? "commits" : "#XM", predicted);
}

/* The rule's prediction against the CPU's run. `entry` is the state both runs began with
 * (its registers are what a trap must leave). */
static bool agrees(const struct run *entry, const struct run *cpu, const struct run *host,
                   enum simd_fp_verdict verdict, uint32_t predicted)
{
    bool trapped = cpu->r.faulted && cpu->r.signo == SIGFPE && cpu->r.vector == XM_VECTOR;
    if (cpu->r.faulted && !trapped)
        return false; /* any other fault is not this test's */
    if (verdict == SIMD_FP_UNDECIDED)
        return true; /* the engine reports it unsupported: counted */
    if (trapped != (verdict == SIMD_FP_XM) || cpu->v.mxcsr != predicted)
        return false;
    if (!same_registers(cpu, trapped ? entry : host) && verbose)
        vecstate_print_differences("CPU", &cpu->v, "predicted", &(trapped ? entry : host)->v,
                                   xsave_host_layout());
    return same_registers(cpu, trapped ? entry : host);
}

/* A dot product's instruction placed with `imm8` (its last byte): which products, which
 * destination elements. */
static void place_with_imm8(const struct fp_op *op, uint8_t imm8)
{
    uint8_t bytes[16];
    unsigned length = (unsigned)(op->end - op->insn);

    memcpy(bytes, op->insn, length);
    bytes[length - 1] = imm8;
    native_place(64, bytes, length);
}

/* The rule's verdict as the engine reaches it (simd_compute.c, fp_outcome). */
static enum simd_fp_verdict verdict_of(const struct fp_op *op, const struct run *entry,
                                       struct simd_fp_run *fp, uint8_t imm8, uint32_t *predicted)
{
    struct simd_fp_sources src = sources_of(op, &entry->v);
    const struct simd_dot dot = { row_of(op), &src, op->bytes / 16, imm8 };

    fp->unbounded = simd_fp_exactness(row_of(op), &src, fp->computed, entry->v.mxcsr & MXCSR_DAZ);
    if (row_of(op)->model == FP_DOT)
        return simd_dot_outcome(entry->v.mxcsr, true, fp, &dot, predicted);
    return simd_mxcsr_outcome(entry->v.mxcsr, true, fp, predicted);
}

/* A case's two native runs (the guest's MXCSR, the engine's) and the rule's prediction from
 * the second, against the first. The instruction is placed already, with `imm8`. */
static void compare_case(const struct fp_op *op, struct run *entry,
                         const struct native_frame *frame, uint8_t imm8, struct tally *t)
{
    struct run cpu, host;

    entry->r.out = *frame;
    run_native(frame, &entry->v, &cpu);
    struct vecstate masked = entry->v;
    masked.mxcsr = simd_mxcsr_for_host(entry->v.mxcsr, !quiet(op));
    run_native(frame, &masked, &host);
    CHECK(!host.r.faulted, "%s: the host run faulted (signal %d, vector %u)", op->name,
          host.r.signo, host.r.vector);

    struct simd_fp_run fp = { .raised = host.v.mxcsr & MXCSR_FLAGS,
                              .format = result_format(op),
                              .result = host.v.zmm[0],
                              .computed = computed_elements(op, &entry->v),
                              .unmeasured = row_of(op)->unmeasured };
    uint32_t predicted;
    enum simd_fp_verdict verdict = verdict_of(op, entry, &fp, imm8, &predicted);

    t->cases++;
    t->traps += cpu.r.faulted;
    t->commits += !cpu.r.faulted;
    t->undecided += verdict == SIMD_FP_UNDECIDED;
    if (!agrees(entry, &cpu, &host, verdict, predicted)) {
        t->mismatches++;
        report(op, entry->v.mxcsr, &cpu, &host, verdict, predicted);
    }
}

/* Case n: random operands, MXCSR, opmasks, GPRs and flags; a dot product's imm8 random. */
static void run_case(const struct fp_op *op, unsigned n, struct tally *t)
{
    struct run entry;
    struct native_frame frame = native_frame_for(64);
    uint8_t imm8 = (uint8_t)next_random();

    if (row_of(op)->model == FP_DOT)
        place_with_imm8(op, imm8);
    vecstate_init(&entry.v);
    entry.v.mxcsr = guest_mxcsr(n);
    for (unsigned r = 0; r < 3; r++)
        random_register(entry.v.zmm[r], op->bytes, (enum simd_fp_format)row_of(op)->input,
                        row_of(op)->model == FP_DOT && r == (op->form == LEGACY ? 1u : 2u));
    entry.v.k[1] = next_random();
    entry.v.k[2] = next_random();
    frame.gpr[NATIVE_RAX] = next_random();
    frame.gpr[NATIVE_RCX] = fp_value(SIMD_FP64) >> (next_random() % 64);
    frame.rflags |= next_random() & 0x8d5; /* CF PF AF ZF SF OF: COMIS writes them */
    compare_case(op, &entry, &frame, imm8, t);
}

struct totals {
    unsigned long cases, traps, undecided, mismatches;
};

static void measure_op(const struct fp_op *op, unsigned cases, struct totals *sum)
{
    struct tally t = { 0 };
    CHECK(row_of(op) != NULL, "%s has no row in simd_fp.def", op->name);
    if (!row_of(op))
        return;
    if (!host_runs(op->feature)) {
        host_skip(op->feature, cases);
        return;
    }
    native_place(64, op->insn, (unsigned)(op->end - op->insn));
    for (unsigned n = 0; n < cases; n++)
        run_case(op, n, &t);
    printf("%-16s %6lu cases, %6lu #XM, %6lu commits, %5lu undecided, %lu mismatches\n", op->name,
           t.cases, t.traps, t.commits, t.undecided, t.mismatches);
    CHECK(t.mismatches == 0, "%s: %lu of %lu cases differ from the CPU", op->name, t.mismatches,
          t.cases);
    CHECK(t.undecided == 0, "%s: the rule decides every case (%lu undecided)", op->name,
          t.undecided);
    if (quiet(op))
        CHECK(t.traps == 0, "%s raises no exception, yet trapped", op->name);
    else
        CHECK(t.traps > 0 && t.commits > 0, "%s: the cases reach both outcomes", op->name);
    sum->cases += t.cases;
    sum->traps += t.traps;
    sum->undecided += t.undecided;
    sum->mismatches += t.mismatches;
}

/* Dot products whose stages the random cases seldom tell apart, each run with every exception
 * masked and with one unmasked (the CPU is the oracle: a probe first showed what each one
 * decides, docs/simd-compute.md rule 7). The factors are S and M, imm8 F1H: every product,
 * the sum into element 0. */
static const struct dot_case {
    const char *op; /* in ops[] */
    uint32_t unmasked;
    float s[8], m[8];
} dot_cases[] = {
    /* the pair sums 1 + 2^-30 (PE) and 1.5·2^-126 - 2^-126 (an exact denormal, which the final
     * sum reads: DE): an unmasked PE at the pair sums stops before the final sum */
    { "dpps", MXCSR_PE, { 1, 0x1p-30f, 0x1.8p-126f, -0x1p-126f }, { 1, 1, 1, 1 } },
    /* ∞ + -∞ (IE) beside a pair that reads a denormal product (DE): the pair sums are one
     * operation, both pairs' pre-computation flags set */
    { "dpps", MXCSR_IE, { INFINITY, -INFINITY, 0x1p-127f, 1 }, { 1, 1, 1, 1 } },
    /* VDPPS ymm: lane 0's pair sum ∞ - ∞, lane 1's product overflows (OE, PE): stage by stage
     * over both lanes, not lane by lane */
    { "vdpps_ymm",
      MXCSR_IE,
      { INFINITY, -INFINITY, 0, 0, 0x1.8p127f },
      { 1, 1, 1, 1, 2, 1, 1, 1 } },
};

static const struct fp_op *op_named(const char *name)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(ops[i].name, name))
            return &ops[i];
    return NULL;
}

static void run_dot_case(const struct dot_case *c, uint32_t mxcsr, struct tally *t)
{
    const struct fp_op *op = op_named(c->op);
    unsigned s_reg = op->form == LEGACY ? 0 : 1;
    struct native_frame frame = native_frame_for(64);
    struct run entry;

    place_with_imm8(op, 0xf1);
    vecstate_init(&entry.v);
    entry.v.mxcsr = mxcsr;
    memcpy(entry.v.zmm[s_reg], c->s, sizeof c->s);
    memcpy(entry.v.zmm[s_reg + 1], c->m, sizeof c->m);
    compare_case(op, &entry, &frame, 0xf1, t);
}

static void measure_dot_cases(struct totals *sum)
{
    struct tally t = { 0 };
    size_t n = sizeof dot_cases / sizeof dot_cases[0];

    if (!host_runs(HF_avx)) {
        host_skip(HF_avx, 2 * (unsigned)n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        run_dot_case(&dot_cases[i], MXCSR_MASKS, &t);
        run_dot_case(&dot_cases[i], MXCSR_MASKS & ~(dot_cases[i].unmasked << MXCSR_MASK_SHIFT), &t);
    }
    printf("dot stages       %6lu cases, %6lu #XM, %6lu commits, %5lu undecided, %lu mismatches\n",
           t.cases, t.traps, t.commits, t.undecided, t.mismatches);
    CHECK(t.mismatches == 0 && t.undecided == 0, "the dot products' stages: %lu mismatches",
          t.mismatches);
    CHECK(t.traps == n, "each dot case traps with its exception unmasked (%lu of %zu)", t.traps, n);
    sum->cases += t.cases;
    sum->traps += t.traps;
    sum->mismatches += t.mismatches;
}

static void measure(unsigned cases)
{
    struct totals sum = { 0 };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        measure_op(&ops[i], cases, &sum);
    for (size_t i = 0; i < sizeof vcvtps2ph_ops / sizeof vcvtps2ph_ops[0]; i++)
        measure_op(&vcvtps2ph_ops[i], cases, &sum);
    measure_dot_cases(&sum);
    printf("total: %lu cases, %lu #XM compared, %lu undecided, %lu mismatches\n", sum.cases,
           sum.traps, sum.undecided, sum.mismatches);
}

/* Every allowlisted row that reads MXCSR has the rule's row (else it is never run: the engine
 * reports it unsupported), and one whose result can underflow has an element model (else
 * the rule cannot decide PE at its unmasked OE/UE trap: SIMD_FP_UNDECIDED) — except an
 * UNMEASURED row (AVX512-FP16), which the rule declines at such a trap by design. */
static void allowlist_has_fp_rows(void)
{
    unsigned fp_rows = 0;
    for (unsigned mn = 0; mn < MN_COUNT; mn++) {
        const struct simd_compute_row *row = simd_compute_row((enum mnemonic)mn);
        const struct simd_fp_row *fp = simd_fp_row((enum mnemonic)mn);
        if (!row || !row->mxcsr)
            continue;
        fp_rows++;
        CHECK(fp != NULL, "%s reads MXCSR but has no simd_fp.def row",
              mnemonic_name((enum mnemonic)mn));
        CHECK(!fp || fp->unmeasured || fp->result == SIMD_FP_NONE || fp->model != FP_NO_MODEL,
              "%s can underflow but has no element model", mnemonic_name((enum mnemonic)mn));
    }
    printf("allowlisted rows that read MXCSR: %u, each with its simd_fp.def row (an element model "
           "where it can underflow)\n",
           fp_rows);
    CHECK(fp_rows > 0, "the allowlist has FP rows");
}

/* ---- the rule's decisions for an UNMEASURED row (AVX512-FP16), pure logic ---- */

/* The verdict and MXCSR after for a run that raised `raised`, FP16 results `result`
 * (computed: `computed`), with the guest's MXCSR. */
static enum simd_fp_verdict fp16_verdict(uint32_t guest, uint32_t raised, const uint16_t *result,
                                         uint64_t computed, bool osxmmexcpt, uint32_t *after)
{
    const struct simd_fp_run run = { .raised = raised,
                                     .format = SIMD_FP16,
                                     .result = (const uint8_t *)result,
                                     .computed = computed,
                                     .unbounded = SIMD_FP_EXACTNESS_UNKNOWN,
                                     .unmeasured = true };
    return simd_mxcsr_outcome(guest, osxmmexcpt, &run, after);
}

TEST(fp16_rule_decisions)
{
    const uint16_t normal[2] = { 0x3c00, 0x3c00 }, denormal_in_1[2] = { 0x3c00, 0x0001 };
    const uint32_t masked = MXCSR_MASKS, all_flags = MXCSR_FLAGS;
    uint32_t after;

    CHECK(fp16_verdict(masked, MXCSR_PE | MXCSR_UE, normal, 3, true, &after) == SIMD_FP_COMMIT &&
              after == (masked | MXCSR_PE | MXCSR_UE),
          "every exception masked: commit with the run's flags (exact by construction)");
    CHECK(fp16_verdict(masked & ~(MXCSR_IE << MXCSR_MASK_SHIFT), MXCSR_IE | MXCSR_PE, normal, 3,
                       true, &after) == SIMD_FP_XM &&
              after == ((masked & ~(MXCSR_IE << MXCSR_MASK_SHIFT)) | MXCSR_IE),
          "an unmasked IE: #XM with the pre-computation flags only (rule 1)");
    CHECK(fp16_verdict(masked & ~(MXCSR_DE << MXCSR_MASK_SHIFT), MXCSR_DE, normal, 3, false,
                       &after) == SIMD_FP_UD,
          "an unmasked DE without CR4.OSXMMEXCPT: #UD");
    CHECK(fp16_verdict(masked & ~(MXCSR_PE << MXCSR_MASK_SHIFT), MXCSR_PE, normal, 3, true,
                       &after) == SIMD_FP_UNDECIDED,
          "an unmasked PE raised: declined");
    const struct simd_fp_run measured = {
        .raised = MXCSR_PE, .format = SIMD_FP16, .result = (const uint8_t *)normal, .computed = 3
    };
    CHECK(simd_mxcsr_outcome(masked & ~(MXCSR_PE << MXCSR_MASK_SHIFT), true, &measured, &after) ==
              SIMD_FP_XM,
          "the same for a measured row (VCVTPS2PH's FP16 result): #XM");
    CHECK(fp16_verdict(masked & ~(MXCSR_OE << MXCSR_MASK_SHIFT), MXCSR_OE | MXCSR_PE, normal, 3,
                       true, &after) == SIMD_FP_UNDECIDED,
          "an unmasked OE raised: declined");
    CHECK(fp16_verdict(masked & ~(MXCSR_UE << MXCSR_MASK_SHIFT), 0, denormal_in_1, 3, true,
                       &after) == SIMD_FP_UNDECIDED,
          "UE unmasked and an exact tiny FP16 result (a denormal): declined");
    CHECK(fp16_verdict(masked & ~(MXCSR_UE << MXCSR_MASK_SHIFT), 0, denormal_in_1, 1, true,
                       &after) == SIMD_FP_COMMIT,
          "the denormal in an element not computed: commit");
    CHECK(fp16_verdict(masked & ~(MXCSR_PE << MXCSR_MASK_SHIFT), MXCSR_DE, normal, 3, true,
                       &after) == SIMD_FP_COMMIT &&
              after == ((masked & ~(MXCSR_PE << MXCSR_MASK_SHIFT)) | MXCSR_DE),
          "PE unmasked but not raised: commit");
    CHECK(fp16_verdict(all_flags << MXCSR_MASK_SHIFT ^ MXCSR_MASKS, MXCSR_ZE, normal, 3, true,
                       &after) == SIMD_FP_XM,
          "every exception unmasked, ZE raised: #XM before any post-computation flag");
}

int main(int argc, char **argv)
{
    unsigned cases = 8192;
    uint64_t seed = 0x3c5d;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--verbose"))
            verbose = true;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else
            cases = (unsigned)strtoul(argv[i], NULL, 0);
    }
    allowlist_has_fp_rows();
    check_run_tests(); /* the pure-logic ones, on any host */
    if (!native_init(8192))
        return 77;
    host_describe(stdout);
    rng_seed(seed);
    measure(cases);
    host_skip_report(stdout);
    return check_summary();
}
