/* whvemu.h — whvemu's extensions to the WHv instruction-emulator API.
 *
 * Everything the Windows SDK does not have lives here, so that WinHvEmulation.h stays
 * exactly the SDK's API. A program that only uses the SDK's API never needs this header. */
#ifndef WHVEMU_H
#define WHVEMU_H

#include <stddef.h>
#include <stdint.h>

#include "WinHvEmulation.h"

/* The library version; whvemu_version() returns the version of the library actually
 * loaded, which may be newer than the header a program was built with. */
#define WHVEMU_VERSION_MAJOR 0
#define WHVEMU_VERSION_MINOR 1
#define WHVEMU_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the loaded library. */
WHVEMU_API const char *whvemu_version(void);

/* Length (1..15) of the instruction at bytes[0..avail) for default operand/address size
 * bits = 16, 32 or 64; 0 when avail is too short to tell; negative when the encoding is
 * invalid (the CPU would raise #UD). */
WHVEMU_API int whvemu_insn_length(unsigned bits, const uint8_t *bytes, size_t avail);

/* Intel-syntax disassembly into out (NUL-terminated); returns the length as above. */
WHVEMU_API int whvemu_format(unsigned bits, const uint8_t *bytes, size_t avail, char *out,
                             size_t outsz);

/* ---- per-emulator options ---- */

typedef enum WHVEMU_OPTION {
    /* REP iterations per call: N > 0 stops a REP string instruction after N iterations
     * when more remain, with the instruction left resumable (RIP unchanged, RCX/RSI/RDI
     * advanced, RFLAGS.RF set) and EmulationSuccessful: the guest re-executes it and the next
     * exit continues, as KVM, Xen and OpenVMM do. The default, WHVEMU_REP_BUDGET_DEFAULT,
     * bounds the work of every call (docs/semantics.md states the worst case).
     * WHVEMU_REP_TO_COMPLETION (0) completes a REP in one call, however long that takes:
     * `rep stosq` with RCX = 2^64-1 then runs until a callback fails. */
    WHVEMU_OPTION_REP_BUDGET = 1,
    /* Whose behaviour to reproduce where the manuals leave it open or CPUs differ (flags the
     * manuals call undefined, a few corner cases): a WHVEMU_VENDOR value, by default
     * WHVEMU_VENDOR_HOST, so that emulated instructions behave like the ones the guest runs
     * natively. docs/flags.md. */
    WHVEMU_OPTION_VENDOR = 2,
    /* SIMD computation with a memory operand (PADDQ, VPCMPEQB, ...) runs on the host CPU in
     * small stubs whvemu writes into an executable page of the calling thread
     * (docs/simd-compute.md). WHVEMU_HOST_SIMD_AUTO (the default): where the build, the OS
     * and the host's features allow it; WHVEMU_HOST_SIMD_OFF: never, so that no dynamic
     * code is made — those instructions then report InternalEmulationFailure. */
    WHVEMU_OPTION_HOST_SIMD = 3,
} WHVEMU_OPTION;

/* Values of WHVEMU_OPTION_HOST_SIMD. */
#define WHVEMU_HOST_SIMD_AUTO 0u
#define WHVEMU_HOST_SIMD_OFF 1u

/* Values of WHVEMU_OPTION_REP_BUDGET. */
#define WHVEMU_REP_BUDGET_DEFAULT 4096u
#define WHVEMU_REP_TO_COMPLETION 0u

typedef enum WHVEMU_VENDOR {
    /* Portable C profiles of Intel and of AMD CPUs (docs/flags.md says where each value
     * comes from). */
    WHVEMU_VENDOR_INTEL = 0,
    WHVEMU_VENDOR_AMD = 1,
    /* The default: this CPU's own behaviour. On x86-64 builds with GNU C (gcc, clang,
     * mingw-w64) the integer operations whose flags or results the manuals leave open run
     * on the host CPU itself; everything else vendor-specific follows the host's vendor.
     * Where host execution is impossible (other compilers, other architectures), or the
     * host lacks an instruction, it is the C profile of the host's vendor (Intel on
     * non-x86 hosts). */
    WHVEMU_VENDOR_HOST = 2,
} WHVEMU_VENDOR;

/* Set / read an option of one emulator. E_INVALIDARG for a bad handle, an unknown option or
 * a value out of range. Like the emulation calls, not thread-safe for one handle. */
WHVEMU_API HRESULT whvemu_set_option(WHV_EMULATOR_HANDLE emulator, WHVEMU_OPTION option,
                                     uint64_t value);
WHVEMU_API HRESULT whvemu_get_option(WHV_EMULATOR_HANDLE emulator, WHVEMU_OPTION option,
                                     uint64_t *value);

/* ---- optional callback: guest RAM the VMM has in its own address space ---- */

/* Asked for a 4 KiB guest-physical page (GpaPage, aligned) when a REP string instruction
 * walks into it with at least two elements to go there; not about the page of an MMIO
 * exit's GPA for the access that exited (it is not RAM for that access), nor again in the
 * same call about the page it last refused for reading (writing). Return the host address of the
 * page's first byte when the page is plain RAM that the emulator may read (Write = 0) or
 * write (Write = 1) directly, or NULL: then every access to the page goes through the
 * memory callback, as without this callback. Accesses through the pointer are not reported
 * to the memory callback (a VMM that tracks dirty pages marks the page when asked with
 * Write = 1). The pointer must stay valid until the emulation call returns. The device on
 * the other side of a copy still gets one memory callback per element, so `rep movsb` from
 * RAM to a device register costs one callback per byte instead of two. Context is the
 * emulation call's Context. docs/strings-and-io.md. */
typedef VOID *(CALLBACK *WHVEMU_RAM_CALLBACK)(VOID *Context, WHV_GUEST_PHYSICAL_ADDRESS GpaPage,
                                              UINT32 Write);

/* Install (or, with NULL, remove) the RAM callback of one emulator. E_INVALIDARG for a bad
 * handle. Not thread-safe for one handle, like the emulation calls. */
WHVEMU_API HRESULT whvemu_set_ram_callback(WHV_EMULATOR_HANDLE emulator,
                                           WHVEMU_RAM_CALLBACK callback);

/* ---- optional callbacks: the guest's extended (XSAVE-managed) state ----
 * For the state the SDK's register names cannot carry: YMM/ZMM upper bits, XMM16-31, the
 * opmask registers, and the upper bits every VEX/EVEX register write zeroes. The buffer is
 * an XSAVE area as WHvGetVirtualProcessorXsaveState or KVM_GET_XSAVE2 returns it: standard
 * format (XCOMP_BV bit 63 clear) or compacted (bit 63 set), laid out by the guest's CPUID
 * leaf 0DH as the layout describes it. It is fetched only by a call whose instruction needs
 * such state, at most once, and such a call then takes all its vector, x87 and MXCSR state
 * from the buffer and none from the SDK names. docs/extended-state.md. */

/* Component i of the layout (i >= 2), as CPUID.(EAX=0DH,ECX=i) describes it. Components 0
 * (x87) and 1 (SSE) are the fixed legacy region: {160, 0, 0} and {256, 160, 0}. */
typedef struct WHVEMU_XSTATE_COMPONENT {
    UINT32 Size;   /* CPUID.(EAX=0DH,ECX=i):EAX; 0: the guest has no such component */
    UINT32 Offset; /* CPUID.(EAX=0DH,ECX=i):EBX, the standard-format offset (0: supervisor) */
    UINT32 Flags;  /* CPUID.(EAX=0DH,ECX=i):ECX: bit 0 supervisor (IA32_XSS), bit 1 aligned to
                    * 64 bytes in the compacted format; the other bits 0 */
} WHVEMU_XSTATE_COMPONENT;

typedef struct WHVEMU_XSTATE_LAYOUT {
    UINT32 AreaSize; /* bytes of the VMM's buffer: the largest area it hands over */
    UINT32 Reserved; /* 0 */
    WHVEMU_XSTATE_COMPONENT Component[64];
} WHVEMU_XSTATE_LAYOUT;

/* Fill Buffer (BufferSize bytes, the layout's AreaSize) with the guest's XSAVE area and set
 * *BytesWritten: the contract of WHvGetVirtualProcessorXsaveState. Context is the
 * emulation call's. A failure ends the call with GetVirtualProcessorRegistersCallbackFailed. */
typedef HRESULT(CALLBACK *WHVEMU_GET_XSTATE_CALLBACK)(VOID *Context, VOID *Buffer,
                                                      UINT32 BufferSize, UINT32 *BytesWritten);
/* Load the guest's XSAVE area from Buffer: the area the get callback returned (BufferSize
 * is its BytesWritten, the format kept), with the components in Modified (bit i = component
 * i) changed and XSTATE_BV updated. Forwarding it to WHvSetVirtualProcessorXsaveState or
 * KVM_SET_XSAVE is correct; a VMM that keeps state per component may copy only the Modified
 * ones. Called at most once, at the end of a call, before the register set callback. A
 * failure ends the call with SetVirtualProcessorRegistersCallbackFailed and no register
 * written (RIP not advanced). */
typedef HRESULT(CALLBACK *WHVEMU_SET_XSTATE_CALLBACK)(VOID *Context, const VOID *Buffer,
                                                      UINT32 BufferSize, UINT64 Modified);

typedef struct WHVEMU_XSTATE_CALLBACKS {
    UINT32 Size;     /* sizeof(WHVEMU_XSTATE_CALLBACKS) */
    UINT32 Reserved; /* 0 */
    WHVEMU_GET_XSTATE_CALLBACK GetXstate;
    WHVEMU_SET_XSTATE_CALLBACK SetXstate;
    const WHVEMU_XSTATE_LAYOUT *Layout; /* NULL: this host's (whvemu_host_xstate_layout) */
} WHVEMU_XSTATE_CALLBACKS;

/* Install (Callbacks NULL: remove) the extended-state callbacks of one emulator. Copies the
 * layout and allocates the emulator's buffer here, once; a call already running keeps what
 * it began with. E_INVALIDARG for a bad handle, a bad Size or Reserved, a NULL callback, or a
 * layout that is not self-consistent (legacy components not the fixed ones, a component
 * outside AreaSize or overlapping another, an architectural component of the wrong size,
 * reserved flag bits, AreaSize below 576 bytes or above WHVEMU_XSTATE_MAX_AREA);
 * E_NOTIMPL for Layout NULL where the host has no CPUID leaf 0DH; E_OUTOFMEMORY. Not
 * thread-safe for one handle, like the emulation calls. */
#define WHVEMU_XSTATE_MAX_AREA (1u << 20)
WHVEMU_API HRESULT whvemu_set_xstate_callbacks(WHV_EMULATOR_HANDLE emulator,
                                               const WHVEMU_XSTATE_CALLBACKS *callbacks);

/* Fill a layout from this host's CPUID leaf 0DH (for VMMs whose guests see the host's leaf,
 * as KVM_GET_XSAVE2's buffer follows it). E_INVALIDARG for NULL; E_NOTIMPL on hosts
 * without XSAVE or not x86. */
WHVEMU_API HRESULT whvemu_host_xstate_layout(WHVEMU_XSTATE_LAYOUT *layout);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WHVEMU_H */
