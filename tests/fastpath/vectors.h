/* Vector-move exits at random (vectors.c). */
#ifndef WHVEMU_TEST_FASTPATH_VECTORS_H
#define WHVEMU_TEST_FASTPATH_VECTORS_H

/* Run `count` SIMD-move exits through fuzz_emulate's comparison of the fast and general
 * paths; aborts on a difference. */
void test_vector_exits(unsigned long count);

/* The legacy SSE moves' decode-cache plans (exec/plan.h), each precondition that decides
 * whether one runs, through the same comparison; aborts on a difference. */
void test_vector_plan_exits(void);

#endif
