/* FXSAVE, FXRSTOR (and their REX.W forms), LDMXCSR, STMXCSR, VLDMXCSR and VSTMXCSR
 * (x87_fxsave.c) against this CPU in 64-, 32- and 16-bit code: random states, random images
 * (MXCSR sometimes with a reserved bit: #GP) and values; the fault, the state as XSAVE shows
 * it (XMM and MXCSR included), every byte of the operand (FXSAVE leaves some unwritten) and an
 * FNSTENV after the instruction must agree, the emulator's side through the API (x87_case.h).
 *
 *     test_x87_fxsave [cases per form and mode]          default 400 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "hostcpu.h"
#include "rng.h"
#include "x87_case.h"

#define BUFFER_SIZE 0x4000u

static unsigned cases_per_variant = 400;
static struct x87_counts counts;

/* Each form: the bytes before ModRM, ModRM.reg, and whether it is 64-bit only or VEX. */
static const struct variant {
    uint8_t opcode[3];
    unsigned length, reg;
    bool only_64, vex;
} variants[] = {
    { { 0x0f, 0xae }, 2, 0, false, false },      /* FXSAVE */
    { { 0x48, 0x0f, 0xae }, 3, 0, true, false }, /* FXSAVE64 */
    { { 0x0f, 0xae }, 2, 1, false, false },      /* FXRSTOR */
    { { 0x48, 0x0f, 0xae }, 3, 1, true, false }, /* FXRSTOR64 */
    { { 0x0f, 0xae }, 2, 2, false, false },      /* LDMXCSR */
    { { 0x0f, 0xae }, 2, 3, false, false },      /* STMXCSR */
    { { 0xc5, 0xf8, 0xae }, 3, 2, false, true }, /* VLDMXCSR */
    { { 0xc5, 0xf8, 0xae }, 3, 3, false, true }, /* VSTMXCSR */
};

static void run_mode(unsigned bits)
{
    unsigned long before = counts.compared;

    if (!native_mode_available(bits)) {
        host_skip_for("no code of this size can run here", 1);
        return;
    }
    for (unsigned v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        const struct variant *w = &variants[v];
        struct x87_case c;

        if (w->only_64 && bits != 64)
            continue;
        if (w->vex && !host_runs(HF_avx)) {
            host_skip(HF_avx, cases_per_variant - 1);
            continue;
        }
        for (unsigned n = 0; n < cases_per_variant; n++) {
            x87_case_make(&c, bits, w->opcode, w->length, w->reg);
            x87_case_compare(&c, &counts);
        }
    }
    printf("%u-bit code: %lu cases compared with the CPU\n", bits, counts.compared - before);
}

TEST(state_forms_against_the_cpu)
{
    run_mode(64);
    run_mode(32);
    run_mode(16);
    printf("FXSAVE, FXRSTOR, the MXCSR forms: %lu states compared (%lu took #GP), %lu FNSTENV "
           "images compared, %lu unrepeatable\n",
           counts.compared, counts.gp, counts.environments, counts.unrepeatable);
    x87_print_selectors_unseen(&counts);
    CHECK(counts.gp > 0, "the random images reach #GP");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cases_per_variant = (unsigned)strtoul(argv[1], NULL, 0);
    if (!native_init(BUFFER_SIZE))
        return 2;
    rng_seed(0xf5a);
    host_describe(stdout);
    check_run_tests();
    host_skip_report(stdout);
    return check_summary();
}
