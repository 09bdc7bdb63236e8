/* Forms and their names (form_key.h). */
#include "form_key.h"

#include <stdio.h>
#include <string.h>

/* A memory operand, explicit or implicit (the stack of PUSH or CALL, the strings of MOVS);
 * MPX's BNDLDX/BNDSTX reach the bound table through theirs (MIB). LEA's and MPX's other
 * address generation (AGEN) is no memory operand. The hints (NOP, PREFETCHh, CLDEMOTE) name
 * memory they do not access, and are listed all the same: a VMM may hand them over like any
 * instruction. */
bool form_has_memory_operand(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops)
{
    for (unsigned i = 0; i < in->operand_count; i++)
        if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
            (ops[i].mem.type == ZYDIS_MEMOP_TYPE_MEM || ops[i].mem.type == ZYDIS_MEMOP_TYPE_MIB ||
             ops[i].mem.type == ZYDIS_MEMOP_TYPE_VSIB))
            return true;
    return false;
}

/* The general-purpose instructions Zydis files under a vector extension (CRC32, POPCNT,
 * MOVNTI under SSE4.2/SSE2), SSE3's x87 FISTTP, and the state instructions of the x87 and
 * SSE registers (FXSAVE/FXRSTOR, (V)LDMXCSR/(V)STMXCSR), emulated with the x87 and XSAVE
 * families (docs/x87.md, docs/xsave.md): not vector forms. */
static bool general_purpose_mnemonic(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_CRC32:
    case ZYDIS_MNEMONIC_POPCNT:
    case ZYDIS_MNEMONIC_MOVNTI:
    case ZYDIS_MNEMONIC_FISTTP:
    case ZYDIS_MNEMONIC_FXSAVE:
    case ZYDIS_MNEMONIC_FXSAVE64:
    case ZYDIS_MNEMONIC_FXRSTOR:
    case ZYDIS_MNEMONIC_FXRSTOR64:
    case ZYDIS_MNEMONIC_LDMXCSR:
    case ZYDIS_MNEMONIC_STMXCSR:
    case ZYDIS_MNEMONIC_VLDMXCSR:
    case ZYDIS_MNEMONIC_VSTMXCSR: return true;
    default: return false;
    }
}

/* The vector extensions, listed, so that an extension a newer Zydis knows counts as
 * general-purpose (always checked) until someone decides otherwise. */
bool form_is_vector(const ZydisDecodedInstruction *in)
{
    if (general_purpose_mnemonic(in->mnemonic))
        return false;
    switch (in->meta.isa_ext) {
    case ZYDIS_ISA_EXT_AES:
    case ZYDIS_ISA_EXT_AMD3DNOW:
    case ZYDIS_ISA_EXT_AVX:
    case ZYDIS_ISA_EXT_AVX2:
    case ZYDIS_ISA_EXT_AVX2GATHER:
    case ZYDIS_ISA_EXT_AVX512EVEX:
    case ZYDIS_ISA_EXT_AVX512VEX:
    case ZYDIS_ISA_EXT_AVXAES:
    case ZYDIS_ISA_EXT_AVX_VNNI:
    case ZYDIS_ISA_EXT_F16C:
    case ZYDIS_ISA_EXT_FMA:
    case ZYDIS_ISA_EXT_FMA4:
    case ZYDIS_ISA_EXT_GFNI:
    case ZYDIS_ISA_EXT_KNC:
    case ZYDIS_ISA_EXT_KNCE:
    case ZYDIS_ISA_EXT_KNCV:
    case ZYDIS_ISA_EXT_MMX:
    case ZYDIS_ISA_EXT_PCLMULQDQ:
    case ZYDIS_ISA_EXT_SHA:
    case ZYDIS_ISA_EXT_SSE:
    case ZYDIS_ISA_EXT_SSE2:
    case ZYDIS_ISA_EXT_SSE3:
    case ZYDIS_ISA_EXT_SSE4:
    case ZYDIS_ISA_EXT_SSE4A:
    case ZYDIS_ISA_EXT_SSSE3:
    case ZYDIS_ISA_EXT_VAES:
    case ZYDIS_ISA_EXT_VPCLMULQDQ:
    case ZYDIS_ISA_EXT_XOP: return true;
    default: return false;
    }
}

/* Only the vector mnemonics have both a VEX and an EVEX form (BMI's and AMX's are VEX only). */
static const char *encoding_tag(const ZydisDecodedInstruction *in)
{
    if (!form_is_vector(in))
        return "";
    switch (in->encoding) {
    case ZYDIS_INSTRUCTION_ENCODING_VEX: return "{vex} ";
    case ZYDIS_INSTRUCTION_ENCODING_EVEX: return "{evex} ";
    case ZYDIS_INSTRUCTION_ENCODING_MVEX: return "{mvex} ";
    default: return ""; /* legacy, 3DNow! and XOP mnemonics are their own */
    }
}

static const char *rep_prefix(const ZydisDecodedInstruction *in)
{
    return (in->attributes & ZYDIS_ATTRIB_HAS_REP)     ? "rep "
           : (in->attributes & ZYDIS_ATTRIB_HAS_REPE)  ? "repe "
           : (in->attributes & ZYDIS_ATTRIB_HAS_REPNE) ? "repne "
                                                       : "";
}

/* A vector register by class; NULL for the others, named by size. */
static const char *vector_register(ZydisRegister reg)
{
    switch (ZydisRegisterGetClass(reg)) {
    case ZYDIS_REGCLASS_MMX: return "mm";
    case ZYDIS_REGCLASS_XMM: return "xmm";
    case ZYDIS_REGCLASS_YMM: return "ymm";
    case ZYDIS_REGCLASS_ZMM: return "zmm";
    case ZYDIS_REGCLASS_MASK: return "k";
    case ZYDIS_REGCLASS_BOUND: return "bnd";
    case ZYDIS_REGCLASS_TMM: return "tmm";
    default: return NULL;
    }
}

static int operand_name(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *op, char *out,
                        size_t outsz)
{
    const char *vreg;

    switch (op->type) {
    case ZYDIS_OPERAND_TYPE_MEMORY:
        if (in->avx.broadcast.mode != ZYDIS_BROADCAST_MODE_INVALID && !in->avx.broadcast.is_static)
            return snprintf(out, outsz, "m%ubcst", op->element_size);
        return snprintf(out, outsz, "m%u", op->size);
    case ZYDIS_OPERAND_TYPE_REGISTER:
        vreg = vector_register(op->reg.value);
        return vreg ? snprintf(out, outsz, "%s", vreg) : snprintf(out, outsz, "r%u", op->size);
    case ZYDIS_OPERAND_TYPE_IMMEDIATE: return snprintf(out, outsz, "imm%u", op->size);
    default: return snprintf(out, outsz, "ptr");
    }
}

/* EVEX's opmask operand (aaa) is written after the operand it masks, {k} or {k}{z}; k0, no
 * masking, not at all. */
static bool is_write_mask(const ZydisDecodedOperand *op)
{
    return op->type == ZYDIS_OPERAND_TYPE_REGISTER && op->encoding == ZYDIS_OPERAND_ENCODING_MASK;
}

void form_key(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops, char *out,
              size_t outsz)
{
    size_t n = (size_t)snprintf(out, outsz, "%s%s%s", encoding_tag(in), rep_prefix(in),
                                ZydisMnemonicGetString(in->mnemonic));

    for (unsigned i = 0; i < in->operand_count && n < outsz; i++) {
        if (ops[i].visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
            ops[i].type != ZYDIS_OPERAND_TYPE_MEMORY)
            continue; /* implicit registers and flags do not make a different form */
        if (is_write_mask(&ops[i])) {
            if (ops[i].reg.value != ZYDIS_REGISTER_K0)
                n += (size_t)snprintf(out + n, outsz - n, " {k}%s",
                                      in->avx.mask.mode == ZYDIS_MASK_MODE_ZEROING ? "{z}" : "");
            continue;
        }
        n += (size_t)snprintf(out + n, outsz - n, "%s", i ? ", " : " ");
        if (n < outsz)
            n += (size_t)operand_name(in, &ops[i], out + n, outsz - n);
    }
}

size_t form_key_group_length(const char *key)
{
    size_t n = key[0] == '{' ? strcspn(key, "}") + 2 : 0;
    return n + strcspn(key + n, " ,");
}
