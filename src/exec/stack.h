/* The stack as the instructions that push and pop see it: SS:rSP, with the stack's address
 * size (8 in 64-bit mode, else 4 or 2 by SS.B). Stack-segment faults are #SS (the MMU
 * reports them so for SS). Implemented in stack.c; used by control.c and segment loads. */
#ifndef WHVEMU_STACK_H
#define WHVEMU_STACK_H

#include "exec/operand.h"

/* The stack's address size in bytes: 2, 4 or 8. */
unsigned stack_address_size(struct vcpu *cpu);

/* rSP + delta, wrapped to the stack's address size: an offset within SS. */
uint64_t stack_offset(struct vcpu *cpu, int64_t delta);

/* Set the stack's address-size part of rSP (SP leaves the upper bits alone, ESP clears them). */
void stack_set_pointer(struct vcpu *cpu, uint64_t sp);

/* Check that count slots of size bytes below rSP can be written, writing nothing. */
enum exec_result stack_probe(struct vcpu *cpu, unsigned count, unsigned size);

/* Push count values of size bytes, values[0] first (at the highest address), one slot at
 * a time: a fault on a later slot leaves the earlier ones written, as the CPU does (PUSHA
 * in tests/diff and tests/segments, CALL FAR in tests/diff). stack_probe first makes it
 * all-or-nothing (calls through a gate). */
enum exec_result stack_push(struct vcpu *cpu, const uint64_t *values, unsigned count,
                            unsigned size);

/* Read size bytes at SS:offset. */
enum exec_result stack_read(struct vcpu *cpu, uint64_t offset, unsigned size, uint64_t *value);

/* Pop count values of size bytes, values[0] first (from the top of the stack); rSP moves
 * past them. */
enum exec_result stack_pop(struct vcpu *cpu, uint64_t *values, unsigned count, unsigned size);

/* Registers every stack instruction needs (for the dispatch table's prefetch mask). */
#define STACK_REGS (REG_BIT(R_RSP) | REG_BIT(R_SS))

#endif
