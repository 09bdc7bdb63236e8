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

#include <stdbool.h>
#include <stdint.h>

#include "mnemonic.h"

/* ---- operand kinds: the SDM's addressing methods (vol. 2 appendix A.2.1), described once ----
 *
 * K(kind, field, register file, registers the CPU has, immediate, implicit memory)
 *
 * field        where the operand is encoded:
 *   AT_REG       ModRM.reg, extended by REX.R / VEX.R (EVEX.R' is bit 4)
 *   AT_RM        ModRM r/m: a register (mod = 3; REX.B, EVEX.X is bit 4) or memory
 *   AT_RM_MEM    ModRM r/m, memory only (mod = 3 is #UD)
 *   AT_RM_REG    ModRM r/m, register only (mod != 3 is #UD)
 *   AT_VVVV      VEX/EVEX/XOP vvvv (EVEX.V' is bit 4)
 *   AT_OPCODE    the opcode's low three bits, REX.B as bit 3
 *   AT_FIXED     a fixed register: the descriptor's register field
 *   AT_IS4       imm8[7:4] (VEX /is4)
 *   AT_TILE      ModRM.reg, r/m or vvvv as the descriptor's register field says (enum
 *                tile_field)
 *   AT_NONE      none of these (immediates, implicit operands)
 *   A field of ModRM makes the row read a ModRM byte (OPND_NEEDS_MODRM_).
 * register file the registers it names (RF_*, below), by number; the width comes from the
 *              size code.
 * registers    a bit per register number that exists, where the field encodes numbers the
 *              CPU does not have (#UD): CR0, CR2-CR4, CR8; DR0-7; k0-7 in ModRM.reg or vvvv;
 *              BND0-3; tmm0-7 (and no tile named twice); GPRs 0-15 in ModRM.reg (EVEX.R'
 *              names 16-31). 0: every number. The CPU ignores VEX.B / EVEX.X where r/m names
 *              a mask register or a GPR, so r/m has no such limit.
 * immediate    the immediate bytes it takes: IMM_SIZED (by the size code), IMM_BRANCH (rel8,
 *              or rel16/32 by operand size), IMM_ADDRESS (address-size moffs), IMM_IS4 (one
 *              byte), IMM_FAR (offset, then a 16-bit selector).
 * implicit memory, addressed without ModRM: MEM_MOFFS seg:[moffs], MEM_RSI seg:[rSI], MEM_XLAT
 *              seg:[rBX+AL], MEM_DS_RDI seg:[rDI] (seg: DS unless overridden); MEM_RDI ES:[rDI];
 *              MEM_STACK SS:[rSP] (the stack family addresses it). Intel syntax writes neither
 *              MEM_DS_RDI nor MEM_STACK.
 *
 * The decoder (validity, ModRM, immediates, disp8*N), the formatter, the executor's operand
 * layer and the differential tests' form walk all read this one table. */
// clang-format off
#define OPERAND_KINDS(K)                                                                       \
    /*kind   field      file     regs    immediate    memory */                                \
    K(NONE,  AT_NONE,   RF_NONE, 0,      IMM_NONE,    MEM_NONE)                                \
    K(E,     AT_RM,     RF_GPR,  0,      IMM_NONE,    MEM_NONE)                                \
    K(M,     AT_RM_MEM, RF_NONE, 0,      IMM_NONE,    MEM_NONE)                                \
    K(G,     AT_REG,    RF_GPR,  0xffff, IMM_NONE,    MEM_NONE)                                \
    K(R,     AT_RM_REG, RF_GPR,  0,      IMM_NONE,    MEM_NONE)                                \
    K(Z,     AT_OPCODE, RF_GPR,  0,      IMM_NONE,    MEM_NONE)                                \
    K(GPR,   AT_FIXED,  RF_GPR,  0,      IMM_NONE,    MEM_NONE)   /* enum gpr */               \
    K(SEG,   AT_FIXED,  RF_SEG,  0,      IMM_NONE,    MEM_NONE)   /* enum segreg */            \
    K(S,     AT_REG,    RF_SEG,  0,      IMM_NONE,    MEM_NONE)                                \
    K(C,     AT_REG,    RF_CR,   0x011d, IMM_NONE,    MEM_NONE)                                \
    K(D,     AT_REG,    RF_DR,   0x00ff, IMM_NONE,    MEM_NONE)                                \
    K(I,     AT_NONE,   RF_NONE, 0,      IMM_SIZED,   MEM_NONE)                                \
    K(ONE,   AT_NONE,   RF_NONE, 0,      IMM_NONE,    MEM_NONE)   /* shifts by 1 */            \
    K(J,     AT_NONE,   RF_NONE, 0,      IMM_BRANCH,  MEM_NONE)                                \
    K(O,     AT_NONE,   RF_NONE, 0,      IMM_ADDRESS, MEM_MOFFS)                               \
    K(A,     AT_NONE,   RF_NONE, 0,      IMM_FAR,     MEM_NONE)                                \
    K(X,     AT_NONE,   RF_NONE, 0,      IMM_NONE,    MEM_RSI)    /* string source */          \
    K(Y,     AT_NONE,   RF_NONE, 0,      IMM_NONE,    MEM_RDI)    /* string dest. */           \
    K(XLAT,  AT_NONE,   RF_NONE, 0,      IMM_NONE,    MEM_XLAT)                                \
    K(STACK, AT_NONE,   RF_NONE, 0,      IMM_NONE,    MEM_STACK)                               \
    K(MDI,   AT_NONE,   RF_NONE, 0,      IMM_NONE,    MEM_DS_RDI) /* MASKMOVQ, MASKMOVDQU */   \
    K(V,     AT_REG,    RF_VEC,  0,      IMM_NONE,    MEM_NONE)                                \
    K(W,     AT_RM,     RF_VEC,  0,      IMM_NONE,    MEM_NONE)                                \
    K(U,     AT_RM_REG, RF_VEC,  0,      IMM_NONE,    MEM_NONE)                                \
    K(H,     AT_VVVV,   RF_VEC,  0,      IMM_NONE,    MEM_NONE)                                \
    K(L,     AT_IS4,    RF_VEC,  0,      IMM_IS4,     MEM_NONE)                                \
    K(P,     AT_REG,    RF_MMX,  0,      IMM_NONE,    MEM_NONE)                                \
    K(Q,     AT_RM,     RF_MMX,  0,      IMM_NONE,    MEM_NONE)                                \
    K(N,     AT_RM_REG, RF_MMX,  0,      IMM_NONE,    MEM_NONE)                                \
    K(B,     AT_VVVV,   RF_GPR,  0,      IMM_NONE,    MEM_NONE)   /* BMI1/BMI2 */              \
    K(KG,    AT_REG,    RF_MASK, 0x00ff, IMM_NONE,    MEM_NONE)                                \
    K(KE,    AT_RM,     RF_MASK, 0,      IMM_NONE,    MEM_NONE)                                \
    K(KR,    AT_RM_REG, RF_MASK, 0,      IMM_NONE,    MEM_NONE)                                \
    K(KH,    AT_VVVV,   RF_MASK, 0x00ff, IMM_NONE,    MEM_NONE)                                \
    K(ST0,   AT_FIXED,  RF_X87,  0,      IMM_NONE,    MEM_NONE)                                \
    K(STI,   AT_RM_REG, RF_X87,  0,      IMM_NONE,    MEM_NONE)                                \
    K(BND,   AT_REG,    RF_BND,  0x000f, IMM_NONE,    MEM_NONE)                                \
    K(BNDE,  AT_RM,     RF_BND,  0x000f, IMM_NONE,    MEM_NONE)                                \
    K(TR,    AT_TILE,   RF_TILE, 0x00ff, IMM_NONE,    MEM_NONE)
// clang-format on

/* F(file, count, name prefix): the register files, the number of registers an operand can
 * name in each (the field's bits beyond them are ignored: MMX and x87 ignore REX.R/B), and
 * the prefix of their names in Intel syntax (GPRs, segments and vectors are named by table
 * or width, formatter). */
// clang-format off
#define REGISTER_FILES(F)                                                                      \
    F(NONE, 0,  "")                                                                            \
    F(GPR,  16, "")                                                                            \
    F(SEG,  8,  "")                                                                            \
    F(CR,   16, "cr")                                                                          \
    F(DR,   16, "dr")                                                                          \
    F(VEC,  32, "")                                                                            \
    F(MMX,  8,  "mm")                                                                          \
    F(MASK, 8,  "k")                                                                           \
    F(X87,  8,  "st")                                                                          \
    F(BND,  4,  "bnd")                                                                         \
    F(TILE, 8,  "tmm")
// clang-format on

enum operand_field {
    AT_NONE = 0,
    AT_REG,
    AT_RM,
    AT_RM_MEM,
    AT_RM_REG,
    AT_VVVV,
    AT_OPCODE,
    AT_FIXED,
    AT_IS4,
    AT_TILE,
};
enum tile_field { TR_IN_REG = 0, TR_IN_RM = 1, TR_IN_VVVV = 2 };
enum operand_immediate { IMM_NONE = 0, IMM_SIZED, IMM_BRANCH, IMM_ADDRESS, IMM_IS4, IMM_FAR };
enum implicit_memory { MEM_NONE = 0, MEM_MOFFS, MEM_RSI, MEM_RDI, MEM_XLAT, MEM_STACK, MEM_DS_RDI };

#define OPERAND_KIND_ENUM(kind, ...) OK_##kind,
enum operand_kind { OPERAND_KINDS(OPERAND_KIND_ENUM) OK_KIND_COUNT };
#define REGISTER_FILE_ENUM(file, ...) RF_##file,
enum register_file { REGISTER_FILES(REGISTER_FILE_ENUM) RF_COUNT };

struct operand_kind_info {
    uint8_t field;      /* enum operand_field */
    uint8_t file;       /* enum register_file */
    uint8_t immediate;  /* enum operand_immediate */
    uint8_t memory;     /* enum implicit_memory */
    uint32_t registers; /* the register numbers that exist; 0: all */
};
struct register_file_info {
    unsigned count;
    const char *prefix;
};
extern const struct operand_kind_info operand_kinds[OK_KIND_COUNT]; /* operands.c */
extern const struct register_file_info register_files[RF_COUNT];

/* A set of kinds (uint64_t, bit = kind), and the sets of kinds with a property, as constant
 * expressions: KINDS_WHERE(test) ORs test(row...) over the table. */
#define KIND(k) (UINT64_C(1) << (k))
#define KINDS_WHERE(test) (0 OPERAND_KINDS(test))
/* The kinds whose field is in ModRM. The tables' rows use the set in their initializers
 * (OPND_NEEDS_MODRM_), thousands of times: a token per field keeps that cheap to compile. */
#define MODRM_AT_REG 1
#define MODRM_AT_RM 1
#define MODRM_AT_RM_MEM 1
#define MODRM_AT_RM_REG 1
#define MODRM_AT_TILE 1
#define MODRM_AT_NONE 0
#define MODRM_AT_VVVV 0
#define MODRM_AT_OPCODE 0
#define MODRM_AT_FIXED 0
#define MODRM_AT_IS4 0
#define FIELD_IN_MODRM_(kind, field, ...) | ((uint64_t)MODRM_##field << OK_##kind)
#define KINDS_IN_MODRM KINDS_WHERE(FIELD_IN_MODRM_)

/* ---- operand descriptors: kind (bits 0-5) | size (bits 6-10) | register (bits 11-15) ---- */
enum operand_size {
    SZ_NONE = 0,
    SZ_b,      /* byte */
    SZ_w,      /* word */
    SZ_d,      /* doubleword */
    SZ_q,      /* quadword */
    SZ_v,      /* 2/4/8 by effective operand size */
    SZ_z,      /* 2/4 (4 when operand size is 64) */
    SZ_y,      /* 4/8 (8 when operand size is 64) */
    SZ_bs,     /* byte immediate sign-extended to the operand size */
    SZ_p,      /* far pointer: 16:16, 16:32 or 16:64 by operand size */
    SZ_a,      /* BOUND: two operand-size values */
    SZ_s,      /* pseudo-descriptor: 6 bytes (10 in 64-bit mode) */
    SZ_dq,     /* 16 bytes */
    SZ_qq,     /* 32 bytes */
    SZ_x,      /* 16/32/64 bytes by VEX.L / EVEX.L'L */
    SZ_hx,     /* half of x: 8/16/32 bytes */
    SZ_qx,     /* quarter of x: 4/8/16 bytes */
    SZ_ox,     /* eighth of x: 2/4/8 bytes */
    SZ_t,      /* 10 bytes (x87 extended / BCD) */
    SZ_env,    /* x87 environment: 14/28 bytes by operand size */
    SZ_fsave,  /* x87 state: 94/108 bytes */
    SZ_fxsave, /* 512 bytes */
    SZ_xsave,  /* variable (XSAVE area) */
    SZ_ptr,    /* no data access (LEA, prefetch, clflush, nop): address only */
    SZ_COUNT
};

#define OPND(kind, size, reg) ((uint16_t)((kind) | ((size) << 6) | ((reg) << 11)))
#define OPND_KIND(o) ((enum operand_kind)((o)&0x3f))
#define OPND_SIZE(o) ((enum operand_size)(((o) >> 6) & 0x1f))
#define OPND_REG(o) ((unsigned)((o) >> 11))

/* ---- row flags ---- */
enum {
    F_MODRM = 1u << 0,  /* has a ModRM byte (set automatically from the operands too) */
    F_LOCK = 1u << 1,   /* LOCK allowed (only with a memory destination) */
    F_NO64 = 1u << 2,   /* #UD in 64-bit mode */
    F_ONLY64 = 1u << 3, /* #UD outside 64-bit mode */
    F_DEF64 = 1u << 4,  /* 64-bit mode: default operand size 64 (66 -> 16), e.g. PUSH */
    F_FORCE64 =
        1u << 5, /* 64-bit mode: operand size always 64 (66 ignored, Intel), e.g. CALL rel */
    F_MEMONLY = 1u << 6,       /* mod=3 is #UD */
    F_REGONLY = 1u << 7,       /* mod!=3 is #UD */
    F_REP = 1u << 8,           /* string instruction: F3/F2 are REP/REPE/REPNE */
    F_IMPLICIT_LOCK = 1u << 9, /* XCHG with memory: locked without a prefix */
    F_NO_VVVV = 1u << 10,      /* VEX/EVEX/XOP: vvvv must be 1111b (else #UD) */
    F_L0 = 1u << 11,           /* VEX/XOP: L must be 0; EVEX: L'L must be 0 */
    F_L1 = 1u << 12,           /* VEX: L must be 1 */
    F_W0 =
        1u
        << 13, /* VEX/EVEX/XOP: W must be 0 (ignored in 32-bit mode where the SDM says so: use F_W0_64) */
    F_W1 = 1u << 14,             /* VEX/EVEX/XOP: W must be 1 */
    F_W0_64 = 1u << 15,          /* W must be 0 in 64-bit mode only (W ignored elsewhere) */
    F_EVEX_NO_L2 = 1u << 16,     /* EVEX: L'L = 2 (512-bit) is #UD */
    F_EVEX_NO_Z = 1u << 17,      /* EVEX: z must be 0 */
    F_EVEX_NO_K = 1u << 18,      /* EVEX: aaa must be 0 */
    F_EVEX_NEED_K = 1u << 19,    /* EVEX: aaa must not be 0 (gathers/scatters) */
    F_EVEX_NO_B = 1u << 20,      /* EVEX: b must be 0 (no broadcast/rounding) */
    F_VSIB = 1u << 21,           /* SIB index is a vector register; SIB required */
    F_NO_REX_W_OSIZE = 1u << 22, /* 66 ignored for operand size (e.g. it is a mandatory prefix) */
    F_PRIV = 1u << 23,           /* CPL 0 only (the executor checks) */
    F_BRANCH = 1u << 24,         /* changes RIP other than by its length */
    F_FLAGS_ONLY = 1u << 25, /* reads memory only to set flags (CMP/TEST) - for trace/formatter */
    F_L_IGNORED = 1u << 26,  /* VEX: L ignored (LIG) */
    F_X87 = 1u << 27,        /* x87 instruction */
    /* EVEX register form: b=1 selects embedded rounding / SAE, and L'L is then not a vector
     * length (any value, even 3, is valid). Without this flag b=1 in the register form is
     * #UD; F_EVEX_NO_B then only forbids b=1 (broadcast) in the memory form. */
    F_EVEX_ER_SAE = 1u << 28,
    F_MOD_IS_REG =
        1u << 29, /* mod is ignored, r/m always names a register (MOV CR/DR): no SIB/disp */
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
    uint8_t sel;              /* enum selector */
    uint8_t children;         /* selectors: number of entries in next[] (bounds the index) */
    uint8_t evex_element;     /* EVEX rows: the element, see EVEX_ELEMENT below */
    const struct optab *next; /* children of a selector */
    uint16_t mnemonic;        /* rows: enum mnemonic */
    uint16_t opnd[4];         /* rows: operand descriptors, OK_NONE-terminated */
    uint32_t flags;           /* rows: F_* */
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
#define EVEX_ELEMENT_BYTES(e) ((unsigned)(e)&0x7fu)

/* Operands that imply a ModRM byte (so rows cannot forget F_MODRM). */
#define OPND_NEEDS_MODRM_(o) (((KINDS_IN_MODRM >> OPND_KIND(o)) & 1) ? F_MODRM : 0u)

/* A row: mnemonic, up to four operands (0 for none), flags; ROWE/I*E also give the EVEX
 * element (EVEX_ELEMENT above). */
#define ROWE(mn, o1, o2, o3, o4, fl, element)                                                      \
    {                                                                                              \
        .sel = SEL_ROW, .evex_element = (element), .mnemonic = MN_##mn,                            \
        .opnd = { (o1), (o2), (o3), (o4) },                                                        \
        .flags = (uint32_t)(fl) | OPND_NEEDS_MODRM_(o1) | OPND_NEEDS_MODRM_(o2) |                  \
                 OPND_NEEDS_MODRM_(o3) | OPND_NEEDS_MODRM_(o4)                                     \
    }
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
#define SEL_(kind, n, ...)                                                                         \
    {                                                                                              \
        .sel = (kind), .children = (n), .next = (const struct optab[n])                            \
        {                                                                                          \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    }
#define BY_REG(...) SEL_(SEL_REG, 8, __VA_ARGS__)
#define BY_RM(...) SEL_(SEL_RM, 8, __VA_ARGS__)
#define BY_MOD(mem, reg) SEL_(SEL_MOD, 2, mem, reg)
#define BY_PFX(none, p66, pf3, pf2) SEL_(SEL_PFX, 4, none, p66, pf3, pf2)
#define BY_REP(none, pf3, pf2) SEL_(SEL_REP, 3, none, pf3, pf2)
/* Forms with one mandatory prefix (none, 66, F3 or F2), the other three #UD. The row is
 * expanded before it is substituted, so these pass it on as __VA_ARGS__ (its commas). */
#define ONLY_NP(...) SEL_(SEL_PFX, 4, __VA_ARGS__, UD, UD, UD)
#define ONLY_66(...) SEL_(SEL_PFX, 4, UD, __VA_ARGS__, UD, UD)
#define ONLY_F3(...) SEL_(SEL_PFX, 4, UD, UD, __VA_ARGS__, UD)
#define ONLY_F2(...) SEL_(SEL_PFX, 4, UD, UD, UD, __VA_ARGS__)
#define BY_MODE(legacy, long64) SEL_(SEL_MODE, 2, legacy, long64)
#define BY_OSIZE(o16, o32, o64) SEL_(SEL_OSIZE, 3, o16, o32, o64)
#define BY_ASIZE(a16, a32, a64) SEL_(SEL_ASIZE, 3, a16, a32, a64)
#define BY_W(w0, w1) SEL_(SEL_W, 2, w0, w1)
#define BY_L(l0, l1) SEL_(SEL_L, 2, l0, l1)
#define BY_LL(l0, l1, l2) SEL_(SEL_L, 3, l0, l1, l2)
#define BY_REXB(b0, b1) SEL_(SEL_REXB, 2, b0, b1)
#define LINK(entry)                                                                                \
    {                                                                                              \
        .sel = SEL_LINK, .children = 1, .next = &(entry)                                           \
    }
#define UD                                                                                         \
    {                                                                                              \
        .sel = SEL_INVALID                                                                         \
    }

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

/* ---- what a decoded instruction's operands are (operands.c) ---- */
static inline const struct operand_kind_info *operand_kind_of(uint16_t opnd)
{
    return &operand_kinds[OPND_KIND(opnd)];
}
/* A ModRM r/m kind that may be memory: E M W Q KE BNDE. */
static inline bool kind_can_be_memory(enum operand_kind kind)
{
    return operand_kinds[kind].field == AT_RM || operand_kinds[kind].field == AT_RM_MEM;
}
/* Whether the operand is memory in this instruction: a ModRM r/m with mod != 3. */
bool operand_in_memory(const struct insn *insn, uint16_t opnd);
/* The register number the operand's field holds, as encoded (checked against the kind's
 * registers: decode.c). */
unsigned operand_register_field(const struct insn *insn, uint16_t opnd);
/* The register the operand names: its field without the bits its register file ignores. */
unsigned operand_register(const struct insn *insn, uint16_t opnd);

/* ---- the maps (defined in the table sources) ---- */
extern const struct optab optab_1b[256];   /* tables_1byte.c */
extern const struct optab optab_0f[256];   /* tables_0f.c */
extern const struct optab optab_0f38[256]; /* tables_0f38_0f3a.c */
extern const struct optab optab_0f3a[256];
extern const struct optab optab_3dnow[256];   /* tables_0f.c */
extern const struct optab optab_vex[3][256];  /* tables_vex.c: [0] 0F, [1] 0F38, [2] 0F3A */
extern const struct optab optab_evex[5][256]; /* tables_evex.c: 0F, 0F38, 0F3A, MAP5, MAP6 */
extern const struct optab optab_xop[3][256];  /* tables_xop.c: maps 8, 9, A */

#endif
