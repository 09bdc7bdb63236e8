#include "exec/operand.h"

#include <string.h>

#include "core/regcache.h"
#include "exec/exec.h"
#include "exec/simd_check.h"
#include "exec/x87.h"
#include "optab.h"

/* The registers that address the ModRM memory operand through seg. Not CR4, although its
 * LA57 decides what is canonical in 64-bit code: an address canonical with 48 bits is
 * canonical with 57 too, so CR4 is fetched only for one that is not (mmu_is_canonical). */
static uint64_t address_regs(const struct vcpu *cpu, const struct insn *in, enum segreg seg)
{
    uint64_t mask = mmu_regs_for_segment(cpu, seg);

    if (in->base != GPR_NONE)
        mask |= REG_BIT(in->base);
    if (in->index != GPR_NONE && !(in->row->flags & F_VSIB))
        mask |= REG_BIT(in->index);
    return mask;
}

/* A GPR operand; 8-bit registers 4..7 without REX are AH, CH, DH, BH. */
static void gpr_operand(const struct insn *in, struct operand *op, unsigned reg, unsigned size)
{
    op->type = OPT_GPR;
    op->size = (uint8_t)size;
    op->high8 =
        size == 1 && !(in->prefixes & PFX_REX) && in->encoding == ENC_LEGACY && reg >= 4 && reg < 8;
    op->reg = (uint8_t)reg;
}

/* A memory operand addressed by ModRM: its offset is worked out per call (operands_locate). */
static void memory_operand(const struct insn *in, struct operand *op, unsigned size)
{
    op->type = OPT_MEM;
    op->size = (uint8_t)size;
    op->seg = in->seg;
    op->modrm_address = true;
}

/* An immediate operand; the second of two immediates (ENTER Iw,Ib; EXTRQ Ib,Ib) follows
 * another I. */
static void immediate_operand(const struct insn *in, unsigned n, struct operand *op,
                              enum operand_size sz, unsigned size)
{
    bool second = n > 0 && in->imm2_size && OPND_KIND(in->row->opnd[n - 1]) == OK_I;
    uint64_t imm = second ? in->imm2 : in->imm;
    unsigned encoded = second ? in->imm2_size : in->imm_size;

    op->type = OPT_IMM;
    /* Iz with a 64-bit operand size is an imm32 sign-extended to 64 bits */
    op->size = (uint8_t)(sz == SZ_z ? in->opsize : size);
    /* encoded narrower than the operand (Ibs, Iz with 64-bit operands): sign-extend */
    op->imm = sign_extend(imm & size_mask(encoded), encoded) & size_mask(op->size);
}

/* The operand types of the register files the SIMD families read through core/vstate.h. */
static const uint8_t register_operand_types[RF_COUNT] = {
    [RF_VEC] = OPT_VEC,
    [RF_MMX] = OPT_MMX,
    [RF_MASK] = OPT_KMASK,
};

/* Operand n of the row, by its kind (optab.h): memory, a GPR, a segment register, a vector,
 * MMX or opmask register, an immediate; anything else is left to the family (OPT_OTHER). */
static void describe_operand(const struct insn *in, unsigned n, struct operand *op)
{
    uint16_t d = in->row->opnd[n];
    const struct operand_kind_info *kind = operand_kind_of(d);
    enum operand_size sz = OPND_SIZE(d);
    unsigned size = insn_operand_bytes(in, sz);

    if (operand_in_memory(in, d)) {
        memory_operand(in, op, sz == SZ_NONE || size > MMU_MAX_ACCESS ? 0 : size);
    } else if (register_operand_types[kind->file]) {
        op->type = register_operand_types[kind->file];
        op->size = (uint8_t)size;
        op->reg = (uint8_t)operand_register(in, d);
    } else if (kind->file == RF_GPR) {
        gpr_operand(in, op, operand_register(in, d), size);
    } else if (kind->file == RF_SEG) {
        op->type = OPT_SEG;
        op->size = 2;
        op->reg = (uint8_t)operand_register(in, d);
    } else if (kind->immediate == IMM_SIZED) {
        immediate_operand(in, n, op, sz, size);
    } else if (OPND_KIND(d) == OK_ONE) {
        op->type = OPT_IMM;
        op->size = 1;
        op->imm = 1;
    } else if (kind->memory == MEM_MOFFS) {
        op->type = OPT_MEM;
        op->size = (uint8_t)size;
        op->seg = in->seg;
        op->offset = in->imm & size_mask(in->addrsize);
    } else {
        op->type = OPT_OTHER; /* the family file interprets it from the row */
        op->size = (uint8_t)size;
    }
}

void operands_describe(const struct insn *in, struct operand ops[MAX_OPERANDS])
{
    memset(ops, 0, sizeof(struct operand) * MAX_OPERANDS);
    for (unsigned n = 0; n < MAX_OPERANDS && in->row->opnd[n]; n++)
        describe_operand(in, n, &ops[n]);
}

/* Whether operand n is a GPR the instruction only writes, and whole (32 bits zero-extend
 * into 64): its old value is never needed, so it is not fetched. The loads of the MOV
 * family; an instruction missing here only costs a register more in the Get call. */
static bool only_written_whole(const struct insn *in, unsigned n, const struct operand *op)
{
    bool load = in->mnemonic == MN_mov || in->mnemonic == MN_movzx || in->mnemonic == MN_movsx ||
                in->mnemonic == MN_movsxd;
    return load && n == 0 && op->size >= 4;
}

/* The SDK name of a vector register operand, where the call is sure to use the SDK names:
 * XMM0-15 of a legacy SSE instruction (simd_need: VEX and EVEX may need the extension's
 * area instead, which then serves every vector register of the call). */
static uint64_t sdk_vector_name(const struct insn *in, uint16_t d)
{
    unsigned n = operand_register(in, d);

    return in->encoding == ENC_LEGACY && n < 16 ? REG_BIT(R_XMM0 + n) : 0;
}

/* The registers of operand n that are read: a register operand (unless only written), the
 * address registers and segment of a memory operand. */
static uint64_t operand_regs(const struct vcpu *cpu, const struct insn *in, unsigned n)
{
    uint16_t d = in->row->opnd[n];
    const struct operand_kind_info *kind = operand_kind_of(d);
    struct operand op;

    if (operand_in_memory(in, d) || kind->memory == MEM_MOFFS)
        return address_regs(cpu, in, (enum segreg)in->seg);
    switch (kind->memory) {
    case MEM_RSI: return REG_BIT(R_RSI) | mmu_regs_for_segment(cpu, (enum segreg)in->seg);
    case MEM_RDI: return REG_BIT(R_RDI) | mmu_regs_for_segment(cpu, SEG_ES);
    case MEM_DS_RDI: return REG_BIT(R_RDI) | mmu_regs_for_segment(cpu, (enum segreg)in->seg);
    default: break; /* XLAT and the stack: their families ask for what they address */
    }
    if (kind->file == RF_SEG)
        return REG_BIT(REG_SEG(operand_register(in, d)));
    if (kind->file == RF_VEC)
        return sdk_vector_name(in, d);
    if (kind->file != RF_GPR)
        return 0;
    gpr_operand(in, &op, operand_register(in, d), insn_operand_bytes(in, OPND_SIZE(d)));
    if (only_written_whole(in, n, &op))
        return 0;
    return REG_BIT(op.high8 ? op.reg - 4 : op.reg);
}

/* An x87 instruction: the escape opcodes D8-DF. */
static bool is_x87(const struct insn *in)
{
    return in->map == MAP_LEGACY_1B && in->opcode >= 0xd8 && in->opcode <= 0xdf;
}

/* The state the SIMD, MMX and x87 checks read (simd_check.h, x87.h): CR0 and CR4 (#UD, #NM),
 * XCR0 for the VEX and EVEX vector and opmask forms and AMX (which needs no CR0), FSW
 * (FpControlStatus) where a pending x87 exception is #MF. Not for the VEX GPR forms (BMI1/BMI2), which read none of it. */
static uint64_t state_regs(const struct insn *in)
{
    static const uint64_t by_class[STATE_CLASS_COUNT] = {
        [STATE_SSE] = REG_BIT(R_CR0) | REG_BIT(R_CR4),
        [STATE_MMX] = REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_FP_CONTROL_STATUS),
        [STATE_SSE_MMX] = REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_FP_CONTROL_STATUS),
        [STATE_VEX] = REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_XCR0),
        [STATE_VEX_OPMASK] = REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_XCR0),
        [STATE_EVEX] = REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_XCR0),
        [STATE_AMX] = REG_BIT(R_CR4) | REG_BIT(R_XCR0),
    };

    if (x87_handles(in))
        return x87_state_regs(in);
    if (is_x87(in))
        return REG_BIT(R_CR0) | REG_BIT(R_CR4);
    return by_class[simd_state_class(in)];
}

uint64_t operands_regs(const struct vcpu *cpu, const struct insn *in)
{
    uint64_t mask = state_regs(in);

    for (unsigned n = 0; n < MAX_OPERANDS && in->row->opnd[n]; n++)
        mask |= operand_regs(cpu, in, n);
    /* a REP prefix on a string instruction counts with rCX */
    if ((in->row->flags & F_REP) && (in->prefixes & (PFX_REP | PFX_REPNE)))
        mask |= REG_BIT(R_RCX);
    return mask;
}

/* access: extra MMU_* bits checked on a memory read (MMU_WRITE for a read-modify-write).
 * (Inline: its two callers are each a call level less on every memory read.) */
HOT_INLINE enum exec_result read_operand(struct vcpu *cpu, const struct operand *op,
                                         uint64_t *value, unsigned access)
{
    switch (op->type) {
    case OPT_GPR: *value = gpr_read(cpu, op->reg, op->size, op->high8); return EXEC_OK;
    case OPT_IMM: *value = op->imm; return EXEC_OK;
    case OPT_SEG: *value = reg_value(cpu, REG_SEG(op->reg))->Segment.Selector; return EXEC_OK;
    case OPT_MEM:
        if (op->size == 0 || op->size > 8)
            return EXEC_UNSUPPORTED;
        return mmu_read_value(cpu, (enum segreg)op->seg, op->offset, op->size, access, value);
    default: return EXEC_UNSUPPORTED;
    }
}

enum exec_result op_read_other(struct vcpu *cpu, const struct operand *op, uint64_t *value)
{
    return read_operand(cpu, op, value, 0);
}

enum exec_result op_read_dest(struct vcpu *cpu, const struct operand *op, uint64_t *value)
{
    return read_operand(cpu, op, value, MMU_WRITE);
}

enum exec_result op_write_other(struct vcpu *cpu, const struct operand *op, uint64_t value)
{
    switch (op->type) {
    case OPT_GPR: gpr_write(cpu, op->reg, op->size, op->high8, value); return EXEC_OK;
    case OPT_MEM:
        if (op->size == 0 || op->size > 8)
            return EXEC_UNSUPPORTED;
        return mmu_write_value(cpu, (enum segreg)op->seg, op->offset, op->size, 0, value);
    default: return EXEC_UNSUPPORTED;
    }
}
