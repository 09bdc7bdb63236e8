/* The few atomic operations the library needs: a 32-bit word and a pointer loaded with
 * acquire and stored with release ordering, and a spin lock. C11 <stdatomic.h>, or on
 * Windows the Interlocked functions, which every Windows compiler has (MSVC's C mode may
 * lack <stdatomic.h>); Interlocked calls are full barriers, stronger than asked. Used by the
 * handle table (api/handles.c) and the host detection word (core/cpuid.c). */
#ifndef WHVEMU_ATOMICS_H
#define WHVEMU_ATOMICS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(_WIN32)
#include <windows.h>
typedef volatile LONG atomic_u32;
typedef PVOID volatile atomic_ptr;
typedef volatile LONG spin_lock;
#define SPIN_LOCK_INIT 0

static inline uint32_t load_acquire(atomic_u32 *p)
{
    return (uint32_t)InterlockedCompareExchange(p, 0, 0);
}
static inline void store_release(atomic_u32 *p, uint32_t v)
{
    InterlockedExchange(p, (LONG)v);
}
static inline void *load_acquire_ptr(atomic_ptr *p)
{
    return InterlockedCompareExchangePointer(p, NULL, NULL);
}
static inline void store_release_ptr(atomic_ptr *p, void *v)
{
    InterlockedExchangePointer(p, v);
}
static inline bool spin_try_lock(spin_lock *l)
{
    return InterlockedExchange(l, 1) == 0;
}
static inline void spin_unlock(spin_lock *l)
{
    InterlockedExchange(l, 0);
}
#else
#include <stdatomic.h>
typedef _Atomic uint32_t atomic_u32;
typedef _Atomic(void *) atomic_ptr;
typedef atomic_flag spin_lock;
#define SPIN_LOCK_INIT ATOMIC_FLAG_INIT

static inline uint32_t load_acquire(atomic_u32 *p)
{
    return atomic_load_explicit(p, memory_order_acquire);
}
static inline void store_release(atomic_u32 *p, uint32_t v)
{
    atomic_store_explicit(p, v, memory_order_release);
}
static inline void *load_acquire_ptr(atomic_ptr *p)
{
    return atomic_load_explicit(p, memory_order_acquire);
}
static inline void store_release_ptr(atomic_ptr *p, void *v)
{
    atomic_store_explicit(p, v, memory_order_release);
}
static inline bool spin_try_lock(spin_lock *l)
{
    return !atomic_flag_test_and_set_explicit(l, memory_order_acquire);
}
static inline void spin_unlock(spin_lock *l)
{
    atomic_flag_clear_explicit(l, memory_order_release);
}
#endif

static inline void spin_lock_take(spin_lock *l)
{
    while (!spin_try_lock(l))
        ;
}

/* A once-per-process detection: *slot holds detect()'s answer after the first use. detect
 * must be idempotent and never answer 0 (0 is "not yet"): threads racing on the first use
 * each store the same value, and later calls are one load. */
static inline uint32_t detect_once(atomic_u32 *slot, uint32_t (*detect)(void))
{
    uint32_t w = load_acquire(slot);

    if (!w) {
        w = detect();
        store_release(slot, w);
    }
    return w;
}

#endif
