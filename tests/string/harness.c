#include "harness.h"

#include <string.h>

#include "check.h"

struct harness h;

static void log_access(bool io, uint8_t write, uint8_t size, uint64_t address, uint64_t data)
{
    if (h.log_count < ACCESS_LOG_MAX)
        h.log[h.log_count++] = (struct access){ io, write, size, address, data };
}

static HRESULT CALLBACK io_cb(VOID *ctx, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    HRESULT hr = guest_callbacks.WHvEmulatorIoPortCallback(ctx, io);
    log_access(true, io->Direction, (uint8_t)io->AccessSize, io->Port, io->Data);
    return hr;
}

static HRESULT CALLBACK memory_cb(VOID *ctx, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    HRESULT hr = guest_callbacks.WHvEmulatorMemoryCallback(ctx, m);
    uint64_t data = 0;
    for (unsigned i = m->AccessSize; i-- > 0;)
        data = data << 8 | m->Data[i];
    log_access(false, m->Direction, m->AccessSize, m->GpaAddress, data);
    return hr;
}

static HRESULT CALLBACK get_cb(VOID *ctx, const WHV_REGISTER_NAME *n, UINT32 c, WHV_REGISTER_VALUE *v)
{
    h.get_calls++;
    return guest_callbacks.WHvEmulatorGetVirtualProcessorRegisters(ctx, n, c, v);
}

static HRESULT CALLBACK set_cb(VOID *ctx, const WHV_REGISTER_NAME *n, UINT32 c,
                               const WHV_REGISTER_VALUE *v)
{
    h.set_calls++;
    return guest_callbacks.WHvEmulatorSetVirtualProcessorRegisters(ctx, n, c, v);
}

static HRESULT CALLBACK translate_cb(VOID *ctx, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                     WHV_TRANSLATE_GVA_FLAGS f, WHV_TRANSLATE_GVA_RESULT_CODE *r,
                                     WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    h.translate_calls++;
    h.last_translate_flags = f;
    return guest_callbacks.WHvEmulatorTranslateGvaPage(ctx, gva, f, r, gpa);
}

/* RAM is every page the guest has, outside [mmio_lo, mmio_hi). */
static VOID *CALLBACK ram_cb(VOID *ctx, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write)
{
    struct guest *g = ctx;
    (void)write;
    h.ram_calls++;
    CHECK((gpa_page & 4095) == 0, "RAM callback: unaligned page 0x%llx", (unsigned long long)gpa_page);
    if (gpa_page >= h.mmio_lo && gpa_page < h.mmio_hi)
        return NULL;
    for (size_t i = 0; i < g->page_count; i++)
        if (g->pages[i]->gpa == gpa_page)
            return g->pages[i]->now;
    return NULL;
}

void harness_reset(enum vcpu_mode mode)
{
    WHV_EMULATOR_CALLBACKS cb;

    if (h.emulator)
        WHvEmulatorDestroyEmulator(h.emulator);
    guest_free(&h.guest);
    memset(&h, 0, sizeof h);
    guest_init(&h.guest);
    vcpu_set_defaults(&h.guest.vcpu, mode);
    memset(&cb, 0, sizeof cb);
    cb.Size = sizeof cb;
    cb.WHvEmulatorIoPortCallback = io_cb;
    cb.WHvEmulatorMemoryCallback = memory_cb;
    cb.WHvEmulatorGetVirtualProcessorRegisters = get_cb;
    cb.WHvEmulatorSetVirtualProcessorRegisters = set_cb;
    cb.WHvEmulatorTranslateGvaPage = translate_cb;
    CHECK(WHvEmulatorCreateEmulator(&cb, &h.emulator) == S_OK, "create");
}

void harness_enable_ram_callback(void)
{
    CHECK(whvemu_set_ram_callback(h.emulator, ram_cb) == S_OK, "set RAM callback");
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
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m;
    WHV_EMULATOR_STATUS st;
    HRESULT hr;

    vcpu_exit_context(&h.guest.vcpu, n, &vp);
    memset(&m, 0, sizeof m);
    m.InstructionByteCount = (UINT8)n;
    memcpy(m.InstructionBytes, bytes, n);
    st.AsUINT32 = 0;
    hr = WHvEmulatorTryMmioEmulation(h.emulator, &h.guest, &vp, &m, &st);
    CHECK(hr == S_OK, "TryMmioEmulation: hr=0x%x", (unsigned)hr);
    return st;
}

WHV_EMULATOR_STATUS run_io(const char *bytes, unsigned n, uint16_t port, unsigned size,
                           bool write, bool string, bool rep)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;
    WHV_EMULATOR_STATUS st;
    HRESULT hr;

    vcpu_exit_context(&h.guest.vcpu, n, &vp);
    memset(&io, 0, sizeof io);
    io.InstructionByteCount = (UINT8)n;
    memcpy(io.InstructionBytes, bytes, n);
    io.AccessInfo.IsWrite = write;
    io.AccessInfo.AccessSize = size;
    io.AccessInfo.StringOp = string;
    io.AccessInfo.RepPrefix = rep;
    io.PortNumber = port;
    io.Rax = reg64(WHvX64RegisterRax);
    io.Rcx = reg64(WHvX64RegisterRcx);
    io.Rsi = reg64(WHvX64RegisterRsi);
    io.Rdi = reg64(WHvX64RegisterRdi);
    io.Ds = reg(WHvX64RegisterDs)->Segment;
    io.Es = reg(WHvX64RegisterEs)->Segment;
    st.AsUINT32 = 0;
    hr = WHvEmulatorTryIoEmulation(h.emulator, &h.guest, &vp, &io, &st);
    CHECK(hr == S_OK, "TryIoEmulation: hr=0x%x", (unsigned)hr);
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
