/* The executor: instruction semantics, one file per family, dispatched by mnemonic. */
#ifndef WHVEMU_EXEC_H
#define WHVEMU_EXEC_H

#include "exec/operand.h"

typedef enum exec_result (*exec_fn)(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* Registers an instruction needs beyond the ones its operands name (REG_BIT mask). */
uint64_t exec_implicit_regs(const struct insn *in);

/* Execute cpu->insn: its effects go to the register cache and, through the MMU, to the
 * memory/io callbacks; on EXEC_OK RIP has advanced. */
enum exec_result exec_insn(struct vcpu *cpu);

/* Decode the instruction of an exit from its bytes (count, at most 15 used; more are
 * fetched from CS:RIP while the decoder needs them) and execute it. On a port-I/O exit (io
 * not NULL) the instruction must be the one that exited: same port, size, direction and
 * string-ness. The hypervisor reported what the CPU did; bytes that say otherwise (guest
 * code changed since, a confused VMM) are not emulated: EXEC_UNSUPPORTED. */
enum exec_result exec_exit_instruction(struct vcpu *cpu, const uint8_t *bytes, unsigned count,
                                       const WHV_X64_IO_PORT_ACCESS_CONTEXT *io);

/* The address of the next instruction, wrapped as the code segment's size wraps IP/EIP. */
uint64_t exec_next_rip(struct vcpu *cpu, const struct insn *in);

/* Family entry points (mov.c) */
enum exec_result x_mov(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_movsx(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* string.c: MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE */
#define STRING_REGS (REG_BIT(R_RCX) | REG_BIT(R_RSI) | REG_BIT(R_RDI))
enum exec_result x_string(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* io.c: IN, OUT, and the port access and permission check INS/OUTS share */
enum exec_result x_in(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_out(struct vcpu *cpu, const struct insn *in, struct operand *ops);
/* #GP(0) unless the CPL/IOPL or the TSS I/O permission bitmap allow size bytes at port. */
enum exec_result io_permission(struct vcpu *cpu, uint16_t port, unsigned size);
/* One access through the I/O callback; *data in (OUT) or out (IN, masked to size). */
enum exec_result io_port(struct vcpu *cpu, uint16_t port, unsigned size, bool write,
                         uint32_t *data);
/* Whether the decoded instruction makes the port access a port-I/O exit reports. */
bool io_insn_matches(const struct insn *in, const WHV_X64_IO_PORT_ACCESS_CONTEXT *io);

/* alu.c: ADD OR ADC SBB AND SUB XOR CMP TEST, INC DEC NEG, NOT */
enum exec_result x_alu(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_unary(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_not(struct vcpu *cpu, const struct insn *in, struct operand *ops);
/* The RFLAGS after dst OP src (OP one of the two-operand group: CMPS, SCAS and CMPXCHG
 * use MN_cmp, XADD MN_add), computed as x_alu computes them: on the host or in C. */
uint64_t alu_flags(struct vcpu *cpu, enum mnemonic mn, unsigned size, uint64_t dst, uint64_t src);

/* shift.c: ROL ROR RCL RCR SHL SHR SAR; SHLD SHRD */
enum exec_result x_shift(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* muldiv.c: MUL and one-operand IMUL (rDX:rAX), IMUL in all forms, DIV IDIV */
#define MULDIV_REGS (REG_BIT(R_RAX) | REG_BIT(R_RDX))
enum exec_result x_mul(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_imul(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_div(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_mulx(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* bits.c: BT*, BSF BSR, TZCNT LZCNT POPCNT, MOVBE, CRC32, BMI1/BMI2, ADCX ADOX */
enum exec_result x_bt(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_bitscan(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_movbe(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_crc32(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_bmi_logic(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_bls(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_pdep_pext(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_shiftx(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_adx(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* stack.c: PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE */
enum exec_result x_push(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_pop(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_pusha(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_popa(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_pushf(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_popf(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_enter(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_leave(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* control.c: Jcc LOOPcc JrCXZ JMP CALL RET, far JMP/CALL/RET, IRET */
enum exec_result x_jcc(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_loop(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_jmp(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_call(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_ret(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_jmp_call_far(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_retf(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_iret(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* segment.c: MOV Sreg, LDS LES LFS LGS LSS, ARPL, BOUND, XLAT */
enum exec_result x_mov_to_segment(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_load_far_pointer(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_arpl(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_bound(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_xlat(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* system.c: SGDT SIDT SLDT STR SMSW, LGDT LIDT LLDT LTR LMSW, LAR LSL VERR VERW, CLFLUSH
 * CLFLUSHOPT CLWB, PREFETCHh, MOVDIR64B */
enum exec_result x_store_table(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_load_table(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_store_selector(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_smsw(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_lmsw(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_lldt(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_ltr(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_query_descriptor(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_cache_line(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_prefetch(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_movdir64b(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* atomic.c */
enum exec_result x_xchg(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_xadd(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_cmpxchg(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_cmpxchg_wide(struct vcpu *cpu, const struct insn *in, struct operand *ops);

/* cond.c */
enum exec_result x_setcc(struct vcpu *cpu, const struct insn *in, struct operand *ops);
enum exec_result x_cmovcc(struct vcpu *cpu, const struct insn *in, struct operand *ops);

#endif
