/* The bench's cases: one instruction (or one REP instruction) each, at CODE_ADDRESS of the
 * guest, with the exit a hypervisor reports for it and the registers it starts from. */
#ifndef WHVEMU_BENCH_CASES_H
#define WHVEMU_BENCH_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "floor.h"
#include "guest.h"

#define BENCH_PORT 0x3f8u

struct bench_case {
    const char *name;
    uint8_t bytes[8];
    unsigned length;
    /* An MMIO exit (floor_mmio) at `gva` of kind `access`, or a port-I/O exit (floor_io). */
    floor_mmio_fn *floor_mmio;
    floor_io_fn *floor_io;
    WHV_MEMORY_ACCESS_TYPE access;
    uint64_t gva;
    bool io_write, io_string;
    uint64_t rax, rbx, rcx, rsi, rdi; /* at the exit; RDX holds BENCH_PORT */
    bool rep;                         /* a REP string instruction */
    bool ram_callback;                /* whvemu and the floor get the RAM callback */
    /* Set while whvemu does not emulate the case yet: the issue that adds it. The row is
     * measured for the engines that can run it and never fails the bench. */
    const char *pending;
    /* Why Unicorn cannot run the case (its QEMU has no such instruction): its columns are
     * n/a and do not fail the bench; whvemu and the floor still must. */
    const char *unicorn_lacks;
};

extern const struct bench_case bench_cases[];
extern const size_t bench_case_count;

/* The host-flag rows: the same instruction with each WHVEMU_OPTION_VENDOR. */
extern const struct bench_case flag_cases[];
extern const size_t flag_case_count;

/* YMM0 at every exit (XMM0 is its low half). */
extern const uint8_t bench_ymm0[32];

/* What an exit hands the emulator. */
struct bench_exit {
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT mmio;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;
};

/* Put the case's registers in the guest and build the exit the hypervisor reports. */
void case_prepare(const struct bench_case *c, struct guest *g, struct bench_exit *exit);

/* What an engine leaves behind, compared across engines after one step. */
struct outcome {
    uint64_t rax, rcx, rsi, rdi, rip, rflags;
    struct devices devices;
};

bool outcome_equal(const struct outcome *a, const struct outcome *b);

#endif
