/* The sandbox's parts and how they talk: the machine (guest RAM and devices, devices.c),
 * the trap handlers that turn a fault into an emulation (trap.c), the single-step fallback
 * for instructions the library does not emulate (fallback.c), the run statistics and the
 * summary (report.c) and the PNG writer (png.c). Linux x86-64 only. */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>

#include "WinHvEmulation.h"
#include "guest/guest_abi.h"

#define PAGE_SIZE 4096u

/* ---- the machine (devices.c) ---- */

struct device {
    const char *name;
    uint64_t base, size;
    /* Reads have no side effects and return what was last written, so a page of it may be
     * shadowed by plain memory for one instruction (the fallback). */
    bool memory_like;
    void (*read)(uint64_t offset, uint8_t *data, unsigned size);
    void (*write)(uint64_t offset, const uint8_t *data, unsigned size);
};

/* Map the device region with no access (trapped) or as plain memory (plain); reset the
 * devices. False (with errno) when the region cannot be mapped at DEVICE_BASE. */
bool machine_map_devices(bool trapped);
void machine_unmap_devices(void);

/* Guest RAM: at most one region at a time, [base, base + size). */
void machine_set_ram(uint64_t base, uint64_t size);

bool machine_is_ram(uint64_t address, uint64_t size);
/* The device at address, or NULL. */
const struct device *machine_device_at(uint64_t address);

/* One access to a device; false when [gpa, gpa + size) is not inside one device. */
bool machine_device_access(uint64_t gpa, bool write, uint8_t *data, unsigned size);

/* What the UART has sent, and the framebuffer's pixels (the device's memory when trapped,
 * the plain mapping otherwise). */
const char *machine_uart_text(size_t *length);
void machine_uart_clear(void);
const uint32_t *machine_framebuffer(bool trapped);

/* ---- statistics (report.c) ---- */

#define MAX_CLASSES 48
#define MAX_FAILURES 32

struct class_count {
    char name[24]; /* the mnemonic, with a REP or LOCK prefix */
    uint64_t count;
    uint64_t ns; /* inside WHvEmulatorTryMmioEmulation, all of them */
};

/* One distinct instruction the emulator did not complete. */
struct failure {
    uint8_t bytes[16];
    unsigned length; /* bytes of the instruction (16 when it could not be decoded) */
    unsigned bits;   /* code size */
    uint64_t rip;    /* where it was first seen */
    uint32_t status; /* WHV_EMULATOR_STATUS, as bits */
    HRESULT hr;
    uint64_t count;
    uint64_t completed; /* of count, completed by the fallback */
    char text[80];      /* disassembly */
};

/* Why a guest stopped before returning. */
struct stop {
    bool stopped;
    const char *reason;
    int vector; /* the exception the emulator injected, or -1 */
    uint32_t error_code;
    uint64_t address; /* the address that faulted (CR2 for an injected #PF) */
    uint64_t rip;
    uint8_t bytes[16];
    unsigned count; /* of bytes: fewer near the end of guest RAM */
    unsigned bits;
    char text[80];
    bool register_refused; /* a register callback failed on this name */
    uint32_t refused_register;
};

struct run_stats {
    uint64_t exits;          /* device faults that reached the emulator */
    uint64_t emulated;       /* ... and were completed by it */
    uint64_t fallback_steps; /* instructions completed by the fallback */
    uint64_t emulation_ns;   /* time inside WHvEmulatorTryMmioEmulation */
    uint64_t xstate_gets;    /* XSAVE areas handed to the extension (YMM state) */
    uint64_t xstate_sets;    /* ... and taken back */
    bool avx;                /* the guest copied rows with YMM moves */
    uint64_t wall_ns;        /* the guest's whole run, host time */
    struct class_count classes[MAX_CLASSES];
    unsigned class_count;
    uint64_t classes_dropped;
    struct failure failures[MAX_FAILURES];
    unsigned failure_count;
    uint64_t failures_dropped;
    struct stop stop;
};

/* The instruction at bytes as text, and its mnemonic (with prefixes) as a class name. */
int describe_instruction(unsigned bits, const uint8_t *bytes, size_t available, char *text,
                         size_t text_size);
void count_class(struct run_stats *stats, unsigned bits, const uint8_t *bytes, size_t available,
                 uint64_t ns);
/* The record for this instruction (found by its bytes or added); NULL when the table is full. */
struct failure *note_failure(struct run_stats *stats, unsigned bits, uint64_t rip,
                             const uint8_t *bytes, size_t available, uint32_t status, HRESULT hr);
/* Whether the library's docs/status.md lists the failure's instruction as not emulated: the
 * SIMD forms other than moves (an instruction with a vector register operand that reports
 * InternalEmulationFailure). */
bool failure_is_documented_gap(const struct failure *f);
void print_summary(FILE *out, const char *title, const struct run_stats *stats);

/* ---- the trapped vCPU (trap.c) ---- */

struct fallback {
    bool active;
    bool guest_tf; /* RFLAGS.TF as the guest had it */
    uint64_t rip;
    struct failure *failure;
    unsigned page_count;
    uint64_t pages[4];
    uint8_t before[4][PAGE_SIZE];
};

struct sandbox_vcpu {
    WHV_EMULATOR_HANDLE emulator;
    ucontext_t *uc;  /* the interrupted guest, while a fault is handled */
    uint16_t ds, es; /* selectors at the fault: the ucontext does not have them */
    uint64_t fs_base, gs_base;
    bool injected; /* the emulator asked for an exception to be delivered */
    WHV_X64_PENDING_INTERRUPTION_REGISTER interruption;
    uint64_t cr2;          /* the guest's: written when the emulator injects #PF */
    bool register_refused; /* the last register a callback could not serve */
    WHV_REGISTER_NAME refused_register;
    sigjmp_buf leave; /* where a guest that cannot go on is stopped */
    stack_t altstack;
    struct run_stats *stats;
    struct fallback fallback;
};

/* Install the SIGSEGV and SIGTRAP handlers (once per process). */
bool trap_init(void);
/* Whether this CPU and the OS have AVX (CPUID, XCR0): the guests' YMM path. */
bool trap_host_avx(void);
/* Make vcpu the calling thread's: an emulator of its own and an alternate signal stack. */
bool vcpu_attach(struct sandbox_vcpu *vcpu, struct run_stats *stats);
void vcpu_detach(struct sandbox_vcpu *vcpu);
/* Run the guest's entry (64- or 32-bit code) on its stack; false when it was stopped. */
bool vcpu_run(struct sandbox_vcpu *vcpu, unsigned bits, uint32_t entry, uint32_t stack_top,
              uint32_t argument);
/* Stop the guest: record why, leave through vcpu->leave. */
_Noreturn void vcpu_stop(struct sandbox_vcpu *vcpu, const char *reason, uint64_t address);
unsigned vcpu_code_bits(const ucontext_t *uc);

/* ---- the fallback (fallback.c) ---- */

/* Give the thread a shadow of the device page at address for the instruction at the fault
 * and single-step it; false when the device cannot be shadowed. */
bool fallback_begin(struct sandbox_vcpu *vcpu, ucontext_t *uc, uint64_t address,
                    struct failure *failure);
/* Another page the same instruction touches. */
bool fallback_open_page(struct sandbox_vcpu *vcpu, const ucontext_t *uc, uint64_t address);
/* After the step: forward what the instruction wrote to the devices, take the pages away. */
void fallback_finish(struct sandbox_vcpu *vcpu, ucontext_t *uc);
/* Take the pages away without forwarding (the guest is being stopped). */
void fallback_abandon(struct sandbox_vcpu *vcpu);

/* CLOCK_MONOTONIC in nanoseconds (async-signal-safe). */
uint64_t monotonic_ns(void);

/* ---- output ---- */

uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t size);
/* 32-bit 0x00RRGGBB pixels as an 8-bit RGB PNG. */
bool png_write(const char *path, const uint32_t *pixels, unsigned width, unsigned height);

#endif
