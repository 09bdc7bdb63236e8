/* The bench's VMM-like guest: flat RAM, the device, the register array, the callbacks. */
#include "guest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CR4_OSFXSR 0x200u
#define CR4_OSXMMEXCPT 0x400u
#define CR4_OSXSAVE 0x40000u
#define XCR0_X87_SSE_AVX 0x7u

/* ---- the device side, shared with the Unicorn engine --------------------------------- */

/* Distinct bytes everywhere, so that a load from the wrong address shows. */
void devices_fill(struct devices *d, uint8_t *ram)
{
    memset(d, 0, sizeof *d);
    for (unsigned i = 0; i < MMIO_SIZE; i++) {
        ram[RAM_SOURCE + i] = (uint8_t)(i * 7 + 1);
        d->mmio[i] = (uint8_t)(i * 13 + 0x21);
    }
}

uint64_t devices_mmio_read(const struct devices *d, uint64_t offset, unsigned size)
{
    uint64_t value = 0;
    memcpy(&value, d->mmio + offset, size); /* x86-64 host: little-endian like the guest */
    return value;
}

void devices_mmio_write(struct devices *d, uint64_t offset, unsigned size, uint64_t value)
{
    memcpy(d->mmio + offset, &value, size);
}

void devices_port_out(struct devices *d, uint8_t value)
{
    d->port_log[d->port_writes++ % PORT_LOG_SIZE] = value;
}

void *page_aligned_zalloc(size_t size)
{
    size_t rounded = (size + 4095) & ~(size_t)4095;
    void *memory = aligned_alloc(4096, rounded);
    if (memory)
        memset(memory, 0, rounded);
    return memory;
}

/* ---- registers ------------------------------------------------------------------------ */

static unsigned slot_hash(WHV_REGISTER_NAME name)
{
    return ((uint32_t)name * 2654435761u) >> 24;
}

static void build_slots(struct guest *g)
{
    for (unsigned i = 0; i < SLOT_COUNT; i++)
        g->slots[i].index = -1;
    for (size_t r = 0; r < reg_table_count; r++) {
        unsigned h = slot_hash(reg_table[r].name);
        while (g->slots[h].index >= 0)
            h = (h + 1) % SLOT_COUNT;
        g->slots[h].name = reg_table[r].name;
        g->slots[h].index = (int)r;
    }
}

static int slot_of(const struct guest *g, WHV_REGISTER_NAME name)
{
    for (unsigned h = slot_hash(name);; h = (h + 1) % SLOT_COUNT) {
        if (g->slots[h].index < 0 || g->slots[h].name == name)
            return g->slots[h].index;
    }
}

WHV_REGISTER_VALUE *guest_reg(struct guest *g, WHV_REGISTER_NAME name)
{
    return &g->vcpu.regs[slot_of(g, name)];
}

bool guest_setup(struct guest *g)
{
    memset(g, 0, sizeof *g);
    g->ram = page_aligned_zalloc(RAM_SIZE);
    if (!g->ram)
        return false;
    build_slots(g);
    devices_fill(&g->devices, g->ram);
    vcpu_set_defaults(&g->vcpu, VCPU_LONG64);
    guest_reg(g, WHvX64RegisterRip)->Reg64 = CODE_ADDRESS;
    guest_reg(g, WHvX64RegisterCr4)->Reg64 |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
    guest_reg(g, WHvX64RegisterXCr0)->Reg64 = XCR0_X87_SSE_AVX;
    return true;
}

void guest_teardown(struct guest *g)
{
    free(g->ram);
    g->ram = NULL;
}

static void record_call(struct guest *g, enum callback_kind kind)
{
    if (g->record.recording)
        g->record.calls[kind]++;
}

static void record_names(struct reg_log *log, const WHV_REGISTER_NAME *names, UINT32 count)
{
    for (UINT32 i = 0; i < count && log->count < REG_LOG_MAX; i++)
        log->names[log->count++] = names[i];
}

void reg_log_text(const struct reg_log *log, char *out, unsigned size)
{
    unsigned used = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < log->count && used < size; i++) {
        int index = reg_index_of_name(log->names[i]);
        used += (unsigned)snprintf(out + used, size - used, "%s%s", i ? " " : "",
                                   index >= 0 ? reg_table[index].text : "?");
    }
    if (log->count == 0)
        snprintf(out, size, "-");
}

void callback_counts_text(const struct callback_record *record, char *out, unsigned size)
{
    static const char *const kind_names[CB_KINDS] = {
        "io", "mem", "get", "set", "translate", "ram"
    };
    unsigned used = 0;
    out[0] = '\0';
    for (unsigned k = 0; k < CB_KINDS && used < size; k++)
        if (record->calls[k])
            used += (unsigned)snprintf(out + used, size - used, "%s%s %u", used ? ", " : "",
                                       kind_names[k], record->calls[k]);
}

/* ---- the callbacks -------------------------------------------------------------------- */

static HRESULT CALLBACK guest_memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *access)
{
    struct guest *g = context;
    uint64_t gpa = access->GpaAddress, size = access->AccessSize;
    record_call(g, CB_MEMORY);
    if (size == 0 || size > 8)
        return E_INVALIDARG;
    if (gpa + size <= RAM_SIZE) {
        uint8_t *target = g->ram + gpa;
        if (access->Direction)
            memcpy(target, access->Data, size);
        else
            memcpy(access->Data, target, size);
    } else if (gpa >= MMIO_BASE && gpa + size <= MMIO_BASE + MMIO_SIZE) {
        uint64_t value = 0;
        if (access->Direction) {
            memcpy(&value, access->Data, size);
            devices_mmio_write(&g->devices, gpa - MMIO_BASE, (unsigned)size, value);
        } else {
            value = devices_mmio_read(&g->devices, gpa - MMIO_BASE, (unsigned)size);
            memcpy(access->Data, &value, size);
        }
    } else {
        return E_FAIL;
    }
    return S_OK;
}

/* The byte-wide port: OUT is logged, IN reads PORT_IN_VALUE. */
static HRESULT CALLBACK guest_io(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *access)
{
    struct guest *g = context;
    record_call(g, CB_IO);
    if (access->AccessSize != 1)
        return E_FAIL;
    if (access->Direction)
        devices_port_out(&g->devices, (uint8_t)access->Data);
    else
        access->Data = PORT_IN_VALUE;
    return S_OK;
}

VOID *CALLBACK guest_ram_page(VOID *context, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write)
{
    struct guest *g = context;
    (void)write;
    record_call(g, CB_RAM);
    return gpa_page < RAM_SIZE ? g->ram + gpa_page : NULL;
}

static HRESULT CALLBACK guest_get(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                  WHV_REGISTER_VALUE *values)
{
    struct guest *g = context;
    record_call(g, CB_GET);
    if (g->record.recording)
        record_names(&g->record.get, names, count);
    for (UINT32 i = 0; i < count; i++) {
        int index = slot_of(g, names[i]);
        if (index < 0)
            return E_INVALIDARG;
        values[i] = g->vcpu.regs[index];
    }
    return S_OK;
}

static HRESULT CALLBACK guest_set(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                  const WHV_REGISTER_VALUE *values)
{
    struct guest *g = context;
    record_call(g, CB_SET);
    if (g->record.recording)
        record_names(&g->record.set, names, count);
    for (UINT32 i = 0; i < count; i++) {
        int index = slot_of(g, names[i]);
        if (index < 0)
            return E_INVALIDARG;
        g->vcpu.regs[index] = values[i];
    }
    return S_OK;
}

static HRESULT CALLBACK guest_translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                        WHV_TRANSLATE_GVA_FLAGS flags,
                                        WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                        WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    struct guest *g = context;
    (void)flags;
    record_call(g, CB_TRANSLATE);
    *result = WHvTranslateGvaResultSuccess;
    *gpa = gva & ~(uint64_t)0xfff;
    return S_OK;
}

const WHV_EMULATOR_CALLBACKS guest_callbacks = {
    .Size = sizeof(WHV_EMULATOR_CALLBACKS),
    .WHvEmulatorIoPortCallback = guest_io,
    .WHvEmulatorMemoryCallback = guest_memory,
    .WHvEmulatorGetVirtualProcessorRegisters = guest_get,
    .WHvEmulatorSetVirtualProcessorRegisters = guest_set,
    .WHvEmulatorTranslateGvaPage = guest_translate,
};
