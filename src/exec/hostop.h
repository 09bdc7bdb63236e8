/* Integer operations run on the host CPU (what the host is: core/cpuid.h).
 *
 * A guest runs on the host CPU, so where the manuals leave flags (or a result) undefined,
 * the host's answer is the one the guest would have seen natively. With the default
 * WHVEMU_VENDOR_HOST, the executor therefore runs the operation itself on the host with
 * register operands: one tiny stub per operation and operand size, chosen from the decoded
 * mnemonic and size (guest bytes are never executed), as KVM's fastops do. Only the six
 * arithmetic flags go in from the guest's RFLAGS and come back out. docs/flags.md has the
 * safety argument and, per instruction, where each flag comes from.
 *
 * Stubs exist on x86-64 builds with GNU C (gcc, clang, mingw-w64); elsewhere (other
 * architectures, MSVC, or -DWHVEMU_HOST_OPS=OFF, which defines WHVEMU_NO_HOST_OPS) the
 * executor uses the portable C profile of the host's vendor. */
#ifndef WHVEMU_HOSTOP_H
#define WHVEMU_HOSTOP_H

#include <stdbool.h>
#include <stdint.h>

#include "mnemonic.h"

struct vcpu;   /* core/vcpu.h */
struct int_op; /* exec/flags.h: the operands, in and out */

/* Whether this build has the stubs (tests ask). */
bool hostop_stubs_compiled(void);

/* When this call runs host operations (cpu->host_ops), run the instruction mnemonic of
 * size bytes (1, 2, 4, 8) on the host, in its form with register operands: `mn dst`,
 * `mn src, dst`, `mn %cl, dst`, `mn %cl, src, dst` or `mn src2, src, dst` (AT&T order),
 * whichever the instruction has; wide selects the rDX:rAX form of MUL, IMUL, DIV, IDIV.
 * False, with nothing run, when the call uses a C profile, there is no stub, or the host
 * lacks the feature the stub needs: the caller then computes it in C. DIV and IDIV must
 * only be run when the caller has ruled out #DE. */
bool host_op(const struct vcpu *cpu, enum mnemonic mn, bool wide, unsigned size, struct int_op *o);

/* The stub host_op would run when the call runs host operations, or NULL: to be looked up
 * once (a decode-cache plan, exec/plan.h) and called with the operands. */
typedef void (*host_stub)(struct int_op *o);
host_stub host_op_stub(enum mnemonic mn, bool wide, unsigned size);

#endif
