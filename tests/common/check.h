/* Minimal checks for the C test programs: each CHECK counts, a failure prints where and
 * why, and check_summary() prints "N passed, N failed" and gives the exit status. TEST(name)
 * defines a test function that registers itself (no list to keep beside the definitions);
 * check_run_tests() runs the registered ones in the order they are defined. */
#ifndef WHVEMU_TEST_CHECK_H
#define WHVEMU_TEST_CHECK_H

#include <stdio.h>

extern unsigned check_passed, check_failed;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_passed++;                                                                        \
        } else {                                                                                   \
            check_failed++;                                                                        \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b, what)                                                                       \
    CHECK((unsigned long long)(a) == (unsigned long long)(b), "%s: got 0x%llx, want 0x%llx", what, \
          (unsigned long long)(a), (unsigned long long)(b))

int check_summary(void);

/* GNU C: a constructor registers the function before main. */
#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void name##_register(void)                                 \
    {                                                                                              \
        check_register(__FILE__, __LINE__, #name, name);                                           \
    }                                                                                              \
    static void name(void)

void check_register(const char *file, unsigned line, const char *name, void (*test)(void));
void check_run_tests(void);

#endif
