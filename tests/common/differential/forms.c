/* The walk over the opcode maps that lists every form with a memory operand (legacy, VEX
 * and EVEX maps), and the reasons a form cannot run natively in user mode. */
#include "forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostcpu.h"

/* The CPUID feature an instruction needs beyond the x86-64 baseline (CMOV, SSE2...; the
 * baseline's CMPXCHG8B and CLFLUSH are listed all the same). A CPU without it raises #UD,
 * or runs something else: TZCNT is BSF there, LZCNT BSR. The prefetches of 0F 0D are AMD's
 * 3DNowPrefetch group (/2 is PREFETCHWT1 on Intel, an alias of /0 on AMD); a few rows below
 * need more than CPUID (a shadow stack, a Key Locker key, AMX permission) and the emulator
 * does not support them anyway. CLDEMOTE is not listed: a CPU without it runs the hint NOP
 * it replaced, which does the same (nothing, never a fault), so every CPU is its oracle. */
static const struct {
    enum mnemonic mnemonic;
    enum host_feature feature;
} needed_features[] = {
    { MN_adcx, HF_adx },
    { MN_adox, HF_adx },
    { MN_andn, HF_bmi1 },
    { MN_bextr, HF_bmi1 },
    { MN_blsi, HF_bmi1 },
    { MN_blsmsk, HF_bmi1 },
    { MN_blsr, HF_bmi1 },
    { MN_tzcnt, HF_bmi1 },
    { MN_bzhi, HF_bmi2 },
    { MN_mulx, HF_bmi2 },
    { MN_pdep, HF_bmi2 },
    { MN_pext, HF_bmi2 },
    { MN_rorx, HF_bmi2 },
    { MN_sarx, HF_bmi2 },
    { MN_shlx, HF_bmi2 },
    { MN_shrx, HF_bmi2 },
    { MN_lzcnt, HF_lzcnt },
    { MN_popcnt, HF_popcnt },
    { MN_movbe, HF_movbe },
    { MN_crc32, HF_sse42 },
    { MN_cmpxchg8b, HF_cx8 },
    { MN_cmpxchg16b, HF_cx16 },
    { MN_movdiri, HF_movdiri },
    { MN_movdir64b, HF_movdir64b },
    { MN_clflush, HF_clflush },
    { MN_clflushopt, HF_clflushopt },
    { MN_clwb, HF_clwb },
    { MN_prefetch, HF_prefetchw },
    { MN_prefetchw, HF_prefetchw },
    { MN_prefetchwt1, HF_prefetchw },
    { MN_prefetchnta, HF_sse },
    { MN_prefetcht0, HF_sse },
    { MN_prefetcht1, HF_sse },
    { MN_prefetcht2, HF_sse },
    { MN_movnti, HF_sse2 },
    { MN_ldmxcsr, HF_sse },
    { MN_stmxcsr, HF_sse },
    { MN_vldmxcsr, HF_avx },
    { MN_vstmxcsr, HF_avx },
    { MN_enqcmd, HF_enqcmd },
    { MN_enqcmds, HF_enqcmd },
    { MN_ptwrite, HF_ptwrite },
    { MN_aesencwide128kl, HF_keylocker },
    { MN_aesdecwide128kl, HF_keylocker },
    { MN_aesencwide256kl, HF_keylocker },
    { MN_aesdecwide256kl, HF_keylocker },
    { MN_ldtilecfg, HF_amx_tile },
    { MN_sttilecfg, HF_amx_tile },
    { MN_wrssd, HF_shstk },
    { MN_wrssq, HF_shstk },
    { MN_wrussd, HF_shstk },
    { MN_wrussq, HF_shstk },
    { MN_rstorssp, HF_shstk },
};

int mnemonic_feature(unsigned mnemonic)
{
    for (size_t i = 0; i < sizeof needed_features / sizeof needed_features[0]; i++)
        if ((unsigned)needed_features[i].mnemonic == mnemonic)
            return (int)needed_features[i].feature;
    return -1;
}

bool row_has_operand(const struct optab *row, enum operand_kind kind)
{
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++)
        if (OPND_KIND(row->opnd[i]) == kind)
            return true;
    return false;
}

bool row_has_modrm_memory(const struct optab *row)
{
    if (row->flags & F_REGONLY)
        return false;
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++)
        if (kind_can_be_memory(OPND_KIND(row->opnd[i])))
            return true;
    return false;
}

bool row_is_vector(const struct optab *row)
{
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++) {
        switch (OPND_KIND(row->opnd[i])) {
        case OK_V:
        case OK_W:
        case OK_U:
        case OK_H:
        case OK_L:
        case OK_P:
        case OK_Q:
        case OK_N:
        case OK_KG:
        case OK_KE:
        case OK_KR:
        case OK_KH: return true;
        default: break;
        }
    }
    return false;
}

bool row_has_sized_operand(const struct optab *row)
{
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++) {
        switch (OPND_SIZE(row->opnd[i])) {
        case SZ_v:
        case SZ_z:
        case SZ_y:
        case SZ_p:
        case SZ_a: return true;
        default: break;
        }
    }
    return false;
}

bool row_has_vector_length_operand(const struct optab *row)
{
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++) {
        switch (OPND_SIZE(row->opnd[i])) {
        case SZ_x:
        case SZ_hx:
        case SZ_qx:
        case SZ_ox: return true;
        default: break;
        }
    }
    return false;
}

/* Rows that touch memory without a ModRM memory operand: moffs, strings, XLAT,
 * MASKMOVQ/MASKMOVDQU's DS:rDI, the stack (OK_STACK; the default-64 rows, which are all
 * stack operations; and the stack rows the tables do not mark either way: PUSHA, POPA,
 * PUSH/POP Sreg, CALL, RET...). */
static bool row_touches_memory(const struct optab *row)
{
    switch (row->mnemonic) {
    case MN_push:
    case MN_pop:
    case MN_pusha:
    case MN_popa:
    case MN_call:
    case MN_call_far:
    case MN_ret:
    case MN_retf:
    case MN_iret: return true;
    default:
        return row_has_modrm_memory(row) || row_has_operand(row, OK_O) ||
               row_has_operand(row, OK_X) || row_has_operand(row, OK_Y) ||
               row_has_operand(row, OK_MDI) || row_has_operand(row, OK_XLAT) ||
               row_has_operand(row, OK_STACK) || (row->flags & F_DEF64);
    }
}

int row_loaded_segment(const struct optab *row, unsigned modrm_reg)
{
    enum operand_kind first = row->opnd[0] ? OPND_KIND(row->opnd[0]) : OK_NONE;
    switch (row->mnemonic) {
    case MN_lds: return SEG_DS;
    case MN_les: return SEG_ES;
    case MN_lss: return SEG_SS;
    case MN_lfs: return SEG_FS;
    case MN_lgs: return SEG_GS;
    case MN_push: return -1;
    default:
        if (first == OK_S)
            return (int)modrm_reg;
        if (first == OK_SEG)
            return (int)OPND_REG(row->opnd[0]);
        return -1;
    }
}

bool row_is_landing_branch(const struct optab *row)
{
    switch (row->mnemonic) {
    case MN_call:
    case MN_call_far:
    case MN_ret:
    case MN_retf:
    case MN_iret: return true;
    case MN_jmp:
    case MN_jmp_far: return row_has_modrm_memory(row);
    default: return false;
    }
}

/* Why the native oracle cannot run the form in user mode, or NULL. */
static const char *not_runnable_reason(const struct form *f)
{
    static const enum operand_kind other_state[] = {
        OK_ST0, OK_STI, OK_BND, OK_BNDE, OK_TR, OK_C, OK_D,
    };
    const struct optab *row = f->row;

    if (row->flags & F_PRIV)
        return "privileged";
    if ((row->flags & F_BRANCH) && !row_is_landing_branch(row))
        return "changes control flow";
    if (row->flags & F_X87)
        return "x87 state (compared with the CPU by tests/x87)";
    for (size_t i = 0; i < sizeof other_state / sizeof other_state[0]; i++)
        if (row_has_operand(row, other_state[i]))
            return "x87/MPX/AMX/system registers are not compared";
    for (unsigned i = 0; i < 4 && row->opnd[i]; i++) {
        switch (OPND_SIZE(row->opnd[i])) {
        case SZ_env:
        case SZ_fsave:
        case SZ_fxsave: return "x87/SSE state (compared with the CPU by tests/x87)";
        case SZ_xsave: return "x87/SSE state";
        default: break;
        }
    }
    switch (row->mnemonic) {
    case MN_ins:
    case MN_outs:
    case MN_in:
    case MN_out: return "port I/O";
    case MN_sgdt:
    case MN_sidt:
    case MN_sldt:
    case MN_str:
    case MN_smsw: return "system register (UMIP: the kernel emulates it with made-up values)";
    default: break;
    }
    /* MOV Sreg, Ew rows the tables did not split by ModRM.reg may load FS or GS too */
    int loaded = row_loaded_segment(row, f->reg >= 0 ? (unsigned)f->reg : 0);
    if (loaded == SEG_FS || loaded == SEG_GS ||
        (loaded >= 0 && row_has_operand(row, OK_S) && f->reg < 0))
        return "loads FS or GS (the C library's TLS, the runners' own segment)";
    return NULL;
}

struct walk {
    struct form *forms;
    unsigned count, capacity;
};

static void add(struct walk *w, const struct form *f)
{
    if (w->count == w->capacity) {
        unsigned capacity = w->capacity ? w->capacity * 2 : 256;
        struct form *grown = realloc(w->forms, capacity * sizeof *grown);
        if (!grown) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        w->forms = grown;
        w->capacity = capacity;
    }
    w->forms[w->count] = *f;
    w->forms[w->count].not_runnable = not_runnable_reason(f);
    w->forms[w->count].vector = row_is_vector(f->row) || f->map >= MAP_EVEX_0F;
    w->forms[w->count].needs = mnemonic_feature(f->row->mnemonic);
    w->count++;
}

/* Depth-first over one opcode's selector tree, narrowing the form at each choice. */
static void walk(struct walk *w, const struct optab *e, struct form f, unsigned depth)
{
    static const enum mandatory_prefix rep_prefixes[] = { MP_NONE, MP_F3, MP_F2 };

    if (depth > 16)
        return;
    switch (e->sel) {
    case SEL_ROW:
        f.row = e;
        if (e->flags & F_NO64)
            f.modes &= SIZE16 | SIZE32;
        if (e->flags & F_ONLY64)
            f.modes &= SIZE64;
        if (f.modes && f.osizes && f.asizes && row_touches_memory(e))
            add(w, &f);
        return;
    case SEL_MOD: /* only the memory side */ walk(w, &e->next[0], f, depth + 1); return;
    case SEL_LINK: walk(w, &e->next[0], f, depth + 1); return;
    default: break;
    }
    for (unsigned i = 0; i < e->children; i++) {
        struct form g = f;
        switch (e->sel) {
        case SEL_REG: g.reg = (int8_t)i; break;
        case SEL_RM: g.rm = (int8_t)i; break;
        case SEL_PFX: g.mandatory = (int8_t)i; break;
        case SEL_MODE: g.modes &= i ? SIZE64 : (SIZE16 | SIZE32); break;
        case SEL_OSIZE: g.osizes &= (uint8_t)(1u << i); break;
        case SEL_ASIZE: g.asizes &= (uint8_t)(1u << i); break;
        case SEL_W: g.w = (int8_t)i; break;
        case SEL_L: g.l = (int8_t)i; break;
        case SEL_REP: g.mandatory = (int8_t)rep_prefixes[i]; break; /* 66 stays a size */
        default: return;                                            /* SEL_REXB: no memory form */
        }
        walk(w, &e->next[i], g, depth + 1);
    }
}

unsigned forms_enumerate(struct form **forms)
{
    static const struct {
        const struct optab *table;
        uint8_t map;
    } maps[] = {
        { optab_1b, MAP_LEGACY_1B },      { optab_0f, MAP_LEGACY_0F },
        { optab_0f38, MAP_LEGACY_0F38 },  { optab_0f3a, MAP_LEGACY_0F3A },
        { optab_vex[0], MAP_VEX_0F },     { optab_vex[1], MAP_VEX_0F38 },
        { optab_vex[2], MAP_VEX_0F3A },   { optab_evex[0], MAP_EVEX_0F },
        { optab_evex[1], MAP_EVEX_0F38 }, { optab_evex[2], MAP_EVEX_0F3A },
        { optab_evex[3], MAP_EVEX_MAP5 }, { optab_evex[4], MAP_EVEX_MAP6 },
    };
    struct walk w = { 0 };

    for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
        for (unsigned op = 0; op < 256; op++) {
            struct form f = { 0 };
            f.map = maps[m].map;
            f.opcode = (uint8_t)op;
            f.reg = f.rm = f.mandatory = f.w = f.l = -1;
            f.modes = f.osizes = f.asizes = SIZE_ALL;
            walk(&w, &maps[m].table[op], f, 0);
        }
    }
    *forms = w.forms;
    return w.count;
}

static const char *const kind_text[OK_KIND_COUNT] = {
    [OK_E] = "E",         [OK_M] = "M",     [OK_G] = "G",       [OK_R] = "R",
    [OK_Z] = "Z",         [OK_S] = "S",     [OK_C] = "C",       [OK_D] = "D",
    [OK_I] = "I",         [OK_ONE] = "1",   [OK_J] = "J",       [OK_O] = "O",
    [OK_A] = "A",         [OK_X] = "X",     [OK_Y] = "Y",       [OK_XLAT] = "xlat",
    [OK_STACK] = "stack", [OK_MDI] = "MDI", [OK_V] = "V",       [OK_W] = "W",
    [OK_U] = "U",         [OK_H] = "H",     [OK_L] = "L",       [OK_P] = "P",
    [OK_Q] = "Q",         [OK_N] = "N",     [OK_B] = "B",       [OK_KG] = "KG",
    [OK_KE] = "KE",       [OK_KR] = "KR",   [OK_KH] = "KH",     [OK_ST0] = "st0",
    [OK_STI] = "sti",     [OK_BND] = "bnd", [OK_BNDE] = "bndE", [OK_TR] = "tmm",
};
static const char *const size_text[SZ_COUNT] = {
    [SZ_b] = "b",           [SZ_w] = "w",         [SZ_d] = "d",     [SZ_q] = "q",
    [SZ_v] = "v",           [SZ_z] = "z",         [SZ_y] = "y",     [SZ_bs] = "bs",
    [SZ_p] = "p",           [SZ_a] = "a",         [SZ_s] = "s",     [SZ_dq] = "dq",
    [SZ_qq] = "qq",         [SZ_x] = "x",         [SZ_hx] = "hx",   [SZ_qx] = "qx",
    [SZ_ox] = "ox",         [SZ_t] = "t",         [SZ_env] = "env", [SZ_fsave] = "fsave",
    [SZ_fxsave] = "fxsave", [SZ_xsave] = "xsave", [SZ_ptr] = "",
};
static const char *const gpr_text[16] = { "rAX", "rCX", "rDX", "rBX", "rSP", "rBP", "rSI", "rDI",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const seg_text[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static void describe_operand(uint16_t o, char *out, size_t outsz)
{
    enum operand_kind k = OPND_KIND(o);
    enum operand_size s = OPND_SIZE(o);
    if (k == OK_GPR)
        snprintf(out, outsz, "%s.%s", gpr_text[OPND_REG(o) & 15], size_text[s] ? size_text[s] : "");
    else if (k == OK_SEG)
        snprintf(out, outsz, "%s", seg_text[OPND_REG(o) % 6]);
    else
        snprintf(out, outsz, "%s%s", kind_text[k] ? kind_text[k] : "?",
                 s < SZ_COUNT && size_text[s] ? size_text[s] : "");
}

void form_describe(const struct form *f, char *out, unsigned outsz)
{
    static const char *const map_text[] = {
        [MAP_LEGACY_1B] = "",           [MAP_LEGACY_0F] = "0f ",
        [MAP_LEGACY_0F38] = "0f38 ",    [MAP_LEGACY_0F3A] = "0f3a ",
        [MAP_VEX_0F] = "vex 0f ",       [MAP_VEX_0F38] = "vex 0f38 ",
        [MAP_VEX_0F3A] = "vex 0f3a ",   [MAP_EVEX_0F] = "evex 0f ",
        [MAP_EVEX_0F38] = "evex 0f38 ", [MAP_EVEX_0F3A] = "evex 0f3a ",
        [MAP_EVEX_MAP5] = "evex map5 ", [MAP_EVEX_MAP6] = "evex map6 ",
    };
    static const char *const mp_text[] = { "", "66 ", "f3 ", "f2 " };
    size_t n;

    n = (size_t)snprintf(out, outsz, "%s%s%02x", f->mandatory > 0 ? mp_text[f->mandatory] : "",
                         f->map <= MAP_EVEX_MAP6 && map_text[f->map] ? map_text[f->map] : "?? ",
                         f->opcode);
    if (f->reg >= 0 && n < outsz)
        n += (size_t)snprintf(out + n, outsz - n, "/%d", f->reg);
    if (f->rm >= 0 && n < outsz)
        n += (size_t)snprintf(out + n, outsz - n, " rm=%d", f->rm);
    if (f->w >= 0 && n < outsz)
        n += (size_t)snprintf(out + n, outsz - n, " W%d", f->w);
    if (f->l >= 0 && n < outsz)
        n += (size_t)snprintf(out + n, outsz - n, " L%d", f->l);
    if (n < outsz)
        n += (size_t)snprintf(out + n, outsz - n, " %s",
                              mnemonic_name((enum mnemonic)f->row->mnemonic));
    for (unsigned i = 0; i < 4 && f->row->opnd[i] && n < outsz; i++) {
        char op[24];
        describe_operand(f->row->opnd[i], op, sizeof op);
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", i ? "," : " ", op);
    }
}
