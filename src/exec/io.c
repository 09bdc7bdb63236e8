/* Port I/O: IN and OUT, and what INS/OUTS (string.c) share with them — the I/O permission
 * check of protected and virtual-8086 mode and the access through the I/O callback — and
 * the check that an instruction is the one a port-I/O exit reports. */
#include "exec/io.h"

#include "core/regcache.h"
#include "exec/exec.h"
#include "optab.h"

/* Offset of the 16-bit I/O permission bitmap base in a 32-bit or 64-bit TSS; the TSS limit
 * must cover it for the bitmap to exist. */
#define TSS_IOMAP_BASE 0x66u
/* SegmentType of a 32-bit (64-bit in IA-32e mode) TSS: 9 available, 11 busy. 16-bit TSSs
 * (1, 3) have no bitmap. */
#define TSS_TYPE_MASK 0xdu
#define TSS_TYPE_32 0x9u

enum exec_result io_bitmap_permission(struct vcpu *cpu, uint16_t port, unsigned size)
{
    const WHV_X64_SEGMENT_REGISTER *tr = &reg_value(cpu, R_TR)->Segment;
    uint8_t bytes[2];
    uint32_t offset;
    enum exec_result r;

    if (!tr->Present || tr->NonSystemSegment || (tr->SegmentType & TSS_TYPE_MASK) != TSS_TYPE_32 ||
        tr->Limit < TSS_IOMAP_BASE + 1)
        return raise_fault(cpu, EXC_GP, true, 0);
    r = mmu_read_system(cpu, tr->Base + TSS_IOMAP_BASE, bytes, 2);
    if (r != EXEC_OK)
        return r;
    offset = (uint32_t)(bytes[0] | bytes[1] << 8) + port / 8u;
    /* The CPU always reads two bitmap bytes (a port's bits may continue into the next one):
     * both must be inside the TSS limit, which is why a bitmap ends with an 0xff byte. */
    if (offset + 1 > tr->Limit)
        return raise_fault(cpu, EXC_GP, true, 0);
    r = mmu_read_system(cpu, tr->Base + offset, bytes, 2);
    if (r != EXEC_OK)
        return r;
    if (((unsigned)(bytes[0] | bytes[1] << 8) >> (port & 7u)) & ((1u << size) - 1))
        return raise_fault(cpu, EXC_GP, true, 0);
    return EXEC_OK;
}

/* IN AL/eAX, imm8 or DX: the port is operand 1. */
enum exec_result x_in(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t port;
    uint32_t data = 0;
    enum exec_result r;

    (void)in;
    r = op_read(cpu, &ops[1], &port);
    if (r == EXEC_OK)
        r = io_permission(cpu, (uint16_t)port, ops[0].size);
    if (r == EXEC_OK)
        r = io_port(cpu, (uint16_t)port, ops[0].size, false, &data);
    if (r != EXEC_OK)
        return r;
    return op_write(cpu, &ops[0], data); /* EAX zero-extends into RAX, as any 32-bit write */
}

/* OUT imm8 or DX, AL/eAX: the port is operand 0. */
enum exec_result x_out(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t port, value;
    uint32_t data;
    enum exec_result r;

    (void)in;
    r = op_read(cpu, &ops[0], &port);
    if (r == EXEC_OK)
        r = op_read(cpu, &ops[1], &value);
    if (r == EXEC_OK)
        r = io_permission(cpu, (uint16_t)port, ops[1].size);
    if (r != EXEC_OK)
        return r;
    data = (uint32_t)value;
    return io_port(cpu, (uint16_t)port, ops[1].size, true, &data);
}

bool io_insn_matches(const struct insn *in, const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    bool write, string;
    uint16_t data, port;
    unsigned size;

    switch (in->mnemonic) {
    case MN_in: write = false, string = false; break;
    case MN_ins: write = false, string = true; break;
    case MN_out: write = true, string = false; break;
    case MN_outs: write = true, string = true; break;
    default: return false;
    }
    /* IN/INS name the data first and the port second; OUT/OUTS the other way round */
    data = in->row->opnd[write ? 1 : 0];
    port = in->row->opnd[write ? 0 : 1];
    size = OPND_SIZE(data) == SZ_b ? 1 : in->opsize == 2 ? 2 : 4;
    if (io->AccessInfo.IsWrite != write || io->AccessInfo.StringOp != string ||
        io->AccessInfo.AccessSize != size)
        return false;
    return OPND_KIND(port) != OK_I || (in->imm & 0xff) == io->PortNumber;
}
