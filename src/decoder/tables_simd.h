/* Operand shorthands used by the extended-map tables beyond those in optab.h, same
 * notation: addressing letter + size code. K* are opmask registers (KG: ModRM.reg, KE: r/m
 * or memory, KR: r/m register only, KH: vvvv); TR* are AMX tile registers, the register
 * field saying which encoding field names them. Only the table sources include this. */
#ifndef WHVEMU_TABLES_SIMD_H
#define WHVEMU_TABLES_SIMD_H

enum tile_field { TR_IN_REG = 0, TR_IN_RM = 1, TR_IN_VVVV = 2 };

#define BND OPND(OK_BND, SZ_dq, 0)
#define BNDE OPND(OK_BNDE, SZ_dq, 0)
#define Hd OPND(OK_H, SZ_d, 0)
#define Hhx OPND(OK_H, SZ_hx, 0)
#define Hq OPND(OK_H, SZ_q, 0)
#define Hqq OPND(OK_H, SZ_qq, 0)
#define Id OPND(OK_I, SZ_d, 0)
#define KEb OPND(OK_KE, SZ_b, 0)
#define KEd OPND(OK_KE, SZ_d, 0)
#define KEq OPND(OK_KE, SZ_q, 0)
#define KEw OPND(OK_KE, SZ_w, 0)
#define KGb OPND(OK_KG, SZ_b, 0)
#define KGd OPND(OK_KG, SZ_d, 0)
#define KGq OPND(OK_KG, SZ_q, 0)
#define KGw OPND(OK_KG, SZ_w, 0)
#define KHb OPND(OK_KH, SZ_b, 0)
#define KHd OPND(OK_KH, SZ_d, 0)
#define KHq OPND(OK_KH, SZ_q, 0)
#define KHw OPND(OK_KH, SZ_w, 0)
#define KRb OPND(OK_KR, SZ_b, 0)
#define KRd OPND(OK_KR, SZ_d, 0)
#define KRq OPND(OK_KR, SZ_q, 0)
#define KRw OPND(OK_KR, SZ_w, 0)
#define Ldq OPND(OK_L, SZ_dq, 0)
#define Mfxsave OPND(OK_M, SZ_fxsave, 0)
#define Mhx OPND(OK_M, SZ_hx, 0)
#define Mox OPND(OK_M, SZ_ox, 0)
#define Mqq OPND(OK_M, SZ_qq, 0)
#define Mqx OPND(OK_M, SZ_qx, 0)
#define Mxsave OPND(OK_M, SZ_xsave, 0)
#define Pd OPND(OK_P, SZ_d, 0)
#define Rw OPND(OK_R, SZ_w, 0)
#define TRm OPND(OK_TR, SZ_NONE, TR_IN_RM)
#define TRr OPND(OK_TR, SZ_NONE, TR_IN_REG)
#define TRv OPND(OK_TR, SZ_NONE, TR_IN_VVVV)
#define Ud OPND(OK_U, SZ_d, 0)
#define Uhx OPND(OK_U, SZ_hx, 0)
#define Uq OPND(OK_U, SZ_q, 0)
#define Uqq OPND(OK_U, SZ_qq, 0)
#define Vhx OPND(OK_V, SZ_hx, 0)
#define Vqq OPND(OK_V, SZ_qq, 0)
#define Whx OPND(OK_W, SZ_hx, 0)
#define Wox OPND(OK_W, SZ_ox, 0)
#define Wqq OPND(OK_W, SZ_qq, 0)
#define Wqx OPND(OK_W, SZ_qx, 0)

#endif
