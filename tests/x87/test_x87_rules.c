/* What no user-mode run on this CPU can show, as hand vectors citing the manuals, on any
 * host: the state checks (CR0.EM/MP/TS/NE, CR4.OSFXSR/OSXSAVE, XCR0), the real-mode
 * environment layouts, the other vendor's profile row, FXSAVE without CR4.OSFXSR or with
 * AMD's fast FXSAVE, the default MXCSR_MASK; and the table of forms against the decoder. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "exec/x87.h"
#include "exec/x87_env.h"
#include "exec/x87_fxsave.h"
#include "optab.h"
#include "whvemu.h"

/* ---- the forms against the decoder ---- */

/* Every ESC byte and ModRM.reg with a memory ModRM: a form exactly where the decoder has
 * a valid instruction, with its mnemonic and its operand size (SZ_env/SZ_fsave by operand
 * size). */
TEST(forms_match_the_decoder)
{
    static const uint8_t osize[] = { 0x90, 0x66 };

    for (unsigned index = 0; index < 64; index++) {
        for (unsigned p = 0; p < 2; p++) {
            uint8_t bytes[3] = { osize[p], (uint8_t)(0xd8 + index / 8),
                                 (uint8_t)((index % 8) << 3) };
            const struct x87_form *f = x87_form_at(bytes[1], index % 8);
            struct insn in;
            enum decode_status st = decode_insn(MODE_32, bytes + 1 - p, 2 + p, &in);

            CHECK((st == DECODE_OK) == (f != NULL), "%02x /%u: decoder %d, table %s", bytes[1],
                  index % 8, (int)st, f ? "has it" : "lacks it");
            if (st != DECODE_OK || !f)
                continue;
            CHECK(f->mnemonic == in.mnemonic, "%02x /%u: %s, table %s", bytes[1], index % 8,
                  mnemonic_name(in.mnemonic), mnemonic_name(f->mnemonic));
            CHECK_EQ(x87_operand_bytes(&in), insn_operand_bytes(&in, OPND_SIZE(in.row->opnd[0])),
                     mnemonic_name(in.mnemonic));
            CHECK(x87_handles(&in), "handles %s", mnemonic_name(in.mnemonic));
        }
    }
}

TEST(state_forms_match_the_decoder)
{
    static const struct {
        uint8_t bytes[4];
        unsigned length;
        enum mnemonic mn;
        unsigned size;
    } rows[] = {
        { { 0x0f, 0xae, 0x00 }, 3, MN_fxsave, 512 },
        { { 0x48, 0x0f, 0xae, 0x00 }, 4, MN_fxsave64, 512 },
        { { 0x0f, 0xae, 0x08 }, 3, MN_fxrstor, 512 },
        { { 0x48, 0x0f, 0xae, 0x08 }, 4, MN_fxrstor64, 512 },
        { { 0x0f, 0xae, 0x10 }, 3, MN_ldmxcsr, 4 },
        { { 0x0f, 0xae, 0x18 }, 3, MN_stmxcsr, 4 },
        { { 0xc5, 0xf8, 0xae, 0x10 }, 4, MN_vldmxcsr, 4 },
        { { 0xc5, 0xf8, 0xae, 0x18 }, 4, MN_vstmxcsr, 4 },
    };
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct insn in;

        CHECK(decode_insn(MODE_64, rows[i].bytes, rows[i].length, &in) == DECODE_OK, "decode");
        CHECK(in.mnemonic == rows[i].mn, "%s", mnemonic_name(in.mnemonic));
        CHECK(x87_handles(&in), "handles %s", mnemonic_name(in.mnemonic));
        CHECK_EQ(x87_operand_bytes(&in), rows[i].size, mnemonic_name(in.mnemonic));
    }
}

/* VLDMXCSR/VSTMXCSR: #UD if VEX.L = 1 or VEX.vvvv != 1111b (SDM vol. 2B VLDMXCSR, "Other
 * Exceptions"), which decoding raises. */
TEST(vex_mxcsr_field_rules)
{
    static const uint8_t l1[] = { 0xc5, 0xfc, 0xae, 0x10 }, vvvv[] = { 0xc5, 0xf0, 0xae, 0x18 };
    static const uint8_t three_byte_l1[] = { 0xc4, 0xe1, 0x7c, 0xae, 0x10 };
    struct insn in;

    CHECK(decode_insn(MODE_64, l1, sizeof l1, &in) == DECODE_UD, "VLDMXCSR with VEX.L = 1");
    CHECK(decode_insn(MODE_64, vvvv, sizeof vvvv, &in) == DECODE_UD, "VSTMXCSR with vvvv 1110b");
    CHECK(decode_insn(MODE_64, three_byte_l1, sizeof three_byte_l1, &in) == DECODE_UD,
          "VLDMXCSR (3-byte VEX) with VEX.L = 1");
}

/* ---- the state checks ---- */

/* SDM vol. 3A §2.5, Table 2-2 "Action Taken By x87 FPU Instructions for Different
 * Combinations of EM, MP, and TS": x87 instructions #NM with EM or TS; WAIT/FWAIT #NM only
 * with MP and TS. */
TEST(em_mp_ts_table)
{
    for (unsigned bits = 0; bits < 8; bits++) {
        bool em = bits & 4, mp = bits & 2, ts = bits & 1;
        uint64_t cr0 =
            (em ? X87_CR0_EM : 0) | (mp ? X87_CR0_MP : 0) | (ts ? X87_CR0_TS : 0) | X87_CR0_NE;
        enum x87_check escape = em || ts ? X87_NM : X87_RUNS, wait = mp && ts ? X87_NM : X87_RUNS;

        CHECK_EQ(x87_check_escape(cr0, FCW_INIT, 0, true), escape, "waiting x87 instruction");
        CHECK_EQ(x87_check_escape(cr0, FCW_INIT, 0, false), escape, "FN* instruction");
        CHECK_EQ(x87_check_wait(cr0, FCW_INIT, 0), wait, "WAIT");
    }
}

/* §6.15 "Interrupt 16": a pending unmasked exception is #MF at the next waiting instruction
 * (CR0.NE set); with NE clear it goes out through FERR#, which the API cannot express. #NM
 * comes first (Table 6-2, class 8 before class 9). ES as given does not count. */
TEST(pending_exception)
{
    uint16_t fcw = FCW_INIT & ~FSW_IE, pending = FSW_IE, es_only = FSW_ES | FSW_B;

    CHECK_EQ(x87_check_escape(X87_CR0_NE, fcw, pending, true), X87_MF, "NE set");
    CHECK_EQ(x87_check_escape(0, fcw, pending, true), X87_NO_FERR_PATH, "NE clear");
    CHECK_EQ(x87_check_escape(X87_CR0_NE, fcw, pending, false), X87_RUNS, "FN* does not wait");
    CHECK_EQ(x87_check_escape(X87_CR0_NE | X87_CR0_TS, fcw, pending, true), X87_NM, "#NM first");
    CHECK_EQ(x87_check_wait(X87_CR0_NE, fcw, pending), X87_MF, "WAIT");
    CHECK_EQ(x87_check_escape(X87_CR0_NE, FCW_INIT, pending, true), X87_RUNS, "masked");
    CHECK_EQ(x87_check_escape(X87_CR0_NE, fcw, es_only, true), X87_RUNS, "ES alone");
    CHECK_EQ(x87_consistent_fsw(fcw, pending), pending | FSW_ES | FSW_B, "ES and B set");
    CHECK_EQ(x87_consistent_fsw(FCW_INIT, pending | es_only), pending, "ES and B cleared");
}

static struct x87_outcome execute(const uint8_t *bytes, unsigned length, uint64_t cr0, uint64_t cr4,
                                  uint64_t xcr0, struct fxsave_state *s)
{
    struct insn in;
    struct x87_request rq = { &in, cr0, cr4, 0, xcr0, 3, { 0 }, x87_profile_of(0) };
    uint8_t operand[512] = { 0 };

    rq.site.mode = X87_LONG64;
    CHECK(decode_insn(MODE_64, bytes, length, &in) == DECODE_OK, "decode");
    operand[24] = 0x80, operand[25] = 0x1f; /* an FXRSTOR image's MXCSR: 1F80H */
    operand[0] = 0x80, operand[1] = 0x1f;   /* LDMXCSR's */
    return x87_execute(&rq, s, operand);
}

/* SDM vol. 2A FXSAVE/FXRSTOR "Protected Mode Exceptions": #UD with CR0.EM, #NM with CR0.TS;
 * LDMXCSR/STMXCSR (exception type 5, vol. 2A Table 2-22): #UD with CR0.EM or without
 * CR4.OSFXSR; VLDMXCSR/VSTMXCSR: #UD without CR4.OSXSAVE or XCR0[2:1] = 11b, CR0.EM does
 * not matter (vol. 1 §14.11); #NM with CR0.TS; none waits (no #MF). */
TEST(state_form_checks)
{
    static const uint8_t fxsave[] = { 0x0f, 0xae, 0x00 }, ldmxcsr[] = { 0x0f, 0xae, 0x10 };
    static const uint8_t vldmxcsr[] = { 0xc5, 0xf8, 0xae, 0x10 };
    const uint64_t fx = X87_CR4_OSFXSR, xs = X87_CR4_OSFXSR | X87_CR4_OSXSAVE;
    struct fxsave_state s = { 0 };

    s.fcw = FCW_INIT & ~FSW_IE, s.fsw = FSW_IE, s.mxcsr_mask = 0xffff;
    CHECK_EQ(execute(fxsave, 3, X87_CR0_NE, fx, 7, &s).check, X87_RUNS, "FXSAVE, #MF pending");
    CHECK_EQ(execute(fxsave, 3, X87_CR0_EM | X87_CR0_TS, fx, 7, &s).check, X87_UD, "FXSAVE EM");
    CHECK_EQ(execute(fxsave, 3, X87_CR0_TS, fx, 7, &s).check, X87_NM, "FXSAVE TS");
    CHECK_EQ(execute(ldmxcsr, 3, 0, 0, 7, &s).check, X87_UD, "LDMXCSR without OSFXSR");
    CHECK_EQ(execute(ldmxcsr, 3, X87_CR0_EM, fx, 7, &s).check, X87_UD, "LDMXCSR EM");
    CHECK_EQ(execute(ldmxcsr, 3, X87_CR0_TS, fx, 7, &s).check, X87_NM, "LDMXCSR TS");
    CHECK_EQ(execute(ldmxcsr, 3, 0, fx, 7, &s).check, X87_RUNS, "LDMXCSR");
    CHECK_EQ(execute(vldmxcsr, 4, 0, fx, 7, &s).check, X87_UD, "VLDMXCSR without OSXSAVE");
    CHECK_EQ(execute(vldmxcsr, 4, 0, xs, 3, &s).check, X87_UD, "VLDMXCSR without XCR0.AVX");
    CHECK_EQ(execute(vldmxcsr, 4, X87_CR0_EM, xs, 7, &s).check, X87_RUNS, "VLDMXCSR EM");
    CHECK_EQ(execute(vldmxcsr, 4, X87_CR0_TS, xs, 7, &s).check, X87_NM, "VLDMXCSR TS");
}

TEST(what_is_not_an_x87_memory_form)
{
    static const uint8_t fadd_register[] = { 0xd8, 0xc1 }, add[] = { 0x01, 0x03 };
    struct fxsave_state s = { 0 };

    CHECK(execute(fadd_register, 2, 0, 0, 0, &s).unsupported, "FADD ST(0), ST(1)");
    CHECK(execute(add, 2, 0, 0, 0, &s).unsupported, "ADD");
}

/* Every one-byte opcode above the escapes with a memory ModRM (INC m, CALL m, TEST m...) is
 * no x87 form, and the table is not looked up beyond its 64 rows (fuzz_emulate found
 * FF /0 read past it under UBSan: the executor asks every instruction). */
TEST(opcodes_after_the_escapes_are_not_x87)
{
    for (unsigned escape = 0xe0; escape <= 0xff; escape++) {
        for (unsigned reg = 0; reg < 8; reg++) {
            uint8_t bytes[2] = { (uint8_t)escape, (uint8_t)(reg << 3 | 3) };
            struct insn in;

            CHECK(x87_form_at((uint8_t)escape, reg) == NULL, "%02x /%u", escape, reg);
            if (decode_insn(MODE_64, bytes, 2, &in) == DECODE_OK)
                CHECK(!x87_handles(&in), "%02x /%u: %s", escape, reg, mnemonic_name(in.mnemonic));
        }
    }
}

/* ---- the pointers and the profile rows ---- */

/* Intel's row (CPUID 7.0:EBX[6] and [13] set): FDP changes only with an unmasked exception
 * and FCS/FDS are saved as 0 (SDM vol. 1 §8.1.8); AMD's: all of them always. */
TEST(pointer_profiles)
{
    struct x87_site site = { 0x1234, 0x5678, 0, 0, 0x23, 0x2b, X87_PROTECTED, 0x105 };
    struct x87_profile intel = x87_profile_of(WHVEMU_VENDOR_INTEL);
    struct x87_profile amd = x87_profile_of(WHVEMU_VENDOR_AMD);
    struct fxsave_state s = { 0 };

    s.fdp = 0x9999, s.fds = 0x77;
    x87_record_pointers(&s, &intel, &site, false);
    CHECK(s.fip == 0x1234 && s.fcs == 0 && s.fop == 0x105, "Intel FIP, FCS 0, FOP");
    CHECK(s.fdp == 0x9999 && s.fds == 0x77, "Intel: FDP kept without an exception");
    x87_record_pointers(&s, &intel, &site, true);
    CHECK(s.fdp == 0x5678 && s.fds == 0, "Intel: FDP with an unmasked exception, FDS 0");
    x87_record_pointers(&s, &amd, &site, false);
    CHECK(s.fcs == 0x23 && s.fdp == 0x5678 && s.fds == 0x2b, "AMD: selectors kept");
    CHECK(amd.fxsave_pointers_need_es && !intel.fxsave_pointers_need_es, "FXSAVE hiding");
    CHECK_EQ(x87_loaded_pointer(&amd, UINT64_C(0x0100000000000000)), UINT64_C(0xff00000000000000),
             "AMD: 57-bit pointers");
    CHECK_EQ(x87_loaded_pointer(&intel, UINT64_C(0x0100000000000000)), UINT64_C(0x0100000000000000),
             "Intel: 64-bit pointers");
}

/* AMD APM vol. 1 §6.2.5: in real and virtual-8086 mode the pointers are linear addresses. */
TEST(real_mode_pointers_are_linear)
{
    struct x87_site site = { 0x0010, 0xfff0, 0x12340,         0x0f000,
                             0x1234, 0x0f00, X87_REAL_OR_V86, 0x5a5 };
    struct x87_profile amd = x87_profile_of(WHVEMU_VENDOR_AMD);
    struct fxsave_state s = { 0 };

    x87_record_pointers(&s, &amd, &site, false);
    CHECK_EQ(s.fip, 0x12350, "FIP = CS base + IP");
    CHECK_EQ(s.fdp, 0x1eff0, "FDP = DS base + offset");
}

/* ---- the environment layouts: SDM vol. 1 §8.1.10, Figures 8-10 and 8-12 (real mode) ---- */

static void real_mode_state(struct fxsave_state *s)
{
    memset(s, 0, sizeof *s);
    s->fcw = 0x037f;
    s->fsw = 0x3800; /* TOP 7 */
    s->ftw = 0x80;   /* physical register 7 = ST(0): 1.0, tag valid */
    s->st[0][7] = 0x80, s->st[0][8] = 0xff, s->st[0][9] = 0x3f;
    s->fop = 0x5a5;
    s->fip = 0xabcde;
    s->fdp = 0x12345;
}

TEST(real_mode_environment_32)
{
    /* Figure 8-10: FIP 15:0 at 12, FOP 10:0 and FIP 31:16 (in bits 27:12) at 16, FDP 15:0 at
     * 20, FDP 31:16 (in bits 27:12) at 24; the tag word 3FFFH (R7 valid, the rest empty). */
    static const uint8_t want[28] = { 0x7f, 0x03, 0xff, 0xff, 0x00, 0x38, 0xff, 0xff, 0xff, 0x3f,
                                      0xff, 0xff, 0xde, 0xbc, 0xff, 0xff, 0xa5, 0xa5, 0x00, 0x00,
                                      0x45, 0x23, 0xff, 0xff, 0x00, 0x10, 0x00, 0x00 };
    struct x87_env_layout real32 = { false, true };
    struct fxsave_state s, back;
    uint8_t env[28];

    real_mode_state(&s);
    back = s;
    x87_fnstenv(&s, real32, env);
    CHECK(memcmp(env, want, sizeof want) == 0, "FNSTENV real mode, 32-bit");
    x87_fldenv(&back, real32, env);
    CHECK(back.fip == 0xabcde && back.fdp == 0x12345 && back.fop == 0x5a5, "FLDENV back");
    CHECK(back.fcs == 0 && back.fds == 0 && back.ftw == 0x80, "no selectors; the tags");
}

TEST(real_mode_environment_16)
{
    /* Figure 8-12: FIP 15:0 at 6, FIP 19:16 in bits 15:12 and FOP at 8, FDP 15:0 at 10,
     * FDP 19:16 in bits 15:12 at 12. */
    static const uint8_t want[14] = { 0x7f, 0x03, 0x00, 0x38, 0xff, 0x3f, 0xde,
                                      0xbc, 0xa5, 0xa5, 0x45, 0x23, 0x00, 0x10 };
    struct x87_env_layout real16 = { true, true };
    struct fxsave_state s, back;
    uint8_t env[14];

    real_mode_state(&s);
    back = s;
    x87_fnstenv(&s, real16, env);
    CHECK(memcmp(env, want, sizeof want) == 0, "FNSTENV real mode, 16-bit");
    x87_fldenv(&back, real16, env);
    CHECK(back.fip == 0xabcde && back.fdp == 0x12345 && back.fop == 0x5a5, "FLDENV back");
}

/* ---- the tag word: SDM vol. 1 §8.1.7, Figure 8-7; §10.5.1.1 ---- */

TEST(full_tag_word)
{
    static const struct {
        uint8_t value[10];
        unsigned tag;
    } rows[] = {
        { { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f }, 0 }, /* 1.0: valid */
        { { 0 }, 1 },                                     /* +0: zero */
        { { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x7f }, 2 }, /* infinity */
        { { 1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff }, 2 }, /* NaN */
        { { 1 }, 2 },                                     /* denormal */
        { { 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0 }, 2 },       /* pseudo-denormal */
        { { 0, 0, 0, 0, 0, 0, 0, 0x40, 0xff, 0x3f }, 2 }, /* unnormal */
    };
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct fxsave_state s = { 0 };

        s.fsw = 5u << FSW_TOP_SHIFT; /* ST(1) is physical register 6 */
        s.ftw = 1u << 6;
        memcpy(s.st[1], rows[i].value, 10);
        CHECK_EQ(x87_full_tag_word(&s), (0xffffu & ~(3u << 12)) | rows[i].tag << 12, "tag");
    }
    CHECK_EQ(x87_abridged_tag(0x3c0f), 0x9c, "abridged: empty only where 11");
}

/* ---- FXSAVE and FXRSTOR where user mode cannot go ---- */

static struct fxsave_rules rules(bool mode64, bool osfxsr, bool fast)
{
    struct fxsave_rules r = { mode64, mode64, osfxsr, fast, x87_profile_of(WHVEMU_VENDOR_AMD) };
    return r;
}

/* XMM0-7 are bytes 160-287 and XMM8-15 288-415 (SDM vol. 1 Table 10-2); without CR4.OSFXSR
 * the SDM leaves saving them to the implementation — Intel CPUs do not save XMM then, and
 * keep MXCSR in the image —, and AMD's fast FXSAVE (EFER.FFXSR, 64-bit mode, CPL 0) skips
 * them (AMD APM vol. 4 FXSAVE). */
TEST(fxsave_without_xmm)
{
    struct fxsave_state s = { 0 };
    uint8_t image[FXSAVE_BYTES];
    struct fxsave_rules r64 = rules(true, true, false), r32 = rules(false, true, false);
    struct fxsave_rules no_osfxsr = rules(true, false, false), fast = rules(true, true, true);

    CHECK_EQ(x87_fxsave(&s, &r64, image), 416, "64-bit mode");
    CHECK_EQ(x87_fxsave(&s, &r32, image), 288, "outside 64-bit mode");
    CHECK_EQ(x87_fxsave(&s, &no_osfxsr, image), 160, "CR4.OSFXSR clear");
    CHECK_EQ(x87_fxsave(&s, &fast, image), 160, "fast FXSAVE");
}

TEST(fxrstor_without_xmm_and_the_default_mask)
{
    struct fxsave_state s = { 0 }, image_state = { 0 };
    uint8_t image[FXSAVE_BYTES];
    struct fxsave_rules fast = rules(true, true, true), r64 = rules(true, true, false);

    memset(image_state.xmm, 0xaa, sizeof image_state.xmm);
    image_state.mxcsr = 0x1f80;
    fxsave_image_store(&image_state, true, image);
    CHECK(x87_fxrstor(&s, &fast, image) && s.xmm[0][0] == 0 && s.mxcsr == 0x1f80,
          "fast FXRSTOR: MXCSR, no XMM");
    /* SDM vol. 1 §11.6.6: MXCSR_MASK 0 means FFBFH, DAZ (bit 6) reserved */
    image_state.mxcsr = 0x1fc0;
    fxsave_image_store(&image_state, true, image);
    s.mxcsr_mask = 0;
    CHECK(!x87_fxrstor(&s, &r64, image), "DAZ with the default mask: #GP");
    s.mxcsr_mask = 0xffff;
    CHECK(x87_fxrstor(&s, &r64, image) && s.xmm[15][15] == 0xaa, "DAZ with mask FFFFH");
}

/* ---- the SDK's register names ---- */

/* Random register values through the state and back: the same bytes (but the reserved ones
 * FXSAVE writes as zero and the 32-bit format's bytes 14-15 and 22-23, which hold nothing). */
TEST(sdk_registers_round_trip)
{
    /* FpControlStatus: the byte after FpTag and FOP's bits 15:11 */
    const uint64_t reserved_control_bits = UINT64_C(0xff) << 40 | UINT64_C(0xf800) << 48;

    _Static_assert(WHvX64RegisterXmmControlStatus - WHvX64RegisterXmm0 + 1 == X87_SDK_COUNT,
                   "26 consecutive names");
    for (unsigned mode64 = 0; mode64 < 2; mode64++) {
        WHV_REGISTER_VALUE in[X87_SDK_COUNT], out[X87_SDK_COUNT];
        struct fxsave_state s;
        uint64_t seed = 0x87 + mode64;

        for (unsigned i = 0; i < X87_SDK_COUNT; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            in[i].Reg128.Low64 = seed;
            in[i].Reg128.High64 = i >= 16 && i < 24 ? seed >> 48 : seed * 3;
        }
        in[24].Reg128.Low64 &= ~reserved_control_bits;
        if (!mode64) {
            in[24].Reg128.High64 &= 0xffffffffffffu;
            in[25].Reg128.Low64 &= 0xffffffffffffu;
        }
        fxsave_state_from_registers(&s, in, mode64);
        CHECK_EQ(s.fcw, in[24].Reg128.Low64 & 0xffff, "FpControl");
        CHECK_EQ(s.fip, mode64 ? in[24].Reg128.High64 : in[24].Reg128.High64 & 0xffffffffu,
                 "LastFpRip / LastFpEip");
        CHECK_EQ(s.fcs, mode64 ? 0 : (in[24].Reg128.High64 >> 32) & 0xffff, "LastFpCs");
        CHECK_EQ(s.mxcsr, in[25].Reg128.High64 & 0xffffffffu, "XmmStatusControl");
        CHECK(memcmp(s.st[3], &in[19].Reg128.Low64, 8) == 0, "FpMmx3 is ST(3)");
        fxsave_state_to_registers(&s, out, mode64);
        CHECK(memcmp(in, out, sizeof in) == 0, "round trip, mode64 %u", mode64);
    }
}

TEST(sdk_registers_by_form)
{
    static const struct {
        uint8_t bytes[3];
        uint32_t names;
    } rows[] = {
        { { 0xd9, 0x28 }, X87_SDK_BIT(WHvX64RegisterFpControlStatus) },        /* FLDCW */
        { { 0xdd, 0x38 }, X87_SDK_BIT(WHvX64RegisterFpControlStatus) },        /* FNSTSW */
        { { 0xd8, 0x00 }, 0x3ff0000u },                                        /* FADD m32 */
        { { 0xd9, 0x30 }, 0x3ff0000u },                                        /* FNSTENV */
        { { 0x0f, 0xae, 0x00 }, 0x3ffffffu },                                  /* FXSAVE */
        { { 0x0f, 0xae, 0x10 }, X87_SDK_BIT(WHvX64RegisterXmmControlStatus) }, /* LDMXCSR */
    };
    for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct insn in;

        CHECK(decode_insn(MODE_32, rows[i].bytes, 3, &in) == DECODE_OK, "decode");
        CHECK_EQ(x87_sdk_registers(&in), rows[i].names, mnemonic_name(in.mnemonic));
    }
}

int main(void)
{
    check_run_tests();
    return check_summary();
}
