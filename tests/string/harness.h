/* The string/I/O tests' guest: the CLI's in-memory guest, which counts the callbacks and
 * here also logs every memory and port access (to compare traces). */
#ifndef WHVEMU_TEST_STRING_HARNESS_H
#define WHVEMU_TEST_STRING_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "WinHvEmulation.h"
#include "guest.h"
#include "whvemu.h"

#define ACCESS_LOG_MAX 20000

struct harness {
    struct guest guest; /* guest.log is `log` */
    WHV_EMULATOR_HANDLE emulator;
    struct guest_access log[ACCESS_LOG_MAX];
};

extern struct harness h;

/* A fresh guest in the given mode, a fresh emulator, empty log. */
void harness_reset(enum vcpu_mode mode);

/* Let the emulator map the guest's RAM directly (the whvemu.h RAM callback) for `pages`
 * pages from GPA `first`; other GPAs are device memory. */
void harness_enable_ram(uint64_t first, unsigned pages);

WHV_REGISTER_VALUE *reg(WHV_REGISTER_NAME name);
uint64_t reg64(WHV_REGISTER_NAME name);
void set_reg64(WHV_REGISTER_NAME name, uint64_t value);

/* Emulate bytes as an MMIO exit (no Gva/Gpa given) / a port-I/O exit built from the guest's
 * registers and the given access description. The status comes back. */
WHV_EMULATOR_STATUS run_mmio(const char *bytes, unsigned n);
WHV_EMULATOR_STATUS run_io(const char *bytes, unsigned n, uint16_t port, unsigned size, bool write,
                           bool string, bool rep);

/* The pending exception after a call: its vector, or -1 when none; *error its error code
 * (or -1 when none is delivered). */
int pending_vector(int *error);

#endif
