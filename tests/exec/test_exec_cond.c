/* cond_true() (src/exec/flags.c), the condition evaluation Jcc, SETcc and CMOVcc share,
 * against SETcc on this CPU (tests/common's runner) for every combination of CF, PF, ZF, SF
 * and OF. */
#include <stdint.h>

#include "check.h"
#include "exec/flags.h"
#include "hostcpu.h"
#include "native.h"

/* SETcc AL natively with the given arithmetic flags; cc the condition's encoding (0-15). */
static bool native_setcc(unsigned cc, uint64_t flags)
{
    const uint8_t setcc_al[] = { 0x0f, (uint8_t)(0x90 + cc), 0xc0 };
    struct native_frame in = native_frame_for(64);
    struct native_result result;

    in.rflags = flags;
    native_place(64, setcc_al, sizeof setcc_al);
    native_run(64, &in, &result);
    CHECK(!result.faulted, "setcc %u: vector %u", cc, result.vector);
    return (result.out.gpr[NATIVE_RAX] & 0xff) != 0;
}

int main(void)
{
    static const uint64_t bits[] = { FL_CF, FL_PF, FL_ZF, FL_SF, FL_OF };

    host_describe(stdout); /* SETcc is baseline: nothing to skip */
    if (!native_init(NATIVE_PAGE))
        return 1;
    for (unsigned combo = 0; combo < 32; combo++) {
        uint64_t flags = 0x202;
        for (unsigned b = 0; b < 5; b++)
            if (combo & (1u << b))
                flags |= bits[b];
        for (unsigned cc = 0; cc < 16; cc++)
            CHECK(cond_true(flags, cc) == native_setcc(cc, flags), "cc %u, rflags 0x%llx", cc,
                  (unsigned long long)flags);
    }
    return check_summary();
}
