/* The host stub of a 32-bit ADD alone against the C flag computation it replaces, without
 * the rest of an emulation. White-box (the library's internal headers), kept apart from
 * bench.c, which uses the public API only. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "stub_cost.h"

#include <string.h>
#include <time.h>

#include "core/vcpu.h"
#include "exec/flags.h"
#include "exec/hostop.h"

#define CALLS 2000000u

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* What the stubs and the C path compute goes here, so that neither loop is optimised out. */
static volatile uint64_t sink;

static double host_add_ns(void)
{
    struct vcpu cpu;
    double t0;

    memset(&cpu, 0, sizeof cpu);
    cpu.host_ops = true;
    t0 = now_ns();
    for (uint64_t i = 0; i < CALLS; i++) {
        struct int_op o = { .dst = i, .src = i * 7, .flags = 0x202 | (i & FL_ARITH) };
        if (!host_op(&cpu, MN_add, false, 4, &o))
            return -1;
        sink += o.dst + o.flags;
    }
    return (now_ns() - t0) / CALLS;
}

static double c_add_ns(void)
{
    double t0 = now_ns();

    for (uint64_t i = 0; i < CALLS; i++) {
        uint64_t flags = flags_add(i, i * 7, 0, 4);
        sink += (i + i * 7) + flags_merge(0x202 | (i & FL_ARITH), FL_ARITH, flags);
    }
    return (now_ns() - t0) / CALLS;
}

bool stub_cost(double *host_ns, double *c_ns)
{
    /* the best of 5 alternating rounds of each: the least disturbed by other work */
    *host_ns = *c_ns = 1e9;
    for (int r = 0; r < 5; r++) {
        double host = host_add_ns(), c = c_add_ns();
        if (host < 0)
            return false;
        *host_ns = host < *host_ns ? host : *host_ns;
        *c_ns = c < *c_ns ? c : *c_ns;
    }
    return true;
}
