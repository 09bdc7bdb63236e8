/* The x87 memory forms, FXSAVE/FXRSTOR (REX.W too) and (V)LDMXCSR/(V)STMXCSR through the
 * API: the guest's state from the SDK register names, the operand through the MMU, the
 * instruction itself by x87_execute (x87.h, pure), the changed names written back.
 *
 * The order is the one measured on this CPU (tests/x87/test_x87_align, docs/x87.md "The
 * checks and their order"): the state checks (#UD, #NM, #MF, before any memory access); the
 * whole operand's segment and canonical checks; #AC; the alignment #GP(0); every page of the
 * operand (for a form that writes: for writing, even when an unmasked exception will stop the
 * store); the read; the instruction (FXRSTOR's and LDMXCSR's #GP(0) of a reserved MXCSR bit);
 * the write; the registers. A fault anywhere leaves every register as it was. */
#include <string.h>

#include "core/regcache.h"
#include "exec/exec.h"
#include "exec/x87.h"
#include "exec/x87_fxsave.h"

/* The 26 SDK names are register ids below 64, so that their REG_BIT set is one word. */
_Static_assert(R_XMM_CONTROL_STATUS < 64, "the SDK vector names fit the integer register word");
_Static_assert(R_XMM_CONTROL_STATUS - R_XMM0 + 1 == X87_SDK_COUNT, "26 consecutive names");

uint64_t x87_state_regs(const struct insn *in)
{
    uint64_t regs = (uint64_t)x87_sdk_registers(in) << R_XMM0 | REG_BIT(R_CR0) | REG_BIT(R_CR4);

    if (!x87_form_of(in))
        regs |= REG_BIT(R_EFER); /* FXSAVE/FXRSTOR: AMD's fast forms */
    if (in->encoding == ENC_VEX)
        regs |= REG_BIT(R_XCR0);
    return regs;
}

/* ---- the state: the SDK names the instruction reads ---- */

/* The state from the names of the set, the others taken as zero (never read, never
 * written). */
static void state_read(struct vcpu *cpu, uint32_t names, bool mode64, struct fxsave_state *s)
{
    WHV_REGISTER_VALUE values[X87_SDK_COUNT];

    memset(values, 0, sizeof values);
    for (unsigned i = 0; i < X87_SDK_COUNT; i++)
        if (names & (UINT32_C(1) << i))
            values[i].Reg128 = reg_read128(cpu, R_VECTOR_NAME(i));
    fxsave_state_from_registers(s, values, mode64);
}

/* Write the names of the set whose value differs between the states `before` and `after`
 * (both as the names carry them: a name nothing changed is not written, whatever reserved
 * bits the VMM left in it). */
static void names_write(struct vcpu *cpu, uint32_t names, const struct fxsave_state *before,
                        const struct fxsave_state *after, bool mode64)
{
    WHV_REGISTER_VALUE old[X87_SDK_COUNT], now[X87_SDK_COUNT];

    fxsave_state_to_registers(before, old, mode64);
    fxsave_state_to_registers(after, now, mode64);
    for (unsigned i = 0; i < X87_SDK_COUNT; i++)
        if ((names & (UINT32_C(1) << i)) && memcmp(&old[i].Reg128, &now[i].Reg128, 16) != 0)
            reg_write128(cpu, R_VECTOR_NAME(i), now[i].Reg128);
}

/* ---- the request ---- */

static enum x87_mode mode_of(const struct vcpu *cpu)
{
    if (!cpu->protected_mode || cpu->v86)
        return X87_REAL_OR_V86;
    return cpu->code_mode == MODE_64 ? X87_LONG64 : X87_PROTECTED;
}

/* What the pointers record (x87.h struct x87_site). In 64-bit code the selectors are not
 * fetched: the names' 64-bit format has no room for them. */
static struct x87_site site_of(struct vcpu *cpu, const struct insn *in, const struct operand *m)
{
    const WHV_X64_SEGMENT_REGISTER *cs = &reg_value(cpu, R_CS)->Segment;
    struct x87_site site = { 0 };

    site.ip = reg_get(cpu, R_RIP);
    site.offset = m->offset;
    site.cs = cs->Selector;
    site.cs_base = cs->Base;
    site.mode = (uint8_t)mode_of(cpu);
    site.fop = x87_fop(in);
    if (site.mode != X87_LONG64) {
        const WHV_X64_SEGMENT_REGISTER *seg = &reg_value(cpu, REG_SEG(m->seg))->Segment;
        site.seg = seg->Selector;
        site.seg_base = seg->Base;
    }
    return site;
}

static struct x87_request request_of(struct vcpu *cpu, const struct insn *in,
                                     const struct operand *m)
{
    struct x87_request rq = { 0 };

    rq.insn = in;
    rq.cr0 = reg_get(cpu, R_CR0);
    rq.cr4 = reg_get(cpu, R_CR4);
    rq.efer = x87_form_of(in) ? 0 : reg_get(cpu, R_EFER);
    rq.xcr0 = in->encoding == ENC_VEX ? reg_get(cpu, R_XCR0) : 0;
    rq.cpl = cpu->cpl;
    rq.site = site_of(cpu, in, m);
    rq.profile = x87_profile_of(cpu->vendor);
    return rq;
}

/* A check's exception; X87_NO_FERR_PATH (CR0.NE clear) is the external path the API cannot
 * express. */
static enum exec_result check_result(struct vcpu *cpu, enum x87_check check)
{
    static const uint8_t vectors[] = {
        [X87_NM] = EXC_NM, [X87_MF] = EXC_MF, [X87_UD] = EXC_UD, [X87_GP] = EXC_GP
    };

    switch (check) {
    case X87_RUNS: return EXEC_OK;
    case X87_NO_FERR_PATH: return EXEC_UNSUPPORTED;
    default: return raise_fault(cpu, vectors[check], check == X87_GP, 0);
    }
}

/* ---- the operand: up to 512 bytes, in pieces the MMU takes ---- */

struct x87_operand {
    enum segreg seg;
    uint64_t offset;
    unsigned size, addrsize;
};

static const struct operand *memory_operand(const struct operand *ops)
{
    for (unsigned n = 0; n < MAX_OPERANDS; n++)
        if (ops[n].type == OPT_MEM)
            return &ops[n];
    return NULL;
}

static bool misaligned(uint64_t linear, unsigned unit)
{
    return unit > 1 && (linear & (unit - 1)) != 0;
}

/* The whole operand's segment and canonical checks, then #AC, then the alignment #GP(0):
 * the alignment rules are the instruction's, not the MMU's size-based ones. */
static enum exec_result check_address(struct vcpu *cpu, const struct x87_request *rq,
                                      const struct x87_operand *op, unsigned access)
{
    struct x87_alignment a = x87_alignment_of(rq->insn, &rq->profile);
    uint64_t linear;
    enum exec_result r = mmu_linear(cpu, op->seg, op->offset, op->size, access, &linear);

    if (r != EXEC_OK)
        return r;
    if (mmu_alignment_checking(cpu) && misaligned(linear, a.ac_unit))
        return raise_fault(cpu, EXC_AC, true, 0);
    if (misaligned(linear, a.gp_align))
        return raise_fault(cpu, EXC_GP, true, 0);
    return EXEC_OK;
}

/* Bytes [0, bytes) of the operand in pieces of at most MMU_MAX_ACCESS: probed (buf NULL),
 * read or written. #AC has been checked for the whole operand. */
static enum exec_result pieces(struct vcpu *cpu, const struct x87_operand *op, uint8_t *buf,
                               unsigned bytes, unsigned access)
{
    for (unsigned at = 0; at < bytes; at += MMU_MAX_ACCESS) {
        unsigned n = bytes - at < MMU_MAX_ACCESS ? bytes - at : MMU_MAX_ACCESS;
        uint64_t offset = (op->offset + at) & size_mask(op->addrsize);
        unsigned flags = access | MMU_NO_ALIGN_CHECK;
        enum exec_result r;

        if (!buf)
            r = mmu_probe(cpu, op->seg, offset, n, flags);
        else if (access & MMU_WRITE)
            r = mmu_write(cpu, op->seg, offset, buf + at, n, flags);
        else
            r = mmu_read(cpu, op->seg, offset, buf + at, n, flags);
        if (r != EXEC_OK)
            return r;
    }
    return EXEC_OK;
}

/* The environment and save areas (more than the 10 bytes of the largest data operand): this
 * CPU checks the pages of their first field (FCW: 4 bytes, 2 in the 16-bit layouts), then of
 * their last byte (measured: where only the second page faults, CR2 is the first byte on it
 * when the first field reaches it, else the operand's last byte; tests/x87/test_x87_align). */
#define X87_DATA_MAX 10u

static enum exec_result probe_ends(struct vcpu *cpu, const struct insn *in,
                                   const struct x87_operand *op, unsigned access)
{
    uint64_t last = (op->offset + op->size - 1) & size_mask(op->addrsize);
    unsigned first = in->opsize == 2 ? 2 : 4;
    enum exec_result r = mmu_probe(cpu, op->seg, op->offset, first, access | MMU_NO_ALIGN_CHECK);

    return r == EXEC_OK ? mmu_probe(cpu, op->seg, last, 1, access | MMU_NO_ALIGN_CHECK) : r;
}

/* Every check of the operand before the instruction runs (its at most two pages: every page
 * before the first write); a form that reads has its bytes. */
static enum exec_result operand_before(struct vcpu *cpu, const struct x87_request *rq,
                                       const struct x87_operand *op, uint8_t *buf)
{
    bool reads = x87_reads_operand(rq->insn);
    unsigned access = reads ? MMU_READ : MMU_WRITE;
    enum exec_result r = check_address(cpu, rq, op, access);

    if (r == EXEC_OK && op->size > X87_DATA_MAX)
        r = probe_ends(cpu, rq->insn, op, access);
    else if (r == EXEC_OK && !reads)
        r = pieces(cpu, op, NULL, op->size, access);
    if (r == EXEC_OK && reads)
        r = pieces(cpu, op, buf, op->size, MMU_READ);
    return r;
}

/* ---- the family function ---- */

/* The instruction on a copy of the state, its write, the names it changed. */
static enum exec_result run_and_commit(struct vcpu *cpu, const struct x87_request *rq,
                                       const struct fxsave_state *before,
                                       const struct x87_operand *op, uint8_t *buf)
{
    struct fxsave_state after = *before;
    struct x87_outcome o = x87_execute(rq, &after, buf);
    enum exec_result r;

    if (o.unsupported)
        return EXEC_UNSUPPORTED;
    r = check_result(cpu, o.check);
    if (r == EXEC_OK && o.written)
        r = pieces(cpu, op, buf, o.written, MMU_WRITE);
    if (r == EXEC_OK)
        names_write(cpu, x87_sdk_registers(rq->insn), before, &after, rq->site.mode == X87_LONG64);
    return r;
}

enum exec_result x_x87(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    const struct operand *m = memory_operand(ops);
    uint8_t buf[FXSAVE_BYTES] = { 0 };
    struct fxsave_state before;
    struct x87_request rq;
    struct x87_operand op;
    enum exec_result r;

    if (!m || !x87_handles(in))
        return EXEC_UNSUPPORTED; /* the register forms of these mnemonics */
    rq = request_of(cpu, in, m);
    op =
        (struct x87_operand){ (enum segreg)m->seg, m->offset, x87_operand_bytes(in), in->addrsize };
    state_read(cpu, x87_sdk_registers(in), rq.site.mode == X87_LONG64, &before);
    r = check_result(cpu, x87_check(&rq, &before));
    if (r == EXEC_OK)
        r = operand_before(cpu, &rq, &op, buf);
    return r == EXEC_OK ? run_and_commit(cpu, &rq, &before, &op, buf) : r;
}
