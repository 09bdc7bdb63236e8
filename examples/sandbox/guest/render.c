/* The guest: ordinary C, built with -O2 twice (64-bit and 32-bit code) into flat images
 * that the sandbox runs with its devices behind no-access pages. Whatever the compiler
 * makes of it reaches the devices: plain stores for pixels, read-modify-write XOR for the
 * frame, vector stores for the 32-byte legend swatches, REP STOSB/MOVSB from memset and
 * memcpy, and loads for the read-back.
 *
 * It renders one rectangle of the framebuffer (a view of the Mandelbrot set, a frame and a
 * palette legend) and reports over the UART. Nothing here knows it is trapped: run on plain
 * memory it draws the same pixels, which is what the sandbox's check compares. */
#include <stddef.h>
#include <stdint.h>

#include "guest_abi.h"

void *memset(void *dst, int value, size_t size);
void *memcpy(void *dst, const void *src, size_t size);

#define PALETTE_STOPS 5
#define BAND 16 /* iterations from one palette stop to the next */
#define LEGEND_ROWS 10
#define MAX_WIDTH FB_WIDTH

static const uint32_t palette[PALETTE_STOPS] = {
    0x000764, 0x206bcb, 0xedffff, 0xffaa00, 0x310230,
};

struct swatch {
    uint32_t px[8];
};

static uint32_t line[MAX_WIDTH]; /* guest RAM */

/* ---- UART ---- */

static volatile uint8_t *uart;

static void uart_init(uint32_t base)
{
    uart = (volatile uint8_t *)(uintptr_t)base;
    uart[UART_LCR] = UART_LCR_DLAB;
    uart[UART_THR_RBR_DLL] = 1; /* 115200 baud */
    uart[UART_IER_DLM] = 0;
    uart[UART_LCR] = 0x03;     /* 8N1 */
    uart[UART_IIR_FCR] = 0x07; /* FIFOs on and cleared */
}

static void put_char(char c)
{
    while (!(uart[UART_LSR] & UART_LSR_THRE))
        ;
    uart[UART_THR_RBR_DLL] = (uint8_t)c;
}

static void put_text(const char *s)
{
    while (*s)
        put_char(*s++);
}

static void put_decimal(uint32_t value)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n)
        put_char(digits[--n]);
}

static void put_hex(uint32_t value)
{
    put_text("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        put_char("0123456789abcdef"[(value >> shift) & 0xf]);
}

/* ---- timer ---- */

/* Microseconds: the low dword is read first, which latches the high one. */
static uint64_t timer_now(uint32_t base)
{
    volatile uint32_t *timer = (volatile uint32_t *)(uintptr_t)base;
    uint32_t low = timer[TIMER_COUNT / 4];
    return (uint64_t)timer[TIMER_COUNT / 4 + 1] << 32 | low;
}

/* ---- drawing ---- */

static uint32_t blend(uint32_t a, uint32_t b, uint32_t t) /* t of BAND */
{
    uint32_t out = 0;
    for (int shift = 0; shift < 24; shift += 8) {
        uint32_t ca = a >> shift & 0xff, cb = b >> shift & 0xff;
        out |= (ca + (cb - ca) * t / BAND) << shift & 0xffu << shift;
    }
    return out;
}

static uint32_t colour(uint32_t n, uint32_t max)
{
    if (n >= max)
        return 0;
    uint32_t stop = n / BAND % PALETTE_STOPS;
    return blend(palette[stop], palette[(stop + 1) % PALETTE_STOPS], n % BAND);
}

static uint32_t escape_time(double cr, double ci, uint32_t max)
{
    double zr = 0, zi = 0;
    uint32_t n = 0;
    while (n < max && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        n++;
    }
    return n;
}

/* The escape time of every pixel of the rectangle's row y, into out[0..width). */
static uint32_t render_row(const struct guest_env *env, uint32_t y, uint32_t *out)
{
    double step = env->step * 1e-9;
    double ci = env->center_im * 1e-9 + ((double)y - env->height / 2.0) * step;
    double left = env->center_re * 1e-9 - env->width / 2.0 * step;
    uint32_t inside = 0;
    for (uint32_t x = 0; x < env->width; x++) {
        uint32_t n = escape_time(left + x * step, ci, env->max_iterations);
        inside += n >= env->max_iterations;
        out[x] = colour(n, env->max_iterations);
    }
    return inside;
}

/* Rows straight into the framebuffer, a store per pixel, or (line_buffered) into RAM and
 * then to the framebuffer with one memcpy per row. */
static uint32_t draw_view(const struct guest_env *env, uint32_t *fb, int line_buffered)
{
    uint32_t inside = 0;
    for (uint32_t y = 0; y < env->height - LEGEND_ROWS; y++) {
        uint32_t *row = fb + (env->y0 + y) * env->fb_width + env->x0;
        inside += render_row(env, y, line_buffered ? line : row);
        if (line_buffered)
            memcpy(row, line, env->width * sizeof *row);
    }
    return inside;
}

/* Framebuffer to framebuffer, a swatch (32 bytes) at a time: with AVX one YMM load and one
 * YMM store each, as an AVX memcpy does (written out, so that the compiler's tuning cannot
 * split the moves into 16-byte halves); else the library's memcpy. Compiled for AVX (the
 * 32-bit guest's default target has no SSE), called only where the CPU has it. */
__attribute__((target("avx"))) static void copy_swatches(uint32_t *dst, const uint32_t *src,
                                                         uint32_t count, uint32_t avx)
{
    if (!avx) {
        memcpy(dst, src, count * sizeof(struct swatch));
        return;
    }
    for (uint32_t i = 0; i < count; i++)
        __asm__ volatile("vmovdqu (%1), %%ymm0\n\tvmovdqu %%ymm0, (%0)"
                         :
                         : "r"(dst + 8 * i), "r"(src + 8 * i)
                         : "xmm0", "memory");
    __asm__ volatile("vzeroupper");
}

/* A strip of swatches along the bottom: the first row swatch by swatch, the others copied
 * from it. */
static void draw_legend(const struct guest_env *env, uint32_t *fb)
{
    uint32_t *first = fb + (env->y0 + env->height - LEGEND_ROWS) * env->fb_width + env->x0;
    struct swatch *swatches = (struct swatch *)first;
    uint32_t count = env->width / 8;
    for (uint32_t i = 0; i < count; i++) {
        struct swatch s;
        uint32_t c = colour(i * PALETTE_STOPS * BAND / count, env->max_iterations + 1);
        for (int k = 0; k < 8; k++)
            s.px[k] = c;
        swatches[i] = s;
    }
    for (uint32_t r = 1; r < LEGEND_ROWS; r++)
        copy_swatches(first + r * env->fb_width, first, count, env->avx);
}

/* A one-pixel frame that inverts what is under it. */
static void draw_frame(const struct guest_env *env, uint32_t *fb)
{
    uint32_t *top = fb + env->y0 * env->fb_width + env->x0;
    uint32_t *bottom = top + (env->height - 1) * env->fb_width;
    for (uint32_t x = 0; x < env->width; x++) {
        top[x] ^= 0xffffff;
        bottom[x] ^= 0xffffff;
    }
    for (uint32_t y = 1; y + 1 < env->height; y++) {
        top[y * env->fb_width] ^= 0xffffff;
        top[y * env->fb_width + env->width - 1] ^= 0xffffff;
    }
}

static uint32_t read_back(const struct guest_env *env, const uint32_t *fb)
{
    const uint32_t *row = fb + (env->y0 + env->height / 2) * env->fb_width + env->x0;
    uint32_t sum = 0;
    for (uint32_t x = 0; x < env->width; x++)
        sum += row[x];
    return sum;
}

__attribute__((section(".text.entry"))) void guest_main(struct guest_env *env)
{
    uint32_t *fb = (uint32_t *)(uintptr_t)env->framebuffer;
    uart_init(env->uart);
    put_text(sizeof(void *) == 8 ? "guest: 64-bit code, " : "guest: 32-bit code, ");
    put_decimal(env->width);
    put_char('x');
    put_decimal(env->height);
    put_text(" pixels, up to ");
    put_decimal(env->max_iterations);
    put_text(" iterations\n");

    uint64_t start = timer_now(env->timer);
    if (env->clear_screen)
        memset(fb, 0, (size_t)env->fb_width * env->fb_height * sizeof *fb);
    env->inside = draw_view(env, fb, sizeof(void *) == 4);
    draw_legend(env, fb);
    draw_frame(env, fb);
    env->readback_sum = read_back(env, fb);
    uint32_t elapsed = (uint32_t)(timer_now(env->timer) - start);

    put_text("guest: ");
    put_decimal(env->inside);
    put_text(" pixels inside the set; middle row reads back as ");
    put_hex(env->readback_sum);
    put_text("\ntimer: ");
    put_decimal(elapsed / 1000);
    put_text(" ms of guest time\n");
    if (env->poke_address)
        *(volatile uint32_t *)(uintptr_t)env->poke_address = 0x5a5a5a5a;
}
