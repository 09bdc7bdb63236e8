/* The register cache of one emulation call: registers are fetched in batches only when
 * needed and written back once, only those that changed. After the first callback failure
 * (core/callbacks.h) no register is fetched: reads of registers not yet cached return 0,
 * and the call ends without writing anything back. */
#ifndef WHVEMU_REGCACHE_H
#define WHVEMU_REGCACHE_H

#include "core/vcpu.h"

/* Seed the cache with what the exit context already tells (RIP, RFLAGS, CS). */
void regs_init(struct vcpu *cpu, const WHV_VP_EXIT_CONTEXT *exit);

/* Mark a register as known without fetching it (values the exit context gives). */
void regs_preset(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *value);

/* Fetch every register of mask not yet cached, in one callback. False on failure. */
bool regs_fetch(struct vcpu *cpu, uint64_t mask);

/* Read a register (fetched on demand); 0 after a failure. */
const WHV_REGISTER_VALUE *reg_value(struct vcpu *cpu, enum reg_id id);
static inline uint64_t reg_get(struct vcpu *cpu, enum reg_id id)
{
    return reg_value(cpu, id)->Reg64;
}

/* Write a register in the cache; it goes back to the VMM at the end of a successful call. */
void reg_set(struct vcpu *cpu, enum reg_id id, uint64_t value);
void reg_set_value(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *value);

/* Write back the dirty registers in one callback. False on failure. */
bool regs_writeback(struct vcpu *cpu);

/* The WHV_REGISTER_NAME of a cached register (for traces and tests). */
WHV_REGISTER_NAME reg_whv_name(enum reg_id id);

#endif
