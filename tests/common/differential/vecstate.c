/* Vector state and its XSAVE images (vecstate.h). */
#include "vecstate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cpuid.h>

#include "native.h"

#define BIT(i) (UINT64_C(1) << (i))
#define HAS(l, c) (((l)->components & BIT(c)) != 0)

/* The legacy region (SDM vol. 1 §10.5.1, Table 10-2; 64-bit format, REX.W). */
enum {
    LEG_FCW = 0,
    LEG_FSW = 2,
    LEG_FTW = 4,
    LEG_FOP = 6,
    LEG_FIP = 8,
    LEG_FDP = 16,
    LEG_MXCSR = 24,
    LEG_MXCSR_MASK = 28,
    LEG_ST = 32,
    LEG_XMM = 160,
};
#define HEADER_XSTATE_BV 512
#define HEADER_XCOMP_BV 520
#define MXCSR_INIT 0x1f80u
#define FCW_INIT 0x037fu

/* ---- the host's layout ---- */

/* MXCSR_MASK from an FXSAVE image; 0 there means the default, 0xFFBF (SDM vol. 1
 * §11.6.6 "Guidelines for Writing to the MXCSR Register"). */
static uint32_t read_mxcsr_mask(void)
{
    static uint8_t area[512] __attribute__((aligned(16)));
    uint32_t mask;

    memset(area, 0, sizeof area);
    __asm__ volatile("fxsave64 %0" : "=m"(area));
    memcpy(&mask, area + LEG_MXCSR_MASK, 4);
    return mask ? mask : 0xffbfu;
}

/* Load x87 pointers with no exception pending (FXRSTOR) and see whether FXSAVE gives them
 * back; the host's x87 and SSE state is saved around the probe. */
static bool x87_pointers_kept(void)
{
    static uint8_t host[512] __attribute__((aligned(16)));
    static uint8_t probe[512] __attribute__((aligned(16)));
    struct vecstate v;
    uint64_t fip;

    vecstate_init(&v);
    v.fip = 0x1234;
    vecstate_to_legacy(&v, 0, probe);
    __asm__ volatile("fxsave64 %0\n\tfxrstor64 %1\n\tfxsave64 %1\n\tfxrstor64 %0"
                     : "+m"(host), "+m"(probe));
    memcpy(&fip, probe + LEG_FIP, 8);
    return fip == v.fip;
}

static void detect(struct xsave_layout *l)
{
    unsigned a, b, c, d;

    memset(l, 0, sizeof *l);
    l->components = BIT(XCOMP_X87) | BIT(XCOMP_SSE);
    l->mxcsr_mask = read_mxcsr_mask();
    l->x87_pointers_always_saved = x87_pointers_kept();
    if (!native_vector_mask()) /* the runners' choice: FXSAVE images */
        return;
    l->xsave = true;
    l->components = native_vector_mask();
    for (unsigned i = 2; i < 64 && __get_cpuid_max(0, NULL) >= 0xd; i++) {
        __cpuid_count(0xd, i, a, b, c, d);
        l->size[i] = a;
        l->offset[i] = b;
        l->align64[i] = (c & 2) != 0;
    }
}

const struct xsave_layout *xsave_host_layout(void)
{
    static struct xsave_layout layout;
    static bool done;

    if (!done)
        detect(&layout);
    done = true;
    return &layout;
}

uint32_t xsave_compacted_offset(const struct xsave_layout *l, uint64_t xcomp_bv, unsigned i)
{
    uint32_t at = XSAVE_LEGACY_SIZE + XSAVE_HEADER_SIZE;

    if (i < 2 || i > 62 || !(xcomp_bv & BIT(i)) || l->size[i] == 0)
        return 0;
    for (unsigned j = 2; j <= i; j++) {
        if (!(xcomp_bv & BIT(j)))
            continue;
        if (l->size[j] == 0)
            return 0;
        if (l->align64[j])
            at = (at + 63) & ~63u;
        if (j < i)
            at += l->size[j];
    }
    return at;
}

/* Where component i starts in an image with this XCOMP_BV (0: nowhere). */
static uint32_t component_offset(const struct xsave_layout *l, uint64_t xcomp_bv, unsigned i)
{
    return (xcomp_bv & XSAVE_COMPACTED) ? xsave_compacted_offset(l, xcomp_bv, i) : l->offset[i];
}

uint32_t xsave_image_size(const struct xsave_layout *l, bool compacted)
{
    uint64_t xcomp_bv = compacted ? XSAVE_COMPACTED | l->components : 0;
    uint32_t end = l->xsave ? XSAVE_LEGACY_SIZE + XSAVE_HEADER_SIZE : XSAVE_LEGACY_SIZE;

    for (unsigned i = 2; i < 64; i++) {
        uint32_t at = HAS(l, i) ? component_offset(l, xcomp_bv, i) : 0;
        if (at && at + l->size[i] > end)
            end = at + l->size[i];
    }
    return end;
}

/* ---- vecstate <-> images ---- */

void vecstate_init(struct vecstate *v)
{
    memset(v, 0, sizeof *v);
    v->fcw = FCW_INIT;
    v->mxcsr = MXCSR_INIT;
}

void vecstate_to_legacy(const struct vecstate *v, uint32_t mxcsr_mask, uint8_t *legacy)
{
    memset(legacy, 0, XSAVE_LEGACY_SIZE);
    memcpy(legacy + LEG_FCW, &v->fcw, 2);
    memcpy(legacy + LEG_FSW, &v->fsw, 2);
    legacy[LEG_FTW] = v->ftw;
    memcpy(legacy + LEG_FOP, &v->fop, 2);
    memcpy(legacy + LEG_FIP, &v->fip, 8);
    memcpy(legacy + LEG_FDP, &v->fdp, 8);
    memcpy(legacy + LEG_MXCSR, &v->mxcsr, 4);
    memcpy(legacy + LEG_MXCSR_MASK, &mxcsr_mask, 4);
    for (unsigned j = 0; j < 8; j++)
        memcpy(legacy + LEG_ST + 16 * j, v->st[j], 10);
    for (unsigned i = 0; i < 16; i++)
        memcpy(legacy + LEG_XMM + 16 * i, v->zmm[i], 16);
}

static void x87_from_legacy(struct vecstate *v, const uint8_t *legacy)
{
    memcpy(&v->fcw, legacy + LEG_FCW, 2);
    memcpy(&v->fsw, legacy + LEG_FSW, 2);
    v->ftw = legacy[LEG_FTW];
    memcpy(&v->fop, legacy + LEG_FOP, 2);
    memcpy(&v->fip, legacy + LEG_FIP, 8);
    memcpy(&v->fdp, legacy + LEG_FDP, 8);
    for (unsigned j = 0; j < 8; j++)
        memcpy(v->st[j], legacy + LEG_ST + 16 * j, 10);
}

static void xmm_from_legacy(struct vecstate *v, const uint8_t *legacy)
{
    for (unsigned i = 0; i < 16; i++)
        memcpy(v->zmm[i], legacy + LEG_XMM + 16 * i, 16);
}

void vecstate_from_legacy(struct vecstate *v, const uint8_t *legacy)
{
    x87_from_legacy(v, legacy);
    xmm_from_legacy(v, legacy);
    memcpy(&v->mxcsr, legacy + LEG_MXCSR, 4);
}

/* One extended component's registers: `count` pieces of `bytes`, piece n at n * bytes in
 * the component and at piece_of(v, component, n) in the state. */
struct piece_map {
    unsigned component, count, bytes;
};
static const struct piece_map extended[] = {
    { XCOMP_AVX, 16, 16 },       /* YMM0-15 bits 255:128 */
    { XCOMP_OPMASK, 8, 8 },      /* k0-k7 */
    { XCOMP_ZMM_HI256, 16, 32 }, /* ZMM0-15 bits 511:256 */
    { XCOMP_HI16_ZMM, 16, 64 },  /* ZMM16-31 */
};

static uint8_t *piece_of(struct vecstate *v, unsigned component, unsigned n)
{
    switch (component) {
    case XCOMP_AVX: return v->zmm[n] + 16;
    case XCOMP_OPMASK: return (uint8_t *)&v->k[n];
    case XCOMP_ZMM_HI256: return v->zmm[n] + 32;
    default: return v->zmm[16 + n];
    }
}

void vecstate_to_xsave(const struct vecstate *v, const struct xsave_layout *l, bool compacted,
                       uint8_t *image)
{
    uint64_t xcomp_bv = compacted ? XSAVE_COMPACTED | l->components : 0;

    memset(image, 0, xsave_image_size(l, compacted));
    vecstate_to_legacy(v, l->mxcsr_mask, image);
    if (!l->xsave)
        return;
    memcpy(image + HEADER_XSTATE_BV, &l->components, 8);
    memcpy(image + HEADER_XCOMP_BV, &xcomp_bv, 8);
    for (size_t c = 0; c < sizeof extended / sizeof extended[0]; c++) {
        const struct piece_map *m = &extended[c];
        uint32_t at = component_offset(l, xcomp_bv, m->component);
        if (!HAS(l, m->component))
            continue;
        for (unsigned n = 0; n < m->count; n++)
            memcpy(image + at + n * m->bytes, piece_of((struct vecstate *)v, m->component, n),
                   m->bytes);
    }
}

/* The legacy components by XSTATE_BV: init values where the bit is clear. MXCSR is in
 * the legacy region whenever SSE or AVX is saved; a compacted image without either has
 * it in its init value (SDM vol. 1 §13.8 "Operation of XRSTOR"). */
static void legacy_from_xsave(struct vecstate *v, const struct xsave_layout *l,
                              const uint8_t *image, uint64_t xstate_bv, bool compacted)
{
    if (HAS(l, XCOMP_X87) && (xstate_bv & BIT(XCOMP_X87))) {
        x87_from_legacy(v, image);
    } else if (HAS(l, XCOMP_X87)) {
        v->fcw = FCW_INIT;
        v->fsw = v->fop = 0;
        v->ftw = 0;
        v->fip = v->fdp = 0;
        memset(v->st, 0, sizeof v->st);
    }
    if (!HAS(l, XCOMP_SSE))
        return;
    xmm_from_legacy(v, image);
    if (!(xstate_bv & BIT(XCOMP_SSE)))
        for (unsigned i = 0; i < 16; i++)
            memset(v->zmm[i], 0, 16);
    memcpy(&v->mxcsr, image + LEG_MXCSR, 4);
    if (compacted && !(xstate_bv & (BIT(XCOMP_SSE) | BIT(XCOMP_AVX))))
        v->mxcsr = MXCSR_INIT;
}

bool vecstate_from_xsave(struct vecstate *v, const struct xsave_layout *l, const uint8_t *image,
                         uint32_t size)
{
    uint64_t xstate_bv, xcomp_bv;

    if (size < XSAVE_LEGACY_SIZE)
        return false;
    if (!l->xsave) {
        vecstate_from_legacy(v, image);
        return true;
    }
    if (size < XSAVE_LEGACY_SIZE + XSAVE_HEADER_SIZE)
        return false;
    memcpy(&xstate_bv, image + HEADER_XSTATE_BV, 8);
    memcpy(&xcomp_bv, image + HEADER_XCOMP_BV, 8);
    if ((xcomp_bv & XSAVE_COMPACTED) && (xstate_bv & ~xcomp_bv & ~UINT64_C(3)))
        return false; /* a component in use that the compacted image does not hold */
    legacy_from_xsave(v, l, image, xstate_bv, (xcomp_bv & XSAVE_COMPACTED) != 0);
    for (size_t c = 0; c < sizeof extended / sizeof extended[0]; c++) {
        const struct piece_map *m = &extended[c];
        bool in_use = (xstate_bv & BIT(m->component)) != 0;
        uint32_t at = in_use ? component_offset(l, xcomp_bv, m->component) : 0;
        if (!HAS(l, m->component))
            continue;
        if (in_use && (at == 0 || at + m->count * m->bytes > size))
            return false;
        for (unsigned n = 0; n < m->count; n++) {
            uint8_t *p = piece_of(v, m->component, n);
            if (in_use)
                memcpy(p, image + at + n * m->bytes, m->bytes);
            else
                memset(p, 0, m->bytes);
        }
    }
    return true;
}

/* ---- comparison ---- */

/* The bytes of ZMM n that the layout's components hold. */
static unsigned zmm_bytes(const struct xsave_layout *l, unsigned n)
{
    if (n >= 16)
        return HAS(l, XCOMP_HI16_ZMM) ? 64 : 0;
    return HAS(l, XCOMP_ZMM_HI256) ? 64 : HAS(l, XCOMP_AVX) ? 32 : 16;
}

static bool x87_equal(const struct vecstate *a, const struct vecstate *b)
{
    return a->fcw == b->fcw && a->fsw == b->fsw && a->ftw == b->ftw && a->fop == b->fop &&
           a->fip == b->fip && a->fdp == b->fdp && memcmp(a->st, b->st, sizeof a->st) == 0;
}

bool vecstate_equal(const struct vecstate *a, const struct vecstate *b,
                    const struct xsave_layout *l)
{
    if (HAS(l, XCOMP_X87) && !x87_equal(a, b))
        return false;
    if (HAS(l, XCOMP_SSE) && a->mxcsr != b->mxcsr)
        return false;
    if (HAS(l, XCOMP_OPMASK) && memcmp(a->k, b->k, sizeof a->k) != 0)
        return false;
    for (unsigned n = 0; n < 32; n++)
        if (memcmp(a->zmm[n], b->zmm[n], zmm_bytes(l, n)) != 0)
            return false;
    return true;
}

/* Whether bytes [from, to) of ZMM first..last-1 differ. */
static bool zmm_range_differs(const struct vecstate *a, const struct vecstate *b, unsigned first,
                              unsigned last, unsigned from, unsigned to)
{
    for (unsigned n = first; n < last; n++)
        if (memcmp(a->zmm[n] + from, b->zmm[n] + from, to - from) != 0)
            return true;
    return false;
}

uint64_t vecstate_changed_components(const struct vecstate *a, const struct vecstate *b,
                                     const struct xsave_layout *l)
{
    uint64_t changed = 0;
    changed |= x87_equal(a, b) ? 0 : BIT(XCOMP_X87);
    changed |= a->mxcsr != b->mxcsr || zmm_range_differs(a, b, 0, 16, 0, 16) ? BIT(XCOMP_SSE) : 0;
    changed |= zmm_range_differs(a, b, 0, 16, 16, 32) ? BIT(XCOMP_AVX) : 0;
    changed |= memcmp(a->k, b->k, sizeof a->k) != 0 ? BIT(XCOMP_OPMASK) : 0;
    changed |= zmm_range_differs(a, b, 0, 16, 32, 64) ? BIT(XCOMP_ZMM_HI256) : 0;
    changed |= zmm_range_differs(a, b, 16, 32, 0, 64) ? BIT(XCOMP_HI16_ZMM) : 0;
    return changed & l->components;
}

static void print_bytes_high_first(const uint8_t *p, unsigned bytes)
{
    printf("0x");
    for (unsigned i = bytes; i-- > 0;)
        printf("%02x%s", p[i], i && i % 8 == 0 ? "_" : "");
}

static void print_zmm_difference(unsigned n, const char *a_name, const uint8_t *a,
                                 const char *b_name, const uint8_t *b, unsigned bytes)
{
    unsigned width = 16;
    for (unsigned i = 0; i < bytes; i++)
        if (a[i] != b[i])
            width = i >= 32 ? 64 : i >= 16 && width < 32 ? 32 : width;
    printf("    %cmm%u: %s ", width == 64 ? 'z' : width == 32 ? 'y' : 'x', n, a_name);
    print_bytes_high_first(a, width);
    printf("\n    %*s %s ", n >= 10 ? 6 : 5, "", b_name);
    print_bytes_high_first(b, width);
    printf("\n");
}

static void print_word(const char *name, const char *a_name, uint64_t a, const char *b_name,
                       uint64_t b)
{
    if (a != b)
        printf("    %s: %s 0x%" PRIx64 " %s 0x%" PRIx64 "\n", name, a_name, a, b_name, b);
}

static void print_x87_differences(const char *a_name, const struct vecstate *a, const char *b_name,
                                  const struct vecstate *b)
{
    print_word("fcw", a_name, a->fcw, b_name, b->fcw);
    print_word("fsw", a_name, a->fsw, b_name, b->fsw);
    print_word("ftw (abridged)", a_name, a->ftw, b_name, b->ftw);
    print_word("fop", a_name, a->fop, b_name, b->fop);
    print_word("fip", a_name, a->fip, b_name, b->fip);
    print_word("fdp", a_name, a->fdp, b_name, b->fdp);
    for (unsigned j = 0; j < 8; j++) {
        if (memcmp(a->st[j], b->st[j], 10) == 0)
            continue;
        printf("    st%u (fxsave slot %u): %s ", j, j, a_name);
        print_bytes_high_first(a->st[j], 10);
        printf(" %s ", b_name);
        print_bytes_high_first(b->st[j], 10);
        printf("\n");
    }
}

void vecstate_print_differences(const char *a_name, const struct vecstate *a, const char *b_name,
                                const struct vecstate *b, const struct xsave_layout *l)
{
    if (HAS(l, XCOMP_X87))
        print_x87_differences(a_name, a, b_name, b);
    if (HAS(l, XCOMP_SSE))
        print_word("mxcsr", a_name, a->mxcsr, b_name, b->mxcsr);
    for (unsigned n = 0; n < 32; n++)
        if (memcmp(a->zmm[n], b->zmm[n], zmm_bytes(l, n)) != 0)
            print_zmm_difference(n, a_name, a->zmm[n], b_name, b->zmm[n], zmm_bytes(l, n));
    for (unsigned n = 0; n < 8 && HAS(l, XCOMP_OPMASK); n++) {
        char name[4] = { 'k', (char)('0' + n), 0, 0 };
        print_word(name, a_name, a->k[n], b_name, b->k[n]);
    }
}
