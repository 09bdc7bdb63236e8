/* Test-case synthesis: encodings from a form, states from an encoding. */
#include "synth.h"

#include <string.h>

#include "core/vcpu.h"
#include "fault_order.h"
#include "hostcpu.h"
#include "segments.h"

/* Room kept between a memory operand and the buffer's ends, so that the widest access
 * (16 bytes) and its neighbours stay inside. */
#define MARGIN 64u

uint64_t rng_next(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(0x2545F4914F6CDD1D);
}

unsigned rng_below(struct rng *r, unsigned n)
{
    return (unsigned)((rng_next(r) >> 32) % n);
}

/* A register or memory value: small numbers (shift counts 0..65, their negatives), the
 * sign and width boundaries of every size, or anything. */
static uint64_t edge_value(struct rng *r)
{
    static const uint64_t edges[] = {
        0,
        1,
        2,
        0x7f,
        0x80,
        0xff,
        0x100,
        0x7fff,
        0x8000,
        0xffff,
        0x10000,
        0x7fffffff,
        0x80000000,
        0xffffffff,
        UINT64_C(0x100000000),
        UINT64_C(0x7fffffffffffffff),
        UINT64_C(0x8000000000000000),
        UINT64_MAX,
        0xfe,
        0xfffe,
        0xfffffffe,
        UINT64_C(0xffffffffffffff80),
        UINT64_C(0xffffffffffff8000),
        UINT64_C(0xffffffff80000000),
        UINT64_C(0x00000000ffffff80),
    };
    switch (rng_below(r, 4)) {
    case 0: return rng_below(r, 2) ? rng_below(r, 66) : (uint64_t)0 - rng_below(r, 65);
    case 1:
    case 2: return edges[rng_below(r, sizeof edges / sizeof edges[0])];
    default: return rng_next(r);
    }
}

static uint64_t mask_of(unsigned bytes)
{
    return bytes >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1;
}

/* ---- vector state ---- */

/* An FP32 value: the specials of each class, or a random normal. */
static uint32_t fp32_value(struct rng *r)
{
    static const uint32_t specials[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x3f800000, 0xbf800000,
        0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, 0x00000001, 0x807fffff,
    };
    uint32_t payload = (uint32_t)rng_next(r) & 0x3fffff;
    switch (rng_below(r, 5)) {
    case 0: return specials[rng_below(r, sizeof specials / sizeof specials[0])];
    case 1: return 0x7fc00000u | payload | (uint32_t)rng_below(r, 2) << 31;       /* QNaN */
    case 2: return 0x7f800000u | (payload | 1) | (uint32_t)rng_below(r, 2) << 31; /* SNaN */
    case 3: return (uint32_t)rng_next(r) & 0x807fffffu;                           /* denormal */
    default: return (uint32_t)rng_next(r);
    }
}

static uint64_t fp64_value(struct rng *r)
{
    static const uint64_t specials[] = {
        0,
        UINT64_C(0x8000000000000000),
        UINT64_C(0x7ff0000000000000),
        UINT64_C(0xfff0000000000000),
        UINT64_C(0x3ff0000000000000),
        UINT64_C(0x7fefffffffffffff),
        UINT64_C(0x0010000000000000),
        1,
    };
    uint64_t payload = rng_next(r) & UINT64_C(0x7ffffffffffff);
    uint64_t sign = (uint64_t)rng_below(r, 2) << 63;
    switch (rng_below(r, 5)) {
    case 0: return specials[rng_below(r, sizeof specials / sizeof specials[0])] | sign;
    case 1: return UINT64_C(0x7ff8000000000000) | payload | sign;       /* QNaN */
    case 2: return UINT64_C(0x7ff0000000000000) | (payload | 1) | sign; /* SNaN */
    case 3: return (rng_next(r) & UINT64_C(0xfffffffffffff)) | sign;    /* denormal */
    default: return rng_next(r);
    }
}

/* An FP16 value, the same classes. */
static uint16_t fp16_value(struct rng *r)
{
    static const uint16_t specials[] = { 0x0000, 0x7c00, 0x3c00, 0x7bff, 0x0400, 0x0001, 0x03ff };
    uint16_t payload = (uint16_t)(rng_next(r) & 0x1ff), sign = (uint16_t)(rng_below(r, 2) << 15);
    switch (rng_below(r, 5)) {
    case 0: return specials[rng_below(r, sizeof specials / sizeof specials[0])] | sign;
    case 1: return 0x7e00 | payload | sign;                /* QNaN */
    case 2: return 0x7c00 | (payload | 1) | sign;          /* SNaN */
    case 3: return (uint16_t)(rng_next(r) & 0x3ff) | sign; /* denormal */
    default: return (uint16_t)rng_next(r);
    }
}

/* The element a vector form's memory operand most likely holds when it holds floating
 * point: EVEX says (its broadcast element; 2 bytes in the FP16 maps); VEX's 0F38/0F3A
 * forms by W (FMA, VPERMILPS/PD...); the 0F map's by mandatory prefix (none and F3: PS
 * and SS; 66 and F2: PD and SD). A guess for integer forms too, whose memory then holds FP
 * values as often as registers do. */
static unsigned fp_element_bytes(const struct insn *in)
{
    if (in->encoding == ENC_EVEX) {
        unsigned e = EVEX_ELEMENT_BYTES(in->row->evex_element);
        if (e)
            return e;
        if (in->map == MAP_EVEX_MAP5 || in->map == MAP_EVEX_MAP6)
            return 2;
        return in->vex_w ? 8 : 4;
    }
    if (in->map == MAP_VEX_0F38 || in->map == MAP_VEX_0F3A)
        return in->vex_w ? 8 : 4;
    return in->mandatory == MP_66 || in->mandatory == MP_F2 ? 8 : 4;
}

/* 16 bytes of FP values `element` bytes wide (1: FP32, for the byte-element forms). */
static void fp_lane(struct rng *r, unsigned element, uint8_t *lane)
{
    for (unsigned i = 0; i < 16; i += element == 1 ? 4 : element) {
        uint64_t v = element == 2 ? fp16_value(r) : element == 8 ? fp64_value(r) : fp32_value(r);
        memcpy(lane + i, &v, element == 2 ? 2 : element == 8 ? 8 : 4);
    }
}

static void random_lane(struct rng *r, uint8_t *lane)
{
    uint64_t q[2];
    uint32_t d[4];
    switch (rng_below(r, 4)) {
    case 0:
        for (unsigned i = 0; i < 4; i++)
            d[i] = fp32_value(r);
        memcpy(lane, d, 16);
        return;
    case 1:
        q[0] = fp64_value(r);
        q[1] = fp64_value(r);
        break;
    case 2:
        q[0] = edge_value(r);
        q[1] = edge_value(r);
        break;
    default:
        q[0] = rng_next(r);
        q[1] = rng_next(r);
        break;
    }
    memcpy(lane, q, 16);
}

static uint64_t random_mask(struct rng *r)
{
    switch (rng_below(r, 4)) {
    case 0: return 0;
    case 1: return UINT64_MAX;
    case 2: return UINT64_C(1) << rng_below(r, 64);
    default: return rng_next(r);
    }
}

/* x87: registers of every class (random bits, zero, infinity, NaN-like exponents), TOS,
 * tags, rounding and precision control, exception flags that are mostly clear, and the
 * last-instruction pointers where the CPU reports them. */
static void random_x87(struct rng *r, const struct xsave_layout *l, struct vecstate *v)
{
    unsigned flags = rng_below(r, 8) == 0 ? (unsigned)rng_next(r) & 0x3f : 0;
    for (unsigned j = 0; j < 8; j++) {
        uint64_t mantissa = rng_next(r);
        uint16_t top = (uint16_t)rng_next(r);
        if (rng_below(r, 4) == 0)
            top = (top & 0x8000) | (rng_below(r, 2) ? 0x7fff : 0xffff);
        memcpy(v->st[j], &mantissa, 8);
        memcpy(v->st[j] + 8, &top, 2);
    }
    v->fcw = (uint16_t)((rng_next(r) & 0x0f3f) | 0x40);
    v->fsw = (uint16_t)((rng_next(r) & 0x4700) | (rng_below(r, 8) << 11) | flags);
    if (flags & ~v->fcw & 0x3f)
        v->fsw |= 0x8080; /* B and ES: an unmasked exception is pending */
    v->ftw = (uint8_t)rng_next(r);
    if (!l->x87_pointers_always_saved && !(v->fsw & 0x80))
        return; /* the CPU would report zeros: the state must be one it can report */
    v->fop = (uint16_t)(rng_next(r) & 0x7ff);
    v->fip = rng_next(r) & UINT64_C(0x00007fffffffffff);
    v->fdp = rng_next(r) & UINT64_C(0x00007fffffffffff);
}

/* MXCSR: the default one time in four; every mask set, with any rounding, DAZ, FTZ and
 * sticky flags, one in four (results computed in every mode); any bits the CPU lets
 * software set otherwise (unmasked exceptions: #XM, its MXCSR read from the signal frame). */
static uint32_t random_mxcsr(struct rng *r, uint32_t mxcsr_mask)
{
    uint32_t any = (uint32_t)rng_next(r) & mxcsr_mask;
    switch (rng_below(r, 4)) {
    case 0: return 0x1f80;
    case 1: return any | 0x1f80;
    default: return any;
    }
}

void synth_vecstate(struct rng *r, const struct xsave_layout *l, struct vecstate *v)
{
    unsigned lanes16 = (l->components & (1u << XCOMP_ZMM_HI256)) ? 4
                       : (l->components & (1u << XCOMP_AVX))     ? 2
                                                                 : 1;
    unsigned regs = (l->components & (1u << XCOMP_HI16_ZMM)) ? 32 : 16;

    vecstate_init(v);
    random_x87(r, l, v);
    v->mxcsr = random_mxcsr(r, l->mxcsr_mask);
    for (unsigned n = 0; n < regs; n++)
        for (unsigned lane = 0; lane < (n < 16 ? lanes16 : 4); lane++)
            random_lane(r, v->zmm[n] + 16 * lane);
    for (unsigned n = 0; n < 8 && (l->components & (1u << XCOMP_OPMASK)); n++)
        v->k[n] = random_mask(r);
}

/* ---- variants ---- */

static unsigned size_bit(unsigned bytes)
{
    return bytes == 2 ? SIZE16 : bytes == 4 ? SIZE32 : SIZE64;
}

/* The W, vector-length and broadcast choices of a VEX/EVEX vector form in code of `bits`
 * (-1: left to each case, where the field is ignored or free). */
static unsigned vector_choices(const struct form *f, unsigned bits, int8_t ws[2], int8_t vls[3],
                               unsigned *vl_count, unsigned *broadcasts)
{
    const struct optab *row = f->row;
    bool evex = f->map >= MAP_EVEX_0F;
    unsigned w_count = 1;

    ws[0] = f->w >= 0                                                       ? f->w
            : (row->flags & F_W1)                                           ? 1
            : (row->flags & F_W0) || ((row->flags & F_W0_64) && bits == 64) ? 0
                                                                            : -1;
    if (ws[0] < 0 && row_has_sized_operand(row) && bits == 64) /* W sizes a GPR operand */
        ws[0] = 0, ws[1] = 1, w_count = 2;
    *vl_count = 1;
    vls[0] = f->l >= 0 ? f->l : (row->flags & F_L0) ? 0 : (row->flags & F_L1) ? 1 : -1;
    if (vls[0] < 0 && row_has_vector_length_operand(row)) {
        *vl_count = evex && !(row->flags & F_EVEX_NO_L2) ? 3 : 2;
        for (unsigned i = 0; i < *vl_count; i++)
            vls[i] = (int8_t)i;
    }
    *broadcasts = evex && !(row->flags & F_EVEX_NO_B) && row_has_modrm_memory(row) ? 2 : 1;
    return w_count;
}

static unsigned vector_variants(const struct form *f, unsigned bits, struct variant *out,
                                unsigned n, unsigned max)
{
    int8_t ws[2], vls[3];
    unsigned vl_count, broadcasts,
        w_count = vector_choices(f, bits, ws, vls, &vl_count, &broadcasts);
    for (unsigned w = 0; w < w_count; w++)
        for (unsigned l = 0; l < vl_count; l++)
            for (unsigned b = 0; b < broadcasts && n < max; b++, n++)
                out[n] = (struct variant){
                    .form = f, .bits = bits, .w = ws[w], .vl = vls[l], .broadcast = b != 0
                };
    return n;
}

unsigned variants_of(const struct form *f, struct variant *out, unsigned max)
{
    static const unsigned modes[] = { 64, 32, 16 };
    static const uint8_t reps[] = { 0, 0xf3, 0xf2 };
    const struct optab *row = f->row;
    unsigned n = 0;

    for (unsigned m = 0; m < 3; m++) {
        unsigned bits = modes[m];
        unsigned sizes[3], size_count = 0;
        if (!(f->modes & size_bit(bits / 8)))
            continue;
        if (f->map >= MAP_VEX_0F && f->vector) {
            n = vector_variants(f, bits, out, n, max);
            continue;
        }
        if (f->map >= MAP_VEX_0F) {
            /* VEX.W picks 32 or 64 bits (64-bit code only); 66 is not a prefix here */
            sizes[size_count++] = 4;
            if (bits == 64)
                sizes[size_count++] = 8;
        } else if (row_has_sized_operand(row) || f->osizes != SIZE_ALL) {
            if (bits == 64 && (row->flags & F_FORCE64)) {
                sizes[size_count++] = 8;
            } else {
                sizes[size_count++] = 2;
                if (!(bits == 64 && (row->flags & F_DEF64)))
                    sizes[size_count++] = 4;
                if (bits == 64)
                    sizes[size_count++] = 8;
            }
        } else {
            sizes[size_count++] = 0;
        }
        for (unsigned s = 0; s < size_count; s++) {
            if (sizes[s] && f->osizes != SIZE_ALL && !(f->osizes & size_bit(sizes[s])))
                continue;
            /* a W the table selected on: W1 exists in 64-bit code only (REX.W) and makes
             * the operand size 64 when the row is sized by it */
            if (f->w == 1 && (bits != 64 || (sizes[s] && sizes[s] != 8)))
                continue;
            if (f->w == 0 && sizes[s] == 8 && !(row->flags & (F_DEF64 | F_FORCE64)))
                continue;
            /* a 16-bit branch target cannot reach the runner outside 16-bit code */
            if ((row->flags & F_BRANCH) && sizes[s] == 2 && bits != 16)
                continue;
            for (unsigned p = 0; p < ((row->flags & F_REP) ? 3u : 1u); p++) {
                if (n == max)
                    return n;
                out[n] = (struct variant){ .form = f,
                                           .bits = bits,
                                           .osize = sizes[s],
                                           .rep = reps[p],
                                           .w = sizes[s] == 8 || f->w == 1,
                                           .vl = f->l >= 0 ? f->l : 0 };
                n++;
            }
        }
    }
    return n;
}

/* ---- encodings ---- */

static enum cpu_mode mode_of(unsigned bits)
{
    return bits == 64 ? MODE_64 : bits == 32 ? MODE_32 : MODE_16;
}

static void shuffle(struct rng *r, uint8_t *a, unsigned n)
{
    for (unsigned i = n; i > 1; i--) {
        unsigned j = rng_below(r, i);
        uint8_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

static void put_le(uint8_t *p, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A segment override (one time in three) and the address-size prefix, in random order,
 * at b; returns how many bytes. */
static unsigned address_prefixes(struct rng *r, const struct variant *v, unsigned asize, uint8_t *b)
{
    unsigned n = 0;
    if (asize != v->bits / 8)
        b[n++] = 0x67;
    if (rng_below(r, 3) == 0) {
        static const uint8_t seg16_32[] = { 0x26, 0x2e, 0x36, 0x3e, 0x65 };
        static const uint8_t seg64[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x65 };
        b[n++] = v->bits == 64 ? seg64[rng_below(r, sizeof seg64)]
                               : seg16_32[rng_below(r, sizeof seg16_32)];
    }
    shuffle(r, b, n);
    return n;
}

/* ModRM (the form's reg/rm where the tables fix them; a memory mod when the row has a
 * memory operand), SIB and displacement at b; returns how many bytes. */
static unsigned modrm_bytes(struct rng *r, const struct form *f, unsigned asize, uint8_t *b)
{
    unsigned reg = f->reg >= 0 ? (unsigned)f->reg : rng_below(r, 8);
    /* a VSIB operand needs a SIB byte */
    unsigned rm = f->rm >= 0 ? (unsigned)f->rm : (f->row->flags & F_VSIB) ? 4 : rng_below(r, 8);
    unsigned mod = row_has_modrm_memory(f->row) ? rng_below(r, 3) : 3;
    unsigned n = 0, disp = 0;

    b[n++] = (uint8_t)(mod << 6 | reg << 3 | rm);
    if (mod != 3 && asize == 2) {
        disp = mod == 1 ? 1 : (mod == 2 || rm == 6) ? 2 : 0;
    } else if (mod != 3) {
        unsigned base = rm;
        if (rm == 4) {
            b[n] = (uint8_t)rng_next(r);
            base = b[n++] & 7;
        }
        disp = mod == 1 ? 1 : (mod == 2 || base == 5) ? 4 : 0;
    }
    put_le(b + n, edge_value(r), disp);
    return n + disp;
}

/* The VEX prefix: three bytes (C4), or two (C5) when the map is 0F and W, X, B are clear,
 * one time in two. Outside 64-bit code R, X, B and vvvv's top bit stay clear (their
 * inverted bits set), as the CPU requires to tell VEX from LES/LDS. */
static unsigned vex_prefix(struct rng *r, const struct variant *v, uint8_t *b)
{
    const struct form *f = v->form;
    bool w = v->w >= 0 ? v->w != 0 : rng_below(r, 2) != 0;
    unsigned l = v->vl >= 0 ? (unsigned)v->vl : rng_below(r, 2);
    unsigned pp = f->mandatory > 0 ? (unsigned)f->mandatory : 0;
    unsigned rxb = v->bits == 64 ? (unsigned)(rng_next(r) & 7) : 0;
    unsigned vvvv = (f->row->flags & F_NO_VVVV) ? 0 : rng_below(r, v->bits == 64 ? 16 : 8);
    unsigned mmmmm = (unsigned)(f->map - MAP_VEX_0F + 1);
    uint8_t tail = (uint8_t)((~vvvv & 15) << 3 | l << 2 | pp);

    if (mmmmm == 1 && !w && (rxb & 3) == 0 && rng_below(r, 2)) {
        b[0] = 0xc5;
        b[1] = (uint8_t)((rxb & 4 ? 0 : 0x80) | tail);
        return 2;
    }
    b[0] = 0xc4;
    b[1] = (uint8_t)((~rxb & 7) << 5 | mmmmm);
    b[2] = (uint8_t)((w ? 0x80 : 0) | tail);
    return 3;
}

/* The opmask (aaa) of an EVEX encoding: none, or k1-k7 two times in three, as the row
 * allows; zeroing one time in two when masked (the decoder rejects it where it is #UD). */
static unsigned evex_masking(struct rng *r, const struct optab *row, bool *z)
{
    unsigned aaa = (row->flags & F_EVEX_NO_K)                        ? 0
                   : (row->flags & F_EVEX_NEED_K) || rng_below(r, 3) ? 1 + rng_below(r, 7)
                                                                     : 0;
    *z = aaa && !(row->flags & F_EVEX_NO_Z) && rng_below(r, 2);
    return aaa;
}

/* The four EVEX bytes (SDM vol. 2A §2.7.1 "Instruction Format and EVEX"): 62, then
 * R X B R' 0 mmm, W vvvv 1 pp, z L'L b V' aaa with R, X, B, R', vvvv and V' inverted.
 * Outside 64-bit code the extension bits stay clear (their inverted bits set): registers
 * 0-7 only, and R, X set as the CPU requires to tell EVEX from BOUND. */
static unsigned evex_prefix(struct rng *r, const struct variant *v, uint8_t *b)
{
    const struct form *f = v->form;
    bool mode64 = v->bits == 64, no_vvvv = (f->row->flags & F_NO_VVVV) != 0, z;
    unsigned ext = mode64 ? (unsigned)(rng_next(r) & 15) : 0; /* R X B R' */
    unsigned vvvv = no_vvvv ? 0 : rng_below(r, mode64 ? 32 : 8);
    unsigned map = f->map - MAP_EVEX_0F + 1u;
    unsigned ll = v->vl >= 0 ? (unsigned)v->vl : rng_below(r, 3);
    bool w = v->w >= 0 ? v->w != 0 : rng_below(r, 2) != 0;
    unsigned aaa = evex_masking(r, f->row, &z);

    b[0] = 0x62;
    b[1] = (uint8_t)((~ext & 15) << 4 | (map >= 4 ? map + 1 : map));
    b[2] = (uint8_t)((w ? 0x80 : 0) | (~vvvv & 15) << 3 | 4 |
                     (f->mandatory > 0 ? (unsigned)f->mandatory : 0));
    b[3] =
        (uint8_t)((z ? 0x80 : 0) | ll << 5 | (v->broadcast ? 0x10 : 0) | (vvvv & 16 ? 0 : 8) | aaa);
    return 4;
}

/* One attempt at an encoding; the decoder then says whether it is the form's. */
static void build(struct rng *r, const struct variant *v, unsigned asize, uint8_t *b)
{
    const struct form *f = v->form;
    const struct optab *row = f->row;
    bool def64 = v->bits == 64 && (row->flags & (F_DEF64 | F_FORCE64));
    unsigned n = 0;
    bool rex_w = f->w == 1;

    if (f->map >= MAP_EVEX_0F) {
        n = address_prefixes(r, v, asize, b);
        n += evex_prefix(r, v, b + n);
    } else if (f->map >= MAP_VEX_0F) {
        n = address_prefixes(r, v, asize, b);
        n += vex_prefix(r, v, b + n);
    } else {
        /* operand size, mandatory 66, LOCK, address size and segment in random order;
         * then F2/F3 (mandatory or REP), REX, the escape bytes */
        if ((v->osize == 2 && v->bits != 16) || (v->osize == 4 && v->bits == 16) ||
            f->mandatory == MP_66)
            b[n++] = 0x66;
        if (v->osize == 8 && !def64)
            rex_w = true;
        if ((row->flags & F_LOCK) && row_has_modrm_memory(row) && rng_below(r, 4) == 0)
            b[n++] = 0xf0;
        n += address_prefixes(r, v, asize, b + n);
        shuffle(r, b, n);
        if (f->mandatory == MP_F3)
            b[n++] = 0xf3;
        else if (f->mandatory == MP_F2)
            b[n++] = 0xf2;
        else if (v->rep)
            b[n++] = v->rep;
        if (v->bits == 64) {
            uint8_t rex = (uint8_t)(0x40 | (rex_w ? 8 : 0) | (rng_next(r) & 7));
            if (rex != 0x40 || rng_below(r, 4) == 0)
                b[n++] = rex;
        }
        switch (f->map) {
        case MAP_LEGACY_0F: b[n++] = 0x0f; break;
        case MAP_LEGACY_0F38:
            b[n++] = 0x0f;
            b[n++] = 0x38;
            break;
        case MAP_LEGACY_0F3A:
            b[n++] = 0x0f;
            b[n++] = 0x3a;
            break;
        default: break;
        }
    }
    b[n++] = f->opcode;
    if (row->flags & F_MODRM)
        n += modrm_bytes(r, f, asize, b + n);
    /* room for the immediates; the decoder says how many there are */
    put_le(b + n, rng_next(r), 8);
}

bool synth_encoding(struct rng *r, const struct variant *v, struct case_encoding *e)
{
    static const unsigned asizes64[] = { 8, 4 }, asizes32[] = { 4, 2 }, asizes16[] = { 2, 4 };
    const unsigned *asizes = v->bits == 64 ? asizes64 : v->bits == 32 ? asizes32 : asizes16;
    const struct form *f = v->form;

    for (unsigned attempt = 0; attempt < 64; attempt++) {
        /* the default address size three times in four */
        unsigned asize = asizes[rng_below(r, 4) == 0];
        uint8_t bytes[32];
        struct insn *in = &e->insn;
        if (!(f->asizes & size_bit(asize)))
            asize = asizes[!(f->asizes & size_bit(asizes[0])) ? 1 : 0];
        if ((f->row->flags & F_VSIB) && asize == 2)
            asize = 4; /* VSIB with 16-bit addressing is #UD */
        build(r, v, asize, bytes);
        if (decode_insn(mode_of(v->bits), bytes, sizeof bytes, in) != DECODE_OK)
            continue;
        if (in->row != f->row || (v->osize && in->opsize != v->osize) || in->addrsize != asize)
            continue;
        e->length = in->length;
        memcpy(e->bytes, bytes, 16);
        if (in->imm_size && !(f->row->flags & F_BRANCH)) {
            put_le(e->bytes + in->imm_offset, edge_value(r), in->imm_size);
            if (in->imm2_size)
                put_le(e->bytes + in->imm_offset + in->imm_size, edge_value(r), in->imm2_size);
            if (decode_insn(mode_of(v->bits), e->bytes, e->length, in) != DECODE_OK)
                continue;
        }
        return true;
    }
    return false;
}

/* ---- states ---- */

/* A linear address in the buffer with MARGIN on both sides. */
static uint64_t buffer_target(struct rng *r)
{
    const struct native_layout *l = native_layout();
    return (uint64_t)(uintptr_t)l->buffer + MARGIN + rng_below(r, l->size - 2 * MARGIN);
}

/* The memory operand's address (of an operand up to `span` bytes, at least 16): mostly
 * anywhere in the buffer, sometimes 16-byte aligned,
 * sometimes where the emulator must split or fault: across the page boundary inside the
 * buffer, across the buffer's end into the guard pages (#PF), in or across the read-only
 * page below the buffer (#PF on writes), at the 64 KiB limit of a 16-bit segment (#GP/#SS
 * or #PF), at the edge of the canonical range (#GP/#SS). */
static uint64_t operand_target(struct rng *r, const struct state *s, unsigned seg, unsigned span)
{
    const struct native_layout *l = native_layout();
    uint64_t buf = (uint64_t)(uintptr_t)l->buffer;
    unsigned edge = span > 16 ? span - 1 : 8; /* how far an operand may straddle an edge */
    switch (rng_below(r, 24)) {
    case 0: return buf + 4096 - 1 - rng_below(r, span - 1);
    case 1: return buf + l->size - 1 - rng_below(r, edge);
    case 2:
        if (s->bits == 16 && seg < NSEG_COUNT)
            return s->seg[seg].base + 0xffff - rng_below(r, 8);
        if (s->bits == 64) {
            /* the canonical range is the host's: 48 bits, or 57 with 5-level paging */
            uint64_t half = UINT64_C(1) << (host_paging_levels() == 5 ? 56 : 47);
            return rng_below(r, 2) ? half - 1 - rng_below(r, 8) : 0 - half - 1 - rng_below(r, 8);
        }
        return buffer_target(r);
    case 3:
    case 4:
    case 5: return buffer_target(r) & ~(uint64_t)15; /* aligned: CMPXCHG16B, and #AC tests */
    case 6: return buf - 1 - rng_below(r, edge);     /* from the read-only page into the buffer */
    case 7: return buf - NATIVE_PAGE + rng_below(r, NATIVE_PAGE - 16); /* in the read-only page */
    default: return buffer_target(r);
    }
}

static uint64_t stack_target(struct rng *r, const struct insn *in)
{
    const struct native_layout *l = native_layout();
    uint64_t buf = (uint64_t)(uintptr_t)l->buffer, edge = 2 * rng_below(r, 8);

    if (!has_ordered_accesses(in) || rng_below(r, 4) != 0)
        return buffer_target(r) & ~(uint64_t)7;
    return rng_below(r, 2) ? buf + edge : buf + l->size - edge;
}

/* The offset within segment `seg` that reaches linear address `linear` with an
 * address of `asize` bytes, or false when none does. */
static bool offset_for(const struct state *s, unsigned seg, uint64_t linear, unsigned asize,
                       uint64_t *offset)
{
    const struct segment *sg = &s->seg[seg];
    uint64_t base = (s->bits == 64 && seg != NSEG_FS && seg != NSEG_GS) ? 0 : sg->base;
    uint64_t off = linear - base;
    if (s->bits != 64)
        off &= 0xffffffffu; /* the linear address wraps at 4 GiB */
    if (s->bits == 64 && asize == 8) {
        *offset = off;
        return true;
    }
    if (off > mask_of(asize) || (s->bits != 64 && off > sg->limit))
        return false;
    *offset = off;
    return true;
}

/* A register value with `low` in the bits the address size uses and random bits above,
 * as far as the mode's registers go. */
static uint64_t with_random_upper(struct rng *r, const struct state *s, uint64_t low,
                                  unsigned asize)
{
    uint64_t m = mask_of(asize);
    uint64_t v = (low & m) | (rng_next(r) & ~m);
    return s->bits == 64 ? v : v & 0xffffffffu;
}

/* Multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
static uint64_t inverse_odd(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

/* Set the base/index registers (or the displacement) so that the ModRM memory operand
 * is at s->target. The target may move down by up to 7 bytes when the scale makes it
 * unreachable exactly. */
static bool solve_modrm(struct rng *r, struct case_encoding *e, struct state *s, bool patch)
{
    const struct insn *in = &e->insn;
    unsigned asize = in->addrsize;
    uint64_t m = mask_of(asize), off, rest, need;
    unsigned solved, coef, k;
    /* a VSIB index is a vector register: the base (or the displacement) is solved for the
     * operand's address, and place_vsib_elements puts the elements around it */
    unsigned index = (in->row->flags & F_VSIB) ? GPR_NONE : in->index;

    if (in->rip_relative) {
        uint64_t next = s->rip + in->length;
        int64_t disp;
        if (!offset_for(s, in->seg, s->target, 8, &off))
            return false;
        disp = (int64_t)(off - next);
        if (asize == 4)
            disp = (int64_t)(int32_t)(uint32_t)(off - next);
        if (disp != (int32_t)disp || (asize == 4 && ((next + (uint64_t)disp) & m) != off))
            return false;
        if (patch)
            put_le(e->bytes + in->disp_offset, (uint64_t)disp, 4);
        return patch || disp == in->disp;
    }
    if (!offset_for(s, in->seg, s->target, asize, &off))
        return false;
    if (in->base == GPR_NONE && index == GPR_NONE) {
        uint64_t d = off;
        if (asize == 8 && (int64_t)off != (int32_t)off)
            return false;
        if (patch)
            put_le(e->bytes + in->disp_offset, d, in->disp_size);
        return patch || (((uint64_t)(int64_t)in->disp) & m) == off;
    }
    solved = in->base != GPR_NONE ? in->base : index;
    coef = in->base == GPR_NONE ? in->scale : index == in->base ? 1u + in->scale : 1u;
    rest = (uint64_t)(int64_t)in->disp;
    if (in->base != GPR_NONE && index != GPR_NONE && index != in->base)
        rest += s->gpr[index] * in->scale;
    need = (off - rest) & m;
    for (k = 0; !(coef & (1u << k)); k++)
        ;
    if (need & ((1u << k) - 1)) { /* unreachable: move the target down */
        unsigned drop = (unsigned)(need & ((1u << k) - 1));
        need -= drop;
        s->target -= drop;
    }
    /* coef = 2^k * odd: the low (width - k) bits are determined, the top k are free */
    unsigned width = 8 * asize;
    uint64_t value = ((need >> k) * inverse_odd(coef >> k)) & (m >> k);
    if (k)
        value |= (rng_next(r) << (width - k)) & m;
    s->gpr[solved] = with_random_upper(r, s, value, asize);
    return true;
}

/* Place a string operand: rSI or rDI in the buffer, or (MOVS and CMPS, whose two operands
 * may fault together, fault_order.h) where a memory operand can fault. */
static bool place_string(struct rng *r, struct state *s, const struct insn *in, unsigned reg,
                         unsigned seg)
{
    uint64_t target = has_ordered_accesses(in) ? operand_target(r, s, seg, 16) : buffer_target(r);
    uint64_t off;
    if (!offset_for(s, seg, target, in->addrsize, &off))
        return false;
    s->gpr[reg] = with_random_upper(r, s, off, in->addrsize);
    return true;
}

/* A segment-register load (or LAR, LSL, VERR, VERW) reads a selector: make it one worth
 * loading, where the instruction reads it (after the offset of a far pointer; at the top
 * of the stack for POP). */
static void place_selector(struct rng *r, const struct state *s, const struct insn *in)
{
    const struct native_layout *l = native_layout();
    uint64_t at = s->target;
    uint16_t selector = interesting_selector(r);

    if (row_has_operand(in->row, OK_SEG)) /* POP Sreg */
        at = s->seg[NSEG_SS].base + (s->bits == 16 ? s->gpr[GPR_SP] & 0xffff : s->gpr[GPR_SP]);
    else if (row_has_operand(in->row, OK_M) && OPND_SIZE(in->row->opnd[1]) == SZ_p)
        at += in->opsize;
    at -= (uint64_t)(uintptr_t)l->buffer;
    if (s->bits != 64)
        at &= 0xffffffffu;
    if (at <= l->size - 2)
        memcpy(l->buffer + at, &selector, 2);
}

/* The widest memory operand of the instruction, at least 16 bytes. */
static unsigned memory_span(const struct insn *in)
{
    unsigned span = 16;
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++) {
        enum operand_kind k = OPND_KIND(in->row->opnd[i]);
        unsigned bytes = insn_operand_bytes(in, OPND_SIZE(in->row->opnd[i]));
        if ((k == OK_E || k == OK_M || k == OK_W || k == OK_Q || k == OK_KE) && bytes > span)
            span = bytes;
    }
    return span;
}

/* The ModRM memory operand's address (operand_target); for vector forms one time in three
 * at one of the offsets in a 64-byte line that the alignment rules tell apart (#GP for the
 * aligned forms, #AC by element or by 16 bytes: simd-design §1.5, §4.3). */
static uint64_t vector_operand_target(struct rng *r, const struct state *s, const struct insn *in)
{
    static const unsigned offsets[] = { 0, 1, 2, 4, 8, 16, 32, 48 };
    if (row_is_vector(in->row) && rng_below(r, 3) == 0)
        return (buffer_target(r) & ~(uint64_t)63) + offsets[rng_below(r, 8)];
    return operand_target(r, s, in->seg, memory_span(in));
}

/* Whether a gather's or scatter's indices are quadwords: the letter after "gather" or
 * "scatter" (and a prefetch's "pf0"/"pf1"), as in VPGATHERQD, VSCATTERPF1DPS. */
static bool index_is_qword(enum mnemonic mnemonic)
{
    const char *name = mnemonic_name(mnemonic);
    const char *p = strstr(name, "gather");
    p = p ? p + 6 : strstr(name, "scatter") ? strstr(name, "scatter") + 7 : name;
    if (strncmp(p, "pf", 2) == 0)
        p += 3;
    return *p == 'q';
}

/* Gathers and scatters: the index register's elements, so that each element's address,
 * base + index * scale + disp in the address size, is in the buffer (below or above the
 * base: negative indices too); one time in four one element, at a random position, on a
 * page that faults (not present, or read-only for a scatter); one time in four two
 * elements at the same address (a scatter's writes are ordered). s->target is where base
 * + disp points (solve_modrm). */
static bool place_vsib_elements(struct rng *r, struct state *s, const struct insn *in)
{
    const struct native_layout *l = native_layout();
    uint64_t buf = (uint64_t)(uintptr_t)l->buffer;
    bool qword = index_is_qword(in->row->mnemonic);
    bool scatter = OPND_KIND(in->row->opnd[0]) != OK_V;
    unsigned count = qword ? 8 : 16;
    int64_t k[16];

    for (unsigned i = 0; i < count; i++) /* truncated toward the base: still in the buffer */
        k[i] = (int64_t)(buffer_target(r) - s->target) / (int64_t)in->scale;
    if (rng_below(r, 4) == 0) {
        uint64_t bad = scatter && rng_below(r, 2)
                           ? buf - NATIVE_PAGE + 16 + rng_below(r, NATIVE_PAGE - 128)
                           : buf + l->size + 16 + rng_below(r, NATIVE_PAGE);
        k[rng_below(r, count)] = (int64_t)(bad - s->target) / (int64_t)in->scale;
    }
    if (rng_below(r, 4) == 0)
        k[rng_below(r, count)] = k[rng_below(r, count)];
    for (unsigned i = 0; i < count; i++) {
        int32_t dword = (int32_t)k[i];
        if (qword)
            memcpy(s->vec.zmm[in->index & 31] + 8 * i, &k[i], 8);
        else
            memcpy(s->vec.zmm[in->index & 31] + 4 * i, &dword, 4);
    }
    return true;
}

/* MASKMOVQ, MASKMOVDQU (OK_MDI): the bytes the mask register's byte MSBs select go to
 * DS:rDI (the segment overridable): rDI placed like a memory operand, and one time in eight an
 * all-zero mask, whose faults are model-specific (simd-design M7). MMi is the x87
 * register in FXSAVE slot (i - TOS) mod 8. */
static bool place_maskmov(struct rng *r, struct state *s, const struct insn *in)
{
    unsigned seg = (in->prefixes & PFX_SEG) ? in->seg_override : NSEG_DS;
    unsigned tos = (s->vec.fsw >> 11) & 7;
    uint64_t off;

    s->target = operand_target(r, s, seg, 16);
    if (!offset_for(s, seg, s->target, in->addrsize, &off))
        return false;
    s->gpr[GPR_DI] = with_random_upper(r, s, off, in->addrsize);
    s->target_known = true;
    if (rng_below(r, 8) == 0 && row_has_operand(in->row, OK_N))
        memset(s->vec.st[((in->rm & 7) - tos) & 7], 0, 8);
    else if (rng_below(r, 8) == 0)
        memset(s->vec.zmm[in->rm & 15], 0, 16);
    return true;
}

uint64_t landing_ip(unsigned bits)
{
    return native_slot_ip(bits) + NATIVE_SLOT_SIZE;
}

/* Write `size` bytes of value at linear address `at` if that is in the buffer. */
static bool put_in_buffer(uint64_t at, uint64_t value, unsigned size)
{
    const struct native_layout *l = native_layout();
    uint64_t off = at - (uint64_t)(uintptr_t)l->buffer;
    if (off > l->size - size)
        return false;
    put_le(l->buffer + off, value, size);
    return true;
}

/* Point a branch at the code after the slot, where the runner stores the registers: the
 * memory operand of an indirect CALL/JMP, the relative or far-pointer immediate, the return
 * frame of RET/RETF/IRET (with a flags image that changes nothing but the status flags).
 * False when the target cannot be put there (it would go elsewhere natively). */
static bool place_branch_target(struct rng *r, struct case_encoding *e, const struct state *s,
                                bool patch)
{
    const struct insn *in = &e->insn;
    const struct optab *row = in->row;
    uint64_t landing = landing_ip(s->bits);
    uint16_t cs = s->seg[NSEG_CS].selector;
    unsigned size = in->opsize;
    uint64_t sp = s->seg[NSEG_SS].base + (s->bits == 16 ? s->gpr[GPR_SP] & 0xffff : s->gpr[GPR_SP]);

    if (s->bits != 64)
        sp &= 0xffffffffu;
    switch (row->mnemonic) {
    case MN_ret: return put_in_buffer(sp, landing, size);
    case MN_retf: return put_in_buffer(sp, landing, size) && put_in_buffer(sp + size, cs, size);
    case MN_iret: {
        uint64_t flags = USER_RFLAGS | (rng_next(r) & (FL_ARITH | FL_DF));
        bool placed = put_in_buffer(sp, landing, size) && put_in_buffer(sp + size, cs, size) &&
                      put_in_buffer(sp + 2 * size, flags, size);
        if (s->bits == 64) /* 64-bit IRET also pops RSP and SS */
            placed = placed && put_in_buffer(sp + 3 * size, s->gpr[GPR_SP], size) &&
                     put_in_buffer(sp + 4 * size, s->seg[NSEG_SS].selector, size);
        return placed;
    }
    default:
        if (row_has_operand(row, OK_J)) {
            if (patch)
                put_le(e->bytes + in->imm_offset, landing - (s->rip + e->length), in->imm_size);
            return patch;
        }
        if (row_has_operand(row, OK_A)) {
            if (patch) {
                put_le(e->bytes + in->imm_offset, landing, in->imm_size);
                put_le(e->bytes + in->imm_offset + in->imm_size, cs, 2);
            }
            return patch;
        }
        if (row->mnemonic == MN_call_far || row->mnemonic == MN_jmp_far)
            return s->target_known && put_in_buffer(s->target, landing, size) &&
                   put_in_buffer(s->target + size, cs, 2);
        return s->target_known && put_in_buffer(s->target, landing, size);
    }
}

bool synth_state(struct rng *r, struct case_encoding *e, unsigned flags_case, bool patch,
                 struct state *s)
{
    const struct native_layout *l = native_layout();
    const struct insn *in = &e->insn;
    const struct optab *row = in->row;
    unsigned bits = in->mode == MODE_64 ? 64 : in->mode == MODE_32 ? 32 : 16;
    unsigned stack_size = bits == 16 ? 2 : bits / 8; /* the stack address size (SS.B) */
    uint64_t stack_off;

    memset(s, 0, sizeof *s);
    s->bits = bits;
    s->rip = native_slot_ip(bits);
    mode_segments(bits, s->seg);
    if (bits != 64) {
        s->seg[NSEG_DS] = data_segment(bits, rng_below(r, data_segment_count(bits)));
        s->seg[NSEG_ES] = data_segment(bits, rng_below(r, data_segment_count(bits)));
        s->seg[NSEG_SS] = data_segment(bits, rng_below(r, data_segment_count(bits)));
    }
    for (unsigned i = 0; i < 16; i++)
        s->gpr[i] = bits == 64 ? edge_value(r) : i < 8 ? edge_value(r) & 0xffffffffu : 0;
    s->rflags = USER_RFLAGS;
    if (flags_case & 1)
        s->rflags |= FL_ARITH;
    if (flags_case & 2)
        s->rflags |= FL_DF;

    /* the stack is in the buffer (PUSH/POP and friends); for an instruction with other
     * accesses, one time in four at one of its ends, where pushes reach the read-only page
     * and pops the guard pages and fault together with them (fault_order.h) */
    if (!offset_for(s, NSEG_SS, stack_target(r, in), stack_size, &stack_off))
        return false;
    s->gpr[GPR_SP] = bits == 16 ? (s->gpr[GPR_SP] & 0xffff0000u) | stack_off : stack_off;
    /* and the frame pointer one time in two (LEAVE, ENTER's nesting copies) */
    if (rng_below(r, 2) &&
        offset_for(s, NSEG_SS, buffer_target(r) & ~(uint64_t)7, stack_size, &stack_off))
        s->gpr[GPR_BP] = bits == 16 ? (s->gpr[GPR_BP] & 0xffff0000u) | stack_off : stack_off;

    /* the buffer: random bytes */
    for (uint32_t i = 0; i < l->size; i += 8) {
        uint64_t v = rng_next(r);
        memcpy(l->buffer + i, &v, 8);
    }

    synth_vecstate(r, xsave_host_layout(), &s->vec);
    s->xstate_compacted = rng_below(r, 4) == 0;
    if (in->has_modrm && in->mod != 3) {
        s->target = vector_operand_target(r, s, in);
        if (!solve_modrm(r, e, s, patch))
            return false;
        s->target_known = !(row->flags & F_VSIB); /* a gather's elements are elsewhere */
        if ((row->flags & F_VSIB) && !place_vsib_elements(r, s, in))
            return false;
    } else if (row_has_operand(row, OK_MDI)) {
        if (!place_maskmov(r, s, in))
            return false;
    } else if (row_has_operand(row, OK_O)) {
        uint64_t off;
        s->target = operand_target(r, s, in->seg, 16);
        if (!offset_for(s, in->seg, s->target, in->addrsize, &off))
            return false;
        if (patch)
            put_le(e->bytes + in->imm_offset, off, in->imm_size);
        else if ((in->imm & mask_of(in->addrsize)) != off)
            return false;
        s->target_known = true;
    } else if (row_has_operand(row, OK_XLAT)) {
        uint64_t off;
        s->target = buffer_target(r);
        if (!offset_for(s, in->seg, s->target, in->addrsize, &off))
            return false;
        s->gpr[GPR_BX] = with_random_upper(r, s, off - (s->gpr[GPR_AX] & 0xff), in->addrsize);
        s->target_known = true;
    }
    if (row_has_operand(row, OK_X) &&
        !place_string(r, s, in, GPR_SI, in->seg == SEG_NONE ? NSEG_DS : in->seg))
        return false;
    if (row_has_operand(row, OK_Y) && !place_string(r, s, in, GPR_DI, NSEG_ES))
        return false;
    if (row->mnemonic == MN_movdir64b) {
        /* the register operand is the destination's address: ES:reg, 64-byte aligned */
        uint64_t off;
        if (!offset_for(s, NSEG_ES, operand_target(r, s, NSEG_ES, 64) & ~(uint64_t)63, in->addrsize,
                        &off))
            return false;
        s->gpr[in->reg & 15] = with_random_upper(r, s, off, in->addrsize);
    }
    if ((row->flags & F_REP) && (in->prefixes & (PFX_REP | PFX_REPNE))) {
        /* mostly short counts; sometimes one that runs into the guard pages */
        uint64_t count = rng_below(r, 8) ? rng_below(r, 20) : edge_value(r);
        s->gpr[GPR_CX] = with_random_upper(r, s, count, in->addrsize);
    }

    if (s->target_known && row_is_vector(row) &&
        s->target - (uint64_t)(uintptr_t)l->buffer <= l->size - 64) {
        /* FP specials and integer edges, as in registers; one operand in two all FP values
         * of the form's element width (NaN payloads, denormals, infinities, ±0) */
        uint8_t *p = l->buffer + (s->target - (uint64_t)(uintptr_t)l->buffer);
        bool fp = rng_below(r, 2) == 0;
        for (unsigned i = 0; i < 4; i++) {
            if (fp)
                fp_lane(r, fp_element_bytes(in), p + 16 * i);
            else
                random_lane(r, p + 16 * i);
        }
    } else if (s->target_known && s->target - (uint64_t)(uintptr_t)l->buffer <= l->size - 16) {
        /* edge values at the operand, or a register's value (equal compares, CMPXCHG) */
        uint8_t *p = l->buffer + (s->target - (uint64_t)(uintptr_t)l->buffer);
        uint64_t a = edge_value(r), b = edge_value(r);
        switch (rng_below(r, 4)) {
        case 0:
            a = s->gpr[GPR_AX];
            b = s->gpr[GPR_DX];
            break;
        case 1:
            if (in->has_modrm)
                a = s->gpr[in->reg & 15];
            break;
        default: break;
        }
        memcpy(p, &a, 8);
        memcpy(p + 8, &b, 8);
    }

    /* then what the instruction must find there */
    if (row_loaded_segment(row, in->reg & 7) >= 0 || row->mnemonic == MN_lar ||
        row->mnemonic == MN_lsl || row->mnemonic == MN_verr || row->mnemonic == MN_verw)
        place_selector(r, s, in);

    if ((row->flags & F_BRANCH) && !place_branch_target(r, e, s, patch))
        return false;

    s->bytes_given = e->length;
    switch (rng_below(r, 8)) {
    case 0: s->bytes_given = 0; break;
    case 1: s->bytes_given = rng_below(r, e->length); break;
    default: break;
    }
    /* a hypervisor reports the GVA/GPA of an access to mapped memory only: a page that
     * is not present faults in the guest instead of exiting */
    s->gva_valid = s->target_known && s->target - (uint64_t)(uintptr_t)l->buffer < l->size &&
                   rng_below(r, 8) != 0;
    if (rng_below(r, 16) == 0)
        s->rflags |= FL_AC; /* misaligned accesses fault with #AC (Linux sets CR0.AM) */
    if (rng_below(r, 32) == 0)
        s->rflags |= FL_TF; /* a single-step trap after the instruction */
    if (row_is_vector(row) && rng_below(r, 4) == 0)
        s->rflags |= FL_AC; /* vector #AC rules are the CPU's own (simd-design §1.5) */
    return true;
}

bool native_run_state(const struct state *s, struct native_result *nr, struct vecstate *vec)
{
    struct native_frame in;

    memset(&in, 0, sizeof in);
    memcpy(in.gpr, s->gpr, sizeof in.gpr);
    in.rflags = s->rflags;
    for (unsigned i = 0; i < 6; i++)
        in.seg[i] = s->seg[i].selector;
    vecstate_to_xsave(&s->vec, xsave_host_layout(), false, native_vector_in());
    native_run(s->bits, &in, nr);
    *vec = s->vec;
    return vecstate_from_xsave(vec, xsave_host_layout(), native_vector_out(), NATIVE_XSAVE_MAX);
}
