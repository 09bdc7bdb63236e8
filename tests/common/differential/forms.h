/* Instruction forms with a memory operand, enumerated from the decoder's opcode tables.
 *
 * A form is a table row together with the selector choices that lead to it (ModRM.reg or
 * .rm, mandatory prefix, CPU mode, operand/address size, W); a new row in the tables is a
 * new form here without any change to the harness. */
#ifndef DIFF_FORMS_H
#define DIFF_FORMS_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder.h"
#include "optab.h"

/* Bit sets over 16/32/64 (CPU modes, operand sizes, address sizes). */
enum { SIZE16 = 1, SIZE32 = 2, SIZE64 = 4, SIZE_ALL = 7 };

struct form {
    const struct optab *row;
    uint8_t map; /* MAP_LEGACY_1B .. MAP_LEGACY_0F3A, MAP_VEX_0F .. MAP_VEX_0F3A */
    uint8_t opcode;
    int8_t reg, rm;           /* ModRM fields the selectors fixed, or -1 */
    int8_t mandatory;         /* enum mandatory_prefix a SEL_PFX chose, or -1 */
    int8_t w;                 /* REX.W / VEX.W a SEL_W chose, or -1 */
    int8_t l;                 /* VEX.L a SEL_L chose, or -1 */
    uint8_t modes;            /* SIZE* set of CPU modes (SEL_MODE, F_NO64, F_ONLY64) */
    uint8_t osizes;           /* operand sizes a SEL_OSIZE allows */
    uint8_t asizes;           /* address sizes a SEL_ASIZE allows */
    const char *not_runnable; /* why the native oracle cannot run it, or NULL */
    int needs;                /* the enum host_feature a CPU must have to run it, or -1; for
                             * vector forms the encoding's ISA set decides (isa.h) */
    bool vector;              /* works on vector state: x87/MMX, XMM/YMM/ZMM or k registers */
};

/* Every memory form of the legacy maps (1-byte, 0F, 0F38, 0F3A), the VEX maps and the
 * EVEX maps (0F, 0F38, 0F3A, 5, 6), in table order, each with the CPU feature it needs.
 * Returns the count; *forms is allocated (free it). */
unsigned forms_enumerate(struct form **forms);

/* The enum host_feature an instruction needs beyond the x86-64 baseline, or -1. */
int mnemonic_feature(unsigned mnemonic);

/* Whether the row's operands can address memory, and which kinds of memory operand. */
bool row_has_modrm_memory(const struct optab *row);
bool row_has_operand(const struct optab *row, enum operand_kind kind);
/* Operand size matters for this row (some operand is sized v/z/y/p/a). */
bool row_has_sized_operand(const struct optab *row);
/* Vector length matters (some operand is sized x/hx/qx/ox by VEX.L / EVEX.L'L). */
bool row_has_vector_length_operand(const struct optab *row);

/* The segment register (enum segreg) the row loads (MOV Sreg, POP Sreg, LDS...), or -1.
 * modrm_reg is ModRM.reg for MOV Sreg, Ew. */
int row_loaded_segment(const struct optab *row, unsigned modrm_reg);

/* The rows with a vector operand (V W U H L P Q N and the opmask kinds). */
bool row_is_vector(const struct optab *row);

/* Branches the runners can take: unconditional, to a target read from memory, the
 * stack or the instruction, which the harness points at the code after the slot (CALL,
 * JMP through memory, near and far; RET, RETF, IRET). */
bool row_is_landing_branch(const struct optab *row);

/* "add Ev,Gv" style description of a form, for reports. */
void form_describe(const struct form *f, char *out, unsigned outsz);

#endif
