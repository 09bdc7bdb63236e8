/* Vector-move exits for fuzz_emulate's three-way comparison (test_fastpath.c): the MMU's
 * fast path for a whole vector operand in the exit's page (mmu_read_vector,
 * mmu_write_vector) against the general path. Each exit is a SIMD move through [rbx] or
 * [rbx+disp8] in 64-bit code (mostly; compatibility mode sometimes), with random XMM and
 * general registers, CR0.TS/EM, CR4.OSFXSR/OSXSAVE and XCR0 varied, the extension absent or
 * in any of fuzz_emulate's modes, and the operand aligned, misaligned, at the page's end
 * (crossing it) or elsewhere. */
#include "vectors.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "emulate_input.h"
#include "guest_vcpu.h"
#include "input.h"
#include "rng.h"
#include "whvnames.h"

#define PAGE_SIZE 4096u
#define CR0_LONG 0x80010031u /* PG, WP, NE, ET, PE: vcpu_set_defaults' long mode */
#define CR0_EM 0x4u
#define CR0_TS 0x8u
#define CR4_PAE 0x20u
#define CR4_OSFXSR 0x200u
#define CR4_OSXSAVE 0x40000u

static uint64_t below(uint64_t n)
{
    return next_random() % n;
}

/* The moves, without ModRM: legacy SSE, MMX and VEX (128 and 256) loads and stores, EVEX
 * with and without an opmask (its aaa bits are set below), full and partial widths. */
static const struct {
    uint8_t bytes[5], length;
    bool store;
} moves[] = {
    { { 0xf3, 0x0f, 0x7f }, 3, true },              /* movdqu m128, xmm */
    { { 0xf3, 0x0f, 0x6f }, 3, false },             /* movdqu xmm, m128 */
    { { 0x0f, 0x11 }, 2, true },                    /* movups m128, xmm */
    { { 0x66, 0x0f, 0x7f }, 3, true },              /* movdqa m128, xmm (alignment #GP) */
    { { 0x0f, 0x28 }, 2, false },                   /* movaps xmm, m128 */
    { { 0x66, 0x0f, 0xd6 }, 3, true },              /* movq m64, xmm */
    { { 0x0f, 0x7f }, 2, true },                    /* movq m64, mm */
    { { 0xc5, 0xfe, 0x7f }, 3, true },              /* vmovdqu m256, ymm */
    { { 0xc5, 0xfe, 0x6f }, 3, false },             /* vmovdqu ymm, m256 */
    { { 0xc5, 0xfa, 0x7f }, 3, true },              /* vmovdqu m128, xmm */
    { { 0xc5, 0xfc, 0x29 }, 3, true },              /* vmovaps m256, ymm */
    { { 0x62, 0xf1, 0x7e, 0x48, 0x7f }, 5, true },  /* vmovdqu32 m512, zmm */
    { { 0x62, 0xf1, 0x7e, 0x28, 0x6f }, 5, false }, /* vmovdqu32 ymm, m256 */
    { { 0x62, 0xf1, 0x7f, 0x08, 0x7f }, 5, true },  /* vmovdqu8 m128, xmm */
};

/* The instruction: a move with ModRM [rbx] or [rbx+disp8], its register 0-3; an EVEX one
 * with an opmask sometimes. Its length; *store: whether it writes memory. */
static unsigned instruction(uint8_t out[16], bool *store)
{
    unsigned m = (unsigned)below(sizeof moves / sizeof moves[0]), n = moves[m].length;
    bool disp8 = below(2);

    memcpy(out, moves[m].bytes, n);
    *store = moves[m].store;
    if (out[0] == 0x62 && below(2))
        out[3] |= (uint8_t)below(8); /* aaa: k0 (none) to k7 */
    out[n++] = (uint8_t)((disp8 ? 0x40 : 0x00) | below(4) << 3 | 3);
    if (disp8)
        out[n++] = (uint8_t)next_random();
    return n;
}

/* The operand's address: in the exit's page, at its end (crossing it), misaligned or not. */
static uint64_t address(uint64_t page)
{
    switch (below(8)) {
    case 0: return page + PAGE_SIZE - 1 - below(64);
    case 1: return page + below(PAGE_SIZE);
    default: return page + (below(PAGE_SIZE / 64) * 64 + (below(2) ? 0 : below(64)));
    }
}

static void put_register(struct input *in, const char *name, uint64_t low, uint64_t high)
{
    put(in, (uint64_t)reg_index_of_text(name), 1);
    put(in, low, 8);
    put(in, high, 8);
}

static uint64_t control(uint64_t usual, uint64_t bits)
{
    return below(4) ? usual : usual ^ (next_random() & bits);
}

static void build_vector(struct input *in)
{
    static const char *const vectors[] = { "xmm0", "xmm1", "xmm2", "xmm3", "fpmmx0", "fpmmx1" };
    static const uint64_t xcr0s[] = { 0x7, 0x7, 0xe7, 0x3, 0x1, 0x5 };
    uint64_t page = (below(1u << 20) << 12) | (below(2) ? 0 : next_random() << 32 >> 16 << 12);
    uint8_t insn[16] = { 0 };
    bool store, compat = below(8) == 0;
    unsigned length = instruction(insn, &store);

    page &= compat ? 0xfffff000u : ~(uint64_t)0xfff;
    in->size = 0;
    put(in,
        (uint64_t)(compat ? VCPU_COMPAT32 : VCPU_LONG64) << FUZZ_FLAG_MODE_SHIFT |
            (below(2) ? FUZZ_FLAG_VENDOR_DEFAULT : 0),
        1);
    put(in, below(4) ? 0 : 1 + below(6), 2); /* fail_at */
    put(in, 0, 2);                           /* exec_state_xor */
    put(in, length, 1);                      /* length_cr8 */
    put(in, below(8) ? 16 : below(17), 1);   /* byte_count */
    for (unsigned i = 0; i < 16; i++)
        put(in, insn[i], 1);
    /* access_info: mostly the move's direction, with the GVA vouched for */
    put(in, below(8) ? 8u | store : next_random() & 9, 4);
    put(in, 0, 2);                                      /* port */
    put(in, page, 8);                                   /* gpa */
    put(in, page + below(PAGE_SIZE), 8);                /* gva */
    put(in, next_random() & 3, 1);                      /* options */
    put(in, 4 + sizeof vectors / sizeof vectors[0], 1); /* reg_count */
    put(in, below(4), 1);                               /* xstate: enum fuzz_xstate */
    put_register(in, "rbx", address(page), 0);
    put_register(in, "cr0", control(CR0_LONG, CR0_EM | CR0_TS), 0);
    put_register(in, "cr4", control(CR4_PAE | CR4_OSFXSR | CR4_OSXSAVE, CR4_OSFXSR | CR4_OSXSAVE),
                 0);
    put_register(in, "xcr0", xcr0s[below(sizeof xcr0s / sizeof xcr0s[0])], 0);
    for (unsigned r = 0; r < sizeof vectors / sizeof vectors[0]; r++)
        put_register(in, vectors[r], next_random(), next_random());
    while (in->size < INPUT_MAX)
        put(in, below(4) ? below(2) : next_random(), 1); /* the world's answers */
}

/* ---- the vector plans (exec/plan.h), directed ---- */

/* The legacy SSE moves a plan takes, the VEX.256 stores (and, last, three that step aside
 * when it is made: an index register makes five Gets, VEX.128 and VEX loads are not
 * planned), with ModRM [rbx] or [rip+0x10]. */
static const struct {
    uint8_t length;
    uint8_t bytes[9];
    bool store;
} plan_moves[] = {
    { 4, { 0xf3, 0x0f, 0x7f, 0x03 }, true },                 /* movdqu [rbx], xmm0 */
    { 4, { 0xf3, 0x0f, 0x6f, 0x0b }, false },                /* movdqu xmm1, [rbx] */
    { 4, { 0x66, 0x0f, 0x7f, 0x13 }, true },                 /* movdqa [rbx], xmm2 */
    { 4, { 0x66, 0x0f, 0x6f, 0x1b }, false },                /* movdqa xmm3, [rbx] */
    { 3, { 0x0f, 0x11, 0x03 }, true },                       /* movups [rbx], xmm0 */
    { 3, { 0x0f, 0x10, 0x0b }, false },                      /* movups xmm1, [rbx] */
    { 3, { 0x0f, 0x29, 0x13 }, true },                       /* movaps [rbx], xmm2 */
    { 3, { 0x0f, 0x28, 0x1b }, false },                      /* movaps xmm3, [rbx] */
    { 4, { 0x66, 0x0f, 0x11, 0x03 }, true },                 /* movupd [rbx], xmm0 */
    { 4, { 0x66, 0x0f, 0x10, 0x0b }, false },                /* movupd xmm1, [rbx] */
    { 4, { 0x66, 0x0f, 0x29, 0x13 }, true },                 /* movapd [rbx], xmm2 */
    { 4, { 0x66, 0x0f, 0x28, 0x1b }, false },                /* movapd xmm3, [rbx] */
    { 8, { 0x66, 0x0f, 0x6f, 0x05, 0x10, 0, 0, 0 }, false }, /* movdqa xmm0, [rip+0x10] */
    { 4, { 0xc5, 0xfe, 0x7f, 0x03 }, true },                 /* vmovdqu [rbx], ymm0 */
    { 4, { 0xc5, 0xfd, 0x7f, 0x13 }, true },                 /* vmovdqa [rbx], ymm2 */
    { 4, { 0xc5, 0xfc, 0x11, 0x0b }, true },                 /* vmovups [rbx], ymm1 */
    { 4, { 0xc5, 0xfc, 0x29, 0x1b }, true },                 /* vmovaps [rbx], ymm3 */
    { 4, { 0xc5, 0xfd, 0x11, 0x03 }, true },                 /* vmovupd [rbx], ymm0 */
    { 4, { 0xc5, 0xfd, 0x29, 0x0b }, true },                 /* vmovapd [rbx], ymm1 */
    { 8, { 0xc5, 0xfe, 0x7f, 0x05, 0x10, 0, 0, 0 }, true },  /* vmovdqu [rip+0x10], ymm0 */
    { 5, { 0xf3, 0x0f, 0x7f, 0x04, 0x33 }, true },           /* movdqu [rbx+rsi], xmm0 */
    { 4, { 0xc5, 0xfa, 0x7f, 0x03 }, true },                 /* vmovdqu [rbx], xmm0 */
    { 4, { 0xc5, 0xfe, 0x6f, 0x0b }, false },                /* vmovdqu ymm1, [rbx] */
};

/* What decides whether a plan runs: CR0.TS, CR0.EM, CR4.OSFXSR, CR4.OSXSAVE, XCR0 (SSE and
 * AVX state, AVX alone, SSE alone, with the AVX-512 components); where the operand lies
 * (aligned to 32, to 16 only, misaligned by 8 and by 3, across the page's end, in the next
 * page); TF, RF, an event being delivered. */
#define CR4_SIMD (CR4_PAE | CR4_OSFXSR | CR4_OSXSAVE)
static const struct {
    uint64_t cr0, cr4, xcr0;
} plan_states[] = {
    { CR0_LONG, CR4_SIMD, 0x7 },
    { CR0_LONG | CR0_TS, CR4_SIMD, 0x7 },
    { CR0_LONG | CR0_EM, CR4_SIMD, 0x7 },
    { CR0_LONG, CR4_PAE | CR4_OSXSAVE, 0x7 },
    { CR0_LONG, CR4_PAE | CR4_OSFXSR, 0x7 },
    { CR0_LONG, CR4_SIMD, 0x5 },
    { CR0_LONG, CR4_SIMD, 0x3 },
    { CR0_LONG, CR4_SIMD, 0xe7 },
};
static const uint32_t plan_offsets[] = { 0x100, 0x110, 0x108, 0x103, 0xff0, 0x1100 };
#define FL_TF 0x100u
#define FL_RF 0x10000u
#define INTERRUPTION_PENDING 0x40u /* WHV_X64_VP_EXECUTION_STATE */

/* One exit of move m with its operand at offset from the exit's page (GVA 0x7f0000, GPA
 * 0x100000), state `control`, `event` (rflags[] or an event being delivered), a callback
 * failing (fail_at), the vendor, profile, extension and exit direction varied by n. */
static void build_plan_exit(struct input *in, unsigned m, unsigned control, uint32_t offset,
                            unsigned event, unsigned fail_at, unsigned n)
{
    static const uint64_t rflags[] = { 0x2, 0x2 | FL_TF, 0x2 | FL_RF, 0x2 };
    const uint64_t page = 0x7f0000;
    bool store = plan_moves[m].store;
    /* the extension's mode and XSTATE_BV by a hash of n: n % 20 is the event and fail_at */
    uint64_t mix = n * 0x9e3779b97f4a7c15u >> 40;

    in->size = 0;
    put(in, (uint64_t)VCPU_LONG64 << FUZZ_FLAG_MODE_SHIFT | (n % 2 ? FUZZ_FLAG_VENDOR_DEFAULT : 0),
        1);
    put(in, fail_at, 2);                               /* none, or each callback */
    put(in, event == 3 ? INTERRUPTION_PENDING : 0, 2); /* exec_state_xor */
    put(in, plan_moves[m].length, 1);                  /* length_cr8 */
    put(in, 16, 1);                                    /* byte_count */
    for (unsigned i = 0; i < 16; i++)
        put(in, i < plan_moves[m].length ? plan_moves[m].bytes[i] : 0, 1);
    put(in, 8u | (n % 3 ? store : !store), 4); /* access_info: mostly its direction */
    put(in, 0, 2);                             /* port */
    put(in, 0x100000, 8);                      /* gpa */
    put(in, page + 0x100, 8);                  /* gva */
    put(in, n % 4 == 0 ? 1 : 0, 1);            /* options: the AMD profile */
    put(in, 11, 1);                            /* reg_count */
    put(in, mix % 4, 1);                       /* xstate: any */
    put_register(in, "rbx", page + offset, 0);
    put_register(in, "rsi", 0, 0);
    /* [rip+0x10] reaches the same operand */
    put_register(in, "rip", page + offset - 0x10 - plan_moves[m].length, 0);
    put_register(in, "rflags", rflags[event], 0);
    put_register(in, "cr0", plan_states[control].cr0, 0);
    put_register(in, "cr4", plan_states[control].cr4, 0);
    put_register(in, "xcr0", plan_states[control].xcr0, 0);
    for (unsigned r = 0; r < 4; r++)
        put_register(in, (const char *const[]){ "xmm0", "xmm1", "xmm2", "xmm3" }[r],
                     0x0011223344556677u * (m + r + 1), 0x8899aabbccddeeffu ^ offset ^ r);
    /* the world's answers: first a store's GetXstate's XSTATE_BV (YMM_Hi128 and XMM in
     * their init state or not, AVX-512 state, none) */
    put(in, (const uint64_t[]){ 0x7, 0x3, 0x5, 0x6, 0x0, 0xe7 }[mix / 4 % 6], 8);
    for (uint64_t k = 0; in->size < INPUT_MAX; k++)
        put(in, k * 0x9e3779b97f4a7c15u >> 56, 1);
}

void test_vector_plan_exits(void)
{
    struct input in;
    unsigned n = 0;

    for (unsigned m = 0; m < sizeof plan_moves / sizeof plan_moves[0]; m++)
        for (unsigned c = 0; c < sizeof plan_states / sizeof plan_states[0]; c++)
            for (unsigned o = 0; o < sizeof plan_offsets / sizeof plan_offsets[0]; o++)
                for (unsigned e = 0; e < 4; e++)
                    for (unsigned f = 0; f < 5; f++, n++) {
                        build_plan_exit(&in, m, c, plan_offsets[o], e, f, n);
                        LLVMFuzzerTestOneInput(in.bytes, in.size);
                    }
    printf("test_fastpath: %u directed vector-plan exits agreed\n", n);
}

void test_vector_exits(unsigned long count)
{
    struct input in;

    for (unsigned long i = 0; i < count; i++) {
        build_vector(&in);
        LLVMFuzzerTestOneInput(in.bytes, in.size);
    }
}
