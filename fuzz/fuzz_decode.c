/* fuzz_decode: whvemu_insn_length and whvemu_format on arbitrary bytes in 16-, 32- and
 * 64-bit mode. Checks: a length is 1..15 and within the bytes given; "needs more bytes"
 * only while fewer than 15 were given; both functions agree; the instruction's own bytes
 * give the same length and one byte fewer gives "needs more"; the text is NUL-terminated
 * within outsz, nothing is written past outsz, and a short buffer keeps the beginning of
 * the full text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whvemu.h"

#include "check.h"

#define MAX_INSN_BYTES 15
#define TEXT_SIZE 256
#define CANARY 0x5a

/* Formats into a canary-filled buffer and checks nothing past outsz was touched. */
static int format_checked(unsigned bits, const uint8_t *data, size_t size, char *text, size_t outsz)
{
    char buffer[TEXT_SIZE + 16];
    memset(buffer, CANARY, sizeof buffer);
    int length = whvemu_format(bits, data, size, buffer, outsz);
    for (size_t i = outsz; i < sizeof buffer; i++)
        CHECK(buffer[i] == CANARY);
    CHECK(memchr(buffer, '\0', outsz) != NULL);
    memcpy(text, buffer, outsz);
    return length;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned modes[] = { 16, 32, 64 };
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        unsigned bits = modes[m];
        int length = whvemu_insn_length(bits, data, size);
        CHECK(length <= MAX_INSN_BYTES);
        CHECK(length < 0 || (size_t)length <= size);
        if (length == 0)
            CHECK(size < MAX_INSN_BYTES);

        char full[TEXT_SIZE], truncated[TEXT_SIZE];
        CHECK(format_checked(bits, data, size, full, TEXT_SIZE) == length);
        if (length > 0)
            CHECK(full[0] != '\0');

        /* A buffer size chosen by the input (0 is a bad argument, not a size). */
        size_t outsz = 1 + (size ? data[size - 1] % 40u : 0);
        CHECK(format_checked(bits, data, size, truncated, outsz) == length);
        CHECK(strncmp(full, truncated, strlen(truncated)) == 0);

        if (length > 0) {
            CHECK(whvemu_insn_length(bits, data, (size_t)length) == length);
            CHECK(whvemu_insn_length(bits, data, (size_t)length - 1) == 0);
        }
    }
    return 0;
}
