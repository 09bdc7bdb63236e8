/* The x87 memory forms that run on the host (x87_host.c) against this CPU: every LOAD and
 * STORE form of x87_forms.def, in 64-, 32- and 16-bit code, from random states (special
 * values in the registers and the operand, every precision and rounding control, masked
 * and unmasked exceptions, pending ones). The instruction runs natively (tests/common's
 * runner) and through x87_execute; the state as XSAVE shows it, the memory, and the fault
 * (#MF) must agree. A second native run follows the instruction with FNSTENV, which stores
 * the pointers even where this CPU's XSAVE hides them (FSW.ES clear): the emulator's FNSTENV
 * of its state must store the same bytes.
 *
 *     test_x87_host [cases per form and mode]          default 200 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "exec/x87_env.h"
#include "exec/x87_host.h"
#include "hostcpu.h"
#include "rng.h"
#include "x87_case.h"

#define BUFFER_SIZE 0x4000u
#define ENV_DELTA 64u /* the FNSTENV image, after the operand */

static unsigned cases_per_form = 200;
static unsigned long compared, env_compared, mf_cases, unstored;

/* Linux runs user code with CR0.PE, MP and NE set, EM and TS clear. */
#define USER_CR0 (1u | X87_CR0_MP | X87_CR0_NE)

struct one_case {
    unsigned bits;
    const struct x87_form *form;
    uint8_t bytes[4];
    struct insn insn;
    uint32_t offset;
    struct fxsave_state in;
    uint8_t operand[10];
};

static enum cpu_mode mode_of(unsigned bits)
{
    return bits == 64 ? MODE_64 : bits == 32 ? MODE_32 : MODE_16;
}

static void make_case(struct one_case *c, unsigned bits, const struct x87_form *f)
{
    memset(c, 0, sizeof *c);
    c->bits = bits;
    c->form = f;
    c->bytes[0] = (uint8_t)(0xd8 + f->index / 8);
    c->bytes[1] = (uint8_t)((f->index % 8) << 3 | x87_rm_bx(bits));
    c->bytes[2] = 0xd9; /* FNSTENV [rSI], for the second run */
    c->bytes[3] = (uint8_t)(6 << 3 | x87_rm_si(bits));
    CHECK(decode_insn(mode_of(bits), c->bytes, 2, &c->insn) == DECODE_OK, "decode");
    c->offset = 0x100 + (uint32_t)(next_random() % 24);
    x87_random_state(&c->in);
    x87_random_operand(f, c->operand, f->size);
}

static void report(const struct one_case *c, const char *what)
{
    fprintf(stderr, "  %u-bit %02x %02x (%s): %s\n", c->bits, c->bytes[0], c->bytes[1],
            mnemonic_name(c->form->mnemonic), what);
    x87_print_bytes("operand", c->operand, c->form->size);
}

/* The emulator's run of the case: the outcome, the state, the operand's bytes after. */
static struct x87_outcome emulate(const struct one_case *c, struct fxsave_state *s,
                                  uint8_t memory[10])
{
    struct x87_request rq = { &c->insn, USER_CR0,
                              x87_native_site(c->bits, c->offset, x87_fop(&c->insn)),
                              *x87_test_profile() };
    uint8_t operand[10];
    struct x87_outcome o;

    *s = c->in;
    memcpy(operand, c->operand, sizeof operand);
    memcpy(memory, c->operand, sizeof operand);
    o = x87_execute(&rq, s, operand);
    if (o.written)
        memcpy(memory, operand, c->form->size);
    return o;
}

static bool same_fault(const struct one_case *c, const struct x87_outcome *o,
                       const struct native_result *r)
{
    bool mf = o->check == X87_MF;

    if (r->faulted == mf && (!mf || r->vector == 16))
        return true;
    report(c, "fault differs");
    fprintf(stderr, "    native %s vector %u, emulator check %d\n", r->faulted ? "faulted" : "ran",
            r->vector, (int)o->check);
    return false;
}

static void compare_state(const struct one_case *c)
{
    uint8_t *buffer = native_layout()->buffer + c->offset;
    uint8_t memory[10];
    struct fxsave_state emu;
    struct x87_native nat;
    struct x87_outcome o;

    memcpy(buffer, c->operand, c->form->size);
    x87_run_native(c->bits, c->bytes, 2, &c->in, c->offset, ENV_DELTA, &nat);
    o = emulate(c, &emu, memory);
    CHECK(!o.unsupported, "%s unsupported", mnemonic_name(c->form->mnemonic));
    if (!same_fault(c, &o, &nat.result)) {
        check_failed++;
        return;
    }
    x87_as_saved(&emu);
    compared++;
    mf_cases += o.check == X87_MF;
    unstored += c->form->kind == X87_STORE && o.check == X87_RUNS && !o.written;
    if (!x87_same_state(&emu, &nat.out) || memcmp(memory, buffer, c->form->size) != 0) {
        report(c, "state or memory differs");
        x87_print_differences("native", &nat.out, "emulator", &emu);
        x87_print_bytes("native memory", buffer, c->form->size);
        x87_print_bytes("emulator memory", memory, c->form->size);
        check_failed++;
        return;
    }
    check_passed++;
}

/* The instruction then FNSTENV [rSI]: the pointers the CPU keeps, whatever FSW.ES says. */
static void compare_environment(const struct one_case *c)
{
    struct x87_env_layout layout = { c->bits == 16, false };
    unsigned bytes = x87_env_bytes(layout);
    uint8_t *env = native_layout()->buffer + c->offset + ENV_DELTA, memory[10], emu_env[28];
    struct fxsave_state emu;
    struct x87_native nat;

    memcpy(native_layout()->buffer + c->offset, c->operand, c->form->size);
    x87_run_native(c->bits, c->bytes, 4, &c->in, c->offset, ENV_DELTA, &nat);
    if (emulate(c, &emu, memory).check != X87_RUNS || nat.result.faulted)
        return;
    x87_fnstenv(&emu, layout, emu_env);
    env_compared++;
    if (memcmp(emu_env, env, bytes) != 0) {
        report(c, "FNSTENV after it differs");
        x87_print_bytes("native", env, bytes);
        x87_print_bytes("emulator", emu_env, bytes);
        check_failed++;
        return;
    }
    check_passed++;
}

static void run_mode(unsigned bits)
{
    unsigned long before = compared;

    if (!native_mode_available(bits)) {
        host_skip_for("no code of this size can run here", 1);
        return;
    }
    for (unsigned index = 0; index < 64; index++) {
        const struct x87_form *f = x87_form_at((uint8_t)(0xd8 + index / 8), index % 8);
        struct one_case c;

        if (!f || (f->kind != X87_LOAD && f->kind != X87_STORE))
            continue;
        if (f->needs_sse3 && !host_runs(HF_sse3)) {
            host_skip(HF_sse3, cases_per_form - 1);
            continue;
        }
        for (unsigned n = 0; n < cases_per_form; n++) {
            make_case(&c, bits, f);
            compare_state(&c);
            compare_environment(&c);
        }
    }
    printf("%u-bit code: %lu cases compared with the CPU\n", bits, compared - before);
}

TEST(host_forms_against_the_cpu)
{
    CHECK(x87_host_stubs_compiled(), "this build has no x87 stubs");
    run_mode(64);
    run_mode(32);
    run_mode(16);
    printf("x87 host forms: %lu states compared (%lu took #MF, %lu stores stopped by an "
           "unmasked exception), %lu FNSTENV images compared\n",
           compared, mf_cases, unstored, env_compared);
    CHECK(mf_cases > 0 && unstored > 0, "the random states reach #MF and stopped stores");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cases_per_form = (unsigned)strtoul(argv[1], NULL, 0);
    if (!native_init(BUFFER_SIZE))
        return 2;
    rng_seed(0x87);
    host_describe(stdout);
    check_run_tests();
    host_skip_report(stdout);
    return check_summary();
}
