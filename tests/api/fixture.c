#include "fixture.h"

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "guest_vcpu.h"
#include "hostcpu.h"

struct guest g;

WHV_REGISTER_VALUE *guest_reg(struct guest *guest, WHV_REGISTER_NAME name)
{
    return vcpu_reg(&guest->vcpu, name);
}

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
}

WHV_MEMORY_ACCESS_CONTEXT mmio_context(const char *bytes, unsigned n, uint64_t gpa, int write)
{
    WHV_MEMORY_ACCESS_CONTEXT m = guest_mmio_access(bytes, n);

    m.AccessInfo.AccessType = write ? WHvMemoryAccessWrite : WHvMemoryAccessRead;
    m.AccessInfo.GvaValid = 1;
    m.Gpa = gpa;
    m.Gva = gpa;
    return m;
}

WHV_EMULATOR_HANDLE create(void)
{
    WHV_EMULATOR_HANDLE h = NULL;
    HRESULT hr = WHvEmulatorCreateEmulator(&guest_callbacks, &h);

    CHECK(hr == S_OK && h != NULL, "create: hr=0x%x", (unsigned)hr);
    return h;
}

int fixture_main(void)
{
    guest_init(&g);
    check_run_tests();
    guest_free(&g);
    host_skip_report(stdout);
    return check_summary();
}
