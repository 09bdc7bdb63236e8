/* WinHvEmulation.h — the Windows Hypervisor Platform instruction-emulator API, as
 * implemented by whvemu.
 *
 * Same names, values, layout and calling convention as the Windows SDK header of the
 * same name (checked by tests/abi against mingw-w64's copy), so a VMM written for
 * WinHvEmulation.dll builds and runs unchanged against whvemu. whvemu's own additions
 * are in whvemu.h, never here.
 *
 * If the SDK's WinHvEmulation.h was included first, its type definitions are used and
 * only the function declarations below are repeated: the compiler then checks that they
 * agree with the SDK's. */
#ifndef WHVEMU_WINHVEMULATION_H
#define WHVEMU_WINHVEMULATION_H

#include "WinHvPlatformDefs.h"

/* WHVEMU_API marks the library's exported functions. The library is built with hidden
 * symbols by default (WHVEMU_BUILDING), so that only what a public header declares with
 * WHVEMU_API is visible: dllexport into whvemu.dll on Windows, default visibility in the
 * ELF or Mach-O shared object. Users of the library need no import marking (on Windows
 * the import library resolves the calls), which keeps one header for the DLL and the
 * static library. WHVEMU_STATIC is set when the Windows static library is built, so that
 * it does not carry dllexport into its users' own DLLs. */
#if !defined(WHVEMU_BUILDING)
#define WHVEMU_API
#elif defined(_WIN32)
#if defined(WHVEMU_STATIC)
#define WHVEMU_API
#else
#define WHVEMU_API __declspec(dllexport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define WHVEMU_API __attribute__((visibility("default")))
#else
#define WHVEMU_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* _WINHVEMUAPI_H_ is the SDK header's include guard. */
#ifndef _WINHVEMUAPI_H_

/* The outcome of one emulation call, when the call itself returned S_OK. whvemu sets
 * exactly one bit: EmulationSuccessful, or the first thing that went wrong. */
typedef union WHV_EMULATOR_STATUS {
    WHVEMU_ANONYMOUS struct {
        UINT32 EmulationSuccessful : 1;
        /* The instruction is valid but not emulated; guest state is untouched. */
        UINT32 InternalEmulationFailure : 1;
        /* A callback returned a failure HRESULT (or, for translation, an unaligned GPA). */
        UINT32 IoPortCallbackFailed : 1;
        UINT32 MemoryCallbackFailed : 1;
        UINT32 TranslateGvaPageCallbackFailed : 1;
        UINT32 TranslateGvaPageCallbackGpaIsNotAligned : 1;
        UINT32 GetVirtualProcessorRegistersCallbackFailed : 1;
        UINT32 SetVirtualProcessorRegistersCallbackFailed : 1;
        /* The exit happened while an event was being delivered: nothing was emulated. */
        UINT32 InterruptCausedIntercept : 1;
        /* The instruction faults, but the fault could not be given to the guest. */
        UINT32 GuestCannotBeFaulted : 1;
        UINT32 Reserved : 22;
    };
    UINT32 AsUINT32;
} WHV_EMULATOR_STATUS;

/* One guest-physical access of at most 8 bytes, for the memory callback. Direction: 0
 * read (the callback fills Data), 1 write. Data is in guest memory byte order. */
typedef struct WHV_EMULATOR_MEMORY_ACCESS_INFO {
    WHV_GUEST_PHYSICAL_ADDRESS GpaAddress;
    UINT8 Direction;
    UINT8 AccessSize;
    UINT8 Data[8];
} WHV_EMULATOR_MEMORY_ACCESS_INFO;

/* One port access, for the I/O callback. Direction: 0 in (the callback fills Data), 1
 * out. AccessSize is 1, 2 or 4 bytes, in the low bytes of Data. */
typedef struct WHV_EMULATOR_IO_ACCESS_INFO {
    UINT8 Direction;
    UINT16 Port;
    UINT16 AccessSize;
    UINT32 Data;
} WHV_EMULATOR_IO_ACCESS_INFO;

/* The callbacks through which the emulator reaches the guest. Context is the pointer
 * given to the TryXxxEmulation call, passed back untouched. A failure HRESULT ends the
 * emulation and is reported in WHV_EMULATOR_STATUS. */
/* clang-format would write HRESULT(CALLBACK *T)(...): kept as the SDK writes them */
// clang-format off
typedef HRESULT (CALLBACK *WHV_EMULATOR_IO_PORT_CALLBACK)(
    VOID *Context, WHV_EMULATOR_IO_ACCESS_INFO *IoAccess);

typedef HRESULT (CALLBACK *WHV_EMULATOR_MEMORY_CALLBACK)(
    VOID *Context, WHV_EMULATOR_MEMORY_ACCESS_INFO *MemoryAccess);

typedef HRESULT (CALLBACK *WHV_EMULATOR_GET_VIRTUAL_PROCESSOR_REGISTERS_CALLBACK)(
    VOID *Context, const WHV_REGISTER_NAME *RegisterNames, UINT32 RegisterCount,
    WHV_REGISTER_VALUE *RegisterValues);

typedef HRESULT (CALLBACK *WHV_EMULATOR_SET_VIRTUAL_PROCESSOR_REGISTERS_CALLBACK)(
    VOID *Context, const WHV_REGISTER_NAME *RegisterNames, UINT32 RegisterCount,
    const WHV_REGISTER_VALUE *RegisterValues);

/* Translates the 4 KiB page containing Gva; *Gpa must come back page aligned. A
 * translation the guest's page tables refuse is not a callback failure: it is reported
 * through *TranslationResult, with S_OK. */
typedef HRESULT (CALLBACK *WHV_EMULATOR_TRANSLATE_GVA_PAGE_CALLBACK)(
    VOID *Context, WHV_GUEST_VIRTUAL_ADDRESS Gva, WHV_TRANSLATE_GVA_FLAGS TranslateFlags,
    WHV_TRANSLATE_GVA_RESULT_CODE *TranslationResult, WHV_GUEST_PHYSICAL_ADDRESS *Gpa);
// clang-format on

/* Size is sizeof(WHV_EMULATOR_CALLBACKS) and Reserved 0: the SDK's way to extend the
 * structure later. */
typedef struct WHV_EMULATOR_CALLBACKS {
    UINT32 Size;
    UINT32 Reserved;
    WHV_EMULATOR_IO_PORT_CALLBACK WHvEmulatorIoPortCallback;
    WHV_EMULATOR_MEMORY_CALLBACK WHvEmulatorMemoryCallback;
    WHV_EMULATOR_GET_VIRTUAL_PROCESSOR_REGISTERS_CALLBACK WHvEmulatorGetVirtualProcessorRegisters;
    WHV_EMULATOR_SET_VIRTUAL_PROCESSOR_REGISTERS_CALLBACK WHvEmulatorSetVirtualProcessorRegisters;
    WHV_EMULATOR_TRANSLATE_GVA_PAGE_CALLBACK WHvEmulatorTranslateGvaPage;
} WHV_EMULATOR_CALLBACKS;

typedef VOID *WHV_EMULATOR_HANDLE;

#endif /* !_WINHVEMUAPI_H_ */

/* The four entry points. Each returns S_OK when the outcome is in *EmulatorReturnStatus,
 * E_INVALIDARG for a bad handle or context, and anything else only for a failure that
 * leaves the status unreadable. One emulator serves one virtual processor: calls on the
 * same handle must not overlap. */
WHVEMU_API HRESULT WINAPI WHvEmulatorCreateEmulator(const WHV_EMULATOR_CALLBACKS *Callbacks,
                                                    WHV_EMULATOR_HANDLE *Emulator);

WHVEMU_API HRESULT WINAPI WHvEmulatorDestroyEmulator(WHV_EMULATOR_HANDLE Emulator);

/* For an IN, OUT, INS or OUTS exit. */
WHVEMU_API HRESULT WINAPI WHvEmulatorTryIoEmulation(
    WHV_EMULATOR_HANDLE Emulator, VOID *Context, const WHV_VP_EXIT_CONTEXT *VpContext,
    const WHV_X64_IO_PORT_ACCESS_CONTEXT *IoInstructionContext,
    WHV_EMULATOR_STATUS *EmulatorReturnStatus);

/* For a memory-access exit. */
WHVEMU_API HRESULT WINAPI WHvEmulatorTryMmioEmulation(
    WHV_EMULATOR_HANDLE Emulator, VOID *Context, const WHV_VP_EXIT_CONTEXT *VpContext,
    const WHV_MEMORY_ACCESS_CONTEXT *MmioInstructionContext,
    WHV_EMULATOR_STATUS *EmulatorReturnStatus);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WHVEMU_WINHVEMULATION_H */
