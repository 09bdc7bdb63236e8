/* SIMD computation with a memory operand, run on the host (simd_compute.h). */
#include "exec/simd_compute.h"

#include <string.h>

#include "core/cpuid.h"
#include "core/vstate.h"
#include "core/xstate.h"
#include "exec/exec.h"
#include "exec/flags.h"
#include "exec/simd_dot.h"
#include "exec/simd_fp.h"
#include "exec/simd_move.h"
#include "optab.h"

/* ---- the allowlist ---- */

#define FEATURE_BASE SIMD_FEATURE_BASE
#define FEATURE_NONE SIMD_FEATURE_NONE
#define FEATURE_SSE2 CPU_SSE2
#define FEATURE_SSE3 CPU_SSE3
#define FEATURE_SSSE3 CPU_SSSE3
#define FEATURE_SSE41 CPU_SSE41
#define FEATURE_SSE42 CPU_SSE42
#define FEATURE_AVX CPU_AVX
#define FEATURE_AVX2 (CPU_AVX | CPU_AVX2)
#define FEATURE_FMA (CPU_AVX | CPU_FMA)
#define FEATURE_F16C (CPU_AVX | CPU_F16C)
#define FEATURE_AVX512F CPU_AVX512F
#define FEATURE_AVX512BW (CPU_AVX512F | CPU_AVX512BW)
#define FEATURE_AVX512DQ (CPU_AVX512F | CPU_AVX512DQ)
#define FEATURE_AVX512CD (CPU_AVX512F | CPU_AVX512CD)
#define FEATURE_AVX512IFMA (CPU_AVX512F | CPU_AVX512IFMA)
#define FEATURE_AVX512VBMI (CPU_AVX512F | CPU_AVX512VBMI)
#define FEATURE_AVX512VBMI2 (CPU_AVX512F | CPU_AVX512VBMI2)
#define FEATURE_AVX512VNNI (CPU_AVX512F | CPU_AVX512VNNI)
#define FEATURE_AVX512BITALG (CPU_AVX512F | CPU_AVX512BITALG)
#define FEATURE_AVX512VPOPCNTDQ (CPU_AVX512F | CPU_AVX512VPOPCNTDQ)
#define FEATURE_AVX512BF16 (CPU_AVX512F | CPU_AVX512BF16)
#define FEATURE_AVX512FP16 (CPU_AVX512F | CPU_AVX512BW | CPU_AVX512FP16)
#define FEATURE_AVX512VP2INTERSECT (CPU_AVX512F | CPU_AVX512VP2INTERSECT)
#define FEATURE_AVXVNNI (CPU_AVX | CPU_AVXVNNI)
#define FEATURE_AES CPU_AES
#define FEATURE_PCLMULQDQ CPU_PCLMULQDQ
#define FEATURE_SHA CPU_SHA
#define FEATURE_GFNI CPU_GFNI
#define FEATURE_AVX_AES (CPU_AVX | CPU_AES)
#define FEATURE_AVX_VAES (CPU_AVX | CPU_VAES)
#define FEATURE_EVEX_VAES (CPU_AVX512F | CPU_VAES)
#define FEATURE_AVX_PCLMUL (CPU_AVX | CPU_PCLMULQDQ)
#define FEATURE_AVX_VPCLMUL (CPU_AVX | CPU_VPCLMULQDQ)
#define FEATURE_EVEX_VPCLMUL (CPU_AVX512F | CPU_VPCLMULQDQ)
#define FEATURE_AVX_GFNI (CPU_AVX | CPU_GFNI)
#define FEATURE_EVEX_GFNI (CPU_AVX512F | CPU_GFNI)
#define MXCSR_YES true
#define MXCSR_NO false

static const struct simd_compute_row rows[MN_COUNT] = {
#define X(mn, element_, align_, read_, fs_, mxcsr_, regs_, feature_, feature256_, evex_)           \
    [MN_##mn] = { .element = (element_),                                                           \
                  .align = ALIGN_##align_,                                                         \
                  .read = READ_##read_,                                                            \
                  .regs = REGS_##regs_,                                                            \
                  .fs = FS_##fs_,                                                                  \
                  .mxcsr = MXCSR_##mxcsr_,                                                         \
                  .feature = FEATURE_##feature_,                                                   \
                  .feature256 = FEATURE_##feature256_,                                             \
                  .evex = FEATURE_##evex_ },
#include "exec/simd_compute.def"
#undef X
};

const struct simd_compute_row *simd_compute_row(enum mnemonic mn)
{
    return (unsigned)mn < MN_COUNT && rows[mn].element ? &rows[mn] : NULL;
}

/* The operand in field `field` (-1: none). */
static int operand_at(const struct insn *in, enum operand_field field)
{
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++)
        if (operand_kind_of(in->row->opnd[i])->field == field)
            return (int)i;
    return -1;
}

uint32_t simd_compute_feature(const struct insn *in, const struct simd_compute_row *row)
{
    switch (in->encoding) {
    case ENC_LEGACY: return row->feature; /* the MMX forms too (SSE2 covers MMX) */
    case ENC_VEX: return in->vex_l ? row->feature256 : row->feature;
    case ENC_EVEX:
        if (row->evex == SIMD_FEATURE_NONE)
            return SIMD_FEATURE_NONE;
        return row->evex | (in->vex_l < 2 ? CPU_AVX512VL : 0);
    default: return SIMD_FEATURE_NONE;
    }
}

/* ---- the stub encoder ---- */

enum {
    HOST_DEST = 0,      /* the vector destination's host register */
    HOST_VVVV = 1,      /* a VEX/EVEX.vvvv source's */
    HOST_MASK_DEST = 2, /* an opmask destination's (k2; k1 is the EVEX mask) */
    HOST_IS4 = 2,       /* the VEX /is4 register's (imm8[7:4]) */
    HOST_XMM0_DEST = 3, /* the destination's, beside the implicit XMM0 (host xmm0) */
    MODRM_RDI = 7,      /* mod 00, r/m 111: [rdi] */
    OP_RET = 0xc3,
    OP_INT3 = 0xcc,
};

/* The escape bytes (legacy) or VEX.mmmmm of a map; 0: not a map the encoder builds. */
static unsigned map_select(const struct insn *in)
{
    static const uint8_t select[MAP_COUNT] = {
        [MAP_LEGACY_0F] = 1, [MAP_LEGACY_0F38] = 2, [MAP_LEGACY_0F3A] = 3, /* legacy */
        [MAP_VEX_0F] = 1,    [MAP_VEX_0F38] = 2,    [MAP_VEX_0F3A] = 3,    /* VEX */
        [MAP_EVEX_0F] = 1,   [MAP_EVEX_0F38] = 2,   [MAP_EVEX_0F3A] = 3,   /* EVEX */
        [MAP_EVEX_MAP5] = 5, [MAP_EVEX_MAP6] = 6, /* EVEX.mmm 101b, 110b: AVX512-FP16 */
    };
    static const uint8_t encoding_of[MAP_COUNT] = {
        [MAP_LEGACY_0F] = ENC_LEGACY,   [MAP_LEGACY_0F38] = ENC_LEGACY,
        [MAP_LEGACY_0F3A] = ENC_LEGACY, [MAP_VEX_0F] = ENC_VEX,
        [MAP_VEX_0F38] = ENC_VEX,       [MAP_VEX_0F3A] = ENC_VEX,
        [MAP_EVEX_0F] = ENC_EVEX,       [MAP_EVEX_0F38] = ENC_EVEX,
        [MAP_EVEX_0F3A] = ENC_EVEX,     [MAP_EVEX_MAP5] = ENC_EVEX,
        [MAP_EVEX_MAP6] = ENC_EVEX,
    };

    if (in->map >= MAP_COUNT || encoding_of[in->map] != in->encoding)
        return 0;
    return select[in->map];
}

/* The host registers the stub names: the destination — operand 0, a vector (register 0),
 * a GPR (RAX, also number 0) or an opmask (k2), in ModRM.reg or, for the EVEX shifts by an
 * immediate, in vvvv (ModRM.reg is then the opcode extension) — and a vvvv source
 * (register 1); vvvv 0: none (1111b). */
static unsigned dest_host_register(const struct insn *in)
{
    if (operand_kind_of(in->row->opnd[0])->file == RF_MASK)
        return HOST_MASK_DEST;
    return simd_compute_row(in->mnemonic)->regs == REGS_XMM0 ? HOST_XMM0_DEST : HOST_DEST;
}

/* ModRM.reg: the destination's host register, a store's source (VCVTPS2PH m, xmm: register
 * 0, as a destination's) or the opcode extension. */
static unsigned stub_reg(const struct insn *in)
{
    bool in_reg = operand_kind_of(in->row->opnd[0])->field == AT_REG;

    if (!in_reg && operand_at(in, AT_REG) > 0)
        return HOST_DEST;
    return in_reg ? dest_host_register(in) : in->reg & 7u;
}

static unsigned stub_vvvv(const struct insn *in)
{
    if (operand_kind_of(in->row->opnd[0])->field == AT_VVVV)
        return dest_host_register(in);
    return operand_at(in, AT_VVVV) >= 0 ? HOST_VVVV : 0;
}

/* The stub's W. A row with a GPR operand of 32 or 64 bits (CVTSI2SS, CVTSS2SI) takes its
 * size from W in 64-bit code only; elsewhere W is ignored (SDM vol. 2 VCVTSI2SS: "EVEX.W1 in
 * non-64 bit is ignored"), and the stub, run in 64-bit code, needs the 32-bit form. */
static bool stub_w(const struct insn *in)
{
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++)
        if (OPND_SIZE(in->row->opnd[i]) == SZ_y)
            return in->opsize == 8;
    return in->vex_w;
}

/* What every encoding ends with: ModRM ([rdi], the destination or the opcode extension in
 * reg), the immediate, RET, INT3 padding. */
static bool encode_tail(const struct insn *in, uint8_t *code, unsigned n)
{
    bool is4 = operand_at(in, AT_IS4) >= 0;

    if (in->imm_size > 1)
        return false;
    code[n++] = in->opcode;
    code[n++] = (uint8_t)(stub_reg(in) << 3 | MODRM_RDI);
    if (in->imm_size) /* /is4: register 2 in imm8[7:4], imm8[3:0] kept */
        code[n++] = (uint8_t)(is4 ? HOST_IS4 << 4 | (in->imm & 15u) : in->imm);
    code[n++] = OP_RET;
    memset(code + n, OP_INT3, SIMD_STUB_BYTES - n);
    return true;
}

/* Legacy: the mandatory prefix, REX.W when W is set, 0F [38|3A], the tail. */
static bool encode_legacy(const struct insn *in, unsigned select, uint8_t *code)
{
    static const uint8_t prefix[4] = { 0, 0x66, 0xf3, 0xf2 };
    unsigned n = 0;

    if (prefix[in->mandatory & 3])
        code[n++] = prefix[in->mandatory & 3];
    if (stub_w(in))
        code[n++] = 0x48;
    code[n++] = 0x0f;
    if (select > 1)
        code[n++] = select == 2 ? 0x38 : 0x3a;
    return encode_tail(in, code, n);
}

/* VEX, always the three-byte C4 form: R, X, B clear (stored inverted: set), the map, W,
 * vvvv = register 1 (1111b when the row has no vvvv operand), L, pp. */
static bool encode_vex(const struct insn *in, unsigned select, uint8_t *code)
{
    unsigned vvvv = stub_vvvv(in);

    if (in->vex_l > 1)
        return false;
    code[0] = 0xc4;
    code[1] = (uint8_t)(0xe0 | select);
    code[2] = (uint8_t)((stub_w(in) ? 0x80 : 0) | (~vvvv & 15u) << 3 | (in->vex_l & 1u) << 2 |
                        (in->mandatory & 3u));
    return encode_tail(in, code, 3);
}

/* EVEX: R, X, B, R' clear (stored inverted: set), the map, W, vvvv (V' clear), pp, then
 * z, L'L, b and the mask: k1 when the instruction names one. z only with a mask and a vector
 * destination (with k0, or into an opmask, it could be #UD on the host). */
static bool encode_evex(const struct insn *in, unsigned select, uint8_t *code)
{
    unsigned vvvv = stub_vvvv(in);
    bool vector_dest = operand_kind_of(in->row->opnd[0])->file == RF_VEC;

    if (in->vex_l > 2)
        return false;
    code[0] = 0x62;
    code[1] = (uint8_t)(0xf0 | select);
    code[2] = (uint8_t)((stub_w(in) ? 0x80 : 0) | (~vvvv & 15u) << 3 | 0x04 | (in->mandatory & 3u));
    code[3] =
        (uint8_t)((in->evex_z && in->evex_aaa && vector_dest ? 0x80 : 0) | (in->vex_l & 3u) << 5 |
                  (in->evex_b ? 0x10 : 0) | 0x08 | (in->evex_aaa ? 1 : 0));
    return encode_tail(in, code, 4);
}

bool simd_compute_encode(const struct insn *in, uint8_t code[SIMD_STUB_BYTES])
{
    unsigned select = in->row && simd_compute_row(in->mnemonic) ? map_select(in) : 0;

    if (!select || in->mandatory > MP_F2)
        return false;
    switch (in->encoding) {
    case ENC_LEGACY: return encode_legacy(in, select, code);
    case ENC_VEX: return encode_vex(in, select, code);
    default: return encode_evex(in, select, code);
    }
}

/* ---- the executor ---- */

/* Where a decoded compute instruction's operands are: the memory operand and a vvvv source
 * by their index in the row (-1: none); the destination is operand 0, in ModRM.reg or vvvv,
 * a vector, MMX or opmask register (its file), or the memory operand of a store, whose
 * vector source (operand 1, ModRM.reg) is then `dest_file`'s register loaded as operand 0
 * would be. */
struct compute_operands {
    int memory, vvvv, loaded;
    unsigned dest_file;
    bool store;
};

/* The memory operand: ModRM r/m with mod != 3 (-1: a register form, which makes no exit). */
static int memory_operand(const struct insn *in)
{
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++)
        if (operand_in_memory(in, in->row->opnd[i]))
            return (int)i;
    return -1;
}

/* The forms run: a memory source, a vector, MMX, opmask or (the converts to an integer) GPR
 * destination. */
static bool find_operands(const struct insn *in, struct compute_operands *o)
{
    const struct operand_kind_info *dest = operand_kind_of(in->row->opnd[0]);
    int vvvv = operand_at(in, AT_VVVV);

    o->memory = memory_operand(in);
    o->vvvv = vvvv > 0 ? vvvv : -1; /* operand 0 in vvvv is the destination */
    o->store = o->memory == 0 && operand_at(in, AT_REG) == 1;
    o->loaded = o->store ? 1 : 0;
    o->dest_file = o->store ? operand_kind_of(in->row->opnd[1])->file : dest->file;
    if (o->store)
        return o->dest_file == RF_VEC;
    return o->memory > 0 &&
           (dest->file == RF_VEC || dest->file == RF_MASK || dest->file == RF_MMX ||
            dest->file == RF_GPR) &&
           (dest->field == AT_REG || dest->field == AT_VVVV);
}

static unsigned operand_bytes(const struct insn *in, int i)
{
    return insn_operand_bytes(in, OPND_SIZE(in->row->opnd[i]));
}

/* Vector operand i of the guest at the width the instruction gives it. */
static void read_operand_register(struct vcpu *cpu, const struct insn *in, int i, uint8_t *out)
{
    vreg_read(cpu, operand_register(in, in->row->opnd[i]), operand_bytes(in, i), out);
}

/* PCMPESTRx's lengths, EAX and EDX (RAX and RDX with W in 64-bit code). Outside 64-bit code
 * VEX.W is ignored (measured: VEX.W1 VPCMPESTRI in 32-bit code takes EDX = FFFFFFFFh as -1),
 * so there they are EAX and EDX sign-extended: the stub, which runs in 64-bit code with the
 * decoded W, then sees the same lengths. */
static void string_lengths(struct vcpu *cpu, const struct insn *in, struct simd_host_regs *h)
{
    bool wide = in->mode == MODE_64;

    h->rax = reg_get(cpu, R_RAX);
    h->rdx = reg_get(cpu, R_RDX);
    if (!wide) {
        h->rax = (uint64_t)(int64_t)(int32_t)h->rax;
        h->rdx = (uint64_t)(int64_t)(int32_t)h->rdx;
    }
}

/* The guest's registers into the host's: a vector operand 0 (a destination, which legacy
 * SSE reads and an EVEX merge keeps, or PTEST's source) into register 0 (3 beside XMM0), an
 * MMX destination into mm0,
 * vvvv into register 1, /is4 into 2, each at the width the instruction gives it; the implicit
 * XMM0 into register 0; EAX and EDX; the EVEX mask into k1. */
static void load_registers(struct vcpu *cpu, const struct insn *in,
                           const struct simd_compute_row *row, const struct compute_operands *o,
                           struct simd_host_regs *h)
{
    int is4 = operand_at(in, AT_IS4);

    if (o->dest_file == RF_VEC)
        read_operand_register(cpu, in, o->loaded, h->v[dest_host_register(in)]);
    if (o->dest_file == RF_MMX)
        h->mm0 = mreg_read(cpu, operand_register(in, in->row->opnd[0]));
    if (o->vvvv >= 0)
        read_operand_register(cpu, in, o->vvvv, h->v[HOST_VVVV]);
    if (is4 >= 0)
        read_operand_register(cpu, in, is4, h->v[HOST_IS4]);
    if (row->regs == REGS_XMM0)
        vreg_read(cpu, 0, 16, h->v[0]);
    if (row->regs == REGS_STRI || row->regs == REGS_STRM)
        string_lengths(cpu, in, h);
    if (in->encoding == ENC_EVEX && in->evex_aaa)
        h->k1 = kreg_read(cpu, in->evex_aaa);
}

/* The bytes of a full (not broadcast) memory operand at the vector length: half of it for a
 * widening row (HALF: VCVTPS2PD zmm reads m256), a quarter for one widening four times
 * (QUARTER: VCVTPH2PD zmm reads m128), so that mask bit i, which counts destination elements,
 * is memory element i. */
static unsigned vector_memory_bytes(const struct insn *in, const struct simd_compute_row *row)
{
    static const uint8_t shift[] = { [READ_HALF] = 1, [READ_QUARTER] = 2 };

    return (16u << in->vex_l) >> shift[row->read];
}

/* The memory elements the CPU reads (bit i: element i of `element` bytes): all of them,
 * unless an EVEX mask suppresses the faults of masked-off elements (fs MASKED: memory element
 * i is the destination's element i) — then the enabled ones; a broadcast element is read
 * when any destination element is enabled. */
static uint64_t read_elements(const struct insn *in, const struct simd_compute_row *row, uint64_t k,
                              unsigned element)
{
    unsigned n = vector_memory_bytes(in, row) / element; /* the vector length's elements */
    uint64_t all = n >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1;

    if (in->encoding != ENC_EVEX || !in->evex_aaa || row->fs != FS_MASKED)
        return ~UINT64_C(0);
    return in->evex_b ? (k & all) != 0 : k;
}

/* How the memory operand is read: its element, the fault suppression, the elements read
 * (read_elements()) and the bytes the segment checks cover besides (mmu_vector_access). */
struct operand_read {
    unsigned element, fs;
    uint64_t elements, limited;
};

/* A legacy LOW8 row (a shift count, an unpack of the low halves): its low quadword read and
 * its pages checked, all 16 bytes limit-checked (measured, simd_compute.def); an MMX form's
 * m32 (PUNPCKLBW mm, m32) is read whole. A VEX/EVEX count (COUNT with an m128 operand):
 * read whole whatever the mask; else the row's element, or the broadcast one. */
static struct operand_read how_read(const struct insn *in, const struct simd_compute_row *row,
                                    const struct compute_operands *o, uint64_t k)
{
    bool count = row->read == READ_COUNT && OPND_SIZE(in->row->opnd[o->memory]) == SZ_dq;
    unsigned element =
        in->encoding == ENC_EVEX && in->evex_b ? insn_broadcast_bytes(in) : row->element;
    unsigned bytes = operand_bytes(in, o->memory);

    if (row->read == READ_LOW8) /* m128, or an MMX form's m64 or m32 */
        return (struct operand_read){ bytes < 8 ? bytes : 8, FS_MASKED, 1,
                                      (UINT64_C(1) << bytes) - 1 };
    if (count)
        return (struct operand_read){ element, FS_WHOLE, ~UINT64_C(0), 0 };
    return (struct operand_read){ element, row->fs, read_elements(in, row, k, element), 0 };
}

/* The memory operand as a move sees it (simd_move.h): a vector of elements, or one
 * broadcast element, read as how_read() says and checked and read by the moves' path —
 * alignment, segment, #AC, pages, 64 KiB wrap. */
static enum exec_result read_operand(struct vcpu *cpu, const struct insn *in,
                                     const struct simd_compute_row *row,
                                     const struct compute_operands *o, uint64_t offset, uint64_t k,
                                     uint8_t *buf)
{
    struct operand_read how = how_read(in, row, o, k);
    bool broadcast = in->encoding == ENC_EVEX && in->evex_b;
    const struct simd_move_row access = {
        .shape = SHAPE_FULL,
        .element = (uint8_t)how.element,
        .align = row->align,
        .ac = AC_PROFILE,
        .fs = (uint8_t)how.fs,
    };
    struct vec_move m = { .shape = SHAPE_FULL,
                          .element = (uint8_t)how.element,
                          .mask = how.elements };

    m.reg_bytes = m.mem_bytes = (uint8_t)(broadcast ? how.element : operand_bytes(in, o->memory));
    return simd_read_memory(cpu, in, &access, simd_profile_of(cpu->vendor), &m, offset, how.limited,
                            buf);
}

/* The MXCSR a stub runs with: an FP row's from the guest's (simd_mxcsr_for_host: its rounding,
 * DAZ and FTZ, every exception masked, no flag), the default for the others; false when the
 * host cannot load it. */
static bool host_mxcsr(struct vcpu *cpu, const struct simd_fp_row *fp, uint32_t *out)
{
    uint32_t m = fp ? simd_mxcsr_for_host(mxcsr_read(cpu), !fp->quiet) : MXCSR_MASKS;

    *out = m;
    return (m & ~simd_host_mxcsr_mask()) == 0;
}

#define CR4_OSXMMEXCPT (1u << 10) /* unmasked SIMD FP exceptions are #XM, else #UD */

/* Opmask bit i enabling elements 2i and 2i + 1: a complex FP16 multiply's bit enables a
 * dword, the pair's two FP16 halves. */
static uint64_t mask_per_pair(uint64_t k)
{
    uint64_t out = 0;

    for (unsigned i = 0; i < 32; i++)
        out |= (k >> i & 1) * (UINT64_C(3) << 2 * i);
    return out;
}

/* The result elements computed: the operands' elements in the memory operand (a scalar's
 * one; a broadcast's vector length), those the EVEX opmask enables. */
static uint64_t computed_elements(struct vcpu *cpu, const struct insn *in,
                                  const struct simd_fp_row *fp, unsigned mem_bytes)
{
    unsigned bytes =
        in->evex_b ? vector_memory_bytes(in, simd_compute_row(in->mnemonic)) : mem_bytes;
    unsigned n = bytes / simd_fp_element_bytes((enum simd_fp_format)fp->input);
    uint64_t all = n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
    uint64_t k = in->evex_aaa ? kreg_read(cpu, in->evex_aaa) : UINT64_MAX;

    return all & (fp->paired ? mask_per_pair(k) : k);
}

/* The MXCSR rule on the masked run (simd_mxcsr.h; a dot product's stage by stage,
 * simd_dot.h): commit with the flags raised, or #XM/#UD with the flags the CPU sets and
 * nothing else written (MXCSR kept with the fault), or unsupported where it cannot tell. */
static enum exec_result fp_outcome(struct vcpu *cpu, const struct insn *in,
                                   const struct simd_fp_row *fp, const uint8_t *dest_before,
                                   const struct simd_host_regs *h, const uint8_t *result,
                                   unsigned mem_bytes)
{
    uint32_t guest = mxcsr_read(cpu), after;
    bool osxmmexcpt = reg_get(cpu, R_CR4) & CR4_OSXMMEXCPT;
    enum exec_result r;
    const struct simd_fp_sources src = { dest_before, h->v[HOST_VVVV], h->mem,
                                         in->encoding == ENC_LEGACY, in->evex_b };
    struct simd_fp_run run = { .raised = h->mxcsr & MXCSR_FLAGS,
                               .format = (enum simd_fp_format)fp->result,
                               .result = result,
                               .computed = computed_elements(cpu, in, fp, mem_bytes),
                               .unmeasured = fp->unmeasured };
    const struct simd_dot dot = { fp, &src, mem_bytes / 16, (uint8_t)in->imm };
    enum simd_fp_verdict v;

    if (run.raised & (MXCSR_OE | MXCSR_UE) || !(guest & MXCSR_UE << MXCSR_MASK_SHIFT))
        run.unbounded = simd_fp_exactness(fp, &src, run.computed, guest & MXCSR_DAZ);
    v = fp->model == FP_DOT ? simd_dot_outcome(guest, osxmmexcpt, &run, &dot, &after)
                            : simd_mxcsr_outcome(guest, osxmmexcpt, &run, &after);
    if (v == SIMD_FP_UNDECIDED)
        return EXEC_UNSUPPORTED;
    if (after != guest)
        mxcsr_write(cpu, after);
    if (v == SIMD_FP_COMMIT)
        return EXEC_OK;
    /* CVTPS2PI mm, m64 and the others into an MMX register: measured on Zen 4, the #XM
     * keeps the MMX transition (TOS 0, every tag valid), the register unwritten */
    if (operand_kind_of(in->row->opnd[0])->file == RF_MMX)
        mmx_transition(cpu);
    r = raise_fault(cpu, v == SIMD_FP_XM ? EXC_XM : EXC_UD, false, 0);
    fault_commit_vector(cpu, XS_LEGACY); /* MXCSR and the x87 words: the legacy region */
    return r;
}

/* A vector register's write-back: legacy SSE keeps the bits above `bytes`, VEX and EVEX
 * zero them to MAXVL (SDM vol. 1 §15.1; an EVEX merge's kept elements came from the
 * destination the host was given). */
static void write_vector(struct vcpu *cpu, const struct insn *in, unsigned n, unsigned bytes,
                         const uint8_t *value)
{
    vreg_write(cpu, n, bytes, value,
               in->encoding == ENC_LEGACY ? VREG_KEEP_UPPER : VREG_ZERO_UPPER);
}

/* The results: operand 0 (an opmask whole: the host zeroed what the instruction does; a GPR
 * at its operand size, a 32-bit one zero-extended as every 32-bit GPR write), or
 * as the row's implicit registers say — RFLAGS' status flags (PTEST, PCMPxSTRx), ECX
 * (a 32-bit write), XMM0, a pair of opmasks. */
static void write_result(struct vcpu *cpu, const struct insn *in,
                         const struct simd_compute_row *row, const struct compute_operands *o,
                         const struct simd_host_regs *h)
{
    unsigned dest = operand_register(in, in->row->opnd[0]);

    switch (row->regs) {
    case REGS_FLAGS: break;
    case REGS_STRI: reg_set(cpu, R_RCX, h->rcx & 0xffffffffu); break;
    case REGS_STRM: write_vector(cpu, in, 0, 16, h->v[0]); break;
    case REGS_XMM0: write_vector(cpu, in, dest, 16, h->v[HOST_XMM0_DEST]); return;
    case REGS_KPAIR: /* VP2INTERSECT: the pair k2, k3 into the guest's even/odd pair */
        kreg_write(cpu, dest & ~1u, h->k2);
        kreg_write(cpu, dest | 1u, h->k3);
        return;
    default:
        if (o->dest_file == RF_MASK)
            kreg_write(cpu, dest, h->k2);
        else if (o->dest_file == RF_MMX)
            mreg_write(cpu, dest, h->mm0); /* with the MMX transition */
        else if (o->dest_file == RF_GPR)
            gpr_write(cpu, dest, operand_bytes(in, 0), false, h->rax);
        else
            write_vector(cpu, in, dest, operand_bytes(in, 0), h->v[HOST_DEST]);
        return;
    }
    flags_update(cpu, FL_ARITH, h->rflags & FL_ARITH);
}

/* A store (VCVTPS2PH m, xmm/ymm/zmm, imm8): the stub writes the result to h->mem; the
 * destination is checked — the enabled elements, an EVEX mask's masked-off ones neither
 * checked nor written (E6) — before the MXCSR rule, whose #XM then writes nothing (measured
 * on Zen 4: a #PF of the destination comes first, MXCSR's flags unset); then the write,
 * MXCSR as it was should it fail. */
static enum exec_result run_store(struct vcpu *cpu, const struct insn *in,
                                  const struct simd_compute_row *row, uint64_t offset,
                                  const struct simd_fp_row *fp, const uint8_t *source,
                                  struct simd_host_regs *h, const void *stub)
{
    const struct simd_profile *p = simd_profile_of(cpu->vendor);
    const struct simd_move_row access = {
        .shape = SHAPE_FULL, .element = row->element, .ac = AC_PROFILE, .fs = row->fs
    };
    struct vec_move m = { .shape = SHAPE_FULL, .element = row->element, .store = true };
    uint32_t mxcsr = mxcsr_read(cpu);
    enum exec_result r;

    m.reg_bytes = m.mem_bytes = (uint8_t)operand_bytes(in, 0);
    m.mask = in->encoding == ENC_EVEX && in->evex_aaa ? h->k1 : ~UINT64_C(0);
    simd_host_run(stub, h);
    r = simd_check_store(cpu, in, &access, p, &m, offset);
    if (r == EXEC_OK && fp)
        r = fp_outcome(cpu, in, fp, source, h, h->mem, operand_bytes(in, 1));
    if (r != EXEC_OK)
        return r;
    r = simd_write_memory(cpu, in, &access, p, &m, offset, h->mem);
    if (r != EXEC_OK)
        mxcsr_write(cpu, mxcsr);
    return r;
}

/* With the stub held: the state checks, the registers, the memory operand, the run, the
 * write-back. Nothing is written unless all of it succeeds. */
static enum exec_result run_held(struct vcpu *cpu, const struct insn *in,
                                 const struct simd_compute_row *row,
                                 const struct compute_operands *o, const struct operand *ops,
                                 const void *stub)
{
    struct simd_host_regs h;
    uint8_t dest_before[sizeof h.v[HOST_DEST]]; /* an FP model's D source */
    const struct simd_fp_row *fp = row->mxcsr ? simd_fp_row(in->mnemonic) : NULL;
    enum exec_result r = simd_begin(cpu, in, simd_profile_of(cpu->vendor));

    if (r != EXEC_OK)
        return r;
    memset(&h, 0, sizeof h);
    if ((row->mxcsr && !fp) || !host_mxcsr(cpu, fp, &h.mxcsr))
        return EXEC_UNSUPPORTED;
    load_registers(cpu, in, row, o, &h);
    memcpy(dest_before, h.v[HOST_DEST], sizeof dest_before);
    if (o->store)
        return run_store(cpu, in, row, ops[0].offset, fp, dest_before, &h, stub);
    r = read_operand(cpu, in, row, o, ops[o->memory].offset, h.k1, h.mem);
    if (r != EXEC_OK)
        return r;
    if (o->dest_file == RF_MMX)
        simd_host_run_mmx(stub, &h);
    else
        simd_host_run(stub, &h);
    if (fp)
        r = fp_outcome(cpu, in, fp, dest_before, &h, h.v[HOST_DEST], operand_bytes(in, o->memory));
    if (r == EXEC_OK)
        write_result(cpu, in, row, o, &h);
    return r;
}

/* Every row of simd_compute.def: EXEC_UNSUPPORTED, the guest untouched, when the host
 * cannot run it (the option, the build, the host's features, a W^X policy). */
enum exec_result x_simd_compute(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    const struct simd_compute_row *row = simd_compute_row(in->mnemonic);
    uint8_t code[SIMD_STUB_BYTES];
    struct compute_operands o;
    const void *stub;
    enum exec_result r;

    if (!row || !cpu->host_simd || !find_operands(in, &o) ||
        !cpuid_simd_has(simd_compute_feature(in, row)) || !simd_compute_encode(in, code))
        return EXEC_UNSUPPORTED;
    stub = simd_host_acquire(code);
    if (!stub)
        return EXEC_UNSUPPORTED;
    r = run_held(cpu, in, row, &o, ops, stub);
    simd_host_release();
    return r;
}
