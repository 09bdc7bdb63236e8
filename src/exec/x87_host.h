/* The x87 memory forms that compute (x87_forms.def kinds LOAD and STORE) run on the host's
 * x87, as the guest's would have: the guest's x87 state is loaded with FXRSTOR, one
 * precompiled stub per form runs the instruction with its operand at (%rdi) — a buffer of
 * the emulator's, never guest memory — the state is saved with FXSAVE, and the host's own
 * x87/SSE state is restored, all in one asm statement (docs/x87.md, "Safety").
 *
 * x87 exceptions are deferred: an unmasked one only sets FSW.ES, and the #MF comes at the
 * next waiting instruction. So the stub cannot trap as long as no exception is pending
 * when it starts, which x87_host_run checks first (the caller has raised #MF by then).
 *
 * Stubs exist on x86-64 builds with GNU C unless host operations are disabled
 * (WHVEMU_NO_HOST_OPS, as for hostop.c); elsewhere these forms are unsupported. */
#ifndef WHVEMU_X87_HOST_H
#define WHVEMU_X87_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/x87.h"

/* Whether this build has the stubs (tests ask). */
bool x87_host_stubs_compiled(void);

enum x87_host_result {
    X87_HOST_DONE = 0,
    X87_HOST_UNAVAILABLE, /* no stubs in this build, or FISTTP on a host without SSE3 */
    X87_HOST_PENDING,     /* an exception is pending: #MF is the caller's, nothing ran */
};

/* Run a LOAD or STORE form on s: FCW, FSW, the abridged FTW and ST(0..7) change as the
 * host's x87 changes them; the pointers, MXCSR and XMM are left to the caller
 * (x87_record_pointers). operand holds the form's bytes: read by a LOAD; written by a STORE
 * that stores, and then *stored is true (an unmasked exception may stop a store). */
enum x87_host_result x87_host_run(const struct x87_form *f, struct fxsave_state *s,
                                  uint8_t operand[10], bool *stored);

/* The host's x87 profile: CPUID 7.0:EBX[6] and [13], whether its FXSAVE hides the
 * pointers while ES is clear, which bit its FXRSTOR64 extends them from and the FCW bits a
 * load keeps (probed with FXRSTOR/FXSAVE once per process), written over *out's; the other
 * fields are left as they are. False, *out untouched, in a build without stubs. */
bool x87_host_profile(struct x87_profile *out);

#endif
