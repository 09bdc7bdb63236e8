#include "exec/simd_move.h"

#include "optab.h"

static const struct simd_move_row rows[MN_COUNT] = {
#define X(mn, shape_, element_, align_, ac_, fs_, sse_, evex_)                                     \
    [MN_##mn] = { .shape = SHAPE_##shape_,                                                         \
                  .element = (element_),                                                           \
                  .align = ALIGN_##align_,                                                         \
                  .ac = AC_##ac_,                                                                  \
                  .fs = FS_##fs_,                                                                  \
                  .sse_class = CLASS_##sse_,                                                       \
                  .evex_class = CLASS_##evex_ },
#include "exec/simd_move.def"
#undef X
};

const struct simd_move_row *simd_move_row(enum mnemonic mn)
{
    return (unsigned)mn < MN_COUNT && rows[mn].element ? &rows[mn] : NULL;
}

/* The shapes whose register is an XMM register whatever the vector length (the scalar,
 * half and single-element moves); the others span VEX.L / EVEX.L'L. */
static bool fixed_128(unsigned shape)
{
    return shape == SHAPE_SCALAR || shape == SHAPE_HALF_LOW || shape == SHAPE_HALF_HIGH ||
           shape == SHAPE_EXTRACT || shape == SHAPE_INSERT || shape == SHAPE_INSERTPS;
}

static unsigned register_bytes(const struct insn *in, unsigned shape, unsigned file)
{
    if (file != RF_VEC)
        return 8; /* MMX, opmask */
    if (fixed_128(shape) || in->encoding == ENC_LEGACY)
        return 16;
    return 16u << (in->vex_l & 3);
}

/* The operand that is memory: ModRM memory, a VSIB address, MASKMOV's DS:rDI; -1: none. */
static int memory_operand(const struct insn *in)
{
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++)
        if (operand_in_memory(in, in->row->opnd[i]) ||
            operand_kind_of(in->row->opnd[i])->memory == MEM_DS_RDI)
            return (int)i;
    return -1;
}

/* The operand in field `field` (-1: none). */
static int operand_at(const struct insn *in, enum operand_field field)
{
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++)
        if (operand_kind_of(in->row->opnd[i])->field == field)
            return (int)i;
    return -1;
}

/* Where `other` comes from: vvvv (VEX/EVEX merges, VMASKMOV's mask), MASKMOV's mask in
 * r/m, or the destination itself (legacy SSE and MMX merges: -1). */
static int other_operand(const struct insn *in, unsigned shape)
{
    if (shape == SHAPE_MASKMOV)
        return operand_at(in, AT_RM_REG);
    return operand_at(in, AT_VVVV);
}

bool simd_move_geometry(const struct insn *in, const struct simd_move_row *row, struct vec_move *m,
                        struct simd_move_operands *ops)
{
    int memory = in->row ? memory_operand(in) : -1, data = in->row ? operand_at(in, AT_REG) : -1;

    /* a VSIB prefetch has no register operand: it needs none */
    if (memory < 0 || (data < 0 && row->shape != SHAPE_VSIB_HINT))
        return false;
    ops->memory = (uint8_t)memory;
    ops->data = (uint8_t)(data < 0 ? memory : data);
    ops->file = data < 0 ? RF_VEC : operand_kind_of(in->row->opnd[data])->file;
    ops->other = (int8_t)other_operand(in, row->shape);
    ops->opmask = in->encoding == ENC_EVEX ? in->evex_aaa : 0;
    m->shape = row->shape;
    m->element = row->element;
    m->reg_bytes = (uint8_t)register_bytes(in, row->shape, ops->file);
    m->mem_bytes = (uint8_t)insn_operand_bytes(in, OPND_SIZE(in->row->opnd[memory]));
    m->imm = (uint8_t)in->imm;
    m->store = memory == 0 || row->shape == SHAPE_MASKMOV;
    m->zeroing = in->encoding == ENC_EVEX && in->evex_z;
    m->mask = ~UINT64_C(0);
    return !simd_shape_contiguous(row->shape) || vec_move_valid(m);
}

unsigned simd_move_alignment(const struct simd_profile *p, const struct simd_move_row *row,
                             const struct insn *in, const struct vec_move *m, bool mxcsr_mm,
                             uint64_t enabled)
{
    switch (row->align) {
    case ALIGN_FULL:
        if (in->encoding == ENC_EVEX && enabled == 0 && p->aligned_zero_mask_no_gp)
            return 0;
        return m->mem_bytes;
    case ALIGN_LEGACY16:
        if (in->encoding != ENC_LEGACY || m->mem_bytes != 16)
            return 0;
        return mxcsr_mm && p->misaligned_sse_mode ? 0 : 16;
    default: return 0;
    }
}

unsigned simd_move_ac_unit(const struct simd_profile *p, const struct simd_move_row *row,
                           const struct vec_move *m, bool opmask)
{
    bool by_element = (opmask && row->fs == FS_MASKED) || row->shape == SHAPE_COMPRESS;

    if (row->ac == AC_NEVER)
        return 0;
    if (by_element && p->ac_by_element_with_opmask)
        return vec_move_memory_element(m);
    if (m->mem_bytes <= 8)
        return m->mem_bytes;
    return row->shape == SHAPE_MASKMOV ? p->maskmov_ac_unit : p->vector_ac_unit;
}

uint64_t simd_move_checked_bytes(const struct simd_profile *p, const struct simd_move_row *row,
                                 const struct vec_move *m)
{
    uint64_t whole = m->mem_bytes >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << m->mem_bytes) - 1;

    switch (row->fs) {
    case FS_WHOLE: return whole;
    case FS_PROFILE: return vec_move_elements(m) || p->maskmov_zero_mask_faults ? whole : 0;
    default: return vec_move_enable(m);
    }
}
