/* The one place that calls the VMM's callbacks, so that failure accounting lives in one
 * spot: after the first failure no callback is made again (the VMM said stop), a refused
 * call fails like a failed one, and the failure's status bit is set here, so only the first
 * failure is ever reported. The call then ends without writing anything back
 * (call_finish), whatever the code above made of the failure. */
#ifndef WHVEMU_CALLBACKS_H
#define WHVEMU_CALLBACKS_H

#include "core/vcpu.h"

/* What emu_translate's outputs hold when the translate callback did not write them: a
 * result code no hypervisor gives and a GPA that cannot be a page, both of which the MMU
 * refuses (TranslateGvaPageCallbackFailed). */
#define TRANSLATE_RESULT_NOT_WRITTEN ((WHV_TRANSLATE_GVA_RESULT_CODE)0x7fffffff)
#define TRANSLATE_GPA_NOT_WRITTEN UINT64_MAX

/* EmulationSuccessful, set in the whole status word: a bit-field store is a byte store, and
 * the status is read back whole just after it (as the call returns), which then waits for
 * the byte store to retire instead of taking its value from the store queue. */
#define SUCCEEDED_BIT 1u

/* True once a callback has failed in this call (cpu->status says which). */
static inline bool callback_failed(const struct vcpu *cpu)
{
    return (cpu->status.AsUINT32 & ~SUCCEEDED_BIT) != 0;
}

/* The status bit of a callback's failure, as the SDK numbers them. */
enum {
    FAILED_IO = 1u << 2,
    FAILED_MEMORY = 1u << 3,
    FAILED_TRANSLATE = 1u << 4,
    FAILED_GET_REGISTERS = 1u << 6,
    FAILED_SET_REGISTERS = 1u << 7,
};

/* The sticky-failure rule: `call` is made only while no callback has failed, and its
 * failure sets failure_bit. (Inline: every memory and port access of a REP loop comes
 * through here.) */
static inline HRESULT call_unless_failed_(struct vcpu *cpu, uint32_t failure_bit, HRESULT hr)
{
    if (FAILED(hr))
        cpu->status.AsUINT32 |= failure_bit;
    return hr;
}
#define CALL_UNLESS_FAILED(cpu, failure_bit, call)                                                 \
    (callback_failed(cpu) ? E_FAIL : call_unless_failed_((cpu), (failure_bit), (call)))

static inline HRESULT emu_get_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names,
                                        uint32_t count, WHV_REGISTER_VALUE *values)
{
    return CALL_UNLESS_FAILED(
        cpu, FAILED_GET_REGISTERS,
        cpu->callbacks.WHvEmulatorGetVirtualProcessorRegisters(cpu->context, names, count, values));
}

static inline HRESULT emu_set_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names,
                                        uint32_t count, const WHV_REGISTER_VALUE *values)
{
    return CALL_UNLESS_FAILED(
        cpu, FAILED_SET_REGISTERS,
        cpu->callbacks.WHvEmulatorSetVirtualProcessorRegisters(cpu->context, names, count, values));
}

HRESULT emu_translate(struct vcpu *cpu, uint64_t gva_page, WHV_TRANSLATE_GVA_FLAGS flags,
                      WHV_TRANSLATE_GVA_RESULT_CODE *result, uint64_t *gpa_page);

static inline HRESULT emu_memory(struct vcpu *cpu, WHV_EMULATOR_MEMORY_ACCESS_INFO *access)
{
    return CALL_UNLESS_FAILED(cpu, FAILED_MEMORY,
                              cpu->callbacks.WHvEmulatorMemoryCallback(cpu->context, access));
}

static inline HRESULT emu_io(struct vcpu *cpu, WHV_EMULATOR_IO_ACCESS_INFO *access)
{
    return CALL_UNLESS_FAILED(cpu, FAILED_IO,
                              cpu->callbacks.WHvEmulatorIoPortCallback(cpu->context, access));
}

/* The host address of a guest-physical page the VMM maps as RAM (its optional RAM
 * callback), or NULL. */
static inline uint8_t *emu_ram_page(struct vcpu *cpu, uint64_t gpa_page, bool write)
{
    if (!cpu->ram_page || callback_failed(cpu))
        return NULL;
    return cpu->ram_page(cpu->context, gpa_page, write ? 1 : 0);
}

#endif
