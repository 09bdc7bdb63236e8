/* One emulation call's beginning and end: the per-call state set up from the emulator and
 * the exit, and the outcome turned into status bits and one register write-back. */
#ifndef WHVEMU_CALL_H
#define WHVEMU_CALL_H

#include "core/vcpu.h"

/* What a handle holds (api/handles.c keeps one per handle): the VMM's callbacks and the
 * options it set (whvemu.h). A call copies what it uses into its struct vcpu. */
struct emulator {
    WHV_EMULATOR_CALLBACKS callbacks;
    uint64_t rep_budget;           /* WHVEMU_OPTION_REP_BUDGET: 0 = run REP to completion */
    uint8_t vendor;                /* WHVEMU_OPTION_VENDOR (WHVEMU_VENDOR_HOST by default) */
    WHVEMU_RAM_CALLBACK ram_page;  /* whvemu_set_ram_callback; NULL: none */
    struct insn_cache *insn_cache; /* the handle's decode cache (exec/insn_cache.h) */
    /* the decode cache and the MMU's fast path in use (the default); tests turn them off to
     * compare every outcome and callback with the general path's */
    bool fast_paths;
};

/* Set up cpu for one call of emu on an exit: the callbacks and options copied (a callback
 * may destroy the handle, and a create reuse its slot, without the rest of the call going
 * to another emulator's callbacks: docs/semantics.md), the processor mode derived, the
 * register cache seeded with what the exit context tells. No callback is made. */
void call_begin(struct vcpu *cpu, const struct emulator *emu, void *context,
                const WHV_VP_EXIT_CONTEXT *exit);

/* End the call with the outcome of its instruction: the single-step trap or the fault
 * injected, the status bits set, and the registers written back in one callback. After a
 * callback failure nothing more happens: its status bit is the call's answer. */
void call_finish(struct vcpu *cpu, enum exec_result r);

#endif
