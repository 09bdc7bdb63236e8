/* The encodings form_coverage decodes with Zydis to find every instruction form with a
 * memory operand: each opcode of each map, with each prefix, W, vector length, masking and
 * ModRM.reg the map's instructions can select by, and the memory operand [rbx] (the VSIB
 * forms, and AMX, with a SIB byte). Each walk hands 16 bytes to `visit`; most of them do not
 * decode, and the caller keeps one encoding per form. */
#ifndef COVERAGE_FORM_WALK_H
#define COVERAGE_FORM_WALK_H

#include <stdbool.h>
#include <stdint.h>

#define WALK_BYTES 16

typedef void form_visit(void *context, const uint8_t bytes[WALK_BYTES]);

/* Legacy maps 1-byte, 0F, 0F38, 0F3A with no prefix, 66, F3 or F2, and REX.W in 64-bit
 * code; the register forms too (mod 3), where the implicit memory operands are. */
void walk_legacy(bool mode64, form_visit *visit, void *context);
/* 3DNow!: 0F 0F ModRM imm8, the imm8 selecting the operation. */
void walk_3dnow(form_visit *visit, void *context);
/* VEX maps 0F, 0F38, 0F3A and XOP maps 8, 9, A: W, L, pp, vvvv a register or unused; the
 * register forms too (VMASKMOVDQU's memory operand is implicit). */
void walk_vex_xop(form_visit *visit, void *context);
/* EVEX maps 0F, 0F38, 0F3A, 5, 6: W, L'L 0-2, pp, vvvv, with and without broadcast, no
 * masking, merging into k1 and zeroing with k1. */
void walk_evex(form_visit *visit, void *context);

#endif
