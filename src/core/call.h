/* One emulation call's beginning and end: the per-call state set up from the emulator and
 * the exit, and the outcome turned into status bits and one register write-back. */
#ifndef WHVEMU_CALL_H
#define WHVEMU_CALL_H

#include <string.h>

#include "core/cpuid.h"
#include "core/regcache.h"
#include "core/vcpu.h"
#include "core/xstate.h"

/* What a handle holds (api/handles.c keeps one per handle): the VMM's callbacks and the
 * options it set (whvemu.h). A call copies what it uses into its struct vcpu. */
struct emulator {
    WHV_EMULATOR_CALLBACKS callbacks;
    uint64_t rep_budget;           /* WHVEMU_OPTION_REP_BUDGET: 0 = run REP to completion */
    uint8_t vendor;                /* WHVEMU_OPTION_VENDOR (WHVEMU_VENDOR_HOST by default) */
    uint8_t host_vendor;           /* cpuid_vendor(), asked once at create, not per call */
    uint8_t vendor_in_effect;      /* vendor, or host_vendor for WHVEMU_VENDOR_HOST */
    WHVEMU_RAM_CALLBACK ram_page;  /* whvemu_set_ram_callback; NULL: none */
    struct insn_cache *insn_cache; /* the handle's decode cache (exec/insn_cache.h) */
    /* the decode cache and the MMU's fast path in use (the default); tests turn them off to
     * compare every outcome and callback with the general path's */
    bool fast_paths;
    struct xstate_ext *xstate; /* whvemu_set_xstate_callbacks (a reference); NULL: none */
    uint8_t host_simd;         /* WHVEMU_OPTION_HOST_SIMD (WHVEMU_HOST_SIMD_AUTO by default) */
};

/* The processor mode, CPL and the code-segment size, from the exit context. */
HOT_INLINE void derive_mode(struct vcpu *cpu)
{
    const WHV_VP_EXIT_CONTEXT *exit = cpu->exit;

    cpu->protected_mode = exit->ExecutionState.Cr0Pe;
    cpu->long_mode = cpu->protected_mode && exit->ExecutionState.EferLma;
    cpu->v86 = cpu->protected_mode && !cpu->long_mode && (exit->Rflags & FL_VM);
    cpu->cpl = (uint8_t)exit->ExecutionState.Cpl;
    if (!cpu->protected_mode) {
        cpu->cpl = 0;
        cpu->code_mode = MODE_16;
    } else if (cpu->v86) {
        cpu->cpl = 3;
        cpu->code_mode = MODE_16;
    } else if (cpu->long_mode && exit->Cs.Long) {
        cpu->code_mode = MODE_64;
    } else {
        cpu->code_mode = exit->Cs.Default ? MODE_32 : MODE_16;
    }
}

/* What a call takes from emu before its first callback (a callback may destroy the handle,
 * and a create reuse its slot, without the rest of the call going to another emulator's
 * callbacks: docs/semantics.md), in two parts. First what a decode-cache entry's plan
 * (exec/plan.h) needs to run the call: the callbacks, the vendor, the processor mode. No
 * callback is made. */
HOT_INLINE void call_take(struct vcpu *cpu, const struct emulator *emu, void *context,
                          const WHV_VP_EXIT_CONTEXT *exit)
{
    cpu->callbacks = emu->callbacks;
    cpu->context = context;
    cpu->exit = exit;
    cpu->status.AsUINT32 = 0;
    cpu->insn_cache = emu->fast_paths ? emu->insn_cache : NULL;
    cpu->cached = NULL;
    cpu->vendor = emu->vendor_in_effect;
    derive_mode(cpu);
}

/* Then the rest of the options, which only the general path and the MMIO plans use (none
 * of the exit's page known yet). */
HOT_INLINE void call_take_options(struct vcpu *cpu, const struct emulator *emu)
{
    cpu->host_ops = emu->vendor == WHVEMU_VENDOR_HOST; /* where this build has stubs */
    cpu->host_simd = emu->host_simd == WHVEMU_HOST_SIMD_AUTO;
    cpu->exit_page.access = 0;
    cpu->ram_page = emu->ram_page;
    cpu->fast_paths = emu->fast_paths;
    cpu->not_ram[0] = cpu->not_ram[1] = NOT_A_PAGE;
    cpu->rep_budget = emu->rep_budget; /* call_prepare: 1 under TF */
}

/* The rest of the per-call state, which needs no emulator (call_take_options done): TF, the
 * page cache empty, no fault, the register cache seeded with what the exit context tells. */
HOT_INLINE void call_prepare(struct vcpu *cpu)
{
    cpu->single_step = (cpu->exit->Rflags & FL_TF) != 0;
    /* with TF the CPU traps after every iteration of a REP: one per call, then the #DB */
    if (cpu->single_step)
        cpu->rep_budget = 1;
    cpu->tlb_count = 0;
    cpu->tlb_next = 0;
    memset(&cpu->fault, 0, sizeof cpu->fault);
    cpu->debug_trap_inhibited = false;
    cpu->vstate.area = false;
    regs_init(cpu, cpu->exit);
}

/* Set up cpu for one call of emu on an exit (call_take, call_take_options, call_prepare), with the extended-state
 * extension held to the call's end: a callback may replace the registration or destroy the
 * handle. No callback is made. */
HOT_INLINE void call_begin(struct vcpu *cpu, const struct emulator *emu, void *context,
                           const WHV_VP_EXIT_CONTEXT *exit)
{
    call_take(cpu, emu, context, exit);
    call_take_options(cpu, emu);
    cpu->vstate.ext = xstate_ext_hold(emu->xstate);
    call_prepare(cpu);
}

/* End the call with the outcome of its instruction: the single-step trap or the fault
 * injected, the status bits set, the extended-state area stored (SetXstate) and then the
 * registers written back in one callback — in that order, so that a failed SetXstate
 * leaves RIP where it was. After a callback failure nothing more happens: its status bit
 * is the call's answer. */
void call_finish(struct vcpu *cpu, enum exec_result r);

/* Release what call_begin took, once the status is final. */
HOT_INLINE void call_end(struct vcpu *cpu)
{
    if (cpu->vstate.ext)
        xstate_ext_release(cpu->vstate.ext);
}

#endif
