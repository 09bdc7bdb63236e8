/* Per-emulator options and optional callbacks (whvemu.h), and the default vendor: the host
 * CPU's. */
#include "whvemu.h"

#include "api/handles.h"

#if defined(__x86_64__) || defined(__i386__)
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

uint8_t host_vendor(void)
{
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
    unsigned ebx = 0, ecx = 0, edx = 0;
#if defined(_MSC_VER)
    int r[4];
    __cpuid(r, 0);
    ebx = (unsigned)r[1];
    ecx = (unsigned)r[2];
    edx = (unsigned)r[3];
#else
    unsigned eax = 0;
    __cpuid(0, eax, ebx, ecx, edx);
    (void)eax;
#endif
    /* "AuthenticAMD" and "HygonGenuine" (a Zen derivative) behave as AMD */
    if ((ebx == 0x68747541u && ecx == 0x444d4163u && edx == 0x69746e65u) ||
        (ebx == 0x6f677948u && ecx == 0x656e6975u && edx == 0x6e65476eu))
        return WHVEMU_VENDOR_AMD;
#endif
    return WHVEMU_VENDOR_INTEL;
}

HRESULT whvemu_set_option(WHV_EMULATOR_HANDLE emulator, WHVEMU_OPTION option,
                                 uint64_t value)
{
    struct emulator *emu = handle_lookup(emulator);

    if (!emu)
        return E_INVALIDARG;
    switch (option) {
    case WHVEMU_OPTION_REP_BUDGET:
        emu->rep_budget = value;
        return S_OK;
    case WHVEMU_OPTION_VENDOR:
        if (value != WHVEMU_VENDOR_INTEL && value != WHVEMU_VENDOR_AMD)
            return E_INVALIDARG;
        emu->vendor = (uint8_t)value;
        return S_OK;
    }
    return E_INVALIDARG;
}

HRESULT whvemu_get_option(WHV_EMULATOR_HANDLE emulator, WHVEMU_OPTION option,
                                 uint64_t *value)
{
    const struct emulator *emu = handle_lookup(emulator);

    if (!emu || !value)
        return E_INVALIDARG;
    switch (option) {
    case WHVEMU_OPTION_REP_BUDGET:
        *value = emu->rep_budget;
        return S_OK;
    case WHVEMU_OPTION_VENDOR:
        *value = emu->vendor;
        return S_OK;
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
