/* The extended-state extension's entry points (whvemu.h; docs/extended-state.md). */
#include "whvemu.h"

#include "api/handles.h"
#include "core/cpuid.h"
#include "core/xstate.h"

HRESULT whvemu_host_xstate_layout(WHVEMU_XSTATE_LAYOUT *layout)
{
    if (!layout)
        return E_INVALIDARG;
    return cpuid_xstate_layout(layout) ? S_OK : E_NOTIMPL;
}

HRESULT whvemu_set_xstate_callbacks(WHV_EMULATOR_HANDLE emulator,
                                    const WHVEMU_XSTATE_CALLBACKS *callbacks)
{
    struct emulator *emu = handle_lookup(emulator);
    struct xstate_ext *ext = NULL;
    WHVEMU_XSTATE_LAYOUT host;
    const WHVEMU_XSTATE_LAYOUT *layout;
    HRESULT hr;

    if (!emu)
        return E_INVALIDARG;
    if (callbacks) {
        if (callbacks->Size != sizeof *callbacks || callbacks->Reserved != 0)
            return E_INVALIDARG;
        layout = callbacks->Layout;
        if (!layout && FAILED(hr = whvemu_host_xstate_layout(&host)))
            return hr;
        hr = xstate_ext_new(callbacks, layout ? layout : &host, &ext);
        if (FAILED(hr))
            return hr;
    }
    /* a call in flight holds its own reference (call_begin) */
    xstate_ext_release(emu->xstate);
    emu->xstate = ext;
    return S_OK;
}
