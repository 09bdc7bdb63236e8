/* The decoder engine: prefixes, escapes, VEX/EVEX/XOP payloads, the walk down the
 * selector tree of the opcode tables, ModRM/SIB/displacement and immediates.
 *
 * Every byte is hostile: each read is preceded by want(), which enforces the 15-byte
 * architectural limit and the caller's buffer end; every loop is bounded by those
 * 15 bytes or by the (finite) depth of the tables. */
#include <string.h>

#include "decoder.h"
#include "optab.h"

/* The CPU raises #GP(0) for an instruction that would need a 16th byte. */
#define MAX_INSN_LENGTH 15u

/* Deeper than any table nests (opcode -> pfx -> mode -> osize -> reg -> mod -> rm ...). */
#define MAX_SELECTOR_DEPTH 12u

struct decoder {
    struct insn *insn;
    const uint8_t *bytes;
    size_t avail;
    unsigned pos;            /* next byte to read */
    bool modrm_read;         /* the ModRM byte was consumed (by a selector or the row) */
    bool address_read;       /* SIB and displacement were consumed (3DNow! reads them early) */
    bool osize_is_mandatory; /* a SEL_PFX chose the 66 entry: 66 is not an operand-size prefix */
    uint8_t rex_r, rex_x, rex_b; /* 1 = extend, from REX, VEX, EVEX or XOP */
    uint8_t evex_r2, evex_x4;    /* EVEX R' (ModRM.reg bit 4), X as ModRM.rm bit 4 */
    unsigned options;            /* DECODE_* options */
};

/* Check that n more bytes may be read: the 15-byte limit first, because it is known
 * without the bytes themselves; then the end of the caller's buffer. */
static enum decode_status want(const struct decoder *d, unsigned n)
{
    if (d->pos + n > MAX_INSN_LENGTH)
        return DECODE_TOO_LONG;
    if (d->pos + n > d->avail)
        return DECODE_NEED_MORE;
    return DECODE_OK;
}

/* Little-endian value of n (<= 8) bytes at the cursor, which advances. want() first. */
static uint64_t take(struct decoder *d, unsigned n)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < n; i++)
        value |= (uint64_t)d->bytes[d->pos + i] << (8 * i);
    d->pos += n;
    return value;
}

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        enum decode_status try_status_ = (expr);                                                   \
        if (try_status_ != DECODE_OK)                                                              \
            return try_status_;                                                                    \
    } while (0)

/* ---- legacy prefixes and REX ---- */

static enum decode_status read_prefixes(struct decoder *d)
{
    struct insn *in = d->insn;
    bool mode64 = in->mode == MODE_64;
    uint8_t rex = 0;

    for (;;) { /* bounded: each pass consumes a byte and want() stops at 15 */
        TRY(want(d, 1));
        uint8_t b = d->bytes[d->pos];
        int seg = -1;
        switch (b) {
        case 0xf0: in->prefixes |= PFX_LOCK; break;
        case 0xf2: /* the last of F2/F3 wins, both as REPNE/REP and as mandatory prefix */
            in->prefixes = (uint8_t)((in->prefixes & ~PFX_REP) | PFX_REPNE);
            in->mandatory = MP_F2;
            break;
        case 0xf3:
            in->prefixes = (uint8_t)((in->prefixes & ~PFX_REPNE) | PFX_REP);
            in->mandatory = MP_F3;
            break;
        case 0x66:
            in->prefixes |= PFX_OSIZE;
            if (in->mandatory == MP_NONE)
                in->mandatory = MP_66;
            break;
        case 0x67: in->prefixes |= PFX_ASIZE; break;
        case 0x26: seg = SEG_ES; break;
        case 0x2e: seg = SEG_CS; break;
        case 0x36: seg = SEG_SS; break;
        case 0x3e: seg = SEG_DS; break;
        case 0x64: seg = SEG_FS; break;
        case 0x65: seg = SEG_GS; break;
        default:
            if (mode64 && (b & 0xf0) == 0x40) {
                rex = b; /* only counts if it is the last prefix */
                d->pos++;
                continue;
            }
            if (rex) {
                in->prefixes |= PFX_REX;
                in->rex = rex;
                in->vex_w = (rex >> 3) & 1;
                d->rex_r = (rex >> 2) & 1;
                d->rex_x = (rex >> 1) & 1;
                d->rex_b = rex & 1;
            }
            in->prefix_count = (uint8_t)d->pos;
            return DECODE_OK;
        }
        /* In 64-bit mode ES/CS/SS/DS overrides are null prefixes: they neither select a
         * segment nor cancel an earlier FS/GS. */
        if (seg >= 0 && !(mode64 && seg < SEG_FS)) {
            in->prefixes |= PFX_SEG;
            in->seg_override = (uint8_t)seg;
        }
        rex = 0; /* a REX followed by a legacy prefix is ignored */
        d->pos++;
    }
}

/* ---- VEX / EVEX / XOP ---- */

/* 66/F2/F3/LOCK/REX in front of a VEX, EVEX or XOP prefix is #UD. */
static bool legacy_prefix_conflicts(const struct insn *in)
{
    return (in->prefixes & (PFX_LOCK | PFX_REP | PFX_REPNE | PFX_OSIZE | PFX_REX)) != 0;
}

/* The fields the three encodings share: W vvvv L pp in the last payload byte. */
static void read_wvvvvlpp(struct decoder *d, uint8_t byte)
{
    struct insn *in = d->insn;
    in->vex_w = byte >> 7;
    in->vvvv = (uint8_t)((~byte >> 3) & 0xf);
    in->vex_l = (byte >> 2) & 1;
    in->mandatory = byte & 3; /* pp: none, 66, F3, F2 = enum mandatory_prefix */
}

/* R X B from the inverted top bits of the VEX3/EVEX/XOP payload's first byte. Outside
 * 64-bit mode only eight registers exist: B (and the bits the mode check forced) are
 * ignored, as on the CPU. */
static void read_rxb(struct decoder *d, uint8_t byte)
{
    d->rex_r = !(byte & 0x80);
    d->rex_x = !(byte & 0x40);
    d->rex_b = !(byte & 0x20);
    if (d->insn->mode != MODE_64)
        d->rex_r = d->rex_x = d->rex_b = 0;
}

static enum decode_status read_vex(struct decoder *d, uint8_t escape, const struct optab **table)
{
    struct insn *in = d->insn;
    in->encoding = ENC_VEX;
    if (escape == 0xc5) {
        TRY(want(d, 2));
        uint8_t p = (uint8_t)take(d, 1);
        d->rex_r = in->mode == MODE_64 && !(p & 0x80);
        read_wvvvvlpp(d, p);
        in->vex_w = 0;
        in->map = MAP_VEX_0F;
    } else {
        TRY(want(d, 3));
        uint8_t p0 = (uint8_t)take(d, 1);
        uint8_t p1 = (uint8_t)take(d, 1);
        unsigned m = p0 & 0x1f;
        if (m < 1 || m > 3)
            return DECODE_UD;
        read_rxb(d, p0);
        read_wvvvvlpp(d, p1);
        in->map = (uint8_t)(MAP_VEX_0F + m - 1);
    }
    in->opcode = (uint8_t)take(d, 1);
    *table = &optab_vex[in->map - MAP_VEX_0F][in->opcode];
    return DECODE_OK;
}

static enum decode_status read_evex(struct decoder *d, const struct optab **table)
{
    static const uint8_t evex_maps[8] = { 0, MAP_EVEX_0F,   MAP_EVEX_0F38, MAP_EVEX_0F3A,
                                          0, MAP_EVEX_MAP5, MAP_EVEX_MAP6, 0 };
    struct insn *in = d->insn;
    in->encoding = ENC_EVEX;
    TRY(want(d, 4));
    uint8_t p0 = (uint8_t)take(d, 1);
    uint8_t p1 = (uint8_t)take(d, 1);
    uint8_t p2 = (uint8_t)take(d, 1);
    /* P0 bit 3 is reserved (0) and P1 bit 2 is fixed (1). */
    if ((p0 & 0x08) || !(p1 & 0x04) || !evex_maps[p0 & 7])
        return DECODE_UD;
    in->map = evex_maps[p0 & 7];
    read_rxb(d, p0);
    read_wvvvvlpp(d, p1);
    d->evex_r2 = !(p0 & 0x10);
    d->evex_x4 = d->rex_x;
    in->evex_z = p2 >> 7;
    in->vex_l = (p2 >> 5) & 3;
    in->evex_b = (p2 >> 4) & 1;
    in->evex_aaa = p2 & 7;
    if (!(p2 & 0x08)) /* V' */
        in->vvvv |= 0x10;
    if (in->mode != MODE_64) {
        /* only eight vector registers: R' is ignored, V' must select them (SDM 2.7.2) */
        if (!(p2 & 0x08))
            return DECODE_UD;
        d->evex_r2 = 0;
    }
    in->opcode = (uint8_t)take(d, 1);
    unsigned slot = in->map - MAP_EVEX_0F;
    *table = &optab_evex[slot][in->opcode];
    return DECODE_OK;
}

static enum decode_status read_xop(struct decoder *d, const struct optab **table)
{
    struct insn *in = d->insn;
    in->encoding = ENC_XOP;
    TRY(want(d, 3));
    uint8_t p0 = (uint8_t)take(d, 1);
    uint8_t p1 = (uint8_t)take(d, 1);
    unsigned m = p0 & 0x1f;
    if (m > 0xa) /* 0..7 never reach here: they are POP Ev */
        return DECODE_UD;
    read_rxb(d, p0);
    read_wvvvvlpp(d, p1);
    if (in->mandatory != MP_NONE) /* no XOP instruction has an implied prefix (pp = 00) */
        return DECODE_UD;
    in->map = (uint8_t)(MAP_XOP_8 + m - 8);
    in->opcode = (uint8_t)take(d, 1);
    *table = &optab_xop[m - 8][in->opcode];
    return DECODE_OK;
}

/* ---- ModRM, SIB, displacement ---- */

static enum decode_status read_modrm(struct decoder *d)
{
    struct insn *in = d->insn;
    if (d->modrm_read)
        return DECODE_OK;
    TRY(want(d, 1));
    in->modrm = (uint8_t)take(d, 1);
    in->has_modrm = true;
    d->modrm_read = true;
    in->mod = in->modrm >> 6;
    in->reg = (uint8_t)(((in->modrm >> 3) & 7) | d->rex_r << 3 | d->evex_r2 << 4);
    in->rm = (uint8_t)((in->modrm & 7) | d->rex_b << 3);
    if (in->mod == 3 && in->encoding == ENC_EVEX)
        in->rm |= (uint8_t)(d->evex_x4 << 4);
    return DECODE_OK;
}

/* Default segment of a memory operand: SS when based on rSP/rBP (not r12/r13), else DS;
 * an (effective) override replaces it. */
static void set_memory_segment(struct insn *in)
{
    if (in->prefixes & PFX_SEG)
        in->seg = in->seg_override;
    else if (in->base == GPR_SP || in->base == GPR_BP)
        in->seg = SEG_SS;
    else
        in->seg = SEG_DS;
}

static enum decode_status read_address(struct decoder *d)
{
    static const uint8_t base16[8] = { GPR_BX, GPR_BX, GPR_BP, GPR_BP,
                                       GPR_SI, GPR_DI, GPR_BP, GPR_BX };
    static const uint8_t index16[8] = { GPR_SI,   GPR_DI,   GPR_SI,   GPR_DI,
                                        GPR_NONE, GPR_NONE, GPR_NONE, GPR_NONE };
    struct insn *in = d->insn;
    unsigned rm = in->modrm & 7;

    if (d->address_read || in->mod == 3)
        return DECODE_OK;
    d->address_read = true;
    in->scale = 1;
    if (in->addrsize == 2) {
        in->base = base16[rm];
        in->index = index16[rm];
        if (in->mod == 0 && rm == 6) {
            in->base = GPR_NONE;
            in->disp_size = 2;
        }
        if (in->mod == 1)
            in->disp_size = 1;
        else if (in->mod == 2)
            in->disp_size = 2;
    } else {
        in->base = (uint8_t)(rm | d->rex_b << 3);
        if (rm == 4) {
            TRY(want(d, 1));
            in->sib = (uint8_t)take(d, 1);
            in->has_sib = true;
            unsigned index = ((in->sib >> 3) & 7) | d->rex_x << 3;
            in->index = index == GPR_SP ? GPR_NONE : (uint8_t)index;
            in->scale = (uint8_t)(1u << (in->sib >> 6));
            in->base = (uint8_t)((in->sib & 7) | d->rex_b << 3);
            if ((in->sib & 7) == 5 && in->mod == 0) {
                in->base = GPR_NONE;
                in->disp_size = 4;
            }
        } else if (rm == 5 && in->mod == 0) {
            in->base = GPR_NONE;
            in->disp_size = 4;
            in->rip_relative = in->mode == MODE_64;
        }
        if (in->mod == 1)
            in->disp_size = 1;
        else if (in->mod == 2)
            in->disp_size = 4;
    }
    set_memory_segment(in);
    if (in->disp_size) {
        TRY(want(d, in->disp_size));
        in->disp_offset = (uint8_t)d->pos;
        uint64_t raw = take(d, in->disp_size);
        in->disp = in->disp_size == 1   ? (int8_t)raw
                   : in->disp_size == 2 ? (int16_t)raw
                                        : (int32_t)(uint32_t)raw;
    }
    return DECODE_OK;
}

/* ---- sizes ---- */

/* Operand size as the prefixes give it (66, REX.W), before the row's F_DEF64/F_FORCE64. */
static unsigned prefix_operand_size(const struct decoder *d)
{
    const struct insn *in = d->insn;
    bool osize = (in->prefixes & PFX_OSIZE) && !d->osize_is_mandatory;
    switch (in->mode) {
    case MODE_64: return (in->rex & 8) ? 8 : osize ? 2 : 4;
    case MODE_32: return osize ? 2 : 4;
    default: return osize ? 4 : 2;
    }
}

static unsigned address_size(const struct insn *in)
{
    bool asize = (in->prefixes & PFX_ASIZE) != 0;
    switch (in->mode) {
    case MODE_64: return asize ? 4 : 8;
    case MODE_32: return asize ? 2 : 4;
    default: return asize ? 4 : 2;
    }
}

static unsigned size_index(unsigned bytes) /* 2, 4, 8 -> 0, 1, 2 */
{
    return bytes == 2 ? 0 : bytes == 4 ? 1 : 2;
}

/* EVEX register forms with b=1 carry rounding control in L'L: the vector length is 512. */
static unsigned vector_length(const struct insn *in)
{
    if (in->encoding == ENC_EVEX && in->evex_b && in->mod == 3)
        return 2;
    return in->vex_l;
}

unsigned insn_operand_bytes(const struct insn *in, enum operand_size size)
{
    unsigned vector = 16u << (in->vex_l > 2 ? 2 : in->vex_l);
    switch (size) {
    case SZ_b: return 1;
    case SZ_w: return 2;
    case SZ_d: return 4;
    case SZ_q: return 8;
    case SZ_v:
    case SZ_bs: return in->opsize; /* Ibs is sign-extended to the operand size */
    case SZ_z: return in->opsize == 2 ? 2 : 4;
    case SZ_y: return in->opsize == 8 ? 8 : 4;
    case SZ_p: return 2u + in->opsize;
    case SZ_a: return 2u * in->opsize;
    case SZ_s: return in->mode == MODE_64 ? 10 : 6;
    case SZ_dq: return 16;
    case SZ_qq: return 32;
    case SZ_x: return vector;
    case SZ_hx: return vector / 2;
    case SZ_qx: return vector / 4;
    case SZ_ox: return vector / 8;
    case SZ_t: return 10;
    case SZ_env: return in->opsize == 2 ? 14 : 28;
    case SZ_fsave: return in->opsize == 2 ? 94 : 108;
    case SZ_fxsave: return 512;
    default: return 0;
    }
}

/* The row says, or the default: 2 bytes in the FP16 maps, else 4 or 8 by W. */
unsigned insn_broadcast_bytes(const struct insn *in)
{
    unsigned element = in->row ? EVEX_ELEMENT_BYTES(in->row->evex_element) : 0;
    if (element)
        return element;
    if (in->map == MAP_EVEX_MAP5 || in->map == MAP_EVEX_MAP6)
        return 2;
    return in->vex_w ? 8 : 4;
}

/* EVEX disp8*N (SDM 2.7.5): an 8-bit displacement counts in units of the memory operand's
 * size, or of one element when broadcasting (or for Tuple1 Scalar rows). */
static int32_t compressed_displacement_scale(const struct insn *in, const struct optab *row)
{
    if (in->evex_b || (row->evex_element & EVEX_DISP8_BY_ELEMENT))
        return (int32_t)insn_broadcast_bytes(in);
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++) {
        if (kind_can_be_memory(OPND_KIND(row->opnd[i]))) {
            unsigned bytes = insn_operand_bytes(in, OPND_SIZE(row->opnd[i]));
            return bytes ? (int32_t)bytes : 1;
        }
    }
    return 1;
}

/* ---- the table walk ---- */

static enum decode_status find_row(struct decoder *d, const struct optab *entry,
                                   const struct optab **row)
{
    struct insn *in = d->insn;
    for (unsigned depth = 0; depth < MAX_SELECTOR_DEPTH; depth++) {
        unsigned index;
        switch (entry->sel) {
        case SEL_ROW: *row = entry; return DECODE_OK;
        case SEL_REG:
            TRY(read_modrm(d));
            index = (in->modrm >> 3) & 7;
            break;
        case SEL_RM:
            TRY(read_modrm(d));
            index = in->modrm & 7;
            break;
        case SEL_MOD:
            TRY(read_modrm(d));
            index = in->mod == 3;
            break;
        case SEL_PFX:
            index = in->mandatory;
            if (index == MP_66)
                d->osize_is_mandatory = true;
            break;
        case SEL_MODE: index = in->mode == MODE_64; break;
        case SEL_OSIZE: index = size_index(prefix_operand_size(d)); break;
        case SEL_ASIZE: index = size_index(address_size(in)); break;
        case SEL_W: index = in->vex_w; break;
        case SEL_L:
            if (in->encoding == ENC_EVEX)
                TRY(read_modrm(d));
            index = vector_length(in);
            break;
        case SEL_REXB: index = (in->rex & 1) != 0; break;
        case SEL_LINK: index = 0; break;
        case SEL_REP: index = in->mandatory == MP_F3 ? 1 : in->mandatory == MP_F2 ? 2 : 0; break;
        default: return DECODE_UD; /* SEL_INVALID */
        }
        if (index >= entry->children)
            return DECODE_UD;
        entry = &entry->next[index];
    }
    return DECODE_UD;
}

/* ---- the row: validity, sizes, address and immediates ---- */

/* The operand kinds of a row as a bit set, computed once per instruction so that the
 * checks below are mask tests rather than loops; the sets of kinds with a property, from
 * the kinds' table (optab.h). */
#define TEST_FIELD_(kind, field, file, registers, immediate, memory, value)                        \
    | ((field) == (value) ? KIND(OK_##kind) : 0)
#define MEMORY_ONLY_(...) TEST_FIELD_(__VA_ARGS__, AT_RM_MEM)
#define REGISTER_ONLY_(...) TEST_FIELD_(__VA_ARGS__, AT_RM_REG)
#define HAS_MISSING_REGISTERS_(kind, field, file, registers, ...)                                  \
    | ((registers) != 0 ? KIND(OK_##kind) : 0)
#define HAS_IMMEDIATE_(kind, field, file, registers, immediate, memory)                            \
    | ((immediate) != IMM_NONE ? KIND(OK_##kind) : 0)
#define GPR_IN_RM_(kind, field, file, registers, immediate, memory)                                \
    | ((file) == RF_GPR && ((field) == AT_RM || (field) == AT_RM_REG) ? KIND(OK_##kind) : 0)
/* the implicit memory that is DS:... unless a segment override names another */
#define DS_OVERRIDABLE_(memory)                                                                    \
    ((memory) == MEM_MOFFS || (memory) == MEM_RSI || (memory) == MEM_XLAT || (memory) == MEM_DS_RDI)
#define SEGMENT_DS_(kind, field, file, registers, immediate, memory)                               \
    | (DS_OVERRIDABLE_(memory) ? KIND(OK_##kind) : 0)
#define SEGMENT_ES_(kind, field, file, registers, immediate, memory)                               \
    | ((memory) == MEM_RDI ? KIND(OK_##kind) : 0)
static const uint64_t memory_only_kinds = KINDS_WHERE(MEMORY_ONLY_);
static const uint64_t register_only_kinds = KINDS_WHERE(REGISTER_ONLY_);
static const uint64_t kinds_with_missing_registers = KINDS_WHERE(HAS_MISSING_REGISTERS_);
static const uint64_t immediate_kinds = KINDS_WHERE(HAS_IMMEDIATE_);
static const uint64_t gpr_in_rm_kinds = KINDS_WHERE(GPR_IN_RM_);
static const uint64_t segment_ds_kinds = KINDS_WHERE(SEGMENT_DS_); /* overridable */
static const uint64_t segment_es_kinds = KINDS_WHERE(SEGMENT_ES_);

static uint64_t row_kinds(const struct optab *row)
{
    uint64_t kinds = 0;
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++)
        kinds |= KIND(OPND_KIND(row->opnd[i]));
    return kinds;
}

/* The VEX/EVEX/XOP field restrictions a row declares. */
static bool vector_fields_valid(const struct insn *in, const struct optab *row)
{
    uint32_t flags = row->flags;
    bool memory_destination = in->mod != 3 && kind_can_be_memory(OPND_KIND(row->opnd[0]));
    bool mode64 = in->mode == MODE_64;
    unsigned length = vector_length(in);
    /* EVEX register form with b = 1: embedded rounding / SAE; L'L is then no length */
    bool rounding = in->encoding == ENC_EVEX && in->evex_b && in->mod == 3;

    if ((flags & F_NO_VVVV) && in->vvvv != 0)
        return false;
    if ((flags & F_W0) && in->vex_w)
        return false;
    if ((flags & F_W1) && !in->vex_w)
        return false;
    if ((flags & F_W0_64) && mode64 && in->vex_w)
        return false;
    if (!rounding && !(flags & F_L_IGNORED)) {
        if ((flags & F_L0) && length != 0)
            return false;
        if ((flags & F_L1) && length != 1)
            return false;
    }
    if (in->encoding != ENC_EVEX)
        return true;
    if (rounding && !(flags & F_EVEX_ER_SAE))
        return false;
    if (!rounding && length == 3) /* L'L = 11b is reserved, even where L is ignored */
        return false;
    if (!rounding && (flags & F_EVEX_NO_L2) && length == 2)
        return false;
    /* zeroing-masking needs a mask register, and never applies to a memory destination */
    if (in->evex_z && (in->evex_aaa == 0 || memory_destination))
        return false;
    if ((flags & F_EVEX_NO_Z) && in->evex_z)
        return false;
    if ((flags & F_EVEX_NO_K) && in->evex_aaa)
        return false;
    if ((flags & F_EVEX_NEED_K) && !in->evex_aaa)
        return false;
    if ((flags & F_EVEX_NO_B) && in->evex_b && in->mod != 3) /* broadcast */
        return false;
    return true;
}

/* Gathers: #UD when the destination, the index and (VEX) the mask register are not all
 * different. Scatters (memory destination) have no such rule. */
static bool vsib_registers_distinct(const struct insn *in, const struct optab *row)
{
    if (OPND_KIND(row->opnd[0]) != OK_V)
        return true;
    if (in->reg == in->index)
        return false;
    if (in->encoding == ENC_VEX && (in->vvvv == in->reg || in->vvvv == in->index))
        return false;
    return true;
}

static unsigned immediate_size(const struct insn *in, uint16_t opnd)
{
    unsigned z = in->opsize == 2 ? 2 : 4;
    switch (operand_kind_of(opnd)->immediate) {
    case IMM_SIZED:
        switch (OPND_SIZE(opnd)) {
        case SZ_b:
        case SZ_bs: return 1;
        case SZ_w: return 2;
        case SZ_d: return 4;
        case SZ_q: return 8;
        case SZ_z: return z;
        case SZ_v: return in->opsize;
        default: return 0;
        }
    case IMM_BRANCH: return OPND_SIZE(opnd) == SZ_b ? 1 : z;
    case IMM_ADDRESS: return in->addrsize;
    case IMM_IS4: return 1;
    default: return 0;
    }
}

static enum decode_status read_immediate(struct decoder *d, unsigned size)
{
    struct insn *in = d->insn;
    TRY(want(d, size));
    if (in->imm_size == 0) {
        in->imm_offset = (uint8_t)d->pos;
        in->imm_size = (uint8_t)size;
        in->imm = take(d, size);
    } else {
        in->imm2_size = (uint8_t)size;
        in->imm2 = take(d, size);
    }
    return DECODE_OK;
}

static enum decode_status read_immediates(struct decoder *d, const struct optab *row,
                                          uint64_t kinds)
{
    struct insn *in = d->insn;
    if (!(kinds & immediate_kinds))
        return DECODE_OK;
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++) {
        if (operand_kind_of(row->opnd[i])->immediate == IMM_FAR) {
            /* far pointer: offset (imm) then selector (imm2) */
            TRY(read_immediate(d, in->opsize == 2 ? 2 : 4));
            TRY(read_immediate(d, 2));
            continue;
        }
        unsigned size = immediate_size(in, row->opnd[i]);
        if (size)
            TRY(read_immediate(d, size));
    }
    return DECODE_OK;
}

/* Register numbers an operand can encode but the CPU does not have are #UD (the kinds'
 * registers column, optab.h): control registers other than CR0, CR2-CR4, CR8; DR8-DR15;
 * opmask k8+ in ModRM.reg or vvvv (in r/m the CPU ignores VEX.B: checked on hardware); GPRs
 * 16-31 (EVEX.R'); bound registers other than BND0-BND3; AMX tiles tmm8+ or a tile named
 * twice. */
static bool registers_exist(const struct insn *in, const struct optab *row, uint64_t kinds)
{
    unsigned tiles_seen = 0;

    if (!(kinds & kinds_with_missing_registers))
        return true;
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++) {
        uint16_t opnd = row->opnd[i];
        const struct operand_kind_info *kind = operand_kind_of(opnd);
        unsigned number = operand_register_field(in, opnd);

        if (!kind->registers || operand_in_memory(in, opnd))
            continue;
        if (number >= 32 || !((kind->registers >> number) & 1))
            return false;
        if (kind->file == RF_TILE) { /* AMX: no tile named twice */
            if (tiles_seen & (1u << number))
                return false;
            tiles_seen |= 1u << number;
        }
    }
    return true;
}

/* F_DEST_DISTINCT rows (FP16 complex multiply-adds): #UD when the destination is also
 * one of the register sources. */
static bool destination_distinct(const struct insn *in)
{
    return in->reg != in->vvvv && (in->mod != 3 || in->reg != in->rm);
}

/* Segment of the implicit memory operand of rows without ModRM memory. */
static void set_implicit_segment(struct insn *in, uint64_t kinds)
{
    if (kinds & segment_ds_kinds)
        in->seg = (in->prefixes & PFX_SEG) ? in->seg_override : SEG_DS;
    else if (kinds & segment_es_kinds)
        in->seg = SEG_ES;
}

/* The #UD rules a row implies once ModRM (if any) is known: mode, memory/register form,
 * LOCK, VEX/EVEX/XOP fields, register numbers that do not exist. */
static bool row_valid(struct insn *in, const struct optab *row, uint64_t kinds)
{
    uint32_t flags = row->flags;
    bool mode64 = in->mode == MODE_64;

    if ((flags & F_NO64) && mode64)
        return false;
    if ((flags & F_ONLY64) && !mode64)
        return false;
    if (in->has_modrm) {
        bool memory_only = (flags & (F_MEMONLY | F_VSIB)) || (kinds & memory_only_kinds);
        bool register_only = (flags & F_REGONLY) || (kinds & register_only_kinds);
        if (in->mod == 3 ? memory_only : register_only)
            return false;
    }
    if ((in->prefixes & PFX_LOCK) && !((flags & F_LOCK) && in->has_modrm && in->mod != 3))
        return false;
    if (in->encoding != ENC_LEGACY && in->encoding != ENC_3DNOW) {
        if (!vector_fields_valid(in, row))
            return false;
        /* Outside 64-bit mode vvvv must still be 1111b where unused (checked above, as the
         * CPU does), but only its low three bits select a register. */
        if (!mode64)
            in->vvvv &= 7;
        if ((flags & F_DEST_DISTINCT) && !destination_distinct(in))
            return false;
    }
    return registers_exist(in, row, kinds);
}

static unsigned operand_size(struct decoder *d, uint32_t flags)
{
    const struct insn *in = d->insn;
    bool mode64 = in->mode == MODE_64;
    if (in->encoding != ENC_LEGACY && in->encoding != ENC_3DNOW)
        return mode64 && in->vex_w ? 8 : 4;
    if (flags & F_NO_REX_W_OSIZE)
        d->osize_is_mandatory = true;
    unsigned size = prefix_operand_size(d);
    /* Intel CPUs ignore 66 on near branches in 64-bit mode; AMD CPUs make them 16-bit */
    if (mode64 && (flags & F_FORCE64))
        return (d->options & DECODE_AMD_BRANCHES) && (flags & F_BRANCH) && size == 2 ? 2 : 8;
    if (mode64 && (flags & F_DEF64) && size == 4)
        return 8;
    return size;
}

static enum decode_status finish_row(struct decoder *d, const struct optab *row)
{
    struct insn *in = d->insn;
    uint32_t flags = row->flags;
    uint64_t kinds = row_kinds(row);

    in->row = row;
    in->mnemonic = (enum mnemonic)row->mnemonic;
    if ((flags & F_MODRM) || in->encoding == ENC_EVEX)
        TRY(read_modrm(d));
    if (flags & F_MOD_IS_REG) /* MOV CR/DR: the CPU ignores mod, r/m is a register */
        in->mod = 3;
    /* with a vector index, EVEX.V' extends the index register, not vvvv */
    uint8_t vsib_index_high = 0;
    if ((flags & F_VSIB) && in->encoding == ENC_EVEX) {
        vsib_index_high = in->vvvv & 0x10;
        in->vvvv &= 0xf;
    }
    if (!row_valid(in, row, kinds))
        return DECODE_UD;
    if (in->encoding == ENC_EVEX && in->mod == 3) {
        if (kinds & gpr_in_rm_kinds) /* a GPR in r/m: EVEX.X does not extend it */
            in->rm &= 15;
        if (in->evex_b) {
            in->evex_rc = in->vex_l; /* L'L is the rounding control, the length is 512 */
            in->vex_l = 2;
        }
    }
    in->opsize = (uint8_t)operand_size(d, flags);

    if (in->has_modrm) {
        TRY(read_address(d));
        if ((flags & F_VSIB) && !in->has_sib)
            return DECODE_UD;
        if ((flags & F_NO_RIP_RELATIVE) && in->rip_relative)
            return DECODE_UD;
        if (in->encoding == ENC_EVEX && in->disp_size == 1)
            in->disp *= compressed_displacement_scale(in, row);
        if (flags & F_VSIB) {
            /* the index is a vector register: all 32 encodings count (EVEX.V' is bit 4) */
            in->index = (uint8_t)(((in->sib >> 3) & 7) | d->rex_x << 3 | vsib_index_high);
            if (!vsib_registers_distinct(in, row))
                return DECODE_UD;
        }
    }
    if (in->seg == SEG_NONE)
        set_implicit_segment(in, kinds);
    return read_immediates(d, row, kinds);
}

/* ---- opcode and escapes ---- */

static enum decode_status read_3dnow(struct decoder *d, const struct optab **table)
{
    /* 0F 0F ModRM [SIB] [disp] suffix: the suffix byte is the opcode. */
    struct insn *in = d->insn;
    in->encoding = ENC_3DNOW;
    in->map = MAP_3DNOW;
    TRY(read_modrm(d));
    TRY(read_address(d));
    TRY(want(d, 1));
    in->opcode = (uint8_t)take(d, 1);
    *table = &optab_3dnow[in->opcode];
    return DECODE_OK;
}

static enum decode_status read_opcode(struct decoder *d, const struct optab **table)
{
    struct insn *in = d->insn;
    bool mode64 = in->mode == MODE_64;

    TRY(want(d, 1));
    uint8_t b = (uint8_t)take(d, 1);
    if (b == 0x0f) {
        TRY(want(d, 1));
        uint8_t b2 = (uint8_t)take(d, 1);
        if (b2 == 0x0f)
            return read_3dnow(d, table);
        if (b2 == 0x38 || b2 == 0x3a) {
            TRY(want(d, 1));
            in->opcode = (uint8_t)take(d, 1);
            in->map = b2 == 0x38 ? MAP_LEGACY_0F38 : MAP_LEGACY_0F3A;
            *table = b2 == 0x38 ? &optab_0f38[in->opcode] : &optab_0f3a[in->opcode];
            return DECODE_OK;
        }
        in->map = MAP_LEGACY_0F;
        in->opcode = b2;
        *table = &optab_0f[b2];
        return DECODE_OK;
    }
    if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
        /* Outside 64-bit mode C4/C5/62 are LES/LDS/BOUND unless the next byte has
         * mod = 11b (their register form, invalid for them). 8F is POP Ev unless the next
         * byte's low five bits (XOP map select) are >= 8, i.e. ModRM.reg != 0. */
        TRY(want(d, 1));
        uint8_t next = d->bytes[d->pos];
        bool escape = b == 0x8f ? (next & 0x1f) >= 8 : mode64 || (next & 0xc0) == 0xc0;
        if (escape) {
            if (legacy_prefix_conflicts(in))
                return DECODE_UD;
            d->rex_r = d->rex_x = d->rex_b = 0;
            return b == 0x62   ? read_evex(d, table)
                   : b == 0x8f ? read_xop(d, table)
                               : read_vex(d, b, table);
        }
    }
    in->map = MAP_LEGACY_1B;
    in->opcode = b;
    *table = &optab_1b[b];
    return DECODE_OK;
}

/* Every field in order: prefixes, opcode and escapes, the walk to the row, what the row
 * implies (ModRM, SIB, displacement, immediates). */
static enum decode_status decode_fields(struct decoder *d)
{
    const struct optab *entry, *row;
    TRY(read_prefixes(d));
    d->insn->addrsize = (uint8_t)address_size(d->insn);
    TRY(read_opcode(d, &entry));
    TRY(find_row(d, entry, &row));
    return finish_row(d, row);
}

enum decode_status decode_insn(enum cpu_mode mode, const uint8_t *bytes, size_t avail,
                               struct insn *out)
{
    return decode_insn_options(mode, 0, bytes, avail, out);
}

enum decode_status decode_insn_options(enum cpu_mode mode, unsigned options, const uint8_t *bytes,
                                       size_t avail, struct insn *out)
{
    struct decoder d = {
        .insn = out, .bytes = bytes, .avail = bytes ? avail : 0, .options = options
    };
    memset(out, 0, sizeof *out);
    out->mode = (uint8_t)mode;
    out->base = out->index = GPR_NONE;
    out->seg = SEG_NONE;
    enum decode_status status = decode_fields(&d);
    out->length = (uint8_t)d.pos;
    if (status != DECODE_OK) {
        out->row = NULL;
        out->mnemonic = MN_INVALID;
    }
    return status;
}
