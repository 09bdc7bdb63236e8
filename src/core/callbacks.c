/* The callback wrappers (callbacks.h). */
#include "core/callbacks.h"

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
