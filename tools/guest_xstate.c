/* The in-memory guest's extended state (guest.h): what a VMM keeps for the extended-state
 * extension (whvemu.h; docs/extended-state.md). The legacy region's 26 rows are the vCPU's
 * SDK vector registers, as on a hypervisor, where both views show one state: GetXstate
 * copies them into the area it hands out and SetXstate copies them back. The extended
 * components live in the area, laid out by this host's CPUID leaf 0DH, standard or
 * compacted. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

#define LEGACY_ROWS 26u /* FpControlStatus, XmmControlStatus, FpMmx0-7, Xmm0-15 */
#define HEADER 512u
#define EXTENDED 576u
#define COMPACTED (UINT64_C(1) << 63)

/* The user components of the layout (supervisor ones are not the CLI's business). */
static uint64_t user_components(const WHVEMU_XSTATE_LAYOUT *l)
{
    uint64_t set = 0;
    for (unsigned i = 2; i < 63; i++)
        if (l->Component[i].Size && !(l->Component[i].Flags & 1))
            set |= UINT64_C(1) << i;
    return set;
}

/* Offsets of the components in the area's format (SDM vol. 1 §13.4.3); returns its size. */
static uint32_t place(struct guest_xstate *x)
{
    uint32_t end = EXTENDED, size = EXTENDED;
    for (unsigned i = 2; i < 63; i++) {
        const WHVEMU_XSTATE_COMPONENT *c = &x->layout.Component[i];
        if (!((x->components >> i) & 1))
            continue;
        if (x->compacted) {
            end = (c->Flags & 2) ? (end + 63) & ~63u : end;
            x->offset[i] = end;
            end += c->Size;
        } else {
            x->offset[i] = c->Offset;
        }
        if (x->offset[i] + c->Size > size)
            size = x->offset[i] + c->Size;
    }
    return size;
}

bool guest_xstate_init(struct guest *g, bool compacted)
{
    struct guest_xstate *x = &g->xstate;
    uint64_t xcomp_bv;

    memset(x, 0, sizeof *x);
    if (whvemu_host_xstate_layout(&x->layout) != S_OK)
        return false;
    x->compacted = compacted;
    x->components = user_components(&x->layout);
    x->size = place(x);
    x->area = calloc(1, x->layout.AreaSize);
    x->before = calloc(1, x->layout.AreaSize);
    if (!x->area || !x->before) {
        guest_xstate_free(g);
        return false;
    }
    xcomp_bv = compacted ? COMPACTED | x->components | 3 : 0;
    memcpy(x->area + HEADER + 8, &xcomp_bv, 8);
    x->installed = true;
    return true;
}

void guest_xstate_free(struct guest *g)
{
    free(g->xstate.area);
    free(g->xstate.before);
    memset(&g->xstate, 0, sizeof g->xstate);
}

uint8_t *guest_xstate_component(struct guest *g, unsigned i)
{
    struct guest_xstate *x = &g->xstate;
    uint64_t bv;

    if (!x->installed || i < 2 || i > 62 || !((x->components >> i) & 1))
        return NULL;
    memcpy(&bv, x->area + HEADER, 8);
    if (!((bv >> i) & 1)) { /* leaving its init state: zeros, then the bit */
        memset(x->area + x->offset[i], 0, x->layout.Component[i].Size);
        bv |= UINT64_C(1) << i;
        memcpy(x->area + HEADER, &bv, 8);
    }
    return x->area + x->offset[i];
}

/* The legacy rows from and to the vCPU's SDK names. */
static void legacy_rows(struct guest *g, bool to_area)
{
    for (unsigned row = 0; row < LEGACY_ROWS; row++) {
        WHV_REGISTER_VALUE *v = vcpu_reg(&g->vcpu, WHvX64RegisterFpControlStatus + row);
        if (row >= 2)
            v = vcpu_reg(&g->vcpu, row < 10 ? WHvX64RegisterFpMmx0 + (row - 2)
                                            : WHvX64RegisterXmm0 + (row - 10));
        if (to_area)
            memcpy(g->xstate.area + 16 * row, v, 16);
        else
            memcpy(v, g->xstate.area + 16 * row, 16);
    }
}

HRESULT CALLBACK guest_get_xstate(VOID *context, VOID *buffer, UINT32 size, UINT32 *written)
{
    struct guest *g = context;
    struct guest_xstate *x = &g->xstate;
    uint64_t bv;
    bool fail = guest_count_call(g, GUEST_CB_GET_XSTATE, "get_xstate");

    *written = x->size;
    if (g->trace)
        fprintf(g->trace, "[%" PRIu32 " of %" PRIu32 " bytes, %s]", x->size, (uint32_t)size,
                x->compacted ? "compacted" : "standard");
    if (fail) {
        if (g->trace)
            fputs(" -> FAILED (injected)\n", g->trace);
        return E_FAIL;
    }
    if (size < x->size)
        return E_INVALIDARG;
    legacy_rows(g, true);
    memcpy(&bv, x->area + HEADER, 8);
    bv |= 3; /* the legacy rows are explicit values */
    memcpy(x->area + HEADER, &bv, 8);
    memcpy(buffer, x->area, x->size);
    if (g->trace)
        fprintf(g->trace, " XSTATE_BV=0x%" PRIx64 "\n", bv);
    return S_OK;
}

HRESULT CALLBACK guest_set_xstate(VOID *context, const VOID *buffer, UINT32 size, UINT64 modified)
{
    struct guest *g = context;
    struct guest_xstate *x = &g->xstate;
    bool fail = guest_count_call(g, GUEST_CB_SET_XSTATE, "set_xstate");

    if (g->trace)
        fprintf(g->trace, "[%" PRIu32 " bytes] modified=0x%" PRIx64, (uint32_t)size,
                (uint64_t)modified);
    if (fail) {
        if (g->trace)
            fputs(" -> FAILED (injected)\n", g->trace);
        return E_FAIL;
    }
    if (size != x->size)
        return E_INVALIDARG;
    memcpy(x->area, buffer, size);
    legacy_rows(g, false);
    if (g->trace)
        fputc('\n', g->trace);
    return S_OK;
}

HRESULT guest_install_xstate(const struct guest *g, WHV_EMULATOR_HANDLE emulator)
{
    WHVEMU_XSTATE_CALLBACKS c = { sizeof c, 0, guest_get_xstate, guest_set_xstate,
                                  &g->xstate.layout };
    return g->xstate.installed ? whvemu_set_xstate_callbacks(emulator, &c) : S_OK;
}

/* Bytes [from, from + n) of vector register n's upper part, in the component of that part. */
static const struct {
    unsigned component, from, size;
} upper_parts[] = { { 2, 16, 16 }, { 6, 32, 32 } };

static void print_value(FILE *out, const uint8_t *bytes, unsigned size)
{
    fputs("0x", out);
    for (unsigned i = size; i-- > 0;)
        fprintf(out, "%02x", bytes[i]);
}

/* Register n's bytes beyond XMM (n < 16: 511:128 from components 2 and 6; n >= 16: all 64
 * from component 7) in an area. */
static void upper_bytes(const struct guest_xstate *x, const uint8_t *area, unsigned n,
                        uint8_t out[64])
{
    uint64_t bv;

    memset(out, 0, 64);
    memcpy(&bv, area + HEADER, 8);
    if (n >= 16) {
        if ((bv >> 7) & 1 && (x->components >> 7) & 1)
            memcpy(out, area + x->offset[7] + 64 * (n - 16), 64);
        return;
    }
    for (unsigned p = 0; p < 2; p++) {
        unsigned c = upper_parts[p].component;
        if ((bv >> c) & 1 && (x->components >> c) & 1)
            memcpy(out + upper_parts[p].from, area + x->offset[c] + upper_parts[p].size * n,
                   upper_parts[p].size);
    }
}

static uint64_t opmask(const struct guest_xstate *x, const uint8_t *area, unsigned k)
{
    uint64_t bv, value = 0;

    memcpy(&bv, area + HEADER, 8);
    if ((bv >> 5) & 1 && (x->components >> 5) & 1)
        memcpy(&value, area + x->offset[5] + 8 * k, 8);
    return value;
}

void guest_xstate_begin(struct guest *g)
{
    if (g->xstate.installed)
        memcpy(g->xstate.before, g->xstate.area, g->xstate.layout.AreaSize);
}

bool guest_xstate_print_changes(const struct guest *g, FILE *out)
{
    const struct guest_xstate *x = &g->xstate;
    uint8_t a[64], b[64];
    bool any = false;

    for (unsigned n = 0; x->installed && n < 32; n++) {
        upper_bytes(x, x->before, n, a);
        upper_bytes(x, x->area, n, b);
        if (memcmp(a, b, 64) == 0)
            continue;
        fprintf(out, "  zmm%u[511:%u]: ", n, n < 16 ? 128 : 0);
        print_value(out, n < 16 ? a + 16 : a, n < 16 ? 48 : 64);
        fputs(" -> ", out);
        print_value(out, n < 16 ? b + 16 : b, n < 16 ? 48 : 64);
        fputc('\n', out);
        any = true;
    }
    for (unsigned k = 0; x->installed && k < 8; k++) {
        uint64_t before = opmask(x, x->before, k), now = opmask(x, x->area, k);
        if (before != now) {
            fprintf(out, "  k%u: 0x%" PRIx64 " -> 0x%" PRIx64 "\n", k, before, now);
            any = true;
        }
    }
    return any;
}
