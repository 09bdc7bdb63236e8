/* EVEX opcode maps 0F, 0F38, 0F3A, 5 and 6 (AVX-512 F/BW/DQ/VL/CD/ER/PF/..., FP16).
 *
 * Data only: one designated initializer per opcode, written in the SDM's opcode-map notation
 * (optab.h; operand shorthands for the SIMD forms in tables_simd.h). Valid combinations of
 * mandatory prefix, ModRM.reg/rm/mod, W and L were checked against Zydis 4.0 by enumeration
 * (docs/opcode-maps.md says how); the trailing comment of each row names its ISA sets. */
#define OPTAB_SHORTHANDS
#include "decoder.h"
#include "optab.h"
#include "tables_simd.h"

/* SDM tuple type Tuple1 Scalar on a whole-vector operand (expand/compress): disp8 counts
 * n-byte elements, not vectors. */
#define T1S(n) (EVEX_ELEMENT(n) | EVEX_DISP8_BY_ELEMENT)
/* Gathers, scatters and their prefetches: VSIB memory operand, a mask (which they clear as
 * they go), no zeroing, no broadcast, no vvvv. */
#define EVEX_VSIB (F_VSIB | F_NO_VVVV | F_EVEX_NEED_K | F_EVEX_NO_Z | F_EVEX_NO_B)
/* Forms that exist only with 512-bit vectors (L'L = 10b). */
#define ONLY_512(...) SEL_(SEL_L, 3, UD, UD, __VA_ARGS__)
/* Forms that exist only with 256- and 512-bit vectors (L'L = 01b, 10b). */
#define NOT_128(...) SEL_(SEL_L, 3, UD, __VA_ARGS__, __VA_ARGS__)

// clang-format off
const struct optab optab_evex[5][256] = {
    /* ===== EVEX map 1 (0F) ===== */
    [0] = {
        /* ---- 10-2F: moves, unpacks, conversions, (U)COMIS ---- */
        [0x10] = BY_PFX(
            I2(vmovups, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
            I2(vmovupd, Vx, Wx, F_W1 | F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vmovss, Vdq, Md, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
                I3(vmovss, Vdq, Hdq, Udq, F_W0 | F_EVEX_NO_B)),
            BY_MOD(
                I2(vmovsd, Vdq, Mq, F_W1 | F_NO_VVVV | F_EVEX_NO_B),
                I3(vmovsd, Vdq, Hdq, Udq, F_W1 | F_EVEX_NO_B))), /* AVX512F */
        [0x11] = BY_MOD(
            BY_PFX(
                I2(vmovups, Mx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vmovupd, Mx, Vx, F_W1 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vmovss, Md, Vdq, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vmovsd, Mq, Vdq, F_W1 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
            BY_PFX(
                I2(vmovups, Ux, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
                I2(vmovupd, Ux, Vx, F_W1 | F_NO_VVVV | F_EVEX_NO_B),
                I3(vmovss, Udq, Hdq, Vdq, F_W0 | F_EVEX_NO_B),
                I3(vmovsd, Udq, Hdq, Vdq, F_W1 | F_EVEX_NO_B))), /* AVX512F */
        [0x12] = BY_PFX(
            BY_MOD(
                I3(vmovlps, Vdq, Hdq, Mq, F_W0 | F_L0 | F_EVEX_NO_K | F_EVEX_NO_B),
                I3(vmovhlps, Vdq, Hdq, Udq, F_W0 | F_L0 | F_EVEX_NO_K | F_EVEX_NO_B)),
            I3(vmovlpd, Vdq, Hdq, Mq, F_W1 | F_L0 | F_EVEX_NO_K | F_EVEX_NO_B),
            I2(vmovsldup, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
            BY_LL(
                I2(vmovddup, Vx, Wq, F_W1 | F_NO_VVVV | F_EVEX_NO_B),
                I2(vmovddup, Vx, Wx, F_W1 | F_NO_VVVV | F_EVEX_NO_B),
                I2(vmovddup, Vx, Wx, F_W1 | F_NO_VVVV | F_EVEX_NO_B))), /* AVX512F */
        [0x13] = BY_PFX(
            I2(vmovlps, Mq, Vq, F_W0 | F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            I2(vmovlpd, Mq, Vq, F_W1 | F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            UD, UD), /* AVX512F */
        [0x14] = BY_PFX(
            I3(vunpcklps, Vx, Hx, Wx, F_W0),
            I3(vunpcklpd, Vx, Hx, Wx, F_W1),
            UD, UD), /* AVX512F */
        [0x15] = BY_PFX(
            I3(vunpckhps, Vx, Hx, Wx, F_W0),
            I3(vunpckhpd, Vx, Hx, Wx, F_W1),
            UD, UD), /* AVX512F */
        [0x16] = BY_PFX(
            BY_MOD(
                I3(vmovhps, Vdq, Hq, Mq, F_W0 | F_L0 | F_EVEX_NO_K | F_EVEX_NO_B),
                I3(vmovlhps, Vdq, Hq, Uq, F_W0 | F_L0 | F_EVEX_NO_K | F_EVEX_NO_B)),
            I3(vmovhpd, Vdq, Hq, Mq, F_W1 | F_L0 | F_EVEX_NO_K | F_EVEX_NO_B),
            I2(vmovshdup, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
            UD), /* AVX512F */
        [0x17] = BY_PFX(
            I2(vmovhps, Mq, Vdq, F_W0 | F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            I2(vmovhpd, Mq, Vdq, F_W1 | F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            UD, UD), /* AVX512F */
        [0x28] = BY_PFX(
            I2(vmovaps, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
            I2(vmovapd, Vx, Wx, F_W1 | F_NO_VVVV | F_EVEX_NO_B),
            UD, UD), /* AVX512F */
        [0x29] = BY_PFX(
            BY_MOD(
                I2(vmovaps, Mx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vmovaps, Ux, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            BY_MOD(
                I2(vmovapd, Mx, Vx, F_W1 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vmovapd, Ux, Vx, F_W1 | F_NO_VVVV | F_EVEX_NO_B)),
            UD, UD), /* AVX512F */
        [0x2a] = BY_PFX(
            UD, UD,
            I3(vcvtsi2ss, Vdq, Hdq, Ey, F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vcvtsi2sd, Vdq, Hdq, Ey, F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x2b] = BY_PFX(
            I2(vmovntps, Mx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            I2(vmovntpd, Mx, Vx, F_W1 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            UD, UD), /* AVX512F */
        [0x2c] = BY_PFX(
            UD, UD,
            I2(vcvttss2si, Gy, Wd, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I2(vcvttsd2si, Gy, Wq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x2d] = BY_PFX(
            UD, UD,
            I2(vcvtss2si, Gy, Wd, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I2(vcvtsd2si, Gy, Wq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x2e] = BY_PFX(
            I2(vucomiss, Vdq, Wd, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE | F_FLAGS_ONLY),
            I2(vucomisd, Vdq, Wq, F_W1 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE | F_FLAGS_ONLY),
            UD, UD), /* AVX512F */
        [0x2f] = BY_PFX(
            I2(vcomiss, Vdq, Wd, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE | F_FLAGS_ONLY),
            I2(vcomisd, Vdq, Wq, F_W1 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE | F_FLAGS_ONLY),
            UD, UD), /* AVX512F */
        /* ---- 51-7F: arithmetic, logic, conversions, integer, shifts by immediate, moves ---- */
        [0x51] = BY_PFX(
            I2(vsqrtps, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vsqrtpd, Vx, Wx, F_W1 | F_NO_VVVV | F_EVEX_ER_SAE),
            I3(vsqrtss, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vsqrtsd, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x54] = BY_PFX(
            I3(vandps, Vx, Hx, Wx, F_W0),
            I3(vandpd, Vx, Hx, Wx, F_W1),
            UD, UD), /* AVX512DQ */
        [0x55] = BY_PFX(
            I3(vandnps, Vx, Hx, Wx, F_W0),
            I3(vandnpd, Vx, Hx, Wx, F_W1),
            UD, UD), /* AVX512DQ */
        [0x56] = BY_PFX(
            I3(vorps, Vx, Hx, Wx, F_W0),
            I3(vorpd, Vx, Hx, Wx, F_W1),
            UD, UD), /* AVX512DQ */
        [0x57] = BY_PFX(
            I3(vxorps, Vx, Hx, Wx, F_W0),
            I3(vxorpd, Vx, Hx, Wx, F_W1),
            UD, UD), /* AVX512DQ */
        [0x58] = BY_PFX(
            I3(vaddps, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            I3(vaddpd, Vx, Hx, Wx, F_W1 | F_EVEX_ER_SAE),
            I3(vaddss, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vaddsd, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x59] = BY_PFX(
            I3(vmulps, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            I3(vmulpd, Vx, Hx, Wx, F_W1 | F_EVEX_ER_SAE),
            I3(vmulss, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vmulsd, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x5a] = BY_PFX(
            I2(vcvtps2pd, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvtpd2ps, Vhx, Wx, F_W1 | F_NO_VVVV | F_EVEX_ER_SAE),
            I3(vcvtss2sd, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vcvtsd2ss, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x5b] = BY_PFX(
            BY_W(
                I2(vcvtdq2ps, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvtqq2ps, Vhx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            I2(vcvtps2dq, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvttps2dq, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            UD), /* AVX512DQ AVX512F */
        [0x5c] = BY_PFX(
            I3(vsubps, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            I3(vsubpd, Vx, Hx, Wx, F_W1 | F_EVEX_ER_SAE),
            I3(vsubss, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vsubsd, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x5d] = BY_PFX(
            I3(vminps, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            I3(vminpd, Vx, Hx, Wx, F_W1 | F_EVEX_ER_SAE),
            I3(vminss, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vminsd, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x5e] = BY_PFX(
            I3(vdivps, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            I3(vdivpd, Vx, Hx, Wx, F_W1 | F_EVEX_ER_SAE),
            I3(vdivss, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vdivsd, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x5f] = BY_PFX(
            I3(vmaxps, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            I3(vmaxpd, Vx, Hx, Wx, F_W1 | F_EVEX_ER_SAE),
            I3(vmaxss, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vmaxsd, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x60] = ONLY_66(I3(vpunpcklbw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x61] = ONLY_66(I3(vpunpcklwd, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x62] = ONLY_66(I3(vpunpckldq, Vx, Hx, Wx, F_W0)), /* AVX512F */
        [0x63] = ONLY_66(I3(vpacksswb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x64] = ONLY_66(I3(vpcmpgtb, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B)), /* AVX512BW */
        [0x65] = ONLY_66(I3(vpcmpgtw, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B)), /* AVX512BW */
        [0x66] = ONLY_66(I3(vpcmpgtd, KGq, Hx, Wx, F_W0 | F_EVEX_NO_Z)), /* AVX512F */
        [0x67] = ONLY_66(I3(vpackuswb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x68] = ONLY_66(I3(vpunpckhbw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x69] = ONLY_66(I3(vpunpckhwd, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x6a] = ONLY_66(I3(vpunpckhdq, Vx, Hx, Wx, F_W0)), /* AVX512F */
        [0x6b] = ONLY_66(I3(vpackssdw, Vx, Hx, Wx, F_W0)), /* AVX512BW */
        [0x6c] = ONLY_66(I3(vpunpcklqdq, Vx, Hx, Wx, F_W1)), /* AVX512F */
        [0x6d] = ONLY_66(I3(vpunpckhqdq, Vx, Hx, Wx, F_W1)), /* AVX512F */
        [0x6e] = ONLY_66(
            BY_W(
                I2(vmovd, Vdq, Ed, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
                BY_MODE(
                    I2(vmovd, Vdq, Ed, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B), /* W is ignored outside 64-bit mode */
                    I2(vmovq, Vdq, Eq, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)))), /* AVX512F */
        [0x6f] = BY_PFX(
            UD,
            BY_W(
                I2(vmovdqa32, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B),
                I2(vmovdqa64, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B)),
            BY_W(
                I2(vmovdqu32, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B),
                I2(vmovdqu64, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B)),
            BY_W(
                I2(vmovdqu8, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B),
                I2(vmovdqu16, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B))), /* AVX512BW AVX512F */
        [0x70] = BY_PFX(
            UD,
            I3(vpshufd, Vx, Wx, Ib, F_W0 | F_NO_VVVV),
            I3(vpshufhw, Vx, Wx, Ib, F_NO_VVVV | F_EVEX_NO_B),
            I3(vpshuflw, Vx, Wx, Ib, F_NO_VVVV | F_EVEX_NO_B)), /* AVX512BW AVX512F */
        [0x71] = ONLY_66(
            BY_REG(
                UD, UD,
                I3(vpsrlw, Hx, Wx, Ib, F_EVEX_NO_B),
                UD,
                I3(vpsraw, Hx, Wx, Ib, F_EVEX_NO_B),
                UD,
                I3(vpsllw, Hx, Wx, Ib, F_EVEX_NO_B),
                UD)), /* AVX512BW */
        [0x72] = ONLY_66(
            BY_REG(
                BY_MOD(
                    BY_W(I3(vprord, Hx, Mx, Ib, 0), I3(vprorq, Hx, Mx, Ib, 0)),
                    BY_W(I3(vprord, Hx, Ux, Ib, F_EVEX_NO_B), I3(vprorq, Hx, Ux, Ib, F_EVEX_NO_B))),
                BY_MOD(
                    BY_W(I3(vprold, Hx, Mx, Ib, 0), I3(vprolq, Hx, Mx, Ib, 0)),
                    BY_W(I3(vprold, Hx, Ux, Ib, F_EVEX_NO_B), I3(vprolq, Hx, Ux, Ib, F_EVEX_NO_B))),
                I3(vpsrld, Hx, Wx, Ib, F_W0),
                UD,
                BY_MOD(
                    BY_W(I3(vpsrad, Hx, Mx, Ib, 0), I3(vpsraq, Hx, Mx, Ib, 0)),
                    BY_W(I3(vpsrad, Hx, Ux, Ib, F_EVEX_NO_B), I3(vpsraq, Hx, Ux, Ib, F_EVEX_NO_B))),
                UD,
                I3(vpslld, Hx, Wx, Ib, F_W0),
                UD)), /* AVX512F */
        [0x73] = ONLY_66(
            BY_REG(
                UD, UD,
                I3(vpsrlq, Hx, Wx, Ib, F_W1),
                I3(vpsrldq, Hx, Wx, Ib, F_EVEX_NO_K | F_EVEX_NO_B),
                UD, UD,
                I3(vpsllq, Hx, Wx, Ib, F_W1),
                I3(vpslldq, Hx, Wx, Ib, F_EVEX_NO_K | F_EVEX_NO_B))), /* AVX512BW AVX512F */
        [0x74] = ONLY_66(I3(vpcmpeqb, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B)), /* AVX512BW */
        [0x75] = ONLY_66(I3(vpcmpeqw, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B)), /* AVX512BW */
        [0x76] = ONLY_66(I3(vpcmpeqd, KGq, Hx, Wx, F_W0 | F_EVEX_NO_Z)), /* AVX512F */
        [0x78] = BY_PFX(
            BY_W(
                I2(vcvttps2udq, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvttpd2udq, Vhx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            BY_W(
                I2(vcvttps2uqq, Vx, Whx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvttpd2uqq, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            I2(vcvttss2usi, Gy, Wd, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I2(vcvttsd2usi, Gy, Wq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512DQ AVX512F */
        [0x79] = BY_PFX(
            BY_W(
                I2(vcvtps2udq, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvtpd2udq, Vhx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            BY_W(
                I2(vcvtps2uqq, Vx, Whx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvtpd2uqq, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            I2(vcvtss2usi, Gy, Wd, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I2(vcvtsd2usi, Gy, Wq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512DQ AVX512F */
        [0x7a] = BY_PFX(
            UD,
            BY_W(
                I2(vcvttps2qq, Vx, Whx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvttpd2qq, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            BY_W(
                I2(vcvtudq2pd, Vx, Whx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvtuqq2pd, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            BY_W(
                I2(vcvtudq2ps, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvtuqq2ps, Vhx, Wx, F_NO_VVVV | F_EVEX_ER_SAE))), /* AVX512DQ AVX512F */
        [0x7b] = BY_PFX(
            UD,
            BY_W(
                I2(vcvtps2qq, Vx, Whx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvtpd2qq, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            I3(vcvtusi2ss, Vdq, Hdq, Ey, F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vcvtusi2sd, Vdq, Hdq, Ey, F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512DQ AVX512F */
        [0x7e] = BY_PFX(
            UD,
            BY_W(
                I2(vmovd, Ed, Vdq, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
                BY_MODE(
                    I2(vmovd, Ed, Vdq, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B), /* W is ignored outside 64-bit mode */
                    I2(vmovq, Eq, Vdq, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B))),
            I2(vmovq, Vdq, Wq, F_W1 | F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            UD), /* AVX512F */
        [0x7f] = BY_PFX(
            UD,
            BY_MOD(
                BY_W(
                    I2(vmovdqa32, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                    I2(vmovdqa64, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
                BY_W(
                    I2(vmovdqa32, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B),
                    I2(vmovdqa64, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B))),
            BY_MOD(
                BY_W(
                    I2(vmovdqu32, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                    I2(vmovdqu64, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
                BY_W(
                    I2(vmovdqu32, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B),
                    I2(vmovdqu64, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B))),
            BY_MOD(
                BY_W(
                    I2(vmovdqu8, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                    I2(vmovdqu16, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
                BY_W(
                    I2(vmovdqu8, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B),
                    I2(vmovdqu16, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512BW AVX512F */
        /* AVX512F */
        /* ---- C2-FE: compares, shuffles, integer arithmetic ---- */
        [0xc2] = BY_PFX(
            I4(vcmpps, KGq, Hx, Wx, Ib, F_W0 | F_EVEX_NO_Z | F_EVEX_ER_SAE),
            I4(vcmppd, KGq, Hx, Wx, Ib, F_W1 | F_EVEX_NO_Z | F_EVEX_ER_SAE),
            I4(vcmpss, KGq, Hdq, Wd, Ib, F_W0 | F_EVEX_NO_Z | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I4(vcmpsd, KGq, Hdq, Wq, Ib, F_W1 | F_EVEX_NO_Z | F_EVEX_NO_B | F_EVEX_ER_SAE)),
        [0xc4] = ONLY_66(
            I4(vpinsrw, Vdq, Hdq, Ew, Ib, F_L0 | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512BW */
        [0xc5] = ONLY_66(
            I3(vpextrw, Gd, Udq, Ib, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512BW */
        [0xc6] = BY_PFX(
            I4(vshufps, Vx, Hx, Wx, Ib, F_W0),
            I4(vshufpd, Vx, Hx, Wx, Ib, F_W1),
            UD, UD), /* AVX512F */
        [0xd1] = ONLY_66(I3(vpsrlw, Vx, Hx, Wdq, F_EVEX_NO_B)), /* AVX512BW */
        [0xd2] = ONLY_66(I3(vpsrld, Vx, Hx, Wdq, F_W0 | F_EVEX_NO_B)), /* AVX512F */
        [0xd3] = ONLY_66(I3(vpsrlq, Vx, Hx, Wdq, F_W1 | F_EVEX_NO_B)), /* AVX512F */
        [0xd4] = ONLY_66(I3(vpaddq, Vx, Hx, Wx, F_W1)), /* AVX512F */
        [0xd5] = ONLY_66(I3(vpmullw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xd6] = ONLY_66(
            I2(vmovq, Wq, Vdq, F_W1 | F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512F */
        [0xd8] = ONLY_66(I3(vpsubusb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xd9] = ONLY_66(I3(vpsubusw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xda] = ONLY_66(I3(vpminub, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xdb] = ONLY_66(BY_W(I3(vpandd, Vx, Hx, Wx, 0), I3(vpandq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0xdc] = ONLY_66(I3(vpaddusb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xdd] = ONLY_66(I3(vpaddusw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xde] = ONLY_66(I3(vpmaxub, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xdf] = ONLY_66(
            BY_W(I3(vpandnd, Vx, Hx, Wx, 0), I3(vpandnq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0xe0] = ONLY_66(I3(vpavgb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xe1] = ONLY_66(I3(vpsraw, Vx, Hx, Wdq, F_EVEX_NO_B)), /* AVX512BW */
        [0xe2] = ONLY_66(
            BY_W(
                I3(vpsrad, Vx, Hx, Wdq, F_EVEX_NO_B),
                I3(vpsraq, Vx, Hx, Wdq, F_EVEX_NO_B))), /* AVX512F */
        [0xe3] = ONLY_66(I3(vpavgw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xe4] = ONLY_66(I3(vpmulhuw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xe5] = ONLY_66(I3(vpmulhw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xe6] = BY_PFX(
            UD,
            I2(vcvttpd2dq, Vhx, Wx, F_W1 | F_NO_VVVV | F_EVEX_ER_SAE),
            BY_W(
                I2(vcvtdq2pd, Vx, Whx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vcvtqq2pd, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
            I2(vcvtpd2dq, Vhx, Wx, F_W1 | F_NO_VVVV | F_EVEX_ER_SAE)), /* AVX512DQ AVX512F */
        [0xe7] = ONLY_66(
            I2(vmovntdq, Mx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512F */
        [0xe8] = ONLY_66(I3(vpsubsb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xe9] = ONLY_66(I3(vpsubsw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xea] = ONLY_66(I3(vpminsw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xeb] = ONLY_66(BY_W(I3(vpord, Vx, Hx, Wx, 0), I3(vporq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0xec] = ONLY_66(I3(vpaddsb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xed] = ONLY_66(I3(vpaddsw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xee] = ONLY_66(I3(vpmaxsw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xef] = ONLY_66(BY_W(I3(vpxord, Vx, Hx, Wx, 0), I3(vpxorq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0xf1] = ONLY_66(I3(vpsllw, Vx, Hx, Wdq, F_EVEX_NO_B)), /* AVX512BW */
        [0xf2] = ONLY_66(I3(vpslld, Vx, Hx, Wdq, F_W0 | F_EVEX_NO_B)), /* AVX512F */
        [0xf3] = ONLY_66(I3(vpsllq, Vx, Hx, Wdq, F_W1 | F_EVEX_NO_B)), /* AVX512F */
        [0xf4] = ONLY_66(I3(vpmuludq, Vx, Hx, Wx, F_W1)), /* AVX512F */
        [0xf5] = ONLY_66(I3(vpmaddwd, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xf6] = ONLY_66(I3(vpsadbw, Vx, Hx, Wx, F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512BW */
        [0xf8] = ONLY_66(I3(vpsubb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xf9] = ONLY_66(I3(vpsubw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xfa] = ONLY_66(I3(vpsubd, Vx, Hx, Wx, F_W0)), /* AVX512F */
        [0xfb] = ONLY_66(I3(vpsubq, Vx, Hx, Wx, F_W1)), /* AVX512F */
        [0xfc] = ONLY_66(I3(vpaddb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xfd] = ONLY_66(I3(vpaddw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0xfe] = ONLY_66(I3(vpaddd, Vx, Hx, Wx, F_W0)), /* AVX512F */
    },
    /* ===== EVEX map 2 (0F 38) ===== */
    [1] = {
        /* ---- 00-4F: shuffles, permutes, conversions, narrowing moves, broadcasts, shifts ---- */
        [0x00] = ONLY_66(I3(vpshufb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x04] = ONLY_66(I3(vpmaddubsw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x0b] = ONLY_66(I3(vpmulhrsw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x0c] = ONLY_66(I3(vpermilps, Vx, Hx, Wx, F_W0)), /* AVX512F */
        [0x0d] = ONLY_66(I3(vpermilpd, Vx, Hx, Wx, F_W1)), /* AVX512F */
        [0x10] = BY_PFX(
            UD,
            I3(vpsrlvw, Vx, Hx, Wx, F_W1 | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovuswb, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovuswb, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512BW */
        [0x11] = BY_PFX(
            UD,
            I3(vpsravw, Vx, Hx, Wx, F_W1 | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovusdb, Mqx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovusdb, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512BW AVX512F */
        [0x12] = BY_PFX(
            UD,
            I3(vpsllvw, Vx, Hx, Wx, F_W1 | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovusqb, Mox, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovusqb, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512BW AVX512F */
        [0x13] = BY_PFX(
            UD,
            I2(vcvtph2ps, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_NO_B | F_EVEX_ER_SAE),
            BY_MOD(
                I2(vpmovusdw, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovusdw, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x14] = BY_PFX(
            UD,
            BY_MOD(
                BY_W(I3(vprorvd, Vx, Hx, Mx, 0), I3(vprorvq, Vx, Hx, Mx, 0)),
                BY_W(I3(vprorvd, Vx, Hx, Ux, F_EVEX_NO_B), I3(vprorvq, Vx, Hx, Ux, F_EVEX_NO_B))),
            BY_MOD(
                I2(vpmovusqw, Mqx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovusqw, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x15] = BY_PFX(
            UD,
            BY_MOD(
                BY_W(I3(vprolvd, Vx, Hx, Mx, 0), I3(vprolvq, Vx, Hx, Mx, 0)),
                BY_W(I3(vprolvd, Vx, Hx, Ux, F_EVEX_NO_B), I3(vprolvq, Vx, Hx, Ux, F_EVEX_NO_B))),
            BY_MOD(
                I2(vpmovusqd, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovusqd, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x16] = ONLY_66(
            BY_W(
                NOT_128(I3(vpermps, Vx, Hx, Wx, 0)),
                NOT_128(I3(vpermpd, Vx, Hx, Wx, 0)))), /* AVX512F */
        [0x18] = ONLY_66(I2(vbroadcastss, Vx, Wd, F_W0 | F_NO_VVVV | F_EVEX_NO_B)), /* AVX512F */
        [0x19] = ONLY_66(
            BY_W(
                NOT_128(I2(vbroadcastf32x2, Vx, Wq, F_NO_VVVV | F_EVEX_NO_B)),
                NOT_128(I2(vbroadcastsd, Vx, Wq, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x1a] = ONLY_66(
            BY_W(
                NOT_128(I2(vbroadcastf32x4, Vx, Mdq, F_NO_VVVV | F_EVEX_NO_B)),
                NOT_128(
                    I2(vbroadcastf64x2, Vx, Mdq, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x1b] = ONLY_66(
            BY_W(
                ONLY_512(I2(vbroadcastf32x8, Vx, Mqq, F_NO_VVVV | F_EVEX_NO_B)),
                ONLY_512(
                    I2(vbroadcastf64x4, Vx, Mqq, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x1c] = ONLY_66(I2(vpabsb, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B)), /* AVX512BW */
        [0x1d] = ONLY_66(I2(vpabsw, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B)), /* AVX512BW */
        [0x1e] = ONLY_66(I2(vpabsd, Vx, Wx, F_W0 | F_NO_VVVV)), /* AVX512F */
        [0x1f] = ONLY_66(I2(vpabsq, Vx, Wx, F_W1 | F_NO_VVVV)), /* AVX512F */
        [0x20] = BY_PFX(
            UD,
            I2(vpmovsxbw, Vx, Whx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovswb, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovswb, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512BW */
        [0x21] = BY_PFX(
            UD,
            I2(vpmovsxbd, Vx, Wqx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovsdb, Mqx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovsdb, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x22] = BY_PFX(
            UD,
            I2(vpmovsxbq, Vx, Wox, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovsqb, Mox, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovsqb, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x23] = BY_PFX(
            UD,
            I2(vpmovsxwd, Vx, Whx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovsdw, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovsdw, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x24] = BY_PFX(
            UD,
            I2(vpmovsxwq, Vx, Wqx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovsqw, Mqx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovsqw, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x25] = BY_PFX(
            UD,
            I2(vpmovsxdq, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovsqd, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovsqd, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x26] = BY_PFX(
            UD,
            BY_W(
                I3(vptestmb, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B),
                I3(vptestmw, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B)),
            BY_W(
                I3(vptestnmb, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B),
                I3(vptestnmw, KGq, Hx, Wx, F_EVEX_NO_Z | F_EVEX_NO_B)),
            UD), /* AVX512BW */
        [0x27] = BY_PFX(
            UD,
            BY_W(I3(vptestmd, KGq, Hx, Wx, F_EVEX_NO_Z), I3(vptestmq, KGq, Hx, Wx, F_EVEX_NO_Z)),
            BY_W(I3(vptestnmd, KGq, Hx, Wx, F_EVEX_NO_Z), I3(vptestnmq, KGq, Hx, Wx, F_EVEX_NO_Z)),
            UD), /* AVX512F */
        [0x28] = BY_PFX(
            UD,
            I3(vpmuldq, Vx, Hx, Wx, F_W1),
            BY_W(
                I2(vpmovm2b, Vx, KRq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
                I2(vpmovm2w, Vx, KRq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)),
            UD), /* AVX512BW AVX512F */
        [0x29] = BY_PFX(
            UD,
            I3(vpcmpeqq, KGq, Hx, Wx, F_W1 | F_EVEX_NO_Z),
            BY_W(
                I2(vpmovb2m, KGq, Ux, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
                I2(vpmovw2m, KGq, Ux, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)),
            UD), /* AVX512BW AVX512F */
        [0x2a] = BY_PFX(
            UD,
            I2(vmovntdqa, Vx, Mx, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            I2(vpbroadcastmb2q, Vx, KRq, F_W1 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            UD), /* AVX512CD AVX512F */
        [0x2b] = ONLY_66(I3(vpackusdw, Vx, Hx, Wx, F_W0)), /* AVX512BW */
        [0x2c] = ONLY_66(
            BY_W(
                I3(vscalefps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vscalefpd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0x2d] = ONLY_66(
            BY_W(
                I3(vscalefss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vscalefsd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0x30] = BY_PFX(
            UD,
            I2(vpmovzxbw, Vx, Whx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovwb, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovwb, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512BW */
        [0x31] = BY_PFX(
            UD,
            I2(vpmovzxbd, Vx, Wqx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovdb, Mqx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovdb, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x32] = BY_PFX(
            UD,
            I2(vpmovzxbq, Vx, Wox, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovqb, Mox, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovqb, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x33] = BY_PFX(
            UD,
            I2(vpmovzxwd, Vx, Whx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovdw, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovdw, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x34] = BY_PFX(
            UD,
            I2(vpmovzxwq, Vx, Wqx, F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovqw, Mqx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovqw, Udq, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x35] = BY_PFX(
            UD,
            I2(vpmovzxdq, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
            BY_MOD(
                I2(vpmovqd, Mhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I2(vpmovqd, Uhx, Vx, F_W0 | F_NO_VVVV | F_EVEX_NO_B)),
            UD), /* AVX512F */
        [0x36] = ONLY_66(
            BY_W(
                NOT_128(I3(vpermd, Vx, Hx, Wx, 0)),
                NOT_128(I3(vpermq, Vx, Hx, Wx, 0)))), /* AVX512F */
        [0x37] = ONLY_66(I3(vpcmpgtq, KGq, Hx, Wx, F_W1 | F_EVEX_NO_Z)), /* AVX512F */
        [0x38] = BY_PFX(
            UD,
            I3(vpminsb, Vx, Hx, Wx, F_EVEX_NO_B),
            BY_W(
                I2(vpmovm2d, Vx, KRq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
                I2(vpmovm2q, Vx, KRq, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)),
            UD), /* AVX512BW AVX512DQ */
        [0x39] = BY_PFX(
            UD,
            BY_W(I3(vpminsd, Vx, Hx, Wx, 0), I3(vpminsq, Vx, Hx, Wx, 0)),
            BY_W(
                I2(vpmovd2m, KGq, Ux, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
                I2(vpmovq2m, KGq, Ux, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)),
            UD), /* AVX512DQ AVX512F */
        [0x3a] = BY_PFX(
            UD,
            I3(vpminuw, Vx, Hx, Wx, F_EVEX_NO_B),
            I2(vpbroadcastmw2d, Vx, KRq, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
            UD), /* AVX512BW AVX512CD */
        [0x3b] = ONLY_66(
            BY_W(I3(vpminud, Vx, Hx, Wx, 0), I3(vpminuq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x3c] = ONLY_66(I3(vpmaxsb, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x3d] = ONLY_66(
            BY_W(I3(vpmaxsd, Vx, Hx, Wx, 0), I3(vpmaxsq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x3e] = ONLY_66(I3(vpmaxuw, Vx, Hx, Wx, F_EVEX_NO_B)), /* AVX512BW */
        [0x3f] = ONLY_66(
            BY_W(I3(vpmaxud, Vx, Hx, Wx, 0), I3(vpmaxuq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x40] = ONLY_66(
            BY_W(I3(vpmulld, Vx, Hx, Wx, 0), I3(vpmullq, Vx, Hx, Wx, 0))), /* AVX512DQ AVX512F */
        [0x42] = ONLY_66(
            BY_W(
                I2(vgetexpps, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE),
                I2(vgetexppd, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE))), /* AVX512F */
        [0x43] = ONLY_66(
            BY_W(
                I3(vgetexpss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vgetexpsd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0x44] = ONLY_66(
            BY_W(I2(vplzcntd, Vx, Wx, F_NO_VVVV), I2(vplzcntq, Vx, Wx, F_NO_VVVV))), /* AVX512CD */
        [0x45] = ONLY_66(
            BY_W(I3(vpsrlvd, Vx, Hx, Wx, 0), I3(vpsrlvq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x46] = ONLY_66(
            BY_W(I3(vpsravd, Vx, Hx, Wx, 0), I3(vpsravq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x47] = ONLY_66(
            BY_W(I3(vpsllvd, Vx, Hx, Wx, 0), I3(vpsllvq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x4c] = ONLY_66(
            BY_W(I2(vrcp14ps, Vx, Wx, F_NO_VVVV), I2(vrcp14pd, Vx, Wx, F_NO_VVVV))), /* AVX512F */
        [0x4d] = ONLY_66(
            BY_W(
                I3(vrcp14ss, Vdq, Hdq, Wd, F_EVEX_NO_B),
                I3(vrcp14sd, Vdq, Hdq, Wq, F_EVEX_NO_B))), /* AVX512F */
        [0x4e] = ONLY_66(
            BY_W(
                I2(vrsqrt14ps, Vx, Wx, F_NO_VVVV),
                I2(vrsqrt14pd, Vx, Wx, F_NO_VVVV))), /* AVX512F */
        [0x4f] = ONLY_66(
            BY_W(
                I3(vrsqrt14ss, Vdq, Hdq, Wd, F_EVEX_NO_B),
                I3(vrsqrt14sd, Vdq, Hdq, Wq, F_EVEX_NO_B))), /* AVX512F */
        /* ---- 50-7F: VNNI, bit algorithms, broadcasts, expand/compress, permutes ---- */
        [0x50] = ONLY_66(I3(vpdpbusd, Vx, Hx, Wx, F_W0)), /* AVX512_VNNI */
        [0x51] = ONLY_66(I3(vpdpbusds, Vx, Hx, Wx, F_W0)), /* AVX512_VNNI */
        [0x52] = BY_PFX(
            UD,
            I3(vpdpwssd, Vx, Hx, Wx, F_W0),
            I3(vdpbf16ps, Vx, Hx, Wx, F_W0),
            ONLY_512(
                I3(vp4dpwssd, Vx, Hx, Mdq, F_W0 | F_EVEX_NO_B))), /* AVX512_4VNNIW AVX512_BF16 AVX512_VNNI */
        [0x53] = BY_PFX(
            UD,
            I3(vpdpwssds, Vx, Hx, Wx, F_W0),
            UD,
            ONLY_512(
                I3(vp4dpwssds, Vx, Hx, Mdq, F_W0 | F_EVEX_NO_B))), /* AVX512_4VNNIW AVX512_VNNI */
        [0x54] = ONLY_66(
            BY_W(
                I2(vpopcntb, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B),
                I2(vpopcntw, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B))), /* AVX512_BITALG */
        [0x55] = ONLY_66(
            BY_W(
                I2(vpopcntd, Vx, Wx, F_NO_VVVV),
                I2(vpopcntq, Vx, Wx, F_NO_VVVV))), /* AVX512_VPOPCNTDQ */
        [0x58] = ONLY_66(I2(vpbroadcastd, Vx, Wd, F_W0 | F_NO_VVVV | F_EVEX_NO_B)), /* AVX512F */
        [0x59] = ONLY_66(
            BY_W(
                I2(vbroadcasti32x2, Vx, Wq, F_NO_VVVV | F_EVEX_NO_B),
                I2(vpbroadcastq, Vx, Wq, F_NO_VVVV | F_EVEX_NO_B))), /* AVX512DQ AVX512F */
        [0x5a] = ONLY_66(
            BY_W(
                NOT_128(I2(vbroadcasti32x4, Vx, Mdq, F_NO_VVVV | F_EVEX_NO_B)),
                NOT_128(
                    I2(vbroadcasti64x2, Vx, Mdq, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x5b] = ONLY_66(
            BY_W(
                ONLY_512(I2(vbroadcasti32x8, Vx, Mqq, F_NO_VVVV | F_EVEX_NO_B)),
                ONLY_512(
                    I2(vbroadcasti64x4, Vx, Mqq, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x62] = ONLY_66(
            BY_W(
                I2E(vpexpandb, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B, T1S(1)),
                I2E(vpexpandw, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B, T1S(2)))), /* AVX512_VBMI2 */
        [0x63] = ONLY_66(
            BY_MOD(
                BY_W(
                    I2E(vpcompressb, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B, T1S(1)),
                    I2E(vpcompressw, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B, T1S(2))),
                BY_W(
                    I2(vpcompressb, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B),
                    I2(vpcompressw, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512_VBMI2 */
        [0x64] = ONLY_66(
            BY_W(I3(vpblendmd, Vx, Hx, Wx, 0), I3(vpblendmq, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x65] = ONLY_66(
            BY_W(I3(vblendmps, Vx, Hx, Wx, 0), I3(vblendmpd, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x66] = ONLY_66(
            BY_W(
                I3(vpblendmb, Vx, Hx, Wx, F_EVEX_NO_B),
                I3(vpblendmw, Vx, Hx, Wx, F_EVEX_NO_B))), /* AVX512BW */
        [0x68] = ONLY_F2(
            BY_W(
                I3(vp2intersectd, KGq, Hx, Wx, F_EVEX_NO_K),
                I3(vp2intersectq, KGq, Hx, Wx, F_EVEX_NO_K))), /* AVX512_VP2INTERSECT */
        [0x70] = ONLY_66(I3(vpshldvw, Vx, Hx, Wx, F_W1 | F_EVEX_NO_B)), /* AVX512_VBMI2 */
        [0x71] = ONLY_66(
            BY_W(I3(vpshldvd, Vx, Hx, Wx, 0), I3(vpshldvq, Vx, Hx, Wx, 0))), /* AVX512_VBMI2 */
        [0x72] = BY_PFX(
            UD,
            I3(vpshrdvw, Vx, Hx, Wx, F_W1 | F_EVEX_NO_B),
            I2(vcvtneps2bf16, Vhx, Wx, F_W0 | F_NO_VVVV),
            I3(vcvtne2ps2bf16, Vx, Hx, Wx, F_W0)), /* AVX512_BF16 AVX512_VBMI2 */
        [0x73] = ONLY_66(
            BY_W(I3(vpshrdvd, Vx, Hx, Wx, 0), I3(vpshrdvq, Vx, Hx, Wx, 0))), /* AVX512_VBMI2 */
        [0x75] = ONLY_66(
            BY_W(
                I3(vpermi2b, Vx, Hx, Wx, F_EVEX_NO_B),
                I3(vpermi2w, Vx, Hx, Wx, F_EVEX_NO_B))), /* AVX512BW AVX512_VBMI */
        [0x76] = ONLY_66(
            BY_W(I3(vpermi2d, Vx, Hx, Wx, 0), I3(vpermi2q, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x77] = ONLY_66(
            BY_W(I3(vpermi2ps, Vx, Hx, Wx, 0), I3(vpermi2pd, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x78] = ONLY_66(I2(vpbroadcastb, Vx, Wb, F_W0 | F_NO_VVVV | F_EVEX_NO_B)), /* AVX512BW */
        [0x79] = ONLY_66(I2(vpbroadcastw, Vx, Ww, F_W0 | F_NO_VVVV | F_EVEX_NO_B)), /* AVX512BW */
        [0x7a] = ONLY_66(I2(vpbroadcastb, Vx, Rd, F_W0 | F_NO_VVVV | F_EVEX_NO_B)), /* AVX512BW */
        [0x7b] = ONLY_66(I2(vpbroadcastw, Vx, Rd, F_W0 | F_NO_VVVV | F_EVEX_NO_B)), /* AVX512BW */
        [0x7c] = ONLY_66(
            BY_W(
                I2(vpbroadcastd, Vx, Rd, F_NO_VVVV | F_EVEX_NO_B),
                I2(vpbroadcastq, Vx, Rq, F_NO_VVVV | F_EVEX_NO_B))), /* AVX512F */
        [0x7d] = ONLY_66(
            BY_W(
                I3(vpermt2b, Vx, Hx, Wx, F_EVEX_NO_B),
                I3(vpermt2w, Vx, Hx, Wx, F_EVEX_NO_B))), /* AVX512BW AVX512_VBMI */
        [0x7e] = ONLY_66(
            BY_W(I3(vpermt2d, Vx, Hx, Wx, 0), I3(vpermt2q, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x7f] = ONLY_66(
            BY_W(I3(vpermt2ps, Vx, Hx, Wx, 0), I3(vpermt2pd, Vx, Hx, Wx, 0))), /* AVX512F */
        [0x83] = ONLY_66(I3(vpmultishiftqb, Vx, Hx, Wx, F_W1)), /* AVX512_VBMI */
        /* ---- 88-A3: expand/compress, gathers, scatters, FMA (132) ---- */
        [0x88] = ONLY_66(
            BY_W(
                I2E(vexpandps, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B, T1S(4)),
                I2E(vexpandpd, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B, T1S(8)))), /* AVX512F */
        [0x89] = ONLY_66(
            BY_W(
                I2E(vpexpandd, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B, T1S(4)),
                I2E(vpexpandq, Vx, Wx, F_NO_VVVV | F_EVEX_NO_B, T1S(8)))), /* AVX512F */
        [0x8a] = ONLY_66(
            BY_MOD(
                BY_W(
                    I2E(vcompressps, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B, T1S(4)),
                    I2E(vcompresspd, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B, T1S(8))),
                BY_W(
                    I2(vcompressps, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B),
                    I2(vcompresspd, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512F */
        [0x8b] = ONLY_66(
            BY_MOD(
                BY_W(
                    I2E(vpcompressd, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B, T1S(4)),
                    I2E(vpcompressq, Mx, Vx, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B, T1S(8))),
                BY_W(
                    I2(vpcompressd, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B),
                    I2(vpcompressq, Ux, Vx, F_NO_VVVV | F_EVEX_NO_B)))), /* AVX512F */
        [0x8d] = ONLY_66(
            BY_W(
                I3(vpermb, Vx, Hx, Wx, F_EVEX_NO_B),
                I3(vpermw, Vx, Hx, Wx, F_EVEX_NO_B))), /* AVX512BW AVX512_VBMI */
        [0x8f] = ONLY_66(
            I3(vpshufbitqmb, KGq, Hx, Wx, F_W0 | F_EVEX_NO_Z | F_EVEX_NO_B)), /* AVX512_BITALG */
        [0x90] = ONLY_66(
            BY_W(
                I2(vpgatherdd, Vx, Md, EVEX_VSIB),
                I2(vpgatherdq, Vx, Mq, EVEX_VSIB))), /* AVX512F */
        [0x91] = ONLY_66(
            BY_W(
                I2(vpgatherqd, Vhx, Md, EVEX_VSIB),
                I2(vpgatherqq, Vx, Mq, EVEX_VSIB))), /* AVX512F */
        [0x92] = ONLY_66(
            BY_W(
                I2(vgatherdps, Vx, Md, EVEX_VSIB),
                I2(vgatherdpd, Vx, Mq, EVEX_VSIB))), /* AVX512F */
        [0x93] = ONLY_66(
            BY_W(
                I2(vgatherqps, Vhx, Md, EVEX_VSIB),
                I2(vgatherqpd, Vx, Mq, EVEX_VSIB))), /* AVX512F */
        [0x96] = ONLY_66(
            BY_W(
                I3(vfmaddsub132ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmaddsub132pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0x97] = ONLY_66(
            BY_W(
                I3(vfmsubadd132ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmsubadd132pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0x98] = ONLY_66(
            BY_W(
                I3(vfmadd132ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmadd132pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0x99] = ONLY_66(
            BY_W(
                I3(vfmadd132ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfmadd132sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0x9a] = BY_PFX(
            UD,
            BY_W(
                I3(vfmsub132ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmsub132pd, Vx, Hx, Wx, F_EVEX_ER_SAE)),
            UD,
            ONLY_512(I3(v4fmaddps, Vx, Hx, Mdq, F_W0 | F_EVEX_NO_B))), /* AVX512F AVX512_4FMAPS */
        [0x9b] = BY_PFX(
            UD,
            BY_W(
                I3(vfmsub132ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfmsub132sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE)),
            UD,
            I3(v4fmaddss, Vdq, Hdq, Mdq, F_W0 | F_EVEX_NO_B)), /* AVX512F AVX512_4FMAPS */
        [0x9c] = ONLY_66(
            BY_W(
                I3(vfnmadd132ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfnmadd132pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0x9d] = ONLY_66(
            BY_W(
                I3(vfnmadd132ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfnmadd132sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0x9e] = ONLY_66(
            BY_W(
                I3(vfnmsub132ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfnmsub132pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0x9f] = ONLY_66(
            BY_W(
                I3(vfnmsub132ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfnmsub132sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xa0] = ONLY_66(
            BY_W(
                I2(vpscatterdd, Md, Vx, EVEX_VSIB),
                I2(vpscatterdq, Mq, Vx, EVEX_VSIB))), /* AVX512F */
        [0xa1] = ONLY_66(
            BY_W(
                I2(vpscatterqd, Md, Vhx, EVEX_VSIB),
                I2(vpscatterqq, Mq, Vx, EVEX_VSIB))), /* AVX512F */
        [0xa2] = ONLY_66(
            BY_W(
                I2(vscatterdps, Md, Vx, EVEX_VSIB),
                I2(vscatterdpd, Mq, Vx, EVEX_VSIB))), /* AVX512F */
        [0xa3] = ONLY_66(
            BY_W(
                I2(vscatterqps, Md, Vhx, EVEX_VSIB),
                I2(vscatterqpd, Mq, Vx, EVEX_VSIB))), /* AVX512F */
        /* ---- A6-CF: FMA (213, 231), 4FMAPS, IFMA, ER, PF, GFNI ---- */
        [0xa6] = ONLY_66(
            BY_W(
                I3(vfmaddsub213ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmaddsub213pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xa7] = ONLY_66(
            BY_W(
                I3(vfmsubadd213ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmsubadd213pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xa8] = ONLY_66(
            BY_W(
                I3(vfmadd213ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmadd213pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xa9] = ONLY_66(
            BY_W(
                I3(vfmadd213ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfmadd213sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xaa] = BY_PFX(
            UD,
            BY_W(
                I3(vfmsub213ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmsub213pd, Vx, Hx, Wx, F_EVEX_ER_SAE)),
            UD,
            ONLY_512(I3(v4fnmaddps, Vx, Hx, Mdq, F_W0 | F_EVEX_NO_B))), /* AVX512F AVX512_4FMAPS */
        [0xab] = BY_PFX(
            UD,
            BY_W(
                I3(vfmsub213ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfmsub213sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE)),
            UD,
            I3(v4fnmaddss, Vdq, Hdq, Mdq, F_W0 | F_EVEX_NO_B)), /* AVX512F AVX512_4FMAPS */
        [0xac] = ONLY_66(
            BY_W(
                I3(vfnmadd213ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfnmadd213pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xad] = ONLY_66(
            BY_W(
                I3(vfnmadd213ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfnmadd213sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xae] = ONLY_66(
            BY_W(
                I3(vfnmsub213ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfnmsub213pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xaf] = ONLY_66(
            BY_W(
                I3(vfnmsub213ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfnmsub213sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xb4] = ONLY_66(I3(vpmadd52luq, Vx, Hx, Wx, F_W1)), /* AVX512_IFMA */
        [0xb5] = ONLY_66(I3(vpmadd52huq, Vx, Hx, Wx, F_W1)), /* AVX512_IFMA */
        [0xb6] = ONLY_66(
            BY_W(
                I3(vfmaddsub231ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmaddsub231pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xb7] = ONLY_66(
            BY_W(
                I3(vfmsubadd231ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmsubadd231pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xb8] = ONLY_66(
            BY_W(
                I3(vfmadd231ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmadd231pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xb9] = ONLY_66(
            BY_W(
                I3(vfmadd231ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfmadd231sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xba] = ONLY_66(
            BY_W(
                I3(vfmsub231ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfmsub231pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xbb] = ONLY_66(
            BY_W(
                I3(vfmsub231ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfmsub231sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xbc] = ONLY_66(
            BY_W(
                I3(vfnmadd231ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfnmadd231pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xbd] = ONLY_66(
            BY_W(
                I3(vfnmadd231ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfnmadd231sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xbe] = ONLY_66(
            BY_W(
                I3(vfnmsub231ps, Vx, Hx, Wx, F_EVEX_ER_SAE),
                I3(vfnmsub231pd, Vx, Hx, Wx, F_EVEX_ER_SAE))), /* AVX512F */
        [0xbf] = ONLY_66(
            BY_W(
                I3(vfnmsub231ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vfnmsub231sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0xc4] = ONLY_66(
            BY_W(
                I2(vpconflictd, Vx, Wx, F_NO_VVVV),
                I2(vpconflictq, Vx, Wx, F_NO_VVVV))), /* AVX512CD */
        [0xc6] = ONLY_66(
            BY_MOD(
                BY_REG(
                    UD,
                    BY_W(
                        ONLY_512(I1(vgatherpf0dps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vgatherpf0dpd, Mq, EVEX_VSIB))),
                    BY_W(
                        ONLY_512(I1(vgatherpf1dps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vgatherpf1dpd, Mq, EVEX_VSIB))),
                    UD, UD,
                    BY_W(
                        ONLY_512(I1(vscatterpf0dps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vscatterpf0dpd, Mq, EVEX_VSIB))),
                    BY_W(
                        ONLY_512(I1(vscatterpf1dps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vscatterpf1dpd, Mq, EVEX_VSIB))),
                    UD),
                UD)), /* AVX512PF */
        [0xc7] = ONLY_66(
            BY_MOD(
                BY_REG(
                    UD,
                    BY_W(
                        ONLY_512(I1(vgatherpf0qps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vgatherpf0qpd, Mq, EVEX_VSIB))),
                    BY_W(
                        ONLY_512(I1(vgatherpf1qps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vgatherpf1qpd, Mq, EVEX_VSIB))),
                    UD, UD,
                    BY_W(
                        ONLY_512(I1(vscatterpf0qps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vscatterpf0qpd, Mq, EVEX_VSIB))),
                    BY_W(
                        ONLY_512(I1(vscatterpf1qps, Md, EVEX_VSIB)),
                        ONLY_512(I1(vscatterpf1qpd, Mq, EVEX_VSIB))),
                    UD),
                UD)), /* AVX512PF */
        [0xc8] = ONLY_66(
            BY_W(
                ONLY_512(I2(vexp2ps, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
                ONLY_512(I2(vexp2pd, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)))), /* AVX512ER */
        [0xca] = ONLY_66(
            BY_W(
                ONLY_512(I2(vrcp28ps, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
                ONLY_512(I2(vrcp28pd, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)))), /* AVX512ER */
        [0xcb] = ONLY_66(
            BY_W(
                I3(vrcp28ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vrcp28sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512ER */
        [0xcc] = ONLY_66(
            BY_W(
                ONLY_512(I2(vrsqrt28ps, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)),
                ONLY_512(I2(vrsqrt28pd, Vx, Wx, F_NO_VVVV | F_EVEX_ER_SAE)))), /* AVX512ER */
        [0xcd] = ONLY_66(
            BY_W(
                I3(vrsqrt28ss, Vdq, Hdq, Wd, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vrsqrt28sd, Vdq, Hdq, Wq, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512ER */
        [0xcf] = ONLY_66(I3(vgf2p8mulb, Vx, Hx, Wx, F_W0 | F_EVEX_NO_B)), /* AVX512_GFNI */
        /* AVX512_VAES */
        /* ---- DC-DF: VAES ---- */
        [0xdc] = ONLY_66(I3(vaesenc, Vx, Hx, Wx, F_EVEX_NO_K | F_EVEX_NO_B)),
        [0xdd] = ONLY_66(I3(vaesenclast, Vx, Hx, Wx, F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512_VAES */
        [0xde] = ONLY_66(I3(vaesdec, Vx, Hx, Wx, F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512_VAES */
        [0xdf] = ONLY_66(I3(vaesdeclast, Vx, Hx, Wx, F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512_VAES */
    },
    /* ===== EVEX map 3 (0F 3A) ===== */
    [2] = {
        /* AVX512F */
        /* ---- 00-7F: permutes, rounds, inserts/extracts, ternary logic, ranges, classes ---- */
        [0x00] = ONLY_66(NOT_128(I3(vpermq, Vx, Wx, Ib, F_W1 | F_NO_VVVV))),
        [0x01] = ONLY_66(NOT_128(I3(vpermpd, Vx, Wx, Ib, F_W1 | F_NO_VVVV))), /* AVX512F */
        [0x03] = ONLY_66(
            BY_W(I4(valignd, Vx, Hx, Wx, Ib, 0), I4(valignq, Vx, Hx, Wx, Ib, 0))), /* AVX512F */
        [0x04] = ONLY_66(I3(vpermilps, Vx, Wx, Ib, F_W0 | F_NO_VVVV)), /* AVX512F */
        [0x05] = ONLY_66(I3(vpermilpd, Vx, Wx, Ib, F_W1 | F_NO_VVVV)), /* AVX512F */
        [0x08] = BY_PFX(
            I3E(vrndscaleph, Vx, Wx, Ib, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(2)),
            I3(vrndscaleps, Vx, Wx, Ib, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            UD, UD), /* AVX512F AVX512_FP16 */
        [0x09] = ONLY_66(
            I3(vrndscalepd, Vx, Wx, Ib, F_W1 | F_NO_VVVV | F_EVEX_ER_SAE)), /* AVX512F */
        [0x0a] = BY_PFX(
            I4(vrndscalesh, Vdq, Hdq, Ww, Ib, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I4(vrndscaless, Vdq, Hdq, Wd, Ib, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD, UD), /* AVX512F AVX512_FP16 */
        [0x0b] = ONLY_66(
            I4(vrndscalesd, Vdq, Hdq, Wq, Ib, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512F */
        [0x0f] = ONLY_66(I4(vpalignr, Vx, Hx, Wx, Ib, F_EVEX_NO_B)), /* AVX512BW */
        [0x14] = ONLY_66(
            I3(vpextrb, Eb, Vdq, Ib, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512BW */
        [0x15] = ONLY_66(
            I3(vpextrw, Ew, Vdq, Ib, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512BW */
        [0x16] = ONLY_66(
            BY_W(
                I3(vpextrd, Ed, Vdq, Ib, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B),
                BY_MODE(
                    I3(vpextrd, Ed, Vdq, Ib, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B), /* W is ignored outside 64-bit mode */
                    I3(vpextrq, Eq, Vdq, Ib, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)))), /* AVX512DQ */
        [0x17] = ONLY_66(
            I3(vextractps, Ed, Vdq, Ib, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512F */
        [0x18] = ONLY_66(
            BY_W(
                NOT_128(I4(vinsertf32x4, Vx, Hx, Wdq, Ib, F_EVEX_NO_B)),
                NOT_128(I4(vinsertf64x2, Vx, Hx, Wdq, Ib, F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x19] = ONLY_66(
            BY_MOD(
                BY_W(
                    NOT_128(I3(vextractf32x4, Mdq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
                    NOT_128(I3(vextractf64x2, Mdq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B))),
                BY_W(
                    NOT_128(I3(vextractf32x4, Udq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B)),
                    NOT_128(
                        I3(vextractf64x2, Udq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B))))), /* AVX512DQ AVX512F */
        [0x1a] = ONLY_66(
            BY_W(
                ONLY_512(I4(vinsertf32x8, Vx, Hx, Wqq, Ib, F_EVEX_NO_B)),
                ONLY_512(I4(vinsertf64x4, Vx, Hx, Wqq, Ib, F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x1b] = ONLY_66(
            BY_MOD(
                BY_W(
                    ONLY_512(I3(vextractf32x8, Mqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
                    ONLY_512(
                        I3(vextractf64x4, Mqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B))),
                BY_W(
                    ONLY_512(I3(vextractf32x8, Uqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B)),
                    ONLY_512(
                        I3(vextractf64x4, Uqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B))))), /* AVX512DQ AVX512F */
        [0x1d] = ONLY_66(
            BY_MOD(
                I3(vcvtps2ph, Mhx, Vx, Ib, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I3(vcvtps2ph, Uhx, Vx, Ib, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE))), /* AVX512F */
        [0x1e] = ONLY_66(
            BY_W(
                I4(vpcmpud, KGq, Hx, Wx, Ib, F_EVEX_NO_Z),
                I4(vpcmpuq, KGq, Hx, Wx, Ib, F_EVEX_NO_Z))), /* AVX512F */
        [0x1f] = ONLY_66(
            BY_W(
                I4(vpcmpd, KGq, Hx, Wx, Ib, F_EVEX_NO_Z),
                I4(vpcmpq, KGq, Hx, Wx, Ib, F_EVEX_NO_Z))), /* AVX512F */
        [0x20] = ONLY_66(
            I4(vpinsrb, Vdq, Hdq, Eb, Ib, F_L0 | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512BW */
        [0x21] = ONLY_66(
            I4(vinsertps, Vdq, Hdq, Wd, Ib, F_W0 | F_L0 | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512F */
        [0x22] = ONLY_66(
            BY_W(
                I4(vpinsrd, Vdq, Hdq, Ed, Ib, F_L0 | F_EVEX_NO_K | F_EVEX_NO_B),
                BY_MODE(
                    I4(vpinsrd, Vdq, Hdq, Ed, Ib, F_L0 | F_EVEX_NO_K | F_EVEX_NO_B), /* W is ignored outside 64-bit mode */
                    I4(vpinsrq, Vdq, Hdq, Eq, Ib, F_L0 | F_EVEX_NO_K | F_EVEX_NO_B)))), /* AVX512DQ */
        [0x23] = ONLY_66(
            BY_W(
                NOT_128(I4(vshuff32x4, Vx, Hx, Wx, Ib, 0)),
                NOT_128(I4(vshuff64x2, Vx, Hx, Wx, Ib, 0)))), /* AVX512F */
        [0x25] = ONLY_66(
            BY_W(
                I4(vpternlogd, Vx, Hx, Wx, Ib, 0),
                I4(vpternlogq, Vx, Hx, Wx, Ib, 0))), /* AVX512F */
        [0x26] = BY_PFX(
            I3E(vgetmantph, Vx, Wx, Ib, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(2)),
            BY_W(
                I3(vgetmantps, Vx, Wx, Ib, F_NO_VVVV | F_EVEX_ER_SAE),
                I3(vgetmantpd, Vx, Wx, Ib, F_NO_VVVV | F_EVEX_ER_SAE)),
            UD, UD), /* AVX512F AVX512_FP16 */
        [0x27] = BY_PFX(
            I4(vgetmantsh, Vdq, Hdq, Ww, Ib, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            BY_W(
                I4(vgetmantss, Vdq, Hdq, Wd, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I4(vgetmantsd, Vdq, Hdq, Wq, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE)),
            UD, UD), /* AVX512F AVX512_FP16 */
        [0x38] = ONLY_66(
            BY_W(
                NOT_128(I4(vinserti32x4, Vx, Hx, Wdq, Ib, F_EVEX_NO_B)),
                NOT_128(I4(vinserti64x2, Vx, Hx, Wdq, Ib, F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x39] = ONLY_66(
            BY_MOD(
                BY_W(
                    NOT_128(I3(vextracti32x4, Mdq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
                    NOT_128(I3(vextracti64x2, Mdq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B))),
                BY_W(
                    NOT_128(I3(vextracti32x4, Udq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B)),
                    NOT_128(
                        I3(vextracti64x2, Udq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B))))), /* AVX512DQ AVX512F */
        [0x3a] = ONLY_66(
            BY_W(
                ONLY_512(I4(vinserti32x8, Vx, Hx, Wqq, Ib, F_EVEX_NO_B)),
                ONLY_512(I4(vinserti64x4, Vx, Hx, Wqq, Ib, F_EVEX_NO_B)))), /* AVX512DQ AVX512F */
        [0x3b] = ONLY_66(
            BY_MOD(
                BY_W(
                    ONLY_512(I3(vextracti32x8, Mqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
                    ONLY_512(
                        I3(vextracti64x4, Mqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B))),
                BY_W(
                    ONLY_512(I3(vextracti32x8, Uqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B)),
                    ONLY_512(
                        I3(vextracti64x4, Uqq, Vx, Ib, F_NO_VVVV | F_EVEX_NO_B))))), /* AVX512DQ AVX512F */
        [0x3e] = ONLY_66(
            BY_W(
                I4(vpcmpub, KGq, Hx, Wx, Ib, F_EVEX_NO_Z | F_EVEX_NO_B),
                I4(vpcmpuw, KGq, Hx, Wx, Ib, F_EVEX_NO_Z | F_EVEX_NO_B))), /* AVX512BW */
        [0x3f] = ONLY_66(
            BY_W(
                I4(vpcmpb, KGq, Hx, Wx, Ib, F_EVEX_NO_Z | F_EVEX_NO_B),
                I4(vpcmpw, KGq, Hx, Wx, Ib, F_EVEX_NO_Z | F_EVEX_NO_B))), /* AVX512BW */
        [0x42] = ONLY_66(I4(vdbpsadbw, Vx, Hx, Wx, Ib, F_W0 | F_EVEX_NO_B)), /* AVX512BW */
        [0x43] = ONLY_66(
            BY_W(
                NOT_128(I4(vshufi32x4, Vx, Hx, Wx, Ib, 0)),
                NOT_128(I4(vshufi64x2, Vx, Hx, Wx, Ib, 0)))), /* AVX512F */
        [0x44] = ONLY_66(
            I4(vpclmulqdq, Vx, Hx, Wx, Ib, F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512_VPCLMULQDQ */
        [0x50] = ONLY_66(
            BY_W(
                I4(vrangeps, Vx, Hx, Wx, Ib, F_EVEX_ER_SAE),
                I4(vrangepd, Vx, Hx, Wx, Ib, F_EVEX_ER_SAE))), /* AVX512DQ */
        [0x51] = ONLY_66(
            BY_W(
                I4(vrangess, Vdq, Hdq, Wd, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I4(vrangesd, Vdq, Hdq, Wq, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512DQ */
        [0x54] = ONLY_66(
            BY_W(
                I4(vfixupimmps, Vx, Hx, Wx, Ib, F_EVEX_ER_SAE),
                I4(vfixupimmpd, Vx, Hx, Wx, Ib, F_EVEX_ER_SAE))), /* AVX512F */
        [0x55] = ONLY_66(
            BY_W(
                I4(vfixupimmss, Vdq, Hdq, Wd, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I4(vfixupimmsd, Vdq, Hdq, Wq, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512F */
        [0x56] = BY_PFX(
            I3E(vreduceph, Vx, Wx, Ib, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(2)),
            BY_W(
                I3(vreduceps, Vx, Wx, Ib, F_NO_VVVV | F_EVEX_ER_SAE),
                I3(vreducepd, Vx, Wx, Ib, F_NO_VVVV | F_EVEX_ER_SAE)),
            UD, UD), /* AVX512DQ AVX512_FP16 */
        [0x57] = BY_PFX(
            I4(vreducesh, Vdq, Hdq, Ww, Ib, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            BY_W(
                I4(vreducess, Vdq, Hdq, Wd, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE),
                I4(vreducesd, Vdq, Hdq, Wq, Ib, F_EVEX_NO_B | F_EVEX_ER_SAE)),
            UD, UD), /* AVX512DQ AVX512_FP16 */
        [0x66] = BY_PFX(
            I3E(vfpclassph, KGq, Wx, Ib, F_W0 | F_NO_VVVV | F_EVEX_NO_Z, EVEX_ELEMENT(2)),
            BY_W(
                I3(vfpclassps, KGq, Wx, Ib, F_NO_VVVV | F_EVEX_NO_Z),
                I3(vfpclasspd, KGq, Wx, Ib, F_NO_VVVV | F_EVEX_NO_Z)),
            UD, UD), /* AVX512DQ AVX512_FP16 */
        [0x67] = BY_PFX(
            I3(vfpclasssh, KGq, Ww, Ib, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
            BY_W(
                I3(vfpclassss, KGq, Wd, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I3(vfpclasssd, KGq, Wq, Ib, F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B)),
            UD, UD), /* AVX512DQ AVX512_FP16 */
        [0x70] = ONLY_66(I4(vpshldw, Vx, Hx, Wx, Ib, F_W1 | F_EVEX_NO_B)), /* AVX512_VBMI2 */
        [0x71] = ONLY_66(
            BY_W(
                I4(vpshldd, Vx, Hx, Wx, Ib, 0),
                I4(vpshldq, Vx, Hx, Wx, Ib, 0))), /* AVX512_VBMI2 */
        [0x72] = ONLY_66(I4(vpshrdw, Vx, Hx, Wx, Ib, F_W1 | F_EVEX_NO_B)), /* AVX512_VBMI2 */
        [0x73] = ONLY_66(
            BY_W(
                I4(vpshrdd, Vx, Hx, Wx, Ib, 0),
                I4(vpshrdq, Vx, Hx, Wx, Ib, 0))), /* AVX512_VBMI2 */
        [0xc2] = BY_PFX(
            I4E(vcmpph, KGq, Hx, Wx, Ib, F_W0 | F_EVEX_NO_Z | F_EVEX_ER_SAE, EVEX_ELEMENT(2)),
            UD,
            I4(vcmpsh, KGq, Hdq, Ww, Ib, F_W0 | F_EVEX_NO_Z | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        /* ---- CE-DF: GFNI, VAES ---- */
        [0xce] = ONLY_66(I4(vgf2p8affineqb, Vx, Hx, Wx, Ib, F_W1)), /* AVX512_GFNI */
        [0xcf] = ONLY_66(I4(vgf2p8affineinvqb, Vx, Hx, Wx, Ib, F_W1)), /* AVX512_GFNI */
    },
    /* ===== EVEX map 5 (FP16) ===== */
    [3] = {
        /* ---- AVX512-FP16 map 5: half-precision arithmetic, conversions, moves ---- */
        [0x10] = ONLY_F3(
            BY_MOD(
                I2(vmovsh, Vdq, Mw, F_W0 | F_NO_VVVV | F_EVEX_NO_B),
                I3(vmovsh, Vdq, Hdq, Udq, F_W0 | F_EVEX_NO_B))), /* AVX512_FP16 */
        [0x11] = ONLY_F3(
            BY_MOD(
                I2(vmovsh, Mw, Vdq, F_W0 | F_NO_VVVV | F_EVEX_NO_Z | F_EVEX_NO_B),
                I3(vmovsh, Udq, Hdq, Vdq, F_W0 | F_EVEX_NO_B))), /* AVX512_FP16 */
        [0x1d] = BY_PFX(
            I3(vcvtss2sh, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I2E(vcvtps2phx, Vhx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(4)),
            UD, UD), /* AVX512_FP16 */
        [0x2a] = ONLY_F3(
            BY_W(
                I3(vcvtsi2sh, Vdq, Hdq, Ed, F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vcvtsi2sh, Vdq, Hdq, Eq, F_ONLY64 | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512_FP16 */
        [0x2c] = ONLY_F3(
            BY_W(
                I2(vcvttsh2si, Gd, Ww, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
                I2(vcvttsh2si, Gq, Ww, F_ONLY64 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512_FP16 */
        [0x2d] = ONLY_F3(
            BY_W(
                I2(vcvtsh2si, Gd, Ww, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
                I2(vcvtsh2si, Gq, Ww, F_ONLY64 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE))), /* AVX512_FP16 */
        [0x2e] = ONLY_NP(
            I2(vucomish, Vdq, Ww, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE | F_FLAGS_ONLY)), /* AVX512_FP16 */
        [0x2f] = ONLY_NP(
            I2(vcomish, Vdq, Ww, F_W0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE | F_FLAGS_ONLY)), /* AVX512_FP16 */
        [0x51] = BY_PFX(
            I2(vsqrtph, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            UD,
            I3(vsqrtsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x58] = BY_PFX(
            I3(vaddph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            UD,
            I3(vaddsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x59] = BY_PFX(
            I3(vmulph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            UD,
            I3(vmulsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x5a] = BY_PFX(
            I2(vcvtph2pd, Vx, Wqx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2E(vcvtpd2ph, Vdq, Wx, F_W1 | F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(8)),
            I3(vcvtsh2sd, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I3(vcvtsd2sh, Vdq, Hdq, Wq, F_W1 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x5b] = BY_PFX(
            BY_W(
                I2E(vcvtdq2ph, Vhx, Wx, F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(4)),
                I2E(vcvtqq2ph, Vdq, Wx, F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(8))),
            I2(vcvtph2dq, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvttph2dq, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x5c] = BY_PFX(
            I3(vsubph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            UD,
            I3(vsubsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x5d] = BY_PFX(
            I3(vminph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            UD,
            I3(vminsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x5e] = BY_PFX(
            I3(vdivph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            UD,
            I3(vdivsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x5f] = BY_PFX(
            I3(vmaxph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE),
            UD,
            I3(vmaxsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            UD), /* AVX512_FP16 */
        [0x6e] = ONLY_66(
            I2(vmovw, Vdq, Ew, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512_FP16 */
        [0x78] = BY_PFX(
            I2(vcvttph2udq, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvttph2uqq, Vx, Wqx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            BY_W(
                I2(vcvttsh2usi, Gd, Ww, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
                I2(vcvttsh2usi, Gq, Ww, F_ONLY64 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)),
            UD), /* AVX512_FP16 */
        [0x79] = BY_PFX(
            I2(vcvtph2udq, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvtph2uqq, Vx, Wqx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            BY_W(
                I2(vcvtsh2usi, Gd, Ww, F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
                I2(vcvtsh2usi, Gq, Ww, F_ONLY64 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)),
            UD), /* AVX512_FP16 */
        [0x7a] = BY_PFX(
            UD,
            I2(vcvttph2qq, Vx, Wqx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            UD,
            BY_W(
                I2E(vcvtudq2ph, Vhx, Wx, F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(4)),
                I2E(vcvtuqq2ph, Vdq, Wx, F_NO_VVVV | F_EVEX_ER_SAE, EVEX_ELEMENT(8)))), /* AVX512_FP16 */
        [0x7b] = BY_PFX(
            UD,
            I2(vcvtph2qq, Vx, Wqx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            BY_W(
                I3(vcvtusi2sh, Vdq, Hdq, Ed, F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE),
                I3(vcvtusi2sh, Vdq, Hdq, Eq, F_ONLY64 | F_EVEX_NO_K | F_EVEX_NO_B | F_EVEX_ER_SAE)),
            UD), /* AVX512_FP16 */
        [0x7c] = BY_PFX(
            I2(vcvttph2uw, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvttph2w, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            UD, UD), /* AVX512_FP16 */
        [0x7d] = BY_PFX(
            I2(vcvtph2uw, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvtph2w, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvtw2ph, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            I2(vcvtuw2ph, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x7e] = ONLY_66(
            I2(vmovw, Ew, Vdq, F_L0 | F_NO_VVVV | F_EVEX_NO_K | F_EVEX_NO_B)), /* AVX512_FP16 */
    },
    /* ===== EVEX map 6 (FP16) ===== */
    [4] = {
        /* ---- AVX512-FP16 map 6: FMA, scale/getexp, complex multiplies ---- */
        [0x13] = BY_PFX(
            I3(vcvtsh2ss, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE),
            I2(vcvtph2psx, Vx, Whx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE),
            UD, UD), /* AVX512_FP16 */
        [0x2c] = ONLY_66(I3(vscalefph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x2d] = ONLY_66(
            I3(vscalefsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x42] = ONLY_66(I2(vgetexpph, Vx, Wx, F_W0 | F_NO_VVVV | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x43] = ONLY_66(
            I3(vgetexpsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x4c] = ONLY_66(I2(vrcpph, Vx, Wx, F_W0 | F_NO_VVVV)), /* AVX512_FP16 */
        [0x4d] = ONLY_66(I3(vrcpsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B)), /* AVX512_FP16 */
        [0x4e] = ONLY_66(I2(vrsqrtph, Vx, Wx, F_W0 | F_NO_VVVV)), /* AVX512_FP16 */
        [0x4f] = ONLY_66(I3(vrsqrtsh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B)), /* AVX512_FP16 */
        [0x56] = BY_PFX(
            UD, UD,
            I3E(vfmaddcph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE | F_DEST_DISTINCT, EVEX_ELEMENT(4)),
            I3E(vfcmaddcph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE | F_DEST_DISTINCT, EVEX_ELEMENT(4))), /* AVX512_FP16 */
        [0x57] = BY_PFX(
            UD, UD,
            I3(vfmaddcsh, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE | F_DEST_DISTINCT),
            I3(vfcmaddcsh, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE | F_DEST_DISTINCT)), /* AVX512_FP16 */
        [0x96] = ONLY_66(I3(vfmaddsub132ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x97] = ONLY_66(I3(vfmsubadd132ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x98] = ONLY_66(I3(vfmadd132ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x99] = ONLY_66(
            I3(vfmadd132sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x9a] = ONLY_66(I3(vfmsub132ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x9b] = ONLY_66(
            I3(vfmsub132sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x9c] = ONLY_66(I3(vfnmadd132ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x9d] = ONLY_66(
            I3(vfnmadd132sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x9e] = ONLY_66(I3(vfnmsub132ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0x9f] = ONLY_66(
            I3(vfnmsub132sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xa6] = ONLY_66(I3(vfmaddsub213ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xa7] = ONLY_66(I3(vfmsubadd213ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xa8] = ONLY_66(I3(vfmadd213ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xa9] = ONLY_66(
            I3(vfmadd213sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xaa] = ONLY_66(I3(vfmsub213ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xab] = ONLY_66(
            I3(vfmsub213sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xac] = ONLY_66(I3(vfnmadd213ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xad] = ONLY_66(
            I3(vfnmadd213sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xae] = ONLY_66(I3(vfnmsub213ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xaf] = ONLY_66(
            I3(vfnmsub213sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xb6] = ONLY_66(I3(vfmaddsub231ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xb7] = ONLY_66(I3(vfmsubadd231ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xb8] = ONLY_66(I3(vfmadd231ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xb9] = ONLY_66(
            I3(vfmadd231sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xba] = ONLY_66(I3(vfmsub231ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xbb] = ONLY_66(
            I3(vfmsub231sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xbc] = ONLY_66(I3(vfnmadd231ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xbd] = ONLY_66(
            I3(vfnmadd231sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xbe] = ONLY_66(I3(vfnmsub231ph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xbf] = ONLY_66(
            I3(vfnmsub231sh, Vdq, Hdq, Ww, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE)), /* AVX512_FP16 */
        [0xd6] = BY_PFX(
            UD, UD,
            I3E(vfmulcph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE | F_DEST_DISTINCT, EVEX_ELEMENT(4)),
            I3E(vfcmulcph, Vx, Hx, Wx, F_W0 | F_EVEX_ER_SAE | F_DEST_DISTINCT, EVEX_ELEMENT(4))), /* AVX512_FP16 */
        [0xd7] = BY_PFX(
            UD, UD,
            I3(vfmulcsh, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE | F_DEST_DISTINCT),
            I3(vfcmulcsh, Vdq, Hdq, Wd, F_W0 | F_EVEX_NO_B | F_EVEX_ER_SAE | F_DEST_DISTINCT)), /* AVX512_FP16 */
    },
};
// clang-format on
