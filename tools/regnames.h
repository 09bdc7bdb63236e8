/* The WHv register names a guest model knows about: their text for people and the shape of
 * their WHV_REGISTER_VALUE, so the tools can parse, store and print them. Shared by the CLI
 * and the fuzz targets (which use it to check that every requested name is a real one). */
#ifndef WHVEMU_TOOLS_REGNAMES_H
#define WHVEMU_TOOLS_REGNAMES_H

#include <stddef.h>

#include "WinHvEmulation.h"

/* Which member of WHV_REGISTER_VALUE a register uses. */
enum reg_kind {
    REG_KIND_64,          /* Reg64: GPRs, RIP, RFLAGS, control registers, MSRs */
    REG_KIND_128,         /* Reg128: XMM, x87/MMX, pending event */
    REG_KIND_SEGMENT,     /* Segment: CS, DS, ..., LDTR, TR */
    REG_KIND_TABLE,       /* Table: GDTR, IDTR */
};

struct reg_info {
    WHV_REGISTER_NAME name;
    const char *text;      /* lower case, as typed on the command line */
    enum reg_kind kind;
};

/* Upper bound of reg_table_count, for arrays indexed like reg_table (checked in regnames.c). */
#define REG_TABLE_CAPACITY 96

extern const struct reg_info reg_table[];
extern const size_t reg_table_count;

/* Index of a register in reg_table, or -1 when the name is unknown. */
int reg_index_of_name(WHV_REGISTER_NAME name);

/* Index of a register by its text (case-insensitive), or -1. */
int reg_index_of_text(const char *text);

#endif
