/* The emulator guest of the differential test: the five callbacks over flat regions. */
#include "fixture.h"

#include <string.h>

#include "hostcpu.h"
#include "native.h"
#include "segments.h"

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

void fixture_set_legacy(struct fixture *f, const uint8_t legacy[XSAVE_LEGACY_SIZE])
{
    for (unsigned slot = FIX_XMM0; slot <= FIX_XMM_CONTROL_STATUS; slot++)
        memcpy(&f->regs[slot], legacy + legacy_offset_of_slot(slot), 16);
}

void fixture_legacy(const struct fixture *f, uint8_t legacy[XSAVE_LEGACY_SIZE])
{
    for (unsigned slot = FIX_XMM0; slot <= FIX_XMM_CONTROL_STATUS; slot++)
        memcpy(legacy + legacy_offset_of_slot(slot), &f->regs[slot], 16);
}

void fixture_set_vector_state(struct fixture *f, const struct vecstate *v)
{
    uint8_t legacy[XSAVE_LEGACY_SIZE];
    vecstate_to_legacy(v, xsave_host_layout()->mxcsr_mask, legacy);
    fixture_set_legacy(f, legacy);
}

void fixture_vector_state(const struct fixture *f, const struct vecstate *before,
                          struct vecstate *after)
{
    uint8_t legacy[XSAVE_LEGACY_SIZE];

    *after = *before;
    if (f->xstate_set && fixture_xstate_read(f, after))
        return;
    vecstate_to_legacy(before, xsave_host_layout()->mxcsr_mask, legacy);
    fixture_legacy(f, legacy);
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

/* ---- the native runner's guest ---- */

#define CR4_LA57 (UINT64_C(1) << 12)
#define CR4_OSXSAVE (UINT64_C(1) << 18)

static void native_regions(struct fixture *f, uint8_t *ram, uint8_t *tables)
{
    const struct native_layout *l = native_layout();

    f->region[0] = (struct fixture_region){ (uint64_t)(uintptr_t)l->buffer, FIXTURE_GPA_BUFFER, ram,
                                            l->size, true };
    f->region[1] = (struct fixture_region){ l->code_start, FIXTURE_GPA_CODE,
                                            (uint8_t *)(uintptr_t)l->code_start,
                                            l->code_end - l->code_start, false };
    memcpy(tables, descriptor_tables(), DESCRIPTOR_TABLES_SIZE);
    f->region[2] = (struct fixture_region){ DESCRIPTOR_TABLES_BASE, FIXTURE_GPA_TABLES, tables,
                                            DESCRIPTOR_TABLES_SIZE, true };
    f->region[3] =
        (struct fixture_region){ (uint64_t)(uintptr_t)l->read_only, FIXTURE_GPA_READ_ONLY,
                                 (uint8_t *)(uintptr_t)l->read_only, NATIVE_PAGE, false };
    f->region_count = 4;
}

void fixture_native_guest(struct fixture *f, uint8_t *ram, uint8_t *tables)
{
    memset(f, 0, sizeof *f);
    native_regions(f, ram, tables);
    f->regs[WHvX64RegisterLdtr].Segment.Selector = LDT_SELECTOR;
    f->regs[WHvX64RegisterLdtr].Segment.Base = DESCRIPTOR_TABLES_BASE + LDT_OFFSET;
    f->regs[WHvX64RegisterLdtr].Segment.Limit = ldt_limit();
    f->regs[WHvX64RegisterLdtr].Segment.Attributes = 0x82; /* LDT, present */
    f->regs[WHvX64RegisterGdtr].Table.Base = DESCRIPTOR_TABLES_BASE + GDT_OFFSET;
    f->regs[WHvX64RegisterGdtr].Table.Limit = GDT_LIMIT;
    f->regs[WHvX64RegisterTr].Segment.Selector = 0x40;
    f->regs[WHvX64RegisterTr].Segment.Attributes = 0x8b;
    f->regs[WHvX64RegisterCr0].Reg64 = 0x80050033; /* PG AM WP NE ET MP PE */
    /* SMAP SMEP OSXMMEXCPT OSFXSR PGE MCE PAE PSE, and LA57 as the host runs it: it decides
     * which addresses are canonical */
    f->regs[WHvX64RegisterCr4].Reg64 =
        0x3006f0 | (host_paging_levels() == 5 ? CR4_LA57 : 0) | (host_xcr0() ? CR4_OSXSAVE : 0);
    f->regs[FIX_EFER].Reg64 = 0xd01;               /* NXE LMA LME SCE */
    f->regs[WHvX64RegisterDr6].Reg64 = 0xffff0ff0; /* the reserved bits that read as 1 */
    f->regs[WHvX64RegisterDr7].Reg64 = 0x400;
    f->regs[FIX_XCR0].Reg64 = host_xcr0();
}

void fixture_set_segment(WHV_REGISTER_VALUE *v, const struct segment *s)
{
    memset(v, 0, sizeof *v);
    v->Segment.Base = s->base;
    v->Segment.Limit = s->limit;
    v->Segment.Selector = s->selector;
    v->Segment.Attributes = s->attributes;
}

WHV_VP_EXIT_CONTEXT fixture_exit_context(const struct fixture *f, unsigned length)
{
    WHV_VP_EXIT_CONTEXT vp;

    memset(&vp, 0, sizeof vp);
    vp.ExecutionState.Cpl = 3;
    vp.ExecutionState.Cr0Pe = 1;
    vp.ExecutionState.Cr0Am = 1;
    vp.ExecutionState.EferLma = 1;
    vp.InstructionLength = (UINT8)(length & 15);
    vp.Cs = f->regs[WHvX64RegisterCs].Segment;
    vp.Rip = f->regs[WHvX64RegisterRip].Reg64;
    vp.Rflags = f->regs[WHvX64RegisterRflags].Reg64;
    return vp;
}
