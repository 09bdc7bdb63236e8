/* VEX opcode maps 0F, 0F38, 0F3A (AVX, AVX2, FMA, FMA4, F16C, BMI1/2, AVX-VNNI, AMX,
 * AVX-512 opmask operations, ...).
 *
 * Data only: one designated initializer per opcode, written in the SDM's opcode-map notation
 * (optab.h; operand shorthands for the SIMD forms in tables_simd.h). Valid combinations of
 * mandatory prefix, ModRM.reg/rm/mod, W and L were checked against Zydis 4.0 by enumeration
 * (docs/opcode-maps.md says how); the trailing comment of each row names its ISA sets. */
#define OPTAB_SHORTHANDS
#include "decoder.h"
#include "optab.h"
#include "tables_simd.h"

/* AMX rows: 64-bit mode only, W0, L0; the tile-multiply forms name three tile registers
 * (ModRM.reg, ModRM.rm, vvvv) and are register-only. */
#define AMX (F_ONLY64 | F_W0 | F_L0 | F_NO_VVVV)
#define AMX_TMUL (F_ONLY64 | F_W0 | F_L0 | F_REGONLY | F_MODRM)

// clang-format off
const struct optab optab_vex[3][256] = {
    /* ===== VEX map 1 (0F) ===== */
    [0] = {
        /* ---- 10-2F: AVX forms of the SSE moves, conversions, compares ---- */
        [0x10] = BY_PFX(
            I2(vmovups, Vx, Wx, F_NO_VVVV),
            I2(vmovupd, Vx, Wx, F_NO_VVVV),
            BY_MOD(I2(vmovss, Vdq, Md, F_NO_VVVV), I3(vmovss, Vdq, Hdq, Ud, 0)),
            BY_MOD(I2(vmovsd, Vdq, Mq, F_NO_VVVV), I3(vmovsd, Vdq, Hdq, Uq, 0))), /* AVX */
        [0x11] = BY_PFX(
            I2(vmovups, Wx, Vx, F_NO_VVVV),
            I2(vmovupd, Wx, Vx, F_NO_VVVV),
            BY_MOD(I2(vmovss, Md, Vd, F_NO_VVVV), I3(vmovss, Udq, Hdq, Vd, 0)),
            BY_MOD(I2(vmovsd, Mq, Vq, F_NO_VVVV), I3(vmovsd, Udq, Hdq, Vq, 0))), /* AVX */
        [0x12] = BY_PFX(
            BY_MOD(I3(vmovlps, Vdq, Hdq, Mq, F_L0), I3(vmovhlps, Vdq, Hdq, Udq, F_L0)),
            I3(vmovlpd, Vdq, Hdq, Mq, F_L0),
            I2(vmovsldup, Vx, Wx, F_NO_VVVV),
            BY_L(I2(vmovddup, Vx, Wq, F_NO_VVVV), I2(vmovddup, Vx, Wx, F_NO_VVVV))), /* AVX */
        [0x13] = BY_PFX(
            I2(vmovlps, Mq, Vq, F_L0 | F_NO_VVVV),
            I2(vmovlpd, Mq, Vq, F_L0 | F_NO_VVVV),
            UD, UD), /* AVX */
        [0x14] = BY_PFX(
            I3(vunpcklps, Vx, Hx, Wx, 0),
            I3(vunpcklpd, Vx, Hx, Wx, 0),
            UD, UD), /* AVX */
        [0x15] = BY_PFX(
            I3(vunpckhps, Vx, Hx, Wx, 0),
            I3(vunpckhpd, Vx, Hx, Wx, 0),
            UD, UD), /* AVX */
        [0x16] = BY_PFX(
            BY_MOD(I3(vmovhps, Vdq, Hq, Mq, F_L0), I3(vmovlhps, Vdq, Hq, Uq, F_L0)),
            I3(vmovhpd, Vdq, Hq, Mq, F_L0),
            I2(vmovshdup, Vx, Wx, F_NO_VVVV),
            UD), /* AVX */
        [0x17] = BY_PFX(
            I2(vmovhps, Mq, Vdq, F_L0 | F_NO_VVVV),
            I2(vmovhpd, Mq, Vdq, F_L0 | F_NO_VVVV),
            UD, UD), /* AVX */
        [0x28] = BY_PFX(
            I2(vmovaps, Vx, Wx, F_NO_VVVV),
            I2(vmovapd, Vx, Wx, F_NO_VVVV),
            UD, UD), /* AVX */
        [0x29] = BY_PFX(
            I2(vmovaps, Wx, Vx, F_NO_VVVV),
            I2(vmovapd, Wx, Vx, F_NO_VVVV),
            UD, UD), /* AVX */
        [0x2a] = BY_PFX(
            UD, UD,
            I3(vcvtsi2ss, Vdq, Hdq, Ey, 0),
            I3(vcvtsi2sd, Vdq, Hdq, Ey, 0)), /* AVX */
        [0x2b] = BY_PFX(
            I2(vmovntps, Mx, Vx, F_NO_VVVV),
            I2(vmovntpd, Mx, Vx, F_NO_VVVV),
            UD, UD), /* AVX */
        [0x2c] = BY_PFX(
            UD, UD,
            I2(vcvttss2si, Gy, Wd, F_NO_VVVV),
            I2(vcvttsd2si, Gy, Wq, F_NO_VVVV)), /* AVX */
        [0x2d] = BY_PFX(
            UD, UD,
            I2(vcvtss2si, Gy, Wd, F_NO_VVVV),
            I2(vcvtsd2si, Gy, Wq, F_NO_VVVV)), /* AVX */
        [0x2e] = BY_PFX(
            I2(vucomiss, Vdq, Wd, F_NO_VVVV | F_FLAGS_ONLY),
            I2(vucomisd, Vdq, Wq, F_NO_VVVV | F_FLAGS_ONLY),
            UD, UD), /* AVX */
        [0x2f] = BY_PFX(
            I2(vcomiss, Vd, Wd, F_NO_VVVV | F_FLAGS_ONLY),
            I2(vcomisd, Vq, Wq, F_NO_VVVV | F_FLAGS_ONLY),
            UD, UD), /* AVX */
        /* ---- 41-4B: AVX-512 opmask logic ---- */
        [0x41] = BY_PFX(
            BY_W(BY_L(UD, I3(kandw, KGw, KHw, KRw, 0)), I3(kandq, KGq, KHq, KRq, F_L1)),
            BY_W(I3(kandb, KGb, KHb, KRb, F_L1), I3(kandd, KGd, KHd, KRd, F_L1)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x42] = BY_PFX(
            BY_W(BY_L(UD, I3(kandnw, KGw, KHw, KRw, 0)), I3(kandnq, KGq, KHq, KRq, F_L1)),
            BY_W(I3(kandnb, KGb, KHb, KRb, F_L1), I3(kandnd, KGd, KHd, KRd, F_L1)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x44] = BY_PFX(
            BY_W(I2(knotw, KGw, KRw, F_L0 | F_NO_VVVV), I2(knotq, KGq, KRq, F_L0 | F_NO_VVVV)),
            BY_W(I2(knotb, KGb, KRb, F_L0 | F_NO_VVVV), I2(knotd, KGd, KRd, F_L0 | F_NO_VVVV)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x45] = BY_PFX(
            BY_W(BY_L(UD, I3(korw, KGw, KHw, KRw, 0)), I3(korq, KGq, KHq, KRq, F_L1)),
            BY_W(I3(korb, KGb, KHb, KRb, F_L1), I3(kord, KGd, KHd, KRd, F_L1)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x46] = BY_PFX(
            BY_W(BY_L(UD, I3(kxnorw, KGw, KHw, KRw, 0)), I3(kxnorq, KGq, KHq, KRq, F_L1)),
            BY_W(I3(kxnorb, KGb, KHb, KRb, F_L1), I3(kxnord, KGd, KHd, KRd, F_L1)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x47] = BY_PFX(
            BY_W(BY_L(UD, I3(kxorw, KGw, KHw, KRw, 0)), I3(kxorq, KGq, KHq, KRq, F_L1)),
            BY_W(I3(kxorb, KGb, KHb, KRb, F_L1), I3(kxord, KGd, KHd, KRd, F_L1)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x4a] = BY_PFX(
            BY_W(I3(kaddw, KGw, KHw, KRw, F_L1), I3(kaddq, KGq, KHq, KRq, F_L1)),
            BY_W(I3(kaddb, KGb, KHb, KRb, F_L1), I3(kaddd, KGd, KHd, KRd, F_L1)),
            UD, UD), /* AVX512BW AVX512DQ */
        [0x4b] = BY_PFX(
            BY_W(I3(kunpckwd, KGd, KHd, KRd, F_L1), I3(kunpckdq, KGq, KHq, KRq, F_L1)),
            I3(kunpckbw, KGw, KHw, KRw, F_W0 | F_L1),
            UD, UD), /* AVX512BW AVX512F */
        /* ---- 50-7F: arithmetic, logic, integer, shifts by immediate, VZEROUPPER/VZEROALL ---- */
        [0x50] = BY_PFX(
            I2(vmovmskps, Gd, Ux, F_NO_VVVV),
            I2(vmovmskpd, Gd, Ux, F_NO_VVVV),
            UD, UD), /* AVX */
        [0x51] = BY_PFX(
            I2(vsqrtps, Vx, Wx, F_NO_VVVV),
            I2(vsqrtpd, Vx, Wx, F_NO_VVVV),
            I3(vsqrtss, Vdq, Hdq, Wd, 0),
            I3(vsqrtsd, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x52] = BY_PFX(
            I2(vrsqrtps, Vx, Wx, F_NO_VVVV),
            UD,
            I3(vrsqrtss, Vdq, Hdq, Wd, 0),
            UD), /* AVX */
        [0x53] = BY_PFX(
            I2(vrcpps, Vx, Wx, F_NO_VVVV),
            UD,
            I3(vrcpss, Vdq, Hdq, Wd, 0),
            UD), /* AVX */
        [0x54] = BY_PFX(I3(vandps, Vx, Hx, Wx, 0), I3(vandpd, Vx, Hx, Wx, 0), UD, UD), /* AVX */
        [0x55] = BY_PFX(I3(vandnps, Vx, Hx, Wx, 0), I3(vandnpd, Vx, Hx, Wx, 0), UD, UD), /* AVX */
        [0x56] = BY_PFX(I3(vorps, Vx, Hx, Wx, 0), I3(vorpd, Vx, Hx, Wx, 0), UD, UD), /* AVX */
        [0x57] = BY_PFX(I3(vxorps, Vx, Hx, Wx, 0), I3(vxorpd, Vx, Hx, Wx, 0), UD, UD), /* AVX */
        [0x58] = BY_PFX(
            I3(vaddps, Vx, Hx, Wx, 0),
            I3(vaddpd, Vx, Hx, Wx, 0),
            I3(vaddss, Vdq, Hdq, Wd, 0),
            I3(vaddsd, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x59] = BY_PFX(
            I3(vmulps, Vx, Hx, Wx, 0),
            I3(vmulpd, Vx, Hx, Wx, 0),
            I3(vmulss, Vdq, Hdq, Wd, 0),
            I3(vmulsd, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x5a] = BY_PFX(
            I2(vcvtps2pd, Vx, Whx, F_NO_VVVV),
            I2(vcvtpd2ps, Vdq, Wx, F_NO_VVVV),
            I3(vcvtss2sd, Vdq, Hdq, Wd, 0),
            I3(vcvtsd2ss, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x5b] = BY_PFX(
            I2(vcvtdq2ps, Vx, Wx, F_NO_VVVV),
            I2(vcvtps2dq, Vx, Wx, F_NO_VVVV),
            I2(vcvttps2dq, Vx, Wx, F_NO_VVVV),
            UD), /* AVX */
        [0x5c] = BY_PFX(
            I3(vsubps, Vx, Hx, Wx, 0),
            I3(vsubpd, Vx, Hx, Wx, 0),
            I3(vsubss, Vdq, Hdq, Wd, 0),
            I3(vsubsd, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x5d] = BY_PFX(
            I3(vminps, Vx, Hx, Wx, 0),
            I3(vminpd, Vx, Hx, Wx, 0),
            I3(vminss, Vdq, Hdq, Wd, 0),
            I3(vminsd, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x5e] = BY_PFX(
            I3(vdivps, Vx, Hx, Wx, 0),
            I3(vdivpd, Vx, Hx, Wx, 0),
            I3(vdivss, Vdq, Hdq, Wd, 0),
            I3(vdivsd, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x5f] = BY_PFX(
            I3(vmaxps, Vx, Hx, Wx, 0),
            I3(vmaxpd, Vx, Hx, Wx, 0),
            I3(vmaxss, Vdq, Hdq, Wd, 0),
            I3(vmaxsd, Vdq, Hdq, Wq, 0)), /* AVX */
        [0x60] = ONLY_66(I3(vpunpcklbw, Vx, Hx, Wx, 0)), /* AVX */
        [0x61] = ONLY_66(I3(vpunpcklwd, Vx, Hx, Wx, 0)), /* AVX */
        [0x62] = ONLY_66(I3(vpunpckldq, Vx, Hx, Wx, 0)), /* AVX */
        [0x63] = ONLY_66(I3(vpacksswb, Vx, Hx, Wx, 0)), /* AVX */
        [0x64] = ONLY_66(I3(vpcmpgtb, Vx, Hx, Wx, 0)), /* AVX */
        [0x65] = ONLY_66(I3(vpcmpgtw, Vx, Hx, Wx, 0)), /* AVX */
        [0x66] = ONLY_66(I3(vpcmpgtd, Vx, Hx, Wx, 0)), /* AVX */
        [0x67] = ONLY_66(I3(vpackuswb, Vx, Hx, Wx, 0)), /* AVX */
        [0x68] = ONLY_66(I3(vpunpckhbw, Vx, Hx, Wx, 0)), /* AVX */
        [0x69] = ONLY_66(I3(vpunpckhwd, Vx, Hx, Wx, 0)), /* AVX */
        [0x6a] = ONLY_66(I3(vpunpckhdq, Vx, Hx, Wx, 0)), /* AVX */
        [0x6b] = ONLY_66(I3(vpackssdw, Vx, Hx, Wx, 0)), /* AVX */
        [0x6c] = ONLY_66(I3(vpunpcklqdq, Vx, Hx, Wx, 0)), /* AVX */
        [0x6d] = ONLY_66(I3(vpunpckhqdq, Vx, Hx, Wx, 0)), /* AVX */
        [0x6e] = ONLY_66(
            BY_W(
                I2(vmovd, Vdq, Ed, F_L0 | F_NO_VVVV),
                BY_MODE(
                    I2(vmovd, Vdq, Ed, F_L0 | F_NO_VVVV), /* W is ignored outside 64-bit mode */
                    I2(vmovq, Vdq, Eq, F_L0 | F_NO_VVVV)))), /* AVX */
        [0x6f] = BY_PFX(
            UD,
            I2(vmovdqa, Vx, Wx, F_NO_VVVV),
            I2(vmovdqu, Vx, Wx, F_NO_VVVV),
            UD), /* AVX */
        [0x70] = BY_PFX(
            UD,
            I3(vpshufd, Vx, Wx, Ib, F_NO_VVVV),
            I3(vpshufhw, Vx, Wx, Ib, F_NO_VVVV),
            I3(vpshuflw, Vx, Wx, Ib, F_NO_VVVV)), /* AVX */
        [0x71] = ONLY_66(
            BY_REG(
                UD, UD,
                I3(vpsrlw, Hx, Ux, Ib, 0),
                UD,
                I3(vpsraw, Hx, Ux, Ib, 0),
                UD,
                I3(vpsllw, Hx, Ux, Ib, 0),
                UD)), /* AVX */
        [0x72] = ONLY_66(
            BY_REG(
                UD, UD,
                I3(vpsrld, Hx, Ux, Ib, 0),
                UD,
                I3(vpsrad, Hx, Ux, Ib, 0),
                UD,
                I3(vpslld, Hx, Ux, Ib, 0),
                UD)), /* AVX */
        [0x73] = ONLY_66(
            BY_REG(
                UD, UD,
                I3(vpsrlq, Hx, Ux, Ib, 0),
                I3(vpsrldq, Hx, Ux, Ib, 0),
                UD, UD,
                I3(vpsllq, Hx, Ux, Ib, 0),
                I3(vpslldq, Hx, Ux, Ib, 0))), /* AVX */
        [0x74] = ONLY_66(I3(vpcmpeqb, Vx, Hx, Wx, 0)), /* AVX */
        [0x75] = ONLY_66(I3(vpcmpeqw, Vx, Hx, Wx, 0)), /* AVX */
        [0x76] = ONLY_66(I3(vpcmpeqd, Vx, Hx, Wx, 0)), /* AVX */
        [0x77] = ONLY_NP(BY_L(I0(vzeroupper, F_NO_VVVV), I0(vzeroall, F_NO_VVVV))), /* AVX */
        [0x7c] = BY_PFX(UD, I3(vhaddpd, Vx, Hx, Wx, 0), UD, I3(vhaddps, Vx, Hx, Wx, 0)), /* AVX */
        [0x7d] = BY_PFX(UD, I3(vhsubpd, Vx, Hx, Wx, 0), UD, I3(vhsubps, Vx, Hx, Wx, 0)), /* AVX */
        [0x7e] = BY_PFX(
            UD,
            BY_W(
                I2(vmovd, Ed, Vd, F_L0 | F_NO_VVVV),
                BY_MODE(
                    I2(vmovd, Ed, Vd, F_L0 | F_NO_VVVV), /* W is ignored outside 64-bit mode */
                    I2(vmovq, Eq, Vq, F_L0 | F_NO_VVVV))),
            I2(vmovq, Vdq, Wq, F_L0 | F_NO_VVVV),
            UD), /* AVX */
        [0x7f] = BY_PFX(
            UD,
            I2(vmovdqa, Wx, Vx, F_NO_VVVV),
            I2(vmovdqu, Wx, Vx, F_NO_VVVV),
            UD), /* AVX */
        /* ---- 90-99: opmask moves and tests ---- */
        [0x90] = BY_PFX(
            BY_W(I2(kmovw, KGw, KEw, F_L0 | F_NO_VVVV), I2(kmovq, KGq, KEq, F_L0 | F_NO_VVVV)),
            BY_W(I2(kmovb, KGb, KEb, F_L0 | F_NO_VVVV), I2(kmovd, KGd, KEd, F_L0 | F_NO_VVVV)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x91] = BY_PFX(
            BY_W(I2(kmovw, Mw, KGw, F_L0 | F_NO_VVVV), I2(kmovq, Mq, KGq, F_L0 | F_NO_VVVV)),
            BY_W(I2(kmovb, Mb, KGb, F_L0 | F_NO_VVVV), I2(kmovd, Md, KGd, F_L0 | F_NO_VVVV)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x92] = BY_PFX(
            I2(kmovw, KGw, Rd, F_W0 | F_L0 | F_NO_VVVV),
            I2(kmovb, KGb, Rd, F_W0 | F_L0 | F_NO_VVVV),
            UD,
            BY_W(
                I2(kmovd, KGd, Rd, F_L0 | F_NO_VVVV),
                I2(kmovq, KGq, Rq, F_L0 | F_NO_VVVV))), /* AVX512BW AVX512DQ AVX512F */
        [0x93] = BY_PFX(
            I2(kmovw, Gd, KRw, F_W0 | F_L0 | F_NO_VVVV),
            I2(kmovb, Gd, KRb, F_W0 | F_L0 | F_NO_VVVV),
            UD,
            BY_W(
                I2(kmovd, Gd, KRd, F_L0 | F_NO_VVVV),
                I2(kmovq, Gq, KRq, F_L0 | F_NO_VVVV))), /* AVX512BW AVX512DQ AVX512F */
        [0x98] = BY_PFX(
            BY_W(
                I2(kortestw, KGw, KRw, F_L0 | F_NO_VVVV),
                I2(kortestq, KGq, KRq, F_L0 | F_NO_VVVV)),
            BY_W(
                I2(kortestb, KGb, KRb, F_L0 | F_NO_VVVV),
                I2(kortestd, KGd, KRd, F_L0 | F_NO_VVVV)),
            UD, UD), /* AVX512BW AVX512DQ AVX512F */
        [0x99] = BY_PFX(
            BY_W(I2(ktestw, KGw, KRw, F_L0 | F_NO_VVVV), I2(ktestq, KGq, KRq, F_L0 | F_NO_VVVV)),
            BY_W(I2(ktestb, KGb, KRb, F_L0 | F_NO_VVVV), I2(ktestd, KGd, KRd, F_L0 | F_NO_VVVV)),
            UD, UD), /* AVX512BW AVX512DQ */
        /* ---- AE-FE: VLDMXCSR/VSTMXCSR, compares, shuffles, AVX/AVX2 integer ---- */
        [0xae] = ONLY_NP(
            BY_REG(
                UD, UD,
                I1(vldmxcsr, Md, F_L0 | F_NO_VVVV),
                I1(vstmxcsr, Md, F_L0 | F_NO_VVVV),
                UD, UD, UD, UD)), /* AVX */
        [0xc2] = BY_PFX(
            I4(vcmpps, Vx, Hx, Wx, Ib, 0),
            I4(vcmppd, Vx, Hx, Wx, Ib, 0),
            I4(vcmpss, Vdq, Hdq, Wd, Ib, 0),
            I4(vcmpsd, Vdq, Hdq, Wq, Ib, 0)), /* AVX */
        [0xc4] = ONLY_66(I4(vpinsrw, Vdq, Hdq, Ew, Ib, F_L0)), /* AVX */
        [0xc5] = ONLY_66(I3(vpextrw, Gd, Udq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0xc6] = BY_PFX(
            I4(vshufps, Vx, Hx, Wx, Ib, 0),
            I4(vshufpd, Vx, Hx, Wx, Ib, 0),
            UD, UD), /* AVX */
        [0xd0] = BY_PFX(
            UD,
            I3(vaddsubpd, Vx, Hx, Wx, 0),
            UD,
            I3(vaddsubps, Vx, Hx, Wx, 0)), /* AVX */
        [0xd1] = ONLY_66(I3(vpsrlw, Vx, Hx, Wdq, 0)), /* AVX */
        [0xd2] = ONLY_66(I3(vpsrld, Vx, Hx, Wdq, 0)), /* AVX */
        [0xd3] = ONLY_66(I3(vpsrlq, Vx, Hx, Wdq, 0)), /* AVX */
        [0xd4] = ONLY_66(I3(vpaddq, Vx, Hx, Wx, 0)), /* AVX */
        [0xd5] = ONLY_66(I3(vpmullw, Vx, Hx, Wx, 0)), /* AVX */
        [0xd6] = ONLY_66(I2(vmovq, Wq, Vq, F_L0 | F_NO_VVVV)), /* AVX */
        [0xd7] = ONLY_66(I2(vpmovmskb, Gd, Ux, F_NO_VVVV)), /* AVX */
        [0xd8] = ONLY_66(I3(vpsubusb, Vx, Hx, Wx, 0)), /* AVX */
        [0xd9] = ONLY_66(I3(vpsubusw, Vx, Hx, Wx, 0)), /* AVX */
        [0xda] = ONLY_66(I3(vpminub, Vx, Hx, Wx, 0)), /* AVX */
        [0xdb] = ONLY_66(I3(vpand, Vx, Hx, Wx, 0)), /* AVX */
        [0xdc] = ONLY_66(I3(vpaddusb, Vx, Hx, Wx, 0)), /* AVX */
        [0xdd] = ONLY_66(I3(vpaddusw, Vx, Hx, Wx, 0)), /* AVX */
        [0xde] = ONLY_66(I3(vpmaxub, Vx, Hx, Wx, 0)), /* AVX */
        [0xdf] = ONLY_66(I3(vpandn, Vx, Hx, Wx, 0)), /* AVX */
        [0xe0] = ONLY_66(I3(vpavgb, Vx, Hx, Wx, 0)), /* AVX */
        [0xe1] = ONLY_66(I3(vpsraw, Vx, Hx, Wdq, 0)), /* AVX */
        [0xe2] = ONLY_66(I3(vpsrad, Vx, Hx, Wdq, 0)), /* AVX */
        [0xe3] = ONLY_66(I3(vpavgw, Vx, Hx, Wx, 0)), /* AVX */
        [0xe4] = ONLY_66(I3(vpmulhuw, Vx, Hx, Wx, 0)), /* AVX */
        [0xe5] = ONLY_66(I3(vpmulhw, Vx, Hx, Wx, 0)), /* AVX */
        [0xe6] = BY_PFX(
            UD,
            I2(vcvttpd2dq, Vdq, Wx, F_NO_VVVV),
            I2(vcvtdq2pd, Vx, Whx, F_NO_VVVV),
            I2(vcvtpd2dq, Vdq, Wx, F_NO_VVVV)), /* AVX */
        [0xe7] = ONLY_66(I2(vmovntdq, Mx, Vx, F_NO_VVVV)), /* AVX */
        [0xe8] = ONLY_66(I3(vpsubsb, Vx, Hx, Wx, 0)), /* AVX */
        [0xe9] = ONLY_66(I3(vpsubsw, Vx, Hx, Wx, 0)), /* AVX */
        [0xea] = ONLY_66(I3(vpminsw, Vx, Hx, Wx, 0)), /* AVX */
        [0xeb] = ONLY_66(I3(vpor, Vx, Hx, Wx, 0)), /* AVX */
        [0xec] = ONLY_66(I3(vpaddsb, Vx, Hx, Wx, 0)), /* AVX */
        [0xed] = ONLY_66(I3(vpaddsw, Vx, Hx, Wx, 0)), /* AVX */
        [0xee] = ONLY_66(I3(vpmaxsw, Vx, Hx, Wx, 0)), /* AVX */
        [0xef] = ONLY_66(I3(vpxor, Vx, Hx, Wx, 0)), /* AVX */
        [0xf0] = ONLY_F2(I2(vlddqu, Vx, Mx, F_NO_VVVV)), /* AVX */
        [0xf1] = ONLY_66(I3(vpsllw, Vx, Hx, Wdq, 0)), /* AVX */
        [0xf2] = ONLY_66(I3(vpslld, Vx, Hx, Wdq, 0)), /* AVX */
        [0xf3] = ONLY_66(I3(vpsllq, Vx, Hx, Wdq, 0)), /* AVX */
        [0xf4] = ONLY_66(I3(vpmuludq, Vx, Hx, Wx, 0)), /* AVX */
        [0xf5] = ONLY_66(I3(vpmaddwd, Vx, Hx, Wx, 0)), /* AVX */
        [0xf6] = ONLY_66(I3(vpsadbw, Vx, Hx, Wx, 0)), /* AVX */
        [0xf7] = ONLY_66(I3(vmaskmovdqu, Vdq, Udq, MDIdq, F_L0 | F_NO_VVVV)), /* AVX */
        [0xf8] = ONLY_66(I3(vpsubb, Vx, Hx, Wx, 0)), /* AVX */
        [0xf9] = ONLY_66(I3(vpsubw, Vx, Hx, Wx, 0)), /* AVX */
        [0xfa] = ONLY_66(I3(vpsubd, Vx, Hx, Wx, 0)), /* AVX */
        [0xfb] = ONLY_66(I3(vpsubq, Vx, Hx, Wx, 0)), /* AVX */
        [0xfc] = ONLY_66(I3(vpaddb, Vx, Hx, Wx, 0)), /* AVX */
        [0xfd] = ONLY_66(I3(vpaddw, Vx, Hx, Wx, 0)), /* AVX */
        [0xfe] = ONLY_66(I3(vpaddd, Vx, Hx, Wx, 0)), /* AVX */
    },
    /* ===== VEX map 2 (0F 38) ===== */
    [1] = {
        /* ---- 00-47: SSSE3/SSE4 forms, permutes, broadcasts, masked moves, F16C ---- */
        [0x00] = ONLY_66(I3(vpshufb, Vx, Hx, Wx, 0)), /* AVX */
        [0x01] = ONLY_66(I3(vphaddw, Vx, Hx, Wx, 0)), /* AVX */
        [0x02] = ONLY_66(I3(vphaddd, Vx, Hx, Wx, 0)), /* AVX */
        [0x03] = ONLY_66(I3(vphaddsw, Vx, Hx, Wx, 0)), /* AVX */
        [0x04] = ONLY_66(I3(vpmaddubsw, Vx, Hx, Wx, 0)), /* AVX */
        [0x05] = ONLY_66(I3(vphsubw, Vx, Hx, Wx, 0)), /* AVX */
        [0x06] = ONLY_66(I3(vphsubd, Vx, Hx, Wx, 0)), /* AVX */
        [0x07] = ONLY_66(I3(vphsubsw, Vx, Hx, Wx, 0)), /* AVX */
        [0x08] = ONLY_66(I3(vpsignb, Vx, Hx, Wx, 0)), /* AVX */
        [0x09] = ONLY_66(I3(vpsignw, Vx, Hx, Wx, 0)), /* AVX */
        [0x0a] = ONLY_66(I3(vpsignd, Vx, Hx, Wx, 0)), /* AVX */
        [0x0b] = ONLY_66(I3(vpmulhrsw, Vx, Hx, Wx, 0)), /* AVX */
        [0x0c] = ONLY_66(I3(vpermilps, Vx, Hx, Wx, F_W0)), /* AVX */
        [0x0d] = ONLY_66(I3(vpermilpd, Vx, Hx, Wx, F_W0)), /* AVX */
        [0x0e] = ONLY_66(I2(vtestps, Vx, Wx, F_W0 | F_NO_VVVV | F_FLAGS_ONLY)), /* AVX */
        [0x0f] = ONLY_66(I2(vtestpd, Vx, Wx, F_W0 | F_NO_VVVV | F_FLAGS_ONLY)), /* AVX */
        [0x13] = ONLY_66(I2(vcvtph2ps, Vx, Whx, F_W0 | F_NO_VVVV)), /* F16C */
        [0x16] = ONLY_66(I3(vpermps, Vqq, Hqq, Wqq, F_W0 | F_L1)), /* AVX2 */
        [0x17] = ONLY_66(I2(vptest, Vx, Wx, F_NO_VVVV | F_FLAGS_ONLY)), /* AVX */
        [0x18] = ONLY_66(I2(vbroadcastss, Vx, Wd, F_W0 | F_NO_VVVV)), /* AVX */
        [0x19] = ONLY_66(I2(vbroadcastsd, Vqq, Wq, F_W0 | F_L1 | F_NO_VVVV)), /* AVX */
        [0x1a] = ONLY_66(I2(vbroadcastf128, Vqq, Mdq, F_W0 | F_L1 | F_NO_VVVV)), /* AVX */
        [0x1c] = ONLY_66(I2(vpabsb, Vx, Wx, F_NO_VVVV)), /* AVX */
        [0x1d] = ONLY_66(I2(vpabsw, Vx, Wx, F_NO_VVVV)), /* AVX */
        [0x1e] = ONLY_66(I2(vpabsd, Vx, Wx, F_NO_VVVV)), /* AVX */
        [0x20] = ONLY_66(I2(vpmovsxbw, Vx, Whx, F_NO_VVVV)), /* AVX */
        [0x21] = ONLY_66(I2(vpmovsxbd, Vx, Wqx, F_NO_VVVV)), /* AVX */
        [0x22] = ONLY_66(I2(vpmovsxbq, Vx, Wox, F_NO_VVVV)), /* AVX */
        [0x23] = ONLY_66(I2(vpmovsxwd, Vx, Whx, F_NO_VVVV)), /* AVX */
        [0x24] = ONLY_66(I2(vpmovsxwq, Vx, Wqx, F_NO_VVVV)), /* AVX */
        [0x25] = ONLY_66(I2(vpmovsxdq, Vx, Whx, F_NO_VVVV)), /* AVX */
        [0x28] = ONLY_66(I3(vpmuldq, Vx, Hx, Wx, 0)), /* AVX */
        [0x29] = ONLY_66(I3(vpcmpeqq, Vx, Hx, Wx, 0)), /* AVX */
        [0x2a] = ONLY_66(I2(vmovntdqa, Vx, Mx, F_NO_VVVV)), /* AVX */
        [0x2b] = ONLY_66(I3(vpackusdw, Vx, Hx, Wx, 0)), /* AVX */
        [0x2c] = ONLY_66(I3(vmaskmovps, Vx, Hx, Mx, F_W0)), /* AVX */
        [0x2d] = ONLY_66(I3(vmaskmovpd, Vx, Hx, Mx, F_W0)), /* AVX */
        [0x2e] = ONLY_66(I3(vmaskmovps, Mx, Hx, Vx, F_W0)), /* AVX */
        [0x2f] = ONLY_66(I3(vmaskmovpd, Mx, Hx, Vx, F_W0)), /* AVX */
        [0x30] = ONLY_66(I2(vpmovzxbw, Vx, Whx, F_NO_VVVV)), /* AVX */
        [0x31] = ONLY_66(I2(vpmovzxbd, Vx, Wqx, F_NO_VVVV)), /* AVX */
        [0x32] = ONLY_66(I2(vpmovzxbq, Vx, Wox, F_NO_VVVV)), /* AVX */
        [0x33] = ONLY_66(I2(vpmovzxwd, Vx, Whx, F_NO_VVVV)), /* AVX */
        [0x34] = ONLY_66(I2(vpmovzxwq, Vx, Wqx, F_NO_VVVV)), /* AVX */
        [0x35] = ONLY_66(I2(vpmovzxdq, Vx, Whx, F_NO_VVVV)), /* AVX */
        [0x36] = ONLY_66(I3(vpermd, Vqq, Hqq, Wqq, F_W0 | F_L1)), /* AVX2 */
        [0x37] = ONLY_66(I3(vpcmpgtq, Vx, Hx, Wx, 0)), /* AVX */
        [0x38] = ONLY_66(I3(vpminsb, Vx, Hx, Wx, 0)), /* AVX */
        [0x39] = ONLY_66(I3(vpminsd, Vx, Hx, Wx, 0)), /* AVX */
        [0x3a] = ONLY_66(I3(vpminuw, Vx, Hx, Wx, 0)), /* AVX */
        [0x3b] = ONLY_66(I3(vpminud, Vx, Hx, Wx, 0)), /* AVX */
        [0x3c] = ONLY_66(I3(vpmaxsb, Vx, Hx, Wx, 0)), /* AVX */
        [0x3d] = ONLY_66(I3(vpmaxsd, Vx, Hx, Wx, 0)), /* AVX */
        [0x3e] = ONLY_66(I3(vpmaxuw, Vx, Hx, Wx, 0)), /* AVX */
        [0x3f] = ONLY_66(I3(vpmaxud, Vx, Hx, Wx, 0)), /* AVX */
        [0x40] = ONLY_66(I3(vpmulld, Vx, Hx, Wx, 0)), /* AVX */
        [0x41] = ONLY_66(I2(vphminposuw, Vdq, Wdq, F_L0 | F_NO_VVVV)), /* AVX */
        [0x45] = ONLY_66(BY_W(I3(vpsrlvd, Vx, Hx, Wx, 0), I3(vpsrlvq, Vx, Hx, Wx, 0))), /* AVX2 */
        [0x46] = ONLY_66(I3(vpsravd, Vx, Hx, Wx, F_W0)), /* AVX2 */
        [0x47] = ONLY_66(BY_W(I3(vpsllvd, Vx, Hx, Wx, 0), I3(vpsllvq, Vx, Hx, Wx, 0))), /* AVX2 */
        /* AMX tile configuration and loads/stores: 64-bit mode only; the tile loads and stores
         * need a SIB byte (rm = 100b), tilerelease and tilezero need rm = 000b. */
        /* ---- 49-5E: AMX tiles, AVX-VNNI, broadcasts ---- */
        [0x49] = BY_MOD(
            BY_REG(
                BY_PFX(I1(ldtilecfg, M_, AMX), I1(sttilecfg, M_, AMX), UD, UD),
                UD, UD, UD, UD, UD, UD, UD),
            BY_PFX(
                BY_REG(
                    BY_RM(I0(tilerelease, AMX | F_MODRM), UD, UD, UD, UD, UD, UD, UD),
                    UD, UD, UD, UD, UD, UD, UD),
                UD, UD,
                BY_RM(
                    I1(tilezero, TRr, AMX | F_MODRM),
                    UD, UD, UD, UD, UD, UD, UD))), /* AMX_TILE */
        [0x4b] = BY_MOD(
            BY_RM(
                UD, UD, UD, UD,
                BY_PFX(
                    UD,
                    I2(tileloaddt1, TRr, M_, AMX),
                    I2(tilestored, M_, TRr, AMX),
                    I2(tileloadd, TRr, M_, AMX)),
                UD, UD, UD),
            UD), /* AMX_TILE */
        [0x50] = ONLY_66(I3(vpdpbusd, Vx, Hx, Wx, F_W0)), /* AVX_VNNI */
        [0x51] = ONLY_66(I3(vpdpbusds, Vx, Hx, Wx, F_W0)), /* AVX_VNNI */
        [0x52] = ONLY_66(I3(vpdpwssd, Vx, Hx, Wx, F_W0)), /* AVX_VNNI */
        [0x53] = ONLY_66(I3(vpdpwssds, Vx, Hx, Wx, F_W0)), /* AVX_VNNI */
        [0x58] = ONLY_66(I2(vpbroadcastd, Vx, Wd, F_W0 | F_NO_VVVV)), /* AVX2 */
        [0x59] = ONLY_66(I2(vpbroadcastq, Vx, Wq, F_W0 | F_NO_VVVV)), /* AVX2 */
        [0x5a] = ONLY_66(I2(vbroadcasti128, Vqq, Mdq, F_W0 | F_L1 | F_NO_VVVV)), /* AVX2 */
        [0x5c] = ONLY_F3(I3(tdpbf16ps, TRr, TRm, TRv, AMX_TMUL)), /* AMX_BF16 */
        [0x5e] = BY_PFX(
            I3(tdpbuud, TRr, TRm, TRv, AMX_TMUL),
            I3(tdpbusd, TRr, TRm, TRv, AMX_TMUL),
            I3(tdpbsud, TRr, TRm, TRv, AMX_TMUL),
            I3(tdpbssd, TRr, TRm, TRv, AMX_TMUL)), /* AMX_INT8 */
        /* ---- 78-9F: broadcasts, masked moves, gathers, FMA (132) ---- */
        [0x78] = ONLY_66(I2(vpbroadcastb, Vx, Wb, F_W0 | F_NO_VVVV)), /* AVX2 */
        [0x79] = ONLY_66(I2(vpbroadcastw, Vx, Ww, F_W0 | F_NO_VVVV)), /* AVX2 */
        [0x8c] = ONLY_66(
            BY_W(I3(vpmaskmovd, Vx, Hx, Mx, 0), I3(vpmaskmovq, Vx, Hx, Mx, 0))), /* AVX2 */
        [0x8e] = ONLY_66(
            BY_W(I3(vpmaskmovd, Mx, Hx, Vx, 0), I3(vpmaskmovq, Mx, Hx, Vx, 0))), /* AVX2 */
        [0x90] = ONLY_66(
            BY_W(
                I3(vpgatherdd, Vx, Md, Hx, F_VSIB),
                I3(vpgatherdq, Vx, Mq, Hx, F_VSIB))), /* AVX2GATHER */
        [0x91] = ONLY_66(
            BY_W(
                I3(vpgatherqd, Vhx, Md, Hhx, F_VSIB),
                I3(vpgatherqq, Vx, Mq, Hx, F_VSIB))), /* AVX2GATHER */
        [0x92] = ONLY_66(
            BY_W(
                I3(vgatherdps, Vx, Md, Hx, F_VSIB),
                I3(vgatherdpd, Vx, Mq, Hx, F_VSIB))), /* AVX2GATHER */
        [0x93] = ONLY_66(
            BY_W(
                I3(vgatherqps, Vhx, Md, Hhx, F_VSIB),
                I3(vgatherqpd, Vx, Mq, Hx, F_VSIB))), /* AVX2GATHER */
        [0x96] = ONLY_66(
            BY_W(I3(vfmaddsub132ps, Vx, Hx, Wx, 0), I3(vfmaddsub132pd, Vx, Hx, Wx, 0))), /* FMA */
        [0x97] = ONLY_66(
            BY_W(I3(vfmsubadd132ps, Vx, Hx, Wx, 0), I3(vfmsubadd132pd, Vx, Hx, Wx, 0))), /* FMA */
        [0x98] = ONLY_66(
            BY_W(I3(vfmadd132ps, Vx, Hx, Wx, 0), I3(vfmadd132pd, Vx, Hx, Wx, 0))), /* FMA */
        [0x99] = ONLY_66(
            BY_W(I3(vfmadd132ss, Vdq, Hd, Wd, 0), I3(vfmadd132sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0x9a] = ONLY_66(
            BY_W(I3(vfmsub132ps, Vx, Hx, Wx, 0), I3(vfmsub132pd, Vx, Hx, Wx, 0))), /* FMA */
        [0x9b] = ONLY_66(
            BY_W(I3(vfmsub132ss, Vdq, Hd, Wd, 0), I3(vfmsub132sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0x9c] = ONLY_66(
            BY_W(I3(vfnmadd132ps, Vx, Hx, Wx, 0), I3(vfnmadd132pd, Vx, Hx, Wx, 0))), /* FMA */
        [0x9d] = ONLY_66(
            BY_W(I3(vfnmadd132ss, Vdq, Hd, Wd, 0), I3(vfnmadd132sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0x9e] = ONLY_66(
            BY_W(I3(vfnmsub132ps, Vx, Hx, Wx, 0), I3(vfnmsub132pd, Vx, Hx, Wx, 0))), /* FMA */
        [0x9f] = ONLY_66(
            BY_W(I3(vfnmsub132ss, Vdq, Hd, Wd, 0), I3(vfnmsub132sd, Vdq, Hq, Wq, 0))), /* FMA */
        /* ---- A6-BF: FMA (213, 231) ---- */
        [0xa6] = ONLY_66(
            BY_W(I3(vfmaddsub213ps, Vx, Hx, Wx, 0), I3(vfmaddsub213pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xa7] = ONLY_66(
            BY_W(I3(vfmsubadd213ps, Vx, Hx, Wx, 0), I3(vfmsubadd213pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xa8] = ONLY_66(
            BY_W(I3(vfmadd213ps, Vx, Hx, Wx, 0), I3(vfmadd213pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xa9] = ONLY_66(
            BY_W(I3(vfmadd213ss, Vdq, Hd, Wd, 0), I3(vfmadd213sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0xaa] = ONLY_66(
            BY_W(I3(vfmsub213ps, Vx, Hx, Wx, 0), I3(vfmsub213pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xab] = ONLY_66(
            BY_W(I3(vfmsub213ss, Vdq, Hd, Wd, 0), I3(vfmsub213sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0xac] = ONLY_66(
            BY_W(I3(vfnmadd213ps, Vx, Hx, Wx, 0), I3(vfnmadd213pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xad] = ONLY_66(
            BY_W(I3(vfnmadd213ss, Vdq, Hd, Wd, 0), I3(vfnmadd213sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0xae] = ONLY_66(
            BY_W(I3(vfnmsub213ps, Vx, Hx, Wx, 0), I3(vfnmsub213pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xaf] = ONLY_66(
            BY_W(I3(vfnmsub213ss, Vdq, Hd, Wd, 0), I3(vfnmsub213sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0xb6] = ONLY_66(
            BY_W(I3(vfmaddsub231ps, Vx, Hx, Wx, 0), I3(vfmaddsub231pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xb7] = ONLY_66(
            BY_W(I3(vfmsubadd231ps, Vx, Hx, Wx, 0), I3(vfmsubadd231pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xb8] = ONLY_66(
            BY_W(I3(vfmadd231ps, Vx, Hx, Wx, 0), I3(vfmadd231pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xb9] = ONLY_66(
            BY_W(I3(vfmadd231ss, Vdq, Hd, Wd, 0), I3(vfmadd231sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0xba] = ONLY_66(
            BY_W(I3(vfmsub231ps, Vx, Hx, Wx, 0), I3(vfmsub231pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xbb] = ONLY_66(
            BY_W(I3(vfmsub231ss, Vdq, Hd, Wd, 0), I3(vfmsub231sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0xbc] = ONLY_66(
            BY_W(I3(vfnmadd231ps, Vx, Hx, Wx, 0), I3(vfnmadd231pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xbd] = ONLY_66(
            BY_W(I3(vfnmadd231ss, Vdq, Hd, Wd, 0), I3(vfnmadd231sd, Vdq, Hq, Wq, 0))), /* FMA */
        [0xbe] = ONLY_66(
            BY_W(I3(vfnmsub231ps, Vx, Hx, Wx, 0), I3(vfnmsub231pd, Vx, Hx, Wx, 0))), /* FMA */
        [0xbf] = ONLY_66(
            BY_W(I3(vfnmsub231ss, Vdq, Hd, Wd, 0), I3(vfnmsub231sd, Vdq, Hq, Wq, 0))), /* FMA */
        /* ---- CF-DF: GFNI, AES ---- */
        [0xcf] = ONLY_66(I3(vgf2p8mulb, Vx, Hx, Wx, F_W0)), /* AVX_GFNI */
        [0xdb] = ONLY_66(I2(vaesimc, Vdq, Wdq, F_L0 | F_NO_VVVV)), /* AVXAES */
        [0xdc] = ONLY_66(I3(vaesenc, Vx, Hx, Wx, 0)), /* AVXAES */
        [0xdd] = ONLY_66(I3(vaesenclast, Vx, Hx, Wx, 0)), /* AVXAES */
        [0xde] = ONLY_66(I3(vaesdec, Vx, Hx, Wx, 0)), /* AVXAES */
        [0xdf] = ONLY_66(I3(vaesdeclast, Vx, Hx, Wx, 0)), /* AVXAES */
        /* ---- F2-F7: BMI1 / BMI2 ---- */
        [0xf2] = ONLY_NP(I3(andn, Gy, By, Ey, F_L0)), /* BMI1 */
        [0xf3] = ONLY_NP(
            BY_REG(
                UD,
                I2(blsr, By, Ey, F_L0),
                I2(blsmsk, By, Ey, F_L0),
                I2(blsi, By, Ey, F_L0),
                UD, UD, UD, UD)), /* BMI1 */
        [0xf5] = BY_PFX(
            I3(bzhi, Gy, Ey, By, F_L0),
            UD,
            I3(pext, Gy, By, Ey, F_L0),
            I3(pdep, Gy, By, Ey, F_L0)), /* BMI2 */
        [0xf6] = ONLY_F2(I3(mulx, Gy, By, Ey, F_L0)), /* BMI2 */
        [0xf7] = BY_PFX(
            I3(bextr, Gy, Ey, By, F_L0),
            I3(shlx, Gy, Ey, By, F_L0),
            I3(sarx, Gy, Ey, By, F_L0),
            I3(shrx, Gy, Ey, By, F_L0)), /* BMI1 BMI2 */
    },
    /* ===== VEX map 3 (0F 3A) ===== */
    [2] = {
        /* ---- 00-4C: permutes, blends, rounds, inserts/extracts, VCVTPS2PH, VPERMIL2* ---- */
        [0x00] = ONLY_66(I3(vpermq, Vqq, Wqq, Ib, F_W1 | F_L1 | F_NO_VVVV)), /* AVX2 */
        [0x01] = ONLY_66(I3(vpermpd, Vqq, Wqq, Ib, F_W1 | F_L1 | F_NO_VVVV)), /* AVX2 */
        [0x02] = ONLY_66(I4(vpblendd, Vx, Hx, Wx, Ib, F_W0)), /* AVX2 */
        [0x04] = ONLY_66(I3(vpermilps, Vx, Wx, Ib, F_W0 | F_NO_VVVV)), /* AVX */
        [0x05] = ONLY_66(I3(vpermilpd, Vx, Wx, Ib, F_W0 | F_NO_VVVV)), /* AVX */
        [0x06] = ONLY_66(I4(vperm2f128, Vqq, Hqq, Wqq, Ib, F_W0 | F_L1)), /* AVX */
        [0x08] = ONLY_66(I3(vroundps, Vx, Wx, Ib, F_NO_VVVV)), /* AVX */
        [0x09] = ONLY_66(I3(vroundpd, Vx, Wx, Ib, F_NO_VVVV)), /* AVX */
        [0x0a] = ONLY_66(I4(vroundss, Vdq, Hdq, Wd, Ib, 0)), /* AVX */
        [0x0b] = ONLY_66(I4(vroundsd, Vdq, Hdq, Wq, Ib, 0)), /* AVX */
        [0x0c] = ONLY_66(I4(vblendps, Vx, Hx, Wx, Ib, 0)), /* AVX */
        [0x0d] = ONLY_66(I4(vblendpd, Vx, Hx, Wx, Ib, 0)), /* AVX */
        [0x0e] = ONLY_66(I4(vpblendw, Vx, Hx, Wx, Ib, 0)), /* AVX */
        [0x0f] = ONLY_66(I4(vpalignr, Vx, Hx, Wx, Ib, 0)), /* AVX */
        [0x14] = ONLY_66(I3(vpextrb, Eb, Vdq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0x15] = ONLY_66(I3(vpextrw, Ew, Vdq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0x16] = ONLY_66(
            BY_W(
                I3(vpextrd, Ed, Vdq, Ib, F_L0 | F_NO_VVVV),
                BY_MODE(
                    I3(vpextrd, Ed, Vdq, Ib, F_L0 | F_NO_VVVV), /* W is ignored outside 64-bit mode */
                    I3(vpextrq, Eq, Vdq, Ib, F_L0 | F_NO_VVVV)))), /* AVX */
        [0x17] = ONLY_66(I3(vextractps, Ed, Vdq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0x18] = ONLY_66(I4(vinsertf128, Vqq, Hqq, Wdq, Ib, F_W0 | F_L1)), /* AVX */
        [0x19] = ONLY_66(I3(vextractf128, Wdq, Vqq, Ib, F_W0 | F_L1 | F_NO_VVVV)), /* AVX */
        [0x1d] = ONLY_66(I3(vcvtps2ph, Whx, Vx, Ib, F_W0 | F_NO_VVVV)), /* F16C */
        [0x20] = ONLY_66(I4(vpinsrb, Vdq, Hdq, Eb, Ib, F_L0)), /* AVX */
        [0x21] = ONLY_66(I4(vinsertps, Vdq, Hdq, Wd, Ib, F_L0)), /* AVX */
        [0x22] = ONLY_66(
            BY_W(
                I4(vpinsrd, Vdq, Hdq, Ed, Ib, F_L0),
                BY_MODE(
                    I4(vpinsrd, Vdq, Hdq, Ed, Ib, F_L0), /* W is ignored outside 64-bit mode */
                    I4(vpinsrq, Vdq, Hdq, Eq, Ib, F_L0)))), /* AVX */
        [0x30] = ONLY_66(
            BY_W(
                I3(kshiftrb, KGb, KRb, Ib, F_L0 | F_NO_VVVV),
                I3(kshiftrw, KGw, KRw, Ib, F_L0 | F_NO_VVVV))), /* AVX512DQ AVX512F */
        [0x31] = ONLY_66(
            BY_W(
                I3(kshiftrd, KGd, KRd, Ib, F_L0 | F_NO_VVVV),
                I3(kshiftrq, KGq, KRq, Ib, F_L0 | F_NO_VVVV))), /* AVX512BW */
        [0x32] = ONLY_66(
            BY_W(
                I3(kshiftlb, KGb, KRb, Ib, F_L0 | F_NO_VVVV),
                I3(kshiftlw, KGw, KRw, Ib, F_L0 | F_NO_VVVV))), /* AVX512DQ AVX512F */
        [0x33] = ONLY_66(
            BY_W(
                I3(kshiftld, KGd, KRd, Ib, F_L0 | F_NO_VVVV),
                I3(kshiftlq, KGq, KRq, Ib, F_L0 | F_NO_VVVV))), /* AVX512BW */
        [0x38] = ONLY_66(I4(vinserti128, Vqq, Hqq, Wdq, Ib, F_W0 | F_L1)), /* AVX2 */
        [0x39] = ONLY_66(I3(vextracti128, Wdq, Vqq, Ib, F_W0 | F_L1 | F_NO_VVVV)), /* AVX2 */
        [0x40] = ONLY_66(I4(vdpps, Vx, Hx, Wx, Ib, 0)), /* AVX */
        [0x41] = ONLY_66(I4(vdppd, Vdq, Hdq, Wdq, Ib, F_L0)), /* AVX */
        [0x42] = ONLY_66(I4(vmpsadbw, Vx, Hx, Wx, Ib, 0)), /* AVX */
        [0x44] = ONLY_66(I4(vpclmulqdq, Vx, Hx, Wx, Ib, 0)), /* AVX */
        [0x46] = ONLY_66(I4(vperm2i128, Vqq, Hqq, Wqq, Ib, F_W0 | F_L1)), /* AVX2 */
        [0x48] = ONLY_66(
            BY_W(I4(vpermil2ps, Vx, Hx, Wx, Lx, 0), I4(vpermil2ps, Vx, Hx, Lx, Wx, 0))), /* XOP */
        [0x49] = ONLY_66(
            BY_W(I4(vpermil2pd, Vx, Hx, Wx, Lx, 0), I4(vpermil2pd, Vx, Hx, Lx, Wx, 0))), /* XOP */
        [0x4a] = ONLY_66(I4(vblendvps, Vx, Hx, Wx, Lx, F_W0)), /* AVX */
        [0x4b] = ONLY_66(I4(vblendvpd, Vx, Hx, Wx, Lx, F_W0)), /* AVX */
        [0x4c] = ONLY_66(I4(vpblendvb, Vx, Hx, Wx, Lx, F_W0)), /* AVX */
        /* ---- 5C-7F: FMA4 (AMD) ---- */
        [0x5c] = ONLY_66(
            BY_W(
                I4(vfmaddsubps, Vx, Hx, Wx, Lx, 0),
                I4(vfmaddsubps, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x5d] = ONLY_66(
            BY_W(
                I4(vfmaddsubpd, Vx, Hx, Wx, Lx, 0),
                I4(vfmaddsubpd, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x5e] = ONLY_66(
            BY_W(
                I4(vfmsubaddps, Vx, Hx, Wx, Lx, 0),
                I4(vfmsubaddps, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x5f] = ONLY_66(
            BY_W(
                I4(vfmsubaddpd, Vx, Hx, Wx, Lx, 0),
                I4(vfmsubaddpd, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x60] = ONLY_66(I3(vpcmpestrm, Vdq, Wdq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0x61] = ONLY_66(I3(vpcmpestri, Vdq, Wdq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0x62] = ONLY_66(I3(vpcmpistrm, Vdq, Wdq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0x63] = ONLY_66(I3(vpcmpistri, Vdq, Wdq, Ib, F_L0 | F_NO_VVVV)), /* AVX */
        [0x68] = ONLY_66(
            BY_W(I4(vfmaddps, Vx, Hx, Wx, Lx, 0), I4(vfmaddps, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x69] = ONLY_66(
            BY_W(I4(vfmaddpd, Vx, Hx, Wx, Lx, 0), I4(vfmaddpd, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x6a] = ONLY_66(
            BY_W(
                I4(vfmaddss, Vdq, Hdq, Wd, Ldq, 0),
                I4(vfmaddss, Vdq, Hdq, Ldq, Wd, 0))), /* FMA4 */
        [0x6b] = ONLY_66(
            BY_W(
                I4(vfmaddsd, Vdq, Hdq, Wq, Ldq, 0),
                I4(vfmaddsd, Vdq, Hdq, Ldq, Wq, 0))), /* FMA4 */
        [0x6c] = ONLY_66(
            BY_W(I4(vfmsubps, Vx, Hx, Wx, Lx, 0), I4(vfmsubps, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x6d] = ONLY_66(
            BY_W(I4(vfmsubpd, Vx, Hx, Wx, Lx, 0), I4(vfmsubpd, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x6e] = ONLY_66(
            BY_W(
                I4(vfmsubss, Vdq, Hdq, Wd, Ldq, 0),
                I4(vfmsubss, Vdq, Hdq, Ldq, Wd, 0))), /* FMA4 */
        [0x6f] = ONLY_66(
            BY_W(
                I4(vfmsubsd, Vdq, Hdq, Wq, Ldq, 0),
                I4(vfmsubsd, Vdq, Hdq, Ldq, Wq, 0))), /* FMA4 */
        [0x78] = ONLY_66(
            BY_W(I4(vfnmaddps, Vx, Hx, Wx, Lx, 0), I4(vfnmaddps, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x79] = ONLY_66(
            BY_W(I4(vfnmaddpd, Vx, Hx, Wx, Lx, 0), I4(vfnmaddpd, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x7a] = ONLY_66(
            BY_W(
                I4(vfnmaddss, Vdq, Hdq, Wd, Ldq, 0),
                I4(vfnmaddss, Vdq, Hdq, Ldq, Wd, 0))), /* FMA4 */
        [0x7b] = ONLY_66(
            BY_W(
                I4(vfnmaddsd, Vdq, Hdq, Wq, Ldq, 0),
                I4(vfnmaddsd, Vdq, Hdq, Ldq, Wq, 0))), /* FMA4 */
        [0x7c] = ONLY_66(
            BY_W(I4(vfnmsubps, Vx, Hx, Wx, Lx, 0), I4(vfnmsubps, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x7d] = ONLY_66(
            BY_W(I4(vfnmsubpd, Vx, Hx, Wx, Lx, 0), I4(vfnmsubpd, Vx, Hx, Lx, Wx, 0))), /* FMA4 */
        [0x7e] = ONLY_66(
            BY_W(
                I4(vfnmsubss, Vdq, Hdq, Wd, Ldq, 0),
                I4(vfnmsubss, Vdq, Hdq, Ldq, Wd, 0))), /* FMA4 */
        [0x7f] = ONLY_66(
            BY_W(
                I4(vfnmsubsd, Vdq, Hdq, Wq, Ldq, 0),
                I4(vfnmsubsd, Vdq, Hdq, Ldq, Wq, 0))), /* FMA4 */
        /* ---- CE-F0: GFNI, AES, RORX ---- */
        [0xce] = ONLY_66(I4(vgf2p8affineqb, Vx, Hx, Wx, Ib, F_W1)), /* AVX_GFNI */
        [0xcf] = ONLY_66(I4(vgf2p8affineinvqb, Vx, Hx, Wx, Ib, F_W1)), /* AVX_GFNI */
        [0xdf] = ONLY_66(I3(vaeskeygenassist, Vdq, Wdq, Ib, F_L0 | F_NO_VVVV)), /* AVXAES */
        [0xf0] = ONLY_F2(I3(rorx, Gy, Ey, Ib, F_L0 | F_NO_VVVV)), /* BMI2 */
    },
};
// clang-format on
