/* The executor's operand interface: a decoded operand becomes a register, a memory
 * location (segment:offset) or an immediate, read and written by value. Family files use
 * only this (and the register cache), never the WHv callbacks. */
#ifndef WHVEMU_OPERAND_H
#define WHVEMU_OPERAND_H

#include "core/bytes.h"
#include "core/regcache.h"
#include "core/vcpu.h"
#include "mmu/mmu.h"

/* OPT_VEC, OPT_MMX, OPT_KMASK: vector, MMX and opmask registers (read and written through
 * core/vstate.h by the SIMD families, not by op_read/op_write). */
enum operand_type {
    OPT_NONE = 0,
    OPT_GPR,
    OPT_MEM,
    OPT_IMM,
    OPT_SEG,
    OPT_VEC,
    OPT_MMX,
    OPT_KMASK,
    OPT_OTHER
};

struct operand {
    uint8_t type;       /* enum operand_type */
    uint8_t size;       /* bytes (memory: the access size, up to 64 for vectors; 0 for
                         * address-only operands and the x87/XSAVE areas, which their
                         * family sizes) */
    uint8_t reg;        /* OPT_GPR: enum gpr; OPT_SEG: enum segreg; OPT_VEC: 0-31;
                         * OPT_MMX, OPT_KMASK: 0-7 */
    bool high8;         /* OPT_GPR: AH/CH/DH/BH */
    uint8_t seg;        /* OPT_MEM: enum segreg */
    bool modrm_address; /* OPT_MEM addressed by ModRM: offset is the effective address */
    uint64_t offset;    /* OPT_MEM: effective address, wrapped to the address size */
    uint64_t imm;       /* OPT_IMM: value extended to `size` */
};

#define MAX_OPERANDS 4

/* Turn the row's operand descriptors into operands (OPT_NONE past the last): all of them
 * but what depends on registers, so that the decode cache can keep it. */
void operands_describe(const struct insn *in, struct operand ops[MAX_OPERANDS]);

/* Registers the operands name (to prefetch in one batch). */
uint64_t operands_regs(const struct vcpu *cpu, const struct insn *in);

/* Read the destination of a read-modify-write instruction (ADD [m], SHL [m], BTS [m]...):
 * a memory operand is checked for writing before it is read, so a read-only or absent
 * page faults with the write bit in the error code, as the CPU reports it. */
enum exec_result op_read_dest(struct vcpu *cpu, const struct operand *op, uint64_t *value);

/* What writing value (size bytes, not AH..BH) leaves in a 64-bit register that held old:
 * a 32-bit write zero-extends, 8- and 16-bit writes keep the rest. */
static inline uint64_t gpr_merge(uint64_t old, unsigned size, uint64_t value)
{
    return size == 4 ? value & 0xffffffffu : (old & ~size_mask(size)) | (value & size_mask(size));
}

static inline uint64_t sign_extend(uint64_t value, unsigned size)
{
    if (size == 0 || size >= 8)
        return size == 0 ? 0 : value;
    return (uint64_t)((int64_t)(value << (64 - size * 8)) >> (64 - size * 8));
}

/* The register that holds GPR operand reg: AH..BH (4..7 with high8) are in RAX..RBX. */
static inline enum reg_id gpr_holder(unsigned reg, bool high8)
{
    return (enum reg_id)(high8 ? reg - 4 : reg);
}

/* A GPR operand's value in its holder's value `full`, and what writing value to it leaves
 * there (`old`: the holder's value, used only by writes narrower than 4 bytes and AH..BH). */
static inline uint64_t gpr_value_in(uint64_t full, unsigned size, bool high8)
{
    return high8 ? (full >> 8) & 0xff : full & size_mask(size);
}
static inline uint64_t gpr_written(uint64_t old, unsigned size, bool high8, uint64_t value)
{
    if (high8)
        return (old & ~UINT64_C(0xff00)) | ((value & 0xff) << 8);
    return gpr_merge(old, size, value);
}
static inline bool gpr_write_keeps_bits(unsigned size, bool high8)
{
    return high8 || size < 4;
}

/* GPR access by number and size in bytes (1 = low byte unless high8). */
static inline uint64_t gpr_read(struct vcpu *cpu, unsigned reg, unsigned size, bool high8)
{
    return gpr_value_in(reg_get(cpu, gpr_holder(reg, high8)), size, high8);
}

static inline void gpr_write(struct vcpu *cpu, unsigned reg, unsigned size, bool high8,
                             uint64_t value)
{
    enum reg_id id = gpr_holder(reg, high8);
    /* only a narrower write needs the old value (and fetches it) */
    uint64_t old = gpr_write_keeps_bits(size, high8) ? reg_get(cpu, id) : 0;

    reg_set(cpu, id, gpr_written(old, size, high8, value));
}

/* Effective address of the ModRM memory operand, wrapped to the address size. */
static inline uint64_t effective_address(struct vcpu *cpu, const struct insn *in)
{
    uint64_t ea = (uint64_t)(int64_t)in->disp;

    if (in->rip_relative)
        ea += reg_get(cpu, R_RIP) + in->length;
    if (in->base != GPR_NONE)
        ea += reg_get(cpu, (enum reg_id)in->base);
    if (in->index != GPR_NONE)
        ea += reg_get(cpu, (enum reg_id)in->index) * in->scale;
    return ea & size_mask(in->addrsize);
}

/* What depends on registers: the offset of the ModRM memory operand. */
static inline void operands_locate(struct vcpu *cpu, const struct insn *in,
                                   struct operand ops[MAX_OPERANDS])
{
    if (!in->has_modrm || in->mod == 3)
        return; /* no ModRM memory operand */
    for (unsigned n = 0; n < MAX_OPERANDS; n++)
        if (ops[n].modrm_address)
            ops[n].offset = effective_address(cpu, in);
}

/* Read/write an operand's value (zero-extended to 64 bits on read). A register inline, any
 * other operand by op_read_other/op_write_other. */
enum exec_result op_read_other(struct vcpu *cpu, const struct operand *op, uint64_t *value);
enum exec_result op_write_other(struct vcpu *cpu, const struct operand *op, uint64_t value);

static inline enum exec_result op_read(struct vcpu *cpu, const struct operand *op, uint64_t *value)
{
    if (op->type != OPT_GPR)
        return op_read_other(cpu, op, value);
    *value = gpr_read(cpu, op->reg, op->size, op->high8);
    return EXEC_OK;
}

static inline enum exec_result op_write(struct vcpu *cpu, const struct operand *op, uint64_t value)
{
    if (op->type != OPT_GPR)
        return op_write_other(cpu, op, value);
    gpr_write(cpu, op->reg, op->size, op->high8, value);
    return EXEC_OK;
}

#endif
