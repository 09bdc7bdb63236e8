#include "exec/simd_check.h"

#include "exec/x87.h"
#include "core/xstate.h"

#include "optab.h"

/* The exceptions after #UD (whose rules simd_state_usable reads from the same rows). */
static const struct state_rules {
    bool ts_nm, pending_mf;
} rules[STATE_CLASS_COUNT] = {
#define STATE_ROW(class, cr4_, xcr0_, em, ts, mf)                                                  \
    [STATE_##class] = { .ts_nm = (ts), .pending_mf = (mf) },
    SIMD_STATE_CLASSES(STATE_ROW)
#undef STATE_ROW
};

/* The register files of the row's operands, as a set (bit = enum register_file). An MMX
 * r/m operand in memory names no MMX register: CVTPI2PS/CVTPI2PD xmm, m64 make no MMX
 * transition (SDM) and, measured on Zen 4, no #MF check with an x87 exception pending —
 * they complete — where their mm source form and CVTPS2PI mm, m64 are #MF. */
static unsigned operand_files(const struct insn *in)
{
    unsigned files = 0;
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++) {
        unsigned file = operand_kind_of(in->row->opnd[i])->file;
        if (file != RF_MMX || !operand_in_memory(in, in->row->opnd[i]))
            files |= 1u << file;
    }
    return files;
}

/* AMX: a tile operand, or one of the three forms that name none. */
static bool amx(const struct insn *in, unsigned files)
{
    return (files & 1u << RF_TILE) || in->mnemonic == MN_ldtilecfg ||
           in->mnemonic == MN_sttilecfg || in->mnemonic == MN_tilerelease;
}

enum simd_state_class simd_state_class(const struct insn *in)
{
    unsigned files = in->row ? operand_files(in) : 0;
    bool xmm = files & 1u << RF_VEC, mmx = files & 1u << RF_MMX;

    switch (in->encoding) {
    case ENC_EVEX: return STATE_EVEX;
    case ENC_VEX:
    case ENC_XOP:
        if (amx(in, files))
            return STATE_AMX;
        if (files & 1u << RF_MASK)
            return STATE_VEX_OPMASK;
        return xmm ? STATE_VEX : STATE_VEX_GPR;
    default:
        if (xmm)
            return mmx ? STATE_SSE_MMX : STATE_SSE;
        return mmx ? STATE_MMX : STATE_NONE;
    }
}

/* What vector register reg, `bytes` of it used, takes; `written` by a VEX/EVEX/XOP
 * instruction, which zeroes it up to MAXVL. */
static uint64_t vector_need(unsigned reg, unsigned bytes, bool written, uint64_t xcr0)
{
    uint64_t need = XS_SSE;

    if (reg >= 16)
        return need | XS_HI16_ZMM;
    if (bytes > 16 || written)
        need |= XS_AVX;
    if (bytes > 32 || (written && (xcr0 & XS_ZMM_HI256)))
        need |= XS_ZMM_HI256;
    return need;
}

/* Whether register operand n is written by a VEX, EVEX or XOP encoding: the destination,
 * and every vector register of a gather (its mask too). */
static bool vex_writes(const struct insn *in, unsigned n)
{
    if (in->encoding != ENC_VEX && in->encoding != ENC_EVEX && in->encoding != ENC_XOP)
        return false;
    return n == 0 || (in->row->flags & F_VSIB);
}

uint64_t simd_need(const struct insn *in, uint64_t xcr0)
{
    uint64_t need = in->encoding == ENC_EVEX && in->evex_aaa ? XS_OPMASK : 0;

    /* a VSIB index register, read at the vector length (its widest form) */
    if (in->row && (in->row->flags & F_VSIB))
        need |= vector_need(in->index, 16u << (in->vex_l & 3), false, xcr0);

    for (unsigned n = 0; in->row && n < 4 && in->row->opnd[n]; n++) {
        uint16_t d = in->row->opnd[n];
        if (operand_in_memory(in, d))
            continue;
        switch (operand_kind_of(d)->file) {
        case RF_MMX: need |= XS_X87; break;
        case RF_MASK: need |= XS_OPMASK; break;
        case RF_VEC:
            need |= vector_need(operand_register(in, d), insn_operand_bytes(in, OPND_SIZE(d)),
                                vex_writes(in, n), xcr0);
            break;
        default: break;
        }
    }
    return need;
}

/* Vendor-specific #UD of an encoding the decoder accepts (simd_profile.h). */
static bool profile_ud(const struct insn *in, const struct simd_profile *p)
{
    bool pextrd = in->mnemonic == MN_vpextrd || in->mnemonic == MN_vpinsrd;
    return pextrd && in->encoding == ENC_VEX && in->vex_w && in->mode != MODE_64 &&
           p->vex_w1_pextrd_ud_outside_64;
}

/* #UD: the prefix in this mode, or the class's CR0.EM, CR4 and XCR0 rules (CR0.TS set
 * aside: its #NM comes after every #UD). */
static bool state_ud(const struct simd_state *s, const struct insn *in, enum simd_state_class c)
{
    return simd_prefix_ud_in_mode(in, s->protected_mode, s->v86) ||
           !simd_state_usable(c, s->cr0 & ~(uint64_t)SIMD_CR0_TS, s->cr4, s->xcr0);
}

enum simd_check_result simd_check_state(const struct simd_state *s, const struct insn *in,
                                        const struct simd_profile *p)
{
    enum simd_state_class c = simd_state_class(in);
    const struct state_rules *r = &rules[c];

    if (profile_ud(in, p) || state_ud(s, in, c))
        return SIMD_STATE_UD;
    if (r->ts_nm && (s->cr0 & SIMD_CR0_TS))
        return SIMD_STATE_NM;
    if (r->pending_mf && x87_exception_pending(s->fcw, s->fsw))
        return SIMD_STATE_MF;
    return SIMD_STATE_OK;
}
