#define _POSIX_C_SOURCE 200809L
/* Replays the hardware-recorded 80286 real-mode vectors (shared/vectors/80286-real, MOO
 * format, see its README) through the public API: every test whose instruction touches
 * data memory or an I/O port — the ones a VMM would hand to the emulator — runs from the
 * recorded initial state, and the final registers, flags (less the opcode's undefined
 * flags) and memory must equal the hardware's; a recorded exception must be injected.
 *
 * Each test runs twice. With the AMD profile, chosen explicitly: the 286 defines flags the
 * modern manuals leave undefined (OF after RCL/RCR by a multiple of 9 or 17...), and that
 * profile gives the 286's values, so every flag is compared on every host. With the
 * default options (undefined flags are the host CPU's, from its stubs), less the flags the
 * modern SDM leaves undefined for that instruction and count (tests/common/sdm_undefined.h).
 *
 * usage: test_286_real DIR [OPCODE-FILE...]   (default: every *.MOO.gz in DIR) */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "decoder.h"
#include "optab.h"
#include "sdm_undefined.h"
#include "whvemu.h"
#include "guest.h"
#include "guest_vcpu.h"

/* ---- the MOO file ---- */

struct moo_regs {
    uint16_t mask;
    uint16_t v[14]; /* ax bx cx dx cs ss ds es sp bp si di ip flags */
};
enum { AX, BX, CX, DX, CS, SS, DS, ES, SP, BP, SI, DI, IP, FLAGS };

struct moo_ram {
    uint32_t count;
    const uint8_t *entries; /* count x (uint32 address, uint8 value) */
};

struct moo_test {
    char name[64];
    const uint8_t *bytes;
    uint32_t byte_count;
    struct moo_regs init_regs, final_regs;
    struct moo_ram init_ram, final_ram;
    int exception; /* -1: none */
    const uint8_t *hash;
};

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint8_t *read_gz(const char *path, size_t *size)
{
    gzFile f = gzopen(path, "rb");
    size_t cap = 1 << 22, n = 0;
    uint8_t *buf = malloc(cap);
    int got;

    if (!f || !buf) {
        free(buf);
        if (f)
            gzclose(f);
        return NULL;
    }
    while ((got = gzread(f, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)got;
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                gzclose(f);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    gzclose(f);
    *size = n;
    return buf;
}

/* Parse a REGS chunk payload. */
static void parse_regs(const uint8_t *p, uint32_t len, struct moo_regs *r)
{
    unsigned k = 0;
    memset(r, 0, sizeof *r);
    if (len < 2)
        return;
    r->mask = rd16(p);
    for (unsigned bit = 0; bit < 14; bit++)
        if ((r->mask & (1u << bit)) && 2 + 2 * (k + 1) <= len)
            r->v[bit] = rd16(p + 2 + 2 * k++);
}

/* INIT / FINA containers hold REGS, RAM and QUEU sub-chunks. */
static void parse_state(const uint8_t *p, uint32_t len, struct moo_regs *regs, struct moo_ram *ram)
{
    for (uint32_t off = 0; off + 8 <= len;) {
        uint32_t clen = rd32(p + off + 4);
        const uint8_t *c = p + off + 8;
        if (clen > len - off - 8)
            break;
        if (!memcmp(p + off, "REGS", 4))
            parse_regs(c, clen, regs);
        else if (!memcmp(p + off, "RAM ", 4) && clen >= 4) {
            ram->count = rd32(c);
            if ((uint64_t)ram->count * 5 > clen - 4)
                ram->count = (clen - 4) / 5;
            ram->entries = c + 4;
        }
        off += 8 + clen;
    }
}

static void parse_test(const uint8_t *p, uint32_t len, struct moo_test *t)
{
    memset(t, 0, sizeof *t);
    t->exception = -1;
    for (uint32_t off = 4; off + 8 <= len;) { /* skip the uint32 index */
        uint32_t clen = rd32(p + off + 4);
        const uint8_t *c = p + off + 8;
        if (clen > len - off - 8)
            break;
        if (!memcmp(p + off, "NAME", 4) && clen >= 4) {
            uint32_t n = rd32(c);
            if (n > clen - 4)
                n = clen - 4;
            if (n >= sizeof t->name)
                n = sizeof t->name - 1;
            memcpy(t->name, c + 4, n);
        } else if (!memcmp(p + off, "BYTS", 4) && clen >= 4) {
            t->byte_count = rd32(c);
            if (t->byte_count > clen - 4)
                t->byte_count = clen - 4;
            t->bytes = c + 4;
        } else if (!memcmp(p + off, "INIT", 4)) {
            parse_state(c, clen, &t->init_regs, &t->init_ram);
        } else if (!memcmp(p + off, "FINA", 4)) {
            parse_state(c, clen, &t->final_regs, &t->final_ram);
        } else if (!memcmp(p + off, "EXCP", 4) && clen >= 1) {
            t->exception = c[0];
        } else if (!memcmp(p + off, "HASH", 4) && clen >= 20) {
            t->hash = c;
        }
        off += 8 + clen;
    }
}

/* ---- which tests a VMM would hand to the emulator ---- */

static bool is_port_io(uint8_t op)
{
    return (op >= 0xe4 && op <= 0xe7) || (op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f);
}

/* The opcode after the prefixes. */
static uint8_t opcode_of(const struct moo_test *t)
{
    for (uint32_t i = 0; i < t->byte_count; i++) {
        uint8_t b = t->bytes[i];
        if (b != 0x26 && b != 0x2e && b != 0x36 && b != 0x3e && b != 0xf0 && b != 0xf2 && b != 0xf3)
            return b;
    }
    return 0;
}

/* Does the instruction access data memory (a ModRM memory operand, moffs, a string
 * operand, XLAT, the stack)? Decided by the decoder rather than by the recorded RAM, which
 * also lists the 286's prefetch queue. The stack case is recognised by the recorded RAM
 * having changed (pushes) or being read outside the code bytes (pops). */
static bool touches_data(const struct moo_test *t)
{
    struct insn in;
    uint32_t code = ((uint32_t)t->init_regs.v[CS] << 4) + t->init_regs.v[IP];
    uint32_t stack = ((uint32_t)t->init_regs.v[SS] << 4) + t->init_regs.v[SP];

    if (t->final_ram.count)
        return true;
    if (decode_insn(MODE_16, t->bytes, t->byte_count, &in) == DECODE_OK) {
        for (unsigned i = 0; i < 4 && in.row->opnd[i]; i++) {
            enum operand_kind k = OPND_KIND(in.row->opnd[i]);
            if (((k == OK_E || k == OK_M) && in.mod != 3) || k == OK_O || k == OK_X || k == OK_Y ||
                k == OK_XLAT)
                return true;
        }
    }
    /* reads near SS:SP that are not code: a pop */
    for (uint32_t i = 0; i < t->init_ram.count; i++) {
        uint32_t a = rd32(t->init_ram.entries + 5 * i);
        if ((a < code || a >= code + 16) && a >= stack - 8 && a < stack + 16)
            return true;
    }
    return false;
}

/* The data bytes the instruction read (initial RAM outside the code and prefetch queue),
 * little-endian in address order. */
static uint32_t data_operand(const struct moo_test *t)
{
    uint32_t code = ((uint32_t)t->init_regs.v[CS] << 4) + t->init_regs.v[IP];
    uint32_t addr[2] = { 0 }, value = 0;
    uint8_t byte[2] = { 0 };
    unsigned n = 0;

    for (uint32_t i = 0; i < t->init_ram.count && n < 2; i++) {
        uint32_t a = rd32(t->init_ram.entries + 5 * i);
        if (a >= code && a < code + 16)
            continue;
        addr[n] = a;
        byte[n++] = t->init_ram.entries[5 * i + 4];
    }
    if (n == 2 && addr[1] < addr[0])
        value = (uint32_t)byte[1] | (uint32_t)byte[0] << 8;
    else
        value = (uint32_t)byte[0] | (uint32_t)byte[1] << 8;
    return value;
}

/* IDIV whose true quotient does not fit: every CPU since the 386 raises #DE; the 286
 * sometimes returns a quotient instead (recorded without an exception). */
static bool idiv_overflows(const struct moo_test *t)
{
    uint8_t op = opcode_of(t);
    struct insn in;
    int64_t dividend, divisor, q;

    if ((op != 0xf6 && op != 0xf7) ||
        decode_insn(MODE_16, t->bytes, t->byte_count, &in) != DECODE_OK || (in.reg & 7) != 7 ||
        in.mod == 3)
        return false;
    if (op == 0xf6) {
        dividend = (int16_t)t->init_regs.v[AX];
        divisor = (int8_t)(data_operand(t) & 0xff);
        if (divisor == 0)
            return false;
        q = dividend / divisor;
        return q < -128 || q > 127;
    }
    dividend = (int32_t)((uint32_t)t->init_regs.v[DX] << 16 | t->init_regs.v[AX]);
    divisor = (int16_t)(data_operand(t) & 0xffff);
    if (divisor == 0)
        return false;
    q = dividend / divisor;
    return q < -32768 || q > 32767;
}

/* Tests that show what only the 286 does: no FS/GS (8C/8E with them is #UD there), a
 * 10-byte instruction limit (15 since the 386), IDIV quotients that later CPUs fault on,
 * register-form LES/LDS (VEX since AVX). Counted, not replayed. */
static bool only_286(const struct moo_test *t)
{
    uint8_t op = opcode_of(t);
    struct insn in;
    if (t->exception == 13 && t->byte_count > 10)
        return true;
    if (t->exception < 0 && idiv_overflows(t))
        return true;
    /* LES/LDS with a register operand: since AVX those bytes start a VEX instruction */
    if ((op == 0xc4 || op == 0xc5) &&
        decode_insn(MODE_16, t->bytes, t->byte_count, &in) == DECODE_OK && in.encoding == ENC_VEX)
        return true;
    if ((op == 0x8c || op == 0x8e) &&
        decode_insn(MODE_16, t->bytes, t->byte_count, &in) == DECODE_OK)
        return (in.reg & 7) >= 4;
    return false;
}

/* Is the access that broke the limit SS-relative? For string instructions the source
 * (seg:SI) faults when SI is at the limit, otherwise the destination (always ES:DI). */
static bool stack_segment_operand(const struct moo_test *t)
{
    struct insn in;
    if (decode_insn(MODE_16, t->bytes, t->byte_count, &in) != DECODE_OK || in.seg != SEG_SS)
        return false;
    bool source = false, dest = false;
    int element = in.opsize;
    for (unsigned i = 0; i < 4 && in.row->opnd[i]; i++) {
        source |= OPND_KIND(in.row->opnd[i]) == OK_X;
        dest |= OPND_KIND(in.row->opnd[i]) == OK_Y;
        if (OPND_SIZE(in.row->opnd[i]) == SZ_b)
            element = 1;
    }
    if (!source)
        return true;
    /* walk the iterations (one without REP) until an index sits at the limit */
    {
        unsigned count = (in.prefixes & (PFX_REP | PFX_REPNE)) ? t->init_regs.v[CX] : 1;
        uint16_t si = t->init_regs.v[SI], di = t->init_regs.v[DI];
        int step = (t->init_regs.v[FLAGS] & 0x400) ? -element : element;
        for (unsigned k = 0; k < count; k++) {
            if (si == 0xffff)
                return true;
            if (dest && di == 0xffff)
                return false;
            si = (uint16_t)(si + step);
            di = (uint16_t)(di + step);
        }
    }
    return false;
}

static bool has_lock_prefix(const struct moo_test *t)
{
    for (uint32_t i = 0; i < t->byte_count && t->bytes[i] != opcode_of(t); i++)
        if (t->bytes[i] == 0xf0)
            return true;
    return false;
}

static bool decodes_as_ud(const struct moo_test *t)
{
    struct insn in;
    return decode_insn(MODE_16, t->bytes, t->byte_count, &in) == DECODE_UD;
}

/* ---- revoked tests ---- */

static char (*revoked)[41];
static size_t revoked_count;

static void load_revocations(const char *dir)
{
    char path[4096], line[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/revocation_list.txt", dir);
    f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strlen(line) < 40)
            continue;
        revoked = realloc(revoked, (revoked_count + 1) * sizeof *revoked);
        memcpy(revoked[revoked_count], line, 40);
        revoked[revoked_count++][40] = 0;
    }
    fclose(f);
}

static bool is_revoked(const uint8_t *hash)
{
    char hex[41];
    if (!hash)
        return false;
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", hash[i]);
    for (size_t i = 0; i < revoked_count; i++)
        if (!strcmp(hex, revoked[i]))
            return true;
    return false;
}

/* ---- undefined flags from metadata.json: "flags-mask" per opcode (and per reg) ---- */

static char *metadata;

/* The flags-mask of opcode "XX" (optionally ".r"), 0xffff when none is given. */
static uint16_t flags_mask(const char *key)
{
    char opkey[8], regkey[8], *p, *end;
    const char *dot = strchr(key, '.');
    unsigned depth = 0;

    if (!metadata)
        return 0xffff;
    snprintf(opkey, sizeof opkey, "\"%.2s\":", key);
    p = strstr(metadata, opkey);
    if (!p)
        return 0xffff;
    if (dot) {
        snprintf(regkey, sizeof regkey, "\"%c\":", dot[1]);
        p = strstr(p, regkey);
        if (!p)
            return 0xffff;
    }
    /* the object that follows, up to its closing brace */
    p = strchr(p, '{');
    if (!p)
        return 0xffff;
    for (end = p; *end; end++) {
        if (*end == '{')
            depth++;
        else if (*end == '}' && --depth == 0)
            break;
    }
    for (char *q = p; q < end; q++) {
        if (!strncmp(q, "\"flags-mask\":", 13))
            return (uint16_t)strtoul(q + 13, NULL, 10);
        if (*q == '{' && q != p)
            break; /* a nested object (the reg table) is not this opcode's own mask */
    }
    return 0xffff;
}

/* The flags the modern SDM leaves undefined for the test's instruction and CL count. */
static uint16_t modern_undefined(const struct moo_test *t)
{
    struct insn in;
    struct insn_facts facts;

    if (decode_insn(MODE_16, t->bytes, t->byte_count, &in) != DECODE_OK)
        return 0;
    facts = insn_facts_from(&in);
    return (uint16_t)sdm_undefined_of(&facts, t->init_regs.v[CX], false).flags;
}

/* ---- replay ---- */

struct tally {
    unsigned replayed, passed, failed, unsupported, skipped, faults, lock_ud, only_286;
};

static struct guest g;

static void set_seg(WHV_REGISTER_NAME name, uint16_t selector, bool code)
{
    WHV_X64_SEGMENT_REGISTER *s = &vcpu_reg(&g.vcpu, name)->Segment;
    s->Selector = selector;
    s->Base = (uint64_t)selector << 4;
    s->Limit = 0xffff;
    s->Attributes = code ? 0x9b : 0x93;
}

static const WHV_REGISTER_NAME gpr_names[] = {
    [AX] = WHvX64RegisterRax, [BX] = WHvX64RegisterRbx, [CX] = WHvX64RegisterRcx,
    [DX] = WHvX64RegisterRdx, [SP] = WHvX64RegisterRsp, [BP] = WHvX64RegisterRbp,
    [SI] = WHvX64RegisterRsi, [DI] = WHvX64RegisterRdi,
};
static const WHV_REGISTER_NAME seg_names[] = {
    [CS] = WHvX64RegisterCs,
    [SS] = WHvX64RegisterSs,
    [DS] = WHvX64RegisterDs,
    [ES] = WHvX64RegisterEs,
};
static const char *const reg_text[14] = { "ax", "bx", "cx", "dx", "cs", "ss", "ds",
                                          "es", "sp", "bp", "si", "di", "ip", "flags" };

static uint16_t read_reg(int r)
{
    if (r == IP)
        return (uint16_t)vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64;
    if (r == FLAGS)
        return (uint16_t)vcpu_reg(&g.vcpu, WHvX64RegisterRflags)->Reg64;
    if (r == CS || r == SS || r == DS || r == ES)
        return vcpu_reg(&g.vcpu, seg_names[r])->Segment.Selector;
    return (uint16_t)vcpu_reg(&g.vcpu, gpr_names[r])->Reg64;
}

static void report(const char *file, const struct moo_test *t, const char *what)
{
    static unsigned shown;
    if (shown++ < 200) {
        fprintf(stderr, "%s %s [", file, t->name);
        for (uint32_t i = 0; i < t->byte_count; i++)
            fprintf(stderr, "%s%02x", i ? " " : "", t->bytes[i]);
        fprintf(stderr, "]: %s\n", what);
    }
}

static void replay(WHV_EMULATOR_HANDLE emu, const char *file, const char *key,
                   const struct moo_test *t, uint16_t mask, struct tally *tally)
{
    WHV_EMULATOR_STATUS st;
    HRESULT hr;
    uint8_t op = opcode_of(t);
    char msg[256];
    bool ok = true;
    /* The 286 ignores LOCK where it is not allowed; since the 386 that is #UD, which is
     * what whvemu (a modern CPU) must raise: those tests check the #UD instead. */
    bool expect_ud = has_lock_prefix(t) && decodes_as_ud(t);

    guest_free(&g);
    guest_init(&g);
    vcpu_set_defaults(&g.vcpu, VCPU_REAL16);
    for (int r = 0; r < 14; r++) {
        uint16_t v = t->init_regs.v[r];
        if (r == IP)
            vcpu_reg(&g.vcpu, WHvX64RegisterRip)->Reg64 = v;
        else if (r == FLAGS)
            vcpu_reg(&g.vcpu, WHvX64RegisterRflags)->Reg64 = v | 2u;
        else if (r == CS || r == SS || r == DS || r == ES)
            set_seg(seg_names[r], v, r == CS);
        else
            vcpu_reg(&g.vcpu, gpr_names[r])->Reg64 = v;
    }
    for (uint32_t i = 0; i < t->init_ram.count; i++)
        guest_write(&g, rd32(t->init_ram.entries + 5 * i), t->init_ram.entries + 5 * i + 4, 1);
    g.unclaimed_port_value = 0xffffffffu; /* IN reads 0xFF in every test */
    guest_begin(&g);

    if (is_port_io(op)) {
        struct guest_port_access access = { t->init_regs.v[DX], (op & 1) ? 2 : 1,
                                            (op & 2) != 0 || op == 0x6e || op == 0x6f,
                                            op >= 0x6c && op <= 0x6f, false };
        if (!(op & 8) && !access.string) { /* E4-E7: the port is the imm8 */
            struct insn in;
            if (decode_insn(MODE_16, t->bytes, t->byte_count, &in) == DECODE_OK)
                access.port = (uint16_t)in.imm;
        }
        hr = guest_run_io(&g, emu, t->bytes, t->byte_count, &access, &st);
    } else {
        hr = guest_run_mmio(&g, emu, t->bytes, t->byte_count, &st);
    }
    if (hr != S_OK) {
        tally->replayed++;
        tally->failed++;
        snprintf(msg, sizeof msg, "HRESULT 0x%08x", (unsigned)hr);
        report(file, t, msg);
        return;
    }
    if (st.InternalEmulationFailure) {
        tally->unsupported++;
        return;
    }
    tally->replayed++;
    if (t->exception >= 0 || expect_ud) {
        int want_vector = expect_ud ? 6 : t->exception;
        /* Since the 386 a real-mode limit violation through SS is #SS; the 286 raised #GP. */
        if (want_vector == 13 && stack_segment_operand(t))
            want_vector = 12;
        WHV_X64_PENDING_INTERRUPTION_REGISTER pi =
            vcpu_reg(&g.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
        tally->faults += !expect_ud;
        tally->lock_ud += expect_ud;
        if (st.AsUINT32 != 1 || !pi.InterruptionPending ||
            pi.InterruptionVector != (unsigned)want_vector) {
            snprintf(msg, sizeof msg, "want exception %d, got status 0x%x pending %d vector %u",
                     want_vector, st.AsUINT32, pi.InterruptionPending, pi.InterruptionVector);
            report(file, t, msg);
            tally->failed++;
        } else {
            tally->passed++;
        }
        return;
    }
    if (st.AsUINT32 != 1) {
        snprintf(msg, sizeof msg, "status 0x%x", st.AsUINT32);
        report(file, t, msg);
        tally->failed++;
        return;
    }
    for (int r = 0; r < 14; r++) {
        uint16_t want = (t->final_regs.mask & (1u << r)) ? t->final_regs.v[r] : t->init_regs.v[r];
        uint16_t got = read_reg(r);
        if (r == IP)
            want = (uint16_t)(want - 1); /* past the trailing HLT */
        if (r == FLAGS) {
            /* the 286 reads the top four FLAGS bits as 0 in real mode */
            want &= mask & 0x0fff;
            got &= mask & 0x0fff;
        }
        if (want != got) {
            snprintf(msg, sizeof msg, "%s: got 0x%04x, want 0x%04x", reg_text[r], got, want);
            report(file, t, msg);
            ok = false;
        }
    }
    for (uint32_t i = 0; i < t->final_ram.count; i++) {
        uint32_t a = rd32(t->final_ram.entries + 5 * i);
        uint8_t want = t->final_ram.entries[5 * i + 4], got;
        guest_read(&g, a, &got, 1);
        if (want != got) {
            snprintf(msg, sizeof msg, "mem[0x%06x]: got 0x%02x, want 0x%02x", a, got, want);
            report(file, t, msg);
            ok = false;
        }
    }
    (void)key;
    if (ok)
        tally->passed++;
    else
        tally->failed++;
}

/* The two emulators every test runs on (see the top). */
struct emulators {
    WHV_EMULATOR_HANDLE amd, host;
};

static void add_tally(struct tally *total, const struct tally *t)
{
    total->replayed += t->replayed;
    total->passed += t->passed;
    total->failed += t->failed;
    total->unsupported += t->unsupported;
    total->skipped += t->skipped;
    total->faults += t->faults;
    total->lock_ud += t->lock_ud;
    total->only_286 += t->only_286;
}

static void replay_file(const struct emulators *emu, const char *dir, const char *file,
                        struct tally total[2])
{
    char path[4096], key[8] = { 0 };
    size_t size = 0;
    uint8_t *data;
    struct tally t = { 0 }, host = { 0 };
    uint16_t mask;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    data = read_gz(path, &size);
    CHECK(data != NULL, "cannot read %s", path);
    if (!data)
        return;
    /* "80.1.MOO.gz" -> "80.1"; "A4.MOO.gz" -> "A4" */
    memcpy(key, file, strcspn(file, "M") > 5 ? 5 : strcspn(file, "M") - 1);
    mask = flags_mask(key);
    for (size_t off = 0; off + 8 <= size;) {
        uint32_t len = rd32(data + off + 4);
        if (len > size - off - 8)
            break;
        if (!memcmp(data + off, "TEST", 4)) {
            struct moo_test test;
            parse_test(data + off + 8, len, &test);
            if (is_revoked(test.hash) || !test.bytes ||
                !(is_port_io(opcode_of(&test)) || touches_data(&test)))
                t.skipped++;
            else if (only_286(&test))
                t.only_286++;
            else {
                replay(emu->amd, file, key, &test, mask, &t);
                replay(emu->host, file, key, &test, mask & ~modern_undefined(&test), &host);
            }
        }
        off += 8 + len;
    }
    free(data);
    printf("%-12s replayed %5u passed %5u failed %4u (faults %4u, lock #UD %4u) unsupported %5u "
           "register-only %5u; default options: passed %5u failed %4u\n",
           file, t.replayed, t.passed, t.failed, t.faults, t.lock_ud, t.unsupported, t.skipped,
           host.passed, host.failed);
    add_tally(&total[0], &t);
    add_tally(&total[1], &host);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    struct emulators emu;
    struct tally total[2] = { { 0 } }; /* the AMD profile, the default options */
    const char *dir = argc > 1 ? argv[1] : NULL;
    char path[4096];
    size_t meta_size = 0;

    if (!dir) {
        fprintf(stderr, "usage: %s VECTOR-DIR [FILE...]\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof path, "%s/metadata.json", dir);
    {
        FILE *f = fopen(path, "rb");
        if (f) {
            fseek(f, 0, SEEK_END);
            meta_size = (size_t)ftell(f);
            fseek(f, 0, SEEK_SET);
            metadata = calloc(1, meta_size + 1);
            if (metadata && fread(metadata, 1, meta_size, f) != meta_size)
                metadata[0] = 0;
            fclose(f);
        }
    }
    CHECK(metadata != NULL, "no metadata.json in %s", dir);
    load_revocations(dir);
    guest_init(&g);
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu.amd) == S_OK, "create");
    CHECK(WHvEmulatorCreateEmulator(&guest_callbacks, &emu.host) == S_OK, "create");
    CHECK(whvemu_set_option(emu.amd, WHVEMU_OPTION_VENDOR, WHVEMU_VENDOR_AMD) == S_OK, "vendor");

    if (argc > 2) {
        for (int i = 2; i < argc; i++)
            replay_file(&emu, dir, argv[i], total);
    } else {
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        CHECK(d != NULL, "cannot open %s", dir);
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len > 7 && !strcmp(e->d_name + len - 7, ".MOO.gz")) {
                names = realloc(names, (n + 1) * sizeof *names);
                names[n++] = strdup(e->d_name);
            }
        }
        if (d)
            closedir(d);
        qsort(names, n, sizeof *names, by_name);
        for (size_t i = 0; i < n; i++) {
            replay_file(&emu, dir, names[i], total);
            free(names[i]);
        }
        free(names);
    }
    printf("total: replayed %u, passed %u, failed %u; exceptions checked %u, LOCK #UD checked %u; "
           "unsupported %u, register-only skipped %u, 286-only behaviour skipped %u\n",
           total[0].replayed, total[0].passed, total[0].failed, total[0].faults, total[0].lock_ud,
           total[0].unsupported, total[0].skipped, total[0].only_286);
    printf("default options (host stubs), modern SDM-undefined flags masked: replayed %u, "
           "passed %u, failed %u, unsupported %u\n",
           total[1].replayed, total[1].passed, total[1].failed, total[1].unsupported);
    for (unsigned i = 0; i < 2; i++) {
        CHECK(total[i].failed == 0, "%u vectors disagree with the hardware", total[i].failed);
        CHECK(total[i].passed > 0, "no vector passed");
    }
    WHvEmulatorDestroyEmulator(emu.amd);
    WHvEmulatorDestroyEmulator(emu.host);
    guest_free(&g);
    free(metadata);
    free(revoked);
    return check_summary();
}
