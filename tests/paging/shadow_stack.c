/* CET shadow stacks through the public API (docs/cet.md): WRSS, WRUSS, RSTORSSP and
 * CLRSSBSY on pages the guest's own tables make shadow-stack pages or not, in the paging
 * mode under test (test_paging.c runs it in each, and in compatibility mode). No CPU the
 * tests run on executes these instructions where the tests can see them (docs/cet.md,
 * "Testing"), so the expectations are hand-written from the SDM: vol. 2 (each instruction's
 * operation and exceptions), vol. 3A §4.6 (shadow-stack pages) and §4.7 (the #PF SS bit). */
#include <string.h>

#include "check.h"
#include "paging_test.h"

#define PF_SS 0x40

/* The shadow-stack layout: below 4 GiB for every mode, clear of the other tests' pages (a
 * page table of its own in every mode, whose directory entry the tests change). */
#define SS_GVA UINT64_C(0x00a00000) /* supervisor shadow-stack page: R/W = 0, D = 1 */
#define SS_GPA UINT64_C(0x00320000)
#define USER_SS_GVA UINT64_C(0x00a01000) /* user shadow-stack page */
#define USER_SS_GPA UINT64_C(0x00321000)
#define RO_GVA UINT64_C(0x00a02000) /* read-only without D: no shadow-stack page */
#define RO_GPA UINT64_C(0x00322000)
#define ABSENT_GVA UINT64_C(0x00a03000) /* not present */

enum { SH_STK_EN = 1, WR_SHSTK_EN = 2 };
#define CR4_CET (UINT64_C(1) << 23)
#define RFLAGS_FIXED UINT64_C(0x2)
#define RFLAGS_ARITH UINT64_C(0x8d5) /* CF PF AF ZF SF OF */
#define RFLAGS_CF UINT64_C(0x1)
enum { VECTOR_UD = 6, VECTOR_GP = 13, VECTOR_CP = 21, CP_RSTORSSP = 4 };

/* The forms, [rbx] in 64-bit code and [ebx] elsewhere; the Q forms need 64-bit code. */
static const char WRSSD[] = "\x0f\x38\xf6\x03";          /* wrssd [rbx], eax */
static const char WRSSQ[] = "\x48\x0f\x38\xf6\x03";      /* wrssq [rbx], rax */
static const char WRUSSD[] = "\x66\x0f\x38\xf5\x03";     /* wrussd [rbx], eax */
static const char WRUSSQ[] = "\x66\x48\x0f\x38\xf5\x03"; /* wrussq [rbx], rax */
static const char RSTORSSP[] = "\xf3\x0f\x01\x2b";       /* rstorssp [rbx] */
static const char CLRSSBSY[] = "\xf3\x0f\xae\x33";       /* clrssbsy [rbx] */

static unsigned length(const char *insn)
{
    return (unsigned)strlen(insn);
}

static uint64_t qword_at(uint64_t gpa)
{
    uint8_t b[8];
    uint64_t v = 0;

    guest_read(&pw.guest, gpa, b, 8);
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static void put_qword(uint64_t gpa, uint64_t v)
{
    uint8_t b[8];

    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put(gpa, b, 8);
}

/* The mode's guest with shadow stacks enabled at every privilege and WRSS allowed, SSP on
 * the supervisor page, and the pages of the layout. */
static void cet_guest(void)
{
    fresh_guest();
    set_reg(WHvX64RegisterCr4, reg(WHvX64RegisterCr4) | CR4_CET);
    set_reg(WHvX64RegisterSCet, SH_STK_EN | WR_SHSTK_EN);
    set_reg(WHvX64RegisterUCet, SH_STK_EN | WR_SHSTK_EN);
    set_reg(WHvX64RegisterSsp, SS_GVA + 0x800);
    map(SS_GVA, SS_GPA, PTE_P | PTE_D);
    map(USER_SS_GVA, USER_SS_GPA, PTE_P | PTE_D | PTE_US);
    map(RO_GVA, RO_GPA, PTE_P);
}

static void run_at(const char *insn, uint64_t address)
{
    set_reg(WHvX64RegisterRbx, address);
    run(insn, length(insn));
}

/* An exception without CR2 was injected, and nothing else was written back. */
static void expect_event(const char *what, unsigned vector, bool has_error_code,
                         uint32_t error_code)
{
    static const WHV_REGISTER_NAME event[] = { WHvRegisterPendingInterruption };
    WHV_X64_PENDING_INTERRUPTION_REGISTER pi =
        vcpu_reg(&pw.guest.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;

    CHECK(status.AsUINT32 == 1 && pi.InterruptionPending && pi.InterruptionVector == vector &&
              pi.DeliverErrorCode == has_error_code && pi.ErrorCode == error_code,
          "%s: %s: status 0x%x, pending %u vector %u error code %u/0x%x, want %u 0x%x", mode_name(),
          what, status.AsUINT32, (unsigned)pi.InterruptionPending, (unsigned)pi.InterruptionVector,
          (unsigned)pi.DeliverErrorCode, (unsigned)pi.ErrorCode, vector, (unsigned)error_code);
    CHECK(set_names_are(event, 1), "%s: %s: more than the event written back", mode_name(), what);
}

/* WRSS writes to a shadow-stack page, after a translation that asked for a read (the WHv
 * flags' write would refuse the page). */
static void test_wrss_writes(void)
{
    cet_guest();
    set_reg(WHvX64RegisterRax, UINT64_C(0x1122334455667788));
    run_at(WRSSD, SS_GVA + 0x18);
    expect_done("wrssd to a shadow-stack page", length(WRSSD));
    CHECK_EQ(qword_at(SS_GPA + 0x18), 0x55667788, "wrssd's doubleword");
    expect_translate(0, SS_GVA, FLAG_READ | FLAG_AD, "wrssd");
    if (!code64())
        return;
    run_at(WRSSQ, SS_GVA + 0x20);
    expect_done("wrssq to a shadow-stack page", length(WRSSQ));
    CHECK_EQ(qword_at(SS_GPA + 0x20), UINT64_C(0x1122334455667788), "wrssq's quadword");
}

/* Every other page is refused with #PF: P as the page is present, W, SS, and U = 0 at CPL 0;
 * the page is left as it was. */
static void test_wrss_refused(void)
{
    static const struct {
        uint64_t gva, gpa;
        uint32_t error_code;
        const char *what;
    } pages[] = {
        { DATA_GVA, DATA_GPA, PF_P | PF_W | PF_SS, "a writable page" },
        { RO_GVA, RO_GPA, PF_P | PF_W | PF_SS, "a read-only page without D" },
        { USER_SS_GVA, USER_SS_GPA, PF_P | PF_W | PF_SS, "a user shadow-stack page at CPL 0" },
        { ABSENT_GVA, 0, PF_W | PF_SS, "an absent page" },
    };

    cet_guest();
    set_reg(WHvX64RegisterRax, 0x5a5a5a5a);
    for (unsigned i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        run_at(WRSSD, pages[i].gva + 8);
        expect_pf(pages[i].what, pages[i].error_code, pages[i].gva + 8);
        if (pages[i].gpa)
            CHECK_EQ(qword_at(pages[i].gpa + 8), 0, pages[i].what);
    }
    /* a shadow-stack leaf under a read-only directory entry is no shadow-stack page */
    pw_set_entry(&pw, SS_GVA, 2, pw_entry(&pw, SS_GVA, 2) & ~(uint64_t)PTE_RW);
    run_at(WRSSD, SS_GVA + 8);
    expect_pf("under a read-only directory entry", PF_P | PF_W | PF_SS, SS_GVA + 8);
    CHECK_EQ(qword_at(SS_GPA + 8), 0, "under a read-only directory entry");
}

/* A large shadow-stack page (4 MiB in 32-bit paging, there above 4 GiB through PSE-36;
 * else 2 MiB; and 1 GiB in IA-32e mode): the walk finds the 4 KiB page inside it; the same
 * page made writable is refused. */
static void test_wrss_large_page(void)
{
    uint64_t size = mode == PW_32BIT ? UINT64_C(0x400000) : UINT64_C(0x200000);
    uint64_t gpa = mode == PW_32BIT ? UINT64_C(0x100400000) : LARGE_GPA, offset = 0x12340;

    cet_guest();
    pw_map(&pw, LARGE_GVA, gpa, size, PTE_P | PTE_D);
    set_reg(WHvX64RegisterRax, 0x0badcafe);
    run_at(WRSSD, LARGE_GVA + offset);
    expect_done("wrssd to a large shadow-stack page", length(WRSSD));
    CHECK_EQ(qword_at(gpa + offset), 0x0badcafe, "wrssd in a large page");
    pw_set_entry(&pw, LARGE_GVA, 2, pw_entry(&pw, LARGE_GVA, 2) | PTE_RW);
    run_at(WRSSD, LARGE_GVA + offset);
    expect_pf("a large writable page", PF_P | PF_W | PF_SS, LARGE_GVA + offset);
    if (mode < PW_4LEVEL)
        return;
    pw_map(&pw, HUGE_GVA, HUGE_GPA, UINT64_C(1) << 30, PTE_P | PTE_D);
    run_at(WRSSD, HUGE_GVA + 0x12345678);
    expect_done("wrssd to a 1 GiB shadow-stack page", length(WRSSD));
    CHECK_EQ(qword_at(HUGE_GPA + 0x12345678), 0x0badcafe, "wrssd in a 1 GiB page");
}

/* CPL 3: WRSS reaches user shadow-stack pages only (#PF with U on a supervisor one), and
 * needs IA32_U_CET's enables; WRUSS is CPL 0 only. */
static void test_user_mode(void)
{
    cet_guest();
    set_cpl(3);
    set_reg(WHvX64RegisterRax, 0x600df00d);
    run_at(WRSSD, USER_SS_GVA + 8);
    expect_done("wrssd at CPL 3 to a user shadow-stack page", length(WRSSD));
    CHECK_EQ(qword_at(USER_SS_GPA + 8), 0x600df00d, "wrssd at CPL 3");
    run_at(WRSSD, SS_GVA + 8);
    expect_pf("wrssd at CPL 3 to a supervisor page", PF_P | PF_W | PF_U | PF_SS, SS_GVA + 8);
    run_at(WRUSSD, USER_SS_GVA + 8);
    expect_event("wrussd at CPL 3", VECTOR_GP, true, 0);
    set_reg(WHvX64RegisterUCet, SH_STK_EN);
    run_at(WRSSD, USER_SS_GVA + 8);
    expect_event("wrssd without IA32_U_CET.WR_SHSTK_EN", VECTOR_UD, false, 0);
}

/* WRUSS at CPL 0 is a user access: the translation exempt from the access-mode checks, a
 * user shadow-stack page written, a supervisor one refused with U. */
static void test_wruss(void)
{
    cet_guest();
    set_reg(WHvX64RegisterSCet, 0); /* WRUSS needs CR4.CET alone */
    set_reg(WHvX64RegisterRax, UINT64_C(0xfeedfacecafebeef));
    run_at(WRUSSD, USER_SS_GVA + 0x10);
    expect_done("wrussd to a user shadow-stack page", length(WRUSSD));
    expect_translate(0, USER_SS_GVA, FLAG_READ | FLAG_AD | FLAG_EXEMPT, "wrussd");
    CHECK_EQ(qword_at(USER_SS_GPA + 0x10), 0xcafebeef, "wrussd's doubleword");
    run_at(WRUSSD, SS_GVA + 0x10);
    expect_pf("wrussd to a supervisor shadow-stack page", PF_P | PF_W | PF_U | PF_SS,
              SS_GVA + 0x10);
    run_at(WRUSSD, DATA_GVA + 0x10);
    expect_pf("wrussd to a writable page", PF_P | PF_W | PF_U | PF_SS, DATA_GVA + 0x10);
    if (!code64())
        return;
    run_at(WRUSSQ, USER_SS_GVA + 0x18);
    expect_done("wrussq", length(WRUSSQ));
    CHECK_EQ(qword_at(USER_SS_GPA + 0x18), UINT64_C(0xfeedfacecafebeef), "wrussq's quadword");
}

/* #UD without the enables each form needs, #GP(0) for a misaligned operand (its linear
 * address: the 4 or 8 bytes never cross a page). */
static void test_enables_and_alignment(void)
{
    static const struct {
        WHV_REGISTER_NAME name;
        uint64_t value;
        const char *insn, *what;
    } disabled[] = {
        { WHvX64RegisterSCet, WR_SHSTK_EN, WRSSD, "wrssd without SH_STK_EN" },
        { WHvX64RegisterSCet, SH_STK_EN, WRSSD, "wrssd without WR_SHSTK_EN" },
        { WHvX64RegisterSCet, WR_SHSTK_EN, RSTORSSP, "rstorssp without SH_STK_EN" },
        { WHvX64RegisterSCet, WR_SHSTK_EN, CLRSSBSY, "clrssbsy without SH_STK_EN" },
        { WHvX64RegisterCr4, 0, WRUSSD, "wrussd without CR4.CET" },
        { WHvX64RegisterCr4, 0, RSTORSSP, "rstorssp without CR4.CET" },
    };
    static const struct {
        const char *insn;
        unsigned offset;
    } misaligned[] = { { WRSSD, 2 }, { WRUSSD, 1 }, { RSTORSSP, 4 }, { CLRSSBSY, 4 } };

    for (unsigned i = 0; i < sizeof disabled / sizeof disabled[0]; i++) {
        cet_guest();
        set_reg(disabled[i].name, disabled[i].name == WHvX64RegisterCr4
                                      ? reg(WHvX64RegisterCr4) & ~CR4_CET
                                      : disabled[i].value);
        run_at(disabled[i].insn, SS_GVA + 8);
        expect_event(disabled[i].what, VECTOR_UD, false, 0);
    }
    cet_guest();
    for (unsigned i = 0; i < sizeof misaligned / sizeof misaligned[0]; i++) {
        run_at(misaligned[i].insn, SS_GVA + 8 + misaligned[i].offset);
        expect_event("a misaligned operand", VECTOR_GP, true, 0);
    }
    if (code64()) {
        run_at(WRSSQ, SS_GVA + 0xc);
        expect_event("wrssq at 4 mod 8", VECTOR_GP, true, 0);
    }
}

/* The restore token's mode bit: 1 in 64-bit code. */
static uint64_t mode_bit(void)
{
    return code64() ? 1 : 0;
}

/* RSTORSSP with a valid token, with RFLAGS 0 and all arithmetic flags set: SSP = the
 * token's address, the token replaced by the previous-SSP token, CF = the alignment hole,
 * ZF PF AF OF SF cleared. */
static void test_rstorssp_valid(void)
{
    static const uint64_t rflags[] = { RFLAGS_FIXED, RFLAGS_FIXED | RFLAGS_ARITH };
    uint64_t at = SS_GVA + 0x100, old_ssp = SS_GVA + 0x800;

    for (unsigned i = 0; i < 2; i++)
        for (unsigned hole = 0; hole < 2; hole++) {
            cet_guest();
            set_reg(WHvX64RegisterRflags, rflags[i]);
            put_qword(SS_GPA + 0x100, (at + (hole ? 12 : 8)) | mode_bit());
            run_at(RSTORSSP, at);
            expect_done("rstorssp", length(RSTORSSP));
            CHECK_EQ(reg(WHvX64RegisterSsp), at, "rstorssp's SSP");
            CHECK_EQ(qword_at(SS_GPA + 0x100), old_ssp | mode_bit() | 2, "previous-SSP token");
            CHECK_EQ(reg(WHvX64RegisterRflags),
                     (rflags[i] & ~RFLAGS_ARITH) | (hole ? RFLAGS_CF : 0), "rstorssp's flags");
        }
}

/* An invalid restore token: #CP(RSTORSSP), the token written back unchanged, SSP kept. */
static void test_rstorssp_invalid(void)
{
    uint64_t at = SS_GVA + 0x100;
    const struct {
        uint64_t token;
        const char *what;
    } tokens[] = {
        { (at + 8) | (mode_bit() ^ 1), "a token of the other mode" },
        { (at + 8) | mode_bit() | 2, "a token with bit 1 set" },
        { (at + 16) | mode_bit(), "a token for another address" },
        { (at + 8) | UINT64_C(0x100000000), "an SSP above 4 GiB outside 64-bit code" },
    };

    for (unsigned i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        if (code64() && i == 3)
            continue; /* in 64-bit code that token is for another address: the row before */
        cet_guest();
        put_qword(SS_GPA + 0x100, tokens[i].token);
        run_at(RSTORSSP, at);
        expect_event(tokens[i].what, VECTOR_CP, true, CP_RSTORSSP);
        CHECK_EQ(qword_at(SS_GPA + 0x100), tokens[i].token, tokens[i].what);
        CHECK_EQ(reg(WHvX64RegisterSsp), SS_GVA + 0x800, tokens[i].what);
    }
    cet_guest();
    run_at(RSTORSSP, DATA_GVA + 0x100);
    expect_pf("rstorssp on a writable page", PF_P | PF_W | PF_SS, DATA_GVA + 0x100);
}

/* CLRSSBSY: a busy token of its own address loses the busy bit, CF = 0; any other token is
 * left, CF = 1; SSP = 0 either way; ZF PF AF OF SF cleared. CPL 0 only (#GP(0)), after the
 * #UD of IA32_S_CET; a user page refused. */
static void test_clrssbsy(void)
{
    static const uint64_t rflags[] = { RFLAGS_FIXED, RFLAGS_FIXED | RFLAGS_ARITH };
    uint64_t at = SS_GVA + 0x200;
    const struct {
        uint64_t token, after, cf;
    } tokens[] = { { at | 1, at, 0 },
                   { at, at, RFLAGS_CF },
                   { (at + 8) | 1, (at + 8) | 1, RFLAGS_CF } };

    for (unsigned i = 0; i < 2; i++)
        for (unsigned t = 0; t < sizeof tokens / sizeof tokens[0]; t++) {
            cet_guest();
            set_reg(WHvX64RegisterRflags, rflags[i]);
            put_qword(SS_GPA + 0x200, tokens[t].token);
            run_at(CLRSSBSY, at);
            expect_done("clrssbsy", length(CLRSSBSY));
            CHECK_EQ(qword_at(SS_GPA + 0x200), tokens[t].after, "clrssbsy's token");
            CHECK_EQ(reg(WHvX64RegisterSsp), 0, "clrssbsy's SSP");
            CHECK_EQ(reg(WHvX64RegisterRflags), (rflags[i] & ~RFLAGS_ARITH) | tokens[t].cf,
                     "clrssbsy's flags");
        }
    cet_guest();
    run_at(CLRSSBSY, USER_SS_GVA);
    expect_pf("clrssbsy on a user page", PF_P | PF_W | PF_SS, USER_SS_GVA);
    set_cpl(3);
    run_at(CLRSSBSY, USER_SS_GVA);
    expect_event("clrssbsy at CPL 3", VECTOR_GP, true, 0);
    set_reg(WHvX64RegisterSCet, 0);
    run_at(CLRSSBSY, USER_SS_GVA);
    expect_event("clrssbsy at CPL 3 without IA32_S_CET.SH_STK_EN", VECTOR_UD, false, 0);
}

/* RSTORSSP at CPL 3 restores a user shadow stack under IA32_U_CET; a failed callback on the
 * way leaves the registers as they were (the token write's failure, after the read) or
 * touches no memory at all (the Get of IA32_S_CET). */
static void test_user_restore_and_failures(void)
{
    uint64_t at = USER_SS_GVA + 0x40;

    cet_guest();
    set_cpl(3);
    put_qword(USER_SS_GPA + 0x40, (at + 8) | mode_bit());
    run_at(RSTORSSP, at);
    expect_done("rstorssp at CPL 3", length(RSTORSSP));
    CHECK_EQ(reg(WHvX64RegisterSsp), at, "rstorssp at CPL 3");
    CHECK_EQ(pw.guest.calls[GUEST_CB_MEMORY], top_level() + 2,
             "rstorssp's memory calls: the walk's reads, the token's read and write");
    set_reg(WHvX64RegisterUCet, 0);
    run_at(RSTORSSP, at);
    expect_event("rstorssp at CPL 3 without IA32_U_CET.SH_STK_EN", VECTOR_UD, false, 0);

    cet_guest();
    put_qword(SS_GPA + 0x100, (SS_GVA + 0x108) | mode_bit());
    pw.guest.fail_at[GUEST_CB_MEMORY] = top_level() + 2; /* the walk's reads, the token's */
    run_at(RSTORSSP, SS_GVA + 0x100);
    pw.guest.fail_at[GUEST_CB_MEMORY] = 0;
    CHECK(status.MemoryCallbackFailed && !status.EmulationSuccessful &&
              pw.guest.calls[GUEST_CB_SET_REGISTERS] == 0,
          "%s: rstorssp whose token write fails: status 0x%x", mode_name(), status.AsUINT32);
    CHECK_EQ(reg(WHvX64RegisterSsp), SS_GVA + 0x800, "rstorssp whose token write fails");

    pw.guest.fail_at[GUEST_CB_GET_REGISTERS] = 2; /* the instruction's registers, then SCet */
    run_at(WRSSD, SS_GVA + 8);
    pw.guest.fail_at[GUEST_CB_GET_REGISTERS] = 0;
    CHECK(status.GetVirtualProcessorRegistersCallbackFailed && !status.EmulationSuccessful &&
              pw.guest.calls[GUEST_CB_MEMORY] == 0 && pw.guest.calls[GUEST_CB_TRANSLATE] == 0,
          "%s: wrssd whose Get of IA32_S_CET fails: status 0x%x", mode_name(), status.AsUINT32);
}

/* Without paging (32-bit protected mode, CR0.PG = 0) no page can refuse the access: WRSSD
 * writes at its linear address, and no paging entry is read (docs/cet.md: a choice, not
 * measured). */
static void test_paging_off(void)
{
    if (mode != PW_32BIT || compat)
        return;
    cet_guest();
    set_reg(WHvX64RegisterCr0, reg(WHvX64RegisterCr0) & ~PW_CR0_PG);
    set_reg(WHvX64RegisterRax, 0x13572468);
    run_at(WRSSD, DATA_GVA + 8);
    expect_done("wrssd without paging", length(WRSSD));
    CHECK_EQ(qword_at(DATA_GVA + 8), 0x13572468, "wrssd without paging");
    CHECK_EQ(pw.guest.calls[GUEST_CB_MEMORY], 1, "wrssd without paging: the write only");
}

/* A translate callback whose GPA is not the one the guest's tables give: no guess, the
 * instruction left to the VMM (InternalEmulationFailure), nothing written. */
static void test_walks_disagree(void)
{
    cet_guest();
    force_result = true;
    forced_result = WHvTranslateGvaResultSuccess;
    forced_gpa_offset = 0x1000;
    run_at(WRSSD, SS_GVA + 8);
    CHECK(status.InternalEmulationFailure && !status.EmulationSuccessful,
          "%s: walks that disagree: status 0x%x", mode_name(), status.AsUINT32);
    CHECK(pw.guest.calls[GUEST_CB_SET_REGISTERS] == 0, "%s: walks that disagree: a Set call",
          mode_name());
    CHECK_EQ(qword_at(SS_GPA + 8) | qword_at(USER_SS_GPA + 8), 0, "walks that disagree");
    force_result = false;
    forced_gpa_offset = 0;
}

void test_shadow_stack(void)
{
    test_wrss_writes();
    test_wrss_refused();
    test_wrss_large_page();
    test_user_mode();
    test_wruss();
    test_enables_and_alignment();
    test_rstorssp_valid();
    test_rstorssp_invalid();
    test_clrssbsy();
    test_user_restore_and_failures();
    test_paging_off();
    test_walks_disagree();
}
