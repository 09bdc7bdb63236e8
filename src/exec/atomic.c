/* The exchanges: XCHG, XADD, CMPXCHG, CMPXCHG8B, CMPXCHG16B. With or without LOCK they are
 * a read, a computation and a write through the memory callback: for MMIO that is all a
 * device can see; atomicity against other vCPUs on RAM is the VMM's (docs/semantics.md).
 * The memory write comes first, so a faulting write leaves every register as it was. */
#include "exec/exec.h"

#include <string.h>

#include "core/regcache.h"
#include "exec/flags.h"
#include "optab.h"

enum exec_result x_xchg(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t a, b;
    enum exec_result r;

    (void)in;
    r = op_read_dest(cpu, &ops[0], &a);
    if (r == EXEC_OK)
        r = op_read_dest(cpu, &ops[1], &b);
    if (r == EXEC_OK)
        r = op_write(cpu, &ops[0], b);
    if (r == EXEC_OK)
        r = op_write(cpu, &ops[1], a);
    return r;
}

/* XADD: the destination gets the sum, the source register the old destination. */
enum exec_result x_xadd(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    uint64_t dst, src;
    enum exec_result r;

    (void)in;
    r = op_read_dest(cpu, &ops[0], &dst);
    if (r == EXEC_OK)
        r = op_read(cpu, &ops[1], &src);
    if (r == EXEC_OK)
        r = op_write(cpu, &ops[0], dst + src);
    if (r != EXEC_OK)
        return r;
    op_write(cpu, &ops[1], dst);
    flags_update(cpu, FL_ARITH, alu_flags(cpu, MN_add, size, dst, src));
    return EXEC_OK;
}

/* CMPXCHG: compare the accumulator with the destination. The destination is always
 * written - the new value when equal, its own value when not - as the CPU does, so a
 * device sees the same write cycle either way; the accumulator is loaded only when not
 * equal. */
enum exec_result x_cmpxchg(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    uint64_t dst, src, acc = gpr_read(cpu, GPR_AX, size, false);
    enum exec_result r;
    bool equal;

    (void)in;
    r = op_read_dest(cpu, &ops[0], &dst);
    if (r == EXEC_OK)
        r = op_read(cpu, &ops[1], &src);
    if (r != EXEC_OK)
        return r;
    equal = acc == dst;
    r = op_write(cpu, &ops[0], equal ? src : dst);
    if (r != EXEC_OK)
        return r;
    if (!equal)
        gpr_write(cpu, GPR_AX, size, false, dst);
    flags_update(cpu, FL_ARITH, alu_flags(cpu, MN_cmp, size, acc, dst));
    return EXEC_OK;
}

/* CMPXCHG8B m64 / CMPXCHG16B m128: rDX:rAX against memory, rCX:rBX stored when equal;
 * only ZF changes. CMPXCHG16B needs a 16-byte aligned operand (#GP(0) otherwise). */
enum exec_result x_cmpxchg_wide(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned half = in->mnemonic == MN_cmpxchg16b ? 8 : 4, size = 2 * half;
    uint64_t lo = gpr_read(cpu, GPR_AX, half, false), hi = gpr_read(cpu, GPR_DX, half, false);
    uint64_t mem_lo, mem_hi, new_lo, new_hi;
    uint8_t buf[16];
    bool equal;
    enum exec_result r;

    if (half == 8 && (ops[0].offset & 15))
        return raise_fault(cpu, EXC_GP, true, 0);
    r = mmu_read(cpu, (enum segreg)ops[0].seg, ops[0].offset, buf, size, MMU_WRITE);
    if (r != EXEC_OK)
        return r;
    mem_lo = load_le(buf, half);
    mem_hi = load_le(buf + half, half);
    equal = mem_lo == lo && mem_hi == hi;
    new_lo = equal ? gpr_read(cpu, GPR_BX, half, false) : mem_lo;
    new_hi = equal ? gpr_read(cpu, GPR_CX, half, false) : mem_hi;
    store_le(buf, half, new_lo);
    store_le(buf + half, half, new_hi);
    r = mmu_write(cpu, (enum segreg)ops[0].seg, ops[0].offset, buf, size, 0);
    if (r != EXEC_OK)
        return r;
    if (!equal) {
        gpr_write(cpu, GPR_AX, half, false, mem_lo);
        gpr_write(cpu, GPR_DX, half, false, mem_hi);
    }
    flags_update(cpu, FL_ZF, equal ? FL_ZF : 0);
    return EXEC_OK;
}
