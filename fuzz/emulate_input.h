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
#define FUZZ_EMULATE_HEADER(X)                                                              \
    X(flags, 1)          /* FUZZ_FLAG_* below */                                            \
    X(fail_at, 2)        /* number of the callback (1-based, all kinds) to fail; 0: none */ \
    X(exec_state_xor, 2) /* flipped in the computed ExecutionState */                        \
    X(length_cr8, 1)     /* WHV_VP_EXIT_CONTEXT InstructionLength:4, Cr8:4, raw */          \
    X(byte_count, 1)     /* InstructionByteCount, raw (may exceed 16) */                    \
    X(bytes_low, 8)      /* InstructionBytes[0..7] */                                       \
    X(bytes_high, 8)     /* InstructionBytes[8..15] */                                      \
    X(access_info, 4)    /* AccessInfo.AsUINT32 of the MMIO or I/O context, raw */          \
    X(port, 2)           /* I/O exits: PortNumber */                                        \
    X(gpa, 8)            /* MMIO exits: Gpa */                                              \
    X(gva, 8)            /* MMIO exits: Gva */                                              \
    X(options, 1)        /* FUZZ_OPTION_* below: whvemu.h extensions */                     \
    X(reg_count, 1)      /* register overrides that follow */

enum {
    FUZZ_FLAG_IO = 1u << 0,           /* TryIoEmulation, else TryMmioEmulation */
    FUZZ_FLAG_MODE_SHIFT = 1,         /* bits 1-2: enum vcpu_mode */
    FUZZ_FLAG_MODE_MASK = 3u << 1,
    FUZZ_FLAG_BAD_ARG_SHIFT = 3,      /* bits 3-4: enum fuzz_bad_argument */
    FUZZ_FLAG_BAD_ARG_MASK = 3u << 3,
    FUZZ_FLAG_VENDOR_DEFAULT = 1u << 5, /* WHVEMU_OPTION_VENDOR left at its default (host),
                                         * else FUZZ_OPTION_VENDOR_AMD picks a C profile */
};

enum {
    FUZZ_OPTION_VENDOR_AMD = 1u << 0,     /* WHVEMU_OPTION_VENDOR: AMD, else Intel (unless
                                           * FUZZ_FLAG_VENDOR_DEFAULT) */
    FUZZ_OPTION_RAM_CALLBACK = 1u << 1,   /* whvemu_set_ram_callback installed */
    FUZZ_OPTION_REP_BUDGET_SHIFT = 2,     /* bits 2-7: WHVEMU_OPTION_REP_BUDGET (0: none) */
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
 *   even: NULL (use the memory callback). */
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
