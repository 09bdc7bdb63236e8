/* Minimal checks for the C test programs: each CHECK counts, a failure prints where and
 * why, and check_summary() prints "N passed, N failed" and gives the exit status. */
#ifndef WHVEMU_TEST_CHECK_H
#define WHVEMU_TEST_CHECK_H

#include <stdio.h>

extern unsigned check_passed, check_failed;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (cond) {                                                                          \
            check_passed++;                                                                  \
        } else {                                                                             \
            check_failed++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);         \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
        }                                                                                    \
    } while (0)

#define CHECK_EQ(a, b, what)                                                                 \
    CHECK((unsigned long long)(a) == (unsigned long long)(b), "%s: got 0x%llx, want 0x%llx", \
          what, (unsigned long long)(a), (unsigned long long)(b))

int check_summary(void);

#endif
