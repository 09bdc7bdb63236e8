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
#include "vecstate.h"

#define FIXTURE_REGIONS 4

struct fixture_region {
    uint64_t gva, gpa; /* page aligned */
    uint8_t *data;
    uint64_t size;
    bool writable;
};

/* Registers by WHV_REGISTER_NAME: RAX..DR7 (0..0x26) are stored at their own number, the
 * others in slots of their own after them (slot numbers are not names: FIX_EFER is 0x27,
 * which is the name of XCR0). */
enum {
    FIX_EFER = WHvX64RegisterDr7 + 1,
    FIX_PENDING,
    FIX_INTERRUPT_STATE,
    FIX_XCR0,
    FIX_XMM0,                    /* Xmm0..15 */
    FIX_FP_MMX0 = FIX_XMM0 + 16, /* FpMmx0..7 */
    FIX_FP_CONTROL_STATUS = FIX_FP_MMX0 + 8,
    FIX_XMM_CONTROL_STATUS,
    FIX_REG_COUNT
};

/* Room for the extended-state buffer: the harness's components in either format. */
#define FIXTURE_XSTATE_MAX 4096u

struct fixture {
    WHV_REGISTER_VALUE regs[FIX_REG_COUNT];
    bool vector_names_set; /* the emulator set an SDK vector register name */

    /* the extended-state extension's guest side (fixture_xstate.c) */
    uint8_t xstate[FIXTURE_XSTATE_MAX] __attribute__((aligned(64)));
    uint32_t xstate_size;
    bool xstate_set;          /* the emulator stored the buffer back */
    uint64_t xstate_modified; /* with these components marked changed */
    struct fixture_region region[FIXTURE_REGIONS];
    unsigned region_count;

    /* what the emulator asked for that the fixture could not give */
    bool bad_register;
    WHV_REGISTER_NAME bad_register_name;
    const char *bad_memory; /* why a memory access was refused, or NULL */
    uint64_t bad_memory_gpa;
};

extern const WHV_EMULATOR_CALLBACKS fixture_callbacks;

/* Where the regions of the native runner's guest are in guest-physical memory: nowhere near
 * their GVAs. */
#define FIXTURE_GPA_BUFFER UINT64_C(0x100000000)
#define FIXTURE_GPA_CODE UINT64_C(0x110000000)
#define FIXTURE_GPA_TABLES UINT64_C(0x120000000)
#define FIXTURE_GPA_READ_ONLY UINT64_C(0x130000000)

/* The guest of the native runner (native.h) as Linux runs user code: the buffer's copy `ram`
 * (native_layout()->size bytes), the runners' code, the descriptor tables (copied into
 * `tables`, DESCRIPTOR_TABLES_SIZE bytes) and the read-only page as regions; LDTR, GDTR, TR,
 * CR0 (PG AM WP NE ET MP PE), CR4 (with OSFXSR, and OSXSAVE and LA57 as the host has them),
 * EFER, DR6, DR7 and XCR0. The rest (general registers, segments, vector state) is zero:
 * the caller's. */
void fixture_native_guest(struct fixture *f, uint8_t *ram, uint8_t *tables);

struct segment;
/* A segment register's value from the segment (segments.h). */
void fixture_set_segment(WHV_REGISTER_VALUE *v, const struct segment *s);

/* The exit context of an MMIO exit at CS:RIP at CPL 3 in the native runner's guest. */
WHV_VP_EXIT_CONTEXT fixture_exit_context(const struct fixture *f, unsigned length);

/* The register slot of a name, or NULL. */
WHV_REGISTER_VALUE *fixture_reg(struct fixture *f, WHV_REGISTER_NAME name);

/* Forget the call records (bad_*) before a call. */
void fixture_begin(struct fixture *f);

/* The vector registers the SDK names carry (Xmm0-15, FpMmx0-7 in FXSAVE's stack order,
 * FpControlStatus, XmmControlStatus) from v, as the guest's; and the guest's registers
 * after a call: `before` with what the SDK names hold now, or, when the emulator stored
 * the extended-state buffer, that buffer's. */
void fixture_set_vector_state(struct fixture *f, const struct vecstate *v);
/* The same names as FXSAVE's legacy region (bytes 0-415; the rest untouched), each name's
 * 16 bytes as they are: the pointers in whichever format the caller chose. */
void fixture_set_legacy(struct fixture *f, const uint8_t legacy[XSAVE_LEGACY_SIZE]);
void fixture_legacy(const struct fixture *f, uint8_t legacy[XSAVE_LEGACY_SIZE]);
void fixture_vector_state(const struct fixture *f, const struct vecstate *before,
                          struct vecstate *after);

/* ---- the extended-state extension, guest side (fixture_xstate.c) ----
 * For the state no SDK name carries (YMM/ZMM upper halves, XMM16-31, k0-k7), simd-design
 * §2.4: the emulator gets and sets the guest's whole XSAVE area through two callbacks shaped
 * like WHvGet/SetVirtualProcessorXsaveState, laid out by the host's CPUID leaf 0DH. test_diff
 * registers them with whvemu_set_xstate_callbacks (Layout = NULL: the host's leaf). */

/* Fill the buffer from v, in the standard or the compacted format. */
void fixture_xstate_load(struct fixture *f, const struct vecstate *v, bool compacted);

/* The callbacks: Context is the fixture. Get copies the buffer out (E_INVALIDARG with the
 * size needed in *BytesWritten when BufferSize is too small, as WHvGetVirtualProcessorXsave-
 * State does); Set takes it back whole and records Modified. */
HRESULT CALLBACK fixture_get_xstate(VOID *context, VOID *buffer, UINT32 buffer_size,
                                    UINT32 *bytes_written);
HRESULT CALLBACK fixture_set_xstate(VOID *context, const VOID *buffer, UINT32 buffer_size,
                                    UINT64 modified);

/* The registers the buffer holds now (v's others untouched); false when it is malformed. */
bool fixture_xstate_read(const struct fixture *f, struct vecstate *v);

#endif
