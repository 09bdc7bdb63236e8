/* The MMU's byte-masked vector accesses (mmu_read_vector, mmu_write_vector) and the pieces
 * of wide scalar accesses, against a naive byte model: random operands (sizes 1-64, random
 * enable and checked masks, offsets at page boundaries, segment limits, expand-down
 * segments and the canonical boundary, in 64-bit, compatibility-size protected, 16-bit
 * protected and real mode) through a fake guest of two pages whose rights are random. The
 * model decides byte by byte: the first checked byte beyond the segment or non-canonical,
 * then alignment #GP / #AC in the asked order, then the first checked byte on a page that
 * refuses the access (CR2). The callbacks must then show: nothing at all after a fault;
 * every page translated before the first memory callback, and never a page without a
 * checked byte; each enabled byte exactly once, at its GPA, with its data; pieces of
 * 1/2/4/8 bytes, naturally aligned for an operand of more than 8 bytes, one per run and page
 * otherwise. Runs on any host (no CPU oracle can show callbacks: this is the MMU's contract,
 * docs/architecture.md "Vector accesses"; the CPU's fault order is measured elsewhere:
 * tests/exec/test_simd_moves, tests/x87/test_x87_align).
 *
 *     test_mmu_vector [random cases]          default 200000 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/regcache.h"
#include "mmu/mmu.h"
#include "rng.h"

#define MAX_CALLS 160

/* The fake guest: two linear pages, each not present, read-only or writable, mapped to
 * GPAs that are not contiguous. */
enum page_rights { PAGE_ABSENT, PAGE_READ_ONLY, PAGE_WRITABLE };

struct memory_call {
    uint64_t gpa;
    unsigned size;
    bool write;
    uint8_t data[8];
};

static struct guest {
    uint64_t page[2]; /* linear page addresses */
    enum page_rights rights[2];
    unsigned translations[2];
    bool translated_after_access, stray_translation;
    struct memory_call calls[MAX_CALLS];
    unsigned call_count;
} g;

static uint64_t gpa_page_of(unsigned which)
{
    return which ? UINT64_C(0x7e000) : UINT64_C(0x31000);
}

static uint8_t memory_byte(uint64_t gpa)
{
    return (uint8_t)(gpa * 7 + 3);
}

static HRESULT CALLBACK on_translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                     WHV_TRANSLATE_GVA_FLAGS flags,
                                     WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                     WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    int which = gva == g.page[0] ? 0 : gva == g.page[1] ? 1 : -1;

    (void)context;
    g.translated_after_access |= g.call_count > 0;
    if (which < 0) {
        g.stray_translation = true;
        *result = WHvTranslateGvaResultPageNotPresent;
        return S_OK;
    }
    g.translations[which]++;
    *gpa = gpa_page_of((unsigned)which);
    if (g.rights[which] == PAGE_ABSENT)
        *result = WHvTranslateGvaResultPageNotPresent;
    else if (g.rights[which] == PAGE_READ_ONLY && (flags & WHvTranslateGvaFlagValidateWrite))
        *result = WHvTranslateGvaResultPrivilegeViolation;
    else
        *result = WHvTranslateGvaResultSuccess;
    return S_OK;
}

static HRESULT CALLBACK on_memory(VOID *context, WHV_EMULATOR_MEMORY_ACCESS_INFO *m)
{
    struct memory_call *c = &g.calls[g.call_count < MAX_CALLS ? g.call_count : MAX_CALLS - 1];

    (void)context;
    g.call_count++;
    c->gpa = m->GpaAddress;
    c->size = m->AccessSize;
    c->write = m->Direction == 1;
    if (c->write)
        memcpy(c->data, m->Data, c->size);
    else
        for (unsigned i = 0; i < m->AccessSize; i++)
            m->Data[i] = memory_byte(m->GpaAddress + i);
    return S_OK;
}

/* ---- one case ---- */

enum case_mode { CASE_64, CASE_32, CASE_16, CASE_REAL, CASE_MODES };

struct vcase {
    enum case_mode mode;
    struct mmu_vector_access a;
    bool write, la57, cpl3, am, ac_flag;
    WHV_X64_SEGMENT_REGISTER seg;
};

struct outcome {
    enum exec_result result;
    uint8_t vector;
    uint32_t error_code;
    uint64_t cr2;
};

static WHV_VP_EXIT_CONTEXT exit_context;

static void vcpu_for(struct vcpu *cpu, const struct vcase *c)
{
    memset(cpu, 0, sizeof *cpu);
    memset(&g, 0, sizeof g);
    cpu->callbacks.WHvEmulatorMemoryCallback = on_memory;
    cpu->callbacks.WHvEmulatorTranslateGvaPage = on_translate;
    exit_context.ExecutionState.Cr0Am = c->am;
    cpu->exit = &exit_context;
    cpu->code_mode = c->mode == CASE_64 ? MODE_64 : c->mode == CASE_32 ? MODE_32 : MODE_16;
    cpu->protected_mode = c->mode != CASE_REAL;
    cpu->long_mode = c->mode == CASE_64;
    cpu->cpl = c->cpl3 ? 3 : 0;
    cpu->not_ram[0] = cpu->not_ram[1] = NOT_A_PAGE;
    regs_preset(cpu, R_RFLAGS, 2 | (c->ac_flag ? FL_AC : 0));
    regs_preset(cpu, R_CR4, c->la57 ? CR4_LA57 : 0);
    regs_preset_segment(cpu, REG_SEG(c->a.seg), &c->seg);
}

/* ---- the naive byte model ---- */

static bool canonical(uint64_t la, unsigned bits)
{
    return (uint64_t)((int64_t)(la << (64 - bits)) >> (64 - bits)) == la;
}

static uint64_t base_of(const struct vcase *c)
{
    if (c->mode == CASE_64)
        return c->a.seg == SEG_FS || c->a.seg == SEG_GS ? c->seg.Base : 0;
    return c->seg.Base;
}

static uint64_t la_mask_of(const struct vcase *c)
{
    return c->mode == CASE_64 ? ~UINT64_C(0) : 0xffffffffu;
}

static uint64_t linear_of_byte(const struct vcase *c, unsigned i)
{
    return (base_of(c) + c->a.offset + i) & la_mask_of(c);
}

/* Whether byte i of the operand passes the segment (or canonical) checks. */
static bool byte_in_segment(const struct vcase *c, unsigned i)
{
    uint64_t off = c->a.offset + i, type = c->seg.SegmentType;

    if (c->mode == CASE_64)
        return canonical(linear_of_byte(c, i), 48) ||
               (c->la57 && canonical(linear_of_byte(c, i), 57));
    if (c->mode != CASE_REAL) {
        if (!c->seg.Present || (c->write && !(type & 2)))
            return false;
        if (type & 4)
            return off > c->seg.Limit && off <= (c->seg.Default ? 0xffffffffu : 0xffffu);
    }
    return off <= c->seg.Limit;
}

static unsigned page_index(const struct vcase *c, unsigned i)
{
    return (linear_of_byte(c, i) & PAGE_MASK) != g.page[0];
}

static bool page_allows(const struct vcase *c, unsigned which)
{
    if (c->mode == CASE_REAL)
        return true;
    return g.rights[which] == PAGE_WRITABLE || (g.rights[which] == PAGE_READ_ONLY && !c->write);
}

static struct outcome model_fault(uint8_t vector, uint32_t error_code, uint64_t cr2)
{
    return (struct outcome){ EXEC_FAULT, vector, error_code, cr2 };
}

static bool checked(const struct vcase *c, unsigned i)
{
    return (c->a.checked >> i) & 1;
}

static struct outcome model(const struct vcase *c)
{
    uint64_t la = linear_of_byte(c, 0);
    bool gp, ac;

    if (!c->a.checked)
        return (struct outcome){ EXEC_OK };
    gp = c->a.gp_align && la % c->a.gp_align;
    /* the alignment #GP before the segment and canonical checks (the CPU's order), unless
     * #AC comes first */
    if (gp && !(c->a.access & MMU_AC_FIRST))
        return model_fault(EXC_GP, 0, 0);
    for (unsigned i = 0; i < c->a.size; i++)
        if (checked(c, i) && !byte_in_segment(c, i))
            return model_fault(c->a.seg == SEG_SS ? EXC_SS : EXC_GP, 0, 0);
    ac = c->a.ac_unit > 1 && la % c->a.ac_unit && c->cpl3 && c->am && c->ac_flag;
    if (ac && (!gp || (c->a.access & MMU_AC_FIRST)))
        return model_fault(EXC_AC, 0, 0);
    if (gp)
        return model_fault(EXC_GP, 0, 0);
    for (unsigned i = 0; i < c->a.size; i++) {
        unsigned which = page_index(c, i);
        if (checked(c, i) && !page_allows(c, which))
            return model_fault(EXC_PF,
                               (g.rights[which] != PAGE_ABSENT ? 1u : 0) | (c->write ? 2u : 0) |
                                   (c->cpl3 ? 4u : 0),
                               linear_of_byte(c, i));
    }
    return (struct outcome){ EXEC_OK };
}

/* ---- what the callbacks showed ---- */

/* The operand byte a GPA is, or -1. */
static int byte_of_gpa(const struct vcase *c, uint64_t gpa)
{
    for (unsigned i = 0; i < c->a.size; i++) {
        uint64_t la = linear_of_byte(c, i);
        uint64_t page = c->mode == CASE_REAL ? la & PAGE_MASK : gpa_page_of(page_index(c, i));
        if ((page | (la & (PAGE_SIZE - 1))) == gpa)
            return (int)i;
    }
    return -1;
}

/* One callback's piece: its size, alignment and bytes, marked in *seen. */
static void check_piece(const struct vcase *c, const struct memory_call *m, const uint8_t *buf,
                        uint64_t *seen, int *last)
{
    int first = byte_of_gpa(c, m->gpa);

    CHECK(m->size >= 1 && m->size <= 8, "piece of %u bytes", m->size);
    CHECK(c->a.size <= 8 || ((m->size & (m->size - 1)) == 0 && m->gpa % m->size == 0),
          "piece %u @%llx of a %u-byte operand", m->size, (unsigned long long)m->gpa, c->a.size);
    CHECK(m->write == c->write, "direction");
    CHECK(first > *last, "pieces in address order");
    for (unsigned k = 0; first >= 0 && k < m->size; k++) {
        unsigned i = (unsigned)first + k;
        CHECK(byte_of_gpa(c, m->gpa + k) == (int)i, "piece crosses a page");
        CHECK(i < c->a.size && ((c->a.enable >> i) & 1) && !((*seen >> i) & 1),
              "byte %u accessed though not enabled, or twice", i);
        if (m->write && i < c->a.size)
            CHECK(m->data[k] == buf[i], "byte %u written wrong", i);
        *seen |= UINT64_C(1) << (i & 63);
    }
    *last = first + (int)m->size - 1;
}

/* For an operand of at most 8 bytes: one callback per run of enabled bytes per page. */
static unsigned scalar_pieces_expected(const struct vcase *c)
{
    unsigned n = 0;
    for (unsigned i = 0; i < c->a.size; i++)
        if (((c->a.enable >> i) & 1) &&
            (i == 0 || !((c->a.enable >> (i - 1)) & 1) || page_index(c, i) != page_index(c, i - 1)))
            n++;
    return n;
}

static void check_success(const struct vcase *c, const uint8_t *before, const uint8_t *buf)
{
    uint64_t seen = 0;
    int last = -1;

    CHECK(g.call_count <= MAX_CALLS, "%u callbacks", g.call_count);
    for (unsigned k = 0; k < g.call_count && k < MAX_CALLS; k++)
        check_piece(c, &g.calls[k], c->write ? before : buf, &seen, &last);
    CHECK(seen == c->a.enable, "bytes accessed %llx, enabled %llx", (unsigned long long)seen,
          (unsigned long long)c->a.enable);
    if (c->a.size <= 8)
        CHECK(g.call_count == scalar_pieces_expected(c), "%u callbacks for a %u-byte operand",
              g.call_count, c->a.size);
    for (unsigned i = 0; !c->write && i < c->a.size; i++) {
        uint8_t want = before[i];
        if ((c->a.enable >> i) & 1) {
            uint64_t la = linear_of_byte(c, i);
            uint64_t page = c->mode == CASE_REAL ? la & PAGE_MASK : gpa_page_of(page_index(c, i));
            want = memory_byte(page | (la & (PAGE_SIZE - 1)));
        }
        CHECK(buf[i] == want, "read byte %u", i);
    }
}

/* Never a page without a checked byte, nothing after the first memory callback. */
static void check_translations(const struct vcase *c)
{
    bool has_checked[2] = { false, false };

    for (unsigned i = 0; i < c->a.size; i++)
        if (checked(c, i))
            has_checked[page_index(c, i)] = true;
    CHECK(!g.stray_translation, "a page outside the operand translated");
    CHECK(!g.translated_after_access, "a page translated after a memory callback");
    for (unsigned p = 0; p < 2; p++)
        CHECK(has_checked[p] || !g.translations[p], "page %u has no checked byte, translated", p);
}

static const char *const mode_names[] = { "64-bit", "32-bit", "16-bit", "real" };

static unsigned long faults_seen[32], successes, suppressed;

static void run_case(const struct vcase *c)
{
    struct vcpu cpu;
    uint8_t before[64], buf[64];
    struct outcome want, got = { 0 };
    uint64_t la0;

    vcpu_for(&cpu, c);
    la0 = linear_of_byte(c, 0);
    g.page[0] = la0 & PAGE_MASK;
    g.page[1] = (g.page[0] + PAGE_SIZE) & la_mask_of(c);
    for (unsigned p = 0; p < 2; p++)
        g.rights[p] = (enum page_rights)(next_random() % 3);
    for (unsigned i = 0; i < 64; i++)
        before[i] = buf[i] = (uint8_t)next_random();
    want = model(c);
    got.result = c->write ? mmu_write_vector(&cpu, &c->a, buf) : mmu_read_vector(&cpu, &c->a, buf);
    got.vector = cpu.fault.vector;
    got.error_code = cpu.fault.error_code;
    got.cr2 = cpu.fault.cr2;
    check_translations(c);
    CHECK(got.result == want.result,
          "%s %s, offset %llx size %u enable %llx checked %llx: result %d, want %d (vector %u)",
          mode_names[c->mode], c->write ? "write" : "read", (unsigned long long)c->a.offset,
          c->a.size, (unsigned long long)c->a.enable, (unsigned long long)c->a.checked, got.result,
          want.result, want.vector);
    if (got.result != want.result)
        return;
    if (want.result == EXEC_FAULT) {
        faults_seen[want.vector & 31]++;
        CHECK(got.vector == want.vector && got.error_code == want.error_code &&
                  (want.vector != EXC_PF || (cpu.fault.has_cr2 && got.cr2 == want.cr2)),
              "%s: fault %u/%x/%llx, want %u/%x/%llx", mode_names[c->mode], got.vector,
              got.error_code, (unsigned long long)got.cr2, want.vector, want.error_code,
              (unsigned long long)want.cr2);
        CHECK(g.call_count == 0, "a memory callback before a fault");
        CHECK(memcmp(buf, before, sizeof buf) == 0, "the buffer changed at a fault");
        return;
    }
    successes++;
    suppressed += c->a.checked != 0 &&
                  c->a.checked != (c->a.size >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << c->a.size) - 1);
    check_success(c, before, buf);
}

/* ---- random cases ---- */

static uint64_t random_mask(unsigned size)
{
    uint64_t all = size >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << size) - 1;
    switch (next_random() % 5) {
    case 0: return all;
    case 1: return 0;
    case 2: return next_random() & all;
    case 3: return (next_random() & next_random()) & all;
    default: { /* elements of 1, 2, 4 or 8 bytes, each on or off */
        unsigned e = 1u << (next_random() % 4);
        uint64_t m = 0, bits = next_random();
        for (unsigned i = 0; i < size; i += e)
            if ((bits >> (i / e)) & 1)
                m |= ((UINT64_C(1) << e) - 1) << i;
        return m & all;
    }
    }
}

/* An offset near something that decides: a page boundary, the segment limit, the canonical
 * boundary, the 4 GiB or 64 KiB end. */
static uint64_t random_offset(const struct vcase *c, unsigned size)
{
    int64_t near = (int64_t)(next_random() % 80) - 72;

    switch (next_random() % 4) {
    case 0:
        return c->mode == CASE_64 ? UINT64_C(0x800000000000) - base_of(c) + (uint64_t)near
                                  : 0x12000 + (uint64_t)near - c->seg.Base % PAGE_SIZE;
    case 1: return (uint64_t)((int64_t)c->seg.Limit + near + (int64_t)(next_random() % size));
    case 2:
        return (c->mode == CASE_16 || c->mode == CASE_REAL ? 0x10000 : UINT64_C(0x100000000)) +
               (uint64_t)near;
    default: return (next_random() & 0xffffff) | (next_random() % 2 ? 0xff0 : 0);
    }
}

static WHV_X64_SEGMENT_REGISTER random_segment(enum case_mode mode)
{
    WHV_X64_SEGMENT_REGISTER s = { 0 };
    static const uint8_t types[] = { 3, 3, 3, 1, 7, 5 }; /* RW data, RO data, expand-down */

    s.Present = next_random() % 16 != 0;
    s.SegmentType = types[next_random() % sizeof types];
    s.Default = mode == CASE_32;
    s.Base = mode == CASE_64 ? (next_random() % 2 ? 0 : next_random() & 0xfffffffffull)
                             : (next_random() % 2 ? 0 : next_random() & 0xfffffff);
    if (mode == CASE_REAL) {
        s.Base = (next_random() & 0xffff) << 4;
        s.SegmentType = 3;
        s.Present = 1;
    }
    s.Limit = mode == CASE_32 ? (next_random() % 2 ? 0xffffffffu : (uint32_t)next_random())
                              : (next_random() % 2 ? 0xffffu : (uint32_t)(next_random() & 0xffff));
    return s;
}

static struct vcase random_case(void)
{
    static const unsigned aligns[] = { 0, 0, 2, 4, 8, 16, 32, 64 };
    static const enum segreg segs[] = { SEG_DS, SEG_SS, SEG_ES, SEG_FS, SEG_GS };
    struct vcase c = { .mode = (enum case_mode)(next_random() % CASE_MODES) };

    c.a.seg = segs[next_random() % 5];
    c.seg = random_segment(c.mode);
    c.a.size = next_random() % 3 ? 1 + (unsigned)(next_random() % 64) : 16u << (next_random() % 3);
    c.a.offset = random_offset(&c, c.a.size);
    if (c.mode != CASE_64)
        c.a.offset &= c.mode == CASE_32 ? 0xffffffffu : 0xffffu;
    c.a.checked = random_mask(c.a.size);
    c.a.enable = next_random() % 3 ? c.a.checked : c.a.checked & random_mask(c.a.size);
    c.a.gp_align = aligns[next_random() % 8];
    c.a.ac_unit = aligns[next_random() % 8];
    c.a.access = next_random() % 2 ? MMU_AC_FIRST : 0;
    c.write = next_random() % 2;
    c.la57 = next_random() % 4 == 0;
    c.cpl3 = next_random() % 2;
    c.am = next_random() % 4 != 0;
    c.ac_flag = next_random() % 2;
    return c;
}

static unsigned long random_cases = 200000;

TEST(random_accesses_against_the_byte_model)
{
    for (unsigned long n = 0; n < random_cases; n++) {
        struct vcase c = random_case();
        run_case(&c);
    }
    printf("%lu random cases: %lu completed (%lu with suppressed bytes); faults #GP %lu, #SS %lu, "
           "#AC %lu, #PF %lu\n",
           random_cases, successes, suppressed, faults_seen[EXC_GP], faults_seen[EXC_SS],
           faults_seen[EXC_AC], faults_seen[EXC_PF]);
    CHECK(successes && suppressed && faults_seen[EXC_GP] && faults_seen[EXC_SS] &&
              faults_seen[EXC_AC] && faults_seen[EXC_PF],
          "the random cases reach every outcome");
}

/* ---- fixed cases ---- */

/* A flat 64-bit case at a linear address, both pages writable. */
static struct vcase flat64(uint64_t offset, unsigned size, uint64_t enable, uint64_t checked)
{
    struct vcase c = {
        .mode = CASE_64,
        .a = { .seg = SEG_DS, .offset = offset, .size = size, .enable = enable, .checked = checked }
    };
    return c;
}

static void run_flat(const struct vcase *c, enum page_rights first, enum page_rights second,
                     uint8_t *buf, enum exec_result *r, struct vcpu *cpu)
{
    vcpu_for(cpu, c);
    g.page[0] = c->a.offset & PAGE_MASK;
    g.page[1] = g.page[0] + PAGE_SIZE;
    g.rights[0] = first;
    g.rights[1] = second;
    *r = c->write ? mmu_write_vector(cpu, &c->a, buf) : mmu_read_vector(cpu, &c->a, buf);
}

TEST(sixteen_bytes_at_1003_in_aligned_pieces)
{
    static const struct {
        uint64_t offset;
        unsigned size;
    } want[] = { { 0x1003, 1 }, { 0x1004, 4 }, { 0x1008, 8 }, { 0x1010, 2 }, { 0x1012, 1 } };
    struct vcase c = flat64(0x1003, 16, 0xffff, 0xffff);
    struct vcpu cpu;
    uint8_t buf[64] = { 0 };
    enum exec_result r;

    run_flat(&c, PAGE_WRITABLE, PAGE_WRITABLE, buf, &r, &cpu);
    CHECK(r == EXEC_OK && g.call_count == 5, "result %d, %u callbacks", r, g.call_count);
    for (unsigned k = 0; k < 5 && k < g.call_count; k++)
        CHECK(g.calls[k].gpa == (gpa_page_of(0) | want[k].offset) &&
                  g.calls[k].size == want[k].size,
              "piece %u: %u @%llx", k, g.calls[k].size, (unsigned long long)g.calls[k].gpa);
}

/* The scalar path: at most 8 bytes as today (one callback per page piece); more in the
 * aligned pieces; MMU_AC_UNIT sets the #AC unit. */
TEST(scalar_pieces_and_ac_unit)
{
    struct vcase c = flat64(0x1003, 16, 0, 0);
    struct vcpu cpu;
    uint8_t buf[64] = { 0 };

    vcpu_for(&cpu, &c);
    g.page[0] = 0x1000;
    g.rights[0] = PAGE_WRITABLE;
    CHECK(mmu_read_general(&cpu, SEG_DS, 0x1003, buf, 8, 0) == EXEC_OK && g.call_count == 1 &&
              g.calls[0].size == 8,
          "8 bytes at 1003: one callback, %u", g.call_count);
    g.call_count = 0;
    CHECK(mmu_read_general(&cpu, SEG_DS, 0x1003, buf, 16, 0) == EXEC_OK && g.call_count == 5,
          "16 bytes at 1003: five aligned pieces, %u", g.call_count);
    g.call_count = 0;
    CHECK(mmu_write_general(&cpu, SEG_DS, 0x1005, buf, 10, 0) == EXEC_OK && g.call_count == 5 &&
              g.calls[0].size == 1 && g.calls[1].size == 2 && g.calls[2].size == 4 &&
              g.calls[3].size == 2 && g.calls[4].size == 1,
          "10 bytes at 1005: 1, 2, 4, 2, 1");
    c.cpl3 = c.am = c.ac_flag = true;
    vcpu_for(&cpu, &c);
    g.page[0] = 0x1000;
    g.rights[0] = PAGE_WRITABLE;
    CHECK(mmu_alignment_checking(&cpu), "CPL 3, CR0.AM, RFLAGS.AC: checking");
    CHECK(mmu_read_general(&cpu, SEG_DS, 0x1008, buf, 64, MMU_AC_UNIT(16)) == EXEC_FAULT &&
              cpu.fault.vector == EXC_AC,
          "MMU_AC_UNIT(16) at 1008: #AC");
    CHECK(mmu_read_general(&cpu, SEG_DS, 0x1004, buf, 10, MMU_AC_UNIT(4)) == EXEC_OK,
          "MMU_AC_UNIT(4) at 1004, 10 bytes: no #AC (the size would ask for 8)");
    CHECK(mmu_read_general(&cpu, SEG_DS, 0x1004, buf, 10, 0) == EXEC_FAULT &&
              cpu.fault.vector == EXC_AC,
          "10 bytes at 1004 without a unit: #AC (unit 8)");
    cpu.cpl = 0;
    CHECK(!mmu_alignment_checking(&cpu), "CPL 0: no checking");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        random_cases = strtoul(argv[1], NULL, 0);
    rng_seed(0x5eed10);
    check_run_tests();
    return check_summary();
}
