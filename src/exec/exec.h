/* The executor: instruction semantics, one file per family, dispatched by mnemonic. The
 * family functions and the dispatch table come from the MN_EXEC lines of the mnemonic lists
 * (decoder/mnemonics_*.def): one line per emulated instruction. */
#ifndef WHVEMU_EXEC_H
#define WHVEMU_EXEC_H

#include "exec/operand.h"

typedef enum exec_result (*exec_fn)(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* The family functions: enum exec_result x_alu(struct vcpu *, const struct insn *,
 * struct operand *ops) and the like, one per MN_EXEC handler (declared once per line that
 * names it, which C allows). */
#define MN(name)
#define MN_EXEC(name, handler, implicit_regs)                                                      \
    enum exec_result handler(struct vcpu *cpu, const struct insn *in, struct operand *ops);
#include "mnemonics_base.def"
#include "mnemonics_ext.def"
#undef MN_EXEC
#undef MN

/* The family function of an instruction's mnemonic, or NULL: not emulated. */
exec_fn exec_handler(const struct insn *in);

/* Registers an instruction needs beyond the ones its operands name (REG_BIT mask). */
uint64_t exec_implicit_regs(const struct insn *in);

/* Decode the instruction of an exit from its bytes (the exit's 16-byte buffer, count of
 * them known; at most 15 used; more are fetched from CS:RIP while the decoder needs them)
 * and execute it. On a port-I/O exit (io
 * not NULL) the instruction must be the one that exited: same port, size, direction and
 * string-ness. The hypervisor reported what the CPU did; bytes that say otherwise (guest
 * code changed since, a confused VMM) are not emulated: EXEC_UNSUPPORTED. */
enum exec_result exec_exit_instruction(struct vcpu *cpu, const uint8_t bytes[16], unsigned count,
                                       const WHV_X64_IO_PORT_ACCESS_CONTEXT *io);

/* The address of the next instruction, wrapped as the code segment's size wraps IP/EIP. */
static inline uint64_t next_rip(enum cpu_mode mode, uint64_t rip, unsigned length)
{
    rip += length;
    if (mode == MODE_16)
        return rip & 0xffff;
    return mode == MODE_32 ? rip & 0xffffffffu : rip;
}
uint64_t exec_next_rip(struct vcpu *cpu, const struct insn *in);

/* The families, one file each: mov.c MOV MOVZX MOVSX MOVSXD MOVNTI MOVDIRI LEA; string.c
 * MOVS CMPS STOS LODS SCAS INS OUTS with REP; io.c IN OUT; alu.c ADD..CMP TEST INC DEC NEG
 * NOT; shift.c rotates, shifts, SHLD SHRD; muldiv.c MUL IMUL DIV IDIV MULX; bits.c BT*,
 * bit scans and counts, MOVBE, CRC32, BMI1/BMI2/TBM, ADCX ADOX; stack.c PUSH POP PUSHA
 * POPA PUSHF POPF ENTER LEAVE; control.c Jcc LOOPcc JrCXZ JMP CALL RET (near and far) IRET;
 * segment.c MOV Sreg, LDS..LSS, ARPL, BOUND, XLAT; system.c descriptor tables, LAR LSL
 * VERR VERW, cache-line instructions and hints (prefetches, CLDEMOTE, NOP); line_store.c
 * MOVDIR64B ENQCMD ENQCMDS CLZERO; trace.c PTWRITE; atomic.c XCHG XADD CMPXCHG*; cond.c
 * SETcc CMOVcc; x87_exec.c the x87 memory forms, FXSAVE FXRSTOR (V)LDMXCSR (V)STMXCSR (x87*.c:
 * their rules);
 * xsave.c XSAVE XSAVEOPT XSAVEC XSAVES XRSTOR XRSTORS; shadow_stack.c WRSS WRUSS RSTORSSP
 * CLRSSBSY; amx.c LDTILECFG STTILECFG TILELOADD TILELOADDT1 TILESTORED.
 * What they share is declared here. */

/* Implicit registers of MN_EXEC lines: MUL/DIV use rDX:rAX; CMPXCHG8B/16B compare rDX:rAX
 * and store rCX:rBX (STACK_REGS: exec/stack.h). The string instructions' rSI and rDI are
 * their operands' addresses and rCX the count of a REP prefix (operands_regs). */
#define MULDIV_REGS (REG_BIT(R_RAX) | REG_BIT(R_RDX))
/* The XSAVE family: CR0 and CR4 (#UD, #NM), EDX:EAX and XCR0 (RFBM); IA32_XSS, in the second
 * register word, is fetched by XSAVES and XRSTORS alone (xsave.c). */
#define XSAVE_REGS                                                                                 \
    (REG_BIT(R_CR0) | REG_BIT(R_CR4) | REG_BIT(R_RAX) | REG_BIT(R_RDX) | REG_BIT(R_XCR0))
/* The CET shadow-stack forms (shadow_stack.c): CR4 (#UD) and the paging registers of the
 * shadow-stack walk; IA32_U_CET/S_CET and SSP, in the second register word, are fetched
 * when asked for. */
#define CET_REGS (REG_BIT(R_CR0) | REG_BIT(R_CR3) | REG_BIT(R_CR4))
#define CMPXCHG_WIDE_REGS (REG_BIT(R_RAX) | REG_BIT(R_RBX) | REG_BIT(R_RCX) | REG_BIT(R_RDX))

/* segment.c: MOV Sreg, r/m (x_mov hands it over): a segment-register load. */
enum exec_result x_mov_to_segment(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* x87_exec.c: the registers the x87 memory forms, FXSAVE/FXRSTOR and the MXCSR forms read
 * (x87_handles): CR0, CR4, the SDK vector names of x87_sdk_registers, EFER for FXSAVE/
 * FXRSTOR, XCR0 for the VEX forms; fetched in the instruction's one Get. */
uint64_t x87_state_regs(const struct insn *in);

/* alu.c: the RFLAGS after dst OP src (OP one of the two-operand group: CMPS, SCAS and
 * CMPXCHG use MN_cmp, XADD MN_add), computed as x_alu computes them: on the host or in C. */
uint64_t alu_flags(struct vcpu *cpu, enum mnemonic mn, unsigned size, uint64_t dst, uint64_t src);

#endif
