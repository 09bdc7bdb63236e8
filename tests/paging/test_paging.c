/* Paging through the public API: a guest with real page tables (pagewalk.h) in each paging
 * mode (and compatibility mode), every access-rights rule of SDM vol. 3 4.6 with the #PF error code and CR2 of 4.7,
 * the translate flags whvemu asks for, accessed/dirty bits, page-straddling data and
 * instructions, and the status bits with the guarantee that a fault or a callback failure
 * writes back no register but the injected event. */
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "paging_test.h"

struct pw_guest pw;
enum pw_mode mode;
bool compat; /* 4-level paging with a 32-bit code segment (compatibility mode) */
WHV_EMULATOR_HANDLE emulator;
WHV_EMULATOR_STATUS status;

/* A translate result forced on top of the walk (when force_result), for the codes a walk of
 * guest tables never gives (they come from the hypervisor's own GPA map), and an offset
 * added to the GPA (to make it unaligned). */
bool force_result;
WHV_TRANSLATE_GVA_RESULT_CODE forced_result;
uint64_t forced_gpa_offset;

static HRESULT CALLBACK forcing_translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                          WHV_TRANSLATE_GVA_FLAGS flags,
                                          WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                          WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    HRESULT hr = pw_callbacks().WHvEmulatorTranslateGvaPage(context, gva, flags, result, gpa);
    if (SUCCEEDED(hr) && force_result) {
        *result = forced_result;
        *gpa += forced_gpa_offset;
    }
    return hr;
}

/* ---- running one instruction ---- */

const char *mode_name(void)
{
    return compat ? "compatibility mode" : pw_mode_names[mode];
}

/* Is the code 64-bit (64-bit addresses and stack)? */
bool code64(void)
{
    return mode >= PW_4LEVEL && !compat;
}

uint64_t reg(WHV_REGISTER_NAME name)
{
    return pw_reg(&pw, name);
}

void set_reg(WHV_REGISTER_NAME name, uint64_t value)
{
    pw_set_reg(&pw, name, value);
}

void map(uint64_t gva, uint64_t gpa, uint64_t flags)
{
    pw_map(&pw, gva, gpa, 4096, flags);
}

/* A guest in the current mode at CPL 0 with a supervisor code page and a data page. */
void fresh_guest(void)
{
    pw_free(&pw);
    pw_init(&pw, mode);
    if (compat) {
        WHV_X64_SEGMENT_REGISTER *cs = &vcpu_reg(&pw.guest.vcpu, WHvX64RegisterCs)->Segment;
        cs->Long = 0;
        cs->Default = 1;
    }
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_RW);
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW);
    force_result = false;
    forced_gpa_offset = 0;
}

void set_cpl(unsigned cpl)
{
    vcpu_set_cpl(&pw.guest.vcpu, cpl);
}

void put(uint64_t gpa, const void *bytes, size_t size)
{
    guest_write(&pw.guest, gpa, bytes, size);
}

bool memory_is(uint64_t gpa, const void *bytes, size_t size)
{
    uint8_t now[16];
    guest_read(&pw.guest, gpa, now, size);
    return memcmp(now, bytes, size) == 0;
}

/* Emulate after an MMIO exit that gave `count` instruction bytes (0: whvemu fetches them)
 * and no usable GVA, so that every page goes through the translate callback. */
void run(const char *bytes, unsigned count)
{
    HRESULT hr;

    set_reg(WHvRegisterPendingInterruption, 0);
    set_reg(WHvX64RegisterCr2, 0);
    pw_begin(&pw);
    hr = guest_run_mmio(&pw.guest, emulator, bytes, count, &status); /* &pw.guest is pw */
    CHECK(hr == S_OK, "%s: hr 0x%x", mode_name(), (unsigned)hr);
}

/* The instruction completed: status, no event, RIP moved by length. RIP is then put back,
 * so that the next run executes the same instruction again. */
void expect_done(const char *what, unsigned length)
{
    uint64_t rip_before = pw.guest.vcpu_before.regs[reg_index_of_name(WHvX64RegisterRip)].Reg64;
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi =
        vcpu_reg(&pw.guest.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(status.AsUINT32 == 1 && !pi.InterruptionPending,
          "%s: %s: status 0x%x, event pending %u (vector %u, error 0x%x)", mode_name(), what,
          status.AsUINT32, (unsigned)pi.InterruptionPending, (unsigned)pi.InterruptionVector,
          (unsigned)pi.ErrorCode);
    CHECK(reg(WHvX64RegisterRip) == rip_before + length, "%s: %s: rip 0x%llx", mode_name(), what,
          (unsigned long long)reg(WHvX64RegisterRip));
    set_reg(WHvX64RegisterRip, rip_before);
}

bool set_names_are(const WHV_REGISTER_NAME *names, unsigned count)
{
    if (pw.guest.calls[GUEST_CB_SET_REGISTERS] != 1 || pw.guest.set_name_count != count)
        return false;
    for (unsigned i = 0; i < count; i++) {
        bool found = false;
        for (unsigned j = 0; j < pw.guest.set_name_count; j++)
            found |= pw.guest.set_names[j] == names[i];
        if (!found)
            return false;
    }
    return true;
}

/* A #PF was injected with this error code and CR2, and nothing else was written back. */
void expect_pf(const char *what, uint32_t error_code, uint64_t cr2)
{
    static const WHV_REGISTER_NAME event_and_cr2[] = { WHvRegisterPendingInterruption,
                                                       WHvX64RegisterCr2 };
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi =
        vcpu_reg(&pw.guest.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    const char *m = mode_name();

    CHECK(status.AsUINT32 == 1, "%s: %s: status 0x%x", m, what, status.AsUINT32);
    CHECK(pi.InterruptionPending && pi.InterruptionType == WHvX64PendingException &&
              pi.InterruptionVector == 14 && pi.DeliverErrorCode,
          "%s: %s: no #PF (pending %u vector %u)", m, what, (unsigned)pi.InterruptionPending,
          (unsigned)pi.InterruptionVector);
    CHECK(pi.ErrorCode == error_code, "%s: %s: error code 0x%x, want 0x%x", m, what,
          (unsigned)pi.ErrorCode, (unsigned)error_code);
    CHECK(reg(WHvX64RegisterCr2) == cr2, "%s: %s: cr2 0x%llx, want 0x%llx", m, what,
          (unsigned long long)reg(WHvX64RegisterCr2), (unsigned long long)cr2);
    CHECK(set_names_are(event_and_cr2, 2), "%s: %s: %u Set calls, the last of %u registers", m,
          what, pw.guest.calls[GUEST_CB_SET_REGISTERS], pw.guest.set_name_count);
}

/* The translate call number i asked for this GVA page with these flags. */
void expect_translate(unsigned i, uint64_t gva_page, unsigned flags, const char *what)
{
    CHECK(i < pw.translate_count && pw.translates[i].gva == gva_page &&
              (unsigned)pw.translates[i].flags == flags,
          "%s: %s: translate %u of %u: gva 0x%llx flags 0x%x, want 0x%llx 0x%x", mode_name(), what,
          i, pw.translate_count,
          (unsigned long long)(i < pw.translate_count ? pw.translates[i].gva : 0),
          i < pw.translate_count ? (unsigned)pw.translates[i].flags : 0u,
          (unsigned long long)gva_page, flags);
}

static bool has_nx(void)
{
    return mode != PW_32BIT;
}

unsigned top_level(void)
{
    static const unsigned levels[PW_MODE_COUNT] = { 2, 3, 4, 5 };
    return levels[mode];
}

/* The levels whose entries carry A (PAE's PDPTEs have none). */
static bool level_has_accessed_bit(unsigned level)
{
    return !(mode == PW_PAE && level == 3);
}

/* I/D is reported for instruction fetches only with SMEP or with PAE-style NX (SDM 4.7). */
static uint32_t fetch_bit(void)
{
    bool nxe = (reg(WHvX64RegisterEfer) & PW_EFER_NXE) && mode != PW_32BIT;
    return (nxe || (reg(WHvX64RegisterCr4) & PW_CR4_SMEP)) ? PF_I : 0;
}

/* ---- the rules ---- */

static const char MOV_LOAD[] = "\x8b\x03";  /* mov eax, [rbx] */
static const char MOV_STORE[] = "\x89\x03"; /* mov [rbx], eax */
static const char ADD_RMW[] = "\x01\x03";   /* add [rbx], eax */

/* A load and a store translate with the access's flags and set A on every level, D on the
 * leaf only when writing; a read-modify-write asks for read and write at once. */
static void test_accessed_dirty(void)
{
    static const uint8_t value[4] = { 0x78, 0x56, 0x34, 0x12 };

    fresh_guest();
    put(DATA_GPA + 0x10, value, 4);
    set_reg(WHvX64RegisterRbx, DATA_GVA + 0x10);
    run(MOV_LOAD, 2);
    expect_done("load", 2);
    CHECK_EQ(reg(WHvX64RegisterRax), 0x12345678, "loaded value");
    expect_translate(0, DATA_GVA, FLAG_READ | FLAG_AD, "load flags");
    for (unsigned level = 1; level <= top_level(); level++)
        if (level_has_accessed_bit(level))
            CHECK(pw_entry(&pw, DATA_GVA, level) & PTE_A, "%s: A at level %u after a load",
                  mode_name(), level);
    CHECK(!(pw_entry(&pw, DATA_GVA, 1) & PTE_D), "%s: a load sets no D", mode_name());

    set_reg(WHvX64RegisterRax, 0xa1b2c3d4);
    run(MOV_STORE, 2);
    expect_done("store", 2);
    expect_translate(0, DATA_GVA, FLAG_WRITE | FLAG_AD, "store flags");
    CHECK(memory_is(DATA_GPA + 0x10, "\xd4\xc3\xb2\xa1", 4), "%s: stored", mode_name());
    CHECK(pw_entry(&pw, DATA_GVA, 1) & PTE_D, "%s: D after a store", mode_name());
    CHECK(!(pw_entry(&pw, DATA_GVA, 2) & PTE_D), "%s: D only in the leaf", mode_name());

    run(ADD_RMW, 2);
    expect_done("add", 2);
    expect_translate(0, DATA_GVA, FLAG_READ | FLAG_WRITE | FLAG_AD, "read-modify-write flags");
    CHECK_EQ(pw.translate_count, 1, "one translation serves the read and the write");
}

/* 2 MiB pages (4 MiB in 32-bit paging, with PSE-36 above 4 GiB) and 1 GiB pages: the
 * address inside the page, and A/D on the large leaf. */
static void test_large_pages(void)
{
    static const uint8_t value[4] = { 0xef, 0xbe, 0xad, 0xde };
    const uint64_t offset = 0x123450;
    uint64_t gpa = mode == PW_32BIT ? UINT64_C(0x100400000) : LARGE_GPA;

    fresh_guest();
    pw_map(&pw, LARGE_GVA, gpa, mode == PW_32BIT ? 0x400000 : 0x200000, PTE_P | PTE_RW);
    put(gpa + offset, value, 4);
    set_reg(WHvX64RegisterRbx, LARGE_GVA + offset);
    run(MOV_LOAD, 2);
    expect_done("large-page load", 2);
    CHECK_EQ(reg(WHvX64RegisterRax), 0xdeadbeef, "large-page value");
    run(MOV_STORE, 2);
    expect_done("large-page store", 2);
    CHECK((pw_entry(&pw, LARGE_GVA, 2) & (PTE_A | PTE_D | PTE_PS)) == (PTE_A | PTE_D | PTE_PS),
          "%s: A and D on the large leaf", mode_name());

    if (mode < PW_4LEVEL)
        return;
    pw_map(&pw, HUGE_GVA, HUGE_GPA, UINT64_C(1) << 30, PTE_P | PTE_RW);
    put(HUGE_GPA + 0x12345678, value, 4);
    set_reg(WHvX64RegisterRbx, HUGE_GVA + 0x12345678);
    run(MOV_LOAD, 2);
    expect_done("1 GiB load", 2);
    CHECK_EQ(reg(WHvX64RegisterRax), 0xdeadbeef, "1 GiB value");
    CHECK(pw_entry(&pw, HUGE_GVA, 3) & PTE_A, "%s: A on the 1 GiB leaf", mode_name());
}

/* Not present at the leaf or above: P=0, with W and U from the access. */
static void test_not_present(void)
{
    uint64_t address = DATA_GVA + 0x24;

    fresh_guest();
    set_reg(WHvX64RegisterRbx, address);
    pw_set_entry(&pw, DATA_GVA, 1, pw_entry(&pw, DATA_GVA, 1) & ~(uint64_t)PTE_P);
    run(MOV_LOAD, 2);
    expect_pf("not-present load", 0, address);
    run(MOV_STORE, 2);
    expect_pf("not-present store", PF_W, address);
    run(ADD_RMW, 2);
    expect_pf("not-present read-modify-write", PF_W, address);
    set_cpl(3);
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_US);
    run(MOV_LOAD, 2);
    expect_pf("user not-present load", PF_U, address);
    run(MOV_STORE, 2);
    expect_pf("user not-present store", PF_U | PF_W, address);

    fresh_guest();
    set_reg(WHvX64RegisterRbx, address);
    pw_set_entry(&pw, DATA_GVA, 2, 0);
    run(MOV_LOAD, 2);
    expect_pf("page table not present", 0, address);
}

/* Writes to a read-only page: CR0.WP decides for supervisor writes, never for user ones. */
static void test_read_only(void)
{
    uint64_t address = DATA_GVA + 0x40;

    fresh_guest();
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_US);
    set_reg(WHvX64RegisterRbx, address);
    run(MOV_LOAD, 2);
    expect_done("read-only load", 2);
    set_reg(WHvX64RegisterRax, 0x11223344);
    run(MOV_STORE, 2);
    expect_pf("supervisor store, WP=1", PF_P | PF_W, address);
    CHECK(!(pw_entry(&pw, DATA_GVA, 1) & PTE_D), "%s: a faulting store sets no D", mode_name());
    set_reg(WHvX64RegisterCr0, reg(WHvX64RegisterCr0) & ~PW_CR0_WP);
    run(MOV_STORE, 2);
    expect_done("supervisor store, WP=0", 2);
    CHECK(memory_is(DATA_GPA + 0x40, "\x44\x33\x22\x11", 4), "%s: stored with WP=0", mode_name());
    CHECK(pw_entry(&pw, DATA_GVA, 1) & PTE_D, "%s: D with WP=0", mode_name());
    set_cpl(3);
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_US);
    run(MOV_STORE, 2);
    expect_pf("user store, WP=0", PF_P | PF_W | PF_U, address);
    set_reg(WHvX64RegisterCr0, reg(WHvX64RegisterCr0) | PW_CR0_WP);
    run(MOV_STORE, 2);
    expect_pf("user store, WP=1", PF_P | PF_W | PF_U, address);

    /* read-only higher up: the page directory entry */
    set_cpl(0);
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW);
    pw_set_entry(&pw, DATA_GVA, 2, pw_entry(&pw, DATA_GVA, 2) & ~(uint64_t)PTE_RW);
    run(MOV_STORE, 2);
    expect_pf("read-only page directory entry", PF_P | PF_W, address);
}

/* User accesses to supervisor pages, at the leaf or above. */
static void test_user_supervisor(void)
{
    uint64_t address = DATA_GVA + 0x80;

    fresh_guest();
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_US);
    set_cpl(3);
    set_reg(WHvX64RegisterRbx, address);
    run(MOV_LOAD, 2);
    expect_pf("user load from a supervisor page", PF_P | PF_U, address);
    run(MOV_STORE, 2);
    expect_pf("user store to a supervisor page", PF_P | PF_W | PF_U, address);
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW | PTE_US);
    run(MOV_LOAD, 2);
    expect_done("user load from a user page", 2);
    pw_set_entry(&pw, DATA_GVA, 2, pw_entry(&pw, DATA_GVA, 2) & ~(uint64_t)PTE_US);
    run(MOV_LOAD, 2);
    expect_pf("U/S=0 in the page directory entry", PF_P | PF_U, address);
}

/* Instruction fetch (no bytes in the exit): execute translation; XD with NXE; XD without NXE
 * is a reserved bit; I/D only where the SDM reports it. */
static void test_fetch_rights(void)
{
    fresh_guest();
    put(CODE_GPA, MOV_LOAD, 2);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    run("", 0);
    expect_done("fetched load", 2);
    expect_translate(0, CODE_GVA, FLAG_EXECUTE | FLAG_AD, "fetch flags");

    pw_set_entry(&pw, CODE_GVA, 1, pw_entry(&pw, CODE_GVA, 1) & ~(uint64_t)PTE_P);
    run("", 0);
    expect_pf("fetch from a not-present page", fetch_bit(), CODE_GVA);

    set_cpl(3);
    map(CODE_GVA, CODE_GPA, PTE_P);
    run("", 0);
    expect_pf("user fetch from a supervisor page", PF_P | PF_U | fetch_bit(), CODE_GVA);
    set_cpl(0);

    if (!has_nx())
        return;
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_XD);
    run("", 0);
    expect_pf("fetch from an XD page", PF_P | PF_I, CODE_GVA);
    map(CODE_GVA, CODE_GPA, PTE_P);
    pw_set_entry(&pw, CODE_GVA, 2, pw_entry(&pw, CODE_GVA, 2) | PTE_XD);
    run("", 0);
    expect_pf("XD in the page directory entry", PF_P | PF_I, CODE_GVA);

    /* without EFER.NXE, bit 63 is reserved and a fetch fault carries no I/D */
    set_reg(WHvX64RegisterEfer, reg(WHvX64RegisterEfer) & ~PW_EFER_NXE);
    run("", 0);
    expect_pf("XD without NXE", PF_P | PF_RSVD, CODE_GVA);
    map(CODE_GVA, CODE_GPA, 0);
    pw_set_entry(&pw, CODE_GVA, 2, pw_entry(&pw, CODE_GVA, 2) & ~PTE_XD);
    run("", 0);
    expect_pf("not-present fetch without NXE", 0, CODE_GVA);
}

/* SMEP: no supervisor fetch from a user page; it makes I/D reported in every mode. */
static void test_smep(void)
{
    fresh_guest();
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_RW | PTE_US);
    put(CODE_GPA, MOV_LOAD, 2);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    run("", 0);
    expect_done("supervisor fetch from a user page without SMEP", 2);
    set_reg(WHvX64RegisterCr4, reg(WHvX64RegisterCr4) | PW_CR4_SMEP);
    run("", 0);
    expect_pf("supervisor fetch from a user page with SMEP", PF_P | PF_I, CODE_GVA);
    map(CODE_GVA, CODE_GPA, 0);
    run("", 0);
    expect_pf("not-present fetch with SMEP", PF_I, CODE_GVA);
}

/* A descriptor for a flat read/write data segment, accessed (so that loading it writes
 * nothing back to the GDT). */
static const uint8_t FLAT_DATA_DESCRIPTOR[8] = { 0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0 };

/* SMAP: supervisor data accesses to user pages need RFLAGS.AC=1, and implicit supervisor
 * accesses (the GDT) never get it; instruction fetches are not data accesses. */
static void test_smap(void)
{
    uint64_t address = DATA_GVA + 0x100;

    fresh_guest();
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW | PTE_US);
    set_reg(WHvX64RegisterCr4, reg(WHvX64RegisterCr4) | PW_CR4_SMAP);
    set_reg(WHvX64RegisterRbx, address);
    run(MOV_LOAD, 2);
    expect_pf("supervisor load from a user page, AC=0", PF_P, address);
    run(MOV_STORE, 2);
    expect_pf("supervisor store to a user page, AC=0", PF_P | PF_W, address);
    set_reg(WHvX64RegisterRflags, reg(WHvX64RegisterRflags) | PW_RFLAGS_AC);
    run(MOV_LOAD, 2);
    expect_done("supervisor load from a user page, AC=1", 2);
    expect_translate(0, DATA_GVA, FLAG_READ | FLAG_AD, "explicit access flags");
    run(MOV_STORE, 2);
    expect_done("supervisor store to a user page, AC=1", 2);

    /* implicit: mov ds, [rbx] reads the descriptor from a GDT on a user page */
    map(GDT_GVA, GDT_GPA, PTE_P | PTE_RW | PTE_US);
    put(GDT_GPA + 0x10, FLAT_DATA_DESCRIPTOR, 8);
    vcpu_reg(&pw.guest.vcpu, WHvX64RegisterGdtr)->Table.Base = GDT_GVA;
    put(DATA_GPA + 0x100, "\x10\x00", 2);
    run("\x8e\x1b", 2);
    expect_pf("implicit supervisor access to a user page, AC=1", PF_P, GDT_GVA + 0x10);
    expect_translate(1, GDT_GVA, FLAG_READ | FLAG_AD | FLAG_ENFORCE_SMAP,
                     "implicit supervisor access flags");
    map(GDT_GVA, GDT_GPA, PTE_P | PTE_RW);
    run("\x8e\x1b", 2);
    expect_done("implicit supervisor access to a supervisor page", 2);
    CHECK_EQ(vcpu_reg(&pw.guest.vcpu, WHvX64RegisterDs)->Segment.Selector, 0x10, "ds loaded");

    /* a fetch from a user page is no data access: SMAP lets it through (SMEP is off), and a
     * data access to that same page is still checked */
    set_reg(WHvX64RegisterRflags, reg(WHvX64RegisterRflags) & ~PW_RFLAGS_AC);
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_RW | PTE_US);
    put(CODE_GPA, MOV_LOAD, 2);
    set_reg(WHvX64RegisterRbx, address);
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW);
    run("", 0);
    expect_done("supervisor fetch from a user page, SMAP on, SMEP off", 2);
    set_reg(WHvX64RegisterRbx, CODE_GVA + 0x10);
    run("", 0);
    expect_pf("load from the user page the code is on", PF_P, CODE_GVA + 0x10);
}

/* The implicit write of a descriptor's accessed bit: a supervisor write, refused on a
 * read-only GDT page with CR0.WP; done (and the page dirty) on a writable one. */
static void test_implicit_write(void)
{
    static const uint8_t not_accessed[8] = { 0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0 };

    fresh_guest();
    map(GDT_GVA, GDT_GPA, PTE_P);
    put(GDT_GPA + 0x10, not_accessed, 8);
    vcpu_reg(&pw.guest.vcpu, WHvX64RegisterGdtr)->Table.Base = GDT_GVA;
    put(DATA_GPA, "\x10\x00", 2);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    run("\x8e\x1b", 2); /* mov ds, [rbx] */
    expect_pf("accessed bit on a read-only GDT page", PF_P | PF_W, GDT_GVA + 0x15);
    map(GDT_GVA, GDT_GPA, PTE_P | PTE_RW);
    run("\x8e\x1b", 2);
    expect_done("accessed bit on a writable GDT page", 2);
    CHECK(memory_is(GDT_GPA + 0x15, "\x93", 1), "%s: accessed bit set", mode_name());
    CHECK(pw_entry(&pw, GDT_GVA, 1) & PTE_D, "%s: GDT page dirty", mode_name());
}

/* Implicit supervisor accesses at CPL 3 (the TSS I/O bitmap of IN): PrivilegeExempt, and a
 * fault there is a supervisor-mode one (U=0). */
static void test_implicit_cpl3(void)
{
    static const struct guest_port_access in_al_dx = { 0x60, 1, false, false, false };
    WHV_X64_SEGMENT_REGISTER *tr;
    const char *m = mode_name();

    fresh_guest();
    map(TSS_GVA, TSS_GPA, PTE_P | PTE_RW);
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_US);
    put(TSS_GPA + 0x66, "\x68\x00", 2); /* I/O map base; the bitmap reads zero: ports allowed */
    tr = &vcpu_reg(&pw.guest.vcpu, WHvX64RegisterTr)->Segment;
    tr->Base = TSS_GVA;
    tr->Limit = 0x2068;
    set_cpl(3);
    for (int present = 1; present >= 0; present--) {
        if (!present)
            map(TSS_GVA, TSS_GPA, 0);
        set_reg(WHvRegisterPendingInterruption, 0);
        pw_begin(&pw);
        /* in al, dx */
        CHECK(guest_run_io(&pw.guest, emulator, "\xec", 1, &in_al_dx, &status) == S_OK, "%s: hr",
              m);
        expect_translate(0, TSS_GVA, FLAG_READ | FLAG_AD | FLAG_EXEMPT | FLAG_ENFORCE_SMAP,
                         "TSS read flags");
        if (present)
            expect_done("IN at CPL 3 with the bitmap on a supervisor page", 1);
        else
            expect_pf("IN at CPL 3, TSS not present", 0, TSS_GVA + 0x66);
    }
}

/* Protection keys (IA-32e paging, CR4.PKE): PKRU's access-disable and write-disable bits
 * of the leaf's key, for user and supervisor data accesses to user pages. The walk refuses
 * the access (PrivilegeViolation); the #PF's PK bit (5) cannot be reported: whvemu sees
 * neither PKRU nor the key (no WHv register holds PKRU), so the error code lacks it. */
static void test_protection_keys(void)
{
    const unsigned key = 5;
    uint64_t address = DATA_GVA + 0x200;

    if (mode < PW_4LEVEL)
        return;
    fresh_guest();
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW | PTE_US | (uint64_t)key << PTE_PKEY_SHIFT);
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_US);
    set_reg(WHvX64RegisterCr4, reg(WHvX64RegisterCr4) | PW_CR4_PKE);
    set_reg(WHvX64RegisterRbx, address);
    set_cpl(3);
    run(MOV_LOAD, 2);
    expect_done("user load, key allows all", 2);
    pw.pkru = 1u << (2 * key); /* access disable */
    run(MOV_LOAD, 2);
    expect_pf("user load, access disabled (no PK bit)", PF_P | PF_U, address);
    pw.pkru = 2u << (2 * key); /* write disable */
    run(MOV_LOAD, 2);
    expect_done("user load, write disabled", 2);
    run(MOV_STORE, 2);
    expect_pf("user store, write disabled (no PK bit)", PF_P | PF_W | PF_U, address);
    set_cpl(0);
    run(MOV_STORE, 2);
    expect_pf("supervisor store, write disabled, WP=1", PF_P | PF_W, address);
    set_reg(WHvX64RegisterCr0, reg(WHvX64RegisterCr0) & ~PW_CR0_WP);
    run(MOV_STORE, 2);
    expect_done("supervisor store, write disabled, WP=0", 2);
    pw.pkru = 1u << (2 * key);
    run(MOV_LOAD, 2);
    expect_pf("supervisor load, access disabled", PF_P, address);
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_RW | PTE_US | (uint64_t)key << PTE_PKEY_SHIFT);
    put(CODE_GPA, MOV_LOAD, 2);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW);
    run("", 0);
    expect_done("fetch from a page whose key denies data access", 2);
}

/* 57-bit addresses: canonical with CR4.LA57, and walked through the PML5. */
static void test_wide_addresses(void)
{
    const uint64_t wide = UINT64_C(0x00f0000000001000);

    if (!code64())
        return;
    fresh_guest();
    set_reg(WHvX64RegisterRbx, wide);
    if (mode == PW_4LEVEL) {
        WHV_X64_PENDING_INTERRUPTION_REGISTER pi;
        run(MOV_LOAD, 2);
        pi = vcpu_reg(&pw.guest.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
        CHECK(status.AsUINT32 == 1 && pi.InterruptionPending && pi.InterruptionVector == 13 &&
                  pi.ErrorCode == 0 && pw.translate_count == 0,
              "4-level: a 57-bit address is not canonical: #GP(0) before any translation");
        return;
    }
    map(wide, DATA_GPA, PTE_P | PTE_RW);
    put(DATA_GPA, "\x0d\xf0\xad\x0b", 4);
    run(MOV_LOAD, 2);
    expect_done("load from a 57-bit address", 2);
    CHECK_EQ(reg(WHvX64RegisterRax), 0x0badf00d, "value at a 57-bit address");
    CHECK(pw_entry(&pw, wide, 5) & PTE_A, "5-level: A in the PML5 entry");
    pw_set_entry(&pw, wide, 5, 0);
    run(MOV_LOAD, 2);
    expect_pf("PML5 entry not present", 0, wide);
}

/* Reserved bits: RSVD with P, and W/U of the access. */
static void test_reserved_bits(void)
{
    uint64_t address = DATA_GVA + 0x8;

    fresh_guest();
    set_reg(WHvX64RegisterRbx, address);
    if (mode == PW_32BIT) {
        pw_map(&pw, LARGE_GVA, LARGE_GPA, 0x400000, PTE_P | PTE_RW | (1u << 21));
        set_reg(WHvX64RegisterRbx, LARGE_GVA + 8);
        run(MOV_LOAD, 2);
        expect_pf("bit 21 of a 4 MiB page", PF_P | PF_RSVD, LARGE_GVA + 8);
        pw.maxphyaddr = 36; /* PSE-36 bits above it are reserved */
        pw_map(&pw, LARGE_GVA, UINT64_C(0x1000000000), 0x400000, PTE_P | PTE_RW);
        run(MOV_STORE, 2);
        expect_pf("4 MiB page above MAXPHYADDR", PF_P | PF_RSVD | PF_W, LARGE_GVA + 8);
        return;
    }
    pw_set_entry(&pw, DATA_GVA, 1, pw_entry(&pw, DATA_GVA, 1) | UINT64_C(1) << 51);
    run(MOV_LOAD, 2);
    expect_pf("bit 51 of a page-table entry", PF_P | PF_RSVD, address);
    set_cpl(3);
    map(CODE_GVA, CODE_GPA, PTE_P | PTE_US);
    run(MOV_STORE, 2);
    expect_pf("user store, reserved bit", PF_P | PF_RSVD | PF_W | PF_U, address);
    set_cpl(0);
    map(DATA_GVA, DATA_GPA, PTE_P | PTE_RW);
    pw_map(&pw, LARGE_GVA, LARGE_GPA | 0x2000, 0x200000, PTE_P | PTE_RW);
    set_reg(WHvX64RegisterRbx, LARGE_GVA);
    run(MOV_LOAD, 2);
    expect_pf("2 MiB page with address bit 13", PF_P | PF_RSVD, LARGE_GVA);
    set_reg(WHvX64RegisterRbx, address);
    if (mode == PW_PAE) {
        pw_set_entry(&pw, DATA_GVA, 2, pw_entry(&pw, DATA_GVA, 2) | UINT64_C(1) << 62);
        run(MOV_LOAD, 2);
        expect_pf("PAE bit 62", PF_P | PF_RSVD, address);
        return;
    }
    pw_set_entry(&pw, DATA_GVA, 4, pw_entry(&pw, DATA_GVA, 4) | PTE_PS);
    run(MOV_LOAD, 2);
    expect_pf("PS in a PML4 entry", PF_P | PF_RSVD, address);
    pw_set_entry(&pw, DATA_GVA, 4, pw_entry(&pw, DATA_GVA, 4) & ~(uint64_t)PTE_PS);
    pw_map(&pw, HUGE_GVA, HUGE_GPA | 0x200000, UINT64_C(1) << 30, PTE_P | PTE_RW);
    set_reg(WHvX64RegisterRbx, HUGE_GVA);
    run(MOV_LOAD, 2);
    expect_pf("1 GiB page with address bit 21", PF_P | PF_RSVD, HUGE_GVA);
}

/* A data access across a page boundary whose second page faults: CR2 is the first byte on
 * that page and nothing is written, not even the part on the first page. */
static void test_straddling_data(void)
{
    uint64_t address = DATA_GVA + 0xffe, next = DATA_GVA + 0x1000;

    fresh_guest();
    put(DATA_GPA + 0xffe, "\xaa\xbb", 2);
    put(NEXT_GPA, "\xcc\xdd", 2);
    set_reg(WHvX64RegisterRbx, address);
    set_reg(WHvX64RegisterRax, 0x44332211);
    run(MOV_STORE, 2);
    expect_pf("store, second page not present", PF_W, next);
    CHECK(memory_is(DATA_GPA + 0xffe, "\xaa\xbb", 2), "%s: first page untouched", mode_name());
    CHECK_EQ(pw.guest.calls[GUEST_CB_MEMORY], 0, "no memory access");
    run(MOV_LOAD, 2);
    expect_pf("load, second page not present", 0, next);

    map(next, NEXT_GPA, PTE_P);
    run(MOV_STORE, 2);
    expect_pf("store, second page read-only", PF_P | PF_W, next);
    CHECK(memory_is(DATA_GPA + 0xffe, "\xaa\xbb", 2), "%s: first page untouched (read-only)",
          mode_name());
    run(MOV_LOAD, 2);
    expect_done("load across pages", 2);
    CHECK_EQ(reg(WHvX64RegisterRax), 0xddccbbaa, "the two halves");

    map(next, NEXT_GPA, PTE_P | PTE_RW);
    set_reg(WHvX64RegisterRax, 0x44332211);
    run(MOV_STORE, 2);
    expect_done("store across pages", 2);
    CHECK(memory_is(DATA_GPA + 0xffe, "\x11\x22", 2) && memory_is(NEXT_GPA, "\x33\x44", 2),
          "%s: both halves stored", mode_name());
    CHECK((pw_entry(&pw, DATA_GVA, 1) & PTE_D) && (pw_entry(&pw, next, 1) & PTE_D),
          "%s: D on both pages", mode_name());
}

/* PUSH [mem] onto a read-only stack page: a supervisor write fault at the new top of stack,
 * RSP not written. */
static void test_stack_fault(void)
{
    unsigned size = code64() ? 8 : 4;
    uint64_t rsp;

    fresh_guest();
    rsp = reg(WHvX64RegisterRsp);
    map((rsp - 1) & ~UINT64_C(0xfff), DATA_GPA + 0x2000, PTE_P);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    run("\xff\x33", 2); /* push [rbx] */
    expect_pf("push onto a read-only stack page", PF_P | PF_W, rsp - size);
    map((rsp - 1) & ~UINT64_C(0xfff), DATA_GPA + 0x2000, PTE_P | PTE_RW);
    run("\xff\x33", 2);
    expect_done("push onto a writable stack page", 2);
    CHECK_EQ(reg(WHvX64RegisterRsp), rsp - size, "rsp after push");
}

/* REP MOVSB whose source runs onto a missing page: the iterations before it are done and
 * their RSI/RDI/RCX written back with the #PF (the one exception to "only the event"),
 * CR2 the first byte of the missing page. */
static void test_rep_fault(void)
{
    static const WHV_REGISTER_NAME written[] = { WHvRegisterPendingInterruption, WHvX64RegisterCr2,
                                                 WHvX64RegisterRsi, WHvX64RegisterRdi,
                                                 WHvX64RegisterRcx };
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi;

    fresh_guest();
    put(DATA_GPA + 0xffc, "\x01\x02\x03\x04", 4);
    set_reg(WHvX64RegisterRsi, DATA_GVA + 0xffc);
    set_reg(WHvX64RegisterRdi, DATA_GVA + 0x100);
    set_reg(WHvX64RegisterRcx, 8);
    run("\xf3\xa4", 2);
    pi = vcpu_reg(&pw.guest.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    CHECK(status.AsUINT32 == 1 && pi.InterruptionVector == 14 && pi.ErrorCode == 0,
          "%s: rep movsb: #PF(0), status 0x%x vector %u error 0x%x", mode_name(), status.AsUINT32,
          (unsigned)pi.InterruptionVector, (unsigned)pi.ErrorCode);
    CHECK_EQ(reg(WHvX64RegisterCr2), DATA_GVA + 0x1000, "rep movsb: cr2");
    CHECK_EQ(reg(WHvX64RegisterRcx), 4, "rep movsb: rcx after 4 iterations");
    CHECK_EQ(reg(WHvX64RegisterRsi), DATA_GVA + 0x1000, "rep movsb: rsi");
    CHECK_EQ(reg(WHvX64RegisterRdi), DATA_GVA + 0x104, "rep movsb: rdi");
    CHECK_EQ(reg(WHvX64RegisterRip), CODE_GVA, "rep movsb: rip stays on the instruction");
    CHECK(memory_is(DATA_GPA + 0x100, "\x01\x02\x03\x04", 4), "%s: rep movsb: 4 bytes copied",
          mode_name());
    CHECK(set_names_are(written, 5), "%s: rep movsb: %u Set calls, the last of %u registers",
          mode_name(), pw.guest.calls[GUEST_CB_SET_REGISTERS], pw.guest.set_name_count);
}

/* Outside 64-bit mode linear addresses wrap at 4 GiB: the page after 0xfffff000 is page 0,
 * and a fault there reports CR2 = 0. */
static void test_linear_wrap(void)
{
    if (code64())
        return;
    fresh_guest();
    vcpu_reg(&pw.guest.vcpu, WHvX64RegisterDs)->Segment.Base = 0x1000;
    set_reg(WHvX64RegisterRbx, 0xffffeffe); /* linear 0xfffffffe */
    map(0xfffff000, DATA_GPA, PTE_P | PTE_RW);
    put(DATA_GPA + 0xffe, "\x01\x02", 2);
    put(NEXT_GPA, "\x03\x04", 2);
    run(MOV_LOAD, 2);
    expect_pf("load wrapping at 4 GiB onto a missing page 0", 0, 0);
    map(0, NEXT_GPA, PTE_P | PTE_RW);
    run(MOV_LOAD, 2);
    expect_done("load wrapping at 4 GiB", 2);
    CHECK_EQ(reg(WHvX64RegisterRax), 0x04030201, "the bytes at 0xfffffffe and 0");

    /* a fetch goes through the CS base too: CR2 is linear */
    vcpu_reg(&pw.guest.vcpu, WHvX64RegisterCs)->Segment.Base = 0x1000;
    set_reg(WHvX64RegisterRip, CODE_GVA - 0x1000);
    map(CODE_GVA, CODE_GPA, 0);
    run("", 0);
    expect_pf("fetch through a CS base", fetch_bit(), CODE_GVA);
}

/* An instruction across a page boundary whose second page is not present: #PF on the
 * fetch, CR2 the first byte on that page, whether the exit gave no bytes or some. */
static void test_straddling_fetch(void)
{
    const char store[] = "\x89\x43\x04"; /* mov [rbx+4], eax */
    uint64_t rip = CODE_GVA + 0xffe, next = CODE_GVA + 0x1000;

    fresh_guest();
    set_reg(WHvX64RegisterRip, rip);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    put(CODE_GPA + 0xffe, store, 2);
    put(NEXT_GPA + 0x10000, store + 2, 1);
    run("", 0);
    expect_pf("fetch, second page not present", fetch_bit(), next);
    run(store, 2);
    expect_pf("2 of 3 bytes given, second page not present", fetch_bit(), next);
    map(next, NEXT_GPA + 0x10000, PTE_P);
    run(store, 2);
    expect_done("instruction across pages", 3);
    expect_translate(0, next, FLAG_EXECUTE | FLAG_AD, "second-page fetch flags");
}

/* ---- status bits ---- */

static void expect_status_only(const char *what, uint32_t bits)
{
    CHECK(status.AsUINT32 == bits, "%s: %s: status 0x%x, want 0x%x", mode_name(), what,
          status.AsUINT32, bits);
    CHECK(pw.guest.calls[GUEST_CB_SET_REGISTERS] == 0, "%s: %s: %u Set calls", mode_name(), what,
          pw.guest.calls[GUEST_CB_SET_REGISTERS]);
}

/* The GVA translated but the GPA is not RAM (Hyper-V's GpaUnmapped, GpaNoReadAccess,
 * GpaNoWriteAccess): the access goes to the memory callback; the other codes end the call. */
static void test_translate_results(void)
{
    static const struct {
        WHV_TRANSLATE_GVA_RESULT_CODE result;
        uint32_t status;
    } cases[] = {
        { WHvTranslateGvaResultGpaNoReadAccess, 1 },
        { WHvTranslateGvaResultGpaNoWriteAccess, 1 },
        { WHvTranslateGvaResultGpaIllegalOverlayAccess, 1u << 4 },
        { WHvTranslateGvaResultIntercept, 1u << 4 },
        { (WHV_TRANSLATE_GVA_RESULT_CODE)42, 1u << 4 },
    };

    fresh_guest();
    pw.mmio_base = DATA_GPA;
    pw.mmio_size = 0x1000;
    put(DATA_GPA, "\x01\x02\x03\x04", 4);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    run(MOV_LOAD, 2);
    expect_done("load from a GPA the partition does not map", 2);
    CHECK(pw.translate_count == 1 && pw.translates[0].result == WHvTranslateGvaResultGpaUnmapped,
          "%s: the walk said GpaUnmapped", mode_name());
    CHECK_EQ(reg(WHvX64RegisterRax), 0x04030201, "MMIO value");

    pw.mmio_size = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        force_result = true;
        forced_result = cases[i].result;
        set_reg(WHvX64RegisterRax, 0);
        run(MOV_LOAD, 2);
        if (cases[i].status == 1) {
            expect_done("GpaNo*Access", 2);
            CHECK_EQ(reg(WHvX64RegisterRax), 0x04030201, "value through the memory callback");
        } else {
            expect_status_only("no guest-visible translation", cases[i].status);
            CHECK_EQ(pw.guest.calls[GUEST_CB_MEMORY], 0, "no memory access");
        }
    }
    force_result = true;
    forced_result = WHvTranslateGvaResultSuccess;
    forced_gpa_offset = 0x10;
    run(MOV_LOAD, 2);
    expect_status_only("unaligned GPA", 1u << 5);
}

/* A failure in the middle of an instruction: only its bit, no register written back; what
 * the memory callback already wrote stays written (docs/semantics.md). */
static void test_failures_midway(void)
{
    uint64_t address = DATA_GVA + 0xffc;

    fresh_guest();
    map(DATA_GVA + 0x1000, NEXT_GPA, PTE_P | PTE_RW);
    set_reg(WHvX64RegisterRbx, address);
    set_reg(WHvX64RegisterRax, 0x44332211);

    pw.guest.fail_at[GUEST_CB_TRANSLATE] = 2; /* the second page */
    run("\x89\x43\x02", 3);                   /* mov [rbx+2], eax: 2 + 2 bytes */
    pw.guest.fail_at[GUEST_CB_TRANSLATE] = 0;
    expect_status_only("translate fails on the second page", 1u << 4);
    CHECK_EQ(pw.guest.calls[GUEST_CB_MEMORY], 0, "nothing written");

    pw.guest.fail_at[GUEST_CB_MEMORY] = 2;
    run("\x89\x43\x02", 3);
    pw.guest.fail_at[GUEST_CB_MEMORY] = 0;
    expect_status_only("memory fails on the second piece", 1u << 3);
    CHECK(memory_is(DATA_GPA + 0xffe, "\x11\x22", 2), "%s: the first piece stays written",
          mode_name());

    pw.guest.fail_at[GUEST_CB_SET_REGISTERS] = 1;
    run(MOV_LOAD, 2);
    pw.guest.fail_at[GUEST_CB_SET_REGISTERS] = 0;
    CHECK_EQ(status.AsUINT32, 1u << 7, "Set failure: its bit only, not success");
    CHECK_EQ(reg(WHvX64RegisterRip), CODE_GVA, "rip not written");

    pw.guest.fail_at[GUEST_CB_GET_REGISTERS] = 1;
    run(MOV_LOAD, 2);
    pw.guest.fail_at[GUEST_CB_GET_REGISTERS] = 0;
    expect_status_only("Get failure", 1u << 6);
}

/* Port I/O: a failing port callback, and an exit during event delivery. */
static void test_io_status(void)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;

    fresh_guest();
    vcpu_exit_context(&pw.guest.vcpu, 0, &vp);
    memset(&io, 0, sizeof io);
    io.InstructionByteCount = 1;
    io.InstructionBytes[0] = 0xee; /* out dx, al */
    io.AccessInfo.IsWrite = 1;
    io.AccessInfo.AccessSize = 1;
    io.PortNumber = 0x80;
    pw.guest.fail_at[GUEST_CB_IO] = 1;
    pw_begin(&pw);
    CHECK(WHvEmulatorTryIoEmulation(emulator, &pw, &vp, &io, &status) == S_OK, "hr");
    pw.guest.fail_at[GUEST_CB_IO] = 0;
    expect_status_only("port callback fails", 1u << 2);

    vp.ExecutionState.InterruptionPending = 1;
    pw_begin(&pw);
    CHECK(WHvEmulatorTryIoEmulation(emulator, &pw, &vp, &io, &status) == S_OK, "hr");
    expect_status_only("exit during event delivery", 1u << 8);
    CHECK_EQ(pw.guest.callback_count, 0, "no callback at all");
}

/* A #PF due while an event is already pending: GuestCannotBeFaulted, nothing written. */
static void test_cannot_be_faulted(void)
{
    WHV_REGISTER_VALUE *pending = vcpu_reg(&pw.guest.vcpu, WHvRegisterPendingInterruption);

    fresh_guest();
    map(DATA_GVA, DATA_GPA, 0);
    set_reg(WHvX64RegisterRbx, DATA_GVA);
    pending->PendingInterruption.InterruptionPending = 1;
    pending->PendingInterruption.InterruptionVector = 13;
    pw_begin(&pw);
    CHECK(guest_run_mmio(&pw.guest, emulator, MOV_LOAD, 2, &status) == S_OK, "hr");
    expect_status_only("a second fault", 1u << 9);
    CHECK_EQ(pending->PendingInterruption.InterruptionVector, 13, "the pending event stays");
    CHECK_EQ(reg(WHvX64RegisterCr2), 0, "cr2 untouched");
}

/* Every test in the current paging mode. */
static void test_mode(void)
{
    test_accessed_dirty();
    test_large_pages();
    test_not_present();
    test_read_only();
    test_user_supervisor();
    test_fetch_rights();
    test_smep();
    test_smap();
    test_implicit_write();
    test_implicit_cpl3();
    test_protection_keys();
    test_wide_addresses();
    test_reserved_bits();
    test_straddling_data();
    test_linear_wrap();
    test_rep_fault();
    test_stack_fault();
    test_straddling_fetch();
    test_translate_results();
    test_failures_midway();
    test_io_status();
    test_cannot_be_faulted();
    test_shadow_stack();
}

int main(void)
{
    WHV_EMULATOR_CALLBACKS callbacks = pw_callbacks();

    callbacks.WHvEmulatorTranslateGvaPage = forcing_translate;
    CHECK(WHvEmulatorCreateEmulator(&callbacks, &emulator) == S_OK, "create");
    for (mode = 0; mode < PW_MODE_COUNT; mode++)
        test_mode();
    mode = PW_4LEVEL;
    compat = true;
    test_mode();
    WHvEmulatorDestroyEmulator(emulator);
    pw_free(&pw);
    return check_summary();
}
