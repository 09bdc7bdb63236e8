/* The string/I/O tests' guest: the CLI's in-memory guest behind callbacks that also log
 * every memory and port access (to compare traces) and count register traffic. */
#ifndef WHVEMU_TEST_STRING_HARNESS_H
#define WHVEMU_TEST_STRING_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "WinHvEmulation.h"
#include "guest.h"
#include "whvemu.h"

/* One memory or port access as a callback saw it. */
struct access {
    bool io;
    uint8_t write;
    uint8_t size;
    uint64_t address;   /* GPA or port */
    uint64_t data;      /* as written or as answered */
};

#define ACCESS_LOG_MAX 20000

struct harness {
    struct guest guest;
    WHV_EMULATOR_HANDLE emulator;
    struct access log[ACCESS_LOG_MAX];
    unsigned log_count;
    unsigned get_calls, set_calls, translate_calls, ram_calls;
    WHV_TRANSLATE_GVA_FLAGS last_translate_flags;
    /* GPAs [mmio_lo, mmio_hi) are device memory: the RAM callback refuses them */
    uint64_t mmio_lo, mmio_hi;
};

extern struct harness h;

/* A fresh guest in the given mode, a fresh emulator, empty log. */
void harness_reset(enum vcpu_mode mode);

/* Let the emulator map guest RAM directly (the whvemu.h RAM callback). */
void harness_enable_ram_callback(void);

WHV_REGISTER_VALUE *reg(WHV_REGISTER_NAME name);
uint64_t reg64(WHV_REGISTER_NAME name);
void set_reg64(WHV_REGISTER_NAME name, uint64_t value);

/* Emulate bytes as an MMIO exit (no Gva/Gpa given) / a port-I/O exit built from the guest's
 * registers and the given access description. The status comes back. */
WHV_EMULATOR_STATUS run_mmio(const char *bytes, unsigned n);
WHV_EMULATOR_STATUS run_io(const char *bytes, unsigned n, uint16_t port, unsigned size,
                           bool write, bool string, bool rep);

/* The pending exception after a call: its vector, or -1 when none; *error its error code
 * (or -1 when none is delivered). */
int pending_vector(int *error);

#endif
