/* Control transfers: Jcc, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ/JRCXZ, near JMP/CALL/RET, far
 * JMP/CALL/RET and IRET. Branch rows carry F_BRANCH: each handler sets RIP itself.
 *
 * Source: Intel SDM vol. 2 (Jcc, LOOP, JMP, CALL, RET, IRET pseudo-code), vol. 3 section 5.8
 * (privilege checks for control transfers); AMD APM vol. 3 where noted.
 *
 * Not emulated (EXEC_UNSUPPORTED, InternalEmulationFailure): far transfers through call
 * gates, task gates and TSS descriptors; IRET with NT set (task return) and IRET to
 * virtual-8086 mode. */
#include "api/regcache.h"
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
    case MN_jrcxz:
        return jump_relative_if(cpu, in, count == 0);
    default:
        break;
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
    bool from_descriptor;   /* protected mode: set the descriptor's accessed bit */
    unsigned cpl;           /* the CPL after the transfer: higher for an outer return */
};

/* The code size a CS value gives, as mmu_init_mode derives it (real and virtual-8086 mode
 * are 16-bit code). */
static enum cpu_mode code_mode_of(const struct vcpu *cpu, const WHV_X64_SEGMENT_REGISTER *cs)
{
    if (!descriptors_apply(cpu))
        return MODE_16;
    if (cpu->long_mode && cs->Long)
        return MODE_64;
    return cs->Default ? MODE_32 : MODE_16;
}

/* Gates and TSS descriptors a far JMP/CALL may name (a task switch or a call gate): not
 * emulated. Any other system type is #GP(selector). */
static bool is_gate_or_tss(const struct vcpu *cpu, unsigned type)
{
    if (cpu->long_mode)
        return type == DT_CALL_GATE;
    return type == DT_TSS16_AVAILABLE || type == DT_CALL_GATE16 || type == DT_TASK_GATE ||
           type == DT_TSS_AVAILABLE || type == DT_CALL_GATE;
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
    if (desc_is_system(&f->d))
        return !is_return && is_gate_or_tss(cpu, type) ? EXEC_UNSUPPORTED
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
    f->cs = segment_from_descriptor(&f->d, (uint16_t)((selector & ~3u) | f->cpl), false);
    f->from_descriptor = true;
    return EXEC_OK;
}

/* Resolve selector:offset (offset of opsize bytes) into a checked destination. */
static enum exec_result far_destination(struct vcpu *cpu, uint16_t selector, uint64_t offset,
                                        unsigned opsize, bool is_return, struct far_dest *f)
{
    enum exec_result r;

    f->from_descriptor = false;
    f->cpl = cpu->cpl;
    if (descriptors_apply(cpu)) {
        r = far_protected(cpu, selector, is_return, f);
        if (r != EXEC_OK)
            return r;
    } else {
        f->cs = segment_real_mode(cpu, SEG_CS, selector);
    }
    f->mode = code_mode_of(cpu, &f->cs);
    f->ip = offset & size_mask(opsize);
    return check_target(cpu, f->mode, f->cs.Limit, f->ip);
}

/* Enter the destination: check that the far return frame (CALL) fits on the stack, set
 * the descriptor's accessed bit as CS is loaded, push the frame, load CS and RIP. */
static enum exec_result far_commit(struct vcpu *cpu, struct far_dest *f, const uint64_t *frame,
                                   unsigned opsize)
{
    enum exec_result r = frame ? stack_probe(cpu, 2, opsize) : EXEC_OK;

    if (r != EXEC_OK)
        return r;
    if (f->from_descriptor) {
        r = descriptor_set_type_bits(cpu, &f->d, DT_ACCESSED);
        if (r != EXEC_OK)
            return r;
        f->cs.Attributes |= DT_ACCESSED;
    }
    if (frame) {
        r = stack_push(cpu, frame, 2, opsize);
        if (r != EXEC_OK)
            return r;
    }
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
    if (in->mnemonic == MN_jmp_far)
        return far_commit(cpu, &f, NULL, 0);
    frame[0] = reg_value(cpu, R_CS)->Segment.Selector;
    frame[1] = exec_next_rip(cpu, in);
    return far_commit(cpu, &f, frame, opsize);
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
    return far_commit(cpu, &f, NULL, 0);
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
    return far_commit(cpu, &f, NULL, 0);
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
    return far_commit(cpu, &f, NULL, 0);
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
        return EXEC_UNSUPPORTED; /* return to virtual-8086 mode */
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
    return far_commit(cpu, &f, NULL, 0);
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
