/* The guest page walk of mmu/walk.h: SDM vol. 3A §4.3 (32-bit paging), §4.4 (PAE), §4.5
 * (4-level and 5-level paging), the entry formats of their tables. Reserved bits are not
 * checked: the translate callback, whose answer came first, refuses them. */
#include "mmu/walk.h"

#include "core/regcache.h"
#include "mmu/mmu.h"

enum {
    ENTRY_P = 1u << 0,
    ENTRY_RW = 1u << 1,
    ENTRY_US = 1u << 2,
    ENTRY_D = 1u << 6,
    ENTRY_PS = 1u << 7
};

#define ADDRESS_BITS UINT64_C(0x000ffffffffff000) /* bits 51:12 of an entry and of CR3 */

enum paging_mode { PAGING_32BIT, PAGING_PAE, PAGING_4LEVEL, PAGING_5LEVEL };

/* How a paging mode's walk goes, one row each. */
struct paging_form {
    uint8_t levels;       /* tables on the way, the top one first */
    uint8_t entry_bytes;  /* 4 or 8 */
    uint8_t index_bits;   /* linear-address bits that index each table */
    uint8_t large_levels; /* bit n: a level-n entry with PS = 1 maps a page */
    bool rightless_top;   /* the top entries have no R/W and U/S (PAE's PDPTEs) */
    uint64_t top_table;   /* the bits of CR3 that locate the top table */
};

// clang-format off
static const struct paging_form FORMS[] = {
    /*               levels entry index large (PS)         no rights  top table in CR3 */
    [PAGING_32BIT]  = { 2,  4,    10,   1u << 2,            false,     0xfffff000 },
    [PAGING_PAE]    = { 3,  8,    9,    1u << 2,            true,      0xffffffe0 },
    [PAGING_4LEVEL] = { 4,  8,    9,    1u << 2 | 1u << 3,  false,     ADDRESS_BITS },
    [PAGING_5LEVEL] = { 5,  8,    9,    1u << 2 | 1u << 3,  false,     ADDRESS_BITS },
};
// clang-format on

static enum paging_mode paging_mode(struct vcpu *cpu)
{
    uint64_t cr4 = reg_get(cpu, R_CR4);

    if (cpu->long_mode)
        return (cr4 & CR4_LA57) ? PAGING_5LEVEL : PAGING_4LEVEL;
    return (cr4 & CR4_PAE) ? PAGING_PAE : PAGING_32BIT;
}

/* The linear-address bits below a level's index: 12 for a page table, 21 (22 in 32-bit
 * paging) for a page directory, 30 and 39 above it. */
static unsigned level_shift(const struct paging_form *f, unsigned level)
{
    return 12 + f->index_bits * (level - 1);
}

/* The entry of a table that maps the linear address at a level (naturally aligned: one
 * access of its size within a page). */
static enum exec_result read_entry(struct vcpu *cpu, const struct paging_form *f, uint64_t table,
                                   uint64_t la, unsigned level, uint64_t *entry)
{
    uint64_t index = (la >> level_shift(f, level)) & ((UINT64_C(1) << f->index_bits) - 1);

    return mmu_phys_value(cpu, table + index * f->entry_bytes, f->entry_bytes, false, entry);
}

/* Whether the entry maps a page rather than a table: PS where the level allows one (in
 * 32-bit paging only with CR4.PSE), and always at the last level. */
static bool maps_page(struct vcpu *cpu, const struct paging_form *f, unsigned level, uint64_t entry)
{
    if (level == 1)
        return true;
    if (!((f->large_levels >> level) & 1) || !(entry & ENTRY_PS))
        return false;
    return f->entry_bytes == 8 || (reg_get(cpu, R_CR4) & CR4_PSE);
}

/* The 4 KiB page of la in the page the entry maps at a level. A 4 MiB page of 32-bit paging
 * keeps physical-address bits 39:32 in entry bits 20:13 (PSE-36). */
static uint64_t page_of(const struct paging_form *f, uint64_t entry, unsigned level, uint64_t la)
{
    uint64_t offset = (UINT64_C(1) << level_shift(f, level)) - 1;
    uint64_t frame = entry & ADDRESS_BITS & ~offset;

    if (f->entry_bytes == 4 && level == 2)
        frame = (entry & 0xffc00000u) | ((entry >> 13) & 0xff) << 32;
    return frame | (la & offset & PAGE_MASK);
}

/* Fold one entry's rights into the walk's. */
static void note_rights(struct page_walk *w, uint64_t entry, bool leaf)
{
    w->user = w->user && (entry & ENTRY_US);
    if (!leaf) {
        w->upper_writable = w->upper_writable && (entry & ENTRY_RW);
        return;
    }
    w->leaf_writable = entry & ENTRY_RW;
    w->leaf_dirty = entry & ENTRY_D;
}

enum exec_result walk_guest_tables(struct vcpu *cpu, uint64_t linear, struct page_walk *w)
{
    const struct paging_form *f = &FORMS[paging_mode(cpu)];
    uint64_t table = reg_get(cpu, R_CR3) & f->top_table, entry;

    w->upper_writable = w->user = true;
    for (unsigned level = f->levels; level > 0; level--) {
        enum exec_result r = read_entry(cpu, f, table, linear, level, &entry);
        bool leaf;
        if (r != EXEC_OK)
            return r;
        if (!(entry & ENTRY_P))
            return EXEC_UNSUPPORTED;
        leaf = maps_page(cpu, f, level, entry);
        if (!(f->rightless_top && level == f->levels))
            note_rights(w, entry, leaf);
        if (leaf) {
            w->gpa_page = page_of(f, entry, level, linear);
            return EXEC_OK;
        }
        table = entry & ADDRESS_BITS;
    }
    return EXEC_UNSUPPORTED; /* not reached: level 1 maps a page */
}
