/* String instructions — MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS — with REP, REPE/REPZ and
 * REPNE/REPNZ, on any mix of MMIO and RAM, in every mode.
 *
 * One loop runs the iterations. Each memory operand walks its pages in spans worked out
 * once per page (segment checks for the whole span, one translation, and a host pointer
 * when the VMM maps the page as RAM), so an element costs one memory or I/O callback, or a
 * memcpy, and no decode, register or translate traffic. An element that straddles two
 * pages, or lies where the segment does not allow the whole span, takes the general path
 * (mmu_read/mmu_write), which splits it and raises the fault the CPU would.
 *
 * Every page an element touches is translated and checked before the element's first
 * access, so a faulting element has no side effect (no device read whose value is lost).
 * Registers are written once at the end: when the count runs out, when the REPE/REPNE
 * condition ends the loop, when the iteration budget pauses it (RIP stays), or when an
 * element faults — then the completed iterations are committed with the fault, RCX/RSI/RDI
 * naming the faulting element, as on the CPU. */
#include "exec/exec.h"

#include <string.h>

#include "core/regcache.h"
#include "exec/flags.h"
#include "exec/io.h"

/* A memory operand: seg:rSI (the source; its segment can be overridden) or ES:rDI. */
struct walk {
    enum segreg seg;
    unsigned access; /* MMU_READ or MMU_WRITE; 0: the instruction has no such operand */
    uint64_t offset; /* rSI / rDI, within the address size */
    /* The current page's span: span_left elements, the current one at page_offset. */
    uint64_t span_left; /* 0: none worked out; the current element takes the general path */
    uint64_t gpa_page;
    uint8_t *host_page; /* the span's page in the VMM's memory, or NULL: the memory callback */
    unsigned page_offset;
};

struct string_op {
    enum mnemonic mnemonic;
    unsigned size;     /* element size in bytes */
    unsigned addrsize; /* 2, 4 or 8: rSI, rDI and rCX are SI/DI/CX, ESI/EDI/ECX or 64-bit */
    uint64_t addr_mask;
    bool down;     /* RFLAGS.DF: walk towards lower addresses */
    unsigned step; /* +size or -size (modulo 2^32): the page offset per element */
    bool rep;
    int stop_when_zf; /* REPE/REPNE CMPS/SCAS: the ZF (0 or 1) that ends them; -1 never */
    uint64_t count;   /* rCX, when rep */
    struct walk src, dst;
    uint16_t port;        /* INS, OUTS: DX */
    uint64_t acc;         /* rAX: the STOS source, the LODS destination, the SCAS comparand */
    uint64_t arith_flags; /* CMPS, SCAS: the status flags of the last comparison */
};

static void walk_init(struct walk *w, enum segreg seg, unsigned access, uint64_t offset)
{
    memset(w, 0, sizeof *w);
    w->seg = seg;
    w->access = access;
    w->offset = offset;
}

static void string_op_init(struct vcpu *cpu, const struct insn *in, const struct operand *ops,
                           struct string_op *op)
{
    enum mnemonic mn = in->mnemonic;
    bool has_src = mn == MN_movs || mn == MN_cmps || mn == MN_lods || mn == MN_outs;
    bool has_dst = mn != MN_lods && mn != MN_outs;
    bool dst_written = mn == MN_movs || mn == MN_stos || mn == MN_ins;

    /* what the instruction has not stays zero, field by field: a memset of the whole is a
     * `rep stos`, slow to start, on every REP call */
    op->count = op->acc = op->arith_flags = 0;
    op->port = 0;
    walk_init(&op->src, SEG_ES, 0, 0);
    walk_init(&op->dst, SEG_ES, 0, 0);
    op->mnemonic = mn;
    op->size = (mn == MN_outs ? ops[1] : ops[0]).size; /* OUTS names DX first */
    op->addrsize = in->addrsize;
    op->addr_mask = size_mask(in->addrsize);
    op->down = (reg_get(cpu, R_RFLAGS) & FL_DF) != 0;
    op->step = op->down ? 0u - op->size : op->size;
    /* F2 on MOVS/STOS/LODS/INS/OUTS repeats like F3, as the CPU does; on CMPS/SCAS it is
     * REPNE (repeat while not equal) and F3 REPE (while equal) */
    op->rep = (in->prefixes & (PFX_REP | PFX_REPNE)) != 0;
    op->stop_when_zf = -1;
    if (op->rep && (mn == MN_cmps || mn == MN_scas))
        op->stop_when_zf = (in->prefixes & PFX_REPNE) ? 1 : 0;
    if (op->rep)
        op->count = gpr_read(cpu, GPR_CX, in->addrsize, false);
    if (has_src)
        walk_init(&op->src, (enum segreg)in->seg, MMU_READ,
                  gpr_read(cpu, GPR_SI, in->addrsize, false));
    if (has_dst)
        walk_init(&op->dst, SEG_ES, dst_written ? MMU_WRITE : MMU_READ,
                  gpr_read(cpu, GPR_DI, in->addrsize, false));
    if (mn == MN_ins || mn == MN_outs)
        op->port = (uint16_t)gpr_read(cpu, GPR_DX, 2, false);
    if (mn == MN_stos || mn == MN_scas)
        op->acc = gpr_read(cpu, GPR_AX, op->size, false);
}

/* Work out the span of the page that holds w's current element: how many of the next
 * `wanted` elements lie in that page, before the offset wraps and where the segment allows
 * them. Leaves span_left 0 when the current element must take the general path. A fault
 * returned here is the current element's (the translation of its page). */
static enum exec_result walk_span(struct vcpu *cpu, const struct string_op *op, struct walk *w,
                                  uint64_t wanted)
{
    unsigned n = op->size, in_page;
    uint64_t la, gpa, reach, wrap_reach;
    enum exec_result r;

    w->span_left = 0;
    w->host_page = NULL;
    if (w->offset > op->addr_mask - (n - 1))
        return EXEC_OK; /* the element itself wraps the address size */
    if (mmu_linear(cpu, w->seg, w->offset, n, w->access, &la) != EXEC_OK)
        return EXEC_OK; /* the general path raises the fault */
    in_page = (unsigned)(la & (PAGE_SIZE - 1));
    if (in_page + n > PAGE_SIZE)
        return EXEC_OK; /* straddles two pages */
    if (op->down) {
        reach = in_page / n + 1;
        wrap_reach = w->offset / n + 1;
    } else {
        reach = (PAGE_SIZE - in_page) / n;
        wrap_reach = (op->addr_mask - (n - 1) - w->offset) / n + 1;
    }
    if (reach > wrap_reach)
        reach = wrap_reach;
    if (reach > wanted)
        reach = wanted;
    /* A segment allows one interval of offsets (expand-up or expand-down), so the span is
     * allowed when its lowest and highest bytes are. */
    if (reach > 1) {
        uint64_t lowest = op->down ? w->offset - (reach - 1) * n : w->offset;
        if (mmu_linear(cpu, w->seg, lowest, (unsigned)(reach * n), w->access, &la) != EXEC_OK)
            reach = 1;
    }
    r = mmu_translate(cpu, w->seg, w->offset, n, w->access, &gpa);
    if (r != EXEC_OK)
        return r;
    w->gpa_page = gpa & ~(uint64_t)(PAGE_SIZE - 1);
    w->page_offset = in_page;
    /* a single element is not worth asking the VMM about the page */
    w->host_page = reach > 1 ? mmu_host_page(cpu, w->gpa_page, w->access == MMU_WRITE) : NULL;
    w->span_left = reach;
    return EXEC_OK;
}

/* Make sure the current element can be accessed without a fault: its span, or a probe of
 * the general path. */
static enum exec_result walk_prepare(struct vcpu *cpu, const struct string_op *op, struct walk *w,
                                     uint64_t wanted)
{
    enum exec_result r;

    if (!w->access || w->span_left)
        return EXEC_OK;
    r = walk_span(cpu, op, w, wanted);
    if (r != EXEC_OK || w->span_left)
        return r;
    return mmu_probe(cpu, w->seg, w->offset, op->size, w->access);
}

/* How w's elements are accessed: on the host page of its span, through one memory callback
 * each at its GPA, or (no span) on the general path. The same for every element of a run. */
enum walk_path { PATH_HOST_PAGE, PATH_CALLBACK, PATH_GENERAL };

static inline enum walk_path walk_path(const struct walk *w)
{
    return w->host_page ? PATH_HOST_PAGE : w->span_left ? PATH_CALLBACK : PATH_GENERAL;
}

/* An element of w's by `path` (at its page offset `at` within a span); the general path
 * (mmu_read/mmu_write) splits and checks it. */
HOT_INLINE enum exec_result walk_read_by(struct vcpu *cpu, const struct string_op *op,
                                         const struct walk *w, enum walk_path path, unsigned at,
                                         uint64_t *value)
{
    uint8_t buf[8];
    enum exec_result r;

    if (path == PATH_HOST_PAGE) {
        *value = load_le(w->host_page + at, op->size);
        return EXEC_OK;
    }
    if (path == PATH_CALLBACK)
        return mmu_phys_read_exact(cpu, w->gpa_page + at, op->size, value);
    r = mmu_read(cpu, w->seg, w->offset, buf, op->size, 0);
    if (r == EXEC_OK)
        *value = load_le(buf, op->size);
    return r;
}

HOT_INLINE enum exec_result walk_read(struct vcpu *cpu, const struct string_op *op,
                                      const struct walk *w, unsigned at, uint64_t *value)
{
    return walk_read_by(cpu, op, w, walk_path(w), at, value);
}

HOT_INLINE enum exec_result walk_write_by(struct vcpu *cpu, const struct string_op *op,
                                          const struct walk *w, enum walk_path path, unsigned at,
                                          uint64_t value)
{
    uint8_t buf[8];

    if (path == PATH_HOST_PAGE) {
        store_le(w->host_page + at, op->size, value);
        return EXEC_OK;
    }
    if (path == PATH_CALLBACK)
        return mmu_phys_value(cpu, w->gpa_page + at, op->size, true, &value);
    store_le(buf, op->size, value);
    return mmu_write(cpu, w->seg, w->offset, buf, op->size, 0);
}

HOT_INLINE enum exec_result walk_write(struct vcpu *cpu, const struct string_op *op,
                                       const struct walk *w, unsigned at, uint64_t value)
{
    return walk_write_by(cpu, op, w, walk_path(w), at, value);
}

/* Move w on by k elements, done in one run within its span (or one general-path one). */
static void walk_advance(const struct string_op *op, struct walk *w, uint64_t k)
{
    uint64_t bytes = k * op->size;

    w->offset = (op->down ? w->offset - bytes : w->offset + bytes) & op->addr_mask;
    w->page_offset += (unsigned)k * op->step;
    w->span_left = w->span_left > k ? w->span_left - k : 0;
}

/* How many elements from here can run without preparing an operand again: what the spans
 * cover, or 1 when an operand takes the general path. */
static uint64_t run_length(const struct string_op *op, uint64_t wanted)
{
    const struct walk *walks[2] = { &op->src, &op->dst };

    for (unsigned i = 0; i < 2; i++) {
        uint64_t left = walks[i]->span_left ? walks[i]->span_left : 1;
        if (walks[i]->access && left < wanted)
            wanted = left;
    }
    return wanted;
}

/* Whether the destination (ES:rDI) is checked before the source, so that its fault is the
 * one reported when both of an element's operands would fault. The manuals leave the order
 * open (SDM Vol. 3A 6.9); whvemu checks the source first, except where the AMD profile
 * follows what an AMD Zen 4 does in every such case measured (tests/diff, tests/segments;
 * docs/strings-and-io.md): CMPS checks ES:rDI first, but REPE CMPSB DS:rSI. */
static bool destination_checked_first(const struct vcpu *cpu, const struct string_op *op)
{
    bool repe_cmpsb = op->size == 1 && op->stop_when_zf == 0;
    return op->mnemonic == MN_cmps && vendor_is_amd(cpu) && !repe_cmpsb;
}

/* The loops of a run, one per instruction, so that an element is its accesses and nothing
 * more. Each does up to `run` elements from the operands' current positions (within their
 * spans, or one on the general path) and returns how many it completed; *r is the outcome
 * of the one it stopped at. */
HOT_INLINE uint64_t movs_loop(struct vcpu *cpu, struct string_op *op, uint64_t run,
                              enum exec_result *r, enum walk_path src, enum walk_path dst)
{
    unsigned s = op->src.page_offset, d = op->dst.page_offset;
    uint64_t k, value = 0;

    for (k = 0; k < run; k++, s += op->step, d += op->step) {
        *r = walk_read_by(cpu, op, &op->src, src, s, &value);
        if (*r == EXEC_OK)
            *r = walk_write_by(cpu, op, &op->dst, dst, d, value);
        if (*r != EXEC_OK)
            break;
    }
    return k;
}

/* A loop per pair of span paths, none testing them per element (as run_outs); a run with an
 * operand on the general path is one element, tested. */
HOT_INLINE uint64_t run_movs(struct vcpu *cpu, struct string_op *op, uint64_t run,
                             enum exec_result *r)
{
    enum walk_path s = walk_path(&op->src), d = walk_path(&op->dst);

    if (s == PATH_GENERAL || d == PATH_GENERAL)
        return movs_loop(cpu, op, run, r, s, d);
    if (s == PATH_HOST_PAGE)
        return d == PATH_HOST_PAGE ? movs_loop(cpu, op, run, r, PATH_HOST_PAGE, PATH_HOST_PAGE)
                                   : movs_loop(cpu, op, run, r, PATH_HOST_PAGE, PATH_CALLBACK);
    return d == PATH_HOST_PAGE ? movs_loop(cpu, op, run, r, PATH_CALLBACK, PATH_HOST_PAGE)
                               : movs_loop(cpu, op, run, r, PATH_CALLBACK, PATH_CALLBACK);
}

HOT_INLINE uint64_t run_stos(struct vcpu *cpu, struct string_op *op, uint64_t run,
                             enum exec_result *r)
{
    unsigned d = op->dst.page_offset;
    uint64_t k;

    for (k = 0; k < run; k++, d += op->step)
        if ((*r = walk_write(cpu, op, &op->dst, d, op->acc)) != EXEC_OK)
            break;
    return k;
}

HOT_INLINE uint64_t run_lods(struct vcpu *cpu, struct string_op *op, uint64_t run,
                             enum exec_result *r)
{
    unsigned s = op->src.page_offset;
    uint64_t k;

    for (k = 0; k < run; k++, s += op->step)
        if ((*r = walk_read(cpu, op, &op->src, s, &op->acc)) != EXEC_OK)
            break;
    return k;
}

HOT_INLINE uint64_t run_ins(struct vcpu *cpu, struct string_op *op, uint64_t run,
                            enum exec_result *r)
{
    unsigned d = op->dst.page_offset;
    uint64_t k;
    uint32_t data = 0;

    for (k = 0; k < run; k++, d += op->step) {
        *r = io_port(cpu, op->port, op->size, false, &data);
        if (*r == EXEC_OK)
            *r = walk_write(cpu, op, &op->dst, d, data);
        if (*r != EXEC_OK)
            break;
    }
    return k;
}

HOT_INLINE uint64_t outs_loop(struct vcpu *cpu, struct string_op *op, uint64_t run,
                              enum exec_result *r, enum walk_path path)
{
    unsigned s = op->src.page_offset;
    uint64_t k, value = 0;
    uint32_t data;

    for (k = 0; k < run; k++, s += op->step) {
        *r = walk_read_by(cpu, op, &op->src, path, s, &value);
        data = (uint32_t)value;
        if (*r == EXEC_OK)
            *r = io_port(cpu, op->port, op->size, true, &data);
        if (*r != EXEC_OK)
            break;
    }
    return k;
}

/* One loop per path of the source, none testing it per element: a loop that did jumped
 * between three distant blocks, and its time moved by 10-15 % with where the linker put it
 * (docs/bench.md, part 9). */
HOT_INLINE uint64_t run_outs(struct vcpu *cpu, struct string_op *op, uint64_t run,
                             enum exec_result *r)
{
    switch (walk_path(&op->src)) {
    case PATH_HOST_PAGE: return outs_loop(cpu, op, run, r, PATH_HOST_PAGE);
    case PATH_CALLBACK: return outs_loop(cpu, op, run, r, PATH_CALLBACK);
    default: return outs_loop(cpu, op, run, r, PATH_GENERAL);
    }
}

/* CMPS and SCAS: each element compares; REPE/REPNE end the run after the element whose
 * ZF says so (*ended). */
HOT_INLINE uint64_t run_compare(struct vcpu *cpu, struct string_op *op, uint64_t run,
                                enum exec_result *r, bool *ended)
{
    unsigned s = op->src.page_offset, d = op->dst.page_offset;
    uint64_t k, a = op->acc, b = 0;

    for (k = 0; k < run; k++, s += op->step, d += op->step) {
        *r = op->mnemonic == MN_cmps ? walk_read(cpu, op, &op->src, s, &a) : EXEC_OK;
        if (*r == EXEC_OK)
            *r = walk_read(cpu, op, &op->dst, d, &b);
        if (*r != EXEC_OK)
            break;
        op->arith_flags = alu_flags(cpu, MN_cmp, op->size, a, b);
        if (op->stop_when_zf >= 0 && ((op->arith_flags & FL_ZF) != 0) == op->stop_when_zf) {
            *ended = true;
            return k + 1;
        }
    }
    return k;
}

HOT_INLINE uint64_t run_loop(struct vcpu *cpu, struct string_op *op, uint64_t run,
                             enum exec_result *r, bool *ended)
{
    *r = EXEC_OK;
    switch (op->mnemonic) {
    case MN_movs: return run_movs(cpu, op, run, r);
    case MN_stos: return run_stos(cpu, op, run, r);
    case MN_lods: return run_lods(cpu, op, run, r);
    case MN_ins: return run_ins(cpu, op, run, r);
    case MN_outs: return run_outs(cpu, op, run, r);
    case MN_cmps:
    case MN_scas: return run_compare(cpu, op, run, r, ended);
    default: *r = EXEC_UNSUPPORTED; return 0;
    }
}

/* The run on a copy of op, and with an outcome, that no other function sees, so that the
 * compiler keeps what its loop reads (step, port, the spans) and writes in registers across
 * the callbacks, and with the element size a constant in each of the four loops the sizes get
 * (no switch on it per element). */
static LINE_ALIGNED uint64_t run_elements(struct vcpu *cpu, struct string_op *op, uint64_t run,
                                          enum exec_result *r, bool *ended)
{
    struct string_op local = *op;
    enum exec_result outcome;
    uint64_t k;

    switch (local.size) {
    case 1: local.size = 1, k = run_loop(cpu, &local, run, &outcome, ended); break;
    case 2: local.size = 2, k = run_loop(cpu, &local, run, &outcome, ended); break;
    case 4: local.size = 4, k = run_loop(cpu, &local, run, &outcome, ended); break;
    default: local.size = 8, k = run_loop(cpu, &local, run, &outcome, ended); break;
    }
    op->acc = local.acc;
    op->arith_flags = local.arith_flags;
    *r = outcome;
    return k;
}

/* Write the registers the iterations changed; returns their REG_BIT mask. */
static uint64_t commit(struct vcpu *cpu, const struct string_op *op)
{
    uint64_t regs = 0;

    if (op->src.access) {
        gpr_write(cpu, GPR_SI, op->addrsize, false, op->src.offset);
        regs |= REG_BIT(R_RSI);
    }
    if (op->dst.access) {
        gpr_write(cpu, GPR_DI, op->addrsize, false, op->dst.offset);
        regs |= REG_BIT(R_RDI);
    }
    if (op->rep) {
        gpr_write(cpu, GPR_CX, op->addrsize, false, op->count);
        regs |= REG_BIT(R_RCX);
    }
    if (op->mnemonic == MN_lods) {
        gpr_write(cpu, GPR_AX, op->size, false, op->acc);
        regs |= REG_BIT(R_RAX);
    }
    if (op->mnemonic == MN_cmps || op->mnemonic == MN_scas) {
        flags_update(cpu, FL_ARITH, op->arith_flags);
        regs |= REG_BIT(R_RFLAGS);
    }
    return regs;
}

enum exec_result x_string(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    struct string_op op;
    struct walk *first;
    uint64_t done = 0, budget = 0;
    enum exec_result r = EXEC_OK;
    bool paused = false;

    string_op_init(cpu, in, ops, &op);
    first = destination_checked_first(cpu, &op) ? &op.dst : &op.src;
    if (op.rep && op.count == 0)
        return EXEC_OK; /* nothing at all happens, but RIP advances */
    if (op.mnemonic == MN_ins || op.mnemonic == MN_outs) {
        r = io_permission(cpu, op.port, op.size);
        if (r != EXEC_OK)
            return r;
    }
    if (op.rep)
        budget = cpu->rep_budget; /* 1 under TF: the CPU traps after every iteration */
    for (;;) {
        /* the elements this call may still do (spans are sized by it) */
        uint64_t wanted = !op.rep                              ? 1
                          : budget && budget - done < op.count ? budget - done
                                                               : op.count;
        uint64_t k;
        bool condition_ended = false;

        r = walk_prepare(cpu, &op, first, wanted);
        if (r == EXEC_OK)
            r = walk_prepare(cpu, &op, first == &op.src ? &op.dst : &op.src, wanted);
        if (r != EXEC_OK)
            break;
        k = run_elements(cpu, &op, run_length(&op, wanted), &r, &condition_ended);
        walk_advance(&op, &op.src, k);
        walk_advance(&op, &op.dst, k);
        done += k;
        if (op.rep)
            op.count = (op.count - k) & op.addr_mask;
        if (r != EXEC_OK || !op.rep || op.count == 0 || condition_ended)
            break;
        if (budget && done == budget) {
            paused = true;
            break;
        }
    }
    if (r == EXEC_CALLBACK_FAILED || r == EXEC_UNSUPPORTED)
        return r;
    if (done) {
        uint64_t regs = commit(cpu, &op);
        if (r == EXEC_FAULT)
            cpu->fault.committed_regs = REGSET(regs);
    }
    if (r != EXEC_OK)
        return r;
    return paused ? EXEC_REP_PAUSED : EXEC_OK;
}
