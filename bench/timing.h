/* Thread CPU time per step of several engines, measured in short batches interleaved
 * engine by engine, so that a moment when the shared machine is busy slows all of them
 * alike. */
#ifndef WHVEMU_BENCH_TIMING_H
#define WHVEMU_BENCH_TIMING_H

#include <stdbool.h>

#define TIMING_MAX_ENGINES 96

typedef bool (*step_fn)(void *engine);

struct timing {
    double min_ns, median_ns; /* per step, over the batches */
    bool failed;              /* a step failed in a timed batch */
};

/* count (<= TIMING_MAX_ENGINES) engines, each with its step function. */
void measure_interleaved(const step_fn steps[], void *const engines[], unsigned count,
                         struct timing out[]);

#endif
