/* Integer operations run on the host CPU (hostop.h).
 *
 * One row per operation: its mnemonic, the shape of its register form, the operand sizes
 * it has, and the CPUID feature the host needs to run it. From the rows come one stub per
 * operation and size, a table of them, and a mnemonic -> row index.
 *
 * Why a stub cannot hurt the process (docs/flags.md, "Safety"):
 *  - its instruction is fixed text compiled into the library; guest data only fills its
 *    register operands;
 *  - it touches no memory but eight bytes of its own stack, below the x86-64 SysV red
 *    zone (RSP is moved down 128 bytes first, so nothing the compiler keeps there is hit);
 *  - POPF loads the host's own RFLAGS with only CF PF AF ZF SF OF replaced by the guest's:
 *    TF, DF, AC, IF, IOPL and the rest stay the host's; the caller takes back only those six;
 *  - none of the instructions faults with register operands, except DIV and IDIV (#DE),
 *    which the executor runs only after its C check has ruled #DE out (muldiv.c). */
#include "exec/hostop.h"

#include "core/cpuid.h"
#include "core/vcpu.h"
#include "exec/flags.h"

/* The stubs are GNU C inline assembly for x86-64. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(WHVEMU_NO_HOST_OPS)
#define HOSTOP_STUBS 1
#else
#define HOSTOP_STUBS 0
#endif

bool hostop_stubs_compiled(void)
{
    return HOSTOP_STUBS;
}

#if HOSTOP_STUBS

/* ---- the operations ---- */

/* What a row needs beyond the x86-64 baseline: enum cpuid_feature bits (core/cpuid.h). */
#define NEEDS_NOTHING 0u

/* X(mnemonic, shape, sizes, feature). Shapes (AT&T operand order):
 *   ONE    mn dst               TWO    mn src, dst
 *   SHIFT  mn %cl, dst          SHIFTD mn %cl, src, dst
 *   THREE  mn src2, src, dst    WIDE   mn src, with rDX:rAX
 * Sizes: bwlq = 1, 2, 4, 8 bytes; wlq = 2, 4, 8; lq = 4, 8.
 * TZCNT and LZCNT need nothing: a host without BMI1 / LZCNT runs their bytes (F3 0F BC,
 * F3 0F BD) as BSF / BSR, and so would the guest on it. */
#define HOST_OPS(X)                                                                                \
    X(add, TWO, bwlq, NEEDS_NOTHING)                                                               \
    X(or, TWO, bwlq, NEEDS_NOTHING)                                                                \
    X(adc, TWO, bwlq, NEEDS_NOTHING)                                                               \
    X(sbb, TWO, bwlq, NEEDS_NOTHING)                                                               \
    X(and, TWO, bwlq, NEEDS_NOTHING)                                                               \
    X(sub, TWO, bwlq, NEEDS_NOTHING)                                                               \
    X(xor, TWO, bwlq, NEEDS_NOTHING)                                                               \
    X(cmp, TWO, bwlq, NEEDS_NOTHING)                                                               \
    X(test, TWO, bwlq, NEEDS_NOTHING)                                                              \
    X(inc, ONE, bwlq, NEEDS_NOTHING)                                                               \
    X(dec, ONE, bwlq, NEEDS_NOTHING)                                                               \
    X(neg, ONE, bwlq, NEEDS_NOTHING)                                                               \
    X(rol, SHIFT, bwlq, NEEDS_NOTHING)                                                             \
    X(ror, SHIFT, bwlq, NEEDS_NOTHING)                                                             \
    X(rcl, SHIFT, bwlq, NEEDS_NOTHING)                                                             \
    X(rcr, SHIFT, bwlq, NEEDS_NOTHING)                                                             \
    X(shl, SHIFT, bwlq, NEEDS_NOTHING)                                                             \
    X(shr, SHIFT, bwlq, NEEDS_NOTHING)                                                             \
    X(sar, SHIFT, bwlq, NEEDS_NOTHING)                                                             \
    X(shld, SHIFTD, wlq, NEEDS_NOTHING)                                                            \
    X(shrd, SHIFTD, wlq, NEEDS_NOTHING)                                                            \
    X(imul, TWO, wlq, NEEDS_NOTHING)                                                               \
    X(bt, TWO, wlq, NEEDS_NOTHING)                                                                 \
    X(bts, TWO, wlq, NEEDS_NOTHING)                                                                \
    X(btr, TWO, wlq, NEEDS_NOTHING)                                                                \
    X(btc, TWO, wlq, NEEDS_NOTHING)                                                                \
    X(bsf, TWO, wlq, NEEDS_NOTHING)                                                                \
    X(bsr, TWO, wlq, NEEDS_NOTHING)                                                                \
    X(tzcnt, TWO, wlq, NEEDS_NOTHING)                                                              \
    X(lzcnt, TWO, wlq, NEEDS_NOTHING)                                                              \
    X(popcnt, TWO, wlq, CPUID_POPCNT)                                                              \
    X(andn, THREE, lq, CPUID_BMI1)                                                                 \
    X(bextr, THREE, lq, CPUID_BMI1)                                                                \
    X(bzhi, THREE, lq, CPUID_BMI2)                                                                 \
    X(blsi, TWO, lq, CPUID_BMI1)                                                                   \
    X(blsmsk, TWO, lq, CPUID_BMI1)                                                                 \
    X(blsr, TWO, lq, CPUID_BMI1)                                                                   \
    X(blcfill, TWO, lq, CPUID_TBM)                                                                 \
    X(blci, TWO, lq, CPUID_TBM)                                                                    \
    X(blcic, TWO, lq, CPUID_TBM)                                                                   \
    X(blcmsk, TWO, lq, CPUID_TBM)                                                                  \
    X(blcs, TWO, lq, CPUID_TBM)                                                                    \
    X(blsfill, TWO, lq, CPUID_TBM)                                                                 \
    X(blsic, TWO, lq, CPUID_TBM)                                                                   \
    X(t1mskc, TWO, lq, CPUID_TBM)                                                                  \
    X(tzmsk, TWO, lq, CPUID_TBM)

/* The rDX:rAX forms, apart because IMUL has both shapes. */
#define HOST_WIDE_OPS(X)                                                                           \
    X(mul, WIDE, bwlq, NEEDS_NOTHING)                                                              \
    X(imul, WIDE, bwlq, NEEDS_NOTHING)                                                             \
    X(div, WIDE, bwlq, NEEDS_NOTHING)                                                              \
    X(idiv, WIDE, bwlq, NEEDS_NOTHING)

/* F(mnemonic, shape, register-name modifier, size index) for each size a row has. */
#define SIZES_bwlq(F, ...)                                                                         \
    F(__VA_ARGS__, b, 0) F(__VA_ARGS__, w, 1) F(__VA_ARGS__, k, 2) F(__VA_ARGS__, q, 3)
#define SIZES_wlq(F, ...) F(__VA_ARGS__, w, 1) F(__VA_ARGS__, k, 2) F(__VA_ARGS__, q, 3)
#define SIZES_lq(F, ...) F(__VA_ARGS__, k, 2) F(__VA_ARGS__, q, 3)

/* The instruction text of each shape; m names the register size (%b, %w, %k, %q). */
#define TEXT_ONE(mn, m) #mn " %" #m "[dst]"
#define TEXT_TWO(mn, m) #mn " %" #m "[src],%" #m "[dst]"
#define TEXT_SHIFT(mn, m) #mn " %%cl,%" #m "[dst]"
#define TEXT_SHIFTD(mn, m) #mn " %%cl,%" #m "[src],%" #m "[dst]"
#define TEXT_THREE(mn, m) #mn " %" #m "[src2],%" #m "[src],%" #m "[dst]"
#define TEXT_WIDE(mn, m) #mn " %" #m "[src]"

/* Around the instruction: below the red zone, RFLAGS = the host's own with the six
 * arithmetic flags from fl (~0x8d5 = -0x8d6); after it, fl = RFLAGS. */
#define FLAGS_IN                                                                                   \
    "lea -128(%%rsp),%%rsp\n\tpushfq\n\tandq $-0x8d6,(%%rsp)\n\torq %[fl],(%%rsp)\n\tpopfq\n\t"
#define FLAGS_OUT "\n\tpushfq\n\tpopq %[fl]\n\tlea 128(%%rsp),%%rsp"

static uint64_t merge_flags(uint64_t guest, uint64_t host)
{
    return (guest & ~(uint64_t)FL_ARITH) | (host & FL_ARITH);
}

/* Every shape but WIDE: dst in/out, src and src2 (in RCX) in. */
#define NARROW_STUB(mn, shape, m, i)                                                               \
    static void stub_##shape##_##mn##_##i(struct int_op *o)                                        \
    {                                                                                              \
        uint64_t dst = o->dst, fl = o->flags & FL_ARITH;                                           \
        __asm__(FLAGS_IN TEXT_##shape(mn, m) FLAGS_OUT                                             \
                : [dst] "+r"(dst), [fl] "+r"(fl)                                                   \
                : [src] "r"(o->src), [src2] "c"(o->src2)                                           \
                : "cc");                                                                           \
        o->dst = dst;                                                                              \
        o->flags = merge_flags(o->flags, fl);                                                      \
    }

#define WIDE_STUB(mn, shape, m, i)                                                                 \
    static void stub_##shape##_##mn##_##i(struct int_op *o)                                        \
    {                                                                                              \
        uint64_t rax = o->rax, rdx = o->rdx, fl = o->flags & FL_ARITH;                             \
        __asm__(FLAGS_IN TEXT_##shape(mn, m) FLAGS_OUT                                             \
                : "+a"(rax), "+d"(rdx), [fl] "+r"(fl)                                              \
                : [src] "r"(o->src)                                                                \
                : "cc");                                                                           \
        o->rax = rax;                                                                              \
        o->rdx = rdx;                                                                              \
        o->flags = merge_flags(o->flags, fl);                                                      \
    }

#define BODY_ONE NARROW_STUB
#define BODY_TWO NARROW_STUB
#define BODY_SHIFT NARROW_STUB
#define BODY_SHIFTD NARROW_STUB
#define BODY_THREE NARROW_STUB
#define BODY_WIDE WIDE_STUB

#define DEFINE_STUBS(mn, shape, sizes, needs) SIZES_##sizes(BODY_##shape, mn, shape)
HOST_OPS(DEFINE_STUBS)
HOST_WIDE_OPS(DEFINE_STUBS)

struct stub_row {
    uint32_t needs;    /* enum cpuid_feature bits the host must have */
    host_stub stub[4]; /* by size index: 1, 2, 4, 8 bytes; NULL where the size does not exist */
};

#define ROW_INDEX(mn, shape, sizes, needs) ROW_##shape##_##mn,
enum { HOST_OPS(ROW_INDEX) HOST_WIDE_OPS(ROW_INDEX) ROW_COUNT };

#define STUB_ENTRY(mn, shape, m, i) [i] = stub_##shape##_##mn##_##i,
#define ROW(mn, shape, sizes, needs) { needs, { SIZES_##sizes(STUB_ENTRY, mn, shape) } },
static const struct stub_row rows[ROW_COUNT] = { HOST_OPS(ROW) HOST_WIDE_OPS(ROW) };

/* mnemonic -> row index + 1 (0: no stub), for the narrow and the wide forms */
#define BY_MNEMONIC(mn, shape, sizes, needs) [MN_##mn] = ROW_##shape##_##mn + 1,
static const uint8_t narrow_rows[MN_COUNT] = { HOST_OPS(BY_MNEMONIC) };
static const uint8_t wide_rows[MN_COUNT] = { HOST_WIDE_OPS(BY_MNEMONIC) };

static unsigned size_index(unsigned size)
{
    return (size >= 2) + (size >= 4) + (size >= 8);
}

host_stub host_op_stub(enum mnemonic mn, bool wide, unsigned size)
{
    unsigned r = (unsigned)mn < MN_COUNT ? (wide ? wide_rows : narrow_rows)[mn] : 0;
    host_stub stub;

    if (r == 0 || size == 0 || size > 8 || (size & (size - 1)) != 0)
        return NULL;
    stub = rows[r - 1].stub[size_index(size)];
    return stub && cpuid_has(rows[r - 1].needs) ? stub : NULL;
}

#else /* !HOSTOP_STUBS */

host_stub host_op_stub(enum mnemonic mn, bool wide, unsigned size)
{
    (void)mn, (void)wide, (void)size;
    return NULL;
}

#endif

bool host_op(const struct vcpu *cpu, enum mnemonic mn, bool wide, unsigned size, struct int_op *o)
{
    host_stub stub = cpu->host_ops ? host_op_stub(mn, wide, size) : NULL;

    if (!stub)
        return false;
    stub(o);
    return true;
}
