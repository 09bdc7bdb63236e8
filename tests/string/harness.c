#include "harness.h"

#include <string.h>

#include "check.h"

struct harness h;

void harness_reset(enum vcpu_mode mode)
{
    if (h.emulator)
        WHvEmulatorDestroyEmulator(h.emulator);
    guest_free(&h.guest);
    memset(&h, 0, sizeof h);
    guest_init(&h.guest);
    h.guest.log = h.log;
    h.guest.log_capacity = ACCESS_LOG_MAX;
    vcpu_set_defaults(&h.guest.vcpu, mode);
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &h.emulator) == S_OK, "create");
}

void harness_enable_ram(uint64_t first, unsigned pages)
{
    for (unsigned i = 0; i < pages && h.guest.ram_page_count < GUEST_MAX_MAPPINGS; i++)
        h.guest.ram_pages[h.guest.ram_page_count++] = first + (uint64_t)i * GUEST_PAGE_SIZE;
    CHECK(whvemu_set_ram_callback(h.emulator, guest_ram_page) == S_OK, "set RAM callback");
}

WHV_REGISTER_VALUE *reg(WHV_REGISTER_NAME name)
{
    return vcpu_reg(&h.guest.vcpu, name);
}

uint64_t reg64(WHV_REGISTER_NAME name)
{
    return reg(name)->Reg64;
}

void set_reg64(WHV_REGISTER_NAME name, uint64_t value)
{
    reg(name)->Reg64 = value;
}

WHV_EMULATOR_STATUS run_mmio(const char *bytes, unsigned n)
{
    WHV_EMULATOR_STATUS st;
    HRESULT hr = guest_run_mmio(&h.guest, h.emulator, bytes, n, &st);

    CHECK(hr == S_OK, "TryMmioEmulation: hr=0x%x", (unsigned)hr);
    CHECK_EQ(h.guest.refused, 0, "callbacks the emulator should not have made");
    return st;
}

WHV_EMULATOR_STATUS run_io(const char *bytes, unsigned n, uint16_t port, unsigned size, bool write,
                           bool string, bool rep)
{
    const struct guest_port_access access = { port, size, write, string, rep };
    WHV_EMULATOR_STATUS st;
    HRESULT hr = guest_run_io(&h.guest, h.emulator, bytes, n, &access, &st);

    CHECK(hr == S_OK, "TryIoEmulation: hr=0x%x", (unsigned)hr);
    CHECK_EQ(h.guest.refused, 0, "callbacks the emulator should not have made");
    return st;
}

int pending_vector(int *error)
{
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p =
        &reg(WHvRegisterPendingInterruption)->PendingInterruption;
    if (!p->InterruptionPending) {
        *error = -1;
        return -1;
    }
    *error = p->DeliverErrorCode ? (int)p->ErrorCode : -1;
    return (int)p->InterruptionVector;
}
