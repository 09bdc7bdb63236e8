/* The decode cache (insn_cache.h). */
#include "exec/insn_cache.h"

#include <string.h>

/* The set of an instruction: from its first four bytes (zero past the exit's count; those
 * of a shorter instruction are the code after it, the same at every exit from one place). */
static unsigned set_of(const uint8_t *bytes, enum cpu_mode mode, unsigned options)
{
    uint64_t key = (uint64_t)bytes[0] | (uint64_t)bytes[1] << 8 | (uint64_t)bytes[2] << 16 |
                   (uint64_t)bytes[3] << 24 | (uint64_t)mode << 32 | (uint64_t)options << 40;
    return (unsigned)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) % INSN_CACHE_SETS;
}

static bool entry_matches(const struct insn_cache_entry *e, const uint64_t words[2], unsigned count,
                          enum cpu_mode mode, unsigned options)
{
    return e->length && e->length <= count && e->mode == mode && e->options == options &&
           (words[0] & e->mask[0]) == e->bytes[0] && (words[1] & e->mask[1]) == e->bytes[1];
}

bool insn_cache_lookup(const struct insn_cache *cache, struct vcpu *cpu, unsigned count,
                       unsigned options, struct operand ops[MAX_OPERANDS])
{
    uint64_t words[2];
    const struct insn_cache_entry *ways;

    memcpy(words, cpu->bytes, sizeof words);
    ways = cache->set[set_of(cpu->bytes, cpu->code_mode, options)];
    for (unsigned w = 0; w < INSN_CACHE_WAYS; w++) {
        if (entry_matches(&ways[w], words, count, cpu->code_mode, options)) {
            cpu->insn = ways[w].insn;
            cpu->insn_needs = ways[w].needs;
            memcpy(ops, ways[w].ops, sizeof ways[w].ops);
            return true;
        }
    }
    return false;
}

void insn_cache_insert(struct insn_cache *cache, const struct vcpu *cpu, unsigned options,
                       const struct operand ops[MAX_OPERANDS])
{
    static const uint8_t ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    unsigned set = set_of(cpu->bytes, cpu->code_mode, options), way = cache->victim[set];
    struct insn_cache_entry *e = &cache->set[set][way];

    cache->victim[set] = (uint8_t)((way + 1) % INSN_CACHE_WAYS);
    bytes_prefix(cpu->bytes, cpu->insn.length, e->bytes);
    bytes_prefix(ones, cpu->insn.length, e->mask);
    e->length = cpu->insn.length;
    e->mode = (uint8_t)cpu->code_mode;
    e->options = (uint8_t)options;
    e->insn = cpu->insn;
    e->needs = cpu->insn_needs;
    memcpy(e->ops, ops, sizeof e->ops);
}
