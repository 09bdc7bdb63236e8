/* An in-memory guest for the whvemu CLI and the tests: what a tiny VMM keeps for one virtual
 * processor.
 *
 * Registers live in an array parallel to reg_table; memory is sparse (4 KiB pages created on
 * first write, unwritten bytes read as zero); GVA->GPA translation is the identity unless a
 * page has its own mapping or failure; I/O ports return configured values. Every callback
 * the emulator makes is counted (and, for the tests, the last Set's names, the last
 * translation's flags and an optional log of the memory and port accesses kept) and
 * printed, in order, with its arguments and its answer, and the state before the call is
 * kept so that the changes can be listed afterwards. guest_run_mmio and guest_run_io run
 * one exit of the vCPU as it stands. */
#ifndef WHVEMU_TOOLS_GUEST_H
#define WHVEMU_TOOLS_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "WinHvEmulation.h"
#include "whvemu.h"
#include "whvnames.h"
#include "guest_vcpu.h"

#define GUEST_PAGE_SIZE 4096u
#define GUEST_MAX_MAPPINGS 16
#define GUEST_MAX_PORTS 16
#define GUEST_MAX_SET_NAMES 64

/* The callbacks, in WHV_EMULATOR_CALLBACKS order; used to select which call to fail. */
enum guest_callback {
    GUEST_CB_IO,
    GUEST_CB_MEMORY,
    GUEST_CB_GET_REGISTERS,
    GUEST_CB_SET_REGISTERS,
    GUEST_CB_TRANSLATE,
    GUEST_CB_GET_XSTATE, /* the extended-state extension's (whvemu.h) */
    GUEST_CB_SET_XSTATE,
    GUEST_CB_COUNT
};

/* The extended state a VMM keeps for the extended-state extension (guest_xstate.c): an XSAVE
 * area laid out by this host's CPUID leaf 0DH, standard or compacted. Its legacy region is
 * the vCPU's SDK vector registers (copied in and out by the callbacks). */
struct guest_xstate {
    bool installed; /* guest_xstate_init succeeded */
    bool compacted;
    WHVEMU_XSTATE_LAYOUT layout;
    uint64_t components; /* the user components the layout has (2 and up) */
    uint32_t offset[64]; /* of each in the area's format */
    uint32_t size;       /* of the area handed out */
    uint8_t *area;       /* layout.AreaSize bytes */
    uint8_t *before;     /* the area at guest_begin() */
};

struct guest_page {
    uint64_t gpa;                    /* page aligned */
    uint8_t before[GUEST_PAGE_SIZE]; /* content when guest_begin() was called */
    uint8_t now[GUEST_PAGE_SIZE];
};

/* The answer for one GVA page when it is not the identity. */
struct guest_mapping {
    uint64_t gva_page;
    uint64_t gpa; /* returned as is: may be unaligned on purpose */
    WHV_TRANSLATE_GVA_RESULT_CODE result;
};

struct guest_port {
    uint16_t port;
    uint32_t value; /* what IN reads */
};

/* One memory or port access as the callback saw it (failed and refused ones too). */
struct guest_access {
    bool io;
    uint8_t write;
    uint8_t size;
    uint64_t address; /* GPA or port */
    uint64_t data;    /* as written or as answered */
};

struct guest {
    struct guest_vcpu vcpu;
    struct guest_vcpu vcpu_before; /* at guest_begin() */

    struct guest_page **pages;
    size_t page_count;

    struct guest_mapping mappings[GUEST_MAX_MAPPINGS];
    size_t mapping_count;

    struct guest_port ports[GUEST_MAX_PORTS];
    size_t port_count;

    /* GPA pages the RAM callback (a whvemu.h extension) hands out as host memory. */
    uint64_t ram_pages[GUEST_MAX_MAPPINGS];
    size_t ram_page_count;
    uint32_t unclaimed_port_value; /* IN from a port nobody configured: floating bus */

    /* Failure injection: the n-th call (1-based) of each kind fails; 0 = never. */
    unsigned fail_at[GUEST_CB_COUNT];

    /* What the emulator asked, since guest_init() or guest_begin(). */
    unsigned calls[GUEST_CB_COUNT];
    unsigned callback_count; /* all kinds and the RAM callback; numbers the trace */
    unsigned ram_page_calls;
    unsigned refused;                                 /* requests the emulator should never make */
    WHV_REGISTER_NAME set_names[GUEST_MAX_SET_NAMES]; /* of the last Set call */
    unsigned set_name_count;
    WHV_TRANSLATE_GVA_FLAGS last_translate_flags;
    /* When `log` is set: the first log_capacity memory and port accesses */
    struct guest_access *log;
    unsigned log_capacity, log_count;

    FILE *trace; /* where callbacks are printed; NULL = silent */

    struct guest_xstate xstate;
};

/* A zeroed guest with no memory, no mappings, unclaimed ports reading all ones. */
void guest_init(struct guest *g);
void guest_free(struct guest *g);

/* Setup-time memory access (no trace). Writing creates pages; false when out of memory. */
bool guest_write(struct guest *g, uint64_t gpa, const uint8_t *data, size_t size);
void guest_read(const struct guest *g, uint64_t gpa, uint8_t *data, size_t size);

/* The translation of one GVA page as the translate callback would answer it (no trace). */
WHV_TRANSLATE_GVA_RESULT_CODE guest_translate(const struct guest *g, uint64_t gva, uint64_t *gpa);

/* Snapshot registers and memory: the reference for guest_print_changes(). */
void guest_begin(struct guest *g);

/* Print the registers and memory bytes that differ from the snapshot. */
void guest_print_changes(const struct guest *g, FILE *out);

/* Print a register value in a form that fits its kind. */
void guest_print_reg_value(FILE *out, int index, const WHV_REGISTER_VALUE *value);

/* The callback table to give WHvEmulatorCreateEmulator; the Context must be the guest. */
extern const WHV_EMULATOR_CALLBACKS guest_callbacks;

/* For a callback that stands in for one of guest_callbacks: counts the call (and numbers
 * its trace line, which starts with `what`) and says whether fail_at makes it fail. */
bool guest_count_call(struct guest *g, enum guest_callback kind, const char *what);

/* The access context of an MMIO exit: the first `count` instruction bytes (at most the 16
 * it holds; none, and the emulator fetches them), a read, no GVA or GPA. */
WHV_MEMORY_ACCESS_CONTEXT guest_mmio_access(const void *bytes, unsigned count);

/* One MMIO exit of the vCPU as it stands: the exit context of its state (instruction length
 * `count`), guest_mmio_access, TryMmioEmulation with the guest as the context. Returns its
 * HRESULT and the status. */
HRESULT guest_run_mmio(struct guest *g, WHV_EMULATOR_HANDLE emulator, const void *bytes,
                       unsigned count, WHV_EMULATOR_STATUS *status);

/* The port access of an I/O exit. */
struct guest_port_access {
    uint16_t port;
    unsigned size; /* 1, 2 or 4 */
    bool write, string, rep;
};

/* One port-I/O exit of the vCPU as it stands: the exit context of its state, the access,
 * and RAX, RCX, RSI, RDI, DS and ES from the vCPU (as a hypervisor reports them). */
HRESULT guest_run_io(struct guest *g, WHV_EMULATOR_HANDLE emulator, const void *bytes,
                     unsigned count, const struct guest_port_access *access,
                     WHV_EMULATOR_STATUS *status);

/* The RAM callback for whvemu_set_ram_callback: the pages in ram_pages, traced. Accesses
 * through the pointer it returns are not traced, but show in the list of changes. */
VOID *CALLBACK guest_ram_page(VOID *context, WHV_GUEST_PHYSICAL_ADDRESS gpa_page, UINT32 write);

/* ---- the extended-state extension (guest_xstate.c; docs/extended-state.md) ---- */

/* Lay out the area from this host's CPUID leaf 0DH, standard or compacted, every extended
 * component in its init state; false where the host has no XSAVE. guest_free frees it. */
bool guest_xstate_init(struct guest *g, bool compacted);
void guest_xstate_free(struct guest *g);
/* Component i (2-62) of the area, taken out of its init state (zeros, XSTATE_BV bit set) to
 * be written; NULL when the layout has no such component. */
uint8_t *guest_xstate_component(struct guest *g, unsigned i);
/* whvemu_set_xstate_callbacks with the two callbacks below, when the area is initialised. */
HRESULT guest_install_xstate(const struct guest *g, WHV_EMULATOR_HANDLE emulator);
/* The callbacks (Context: the guest), counted, traced and failed like the others. */
HRESULT CALLBACK guest_get_xstate(VOID *context, VOID *buffer, UINT32 size, UINT32 *written);
HRESULT CALLBACK guest_set_xstate(VOID *context, const VOID *buffer, UINT32 size, UINT64 modified);
/* Snapshot the area (guest_begin does), and print the vector registers beyond the SDK names
 * (ZMM bits 511:128, ZMM16-31, k0-7) that differ from it; false when none does. */
void guest_xstate_begin(struct guest *g);
bool guest_xstate_print_changes(const struct guest *g, FILE *out);

#endif
