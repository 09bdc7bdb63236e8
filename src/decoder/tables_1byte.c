/* The one-byte opcode map, x87 escapes D8-DF included: one row per opcode, in the order
 * of the SDM's opcode map (Intel SDM vol. 2, appendix A, table A-2 and A.4/A.5).
 *
 * Opcodes that are prefixes (26 2E 36 3E 40-4F in 64-bit mode 64 65 66 67 F0 F2 F3) and
 * escapes (0F, and C4 C5 62 8F when they start VEX/EVEX/XOP) never reach this table; their
 * entries describe what the byte means when it is an instruction, or are UD. */
#define OPTAB_SHORTHANDS
#include "optab.h"

#include "decoder.h"

/* Operands only this map uses. */
#define Zb_ OPND(OK_Z, SZ_b, 0)
#define Ez OPND(OK_E, SZ_z, 0)
#define Mfenv OPND(OK_M, SZ_env, 0)
#define Mfstate OPND(OK_M, SZ_fsave, 0)
#define XLATb OPND(OK_XLAT, SZ_b, 0)

/* Arithmetic group: ADD OR ADC SBB AND SUB XOR CMP share the six opcode forms of
 * 00-05 (+8 per operation) and the ModRM.reg order of group 1 (80-83). */
#define ALU_FORMS(mn)                                                                              \
    I2(mn, Eb, Gb, F_LOCK), I2(mn, Ev, Gv, F_LOCK), I2(mn, Gb, Eb, 0), I2(mn, Gv, Ev, 0),          \
        I2(mn, AL, Ib, 0), I2(mn, rAX, Iz, 0)
#define CMP_FORMS                                                                                  \
    I2(cmp, Eb, Gb, F_FLAGS_ONLY), I2(cmp, Ev, Gv, F_FLAGS_ONLY), I2(cmp, Gb, Eb, F_FLAGS_ONLY),   \
        I2(cmp, Gv, Ev, F_FLAGS_ONLY), I2(cmp, AL, Ib, F_FLAGS_ONLY),                              \
        I2(cmp, rAX, Iz, F_FLAGS_ONLY)
#define GROUP1(e, i, fl)                                                                           \
    BY_REG(I2(add, e, i, F_LOCK | (fl)), I2(or, e, i, F_LOCK | (fl)),                              \
           I2(adc, e, i, F_LOCK | (fl)), I2(sbb, e, i, F_LOCK | (fl)),                             \
           I2(and, e, i, F_LOCK | (fl)), I2(sub, e, i, F_LOCK | (fl)),                             \
           I2(xor, e, i, F_LOCK | (fl)), I2(cmp, e, i, F_FLAGS_ONLY | (fl)))

/* Shift group 2 (C0 C1 D0-D3): /6 is an undocumented alias of SHL that CPUs execute. */
#define GROUP2(e, count)                                                                           \
    BY_REG(I2(rol, e, count, 0), I2(ror, e, count, 0), I2(rcl, e, count, 0), I2(rcr, e, count, 0), \
           I2(shl, e, count, 0), I2(shr, e, count, 0), I2(shl, e, count, 0), I2(sar, e, count, 0))

/* Unary group 3 (F6 F7): /1 is an alias of TEST /0 (the CPU decodes it the same way). */
#define GROUP3(e, imm)                                                                             \
    BY_REG(I2(test, e, imm, F_FLAGS_ONLY), I2(test, e, imm, F_FLAGS_ONLY), I1(not, e, F_LOCK),     \
           I1(neg, e, F_LOCK), I1(mul, e, 0), I1(imul, e, 0), I1(div, e, 0), I1(idiv, e, 0))

/* MOV Ev, Sreg stores a word to memory but writes the whole operand size to a register. */
#define MOV_FROM_SREG BY_MOD(I2(mov, Mw, Sw, 0), I2(mov, Rv, Sw, 0))

#define JCC(mn) I1(mn, Jb, F_BRANCH | F_FORCE64)
#define STRING(mn, a, b) I2(mn, a, b, F_REP)
#define X87 F_X87

/* x87 arithmetic D8/DC/DA/DE memory forms share the ModRM.reg order
 * ADD MUL COM COMP SUB SUBR DIV DIVR. */
#define X87_ARITH_MEM(prefix, m)                                                                   \
    BY_REG(I1(prefix##add, m, X87), I1(prefix##mul, m, X87), I1(prefix##com, m, X87),              \
           I1(prefix##comp, m, X87), I1(prefix##sub, m, X87), I1(prefix##subr, m, X87),            \
           I1(prefix##div, m, X87), I1(prefix##divr, m, X87))

/* Eight register forms that differ only in ModRM.rm: written once, selected by rm. */
#define X87_BY_RM(r0, r1, r2, r3, r4, r5, r6, r7) BY_RM(r0, r1, r2, r3, r4, r5, r6, r7)

static const struct optab x87_d8 =
    BY_MOD(X87_ARITH_MEM(f, Md),
           BY_REG(I2(fadd, ST0, STi, X87), I2(fmul, ST0, STi, X87), I1(fcom, STi, X87),
                  I1(fcomp, STi, X87), I2(fsub, ST0, STi, X87), I2(fsubr, ST0, STi, X87),
                  I2(fdiv, ST0, STi, X87), I2(fdivr, ST0, STi, X87)));

static const struct optab x87_d9 = BY_MOD(
    BY_REG(I1(fld, Md, X87), UD, I1(fst, Md, X87), I1(fstp, Md, X87), I1(fldenv, Mfenv, X87),
           I1(fldcw, Mw, X87), I1(fnstenv, Mfenv, X87), I1(fnstcw, Mw, X87)),
    BY_REG(I1(fld, STi, X87), I1(fxch, STi, X87),
           X87_BY_RM(I0(fnop, X87), UD, UD, UD, UD, UD, UD, UD),
           I1(fstp, STi, X87), /* D9 D8+i: undocumented alias of DD D8+i */
           X87_BY_RM(I0(fchs, X87), I0(fabs, X87), UD, UD, I0(ftst, X87), I0(fxam, X87), UD, UD),
           X87_BY_RM(I0(fld1, X87), I0(fldl2t, X87), I0(fldl2e, X87), I0(fldpi, X87),
                     I0(fldlg2, X87), I0(fldln2, X87), I0(fldz, X87), UD),
           X87_BY_RM(I0(f2xm1, X87), I0(fyl2x, X87), I0(fptan, X87), I0(fpatan, X87),
                     I0(fxtract, X87), I0(fprem1, X87), I0(fdecstp, X87), I0(fincstp, X87)),
           X87_BY_RM(I0(fprem, X87), I0(fyl2xp1, X87), I0(fsqrt, X87), I0(fsincos, X87),
                     I0(frndint, X87), I0(fscale, X87), I0(fsin, X87), I0(fcos, X87))));

static const struct optab x87_da = BY_MOD(
    X87_ARITH_MEM(fi, Md), BY_REG(I2(fcmovb, ST0, STi, X87), I2(fcmove, ST0, STi, X87),
                                  I2(fcmovbe, ST0, STi, X87), I2(fcmovu, ST0, STi, X87), UD,
                                  X87_BY_RM(UD, I0(fucompp, X87), UD, UD, UD, UD, UD, UD), UD, UD));

static const struct optab x87_db =
    BY_MOD(BY_REG(I1(fild, Md, X87), I1(fisttp, Md, X87), I1(fist, Md, X87), I1(fistp, Md, X87), UD,
                  I1(fld, Mt, X87), UD, I1(fstp, Mt, X87)),
           BY_REG(I2(fcmovnb, ST0, STi, X87), I2(fcmovne, ST0, STi, X87),
                  I2(fcmovnbe, ST0, STi, X87), I2(fcmovnu, ST0, STi, X87),
                  /* DB E0/E1/E4 (8087 FENI/FDISI, 287 FSETPM) execute as no-ops */
                  X87_BY_RM(I0(fneni, X87), I0(fndisi, X87), I0(fnclex, X87), I0(fninit, X87),
                            I0(fsetpm, X87), UD, UD, UD),
                  I2(fucomi, ST0, STi, X87), I2(fcomi, ST0, STi, X87), UD));

/* DC register forms are ST(i) <- ST(i) op ST(0); note SUBR/SUB and DIVR/DIV swap. */
static const struct optab x87_dc =
    BY_MOD(X87_ARITH_MEM(f, Mq), BY_REG(I2(fadd, STi, ST0, X87), I2(fmul, STi, ST0, X87),
                                        I1(fcom, STi, X87),  /* DC D0+i: alias of D8 D0+i */
                                        I1(fcomp, STi, X87), /* DC D8+i: alias of D8 D8+i */
                                        I2(fsubr, STi, ST0, X87), I2(fsub, STi, ST0, X87),
                                        I2(fdivr, STi, ST0, X87), I2(fdiv, STi, ST0, X87)));

static const struct optab x87_dd =
    BY_MOD(BY_REG(I1(fld, Mq, X87), I1(fisttp, Mq, X87), I1(fst, Mq, X87), I1(fstp, Mq, X87),
                  I1(frstor, Mfstate, X87), UD, I1(fnsave, Mfstate, X87), I1(fnstsw, Mw, X87)),
           BY_REG(I1(ffree, STi, X87), I1(fxch, STi, X87), /* DD C8+i: alias */
                  I1(fst, STi, X87), I1(fstp, STi, X87), I1(fucom, STi, X87), I1(fucomp, STi, X87),
                  UD, UD));

static const struct optab x87_de =
    BY_MOD(X87_ARITH_MEM(fi, Mw),
           BY_REG(I2(faddp, STi, ST0, X87), I2(fmulp, STi, ST0, X87),
                  I1(fcomp, STi, X87), /* DE D0+i: alias of D8 D8+i */
                  X87_BY_RM(UD, I0(fcompp, X87), UD, UD, UD, UD, UD, UD), I2(fsubrp, STi, ST0, X87),
                  I2(fsubp, STi, ST0, X87), I2(fdivrp, STi, ST0, X87), I2(fdivp, STi, ST0, X87)));

static const struct optab x87_df =
    BY_MOD(BY_REG(I1(fild, Mw, X87), I1(fisttp, Mw, X87), I1(fist, Mw, X87), I1(fistp, Mw, X87),
                  I1(fbld, Mt, X87), I1(fild, Mq, X87), I1(fbstp, Mt, X87), I1(fistp, Mq, X87)),
           BY_REG(I1(ffreep, STi, X87), I1(fxch, STi, X87), /* DF C8+i: alias */
                  I1(fstp, STi, X87),                       /* DF D0+i, D8+i: aliases */
                  I1(fstp, STi, X87), X87_BY_RM(I1(fnstsw, AX, X87), UD, UD, UD, UD, UD, UD, UD),
                  I2(fucomip, ST0, STi, X87), I2(fcomip, ST0, STi, X87), UD));

// clang-format off
const struct optab optab_1b[256] = {
    [0x00] = ALU_FORMS(add),
    [0x06] = I1(push, sES, F_NO64), I1(pop, sES, F_NO64),
    [0x08] = ALU_FORMS(or),
    [0x0e] = I1(push, sCS, F_NO64), UD, /* 0F: escape */
    [0x10] = ALU_FORMS(adc),
    [0x16] = I1(push, sSS, F_NO64), I1(pop, sSS, F_NO64),
    [0x18] = ALU_FORMS(sbb),
    [0x1e] = I1(push, sDS, F_NO64), I1(pop, sDS, F_NO64),
    [0x20] = ALU_FORMS(and),
    [0x26] = UD, I0(daa, F_NO64),
    [0x28] = ALU_FORMS(sub),
    [0x2e] = UD, I0(das, F_NO64),
    [0x30] = ALU_FORMS(xor),
    [0x36] = UD, I0(aaa, F_NO64),
    [0x38] = CMP_FORMS,
    [0x3e] = UD, I0(aas, F_NO64),
    [0x40] = I1(inc, Zv, F_NO64), I1(inc, Zv, F_NO64), I1(inc, Zv, F_NO64),
    I1(inc, Zv, F_NO64), I1(inc, Zv, F_NO64), I1(inc, Zv, F_NO64), I1(inc, Zv, F_NO64),
    I1(inc, Zv, F_NO64),
    [0x48] = I1(dec, Zv, F_NO64), I1(dec, Zv, F_NO64), I1(dec, Zv, F_NO64),
    I1(dec, Zv, F_NO64), I1(dec, Zv, F_NO64), I1(dec, Zv, F_NO64), I1(dec, Zv, F_NO64),
    I1(dec, Zv, F_NO64),
    [0x50] = I1(push, Zv, F_DEF64), I1(push, Zv, F_DEF64), I1(push, Zv, F_DEF64),
    I1(push, Zv, F_DEF64), I1(push, Zv, F_DEF64), I1(push, Zv, F_DEF64),
    I1(push, Zv, F_DEF64), I1(push, Zv, F_DEF64),
    [0x58] = I1(pop, Zv, F_DEF64), I1(pop, Zv, F_DEF64), I1(pop, Zv, F_DEF64),
    I1(pop, Zv, F_DEF64), I1(pop, Zv, F_DEF64), I1(pop, Zv, F_DEF64), I1(pop, Zv, F_DEF64),
    I1(pop, Zv, F_DEF64),
    [0x60] = I0(pusha, F_NO64), I0(popa, F_NO64),
    [0x62] = I2(bound, Gv, Ma, F_NO64), /* EVEX when it is one (decode.c) */
    [0x63] = BY_MODE(I2(arpl, Ew, Gw, 0), I2(movsxd, Gv, Ez, 0)),
    [0x64] = UD, UD, UD, UD, /* FS GS 66 67 prefixes */
    [0x68] = I1(push, Iz, F_DEF64), I3(imul, Gv, Ev, Iz, 0), I1(push, Ibs, F_DEF64),
    I3(imul, Gv, Ev, Ibs, 0),
    [0x6c] = STRING(ins, Yb, DX), STRING(ins, Yz, DX), STRING(outs, DX, Xb),
    STRING(outs, DX, Xz),
    [0x70] = JCC(jo), JCC(jno), JCC(jb), JCC(jnb), JCC(jz), JCC(jnz), JCC(jbe), JCC(jnbe),
    [0x78] = JCC(js), JCC(jns), JCC(jp), JCC(jnp), JCC(jl), JCC(jnl), JCC(jle), JCC(jnle),
    [0x80] = GROUP1(Eb, Ib, 0), GROUP1(Ev, Iz, 0), GROUP1(Eb, Ib, F_NO64),
    GROUP1(Ev, Ibs, 0),
    [0x84] = I2(test, Eb, Gb, F_FLAGS_ONLY), I2(test, Ev, Gv, F_FLAGS_ONLY),
    I2(xchg, Eb, Gb, F_LOCK | F_IMPLICIT_LOCK), I2(xchg, Ev, Gv, F_LOCK | F_IMPLICIT_LOCK),
    [0x88] = I2(mov, Eb, Gb, 0), I2(mov, Ev, Gv, 0), I2(mov, Gb, Eb, 0), I2(mov, Gv, Ev, 0),
    /* 8C: Sreg 6 and 7 do not exist; MOV to CS is #UD */
    [0x8c] = BY_REG(MOV_FROM_SREG, MOV_FROM_SREG, MOV_FROM_SREG, MOV_FROM_SREG, MOV_FROM_SREG,
                    MOV_FROM_SREG, UD, UD),
    [0x8d] = I2(lea, Gv, M_, 0),
    [0x8e] = BY_REG(I2(mov, Sw, Ew, 0), UD, I2(mov, Sw, Ew, 0), I2(mov, Sw, Ew, 0),
                    I2(mov, Sw, Ew, 0), I2(mov, Sw, Ew, 0), UD, UD),
    /* 8F: group 1A (XOP when ModRM.reg != 0, see decode.c) */
    [0x8f] = BY_REG(I1(pop, Ev, F_DEF64), UD, UD, UD, UD, UD, UD, UD),
    /* 90: NOP, PAUSE with F3; with REX.B it is XCHG r8, rAX */
    [0x90] = BY_REXB(BY_PFX(I0(nop, 0), I0(nop, 0), I0(pause, 0), I0(nop, 0)),
                     I2(xchg, Zv, rAX, 0)),
    [0x91] = I2(xchg, Zv, rAX, 0), I2(xchg, Zv, rAX, 0), I2(xchg, Zv, rAX, 0),
    I2(xchg, Zv, rAX, 0), I2(xchg, Zv, rAX, 0), I2(xchg, Zv, rAX, 0), I2(xchg, Zv, rAX, 0),
    [0x98] = BY_OSIZE(I0(cbw, 0), I0(cwde, 0), I0(cdqe, 0)),
    [0x99] = BY_OSIZE(I0(cwd, 0), I0(cdq, 0), I0(cqo, 0)),
    [0x9a] = I1(call_far, Ap, F_NO64 | F_BRANCH), I0(fwait, 0),
    [0x9c] = I0(pushf, F_DEF64), I0(popf, F_DEF64), I0(sahf, 0), I0(lahf, 0),
    [0xa0] = I2(mov, AL, Ob, 0), I2(mov, rAX, Ov, 0), I2(mov, Ob, AL, 0), I2(mov, Ov, rAX, 0),
    [0xa4] = STRING(movs, Yb, Xb), STRING(movs, Yv, Xv),
    I2(cmps, Xb, Yb, F_REP | F_FLAGS_ONLY), I2(cmps, Xv, Yv, F_REP | F_FLAGS_ONLY),
    [0xa8] = I2(test, AL, Ib, F_FLAGS_ONLY), I2(test, rAX, Iz, F_FLAGS_ONLY),
    STRING(stos, Yb, AL), STRING(stos, Yv, rAX),
    [0xac] = STRING(lods, AL, Xb), STRING(lods, rAX, Xv),
    I2(scas, AL, Yb, F_REP | F_FLAGS_ONLY), I2(scas, rAX, Yv, F_REP | F_FLAGS_ONLY),
    [0xb0] = I2(mov, Zb_, Ib, 0), I2(mov, Zb_, Ib, 0), I2(mov, Zb_, Ib, 0),
    I2(mov, Zb_, Ib, 0), I2(mov, Zb_, Ib, 0), I2(mov, Zb_, Ib, 0), I2(mov, Zb_, Ib, 0),
    I2(mov, Zb_, Ib, 0),
    [0xb8] = I2(mov, Zv, Iv, 0), I2(mov, Zv, Iv, 0), I2(mov, Zv, Iv, 0), I2(mov, Zv, Iv, 0),
    I2(mov, Zv, Iv, 0), I2(mov, Zv, Iv, 0), I2(mov, Zv, Iv, 0), I2(mov, Zv, Iv, 0),
    [0xc0] = GROUP2(Eb, Ib), GROUP2(Ev, Ib),
    [0xc2] = I1(ret, Iw, F_FORCE64 | F_BRANCH), I0(ret, F_FORCE64 | F_BRANCH),
    [0xc4] = I2(les, Gz, Mp, F_NO64), I2(lds, Gz, Mp, F_NO64), /* VEX when they are (decode.c) */
    /* C6: group 11; C6 F8 / C7 F8 are the RTM XABORT / XBEGIN */
    [0xc6] = BY_REG(I2(mov, Eb, Ib, 0), UD, UD, UD, UD, UD, UD,
                    BY_MOD(UD, BY_RM(I1(xabort, Ib, 0), UD, UD, UD, UD, UD, UD, UD))),
    [0xc7] = BY_REG(I2(mov, Ev, Iz, 0), UD, UD, UD, UD, UD, UD,
                    BY_MOD(UD, BY_RM(I1(xbegin, Jz, F_BRANCH), UD, UD, UD, UD, UD, UD, UD))),
    [0xc8] = I2(enter, Iw, Ib, F_DEF64), I0(leave, F_DEF64),
    [0xca] = I1(retf, Iw, F_BRANCH), I0(retf, F_BRANCH),
    [0xcc] = I0(int3, F_BRANCH), I1(int, Ib, F_BRANCH), I0(into, F_NO64 | F_BRANCH),
    [0xcf] = I0(iret, F_BRANCH),
    [0xd0] = GROUP2(Eb, ONE), GROUP2(Ev, ONE), GROUP2(Eb, CL), GROUP2(Ev, CL),
    [0xd4] = I1(aam, Ib, F_NO64), I1(aad, Ib, F_NO64), I0(salc, F_NO64), I1(xlat, XLATb, 0),
    [0xd8] = LINK(x87_d8), LINK(x87_d9), LINK(x87_da), LINK(x87_db),
    [0xdc] = LINK(x87_dc), LINK(x87_dd), LINK(x87_de), LINK(x87_df),
    [0xe0] = I1(loopne, Jb, F_BRANCH | F_FORCE64), I1(loope, Jb, F_BRANCH | F_FORCE64),
    I1(loop, Jb, F_BRANCH | F_FORCE64),
    [0xe3] = BY_ASIZE(I1(jcxz, Jb, F_BRANCH | F_FORCE64), I1(jecxz, Jb, F_BRANCH | F_FORCE64),
                      I1(jrcxz, Jb, F_BRANCH | F_FORCE64)),
    [0xe4] = I2(in, AL, Ib, 0), I2(in, eAX, Ib, 0), I2(out, Ib, AL, 0), I2(out, Ib, eAX, 0),
    [0xe8] = I1(call, Jz, F_FORCE64 | F_BRANCH), I1(jmp, Jz, F_FORCE64 | F_BRANCH),
    I1(jmp_far, Ap, F_NO64 | F_BRANCH), I1(jmp, Jb, F_FORCE64 | F_BRANCH),
    [0xec] = I2(in, AL, DX, 0), I2(in, eAX, DX, 0), I2(out, DX, AL, 0), I2(out, DX, eAX, 0),
    [0xf0] = UD, I0(int1, F_BRANCH), UD, UD, /* LOCK, REPNE, REP prefixes */
    [0xf4] = I0(hlt, F_PRIV), I0(cmc, 0), GROUP3(Eb, Ib), GROUP3(Ev, Iz),
    [0xf8] = I0(clc, 0), I0(stc, 0), I0(cli, 0), I0(sti, 0), I0(cld, 0), I0(std, 0),
    /* FE: group 4 */
    [0xfe] = BY_REG(I1(inc, Eb, F_LOCK), I1(dec, Eb, F_LOCK), UD, UD, UD, UD, UD, UD),
    /* FF: group 5 */
    [0xff] = BY_REG(I1(inc, Ev, F_LOCK), I1(dec, Ev, F_LOCK),
                    I1(call, Ev, F_FORCE64 | F_BRANCH), I1(call_far, Mp, F_BRANCH),
                    I1(jmp, Ev, F_FORCE64 | F_BRANCH), I1(jmp_far, Mp, F_BRANCH),
                    I1(push, Ev, F_DEF64), UD),
};
// clang-format on
