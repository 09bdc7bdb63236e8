/* The x87 control forms (x87_env.c) against this CPU: FLDCW, FNSTCW, FNSTSW m16, FLDENV,
 * FNSTENV, FRSTOR and FNSAVE, with the code's own operand size, with 66H (the other one)
 * and, in 64-bit code, REX.W, in 64-, 32- and 16-bit code, from random states and random
 * operands (control words, environments and save areas of random bytes: every tag word,
 * pending exceptions loaded, any pointers). The fault (#MF), the state as XSAVE shows it,
 * the memory, and an FNSTENV after the instruction must agree, the emulator's side through
 * the API (x87_case.h).
 *
 *     test_x87_env [cases per form, prefix and mode]          default 300 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "hostcpu.h"
#include "rng.h"
#include "x87_case.h"

#define BUFFER_SIZE 0x4000u

static unsigned cases_per_variant = 300;
static struct x87_counts counts;

/* The prefixes each form is run with: none, the other operand size, REX.W (64-bit only). */
static const struct {
    uint8_t bytes[1];
    unsigned count;
    bool only_64;
} prefixes[] = { { { 0 }, 0, false }, { { 0x66 }, 1, false }, { { 0x48 }, 1, true } };

static void run_mode(unsigned bits)
{
    unsigned long before = counts.compared;

    if (!native_mode_available(bits)) {
        host_skip_for("no code of this size can run here", 1);
        return;
    }
    for (unsigned index = 0; index < 64; index++) {
        const struct x87_form *f = x87_form_at((uint8_t)(0xd8 + index / 8), index % 8);
        struct x87_case c;

        if (!f || f->kind == X87_LOAD || f->kind == X87_STORE)
            continue;
        for (unsigned p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
            if (prefixes[p].only_64 && bits != 64)
                continue;
            for (unsigned n = 0; n < cases_per_variant; n++) {
                uint8_t opcode[2] = { prefixes[p].bytes[0], (uint8_t)(0xd8 + index / 8) };

                x87_case_make(&c, bits, opcode + 1 - prefixes[p].count, 1 + prefixes[p].count,
                              index % 8);
                x87_case_compare(&c, &counts);
            }
        }
    }
    printf("%u-bit code: %lu cases compared with the CPU\n", bits, counts.compared - before);
}

TEST(control_forms_against_the_cpu)
{
    run_mode(64);
    run_mode(32);
    run_mode(16);
    printf("x87 control forms: %lu states compared (%lu took #MF), %lu FNSTENV images "
           "compared, %lu unrepeatable\n",
           counts.compared, counts.mf, counts.environments, counts.unrepeatable);
    x87_print_selectors_unseen(&counts);
    CHECK(counts.mf > 0, "the random states reach #MF");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cases_per_variant = (unsigned)strtoul(argv[1], NULL, 0);
    if (!native_init(BUFFER_SIZE))
        return 2;
    rng_seed(0x87e);
    host_describe(stdout);
    check_run_tests();
    host_skip_report(stdout);
    return check_summary();
}
