/* The API tests' guest: the CLI's in-memory guest behind callbacks that count what the
 * emulator asks for. */
#include "fixture.h"

#include <string.h>

#include "check.h"

struct guest g;

WHV_REGISTER_VALUE *guest_reg(struct guest *guest, WHV_REGISTER_NAME name)
{
    return vcpu_reg(&guest->vcpu, name);
}
unsigned get_calls, set_calls, total_calls;
WHV_REGISTER_NAME set_names[64];
unsigned set_count;

static HRESULT CALLBACK rec_io(VOID *ctx, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    total_calls++;
    return guest_callbacks.WHvEmulatorIoPortCallback(ctx, io);
}

static HRESULT CALLBACK rec_mem(VOID *ctx, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    total_calls++;
    return guest_callbacks.WHvEmulatorMemoryCallback(ctx, m);
}

static HRESULT CALLBACK rec_get(VOID *ctx, const WHV_REGISTER_NAME *n, UINT32 c, WHV_REGISTER_VALUE *v)
{
    total_calls++;
    get_calls++;
    return guest_callbacks.WHvEmulatorGetVirtualProcessorRegisters(ctx, n, c, v);
}

static HRESULT CALLBACK rec_set(VOID *ctx, const WHV_REGISTER_NAME *n, UINT32 c,
                                const WHV_REGISTER_VALUE *v)
{
    total_calls++;
    set_calls++;
    set_count = c < 64 ? c : 64;
    memcpy(set_names, n, set_count * sizeof *n);
    return guest_callbacks.WHvEmulatorSetVirtualProcessorRegisters(ctx, n, c, v);
}

static HRESULT CALLBACK rec_translate(VOID *ctx, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                      WHV_TRANSLATE_GVA_FLAGS f, WHV_TRANSLATE_GVA_RESULT_CODE *r,
                                      WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    total_calls++;
    return guest_callbacks.WHvEmulatorTranslateGvaPage(ctx, gva, f, r, gpa);
}

WHV_EMULATOR_CALLBACKS recording_callbacks(void)
{
    WHV_EMULATOR_CALLBACKS cb;
    memset(&cb, 0, sizeof cb);
    cb.Size = sizeof cb;
    cb.WHvEmulatorIoPortCallback = rec_io;
    cb.WHvEmulatorMemoryCallback = rec_mem;
    cb.WHvEmulatorGetVirtualProcessorRegisters = rec_get;
    cb.WHvEmulatorSetVirtualProcessorRegisters = rec_set;
    cb.WHvEmulatorTranslateGvaPage = rec_translate;
    return cb;
}

/* A flat 64-bit long-mode guest at CPL 0. */
void guest_long_mode(WHV_VP_EXIT_CONTEXT *vp)
{
    guest_free(&g);
    guest_init(&g);
    memset(vp, 0, sizeof *vp);
    vp->ExecutionState.Cr0Pe = 1;
    vp->ExecutionState.EferLma = 1;
    vp->Cs.Long = 1;
    vp->Cs.Present = 1;
    vp->Cs.SegmentType = 0xb;
    vp->Cs.NonSystemSegment = 1;
    vp->Rip = 0x401000;
    vp->Rflags = 0x2;
    guest_reg(&g, WHvX64RegisterRip)->Reg64 = vp->Rip;
    guest_reg(&g, WHvX64RegisterRflags)->Reg64 = vp->Rflags;
    guest_reg(&g, WHvX64RegisterCs)->Segment = vp->Cs;
    guest_reg(&g, WHvX64RegisterCr0)->Reg64 = 0x80000011;
    guest_reg(&g, WHvX64RegisterEfer)->Reg64 = 0x500;
    get_calls = set_calls = total_calls = set_count = 0;
}

WHV_MEMORY_ACCESS_CONTEXT mmio_context(const char *bytes, unsigned n, uint64_t gpa, int write)
{
    WHV_MEMORY_ACCESS_CONTEXT m;
    memset(&m, 0, sizeof m);
    m.InstructionByteCount = (UINT8)n;
    memcpy(m.InstructionBytes, bytes, n);
    m.AccessInfo.AccessType = write ? WHvMemoryAccessWrite : WHvMemoryAccessRead;
    m.AccessInfo.GvaValid = 1;
    m.Gpa = gpa;
    m.Gva = gpa;
    return m;
}

WHV_EMULATOR_HANDLE create(void)
{
    WHV_EMULATOR_CALLBACKS cb = recording_callbacks();
    WHV_EMULATOR_HANDLE h = NULL;
    HRESULT hr = WHvEmulatorCreateEmulator(&cb, &h);
    CHECK(hr == S_OK && h != NULL, "create: hr=0x%x", (unsigned)hr);
    return h;
}
