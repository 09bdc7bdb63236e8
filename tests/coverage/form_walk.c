/* The encodings to decode (form_walk.h). Each walk is the set of combinations of its
 * fields' values (an odometer over the fields), each combination made into bytes by the
 * walk's encoder. */
#include "form_walk.h"

#include <string.h>

#define MAX_FIELDS 10
#define SIB_RBX 0x23

struct walk_run {
    form_visit *visit;
    void *context;
    /* Encodes one combination (field values in the order of the walk's field counts) into
     * bytes; false when the combination is to be skipped. */
    bool (*encode)(const unsigned *field, uint8_t bytes[WALK_BYTES]);
};

static void each_combination(const struct walk_run *run, const unsigned *counts, unsigned n)
{
    unsigned field[MAX_FIELDS] = { 0 };

    for (;;) {
        uint8_t b[WALK_BYTES] = { 0 };
        unsigned i = n;
        if (run->encode(field, b))
            run->visit(run->context, b);
        while (i > 0 && ++field[i - 1] == counts[i - 1])
            field[--i] = 0; /* the last field turns fastest, as the innermost loop */
        if (i == 0)
            return;
    }
}

/* ModRM.reg (the opcode extension of the group opcodes) with r/m: [rbx] (mod 0, rm 3); with
 * rm 4, a SIB byte naming [rbx] without an index (as a VSIB byte: index register 4); or a
 * register (mod 3, rm 1), for the forms whose memory operand is implicit (VMASKMOVDQU). */
enum rm_kind { RM_RBX, RM_SIB, RM_REGISTER, RM_KINDS };

static uint8_t memory_modrm(unsigned reg, enum rm_kind rm)
{
    static const uint8_t rm_bits[RM_KINDS] = { 0x03, 0x04, 0xc1 };
    return (uint8_t)(reg << 3 | rm_bits[rm]);
}

/* fields: prefix, REX.W, map, opcode, ModRM (each memory ModRM over [rbx], and every
 * register form, where the implicit memory operands are) */
static bool encode_legacy(const unsigned *field, uint8_t b[WALK_BYTES])
{
    static const uint8_t prefixes[] = { 0, 0x66, 0xf3, 0xf2 };
    static const uint8_t escapes[4][2] = { { 0 }, { 0x0f }, { 0x0f, 0x38 }, { 0x0f, 0x3a } };
    static const uint8_t escape_len[4] = { 0, 1, 2, 2 };
    unsigned modrm = field[4], n = 0;

    if ((modrm & 0xc7) != 3 && modrm < 0xc0)
        return false;
    if (prefixes[field[0]])
        b[n++] = prefixes[field[0]];
    if (field[1])
        b[n++] = 0x48;
    memcpy(b + n, escapes[field[2]], escape_len[field[2]]);
    n += escape_len[field[2]];
    b[n++] = (uint8_t)field[3];
    b[n] = (uint8_t)modrm;
    return true;
}

void walk_legacy(bool mode64, form_visit *visit, void *context)
{
    const unsigned counts[] = { 4, mode64 ? 2 : 1, 4, 256, 256 };
    const struct walk_run run = { visit, context, encode_legacy };

    each_combination(&run, counts, sizeof counts / sizeof counts[0]);
}

static bool encode_3dnow(const unsigned *field, uint8_t b[WALK_BYTES])
{
    b[0] = b[1] = 0x0f;
    b[2] = memory_modrm(0, RM_RBX);
    b[3] = (uint8_t)field[0];
    return true;
}

void walk_3dnow(form_visit *visit, void *context)
{
    const unsigned counts[] = { 256 };
    const struct walk_run run = { visit, context, encode_3dnow };

    each_combination(&run, counts, 1);
}

/* vvvv is stored inverted: 1110b names register 1, 1111b none. */
static const uint8_t vvvv_bits[] = { 0x70, 0x78 };

/* fields: VEX or XOP, map (VEX 0F-0F3A, XOP 8-A), W, vvvv, L, pp, opcode, ModRM.reg, r/m.
 * VEX: C4 RXB.mmmmm W.vvvv.L.pp; XOP: 8F RXB.mmmmm W.vvvv.L.pp. */
static bool encode_vex_xop(const unsigned *field, uint8_t b[WALK_BYTES])
{
    unsigned xop = field[0], map = field[1] + 1;

    b[0] = xop ? 0x8f : 0xc4;
    b[1] = (uint8_t)(0xe0 | (xop ? map + 7 : map));
    b[2] = (uint8_t)(field[2] << 7 | vvvv_bits[field[3]] | field[4] << 2 | field[5]);
    b[3] = (uint8_t)field[6];
    b[4] = memory_modrm(field[7], (enum rm_kind)field[8]);
    b[5] = SIB_RBX;
    return true;
}

void walk_vex_xop(form_visit *visit, void *context)
{
    const unsigned counts[] = { 2, 3, 2, 2, 2, 4, 256, 8, RM_KINDS };
    const struct walk_run run = { visit, context, encode_vex_xop };

    each_combination(&run, counts, sizeof counts / sizeof counts[0]);
}

/* fields: map, W, vvvv, pp, L'L, broadcast, masking, opcode, ModRM.reg, r/m (memory).
 * 62, P0 = R X B R' 0 mmm (all four register extensions off: valid in 32-bit code too),
 * P1 = W vvvv 1 pp, P2 = z L'L b V' aaa (V' off). */
static bool encode_evex(const unsigned *field, uint8_t b[WALK_BYTES])
{
    static const uint8_t maps[] = { 1, 2, 3, 5, 6 };
    static const uint8_t masking[] = { 0x00, 0x01, 0x81 }; /* none, {k1}, {k1}{z} */

    b[0] = 0x62;
    b[1] = (uint8_t)(0xf0 | maps[field[0]]);
    b[2] = (uint8_t)(field[1] << 7 | vvvv_bits[field[2]] | 0x04 | field[3]);
    b[3] = (uint8_t)(field[4] << 5 | field[5] << 4 | 0x08 | masking[field[6]]);
    b[4] = (uint8_t)field[7];
    b[5] = memory_modrm(field[8], (enum rm_kind)field[9]);
    b[6] = SIB_RBX;
    return true;
}

void walk_evex(form_visit *visit, void *context)
{
    const unsigned counts[] = { 5, 2, 2, 4, 3, 2, 3, 256, 8, 2 };
    const struct walk_run run = { visit, context, encode_evex };

    each_combination(&run, counts, sizeof counts / sizeof counts[0]);
}
