/* The x87 memory forms that run on the host (x87_host.c) against this CPU: every LOAD and
 * STORE form of x87_forms.def, in 64-, 32- and 16-bit code, from random states (special
 * values in the registers and the operand, every precision and rounding control, masked
 * and unmasked exceptions, pending ones). The instruction runs natively (tests/common's
 * runner) and through the API (WHvEmulatorTryMmioEmulation); the state as XSAVE shows it,
 * the memory, the fault (#MF) and RIP must agree. A second native run follows the
 * instruction with FNSTENV, which stores the pointers even where this CPU's XSAVE hides them
 * (FSW.ES clear): the emulator's FNSTENV, a second exit from the names the first left, must
 * store the same bytes (x87_case.h).
 *
 *     test_x87_host [cases per form and mode]          default 200 */
#include <cpuid.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/cpuid.h"
#include "exec/x87_host.h"
#include "hostcpu.h"
#include "rng.h"
#include "x87_case.h"

#define BUFFER_SIZE 0x4000u

static unsigned cases_per_form = 200;
static struct x87_counts counts;

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

        if (!f || (f->kind != X87_LOAD && f->kind != X87_STORE))
            continue;
        if (f->needs_sse3 && !host_runs(HF_sse3)) {
            host_skip(HF_sse3, cases_per_form - 1);
            continue;
        }
        for (unsigned n = 0; n < cases_per_form; n++) {
            x87_case_make(&c, bits, &(uint8_t){ (uint8_t)(0xd8 + index / 8) }, 1, index % 8);
            x87_case_compare(&c, &counts);
        }
    }
    printf("%u-bit code: %lu cases compared with the CPU\n", bits, counts.compared - before);
}

TEST(host_forms_against_the_cpu)
{
    CHECK(x87_host_stubs_compiled(), "this build has no x87 stubs");
    run_mode(64);
    run_mode(32);
    run_mode(16);
    printf("x87 host forms: %lu states compared (%lu took #MF, %lu stores stopped by an "
           "unmasked exception), %lu FNSTENV images compared, %lu unrepeatable\n",
           counts.compared, counts.mf, counts.unstored, counts.environments, counts.unrepeatable);
    x87_print_selectors_unseen(&counts);
    CHECK(counts.mf > 0 && counts.unstored > 0, "the random states reach #MF and stopped stores");
    printf("  completed runs by precision and rounding control (FCW 11:8):");
    for (unsigned i = 0; i < 16; i++) {
        printf(" %lu", counts.control[i]);
        CHECK(counts.control[i] > 0, "FCW 11:8 = %x never ran", i);
    }
    printf("\n  runs that raised IE DE ZE OE UE PE:");
    for (unsigned i = 0; i < 6; i++) {
        printf(" %lu", counts.raised[i]);
        CHECK(counts.raised[i] > 0, "exception %u never raised", i);
    }
    printf("; an unmasked one: %lu\n", counts.unmasked);
    CHECK(counts.unmasked > 0, "no run raised an unmasked exception");
}

/* The profile's CPUID bits come from core/cpuid.h (one place reads CPUID): they must be the
 * bits this test reads itself, SDM vol. 2A CPUID, leaf 07H EBX[6] FDP_EXCPTN_ONLY and [13]
 * "Deprecates FPU CS and FPU DS values", leaf 01H ECX[0] SSE3. */
TEST(profile_cpuid_bits_are_the_hosts)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    struct x87_profile p;

    if (__get_cpuid_max(0, NULL) >= 7)
        __cpuid_count(7, 0, a, b, c, d);
    CHECK(x87_host_profile(&p), "no host profile");
    CHECK(p.fdp_on_exception_only == ((b >> 6) & 1), "FDP_EXCPTN_ONLY %u, CPUID says %u",
          p.fdp_on_exception_only, (b >> 6) & 1);
    CHECK(p.fcs_fds_deprecated == ((b >> 13) & 1), "FCS/FDS deprecation %u, CPUID says %u",
          p.fcs_fds_deprecated, (b >> 13) & 1);
    CHECK(cpuid_simd_has(CPU_SSE3) == host_cpu_reports(HF_sse3), "SSE3: library and test differ");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cases_per_form = (unsigned)strtoul(argv[1], NULL, 0);
    if (!native_init(BUFFER_SIZE))
        return 2;
    rng_seed(0x87);
    host_describe(stdout);
    check_run_tests();
    host_skip_report(stdout);
    return check_summary();
}
