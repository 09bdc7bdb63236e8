/* The in-memory guest of the CLI and the tests: storage, the five callbacks, their count and
 * trace, and the exits run against it. */
#include "guest.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MASK (~(uint64_t)(GUEST_PAGE_SIZE - 1))

void guest_init(struct guest *g)
{
    memset(g, 0, sizeof *g);
    g->unclaimed_port_value = 0xffffffffu;
}

void guest_free(struct guest *g)
{
    guest_xstate_free(g);
    for (size_t i = 0; i < g->page_count; i++)
        free(g->pages[i]);
    free(g->pages);
    g->pages = NULL;
    g->page_count = 0;
}

/* Pages are kept sorted by GPA so that the change list comes out in address order. */
static size_t page_slot(const struct guest *g, uint64_t page)
{
    size_t lo = 0, hi = g->page_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->pages[mid]->gpa < page)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const struct guest_page *find_page(const struct guest *g, uint64_t gpa)
{
    size_t slot = page_slot(g, gpa & PAGE_MASK);
    if (slot < g->page_count && g->pages[slot]->gpa == (gpa & PAGE_MASK))
        return g->pages[slot];
    return NULL;
}

static struct guest_page *get_or_add_page(struct guest *g, uint64_t gpa)
{
    uint64_t page = gpa & PAGE_MASK;
    size_t slot = page_slot(g, page);
    if (slot < g->page_count && g->pages[slot]->gpa == page)
        return g->pages[slot];

    struct guest_page **grown = realloc(g->pages, (g->page_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    g->pages = grown;
    struct guest_page *fresh = calloc(1, sizeof *fresh);
    if (!fresh)
        return NULL;
    fresh->gpa = page;
    memmove(&g->pages[slot + 1], &g->pages[slot], (g->page_count - slot) * sizeof *g->pages);
    g->pages[slot] = fresh;
    g->page_count++;
    return fresh;
}

bool guest_write(struct guest *g, uint64_t gpa, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        struct guest_page *page = get_or_add_page(g, gpa + i);
        if (!page)
            return false;
        page->now[(gpa + i) & (GUEST_PAGE_SIZE - 1)] = data[i];
    }
    return true;
}

void guest_read(const struct guest *g, uint64_t gpa, uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        const struct guest_page *page = find_page(g, gpa + i);
        data[i] = page ? page->now[(gpa + i) & (GUEST_PAGE_SIZE - 1)] : 0;
    }
}

WHV_TRANSLATE_GVA_RESULT_CODE guest_translate(const struct guest *g, uint64_t gva, uint64_t *gpa)
{
    for (size_t i = 0; i < g->mapping_count; i++) {
        if (g->mappings[i].gva_page == (gva & PAGE_MASK)) {
            *gpa = g->mappings[i].gpa;
            return g->mappings[i].result;
        }
    }
    *gpa = gva & PAGE_MASK;
    return WHvTranslateGvaResultSuccess;
}

void guest_begin(struct guest *g)
{
    g->vcpu_before = g->vcpu;
    for (size_t i = 0; i < g->page_count; i++)
        memcpy(g->pages[i]->before, g->pages[i]->now, GUEST_PAGE_SIZE);
    memset(g->calls, 0, sizeof g->calls);
    g->callback_count = 0;
    g->ram_page_calls = 0;
    g->refused = 0;
    g->set_name_count = 0;
    g->log_count = 0;
    guest_xstate_begin(g);
}

void guest_print_reg_value(FILE *out, int index, const WHV_REGISTER_VALUE *value)
{
    const struct reg_info *info = &reg_table[index];
    switch (info->kind) {
    case REG_KIND_64:
        if (info->name == WHvRegisterPendingInterruption &&
            value->PendingInterruption.InterruptionPending) {
            const WHV_X64_PENDING_INTERRUPTION_REGISTER *p = &value->PendingInterruption;
            fprintf(out, "{vector=%u type=%u", (unsigned)p->InterruptionVector,
                    (unsigned)p->InterruptionType);
            if (p->DeliverErrorCode)
                fprintf(out, " error=0x%" PRIx32, (uint32_t)p->ErrorCode);
            fprintf(out, "}");
        } else {
            fprintf(out, "0x%" PRIx64, (uint64_t)value->Reg64);
        }
        break;
    case REG_KIND_128:
        fprintf(out, "0x%016" PRIx64 "%016" PRIx64, (uint64_t)value->Reg128.High64,
                (uint64_t)value->Reg128.Low64);
        break;
    case REG_KIND_SEGMENT:
        fprintf(out,
                "{sel=0x%" PRIx16 " base=0x%" PRIx64 " limit=0x%" PRIx32 " attr=0x%04" PRIx16 "}",
                (uint16_t)value->Segment.Selector, (uint64_t)value->Segment.Base,
                (uint32_t)value->Segment.Limit, (uint16_t)value->Segment.Attributes);
        break;
    case REG_KIND_TABLE:
        fprintf(out, "{base=0x%" PRIx64 " limit=0x%" PRIx16 "}", (uint64_t)value->Table.Base,
                (uint16_t)value->Table.Limit);
        break;
    }
}

static void print_bytes(FILE *out, const uint8_t *bytes, size_t size)
{
    for (size_t i = 0; i < size; i++)
        fprintf(out, "%s%02x", i ? " " : "", bytes[i]);
}

/* Bytes per line when listing changed memory. */
#define CHANGE_LINE_BYTES 16

static void print_memory_changes(const struct guest *g, FILE *out)
{
    bool any = false;
    for (size_t p = 0; p < g->page_count; p++) {
        const struct guest_page *page = g->pages[p];
        size_t i = 0;
        while (i < GUEST_PAGE_SIZE) {
            if (page->now[i] == page->before[i]) {
                i++;
                continue;
            }
            size_t end = i;
            while (end < GUEST_PAGE_SIZE && end - i < CHANGE_LINE_BYTES &&
                   page->now[end] != page->before[end])
                end++;
            fprintf(out, "  mem 0x%" PRIx64 ": ", page->gpa + i);
            print_bytes(out, &page->before[i], end - i);
            fprintf(out, " -> ");
            print_bytes(out, &page->now[i], end - i);
            fprintf(out, "\n");
            any = true;
            i = end;
        }
    }
    if (!any)
        fprintf(out, "  memory unchanged\n");
}

void guest_print_changes(const struct guest *g, FILE *out)
{
    bool any = false;
    for (size_t i = 0; i < reg_table_count; i++) {
        const WHV_REGISTER_VALUE *before = &g->vcpu_before.regs[i], *now = &g->vcpu.regs[i];
        if (memcmp(before, now, sizeof *now) == 0)
            continue;
        fprintf(out, "  %s: ", reg_table[i].text);
        guest_print_reg_value(out, (int)i, before);
        fprintf(out, " -> ");
        guest_print_reg_value(out, (int)i, now);
        fprintf(out, "\n");
        any = true;
    }
    if (guest_xstate_print_changes(g, out))
        any = true;
    if (!any)
        fprintf(out, "  registers unchanged\n");
    print_memory_changes(g, out);
}

/* Counts the call, starts its trace line, and says whether it is the one to fail. */
bool guest_count_call(struct guest *g, enum guest_callback kind, const char *what)
{
    g->callback_count++;
    g->calls[kind]++;
    if (g->trace)
        fprintf(g->trace, "  #%u %s", g->callback_count, what);
    return g->fail_at[kind] != 0 && g->calls[kind] == g->fail_at[kind];
}

static void trace(const struct guest *g, const char *text)
{
    if (g->trace)
        fputs(text, g->trace);
}

static HRESULT injected_failure(const struct guest *g)
{
    trace(g, " -> FAILED (injected)\n");
    return E_FAIL;
}

/* A request the emulator should never make; counted, reported loudly and refused. */
static HRESULT refuse(struct guest *g, const char *why)
{
    g->refused++;
    if (g->trace)
        fprintf(g->trace, " -> REFUSED: %s\n", why);
    return E_INVALIDARG;
}

static void log_access(struct guest *g, bool io, uint8_t write, uint8_t size, uint64_t address,
                       uint64_t data)
{
    if (g->log && g->log_count < g->log_capacity)
        g->log[g->log_count++] = (struct guest_access){ io, write, size, address, data };
}

static HRESULT serve_io(struct guest *g, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    bool fail = guest_count_call(g, GUEST_CB_IO, "io");
    if (g->trace)
        fprintf(g->trace, " %s port=0x%" PRIx16 " size=%u", io->Direction ? "out" : "in",
                (uint16_t)io->Port, (unsigned)io->AccessSize);
    if (io->Direction > 1)
        return refuse(g, "direction is neither 0 (in) nor 1 (out)");
    if (io->AccessSize != 1 && io->AccessSize != 2 && io->AccessSize != 4)
        return refuse(g, "access size is not 1, 2 or 4");
    uint32_t mask = io->AccessSize == 4 ? 0xffffffffu : (1u << (8 * io->AccessSize)) - 1;
    if (io->Direction && g->trace)
        fprintf(g->trace, " data=0x%" PRIx32, (uint32_t)io->Data & mask);
    if (fail)
        return injected_failure(g);
    if (!io->Direction) {
        io->Data = g->unclaimed_port_value & mask;
        for (size_t i = 0; i < g->port_count; i++)
            if (g->ports[i].port == io->Port)
                io->Data = g->ports[i].value & mask;
        if (g->trace)
            fprintf(g->trace, " -> data=0x%" PRIx32, (uint32_t)io->Data);
    }
    trace(g, "\n");
    return S_OK;
}

static HRESULT CALLBACK io_port_callback(VOID *context, WHV_EMULATOR_IO_ACCESS_INFO *io)
{
    HRESULT hr = serve_io(context, io);
    log_access(context, true, (uint8_t)io->Direction, (uint8_t)io->AccessSize, io->Port, io->Data);
    return hr;
}

static HRESULT serve_memory(struct guest *g, WHV_EMULATOR_MEMORY_ACCESS_INFO *mem)
{
    bool fail = guest_count_call(g, GUEST_CB_MEMORY, "memory");
    if (g->trace)
        fprintf(g->trace, " %s gpa=0x%" PRIx64 " size=%u", mem->Direction ? "write" : "read",
                (uint64_t)mem->GpaAddress, (unsigned)mem->AccessSize);
    if (mem->Direction > 1)
        return refuse(g, "direction is neither 0 (read) nor 1 (write)");
    if (mem->AccessSize < 1 || mem->AccessSize > 8)
        return refuse(g, "access size is not 1..8");
    if (g->trace && mem->Direction) {
        fprintf(g->trace, " data=");
        print_bytes(g->trace, mem->Data, mem->AccessSize);
    }
    /* The API promises page-split accesses; a straddling one is served but flagged. */
    if (g->trace && ((mem->GpaAddress ^ (mem->GpaAddress + mem->AccessSize - 1)) & PAGE_MASK))
        fprintf(g->trace, " (CROSSES A PAGE BOUNDARY)");
    if (fail)
        return injected_failure(g);
    if (mem->Direction) {
        if (!guest_write(g, mem->GpaAddress, mem->Data, mem->AccessSize))
            return refuse(g, "out of host memory");
    } else {
        guest_read(g, mem->GpaAddress, mem->Data, mem->AccessSize);
        if (g->trace) {
            fprintf(g->trace, " -> ");
            print_bytes(g->trace, mem->Data, mem->AccessSize);
        }
    }
    trace(g, "\n");
    return S_OK;
}

static HRESULT CALLBACK memory_callback(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *mem)
{
    HRESULT hr = serve_memory(context, mem);
    uint64_t data = 0;

    for (unsigned i = mem->AccessSize <= 8 ? mem->AccessSize : 8; i-- > 0;)
        data = data << 8 | mem->Data[i];
    log_access(context, false, mem->Direction, mem->AccessSize, mem->GpaAddress, data);
    return hr;
}

/* Looks every name up first, so that a refused call changes nothing. */
static HRESULT resolve_names(struct guest *g, const WHV_REGISTER_NAME *names, UINT32 count,
                             int *indexes)
{
    if (count == 0 || count > REG_TABLE_CAPACITY)
        return refuse(g, "register count is 0 or larger than the register file");
    for (UINT32 i = 0; i < count; i++) {
        indexes[i] = reg_index_of_name(names[i]);
        if (indexes[i] < 0) {
            g->refused++;
            if (g->trace)
                fprintf(g->trace, " -> REFUSED: unknown register name 0x%x\n", (unsigned)names[i]);
            return E_INVALIDARG;
        }
    }
    return S_OK;
}

static void trace_registers(const struct guest *g, const int *indexes, UINT32 count,
                            const WHV_REGISTER_VALUE *values)
{
    if (!g->trace)
        return;
    for (UINT32 i = 0; i < count; i++) {
        fprintf(g->trace, " %s=", reg_table[indexes[i]].text);
        guest_print_reg_value(g->trace, indexes[i], &values[i]);
    }
}

static HRESULT CALLBACK get_registers_callback(VOID *context, const WHV_REGISTER_NAME *names,
                                               UINT32 count, WHV_REGISTER_VALUE *values)
{
    struct guest *g = context;
    int indexes[REG_TABLE_CAPACITY];
    bool fail = guest_count_call(g, GUEST_CB_GET_REGISTERS, "get_registers");
    if (g->trace)
        fprintf(g->trace, "[%u]", (unsigned)count);
    HRESULT hr = resolve_names(g, names, count, indexes);
    if (FAILED(hr))
        return hr;
    if (fail)
        return injected_failure(g);
    for (UINT32 i = 0; i < count; i++)
        values[i] = g->vcpu.regs[indexes[i]];
    trace_registers(g, indexes, count, values);
    trace(g, "\n");
    return S_OK;
}

static HRESULT CALLBACK set_registers_callback(VOID *context, const WHV_REGISTER_NAME *names,
                                               UINT32 count, const WHV_REGISTER_VALUE *values)
{
    struct guest *g = context;
    int indexes[REG_TABLE_CAPACITY];
    bool fail = guest_count_call(g, GUEST_CB_SET_REGISTERS, "set_registers");
    g->set_name_count = count < GUEST_MAX_SET_NAMES ? count : GUEST_MAX_SET_NAMES;
    memcpy(g->set_names, names, g->set_name_count * sizeof *names);
    if (g->trace)
        fprintf(g->trace, "[%u]", (unsigned)count);
    HRESULT hr = resolve_names(g, names, count, indexes);
    if (FAILED(hr))
        return hr;
    trace_registers(g, indexes, count, values);
    if (fail)
        return injected_failure(g);
    for (UINT32 i = 0; i < count; i++)
        g->vcpu.regs[indexes[i]] = values[i];
    trace(g, "\n");
    return S_OK;
}

static void trace_translate_flags(const struct guest *g, WHV_TRANSLATE_GVA_FLAGS flags)
{
    static const struct {
        unsigned bit;
        const char *name;
    } known[] = {
        { WHvTranslateGvaFlagValidateRead, "ValidateRead" },
        { WHvTranslateGvaFlagValidateWrite, "ValidateWrite" },
        { WHvTranslateGvaFlagValidateExecute, "ValidateExecute" },
        { WHvTranslateGvaFlagPrivilegeExempt, "PrivilegeExempt" },
        { WHvTranslateGvaFlagSetPageTableBits, "SetPageTableBits" },
        { WHvTranslateGvaFlagEnforceSmap, "EnforceSmap" },
        { WHvTranslateGvaFlagOverrideSmap, "OverrideSmap" },
    };
    if (!g->trace)
        return;
    unsigned rest = (unsigned)flags;
    const char *separator = "";
    fprintf(g->trace, " flags=");
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (rest & known[i].bit) {
            fprintf(g->trace, "%s%s", separator, known[i].name);
            separator = "|";
            rest &= ~known[i].bit;
        }
    }
    if (rest || !*separator)
        fprintf(g->trace, "%s0x%x", separator, rest);
}

static HRESULT CALLBACK translate_callback(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                           WHV_TRANSLATE_GVA_FLAGS flags,
                                           WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                           WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    struct guest *g = context;
    bool fail = guest_count_call(g, GUEST_CB_TRANSLATE, "translate");
    g->last_translate_flags = flags;
    if (g->trace)
        fprintf(g->trace, " gva=0x%" PRIx64, (uint64_t)gva);
    trace_translate_flags(g, flags);
    if (fail)
        return injected_failure(g);
    uint64_t answer;
    *result = guest_translate(g, gva, &answer);
    *gpa = answer;
    if (g->trace) {
        unsigned code = (unsigned)*result;
        if (code < TRANSLATE_RESULT_COUNT)
            fprintf(g->trace, " -> %s", translate_result_names[code]);
        else
            fprintf(g->trace, " -> result %u", code);
        fprintf(g->trace, " gpa=0x%" PRIx64 "\n", answer);
    }
    return S_OK;
}

VOID *CALLBACK guest_ram_page(VOID *context, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write)
{
    struct guest *g = context;
    g->callback_count++;
    g->ram_page_calls++;
    if (g->trace)
        fprintf(g->trace, "  #%u ram_page gpa=0x%" PRIx64 " %s", g->callback_count,
                (uint64_t)gpa_page, write ? "write" : "read");
    if (gpa_page & (GUEST_PAGE_SIZE - 1)) {
        refuse(g, "the page address is not aligned");
        return NULL;
    }
    for (size_t i = 0; i < g->ram_page_count; i++) {
        if (g->ram_pages[i] == gpa_page) {
            struct guest_page *page = get_or_add_page(g, gpa_page);
            trace(g, page ? " -> host memory\n" : " -> NULL (out of host memory)\n");
            return page ? page->now : NULL;
        }
    }
    trace(g, " -> NULL (not RAM)\n");
    return NULL;
}

const WHV_EMULATOR_CALLBACKS guest_callbacks = {
    .Size = sizeof(WHV_EMULATOR_CALLBACKS),
    .WHvEmulatorIoPortCallback = io_port_callback,
    .WHvEmulatorMemoryCallback = memory_callback,
    .WHvEmulatorGetVirtualProcessorRegisters = get_registers_callback,
    .WHvEmulatorSetVirtualProcessorRegisters = set_registers_callback,
    .WHvEmulatorTranslateGvaPage = translate_callback,
};

WHV_MEMORY_ACCESS_CONTEXT guest_mmio_access(const void *bytes, unsigned count)
{
    WHV_MEMORY_ACCESS_CONTEXT m;

    memset(&m, 0, sizeof m);
    m.InstructionByteCount =
        (UINT8)(count < sizeof m.InstructionBytes ? count : sizeof m.InstructionBytes);
    memcpy(m.InstructionBytes, bytes, m.InstructionByteCount);
    m.AccessInfo.AccessType = WHvMemoryAccessRead;
    return m;
}

HRESULT guest_run_mmio(struct guest *g, WHV_EMULATOR_HANDLE emulator, const void *bytes,
                       unsigned count, WHV_EMULATOR_STATUS *status)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = guest_mmio_access(bytes, count);

    vcpu_exit_context(&g->vcpu, m.InstructionByteCount, &vp);
    status->AsUINT32 = 0;
    return WHvEmulatorTryMmioEmulation(emulator, g, &vp, &m, status);
}

HRESULT guest_run_io(struct guest *g, WHV_EMULATOR_HANDLE emulator, const void *bytes,
                     unsigned count, const struct guest_port_access *access,
                     WHV_EMULATOR_STATUS *status)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;

    memset(&io, 0, sizeof io);
    io.InstructionByteCount =
        (UINT8)(count < sizeof io.InstructionBytes ? count : sizeof io.InstructionBytes);
    memcpy(io.InstructionBytes, bytes, io.InstructionByteCount);
    io.AccessInfo.IsWrite = access->write;
    io.AccessInfo.AccessSize = access->size;
    io.AccessInfo.StringOp = access->string;
    io.AccessInfo.RepPrefix = access->rep;
    io.PortNumber = access->port;
    io.Rax = vcpu_reg(&g->vcpu, WHvX64RegisterRax)->Reg64;
    io.Rcx = vcpu_reg(&g->vcpu, WHvX64RegisterRcx)->Reg64;
    io.Rsi = vcpu_reg(&g->vcpu, WHvX64RegisterRsi)->Reg64;
    io.Rdi = vcpu_reg(&g->vcpu, WHvX64RegisterRdi)->Reg64;
    io.Ds = vcpu_reg(&g->vcpu, WHvX64RegisterDs)->Segment;
    io.Es = vcpu_reg(&g->vcpu, WHvX64RegisterEs)->Segment;
    vcpu_exit_context(&g->vcpu, io.InstructionByteCount, &vp);
    status->AsUINT32 = 0;
    return WHvEmulatorTryIoEmulation(emulator, g, &vp, &io, status);
}
