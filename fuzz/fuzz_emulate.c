/* fuzz_emulate: one exit through WHvEmulatorTryMmioEmulation or WHvEmulatorTryIoEmulation,
 * with everything the guest and the hypervisor supply taken from the input (layout in
 * emulate_input.h): the exit context, the registers, what translation answers, what
 * memory and ports read, and which callback fails. Checks the API's promises:
 *  - S_OK or E_INVALIDARG only; E_INVALIDARG before any callback; bad pointers rejected;
 *  - the outcome table of docs/semantics.md: no reserved status bit, some bit set, success
 *    and InternalEmulationFailure never together; a pending interruption stops everything;
 *    a failing callback is reported by its own bit alone, and nothing is called after it;
 *    every outcome but success leaves the registers alone;
 *  - memory accesses of 1..8 bytes within one page, I/O of 1, 2 or 4 bytes;
 *  - register requests of sane size naming real registers;
 *  - the Context given is the Context passed back;
 *  - the whvemu.h extensions: vendor, REP budget and the RAM callback (pages it hands out
 *    are separate heap blocks, so an access past a page's end is an ASan report), and the
 *    extended-state callbacks (one Get per call, Set before the register Set, the area
 *    standard, compacted or hostile);
 *  - bounded work: with the default REP budget a call stays within the worst case
 *    docs/semantics.md states; with any options, after CALLBACK_BUDGET callbacks every
 *    callback fails, so an emulator that keeps going (a REP loop ignoring failures) is caught;
 *  - destroying the emulator (and creating another in its slot) from a callback: the call
 *    goes on with the callbacks it began with, the old handle is dead afterwards.
 * Structured mode (emulate_input.h) builds valid exits in every CPU mode. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "WinHvEmulation.h"
#include "whvemu.h"

#include "api/handles.h"

#include "check.h"
#include "emulate_input.h"
#include "structured.h"
#include "whvnames.h"
#include "guest_vcpu.h"

/* Enough for any one instruction with a long REP run; small enough to stay fast. */
#define CALLBACK_BUDGET (1u << 16)
/* docs/semantics.md, "Worst-case work of one call": with the default REP budget, at most 11
 * callbacks per iteration and a few hundred for everything else. */
#define DEFAULT_OPTIONS_MAX_CALLBACKS (WHVEMU_REP_BUDGET_DEFAULT * 11u + 512u)
#define PAGE_SIZE 4096u
/* Distinct pages the RAM callback hands out per call (each stays valid until the call
 * returns, as the extension requires); further pages are "not RAM". */
#define RAM_PAGES 8

/* The RAM callback cannot fail (it answers "not RAM"), so it is never the failed kind. */
enum callback_kind { CB_IO, CB_MEMORY, CB_GET, CB_SET, CB_TRANSLATE, CB_NONE, CB_RAM };

struct world {
    struct guest_vcpu vcpu;
    struct fuzz_reader stream; /* answers of the callbacks */
    unsigned callbacks;
    unsigned fail_at;
    enum callback_kind failed; /* the kind that failed, CB_NONE while none has */
    bool unaligned_gpa_returned;
    bool translation_refused;    /* answered GpaIllegalOverlayAccess, Intercept or an
                                    * all-ones GPA */
    unsigned registers_written;  /* Set calls that succeeded */
    uint64_t ram_gpa[RAM_PAGES]; /* pages handed out by the RAM callback */
    uint8_t *ram[RAM_PAGES];
    unsigned ram_count;
    WHV_EMULATOR_HANDLE emulator;
    enum fuzz_xstate xstate;   /* the extension's mode (emulate_input.h) */
    unsigned xstate_gets;      /* GetXstate calls: one per call at most */
    uint32_t xstate_written;   /* the BytesWritten it answered */
    unsigned registers_stored; /* SetXstate calls that succeeded */
    uint64_t trace; /* every callback with its arguments and answers, hashed (trace_mix) */
    bool destroy_in_callback;      /* FUZZ_FLAG_DESTROY_IN_CALLBACK */
    WHV_EMULATOR_HANDLE successor; /* created in the destroyed emulator's slot */
};

/* The world of the input being run: what every Context must be. */
static struct world *current;

/* Mix a value into a trace (64-bit FNV-1a over its bytes): runs that make the same callbacks
 * with the same arguments and answers end with the same trace. */
static void trace_mix(uint64_t *trace, uint64_t value)
{
    for (unsigned i = 0; i < 8; i++)
        *trace = (*trace ^ ((value >> (8 * i)) & 0xff)) * UINT64_C(0x100000001b3);
}

/* The callbacks of an emulator created from inside a callback: the call in flight must
 * never reach them. */
static HRESULT CALLBACK never_io(VOID *c, WHV_EMULATOR_IO_ACCESS_INFO *a)
{
    (void)c, (void)a;
    CHECK(!"the successor's I/O callback");
    return E_FAIL;
}
static HRESULT CALLBACK never_memory(VOID *c, WHV_EMULATOR_MEMORY_ACCESS_INFO *a)
{
    (void)c, (void)a;
    CHECK(!"the successor's memory callback");
    return E_FAIL;
}
static HRESULT CALLBACK never_get(VOID *c, const WHV_REGISTER_NAME *n, UINT32 k,
                                  WHV_REGISTER_VALUE *v)
{
    (void)c, (void)n, (void)k, (void)v;
    CHECK(!"the successor's Get callback");
    return E_FAIL;
}
static HRESULT CALLBACK never_set(VOID *c, const WHV_REGISTER_NAME *n, UINT32 k,
                                  const WHV_REGISTER_VALUE *v)
{
    (void)c, (void)n, (void)k, (void)v;
    CHECK(!"the successor's Set callback");
    return E_FAIL;
}
static HRESULT CALLBACK never_translate(VOID *c, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                        WHV_TRANSLATE_GVA_FLAGS f, WHV_TRANSLATE_GVA_RESULT_CODE *r,
                                        WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    (void)c, (void)gva, (void)f, (void)r, (void)gpa;
    CHECK(!"the successor's translate callback");
    return E_FAIL;
}
static const WHV_EMULATOR_CALLBACKS successor_callbacks = {
    .Size = sizeof(WHV_EMULATOR_CALLBACKS),
    .WHvEmulatorIoPortCallback = never_io,
    .WHvEmulatorMemoryCallback = never_memory,
    .WHvEmulatorGetVirtualProcessorRegisters = never_get,
    .WHvEmulatorSetVirtualProcessorRegisters = never_set,
    .WHvEmulatorTranslateGvaPage = never_translate,
};

/* FUZZ_FLAG_DESTROY_IN_CALLBACK, at the first callback. */
static void destroy_in_flight(struct world *w)
{
    CHECK(WHvEmulatorDestroyEmulator(w->emulator) == S_OK);
    CHECK(WHvEmulatorCreateEmulator(&successor_callbacks, &w->successor) == S_OK);
    w->destroy_in_callback = false;
}

/* Common entry of every callback: the Context is ours, nothing runs after a failure, and
 * this call may be the one chosen to fail (or the budget is spent). */
static bool enter(struct world *w, VOID *context, enum callback_kind kind)
{
    CHECK(context == current);
    CHECK(w->failed == CB_NONE);
    w->callbacks++;
    trace_mix(&w->trace, kind);
    if (w->destroy_in_callback)
        destroy_in_flight(w);
    if (w->callbacks == w->fail_at || w->callbacks > CALLBACK_BUDGET) {
        if (kind != CB_RAM)
            w->failed = kind;
        return true;
    }
    return false;
}

static HRESULT CALLBACK io_port(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    struct world *w = current;
    if (enter(w, context, CB_IO))
        return E_FAIL;
    CHECK(io->Direction <= 1);
    CHECK(io->AccessSize == 1 || io->AccessSize == 2 || io->AccessSize == 4);
    if (io->Direction == 0)
        io->Data = (UINT32)fuzz_take(&w->stream, 4);
    trace_mix(&w->trace, (uint64_t)io->Port << 32 | (uint64_t)io->AccessSize << 8 | io->Direction);
    trace_mix(&w->trace, io->Data);
    return S_OK;
}

static HRESULT CALLBACK memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *mem)
{
    struct world *w = current;
    if (enter(w, context, CB_MEMORY))
        return E_FAIL;
    CHECK(mem->Direction <= 1);
    CHECK(mem->AccessSize >= 1 && mem->AccessSize <= 8);
    CHECK((mem->GpaAddress & (PAGE_SIZE - 1)) + mem->AccessSize <= PAGE_SIZE);
    if (mem->Direction == 0)
        for (unsigned i = 0; i < mem->AccessSize; i++)
            mem->Data[i] = (UINT8)fuzz_take(&w->stream, 1);
    trace_mix(&w->trace, mem->GpaAddress);
    trace_mix(&w->trace, (uint64_t)mem->AccessSize << 8 | mem->Direction);
    for (unsigned i = 0; i < mem->AccessSize; i++)
        trace_mix(&w->trace, mem->Data[i]);
    return S_OK;
}

/* Checks a Get or Set request, and traces its names and values (those given or answered). */
static void check_register_request(struct world *w, const WHV_REGISTER_NAME *names, UINT32 count,
                                   const WHV_REGISTER_VALUE *values)
{
    CHECK(count >= 1 && count <= REG_TABLE_CAPACITY);
    for (UINT32 i = 0; i < count; i++) {
        CHECK(reg_index_of_name(names[i]) >= 0);
        trace_mix(&w->trace, names[i]);
        trace_mix(&w->trace, values[i].Reg128.Low64);
        trace_mix(&w->trace, values[i].Reg128.High64);
    }
}

static HRESULT CALLBACK get_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      WHV_REGISTER_VALUE *values)
{
    struct world *w = current;
    if (enter(w, context, CB_GET))
        return E_FAIL;
    CHECK(count >= 1 && count <= REG_TABLE_CAPACITY);
    for (UINT32 i = 0; i < count; i++)
        if (reg_index_of_name(names[i]) >= 0)
            values[i] = w->vcpu.regs[reg_index_of_name(names[i])];
    check_register_request(w, names, count, values);
    return S_OK;
}

static HRESULT CALLBACK set_registers(VOID *context, const WHV_REGISTER_NAME *names, UINT32 count,
                                      const WHV_REGISTER_VALUE *values)
{
    struct world *w = current;
    if (enter(w, context, CB_SET))
        return E_FAIL;
    check_register_request(w, names, count, values);
    for (UINT32 i = 0; i < count; i++)
        w->vcpu.regs[reg_index_of_name(names[i])] = values[i];
    w->registers_written++;
    return S_OK;
}

static HRESULT CALLBACK translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                  WHV_TRANSLATE_GVA_FLAGS flags,
                                  WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                  WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    struct world *w = current;
    if (enter(w, context, CB_TRANSLATE))
        return E_FAIL;
    (void)flags;
    uint64_t page = gva & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t answer = fuzz_take(&w->stream, 1);
    *result = WHvTranslateGvaResultSuccess;
    *gpa = page;
    if (answer >= WORLD_TRANSLATE_FIRST_MOVED) {
        *gpa = page ^ answer << 12;
    } else if (answer == WORLD_TRANSLATE_RAW_GPA) {
        *gpa = fuzz_take(&w->stream, 8);
        w->unaligned_gpa_returned |= (*gpa & (PAGE_SIZE - 1)) != 0;
        /* all ones is what an unwritten GPA holds: it fails closed as a refused
         * translation (docs/semantics.md) */
        w->translation_refused |= *gpa == UINT64_MAX;
    } else if (answer != WORLD_TRANSLATE_IDENTITY) {
        *result = (WHV_TRANSLATE_GVA_RESULT_CODE)answer;
        w->translation_refused |= answer == WHvTranslateGvaResultGpaIllegalOverlayAccess ||
                                  answer == WHvTranslateGvaResultIntercept;
    }
    trace_mix(&w->trace, gva);
    trace_mix(&w->trace, (uint64_t)flags << 32 | (uint32_t)*result);
    trace_mix(&w->trace, *gpa);
    return S_OK;
}

/* Separate heap pages, so that AddressSanitizer sees any access past a page's end. */
static uint8_t *ram_page_answer(struct world *w, WHV_GUEST_PHYSICAL_ADDRESS gpa_page)
{
    if ((fuzz_take(&w->stream, 1) & 1) == 0)
        return NULL;
    for (unsigned i = 0; i < w->ram_count; i++)
        if (w->ram_gpa[i] == gpa_page)
            return w->ram[i];
    if (w->ram_count == RAM_PAGES)
        return NULL;
    uint8_t *page = malloc(PAGE_SIZE);
    if (!page)
        return NULL;
    memset(page, (int)(gpa_page >> 12), PAGE_SIZE);
    w->ram_gpa[w->ram_count] = gpa_page;
    w->ram[w->ram_count++] = page;
    return page;
}

static VOID *CALLBACK ram_page(VOID *context, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write)
{
    struct world *w = current;
    uint8_t *page;

    if (enter(w, context, CB_RAM))
        return NULL;
    CHECK((gpa_page & (PAGE_SIZE - 1)) == 0);
    page = ram_page_answer(w, gpa_page);
    trace_mix(&w->trace, gpa_page | write);
    trace_mix(&w->trace, page != NULL);
    return page;
}

static const WHV_EMULATOR_CALLBACKS callbacks = {
    .Size = sizeof(WHV_EMULATOR_CALLBACKS),
    .WHvEmulatorIoPortCallback = io_port,
    .WHvEmulatorMemoryCallback = memory,
    .WHvEmulatorGetVirtualProcessorRegisters = get_registers,
    .WHvEmulatorSetVirtualProcessorRegisters = set_registers,
    .WHvEmulatorTranslateGvaPage = translate,
};

static void copy_instruction_bytes(const struct fuzz_emulate_header *h, UINT8 *bytes)
{
    for (unsigned i = 0; i < 8; i++) {
        bytes[i] = (UINT8)(h->bytes_low >> (8 * i));
        bytes[8 + i] = (UINT8)(h->bytes_high >> (8 * i));
    }
}

/* The outcome table of docs/semantics.md. */
static void check_status(const struct world *w, const WHV_VP_EXIT_CONTEXT *vp,
                         WHV_EMULATOR_STATUS status)
{
    CHECK(status.Reserved == 0);
    CHECK(status.AsUINT32 != 0);
    CHECK(!(status.EmulationSuccessful && status.InternalEmulationFailure));
    if (vp->ExecutionState.InterruptionPending) {
        CHECK(status.InterruptCausedIntercept);
        CHECK(w->callbacks == 0);
    }
    if (w->failed != CB_NONE) {
        /* That callback's bit only. */
        WHV_EMULATOR_STATUS expected = { .AsUINT32 = 0 };
        expected.IoPortCallbackFailed = w->failed == CB_IO;
        expected.MemoryCallbackFailed = w->failed == CB_MEMORY;
        expected.GetVirtualProcessorRegistersCallbackFailed = w->failed == CB_GET;
        expected.SetVirtualProcessorRegistersCallbackFailed = w->failed == CB_SET;
        expected.TranslateGvaPageCallbackFailed = w->failed == CB_TRANSLATE;
        CHECK(status.AsUINT32 == expected.AsUINT32);
    } else {
        CHECK(!status.IoPortCallbackFailed && !status.MemoryCallbackFailed);
        CHECK(!status.GetVirtualProcessorRegistersCallbackFailed);
        CHECK(!status.SetVirtualProcessorRegistersCallbackFailed);
        if (status.TranslateGvaPageCallbackFailed)
            CHECK(w->translation_refused);
    }
    if (status.TranslateGvaPageCallbackGpaIsNotAligned)
        CHECK(w->unaligned_gpa_returned);
    /* Every outcome but success leaves the registers alone (a SetXstate that succeeded
     * before a failed register Set is the one exception: docs/extended-state.md). */
    if (!status.EmulationSuccessful)
        CHECK(w->registers_written == 0 &&
              (w->registers_stored == 0 || status.SetVirtualProcessorRegistersCallbackFailed));
}

/* ---- the extended-state extension ---- */

static WHVEMU_XSTATE_LAYOUT host_layout;
static int host_layout_known; /* 0: not asked yet; 1: host_layout holds it; -1: none */

/* The components the layout has, legacy ones included (a compacted XCOMP_BV). */
static uint64_t layout_components(void)
{
    uint64_t set = 3;
    for (unsigned i = 2; i < 63; i++)
        if (host_layout.Component[i].Size)
            set |= UINT64_C(1) << i;
    return set;
}

/* Where component i is in the compacted format of every component the layout has (SDM vol.
 * 1 §13.4.3). */
static uint32_t compacted_offset(unsigned component)
{
    uint32_t end = 576;

    for (unsigned i = 2; i <= component; i++) {
        const WHVEMU_XSTATE_COMPONENT *c = &host_layout.Component[i];
        if (!c->Size)
            continue;
        end = (c->Flags & 2) ? (end + 63) & ~63u : end;
        if (i < component)
            end += c->Size;
    }
    return end;
}

/* AMX's TILECFG a valid palette-1 configuration (docs/amx.md), so that the tile loads and
 * stores get past its #UD to their rows: tile t has 16 - t rows of 64 - 4t bytes, but tmm7
 * rows of 6 bytes (its loads and stores #UD). In the standard and compacted areas; a hostile
 * VMM's keeps the pattern (not a configuration: the tiles read as unconfigured). */
static void fill_tilecfg(const struct world *w, uint8_t *area)
{
    uint8_t *cfg;

    if (!host_layout.Component[17].Size || w->xstate == FUZZ_XSTATE_HOSTILE)
        return;
    cfg = area + (w->xstate == FUZZ_XSTATE_COMPACTED ? compacted_offset(17)
                                                     : host_layout.Component[17].Offset);
    memset(cfg, 0, 64);
    cfg[0] = 1;
    for (unsigned t = 0; t < 8; t++) {
        cfg[16 + 2 * t] = (uint8_t)(t == 7 ? 6 : 64 - 4 * t);
        cfg[48 + t] = (uint8_t)(16 - t);
    }
}

/* IA32_PASID (PASID state, component 10) valid with PASID 12345h in a compacted area, so
 * that ENQCMD gets past its #GP to the store while XSTATE_BV[10] is set; a hostile VMM's
 * keeps the pattern (its valid bit as the offset makes it). The standard format has no
 * supervisor components. */
static void fill_pasid(const struct world *w, uint8_t *area)
{
    static const uint8_t valid_pasid[8] = { 0x45, 0x23, 0x01, 0x80 };

    if (host_layout.Component[10].Size && w->xstate == FUZZ_XSTATE_COMPACTED)
        memcpy(area + compacted_offset(10), valid_pasid, sizeof valid_pasid);
}

/* Fill the area as a VMM would: the legacy rows from the vCPU's SDK names, the header from
 * the stream (compacted: every component the layout has), the extended region a pattern of
 * its offsets (not zeros: a component read from the wrong place, or read while in its init
 * state, shows) but a tile configuration and IA32_PASID, the rest zero. */
static uint32_t fill_area(struct world *w, uint8_t *area, UINT32 size)
{
    uint64_t bv = fuzz_take(&w->stream, 8), xcomp = 0;
    uint32_t written = size;

    memset(area, 0, size);
    for (uint32_t i = 576; i < size; i++)
        area[i] = (uint8_t)(i * 0x9d + (i >> 8) + 1);
    for (unsigned row = 0; row < 26; row++)
        memcpy(area + 16 * row,
               &w->vcpu.regs[reg_index_of_name(row < 2    ? WHvX64RegisterFpControlStatus + row
                                               : row < 10 ? WHvX64RegisterFpMmx0 + row - 2
                                                          : WHvX64RegisterXmm0 + row - 10)],
               16);
    fill_tilecfg(w, area);
    fill_pasid(w, area);
    if (w->xstate == FUZZ_XSTATE_COMPACTED)
        xcomp = UINT64_C(1) << 63 | layout_components();
    if (w->xstate == FUZZ_XSTATE_HOSTILE) {
        xcomp = fuzz_take(&w->stream, 8);
        written = (uint32_t)fuzz_take(&w->stream, 2);
    }
    memcpy(area + 512, &bv, 8);
    memcpy(area + 520, &xcomp, 8);
    trace_mix(&w->trace, bv);
    trace_mix(&w->trace, xcomp);
    return written;
}

static HRESULT CALLBACK get_xstate(VOID *context, VOID *buffer, UINT32 size, UINT32 *written)
{
    struct world *w = current;
    if (enter(w, context, CB_GET))
        return E_FAIL;
    CHECK(w->xstate_gets++ == 0);
    CHECK(buffer != NULL && size == host_layout.AreaSize);
    *written = w->xstate_written = fill_area(w, buffer, size);
    return S_OK;
}

static HRESULT CALLBACK set_xstate(VOID *context, const VOID *buffer, UINT32 size, UINT64 modified)
{
    struct world *w = current;
    if (enter(w, context, CB_SET))
        return E_FAIL;
    CHECK(w->xstate_gets == 1 && buffer != NULL);
    CHECK(size == w->xstate_written && size <= host_layout.AreaSize && modified != 0);
    CHECK(w->registers_written == 0); /* before the register Set */
    trace_mix(&w->trace, modified);
    w->registers_stored++;
    return S_OK;
}

/* AMX's TILECFG and TILEDATA after the host's components where its layout lacks them (no
 * host here has AMX), in Intel's order and alignment, so that the tile instructions reach
 * the area (docs/amx.md). */
static void add_amx_components(WHVEMU_XSTATE_LAYOUT *l)
{
    uint32_t end = (l->AreaSize + 63) & ~63u;

    if (l->Component[18].Size)
        return;
    l->Component[17] = (WHVEMU_XSTATE_COMPONENT){ 64, end, 0 };
    l->Component[18] = (WHVEMU_XSTATE_COMPONENT){ 8192, end + 64, 2 };
    l->AreaSize = end + 64 + 8192;
}

/* PASID state (component 10: IA32_PASID, supervisor, 8 bytes) where the host's layout lacks
 * it (no host here has ENQCMD), so that ENQCMD reaches a compacted area. AreaSize grows by 64:
 * its 8 bytes, and a 64-byte aligned component after it that they may push on by a line. */
static void add_pasid_component(WHVEMU_XSTATE_LAYOUT *l)
{
    if (l->Component[10].Size)
        return;
    l->Component[10] = (WHVEMU_XSTATE_COMPONENT){ 8, 0, 1 };
    l->AreaSize += 64;
}

/* The extension as the input says, where the host has a layout. */
static void install_xstate(WHV_EMULATOR_HANDLE emulator, struct world *w)
{
    WHVEMU_XSTATE_CALLBACKS xs = { sizeof xs, 0, get_xstate, set_xstate, &host_layout };

    if (!host_layout_known) {
        host_layout_known = whvemu_host_xstate_layout(&host_layout) == S_OK ? 1 : -1;
        add_pasid_component(&host_layout);
        add_amx_components(&host_layout);
    }
    if (w->xstate == FUZZ_XSTATE_NONE || host_layout_known != 1)
        return;
    CHECK(whvemu_set_xstate_callbacks(emulator, &xs) == S_OK);
}

/* The default vendor (the host: its stubs run the integer operations) or a C profile. */
static void select_vendor(WHV_EMULATOR_HANDLE emulator, const struct fuzz_emulate_header *h)
{
    uint64_t vendor = ~UINT64_C(0);

    if (h->flags & FUZZ_FLAG_VENDOR_DEFAULT) {
        CHECK(whvemu_get_option(emulator, WHVEMU_OPTION_VENDOR, &vendor) == S_OK);
        CHECK(vendor == WHVEMU_VENDOR_HOST);
        return;
    }
    vendor = h->options & FUZZ_OPTION_VENDOR_AMD ? WHVEMU_VENDOR_AMD : WHVEMU_VENDOR_INTEL;
    CHECK(whvemu_set_option(emulator, WHVEMU_OPTION_VENDOR, vendor) == S_OK);
}

/* The vCPU of the input: a mode's defaults and raw register values, or a structured one. */
static void build_vcpu(struct world *w, const struct fuzz_emulate_header *h)
{
    bool structured = h->flags & FUZZ_FLAG_STRUCTURED;

    if (structured)
        structured_vcpu(&w->vcpu, h->exec_state_xor, h->port);
    else
        vcpu_set_defaults(
            &w->vcpu, (enum vcpu_mode)((h->flags & FUZZ_FLAG_MODE_MASK) >> FUZZ_FLAG_MODE_SHIFT));
    for (uint64_t i = 0; i < h->reg_count; i++) {
        uint64_t index = fuzz_take(&w->stream, 1);
        uint64_t low = fuzz_take(&w->stream, 8), high = fuzz_take(&w->stream, 8);
        if (structured) {
            structured_override(&w->vcpu, index, low, high);
        } else {
            WHV_REGISTER_VALUE *v = &w->vcpu.regs[index % reg_table_count];
            v->Reg128.Low64 = low;
            v->Reg128.High64 = high;
        }
    }
}

static void build_exit(const struct world *w, const struct fuzz_emulate_header *h,
                       WHV_VP_EXIT_CONTEXT *vp)
{
    if (h->flags & FUZZ_FLAG_STRUCTURED) {
        structured_exit(&w->vcpu, h->exec_state_xor, vp);
        return;
    }
    vcpu_exit_context(&w->vcpu, h->length_cr8 & 0xf, vp);
    vp->Cr8 = (UINT8)(h->length_cr8 >> 4);
    vp->ExecutionState.AsUINT16 ^= (UINT16)h->exec_state_xor;
}

/* The emulator with the input's whvemu.h options. */
static WHV_EMULATOR_HANDLE create_emulator(const struct fuzz_emulate_header *h, struct world *w)
{
    WHV_EMULATOR_HANDLE emulator = NULL;
    uint64_t budget = h->options >> FUZZ_OPTION_REP_BUDGET_SHIFT;

    CHECK(WHvEmulatorCreateEmulator(&callbacks, &emulator) == S_OK);
    CHECK(emulator != NULL);
    select_vendor(emulator, h);
    if (budget)
        CHECK(whvemu_set_option(emulator, WHVEMU_OPTION_REP_BUDGET,
                                budget == FUZZ_REP_TO_COMPLETION ? WHVEMU_REP_TO_COMPLETION
                                                                 : budget) == S_OK);
    if (h->options & FUZZ_OPTION_RAM_CALLBACK)
        CHECK(whvemu_set_ram_callback(emulator, ram_page) == S_OK);
    install_xstate(emulator, w);
    return emulator;
}

static HRESULT try_io(struct world *w, const struct fuzz_emulate_header *h,
                      const WHV_VP_EXIT_CONTEXT *vp, enum fuzz_bad_argument bad,
                      WHV_EMULATOR_STATUS *status)
{
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;

    memset(&io, 0, sizeof io);
    if (h->flags & FUZZ_FLAG_STRUCTURED) {
        structured_io(h->exec_state_xor, h->bytes_low, (uint16_t)h->port, h->byte_count, &io);
    } else {
        io.InstructionByteCount = (UINT8)h->byte_count;
        copy_instruction_bytes(h, io.InstructionBytes);
        io.AccessInfo.AsUINT32 = (UINT32)h->access_info;
        io.PortNumber = (UINT16)h->port;
    }
    io.Rax = vcpu_reg(&w->vcpu, WHvX64RegisterRax)->Reg64;
    io.Rcx = vcpu_reg(&w->vcpu, WHvX64RegisterRcx)->Reg64;
    io.Rsi = vcpu_reg(&w->vcpu, WHvX64RegisterRsi)->Reg64;
    io.Rdi = vcpu_reg(&w->vcpu, WHvX64RegisterRdi)->Reg64;
    io.Ds = vcpu_reg(&w->vcpu, WHvX64RegisterDs)->Segment;
    io.Es = vcpu_reg(&w->vcpu, WHvX64RegisterEs)->Segment;
    return WHvEmulatorTryIoEmulation(w->emulator, w, bad == FUZZ_NULL_VP_CONTEXT ? NULL : vp,
                                     bad == FUZZ_NULL_ACCESS_CONTEXT ? NULL : &io,
                                     bad == FUZZ_NULL_STATUS ? NULL : status);
}

static HRESULT try_mmio(struct world *w, const struct fuzz_emulate_header *h,
                        const WHV_VP_EXIT_CONTEXT *vp, enum fuzz_bad_argument bad,
                        WHV_EMULATOR_STATUS *status)
{
    WHV_MEMORY_ACCESS_CONTEXT mmio;
    bool structured = h->flags & FUZZ_FLAG_STRUCTURED;

    memset(&mmio, 0, sizeof mmio);
    mmio.InstructionByteCount = (UINT8)(structured ? h->byte_count % 17 : h->byte_count);
    copy_instruction_bytes(h, mmio.InstructionBytes);
    mmio.AccessInfo.AsUINT32 =
        structured ? structured_mmio_access(h->access_info) : (UINT32)h->access_info;
    mmio.Gpa = h->gpa;
    mmio.Gva = h->gva;
    return WHvEmulatorTryMmioEmulation(w->emulator, w, bad == FUZZ_NULL_VP_CONTEXT ? NULL : vp,
                                       bad == FUZZ_NULL_ACCESS_CONTEXT ? NULL : &mmio,
                                       bad == FUZZ_NULL_STATUS ? NULL : status);
}

/* A world for the input: its header read, its vCPU and exit built, no emulator yet. */
static void world_start(struct world *w, const uint8_t *data, size_t size,
                        struct fuzz_emulate_header *h, WHV_VP_EXIT_CONTEXT *vp)
{
    memset(w, 0, sizeof *w);
    w->stream.data = data;
    w->stream.size = size;
    fuzz_read_header(&w->stream, h);
    build_vcpu(w, h);
    build_exit(w, h, vp);
    w->fail_at = (unsigned)h->fail_at;
    w->failed = CB_NONE;
    w->xstate = (enum fuzz_xstate)(h->xstate % 4);
}

/* The exit on w->emulator; the guest it leaves (registers, RAM pages) goes into the trace. */
static HRESULT world_run(struct world *w, const struct fuzz_emulate_header *h,
                         const WHV_VP_EXIT_CONTEXT *vp, enum fuzz_bad_argument bad,
                         WHV_EMULATOR_STATUS *status)
{
    HRESULT hr;

    current = w;
    hr = h->flags & FUZZ_FLAG_IO ? try_io(w, h, vp, bad, status) : try_mmio(w, h, vp, bad, status);
    current = NULL;
    for (size_t i = 0; i < reg_table_count; i++) {
        trace_mix(&w->trace, w->vcpu.regs[i].Reg128.Low64);
        trace_mix(&w->trace, w->vcpu.regs[i].Reg128.High64);
    }
    for (unsigned i = 0; i < w->ram_count; i++) {
        for (unsigned k = 0; k < PAGE_SIZE; k += 8) {
            uint64_t bytes;
            memcpy(&bytes, w->ram[i] + k, 8);
            trace_mix(&w->trace, bytes);
        }
    }
    return hr;
}

static void free_ram(struct world *w)
{
    for (unsigned i = 0; i < w->ram_count; i++)
        free(w->ram[i]);
}

/* Destroy what the input created: the emulator, or the one created in its slot from a
 * callback, whose destroyed predecessor must stay dead. */
static void destroy_emulators(struct world *w)
{
    if (w->successor) {
        CHECK(WHvEmulatorDestroyEmulator(w->emulator) == E_INVALIDARG);
        CHECK(WHvEmulatorDestroyEmulator(w->successor) == S_OK);
    } else {
        CHECK(WHvEmulatorDestroyEmulator(w->emulator) == S_OK);
    }
    free_ram(w);
}

/* Run the input again on `emulator` (NULL: a new one with the decode cache and the fast
 * paths off) and check that it makes the same callbacks with the same arguments and answers,
 * leaves the same guest and reports the same status as the first run. */
static void run_again(const uint8_t *data, size_t size, const struct world *first,
                      WHV_EMULATOR_STATUS first_status, WHV_EMULATOR_HANDLE emulator)
{
    struct world w;
    struct fuzz_emulate_header h;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_EMULATOR_STATUS status = { .AsUINT32 = 0 };

    world_start(&w, data, size, &h, &vp);
    w.emulator = emulator ? emulator : create_emulator(&h, &w);
    if (!emulator)
        handle_lookup(w.emulator)->fast_paths = false;
    CHECK(world_run(&w, &h, &vp, FUZZ_ARGS_VALID, &status) == S_OK);
    CHECK(status.AsUINT32 == first_status.AsUINT32);
    CHECK(w.callbacks == first->callbacks);
    CHECK(w.trace == first->trace);
    if (!emulator)
        CHECK(WHvEmulatorDestroyEmulator(w.emulator) == S_OK);
    free_ram(&w);
}

/* When the first run's emulator was destroyed from a callback: the exit again on an emulator
 * whose decode cache already holds the instruction (so that its plan, exec/plan.h, may run
 * the call), destroyed the same way. It must make the first run's callbacks with its answers,
 * leave the same guest and status, and never reach the successor's callbacks. */
static void run_warm_destroyed(const uint8_t *data, size_t size, const struct world *first,
                               WHV_EMULATOR_STATUS first_status)
{
    struct world w;
    struct fuzz_emulate_header h;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_EMULATOR_STATUS status = { .AsUINT32 = 0 };
    WHV_EMULATOR_HANDLE emulator;

    world_start(&w, data, size, &h, &vp);
    emulator = w.emulator = create_emulator(&h, &w);
    CHECK(world_run(&w, &h, &vp, FUZZ_ARGS_VALID, &status) == S_OK); /* the cache filled */
    free_ram(&w);
    world_start(&w, data, size, &h, &vp);
    w.emulator = emulator;
    w.destroy_in_callback = true;
    status.AsUINT32 = 0;
    CHECK(world_run(&w, &h, &vp, FUZZ_ARGS_VALID, &status) == S_OK);
    CHECK(status.AsUINT32 == first_status.AsUINT32);
    CHECK(w.callbacks == first->callbacks);
    CHECK(w.trace == first->trace);
    destroy_emulators(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input's exit with every check of the API's promises. Then, every fast path against
 * the general path: the exit again on an emulator without them, and again on the same
 * emulator, now with the instruction in its decode cache (or, if a callback destroyed it, on
 * a warm one destroyed the same way); all three must agree. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct world w;
    struct fuzz_emulate_header h;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_EMULATOR_STATUS status = { .AsUINT32 = 0 };
    enum fuzz_bad_argument bad;
    HRESULT hr;

    world_start(&w, data, size, &h, &vp);
    w.emulator = create_emulator(&h, &w);
    w.destroy_in_callback = (h.flags & FUZZ_FLAG_DESTROY_IN_CALLBACK) != 0;
    bad = (enum fuzz_bad_argument)((h.flags & FUZZ_FLAG_BAD_ARG_MASK) >> FUZZ_FLAG_BAD_ARG_SHIFT);
    hr = world_run(&w, &h, &vp, bad, &status);

    CHECK(hr == S_OK || hr == E_INVALIDARG);
    if (bad != FUZZ_ARGS_VALID)
        CHECK(hr == E_INVALIDARG);
    if (hr == E_INVALIDARG)
        CHECK(w.callbacks == 0);
    else
        check_status(&w, &vp, status);
    if ((h.options >> FUZZ_OPTION_REP_BUDGET_SHIFT) == 0)
        CHECK(w.callbacks <= DEFAULT_OPTIONS_MAX_CALLBACKS);
    if (hr == S_OK) {
        run_again(data, size, &w, status, NULL);
        if (!w.successor)
            run_again(data, size, &w, status, w.emulator);
        else
            run_warm_destroyed(data, size, &w, status);
    }
    destroy_emulators(&w);
    return 0;
}
