/* Arithmetic flags computed in portable C, shared by the executor's families: the six
 * status flags of an add, a subtract or a logical result of each operand size, the
 * vendor profile for flags the manuals leave undefined, and condition-code evaluation
 * for Jcc / SETcc / CMOVcc.
 *
 * The helpers return RFLAGS bit patterns (FL_*); flags_update() merges the bits a given
 * instruction affects into the cached RFLAGS. docs/flags.md lists every undefined flag
 * and what each vendor profile does with it. */
#ifndef WHVEMU_FLAGS_H
#define WHVEMU_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/operand.h"
#include "whvemu.h"

/* Condition codes, in the encoding order of Jcc/SETcc/CMOVcc (the low nibble of the
 * opcode): O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G. */
enum cond {
    CC_O = 0,
    CC_NO,
    CC_B,
    CC_AE,
    CC_E,
    CC_NE,
    CC_BE,
    CC_A,
    CC_S,
    CC_NS,
    CC_P,
    CC_NP,
    CC_L,
    CC_GE,
    CC_LE,
    CC_G,
};

/* Whether condition cc (0..15, higher bits ignored) holds for these flags. */
bool cond_true(uint64_t rflags, unsigned cc);

/* Whose undefined flags to reproduce (a WHVEMU_VENDOR). */
static inline bool vendor_is_amd(const struct vcpu *cpu)
{
    return cpu->vendor == WHVEMU_VENDOR_AMD;
}

/* The most significant bit of a value of size bytes, as 0 or 1. */
static inline unsigned msb(uint64_t value, unsigned size)
{
    return (unsigned)(value >> (size * 8 - 1)) & 1;
}

/* Shifts of 64-bit values by any count (C leaves counts >= 64 undefined; here the bits
 * simply leave), and an arithmetic right shift of a value of size bytes, sign-extended. */
static inline uint64_t shl64(uint64_t value, unsigned count)
{
    return count >= 64 ? 0 : value << count;
}

static inline uint64_t shr64(uint64_t value, unsigned count)
{
    return count >= 64 ? 0 : value >> count;
}

static inline uint64_t sar_sized(uint64_t value, unsigned size, unsigned count)
{
    uint64_t sign_fill = msb(value, size) ? ~UINT64_C(0) : 0;
    uint64_t v = (value & size_mask(size)) | (sign_fill & ~size_mask(size));

    return shr64(v, count) | (sign_fill & ~shr64(~UINT64_C(0), count));
}

/* PF: set when the low byte of the result has an even number of one bits. */
uint64_t flag_pf(uint64_t result);

/* SF, ZF and PF of a result of size bytes. */
uint64_t flags_szp(uint64_t result, unsigned size);

/* All six status flags of dst + src + carry_in (carry_in 0 or 1), size bytes. */
uint64_t flags_add(uint64_t dst, uint64_t src, unsigned carry_in, unsigned size);

/* All six status flags of dst - src - borrow_in (borrow_in 0 or 1), size bytes. */
uint64_t flags_sub(uint64_t dst, uint64_t src, unsigned borrow_in, unsigned size);

/* AND/OR/XOR/TEST and the like: SF, ZF, PF of the result; CF, OF cleared; AF (undefined
 * in the manuals) cleared, as both Intel and AMD CPUs do. */
uint64_t flags_logic(uint64_t result, unsigned size);

/* The operands of one integer operation, in and out: what a host stub and the C profile
 * of a family both work on. Every field is 64 bits whatever the operand size: what an
 * instruction of a smaller size leaves alone comes back unchanged. */
struct int_op {
    uint64_t dst;      /* in/out: the destination's value; BSF BSR TZCNT LZCNT POPCNT:
                      * the whole 64-bit register, since BSF/BSR with a zero source may
                      * leave it alone, upper half included, as the host does */
    uint64_t src;      /* the source (ANDN: the inverted one; BEXTR, BZHI: the value) */
    uint64_t src2;     /* the count (shifts, SHLD, SHRD; in CL), or the second source
                      * (ANDN: the other one; BEXTR: the control; BZHI: the index) */
    uint64_t rax, rdx; /* in/out: MUL, one-operand IMUL, DIV, IDIV */
    uint64_t flags;    /* in: the guest's RFLAGS; out: the same with the six arithmetic
                      * flags (CF PF AF ZF SF OF) as the operation left them */
};

/* Replace the RFLAGS bits in mask by those of values: in the register cache, or in a
 * value. */
void flags_update(struct vcpu *cpu, uint64_t mask, uint64_t values);
static inline uint64_t flags_merge(uint64_t rflags, uint64_t mask, uint64_t values)
{
    return (rflags & ~mask) | (values & mask);
}

/* Write o->dst to the operand, then, unless the write failed, RFLAGS = o->flags. */
enum exec_result op_write_flags(struct vcpu *cpu, const struct operand *op, const struct int_op *o);

/* alu.c: the two-operand group in C, o->dst = o->dst OP o->src and its flags; x_alu's when
 * the call runs no host operation (hostop.h). */
void alu_in_c(enum mnemonic mn, unsigned size, struct int_op *o);

#endif
