/* String instructions that fault, against this CPU: REP MOVS/STOS/LODS/CMPS/SCAS walking
 * into a page that is not present after some iterations, and single ones that fault at
 * once. The source and the destination are in two areas with a guard page on each side
 * (inaccessible natively, not present in the guest), each operand at its own distance
 * from its guard, so that sometimes both operands of an element fault together.
 *
 * The CPU's fault, RCX/RSI/RDI/RAX and flags at the faulting element, and memory (the
 * completed iterations) must agree. When both operands fault, which one's fault is
 * reported is left open by the manuals (docs/strings-and-io.md): the fault of each operand
 * alone is measured on this CPU with LODS (the source), STOS or SCAS (the destination)
 * from the state at the faulting element, and the CPU's and whvemu's faults must each be
 * one of those. How often this CPU chose another operand than whvemu is counted. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "harness.h"
#include "native_run.h"
#include "rng.h"

#define PAGE 4096u
#define FAULT_AREA_PAGES 2
#define FAULT_AREA_SIZE (FAULT_AREA_PAGES * PAGE)
#define FAULT_CASES 3000u

/* [guard][area][guard], below 4 GiB so that 32-bit addressing reaches them */
static uint8_t *fault_areas[2];

struct fault_case {
    enum op op;
    unsigned size;
    uint8_t rep;
    bool down, addr32;
    uint64_t rflags; /* the arithmetic flags all clear or all set, DF by `down` */
    uint64_t count;
    uint64_t src, dst; /* linear addresses of the first elements */
};

struct tally {
    unsigned long faulted, both, different;
};
static struct tally tallies[OP_COUNT];

static bool has_source(enum op op)
{
    return op == OP_MOVS || op == OP_LODS || op == OP_CMPS;
}

static bool has_destination(enum op op)
{
    return op != OP_LODS;
}

static bool fault_areas_init(void)
{
    for (unsigned i = 0; i < 2; i++) {
        uint8_t *m = mmap(NULL, FAULT_AREA_SIZE + 2 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (m == MAP_FAILED || mprotect(m, PAGE, PROT_NONE) != 0 ||
            mprotect(m + PAGE + FAULT_AREA_SIZE, PAGE, PROT_NONE) != 0)
            return false;
        fault_areas[i] = m + PAGE;
    }
    return true;
}

/* The first element: `gap` whole elements (-1 to 5) before the guard the walk goes
 * towards, sometimes moved towards it by a skew that makes the last one straddle. */
static uint64_t element_near_guard(const uint8_t *area, const struct fault_case *c)
{
    int64_t gap = (int64_t)(next_random() % 7) - 1, size = c->size;
    int64_t skew = next_random() % 3 ? 0 : (int64_t)(next_random() % c->size);
    uint64_t base = (uint64_t)(uintptr_t)area;

    if (c->down)
        return base + (uint64_t)((gap - 1) * size - skew + size);
    return base + FAULT_AREA_SIZE - (uint64_t)(gap * size - skew);
}

/* Source zeros; destination zeros for REPE (equal elements go on), ones for REPNE; RAX 0:
 * every REP walks until its count ends or an element faults. */
static void fill_fault_areas(const struct fault_case *c)
{
    memset(fault_areas[0], 0, FAULT_AREA_SIZE);
    memset(fault_areas[1], c->rep == 0xf2 ? 1 : 0, FAULT_AREA_SIZE);
}

static void guest_setup(const struct fault_case *c)
{
    harness_reset(VCPU_LONG64);
    vcpu_set_cpl(&h.guest.vcpu, 3); /* the native run is at CPL 3: #PF has U set */
    for (unsigned i = 0; i < 2; i++) {
        uint64_t base = (uint64_t)(uintptr_t)fault_areas[i];
        CHECK(guest_write(&h.guest, base, fault_areas[i], FAULT_AREA_SIZE), "guest memory");
        h.guest.mappings[h.guest.mapping_count++] =
            (struct guest_mapping){ base - PAGE, 0, WHvTranslateGvaResultPageNotPresent };
        h.guest.mappings[h.guest.mapping_count++] =
            (struct guest_mapping){ base + FAULT_AREA_SIZE, 0,
                                    WHvTranslateGvaResultPageNotPresent };
    }
    set_reg64(WHvX64RegisterRax, 0);
    set_reg64(WHvX64RegisterRcx, c->count);
    set_reg64(WHvX64RegisterRsi, c->src);
    set_reg64(WHvX64RegisterRdi, c->dst);
    set_reg64(WHvX64RegisterRflags, c->rflags);
}

/* The fault of one element of `op` alone (no REP) at the registers given. */
static struct native_fault alone(enum op op, const struct fault_case *c, struct native_regs r)
{
    char bytes[8];
    struct native_fault f;
    native_string_run(bytes, string_encode(op, c->size, 0, c->addr32, bytes), &r, &f);
    return f;
}

static bool same_fault(const struct native_fault *a, const struct native_fault *b)
{
    return a->faulted == b->faulted && a->vector == b->vector && a->error == b->error &&
           a->cr2 == b->cr2;
}

/* The emulator's exception, as a native_fault. */
static struct native_fault emulated_fault(void)
{
    int error;
    int vector = pending_vector(&error);
    struct native_fault f = { vector >= 0, (uint8_t)vector, (uint32_t)error,
                              vector == 14 ? reg64(WHvX64RegisterCr2) : 0 };
    return f;
}

/* Compare a faulting case: the faults each operand raises alone, from the state at the
 * faulting element, must include the CPU's and whvemu's. */
static void check_fault(const struct fault_case *c, const struct native_regs *at,
                        const struct native_fault *native, const struct native_fault *emulated)
{
    struct native_fault source = { 0 }, destination = { 0 };
    struct tally *t = &tallies[c->op];
    bool differ = !same_fault(native, emulated);

    if (has_source(c->op))
        source = alone(OP_LODS, c, *at);
    if (has_destination(c->op))
        destination = alone(c->op == OP_MOVS || c->op == OP_STOS ? OP_STOS : OP_SCAS, c, *at);
    t->faulted++;
    t->both += source.faulted && destination.faulted && !same_fault(&source, &destination);
    t->different += differ;
    CHECK(same_fault(native, &source) || same_fault(native, &destination),
          "%s: the CPU's #%u CR2 0x%" PRIx64 " is neither operand's own", op_name[c->op],
          native->vector, native->cr2);
    CHECK(!differ || same_fault(emulated, &source) || same_fault(emulated, &destination),
          "%s: whvemu's #%u CR2 0x%" PRIx64 " is neither operand's own (the CPU's: #%u CR2 "
          "0x%" PRIx64 ")",
          op_name[c->op], emulated->vector, emulated->cr2, native->vector, native->cr2);
}

/* Both areas must hold in the guest what they hold natively. */
static void check_memory(const struct fault_case *c)
{
    uint8_t guest_mem[FAULT_AREA_SIZE];

    for (unsigned i = 0; i < 2; i++) {
        guest_read(&h.guest, (uint64_t)(uintptr_t)fault_areas[i], guest_mem, FAULT_AREA_SIZE);
        CHECK(memcmp(guest_mem, fault_areas[i], FAULT_AREA_SIZE) == 0, "%s: memory differs",
              op_name[c->op]);
    }
}

static void run_fault_case(const struct fault_case *c)
{
    struct native_regs nat = { 0, c->count, c->src, c->dst, c->rflags };
    struct native_fault native, emulated;
    char bytes[8];
    unsigned n = string_encode(c->op, c->size, c->rep, c->addr32, bytes);
    unsigned failed_before = check_failed;
    uint64_t rip;
    WHV_EMULATOR_STATUS st;

    fill_fault_areas(c);
    guest_setup(c);
    rip = reg64(WHvX64RegisterRip);
    native_string_run(bytes, n, &nat, &native);
    st = run_mmio(bytes, n);
    emulated = emulated_fault();
    CHECK(st.AsUINT32 == 1, "status 0x%x", (unsigned)st.AsUINT32);
    CHECK(native.faulted == emulated.faulted, "%s: CPU %s, whvemu %s", op_name[c->op],
          native.faulted ? "faulted" : "did not fault", emulated.faulted ? "faulted" : "not");
    CHECK_EQ(reg64(WHvX64RegisterRip), rip + (native.faulted ? 0 : n), "RIP");
    check_registers(&nat);
    check_memory(c);
    if (native.faulted && emulated.faulted)
        check_fault(c, &nat, &native, &emulated);
    if (check_failed != failed_before)
        fprintf(stderr,
                "  ^ fault case: %s%u rep=%02x df=%d a32=%d count=%" PRIu64 " rsi=0x%" PRIx64
                " rdi=0x%" PRIx64 "\n",
                op_name[c->op], c->size, c->rep, c->down, c->addr32, c->count, c->src, c->dst);
}

static struct fault_case random_fault_case(void)
{
    static const uint8_t reps[] = { 0, 0xf3, 0xf2 };
    struct fault_case c;

    memset(&c, 0, sizeof c);
    c.op = (enum op)(next_random() % OP_COUNT);
    c.size = 1u << (next_random() % 4);
    c.rep = reps[next_random() % 3];
    c.down = next_random() % 2;
    c.addr32 = next_random() % 2;
    c.rflags = 0x202 | (c.down ? FL_DF : 0) | (next_random() % 2 ? FL_ARITH : 0);
    c.count = 1 + next_random() % 10;
    c.src = element_near_guard(fault_areas[0], &c);
    c.dst = element_near_guard(fault_areas[1], &c);
    return c;
}

void run_fault_cases(void)
{
    unsigned long faulted = 0, both = 0, different = 0;

    if (!fault_areas_init()) {
        printf("no guarded areas below 4 GiB here: fault cases skipped\n");
        return;
    }
    for (unsigned i = 0; i < FAULT_CASES; i++) {
        struct fault_case c = random_fault_case();
        run_fault_case(&c);
    }
    for (unsigned op = 0; op < OP_COUNT; op++) {
        const struct tally *t = &tallies[op];
        printf("  %s: %lu faulted, %lu with both operands faulting, %lu with another's fault "
               "than whvemu's\n",
               op_name[op], t->faulted, t->both, t->different);
        faulted += t->faulted;
        both += t->both;
        different += t->different;
    }
    printf("%u fault cases, %lu faulted; fault order: %lu with both operands faulting, this "
           "CPU reported another's fault than whvemu in %lu\n",
           FAULT_CASES, faulted, both, different);
}
