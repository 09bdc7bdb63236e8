/* Bit instructions: BT BTS BTR BTC; BSF BSR TZCNT LZCNT POPCNT; MOVBE; CRC32; the
 * BMI1/BMI2 forms ANDN BEXTR BLSI BLSMSK BLSR BZHI PDEP PEXT RORX SARX SHLX SHRX; and
 * ADCX ADOX. (MULX is with the multiplies, muldiv.c.) Undefined flags follow the vendor
 * profile; docs/flags.md has the table. */
#include "exec/exec.h"

#include "api/regcache.h"
#include "exec/flags.h"
#include "optab.h"

/* ---- BT, BTS, BTR, BTC ---- */

/* log2 of an operand size in bits (2 -> 4, 4 -> 5, 8 -> 6). */
static unsigned log2_bits(unsigned size)
{
    return size == 2 ? 4 : size == 4 ? 5 : 6;
}

/* BT* r/m, r or imm8. A register bit offset with a memory operand is a signed offset from
 * the operand's address, so it reaches outside it: the access moves by whole operands
 * ((offset >> log2(bits)) * size bytes) and the bit is offset mod bits. Only CF changes;
 * OF, SF, AF, PF (undefined) are kept by both vendors. */
enum exec_result x_bt(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size, shift = log2_bits(size);
    struct operand target = ops[0];
    uint64_t offset, value, bit, result;
    enum exec_result r = op_read(cpu, &ops[1], &offset);

    if (r != EXEC_OK)
        return r;
    if (target.type == OPT_MEM && ops[1].type == OPT_GPR) {
        uint64_t units = sar_sized(offset, size, shift);
        target.offset = (target.offset + units * size) & size_mask(in->addrsize);
        /* AMD CPUs raise #GP(0) when the moved effective address is not canonical, before
         * the FS/GS base is added (tests/diff: lock btc fs:[rbx], rbx with rbx far below 0
         * faults where the linear address is canonical) */
        if (in->mode == MODE_64 && cpu->vendor == WHVEMU_VENDOR_AMD &&
            !mmu_is_canonical(cpu, target.offset))
            return raise_fault(cpu, target.seg == SEG_SS ? EXC_SS : EXC_GP, true, 0);
    }
    bit = UINT64_C(1) << (offset & ((UINT64_C(1) << shift) - 1));
    r = in->mnemonic == MN_bt ? op_read(cpu, &target, &value) : op_read_dest(cpu, &target, &value);
    if (r != EXEC_OK)
        return r;
    switch (in->mnemonic) {
    case MN_bts: result = value | bit; break;
    case MN_btr: result = value & ~bit; break;
    case MN_btc: result = value ^ bit; break;
    default: result = value; break;
    }
    if (in->mnemonic != MN_bt) {
        r = op_write(cpu, &target, result);
        if (r != EXEC_OK)
            return r;
    }
    flags_update(cpu, FL_CF, (value & bit) ? FL_CF : 0);
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

/* BSF, BSR. A zero source sets ZF and leaves the destination: AMD writes nothing and sets
 * PF, clears CF, OF, SF, AF (the flags of a zero result); Intel keeps the other flags and
 * writes the old value back, which zero-extends a 32-bit register. */
enum exec_result x_bitscan(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size, bits = size * 8, index;
    uint64_t src, old;
    enum exec_result r = op_read(cpu, &ops[1], &src);

    if (r != EXEC_OK)
        return r;
    src &= size_mask(size);
    if (src == 0) {
        if (vendor_is_amd(cpu)) {
            flags_update(cpu, FL_ARITH, FL_ZF | FL_PF);
            return EXEC_OK;
        }
        flags_update(cpu, FL_ZF, FL_ZF);
        r = op_read(cpu, &ops[0], &old);
        return r != EXEC_OK ? r : op_write(cpu, &ops[0], old);
    }
    if (in->mnemonic == MN_bsf)
        index = trailing_zeros(src, bits);
    else
        index = bits - 1 - leading_zeros(src, bits);
    r = op_write(cpu, &ops[0], index);
    if (r != EXEC_OK)
        return r;
    /* ZF, CF, OF, SF, AF clear; PF from the index (both vendors) */
    flags_update(cpu, FL_ARITH, flag_pf(index));
    return EXEC_OK;
}

/* TZCNT, LZCNT, POPCNT. CF: the source was zero (TZCNT/LZCNT); ZF: the result (TZCNT,
 * LZCNT) or the source (POPCNT) is zero. POPCNT clears the rest. After TZCNT and LZCNT the
 * rest is undefined in the manuals: AMD clears SF, AF, PF and keeps OF; Intel keeps all
 * four. */
enum exec_result x_bitcount(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size, bits = size * 8, count = 0;
    uint64_t src, flags, affected = FL_ARITH;
    enum exec_result r = op_read(cpu, &ops[1], &src);

    if (r != EXEC_OK)
        return r;
    src &= size_mask(size);
    if (in->mnemonic == MN_popcnt) {
        for (uint64_t v = src; v; v &= v - 1)
            count++;
        flags = src == 0 ? FL_ZF : 0;
    } else {
        count = in->mnemonic == MN_tzcnt ? trailing_zeros(src, bits) : leading_zeros(src, bits);
        flags = (src == 0 ? FL_CF : 0) | (count == 0 ? FL_ZF : 0);
        affected = vendor_is_amd(cpu) ? FL_ARITH & ~(uint64_t)FL_OF : FL_CF | FL_ZF;
    }
    r = op_write(cpu, &ops[0], count);
    if (r != EXEC_OK)
        return r;
    flags_update(cpu, affected, flags);
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

/* ANDN Gy, By, Ey; BEXTR Gy, Ey, By; BZHI Gy, Ey, By: flags of a logical result (CF from
 * BZHI's index). BEXTR sets PF from the result on both vendors, and on AMD sets AF and
 * clears SF (both undefined in the manuals). */
enum exec_result x_bmi_logic(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size, bits = size * 8;
    uint64_t mask = size_mask(size), a, b, result, flags, affected = bmi_logic_affected(cpu);
    enum exec_result r = read_two(cpu, &ops[1], &ops[2], &a, &b);

    if (r != EXEC_OK)
        return r;
    if (in->mnemonic == MN_andn) {
        result = ~a & b & mask;
        flags = flags_logic(result, size);
    } else if (in->mnemonic == MN_bextr) {
        unsigned start = (unsigned)b & 0xff, length = (unsigned)(b >> 8) & 0xff;
        result = shr64(a & mask, start) & ~shl64(~UINT64_C(0), length);
        flags = flags_logic(result, size);
        affected = FL_ARITH;
        if (vendor_is_amd(cpu))
            flags = (flags & ~(uint64_t)FL_SF) | FL_AF;
    } else { /* MN_bzhi */
        unsigned index = (unsigned)b & 0xff;
        result = a & mask & ~shl64(~UINT64_C(0), index);
        flags = flags_logic(result, size) | (index > bits - 1 ? FL_CF : 0);
    }
    r = op_write(cpu, &ops[0], result);
    if (r != EXEC_OK)
        return r;
    flags_update(cpu, affected, flags);
    return EXEC_OK;
}

/* BLSI, BLSMSK, BLSR (BMI1) and AMD's TBM BLCFILL, BLCI, BLCIC, BLCMSK, BLCS, BLSFILL,
 * BLSIC, T1MSKC, TZMSK, all By, Ey: a mask from the source and source +/- 1. CF is the
 * carry out of source + 1 (the source is all ones), the borrow of source - 1 (the source is
 * zero), or, for BLSI, a non-zero source; the rest as for ANDN. TBM exists only on AMD CPUs
 * (no CPU here runs it): its flags are those of a logical result with that CF, as the APM
 * describes and Bochs implements. */
enum exec_result x_bls(struct vcpu *cpu, const struct insn *in, struct operand *ops)
{
    unsigned size = ops[0].size;
    uint64_t mask = size_mask(size), affected = bmi_logic_affected(cpu), src, up, down, result;
    bool cf;
    enum exec_result r = op_read(cpu, &ops[1], &src);

    if (r != EXEC_OK)
        return r;
    src &= mask;
    up = (src + 1) & mask;
    down = (src - 1) & mask;
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
    if (in->encoding == ENC_XOP)
        affected = FL_ARITH; /* TBM */
    result &= mask;
    r = op_write(cpu, &ops[0], result);
    if (r != EXEC_OK)
        return r;
    flags_update(cpu, affected, flags_logic(result, size) | (cf ? FL_CF : 0));
    return EXEC_OK;
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
