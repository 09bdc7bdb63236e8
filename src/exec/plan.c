/* Decode-cache plans (plan.h): made once per entry, run per exit. */
#include "exec/plan.h"

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

/* The exit's AccessInfo bits a port-I/O plan matches: IsWrite, AccessSize, StringOp (as
 * io_insn_matches; RepPrefix does not change IN or OUT). */
#define IO_INFO_MATCHED 0x1fu

/* ---- making a plan ---- */

/* The registers a plan may Get: the GPRs; a vector plan's CR0, CR4, XCR0 (its state checks)
 * and XMM0-15 too. */
#define GPR_IDS ((REG_BIT(R_R15) << 1) - 1)
#define VECTOR_PLAN_IDS                                                                            \
    (GPR_IDS | REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_XCR0) |                                 \
     ((REG_BIT(R_XMM15) << 1) - REG_BIT(R_XMM0)))

/* (one range of kinds: one comparison on an integer plan's way) */
static bool vector_kind(unsigned kind)
{
    return kind - PLAN_VLOAD <= PLAN_YSTORE - PLAN_VLOAD;
}

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

/* The Get call of the plan's registers, into `fetched`. False when it failed (cpu->status
 * says so). */
static bool plan_fetch(struct vcpu *cpu, const struct plan *p, struct plan_fetched *fetched)
{
    fetched->count = p->get_count;
    /* what the VMM leaves unwritten reads as 0, and the zero slot is 0; all of them, in a
     * few wide stores (a count that varies makes a `rep stos`, slow to start) */
    for (unsigned i = 0; i <= PLAN_ZERO_SLOT; i++)
        value_store(&fetched->value[i], 0, 0);
    memcpy(fetched->id, p->get, sizeof fetched->id);
    return !p->get_count ||
           SUCCEEDED(emu_get_registers(cpu, p->get_name, p->get_count, fetched->value));
}

/* What a plan's instruction wrote besides RIP. */
enum { WROTE_GPR = 1u << 0, WROTE_RFLAGS = 1u << 1 };

/* The one Set call, in the order of the register ids (as regs_writeback's): the register
 * `holder` (WROTE_GPR), RIP after an instruction of `length` bytes, RFLAGS (WROTE_RFLAGS). */
static void plan_finish(struct vcpu *cpu, unsigned length, unsigned wrote, enum reg_id holder,
                        uint64_t gpr_value, uint64_t rflags)
{
    WHV_REGISTER_NAME names[3];
    WHV_REGISTER_VALUE values[3];
    uint32_t n = 0;

    if (wrote & WROTE_GPR) {
        names[n] = (WHV_REGISTER_NAME)holder;
        value_store(&values[n++], gpr_value, 0);
    }
    names[n] = WHvX64RegisterRip;
    value_store(&values[n++], next_rip(cpu->code_mode, cpu->exit->Rip, length), 0);
    if (wrote & WROTE_RFLAGS) {
        names[n] = WHvX64RegisterRflags;
        value_store(&values[n++], rflags, 0);
    }
    if (SUCCEEDED(emu_set_registers(cpu, names, n, values)))
        cpu->status.EmulationSuccessful = 1;
}

/* The linear address of the plan's memory operand (64-bit code: its offset). */
static uint64_t plan_linear(const struct vcpu *cpu, const struct plan *p,
                            const WHV_REGISTER_VALUE *v)
{
    uint64_t ea = p->disp + v[p->base_slot].Reg64 + v[p->index_slot].Reg64 * p->scale;

    if (p->rip_relative)
        ea += cpu->exit->Rip + p->length;
    return ea & size_mask(p->addrsize);
}

/* The source of a store or an ALU operation: the immediate or the register operand. */
static uint64_t plan_source(const struct plan *p, const WHV_REGISTER_VALUE *v)
{
    if (p->imm_source)
        return p->imm;
    return gpr_value_in(v[p->gpr_slot].Reg64, p->gpr_size, p->high8);
}

/* A load's value into its register (its old value, where the load keeps bits of it, in
 * gpr_slot). */
static void finish_load(struct vcpu *cpu, const struct plan *p, const WHV_REGISTER_VALUE *v,
                        uint64_t value)
{
    if (p->sign_extend)
        value = sign_extend(value, p->access_size);
    plan_finish(cpu, p->length, WROTE_GPR, gpr_holder(p->gpr, p->high8),
                gpr_written(v[p->gpr_slot].Reg64, p->gpr_size, p->high8, value), 0);
}

/* An ALU operation on the value read at gpa: the result written back there (but for CMP
 * and TEST), the flags as x_alu computes them (alu_compute), with the host stub looked up
 * when the plan was made. */
static void alu_at(struct vcpu *cpu, const struct plan *p, const WHV_REGISTER_VALUE *v,
                   uint64_t gpa, uint64_t value)
{
    struct int_op o = { .dst = value, .src = plan_source(p, v), .flags = cpu->exit->Rflags };

    if (cpu->host_ops && p->stub)
        p->stub(&o);
    else
        alu_in_c((enum mnemonic)p->mnemonic, p->access_size, &o);
    if (!p->read_only && mmu_phys_value(cpu, gpa, p->access_size, true, &o.dst) != EXEC_OK)
        return;
    plan_finish(cpu, p->length, WROTE_RFLAGS, R_RAX, 0, o.flags);
}

/* Whether the move's state checks pass (simd_check_state): class SSE for the legacy moves,
 * VEX for the VEX ones; a #UD or #NM is the general path's to raise. */
static bool vector_usable(const struct plan *p, const WHV_REGISTER_VALUE *v,
                          enum simd_state_class c)
{
    return simd_state_usable(c, v[p->cr0_slot].Reg64, v[p->cr4_slot].Reg64, v[p->xcr0_slot].Reg64);
}

/* A VEX.256 store in the exit's page, as x_simd_move makes it: the area with the call's one
 * GetXstate (xstate_fetch: the extension absent, or an area that lacks YMM_Hi128, is the
 * general path's InternalEmulationFailure), the register through vreg_read (a component in
 * its init state reads as zeros), the general path's pieces, RIP. Nothing is modified: no
 * SetXstate. What would fault, or an operand the page does not hold, goes to the general
 * path before the GetXstate, which the general path makes first then. */
static enum plan_outcome ymm_store_at(struct vcpu *cpu, const struct plan *p, uint64_t la,
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
        plan_finish(cpu, p->length, 0, R_RAX, 0, 0);
    return PLAN_DONE;
}

/* A vector load's Set: RIP, then its XMM register (the ids' order, as regs_writeback's). */
static void finish_vector_load(struct vcpu *cpu, const struct plan *p, const uint8_t data[16])
{
    WHV_REGISTER_NAME names[2] = { WHvX64RegisterRip, reg_whv_name((enum reg_id)p->gpr) };
    WHV_REGISTER_VALUE values[2];

    value_store(&values[0], next_rip(cpu->code_mode, cpu->exit->Rip, p->length), 0);
    value_store(&values[1], load_le(data, 8), load_le(data + 8, 8));
    if (SUCCEEDED(emu_set_registers(cpu, names, 2, values)))
        cpu->status.EmulationSuccessful = 1;
}

/* A legacy SSE move of 16 bytes in the exit's page, in the general path's pieces; a state
 * check or the alignment that would fault, or an operand the page does not hold, goes to the
 * general path. */
static enum plan_outcome vector_at(struct vcpu *cpu, const struct plan *p, uint64_t la,
                                   const struct plan_fetched *f)
{
    uint64_t gpa;
    WHV_UINT128 xmm = f->value[p->gpr_slot].Reg128;
    uint8_t data[16];
    bool store = p->kind == PLAN_VSTORE;

    if (!vector_usable(p, f->value, STATE_SSE) || (p->aligned && (la & 15)) ||
        !mmu_exit_page_maps(cpu, la, 16, &gpa))
        return PLAN_FETCHED;
    store_le(data, 8, xmm.Low64);
    store_le(data + 8, 8, xmm.High64);
    if (mmu_phys_wide(cpu, gpa, data, 16, store) != EXEC_OK)
        return PLAN_DONE;
    if (store)
        plan_finish(cpu, p->length, 0, R_RAX, 0, 0);
    else
        finish_vector_load(cpu, p, data);
    return PLAN_DONE;
}

/* A load, a store or an ALU operation in the exit's page, by a copy of its plan (the cache
 * is not touched after a callback, insn_cache.h). The Get's values hold every register it
 * reads. */
enum plan_outcome plan_run_memory(struct vcpu *cpu, const struct plan *cached,
                                  struct plan_fetched *fetched)
{
    struct plan plan;
    const struct plan *p = &plan;
    const WHV_REGISTER_VALUE *v = fetched->value;
    bool store = cached->kind == PLAN_STORE;
    uint64_t la, gpa, value;

    memcpy(&plan, cached, sizeof plan); /* whole, in a few wide moves */
    /* the exit page's access is checked here once: mmu_exit_page_maps after */
    if ((cpu->exit_page.access & p->need) != p->need ||
        mmu_alignment_checking_with(cpu, cpu->exit->Rflags))
        return PLAN_DECLINED;
    if (!plan_fetch(cpu, p, fetched))
        return PLAN_DONE;
    la = plan_linear(cpu, p, v);
    if (vector_kind(p->kind))
        return p->kind == PLAN_YSTORE ? ymm_store_at(cpu, p, la, fetched)
                                      : vector_at(cpu, p, la, fetched);
    if (!mmu_exit_page_maps(cpu, la, p->access_size, &gpa))
        return PLAN_FETCHED;
    value = store ? plan_source(p, v) : 0;
    if (mmu_phys_value(cpu, gpa, p->access_size, store, &value) != EXEC_OK)
        return PLAN_DONE;
    if (store)
        plan_finish(cpu, p->length, 0, R_RAX, 0, 0);
    else if (p->kind == PLAN_LOAD)
        finish_load(cpu, p, v, value);
    else
        alu_at(cpu, p, v, gpa, value);
    return PLAN_DONE;
}

/* IN or OUT: the port, RAX and the access come with the exit; the I/O callback, the Set. What
 * the plan gives is read before the callback (the cache is not touched after it). */
enum plan_outcome plan_run_io(struct vcpu *cpu, const struct plan *p,
                              const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    bool out = p->kind == PLAN_OUT;
    unsigned length = p->length, size = p->access_size;
    uint16_t port = p->port_imm ? (uint16_t)(p->imm & 0xff) : io->PortNumber;
    uint32_t data = (uint32_t)gpr_value_in(io->Rax, size, false);

    if ((io->AccessInfo.AsUINT32 & IO_INFO_MATCHED) != p->io_info || port != io->PortNumber ||
        !io_all_ports(cpu, cpu->exit->Rflags))
        return PLAN_DECLINED;
    if (io_port(cpu, port, size, out, &data) != EXEC_OK)
        return PLAN_DONE;
    plan_finish(cpu, length, out ? 0 : WROTE_GPR, R_RAX, gpr_written(io->Rax, size, false, data),
                0);
    return PLAN_DONE;
}
