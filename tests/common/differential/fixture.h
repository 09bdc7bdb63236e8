/* The emulator's side of the differential test: a guest whose registers are the native
 * run's initial state and whose memory is a copy of the native buffer at the same virtual
 * addresses (GVA = the host address), driven through the public API only.
 *
 * Memory is a few flat regions (the buffer's copy, the read-only page below it, the
 * runners' code read-only for instruction fetches and CS-relative reads, the descriptor
 * tables), each at a GPA of its own, unlike its GVA, so that an emulator that confuses
 * the two is caught. A page outside them translates as not present, so an access that
 * strays faults with #PF as it does natively, where the buffer is surrounded by
 * inaccessible pages; a write to a read-only region translates as a privilege
 * violation. */
#ifndef DIFF_FIXTURE_H
#define DIFF_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "WinHvEmulation.h"

#define FIXTURE_REGIONS 4

struct fixture_region {
    uint64_t gva, gpa;      /* page aligned */
    uint8_t *data;
    uint64_t size;
    bool writable;
};

/* Registers by WHV_REGISTER_NAME: RAX..DR7 (0..0x26) are stored at their own number,
 * EFER, the pending interruption and the interrupt state (MOV SS shadow) after them. */
enum { FIX_EFER = WHvX64RegisterDr7 + 1, FIX_PENDING, FIX_INTERRUPT_STATE, FIX_REG_COUNT };

struct fixture {
    WHV_REGISTER_VALUE regs[FIX_REG_COUNT];
    struct fixture_region region[FIXTURE_REGIONS];
    unsigned region_count;

    /* what the emulator asked for that the fixture could not give */
    bool bad_register;
    WHV_REGISTER_NAME bad_register_name;
    const char *bad_memory;     /* why a memory access was refused, or NULL */
    uint64_t bad_memory_gpa;
};

extern const WHV_EMULATOR_CALLBACKS fixture_callbacks;

/* The register slot of a name, or NULL. */
WHV_REGISTER_VALUE *fixture_reg(struct fixture *f, WHV_REGISTER_NAME name);

/* Forget the call records (bad_*) before a call. */
void fixture_begin(struct fixture *f);

#endif
