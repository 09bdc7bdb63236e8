/* Instruction bytes written as hex in test tables ("67 66 8b 03"). */
#ifndef WHVEMU_TEST_HEX_BYTES_H
#define WHVEMU_TEST_HEX_BYTES_H

#include <stdint.h>

/* Parse whitespace-separated hex bytes into out (at most capacity); returns the count. */
unsigned hex_bytes(const char *text, uint8_t *out, unsigned capacity);

#endif
