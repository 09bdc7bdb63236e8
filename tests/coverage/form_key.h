/* What makes a decoded instruction a form of the coverage walk, and its name: the Zydis
 * mnemonic and operand shape in SDM notation ("add m32, r32", "{evex} vaddps zmm {k}{z},
 * zmm, m32bcst"): registers by size (r8..r64, r80 for x87) or vector class (mm, xmm, ymm,
 * zmm, k, bnd, tmm), memory by size (m128) or broadcast element (m32bcst), immediates by
 * size. VEX and EVEX forms, which share mnemonics, carry the assembler's pseudo-prefix. */
#ifndef COVERAGE_FORM_KEY_H
#define COVERAGE_FORM_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include <Zydis/Zydis.h>

#define FORM_KEY_SIZE 112

/* A memory operand the CPU accesses, explicit or implicit (see form_key.c). */
bool form_has_memory_operand(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops);

/* Works on vector state (MMX, 3DNow!, SSE..AVX-512, XOP and the other vector extensions),
 * rather than general-purpose, x87 or XSAVE state. */
bool form_is_vector(const ZydisDecodedInstruction *in);

void form_key(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops, char *out,
              size_t outsz);

/* The key's leading part that the gap list's patterns group by: "{evex} vaddps". */
size_t form_key_group_length(const char *key);

#endif
