/* Which general-purpose instructions with a memory operand exist, according to Zydis's
 * tables, and does whvemu emulate each of them?
 *
 * Every encoding of the legacy maps (1-byte, 0F, 0F38, 0F3A), each mandatory/size prefix,
 * REX.W, each ModRM.reg with a memory r/m, and the VEX/XOP maps where the general-purpose
 * BMI/TBM and AMX instructions live (vvvv unused or not, with and without a SIB byte), is
 * decoded by Zydis in 64-bit and 32-bit mode. An instruction with a memory operand that the
 * CPU accesses, of any ISA extension but the vector and XSAVE ones, is a
 * "form" (Zydis mnemonic + operand shape). Each form runs once through
 * WHvEmulatorTryMmioEmulation; InternalEmulationFailure means whvemu lacks it.
 *
 * The test fails when a form is missing that tests/coverage/known_gaps.txt does not list,
 * or when a listed form is in fact emulated (so the list stays exact). With --markdown FILE
 * it also writes the table docs/coverage.md is made of. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Zydis/Zydis.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "guest.h"
#include "guest_vcpu.h"

#define MAX_FORMS 4096
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXSAVE (1u << 18)

struct form {
    char key[96]; /* mnemonic + operand shape, e.g. "add m32, r32" */
    char mode[4]; /* "64" or "32" */
    uint8_t bytes[16];
    uint8_t length;
    char status[40]; /* "emulated", "fault #n", "missing" */
};

static struct form forms[MAX_FORMS];
static unsigned form_count;

/* The x87 instructions (Zydis's X87 extension, and SSE3's FISTTP), the state instructions
 * of the x87 and SSE registers, FXSAVE/FXRSTOR and (V)LDMXCSR/(V)STMXCSR, and the XSAVE
 * family: emulated with the general-purpose ones (docs/x87.md, docs/xsave.md), so counted
 * with them. */
static bool x87_or_fxsave(const ZydisDecodedInstruction *in)
{
    switch (in->mnemonic) {
    case ZYDIS_MNEMONIC_FISTTP:
    case ZYDIS_MNEMONIC_FXSAVE:
    case ZYDIS_MNEMONIC_FXSAVE64:
    case ZYDIS_MNEMONIC_FXRSTOR:
    case ZYDIS_MNEMONIC_FXRSTOR64:
    case ZYDIS_MNEMONIC_LDMXCSR:
    case ZYDIS_MNEMONIC_STMXCSR:
    case ZYDIS_MNEMONIC_VLDMXCSR:
    case ZYDIS_MNEMONIC_VSTMXCSR: return true;
    default:
        return in->meta.isa_ext == ZYDIS_ISA_EXT_X87 || in->meta.isa_ext == ZYDIS_ISA_EXT_XSAVE ||
               in->meta.isa_ext == ZYDIS_ISA_EXT_XSAVEC ||
               in->meta.isa_ext == ZYDIS_ISA_EXT_XSAVEOPT ||
               in->meta.isa_ext == ZYDIS_ISA_EXT_XSAVES;
    }
}

/* Everything but the vector extensions, whose memory forms are issue 13's SIMD families and have the differential cases of docs/coverage.md
 * part 2, plus the few general-purpose instructions Zydis files under an SSE extension
 * (CRC32, POPCNT, MOVNTI) and the x87 ones. A list of what is left out, so that an extension
 * a newer Zydis knows is covered until someone decides otherwise. */
static bool general_purpose(const ZydisDecodedInstruction *in)
{
    if (x87_or_fxsave(in))
        return true;
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
    case ZYDIS_ISA_EXT_XOP:
        return in->mnemonic == ZYDIS_MNEMONIC_CRC32 || in->mnemonic == ZYDIS_MNEMONIC_POPCNT ||
               in->mnemonic == ZYDIS_MNEMONIC_MOVNTI;
    default: return true;
    }
}

/* A memory operand, explicit or implicit (the stack of PUSH or CALL, the strings of MOVS);
 * MPX's BNDLDX/BNDSTX reach the bound table through theirs (MIB). LEA's and MPX's other
 * address generation (AGEN) is no memory operand. The hints (NOP, PREFETCHh, CLDEMOTE) name
 * memory they do not access, and are listed all the same: a VMM may hand them over like any
 * instruction. */
static bool has_memory_operand(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops)
{
    for (unsigned i = 0; i < in->operand_count; i++)
        if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
            (ops[i].mem.type == ZYDIS_MEMOP_TYPE_MEM || ops[i].mem.type == ZYDIS_MEMOP_TYPE_MIB))
            return true;
    return false;
}

static void shape(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops, char *out,
                  size_t outsz)
{
    size_t n = (size_t)snprintf(out, outsz, "%s%s",
                                (in->attributes & ZYDIS_ATTRIB_HAS_REP)     ? "rep "
                                : (in->attributes & ZYDIS_ATTRIB_HAS_REPE)  ? "repe "
                                : (in->attributes & ZYDIS_ATTRIB_HAS_REPNE) ? "repne "
                                                                            : "",
                                ZydisMnemonicGetString(in->mnemonic));
    for (unsigned i = 0; i < in->operand_count && n < outsz; i++) {
        if (ops[i].visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
            ops[i].type != ZYDIS_OPERAND_TYPE_MEMORY)
            continue; /* implicit registers and flags do not make a different form */
        const char *sep = i ? ", " : " ";
        switch (ops[i].type) {
        case ZYDIS_OPERAND_TYPE_MEMORY:
            n += (size_t)snprintf(out + n, outsz - n, "%sm%u", sep, ops[i].size);
            break;
        case ZYDIS_OPERAND_TYPE_REGISTER:
            n += (size_t)snprintf(out + n, outsz - n, "%sr%u", sep, ops[i].size);
            break;
        case ZYDIS_OPERAND_TYPE_IMMEDIATE:
            n += (size_t)snprintf(out + n, outsz - n, "%simm%u", sep, ops[i].size);
            break;
        default: n += (size_t)snprintf(out + n, outsz - n, "%sptr", sep); break;
        }
    }
}

/* ---- running one form through the emulator ---- */

static struct guest g;
static WHV_EMULATOR_HANDLE emu;

static void run(struct form *f, bool mode64)
{
    WHV_EMULATOR_STATUS st;
    static const WHV_REGISTER_NAME gprs[] = {
        WHvX64RegisterRax, WHvX64RegisterRcx, WHvX64RegisterRdx, WHvX64RegisterRbx,
        WHvX64RegisterRsi, WHvX64RegisterRdi, WHvX64RegisterRbp, WHvX64RegisterR8,
    };
    uint8_t data[64];

    guest_free(&g);
    guest_init(&g);
    vcpu_set_defaults(&g.vcpu, mode64 ? VCPU_LONG64 : VCPU_PROTECTED32);
    /* every pointer register names the middle of a readable page; values are small so
     * that divisions do not overflow and shifts/bit offsets stay near */
    for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
        vcpu_reg(&g.vcpu, gprs[i])->Reg64 = 0x10000 + 0x40 * i;
    vcpu_reg(&g.vcpu, WHvX64RegisterRsp)->Reg64 = 0x20800;
    /* the SSE and AVX state enabled, as for the MXCSR forms a kernel has them */
    vcpu_reg(&g.vcpu, WHvX64RegisterCr4)->Reg64 |= CR4_OSFXSR | CR4_OSXSAVE;
    vcpu_reg(&g.vcpu, WHvX64RegisterXCr0)->Reg64 = 7;
    /* the XSAVE family's state is the extended-state extension's (where the host has XSAVE
     * to lay it out: elsewhere those forms count as missing) */
    if (guest_xstate_init(&g, false))
        guest_install_xstate(&g, emu);
    memset(data, 0x11, sizeof data);
    for (uint64_t a = 0x10000; a < 0x10400; a += sizeof data)
        guest_write(&g, a, data, sizeof data);
    for (uint64_t a = 0x20000; a < 0x21000; a += sizeof data)
        guest_write(&g, a, data, sizeof data);
    if (guest_run_mmio(&g, emu, f->bytes, f->length, &st) != S_OK) {
        snprintf(f->status, sizeof f->status, "E_INVALIDARG");
    } else if (st.InternalEmulationFailure) {
        snprintf(f->status, sizeof f->status, "missing");
    } else if (st.EmulationSuccessful) {
        const WHV_X64_PENDING_INTERRUPTION_REGISTER *pi =
            &vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
        if (pi->InterruptionPending)
            snprintf(f->status, sizeof f->status, "emulated (fault #%u)", pi->InterruptionVector);
        else
            snprintf(f->status, sizeof f->status, "emulated");
    } else {
        snprintf(f->status, sizeof f->status, "status 0x%x", st.AsUINT32);
    }
}

static void consider(const ZydisDecoder *dec, bool mode64, const uint8_t *bytes, size_t len)
{
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    char key[96];

    if (ZYAN_FAILED(ZydisDecoderDecodeFull(dec, bytes, len, &in, ops)))
        return;
    if (!general_purpose(&in) || !has_memory_operand(&in, ops))
        return;
    shape(&in, ops, key, sizeof key);
    for (unsigned i = 0; i < form_count; i++)
        if (!strcmp(forms[i].key, key))
            return; /* one encoding per form and mode is enough; 64-bit comes first */
    if (form_count == MAX_FORMS)
        return;
    snprintf(forms[form_count].key, sizeof forms[form_count].key, "%s", key);
    snprintf(forms[form_count].mode, sizeof forms[form_count].mode, "%s", mode64 ? "64" : "32");
    memcpy(forms[form_count].bytes, bytes, in.length);
    forms[form_count].length = in.length;
    run(&forms[form_count], mode64);
    form_count++;
}

/* Legacy maps: [prefix] [REX.W] [escape] opcode ModRM imm..., the ModRM byte each
 * ModRM.reg with the memory operand [rbx] (mod 0, rm 3), and every register form (mod 3),
 * where the instructions with an implicit memory operand are (VIA PadLock's XSTORE...). */
static void enumerate_legacy(const ZydisDecoder *dec, bool mode64)
{
    static const uint8_t prefixes[] = { 0, 0x66, 0xf3, 0xf2 };
    static const uint8_t escapes[4][2] = { { 0 }, { 0x0f }, { 0x0f, 0x38 }, { 0x0f, 0x3a } };
    static const uint8_t escape_len[4] = { 0, 1, 2, 2 };

    for (unsigned p = 0; p < 4; p++)
        for (unsigned w = 0; w < (mode64 ? 2u : 1u); w++)
            for (unsigned map = 0; map < 4; map++)
                for (unsigned op = 0; op < 256; op++)
                    for (unsigned modrm = 0; modrm < 256; modrm++) {
                        uint8_t b[16] = { 0 };
                        size_t n = 0;
                        if ((modrm & 0xc7) != 3 && modrm < 0xc0)
                            continue;
                        if (prefixes[p])
                            b[n++] = prefixes[p];
                        if (w)
                            b[n++] = 0x48;
                        memcpy(b + n, escapes[map], escape_len[map]);
                        n += escape_len[map];
                        b[n++] = (uint8_t)op;
                        b[n++] = (uint8_t)modrm;
                        consider(dec, mode64, b, sizeof b);
                    }
}

/* VEX (maps 0F38, 0F3A: BMI1/BMI2, AMX) and XOP (maps 9, A: TBM) with a memory r/m: vvvv
 * naming register 1 (two-source forms) or unused (1111b, which AMX requires), the operand
 * [rbx] without and with a SIB byte (the AMX tile loads and stores need one). */
static void enumerate_vex_xop(const ZydisDecoder *dec, bool mode64)
{
    static const uint8_t vvvv_bits[] = { 0x70, 0x78 };

    for (unsigned kind = 0; kind < 2; kind++)
        for (unsigned map = 1; map <= 3; map++)
            for (unsigned w = 0; w < 2; w++)
                for (unsigned v = 0; v < 2; v++)
                    for (unsigned l = 0; l < 2; l++)
                        for (unsigned pp = 0; pp < 4; pp++)
                            for (unsigned op = 0; op < 256; op++)
                                for (unsigned reg = 0; reg < 8; reg++)
                                    for (unsigned sib = 0; sib < 2; sib++) {
                                        uint8_t b[16] = { 0 };
                                        b[0] = kind ? 0x8f : 0xc4;
                                        b[1] = (uint8_t)(0xe0 | (kind ? map + 7 : map));
                                        b[2] = (uint8_t)(w << 7 | vvvv_bits[v] | l << 2 | pp);
                                        b[3] = (uint8_t)op;
                                        b[4] = (uint8_t)(reg << 3 | (sib ? 4 : 3));
                                        b[5] = 0x23; /* SIB: [rbx], no index */
                                        consider(dec, mode64, b, sizeof b);
                                    }
}

/* ---- tests/coverage/known_gaps.txt: forms in groups, each under the comment that gives the
 * group's reason; a blank line ends a group ---- */

struct gap {
    char *form;
    const char *reason; /* shared by the group */
    bool seen;          /* a form of the walk */
};
static struct gap gaps[MAX_FORMS];
static unsigned gap_count;
static char *reasons[MAX_FORMS];
static unsigned reason_count;

static void read_gaps(const char *path)
{
    char line[256], reason[4096] = "";
    const char *group = NULL;
    FILE *f = path ? fopen(path, "r") : NULL;

    while (f && fgets(line, sizeof line, f) && gap_count < MAX_FORMS) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0] || (line[0] == '#' && group)) {
            reason[0] = 0; /* a blank line, or the comment of the next group */
            group = NULL;
        }
        if (line[0] == '#') {
            size_t n = strlen(reason);
            snprintf(reason + n, sizeof reason - n, "%s%s", n ? " " : "",
                     line + 1 + (line[1] == ' '));
        } else if (line[0]) {
            if (!group)
                group = reasons[reason_count++] = strdup(reason);
            gaps[gap_count++] = (struct gap){ strdup(line), group, false };
        }
    }
    if (f)
        fclose(f);
}

static struct gap *find_gap(const char *form)
{
    for (unsigned i = 0; i < gap_count; i++)
        if (!strcmp(gaps[i].form, form))
            return &gaps[i];
    return NULL;
}

/* Every form whvemu lacks is a listed gap, every listed gap a form it lacks. */
static unsigned check_gaps(void)
{
    unsigned missing = 0;

    for (unsigned i = 0; i < form_count; i++) {
        bool is_missing = !strcmp(forms[i].status, "missing");
        struct gap *gap = find_gap(forms[i].key);
        missing += is_missing;
        if (gap)
            gap->seen = true;
        CHECK(!is_missing || gap, "%s (%s-bit) is not emulated and not in known_gaps.txt",
              forms[i].key, forms[i].mode);
        CHECK(is_missing || !gap, "%s is emulated now: remove it from known_gaps.txt",
              forms[i].key);
    }
    for (unsigned i = 0; i < gap_count; i++)
        CHECK(gaps[i].seen, "known_gaps.txt lists %s, which is no form of the walk", gaps[i].form);
    return missing;
}

/* The table of docs/coverage.md part 1, then the gaps, group by group, with their reasons. */
static void write_markdown(FILE *f)
{
    fprintf(f, "| form | mode | example bytes | whvemu |\n|---|---|---|---|\n");
    for (unsigned i = 0; i < form_count; i++) {
        fprintf(f, "| `%s` | %s | `", forms[i].key, forms[i].mode);
        for (unsigned k = 0; k < forms[i].length; k++)
            fprintf(f, "%s%02x", k ? " " : "", forms[i].bytes[k]);
        fprintf(f, "` | %s |\n",
                strcmp(forms[i].status, "missing") ? forms[i].status : "not emulated: a known gap");
    }
    fprintf(f, "\n### The known gaps and why\n\nFrom tests/coverage/known_gaps.txt. Each of these "
               "reports `InternalEmulationFailure` with the guest untouched.\n");
    for (unsigned i = 0; i < gap_count; i++) {
        bool first = i == 0 || gaps[i].reason != gaps[i - 1].reason;
        bool last = i + 1 == gap_count || gaps[i].reason != gaps[i + 1].reason;
        fprintf(f, "%s`%s`%s", first ? "\n- " : ", ", gaps[i].form, last ? ": " : "");
        if (last)
            fprintf(f, "%s\n", gaps[i].reason);
    }
}

int main(int argc, char **argv)
{
    ZydisDecoder d64, d32;
    unsigned missing;
    const char *markdown = NULL;
    FILE *f;

    for (int i = 2; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--markdown"))
            markdown = argv[i + 1];
    read_gaps(argc > 1 ? argv[1] : NULL);
    guest_init(&g);
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu) == S_OK, "create");
    ZydisDecoderInit(&d64, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisDecoderInit(&d32, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    enumerate_legacy(&d64, true);
    enumerate_vex_xop(&d64, true);
    enumerate_legacy(&d32, false);
    enumerate_vex_xop(&d32, false);
    missing = check_gaps();
    printf("forms with a memory operand (Zydis; not the vector ones): %u; "
           "emulated: %u; known gaps: %u\n",
           form_count, form_count - missing, missing);
    if (markdown && (f = fopen(markdown, "w"))) {
        write_markdown(f);
        fclose(f);
    }
    WHvEmulatorDestroyEmulator(emu);
    guest_free(&g);
    for (unsigned i = 0; i < gap_count; i++)
        free(gaps[i].form);
    for (unsigned i = 0; i < reason_count; i++)
        free(reasons[i]);
    return check_summary();
}
