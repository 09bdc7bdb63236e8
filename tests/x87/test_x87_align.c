/* The memory faults of the x87 memory forms, FXSAVE, FXRSTOR and the MXCSR forms, on this CPU
 * and through the API (every run both ways: the vector and, for #PF, CR2 must agree; a fault
 * must leave memory and the names as they were), and the alignment table x87_alignment_of
 * against the CPU:
 *  - every form, in 64-, 32- and 16-bit code (and with the other operand size where it
 *    changes the operand), at every offset 0-15 within a line, with RFLAGS.AC clear and set
 *    (CR0.AM is set under Linux, CPL 3): #AC, #GP(0) or nothing, as the table says;
 *  - the order against the other faults: a pending x87 exception is #MF before #AC and
 *    before #PF; alignment #GP and #AC come before #PF; a store that an unmasked exception
 *    stops still takes the #PF of a read-only page;
 *  - operands that cross into a page that is not present, at every crossing offset (the
 *    save areas from 16 on in steps of 16), or that start on a read-only one: #PF, CR2. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "exec/x87_fxsave.h"
#include "hostcpu.h"
#include "native.h"
#include "vecstate.h"
#include "x87_case.h"

#define BUFFER_SIZE 0x4000u
#define FL_AC (1u << 18)

static unsigned long offsets_compared, api_runs, page_faults;

static enum cpu_mode mode_of(unsigned bits)
{
    return bits == 64 ? MODE_64 : bits == 32 ? MODE_32 : MODE_16;
}

/* The state every run starts from: FNINIT's, MXCSR 1F80H; FXRSTOR's image likewise. */
static void clean_state(void)
{
    struct fxsave_state s = { 0 };
    uint8_t *in = native_vector_in();

    s.fcw = FCW_INIT;
    s.mxcsr = MXCSR_INIT;
    memset(in, 0, FXSAVE_BYTES + 64);
    fxsave_image_store(&s, true, in);
    if (native_vector_mask())
        in[FXSAVE_BYTES] = 3; /* XSTATE_BV: x87 and SSE from the image */
    memcpy(native_layout()->buffer + 0x200, in, FXSAVE_BYTES);
    memcpy(native_layout()->buffer + 0x400, in, FXSAVE_BYTES);
}

/* The same through the API from the same state and memory (before the native run changes
 * them). */
static unsigned run_api(unsigned bits, const uint8_t *bytes, unsigned length, uint64_t address,
                        bool ac, uint64_t *cr2)
{
    struct fxsave_state s;
    struct insn in;

    CHECK(decode_insn(mode_of(bits), bytes, length, &in) == DECODE_OK, "decode");
    fxsave_image_load(&s, true, native_vector_in());
    s.mxcsr_mask = xsave_host_layout()->mxcsr_mask; /* the VMM gives the CPU's */
    api_runs++;
    return x87_api_vector(bits, bytes, length, address, ac ? FL_AC : 0, &s, !x87_reads_operand(&in),
                          cr2);
}

/* Run bytes with [rBX] at `address` (DS-relative in 16-bit code) natively and through the
 * API, which must agree (CR2 too); the vector, or 0. */
static unsigned run(unsigned bits, const uint8_t *bytes, unsigned length, uint64_t address, bool ac)
{
    struct native_frame frame = native_frame_for(bits);
    struct native_result r;
    uint64_t cr2;
    unsigned api = run_api(bits, bytes, length, address, ac, &cr2), vector;

    frame.gpr[NATIVE_RBX] = address;
    if (ac)
        frame.rflags |= FL_AC;
    native_place(bits, bytes, length);
    native_run(bits, &frame, &r);
    vector = r.faulted ? r.vector : 0;
    CHECK(api == vector && (vector != 14 || cr2 == r.cr2),
          "%u-bit %02x %02x %02x at 0x%llx, AC %d: native vector %u (cr2 0x%llx), API %u (cr2 "
          "0x%llx)",
          bits, bytes[0], bytes[1], length > 2 ? bytes[2] : 0, (unsigned long long)address, ac,
          vector, (unsigned long long)r.cr2, api, (unsigned long long)cr2);
    page_faults += vector == 14;
    return vector;
}

static unsigned expected(struct x87_alignment a, unsigned offset, bool ac)
{
    if (ac && a.ac_unit && offset % a.ac_unit)
        return 17;
    return a.gp_align && offset % a.gp_align ? 13 : 0;
}

static void check_offsets(unsigned bits, const uint8_t *bytes, unsigned length)
{
    const struct x87_profile *p = x87_test_profile();
    struct insn in;
    struct x87_alignment a;

    CHECK(decode_insn(mode_of(bits), bytes, length, &in) == DECODE_OK, "decode");
    a = x87_alignment_of(&in, p);
    for (unsigned ac = 0; ac < 2; ac++) {
        for (unsigned offset = 0; offset < 16; offset++) {
            uint64_t at = 0x200 + offset;
            unsigned want = expected(a, offset, ac), got;

            clean_state();
            got = run(bits, bytes, length,
                      bits == 16 ? at : (uint64_t)(uintptr_t)native_layout()->buffer + at, ac);
            offsets_compared++;
            CHECK(got == want, "%u-bit %s at +%u, AC %u: vector %u, the table says %u", bits,
                  mnemonic_name(in.mnemonic), offset, ac, got, want);
        }
    }
}

static uint8_t rm_bx(unsigned bits)
{
    return bits == 16 ? 7 : 3;
}

TEST(alignment_of_every_form)
{
    static const unsigned modes[] = { 64, 32, 16 };

    for (unsigned m = 0; m < 3; m++) {
        unsigned bits = modes[m];

        if (!native_mode_available(bits))
            continue;
        for (unsigned index = 0; index < 64; index++) {
            uint8_t bytes[3] = { 0x66, (uint8_t)(0xd8 + index / 8),
                                 (uint8_t)((index % 8) << 3 | rm_bx(bits)) };

            if (!x87_form_at(bytes[1], index % 8))
                continue;
            check_offsets(bits, bytes + 1, 2);
            check_offsets(bits, bytes, 3); /* the other operand size */
        }
        for (unsigned reg = 0; reg < 4; reg++) {
            uint8_t bytes[3] = { 0x0f, 0xae, (uint8_t)(reg << 3 | rm_bx(bits)) };
            check_offsets(bits, bytes, 3);
        }
    }
    printf("alignment: %lu offsets compared with the CPU, the API's fault at each too\n",
           offsets_compared);
}

/* A state with IE set and unmasked: #MF is pending. */
static void pending_state(void)
{
    uint8_t *in = native_vector_in();

    clean_state();
    in[0] = 0x7e; /* FCW 037EH */
    in[2] = 0x01; /* FSW.IE */
}

/* ST(0) = the largest double extended, overflow unmasked: FSTP m32 overflows. */
static void overflow_state(void)
{
    static const uint8_t largest[10] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x7f
    };
    uint8_t *in = native_vector_in();

    clean_state();
    in[0] = 0x77; /* FCW 0377H: OE unmasked */
    in[3] = 0x38; /* TOP 7 */
    in[4] = 0x80; /* physical register 7 full */
    memcpy(in + 32, largest, sizeof largest);
}

/* #PF where an operand reaches a page that is not present from one that is, or starts on a
 * read-only one, at every offset that crosses: the fault, CR2 (this CPU reports the
 * operand's last byte for the environment and save areas, the page's first byte for the
 * data operands) and nothing written first (the API side checks that memory is as it was). */
/* The offsets from a page's end that an operand of `size` bytes starts at: every one for
 * the data and environment operands, the first 16 and then every 16th for the save areas. */
static unsigned next_back(unsigned back, unsigned size)
{
    return back < 16 || size <= 64 ? 1 : 16;
}

static void across_pages_in(unsigned bits)
{
    const struct native_layout *l = native_layout();
    uint64_t end = bits == 16 ? l->size : (uint64_t)(uintptr_t)l->buffer + l->size;
    uint8_t rm = rm_bx(bits);
    static const uint8_t forms[][3] = {
        { 0x0f, 0xae, 0 << 3 }, /* FXSAVE */
        { 0x0f, 0xae, 1 << 3 }, /* FXRSTOR */
        { 0x0f, 0xae, 2 << 3 }, /* LDMXCSR */
        { 0x0f, 0xae, 3 << 3 }, /* STMXCSR */
        { 0xdd, 6 << 3 },       /* FNSAVE */
        { 0xdd, 4 << 3 },       /* FRSTOR */
        { 0xd9, 6 << 3 },       /* FNSTENV */
        { 0xd9, 4 << 3 },       /* FLDENV */
        { 0xdb, 5 << 3 },       /* FLD m80 */
        { 0xdb, 7 << 3 },       /* FSTP m80 */
        { 0xdf, 6 << 3 },       /* FBSTP */
        { 0xdd, 0 << 3 },       /* FLD m64 */
        { 0xd9, 7 << 3 },       /* FNSTCW */
    };

    for (unsigned f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        uint8_t bytes[4] = { 0x66, forms[f][0], forms[f][1], forms[f][2] };
        unsigned length = bytes[1] == 0x0f ? 3 : 2, size;
        struct insn in;

        bytes[length] |= rm;
        CHECK(decode_insn(mode_of(bits), bytes + 1, length, &in) == DECODE_OK, "decode");
        size = x87_operand_bytes(&in);
        for (unsigned back = 1; back < size; back += next_back(back, size)) {
            unsigned want = size == FXSAVE_BYTES && back % 16 ? 13 : 14; /* FXSAVE's #GP(0) */

            clean_state();
            CHECK_EQ(run(bits, bytes + 1, length, end - back, false), want,
                     "into a page not present");
            if (length == 2) /* the other operand size (the 14- and 94-byte layouts), compared */
                run(bits, bytes, 3, end - back, false);
        }
    }
    if (bits != 16)
        CHECK_EQ(run(bits, (const uint8_t[]){ 0x0f, 0xae, rm }, 3,
                     (uint64_t)(uintptr_t)l->read_only + NATIVE_PAGE - 256, false),
                 14, "FXSAVE from a read-only page into the buffer");
}

TEST(across_pages)
{
    static const unsigned modes[] = { 64, 32, 16 };

    for (unsigned m = 0; m < 3; m++)
        if (native_mode_available(modes[m]))
            across_pages_in(modes[m]);
}

TEST(fault_order)
{
    static const uint8_t fld[] = { 0xd9, 0x03 }, fstp[] = { 0xd9, 0x1b };
    static const uint8_t fxsave[] = { 0x0f, 0xae, 0x03 };
    const struct native_layout *l = native_layout();
    uint64_t misaligned = (uint64_t)(uintptr_t)l->buffer + 0x201;
    uint64_t read_only = (uint64_t)(uintptr_t)l->read_only;
    static const unsigned modes[] = { 64, 32 };

    for (unsigned m = 0; m < 2; m++) {
        unsigned bits = modes[m];

        if (!native_mode_available(bits))
            continue;
        pending_state();
        CHECK_EQ(run(bits, fld, 2, misaligned, true), 16, "#MF before #AC");
        pending_state();
        CHECK_EQ(run(bits, fld, 2, l->guard, false), 16, "#MF before #PF");
        clean_state();
        CHECK_EQ(run(bits, fld, 2, l->guard + 1, true), 17, "#AC before #PF");
        clean_state();
        CHECK_EQ(run(bits, fxsave, 3, l->guard + 8, true), 13, "FXSAVE #GP before #PF");
        overflow_state();
        CHECK_EQ(run(bits, fstp, 2, read_only, false), 14, "a stopped store's #PF");
    }
}

int main(void)
{
    if (!native_init(BUFFER_SIZE))
        return 2;
    host_describe(stdout);
    check_run_tests();
    printf("%lu runs through the API compared with the CPU's (%lu #PF, CR2 compared)\n", api_runs,
           page_faults);
    host_skip_report(stdout);
    return check_summary();
}
