/* Shifts and rotates: ROL ROR RCL RCR SHL/SAL (incl. the /6 alias) SHR SAR by 1, CL or
 * imm8, and the double shifts SHLD SHRD.
 *
 * The count is masked to 5 bits (6 with 64-bit operands). A masked count of 0 changes no
 * flag, but the destination is still written back: the CPU performs the write (a
 * read-only page faults, a 32-bit register is zero-extended). Each runs on the host when
 * the call runs host operations (hostop.h), else in C, where the flags the manuals leave
 * undefined follow the vendor profile; docs/flags.md has the table. */
#include "exec/exec.h"

#include "core/regcache.h"
#include "exec/flags.h"
#include "exec/hostop.h"
#include "optab.h"

/* CF, and OF as the 1-bit forms define it, which both vendors keep for every count: for
 * a left shift/rotate the MSB of the result differs from CF, for a right one the two top
 * bits of the result differ. */
static uint64_t carry_and_overflow(bool left, uint64_t result, unsigned size, uint64_t cf)
{
    bool of = left ? (msb(result, size) ^ cf) != 0 : msb(result ^ (result << 1), size) != 0;

    return (cf ? FL_CF : 0) | (of ? FL_OF : 0);
}

/* The AF value shifts leave (undefined in the manuals): AMD sets it, Intel clears it. */
static uint64_t shift_af(const struct vcpu *cpu)
{
    return vendor_is_amd(cpu) ? FL_AF : 0;
}

/* The count as the CPU masks it: to 5 bits, 6 with 64-bit operands. */
static unsigned shift_count(const struct int_op *o, unsigned size)
{
    return (unsigned)o->src2 & (size == 8 ? 63 : 31);
}

/* ROL ROR RCL RCR SHL SHR SAR in C, for a masked count of 1 or more. */
static void shift_in_c(const struct vcpu *cpu, enum mnemonic mn, unsigned size, unsigned count,
                       struct int_op *o)
{
    unsigned bits = size * 8;
    bool left = mn == MN_rol || mn == MN_rcl || mn == MN_shl;
    bool rotate = mn == MN_rol || mn == MN_ror || mn == MN_rcl || mn == MN_rcr;
    uint64_t mask = size_mask(size), v = o->dst & mask, result, cf, flags;

    switch (mn) {
    case MN_rol:
    case MN_ror: {
        unsigned n = count % bits;
        unsigned rot = left ? n : (bits - n) % bits; /* as a left rotate */
        result = rot == 0 ? v : ((v << rot) | (v >> (bits - rot))) & mask;
        cf = left ? result & 1 : msb(result, size);
        break;
    }
    case MN_rcl:
    case MN_rcr: {
        /* a (bits + 1)-bit rotate through CF. A count that is a multiple of bits + 1
         * (8/16-bit operands) leaves value and CF; AMD still computes OF, Intel changes
         * no flag. */
        unsigned n = count % (bits + 1);
        uint64_t cf_in = (o->flags & FL_CF) ? 1 : 0;
        if (n == 0 && !vendor_is_amd(cpu))
            return;
        if (n == 0) {
            result = v;
            cf = cf_in;
        } else if (left) {
            result = (shl64(v, n) | (cf_in << (n - 1)) | shr64(v, bits + 1 - n)) & mask;
            cf = (v >> (bits - n)) & 1;
        } else {
            result = (shr64(v, n) | (cf_in << (bits - n)) | shl64(v, bits + 1 - n)) & mask;
            cf = (v >> (n - 1)) & 1;
        }
        break;
    }
    case MN_shl:
        /* counts past the width (8/16-bit operands) shift everything out: CF ends 0 */
        result = shl64(v, count) & mask;
        cf = count <= bits ? (v >> (bits - count)) & 1 : 0;
        break;
    case MN_shr:
        result = shr64(v, count);
        cf = shr64(v, count - 1) & 1;
        break;
    default: /* MN_sar */
        result = sar_sized(v, size, count) & mask;
        cf = sar_sized(v, size, count - 1) & 1;
        break;
    }
    o->dst = result;
    flags = carry_and_overflow(left, result, size, cf);
    if (rotate) {
        /* rotates leave SF, ZF, PF and AF alone */
        o->flags = flags_merge(o->flags, FL_CF | FL_OF, flags);
        return;
    }
    flags |= flags_szp(result, size) | shift_af(cpu);
    if (mn == MN_sar)
        flags &= ~(uint64_t)FL_OF; /* SAR's OF is 0 for every count */
    o->flags = flags_merge(o->flags, FL_ARITH, flags);
}

/* 16-bit SHLD/SHRD with a count of 16..31 (undefined in the manuals): both vendors shift
 * a 48-bit pattern: destination, source and a third word, which is the source on AMD and
 * the destination on Intel. CF/OF: on AMD CF is the last bit out only for a count of 16
 * and 0 beyond, SHLD's OF equals CF; Intel computes them as for smaller counts. */
static uint64_t double_shift16(const struct vcpu *cpu, bool left, uint64_t d, uint64_t s,
                               unsigned count, uint64_t *flags)
{
    bool amd = vendor_is_amd(cpu);
    uint64_t third = amd ? s : d;
    uint64_t pattern, result, cf;

    if (left) {
        pattern = d << 32 | s << 16 | third;
        result = (pattern >> (32 - count)) & 0xffff;
        cf = (pattern >> (48 - count)) & 1;
    } else {
        pattern = third << 32 | s << 16 | d;
        result = (pattern >> count) & 0xffff;
        cf = (pattern >> (count - 1)) & 1;
    }
    if (amd && count > 16)
        cf = 0;
    *flags = flags_szp(result, 2) | shift_af(cpu);
    if (amd && left && count >= 16)
        *flags |= cf ? FL_CF | FL_OF : 0;
    else
        *flags |= carry_and_overflow(left, result, 2, cf);
    return result;
}

/* SHLD/SHRD in C, for a masked count of 1 or more. */
static void shiftd_in_c(const struct vcpu *cpu, bool left, unsigned size, unsigned count,
                        struct int_op *o)
{
    unsigned bits = size * 8;
    uint64_t mask = size_mask(size), d = o->dst & mask, s = o->src & mask, cf, flags;

    if (size == 2) {
        o->dst = double_shift16(cpu, left, d, s, count, &flags);
    } else {
        if (left) {
            o->dst = (d << count | s >> (bits - count)) & mask;
            cf = (d >> (bits - count)) & 1;
        } else {
            o->dst = (d >> count | s << (bits - count)) & mask;
            cf = (d >> (count - 1)) & 1;
        }
        flags =
            carry_and_overflow(left, o->dst, size, cf) | flags_szp(o->dst, size) | shift_af(cpu);
    }
    o->flags = flags_merge(o->flags, FL_ARITH, flags);
}

/* ROL ROR RCL RCR SHL SHR SAR r/m, count (ops[1]); SHLD SHRD r/m, src (ops[1]), count
 * (ops[2]). The count (1, imm8 or CL) goes as given: the CPU masks it to 5 bits (6 with
 * 64-bit operands), a host stub by itself, shift_count() in C. */
enum exec_result x_shift(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    bool double_shift = in->mnemonic == MN_shld || in->mnemonic == MN_shrd;
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    enum exec_result r = op_read_dest(cpu, &ops[0], &o.dst);

    if (r == EXEC_OK)
        r = op_read(cpu, &ops[double_shift ? 2 : 1], &o.src2);
    if (r == EXEC_OK && double_shift)
        r = op_read(cpu, &ops[1], &o.src);
    if (r != EXEC_OK)
        return r;
    if (!host_op(cpu, in->mnemonic, false, size, &o) && shift_count(&o, size) != 0) {
        if (double_shift)
            shiftd_in_c(cpu, in->mnemonic == MN_shld, size, shift_count(&o, size), &o);
        else
            shift_in_c(cpu, in->mnemonic, size, shift_count(&o, size), &o);
    }
    return op_write_flags(cpu, &ops[0], &o); /* also for a masked count of 0 */
}
