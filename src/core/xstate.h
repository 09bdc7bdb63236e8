/* The extended-state extension (whvemu.h, WHVEMU_XSTATE_CALLBACKS): one registration's
 * callbacks, layout and buffer, and the guest's XSAVE area as one call sees it — fetched
 * once, parsed (standard or compacted format), edited in place, stored back once.
 *
 * The XSAVE area (SDM vol. 1 §13.4): bytes 0-511 the FXSAVE legacy region (x87 and SSE),
 * 512-575 the header (XSTATE_BV: the components not in their init state; XCOMP_BV: bit 63
 * the compacted format, bits 62:0 the components it holds), then the extended region. A
 * component whose XSTATE_BV bit is clear is in its init state whatever its bytes say. */
#ifndef WHVEMU_XSTATE_H
#define WHVEMU_XSTATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/vcpu.h"

/* XSAVE state components (bit i = component i). */
enum {
    XS_X87 = 1u << 0,
    XS_SSE = 1u << 1,
    XS_AVX = 1u << 2,            /* YMM_Hi128: bits 255:128 of YMM0-15 */
    XS_OPMASK = 1u << 5,         /* k0-k7 */
    XS_ZMM_HI256 = 1u << 6,      /* bits 511:256 of ZMM0-15 */
    XS_HI16_ZMM = 1u << 7,       /* ZMM16-31 */
    XS_PASID = 1u << 10,         /* IA32_PASID, a supervisor component (ENQCMD's PASID) */
    XS_TILECFG = 1u << 17,       /* AMX: the 64-byte tile configuration (LDTILECFG's image) */
    XS_TILEDATA = 1u << 18,      /* AMX: tmm0-7, 16 rows x 64 bytes each */
    XS_LEGACY = XS_X87 | XS_SSE, /* what the SDK register names carry */
};

#define XAREA_LEGACY_SIZE 512u
#define XAREA_EXTENDED 576u /* the first byte after the header */
#define XAREA_COMPACTED (UINT64_C(1) << 63)
#define XAREA_MXCSR 24u /* in the legacy region, whatever XSTATE_BV says */

/* One registration (api/xstate.c makes it): shared by the handle and the calls that began
 * while it was installed, each holding a reference, so that a callback may replace the
 * registration or destroy the handle without the call in flight losing its buffer. */
struct xstate_ext {
    uint32_t references;
    WHVEMU_GET_XSTATE_CALLBACK get;
    WHVEMU_SET_XSTATE_CALLBACK set;
    WHVEMU_XSTATE_LAYOUT layout;
    uint64_t components; /* those the layout has (Size != 0) */
    uint8_t *area;       /* layout.AreaSize bytes */
};

/* A registration from validated callbacks (E_INVALIDARG, E_OUTOFMEMORY; *out holds one
 * reference); dropping the last reference frees it. */
HRESULT xstate_ext_new(const WHVEMU_XSTATE_CALLBACKS *callbacks, const WHVEMU_XSTATE_LAYOUT *layout,
                       struct xstate_ext **out);
static inline void xstate_ext_release(struct xstate_ext *ext)
{
    if (!ext || --ext->references)
        return;
    free(ext->area);
    free(ext);
}
static inline struct xstate_ext *xstate_ext_hold(struct xstate_ext *ext)
{
    if (ext)
        ext->references++;
    return ext;
}

/* Whether a layout is self-consistent (whvemu.h lists the rules). */
bool xstate_layout_valid(const WHVEMU_XSTATE_LAYOUT *layout);

/* ---- one call's area (cpu->vstate) ---- */

/* Fetch the area with the one GetXstate of the call and find the components of `need` in
 * it. EXEC_CALLBACK_FAILED when the callback fails; EXEC_UNSUPPORTED when the area it gave
 * is malformed or lacks one of them (the call then touches nothing). */
enum exec_result xstate_fetch(struct vcpu *cpu, uint64_t need);

/* Component i's bytes in the area for reading, or NULL while it is in its init state (or
 * not among those xstate_fetch checked: an executor's need that missed it reads init). */
const uint8_t *xstate_peek(const struct vcpu *cpu, unsigned i);
/* Component i's bytes for writing: its init value first materialised if its XSTATE_BV bit
 * was clear, the bit set, the component marked modified. NULL for a component xstate_fetch
 * did not check (the write is dropped rather than land outside it). */
uint8_t *xstate_edit(struct vcpu *cpu, unsigned i);

/* The area's XSTATE_BV (the components not in their init state). */
uint64_t xstate_bv(const struct vcpu *cpu);
/* Put component i (one xstate_fetch checked) in its init state: its init value written (so
 * that a VMM that copies bytes without looking at XSTATE_BV sees it too), its XSTATE_BV bit
 * cleared, the component marked modified. MXCSR is not part of it. */
void xstate_reset(struct vcpu *cpu, unsigned i);
/* The area's MXCSR for writing (component 1 marked modified, XSTATE_BV unchanged). */
uint8_t *xstate_mxcsr(struct vcpu *cpu);

/* The compacted format's offsets (SDM vol. 1 §13.4.3) of the components 2-62 of
 * `components` under a layout: one after another in index order from byte 576, each first
 * rounded up to 64 bytes when its flag says so; offset[i] 0 for the others. Returns the
 * end of the last one, or 0 when the layout lacks one of them. */
uint64_t xstate_compacted_place(const WHVEMU_XSTATE_LAYOUT *l, uint64_t components,
                                uint32_t offset[64]);

/* Store the area back with SetXstate, Modified = cpu->vstate.modified, when the call fetched
 * it and that is not empty (a fault keeps only its committed components: call_finish). False
 * when the callback failed. (Inline: every call's end asks, and the answer is almost always
 * that there is nothing to store.) */
bool xstate_store_area(struct vcpu *cpu);
static inline bool xstate_store(struct vcpu *cpu)
{
    return !cpu->vstate.area || xstate_store_area(cpu);
}

#endif
