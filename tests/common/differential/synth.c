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
        0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff,
        0x80000000, 0xffffffff, UINT64_C(0x100000000), UINT64_C(0x7fffffffffffffff),
        UINT64_C(0x8000000000000000), UINT64_MAX, 0xfe, 0xfffe, 0xfffffffe,
        UINT64_C(0xffffffffffffff80), UINT64_C(0xffffffffffff8000),
        UINT64_C(0xffffffff80000000), UINT64_C(0x00000000ffffff80),
    };
    switch (rng_below(r, 4)) {
    case 0:
        return rng_below(r, 2) ? rng_below(r, 66) : (uint64_t)0 - rng_below(r, 65);
    case 1:
    case 2:
        return edges[rng_below(r, sizeof edges / sizeof edges[0])];
    default:
        return rng_next(r);
    }
}

static uint64_t mask_of(unsigned bytes)
{
    return bytes >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1;
}

/* ---- variants ---- */

static unsigned size_bit(unsigned bytes)
{
    return bytes == 2 ? SIZE16 : bytes == 4 ? SIZE32 : SIZE64;
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
                out[n].form = f;
                out[n].bits = bits;
                out[n].osize = sizes[s];
                out[n].rep = reps[p];
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
static unsigned address_prefixes(struct rng *r, const struct variant *v, unsigned asize,
                                 uint8_t *b)
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
    unsigned rm = f->rm >= 0 ? (unsigned)f->rm : rng_below(r, 8);
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
    bool w = f->w == 1 || v->osize == 8;
    unsigned l = f->l >= 0 ? (unsigned)f->l : 0;
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

/* One attempt at an encoding; the decoder then says whether it is the form's. */
static void build(struct rng *r, const struct variant *v, unsigned asize, uint8_t *b)
{
    const struct form *f = v->form;
    const struct optab *row = f->row;
    bool def64 = v->bits == 64 && (row->flags & (F_DEF64 | F_FORCE64));
    unsigned n = 0;
    bool rex_w = f->w == 1;

    if (f->map >= MAP_VEX_0F) {
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
        case MAP_LEGACY_0F38: b[n++] = 0x0f; b[n++] = 0x38; break;
        case MAP_LEGACY_0F3A: b[n++] = 0x0f; b[n++] = 0x3a; break;
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

/* The memory operand's address: mostly anywhere in the buffer, sometimes 16-byte aligned,
 * sometimes where the emulator must split or fault: across the page boundary inside the
 * buffer, across the buffer's end into the guard pages (#PF), in or across the read-only
 * page below the buffer (#PF on writes), at the 64 KiB limit of a 16-bit segment (#GP/#SS
 * or #PF), at the edge of the canonical range (#GP/#SS). */
static uint64_t operand_target(struct rng *r, const struct state *s, unsigned seg)
{
    const struct native_layout *l = native_layout();
    uint64_t buf = (uint64_t)(uintptr_t)l->buffer;
    switch (rng_below(r, 24)) {
    case 0:
        return buf + 4096 - 1 - rng_below(r, 15);
    case 1:
        return buf + l->size - 1 - rng_below(r, 8);
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
    case 5:
        return buffer_target(r) & ~(uint64_t)15; /* aligned: CMPXCHG16B, and #AC tests */
    case 6:
        return buf - 1 - rng_below(r, 8); /* from the read-only page into the buffer */
    case 7:
        return buf - NATIVE_PAGE + rng_below(r, NATIVE_PAGE - 16); /* in the read-only page */
    default:
        return buffer_target(r);
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
    if (in->base == GPR_NONE && in->index == GPR_NONE) {
        uint64_t d = off;
        if (asize == 8 && (int64_t)off != (int32_t)off)
            return false;
        if (patch)
            put_le(e->bytes + in->disp_offset, d, in->disp_size);
        return patch || (((uint64_t)(int64_t)in->disp) & m) == off;
    }
    solved = in->base != GPR_NONE ? in->base : in->index;
    coef = in->base == GPR_NONE ? in->scale : in->index == in->base ? 1u + in->scale : 1u;
    rest = (uint64_t)(int64_t)in->disp;
    if (in->base != GPR_NONE && in->index != GPR_NONE && in->index != in->base)
        rest += s->gpr[in->index] * in->scale;
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
    uint64_t target = has_ordered_accesses(in) ? operand_target(r, s, seg) : buffer_target(r);
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
    uint64_t sp = s->seg[NSEG_SS].base +
                  (s->bits == 16 ? s->gpr[GPR_SP] & 0xffff : s->gpr[GPR_SP]);

    if (s->bits != 64)
        sp &= 0xffffffffu;
    switch (row->mnemonic) {
    case MN_ret:
        return put_in_buffer(sp, landing, size);
    case MN_retf:
        return put_in_buffer(sp, landing, size) && put_in_buffer(sp + size, cs, size);
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

    if (in->has_modrm && in->mod != 3) {
        s->target = operand_target(r, s, in->seg);
        if (!solve_modrm(r, e, s, patch))
            return false;
        s->target_known = true;
    } else if (row_has_operand(row, OK_O)) {
        uint64_t off;
        s->target = operand_target(r, s, in->seg);
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
        if (!offset_for(s, NSEG_ES, operand_target(r, s, NSEG_ES) & ~(uint64_t)63,
                        in->addrsize, &off))
            return false;
        s->gpr[in->reg & 15] = with_random_upper(r, s, off, in->addrsize);
    }
    if ((row->flags & F_REP) && (in->prefixes & (PFX_REP | PFX_REPNE))) {
        /* mostly short counts; sometimes one that runs into the guard pages */
        uint64_t count = rng_below(r, 8) ? rng_below(r, 20) : edge_value(r);
        s->gpr[GPR_CX] = with_random_upper(r, s, count, in->addrsize);
    }

    if (s->target_known && s->target - (uint64_t)(uintptr_t)l->buffer <= l->size - 16) {
        /* edge values at the operand, or a register's value (equal compares, CMPXCHG) */
        uint8_t *p = l->buffer + (s->target - (uint64_t)(uintptr_t)l->buffer);
        uint64_t a = edge_value(r), b = edge_value(r);
        switch (rng_below(r, 4)) {
        case 0: a = s->gpr[GPR_AX]; b = s->gpr[GPR_DX]; break;
        case 1: if (in->has_modrm) a = s->gpr[in->reg & 15]; break;
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

    return true;
}
