/* whvemu_bench: what one emulated exit costs whvemu, the case's floor and Unicorn, on the
 * same guest and in the same run (docs/bench.md explains the method).
 *
 *   whvemu_bench                 thread CPU time per exit, engines interleaved batch by
 *                                batch: min and median, the ratios; the registers each
 *                                call asked for; the host-flag rows
 *   whvemu_bench --callgrind N   under valgrind --tool=callgrind: N steps of each engine
 *                                and case between a zeroing and a dump of the counters,
 *                                labelled on stdout (bench/callgrind.sh makes the table)
 *
 * Every engine first runs each case once, and all that ran must leave the same registers,
 * device and port output; an engine that fails or differs fails the run (exit status 1),
 * except on a case marked pending. Timing never fails a run. */
#define _POSIX_C_SOURCE 200809L /* pthread_attr_setstack */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif

#include "engines.h"
#include "stub_cost.h"
#include "timing.h"

#ifndef WHVEMU_BENCH_BUILD_TYPE
#define WHVEMU_BENCH_BUILD_TYPE "unknown"
#endif

/* ---- a row: one case on several engines ------------------------------------------------ */

#define MAX_ENGINES 6

struct row {
    const struct bench_case *c;
    unsigned count;
    const struct engine_ops *ops[MAX_ENGINES];
    void *state[MAX_ENGINES];
    bool ran[MAX_ENGINES];        /* set up, and the first step succeeded */
    bool left_out[MAX_ENGINES];   /* the engine cannot run the case (engine_ops.applies) */
    const char *why[MAX_ENGINES]; /* when it did not */
    int differs;                  /* the first engine whose outcome differs, or -1 */
    struct timing timing[MAX_ENGINES];
};

/* Build each engine for the case and run it once. */
static bool row_open(struct row *r, const struct bench_case *c,
                     const struct engine_ops *const ops[], unsigned count)
{
    memset(r, 0, sizeof *r);
    r->c = c;
    r->count = count;
    r->differs = -1;
    for (unsigned e = 0; e < count; e++) {
        r->ops[e] = ops[e];
        r->state[e] = page_aligned_zalloc(ops[e]->size);
        if (!r->state[e])
            return false;
        r->left_out[e] = ops[e]->applies && !ops[e]->applies(c);
        if (r->left_out[e]) {
            r->why[e] = "left out";
            continue;
        }
        r->ran[e] = ops[e]->setup(r->state[e], c, ops[e]->variant) && ops[e]->step(r->state[e]);
        r->why[e] = r->ran[e] ? NULL : ops[e]->why(r->state[e]);
    }
    return true;
}

/* Compare what the engines that ran left behind (without RFLAGS when the manuals leave
 * flags open) with what the first of them left. */
static void compare_outcomes(struct row *r, bool with_flags)
{
    static struct outcome first, other;
    unsigned compared = 0;
    for (unsigned e = 0; e < r->count; e++) {
        if (!r->ran[e])
            continue;
        struct outcome *o = compared ? &other : &first;
        r->ops[e]->outcome(r->state[e], o);
        if (!with_flags)
            o->rflags = 0;
        if (compared++ && !outcome_equal(&first, &other) && r->differs < 0)
            r->differs = (int)e;
    }
}

/* After the first step, and again after a second: an engine whose later calls did not do
 * the work (a halted CPU, a stale cache) differs there. */
static void row_check(struct row *r, bool with_flags)
{
    compare_outcomes(r, with_flags);
    for (unsigned e = 0; e < r->count; e++) {
        if (r->ran[e] && !r->ops[e]->step(r->state[e])) {
            r->ran[e] = false;
            r->why[e] = r->ops[e]->why(r->state[e]);
        }
    }
    compare_outcomes(r, with_flags);
}

/* A failure: engines that disagree, or one that could not run a case that is not pending
 * (Unicorn excused where the case says it lacks the instruction). */
static bool row_failed(const struct row *r)
{
    for (unsigned e = 0; e < r->count && !r->c->pending; e++)
        if (!r->ran[e] && !r->left_out[e] && !(r->c->unicorn_lacks && !r->ops[e]->record_step))
            return true;
    for (unsigned e = 0; e < r->count; e++)
        if (r->timing[e].failed)
            return true;
    return r->differs >= 0;
}

static void row_close(struct row *r)
{
    for (unsigned e = 0; e < r->count; e++) {
        if (r->state[e])
            r->ops[e]->teardown(r->state[e]);
        free(r->state[e]);
    }
}

/* Time every engine that ran, of every row that passed, in one interleaving: a busy moment
 * of the shared machine then costs each engine a batch or two, not a whole case. */
static void measure_rows(struct row rows[], size_t row_count)
{
    step_fn steps[TIMING_MAX_ENGINES] = { 0 };
    void *engines[TIMING_MAX_ENGINES] = { 0 };
    struct timing *out[TIMING_MAX_ENGINES], measured[TIMING_MAX_ENGINES];
    unsigned n = 0;
    for (size_t i = 0; i < row_count; i++)
        for (unsigned e = 0; e < rows[i].count && !row_failed(&rows[i]); e++)
            if (rows[i].ran[e] && n < TIMING_MAX_ENGINES) { /* beyond: "not timed" */
                steps[n] = rows[i].ops[e]->step;
                engines[n] = rows[i].state[e];
                out[n++] = &rows[i].timing[e];
            }
    measure_interleaved(steps, engines, n, measured);
    for (unsigned k = 0; k < n; k++)
        *out[k] = measured[k];
}

/* ---- the main table ------------------------------------------------------------------ */

/* Unicorn's modes in the order of enum unicorn_mode, the fast candidates first */
enum { WHVEMU, FLOOR, UC_COUNT, UC_HLT, UC_EXITS, UC_END, CASE_ENGINES };
static const struct engine_ops *const case_engines[CASE_ENGINES] = {
    &whvemu_ops,      &floor_ops,         &unicorn_count_ops,
    &unicorn_hlt_ops, &unicorn_exits_ops, &unicorn_end_ops,
};
#define UC_MODES (CASE_ENGINES - UC_COUNT)
static const char *const mode_labels[UC_MODES] = { "count", "HLT", "exits", "end-address" };

/* Unicorn's time: the fastest of the modes that are candidates (all but end-address,
 * which re-translates by design), timed in the same run (UC_HLT when none was). */
static unsigned unicorn_fastest(const struct row *r)
{
    const struct timing *t = r->timing;
    unsigned fastest = UC_HLT;
    for (unsigned e = UC_COUNT; e < UC_END; e++)
        if (r->ran[e] && t[e].median_ns > 0 &&
            (!(t[fastest].median_ns > 0) || t[e].median_ns < t[fastest].median_ns))
            fastest = e;
    return fastest;
}

/* "min / median" or why the engine did not run. */
static void format_timing(char *out, size_t size, const struct row *r, unsigned e,
                          const struct timing *t)
{
    if (!r->ran[e])
        snprintf(out, size, "n/a (%s)", r->why[e]);
    else if (t->median_ns > 0)
        snprintf(out, size, "%.0f / %.0f", t->min_ns, t->median_ns);
    else
        snprintf(out, size, "not timed");
}

static void format_ratio(char *out, size_t size, double numerator, double denominator)
{
    if (numerator > 0 && denominator > 0)
        snprintf(out, size, "%.2f", numerator / denominator);
    else
        snprintf(out, size, "-");
}

static void print_timing_header(void)
{
    printf("%-28s %17s %17s %25s %9s %9s\n", "case (ns: min / median)", "whvemu", "floor",
           "unicorn (mode)", "whv/floor", "uc/whv");
}

static void print_timing_row(const struct row *r)
{
    const struct timing *t = r->timing;
    unsigned uc = unicorn_fastest(r);
    char cells[3][48], unicorn[64], ratios[2][16];
    for (unsigned e = WHVEMU; e <= FLOOR; e++)
        format_timing(cells[e], sizeof cells[e], r, e, &t[e]);
    format_timing(cells[2], sizeof cells[2], r, uc, &t[uc]);
    snprintf(unicorn, sizeof unicorn, r->ran[uc] ? "%s (%s)" : "%s", cells[2],
             mode_labels[uc - UC_COUNT]);
    format_ratio(ratios[0], sizeof ratios[0], t[WHVEMU].median_ns, t[FLOOR].median_ns);
    format_ratio(ratios[1], sizeof ratios[1], t[uc].median_ns, t[WHVEMU].median_ns);
    printf("%-28s %17s %17s %25s %9s %9s\n", r->c->name, cells[0], cells[1], unicorn, ratios[0],
           ratios[1]);
}

/* Unicorn's four modes, each against the fastest of the three candidates. */
static void print_unicorn_modes_row(const struct row *r)
{
    const struct timing *t = r->timing;
    double fastest = t[unicorn_fastest(r)].median_ns;
    char cells[UC_MODES][48], ratios[UC_MODES][16];
    for (unsigned m = 0; m < UC_MODES; m++) {
        unsigned e = UC_COUNT + m;
        if (r->ran[e])
            format_timing(cells[m], sizeof cells[m], r, e, &t[e]);
        else
            snprintf(cells[m], sizeof cells[m], r->left_out[e] ? "-" : "n/a");
        format_ratio(ratios[m], sizeof ratios[m], t[e].median_ns, fastest);
    }
    printf("%-28s %13s %6s %13s %6s %13s %6s %13s %6s\n", r->c->name, cells[0], ratios[0], cells[1],
           ratios[1], cells[2], ratios[2], cells[3], ratios[3]);
}

/* What went wrong in a row, under the tables. */
static void print_problems(const struct row *r)
{
    for (unsigned e = 0; e < r->count; e++)
        if (r->timing[e].failed)
            printf("  %s: %s failed while timed\n", r->c->name, r->ops[e]->name);
    if (r->differs >= 0)
        printf("  %s: %s leaves a different result than %s\n", r->c->name, r->ops[r->differs]->name,
               r->ran[WHVEMU] ? "whvemu" : "the floor");
    for (unsigned e = 0; e < r->count; e++)
        if (!r->ran[e] && !r->left_out[e])
            printf("  %s: %s did not run it (%s)%s%s\n", r->c->name, r->ops[e]->name, r->why[e],
                   r->c->pending ? ", pending: " : "", r->c->pending ? r->c->pending : "");
}

/* ---- registers per call ---------------------------------------------------------------- */

static void print_registers_row(const struct row *r)
{
    char text[2][3][160];
    for (unsigned e = WHVEMU; e <= FLOOR; e++) {
        const struct callback_record *record =
            r->ran[e] ? r->ops[e]->record_step(r->state[e]) : NULL;
        for (unsigned column = 0; column < 3 && !record; column++)
            snprintf(text[e][column], sizeof text[e][column], "n/a");
        if (!record)
            continue;
        reg_log_text(&record->get, text[e][0], sizeof text[e][0]);
        reg_log_text(&record->set, text[e][1], sizeof text[e][1]);
        callback_counts_text(record, text[e][2], sizeof text[e][2]);
    }
    printf("| %s | %s | %s | %s | %s | %s | %s |\n", r->c->name, text[0][0], text[0][1], text[0][2],
           text[1][0], text[1][1], text[1][2]);
}

/* ---- the two modes ------------------------------------------------------------------- */

#ifdef HAVE_CALLGRIND
/* N steps of each engine that ran between a zeroing and a dump of callgrind's counters. */
static void count_case(struct row *r, size_t index, long steps)
{
    char label[64];
    for (unsigned e = 0; e < r->count; e++) {
        if (!r->ran[e])
            continue;
        for (int warm = 0; warm < 3; warm++)
            r->ops[e]->step(r->state[e]);
        snprintf(label, sizeof label, "bench:%zu:%u", index, e);
        CALLGRIND_ZERO_STATS;
        for (long i = 0; i < steps; i++)
            r->ops[e]->step(r->state[e]);
        CALLGRIND_DUMP_STATS_AT(label);
        printf("dump\t%s\t%s\t%s\t%ld\n", label, r->c->name, r->ops[e]->name, steps);
    }
}
#endif

static void print_tables(const struct row rows[])
{
    print_timing_header();
    for (size_t i = 0; i < bench_case_count; i++)
        print_timing_row(&rows[i]);
    printf("\nUnicorn's modes (ns: min / median, and / the fastest of the first three): count = 1;"
           " a HLT after\nthe instruction; uc_ctl_set_exits at its end; `until` at its end (it "
           "translates the\ninstruction again on every call)\n%-28s %13s %6s %13s %6s %13s %6s "
           "%13s %6s\n",
           "case", "count = 1", "", "HLT after", "", "exits", "", "end-address", "");
    for (size_t i = 0; i < bench_case_count; i++)
        print_unicorn_modes_row(&rows[i]);
}

static void print_registers(struct row rows[])
{
    printf("\nregisters per call (the names of the Get and Set calls) and callbacks per call\n\n"
           "| case | whvemu Get | whvemu Set | whvemu callbacks | floor Get | floor Set | "
           "floor callbacks |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < bench_case_count; i++)
        print_registers_row(&rows[i]);
}

/* Open and check a row per case; the rows that failed. */
static int open_rows(struct row rows[], const struct bench_case cases[], size_t count,
                     const struct engine_ops *const ops[], unsigned engines, bool with_flags)
{
    int failures = 0;
    for (size_t i = 0; i < count; i++) {
        bool ok = row_open(&rows[i], &cases[i], ops, engines) &&
                  (row_check(&rows[i], with_flags), !row_failed(&rows[i]));
        failures += !ok;
    }
    return failures;
}

static int failed_while_timed(const struct row rows[], size_t count)
{
    int failures = 0;
    for (size_t i = 0; i < count; i++)
        for (unsigned e = 0; e < rows[i].count; e++)
            failures += rows[i].timing[e].failed;
    return failures;
}

static void close_rows(struct row rows[], size_t count)
{
    for (size_t i = 0; i < count; i++)
        row_close(&rows[i]);
    free(rows);
}

/* Every case on every engine: checked, then timed or counted; returns the failures. */
static int run_cases(long callgrind_steps)
{
    struct row *rows = calloc(bench_case_count, sizeof *rows);
    if (!rows)
        return 1;
    int failures = open_rows(rows, bench_cases, bench_case_count, case_engines, CASE_ENGINES, true);
    if (!callgrind_steps) {
        measure_rows(rows, bench_case_count);
        failures += failed_while_timed(rows, bench_case_count);
        print_tables(rows);
    }
#ifdef HAVE_CALLGRIND
    for (size_t i = 0; callgrind_steps && i < bench_case_count; i++)
        if (!row_failed(&rows[i]))
            count_case(&rows[i], i, callgrind_steps);
#endif
    print_registers(rows);
    for (size_t i = 0; i < bench_case_count; i++)
        print_problems(&rows[i]);
    close_rows(rows, bench_case_count);
    return failures;
}

/* ---- host-computed flags ---------------------------------------------------------------- */

static const struct engine_ops *const vendor_engines[] = { &whvemu_ops, &whvemu_intel_ops,
                                                           &whvemu_amd_ops };
#define VENDORS 3

static void print_flag_row(const struct row *r)
{
    const struct timing *t = r->timing;
    if (row_failed(r))
        printf("%-28s n/a (failed or results differ)\n", r->c->name);
    else
        printf("%-28s %10.1f %10.1f %10.1f %+14.1f\n", r->c->name, t[0].median_ns, t[1].median_ns,
               t[2].median_ns, t[0].median_ns - (t[1].median_ns + t[2].median_ns) / 2);
}

/* The cost of host-computed flags: each case with each vendor option, batches interleaved;
 * returns the failures. */
static int bench_flags(void)
{
    struct row *rows = calloc(flag_case_count, sizeof *rows);
    if (!rows)
        return 1;
    int failures = open_rows(rows, flag_cases, flag_case_count, vendor_engines, VENDORS, false);
    measure_rows(rows, flag_case_count);
    failures += failed_while_timed(rows, flag_case_count);
    printf("\nhost-computed flags: median ns per instruction with WHVEMU_OPTION_VENDOR host "
           "(the default:\nthe operation runs on this CPU), intel and amd (portable C), batches "
           "interleaved\n\n%-28s %10s %10s %10s %14s\n",
           "instruction", "host ns", "intel ns", "amd ns", "host - C ns");
    for (size_t i = 0; i < flag_case_count; i++)
        print_flag_row(&rows[i]);
    close_rows(rows, flag_case_count);
    printf("\nhost - C: host minus the mean of the two C profiles.\n");
    double host_ns, c_ns;
    if (stub_cost(&host_ns, &c_ns))
        printf("the 32-bit ADD alone: %.1f ns on its host stub, %.1f ns in C\n", host_ns, c_ns);
    else
        printf("the 32-bit ADD alone: no host stubs in this build\n");
    return failures;
}

/* ---- main ----------------------------------------------------------------------------- */

/* The value of `key` in /proc/cpuinfo's first processor, into out ("?" when absent). */
static void cpuinfo_value(const char *key, char *out, size_t size)
{
    char line[256];
    FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
    snprintf(out, size, "?");
    while (cpuinfo && fgets(line, sizeof line, cpuinfo)) {
        char *colon = strchr(line, ':');
        size_t key_length = strcspn(line, "\t:");
        if (colon && key_length == strlen(key) && strncmp(line, key, key_length) == 0) {
            snprintf(out, size, "%s", colon + 2);
            out[strcspn(out, "\n")] = '\0';
            break;
        }
    }
    if (cpuinfo)
        fclose(cpuinfo);
}

static void print_machine(void)
{
    char model[128], family[16], number[16];
    cpuinfo_value("model name", model, sizeof model);
    cpuinfo_value("cpu family", family, sizeof family);
    cpuinfo_value("model", number, sizeof number);
    printf("whvemu %s (%s build), %s, on %s (family %s model %s)\n\n", whvemu_version(),
           WHVEMU_BENCH_BUILD_TYPE, unicorn_version_text(), model, family, number);
}

static long parse_arguments(int argc, char **argv)
{
    if (argc == 1)
        return 0;
    if (argc == 3 && strcmp(argv[1], "--callgrind") == 0 && atol(argv[2]) > 0) {
#ifdef HAVE_CALLGRIND
        return atol(argv[2]);
#else
        fprintf(stderr, "whvemu_bench: built without valgrind/callgrind.h\n");
        exit(2);
#endif
    }
    fprintf(stderr, "usage: whvemu_bench [--callgrind STEPS]\n");
    exit(2);
}

static void *run_bench(void *argument)
{
    long callgrind_steps = *(long *)argument;
    int failures = run_cases(callgrind_steps);
    if (!callgrind_steps)
        failures += bench_flags();
    return (void *)(intptr_t)failures;
}

/* The bench runs on a thread whose stack starts at the same page offset in every run (the
 * main thread's is randomised): where the callbacks' locals fall against the RAM and the
 * device changes store-to-load aliasing, which made the floor of rep movsb 3x slower in
 * some runs and not in others. */
static int run_on_fixed_stack(long callgrind_steps)
{
    enum { STACK_SIZE = 1 << 20 };
    void *stack = page_aligned_zalloc(STACK_SIZE), *failures = (void *)1;
    pthread_attr_t attributes;
    pthread_t thread;
    if (stack && pthread_attr_init(&attributes) == 0 &&
        pthread_attr_setstack(&attributes, stack, STACK_SIZE) == 0 &&
        pthread_create(&thread, &attributes, run_bench, &callgrind_steps) == 0)
        pthread_join(thread, &failures);
    free(stack);
    return (int)(intptr_t)failures;
}

int main(int argc, char **argv)
{
    long callgrind_steps = parse_arguments(argc, argv);
    print_machine();
    /* Counting stays on the main thread: callgrind's ZERO_STATS zeroes the calling thread's
     * counters only, and the stack's page offset does not change instruction counts. */
    int failures = callgrind_steps ? (int)(intptr_t)run_bench(&callgrind_steps)
                                   : run_on_fixed_stack(callgrind_steps);
    /* Timing never fails the run; an engine that cannot do the work, or does it wrong, does. */
    return failures ? 1 : 0;
}
