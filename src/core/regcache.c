#include "core/regcache.h"

#include "core/callbacks.h"

#define REGISTER_NAME_(id, name, width) [R_##id] = name,
static const WHV_REGISTER_NAME whv_names[R_COUNT] = { REGISTERS(REGISTER_NAME_) };
#undef REGISTER_NAME_

/* Whether a register uses its whole 16-byte value, not just Reg64. */
#define REGISTER_WIDE_(id, name, width) [R_##id] = (width) == 128,
static const bool wide[R_COUNT] = { REGISTERS(REGISTER_WIDE_) };
#undef REGISTER_WIDE_

/* Copy a value read as its two 8-byte halves, or its 8 bytes, and written whole (regcache.h
 * says why). */
static void copy_value(WHV_REGISTER_VALUE *to, const WHV_REGISTER_VALUE *from, enum reg_id id)
{
    value_store(to, from->Reg128.Low64, wide[id] ? from->Reg128.High64 : 0);
}

WHV_REGISTER_NAME reg_whv_name(enum reg_id id)
{
    return whv_names[id];
}

void regs_preset_read(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *v)
{
    copy_value(&cpu->regs[id], v, id);
    regset_add(&cpu->reg_valid, id);
}

bool regs_fetch_missing(struct vcpu *cpu, struct regset missing)
{
    WHV_REGISTER_NAME names[R_COUNT];
    WHV_REGISTER_VALUE values[R_COUNT];
    uint32_t n = 0;

    for (unsigned w = 0; w < REGSET_WORDS; w++) {
        for (uint64_t bits = missing.word[w]; bits; bits &= bits - 1, n++) {
            names[n] = whv_names[w * 64 + lowest_bit(bits)];
            /* what the VMM leaves unwritten reads as 0 */
            values[n].Reg128.Low64 = 0;
            values[n].Reg128.High64 = 0;
        }
    }
    if (FAILED(emu_get_registers(cpu, names, n, values)))
        return false;
    n = 0;
    for (unsigned w = 0; w < REGSET_WORDS; w++) {
        for (uint64_t bits = missing.word[w]; bits; bits &= bits - 1, n++) {
            enum reg_id id = (enum reg_id)(w * 64 + lowest_bit(bits));
            copy_value(&cpu->regs[id], &values[n], id);
        }
        cpu->reg_valid.word[w] |= missing.word[w];
    }
    return true;
}

const WHV_REGISTER_VALUE *reg_fetch_value(struct vcpu *cpu, enum reg_id id)
{
    static const WHV_REGISTER_VALUE zero;
    struct regset one = REGSET(0);

    regset_add(&one, id);
    if (!regs_fetch_missing(cpu, one))
        return &zero;
    return &cpu->regs[id];
}

void reg_set_value(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *value)
{
    copy_value(&cpu->regs[id], value, id);
    regset_add(&cpu->reg_valid, id);
    regset_add(&cpu->reg_dirty, id);
}

bool regs_writeback(struct vcpu *cpu)
{
    WHV_REGISTER_NAME names[R_COUNT];
    WHV_REGISTER_VALUE values[R_COUNT];
    uint32_t n = 0;

    for (unsigned w = 0; w < REGSET_WORDS; w++) {
        for (uint64_t bits = cpu->reg_dirty.word[w]; bits; bits &= bits - 1, n++) {
            enum reg_id id = (enum reg_id)(w * 64 + lowest_bit(bits));
            /* whole, without a look at the width: the cache holds a 64-bit register's
             * High64 as 0 (copy_value, regs_preset), which is what goes back */
            names[n] = whv_names[id];
            values[n] = cpu->regs[id];
        }
    }
    if (n == 0)
        return true;
    if (FAILED(emu_set_registers(cpu, names, n, values)))
        return false;
    cpu->reg_dirty = REGSET(0);
    return true;
}
