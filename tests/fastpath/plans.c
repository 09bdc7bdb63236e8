/* The decode-cache plans (src/exec/plan.h), directed: which instructions get a plan of which
 * kind, and every plan's exit in each case that decides whether it runs - the CPU modes, TF,
 * RF, #AC, CPL against IOPL, an interrupt shadow, the access in, across or outside the exit's
 * page, a read or a write exit, a failing Get, access or Set callback, the three vendor
 * options, REP and operand-size prefixes on IN and OUT - through fuzz_emulate's three-way
 * comparison (general path, fast paths cold, decode cache warm). Random exits reach some of
 * these seldom; here each is reached on every run. First the decode cache's lookup itself:
 * the bytes past the exit's count, and the last hit tried first after its entry is refilled. */
#include "plans.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/regcache.h"
#include "emulate_input.h"
#include "exec/exec.h"
#include "exec/insn_cache.h"
#include "exec/plan.h"
#include "input.h"

#define PAGE 0x7f0000u /* the exit's page (GVA) */

/* ---- which plan an instruction gets ---- */

struct plan_row {
    enum cpu_mode mode;
    uint8_t length;
    uint8_t bytes[15];
    enum plan_kind kind;
};

static const struct plan_row plan_rows[] = {
    { MODE_64, 2, { 0x8b, 0x03 }, PLAN_LOAD },                   /* mov eax, [rbx] */
    { MODE_64, 2, { 0x8a, 0x23 }, PLAN_LOAD },                   /* mov ah, [rbx] */
    { MODE_64, 3, { 0x0f, 0xb6, 0x03 }, PLAN_LOAD },             /* movzx eax, byte [rbx] */
    { MODE_64, 5, { 0x48, 0x0f, 0xbf, 0x0c, 0x73 }, PLAN_LOAD }, /* movsx rcx, word [rbx+rsi*2] */
    { MODE_64, 3, { 0x48, 0x63, 0x03 }, PLAN_LOAD },             /* movsxd rax, dword [rbx] */
    { MODE_64, 3, { 0x66, 0x63, 0x03 }, PLAN_GENERAL },          /* movsxd ax, [rbx]: vendor's */
    { MODE_64, 6, { 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00 }, PLAN_LOAD },  /* mov eax, [rip+0x100] */
    { MODE_64, 3, { 0x64, 0x8b, 0x03 }, PLAN_GENERAL },                 /* mov eax, fs:[rbx] */
    { MODE_64, 2, { 0x8b, 0xc3 }, PLAN_GENERAL },                       /* mov eax, ebx */
    { MODE_64, 2, { 0x89, 0x03 }, PLAN_STORE },                         /* mov [rbx], eax */
    { MODE_64, 6, { 0xc7, 0x03, 0x78, 0x56, 0x34, 0x12 }, PLAN_STORE }, /* mov dword [rbx], imm */
    { MODE_64, 2, { 0x8c, 0x1b }, PLAN_GENERAL },                       /* mov [rbx], ds */
    { MODE_64, 2, { 0x01, 0x03 }, PLAN_ALU },                           /* add [rbx], eax */
    { MODE_64, 3, { 0x80, 0x3b, 0x7f }, PLAN_ALU },                     /* cmp byte [rbx], 0x7f */
    { MODE_64, 2, { 0x03, 0x03 }, PLAN_GENERAL },                       /* add eax, [rbx] */
    { MODE_64, 2, { 0xff, 0x03 }, PLAN_GENERAL },                       /* inc dword [rbx] */
    { MODE_32, 2, { 0x8b, 0x03 }, PLAN_GENERAL },                       /* mov eax, [ebx]: 32-bit */
    { MODE_64, 1, { 0xec }, PLAN_IN },                                  /* in al, dx */
    { MODE_16, 2, { 0xe5, 0x40 }, PLAN_IN },                            /* in ax, 0x40 */
    { MODE_32, 2, { 0xf3, 0xee }, PLAN_OUT },                           /* rep out dx, al */
    { MODE_64, 1, { 0x6c }, PLAN_GENERAL },                             /* insb */
    { MODE_64, 4, { 0xf3, 0x0f, 0x7f, 0x03 }, PLAN_VSTORE },            /* movdqu [rbx], xmm0 */
    { MODE_64, 5, { 0x66, 0x44, 0x0f, 0x6f, 0x0b }, PLAN_VLOAD },       /* movdqa xmm9, [rbx] */
    { MODE_64, 3, { 0x0f, 0x28, 0x1b }, PLAN_VLOAD },                   /* movaps xmm3, [rbx] */
    { MODE_64, 4, { 0x66, 0x0f, 0x11, 0x03 }, PLAN_VSTORE },            /* movupd [rbx], xmm0 */
    { MODE_64, 7, { 0x0f, 0x10, 0x05, 0x10, 0, 0, 0 }, PLAN_VLOAD }, /* movups xmm0, [rip+0x10] */
    { MODE_64, 5, { 0xf3, 0x0f, 0x7f, 0x04, 0x33 }, PLAN_GENERAL },  /* movdqu [rbx+rsi]: 5 Gets */
    { MODE_64, 5, { 0x64, 0xf3, 0x0f, 0x7f, 0x03 }, PLAN_GENERAL },  /* movdqu fs:[rbx], xmm0 */
    { MODE_64, 4, { 0x66, 0x0f, 0xd6, 0x03 }, PLAN_GENERAL },        /* movq [rbx], xmm0 */
    { MODE_64, 4, { 0x66, 0x0f, 0xe7, 0x03 }, PLAN_GENERAL },        /* movntdq [rbx], xmm0 */
    { MODE_64, 4, { 0xc5, 0xfa, 0x7f, 0x03 }, PLAN_GENERAL },        /* vmovdqu [rbx], xmm0 */
    { MODE_64, 4, { 0xc5, 0xfe, 0x7f, 0x03 }, PLAN_YSTORE },         /* vmovdqu [rbx], ymm0 */
    { MODE_64, 4, { 0xc5, 0xfd, 0x7f, 0x13 }, PLAN_YSTORE },         /* vmovdqa [rbx], ymm2 */
    { MODE_64, 4, { 0xc5, 0x7c, 0x11, 0x0b }, PLAN_YSTORE },         /* vmovups [rbx], ymm9 */
    { MODE_64, 4, { 0xc5, 0xfc, 0x29, 0x1b }, PLAN_YSTORE },         /* vmovaps [rbx], ymm3 */
    { MODE_64, 4, { 0xc5, 0xfd, 0x11, 0x03 }, PLAN_YSTORE },         /* vmovupd [rbx], ymm0 */
    { MODE_64, 4, { 0xc5, 0xfd, 0x29, 0x03 }, PLAN_YSTORE },         /* vmovapd [rbx], ymm0 */
    { MODE_64, 4, { 0xc5, 0xfe, 0x6f, 0x03 }, PLAN_GENERAL },        /* vmovdqu ymm0, [rbx] */
    { MODE_64, 5, { 0xc5, 0xfe, 0x7f, 0x04, 0x33 }, PLAN_GENERAL },  /* vmovdqu [rbx+rsi]: 5 Gets */
    { MODE_64, 4, { 0xc5, 0xfd, 0xe7, 0x03 }, PLAN_GENERAL },        /* vmovntdq [rbx], ymm0 */
    { MODE_64, 6, { 0x62, 0xf1, 0x7e, 0x28, 0x7f, 0x03 }, PLAN_GENERAL }, /* vmovdqu32 ymm */
    { MODE_32, 4, { 0xc5, 0xfe, 0x7f, 0x03 }, PLAN_GENERAL },             /* vmovdqu: 32-bit code */
    { MODE_32, 4, { 0xf3, 0x0f, 0x7f, 0x03 }, PLAN_GENERAL },             /* movdqu: 32-bit code */
};

/* The plan plan_make gives the instruction, with what exec.c derives from it. */
static enum plan_kind plan_of(const struct plan_row *row)
{
    struct vcpu cpu;
    struct insn in;
    struct operand ops[MAX_OPERANDS];
    struct plan plan;

    memset(&cpu, 0, sizeof cpu);
    cpu.code_mode = row->mode;
    CHECK(decode_insn_options(row->mode, 0, row->bytes, row->length, &in) == DECODE_OK);
    operands_describe(&in, ops);
    plan_make(&plan, &in, ops, REGSET(operands_regs(&cpu, &in) | exec_implicit_regs(&in)),
              row->mode);
    return (enum plan_kind)plan.kind;
}

static void check_plan_kinds(void)
{
    for (unsigned i = 0; i < sizeof plan_rows / sizeof plan_rows[0]; i++) {
        if (plan_of(&plan_rows[i]) != plan_rows[i].kind) {
            fprintf(stderr, "test_fastpath: plan row %u: kind %d, want %d\n", i,
                    plan_of(&plan_rows[i]), plan_rows[i].kind);
            abort();
        }
    }
}

/* ---- the decode cache's lookup ---- */

/* An exit that gave exactly `length` bytes of mov eax, [rbx] (8B 03) decoded in `mode`, filled
 * into cache as exec.c fills it. */
static void cache_fill(struct insn_cache *cache, enum cpu_mode mode)
{
    static const uint8_t bytes[2] = { 0x8b, 0x03 };
    struct vcpu cpu;
    struct operand ops[MAX_OPERANDS];

    memset(&cpu, 0, sizeof cpu);
    cpu.code_mode = mode;
    memcpy(cpu.bytes, bytes, sizeof bytes);
    CHECK(decode_insn_options(mode, 0, bytes, sizeof bytes, &cpu.insn) == DECODE_OK);
    operands_describe(&cpu.insn, ops);
    insn_cache_insert(cache, &cpu, 0, ops);
}

/* The entry insn_cache_find_exit finds for an exit's 16 bytes of which it gave `count`. */
static const struct insn_cache_entry *cache_find(struct insn_cache *cache, enum cpu_mode mode,
                                                 const uint8_t bytes[16], unsigned count)
{
    struct vcpu cpu;

    memset(&cpu, 0, sizeof cpu);
    cpu.insn_cache = cache;
    cpu.code_mode = mode;
    cpu.vendor = WHVEMU_VENDOR_INTEL; /* the options cache_fill decoded with */
    insn_cache_find_exit(&cpu, bytes, count);
    return cpu.cached;
}

static void check_cache_lookups(void)
{
    static struct insn_cache cache;
    /* 8B 03, then bytes the exit did not give (count 2): a lookup must not read them */
    const uint8_t exit_bytes[16] = { 0x8b, 0x03, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
                                     0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc };
    const struct insn_cache_entry *hit;

    insn_cache_clear(&cache);
    cache_fill(&cache, MODE_64);
    hit = cache_find(&cache, MODE_64, exit_bytes, 2);
    CHECK(hit && hit->length == 2 && hit->context == insn_cache_context(MODE_64, 0));
    CHECK(cache_find(&cache, MODE_64, exit_bytes, 16) == hit); /* the same set, a longer count */
    CHECK(cache_find(&cache, MODE_64, exit_bytes, 1) == NULL); /* the exit lacks a byte */
    CHECK(cache_find(&cache, MODE_32, exit_bytes, 2) == NULL); /* decoded in another mode */
    /* every way of the set refilled with the 32-bit decoding (the same bytes: the same set),
     * the last hit's entry among them: the 64-bit lookup must miss, not take the hint */
    hit = cache_find(&cache, MODE_64, exit_bytes, 2);
    for (unsigned w = 0; w < INSN_CACHE_WAYS; w++)
        cache_fill(&cache, MODE_32);
    CHECK(cache_find(&cache, MODE_64, exit_bytes, 2) == NULL);
    CHECK(cache_find(&cache, MODE_32, exit_bytes, 2) == hit); /* the entry, refilled */
}

/* ---- the directed exits ---- */

/* The MMIO instructions of 64-bit code (other modes decode them as what they are there). */
static const struct {
    uint8_t length;
    uint8_t bytes[15];
} memory_insns[] = {
    { 2, { 0x8b, 0x03 } },                         /* mov eax, [rbx] */
    { 2, { 0x89, 0x03 } },                         /* mov [rbx], eax */
    { 2, { 0x8a, 0x23 } },                         /* mov ah, [rbx] */
    { 3, { 0x66, 0x8b, 0x03 } },                   /* mov ax, [rbx] */
    { 4, { 0x48, 0x8b, 0x43, 0x08 } },             /* mov rax, [rbx+8] */
    { 3, { 0x0f, 0xb6, 0x03 } },                   /* movzx eax, byte [rbx] */
    { 5, { 0x48, 0x0f, 0xbf, 0x0c, 0x73 } },       /* movsx rcx, word [rbx+rsi*2] */
    { 3, { 0x48, 0x63, 0x03 } },                   /* movsxd rax, dword [rbx] */
    { 6, { 0xc7, 0x03, 0x78, 0x56, 0x34, 0x12 } }, /* mov dword [rbx], 0x12345678 */
    { 2, { 0x88, 0x3b } },                         /* mov [rbx], bh */
    { 6, { 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00 } }, /* mov eax, [rip+0x100] */
    { 9, { 0xa1, 0x10, 0x00, 0x7f } },             /* mov eax, [0x7f0010] (moffs64) */
    { 2, { 0x01, 0x03 } },                         /* add [rbx], eax */
    { 3, { 0x83, 0x2b, 0x05 } },                   /* sub dword [rbx], 5 */
    { 3, { 0x80, 0x3b, 0x7f } },                   /* cmp byte [rbx], 0x7f */
    { 2, { 0x85, 0x03 } },                         /* test [rbx], eax */
    { 3, { 0x48, 0x11, 0x03 } },                   /* adc [rbx], rax */
    { 3, { 0xf0, 0x01, 0x03 } },                   /* lock add [rbx], eax */
    { 3, { 0x67, 0x8b, 0x03 } },                   /* mov eax, [ebx] */
    { 4, { 0xf3, 0x0f, 0x7f, 0x03 } },             /* movdqu [rbx], xmm0 (CR4.OSFXSR clear) */
    { 3, { 0x0f, 0x28, 0x1b } },                   /* movaps xmm3, [rbx] */
};

static const uint8_t modes[] = { FUZZ_MODE_LONG64, FUZZ_MODE_COMPAT32, FUZZ_MODE_COMPAT16,
                                 FUZZ_MODE_PROT32, FUZZ_MODE_REAL,     FUZZ_MODE_V86 };
#define CPL3 (3u << FUZZ_SHAPE_CPL_SHIFT)
static const uint16_t flag_shapes[] = {
    0,
    FUZZ_SHAPE_TF,
    FUZZ_SHAPE_RF,
    FUZZ_SHAPE_ALIGNMENT_CHECK | CPL3,
    CPL3,
    CPL3 | 3u << FUZZ_SHAPE_IOPL_SHIFT,
    FUZZ_SHAPE_INTERRUPT_SHADOW,
};
/* where rBX (and every other GPR) points: in the exit's page, at its end, in the next one */
static const uint32_t placements[] = { PAGE + 0x100, PAGE + 0xffe, PAGE + 0x1100 };

/* One exit (emulate_input.h's layout): `insn` is the MMIO instruction's bytes, or for port
 * I/O the structured selector in its first byte. */
static void run_exit(bool io, const uint8_t insn[15], uint16_t shape, unsigned fail_at,
                     uint32_t access_info, uint64_t gpr, unsigned vendor)
{
    static const uint8_t options[] = { 0, FUZZ_OPTION_VENDOR_AMD };
    struct input in = { .size = 0 };

    put(&in,
        FUZZ_FLAG_STRUCTURED | (io ? FUZZ_FLAG_IO : 0) |
            (vendor == 2 ? FUZZ_FLAG_VENDOR_DEFAULT : 0),
        1);
    put(&in, fail_at, 2);
    put(&in, shape, 2);
    put(&in, 0, 1);  /* length_cr8 */
    put(&in, 16, 1); /* byte_count */
    for (unsigned i = 0; i < 16; i++)
        put(&in, i < 15 ? insn[i] : 0, 1);
    put(&in, access_info, 4);
    put(&in, io ? 0x3f8 : 0, 2); /* port; MMIO: RIP's page offset */
    put(&in, 0x100000, 8);       /* gpa */
    put(&in, PAGE + 0x100, 8);   /* gva */
    put(&in, options[vendor % 2], 1);
    put(&in, 16, 1); /* registers */
    put(&in, 0, 1);  /* xstate: none */
    for (unsigned r = 0; r < 16; r++) {
        put(&in, r, 1);
        put(&in, r == 0 ? 0x1122334455667788u : gpr, 8);
        put(&in, 0, 8);
    }
    for (uint64_t k = 0; in.size < INPUT_MAX; k++)
        put(&in, k * 0x9e3779b97f4a7c15u >> 56, 1); /* the world's answers */
    LLVMFuzzerTestOneInput(in.bytes, in.size);
}

/* Every MMIO instruction in every mode, flag shape and placement, with each callback failing
 * in turn, for a read and a write exit (and one whose GVA is not valid). */
static unsigned memory_exits(void)
{
    static const uint32_t access_infos[] = { 8, 9, 1 }; /* GvaValid | write */
    unsigned n = 0;

    for (unsigned i = 0; i < sizeof memory_insns / sizeof memory_insns[0]; i++)
        for (unsigned m = 0; m < sizeof modes; m++)
            for (unsigned f = 0; f < sizeof flag_shapes / sizeof flag_shapes[0]; f++)
                for (unsigned p = 0; p < 3; p++)
                    for (unsigned a = 0; a < 3; a++, n++)
                        run_exit(false, memory_insns[i].bytes,
                                 (uint16_t)(modes[m] | flag_shapes[f]), n % 4, access_infos[a],
                                 placements[p], n % 3);
    return n;
}

/* IN and OUT (imm8 and DX, byte and word or doubleword), with 66 and F3 prefixes, in every
 * mode and flag shape, each callback failing in turn. */
static unsigned port_exits(void)
{
    unsigned n = 0;

    for (unsigned form = 0; form < 8; form++)
        for (unsigned prefixes = 0; prefixes < 4; prefixes++)
            for (unsigned m = 0; m < sizeof modes; m++)
                for (unsigned f = 0; f < sizeof flag_shapes / sizeof flag_shapes[0]; f++) {
                    /* emulate_input.h: the form, then 66 (0x10) and F3 (0x40) */
                    uint8_t selector[15] = { (uint8_t)(form | (prefixes & 1) << 4 |
                                                       (prefixes & 2) << 5) };
                    for (unsigned fail_at = 0; fail_at < 3; fail_at++, n++)
                        run_exit(true, selector, (uint16_t)(modes[m] | flag_shapes[f]), fail_at, 0,
                                 0, n % 3);
                }
    return n;
}

void test_plans(void)
{
    unsigned memory, port;

    check_cache_lookups();
    check_plan_kinds();
    memory = memory_exits();
    port = port_exits();
    printf("test_fastpath: %zu plan rows, %u directed MMIO exits and %u port-I/O exits agreed\n",
           sizeof plan_rows / sizeof plan_rows[0], memory, port);
}
