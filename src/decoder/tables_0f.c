/* Two-byte opcode map (0F xx) and the 3DNow! suffix map (0F 0F ModRM [SIB] [disp] suffix).
 *
 * Data only: one designated initializer per opcode, written in the SDM's opcode-map notation
 * (optab.h; operand shorthands for the SIMD forms in tables_simd.h). Valid combinations of
 * mandatory prefix, ModRM.reg/rm/mod, W and L were checked against Zydis 4.0 by enumeration
 * (docs/opcode-maps.md says how); the trailing comment of each row names its ISA sets. */
#define OPTAB_SHORTHANDS
#include "decoder.h"
#include "optab.h"
#include "tables_simd.h"

/* MOV to/from a control or debug register (privileged; mod ignored). */
#define MOV_CR(to, from) I2(mov, to, from, F_MOD_IS_REG | F_PRIV)
/* MPX memory forms: #UD with 16-bit addressing. */
#define MPX_MEMORY(...) SEL_(SEL_ASIZE, 3, UD, __VA_ARGS__, __VA_ARGS__)

/* 0F xx. 0F 0F, 0F 38 and 0F 3A are escapes handled by the engine (their slots stay empty). */
// clang-format off
const struct optab optab_0f[256] = {
    /* ---- 00-01: groups 6 and 7: descriptor tables, VMX, SVM, SGX, ... selected by ModRM ---- */
    [0x00] = BY_REG(
        I1(sldt, Ew, 0),
        I1(str, Ew, 0),
        I1(lldt, Ew, F_PRIV),
        I1(ltr, Ew, F_PRIV),
        I1(verr, Ew, 0),
        I1(verw, Ew, 0),
        UD, UD), /* 80286 */
    /* 80286 80486 AMD_INVLPGB CET CLZERO MCOMMIT MONITOR MONITORX PCONFIG PKU RDPRU RDTSCP RTM
     * SERIALIZE SGX SGX_ENCLV SMAP SNP SVM TDX TSX_LDTRK UINTR VMFUNC VTX XSAVE x86-64 */
    [0x01] = BY_REG(
        BY_MOD(
            I1(sgdt, Ms, 0),
            BY_RM(
                ONLY_NP(I0(enclv, F_MODRM)),
                ONLY_NP(I0(vmcall, F_PRIV | F_BRANCH | F_MODRM)),
                ONLY_NP(I0(vmlaunch, F_PRIV | F_BRANCH | F_MODRM)),
                ONLY_NP(I0(vmresume, F_PRIV | F_BRANCH | F_MODRM)),
                ONLY_NP(I0(vmxoff, F_PRIV | F_MODRM)),
                ONLY_NP(I0(pconfig, F_PRIV | F_MODRM)),
                UD, UD)),
        BY_MOD(
            I1(sidt, Ms, 0),
            BY_RM(
                ONLY_NP(I0(monitor, F_MODRM)),
                ONLY_NP(I0(mwait, F_MODRM)),
                ONLY_NP(I0(clac, F_MODRM)),
                ONLY_NP(I0(stac, F_MODRM)),
                ONLY_66(I0(tdcall, F_MODRM)),
                ONLY_66(I0(seamret, F_ONLY64 | F_PRIV | F_BRANCH | F_MODRM)),
                ONLY_66(I0(seamops, F_ONLY64 | F_PRIV | F_MODRM)),
                BY_PFX(
                    I0(encls, F_PRIV | F_MODRM),
                    I0(seamcall, F_ONLY64 | F_PRIV | F_BRANCH | F_MODRM),
                    UD, UD))),
        BY_MOD(
            I1(lgdt, Ms, F_PRIV),
            BY_RM(
                ONLY_NP(I0(xgetbv, F_MODRM)),
                ONLY_NP(I0(xsetbv, F_PRIV | F_MODRM)),
                UD, UD,
                ONLY_NP(I0(vmfunc, F_MODRM)),
                ONLY_NP(I0(xend, F_MODRM)),
                ONLY_NP(I0(xtest, F_MODRM)),
                ONLY_NP(I0(enclu, F_MODRM)))),
        BY_MOD(
            I1(lidt, Ms, F_PRIV),
            BY_RM(
                I0(vmrun, F_PRIV | F_BRANCH | F_MODRM),
                I0(vmmcall, F_BRANCH | F_MODRM),
                I0(vmload, F_PRIV | F_MODRM),
                I0(vmsave, F_PRIV | F_MODRM),
                I0(stgi, F_PRIV | F_MODRM),
                I0(clgi, F_PRIV | F_MODRM),
                I0(skinit, F_PRIV | F_MODRM),
                I0(invlpga, F_PRIV | F_MODRM))),
        I1(smsw, Ew, 0),
        BY_MOD(
            ONLY_F3(I1(rstorssp, Mq, 0)),
            BY_RM(
                BY_PFX(
                    I0(serialize, F_MODRM),
                    UD,
                    I0(setssbsy, F_PRIV | F_MODRM),
                    I0(xsusldtrk, F_MODRM)),
                ONLY_F2(I0(xresldtrk, F_MODRM)),
                ONLY_F3(I0(saveprevssp, F_MODRM)),
                UD,
                ONLY_F3(I0(uiret, F_ONLY64 | F_BRANCH | F_MODRM)),
                ONLY_F3(I0(testui, F_ONLY64 | F_MODRM)),
                BY_PFX(I0(rdpkru, F_MODRM), UD, I0(clui, F_ONLY64 | F_MODRM), UD),
                BY_PFX(I0(wrpkru, F_MODRM), UD, I0(stui, F_ONLY64 | F_MODRM), UD))),
        I1(lmsw, Ew, F_PRIV),
        BY_MOD(
            I1(invlpg, M_, F_PRIV),
            BY_RM(
                I0(swapgs, F_ONLY64 | F_PRIV | F_MODRM),
                I0(rdtscp, F_MODRM),
                BY_PFX(I0(monitorx, F_MODRM), UD, I0(mcommit, F_MODRM), UD),
                ONLY_NP(I0(mwaitx, F_MODRM)),
                I0(clzero, F_MODRM),
                I0(rdpru, F_MODRM),
                BY_PFX(
                    I0(invlpgb, F_PRIV | F_MODRM),
                    UD,
                    I0(rmpadjust, F_ONLY64 | F_PRIV | F_MODRM),
                    I0(rmpupdate, F_ONLY64 | F_PRIV | F_MODRM)),
                BY_PFX(
                    I0(tlbsync, F_PRIV | F_MODRM),
                    UD,
                    I0(psmash, F_ONLY64 | F_PRIV | F_MODRM),
                    I0(pvalidate, F_PRIV | F_MODRM))))),
    /* ---- 02-0E: LAR/LSL, fast system calls, cache control, UD2, prefetch group, FEMMS ---- */
    [0x02] = I2(lar, Gv, Ew, 0), /* 80286 */
    [0x03] = I2(lsl, Gv, Ew, 0), /* 80286 */
    [0x05] = I0(syscall, F_BRANCH), /* x86-64 */
    [0x06] = I0(clts, F_PRIV), /* 80286 */
    [0x07] = I0(sysret, F_PRIV | F_BRANCH), /* x86-64 */
    [0x08] = I0(invd, F_PRIV), /* 80486 */
    [0x09] = I0(wbinvd, F_PRIV), /* 80486 */
    [0x0b] = I0(ud2, 0), /* P6 */
    [0x0d] = BY_MOD(
        BY_REG(
            I1(prefetch, M_, 0),
            I1(prefetchw, M_, 0),
            I1(prefetchwt1, M_, 0),
            I1(prefetch, M_, 0),
            I1(prefetch, M_, 0),
            I1(prefetch, M_, 0),
            I1(prefetch, M_, 0),
            I1(prefetch, M_, 0)),
        I2(nop, Rv, Gv, 0)), /* PREFETCHWT1 hint NOP */
    [0x0e] = I0(femms, 0), /* 3DNow! */
    /* ---- 10-17: SSE/SSE2/SSE3 moves and unpacks ---- */
    [0x10] = BY_PFX(
        I2(movups, Vdq, Wdq, 0),
        I2(movupd, Vdq, Wdq, 0),
        I2(movss, Vdq, Wd, 0),
        I2(movsd, Vdq, Wq, 0)), /* SSE SSE2 */
    [0x11] = BY_PFX(
        I2(movups, Wdq, Vdq, 0),
        I2(movupd, Wdq, Vdq, 0),
        I2(movss, Wd, Vd, 0),
        I2(movsd, Wq, Vq, 0)), /* SSE SSE2 */
    [0x12] = BY_PFX(
        BY_MOD(I2(movlps, Vq, Mq, 0), I2(movhlps, Vq, Uq, 0)),
        I2(movlpd, Vq, Mq, 0),
        I2(movsldup, Vdq, Wdq, 0),
        I2(movddup, Vdq, Wq, 0)), /* SSE SSE2 SSE3 */
    [0x13] = BY_PFX(I2(movlps, Mq, Vq, 0), I2(movlpd, Mq, Vq, 0), UD, UD), /* SSE SSE2 */
    [0x14] = BY_PFX(I2(unpcklps, Vdq, Wdq, 0), I2(unpcklpd, Vdq, Wdq, 0), UD, UD), /* SSE SSE2 */
    [0x15] = BY_PFX(I2(unpckhps, Vdq, Wdq, 0), I2(unpckhpd, Vdq, Wdq, 0), UD, UD), /* SSE SSE2 */
    [0x16] = BY_PFX(
        BY_MOD(I2(movhps, Vq, Mq, 0), I2(movlhps, Vq, Uq, 0)),
        I2(movhpd, Vq, Mq, 0),
        I2(movshdup, Vdq, Wdq, 0),
        UD), /* SSE SSE2 SSE3 */
    [0x17] = BY_PFX(I2(movhps, Mq, Vdq, 0), I2(movhpd, Mq, Vq, 0), UD, UD), /* SSE SSE2 */
    /* ---- 18-1F: prefetch hints, MPX, CET, CLDEMOTE and the hint NOPs ---- */
    [0x18] = BY_MOD(
        BY_REG(
            I1(prefetchnta, M_, 0),
            I1(prefetcht0, M_, 0),
            I1(prefetcht1, M_, 0),
            I1(prefetcht2, M_, 0),
            I1(nop, M_, 0),
            I1(nop, M_, 0),
            I1(nop, M_, 0),
            I1(nop, M_, 0)),
        I1(nop, Rv, 0)), /* SSE hint NOP */
    [0x19] = I2(nop, Ev, Gv, 0), /* hint NOP */
    [0x1a] = BY_PFX(
        BY_MOD(MPX_MEMORY(I2(bndldx, BND, M_, F_NO_RIP_RELATIVE)), I1(nop, Gy, 0)),
        BY_MOD(MPX_MEMORY(I2(bndmov, BND, BNDE, 0)), I2(bndmov, BND, BNDE, 0)),
        BY_MOD(MPX_MEMORY(I2(bndcl, BND, Ey, F_FORCE64)), I2(bndcl, BND, Ey, F_FORCE64)),
        BY_MOD(
            MPX_MEMORY(I2(bndcu, BND, Ey, F_FORCE64)),
            I2(bndcu, BND, Ey, F_FORCE64))), /* MPX P6 */
    [0x1b] = BY_PFX(
        BY_MOD(MPX_MEMORY(I2(bndstx, M_, BND, F_NO_RIP_RELATIVE)), I1(nop, Gy, 0)),
        BY_MOD(MPX_MEMORY(I2(bndmov, BNDE, BND, 0)), I2(bndmov, BNDE, BND, 0)),
        BY_MOD(MPX_MEMORY(I2(bndmk, BND, M_, F_NO_RIP_RELATIVE)), I1(nop, Gy, 0)),
        BY_MOD(
            MPX_MEMORY(I2(bndcn, BND, Ey, F_FORCE64)),
            I2(bndcn, BND, Ey, F_FORCE64))), /* MPX P6 */
    [0x1c] = BY_MOD(
        BY_REG(
            BY_PFX(
                I1(cldemote, M_, 0),
                BY_W(I2(nop, M_, Gw, 0), I2(nop, M_, Gq, 0)),
                I2(nop, M_, Gy, 0),
                I2(nop, M_, Gy, 0)),
            I2(nop, M_, Gv, 0),
            I2(nop, M_, Gv, 0),
            I2(nop, M_, Gv, 0),
            I2(nop, M_, Gv, 0),
            I2(nop, M_, Gv, 0),
            I2(nop, M_, Gv, 0),
            I2(nop, M_, Gv, 0)),
        I2(nop, Rv, Gv, 0)), /* CLDEMOTE hint NOP */
    [0x1d] = I2(nop, Ev, Gv, 0), /* hint NOP */
    [0x1e] = BY_PFX(
        I2(nop, Ev, Gy, 0),
        BY_MOD(BY_W(I2(nop, M_, Gw, 0), I2(nop, M_, Gq, 0)), I2(nop, Ry, Gy, 0)),
        BY_MOD(
            I2(nop, M_, Gy, 0),
            BY_W(
                BY_REG(
                    I2(nop, Rd, Gd, 0),
                    I1(rdsspd, Rd, 0),
                    I2(nop, Rd, Gd, 0),
                    I2(nop, Rd, Gd, 0),
                    I2(nop, Rd, Gd, 0),
                    I2(nop, Rd, Gd, 0),
                    I2(nop, Rd, Gd, 0),
                    BY_RM(
                        I2(nop, Rd, Gd, 0),
                        I2(nop, Rd, Gd, 0),
                        I0(endbr64, F_MODRM),
                        I0(endbr32, F_MODRM),
                        I2(nop, Rd, Gd, 0),
                        I2(nop, Rd, Gd, 0),
                        I2(nop, Rd, Gd, 0),
                        I2(nop, Rd, Gd, 0))),
                BY_REG(
                    I2(nop, Rq, Gq, 0),
                    I1(rdsspq, Rq, 0),
                    I2(nop, Rq, Gq, 0),
                    I2(nop, Rq, Gq, 0),
                    I2(nop, Rq, Gq, 0),
                    I2(nop, Rq, Gq, 0),
                    I2(nop, Rq, Gq, 0),
                    BY_RM(
                        I2(nop, Rq, Gq, 0),
                        I2(nop, Rq, Gq, 0),
                        I0(endbr64, F_MODRM),
                        I0(endbr32, F_MODRM),
                        I2(nop, Rq, Gq, 0),
                        I2(nop, Rq, Gq, 0),
                        I2(nop, Rq, Gq, 0),
                        I2(nop, Rq, Gq, 0))))),
        I2(nop, Ev, Gy, 0)), /* CET P6 */
    [0x1f] = I2(nop, Ev, Gv, 0), /* hint NOP */
    /* MOV to/from control and debug registers: mod is ignored (always a register). ModRM.reg
     * names the register: CR0, CR2-CR4 here, CR8 with REX.R (the engine checks REX.R). */
    [0x20] = BY_REG(MOV_CR(Ry, Cd), UD, MOV_CR(Ry, Cd), MOV_CR(Ry, Cd), MOV_CR(Ry, Cd), UD, UD, UD),
    [0x21] = MOV_CR(Ry, Dd),
    [0x22] = BY_REG(MOV_CR(Cd, Ry), UD, MOV_CR(Cd, Ry), MOV_CR(Cd, Ry), MOV_CR(Cd, Ry), UD, UD, UD),
    [0x23] = MOV_CR(Dd, Ry),
    /* ---- 28-2F: SSE/SSE2 moves, conversions, (U)COMIS ---- */
    [0x28] = BY_PFX(I2(movaps, Vdq, Wdq, 0), I2(movapd, Vdq, Wdq, 0), UD, UD), /* SSE SSE2 */
    [0x29] = BY_PFX(I2(movaps, Wdq, Vdq, 0), I2(movapd, Wdq, Vdq, 0), UD, UD), /* SSE SSE2 */
    [0x2a] = BY_PFX(
        I2(cvtpi2ps, Vq, Qq, 0),
        I2(cvtpi2pd, Vdq, Qq, 0),
        I2(cvtsi2ss, Vd, Ey, 0),
        I2(cvtsi2sd, Vq, Ey, 0)), /* SSE SSE2 */
    [0x2b] = BY_PFX(
        I2(movntps, Mdq, Vdq, 0),
        I2(movntpd, Mdq, Vdq, 0),
        I2(movntss, Md, Vd, 0),
        I2(movntsd, Mq, Vq, 0)), /* SSE SSE2 SSE4A */
    [0x2c] = BY_PFX(
        I2(cvttps2pi, Pq, Wq, 0),
        I2(cvttpd2pi, Pq, Wdq, 0),
        I2(cvttss2si, Gy, Wd, 0),
        I2(cvttsd2si, Gy, Wq, 0)), /* SSE SSE2 */
    [0x2d] = BY_PFX(
        I2(cvtps2pi, Pq, Wq, 0),
        I2(cvtpd2pi, Pq, Wdq, 0),
        I2(cvtss2si, Gy, Wd, 0),
        I2(cvtsd2si, Gy, Wq, 0)), /* SSE SSE2 */
    [0x2e] = BY_PFX(
        I2(ucomiss, Vd, Wd, F_FLAGS_ONLY),
        I2(ucomisd, Vq, Wq, F_FLAGS_ONLY),
        UD, UD), /* SSE SSE2 */
    [0x2f] = BY_PFX(
        I2(comiss, Vd, Wd, F_FLAGS_ONLY),
        I2(comisd, Vq, Wq, F_FLAGS_ONLY),
        UD, UD), /* SSE SSE2 */
    /* ---- 30-37: MSRs, time stamp and performance counters, SYSENTER/SYSEXIT, GETSEC ---- */
    [0x30] = I0(wrmsr, F_PRIV), /* Pentium */
    [0x31] = I0(rdtsc, 0), /* Pentium */
    [0x32] = I0(rdmsr, F_PRIV), /* Pentium */
    [0x33] = I0(rdpmc, 0), /* RDPMC */
    [0x34] = I0(sysenter, F_BRANCH), /* P6 */
    [0x35] = I0(sysexit, F_PRIV | F_BRANCH), /* P6 */
    [0x37] = ONLY_NP(I0(getsec, 0)), /* SMX */
    /* ---- 40-4F: CMOVcc ---- */
    [0x40] = I2(cmovo, Gv, Ev, 0), /* CMOV */
    [0x41] = I2(cmovno, Gv, Ev, 0), /* CMOV */
    [0x42] = I2(cmovb, Gv, Ev, 0), /* CMOV */
    [0x43] = I2(cmovnb, Gv, Ev, 0), /* CMOV */
    [0x44] = I2(cmovz, Gv, Ev, 0), /* CMOV */
    [0x45] = I2(cmovnz, Gv, Ev, 0), /* CMOV */
    [0x46] = I2(cmovbe, Gv, Ev, 0), /* CMOV */
    [0x47] = I2(cmovnbe, Gv, Ev, 0), /* CMOV */
    [0x48] = I2(cmovs, Gv, Ev, 0), /* CMOV */
    [0x49] = I2(cmovns, Gv, Ev, 0), /* CMOV */
    [0x4a] = I2(cmovp, Gv, Ev, 0), /* CMOV */
    [0x4b] = I2(cmovnp, Gv, Ev, 0), /* CMOV */
    [0x4c] = I2(cmovl, Gv, Ev, 0), /* CMOV */
    [0x4d] = I2(cmovnl, Gv, Ev, 0), /* CMOV */
    [0x4e] = I2(cmovle, Gv, Ev, 0), /* CMOV */
    [0x4f] = I2(cmovnle, Gv, Ev, 0), /* CMOV */
    /* ---- 50-5F: SSE/SSE2 arithmetic, logic and conversions ---- */
    [0x50] = BY_PFX(I2(movmskps, Gy, Udq, 0), I2(movmskpd, Gy, Udq, 0), UD, UD), /* SSE SSE2 */
    [0x51] = BY_PFX(
        I2(sqrtps, Vdq, Wdq, 0),
        I2(sqrtpd, Vdq, Wdq, 0),
        I2(sqrtss, Vd, Wd, 0),
        I2(sqrtsd, Vq, Wq, 0)), /* SSE SSE2 */
    [0x52] = BY_PFX(I2(rsqrtps, Vdq, Wdq, 0), UD, I2(rsqrtss, Vd, Wd, 0), UD), /* SSE */
    [0x53] = BY_PFX(I2(rcpps, Vdq, Wdq, 0), UD, I2(rcpss, Vd, Wd, 0), UD), /* SSE */
    [0x54] = BY_PFX(I2(andps, Vdq, Wdq, 0), I2(andpd, Vdq, Wdq, 0), UD, UD), /* SSE SSE2 */
    [0x55] = BY_PFX(I2(andnps, Vdq, Wdq, 0), I2(andnpd, Vdq, Wdq, 0), UD, UD), /* SSE SSE2 */
    [0x56] = BY_PFX(I2(orps, Vdq, Wdq, 0), I2(orpd, Vdq, Wdq, 0), UD, UD), /* SSE SSE2 */
    [0x57] = BY_PFX(I2(xorps, Vdq, Wdq, 0), I2(xorpd, Vdq, Wdq, 0), UD, UD), /* SSE SSE2 */
    [0x58] = BY_PFX(
        I2(addps, Vdq, Wdq, 0),
        I2(addpd, Vdq, Wdq, 0),
        I2(addss, Vd, Wd, 0),
        I2(addsd, Vq, Wq, 0)), /* SSE SSE2 */
    [0x59] = BY_PFX(
        I2(mulps, Vdq, Wdq, 0),
        I2(mulpd, Vdq, Wdq, 0),
        I2(mulss, Vd, Wd, 0),
        I2(mulsd, Vq, Wq, 0)), /* SSE SSE2 */
    [0x5a] = BY_PFX(
        I2(cvtps2pd, Vdq, Wq, 0),
        I2(cvtpd2ps, Vdq, Wdq, 0),
        I2(cvtss2sd, Vq, Wd, 0),
        I2(cvtsd2ss, Vd, Wq, 0)), /* SSE2 */
    [0x5b] = BY_PFX(
        I2(cvtdq2ps, Vdq, Wdq, 0),
        I2(cvtps2dq, Vdq, Wdq, 0),
        I2(cvttps2dq, Vdq, Wdq, 0),
        UD), /* SSE2 */
    [0x5c] = BY_PFX(
        I2(subps, Vdq, Wdq, 0),
        I2(subpd, Vdq, Wdq, 0),
        I2(subss, Vd, Wd, 0),
        I2(subsd, Vq, Wq, 0)), /* SSE SSE2 */
    [0x5d] = BY_PFX(
        I2(minps, Vdq, Wdq, 0),
        I2(minpd, Vdq, Wdq, 0),
        I2(minss, Vd, Wd, 0),
        I2(minsd, Vq, Wq, 0)), /* SSE SSE2 */
    [0x5e] = BY_PFX(
        I2(divps, Vdq, Wdq, 0),
        I2(divpd, Vdq, Wdq, 0),
        I2(divss, Vd, Wd, 0),
        I2(divsd, Vq, Wq, 0)), /* SSE SSE2 */
    [0x5f] = BY_PFX(
        I2(maxps, Vdq, Wdq, 0),
        I2(maxpd, Vdq, Wdq, 0),
        I2(maxss, Vd, Wd, 0),
        I2(maxsd, Vq, Wq, 0)), /* SSE SSE2 */
    /* ---- 60-7F: MMX (no prefix) / SSE2 (66) integer, groups 12-14, VMX, SSE4A, SSE3 ---- */
    [0x60] = BY_PFX(I2(punpcklbw, Pq, Qd, 0), I2(punpcklbw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x61] = BY_PFX(I2(punpcklwd, Pq, Qd, 0), I2(punpcklwd, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x62] = BY_PFX(I2(punpckldq, Pq, Qd, 0), I2(punpckldq, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x63] = BY_PFX(I2(packsswb, Pq, Qq, 0), I2(packsswb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x64] = BY_PFX(I2(pcmpgtb, Pq, Qq, 0), I2(pcmpgtb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x65] = BY_PFX(I2(pcmpgtw, Pq, Qq, 0), I2(pcmpgtw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x66] = BY_PFX(I2(pcmpgtd, Pq, Qq, 0), I2(pcmpgtd, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x67] = BY_PFX(I2(packuswb, Pq, Qq, 0), I2(packuswb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x68] = BY_PFX(I2(punpckhbw, Pq, Qq, 0), I2(punpckhbw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x69] = BY_PFX(I2(punpckhwd, Pq, Qq, 0), I2(punpckhwd, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x6a] = BY_PFX(I2(punpckhdq, Pq, Qq, 0), I2(punpckhdq, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x6b] = BY_PFX(I2(packssdw, Pq, Qq, 0), I2(packssdw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x6c] = ONLY_66(I2(punpcklqdq, Vdq, Wdq, 0)), /* SSE2 */
    [0x6d] = ONLY_66(I2(punpckhqdq, Vdq, Wdq, 0)), /* SSE2 */
    [0x6e] = BY_PFX(
        BY_W(I2(movd, Pq, Ed, 0), I2(movq, Pq, Eq, 0)),
        BY_W(I2(movd, Vdq, Ed, 0), I2(movq, Vdq, Eq, 0)),
        UD, UD), /* MMX SSE2 */
    [0x6f] = BY_PFX(
        I2(movq, Pq, Qq, 0),
        I2(movdqa, Vdq, Wdq, 0),
        I2(movdqu, Vdq, Wdq, 0),
        UD), /* MMX SSE2 */
    [0x70] = BY_PFX(
        I3(pshufw, Pq, Qq, Ib, 0),
        I3(pshufd, Vdq, Wdq, Ib, 0),
        I3(pshufhw, Vdq, Wdq, Ib, 0),
        I3(pshuflw, Vdq, Wdq, Ib, 0)), /* MMX SSE2 */
    [0x71] = BY_PFX(
        BY_REG(
            UD, UD,
            I2(psrlw, Nq, Ib, 0),
            UD,
            I2(psraw, Nq, Ib, 0),
            UD,
            I2(psllw, Nq, Ib, 0),
            UD),
        BY_REG(
            UD, UD,
            I2(psrlw, Udq, Ib, 0),
            UD,
            I2(psraw, Udq, Ib, 0),
            UD,
            I2(psllw, Udq, Ib, 0),
            UD),
        UD, UD), /* MMX SSE2 */
    [0x72] = BY_PFX(
        BY_REG(
            UD, UD,
            I2(psrld, Nq, Ib, 0),
            UD,
            I2(psrad, Nq, Ib, 0),
            UD,
            I2(pslld, Nq, Ib, 0),
            UD),
        BY_REG(
            UD, UD,
            I2(psrld, Udq, Ib, 0),
            UD,
            I2(psrad, Udq, Ib, 0),
            UD,
            I2(pslld, Udq, Ib, 0),
            UD),
        UD, UD), /* MMX SSE2 */
    [0x73] = BY_PFX(
        BY_REG(UD, UD, I2(psrlq, Nq, Ib, 0), UD, UD, UD, I2(psllq, Nq, Ib, 0), UD),
        BY_REG(
            UD, UD,
            I2(psrlq, Udq, Ib, 0),
            I2(psrldq, Udq, Ib, 0),
            UD, UD,
            I2(psllq, Udq, Ib, 0),
            I2(pslldq, Udq, Ib, 0)),
        UD, UD), /* MMX SSE2 */
    [0x74] = BY_PFX(I2(pcmpeqb, Pq, Qq, 0), I2(pcmpeqb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x75] = BY_PFX(I2(pcmpeqw, Pq, Qq, 0), I2(pcmpeqw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x76] = BY_PFX(I2(pcmpeqd, Pq, Qq, 0), I2(pcmpeqd, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0x77] = ONLY_NP(I0(emms, 0)), /* MMX */
    [0x78] = BY_PFX(
        I2(vmread, Eq, Gq, F_PRIV),
        BY_REG(I3(extrq, Uq, Ib, Ib, 0), UD, UD, UD, UD, UD, UD, UD),
        UD,
        I4(insertq, Vq, Uq, Ib, Ib, 0)), /* SSE4A VTX */
    [0x79] = BY_PFX(
        I2(vmwrite, Gq, Eq, F_PRIV),
        I2(extrq, Vq, Udq, 0),
        UD,
        I2(insertq, Vq, Udq, 0)), /* SSE4A VTX */
    [0x7c] = BY_PFX(UD, I2(haddpd, Vdq, Wdq, 0), UD, I2(haddps, Vdq, Wdq, 0)), /* SSE3 */
    [0x7d] = BY_PFX(UD, I2(hsubpd, Vdq, Wdq, 0), UD, I2(hsubps, Vdq, Wdq, 0)), /* SSE3 */
    [0x7e] = BY_PFX(
        BY_W(I2(movd, Ed, Pd, 0), I2(movq, Eq, Pq, 0)),
        BY_W(I2(movd, Ed, Vd, 0), I2(movq, Eq, Vq, 0)),
        I2(movq, Vdq, Wq, 0),
        UD), /* MMX SSE2 */
    [0x7f] = BY_PFX(
        I2(movq, Qq, Pq, 0),
        I2(movdqa, Wdq, Vdq, 0),
        I2(movdqu, Wdq, Vdq, 0),
        UD), /* MMX SSE2 */
    /* ---- 80-8F: Jcc rel16/rel32 ---- */
    [0x80] = I1(jo, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x81] = I1(jno, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x82] = I1(jb, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x83] = I1(jnb, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x84] = I1(jz, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x85] = I1(jnz, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x86] = I1(jbe, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x87] = I1(jnbe, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x88] = I1(js, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x89] = I1(jns, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x8a] = I1(jp, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x8b] = I1(jnp, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x8c] = I1(jl, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x8d] = I1(jnl, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x8e] = I1(jle, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    [0x8f] = I1(jnle, Jz, F_BRANCH | F_FORCE64), /* 8086 */
    /* ---- 90-9F: SETcc ---- */
    [0x90] = I1(seto, Eb, 0), /* 80386 */
    [0x91] = I1(setno, Eb, 0), /* 80386 */
    [0x92] = I1(setb, Eb, 0), /* 80386 */
    [0x93] = I1(setnb, Eb, 0), /* 80386 */
    [0x94] = I1(setz, Eb, 0), /* 80386 */
    [0x95] = I1(setnz, Eb, 0), /* 80386 */
    [0x96] = I1(setbe, Eb, 0), /* 80386 */
    [0x97] = I1(setnbe, Eb, 0), /* 80386 */
    [0x98] = I1(sets, Eb, 0), /* 80386 */
    [0x99] = I1(setns, Eb, 0), /* 80386 */
    [0x9a] = I1(setp, Eb, 0), /* 80386 */
    [0x9b] = I1(setnp, Eb, 0), /* 80386 */
    [0x9c] = I1(setl, Eb, 0), /* 80386 */
    [0x9d] = I1(setnl, Eb, 0), /* 80386 */
    [0x9e] = I1(setle, Eb, 0), /* 80386 */
    [0x9f] = I1(setnle, Eb, 0), /* 80386 */
    /* ---- A0-AF: PUSH/POP FS/GS, CPUID, BT/BTS, SHLD/SHRD, VIA PadLock, group 15, IMUL ---- */
    [0xa0] = I1(push, sFS, F_DEF64), /* 8086 */
    [0xa1] = I1(pop, sFS, F_DEF64), /* 8086 */
    [0xa2] = I0(cpuid, 0), /* 80486 */
    [0xa3] = I2(bt, Ev, Gv, F_FLAGS_ONLY), /* 80386 */
    [0xa4] = I3(shld, Ev, Gv, Ib, 0), /* 80386 */
    [0xa5] = I3(shld, Ev, Gv, CL, 0), /* 80386 */
    [0xa6] = ONLY_F3(
        BY_MOD(
            UD,
            BY_REG(
                BY_RM(I0(montmul, F_MODRM), UD, UD, UD, UD, UD, UD, UD),
                BY_RM(I0(xsha1, F_MODRM), UD, UD, UD, UD, UD, UD, UD),
                BY_RM(I0(xsha256, F_MODRM), UD, UD, UD, UD, UD, UD, UD),
                UD, UD, UD, UD, UD))), /* PADLOCK_PHE PADLOCK_PMM */
    [0xa7] = BY_MOD(
        UD,
        BY_REG(
            BY_RM(
                BY_PFX(I0(xstore, F_MODRM), I0(xstore, F_MODRM), I0(xstore, F_MODRM), UD),
                UD, UD, UD, UD, UD, UD, UD),
            BY_RM(ONLY_F3(I0(xcrypt_ecb, F_MODRM)), UD, UD, UD, UD, UD, UD, UD),
            BY_RM(ONLY_F3(I0(xcrypt_cbc, F_MODRM)), UD, UD, UD, UD, UD, UD, UD),
            BY_RM(ONLY_F3(I0(xcrypt_ctr, F_MODRM)), UD, UD, UD, UD, UD, UD, UD),
            BY_RM(ONLY_F3(I0(xcrypt_cfb, F_MODRM)), UD, UD, UD, UD, UD, UD, UD),
            BY_RM(ONLY_F3(I0(xcrypt_ofb, F_MODRM)), UD, UD, UD, UD, UD, UD, UD),
            UD, UD)), /* PADLOCK_ACE PADLOCK_RNG */
    [0xa8] = I1(push, sGS, F_DEF64), /* 8086 */
    [0xa9] = I1(pop, sGS, F_DEF64), /* 8086 */
    [0xaa] = I0(rsm, F_PRIV | F_BRANCH), /* 80486 */
    [0xab] = I2(bts, Ev, Gv, F_LOCK), /* 80386 */
    [0xac] = I3(shrd, Ev, Gv, Ib, 0), /* 80386 */
    [0xad] = I3(shrd, Ev, Gv, CL, 0), /* 80386 */
    [0xae] = BY_PFX(
        BY_REG(
            BY_MOD(BY_W(I1(fxsave, Mfxsave, 0), I1(fxsave64, Mfxsave, 0)), UD),
            BY_MOD(BY_W(I1(fxrstor, Mfxsave, 0), I1(fxrstor64, Mfxsave, 0)), UD),
            I1(ldmxcsr, Md, 0),
            I1(stmxcsr, Md, 0),
            BY_MOD(BY_W(I1(xsave, Mxsave, 0), I1(xsave64, Mxsave, 0)), UD),
            BY_MOD(BY_W(I1(xrstor, Mxsave, 0), I1(xrstor64, Mxsave, 0)), I0(lfence, F_MODRM)),
            BY_MOD(BY_W(I1(xsaveopt, Mxsave, 0), I1(xsaveopt64, Mxsave, 0)), I0(mfence, F_MODRM)),
            BY_MOD(I1(clflush, M_, 0), I0(sfence, F_MODRM))),
        BY_REG(
            UD, UD, UD, UD, UD, UD,
            BY_MOD(I1(clwb, M_, 0), I1(tpause, Rd, 0)),
            I1(clflushopt, M_, 0)),
        BY_REG(
            I1(rdfsbase, Ry, F_ONLY64),
            I1(rdgsbase, Ry, F_ONLY64),
            I1(wrfsbase, Ry, F_ONLY64),
            I1(wrgsbase, Ry, F_ONLY64),
            I1(ptwrite, Ey, 0),
            BY_MOD(UD, BY_W(I1(incsspd, Rd, 0), I1(incsspq, Rq, 0))),
            BY_MOD(I1(clrssbsy, Mq, F_PRIV), I1(umonitor, Rq, 0)),
            UD),
        BY_REG(
            UD, UD, UD, UD, UD, UD,
            I1(umwait, Rd, 0),
            UD)), /* CET CLFLUSHOPT CLFSH CLWB FXSAVE FXSAVE64 PT RDWRFSGS SSE SSE2 WAITPKG XSAVE XSAVEOPT */
    [0xaf] = I2(imul, Gv, Ev, 0), /* 8086 */
    /* ---- B0-BF: CMPXCHG, LSS/LFS/LGS, BT*, MOVZX/MOVSX, POPCNT, UD1, group 8, BSF/BSR ---- */
    [0xb0] = I2(cmpxchg, Eb, Gb, F_LOCK), /* 80486 */
    [0xb1] = I2(cmpxchg, Ev, Gv, F_LOCK), /* 80486 */
    [0xb2] = I2(lss, Gv, Mp, 0), /* 80386 */
    [0xb3] = I2(btr, Ev, Gv, F_LOCK), /* 80386 */
    [0xb4] = I2(lfs, Gv, Mp, 0), /* 80386 */
    [0xb5] = I2(lgs, Gv, Mp, 0), /* 80386 */
    [0xb6] = I2(movzx, Gv, Eb, 0), /* 80386 */
    [0xb7] = I2(movzx, Gv, Ew, 0), /* 80386 */
    [0xb8] = BY_REP(UD, I2(popcnt, Gv, Ev, 0), UD), /* POPCNT */
    [0xb9] = I2(ud1, Gd, Ed, 0), /* P6 */
    [0xba] = BY_REG(
        UD, UD, UD, UD,
        I2(bt, Ev, Ib, F_FLAGS_ONLY),
        I2(bts, Ev, Ib, F_LOCK),
        I2(btr, Ev, Ib, F_LOCK),
        I2(btc, Ev, Ib, F_LOCK)), /* 80386 */
    [0xbb] = I2(btc, Ev, Gv, F_LOCK), /* 80386 */
    [0xbc] = BY_REP(I2(bsf, Gv, Ev, 0), I2(tzcnt, Gv, Ev, 0), I2(bsf, Gv, Ev, 0)), /* 80386 BMI1 */
    [0xbd] = BY_REP(I2(bsr, Gv, Ev, 0), I2(lzcnt, Gv, Ev, 0), I2(bsr, Gv, Ev, 0)), /* 80386 LZCNT */
    [0xbe] = I2(movsx, Gv, Eb, 0), /* 80386 */
    [0xbf] = I2(movsx, Gv, Ew, 0), /* 80386 */
    /* ---- C0-CF: XADD, SSE compares and shuffles, MOVNTI, PINSRW/PEXTRW, group 9, BSWAP ---- */
    [0xc0] = I2(xadd, Eb, Gb, F_LOCK), /* 80486 */
    [0xc1] = I2(xadd, Ev, Gv, F_LOCK), /* 80486 */
    [0xc2] = BY_PFX(
        I3(cmpps, Vdq, Wdq, Ib, 0),
        I3(cmppd, Vdq, Wdq, Ib, 0),
        I3(cmpss, Vd, Wd, Ib, 0),
        I3(cmpsd, Vq, Wq, Ib, 0)), /* SSE SSE2 */
    [0xc3] = ONLY_NP(I2(movnti, My, Gy, 0)), /* SSE2 */
    [0xc4] = BY_PFX(I3(pinsrw, Pq, Ew, Ib, 0), I3(pinsrw, Vdq, Ew, Ib, 0), UD, UD), /* MMX SSE2 */
    [0xc5] = BY_PFX(I3(pextrw, Gd, Nq, Ib, 0), I3(pextrw, Gd, Udq, Ib, 0), UD, UD), /* MMX SSE2 */
    [0xc6] = BY_PFX(
        I3(shufps, Vdq, Wdq, Ib, 0),
        I3(shufpd, Vdq, Wdq, Ib, 0),
        UD, UD), /* SSE SSE2 */
    [0xc7] = BY_PFX(
        BY_REG(
            UD,
            BY_MOD(BY_W(I1(cmpxchg8b, Mq, F_LOCK), I1(cmpxchg16b, Mdq, F_LOCK)), UD),
            UD,
            BY_MOD(BY_W(I1(xrstors, Mxsave, F_PRIV), I1(xrstors64, Mxsave, F_PRIV)), UD),
            BY_MOD(BY_W(I1(xsavec, Mxsave, 0), I1(xsavec64, Mxsave, 0)), UD),
            BY_MOD(BY_W(I1(xsaves, Mxsave, F_PRIV), I1(xsaves64, Mxsave, F_PRIV)), UD),
            BY_MOD(I1(vmptrld, Mq, F_PRIV), I1(rdrand, Ry, 0)),
            BY_MOD(I1(vmptrst, Mq, F_PRIV), I1(rdseed, Ry, 0))),
        BY_REG(
            UD,
            BY_MOD(BY_W(I1(cmpxchg8b, Mq, F_LOCK), I1(cmpxchg16b, Mdq, F_LOCK)), UD),
            UD, UD, UD, UD,
            BY_MOD(I1(vmclear, Mq, F_PRIV), BY_W(I1(rdrand, Rw, 0), I1(rdrand, Rq, 0))),
            BY_MOD(UD, BY_W(I1(rdseed, Rw, 0), I1(rdseed, Rq, 0)))),
        BY_REG(
            UD,
            BY_MOD(BY_W(I1(cmpxchg8b, Mq, F_LOCK), I1(cmpxchg16b, Mdq, F_LOCK)), UD),
            UD, UD, UD, UD,
            BY_MOD(I1(vmxon, Mq, F_PRIV), I1(senduipi, Rd, F_ONLY64)),
            I1(rdpid, Ry, F_FORCE64)),
        BY_REG(
            UD,
            BY_MOD(BY_W(I1(cmpxchg8b, Mq, F_LOCK), I1(cmpxchg16b, Mdq, F_LOCK)), UD),
            UD, UD, UD, UD, UD, UD)), /* CMPXCHG16B Pentium RDPID RDRAND RDSEED UINTR VTX XSAVEC XSAVES */
    [0xc8] = I1(bswap, Zv, 0), /* 80486 */
    [0xc9] = I1(bswap, Zv, 0), /* 80486 */
    [0xca] = I1(bswap, Zv, 0), /* 80486 */
    [0xcb] = I1(bswap, Zv, 0), /* 80486 */
    [0xcc] = I1(bswap, Zv, 0), /* 80486 */
    [0xcd] = I1(bswap, Zv, 0), /* 80486 */
    [0xce] = I1(bswap, Zv, 0), /* 80486 */
    [0xcf] = I1(bswap, Zv, 0), /* 80486 */
    /* ---- D0-FF: MMX / SSE2 integer arithmetic, SSE3 ADDSUB/LDDQU, UD0 ---- */
    [0xd0] = BY_PFX(UD, I2(addsubpd, Vdq, Wdq, 0), UD, I2(addsubps, Vdq, Wdq, 0)), /* SSE3 */
    [0xd1] = BY_PFX(I2(psrlw, Pq, Qq, 0), I2(psrlw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xd2] = BY_PFX(I2(psrld, Pq, Qq, 0), I2(psrld, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xd3] = BY_PFX(I2(psrlq, Pq, Qq, 0), I2(psrlq, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xd4] = BY_PFX(I2(paddq, Pq, Qq, 0), I2(paddq, Vdq, Wdq, 0), UD, UD), /* SSE2 */
    [0xd5] = BY_PFX(I2(pmullw, Pq, Qq, 0), I2(pmullw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xd6] = BY_PFX(
        UD,
        I2(movq, Wq, Vq, 0),
        I2(movq2dq, Vdq, Nq, 0),
        I2(movdq2q, Pq, Uq, 0)), /* SSE2 */
    [0xd7] = BY_PFX(I2(pmovmskb, Gd, Nq, 0), I2(pmovmskb, Gd, Udq, 0), UD, UD), /* SSE SSE2 */
    [0xd8] = BY_PFX(I2(psubusb, Pq, Qq, 0), I2(psubusb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xd9] = BY_PFX(I2(psubusw, Pq, Qq, 0), I2(psubusw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xda] = BY_PFX(I2(pminub, Pq, Qq, 0), I2(pminub, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xdb] = BY_PFX(I2(pand, Pq, Qq, 0), I2(pand, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xdc] = BY_PFX(I2(paddusb, Pq, Qq, 0), I2(paddusb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xdd] = BY_PFX(I2(paddusw, Pq, Qq, 0), I2(paddusw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xde] = BY_PFX(I2(pmaxub, Pq, Qq, 0), I2(pmaxub, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xdf] = BY_PFX(I2(pandn, Pq, Qq, 0), I2(pandn, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe0] = BY_PFX(I2(pavgb, Pq, Qq, 0), I2(pavgb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe1] = BY_PFX(I2(psraw, Pq, Qq, 0), I2(psraw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe2] = BY_PFX(I2(psrad, Pq, Qq, 0), I2(psrad, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe3] = BY_PFX(I2(pavgw, Pq, Qq, 0), I2(pavgw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe4] = BY_PFX(I2(pmulhuw, Pq, Qq, 0), I2(pmulhuw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe5] = BY_PFX(I2(pmulhw, Pq, Qq, 0), I2(pmulhw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe6] = BY_PFX(
        UD,
        I2(cvttpd2dq, Vdq, Wdq, 0),
        I2(cvtdq2pd, Vdq, Wq, 0),
        I2(cvtpd2dq, Vdq, Wdq, 0)), /* SSE2 */
    [0xe7] = BY_PFX(I2(movntq, Mq, Pq, 0), I2(movntdq, Mdq, Vdq, 0), UD, UD), /* MMX SSE2 */
    [0xe8] = BY_PFX(I2(psubsb, Pq, Qq, 0), I2(psubsb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xe9] = BY_PFX(I2(psubsw, Pq, Qq, 0), I2(psubsw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xea] = BY_PFX(I2(pminsw, Pq, Qq, 0), I2(pminsw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xeb] = BY_PFX(I2(por, Pq, Qq, 0), I2(por, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xec] = BY_PFX(I2(paddsb, Pq, Qq, 0), I2(paddsb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xed] = BY_PFX(I2(paddsw, Pq, Qq, 0), I2(paddsw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xee] = BY_PFX(I2(pmaxsw, Pq, Qq, 0), I2(pmaxsw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xef] = BY_PFX(I2(pxor, Pq, Qq, 0), I2(pxor, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xf0] = ONLY_F2(I2(lddqu, Vdq, Mdq, 0)), /* SSE3 */
    [0xf1] = BY_PFX(I2(psllw, Pq, Qq, 0), I2(psllw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xf2] = BY_PFX(I2(pslld, Pq, Qq, 0), I2(pslld, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xf3] = BY_PFX(I2(psllq, Pq, Qq, 0), I2(psllq, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xf4] = BY_PFX(I2(pmuludq, Pq, Qq, 0), I2(pmuludq, Vdq, Wdq, 0), UD, UD), /* SSE2 */
    [0xf5] = BY_PFX(I2(pmaddwd, Pq, Qq, 0), I2(pmaddwd, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xf6] = BY_PFX(I2(psadbw, Pq, Qq, 0), I2(psadbw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xf7] = BY_PFX(I3(maskmovq, Pq, Nq, MDIq, 0), I3(maskmovdqu, Vdq, Udq, MDIdq, 0), UD, UD), /* MMX SSE2 */
    [0xf8] = BY_PFX(I2(psubb, Pq, Qq, 0), I2(psubb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xf9] = BY_PFX(I2(psubw, Pq, Qq, 0), I2(psubw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xfa] = BY_PFX(I2(psubd, Pq, Qq, 0), I2(psubd, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xfb] = BY_PFX(I2(psubq, Pq, Qq, 0), I2(psubq, Vdq, Wdq, 0), UD, UD), /* SSE2 */
    [0xfc] = BY_PFX(I2(paddb, Pq, Qq, 0), I2(paddb, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xfd] = BY_PFX(I2(paddw, Pq, Qq, 0), I2(paddw, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xfe] = BY_PFX(I2(paddd, Pq, Qq, 0), I2(paddd, Vdq, Wdq, 0), UD, UD), /* MMX SSE2 */
    [0xff] = I2(ud0, Gd, Ed, 0), /* P6 */
};
// clang-format on

/* 3DNow! (AMD): indexed by the suffix byte that follows the operands. */
// clang-format off
const struct optab optab_3dnow[256] = {
    [0x0c] = I2(pi2fw, Pq, Qq, 0), /* 3DNow! */
    [0x0d] = I2(pi2fd, Pq, Qq, 0), /* 3DNow! */
    [0x1c] = I2(pf2iw, Pq, Qq, 0), /* 3DNow! */
    [0x1d] = I2(pf2id, Pq, Qq, 0), /* 3DNow! */
    [0x8a] = I2(pfnacc, Pq, Qq, 0), /* 3DNow! */
    [0x8e] = I2(pfpnacc, Pq, Qq, 0), /* 3DNow! */
    [0x90] = I2(pfcmpge, Pq, Qq, 0), /* 3DNow! */
    [0x94] = I2(pfmin, Pq, Qq, 0), /* 3DNow! */
    [0x96] = I2(pfrcp, Pq, Qq, 0), /* 3DNow! */
    [0x97] = I2(pfsqrt, Pq, Qq, 0), /* 3DNow! */
    [0x9a] = I2(pfsub, Pq, Qq, 0), /* 3DNow! */
    [0x9e] = I2(pfadd, Pq, Qq, 0), /* 3DNow! */
    [0xa0] = I2(pfcmpgt, Pq, Qq, 0), /* 3DNow! */
    [0xa4] = I2(pfmax, Pq, Qq, 0), /* 3DNow! */
    [0xa6] = I2(pfrcpit1, Pq, Qq, 0), /* 3DNow! */
    [0xa7] = I2(pfrsqit1, Pq, Qq, 0), /* 3DNow! */
    [0xaa] = I2(pfsubr, Pq, Qq, 0), /* 3DNow! */
    [0xae] = I2(pfacc, Pq, Qq, 0), /* 3DNow! */
    [0xb0] = I2(pfcmpeq, Pq, Qq, 0), /* 3DNow! */
    [0xb4] = I2(pfmul, Pq, Qq, 0), /* 3DNow! */
    [0xb6] = I2(pfrcpit2, Pq, Qq, 0), /* 3DNow! */
    [0xb7] = I2(pmulhrw, Pq, Qq, 0), /* 3DNow! */
    [0xbb] = I2(pswapd, Pq, Qq, 0), /* 3DNow! */
    [0xbf] = I2(pavgusb, Pq, Qq, 0), /* 3DNow! */
};
// clang-format on
