/* REP string instructions at the edges: 16-bit SI/DI wraparound, 32-bit linear wraparound
 * (the Windows 9x VGA case), elements that straddle pages, faults in the middle of a REP
 * (completed iterations committed, counters at the faulting element), the iteration budget
 * (many budgeted calls end exactly like one full call, with the same accesses), the TF
 * single step per iteration, and the RAM-mapping callback. */
#include <string.h>

#include "check.h"
#include "harness.h"

#define RFLAGS_DF 0x400u
#define RFLAGS_TF 0x100u
#define RFLAGS_RF 0x10000u

static void expect_success(WHV_EMULATOR_STATUS st, const char *what)
{
    int error;
    CHECK(st.AsUINT32 == 1, "%s: status 0x%x", what, (unsigned)st.AsUINT32);
    CHECK(pending_vector(&error) < 0, "%s: unexpected exception %d", what, pending_vector(&error));
}

static bool logged(unsigned index, bool write, uint64_t gpa, unsigned size)
{
    return index < h.guest.log_count && !h.log[index].io && h.log[index].write == write &&
           h.log[index].address == gpa && h.log[index].size == size;
}

static void test_wrap16(void)
{
    WHV_EMULATOR_STATUS st;
    uint8_t mem[4];

    /* rep movsb, SI from 0xfffe: DS:fffe, DS:ffff, DS:0000, DS:0001 */
    harness_reset(VCPU_REAL16);
    reg(WHvX64RegisterDs)->Segment.Base = 0x20000;
    reg(WHvX64RegisterEs)->Segment.Base = 0x30000;
    guest_write(&h.guest, 0x2fffe, (const uint8_t *)"ab", 2);
    guest_write(&h.guest, 0x20000, (const uint8_t *)"cd", 2);
    set_reg64(WHvX64RegisterRsi, 0xfffe);
    set_reg64(WHvX64RegisterRdi, 0x1000);
    set_reg64(WHvX64RegisterRcx, 4);
    st = run_mmio("\xf3\xa4", 2);
    expect_success(st, "16-bit rep movsb across SI wrap");
    CHECK(logged(0, false, 0x2fffe, 1) && logged(2, false, 0x2ffff, 1) &&
              logged(4, false, 0x20000, 1) && logged(6, false, 0x20001, 1),
          "reads wrap from DS:ffff to DS:0000");
    guest_read(&h.guest, 0x31000, mem, 4);
    CHECK(memcmp(mem, "abcd", 4) == 0, "copied bytes");
    CHECK_EQ(reg64(WHvX64RegisterRsi), 2, "SI");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x1004, "DI");

    /* std; rep stosb from DI 1: ES:0001, ES:0000, ES:ffff; DI ends at fffe */
    harness_reset(VCPU_REAL16);
    reg(WHvX64RegisterEs)->Segment.Base = 0x30000;
    set_reg64(WHvX64RegisterRflags, 0x2 | RFLAGS_DF);
    set_reg64(WHvX64RegisterRdi, 1);
    set_reg64(WHvX64RegisterRcx, 3);
    set_reg64(WHvX64RegisterRax, 0x5a);
    st = run_mmio("\xf3\xaa", 2);
    expect_success(st, "16-bit std rep stosb across DI wrap");
    CHECK(logged(0, true, 0x30001, 1) && logged(1, true, 0x30000, 1) && logged(2, true, 0x3ffff, 1),
          "writes wrap down from ES:0000 to ES:ffff");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0xfffe, "DI");

    /* a word at SI=ffff runs past the 64 KiB limit: #GP, in real mode without error code */
    harness_reset(VCPU_REAL16);
    set_reg64(WHvX64RegisterRsi, 0xffff);
    st = run_mmio("\xad", 1);
    {
        int error, vector = pending_vector(&error);
        CHECK(st.AsUINT32 == 1 && vector == 13 && error == -1, "lodsw at ffff: #GP (vector %d)",
              vector);
    }
    CHECK_EQ(h.guest.log_count, 0, "lodsw at ffff: no access");
}

static void test_wrap32(void)
{
    WHV_EMULATOR_STATUS st;

    /* Windows 9x: DS base 0x80000000, ESI 0x800a0000 -> linear 0xa0000 (VGA) */
    harness_reset(VCPU_PROTECTED32);
    reg(WHvX64RegisterDs)->Segment.Base = 0x80000000u;
    set_reg64(WHvX64RegisterRsi, 0x800a0000u);
    set_reg64(WHvX64RegisterRdi, 0x5000);
    set_reg64(WHvX64RegisterRcx, 2);
    st = run_mmio("\xf3\xa5", 2);
    expect_success(st, "rep movsd through a wrapping segment base");
    CHECK(logged(0, false, 0xa0000, 4) && logged(2, false, 0xa0004, 4), "reads at 0xa0000");

    /* a walk across linear 0xffffffff -> 0 */
    harness_reset(VCPU_PROTECTED32);
    reg(WHvX64RegisterDs)->Segment.Base = 0xfffff000u;
    set_reg64(WHvX64RegisterRsi, 0xff8);
    set_reg64(WHvX64RegisterRdi, 0x5000);
    set_reg64(WHvX64RegisterRcx, 4);
    st = run_mmio("\xf3\xa5", 2);
    expect_success(st, "rep movsd across 4 GiB");
    CHECK(logged(0, false, 0xfffffff8u, 4) && logged(2, false, 0xfffffffcu, 4) &&
              logged(4, false, 0, 4) && logged(6, false, 4, 4),
          "reads wrap to linear 0");
    CHECK_EQ(reg64(WHvX64RegisterRsi), 0x1008, "ESI");
}

/* Segments: the override applies to the source only; limits stop a REP mid-way with #GP
 * at the first element outside (expand-up and expand-down). */
static void test_segments(void)
{
    WHV_EMULATOR_STATUS st;
    uint64_t rip;
    int error;

    harness_reset(VCPU_PROTECTED32);
    reg(WHvX64RegisterFs)->Segment.Base = 0x10000;
    reg(WHvX64RegisterEs)->Segment.Base = 0x20000;
    reg(WHvX64RegisterDs)->Segment.Base = 0x30000;
    set_reg64(WHvX64RegisterRsi, 0x10);
    set_reg64(WHvX64RegisterRdi, 0x20);
    set_reg64(WHvX64RegisterRcx, 2);
    st = run_mmio("\x64\xf3\xa4", 3);
    expect_success(st, "fs: rep movsb");
    CHECK(logged(0, false, 0x10010, 1) && logged(1, true, 0x20020, 1) &&
              logged(2, false, 0x10011, 1) && logged(3, true, 0x20021, 1),
          "FS:ESI to ES:EDI");

    /* expand-up ES with limit 0x1003: four bytes, then #GP(0) at 0x1004 */
    harness_reset(VCPU_PROTECTED32);
    reg(WHvX64RegisterEs)->Segment.Limit = 0x1003;
    reg(WHvX64RegisterEs)->Segment.Granularity = 0;
    set_reg64(WHvX64RegisterRdi, 0x1000);
    set_reg64(WHvX64RegisterRcx, 8);
    rip = reg64(WHvX64RegisterRip);
    st = run_mmio("\xf3\xaa", 2);
    CHECK(st.AsUINT32 == 1 && pending_vector(&error) == 13 && error == 0,
          "stosb past the ES limit: #GP(0)");
    CHECK_EQ(h.guest.log_count, 4, "stosb past the ES limit: elements inside written");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x1004, "stosb past the ES limit: EDI");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 4, "stosb past the ES limit: ECX");
    CHECK_EQ(reg64(WHvX64RegisterRip), rip, "stosb past the ES limit: RIP");

    /* expand-down ES (offsets above 0xfff valid), walking down from 0x1001 */
    harness_reset(VCPU_PROTECTED32);
    reg(WHvX64RegisterEs)->Segment.SegmentType = 0x7; /* data, expand-down, writable */
    reg(WHvX64RegisterEs)->Segment.Limit = 0xfff;
    set_reg64(WHvX64RegisterRflags, 0x2 | RFLAGS_DF);
    set_reg64(WHvX64RegisterRdi, 0x1001);
    set_reg64(WHvX64RegisterRcx, 8);
    st = run_mmio("\xf3\xaa", 2);
    CHECK(st.AsUINT32 == 1 && pending_vector(&error) == 13 && error == 0,
          "std stosb below an expand-down limit: #GP(0)");
    CHECK_EQ(h.guest.log_count, 2, "expand-down: elements inside written");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0xfff, "expand-down: EDI");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 6, "expand-down: ECX");
}

static void test_straddle(void)
{
    WHV_EMULATOR_STATUS st;
    uint8_t mem[6];

    /* rep movsw from 0x10ffd: the second word (0x10fff) straddles two pages */
    harness_reset(VCPU_LONG64);
    guest_write(&h.guest, 0x10ffd, (const uint8_t *)"ABCDEF", 6);
    set_reg64(WHvX64RegisterRsi, 0x10ffd);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    set_reg64(WHvX64RegisterRcx, 3);
    st = run_mmio("\xf3\x66\xa5", 3);
    expect_success(st, "rep movsw across a page");
    CHECK(logged(0, false, 0x10ffd, 2) && logged(2, false, 0x10fff, 1) &&
              logged(3, false, 0x11000, 1) && logged(4, true, 0x20002, 2),
          "the straddling word is read in two pieces");
    guest_read(&h.guest, 0x20000, mem, 6);
    CHECK(memcmp(mem, "ABCDEF", 6) == 0, "copied");

    /* movsq at 0x10ffc: 4 + 4 bytes */
    harness_reset(VCPU_LONG64);
    set_reg64(WHvX64RegisterRsi, 0x10ffc);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    st = run_mmio("\x48\xa5", 2);
    expect_success(st, "movsq across a page");
    CHECK(logged(0, false, 0x10ffc, 4) && logged(1, false, 0x11000, 4) &&
              logged(2, true, 0x20000, 8),
          "split 4+4, written as one");
}

static void not_present(uint64_t gva_page)
{
    struct guest_mapping *m = &h.guest.mappings[h.guest.mapping_count++];
    m->gva_page = gva_page;
    m->gpa = 0;
    m->result = WHvTranslateGvaResultPageNotPresent;
}

static void expect_pf(WHV_EMULATOR_STATUS st, uint64_t cr2, int error_code, uint64_t rip,
                      const char *what)
{
    int error, vector = pending_vector(&error);
    CHECK(st.AsUINT32 == 1, "%s: status 0x%x", what, (unsigned)st.AsUINT32);
    CHECK(vector == 14 && error == error_code, "%s: #PF(%d) expected, got %d(%d)", what, error_code,
          vector, error);
    CHECK_EQ(reg64(WHvX64RegisterCr2), cr2, what);
    CHECK_EQ(reg64(WHvX64RegisterRip), rip, what);
}

static void test_faults(void)
{
    WHV_EMULATOR_STATUS st;
    uint64_t rip;
    unsigned writes = 0;

    /* rep stosb runs into a page that is not present: 16 bytes done, #PF(W) at 0x21000 */
    harness_reset(VCPU_LONG64);
    not_present(0x21000);
    set_reg64(WHvX64RegisterRdi, 0x20ff0);
    set_reg64(WHvX64RegisterRcx, 0x40);
    set_reg64(WHvX64RegisterRax, 0xaa);
    rip = reg64(WHvX64RegisterRip);
    st = run_mmio("\xf3\xaa", 2);
    expect_pf(st, 0x21000, 2, rip, "rep stosb into a missing page");
    for (unsigned i = 0; i < h.guest.log_count; i++)
        writes += h.log[i].write;
    CHECK_EQ(writes, 16, "bytes written before the fault");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0x30, "RCX at the faulting element");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x21000, "RDI at the faulting element");

    /* rep movsd whose source runs out: #PF (read), RSI/RDI/RCX at the third element */
    harness_reset(VCPU_LONG64);
    not_present(0x41000);
    set_reg64(WHvX64RegisterRsi, 0x40ff8);
    set_reg64(WHvX64RegisterRdi, 0x50000);
    set_reg64(WHvX64RegisterRcx, 8);
    st = run_mmio("\xf3\xa5", 2);
    expect_pf(st, 0x41000, 0, rip, "rep movsd from a missing page");
    CHECK_EQ(reg64(WHvX64RegisterRsi), 0x41000, "RSI");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x50008, "RDI");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 6, "RCX");

    /* walking down into a missing page: CR2 is the faulting byte */
    harness_reset(VCPU_LONG64);
    not_present(0x20000);
    set_reg64(WHvX64RegisterRflags, 0x2 | RFLAGS_DF);
    set_reg64(WHvX64RegisterRdi, 0x21003);
    set_reg64(WHvX64RegisterRcx, 10);
    st = run_mmio("\xf3\xaa", 2);
    expect_pf(st, 0x20fff, 2, rip, "std rep stosb down into a missing page");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x20fff, "RDI");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 6, "RCX");

    /* a straddling element whose second page is missing: nothing of it is written */
    harness_reset(VCPU_LONG64);
    not_present(0x21000);
    set_reg64(WHvX64RegisterRdi, 0x20ffe);
    set_reg64(WHvX64RegisterRcx, 3);
    st = run_mmio("\xf3\xab", 2);
    expect_pf(st, 0x21000, 2, rip, "rep stosd straddling into a missing page");
    CHECK_EQ(h.guest.log_count, 0, "no partial write");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 3, "nothing committed: RCX");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x20ffe, "nothing committed: RDI");

    /* repe cmpsb faulting on its second operand after 2 equal elements: flags committed */
    harness_reset(VCPU_LONG64);
    not_present(0x31000);
    set_reg64(WHvX64RegisterRsi, 0x10000);
    set_reg64(WHvX64RegisterRdi, 0x30ffe);
    set_reg64(WHvX64RegisterRcx, 5);
    set_reg64(WHvX64RegisterRflags, 0x2);
    st = run_mmio("\xf3\xa6", 2);
    expect_pf(st, 0x31000, 0, rip, "repe cmpsb");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 3, "repe cmpsb: RCX");
    CHECK(reg64(WHvX64RegisterRflags) & 0x40, "repe cmpsb: ZF of the completed compares");
}

/* ---- budget: many calls end exactly like one ---- */

struct snapshot {
    uint64_t rax, rcx, rsi, rdi, rip, rflags;
    unsigned log_count;
    struct guest_access log[600];
};

static void snap(struct snapshot *s)
{
    s->rax = reg64(WHvX64RegisterRax);
    s->rcx = reg64(WHvX64RegisterRcx);
    s->rsi = reg64(WHvX64RegisterRsi);
    s->rdi = reg64(WHvX64RegisterRdi);
    s->rip = reg64(WHvX64RegisterRip);
    s->rflags = reg64(WHvX64RegisterRflags);
    s->log_count = h.guest.log_count < 600 ? h.guest.log_count : 600;
    memcpy(s->log, h.log, s->log_count * sizeof h.log[0]);
}

static void setup_budget_case(void)
{
    uint8_t src[256], dst[256];

    harness_reset(VCPU_LONG64);
    for (unsigned i = 0; i < 256; i++)
        src[i] = dst[i] = (uint8_t)(i * 7);
    dst[200] ^= 1;                            /* the first difference for CMPS */
    guest_write(&h.guest, 0x60f80, src, 256); /* crosses a page */
    guest_write(&h.guest, 0x70000, dst, 256);
    set_reg64(WHvX64RegisterRsi, 0x60f80);
    set_reg64(WHvX64RegisterRdi, 0x70000);
    set_reg64(WHvX64RegisterRcx, 250);
    set_reg64(WHvX64RegisterRax, 0x1234);
}

static void test_budget(const char *bytes, unsigned n, unsigned budget, const char *what)
{
    static struct snapshot full, split;
    uint64_t rip;
    unsigned calls = 0;
    uint8_t mem_full[256], mem_split[256];

    setup_budget_case();
    expect_success(run_mmio(bytes, n), what);
    snap(&full);
    guest_read(&h.guest, 0x70000, mem_full, 256);

    setup_budget_case();
    CHECK(whvemu_set_option(h.emulator, WHVEMU_OPTION_REP_BUDGET, budget) == S_OK, "budget");
    rip = reg64(WHvX64RegisterRip);
    while (reg64(WHvX64RegisterRip) == rip && calls < 1000) {
        expect_success(run_mmio(bytes, n), what);
        calls++;
        if (reg64(WHvX64RegisterRip) == rip)
            CHECK(reg64(WHvX64RegisterRflags) & RFLAGS_RF, "%s: paused with RF set", what);
    }
    snap(&split);
    guest_read(&h.guest, 0x70000, mem_split, 256);
    CHECK(calls > 1, "%s: took %u calls", what, calls);
    CHECK(full.rax == split.rax && full.rcx == split.rcx && full.rsi == split.rsi &&
              full.rdi == split.rdi && full.rip == split.rip && full.rflags == split.rflags,
          "%s: registers after %u budgeted calls differ from one call", what, calls);
    CHECK(full.log_count == split.log_count &&
              memcmp(full.log, split.log, full.log_count * sizeof full.log[0]) == 0,
          "%s: access traces differ (%u vs %u)", what, full.log_count, split.log_count);
    CHECK(memcmp(mem_full, mem_split, 256) == 0, "%s: memory differs", what);
}

/* TF: one iteration per call, each followed by a single-step #DB */
static void test_single_step(void)
{
    WHV_EMULATOR_STATUS st;
    int error;
    uint64_t rip;

    harness_reset(VCPU_LONG64);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    set_reg64(WHvX64RegisterRcx, 3);
    set_reg64(WHvX64RegisterRflags, 0x2 | RFLAGS_TF);
    rip = reg64(WHvX64RegisterRip);
    st = run_mmio("\xf3\xaa", 2);
    CHECK(st.AsUINT32 == 1 && pending_vector(&error) == 1, "TF rep stosb: #DB after one");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 2, "TF rep stosb: one iteration");
    CHECK_EQ(reg64(WHvX64RegisterRip), rip, "TF rep stosb: RIP stays");
}

static void test_ram_callback(void)
{
    static uint8_t pattern[4096], mem[4096];
    WHV_EMULATOR_STATUS st;
    unsigned reads = 0, writes = 0;

    for (unsigned i = 0; i < 4096; i++)
        pattern[i] = (uint8_t)(i * 13 + 1);

    /* RAM -> MMIO: the RAM side is direct, the device sees one write per element */
    harness_reset(VCPU_LONG64);
    harness_enable_ram(0x60000, 1); /* 0x70000 is a device */
    guest_write(&h.guest, 0x60000, pattern, 4096);
    set_reg64(WHvX64RegisterRsi, 0x60000);
    set_reg64(WHvX64RegisterRdi, 0x70000);
    set_reg64(WHvX64RegisterRcx, 4096);
    st = run_mmio("\xf3\xa4", 2);
    expect_success(st, "RAM->MMIO rep movsb");
    for (unsigned i = 0; i < h.guest.log_count; i++) {
        reads += !h.log[i].write;
        writes += h.log[i].write;
    }
    CHECK_EQ(reads, 0, "RAM->MMIO: no memory-callback reads");
    CHECK_EQ(writes, 4096, "RAM->MMIO: one device write per element");
    CHECK(h.guest.ram_page_calls <= 2, "RAM callback asked %u times", h.guest.ram_page_calls);
    guest_read(&h.guest, 0x70000, mem, 4096);
    CHECK(memcmp(mem, pattern, 4096) == 0, "RAM->MMIO: copied");

    /* the same after the exit a hypervisor gives, a write to the device page: the RAM
     * callback is asked about the source alone, not about the page whose write exited */
    harness_reset(VCPU_LONG64);
    harness_enable_ram(0x60000, 1);
    set_reg64(WHvX64RegisterRsi, 0x60000);
    set_reg64(WHvX64RegisterRdi, 0x70000);
    set_reg64(WHvX64RegisterRcx, 4096);
    {
        WHV_VP_EXIT_CONTEXT vp;
        WHV_MEMORY_ACCESS_CONTEXT m = guest_mmio_access("\xf3\xa4", 2);
        m.AccessInfo.AccessType = WHvMemoryAccessWrite;
        m.Gpa = 0x70000;
        vcpu_exit_context(&h.guest.vcpu, 2, &vp);
        CHECK(WHvEmulatorTryMmioEmulation(h.emulator, &h.guest, &vp, &m, &st) == S_OK, "hr");
    }
    expect_success(st, "RAM->MMIO rep movsb after a write exit");
    CHECK_EQ(h.guest.ram_page_calls, 1, "RAM callback: the source page only");

    /* RAM -> RAM overlapping (destination 4 bytes ahead): the element order shows */
    harness_reset(VCPU_LONG64);
    harness_enable_ram(0x60000, 1);
    guest_write(&h.guest, 0x60000, pattern, 4096);
    set_reg64(WHvX64RegisterRsi, 0x60000);
    set_reg64(WHvX64RegisterRdi, 0x60004);
    set_reg64(WHvX64RegisterRcx, 1000);
    st = run_mmio("\xf3\xa5", 2);
    expect_success(st, "RAM->RAM overlapping rep movsd");
    CHECK_EQ(h.guest.log_count, 0, "RAM->RAM: no memory callback");
    guest_read(&h.guest, 0x60000, mem, 4004);
    for (unsigned i = 4; i < 4004; i++)
        if (mem[i] != pattern[i % 4]) {
            CHECK(0, "RAM->RAM overlap: byte %u is %u, want %u", i, mem[i], pattern[i % 4]);
            break;
        }
}

/* #AC applies per element of a string instruction, as to any data access at CPL 3. */
static void test_alignment_check(void)
{
    WHV_EMULATOR_STATUS st;
    int error;

    harness_reset(VCPU_LONG64);
    vcpu_set_cpl(&h.guest.vcpu, 3);
    set_reg64(WHvX64RegisterCr0, reg64(WHvX64RegisterCr0) | 0x40000); /* AM */
    set_reg64(WHvX64RegisterRflags, 0x2 | 0x40000);                   /* AC */
    set_reg64(WHvX64RegisterRsi, 0x10001);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    set_reg64(WHvX64RegisterRcx, 4);
    st = run_mmio("\xf3\x66\xa5", 3);
    CHECK(st.AsUINT32 == 1 && pending_vector(&error) == 17 && error == 0,
          "misaligned rep movsw at CPL 3 with AM and AC: #AC(0)");
    CHECK_EQ(h.guest.log_count, 0, "#AC: no access");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 4, "#AC: RCX");
}

/* A callback failing mid-REP ends the call with its status bit and writes nothing back. */
static void test_callback_failure(void)
{
    WHV_EMULATOR_STATUS st;

    harness_reset(VCPU_LONG64);
    set_reg64(WHvX64RegisterRsi, 0x10000);
    set_reg64(WHvX64RegisterRdi, 0x20000);
    set_reg64(WHvX64RegisterRcx, 10);
    h.guest.fail_at[GUEST_CB_MEMORY] = 5;
    st = run_mmio("\xf3\xa4", 2);
    CHECK(st.AsUINT32 == 0x8, "memory failure mid-REP: status 0x%x", (unsigned)st.AsUINT32);
    CHECK_EQ(h.guest.calls[GUEST_CB_SET_REGISTERS], 0,
             "memory failure mid-REP: no register written");
    CHECK_EQ(h.guest.log_count, 5, "memory failure mid-REP: nothing after the failure");

    harness_reset(VCPU_LONG64);
    set_reg64(WHvX64RegisterRsi, 0x10000);
    set_reg64(WHvX64RegisterRcx, 10);
    h.guest.fail_at[GUEST_CB_IO] = 3;
    st = run_io("\xf3\x6e", 2, 0x80, 1, true, true, true);
    CHECK(st.AsUINT32 == 0x4, "port failure mid-REP: status 0x%x", (unsigned)st.AsUINT32);
    CHECK_EQ(h.guest.calls[GUEST_CB_SET_REGISTERS], 0, "port failure mid-REP: no register written");
}

int main(void)
{
    test_wrap16();
    test_wrap32();
    test_segments();
    test_straddle();
    test_faults();
    test_budget("\xf3\xa4", 2, 7, "rep movsb, budget 7");
    test_budget("\xf3\x66\xa5", 3, 1, "rep movsw, budget 1");
    test_budget("\xf3\xa6", 2, 16, "repe cmpsb, budget 16");
    test_budget("\xf2\xae", 2, 5, "repne scasb, budget 5");
    test_budget("\xf3\x48\xad", 3, 3, "rep lodsq, budget 3");
    test_single_step();
    test_alignment_check();
    test_callback_failure();
    test_ram_callback();
    harness_reset(VCPU_LONG64);
    guest_free(&h.guest);
    return check_summary();
}
