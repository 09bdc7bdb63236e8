/* FXSAVE, FXRSTOR, LDMXCSR, STMXCSR (x87_fxsave.h). */
#include "exec/x87_fxsave.h"

#include <string.h>

#include "exec/operand.h"

/* Where FXSAVE puts things (SDM vol. 1 Tables 10-2 and 10-3). */
enum {
    FX_FCW = 0,
    FX_FSW = 2,
    FX_FTW = 4,
    FX_FOP = 6,
    FX_FIP = 8,
    FX_FDP = 16,
    FX_MXCSR = 24,
    FX_MXCSR_MASK = 28,
    FX_ST = 32, /* eight 16-byte slots, 10 bytes used */
    FX_XMM = 160,
    FX_SLOT = 16,
};

/* A pointer and its selector: 64-bit format, the whole offset; 32-bit format, offset 31:0,
 * selector 47:32, two zero bytes. */
static void store_pointer(uint8_t *at, bool rex_w, uint64_t offset, uint16_t selector)
{
    store_le(at, 8, rex_w ? offset : (uint32_t)offset | (uint64_t)selector << 32);
}

/* The 64-bit format has no selector: FXRSTOR64 loads FCS and FDS as 0 (measured: FNSTENV
 * after it stores 0000H). */
static void load_pointer(const uint8_t *at, bool rex_w, uint64_t *offset, uint16_t *selector)
{
    uint64_t value = load_le(at, 8);

    *offset = rex_w ? value : (uint32_t)value;
    *selector = rex_w ? 0 : (uint16_t)(value >> 32);
}

void fxsave_image_store(const struct fxsave_state *s, bool rex_w, uint8_t image[FXSAVE_BYTES])
{
    memset(image, 0, FXSAVE_BYTES);
    store_le(image + FX_FCW, 2, s->fcw);
    store_le(image + FX_FSW, 2, s->fsw);
    image[FX_FTW] = s->ftw;
    store_le(image + FX_FOP, 2, s->fop & 0x7ffu);
    store_pointer(image + FX_FIP, rex_w, s->fip, s->fcs);
    store_pointer(image + FX_FDP, rex_w, s->fdp, s->fds);
    store_le(image + FX_MXCSR, 4, s->mxcsr);
    store_le(image + FX_MXCSR_MASK, 4, s->mxcsr_mask);
    for (unsigned j = 0; j < 8; j++)
        memcpy(image + FX_ST + FX_SLOT * j, s->st[j], sizeof s->st[j]);
    for (unsigned i = 0; i < 16; i++)
        memcpy(image + FX_XMM + FX_SLOT * i, s->xmm[i], sizeof s->xmm[i]);
}

void fxsave_image_load(struct fxsave_state *s, bool rex_w, const uint8_t image[FXSAVE_BYTES])
{
    s->fcw = (uint16_t)load_le(image + FX_FCW, 2);
    s->fsw = (uint16_t)load_le(image + FX_FSW, 2);
    s->ftw = image[FX_FTW];
    s->fop = (uint16_t)load_le(image + FX_FOP, 2);
    load_pointer(image + FX_FIP, rex_w, &s->fip, &s->fcs);
    load_pointer(image + FX_FDP, rex_w, &s->fdp, &s->fds);
    s->mxcsr = (uint32_t)load_le(image + FX_MXCSR, 4);
    s->mxcsr_mask = (uint32_t)load_le(image + FX_MXCSR_MASK, 4);
    for (unsigned j = 0; j < 8; j++)
        memcpy(s->st[j], image + FX_ST + FX_SLOT * j, sizeof s->st[j]);
    for (unsigned i = 0; i < 16; i++)
        memcpy(s->xmm[i], image + FX_XMM + FX_SLOT * i, sizeof s->xmm[i]);
}

/* ---- the SDK's register names ---- */

/* The image bytes of name X87_SDK_FIRST + i: Xmm0-15, FpMmx0-7, then the two control and
 * status registers at the start. */
static unsigned image_offset_of(unsigned i)
{
    if (i < 16)
        return FX_XMM + FX_SLOT * i;
    if (i < 24)
        return FX_ST + FX_SLOT * (i - 16);
    return FX_SLOT * (i - 24);
}

void fxsave_state_from_registers(struct fxsave_state *s, const WHV_REGISTER_VALUE *values,
                                 bool mode64)
{
    uint8_t image[FXSAVE_BYTES] = { 0 };

    for (unsigned i = 0; i < X87_SDK_COUNT; i++) {
        store_le(image + image_offset_of(i), 8, values[i].Reg128.Low64);
        store_le(image + image_offset_of(i) + 8, 8, values[i].Reg128.High64);
    }
    fxsave_image_load(s, mode64, image);
}

void fxsave_state_to_registers(const struct fxsave_state *s, WHV_REGISTER_VALUE *values,
                               bool mode64)
{
    uint8_t image[FXSAVE_BYTES];

    fxsave_image_store(s, mode64, image);
    for (unsigned i = 0; i < X87_SDK_COUNT; i++) {
        values[i].Reg128.Low64 = load_le(image + image_offset_of(i), 8);
        values[i].Reg128.High64 = load_le(image + image_offset_of(i) + 8, 8);
    }
}

#define SDK_CONTROL X87_SDK_BIT(WHvX64RegisterFpControlStatus)
#define SDK_POINTERS (SDK_CONTROL | X87_SDK_BIT(WHvX64RegisterXmmControlStatus))
#define SDK_FP_REGISTERS (0xffu << (WHvX64RegisterFpMmx0 - X87_SDK_FIRST))
#define SDK_ALL ((UINT32_C(1) << X87_SDK_COUNT) - 1)

uint32_t x87_sdk_registers(const struct insn *in)
{
    const struct x87_form *f = x87_form_of(in);
    enum fxsave_form fx = fxsave_form_of(in);

    if (fx == FX_FXSAVE || fx == FX_FXRSTOR)
        return SDK_ALL;
    if (fx != FX_NONE)
        return X87_SDK_BIT(WHvX64RegisterXmmControlStatus);
    if (!f)
        return 0;
    if (f->kind == X87_FLDCW || f->kind == X87_FNSTCW || f->kind == X87_FNSTSW)
        return SDK_CONTROL;
    return SDK_POINTERS | SDK_FP_REGISTERS;
}

/* ---- the instructions ---- */

enum fxsave_form fxsave_form_of(const struct insn *in)
{
    switch (in->mod == 3 ? MN_INVALID : in->mnemonic) {
    case MN_fxsave:
    case MN_fxsave64: return FX_FXSAVE;
    case MN_fxrstor:
    case MN_fxrstor64: return FX_FXRSTOR;
    case MN_ldmxcsr:
    case MN_vldmxcsr: return FX_LDMXCSR;
    case MN_stmxcsr:
    case MN_vstmxcsr: return FX_STMXCSR;
    default: return FX_NONE;
    }
}

unsigned fxsave_operand_bytes(enum fxsave_form f)
{
    return f == FX_FXSAVE || f == FX_FXRSTOR ? FXSAVE_BYTES : f == FX_NONE ? 0 : 4;
}

bool fxsave_form_reads(enum fxsave_form f)
{
    return f == FX_FXRSTOR || f == FX_LDMXCSR;
}

/* XCR0's SSE and AVX state, which VEX forms need enabled. */
#define XCR0_SSE_AVX 0x6u

static bool state_ud(const struct x87_request *rq, enum fxsave_form f)
{
    if (f == FX_FXSAVE || f == FX_FXRSTOR)
        return (rq->cr0 & X87_CR0_EM) != 0;
    if (rq->insn->encoding == ENC_VEX)
        return !(rq->cr4 & X87_CR4_OSXSAVE) || (rq->xcr0 & XCR0_SSE_AVX) != XCR0_SSE_AVX;
    return (rq->cr0 & X87_CR0_EM) || !(rq->cr4 & X87_CR4_OSFXSR);
}

enum x87_check fxsave_check(const struct x87_request *rq)
{
    enum fxsave_form f = fxsave_form_of(rq->insn);

    if (f == FX_NONE || state_ud(rq, f))
        return X87_UD;
    return (rq->cr0 & X87_CR0_TS) ? X87_NM : X87_RUNS;
}

struct fxsave_rules fxsave_rules_of(const struct x87_request *rq)
{
    bool mode64 = rq->site.mode == X87_LONG64;
    bool rex_w = rq->insn->mnemonic == MN_fxsave64 || rq->insn->mnemonic == MN_fxrstor64;
    struct fxsave_rules r = { rex_w, mode64, (rq->cr4 & X87_CR4_OSFXSR) != 0,
                              mode64 && rq->cpl == 0 && (rq->efer & X87_EFER_FFXSR), rq->profile };
    return r;
}

/* The XMM registers FXSAVE and FXRSTOR move: 16 in 64-bit mode, 8 else, none without
 * CR4.OSFXSR or with the fast forms. */
static unsigned xmm_count(const struct fxsave_rules *r)
{
    if (!r->osfxsr || r->fast)
        return 0;
    return r->mode64 ? 16 : 8;
}

unsigned x87_fxsave(const struct fxsave_state *s, const struct fxsave_rules *r,
                    uint8_t image[FXSAVE_BYTES])
{
    struct fxsave_state saved = *s;

    if (r->profile.fxsave_pointers_need_es && !(s->fsw & FSW_ES)) {
        saved.fop = 0;
        saved.fip = saved.fdp = 0;
        saved.fcs = saved.fds = 0;
    }
    fxsave_image_store(&saved, r->rex_w, image);
    return FX_XMM + FX_SLOT * xmm_count(r);
}

static uint32_t mxcsr_mask_of(const struct fxsave_state *s)
{
    return s->mxcsr_mask ? s->mxcsr_mask : MXCSR_DEFAULT_MASK;
}

bool x87_fxrstor(struct fxsave_state *s, const struct fxsave_rules *r,
                 const uint8_t image[FXSAVE_BYTES])
{
    struct fxsave_state loaded;

    fxsave_image_load(&loaded, r->rex_w, image);
    if (loaded.mxcsr & ~mxcsr_mask_of(s))
        return false;
    s->fcw = x87_loaded_fcw(&r->profile, loaded.fcw);
    s->fsw = x87_consistent_fsw(s->fcw, loaded.fsw);
    s->ftw = loaded.ftw;
    s->fop = loaded.fop & 0x7ffu;
    s->fip = r->rex_w ? x87_loaded_pointer(&r->profile, loaded.fip) : loaded.fip;
    s->fdp = r->rex_w ? x87_loaded_pointer(&r->profile, loaded.fdp) : loaded.fdp;
    s->fcs = loaded.fcs;
    s->fds = loaded.fds;
    memcpy(s->st, loaded.st, sizeof s->st);
    s->mxcsr = loaded.mxcsr;
    memcpy(s->xmm, loaded.xmm, sizeof s->xmm[0] * xmm_count(r));
    return true;
}

bool x87_ldmxcsr(struct fxsave_state *s, const uint8_t value[4])
{
    uint32_t mxcsr = (uint32_t)load_le(value, 4);

    if (mxcsr & ~mxcsr_mask_of(s))
        return false;
    s->mxcsr = mxcsr;
    return true;
}

void x87_stmxcsr(const struct fxsave_state *s, uint8_t value[4])
{
    store_le(value, 4, s->mxcsr);
}

struct x87_outcome fxsave_execute(const struct x87_request *rq, struct fxsave_state *s,
                                  uint8_t *operand)
{
    struct fxsave_rules r = fxsave_rules_of(rq);
    struct x87_outcome o = { X87_RUNS, false, 0 };

    switch (fxsave_form_of(rq->insn)) {
    case FX_FXSAVE: o.written = x87_fxsave(s, &r, operand); break;
    case FX_FXRSTOR: o.check = x87_fxrstor(s, &r, operand) ? X87_RUNS : X87_GP; break;
    case FX_LDMXCSR: o.check = x87_ldmxcsr(s, operand) ? X87_RUNS : X87_GP; break;
    case FX_STMXCSR: x87_stmxcsr(s, operand), o.written = 4; break;
    default: o.unsupported = true; break;
    }
    return o;
}
