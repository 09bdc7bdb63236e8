/* The table of live emulators behind WHV_EMULATOR_HANDLE values. */
#ifndef WHVEMU_HANDLES_H
#define WHVEMU_HANDLES_H

#include "core/atomics.h"
#include "core/call.h"
#include "exec/insn_cache.h"

/* The table (handles.c). A handle is generation << HANDLE_SHIFT | slot index; the
 * generation is odd, so no handle is NULL. Slots live in chunks never freed, so that any
 * handle value can be checked without touching freed memory. The lookup is here, inline,
 * since every emulation call begins with it. */
#define SLOTS_PER_CHUNK 64u
#define MAX_CHUNKS 1024u /* 65,536 live emulators */
#define MAX_SLOTS (SLOTS_PER_CHUNK * MAX_CHUNKS)
#define INDEX_BITS 16u
#define HANDLE_SHIFT (UINTPTR_MAX > 0xffffffffu ? 32u : INDEX_BITS)

struct slot {
    struct emulator emu;
    atomic_u32 generation; /* odd while in use */
    uint32_t next_free;    /* the free list, under the lock */
    struct insn_cache insn_cache;
};

extern atomic_ptr handle_chunks[MAX_CHUNKS];

static inline struct slot *slot_at(uint32_t index)
{
    struct slot *chunk;

    if (index >= MAX_SLOTS)
        return NULL;
    chunk = load_acquire_ptr(&handle_chunks[index / SLOTS_PER_CHUNK]);
    return chunk ? &chunk[index % SLOTS_PER_CHUNK] : NULL;
}

/* The slot of a live handle, or NULL. */
static inline struct slot *live_slot(WHV_EMULATOR_HANDLE handle)
{
    uintptr_t value = (uintptr_t)handle;
    uint32_t generation = (uint32_t)(value >> HANDLE_SHIFT);
    struct slot *s;

    if ((value & (((uintptr_t)1 << HANDLE_SHIFT) - 1)) >= MAX_SLOTS || !(generation & 1))
        return NULL;
    s = slot_at((uint32_t)(value & (MAX_SLOTS - 1)));
    if (!s || load_acquire(&s->generation) != generation)
        return NULL;
    return s;
}

/* A new handle for a copy of *emulator; E_OUTOFMEMORY when no slot is left. */
HRESULT handle_create(const struct emulator *emulator, WHV_EMULATOR_HANDLE *out);
/* The emulator of a live handle, or NULL for any other value. An emulation call copies it
 * at its start (the handle may be destroyed and its slot reused from a callback). */
static inline struct emulator *handle_lookup(WHV_EMULATOR_HANDLE handle)
{
    struct slot *s = live_slot(handle);
    return s ? &s->emu : NULL;
}
HRESULT handle_destroy(WHV_EMULATOR_HANDLE handle);

#endif
