/* The decode cache (insn_cache.h). */
#include "exec/insn_cache.h"

#include <string.h>

void insn_cache_insert(struct insn_cache *cache, const struct vcpu *cpu, unsigned options,
                       const struct operand ops[MAX_OPERANDS])
{
    static const uint8_t ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    /* cpu->bytes holds the exit's bytes, zero past them: the set of a lookup on that exit */
    unsigned set = insn_cache_set(cpu->bytes, sizeof cpu->bytes), way = cache->victim[set];
    struct insn_cache_entry *e = &cache->set[set][way];

    cache->victim[set] = (uint8_t)((way + 1) % INSN_CACHE_WAYS);
    bytes_prefix(cpu->bytes, cpu->insn.length, e->bytes);
    bytes_prefix(ones, cpu->insn.length, e->mask);
    e->length = cpu->insn.length;
    e->context = insn_cache_context(cpu->code_mode, options);
    e->insn = cpu->insn;
    e->needs = cpu->insn_needs;
    memcpy(e->ops, ops, sizeof e->ops);
    plan_make(&e->plan, &cpu->insn, ops, cpu->insn_needs, cpu->code_mode);
}
