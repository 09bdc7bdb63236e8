/* The stack, branch, segment-load and descriptor instructions against this CPU, in 64-bit
 * user mode. Each case is written once in assembler: its bytes run natively in the runner of
 * tests/common (native.h) on a stack inside the runner's buffer, and go through
 * WHvEmulatorTryMmioEmulation with the CLI's in-memory guest holding the same registers and
 * memory (at the same addresses). Registers, RFLAGS, where execution continues (after the
 * instruction or at the runner's branch target) and the whole buffer must agree.
 *
 * Then the selector instructions, the same bytes natively and emulated: LAR/LSL/VERR/VERW on
 * every GDT selector and on LDT entries made with modify_ldt, and segment loads (MOV GS,
 * POP GS, LGS, MOV SS) whose faults the runner reports with their vector and error code.
 *
 * Usage: test_control_native [iterations per case] [seed] */
#define _GNU_SOURCE /* sched_getcpu, syscall() */

#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "guest.h"
#include "hostcpu.h"
#include "native.h"
#include "rng.h"

/* Registers a case may use, in the runner's order (RAX..RDI, then RFLAGS); `branched`: the
 * CPU went on at the runner's branch target rather than after the instruction. */
struct state {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, rflags;
    bool branched;
};

static const WHV_REGISTER_NAME state_regs[] = {
    WHvX64RegisterRax, WHvX64RegisterRcx, WHvX64RegisterRdx,
    WHvX64RegisterRbx, WHvX64RegisterRsp, WHvX64RegisterRbp,
    WHvX64RegisterRsi, WHvX64RegisterRdi, WHvX64RegisterRflags,
};
static const char *const state_names[] = { "rax", "rcx", "rdx", "rbx",   "rsp",
                                           "rbp", "rsi", "rdi", "rflags" };
#define STATE_REGS 9
#define STATE_GPRS 8

/* How a case's inputs are drawn. A branch goes to the local label 2 ("2f"), which the runner
 * makes its branch target. */
enum input_kind {
    IN_ANY,    /* random registers and memory; the stack top is a harmless RFLAGS image */
    IN_BRANCH, /* [rbx], rax and the stack top hold the branch target */
    IN_COUNT,  /* rcx small (LOOP, JrCXZ) */
    IN_FARPTR, /* [rbx+16] a far pointer with a null selector */
    IN_LINE,   /* rax anywhere in the 1 KiB from rbx (CLZERO's operand) */
    IN_LINE32, /* the same in eax, rax's upper half random (CLZERO with 67h) */
};

#define CASES(X)                                                                                   \
    X(push_m64, "pushq 8(%rbx)", IN_ANY)                                                           \
    X(push_m16, "pushw 8(%rbx)", IN_ANY)                                                           \
    X(push_m_rsp, "pushq 16(%rsp)", IN_ANY)                                                        \
    X(push_r64, "pushq %rsi", IN_ANY)                                                              \
    X(push_rsp, "pushq %rsp", IN_ANY)                                                              \
    X(push_r16, "pushw %dx", IN_ANY)                                                               \
    X(push_i32, "pushq $-5", IN_ANY)                                                               \
    X(push_i16, "pushw $0x1234", IN_ANY)                                                           \
    X(push_i8, "pushq $0x7f", IN_ANY)                                                              \
    X(push_fs, "pushq %fs", IN_ANY)                                                                \
    X(push_fs16, "pushw %fs", IN_ANY)                                                              \
    X(push_gs, "pushq %gs", IN_ANY)                                                                \
    X(pop_m64, "popq 8(%rbx)", IN_ANY)                                                             \
    X(pop_m16, "popw 8(%rbx)", IN_ANY)                                                             \
    X(pop_m_rsp, "popq (%rsp)", IN_ANY)                                                            \
    X(pop_m_rsp8, "popq 8(%rsp)", IN_ANY)                                                          \
    X(pop_m_rsp_index, "popq -8(%rsp,%rsi,1)", IN_ANY)                                             \
    X(pop_r64, "popq %rdx", IN_ANY)                                                                \
    X(pop_r16, "popw %dx", IN_ANY)                                                                 \
    X(pop_rsp, "popq %rsp", IN_ANY)                                                                \
    X(pushf, "pushfq", IN_ANY)                                                                     \
    X(pushf16, "pushfw", IN_ANY)                                                                   \
    X(popf, "popfq", IN_ANY)                                                                       \
    X(popf16, "popfw", IN_ANY)                                                                     \
    X(enter0, "enter $0x20,$0", IN_ANY)                                                            \
    X(enter1, "enter $0x18,$1", IN_ANY)                                                            \
    X(enter3, "enter $8,$3", IN_ANY)                                                               \
    X(enter31, "enter $0,$31", IN_ANY)                                                             \
    X(enter_big, "enter $0x400,$2", IN_ANY)                                                        \
    X(enter16, "enterw $0x10,$2", IN_ANY)                                                          \
    X(leave, "leave", IN_ANY)                                                                      \
    X(leave16, "leavew", IN_ANY)                                                                   \
    X(xlat, "xlat", IN_ANY)                                                                        \
    X(call_m, "call *(%rbx)", IN_BRANCH)                                                           \
    X(call_r, "call *%rax", IN_BRANCH)                                                             \
    X(call_rel, "call 2f", IN_BRANCH)                                                              \
    X(jmp_m, "jmp *(%rbx)", IN_BRANCH)                                                             \
    X(jmp_r, "jmp *%rax", IN_BRANCH)                                                               \
    X(jmp_rel8, "jmp 2f", IN_BRANCH)                                                               \
    X(jmp_rel32, "{disp32} jmp 2f", IN_BRANCH)                                                     \
    X(ret, "ret", IN_BRANCH)                                                                       \
    X(ret_imm, "ret $0x18", IN_BRANCH)                                                             \
    X(jo, "jo 2f", IN_ANY)                                                                         \
    X(jno, "jno 2f", IN_ANY)                                                                       \
    X(jb, "jb 2f", IN_ANY)                                                                         \
    X(jae, "jae 2f", IN_ANY)                                                                       \
    X(je, "je 2f", IN_ANY)                                                                         \
    X(jne, "jne 2f", IN_ANY)                                                                       \
    X(jbe, "jbe 2f", IN_ANY)                                                                       \
    X(ja, "ja 2f", IN_ANY)                                                                         \
    X(js, "js 2f", IN_ANY)                                                                         \
    X(jns, "jns 2f", IN_ANY)                                                                       \
    X(jp, "jp 2f", IN_ANY)                                                                         \
    X(jnp, "jnp 2f", IN_ANY)                                                                       \
    X(jl, "jl 2f", IN_ANY)                                                                         \
    X(jge, "jge 2f", IN_ANY)                                                                       \
    X(jle, "jle 2f", IN_ANY)                                                                       \
    X(jg, "jg 2f", IN_ANY)                                                                         \
    X(jle32, "{disp32} jle 2f", IN_ANY)                                                            \
    X(jb32, "{disp32} jb 2f", IN_ANY)                                                              \
    X(loop, "loop 2f", IN_COUNT)                                                                   \
    X(loope, "loope 2f", IN_COUNT)                                                                 \
    X(loopne, "loopne 2f", IN_COUNT)                                                               \
    X(loop32, "addr32 loop 2f", IN_COUNT)                                                          \
    X(jrcxz, "jrcxz 2f", IN_COUNT)                                                                 \
    X(jecxz, "jecxz 2f", IN_COUNT)                                                                 \
    X(lgs, "lgs 16(%rbx),%eax", IN_FARPTR)                                                         \
    X(lgs16, "lgs 16(%rbx),%ax", IN_FARPTR)                                                        \
    X(lgs_rexw, ".byte 0x48,0x0f,0xb5,0x43,0x10", IN_FARPTR)                                       \
    X(movnti, "movnti %rsi,8(%rbx)", IN_ANY)                                                       \
    X(clflush, "clflush 8(%rbx)", IN_ANY)                                                          \
    X(prefetchw, "prefetchw 8(%rbx)", IN_ANY)                                                      \
    X(clzero, "clzero", IN_LINE)                                                                   \
    X(clzero_addr32, "addr32 clzero", IN_LINE32)

#define DEFINE_INSN(name, text, in) NATIVE_INSN(t_##name, text);
CASES(DEFINE_INSN)

struct test_case {
    const char *name;
    const uint8_t *insn, *end;
    enum input_kind inputs;
};

#define CASE_ENTRY(name, text, in) { #name, t_##name##_insn, t_##name##_end, in },
static const struct test_case cases[] = { CASES(CASE_ENTRY) };

/* ---- inputs ---- */

/* The runner's buffer (mem): data around RBX, the stack below RSP, frames up to RBP. */
#define MEM_SIZE 8192u
static uint8_t mem_before[MEM_SIZE], *mem;
#define RBX_OFFSET 1024
#define RSP_OFFSET 6144
#define RBP_OFFSET 6400

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void random_state(struct state *s, const struct test_case *tc)
{
    uint64_t flags_image;

    s->rax = next_random();
    s->rcx = next_random();
    s->rdx = next_random();
    s->rsi = next_random() % 3 * 8; /* an index that keeps pop -8(%rsp,%rsi) inside */
    s->rdi = next_random();
    s->rbx = (uint64_t)(uintptr_t)(mem + RBX_OFFSET);
    s->rsp = (uint64_t)(uintptr_t)(mem + RSP_OFFSET);
    s->rbp = (uint64_t)(uintptr_t)(mem + RBP_OFFSET);
    for (unsigned i = 0; i < sizeof mem_before; i++)
        mem_before[i] = (uint8_t)next_random();
    /* arithmetic flags none, all or mixed; IF and bit 1 as user mode has them */
    switch (next_random() % 3) {
    case 0: s->rflags = 0x202; break;
    case 1: s->rflags = 0x202 | 0x8d5; break;
    default: s->rflags = 0x202 | (next_random() & 0x8d5); break;
    }
    /* what POPF pops: anything but TF (a native single-step trap) */
    flags_image = next_random() & ~UINT64_C(0x100);
    put64(mem_before + RSP_OFFSET, flags_image);
    switch (tc->inputs) {
    case IN_BRANCH:
        s->rax = native_target_ip();
        put64(mem_before + RBX_OFFSET, s->rax);
        put64(mem_before + RSP_OFFSET, s->rax);
        break;
    case IN_COUNT:
        s->rcx = next_random() % 4 == 0 ? next_random() : next_random() % 3;
        if (next_random() % 4 == 0)
            s->rcx |= UINT64_C(0x100000000); /* ECX 0..2 with RCX upper bits set */
        break;
    case IN_FARPTR:
        mem_before[RBX_OFFSET + 20] = mem_before[RBX_OFFSET + 21] = 0; /* m16:32 selector */
        mem_before[RBX_OFFSET + 18] = mem_before[RBX_OFFSET + 19] = 0; /* m16:16 selector */
        mem_before[RBX_OFFSET + 24] = mem_before[RBX_OFFSET + 25] = 0; /* m16:64 selector */
        break;
    case IN_LINE:
    case IN_LINE32:
        s->rax = s->rbx + next_random() % 1024;
        if (tc->inputs == IN_LINE32)
            s->rax |= next_random() << 32;
        break;
    case IN_ANY: break;
    }
}

/* ---- emulation ---- */

/* ---- emulation ---- */

static struct guest g;
static uint16_t native_fs, native_gs;

static WHV_EMULATOR_STATUS emulate(WHV_EMULATOR_HANDLE emulator, const uint8_t *insn,
                                   unsigned length)
{
    WHV_EMULATOR_STATUS status;
    HRESULT hr = guest_run_mmio(&g, emulator, insn, length, &status);

    CHECK(hr == S_OK, "TryMmioEmulation hr=0x%x", (unsigned)hr);
    return status;
}

/* A 64-bit CPL-3 guest with Linux's user selectors. */
static void user_mode_guest(void)
{
    vcpu_set_defaults(&g.vcpu, VCPU_LONG64);
    vcpu_set_cpl(&g.vcpu, 3);
    vcpu_reg(&g.vcpu, WHvX64RegisterCs)->Segment.Selector = 0x33;
    vcpu_reg(&g.vcpu, WHvX64RegisterSs)->Segment.Selector = 0x2b;
    vcpu_reg(&g.vcpu, WHvX64RegisterFs)->Segment.Selector = native_fs;
    vcpu_reg(&g.vcpu, WHvX64RegisterGs)->Segment.Selector = native_gs;
}

static WHV_EMULATOR_STATUS run_emulated(WHV_EMULATOR_HANDLE emulator, const struct test_case *tc,
                                        const struct state *s)
{
    const uint64_t *r = &s->rax;

    user_mode_guest();
    for (unsigned i = 0; i < STATE_REGS; i++)
        vcpu_reg(&g.vcpu, state_regs[i])->Reg64 = r[i];
    vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 = native_slot_ip(64);
    guest_write(&g, (uint64_t)(uintptr_t)mem, mem_before, sizeof mem_before);
    return emulate(emulator, tc->insn, (unsigned)(tc->end - tc->insn));
}

static bool compare(const struct test_case *tc, const struct state *in, const struct state *out,
                    WHV_EMULATOR_STATUS status)
{
    const uint64_t *before = &in->rax, *native = &out->rax;
    uint64_t rip = vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64;
    uint64_t want_rip =
        out->branched ? native_target_ip() : native_slot_ip(64) + (uint64_t)(tc->end - tc->insn);
    uint8_t emulated_mem[MEM_SIZE];
    bool ok = true;

    if (status.AsUINT32 != 1 || vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)
                                    ->PendingInterruption.InterruptionPending) {
        fprintf(stderr, "%s: status 0x%x, pending vector %u\n", tc->name, (unsigned)status.AsUINT32,
                vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)
                    ->PendingInterruption.InterruptionVector);
        return false;
    }
    for (unsigned i = 0; i < STATE_REGS; i++) {
        uint64_t got = vcpu_reg(&g.vcpu, state_regs[i])->Reg64;
        if (got != native[i]) {
            fprintf(stderr, "%s: %s = 0x%llx, native 0x%llx\n", tc->name, state_names[i],
                    (unsigned long long)got, (unsigned long long)native[i]);
            ok = false;
        }
    }
    if (rip != want_rip) {
        fprintf(stderr, "%s: rip = 0x%llx, native went on at 0x%llx\n", tc->name,
                (unsigned long long)rip, (unsigned long long)want_rip);
        ok = false;
    }
    guest_read(&g, (uint64_t)(uintptr_t)mem, emulated_mem, sizeof emulated_mem);
    for (unsigned i = 0; i < MEM_SIZE; i++) {
        if (emulated_mem[i] != mem[i]) {
            fprintf(stderr, "%s: mem[%u] = 0x%02x, native 0x%02x\n", tc->name, i, emulated_mem[i],
                    mem[i]);
            ok = false;
            break;
        }
    }
    if (!ok)
        for (unsigned i = 0; i < STATE_REGS; i++)
            fprintf(stderr, "    input %s = 0x%llx\n", state_names[i],
                    (unsigned long long)before[i]);
    return ok;
}

/* Run a case natively; false when it faulted (a broken case). */
static bool run_native(const struct test_case *tc, struct state *s)
{
    struct native_frame in = native_frame_for(64);
    struct native_result result;
    uint64_t *r = &s->rax;

    memcpy(mem, mem_before, MEM_SIZE);
    memcpy(in.gpr, r, STATE_GPRS * sizeof *r);
    in.rflags = s->rflags;
    native_place(64, tc->insn, (unsigned)(tc->end - tc->insn));
    native_run(64, &in, &result);
    CHECK(!result.faulted, "%s: native fault, vector %u", tc->name, result.vector);
    memcpy(r, result.out.gpr, STATE_GPRS * sizeof *r);
    s->rflags = result.out.rflags;
    s->branched = result.branched;
    return !result.faulted;
}

/* The cases that need a CPU feature beyond the x86-64 baseline, by name. */
// clang-format off
static const struct {
    const char *name;
    enum host_feature feature;
} case_features[] = {
    { "movnti", HF_sse2 },
    { "clflush", HF_clflush },
    { "prefetchw", HF_prefetchw },
    { "clzero", HF_clzero },
    { "clzero_addr32", HF_clzero },
};
// clang-format on

/* Whether this host can run the case; if not, its iterations are counted as skipped. */
static bool host_runs_case(const struct test_case *tc, unsigned iterations)
{
    for (size_t i = 0; i < sizeof case_features / sizeof case_features[0]; i++) {
        if (strcmp(tc->name, case_features[i].name) == 0 && !host_has(case_features[i].feature)) {
            host_skip(case_features[i].feature, iterations);
            printf("%s: skipped, needs %s (see the skip report)\n", tc->name,
                   host_feature_name(case_features[i].feature));
            return false;
        }
    }
    return true;
}

static void run_cases(WHV_EMULATOR_HANDLE emulator, unsigned iterations)
{
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct test_case *tc = &cases[c];
        unsigned failures = 0;
        if (!host_runs_case(tc, iterations))
            continue;
        for (unsigned it = 0; it < iterations; it++) {
            struct state in, out;
            WHV_EMULATOR_STATUS status;
            random_state(&in, tc);
            out = in;
            if (!run_native(tc, &out))
                break;
            status = run_emulated(emulator, tc, &in);
            if (!compare(tc, &in, &out, status) && ++failures >= 3)
                break;
        }
        CHECK(failures == 0, "%s: %u mismatches", tc->name, failures);
    }
}

/* ---- selectors: the GDT as LAR/LSL show it, LDT entries from modify_ldt ---- */

/* The LDT entries of the tests, after the runner's own (native.h); their bases are
 * 0x10000 * (i + 1). */
static const struct ldt_spec ldt_specs[] = {
    /* base, limit, bits32, code, pages, expand_down, read_only, conforming, not_present, AVL */
    { 0x10000, 0xfffff, true, false, true, false, false, false, false, true }, /* flat data */
    { 0x20000, 0x1234, true, false, false, false, true, false, false, true },  /* read-only */
    { 0x30000, 0x0fff, false, false, false, true, false, false, false, true }, /* expand-down */
    { 0x40000, 0xfffff, true, true, true, false, false, false, false, true },  /* readable code */
    { 0x50000, 0xffff, true, true, false, false, true, false, false, true },   /* execute-only */
    /* conforming code (Linux: only not present) */
    { 0x60000, 0x7fff, false, true, false, false, false, true, true, true },
    { 0x70000, 0x100, true, false, false, false, false, false, true, true }, /* not present */
};
#define TEST_LDT_ENTRIES (LDT_COUNT + sizeof ldt_specs / sizeof ldt_specs[0])

static bool make_ldt(void)
{
    for (size_t i = 0; i < sizeof ldt_specs / sizeof ldt_specs[0]; i++) {
        if (!native_set_ldt(LDT_COUNT + (unsigned)i, &ldt_specs[i])) {
            fprintf(stderr, "entry %zu refused\n", LDT_COUNT + i);
            return false;
        }
    }
    return true;
}

/* LAR/LSL/VERR/VERW of a selector: ZF and the results. */
struct query {
    uint64_t lar, lsl;
    bool lar_ok, lsl_ok, verr, verw;
};

/* The four, with the selector in CX; LAR writes RAX, LSL RDX. */
NATIVE_INSN(q_lar, "lar %cx,%rax");
NATIVE_INSN(q_lsl, "lsl %cx,%rdx");
NATIVE_INSN(q_verr, "verr %cx");
NATIVE_INSN(q_verw, "verw %cx");
static const struct {
    const uint8_t *insn, *end;
} query_insns[4] = { { q_lar_insn, q_lar_end },
                     { q_lsl_insn, q_lsl_end },
                     { q_verr_insn, q_verr_end },
                     { q_verw_insn, q_verw_end } };

/* The query from the ZF and the registers after each of the four. */
static void record_query(struct query *q, unsigned i, bool zf, uint64_t rax, uint64_t rdx)
{
    bool *ok[4] = { &q->lar_ok, &q->lsl_ok, &q->verr, &q->verw };

    *ok[i] = zf;
    if (i == 0)
        q->lar = rax;
    if (i == 1)
        q->lsl = rdx;
}

static struct query native_query(uint16_t sel)
{
    struct query q;

    for (unsigned i = 0; i < 4; i++) {
        struct native_frame in = native_frame_for(64);
        struct native_result r;

        in.gpr[NATIVE_RCX] = sel;
        in.gpr[NATIVE_RAX] = 0x5555;
        in.gpr[NATIVE_RDX] = 0x6666;
        native_place(64, query_insns[i].insn, (unsigned)(query_insns[i].end - query_insns[i].insn));
        native_run(64, &in, &r);
        CHECK(!r.faulted, "selector 0x%x query %u: vector %u", sel, i, r.vector);
        record_query(&q, i, (r.out.rflags >> 6) & 1, r.out.gpr[NATIVE_RAX], r.out.gpr[NATIVE_RDX]);
    }
    return q;
}

/* The guest's tables, at addresses of their own. */
#define GUEST_GDT 0x200000u
#define GUEST_LDT 0x210000u
#define GDT_ENTRIES 32

/* A GDT equivalent to the host's as far as LAR and LSL can see it: base 0, the access
 * rights LAR shows, the limit LSL shows (a 64-bit system descriptor gets its upper half). */
static void build_guest_gdt(void)
{
    uint8_t gdt[GDT_ENTRIES * 8];

    memset(gdt, 0, sizeof gdt);
    for (unsigned i = 1; i < GDT_ENTRIES; i++) {
        struct query q = native_query((uint16_t)(i * 8 + 3));
        uint64_t d, limit;
        if (!q.lar_ok)
            continue;
        limit = q.lsl_ok ? q.lsl : 0;
        if (q.lar & 0x800000) /* G: LSL shows the scaled limit */
            limit >>= 12;
        d = (limit & 0xffff) | ((limit & 0xf0000) << 32) | ((q.lar & 0xf0ff00) << 32);
        put64(gdt + i * 8, d);
        if (!((q.lar >> 12) & 1)) /* a system descriptor: the next slot is its upper half */
            i++;
    }
    guest_write(&g, GUEST_GDT, gdt, sizeof gdt);
}

/* The LDT as the kernel holds it, read back with modify_ldt(0). */
static void build_guest_ldt(void)
{
    uint8_t ldt[TEST_LDT_ENTRIES * 8];
    long n = syscall(SYS_modify_ldt, 0, ldt, sizeof ldt);

    CHECK(n == (long)sizeof ldt, "modify_ldt read: %ld", n);
    guest_write(&g, GUEST_LDT, ldt, sizeof ldt);
}

static void tables_guest(void)
{
    WHV_X64_SEGMENT_REGISTER *ldtr;

    user_mode_guest();
    vcpu_reg(&g.vcpu, WHvX64RegisterGdtr)->Table.Base = GUEST_GDT;
    vcpu_reg(&g.vcpu, WHvX64RegisterGdtr)->Table.Limit = GDT_ENTRIES * 8 - 1;
    ldtr = &vcpu_reg(&g.vcpu, WHvX64RegisterLdtr)->Segment;
    ldtr->Selector = 0x50; /* any non-null selector: the cached base and limit are used */
    ldtr->Base = GUEST_LDT;
    ldtr->Limit = TEST_LDT_ENTRIES * 8 - 1;
    ldtr->Present = 1;
}

/* The same four through the emulator. */
static struct query emulated_query(WHV_EMULATOR_HANDLE emulator, uint16_t sel)
{
    struct query q;

    for (unsigned i = 0; i < 4; i++) {
        WHV_EMULATOR_STATUS st;
        tables_guest();
        vcpu_reg(&g.vcpu, WHvX64RegisterRcx)->Reg64 = sel;
        vcpu_reg(&g.vcpu, WHvX64RegisterRax)->Reg64 = 0x5555;
        vcpu_reg(&g.vcpu, WHvX64RegisterRdx)->Reg64 = 0x6666;
        st = emulate(emulator, query_insns[i].insn,
                     (unsigned)(query_insns[i].end - query_insns[i].insn));
        CHECK(st.AsUINT32 == 1, "selector 0x%x insn %u: status 0x%x", sel, i,
              (unsigned)st.AsUINT32);
        record_query(&q, i, (vcpu_reg(&g.vcpu, WHvX64RegisterRflags)->Reg64 >> 6) & 1,
                     vcpu_reg(&g.vcpu, WHvX64RegisterRax)->Reg64,
                     vcpu_reg(&g.vcpu, WHvX64RegisterRdx)->Reg64);
    }
    return q;
}

static void test_descriptor_queries(WHV_EMULATOR_HANDLE emulator)
{
    unsigned compared = 0;

    build_guest_gdt();
    build_guest_ldt();
    for (unsigned index = 0; index < GDT_ENTRIES + 2; index++) {
        for (unsigned ti = 0; ti < 2; ti++) {
            for (unsigned rpl = 0; rpl < 4; rpl++) {
                uint16_t sel = (uint16_t)(index * 8 + ti * 4 + rpl);
                struct query n = native_query(sel), e = emulated_query(emulator, sel);
                CHECK(n.lar_ok == e.lar_ok && (!n.lar_ok || n.lar == e.lar),
                      "LAR 0x%x: native %d 0x%llx, emulated %d 0x%llx", sel, n.lar_ok,
                      (unsigned long long)n.lar, e.lar_ok, (unsigned long long)e.lar);
                CHECK(n.lsl_ok == e.lsl_ok && (!n.lsl_ok || n.lsl == e.lsl),
                      "LSL 0x%x: native %d 0x%llx, emulated %d 0x%llx", sel, n.lsl_ok,
                      (unsigned long long)n.lsl, e.lsl_ok, (unsigned long long)e.lsl);
                CHECK(n.lar_ok || n.lar == e.lar, "LAR 0x%x failing changed rax", sel);
                CHECK(n.verr == e.verr && n.verw == e.verw,
                      "VERR/VERW 0x%x: native %d/%d, emulated %d/%d", sel, n.verr, n.verw, e.verr,
                      e.verw);
                compared++;
            }
        }
    }
    printf("descriptor queries: %u selectors compared\n", compared);
}

/* ---- segment loads that fault natively ---- */

/* The segment loads compared, the same bytes natively and emulated. */
enum load_kind { LOAD_MOV_GS, LOAD_POP_GS, LOAD_LGS, LOAD_MOV_SS, LOAD_KINDS };
static const struct {
    const char *name;
    uint8_t bytes[3];
    unsigned length;
} load_insns[LOAD_KINDS] = {
    { "mov gs, cx", { 0x8e, 0xe9 }, 2 },
    { "pop gs", { 0x0f, 0xa9 }, 2 },
    { "lgs eax, [rbx]", { 0x0f, 0xb5, 0x03 }, 3 },
    { "mov ss, cx", { 0x8e, 0xd1 }, 2 },
};

/* Load a selector natively: from CX, from the stack top, or as the far pointer at RBX
 * (offset 0, then the selector). */
static struct native_result native_load(enum load_kind kind, uint16_t sel)
{
    struct native_frame in = native_frame_for(64);
    struct native_result r;
    uint8_t memory[8] = { 0, 0, 0, 0, (uint8_t)sel, (uint8_t)(sel >> 8) };

    memcpy(mem + RBX_OFFSET, memory, sizeof memory);
    memset(mem + RSP_OFFSET, 0, 8);
    memcpy(mem + RSP_OFFSET, memory + 4, 2);
    in.gpr[NATIVE_RCX] = sel;
    in.gpr[NATIVE_RBX] = (uint64_t)(uintptr_t)(mem + RBX_OFFSET);
    in.gpr[NATIVE_RSP] = (uint64_t)(uintptr_t)(mem + RSP_OFFSET);
    native_place(64, load_insns[kind].bytes, load_insns[kind].length);
    native_run(64, &in, &r);
    return r;
}

static void emulate_load(WHV_EMULATOR_HANDLE emulator, enum load_kind kind, uint16_t sel)
{
    WHV_EMULATOR_STATUS st;
    uint8_t memory[8] = { 0, 0, 0, 0, (uint8_t)sel, (uint8_t)(sel >> 8) };

    tables_guest();
    vcpu_reg(&g.vcpu, WHvX64RegisterRcx)->Reg64 = sel;
    vcpu_reg(&g.vcpu, WHvX64RegisterRbx)->Reg64 = 0x90000; /* LGS: offset 0, then sel */
    guest_write(&g, 0x90000, memory, sizeof memory);
    guest_write(&g, vcpu_reg(&g.vcpu, WHvX64RegisterRsp)->Reg64, memory + 4, 2); /* POP */
    st = emulate(emulator, load_insns[kind].bytes, load_insns[kind].length);
    CHECK(st.AsUINT32 == 1, "%s 0x%x: status 0x%x", load_insns[kind].name, sel,
          (unsigned)st.AsUINT32);
}

static void test_segment_loads(WHV_EMULATOR_HANDLE emulator)
{
    unsigned compared = 0;

    for (unsigned kind = 0; kind < LOAD_KINDS; kind++) {
        WHV_REGISTER_NAME target = kind == LOAD_MOV_SS ? WHvX64RegisterSs : WHvX64RegisterGs;
        for (unsigned index = 0; index < GDT_ENTRIES + 2; index++) {
            for (unsigned ti = 0; ti < 2; ti++) {
                for (unsigned rpl = 0; rpl < 4; rpl++) {
                    uint16_t sel = (uint16_t)(index * 8 + ti * 4 + rpl);
                    struct native_result n = native_load((enum load_kind)kind, sel);
                    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p;

                    emulate_load(emulator, (enum load_kind)kind, sel);
                    p = &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
                    if (n.faulted)
                        CHECK(p->InterruptionPending && p->InterruptionVector == n.vector &&
                                  p->ErrorCode == n.error_code,
                              "%s 0x%x: native vector %u error 0x%x, emulated pending %u "
                              "vector %u error 0x%x",
                              load_insns[kind].name, sel, n.vector, n.error_code,
                              p->InterruptionPending, p->InterruptionVector, p->ErrorCode);
                    else
                        CHECK(!p->InterruptionPending &&
                                  vcpu_reg(&g.vcpu, target)->Segment.Selector == sel,
                              "%s 0x%x: native loads, emulated pending %u vector %u",
                              load_insns[kind].name, sel, p->InterruptionPending,
                              p->InterruptionVector);
                    compared++;
                }
            }
        }
    }
    printf("segment loads (MOV/POP/LGS to GS, MOV to SS): %u compared\n", compared);
}

/* A null selector clears the GS base, as whvemu does: Intel CPUs, and AMD ones with
 * NullSelectorClearsBase (Zen 3 on; a hypervisor may hide the CPUID bit, so the CPU's own
 * answer decides, and only an AMD CPU that does not claim the bit may keep the base).
 * Reading the base needs RDGSBASE, which the kernel must allow. */
NATIVE_INSN(t_null_gs_base, "wrgsbase %rax\nmov %cx,%gs\nrdgsbase %rdx");

/* The GS base after WRGSBASE of `base` and MOV GS of the null selector 3, natively. */
static uint64_t native_null_gs_base(uint64_t base)
{
    struct native_frame in = native_frame_for(64);
    struct native_result r;

    in.gpr[NATIVE_RAX] = base;
    in.gpr[NATIVE_RCX] = 3;
    native_place(64, t_null_gs_base_insn, (unsigned)(t_null_gs_base_end - t_null_gs_base_insn));
    native_run(64, &in, &r);
    CHECK(!r.faulted, "wrgsbase, mov gs, rdgsbase: vector %u", r.vector);
    return r.out.gpr[NATIVE_RDX];
}

static void test_null_selector_base(WHV_EMULATOR_HANDLE emulator)
{
    static const uint8_t mov_gs[] = { 0x8e, 0xe9 }; /* mov gs, cx */
    uint64_t base = 0x12345000, after;
    WHV_EMULATOR_STATUS st;

    if (!host_runs(HF_fsgsbase)) {
        printf("null selector base: skipped, no FSGSBASE for user code here\n");
        return;
    }
    after = native_null_gs_base(base);
    if (after == base && host_is_amd() && !host_has(HF_nscb)) {
        host_skip_for("an AMD CPU without NullSelectorClearsBase keeps the base of a "
                      "null-loaded GS; whvemu clears it",
                      1);
        return;
    }
    user_mode_guest();
    vcpu_reg(&g.vcpu, WHvX64RegisterGs)->Segment.Base = base;
    vcpu_reg(&g.vcpu, WHvX64RegisterRcx)->Reg64 = 3;
    st = emulate(emulator, mov_gs, sizeof mov_gs);
    CHECK(st.AsUINT32 == 1, "mov gs, 3: status 0x%x", (unsigned)st.AsUINT32);
    CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterGs)->Segment.Base, after, "null GS base");
}

/* FS and GS as 64-bit code in the runner has them (the C library's). */
static void read_native_selectors(void)
{
    static const uint8_t nop = 0x90;
    struct native_frame in = native_frame_for(64);
    struct native_result r;

    native_place(64, &nop, 1);
    native_run(64, &in, &r);
    native_fs = r.out.seg[NSEG_FS];
    native_gs = r.out.seg[NSEG_GS];
}

/* Linux's GDT entry 15 has the CPU's number as its limit: the guest's copy of the GDT,
 * made from LSL, holds only while the thread stays on the CPU it was made on. */
static void stay_on_this_cpu(void)
{
    cpu_set_t one;
    int cpu = sched_getcpu();

    CPU_ZERO(&one);
    if (cpu >= 0)
        CPU_SET(cpu, &one);
    if (cpu < 0 || sched_setaffinity(0, sizeof one, &one) != 0)
        printf("cannot stay on one CPU: LSL of GDT entry 15 may differ if the thread moves\n");
}

int main(int argc, char **argv)
{
    unsigned iterations = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 200;
    WHV_EMULATOR_HANDLE emulator;

    if (argc > 2)
        rng_seed(strtoull(argv[2], NULL, 0));
    host_describe(stdout);
    stay_on_this_cpu();
    if (!native_init(MEM_SIZE))
        return 1;
    mem = native_layout()->buffer;
    read_native_selectors();

    guest_init(&g);
    if (WHvEmulatorCreateEmulator(&guest_callbacks, &emulator) != S_OK) {
        fprintf(stderr, "cannot create the emulator\n");
        return 1;
    }
    run_cases(emulator, iterations);
    printf("stack and branch cases: %zu forms x %u states\n", sizeof cases / sizeof cases[0],
           iterations);
    if (make_ldt()) {
        test_descriptor_queries(emulator);
        test_segment_loads(emulator);
    } else {
        host_skip_for("selector tests: no modify_ldt in this kernel",
                      (GDT_ENTRIES + 2) * 2 * 4 * (1 + LOAD_KINDS));
    }
    test_null_selector_base(emulator);
    WHvEmulatorDestroyEmulator(emulator);
    guest_free(&g);
    host_skip_report(stdout);
    return check_summary();
}
