/* whvemu_insn_length / whvemu_format: the decoder and formatter for diagnostics. */
#include "whvemu.h"

#include "decoder.h"

/* Bits of the code segment -> enum cpu_mode; false for anything else. */
static bool mode_of_bits(unsigned bits, enum cpu_mode *mode)
{
    switch (bits) {
    case 16: *mode = MODE_16; return true;
    case 32: *mode = MODE_32; return true;
    case 64: *mode = MODE_64; return true;
    default: return false;
    }
}

/* The public length convention: length, 0 for "need more bytes", -1 for #UD, #GP (too
 * long) or a bad argument. */
static int length_result(enum decode_status status, const struct insn *insn)
{
    switch (status) {
    case DECODE_OK: return insn->length;
    case DECODE_NEED_MORE: return 0;
    default: return -1;
    }
}

WHVEMU_API int whvemu_insn_length(unsigned bits, const uint8_t *bytes, size_t avail)
{
    enum cpu_mode mode;
    struct insn insn;
    if (!bytes || !mode_of_bits(bits, &mode))
        return -1;
    return length_result(decode_insn(mode, bytes, avail, &insn), &insn);
}

WHVEMU_API int whvemu_format(unsigned bits, const uint8_t *bytes, size_t avail, char *out,
                             size_t outsz)
{
    enum cpu_mode mode;
    struct insn insn;
    if (!bytes || !out || outsz == 0 || !mode_of_bits(bits, &mode))
        return -1;
    enum decode_status status = decode_insn(mode, bytes, avail, &insn);
    format_insn(&insn, 0, out, outsz);
    return length_result(status, &insn);
}
