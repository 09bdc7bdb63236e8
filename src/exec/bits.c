/* Bit instructions: BT BTS BTR BTC; BSF BSR TZCNT LZCNT POPCNT; MOVBE; CRC32; the
 * BMI1/BMI2 forms ANDN BEXTR BLSI BLSMSK BLSR BZHI PDEP PEXT RORX SARX SHLX SHRX; and
 * ADCX ADOX. (MULX is with the multiplies, muldiv.c.) The ones whose flags the manuals
 * leave partly undefined run on the host when the call runs host operations (hostop.h),
 * else in C, where undefined flags follow the vendor profile; docs/flags.md has the table. */
#include "exec/exec.h"

#include "core/regcache.h"
#include "exec/flags.h"
#include "exec/hostop.h"
#include "optab.h"

/* ---- BT, BTS, BTR, BTC ---- */

/* log2 of an operand size in bits (2 -> 4, 4 -> 5, 8 -> 6). */
static unsigned log2_bits(unsigned size)
{
    return size == 2 ? 4 : size == 4 ? 5 : 6;
}

/* BT* in C: the bit (o->src, below the width) tested into CF, and set, cleared or
 * complemented. OF, SF, AF, PF (undefined) are kept by both vendors. */
static void bt_in_c(enum mnemonic mn, struct int_op *o)
{
    uint64_t bit = UINT64_C(1) << o->src, value = o->dst;

    switch (mn) {
    case MN_bts: o->dst = value | bit; break;
    case MN_btr: o->dst = value & ~bit; break;
    case MN_btc: o->dst = value ^ bit; break;
    default: break;
    }
    o->flags = flags_merge(o->flags, FL_CF, (value & bit) ? FL_CF : 0);
}

/* BT* r/m, r or imm8. A register bit offset with a memory operand is a signed offset from
 * the operand's address, so it reaches outside it: the access moves by whole operands
 * ((offset >> log2(bits)) * size bytes) and the bit is offset mod bits. */
enum exec_result x_bt(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size, shift = log2_bits(size);
    struct operand target = ops[0];
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    uint64_t offset;
    enum exec_result r = op_read(cpu, &ops[1], &offset);

    if (r != EXEC_OK)
        return r;
    if (target.type == OPT_MEM && ops[1].type == OPT_GPR) {
        uint64_t units = sar_sized(offset, size, shift);
        target.offset = (target.offset + units * size) & size_mask(in->addrsize);
    }
    o.src = offset & ((UINT64_C(1) << shift) - 1);
    r = in->mnemonic == MN_bt ? op_read(cpu, &target, &o.dst) : op_read_dest(cpu, &target, &o.dst);
    if (r != EXEC_OK)
        return r;
    if (!host_op(cpu, in->mnemonic, false, size, &o))
        bt_in_c(in->mnemonic, &o);
    if (in->mnemonic != MN_bt)
        return op_write_flags(cpu, &target, &o);
    reg_set(cpu, R_RFLAGS, o.flags);
    return EXEC_OK;
}

/* ---- bit scans and counts ---- */

static unsigned trailing_zeros(uint64_t value, unsigned bits)
{
    unsigned n = 0;

    while (n < bits && !((value >> n) & 1))
        n++;
    return n;
}

static unsigned leading_zeros(uint64_t value, unsigned bits)
{
    unsigned n = 0;

    while (n < bits && !((value >> (bits - 1 - n)) & 1))
        n++;
    return n;
}

/* BSF, BSR in C. A zero source sets ZF and leaves the destination: AMD writes nothing and
 * sets PF, clears CF, OF, SF, AF (the flags of a zero result); Intel keeps the other flags
 * and writes the old value back, which zero-extends a 32-bit register. Otherwise ZF, CF,
 * OF, SF, AF clear, PF from the index (both vendors). */
static void bitscan_in_c(const struct vcpu *cpu, enum mnemonic mn, unsigned size, struct int_op *o)
{
    unsigned bits = size * 8, index;

    if (o->src == 0 && vendor_is_amd(cpu)) {
        o->flags = flags_merge(o->flags, FL_ARITH, FL_ZF | FL_PF);
    } else if (o->src == 0) {
        o->dst = gpr_merge(o->dst, size, o->dst);
        o->flags = flags_merge(o->flags, FL_ZF, FL_ZF);
    } else {
        index =
            mn == MN_bsf ? trailing_zeros(o->src, bits) : bits - 1 - leading_zeros(o->src, bits);
        o->dst = gpr_merge(o->dst, size, index);
        o->flags = flags_merge(o->flags, FL_ARITH, flag_pf(index));
    }
}

/* TZCNT, LZCNT, POPCNT in C. CF: the source was zero (TZCNT/LZCNT); ZF: the result
 * (TZCNT, LZCNT) or the source (POPCNT) is zero. POPCNT clears the rest. After TZCNT and
 * LZCNT the rest is undefined in the manuals: AMD clears SF, AF, PF and keeps OF; Intel
 * keeps all four. */
static void bitcount_in_c(const struct vcpu *cpu, enum mnemonic mn, unsigned size, struct int_op *o)
{
    unsigned bits = size * 8, count = 0;
    uint64_t flags, affected = FL_ARITH;

    if (mn == MN_popcnt) {
        for (uint64_t v = o->src; v; v &= v - 1)
            count++;
        flags = o->src == 0 ? FL_ZF : 0;
    } else {
        count = mn == MN_tzcnt ? trailing_zeros(o->src, bits) : leading_zeros(o->src, bits);
        flags = (o->src == 0 ? FL_CF : 0) | (count == 0 ? FL_ZF : 0);
        affected = vendor_is_amd(cpu) ? FL_ARITH & ~(uint64_t)FL_OF : FL_CF | FL_ZF;
    }
    o->dst = gpr_merge(o->dst, size, count);
    o->flags = flags_merge(o->flags, affected, flags);
}

/* BSF BSR TZCNT LZCNT POPCNT Gv, Ev. The operation sees the whole destination register,
 * as on the host, where BSF/BSR with a zero source may leave it alone. */
enum exec_result x_bitscan(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    enum mnemonic mn = in->mnemonic;
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    enum exec_result r = op_read(cpu, &ops[1], &o.src);

    if (r != EXEC_OK)
        return r;
    o.dst = gpr_read(cpu, ops[0].reg, 8, false);
    if (!host_op(cpu, mn, false, size, &o)) {
        if (mn == MN_bsf || mn == MN_bsr)
            bitscan_in_c(cpu, mn, size, &o);
        else
            bitcount_in_c(cpu, mn, size, &o);
    }
    gpr_write(cpu, ops[0].reg, 8, false, o.dst);
    reg_set(cpu, R_RFLAGS, o.flags);
    return EXEC_OK;
}

/* ---- MOVBE, CRC32 ---- */

static uint64_t byte_swap(uint64_t value, unsigned size)
{
    uint64_t result = 0;

    for (unsigned i = 0; i < size; i++)
        result = result << 8 | ((value >> (8 * i)) & 0xff);
    return result;
}

enum exec_result x_movbe(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t value;
    enum exec_result r = op_read(cpu, &ops[1], &value);

    (void)in;
    if (r != EXEC_OK)
        return r;
    return op_write(cpu, &ops[0], byte_swap(value, ops[1].size));
}

/* CRC32: the CRC-32C (Castagnoli) of the source bytes, in memory order, accumulated into
 * the low 32 bits of the destination; the result is zero-extended to the destination,
 * which is 64 bits with REX.W and 32 bits otherwise (a 66 prefix sizes the source only). */
enum exec_result x_crc32(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t src;
    uint32_t crc = (uint32_t)gpr_read(cpu, ops[0].reg, 4, false);
    enum exec_result r = op_read(cpu, &ops[1], &src);

    if (r != EXEC_OK)
        return r;
    for (unsigned i = 0; i < ops[1].size; i++) {
        crc ^= (uint32_t)(src >> (8 * i)) & 0xff;
        for (unsigned b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
    }
    gpr_write(cpu, ops[0].reg, in->opsize == 8 ? 8 : 4, false, crc);
    return EXEC_OK;
}

/* ---- BMI1 / BMI2 ---- */

/* The flags ANDN, BZHI, BLSI, BLSMSK and BLSR set: those of a logical result (AF clear),
 * where PF is undefined in the manuals: AMD sets it from the result, Intel keeps it. */
static uint64_t bmi_logic_affected(const struct vcpu *cpu)
{
    return vendor_is_amd(cpu) ? FL_ARITH : FL_ARITH & ~(uint64_t)FL_PF;
}

/* Operands of the BMI forms are 32 or 64 bits; ops[] as the table orders them. */
static enum exec_result read_two(struct vcpu *cpu, const struct operand *a, const struct operand *b,
                                 uint64_t *va, uint64_t *vb)
{
    enum exec_result r = op_read(cpu, a, va);

    return r != EXEC_OK ? r : op_read(cpu, b, vb);
}

/* ANDN, BEXTR, BZHI in C: dst = ~src & src2, the src2-controlled field of src, src below
 * bit src2; the flags of a logical result (CF from BZHI's index). BEXTR sets PF from the
 * result on both vendors, and on AMD sets AF and clears SF (both undefined). */
static void bmi_logic_in_c(const struct vcpu *cpu, enum mnemonic mn, unsigned size,
                           struct int_op *o)
{
    unsigned bits = size * 8;
    uint64_t mask = size_mask(size), a = o->src & mask, b = o->src2, flags;
    uint64_t affected = bmi_logic_affected(cpu);

    if (mn == MN_andn) {
        o->dst = ~a & b & mask;
        flags = flags_logic(o->dst, size);
    } else if (mn == MN_bextr) {
        unsigned start = (unsigned)b & 0xff, length = (unsigned)(b >> 8) & 0xff;
        o->dst = shr64(a, start) & ~shl64(~UINT64_C(0), length);
        flags = flags_logic(o->dst, size);
        affected = FL_ARITH;
        if (vendor_is_amd(cpu))
            flags = (flags & ~(uint64_t)FL_SF) | FL_AF;
    } else { /* MN_bzhi */
        unsigned index = (unsigned)b & 0xff;
        o->dst = a & ~shl64(~UINT64_C(0), index);
        flags = flags_logic(o->dst, size) | (index > bits - 1 ? FL_CF : 0);
    }
    o->flags = flags_merge(o->flags, affected, flags);
}

/* ANDN Gy, By, Ey; BEXTR Gy, Ey, By; BZHI Gy, Ey, By. */
enum exec_result x_bmi_logic(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    enum exec_result r = read_two(cpu, &ops[1], &ops[2], &o.src, &o.src2);

    if (r != EXEC_OK)
        return r;
    if (!host_op(cpu, in->mnemonic, false, ops[0].size, &o))
        bmi_logic_in_c(cpu, in->mnemonic, ops[0].size, &o);
    return op_write_flags(cpu, &ops[0], &o);
}

/* BLSI, BLSMSK, BLSR (BMI1) and AMD's TBM BLCFILL, BLCI, BLCIC, BLCMSK, BLCS, BLSFILL,
 * BLSIC, T1MSKC, TZMSK in C: a mask from the source and source +/- 1. CF is the carry out
 * of source + 1 (the source is all ones), the borrow of source - 1 (the source is zero),
 * or, for BLSI, a non-zero source; the rest as for ANDN. TBM exists only on AMD CPUs (no
 * CPU here runs it): its flags are those of a logical result with that CF, as the APM
 * describes and Bochs implements. */
static void bls_in_c(const struct vcpu *cpu, const struct insn *in, unsigned size, struct int_op *o)
{
    uint64_t mask = size_mask(size), affected = bmi_logic_affected(cpu), src = o->src & mask;
    uint64_t up = (src + 1) & mask, down = (src - 1) & mask, result;
    bool cf;

    // clang-format off
    switch (in->mnemonic) {
    case MN_blsi: result = src & (0 - src); cf = src != 0; break;
    case MN_blsmsk: result = src ^ down; cf = src == 0; break;
    case MN_blsr: result = src & down; cf = src == 0; break;
    case MN_blcfill: result = src & up; cf = up == 0; break;
    case MN_blci: result = src | ~up; cf = up == 0; break;
    case MN_blcic: result = ~src & up; cf = up == 0; break;
    case MN_blcmsk: result = src ^ up; cf = up == 0; break;
    case MN_blcs: result = src | up; cf = up == 0; break;
    case MN_t1mskc: result = ~src | up; cf = up == 0; break;
    case MN_blsfill: result = src | down; cf = src == 0; break;
    case MN_blsic: result = ~src | down; cf = src == 0; break;
    default: result = ~src & down; cf = src == 0; break; /* MN_tzmsk */
    }
    // clang-format on
    if (in->encoding == ENC_XOP)
        affected = FL_ARITH; /* TBM */
    o->dst = result & mask;
    o->flags = flags_merge(o->flags, affected, flags_logic(o->dst, size) | (cf ? FL_CF : 0));
}

/* The BLS and TBM forms, all By, Ey. */
enum exec_result x_bls(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    struct int_op o = { .flags = reg_get(cpu, R_RFLAGS) };
    enum exec_result r = op_read(cpu, &ops[1], &o.src);

    if (r != EXEC_OK)
        return r;
    if (!host_op(cpu, in->mnemonic, false, ops[0].size, &o))
        bls_in_c(cpu, in, ops[0].size, &o);
    return op_write_flags(cpu, &ops[0], &o);
}

/* PDEP / PEXT Gy, By (source), Ey (mask): deposit the low source bits at the mask's set
 * bits / gather the source bits under the mask into the low bits. No flags. */
enum exec_result x_pdep_pext(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    uint64_t src, mask, result = 0, out = 1;
    enum exec_result r = read_two(cpu, &ops[1], &ops[2], &src, &mask);

    if (r != EXEC_OK)
        return r;
    mask &= size_mask(ops[0].size);
    for (uint64_t m = mask; m; m &= m - 1, out <<= 1) {
        uint64_t lowest = m & (0 - m);
        if (in->mnemonic == MN_pdep) {
            if (src & out)
                result |= lowest;
        } else if (src & lowest) {
            result |= out;
        }
    }
    return op_write(cpu, &ops[0], result);
}

/* RORX Gy, Ey, imm8 and SARX / SHLX / SHRX Gy, Ey, By: count masked to the width, no
 * flags. */
enum exec_result x_shiftx(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size, bits = size * 8, count;
    uint64_t mask = size_mask(size), v, c, result;
    enum exec_result r = read_two(cpu, &ops[1], &ops[2], &v, &c);

    if (r != EXEC_OK)
        return r;
    v &= mask;
    count = (unsigned)c & (bits - 1);
    switch (in->mnemonic) {
    case MN_rorx: result = count ? (v >> count | v << (bits - count)) : v; break;
    case MN_sarx: result = sar_sized(v, size, count); break;
    case MN_shlx: result = v << count; break;
    default: result = v >> count; break; /* MN_shrx */
    }
    return op_write(cpu, &ops[0], result & mask);
}

/* ADCX / ADOX Gy, Ey: an add with carry that uses and sets only CF (ADCX) or only OF
 * (ADOX) as the carry. */
enum exec_result x_adx(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    uint64_t carry_flag = in->mnemonic == MN_adcx ? FL_CF : FL_OF;
    unsigned carry = (reg_get(cpu, R_RFLAGS) & carry_flag) ? 1 : 0;
    uint64_t a, b;
    enum exec_result r = read_two(cpu, &ops[0], &ops[1], &a, &b);

    if (r != EXEC_OK)
        return r;
    r = op_write(cpu, &ops[0], a + b + carry);
    if (r != EXEC_OK)
        return r;
    flags_update(cpu, carry_flag, (flags_add(a, b, carry, size) & FL_CF) ? carry_flag : 0);
    return EXEC_OK;
}
