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
 * it commits, the untouched inputs where it traps. Zero mismatches.
 *
 *   test_simd_mxcsr [cases per instruction (default 8192)] [--seed N] [--verbose] */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
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
NATIVE_INSN(sqrtps, "sqrtps %xmm1, %xmm0");
NATIVE_INSN(sqrtsd, "sqrtsd %xmm1, %xmm0");
NATIVE_INSN(addsubps, "addsubps %xmm1, %xmm0");
NATIVE_INSN(haddpd, "haddpd %xmm1, %xmm0");
NATIVE_INSN(dpps, "dpps $0xf3, %xmm1, %xmm0");
NATIVE_INSN(dppd, "dppd $0x31, %xmm1, %xmm0");
NATIVE_INSN(cvtps2dq, "cvtps2dq %xmm1, %xmm0");
NATIVE_INSN(cvttpd2dq, "cvttpd2dq %xmm1, %xmm0");
NATIVE_INSN(cvtsd2ss, "cvtsd2ss %xmm1, %xmm0");
NATIVE_INSN(cvtpd2ps, "cvtpd2ps %xmm1, %xmm0");
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
NATIVE_INSN(vfnmsub213sd, "vfnmsub213sd %xmm2, %xmm1, %xmm0");
NATIVE_INSN(vcvtps2ph_mxcsr, "vcvtps2ph $4, %xmm1, %xmm0");
NATIVE_INSN(vcvtps2ph_zero, "vcvtps2ph $3, %ymm1, %xmm0");
NATIVE_INSN(vcvtph2ps, "vcvtph2ps %xmm1, %ymm0");
NATIVE_INSN(vdivps_k, "vdivps %zmm2, %zmm1, %zmm0{%k1}");
NATIVE_INSN(vmulpd_kz, "vmulpd %zmm2, %zmm1, %zmm0{%k1}{z}");
NATIVE_INSN(vaddps_rz, "vaddps {rz-sae}, %zmm2, %zmm1, %zmm0");
NATIVE_INSN(vscalefps, "vscalefps %zmm2, %zmm1, %zmm0");
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

/* How a result element comes from the operands, for the exactness the rule needs when an
 * unmasked overflow or underflow stops the instruction: element i of registers a, b, c
 * (VERTICAL; ALTERNATE: the odd elements by odd_arith, as ADDSUBPS), adjacent pairs of a
 * then b (HORIZONTAL: HADDPD), or no model (the rule then says SIMD_FP_UNDECIDED, which
 * the cases count). */
enum model { M_NONE, M_VERTICAL, M_ALTERNATE, M_HORIZONTAL };

/* An instruction and what the engine's table says of it: the operands' element format
 * (for the random values), the result's format and elements as the rule reads them
 * (SIMD_FP_NONE: the result cannot underflow), the register bytes its operands use,
 * whether k1 masks its elements, and each element's arithmetic on which registers. */
struct fp_op {
    const char *name;
    const uint8_t *insn, *end;
    enum host_feature feature;
    enum simd_fp_format in, out;
    unsigned elements, bytes;
    bool k1_masks;
    enum model model;
    enum simd_fp_arith arith;
    uint8_t a, b, c;
    enum simd_fp_arith odd_arith;
};

#define OP(name, feature, in, out, elements, bytes, masks, ...)                                    \
    {                                                                                              \
#name, name##_insn, name##_end, HF_##feature, SIMD_##in, SIMD_##out, elements, bytes,      \
            masks, __VA_ARGS__                                                                     \
    }
#define SIMD_NONE SIMD_FP_NONE
#define NO_MODEL M_NONE, SIMD_FP_ADD, 0, 0, 0, SIMD_FP_ADD
#define V(arith, a, b, c) M_VERTICAL, SIMD_FP_##arith, a, b, c, SIMD_FP_##arith
#define ALT(even, odd, a, b, c) M_ALTERNATE, SIMD_FP_##even, a, b, c, SIMD_FP_##odd
static const struct fp_op ops[] = {
    OP(addps, sse, FP32, FP32, 4, 16, false, V(ADD, 0, 1, 0)),
    OP(addss, sse, FP32, FP32, 1, 16, false, V(ADD, 0, 1, 0)),
    OP(subpd, sse2, FP64, FP64, 2, 16, false, V(SUB, 0, 1, 0)),
    OP(mulpd, sse2, FP64, FP64, 2, 16, false, V(MUL, 0, 1, 0)),
    OP(mulss, sse, FP32, FP32, 1, 16, false, V(MUL, 0, 1, 0)),
    OP(divss, sse, FP32, FP32, 1, 16, false, V(DIV, 0, 1, 0)),
    OP(divpd, sse2, FP64, FP64, 2, 16, false, V(DIV, 0, 1, 0)),
    OP(sqrtps, sse, FP32, NONE, 4, 16, false, NO_MODEL),
    OP(sqrtsd, sse2, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(addsubps, sse3, FP32, FP32, 4, 16, false, ALT(SUB, ADD, 0, 1, 0)),
    OP(haddpd, sse3, FP64, FP64, 2, 16, false, M_HORIZONTAL, SIMD_FP_ADD, 0, 1, 0, SIMD_FP_ADD),
    OP(dpps, sse41, FP32, FP32, 2, 16, false, NO_MODEL),
    OP(dppd, sse41, FP64, FP64, 1, 16, false, NO_MODEL),
    OP(cvtps2dq, sse2, FP32, NONE, 4, 16, false, NO_MODEL),
    OP(cvttpd2dq, sse2, FP64, NONE, 2, 16, false, NO_MODEL),
    OP(cvtsd2ss, sse2, FP64, FP32, 1, 16, false, V(CVT, 1, 0, 0)),
    OP(cvtpd2ps, sse2, FP64, FP32, 2, 16, false, V(CVT, 1, 0, 0)),
    OP(cvtss2sd, sse2, FP32, NONE, 1, 16, false, NO_MODEL),
    OP(cvtsd2si, sse2, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(cvtsi2ss, sse, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(cmpltps, sse, FP32, NONE, 4, 16, false, NO_MODEL),
    OP(cmpeqsd, sse2, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(comiss, sse, FP32, NONE, 1, 16, false, NO_MODEL),
    OP(ucomisd, sse2, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(minps, sse, FP32, NONE, 4, 16, false, NO_MODEL),
    OP(maxsd, sse2, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(roundps_mxcsr, sse41, FP32, NONE, 4, 16, false, NO_MODEL),
    OP(roundsd_up, sse41, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(roundps_nope, sse41, FP32, NONE, 4, 16, false, NO_MODEL),
    OP(rcpps, sse, FP32, NONE, 4, 16, false, NO_MODEL),
    OP(vfmadd231ps, fma, FP32, FP32, 8, 32, false, V(FMA, 1, 2, 0)),
    OP(vfnmsub213sd, fma, FP64, FP64, 1, 16, false, V(FMA, 1, 0, 2)),
    OP(vcvtps2ph_mxcsr, f16c, FP32, FP16, 4, 16, false, V(CVT, 1, 0, 0)),
    OP(vcvtps2ph_zero, f16c, FP32, FP16, 8, 32, false, V(CVT, 1, 0, 0)),
    OP(vcvtph2ps, f16c, FP16, NONE, 8, 16, false, NO_MODEL),
    OP(vdivps_k, avx512f, FP32, FP32, 16, 64, true, V(DIV, 1, 2, 0)),
    OP(vmulpd_kz, avx512f, FP64, FP64, 8, 64, true, V(MUL, 1, 2, 0)),
    OP(vaddps_rz, avx512f, FP32, NONE, 16, 64, false, NO_MODEL),
    OP(vscalefps, avx512f, FP32, FP32, 16, 64, false, NO_MODEL),
    OP(vgetexppd, avx512f, FP64, NONE, 8, 64, false, NO_MODEL),
    OP(vrndscaleps, avx512f, FP32, NONE, 16, 64, false, NO_MODEL),
    OP(vreducepd, avx512dq, FP64, NONE, 8, 64, false, NO_MODEL),
    OP(vrangeps, avx512dq, FP32, NONE, 16, 64, false, NO_MODEL),
    OP(vcvtps2udq, avx512f, FP32, NONE, 16, 64, false, NO_MODEL),
    OP(vcvtusi2sd, avx512f, FP64, NONE, 1, 16, false, NO_MODEL),
    OP(vfpclassps, avx512dq, FP32, NONE, 16, 64, false, NO_MODEL),
    OP(vcmpps_k, avx512f, FP32, NONE, 16, 64, false, NO_MODEL),
    OP(vrcp14ps, avx512f, FP32, NONE, 16, 64, false, NO_MODEL),
    OP(vfmaddsub231pd, avx512f, FP64, FP64, 8, 64, true, ALT(FMS, FMA, 1, 2, 0)),
    OP(vcvtne2ps2bf16, avx512bf16, FP32, NONE, 32, 64, false, NO_MODEL),
    OP(vdpbf16ps, avx512bf16, FP32, NONE, 16, 64, false, NO_MODEL),
};

static bool verbose;

/* ---- operands ---- */

static const struct {
    unsigned fraction_bits, exponent_bits;
} widths[] = { [SIMD_FP16] = { 10, 5 }, [SIMD_FP32] = { 23, 8 }, [SIMD_FP64] = { 52, 11 } };

/* A value of the format: each class the rule's cases turn on, a sign either way. */
static uint64_t fp_value(enum simd_fp_format f)
{
    unsigned fb = widths[f].fraction_bits, eb = widths[f].exponent_bits;
    uint64_t emax = (UINT64_C(1) << eb) - 1, fraction = next_random() & ((UINT64_C(1) << fb) - 1);
    uint64_t sign = (next_random() & 1) << (fb + eb), exponent;

    switch (next_random() % 10) {
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
    case 8: exponent = (emax >> 1) - 2 + next_random() % 5; break; /* near 1 */
    default: return next_random() & ((UINT64_C(1) << (fb + eb + 1)) - 1);
    }
    return sign | exponent << fb | fraction;
}

static void random_register(uint8_t *reg, unsigned bytes, enum simd_fp_format f)
{
    unsigned size = f == SIMD_FP16 ? 2 : f == SIMD_FP32 ? 4 : 8;
    for (unsigned i = 0; i < bytes; i += size) {
        uint64_t v = fp_value(f);
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

/* The forms that raise no MXCSR flag: no exceptions at all, or EVEX SAE. */
static bool quiet(const struct fp_op *op)
{
    static const uint8_t *const none[] = { rcpps_insn,          vrcp14ps_insn,  vaddps_rz_insn,
                                           vcvtne2ps2bf16_insn, vdpbf16ps_insn, vfpclassps_insn };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        if (op->insn == none[i])
            return true;
    return false;
}

static uint64_t computed_elements(const struct fp_op *op, const struct vecstate *in)
{
    uint64_t all = op->elements >= 64 ? UINT64_MAX : (UINT64_C(1) << op->elements) - 1;
    return op->k1_masks ? in->k[1] & all : all;
}

static uint64_t element(const struct vecstate *v, unsigned reg, unsigned i, enum simd_fp_format f)
{
    unsigned size = f == SIMD_FP16 ? 2 : f == SIMD_FP32 ? 4 : 8;
    uint64_t bits = 0;
    memcpy(&bits, v->zmm[reg] + i * size, size);
    return bits;
}

/* Element i's operands by the op's model. */
static enum simd_fp_arith element_operands(const struct fp_op *op, const struct vecstate *v,
                                           unsigned i, uint64_t operand[3])
{
    if (op->model == M_HORIZONTAL) {
        unsigned half = op->elements / 2, reg = i < half ? op->a : op->b;
        operand[0] = element(v, reg, 2 * (i % half), op->in);
        operand[1] = element(v, reg, 2 * (i % half) + 1, op->in);
        return op->arith;
    }
    operand[0] = element(v, op->a, i, op->in);
    operand[1] = element(v, op->b, i, op->in);
    operand[2] = element(v, op->c, i, op->in);
    return op->model == M_ALTERNATE && (i & 1) ? op->odd_arith : op->arith;
}

/* What the engine computes for an unmasked overflow or underflow: whether a computed
 * element's result is inexact with an unbounded exponent. */
static enum simd_fp_exactness exactness(const struct fp_op *op, const struct vecstate *v,
                                        uint64_t computed)
{
    if (op->model == M_NONE)
        return SIMD_FP_EXACTNESS_UNKNOWN;
    for (unsigned i = 0; i < op->elements; i++) {
        uint64_t operand[3];
        bool known;
        if (!(computed >> i & 1))
            continue;
        enum simd_fp_arith arith = element_operands(op, v, i, operand);
        bool inexact = simd_fp_inexact_unbounded(arith, op->in, op->out, v->mxcsr & MXCSR_DAZ,
                                                 operand, &known);
        if (!known)
            return SIMD_FP_EXACTNESS_UNKNOWN;
        if (inexact)
            return SIMD_FP_SOME_INEXACT;
    }
    return SIMD_FP_ALL_EXACT;
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

static void run_case(const struct fp_op *op, unsigned n, struct tally *t)
{
    struct run entry, cpu, host;
    struct native_frame frame = native_frame_for(64);

    vecstate_init(&entry.v);
    entry.v.mxcsr = guest_mxcsr(n);
    for (unsigned r = 0; r < 3; r++)
        random_register(entry.v.zmm[r], op->bytes, op->in);
    entry.v.k[1] = next_random();
    entry.v.k[2] = next_random();
    frame.gpr[NATIVE_RAX] = next_random();
    frame.gpr[NATIVE_RCX] = fp_value(SIMD_FP64) >> (next_random() % 64);
    frame.rflags |= next_random() & 0x8d5; /* CF PF AF ZF SF OF: COMIS writes them */
    entry.r.out = frame;

    run_native(&frame, &entry.v, &cpu);
    struct vecstate masked = entry.v;
    masked.mxcsr = simd_mxcsr_for_host(entry.v.mxcsr, !quiet(op));
    run_native(&frame, &masked, &host);
    CHECK(!host.r.faulted, "%s: the host run faulted (signal %d, vector %u)", op->name,
          host.r.signo, host.r.vector);

    struct simd_fp_run fp = { .raised = host.v.mxcsr & MXCSR_FLAGS,
                              .format = op->out,
                              .result = host.v.zmm[0],
                              .computed = computed_elements(op, &entry.v) };
    fp.unbounded = exactness(op, &entry.v, fp.computed);
    fp.staged = op->insn == dpps_insn || op->insn == dppd_insn;
    uint32_t predicted;
    enum simd_fp_verdict verdict = simd_mxcsr_outcome(entry.v.mxcsr, true, &fp, &predicted);

    t->cases++;
    t->traps += cpu.r.faulted;
    t->commits += !cpu.r.faulted;
    t->undecided += verdict == SIMD_FP_UNDECIDED;
    if (!agrees(&entry, &cpu, &host, verdict, predicted)) {
        t->mismatches++;
        report(op, entry.v.mxcsr, &cpu, &host, verdict, predicted);
    }
}

static void measure(unsigned cases)
{
    unsigned long total = 0, traps = 0, mismatches = 0;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        struct tally t = { 0 };
        if (!host_runs(ops[i].feature)) {
            host_skip(ops[i].feature, cases);
            continue;
        }
        native_place(64, ops[i].insn, (unsigned)(ops[i].end - ops[i].insn));
        for (unsigned n = 0; n < cases; n++)
            run_case(&ops[i], n, &t);
        printf("%-16s %6lu cases, %6lu #XM, %6lu commits, %5lu undecided, %lu mismatches\n",
               ops[i].name, t.cases, t.traps, t.commits, t.undecided, t.mismatches);
        CHECK(t.mismatches == 0, "%s: %lu of %lu cases differ from the CPU", ops[i].name,
              t.mismatches, t.cases);
        if (quiet(&ops[i]))
            CHECK(t.traps == 0, "%s raises no exception, yet trapped", ops[i].name);
        else
            CHECK(t.traps > 0 && t.commits > 0, "%s: the cases reach both outcomes", ops[i].name);
        total += t.cases;
        traps += t.traps;
        mismatches += t.mismatches;
    }
    printf("total: %lu cases, %lu #XM compared, %lu mismatches\n", total, traps, mismatches);
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
    if (!native_init(8192))
        return 77;
    host_describe(stdout);
    rng_seed(seed);
    measure(cases);
    host_skip_report(stdout);
    return check_summary();
}
