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
} WHVEMU_OPTION;

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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WHVEMU_H */
