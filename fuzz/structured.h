/* fuzz_emulate's structured mode (emulate_input.h): a vCPU state and an exit a hypervisor
 * could really report, in any of the eight CPU modes, built from the input's fields. */
#ifndef WHVEMU_FUZZ_STRUCTURED_H
#define WHVEMU_FUZZ_STRUCTURED_H

#include <stdint.h>

#include "WinHvEmulation.h"
#include "guest_vcpu.h"

/* The vCPU of a shape (FUZZ_SHAPE_*), RIP at page offset rip_offset & 0xfff. */
void structured_vcpu(struct guest_vcpu *v, uint64_t shape, uint64_t rip_offset);

/* One register override: a general register, a data segment or the status flags. */
void structured_override(struct guest_vcpu *v, uint64_t index, uint64_t low, uint64_t high);

/* The exit context of the vCPU, with the shape's interrupt shadow. */
void structured_exit(const struct guest_vcpu *v, uint64_t shape, WHV_VP_EXIT_CONTEXT *vp);

/* A port-I/O exit for the instruction `selector` picks (emulate_input.h), in the shape's
 * code size: its bytes, byte count (at most given_count), AccessInfo and port (now and then
 * another port or direction than the instruction's). */
void structured_io(uint64_t shape, uint64_t selector, uint16_t port, uint64_t given_count,
                   WHV_X64_IO_PORT_ACCESS_CONTEXT *io);

/* The defined bits of an MMIO exit's AccessInfo, with a defined access type. */
uint32_t structured_mmio_access(uint64_t raw);

#endif
