/* SIMD data movement at MMIO (issue 10): the move table — one row per mnemonic, as data
 * (simd_move.def) — and what a decoded move's row and encoding decide before any register
 * or memory is touched: its geometry (which operand is memory, which register, the sizes),
 * the alignment it needs (#GP) and the unit #AC checks. Pure functions of the decoded
 * instruction, the row and the vendor profile; the state checks are simd_check.h's. */
#ifndef WHVEMU_SIMD_MOVE_H
#define WHVEMU_SIMD_MOVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"
#include "decoder.h"
#include "exec/simd_profile.h"
#include "exec/simd_shape.h"

/* #GP(0) for a misaligned memory operand (SDM vol. 2A §2.4, Table 2-18 and the instruction
 * pages): none; the operand's size (Type 1, E1: MOVAPS, VMOVDQA64, MOVNTDQ); 16 bytes in
 * the legacy SSE encoding of a 16-byte operand (the Type 4 rule the instruction pages do not
 * lift: MOVSHDUP, MOVSLDUP) unless AMD's misaligned SSE mode (MXCSR.MM) is on. */
enum simd_align { ALIGN_NONE, ALIGN_FULL, ALIGN_LEGACY16 };

/* #AC: the vendor profile's rule for the access, or never (VMASKMOV, VPMASKMOV, gathers and
 * scatters: SDM Table 2-15 footnote, the VPGATHERDD page; simd-design M3). */
enum simd_ac { AC_PROFILE, AC_NEVER };

/* Memory faults of masked-off elements (SDM vol. 1 §15.6.1, the E class tables): no
 * encoding masks the row; disabled elements are neither accessed nor checked; the whole
 * operand is checked, only the enabled elements written (the NF classes); as the vendor
 * profile says (MASKMOVQ, MASKMOVDQU). */
enum simd_fs { FS_NO_MASK, FS_MASKED, FS_WHOLE, FS_PROFILE };

/* The exception classes, for the record and the tests that check the columns against them
 * (SDM vol. 2A Table 2-15, §2.7/2.8's E tables; MMX: vol. 3B §22.25.3; K21: opmask
 * instructions addressing memory). */
// clang-format off
enum simd_class {
    CLASS_NONE, CLASS_T1, CLASS_T4, CLASS_T5, CLASS_T6, CLASS_T12, CLASS_MMX, CLASS_K21,
    CLASS_E1, CLASS_E1NF, CLASS_E4, CLASS_E4NF, CLASS_E5, CLASS_E5NF, CLASS_E6, CLASS_E6NF,
    CLASS_E9NF, CLASS_E12, CLASS_E12NP,
};
// clang-format on

struct simd_move_row {
    uint8_t shape;      /* enum simd_shape */
    uint8_t element;    /* bytes */
    uint8_t align;      /* enum simd_align */
    uint8_t ac;         /* enum simd_ac */
    uint8_t fs;         /* enum simd_fs */
    uint8_t sse_class;  /* enum simd_class of the legacy/MMX and VEX encodings */
    uint8_t evex_class; /* enum simd_class of the EVEX encoding */
};

/* The row of a move mnemonic, or NULL: not a move of the table. */
const struct simd_move_row *simd_move_row(enum mnemonic mn);

/* Where a decoded move's operands are, by their index in the row: the memory operand; the
 * register the data goes to or comes from (ModRM.reg: V, P or KG) and its register file;
 * the register `other` comes from (vvvv, or MASKMOV's mask in r/m), -1 for the destination
 * itself; the EVEX opmask register (0: none). */
struct simd_move_operands {
    uint8_t memory, data, file;
    int8_t other;
    uint8_t opmask;
};

/* Fill m's geometry (shape, element, reg_bytes, mem_bytes, imm, store, zeroing; mask all
 * ones) and *ops from the decoded instruction and its row. False when the instruction has
 * no memory operand (a register form: no MMIO exit comes from it) or the row does not fit
 * the encoding — a bug of the table, which tests/exec/test_simd_moves.c looks for over every
 * encoding of every row. */
bool simd_move_geometry(const struct insn *in, const struct simd_move_row *row, struct vec_move *m,
                        struct simd_move_operands *ops);

/* The alignment (bytes; 0: none) whose absence is #GP(0). mxcsr_mm: MXCSR.MM (bit 17);
 * enabled: the elements the mask enables (vec_move_elements()). */
unsigned simd_move_alignment(const struct simd_profile *p, const struct simd_move_row *row,
                             const struct insn *in, const struct vec_move *m, bool mxcsr_mm,
                             uint64_t enabled);

/* The #AC unit of the access (bytes; 0: never), which applies with CR0.AM, RFLAGS.AC and
 * CPL 3 as for every access, when the access checks any byte (simd_move_checked_bytes()).
 * opmask: the EVEX encoding names an opmask register (aaa != 0). */
unsigned simd_move_ac_unit(const struct simd_profile *p, const struct simd_move_row *row,
                           const struct vec_move *m, bool opmask);

/* The memory bytes the move's faults are checked on (bit i: byte i of the operand): the
 * bytes it accesses (vec_move_enable()), or the whole operand where masked-off elements do
 * not suppress faults (FS_WHOLE; MASKMOV as the profile says). */
uint64_t simd_move_checked_bytes(const struct simd_profile *p, const struct simd_move_row *row,
                                 const struct vec_move *m);

/* Gathers and scatters (simd_gather.c), after x_simd_move's state checks: each enabled
 * element its own access, the progress of a faulting one kept. */
enum exec_result simd_move_vsib(struct vcpu *cpu, const struct insn *in,
                                const struct simd_move_operands *ops);

/* What every SIMD memory form (moves, simd_compute.c) begins with: the vector state the
 * instruction needs (vstate_begin: EXEC_UNSUPPORTED, the guest untouched, when only the
 * extension could serve it and the VMM has none), then the state checks (#UD, #NM, #MF). */
enum exec_result simd_begin(struct vcpu *cpu, const struct insn *in, const struct simd_profile *p);

/* Read the enabled bytes of m's memory operand at `offset` of in's segment into buf, with
 * the moves' checks in the CPU's order (alignment #GP by row->align, segment and canonical,
 * #AC by the vendor profile, pages of the checked bytes by row->fs) and the 64 KiB wrap;
 * `limited`: bytes the segment checks cover too (mmu_vector_access). */
enum exec_result simd_read_memory(struct vcpu *cpu, const struct insn *in,
                                  const struct simd_move_row *row, const struct simd_profile *p,
                                  const struct vec_move *m, uint64_t offset, uint64_t limited,
                                  uint8_t *buf);

/* A store's two steps, with simd_read_memory()'s checks in the same order: every check of
 * the enabled bytes of m's memory operand (no callback but translation), then their write
 * from buf. Split so that an instruction can raise what comes after the checks (VCVTPS2PH's
 * #XM: measured after the destination's #PF) before anything is written. */
enum exec_result simd_check_store(struct vcpu *cpu, const struct insn *in,
                                  const struct simd_move_row *row, const struct simd_profile *p,
                                  const struct vec_move *m, uint64_t offset);
enum exec_result simd_write_memory(struct vcpu *cpu, const struct insn *in,
                                   const struct simd_move_row *row, const struct simd_profile *p,
                                   const struct vec_move *m, uint64_t offset, uint8_t *buf);

#endif
