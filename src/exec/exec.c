#include "exec/exec.h"

#include <string.h>

#include "core/regcache.h"
#include "exec/stack.h"
#include "optab.h"

/* What the executor knows of each mnemonic: its semantics and the registers it uses
 * implicitly (fetched with the operands' registers in one batch). A mnemonic without a
 * handler is a valid instruction we do not emulate: InternalEmulationFailure. */
struct exec_entry {
    exec_fn fn;
    uint64_t implicit_regs;
};

/* UD0, UD1, UD2: valid encodings whose execution is #UD. */
static enum exec_result x_undefined(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    (void)in;
    (void)ops;
    return raise_fault(cpu, EXC_UD, false, 0);
}

static const struct exec_entry exec_table[MN_COUNT] = {
    [MN_ud0] = { x_undefined, 0 },
    [MN_ud1] = { x_undefined, 0 },
    [MN_ud2] = { x_undefined, 0 },
    /* atomic.c */
    [MN_xchg] = { x_xchg, 0 },
    [MN_xadd] = { x_xadd, 0 },
    [MN_cmpxchg] = { x_cmpxchg, REG_BIT(R_RAX) },
    [MN_cmpxchg8b] = { x_cmpxchg_wide, REG_BIT(R_RAX) | REG_BIT(R_RBX) | REG_BIT(R_RCX) | REG_BIT(R_RDX) },
    [MN_cmpxchg16b] = { x_cmpxchg_wide, REG_BIT(R_RAX) | REG_BIT(R_RBX) | REG_BIT(R_RCX) | REG_BIT(R_RDX) },
    /* cond.c */
    [MN_seto] = { x_setcc, 0 },
    [MN_setno] = { x_setcc, 0 },
    [MN_setb] = { x_setcc, 0 },
    [MN_setnb] = { x_setcc, 0 },
    [MN_setz] = { x_setcc, 0 },
    [MN_setnz] = { x_setcc, 0 },
    [MN_setbe] = { x_setcc, 0 },
    [MN_setnbe] = { x_setcc, 0 },
    [MN_sets] = { x_setcc, 0 },
    [MN_setns] = { x_setcc, 0 },
    [MN_setp] = { x_setcc, 0 },
    [MN_setnp] = { x_setcc, 0 },
    [MN_setl] = { x_setcc, 0 },
    [MN_setnl] = { x_setcc, 0 },
    [MN_setle] = { x_setcc, 0 },
    [MN_setnle] = { x_setcc, 0 },
    [MN_cmovo] = { x_cmovcc, 0 },
    [MN_cmovno] = { x_cmovcc, 0 },
    [MN_cmovb] = { x_cmovcc, 0 },
    [MN_cmovnb] = { x_cmovcc, 0 },
    [MN_cmovz] = { x_cmovcc, 0 },
    [MN_cmovnz] = { x_cmovcc, 0 },
    [MN_cmovbe] = { x_cmovcc, 0 },
    [MN_cmovnbe] = { x_cmovcc, 0 },
    [MN_cmovs] = { x_cmovcc, 0 },
    [MN_cmovns] = { x_cmovcc, 0 },
    [MN_cmovp] = { x_cmovcc, 0 },
    [MN_cmovnp] = { x_cmovcc, 0 },
    [MN_cmovl] = { x_cmovcc, 0 },
    [MN_cmovnl] = { x_cmovcc, 0 },
    [MN_cmovle] = { x_cmovcc, 0 },
    [MN_cmovnle] = { x_cmovcc, 0 },
    [MN_mov] = { x_mov, 0 },
    [MN_movzx] = { x_mov, 0 },
    [MN_movsx] = { x_movsx, 0 },
    [MN_movsxd] = { x_movsx, 0 },
    /* string.c: the registers every string instruction walks or counts with */
    [MN_movs] = { x_string, STRING_REGS },
    [MN_cmps] = { x_string, STRING_REGS },
    [MN_stos] = { x_string, STRING_REGS },
    [MN_lods] = { x_string, STRING_REGS },
    [MN_scas] = { x_string, STRING_REGS },
    [MN_ins] = { x_string, STRING_REGS },
    [MN_outs] = { x_string, STRING_REGS },
    /* io.c */
    [MN_in] = { x_in, 0 },
    [MN_out] = { x_out, 0 },
    /* alu.c */
    [MN_add] = { x_alu, 0 },
    [MN_or] = { x_alu, 0 },
    [MN_adc] = { x_alu, 0 },
    [MN_sbb] = { x_alu, 0 },
    [MN_and] = { x_alu, 0 },
    [MN_sub] = { x_alu, 0 },
    [MN_xor] = { x_alu, 0 },
    [MN_cmp] = { x_alu, 0 },
    [MN_test] = { x_alu, 0 },
    [MN_inc] = { x_unary, 0 },
    [MN_dec] = { x_unary, 0 },
    [MN_not] = { x_not, 0 },
    [MN_neg] = { x_unary, 0 },
    /* shift.c */
    [MN_rol] = { x_shift, 0 },
    [MN_ror] = { x_shift, 0 },
    [MN_rcl] = { x_shift, 0 },
    [MN_rcr] = { x_shift, 0 },
    [MN_shl] = { x_shift, 0 },
    [MN_shr] = { x_shift, 0 },
    [MN_sar] = { x_shift, 0 },
    /* muldiv.c */
    [MN_mul] = { x_mul, MULDIV_REGS },
    [MN_imul] = { x_imul, MULDIV_REGS },
    [MN_div] = { x_div, MULDIV_REGS },
    [MN_idiv] = { x_div, MULDIV_REGS },
    [MN_mulx] = { x_mulx, REG_BIT(R_RDX) },
    /* shift.c (0F map) */
    [MN_shld] = { x_shift, 0 },
    [MN_shrd] = { x_shift, 0 },
    /* bits.c */
    [MN_bt] = { x_bt, 0 },
    [MN_bts] = { x_bt, 0 },
    [MN_btr] = { x_bt, 0 },
    [MN_btc] = { x_bt, 0 },
    [MN_bsf] = { x_bitscan, 0 },
    [MN_bsr] = { x_bitscan, 0 },
    [MN_tzcnt] = { x_bitscan, 0 },
    [MN_lzcnt] = { x_bitscan, 0 },
    [MN_popcnt] = { x_bitscan, 0 },
    [MN_movbe] = { x_movbe, 0 },
    [MN_crc32] = { x_crc32, 0 },
    [MN_andn] = { x_bmi_logic, 0 },
    [MN_bextr] = { x_bmi_logic, 0 },
    [MN_bzhi] = { x_bmi_logic, 0 },
    [MN_blsi] = { x_bls, 0 },
    [MN_blsmsk] = { x_bls, 0 },
    [MN_blsr] = { x_bls, 0 },
    /* AMD TBM: the same family */
    [MN_blcfill] = { x_bls, 0 },
    [MN_blci] = { x_bls, 0 },
    [MN_blcic] = { x_bls, 0 },
    [MN_blcmsk] = { x_bls, 0 },
    [MN_blcs] = { x_bls, 0 },
    [MN_blsfill] = { x_bls, 0 },
    [MN_blsic] = { x_bls, 0 },
    [MN_t1mskc] = { x_bls, 0 },
    [MN_tzmsk] = { x_bls, 0 },
    [MN_pdep] = { x_pdep_pext, 0 },
    [MN_pext] = { x_pdep_pext, 0 },
    [MN_rorx] = { x_shiftx, 0 },
    [MN_sarx] = { x_shiftx, 0 },
    [MN_shlx] = { x_shiftx, 0 },
    [MN_shrx] = { x_shiftx, 0 },
    [MN_adcx] = { x_adx, 0 },
    [MN_adox] = { x_adx, 0 },
    /* stack.c */
    [MN_push] = { x_push, STACK_REGS },
    [MN_pop] = { x_pop, STACK_REGS },
    [MN_pusha] = { x_pusha, STACK_REGS },
    [MN_popa] = { x_popa, STACK_REGS },
    [MN_pushf] = { x_pushf, STACK_REGS },
    [MN_popf] = { x_popf, STACK_REGS },
    [MN_enter] = { x_enter, STACK_REGS | REG_BIT(R_RBP) },
    [MN_leave] = { x_leave, STACK_REGS | REG_BIT(R_RBP) },
    /* control.c: branches read RIP's segment limit from CS */
    [MN_jo] = { x_jcc, 0 },
    [MN_jno] = { x_jcc, 0 },
    [MN_jb] = { x_jcc, 0 },
    [MN_jnb] = { x_jcc, 0 },
    [MN_jz] = { x_jcc, 0 },
    [MN_jnz] = { x_jcc, 0 },
    [MN_jbe] = { x_jcc, 0 },
    [MN_jnbe] = { x_jcc, 0 },
    [MN_js] = { x_jcc, 0 },
    [MN_jns] = { x_jcc, 0 },
    [MN_jp] = { x_jcc, 0 },
    [MN_jnp] = { x_jcc, 0 },
    [MN_jl] = { x_jcc, 0 },
    [MN_jnl] = { x_jcc, 0 },
    [MN_jle] = { x_jcc, 0 },
    [MN_jnle] = { x_jcc, 0 },
    [MN_loop] = { x_loop, REG_BIT(R_RCX) },
    [MN_loope] = { x_loop, REG_BIT(R_RCX) },
    [MN_loopne] = { x_loop, REG_BIT(R_RCX) },
    [MN_jcxz] = { x_loop, REG_BIT(R_RCX) },
    [MN_jecxz] = { x_loop, REG_BIT(R_RCX) },
    [MN_jrcxz] = { x_loop, REG_BIT(R_RCX) },
    [MN_jmp] = { x_jmp, 0 },
    [MN_call] = { x_call, STACK_REGS },
    [MN_ret] = { x_ret, STACK_REGS },
    [MN_jmp_far] = { x_jmp_call_far, 0 },
    [MN_call_far] = { x_jmp_call_far, STACK_REGS },
    [MN_retf] = { x_retf, STACK_REGS },
    [MN_iret] = { x_iret, STACK_REGS | REG_BIT(R_INTERRUPT_STATE) },
    /* segment.c */
    [MN_les] = { x_load_far_pointer, 0 },
    [MN_lds] = { x_load_far_pointer, 0 },
    [MN_arpl] = { x_arpl, 0 },
    [MN_bound] = { x_bound, 0 },
    [MN_lss] = { x_load_far_pointer, 0 },
    [MN_lfs] = { x_load_far_pointer, 0 },
    [MN_lgs] = { x_load_far_pointer, 0 },
    [MN_xlat] = { x_xlat, REG_BIT(R_RAX) | REG_BIT(R_RBX) },
    /* system.c */
    [MN_sgdt] = { x_store_table, REG_BIT(R_GDTR) | REG_BIT(R_CR4) },
    [MN_sidt] = { x_store_table, REG_BIT(R_IDTR) | REG_BIT(R_CR4) },
    [MN_sldt] = { x_store_selector, REG_BIT(R_LDTR) | REG_BIT(R_CR4) },
    [MN_str] = { x_store_selector, REG_BIT(R_TR) | REG_BIT(R_CR4) },
    [MN_smsw] = { x_smsw, REG_BIT(R_CR0) | REG_BIT(R_CR4) },
    [MN_lgdt] = { x_load_table, 0 },
    [MN_lidt] = { x_load_table, 0 },
    [MN_lldt] = { x_lldt, REG_BIT(R_GDTR) },
    [MN_ltr] = { x_ltr, REG_BIT(R_GDTR) },
    [MN_lmsw] = { x_lmsw, REG_BIT(R_CR0) },
    [MN_lar] = { x_query_descriptor, REG_BIT(R_GDTR) | REG_BIT(R_LDTR) },
    [MN_lsl] = { x_query_descriptor, REG_BIT(R_GDTR) | REG_BIT(R_LDTR) },
    [MN_verr] = { x_query_descriptor, REG_BIT(R_GDTR) | REG_BIT(R_LDTR) },
    [MN_verw] = { x_query_descriptor, REG_BIT(R_GDTR) | REG_BIT(R_LDTR) },
    [MN_clflush] = { x_cache_line, 0 },
    [MN_clflushopt] = { x_cache_line, 0 },
    [MN_clwb] = { x_cache_line, 0 },
    [MN_prefetch] = { x_prefetch, 0 },
    [MN_prefetchnta] = { x_prefetch, 0 },
    [MN_prefetcht0] = { x_prefetch, 0 },
    [MN_prefetcht1] = { x_prefetch, 0 },
    [MN_prefetcht2] = { x_prefetch, 0 },
    [MN_prefetchw] = { x_prefetch, 0 },
    [MN_prefetchwt1] = { x_prefetch, 0 },
    [MN_movnti] = { x_mov, 0 },  /* non-temporal and direct stores: plain stores here */
    [MN_movdiri] = { x_mov, 0 },
    [MN_movdir64b] = { x_movdir64b, REG_BIT(R_ES) },
};

uint64_t exec_implicit_regs(const struct insn *in)
{
    return in->mnemonic < MN_COUNT ? exec_table[in->mnemonic].implicit_regs : 0;
}

uint64_t exec_next_rip(struct vcpu *cpu, const struct insn *in)
{
    uint64_t rip = reg_get(cpu, R_RIP) + in->length;
    if (cpu->code_mode == MODE_16)
        rip &= 0xffff;
    else if (cpu->code_mode == MODE_32)
        rip &= 0xffffffffu;
    return rip;
}

enum exec_result exec_insn(struct vcpu *cpu)
{
    const struct insn *in = &cpu->insn;
    struct operand ops[MAX_OPERANDS];
    enum exec_result r;
    exec_fn fn = in->mnemonic < MN_COUNT ? exec_table[in->mnemonic].fn : NULL;

    if (!fn)
        return EXEC_UNSUPPORTED;
    if (!regs_fetch(cpu, operands_regs(cpu, in) | exec_implicit_regs(in)))
        return EXEC_CALLBACK_FAILED;
    operands_resolve(cpu, in, ops);
    r = fn(cpu, in, ops);
    if (r == EXEC_REP_PAUSED) {
        /* resumable: RIP stays, and RF keeps an instruction breakpoint on it from firing
         * again when the guest resumes it, as after an interrupt between iterations */
        reg_set(cpu, R_RFLAGS, reg_get(cpu, R_RFLAGS) | FL_RF);
        return r;
    }
    if (r != EXEC_OK)
        return r;
    if (!(in->row->flags & F_BRANCH))
        reg_set(cpu, R_RIP, exec_next_rip(cpu, in));
    /* IRET loads RF from the stack (a handler returns with RF set to step over an
     * instruction breakpoint); every other instruction completes with RF clear */
    if (in->mnemonic != MN_iret && (reg_get(cpu, R_RFLAGS) & FL_RF))
        reg_set(cpu, R_RFLAGS, reg_get(cpu, R_RFLAGS) & ~(uint64_t)FL_RF);
    return EXEC_OK;
}

/* How far to fetch when the decoder needs bytes past `have`: to the end of the linear page
 * (it is the page being executed, so reading on cannot fault) and of the CS limit, at most
 * 15 bytes in all; at least one byte, whose fetch then raises the fault the CPU would. */
static unsigned fetch_limit(struct vcpu *cpu, unsigned have)
{
    uint64_t ip = reg_get(cpu, R_RIP) + have;
    uint64_t linear = ip;
    unsigned want;

    if (cpu->code_mode != MODE_64) {
        /* IP wraps between instructions only (mmu_fetch); CS.Base need not be page aligned */
        ip = (reg_get(cpu, R_RIP) & (cpu->code_mode == MODE_32 ? 0xffffffffu : 0xffffu)) + have;
        linear = (cpu->exit->Cs.Base + ip) & 0xffffffffu;
    }
    want = 4096u - (unsigned)(linear & 4095u);
    if (cpu->code_mode != MODE_64 && ip <= cpu->exit->Cs.Limit &&
        cpu->exit->Cs.Limit - ip + 1 < want)
        want = (unsigned)(cpu->exit->Cs.Limit - ip + 1);
    if (want > 15 - have)
        want = 15 - have;
    return have + (want ? want : 1);
}

/* Decode cpu->bytes[0..have), fetching more through the MMU while the decoder needs it. */
static enum exec_result fetch_and_decode(struct vcpu *cpu, unsigned have)
{
    for (;;) {
        enum decode_status st = decode_insn_options(
            cpu->code_mode, cpu->vendor == WHVEMU_VENDOR_AMD ? DECODE_AMD_BRANCHES : 0, cpu->bytes,
            have, &cpu->insn);
        unsigned want;
        enum exec_result r;

        switch (st) {
        case DECODE_OK:
            return EXEC_OK;
        case DECODE_UD:
            return raise_fault(cpu, EXC_UD, false, 0);
        case DECODE_TOO_LONG:
            return raise_fault(cpu, EXC_GP, true, 0);
        case DECODE_NEED_MORE:
            break;
        }
        if (have >= 15)
            return raise_fault(cpu, EXC_GP, true, 0);
        want = fetch_limit(cpu, have);
        r = mmu_fetch(cpu, have, want);
        if (r != EXEC_OK)
            return r;
        have = want;
    }
}

enum exec_result exec_exit_instruction(struct vcpu *cpu, const uint8_t *bytes, unsigned count,
                                       const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    enum exec_result r;

    if (count > 15)
        count = 15; /* a 16th byte can only make the instruction too long */
    memcpy(cpu->bytes, bytes, count);
    r = fetch_and_decode(cpu, count);
    if (r != EXEC_OK)
        return r;
    if (io) {
        WHV_REGISTER_VALUE dx;
        if (!io_insn_matches(&cpu->insn, io))
            return EXEC_UNSUPPORTED;
        /* DX is the port, which the context gives: no Get call for it. I/O instructions
         * read only DX of RDX and never write it, so its unknown upper bits are never used. */
        memset(&dx, 0, sizeof dx);
        dx.Reg64 = io->PortNumber;
        regs_preset(cpu, R_RDX, &dx);
    }
    return exec_insn(cpu);
}
