/* Three-byte legacy opcode maps 0F 38 xx and 0F 3A xx (SSSE3, SSE4, AES, SHA, GFNI,
 * MOVBE, CRC32, ADX, ...).
 *
 * Data only: one designated initializer per opcode, written in the SDM's opcode-map notation
 * (optab.h; operand shorthands for the SIMD forms in tables_simd.h). Valid combinations of
 * mandatory prefix, ModRM.reg/rm/mod, W and L were checked against Zydis 4.0 by enumeration
 * (docs/opcode-maps.md says how); the trailing comment of each row names its ISA sets. */
#define OPTAB_SHORTHANDS
#include "decoder.h"
#include "optab.h"
#include "tables_simd.h"

/* 0F 38 xx */
// clang-format off
const struct optab optab_0f38[256] = {
    /* ---- 00-1E: SSSE3 (mandatory prefix none = MMX, 66 = XMM), SSE4.1 blends and PTEST ---- */
    [0x00] = BY_PFX(I2(pshufb, Pq, Qq, 0), I2(pshufb, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x01] = BY_PFX(I2(phaddw, Pq, Qq, 0), I2(phaddw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x02] = BY_PFX(I2(phaddd, Pq, Qq, 0), I2(phaddd, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x03] = BY_PFX(I2(phaddsw, Pq, Qq, 0), I2(phaddsw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x04] = BY_PFX(I2(pmaddubsw, Pq, Qq, 0), I2(pmaddubsw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x05] = BY_PFX(I2(phsubw, Pq, Qq, 0), I2(phsubw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x06] = BY_PFX(I2(phsubd, Pq, Qq, 0), I2(phsubd, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x07] = BY_PFX(I2(phsubsw, Pq, Qq, 0), I2(phsubsw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x08] = BY_PFX(I2(psignb, Pq, Qq, 0), I2(psignb, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x09] = BY_PFX(I2(psignw, Pq, Qq, 0), I2(psignw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x0a] = BY_PFX(I2(psignd, Pq, Qq, 0), I2(psignd, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x0b] = BY_PFX(I2(pmulhrsw, Pq, Qq, 0), I2(pmulhrsw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x10] = ONLY_66(I2(pblendvb, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x14] = ONLY_66(I2(blendvps, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x15] = ONLY_66(I2(blendvpd, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x17] = ONLY_66(I2(ptest, Vdq, Wdq, F_FLAGS_ONLY)), /* SSE4.1 */
    [0x1c] = BY_PFX(I2(pabsb, Pq, Qq, 0), I2(pabsb, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x1d] = BY_PFX(I2(pabsw, Pq, Qq, 0), I2(pabsw, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    [0x1e] = BY_PFX(I2(pabsd, Pq, Qq, 0), I2(pabsd, Vdq, Wdq, 0), UD, UD), /* SSSE3 */
    /* ---- 20-41: SSE4.1 / SSE4.2 integer ---- */
    [0x20] = ONLY_66(I2(pmovsxbw, Vdq, Wq, 0)), /* SSE4.1 */
    [0x21] = ONLY_66(I2(pmovsxbd, Vdq, Wd, 0)), /* SSE4.1 */
    [0x22] = ONLY_66(I2(pmovsxbq, Vdq, Ww, 0)), /* SSE4.1 */
    [0x23] = ONLY_66(I2(pmovsxwd, Vdq, Wq, 0)), /* SSE4.1 */
    [0x24] = ONLY_66(I2(pmovsxwq, Vdq, Wd, 0)), /* SSE4.1 */
    [0x25] = ONLY_66(I2(pmovsxdq, Vdq, Wq, 0)), /* SSE4.1 */
    [0x28] = ONLY_66(I2(pmuldq, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x29] = ONLY_66(I2(pcmpeqq, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x2a] = ONLY_66(I2(movntdqa, Vdq, Mdq, 0)), /* SSE4.1 */
    [0x2b] = ONLY_66(I2(packusdw, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x30] = ONLY_66(I2(pmovzxbw, Vdq, Wq, 0)), /* SSE4.1 */
    [0x31] = ONLY_66(I2(pmovzxbd, Vdq, Wd, 0)), /* SSE4.1 */
    [0x32] = ONLY_66(I2(pmovzxbq, Vdq, Ww, 0)), /* SSE4.1 */
    [0x33] = ONLY_66(I2(pmovzxwd, Vdq, Wq, 0)), /* SSE4.1 */
    [0x34] = ONLY_66(I2(pmovzxwq, Vdq, Wd, 0)), /* SSE4.1 */
    [0x35] = ONLY_66(I2(pmovzxdq, Vdq, Wq, 0)), /* SSE4.1 */
    [0x37] = ONLY_66(I2(pcmpgtq, Vdq, Wdq, 0)), /* SSE4.2 */
    [0x38] = ONLY_66(I2(pminsb, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x39] = ONLY_66(I2(pminsd, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x3a] = ONLY_66(I2(pminuw, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x3b] = ONLY_66(I2(pminud, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x3c] = ONLY_66(I2(pmaxsb, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x3d] = ONLY_66(I2(pmaxsd, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x3e] = ONLY_66(I2(pmaxuw, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x3f] = ONLY_66(I2(pmaxud, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x40] = ONLY_66(I2(pmulld, Vdq, Wdq, 0)), /* SSE4.1 */
    [0x41] = ONLY_66(I2(phminposuw, Vdq, Wdq, 0)), /* SSE4.1 */
    /* ---- 80-82: INVEPT, INVVPID, INVPCID ---- */
    [0x80] = ONLY_66(I2(invept, Gq, Mdq, F_PRIV)), /* VTX */
    [0x81] = ONLY_66(I2(invvpid, Gq, Mdq, F_PRIV)), /* VTX */
    [0x82] = ONLY_66(I2(invpcid, Gq, Mdq, F_PRIV)), /* INVPCID */
    /* ---- C8-DF: SHA, GFNI, AES, Key Locker ---- */
    [0xc8] = ONLY_NP(I2(sha1nexte, Vdq, Wdq, 0)), /* SHA */
    [0xc9] = ONLY_NP(I2(sha1msg1, Vdq, Wdq, 0)), /* SHA */
    [0xca] = ONLY_NP(I2(sha1msg2, Vdq, Wdq, 0)), /* SHA */
    [0xcb] = ONLY_NP(I2(sha256rnds2, Vdq, Wdq, 0)), /* SHA */
    [0xcc] = ONLY_NP(I2(sha256msg1, Vdq, Wdq, 0)), /* SHA */
    [0xcd] = ONLY_NP(I2(sha256msg2, Vdq, Wdq, 0)), /* SHA */
    [0xcf] = ONLY_66(I2(gf2p8mulb, Vdq, Wdq, 0)), /* GFNI */
    [0xd8] = ONLY_F3(
        BY_REG(
            I1(aesencwide128kl, M_, 0),
            I1(aesdecwide128kl, M_, 0),
            I1(aesencwide256kl, M_, 0),
            I1(aesdecwide256kl, M_, 0),
            UD, UD, UD, UD)), /* KEYLOCKER_WIDE */
    [0xdb] = ONLY_66(I2(aesimc, Vdq, Wdq, 0)), /* AES */
    [0xdc] = BY_PFX(
        UD,
        I2(aesenc, Vdq, Wdq, 0),
        BY_MOD(I2(aesenc128kl, Vdq, M_, 0), I2(loadiwkey, Vdq, Udq, F_PRIV)),
        UD), /* AES KEYLOCKER */
    [0xdd] = BY_PFX(
        UD,
        I2(aesenclast, Vdq, Wdq, 0),
        I2(aesdec128kl, Vdq, M_, 0),
        UD), /* AES KEYLOCKER */
    [0xde] = BY_PFX(
        UD,
        I2(aesdec, Vdq, Wdq, 0),
        I2(aesenc256kl, Vdq, M_, 0),
        UD), /* AES KEYLOCKER */
    [0xdf] = BY_PFX(
        UD,
        I2(aesdeclast, Vdq, Wdq, 0),
        I2(aesdec256kl, Vdq, M_, 0),
        UD), /* AES KEYLOCKER */
    /* ---- F0-FB: MOVBE, CRC32, CET shadow stack, ADCX/ADOX, MOVDIR*, ENQCMD*, Key Locker ---- */
    [0xf0] = BY_REP(I2(movbe, Gv, Mv, 0), UD, I2(crc32, Gy, Eb, 0)), /* MOVBE SSE4.2 */
    [0xf1] = BY_REP(I2(movbe, Mv, Gv, 0), UD, I2(crc32, Gy, Ev, 0)), /* MOVBE SSE4.2 */
    [0xf5] = ONLY_66(BY_W(I2(wrussd, Md, Gd, 0), I2(wrussq, Mq, Gq, 0))), /* CET */
    [0xf6] = BY_PFX(
        BY_W(I2(wrssd, Md, Gd, 0), I2(wrssq, Mq, Gq, 0)),
        I2(adcx, Gy, Ey, 0),
        I2(adox, Gy, Ey, 0),
        UD), /* ADOX_ADCX CET */
    [0xf8] = BY_PFX(
        UD,
        I2(movdir64b, Gq, M_, 0),
        I2(enqcmds, Gq, M_, 0),
        I2(enqcmd, Gq, M_, 0)), /* ENQCMD MOVDIR */
    [0xf9] = ONLY_NP(I2(movdiri, My, Gy, 0)), /* MOVDIR */
    [0xfa] = ONLY_F3(I2(encodekey128, Gd, Rd, 0)), /* KEYLOCKER */
    [0xfb] = ONLY_F3(I2(encodekey256, Gd, Rd, 0)), /* KEYLOCKER */
};
// clang-format on

/* 0F 3A xx: every row has an imm8. */
// clang-format off
const struct optab optab_0f3a[256] = {
    /* ---- 08-63: SSE4.1 / SSE4.2 / SSSE3 / PCLMULQDQ (every row has an imm8) ---- */
    [0x08] = ONLY_66(I3(roundps, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x09] = ONLY_66(I3(roundpd, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x0a] = ONLY_66(I3(roundss, Vd, Wd, Ib, 0)), /* SSE4.1 */
    [0x0b] = ONLY_66(I3(roundsd, Vq, Wq, Ib, 0)), /* SSE4.1 */
    [0x0c] = ONLY_66(I3(blendps, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x0d] = ONLY_66(I3(blendpd, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x0e] = ONLY_66(I3(pblendw, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x0f] = BY_PFX(I3(palignr, Pq, Qq, Ib, 0), I3(palignr, Vdq, Wdq, Ib, 0), UD, UD), /* SSSE3 */
    [0x14] = ONLY_66(I3(pextrb, Eb, Vdq, Ib, 0)), /* SSE4.1 */
    [0x15] = ONLY_66(I3(pextrw, Ew, Vdq, Ib, 0)), /* SSE4.1 */
    /* SSE4.1 */
    [0x16] = ONLY_66(BY_W(I3(pextrd, Ed, Vdq, Ib, 0), I3(pextrq, Eq, Vdq, Ib, 0))),
    [0x17] = ONLY_66(I3(extractps, Ed, Vdq, Ib, 0)), /* SSE4.1 */
    [0x20] = ONLY_66(I3(pinsrb, Vdq, Eb, Ib, 0)), /* SSE4.1 */
    [0x21] = ONLY_66(I3(insertps, Vdq, Wd, Ib, 0)), /* SSE4.1 */
    /* SSE4.1 */
    [0x22] = ONLY_66(BY_W(I3(pinsrd, Vdq, Ed, Ib, 0), I3(pinsrq, Vdq, Eq, Ib, 0))),
    [0x40] = ONLY_66(I3(dpps, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x41] = ONLY_66(I3(dppd, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x42] = ONLY_66(I3(mpsadbw, Vdq, Wdq, Ib, 0)), /* SSE4.1 */
    [0x44] = ONLY_66(I3(pclmulqdq, Vdq, Wdq, Ib, 0)), /* PCLMULQDQ */
    [0x60] = ONLY_66(I3(pcmpestrm, Vdq, Wdq, Ib, 0)), /* SSE4.2 */
    [0x61] = ONLY_66(I3(pcmpestri, Vdq, Wdq, Ib, 0)), /* SSE4.2 */
    [0x62] = ONLY_66(I3(pcmpistrm, Vdq, Wdq, Ib, 0)), /* SSE4.2 */
    [0x63] = ONLY_66(I3(pcmpistri, Vdq, Wdq, Ib, 0)), /* SSE4.2 */
    /* ---- CC-F0: SHA, GFNI, AES, HRESET ---- */
    [0xcc] = ONLY_NP(I3(sha1rnds4, Vdq, Wdq, Ib, 0)), /* SHA */
    [0xce] = ONLY_66(I3(gf2p8affineqb, Vdq, Wdq, Ib, 0)), /* GFNI */
    [0xcf] = ONLY_66(I3(gf2p8affineinvqb, Vdq, Wdq, Ib, 0)), /* GFNI */
    [0xdf] = ONLY_66(I3(aeskeygenassist, Vdq, Wdq, Ib, 0)), /* AES */
    [0xf0] = ONLY_F3(
        BY_MOD(
            UD,
            BY_REG(
                BY_RM(I1(hreset, Ib, F_MODRM), UD, UD, UD, UD, UD, UD, UD),
                UD, UD, UD, UD, UD, UD, UD))), /* HRESET */
};
// clang-format on
