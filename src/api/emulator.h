/* The emulator object behind a WHV_EMULATOR_HANDLE, and the one place that calls the
 * VMM's callbacks (so tracing and failure accounting live in one spot). */
#ifndef WHVEMU_EMULATOR_H
#define WHVEMU_EMULATOR_H

#include "exec/cpu.h"
#include "whvemu.h"

struct emulator {
    WHV_EMULATOR_CALLBACKS callbacks;
    uint64_t rep_budget;             /* WHVEMU_OPTION_REP_BUDGET: 0 = run REP to completion */
    uint8_t vendor;                  /* WHVEMU_OPTION_VENDOR (WHVEMU_VENDOR_HOST by default) */
    WHVEMU_RAM_CALLBACK ram_page;    /* whvemu_set_ram_callback; NULL: none */
};

/* What emu_translate's outputs hold when the translate callback did not write them: a
 * result code no hypervisor gives and a GPA that cannot be a page, both of which the MMU
 * refuses (TranslateGvaPageCallbackFailed). */
#define TRANSLATE_RESULT_NOT_WRITTEN ((WHV_TRANSLATE_GVA_RESULT_CODE)0x7fffffff)
#define TRANSLATE_GPA_NOT_WRITTEN UINT64_MAX

HRESULT emu_get_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          WHV_REGISTER_VALUE *values);
HRESULT emu_set_registers(struct vcpu *cpu, const WHV_REGISTER_NAME *names, uint32_t count,
                          const WHV_REGISTER_VALUE *values);
HRESULT emu_translate(struct vcpu *cpu, uint64_t gva_page, WHV_TRANSLATE_GVA_FLAGS flags,
                      WHV_TRANSLATE_GVA_RESULT_CODE *result, uint64_t *gpa_page);
HRESULT emu_memory(struct vcpu *cpu, WHV_EMULATOR_MEMORY_ACCESS_INFO *access);
HRESULT emu_io(struct vcpu *cpu, WHV_EMULATOR_IO_ACCESS_INFO *access);
uint8_t *emu_ram_page(struct vcpu *cpu, uint64_t gpa_page, bool write);

#endif
