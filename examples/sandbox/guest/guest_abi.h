/* What the sandbox and its guests agree on: the image header, the devices' register
 * layout and the parameters a guest is started with.
 *
 * This header is compiled into the 64-bit sandbox and into both guest images (64-bit and
 * 32-bit code), so every structure here is built from 32-bit fields only: their layout is
 * then the same under the i386 and the x86-64 ABI. Device and guest addresses are below
 * 4 GiB, where 32-bit code can reach them. */
#ifndef SANDBOX_GUEST_ABI_H
#define SANDBOX_GUEST_ABI_H

#include <stdint.h>

/* The first bytes of a guest image, written by guest.ld: where it runs and how much memory
 * it needs beyond the bytes of the file (.bss and its stack). */
#define GUEST_IMAGE_MAGIC 0x54534547u /* "GEST" */
struct guest_image_header {
    uint32_t magic;
    uint32_t base;      /* the address the image is linked for */
    uint32_t entry;     /* void guest_main(struct guest_env *) */
    uint32_t mem_size;  /* bytes from base to the end of .bss and the stack */
    uint32_t stack_top; /* 16-byte aligned */
};

/* The device region: one page per register device, then the framebuffer. */
#define DEVICE_BASE 0x40000000u
#define UART_BASE DEVICE_BASE
#define TIMER_BASE (DEVICE_BASE + 0x1000u)
#define FB_BASE (DEVICE_BASE + 0x100000u)
#define FB_WIDTH 640u
#define FB_HEIGHT 400u
#define FB_BYTES (FB_WIDTH * FB_HEIGHT * 4u) /* 32 bpp, 0x00RRGGBB, pitch = width */

/* 16550 registers (byte offsets from UART_BASE); DLAB = LCR bit 7 maps DLL/DLM over 0/1. */
enum uart_reg {
    UART_THR_RBR_DLL = 0,
    UART_IER_DLM = 1,
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};
#define UART_LCR_DLAB 0x80u
#define UART_LSR_THRE 0x20u /* transmit holding register empty */
#define UART_LSR_TEMT 0x40u /* transmitter empty */

/* The timer: a free-running 64-bit counter (reading its low dword latches the high one, so
 * that 32-bit code reads a consistent value) and its frequency. */
#define TIMER_COUNT 0u
#define TIMER_FREQUENCY 8u

/* A guest renders one rectangle of the framebuffer showing one view of the Mandelbrot set.
 * Coordinates of the view are in units of 1e-9. */
struct guest_env {
    uint32_t uart, timer, framebuffer; /* device addresses */
    uint32_t fb_width, fb_height;
    uint32_t x0, y0, width, height; /* the rectangle */
    int32_t center_re, center_im;   /* view centre, 1e-9 units */
    int32_t step;                   /* plane units per pixel, 1e-9 units */
    uint32_t max_iterations;
    uint32_t clear_screen; /* 1: clear the whole framebuffer first */
    uint32_t avx;          /* 1: the CPU and OS have AVX: framebuffer rows copied with YMM
                              moves (the extended-state extension serves their upper
                              halves) */
    uint32_t poke_address; /* not 0: a 4-byte store there at the end (the
                                           sandbox's check of a fault the guest does not
                                           expect) */
    /* written by the guest */
    uint32_t readback_sum; /* sum of its rectangle's middle row, read back */
    uint32_t inside;       /* pixels found inside the set */
};

#endif
