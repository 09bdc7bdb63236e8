/* SIMD computation with a memory operand (issue 13; docs/simd-compute.md): the result is
 * what the host CPU computes. The allowlist (simd_compute.def, one row per mnemonic) says
 * what may run and what the host needs; simd_compute_encode() builds the host stub from the
 * decoded fields — never from the guest's bytes — and x_simd_compute() (its MN_EXEC lines)
 * runs it on the guest's registers with the memory operand in a local buffer. */
#ifndef WHVEMU_SIMD_COMPUTE_H
#define WHVEMU_SIMD_COMPUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder.h"
#include "exec/simd_host.h"

/* The host features of an encoding: none needed (x86-64's baseline), or no such encoding. */
#define SIMD_FEATURE_BASE 0u
#define SIMD_FEATURE_NONE UINT32_MAX

/* What of the memory operand the CPU reads (simd_compute.def, "read"). */
enum simd_compute_read { READ_ALL, READ_LOW8, READ_COUNT, READ_HALF, READ_QUARTER };

/* The implicit registers of a row (simd_compute.def, "registers"). */
enum simd_compute_regs { REGS_NONE, REGS_FLAGS, REGS_XMM0, REGS_STRI, REGS_STRM, REGS_KPAIR };

struct simd_compute_row {
    uint8_t element;                    /* bytes of a memory element (EVEX mask and broadcast) */
    uint8_t align;                      /* enum simd_align */
    uint8_t fs;                         /* enum simd_fs: EVEX fault suppression */
    uint8_t read;                       /* enum simd_compute_read */
    uint8_t regs;                       /* enum simd_compute_regs */
    bool mxcsr;                         /* reads MXCSR, may raise SIMD FP exceptions */
    uint32_t feature, feature256, evex; /* core/cpuid.h CPU_* sets, or the two above */
};

/* The row of a compute mnemonic, or NULL: not allowlisted. */
const struct simd_compute_row *simd_compute_row(enum mnemonic mn);

/* The host features the decoded instruction's encoding needs (SIMD_FEATURE_NONE: none
 * runs it: an encoding the row does not list, or one not yet supported: EVEX, MMX). */
uint32_t simd_compute_feature(const struct insn *in, const struct simd_compute_row *row);

/* The host stub of a decoded instruction with a memory operand: the instruction on fixed
 * registers — destination register 0, VEX.vvvv register 1 — with r/m = [rdi], then RET,
 * INT3 to SIMD_STUB_BYTES. False when any field is outside what the encoder knows (an
 * encoding, map, immediate or operand it does not build): the instruction is then
 * unsupported. A pure function; tests/exec/test_simd_compute.c decodes its output with
 * Zydis. */
bool simd_compute_encode(const struct insn *in, uint8_t code[SIMD_STUB_BYTES]);

#endif
