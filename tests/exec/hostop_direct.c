/* White-box: whether the library has a host stub for an operation, asked directly (the
 * test of stubs against the C profiles must know that the default emulator really runs
 * one). Kept apart from test_hostops.c, so that the executor's headers stay out of it. */
#include "hostop_direct.h"

#include <string.h>

#include "core/vcpu.h"
#include "exec/flags.h"
#include "exec/hostop.h"

bool stub_runs(enum mnemonic mn, bool wide, unsigned size)
{
    struct vcpu cpu;
    /* DIV and IDIV of 0 by 1: no #DE */
    struct int_op o = { .src = 1, .src2 = 1, .flags = 0x202 };

    memset(&cpu, 0, sizeof cpu);
    cpu.host_ops = true;
    return host_op(&cpu, mn, wide, size, &o);
}
