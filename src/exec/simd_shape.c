#include "exec/simd_shape.h"

#include <string.h>

enum { ALL, ONE };
enum { COPY, ZX, SX, TRUNC, SSAT, USAT };
enum { OPMASK, MSB };

static const struct shape_info {
    uint8_t elements, conversion, mask;
} shapes[SHAPE_COUNT] = {
#define SHAPE_ROW(shape, elements_, conversion_, mask_)                                            \
    [SHAPE_##shape] = { .elements = (elements_), .conversion = (conversion_), .mask = (mask_) },
    SIMD_SHAPES(SHAPE_ROW)
#undef SHAPE_ROW
};

static const struct shape_info *info(const struct vec_move *m)
{
    return &shapes[m->shape < SHAPE_COUNT ? m->shape : SHAPE_FULL];
}

static uint64_t low_bits(unsigned n)
{
    return n >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1;
}

/* The register's elements, and the bytes of a memory element (narrower than a register
 * element by the ratio of the operands' sizes when the values are extended or narrowed).
 * Their divisors are nonzero once sizes_valid() has said so. */
static unsigned register_elements(const struct vec_move *m)
{
    return info(m)->elements == ONE ? 1 : m->reg_bytes / m->element;
}

static unsigned memory_element(const struct vec_move *m)
{
    if (info(m)->conversion == COPY)
        return m->element;
    return m->element * m->mem_bytes / m->reg_bytes;
}

static unsigned memory_elements(const struct vec_move *m)
{
    return m->mem_bytes / memory_element(m);
}

static unsigned bits_set(uint64_t v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static bool msb_of(const uint8_t *bytes, unsigned element, unsigned i)
{
    return bytes[i * element + element - 1] & 0x80;
}

/* The lane imm8 selects (EXTRACT_LANE, INSERT_LANE): lanes are memory operands wide. */
static int lane_slot(const struct vec_move *m, unsigned i)
{
    unsigned per_lane = m->mem_bytes / m->element;
    unsigned lane = m->imm % (m->reg_bytes / m->mem_bytes);
    return i / per_lane == lane ? (int)(i % per_lane) : -1;
}

/* Whether register element i maps to memory element i for every i (the shapes whose slot
 * is "i" in SIMD_SHAPES): their geometry and full masks need no walk over the elements. */
static bool slot_is_index(const struct vec_move *m)
{
    switch (m->shape) {
    case SHAPE_FULL:
    case SHAPE_EXTEND_ZX:
    case SHAPE_EXTEND_SX:
    case SHAPE_NARROW:
    case SHAPE_NARROW_SSAT:
    case SHAPE_NARROW_USAT:
    case SHAPE_VMASKMOV:
    case SHAPE_MASKMOV: return true;
    default: return false;
    }
}

/* The memory element that register element i maps to, or -1 (SIMD_SHAPES). */
static int memory_slot(const struct vec_move *m, unsigned i, uint64_t enabled)
{
    unsigned n = register_elements(m);

    if (slot_is_index(m))
        return (int)i;
    switch (m->shape) {
    case SHAPE_SCALAR:
    case SHAPE_HALF_LOW: return i == 0 ? 0 : -1;
    case SHAPE_HALF_HIGH: return i == 1 ? 0 : -1;
    case SHAPE_DUP_EVEN: return (int)(i & ~1u);
    case SHAPE_DUP_ODD: return (int)(i | 1u);
    case SHAPE_BROADCAST: return (int)(i % memory_elements(m));
    case SHAPE_EXTRACT:
    case SHAPE_INSERT: return i == m->imm % n ? 0 : -1;
    case SHAPE_INSERTPS: return i == ((m->imm >> 4) & 3u) ? 0 : -1;
    case SHAPE_EXTRACT_LANE:
    case SHAPE_INSERT_LANE: return lane_slot(m, i);
    case SHAPE_COMPRESS:
    case SHAPE_EXPAND: return (int)bits_set(enabled & low_bits(i));
    default: return (int)i;
    }
}

/* The elements the mask counts: the register's, except for a lane stored to memory, whose
 * mask bit j enables memory element j (SDM VEXTRACTF32X4 "Operation": k1[j] for the j-th
 * element written). */
static unsigned mask_elements(const struct vec_move *m)
{
    return m->shape == SHAPE_EXTRACT_LANE ? m->mem_bytes / m->element : register_elements(m);
}

static bool element_enabled(const struct vec_move *m, uint64_t enabled, unsigned i, int slot)
{
    unsigned bit = m->shape == SHAPE_EXTRACT_LANE ? (unsigned)slot : i;
    return (m->shape != SHAPE_EXTRACT_LANE || slot >= 0) && ((enabled >> bit) & 1);
}

static bool size_valid(unsigned bytes)
{
    return bytes >= 1 && bytes <= VEC_BYTES;
}

bool simd_shape_contiguous(unsigned shape)
{
    return shape < SHAPE_COUNT && shape != SHAPE_GATHER && shape != SHAPE_SCATTER &&
           shape != SHAPE_VSIB_HINT;
}

/* The sizes divide as the shape needs (checked before anything divides by them). */
static bool sizes_valid(const struct vec_move *m)
{
    unsigned me;

    if (!simd_shape_contiguous(m->shape) || !size_valid(m->element) || !size_valid(m->reg_bytes) ||
        !size_valid(m->mem_bytes) || m->reg_bytes % m->element)
        return false;
    if (info(m)->conversion != COPY && m->element > 8)
        return false;
    me = memory_element(m);
    if (me == 0 || m->mem_bytes % me)
        return false;
    if (m->shape == SHAPE_EXTRACT_LANE || m->shape == SHAPE_INSERT_LANE)
        return m->mem_bytes % m->element == 0 && m->reg_bytes % m->mem_bytes == 0;
    return true;
}

bool vec_move_valid(const struct vec_move *m)
{
    unsigned n, me;
    bool touches = false;

    if (!sizes_valid(m))
        return false;
    n = register_elements(m);
    me = memory_element(m);
    if (slot_is_index(m))
        return n * me <= m->mem_bytes; /* the last slot's end; n >= 1 (sizes_valid) */
    for (unsigned i = 0; i < n; i++) {
        int slot = memory_slot(m, i, low_bits(n));
        if (slot >= 0 && (unsigned)slot * me + me > m->mem_bytes)
            return false;
        touches |= slot >= 0;
    }
    return touches; /* a move with no slot (MOVHPS on 8 bytes) is none the table has */
}

/* vec_move_elements() of a move known to be valid. */
static uint64_t enabled_elements(const struct vec_move *m)
{
    unsigned n = mask_elements(m);
    uint64_t mask = m->mask;

    if (info(m)->mask == MSB) {
        mask = 0;
        for (unsigned i = 0; i < n; i++)
            mask |= (uint64_t)msb_of(m->other, m->element, i) << i;
    }
    return mask & low_bits(n);
}

uint64_t vec_move_elements(const struct vec_move *m)
{
    return vec_move_valid(m) ? enabled_elements(m) : 0;
}

uint64_t vec_move_all_elements(const struct vec_move *m)
{
    return vec_move_valid(m) ? low_bits(mask_elements(m)) : 0;
}

unsigned vec_move_memory_element(const struct vec_move *m)
{
    return vec_move_valid(m) ? memory_element(m) : 0;
}

/* What a walk over the register's elements needs: the mask, the counts and sizes. False
 * for an invalid move, which then does nothing. */
struct walk {
    uint64_t enabled;
    unsigned n, e, me;
};

static bool walk_begin(const struct vec_move *m, struct walk *w)
{
    if (!vec_move_valid(m))
        return false;
    w->enabled = enabled_elements(m);
    w->n = register_elements(m);
    w->e = m->element;
    w->me = memory_element(m);
    return true;
}

/* Every element enabled, each copied unchanged to its own index: one copy of the whole. */
static bool all_in_place(const struct vec_move *m, const struct walk *w)
{
    return slot_is_index(m) && info(m)->conversion == COPY && w->enabled == low_bits(w->n);
}

uint64_t vec_move_enable(const struct vec_move *m)
{
    uint64_t bytes = 0;
    struct walk w;

    if (!walk_begin(m, &w))
        return 0;
    if (!m->store && w.enabled == low_bits(mask_elements(m)))
        return low_bits(m->mem_bytes);
    if (slot_is_index(m) && w.enabled == low_bits(w.n))
        return low_bits(w.n * w.me);
    for (unsigned i = 0; i < w.n; i++) {
        int slot = memory_slot(m, i, w.enabled);
        if (slot >= 0 && element_enabled(m, w.enabled, i, slot))
            bytes |= low_bits(w.me) << ((unsigned)slot * w.me);
    }
    return bytes;
}

/* Little-endian values of up to 8 bytes. */
static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void put_le(uint8_t *p, unsigned bytes, uint64_t v)
{
    for (unsigned i = 0; i < bytes; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static int64_t signed_of(uint64_t v, unsigned bytes)
{
    unsigned shift = bytes >= 1 && bytes < 8 ? 64 - 8 * bytes : 0;
    return (int64_t)(v << shift) >> shift;
}

/* A register element of `from` bytes (<= 8) narrowed to `to` bytes. */
static uint64_t narrowed(uint64_t v, unsigned from, unsigned to, unsigned conversion)
{
    int64_t max = (int64_t)(low_bits(8 * to) >> 1), min = -max - 1;
    int64_t s = signed_of(v, from);

    if (conversion == SSAT)
        return (uint64_t)(s > max ? max : s < min ? min : s);
    if (conversion == USAT && v > low_bits(8 * to))
        return low_bits(8 * to);
    return v;
}

/* Memory element -> register element (a load), of me and e bytes. */
static void widen(uint8_t *dest, const uint8_t *src, unsigned me, unsigned e, unsigned conversion)
{
    uint64_t v;

    if (conversion == COPY) {
        memcpy(dest, src, e);
        return;
    }
    v = get_le(src, me);
    put_le(dest, e, conversion == SX ? (uint64_t)signed_of(v, me) : v);
}

void vec_move_load(const struct vec_move *m, uint8_t dest[VEC_BYTES])
{
    struct walk w;

    memset(dest, 0, VEC_BYTES);
    if (!walk_begin(m, &w))
        return;
    if (all_in_place(m, &w)) {
        memcpy(dest, m->mem, w.n * w.e); /* every element in place */
        return;
    }
    for (unsigned i = 0; i < w.n; i++) {
        int slot = memory_slot(m, i, w.enabled);
        uint8_t *d = dest + i * w.e;
        if (!(w.enabled >> i & 1)) {
            if (!m->zeroing && info(m)->mask == OPMASK)
                memcpy(d, m->reg + i * w.e, w.e);
        } else if (slot >= 0) {
            widen(d, m->mem + (unsigned)slot * w.me, w.me, w.e, info(m)->conversion);
        } else {
            memcpy(d, m->other + i * w.e, w.e);
        }
    }
    if (m->shape == SHAPE_INSERTPS)
        for (unsigned i = 0; i < 4; i++)
            if (m->imm >> i & 1)
                memset(dest + 4 * i, 0, 4);
}

void vec_move_store(struct vec_move *m)
{
    struct walk w;

    if (!walk_begin(m, &w))
        return;
    if (all_in_place(m, &w)) {
        memcpy(m->mem, m->reg, w.n * w.e); /* every element in place */
        return;
    }
    for (unsigned i = 0; i < w.n; i++) {
        int slot = memory_slot(m, i, w.enabled);
        const uint8_t *src = m->reg + i * w.e;
        uint8_t *d;
        if (slot < 0 || !element_enabled(m, w.enabled, i, slot))
            continue;
        d = m->mem + (unsigned)slot * w.me;
        if (info(m)->conversion == COPY)
            memcpy(d, src, w.e);
        else
            put_le(d, w.me, narrowed(get_le(src, w.e), w.e, w.me, info(m)->conversion));
    }
}

uint64_t vsib_element_address(const uint8_t index[VEC_BYTES], unsigned index_bytes, unsigned i,
                              uint64_t base, unsigned scale, int64_t disp, unsigned addrsize)
{
    uint64_t sum;

    if (index_bytes != 4 && index_bytes != 8)
        index_bytes = 8;
    if ((i + 1) * index_bytes > VEC_BYTES)
        return 0;
    sum = base +
          (uint64_t)signed_of(get_le(index + i * index_bytes, index_bytes), index_bytes) * scale +
          (uint64_t)disp;
    return addrsize >= 8 ? sum : sum & low_bits(8 * addrsize);
}
