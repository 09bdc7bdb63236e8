/* The gain of the exit's own page (docs/semantics.md, "The exit's own page"): the same MMIO
 * load emulated with the exit's Gva/Gpa marked valid (no translate call) and not (one
 * translate call, answered at once by the CLI guest, then by the page walk of pagewalk.c
 * over 4-level tables). Prints nanoseconds per emulation call; it measures, it does not
 * judge (no timing is asserted).
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
    timespec_get(&t, TIME_UTC); /* C11; a wall clock, good enough for a few hundred ms */
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ns per call of mov eax, [rbx] with the exit's GVA (and gpa) valid or not; *translates:
 * walks made per call. */
static double measure(struct pw_guest *pw, WHV_EMULATOR_HANDLE emulator, bool gva_valid,
                      uint64_t gpa, unsigned long iterations, double *translates)
{
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT m = guest_mmio_access("\x8b\x03", 2);
    WHV_EMULATOR_STATUS status;
    double start;

    vcpu_exit_context(&pw->guest.vcpu, 2, &vp);
    m.AccessInfo.GvaValid = gva_valid;
    m.Gva = DATA_GVA;
    m.Gpa = gpa;
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
    static const char *const translate_names[2] = { "instant translate (identity, the CLI guest)",
                                                    "4-level page walk (pagewalk.c)" };
    unsigned long iterations = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
    WHV_EMULATOR_CALLBACKS walking = pw_callbacks();
    WHV_EMULATOR_HANDLE emulators[2];
    static struct pw_guest pw;
    double translates;

    if (iterations == 0)
        iterations = 1;
    pw_init(&pw, PW_4LEVEL);
    pw_map(&pw, DATA_GVA, DATA_GPA, 4096, PTE_P | PTE_RW);
    pw_set_reg(&pw, WHvX64RegisterRbx, DATA_GVA);
    if (WHvEmulatorCreateEmulator(&guest_callbacks, &emulators[0]) != S_OK ||
        WHvEmulatorCreateEmulator(&walking, &emulators[1]) != S_OK)
        return 1;
    printf("mov eax,[rbx] after an MMIO exit, 64-bit mode, %lu calls each\n", iterations);
    for (unsigned e = 0; e < 2; e++) {
        /* the identity translate maps the GVA to itself: give the exit the same GPA */
        uint64_t gpa = e == 0 ? DATA_GVA : DATA_GPA;
        double slow, fast;
        measure(&pw, emulators[e], false, gpa, iterations / 10 + 1, &translates); /* warm up */
        slow = measure(&pw, emulators[e], false, gpa, iterations, &translates);
        fast = measure(&pw, emulators[e], true, gpa, iterations, &translates);
        printf("  %s:\n    GvaValid=0 %7.1f ns/call, GvaValid=1 %7.1f ns/call: %.1f ns saved\n",
               translate_names[e], slow, fast, slow - fast);
    }
    printf("A VMM's WHvTranslateGva is a hypercall, dearer than either translate here.\n");
    WHvEmulatorDestroyEmulator(emulators[0]);
    WHvEmulatorDestroyEmulator(emulators[1]);
    pw_free(&pw);
    return 0;
}
