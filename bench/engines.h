/* The engines the bench compares, behind one interface: whvemu through the public API, the
 * case's floor, and Unicorn in four modes. Each has its own guest (engine_whv.c,
 * engine_unicorn.c). */
#ifndef WHVEMU_BENCH_ENGINES_H
#define WHVEMU_BENCH_ENGINES_H

#include <stdbool.h>
#include <stddef.h>

#include "cases.h"

struct engine_ops {
    const char *name;
    size_t size; /* bytes of the engine's state, which setup() fills */
    int variant; /* whvemu: WHVEMU_OPTION_VENDOR; Unicorn: its mode */
    /* false when the engine cannot be built for the case; why() says why */
    bool (*setup)(void *engine, const struct bench_case *c, int variant);
    /* one exit: the registers the instruction changes are put back, then it is emulated;
     * false when the engine failed */
    bool (*step)(void *engine);
    void (*outcome)(void *engine, struct outcome *o);
    const char *(*why)(void *engine);
    /* the Get and Set names and callback counts of one step (NULL: not a WHv engine) */
    const struct callback_record *(*record_step)(void *engine);
    void (*teardown)(void *engine);
    /* whether the engine can run the case at all (NULL: every case); a case it cannot is
     * left out, not a failure */
    bool (*applies)(const struct bench_case *c);
};

enum unicorn_mode {
    UNICORN_COUNT,      /* count = 1 (not REP): translation reused */
    UNICORN_HLT,        /* a HLT after the instruction ends the run: translation reused */
    UNICORN_EXITS,      /* uc_ctl_set_exits(end of the instruction), set once */
    UNICORN_END_ADDRESS /* uc_emu_start(until = end of the instruction): re-translates */
};

extern const struct engine_ops whvemu_ops; /* the default vendor option (host) */
extern const struct engine_ops whvemu_intel_ops, whvemu_amd_ops;
extern const struct engine_ops floor_ops;
extern const struct engine_ops unicorn_count_ops; /* UNICORN_COUNT */
extern const struct engine_ops unicorn_hlt_ops;   /* UNICORN_HLT */
extern const struct engine_ops unicorn_exits_ops; /* UNICORN_EXITS */
extern const struct engine_ops unicorn_end_ops;   /* UNICORN_END_ADDRESS */

/* "Unicorn 2.0" */
const char *unicorn_version_text(void);

#endif
