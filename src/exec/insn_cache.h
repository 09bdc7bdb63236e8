/* The decode cache: a per-emulator memory of instructions already decoded, with what the
 * executor derived from them (exec.c), so that a VMM's repeated MMIO instructions are not
 * decoded again. Decoding is a pure function of the code mode, the decoder options and the
 * instruction's bytes, and an entry is keyed by all three - all of its bytes, however many
 * - so an entry never goes stale and nothing ever invalidates one: a hit gives what decoding
 * would.
 *
 * An entry is used only when the exit gives every byte of the instruction, and made only
 * from bytes the exit gave: fetching bytes makes callbacks, and after the first callback a
 * call never touches the cache, since a callback may destroy the handle and a create reuse
 * its slot (and cache) for an emulator that another thread then runs. One thread per
 * handle (the SDK's contract) makes every other access single-threaded. */
#ifndef WHVEMU_INSN_CACHE_H
#define WHVEMU_INSN_CACHE_H

#include <string.h>

#include "exec/operand.h"
#include "exec/plan.h"

/* 8 sets of 4: a VMM's hot MMIO and port instructions are a handful. */
#define INSN_CACHE_SETS 8
#define INSN_CACHE_WAYS 4

struct insn_cache_entry {
    uint64_t bytes[2]; /* the instruction's bytes, zero past its length */
    uint64_t mask[2];  /* 0xff for each of its bytes */
    uint8_t length;    /* 0: empty */
    uint8_t context;   /* the mode and options decoded with (insn_cache_context) */
    struct insn insn;  /* what decode_insn_options gave */
    /* what exec.c derived from it: the registers it reads, its operands (operands_describe) */
    struct regset needs;
    struct operand ops[MAX_OPERANDS];
    struct plan plan; /* plan.h */
};

struct insn_cache {
    struct insn_cache_entry set[INSN_CACHE_SETS][INSN_CACHE_WAYS];
    uint8_t victim[INSN_CACHE_SETS];     /* the way each set replaces next */
    const struct insn_cache_entry *last; /* the last hit, tried first; NULL: none */
};

/* The first n (0..16) of 16 bytes as two words in host byte order, the rest zero. */
static inline void bytes_prefix(const uint8_t bytes[16], unsigned n, uint64_t words[2])
{
    /* the mask of n bytes is the 16 bytes of this window that start 16 - n in */
    static const uint8_t window[32] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint64_t mask[2];

    memcpy(words, bytes, 16);
    memcpy(mask, window + 16 - n, 16);
    words[0] &= mask[0];
    words[1] &= mask[1];
}

/* An empty cache. */
static inline void insn_cache_clear(struct insn_cache *cache)
{
    memset(cache, 0, sizeof *cache);
}

/* The set of an instruction: a multiplicative hash of its first two bytes, of which the
 * exit gave `count` (a byte it did not give counts as zero; the second byte of a one-byte
 * instruction is the code after it, the same at every exit from one place), a few
 * instructions on every exit. The mode and the options are matched, not hashed: which set
 * an entry is in never makes it wrong. */
static inline unsigned insn_cache_set(const uint8_t *bytes, unsigned count)
{
    uint32_t key = count ? bytes[0] : 0;

    if (count > 1)
        key |= (uint32_t)bytes[1] << 8;
    return (unsigned)((key * 40503u) >> 13) % INSN_CACHE_SETS; /* 40503: 2^16 / golden ratio */
}

/* An entry's mode (enum cpu_mode) and decoder options (enum decode_option bits) in one byte,
 * to be matched in one compare. */
static inline uint8_t insn_cache_context(enum cpu_mode mode, unsigned options)
{
    return (uint8_t)(mode | options << 4);
}

/* (length - 1 < count: filled, and no longer than the bytes the exit gives) */
static inline bool insn_cache_matches(const struct insn_cache_entry *e, const uint64_t words[2],
                                      unsigned count, uint8_t context)
{
    return (unsigned)e->length - 1 < count && e->context == context &&
           (words[0] & e->mask[0]) == e->bytes[0] && (words[1] & e->mask[1]) == e->bytes[1];
}

/* The entry for the instruction of the exit's 16 bytes (as words), of which it gave
 * `count`, with this context (insn_cache_context), or NULL. The bytes past `count` need not
 * be cleared: an entry matches only if its length is at most `count`, and its mask drops
 * every byte past that. */
static inline const struct insn_cache_entry *insn_cache_find(const struct insn_cache *cache,
                                                             const uint64_t words[2],
                                                             unsigned count, uint8_t context)
{
    const struct insn_cache_entry *ways = cache->set[insn_cache_set((const uint8_t *)words, count)];

    for (unsigned w = 0; w < INSN_CACHE_WAYS; w++)
        if (insn_cache_matches(&ways[w], words, count, context))
            return &ways[w];
    return NULL;
}

/* The decoder options a vendor's decoding takes: AMD's near branches. */
static inline unsigned insn_cache_options(uint8_t vendor)
{
    return vendor == WHVEMU_VENDOR_AMD ? DECODE_AMD_BRANCHES : 0;
}

/* The entry of the exit's `count` bytes in cpu->cached, or NULL (fast paths off: always):
 * the last hit if it matches (a VMM's exits repeat one instruction in runs; an entry
 * refilled since is matched like any other), else its set's. (No entry is longer than 15
 * bytes, so a 16th given byte changes nothing.) */
static inline void insn_cache_find_exit(struct vcpu *cpu, const uint8_t bytes[16], unsigned count)
{
    struct insn_cache *cache = cpu->insn_cache;
    uint8_t context;
    uint64_t words[2];

    if (!cache)
        return;
    context = insn_cache_context(cpu->code_mode, insn_cache_options(cpu->vendor));
    memcpy(words, bytes, sizeof words);
    if (cache->last && insn_cache_matches(cache->last, words, count, context)) {
        cpu->cached = cache->last;
        return;
    }
    cpu->cached = insn_cache_find(cache, words, count, context);
    if (cpu->cached)
        cache->last = cpu->cached;
}

/* An entry's instruction, registers and operands into cpu->insn, cpu->insn_needs and ops. */
static inline void insn_cache_copy(const struct insn_cache_entry *e, struct vcpu *cpu,
                                   struct operand ops[MAX_OPERANDS])
{
    cpu->insn = e->insn;
    cpu->insn_needs = e->needs;
    memcpy(ops, e->ops, sizeof e->ops);
}

/* Remember cpu->insn, cpu->insn_needs and ops, derived from cpu->bytes with these options. */
void insn_cache_insert(struct insn_cache *cache, const struct vcpu *cpu, unsigned options,
                       const struct operand ops[MAX_OPERANDS]);

#endif
