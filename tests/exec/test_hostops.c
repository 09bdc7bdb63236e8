/* The host stubs (src/exec/hostop.c) against the C profiles: the same register-form
 * instruction through WHvEmulatorTryMmioEmulation with the default vendor option (host
 * stubs) and with the Intel and the AMD profile. Results and flags the SDM defines must
 * agree (sdm_undefined.h masks the rest); so must #DE. Inputs: every 8-bit destination x
 * source (or count) x CF, every AL x CL for MUL/IMUL/DIV/IDIV, and random 16/32/64-bit
 * ones. Each instruction is first checked to run on a stub, so that the default emulator
 * is not quietly a C profile too. A quarter of the inputs also set some of the guest's TF,
 * DF and AC: a stub that let one reach the host would trap, run string copies backwards or
 * fault on unaligned data in this process, instead of the guest getting its #DB. A row
 * needing a feature this host lacks is skipped and counted (tests/common/hostcpu.h).
 *
 * Usage: test_hostops [random runs per wider row] [seed] */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "guest.h"
#include "hostcpu.h"
#include "hostop_direct.h"
#include "native.h"
#include "rng.h"
#include "sdm_undefined.h"
#include "whvemu.h"

enum { CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800, ARITH = 0x8d5 };
enum { TF = 0x100, DF = 0x400, AC = 0x40000 };

#define NO_FEATURE HF_COUNT

/* How a row's inputs are drawn. */
enum input_kind {
    IN_BYTE_PAIRS, /* every AL x CL x CF, the other flags all clear or all set */
    IN_BYTE_ONE,   /* every AL x CF x (other flags all clear, all set) */
    IN_BYTE_ACC,   /* every AL x CL, AH random or (for a divide) below CL */
    IN_RANDOM,     /* random registers and flags */
    IN_BIT_FIELD,  /* random, DL and DH 0..71 (BEXTR start and length, BZHI index) */
    IN_DIVIDE,     /* random, RDX:RAX mostly a dividend whose quotient fits */
};

/* X(name, AT&T text, inputs, wide (the rDX:rAX form), feature). The operands are AL/AX/
 * EAX/RAX (destination), CL.. (source or count), DX.. (SHLD/SHRD source, BMI control). */
// clang-format off
#define TWO(X, op, s, a, c, in, f) X(op##_##s, #op " " c "," a, in, false, f)
#define ONE(X, op, s, a, in) X(op##_##s, #op " " a, in, false, NO_FEATURE)
#define ACC(X, op, s, c, in) X(op##_acc_##s, #op " " c, in, true, NO_FEATURE)
#define SHIFT(X, op, s, a, in) X(op##_##s, #op " %cl," a, in, false, NO_FEATURE)
#define SHIFTD(X, op, s, a, d) X(op##_##s, #op " %cl," d "," a, IN_RANDOM, false, NO_FEATURE)
#define THREE(X, op, s, a, c, d, in, f) X(op##_##s, #op " " d "," c "," a, in, false, f)

#define ALU_ROWS(X, s, a, c, in)                                                             \
    TWO(X, add, s, a, c, in, NO_FEATURE) TWO(X, or, s, a, c, in, NO_FEATURE)                 \
    TWO(X, adc, s, a, c, in, NO_FEATURE) TWO(X, sbb, s, a, c, in, NO_FEATURE)                \
    TWO(X, and, s, a, c, in, NO_FEATURE) TWO(X, sub, s, a, c, in, NO_FEATURE)                \
    TWO(X, xor, s, a, c, in, NO_FEATURE) TWO(X, cmp, s, a, c, in, NO_FEATURE)                \
    TWO(X, test, s, a, c, in, NO_FEATURE)

#define SHIFT_ROWS(X, s, a, in)                                                              \
    SHIFT(X, rol, s, a, in) SHIFT(X, ror, s, a, in) SHIFT(X, rcl, s, a, in)                  \
    SHIFT(X, rcr, s, a, in) SHIFT(X, shl, s, a, in) SHIFT(X, shr, s, a, in)                  \
    SHIFT(X, sar, s, a, in)

#define ACC_ROWS(X, s, c, in, divide_in)                                                     \
    ACC(X, mul, s, c, in) ACC(X, imul, s, c, in) ACC(X, div, s, c, divide_in)                \
    ACC(X, idiv, s, c, divide_in)

/* 16, 32 and 64 bits */
#define WIDER_ROWS(X, s, a, c, d)                                                            \
    ALU_ROWS(X, s, a, c, IN_RANDOM)                                                          \
    ONE(X, inc, s, a, IN_RANDOM) ONE(X, dec, s, a, IN_RANDOM) ONE(X, neg, s, a, IN_RANDOM)   \
    SHIFT_ROWS(X, s, a, IN_RANDOM)                                                           \
    SHIFTD(X, shld, s, a, d) SHIFTD(X, shrd, s, a, d)                                        \
    ACC_ROWS(X, s, c, IN_RANDOM, IN_DIVIDE)                                                  \
    TWO(X, imul, s, a, c, IN_RANDOM, NO_FEATURE)                                             \
    TWO(X, bt, s, a, c, IN_RANDOM, NO_FEATURE) TWO(X, bts, s, a, c, IN_RANDOM, NO_FEATURE)   \
    TWO(X, btr, s, a, c, IN_RANDOM, NO_FEATURE) TWO(X, btc, s, a, c, IN_RANDOM, NO_FEATURE)  \
    TWO(X, bsf, s, a, c, IN_RANDOM, NO_FEATURE) TWO(X, bsr, s, a, c, IN_RANDOM, NO_FEATURE)  \
    TWO(X, tzcnt, s, a, c, IN_RANDOM, HF_bmi1) TWO(X, lzcnt, s, a, c, IN_RANDOM, HF_lzcnt)   \
    TWO(X, popcnt, s, a, c, IN_RANDOM, HF_popcnt)

/* 32 and 64 bits */
#define BMI_ROWS(X, s, a, c, d)                                                              \
    THREE(X, andn, s, a, c, d, IN_RANDOM, HF_bmi1)                                           \
    THREE(X, bextr, s, a, c, d, IN_BIT_FIELD, HF_bmi1)                                       \
    THREE(X, bzhi, s, a, c, d, IN_BIT_FIELD, HF_bmi2)                                        \
    TWO(X, blsi, s, a, c, IN_RANDOM, HF_bmi1) TWO(X, blsmsk, s, a, c, IN_RANDOM, HF_bmi1)    \
    TWO(X, blsr, s, a, c, IN_RANDOM, HF_bmi1)

#define ROWS(X)                                                                              \
    ALU_ROWS(X, b, "%al", "%cl", IN_BYTE_PAIRS)                                              \
    ONE(X, inc, b, "%al", IN_BYTE_ONE) ONE(X, dec, b, "%al", IN_BYTE_ONE)                    \
    ONE(X, neg, b, "%al", IN_BYTE_ONE)                                                       \
    SHIFT_ROWS(X, b, "%al", IN_BYTE_PAIRS)                                                   \
    ACC_ROWS(X, b, "%cl", IN_BYTE_ACC, IN_BYTE_ACC)                                          \
    WIDER_ROWS(X, w, "%ax", "%cx", "%dx")                                                    \
    WIDER_ROWS(X, l, "%eax", "%ecx", "%edx")                                                 \
    WIDER_ROWS(X, q, "%rax", "%rcx", "%rdx")                                                 \
    BMI_ROWS(X, l, "%eax", "%ecx", "%edx")                                                   \
    BMI_ROWS(X, q, "%rax", "%rcx", "%rdx")
// clang-format on

/* The instruction's bytes, assembled but never run here. */
#define DEFINE_INSN(name, text, in, wide, feature) NATIVE_INSN(hop_##name, text);
ROWS(DEFINE_INSN)

struct row {
    const char *name;
    const uint8_t *insn, *end;
    enum input_kind inputs;
    bool wide;
    enum host_feature feature;
};

#define ROW_ENTRY(name, text, in, wide, feature)                                                   \
    { #name, hop_##name##_insn, hop_##name##_end, in, wide, feature },
static const struct row rows[] = { ROWS(ROW_ENTRY) };

/* ---- inputs ---- */

struct regs {
    uint64_t rax, rcx, rdx, rflags;
};

static const WHV_REGISTER_NAME reg_names[] = { WHvX64RegisterRax, WHvX64RegisterRcx,
                                               WHvX64RegisterRdx, WHvX64RegisterRflags };
static const char *const reg_texts[] = { "rax", "rcx", "rdx", "rflags" };
#define REG_COUNT 4
#define RFLAGS_INDEX 3

static unsigned random_runs = 3000;

static unsigned input_count(enum input_kind kind)
{
    switch (kind) {
    case IN_BYTE_PAIRS: return 256 * 256 * 2;
    case IN_BYTE_ONE: return 256 * 2 * 2;
    case IN_BYTE_ACC: return 256 * 256 * 2;
    default: return random_runs;
    }
}

static uint64_t random_flags(void)
{
    switch (next_random() % 3) {
    case 0: return 0x202;
    case 1: return 0x202 | ARITH;
    default: return 0x202 | (next_random() & ARITH);
    }
}

/* Some of TF, DF, AC in a quarter of the inputs. */
static uint64_t system_flags(void)
{
    uint64_t r = next_random();

    return r % 4 ? 0 : r & (TF | DF | AC);
}

/* The n-th input of a kind (random kinds ignore n). Upper bits stay random, so that what
 * an 8-bit operation must leave alone is checked too. */
static struct regs input(enum input_kind kind, unsigned n)
{
    struct regs r = { random_edgy(), random_edgy(), random_edgy(), random_flags() };
    uint64_t low = n & 0xff, high = (n >> 8) & 0xff, bit = n >> 16;

    switch (kind) {
    case IN_BYTE_PAIRS:
        r.rax = (r.rax & ~UINT64_C(0xff)) | low;
        r.rcx = (r.rcx & ~UINT64_C(0xff)) | high;
        r.rflags = 0x202 | bit | ((low ^ high) & 1 ? ARITH & ~(uint64_t)CF : 0);
        break;
    case IN_BYTE_ONE:
        r.rax = (r.rax & ~UINT64_C(0xff)) | low;
        r.rflags = 0x202 | (high & 1) | (high & 2 ? ARITH & ~(uint64_t)CF : 0);
        break;
    case IN_BYTE_ACC:
        /* AH: random, or below CL (a quotient that fits an unsigned divide) */
        r.rax = (r.rax & ~UINT64_C(0xffff)) | low |
                (bit && high ? (next_random() % high) << 8 : r.rax & 0xff00);
        r.rcx = (r.rcx & ~UINT64_C(0xff)) | high;
        break;
    case IN_BIT_FIELD:
        r.rdx = (r.rdx & ~UINT64_C(0xffff)) | next_random() % 72 | (next_random() % 72) << 8;
        break;
    case IN_DIVIDE:
        if (next_random() % 4)
            r.rdx = (next_random() & 1) && (int64_t)r.rax < 0 ? ~UINT64_C(0) : 0;
        break;
    default: break;
    }
    r.rflags |= system_flags();
    return r;
}

/* ---- emulation ---- */

static struct guest g;
static struct guest_vcpu initial_vcpu;

enum { EMU_HOST, EMU_INTEL, EMU_AMD, EMU_COUNT };
static const char *const emulator_names[EMU_COUNT] = { "host stubs", "Intel profile",
                                                       "AMD profile" };
static WHV_EMULATOR_HANDLE emulators[EMU_COUNT];

/* What one emulation left: registers, and the vector it injected (#DE; #DB after an
 * instruction with TF set), or -1. */
struct outcome {
    uint64_t reg[REG_COUNT];
    int vector;
};

static struct outcome emulate(WHV_EMULATOR_HANDLE emulator, const struct row *row,
                              const struct regs *in)
{
    const uint64_t *values = &in->rax;
    WHV_EMULATOR_STATUS status;
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *pending;
    struct outcome out;

    g.vcpu = initial_vcpu;
    for (unsigned i = 0; i < REG_COUNT; i++)
        vcpu_reg(&g.vcpu, reg_names[i])->Reg64 = values[i];
    CHECK(guest_run_mmio(&g, emulator, row->insn, (unsigned)(row->end - row->insn), &status) ==
                  S_OK &&
              status.AsUINT32 == 1,
          "%s: status 0x%x", row->name, (unsigned)status.AsUINT32);
    for (unsigned i = 0; i < REG_COUNT; i++)
        out.reg[i] = vcpu_reg(&g.vcpu, reg_names[i])->Reg64;
    pending = &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    out.vector = pending->InterruptionPending ? (int)pending->InterruptionVector : -1;
    return out;
}

/* ---- comparison ---- */

/* A profile's outcome against the stubs' where the SDM defines it; prints the first
 * difference of a row. */
static bool agree(const struct row *row, const struct insn_facts *facts, const struct regs *in,
                  const struct outcome *stubs, const struct outcome *profile, const char *who)
{
    struct sdm_undefined u = sdm_undefined_of(facts, in->rcx, (stubs->reg[RFLAGS_INDEX] & ZF) != 0);
    const uint64_t *inputs = &in->rax;

    if (stubs->vector != profile->vector) {
        fprintf(stderr, "%s: vector %d injected with the stubs, %d with the %s\n", row->name,
                stubs->vector, profile->vector, who);
        return false;
    }
    if (stubs->vector == 0)
        return true; /* #DE: nothing else happened (tests/exec/test_exec_integer checks) */
    for (unsigned i = 0; i < REG_COUNT; i++) {
        uint64_t ignore = i == RFLAGS_INDEX                              ? u.flags
                          : u.result && (int)i == facts->destination_gpr ? ~UINT64_C(0)
                                                                         : 0;
        if (((stubs->reg[i] ^ profile->reg[i]) & ~ignore) == 0)
            continue;
        fprintf(stderr, "%s: %s = 0x%llx with the stubs, 0x%llx with the %s; inputs", row->name,
                reg_texts[i], (unsigned long long)stubs->reg[i],
                (unsigned long long)profile->reg[i], who);
        for (unsigned r = 0; r < REG_COUNT; r++)
            fprintf(stderr, " %s=0x%llx", reg_texts[r], (unsigned long long)inputs[r]);
        fputc('\n', stderr);
        return false;
    }
    return true;
}

/* Every input of a row through the three emulators; returns the inputs compared. */
static unsigned long compare_row(const struct row *row)
{
    struct insn_facts facts;
    unsigned count = input_count(row->inputs), mismatches = 0;

    if (!insn_facts_of(row->insn, (size_t)(row->end - row->insn), &facts)) {
        CHECK(false, "%s: not one instruction", row->name);
        return 0;
    }
    CHECK(stub_runs(facts.mnemonic, row->wide, facts.size), "%s: no host stub ran", row->name);
    for (unsigned n = 0; n < count && mismatches < 3; n++) {
        struct regs in = input(row->inputs, n);
        struct outcome stubs = emulate(emulators[EMU_HOST], row, &in);
        for (unsigned e = EMU_INTEL; e < EMU_COUNT; e++) {
            struct outcome profile = emulate(emulators[e], row, &in);
            mismatches += !agree(row, &facts, &in, &stubs, &profile, emulator_names[e]);
        }
    }
    CHECK(mismatches == 0, "%s: %u differences in defined results", row->name, mismatches);
    return count;
}

static void create_emulators(void)
{
    static const uint64_t vendors[EMU_COUNT] = { WHVEMU_VENDOR_HOST, WHVEMU_VENDOR_INTEL,
                                                 WHVEMU_VENDOR_AMD };

    for (unsigned e = 0; e < EMU_COUNT; e++) {
        CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emulators[e]) == S_OK, "create");
        CHECK(whvemu_set_option(emulators[e], WHVEMU_OPTION_VENDOR, vendors[e]) == S_OK,
              "vendor %s", emulator_names[e]);
    }
}

int main(int argc, char **argv)
{
    unsigned long inputs = 0;
    unsigned compared = 0;

    if (argc > 1)
        random_runs = (unsigned)strtoul(argv[1], NULL, 0);
    if (argc > 2)
        rng_seed(strtoull(argv[2], NULL, 0));
    host_describe(stdout);
    guest_init(&g);
    vcpu_set_defaults(&initial_vcpu, VCPU_LONG64);
    vcpu_reg(&initial_vcpu, WHvX64RegisterRip)->Reg64 = 0x400000;
    create_emulators();
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (rows[r].feature != NO_FEATURE && !host_runs(rows[r].feature))
            continue;
        inputs += compare_row(&rows[r]);
        compared++;
    }
    printf("hostops: %u of %zu instructions, %lu inputs, each through the host stubs and "
           "both C profiles\n",
           compared, sizeof rows / sizeof rows[0], inputs);
    host_skip_report(stdout);
    for (unsigned e = 0; e < EMU_COUNT; e++)
        WHvEmulatorDestroyEmulator(emulators[e]);
    guest_free(&g);
    return check_summary();
}
