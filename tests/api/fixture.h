/* The API tests' guest: the CLI's in-memory guest (tools/guest.h), which counts the callbacks
 * and keeps the last Set's names, set up as a flat 64-bit guest, and MMIO exit contexts. */
#ifndef WHVEMU_TEST_API_FIXTURE_H
#define WHVEMU_TEST_API_FIXTURE_H

#include <stdint.h>

#include "WinHvEmulation.h"
#include "guest.h"

extern struct guest g;

WHV_REGISTER_VALUE *guest_reg(struct guest *guest, WHV_REGISTER_NAME name);

/* A fresh flat 64-bit long-mode guest at CPL 0, RIP 0x401000, counters zero. */
void guest_long_mode(WHV_VP_EXIT_CONTEXT *vp);

/* An MMIO exit with these instruction bytes at GPA = GVA gpa (GvaValid). */
WHV_MEMORY_ACCESS_CONTEXT mmio_context(const char *bytes, unsigned n, uint64_t gpa, int write);

/* An emulator with the guest's callbacks (a failed CHECK otherwise). */
WHV_EMULATOR_HANDLE create(void);

/* The API tests' main: every registered test on a fresh guest, then the host features the
 * tests skipped and the summary (the exit status). */
int fixture_main(void);

#endif
