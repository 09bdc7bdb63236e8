/* Our headers included after the SDK's (mingw-w64's), as a Windows VMM that uses the
 * SDK's WinHvPlatform.h with whvemu's emulator would: ours must defer to the SDK's
 * definitions instead of redefining them. With ABI_SDK_EMULATION_HEADER the SDK's
 * WinHvEmulation.h comes first too, and our function declarations must then agree with
 * the SDK's (the compiler rejects conflicting redeclarations). Compile-only. */
#include <windows.h>
#include <winhvplatform.h>
#ifdef ABI_SDK_EMULATION_HEADER
#include <winhvemulation.h>
#endif

#include "whvemu.h"

/* Uses the types across both header sets, so that a missing definition fails here. */
HRESULT CALLBACK abi_mix_io(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *access);
HRESULT CALLBACK abi_mix_io(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *access)
{
    (void)context;
    WHV_PARTITION_HANDLE partition = NULL; /* an SDK type ours do not define */
    WHV_EMULATOR_CALLBACKS callbacks = { sizeof callbacks, 0, abi_mix_io, NULL, NULL, NULL, NULL };
    access->Data = callbacks.Size + (partition == NULL);
    return S_OK;
}
