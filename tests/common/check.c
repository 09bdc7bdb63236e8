#include "check.h"

#include <stdlib.h>
#include <string.h>

unsigned check_passed, check_failed;

int check_summary(void)
{
    printf("%u passed, %u failed\n", check_passed, check_failed);
    return check_failed == 0 && check_passed > 0 ? 0 : 1;
}

#define MAX_TESTS 256

struct registered_test {
    const char *file;
    unsigned line;
    const char *name;
    void (*run)(void);
};
static struct registered_test tests[MAX_TESTS];
static unsigned test_count;

void check_register(const char *file, unsigned line, const char *name, void (*test)(void))
{
    if (test_count == MAX_TESTS) {
        fprintf(stderr, "more than %u TEST functions: raise MAX_TESTS\n", MAX_TESTS);
        exit(1);
    }
    tests[test_count++] = (struct registered_test){ file, line, name, test };
}

/* Constructors run in no promised order: the definitions' order is restored. */
static int by_definition(const void *a, const void *b)
{
    const struct registered_test *x = a, *y = b;
    int files = strcmp(x->file, y->file);
    return files ? files : (x->line > y->line) - (x->line < y->line);
}

void check_run_tests(void)
{
    qsort(tests, test_count, sizeof tests[0], by_definition);
    for (unsigned i = 0; i < test_count; i++)
        tests[i].run();
    CHECK(test_count > 0, "no TEST function registered");
}
