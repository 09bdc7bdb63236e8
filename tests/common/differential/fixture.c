/* The emulator guest of the differential test: the five callbacks over flat regions. */
#include "fixture.h"

#include <string.h>

#define PAGE_MASK (~(uint64_t)4095)

/* The slot of a vector register name, or -1. */
static int vector_slot(WHV_REGISTER_NAME name)
{
    uint32_t n = (uint32_t)name;
    if (n >= WHvX64RegisterXmm0 && n <= WHvX64RegisterXmm15)
        return FIX_XMM0 + (int)(n - WHvX64RegisterXmm0);
    if (n >= WHvX64RegisterFpMmx0 && n <= WHvX64RegisterFpMmx7)
        return FIX_FP_MMX0 + (int)(n - WHvX64RegisterFpMmx0);
    if (name == WHvX64RegisterFpControlStatus)
        return FIX_FP_CONTROL_STATUS;
    if (name == WHvX64RegisterXmmControlStatus)
        return FIX_XMM_CONTROL_STATUS;
    return -1;
}

WHV_REGISTER_VALUE *fixture_reg(struct fixture *f, WHV_REGISTER_NAME name)
{
    int slot = vector_slot(name);
    if ((uint32_t)name <= (uint32_t)WHvX64RegisterDr7)
        return &f->regs[name];
    if (slot >= 0)
        return &f->regs[slot];
    switch (name) {
    case WHvX64RegisterEfer: return &f->regs[FIX_EFER];
    case WHvX64RegisterXCr0: return &f->regs[FIX_XCR0];
    case WHvRegisterPendingInterruption: return &f->regs[FIX_PENDING];
    case WHvRegisterInterruptState: return &f->regs[FIX_INTERRUPT_STATE];
    default: return NULL;
    }
}

/* The legacy region's 16-byte pieces the SDK names carry, in slot order: FpControlStatus
 * and XmmControlStatus (bytes 0-31) apart, FpMmx j at 32 + 16j, Xmm i at 160 + 16i. */
static unsigned legacy_offset_of_slot(unsigned slot)
{
    if (slot >= FIX_XMM0 && slot < FIX_XMM0 + 16)
        return 160 + 16 * (slot - FIX_XMM0);
    if (slot >= FIX_FP_MMX0 && slot < FIX_FP_MMX0 + 8)
        return 32 + 16 * (slot - FIX_FP_MMX0);
    return slot == FIX_FP_CONTROL_STATUS ? 0 : 16;
}

void fixture_set_vector_state(struct fixture *f, const struct vecstate *v)
{
    uint8_t legacy[XSAVE_LEGACY_SIZE];
    vecstate_to_legacy(v, xsave_host_layout()->mxcsr_mask, legacy);
    for (unsigned slot = FIX_XMM0; slot <= FIX_XMM_CONTROL_STATUS; slot++)
        memcpy(&f->regs[slot], legacy + legacy_offset_of_slot(slot), 16);
}

void fixture_vector_state(const struct fixture *f, const struct vecstate *before,
                          struct vecstate *after)
{
    uint8_t legacy[XSAVE_LEGACY_SIZE];

    *after = *before;
    if (f->xstate_set && fixture_xstate_read(f, after))
        return;
    vecstate_to_legacy(before, xsave_host_layout()->mxcsr_mask, legacy);
    for (unsigned slot = FIX_XMM0; slot <= FIX_XMM_CONTROL_STATUS; slot++)
        memcpy(legacy + legacy_offset_of_slot(slot), &f->regs[slot], 16);
    vecstate_from_legacy(after, legacy);
}

void fixture_begin(struct fixture *f)
{
    f->bad_register = false;
    f->bad_memory = NULL;
    f->vector_names_set = false;
    f->xstate_set = false;
    f->xstate_modified = 0;
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
    for (UINT32 i = 0; i < count; i++) {
        *fixture_reg(f, names[i]) = values[i];
        f->vector_names_set |= vector_slot(names[i]) >= 0;
    }
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
            *result =
                denied ? WHvTranslateGvaResultPrivilegeViolation : WHvTranslateGvaResultSuccess;
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
