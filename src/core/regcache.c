#include "core/regcache.h"

#include "core/callbacks.h"

#define REGISTER_NAME_(id, name, width) [R_##id] = name,
static const WHV_REGISTER_NAME whv_names[R_COUNT] = { REGISTERS(REGISTER_NAME_) };
#undef REGISTER_NAME_

/* Whether a register uses its whole 16-byte value, not just Reg64. */
#define REGISTER_WIDE_(id, name, width) [R_##id] = (width) == 128,
static const bool wide[R_COUNT] = { REGISTERS(REGISTER_WIDE_) };
#undef REGISTER_WIDE_

WHV_REGISTER_NAME reg_whv_name(enum reg_id id)
{
    return id < R_COUNT ? whv_names[id] : (WHV_REGISTER_NAME)0;
}

/* Copy a value as its two 8-byte halves (regcache.h says why), or its 8 bytes. */
static void copy_value(WHV_REGISTER_VALUE *to, const WHV_REGISTER_VALUE *from, enum reg_id id)
{
    to->Reg128.Low64 = from->Reg128.Low64;
    to->Reg128.High64 = wide[id] ? from->Reg128.High64 : 0;
}

void regs_preset_segment(struct vcpu *cpu, enum reg_id id, const WHV_X64_SEGMENT_REGISTER *s)
{
    cpu->regs[id].Segment = *s;
    regset_add(&cpu->reg_valid, id);
}

void regs_init(struct vcpu *cpu, const WHV_VP_EXIT_CONTEXT *exit)
{
    cpu->reg_valid = REGSET(0);
    cpu->reg_dirty = REGSET(0);
    regs_preset(cpu, R_RIP, exit->Rip);
    regs_preset(cpu, R_RFLAGS, exit->Rflags);
    regs_preset_segment(cpu, R_CS, &exit->Cs);
}

bool regs_fetch(struct vcpu *cpu, struct regset need)
{
    WHV_REGISTER_NAME names[R_COUNT];
    WHV_REGISTER_VALUE values[R_COUNT];
    struct regset missing = regset_minus(need, cpu->reg_valid), left;
    uint32_t n = 0;

    for (left = missing; !regset_empty(left); n++) {
        names[n] = whv_names[regset_take(&left)];
        /* what the VMM leaves unwritten reads as 0 */
        values[n].Reg128.Low64 = 0;
        values[n].Reg128.High64 = 0;
    }
    if (n == 0)
        return true;
    if (FAILED(emu_get_registers(cpu, names, n, values)))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        enum reg_id id = regset_take(&missing);
        copy_value(&cpu->regs[id], &values[i], id);
        regset_add(&cpu->reg_valid, id);
    }
    return true;
}

const WHV_REGISTER_VALUE *reg_fetch_value(struct vcpu *cpu, enum reg_id id)
{
    static const WHV_REGISTER_VALUE zero;
    struct regset one = REGSET(0);

    regset_add(&one, id);
    if (!regs_fetch(cpu, one))
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
    struct regset dirty = cpu->reg_dirty;
    uint32_t n = 0;

    for (; !regset_empty(dirty); n++) {
        enum reg_id id = regset_take(&dirty);
        names[n] = whv_names[id];
        copy_value(&values[n], &cpu->regs[id], id);
    }
    if (n == 0)
        return true;
    if (FAILED(emu_set_registers(cpu, names, n, values)))
        return false;
    cpu->reg_dirty = REGSET(0);
    return true;
}
