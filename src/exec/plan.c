/* Decode-cache plans (plan.h): made once per entry, run per exit. */
#include "exec/plan_run.h"

#include <string.h>

#include "core/vstate.h"

#include "exec/exec.h"
#include "exec/flags.h"
#include "exec/insn_cache.h"
#include "exec/io.h"
#include "exec/simd_check.h"
#include "optab.h"

/* A plan's Get names its registers by enum gpr, which is how the SDK numbers RAX..R15. */
_Static_assert(WHvX64RegisterRax == 0 && WHvX64RegisterR15 == 15 && R_R15 == 15,
               "the first 16 register names are the GPRs in encoding order");

/* ---- making a plan ---- */

/* The registers a plan may Get: the GPRs; a vector plan's CR0, CR4, XCR0 (its state checks)
 * and XMM0-15 too. */
#define GPR_IDS ((REG_BIT(R_R15) << 1) - 1)
#define VECTOR_PLAN_IDS                                                                            \
    (GPR_IDS | REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_XCR0) |                                 \
     ((REG_BIT(R_XMM15) << 1) - REG_BIT(R_XMM0)))

/* The Get call's registers: the instruction's, when they are at most PLAN_MAX_GETS of those
 * (in 64-bit code through DS, ES, SS or CS there is no segment register). */
static bool plan_gets(struct plan *p, struct regset needs)
{
    uint64_t bits = needs.word[0];

    for (unsigned w = 1; w < REGSET_WORDS; w++)
        if (needs.word[w])
            return false;
    if (bits & ~(vector_kind(p->kind) ? VECTOR_PLAN_IDS : GPR_IDS))
        return false;
    for (; bits; bits &= bits - 1) {
        if (p->get_count == PLAN_MAX_GETS)
            return false;
        p->get_name[p->get_count] = reg_whv_name((enum reg_id)lowest_bit(bits));
        p->get[p->get_count++] = (uint8_t)lowest_bit(bits);
    }
    return true;
}

/* The address of memory operand m, as effective_address computes it (a moffs operand's
 * offset is whole already). */
static void plan_address(struct plan *p, const struct insn *in, const struct operand *m)
{
    p->access_size = m->size;
    p->addrsize = in->addrsize;
    p->base = p->index = GPR_NONE;
    if (!m->modrm_address) {
        p->disp = m->offset;
        return;
    }
    p->base = in->base;
    p->index = in->index;
    p->scale = in->scale;
    p->rip_relative = in->rip_relative;
    p->disp = (uint64_t)(int64_t)in->disp;
}

static void plan_gpr(struct plan *p, const struct operand *r)
{
    p->gpr = r->reg;
    p->gpr_size = r->size;
    p->high8 = r->high8;
}

/* Whether operand m is memory that the exit's page can serve in one access (mmu_in_exit_page):
 * at most 8 bytes, through a segment without a base in 64-bit code. */
static bool exit_page_operand(const struct operand *m)
{
    return m->type == OPT_MEM && m->size != 0 && m->size <= 8 && m->seg != SEG_FS &&
           m->seg != SEG_GS;
}

/* MOV, MOVZX, MOVSX, MOVSXD between a GPR (stored: or an immediate) and such memory. */
static enum plan_kind move_plan(struct plan *p, const struct insn *in,
                                const struct operand ops[MAX_OPERANDS])
{
    bool load = ops[1].type == OPT_MEM;
    const struct operand *m = &ops[load ? 1 : 0], *r = &ops[load ? 0 : 1];

    if (!exit_page_operand(m))
        return PLAN_GENERAL;
    /* MOVSXD r16 reads a word, or on AMD a doubleword (x_movsx): the vendor's, not a plan's */
    if (load && (r->type != OPT_GPR || (in->mnemonic == MN_movsxd && r->size == 2)))
        return PLAN_GENERAL;
    if (!load && (in->mnemonic != MN_mov || (r->type != OPT_GPR && r->type != OPT_IMM)))
        return PLAN_GENERAL;
    plan_address(p, in, m);
    plan_gpr(p, r);
    p->sign_extend = in->mnemonic == MN_movsx || in->mnemonic == MN_movsxd;
    p->imm_source = r->type == OPT_IMM;
    p->imm = r->imm;
    return load ? PLAN_LOAD : PLAN_STORE;
}

/* The two-operand group (x_alu) with such memory as its destination and a GPR or an
 * immediate as its source. */
static enum plan_kind alu_plan(struct plan *p, const struct insn *in,
                               const struct operand ops[MAX_OPERANDS])
{
    if (!exit_page_operand(&ops[0]) || (ops[1].type != OPT_GPR && ops[1].type != OPT_IMM))
        return PLAN_GENERAL;
    plan_address(p, in, &ops[0]);
    plan_gpr(p, &ops[1]);
    p->imm_source = ops[1].type == OPT_IMM;
    p->imm = ops[1].imm;
    p->read_only = in->mnemonic == MN_cmp || in->mnemonic == MN_test;
    p->mnemonic = (uint16_t)in->mnemonic;
    p->stub = host_op_stub(in->mnemonic, false, ops[0].size);
    return PLAN_ALU;
}

/* The moves of a whole vector register (simd_move.def), legacy SSE and VEX, and whether they
 * check alignment: a plan copies the register's bytes whole. */
static const struct vector_move {
    uint16_t mnemonic;
    bool aligned;
} vector_moves[] = {
    // clang-format off
    { MN_movdqu, false },  { MN_movups, false },  { MN_movupd, false },
    { MN_movdqa, true },   { MN_movaps, true },   { MN_movapd, true },
    { MN_vmovdqu, false }, { MN_vmovups, false }, { MN_vmovupd, false },
    { MN_vmovdqa, true },  { MN_vmovaps, true },  { MN_vmovapd, true },
    // clang-format on
};

/* The VEX form of a vector move the plans take: VEX.256 stores (VEX.vvvv is 1111b: the
 * decoder's #UD else). */
static bool planned_vex(const struct insn *in, const struct operand *m, bool load)
{
    return in->encoding == ENC_VEX && !load && m->size == 32;
}

/* Such a move between an XMM register (VEX.256 stores: a YMM register) and memory the exit's
 * page can serve (but its size). */
static enum plan_kind vector_plan(struct plan *p, const struct insn *in,
                                  const struct operand ops[MAX_OPERANDS])
{
    bool load = ops[1].type == OPT_MEM;
    const struct operand *m = &ops[load ? 1 : 0], *r = &ops[load ? 0 : 1];
    bool vex = planned_vex(in, m, load);
    unsigned i = 0;

    while (i < sizeof vector_moves / sizeof vector_moves[0] &&
           vector_moves[i].mnemonic != in->mnemonic)
        i++;
    if (i == sizeof vector_moves / sizeof vector_moves[0] ||
        (!vex && (in->encoding != ENC_LEGACY || m->size != 16)) || m->type != OPT_MEM ||
        m->seg == SEG_FS || m->seg == SEG_GS || r->type != OPT_VEC || r->reg >= 16)
        return PLAN_GENERAL;
    plan_address(p, in, m);
    p->gpr = (uint8_t)(vex ? r->reg : R_VECTOR_NAME(r->reg));
    p->aligned = vector_moves[i].aligned;
    if (vex)
        return PLAN_YSTORE;
    return load ? PLAN_VLOAD : PLAN_VSTORE;
}

/* IN and OUT: the data is AL, AX or EAX, the port an imm8 or DX (which the exit gives). */
static enum plan_kind io_plan(struct plan *p, const struct insn *in,
                              const struct operand ops[MAX_OPERANDS])
{
    bool out = in->mnemonic == MN_out;
    const struct operand *data = &ops[out ? 1 : 0], *port = &ops[out ? 0 : 1];
    WHV_X64_IO_PORT_ACCESS_INFO info = { .AsUINT32 = 0 };

    if (data->type != OPT_GPR || (data->size != 1 && data->size != 2 && data->size != 4))
        return PLAN_GENERAL;
    info.IsWrite = out;
    info.AccessSize = data->size;
    p->io_info = info.AsUINT32;
    p->access_size = data->size;
    plan_gpr(p, data);
    p->port_imm = port->type == OPT_IMM;
    p->imm = port->imm;
    return out ? PLAN_OUT : PLAN_IN;
}

/* The plans by the instruction's handler (its MN_EXEC line): the moves and the ALU group
 * only where the exit's page can serve their access, in 64-bit code. */
static const struct planner {
    exec_fn handler;
    enum plan_kind (*make)(struct plan *, const struct insn *, const struct operand *);
    bool code64_only;
} planners[] = {
    { x_mov, move_plan, true },   /* MOV, MOVZX */
    { x_movsx, move_plan, true }, /* MOVSX, MOVSXD */
    { x_alu, alu_plan, true },    { x_in, io_plan, false },
    { x_out, io_plan, false },    { x_simd_move, vector_plan, true },
};

/* What a plan's memory access must be allowed: as mmu_in_exit_page checks it. */
static unsigned plan_access(const struct plan *p)
{
    if ((1u << p->kind) & (1u << PLAN_STORE | 1u << PLAN_VSTORE | 1u << PLAN_YSTORE))
        return MMU_WRITE;
    return p->kind == PLAN_ALU && !p->read_only ? MMU_READ | MMU_WRITE : MMU_READ;
}

/* Where the Get brings register `reg` (plan_fetched): PLAN_ZERO_SLOT for none or one not fetched
 * (a plan reads only what it fetches: plan_gets). */
static uint8_t get_slot(const struct plan *p, unsigned reg)
{
    for (unsigned i = 0; i < p->get_count; i++)
        if (p->get[i] == reg)
            return (uint8_t)i;
    return PLAN_ZERO_SLOT;
}

void plan_make(struct plan *plan, const struct insn *in, const struct operand ops[MAX_OPERANDS],
               struct regset needs, enum cpu_mode mode)
{
    exec_fn handler = exec_handler(in);

    memset(plan, 0, sizeof *plan);
    plan->length = in->length;
    for (unsigned i = 0; i < sizeof planners / sizeof planners[0]; i++)
        if (planners[i].handler == handler && (mode == MODE_64 || !planners[i].code64_only))
            plan->kind = (uint8_t)planners[i].make(plan, in, ops);
    /* IN and OUT get nothing: the exit gives their registers */
    if (plan->kind != PLAN_IN && plan->kind != PLAN_OUT && !plan_gets(plan, needs))
        plan->kind = PLAN_GENERAL;
    plan->base_slot = get_slot(plan, plan->base);
    plan->index_slot = get_slot(plan, plan->index);
    plan->gpr_slot = get_slot(plan, gpr_holder(plan->gpr, plan->high8)); /* vector: its XMM */
    plan->cr0_slot = get_slot(plan, R_CR0);
    plan->cr4_slot = get_slot(plan, R_CR4);
    plan->xcr0_slot = get_slot(plan, R_XCR0);
    plan->need = (uint8_t)plan_access(plan);
}

/* ---- running one ---- */

/* A VEX.256 store in the exit's page, as x_simd_move makes it: the area with the call's one
 * GetXstate (xstate_fetch: the extension absent, or an area that lacks YMM_Hi128, is the
 * general path's InternalEmulationFailure), the register through vreg_read (a component in
 * its init state reads as zeros), the general path's pieces, RIP. Nothing is modified: no
 * SetXstate. What would fault, or an operand the page does not hold, goes to the general
 * path before the GetXstate, which the general path makes first then. */
enum plan_outcome plan_ystore_at(struct vcpu *cpu, const struct plan *p, uint64_t la,
                                 const struct plan_fetched *f)
{
    uint64_t gpa;
    uint8_t data[32];
    enum exec_result r;

    if (!vector_usable(p, f->value, STATE_VEX) || (p->aligned && (la & 31)) ||
        !mmu_exit_page_maps(cpu, la, 32, &gpa))
        return PLAN_FETCHED;
    cpu->vstate.area = false;
    r = xstate_fetch(cpu, XS_SSE | XS_AVX);
    if (r == EXEC_UNSUPPORTED)
        cpu->status.InternalEmulationFailure = 1;
    if (r != EXEC_OK)
        return PLAN_DONE;
    vreg_read(cpu, p->gpr, 32, data);
    if (mmu_phys_wide(cpu, gpa, data, 32, true) == EXEC_OK)
        plan_finish(cpu, plan_next_rip64(cpu, p), 0, R_RAX, 0, 0);
    return PLAN_DONE;
}
