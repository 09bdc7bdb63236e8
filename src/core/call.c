/* One emulation call's beginning and end (call.h), and faults. */
#include "core/call.h"

#include <string.h>

#include "core/callbacks.h"
#include "core/cpuid.h"
#include "core/regcache.h"

enum exec_result raise_fault(struct vcpu *cpu, uint8_t vector, bool has_error_code,
                             uint32_t error_code)
{
    cpu->fault.vector = vector;
    cpu->fault.has_error_code = has_error_code;
    cpu->fault.error_code = error_code;
    cpu->fault.has_cr2 = false;
    cpu->fault.cr2 = 0;
    cpu->fault.committed_regs = 0;
    return EXEC_FAULT;
}

/* The processor mode, CPL and the code-segment size, from the exit context. */
static void derive_mode(struct vcpu *cpu)
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

/* The options as this call applies them. */
static void resolve_options(struct vcpu *cpu, const struct emulator *emu)
{
    cpu->single_step = (cpu->exit->Rflags & FL_TF) != 0;
    /* with TF the CPU traps after every iteration of a REP: one per call, then the #DB */
    cpu->rep_budget = cpu->single_step ? 1 : emu->rep_budget;
    cpu->vendor = emu->vendor == WHVEMU_VENDOR_HOST ? cpuid_vendor() : emu->vendor;
    cpu->host_ops = emu->vendor == WHVEMU_VENDOR_HOST; /* where this build has stubs */
}

void call_begin(struct vcpu *cpu, const struct emulator *emu, void *context,
                const WHV_VP_EXIT_CONTEXT *exit)
{
    cpu->callbacks = emu->callbacks;
    cpu->ram_page = emu->ram_page;
    cpu->context = context;
    cpu->exit = exit;
    cpu->status.AsUINT32 = 0;
    cpu->fast_paths = emu->fast_paths;
    cpu->insn_cache = emu->fast_paths ? emu->insn_cache : NULL;
    resolve_options(cpu, emu);
    cpu->exit_page.access = 0;
    cpu->tlb_count = 0;
    cpu->tlb_next = 0;
    cpu->not_ram[0] = cpu->not_ram[1] = NOT_A_PAGE;
    memset(&cpu->fault, 0, sizeof cpu->fault);
    cpu->debug_trap_inhibited = false;
    regs_init(cpu, exit);
    derive_mode(cpu);
}

/* Queue cpu->fault in the pending-interruption register (and CR2 for #PF), unless an event
 * is already pending: then the guest cannot take it from here. */
static bool inject_exception(struct vcpu *cpu)
{
    WHV_REGISTER_VALUE v;
    const WHV_REGISTER_VALUE *pending = reg_value(cpu, R_PENDING_INTERRUPTION);

    if (pending->PendingInterruption.InterruptionPending) {
        cpu->status.GuestCannotBeFaulted = 1;
        return false;
    }
    memset(&v, 0, sizeof v);
    v.PendingInterruption.InterruptionPending = 1;
    v.PendingInterruption.InterruptionType = WHvX64PendingException;
    v.PendingInterruption.InterruptionVector = cpu->fault.vector;
    /* real mode pushes no error code */
    if (cpu->fault.has_error_code && cpu->protected_mode) {
        v.PendingInterruption.DeliverErrorCode = 1;
        v.PendingInterruption.ErrorCode = cpu->fault.error_code;
    }
    reg_set_value(cpu, R_PENDING_INTERRUPTION, &v);
    if (cpu->fault.has_cr2)
        reg_set(cpu, R_CR2, cpu->fault.cr2);
    return true;
}

/* A completed instruction with RFLAGS.TF set traps: #DB after it, DR6.BS set. */
static bool single_step_trap(struct vcpu *cpu)
{
    raise_fault(cpu, EXC_DB, false, 0);
    reg_set(cpu, R_DR6, reg_get(cpu, R_DR6) | DR6_BS);
    return inject_exception(cpu);
}

void call_finish(struct vcpu *cpu, enum exec_result r)
{
    if (callback_failed(cpu))
        return;
    switch (r) {
    case EXEC_OK:
    case EXEC_REP_PAUSED: /* TF traps after every iteration, a paused REP's last too */
        if (cpu->single_step && !cpu->debug_trap_inhibited && !single_step_trap(cpu))
            return;
        break;
    case EXEC_FAULT:
        /* nothing of the faulting instruction is committed, but completed REP iterations */
        cpu->reg_dirty = regset_and(cpu->reg_dirty, REGSET(cpu->fault.committed_regs));
        if (!inject_exception(cpu))
            return;
        break;
    case EXEC_UNSUPPORTED: cpu->status.InternalEmulationFailure = 1; return;
    case EXEC_CALLBACK_FAILED: return;
    }
    if (regs_writeback(cpu))
        cpu->status.EmulationSuccessful = 1;
}
