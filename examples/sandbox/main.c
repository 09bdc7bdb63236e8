/* whvemu_sandbox: real compiled code trapping on its devices, emulated through the public
 * WHv API. docs/demo.md explains it.
 *
 *   whvemu_sandbox [--png FILE] [--check]
 *
 * Two guests draw into one framebuffer: 64-bit code the whole screen, then 32-bit code
 * (compatibility mode) an inset. Each prints over the UART; the sandbox prints what it sent
 * and a summary of its run, writes the framebuffer as a PNG and names it on the last line.
 * --check then runs the same guests on plain memory (no traps) and compares: the exit code
 * says whether every check passed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sandbox.h"

/* Room above the guest's stack for its struct guest_env (enter.S uses the 16 bytes above
 * the stack it is given). */
#define ENV_SPACE 256u

extern const uint8_t guest64_image[], guest64_image_end[];
extern const uint8_t guest32_image[], guest32_image_end[];

struct guest_run {
    const char *title;
    unsigned bits;
    const uint8_t *image, *image_end;
    struct guest_env view;
};

static const struct guest_run runs[] = {
    { "64-bit guest (long mode, CS 0x33): the whole screen",
      64,
      guest64_image,
      guest64_image_end,
      { .x0 = 0,
        .y0 = 0,
        .width = FB_WIDTH,
        .height = FB_HEIGHT,
        .center_re = -650000000,
        .center_im = 0,
        .step = 5000000,
        .max_iterations = 256,
        .clear_screen = 1 } },
    { "32-bit guest (compatibility mode, CS 0x23): the inset",
      32,
      guest32_image,
      guest32_image_end,
      { .x0 = 400,
        .y0 = 16,
        .width = 224,
        .height = 150,
        .center_re = -745300000,
        .center_im = 112700000,
        .step = 40000,
        .max_iterations = 512 } },
};
#define RUN_COUNT (sizeof runs / sizeof runs[0])

/* What one guest left behind. */
struct outcome {
    bool ran;
    struct run_stats stats;
    struct guest_env env;
};

static struct sandbox_vcpu vcpu; /* the main thread's; static: its fallback pages are large */

/* Map the image at the address it was linked for; the header says how much memory. */
static bool load_image(const uint8_t *image, size_t size, struct guest_image_header *h)
{
    if (size < sizeof *h)
        return false;
    memcpy(h, image, sizeof *h);
    uint64_t map_size = ((uint64_t)h->mem_size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    if (h->magic != GUEST_IMAGE_MAGIC || h->mem_size < size || h->stack_top < h->base + size ||
        h->stack_top > h->base + h->mem_size || h->stack_top - h->base < ENV_SPACE)
        return false;
    void *p = mmap((void *)(uintptr_t)h->base, map_size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)(uintptr_t)h->base) {
        if (p != MAP_FAILED)
            munmap(p, map_size);
        return false;
    }
    memcpy(p, image, size);
    machine_set_ram(h->base, map_size);
    return true;
}

static bool run_guest(const struct guest_run *r, struct outcome *out)
{
    struct guest_image_header h;
    size_t size = (size_t)(r->image_end - r->image);
    memset(out, 0, sizeof *out);
    if (!load_image(r->image, size, &h)) {
        fprintf(stderr, "sandbox: cannot load the %u-bit guest image at its address\n", r->bits);
        return false;
    }
    struct guest_env *env = (struct guest_env *)(uintptr_t)(h.stack_top - ENV_SPACE);
    *env = r->view;
    env->uart = UART_BASE, env->timer = TIMER_BASE, env->framebuffer = FB_BASE;
    env->fb_width = FB_WIDTH, env->fb_height = FB_HEIGHT;
    env->avx = out->stats.avx = trap_host_avx();
    if (!vcpu_attach(&vcpu, &out->stats)) {
        fprintf(stderr, "sandbox: cannot set up the vCPU\n");
        return false;
    }
    uint64_t start = monotonic_ns();
    vcpu_run(&vcpu, r->bits, h.entry, h.stack_top - ENV_SPACE, (uint32_t)(uintptr_t)env);
    out->stats.wall_ns = monotonic_ns() - start;
    vcpu_detach(&vcpu);
    out->env = *env;
    out->ran = true;
    munmap((void *)(uintptr_t)h.base, h.mem_size);
    machine_set_ram(0, 0);
    return true;
}

static void print_uart(FILE *out)
{
    size_t length;
    const char *text = machine_uart_text(&length);
    for (size_t i = 0; i < length; i++)
        fprintf(out, "%s%c", i == 0 || text[i - 1] == '\n' ? "  uart| " : "", text[i]);
    if (length && text[length - 1] != '\n')
        fprintf(out, "\n");
    machine_uart_clear();
}

/* Every guest, in order, on the devices (trapped) or on plain memory. */
static bool run_all(bool trapped, struct outcome outcomes[RUN_COUNT], bool verbose)
{
    if (!machine_map_devices(trapped)) {
        fprintf(stderr, "sandbox: cannot map the device region at 0x%x: %s\n", DEVICE_BASE,
                strerror(errno));
        return false;
    }
    for (size_t i = 0; i < RUN_COUNT; i++) {
        if (runs[i].image_end == runs[i].image) {
            if (verbose)
                printf("== %s ==\n  not built: the compiler cannot make i386 code\n",
                       runs[i].title);
            continue;
        }
        if (!run_guest(&runs[i], &outcomes[i]))
            return false;
        if (verbose) {
            print_uart(stdout);
            print_summary(stdout, runs[i].title, &outcomes[i].stats);
        }
    }
    return true;
}

static uint32_t framebuffer_crc(bool trapped)
{
    return crc32_update(0, (const uint8_t *)machine_framebuffer(trapped), FB_BYTES);
}

/* ---- --check ---- */

static unsigned passed, failed;

static void check(bool ok, const char *what)
{
    printf("  %s: %s\n", ok ? "ok  " : "FAIL", what);
    ok ? passed++ : failed++;
}

static void check_trapped_run(const struct outcome *o)
{
    const struct run_stats *s = &o->stats;
    bool documented = true;
    uint64_t failed_instructions = 0, completed = 0;
    for (unsigned i = 0; i < s->failure_count; i++) {
        documented &= failure_is_documented_gap(&s->failures[i]);
        failed_instructions += s->failures[i].count;
        completed += s->failures[i].completed;
    }
    check(!s->stop.stopped, "the guest ran to its end");
    check(s->emulated > 0 && s->exits == s->emulated + failed_instructions,
          "every exit was emulated or recorded as a failure");
    check(documented && s->failures_dropped == 0,
          "every failure is InternalEmulationFailure on a SIMD form the library does not "
          "emulate yet (docs/status.md)");
    check(completed == failed_instructions && s->fallback_steps == completed,
          "the fallback completed every failed instruction");
    if (s->avx)
        check(s->xstate_gets > 0 && s->xstate_sets > 0,
              "the YMM row copies were emulated with the extended-state extension (XSAVE areas "
              "fetched and written back)");
    else
        printf("  skip: the YMM row copies (this CPU or OS has no AVX)\n");
}

/* A store that straddles the end of the framebuffer into nothing: the emulator must inject
 * #PF (the second page is not present) without writing the first part, and the sandbox
 * must stop the guest and say so. */
static void check_unexpected_fault(const struct guest_run *r)
{
    static struct outcome o;
    struct guest_run probe = *r;
    uint32_t end = FB_BASE + FB_BYTES;
    probe.view.width = 32, probe.view.height = 24, probe.view.clear_screen = 0;
    probe.view.poke_address = end - 2;
    machine_unmap_devices();
    if (!machine_map_devices(true) || !run_guest(&probe, &o)) {
        check(false, "the fault probe ran");
        return;
    }
    machine_uart_clear();
    const struct stop *st = &o.stats.stop;
    const uint8_t *fb = (const uint8_t *)machine_framebuffer(true);
    bool reported = st->stopped && st->vector == 14 && st->address == end;
    check(reported, "a store straddling the framebuffer's end stops the guest with #PF, reported");
    if (!reported)
        print_summary(stdout, "the fault probe", &o.stats);
    check(fb[FB_BYTES - 2] == 0 && fb[FB_BYTES - 1] == 0, "... and writes nothing");
}

static int run_check(const struct outcome trapped[RUN_COUNT], uint32_t trapped_crc)
{
    static struct outcome plain[RUN_COUNT];
    printf("== check: the same guests on plain memory, without traps ==\n");
    machine_unmap_devices();
    if (!run_all(false, plain, false))
        return 2;
    uint32_t plain_crc = framebuffer_crc(false);
    for (size_t i = 0; i < RUN_COUNT; i++) {
        if (!trapped[i].ran) {
            printf("  skip: %s (not built)\n", runs[i].title);
            continue;
        }
        printf("  %s\n", runs[i].title);
        check_trapped_run(&trapped[i]);
        check(trapped[i].env.inside == plain[i].env.inside &&
                  trapped[i].env.readback_sum == plain[i].env.readback_sum,
              "what the guest computed and read back equals the plain run's");
    }
    printf("  framebuffer CRC-32: trapped 0x%08x, plain 0x%08x\n", trapped_crc, plain_crc);
    check(trapped_crc == plain_crc, "the framebuffer equals the render on plain memory");
    for (size_t i = 0; i < RUN_COUNT; i++) {
        if (trapped[i].ran) {
            printf("  fault probe: %s\n", runs[i].title);
            check_unexpected_fault(&runs[i]);
        }
    }
    printf("sandbox check: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    static struct outcome outcomes[RUN_COUNT];
    const char *png = NULL;
    bool check_mode = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--png") == 0 && i + 1 < argc)
            png = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            check_mode = true;
        else {
            fprintf(stderr, "usage: %s [--png FILE] [--check]\n", argv[0]);
            return 2;
        }
    }
    if (!check_mode && !png)
        png = "sandbox.png";
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!trap_init() || !run_all(true, outcomes, true))
        return 2;
    uint32_t crc = framebuffer_crc(true);
    if (png && !png_write(png, machine_framebuffer(true), FB_WIDTH, FB_HEIGHT)) {
        fprintf(stderr, "sandbox: cannot write %s: %s\n", png, strerror(errno));
        return 2;
    }
    if (check_mode)
        return run_check(outcomes, crc);
    printf("framebuffer %ux%u, CRC-32 0x%08x, written to %s\n", FB_WIDTH, FB_HEIGHT, crc, png);
    return 0;
}
