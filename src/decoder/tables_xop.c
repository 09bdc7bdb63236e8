/* AMD XOP opcode maps 8, 9 and 0Ah (XOP, TBM, LWP).
 *
 * Data only: one designated initializer per opcode, written in the SDM's opcode-map notation
 * (optab.h; operand shorthands for the SIMD forms in tables_simd.h). Valid combinations of
 * mandatory prefix, ModRM.reg/rm/mod, W and L were checked against Zydis 4.0 by enumeration
 * (docs/opcode-maps.md says how); the trailing comment of each row names its ISA sets. */
#define OPTAB_SHORTHANDS
#include "decoder.h"
#include "optab.h"
#include "tables_simd.h"

// clang-format off
const struct optab optab_xop[3][256] = {
    /* ===== XOP map 8 ===== */
    [0] = {
        /* ---- 85-B6: multiply-accumulate (VPMACS*, VPMADCS*) ---- */
        [0x85] = I4(vpmacssww, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x86] = I4(vpmacsswd, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x87] = I4(vpmacssdql, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x8e] = I4(vpmacssdd, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x8f] = I4(vpmacssdqh, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x95] = I4(vpmacsww, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x96] = I4(vpmacswd, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x97] = I4(vpmacsdql, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x9e] = I4(vpmacsdd, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0x9f] = I4(vpmacsdqh, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0xa2] = BY_W(I4(vpcmov, Vx, Hx, Wx, Lx, 0), I4(vpcmov, Vx, Hx, Lx, Wx, 0)), /* XOP */
        [0xa3] = BY_W(
            I4(vpperm, Vdq, Hdq, Wdq, Ldq, F_L0),
            I4(vpperm, Vdq, Hdq, Ldq, Wdq, F_L0)), /* XOP */
        [0xa6] = I4(vpmadcsswd, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        [0xb6] = I4(vpmadcswd, Vdq, Hdq, Wdq, Ldq, F_W0 | F_L0), /* XOP */
        /* ---- C0-C3: rotates by immediate ---- */
        [0xc0] = I3(vprotb, Vdq, Wdq, Ib, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xc1] = I3(vprotw, Vdq, Wdq, Ib, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xc2] = I3(vprotd, Vdq, Wdq, Ib, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xc3] = I3(vprotq, Vdq, Wdq, Ib, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        /* ---- CC-EF: compares with imm8 predicate ---- */
        [0xcc] = I4(vpcomb, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
        [0xcd] = I4(vpcomw, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
        [0xce] = I4(vpcomd, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
        [0xcf] = I4(vpcomq, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
        [0xec] = I4(vpcomub, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
        [0xed] = I4(vpcomuw, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
        [0xee] = I4(vpcomud, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
        [0xef] = I4(vpcomuq, Vdq, Hdq, Wdq, Ib, F_W0 | F_L0), /* XOP */
    },
    /* ===== XOP map 9 ===== */
    [1] = {
        /* ---- 01-02: TBM groups ---- */
        [0x01] = BY_REG(
            UD,
            I2(blcfill, By, Ey, F_L0),
            I2(blsfill, By, Ey, F_L0),
            I2(blcs, By, Ey, F_L0),
            I2(tzmsk, By, Ey, F_L0),
            I2(blcic, By, Ey, F_L0),
            I2(blsic, By, Ey, F_L0),
            I2(t1mskc, By, Ey, F_L0)), /* TBM */
        [0x02] = BY_REG(
            UD,
            I2(blcmsk, By, Ey, F_L0),
            UD, UD, UD, UD,
            I2(blci, By, Ey, F_L0),
            UD), /* TBM */
        /* ---- 12: LWP (LLWPCB/SLWPCB) ---- */
        [0x12] = BY_REG(
            I1(llwpcb, Ry, F_L0 | F_NO_VVVV),
            I1(slwpcb, Ry, F_L0 | F_NO_VVVV),
            UD, UD, UD, UD, UD, UD), /* LWP */
        /* ---- 80-83: VFRCZ ---- */
        [0x80] = I2(vfrczps, Vx, Wx, F_W0 | F_NO_VVVV), /* XOP */
        [0x81] = I2(vfrczpd, Vx, Wx, F_W0 | F_NO_VVVV), /* XOP */
        [0x82] = I2(vfrczss, Vdq, Wd, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0x83] = I2(vfrczsd, Vdq, Wq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        /* ---- 90-9B: rotates and shifts by register ---- */
        [0x90] = BY_W(I3(vprotb, Vdq, Wdq, Hdq, F_L0), I3(vprotb, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x91] = BY_W(I3(vprotw, Vdq, Wdq, Hdq, F_L0), I3(vprotw, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x92] = BY_W(I3(vprotd, Vdq, Wdq, Hdq, F_L0), I3(vprotd, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x93] = BY_W(I3(vprotq, Vdq, Wdq, Hdq, F_L0), I3(vprotq, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x94] = BY_W(I3(vpshlb, Vdq, Wdq, Hdq, F_L0), I3(vpshlb, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x95] = BY_W(I3(vpshlw, Vdq, Wdq, Hdq, F_L0), I3(vpshlw, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x96] = BY_W(I3(vpshld, Vdq, Wdq, Hdq, F_L0), I3(vpshld, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x97] = BY_W(I3(vpshlq, Vdq, Wdq, Hdq, F_L0), I3(vpshlq, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x98] = BY_W(I3(vpshab, Vdq, Wdq, Hdq, F_L0), I3(vpshab, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x99] = BY_W(I3(vpshaw, Vdq, Wdq, Hdq, F_L0), I3(vpshaw, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x9a] = BY_W(I3(vpshad, Vdq, Wdq, Hdq, F_L0), I3(vpshad, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        [0x9b] = BY_W(I3(vpshaq, Vdq, Wdq, Hdq, F_L0), I3(vpshaq, Vdq, Hdq, Wdq, F_L0)), /* XOP */
        /* ---- C1-E3: horizontal adds and subtracts ---- */
        [0xc1] = I2(vphaddbw, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xc2] = I2(vphaddbd, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xc3] = I2(vphaddbq, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xc6] = I2(vphaddwd, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xc7] = I2(vphaddwq, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xcb] = I2(vphadddq, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xd1] = I2(vphaddubw, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xd2] = I2(vphaddubd, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xd3] = I2(vphaddubq, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xd6] = I2(vphadduwd, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xd7] = I2(vphadduwq, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xdb] = I2(vphaddudq, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xe1] = I2(vphsubbw, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xe2] = I2(vphsubwd, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
        [0xe3] = I2(vphsubdq, Vdq, Wdq, F_W0 | F_L0 | F_NO_VVVV), /* XOP */
    },
    /* ===== XOP map 0Ah ===== */
    [2] = {
        /* ---- 10-12: TBM BEXTR imm32, LWP (LWPINS/LWPVAL) ---- */
        [0x10] = I3(bextr, Gy, Ey, Id, F_L0 | F_NO_VVVV), /* TBM */
        [0x12] = BY_REG(
            I3(lwpins, By, Ed, Id, F_L0),
            I3(lwpval, By, Ed, Id, F_L0),
            UD, UD, UD, UD, UD, UD), /* LWP */
    },
};
// clang-format on
