/* What the paging tests share (test_paging.c, shadow_stack.c): the guest with real page
 * tables in the mode under test, its layout, and running one instruction through the
 * public API with the checks of its outcome. */
#ifndef WHVEMU_TESTS_PAGING_TEST_H
#define WHVEMU_TESTS_PAGING_TEST_H

#include "WinHvEmulation.h"
#include "pagewalk.h"

/* #PF error-code bits */
enum { PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, PF_I = 16 };

enum {
    FLAG_READ = WHvTranslateGvaFlagValidateRead,
    FLAG_WRITE = WHvTranslateGvaFlagValidateWrite,
    FLAG_EXECUTE = WHvTranslateGvaFlagValidateExecute,
    FLAG_EXEMPT = WHvTranslateGvaFlagPrivilegeExempt,
    FLAG_AD = WHvTranslateGvaFlagSetPageTableBits,
    FLAG_ENFORCE_SMAP = WHvTranslateGvaFlagEnforceSmap
};

/* The guest's layout: code, a data page and the page after it, a large page, descriptor
 * tables. GVAs below 4 GiB so that every mode can use them. */
#define CODE_GVA UINT64_C(0x00400000) /* vcpu_set_defaults' RIP */
#define CODE_GPA UINT64_C(0x00200000)
#define DATA_GVA UINT64_C(0x00601000)
#define DATA_GPA UINT64_C(0x00301000)
#define NEXT_GPA UINT64_C(0x00305000)  /* the page after DATA_GVA, not contiguous in GPA */
#define LARGE_GVA UINT64_C(0x00c00000) /* 4 MiB aligned */
#define LARGE_GPA UINT64_C(0x01800000)
#define HUGE_GVA UINT64_C(0x40000000) /* 1 GiB pages */
#define HUGE_GPA UINT64_C(0x80000000)
#define GDT_GVA UINT64_C(0x00700000)
#define GDT_GPA UINT64_C(0x00310000)
#define TSS_GVA UINT64_C(0x00701000)
#define TSS_GPA UINT64_C(0x00311000)

extern struct pw_guest pw;
extern enum pw_mode mode;
extern bool compat; /* 4-level paging with a 32-bit code segment (compatibility mode) */
extern WHV_EMULATOR_HANDLE emulator;
extern WHV_EMULATOR_STATUS status;

/* A translate result forced on top of the walk (when force_result), and an offset added to
 * the GPA (test_paging.c's forcing_translate). */
extern bool force_result;
extern WHV_TRANSLATE_GVA_RESULT_CODE forced_result;
extern uint64_t forced_gpa_offset;

const char *mode_name(void);
bool code64(void); /* is the code 64-bit (64-bit addresses and stack)? */
uint64_t reg(WHV_REGISTER_NAME name);
void set_reg(WHV_REGISTER_NAME name, uint64_t value);
void map(uint64_t gva, uint64_t gpa, uint64_t flags); /* one 4 KiB page */
void fresh_guest(void); /* the mode's guest at CPL 0, a supervisor code page and DATA_GVA */
void set_cpl(unsigned cpl);
void put(uint64_t gpa, const void *bytes, size_t size);
bool memory_is(uint64_t gpa, const void *bytes, size_t size);
unsigned top_level(void); /* the paging mode's top level (2 to 5) */

/* Emulate after an MMIO exit that gave `count` instruction bytes (0: whvemu fetches them)
 * and no usable GVA. */
void run(const char *bytes, unsigned count);
/* The instruction completed: status, no event, RIP moved by length (then put back). */
void expect_done(const char *what, unsigned length);
/* The last Set call wrote exactly these registers. */
bool set_names_are(const WHV_REGISTER_NAME *names, unsigned count);
/* A #PF was injected with this error code and CR2, and nothing else was written back. */
void expect_pf(const char *what, uint32_t error_code, uint64_t cr2);
/* The translate call number i asked for this GVA page with these flags. */
void expect_translate(unsigned i, uint64_t gva_page, unsigned flags, const char *what);

/* shadow_stack.c: the CET shadow-stack instructions in the current mode. */
void test_shadow_stack(void);

#endif
