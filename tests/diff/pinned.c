#include "pinned.h"

#include <string.h>

#include "core/vcpu.h"

/* The probes (docs/simd-moves.md, "The CPU's rules at the edges") ran each instruction with
 * every offset near the edge and every single-element mask; these are one case per rule. */
/* clang-format off */
const struct pinned_case pinned_cases[] = {
    { 32, { 0x62, 0xf1, 0x7f, 0x49, 0x7f, 0x00 }, 6, 0xfffffff9, false, UINT64_C(1) << 44, false, EXC_GP,
      "a masked 64-byte store at offset FFFFFFF9h: its upper half starts past 4 GiB, not at it, "
      "so its one enabled byte (44) is past 4 GiB: #GP" },
    { 32, { 0x62, 0xf1, 0x7f, 0x49, 0x7f, 0x00 }, 6, 0xffffffe0, false, ~UINT64_C(0), false, PINNED_COMPLETES,
      "a masked 64-byte store split exactly at 4 GiB: its upper half starts again at offset 0 "
      "and it completes" },
    { 32, { 0x62, 0xf1, 0x7f, 0x49, 0x7f, 0x00 }, 6, 0xffffffdf, false, UINT64_C(1) << 33, false, EXC_GP,
      "a masked 64-byte store at FFFFFFDFh: byte 33 of its upper half is past 4 GiB: #GP" },
    { 32, { 0x62, 0xf1, 0x7f, 0x48, 0x7f, 0x00 }, 6, 0xffffffe0, false, 0, false, PINNED_COMPLETES,
      "a 64-byte store without an opmask split exactly at 4 GiB completes" },
    { 32, { 0x62, 0xf1, 0x7f, 0x49, 0x6f, 0x00 }, 6, 0xffffffe0, false, UINT64_C(1) << 32, false, EXC_GP,
      "a masked 64-byte load is not split: at FFFFFFE0h its byte 32 is past 4 GiB: #GP" },
    { 64, { 0x65, 0x62, 0xf1, 0xfe, 0x49, 0x6f, 0x00 }, 7, UINT64_C(0xffff7ffffffffffd), false, 0x90, true, EXC_GP,
      "AMD checks the offset from GS for canonical form too: the enabled elements of this "
      "masked load are canonical, their offsets not: #GP before #AC" },
    { 64, { 0x62, 0xf1, 0xfe, 0x49, 0x6f, 0x00 }, 6, UINT64_C(0xffff7ffffffffffd), false, 0x90, true, EXC_AC,
      "without a segment base the masked-off non-canonical start is not checked: #AC" },
    { 64, { 0x65, 0x48, 0x8b, 0x00 }, 4, UINT64_C(0xffff800000000010), false, 0, false, EXC_GP,
      "AMD: MOV from a canonical linear address reached by a non-canonical offset from GS is #GP" },
    { 64, { 0x65, 0x48, 0x0f, 0xa3, 0x08 }, 5, UINT64_C(0xffff800000000010), true, 0, false, EXC_GP,
      "AMD: BT's offset moved by its bit offset to a non-canonical one from GS is #GP" },
};
/* clang-format on */
const unsigned pinned_count = sizeof pinned_cases / sizeof pinned_cases[0];

/* The operand's offset and where its registers put it: rAX, or for BT rAX = 10h plus
 * 8 * (rCX >> 6). */
static void place_operand(const struct pinned_case *c, struct state *s)
{
    bool gs = c->bytes[0] == 0x65; /* 64-bit code: DS has no base, GS the buffer's */
    uint64_t offset = c->bits == 32 || !gs ? c->address : c->address - s->seg[NSEG_GS].base;

    s->gpr[GPR_AX] = offset;
    s->gpr[GPR_CX] = 0;
    if (c->bit_offset) {
        s->gpr[GPR_AX] = 0x10;
        s->gpr[GPR_CX] = (uint64_t)((int64_t)(offset - 0x10) / 8 * 64);
    }
    s->target = c->bits == 64 ? c->address : (s->seg[NSEG_DS].base + offset) & 0xffffffffu;
}

bool pinned_state(unsigned i, struct case_encoding *e, struct state *s)
{
    const struct pinned_case *c = &pinned_cases[i];
    struct rng r = { 0x9e3779b97f4a7c15u * (i + 1) };
    enum cpu_mode mode = c->bits == 64 ? MODE_64 : MODE_32;

    memset(e, 0, sizeof *e);
    memcpy(e->bytes, c->bytes, c->length);
    if (decode_insn(mode, e->bytes, c->length, &e->insn) != DECODE_OK)
        return false;
    e->length = e->insn.length;
    if (!synth_state(&r, e, 0, false, s))
        return false;
    if (c->bits == 32)
        s->seg[NSEG_DS] = data_segment(32, 2);
    place_operand(c, s);
    s->rflags = USER_RFLAGS | (c->ac ? FL_AC : 0);
    s->vec.k[1] = c->k1;
    s->gva_valid = false;
    s->bytes_given = e->length;
    return true;
}

int pinned_cpu_outcome(const struct case_encoding *e, const struct state *s)
{
    struct native_result nr;
    struct vecstate after;

    native_place(s->bits, e->bytes, e->length);
    if (!native_run_state(s, &nr, &after))
        return -2;
    return nr.faulted ? nr.vector : PINNED_COMPLETES;
}
