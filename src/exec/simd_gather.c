/* Gathers and scatters (VPGATHER*, VGATHER*, VPSCATTER*, VSCATTER*): the rows of
 * simd_move.def whose elements have an address each (VSIB), run by x_simd_move after its
 * state checks. Each enabled element is its own access, in element order; none checks #AC
 * (SDM VPGATHERDD: "does not perform AC checks"). At a fault the elements below the faulting
 * one are done, their mask bits cleared, and that progress is kept with the fault
 * (simd_gather_completed, fault_commit_vector); the guest re-executes the instruction for the
 * rest, as on the CPU (simd-design M8). */
#include <string.h>

#include "core/vstate.h"
#include "exec/operand.h"
#include "exec/simd_move.h"
#include "optab.h"

/* The operands of one gather or scatter, as bytes: the data register (a gather's old
 * destination, a scatter's source), the index register, the mask (the EVEX opmask, or the
 * MSB of each element of VEX's mask register), and the sizes. */
struct vsib_move {
    unsigned data_reg, mask_reg, element, index_bytes, count, data_bytes, mask_bytes, vl_bytes;
    bool evex;
    uint64_t enabled, opmask; /* the elements enabled; EVEX: the whole opmask register */
    uint8_t data[VEC_BYTES], index[VEC_BYTES], mask[VEC_BYTES];
};

/* The index register's element size: the letter after "gather"/"scatter" in the mnemonic
 * (VPGATHERDQ: dword indices, VGATHERQPS: qword indices), which the operand sizes alone do
 * not give (VPGATHERDQ and VPGATHERQQ have the same data and memory operands). */
static unsigned index_bytes_of(enum mnemonic mn)
{
    const char *name = mnemonic_name(mn), *gather = strstr(name, "gather");
    const char *letter = gather ? gather + 6 : strstr(name, "scatter");

    if (!gather && letter)
        letter += 7;
    return letter && *letter == 'q' ? 8 : 4;
}

/* The MSB of element i of the VEX mask register. */
static bool msb_set(const struct vsib_move *v, unsigned i)
{
    return (v->mask[(i + 1) * v->element - 1] & 0x80) != 0;
}

static void read_vsib_move(struct vcpu *cpu, const struct insn *in,
                           const struct simd_move_operands *ops, struct vsib_move *v)
{
    memset(v, 0, sizeof *v);
    v->evex = in->encoding == ENC_EVEX;
    v->element = simd_move_row(in->mnemonic)->element;
    v->index_bytes = index_bytes_of(in->mnemonic);
    v->data_reg = operand_register(in, in->row->opnd[ops->data]);
    v->data_bytes = insn_operand_bytes(in, OPND_SIZE(in->row->opnd[ops->data]));
    v->count = v->data_bytes / v->element;
    v->vl_bytes = 16u << (in->vex_l & 3);
    vreg_read(cpu, v->data_reg, v->vl_bytes, v->data);
    vreg_read(cpu, in->index, v->count * v->index_bytes, v->index);
    if (v->evex) {
        v->opmask = kreg_read(cpu, ops->opmask);
        v->enabled = v->opmask & ((UINT64_C(1) << v->count) - 1);
        return;
    }
    if (ops->other < 0)
        return; /* no mask register: a row the table got wrong enables nothing */
    v->mask_reg = operand_register(in, in->row->opnd[ops->other]);
    v->mask_bytes = v->data_bytes;
    vreg_read(cpu, v->mask_reg, v->mask_bytes, v->mask);
    for (unsigned i = 0; i < v->count; i++)
        v->enabled |= (uint64_t)msb_set(v, i) << i;
}

static uint64_t element_address(struct vcpu *cpu, const struct insn *in, const struct vsib_move *v,
                                unsigned i)
{
    uint64_t base = in->base != GPR_NONE ? reg_get(cpu, (enum reg_id)in->base) : 0;

    return vsib_element_address(v->index, v->index_bytes, i, base, in->scale, in->disp,
                                in->addrsize);
}

/* The mask when element `faulting` faults: the completed elements' bits cleared (EVEX, the
 * bits above the vector kept) or every element below it zeroed, enabled or not (VEX;
 * measured). */
static void progress_mask(struct vsib_move *v, uint64_t done, unsigned faulting)
{
    v->opmask &= ~done;
    memset(v->mask, 0, faulting * v->element);
}

/* Write back the data register (a gather) and the mask. The bits above them, as measured:
 * zeroed when the instruction completes; at a fault VEX keeps them, EVEX keeps those below
 * the vector length (a VGATHERQPS ymm of a 512-bit length) and zeroes the rest. */
static void write_back(struct vcpu *cpu, const struct simd_move_operands *ops,
                       const struct vsib_move *v, bool gather, bool faulted)
{
    enum vreg_upper upper = faulted && !v->evex ? VREG_KEEP_UPPER : VREG_ZERO_UPPER;

    if (gather)
        vreg_write(cpu, v->data_reg, faulted && v->evex ? v->vl_bytes : v->data_bytes, v->data,
                   upper);
    if (v->evex)
        kreg_write(cpu, ops->opmask, v->opmask);
    else
        vreg_write(cpu, v->mask_reg, v->mask_bytes, v->mask, upper);
}

/* One element's access: a gather's load into v->data, a scatter's store from it. */
static enum exec_result element_access(struct vcpu *cpu, const struct insn *in, struct vsib_move *v,
                                       unsigned i, bool gather)
{
    uint64_t address = element_address(cpu, in, v, i);
    uint8_t *at = v->data + i * v->element;

    if (gather)
        return mmu_read(cpu, (enum segreg)in->seg, address, at, v->element, MMU_NO_ALIGN_CHECK);
    return mmu_write(cpu, (enum segreg)in->seg, address, at, v->element, MMU_NO_ALIGN_CHECK);
}

enum exec_result simd_move_vsib(struct vcpu *cpu, const struct insn *in,
                                const struct simd_move_operands *ops)
{
    bool gather = simd_move_row(in->mnemonic)->shape == SHAPE_GATHER;
    struct vsib_move v;
    enum exec_result r = EXEC_OK;
    unsigned i;

    read_vsib_move(cpu, in, ops, &v);
    for (i = 0; i < v.count && r == EXEC_OK; i++)
        if ((v.enabled >> i) & 1)
            r = element_access(cpu, in, &v, i, gather);
    if (r != EXEC_OK && r != EXEC_FAULT)
        return r;
    if (r == EXEC_FAULT) {
        uint64_t done = simd_gather_completed(v.enabled, i - 1);
        if (!done && (v.evex || i == 1))
            return r; /* nothing done, no mask element below it: a precise fault */
        progress_mask(&v, done, i - 1);
        write_back(cpu, ops, &v, gather, true);
        /* a single-step trap pending on the completed elements is delivered instead of the
         * fault (SDM VPGATHERDD "Operation"; measured with TF here): the instruction stays
         * resumable, RIP on it, RF set, and the trap follows as after a REP's iteration */
        if (cpu->single_step && done)
            return EXEC_REP_PAUSED;
        fault_commit_vector(cpu, XS_SSE | XS_AVX | XS_OPMASK | XS_ZMM_HI256 | XS_HI16_ZMM);
        return r;
    }
    /* done: the whole mask register is zero (VPGATHERDD, "Operation") */
    v.opmask = 0;
    memset(v.mask, 0, sizeof v.mask);
    write_back(cpu, ops, &v, gather, false);
    return EXEC_OK;
}
