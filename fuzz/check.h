/* CHECK(condition): a promise of the API under test; when broken, say which and abort so
 * that libFuzzer (or the corpus replay) reports the input. */
#ifndef WHVEMU_FUZZ_CHECK_H
#define WHVEMU_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            fprintf(stderr, "broken promise: %s (%s:%d)\n", #condition, __FILE__, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
