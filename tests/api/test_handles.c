/* The handle table (src/api/handles.c), white-box. This program compiles handles.c itself:
 *  - with HANDLE_GENERATION_BITS 3, so that a slot's generations run out after four
 *    create/destroy cycles instead of 2^31: the slot must then be retired, never wrap
 *    around to make a stale handle valid again;
 *  - with calloc replaced by a wrapper that checks that the table's lock is free: a new
 *    chunk is allocated outside it, so that Create holds the lock only to claim a slot.
 * Then: filling the table to E_OUTOFMEMORY, the free list, and threads that create,
 * look up and destroy at once. */
#include <pthread.h>
#include <stdlib.h>

#include "check.h"

#define HANDLE_GENERATION_BITS 3u
static void *checked_calloc(size_t count, size_t size);
#define calloc checked_calloc
#include "api/handles.c"
#undef calloc

static unsigned chunk_allocations, allocations_under_lock;

static void *checked_calloc(size_t count, size_t size)
{
    chunk_allocations++;
    if (spin_try_lock(&table_lock))
        spin_unlock(&table_lock);
    else
        allocations_under_lock++;
    return calloc(count, size);
}

static uint32_t slot_of(WHV_EMULATOR_HANDLE h)
{
    return (uint32_t)((uintptr_t)h & (MAX_SLOTS - 1));
}

static WHV_EMULATOR_HANDLE create_tagged(uint64_t tag)
{
    struct emulator emu;
    WHV_EMULATOR_HANDLE h = NULL;

    memset(&emu, 0, sizeof emu);
    emu.rep_budget = tag;
    CHECK(handle_create(&emu, &h) == S_OK, "create");
    return h;
}

/* Slot 0 lives four generations (1, 3, 5, 7), then is retired. */
static void test_generations_run_out(void)
{
    WHV_EMULATOR_HANDLE old[4];

    for (unsigned i = 0; i < 4; i++) {
        old[i] = create_tagged(i);
        CHECK_EQ(slot_of(old[i]), 0, "the freed slot is taken again");
        CHECK(handle_lookup(old[i]) && handle_lookup(old[i])->rep_budget == i, "live");
        CHECK(handle_destroy(old[i]) == S_OK, "destroy");
    }
    /* 20 more cycles retire slots 1 to 5 in turn */
    for (unsigned i = 0; i < 20; i++) {
        WHV_EMULATOR_HANDLE h = create_tagged(100);
        CHECK_EQ(slot_of(h), 1 + i / 4, "slots 0.. are retired in turn");
        CHECK(handle_destroy(h) == S_OK, "destroy");
    }
    for (unsigned i = 0; i < 4; i++) {
        CHECK(handle_lookup(old[i]) == NULL, "generation %u stays dead", 2 * i + 1);
        CHECK(handle_destroy(old[i]) == E_INVALIDARG, "no double destroy");
        for (unsigned j = 0; j < i; j++)
            CHECK(old[i] != old[j], "handles %u and %u differ", i, j);
    }
    /* every generation a handle can name, including those never handed out */
    for (uintptr_t gen = 0; gen < 64; gen++)
        CHECK(handle_lookup(encode(0, (uint32_t)gen)) == NULL, "slot 0, generation %u",
              (unsigned)gen);
}

/* Every slot but the six retired ones, then E_OUTOFMEMORY; a destroyed slot is the next one
 * taken. Chunks are allocated outside the lock. */
static void test_fill_table(void)
{
    static WHV_EMULATOR_HANDLE live[MAX_SLOTS];
    struct emulator emu;
    WHV_EMULATOR_HANDLE extra = NULL;
    unsigned n = 0;

    memset(&emu, 0, sizeof emu);
    while (n < MAX_SLOTS && handle_create(&emu, &live[n]) == S_OK)
        n++;
    CHECK_EQ(n, MAX_SLOTS - 6, "live emulators when the table is full");
    CHECK(handle_create(&emu, &extra) == E_OUTOFMEMORY, "full");
    CHECK_EQ(chunk_allocations, MAX_CHUNKS, "one allocation per chunk");
    CHECK_EQ(allocations_under_lock, 0, "allocations under the lock");
    CHECK(handle_destroy(live[1234]) == S_OK && handle_destroy(live[77]) == S_OK, "destroy");
    CHECK(handle_create(&emu, &extra) == S_OK && slot_of(extra) == slot_of(live[77]),
          "the last freed slot comes back first");
    live[77] = extra;
    CHECK(handle_create(&emu, &extra) == S_OK && slot_of(extra) == slot_of(live[1234]),
          "then the one before");
    live[1234] = extra;
    for (unsigned i = 0; i < n; i++)
        CHECK(handle_destroy(live[i]) == S_OK, "destroy %u", i);
}

/* Threads that each create, check and destroy their own emulators, in one table. */
#define THREADS 4
#define CYCLES 3000

static void *churn(void *arg)
{
    uint64_t tag = (uint64_t)(uintptr_t)arg;
    unsigned bad = 0;

    for (unsigned i = 0; i < CYCLES; i++) {
        struct emulator emu;
        WHV_EMULATOR_HANDLE h = NULL;
        memset(&emu, 0, sizeof emu);
        emu.rep_budget = tag;
        bad += handle_create(&emu, &h) != S_OK;
        bad += !handle_lookup(h) || handle_lookup(h)->rep_budget != tag;
        bad += handle_destroy(h) != S_OK;
        bad += handle_lookup(h) != NULL;
    }
    return (void *)(uintptr_t)bad;
}

static void test_threads(void)
{
    pthread_t threads[THREADS];

    for (uintptr_t t = 0; t < THREADS; t++)
        CHECK(pthread_create(&threads[t], NULL, churn, (void *)(t + 1)) == 0, "thread");
    for (unsigned t = 0; t < THREADS; t++) {
        void *bad = NULL;
        pthread_join(threads[t], &bad);
        CHECK_EQ((uintptr_t)bad, 0, "thread's failed checks");
    }
}

int main(void)
{
    test_generations_run_out();
    test_fill_table();
    test_threads();
    return check_summary();
}
