/* The four SDK entry points: argument validation, one emulation call from exit to
 * status (core/call.h begins and ends it, exec/ runs the instruction), and the mapping of
 * its outcome to WHV_EMULATOR_STATUS. */
#include "whvemu.h"

#include <string.h>

#include "api/handles.h"
#include "core/call.h"
#include "core/regcache.h"
#include "exec/exec.h"
#include "exec/insn_cache.h"
#include "exec/plan_run.h"
#include "mmu/mmu.h"

/* ---- create / destroy ---- */

HRESULT WINAPI WHvEmulatorCreateEmulator(const WHV_EMULATOR_CALLBACKS *Callbacks,
                                         WHV_EMULATOR_HANDLE *Emulator)
{
    struct emulator emu;

    if (!Callbacks || !Emulator || Callbacks->Size != sizeof(WHV_EMULATOR_CALLBACKS) ||
        Callbacks->Reserved != 0 || !Callbacks->WHvEmulatorIoPortCallback ||
        !Callbacks->WHvEmulatorMemoryCallback ||
        !Callbacks->WHvEmulatorGetVirtualProcessorRegisters ||
        !Callbacks->WHvEmulatorSetVirtualProcessorRegisters ||
        !Callbacks->WHvEmulatorTranslateGvaPage)
        return E_INVALIDARG;
    /* prepared here, so that the handle table's lock covers only claiming a slot */
    memset(&emu, 0, sizeof emu);
    emu.callbacks = *Callbacks;
    emu.rep_budget = WHVEMU_REP_BUDGET_DEFAULT;
    emu.vendor = WHVEMU_VENDOR_HOST;
    emu.host_vendor = cpuid_vendor();
    emu.vendor_in_effect = emu.host_vendor;
    emu.fast_paths = true;
    return handle_create(&emu, Emulator);
}

HRESULT WINAPI WHvEmulatorDestroyEmulator(WHV_EMULATOR_HANDLE Emulator)
{
    return handle_destroy(Emulator);
}

/* ---- one emulation call ---- */

/* What the exit tells of its page is only a shortcut: without a known read or write access
 * type (execute, or a value no hypervisor defines yet) it is not used. */
static void seed_translation(struct vcpu *cpu, const WHV_MEMORY_ACCESS_CONTEXT *mmio)
{
    WHV_MEMORY_ACCESS_TYPE type = (WHV_MEMORY_ACCESS_TYPE)mmio->AccessInfo.AccessType;

    if (type != WHvMemoryAccessRead && type != WHvMemoryAccessWrite)
        return;
    mmu_exit_gpa(cpu, mmio->Gpa, type == WHvMemoryAccessWrite);
    if (mmio->AccessInfo.GvaValid)
        mmu_seed(cpu, mmio->Gva, mmio->Gpa, type == WHvMemoryAccessWrite);
}

/* A port-I/O exit context carries these registers: no callback is needed for them. */
static void preset_io_registers(struct vcpu *cpu, const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    regs_preset(cpu, R_RAX, io->Rax);
    regs_preset(cpu, R_RCX, io->Rcx);
    regs_preset(cpu, R_RSI, io->Rsi);
    regs_preset(cpu, R_RDI, io->Rdi);
    regs_preset_segment(cpu, R_DS, &io->Ds);
    regs_preset_segment(cpu, R_ES, &io->Es);
}

/* The general path of a call on cpu (call_prepare done). */
static WHV_EMULATOR_STATUS run_general(struct vcpu *cpu, const UINT8 *bytes, unsigned count,
                                       const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    if (cpu->exit->ExecutionState.InterruptionPending) {
        cpu->status.InterruptCausedIntercept = 1;
    } else {
        if (io)
            preset_io_registers(cpu, io);
        call_finish(cpu, exec_exit_instruction(cpu, bytes, count, io));
    }
    call_end(cpu);
    return cpu->status;
}

/* The general path after a plan's Get call (plan.h): its registers known, the decode cache
 * no longer touched (after a callback, insn_cache.h), and the extended-state extension held
 * since the call began where the plan uses it (run_xstate_plan), else none, since the
 * plan's instruction uses no vector state beyond the SDK's XMM names. */
static WHV_EMULATOR_STATUS run_general_after_plan(struct vcpu *cpu, const UINT8 *bytes,
                                                  unsigned count,
                                                  const struct plan_fetched *fetched)
{
    cpu->insn_cache = NULL;
    cpu->cached = NULL;
    call_prepare(cpu);
    for (unsigned i = 0; i < fetched->count; i++)
        regs_preset_read(cpu, (enum reg_id)fetched->id[i], &fetched->value[i]);
    return run_general(cpu, bytes, count, NULL);
}

/* A plan that reads the extended-state area (plan_uses_xstate) holds the registration from
 * before its first callback, as call_begin does: to the call's end, or through the general
 * path it hands the call to (run_general_after_plan); a plan that declines drops it. */
static enum plan_outcome run_xstate_plan(struct vcpu *cpu, const struct emulator *emu,
                                         const struct plan *p, struct plan_fetched *fetched)
{
    enum plan_outcome outcome;

    cpu->vstate.ext = xstate_ext_hold(emu->xstate);
    outcome = plan_run_memory(cpu, p, fetched);
    if (outcome != PLAN_FETCHED) {
        call_end(cpu);
        cpu->vstate.ext = NULL;
    }
    return outcome;
}

/* How far the plan of the exit's decode-cache entry took the call (plan.h). */
HOT_INLINE enum plan_outcome run_plan(struct vcpu *cpu, const struct emulator *emu,
                                      const WHV_X64_IO_PORT_ACCESS_CONTEXT *io,
                                      struct plan_fetched *fetched)
{
    const struct plan *p = cpu->cached ? &cpu->cached->plan : NULL;

    if (!p || !plan_applies(cpu, p, io != NULL))
        return PLAN_DECLINED;
    if (io)
        return plan_run_io(cpu, p, io);
    if (plan_uses_xstate(p))
        return run_xstate_plan(cpu, emu, p, fetched);
    return plan_run_memory(cpu, p, fetched);
}

/* One call: an MMIO exit (mmio) or a port-I/O exit (io), with the exit's instruction bytes:
 * by the plan of its decode-cache entry where it applies, else by the general path.
 * (Inline: the two entry points are its only callers.) */
HOT_INLINE WHV_EMULATOR_STATUS run_call(const struct emulator *emu, VOID *context,
                                        const WHV_VP_EXIT_CONTEXT *exit, const UINT8 *bytes,
                                        unsigned count, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                                        const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    struct vcpu cpu;
    struct plan_fetched fetched;

    call_take(&cpu, emu, context, exit);
    insn_cache_find_exit(&cpu, bytes, count);
    if (mmio) {
        /* an MMIO plan may hand the call to the general path after its Get */
        call_take_options(&cpu, emu);
        seed_translation(&cpu, mmio);
        cpu.vstate.ext = NULL;
    }
    fetched.count = 0; /* (a port-I/O plan fetches nothing) */
    switch (run_plan(&cpu, emu, io, &fetched)) {
    case PLAN_DONE: return cpu.status;
    case PLAN_FETCHED: return run_general_after_plan(&cpu, bytes, count, &fetched);
    case PLAN_DECLINED: break;
    }
    if (io)
        call_take_options(&cpu, emu);
    cpu.vstate.ext = xstate_ext_hold(emu->xstate);
    call_prepare(&cpu);
    return run_general(&cpu, bytes, count, io);
}

HRESULT WINAPI WHvEmulatorTryMmioEmulation(WHV_EMULATOR_HANDLE Emulator, VOID *Context,
                                           const WHV_VP_EXIT_CONTEXT *VpContext,
                                           const WHV_MEMORY_ACCESS_CONTEXT *MmioInstructionContext,
                                           WHV_EMULATOR_STATUS *EmulatorReturnStatus)
{
    const struct emulator *emu = handle_lookup(Emulator);
    const WHV_MEMORY_ACCESS_CONTEXT *mmio = MmioInstructionContext;

    /* Reserved fields are the hypervisor's, ignored (docs/semantics.md). */
    if (!emu || !VpContext || !mmio || !EmulatorReturnStatus ||
        mmio->InstructionByteCount > sizeof mmio->InstructionBytes)
        return E_INVALIDARG;
    *EmulatorReturnStatus = run_call(emu, Context, VpContext, mmio->InstructionBytes,
                                     mmio->InstructionByteCount, mmio, NULL);
    return S_OK;
}

HRESULT WINAPI WHvEmulatorTryIoEmulation(WHV_EMULATOR_HANDLE Emulator, VOID *Context,
                                         const WHV_VP_EXIT_CONTEXT *VpContext,
                                         const WHV_X64_IO_PORT_ACCESS_CONTEXT *IoInstructionContext,
                                         WHV_EMULATOR_STATUS *EmulatorReturnStatus)
{
    const struct emulator *emu = handle_lookup(Emulator);
    const WHV_X64_IO_PORT_ACCESS_CONTEXT *io = IoInstructionContext;
    unsigned size;

    /* Reserved fields are the hypervisor's, ignored (docs/semantics.md). */
    if (!emu || !VpContext || !io || !EmulatorReturnStatus ||
        io->InstructionByteCount > sizeof io->InstructionBytes)
        return E_INVALIDARG;
    size = io->AccessInfo.AccessSize;
    if (size != 1 && size != 2 && size != 4)
        return E_INVALIDARG;
    *EmulatorReturnStatus =
        run_call(emu, Context, VpContext, io->InstructionBytes, io->InstructionByteCount, NULL, io);
    return S_OK;
}
