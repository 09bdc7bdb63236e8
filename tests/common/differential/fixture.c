/* The emulator guest of the differential test: the five callbacks over flat regions. */
#include "fixture.h"

#include <string.h>

#define PAGE_MASK (~(uint64_t)4095)

WHV_REGISTER_VALUE *fixture_reg(struct fixture *f, WHV_REGISTER_NAME name)
{
    if ((uint32_t)name <= (uint32_t)WHvX64RegisterDr7)
        return &f->regs[name];
    if (name == WHvX64RegisterEfer)
        return &f->regs[FIX_EFER];
    if (name == WHvRegisterPendingInterruption)
        return &f->regs[FIX_PENDING];
    if (name == WHvRegisterInterruptState)
        return &f->regs[FIX_INTERRUPT_STATE];
    return NULL;
}

void fixture_begin(struct fixture *f)
{
    f->bad_register = false;
    f->bad_memory = NULL;
}

/* The region holding [gpa, gpa + size), or NULL. */
static struct fixture_region *region_of(struct fixture *f, uint64_t gpa, uint64_t size)
{
    for (unsigned i = 0; i < f->region_count; i++) {
        struct fixture_region *r = &f->region[i];
        if (gpa >= r->gpa && gpa - r->gpa <= r->size && size <= r->size - (gpa - r->gpa))
            return r;
    }
    return NULL;
}

static HRESULT CALLBACK no_io(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    (void)context;
    (void)io;
    return E_FAIL; /* the differential test runs no port I/O */
}

static HRESULT CALLBACK memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *access)
{
    struct fixture *f = context;
    uint64_t gpa = access->GpaAddress;
    unsigned size = access->AccessSize;
    struct fixture_region *r = size >= 1 && size <= 8 ? region_of(f, gpa, size) : NULL;

    f->bad_memory_gpa = gpa;
    if (size < 1 || size > 8)
        f->bad_memory = "an access size other than 1 to 8";
    else if ((gpa & 4095) + size > 4096) /* the API: a page-crossing access is two calls */
        f->bad_memory = "an access across a page boundary";
    else if (!r)
        f->bad_memory = "a GPA outside the guest's memory";
    else if (access->Direction && !r->writable)
        f->bad_memory = "a write to read-only memory";
    if (f->bad_memory)
        return E_FAIL;
    if (access->Direction)
        memcpy(r->data + (gpa - r->gpa), access->Data, size);
    else
        memcpy(access->Data, r->data + (gpa - r->gpa), size);
    return S_OK;
}

static HRESULT CALLBACK get_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      WHV_REGISTER_VALUE *values)
{
    struct fixture *f = context;
    for (UINT32 i = 0; i < count; i++) {
        const WHV_REGISTER_VALUE *v = fixture_reg(f, names[i]);
        if (!v) {
            f->bad_register = true;
            f->bad_register_name = names[i];
            return E_INVALIDARG;
        }
        values[i] = *v;
    }
    return S_OK;
}

static HRESULT CALLBACK set_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      const WHV_REGISTER_VALUE *values)
{
    struct fixture *f = context;
    for (UINT32 i = 0; i < count; i++) {
        if (!fixture_reg(f, names[i])) {
            f->bad_register = true;
            f->bad_register_name = names[i];
            return E_INVALIDARG;
        }
    }
    for (UINT32 i = 0; i < count; i++)
        *fixture_reg(f, names[i]) = values[i];
    return S_OK;
}

/* The regions' pages to their GPAs, not present elsewhere. */
static HRESULT CALLBACK translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                  WHV_TRANSLATE_GVA_FLAGS flags,
                                  WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                  WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    struct fixture *f = context;
    uint64_t page = gva & PAGE_MASK;
    for (unsigned i = 0; i < f->region_count; i++) {
        const struct fixture_region *r = &f->region[i];
        if (page >= r->gva && page - r->gva < r->size) {
            /* a read-only page is what the guest's page tables say it is */
            bool denied = !r->writable && (flags & WHvTranslateGvaFlagValidateWrite);
            *result = denied ? WHvTranslateGvaResultPrivilegeViolation
                             : WHvTranslateGvaResultSuccess;
            *gpa = r->gpa + (page - r->gva);
            return S_OK;
        }
    }
    *result = WHvTranslateGvaResultPageNotPresent;
    *gpa = 0;
    return S_OK;
}

const WHV_EMULATOR_CALLBACKS fixture_callbacks = {
    .Size = sizeof(WHV_EMULATOR_CALLBACKS),
    .Reserved = 0,
    .WHvEmulatorIoPortCallback = no_io,
    .WHvEmulatorMemoryCallback = memory,
    .WHvEmulatorGetVirtualProcessorRegisters = get_registers,
    .WHvEmulatorSetVirtualProcessorRegisters = set_registers,
    .WHvEmulatorTranslateGvaPage = translate,
};
