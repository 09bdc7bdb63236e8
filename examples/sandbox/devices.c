/* The machine the guests run in: one guest RAM region and three devices behind the device
 * region. Trapped, the region is mapped with no access and every guest access to it reaches
 * the emulator, which calls machine_device_access(); plain, it is ordinary memory, which is
 * how the same guest code renders without traps for comparison. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "sandbox.h"

#define DEVICE_REGION_SIZE (FB_BASE + FB_BYTES - DEVICE_BASE)
#define UART_OUT_CAPACITY 16384u
#define TIMER_HZ 1000000u

static uint64_t ram_base, ram_size;
static bool devices_trapped;

/* ---- UART: a 16550 whose transmitter is always ready and whose receiver never is ---- */

static struct {
    uint8_t reg[8]; /* what reads return, except the divisor latch */
    uint8_t divisor[2];
    char out[UART_OUT_CAPACITY];
    size_t out_length;
} uart;

static bool uart_dlab(void)
{
    return uart.reg[UART_LCR] & UART_LCR_DLAB;
}

static uint8_t uart_read_reg(unsigned reg)
{
    if (reg <= UART_IER_DLM && uart_dlab())
        return uart.divisor[reg];
    if (reg == UART_THR_RBR_DLL)
        return 0; /* nothing received */
    return uart.reg[reg];
}

static void uart_write_reg(unsigned reg, uint8_t value)
{
    if (reg <= UART_IER_DLM && uart_dlab())
        uart.divisor[reg] = value;
    else if (reg == UART_THR_RBR_DLL) {
        if (uart.out_length < UART_OUT_CAPACITY)
            uart.out[uart.out_length++] = (char)value;
    } else if (reg == UART_IER_DLM || reg == UART_LCR || reg == UART_MCR || reg == UART_SCR)
        uart.reg[reg] = value;
    /* FCR: the FIFOs need no state here; LSR and MSR are read-only. */
}

/* A 16550 is byte-wide: a wider access reaches the following registers, byte by byte. The
 * rest of the page is an empty bus: reads as all ones, writes are dropped. */
static void uart_read(uint64_t offset, uint8_t *data, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        data[i] = offset + i < 8 ? uart_read_reg((unsigned)(offset + i)) : 0xff;
}

static void uart_write(uint64_t offset, const uint8_t *data, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        if (offset + i < 8)
            uart_write_reg((unsigned)(offset + i), data[i]);
}

static void uart_reset(void)
{
    memset(&uart, 0, sizeof uart);
    uart.reg[UART_IIR_FCR] = 0x01; /* no interrupt pending */
    uart.reg[UART_LSR] = UART_LSR_THRE | UART_LSR_TEMT;
    uart.reg[UART_MSR] = 0xb0; /* DCD, DSR, CTS */
}

/* ---- timer: microseconds since the machine was set up; the frequency after it ---- */

static struct {
    uint64_t start_ns;
    uint32_t latched_high;
} timer;

uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* async-signal-safe in POSIX */
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void timer_read(uint64_t offset, uint8_t *data, unsigned size)
{
    uint8_t regs[16];
    uint64_t count = (monotonic_ns() - timer.start_ns) / (1000000000u / TIMER_HZ);
    uint64_t frequency = TIMER_HZ;
    if (offset == TIMER_COUNT && size < 8)
        timer.latched_high = (uint32_t)(count >> 32); /* the low dword latches */
    else if (offset == TIMER_COUNT + 4)
        count = (uint64_t)timer.latched_high << 32;
    memcpy(regs, &count, 8);
    memcpy(regs + 8, &frequency, 8);
    for (unsigned i = 0; i < size; i++)
        data[i] = offset + i < sizeof regs ? regs[offset + i] : 0xff;
}

static void timer_write(uint64_t offset, const uint8_t *data, unsigned size)
{
    (void)offset, (void)data, (void)size; /* read-only */
}

/* ---- framebuffer: plain memory on the device side ---- */

static uint8_t framebuffer[FB_BYTES];

static void fb_read(uint64_t offset, uint8_t *data, unsigned size)
{
    memcpy(data, framebuffer + offset, size);
}

static void fb_write(uint64_t offset, const uint8_t *data, unsigned size)
{
    memcpy(framebuffer + offset, data, size);
}

static const struct device devices[] = {
    { "uart", UART_BASE, PAGE_SIZE, false, uart_read, uart_write },
    { "timer", TIMER_BASE, PAGE_SIZE, false, timer_read, timer_write },
    { "framebuffer", FB_BASE, FB_BYTES, true, fb_read, fb_write },
};

/* ---- the map ---- */

bool machine_map_devices(bool trapped)
{
    int prot = trapped ? PROT_NONE : PROT_READ | PROT_WRITE;
    void *p = mmap((void *)(uintptr_t)DEVICE_BASE, DEVICE_REGION_SIZE, prot,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        return false;
    if (p != (void *)(uintptr_t)DEVICE_BASE) { /* a kernel without FIXED_NOREPLACE */
        munmap(p, DEVICE_REGION_SIZE);
        errno = EEXIST;
        return false;
    }
    devices_trapped = trapped;
    uart_reset();
    timer.start_ns = monotonic_ns();
    memset(framebuffer, 0, sizeof framebuffer);
    if (!trapped) /* what a guest polls for before it sends */
        ((uint8_t *)p)[UART_LSR] = UART_LSR_THRE | UART_LSR_TEMT;
    return true;
}

void machine_unmap_devices(void)
{
    munmap((void *)(uintptr_t)DEVICE_BASE, DEVICE_REGION_SIZE);
}

void machine_set_ram(uint64_t base, uint64_t size)
{
    ram_base = base;
    ram_size = size;
}

bool machine_is_ram(uint64_t address, uint64_t size)
{
    return address >= ram_base && size <= ram_size && address - ram_base <= ram_size - size;
}

const struct device *machine_device_at(uint64_t address)
{
    for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
        if (address >= devices[i].base && address - devices[i].base < devices[i].size)
            return &devices[i];
    return NULL;
}

bool machine_device_access(uint64_t gpa, bool write, uint8_t *data, unsigned size)
{
    const struct device *d = machine_device_at(gpa);
    if (!d || !devices_trapped || size > d->size - (gpa - d->base))
        return false;
    if (write)
        d->write(gpa - d->base, data, size);
    else
        d->read(gpa - d->base, data, size);
    return true;
}

const char *machine_uart_text(size_t *length)
{
    *length = uart.out_length;
    return uart.out;
}

void machine_uart_clear(void)
{
    uart.out_length = 0;
}

const uint32_t *machine_framebuffer(bool trapped)
{
    return trapped ? (const uint32_t *)framebuffer : (const uint32_t *)(uintptr_t)FB_BASE;
}
