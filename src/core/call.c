/* One emulation call's beginning and end (call.h), and faults. */
#include "core/call.h"

#include <string.h>

#include "core/callbacks.h"
#include "core/regcache.h"
#include "core/vstate.h"
#include "core/xstate.h"

enum exec_result raise_fault(struct vcpu *cpu, uint8_t vector, bool has_error_code,
                             uint32_t error_code)
{
    cpu->fault.vector = vector;
    cpu->fault.has_error_code = has_error_code;
    cpu->fault.error_code = error_code;
    cpu->fault.has_cr2 = false;
    cpu->fault.cr2 = 0;
    cpu->fault.committed_regs = REGSET(0);
    cpu->fault.committed_vec = 0;
    return EXEC_FAULT;
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

void fault_commit_vector(struct vcpu *cpu, uint64_t components)
{
    cpu->fault.committed_vec |= components;
}

/* The registers a fault keeps: committed_regs (completed REP iterations', an XFD #NM's
 * XFD_ERR) and, in the SDK names' mode, those of the vector components it keeps. */
static struct regset committed_registers(const struct vcpu *cpu)
{
    struct regset keep = cpu->fault.committed_regs;
    uint64_t vec = cpu->vstate.area ? 0 : cpu->fault.committed_vec;

    for (unsigned i = 0; vec && i < R_VECTOR_NAMES; i++) {
        enum reg_id r = R_VECTOR_NAME(i);
        bool x87 = r >= R_FP_MMX0 && r <= R_FP_CONTROL_STATUS;
        if (vec & (x87 ? XS_X87 : XS_SSE))
            regset_add(&keep, r);
    }
    return keep;
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
        cpu->reg_dirty = regset_and(cpu->reg_dirty, committed_registers(cpu));
        if (cpu->vstate.area)
            cpu->vstate.modified &= cpu->fault.committed_vec;
        if (!inject_exception(cpu))
            return;
        break;
    case EXEC_UNSUPPORTED: cpu->status.InternalEmulationFailure = 1; return;
    case EXEC_CALLBACK_FAILED: return;
    }
    if (xstate_store(cpu) && regs_writeback(cpu))
        cpu->status.AsUINT32 |= SUCCEEDED_BIT; /* (callbacks.h: not a byte store) */
}
