/* The fast paths against the general path on random exits. Each input goes through
 * fuzz_emulate (fuzz/fuzz_emulate.c), which checks the API's promises and runs the exit on
 * an emulator with the fast paths on (its decode cache empty), one with them off, and the
 * first again (its decode cache now holding the instruction): callbacks, answers, registers,
 * RAM and status must agree, or it aborts naming the broken check.
 *
 * Random bytes alone seldom reach a fast path, so the inputs are built for it: exits a
 * hypervisor could report (fuzz_emulate's structured mode) in every CPU mode, mostly
 * 64-bit; an instruction from the opcodes that address memory, with random prefixes,
 * ModRM, SIB and the rest; the general registers near the exit's page, so that most
 * accesses fall in it, some across its edges; every byte given, or fewer (then fetched).
 * Some exits are at page 0, where the registers are small, so that an address summed from
 * several of them still falls in the exit's page: the decode-cache plans' path to its end
 * (exec/plan.h); port-I/O exits are IN, OUT, INS and OUTS, with or without REP.
 *
 * First the directed exits of the decode-cache plans (plans.c), then SIMD-move exits
 * (vectors.c: the MMU's vector fast path), a tenth as many as the others.
 *
 *   test_fastpath [inputs [seed]]      default 100000 inputs, seed from the clock */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emulate_input.h"
#include "input.h"
#include "plans.h"
#include "vectors.h"
#include "rng.h"

#define PAGE_SIZE 4096u

static uint64_t below(uint64_t n)
{
    return next_random() % n;
}

/* Opcodes (the one-byte map, and 0F xx as 0x0fxx) whose forms address memory: moves, ALU,
 * shifts, MOVZX/MOVSX, bit tests, XCHG/XADD/CMPXCHG, moffs and the string instructions. */
static const uint16_t opcodes[] = {
    0x88,   0x89,   0x8a,   0x8b,   0x8c,   0xc6,   0xc7,   0x00,   0x01,   0x03,   0x09,
    0x0b,   0x11,   0x19,   0x21,   0x23,   0x29,   0x2b,   0x31,   0x33,   0x38,   0x39,
    0x3b,   0x63,   0x80,   0x81,   0x83,   0x84,   0x85,   0x86,   0x87,   0xd0,   0xd1,
    0xd3,   0xc0,   0xc1,   0xf6,   0xf7,   0xfe,   0xff,   0xa0,   0xa1,   0xa2,   0xa3,
    0xa4,   0xa5,   0xa6,   0xa7,   0xaa,   0xab,   0xac,   0xad,   0xae,   0xaf,   0x0fb6,
    0x0fb7, 0x0fbe, 0x0fbf, 0x0fa3, 0x0fab, 0x0fb0, 0x0fb1, 0x0fc1, 0x0fc3, 0x0f40, 0x0f94,
};
static const uint8_t prefixes[] = {
    0x66, 0x67, 0xf3, 0xf2, 0xf0, 0x2e, 0x3e, 0x26, 0x64, 0x65, 0x36
};

/* The instruction: none or up to three prefixes, maybe a REX, an opcode, then random bytes (ModRM
 * with a memory form three times in four, SIB, displacement, immediate). */
static void instruction(uint8_t out[16])
{
    unsigned n = 0, opcode = opcodes[below(sizeof opcodes / sizeof opcodes[0])];

    for (uint64_t i = below(2) ? 0 : 1 + below(3); i > 0; i--)
        out[n++] = prefixes[below(sizeof prefixes)];
    if (below(3) == 0)
        out[n++] = (uint8_t)(0x40 | below(16));
    if (opcode > 0xff)
        out[n++] = 0x0f;
    out[n++] = (uint8_t)opcode;
    out[n] = (uint8_t)next_random();
    if (below(4) != 0)
        out[n] &= 0xbf; /* mod 0 or 2 */
    for (n++; n < 16; n++)
        out[n] = (uint8_t)(below(2) ? 0 : below(3) ? below(16) : next_random()); /* small disp. */
}

/* Shape (emulate_input.h): a mode, mostly 64-bit; CPL 0 or 3; sometimes alignment checks,
 * TF, RF, DF and an interrupt shadow. */
static uint64_t shape(void)
{
    uint64_t mode = below(3) ? FUZZ_MODE_LONG64 : below(8);
    uint64_t s = mode | (below(4) ? 0 : 3u << FUZZ_SHAPE_CPL_SHIFT);

    s |= below(8) ? 0 : FUZZ_SHAPE_ALIGNMENT_CHECK;
    s |= below(16) ? 0 : FUZZ_SHAPE_TF;
    s |= below(16) ? 0 : FUZZ_SHAPE_RF;
    s |= below(8) ? 0 : FUZZ_SHAPE_DF;
    s |= below(16) ? 0 : FUZZ_SHAPE_INTERRUPT_SHADOW;
    return s | (below(2) << FUZZ_SHAPE_IOPL_SHIFT);
}

/* A value of a general register: in or near the exit's page mostly, anything sometimes. */
static uint64_t near(uint64_t page)
{
    switch (below(16)) {
    case 0: return next_random();
    case 1: return page + PAGE_SIZE - below(16); /* at the page's end */
    case 2: return below(4);                     /* small: an index */
    default: return page + below(PAGE_SIZE);
    }
}

static void build(struct input *in)
{
    uint64_t page = (below(2) ? next_random() : below(1u << 20) << 12) & ~(uint64_t)0xfff;
    uint8_t insn[16];
    unsigned regs = 16 + (unsigned)below(4);

    if (below(2))
        page &= 0xffffffffu; /* addresses 32- and 16-bit code can reach */
    if (below(8) == 0)
        page = 0; /* small registers: sums of them stay in the page */
    instruction(insn);
    in->size = 0;
    put(in,
        FUZZ_FLAG_STRUCTURED | (below(4) ? 0 : FUZZ_FLAG_IO) |
            (below(16) ? 0 : FUZZ_FLAG_DESTROY_IN_CALLBACK) |
            (below(2) ? FUZZ_FLAG_VENDOR_DEFAULT : 0),
        1);
    put(in, below(4) ? 0 : 1 + below(6), 2); /* fail_at */
    put(in, shape(), 2);
    put(in, 0, 1);                         /* length_cr8 */
    put(in, below(4) ? 16 : below(17), 1); /* byte_count */
    for (unsigned i = 0; i < 16; i++)
        put(in, insn[i], 1);
    /* access_info: mostly a read or write whose GVA the exit vouches for */
    put(in, below(4) ? 8 | below(2) : next_random(), 4);
    put(in, next_random(), 2); /* port; MMIO: RIP's page offset */
    put(in, below(2) ? page : next_random() & ~(uint64_t)0xfff, 8); /* gpa */
    put(in, page + below(PAGE_SIZE), 8);                            /* gva */
    /* options: vendor, RAM callback, a REP budget of 0 (the default) to 7 */
    put(in, (next_random() & 3) | below(8) << FUZZ_OPTION_REP_BUDGET_SHIFT, 1);
    put(in, regs, 1);
    put(in, below(4), 1); /* xstate: enum fuzz_xstate (the header's last field) */
    for (unsigned r = 0; r < regs; r++) {
        put(in, r < 16 ? r : 16 + below(2), 1); /* GPRs, then segments or flags */
        put(in, r < 16 ? near(page) : next_random(), 8);
        put(in, next_random(), 8);
    }
    while (in->size < INPUT_MAX)
        put(in, below(4) ? below(2) : next_random(), 1); /* the world's answers */
}

int main(int argc, char **argv)
{
    unsigned long inputs = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : (uint64_t)time(NULL);
    struct input in;

    rng_seed(seed);
    printf("test_fastpath: %lu random exits, seed %llu (rerun: test_fastpath %lu %llu)\n", inputs,
           (unsigned long long)seed, inputs, (unsigned long long)seed);
    fflush(stdout);
    test_plans();
    test_vector_plan_exits();
    test_vector_exits(inputs / 10);
    for (unsigned long i = 0; i < inputs; i++) {
        build(&in);
        LLVMFuzzerTestOneInput(in.bytes, in.size);
    }
    printf("test_fastpath: every exit agreed on every path\n");
    return 0;
}
