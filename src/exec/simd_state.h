/* DRAFT — what the SIMD moves still need from exec/ and mmu/ (issue 10, chunks B and D).
 *
 * The core half is done (core/vstate.h, core/xstate.h). What is left here is the interface
 * the executor's SIMD files will call once the wiring step lands: simd_need (exec) and the
 * memory part (mmu/mmu.h). The wiring step implements each in its layer and deletes this
 * file. It follows simd-design §3.2-3.4; docs/simd-moves.md says
 * what the wiring step does, in order.
 *
 * Conventions: registers are read and written as little-endian byte arrays; every function
 * that can fail returns an enum exec_result with cpu->fault filled (EXEC_FAULT) or the
 * callback failure noted (EXEC_CALLBACK_FAILED), as mmu_read() does today. */
#ifndef WHVEMU_SIMD_STATE_H
#define WHVEMU_SIMD_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"
#include "core/vstate.h"

/* ==== exec: the state an instruction needs ====
 *
 * The register half is implemented: core/vstate.h (vstate_begin, the vreg/mreg/kreg
 * accessors, mmx_transition, x87_status, mxcsr_read, xcr0_read, fault_commit_vector) and
 * core/xstate.h (the XSAVE components XS_*). */

/* The components a decoded instruction reads or writes, given XCR0 (pure; exec side): its
 * vector operands' widths and numbers, EVEX masking (opmask), the upper bits a VEX/EVEX
 * register write zeroes (AVX, and ZMM_Hi256 when XCR0 has it, Hi16_ZMM for 16-31), MMX
 * (x87). A set within XS_LEGACY is served by the SDK names. */
uint64_t simd_need(const struct insn *in, uint64_t xcr0);

/* ==== mmu: byte-masked vector accesses (simd-design §3.4) ====
 *
 * seg:offset, size 1..64 bytes; bit i of `enable` and `checked` covers byte i. Only the enabled
 * bytes are accessed; only the pages of the checked bytes are checked (segment limit,
 * canonical, paging): the enabled ones where masked-off elements suppress faults, the whole
 * operand where the CPU checks it whole (simd_move_checked_bytes()). A #PF's CR2 is the first
 * checked byte on the faulting page (simd-design F8/M7). Nothing checked: no callback, no
 * fault. Each run of enabled bytes is split into naturally aligned pieces of 1, 2, 4 or 8
 * bytes, none crossing an 8-byte boundary (16 @1003 -> 1 @1003, 4 @1004, 8 @1008, 2 @1010,
 * 1 @1012), the same splitter instruction fetch uses (issue 11). A write checks every page of
 * `checked` before its first callback, as mmu_write() does. */
struct mmu_vector_access {
    enum segreg seg;
    uint64_t offset;
    unsigned size;     /* bytes of the operand */
    uint64_t enable;   /* the bytes accessed */
    uint64_t checked;  /* the bytes whose pages are checked (a superset of enable) */
    unsigned gp_align; /* #GP(0) unless the linear address is a multiple (0: none), after
                        * the segment and canonical checks and before paging (M6) */
    unsigned ac_unit;  /* #AC unless the operand's address is a multiple of this (0: never),
                        * with CR0.AM, RFLAGS.AC and CPL 3, when any byte is checked
                        * (simd_move_ac_unit()) */
    unsigned access;   /* MMU_* flags beyond the direction */
};

/* Read the enabled bytes into buf[0..size) (the others are left as they are). */
enum exec_result mmu_read_vector(struct vcpu *cpu, const struct mmu_vector_access *a, uint8_t *buf);
/* Write the enabled bytes of buf[0..size), after checking every page of a->checked. */
enum exec_result mmu_write_vector(struct vcpu *cpu, const struct mmu_vector_access *a,
                                  const uint8_t *buf);

#endif
