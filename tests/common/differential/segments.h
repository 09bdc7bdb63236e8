/* The segments of the test states, and the descriptor tables the emulator reads when an
 * instruction loads a segment register.
 *
 * The CPU uses the kernel's GDT and the process's LDT; the emulator gets tables at an
 * address of their own (DESCRIPTOR_TABLES_BASE, mapped by the fixture only) holding the
 * same descriptors: Linux's x86-64 GDT layout and native.c's LDT entries. */
#ifndef DIFF_SEGMENTS_H
#define DIFF_SEGMENTS_H

#include <stdbool.h>
#include <stdint.h>

struct rng;

/* A segment register: selector and the descriptor as the CPU has it loaded. */
struct segment {
    uint16_t selector;
    uint64_t base;
    uint32_t limit;      /* in bytes */
    uint16_t attributes; /* WHV_X64_SEGMENT_REGISTER.Attributes */
};

#define DESCRIPTOR_TABLES_BASE UINT64_C(0xfffffe0000100000)
#define DESCRIPTOR_TABLES_SIZE 4096u
#define GDT_OFFSET 0u
#define LDT_OFFSET 0x800u
#define GDT_LIMIT 0x7fu   /* Linux: 16 entries */
#define LDT_SELECTOR 0x50 /* Linux: GDT entry 10 */

/* The tables' bytes (DESCRIPTOR_TABLES_SIZE), built on first use. */
const uint8_t *descriptor_tables(void);
uint32_t ldt_limit(void);

/* The segments of a mode: CS, FS, GS as the runners have them, the default data segments. */
void mode_segments(unsigned bits, struct segment seg[6]);

/* The data segments a 32/16-bit state may give DS, ES and SS. */
unsigned data_segment_count(unsigned bits);
struct segment data_segment(unsigned bits, unsigned which);

/* The segment register a code or data descriptor loads: limit scaled by G, attributes. */
struct segment descriptor_segment(uint16_t selector, uint64_t descriptor);

/* The register loaded from a non-null selector whose descriptor is a present code or
 * data segment; false otherwise (the load faults, or the selector is null). */
bool segment_of_selector(uint16_t selector, struct segment *out);

/* A selector worth loading: null, Linux's user and kernel segments, system descriptors,
 * LDT entries with every RPL, beyond the tables' limits. Never GDT entry 15 (the kernel's
 * per-CPU segment, whose limit is the CPU number). */
uint16_t interesting_selector(struct rng *r);

#endif
