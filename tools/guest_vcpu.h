/* A virtual processor's registers as the tools keep them: an array parallel to reg_table.
 * Default states for each CPU mode, and the WHV_VP_EXIT_CONTEXT a hypervisor would report
 * for a vCPU in that state. Shared by the CLI, the benchmark and the fuzz targets. */
#ifndef WHVEMU_TOOLS_GUEST_VCPU_H
#define WHVEMU_TOOLS_GUEST_VCPU_H

#include "WinHvEmulation.h"
#include "whvnames.h"

enum vcpu_mode {
    VCPU_REAL16,      /* real mode at 0000:7c00, where a boot sector runs */
    VCPU_PROTECTED32, /* flat 32-bit protected mode, no paging */
    VCPU_LONG64,      /* long mode, paging, flat segments, CS.L = 1 */
    VCPU_COMPAT32,    /* long mode with a 32-bit code segment */
    VCPU_MODE_COUNT
};

/* Registers of one vCPU, indexed like reg_table. (Named apart from the library's own
 * per-call `struct vcpu`, which white-box tests see too.) */
struct guest_vcpu {
    WHV_REGISTER_VALUE regs[REG_TABLE_CAPACITY];
};

/* The register by name; NULL when it is not in reg_table. */
WHV_REGISTER_VALUE *vcpu_reg(struct guest_vcpu *v, WHV_REGISTER_NAME name);
const WHV_REGISTER_VALUE *vcpu_reg_const(const struct guest_vcpu *v, WHV_REGISTER_NAME name);

/* All registers zero, then the mode's control registers, segments, RIP, RSP and RFLAGS. */
void vcpu_set_defaults(struct guest_vcpu *v, enum vcpu_mode mode);

/* CS and SS descriptor privilege level and selector RPL. */
void vcpu_set_cpl(struct guest_vcpu *v, unsigned cpl);

/* The exit context for the vCPU's state: execution-state bits from CR0, EFER and CS.DPL,
 * CS, RIP, RFLAGS, CR8; InstructionLength as given (0 when unknown). */
void vcpu_exit_context(const struct guest_vcpu *v, unsigned instruction_length,
                       WHV_VP_EXIT_CONTEXT *vp);

/* Linear address of segment:offset with the mode's rules: in 64-bit code only FS and GS
 * bases apply; elsewhere the result wraps at 4 GiB. */
UINT64 vcpu_linear(const struct guest_vcpu *v, WHV_REGISTER_NAME segment, UINT64 offset);

#endif
