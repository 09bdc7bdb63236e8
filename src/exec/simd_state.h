/* DRAFT — what the SIMD moves still need from mmu/ (issue 10, chunk B).
 *
 * The register half is done: core/vstate.h (vstate_begin and the accessors), core/xstate.h
 * (the XSAVE components XS_*), simd_need() in exec/simd_check.h. What is left here is the
 * memory part, which the wiring step moves to mmu/mmu.h, implements there and then deletes
 * this file. It follows simd-design §3.4; docs/simd-moves.md says what the wiring step
 * does, in order.
 *
 * Conventions: registers are read and written as little-endian byte arrays; every function
 * that can fail returns an enum exec_result with cpu->fault filled (EXEC_FAULT) or the
 * callback failure noted (EXEC_CALLBACK_FAILED), as mmu_read() does today. */
#ifndef WHVEMU_SIMD_STATE_H
#define WHVEMU_SIMD_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"

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
