/* The page walk of WHvTranslateGva over page tables in the in-memory guest (SDM vol. 3, ch. 4). */
#include "pagewalk.h"

#include <inttypes.h>
#include <string.h>

#define PAGE_SIZE 4096u
#define PAGE_OFFSET_MASK ((uint64_t)PAGE_SIZE - 1)
#define EFER_LMA (UINT64_C(1) << 10)
/* Where the paging structures go (pagewalk.h): below 4 GiB, as 32-bit paging needs. */
#define TABLES_GPA UINT64_C(0x00800000)

const char *const pw_mode_names[PW_MODE_COUNT] = { "32-bit", "PAE", "4-level", "5-level" };

uint64_t pw_reg(const struct pw_guest *pw, WHV_REGISTER_NAME name)
{
    return vcpu_reg_const(&pw->guest.vcpu, name)->Reg64;
}

void pw_set_reg(struct pw_guest *pw, WHV_REGISTER_NAME name, uint64_t value)
{
    vcpu_reg(&pw->guest.vcpu, name)->Reg64 = value;
}

/* ---- the paging structures' geometry ---- */

static bool long_mode(const struct pw_guest *pw)
{
    return (pw_reg(pw, WHvX64RegisterEfer) & EFER_LMA) != 0;
}

static bool pae(const struct pw_guest *pw)
{
    return (pw_reg(pw, WHvX64RegisterCr4) & PW_CR4_PAE) != 0;
}

static unsigned top_level(const struct pw_guest *pw)
{
    if (long_mode(pw))
        return (pw_reg(pw, WHvX64RegisterCr4) & PW_CR4_LA57) ? 5 : 4;
    return pae(pw) ? 3 : 2;
}

static unsigned entry_size(const struct pw_guest *pw)
{
    return pae(pw) ? 8 : 4;
}

/* The lowest address bit a level's index covers; also log2 of the page a leaf there maps. */
static unsigned level_shift(const struct pw_guest *pw, unsigned level)
{
    return pae(pw) ? 12 + 9 * (level - 1) : 12 + 10 * (level - 1);
}

static uint64_t entry_index(const struct pw_guest *pw, uint64_t gva, unsigned level)
{
    return (gva >> level_shift(pw, level)) & (pae(pw) ? 0x1ff : 0x3ff);
}

/* Bits maxphyaddr..51: a physical address too wide for the processor. */
static uint64_t above_maxphyaddr(const struct pw_guest *pw)
{
    return (UINT64_C(1) << 52) - (UINT64_C(1) << pw->maxphyaddr);
}

static uint64_t table_address(const struct pw_guest *pw, uint64_t entry)
{
    if (!pae(pw))
        return entry & 0xfffff000u;
    return entry & ((UINT64_C(1) << pw->maxphyaddr) - 1) & ~PAGE_OFFSET_MASK;
}

static uint64_t cr3_table(const struct pw_guest *pw)
{
    uint64_t cr3 = pw_reg(pw, WHvX64RegisterCr3);
    if (pae(pw) && !long_mode(pw))
        return cr3 & 0xffffffe0u; /* the four PDPTEs are 32-byte aligned */
    return table_address(pw, cr3);
}

/* Can an entry at this level map a page (PS=1)? */
static bool large_page_level(const struct pw_guest *pw, unsigned level)
{
    if (!pae(pw))
        return level == 2 && (pw_reg(pw, WHvX64RegisterCr4) & PW_CR4_PSE);
    return level == 2 || (level == 3 && long_mode(pw));
}

/* The PDPTEs of PAE paging: no R/W, U/S, A or XD; the CPU loads them with CR3. */
static bool pae_pdpte(const struct pw_guest *pw, unsigned level)
{
    return level == 3 && pae(pw) && !long_mode(pw);
}

static uint64_t bits(unsigned low, unsigned high)
{
    return ((high == 63 ? 0 : UINT64_C(1) << (high + 1)) - (UINT64_C(1) << low));
}

/* The reserved bits of an entry at a level (SDM tables 4-4 to 4-20). */
static uint64_t reserved_bits(const struct pw_guest *pw, unsigned level, bool leaf)
{
    bool nxe = (pw_reg(pw, WHvX64RegisterEfer) & PW_EFER_NXE) != 0;
    uint64_t r;

    if (!pae(pw)) {
        /* a 4 MiB page: bit 21, and the PSE-36 address bits 13+ above MAXPHYADDR */
        if (level != 2 || !leaf)
            return 0;
        r = bits(21, 21);
        if (pw->maxphyaddr < 40)
            r |= bits(13 + pw->maxphyaddr - 32, 20);
        return r;
    }
    if (pae_pdpte(pw, level))
        return bits(pw->maxphyaddr, 63) | bits(5, 8) | bits(1, 2);
    r = long_mode(pw) ? above_maxphyaddr(pw) : bits(pw->maxphyaddr, 62);
    if (!nxe)
        r |= PTE_XD;
    if (level >= 4)
        r |= PTE_PS;
    if (leaf && level > 1)
        r |= bits(13, level_shift(pw, level) - 1); /* a large page's address is aligned */
    return r;
}

static uint64_t read_entry(const struct pw_guest *pw, uint64_t address)
{
    uint8_t raw[8] = { 0 };
    uint64_t value = 0;
    guest_read(&pw->guest, address, raw, entry_size(pw));
    for (unsigned i = entry_size(pw); i-- > 0;)
        value = value << 8 | raw[i];
    return value;
}

static void write_entry(struct pw_guest *pw, uint64_t address, uint64_t value)
{
    uint8_t raw[8];
    for (unsigned i = 0; i < 8; i++)
        raw[i] = (uint8_t)(value >> (8 * i));
    guest_write(&pw->guest, address, raw, entry_size(pw));
}

static bool in_mmio(const struct pw_guest *pw, uint64_t gpa)
{
    return gpa >= pw->mmio_base && gpa - pw->mmio_base < pw->mmio_size;
}

/* ---- the walk ---- */

/* What the walk gathered on its way down. */
struct walk {
    uint64_t entry_addresses[5];
    unsigned used;
    uint64_t leaf;
    unsigned leaf_level;
    bool user_page;  /* U/S=1 at every level: a user-mode address */
    bool writable;   /* R/W=1 at every level */
    bool executable; /* no XD at any level (with EFER.NXE) */
};

static WHV_TRANSLATE_GVA_RESULT_CODE walk_tables(const struct pw_guest *pw, uint64_t gva,
                                                 struct walk *w)
{
    bool nxe = (pw_reg(pw, WHvX64RegisterEfer) & PW_EFER_NXE) != 0;
    uint64_t table = cr3_table(pw);

    memset(w, 0, sizeof *w);
    w->user_page = w->writable = w->executable = true;
    for (unsigned level = top_level(pw);; level--) {
        uint64_t address = table + entry_index(pw, gva, level) * entry_size(pw);
        uint64_t e;
        bool leaf;

        if (in_mmio(pw, address))
            return WHvTranslateGvaResultGpaUnmapped; /* a table the hypervisor cannot read */
        e = read_entry(pw, address);
        if (!(e & PTE_P))
            return WHvTranslateGvaResultPageNotPresent;
        leaf = level == 1 || (large_page_level(pw, level) && (e & PTE_PS));
        if (e & reserved_bits(pw, level, leaf))
            return WHvTranslateGvaResultInvalidPageTableFlags;
        if (!pae_pdpte(pw, level)) {
            w->entry_addresses[w->used++] = address;
            w->user_page &= (e & PTE_US) != 0;
            w->writable &= (e & PTE_RW) != 0;
            if (nxe && (e & PTE_XD))
                w->executable = false;
        }
        if (leaf) {
            w->leaf = e;
            w->leaf_level = level;
            return WHvTranslateGvaResultSuccess;
        }
        table = table_address(pw, e);
    }
}

static uint64_t leaf_gpa_page(const struct pw_guest *pw, uint64_t gva, const struct walk *w)
{
    uint64_t page_mask = (UINT64_C(1) << level_shift(pw, w->leaf_level)) - 1;
    uint64_t base;

    if (!pae(pw) && w->leaf_level == 2) /* PSE-36: address bits 39:32 in bits 20:13 */
        base = (w->leaf & 0xffc00000u) | ((w->leaf >> 13) & 0xff) << 32;
    else
        base = table_address(pw, w->leaf) & ~page_mask;
    return base | (gva & page_mask & ~PAGE_OFFSET_MASK);
}

/* The access rights of SDM 4.6 for the access the flags describe. */
static bool access_allowed(const struct pw_guest *pw, const struct walk *w,
                           WHV_TRANSLATE_GVA_FLAGS flags)
{
    uint64_t cr0 = pw_reg(pw, WHvX64RegisterCr0), cr4 = pw_reg(pw, WHvX64RegisterCr4);
    const WHV_X64_SEGMENT_REGISTER *ss =
        &vcpu_reg_const(&pw->guest.vcpu, WHvX64RegisterSs)->Segment;
    bool read = flags & WHvTranslateGvaFlagValidateRead;
    bool write = flags & WHvTranslateGvaFlagValidateWrite;
    bool execute = flags & WHvTranslateGvaFlagValidateExecute;
    /* PrivilegeExempt: no check that depends on the access mode (U/S, SMEP, SMAP, keys) */
    bool exempt = flags & WHvTranslateGvaFlagPrivilegeExempt;
    bool user = !exempt && ss->DescriptorPrivilegeLevel == 3;
    bool wp = (cr0 & PW_CR0_WP) != 0;

    if (execute && !w->executable)
        return false;
    if (user) {
        if (!w->user_page || (write && !w->writable))
            return false;
    } else {
        if (write && !w->writable && wp)
            return false;
        if (!exempt && w->user_page) {
            bool ac = (pw_reg(pw, WHvX64RegisterRflags) & PW_RFLAGS_AC) != 0;
            if (execute && (cr4 & PW_CR4_SMEP))
                return false;
            if ((read || write) && (cr4 & PW_CR4_SMAP) &&
                !(flags & WHvTranslateGvaFlagOverrideSmap) &&
                ((flags & WHvTranslateGvaFlagEnforceSmap) || !ac))
                return false;
        }
    }
    /* protection keys: data accesses to user-mode addresses in IA-32e mode */
    if (!exempt && long_mode(pw) && (cr4 & PW_CR4_PKE) && w->user_page && (read || write)) {
        unsigned key = (unsigned)(w->leaf >> PTE_PKEY_SHIFT) & 0xf;
        bool access_disabled = (pw->pkru >> (2 * key)) & 1;
        bool write_disabled = (pw->pkru >> (2 * key + 1)) & 1;
        if (access_disabled || (write && write_disabled && (user || wp)))
            return false;
    }
    return true;
}

static void set_accessed_dirty(struct pw_guest *pw, const struct walk *w, bool write)
{
    for (unsigned i = 0; i < w->used; i++) {
        uint64_t e = read_entry(pw, w->entry_addresses[i]);
        e |= PTE_A;
        if (write && i + 1 == w->used)
            e |= PTE_D;
        write_entry(pw, w->entry_addresses[i], e);
    }
}

WHV_TRANSLATE_GVA_RESULT_CODE pw_translate(struct pw_guest *pw, uint64_t gva,
                                           WHV_TRANSLATE_GVA_FLAGS flags, uint64_t *gpa_page)
{
    struct walk w;
    WHV_TRANSLATE_GVA_RESULT_CODE result;
    unsigned width = top_level(pw) == 5 ? 57 : 48;

    *gpa_page = 0;
    if (!long_mode(pw))
        gva &= 0xffffffffu;
    if (!(pw_reg(pw, WHvX64RegisterCr0) & PW_CR0_PG)) {
        *gpa_page = gva & ~PAGE_OFFSET_MASK;
        return in_mmio(pw, *gpa_page) ? WHvTranslateGvaResultGpaUnmapped
                                      : WHvTranslateGvaResultSuccess;
    }
    /* a non-canonical address has no translation: Hyper-V calls it invalid flags */
    if (long_mode(pw) && (uint64_t)((int64_t)(gva << (64 - width)) >> (64 - width)) != gva)
        return WHvTranslateGvaResultInvalidPageTableFlags;
    result = walk_tables(pw, gva, &w);
    if (result != WHvTranslateGvaResultSuccess)
        return result;
    if (!access_allowed(pw, &w, flags))
        return WHvTranslateGvaResultPrivilegeViolation;
    if (flags & WHvTranslateGvaFlagSetPageTableBits)
        set_accessed_dirty(pw, &w, (flags & WHvTranslateGvaFlagValidateWrite) != 0);
    *gpa_page = leaf_gpa_page(pw, gva, &w);
    return in_mmio(pw, *gpa_page) ? WHvTranslateGvaResultGpaUnmapped : WHvTranslateGvaResultSuccess;
}

/* ---- building tables ---- */

static uint64_t new_table(struct pw_guest *pw)
{
    static const uint8_t zero[PAGE_SIZE];
    uint64_t table = pw->next_table;
    guest_write(&pw->guest, table, zero, sizeof zero);
    pw->next_table += PAGE_SIZE;
    return table;
}

void pw_map(struct pw_guest *pw, uint64_t gva, uint64_t gpa, uint64_t page_size, uint64_t flags)
{
    unsigned leaf_level = 1;
    uint64_t table = cr3_table(pw);

    while (leaf_level < top_level(pw) && (UINT64_C(1) << level_shift(pw, leaf_level)) < page_size)
        leaf_level++;
    for (unsigned level = top_level(pw); level > leaf_level; level--) {
        uint64_t address = table + entry_index(pw, gva, level) * entry_size(pw);
        uint64_t e = read_entry(pw, address);
        if (!(e & PTE_P)) {
            e = new_table(pw) | PTE_P | (pae_pdpte(pw, level) ? 0 : PTE_RW | PTE_US);
            write_entry(pw, address, e);
        }
        table = table_address(pw, e);
    }
    if (leaf_level > 1) {
        flags |= PTE_PS;
        if (!pae(pw)) /* PSE-36 */
            gpa = (gpa & 0xffc00000u) | ((gpa >> 32) & 0xff) << 13;
    }
    write_entry(pw, table + entry_index(pw, gva, leaf_level) * entry_size(pw), gpa | flags);
}

uint64_t pw_entry_address(const struct pw_guest *pw, uint64_t gva, unsigned level)
{
    uint64_t table = cr3_table(pw);

    for (unsigned l = top_level(pw); l > level; l--) {
        uint64_t e = read_entry(pw, table + entry_index(pw, gva, l) * entry_size(pw));
        if (!(e & PTE_P) || (large_page_level(pw, l) && (e & PTE_PS)))
            return 0;
        table = table_address(pw, e);
    }
    return table + entry_index(pw, gva, level) * entry_size(pw);
}

uint64_t pw_entry(const struct pw_guest *pw, uint64_t gva, unsigned level)
{
    uint64_t address = pw_entry_address(pw, gva, level);
    return address ? read_entry(pw, address) : 0;
}

void pw_set_entry(struct pw_guest *pw, uint64_t gva, unsigned level, uint64_t value)
{
    uint64_t address = pw_entry_address(pw, gva, level);
    if (address)
        write_entry(pw, address, value);
}

/* ---- setup and callbacks ---- */

void pw_init(struct pw_guest *pw, enum pw_mode mode)
{
    uint64_t cr4;

    memset(pw, 0, sizeof *pw);
    guest_init(&pw->guest);
    vcpu_set_defaults(&pw->guest.vcpu, mode >= PW_4LEVEL ? VCPU_LONG64 : VCPU_PROTECTED32);
    pw_set_reg(pw, WHvX64RegisterCr0, pw_reg(pw, WHvX64RegisterCr0) | PW_CR0_PG | PW_CR0_WP);
    cr4 = pw_reg(pw, WHvX64RegisterCr4);
    switch (mode) {
    case PW_32BIT: cr4 |= PW_CR4_PSE; break;
    case PW_PAE: cr4 |= PW_CR4_PAE; break;
    case PW_4LEVEL: break;
    case PW_5LEVEL: cr4 |= PW_CR4_LA57; break;
    case PW_MODE_COUNT: break;
    }
    pw_set_reg(pw, WHvX64RegisterCr4, cr4);
    if (mode == PW_PAE)
        pw_set_reg(pw, WHvX64RegisterEfer, pw_reg(pw, WHvX64RegisterEfer) | PW_EFER_NXE);
    pw->maxphyaddr = 46;
    pw->next_table = TABLES_GPA;
    pw_set_reg(pw, WHvX64RegisterCr3, new_table(pw));
}

void pw_free(struct pw_guest *pw)
{
    guest_free(&pw->guest);
}

void pw_begin(struct pw_guest *pw)
{
    guest_begin(&pw->guest);
    pw->translate_count = 0;
}

static HRESULT CALLBACK walk_translate(VOID *context, WHV_GUEST_VIRTUAL_ADDRESS gva,
                                       WHV_TRANSLATE_GVA_FLAGS flags,
                                       WHV_TRANSLATE_GVA_RESULT_CODE *result,
                                       WHV_GUEST_PHYSICAL_ADDRESS *gpa)
{
    struct pw_guest *pw = context;
    struct guest *g = &pw->guest;
    uint64_t answer;

    /* the CLI guest's count, failure injection and call numbering apply to this one too */
    g->last_translate_flags = flags;
    if (guest_count_call(g, GUEST_CB_TRANSLATE, "walk"))
        return E_FAIL;
    *result = pw_translate(pw, gva, flags, &answer);
    *gpa = answer;
    if (pw->translate_count < PW_MAX_TRANSLATES) {
        struct pw_translate_call *call = &pw->translates[pw->translate_count];
        call->gva = gva;
        call->flags = flags;
        call->result = *result;
    }
    pw->translate_count++;
    if (g->trace)
        fprintf(g->trace, " gva=0x%" PRIx64 " flags=0x%x -> %u gpa=0x%" PRIx64 "\n", (uint64_t)gva,
                (unsigned)flags, (unsigned)*result, answer);
    return S_OK;
}

WHV_EMULATOR_CALLBACKS pw_callbacks(void)
{
    WHV_EMULATOR_CALLBACKS cb = guest_callbacks;
    cb.WHvEmulatorTranslateGvaPage = walk_translate;
    return cb;
}
