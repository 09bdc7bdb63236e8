/* The operand kinds' table (optab.h) and what a decoded instruction's operands are. */
#include "decoder.h"
#include "optab.h"

#define KIND_ROW(kind, field_, file_, registers_, immediate_, memory_)                             \
    [OK_##kind] = { .field = (field_),                                                             \
                    .file = (file_),                                                               \
                    .immediate = (immediate_),                                                     \
                    .memory = (memory_),                                                           \
                    .registers = (registers_) },
const struct operand_kind_info operand_kinds[OK_KIND_COUNT] = { OPERAND_KINDS(KIND_ROW) };

#define FILE_ROW(file, count_, prefix_) [RF_##file] = { .count = (count_), .prefix = (prefix_) },
const struct register_file_info register_files[RF_COUNT] = { REGISTER_FILES(FILE_ROW) };

bool operand_in_memory(const struct insn *in, uint16_t opnd)
{
    return kind_can_be_memory(OPND_KIND(opnd)) && in->mod != 3;
}

unsigned operand_register_field(const struct insn *in, uint16_t opnd)
{
    unsigned tile = OPND_REG(opnd);

    switch (operand_kind_of(opnd)->field) {
    case AT_REG: return in->reg;
    case AT_RM:
    case AT_RM_MEM:
    case AT_RM_REG: return in->rm;
    case AT_VVVV: return in->vvvv;
    case AT_OPCODE: return (in->opcode & 7u) | (in->rex & 1u) << 3;
    case AT_FIXED: return OPND_REG(opnd);
    /* outside 64-bit mode the CPU ignores the top bit of is4 */
    case AT_IS4: return (unsigned)(in->imm >> 4) & (in->mode == MODE_64 ? 15u : 7u);
    case AT_TILE: return tile == TR_IN_RM ? in->rm : tile == TR_IN_VVVV ? in->vvvv : in->reg;
    default: return 0;
    }
}

unsigned operand_register(const struct insn *in, uint16_t opnd)
{
    unsigned count = register_files[operand_kind_of(opnd)->file].count;
    return count ? operand_register_field(in, opnd) & (count - 1) : 0;
}
