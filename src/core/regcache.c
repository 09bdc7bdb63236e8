#include "core/regcache.h"

#include <string.h>

#include "core/callbacks.h"

WHV_REGISTER_NAME reg_whv_name(enum reg_id id)
{
    /* 0..R_CR8 are numbered as the SDK numbers them. */
    if (id <= R_CR8)
        return (WHV_REGISTER_NAME)id;
    switch (id) {
    case R_EFER: return WHvX64RegisterEfer;
    case R_DR6: return WHvX64RegisterDr6;
    case R_PENDING_INTERRUPTION: return WHvRegisterPendingInterruption;
    case R_INTERRUPT_STATE: return WHvRegisterInterruptState;
    default: return (WHV_REGISTER_NAME)0;
    }
}

void regs_preset(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *value)
{
    cpu->regs[id] = *value;
    cpu->reg_valid |= REG_BIT(id);
}

void regs_init(struct vcpu *cpu, const WHV_VP_EXIT_CONTEXT *exit)
{
    WHV_REGISTER_VALUE v;

    cpu->reg_valid = 0;
    cpu->reg_dirty = 0;
    memset(&v, 0, sizeof v);
    v.Reg64 = exit->Rip;
    regs_preset(cpu, R_RIP, &v);
    v.Reg64 = exit->Rflags;
    regs_preset(cpu, R_RFLAGS, &v);
    memset(&v, 0, sizeof v);
    v.Segment = exit->Cs;
    regs_preset(cpu, R_CS, &v);
}

bool regs_fetch(struct vcpu *cpu, uint64_t mask)
{
    WHV_REGISTER_NAME names[R_COUNT];
    WHV_REGISTER_VALUE values[R_COUNT];
    uint8_t ids[R_COUNT];
    uint32_t n = 0;

    mask &= ~cpu->reg_valid;
    for (unsigned id = 0; id < R_COUNT; id++) {
        if (mask & REG_BIT(id)) {
            ids[n] = (uint8_t)id;
            names[n] = reg_whv_name((enum reg_id)id);
            n++;
        }
    }
    if (n == 0)
        return true;
    memset(values, 0, sizeof(values[0]) * n);
    if (FAILED(emu_get_registers(cpu, names, n, values)))
        return false;
    for (uint32_t i = 0; i < n; i++)
        regs_preset(cpu, (enum reg_id)ids[i], &values[i]);
    return true;
}

const WHV_REGISTER_VALUE *reg_value(struct vcpu *cpu, enum reg_id id)
{
    static const WHV_REGISTER_VALUE zero;

    if (!(cpu->reg_valid & REG_BIT(id)) && !regs_fetch(cpu, REG_BIT(id)))
        return &zero;
    return &cpu->regs[id];
}

void reg_set_value(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *value)
{
    cpu->regs[id] = *value;
    cpu->reg_valid |= REG_BIT(id);
    cpu->reg_dirty |= REG_BIT(id);
}

void reg_set(struct vcpu *cpu, enum reg_id id, uint64_t value)
{
    WHV_REGISTER_VALUE v;

    memset(&v, 0, sizeof v);
    v.Reg64 = value;
    reg_set_value(cpu, id, &v);
}

bool regs_writeback(struct vcpu *cpu)
{
    WHV_REGISTER_NAME names[R_COUNT];
    WHV_REGISTER_VALUE values[R_COUNT];
    uint32_t n = 0;

    for (unsigned id = 0; id < R_COUNT; id++) {
        if (cpu->reg_dirty & REG_BIT(id)) {
            names[n] = reg_whv_name((enum reg_id)id);
            values[n] = cpu->regs[id];
            n++;
        }
    }
    if (n == 0)
        return true;
    if (FAILED(emu_set_registers(cpu, names, n, values)))
        return false;
    cpu->reg_dirty = 0;
    return true;
}
