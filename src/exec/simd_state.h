/* DRAFT — what the SIMD moves need from core/ (issue 10, chunk A; chunk B, the mmu half,
 * is done: mmu/mmu.h).
 *
 * Nothing here is implemented yet, and nothing calls it: src/core/ and src/mmu/ are being
 * rewritten (issue 12), and the declarations below are the interface the executor's SIMD
 * files will call once that lands. The wiring step moves each group to its layer (the
 * register parts to core/vstate.h or regcache.h, the memory parts to mmu/mmu.h), implements
 * it there and deletes this file. It follows simd-design §3.2-3.4; docs/simd-moves.md says
 * what the wiring step does, in order.
 *
 * Conventions: registers are read and written as little-endian byte arrays; every function
 * that can fail returns an enum exec_result with cpu->fault filled (EXEC_FAULT) or the
 * callback failure noted (EXEC_CALLBACK_FAILED), as mmu_read() does today. */
#ifndef WHVEMU_SIMD_STATE_H
#define WHVEMU_SIMD_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"

/* ==== core: the vector state of one call (simd-design §3.2) ====
 *
 * The state the SDK's register names carry — XMM0-15 bits 127:0, FpMmx0-7 (FXSAVE slot
 * order), FpControlStatus (FCW, FSW, abridged FTW, FOP, FIP), XmmControlStatus (FDP,
 * MXCSR, MXCSR_MASK) — is read through them; everything else (YMM/ZMM upper bits, XMM16-31,
 * k0-k7, the bits every VEX/EVEX write zeroes) through the extended-state extension's XSAVE
 * area (whvemu.h, WHVEMU_XSTATE_CALLBACKS). One call uses one of the two sources, never both;
 * which one is decided from the decoded instruction before any access with a side effect. */

/* XSAVE state components (bit i = component i). */
enum {
    XSTATE_X87 = 1u << 0,
    XSTATE_SSE = 1u << 1,
    XSTATE_AVX = 1u << 2,       /* YMM_Hi128 */
    XSTATE_OPMASK = 1u << 5,    /* k0-k7 */
    XSTATE_ZMM_HI256 = 1u << 6, /* ZMM0-15 bits 511:256 */
    XSTATE_HI16_ZMM = 1u << 7,  /* ZMM16-31 */
};

/* The components a decoded instruction reads or writes, given XCR0 (pure; exec side): its
 * vector operands' widths and numbers, EVEX masking (opmask), the upper bits a VEX/EVEX
 * register write zeroes (AVX, and ZMM_Hi256 when XCR0 has it, Hi16_ZMM for 16-31), MMX
 * (x87). A set within XCR0_SSE | XCR0_X87 is served by the SDK names. */
uint64_t simd_need(const struct insn *in, uint64_t xcr0);

/* Make the state `need` names available for this call: through the SDK names (batched with
 * the instruction's other registers) or, for any component >= 2, through one GetXstate call
 * of the extension. EXEC_UNSUPPORTED when the extension is absent or the guest's layout
 * lacks a component — before any memory access, so the guest is untouched. */
enum exec_result vstate_begin(struct vcpu *cpu, uint64_t need);

/* How a register write treats the bits above the bytes it writes (SDM vol. 1 §15.1 and each
 * instruction's Operation): legacy SSE keeps them; VEX and EVEX zero them up to MAXVL (512
 * when the guest has ZMM_Hi256 in XCR0, else 256). */
enum vreg_upper { VREG_KEEP_UPPER, VREG_ZERO_UPPER };

/* Vector register n (0-31) bytes [0, bytes), bytes 8..64; reads of a component in its init
 * state (XSTATE_BV clear) give zeros. */
void vreg_read(struct vcpu *cpu, unsigned n, unsigned bytes, uint8_t *out);
/* Write bytes [0, bytes) of register n, then the bits above as `upper` says; marks the
 * components written (for XSTATE_BV and SetXstate's Modified, or the SDK names' dirty set). */
void vreg_write(struct vcpu *cpu, unsigned n, unsigned bytes, const uint8_t *in,
                enum vreg_upper upper);

/* MMX register n (0-7): the mantissa of the x87 register it aliases, physical register n,
 * which is FXSAVE slot (n - TOS) mod 8 (SDM vol. 1 §10.5.1; vol. 3A §12.2). */
uint64_t mreg_read(struct vcpu *cpu, unsigned n);
/* Write MMX register n: bits 79:64 of the x87 register become all ones, and the MMX
 * transition is made (mmx_transition()). */
void mreg_write(struct vcpu *cpu, unsigned n, uint64_t value);
/* The transition every MMX instruction but EMMS makes, stores included: TOS (FSW 13:11) 0
 * and every tag valid (abridged FTW 0xFF) — with TOS 0 the FXSAVE slots become the physical
 * order, so a TOS that was not 0 rotates the slots (all eight FpMmx names fetched). */
void mmx_transition(struct vcpu *cpu);
/* FSW, for the #MF check of MMX forms (simd_check.h). */
uint16_t x87_status(struct vcpu *cpu);

/* Opmask register k0-k7 (all 64 bits). */
uint64_t kreg_read(struct vcpu *cpu, unsigned n);
void kreg_write(struct vcpu *cpu, unsigned n, uint64_t value);

/* MXCSR (XmmControlStatus.XmmStatusControl): MM (bit 17) decides AMD's misaligned SSE mode
 * for the legacy 16-byte alignment rule (simd_move_alignment()); moves never write it. */
uint32_t mxcsr_read(struct vcpu *cpu);
/* XCR0 (WHvX64RegisterXCr0, fetched with the other registers, for VEX/EVEX only). */
uint64_t xcr0_read(struct vcpu *cpu);

/* A fault that keeps part of the instruction's work, besides REP's committed_regs: a
 * gather's or scatter's completed elements and cleared mask bits (simd_gather_completed()).
 * struct fault gains `uint64_t committed_vec` (the XSAVE components kept); call_finish()
 * writes back those components with the pending exception, RIP unchanged. */
void fault_commit_vector(struct vcpu *cpu, uint64_t components);

/* ==== mmu: done ====
 *
 * The byte-masked vector accesses are mmu/mmu.h's struct mmu_vector_access,
 * mmu_read_vector() and mmu_write_vector() (docs/architecture.md, "Vector accesses"). */

#endif
