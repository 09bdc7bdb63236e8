#include "mmu/mmu.h"

#include <string.h>

#include "core/callbacks.h"
#include "core/regcache.h"
#include "mmu/walk.h"

/* #PF error-code bits */
enum {
    PFEC_P = 1u << 0,
    PFEC_W = 1u << 1,
    PFEC_U = 1u << 2,
    PFEC_RSVD = 1u << 3,
    PFEC_I = 1u << 4,
    PFEC_SS = 1u << 6
};

/* Segment attribute bits (WHV_X64_SEGMENT_REGISTER.SegmentType) */
enum {
    SEGTYPE_ACCESSED = 1,
    SEGTYPE_WRITABLE_READABLE = 2,
    SEGTYPE_EXPAND_DOWN = 4,
    SEGTYPE_CODE = 8
};

uint64_t mmu_regs_for_segment(const struct vcpu *cpu, enum segreg seg)
{
    if (cpu->code_mode == MODE_64)
        return (seg == SEG_FS || seg == SEG_GS) ? REG_BIT(REG_SEG(seg)) : 0;
    return REG_BIT(REG_SEG(seg));
}

/* A fault on a segment: #SS(0) for stack-segment accesses, #GP(0) otherwise. */
static enum exec_result segment_fault(struct vcpu *cpu, enum segreg seg)
{
    return raise_fault(cpu, seg == SEG_SS ? EXC_SS : EXC_GP, true, 0);
}

/* CR4 only when it can change the answer: what is canonical with 48 bits is with 57 too. */
bool mmu_is_canonical(struct vcpu *cpu, uint64_t la)
{
    return canonical_with(la, 48) || ((reg_get(cpu, R_CR4) & CR4_LA57) && canonical_with(la, 57));
}

/* Segment type and limit checks of protected mode; real and virtual-8086 mode check only
 * the (cached) limit, as the CPU does. */
static enum exec_result check_segment(struct vcpu *cpu, enum segreg seg,
                                      const WHV_X64_SEGMENT_REGISTER *s, uint64_t offset,
                                      unsigned size, unsigned access)
{
    uint64_t last = offset + size - 1;
    bool protected_checks = cpu->protected_mode && !cpu->v86;

    if (protected_checks && !(access & MMU_EXEC)) {
        unsigned type = s->SegmentType;
        if (!s->Present)
            return segment_fault(cpu, seg);
        if ((type & SEGTYPE_CODE) && (access & MMU_WRITE))
            return segment_fault(cpu, seg);
        if ((type & SEGTYPE_CODE) && (access & MMU_READ) && !(type & SEGTYPE_WRITABLE_READABLE))
            return segment_fault(cpu, seg);
        if (!(type & SEGTYPE_CODE) && (access & MMU_WRITE) && !(type & SEGTYPE_WRITABLE_READABLE))
            return segment_fault(cpu, seg);
        if (!(type & SEGTYPE_CODE) && (type & SEGTYPE_EXPAND_DOWN)) {
            uint64_t upper = s->Default ? 0xffffffffu : 0xffffu;
            if (offset <= s->Limit || last > upper)
                return segment_fault(cpu, seg);
            return EXEC_OK;
        }
    }
    if (last > s->Limit || last < offset)
        return segment_fault(cpu, seg);
    return EXEC_OK;
}

/* Whether the first and the last of size bytes from address a are canonical. */
static bool canonical_span(struct vcpu *cpu, uint64_t a, unsigned size)
{
    return mmu_is_canonical(cpu, a) && mmu_is_canonical(cpu, a + size - 1);
}

enum exec_result mmu_linear(struct vcpu *cpu, enum segreg seg, uint64_t offset, unsigned size,
                            unsigned access, uint64_t *linear)
{
    const WHV_X64_SEGMENT_REGISTER *s;

    if (cpu->code_mode == MODE_64) {
        uint64_t base = 0;
        if (seg == SEG_FS || seg == SEG_GS)
            base = reg_value(cpu, REG_SEG(seg))->Segment.Base;
        *linear = base + offset;
        /* AMD CPUs also check the offset, before the FS/GS base is added (measured on a Zen
         * 4, docs/segmentation.md); Intel's "linear-address references" only (SDM vol. 3A
         * §3.4.4) */
        if (!canonical_span(cpu, *linear, size) ||
            (base && cpu->vendor == WHVEMU_VENDOR_AMD && !canonical_span(cpu, offset, size)))
            return segment_fault(cpu, seg);
        return EXEC_OK;
    }
    s = &reg_value(cpu, REG_SEG(seg))->Segment;
    if (check_segment(cpu, seg, s, offset, size, access) != EXEC_OK)
        return EXEC_FAULT;
    *linear = (s->Base + offset) & 0xffffffffu;
    return EXEC_OK;
}

static bool tlb_entry_serves(const struct tlb_entry *e, uint64_t gva_page, unsigned need)
{
    return e->gva_page == gva_page && (e->access & need) == need &&
           (e->access & MMU_SYSTEM) == (need & MMU_SYSTEM);
}

static const struct tlb_entry *tlb_lookup(const struct vcpu *cpu, uint64_t gva_page,
                                          unsigned access)
{
    unsigned need = checked_access(access);

    if (cpu->exit_page.access && tlb_entry_serves(&cpu->exit_page, gva_page, need))
        return &cpu->exit_page;
    for (unsigned i = 0; i < cpu->tlb_count; i++)
        if (tlb_entry_serves(&cpu->tlb[i], gva_page, need))
            return &cpu->tlb[i];
    return NULL;
}

static void tlb_insert(struct vcpu *cpu, uint64_t gva_page, uint64_t gpa_page, unsigned access)
{
    struct tlb_entry *e = &cpu->tlb[cpu->tlb_next];

    cpu->tlb_next = (cpu->tlb_next + 1) % TLB_ENTRIES;
    if (cpu->tlb_count < TLB_ENTRIES)
        cpu->tlb_count++;
    e->gva_page = gva_page;
    e->gpa_page = gpa_page;
    e->access = (uint8_t)checked_access(access);
}

/* #PF reports I/D only where paging can refuse a fetch for being one: with SMEP, or with
 * EFER.NXE under PAE-style paging (SDM vol. 3, 4.7). */
static bool fetch_faults_reported(struct vcpu *cpu)
{
    uint64_t cr4 = reg_get(cpu, R_CR4);
    return (cr4 & CR4_SMEP) || ((cr4 & CR4_PAE) && (reg_get(cpu, R_EFER) & EFER_NXE));
}

static enum exec_result page_fault(struct vcpu *cpu, uint64_t la, unsigned access,
                                   WHV_TRANSLATE_GVA_RESULT_CODE result)
{
    uint32_t ec = 0;

    if (result != WHvTranslateGvaResultPageNotPresent)
        ec |= PFEC_P;
    if (result == WHvTranslateGvaResultInvalidPageTableFlags)
        ec |= PFEC_RSVD;
    if (access & MMU_WRITE)
        ec |= PFEC_W;
    if ((cpu->cpl == 3 || (access & MMU_USER)) && !(access & MMU_SYSTEM))
        ec |= PFEC_U;
    if ((access & MMU_EXEC) && fetch_faults_reported(cpu))
        ec |= PFEC_I;
    if (access & MMU_SHADOW_STACK)
        ec |= PFEC_SS;
    raise_fault(cpu, EXC_PF, true, ec);
    cpu->fault.has_cr2 = true;
    cpu->fault.cr2 = la;
    return EXEC_FAULT;
}

static enum exec_result translation_unusable(struct vcpu *cpu)
{
    cpu->status.TranslateGvaPageCallbackFailed = 1;
    return EXEC_CALLBACK_FAILED;
}

/* The translate flags of a shadow-stack access: a read, whatever its direction, since a
 * shadow-stack page is read-only to the WHv flags (ValidateWrite would refuse exactly the
 * pages it may write); the walk checks the rest (mmu_shadow_stack_page). A user access at
 * CPL 0 (WRUSS) can be asked for only as exempt from the access-mode checks, which the walk
 * then makes itself. */
static uint32_t shadow_stack_flags(const struct vcpu *cpu, unsigned access)
{
    bool user_at_cpl0 = (access & MMU_USER) && cpu->cpl != 3;

    return WHvTranslateGvaFlagSetPageTableBits | WHvTranslateGvaFlagValidateRead |
           (user_at_cpl0 ? WHvTranslateGvaFlagPrivilegeExempt : 0);
}

static uint32_t translate_flags(const struct vcpu *cpu, unsigned access)
{
    uint32_t flags = WHvTranslateGvaFlagSetPageTableBits;

    if (access & MMU_SHADOW_STACK)
        return shadow_stack_flags(cpu, access);
    if (checked_access(access) & MMU_READ)
        flags |= WHvTranslateGvaFlagValidateRead;
    if (access & MMU_WRITE)
        flags |= WHvTranslateGvaFlagValidateWrite;
    if (access & MMU_EXEC)
        flags |= WHvTranslateGvaFlagValidateExecute;
    /* An implicit supervisor access: SMAP applies whatever RFLAGS.AC says (EnforceSmap). At
     * CPL 3 only PrivilegeExempt makes it a supervisor access, and that also lifts SMAP: the
     * WHv flags cannot express more (docs/paging.md). */
    if (access & MMU_SYSTEM)
        flags |= WHvTranslateGvaFlagEnforceSmap |
                 (cpu->cpl == 3 ? WHvTranslateGvaFlagPrivilegeExempt : 0);
    return flags;
}

/* Linear page -> guest-physical page. Real mode has no paging: linear is physical. A
 * shadow-stack access neither uses nor fills the page cache: its answer is not one of the
 * rights the cache keeps. */
static enum exec_result translate_page(struct vcpu *cpu, uint64_t la, unsigned access,
                                       uint64_t *gpa_page)
{
    uint64_t gva_page = la & PAGE_MASK;
    WHV_TRANSLATE_GVA_RESULT_CODE result;
    bool shadow_stack = access & MMU_SHADOW_STACK;
    const struct tlb_entry *hit;
    uint64_t gpa = 0;

    if (!cpu->protected_mode) {
        *gpa_page = gva_page;
        return EXEC_OK;
    }
    hit = shadow_stack ? NULL : tlb_lookup(cpu, gva_page, access);
    if (hit) {
        *gpa_page = hit->gpa_page;
        return EXEC_OK;
    }
    if (FAILED(emu_translate(cpu, gva_page, (WHV_TRANSLATE_GVA_FLAGS)translate_flags(cpu, access),
                             &result, &gpa)))
        return EXEC_CALLBACK_FAILED;
    switch (result) {
    case WHvTranslateGvaResultSuccess:
    case WHvTranslateGvaResultGpaUnmapped:
    case WHvTranslateGvaResultGpaNoReadAccess:
    case WHvTranslateGvaResultGpaNoWriteAccess:
        break; /* the GVA translated; the GPA is typically MMIO: the memory callback serves it */
    case WHvTranslateGvaResultPageNotPresent:
    case WHvTranslateGvaResultPrivilegeViolation:
    case WHvTranslateGvaResultInvalidPageTableFlags: return page_fault(cpu, la, access, result);
    default:
        /* GpaIllegalOverlayAccess, Intercept, unknown codes and no code written: the
         * hypervisor could not give a guest-visible answer; the VMM must handle the exit
         * (docs/semantics.md). */
        return translation_unusable(cpu);
    }
    if (gpa == TRANSLATE_GPA_NOT_WRITTEN)
        return translation_unusable(cpu); /* "success" without a GPA */
    if (gpa & ~PAGE_MASK) {
        cpu->status.TranslateGvaPageCallbackGpaIsNotAligned = 1;
        return EXEC_CALLBACK_FAILED;
    }
    if (!shadow_stack)
        tlb_insert(cpu, gva_page, gpa, access);
    *gpa_page = gpa;
    return EXEC_OK;
}

/* The physical pieces of one access: at most two pages. */
struct phys_span {
    uint64_t gpa[2];
    unsigned len[2];
    unsigned count;
};

/* Linear -> physical pieces, without segmentation. Outside 64-bit code the linear address
 * space wraps at 4 GiB (la_mask), which is a page boundary. */
static enum exec_result resolve_linear(struct vcpu *cpu, uint64_t la, uint64_t la_mask,
                                       unsigned size, unsigned access, struct phys_span *span)
{
    uint64_t page;
    enum exec_result r;
    unsigned first = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));

    if (first > size)
        first = size;
    r = translate_page(cpu, la, access, &page);
    if (r != EXEC_OK)
        return r;
    span->gpa[0] = page | (la & (PAGE_SIZE - 1));
    span->len[0] = first;
    span->count = 1;
    if (first < size) {
        uint64_t la2 = (la + first) & la_mask;
        r = translate_page(cpu, la2, access, &page);
        if (r != EXEC_OK)
            return r;
        span->gpa[1] = page;
        span->len[1] = size - first;
        span->count = 2;
    }
    return EXEC_OK;
}

/* The alignment #AC demands of a data access: the unit the instruction names
 * (MMU_AC_UNIT), else its size rounded down to a power of two, at most 8. */
static unsigned alignment_of(unsigned size, unsigned access)
{
    unsigned align = 1;

    if (access >> MMU_AC_UNIT_SHIFT)
        return access >> MMU_AC_UNIT_SHIFT;
    while (align * 2 <= size && align < 8)
        align *= 2;
    return align;
}

/* Is a linear address not a multiple of unit (0 or 1: any address is)? */
static bool misaligned(uint64_t la, unsigned unit)
{
    return unit > 1 && (la & (unit - 1)) != 0;
}

static enum exec_result resolve(struct vcpu *cpu, enum segreg seg, uint64_t offset, unsigned size,
                                unsigned access, struct phys_span *span)
{
    uint64_t la;
    enum exec_result r;

    if (size == 0 || size > MMU_MAX_ACCESS)
        return EXEC_UNSUPPORTED;
    r = mmu_linear(cpu, seg, offset, size, access, &la);
    if (r != EXEC_OK)
        return r;
    /* #AC: user-mode misaligned data access with CR0.AM (the exit's Cr0Am) and RFLAGS.AC.
     * It comes before any page fault of the access, even one on its first page, as this
     * machine's CPU reports it (tests/diff). */
    if (!(access & (MMU_SYSTEM | MMU_EXEC | MMU_NO_ALIGN_CHECK)) && mmu_alignment_checking(cpu) &&
        misaligned(la, alignment_of(size, access))) {
        raise_fault(cpu, EXC_AC, true, 0);
        return EXEC_FAULT; /* spelled out: GCC then sees that *span is filled on EXEC_OK */
    }
    return resolve_linear(cpu, la, cpu->code_mode == MODE_64 ? ~UINT64_C(0) : 0xffffffffu, size,
                          access, span);
}

/* The size of the next physical piece of an access: at most 8 bytes; where `aligned`, also
 * naturally aligned (1, 2, 4 or 8 bytes at a multiple of the size, so never across an 8-byte
 * boundary), as a device model expects of code and of an operand wider than its registers.
 * An access of at most 8 bytes keeps the instruction's own size and address: that is what
 * the device must see. */
static unsigned piece_size(uint64_t gpa, unsigned left, bool aligned)
{
    unsigned n = 8;

    if (!aligned)
        return left > 8 ? 8 : left;
    while (n > left || (gpa & (n - 1)))
        n /= 2;
    return n;
}

/* Whether an access goes out in naturally aligned pieces: an instruction fetch, and any
 * operand of more than 8 bytes. */
static bool aligned_pieces(unsigned size, unsigned access)
{
    return (access & MMU_EXEC) || size > 8;
}

/* The physical accesses of len bytes at gpa, within one page, in address order. */
static enum exec_result phys_run(struct vcpu *cpu, uint64_t gpa, uint8_t *buf, unsigned len,
                                 bool write, bool aligned)
{
    while (len) {
        unsigned n = piece_size(gpa, len, aligned);
        enum exec_result r = mmu_phys(cpu, gpa, buf, n, write);
        if (r != EXEC_OK)
            return r;
        buf += n;
        gpa += n;
        len -= n;
    }
    return EXEC_OK;
}

enum exec_result mmu_phys_pieces(struct vcpu *cpu, uint64_t gpa, uint8_t *buf, unsigned size,
                                 bool write)
{
    return phys_run(cpu, gpa, buf, size, write, aligned_pieces(size, 0));
}

/* Physical accesses of at most 8 bytes each, in address order. */
static enum exec_result phys_access(struct vcpu *cpu, const struct phys_span *span, uint8_t *buf,
                                    bool write, bool aligned)
{
    for (unsigned i = 0; i < span->count; i++) {
        enum exec_result r = phys_run(cpu, span->gpa[i], buf, span->len[i], write, aligned);
        if (r != EXEC_OK)
            return r;
        buf += span->len[i];
    }
    return EXEC_OK;
}

enum exec_result mmu_read_general(struct vcpu *cpu, enum segreg seg, uint64_t offset, void *buf,
                                  unsigned size, unsigned access)
{
    struct phys_span span;
    enum exec_result r = resolve(cpu, seg, offset, size, access | MMU_READ, &span);
    if (r != EXEC_OK)
        return r;
    return phys_access(cpu, &span, buf, false, aligned_pieces(size, access));
}

enum exec_result mmu_write_general(struct vcpu *cpu, enum segreg seg, uint64_t offset,
                                   const void *buf, unsigned size, unsigned access)
{
    struct phys_span span;
    uint8_t tmp[MMU_MAX_ACCESS];
    enum exec_result r = resolve(cpu, seg, offset, size, access | MMU_WRITE, &span);
    if (r != EXEC_OK)
        return r;
    memcpy(tmp, buf, size);
    return phys_access(cpu, &span, tmp, true, aligned_pieces(size, access));
}

/* ---- byte-masked vector accesses (mmu.h, struct mmu_vector_access) ---- */

/* The operand as checked: its linear address, the mask of the linear address space, and the
 * guest-physical page of each of the (at most two) pages it touches that has a checked byte. */
struct vector_plan {
    uint64_t la, la_mask;
    uint64_t gpa_page[2];
};

/* The length of the run of set bits of mask from bit i. */
static unsigned run_length(uint64_t mask, unsigned i)
{
    uint64_t clear;

    if (i >= 64)
        return 0;
    clear = ~(mask >> i); /* its top i bits set: the run ends by bit 64 - i */
    return clear ? lowest_bit(clear) : 64;
}

/* Which of the operand's pages byte i is on: 0, or 1 past a page boundary. */
static unsigned page_of_byte(const struct vector_plan *p, unsigned i)
{
    return ((p->la & (PAGE_SIZE - 1)) + i) >= PAGE_SIZE;
}

/* The segment and canonical checks, one run of checked bytes at a time (a limit or the
 * canonical boundary between two runs faults only if a checked byte is beyond it), and the
 * operand's linear address. */
static enum exec_result vector_linear(struct vcpu *cpu, const struct mmu_vector_access *a,
                                      unsigned access, struct vector_plan *p)
{
    for (unsigned i = 0; i < a->size; i++) {
        unsigned n = run_length(a->checked | a->limited, i);
        uint64_t la;
        if (!n)
            continue;
        if (mmu_linear(cpu, a->seg, a->offset + i, n, access, &la) != EXEC_OK)
            return EXEC_FAULT;
        p->la = (la - i) & p->la_mask;
        i += n;
    }
    return EXEC_OK;
}

/* Alignment #GP(0) and #AC, in the order the access asks for. */
static enum exec_result vector_alignment(struct vcpu *cpu, const struct mmu_vector_access *a,
                                         uint64_t la)
{
    bool gp = misaligned(la, a->gp_align);
    bool ac = mmu_alignment_checking(cpu) && misaligned(la, a->ac_unit);

    if (ac && (!gp || (a->access & MMU_AC_FIRST)))
        return raise_fault(cpu, EXC_AC, true, 0);
    return gp ? raise_fault(cpu, EXC_GP, true, 0) : EXEC_OK;
}

/* Translate each page with a checked byte, at its first checked byte (a #PF's CR2). */
static enum exec_result vector_pages(struct vcpu *cpu, const struct mmu_vector_access *a,
                                     unsigned access, struct vector_plan *p)
{
    bool done[2] = { false, false };

    for (unsigned i = 0; i < a->size; i++) {
        unsigned page = page_of_byte(p, i);
        if (!((a->checked >> i) & 1) || done[page])
            continue;
        enum exec_result r =
            translate_page(cpu, (p->la + i) & p->la_mask, access, &p->gpa_page[page]);
        if (r != EXEC_OK)
            return r;
        done[page] = true;
    }
    return EXEC_OK;
}

/* The operand's linear address before the segment checks. */
static uint64_t unchecked_linear(struct vcpu *cpu, enum segreg seg, uint64_t offset)
{
    if (cpu->code_mode == MODE_64 && seg != SEG_FS && seg != SEG_GS)
        return offset;
    return reg_value(cpu, REG_SEG(seg))->Segment.Base + offset;
}

/* The CPU checks a vector operand's alignment (#GP(0)) before its segment's limit and the
 * canonical form (measured here: MOVAPS [rbp] misaligned and non-canonical is #GP, aligned
 * #SS; MOVAPS, MOVDQA, MOVNTDQ relative to SS past its limit in 32- and 16-bit code #GP). */
static bool misaligned_first(struct vcpu *cpu, const struct mmu_vector_access *a)
{
    return a->gp_align && a->checked && !(a->access & MMU_AC_FIRST) &&
           misaligned(unchecked_linear(cpu, a->seg, a->offset), a->gp_align);
}

/* The pages of the checked bytes of [i, i + n) not yet translated, in address order. */
static enum exec_result element_pages(struct vcpu *cpu, const struct mmu_vector_access *a,
                                      unsigned i, unsigned n, unsigned access,
                                      struct vector_plan *p, bool done[2])
{
    for (unsigned j = i; j < i + n; j++) {
        unsigned page = page_of_byte(p, j);
        enum exec_result r;
        if (done[page] || !((a->checked >> j) & 1))
            continue;
        r = translate_page(cpu, (p->la + j) & p->la_mask, access, &p->gpa_page[page]);
        if (r != EXEC_OK)
            return r;
        done[page] = true;
    }
    return EXEC_OK;
}

/* Bit i of the operand's checked bytes, as a mask of n from bit i. */
static uint64_t bytes_from(unsigned i, unsigned n)
{
    return (n >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1) << i;
}

/* The offset of byte i of the piece that starts at byte c: a piece that starts exactly at
 * 4 GiB (outside 64-bit code) starts again at offset 0; otherwise the offsets go on past
 * 4 GiB, to fault (measured: a 64-byte store at offset FFFFFFE0h completes, one at
 * FFFFFFC3h faults, and so does a masked one at FFFFFFF9h whose only enabled byte, 44, is
 * in its upper half: a half wrapped at FFFFFFF9h + 32 would hold it at offset 25h). */
static uint64_t offset_of_byte(const struct mmu_vector_access *a, const struct vector_plan *p,
                               unsigned c, unsigned i)
{
    uint64_t start = a->offset + c;
    uint64_t offset = (start == p->la_mask + 1 ? 0 : start) + (i - c);

    return a->wrap ? offset & p->la_mask : offset;
}

/* The segment checks of a piece's checked runs (elements checked one by one have their own). */
static enum exec_result piece_segment(struct vcpu *cpu, const struct mmu_vector_access *a,
                                      unsigned c, unsigned n, unsigned access,
                                      const struct vector_plan *p)
{
    uint64_t la;

    if (a->element)
        return EXEC_OK;
    for (unsigned i = c; i < c + n; i++) {
        unsigned run = run_length(a->checked & bytes_from(c, n), i);
        if (run && mmu_linear(cpu, a->seg, offset_of_byte(a, p, c, i), run, access, &la) != EXEC_OK)
            return EXEC_FAULT;
        i += run;
    }
    return EXEC_OK;
}

/* The checks of bytes [c, c + n) of a piece after its segment check: #AC at the operand's
 * first checked piece (*first), the pages; with elements checked one by one, each element's
 * segment check before its pages. */
static enum exec_result piece_pages(struct vcpu *cpu, const struct mmu_vector_access *a, unsigned c,
                                    unsigned n, unsigned access, struct vector_plan *p, bool *first,
                                    bool done[2])
{
    unsigned step = a->element ? a->element : n;
    uint64_t la;

    for (unsigned i = c; i < c + n; i += step) {
        unsigned len = c + n - i < step ? c + n - i : step;
        if (!(a->checked & bytes_from(i, len)))
            continue;
        if (a->element &&
            mmu_linear(cpu, a->seg, offset_of_byte(a, p, c, i), len, access, &la) != EXEC_OK)
            return EXEC_FAULT;
        if (*first && vector_alignment(cpu, a, p->la) != EXEC_OK)
            return EXEC_FAULT;
        *first = false;
        if (element_pages(cpu, a, i, len, access, p, done) != EXEC_OK)
            return EXEC_FAULT;
    }
    return EXEC_OK;
}

/* An access checked piece by piece or element by element (simd-design; mmu.h says the
 * order): each piece's segment check, then #AC at the first, its elements' and pages'. */
static enum exec_result vector_by_piece(struct vcpu *cpu, const struct mmu_vector_access *a,
                                        unsigned access, struct vector_plan *p)
{
    unsigned piece = a->piece ? a->piece : a->size;
    bool done[2] = { false, false }, first = true;

    p->la = unchecked_linear(cpu, a->seg, a->offset) & p->la_mask;
    for (unsigned c = 0; c < a->size; c += piece) {
        unsigned n = a->size - c < piece ? a->size - c : piece;
        if (!(a->checked & bytes_from(c, n)))
            continue;
        if (piece_segment(cpu, a, c, n, access, p) != EXEC_OK ||
            piece_pages(cpu, a, c, n, access, p, &first, done) != EXEC_OK)
            return EXEC_FAULT;
    }
    return EXEC_OK;
}

/* Every check of the access, in order, before any memory callback. */
static enum exec_result vector_plan(struct vcpu *cpu, const struct mmu_vector_access *a,
                                    unsigned access, struct vector_plan *p)
{
    uint64_t bytes = a->size >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << a->size) - 1;
    enum exec_result r;

    if (a->size == 0 || a->size > MMU_MAX_ACCESS || (a->checked & ~bytes) ||
        (a->enable & ~a->checked))
        return EXEC_UNSUPPORTED; /* the caller's mistake: refuse rather than guess */
    p->la_mask = cpu->code_mode == MODE_64 ? ~UINT64_C(0) : 0xffffffffu;
    if (misaligned_first(cpu, a))
        return raise_fault(cpu, EXC_GP, true, 0);
    if (a->checked && (a->element || a->piece))
        return vector_by_piece(cpu, a, access, p);
    r = vector_linear(cpu, a, access, p);
    if (r == EXEC_OK && a->checked)
        r = vector_alignment(cpu, a, p->la);
    if (r == EXEC_OK && a->checked)
        r = vector_pages(cpu, a, access, p);
    return r;
}

/* The enabled bytes, each run split at the page boundary and into pieces. */
static enum exec_result vector_transfer(struct vcpu *cpu, const struct mmu_vector_access *a,
                                        const struct vector_plan *p, uint8_t *buf, bool write)
{
    for (unsigned i = 0; i < a->size; i++) {
        unsigned n = run_length(a->enable, i);
        while (n) {
            unsigned page = page_of_byte(p, i);
            uint64_t in_page = (p->la + i) & (PAGE_SIZE - 1);
            unsigned len = PAGE_SIZE - in_page < n ? (unsigned)(PAGE_SIZE - in_page) : n;
            enum exec_result r = phys_run(cpu, p->gpa_page[page] | in_page, buf + i, len, write,
                                          aligned_pieces(a->size, a->access));
            if (r != EXEC_OK)
                return r;
            i += len;
            n -= len;
        }
    }
    return EXEC_OK;
}

/* The fast path of a vector access (mmu_in_exit_page's, for an operand of up to 64 bytes):
 * every byte enabled, in 64-bit code, in the exit's own page, aligned as gp_align asks, #AC
 * off. No check of the general path can fault then (no limits, canonical, the page checked
 * for the access), whatever order it checks in; *gpa is the operand's, and its pieces are
 * vector_transfer's. tests/fastpath and fuzz_emulate compare the two. */
static bool vector_in_exit_page(struct vcpu *cpu, const struct mmu_vector_access *a,
                                unsigned access, uint64_t *gpa)
{
    uint64_t all = a->size >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << a->size) - 1;

    return cpu->fast_paths && cpu->code_mode == MODE_64 && a->seg != SEG_FS && a->seg != SEG_GS &&
           a->size && a->size <= MMU_MAX_ACCESS && a->enable == all && a->checked == all &&
           !misaligned(a->offset, a->gp_align) && !mmu_alignment_checking(cpu) &&
           mmu_exit_page_holds(cpu, a->offset, a->size, checked_access(access), gpa);
}

enum exec_result mmu_read_vector(struct vcpu *cpu, const struct mmu_vector_access *a, uint8_t *buf)
{
    struct vector_plan p;
    uint64_t gpa;
    enum exec_result r;

    if (vector_in_exit_page(cpu, a, a->access | MMU_READ, &gpa))
        return phys_run(cpu, gpa, buf, a->size, false, aligned_pieces(a->size, a->access));
    r = vector_plan(cpu, a, a->access | MMU_READ, &p);

    return r == EXEC_OK ? vector_transfer(cpu, a, &p, buf, false) : r;
}

enum exec_result mmu_check_vector(struct vcpu *cpu, const struct mmu_vector_access *a,
                                  unsigned access)
{
    struct vector_plan p;

    return vector_plan(cpu, a, a->access | access, &p);
}

enum exec_result mmu_write_vector(struct vcpu *cpu, const struct mmu_vector_access *a,
                                  const uint8_t *buf)
{
    struct vector_plan p;
    uint8_t tmp[MMU_MAX_ACCESS];
    uint64_t gpa;
    enum exec_result r;

    if (vector_in_exit_page(cpu, a, a->access | MMU_WRITE, &gpa)) {
        memcpy(tmp, buf, a->size);
        return phys_run(cpu, gpa, tmp, a->size, true, aligned_pieces(a->size, a->access));
    }
    r = vector_plan(cpu, a, a->access | MMU_WRITE, &p);
    if (r != EXEC_OK)
        return r;
    memcpy(tmp, buf, a->size);
    return vector_transfer(cpu, a, &p, tmp, true);
}

enum exec_result mmu_probe(struct vcpu *cpu, enum segreg seg, uint64_t offset, unsigned size,
                           unsigned access)
{
    struct phys_span span;
    return resolve(cpu, seg, offset, size, access, &span);
}

enum exec_result mmu_translate(struct vcpu *cpu, enum segreg seg, uint64_t offset, unsigned size,
                               unsigned access, uint64_t *gpa)
{
    /* initialised only for GCC 12 at -O3 (the mingw build), which takes span.count for
     * read uninitialised once the register sets are two words */
    struct phys_span span = { 0 };
    enum exec_result r = resolve(cpu, seg, offset, size, access, &span);
    if (r != EXEC_OK)
        return r;
    if (span.count != 1)
        return EXEC_UNSUPPORTED; /* the caller promised one page */
    *gpa = span.gpa[0];
    return EXEC_OK;
}

/* SDM vol. 3A §4.6.1: a shadow-stack access is allowed only to a shadow-stack page, one
 * whose leaf entry has R/W = 0 and D = 1 under entries that all have R/W = 1, and only to a
 * page of its own mode: a user access (CPL 3, or WRUSS) to a page with U/S = 1 at every
 * level, a supervisor one to a page without. CR0.WP, SMAP and a write's R/W do not apply. */
static bool shadow_stack_allows(const struct vcpu *cpu, const struct page_walk *w, unsigned access)
{
    bool user = cpu->cpl == 3 || (access & MMU_USER);

    return w->upper_writable && !w->leaf_writable && w->leaf_dirty && w->user == user;
}

enum exec_result mmu_shadow_stack_page(struct vcpu *cpu, uint64_t linear, unsigned access,
                                       uint64_t *gpa)
{
    struct page_walk w;
    uint64_t gpa_page = 0; /* initialised only for GCC 12 at -O3 (the mingw build) */
    enum exec_result r = translate_page(cpu, linear, access | MMU_SHADOW_STACK, &gpa_page);

    if (r != EXEC_OK)
        return r;
    *gpa = gpa_page | (linear & ~PAGE_MASK);
    /* without paging there are no pages to refuse it */
    if (!cpu->protected_mode || !(reg_get(cpu, R_CR0) & CR0_PG))
        return EXEC_OK;
    r = walk_guest_tables(cpu, linear, &w);
    if (r == EXEC_OK && w.gpa_page != gpa_page)
        r = EXEC_UNSUPPORTED; /* the two walks saw different tables: no answer is safe */
    if (r != EXEC_OK || shadow_stack_allows(cpu, &w, access))
        return r;
    return page_fault(cpu, linear, access | MMU_SHADOW_STACK,
                      WHvTranslateGvaResultPrivilegeViolation);
}

/* An implicit supervisor access at a linear address (descriptor tables, the TSS). */
static enum exec_result system_access(struct vcpu *cpu, uint64_t linear, uint8_t *buf,
                                      unsigned size, bool write)
{
    struct phys_span span;
    uint64_t la_mask = cpu->long_mode ? ~UINT64_C(0) : 0xffffffffu;
    enum exec_result r;

    if (size == 0 || size > MMU_MAX_ACCESS)
        return EXEC_UNSUPPORTED;
    r = resolve_linear(cpu, linear & la_mask, la_mask, size,
                       (write ? MMU_WRITE : MMU_READ) | MMU_SYSTEM, &span);
    if (r != EXEC_OK)
        return r;
    return phys_access(cpu, &span, buf, write, aligned_pieces(size, 0));
}

enum exec_result mmu_probe_linear(struct vcpu *cpu, uint64_t linear, unsigned access)
{
    struct phys_span span;
    uint64_t la_mask = cpu->code_mode == MODE_64 ? ~UINT64_C(0) : 0xffffffffu;

    return resolve_linear(cpu, linear & la_mask, la_mask, 1, access, &span);
}

enum exec_result mmu_read_system(struct vcpu *cpu, uint64_t linear, void *buf, unsigned size)
{
    return system_access(cpu, linear, buf, size, false);
}

enum exec_result mmu_write_system(struct vcpu *cpu, uint64_t linear, const void *buf, unsigned size)
{
    uint8_t tmp[MMU_MAX_ACCESS];

    if (size > MMU_MAX_ACCESS)
        return EXEC_UNSUPPORTED;
    memcpy(tmp, buf, size);
    return system_access(cpu, linear, tmp, size, true);
}

uint8_t *mmu_host_page(struct vcpu *cpu, uint64_t gpa_page, bool write)
{
    uint8_t *page;

    if (cpu->not_ram[write] == gpa_page)
        return NULL;
    page = emu_ram_page(cpu, gpa_page, write);
    if (!page)
        cpu->not_ram[write] = gpa_page;
    return page;
}

enum exec_result mmu_fetch(struct vcpu *cpu, unsigned have, unsigned want)
{
    uint64_t ip_mask = cpu->code_mode == MODE_64   ? ~UINT64_C(0)
                       : cpu->code_mode == MODE_32 ? 0xffffffffu
                                                   : 0xffffu;
    /* IP wraps between instructions, not inside one: a byte past offset 0xffff (or 4 GiB - 1)
     * of 16-bit (32-bit) code is beyond the CS limit, #GP, as the CPU has it */
    uint64_t ip = (reg_get(cpu, R_RIP) & ip_mask) + have;

    if (want <= have)
        return EXEC_OK;
    /* one read: resolve() translates every page of it (a fault names the page that faulted)
     * before the memory callback sees a byte */
    return mmu_read(cpu, SEG_CS, ip, cpu->bytes + have, want - have, MMU_EXEC);
}
