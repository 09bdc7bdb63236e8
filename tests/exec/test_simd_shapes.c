/* The shapes of the SIMD moves (src/exec/simd_shape.c) against a naive byte model written
 * from the SDM's Operation sections, shape by shape, without the slot functions: every
 * shape, every element size, register and memory size it can have, every imm8 that matters,
 * every mask of up to 8 elements (random ones beyond), merging and zeroing, random bytes.
 *
 * For each case: the bytes a load reads and a store writes (vec_move_enable) equal the ones
 * the model touches; a load's result equals the model's and does not depend on memory bytes
 * it does not read (two different fillings of them give the same result); a store writes
 * exactly the model's bytes and leaves the others as they were. Invalid geometries do
 * nothing. Runs on any host (no CPU instruction is executed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "exec/simd_shape.h"

static uint64_t rng_state = 0x5eed5eedull;
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fill(uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)next_random();
}

/* ---- the model: what the SDM's Operation sections do, element by element ---- */

struct model {
    uint8_t dest[VEC_BYTES]; /* a load's result */
    uint8_t mem[VEC_BYTES];  /* a store's result (from the initial memory) */
    uint64_t touched;        /* memory bytes read (load) or written (store) */
};

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void read_mem(struct model *o, const struct vec_move *m, uint8_t *to, unsigned at,
                     unsigned n)
{
    memcpy(to, m->mem + at, n);
    for (unsigned i = 0; i < n; i++)
        o->touched |= UINT64_C(1) << (at + i);
}

static void write_mem(struct model *o, unsigned at, const uint8_t *from, unsigned n)
{
    memcpy(o->mem + at, from, n);
    for (unsigned i = 0; i < n; i++)
        o->touched |= UINT64_C(1) << (at + i);
}

static bool enabled(const struct vec_move *m, unsigned i)
{
    return (m->mask >> i) & 1;
}

/* A masked-off destination element: zeroed or kept. */
static void masked_off(const struct vec_move *m, struct model *o, unsigned i)
{
    if (m->zeroing)
        memset(o->dest + i * m->element, 0, m->element);
    else
        memcpy(o->dest + i * m->element, m->reg + i * m->element, m->element);
}

/* Loads whose destination element i comes from memory element src(i) unchanged. */
static void load_elements(const struct vec_move *m, struct model *o, const int *src)
{
    unsigned e = m->element, n = m->reg_bytes / e;
    for (unsigned i = 0; i < n; i++) {
        if (!enabled(m, i))
            masked_off(m, o, i);
        else
            read_mem(o, m, o->dest + i * e, (unsigned)src[i] * e, e);
    }
}

static void model_full(const struct vec_move *m, struct model *o)
{
    unsigned e = m->element, n = m->reg_bytes / e;
    int src[64];
    for (unsigned i = 0; i < n; i++)
        src[i] = (int)i;
    if (!m->store) {
        load_elements(m, o, src);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        if (enabled(m, i))
            write_mem(o, i * e, m->reg + i * e, e);
}

/* MOVSS, MOVD, KMOVW: element 0 (merged or zeroed when masked off), zeros above it. */
static void model_scalar(const struct vec_move *m, struct model *o)
{
    if (m->store) {
        if (enabled(m, 0))
            write_mem(o, 0, m->reg, m->element);
        return;
    }
    if (enabled(m, 0))
        read_mem(o, m, o->dest, 0, m->element);
    else
        masked_off(m, o, 0);
}

/* MOVLPS/MOVHPS: 8 bytes at 0 or 8; the other half from `other`. */
static void model_half(const struct vec_move *m, struct model *o, unsigned at)
{
    if (m->store) {
        write_mem(o, 0, m->reg + at, 8);
        return;
    }
    memcpy(o->dest, m->other, 16);
    read_mem(o, m, o->dest + at, 0, 8);
}

/* MOVSLDUP (pairs from the even element), MOVSHDUP (odd), MOVDDUP (quadword pairs). */
static void model_dup(const struct vec_move *m, struct model *o, bool odd)
{
    unsigned n = m->reg_bytes / m->element;
    int src[64];
    for (unsigned i = 0; i < n; i += 2)
        src[i] = src[i + 1] = (int)(odd ? i + 1 : i);
    load_elements(m, o, src);
}

static void model_broadcast(const struct vec_move *m, struct model *o)
{
    unsigned n = m->reg_bytes / m->element, k = m->mem_bytes / m->element;
    int src[64];
    for (unsigned i = 0; i < n; i++)
        src[i] = (int)(i % k);
    load_elements(m, o, src);
}

static void model_extract(const struct vec_move *m, struct model *o)
{
    unsigned e = m->element, sel = m->imm % (m->reg_bytes / e);
    write_mem(o, 0, m->reg + sel * e, e);
}

static void model_insert(const struct vec_move *m, struct model *o)
{
    unsigned e = m->element, sel = m->imm % (m->reg_bytes / e);
    memcpy(o->dest, m->other, m->reg_bytes);
    read_mem(o, m, o->dest + sel * e, 0, e);
}

/* INSERTPS xmm, m32: dword imm8[5:4] from memory, then the dwords of imm8[3:0] zeroed. */
static void model_insertps(const struct vec_move *m, struct model *o)
{
    memcpy(o->dest, m->other, 16);
    read_mem(o, m, o->dest + 4 * ((m->imm >> 4) & 3), 0, 4);
    for (unsigned j = 0; j < 4; j++)
        if ((m->imm >> j) & 1)
            memset(o->dest + 4 * j, 0, 4);
}

/* VEXTRACTF32X4 and VINSERTF32X4: lane imm8 of lanes the memory operand's size. A store's
 * mask bit j enables memory element j; a load's, destination element i (SDM "Operation"). */
static void model_lane(const struct vec_move *m, struct model *o, bool insert)
{
    unsigned e = m->element, lane_bytes = m->mem_bytes;
    unsigned lane = m->imm % (m->reg_bytes / lane_bytes), base = lane * lane_bytes;
    for (unsigned i = 0; i < m->reg_bytes / e; i++) {
        bool in_lane = i * e >= base && i * e < base + lane_bytes;
        if (!insert) {
            if (in_lane && enabled(m, (i * e - base) / e))
                write_mem(o, i * e - base, m->reg + i * e, e);
        } else if (!enabled(m, i)) {
            masked_off(m, o, i);
        } else if (in_lane) {
            read_mem(o, m, o->dest + i * e, i * e - base, e);
        } else {
            memcpy(o->dest + i * e, m->other + i * e, e);
        }
    }
}

static int64_t sign_extended(uint64_t v, unsigned bytes)
{
    uint64_t sign = UINT64_C(1) << (8 * bytes - 1);
    return bytes >= 8 ? (int64_t)v : (int64_t)((v ^ sign) - sign);
}

/* PMOVZX/PMOVSX: memory elements of s bytes widened to e. */
static void model_extend(const struct vec_move *m, struct model *o, bool sign)
{
    unsigned e = m->element, n = m->reg_bytes / e, s = m->mem_bytes / n;
    for (unsigned i = 0; i < n; i++) {
        uint8_t b[8];
        if (!enabled(m, i)) {
            masked_off(m, o, i);
            continue;
        }
        read_mem(o, m, b, i * s, s);
        put(o->dest + i * e, e, sign ? (uint64_t)sign_extended(le(b, s), s) : le(b, s));
    }
}

/* VPMOV*: elements of e bytes stored as s bytes: truncated, or saturated (signed: to the
 * signed range of s bytes; unsigned: the source read as unsigned). */
static void model_narrow(const struct vec_move *m, struct model *o, int saturation)
{
    unsigned e = m->element, n = m->reg_bytes / e, s = m->mem_bytes / n;
    int64_t hi = (int64_t)((UINT64_C(1) << (8 * s - 1)) - 1), lo = -hi - 1;
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = le(m->reg + i * e, e);
        uint8_t b[8];
        if (!enabled(m, i))
            continue;
        if (saturation > 0) {
            int64_t x = sign_extended(v, e);
            v = (uint64_t)(x > hi ? hi : x < lo ? lo : x);
        } else if (saturation < 0 && v > (UINT64_C(1) << (8 * s)) - 1) {
            v = (UINT64_C(1) << (8 * s)) - 1;
        }
        put(b, s, v);
        write_mem(o, i * s, b, s);
    }
}

static void model_compress(const struct vec_move *m, struct model *o)
{
    unsigned e = m->element, j = 0;
    for (unsigned i = 0; i < m->reg_bytes / e; i++) {
        if (!enabled(m, i))
            continue;
        if (m->store)
            write_mem(o, j * e, m->reg + i * e, e);
        j++;
    }
}

static void model_expand(const struct vec_move *m, struct model *o)
{
    unsigned e = m->element, j = 0;
    for (unsigned i = 0; i < m->reg_bytes / e; i++) {
        if (!enabled(m, i))
            masked_off(m, o, i);
        else
            read_mem(o, m, o->dest + i * e, e * j++, e);
    }
}

/* VMASKMOVPS, VPMASKMOVD, MASKMOVDQU: element i by the MSB of `other`'s element i; a load
 * zeroes the others. */
static void model_msb_masked(const struct vec_move *m, struct model *o)
{
    unsigned e = m->element;
    for (unsigned i = 0; i < m->reg_bytes / e; i++) {
        bool on = m->other[i * e + e - 1] & 0x80;
        if (m->store && on)
            write_mem(o, i * e, m->reg + i * e, e);
        else if (!m->store && on)
            read_mem(o, m, o->dest + i * e, i * e, e);
    }
}

static void model_run(const struct vec_move *m, struct model *o)
{
    memset(o, 0, sizeof *o);
    memcpy(o->mem, m->mem, VEC_BYTES);
    switch (m->shape) {
    case SHAPE_FULL: model_full(m, o); break;
    case SHAPE_SCALAR: model_scalar(m, o); break;
    case SHAPE_HALF_LOW: model_half(m, o, 0); break;
    case SHAPE_HALF_HIGH: model_half(m, o, 8); break;
    case SHAPE_DUP_EVEN: model_dup(m, o, false); break;
    case SHAPE_DUP_ODD: model_dup(m, o, true); break;
    case SHAPE_BROADCAST: model_broadcast(m, o); break;
    case SHAPE_EXTRACT: model_extract(m, o); break;
    case SHAPE_INSERT: model_insert(m, o); break;
    case SHAPE_INSERTPS: model_insertps(m, o); break;
    case SHAPE_EXTRACT_LANE: model_lane(m, o, false); break;
    case SHAPE_INSERT_LANE: model_lane(m, o, true); break;
    case SHAPE_EXTEND_ZX: model_extend(m, o, false); break;
    case SHAPE_EXTEND_SX: model_extend(m, o, true); break;
    case SHAPE_NARROW: model_narrow(m, o, 0); break;
    case SHAPE_NARROW_SSAT: model_narrow(m, o, 1); break;
    case SHAPE_NARROW_USAT: model_narrow(m, o, -1); break;
    case SHAPE_COMPRESS: model_compress(m, o); break;
    case SHAPE_EXPAND: model_expand(m, o); break;
    default: model_msb_masked(m, o); break; /* VMASKMOV, MASKMOV */
    }
}

/* A load with every element enabled reads its whole memory operand (MOVDDUP ymm, m256 and
 * MOVSLDUP read the elements they do not use too): the model's reads, widened. */
static uint64_t model_enable(const struct vec_move *m, const struct model *o)
{
    unsigned n = m->shape == SHAPE_SCALAR ? 1 : m->reg_bytes / m->element;
    if (m->shape == SHAPE_EXTRACT_LANE)
        n = m->mem_bytes / m->element;
    uint64_t all = n >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1;
    uint64_t msb = 0;
    if (m->shape == SHAPE_VMASKMOV || m->shape == SHAPE_MASKMOV) {
        for (unsigned i = 0; i < n; i++)
            msb |= (uint64_t)((m->other[i * m->element + m->element - 1] >> 7) & 1) << i;
    }
    uint64_t on = (m->shape == SHAPE_VMASKMOV || m->shape == SHAPE_MASKMOV) ? msb : m->mask & all;
    if (!m->store && on == all)
        return m->mem_bytes >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << m->mem_bytes) - 1;
    return o->touched;
}

/* ---- one case ---- */

static unsigned long cases, failures;

static void fail_case(const struct vec_move *m, const char *what)
{
    if (failures++ < 30)
        fprintf(stderr,
                "shape %u element %u reg %u mem %u imm 0x%02x %s mask 0x%llx zeroing %d: %s\n",
                m->shape, m->element, m->reg_bytes, m->mem_bytes, m->imm,
                m->store ? "store" : "load", (unsigned long long)m->mask, m->zeroing, what);
}

static void run_case(struct vec_move *m)
{
    struct model o;
    uint64_t enable;

    cases++;
    fill(m->reg, VEC_BYTES);
    fill(m->other, VEC_BYTES);
    fill(m->mem, VEC_BYTES);
    if (!vec_move_valid(m)) {
        fail_case(m, "a geometry the shape has is not valid");
        return;
    }
    model_run(m, &o);
    enable = vec_move_enable(m);
    if (enable != model_enable(m, &o))
        fail_case(m, "accessed bytes differ from the model's");
    if (m->store) {
        uint8_t before[VEC_BYTES];
        memcpy(before, m->mem, VEC_BYTES);
        vec_move_store(m);
        if (memcmp(m->mem, o.mem, VEC_BYTES) != 0)
            fail_case(m, "stored bytes differ from the model's");
        for (unsigned i = 0; i < VEC_BYTES; i++)
            if (!((enable >> i) & 1) && m->mem[i] != before[i]) {
                fail_case(m, "a byte outside the accessed ones was written");
                break;
            }
        return;
    }
    uint8_t dest[VEC_BYTES], again[VEC_BYTES];
    vec_move_load(m, dest);
    if (memcmp(dest, o.dest, m->reg_bytes) != 0 ||
        memcmp(dest + m->reg_bytes, (uint8_t[VEC_BYTES]){ 0 }, VEC_BYTES - m->reg_bytes))
        fail_case(m, "loaded register differs from the model's");
    for (unsigned i = 0; i < VEC_BYTES; i++)
        if (!((enable >> i) & 1))
            m->mem[i] ^= 0xa5;
    vec_move_load(m, again);
    if (memcmp(dest, again, VEC_BYTES) != 0)
        fail_case(m, "the result depends on memory bytes the load does not access");
}

/* Every mask of up to 8 elements; beyond, all-zero, all-ones, each single element and random
 * ones. Both zeroing settings for loads. */
static void run_masks(struct vec_move m)
{
    unsigned n = m.reg_bytes / m.element;
    unsigned count = n <= 8 ? 1u << n : 64 + n;
    for (unsigned k = 0; k < count; k++) {
        if (n <= 8)
            m.mask = k;
        else if (k < 2)
            m.mask = k ? ~UINT64_C(0) : 0;
        else if (k < 2 + n)
            m.mask = UINT64_C(1) << (k - 2);
        else
            m.mask = next_random();
        if (n < 64) /* bits beyond the elements are ignored */
            m.mask |= next_random() << n;
        for (unsigned z = 0; z < (m.store ? 1u : 2u); z++) {
            m.zeroing = z;
            run_case(&m);
        }
    }
}

static struct vec_move geometry(unsigned shape, unsigned element, unsigned reg, unsigned mem,
                                bool store)
{
    struct vec_move m;
    memset(&m, 0, sizeof m);
    m.shape = (uint8_t)shape;
    m.element = (uint8_t)element;
    m.reg_bytes = (uint8_t)reg;
    m.mem_bytes = (uint8_t)mem;
    m.store = store;
    return m;
}

static const unsigned vector_lengths[] = { 16, 32, 64 };
#define FOR_VL(v) for (unsigned vi = 0, v; vi < 3 && (v = vector_lengths[vi], 1); vi++)

static void full_vectors(void)
{
    static const unsigned elements[] = { 1, 2, 4, 8, 16 };
    for (unsigned s = 0; s < 2; s++) {
        run_masks(geometry(SHAPE_FULL, 8, 8, 8, s)); /* MMX MOVQ, MOVNTQ */
        for (unsigned e = 0; e < 5; e++)
            FOR_VL(vl)
        run_masks(geometry(SHAPE_FULL, elements[e], vl, vl, s));
    }
}

static void scalars_and_halves(void)
{
    static const unsigned elements[] = { 1, 2, 4, 8 };
    for (unsigned s = 0; s < 2; s++) {
        for (unsigned e = 0; e < 4; e++) {
            run_masks(geometry(SHAPE_SCALAR, elements[e], 16, elements[e], s));
            run_masks(geometry(SHAPE_SCALAR, elements[e], 8, elements[e], s)); /* MMX, k */
        }
        for (unsigned h = 0; h < 2; h++) { /* never masked (no encoding has a mask) */
            struct vec_move m = geometry(h ? SHAPE_HALF_HIGH : SHAPE_HALF_LOW, 8, 16, 8, s);
            m.mask = ~UINT64_C(0);
            run_case(&m);
        }
    }
}

static void duplicates_and_broadcasts(void)
{
    static const unsigned elements[] = { 1, 2, 4, 8, 16 };
    FOR_VL(vl)
    {
        run_masks(geometry(SHAPE_DUP_EVEN, 4, vl, vl, false));
        run_masks(geometry(SHAPE_DUP_ODD, 4, vl, vl, false));
        run_masks(geometry(SHAPE_DUP_EVEN, 8, vl, vl == 16 ? 8 : vl, false));
        for (unsigned e = 0; e < 5; e++)
            for (unsigned mem = elements[e]; mem < vl; mem *= 2)
                run_masks(geometry(SHAPE_BROADCAST, elements[e], vl, mem, false));
    }
}

static void selected_elements(void)
{
    static const unsigned elements[] = { 1, 2, 4, 8 };
    for (unsigned imm = 0; imm < 256; imm++) {
        for (unsigned e = 0; e < 4; e++) {
            struct vec_move x = geometry(SHAPE_EXTRACT, elements[e], 16, elements[e], true);
            struct vec_move i = geometry(SHAPE_INSERT, elements[e], 16, elements[e], false);
            x.imm = i.imm = (uint8_t)imm;
            x.mask = i.mask = ~UINT64_C(0);
            run_case(&x);
            run_case(&i);
        }
        struct vec_move w = geometry(SHAPE_INSERT, 2, 8, 2, false); /* PINSRW mm */
        struct vec_move p = geometry(SHAPE_INSERTPS, 4, 16, 4, false);
        w.imm = p.imm = (uint8_t)imm;
        w.mask = p.mask = ~UINT64_C(0);
        run_case(&w);
        run_case(&p);
    }
}

static void lanes(void)
{
    static const unsigned elements[] = { 4, 8, 16 };
    for (unsigned s = 0; s < 2; s++)
        for (unsigned e = 0; e < 3; e++)
            for (unsigned vl = 32; vl <= 64; vl *= 2)
                for (unsigned lane = 16; lane < vl; lane *= 2)
                    for (unsigned imm = 0; imm < 8; imm++) {
                        struct vec_move m = geometry(s ? SHAPE_EXTRACT_LANE : SHAPE_INSERT_LANE,
                                                     elements[e], vl, lane, s);
                        if (elements[e] > lane)
                            continue;
                        m.imm = (uint8_t)(imm | (next_random() & 0xf8));
                        run_masks(m);
                    }
}

static void conversions(void)
{
    static const unsigned shapes[5] = { SHAPE_EXTEND_ZX, SHAPE_EXTEND_SX, SHAPE_NARROW,
                                        SHAPE_NARROW_SSAT, SHAPE_NARROW_USAT };
    for (unsigned sh = 0; sh < 5; sh++)
        for (unsigned e = 2; e <= 8; e *= 2)
            for (unsigned s = 1; s < e; s *= 2)
                FOR_VL(vl)
    run_masks(geometry(shapes[sh], e, vl, vl / e * s, sh >= 2));
}

static void packed_and_msb_masked(void)
{
    for (unsigned e = 1; e <= 8; e *= 2)
        FOR_VL(vl)
        {
            run_masks(geometry(SHAPE_COMPRESS, e, vl, vl, true));
            run_masks(geometry(SHAPE_EXPAND, e, vl, vl, false));
        }
    for (unsigned s = 0; s < 2; s++)
        for (unsigned e = 4; e <= 8; e *= 2)
            for (unsigned vl = 16; vl <= 32; vl *= 2)
                for (unsigned k = 0; k < 256; k++) /* the mask is `other`'s MSBs */
                    run_masks(geometry(SHAPE_VMASKMOV, e, vl, vl, s));
    for (unsigned k = 0; k < 4096; k++) {
        struct vec_move q = geometry(SHAPE_MASKMOV, 1, 8, 8, true);
        struct vec_move dq = geometry(SHAPE_MASKMOV, 1, 16, 16, true);
        q.mask = dq.mask = next_random();
        run_case(&q);
        run_case(&dq);
    }
}

/* Geometries no row has, and random ones: nothing is accessed or written. */
static void invalid_geometries(void)
{
    static const struct {
        uint8_t shape, element, reg, mem;
    } bad[] = {
        { SHAPE_FULL, 0, 16, 16 },      { SHAPE_FULL, 3, 16, 16 },
        { SHAPE_FULL, 16, 65, 16 },     { SHAPE_EXTEND_ZX, 16, 32, 16 },
        { SHAPE_EXTEND_ZX, 2, 16, 0 },  { SHAPE_INSERT_LANE, 4, 16, 32 },
        { SHAPE_BROADCAST, 8, 16, 12 }, { SHAPE_GATHER, 4, 16, 4 },
        { SHAPE_COUNT, 4, 16, 16 },     { SHAPE_HALF_HIGH, 8, 8, 8 },
        { SHAPE_SCALAR, 8, 16, 4 },
    };
    unsigned long checked = 0;
    for (unsigned t = 0; t < 200000; t++) {
        struct vec_move m;
        uint8_t dest[VEC_BYTES], before[VEC_BYTES];
        fill((uint8_t *)&m, sizeof m);
        if (t < sizeof bad / sizeof bad[0]) {
            m.shape = bad[t].shape;
            m.element = bad[t].element;
            m.reg_bytes = bad[t].reg;
            m.mem_bytes = bad[t].mem;
        }
        m.store = m.store & 1;
        m.zeroing = m.zeroing & 1;
        if (vec_move_valid(&m)) {
            CHECK(t >= sizeof bad / sizeof bad[0], "invalid geometry %u accepted", t);
            continue;
        }
        checked++;
        memcpy(before, m.mem, VEC_BYTES);
        vec_move_load(&m, dest);
        vec_move_store(&m);
        CHECK(vec_move_enable(&m) == 0 && vec_move_elements(&m) == 0 &&
                  memcmp(dest, (uint8_t[VEC_BYTES]){ 0 }, VEC_BYTES) == 0 &&
                  memcmp(before, m.mem, VEC_BYTES) == 0,
              "invalid geometry (shape %u element %u reg %u mem %u) did something", m.shape,
              m.element, m.reg_bytes, m.mem_bytes);
    }
    CHECK(checked > 100000, "too few invalid geometries drawn (%lu)", checked);
}

/* Gathers' element addresses: index elements of 4 or 8 bytes, sign-extended, scaled, plus
 * base and displacement, wrapped to the address size. */
static void vsib_addresses(void)
{
    for (unsigned t = 0; t < 20000; t++) {
        uint8_t index[VEC_BYTES];
        unsigned bytes = (t & 1) ? 8 : 4, i = (unsigned)(next_random() % (64 / bytes));
        unsigned scale = 1u << (next_random() % 4), asize = (t % 3 == 0) ? 2 : (t % 3 == 1) ? 4 : 8;
        uint64_t base = next_random();
        int64_t disp = (int32_t)next_random();
        fill(index, VEC_BYTES);
        uint64_t raw = le(index + i * bytes, bytes);
        int64_t idx = sign_extended(raw, bytes);
        uint64_t want = base + (uint64_t)idx * scale + (uint64_t)disp;
        if (asize < 8)
            want &= (UINT64_C(1) << (8 * asize)) - 1;
        CHECK(vsib_element_address(index, bytes, i, base, scale, disp, asize) == want,
              "vsib address: index %u of %u bytes, scale %u, address size %u", i, bytes, scale,
              asize);
    }
}

int main(void)
{
    full_vectors();
    scalars_and_halves();
    duplicates_and_broadcasts();
    selected_elements();
    lanes();
    conversions();
    packed_and_msb_masked();
    invalid_geometries();
    vsib_addresses();
    printf("test_simd_shapes: %lu cases against the byte model, %lu differ\n", cases, failures);
    CHECK(failures == 0, "%lu cases differ from the model", failures);
    return check_summary();
}
