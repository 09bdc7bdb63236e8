/* The extended-state extension, the guest's side (fixture.h; simd-design §2.4): the
 * guest's XSAVE area as a VMM would hand it over from WHvGetVirtualProcessorXsaveState or
 * KVM_GET_XSAVE2, in the standard format or the compacted one, and its two callbacks.
 * test_diff registers them with the emulator (whvemu_set_xstate_callbacks); test_vecstate
 * drives them as the emulator does (get, edit, set) and checks both formats against the
 * CPU's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

void fixture_xstate_load(struct fixture *f, const struct vecstate *v, bool compacted)
{
    const struct xsave_layout *l = xsave_host_layout();
    uint32_t size = xsave_image_size(l, compacted && l->xsave);

    if (size > FIXTURE_XSTATE_MAX) {
        fprintf(stderr, "fixture: an XSAVE area of %u bytes (FIXTURE_XSTATE_MAX %u)\n", size,
                FIXTURE_XSTATE_MAX);
        exit(2);
    }
    vecstate_to_xsave(v, l, compacted && l->xsave, f->xstate);
    f->xstate_size = size;
}

HRESULT CALLBACK fixture_get_xstate(VOID *context, VOID *buffer, UINT32 buffer_size,
                                    UINT32 *bytes_written)
{
    struct fixture *f = context;

    *bytes_written = f->xstate_size;
    if (buffer_size < f->xstate_size)
        return E_INVALIDARG;
    memcpy(buffer, f->xstate, f->xstate_size);
    return S_OK;
}

HRESULT CALLBACK fixture_set_xstate(VOID *context, const VOID *buffer, UINT32 buffer_size,
                                    UINT64 modified)
{
    struct fixture *f = context;

    if (buffer_size != f->xstate_size)
        return E_INVALIDARG;
    memcpy(f->xstate, buffer, buffer_size);
    f->xstate_set = true;
    f->xstate_modified |= modified;
    return S_OK;
}

bool fixture_xstate_read(const struct fixture *f, struct vecstate *v)
{
    return vecstate_from_xsave(v, xsave_host_layout(), f->xstate, f->xstate_size);
}
