/* A plan's steps on an exit (plan.h), inline into the two entry points (api/emulator.c):
 * a hit makes no call besides the callbacks (and mmu_phys_pieces' for a vector operand not
 * 8-aligned). A VEX.256 store's steps after the Get are plan.c's (plan_ystore_at), as is
 * the making of plans. */
#ifndef WHVEMU_PLAN_RUN_H
#define WHVEMU_PLAN_RUN_H

#include <string.h>

#include "exec/exec.h"
#include "exec/flags.h"
#include "exec/io.h"
#include "exec/plan.h"
#include "exec/simd_check.h"

/* The exit's AccessInfo bits a port-I/O plan matches: IsWrite, AccessSize, StringOp (as
 * io_insn_matches; RepPrefix does not change IN or OUT). */
#define IO_INFO_MATCHED 0x1fu

/* The Get call of the plan's registers, into `fetched`. False when it failed (cpu->status
 * says so). */
HOT_INLINE bool plan_fetch(struct vcpu *cpu, const struct plan *p, struct plan_fetched *fetched)
{
    fetched->count = p->get_count;
    value_store(&fetched->value[PLAN_ZERO_SLOT], 0, 0);
    if (!p->get_count)
        return true;
    /* what the VMM leaves unwritten reads as 0: all of them, in a few wide stores (a count
     * that varies makes a `rep stos`, slow to start) */
    for (unsigned i = 0; i < PLAN_MAX_GETS; i++)
        value_store(&fetched->value[i], 0, 0);
    memcpy(fetched->id, p->get, sizeof fetched->id);
    return SUCCEEDED(emu_get_registers(cpu, p->get_name, p->get_count, fetched->value));
}

/* What a plan's instruction wrote besides RIP. */
enum { WROTE_GPR = 1u << 0, WROTE_RFLAGS = 1u << 1 };

/* RIP after a memory plan's instruction: its plans are 64-bit code's (plan.c's planners),
 * where RIP does not wrap. */
HOT_INLINE uint64_t plan_next_rip64(const struct vcpu *cpu, const struct plan *p)
{
    return next_rip(MODE_64, cpu->exit->Rip, p->length);
}

/* The one Set call, in the order of the register ids (as regs_writeback's): the register
 * `holder` (WROTE_GPR), RIP (`rip`, the next), RFLAGS (WROTE_RFLAGS). */
HOT_INLINE void plan_finish(struct vcpu *cpu, uint64_t rip, unsigned wrote, enum reg_id holder,
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
    value_store(&values[n++], rip, 0);
    if (wrote & WROTE_RFLAGS) {
        names[n] = WHvX64RegisterRflags;
        value_store(&values[n++], rflags, 0);
    }
    if (SUCCEEDED(emu_set_registers(cpu, names, n, values)))
        cpu->status.AsUINT32 |= SUCCEEDED_BIT;
}

/* The linear address of the plan's memory operand (64-bit code: its offset). */
HOT_INLINE uint64_t plan_linear(const struct vcpu *cpu, const struct plan *p,
                                const WHV_REGISTER_VALUE *v)
{
    uint64_t ea = p->disp + v[p->base_slot].Reg64 + v[p->index_slot].Reg64 * p->scale;

    if (p->rip_relative)
        ea += cpu->exit->Rip + p->length;
    return ea & size_mask(p->addrsize);
}

/* The source of a store or an ALU operation: the immediate or the register operand. */
HOT_INLINE uint64_t plan_source(const struct plan *p, const WHV_REGISTER_VALUE *v)
{
    if (p->imm_source)
        return p->imm;
    return gpr_value_in(v[p->gpr_slot].Reg64, p->gpr_size, p->high8);
}

/* A load's value into its register (its old value, where the load keeps bits of it, in
 * gpr_slot). */
HOT_INLINE void finish_load(struct vcpu *cpu, const struct plan *p, const WHV_REGISTER_VALUE *v,
                            uint64_t value)
{
    if (p->sign_extend)
        value = sign_extend(value, p->access_size);
    plan_finish(cpu, plan_next_rip64(cpu, p), WROTE_GPR, gpr_holder(p->gpr, p->high8),
                gpr_written(v[p->gpr_slot].Reg64, p->gpr_size, p->high8, value), 0);
}

/* An ALU operation on the value read at gpa: the result written back there (but for CMP
 * and TEST), the flags as x_alu computes them (alu_compute), with the host stub looked up
 * when the plan was made. */
HOT_INLINE void alu_at(struct vcpu *cpu, const struct plan *p, const WHV_REGISTER_VALUE *v,
                       uint64_t gpa, uint64_t value)
{
    struct int_op o = { .dst = value, .src = plan_source(p, v), .flags = cpu->exit->Rflags };

    if (cpu->host_ops && p->stub)
        p->stub(&o);
    else
        alu_in_c((enum mnemonic)p->mnemonic, p->access_size, &o);
    if (!p->read_only && mmu_phys_value(cpu, gpa, p->access_size, true, &o.dst) != EXEC_OK)
        return;
    plan_finish(cpu, plan_next_rip64(cpu, p), WROTE_RFLAGS, R_RAX, 0, o.flags);
}

/* Whether the move's state checks pass (simd_check_state): class SSE for the legacy moves,
 * VEX for the VEX ones; a #UD or #NM is the general path's to raise. */
HOT_INLINE bool vector_usable(const struct plan *p, const WHV_REGISTER_VALUE *v,
                              enum simd_state_class c)
{
    return simd_state_usable(c, v[p->cr0_slot].Reg64, v[p->cr4_slot].Reg64, v[p->xcr0_slot].Reg64);
}

/* A vector load's Set: RIP, then its XMM register (the ids' order, as regs_writeback's). */
HOT_INLINE void finish_vector_load(struct vcpu *cpu, const struct plan *p, const uint8_t data[16])
{
    WHV_REGISTER_NAME names[2] = { WHvX64RegisterRip, reg_whv_name((enum reg_id)p->gpr) };
    WHV_REGISTER_VALUE values[2];

    value_store(&values[0], plan_next_rip64(cpu, p), 0);
    value_store(&values[1], load_le(data, 8), load_le(data + 8, 8));
    if (SUCCEEDED(emu_set_registers(cpu, names, 2, values)))
        cpu->status.AsUINT32 |= SUCCEEDED_BIT;
}

/* A legacy SSE move of 16 bytes in the exit's page, in the general path's pieces; a state
 * check or the alignment that would fault, or an operand the page does not hold, goes to the
 * general path. */
HOT_INLINE enum plan_outcome vector_at(struct vcpu *cpu, const struct plan *p, uint64_t la,
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
        plan_finish(cpu, plan_next_rip64(cpu, p), 0, R_RAX, 0, 0);
    else
        finish_vector_load(cpu, p, data);
    return PLAN_DONE;
}

/* A VEX.256 store's steps after the Get, la its linear address (plan.c: with the
 * extended-state area's). */
enum plan_outcome plan_ystore_at(struct vcpu *cpu, const struct plan *p, uint64_t la,
                                 const struct plan_fetched *f);

/* Run the call on cpu (call_take done) by a plan that applies: an MMIO exit's whose page is
 * seeded (mmu_seed), or a port-I/O exit's. */

/* A load, a store or an ALU operation in the exit's page, by a copy of its plan (the cache
 * is not touched after a callback, insn_cache.h). The Get's values hold every register it
 * reads. */
HOT_INLINE enum plan_outcome plan_run_memory(struct vcpu *cpu, const struct plan *cached,
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
        return p->kind == PLAN_YSTORE ? plan_ystore_at(cpu, p, la, fetched)
                                      : vector_at(cpu, p, la, fetched);
    if (!mmu_exit_page_maps(cpu, la, p->access_size, &gpa))
        return PLAN_FETCHED;
    value = store ? plan_source(p, v) : 0;
    if ((store ? mmu_phys_value(cpu, gpa, p->access_size, true, &value)
               : mmu_phys_read_exact(cpu, gpa, p->access_size, &value)) != EXEC_OK)
        return PLAN_DONE;
    if (store)
        plan_finish(cpu, plan_next_rip64(cpu, p), 0, R_RAX, 0, 0);
    else if (p->kind == PLAN_LOAD)
        finish_load(cpu, p, v, value);
    else
        alu_at(cpu, p, v, gpa, value);
    return PLAN_DONE;
}

/* IN or OUT: the port, RAX and the access come with the exit; the I/O callback, the Set. What
 * the plan gives is read before the callback (the cache is not touched after it). */
HOT_INLINE enum plan_outcome plan_run_io(struct vcpu *cpu, const struct plan *p,
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
    plan_finish(cpu, next_rip(cpu->code_mode, cpu->exit->Rip, length), out ? 0 : WROTE_GPR, R_RAX,
                gpr_written(io->Rax, size, false, data), 0);
    return PLAN_DONE;
}

#endif
