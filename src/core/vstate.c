/* The vector state of one call (vstate.h): the SDK names or the extension's XSAVE area. */
#include "core/vstate.h"

#include <string.h>

#include "core/bytes.h"
#include "core/regcache.h"

/* The FXSAVE legacy region is 32 rows of 16 bytes, and the 26 SDK vector names are rows
 * 0-25 of it (WinHvPlatformDefs.h): row 0 FpControlStatus, 1 XmmControlStatus, 2-9 FpMmx
 * in slot order, 10-25 XMM0-15. Both sources are read and written by row. */
enum {
    ROW_FP_CONTROL = 0,
    ROW_XMM_CONTROL = 1,
    ROW_FP_MMX0 = 2,
    ROW_XMM0 = 10,
    ROW_BYTES = 16,
};

/* Register bytes of a vector register as pieces of the XSAVE components (SDM vol. 1
 * §13.5): register n < 16 is XMM n in the legacy region, then YMM_Hi128 and ZMM_Hi256;
 * n >= 16 is all in Hi16_ZMM. */
struct vreg_piece {
    uint8_t component, from, size;
};
static const struct vreg_piece low_pieces[] = { { 1, 0, 16 }, { 2, 16, 16 }, { 6, 32, 32 } };
static const struct vreg_piece high_pieces[] = { { 7, 0, 64 } };

static enum reg_id row_name(unsigned row)
{
    if (row == ROW_FP_CONTROL)
        return R_FP_CONTROL_STATUS;
    if (row == ROW_XMM_CONTROL)
        return R_XMM_CONTROL_STATUS;
    return row < ROW_XMM0 ? (enum reg_id)(R_FP_MMX0 + row - ROW_FP_MMX0)
                          : (enum reg_id)(R_XMM0 + row - ROW_XMM0);
}

/* The component of a row (row 1 holds FDP, x87's, and MXCSR, which XSAVE keeps whatever
 * XSTATE_BV says: its x87 half is meant). */
static unsigned row_component(unsigned row)
{
    return row < ROW_XMM0 ? 0 : 1;
}

/* The init value of a row (SDM vol. 1 §13.6): FCW 037FH, everything else 0. */
static void row_init(unsigned row, uint8_t *out)
{
    memset(out, 0, ROW_BYTES);
    if (row == ROW_FP_CONTROL)
        store_le2(out, 0x037f);
}

static void row_read(struct vcpu *cpu, unsigned row, uint8_t *out)
{
    const uint8_t *area;
    WHV_UINT128 v;

    if (!cpu->vstate.area) {
        v = reg_read128(cpu, row_name(row));
        store_le(out, 8, v.Low64);
        store_le(out + 8, 8, v.High64);
        return;
    }
    area = cpu->vstate.ext->area;
    if (xstate_peek(cpu, row_component(row)))
        memcpy(out, area + row * ROW_BYTES, ROW_BYTES);
    else
        row_init(row, out);
    if (row == ROW_XMM_CONTROL) /* MXCSR and its mask are there in every state */
        memcpy(out + 8, area + row * ROW_BYTES + 8, 8);
}

static void row_write(struct vcpu *cpu, unsigned row, const uint8_t *in)
{
    WHV_UINT128 v;

    if (!cpu->vstate.area) {
        v.Low64 = load_le(in, 8);
        v.High64 = load_le(in + 8, 8);
        reg_write128(cpu, row_name(row), v);
        return;
    }
    if (!xstate_edit(cpu, row_component(row)))
        return;
    if (row == ROW_XMM_CONTROL && xstate_edit(cpu, 1) == NULL)
        return;
    memcpy(cpu->vstate.ext->area + row * ROW_BYTES, in, ROW_BYTES);
}

/* Whether an SDK vector name was written in this call: the names' ids are one range, tested
 * a word of the set at a time (at most two words), not id by id. */
static bool sdk_vector_names_dirty(const struct vcpu *cpu)
{
    unsigned id = R_VECTOR_NAME(0), end = R_VECTOR_NAME(R_VECTOR_NAMES);

    while (id < end) {
        unsigned bit = id % 64, n = end - id < 64 - bit ? end - id : 64 - bit;
        uint64_t mask = (n == 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1) << bit;
        if (cpu->reg_dirty.word[id / 64] & mask)
            return true;
        id += n;
    }
    return false;
}

enum exec_result vstate_begin(struct vcpu *cpu, uint64_t need)
{
    if (!(need & ~(uint64_t)XS_LEGACY))
        return EXEC_OK;
    /* one source per call: an executor that wrote the SDK names first cannot switch (fail
     * closed, the guest untouched) */
    if (!cpu->vstate.area && sdk_vector_names_dirty(cpu))
        return EXEC_UNSUPPORTED;
    return xstate_fetch(cpu, need);
}

uint64_t xcr0_read(struct vcpu *cpu)
{
    return reg_get(cpu, R_XCR0);
}

/* Bytes of a register above which VEX and EVEX writes stop zeroing: MAXVL / 8. */
static unsigned maxvl_bytes(struct vcpu *cpu)
{
    return (xcr0_read(cpu) & XS_ZMM_HI256) ? 64 : 32;
}

static void pieces_of(unsigned n, const struct vreg_piece **pieces, unsigned *count)
{
    *pieces = n < 16 ? low_pieces : high_pieces;
    *count = n < 16 ? 3 : 1;
}

/* Where register n's piece starts in its component. */
static uint32_t piece_offset(unsigned n, const struct vreg_piece *p)
{
    return (uint32_t)((n % 16) * p->size);
}

void vreg_read(struct vcpu *cpu, unsigned n, unsigned bytes, uint8_t *out)
{
    const struct vreg_piece *pieces;
    unsigned count;

    bytes = bytes > 64 ? 64 : bytes;
    memset(out, 0, bytes);
    if (!cpu->vstate.area) {
        uint8_t row[ROW_BYTES];
        if (n < 16) {
            row_read(cpu, ROW_XMM0 + n, row);
            memcpy(out, row, bytes < ROW_BYTES ? bytes : ROW_BYTES);
        }
        return;
    }
    pieces_of(n % 32, &pieces, &count);
    for (unsigned i = 0; i < count && pieces[i].from < bytes; i++) {
        const uint8_t *c = xstate_peek(cpu, pieces[i].component);
        unsigned size = bytes - pieces[i].from;
        if (c)
            memcpy(out + pieces[i].from, c + piece_offset(n % 32, &pieces[i]),
                   size < pieces[i].size ? size : pieces[i].size);
    }
}

/* Register bytes [p->from, p->from + p->size): the ones of in[0, bytes) written, the others
 * zeroed below `zero_to` and kept above. A piece only zeroed in a component in its init
 * state stays init (it is zeros already). */
static void piece_write(struct vcpu *cpu, unsigned n, const struct vreg_piece *p, const uint8_t *in,
                        unsigned bytes, unsigned zero_to)
{
    unsigned have = bytes > p->from ? bytes - p->from : 0;
    unsigned zero = zero_to > p->from ? zero_to - p->from : 0;
    uint8_t *c;

    have = have < p->size ? have : p->size;
    zero = zero < p->size ? zero : p->size;
    if (have == 0 && (zero == 0 || !xstate_peek(cpu, p->component)))
        return;
    c = xstate_edit(cpu, p->component);
    if (!c)
        return;
    c += piece_offset(n, p);
    memcpy(c, in + (p->from < bytes ? p->from : 0), have);
    if (zero > have)
        memset(c + have, 0, zero - have);
}

void vreg_write(struct vcpu *cpu, unsigned n, unsigned bytes, const uint8_t *in,
                enum vreg_upper upper)
{
    const struct vreg_piece *pieces;
    unsigned count;
    unsigned zero_to;

    n %= 32;
    bytes = bytes > 64 ? 64 : bytes;
    if (!cpu->vstate.area) {
        uint8_t row[ROW_BYTES];
        if (n >= 16)
            return;
        row_read(cpu, ROW_XMM0 + n, row);
        memcpy(row, in, bytes < ROW_BYTES ? bytes : ROW_BYTES);
        if (upper == VREG_ZERO_UPPER && bytes < ROW_BYTES)
            memset(row + bytes, 0, ROW_BYTES - bytes);
        row_write(cpu, ROW_XMM0 + n, row);
        return;
    }
    zero_to = upper == VREG_ZERO_UPPER ? maxvl_bytes(cpu) : 0;
    pieces_of(n, &pieces, &count);
    for (unsigned i = 0; i < count; i++)
        piece_write(cpu, n, &pieces[i], in, bytes, zero_to);
}

/* ---- x87 and MMX ---- */

uint16_t x87_status(struct vcpu *cpu)
{
    uint8_t row[ROW_BYTES];

    row_read(cpu, ROW_FP_CONTROL, row);
    return (uint16_t)load_le2(row + 2);
}

uint16_t x87_control(struct vcpu *cpu)
{
    uint8_t row[ROW_BYTES];

    row_read(cpu, ROW_FP_CONTROL, row);
    return (uint16_t)load_le2(row);
}

static unsigned top_of_stack(struct vcpu *cpu)
{
    return (x87_status(cpu) >> 11) & 7;
}

uint64_t mreg_read(struct vcpu *cpu, unsigned n)
{
    uint8_t row[ROW_BYTES];

    row_read(cpu, ROW_FP_MMX0 + ((n - top_of_stack(cpu)) & 7), row);
    return load_le(row, 8);
}

/* Slot s holds physical register (s + TOS) mod 8; with TOS 0, slot p holds register p. */
static void rotate_slots_to_physical(struct vcpu *cpu, unsigned tos)
{
    uint8_t old[8][ROW_BYTES];
    struct regset all = REGSET(0);

    for (unsigned s = 0; s < 8; s++)
        regset_add(&all, (enum reg_id)(R_FP_MMX0 + s));
    if (!cpu->vstate.area)
        regs_fetch(cpu, all); /* the eight in one callback */
    for (unsigned s = 0; s < 8; s++)
        row_read(cpu, ROW_FP_MMX0 + s, old[s]);
    for (unsigned p = 0; p < 8; p++)
        row_write(cpu, ROW_FP_MMX0 + p, old[(p - tos) & 7]);
}

void mmx_transition(struct vcpu *cpu)
{
    uint8_t row[ROW_BYTES];
    unsigned tos;

    row_read(cpu, ROW_FP_CONTROL, row);
    tos = (load_le2(row + 2) >> 11) & 7;
    if (tos == 0 && row[4] == 0xff)
        return;
    if (tos != 0)
        rotate_slots_to_physical(cpu, tos);
    store_le2(row + 2, load_le2(row + 2) & ~UINT64_C(0x3800));
    row[4] = 0xff; /* the abridged tag word: every register valid */
    row_write(cpu, ROW_FP_CONTROL, row);
}

void mreg_write(struct vcpu *cpu, unsigned n, uint64_t value)
{
    uint8_t row[ROW_BYTES];

    mmx_transition(cpu);
    row_read(cpu, ROW_FP_MMX0 + (n & 7), row);
    store_le(row, 8, value);
    store_le2(row + 8, 0xffff); /* bits 79:64: sign and exponent all ones */
    row_write(cpu, ROW_FP_MMX0 + (n & 7), row);
}

/* ---- opmask, MXCSR ---- */

uint64_t kreg_read(struct vcpu *cpu, unsigned n)
{
    const uint8_t *c = cpu->vstate.area ? xstate_peek(cpu, 5) : NULL;

    return c ? load_le(c + 8 * (n & 7), 8) : 0;
}

void kreg_write(struct vcpu *cpu, unsigned n, uint64_t value)
{
    uint8_t *c;

    if (!cpu->vstate.area || (value == 0 && !xstate_peek(cpu, 5)))
        return;
    c = xstate_edit(cpu, 5);
    if (c)
        store_le(c + 8 * (n & 7), 8, value);
}

uint32_t mxcsr_read(struct vcpu *cpu)
{
    uint8_t row[ROW_BYTES];

    row_read(cpu, ROW_XMM_CONTROL, row);
    return (uint32_t)load_le4(row + 8);
}

void mxcsr_write(struct vcpu *cpu, uint32_t value)
{
    uint8_t row[ROW_BYTES];

    row_read(cpu, ROW_XMM_CONTROL, row);
    store_le(row + 8, 4, value);
    row_write(cpu, ROW_XMM_CONTROL, row);
}
