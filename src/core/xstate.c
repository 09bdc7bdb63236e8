/* The extended-state extension's registration and one call's XSAVE area (xstate.h). */
#include "core/xstate.h"

#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/callbacks.h"
#include "core/regcache.h"

/* The sizes the architecture fixes (SDM vol. 1 §13.2-13.5): a layout saying otherwise is
 * refused, since the accessors index these components by register number. */
static const struct {
    uint8_t component;
    uint16_t size;
} architectural_sizes[] = {
    { 2, 256 },   /* YMM_Hi128: 16 registers x 16 bytes */
    { 5, 64 },    /* opmask: 8 x 8 */
    { 6, 512 },   /* ZMM_Hi256: 16 x 32 */
    { 7, 1024 },  /* Hi16_ZMM: 16 x 64 */
    { 9, 8 },     /* PKRU */
    { 10, 8 },    /* PASID: IA32_PASID */
    { 17, 64 },   /* TILECFG */
    { 18, 8192 }, /* TILEDATA: 8 tiles x 1 KiB */
};

enum {
    FLAG_SUPERVISOR = 1u << 0,
    FLAG_ALIGN64 = 1u << 1,
};

/* ---- the layout ---- */

static bool legacy_components_fixed(const WHVEMU_XSTATE_COMPONENT *c)
{
    return c[0].Size == 160 && c[0].Offset == 0 && c[0].Flags == 0 && c[1].Size == 256 &&
           c[1].Offset == 160 && c[1].Flags == 0;
}

static bool architectural_size_right(unsigned i, uint32_t size)
{
    for (size_t k = 0; k < sizeof architectural_sizes / sizeof *architectural_sizes; k++)
        if (architectural_sizes[k].component == i)
            return size == architectural_sizes[k].size;
    return true;
}

/* Component i alone: its flags, its size, and a user component inside the area's extended
 * region (a supervisor one exists only in the compacted format: offset 0). */
static bool component_valid(const WHVEMU_XSTATE_LAYOUT *l, unsigned i)
{
    const WHVEMU_XSTATE_COMPONENT *c = &l->Component[i];

    if (c->Size == 0)
        return c->Offset == 0 && c->Flags == 0;
    if ((c->Flags & ~(uint32_t)(FLAG_SUPERVISOR | FLAG_ALIGN64)) || i == 63 ||
        !architectural_size_right(i, c->Size) || c->Size > l->AreaSize)
        return false;
    if (c->Flags & FLAG_SUPERVISOR)
        return c->Offset == 0;
    return c->Offset >= XAREA_EXTENDED && c->Offset <= l->AreaSize - c->Size;
}

static bool user_components_overlap(const WHVEMU_XSTATE_COMPONENT *a,
                                    const WHVEMU_XSTATE_COMPONENT *b)
{
    if (!a->Size || !b->Size || (a->Flags & FLAG_SUPERVISOR) || (b->Flags & FLAG_SUPERVISOR))
        return false;
    return a->Offset < b->Offset + b->Size && b->Offset < a->Offset + a->Size;
}

bool xstate_layout_valid(const WHVEMU_XSTATE_LAYOUT *l)
{
    if (l->Reserved != 0 || l->AreaSize < XAREA_EXTENDED || l->AreaSize > WHVEMU_XSTATE_MAX_AREA ||
        !legacy_components_fixed(l->Component))
        return false;
    for (unsigned i = 2; i < 64; i++) {
        if (!component_valid(l, i))
            return false;
        for (unsigned j = 2; j < i; j++)
            if (user_components_overlap(&l->Component[i], &l->Component[j]))
                return false;
    }
    return true;
}

/* ---- the registration ---- */

HRESULT xstate_ext_new(const WHVEMU_XSTATE_CALLBACKS *callbacks, const WHVEMU_XSTATE_LAYOUT *layout,
                       struct xstate_ext **out)
{
    struct xstate_ext *ext;

    if (!callbacks->GetXstate || !callbacks->SetXstate || !xstate_layout_valid(layout))
        return E_INVALIDARG;
    ext = calloc(1, sizeof *ext);
    if (ext)
        ext->area = calloc(1, layout->AreaSize);
    if (!ext || !ext->area) {
        free(ext);
        return E_OUTOFMEMORY;
    }
    ext->references = 1;
    ext->get = callbacks->GetXstate;
    ext->set = callbacks->SetXstate;
    ext->layout = *layout;
    for (unsigned i = 0; i < 64; i++)
        ext->components |= layout->Component[i].Size ? UINT64_C(1) << i : 0;
    *out = ext;
    return S_OK;
}

/* ---- one call's area ---- */

uint64_t xstate_bv(const struct vcpu *cpu)
{
    return load_le(cpu->vstate.ext->area + XAREA_LEGACY_SIZE, 8);
}

uint64_t xstate_compacted_place(const WHVEMU_XSTATE_LAYOUT *l, uint64_t components,
                                uint32_t offset[64])
{
    uint64_t end = XAREA_EXTENDED;

    for (unsigned i = 2; i < 63; i++) {
        const WHVEMU_XSTATE_COMPONENT *c = &l->Component[i];
        offset[i] = 0;
        if (!((components >> i) & 1))
            continue;
        if (!c->Size)
            return 0;
        if (c->Flags & FLAG_ALIGN64)
            end = (end + 63) & ~UINT64_C(63);
        offset[i] = (uint32_t)end;
        end += c->Size;
    }
    return end;
}

/* Where the components are in the standard format: the layout's offsets (the legacy ones
 * are the fixed 0 and 160), set for those of `held` only (the call reads no other: a walk
 * over all 64 was most of a VEX store's exit); in the compacted format:
 * xstate_compacted_place. The end of the last one, or 0 when a component of XCOMP_BV is
 * not in the layout. */
static uint64_t place_components(struct vcpu *cpu, uint64_t xcomp_bv, uint64_t held)
{
    const WHVEMU_XSTATE_LAYOUT *l = &cpu->vstate.ext->layout;

    if (!(xcomp_bv & XAREA_COMPACTED)) {
        for (; held; held &= held - 1)
            cpu->vstate.offset[lowest_bit(held)] = l->Component[lowest_bit(held)].Offset;
        return XAREA_EXTENDED;
    }
    cpu->vstate.offset[0] = l->Component[0].Offset;
    cpu->vstate.offset[1] = l->Component[1].Offset;
    return xstate_compacted_place(l, xcomp_bv, cpu->vstate.offset);
}

/* Whether the area holds every component of need within the bytes it has: in the
 * compacted format those of XCOMP_BV only, and XSTATE_BV a subset of XCOMP_BV (XRSTOR's
 * rule, SDM vol. 1 §13.8). */
static bool area_holds(struct vcpu *cpu, uint64_t need)
{
    const WHVEMU_XSTATE_LAYOUT *l = &cpu->vstate.ext->layout;
    uint64_t xcomp_bv = load_le(cpu->vstate.ext->area + XAREA_LEGACY_SIZE + 8, 8);
    uint64_t compacted_end = place_components(cpu, xcomp_bv, need | XS_LEGACY);

    if (xcomp_bv & XAREA_COMPACTED) {
        uint64_t held = (xcomp_bv & ~XAREA_COMPACTED) | XS_LEGACY;
        if (!compacted_end || compacted_end > cpu->vstate.area_bytes || (need & ~held) ||
            (xstate_bv(cpu) & ~held))
            return false;
    }
    for (; need; need &= need - 1) {
        unsigned i = lowest_bit(need);
        /* a supervisor component has no place in the standard format */
        if ((l->Component[i].Flags & FLAG_SUPERVISOR) && !(xcomp_bv & XAREA_COMPACTED))
            return false;
        if ((uint64_t)cpu->vstate.offset[i] + l->Component[i].Size > cpu->vstate.area_bytes)
            return false;
    }
    return true;
}

static HRESULT get_area(struct vcpu *cpu, struct xstate_ext *ext, UINT32 *bytes)
{
    return CALL_UNLESS_FAILED(cpu, FAILED_GET_REGISTERS,
                              ext->get(cpu->context, ext->area, ext->layout.AreaSize, bytes));
}

enum exec_result xstate_fetch(struct vcpu *cpu, uint64_t need)
{
    struct xstate_ext *ext = cpu->vstate.ext;
    UINT32 bytes = 0;

    if (cpu->vstate.area)
        return EXEC_OK;
    if (!ext || (need & ~ext->components & ~(uint64_t)XS_LEGACY))
        return EXEC_UNSUPPORTED;
    if (FAILED(get_area(cpu, ext, &bytes)))
        return EXEC_CALLBACK_FAILED;
    cpu->vstate.area_bytes = bytes;
    if (bytes < XAREA_EXTENDED || bytes > ext->layout.AreaSize || !area_holds(cpu, need))
        return EXEC_UNSUPPORTED;
    cpu->vstate.area = true;
    cpu->vstate.held = need | XS_LEGACY;
    cpu->vstate.modified = 0;
    return EXEC_OK;
}

const uint8_t *xstate_peek(const struct vcpu *cpu, unsigned i)
{
    if (!((cpu->vstate.held >> i) & 1) || !((xstate_bv(cpu) >> i) & 1))
        return NULL;
    return cpu->vstate.ext->area + cpu->vstate.offset[i];
}

/* The init state of the legacy components (SDM vol. 1 §13.6): FCW 037FH, every other x87
 * field and register 0 (an empty abridged tag word); the XMM registers 0. MXCSR is not part
 * of it: XSAVE and XRSTOR handle it whatever XSTATE_BV says. */
static void materialise_init(uint8_t *area, unsigned i, uint32_t offset, uint32_t size)
{
    if (i == 0) {
        memset(area, 0, 24);
        memset(area + 32, 0, 128);
        store_le2(area, 0x037f);
    } else if (i == 1) {
        memset(area + 160, 0, 256);
    } else {
        memset(area + offset, 0, size);
    }
}

uint8_t *xstate_edit(struct vcpu *cpu, unsigned i)
{
    struct xstate_ext *ext = cpu->vstate.ext;
    uint64_t bv = xstate_bv(cpu);

    if (!((cpu->vstate.held >> i) & 1))
        return NULL;
    if (!((bv >> i) & 1)) {
        materialise_init(ext->area, i, cpu->vstate.offset[i], ext->layout.Component[i].Size);
        store_le(ext->area + XAREA_LEGACY_SIZE, 8, bv | UINT64_C(1) << i);
    }
    cpu->vstate.modified |= UINT64_C(1) << i;
    return ext->area + cpu->vstate.offset[i];
}

void xstate_reset(struct vcpu *cpu, unsigned i)
{
    struct xstate_ext *ext = cpu->vstate.ext;

    if (!((cpu->vstate.held >> i) & 1))
        return;
    materialise_init(ext->area, i, cpu->vstate.offset[i], ext->layout.Component[i].Size);
    store_le(ext->area + XAREA_LEGACY_SIZE, 8, xstate_bv(cpu) & ~(UINT64_C(1) << i));
    cpu->vstate.modified |= UINT64_C(1) << i;
}

uint8_t *xstate_mxcsr(struct vcpu *cpu)
{
    cpu->vstate.modified |= XS_SSE;
    return cpu->vstate.ext->area + XAREA_MXCSR;
}

bool xstate_store_area(struct vcpu *cpu)
{
    struct xstate_ext *ext = cpu->vstate.ext;
    uint64_t modified = cpu->vstate.modified;

    if (!modified)
        return true;
    return SUCCEEDED(
        CALL_UNLESS_FAILED(cpu, FAILED_SET_REGISTERS,
                           ext->set(cpu->context, ext->area, cpu->vstate.area_bytes, modified)));
}
