/* Emulator handles. A WHV_EMULATOR_HANDLE is not a pointer but a slot number and a
 * generation: slots live in chunks that are never returned to the system, so any handle
 * value - stale, destroyed, foreign or garbage - can be checked without touching freed
 * memory. Create and destroy take a spin lock (they are rare); lookups take none. */
#include "api/handles.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS_PER_CHUNK 64u
#define MAX_CHUNKS 1024u /* 65,536 live emulators */

struct slot {
    struct emulator emu;
    _Atomic uint32_t generation; /* odd while in use */
};

static _Atomic(struct slot *) chunks[MAX_CHUNKS];
static atomic_flag table_lock = ATOMIC_FLAG_INIT;

static void lock(void)
{
    while (atomic_flag_test_and_set_explicit(&table_lock, memory_order_acquire))
        ;
}

static void unlock(void)
{
    atomic_flag_clear_explicit(&table_lock, memory_order_release);
}

static WHV_EMULATOR_HANDLE encode(uint32_t index, uint32_t generation)
{
    /* +1 so that no valid handle is NULL */
    return (WHV_EMULATOR_HANDLE)(uintptr_t)(((uint64_t)generation << 32) | (index + 1u));
}

static struct slot *slot_at(uint32_t index)
{
    struct slot *chunk;

    if (index / SLOTS_PER_CHUNK >= MAX_CHUNKS)
        return NULL;
    chunk = atomic_load_explicit(&chunks[index / SLOTS_PER_CHUNK], memory_order_acquire);
    return chunk ? &chunk[index % SLOTS_PER_CHUNK] : NULL;
}

HRESULT handle_create(const WHV_EMULATOR_CALLBACKS *callbacks, WHV_EMULATOR_HANDLE *out)
{
    HRESULT hr = E_OUTOFMEMORY;

    lock();
    for (uint32_t c = 0; c < MAX_CHUNKS; c++) {
        struct slot *chunk = atomic_load_explicit(&chunks[c], memory_order_relaxed);
        if (!chunk) {
            chunk = calloc(SLOTS_PER_CHUNK, sizeof *chunk);
            if (!chunk)
                break;
            atomic_store_explicit(&chunks[c], chunk, memory_order_release);
        }
        for (uint32_t i = 0; i < SLOTS_PER_CHUNK; i++) {
            struct slot *s = &chunk[i];
            uint32_t gen = atomic_load_explicit(&s->generation, memory_order_relaxed);
            if (gen & 1)
                continue;
            memset(&s->emu, 0, sizeof s->emu);
            s->emu.callbacks = *callbacks;
            s->emu.vendor = WHVEMU_VENDOR_HOST;
            gen += 1;
            atomic_store_explicit(&s->generation, gen, memory_order_release);
            *out = encode(c * SLOTS_PER_CHUNK + i, gen);
            hr = S_OK;
            goto done;
        }
    }
done:
    unlock();
    return hr;
}

struct emulator *handle_lookup(WHV_EMULATOR_HANDLE handle)
{
    uint64_t value = (uint64_t)(uintptr_t)handle;
    uint32_t index = (uint32_t)value - 1u;
    uint32_t generation = (uint32_t)(value >> 32);
    struct slot *s;

    if ((uint32_t)value == 0 || !(generation & 1))
        return NULL;
    s = slot_at(index);
    if (!s || atomic_load_explicit(&s->generation, memory_order_acquire) != generation)
        return NULL;
    return &s->emu;
}

HRESULT handle_destroy(WHV_EMULATOR_HANDLE handle)
{
    HRESULT hr = E_INVALIDARG;
    uint64_t value = (uint64_t)(uintptr_t)handle;

    lock();
    if (handle_lookup(handle)) {
        struct slot *s = slot_at((uint32_t)value - 1u);
        /* even: free; the next create of this slot gets a new odd generation */
        atomic_fetch_add_explicit(&s->generation, 1, memory_order_release);
        hr = S_OK;
    }
    unlock();
    return hr;
}
