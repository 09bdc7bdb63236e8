#include "hex_bytes.h"

#include <stdlib.h>

unsigned hex_bytes(const char *text, uint8_t *out, unsigned capacity)
{
    unsigned n = 0;
    while (n < capacity) {
        char *end;
        unsigned long v = strtoul(text, &end, 16);
        if (end == text)
            break;
        out[n++] = (uint8_t)v;
        text = end;
    }
    return n;
}
