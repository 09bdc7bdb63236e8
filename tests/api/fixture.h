/* The API tests' guest: the CLI's in-memory guest (tools/guest.h) behind callbacks that
 * count the calls and remember the last Set, a flat 64-bit guest, and MMIO exit contexts. */
#ifndef WHVEMU_TEST_API_FIXTURE_H
#define WHVEMU_TEST_API_FIXTURE_H

#include <stdint.h>

#include "WinHvEmulation.h"
#include "guest.h"

extern struct guest g;
extern unsigned get_calls, set_calls, total_calls;
extern WHV_REGISTER_NAME set_names[64]; /* of the last Set call */
extern unsigned set_count;

WHV_REGISTER_VALUE *guest_reg(struct guest *guest, WHV_REGISTER_NAME name);

/* The guest's callbacks behind the counters; the Context must be &g. */
WHV_EMULATOR_CALLBACKS recording_callbacks(void);

/* A fresh flat 64-bit long-mode guest at CPL 0, RIP 0x401000, counters zero. */
void guest_long_mode(WHV_VP_EXIT_CONTEXT *vp);

/* An MMIO exit with these instruction bytes at GPA = GVA gpa (GvaValid). */
WHV_MEMORY_ACCESS_CONTEXT mmio_context(const char *bytes, unsigned n, uint64_t gpa, int write);

/* An emulator with the recording callbacks (a failed CHECK otherwise). */
WHV_EMULATOR_HANDLE create(void);

#endif
