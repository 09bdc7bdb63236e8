/* Per-emulator options and optional callbacks (whvemu.h). */
#include "whvemu.h"

#include "api/handles.h"

HRESULT whvemu_set_option(WHV_EMULATOR_HANDLE emulator, WHVEMU_OPTION option, uint64_t value)
{
    struct emulator *emu = handle_lookup(emulator);

    if (!emu)
        return E_INVALIDARG;
    switch (option) {
    case WHVEMU_OPTION_REP_BUDGET: emu->rep_budget = value; return S_OK;
    case WHVEMU_OPTION_VENDOR:
        if (value > WHVEMU_VENDOR_HOST)
            return E_INVALIDARG;
        emu->vendor = (uint8_t)value;
        emu->vendor_in_effect = value == WHVEMU_VENDOR_HOST ? emu->host_vendor : emu->vendor;
        return S_OK;
    case WHVEMU_OPTION_HOST_SIMD:
        if (value > WHVEMU_HOST_SIMD_OFF)
            return E_INVALIDARG;
        emu->host_simd = (uint8_t)value;
        return S_OK;
    }
    return E_INVALIDARG;
}

HRESULT whvemu_get_option(WHV_EMULATOR_HANDLE emulator, WHVEMU_OPTION option, uint64_t *value)
{
    const struct emulator *emu = handle_lookup(emulator);

    if (!emu || !value)
        return E_INVALIDARG;
    switch (option) {
    case WHVEMU_OPTION_REP_BUDGET: *value = emu->rep_budget; return S_OK;
    case WHVEMU_OPTION_VENDOR: *value = emu->vendor; return S_OK;
    case WHVEMU_OPTION_HOST_SIMD: *value = emu->host_simd; return S_OK;
    }
    return E_INVALIDARG;
}

HRESULT whvemu_set_ram_callback(WHV_EMULATOR_HANDLE emulator, WHVEMU_RAM_CALLBACK callback)
{
    struct emulator *emu = handle_lookup(emulator);

    if (!emu)
        return E_INVALIDARG;
    emu->ram_page = callback;
    return S_OK;
}
