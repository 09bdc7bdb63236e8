/* The register cache of one emulation call: registers are fetched in batches only when
 * needed and written back once, only those that changed. After the first callback failure
 * (core/callbacks.h) no register is fetched: reads of registers not yet cached return 0,
 * and the call ends without writing anything back.
 *
 * A cached register is written whole, its 16-byte WHV_REGISTER_VALUE in one store
 * (value_store), and goes to the Set callback by a whole copy: a VMM copies the values it
 * is given 16 bytes at a time, and a 16-byte load of a value written by two 8-byte stores
 * just before stalls the CPU's store forwarding (measured 3-6 ns per call on Zen 4). What
 * the VMM gives is read as two 8-byte halves, since a VMM may write only Reg64. */
#ifndef WHVEMU_REGCACHE_H
#define WHVEMU_REGCACHE_H

#include "core/vcpu.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#endif

#if defined(_MSC_VER) && !defined(__GNUC__)
#include <intrin.h>
#endif

/* ---- register sets ---- */

static inline bool regset_has(struct regset s, enum reg_id id)
{
    return (s.word[id / 64] >> (id % 64)) & 1;
}

static inline void regset_add(struct regset *s, enum reg_id id)
{
    s->word[id / 64] |= UINT64_C(1) << (id % 64);
}

static inline bool regset_empty(struct regset s)
{
    uint64_t any = 0;
    for (unsigned w = 0; w < REGSET_WORDS; w++)
        any |= s.word[w];
    return any == 0;
}

/* a & ~b */
static inline struct regset regset_minus(struct regset a, struct regset b)
{
    for (unsigned w = 0; w < REGSET_WORDS; w++)
        a.word[w] &= ~b.word[w];
    return a;
}

static inline struct regset regset_and(struct regset a, struct regset b)
{
    for (unsigned w = 0; w < REGSET_WORDS; w++)
        a.word[w] &= b.word[w];
    return a;
}

/* The number of the lowest set bit of a word that is not 0. */
static inline unsigned lowest_bit(uint64_t word)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(word);
#elif defined(_MSC_VER) && defined(_M_X64)
    unsigned long n;
    _BitScanForward64(&n, word);
    return (unsigned)n;
#else
    unsigned n = 0;
    while (!(word & 1))
        word >>= 1, n++;
    return n;
#endif
}

/* ---- the cache ---- */

/* Write a register value's two halves in one 16-byte store (compilers split the plain
 * assignments into two). */
static inline void value_store(WHV_REGISTER_VALUE *to, uint64_t low, uint64_t high)
{
#if defined(__x86_64__) || defined(_M_X64)
    _mm_storeu_si128((__m128i *)(void *)to, _mm_set_epi64x((long long)high, (long long)low));
#else
    to->Reg128.Low64 = low;
    to->Reg128.High64 = high;
#endif
}

/* Mark a 64-bit register as known without fetching it (values the exit context gives). */
static inline void regs_preset(struct vcpu *cpu, enum reg_id id, uint64_t value)
{
    value_store(&cpu->regs[id], value, 0);
    regset_add(&cpu->reg_valid, id);
}

/* The same for a value as the VMM's Get wrote it (a plan's, exec/plan.h): a 64-bit register
 * keeps Reg64 only, as a fetch does. */
void regs_preset_read(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *v);

/* The same for a segment register. */
static inline void regs_preset_segment(struct vcpu *cpu, enum reg_id id,
                                       const WHV_X64_SEGMENT_REGISTER *s)
{
    cpu->regs[id].Segment = *s;
    regset_add(&cpu->reg_valid, id);
}

/* Seed the cache with what the exit context already tells (RIP, RFLAGS, CS). */
static inline void regs_init(struct vcpu *cpu, const WHV_VP_EXIT_CONTEXT *exit)
{
    cpu->reg_valid = REGSET(0);
    cpu->reg_dirty = REGSET(0);
    regs_preset(cpu, R_RIP, exit->Rip);
    regs_preset(cpu, R_RFLAGS, exit->Rflags);
    regs_preset_segment(cpu, R_CS, &exit->Cs);
}

/* Fetch every register of the set not yet cached, in one callback. False on failure.
 * (regs_fetch_missing: of a set that is not empty, none of it cached.) */
bool regs_fetch_missing(struct vcpu *cpu, struct regset missing);
static inline bool regs_fetch(struct vcpu *cpu, struct regset need)
{
    struct regset missing = regset_minus(need, cpu->reg_valid);
    return regset_empty(missing) || regs_fetch_missing(cpu, missing);
}

/* Read a register (fetched on demand); 0 after a failure. */
const WHV_REGISTER_VALUE *reg_fetch_value(struct vcpu *cpu, enum reg_id id);
static inline const WHV_REGISTER_VALUE *reg_value(struct vcpu *cpu, enum reg_id id)
{
    if (regset_has(cpu->reg_valid, id))
        return &cpu->regs[id];
    return reg_fetch_value(cpu, id);
}
static inline uint64_t reg_get(struct vcpu *cpu, enum reg_id id)
{
    return reg_value(cpu, id)->Reg64;
}

/* Write a register in the cache; it goes back to the VMM at the end of a successful call. */
static inline void reg_set(struct vcpu *cpu, enum reg_id id, uint64_t value)
{
    regs_preset(cpu, id, value);
    regset_add(&cpu->reg_dirty, id);
}
void reg_set_value(struct vcpu *cpu, enum reg_id id, const WHV_REGISTER_VALUE *value);

/* The whole 128-bit value of a register (the SDK vector names: XMM, FpMmx, the FP and XMM
 * control/status registers), and its write. */
static inline WHV_UINT128 reg_read128(struct vcpu *cpu, enum reg_id id)
{
    return reg_value(cpu, id)->Reg128;
}
static inline void reg_write128(struct vcpu *cpu, enum reg_id id, WHV_UINT128 value)
{
    WHV_REGISTER_VALUE v;

    v.Reg128 = value;
    reg_set_value(cpu, id, &v);
}

/* The SDK's name of a register. */
WHV_REGISTER_NAME reg_whv_name(enum reg_id id);

/* Write back the dirty registers in one callback. False on failure. */
bool regs_writeback(struct vcpu *cpu);

#endif
