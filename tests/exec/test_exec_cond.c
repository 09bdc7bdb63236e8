/* cond_true() (src/exec/flags.c), the condition evaluation Jcc, SETcc and CMOVcc share,
 * against SETcc on this CPU for every combination of CF, PF, ZF, SF and OF. */
#include <stdint.h>

#include "check.h"
#include "exec/flags.h"
#include "hostcpu.h"

/* SETcc natively with the given arithmetic flags (below the red zone, which the pushes
 * would overwrite); the 16 conditions in encoding order. */
#define SETCC(cc) \
    static int native_##cc(uint64_t flags) \
    { \
        uint8_t r; \
        __asm__("lea -128(%%rsp),%%rsp\n\tpushfq\n\tpushq %1\n\tpopfq\n\t" \
                "set" #cc " %0\n\tpopfq\n\tlea 128(%%rsp),%%rsp" \
                : "=q"(r) : "r"(flags) : "cc"); \
        return r; \
    }
SETCC(o) SETCC(no) SETCC(b) SETCC(ae) SETCC(e) SETCC(ne) SETCC(be) SETCC(a)
SETCC(s) SETCC(ns) SETCC(p) SETCC(np) SETCC(l) SETCC(ge) SETCC(le) SETCC(g)

static int (*const native[16])(uint64_t) = {
    native_o, native_no, native_b, native_ae, native_e, native_ne, native_be, native_a,
    native_s, native_ns, native_p, native_np, native_l, native_ge, native_le, native_g,
};

int main(void)
{
    static const uint64_t bits[] = { FL_CF, FL_PF, FL_ZF, FL_SF, FL_OF };

    host_describe(stdout); /* SETcc is baseline: nothing to skip */
    for (unsigned combo = 0; combo < 32; combo++) {
        uint64_t flags = 0x202;
        for (unsigned b = 0; b < 5; b++)
            if (combo & (1u << b))
                flags |= bits[b];
        for (unsigned cc = 0; cc < 16; cc++)
            CHECK(cond_true(flags, cc) == (native[cc](flags) != 0), "cc %u, rflags 0x%llx", cc,
                  (unsigned long long)flags);
    }
    return check_summary();
}
