/* The callback wrappers (callbacks.h). */
#include "core/callbacks.h"

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

/* The sticky-failure rule: `call` is made only while no callback has failed, and its
 * failure sets failure_bit. */
#define CALL_UNLESS_FAILED(cpu, failure_bit, call)                                                 \
    (callback_failed(cpu) ? E_FAIL : note((cpu), (call), (failure_bit)))

HRESULT emu_get_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          WHV_REGISTER_VALUE *values)
{
    return CALL_UNLESS_FAILED(
        cpu, FAILED_GET_REGISTERS,
        cpu->callbacks.WHvEmulatorGetVirtualProcessorRegisters(cpu->context, names, count, values));
}

HRESULT emu_set_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          const WHV_REGISTER_VALUE *values)
{
    return CALL_UNLESS_FAILED(
        cpu, FAILED_SET_REGISTERS,
        cpu->callbacks.WHvEmulatorSetVirtualProcessorRegisters(cpu->context, names, count, values));
}

HRESULT emu_translate(struct vcpu *cpu, uint64_t gva_page, WHV_TRANSLATE_GVA_FLAGS flags,
                      WHV_TRANSLATE_GVA_RESULT_CODE *result, uint64_t *gpa_page)
{
    /* outputs the callback leaves unwritten must fail closed, not mean success at GPA 0 */
    WHV_GUEST_PHYSICAL_ADDRESS gpa = TRANSLATE_GPA_NOT_WRITTEN;
    HRESULT hr;

    *result = TRANSLATE_RESULT_NOT_WRITTEN;
    hr = CALL_UNLESS_FAILED(
        cpu, FAILED_TRANSLATE,
        cpu->callbacks.WHvEmulatorTranslateGvaPage(cpu->context, gva_page, flags, result, &gpa));
    *gpa_page = gpa;
    return hr;
}

HRESULT emu_memory(struct vcpu *cpu, WHV_EMULATOR_MEMORY_ACCESS_INFO *access)
{
    return CALL_UNLESS_FAILED(cpu, FAILED_MEMORY,
                              cpu->callbacks.WHvEmulatorMemoryCallback(cpu->context, access));
}

HRESULT emu_io(struct vcpu *cpu, WHV_EMULATOR_IO_ACCESS_INFO *access)
{
    return CALL_UNLESS_FAILED(cpu, FAILED_IO,
                              cpu->callbacks.WHvEmulatorIoPortCallback(cpu->context, access));
}

uint8_t *emu_ram_page(struct vcpu *cpu, uint64_t gpa_page, bool write)
{
    if (!cpu->ram_page || callback_failed(cpu))
        return NULL;
    return cpu->ram_page(cpu->context, gpa_page, write ? 1 : 0);
}
