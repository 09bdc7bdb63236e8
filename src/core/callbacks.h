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

/* True once a callback has failed in this call (cpu->status says which). */
static inline bool callback_failed(const struct vcpu *cpu)
{
    return (cpu->status.AsUINT32 & ~UINT32_C(1)) != 0;
}

HRESULT emu_get_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          WHV_REGISTER_VALUE *values);
HRESULT emu_set_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          const WHV_REGISTER_VALUE *values);
HRESULT emu_translate(struct vcpu *cpu, uint64_t gva_page, WHV_TRANSLATE_GVA_FLAGS flags,
                      WHV_TRANSLATE_GVA_RESULT_CODE *result, uint64_t *gpa_page);
HRESULT emu_memory(struct vcpu *cpu, WHV_EMULATOR_MEMORY_ACCESS_INFO *access);
HRESULT emu_io(struct vcpu *cpu, WHV_EMULATOR_IO_ACCESS_INFO *access);
/* The host address of a guest-physical page the VMM maps as RAM (its optional RAM
 * callback), or NULL. */
uint8_t *emu_ram_page(struct vcpu *cpu, uint64_t gpa_page, bool write);

#endif
