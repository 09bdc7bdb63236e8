/* The gain of the exit's own page (docs/semantics.md, "The exit's own page"): the same MMIO
 * load emulated with the exit's Gva/Gpa marked valid (no translate call) and not (one
 * translate call, answered by the page walk of pagewalk.c over 4-level tables). Prints
 * nanoseconds per emulation call; it measures, it does not judge (no timing is asserted).
 *
 *   fastpath [iterations]        default 200000 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "WinHvEmulation.h"
#include "pagewalk.h"

#define DATA_GVA UINT64_C(0x00601000)
#define DATA_GPA UINT64_C(0x00301000)

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ns per call of mov eax, [rbx] with the exit's GVA valid or not; *translates: callbacks
 * made per call. */
static double measure(struct pw_guest *pw, WHV_EMULATOR_HANDLE emulator, bool gva_valid,
                      unsigned long iterations, double *translates)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m;
    WHV_EMULATOR_STATUS status;
    double start;

    vcpu_exit_context(&pw->guest.vcpu, 2, &vp);
    memset(&m, 0, sizeof m);
    m.InstructionByteCount = 2;
    memcpy(m.InstructionBytes, "\x8b\x03", 2);
    m.AccessInfo.AccessType = WHvMemoryAccessRead;
    m.AccessInfo.GvaValid = gva_valid;
    m.Gva = DATA_GVA;
    m.Gpa = DATA_GPA;
    pw->translate_count = 0;
    start = now_ns();
    for (unsigned long i = 0; i < iterations; i++) {
        if (WHvEmulatorTryMmioEmulation(emulator, pw, &vp, &m, &status) != S_OK ||
            status.AsUINT32 != 1) {
            fprintf(stderr, "emulation failed: status 0x%x\n", status.AsUINT32);
            exit(1);
        }
    }
    *translates = (double)pw->translate_count / (double)iterations;
    return (now_ns() - start) / (double)iterations;
}

int main(int argc, char **argv)
{
    unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
    WHV_EMULATOR_CALLBACKS callbacks = pw_callbacks();
    WHV_EMULATOR_HANDLE emulator;
    static struct pw_guest pw;
    double fast, slow, fast_translates, slow_translates;

    if (iterations == 0)
        iterations = 1;
    pw_init(&pw, PW_4LEVEL);
    pw_map(&pw, DATA_GVA, DATA_GPA, 4096, PTE_P | PTE_RW);
    pw_set_reg(&pw, WHvX64RegisterRbx, DATA_GVA);
    if (WHvEmulatorCreateEmulator(&callbacks, &emulator) != S_OK)
        return 1;
    measure(&pw, emulator, false, iterations / 10 + 1, &slow_translates); /* warm up */
    slow = measure(&pw, emulator, false, iterations, &slow_translates);
    fast = measure(&pw, emulator, true, iterations, &fast_translates);
    printf("mov eax,[rbx], 4-level paging, %lu calls each\n", iterations);
    printf("  GvaValid=0: %7.1f ns/call, %.2f translate calls/call\n", slow, slow_translates);
    printf("  GvaValid=1: %7.1f ns/call, %.2f translate calls/call\n", fast, fast_translates);
    printf("  saved:      %7.1f ns/call (%.0f%%) with an in-process page walk; a VMM's\n"
           "              WHvTranslateGva is a hypercall and costs far more\n",
           slow - fast, slow > 0 ? 100.0 * (slow - fast) / slow : 0.0);
    WHvEmulatorDestroyEmulator(emulator);
    pw_free(&pw);
    return 0;
}
