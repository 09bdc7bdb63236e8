/* The four SDK entry points: argument validation, one emulation call from exit to
 * write-back, and the mapping of its outcome to WHV_EMULATOR_STATUS. */
#include "api/emulator.h"

#include "whvemu.h"

#include <string.h>

#include "api/handles.h"
#include "api/regcache.h"
#include "exec/exec.h"
#include "exec/hostop.h"
#include "mmu/mmu.h"

/* ---- the callbacks, in one place ----
 * After the first failure no callback is made again (the VMM said stop), and a failure
 * sets its status bit here, so only the first failure is ever reported. */

/* The status bit of a callback's failure, as the SDK numbers them. */
enum {
    FAILED_IO = 1u << 2,
    FAILED_MEMORY = 1u << 3,
    FAILED_TRANSLATE = 1u << 4,
    FAILED_GET_REGISTERS = 1u << 6,
    FAILED_SET_REGISTERS = 1u << 7,
};

static HRESULT note(struct vcpu *cpu, HRESULT hr, uint32_t failure_bit)
{
    if (FAILED(hr))
        cpu->status.AsUINT32 |= failure_bit;
    return hr;
}

HRESULT emu_get_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          WHV_REGISTER_VALUE *values)
{
    if (cpu_broken(cpu))
        return E_FAIL;
    return note(cpu, cpu->emu->callbacks.WHvEmulatorGetVirtualProcessorRegisters(
                         cpu->context, names, count, values), FAILED_GET_REGISTERS);
}

HRESULT emu_set_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          const WHV_REGISTER_VALUE *values)
{
    if (cpu_broken(cpu))
        return E_FAIL;
    return note(cpu, cpu->emu->callbacks.WHvEmulatorSetVirtualProcessorRegisters(
                         cpu->context, names, count, values), FAILED_SET_REGISTERS);
}

HRESULT emu_translate(struct vcpu *cpu, uint64_t gva_page, WHV_TRANSLATE_GVA_FLAGS flags,
                      WHV_TRANSLATE_GVA_RESULT_CODE *result, uint64_t *gpa_page)
{
    /* outputs the callback leaves unwritten must fail closed, not mean success at GPA 0 */
    WHV_GUEST_PHYSICAL_ADDRESS gpa = TRANSLATE_GPA_NOT_WRITTEN;
    HRESULT hr;

    *result = TRANSLATE_RESULT_NOT_WRITTEN;
    if (cpu_broken(cpu))
        return E_FAIL;
    hr = note(cpu, cpu->emu->callbacks.WHvEmulatorTranslateGvaPage(cpu->context, gva_page, flags,
                                                                    result, &gpa),
              FAILED_TRANSLATE);
    *gpa_page = gpa;
    return hr;
}

HRESULT emu_memory(struct vcpu *cpu, WHV_EMULATOR_MEMORY_ACCESS_INFO *access)
{
    if (cpu_broken(cpu))
        return E_FAIL;
    return note(cpu, cpu->emu->callbacks.WHvEmulatorMemoryCallback(cpu->context, access),
                FAILED_MEMORY);
}

HRESULT emu_io(struct vcpu *cpu, WHV_EMULATOR_IO_ACCESS_INFO *access)
{
    if (cpu_broken(cpu))
        return E_FAIL;
    return note(cpu, cpu->emu->callbacks.WHvEmulatorIoPortCallback(cpu->context, access),
                FAILED_IO);
}

uint8_t *emu_ram_page(struct vcpu *cpu, uint64_t gpa_page, bool write)
{
    if (!cpu->emu->ram_page || cpu_broken(cpu))
        return NULL;
    return cpu->emu->ram_page(cpu->context, gpa_page, write ? 1 : 0);
}

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
    return handle_create(&emu, Emulator);
}

HRESULT WINAPI WHvEmulatorDestroyEmulator(WHV_EMULATOR_HANDLE Emulator)
{
    return handle_destroy(Emulator);
}

/* ---- one emulation call ---- */

/* The call works on its own copy of the emulator (callbacks, options): a callback may
 * destroy the handle, and a create may then reuse its slot, without the rest of the call
 * going to another emulator's callbacks (docs/semantics.md). */
static void vcpu_init(struct vcpu *cpu, struct emulator *copy, const struct emulator *emu,
                      void *context, const WHV_VP_EXIT_CONTEXT *exit)
{
    *copy = *emu;
    cpu->emu = copy;
    cpu->context = context;
    cpu->exit = exit;
    cpu->status.AsUINT32 = 0;
    cpu->vendor = emu->vendor == WHVEMU_VENDOR_HOST ? hostop_vendor() : emu->vendor;
    cpu->host_ops = emu->vendor == WHVEMU_VENDOR_HOST && hostop_stubs_compiled();
    cpu->tlb_next = 0;
    for (unsigned i = 0; i < TLB_ENTRIES; i++)
        cpu->tlb[i].valid = false;
    memset(&cpu->fault, 0, sizeof cpu->fault);
    cpu->debug_trap_inhibited = false;
    regs_init(cpu, exit);
    mmu_init_mode(cpu);
}

/* How far to fetch when the decoder needs bytes past `have`: to the end of the linear page
 * (it is the page being executed, so reading on cannot fault) and of the CS limit, at most
 * 15 bytes in all; at least one byte, whose fetch then raises the fault the CPU would. */
static unsigned fetch_limit(struct vcpu *cpu, unsigned have)
{
    uint64_t ip = reg_get(cpu, R_RIP) + have;
    uint64_t linear = ip;
    unsigned want;

    if (cpu->code_mode != MODE_64) {
        /* IP wraps between instructions only (mmu_fetch); CS.Base need not be page aligned */
        ip = (reg_get(cpu, R_RIP) & (cpu->code_mode == MODE_32 ? 0xffffffffu : 0xffffu)) + have;
        linear = (cpu->exit->Cs.Base + ip) & 0xffffffffu;
    }
    want = 4096u - (unsigned)(linear & 4095u);
    if (cpu->code_mode != MODE_64 && ip <= cpu->exit->Cs.Limit &&
        cpu->exit->Cs.Limit - ip + 1 < want)
        want = (unsigned)(cpu->exit->Cs.Limit - ip + 1);
    if (want > 15 - have)
        want = 15 - have;
    return have + (want ? want : 1);
}

/* Decode cpu->bytes[0..have), fetching more through the MMU while the decoder needs it. */
static enum exec_result decode(struct vcpu *cpu, unsigned have)
{
    for (;;) {
        enum decode_status st = decode_insn_options(
            cpu->code_mode, cpu->vendor == WHVEMU_VENDOR_AMD ? DECODE_AMD_BRANCHES : 0, cpu->bytes,
            have, &cpu->insn);
        unsigned want;
        enum exec_result r;

        switch (st) {
        case DECODE_OK:
            return EXEC_OK;
        case DECODE_UD:
            return raise_fault(cpu, EXC_UD, false, 0);
        case DECODE_TOO_LONG:
            return raise_fault(cpu, EXC_GP, true, 0);
        case DECODE_NEED_MORE:
            break;
        }
        if (have >= 15)
            return raise_fault(cpu, EXC_GP, true, 0);
        want = fetch_limit(cpu, have);
        r = mmu_fetch(cpu, have, want);
        if (r != EXEC_OK)
            return r;
        have = want;
    }
}

/* Decode and execute. On a port-I/O exit (io not NULL) the instruction must be the one that
 * exited: same port, size, direction and string-ness. The hypervisor reported what the CPU
 * did; bytes that say otherwise (guest code changed since, a confused VMM) are not emulated. */
static enum exec_result emulate(struct vcpu *cpu, const UINT8 *bytes, unsigned count,
                                const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    enum exec_result r;

    if (count > 15)
        count = 15; /* a 16th byte can only make the instruction too long */
    memcpy(cpu->bytes, bytes, count);
    r = decode(cpu, count);
    if (r != EXEC_OK)
        return r;
    if (io) {
        WHV_REGISTER_VALUE dx;
        if (!io_insn_matches(&cpu->insn, io))
            return EXEC_UNSUPPORTED;
        /* DX is the port, which the context gives: no Get call for it. I/O instructions
         * read only DX of RDX and never write it, so its unknown upper bits are never used. */
        memset(&dx, 0, sizeof dx);
        dx.Reg64 = io->PortNumber;
        regs_preset(cpu, R_RDX, &dx);
    }
    return exec_insn(cpu);
}

/* Queue cpu->fault in the pending-interruption register (and CR2 for #PF), unless an event
 * is already pending: then the guest cannot take it from here. */
static bool inject_exception(struct vcpu *cpu)
{
    WHV_REGISTER_VALUE v;
    const WHV_REGISTER_VALUE *pending = reg_value(cpu, R_PENDING_INTERRUPTION);

    if (cpu_broken(cpu))
        return false;
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

/* Map the outcome to status bits and write the registers back once. */
static void finish(struct vcpu *cpu, enum exec_result r)
{
    switch (r) {
    case EXEC_OK:
    case EXEC_REP_PAUSED: /* TF traps after every iteration, a paused REP's last too */
        if ((cpu->exit->Rflags & FL_TF) && !cpu->debug_trap_inhibited && !single_step_trap(cpu))
            return;
        break;
    case EXEC_FAULT:
        /* nothing of the faulting instruction is committed, but completed REP iterations */
        cpu->reg_dirty &= cpu->fault.committed_regs;
        if (!inject_exception(cpu))
            return;
        break;
    case EXEC_UNSUPPORTED:
        cpu->status.InternalEmulationFailure = 1;
        return;
    case EXEC_CALLBACK_FAILED:
        return;
    }
    if (regs_writeback(cpu))
        cpu->status.EmulationSuccessful = 1;
}

HRESULT WINAPI WHvEmulatorTryMmioEmulation(WHV_EMULATOR_HANDLE Emulator, VOID *Context,
                                           const WHV_VP_EXIT_CONTEXT *VpContext,
                                           const WHV_MEMORY_ACCESS_CONTEXT *MmioInstructionContext,
                                           WHV_EMULATOR_STATUS *EmulatorReturnStatus)
{
    const struct emulator *emu = handle_lookup(Emulator);
    const WHV_MEMORY_ACCESS_CONTEXT *mmio = MmioInstructionContext;
    WHV_MEMORY_ACCESS_TYPE type;
    struct emulator call_emu;
    struct vcpu cpu;

    /* Reserved fields are the hypervisor's, ignored (docs/semantics.md). */
    if (!emu || !VpContext || !mmio || !EmulatorReturnStatus ||
        mmio->InstructionByteCount > sizeof mmio->InstructionBytes)
        return E_INVALIDARG;

    vcpu_init(&cpu, &call_emu, emu, Context, VpContext);
    if (VpContext->ExecutionState.InterruptionPending) {
        cpu.status.InterruptCausedIntercept = 1;
    } else {
        /* the exit's translation is only a shortcut: without a known read or write access
         * type (execute, or a value no hypervisor defines yet) it is not used */
        type = (WHV_MEMORY_ACCESS_TYPE)mmio->AccessInfo.AccessType;
        if (mmio->AccessInfo.GvaValid &&
            (type == WHvMemoryAccessRead || type == WHvMemoryAccessWrite))
            mmu_seed(&cpu, mmio->Gva, mmio->Gpa, type == WHvMemoryAccessWrite);
        finish(&cpu, emulate(&cpu, mmio->InstructionBytes, mmio->InstructionByteCount, NULL));
    }
    *EmulatorReturnStatus = cpu.status;
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
    struct emulator call_emu;
    struct vcpu cpu;

    /* Reserved fields are the hypervisor's, ignored (docs/semantics.md). */
    if (!emu || !VpContext || !io || !EmulatorReturnStatus ||
        io->InstructionByteCount > sizeof io->InstructionBytes)
        return E_INVALIDARG;
    size = io->AccessInfo.AccessSize;
    if (size != 1 && size != 2 && size != 4)
        return E_INVALIDARG;

    vcpu_init(&cpu, &call_emu, emu, Context, VpContext);
    if (VpContext->ExecutionState.InterruptionPending) {
        cpu.status.InterruptCausedIntercept = 1;
    } else {
        WHV_REGISTER_VALUE v;
        /* the exit context carries these; no callback is needed for them */
        memset(&v, 0, sizeof v);
        v.Reg64 = io->Rax;
        regs_preset(&cpu, R_RAX, &v);
        v.Reg64 = io->Rcx;
        regs_preset(&cpu, R_RCX, &v);
        v.Reg64 = io->Rsi;
        regs_preset(&cpu, R_RSI, &v);
        v.Reg64 = io->Rdi;
        regs_preset(&cpu, R_RDI, &v);
        memset(&v, 0, sizeof v);
        v.Segment = io->Ds;
        regs_preset(&cpu, R_DS, &v);
        v.Segment = io->Es;
        regs_preset(&cpu, R_ES, &v);
        finish(&cpu, emulate(&cpu, io->InstructionBytes, io->InstructionByteCount, io));
    }
    *EmulatorReturnStatus = cpu.status;
    return S_OK;
}
