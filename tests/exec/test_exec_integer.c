/* The integer families of the executor (alu.c, shift.c, muldiv.c, bits.c) against this
 * CPU. Each case is one instruction written once in assembler: it runs natively between
 * a load and a store of the registers, and its bytes (read back from the code) go through
 * WHvEmulatorTryMmioEmulation with the CLI's in-memory guest holding the same registers
 * and memory. Registers, RFLAGS (the undefined flags too: the emulator uses the host's
 * vendor profile by default) and the memory around RBX must agree; an instruction that
 * raises #DE natively must inject #DE and change nothing.
 *
 * Usage: test_exec_integer [iterations per case] [seed] */
#define _POSIX_C_SOURCE 200809L /* sigaction, sigsetjmp */

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "guest.h"
#include "rng.h"
#include "whvemu.h"

/* Registers a case may use, in the order the native stub loads and stores them. RBX
 * always points into mem[] (the memory operand). */
struct state {
    uint64_t rax, rcx, rdx, rbx, rsi, rdi, r8, r9, rflags;
};

static const WHV_REGISTER_NAME state_regs[] = {
    WHvX64RegisterRax, WHvX64RegisterRcx, WHvX64RegisterRdx, WHvX64RegisterRbx,
    WHvX64RegisterRsi, WHvX64RegisterRdi, WHvX64RegisterR8, WHvX64RegisterR9,
    WHvX64RegisterRflags,
};
static const char *const state_names[] = { "rax", "rcx", "rdx", "rbx", "rsi",
                                           "rdi", "r8", "r9", "rflags" };
#define STATE_REGS 9

/* How a case's inputs are drawn. */
enum input_kind {
    IN_ANY,        /* every register random */
    IN_DIVIDE,     /* usually a dividend high half that lets the quotient fit */
    IN_BIT_OFFSET, /* RCX a bit offset that stays within mem[] */
    IN_BIT_FIELD,  /* CL and CH 0..71: a BEXTR start and length, a BZHI index, a count */
};

/* A native stub: load the state (pointer in RDI), set RFLAGS, run the instruction between
 * the labels NAME_insn and NAME_end, store the state back. */
#define NATIVE(name, text)                                                                       \
    void name(struct state *);                                                                   \
    extern const uint8_t name##_insn[], name##_end[];                                            \
    __asm__(".text\n.globl " #name "\n.type " #name ",@function\n" #name ":\n"                   \
            "push %rbx\npush %rbp\nmov %rdi,%rbp\n"                                              \
            "mov 0(%rbp),%rax\nmov 8(%rbp),%rcx\nmov 16(%rbp),%rdx\nmov 24(%rbp),%rbx\n"         \
            "mov 32(%rbp),%rsi\nmov 40(%rbp),%rdi\nmov 48(%rbp),%r8\nmov 56(%rbp),%r9\n"         \
            "pushq 64(%rbp)\npopfq\n"                                                            \
            ".globl " #name "_insn\n" #name "_insn:\n" text "\n"                                 \
            ".globl " #name "_end\n" #name "_end:\n"                                             \
            "pushfq\npopq 64(%rbp)\n"                                                            \
            "mov %rax,0(%rbp)\nmov %rcx,8(%rbp)\nmov %rdx,16(%rbp)\nmov %rbx,24(%rbp)\n"         \
            "mov %rsi,32(%rbp)\nmov %rdi,40(%rbp)\nmov %r8,48(%rbp)\nmov %r9,56(%rbp)\n"         \
            "pop %rbp\npop %rbx\nret\n");

/* ---- the cases: name, instruction (AT&T syntax), inputs ---- */

#define ALU_CASES(X, op)                                                                         \
    X(op##_m8_r, #op "b %cl,(%rbx)", IN_ANY)                                                     \
    X(op##_m16_r, #op "w %cx,(%rbx)", IN_ANY)                                                    \
    X(op##_m32_r, #op "l %ecx,(%rbx)", IN_ANY)                                                   \
    X(op##_m64_r, #op "q %rcx,(%rbx)", IN_ANY)                                                   \
    X(op##_r8h_m, #op "b (%rbx),%ah", IN_ANY)                                                    \
    X(op##_r32_m, #op "l (%rbx),%esi", IN_ANY)                                                   \
    X(op##_r64_m, #op "q (%rbx),%r9", IN_ANY)                                                    \
    X(op##_m8_i, #op "b $0x9c,(%rbx)", IN_ANY)                                                   \
    X(op##_m16_ib, #op "w $-3,(%rbx)", IN_ANY)                                                   \
    X(op##_m32_i, #op "l $0x12345678,2(%rbx)", IN_ANY)                                           \
    X(op##_m64_i, #op "q $-0x7654321,(%rbx)", IN_ANY)                                            \
    X(op##_m64_ib, #op "q $0x7f,(%rbx)", IN_ANY)                                                 \
    X(op##_al_i, #op "b $0x80,%al", IN_ANY)                                                      \
    X(op##_rax_i, #op "q $-0x80000000,%rax", IN_ANY)

#define UNARY_CASES(X, op)                                                                       \
    X(op##_m8, #op "b (%rbx)", IN_ANY)                                                           \
    X(op##_m16, #op "w (%rbx)", IN_ANY)                                                          \
    X(op##_m32, #op "l (%rbx)", IN_ANY)                                                          \
    X(op##_m64, #op "q 1(%rbx)", IN_ANY)                                                         \
    X(op##_r32, #op "l %edx", IN_ANY)

#define SHIFT_CASES(X, op)                                                                       \
    X(op##_m8_cl, #op "b %cl,(%rbx)", IN_ANY)                                                    \
    X(op##_m16_cl, #op "w %cl,(%rbx)", IN_ANY)                                                   \
    X(op##_m32_cl, #op "l %cl,(%rbx)", IN_ANY)                                                   \
    X(op##_m64_cl, #op "q %cl,(%rbx)", IN_ANY)                                                   \
    X(op##_r32_cl, #op "l %cl,%eax", IN_ANY)                                                     \
    X(op##_m8_1, #op "b $1,(%rbx)", IN_ANY)                                                      \
    X(op##_m16_i, #op "w $17,(%rbx)", IN_ANY)                                                    \
    X(op##_m32_i, #op "l $31,(%rbx)", IN_ANY)                                                    \
    X(op##_m64_i, #op "q $37,(%rbx)", IN_ANY)                                                    \
    X(op##_m64_1, #op "q $1,(%rbx)", IN_ANY)

#define MULDIV_CASES(X, op, in)                                                                  \
    X(op##_m8, #op "b (%rbx)", in)                                                               \
    X(op##_m16, #op "w (%rbx)", in)                                                              \
    X(op##_m32, #op "l (%rbx)", in)                                                              \
    X(op##_m64, #op "q (%rbx)", in)                                                              \
    X(op##_r64, #op "q %rsi", in)

#define SHIFTD_CASES(X, op)                                                                      \
    X(op##_m16_cl, #op "w %cl,%dx,(%rbx)", IN_ANY)                                               \
    X(op##_m32_cl, #op "l %cl,%edx,(%rbx)", IN_ANY)                                              \
    X(op##_m64_cl, #op "q %cl,%rdx,(%rbx)", IN_ANY)                                              \
    X(op##_r32_cl, #op "l %cl,%edx,%eax", IN_ANY)                                                \
    X(op##_m16_i, #op "w $20,%dx,(%rbx)", IN_ANY)                                                \
    X(op##_m64_i, #op "q $1,%rdx,(%rbx)", IN_ANY)

/* register bit offsets reach up to 2048 bits either side of RBX */
#define BT_CASES(X, op)                                                                          \
    X(op##_m16_r, #op "w %cx,(%rbx)", IN_BIT_OFFSET)                                             \
    X(op##_m32_r, #op "l %ecx,(%rbx)", IN_BIT_OFFSET)                                            \
    X(op##_m64_r, #op "q %rcx,(%rbx)", IN_BIT_OFFSET)                                            \
    X(op##_m16_i, #op "w $21,(%rbx)", IN_ANY)                                                    \
    X(op##_m32_i, #op "l $35,(%rbx)", IN_ANY)                                                    \
    X(op##_m64_i, #op "q $63,(%rbx)", IN_ANY)                                                    \
    X(op##_r32_r, #op "l %ecx,%eax", IN_ANY)

#define SCAN_CASES(X, op)                                                                        \
    X(op##_r16_m, #op "w (%rbx),%dx", IN_ANY)                                                    \
    X(op##_r32_m, #op "l (%rbx),%edx", IN_ANY)                                                   \
    X(op##_r64_m, #op "q (%rbx),%rdx", IN_ANY)                                                   \
    X(op##_r32_r, #op "l %esi,%edx", IN_ANY)

/* sfx: operand-size suffix, r: register prefix (e for 32-bit, r for 64-bit) */
#define BMI_CASES(X, sfx, r)                                                                     \
    X(andn_##sfx, "andn" #sfx " (%rbx),%" #r "cx,%" #r "dx", IN_ANY)                             \
    X(bextr_##sfx, "bextr" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD)                     \
    X(bzhi_##sfx, "bzhi" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD)                       \
    X(blsi_##sfx, "blsi" #sfx " (%rbx),%" #r "dx", IN_ANY)                                       \
    X(blsmsk_##sfx, "blsmsk" #sfx " (%rbx),%" #r "dx", IN_ANY)                                   \
    X(blsr_##sfx, "blsr" #sfx " (%rbx),%" #r "dx", IN_ANY)                                       \
    X(pdep_##sfx, "pdep" #sfx " (%rbx),%" #r "cx,%" #r "si", IN_ANY)                             \
    X(pext_##sfx, "pext" #sfx " (%rbx),%" #r "cx,%" #r "si", IN_ANY)                             \
    X(mulx_##sfx, "mulx" #sfx " (%rbx),%" #r "cx,%" #r "si", IN_ANY)                             \
    X(mulx_same_##sfx, "mulx" #sfx " (%rbx),%" #r "si,%" #r "si", IN_ANY)                        \
    X(rorx_##sfx, "rorx" #sfx " $13,(%rbx),%" #r "dx", IN_ANY)                                   \
    X(sarx_##sfx, "sarx" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD)                       \
    X(shlx_##sfx, "shlx" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD)                       \
    X(shrx_##sfx, "shrx" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD)

#define CASES(X)                                                                                 \
    ALU_CASES(X, add) ALU_CASES(X, or) ALU_CASES(X, adc) ALU_CASES(X, sbb)                       \
    ALU_CASES(X, and) ALU_CASES(X, sub) ALU_CASES(X, xor) ALU_CASES(X, cmp)                      \
    X(test_m8_i, "testb $0x81,(%rbx)", IN_ANY)                                                   \
    X(test_m16_i, "testw $0x8001,(%rbx)", IN_ANY)                                                \
    X(test_m32_r, "testl %ecx,(%rbx)", IN_ANY)                                                   \
    X(test_m64_i, "testq $-2,(%rbx)", IN_ANY)                                                    \
    X(test_m8_f6_1, ".byte 0xf6,0x0b,0x5a", IN_ANY) /* TEST alias F6 /1 */                       \
    X(test_rax_i, "testq $0x40000000,%rax", IN_ANY)                                              \
    UNARY_CASES(X, inc) UNARY_CASES(X, dec) UNARY_CASES(X, not) UNARY_CASES(X, neg)              \
    SHIFT_CASES(X, rol) SHIFT_CASES(X, ror) SHIFT_CASES(X, rcl) SHIFT_CASES(X, rcr)              \
    SHIFT_CASES(X, shl) SHIFT_CASES(X, shr) SHIFT_CASES(X, sar)                                  \
    X(sal_alias_m8_cl, ".byte 0xd2,0x33", IN_ANY) /* SHL alias D2 /6 */                          \
    X(sal_alias_m32_i, ".byte 0xc1,0x33,0x05", IN_ANY)                                           \
    MULDIV_CASES(X, mul, IN_ANY) MULDIV_CASES(X, imul, IN_ANY)                                   \
    X(imul_r16_m_i8, "imulw $-5,(%rbx),%cx", IN_ANY)                                             \
    X(imul_r32_m_i32, "imull $0x12345,(%rbx),%ecx", IN_ANY)                                      \
    X(imul_r64_m_i32, "imulq $-0x1234567,(%rbx),%rcx", IN_ANY)                                   \
    X(imul_r64_r_i8, "imulq $127,%rsi,%rdi", IN_ANY)                                             \
    MULDIV_CASES(X, div, IN_DIVIDE) MULDIV_CASES(X, idiv, IN_DIVIDE)                             \
    X(imul_r16_m, "imulw (%rbx),%dx", IN_ANY)                                                    \
    X(imul_r32_m, "imull (%rbx),%edx", IN_ANY)                                                   \
    X(imul_r64_m, "imulq (%rbx),%rdx", IN_ANY)                                                   \
    SHIFTD_CASES(X, shld) SHIFTD_CASES(X, shrd)                                                  \
    BT_CASES(X, bt) BT_CASES(X, bts) BT_CASES(X, btr) BT_CASES(X, btc)                           \
    SCAN_CASES(X, bsf) SCAN_CASES(X, bsr) SCAN_CASES(X, tzcnt) SCAN_CASES(X, lzcnt)              \
    SCAN_CASES(X, popcnt)                                                                        \
    X(movbe_r16_m, "movbew (%rbx),%dx", IN_ANY)                                                  \
    X(movbe_r32_m, "movbel (%rbx),%edx", IN_ANY)                                                 \
    X(movbe_m64_r, "movbeq %rdx,3(%rbx)", IN_ANY)                                                \
    X(movbe_m16_r, "movbew %dx,(%rbx)", IN_ANY)                                                  \
    X(crc32_r32_m8, "crc32b (%rbx),%edx", IN_ANY)                                                \
    X(crc32_r32_m16, "crc32w (%rbx),%edx", IN_ANY)                                               \
    X(crc32_r32_m32, "crc32l (%rbx),%edx", IN_ANY)                                               \
    X(crc32_r64_m64, "crc32q (%rbx),%rdx", IN_ANY)                                               \
    X(crc32_r64_m8, "crc32b (%rbx),%rdx", IN_ANY)                                                \
    BMI_CASES(X, l, e) BMI_CASES(X, q, r)                                                        \
    X(adcx_r32_m, "adcxl (%rbx),%edx", IN_ANY)                                                   \
    X(adcx_r64_m, "adcxq (%rbx),%rdx", IN_ANY)                                                   \
    X(adox_r32_m, "adoxl (%rbx),%edx", IN_ANY)                                                   \
    X(adox_r64_m, "adoxq (%rbx),%rdx", IN_ANY)                                                   \
    X(lock_add_m32, "lock addl %ecx,(%rbx)", IN_ANY)                                             \
    X(lock_sbb_m8_i, "lock sbbb $7,1(%rbx)", IN_ANY)                                             \
    X(lock_neg_m64, "lock negq (%rbx)", IN_ANY)                                                  \
    X(lock_bts_m64_r, "lock btsq %rcx,(%rbx)", IN_BIT_OFFSET)                                    \
    X(lock_btc_m16_i, "lock btcw $9,(%rbx)", IN_ANY)                                             \
    X(rol_r8h_cl, "rolb %cl,%ch", IN_ANY)                                                        \
    X(xor_r8h_r8, "xorb %dh,%al", IN_ANY)

#define DEFINE_NATIVE(name, text, in) NATIVE(t_##name, text)
CASES(DEFINE_NATIVE)

struct test_case {
    const char *name;
    void (*run)(struct state *);
    const uint8_t *insn, *end;
    enum input_kind inputs;
};

#define CASE_ENTRY(name, text, in) { #name, t_##name, t_##name##_insn, t_##name##_end, in },
static const struct test_case cases[] = { CASES(CASE_ENTRY) };

/* ---- inputs ---- */

static uint8_t mem_before[1024], mem[1024] __attribute__((aligned(64)));
#define RBX_OFFSET 512 /* where RBX points in mem[] */
#define MEM_RBX (mem + RBX_OFFSET)

static void random_state(struct state *s, enum input_kind inputs)
{
    uint64_t *r = &s->rax;

    for (unsigned i = 0; i < STATE_REGS - 1; i++)
        r[i] = random_edgy();
    s->rbx = (uint64_t)(uintptr_t)MEM_RBX;
    for (unsigned i = 0; i < sizeof mem_before; i++)
        mem_before[i] = (uint8_t)random_edgy();
    /* arithmetic flags: none, all, or a random mix; IF as user mode always has it, and the
     * reserved bit 1 */
    switch (next_random() % 3) {
    case 0: s->rflags = 0x202; break;
    case 1: s->rflags = 0x202 | 0x8d5; break;
    default: s->rflags = 0x202 | (next_random() & 0x8d5); break;
    }
    if (inputs == IN_DIVIDE && next_random() % 4 != 0) {
        /* a high half that is the sign (or zero) extension of the low one */
        s->rdx = (next_random() & 1) && (int64_t)s->rax < 0 ? ~UINT64_C(0) : 0;
        if (next_random() & 1)
            s->rax = (s->rax & 0xffff) | ((s->rax & 0x8000) ? ~UINT64_C(0xffff) : 0);
    }
    if (inputs == IN_BIT_OFFSET)
        s->rcx = (uint64_t)((int64_t)(next_random() % 4096) - 2048);
    if (inputs == IN_BIT_FIELD)
        s->rcx = (s->rcx & ~UINT64_C(0xffff)) | next_random() % 72 | (next_random() % 72) << 8;
}

/* ---- native execution, with #DE caught ---- */

static sigjmp_buf native_fault;

static void on_sigfpe(int sig)
{
    (void)sig;
    siglongjmp(native_fault, 1);
}

/* Run natively; true when the instruction raised #DE (SIGFPE). */
static bool run_native(const struct test_case *tc, struct state *s)
{
    memcpy(mem, mem_before, sizeof mem);
    if (sigsetjmp(native_fault, 1))
        return true;
    tc->run(s);
    return false;
}

/* ---- emulation ---- */

static struct guest g;

static WHV_EMULATOR_STATUS run_emulated(WHV_EMULATOR_HANDLE emulator, const struct test_case *tc,
                                        const struct state *s)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT mmio;
    WHV_EMULATOR_STATUS status;
    unsigned length = (unsigned)(tc->end - tc->insn);
    const uint64_t *r = &s->rax;
    HRESULT hr;

    vcpu_set_defaults(&g.vcpu, VCPU_LONG64);
    for (unsigned i = 0; i < STATE_REGS; i++)
        vcpu_reg(&g.vcpu, state_regs[i])->Reg64 = r[i];
    vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 = (uint64_t)(uintptr_t)tc->insn;
    guest_write(&g, (uint64_t)(uintptr_t)mem, mem_before, sizeof mem_before);
    vcpu_exit_context(&g.vcpu, length, &vp);

    memset(&mmio, 0, sizeof mmio);
    mmio.InstructionByteCount = (UINT8)length;
    memcpy(mmio.InstructionBytes, tc->insn, length);
    mmio.AccessInfo.AccessType = WHvMemoryAccessRead;
    hr = WHvEmulatorTryMmioEmulation(emulator, &g, &vp, &mmio, &status);
    CHECK(hr == S_OK, "%s: TryMmioEmulation hr=0x%x", tc->name, (unsigned)hr);
    return status;
}

/* Compare one run; print the inputs on the first mismatch of a case only. */
static bool compare(const struct test_case *tc, const struct state *in, const struct state *out,
                    bool faulted, WHV_EMULATOR_STATUS status)
{
    const uint64_t *before = &in->rax, *native = &out->rax;
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *pending =
        &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    uint64_t rip = vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64;
    uint8_t emulated_mem[sizeof mem];
    bool ok = status.AsUINT32 == 1;

    if (!ok) {
        fprintf(stderr, "%s: status 0x%x\n", tc->name, (unsigned)status.AsUINT32);
        return false;
    }
    if (faulted) {
        ok = pending->InterruptionPending && pending->InterruptionVector == 0 &&
             rip == (uint64_t)(uintptr_t)tc->insn;
        for (unsigned i = 0; i < STATE_REGS; i++)
            ok = ok && vcpu_reg(&g.vcpu, state_regs[i])->Reg64 == before[i];
        if (!ok)
            fprintf(stderr, "%s: native #DE, emulated pending=%u vector=%u\n", tc->name,
                    pending->InterruptionPending, pending->InterruptionVector);
        return ok;
    }
    if (pending->InterruptionPending) {
        fprintf(stderr, "%s: emulation injected vector %u\n", tc->name,
                pending->InterruptionVector);
        ok = false;
    }
    for (unsigned i = 0; i < STATE_REGS; i++) {
        uint64_t got = vcpu_reg(&g.vcpu, state_regs[i])->Reg64;
        if (got != native[i]) {
            fprintf(stderr, "%s: %s = 0x%llx, native 0x%llx\n", tc->name, state_names[i],
                    (unsigned long long)got, (unsigned long long)native[i]);
            ok = false;
        }
    }
    if (rip != (uint64_t)(uintptr_t)tc->end) {
        fprintf(stderr, "%s: rip not advanced past the instruction\n", tc->name);
        ok = false;
    }
    guest_read(&g, (uint64_t)(uintptr_t)mem, emulated_mem, sizeof emulated_mem);
    for (unsigned i = 0; i < sizeof mem; i++) {
        if (emulated_mem[i] != mem[i]) {
            fprintf(stderr, "%s: mem[rbx%+d] = 0x%02x, native 0x%02x\n", tc->name,
                    (int)i - RBX_OFFSET, emulated_mem[i], mem[i]);
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

/* ---- the Intel profile, which this (AMD) machine cannot check natively ---- */

static const struct test_case *find_case(const char *name)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

/* One hand-computed vector: registers and the 8 bytes at RBX in, registers out. */
struct intel_vector {
    const char *case_name;
    uint64_t rax, rcx, rdx, memory, rflags;
    uint64_t want_rax, want_rdx, want_rflags;
};

/* What docs/flags.md gives as Intel behaviour where it differs from AMD. */
static const struct intel_vector intel_vectors[] = {
    /* MUL: SF, ZF, PF from the low half, AF clear (AMD: all four kept) */
    { "mul_m8", 0x80, 0, 0, 2, 0x202 | 0x10, 0x100, 0, 0x202 | 0x1 | 0x800 | 0x40 | 0x4 },
    { "imul_m64", ~0ull, 0, 7, ~0ull, 0x2d7, 1, 0, 0x202 },
    /* DIV: all flags kept (AMD: SF ZF PF clear, AF set) */
    { "div_m8", 100, 0, 0, 7, 0xad7, 0x020e, 0, 0xad7 },
    /* shifts: AF clear (AMD: set) */
    { "shl_m8_1", 0, 0, 0, 0x08, 0x212, 0, 0, 0x202 },
    /* BSF/BSR of 0: ZF set, other flags kept, a 32-bit destination zero-extended */
    { "bsf_r32_m", 0, 0, 0xffffffff12345678, 0, 0xa03, 0, 0x12345678, 0xa43 },
    { "bsr_r16_m", 0, 0, 0xffffffff12345678, 0, 0x202, 0, 0xffffffff12345678, 0x242 },
    /* SHLD r/m16 by 20: the 48-bit pattern destination:source:destination */
    { "shld_m16_i", 0, 0, 0xabcd, 0x1234, 0x202, 0, 0xabcd, 0xa86 },
    /* TZCNT: OF, SF, AF, PF kept (AMD: OF kept, the others cleared) */
    { "tzcnt_r32_m", 0, 0, 5, 0, 0xa96, 0, 32, 0xa97 },
    /* RCL r/m16 by 17 (CL = 17, a whole turn): no flag changes (AMD: OF computed) */
    { "rcl_m16_cl", 0, 17, 0, 0x8000, 0x202, 0, 0, 0x202 },
    /* BLSR: PF kept (AMD: from the result) */
    { "blsr_q", 0, 0, 0, 6, 0x206, 0, 4, 0x206 },
    /* BEXTR: SF from the result, AF clear (AMD: SF clear, AF set) */
    { "bextr_q", 0, 0x4000, 0, 0x8000000000000001, 0x202, 0, 0x8000000000000001, 0x282 },
};

static void test_intel_profile(void)
{
    WHV_EMULATOR_HANDLE intel;

    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &intel) == S_OK, "create emulator");
    CHECK(whvemu_set_option(intel, WHVEMU_OPTION_VENDOR, WHVEMU_VENDOR_INTEL) == S_OK,
          "select the Intel profile");
    for (size_t i = 0; i < sizeof intel_vectors / sizeof intel_vectors[0]; i++) {
        const struct intel_vector *v = &intel_vectors[i];
        const struct test_case *tc = find_case(v->case_name);
        struct state in = { v->rax, v->rcx, v->rdx, (uint64_t)(uintptr_t)MEM_RBX, 0, 0, 0, 0,
                            v->rflags };
        WHV_EMULATOR_STATUS status;

        CHECK(tc != NULL, "no case %s", v->case_name);
        if (!tc)
            continue;
        memset(mem_before, 0, sizeof mem_before);
        memcpy(mem_before + RBX_OFFSET, &v->memory, sizeof v->memory);
        status = run_emulated(intel, tc, &in);
        CHECK(status.AsUINT32 == 1, "%s (Intel): status 0x%x", tc->name, (unsigned)status.AsUINT32);
        CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRax)->Reg64, v->want_rax, tc->name);
        CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRdx)->Reg64, v->want_rdx, tc->name);
        CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRflags)->Reg64, v->want_rflags, tc->name);
    }
    WHvEmulatorDestroyEmulator(intel);
}

int main(int argc, char **argv)
{
    unsigned iterations = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 400;
    unsigned case_count = sizeof cases / sizeof cases[0], runs = 0, faults = 0;
    uint64_t vendor = 0;
    WHV_EMULATOR_HANDLE emulator;
    struct sigaction sa;

    if (argc > 2)
        rng_seed(strtoull(argv[2], NULL, 0));
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigfpe;
    sigaction(SIGFPE, &sa, NULL);

    guest_init(&g);
    test_intel_profile();
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emulator) == S_OK, "create emulator");
    whvemu_get_option(emulator, WHVEMU_OPTION_VENDOR, &vendor);
    for (unsigned c = 0; c < case_count; c++) {
        const struct test_case *tc = &cases[c];
        unsigned mismatches = 0;
        for (unsigned i = 0; i < iterations; i++) {
            struct state in, out;
            WHV_EMULATOR_STATUS status;
            bool faulted;
            random_state(&in, tc->inputs);
            out = in;
            faulted = run_native(tc, &out);
            faults += faulted;
            runs++;
            status = run_emulated(emulator, tc, &in);
            if (!compare(tc, &in, &out, faulted, status) && ++mismatches >= 3)
                break;
        }
        CHECK(mismatches == 0, "%s: %u mismatching runs", tc->name, mismatches);
    }
    printf("exec_integer: %u cases x %u runs (%u runs, %u raised #DE), vendor profile %s\n",
           case_count, iterations, runs, faults, vendor == WHVEMU_VENDOR_AMD ? "AMD" : "Intel");
    WHvEmulatorDestroyEmulator(emulator);
    guest_free(&g);
    return check_summary();
}
