/* What x86 vendors' CPUs do differently with vector instructions at memory, as per-vendor
 * rows beside the flags profiles (cpu->vendor, WHVEMU_OPTION_VENDOR: the host's by default).
 *
 * Each field is where the manuals leave the behaviour to the implementation or where a CPU
 * was measured to differ from them. The AMD row was measured on an AMD EPYC family 25 model
 * 17 (Zen 4; simd-design M1-M8 and docs/simd-moves.md); the Intel row is the Intel SDM's
 * wording, unmeasured. tests/exec/test_simd_moves checks the host vendor's row against the
 * CPU; test_simd_check pins both rows with hand vectors. */
#ifndef WHVEMU_SIMD_PROFILE_H
#define WHVEMU_SIMD_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

struct simd_profile {
    /* #AC unit of an access of 16 bytes or more that names no opmask (MOVDQU, VMOVDQU ymm,
     * VMOVDQU32 zmm, VEXTRACTF32X4 even with one — the whole-operand classes): AMD 16
     * (measured, test_simd_moves); Intel 0, never (SDM vol. 1 "AVX-512 ... 16, 32 and 64-
     * byte memory references will not generate #AC"; vol. 3A §6.15: MOVDQU/MOVUPS/LDDQU
     * "may or may not"). Smaller accesses: their size, on both. */
    uint8_t vector_ac_unit;
    /* An EVEX access that names an opmask (aaa != 0; whatever it enables) in a class that
     * suppresses faults, and every VPCOMPRESS/VCOMPRESS store: #AC by the natural alignment
     * of its memory elements (AMD, measured: VMOVDQU32 zmm{k} 4, VMOVDQU8 zmm{k} never,
     * VPMOVZXWD{k} 2, VPCOMPRESSD without a mask 4); false: as above (Intel). */
    bool ac_by_element_with_opmask;
    /* #AC unit of MASKMOVDQU's 16 bytes: AMD 8 (measured, whatever the mask); Intel 0 (as
     * MOVDQU). MASKMOVQ's 8 bytes: 8 on both. */
    uint8_t maskmov_ac_unit;
    /* An aligned EVEX move (E1: VMOVAPS, VMOVDQA32) whose mask disables every element does
     * not #GP when misaligned (AMD, M5); Intel's Type E1 table has the alignment #GP
     * without the fault-suppression proviso of its other rows. */
    bool aligned_zero_mask_no_gp;
    /* MASKMOVQ/MASKMOVDQU with an all-zero mask still check the operand for writing (AMD,
     * M7: #PF on a read-only page); Intel: "may still be signaled (implementation
     * dependent)", taken as not — no byte is written. With any byte enabled both check the
     * whole 8 or 16 bytes (AMD measured; Intel: the Type 4 table's memory operand). */
    bool maskmov_zero_mask_faults;
    /* A faulting MASKMOVQ has already done the MMX transition (every x87 tag valid, TOS 0):
     * AMD (measured: no other MMX memory form does); Intel: faults are precise. */
    bool maskmovq_transition_at_fault;
    /* MXCSR.MM (bit 17, AMD misaligned SSE mode) lifts the legacy SSE 16-byte alignment #GP
     * of Types 2 and 4, not Type 1's (AMD APM "Misaligned SSE Mode"; M1). Intel has no such
     * bit: MXCSR bit 17 is reserved there. */
    bool misaligned_sse_mode;
    /* VEX.W1 VPEXTRD/VPINSRD (VEX.66.0F3A 16, 22) outside 64-bit mode: #UD (AMD, measured
     * in 32- and 16-bit code: EVEX.W1 and VEX.W1 VMOVD run); Intel executes them as the
     * W0 forms (SDM: "VEX.W/EVEX.W in non-64 bit is ignored; the instructions behaves as if
     * the W0 version is used"), as Zydis and whvemu's decoder do. */
    bool vex_w1_pextrd_ud_outside_64;
};

/* The row of a WHVEMU_VENDOR (AMD, or Intel for any other value). */
const struct simd_profile *simd_profile_of(uint8_t vendor);

/* A gather or scatter that faults at enabled element `faulting` (the lowest faulting one):
 * the elements it completes first, whose mask bits it clears. Both rows: the enabled
 * elements below it and none above (M8 on AMD; the SDM lets elements above be done or not,
 * and delivers the lowest fault, VPGATHERDD "Operation"), so that a guest resuming it
 * repeats no access. */
uint64_t simd_gather_completed(uint64_t enabled, unsigned faulting);

#endif
