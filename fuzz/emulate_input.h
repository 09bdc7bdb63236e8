/* The byte layout of a fuzz_emulate input, shared by the target (which reads it) and
 * make_seeds.c (which writes the seed corpus), so the two cannot drift apart.
 *
 * An input is: a fixed header (the fields below, little-endian, in this order), then
 * header.reg_count register overrides of REG_OVERRIDE_SIZE bytes each, then the "world"
 * stream: the answers the callbacks give, consumed in call order. Reading past the end
 * yields zeros, so any byte string is a valid input and short seeds mean "defaults". */
#ifndef WHVEMU_FUZZ_EMULATE_INPUT_H
#define WHVEMU_FUZZ_EMULATE_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* X(field, bytes) */
#define FUZZ_EMULATE_HEADER(X)                                                                     \
    X(flags, 1)          /* FUZZ_FLAG_* below */                                                   \
    X(fail_at, 2)        /* number of the callback (1-based, all kinds) to fail; 0: none */        \
    X(exec_state_xor, 2) /* flipped in the computed ExecutionState */                              \
    X(length_cr8, 1)     /* WHV_VP_EXIT_CONTEXT InstructionLength:4, Cr8:4, raw */                 \
    X(byte_count, 1)     /* InstructionByteCount, raw (may exceed 16) */                           \
    X(bytes_low, 8)      /* InstructionBytes[0..7] */                                              \
    X(bytes_high, 8)     /* InstructionBytes[8..15] */                                             \
    X(access_info, 4)    /* AccessInfo.AsUINT32 of the MMIO or I/O context, raw */                 \
    X(port, 2)           /* I/O exits: PortNumber */                                               \
    X(gpa, 8)            /* MMIO exits: Gpa */                                                     \
    X(gva, 8)            /* MMIO exits: Gva */                                                     \
    X(options, 1)        /* FUZZ_OPTION_* below: whvemu.h extensions */                            \
    X(reg_count, 1)      /* register overrides that follow */                                      \
    X(xstate, 1)         /* enum fuzz_xstate: the extended-state extension */

enum {
    FUZZ_FLAG_IO = 1u << 0,   /* TryIoEmulation, else TryMmioEmulation */
    FUZZ_FLAG_MODE_SHIFT = 1, /* bits 1-2: enum vcpu_mode */
    FUZZ_FLAG_MODE_MASK = 3u << 1,
    FUZZ_FLAG_BAD_ARG_SHIFT = 3, /* bits 3-4: enum fuzz_bad_argument */
    FUZZ_FLAG_BAD_ARG_MASK = 3u << 3,
    FUZZ_FLAG_STRUCTURED = 1u << 5,          /* a valid exit built from the fields (below) */
    FUZZ_FLAG_DESTROY_IN_CALLBACK = 1u << 6, /* the first callback destroys the emulator
                                              * and creates another in its slot */
    FUZZ_FLAG_VENDOR_DEFAULT = 1u << 7,      /* WHVEMU_OPTION_VENDOR left at its default (host),
                                         * else FUZZ_OPTION_VENDOR_AMD picks a C profile */
};

/* Structured mode: instead of raw exit fields, an exit the hypervisor could really report,
 * in any of the eight CPU modes, so that fuzzing time goes past argument validation.
 * - exec_state_xor is the shape below; the mode bits of flags are not used;
 * - byte_count is taken modulo 17; access_info keeps only its defined bits;
 * - MMIO: the low 12 bits of port are RIP's page offset (to reach page ends);
 * - port I/O: the instruction is built, not taken from bytes_low: its low byte selects one
 *   of the twelve I/O opcodes (low nibble) and prefixes 66, 67, F3, 2E (high nibble), the
 *   port comes from port, and AccessInfo says what that instruction does;
 * - register overrides name a general register (index % 18 < 16), a data segment
 *   (16: DS, ES, SS, FS, GS by the value's bits 96-98; base from bits 0-63, limit from 64-95,
 *   bits 99-102 expand-down, read-only, 16-bit, not present) or the status flags (17). */
enum fuzz_cpu_mode {
    FUZZ_MODE_REAL,
    FUZZ_MODE_V86,
    FUZZ_MODE_PROT16,
    FUZZ_MODE_PROT32,
    FUZZ_MODE_PROT32_PAGED,
    FUZZ_MODE_LONG64,
    FUZZ_MODE_COMPAT32,
    FUZZ_MODE_COMPAT16,
};
enum {
    FUZZ_SHAPE_MODE_MASK = 7u,            /* enum fuzz_cpu_mode */
    FUZZ_SHAPE_CPL_SHIFT = 3,             /* bits 3-4: CPL (protected modes) */
    FUZZ_SHAPE_ALIGNMENT_CHECK = 1u << 5, /* CR0.AM and RFLAGS.AC */
    FUZZ_SHAPE_TF = 1u << 6,
    FUZZ_SHAPE_DF = 1u << 7,
    FUZZ_SHAPE_IOPL_SHIFT = 8, /* bits 8-9 */
    FUZZ_SHAPE_INTERRUPT_SHADOW = 1u << 10,
    FUZZ_SHAPE_PAE = 1u << 11, /* 32-bit paging with PAE */
    FUZZ_SHAPE_SMEP_SMAP = 1u << 12,
    FUZZ_SHAPE_RF = 1u << 13, /* RFLAGS.RF: cleared by a completed instruction */
};

enum {
    FUZZ_OPTION_VENDOR_AMD = 1u << 0,   /* WHVEMU_OPTION_VENDOR: AMD, else Intel (unless
                                           * FUZZ_FLAG_VENDOR_DEFAULT) */
    FUZZ_OPTION_RAM_CALLBACK = 1u << 1, /* whvemu_set_ram_callback installed */
    FUZZ_OPTION_REP_BUDGET_SHIFT = 2,   /* bits 2-7: WHVEMU_OPTION_REP_BUDGET: 0 leaves
                                           * the default, 63 is WHVEMU_REP_TO_COMPLETION */
};
#define FUZZ_REP_TO_COMPLETION 63u

/* The extended-state extension (whvemu.h), with the host's layout: none; the guest's area in
 * the standard or the compacted format, XSTATE_BV from the world stream; or a hostile VMM
 * whose area header and BytesWritten come from the stream (xstate % 4). */
enum fuzz_xstate {
    FUZZ_XSTATE_NONE,
    FUZZ_XSTATE_STANDARD,
    FUZZ_XSTATE_COMPACTED,
    FUZZ_XSTATE_HOSTILE,
};

/* Arguments the API must reject with E_INVALIDARG instead of crashing. */
enum fuzz_bad_argument {
    FUZZ_ARGS_VALID,
    FUZZ_NULL_VP_CONTEXT,
    FUZZ_NULL_ACCESS_CONTEXT,
    FUZZ_NULL_STATUS,
};

struct fuzz_emulate_header {
#define FUZZ_FIELD(name, bytes) uint64_t name;
    FUZZ_EMULATE_HEADER(FUZZ_FIELD)
#undef FUZZ_FIELD
};

/* One register override: index into reg_table (modulo its size), then the 16-byte
 * WHV_REGISTER_VALUE as low and high 64-bit halves. */
#define REG_OVERRIDE_SIZE 17

/* World stream, per callback:
 * - translate: 1 byte. 0: success, identity. 1..8: that WHV_TRANSLATE_GVA_RESULT_CODE.
 *   9: success with the next 8 bytes as the GPA, used raw (unaligned ones included).
 *   10..255: success, the page moved to GVA page ^ (byte << 12).
 * - memory read: AccessSize bytes of data. Writes consume nothing.
 * - I/O in: 4 bytes of data. Out consumes nothing.
 * - RAM (the whvemu.h extension, when installed): 1 byte; odd: the page is host RAM,
 *   even: NULL (use the memory callback).
 * - GetXstate (when installed): 8 bytes of XSTATE_BV; hostile: then 8 of XCOMP_BV and 2 of
 *   BytesWritten. SetXstate consumes nothing. */
enum {
    WORLD_TRANSLATE_IDENTITY = 0,
    WORLD_TRANSLATE_RAW_GPA = 9,
    WORLD_TRANSLATE_FIRST_MOVED = 10,
};

/* Little-endian reading that yields zeros past the end. */
struct fuzz_reader {
    const uint8_t *data;
    size_t size, pos;
};

static inline uint64_t fuzz_take(struct fuzz_reader *r, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = 0; i < bytes; i++, r->pos++)
        if (r->pos < r->size)
            value |= (uint64_t)r->data[r->pos] << (8 * i);
    return value;
}

static inline void fuzz_read_header(struct fuzz_reader *r, struct fuzz_emulate_header *h)
{
#define FUZZ_FIELD(name, bytes) h->name = fuzz_take(r, bytes);
    FUZZ_EMULATE_HEADER(FUZZ_FIELD)
#undef FUZZ_FIELD
}

#endif
