/* whvemu: decode x86 instructions and emulate one through the public WHv emulator API with
 * an in-memory guest, printing every callback. Written against the public headers only,
 * as any VMM author would write it. docs/cli.md is the user's guide. */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "WinHvEmulation.h"
#include "whvemu.h"

#include "guest.h"
#include "whvnames.h"
#include "guest_vcpu.h"

#define MAX_INSN_BYTES 15
#define CONTEXT_BYTES 16 /* InstructionBytes[] in the exit contexts */
#define FORMAT_SIZE 160

/* Exit codes, documented in --help. */
enum {
    EXIT_EMULATED = 0, /* decode: all valid; emulate: S_OK + EmulationSuccessful */
    EXIT_FAILED = 1,   /* decode: invalid bytes; emulate: error HRESULT */
    EXIT_USAGE = 2,
    EXIT_NOT_EMULATED = 3, /* emulate: S_OK but another status */
};

static const char usage_text[] =
    "usage: whvemu decode [--bits 16|32|64] HEX...\n"
    "       whvemu emulate [--bits 16|32|64] --bytes HEX [options]\n"
    "       whvemu demo\n"
    "       whvemu --help | --version\n"
    "\n"
    "decode   disassemble the bytes (Intel syntax), one instruction per line\n"
    "emulate  run one instruction through WHvEmulatorTryMmioEmulation (or\n"
    "         WHvEmulatorTryIoEmulation with --io) against an in-memory guest and print\n"
    "         every callback, the status and the changed registers and memory\n"
    "demo     emulate a handful of typical MMIO and port-I/O instructions\n"
    "\n"
    "emulate options (numbers are C literals: 0x10, 16, 020):\n"
    "  --bits N            guest mode: 64 long mode (default), 32 flat protected, 16 real\n"
    "  --compat            with --bits 32: compatibility mode (long mode, 32-bit code)\n"
    "  --bytes HEX         the instruction bytes (\"8b 03\", \"8b03\"), also stored at CS:RIP\n"
    "  --given-bytes N     bytes put in the exit context (default all; fewer -> fetching)\n"
    "  --reg NAME=VALUE    set a register: rax=0x10, xmm0=0x(32 hex digits),\n"
    "                      cs=SEL[,BASE,LIMIT,ATTR], gdtr=BASE,LIMIT\n"
    "  --seg NAME=SEL[,BASE,LIMIT,ATTR]  same as --reg, for segment registers (real mode:\n"
    "                      BASE defaults to SEL*16)\n"
    "  --rip ADDR, --rflags VALUE   shorthands for --reg rip=, --reg rflags=\n"
    "  --cpl N             current privilege level (DPL of CS and SS)\n"
    "  --mem GPA=HEX       guest-physical memory contents (repeatable)\n"
    "  --map GVA=GPA       translate the GVA page to GPA (may be unaligned, to test that)\n"
    "  --map GVA=RESULT    translating the GVA page answers RESULT: PageNotPresent,\n"
    "                      PrivilegeViolation, ..., Intercept (WHvTranslateGvaResult*)\n"
    "  --read | --write | --execute   MMIO access type (default read)\n"
    "  --gpa ADDR, --gva ADDR   exit GPA/GVA (default: computed from the memory operand)\n"
    "  --no-gva            GvaValid = 0;  --gpa-unmapped: GpaUnmapped = 1\n"
    "  --io                port I/O exit (WHvEmulatorTryIoEmulation)\n"
    "  --port N, --io-size 1|2|4   port and size (default: from the instruction and DX)\n"
    "  --in PORT=VALUE     what IN reads from PORT (default all ones)\n"
    "  --interruption-pending, --interrupt-shadow   exit execution-state bits\n"
    "  --exec-state VALUE  raw ExecutionState (overrides the computed one)\n"
    "  --fail KIND[:N]     make the N-th (default 1st) callback of KIND fail; KIND is\n"
    "                      io, memory, get, set, translate, get-xstate or set-xstate\n"
    "  --xmmN=HEX, --ymmN=HEX, --zmmN=HEX   vector register N (0-31), one hex number\n"
    "  --kN=HEX, --mmN=HEX  opmask register k0-7, MMX register mm0-7 (by TOS)\n"
    "  --mxcsr=HEX, --fsw=HEX, --ftw=HEX, --xcr0=HEX   MXCSR (default 1f80), x87 status\n"
    "                      and abridged tag word, XCR0 (default 7)\n"
    "whvemu.h extensions:\n"
    "  --ram-page GPA      install the RAM callback; it maps this page (repeatable)\n"
    "  --rep-budget N      at most N REP iterations per call (default 4096; 0: run to\n"
    "                      completion)\n"
    "  --vendor host|intel|amd  where the manuals leave results open: this CPU's\n"
    "                      behaviour (the default) or the Intel / AMD C profile\n"
    "  extended state: the guest's XSAVE area, laid out by this host's CPUID leaf 0DH,\n"
    "                      standard format; --compacted: compacted; --no-xstate: none\n"
    "\n"
    "exit status: 0 valid / EmulationSuccessful, 1 invalid bytes / error HRESULT,\n"
    "             2 usage error, 3 emulated with another status\n";

/* ---- parsing helpers ------------------------------------------------------------------ */

static bool parse_u64(const char *text, uint64_t *value)
{
    char *end;
    if (!*text || *text == '-' || isspace((unsigned char)*text))
        return false;
    *value = strtoull(text, &end, 0);
    return *end == '\0';
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex bytes, with or without separators (spaces, commas, colons) and an optional "0x"
 * per group: "8b 03", "8b03", "0x8b,0x03". Appends at *count, at most capacity. */
static bool parse_hex_bytes(const char *text, uint8_t *bytes, size_t capacity, size_t *count)
{
    const char *p = text;
    while (*p) {
        if (isspace((unsigned char)*p) || *p == ',' || *p == ':') {
            p++;
            continue;
        }
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            p += 2;
            continue;
        }
        int hi = hex_digit((unsigned char)p[0]);
        int lo = hi < 0 ? -1 : hex_digit((unsigned char)p[1]);
        if (lo < 0) {
            fprintf(stderr, "whvemu: \"%s\": expected pairs of hex digits\n", text);
            return false;
        }
        if (*count == capacity) {
            fprintf(stderr, "whvemu: \"%s\": more than %zu bytes\n", text, capacity);
            return false;
        }
        bytes[(*count)++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    return true;
}

/* "NAME=VALUE": splits at the first '='; both sides must be non-empty. */
static bool split_assignment(const char *option, const char *text, char *name, size_t name_size,
                             const char **value)
{
    const char *equals = strchr(text, '=');
    if (!equals || equals == text || !equals[1] || (size_t)(equals - text) >= name_size) {
        fprintf(stderr, "whvemu: %s \"%s\": expected NAME=VALUE\n", option, text);
        return false;
    }
    memcpy(name, text, (size_t)(equals - text));
    name[equals - text] = '\0';
    *value = equals + 1;
    return true;
}

/* ---- decoding through the public extension API ---------------------------------------- */

/* What a non-positive whvemu_insn_length answer means, in words for people. */
static const char *length_problem(int length)
{
    return length == 0 ? "incomplete: needs more bytes"
                       : "invalid: the CPU raises #UD (#GP(0) if longer than 15 bytes)";
}

static void print_hex(FILE *out, const uint8_t *bytes, size_t size)
{
    for (size_t i = 0; i < size; i++)
        fprintf(out, "%s%02x", i ? " " : "", bytes[i]);
}

static bool parse_bits(const char *text, int *bits)
{
    uint64_t value;
    if (!parse_u64(text, &value) || (value != 16 && value != 32 && value != 64)) {
        fprintf(stderr, "whvemu: --bits \"%s\": expected 16, 32 or 64\n", text);
        return false;
    }
    *bits = (int)value;
    return true;
}

static int decode_command(int argc, char **argv)
{
    int bits = 64;
    uint8_t bytes[4096];
    size_t count = 0;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--bits") == 0) {
            if (i + 1 == argc) {
                fprintf(stderr, "whvemu: --bits needs a value\n");
                return EXIT_USAGE;
            }
            if (!parse_bits(argv[++i], &bits))
                return EXIT_USAGE;
        } else if (arg[0] == '-' && arg[1] == '-') {
            fprintf(stderr, "whvemu: decode: unknown option %s\n", arg);
            return EXIT_USAGE;
        } else if (!parse_hex_bytes(arg, bytes, sizeof bytes, &count)) {
            return EXIT_USAGE;
        }
    }
    if (count == 0) {
        fprintf(stderr, "whvemu: decode: no bytes given\n%s", usage_text);
        return EXIT_USAGE;
    }

    printf("%-8s %-4s %-44s %s\n", "offset", "len", "bytes", "instruction");
    size_t offset = 0;
    while (offset < count) {
        size_t avail = count - offset;
        int length = whvemu_insn_length((unsigned)bits, &bytes[offset], avail);
        printf("%-8zx ", offset);
        if (length <= 0) {
            printf("%-4s ", "-");
            print_hex(stdout, &bytes[offset], avail < MAX_INSN_BYTES ? avail : MAX_INSN_BYTES);
            printf("  %s\n", length_problem(length));
            return EXIT_FAILED;
        }
        char text[FORMAT_SIZE];
        whvemu_format((unsigned)bits, &bytes[offset], (size_t)length, text, sizeof text);
        printf("%-4d ", length);
        int printed = length * 3 - 1;
        print_hex(stdout, &bytes[offset], (size_t)length);
        printf("%*s %s\n", printed < 44 ? 44 - printed : 0, "", text);
        offset += (size_t)length;
    }
    return EXIT_EMULATED;
}

/* ---- one emulation scenario ----------------------------------------------------------- */

struct scenario {
    int bits;
    bool compat; /* --bits 32 in long mode (compatibility mode) */
    uint8_t bytes[CONTEXT_BYTES];
    size_t byte_count;
    size_t given_bytes; /* SIZE_MAX: all */
    bool io;
    WHV_MEMORY_ACCESS_TYPE access;
    bool access_given;
    bool gpa_given, gva_given, no_gva, gpa_unmapped;
    uint64_t gpa, gva;
    bool port_given;
    uint16_t port;
    unsigned io_size; /* 0: from the instruction */
    bool interruption_pending, interrupt_shadow;
    bool exec_state_given;
    uint16_t exec_state;
    bool rep_budget_given;
    uint64_t rep_budget;
    bool vendor_given;
    WHVEMU_VENDOR vendor;
    struct guest guest;
};

/* --reg NAME=VALUE in the form NAME's kind needs; --seg accepts segment registers only. */
static bool parse_register(struct guest *g, int bits, const char *option, const char *text)
{
    char name[32];
    const char *value;
    if (!split_assignment(option, text, name, sizeof name, &value))
        return false;
    int index = reg_index_of_text(name);
    if (index < 0) {
        fprintf(stderr, "whvemu: %s: unknown register \"%s\"\n", option, name);
        return false;
    }
    if (strcmp(option, "--seg") == 0 && reg_table[index].kind != REG_KIND_SEGMENT) {
        fprintf(stderr, "whvemu: --seg %s: expected a segment register (cs, ds, ...)\n", text);
        return false;
    }
    WHV_REGISTER_VALUE *v = &g->vcpu.regs[index];
    uint64_t fields[4];
    size_t field_count = 0;
    char copy[128];
    if (strlen(value) >= sizeof copy) {
        fprintf(stderr, "whvemu: %s %s: value too long\n", option, text);
        return false;
    }
    strcpy(copy, value);

    switch (reg_table[index].kind) {
    case REG_KIND_128: {
        /* Up to 32 hex digits, most significant first. */
        const char *digits = copy;
        if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
            digits += 2;
        size_t n = strlen(digits);
        uint64_t high = 0, low = 0;
        bool ok = n > 0 && n <= 32;
        for (size_t i = 0; ok && i < n; i++) {
            int d = hex_digit((unsigned char)digits[i]);
            ok = d >= 0;
            high = high << 4 | low >> 60;
            low = low << 4 | (uint64_t)(d < 0 ? 0 : d);
        }
        if (!ok) {
            fprintf(stderr, "whvemu: %s %s: expected up to 32 hex digits\n", option, text);
            return false;
        }
        v->Reg128.Low64 = low;
        v->Reg128.High64 = high;
        return true;
    }
    case REG_KIND_64:
        if (!parse_u64(copy, &v->Reg64)) {
            fprintf(stderr, "whvemu: %s %s: expected a number\n", option, text);
            return false;
        }
        return true;
    case REG_KIND_SEGMENT:
    case REG_KIND_TABLE:
        for (char *field = strtok(copy, ","); field; field = strtok(NULL, ",")) {
            if (field_count == 4 || !parse_u64(field, &fields[field_count++])) {
                fprintf(stderr, "whvemu: %s %s: expected comma-separated numbers\n", option, text);
                return false;
            }
        }
        break;
    }

    if (reg_table[index].kind == REG_KIND_TABLE) {
        if (field_count != 2 || fields[1] > 0xffff) {
            fprintf(stderr, "whvemu: %s %s: expected BASE,LIMIT (limit <= 0xffff)\n", option, text);
            return false;
        }
        v->Table.Base = fields[0];
        v->Table.Limit = (UINT16)fields[1];
        return true;
    }
    if (field_count != 1 && field_count != 4) {
        fprintf(stderr, "whvemu: %s %s: expected SEL or SEL,BASE,LIMIT,ATTR\n", option, text);
        return false;
    }
    if (fields[0] > 0xffff ||
        (field_count == 4 && (fields[2] > 0xffffffffu || fields[3] > 0xffff))) {
        fprintf(stderr, "whvemu: %s %s: selector, limit or attributes out of range\n", option,
                text);
        return false;
    }
    v->Segment.Selector = (UINT16)fields[0];
    if (field_count == 4) {
        v->Segment.Base = fields[1];
        v->Segment.Limit = (UINT32)fields[2];
        v->Segment.Attributes = (UINT16)fields[3];
    } else if (bits == 16) {
        v->Segment.Base = fields[0] << 4; /* real mode: the base follows the selector */
    }
    return true;
}

static bool parse_mapping(struct guest *g, const char *text)
{
    char gva_text[32];
    const char *target;
    uint64_t gva;
    if (!split_assignment("--map", text, gva_text, sizeof gva_text, &target))
        return false;
    if (!parse_u64(gva_text, &gva)) {
        fprintf(stderr, "whvemu: --map %s: the GVA is not a number\n", text);
        return false;
    }
    if (g->mapping_count == GUEST_MAX_MAPPINGS) {
        fprintf(stderr, "whvemu: --map: at most %d mappings\n", GUEST_MAX_MAPPINGS);
        return false;
    }
    struct guest_mapping *m = &g->mappings[g->mapping_count];
    m->gva_page = gva & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
    m->gpa = 0;
    m->result = WHvTranslateGvaResultSuccess;
    size_t names = TRANSLATE_RESULT_COUNT;
    size_t r = 0;
    while (r < names && strcmp(target, translate_result_names[r]) != 0)
        r++;
    if (r < names) {
        m->result = (WHV_TRANSLATE_GVA_RESULT_CODE)r;
    } else if (!parse_u64(target, &m->gpa)) {
        fprintf(stderr, "whvemu: --map %s: expected a GPA or a result name (", text);
        for (r = 1; r < names; r++)
            fprintf(stderr, "%s%s", r > 1 ? ", " : "", translate_result_names[r]);
        fprintf(stderr, ")\n");
        return false;
    }
    g->mapping_count++;
    return true;
}

static bool parse_memory(struct guest *g, const char *text)
{
    char address_text[32];
    const char *hex;
    uint64_t gpa;
    uint8_t data[4096];
    size_t size = 0;
    if (!split_assignment("--mem", text, address_text, sizeof address_text, &hex))
        return false;
    if (!parse_u64(address_text, &gpa)) {
        fprintf(stderr, "whvemu: --mem %s: the address is not a number\n", text);
        return false;
    }
    if (!parse_hex_bytes(hex, data, sizeof data, &size))
        return false;
    if (!guest_write(g, gpa, data, size)) {
        fprintf(stderr, "whvemu: out of memory\n");
        return false;
    }
    return true;
}

static bool parse_port_value(struct guest *g, const char *text)
{
    char port_text[32];
    const char *value_text;
    uint64_t port, value;
    if (!split_assignment("--in", text, port_text, sizeof port_text, &value_text))
        return false;
    if (!parse_u64(port_text, &port) || port > 0xffff || !parse_u64(value_text, &value) ||
        value > 0xffffffffu) {
        fprintf(stderr, "whvemu: --in %s: expected PORT=VALUE (16-bit port, 32-bit value)\n", text);
        return false;
    }
    if (g->port_count == GUEST_MAX_PORTS) {
        fprintf(stderr, "whvemu: --in: at most %d ports\n", GUEST_MAX_PORTS);
        return false;
    }
    g->ports[g->port_count].port = (uint16_t)port;
    g->ports[g->port_count].value = (uint32_t)value;
    g->port_count++;
    return true;
}

static bool parse_failure(struct guest *g, const char *text)
{
    static const char *const kinds[GUEST_CB_COUNT] = { "io",        "memory",    "get",
                                                       "set",       "translate", "get-xstate",
                                                       "set-xstate" };
    char kind[16];
    const char *colon = strchr(text, ':');
    size_t kind_length = colon ? (size_t)(colon - text) : strlen(text);
    uint64_t nth = 1;
    if (kind_length >= sizeof kind ||
        (colon && (!parse_u64(colon + 1, &nth) || nth == 0 || nth > 1000000))) {
        fprintf(stderr, "whvemu: --fail %s: expected KIND or KIND:N (N >= 1)\n", text);
        return false;
    }
    memcpy(kind, text, kind_length);
    kind[kind_length] = '\0';
    for (int k = 0; k < GUEST_CB_COUNT; k++) {
        if (strcmp(kind, kinds[k]) == 0) {
            g->fail_at[k] = (unsigned)nth;
            return true;
        }
    }
    fprintf(stderr,
            "whvemu: --fail %s: KIND is io, memory, get, set, translate, get-xstate or "
            "set-xstate\n",
            text);
    return false;
}

/* ---- vector registers: --xmmN= --ymmN= --zmmN= --kN= --mmN= --mxcsr= --fsw= --ftw= --xcr0= */

/* A value of `size` bytes written as one hex number, most significant digit first. */
static bool parse_wide_hex(const char *option, const char *text, uint8_t *out, unsigned size)
{
    size_t digits;

    memset(out, 0, size);
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        text += 2;
    digits = strlen(text);
    if (digits == 0 || digits > 2 * size) {
        fprintf(stderr, "whvemu: %s: expected up to %u hex digits\n", option, 2 * size);
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        int d = hex_digit(text[digits - 1 - i]);
        if (d < 0) {
            fprintf(stderr, "whvemu: %s: \"%s\" is not hex\n", option, text);
            return false;
        }
        out[i / 2] |= (uint8_t)(d << (4 * (i % 2)));
    }
    return true;
}

/* Bytes [from, from + size) of value into component c of the area at `offset`. */
static bool set_component_bytes(struct guest *g, const char *option, unsigned c, unsigned offset,
                                const uint8_t *value, unsigned size)
{
    uint8_t *component = guest_xstate_component(g, c);

    if (!component) {
        fprintf(stderr,
                "whvemu: %s needs XSAVE component %u, which this host's extended-state layout "
                "lacks (or --no-xstate)\n",
                option, c);
        return false;
    }
    memcpy(component + offset, value, size);
    return true;
}

/* Vector register n, `bytes` of it (16, 32 or 64): XMM by its SDK name, the rest in the area
 * (YMM_Hi128, ZMM_Hi256; registers 16-31 in Hi16_ZMM). */
static bool set_vector(struct guest *g, const char *option, unsigned n, const uint8_t *value,
                       unsigned bytes)
{
    if (n >= 16)
        return set_component_bytes(g, option, 7, 64 * (n - 16), value, bytes);
    memcpy(&vcpu_reg(&g->vcpu, WHvX64RegisterXmm0 + n)->Reg128, value, 16);
    if (bytes > 16 && !set_component_bytes(g, option, 2, 16 * n, value + 16, 16))
        return false;
    return bytes <= 32 || set_component_bytes(g, option, 6, 32 * n, value + 32, 32);
}

/* MMX register n is the mantissa of physical register n, FXSAVE slot (n - TOS) mod 8; its
 * bits 79:64 all ones, as an MMX write leaves them. */
static void set_mmx(struct guest *g, unsigned n, uint64_t value)
{
    unsigned tos =
        (vcpu_reg(&g->vcpu, WHvX64RegisterFpControlStatus)->FpControlStatus.FpStatus >> 11) & 7;
    WHV_REGISTER_VALUE *r = vcpu_reg(&g->vcpu, WHvX64RegisterFpMmx0 + ((n - tos) & 7));

    r->Reg128.Low64 = value;
    r->Reg128.High64 = 0xffff;
}

static const struct {
    const char *prefix;
    unsigned bytes, registers; /* registers 0: a single control register */
} vector_options[] = {
    { "--xmm", 16, 32 }, { "--ymm", 32, 32 }, { "--zmm", 64, 32 },
    { "--k", 8, 8 },     { "--mm", 8, 8 },    { "--mxcsr", 4, 0 },
    { "--fsw", 2, 0 },   { "--ftw", 1, 0 },   { "--xcr0", 8, 0 },
};

/* The one value of a control-register option. */
static void set_control(struct guest *g, const char *prefix, uint64_t v)
{
    WHV_REGISTER_VALUE *fcs = vcpu_reg(&g->vcpu, WHvX64RegisterFpControlStatus);

    if (strcmp(prefix, "--mxcsr") == 0)
        vcpu_reg(&g->vcpu, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControl =
            (UINT32)v;
    else if (strcmp(prefix, "--fsw") == 0)
        fcs->FpControlStatus.FpStatus = (UINT16)v;
    else if (strcmp(prefix, "--ftw") == 0)
        fcs->FpControlStatus.FpTag = (UINT8)v;
    else
        vcpu_reg(&g->vcpu, WHvX64RegisterXCr0)->Reg64 = v;
}

/* A vector option (--xmm3=HEX ...): true with *handled when it is one and applied. */
static bool vector_option(struct guest *g, const char *option, bool *handled)
{
    const char *eq = strchr(option, '=');
    uint8_t value[64];
    uint64_t n = 0, v;

    *handled = false;
    for (size_t i = 0; eq && i < sizeof vector_options / sizeof vector_options[0]; i++) {
        size_t len = strlen(vector_options[i].prefix);
        char number[8] = "";
        if (strncmp(option, vector_options[i].prefix, len) != 0 ||
            (vector_options[i].registers == 0) != (option + len == eq) ||
            (size_t)(eq - option - len) >= sizeof number)
            continue;
        memcpy(number, option + len, (size_t)(eq - option - len));
        if (vector_options[i].registers &&
            (!parse_u64(number, &n) || n >= vector_options[i].registers))
            continue;
        *handled = true;
        if (!parse_wide_hex(option, eq + 1, value, vector_options[i].bytes))
            return false;
        memcpy(&v, value, 8);
        if (vector_options[i].bytes >= 16) /* --xmm, --ymm, --zmm */
            return set_vector(g, option, (unsigned)n, value, vector_options[i].bytes);
        if (strcmp(vector_options[i].prefix, "--k") == 0)
            return set_component_bytes(g, option, 5, 8 * (unsigned)n, value, 8);
        if (strcmp(vector_options[i].prefix, "--mm") == 0)
            set_mmx(g, (unsigned)n, v);
        else
            set_control(g, vector_options[i].prefix, v);
        return true;
    }
    return true;
}

/* Options that take a value; the value is argv[i + 1]. */
static const char *const valued_options[] = {
    "--bits",       "--bytes",  "--given-bytes", "--reg",        "--seg",
    "--rip",        "--rflags", "--cpl",         "--mem",        "--map",
    "--gpa",        "--gva",    "--port",        "--io-size",    "--in",
    "--exec-state", "--fail",   "--ram-page",    "--rep-budget", "--vendor",
};

static bool takes_value(const char *option)
{
    for (size_t i = 0; i < sizeof valued_options / sizeof valued_options[0]; i++)
        if (strcmp(option, valued_options[i]) == 0)
            return true;
    return false;
}

static bool parse_number_option(const char *option, const char *text, uint64_t max, uint64_t *value)
{
    if (!parse_u64(text, value) || *value > max) {
        fprintf(stderr, "whvemu: %s \"%s\": expected a number up to 0x%" PRIx64 "\n", option, text,
                max);
        return false;
    }
    return true;
}

/* One option with its value (NULL for flags). */
static bool apply_option(struct scenario *s, const char *option, const char *value)
{
    struct guest *g = &s->guest;
    uint64_t number;
    char assignment[160];

    bool vector;
    bool applied;

    if (strcmp(option, "--bits") == 0 || strcmp(option, "--compacted") == 0 ||
        strcmp(option, "--no-xstate") == 0)
        return true; /* handled before everything else */
    applied = vector_option(g, option, &vector);
    if (vector || !applied)
        return applied;
    if (strcmp(option, "--bytes") == 0) {
        s->byte_count = 0;
        return parse_hex_bytes(value, s->bytes, CONTEXT_BYTES, &s->byte_count);
    }
    if (strcmp(option, "--given-bytes") == 0) {
        if (!parse_number_option(option, value, CONTEXT_BYTES, &number))
            return false;
        s->given_bytes = (size_t)number;
        return true;
    }
    if (strcmp(option, "--reg") == 0 || strcmp(option, "--seg") == 0)
        return parse_register(g, s->bits, option, value);
    if (strcmp(option, "--rip") == 0 || strcmp(option, "--rflags") == 0) {
        snprintf(assignment, sizeof assignment, "%s=%s", option + 2, value);
        return parse_register(g, s->bits, option, assignment);
    }
    if (strcmp(option, "--cpl") == 0) {
        if (!parse_number_option(option, value, 3, &number))
            return false;
        vcpu_set_cpl(&g->vcpu, (unsigned)number);
        return true;
    }
    if (strcmp(option, "--mem") == 0)
        return parse_memory(g, value);
    if (strcmp(option, "--map") == 0)
        return parse_mapping(g, value);
    if (strcmp(option, "--gpa") == 0) {
        s->gpa_given = true;
        return parse_number_option(option, value, UINT64_MAX, &s->gpa);
    }
    if (strcmp(option, "--gva") == 0) {
        s->gva_given = true;
        return parse_number_option(option, value, UINT64_MAX, &s->gva);
    }
    if (strcmp(option, "--port") == 0) {
        s->port_given = true;
        if (!parse_number_option(option, value, 0xffff, &number))
            return false;
        s->port = (uint16_t)number;
        return true;
    }
    if (strcmp(option, "--io-size") == 0) {
        if (!parse_number_option(option, value, 4, &number) || number == 0 || number == 3) {
            fprintf(stderr, "whvemu: --io-size: expected 1, 2 or 4\n");
            return false;
        }
        s->io_size = (unsigned)number;
        return true;
    }
    if (strcmp(option, "--in") == 0)
        return parse_port_value(g, value);
    if (strcmp(option, "--exec-state") == 0) {
        s->exec_state_given = true;
        if (!parse_number_option(option, value, 0xffff, &number))
            return false;
        s->exec_state = (uint16_t)number;
        return true;
    }
    if (strcmp(option, "--fail") == 0)
        return parse_failure(g, value);
    if (strcmp(option, "--ram-page") == 0) {
        if (g->ram_page_count == GUEST_MAX_MAPPINGS) {
            fprintf(stderr, "whvemu: --ram-page: at most %d pages\n", GUEST_MAX_MAPPINGS);
            return false;
        }
        if (!parse_number_option(option, value, UINT64_MAX, &number))
            return false;
        g->ram_pages[g->ram_page_count++] = number & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
        return true;
    }
    if (strcmp(option, "--rep-budget") == 0) {
        s->rep_budget_given = true;
        return parse_number_option(option, value, UINT64_MAX, &s->rep_budget);
    }
    if (strcmp(option, "--vendor") == 0) {
        static const char *const vendors[] = { [WHVEMU_VENDOR_INTEL] = "intel",
                                               [WHVEMU_VENDOR_AMD] = "amd",
                                               [WHVEMU_VENDOR_HOST] = "host" };
        for (unsigned v = 0; v < sizeof vendors / sizeof vendors[0]; v++) {
            if (strcmp(value, vendors[v]) == 0) {
                s->vendor_given = true;
                s->vendor = (WHVEMU_VENDOR)v;
                return true;
            }
        }
        fprintf(stderr, "whvemu: --vendor %s: expected host, intel or amd\n", value);
        return false;
    }

    static const struct {
        const char *name;
        WHV_MEMORY_ACCESS_TYPE access;
    } accesses[] = {
        { "--read", WHvMemoryAccessRead },
        { "--write", WHvMemoryAccessWrite },
        { "--execute", WHvMemoryAccessExecute },
    };
    for (size_t i = 0; i < sizeof accesses / sizeof accesses[0]; i++) {
        if (strcmp(option, accesses[i].name) == 0) {
            s->access = accesses[i].access;
            s->access_given = true;
            return true;
        }
    }
    bool *flag = strcmp(option, "--io") == 0                     ? &s->io
                 : strcmp(option, "--compat") == 0               ? &s->compat
                 : strcmp(option, "--no-gva") == 0               ? &s->no_gva
                 : strcmp(option, "--gpa-unmapped") == 0         ? &s->gpa_unmapped
                 : strcmp(option, "--interruption-pending") == 0 ? &s->interruption_pending
                 : strcmp(option, "--interrupt-shadow") == 0     ? &s->interrupt_shadow
                                                                 : NULL;
    if (!flag) {
        fprintf(stderr, "whvemu: emulate: unknown option %s (see whvemu --help)\n", option);
        return false;
    }
    *flag = true;
    return true;
}

/* --bits and --compat first (the defaults depend on them), then every option in order. */
/* The vector state after reset that matters to the checks: FCW 037FH, MXCSR 1F80H (SDM vol. 3A
 * §10.1 Table 10-1), and XCR0 x87 | SSE | AVX (an OS that enabled AVX; --xcr0 changes it). */
static void set_vector_defaults(struct guest *g)
{
    vcpu_reg(&g->vcpu, WHvX64RegisterFpControlStatus)->FpControlStatus.FpControl = 0x037f;
    vcpu_reg(&g->vcpu, WHvX64RegisterXmmControlStatus)->XmmControlStatus.XmmStatusControl = 0x1f80;
    vcpu_reg(&g->vcpu, WHvX64RegisterXCr0)->Reg64 = 0x7;
}

static bool parse_scenario(struct scenario *s, int argc, char **argv)
{
    bool compacted = false, no_xstate = false;

    memset(s, 0, sizeof *s);
    guest_init(&s->guest);
    s->bits = 64;
    s->given_bytes = SIZE_MAX;
    for (int i = 0; i < argc; i++) {
        if (takes_value(argv[i]) && i + 1 == argc) {
            fprintf(stderr, "whvemu: %s needs a value\n", argv[i]);
            return false;
        }
        if (strcmp(argv[i], "--bits") == 0 && !parse_bits(argv[i + 1], &s->bits))
            return false;
        if (strcmp(argv[i], "--compat") == 0)
            s->compat = true;
        compacted |= strcmp(argv[i], "--compacted") == 0;
        no_xstate |= strcmp(argv[i], "--no-xstate") == 0;
        if (takes_value(argv[i]))
            i++;
    }
    vcpu_set_defaults(&s->guest.vcpu, s->bits == 16   ? VCPU_REAL16
                                      : s->bits == 64 ? VCPU_LONG64
                                      : s->compat     ? VCPU_COMPAT32
                                                      : VCPU_PROTECTED32);
    set_vector_defaults(&s->guest);
    /* the extension, as a VMM on this host would give it (none where there is no XSAVE) */
    if (!no_xstate && !guest_xstate_init(&s->guest, compacted) && compacted) {
        fprintf(stderr, "whvemu: --compacted: this host has no XSAVE layout\n");
        return false;
    }
    for (int i = 0; i < argc; i++) {
        const char *value = takes_value(argv[i]) ? argv[++i] : NULL;
        if (!apply_option(s, argv[i - (value != NULL)], value))
            return false;
    }
    if (s->byte_count == 0) {
        fprintf(stderr, "whvemu: emulate: --bytes is required\n");
        return false;
    }
    if (s->compat && s->bits != 32) {
        fprintf(stderr, "whvemu: emulate: --compat needs --bits 32\n");
        return false;
    }
    return true;
}

/* ---- defaults computed from the instruction text -------------------------------------- */

static uint64_t reg64(struct guest *g, WHV_REGISTER_NAME name)
{
    return vcpu_reg(&g->vcpu, name)->Reg64;
}

static const char *const gpr_names[3][16] = {
    { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12",
      "r13", "r14", "r15" },
    { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
      "r13d", "r14d", "r15d" },
    { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
      "r14w", "r15w" },
};

/* A general-purpose register named in an address: its number and width in bits. */
static bool address_register(const char *name, size_t length, unsigned *number, unsigned *width)
{
    static const unsigned widths[3] = { 64, 32, 16 };
    for (unsigned w = 0; w < 3; w++) {
        for (unsigned r = 0; r < 16; r++) {
            if (strlen(gpr_names[w][r]) == length && strncmp(name, gpr_names[w][r], length) == 0) {
                *number = r;
                *width = widths[w];
                return true;
            }
        }
    }
    return false;
}

static uint64_t width_mask(unsigned width)
{
    return width == 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1;
}

static const struct {
    const char *prefix;
    WHV_REGISTER_NAME name;
} segment_prefixes[] = {
    { "es:", WHvX64RegisterEs }, { "cs:", WHvX64RegisterCs }, { "ss:", WHvX64RegisterSs },
    { "ds:", WHvX64RegisterDs }, { "fs:", WHvX64RegisterFs }, { "gs:", WHvX64RegisterGs },
};

/* The linear address of the memory operand "[...]" at text (an optional "xs:" before the
 * bracket names the segment). Handles base + index*scale +/- displacement with 16-, 32-
 * and 64-bit registers, rip/eip-relative forms and absolute addresses. */
static bool evaluate_memory_operand(struct scenario *s, const char *text, const char *bracket,
                                    uint64_t next_rip, uint64_t *linear)
{
    struct guest *g = &s->guest;
    WHV_REGISTER_NAME segment = WHvX64RegisterDs;
    unsigned address_width = (unsigned)s->bits;
    uint64_t sum = 0;
    bool negative = false, register_seen = false;
    const char *p = bracket + 1;

    bool segment_named = false;
    for (size_t i = 0; i < sizeof segment_prefixes / sizeof segment_prefixes[0]; i++) {
        if (bracket - text >= 3 && strncmp(bracket - 3, segment_prefixes[i].prefix, 3) == 0) {
            segment = segment_prefixes[i].name;
            segment_named = true;
        }
    }

    while (*p && *p != ']') {
        while (*p == ' ')
            p++;
        if (*p == '+' || *p == '-') {
            negative = *p++ == '-';
            continue;
        }
        size_t length = strcspn(p, "+-*] ");
        uint64_t term;
        unsigned number, width;
        if (length == 0)
            return false;
        if (address_register(p, length, &number, &width)) {
            term = reg64(g, (WHV_REGISTER_NAME)(WHvX64RegisterRax + number)) & width_mask(width);
            address_width = width;
            if ((number == 4 || number == 5) && !segment_named && !register_seen)
                segment = WHvX64RegisterSs; /* rsp/rbp as base default to SS */
            register_seen = true;
        } else if ((length == 3 && strncmp(p, "rip", 3) == 0) ||
                   (length == 3 && strncmp(p, "eip", 3) == 0)) {
            term = next_rip;
            address_width = p[0] == 'r' ? 64 : 32;
        } else {
            char number_text[32];
            if (length >= sizeof number_text)
                return false;
            memcpy(number_text, p, length);
            number_text[length] = '\0';
            if (!parse_u64(number_text, &term))
                return false;
        }
        p += length;
        if (*p == '*') {
            size_t scale_length = strcspn(++p, "+-] ");
            uint64_t scale = scale_length == 1 ? (uint64_t)(*p - '0') : 0;
            if (scale != 1 && scale != 2 && scale != 4 && scale != 8)
                return false;
            term *= scale;
            p += scale_length;
        }
        sum = negative ? sum - term : sum + term;
        negative = false;
    }
    if (*p != ']')
        return false;
    *linear = vcpu_linear(&g->vcpu, segment, sum & width_mask(address_width));
    return true;
}

/* The mnemonic without REP/REPE/REPNE/LOCK prefixes, and whether a rep prefix was there. */
static const char *skip_prefix_words(const char *text, bool *rep)
{
    static const struct {
        const char *word;
        bool rep;
    } prefixes[] = {
        { "rep ", true },   { "repe ", true },  { "repz ", true },
        { "repne ", true }, { "repnz ", true }, { "lock ", false },
    };
    *rep = false;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i].word);
        if (strncmp(text, prefixes[i].word, n) == 0) {
            *rep = *rep || prefixes[i].rep;
            text += n;
            i = (size_t)-1; /* look again: "lock rep" and the like */
        }
    }
    return text;
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* String instructions may be printed without their implicit operands: ES:[rDI] is the
 * destination, DS:[rSI] the source. */
static bool string_operand_address(struct scenario *s, const char *mnemonic, uint64_t *linear)
{
    bool writes = s->access == WHvMemoryAccessWrite;
    bool uses_rdi = starts_with(mnemonic, "stos") || starts_with(mnemonic, "scas") ||
                    starts_with(mnemonic, "ins") ||
                    ((starts_with(mnemonic, "movs") || starts_with(mnemonic, "cmps")) && writes);
    bool uses_rsi = starts_with(mnemonic, "lods") || starts_with(mnemonic, "outs") ||
                    starts_with(mnemonic, "movs") || starts_with(mnemonic, "cmps");
    if (!uses_rdi && !uses_rsi)
        return false;
    struct guest *g = &s->guest;
    WHV_REGISTER_NAME segment = uses_rdi ? WHvX64RegisterEs : WHvX64RegisterDs;
    uint64_t offset =
        reg64(g, uses_rdi ? WHvX64RegisterRdi : WHvX64RegisterRsi) & width_mask((unsigned)s->bits);
    *linear = vcpu_linear(&g->vcpu, segment, offset);
    return true;
}

/* The GVA the exit reports: the written operand for a write (the first of two memory
 * operands in Intel order), the read one (the last) otherwise. */
static bool default_gva(struct scenario *s, const char *text, uint64_t next_rip, uint64_t *gva)
{
    bool rep;
    const char *mnemonic = skip_prefix_words(text, &rep);
    const char *first = strchr(text, '['), *last = strrchr(text, '[');
    if (!first)
        return string_operand_address(s, mnemonic, gva);
    return evaluate_memory_operand(s, text, s->access == WHvMemoryAccessWrite ? first : last,
                                   next_rip, gva);
}

/* Port, size and direction of IN/OUT/INS/OUTS from the instruction text. */
static bool default_io(struct scenario *s, const char *text, WHV_X64_IO_PORT_ACCESS_INFO *info,
                       uint16_t *port)
{
    bool rep;
    const char *mnemonic = skip_prefix_words(text, &rep);
    bool string = starts_with(mnemonic, "ins") || starts_with(mnemonic, "outs");
    bool out = starts_with(mnemonic, "out");
    if (!string && !starts_with(mnemonic, "in ") && !starts_with(mnemonic, "out "))
        return false;
    unsigned size = 0;
    size_t word = strcspn(mnemonic, " ");
    char suffix = mnemonic[word - 1];
    if (string && word == (out ? 5u : 4u))
        size = suffix == 'b' ? 1 : suffix == 'w' ? 2 : suffix == 'd' ? 4 : 0;
    if (strstr(text, "byte ptr") || strstr(text, " al"))
        size = size ? size : 1;
    if (strstr(text, "dword ptr") || strstr(text, " eax"))
        size = size ? size : 4;
    if (strstr(text, "word ptr") || strstr(text, " ax"))
        size = size ? size : 2;
    const char *operands = mnemonic + word;
    const char *number = strstr(operands, "0x");
    if (strstr(operands, "dx") || string || !number) {
        *port = (uint16_t)reg64(&s->guest, WHvX64RegisterRdx);
    } else {
        uint64_t value = strtoull(number, NULL, 16);
        *port = (uint16_t)value;
    }
    info->IsWrite = out;
    info->AccessSize = size;
    info->StringOp = string;
    info->RepPrefix = rep;
    return size != 0;
}

/* ---- running it ----------------------------------------------------------------------- */

static void print_status(WHV_EMULATOR_STATUS status)
{
    printf("status: 0x%08" PRIx32, (uint32_t)status.AsUINT32);
    for (unsigned bit = 0; bit < 32; bit++) {
        if (!(status.AsUINT32 >> bit & 1))
            continue;
        if (bit < STATUS_BIT_COUNT)
            printf(" %s", status_bit_names[bit]);
        else
            printf(" Reserved%u(!)", bit);
    }
    printf("%s\n", status.AsUINT32 ? "" : " (no bit set)");
}

static void print_hresult(HRESULT hr)
{
    const char *name = hr == S_OK ? "S_OK" : hr == E_INVALIDARG ? "E_INVALIDARG" : NULL;
    if (name)
        printf("result: %s\n", name);
    else
        printf("result: 0x%08" PRIx32 "\n", (uint32_t)hr);
}

/* The instruction bytes go into guest memory at CS:RIP, through the translation, so that
 * an emulator that fetches (too few bytes in the exit) finds them. */
static bool place_code(struct scenario *s)
{
    struct guest *g = &s->guest;
    uint64_t rip = reg64(g, WHvX64RegisterRip);
    for (size_t i = 0; i < s->byte_count; i++) {
        uint64_t linear = vcpu_linear(&g->vcpu, WHvX64RegisterCs, rip + i);
        uint64_t gpa_page;
        if (guest_translate(g, linear, &gpa_page) != WHvTranslateGvaResultSuccess)
            continue;
        uint64_t gpa =
            (gpa_page & ~(uint64_t)(GUEST_PAGE_SIZE - 1)) | (linear & (GUEST_PAGE_SIZE - 1));
        if (!guest_write(g, gpa, &s->bytes[i], 1))
            return false;
    }
    return true;
}

/* The hypervisor's view of the vCPU, with the execution-state options applied. */
static void build_vp_context(struct scenario *s, int length, WHV_VP_EXIT_CONTEXT *vp)
{
    vcpu_exit_context(&s->guest.vcpu, length > 0 ? (unsigned)length : 0, vp);
    vp->ExecutionState.InterruptionPending = s->interruption_pending;
    vp->ExecutionState.InterruptShadow = s->interrupt_shadow;
    if (s->exec_state_given)
        vp->ExecutionState.AsUINT16 = s->exec_state;
}

/* The MMIO exit's context, printed. */
static void build_mmio_exit(struct scenario *s, const WHV_VP_EXIT_CONTEXT *vp, const char *text,
                            size_t given, WHV_MEMORY_ACCESS_CONTEXT *mmio)
{
    *mmio = guest_mmio_access(s->bytes, (unsigned)given);
    mmio->AccessInfo.AccessType = s->access;
    mmio->AccessInfo.GpaUnmapped = s->gpa_unmapped;

    uint64_t gva = s->gva;
    bool gva_known =
        s->gva_given || default_gva(s, text, vp->Rip + (uint64_t)vp->InstructionLength, &gva);
    /* A hypervisor reports an MMIO exit only for a GVA it just translated: when the
     * guest's translation of that page fails, the exit cannot vouch for it. */
    uint64_t page = 0;
    bool translates =
        gva_known && guest_translate(&s->guest, gva, &page) == WHvTranslateGvaResultSuccess;
    if (gva_known)
        mmio->Gva = gva;
    mmio->AccessInfo.GvaValid = (s->gva_given || translates) && !s->no_gva;
    if (s->gpa_given)
        mmio->Gpa = s->gpa;
    else if (translates)
        mmio->Gpa = (page & ~(uint64_t)(GUEST_PAGE_SIZE - 1)) | (gva & (GUEST_PAGE_SIZE - 1));
    static const char *const access_names[] = { "read", "write", "execute" };
    printf("exit: mmio %s gpa=0x%" PRIx64, access_names[s->access], (uint64_t)mmio->Gpa);
    if (mmio->AccessInfo.GvaValid)
        printf(" gva=0x%" PRIx64, (uint64_t)mmio->Gva);
    else
        printf(" gva=(not valid)");
    printf("%s bytes_given=%zu\n", s->gpa_unmapped ? " gpa_unmapped" : "", given);
    if (!gva_known && !s->gpa_given)
        printf("note: no memory operand found in the text; give --gva/--gpa to set the exit's\n");
}

/* The port-I/O exit's context, printed; false when the port access cannot be told. */
static bool build_io_exit(struct scenario *s, const char *text, size_t given,
                          WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    struct guest *g = &s->guest;
    memset(io, 0, sizeof *io);
    io->InstructionByteCount = (UINT8)given;
    memcpy(io->InstructionBytes, s->bytes, given);
    uint16_t port = 0;
    bool known = default_io(s, text, &io->AccessInfo, &port);
    if (s->port_given)
        port = s->port;
    if (s->io_size)
        io->AccessInfo.AccessSize = s->io_size;
    if (s->access_given)
        io->AccessInfo.IsWrite = s->access == WHvMemoryAccessWrite;
    if (!known && !s->io_size) {
        fprintf(stderr, "whvemu: \"%s\" is not IN/OUT/INS/OUTS: give --port and --io-size\n", text);
        return false;
    }
    io->PortNumber = port;
    io->Rax = reg64(g, WHvX64RegisterRax);
    io->Rcx = reg64(g, WHvX64RegisterRcx);
    io->Rsi = reg64(g, WHvX64RegisterRsi);
    io->Rdi = reg64(g, WHvX64RegisterRdi);
    io->Ds = vcpu_reg(&g->vcpu, WHvX64RegisterDs)->Segment;
    io->Es = vcpu_reg(&g->vcpu, WHvX64RegisterEs)->Segment;
    printf("exit: io %s port=0x%" PRIx16 " size=%u%s%s bytes_given=%zu\n",
           io->AccessInfo.IsWrite ? "out" : "in", port, (unsigned)io->AccessInfo.AccessSize,
           io->AccessInfo.StringOp ? " string" : "", io->AccessInfo.RepPrefix ? " rep" : "", given);
    return true;
}

/* The whvemu.h options the command line asked for. */
static bool configure_extensions(const struct scenario *s, WHV_EMULATOR_HANDLE emulator)
{
    if (s->rep_budget_given &&
        whvemu_set_option(emulator, WHVEMU_OPTION_REP_BUDGET, s->rep_budget) != S_OK) {
        fprintf(stderr, "whvemu: --rep-budget %" PRIu64 " refused\n", s->rep_budget);
        return false;
    }
    if (s->vendor_given &&
        whvemu_set_option(emulator, WHVEMU_OPTION_VENDOR, (uint64_t)s->vendor) != S_OK) {
        fprintf(stderr, "whvemu: --vendor refused\n");
        return false;
    }
    if (s->guest.ram_page_count && whvemu_set_ram_callback(emulator, guest_ram_page) != S_OK) {
        fprintf(stderr, "whvemu: whvemu_set_ram_callback failed\n");
        return false;
    }
    if (guest_install_xstate(&s->guest, emulator) != S_OK) {
        fprintf(stderr, "whvemu: whvemu_set_xstate_callbacks failed\n");
        return false;
    }
    return true;
}

static int run_scenario(struct scenario *s)
{
    int length = whvemu_insn_length((unsigned)s->bits, s->bytes, s->byte_count);
    char text[FORMAT_SIZE] = "";
    size_t given = s->given_bytes < s->byte_count ? s->given_bytes : s->byte_count;

    printf("instruction: ");
    print_hex(stdout, s->bytes, s->byte_count);
    if (length > 0) {
        whvemu_format((unsigned)s->bits, s->bytes, (size_t)length, text, sizeof text);
        printf("  (%d byte%s, %d-bit)  %s\n", length, length == 1 ? "" : "s", s->bits, text);
    } else {
        printf("  (%d-bit)  %s\n", s->bits, length_problem(length));
    }
    if (!place_code(s)) {
        fprintf(stderr, "whvemu: out of memory\n");
        return EXIT_FAILED;
    }

    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT mmio;
    WHV_X64_IO_PORT_ACCESS_CONTEXT io;
    build_vp_context(s, length, &vp);
    if (!s->io)
        build_mmio_exit(s, &vp, text, given, &mmio);
    else if (!build_io_exit(s, text, given, &io))
        return EXIT_USAGE;

    WHV_EMULATOR_HANDLE emulator = NULL;
    HRESULT hr = WHvEmulatorCreateEmulator(&guest_callbacks, &emulator);
    if (FAILED(hr)) {
        printf("WHvEmulatorCreateEmulator failed: 0x%08" PRIx32 "\n", (uint32_t)hr);
        return EXIT_FAILED;
    }
    if (!configure_extensions(s, emulator)) {
        WHvEmulatorDestroyEmulator(emulator);
        return EXIT_FAILED;
    }
    WHV_EMULATOR_STATUS status;
    status.AsUINT32 = 0;
    guest_begin(&s->guest);
    s->guest.trace = stdout;
    printf("callbacks:\n");
    hr = s->io ? WHvEmulatorTryIoEmulation(emulator, &s->guest, &vp, &io, &status)
               : WHvEmulatorTryMmioEmulation(emulator, &s->guest, &vp, &mmio, &status);
    s->guest.trace = NULL;
    if (s->guest.callback_count == 0)
        printf("  (none)\n");
    WHvEmulatorDestroyEmulator(emulator);

    print_hresult(hr);
    if (FAILED(hr))
        return EXIT_FAILED;
    print_status(status);
    printf("changes:\n");
    guest_print_changes(&s->guest, stdout);
    return status.EmulationSuccessful ? EXIT_EMULATED : EXIT_NOT_EMULATED;
}

static int emulate_command(int argc, char **argv)
{
    struct scenario *s = malloc(sizeof *s);
    if (!s) {
        fprintf(stderr, "whvemu: out of memory\n");
        return EXIT_FAILED;
    }
    int result = parse_scenario(s, argc, argv) ? run_scenario(s) : EXIT_USAGE;
    guest_free(&s->guest);
    free(s);
    return result;
}

/* ---- demo ----------------------------------------------------------------------------- */

/* Typical exits a VMM sees, each as the emulate options that reproduce it. */
static const char *const demo_scenarios[][24] = {
    { "--bytes", "8b 03", "--reg", "rbx=0x10000", "--mem", "0x10000=78563412" },
    { "--bytes", "89 03", "--write", "--reg", "rax=0xdeadbeef", "--reg", "rbx=0x10000" },
    { "--bytes", "c6 05 f9 0f c1 ff 42", "--write" },
    { "--bytes", "0f b7 43 08", "--reg", "rbx=0x10000", "--mem", "0x10008=cdab" },
    { "--bytes", "a1 00 00 01 00 00 00 00 00", "--mem", "0x10000=efbeadde" },
    { "--bytes", "48 89 03", "--write", "--reg", "rax=0x1122334455667788", "--reg", "rbx=0x10ffc" },
    { "--bytes", "8b 03", "--given-bytes", "0", "--reg", "rbx=0x10000", "--mem",
      "0x10000=01000000" },
    { "--bytes", "8b 03", "--reg", "rbx=0x7fff0000", "--map", "0x7fff0000=0x10000", "--mem",
      "0x10000=2a000000" },
    { "--bytes", "48 89 03", "--write", "--reg", "rbx=0x10ffc", "--map", "0x11000=PageNotPresent" },
    { "--bytes", "f3 ab", "--write", "--reg", "rcx=4", "--reg", "rdi=0x10000", "--reg",
      "rax=0x11223344" },
    { "--bytes", "f3 a4", "--write", "--reg", "rcx=4", "--reg", "rsi=0x20000", "--reg",
      "rdi=0x10000", "--mem", "0x20000=01020304" },
    { "--bytes", "f3 a4", "--write", "--reg", "rcx=4", "--reg", "rsi=0x20000", "--reg",
      "rdi=0x10000", "--mem", "0x20000=01020304", "--ram-page", "0x20000" },
    { "--bytes", "ee", "--io", "--reg", "rdx=0x3f8", "--reg", "rax=0x41" },
    { "--bytes", "ec", "--io", "--reg", "rdx=0x60", "--in", "0x60=0x1c" },
    { "--bits", "16", "--bytes", "8a 07", "--seg", "ds=0x1000", "--reg", "rbx=0x10", "--mem",
      "0x10010=5a" },
    { "--bits", "32", "--bytes", "89 08", "--write", "--reg", "rax=0xfee000b0", "--reg", "rcx=0" },
};

/* Every scenario runs even if one is broken (a usage error), which fails the demo. */
static int demo_command(void)
{
    size_t count = sizeof demo_scenarios / sizeof demo_scenarios[0];
    int result = EXIT_EMULATED;
    for (size_t d = 0; d < count; d++) {
        char *argv[24];
        int argc = 0;
        printf("%s$ whvemu emulate", d ? "\n" : "");
        for (; argc < 24 && demo_scenarios[d][argc]; argc++) {
            argv[argc] = (char *)demo_scenarios[d][argc];
            printf(strchr(argv[argc], ' ') ? " \"%s\"" : " %s", argv[argc]);
        }
        printf("\n");
        fflush(stdout);
        if (emulate_command(argc, argv) == EXIT_USAGE)
            result = EXIT_USAGE;
        fflush(stdout);
    }
    return result;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 ||
        strcmp(command, "help") == 0) {
        fputs(usage_text, stdout);
        return EXIT_EMULATED;
    }
    if (strcmp(command, "--version") == 0) {
        printf("whvemu %s\n", whvemu_version());
        return EXIT_EMULATED;
    }
    if (strcmp(command, "decode") == 0)
        return decode_command(argc - 2, argv + 2);
    if (strcmp(command, "emulate") == 0)
        return emulate_command(argc - 2, argv + 2);
    if (strcmp(command, "demo") == 0 && argc == 2)
        return demo_command();
    fprintf(stderr, "whvemu: unknown command \"%s\"\n%s", command, usage_text);
    return EXIT_USAGE;
}
