/* A walk of the guest's own page tables, for the one check the translate callback cannot
 * ask for: whether a page is a CET shadow-stack page (docs/cet.md). The paging-structure
 * entries are read as guest-physical memory through the memory callback; nothing is
 * written (the callback's translation set the accessed bits). */
#ifndef WHVEMU_MMU_WALK_H
#define WHVEMU_MMU_WALK_H

#include "core/vcpu.h"

/* What the walk found for the page of a linear address. */
struct page_walk {
    uint64_t gpa_page;   /* the 4 KiB guest-physical page */
    bool upper_writable; /* R/W = 1 in every entry above the leaf (PAE PDPTEs have no R/W) */
    bool user;           /* U/S = 1 in every entry, the leaf's included (not in PDPTEs) */
    bool leaf_writable;  /* the R/W of the entry that maps the page */
    bool leaf_dirty;     /* its D */
};

/* Walk the tables of the current paging mode (CR0.PG = 1: 32-bit paging with CR4.PSE, PAE,
 * 4-level, 5-level with CR4.LA57) from CR3 for a linear address (32 bits outside IA-32e
 * mode). EXEC_UNSUPPORTED when an entry on the way is not present: the translate callback,
 * which succeeded, saw other tables, and no guess is safe. */
enum exec_result walk_guest_tables(struct vcpu *cpu, uint64_t linear, struct page_walk *w);

#endif
