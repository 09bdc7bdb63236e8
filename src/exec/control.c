/* Control transfers: Jcc, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ/JRCXZ, near JMP/CALL/RET, far
 * JMP/CALL/RET and IRET. Branch rows carry F_BRANCH: each handler sets RIP itself.
 *
 * Source: Intel SDM vol. 2 (Jcc, LOOP, JMP, CALL, RET, IRET pseudo-code), vol. 3 section 5.8
 * (privilege checks for control transfers); AMD APM vol. 3 where noted.
 *
 * Not emulated (EXEC_UNSUPPORTED, InternalEmulationFailure): task switches (far JMP/CALL
 * to a task gate or TSS, IRET with NT set). */
#include "core/regcache.h"
#include "exec/descriptor.h"
#include "exec/exec.h"
#include "exec/flags.h"
#include "exec/stack.h"
#include "optab.h"

_Static_assert(MN_jnle - MN_jo == 15, "Jcc mnemonics follow the condition-code order");

/* #GP(0) unless target lies within the code segment: below its limit, or canonical in
 * 64-bit mode. (Both vendors fault on the branch itself: SDM and APM, JMP.) */
static enum exec_result check_target(struct vcpu *cpu, enum cpu_mode mode, uint32_t cs_limit,
                                     uint64_t target)
{
    bool inside = mode == MODE_64 ? mmu_is_canonical(cpu, target) : target <= cs_limit;
    return inside ? EXEC_OK : raise_fault(cpu, EXC_GP, true, 0);
}

/* A near branch in the current code segment: the target wraps to the operand size. */
static enum exec_result near_target(struct vcpu *cpu, const struct insn *in, uint64_t target,
                                    uint64_t *checked)
{
    *checked = target & size_mask(in->opsize);
    return check_target(cpu, cpu->code_mode, reg_value(cpu, R_CS)->Segment.Limit, *checked);
}

static enum exec_result jump_near(struct vcpu *cpu, const struct insn *in, uint64_t target)
{
    enum exec_result r = near_target(cpu, in, target, &target);
    if (r == EXEC_OK)
        reg_set(cpu, R_RIP, target);
    return r;
}

/* The target of a relative branch: the next instruction's address plus the displacement. */
static uint64_t relative_target(struct vcpu *cpu, const struct insn *in)
{
    return exec_next_rip(cpu, in) + sign_extend(in->imm, in->imm_size);
}

static enum exec_result jump_relative_if(struct vcpu *cpu, const struct insn *in, bool taken)
{
    if (!taken) {
        reg_set(cpu, R_RIP, exec_next_rip(cpu, in));
        return EXEC_OK;
    }
    return jump_near(cpu, in, relative_target(cpu, in));
}

enum exec_result x_jcc(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    (void)ops;
    return jump_relative_if(cpu, in,
                            cond_true(reg_get(cpu, R_RFLAGS), (unsigned)(in->mnemonic - MN_jo)));
}

/* LOOP/LOOPE/LOOPNE decrement the count register (of the address size) without touching
 * flags; JCXZ/JECXZ/JRCXZ only test it. */
enum exec_result x_loop(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t count = gpr_read(cpu, GPR_CX, in->addrsize, false);
    bool zf = reg_get(cpu, R_RFLAGS) & FL_ZF, taken;

    (void)ops;
    switch (in->mnemonic) {
    case MN_jcxz:
    case MN_jecxz:
    case MN_jrcxz: return jump_relative_if(cpu, in, count == 0);
    default: break;
    }
    count = (count - 1) & size_mask(in->addrsize);
    gpr_write(cpu, GPR_CX, in->addrsize, false, count);
    taken = count != 0;
    if (in->mnemonic == MN_loope)
        taken = taken && zf;
    else if (in->mnemonic == MN_loopne)
        taken = taken && !zf;
    return jump_relative_if(cpu, in, taken);
}

/* The target of a near JMP/CALL: relative, or read from a register or memory. */
static enum exec_result near_operand_target(struct vcpu *cpu, const struct insn *in,
                                            const struct operand *op, uint64_t *target)
{
    if (op->type == OPT_OTHER) { /* Jb / Jz */
        *target = relative_target(cpu, in);
        return EXEC_OK;
    }
    return op_read(cpu, op, target);
}

enum exec_result x_jmp(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t target;
    enum exec_result r = near_operand_target(cpu, in, &ops[0], &target);

    if (r != EXEC_OK)
        return r;
    return jump_near(cpu, in, target);
}

/* CALL: the target is checked before the return address is pushed (SDM CALL). */
enum exec_result x_call(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t target, ret = exec_next_rip(cpu, in);
    enum exec_result r = near_operand_target(cpu, in, &ops[0], &target);

    if (r == EXEC_OK)
        r = near_target(cpu, in, target, &target);
    if (r == EXEC_OK)
        r = stack_push(cpu, &ret, 1, in->opsize);
    if (r != EXEC_OK)
        return r;
    reg_set(cpu, R_RIP, target);
    return EXEC_OK;
}

/* RET [imm16]: pop the return address, then release imm16 bytes of parameters. */
enum exec_result x_ret(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t target;
    enum exec_result r = stack_pop(cpu, &target, 1, in->opsize);

    if (r != EXEC_OK)
        return r;
    if (ops[0].type == OPT_IMM)
        stack_set_pointer(cpu, stack_offset(cpu, (int64_t)(ops[0].imm & 0xffff)));
    return jump_near(cpu, in, target);
}

/* ---- far transfers ---- */

/* Where a far transfer goes: the new CS and the offset in it, checked, not yet committed. */
struct far_dest {
    WHV_X64_SEGMENT_REGISTER cs;
    enum cpu_mode mode;
    uint64_t ip;
    struct descriptor d;
    bool from_descriptor; /* protected mode: set the descriptor's accessed bit */
    bool call_gate;       /* d is a call gate: the destination is not resolved yet */
    unsigned cpl;         /* the CPL after the transfer: higher for an outer return */
};

/* The code size a CS value gives, as a call derives it at its start (core/call.c; real and
 * virtual-8086 mode are 16-bit code). */
static enum cpu_mode code_mode_of(const struct vcpu *cpu, const WHV_X64_SEGMENT_REGISTER *cs)
{
    if (!descriptors_apply(cpu))
        return MODE_16;
    if (cpu->long_mode && cs->Long)
        return MODE_64;
    return cs->Default ? MODE_32 : MODE_16;
}

/* Call gates a far JMP/CALL may go through (IA-32e mode: only the 64-bit one). */
static bool is_call_gate(const struct vcpu *cpu, unsigned type)
{
    return type == DT_CALL_GATE || (!cpu->long_mode && type == DT_CALL_GATE16);
}

/* Task gates and TSS descriptors: a task switch, not emulated. */
static bool is_task(const struct vcpu *cpu, unsigned type)
{
    return !cpu->long_mode &&
           (type == DT_TASK_GATE || type == DT_TSS16_AVAILABLE || type == DT_TSS_AVAILABLE);
}

/* The privilege and type checks of a protected-mode far transfer to a code segment (SDM
 * vol. 3 5.8.1-5.8.2; RET/IRET: vol. 2 RET "return to same/outer privilege level"). */
static enum exec_result far_protected(struct vcpu *cpu, uint16_t selector, bool is_return,
                                      struct far_dest *f)
{
    uint32_t err = selector_error(selector);
    unsigned rpl = selector_rpl(selector), dpl, type;
    bool in_table, conforming;
    enum exec_result r;

    if (selector_is_null(selector))
        return raise_fault(cpu, EXC_GP, true, 0);
    r = descriptor_read(cpu, selector, false, &f->d, &in_table);
    if (r != EXEC_OK)
        return r;
    if (!in_table)
        return raise_fault(cpu, EXC_GP, true, err);
    type = desc_type(&f->d);
    dpl = desc_dpl(&f->d);
    if (desc_is_system(&f->d) && !is_return && is_call_gate(cpu, type)) {
        f->call_gate = true;
        return EXEC_OK;
    }
    if (desc_is_system(&f->d))
        return !is_return && is_task(cpu, type) ? EXEC_UNSUPPORTED
                                                : raise_fault(cpu, EXC_GP, true, err);
    if (!(type & DT_CODE))
        return raise_fault(cpu, EXC_GP, true, err);
    conforming = type & DT_CONFORMING;
    if (is_return) {
        if (rpl < cpu->cpl || (conforming ? dpl > rpl : dpl != rpl))
            return raise_fault(cpu, EXC_GP, true, err);
    } else if (conforming ? dpl > cpu->cpl : (rpl > cpu->cpl || dpl != cpu->cpl)) {
        return raise_fault(cpu, EXC_GP, true, err);
    }
    if (!desc_present(&f->d))
        return raise_fault(cpu, EXC_NP, true, err);
    if (cpu->long_mode && desc_long(&f->d) && desc_default_big(&f->d))
        return raise_fault(cpu, EXC_GP, true, err);
    /* a call or jump keeps the CPL (the new CS's RPL is the CPL); a return goes to RPL */
    f->cpl = is_return ? rpl : cpu->cpl;
    f->cs = descriptor_to_segment(&f->d, (uint16_t)((selector & ~3u) | f->cpl), false);
    f->from_descriptor = true;
    return EXEC_OK;
}

/* Resolve selector:offset (offset of opsize bytes) into a checked destination. */
static enum exec_result far_destination(struct vcpu *cpu, uint16_t selector, uint64_t offset,
                                        unsigned opsize, bool is_return, struct far_dest *f)
{
    enum exec_result r;

    f->from_descriptor = false;
    f->call_gate = false;
    f->cpl = cpu->cpl;
    if (descriptors_apply(cpu)) {
        r = far_protected(cpu, selector, is_return, f);
        if (r != EXEC_OK || f->call_gate)
            return r;
    } else {
        f->cs = segment_real_mode(cpu, SEG_CS, selector);
    }
    f->mode = code_mode_of(cpu, &f->cs);
    f->ip = offset & size_mask(opsize);
    return check_target(cpu, f->mode, f->cs.Limit, f->ip);
}

/* Enter the destination: push the return frame of a CALL (count slots of size bytes, one
 * by one), set the descriptor's accessed bit as CS is loaded, load CS and RIP. */
static enum exec_result far_commit(struct vcpu *cpu, struct far_dest *f, const uint64_t *frame,
                                   unsigned count, unsigned size)
{
    enum exec_result r = count ? stack_push(cpu, frame, count, size) : EXEC_OK;

    if (r == EXEC_OK && f->from_descriptor) {
        r = descriptor_set_type_bits(cpu, &f->d, DT_ACCESSED);
        f->cs.Attributes |= DT_ACCESSED;
    }
    if (r != EXEC_OK)
        return r;
    segment_set(cpu, SEG_CS, &f->cs);
    reg_set(cpu, R_RIP, f->ip);
    cpu->code_mode = f->mode;
    if (f->cpl != cpu->cpl) {
        segment_drop_inaccessible(cpu, f->cpl);
        cpu->cpl = (uint8_t)f->cpl;
    }
    return EXEC_OK;
}

/* The stack a far return continues on: SS:rSP from the frame, SS checked for the new CPL
 * (RETF/IRET to an outer level; IRET from 64-bit mode always). A null SS only for 64-bit
 * code below CPL 3 (SDM IRET, IA-32e mode). */
static enum exec_result return_stack(struct vcpu *cpu, const struct far_dest *f, uint16_t ss,
                                     uint64_t sp, unsigned opsize)
{
    enum exec_result r;

    if (selector_is_null(ss) && (f->mode != MODE_64 || f->cpl == 3))
        return raise_fault(cpu, EXC_GP, true, 0);
    r = segment_load_stack(cpu, ss, f->cpl);
    if (r == EXEC_OK)
        gpr_write(cpu, GPR_SP, opsize, false, sp);
    return r;
}

/* ---- call gates (SDM CALL and JMP, "call gate"; vol. 3 5.8.3-5.8.6) ---- */

struct call_gate {
    uint16_t selector; /* the code segment */
    uint64_t offset;
    unsigned size;   /* 2, 4 or 8: the gate's size, which is the size of what CALL pushes */
    unsigned params; /* stack slots CALL copies to a more privileged stack */
};

/* The gate's own checks: DPL >= CPL and RPL, present; IA-32e gates are 16 bytes with a
 * zero type in the upper half. */
static enum exec_result read_call_gate(struct vcpu *cpu, uint16_t selector, struct descriptor *d,
                                       struct call_gate *g)
{
    uint32_t err = selector_error(selector);
    bool in_table;
    enum exec_result r;

    if (desc_dpl(d) < cpu->cpl || desc_dpl(d) < selector_rpl(selector))
        return raise_fault(cpu, EXC_GP, true, err);
    if (!desc_present(d))
        return raise_fault(cpu, EXC_NP, true, err);
    g->selector = (uint16_t)(d->raw >> 16);
    g->offset = (d->raw & 0xffff) | ((d->raw >> 32) & 0xffff0000u);
    g->params = (unsigned)(d->raw >> 32) & 31;
    g->size = desc_type(d) == DT_CALL_GATE16 ? 2 : 4;
    if (g->size == 2)
        g->offset &= 0xffff;
    if (cpu->long_mode) {
        r = descriptor_read(cpu, selector, true, d, &in_table);
        if (r != EXEC_OK)
            return r;
        if (!in_table || ((d->raw_high >> 40) & 0x1f) != 0)
            return raise_fault(cpu, EXC_GP, true, err);
        g->offset |= (d->raw_high & 0xffffffffu) << 32;
        g->size = 8;
        g->params = 0;
    }
    return EXEC_OK;
}

/* The code segment a gate leads to: not above the CPL; a JMP stays at the CPL; a CALL to
 * non-conforming code of a lower DPL moves to that DPL. IA-32e mode: 64-bit code only. */
static enum exec_result gate_destination(struct vcpu *cpu, const struct call_gate *g, bool call,
                                         struct far_dest *f)
{
    uint32_t err = selector_error(g->selector);
    unsigned dpl;
    bool in_table, conforming;
    enum exec_result r;

    if (selector_is_null(g->selector))
        return raise_fault(cpu, EXC_GP, true, 0);
    r = descriptor_read(cpu, g->selector, false, &f->d, &in_table);
    if (r != EXEC_OK)
        return r;
    if (!in_table || !desc_is_code(&f->d) || desc_dpl(&f->d) > cpu->cpl ||
        (cpu->long_mode && !(desc_long(&f->d) && !desc_default_big(&f->d))))
        return raise_fault(cpu, EXC_GP, true, err);
    dpl = desc_dpl(&f->d);
    conforming = desc_type(&f->d) & DT_CONFORMING;
    if (!call && !conforming && dpl != cpu->cpl)
        return raise_fault(cpu, EXC_GP, true, err);
    if (!desc_present(&f->d))
        return raise_fault(cpu, EXC_NP, true, err);
    f->cpl = conforming ? cpu->cpl : dpl;
    f->cs = descriptor_to_segment(&f->d, (uint16_t)((g->selector & ~3u) | f->cpl), false);
    f->from_descriptor = true;
    f->call_gate = false;
    f->mode = code_mode_of(cpu, &f->cs);
    f->ip = g->offset;
    return check_target(cpu, f->mode, f->cs.Limit, f->ip);
}

/* Switch to the stack of a more privileged level: SS:rSP from the TSS (32-bit TSS: ESPn at
 * 4 + 8n; 16-bit: SPn at 2 + 4n; 64-bit: RSPn at 4 + 8n with a null SS), SS checked for
 * that level. The SDM reports a bad SS as #TS(SS selector), beyond the TSS #TS(TR). */
static enum exec_result switch_to_inner_stack(struct vcpu *cpu, unsigned cpl)
{
    const WHV_X64_SEGMENT_REGISTER *tr = &reg_value(cpu, R_TR)->Segment;
    bool tss16 = !cpu->long_mode && !(tr->SegmentType & DT_CODE); /* types 1 and 3 */
    unsigned sp_size = cpu->long_mode ? 8 : tss16 ? 2 : 4;
    unsigned offset = tss16 ? 2 + 4 * cpl : 4 + 8 * cpl;
    unsigned length = cpu->long_mode ? 8 : sp_size + 2;
    uint8_t buf[8];
    uint64_t sp;
    uint16_t ss;
    enum exec_result r;

    if (offset + length - 1 > tr->Limit)
        return raise_fault(cpu, EXC_TS, true, selector_error(tr->Selector));
    r = mmu_read_system(cpu, tr->Base + offset, buf, length);
    if (r != EXEC_OK)
        return r;
    sp = load_le(buf, sp_size);
    if (cpu->long_mode) {
        segment_load_null_stack(cpu, cpl);
        reg_set(cpu, R_RSP, sp);
        return EXEC_OK;
    }
    ss = (uint16_t)(buf[sp_size] | buf[sp_size + 1] << 8);
    if (selector_is_null(ss))
        return raise_fault(cpu, EXC_TS, true, 0);
    r = segment_load_stack(cpu, ss, cpl);
    if (r == EXEC_FAULT && cpu->fault.vector == EXC_GP)
        cpu->fault.vector = EXC_TS;
    if (r == EXEC_OK)
        gpr_write(cpu, GPR_SP, sp_size, false, sp);
    return r;
}

/* JMP/CALL through a call gate. A CALL to a more privileged level pushes, on the new stack,
 * the old SS and rSP, the gate's parameter count of slots copied from the old stack, then
 * CS and the return offset, all in slots of the gate's size. */
static enum exec_result through_call_gate(struct vcpu *cpu, const struct insn *in,
                                          uint16_t gate_selector, struct far_dest *f)
{
    struct call_gate g = { 0, 0, 0, 0 };
    bool call = in->mnemonic == MN_call_far;
    uint64_t frame[4 + 31];
    unsigned count = 0;
    enum exec_result r = read_call_gate(cpu, gate_selector, &f->d, &g);

    if (r == EXEC_OK)
        r = gate_destination(cpu, &g, call, f);
    if (r != EXEC_OK || !call)
        return r == EXEC_OK ? far_commit(cpu, f, NULL, 0, 0) : r;
    if (f->cpl < cpu->cpl) {
        frame[count++] = reg_value(cpu, R_SS)->Segment.Selector;
        frame[count++] = reg_get(cpu, R_RSP) & size_mask(stack_address_size(cpu));
        for (unsigned i = g.params; i-- > 0;) {
            r = stack_read(cpu, stack_offset(cpu, (int64_t)(i * g.size)), g.size, &frame[count++]);
            if (r != EXEC_OK)
                return r;
        }
        r = switch_to_inner_stack(cpu, f->cpl);
        if (r != EXEC_OK)
            return r;
    }
    frame[count++] = reg_value(cpu, R_CS)->Segment.Selector;
    frame[count++] = exec_next_rip(cpu, in);
    r = stack_probe(cpu, count, g.size);
    return r == EXEC_OK ? far_commit(cpu, f, frame, count, g.size) : r;
}

/* JMP/CALL far to ptr16:16/32 (Ap: offset in imm, selector in imm2) or m16:16/32/64. CALL
 * pushes CS (zero-extended to the operand size, "padded" in the SDM's words) and the
 * return offset. */
enum exec_result x_jmp_call_far(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    struct far_dest f;
    uint16_t selector = (uint16_t)in->imm2;
    uint64_t offset = in->imm, frame[2];
    unsigned opsize = in->opsize;
    enum exec_result r = EXEC_OK;

    if (ops[0].type == OPT_MEM)
        r = far_pointer_read(cpu, in, &ops[0], &selector, &offset, &opsize);
    if (r == EXEC_OK)
        r = far_destination(cpu, selector, offset, opsize, false, &f);
    if (r != EXEC_OK)
        return r;
    if (f.call_gate)
        return through_call_gate(cpu, in, selector, &f);
    if (in->mnemonic == MN_jmp_far)
        return far_commit(cpu, &f, NULL, 0, 0);
    frame[0] = reg_value(cpu, R_CS)->Segment.Selector;
    frame[1] = exec_next_rip(cpu, in);
    /* slot by slot, as PUSHA: a fault on the return offset (#SS beyond the limit, #PF)
     * leaves CS pushed, as the CPU does (tests/diff; docs/system-instructions.md) */
    return far_commit(cpu, &f, frame, 2, opsize);
}

/* RETF [imm16]: pop the offset and CS (operand-size slots), release imm16 bytes; to an
 * outer level, SS:rSP follow the parameters and imm16 bytes are released there too (SDM
 * RET, RETURN-TO-OUTER-PRIVILEGE-LEVEL). */
enum exec_result x_retf(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    struct far_dest f;
    uint64_t frame[2], outer[2];
    int64_t release = ops[0].type == OPT_IMM ? (int64_t)(ops[0].imm & 0xffff) : 0;
    enum exec_result r = stack_pop(cpu, frame, 2, in->opsize);

    if (r == EXEC_OK)
        r = far_destination(cpu, (uint16_t)frame[1], frame[0], in->opsize, true, &f);
    if (r != EXEC_OK)
        return r;
    stack_set_pointer(cpu, stack_offset(cpu, release));
    if (f.cpl != cpu->cpl) {
        r = stack_pop(cpu, outer, 2, in->opsize);
        if (r == EXEC_OK)
            r = return_stack(cpu, &f, (uint16_t)outer[1], outer[0], in->opsize);
        if (r != EXEC_OK)
            return r;
        stack_set_pointer(cpu, stack_offset(cpu, release));
    }
    return far_commit(cpu, &f, NULL, 0, 0);
}

/* ---- IRET ---- */

/* IRET ends NMI blocking (SDM vol. 3 6.7.1): clear it in the interrupt-state register. */
static void unblock_nmi(struct vcpu *cpu)
{
    WHV_REGISTER_VALUE v = *reg_value(cpu, R_INTERRUPT_STATE);

    if (v.InterruptState.NmiMasked) {
        v.InterruptState.NmiMasked = 0;
        reg_set_value(cpu, R_INTERRUPT_STATE, &v);
    }
}

/* Load the popped flags in mask; bit 1 is always set. */
static void load_flags(struct vcpu *cpu, uint64_t popped, uint64_t mask)
{
    uint64_t rflags = reg_get(cpu, R_RFLAGS);
    reg_set(cpu, R_RFLAGS, ((rflags & ~mask) | (popped & mask)) | 2u);
}

/* Real mode (SDM IRET, REAL-ADDRESS-MODE): 16-bit: all of FLAGS; 32-bit: all but VM, VIF
 * and VIP (the masks 7FD5h and 257FD5h). */
static enum exec_result iret_real(struct vcpu *cpu, const struct insn *in, const uint64_t *frame)
{
    struct far_dest f;
    enum exec_result r = far_destination(cpu, (uint16_t)frame[1], frame[0], in->opsize, true, &f);

    if (r != EXEC_OK)
        return r;
    load_flags(cpu, frame[2], in->opsize == 2 ? 0x7fd5 : 0x257fd5);
    return far_commit(cpu, &f, NULL, 0, 0);
}

/* Virtual-8086 mode: IOPL 3 loads the flags but VM, IOPL, VIF, VIP; with IOPL < 3 only the
 * CR4.VME 16-bit form is allowed, which moves IF into VIF. */
static enum exec_result iret_v86(struct vcpu *cpu, const struct insn *in, const uint64_t *frame)
{
    struct far_dest f;
    uint64_t rflags = reg_get(cpu, R_RFLAGS), popped = frame[2];
    uint64_t mask = in->opsize == 2 ? 0x4fd5 : 0x254fd5; /* 7FD5h/257FD5h without IOPL */
    enum exec_result r;

    if (((rflags >> 12) & 3) < 3) {
        if (in->opsize != 2 || !(reg_get(cpu, R_CR4) & CR4_VME) || (popped & FL_TF) ||
            ((popped & FL_IF) && (rflags & FL_VIP)))
            return raise_fault(cpu, EXC_GP, true, 0);
        mask &= ~(uint64_t)FL_IF;
        reg_set(cpu, R_RFLAGS, (rflags & ~(uint64_t)FL_VIF) | ((popped & FL_IF) ? FL_VIF : 0));
    }
    r = far_destination(cpu, (uint16_t)frame[1], frame[0], in->opsize, true, &f);
    if (r != EXEC_OK)
        return r;
    load_flags(cpu, popped, mask);
    return far_commit(cpu, &f, NULL, 0, 0);
}

/* The flags a same-privilege protected-mode IRET loads (SDM IRET, RETURN-TO-SAME-
 * PRIVILEGE-LEVEL): IF only when CPL <= IOPL; IOPL, VIF, VIP only at CPL 0. */
static uint64_t iret_protected_flags(struct vcpu *cpu, unsigned opsize)
{
    uint64_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT;
    unsigned iopl = (unsigned)(reg_get(cpu, R_RFLAGS) >> 12) & 3;

    if (opsize > 2)
        mask |= FL_RF | FL_AC | FL_ID;
    if (cpu->cpl <= iopl)
        mask |= FL_IF;
    if (cpu->cpl == 0) {
        mask |= FL_IOPL;
        if (opsize > 2)
            mask |= FL_VIF | FL_VIP;
    }
    return mask;
}

/* From CPL 0 with VM set in the 32-bit image (SDM IRET, RETURN-TO-VIRTUAL-8086-MODE): every
 * flag loads; ESP, SS, ES, DS, FS, GS follow on the stack; all segments take the
 * virtual-8086 form (base = selector * 16) and CPL becomes 3. */
static enum exec_result iret_to_v86(struct vcpu *cpu, const uint64_t *frame)
{
    static const enum segreg loaded[] = { SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    uint64_t rest[6];
    WHV_X64_SEGMENT_REGISTER s;
    enum exec_result r = stack_pop(cpu, rest, 6, 4);

    if (r != EXEC_OK)
        return r;
    reg_set(cpu, R_RFLAGS, (frame[2] & 0x3f7fd5) | 2);
    cpu->v86 = true;
    cpu->cpl = 3;
    cpu->code_mode = MODE_16;
    for (unsigned i = 0; i < 5; i++) {
        s = segment_real_mode(cpu, loaded[i], (uint16_t)rest[1 + i]);
        segment_set(cpu, loaded[i], &s);
    }
    s = segment_real_mode(cpu, SEG_CS, (uint16_t)frame[1]);
    segment_set(cpu, SEG_CS, &s);
    reg_set(cpu, R_RSP, rest[0] & 0xffffffffu);
    reg_set(cpu, R_RIP, frame[0] & 0xffff);
    return EXEC_OK;
}

/* Protected and IA-32e mode (SDM IRET, PROTECTED-MODE-RETURN). From 64-bit mode RSP and SS
 * are in the frame; a return to an outer level pops them too. */
static enum exec_result iret_protected(struct vcpu *cpu, const struct insn *in, uint64_t *frame)
{
    struct far_dest f;
    unsigned size = in->opsize;
    enum exec_result r;

    if (reg_get(cpu, R_RFLAGS) & FL_NT) /* a task return; IA-32e mode has no tasks */
        return cpu->long_mode ? raise_fault(cpu, EXC_GP, true, 0) : EXEC_UNSUPPORTED;
    if (!cpu->long_mode && cpu->cpl == 0 && (frame[2] & FL_VM) && size == 4)
        return iret_to_v86(cpu, frame);
    r = far_destination(cpu, (uint16_t)frame[1], frame[0], size, true, &f);
    if (r != EXEC_OK)
        return r;
    if (cpu->code_mode != MODE_64 && f.cpl != cpu->cpl)
        r = stack_pop(cpu, frame + 3, 2, size);
    if (r == EXEC_OK && (cpu->code_mode == MODE_64 || f.cpl != cpu->cpl))
        r = return_stack(cpu, &f, (uint16_t)frame[4], frame[3], size);
    if (r != EXEC_OK)
        return r;
    /* the flags follow the CPL the IRET runs at, not the one it returns to */
    load_flags(cpu, frame[2], iret_protected_flags(cpu, size));
    return far_commit(cpu, &f, NULL, 0, 0);
}

enum exec_result x_iret(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t frame[5];
    enum exec_result r;

    (void)ops;
    /* from 64-bit mode: RIP, CS, RFLAGS, RSP, SS; otherwise the first three */
    r = stack_pop(cpu, frame, cpu->code_mode == MODE_64 ? 5 : 3, in->opsize);
    if (r != EXEC_OK)
        return r;
    if (!cpu->protected_mode)
        r = iret_real(cpu, in, frame);
    else if (cpu->v86)
        r = iret_v86(cpu, in, frame);
    else
        r = iret_protected(cpu, in, frame);
    if (r == EXEC_OK)
        unblock_nmi(cpu);
    return r;
}
