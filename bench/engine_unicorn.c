/* Unicorn 2 as an instruction emulator for a VMM: one engine per case, reused for every
 * exit, the guest's RAM mapped with uc_mem_map_ptr, the device as uc_mmio_map callbacks
 * over the same device model as the WHv guest's, the port as IN/OUT instruction hooks
 * (added only where the case does port I/O).
 *
 * How a run ends decides whether Unicorn reuses its translation (docs/bench.md): with
 * `until` at the end of the instruction, uc_emu_start invalidates the translated block
 * holding that address when it returns (it generated exit code there), so every call
 * translates again (callgrind: one tb_gen_code per call). The two fast modes put `until`
 * where the guest never goes and stop either with count = 1 (not for a REP instruction,
 * whose every iteration counts as one) or at a HLT after the instruction: the block is
 * translated once and reused (callgrind: no tb_gen_code per call). Neither is the faster
 * for every instruction (count = 1 for loads and port I/O, the HLT for stores, on Zen 4),
 * so the bench times both and takes the faster as Unicorn's time. A third candidate, Unicorn
 * 2's exits control (uc_ctl_exits_enable, then uc_ctl_set_exits once with the end of the
 * instruction), needs neither a count hook nor a HLT, but when a run returns Unicorn 2.0.1
 * invalidates the block before every exit, here the instruction's own, so it translates
 * again on every call like `until` (callgrind: one tb_gen_code per call, two for REP). It
 * is timed all the same, as a candidate, so that the table shows this rather than a claim
 * (docs/bench.md, part 10). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicorn/unicorn.h>

#include "engines.h"

#define HLT 0xf4
#define NEVER_REACHED 0 /* `until` of the fastest mode: invalidating it touches no code */

struct unicorn_engine {
    const struct bench_case *c;
    int mode;
    uc_engine *uc;
    uint8_t *ram;
    struct devices devices;
    uc_err err;
};

/* The registers an instruction of the bench changes, copied in before and out after each
 * run, as a VMM must; RBX, RDX and XMM0 are only read and stay in the engine. */
static int changed_regs[] = { UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RSI, UC_X86_REG_RDI,
                              UC_X86_REG_RIP };
#define CHANGED_IN 4 /* RIP is set by uc_emu_start */
#define CHANGED_OUT 5

static uint64_t device_read(uc_engine *uc, uint64_t offset, unsigned size, void *user)
{
    struct unicorn_engine *e = user;
    (void)uc;
    return devices_mmio_read(&e->devices, offset, size);
}

static void device_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *user)
{
    struct unicorn_engine *e = user;
    (void)uc;
    devices_mmio_write(&e->devices, offset, size, value);
}

static void port_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *user)
{
    struct unicorn_engine *e = user;
    (void)uc, (void)port, (void)size;
    devices_port_out(&e->devices, (uint8_t)value);
}

static uint32_t port_in(uc_engine *uc, uint32_t port, int size, void *user)
{
    (void)uc, (void)port, (void)size, (void)user;
    return PORT_IN_VALUE;
}

static bool add_port_hooks(struct unicorn_engine *e)
{
    uc_hook out_hook, in_hook;
    return uc_hook_add(e->uc, &out_hook, UC_HOOK_INSN, (void *)port_out, e, 1, 0, UC_X86_INS_OUT) ==
               UC_ERR_OK &&
           uc_hook_add(e->uc, &in_hook, UC_HOOK_INSN, (void *)port_in, e, 1, 0, UC_X86_INS_IN) ==
               UC_ERR_OK;
}

/* The registers the case reads, written once. */
static bool write_inputs(struct unicorn_engine *e)
{
    uint64_t rbx = e->c->rbx, rdx = BENCH_PORT, rflags = 0x2;
    return uc_reg_write(e->uc, UC_X86_REG_RBX, &rbx) == UC_ERR_OK &&
           uc_reg_write(e->uc, UC_X86_REG_RDX, &rdx) == UC_ERR_OK &&
           uc_reg_write(e->uc, UC_X86_REG_RFLAGS, &rflags) == UC_ERR_OK &&
           uc_reg_write(e->uc, UC_X86_REG_XMM0, bench_ymm0) == UC_ERR_OK;
}

/* The run stops where the instruction ends, set once for every run: a REP instruction
 * jumps back to its own start until RCX is 0, so it reaches the exit only when done. */
static bool set_exit(struct unicorn_engine *e)
{
    uint64_t exit = CODE_ADDRESS + e->c->length;
    return (e->err = uc_ctl_exits_enable(e->uc)) == UC_ERR_OK &&
           (e->err = uc_ctl_set_exits(e->uc, &exit, 1)) == UC_ERR_OK;
}

static bool unicorn_setup(void *engine, const struct bench_case *c, int mode)
{
    struct unicorn_engine *e = engine;
    e->c = c;
    e->mode = mode;
    e->ram = page_aligned_zalloc(RAM_SIZE);
    if (!e->ram || (e->err = uc_open(UC_ARCH_X86, UC_MODE_64, &e->uc)) != UC_ERR_OK)
        return false;
    devices_fill(&e->devices, e->ram);
    memcpy(e->ram + CODE_ADDRESS, c->bytes, c->length);
    e->ram[CODE_ADDRESS + c->length] = HLT;
    return uc_mem_map_ptr(e->uc, 0, RAM_SIZE, UC_PROT_ALL, e->ram) == UC_ERR_OK &&
           uc_mmio_map(e->uc, MMIO_BASE, MMIO_SIZE, device_read, e, device_write, e) == UC_ERR_OK &&
           (!c->floor_io || add_port_hooks(e)) && write_inputs(e) &&
           (mode != UNICORN_EXITS || set_exit(e));
}

/* count = 1 stops a REP instruction after its first iteration. */
static bool count_applies(const struct bench_case *c)
{
    return !c->rep;
}

static bool unicorn_step(void *engine)
{
    struct unicorn_engine *e = engine;
    uint64_t in[CHANGED_IN] = { e->c->rax, e->c->rcx, e->c->rsi, e->c->rdi }, out[CHANGED_OUT];
    void *const in_pointers[CHANGED_IN] = { &in[0], &in[1], &in[2], &in[3] };
    void *out_pointers[CHANGED_OUT] = { &out[0], &out[1], &out[2], &out[3], &out[4] };
    /* ignored in the exits mode */
    uint64_t until = e->mode == UNICORN_END_ADDRESS ? CODE_ADDRESS + e->c->length : NEVER_REACHED;
    e->err = uc_reg_write_batch(e->uc, changed_regs, in_pointers, CHANGED_IN);
    if (e->err == UC_ERR_OK)
        e->err = uc_emu_start(e->uc, CODE_ADDRESS, until, 0, e->mode == UNICORN_COUNT ? 1 : 0);
    if (e->err == UC_ERR_OK)
        e->err = uc_reg_read_batch(e->uc, changed_regs, out_pointers, CHANGED_OUT);
    return e->err == UC_ERR_OK;
}

static uint64_t read_reg(struct unicorn_engine *e, int reg)
{
    uint64_t value = 0;
    uc_reg_read(e->uc, reg, &value);
    return value;
}

static void unicorn_outcome(void *engine, struct outcome *o)
{
    struct unicorn_engine *e = engine;
    o->rax = read_reg(e, UC_X86_REG_RAX);
    o->rcx = read_reg(e, UC_X86_REG_RCX);
    o->rsi = read_reg(e, UC_X86_REG_RSI);
    o->rdi = read_reg(e, UC_X86_REG_RDI);
    /* a HLT that ended the run leaves RIP after itself */
    o->rip = read_reg(e, UC_X86_REG_RIP) - (e->mode == UNICORN_HLT);
    o->rflags = read_reg(e, UC_X86_REG_RFLAGS);
    o->devices = e->devices;
}

static const char *unicorn_why(void *engine)
{
    struct unicorn_engine *e = engine;
    return e->err == UC_ERR_OK ? "setup failed" : uc_strerror(e->err);
}

static void unicorn_teardown(void *engine)
{
    struct unicorn_engine *e = engine;
    if (e->uc)
        uc_close(e->uc);
    free(e->ram);
}

const char *unicorn_version_text(void)
{
    static char text[48];
    unsigned major, minor;
    uc_version(&major, &minor);
    snprintf(text, sizeof text, "Unicorn %u.%u (headers %d.%d.%d)", major, minor, UC_API_MAJOR,
             UC_API_MINOR, UC_API_PATCH);
    return text;
}

/* The four modes share all but their name, their mode and the cases they can run. */
#define UNICORN_ENGINE(label, mode, applies_to)                                                    \
    {                                                                                              \
        .name = label, .size = sizeof(struct unicorn_engine), .variant = mode,                     \
        .setup = unicorn_setup, .step = unicorn_step, .outcome = unicorn_outcome,                  \
        .why = unicorn_why, .teardown = unicorn_teardown, .applies = applies_to,                   \
    }
const struct engine_ops unicorn_count_ops =
    UNICORN_ENGINE("unicorn count", UNICORN_COUNT, count_applies);
const struct engine_ops unicorn_hlt_ops = UNICORN_ENGINE("unicorn HLT", UNICORN_HLT, NULL);
const struct engine_ops unicorn_exits_ops = UNICORN_ENGINE("unicorn exits", UNICORN_EXITS, NULL);
const struct engine_ops unicorn_end_ops =
    UNICORN_ENGINE("unicorn end-address", UNICORN_END_ADDRESS, NULL);
