/* String instructions run natively in 64-bit user mode, for the differential tests, in
 * tests/common's runner (native.h): RAX, RCX, RSI, RDI and RFLAGS loaded and stored back; a
 * fault comes back with its vector, error code, CR2 and the registers at the fault. */
#ifndef WHVEMU_TEST_STRING_NATIVE_RUN_H
#define WHVEMU_TEST_STRING_NATIVE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#define FL_DF 0x400u
#define FL_ARITH 0x8d5u

enum op { OP_MOVS, OP_STOS, OP_LODS, OP_CMPS, OP_SCAS, OP_COUNT };
extern const char *const op_name[OP_COUNT];

struct native_regs {
    uint64_t rax, rcx, rsi, rdi, rflags;
};

struct native_fault {
    bool faulted;
    uint8_t vector;
    uint32_t error;
    uint64_t cr2;
};

/* The bytes of op with an element of `size`, REP prefix `rep` (0, 0xf3, 0xf2) and 32-bit
 * addressing when addr32; returns how many. */
unsigned string_encode(enum op op, unsigned size, uint8_t rep, bool addr32, char *bytes);

/* Set the runner up; false (with a message) when this host cannot. */
bool native_string_init(void);

/* Run the n bytes with the registers, which come back as the instruction left them (at the
 * fault, when it faulted). */
void native_string_run(const char *bytes, unsigned n, struct native_regs *r,
                       struct native_fault *f);

/* The guest's RAX, RCX, RSI, RDI, arithmetic flags and DF must be the CPU's. */
void check_registers(const struct native_regs *nat);

/* The cases that fault (native_faults.c), with their summary. */
void run_fault_cases(void);

#endif
