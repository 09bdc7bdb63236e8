/* Differential tests of MOVS/STOS/LODS/CMPS/SCAS in 64-bit code: each case runs natively
 * on a host buffer and in the emulator on a guest whose memory holds the same bytes at the
 * same addresses (identity translation), with the same RAX/RCX/RSI/RDI/RFLAGS; the final
 * registers, arithmetic flags and memory must agree. Counts 0, 1 and many, both
 * directions, overlapping source and destination, every element size, no prefix, REP/REPE
 * and REPNE, 64- and 32-bit address size (buffers below 4 GiB for the latter, sometimes with
 * junk in the upper halves of RCX/RSI/RDI, which the CPU ignores and then clears). The
 * cases that fault, in the middle of a REP or at once, are native_faults.c's. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "harness.h"
#include "hostcpu.h"
#include "native_run.h"
#include "rng.h"

#define AREA_PAGES 4
#define AREA_SIZE (AREA_PAGES * 4096u)

static uint8_t *areas[2]; /* [0] anywhere, [1] below 4 GiB for 32-bit addressing */

/* Mostly zero bytes with a few others: equal elements are common, so REPE and REPNE both
 * run a while before they stop. */
static void fill_area(uint8_t *area)
{
    for (unsigned i = 0; i < AREA_SIZE; i++)
        area[i] = next_random() % 23 == 0 ? (uint8_t)(next_random() | 1) : 0;
}

struct case_desc {
    enum op op;
    unsigned size; /* 1, 2, 4, 8 */
    uint8_t rep;   /* 0, 0xf3, 0xf2 */
    bool down;
    bool addr32;
    bool upper_garbage; /* 32-bit addressing with junk in the upper halves of RCX/RSI/RDI */
    uint64_t count;
    unsigned src, dst; /* offsets in the area */
    uint64_t rax;
};

static unsigned cases_run, cases_failed;

static void run_case(const struct case_desc *c)
{
    uint8_t *area = areas[c->addr32];
    uint64_t base = (uint64_t)(uintptr_t)area;
    uint8_t before[AREA_SIZE], guest_mem[AREA_SIZE];
    struct native_regs nat;
    char bytes[8];
    unsigned n = string_encode(c->op, c->size, c->rep, c->addr32, bytes);
    struct native_fault fault;
    unsigned failed_before = check_failed;
    WHV_EMULATOR_STATUS st;
    uint64_t start_rip;

    fill_area(area);
    memcpy(before, area, AREA_SIZE);

    nat.rax = c->rax;
    nat.rcx = c->count;
    nat.rsi = base + c->src;
    nat.rdi = base + c->dst;
    if (c->upper_garbage) {
        nat.rcx |= UINT64_C(0xabcd) << 40;
        nat.rsi |= UINT64_C(0x1234) << 40;
        nat.rdi |= UINT64_C(0x5678) << 40;
    }
    nat.rflags = 0x202 | (c->down ? FL_DF : 0) | (next_random() & FL_ARITH);

    harness_reset(VCPU_LONG64);
    CHECK(guest_write(&h.guest, base, before, AREA_SIZE), "guest memory");
    set_reg64(WHvX64RegisterRax, nat.rax);
    set_reg64(WHvX64RegisterRcx, nat.rcx);
    set_reg64(WHvX64RegisterRsi, nat.rsi);
    set_reg64(WHvX64RegisterRdi, nat.rdi);
    set_reg64(WHvX64RegisterRflags, nat.rflags);
    start_rip = reg64(WHvX64RegisterRip);

    native_string_run(bytes, n, &nat, &fault);
    st = run_mmio(bytes, n);

    guest_read(&h.guest, base, guest_mem, AREA_SIZE);
    CHECK(!fault.faulted, "native fault #%u at 0x%" PRIx64, fault.vector, fault.cr2);
    CHECK(st.AsUINT32 == 1, "status 0x%x", (unsigned)st.AsUINT32);
    CHECK_EQ(reg64(WHvX64RegisterRip), start_rip + n, "RIP");
    check_registers(&nat);
    CHECK(memcmp(guest_mem, area, AREA_SIZE) == 0, "memory differs");
    cases_run++;
    if (check_failed != failed_before) {
        cases_failed++;
        fprintf(stderr,
                "  ^ case: %s%u rep=%02x df=%d a32=%d junk=%d count=%" PRIu64
                " src=%u dst=%u rax=%" PRIx64 "\n",
                op_name[c->op], c->size, c->rep, c->down, c->addr32, c->upper_garbage, c->count,
                c->src, c->dst, c->rax);
    }
}

/* Source/destination offsets that keep the elements inside the area, anywhere in it (so
 * page crossings happen), a third of the time overlapping: the destination one element
 * ahead of or behind the source. */
static void pick_offsets(struct case_desc *c)
{
    uint64_t count = c->count;
    unsigned span = (unsigned)((count ? count : 1) * c->size);
    unsigned room = AREA_SIZE - span - 32;
    unsigned src = 16 + (unsigned)(next_random() % room), dst;

    switch (next_random() % 6) {
    case 0: dst = src + c->size <= 16 + room ? src + c->size : src; break;
    case 1: dst = src - c->size >= 16 ? src - c->size : src; break;
    default: dst = 16 + (unsigned)(next_random() % room); break;
    }
    /* walking down, the first element is the highest one */
    c->src = c->down ? src + span - c->size : src;
    c->dst = c->down ? dst + span - c->size : dst;
}

int main(void)
{
    static const uint64_t counts[] = { 0, 1, 2, 7, 300, 1500 };
    static const uint8_t reps[] = { 0, 0xf3, 0xf2 };

    host_describe(stdout); /* baseline instructions only: nothing to skip for a feature */
    areas[0] = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    areas[1] = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (!native_string_init() || areas[0] == MAP_FAILED || areas[1] == MAP_FAILED) {
        fprintf(stderr, "mmap failed: cannot run native code here\n");
        return 77;
    }
    for (unsigned op = 0; op < OP_COUNT; op++)
        for (unsigned size = 1; size <= 8; size *= 2)
            for (unsigned r = 0; r < 3; r++)
                for (unsigned down = 0; down < 2; down++)
                    for (unsigned a32 = 0; a32 < 2; a32++)
                        for (unsigned k = 0; k < sizeof counts / sizeof counts[0]; k++)
                            for (unsigned rep_seed = 0; rep_seed < 3; rep_seed++) {
                                struct case_desc c;
                                memset(&c, 0, sizeof c);
                                c.op = (enum op)op;
                                c.size = size;
                                c.rep = reps[r];
                                c.down = down;
                                c.addr32 = a32;
                                /* without REP the count register is not used: any value */
                                c.count = reps[r] ? counts[k] : next_random() % 5;
                                if (c.count * size + 64 > AREA_SIZE)
                                    c.count = (AREA_SIZE - 64) / size / 2;
                                c.upper_garbage = a32 && rep_seed == 2;
                                c.rax = rep_seed == 0 ? 0 : next_random();
                                pick_offsets(&c);
                                run_case(&c);
                            }
    printf("%u native cases, %u differ\n", cases_run, cases_failed);
    run_fault_cases();
    host_skip_report(stdout);
    harness_reset(VCPU_LONG64);
    guest_free(&h.guest);
    return check_summary();
}
