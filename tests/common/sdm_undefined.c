#include "sdm_undefined.h"

#include "optab.h"

enum { CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800 };
#define ARITH (CF | PF | AF | ZF | SF | OF)

/* How a row's undefined flags depend on the run. */
enum rule_kind {
    ALWAYS,       /* flags */
    SHIFT,        /* count != 0: AF; count > 1: OF; count >= width: flags (SHL/SHR: CF) */
    ROTATE,       /* count > 1: OF */
    DOUBLE_SHIFT, /* count != 0: AF; count > 1: OF; count > width: all, and the result */
    BIT_SCAN,     /* flags; the result when the source is zero */
};

static const struct {
    enum mnemonic mnemonic;
    enum rule_kind kind;
    uint64_t flags;
} rules[] = {
    { MN_and, ALWAYS, AF },
    { MN_or, ALWAYS, AF },
    { MN_xor, ALWAYS, AF },
    { MN_test, ALWAYS, AF },
    { MN_shl, SHIFT, CF },
    { MN_shr, SHIFT, CF },
    { MN_sar, SHIFT, 0 },
    { MN_rol, ROTATE, 0 },
    { MN_ror, ROTATE, 0 },
    { MN_rcl, ROTATE, 0 },
    { MN_rcr, ROTATE, 0 },
    { MN_shld, DOUBLE_SHIFT, 0 },
    { MN_shrd, DOUBLE_SHIFT, 0 },
    { MN_mul, ALWAYS, SF | ZF | AF | PF },
    { MN_imul, ALWAYS, SF | ZF | AF | PF },
    { MN_div, ALWAYS, ARITH },
    { MN_idiv, ALWAYS, ARITH },
    { MN_bt, ALWAYS, OF | SF | AF | PF },
    { MN_bts, ALWAYS, OF | SF | AF | PF },
    { MN_btr, ALWAYS, OF | SF | AF | PF },
    { MN_btc, ALWAYS, OF | SF | AF | PF },
    { MN_bsf, BIT_SCAN, CF | OF | SF | AF | PF },
    { MN_bsr, BIT_SCAN, CF | OF | SF | AF | PF },
    { MN_tzcnt, ALWAYS, OF | SF | AF | PF },
    { MN_lzcnt, ALWAYS, OF | SF | AF | PF },
    { MN_andn, ALWAYS, AF | PF },
    { MN_blsi, ALWAYS, AF | PF },
    { MN_blsmsk, ALWAYS, AF | PF },
    { MN_blsr, ALWAYS, AF | PF },
    { MN_bzhi, ALWAYS, AF | PF },
    { MN_bextr, ALWAYS, AF | SF | PF },
    { MN_aaa, ALWAYS, OF | SF | ZF | PF },
    { MN_aas, ALWAYS, OF | SF | ZF | PF },
    { MN_daa, ALWAYS, OF },
    { MN_das, ALWAYS, OF },
    { MN_aam, ALWAYS, OF | AF | CF },
    { MN_aad, ALWAYS, OF | AF | CF },
};

/* The destination's size: the first operand's size code resolved. */
static unsigned destination_size(const struct insn *in)
{
    switch (OPND_SIZE(in->row->opnd[0])) {
    case SZ_b: return 1;
    case SZ_w: return 2;
    case SZ_d: return 4;
    case SZ_q: return 8;
    case SZ_y: return in->opsize == 8 ? 8 : 4;
    default: return in->opsize;
    }
}

struct insn_facts insn_facts_from(const struct insn *in)
{
    struct insn_facts facts;

    facts.mnemonic = in->mnemonic;
    facts.size = destination_size(in);
    facts.fixed_count = -1;
    facts.destination_gpr = OPND_KIND(in->row->opnd[0]) == OK_G ? in->reg
                            : in->mod == 3                      ? in->rm
                                                                : -1;
    if (in->imm_size)
        facts.fixed_count = (int)(in->imm & 0xff);
    else if (in->map == MAP_LEGACY_1B && (in->opcode == 0xd0 || in->opcode == 0xd1))
        facts.fixed_count = 1;
    return facts;
}

bool insn_facts_of(const uint8_t *bytes, size_t length, struct insn_facts *facts)
{
    struct insn in;

    if (decode_insn(MODE_64, bytes, length, &in) != DECODE_OK || in.length != length)
        return false;
    *facts = insn_facts_from(&in);
    return true;
}

struct sdm_undefined sdm_undefined_of(const struct insn_facts *facts, uint64_t rcx,
                                      bool zero_source)
{
    struct sdm_undefined u = { 0, false };
    unsigned bits = facts->size * 8;
    unsigned count = facts->fixed_count >= 0 ? (unsigned)facts->fixed_count : (unsigned)rcx & 0xff;

    count &= facts->size == 8 ? 63 : 31;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].mnemonic != facts->mnemonic)
            continue;
        switch (rules[i].kind) {
        case ALWAYS: u.flags = rules[i].flags; break;
        case SHIFT:
            u.flags =
                (count ? AF : 0) | (count > 1 ? OF : 0) | (count >= bits ? rules[i].flags : 0);
            break;
        case ROTATE: u.flags = count > 1 ? OF : 0; break;
        case DOUBLE_SHIFT:
            u.result = count > bits;
            u.flags = u.result ? ARITH : (count ? AF : 0) | (count > 1 ? OF : 0);
            break;
        case BIT_SCAN:
            u.flags = rules[i].flags;
            u.result = zero_source;
            break;
        }
    }
    return u;
}
