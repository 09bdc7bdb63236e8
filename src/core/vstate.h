/* The vector state of one call: XMM/YMM/ZMM, MMX, opmask registers, FSW, MXCSR, XCR0.
 *
 * Two sources, one per call, never both (docs/extended-state.md): the SDK register names —
 * XMM0-15 bits 127:0, FpMmx0-7 (FXSAVE slot order), FpControlStatus (FCW, FSW, abridged
 * FTW, FOP, FIP), XmmControlStatus (FDP, MXCSR, MXCSR_MASK) — through the register cache;
 * or, once an instruction needs state they lack, the extended-state extension's XSAVE area
 * (core/xstate.h): all of the call's vector, x87 and MXCSR state then comes from the area
 * and goes back to it, and no SDK vector name is fetched or set. The executor says which
 * with vstate_begin() before any access with a side effect; the accessors hide the rest.
 * Registers are little-endian byte arrays. */
#ifndef WHVEMU_VSTATE_H
#define WHVEMU_VSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"
#include "core/xstate.h"

/* Make the components of `need` (bit i = XSAVE component i: the decoded instruction's, from
 * simd_need()) available: the SDK names for a set within x87 | SSE (fetched on first use,
 * or batched by the caller with regs_fetch), else the area, with one GetXstate.
 * EXEC_UNSUPPORTED when the extension is absent or its layout or area lacks a component, or
 * when the call already wrote an SDK vector name (one source per call) — call it before any
 * memory access and any register write: the guest is then untouched. EXEC_CALLBACK_FAILED
 * when GetXstate fails. */
enum exec_result vstate_begin(struct vcpu *cpu, uint64_t need);

/* How a register write treats the bits above the bytes it writes (SDM vol. 1 §15.1 and each
 * instruction's Operation): legacy SSE keeps them; VEX and EVEX zero them up to MAXVL (512
 * bits when XCR0 has ZMM_Hi256, else 256). */
enum vreg_upper { VREG_KEEP_UPPER, VREG_ZERO_UPPER };

/* Vector register n (0-31), bytes [0, bytes) with bytes 1..64; a component in its init
 * state (XSTATE_BV clear) reads as zeros. In the SDK names' mode only XMM0-15's 16 bytes
 * exist: the rest reads as zeros (simd_need() sends such instructions to the area). */
void vreg_read(struct vcpu *cpu, unsigned n, unsigned bytes, uint8_t *out);
/* Write bytes [0, bytes) of register n, then the bits above as `upper` says; marks what it
 * wrote for the write-back (XSTATE_BV and Modified, or the SDK names' dirty set). */
void vreg_write(struct vcpu *cpu, unsigned n, unsigned bytes, const uint8_t *in,
                enum vreg_upper upper);

/* MMX register n (0-7): the mantissa of the x87 register it aliases, physical register n,
 * which is FXSAVE slot (n - TOS) mod 8 (SDM vol. 1 §10.5.1; vol. 3A §12.2). */
uint64_t mreg_read(struct vcpu *cpu, unsigned n);
/* Write MMX register n after the MMX transition: bits 79:64 of its x87 register all ones. */
void mreg_write(struct vcpu *cpu, unsigned n, uint64_t value);
/* The transition every MMX instruction but EMMS makes, stores included (vol. 3A §12.2):
 * TOS (FSW 13:11) 0 and every tag valid (abridged FTW FFH). With TOS 0 the FXSAVE slots
 * become the physical order, so a TOS that was not 0 rotates all eight slots. */
void mmx_transition(struct vcpu *cpu);
/* FSW, for the #MF check of MMX forms and the TOS; FCW, whose masks that check reads. */
uint16_t x87_status(struct vcpu *cpu);
uint16_t x87_control(struct vcpu *cpu);

/* Opmask register k0-k7, all 64 bits (the area's only: 0 in the SDK names' mode). */
uint64_t kreg_read(struct vcpu *cpu, unsigned n);
void kreg_write(struct vcpu *cpu, unsigned n, uint64_t value);

/* MXCSR (moves never write it; MM, bit 17, is AMD's misaligned SSE mode). SIMD FP compute
 * writes its exception flags (exec/simd_mxcsr.h), with the result or with #XM. */
uint32_t mxcsr_read(struct vcpu *cpu);
void mxcsr_write(struct vcpu *cpu, uint32_t value);
/* XCR0 (WHvX64RegisterXCr0, fetched with the other registers for VEX/EVEX forms). */
uint64_t xcr0_read(struct vcpu *cpu);

/* A fault that keeps part of the instruction's work besides REP's committed_regs: a gather's
 * or scatter's completed elements and cleared mask bits. call_finish() writes back these
 * components (bit i = XSAVE component i) with the pending exception, RIP unchanged. The
 * instruction must have written no other vector state before the fault. */
void fault_commit_vector(struct vcpu *cpu, uint64_t components);

#endif
