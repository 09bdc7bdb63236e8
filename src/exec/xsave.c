/* XSAVE, XSAVEOPT, XSAVEC, XSAVES, XRSTOR and XRSTORS (REX.W too) through the API, on the
 * guest's XSAVE area from the extended-state extension (core/xstate.h), which holds every
 * component, x87 and SSE included: an instruction of this family always needs it.
 *
 * Sources: SDM vol. 1 ch. 13 (§13.4 the area, §13.6 XINUSE, §13.7-13.12 the operation of
 * each instruction), vol. 2 XSAVE*, XRSTOR*. The legacy region is FXSAVE's image, built and
 * read by x87_fxsave.c's code. docs/xsave.md says what was chosen where the architecture
 * leaves a choice (XINUSE as the area shows it, no init or modified optimisation for
 * XSAVEOPT) and what was measured on this CPU (alignment #GP before #AC, the pages). */
#include <string.h>

#include "core/bytes.h"
#include "core/regcache.h"
#include "core/xstate.h"
#include "exec/exec.h"
#include "exec/x87.h"
#include "exec/x87_fxsave.h"

enum xsave_kind { XK_SAVE, XK_SAVEOPT, XK_SAVEC, XK_SAVES, XK_RSTOR, XK_RSTORS };

static const struct xsave_form {
    uint16_t mnemonic;
    uint8_t kind;
    bool rex_w;
} xsave_forms[] = {
    { MN_xsave, XK_SAVE, false },        /* NP 0F AE /4 XSAVE mem */
    { MN_xsave64, XK_SAVE, true },       /* NP REX.W 0F AE /4 XSAVE64 mem */
    { MN_xsaveopt, XK_SAVEOPT, false },  /* NP 0F AE /6 XSAVEOPT mem */
    { MN_xsaveopt64, XK_SAVEOPT, true }, /* NP REX.W 0F AE /6 XSAVEOPT64 mem */
    { MN_xsavec, XK_SAVEC, false },      /* NP 0F C7 /4 XSAVEC mem */
    { MN_xsavec64, XK_SAVEC, true },     /* NP REX.W 0F C7 /4 XSAVEC64 mem */
    { MN_xsaves, XK_SAVES, false },      /* NP 0F C7 /5 XSAVES mem */
    { MN_xsaves64, XK_SAVES, true },     /* NP REX.W 0F C7 /5 XSAVES64 mem */
    { MN_xrstor, XK_RSTOR, false },      /* NP 0F AE /5 XRSTOR mem */
    { MN_xrstor64, XK_RSTOR, true },     /* NP REX.W 0F AE /5 XRSTOR64 mem */
    { MN_xrstors, XK_RSTORS, false },    /* NP 0F C7 /3 XRSTORS mem */
    { MN_xrstors64, XK_RSTORS, true },   /* NP REX.W 0F C7 /3 XRSTORS64 mem */
};

#define CR0_TS (1u << 3)
#define CR4_OSXSAVE (1u << 18)
#define XAREA_ALIGN 64u
#define HEADER_BYTES 64u
#define LEGACY_READ 416u /* bytes 511:416 are not XSAVE's (SDM vol. 1 §13.4.1) */

/* Where the legacy components lie in the image (SDM vol. 1 §13.4.1): x87 bytes 23:0 and
 * 159:32, MXCSR and MXCSR_MASK 31:24, the XMM registers from 160. */
enum { X87_LOW_END = 24, X87_HIGH = 32, XMM_START = 160 };

/* One instruction of the family, its operand and what it works on. */
struct xsave_op {
    const struct xsave_form *form;
    enum segreg seg;
    uint64_t offset;
    unsigned addrsize;
    uint64_t rfbm;   /* requested-feature bitmap */
    uint64_t xinuse; /* as the area shows it (docs/xsave.md) */
    bool mode64;
    uint32_t place[64]; /* each component's offset in the memory image */
    uint64_t end;       /* the image's extent */
};

static const struct xsave_form *form_of(const struct insn *in)
{
    for (size_t k = 0; k < sizeof xsave_forms / sizeof *xsave_forms; k++)
        if (xsave_forms[k].mnemonic == in->mnemonic)
            return &xsave_forms[k];
    return NULL;
}

static bool supervisor(const struct xsave_form *f)
{
    return f->kind == XK_SAVES || f->kind == XK_RSTORS;
}

static bool restores(const struct xsave_form *f)
{
    return f->kind == XK_RSTOR || f->kind == XK_RSTORS;
}

/* XSAVEC and XSAVES: the compacted format, and the init optimisation (a component whose
 * XINUSE bit is 0 is not written) — which they always use here, as the SDM lets them. */
static bool compacting(const struct xsave_form *f)
{
    return f->kind == XK_SAVEC || f->kind == XK_SAVES;
}

/* ---- the checks before the area ---- */

/* #UD without CR4.OSXSAVE (LOCK is the decoder's), #NM with CR0.TS, #GP(0) for XSAVES and
 * XRSTORS at CPL > 0: the order of the SDM's lists (vol. 1 §13.7-13.12). */
static enum exec_result state_checks(struct vcpu *cpu, const struct xsave_form *f)
{
    if (!(reg_get(cpu, R_CR4) & CR4_OSXSAVE))
        return raise_fault(cpu, EXC_UD, false, 0);
    if (reg_get(cpu, R_CR0) & CR0_TS)
        return raise_fault(cpu, EXC_NM, false, 0);
    if (supervisor(f) && cpu->cpl != 0)
        return raise_fault(cpu, EXC_GP, true, 0);
    return EXEC_OK;
}

/* RFBM: EDX:EAX & XCR0, | IA32_XSS for the supervisor forms (fetched by those alone, after
 * their CPL check: a second Get, the price of keeping XSS out of every other set). */
static uint64_t rfbm_of(struct vcpu *cpu, const struct xsave_form *f)
{
    uint64_t mask = (reg_get(cpu, R_RDX) & 0xffffffffu) << 32 | (reg_get(cpu, R_RAX) & 0xffffffffu);
    uint64_t enabled = reg_get(cpu, R_XCR0);

    if (supervisor(f))
        enabled |= reg_get(cpu, R_XSS);
    return mask & enabled;
}

/* ---- the operand ---- */

/* The whole image's segment checks; the alignment #GP(0) — before #AC: measured, a
 * misaligned area with CR0.AM and RFLAGS.AC at CPL 3 is #GP here (docs/xsave.md). */
static enum exec_result check_area(struct vcpu *cpu, const struct xsave_op *op, unsigned access)
{
    uint64_t linear;
    enum exec_result r = mmu_linear(cpu, op->seg, op->offset, (unsigned)op->end, access, &linear);

    if (r == EXEC_OK && (linear & (XAREA_ALIGN - 1)))
        return raise_fault(cpu, EXC_GP, true, 0);
    return r;
}

static uint64_t operand_offset(const struct xsave_op *op, uint64_t at)
{
    return (op->offset + at) & size_mask(op->addrsize);
}

/* Every page of the image before the first access: the first byte's, the last byte's, then
 * those between (measured: with the last page unmapped, CR2 is the image's last byte). */
static enum exec_result probe_pages(struct vcpu *cpu, const struct xsave_op *op, unsigned access)
{
    enum exec_result r = mmu_probe(cpu, op->seg, op->offset, 1, access | MMU_NO_ALIGN_CHECK);

    if (r == EXEC_OK)
        r = mmu_probe(cpu, op->seg, operand_offset(op, op->end - 1), 1,
                      access | MMU_NO_ALIGN_CHECK);
    for (uint64_t at = 4096; r == EXEC_OK && at < op->end - 1; at += 4096)
        r = mmu_probe(cpu, op->seg, operand_offset(op, at), 1, access | MMU_NO_ALIGN_CHECK);
    return r;
}

/* Bytes [at, at + n) of the image read or written in pieces the MMU takes (buf NULL: n
 * zero bytes written). */
static enum exec_result transfer(struct vcpu *cpu, const struct xsave_op *op, uint64_t at,
                                 uint8_t *buf, uint64_t n, unsigned access)
{
    static const uint8_t zeros[MMU_MAX_ACCESS];

    for (uint64_t done = 0; done < n; done += MMU_MAX_ACCESS) {
        unsigned piece = n - done < MMU_MAX_ACCESS ? (unsigned)(n - done) : MMU_MAX_ACCESS;
        uint64_t offset = operand_offset(op, at + done);
        enum exec_result r =
            (access & MMU_WRITE)
                ? mmu_write(cpu, op->seg, offset, buf ? buf + done : zeros, piece,
                            access | MMU_NO_ALIGN_CHECK)
                : mmu_read(cpu, op->seg, offset, buf + done, piece, access | MMU_NO_ALIGN_CHECK);
        if (r != EXEC_OK)
            return r;
    }
    return EXEC_OK;
}

/* The memory image's layout: the components of `placed` in the compacted format, or the
 * standard format's offsets; returns the extent, to the end of the last component of
 * `accessed` (at least the header's), or 0 when the layout lacks a placed one. */
static uint64_t place_image(struct vcpu *cpu, struct xsave_op *op, uint64_t placed,
                            uint64_t accessed, bool compacted)
{
    const WHVEMU_XSTATE_LAYOUT *l = &cpu->vstate.ext->layout;
    uint64_t end = XAREA_EXTENDED;

    if (compacted && !xstate_compacted_place(l, placed, op->place))
        return 0;
    for (unsigned i = 2; i < 63; i++) {
        if (!compacted)
            op->place[i] = l->Component[i].Offset;
        if ((accessed >> i) & 1 && op->place[i] + (uint64_t)l->Component[i].Size > end)
            end = op->place[i] + (uint64_t)l->Component[i].Size;
    }
    return end;
}

static uint32_t component_size(const struct vcpu *cpu, unsigned i)
{
    return cpu->vstate.ext->layout.Component[i].Size;
}

/* ---- the legacy region ---- */

static struct fxsave_rules legacy_rules(struct vcpu *cpu, const struct xsave_op *op)
{
    struct fxsave_rules r = { op->form->rex_w, op->mode64, true, false,
                              x87_profile_of(cpu->vendor) };
    return r;
}

/* The x87 state's init value (SDM vol. 1 §13.6): FCW 037FH, the rest 0 — the registers too,
 * unlike FNINIT's. */
static void init_x87(struct fxsave_state *s)
{
    s->fcw = FCW_INIT;
    s->fsw = 0;
    s->ftw = 0;
    s->fop = 0;
    s->fip = s->fdp = 0;
    s->fcs = s->fds = 0;
    memset(s->st, 0, sizeof s->st);
}

/* The x87 and SSE state the area holds, init values for a component in its init state
 * (MXCSR whatever XSTATE_BV says). The area's pointers are in the format of the guest's
 * mode, as the SDK names' are (x87_fxsave.h). */
static struct fxsave_state legacy_state(const struct vcpu *cpu, bool mode64)
{
    struct fxsave_state s;

    fxsave_image_load(&s, mode64, cpu->vstate.ext->area);
    if (!xstate_peek(cpu, 0))
        init_x87(&s);
    if (!xstate_peek(cpu, 1))
        memset(s.xmm, 0, sizeof s.xmm);
    return s;
}

/* ---- XSAVE, XSAVEOPT, XSAVEC, XSAVES ---- */

/* XINUSE as far as the area shows it: its XSTATE_BV, and SSE where MXCSR is not its init
 * value (SDM vol. 1 §13.6: XINUSE[1] covers MXCSR). */
static uint64_t xinuse_of(const struct vcpu *cpu)
{
    uint64_t in_use = xstate_bv(cpu) & cpu->vstate.held;

    if (load_le(cpu->vstate.ext->area + XAREA_MXCSR, 4) != MXCSR_INIT)
        in_use |= XS_SSE;
    return in_use;
}

/* Whether the instruction writes component i (in RFBM): always, but with the init
 * optimisation of XSAVEC and XSAVES when it is not in use. */
static bool saves(const struct xsave_op *op, unsigned i)
{
    uint64_t bit = UINT64_C(1) << i;

    return (op->rfbm & bit) && (!compacting(op->form) || (op->xinuse & bit));
}

/* The legacy region's writes (SDM vol. 1 §13.7, §13.10): the x87 bytes, MXCSR and
 * MXCSR_MASK (in the standard format with SSE or AVX requested: §13.7), the XMM
 * registers FXSAVE's rules give (8 outside 64-bit mode). */
static enum exec_result save_legacy(struct vcpu *cpu, const struct xsave_op *op)
{
    struct fxsave_state s = legacy_state(cpu, op->mode64);
    struct fxsave_rules rules = legacy_rules(cpu, op);
    uint8_t image[FXSAVE_BYTES];
    unsigned xmm_end = x87_fxsave(&s, &rules, image);
    bool mxcsr = compacting(op->form) ? saves(op, 1) : (op->rfbm & (XS_SSE | XS_AVX)) != 0;
    enum exec_result r = EXEC_OK;

    if (saves(op, 0))
        r = transfer(cpu, op, 0, image, X87_LOW_END, MMU_WRITE);
    if (r == EXEC_OK && mxcsr)
        r = transfer(cpu, op, X87_LOW_END, image + X87_LOW_END, X87_HIGH - X87_LOW_END, MMU_WRITE);
    if (r == EXEC_OK && saves(op, 0))
        r = transfer(cpu, op, X87_HIGH, image + X87_HIGH, XMM_START - X87_HIGH, MMU_WRITE);
    if (r == EXEC_OK && saves(op, 1))
        r = transfer(cpu, op, XMM_START, image + XMM_START, xmm_end - XMM_START, MMU_WRITE);
    return r;
}

/* The header: XSTATE_BV's requested bits (the others kept: the standard format reads them
 * first), and in the compacted format XCOMP_BV (RFBM and bit 63). */
static enum exec_result save_header(struct vcpu *cpu, const struct xsave_op *op)
{
    uint8_t header[16];
    uint64_t bv = 0;
    enum exec_result r = EXEC_OK;

    if (!compacting(op->form))
        r = transfer(cpu, op, XAREA_LEGACY_SIZE, header, 8, MMU_READ);
    if (r != EXEC_OK)
        return r;
    if (!compacting(op->form))
        bv = load_le(header, 8) & ~op->rfbm;
    store_le(header, 8, bv | (op->xinuse & op->rfbm));
    store_le(header + 8, 8, op->rfbm | XAREA_COMPACTED);
    return transfer(cpu, op, XAREA_LEGACY_SIZE, header, compacting(op->form) ? 16 : 8, MMU_WRITE);
}

/* Component i >= 2: its bytes from the area, or its init value (zeros) when not in use. */
static enum exec_result save_component(struct vcpu *cpu, const struct xsave_op *op, unsigned i)
{
    const uint8_t *bytes = xstate_peek(cpu, i);

    return transfer(cpu, op, op->place[i], (uint8_t *)bytes, component_size(cpu, i), MMU_WRITE);
}

static enum exec_result run_save(struct vcpu *cpu, struct xsave_op *op)
{
    enum exec_result r;

    op->xinuse = xinuse_of(cpu);
    op->end = place_image(cpu, op, op->rfbm, op->rfbm, compacting(op->form));
    if (!op->end)
        return EXEC_UNSUPPORTED;
    r = check_area(cpu, op, MMU_WRITE);
    if (r == EXEC_OK)
        r = probe_pages(cpu, op, MMU_WRITE);
    if (r == EXEC_OK)
        r = save_legacy(cpu, op);
    if (r == EXEC_OK)
        r = save_header(cpu, op);
    for (unsigned i = 2; i < 63 && r == EXEC_OK; i++)
        if (saves(op, i))
            r = save_component(cpu, op, i);
    return r;
}

/* ---- XRSTOR, XRSTORS ---- */

struct xsave_header {
    uint64_t xstate_bv, xcomp_bv;
    bool reserved_clear; /* of the bytes the form requires to be 0 */
};

static struct xsave_header header_of(const uint8_t bytes[HEADER_BYTES])
{
    struct xsave_header h = { load_le(bytes, 8), load_le(bytes + 8, 8), true };
    /* standard form: bytes 23:8 (XCOMP_BV too); compacted: bytes 63:16 (§13.8.1) */
    unsigned from = (h.xcomp_bv & XAREA_COMPACTED) ? 16 : 8;
    unsigned to = (h.xcomp_bv & XAREA_COMPACTED) ? HEADER_BYTES : 24;

    for (unsigned k = from; k < to; k++)
        h.reserved_clear &= bytes[k] == 0;
    return h;
}

/* XRSTOR's #GP(0) of the header (SDM vol. 1 §13.8.1, §13.12): XRSTORS only in the
 * compacted form; XSTATE_BV within XCR0 (| IA32_XSS), or within XCOMP_BV, which itself must
 * be within them; the reserved bytes 0. */
static bool header_faults(struct vcpu *cpu, const struct xsave_op *op, const struct xsave_header *h)
{
    uint64_t enabled = reg_get(cpu, R_XCR0);
    bool compacted = (h->xcomp_bv & XAREA_COMPACTED) != 0;

    if (op->form->kind == XK_RSTORS)
        enabled |= reg_get(cpu, R_XSS);
    if (!h->reserved_clear || (op->form->kind == XK_RSTORS && !compacted))
        return true;
    if (!compacted)
        return (h->xstate_bv & ~enabled) != 0;
    return (h->xcomp_bv & ~XAREA_COMPACTED & ~enabled) ||
           (h->xstate_bv & ~(h->xcomp_bv & ~XAREA_COMPACTED));
}

/* Whether MXCSR comes from memory (SDM vol. 1 §13.8.1, §13.8.2): in the standard form when
 * SSE or AVX is requested, whatever XSTATE_BV says; in the compacted form with SSE loaded. */
static bool loads_mxcsr(const struct xsave_op *op, const struct xsave_header *h)
{
    if (h->xcomp_bv & XAREA_COMPACTED)
        return (op->rfbm & h->xstate_bv & XS_SSE) != 0;
    return (op->rfbm & (XS_SSE | XS_AVX)) != 0;
}

/* The legacy region's state as FXRSTOR's rules read it from the image (x87_fxrstor), MXCSR
 * only where it is loaded; false for its reserved bits: #GP(0). */
static bool legacy_loaded(struct vcpu *cpu, const struct xsave_op *op, const struct xsave_header *h,
                          uint8_t image[FXSAVE_BYTES], struct fxsave_state *loaded)
{
    struct fxsave_rules rules = legacy_rules(cpu, op);

    *loaded = legacy_state(cpu, op->mode64);
    if (!loads_mxcsr(op, h))
        store_le(image + XAREA_MXCSR, 4, loaded->mxcsr);
    return x87_fxrstor(loaded, &rules, image);
}

/* The legacy components into the area: x87 and the XMM registers (8 outside 64-bit mode)
 * loaded where requested and in XSTATE_BV, initialised where requested and not; MXCSR as
 * loads_mxcsr says, 1F80H where the compacted form initialises SSE. */
static void commit_legacy(struct vcpu *cpu, const struct xsave_op *op, const struct xsave_header *h,
                          const struct fxsave_state *loaded)
{
    uint8_t image[FXSAVE_BYTES];
    uint64_t load = op->rfbm & h->xstate_bv;
    uint8_t *at;

    fxsave_image_store(loaded, op->mode64, image);
    if (load & XS_X87) {
        at = xstate_edit(cpu, 0);
        memcpy(at, image, X87_LOW_END);
        memcpy(at + X87_HIGH, image + X87_HIGH, XMM_START - X87_HIGH);
    } else if (op->rfbm & XS_X87) {
        xstate_reset(cpu, 0);
    }
    if (load & XS_SSE)
        memcpy(xstate_edit(cpu, 1), image + XMM_START, 16u * (op->mode64 ? 16 : 8));
    else if (op->rfbm & XS_SSE)
        xstate_reset(cpu, 1);
    if (loads_mxcsr(op, h))
        store_le(xstate_mxcsr(cpu), 4, loaded->mxcsr);
    else if (op->rfbm & XS_SSE)
        store_le(xstate_mxcsr(cpu), 4, MXCSR_INIT);
}

/* Components 2 and up: read into the area where requested and in XSTATE_BV (every page was
 * checked: only a failing callback can stop it, and then nothing is written back),
 * initialised where requested and not. */
static enum exec_result commit_components(struct vcpu *cpu, const struct xsave_op *op,
                                          const struct xsave_header *h)
{
    enum exec_result r = EXEC_OK;

    for (unsigned i = 2; i < 63 && r == EXEC_OK; i++) {
        uint64_t bit = UINT64_C(1) << i;
        if ((op->rfbm & h->xstate_bv & bit))
            r = transfer(cpu, op, op->place[i], xstate_edit(cpu, i), component_size(cpu, i),
                         MMU_READ);
        else if (op->rfbm & bit)
            xstate_reset(cpu, i);
    }
    return r;
}

/* The header, its checks, then the image's extent checked: measured, to the end of the last
 * requested component in the standard form (whatever XSTATE_BV says), of the last one
 * loaded (requested and in XSTATE_BV) in the compacted form. */
static enum exec_result restore_header(struct vcpu *cpu, struct xsave_op *op,
                                       struct xsave_header *h)
{
    uint8_t bytes[HEADER_BYTES];
    enum exec_result r;
    bool compacted;

    op->end = XAREA_EXTENDED;
    r = check_area(cpu, op, MMU_READ);
    if (r == EXEC_OK)
        r = transfer(cpu, op, XAREA_LEGACY_SIZE, bytes, HEADER_BYTES, MMU_READ);
    if (r != EXEC_OK)
        return r;
    *h = header_of(bytes);
    if (header_faults(cpu, op, h))
        return raise_fault(cpu, EXC_GP, true, 0);
    compacted = (h->xcomp_bv & XAREA_COMPACTED) != 0;
    op->end = place_image(cpu, op, h->xcomp_bv & ~XAREA_COMPACTED,
                          compacted ? op->rfbm & h->xstate_bv : op->rfbm, compacted);
    if (!op->end)
        return EXEC_UNSUPPORTED;
    r = check_area(cpu, op, MMU_READ);
    return r == EXEC_OK ? probe_pages(cpu, op, MMU_READ) : r;
}

static enum exec_result run_restore(struct vcpu *cpu, struct xsave_op *op)
{
    uint8_t image[FXSAVE_BYTES] = { 0 };
    struct xsave_header h;
    struct fxsave_state loaded;
    enum exec_result r = restore_header(cpu, op, &h);

    if (r == EXEC_OK && (op->rfbm & (XS_LEGACY | XS_AVX)))
        r = transfer(cpu, op, 0, image, LEGACY_READ, MMU_READ);
    if (r != EXEC_OK)
        return r;
    if (!legacy_loaded(cpu, op, &h, image, &loaded))
        return raise_fault(cpu, EXC_GP, true, 0);
    r = commit_components(cpu, op, &h);
    if (r == EXEC_OK)
        commit_legacy(cpu, op, &h, &loaded);
    return r;
}

/* ---- the family function ---- */

/* The state checks need only CR0, CR4 and the CPL; then the area (InternalEmulationFailure
 * without the extension, before any memory access), then the operand. */
enum exec_result x_xsave(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    struct xsave_op op = { 0 };
    enum exec_result r;

    op.form = form_of(in);
    if (!op.form || ops[0].type != OPT_MEM)
        return EXEC_UNSUPPORTED;
    r = state_checks(cpu, op.form);
    if (r != EXEC_OK)
        return r;
    op.rfbm = rfbm_of(cpu, op.form);
    r = xstate_fetch(cpu, op.rfbm | XS_LEGACY);
    if (r != EXEC_OK)
        return r;
    op.seg = (enum segreg)ops[0].seg;
    op.offset = ops[0].offset;
    op.addrsize = in->addrsize;
    op.mode64 = cpu->code_mode == MODE_64;
    return restores(op.form) ? run_restore(cpu, &op) : run_save(cpu, &op);
}
