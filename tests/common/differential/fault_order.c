/* The faults of an instruction's accesses, each run alone on this CPU (fault_order.h).
 *
 * An access is a segment, an offset in an address size, a width and a direction. Its
 * probe is the plainest instruction that makes exactly that access: MOV AL/AX/EAX/RAX to or
 * from seg:[rBX] (seg:[rBP] for the stack, so that a non-canonical stack reference is #SS
 * in 64-bit mode as it is for the instruction), with the address size of the access. The
 * probe runs in the runner of the instruction's mode, with its segments and RFLAGS.AC, so
 * segment, canonical, alignment and paging checks are the CPU's own. Two accesses have no
 * plain MOV twin: a far pointer (6 or 10 bytes) is read by JMP FAR through the same
 * operand, and MOVDIR64B's 64-byte accesses (with its own alignment rules) are probed by
 * MOVDIR64B itself with the other operand pointed at the buffer. */
#define _GNU_SOURCE
#include "fault_order.h"

#include <string.h>
#include <sys/mman.h>

#include "core/vcpu.h"
#include "exec/operand.h"
#include "native.h"
#include "synth.h"

enum probe {
    PROBE_LOAD,
    PROBE_STORE,
    PROBE_FAR_POINTER,
    PROBE_MOVDIR64B_SOURCE,
    PROBE_MOVDIR64B_DEST
};

struct access {
    uint8_t probe; /* enum probe */
    uint8_t seg;   /* NSEG_* (the same numbers as enum segreg) */
    uint8_t asize; /* the address size the offset wraps in: 2, 4 or 8 */
    uint8_t size;  /* bytes (a far pointer: the offset's and the selector's) */
    uint64_t offset;
};

/* ---- the accesses of each form, in the order whvemu makes them ---- */

static unsigned stack_size(const struct order_state *s)
{
    if (s->bits == 64)
        return 8;
    return (s->seg[NSEG_SS].attributes >> 14) & 1 ? 4 : 2; /* SS.B */
}

/* The stack slot `delta` bytes from rSP. */
static struct access stack_slot(const struct order_state *s, enum probe p, int64_t delta,
                                unsigned size)
{
    unsigned width = stack_size(s);
    return (struct access){ (uint8_t)p, NSEG_SS, (uint8_t)width, (uint8_t)size,
                            (s->gpr[GPR_SP] + (uint64_t)delta) & size_mask(width) };
}

/* The ModRM memory operand; sp_delta is how far rSP has moved when the address is formed
 * (POP m with an rSP base uses the incremented rSP). */
static struct access modrm_operand(const struct insn *in, const struct order_state *s, enum probe p,
                                   unsigned size, uint64_t sp_delta)
{
    uint64_t ea = (uint64_t)(int64_t)in->disp, m = size_mask(stack_size(s));

    if (in->rip_relative)
        ea += s->rip + in->length;
    if (in->base == GPR_SP) /* rSP moved within the stack's address size */
        ea += (s->gpr[GPR_SP] & ~m) | ((s->gpr[GPR_SP] + sp_delta) & m);
    else if (in->base != GPR_NONE)
        ea += s->gpr[in->base];
    if (in->index != GPR_NONE)
        ea += s->gpr[in->index] * in->scale;
    return (struct access){ (uint8_t)p, in->seg, in->addrsize, (uint8_t)size,
                            ea & size_mask(in->addrsize) };
}

/* MOVS: read seg:rSI, write ES:rDI; CMPS: read both. */
static unsigned string_accesses(const struct insn *in, const struct order_state *s,
                                struct access *a)
{
    uint8_t size = (in->opcode & 1) ? in->opsize : 1;
    uint64_t m = size_mask(in->addrsize);

    a[0] = (struct access){ PROBE_LOAD, in->seg, in->addrsize, size, s->gpr[GPR_SI] & m };
    a[1] = (struct access){ in->mnemonic == MN_movs ? PROBE_STORE : PROBE_LOAD, NSEG_ES,
                            in->addrsize, size, s->gpr[GPR_DI] & m };
    return 2;
}

/* PUSH m, CALL m: read the operand, write the slot below rSP. */
static unsigned push_accesses(const struct insn *in, const struct order_state *s, struct access *a)
{
    a[0] = modrm_operand(in, s, PROBE_LOAD, in->opsize, 0);
    a[1] = stack_slot(s, PROBE_STORE, -(int64_t)in->opsize, in->opsize);
    return 2;
}

/* POP m: read the top slot, write the operand. */
static unsigned pop_accesses(const struct insn *in, const struct order_state *s, struct access *a)
{
    a[0] = stack_slot(s, PROBE_LOAD, 0, in->opsize);
    a[1] = modrm_operand(in, s, PROBE_STORE, in->opsize, in->opsize);
    return 2;
}

/* CALL FAR m: read the pointer, write CS and the return offset. */
static unsigned call_far_accesses(const struct insn *in, const struct order_state *s,
                                  struct access *a)
{
    a[0] = modrm_operand(in, s, PROBE_FAR_POINTER, in->opsize + 2u, 0);
    a[1] = stack_slot(s, PROBE_STORE, -(int64_t)in->opsize, in->opsize);
    a[2] = stack_slot(s, PROBE_STORE, -2 * (int64_t)in->opsize, in->opsize);
    return 3;
}

/* PUSHA writes eight slots from rSP down, POPA reads eight from rSP up. */
static unsigned pusha_accesses(const struct insn *in, const struct order_state *s, struct access *a)
{
    for (unsigned i = 0; i < 8; i++)
        a[i] = stack_slot(s, PROBE_STORE, -(int64_t)((i + 1) * in->opsize), in->opsize);
    return 8;
}

static unsigned popa_accesses(const struct insn *in, const struct order_state *s, struct access *a)
{
    for (unsigned i = 0; i < 8; i++)
        a[i] = stack_slot(s, PROBE_LOAD, (int64_t)(i * in->opsize), in->opsize);
    return 8;
}

/* ENTER: push rBP; copy level-1 frame pointers from [rBP - i * size] (rBP stepping in the
 * stack's address size), each pushed; push the frame pointer; then the check that the
 * final rSP (after the imm16 allocation) can be written. */
static unsigned enter_accesses(const struct insn *in, const struct order_state *s, struct access *a)
{
    unsigned size = in->opsize, level = (unsigned)in->imm2 & 31, n = 0, width = stack_size(s);
    int64_t pushed = 0;

    a[n++] = stack_slot(s, PROBE_STORE, pushed -= size, size);
    for (unsigned i = 1; i < level; i++) {
        struct access copy = { PROBE_LOAD, NSEG_SS, (uint8_t)width, (uint8_t)size,
                               (s->gpr[GPR_BP] - (uint64_t)i * size) & size_mask(width) };
        a[n++] = copy;
        a[n++] = stack_slot(s, PROBE_STORE, pushed -= size, size);
    }
    if (level > 0)
        a[n++] = stack_slot(s, PROBE_STORE, pushed -= size, size);
    a[n++] = stack_slot(s, PROBE_STORE, pushed - (int64_t)(in->imm & 0xffff), size);
    return n;
}

/* MOVDIR64B: read 64 bytes at the operand, write 64 at ES:reg. */
static unsigned movdir64b_accesses(const struct insn *in, const struct order_state *s,
                                   struct access *a)
{
    a[0] = modrm_operand(in, s, PROBE_MOVDIR64B_SOURCE, 64, 0);
    a[1] = (struct access){ PROBE_MOVDIR64B_DEST, NSEG_ES, in->addrsize, 64,
                            s->gpr[in->reg & 15] & size_mask(in->addrsize) };
    return 2;
}

static const struct {
    enum mnemonic mnemonic;
    bool memory_form_only; /* PUSH r, POP r, CALL rel and the like make one access */
    bool slots;            /* several stack slots, which the CPU may do one by one */
    unsigned (*list)(const struct insn *, const struct order_state *, struct access *);
} ordered_forms[] = {
    { MN_movs, false, false, string_accesses }, { MN_cmps, false, false, string_accesses },
    { MN_push, true, false, push_accesses },    { MN_call, true, false, push_accesses },
    { MN_pop, true, false, pop_accesses },      { MN_call_far, true, true, call_far_accesses },
    { MN_pusha, false, true, pusha_accesses },  { MN_popa, false, true, popa_accesses },
    { MN_enter, false, true, enter_accesses },  { MN_movdir64b, true, false, movdir64b_accesses },
};

static int ordered_form(const struct insn *in)
{
    for (unsigned i = 0; i < sizeof ordered_forms / sizeof ordered_forms[0]; i++)
        if (ordered_forms[i].mnemonic == in->mnemonic &&
            (!ordered_forms[i].memory_form_only || (in->has_modrm && in->mod != 3)))
            return (int)i;
    return -1;
}

bool has_ordered_accesses(const struct insn *in)
{
    return ordered_form(in) >= 0;
}

bool has_partial_slots(const struct insn *in)
{
    int form = ordered_form(in);
    return form >= 0 && ordered_forms[form].slots;
}

/* ---- the probes ---- */

struct probe_code {
    uint8_t bytes[16];
    unsigned length;
    uint64_t gpr[16];
};

static const uint8_t segment_prefix[6] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };

static void put(struct probe_code *p, uint8_t byte)
{
    p->bytes[p->length++] = byte;
}

static unsigned default_size(unsigned bits)
{
    return bits == 16 ? 2 : 4;
}

/* seg:[rBX], or seg:[rBP + 0] for the stack, with the given ModRM.reg; the address
 * register gets the offset. */
static void put_address(struct probe_code *p, const struct access *a, unsigned reg)
{
    /* ModRM mod and r/m of [rBX] and [rBP + disp8], with 32/64-bit and 16-bit addresses */
    static const uint8_t modrm[2][2] = { { 0x03, 0x45 }, { 0x07, 0x46 } };
    bool stack = a->seg == NSEG_SS;

    p->gpr[stack ? GPR_BP : GPR_BX] = a->offset;
    put(p, (uint8_t)(modrm[a->asize == 2][stack] | reg << 3));
    if (stack)
        put(p, 0); /* disp8 */
}

static void put_address_prefixes(struct probe_code *p, unsigned bits, const struct access *a)
{
    put(p, segment_prefix[a->seg]);
    if (a->asize != (bits == 64 ? 8 : default_size(bits)))
        put(p, 0x67);
}

/* MOV AL/AX/EAX/RAX to or from the access. */
static void encode_mov(struct probe_code *p, unsigned bits, const struct access *a)
{
    put_address_prefixes(p, bits, a);
    if (a->size == 2 ? bits != 16 : a->size == 4 && bits == 16)
        put(p, 0x66);
    if (a->size == 8)
        put(p, 0x48);
    put(p, (uint8_t)((a->probe == PROBE_STORE ? 0x88 : 0x8a) | (a->size > 1)));
    put_address(p, a, 0);
}

/* JMP FAR through the pointer, with the instruction's operand-size prefixes. */
static void encode_far_pointer(struct probe_code *p, const struct insn *in, unsigned bits,
                               const struct access *a)
{
    put_address_prefixes(p, bits, a);
    if (in->prefixes & PFX_OSIZE)
        put(p, 0x66);
    if (in->rex & 8)
        put(p, 0x48);
    put(p, 0xff);
    put_address(p, a, 5);
}

/* The base a segment adds in the state's mode (in 64-bit mode only FS's and GS's). */
static uint64_t base_of(const struct order_state *s, unsigned seg)
{
    return s->bits != 64 || seg == NSEG_FS || seg == NSEG_GS ? s->seg[seg].base : 0;
}

/* An offset in `seg` that reaches the buffer 4 KiB in (64-byte aligned): where MOVDIR64B's
 * other operand can point without faulting. False when the segment cannot reach it. */
static bool harmless_offset(const struct order_state *s, unsigned seg, unsigned asize,
                            uint64_t *offset)
{
    uint64_t target = (uint64_t)(uintptr_t)native_layout()->buffer + NATIVE_PAGE;
    uint64_t off = target - base_of(s, seg);

    if (s->bits != 64)
        off &= 0xffffffffu;
    *offset = off;
    return off <= size_mask(asize) && (s->bits == 64 || off <= s->seg[seg].limit);
}

/* MOVDIR64B rDI, seg:[rBX]: the access probed, the other operand harmless. */
static bool encode_movdir64b(struct probe_code *p, unsigned bits, const struct order_state *s,
                             const struct access *a)
{
    struct access source = *a;
    uint64_t dest = a->offset;

    if (a->probe == PROBE_MOVDIR64B_DEST) {
        source.seg = NSEG_DS;
        if (!harmless_offset(s, NSEG_DS, a->asize, &source.offset))
            return false;
    } else if (!harmless_offset(s, NSEG_ES, a->asize, &dest)) {
        return false;
    }
    put_address_prefixes(p, bits, &source);
    put(p, 0x66);
    put(p, 0x0f);
    put(p, 0x38);
    put(p, 0xf8);
    put_address(p, &source, GPR_DI);
    p->gpr[GPR_DI] = dest;
    return true;
}

static bool encode_probe(const struct insn *in, const struct order_state *s, const struct access *a,
                         struct probe_code *p)
{
    memcpy(p->gpr, s->gpr, sizeof p->gpr);
    p->length = 0;
    switch (a->probe) {
    case PROBE_LOAD:
    case PROBE_STORE: encode_mov(p, s->bits, a); return true;
    case PROBE_FAR_POINTER: encode_far_pointer(p, in, s->bits, a); return true;
    default: return encode_movdir64b(p, s->bits, s, a);
    }
}

static uint64_t linear_of(const struct order_state *s, const struct access *a)
{
    uint64_t linear = a->offset + base_of(s, a->seg);
    return s->bits == 64 ? linear : linear & 0xffffffffu;
}

/* Whether the access can only touch the guard reservation around the buffer (or fault):
 * every byte there, or on pages this process does not map, or non-canonical. */
static bool access_is_contained(const struct order_state *s, const struct access *a)
{
    const struct native_layout *l = native_layout();
    uint64_t linear = linear_of(s, a);
    unsigned char resident;

    if (linear >= l->guard && linear + a->size <= l->guard + l->guard_size)
        return true;
    if (s->bits == 64 && (uint64_t)((int64_t)(linear << 16) >> 16) != linear)
        return true;
    for (uint64_t at = linear & ~(uint64_t)(NATIVE_PAGE - 1); at < linear + a->size;
         at += NATIVE_PAGE)
        if (mincore((void *)(uintptr_t)at, NATIVE_PAGE, &resident) == 0)
            return false; /* mapped */
    return true;
}

/* Whether JMP FAR through the pointer either faults or lands where the runner goes on: the
 * pointer is unreadable (outside the buffer and the read-only page), or holds what the
 * harness puts there for far branches, the landing and the runner's code selector. */
static bool far_pointer_is_safe(const struct order_state *s, const struct access *a)
{
    const struct native_layout *l = native_layout();
    uint64_t linear = linear_of(s, a), buf = (uint64_t)(uintptr_t)l->buffer;
    unsigned offset_size = a->size - 2u;
    uint8_t want[10];

    if (linear + a->size <= buf - NATIVE_PAGE || linear >= buf + l->size)
        return access_is_contained(s, a); /* unreadable, so it faults */
    if (linear < buf || linear + a->size > buf + l->size)
        return false;
    store_le(want, offset_size, landing_ip(s->bits));
    store_le(want + offset_size, 2, s->seg[NSEG_CS].selector);
    return memcmp(l->buffer + (linear - buf), want, a->size) == 0;
}

/* Whether the probe may run: it cannot write outside the guard reservation nor jump. */
static bool probe_is_safe(const struct order_state *s, const struct access *a)
{
    switch (a->probe) {
    case PROBE_LOAD:
    case PROBE_MOVDIR64B_SOURCE: return true; /* reads, and a write to the buffer */
    case PROBE_FAR_POINTER: return far_pointer_is_safe(s, a);
    default: return access_is_contained(s, a);
    }
}

/* Run one probe; false when it could not be run (its fault unknown). */
static bool run_probe(const struct insn *in, const struct order_state *s, const struct access *a,
                      bool *faulted, struct cpu_fault *f)
{
    struct probe_code p;
    struct native_frame frame;
    struct native_result r;
    struct insn check;
    enum cpu_mode mode = s->bits == 64 ? MODE_64 : s->bits == 32 ? MODE_32 : MODE_16;

    if (!probe_is_safe(s, a) || !encode_probe(in, s, a, &p))
        return false;
    /* a probe that decodes to something else would test nothing */
    if (decode_insn(mode, p.bytes, p.length, &check) != DECODE_OK || check.length != p.length)
        return false;
    memset(&frame, 0, sizeof frame);
    memcpy(frame.gpr, p.gpr, sizeof frame.gpr);
    frame.rflags = s->rflags & ~(uint64_t)FL_TF;
    for (unsigned i = 0; i < 6; i++)
        frame.seg[i] = s->seg[i].selector;
    native_place(s->bits, p.bytes, p.length);
    native_run(s->bits, &frame, &r);
    if (r.faulted && (r.fault_ip != native_slot_ip(s->bits) || r.vector == EXC_UD))
        return false; /* not the probe's access: a fault elsewhere, or no such instruction */
    *faulted = r.faulted;
    f->vector = r.vector;
    f->error = vector_has_error_code(r.vector) ? r.error_code : 0;
    f->cr2 = r.vector == EXC_PF ? r.cr2 : 0;
    return true;
}

bool fault_choices_stored(const struct fault_choices *c, uint64_t linear)
{
    for (unsigned i = 0; i < c->stores; i++)
        if (linear - c->store[i].linear < c->store[i].size)
            return true;
    return false;
}

bool fault_choices_hold(const struct fault_choices *c, const struct cpu_fault *f)
{
    for (unsigned i = 0; i < c->count; i++)
        if (c->fault[i].vector == f->vector && c->fault[i].error == f->error &&
            c->fault[i].cr2 == f->cr2)
            return true;
    return false;
}

void fault_choices_probe(const struct insn *in, const struct order_state *s,
                         struct fault_choices *out)
{
    static uint8_t saved[64 * 1024];
    const struct native_layout *l = native_layout();
    struct access a[ORDER_MAX_ACCESSES];
    int form = ordered_form(in);

    memset(out, 0, sizeof *out);
    if (form < 0 || l->size > sizeof saved)
        return;
    out->accesses = ordered_forms[form].list(in, s, a);
    memcpy(saved, l->buffer, l->size);
    for (unsigned i = 0; i < out->accesses; i++) {
        struct cpu_fault f = { 0, 0, 0 };
        bool faulted = false;
        if (a[i].probe == PROBE_STORE || a[i].probe == PROBE_MOVDIR64B_DEST)
            out->store[out->stores++] = (struct stored){ linear_of(s, &a[i]), a[i].size };
        if (!run_probe(in, s, &a[i], &faulted, &f))
            out->unprobed++;
        else if (faulted && !fault_choices_hold(out, &f))
            out->fault[out->count++] = f;
    }
    memcpy(l->buffer, saved, l->size);
}

/* ---- the tally ---- */

struct tally {
    enum mnemonic mnemonic;
    unsigned bits;
    unsigned long faulting, several, different, slots;
};

static struct tally tallies[64];
static unsigned tally_count;

void fault_order_count(const struct insn *in, const struct fault_choices *c, bool chose_differently,
                       bool other_slots)
{
    unsigned bits = in->mode == MODE_64 ? 64 : in->mode == MODE_32 ? 32 : 16;
    struct tally *t = NULL;

    for (unsigned i = 0; i < tally_count && !t; i++)
        if (tallies[i].mnemonic == in->mnemonic && tallies[i].bits == bits)
            t = &tallies[i];
    if (!t && tally_count < sizeof tallies / sizeof tallies[0]) {
        t = &tallies[tally_count++];
        *t = (struct tally){ in->mnemonic, bits, 0, 0, 0, 0 };
    }
    if (!t)
        return;
    t->faulting++;
    t->several += c->count > 1;
    t->different += chose_differently;
    t->slots += other_slots;
}

void fault_order_report(FILE *out)
{
    unsigned long several = 0, different = 0, slots = 0;

    for (unsigned i = 0; i < tally_count; i++) {
        const struct tally *t = &tallies[i];
        several += t->several;
        different += t->different;
        slots += t->slots;
        fprintf(out,
                "  %s %u-bit: %lu faulted, %lu with several faulting accesses, %lu with "
                "another's fault than whvemu's",
                mnemonic_name(t->mnemonic), t->bits, t->faulting, t->several, t->different);
        if (t->slots)
            fprintf(out, ", %lu where this CPU had done other slots", t->slots);
        fputc('\n', out);
    }
    fprintf(out,
            "fault order: %lu cases with several faulting accesses; this CPU reported "
            "another's fault than whvemu in %lu, had done other slots in %lu\n",
            several, different, slots);
    tally_count = 0;
}

bool vector_has_error_code(unsigned vector)
{
    return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC ||
           vector == 21;
}
