/* What the x87 memory forms, FXSAVE/FXRSTOR and the MXCSR forms share (x87.h): the stack
 * top, the pending-exception rule, the state checks, the last-instruction pointers and
 * their profile, and the table of the memory forms (x87_forms.def). */
#include "exec/x87.h"

#include <string.h>

#include "core/cpuid.h"
#include "exec/x87_env.h"
#include "exec/x87_fxsave.h"
#include "exec/x87_host.h"
#include "whvemu.h"

unsigned x87_top(const struct fxsave_state *s)
{
    return (s->fsw & FSW_TOP) >> FSW_TOP_SHIFT;
}

unsigned x87_slot_of_physical(const struct fxsave_state *s, unsigned physical)
{
    return (physical - x87_top(s)) & 7;
}

bool x87_exception_pending(uint16_t fcw, uint16_t fsw)
{
    return (fsw & ~fcw & FSW_EXCEPTIONS) != 0;
}

uint16_t x87_consistent_fsw(uint16_t fcw, uint16_t fsw)
{
    uint16_t rest = fsw & (uint16_t) ~(FSW_ES | FSW_B);
    return x87_exception_pending(fcw, fsw) ? rest | FSW_ES | FSW_B : rest;
}

/* ---- the profile ---- */

/* AMD: measured on an EPYC family 25 model 17 (Zen 4; docs/x87.md): CPUID 7.0:EBX[6] and
 * [13] clear, FXSAVE hides the pointers while ES is clear, 57-bit pointers. Intel: both
 * CPUID bits, as Intel CPUs since Haswell report them (SDM vol. 1 §8.1.8, §10.5.1.1),
 * FXSAVE stores the pointers always and FIP[63:0] whole (SDM vol. 2A FXSAVE), FCW as on
 * AMD (bit 6 reads as one, FNINIT's 037FH), FXSAVE's misalignment always #GP; unmeasured
 * here. */
static const struct x87_profile amd_row = { false, false, true, 56, 0x1f3f, 0x0040, 4 };
static const struct x87_profile intel_row = { true, true, false, 63, 0x1f3f, 0x0040, 0 };

/* The host's profile: what x87_host.c probes over the host vendor's row, which gives the
 * rest (what only a fault would show). */
struct x87_profile x87_profile_of(uint8_t vendor)
{
    uint8_t rows = vendor == WHVEMU_VENDOR_HOST ? cpuid_vendor() : vendor;
    struct x87_profile row = rows == WHVEMU_VENDOR_AMD ? amd_row : intel_row;

    if (vendor == WHVEMU_VENDOR_HOST)
        x87_host_profile(&row);
    return row;
}

/* ---- the pointers (SDM vol. 1 §8.1.8, §8.1.9; AMD APM vol. 1 §6.2.5) ---- */

uint16_t x87_fop(const struct insn *in)
{
    return (uint16_t)(((in->opcode & 7u) << 8) | in->modrm);
}

/* FIP or FDP of an access at base:offset: the linear address in real and virtual-8086
 * mode, the offset (32 bits outside 64-bit mode) else. */
static uint64_t pointer(const struct x87_site *site, uint64_t base, uint64_t offset)
{
    switch (site->mode) {
    case X87_LONG64: return offset;
    case X87_REAL_OR_V86: return (uint32_t)(base + offset);
    default: return (uint32_t)offset;
    }
}

void x87_record_pointers(struct fxsave_state *s, const struct x87_profile *p,
                         const struct x87_site *site, bool unmasked)
{
    s->fop = site->fop;
    s->fip = pointer(site, site->cs_base, site->ip);
    s->fcs = p->fcs_fds_deprecated ? 0 : site->cs;
    if (p->fdp_on_exception_only && !unmasked)
        return;
    s->fdp = pointer(site, site->seg_base, site->offset);
    s->fds = p->fcs_fds_deprecated ? 0 : site->seg;
}

uint64_t x87_loaded_pointer(const struct x87_profile *p, uint64_t value)
{
    unsigned shift = 63u - p->pointer_sign_bit;
    return (uint64_t)((int64_t)(value << shift) >> shift);
}

uint16_t x87_loaded_fcw(const struct x87_profile *p, uint16_t fcw)
{
    return (uint16_t)((fcw & p->fcw_kept) | p->fcw_ones);
}

/* ---- the state checks ---- */

static enum x87_check pending_check(uint64_t cr0, uint16_t fcw, uint16_t fsw)
{
    if (!x87_exception_pending(fcw, fsw))
        return X87_RUNS;
    return (cr0 & X87_CR0_NE) ? X87_MF : X87_NO_FERR_PATH;
}

enum x87_check x87_check_escape(uint64_t cr0, uint16_t fcw, uint16_t fsw, bool waiting)
{
    if (cr0 & (X87_CR0_EM | X87_CR0_TS))
        return X87_NM;
    return waiting ? pending_check(cr0, fcw, fsw) : X87_RUNS;
}

enum x87_check x87_check_wait(uint64_t cr0, uint16_t fcw, uint16_t fsw)
{
    if ((cr0 & (X87_CR0_MP | X87_CR0_TS)) == (X87_CR0_MP | X87_CR0_TS))
        return X87_NM;
    return pending_check(cr0, fcw, fsw);
}

/* ---- the memory forms ---- */

#define X87_FORM(esc, reg, mn, kind, bytes, sse3, text)                                            \
    [(0x##esc - 0xd8) * 8 + reg] = { (0x##esc - 0xd8) * 8 + reg, X87_##kind, bytes, sse3, MN_##mn },
static const struct x87_form forms[64] = {
#include "exec/x87_forms.def"
};
#undef X87_FORM

const struct x87_form *x87_form_at(uint8_t escape, unsigned reg)
{
    const struct x87_form *f;

    if (escape < 0xd8 || escape > 0xdf || reg > 7)
        return NULL;
    f = &forms[(escape - 0xd8) * 8 + reg];
    return f->kind == X87_NONE ? NULL : f;
}

const struct x87_form *x87_form_of(const struct insn *in)
{
    if (in->encoding != ENC_LEGACY || in->map != MAP_LEGACY_1B || !in->has_modrm || in->mod == 3)
        return NULL;
    return x87_form_at(in->opcode, (in->modrm >> 3) & 7);
}

bool x87_form_waits(const struct x87_form *f)
{
    switch (f->kind) {
    case X87_FNSTCW:
    case X87_FNSTSW:
    case X87_FNSTENV:
    case X87_FNSAVE: return false;
    default: return true;
    }
}

bool x87_form_reads(const struct x87_form *f)
{
    return f->kind == X87_LOAD || f->kind == X87_FLDCW || f->kind == X87_FLDENV ||
           f->kind == X87_FRSTOR;
}

static struct x87_env_layout env_layout(const struct x87_request *rq)
{
    return (struct x87_env_layout){ rq->insn->opsize == 2, rq->site.mode == X87_REAL_OR_V86 };
}

/* ---- one instruction ---- */

bool x87_handles(const struct insn *in)
{
    return x87_form_of(in) != NULL || fxsave_form_of(in) != FX_NONE;
}

unsigned x87_operand_bytes(const struct insn *in)
{
    const struct x87_form *f = x87_form_of(in);
    unsigned env = in->opsize == 2 ? X87_ENV16_BYTES : X87_ENV32_BYTES;

    if (!f)
        return fxsave_operand_bytes(fxsave_form_of(in));
    switch (f->kind) {
    case X87_FLDENV:
    case X87_FNSTENV: return env;
    case X87_FRSTOR:
    case X87_FNSAVE: return env + X87_REGISTER_BYTES;
    default: return f->size;
    }
}

struct x87_alignment x87_alignment_of(const struct insn *in, const struct x87_profile *p)
{
    const struct x87_form *f = x87_form_of(in);
    enum fxsave_form fx = fxsave_form_of(in);

    if (fx == FX_FXSAVE || fx == FX_FXRSTOR)
        return (struct x87_alignment){ p->fxsave_ac_unit, 16 };
    if (!f)
        return (struct x87_alignment){ 4, 0 };
    if (f->kind == X87_FLDENV || f->kind == X87_FNSTENV || f->kind == X87_FRSTOR ||
        f->kind == X87_FNSAVE)
        return (struct x87_alignment){ in->opsize == 2 ? 2 : 4, 0 };
    return (struct x87_alignment){ f->size == 10 ? 8 : f->size, 0 };
}

bool x87_reads_operand(const struct insn *in)
{
    const struct x87_form *f = x87_form_of(in);
    return f ? x87_form_reads(f) : fxsave_form_reads(fxsave_form_of(in));
}

enum x87_check x87_check(const struct x87_request *rq, const struct fxsave_state *s)
{
    const struct x87_form *f = x87_form_of(rq->insn);
    uint16_t fcw = x87_loaded_fcw(&rq->profile, s->fcw);

    if (!f)
        return fxsave_check(rq);
    return x87_check_escape(rq->cr0, fcw, x87_consistent_fsw(fcw, s->fsw), x87_form_waits(f));
}

/* A LOAD or STORE form on the host; a non-control instruction, so the pointers follow.
 * The operand is copied: the stub's buffer has 10 bytes whatever the form's size. */
static struct x87_outcome compute(const struct x87_request *rq, const struct x87_form *f,
                                  struct fxsave_state *s, uint8_t *operand)
{
    struct x87_outcome o = { X87_RUNS, false, 0 };
    uint8_t bytes[10] = { 0 };
    bool stored;

    memcpy(bytes, operand, f->size);
    if (x87_host_run(f, s, bytes, &stored) != X87_HOST_DONE) {
        o.unsupported = true;
        return o;
    }
    x87_record_pointers(s, &rq->profile, &rq->site, x87_exception_pending(s->fcw, s->fsw));
    memcpy(operand, bytes, f->size);
    o.written = stored ? f->size : 0;
    return o;
}

/* A control form: a format in C (x87_env.c). */
static void control(const struct x87_request *rq, const struct x87_form *f, struct fxsave_state *s,
                    uint8_t *operand)
{
    switch (f->kind) {
    case X87_FLDCW: x87_fldcw(s, operand); break;
    case X87_FNSTCW: x87_fnstcw(s, operand); break;
    case X87_FNSTSW: x87_fnstsw(s, operand); break;
    case X87_FLDENV: x87_fldenv(s, env_layout(rq), operand); break;
    case X87_FNSTENV: x87_fnstenv(s, env_layout(rq), operand); break;
    case X87_FRSTOR: x87_frstor(s, env_layout(rq), operand); break;
    default: x87_fnsave(s, env_layout(rq), operand); break;
    }
    s->fcw = x87_loaded_fcw(&rq->profile, s->fcw);
}

static struct x87_outcome escape(const struct x87_request *rq, const struct x87_form *f,
                                 struct fxsave_state *s, uint8_t *operand)
{
    struct x87_outcome o = { X87_RUNS, false, 0 };

    if (f->kind == X87_LOAD || f->kind == X87_STORE)
        return compute(rq, f, s, operand);
    control(rq, f, s, operand);
    o.written = x87_form_reads(f) ? 0 : x87_operand_bytes(rq->insn);
    return o;
}

struct x87_outcome x87_execute(const struct x87_request *rq, struct fxsave_state *s,
                               uint8_t *operand)
{
    const struct x87_form *f = x87_form_of(rq->insn);
    struct x87_outcome o = { X87_RUNS, !x87_handles(rq->insn), 0 };
    struct fxsave_state next = *s;

    if (o.unsupported)
        return o;
    next.fcw = x87_loaded_fcw(&rq->profile, next.fcw);
    next.fsw = x87_consistent_fsw(next.fcw, next.fsw);
    o.check = x87_check(rq, &next);
    o.unsupported = o.check == X87_NO_FERR_PATH;
    if (o.check != X87_RUNS)
        return o;
    o = f ? escape(rq, f, &next, operand) : fxsave_execute(rq, &next, operand);
    if (!o.unsupported && o.check == X87_RUNS)
        *s = next;
    return o;
}
