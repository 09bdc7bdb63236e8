/* Internal interface of the decoder: (CPU mode, bytes) -> decoded instruction.
 *
 * The decoder is a pure function: no callbacks, no allocation, no global state. It walks
 * the opcode tables (optab.h: one row per opcode, data not code) and fills a struct insn
 * that the executor, the formatter and the public whvemu_insn_length() all share. */
#ifndef WHVEMU_DECODER_H
#define WHVEMU_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mnemonic.h"

/* Default operand/address size of the code segment, i.e. what the CPU mode implies. */
enum cpu_mode { MODE_16 = 0, MODE_32 = 1, MODE_64 = 2 };

/* Opcode maps. The numbering of the VEX/EVEX maps follows their mmmmm field. */
enum opmap {
    MAP_LEGACY_1B = 0, /* one-byte opcodes (x87 included) */
    MAP_LEGACY_0F,
    MAP_LEGACY_0F38,
    MAP_LEGACY_0F3A,
    MAP_3DNOW, /* 0F 0F ModRM [SIB] [disp] suffix: opcode is the suffix byte */
    MAP_VEX_0F,
    MAP_VEX_0F38,
    MAP_VEX_0F3A,
    MAP_EVEX_0F,
    MAP_EVEX_0F38,
    MAP_EVEX_0F3A,
    MAP_EVEX_MAP5,
    MAP_EVEX_MAP6,
    MAP_XOP_8,
    MAP_XOP_9,
    MAP_XOP_A,
    MAP_COUNT
};

/* Encoding class of the instruction. */
enum encoding { ENC_LEGACY = 0, ENC_VEX, ENC_EVEX, ENC_XOP, ENC_3DNOW };

/* Segment registers, in the ModRM.reg / SDM order. SEG_NONE: no memory operand. */
enum segreg { SEG_ES = 0, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_NONE = 7 };

/* General-purpose register numbers (0..15 as encoded with REX/VEX/EVEX extension bits). */
// clang-format off
enum gpr {
    GPR_AX = 0, GPR_CX, GPR_DX, GPR_BX, GPR_SP, GPR_BP, GPR_SI, GPR_DI,
    GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
    GPR_NONE = 0xff
};
// clang-format on

/* Outcome of decoding. */
enum decode_status {
    DECODE_OK = 0,
    DECODE_NEED_MORE, /* the bytes end before the instruction does (and < 15 were seen) */
    DECODE_UD,        /* invalid encoding: the CPU raises #UD */
    DECODE_TOO_LONG,  /* longer than 15 bytes: the CPU raises #GP(0) */
};

/* Legacy prefix bits as seen (insn.prefixes). */
enum {
    PFX_LOCK = 1u << 0,
    PFX_REP = 1u << 1,   /* F3 */
    PFX_REPNE = 1u << 2, /* F2 */
    PFX_OSIZE = 1u << 3, /* 66 */
    PFX_ASIZE = 1u << 4, /* 67 */
    PFX_SEG = 1u << 5,   /* some segment override was present (insn.seg_override) */
    PFX_REX = 1u << 6,   /* a REX prefix is in effect (insn.rex) */
};

/* Mandatory prefix as selected for SSE-style rows and as given by VEX/EVEX/XOP pp. */
enum mandatory_prefix { MP_NONE = 0, MP_66 = 1, MP_F3 = 2, MP_F2 = 3 };

struct optab;

/* One decoded instruction. Plain data; a zeroed struct is a valid "nothing decoded". */
struct insn {
    const struct optab *row; /* the table row (mnemonic, operands, flags) */
    enum mnemonic mnemonic;  /* == row->mnemonic, copied for convenience */

    uint8_t length;    /* total bytes, 1..15 */
    uint8_t mode;      /* enum cpu_mode it was decoded for */
    uint8_t encoding;  /* enum encoding */
    uint8_t map;       /* enum opmap */
    uint8_t opcode;    /* the opcode byte within its map (3DNow!: the suffix) */
    uint8_t opsize;    /* effective operand size in bytes: 2, 4 or 8 */
    uint8_t addrsize;  /* effective address size in bytes: 2, 4 or 8 */
    uint8_t mandatory; /* enum mandatory_prefix in effect */

    uint8_t prefixes;     /* PFX_* bits */
    uint8_t seg_override; /* enum segreg of the last segment override, if PFX_SEG */
    uint8_t rex;          /* REX byte (0x40..0x4f) when PFX_REX, else 0 */
    uint8_t prefix_count; /* legacy + REX prefix bytes before the opcode/escape */

    /* ModRM and addressing */
    bool has_modrm;
    bool has_sib;
    uint8_t modrm, sib;
    uint8_t mod;         /* modrm bits 7:6 */
    uint8_t reg;         /* modrm.reg extended by REX.R / VEX.R (and EVEX.R' -> bit 4) */
    uint8_t rm;          /* modrm.rm extended by REX.B (register forms) */
    uint8_t base;        /* memory base register (enum gpr) or GPR_NONE */
    uint8_t index;       /* memory index register (enum gpr) or GPR_NONE; vector index for VSIB */
    uint8_t scale;       /* 1, 2, 4 or 8 */
    bool rip_relative;   /* 64-bit mode, mod=0 rm=5: disp is relative to the next RIP */
    uint8_t disp_size;   /* 0, 1, 2 or 4 bytes */
    uint8_t disp_offset; /* offset of the displacement within the bytes */
    int32_t disp;        /* sign-extended displacement */
    uint8_t seg;         /* effective segment of the memory operand (enum segreg), or SEG_NONE */

    /* Immediates (two for ENTER, far pointers and EXTRQ/INSERTQ). */
    uint8_t imm_size, imm2_size;
    uint8_t imm_offset;
    uint64_t imm; /* zero-extended as encoded; the executor sign-extends per operand */
    uint64_t imm2;

    /* VEX / EVEX / XOP fields (inverted fields stored un-inverted) */
    uint8_t vvvv;     /* 0..15 (EVEX: 0..31 with V') */
    uint8_t vex_l;    /* VEX.L / EVEX.L'L: 0, 1, 2 */
    bool vex_w;       /* VEX/EVEX/XOP .W, or REX.W for legacy */
    uint8_t evex_aaa; /* opmask register */
    bool evex_z, evex_b;
    uint8_t evex_rc; /* register form with b: rounding control (L'L as encoded; vex_l
                               * is then 2, the vector length such forms have) */
};

/* Decode the instruction at bytes[0..avail) in the given mode. Always fills *out enough
 * for diagnostics (out->length is how far decoding got). Returns DECODE_OK only when the
 * encoding is valid; DECODE_UD / DECODE_TOO_LONG carry the exception the CPU would raise. */
enum decode_status decode_insn(enum cpu_mode mode, const uint8_t *bytes, size_t avail,
                               struct insn *out);

/* Where CPUs decode differently. The default (0) is Intel's behaviour, which Zydis and the
 * public whvemu_insn_length() follow. */
enum decode_option {
    DECODE_AMD_BRANCHES = 1u << 0, /* 64-bit mode: 66 makes near branches 16-bit (rel16, IP) */
};
enum decode_status decode_insn_options(enum cpu_mode mode, unsigned options, const uint8_t *bytes,
                                       size_t avail, struct insn *out);

/* Intel-syntax text of a decoded instruction into out (always NUL-terminated when
 * outsz > 0). rip is the address of the instruction (for branch targets), or 0. */
void format_insn(const struct insn *insn, uint64_t rip, char *out, size_t outsz);

#endif
