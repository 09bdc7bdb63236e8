/* A guest whose translate callback walks real x86 page tables kept in its own memory, the way
 * WHvTranslateGva answers a VMM: 32-bit paging (4 MiB pages with CR4.PSE), PAE paging, 4-level
 * and 5-level paging (2 MiB and 1 GiB pages), with the access rights of the SDM (vol. 3,
 * 4.6): U/S, R/W with CR0.WP, XD with EFER.NXE, SMEP, SMAP with RFLAGS.AC, protection keys
 * (CR4.PKE and a PKRU the VMM knows), reserved bits, and the accessed/dirty bits when asked.
 *
 * The paging state is read from the guest's registers at each call, as the hypervisor reads
 * the virtual processor's: CR0, CR3, CR4, EFER, RFLAGS, and the CPL from SS.DPL. Everything
 * else (memory, ports, registers) is the CLI's in-memory guest (tools/guest.h). */
#ifndef WHVEMU_TESTS_PAGEWALK_H
#define WHVEMU_TESTS_PAGEWALK_H

#include "guest.h"

/* Page-table entry bits (the same positions at every level and in every paging mode). */
enum {
    PTE_P = 1u << 0,
    PTE_RW = 1u << 1,
    PTE_US = 1u << 2,
    PTE_A = 1u << 5,
    PTE_D = 1u << 6,
    PTE_PS = 1u << 7,
};
#define PTE_XD (UINT64_C(1) << 63)
#define PTE_PKEY_SHIFT 59

/* Control-register and EFER bits the walk depends on. */
#define PW_CR0_WP (UINT64_C(1) << 16)
#define PW_CR0_PG (UINT64_C(1) << 31)
#define PW_CR4_PSE (UINT64_C(1) << 4)
#define PW_CR4_PAE (UINT64_C(1) << 5)
#define PW_CR4_LA57 (UINT64_C(1) << 12)
#define PW_CR4_SMEP (UINT64_C(1) << 20)
#define PW_CR4_SMAP (UINT64_C(1) << 21)
#define PW_CR4_PKE (UINT64_C(1) << 22)
#define PW_EFER_NXE (UINT64_C(1) << 11)
#define PW_RFLAGS_AC (UINT64_C(1) << 18)

enum pw_mode {
    PW_32BIT,  /* 32-bit protected mode, 32-bit paging, CR4.PSE */
    PW_PAE,    /* 32-bit protected mode, PAE paging, EFER.NXE */
    PW_4LEVEL, /* 64-bit mode, 4-level paging, EFER.NXE */
    PW_5LEVEL, /* 64-bit mode, 5-level paging (CR4.LA57), EFER.NXE */
    PW_MODE_COUNT
};

extern const char *const pw_mode_names[PW_MODE_COUNT];

#define PW_MAX_TRANSLATES 16

struct pw_translate_call {
    uint64_t gva;
    WHV_TRANSLATE_GVA_FLAGS flags;
    WHV_TRANSLATE_GVA_RESULT_CODE result;
};

struct pw_guest {
    struct guest guest;            /* first: the CLI guest's callbacks get this same pointer */
    unsigned maxphyaddr;           /* entry address bits from here up to 51 are reserved */
    uint32_t pkru;                 /* no WHv register holds PKRU; the VMM knows it */
    uint64_t mmio_base, mmio_size; /* GPAs the partition does not map: GpaUnmapped */
    uint64_t next_table;           /* GPA of the next paging structure pw_map creates */

    /* What the emulator asked since pw_begin(). */
    struct pw_translate_call translates[PW_MAX_TRANSLATES];
    unsigned translate_count; /* may exceed PW_MAX_TRANSLATES; the first ones are kept */
};

/* The CLI guest's callbacks with the page walk as the translate callback (the Context to
 * give is the pw_guest; the guest counts the calls and keeps the last Set's names). */
WHV_EMULATOR_CALLBACKS pw_callbacks(void);

/* A fresh guest in the mode, CPL 0, CR0.WP set, empty page tables at CR3, MAXPHYADDR 46.
 * Paging structures are placed from GPA 0x800000 up (next_table): keep guest data clear of
 * that range. */
void pw_init(struct pw_guest *pw, enum pw_mode mode);
void pw_free(struct pw_guest *pw);

/* Forget the recorded calls (guest_begin() as well). */
void pw_begin(struct pw_guest *pw);

/* Map the page_size bytes at gva (4 KiB, 2 MiB, 4 MiB or 1 GiB, as the mode allows; both
 * addresses aligned to it) to gpa with the leaf entry's flags (PTE_P etc.; PS is added for a
 * large page). Missing tables are created with P, R/W and U/S set (only P in a PAE PDPTE). */
void pw_map(struct pw_guest *pw, uint64_t gva, uint64_t gpa, uint64_t page_size, uint64_t flags);

/* GPA of the entry that maps gva at a level (1 = PT, 2 = PD, 3 = PDPT, 4 = PML4, 5 = PML5);
 * 0 when a table on the way is missing. Entries are 4 bytes in 32-bit paging, else 8. */
uint64_t pw_entry_address(const struct pw_guest *pw, uint64_t gva, unsigned level);
uint64_t pw_entry(const struct pw_guest *pw, uint64_t gva, unsigned level);
void pw_set_entry(struct pw_guest *pw, uint64_t gva, unsigned level, uint64_t value);

/* The walk itself: what WHvTranslateGva answers for the page of gva, and its GPA page. */
WHV_TRANSLATE_GVA_RESULT_CODE pw_translate(struct pw_guest *pw, uint64_t gva,
                                           WHV_TRANSLATE_GVA_FLAGS flags, uint64_t *gpa_page);

/* Register shorthands on the guest's vCPU. */
uint64_t pw_reg(const struct pw_guest *pw, WHV_REGISTER_NAME name);
void pw_set_reg(struct pw_guest *pw, WHV_REGISTER_NAME name, uint64_t value);

#endif
