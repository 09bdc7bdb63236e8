/* What IN/OUT (io.c) share with INS/OUTS (string.c) and with the check of a port-I/O exit
 * (exec.c): the permission check, the access through the I/O callback, the match of an
 * instruction with the exit. */
#ifndef WHVEMU_IO_H
#define WHVEMU_IO_H

#include <string.h>

#include "core/callbacks.h"
#include "exec/operand.h"

/* #GP(0) unless the CPL/IOPL or the TSS I/O permission bitmap allow size bytes at port. */
enum exec_result io_bitmap_permission(struct vcpu *cpu, uint16_t port, unsigned size);
/* Whether every port may be used, without the bitmap: real mode, and protected mode with
 * CPL <= IOPL. Virtual-8086 mode always consults the bitmap (IOPL there only governs
 * CLI/STI/PUSHF...). */
static inline bool io_all_ports(const struct vcpu *cpu, uint64_t rflags)
{
    unsigned iopl = (unsigned)(rflags & FL_IOPL) >> 12;

    return !cpu->protected_mode || (!cpu->v86 && cpu->cpl <= iopl);
}
static inline enum exec_result io_permission(struct vcpu *cpu, uint16_t port, unsigned size)
{
    if (io_all_ports(cpu, reg_get(cpu, R_RFLAGS)))
        return EXEC_OK;
    return io_bitmap_permission(cpu, port, size);
}

/* One access through the I/O callback; *data in (OUT) or out (IN, masked to size).
 * (Inline: an element of REP INS/OUTS is one.) */
HOT_INLINE enum exec_result io_port(struct vcpu *cpu, uint16_t port, unsigned size, bool write,
                                    uint32_t *data)
{
    WHV_EMULATOR_IO_ACCESS_INFO access;
    uint32_t mask = (uint32_t)size_mask(size);

    memset(&access, 0, sizeof access);
    access.Direction = write ? 1 : 0;
    access.Port = port;
    access.AccessSize = (UINT16)size;
    if (write)
        access.Data = *data & mask;
    if (FAILED(emu_io(cpu, &access)))
        return EXEC_CALLBACK_FAILED;
    if (!write)
        *data = access.Data & mask; /* what a VMM leaves above the access size is not read */
    return EXEC_OK;
}

/* Whether the decoded instruction makes the port access a port-I/O exit reports. */
bool io_insn_matches(const struct insn *in, const WHV_X64_IO_PORT_ACCESS_CONTEXT *io);

#endif
