/* The executor: instruction semantics, one file per family, dispatched by mnemonic. */
#ifndef WHVEMU_EXEC_H
#define WHVEMU_EXEC_H

#include "exec/operand.h"

typedef enum exec_result (*exec_fn)(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* Registers an instruction needs beyond the ones its operands name (REG_BIT mask). */
uint64_t exec_implicit_regs(const struct insn *in);

/* Execute cpu->insn: its effects go to the register cache and, through the MMU, to the
 * memory/io callbacks; on EXEC_OK RIP has advanced. */
enum exec_result exec_insn(struct vcpu *cpu);

/* Family entry points (mov.c) */
enum exec_result x_mov(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_movsx(struct vcpu *cpu, const struct insn *in, struct operand *ops);

#endif
