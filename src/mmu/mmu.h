/* Address translation: segment:offset -> linear (segmentation checks) -> guest physical
 * (the translate callback, a per-call page cache, the exit's own page as a fast path) ->
 * per-page physical accesses of at most 8 bytes through the memory callback.
 *
 * Faults come back as EXEC_FAULT with cpu->fault filled; nothing is written before every
 * page of an access has been translated and checked. */
#ifndef WHVEMU_MMU_H
#define WHVEMU_MMU_H

#include <string.h>

#include "core/bytes.h"
#include "core/callbacks.h"
#include "core/vcpu.h"

#define PAGE_SIZE 4096u
#define PAGE_MASK (~(uint64_t)(PAGE_SIZE - 1))

enum mmu_access {
    MMU_READ = 1u << 0,
    MMU_WRITE = 1u << 1,
    MMU_EXEC = 1u << 2,
    MMU_SYSTEM = 1u << 3,         /* implicit supervisor access (descriptor tables, TSS) */
    MMU_NO_ALIGN_CHECK = 1u << 4, /* exempt from #AC (e.g. string ops that the SDM exempts) */
    MMU_AC_FIRST = 1u << 5,       /* #AC before the alignment #GP (mmu_vector_access) */
    MMU_SHADOW_STACK = 1u << 6,   /* a CET shadow-stack access (mmu_shadow_stack_page) */
    MMU_USER = 1u << 7,           /* a user access whatever the CPL (WRUSS's) */
};

/* An access flag: #AC unless the address is a multiple of n (a power of two up to 128),
 * where the instruction's unit is not its size (MOVDIR64B's source: 16; x87 m80: 8; the
 * x87 environment: 4 or 2). Without it the unit is the size rounded down to a power of two,
 * at most 8 (a 6-byte pseudo-descriptor 4, a 10-byte one 8: SDM vol. 3A Table 6-7). */
#define MMU_AC_UNIT_SHIFT 8
#define MMU_AC_UNIT(n) ((unsigned)(n) << MMU_AC_UNIT_SHIFT)

/* Largest single access the executor may ask for: 64 bytes, a ZMM register or MOVDIR64B's
 * source. Larger operands (an XSAVE area) must be split by the family that has them. */
#define MMU_MAX_ACCESS 64

/* Registers the address translation of an access through `seg` needs (to prefetch). */
uint64_t mmu_regs_for_segment(const struct vcpu *cpu, enum segreg seg);

/* Seed the page cache with the page the exit already translated. */
static inline void mmu_seed(struct vcpu *cpu, uint64_t gva, uint64_t gpa, bool write)
{
    cpu->exit_page.gva_page = gva & PAGE_MASK;
    cpu->exit_page.gpa_page = gpa & PAGE_MASK;
    cpu->exit_page.access = write ? (MMU_READ | MMU_WRITE) : MMU_READ;
}

/* Whether a misaligned data access raises #AC: CR0.AM (the exit's), RFLAGS.AC and CPL 3
 * (SDM vol. 3A §6.15, Interrupt 17); RFLAGS is always cached (the exit gives it). */
static inline bool mmu_alignment_checking_with(const struct vcpu *cpu, uint64_t rflags)
{
    return cpu->cpl == 3 && cpu->exit->ExecutionState.Cr0Am && (rflags & FL_AC);
}
static inline bool mmu_alignment_checking(const struct vcpu *cpu)
{
    return mmu_alignment_checking_with(cpu, cpu->regs[R_RFLAGS].Reg64);
}

/* Is a linear address canonical (48 bits, or 57 with CR4.LA57)? */
bool mmu_is_canonical(struct vcpu *cpu, uint64_t la);

/* segment:offset -> linear address, with the segment's type/limit/canonical checks. */
enum exec_result mmu_linear(struct vcpu *cpu, enum segreg seg, uint64_t offset, unsigned size,
                            unsigned access, uint64_t *linear);

/* One access of size (1..8) bytes at a guest-physical address within one page, through the
 * memory callback: *value written, or read (zero-extended). The data goes in and out as the
 * whole 8 bytes, those past size zero (what the VMM leaves there is ignored): no copy of a
 * variable size. (Inline: a REP element is one.) */
HOT_INLINE enum exec_result mmu_phys_value(struct vcpu *cpu, uint64_t gpa, unsigned size,
                                           bool write, uint64_t *value)
{
    WHV_EMULATOR_MEMORY_ACCESS_INFO acc = { .GpaAddress = gpa,
                                            .Direction = write ? 1 : 0,
                                            .AccessSize = (UINT8)size };

    if (write)
        store_le(acc.Data, 8, *value & size_mask(size));
    if (FAILED(emu_memory(cpu, &acc)))
        return EXEC_CALLBACK_FAILED;
    if (!write)
        *value = load_le(acc.Data, 8) & size_mask(size);
    return EXEC_OK;
}

/* The same read, its data taken as exactly `size` bytes: the VMM's callback has just stored
 * that many, and a wider load of a narrower store in flight waits for the store to retire
 * (no store forwarding: a few ns on one access, docs/bench.md part 8). A REP element read
 * by callback takes it too (part 9: REP MOVSB from one callback page to another was 1.5x
 * slower with the whole 8 bytes once its loop no longer tested the path per element). */
HOT_INLINE enum exec_result mmu_phys_read_exact(struct vcpu *cpu, uint64_t gpa, unsigned size,
                                                uint64_t *value)
{
    WHV_EMULATOR_MEMORY_ACCESS_INFO acc = { .GpaAddress = gpa, .AccessSize = (UINT8)size };

    if (FAILED(emu_memory(cpu, &acc)))
        return EXEC_CALLBACK_FAILED;
    *value = load_le(acc.Data, size);
    return EXEC_OK;
}

/* The same with the data in buf (size bytes). */
static inline enum exec_result mmu_phys(struct vcpu *cpu, uint64_t gpa, uint8_t *buf, unsigned size,
                                        bool write)
{
    uint64_t value = write ? load_le(buf, size) : 0;
    enum exec_result r = mmu_phys_value(cpu, gpa, size, write, &value);

    if (r == EXEC_OK && !write)
        store_le(buf, size, value);
    return r;
}

/* An operand of more than 8 bytes within one page at gpa, in the naturally aligned pieces
 * the general path makes of it (a decode-cache plan's, exec/plan.h). */
enum exec_result mmu_phys_pieces(struct vcpu *cpu, uint64_t gpa, uint8_t *buf, unsigned size,
                                 bool write);

/* The same, inline where gpa and size are multiples of 8: the pieces are then all of 8
 * bytes, with no piece to size and no copy of a variable size (a plan's 16 or 32 bytes:
 * part 9 of docs/bench.md). */
HOT_INLINE enum exec_result mmu_phys_wide(struct vcpu *cpu, uint64_t gpa, uint8_t *buf,
                                          unsigned size, bool write)
{
    if ((gpa | size) & 7)
        return mmu_phys_pieces(cpu, gpa, buf, size, write);
    for (unsigned i = 0; i < size; i += 8) {
        uint64_t value = write ? load_le(buf + i, 8) : 0;
        enum exec_result r = mmu_phys_value(cpu, gpa + i, 8, write, &value);
        if (r != EXEC_OK)
            return r;
        if (!write)
            store_le(buf + i, 8, value);
    }
    return EXEC_OK;
}

/* What a translation checked, as the page cache keeps it: a fetch is no data read (SMAP does
 * not apply to it), so it must not stand for one; an implicit supervisor access (MMU_SYSTEM)
 * is checked with other rules than an explicit one, so neither stands for the other. */
static inline unsigned checked_access(unsigned access)
{
    if (access & MMU_EXEC)
        return MMU_EXEC;
    return access & (MMU_READ | MMU_WRITE | MMU_SYSTEM);
}

static inline bool canonical_with(uint64_t la, unsigned bits)
{
    return (uint64_t)((int64_t)(la << (64 - bits)) >> (64 - bits)) == la;
}

/* Whether size bytes at a 64-bit linear address la lie in the exit's own page, canonical:
 * their GPA in *gpa. (What the page was checked for is the caller's: mmu_exit_page_holds.) */
static inline bool mmu_exit_page_maps(const struct vcpu *cpu, uint64_t la, unsigned size,
                                      uint64_t *gpa)
{
    uint64_t in_page = la & (PAGE_SIZE - 1);

    if (in_page + size > PAGE_SIZE || (la & PAGE_MASK) != cpu->exit_page.gva_page ||
        !canonical_with(la, 48))
        return false;
    *gpa = cpu->exit_page.gpa_page | in_page;
    return true;
}

/* The same where that page was checked for `need` (checked_access). */
static inline bool mmu_exit_page_holds(const struct vcpu *cpu, uint64_t la, unsigned size,
                                       unsigned need, uint64_t *gpa)
{
    /* an exit page of access 0 (none) serves nothing, and the others no fetch */
    return (cpu->exit_page.access & need) == need && !(need & (MMU_EXEC | MMU_SYSTEM)) &&
           mmu_exit_page_maps(cpu, la, size, gpa);
}

/* The fast path of an instruction's data access in the exit's own page, in 64-bit code, in
 * one piece, where #AC cannot apply and the segment adds no base: its GPA at once. That is
 * what the general path (mmu_read_general, mmu_write_general) makes of such an access,
 * without its steps; tests/fastpath checks that the two agree. */
static inline bool mmu_in_exit_page(const struct vcpu *cpu, enum segreg seg, uint64_t offset,
                                    unsigned size, unsigned access, uint64_t *gpa)
{
    if (!cpu->fast_paths || cpu->code_mode != MODE_64 || seg == SEG_FS || seg == SEG_GS ||
        size == 0 || size > 8 ||
        !mmu_exit_page_holds(cpu, offset, size, checked_access(access), gpa))
        return false;
    /* #AC would need a look at the address's alignment: the general path's */
    return !mmu_alignment_checking(cpu);
}

/* Read / write size (1..MMU_MAX_ACCESS) bytes at seg:offset: the fast path where it applies
 * (inline, so that an instruction's one access is a few instructions from its callback),
 * else the general path. */
enum exec_result mmu_read_general(struct vcpu *cpu, enum segreg seg, uint64_t offset, void *buf,
                                  unsigned size, unsigned access);
enum exec_result mmu_write_general(struct vcpu *cpu, enum segreg seg, uint64_t offset,
                                   const void *buf, unsigned size, unsigned access);

static inline enum exec_result mmu_read(struct vcpu *cpu, enum segreg seg, uint64_t offset,
                                        void *buf, unsigned size, unsigned access)
{
    uint64_t gpa;

    if (mmu_in_exit_page(cpu, seg, offset, size, access | MMU_READ, &gpa))
        return mmu_phys(cpu, gpa, buf, size, false);
    return mmu_read_general(cpu, seg, offset, buf, size, access);
}

static inline enum exec_result mmu_write(struct vcpu *cpu, enum segreg seg, uint64_t offset,
                                         const void *buf, unsigned size, unsigned access)
{
    uint64_t gpa, value;

    if (!mmu_in_exit_page(cpu, seg, offset, size, access | MMU_WRITE, &gpa))
        return mmu_write_general(cpu, seg, offset, buf, size, access);
    value = load_le(buf, size);
    return mmu_phys_value(cpu, gpa, size, true, &value);
}

/* The same for the value of an operand of size 1..8 bytes (zero-extended on read): in the
 * exit's page it goes to the memory callback as the value, without a round trip through
 * bytes. */
static inline enum exec_result mmu_read_value(struct vcpu *cpu, enum segreg seg, uint64_t offset,
                                              unsigned size, unsigned access, uint64_t *value)
{
    uint64_t gpa;
    uint8_t buf[8];
    enum exec_result r;

    if (mmu_in_exit_page(cpu, seg, offset, size, access | MMU_READ, &gpa))
        return mmu_phys_value(cpu, gpa, size, false, value);
    r = mmu_read_general(cpu, seg, offset, buf, size, access);
    if (r == EXEC_OK)
        *value = load_le(buf, size);
    return r;
}

static inline enum exec_result mmu_write_value(struct vcpu *cpu, enum segreg seg, uint64_t offset,
                                               unsigned size, unsigned access, uint64_t value)
{
    uint64_t gpa;
    uint8_t buf[8];

    if (mmu_in_exit_page(cpu, seg, offset, size, access | MMU_WRITE, &gpa))
        return mmu_phys_value(cpu, gpa, size, true, &value);
    store_le(buf, size, value);
    return mmu_write_general(cpu, seg, offset, buf, size, access);
}

/* A byte-masked access of up to 64 bytes (a vector operand): bit i of `enable` and `checked`
 * covers byte i of the operand at seg:offset (docs/architecture.md, "Vector accesses").
 * Only the enabled bytes are accessed; only the checked bytes (a superset: the enabled
 * ones where masked-off elements suppress faults, the whole operand where the CPU checks it
 * whole) are checked, and a page without a checked byte is neither checked nor translated.
 * The order: alignment #GP(0) (gp_align), the segment and canonical checks of the checked
 * bytes, #AC (ac_unit); or with MMU_AC_FIRST in `access` the segment checks, #AC, then the
 * alignment #GP (all measured: SSE/AVX aligned forms give #GP before #SS and #AC, FXSAVE #AC
 * before #GP); or, for an access checked in pieces (`piece`) or element by element
 * (`element`), the alignment #GP, then per piece in address order (outside 64-bit code a
 * piece that starts exactly at 4 GiB starts again at offset 0; other offsets past 4 GiB
 * fault) its segment check, or each element's, #AC at the
 * first, the pages (measured: an AVX-512 access with an opmask, or a compress, whose low
 * elements are on an absent page and high ones past the segment limit or the canonical
 * boundary is #PF; a 64-byte store whose offset wraps past 4 GiB in its upper half faults
 * on the lower half's page, or #AC, first, and completes when it wraps at the half); then
 * the pages
 * in address order, a #PF's CR2 being the first checked byte on the faulting page. Nothing
 * checked: no callback, no fault. Every page is translated before the first callback. An
 * operand of more than 8 bytes goes out in naturally aligned pieces of 1, 2, 4 or 8 bytes
 * per run of enabled bytes, none crossing an 8-byte boundary (16 @1003 -> 1 @1003, 4 @1004,
 * 8 @1008, 2 @1010, 1 @1012); one of at most 8 as a scalar access does (a piece per page). */
struct mmu_vector_access {
    enum segreg seg;
    uint64_t offset;
    unsigned size;     /* bytes of the operand, 1..64 */
    uint64_t enable;   /* the bytes accessed */
    uint64_t checked;  /* the bytes whose pages are checked (a superset of enable) */
    uint64_t limited;  /* bytes the segment and canonical checks cover besides the checked
                        * ones (a legacy SSE shift count: 16 bytes limit-checked, 8 read) */
    unsigned gp_align; /* #GP(0) unless the operand's linear address is a multiple (0: none) */
    unsigned ac_unit;  /* #AC unless it is a multiple of this (0: never), when
                        * mmu_alignment_checking() and any byte is checked */
    unsigned access;   /* MMU_* flags beyond the direction (MMU_AC_FIRST) */
    unsigned piece;    /* n: checked n bytes at a time from the operand's start; 0: at once */
    unsigned element;  /* n: each piece's elements (n bytes, checked whole or not at all)
                        * checked one by one; 0: the piece at once */
    bool wrap;         /* outside 64-bit code the elements' offsets wrap mod 4 GiB, as the
                        * linear address does (VMASKMOV: measured), rather than fault */
};

/* Every check of the access (MMU_READ or MMU_WRITE in access), no callback but translation:
 * for an instruction whose operand is two accesses that must both pass before either. */
enum exec_result mmu_check_vector(struct vcpu *cpu, const struct mmu_vector_access *a,
                                  unsigned access);
/* Read the enabled bytes into buf[0..size) (the others are left as they are). */
enum exec_result mmu_read_vector(struct vcpu *cpu, const struct mmu_vector_access *a, uint8_t *buf);
/* Write the enabled bytes of buf[0..size). */
enum exec_result mmu_write_vector(struct vcpu *cpu, const struct mmu_vector_access *a,
                                  const uint8_t *buf);

/* Check that a write of size bytes at seg:offset would succeed (segmentation and paging),
 * without writing; for instructions that must not commit one write when a later one faults. */
enum exec_result mmu_probe(struct vcpu *cpu, enum segreg seg, uint64_t offset, unsigned size,
                           unsigned access);

/* The guest-physical address of size bytes at seg:offset that the caller knows lie within
 * one page: every check of mmu_read/mmu_write (segment, #AC, translation), no access.
 * REP string loops translate once per page with it, then access by GPA. */
enum exec_result mmu_translate(struct vcpu *cpu, enum segreg seg, uint64_t offset, unsigned size,
                               unsigned access, uint64_t *gpa);

/* Translate the page of one byte at a linear address (from mmu_linear) for access, with
 * its faults, without touching memory: CLFLUSH and the like. */
enum exec_result mmu_probe_linear(struct vcpu *cpu, uint64_t linear, unsigned access);

/* The guest-physical address of a CET shadow-stack access (MMU_SHADOW_STACK, with MMU_READ
 * and/or MMU_WRITE, and MMU_USER for WRUSS) at a linear address whose access does not cross
 * a page (the instructions align it): the translate callback's answer for the page, then
 * the shadow-stack rule checked by a walk of the guest's page tables (mmu/walk.h) that must
 * agree with it on the GPA. A page that is no shadow-stack page of the access's mode is #PF
 * with the SS bit; a walk that disagrees with the callback is EXEC_UNSUPPORTED
 * (docs/cet.md). */
enum exec_result mmu_shadow_stack_page(struct vcpu *cpu, uint64_t linear, unsigned access,
                                       uint64_t *gpa);

/* Read size bytes at a linear address as an implicit supervisor access (the TSS); the
 * address wraps at 4 GiB outside long mode. */
enum exec_result mmu_read_system(struct vcpu *cpu, uint64_t linear, void *buf, unsigned size);

/* Write the same way: the accessed bit of a descriptor, the busy bit of a TSS descriptor. */
enum exec_result mmu_write_system(struct vcpu *cpu, uint64_t linear, const void *buf,
                                  unsigned size);

/* The host address of a guest-physical page that the VMM maps as plain RAM for this kind of
 * access (its optional RAM callback, whvemu.h), or NULL: then use the memory callback. The
 * callback is not asked about the exit's own page for the access that exited, nor again
 * about the page it last refused for this kind of access in this call. */
uint8_t *mmu_host_page(struct vcpu *cpu, uint64_t gpa_page, bool write);

/* An MMIO exit's GPA for a read or write: that access exited, so the page is not RAM the VMM
 * maps for it (mmu_host_page does not ask). */
static inline void mmu_exit_gpa(struct vcpu *cpu, uint64_t gpa, bool write)
{
    cpu->not_ram[write] = gpa & PAGE_MASK;
}

/* Fetch the instruction bytes cpu->bytes[have..want) from CS:RIP+have. */
enum exec_result mmu_fetch(struct vcpu *cpu, unsigned have, unsigned want);

#endif
