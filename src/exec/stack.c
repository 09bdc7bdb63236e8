/* Stack instructions: PUSH/POP (registers, memory, immediates, segment registers),
 * PUSHA/POPA, PUSHF/POPF, ENTER, LEAVE; and the stack primitives of stack.h.
 *
 * Source: Intel SDM vol. 2 (PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE pseudo-code);
 * AMD APM vol. 3 where noted (PUSH of a segment register). */
#include "exec/stack.h"

#include "core/regcache.h"
#include "exec/descriptor.h"
#include "exec/exec.h"
#include "exec/flags.h"
#include "optab.h"

unsigned stack_address_size(struct vcpu *cpu)
{
    if (cpu->code_mode == MODE_64)
        return 8;
    return reg_value(cpu, R_SS)->Segment.Default ? 4 : 2;
}

uint64_t stack_offset(struct vcpu *cpu, int64_t delta)
{
    return (reg_get(cpu, R_RSP) + (uint64_t)delta) & size_mask(stack_address_size(cpu));
}

void stack_set_pointer(struct vcpu *cpu, uint64_t sp)
{
    gpr_write(cpu, GPR_SP, stack_address_size(cpu), false, sp);
}

enum exec_result stack_probe(struct vcpu *cpu, unsigned count, unsigned size)
{
    for (unsigned i = 1; i <= count; i++) {
        enum exec_result r =
            mmu_probe(cpu, SEG_SS, stack_offset(cpu, -(int64_t)(i * size)), size, MMU_WRITE);
        if (r != EXEC_OK)
            return r;
    }
    return EXEC_OK;
}

enum exec_result stack_push(struct vcpu *cpu, const uint64_t *values, unsigned count, unsigned size)
{
    uint8_t buf[8];

    for (unsigned i = 0; i < count; i++) {
        enum exec_result r;
        store_le(buf, size, values[i]);
        r = mmu_write(cpu, SEG_SS, stack_offset(cpu, -(int64_t)((i + 1) * size)), buf, size, 0);
        if (r != EXEC_OK)
            return r;
    }
    stack_set_pointer(cpu, stack_offset(cpu, -(int64_t)(count * size)));
    return EXEC_OK;
}

enum exec_result stack_read(struct vcpu *cpu, uint64_t offset, unsigned size, uint64_t *value)
{
    uint8_t buf[8];
    enum exec_result r = mmu_read(cpu, SEG_SS, offset, buf, size, 0);

    if (r != EXEC_OK)
        return r;
    *value = load_le(buf, size);
    return EXEC_OK;
}

enum exec_result stack_pop(struct vcpu *cpu, uint64_t *values, unsigned count, unsigned size)
{
    for (unsigned i = 0; i < count; i++) {
        enum exec_result r =
            stack_read(cpu, stack_offset(cpu, (int64_t)(i * size)), size, &values[i]);
        if (r != EXEC_OK)
            return r;
    }
    stack_set_pointer(cpu, stack_offset(cpu, (int64_t)(count * size)));
    return EXEC_OK;
}

/* PUSH r/m, r, imm, Sreg. */
enum exec_result x_push(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = in->opsize;
    uint64_t value;
    enum exec_result r = op_read(cpu, &ops[0], &value); /* PUSH rSP pushes the old value */

    if (r != EXEC_OK)
        return r;
    if (ops[0].type == OPT_IMM)
        value = sign_extend(value, ops[0].size) & size_mask(size); /* Iz with 64-bit operands */
    if (ops[0].type == OPT_SEG && size > 2 && !vendor_is_amd(cpu)) {
        /* Intel: recent processors write only the 16-bit selector into the wider slot (SDM
         * vol. 2, PUSH); AMD writes it zero-extended (checked natively on this EPYC) */
        uint8_t buf[2];
        uint64_t slot = stack_offset(cpu, -(int64_t)size);
        store_le(buf, 2, value);
        r = mmu_write(cpu, SEG_SS, slot, buf, 2, 0);
        if (r == EXEC_OK)
            stack_set_pointer(cpu, slot);
        return r;
    }
    return stack_push(cpu, &value, 1, size);
}

/* POP r/m, r, Sreg. */
enum exec_result x_pop(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = in->opsize;
    uint64_t value;
    enum exec_result r;

    if (ops[0].type == OPT_SEG) {
        enum segreg seg = (enum segreg)ops[0].reg;
        /* a word is read; rSP moves by the operand size (SDM vol. 2, POP) */
        r = stack_read(cpu, stack_offset(cpu, 0), 2, &value);
        if (r == EXEC_OK)
            r = segment_load(cpu, seg, (uint16_t)value);
        if (r != EXEC_OK)
            return r;
        stack_set_pointer(cpu, stack_offset(cpu, size));
        if (seg == SEG_SS)
            interrupt_shadow_after_ss_load(cpu);
        return EXEC_OK;
    }
    r = stack_pop(cpu, &value, 1, size);
    if (r != EXEC_OK)
        return r;
    /* a memory destination addressed through rSP uses the incremented rSP */
    if (ops[0].type == OPT_MEM)
        ops[0].offset = effective_address(cpu, in);
    return op_write(cpu, &ops[0], value);
}

/* PUSHA/PUSHAD: AX CX DX BX, the original SP, BP SI DI. */
enum exec_result x_pusha(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t values[8];

    (void)ops;
    for (unsigned i = 0; i < 8; i++)
        values[i] = gpr_read(cpu, i, in->opsize, false);
    return stack_push(cpu, values, 8, in->opsize);
}

/* POPA/POPAD: DI SI BP, a skipped SP slot, BX DX CX AX. */
enum exec_result x_popa(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t values[8];
    enum exec_result r = stack_pop(cpu, values, 8, in->opsize);

    (void)ops;
    if (r != EXEC_OK)
        return r;
    for (unsigned i = 0; i < 8; i++)
        if (7 - i != GPR_SP)
            gpr_write(cpu, 7 - i, in->opsize, false, values[i]);
    return EXEC_OK;
}

/* The flags an operand size covers. */
static uint64_t flags_of_size(unsigned size)
{
    return size == 2 ? 0xffff : size == 4 ? 0xffffffffu : ~UINT64_C(0);
}

static unsigned iopl_of(uint64_t rflags)
{
    return (unsigned)(rflags >> 12) & 3;
}

/* PUSHF: the image has VM and RF clear. Virtual-8086 mode with IOPL < 3 faults, unless
 * CR4.VME lets the 16-bit form push VIF in IF's place and IOPL as 3. */
enum exec_result x_pushf(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t rflags = reg_get(cpu, R_RFLAGS), value;
    unsigned size = in->opsize;

    (void)ops;
    if (cpu->v86 && iopl_of(rflags) < 3) {
        if (size != 2 || !(reg_get(cpu, R_CR4) & CR4_VME))
            return raise_fault(cpu, EXC_GP, true, 0);
        value = (rflags & ~(uint64_t)(FL_IF | FL_IOPL)) | FL_IOPL | ((rflags & FL_VIF) ? FL_IF : 0);
    } else {
        value = rflags & ~(uint64_t)(FL_VM | FL_RF);
    }
    value &= flags_of_size(size);
    return stack_push(cpu, &value, 1, size);
}

/* POPF (SDM vol. 2, POPF operation): which flags change depends on the mode, CPL and IOPL.
 * VM, VIF and VIP never change; RF is cleared; reserved bits keep their fixed values. */
enum exec_result x_popf(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t rflags = reg_get(cpu, R_RFLAGS), popped, mask;
    unsigned size = in->opsize, iopl = iopl_of(rflags);
    bool vme_form = false;
    enum exec_result r;

    (void)ops;
    if (cpu->v86 && iopl < 3) {
        if (size != 2 || !(reg_get(cpu, R_CR4) & CR4_VME))
            return raise_fault(cpu, EXC_GP, true, 0);
        vme_form = true;
    }
    r = stack_pop(cpu, &popped, 1, size);
    if (r != EXEC_OK)
        return r;
    mask = FL_ARITH | FL_TF | FL_IF | FL_DF | FL_IOPL | FL_NT;
    if (size > 2)
        mask |= FL_AC | FL_ID;
    if (cpu->protected_mode && cpu->cpl > 0) {
        mask &= ~(uint64_t)FL_IOPL;
        if (cpu->cpl > iopl)
            mask &= ~(uint64_t)FL_IF;
    }
    if (vme_form) {
        /* a pending virtual interrupt being enabled, or TF being set: #GP(0) */
        if ((popped & FL_TF) || ((popped & FL_IF) && (rflags & FL_VIP)))
            return raise_fault(cpu, EXC_GP, true, 0);
        rflags = (rflags & ~(uint64_t)FL_VIF) | ((popped & FL_IF) ? FL_VIF : 0);
    }
    reg_set(cpu, R_RFLAGS, ((rflags & ~mask) | (popped & mask)) & ~(uint64_t)FL_RF);
    return EXEC_OK;
}

/* ENTER imm16, imm8 (SDM vol. 2, ENTER): push rBP, copy level-1 frame pointers from the
 * old frame, push the new frame pointer, then reserve imm16 bytes. The CPU then checks that
 * the final rSP can be written (a write check of an operand-size slot: seen natively as a
 * write #PF at the final rSP, tests/control). Like the CPU, it goes step by step: a fault
 * leaves the slots pushed before it written (tests/diff). */
enum exec_result x_enter(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = in->opsize, width = stack_address_size(cpu);
    unsigned level = (unsigned)ops[1].imm & 31;
    uint64_t alloc = ops[0].imm & 0xffff, bp = reg_get(cpu, R_RBP);
    /* FrameTemp is rSP after the push, the register: a 16-bit stack keeps ESP[31:16] there */
    uint64_t frame_temp =
        (reg_get(cpu, R_RSP) & ~size_mask(width)) | stack_offset(cpu, -(int64_t)size);
    uint64_t value = bp & size_mask(size);
    enum exec_result r = stack_push(cpu, &value, 1, size);

    for (unsigned i = 1; r == EXEC_OK && i < level; i++) {
        /* rBP steps down with the stack's address size */
        bp = (bp & ~size_mask(width)) | ((bp - size) & size_mask(width));
        r = stack_read(cpu, bp & size_mask(width), size, &value);
        if (r == EXEC_OK)
            r = stack_push(cpu, &value, 1, size);
    }
    if (r == EXEC_OK && level > 0)
        r = stack_push(cpu, &frame_temp, 1, size);
    if (r == EXEC_OK)
        r = mmu_probe(cpu, SEG_SS, stack_offset(cpu, -(int64_t)alloc), size, MMU_WRITE);
    if (r != EXEC_OK)
        return r;
    reg_set(cpu, R_RBP, bp);
    gpr_write(cpu, GPR_BP, size, false, frame_temp);
    stack_set_pointer(cpu, stack_offset(cpu, -(int64_t)alloc));
    return EXEC_OK;
}

/* LEAVE: rSP <- rBP (stack address size), then pop rBP (operand size). */
enum exec_result x_leave(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t value;
    enum exec_result r;

    (void)ops;
    stack_set_pointer(cpu, reg_get(cpu, R_RBP));
    r = stack_pop(cpu, &value, 1, in->opsize);
    if (r != EXEC_OK)
        return r;
    gpr_write(cpu, GPR_BP, in->opsize, false, value);
    return EXEC_OK;
}
