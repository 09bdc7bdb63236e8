/* The guest every engine of the bench runs against, as a VMM keeps it: 1 MiB of flat RAM,
 * a 4 KiB device register file at GPA 0x100000 (the MMIO region), a byte-wide port, and
 * a register array. whvemu and the floors reach it through the five WHv callbacks
 * (identity GVA->GPA translation); Unicorn through its own memory map and hooks
 * (unicorn_engine.c) over the same device model. */
#ifndef WHVEMU_BENCH_GUEST_H
#define WHVEMU_BENCH_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "WinHvEmulation.h"
#include "whvemu.h"

#include "guest_vcpu.h"

#define RAM_SIZE (1u << 20)
#define MMIO_BASE 0x100000u
#define MMIO_SIZE 0x1000u
#define CODE_ADDRESS 0x1000u
#define RAM_SOURCE 0x2000u /* what the string cases copy from */
#define PORT_LOG_SIZE 4096u
#define PORT_IN_VALUE 0x5a /* what IN reads from the port */

/* The device side, the same for every engine: MMIO registers and a port whose writes are
 * logged in order (a UART's data register, say). */
struct devices {
    uint8_t mmio[MMIO_SIZE];
    uint8_t port_log[PORT_LOG_SIZE];
    unsigned port_writes;
};

void devices_fill(struct devices *d, uint8_t *ram);
uint64_t devices_mmio_read(const struct devices *d, uint64_t offset, unsigned size);
void devices_mmio_write(struct devices *d, uint64_t offset, unsigned size, uint64_t value);
void devices_port_out(struct devices *d, uint8_t value);

/* Which registers one emulation asked for and wrote, in the order it named them, and how
 * many callbacks of each kind it made: kept while `recording`, for the registers table. */
#define REG_LOG_MAX 24
struct reg_log {
    WHV_REGISTER_NAME names[REG_LOG_MAX];
    unsigned count;
};

enum callback_kind { CB_IO, CB_MEMORY, CB_GET, CB_SET, CB_TRANSLATE, CB_RAM, CB_KINDS };

struct callback_record {
    bool recording;
    struct reg_log get, set;
    unsigned calls[CB_KINDS];
};

/* Register name -> vcpu.regs index by open addressing: a VMM's register lookup is a switch
 * or a table, not a search. */
#define SLOT_COUNT 256u

struct guest {
    struct guest_vcpu vcpu;
    uint8_t *ram;
    struct devices devices;
    struct {
        WHV_REGISTER_NAME name;
        int index;
    } slots[SLOT_COUNT];
    struct callback_record record;
    /* The upper halves of YMM0-15, which no WHv register name holds: what the XSAVE area
     * of the extended-state callback holds (engine_whv.c). */
    uint8_t ymm_upper[16][16];
};

/* Zeroed memory at the start of a page: every run then has the same page offsets, so that
 * the cache and store-to-load aliasing between the RAM, the device and an engine's state do
 * not change from one run to the next with where malloc put them. NULL when out of
 * memory; free() it. */
void *page_aligned_zalloc(size_t size);

/* A 64-bit long-mode vCPU at CODE_ADDRESS with SSE and AVX enabled, RAM and devices
 * filled; false when out of memory. */
bool guest_setup(struct guest *g);
void guest_teardown(struct guest *g);

WHV_REGISTER_VALUE *guest_reg(struct guest *g, WHV_REGISTER_NAME name);

/* The five callbacks (the Context is the guest) and whvemu's optional RAM callback. */
extern const WHV_EMULATOR_CALLBACKS guest_callbacks;
VOID *CALLBACK guest_ram_page(VOID *context, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write);

/* Register names as text ("rax rbx"), for the registers table. */
void reg_log_text(const struct reg_log *log, char *out, unsigned size);

/* The callbacks of a record by kind ("get 1, mem 2, set 1"). */
void callback_counts_text(const struct callback_record *record, char *out, unsigned size);

#endif
