#ifndef WHVEMU_BENCH_STUB_COST_H
#define WHVEMU_BENCH_STUB_COST_H

#include <stdbool.h>

/* ns per 32-bit ADD: on the host stub (host_op) and in C (flags_add, flags_merge); false
 * when this build has no stub to run. */
bool stub_cost(double *host_ns, double *c_ns);

#endif
