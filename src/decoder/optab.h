/* The opcode tables' vocabulary: operand descriptors, row flags and the selector tree.
 *
 * A map is an array of 256 `struct optab` entries indexed by opcode. An entry is either a
 * row (an instruction: mnemonic, up to four operands, flags) or a selector that picks among
 * child entries by ModRM.reg, ModRM.rm, mod (memory/register), mandatory prefix, CPU mode,
 * operand/address size, W or L. Unlisted entries are zero = SEL_INVALID = #UD.
 *
 * Operand descriptors use the SDM's opcode-map notation (Intel SDM vol. 2 appendix A):
 * addressing method letter + size code, e.g. Ev = ModRM r/m, GPR or memory, operand size v.
 * This file is only included by the table sources and the decoder/formatter/executor. */
#ifndef WHVEMU_OPTAB_H
#define WHVEMU_OPTAB_H

#include <stdint.h>

#include "mnemonic.h"

/* ---- operand descriptors: kind (bits 0-5) | size (bits 6-10) | register (bits 11-15) ---- */
enum operand_kind {
    OK_NONE = 0,
    OK_E,        /* ModRM r/m: GPR or memory */
    OK_M,        /* ModRM r/m: memory only (mod=3 is #UD) */
    OK_G,        /* ModRM.reg: GPR */
    OK_R,        /* ModRM r/m: GPR, register form only */
    OK_Z,        /* GPR in the low 3 opcode bits (+REX.B) */
    OK_GPR,      /* fixed GPR (register field: enum gpr); size from the size code */
    OK_SEG,      /* fixed segment register (register field: enum segreg) */
    OK_S,        /* ModRM.reg: segment register */
    OK_C,        /* ModRM.reg: control register */
    OK_D,        /* ModRM.reg: debug register */
    OK_I,        /* immediate */
    OK_ONE,      /* the constant 1 (shifts) */
    OK_J,        /* relative branch target (immediate displacement) */
    OK_O,        /* moffs: absolute offset, address-size wide, no ModRM */
    OK_A,        /* far pointer immediate seg:off */
    OK_X,        /* string source DS:rSI (segment overridable) */
    OK_Y,        /* string destination ES:rDI */
    OK_XLAT,     /* DS:[rBX + AL] */
    OK_STACK,    /* implicit stack memory SS:rSP (push/pop/call/ret/enter/leave) */
    OK_V,        /* ModRM.reg: XMM/YMM/ZMM */
    OK_W,        /* ModRM r/m: XMM/YMM/ZMM or memory */
    OK_U,        /* ModRM r/m: XMM/YMM/ZMM, register form only */
    OK_H,        /* VEX/EVEX vvvv: XMM/YMM/ZMM */
    OK_L,        /* imm8[7:4]: XMM/YMM (VEX /is4) */
    OK_P,        /* ModRM.reg: MMX */
    OK_Q,        /* ModRM r/m: MMX or memory */
    OK_N,        /* ModRM r/m: MMX, register form only */
    OK_B,        /* VEX vvvv: GPR */
    OK_KG,       /* ModRM.reg: opmask k0-k7 */
    OK_KE,       /* ModRM r/m: opmask or memory */
    OK_KR,       /* ModRM r/m: opmask, register form only */
    OK_KH,       /* vvvv: opmask */
    OK_ST0,      /* x87 ST(0) */
    OK_STI,      /* x87 ST(i) from ModRM.rm */
    OK_BND,      /* ModRM.reg: MPX bound register */
    OK_BNDE,     /* ModRM r/m: bound register or memory */
    OK_TR,       /* AMX tile register from ModRM.reg / rm / vvvv (register field says which) */
    OK_KIND_COUNT
};

enum operand_size {
    SZ_NONE = 0,
    SZ_b,        /* byte */
    SZ_w,        /* word */
    SZ_d,        /* doubleword */
    SZ_q,        /* quadword */
    SZ_v,        /* 2/4/8 by effective operand size */
    SZ_z,        /* 2/4 (4 when operand size is 64) */
    SZ_y,        /* 4/8 (8 when operand size is 64) */
    SZ_bs,       /* byte immediate sign-extended to the operand size */
    SZ_p,        /* far pointer: 16:16, 16:32 or 16:64 by operand size */
    SZ_a,        /* BOUND: two operand-size values */
    SZ_s,        /* pseudo-descriptor: 6 bytes (10 in 64-bit mode) */
    SZ_dq,       /* 16 bytes */
    SZ_qq,       /* 32 bytes */
    SZ_x,        /* 16/32/64 bytes by VEX.L / EVEX.L'L */
    SZ_hx,       /* half of x: 8/16/32 bytes */
    SZ_qx,       /* quarter of x: 4/8/16 bytes */
    SZ_ox,       /* eighth of x: 2/4/8 bytes */
    SZ_t,        /* 10 bytes (x87 extended / BCD) */
    SZ_env,      /* x87 environment: 14/28 bytes by operand size */
    SZ_fsave,    /* x87 state: 94/108 bytes */
    SZ_fxsave,   /* 512 bytes */
    SZ_xsave,    /* variable (XSAVE area) */
    SZ_ptr,      /* no data access (LEA, prefetch, clflush, nop): address only */
    SZ_COUNT
};

#define OPND(kind, size, reg) ((uint16_t)((kind) | ((size) << 6) | ((reg) << 11)))
#define OPND_KIND(o) ((enum operand_kind)((o) & 0x3f))
#define OPND_SIZE(o) ((enum operand_size)(((o) >> 6) & 0x1f))
#define OPND_REG(o) ((unsigned)((o) >> 11))

/* ---- row flags ---- */
enum {
    F_MODRM = 1u << 0,     /* has a ModRM byte (set automatically from the operands too) */
    F_LOCK = 1u << 1,      /* LOCK allowed (only with a memory destination) */
    F_NO64 = 1u << 2,      /* #UD in 64-bit mode */
    F_ONLY64 = 1u << 3,    /* #UD outside 64-bit mode */
    F_DEF64 = 1u << 4,     /* 64-bit mode: default operand size 64 (66 -> 16), e.g. PUSH */
    F_FORCE64 = 1u << 5,   /* 64-bit mode: operand size always 64 (66 ignored, Intel), e.g. CALL rel */
    F_MEMONLY = 1u << 6,   /* mod=3 is #UD */
    F_REGONLY = 1u << 7,   /* mod!=3 is #UD */
    F_REP = 1u << 8,       /* string instruction: F3/F2 are REP/REPE/REPNE */
    F_IMPLICIT_LOCK = 1u << 9, /* XCHG with memory: locked without a prefix */
    F_NO_VVVV = 1u << 10,  /* VEX/EVEX/XOP: vvvv must be 1111b (else #UD) */
    F_L0 = 1u << 11,       /* VEX/XOP: L must be 0; EVEX: L'L must be 0 */
    F_L1 = 1u << 12,       /* VEX: L must be 1 */
    F_W0 = 1u << 13,       /* VEX/EVEX/XOP: W must be 0 (ignored in 32-bit mode where the SDM says so: use F_W0_64) */
    F_W1 = 1u << 14,       /* VEX/EVEX/XOP: W must be 1 */
    F_W0_64 = 1u << 15,    /* W must be 0 in 64-bit mode only (W ignored elsewhere) */
    F_EVEX_NO_L2 = 1u << 16, /* EVEX: L'L = 2 (512-bit) is #UD */
    F_EVEX_NO_Z = 1u << 17,  /* EVEX: z must be 0 */
    F_EVEX_NO_K = 1u << 18,  /* EVEX: aaa must be 0 */
    F_EVEX_NEED_K = 1u << 19,/* EVEX: aaa must not be 0 (gathers/scatters) */
    F_EVEX_NO_B = 1u << 20,  /* EVEX: b must be 0 (no broadcast/rounding) */
    F_VSIB = 1u << 21,     /* SIB index is a vector register; SIB required */
    F_NO_REX_W_OSIZE = 1u << 22, /* 66 ignored for operand size (e.g. it is a mandatory prefix) */
    F_PRIV = 1u << 23,     /* CPL 0 only (the executor checks) */
    F_BRANCH = 1u << 24,   /* changes RIP other than by its length */
    F_FLAGS_ONLY = 1u << 25, /* reads memory only to set flags (CMP/TEST) - for trace/formatter */
    F_L_IGNORED = 1u << 26,  /* VEX: L ignored (LIG) */
    F_X87 = 1u << 27,      /* x87 instruction */
    /* EVEX register form: b=1 selects embedded rounding / SAE, and L'L is then not a vector
     * length (any value, even 3, is valid). Without this flag b=1 in the register form is
     * #UD; F_EVEX_NO_B then only forbids b=1 (broadcast) in the memory form. */
    F_EVEX_ER_SAE = 1u << 28,
    F_MOD_IS_REG = 1u << 29, /* mod is ignored, r/m always names a register (MOV CR/DR): no SIB/disp */
    /* EVEX: the destination (ModRM.reg) must differ from the vvvv and register r/m
     * sources, else #UD: the FP16 complex multiplies VF[C]MADDC{PH,SH}, VF[C]MULC{PH,SH} */
    F_DEST_DISTINCT = 1u << 30,
    /* RIP-relative addressing is #UD: MPX BNDLDX, BNDSTX, BNDMK (whose memory forms are
     * also #UD with 16-bit addressing: BY_ASIZE) */
    F_NO_RIP_RELATIVE = 1u << 31,
};

/* ---- selector tree ---- */
enum selector {
    SEL_INVALID = 0, /* #UD */
    SEL_ROW,         /* a leaf: this entry is an instruction */
    SEL_REG,         /* next[ModRM.reg & 7], 8 children */
    SEL_RM,          /* next[ModRM.rm & 7], 8 children */
    SEL_MOD,         /* next[0] memory form, next[1] register form (mod = 3) */
    SEL_PFX,         /* next[enum mandatory_prefix], 4 children */
    SEL_MODE,        /* next[0] 16/32-bit mode, next[1] 64-bit mode */
    SEL_OSIZE,       /* next[0] 16, next[1] 32, next[2] 64-bit operand size, as the prefixes
                      * give it (66, REX.W), before any F_DEF64/F_FORCE64 of the row */
    SEL_ASIZE,       /* next[0] 16, next[1] 32, next[2] 64-bit address size */
    SEL_W,           /* next[W]: REX.W / VEX.W / EVEX.W / XOP.W */
    SEL_L,           /* next[L]: VEX.L (2 children) or EVEX.L'L (3 children) */
    SEL_REXB,        /* next[REX.B]: opcode 90 (NOP vs XCHG r8) */
    SEL_LINK,        /* next[0]: the same as another entry (shared rows) */
    SEL_REP,         /* next[0] no F2/F3, next[1] F3, next[2] F2 (the last of them wins);
                      * unlike SEL_PFX, 66 stays the operand-size prefix (BSF/TZCNT, MOVBE/CRC32) */
};

struct optab {
    uint8_t sel;                 /* enum selector */
    uint8_t children;            /* selectors: number of entries in next[] (bounds the index) */
    uint8_t evex_element;        /* EVEX rows: the element, see EVEX_ELEMENT below */
    const struct optab *next;    /* children of a selector */
    uint16_t mnemonic;           /* rows: enum mnemonic */
    uint16_t opnd[4];            /* rows: operand descriptors, OK_NONE-terminated */
    uint32_t flags;              /* rows: F_* */
};

/* EVEX rows: the element that a broadcast (b = 1 with memory) repeats and that disp8*N
 * counts in. 0 (most rows) means the default: 4 bytes with W0, 8 with W1, 2 in the FP16
 * maps 5 and 6. Otherwise EVEX_ELEMENT(bytes) (1, 2, 4 or 8), or'ed with
 * EVEX_DISP8_BY_ELEMENT when disp8 counts elements even without broadcast although the
 * memory operand is a whole vector (Tuple1 Scalar on a vector: VPEXPAND*, VPCOMPRESS*,
 * VEXPAND*, VCOMPRESS*). Without that bit disp8 counts whole memory operands.
 * Rows that need it: FP16 rows outside maps 5/6 (0F3A 08, 26, 27, 56, 57, 66, C2: 2 bytes);
 * FP16-map conversions from or to dword/qword elements (4 or 8, e.g. map5 5A/5B/7A/1D);
 * the complex FP16 multiplies (map6 56, 57, D6, D7: 4 bytes); expand/compress (0F38 62,
 * 63, 88-8B: element size, by element). */
#define EVEX_ELEMENT(bytes) ((uint8_t)(bytes))
#define EVEX_DISP8_BY_ELEMENT 0x80u
#define EVEX_ELEMENT_BYTES(e) ((unsigned)(e) & 0x7fu)

/* Operands that imply a ModRM byte (so rows cannot forget F_MODRM). */
#define OPND_NEEDS_MODRM_(o)                                                                 \
    ((OPND_KIND(o) == OK_E || OPND_KIND(o) == OK_M || OPND_KIND(o) == OK_G ||                \
      OPND_KIND(o) == OK_R || OPND_KIND(o) == OK_S || OPND_KIND(o) == OK_C ||                \
      OPND_KIND(o) == OK_D || OPND_KIND(o) == OK_V || OPND_KIND(o) == OK_W ||                \
      OPND_KIND(o) == OK_U || OPND_KIND(o) == OK_P || OPND_KIND(o) == OK_Q ||                \
      OPND_KIND(o) == OK_N || OPND_KIND(o) == OK_KG || OPND_KIND(o) == OK_KE ||              \
      OPND_KIND(o) == OK_KR || OPND_KIND(o) == OK_STI || OPND_KIND(o) == OK_BND ||           \
      OPND_KIND(o) == OK_BNDE)                                                               \
         ? F_MODRM                                                                           \
         : 0u)

/* A row: mnemonic, up to four operands (0 for none), flags; ROWE/I*E also give the EVEX
 * element (EVEX_ELEMENT above). */
#define ROWE(mn, o1, o2, o3, o4, fl, element)                                                 \
    { .sel = SEL_ROW, .evex_element = (element), .mnemonic = MN_##mn,                        \
      .opnd = { (o1), (o2), (o3), (o4) },                                                    \
      .flags = (uint32_t)(fl) | OPND_NEEDS_MODRM_(o1) | OPND_NEEDS_MODRM_(o2) |              \
               OPND_NEEDS_MODRM_(o3) | OPND_NEEDS_MODRM_(o4) }
#define ROW(mn, o1, o2, o3, o4, fl) ROWE(mn, o1, o2, o3, o4, fl, 0)
#define I0(mn, fl) ROW(mn, 0, 0, 0, 0, fl)
#define I1(mn, a, fl) ROW(mn, a, 0, 0, 0, fl)
#define I2(mn, a, b, fl) ROW(mn, a, b, 0, 0, fl)
#define I3(mn, a, b, c, fl) ROW(mn, a, b, c, 0, fl)
#define I4(mn, a, b, c, d, fl) ROW(mn, a, b, c, d, fl)
#define I2E(mn, a, b, fl, element) ROWE(mn, a, b, 0, 0, fl, element)
#define I3E(mn, a, b, c, fl, element) ROWE(mn, a, b, c, 0, fl, element)
#define I4E(mn, a, b, c, d, fl, element) ROWE(mn, a, b, c, d, fl, element)

/* Selectors with their children written inline (file-scope compound literals). */
#define SEL_(kind, n, ...) { .sel = (kind), .children = (n), .next = (const struct optab[n]){ __VA_ARGS__ } }
#define BY_REG(...) SEL_(SEL_REG, 8, __VA_ARGS__)
#define BY_RM(...) SEL_(SEL_RM, 8, __VA_ARGS__)
#define BY_MOD(mem, reg) SEL_(SEL_MOD, 2, mem, reg)
#define BY_PFX(none, p66, pf3, pf2) SEL_(SEL_PFX, 4, none, p66, pf3, pf2)
#define BY_REP(none, pf3, pf2) SEL_(SEL_REP, 3, none, pf3, pf2)
#define BY_MODE(legacy, long64) SEL_(SEL_MODE, 2, legacy, long64)
#define BY_OSIZE(o16, o32, o64) SEL_(SEL_OSIZE, 3, o16, o32, o64)
#define BY_ASIZE(a16, a32, a64) SEL_(SEL_ASIZE, 3, a16, a32, a64)
#define BY_W(w0, w1) SEL_(SEL_W, 2, w0, w1)
#define BY_L(l0, l1) SEL_(SEL_L, 2, l0, l1)
#define BY_LL(l0, l1, l2) SEL_(SEL_L, 3, l0, l1, l2)
#define BY_REXB(b0, b1) SEL_(SEL_REXB, 2, b0, b1)
#define LINK(entry) { .sel = SEL_LINK, .children = 1, .next = &(entry) }
#define UD { .sel = SEL_INVALID }

/* ---- operand shorthands in SDM notation (only table sources use them) ---- */
#ifdef OPTAB_SHORTHANDS
#define Eb OPND(OK_E, SZ_b, 0)
#define Ew OPND(OK_E, SZ_w, 0)
#define Ed OPND(OK_E, SZ_d, 0)
#define Eq OPND(OK_E, SZ_q, 0)
#define Ev OPND(OK_E, SZ_v, 0)
#define Ey OPND(OK_E, SZ_y, 0)
#define Gb OPND(OK_G, SZ_b, 0)
#define Gw OPND(OK_G, SZ_w, 0)
#define Gd OPND(OK_G, SZ_d, 0)
#define Gq OPND(OK_G, SZ_q, 0)
#define Gv OPND(OK_G, SZ_v, 0)
#define Gy OPND(OK_G, SZ_y, 0)
#define Gz OPND(OK_G, SZ_z, 0)
#define Rd OPND(OK_R, SZ_d, 0)
#define Rq OPND(OK_R, SZ_q, 0)
#define Rv OPND(OK_R, SZ_v, 0)
#define Ry OPND(OK_R, SZ_y, 0)
#define Mb OPND(OK_M, SZ_b, 0)
#define Mw OPND(OK_M, SZ_w, 0)
#define Md OPND(OK_M, SZ_d, 0)
#define Mq OPND(OK_M, SZ_q, 0)
#define Mv OPND(OK_M, SZ_v, 0)
#define My OPND(OK_M, SZ_y, 0)
#define Mdq OPND(OK_M, SZ_dq, 0)
#define Mp OPND(OK_M, SZ_p, 0)
#define Ma OPND(OK_M, SZ_a, 0)
#define Ms OPND(OK_M, SZ_s, 0)
#define Mt OPND(OK_M, SZ_t, 0)
#define Mx OPND(OK_M, SZ_x, 0)
#define M_ OPND(OK_M, SZ_ptr, 0)
#define Ib OPND(OK_I, SZ_b, 0)
#define Iw OPND(OK_I, SZ_w, 0)
#define Iz OPND(OK_I, SZ_z, 0)
#define Iv OPND(OK_I, SZ_v, 0)
#define Ibs OPND(OK_I, SZ_bs, 0)
#define Jb OPND(OK_J, SZ_b, 0)
#define Jz OPND(OK_J, SZ_z, 0)
#define Ob OPND(OK_O, SZ_b, 0)
#define Ov OPND(OK_O, SZ_v, 0)
#define Ap OPND(OK_A, SZ_p, 0)
#define Sw OPND(OK_S, SZ_w, 0)
#define Cd OPND(OK_C, SZ_y, 0)
#define Dd OPND(OK_D, SZ_y, 0)
#define Zb OPND(OK_Z, SZ_b, 0)
#define Zv OPND(OK_Z, SZ_v, 0)
#define Xb OPND(OK_X, SZ_b, 0)
#define Xv OPND(OK_X, SZ_v, 0)
#define Xz OPND(OK_X, SZ_z, 0)
#define Yb OPND(OK_Y, SZ_b, 0)
#define Yv OPND(OK_Y, SZ_v, 0)
#define Yz OPND(OK_Y, SZ_z, 0)
#define ONE OPND(OK_ONE, SZ_b, 0)
#define AL OPND(OK_GPR, SZ_b, GPR_AX)
#define CL OPND(OK_GPR, SZ_b, GPR_CX)
#define AX OPND(OK_GPR, SZ_w, GPR_AX)
#define DX OPND(OK_GPR, SZ_w, GPR_DX)
#define EAX OPND(OK_GPR, SZ_d, GPR_AX)
#define rAX OPND(OK_GPR, SZ_v, GPR_AX)
#define eAX OPND(OK_GPR, SZ_z, GPR_AX)
#define rDX OPND(OK_GPR, SZ_v, GPR_DX)
#define sES OPND(OK_SEG, SZ_w, SEG_ES)
#define sCS OPND(OK_SEG, SZ_w, SEG_CS)
#define sSS OPND(OK_SEG, SZ_w, SEG_SS)
#define sDS OPND(OK_SEG, SZ_w, SEG_DS)
#define sFS OPND(OK_SEG, SZ_w, SEG_FS)
#define sGS OPND(OK_SEG, SZ_w, SEG_GS)
/* SIMD */
#define Vx OPND(OK_V, SZ_x, 0)
#define Vdq OPND(OK_V, SZ_dq, 0)
#define Vq OPND(OK_V, SZ_q, 0)
#define Vd OPND(OK_V, SZ_d, 0)
#define Wx OPND(OK_W, SZ_x, 0)
#define Wdq OPND(OK_W, SZ_dq, 0)
#define Wq OPND(OK_W, SZ_q, 0)
#define Wd OPND(OK_W, SZ_d, 0)
#define Ww OPND(OK_W, SZ_w, 0)
#define Wb OPND(OK_W, SZ_b, 0)
#define Ux OPND(OK_U, SZ_x, 0)
#define Udq OPND(OK_U, SZ_dq, 0)
#define Hx OPND(OK_H, SZ_x, 0)
#define Hdq OPND(OK_H, SZ_dq, 0)
#define Lx OPND(OK_L, SZ_x, 0)
#define Pq OPND(OK_P, SZ_q, 0)
#define Qq OPND(OK_Q, SZ_q, 0)
#define Qd OPND(OK_Q, SZ_d, 0)
#define Nq OPND(OK_N, SZ_q, 0)
#define By OPND(OK_B, SZ_y, 0)
#define STi OPND(OK_STI, SZ_t, 0)
#define ST0 OPND(OK_ST0, SZ_t, 0)
#endif

/* ---- sizes (decode.c) ---- */
struct insn;
/* Bytes an operand of the given size code covers in this instruction (by its operand size,
 * vector length, mode); 0 for codes without a single size (SZ_ptr, SZ_xsave). */
unsigned insn_operand_bytes(const struct insn *insn, enum operand_size size);
/* EVEX: bytes of the element a broadcast repeats (the row's evex_element or the default). */
unsigned insn_broadcast_bytes(const struct insn *insn);

/* ---- the maps (defined in the table sources) ---- */
extern const struct optab optab_1b[256];     /* tables_1byte.c */
extern const struct optab optab_0f[256];     /* tables_0f.c */
extern const struct optab optab_0f38[256];   /* tables_0f38_0f3a.c */
extern const struct optab optab_0f3a[256];
extern const struct optab optab_3dnow[256];  /* tables_0f.c */
extern const struct optab optab_vex[3][256]; /* tables_vex.c: [0] 0F, [1] 0F38, [2] 0F3A */
extern const struct optab optab_evex[5][256];/* tables_evex.c: 0F, 0F38, 0F3A, MAP5, MAP6 */
extern const struct optab optab_xop[3][256]; /* tables_xop.c: maps 8, 9, A */

#endif
