/* DRAFT — what the x87 memory forms, FXSAVE/FXRSTOR and LDMXCSR/STMXCSR (x87.h) need from
 * core/ and mmu/ to be wired to the API (issue 13). The register half (1-2) is done in
 * core/; the rest is not implemented, and nothing includes this file: these are the
 * interfaces x87.c's family function will call once the wiring lands. The wiring
 * step moves each part to its layer, implements it there, adds the MN_EXEC lines and
 * deletes this file. docs/x87.md, "Wiring", says the same in prose.
 *
 * Everything else is done and measured: x87_check, x87_alignment_of, x87_operand_bytes,
 * x87_reads_operand, x87_execute (x87.h); the SDK names <-> state conversion and the set of
 * names an instruction reads, x87_sdk_registers (x87_fxsave.h). */
#ifndef WHVEMU_X87_STATE_H
#define WHVEMU_X87_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"
#include "exec/x87.h"

/* ==== core: registers ====
 *
 * 1-2. Done (core/vcpu.h, core/regcache.h, core/vstate.h): the 26 SDK names 1000H-1019H
 *    are consecutive register ids, R_VECTOR_NAME(i) = name 1000H + i, each kept whole
 *    (reg_read128/reg_write128), and XCR0 is R_XCR0; they are fetched in the instruction's
 *    one batched Get like the others. Which ones: x87_sdk_registers(in) (bit i = name
 *    1000H + i), plus CR0 always, CR4 (the MXCSR forms, FXSAVE/FXRSTOR), EFER
 *    (FXSAVE/FXRSTOR: FFXSR), XCR0 (the VEX forms), CS and the operand's segment register
 *    (selectors and bases for the pointers). The family function converts with
 *    fxsave_state_from_registers (mode64 = the code is 64-bit) and back with
 *    fxsave_state_to_registers, then writes only the names whose value changed (a control
 *    form changes FpControlStatus alone; FXRSTOR may change all 26). In a call that uses
 *    the extended-state area (core/vstate.h) the same 26 rows are the area's legacy
 *    region instead: the wiring step reads and writes them through vstate, not the names. */
#define X87_FETCH(in) x87_sdk_registers(in)

/* 3. The guest's model: x87_profile_of(cpu->vendor) once per call (HOST probes the host's
 *    FXSAVE once per process, x87_host.c; its CPUID bits are core/cpuid.h's CPUID_SSE3,
 *    CPUID_FDP_EXCPTN_ONLY, CPUID_FCS_FDS_DEPRECATED). */

/* 4. The site (x87.h struct x87_site): ip = RIP of the instruction's first byte (not the
 *    next one), cs = CS.Selector, cs_base = CS.Base, seg/seg_base = the operand's segment
 *    register (in->seg), offset = the effective address wrapped to the address size,
 *    mode = X87_REAL_OR_V86 when CR0.PE is clear or RFLAGS.VM is set, X87_LONG64 in 64-bit
 *    code, else X87_PROTECTED; fop = x87_fop(in). */

/* ==== mmu: the operand ====
 *
 * 5. Sizes: 2, 4, 8 and 10 bytes (x87 data), 14/28 (environment), 94/108 (save area), 4
 *    (MXCSR), 512 (FXSAVE). mmu_read/mmu_write stop at MMU_MAX_ACCESS (64): the family
 *    splits larger operands into pieces of at most 64 bytes, each then split by the MMU
 *    into naturally aligned callbacks of at most 8 bytes; for a write every piece is first
 *    checked with mmu_probe (write) so that no byte is written when a later page faults.
 *    FXSAVE writes only x87_outcome.written bytes from the start (416; 288 outside 64-bit
 *    mode; bytes 416-511 never, measured). Open: each piece's segment check comes with its
 *    piece, so a 512-byte operand across a segment limit needs the whole operand's limit
 *    checked first (mmu_linear of all 512 bytes) to keep the order of item 7. */

/* 6. Alignment (x87_alignment_of, measured on every form): #AC when alignment checking is
 *    on and the linear address is not a multiple of ac_unit — which is not the access size
 *    for m80 (8), the environment and save areas (4, or 2 with a 16-bit operand size) and
 *    FXSAVE/FXRSTOR (the profile's unit, 4 here) —, then #GP(0) unless a multiple of
 *    gp_align (FXSAVE/FXRSTOR: 16), both after the segment checks and before any page is
 *    translated. Done in mmu/mmu.h: the access flag MMU_AC_UNIT(n) for mmu_read/mmu_write,
 *    mmu_alignment_checking(), and for #AC with an alignment #GP a struct mmu_vector_access
 *    (gp_align, ac_unit, MMU_AC_FIRST: this order; enable = checked = every byte). */

/* 7. The order, measured (tests/x87/test_x87_align): decoding's #UD; x87_check (#UD, #NM,
 *    #MF — a pending exception is #MF before #AC and before #PF; X87_NO_FERR_PATH with
 *    CR0.NE clear is EXEC_UNSUPPORTED); the segment and canonical checks; #AC; alignment
 *    #GP(0); the pages — for a form that writes, checked for writing even when
 *    x87_outcome.written is 0 (an unmasked exception stops the store, yet a read-only page
 *    still gives #PF with the write bit); the read of x87_operand_bytes for a form that
 *    x87_reads_operand; x87_execute (X87_GP from FXRSTOR/LDMXCSR is #GP(0), unsupported is
 *    EXEC_UNSUPPORTED); the write of `written` bytes; the register write-back and RIP.
 *    A fault anywhere leaves every register as it was. */

/* 8. Dispatch: MN_EXEC lines for the x87 mnemonics with memory forms (fadd ... fistp,
 *    fld, fst, fstp, fbld, fbstp, fisttp, fldenv, fldcw, fnstenv, fnstcw, frstor, fnsave,
 *    fnstsw) and fxsave, fxsave64, fxrstor, fxrstor64, ldmxcsr, stmxcsr, vldmxcsr, vstmxcsr,
 *    to one family function; their register forms (FADD ST(0), ST(i), FNSTSW AX...) share
 *    the mnemonics and stay unsupported through it (x87_handles is false for them). */
struct operand;
enum exec_result x_x87(struct vcpu *cpu, const struct insn *in, struct operand *ops);

#endif
