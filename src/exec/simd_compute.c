/* SIMD computation with a memory operand, run on the host (simd_compute.h). */
#include "exec/simd_compute.h"

#include <string.h>

#include "core/cpuid.h"
#include "core/vstate.h"
#include "exec/exec.h"
#include "exec/simd_move.h"
#include "optab.h"

/* ---- the allowlist ---- */

#define FEATURE_BASE SIMD_FEATURE_BASE
#define FEATURE_NONE SIMD_FEATURE_NONE
#define FEATURE_SSE2 CPU_SSE2
#define FEATURE_SSSE3 CPU_SSSE3
#define FEATURE_SSE41 CPU_SSE41
#define FEATURE_SSE42 CPU_SSE42
#define FEATURE_AVX CPU_AVX
#define FEATURE_AVX2 (CPU_AVX | CPU_AVX2)
#define FEATURE_AVX512F CPU_AVX512F
#define FEATURE_AVX512BW (CPU_AVX512F | CPU_AVX512BW)
#define FEATURE_AVX512DQ (CPU_AVX512F | CPU_AVX512DQ)
#define MXCSR_YES true
#define MXCSR_NO false

static const struct simd_compute_row rows[MN_COUNT] = {
#define READ_ALL false
#define READ_LOW8 true
#define X(mn, element_, align_, read_, fs_, mxcsr_, feature_, feature256_, evex_)                  \
    [MN_##mn] = { .element = (element_),                                                           \
                  .align = ALIGN_##align_,                                                         \
                  .low8 = READ_##read_,                                                            \
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

/* Whether ModRM.reg names an MMX register (PADDQ mm, m64: issue 13 M3). */
static bool mmx_form(const struct insn *in)
{
    int reg = operand_at(in, AT_REG);

    return reg >= 0 && operand_kind_of(in->row->opnd[reg])->file == RF_MMX;
}

uint32_t simd_compute_feature(const struct insn *in, const struct simd_compute_row *row)
{
    switch (in->encoding) {
    case ENC_LEGACY: return mmx_form(in) ? SIMD_FEATURE_NONE : row->feature;
    case ENC_VEX: return in->vex_l ? row->feature256 : row->feature;
    default: return SIMD_FEATURE_NONE; /* EVEX: issue 13 M2 */
    }
}

/* ---- the stub encoder ---- */

enum {
    HOST_DEST = 0, /* the destination's host register (ModRM.reg) */
    HOST_VVVV = 1, /* VEX.vvvv's */
    MODRM_RDI = 7, /* mod 00, r/m 111: [rdi] */
    OP_RET = 0xc3,
    OP_INT3 = 0xcc,
};

/* The escape bytes (legacy) or VEX.mmmmm of a map; 0: not a map the encoder builds. */
static unsigned map_select(const struct insn *in)
{
    static const uint8_t select[MAP_COUNT] = {
        [MAP_LEGACY_0F] = 1, [MAP_LEGACY_0F38] = 2, [MAP_LEGACY_0F3A] = 3,
        [MAP_VEX_0F] = 1,    [MAP_VEX_0F38] = 2,    [MAP_VEX_0F3A] = 3,
    };
    bool legacy_map = in->map >= MAP_LEGACY_0F && in->map <= MAP_LEGACY_0F3A;

    if (in->map >= MAP_COUNT || legacy_map != (in->encoding == ENC_LEGACY))
        return 0;
    return select[in->map];
}

/* What every encoding ends with: ModRM ([rdi], the destination or the opcode extension in
 * reg), the immediate, RET, INT3 padding. */
static bool encode_tail(const struct insn *in, uint8_t *code, unsigned n)
{
    unsigned reg = operand_at(in, AT_REG) >= 0 ? HOST_DEST : in->reg & 7u;

    if (in->imm_size > 1 || operand_at(in, AT_IS4) >= 0)
        return false;
    code[n++] = in->opcode;
    code[n++] = (uint8_t)(reg << 3 | MODRM_RDI);
    if (in->imm_size)
        code[n++] = (uint8_t)in->imm;
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
    if (in->vex_w)
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
    unsigned vvvv = operand_at(in, AT_VVVV) >= 0 ? HOST_VVVV : 0;

    if (in->vex_l > 1)
        return false;
    code[0] = 0xc4;
    code[1] = (uint8_t)(0xe0 | select);
    code[2] = (uint8_t)((in->vex_w ? 0x80 : 0) | (~vvvv & 15u) << 3 | (in->vex_l & 1u) << 2 |
                        (in->mandatory & 3u));
    return encode_tail(in, code, 3);
}

bool simd_compute_encode(const struct insn *in, uint8_t code[SIMD_STUB_BYTES])
{
    unsigned select = in->row && simd_compute_row(in->mnemonic) ? map_select(in) : 0;

    if (!select || in->mandatory > MP_F2)
        return false;
    if (in->encoding == ENC_LEGACY)
        return encode_legacy(in, select, code);
    return in->encoding == ENC_VEX && encode_vex(in, select, code);
}

/* ---- the executor ---- */

/* Where a decoded compute instruction's operands are, by their index in the row. */
struct compute_operands {
    int memory, dest, vvvv; /* -1: none */
};

/* The memory operand: ModRM r/m with mod != 3 (-1: a register form, which makes no exit). */
static int memory_operand(const struct insn *in)
{
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++)
        if (operand_in_memory(in, in->row->opnd[i]))
            return (int)i;
    return -1;
}

/* The forms run today: a memory operand, a vector destination in ModRM.reg. */
static bool find_operands(const struct insn *in, struct compute_operands *o)
{
    o->memory = memory_operand(in);
    o->dest = operand_at(in, AT_REG);
    o->vvvv = operand_at(in, AT_VVVV);
    return o->memory >= 0 && o->dest >= 0 &&
           operand_kind_of(in->row->opnd[o->dest])->file == RF_VEC;
}

static unsigned operand_bytes(const struct insn *in, int i)
{
    return insn_operand_bytes(in, OPND_SIZE(in->row->opnd[i]));
}

/* The guest's registers into the host's: the destination (which legacy SSE also reads) into
 * register 0, vvvv into register 1, each at the width the instruction gives it. */
static void load_registers(struct vcpu *cpu, const struct insn *in,
                           const struct compute_operands *o, struct simd_host_regs *h)
{
    vreg_read(cpu, operand_register(in, in->row->opnd[o->dest]), operand_bytes(in, o->dest),
              h->v[HOST_DEST]);
    if (o->vvvv >= 0)
        vreg_read(cpu, operand_register(in, in->row->opnd[o->vvvv]), operand_bytes(in, o->vvvv),
                  h->v[HOST_VVVV]);
}

/* The memory operand as a move sees it (simd_move.h): a whole vector of the row's elements
 * (a LOW8 row: its first quadword read and its pages checked, all 16 bytes limit-checked:
 * measured, simd_compute.def), checked and read by the moves' path — alignment, segment,
 * #AC, pages, 64 KiB wrap. */
static enum exec_result read_operand(struct vcpu *cpu, const struct insn *in,
                                     const struct simd_compute_row *row, uint64_t offset,
                                     unsigned bytes, uint8_t *buf)
{
    const struct simd_move_row access = {
        .shape = SHAPE_FULL,
        .element = row->low8 ? 8 : row->element,
        .align = row->align,
        .ac = AC_PROFILE,
        .fs = row->low8 ? FS_MASKED : row->fs,
    };
    struct vec_move m = { .shape = SHAPE_FULL,
                          .element = access.element,
                          .mask = row->low8 ? 1 : ~UINT64_C(0) };

    m.reg_bytes = m.mem_bytes = (uint8_t)bytes;
    return simd_read_memory(cpu, in, &access, simd_profile_of(cpu->vendor), &m, offset,
                            row->low8 ? UINT64_C(0xffff) : 0, buf);
}

/* The SIMD FP exception rule, one call: what the guest's MXCSR says of the exceptions the
 * masked run raised. Until the FP rule (simd_mxcsr.c, issue 13) lands, a row that reads
 * MXCSR commits only when nothing was raised; the integer and logic rows raise nothing. */
static enum exec_result mxcsr_outcome(const struct simd_compute_row *row, uint32_t raised)
{
    return row->mxcsr && raised ? EXEC_UNSUPPORTED : EXEC_OK;
}

/* MXCSR's exception flags (bits 5:0) and masks (bits 12:7), SDM vol. 1 §10.2.3. */
#define MXCSR_FLAGS 0x3fu
#define MXCSR_MASKS 0x1f80u

/* The MXCSR a stub runs with: the guest's rounding, DAZ and FTZ with every exception
 * masked and no flag set (an integer row: the default); false when the host cannot load it. */
static bool host_mxcsr(struct vcpu *cpu, const struct simd_compute_row *row, uint32_t *out)
{
    uint32_t m = row->mxcsr ? (mxcsr_read(cpu) | MXCSR_MASKS) & ~MXCSR_FLAGS : MXCSR_MASKS;

    *out = m;
    return (m & ~simd_host_mxcsr_mask()) == 0;
}

/* The destination's write-back: legacy SSE keeps the bits above its 16 bytes, VEX zeroes
 * them to MAXVL (SDM vol. 1 §15.1). */
static void write_result(struct vcpu *cpu, const struct insn *in, const struct compute_operands *o,
                         const struct simd_host_regs *h)
{
    vreg_write(cpu, operand_register(in, in->row->opnd[o->dest]), operand_bytes(in, o->dest),
               h->v[HOST_DEST], in->encoding == ENC_LEGACY ? VREG_KEEP_UPPER : VREG_ZERO_UPPER);
}

/* With the stub held: the state checks, the registers, the memory operand, the run, the
 * write-back. Nothing is written unless all of it succeeds. */
static enum exec_result run_held(struct vcpu *cpu, const struct insn *in,
                                 const struct simd_compute_row *row,
                                 const struct compute_operands *o, const struct operand *ops,
                                 const void *stub)
{
    struct simd_host_regs h;
    enum exec_result r = simd_begin(cpu, in, simd_profile_of(cpu->vendor));

    if (r != EXEC_OK)
        return r;
    memset(&h, 0, sizeof h);
    if (!host_mxcsr(cpu, row, &h.mxcsr))
        return EXEC_UNSUPPORTED;
    load_registers(cpu, in, o, &h);
    r = read_operand(cpu, in, row, ops[o->memory].offset, operand_bytes(in, o->memory), h.mem);
    if (r != EXEC_OK)
        return r;
    simd_host_run(stub, &h);
    r = mxcsr_outcome(row, h.mxcsr & MXCSR_FLAGS);
    if (r == EXEC_OK)
        write_result(cpu, in, o, &h);
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
