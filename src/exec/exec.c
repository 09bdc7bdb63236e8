#include "exec/exec.h"

#include <string.h>

#include "core/regcache.h"
#include "exec/insn_cache.h"
#include "exec/io.h"
#include "exec/simd_check.h"
#include "exec/stack.h"
#include "optab.h"

/* What the executor knows of each mnemonic (its MN_EXEC line): its semantics and the
 * registers it uses implicitly (fetched with the operands' registers in one batch). A
 * mnemonic without a handler is a valid instruction we do not emulate:
 * InternalEmulationFailure. */
struct exec_entry {
    exec_fn fn;
    uint64_t implicit_regs;
};

static const struct exec_entry exec_table[MN_COUNT] = {
#define MN(name)
#define MN_EXEC(name, handler, implicit_regs) [MN_##name] = { handler, implicit_regs },
#include "mnemonics_base.def"
#include "mnemonics_ext.def"
#undef MN_EXEC
#undef MN
};

/* UD0, UD1, UD2: valid encodings whose execution is #UD. */
enum exec_result x_undefined(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    (void)in;
    (void)ops;
    return raise_fault(cpu, EXC_UD, false, 0);
}

exec_fn exec_handler(const struct insn *in)
{
    return in->mnemonic < MN_COUNT ? exec_table[in->mnemonic].fn : NULL;
}

uint64_t exec_implicit_regs(const struct insn *in)
{
    return in->mnemonic < MN_COUNT ? exec_table[in->mnemonic].implicit_regs : 0;
}

uint64_t exec_next_rip(struct vcpu *cpu, const struct insn *in)
{
    return next_rip(cpu->code_mode, reg_get(cpu, R_RIP), in->length);
}

/* Execute cpu->insn with its operands (operands_describe), fetching cpu->insn_needs first:
 * its effects go to the register cache and, through the MMU, to the memory/io callbacks; on
 * EXEC_OK RIP has advanced. */
static enum exec_result exec_insn(struct vcpu *cpu, struct operand ops[MAX_OPERANDS])
{
    const struct insn *in = &cpu->insn;
    enum exec_result r;
    exec_fn fn = exec_handler(in);

    if (!fn)
        return EXEC_UNSUPPORTED;
    if (!regs_fetch(cpu, cpu->insn_needs))
        return EXEC_CALLBACK_FAILED;
    operands_locate(cpu, in, ops);
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

/* Decode cpu->bytes[0..*have), fetching more through the MMU while the decoder needs it;
 * *have ends as the number of bytes in hand. */
static enum exec_result fetch_and_decode(struct vcpu *cpu, unsigned options, unsigned *have)
{
    for (;;) {
        enum decode_status st =
            decode_insn_options(cpu->code_mode, options, cpu->bytes, *have, &cpu->insn);
        unsigned want;
        enum exec_result r;

        switch (st) {
        case DECODE_OK: return EXEC_OK;
        case DECODE_UD: return raise_fault(cpu, EXC_UD, false, 0);
        case DECODE_TOO_LONG: return raise_fault(cpu, EXC_GP, true, 0);
        case DECODE_NEED_MORE: break;
        }
        if (*have >= 15)
            return raise_fault(cpu, EXC_GP, true, 0);
        want = fetch_limit(cpu, *have);
        r = mmu_fetch(cpu, *have, want);
        if (r != EXEC_OK)
            return r;
        *have = want;
    }
}

/* Whether a decoded instruction may go into the decode cache, which is keyed by the code
 * mode, not by CR0.PE and RFLAGS.VM: not a VEX, XOP or EVEX one outside 64-bit code, whose
 * validity depends on them (simd_prefix_ud_in_mode), so that decode()'s check of it, off
 * a cache hit's path, sees every such instruction. */
static bool cacheable(const struct insn *in, enum cpu_mode mode)
{
    return mode == MODE_64 || in->encoding == ENC_LEGACY || in->encoding == ENC_3DNOW;
}

/* The instruction of the exit's `count` bytes in cpu->insn, with the registers it reads in
 * cpu->insn_needs and its operands in ops: from the decode cache, or decoded (fetching what
 * the exit lacks) and derived here, then remembered if the exit gave every byte
 * (insn_cache.h says why). */
static enum exec_result decode(struct vcpu *cpu, unsigned count, struct operand ops[MAX_OPERANDS])
{
    unsigned options = insn_cache_options(cpu->vendor), have = count;
    enum exec_result r;

    if (cpu->cached) {
        insn_cache_copy(cpu->cached, cpu, ops);
        return EXEC_OK;
    }
    r = fetch_and_decode(cpu, options, &have);
    if (r != EXEC_OK)
        return r;
    if (simd_prefix_ud_in_mode(&cpu->insn, cpu->protected_mode, cpu->v86))
        return raise_fault(cpu, EXC_UD, false, 0);
    cpu->insn_needs = REGSET(operands_regs(cpu, &cpu->insn) | exec_implicit_regs(&cpu->insn));
    operands_describe(&cpu->insn, ops);
    if (cpu->insn_cache && have == count && cacheable(&cpu->insn, cpu->code_mode))
        insn_cache_insert(cpu->insn_cache, cpu, options, ops);
    return EXEC_OK;
}

enum exec_result exec_exit_instruction(struct vcpu *cpu, const uint8_t bytes[16], unsigned count,
                                       const WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    uint64_t known[2];
    struct operand ops[MAX_OPERANDS];
    enum exec_result r;

    if (count > 15)
        count = 15; /* a 16th byte can only make the instruction too long */
    bytes_prefix(bytes, count, known);
    memcpy(cpu->bytes, known, sizeof known);
    r = decode(cpu, count, ops);
    if (r != EXEC_OK)
        return r;
    if (io) {
        if (!io_insn_matches(&cpu->insn, io))
            return EXEC_UNSUPPORTED;
        /* DX is the port, which the context gives: no Get call for it. I/O instructions
         * read only DX of RDX and never write it, so its unknown upper bits are never used. */
        regs_preset(cpu, R_RDX, io->PortNumber);
    }
    return exec_insn(cpu, ops);
}
