/* The integer families of the executor (alu.c, shift.c, muldiv.c, bits.c) against this
 * CPU. Each case is one instruction written once in assembler: its bytes run natively in
 * the runner of tests/common (native.h) and go through WHvEmulatorTryMmioEmulation with the
 * CLI's in-memory guest holding the same registers and memory, once per vendor option:
 *  - the default (WHVEMU_VENDOR_HOST): registers, RFLAGS (undefined flags included), the
 *    memory around RBX must equal the CPU's. A build without host stubs (portable C,
 *    WHVEMU_NO_HOST_OPS) is held to what a profile is held to, below;
 *  - the Intel and AMD C profiles, on any host: everything the SDM defines must equal the
 *    CPU's; flags and results it leaves undefined (sdm_undefined.h) are masked, and how
 *    often each profile differs there is printed per instruction (informational).
 * An instruction that raises #DE natively must inject #DE and change nothing. A case that
 * needs a feature this host lacks (tests/common/hostcpu.h, WHVEMU_TEST_HIDE) is skipped and
 * counted. Hand vectors pin both profiles to docs/flags.md on any host.
 *
 * Usage: test_exec_integer [iterations per case] [seed] */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "exec/hostop.h"
#include "guest.h"
#include "hostcpu.h"
#include "native.h"
#include "rng.h"
#include "sdm_undefined.h"
#include "whvemu.h"

enum { CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800 };

/* Registers a case may use. RBX always points into mem[] (the memory operand). */
struct state {
    uint64_t rax, rcx, rdx, rbx, rsi, rdi, r8, r9, rflags;
};

static const WHV_REGISTER_NAME state_regs[] = {
    WHvX64RegisterRax, WHvX64RegisterRcx, WHvX64RegisterRdx,
    WHvX64RegisterRbx, WHvX64RegisterRsi, WHvX64RegisterRdi,
    WHvX64RegisterR8,  WHvX64RegisterR9,  WHvX64RegisterRflags,
};
static const char *const state_names[] = { "rax", "rcx", "rdx", "rbx",   "rsi",
                                           "rdi", "r8",  "r9",  "rflags" };
static const int state_gprs[] = { 0, 1, 2, 3, 6, 7, 8, 9, -1 }; /* enum gpr of each slot */
#define STATE_REGS 9
#define RFLAGS_SLOT 8

/* How a case's inputs are drawn. */
enum input_kind {
    IN_ANY,        /* every register random */
    IN_DIVIDE,     /* usually a dividend high half that lets the quotient fit */
    IN_BIT_OFFSET, /* RCX a bit offset that stays within mem[] */
    IN_BIT_FIELD,  /* CL and CH 0..71: a BEXTR start and length, a BZHI index, a count */
};

/* A case that needs no optional feature. */
#define NO_FEATURE HF_COUNT

/* ---- the cases: name, instruction (AT&T syntax), inputs ---- */

// clang-format off
#define ALU_CASES(X, op)                                                                         \
    X(op##_m8_r, #op "b %cl,(%rbx)", IN_ANY, NO_FEATURE)                                         \
    X(op##_m16_r, #op "w %cx,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_m32_r, #op "l %ecx,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(op##_m64_r, #op "q %rcx,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(op##_r8h_m, #op "b (%rbx),%ah", IN_ANY, NO_FEATURE)                                        \
    X(op##_r32_m, #op "l (%rbx),%esi", IN_ANY, NO_FEATURE)                                       \
    X(op##_r64_m, #op "q (%rbx),%r9", IN_ANY, NO_FEATURE)                                        \
    X(op##_m8_i, #op "b $0x9c,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(op##_m16_ib, #op "w $-3,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(op##_m32_i, #op "l $0x12345678,2(%rbx)", IN_ANY, NO_FEATURE)                               \
    X(op##_m64_i, #op "q $-0x7654321,(%rbx)", IN_ANY, NO_FEATURE)                                \
    X(op##_m64_ib, #op "q $0x7f,(%rbx)", IN_ANY, NO_FEATURE)                                     \
    X(op##_al_i, #op "b $0x80,%al", IN_ANY, NO_FEATURE)                                          \
    X(op##_rax_i, #op "q $-0x80000000,%rax", IN_ANY, NO_FEATURE)

#define UNARY_CASES(X, op)                                                                       \
    X(op##_m8, #op "b (%rbx)", IN_ANY, NO_FEATURE)                                               \
    X(op##_m16, #op "w (%rbx)", IN_ANY, NO_FEATURE)                                              \
    X(op##_m32, #op "l (%rbx)", IN_ANY, NO_FEATURE)                                              \
    X(op##_m64, #op "q 1(%rbx)", IN_ANY, NO_FEATURE)                                             \
    X(op##_r32, #op "l %edx", IN_ANY, NO_FEATURE)

#define SHIFT_CASES(X, op)                                                                       \
    X(op##_m8_cl, #op "b %cl,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_m16_cl, #op "w %cl,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(op##_m32_cl, #op "l %cl,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(op##_m64_cl, #op "q %cl,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(op##_r32_cl, #op "l %cl,%eax", IN_ANY, NO_FEATURE)                                         \
    X(op##_m8_1, #op "b $1,(%rbx)", IN_ANY, NO_FEATURE)                                          \
    X(op##_m16_i, #op "w $17,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_m32_i, #op "l $31,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_m64_i, #op "q $37,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_m64_1, #op "q $1,(%rbx)", IN_ANY, NO_FEATURE)

#define MULDIV_CASES(X, op, in)                                                                  \
    X(op##_m8, #op "b (%rbx)", in, NO_FEATURE)                                                   \
    X(op##_m16, #op "w (%rbx)", in, NO_FEATURE)                                                  \
    X(op##_m32, #op "l (%rbx)", in, NO_FEATURE)                                                  \
    X(op##_m64, #op "q (%rbx)", in, NO_FEATURE)                                                  \
    X(op##_r64, #op "q %rsi", in, NO_FEATURE)

#define SHIFTD_CASES(X, op)                                                                      \
    X(op##_m16_cl, #op "w %cl,%dx,(%rbx)", IN_ANY, NO_FEATURE)                                   \
    X(op##_m32_cl, #op "l %cl,%edx,(%rbx)", IN_ANY, NO_FEATURE)                                  \
    X(op##_m64_cl, #op "q %cl,%rdx,(%rbx)", IN_ANY, NO_FEATURE)                                  \
    X(op##_r32_cl, #op "l %cl,%edx,%eax", IN_ANY, NO_FEATURE)                                    \
    X(op##_m16_i, #op "w $20,%dx,(%rbx)", IN_ANY, NO_FEATURE)                                    \
    X(op##_m64_i, #op "q $1,%rdx,(%rbx)", IN_ANY, NO_FEATURE)

/* register bit offsets reach up to 2048 bits either side of RBX */
#define BT_CASES(X, op)                                                                          \
    X(op##_m16_r, #op "w %cx,(%rbx)", IN_BIT_OFFSET, NO_FEATURE)                                 \
    X(op##_m32_r, #op "l %ecx,(%rbx)", IN_BIT_OFFSET, NO_FEATURE)                                \
    X(op##_m64_r, #op "q %rcx,(%rbx)", IN_BIT_OFFSET, NO_FEATURE)                                \
    X(op##_m16_i, #op "w $21,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_m32_i, #op "l $35,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_m64_i, #op "q $63,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(op##_r32_r, #op "l %ecx,%eax", IN_ANY, NO_FEATURE)

#define SCAN_CASES(X, op, feature)                                                               \
    X(op##_r16_m, #op "w (%rbx),%dx", IN_ANY, feature)                                           \
    X(op##_r32_m, #op "l (%rbx),%edx", IN_ANY, feature)                                          \
    X(op##_r64_m, #op "q (%rbx),%rdx", IN_ANY, feature)                                          \
    X(op##_r32_r, #op "l %esi,%edx", IN_ANY, feature)

/* sfx: operand-size suffix, r: register prefix (e for 32-bit, r for 64-bit) */
#define BMI_CASES(X, sfx, r)                                                                     \
    X(andn_##sfx, "andn" #sfx " (%rbx),%" #r "cx,%" #r "dx", IN_ANY, HF_bmi1)                    \
    X(bextr_##sfx, "bextr" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD, HF_bmi1)            \
    X(bzhi_##sfx, "bzhi" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD, HF_bmi2)              \
    X(blsi_##sfx, "blsi" #sfx " (%rbx),%" #r "dx", IN_ANY, HF_bmi1)                              \
    X(blsmsk_##sfx, "blsmsk" #sfx " (%rbx),%" #r "dx", IN_ANY, HF_bmi1)                          \
    X(blsr_##sfx, "blsr" #sfx " (%rbx),%" #r "dx", IN_ANY, HF_bmi1)                              \
    X(pdep_##sfx, "pdep" #sfx " (%rbx),%" #r "cx,%" #r "si", IN_ANY, HF_bmi2)                    \
    X(pext_##sfx, "pext" #sfx " (%rbx),%" #r "cx,%" #r "si", IN_ANY, HF_bmi2)                    \
    X(mulx_##sfx, "mulx" #sfx " (%rbx),%" #r "cx,%" #r "si", IN_ANY, HF_bmi2)                    \
    X(mulx_same_##sfx, "mulx" #sfx " (%rbx),%" #r "si,%" #r "si", IN_ANY, HF_bmi2)               \
    X(rorx_##sfx, "rorx" #sfx " $13,(%rbx),%" #r "dx", IN_ANY, HF_bmi2)                          \
    X(sarx_##sfx, "sarx" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD, HF_bmi2)              \
    X(shlx_##sfx, "shlx" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD, HF_bmi2)              \
    X(shrx_##sfx, "shrx" #sfx " %" #r "cx,(%rbx),%" #r "dx", IN_BIT_FIELD, HF_bmi2)

#define CASES(X)                                                                                 \
    ALU_CASES(X, add) ALU_CASES(X, or) ALU_CASES(X, adc) ALU_CASES(X, sbb)                       \
    ALU_CASES(X, and) ALU_CASES(X, sub) ALU_CASES(X, xor) ALU_CASES(X, cmp)                      \
    X(test_m8_i, "testb $0x81,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(test_m16_i, "testw $0x8001,(%rbx)", IN_ANY, NO_FEATURE)                                    \
    X(test_m32_r, "testl %ecx,(%rbx)", IN_ANY, NO_FEATURE)                                       \
    X(test_m64_i, "testq $-2,(%rbx)", IN_ANY, NO_FEATURE)                                        \
    X(test_m8_f6_1, ".byte 0xf6,0x0b,0x5a", IN_ANY, NO_FEATURE) /* TEST alias F6 /1 */           \
    X(test_rax_i, "testq $0x40000000,%rax", IN_ANY, NO_FEATURE)                                  \
    UNARY_CASES(X, inc) UNARY_CASES(X, dec) UNARY_CASES(X, not) UNARY_CASES(X, neg)              \
    SHIFT_CASES(X, rol) SHIFT_CASES(X, ror) SHIFT_CASES(X, rcl) SHIFT_CASES(X, rcr)              \
    SHIFT_CASES(X, shl) SHIFT_CASES(X, shr) SHIFT_CASES(X, sar)                                  \
    X(sal_alias_m8_cl, ".byte 0xd2,0x33", IN_ANY, NO_FEATURE) /* SHL alias D2 /6 */              \
    X(sal_alias_m32_i, ".byte 0xc1,0x33,0x05", IN_ANY, NO_FEATURE)                               \
    MULDIV_CASES(X, mul, IN_ANY) MULDIV_CASES(X, imul, IN_ANY)                                   \
    X(imul_r16_m_i8, "imulw $-5,(%rbx),%cx", IN_ANY, NO_FEATURE)                                 \
    X(imul_r32_m_i32, "imull $0x12345,(%rbx),%ecx", IN_ANY, NO_FEATURE)                          \
    X(imul_r64_m_i32, "imulq $-0x1234567,(%rbx),%rcx", IN_ANY, NO_FEATURE)                       \
    X(imul_r64_r_i8, "imulq $127,%rsi,%rdi", IN_ANY, NO_FEATURE)                                 \
    MULDIV_CASES(X, div, IN_DIVIDE) MULDIV_CASES(X, idiv, IN_DIVIDE)                             \
    X(imul_r16_m, "imulw (%rbx),%dx", IN_ANY, NO_FEATURE)                                        \
    X(imul_r32_m, "imull (%rbx),%edx", IN_ANY, NO_FEATURE)                                       \
    X(imul_r64_m, "imulq (%rbx),%rdx", IN_ANY, NO_FEATURE)                                       \
    SHIFTD_CASES(X, shld) SHIFTD_CASES(X, shrd)                                                  \
    BT_CASES(X, bt) BT_CASES(X, bts) BT_CASES(X, btr) BT_CASES(X, btc)                           \
    SCAN_CASES(X, bsf, NO_FEATURE) SCAN_CASES(X, bsr, NO_FEATURE) SCAN_CASES(X, tzcnt, HF_bmi1)  \
    SCAN_CASES(X, lzcnt, HF_lzcnt) SCAN_CASES(X, popcnt, HF_popcnt)                              \
    X(movbe_r16_m, "movbew (%rbx),%dx", IN_ANY, HF_movbe)                                        \
    X(movbe_r32_m, "movbel (%rbx),%edx", IN_ANY, HF_movbe)                                       \
    X(movbe_m64_r, "movbeq %rdx,3(%rbx)", IN_ANY, HF_movbe)                                      \
    X(movbe_m16_r, "movbew %dx,(%rbx)", IN_ANY, HF_movbe)                                        \
    X(crc32_r32_m8, "crc32b (%rbx),%edx", IN_ANY, HF_sse42)                                      \
    X(crc32_r32_m16, "crc32w (%rbx),%edx", IN_ANY, HF_sse42)                                     \
    X(crc32_r32_m32, "crc32l (%rbx),%edx", IN_ANY, HF_sse42)                                     \
    X(crc32_r64_m64, "crc32q (%rbx),%rdx", IN_ANY, HF_sse42)                                     \
    X(crc32_r64_m8, "crc32b (%rbx),%rdx", IN_ANY, HF_sse42)                                      \
    BMI_CASES(X, l, e) BMI_CASES(X, q, r)                                                        \
    X(adcx_r32_m, "adcxl (%rbx),%edx", IN_ANY, HF_adx)                                           \
    X(adcx_r64_m, "adcxq (%rbx),%rdx", IN_ANY, HF_adx)                                           \
    X(adox_r32_m, "adoxl (%rbx),%edx", IN_ANY, HF_adx)                                           \
    X(adox_r64_m, "adoxq (%rbx),%rdx", IN_ANY, HF_adx)                                           \
    X(lock_add_m32, "lock addl %ecx,(%rbx)", IN_ANY, NO_FEATURE)                                 \
    X(lock_sbb_m8_i, "lock sbbb $7,1(%rbx)", IN_ANY, NO_FEATURE)                                 \
    X(lock_neg_m64, "lock negq (%rbx)", IN_ANY, NO_FEATURE)                                      \
    X(lock_bts_m64_r, "lock btsq %rcx,(%rbx)", IN_BIT_OFFSET, NO_FEATURE)                        \
    X(lock_btc_m16_i, "lock btcw $9,(%rbx)", IN_ANY, NO_FEATURE)                                 \
    X(rol_r8h_cl, "rolb %cl,%ch", IN_ANY, NO_FEATURE)                                            \
    X(xor_r8h_r8, "xorb %dh,%al", IN_ANY, NO_FEATURE)
// clang-format on

#define DEFINE_INSN(name, text, in, feature) NATIVE_INSN(t_##name, text);
CASES(DEFINE_INSN)

struct test_case {
    const char *name;
    const uint8_t *insn, *end;
    enum input_kind inputs;
    enum host_feature feature; /* NO_FEATURE or what the host must have */
};

#define CASE_ENTRY(name, text, in, feature) { #name, t_##name##_insn, t_##name##_end, in, feature },
static const struct test_case cases[] = { CASES(CASE_ENTRY) };
#define CASE_COUNT (sizeof cases / sizeof cases[0])

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

/* ---- native execution ---- */

/* Run natively; true when the instruction raised #DE (any other fault is a failure). */
static bool run_native(const struct test_case *tc, struct state *s)
{
    struct native_frame in = native_frame_for(64);
    struct native_result result;
    uint64_t *r = &s->rax;

    memcpy(mem, mem_before, sizeof mem);
    for (unsigned i = 0; i < STATE_REGS - 1; i++)
        in.gpr[state_gprs[i]] = r[i];
    in.rflags = s->rflags;
    native_place(64, tc->insn, (unsigned)(tc->end - tc->insn));
    native_run(64, &in, &result);
    CHECK(!result.faulted || result.vector == 0, "%s: native fault, vector %u", tc->name,
          result.vector);
    if (result.faulted)
        return true;
    for (unsigned i = 0; i < STATE_REGS - 1; i++)
        r[i] = result.out.gpr[state_gprs[i]];
    s->rflags = result.out.rflags;
    return false;
}

/* ---- emulation ---- */

static struct guest g;

static WHV_EMULATOR_STATUS run_emulated(WHV_EMULATOR_HANDLE emulator, const struct test_case *tc,
                                        const struct state *s)
{
    WHV_EMULATOR_STATUS status;
    const uint64_t *r = &s->rax;
    HRESULT hr;

    vcpu_set_defaults(&g.vcpu, VCPU_LONG64);
    for (unsigned i = 0; i < STATE_REGS; i++)
        vcpu_reg(&g.vcpu, state_regs[i])->Reg64 = r[i];
    vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 = native_slot_ip(64);
    guest_write(&g, (uint64_t)(uintptr_t)mem, mem_before, sizeof mem_before);
    hr = guest_run_mmio(&g, emulator, tc->insn, (unsigned)(tc->end - tc->insn), &status);
    CHECK(hr == S_OK, "%s: TryMmioEmulation hr=0x%x", tc->name, (unsigned)hr);
    return status;
}

/* ---- comparison ---- */

/* The emulators under test: the default and the two C profiles. */
enum { EMU_DEFAULT, EMU_INTEL, EMU_AMD, EMU_COUNT };
static const char *const emulator_names[EMU_COUNT] = { "default", "Intel profile", "AMD profile" };
static const uint64_t emulator_vendors[EMU_COUNT] = { WHVEMU_VENDOR_HOST, WHVEMU_VENDOR_INTEL,
                                                      WHVEMU_VENDOR_AMD };
static WHV_EMULATOR_HANDLE emulators[EMU_COUNT];

/* How one emulated run compares with the native one. */
enum verdict { SAME, UNDEFINED_ONLY, MISMATCH };

/* One case as the comparison needs it: the case, its decoded facts, and the run. */
struct run {
    const struct test_case *tc;
    struct insn_facts facts;
    struct state in, out;
    bool faulted; /* #DE natively */
};

static enum verdict worse(enum verdict a, enum verdict b)
{
    return a > b ? a : b;
}

/* A difference: none, only within undefined_bits, or a mismatch. */
static enum verdict judge(uint64_t got, uint64_t want, uint64_t undefined_bits)
{
    if (got == want)
        return SAME;
    return ((got ^ want) & ~undefined_bits) == 0 ? UNDEFINED_ONLY : MISMATCH;
}

/* Registers and memory after the emulation against the native run, with mask's undefined
 * flags and result (the destination register or memory) masked. */
static enum verdict compare_state(const struct run *run, const struct sdm_undefined *mask,
                                  const char *who)
{
    const uint64_t *native = &run->out.rax;
    uint8_t emulated_mem[sizeof mem];
    enum verdict v = SAME;

    for (unsigned i = 0; i < STATE_REGS; i++) {
        uint64_t got = vcpu_reg(&g.vcpu, state_regs[i])->Reg64;
        bool undefined = mask->result && state_gprs[i] == run->facts.destination_gpr;
        enum verdict r = judge(got, native[i],
                               i == RFLAGS_SLOT ? mask->flags
                               : undefined      ? ~UINT64_C(0)
                                                : 0);
        if (r == MISMATCH)
            fprintf(stderr, "%s (%s): %s = 0x%llx, native 0x%llx\n", run->tc->name, who,
                    state_names[i], (unsigned long long)got, (unsigned long long)native[i]);
        v = worse(v, r);
    }
    guest_read(&g, (uint64_t)(uintptr_t)mem, emulated_mem, sizeof emulated_mem);
    if (memcmp(emulated_mem, mem, sizeof mem) != 0) {
        bool undefined = mask->result && run->facts.destination_gpr < 0;
        if (!undefined)
            fprintf(stderr, "%s (%s): memory around rbx differs\n", run->tc->name, who);
        v = worse(v, undefined ? UNDEFINED_ONLY : MISMATCH);
    }
    return v;
}

/* After a native #DE: #DE injected, RIP and every register unchanged. */
static enum verdict compare_fault(const struct run *run, const char *who)
{
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *pending =
        &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    const uint64_t *before = &run->in.rax;
    bool ok = pending->InterruptionPending && pending->InterruptionVector == 0 &&
              vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 == native_slot_ip(64);

    for (unsigned i = 0; i < STATE_REGS; i++)
        ok = ok && vcpu_reg(&g.vcpu, state_regs[i])->Reg64 == before[i];
    if (!ok)
        fprintf(stderr, "%s (%s): native #DE, emulated pending=%u vector=%u\n", run->tc->name, who,
                pending->InterruptionPending, pending->InterruptionVector);
    return ok ? SAME : MISMATCH;
}

/* One emulation against the native run; mask: what to leave out of the comparison. */
static enum verdict compare(const struct run *run, WHV_EMULATOR_STATUS status,
                            const struct sdm_undefined *mask, const char *who)
{
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *pending =
        &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    enum verdict v;

    if (status.AsUINT32 != 1) {
        fprintf(stderr, "%s (%s): status 0x%x\n", run->tc->name, who, (unsigned)status.AsUINT32);
        return MISMATCH;
    }
    if (run->faulted)
        return compare_fault(run, who);
    v = compare_state(run, mask, who);
    if (pending->InterruptionPending) {
        fprintf(stderr, "%s (%s): emulation injected vector %u\n", run->tc->name, who,
                pending->InterruptionVector);
        v = MISMATCH;
    }
    if (vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 !=
        native_slot_ip(64) + (uint64_t)(run->tc->end - run->tc->insn)) {
        fprintf(stderr, "%s (%s): rip not advanced past the instruction\n", run->tc->name, who);
        v = MISMATCH;
    }
    return v;
}

/* ---- the run of every case ---- */

/* Per emulator: runs, and runs that differed from the CPU only where the SDM leaves it
 * open, per mnemonic (informational). */
static unsigned long runs_of[MN_COUNT], undefined_differences[EMU_COUNT][MN_COUNT];

/* Whether the default emulator must match the CPU exactly: it runs host stubs. */
static bool default_is_exact(void)
{
    return hostop_stubs_compiled();
}

static void print_inputs(const struct state *in)
{
    const uint64_t *r = &in->rax;

    for (unsigned i = 0; i < STATE_REGS; i++)
        fprintf(stderr, "    input %s = 0x%llx\n", state_names[i], (unsigned long long)r[i]);
}

/* One random run of a case on the CPU and on every emulator; false on a mismatch. */
static bool run_once(struct run *run)
{
    static const struct sdm_undefined exact = { 0, false };
    struct sdm_undefined mask;
    bool ok = true;

    random_state(&run->in, run->tc->inputs);
    run->out = run->in;
    run->faulted = run_native(run->tc, &run->out);
    mask = sdm_undefined_of(&run->facts, run->in.rcx, (run->out.rflags & ZF) != 0);
    runs_of[run->facts.mnemonic]++;
    for (unsigned e = 0; e < EMU_COUNT; e++) {
        bool exact_match = e == EMU_DEFAULT && default_is_exact();
        WHV_EMULATOR_STATUS status = run_emulated(emulators[e], run->tc, &run->in);
        enum verdict v = compare(run, status, exact_match ? &exact : &mask, emulator_names[e]);
        undefined_differences[e][run->facts.mnemonic] += v == UNDEFINED_ONLY;
        ok = ok && v != MISMATCH;
    }
    if (!ok)
        print_inputs(&run->in);
    return ok;
}

/* Every case, iterations random runs each (a case stops after 3 mismatching runs). */
static void run_cases(unsigned iterations, unsigned *runs, unsigned *faults)
{
    for (size_t c = 0; c < CASE_COUNT; c++) {
        struct run run = { &cases[c] };
        unsigned mismatches = 0;

        if (cases[c].feature != NO_FEATURE && !host_runs(cases[c].feature))
            continue;
        CHECK(insn_facts_of(cases[c].insn, (size_t)(cases[c].end - cases[c].insn), &run.facts),
              "%s: not one instruction", cases[c].name);
        for (unsigned i = 0; i < iterations && mismatches < 3; i++) {
            mismatches += !run_once(&run);
            *faults += run.faulted;
            ++*runs;
        }
        CHECK(mismatches == 0, "%s: %u mismatching runs", cases[c].name, mismatches);
    }
}

/* How often each profile differed from this CPU where the SDM leaves it open. */
static void print_undefined_differences(void)
{
    unsigned first = default_is_exact() ? EMU_INTEL : EMU_DEFAULT;

    printf("runs that differ from this CPU in SDM-undefined flags or results only "
           "(informational):\n%-8s %8s",
           "", "runs");
    for (unsigned e = first; e < EMU_COUNT; e++)
        printf(" %14s", emulator_names[e]);
    putchar('\n');
    for (unsigned mn = 0; mn < MN_COUNT; mn++) {
        struct insn_facts facts = { (enum mnemonic)mn, 8, 2, -1 };
        if (!runs_of[mn] || sdm_undefined_of(&facts, 0, true).flags == 0)
            continue;
        printf("%-8s %8lu", mnemonic_name((enum mnemonic)mn), runs_of[mn]);
        for (unsigned e = first; e < EMU_COUNT; e++)
            printf(" %14lu", undefined_differences[e][mn]);
        putchar('\n');
    }
}

/* ---- the profiles pinned by hand vectors ---- */

static const struct test_case *find_case(const char *name)
{
    for (size_t i = 0; i < CASE_COUNT; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

/* One vector: the profile, registers and the 8 bytes at RBX in, registers out. */
struct profile_vector {
    const char *case_name;
    uint64_t vendor;
    uint64_t rax, rcx, rdx, memory, rflags;
    uint64_t want_rax, want_rdx, want_rflags;
};

#define INTEL WHVEMU_VENDOR_INTEL
#define AMD WHVEMU_VENDOR_AMD

/* docs/flags.md, where the profiles differ: Intel as Bochs models it, AMD as measured on a
 * Zen 5 (family 26 model 2). */
static const struct profile_vector profile_vectors[] = {
    /* MUL: Intel SF, ZF, PF from the low half, AF clear; AMD keeps all four */
    { "mul_m8", INTEL, 0x80, 0, 0, 2, 0x202 | AF, 0x100, 0, 0x202 | CF | OF | ZF | PF },
    { "mul_m8", AMD, 0x80, 0, 0, 2, 0x202 | AF, 0x100, 0, 0x202 | CF | OF | AF },
    { "imul_m64", INTEL, ~0ull, 0, 7, ~0ull, 0x2d7, 1, 0, 0x202 },
    { "imul_m64", AMD, ~0ull, 0, 7, ~0ull, 0x2d7, 1, 0, 0x2d6 },
    /* DIV: Intel keeps all flags; AMD clears SF ZF PF, sets AF, keeps CF OF */
    { "div_m8", INTEL, 100, 0, 0, 7, 0xad7, 0x020e, 0, 0xad7 },
    { "div_m8", AMD, 100, 0, 0, 7, 0xad7, 0x020e, 0, 0xa13 },
    /* shifts: AF clear on Intel, set on AMD */
    { "shl_m8_1", INTEL, 0, 0, 0, 0x08, 0x212, 0, 0, 0x202 },
    { "shl_m8_1", AMD, 0, 0, 0, 0x08, 0x202, 0, 0, 0x212 },
    /* BSF/BSR of 0: ZF set; Intel keeps the other flags and zero-extends a 32-bit
     * destination; AMD writes nothing and sets the flags of a zero result */
    { "bsf_r32_m", INTEL, 0, 0, 0xffffffff12345678, 0, 0xa03, 0, 0x12345678, 0xa43 },
    { "bsf_r32_m", AMD, 0, 0, 0xffffffff12345678, 0, 0xa03, 0, 0xffffffff12345678, 0x246 },
    { "bsr_r16_m", INTEL, 0, 0, 0xffffffff12345678, 0, 0x202, 0, 0xffffffff12345678, 0x242 },
    { "bsr_r16_m", AMD, 0, 0, 0xffffffff12345678, 0, 0xad7, 0, 0xffffffff12345678, 0x246 },
    /* BSF of non-zero: CF OF SF AF clear, PF from the index (both profiles) */
    { "bsf_r64_m", INTEL, 0, 0, 0, 0x80, 0xad7, 0, 7, 0x202 },
    { "bsf_r64_m", AMD, 0, 0, 0, 0x80, 0xad7, 0, 7, 0x202 },
    /* SHLD r/m16 by 20: Intel shifts the pattern dst:src:dst, AMD dst:src:src with CF 0 */
    { "shld_m16_i", INTEL, 0, 0, 0xabcd, 0x1234, 0x202, 0, 0xabcd, 0xa86 },
    { "shld_m16_i", AMD, 0, 0, 0xabcd, 0x1234, 0x202, 0, 0xabcd, 0x292 },
    /* TZCNT: Intel keeps OF, SF, AF, PF; AMD keeps OF and clears the others */
    { "tzcnt_r32_m", INTEL, 0, 0, 5, 0, 0xa96, 0, 32, 0xa97 },
    { "tzcnt_r32_m", AMD, 0, 0, 5, 0, 0xa96, 0, 32, 0xa03 },
    /* RCL r/m16 by 17 (a whole turn): Intel changes no flag, AMD computes OF */
    { "rcl_m16_cl", INTEL, 0, 17, 0, 0x8000, 0x202, 0, 0, 0x202 },
    { "rcl_m16_cl", AMD, 0, 17, 0, 0x8000, 0x202, 0, 0, 0xa02 },
    /* BLSR: Intel keeps PF, AMD sets it from the result */
    { "blsr_q", INTEL, 0, 0, 0, 6, 0x206, 0, 4, 0x206 },
    { "blsr_q", AMD, 0, 0, 0, 6, 0x206, 0, 4, 0x202 },
    /* BEXTR: Intel SF from the result, AF clear; AMD SF clear, AF set */
    { "bextr_q", INTEL, 0, 0x4000, 0, 0x8000000000000001, 0x202, 0, 0x8000000000000001, 0x282 },
    { "bextr_q", AMD, 0, 0x4000, 0, 0x8000000000000001, 0x202, 0, 0x8000000000000001, 0x212 },
};

static void test_profile_vectors(void)
{
    for (size_t i = 0; i < sizeof profile_vectors / sizeof profile_vectors[0]; i++) {
        const struct profile_vector *v = &profile_vectors[i];
        const struct test_case *tc = find_case(v->case_name);
        struct state in = { v->rax, v->rcx, v->rdx,   (uint64_t)(uintptr_t)MEM_RBX, 0, 0,
                            0,      0,      v->rflags };
        const char *who = v->vendor == INTEL ? "Intel" : "AMD";
        WHV_EMULATOR_STATUS status;

        CHECK(tc != NULL, "no case %s", v->case_name);
        if (!tc)
            continue;
        memset(mem_before, 0, sizeof mem_before);
        memcpy(mem_before + RBX_OFFSET, &v->memory, sizeof v->memory);
        status = run_emulated(emulators[v->vendor == INTEL ? EMU_INTEL : EMU_AMD], tc, &in);
        CHECK(status.AsUINT32 == 1, "%s (%s): status 0x%x", tc->name, who,
              (unsigned)status.AsUINT32);
        CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRax)->Reg64, v->want_rax, tc->name);
        CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRdx)->Reg64, v->want_rdx, tc->name);
        CHECK_EQ(vcpu_reg(&g.vcpu, WHvX64RegisterRflags)->Reg64, v->want_rflags, tc->name);
    }
}

/* ---- the vendor option ---- */

/* A new emulator reports the default (host); every WHVEMU_VENDOR is accepted, nothing else. */
static void create_emulators(void)
{
    uint64_t value = ~UINT64_C(0);

    for (unsigned e = 0; e < EMU_COUNT; e++) {
        CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emulators[e]) == S_OK, "create");
        if (e == EMU_DEFAULT)
            continue;
        CHECK(whvemu_set_option(emulators[e], WHVEMU_OPTION_VENDOR, emulator_vendors[e]) == S_OK,
              "select the %s", emulator_names[e]);
    }
    CHECK(whvemu_get_option(emulators[EMU_DEFAULT], WHVEMU_OPTION_VENDOR, &value) == S_OK &&
              value == WHVEMU_VENDOR_HOST,
          "default vendor %llu", (unsigned long long)value);
    CHECK(whvemu_set_option(emulators[EMU_DEFAULT], WHVEMU_OPTION_VENDOR, 3) == E_INVALIDARG,
          "vendor 3 refused");
    CHECK(whvemu_set_option(emulators[EMU_DEFAULT], WHVEMU_OPTION_VENDOR, WHVEMU_VENDOR_HOST) ==
              S_OK,
          "vendor host accepted");
}

int main(int argc, char **argv)
{
    unsigned iterations = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 400;
    unsigned runs = 0, faults = 0;

    if (argc > 2)
        rng_seed(strtoull(argv[2], NULL, 0));
    host_describe(stdout);
    if (!native_init(NATIVE_PAGE))
        return 1;

    guest_init(&g);
    create_emulators();
    test_profile_vectors();
    run_cases(iterations, &runs, &faults);
    printf("exec_integer: %zu cases, up to %u runs each (%u runs, %u raised #DE); default "
           "vendor option: %s\n",
           CASE_COUNT, iterations, runs, faults,
           default_is_exact() ? "host stubs, compared exactly"
                              : "portable C (no host stubs), compared as a profile");
    print_undefined_differences();
    host_skip_report(stdout);
    for (unsigned e = 0; e < EMU_COUNT; e++)
        WHvEmulatorDestroyEmulator(emulators[e]);
    guest_free(&g);
    return check_summary();
}
