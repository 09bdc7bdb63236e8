/* The faults an instruction with several memory accesses may report, measured on this CPU.
 *
 * When two accesses of one instruction would both fault (CMPS with DS:rSI beyond its limit
 * and ES:rDI on a page that is not present, say), which fault the CPU reports is left open:
 * the SDM's priority table (Vol. 3A 6.9) puts every fault of executing an instruction in
 * one class whose internal order is "implementation-dependent and may vary from processor
 * to processor". The native harnesses therefore accept either answer, but only answers the
 * CPU itself gives: each access of the instruction is run alone, natively, from the same
 * state (a MOV through the same segment, offset, address size and width; JMP FAR for a far
 * pointer; MOVDIR64B with its other operand made harmless), and the faults those runs
 * raise are the instruction's possible faults. docs/semantics.md lists the forms, the
 * order whvemu chose and what this CPU did. Linux x86-64 only, as native.c. */
#ifndef DIFF_FAULT_ORDER_H
#define DIFF_FAULT_ORDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "decoder.h"
#include "segments.h"

/* A fault as the harnesses compare it: the error code only for vectors that push one, CR2
 * only for #PF. */
struct cpu_fault {
    uint8_t vector;
    uint32_t error;
    uint64_t cr2;
};

/* The state the instruction starts from (for a REP string instruction that faulted: the
 * state at the faulting element). */
struct order_state {
    unsigned bits;
    uint64_t gpr[16];
    uint64_t rflags;
    struct segment seg[6]; /* ES CS SS DS FS GS, as the runners load them */
    uint64_t rip;
};

/* ENTER with nesting level 31: 32 slot writes, 30 frame reads, the final check */
#define ORDER_MAX_ACCESSES 64

struct stored {
    uint64_t linear;
    unsigned size;
};

struct fault_choices {
    unsigned accesses; /* how many accesses the instruction makes */
    unsigned count;    /* the distinct faults they raise alone */
    struct cpu_fault fault[ORDER_MAX_ACCESSES];
    unsigned unprobed; /* accesses whose probe was not run: it could have written or
                             * jumped outside the harness's memory, or this CPU lacks it */
    unsigned stores;   /* the instruction's writes */
    struct stored store[ORDER_MAX_ACCESSES];
};

/* Whether the instruction is one of the forms with several accesses whose order is open:
 * MOVS, CMPS, PUSH m, POP m, CALL m, CALL FAR m, PUSHA, POPA, ENTER, MOVDIR64B. */
bool has_ordered_accesses(const struct insn *in);

/* Run each access of the instruction alone on this CPU and collect the faults. The native
 * buffer is restored afterwards; the runner's slot is not (place the instruction again
 * before running it). */
void fault_choices_probe(const struct insn *in, const struct order_state *s,
                         struct fault_choices *out);

/* Whether f is one of the faults the accesses raise alone. */
bool fault_choices_hold(const struct fault_choices *c, const struct cpu_fault *f);

/* Instructions with several stack slots (PUSHA, POPA, ENTER, CALL FAR): a CPU may write
 * the slots, or load registers from them, one by one, so that a fault on a later slot
 * leaves earlier ones done, or check them all first. whvemu writes slots one by one, as
 * this machine's CPU does, and commits no register of a faulting instruction (DESIGN.md):
 * on a fault its registers are the initial ones, and its memory may differ from the CPU's
 * only in bytes the instruction writes. */
bool has_partial_slots(const struct insn *in);

/* Whether the byte at a linear address is one the instruction writes. */
bool fault_choices_stored(const struct fault_choices *c, uint64_t linear);

/* Tally one faulting case of such a form: whether several of its accesses fault alone,
 * whether this CPU then reported another one's fault than whvemu, and whether it had done
 * other slots than whvemu (written them, or loaded registers from them). */
void fault_order_count(const struct insn *in, const struct fault_choices *c, bool chose_differently,
                       bool other_slots);

/* Print the tally, one line per mnemonic and mode ("cmps 16-bit: 59 faulted, 30 with
 * several faulting accesses, 30 with another's fault than whvemu's") and a total, and start
 * a new one. */
void fault_order_report(FILE *out);

/* Whether the CPU pushes an error code for the vector. */
bool vector_has_error_code(unsigned vector);

#endif
