/* The decode-cache plans, directed (plans.c). */
#ifndef WHVEMU_TEST_FASTPATH_PLANS_H
#define WHVEMU_TEST_FASTPATH_PLANS_H

#include "check.h"

/* Check the plan of each instruction of a table, and run every plan's exit in each case that
 * decides whether it runs through fuzz_emulate's comparison; aborts on a difference. */
void test_plans(void);

#endif
