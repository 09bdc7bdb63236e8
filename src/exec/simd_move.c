#include "exec/simd_move.h"

#include <string.h>

#include "core/vstate.h"
#include "exec/exec.h"
#include "exec/simd_check.h"
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

/* simd_move_checked_bytes() of a move that accesses `enable` (vec_move_enable()). */
static uint64_t checked_bytes(const struct simd_profile *p, const struct simd_move_row *row,
                              const struct vec_move *m, uint64_t enable)
{
    uint64_t whole = m->mem_bytes >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << m->mem_bytes) - 1;

    switch (row->fs) {
    case FS_WHOLE: return whole;
    case FS_PROFILE: return vec_move_elements(m) || p->maskmov_zero_mask_faults ? whole : 0;
    default: return enable;
    }
}

uint64_t simd_move_checked_bytes(const struct simd_profile *p, const struct simd_move_row *row,
                                 const struct vec_move *m)
{
    return checked_bytes(p, row, m, vec_move_enable(m));
}

/* ---- the executor: one function for every row (docs/simd-moves.md, "The wiring step") ---- */

/* MXCSR.MM: AMD's misaligned SSE mode (simd_profile.h). */
#define MXCSR_MM (UINT32_C(1) << 17)

/* The exceptions of simd_check_state's results. */
static const uint8_t state_exceptions[] = {
    [SIMD_STATE_UD] = EXC_UD,
    [SIMD_STATE_NM] = EXC_NM,
    [SIMD_STATE_MF] = EXC_MF,
};

/* #UD, #NM, #MF from the guest's CR0, CR4, XCR0 and x87 words; XCR0 is read for the VEX and
 * EVEX forms only and the x87 words for the MMX ones (what operands_regs prefetched). */
static enum simd_check_result check_state(struct vcpu *cpu, const struct insn *in,
                                          const struct simd_profile *p)
{
    enum simd_state_class c = simd_state_class(in);
    struct simd_state s = { .cr0 = reg_get(cpu, R_CR0),
                            .cr4 = reg_get(cpu, R_CR4),
                            .protected_mode = cpu->protected_mode,
                            .v86 = cpu->v86 };

    if (in->encoding != ENC_LEGACY)
        s.xcr0 = xcr0_read(cpu);
    if (c == STATE_MMX || c == STATE_SSE_MMX) {
        s.fcw = x87_control(cpu);
        s.fsw = x87_status(cpu);
    }
    return simd_check_state(&s, in, p);
}

/* Register n of a file, as the little-endian bytes a vec_move holds (bytes of them). */
static void register_read(struct vcpu *cpu, unsigned file, unsigned n, unsigned bytes,
                          uint8_t out[VEC_BYTES])
{
    memset(out, 0, VEC_BYTES);
    if (file == RF_VEC)
        vreg_read(cpu, n, bytes, out);
    else
        store_le(out, 8, file == RF_MMX ? mreg_read(cpu, n) : kreg_read(cpu, n));
}

/* A load's destination: legacy SSE keeps the bits above the bytes it defines, VEX and EVEX
 * zero them to MAXVL (SDM vol. 1 §15.1); an MMX write makes the MMX transition. */
static void register_write(struct vcpu *cpu, const struct insn *in, unsigned file, unsigned n,
                           const struct vec_move *m, const uint8_t dest[VEC_BYTES])
{
    if (file == RF_MMX)
        mreg_write(cpu, n, load_le(dest, 8));
    else if (file == RF_MASK)
        kreg_write(cpu, n, load_le(dest, 8));
    else
        vreg_write(cpu, n, m->reg_bytes, dest,
                   in->encoding == ENC_LEGACY ? VREG_KEEP_UPPER : VREG_ZERO_UPPER);
}

/* The registers a move reads: its data register (a store's source, a load's old
 * destination), `other` (vvvv, MASKMOV's mask, or the destination itself) and the opmask. */
static void read_registers(struct vcpu *cpu, const struct insn *in,
                           const struct simd_move_operands *ops, struct vec_move *m)
{
    unsigned data = operand_register(in, in->row->opnd[ops->data]);

    register_read(cpu, ops->file, data, m->reg_bytes, m->reg);
    if (ops->other >= 0)
        register_read(cpu, ops->file, operand_register(in, in->row->opnd[ops->other]), m->reg_bytes,
                      m->other);
    else
        memcpy(m->other, m->reg, VEC_BYTES);
    if (ops->opmask)
        m->mask = kreg_read(cpu, ops->opmask);
}

/* Whether the CPU checks the access element by element, each element's segment limit or
 * canonical form before its pages, in address order: an AVX-512 access that suppresses
 * faults and names an opmask, VMASKMOV and VPMASKMOV, and a compress (measured: their low elements on an absent
 * page and high ones past the limit or the canonical boundary is #PF, not #GP or #SS) —
 * the accesses whose #AC unit is their element on AMD too. */
static unsigned checked_element(const struct simd_move_row *row, const struct vec_move *m,
                                bool opmask)
{
    bool masked = opmask || row->shape == SHAPE_VMASKMOV;
    bool by_element = (masked && row->fs == FS_MASKED) || row->shape == SHAPE_COMPRESS;

    return by_element ? vec_move_memory_element(m) : 0;
}

/* The pieces the CPU checks one after the other (0: the operand at once): a 64-byte store
 * by 32-byte halves, but a compress (measured: one whose offset wraps past 4 GiB in its
 * upper half faults on its lower half's page, or #AC, first; one that wraps exactly at the
 * half completes); MASKMOVDQU by 8-byte halves (its #AC unit; measured: its upper half
 * past the segment limit and the lower on an absent page is #PF). */
static unsigned checked_piece(const struct simd_move_row *row, const struct vec_move *m)
{
    if (row->shape == SHAPE_MASKMOV)
        return 8;
    return m->store && m->mem_bytes == 64 && row->shape != SHAPE_COMPRESS ? 32 : 0;
}

/* The memory access of a move, its checks in the CPU's order (simd_move.h). */
static struct mmu_vector_access memory_access(struct vcpu *cpu, const struct insn *in,
                                              const struct simd_move_row *row,
                                              const struct simd_profile *p,
                                              const struct vec_move *m, uint64_t offset)
{
    bool mxcsr_mm = row->align == ALIGN_LEGACY16 && (mxcsr_read(cpu) & MXCSR_MM);
    bool opmask = in->encoding == ENC_EVEX && in->evex_aaa;
    uint64_t enable = vec_move_enable(m);
    struct mmu_vector_access a = {
        .seg = (enum segreg)in->seg,
        .offset = offset,
        .size = m->mem_bytes,
        .enable = enable,
        .checked = checked_bytes(p, row, m, enable),
        .gp_align = simd_move_alignment(p, row, in, m, mxcsr_mm, vec_move_elements(m)),
        .ac_unit = simd_move_ac_unit(p, row, m, opmask),
        .piece = checked_piece(row, m),
        .element = checked_element(row, m, opmask),
        .wrap = row->shape == SHAPE_VMASKMOV,
    };
    return a;
}

/* With 16-bit addressing, the first element of a VMASKMOV's operand wholly past 64 KiB (0:
 * none): the CPU wraps the offsets of such elements (measured: a load at offset FFFFh reads
 * an element at offset 7; one that straddles 64 KiB is a limit fault), so the operand is
 * two accesses, the second from offset 0. */
static unsigned wrap_at_64k(const struct insn *in, const struct mmu_vector_access *a)
{
    unsigned e = a->element, at;

    if (in->addrsize != 2 || !a->wrap || !e || a->offset + a->size <= 0x10000)
        return 0;
    at = ((unsigned)(0x10000 - a->offset) + e - 1) / e * e;
    return at < a->size ? at : 0;
}

/* Bytes [from, from + size) of an access as an access of their own at `offset`. */
static struct mmu_vector_access part_of(const struct mmu_vector_access *a, unsigned from,
                                        unsigned size, uint64_t offset)
{
    struct mmu_vector_access part = *a;
    uint64_t bytes = (UINT64_C(1) << size) - 1; /* size < 64: a part of a split operand */

    part.offset = offset;
    part.size = size;
    part.enable = (a->enable >> from) & bytes;
    part.checked = (a->checked >> from) & bytes;
    return part;
}

/* An operand split at 64 KiB: both parts checked, then accessed (buf: the whole operand). */
static enum exec_result split_access(struct vcpu *cpu, const struct mmu_vector_access *a,
                                     unsigned at, uint8_t *buf, bool store)
{
    struct mmu_vector_access low = part_of(a, 0, at, a->offset);
    struct mmu_vector_access high = part_of(a, at, a->size - at, a->offset + at - 0x10000);
    unsigned access = store ? MMU_WRITE : MMU_READ;
    enum exec_result r = mmu_check_vector(cpu, &low, access);

    if (r == EXEC_OK)
        r = mmu_check_vector(cpu, &high, access);
    if (r == EXEC_OK)
        r = store ? mmu_write_vector(cpu, &low, buf) : mmu_read_vector(cpu, &low, buf);
    if (r == EXEC_OK)
        r = store ? mmu_write_vector(cpu, &high, buf + at) : mmu_read_vector(cpu, &high, buf + at);
    return r;
}

/* The operand's access, split where its offsets wrap. */
static enum exec_result access_memory(struct vcpu *cpu, const struct insn *in,
                                      const struct mmu_vector_access *a, uint8_t *buf, bool store)
{
    unsigned at = wrap_at_64k(in, a);

    if (at)
        return split_access(cpu, a, at, buf, store);
    return store ? mmu_write_vector(cpu, a, buf) : mmu_read_vector(cpu, a, buf);
}

enum exec_result simd_read_memory(struct vcpu *cpu, const struct insn *in,
                                  const struct simd_move_row *row, const struct simd_profile *p,
                                  const struct vec_move *m, uint64_t offset, uint64_t limited,
                                  uint8_t *buf)
{
    struct mmu_vector_access a = memory_access(cpu, in, row, p, m, offset);

    a.limited = limited;
    return access_memory(cpu, in, &a, buf, false);
}

enum exec_result simd_check_store(struct vcpu *cpu, const struct insn *in,
                                  const struct simd_move_row *row, const struct simd_profile *p,
                                  const struct vec_move *m, uint64_t offset)
{
    struct mmu_vector_access a = memory_access(cpu, in, row, p, m, offset);

    return mmu_check_vector(cpu, &a, MMU_WRITE);
}

enum exec_result simd_write_memory(struct vcpu *cpu, const struct insn *in,
                                   const struct simd_move_row *row, const struct simd_profile *p,
                                   const struct vec_move *m, uint64_t offset, uint8_t *buf)
{
    struct mmu_vector_access a = memory_access(cpu, in, row, p, m, offset);

    return access_memory(cpu, in, &a, buf, true);
}

enum exec_result simd_begin(struct vcpu *cpu, const struct insn *in, const struct simd_profile *p)
{
    enum exec_result r =
        vstate_begin(cpu, simd_need(in, in->encoding == ENC_LEGACY ? 0 : xcr0_read(cpu)));
    enum simd_check_result st;

    if (r != EXEC_OK)
        return r;
    st = check_state(cpu, in, p);
    return st == SIMD_STATE_OK ? EXEC_OK : raise_fault(cpu, state_exceptions[st], false, 0);
}

/* The memory operand's offset: ModRM's effective address, or MASKMOV's rDI. */
static uint64_t memory_offset(struct vcpu *cpu, const struct insn *in, const struct operand *op)
{
    if (op->type == OPT_MEM)
        return op->offset;
    return reg_get(cpu, R_RDI) & size_mask(in->addrsize);
}

/* A MASKMOVQ that faults on its memory operand (#GP, #SS, #PF, #AC) has made the MMX
 * transition first on some CPUs (simd_profile.h); the fault keeps it. */
static enum exec_result maskmovq_fault(struct vcpu *cpu, const struct simd_profile *p,
                                       unsigned file, enum exec_result r)
{
    if (r == EXEC_FAULT && file == RF_MMX && p->maskmovq_transition_at_fault) {
        mmx_transition(cpu);
        fault_commit_vector(cpu, XS_X87);
    }
    return r;
}

/* The access and the register write-back of a contiguous move. */
static enum exec_result move_data(struct vcpu *cpu, const struct insn *in,
                                  const struct simd_move_row *row, const struct simd_profile *p,
                                  const struct simd_move_operands *ops, struct vec_move *m,
                                  uint64_t offset)
{
    struct mmu_vector_access a = memory_access(cpu, in, row, p, m, offset);
    uint8_t dest[VEC_BYTES];
    enum exec_result r;

    if (m->store) {
        vec_move_store(m);
        r = access_memory(cpu, in, &a, m->mem, true);
        if (row->shape == SHAPE_MASKMOV)
            r = maskmovq_fault(cpu, p, ops->file, r);
        if (r == EXEC_OK && ops->file == RF_MMX)
            mmx_transition(cpu);
        return r;
    }
    r = access_memory(cpu, in, &a, m->mem, false);
    if (r != EXEC_OK)
        return r;
    vec_move_load(m, dest);
    register_write(cpu, in, ops->file, operand_register(in, in->row->opnd[ops->data]), m, dest);
    return EXEC_OK;
}

/* Every move of simd_move.def: the state checks, the vector state the instruction needs
 * (EXEC_UNSUPPORTED, the guest untouched, when only the extension could serve it and the
 * VMM has none), the registers into a vec_move, the access, the write-back. */
enum exec_result x_simd_move(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    const struct simd_move_row *row = simd_move_row(in->mnemonic);
    const struct simd_profile *p = simd_profile_of(cpu->vendor);
    struct simd_move_operands where;
    struct vec_move m;
    enum exec_result r;

    /* the geometry fills the header and read_registers reg and other; of mem, the access
     * and the move read or write only the enabled bytes: zeroed for what no byte reaches */
    memset(m.mem, 0, sizeof m.mem);
    if (!row || !simd_move_geometry(in, row, &m, &where))
        return EXEC_UNSUPPORTED; /* a register form (no MMIO exit comes from it) */
    r = simd_begin(cpu, in, p);
    if (r != EXEC_OK)
        return r;
    if (row->shape == SHAPE_VSIB_HINT)
        return EXEC_OK; /* a prefetch: no access, no fault */
    if (row->shape == SHAPE_GATHER || row->shape == SHAPE_SCATTER)
        return simd_move_vsib(cpu, in, &where);
    read_registers(cpu, in, &where, &m);
    return move_data(cpu, in, row, p, &where, &m, memory_offset(cpu, in, &ops[where.memory]));
}
