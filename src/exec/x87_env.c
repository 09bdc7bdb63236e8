/* The x87 control forms and their memory layouts (x87_env.h). */
#include "exec/x87_env.h"

#include <string.h>

#include "exec/operand.h"

/* ---- the tag word ---- */

enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

/* The tag of an 80-bit value: exponent 7FFFH is special (NaN, infinity, pseudo-forms),
 * exponent 0 is zero or special (denormal, pseudo-denormal), else the integer bit J (63)
 * decides: clear is an unnormal, special. */
static unsigned tag_of(const uint8_t value[10])
{
    uint64_t mantissa = load_le(value, 8);
    unsigned exponent = (unsigned)load_le(value + 8, 2) & 0x7fffu;

    if (exponent == 0x7fff)
        return TAG_SPECIAL;
    if (exponent == 0)
        return mantissa == 0 ? TAG_ZERO : TAG_SPECIAL;
    return (mantissa >> 63) ? TAG_VALID : TAG_SPECIAL;
}

uint16_t x87_full_tag_word(const struct fxsave_state *s)
{
    uint16_t full = 0;

    for (unsigned i = 0; i < 8; i++) {
        unsigned tag = (s->ftw >> i) & 1 ? tag_of(s->st[x87_slot_of_physical(s, i)]) : TAG_EMPTY;
        full |= (uint16_t)(tag << (2 * i));
    }
    return full;
}

uint8_t x87_abridged_tag(uint16_t full)
{
    uint8_t abridged = 0;

    for (unsigned i = 0; i < 8; i++)
        abridged |= (uint8_t)((((full >> (2 * i)) & 3) != TAG_EMPTY) << i);
    return abridged;
}

/* ---- the environment layouts (SDM vol. 1 Figures 8-9 to 8-12) ---- */

/* What a field of a layout holds. FIP and FDP are the offsets (bits 31:0) in protected
 * mode and the linear addresses in real mode (x87.h). ONES: reserved bits the CPU stores as ones (measured: the upper halves of the
 * 32-bit protected layout's doublewords). */
enum env_value { V_FCW, V_FSW, V_FTW, V_FIP, V_FCS, V_FOP, V_FDP, V_FDS, V_ONES };

/* Bits [from, from + width) of the value are bits [shift, shift + width) of the
 * little-endian doubleword at byte `offset`. */
struct env_field {
    uint8_t value, offset, shift, width, from;
};

#define END_OF_LAYOUT                                                                              \
    {                                                                                              \
        0, 0, 0, 0, 0                                                                              \
    }

// clang-format off
static const struct env_field protected32[] = {
    /* value   offset shift width from */
    { V_FCW,   0,     0,    16,   0 },
    { V_ONES,  0,     16,   16,   0 },
    { V_FSW,   4,     0,    16,   0 },
    { V_ONES,  4,     16,   16,   0 },
    { V_FTW,   8,     0,    16,   0 },
    { V_ONES,  8,     16,   16,   0 },
    { V_FIP,   12,    0,    32,   0 },
    { V_FCS,   16,    0,    16,   0 },
    { V_FOP,   16,    16,   11,   0 },
    { V_FDP,   20,    0,    32,   0 },
    { V_FDS,   24,    0,    16,   0 },
    { V_ONES,  24,    16,   16,   0 },
    END_OF_LAYOUT
};

static const struct env_field protected16[] = {
    { V_FCW,   0,     0,    16,   0 },
    { V_FSW,   2,     0,    16,   0 },
    { V_FTW,   4,     0,    16,   0 },
    { V_FIP,   6,     0,    16,   0 },
    { V_FCS,   8,     0,    16,   0 },
    { V_FDP,   10,    0,    16,   0 },
    { V_FDS,   12,    0,    16,   0 },
    END_OF_LAYOUT
};

/* Real mode: the linear pointers split at bit 16; the upper halves of the doublewords the
 * figure leaves blank are stored as ones, as in protected mode (an assumption: user mode
 * cannot run real-mode code to measure it; docs/x87.md). */
static const struct env_field real32[] = {
    { V_FCW,   0,     0,    16,   0 },
    { V_ONES,  0,     16,   16,   0 },
    { V_FSW,   4,     0,    16,   0 },
    { V_ONES,  4,     16,   16,   0 },
    { V_FTW,   8,     0,    16,   0 },
    { V_ONES,  8,     16,   16,   0 },
    { V_FIP,   12,    0,    16,   0 },
    { V_ONES,  12,    16,   16,   0 },
    { V_FOP,   16,    0,    11,   0 },
    { V_FIP,   16,    12,   16,   16 },
    { V_FDP,   20,    0,    16,   0 },
    { V_ONES,  20,    16,   16,   0 },
    { V_FDP,   24,    12,   16,   16 },
    END_OF_LAYOUT
};

static const struct env_field real16[] = {
    { V_FCW,   0,     0,    16,   0 },
    { V_FSW,   2,     0,    16,   0 },
    { V_FTW,   4,     0,    16,   0 },
    { V_FIP,   6,     0,    16,   0 },
    { V_FOP,   8,     0,    11,   0 },
    { V_FIP,   8,     12,   4,    16 },
    { V_FDP,   10,    0,    16,   0 },
    { V_FDP,   12,    12,   4,    16 },
    END_OF_LAYOUT
};
// clang-format on

static const struct env_field *layout_fields(struct x87_env_layout l)
{
    if (l.real)
        return l.bits16 ? real16 : real32;
    return l.bits16 ? protected16 : protected32;
}

unsigned x87_env_bytes(struct x87_env_layout l)
{
    return l.bits16 ? X87_ENV16_BYTES : X87_ENV32_BYTES;
}

static uint32_t field_mask(const struct env_field *f)
{
    return (uint32_t)((UINT64_C(1) << f->width) - 1);
}

/* The field's bits of the doubleword at its offset (the 16-bit layouts end with a word:
 * only the bytes inside the image are read). */
static uint32_t read_field(const uint8_t *env, unsigned bytes, const struct env_field *f)
{
    unsigned size = bytes - f->offset < 4 ? bytes - f->offset : 4;
    return ((uint32_t)load_le(env + f->offset, size) >> f->shift) & field_mask(f);
}

static void write_field(uint8_t *env, unsigned bytes, const struct env_field *f, uint32_t bits)
{
    unsigned size = bytes - f->offset < 4 ? bytes - f->offset : 4;
    uint32_t dword = (uint32_t)load_le(env + f->offset, size);

    dword &= ~(field_mask(f) << f->shift);
    dword |= (bits & field_mask(f)) << f->shift;
    store_le(env + f->offset, size, dword);
}

/* The environment's values, gathered from or spread over the fields. */
struct env_values {
    uint64_t v[V_ONES + 1];
};

static struct env_values values_of(const struct fxsave_state *s)
{
    struct env_values e = { { s->fcw, s->fsw, x87_full_tag_word(s), s->fip & 0xffffffffu, s->fcs,
                              s->fop, s->fdp & 0xffffffffu, s->fds, 0xffff } };
    return e;
}

static void store_env(const struct fxsave_state *s, struct x87_env_layout l, uint8_t *env)
{
    struct env_values e = values_of(s);
    unsigned bytes = x87_env_bytes(l);

    memset(env, 0, bytes);
    for (const struct env_field *f = layout_fields(l); f->width; f++)
        write_field(env, bytes, f, (uint32_t)(e.v[f->value] >> f->from));
}

/* The registers stay where they are when TOP changes: FXSAVE's slots, which are in stack
 * order, turn by the difference. */
static void keep_physical_registers(struct fxsave_state *s, unsigned old_top)
{
    unsigned turn = (x87_top(s) - old_top) & 7;
    uint8_t st[8][10];

    for (unsigned j = 0; j < 8; j++)
        memcpy(st[j], s->st[(j + turn) & 7], sizeof st[j]);
    memcpy(s->st, st, sizeof st);
}

static void load_env(struct fxsave_state *s, struct x87_env_layout l, const uint8_t *env)
{
    struct env_values e = { { 0 } };
    unsigned bytes = x87_env_bytes(l), old_top = x87_top(s);

    for (const struct env_field *f = layout_fields(l); f->width; f++)
        e.v[f->value] |= (uint64_t)read_field(env, bytes, f) << f->from;
    s->fcw = (uint16_t)e.v[V_FCW];
    s->fsw = x87_consistent_fsw(s->fcw, (uint16_t)e.v[V_FSW]);
    s->ftw = x87_abridged_tag((uint16_t)e.v[V_FTW]);
    s->fop = (uint16_t)e.v[V_FOP];
    s->fip = e.v[V_FIP];
    s->fcs = (uint16_t)e.v[V_FCS];
    s->fdp = e.v[V_FDP];
    s->fds = (uint16_t)e.v[V_FDS];
    keep_physical_registers(s, old_top);
}

/* ---- the instructions ---- */

void x87_fninit(struct fxsave_state *s)
{
    unsigned old_top = x87_top(s);

    s->fcw = FCW_INIT;
    s->fsw = 0;
    keep_physical_registers(s, old_top);
    s->ftw = 0;
    s->fop = 0;
    s->fip = s->fdp = 0;
    s->fcs = s->fds = 0;
}

void x87_fnstenv(struct fxsave_state *s, struct x87_env_layout l, uint8_t *env)
{
    store_env(s, l, env);
    s->fcw |= FCW_MASKS;
    s->fsw = x87_consistent_fsw(s->fcw, s->fsw);
}

void x87_fldenv(struct fxsave_state *s, struct x87_env_layout l, const uint8_t *env)
{
    load_env(s, l, env);
}

void x87_fnsave(struct fxsave_state *s, struct x87_env_layout l, uint8_t *image)
{
    unsigned bytes = x87_env_bytes(l);

    store_env(s, l, image);
    for (unsigned j = 0; j < 8; j++)
        memcpy(image + bytes + 10 * j, s->st[j], 10);
    x87_fninit(s);
}

void x87_frstor(struct fxsave_state *s, struct x87_env_layout l, const uint8_t *image)
{
    unsigned bytes = x87_env_bytes(l);

    load_env(s, l, image);
    for (unsigned j = 0; j < 8; j++)
        memcpy(s->st[j], image + bytes + 10 * j, 10);
}

void x87_fldcw(struct fxsave_state *s, const uint8_t word[2])
{
    s->fcw = (uint16_t)load_le(word, 2);
    s->fsw = x87_consistent_fsw(s->fcw, s->fsw);
}

void x87_fnstcw(const struct fxsave_state *s, uint8_t word[2])
{
    store_le(word, 2, s->fcw);
}

void x87_fnstsw(const struct fxsave_state *s, uint8_t word[2])
{
    store_le(word, 2, s->fsw);
}
