/* Intel-syntax text of a decoded instruction, e.g. "lock add byte ptr fs:[eax], 0x1".
 * For people (diagnostics, the CLI tool, traces), so it favours plain readable output:
 * lower case, hexadecimal numbers, branch targets as absolute addresses. */
#include <stdio.h>
#include <string.h>

#include "decoder.h"
#include "optab.h"

static const char *const mnemonic_names[MN_COUNT] = {
    "invalid",
#define MN(name) #name,
#define MN_EXEC(name, handler, implicit_regs) MN(name)
#include "mnemonics_base.def"
#include "mnemonics_ext.def"
#undef MN_EXEC
#undef MN
};

const char *mnemonic_name(enum mnemonic mn)
{
    return (unsigned)mn < MN_COUNT ? mnemonic_names[mn] : "invalid";
}

/* Bounded text builder: never writes past outsz, always NUL-terminated. */
struct text {
    char *out;
    size_t size, len;
};

static void put(struct text *t, const char *s)
{
    for (; *s && t->len + 1 < t->size; s++)
        t->out[t->len++] = *s;
    t->out[t->len] = '\0';
}

static void putf_hex(struct text *t, uint64_t value)
{
    char buf[24];
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)value);
    put(t, buf);
}

static void put_indexed(struct text *t, const char *prefix, unsigned n)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%s%u", prefix, n);
    put(t, buf);
}

/* ---- registers ---- */

static const char *const gpr64[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                       "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const gpr32[16] = {
    "eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"
};
static const char *const gpr16[16] = {
    "ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"
};
static const char *const gpr8[16] = {
    "al",  "cl",  "dl",   "bl",   "spl",  "bpl",  "sil",  "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"
};
static const char *const gpr8_legacy[4] = { "ah", "ch", "dh", "bh" };
static const char *const segment_names[8] = { "es", "cs", "ss", "ds", "fs", "gs", "?", "?" };

static void put_gpr(struct text *t, const struct insn *in, unsigned reg, unsigned bytes)
{
    reg &= 15;
    switch (bytes) {
    case 1:
        /* without REX (VEX/EVEX/XOP imply one), encodings 4-7 are AH..BH */
        put(t, (reg >= 4 && reg < 8 && !(in->prefixes & PFX_REX) && in->encoding == ENC_LEGACY)
                   ? gpr8_legacy[reg - 4]
                   : gpr8[reg]);
        break;
    case 2: put(t, gpr16[reg]); break;
    case 8: put(t, gpr64[reg]); break;
    default: put(t, gpr32[reg]); break;
    }
}

/* ---- sizes ---- */

static unsigned vector_bytes(const struct insn *in)
{
    return insn_operand_bytes(in, SZ_x);
}

static const char *size_keyword(unsigned bytes)
{
    switch (bytes) {
    case 1: return "byte ptr ";
    case 2: return "word ptr ";
    case 4: return "dword ptr ";
    case 6: return "fword ptr ";
    case 8: return "qword ptr ";
    case 10: return "tbyte ptr ";
    case 16: return "xmmword ptr ";
    case 32: return "ymmword ptr ";
    case 64: return "zmmword ptr ";
    default: return "";
    }
}

static void put_vector(struct text *t, unsigned reg, unsigned bytes)
{
    put_indexed(t, bytes >= 64 ? "zmm" : bytes == 32 ? "ymm" : "xmm", reg);
}

/* ---- memory operands ---- */

static void put_segment_override(struct text *t, const struct insn *in)
{
    /* LEA computes an offset: a segment prefix has no effect on it */
    if ((in->prefixes & PFX_SEG) && in->mnemonic != MN_lea) {
        put(t, segment_names[in->seg_override & 7]);
        put(t, ":");
    }
}

static void put_address_reg(struct text *t, const struct insn *in, unsigned reg)
{
    put_gpr(t, in, reg, in->addrsize);
}

/* The index vector of a gather/scatter is as wide as the instruction's vector, except for
 * dword indices with qword elements (the even opcodes with W = 1: ...DPD, ...DQ), which
 * need half as many. */
static unsigned vsib_index_bytes(const struct insn *in)
{
    unsigned bytes = vector_bytes(in);
    if ((in->opcode & 1) == 0 && in->vex_w && bytes > 16)
        bytes /= 2;
    return bytes;
}

static void put_modrm_memory(struct text *t, const struct insn *in, unsigned bytes, bool vsib)
{
    bool any = false;
    bool broadcast = in->encoding == ENC_EVEX && in->evex_b && !vsib;
    if (broadcast)
        bytes = insn_broadcast_bytes(in);
    put(t, size_keyword(bytes));
    put_segment_override(t, in);
    put(t, "[");
    if (in->rip_relative) {
        put(t, in->addrsize == 8 ? "rip" : "eip");
        any = true;
    } else if (in->base != GPR_NONE) {
        put_address_reg(t, in, in->base);
        any = true;
    }
    if (in->index != GPR_NONE) {
        if (any)
            put(t, "+");
        if (vsib)
            put_vector(t, in->index, vsib_index_bytes(in));
        else
            put_address_reg(t, in, in->index);
        if (in->scale > 1)
            put_indexed(t, "*", in->scale);
        any = true;
    }
    if (!any) {
        uint64_t mask = in->addrsize == 8 ? ~0ull : (1ull << (8 * in->addrsize)) - 1;
        putf_hex(t, (uint64_t)(int64_t)in->disp & mask);
    } else if (in->disp) {
        put(t, in->disp < 0 ? "-" : "+");
        putf_hex(t, in->disp < 0 ? 0 - (uint64_t)(int64_t)in->disp : (uint64_t)in->disp);
    }
    put(t, "]");
    if (broadcast) {
        put_indexed(t, "{1to", vector_bytes(in) / insn_broadcast_bytes(in));
        put(t, "}");
    }
}

/* String and XLAT operands: seg:[rSI] / es:[rDI] / [rBX+al], address-size registers. */
static void put_implicit_memory(struct text *t, const struct insn *in, unsigned bytes,
                                enum segreg seg, unsigned reg, bool plus_al)
{
    put(t, size_keyword(bytes));
    put(t, segment_names[seg]);
    put(t, ":[");
    put_address_reg(t, in, reg);
    if (plus_al)
        put(t, "+al");
    put(t, "]");
}

/* ---- operands ---- */

static uint64_t size_mask(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

/* A register by file and number, as Intel syntax names it. */
static void put_register(struct text *t, const struct insn *in, unsigned file, unsigned reg,
                         unsigned bytes)
{
    switch (file) {
    case RF_GPR: put_gpr(t, in, reg, bytes); break;
    case RF_SEG: put(t, segment_names[reg & 7]); break;
    case RF_VEC: put_vector(t, reg, bytes); break;
    default: put_indexed(t, register_files[file].prefix, reg); break;
    }
}

/* An immediate operand (I, J, O, A): its value, a branch target, a moffs address, a far
 * pointer. */
static void put_immediate(struct text *t, const struct insn *in, uint16_t opnd, uint64_t imm,
                          unsigned imm_size, uint64_t rip)
{
    enum operand_size size = OPND_SIZE(opnd);
    int64_t rel;
    uint64_t target;

    switch (operand_kind_of(opnd)->immediate) {
    case IMM_SIZED:
        if (size == SZ_bs) /* sign-extended to the operand size */
            imm = (uint64_t)(int64_t)(int8_t)imm & size_mask(in->opsize);
        else if (size == SZ_z && in->opsize == 8) /* Iz, 64-bit operand: sign-extended */
            imm = (uint64_t)(int64_t)(int32_t)(uint32_t)imm;
        putf_hex(t, imm);
        break;
    case IMM_BRANCH:
        rel = imm_size == 1 ? (int8_t)imm : imm_size == 2 ? (int16_t)imm : (int32_t)(uint32_t)imm;
        /* RIP is 64 bits wide in 64-bit mode; elsewhere EIP/IP wrap at the operand size */
        target = rip + in->length + (uint64_t)rel;
        putf_hex(t, in->mode == MODE_64 ? target : target & size_mask(in->opsize));
        break;
    case IMM_ADDRESS:
        put(t, size_keyword(insn_operand_bytes(in, size)));
        put(t, segment_names[in->seg & 7]);
        put(t, ":[");
        putf_hex(t, imm);
        put(t, "]");
        break;
    case IMM_FAR:
        putf_hex(t, in->imm2);
        put(t, ":");
        putf_hex(t, in->imm);
        break;
    }
}

/* One operand, as the kinds' table (optab.h) describes it. first_imm: whether the operand
 * takes the first immediate (not the second: ENTER, EXTRQ). */
static void put_operand(struct text *t, const struct insn *in, uint16_t opnd, bool first_imm,
                        uint64_t rip)
{
    const struct operand_kind_info *kind = operand_kind_of(opnd);
    unsigned bytes = insn_operand_bytes(in, OPND_SIZE(opnd));

    if (operand_in_memory(in, opnd))
        put_modrm_memory(t, in, bytes, (in->row->flags & F_VSIB) != 0);
    else if (kind->file != RF_NONE)
        put_register(t, in, kind->file, operand_register(in, opnd), bytes);
    else if (kind->immediate != IMM_NONE)
        put_immediate(t, in, opnd, first_imm ? in->imm : in->imm2,
                      first_imm ? in->imm_size : in->imm2_size, rip);
    else if (kind->memory == MEM_RSI)
        put_implicit_memory(t, in, bytes, in->seg, GPR_SI, false);
    else if (kind->memory == MEM_RDI)
        put_implicit_memory(t, in, bytes, SEG_ES, GPR_DI, false);
    else if (kind->memory == MEM_XLAT)
        put_implicit_memory(t, in, bytes, in->seg, GPR_BX, true);
    else if (OPND_KIND(opnd) == OK_ONE)
        put(t, "1");
}

/* Intel syntax leaves out the stack and MASKMOVQ/MASKMOVDQU's DS:rDI, as Zydis does. */
static bool operand_written(uint16_t opnd)
{
    unsigned memory = operand_kind_of(opnd)->memory;
    return memory != MEM_STACK && memory != MEM_DS_RDI;
}

/* ---- mnemonic ---- */

/* Families named by operand size in Intel syntax: movsb/movsw/movsd/movsq, pushf/pushfd/
 * pushfq, ... The table has one mnemonic per family; the suffix comes from the size. */
static const char *size_suffix(const struct insn *in)
{
    static const char *const bwdq[9] = { "", "b", "w", "", "d", "", "", "", "q" };
    static const char *const fdq[9] = { "", "", "", "", "d", "", "", "", "q" };
    unsigned bytes = 0;
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++) {
        enum operand_kind kind = OPND_KIND(in->row->opnd[i]);
        if (kind == OK_X || kind == OK_Y)
            bytes = insn_operand_bytes(in, OPND_SIZE(in->row->opnd[i]));
    }
    switch (in->mnemonic) {
    case MN_movs:
    case MN_cmps:
    case MN_stos:
    case MN_lods:
    case MN_scas:
    case MN_ins:
    case MN_outs: return bwdq[bytes <= 8 ? bytes : 0];
    case MN_pushf:
    case MN_popf:
    case MN_pusha:
    case MN_popa:
    case MN_iret: return fdq[in->opsize <= 8 ? in->opsize : 0];
    default: return "";
    }
}

static void put_mnemonic(struct text *t, const struct insn *in)
{
    const char *name = mnemonic_name(in->mnemonic);
    for (; *name && t->len + 1 < t->size; name++) /* call_far -> "call far" */
        t->out[t->len++] = *name == '_' ? ' ' : *name;
    t->out[t->len] = '\0';
    put(t, size_suffix(in));
}

static void put_prefixes(struct text *t, const struct insn *in)
{
    uint32_t flags = in->row->flags;
    if (in->prefixes & PFX_LOCK)
        put(t, "lock ");
    if ((flags & F_REP) && (in->prefixes & (PFX_REP | PFX_REPNE))) {
        bool compares = (flags & F_FLAGS_ONLY) != 0; /* cmps, scas: the condition matters */
        if (in->prefixes & PFX_REPNE)
            put(t, "repne ");
        else
            put(t, compares ? "repe " : "rep ");
    }
}

/* String instructions and XLAT are written without operands ("rep movsb"), as Intel
 * does, unless a segment override or a non-default address size has to be shown. */
static bool operands_implicit(const struct insn *in)
{
    static const uint8_t default_addrsize[3] = { 2, 4, 8 };
    bool implicit_memory = false, overridable = false;
    for (unsigned i = 0; i < 4 && in->row->opnd[i]; i++) {
        enum operand_kind kind = OPND_KIND(in->row->opnd[i]);
        implicit_memory |= kind == OK_X || kind == OK_Y || kind == OK_XLAT;
        overridable |= kind == OK_X || kind == OK_XLAT;
    }
    return implicit_memory && !(overridable && (in->prefixes & PFX_SEG)) &&
           in->addrsize == default_addrsize[in->mode % 3];
}

/* EVEX write masking on the destination: "zmm0{k1}{z}". */
static void put_evex_masking(struct text *t, const struct insn *in)
{
    if (in->encoding != ENC_EVEX || in->evex_aaa == 0)
        return;
    put_indexed(t, "{k", in->evex_aaa);
    put(t, in->evex_z ? "}{z}" : "}");
}

/* EVEX register form with b = 1: static rounding (or suppress-all-exceptions), written as
 * a last operand "{rn-sae}". */
static void put_evex_rounding(struct text *t, const struct insn *in)
{
    static const char *const modes[4] = { ", {rn-sae}", ", {rd-sae}", ", {ru-sae}", ", {rz-sae}" };
    if (in->encoding == ENC_EVEX && in->evex_b && in->mod == 3)
        put(t, modes[in->evex_rc & 3]);
}

void format_insn(const struct insn *in, uint64_t rip, char *out, size_t outsz)
{
    struct text t = { out, outsz, 0 };
    if (outsz == 0)
        return;
    out[0] = '\0';
    if (!in->row) {
        put(&t, "(bad)");
        return;
    }
    put_prefixes(&t, in);
    put_mnemonic(&t, in);
    if (operands_implicit(in))
        return;
    bool first_imm = true;
    for (unsigned i = 0, written = 0; i < 4 && in->row->opnd[i]; i++) {
        uint16_t opnd = in->row->opnd[i];
        if (!operand_written(opnd))
            continue;
        put(&t, written++ == 0 ? " " : ", ");
        put_operand(&t, in, opnd, first_imm, rip);
        if (operand_kind_of(opnd)->immediate != IMM_NONE)
            first_imm = false;
        if (i == 0)
            put_evex_masking(&t, in);
    }
    put_evex_rounding(&t, in);
}
