/* Emulator handles. A WHV_EMULATOR_HANDLE is not a pointer but a slot number and a
 * generation: slots live in chunks that are never returned to the system, so any handle
 * value - stale, destroyed, foreign or garbage - can be checked without touching freed
 * memory. Lookups take no lock. Create and destroy take a spin lock for the few stores
 * that claim or release a slot, nothing more: the emulator is prepared before, a new chunk
 * is allocated outside it, and free slots are a list, not a scan.
 *
 * A slot's generation is odd while it is in use and counts up at every create and destroy.
 * When it has used its last odd value the slot is retired for good rather than wrapped
 * around, so a stale handle can never become valid again. */
#include "api/handles.h"

#include <stdlib.h>
#include <string.h>

#include "core/atomics.h"

#define NO_SLOT UINT32_MAX

/* Where a pointer has 32 bits only 16 remain for the generation. tests/api builds this file
 * with HANDLE_GENERATION_BITS 3 to exhaust a slot in a few cycles. */
#if !defined(HANDLE_GENERATION_BITS)
#if UINTPTR_MAX > 0xffffffffu
#define HANDLE_GENERATION_BITS 32u
#else
#define HANDLE_GENERATION_BITS 16u
#endif
#endif
#define LAST_GENERATION ((uint32_t)((UINT64_C(1) << HANDLE_GENERATION_BITS) - 1u))

atomic_ptr handle_chunks[MAX_CHUNKS];
static spin_lock table_lock = SPIN_LOCK_INIT;
/* Under the lock: the free list, and how many slots were ever handed out. */
static uint32_t free_head = NO_SLOT;
static uint32_t slots_used;

static WHV_EMULATOR_HANDLE encode(uint32_t index, uint32_t generation)
{
    return (WHV_EMULATOR_HANDLE)(((uintptr_t)generation << HANDLE_SHIFT) | index);
}

/* Under the lock: a free slot, from the list or the next never-used one, if its chunk
 * exists; NO_SLOT otherwise. */
static uint32_t take_slot(void)
{
    uint32_t index = free_head;

    if (index != NO_SLOT) {
        free_head = slot_at(index)->next_free;
        return index;
    }
    if (slots_used == MAX_SLOTS || !slot_at(slots_used))
        return NO_SLOT;
    return slots_used++;
}

/* Under the lock: make `spare` the chunk of the next never-used slots, unless another
 * create did that first. */
static bool install_chunk(struct slot *spare)
{
    uint32_t c = slots_used / SLOTS_PER_CHUNK;

    if (slots_used == MAX_SLOTS || load_acquire_ptr(&handle_chunks[c]))
        return false;
    store_release_ptr(&handle_chunks[c], spare);
    return true;
}

HRESULT handle_create(const struct emulator *emulator, WHV_EMULATOR_HANDLE *out)
{
    struct slot *spare = NULL; /* a chunk allocated outside the lock */

    for (;;) {
        uint32_t index, generation = 0;
        struct slot *s = NULL;
        bool full;

        spin_lock_take(&table_lock);
        if (spare && install_chunk(spare))
            spare = NULL;
        index = take_slot();
        if (index != NO_SLOT) {
            s = slot_at(index);
            s->emu = *emulator;
            s->emu.insn_cache = &s->insn_cache;
            generation = load_acquire(&s->generation) + 1;
            store_release(&s->generation, generation);
        }
        full = slots_used == MAX_SLOTS;
        spin_unlock(&table_lock);
        if (s) {
            free(spare);
            /* The handle is not out yet: no call can use the slot's cache but one in flight
             * of its destroyed emulator, which no longer touches it (insn_cache.h). Empty,
             * although any entry would still be right: an entry is keyed by all that
             * decoding reads, whichever emulator made it. */
            insn_cache_clear(&s->insn_cache);
            *out = encode(index, generation);
            return S_OK;
        }
        if (full) {
            free(spare);
            return E_OUTOFMEMORY;
        }
        if (!spare && !(spare = calloc(SLOTS_PER_CHUNK, sizeof *spare)))
            return E_OUTOFMEMORY;
    }
}

HRESULT handle_destroy(WHV_EMULATOR_HANDLE handle)
{
    HRESULT hr = E_INVALIDARG;
    struct xstate_ext *xstate = NULL;
    struct slot *s;

    spin_lock_take(&table_lock);
    s = live_slot(handle);
    if (s) {
        xstate = s->emu.xstate;
        s->emu.xstate = NULL;
        uint32_t generation = load_acquire(&s->generation);
        /* even: free; the next create of this slot gets a new odd generation */
        store_release(&s->generation, generation + 1);
        if (generation != LAST_GENERATION) {
            s->next_free = free_head;
            free_head = (uint32_t)((uintptr_t)handle & (MAX_SLOTS - 1));
        }
        hr = S_OK;
    }
    spin_unlock(&table_lock);
    xstate_ext_release(xstate); /* outside the lock; a call in flight holds its own */
    return hr;
}
