/* Interleaved batches, timed with the thread's CPU clock: time the thread spent waiting for
 * a core that another engineer's job held is not counted. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "timing.h"

#include <stdlib.h>
#include <time.h>

#define WARMUP_NS 20e6 /* per engine, also what the batch size is estimated from */
#define BATCH_NS 2e6
#define ROUNDS 31 /* batches per engine; the median is the 16th */

static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Warm up for WARMUP_NS (and at least 100 steps); returns the steps of a BATCH_NS batch. */
static unsigned long warm_up(step_fn step, void *engine)
{
    double start = cpu_ns();
    unsigned long steps = 0;
    while (cpu_ns() - start < WARMUP_NS || steps < 100) {
        step(engine);
        steps++;
    }
    return (unsigned long)(BATCH_NS / ((cpu_ns() - start) / (double)steps)) + 1;
}

/* ns per step; *failed set when a step fails. */
static double time_batch(step_fn step, void *engine, unsigned long steps, bool *failed)
{
    bool all = true;
    double t0 = cpu_ns();
    for (unsigned long i = 0; i < steps; i++)
        all &= step(engine);
    double ns = (cpu_ns() - t0) / (double)steps;
    *failed = *failed || !all;
    return ns;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void measure_interleaved(const step_fn steps[], void *const engines[], unsigned count,
                         struct timing out[])
{
    unsigned long batch[TIMING_MAX_ENGINES];
    double samples[TIMING_MAX_ENGINES][ROUNDS];
    for (unsigned e = 0; e < count; e++) {
        batch[e] = warm_up(steps[e], engines[e]);
        out[e].failed = false;
    }
    for (int r = 0; r < ROUNDS; r++)
        for (unsigned e = 0; e < count; e++)
            samples[e][r] = time_batch(steps[e], engines[e], batch[e], &out[e].failed);
    for (unsigned e = 0; e < count; e++) {
        qsort(samples[e], ROUNDS, sizeof samples[e][0], compare_doubles);
        out[e].min_ns = samples[e][0];
        out[e].median_ns = samples[e][ROUNDS / 2];
    }
}
