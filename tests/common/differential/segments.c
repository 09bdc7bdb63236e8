/* The harness's segment model: descriptors in, segment registers out. */
#include "segments.h"

#include <string.h>

#include "native.h"
#include "synth.h"

/* Linux x86-64's GDT (arch/x86/include/asm/segment.h): the entries a user program can
 * name. Entries 8-9 are the TSS, 10-11 the LDT (their bases do not matter here). */
#define GDT_ENTRIES 16
static const uint64_t linux_gdt[GDT_ENTRIES] = {
    [1] = UINT64_C(0x00cf9b000000ffff),  /* kernel 32-bit code, DPL 0 */
    [2] = UINT64_C(0x00af9b000000ffff),  /* kernel 64-bit code */
    [3] = UINT64_C(0x00cf93000000ffff),  /* kernel data */
    [4] = UINT64_C(0x00cffb000000ffff),  /* 0x23: user 32-bit code */
    [5] = UINT64_C(0x00cff3000000ffff),  /* 0x2b: user data */
    [6] = UINT64_C(0x00affb000000ffff),  /* 0x33: user 64-bit code */
    [8] = UINT64_C(0x00008b0000000067),  /* busy TSS */
    [10] = UINT64_C(0x0000820000000000), /* LDT */
};

static uint8_t tables[DESCRIPTOR_TABLES_SIZE];
static bool tables_built;

uint32_t ldt_limit(void)
{
    return LDT_COUNT * 8 - 1;
}

const uint8_t *descriptor_tables(void)
{
    if (!tables_built) {
        memcpy(tables + GDT_OFFSET, linux_gdt, sizeof linux_gdt);
        for (unsigned i = 0; i < LDT_COUNT; i++) {
            uint64_t d = native_ldt_descriptor((enum ldt_entry)i);
            memcpy(tables + LDT_OFFSET + 8 * i, &d, 8);
        }
        tables_built = true;
    }
    return tables;
}

struct segment descriptor_segment(uint16_t selector, uint64_t d)
{
    struct segment s;
    uint32_t limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
    s.selector = selector;
    s.base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
    s.limit = (d >> 55) & 1 ? (limit << 12) | 0xfff : limit;
    s.attributes = (uint16_t)((d >> 40) & 0xf0ff);
    return s;
}

bool segment_of_selector(uint16_t selector, struct segment *out)
{
    const uint8_t *t = descriptor_tables();
    unsigned index = selector >> 3;
    uint64_t d;

    if ((selector & ~3) == 0)
        return false;
    if (selector & 4) {
        if (index >= LDT_COUNT)
            return false;
        memcpy(&d, t + LDT_OFFSET + 8 * index, 8);
    } else {
        if (index >= GDT_ENTRIES)
            return false;
        memcpy(&d, t + GDT_OFFSET + 8 * index, 8);
    }
    if (!((d >> 47) & 1) || !((d >> 44) & 1)) /* not present, or a system descriptor */
        return false;
    *out = descriptor_segment(selector, d);
    return true;
}

static struct segment ldt_segment(enum ldt_entry entry)
{
    return descriptor_segment(SEL_LDT(entry), native_ldt_descriptor(entry));
}

static struct segment gdt_segment(uint16_t selector)
{
    return descriptor_segment(selector, linux_gdt[selector >> 3]);
}

unsigned data_segment_count(unsigned bits)
{
    return bits == 32 ? 3 : 2;
}

struct segment data_segment(unsigned bits, unsigned which)
{
    static const enum ldt_entry data32[] = { LDT_DATA32, LDT_DATA32_HI };
    static const enum ldt_entry data16[] = { LDT_DATA16, LDT_DATA16_HI };
    if (bits == 32)
        return which == 0 ? gdt_segment(SEL_USER_DS) : ldt_segment(data32[(which - 1) & 1]);
    return ldt_segment(data16[which & 1]);
}

void mode_segments(unsigned bits, struct segment seg[6])
{
    const struct native_layout *l = native_layout();
    static const struct segment unusable = { 0, 0, 0xffffffffu, 0 };

    seg[NSEG_FS] = unusable;
    seg[NSEG_FS].base = l->fs_base;
    if (bits == 64) {
        seg[NSEG_GS] = unusable;
        seg[NSEG_GS].base = l->gs_base;
        seg[NSEG_CS] = gdt_segment(SEL_USER64_CS);
        seg[NSEG_SS] = gdt_segment(SEL_USER_DS);
        seg[NSEG_ES] = seg[NSEG_DS] = unusable;
        return;
    }
    /* the 32/16-bit runners hold the flat data selector in GS for themselves */
    seg[NSEG_GS] = gdt_segment(SEL_USER_DS);
    seg[NSEG_CS] = bits == 32 ? gdt_segment(SEL_USER32_CS) : ldt_segment(LDT_CODE16);
    seg[NSEG_ES] = seg[NSEG_SS] = seg[NSEG_DS] = data_segment(bits, 0);
}

uint16_t interesting_selector(struct rng *r)
{
    static const uint16_t gdt[] = { 0x08, 0x10, 0x18, 0x20, 0x23, 0x28, 0x2b, 0x2a, 0x30,
                                    0x33, 0x38, 0x40, 0x43, 0x50, 0x53, 0x63, 0x80 };
    uint16_t rpl = (uint16_t)rng_below(r, 4);
    switch (rng_below(r, 4)) {
    case 0: return rpl; /* null */
    case 1: return gdt[rng_below(r, sizeof gdt / sizeof gdt[0])];
    case 2: return (uint16_t)(rng_below(r, LDT_COUNT) << 3 | 4 | (rng_below(r, 4) ? 3 : rpl));
    default: {
        uint16_t sel = (uint16_t)rng_next(r);
        return (sel & ~3) == 0x78 ? 0x7c : sel; /* never the per-CPU GDT entry */
    }
    }
}
