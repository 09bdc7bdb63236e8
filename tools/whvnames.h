/* Names of the WHv API's values for people, shared by the CLI, the benchmark and the fuzz
 * targets: the registers a guest model knows about (their text and the shape of their
 * WHV_REGISTER_VALUE, so the tools can parse, store and print them, and the fuzz target can
 * check that every requested name is a real one), the status bits and the translation
 * result codes. */
#ifndef WHVEMU_TOOLS_WHVNAMES_H
#define WHVEMU_TOOLS_WHVNAMES_H

#include <stddef.h>

#include "WinHvEmulation.h"

/* Which member of WHV_REGISTER_VALUE a register uses. */
enum reg_kind {
    REG_KIND_64,      /* Reg64: GPRs, RIP, RFLAGS, control registers, MSRs */
    REG_KIND_128,     /* Reg128: XMM, x87/MMX, pending event */
    REG_KIND_SEGMENT, /* Segment: CS, DS, ..., LDTR, TR */
    REG_KIND_TABLE,   /* Table: GDTR, IDTR */
};

struct reg_info {
    WHV_REGISTER_NAME name;
    const char *text; /* lower case, as typed on the command line */
    enum reg_kind kind;
};

/* Upper bound of reg_table_count, for arrays indexed like reg_table (checked in whvnames.c). */
#define REG_TABLE_CAPACITY 96

extern const struct reg_info reg_table[];
extern const size_t reg_table_count;

/* Index of a register in reg_table, or -1 when the name is unknown. */
int reg_index_of_name(WHV_REGISTER_NAME name);

/* Index of a register by its text (case-insensitive), or -1. */
int reg_index_of_text(const char *text);

/* WHV_EMULATOR_STATUS bit names, bit 0 first. */
#define STATUS_BIT_COUNT 10
extern const char *const status_bit_names[STATUS_BIT_COUNT];

/* WHV_TRANSLATE_GVA_RESULT_CODE names without the prefix, indexed by value. */
#define TRANSLATE_RESULT_COUNT 9
extern const char *const translate_result_names[TRANSLATE_RESULT_COUNT];

#endif
