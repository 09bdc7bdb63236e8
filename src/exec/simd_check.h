/* The state checks of SSE, AVX, AVX-512, MMX and opmask instructions: whether the control
 * registers, XCR0 and the mode let the instruction run (#UD), whether its state must first be
 * restored (#NM, CR0.TS) and whether an x87 exception is pending (#MF, MMX forms).
 *
 * A pure function of that state, the decoded instruction and the vendor profile. Which
 * rules apply is a property of the state the instruction uses (its encoding and the register
 * files of its operands, one row per class below); the order is the SDM's: every #UD cause
 * (one vector, so their order among themselves cannot be seen), then #NM, then #MF — SDM
 * vol. 3A §6.9 Table 6-2 puts #UD and #NM in one priority class, above the faults of
 * executing (#MF, #GP, #PF, #AC), and the exception class tables list #UD first. Decoding
 * has already raised the #UD of the encoding itself (LOCK, prefixes before VEX, VEX.L/W/vvvv,
 * EVEX z/aaa/b). x87 instructions are issue 13's: their class is STATE_NONE here. */
#ifndef WHVEMU_SIMD_CHECK_H
#define WHVEMU_SIMD_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder.h"
#include "exec/simd_profile.h"

/* The control-register, XCR0 and x87 status bits the checks read. */
enum {
    SIMD_CR0_EM = 1u << 2,       /* emulate the FPU: MMX and legacy SSE #UD */
    SIMD_CR0_TS = 1u << 3,       /* task switched: #NM until CLTS */
    SIMD_CR4_OSFXSR = 1u << 9,   /* the OS saves SSE state: legacy SSE runs */
    SIMD_CR4_OSXSAVE = 1u << 18, /* XSAVE and XCR0 enabled: VEX and EVEX run */
    SIMD_XCR0_AVX = 0x06u,       /* SSE and AVX state (components 1, 2) */
    SIMD_XCR0_AVX512 = 0xe6u,    /* and opmask, ZMM_Hi256, Hi16_ZMM (components 5, 6, 7) */
    SIMD_XCR0_AMX = 0x60000u,    /* TILECFG and TILEDATA (components 17, 18) */
};

/* What the checks read of the guest. */
struct simd_state {
    uint64_t cr0, cr4, xcr0;
    uint16_t fcw, fsw;   /* x87 control and status words (read for the MMX classes only) */
    bool protected_mode; /* CR0.PE */
    bool v86;            /* RFLAGS.VM */
};

/* C(class, CR4 bits, XCR0 bits, CR0.EM, CR0.TS, #MF): the classes of state, with the bits
 * CR4 and XCR0 must have (else #UD), whether CR0.EM is #UD, whether CR0.TS is #NM, and
 * whether a pending x87 exception is #MF (x87_exception_pending). Sources: legacy SSE, VEX:
 * SDM vol. 2A §2.4, Tables 2-18 to 2-21 (VEX ignores CR0.EM: vol. 1 §14.11 "Emulation");
 * EVEX and the VEX opmask instructions: vol. 2A "State Dependent #UD", Table 2-37
 * (XCR0[7:5] and [2:1]); MMX registers: vol. 3B §22.25.3 Tables 22-7/22-8 and vol. 3A
 * "Interrupt 6" (the SSE forms that use only MMX registers — MASKMOVQ, MOVNTQ, PINSRW mm —
 * need no CR4.OSFXSR); VEX-encoded GPR instructions (BMI1/BMI2): none but the prefix's mode
 * rule (simd_prefix_ud_in_mode), which holds for every VEX, XOP and EVEX class; AMX: vol. 2A
 * §2.10, the AMX exception classes (XCR0[18:17] = 11b; no CR0.TS row: AMX's #NM is IA32_XFD's,
 * exec/amx.c). */
// clang-format off
#define SIMD_STATE_CLASSES(C)                                                                      \
    /* class       CR4               XCR0              CR0.EM CR0.TS #MF */                        \
    C(NONE,        0,                0,                false, false, false)                        \
    C(SSE,         SIMD_CR4_OSFXSR,  0,                true,  true,  false)                        \
    C(MMX,         0,                0,                true,  true,  true)                         \
    C(SSE_MMX,     SIMD_CR4_OSFXSR,  0,                true,  true,  true)                         \
    C(VEX,         SIMD_CR4_OSXSAVE, SIMD_XCR0_AVX,    false, true,  false)                        \
    C(VEX_OPMASK,  SIMD_CR4_OSXSAVE, SIMD_XCR0_AVX512, false, true,  false)                        \
    C(VEX_GPR,     0,                0,                false, false, false)                        \
    C(EVEX,        SIMD_CR4_OSXSAVE, SIMD_XCR0_AVX512, false, true,  false)                        \
    C(AMX,         SIMD_CR4_OSXSAVE, SIMD_XCR0_AMX,    false, false, false)
// clang-format on

#define SIMD_STATE_CLASS_ENUM(class, ...) STATE_##class,
enum simd_state_class { SIMD_STATE_CLASSES(SIMD_STATE_CLASS_ENUM) STATE_CLASS_COUNT };

enum simd_check_result { SIMD_STATE_OK = 0, SIMD_STATE_UD, SIMD_STATE_NM, SIMD_STATE_MF };

/* The class of state a decoded instruction uses: EVEX; VEX and XOP by their operands
 * (opmask, vector, GPRs only) or, for AMX, their mnemonic (LDTILECFG names no tile);
 * legacy and 3DNow! by their operands (XMM, MMX, both, neither). */
enum simd_state_class simd_state_class(const struct insn *in);

/* Whether the instruction's prefix is #UD in this mode: VEX, XOP and EVEX are not
 * recognised in real-address and virtual-8086 mode (SDM vol. 2A §2.5: "VEX-encoded GPR
 * instructions are not supported in real and virtual 8086 modes"; the exception tables'
 * real and virtual-8086 rows; there C4/C5 with ModRM.mod 11b is not LES/LDS either, as KVM
 * has it). The executor checks it for every instruction, emulated or not (inline: that is
 * every exit). */
static inline bool simd_prefix_ud_in_mode(const struct insn *in, bool protected_mode, bool v86)
{
    bool prefixed = in->encoding == ENC_VEX || in->encoding == ENC_XOP || in->encoding == ENC_EVEX;
    return prefixed && (!protected_mode || v86);
}

/* The XSAVE components (bit i = component i, core/xstate.h XS_*) a decoded instruction reads
 * or writes, given XCR0: x87 for MMX registers; SSE for vector registers, with YMM_Hi128
 * and ZMM_Hi256 for the widths above 16 and 32 bytes and Hi16_ZMM for registers 16-31;
 * the opmask for opmask operands and EVEX masking; a VSIB index register; and for a VEX,
 * EVEX or XOP write to a
 * vector register (the destination, and a gather's mask) the bits it zeroes: YMM_Hi128,
 * and ZMM_Hi256 when XCR0 has it (SDM vol. 1 §15.1, "MAXVL"). Within x87 | SSE the SDK
 * register names serve it; anything more needs the extended-state extension
 * (core/vstate.h vstate_begin). */
uint64_t simd_need(const struct insn *in, uint64_t xcr0);

/* Whether the control registers let an instruction of class c run: no #UD from CR0.EM, CR4
 * or XCR0 and no #NM from CR0.TS (simd_check_state's checks that need no decoded
 * instruction: the decode cache's plans, which run in 64-bit code only, ask this). Inline,
 * from the class table itself, so that a constant class folds to its row on the plans' hot
 * path. */
static inline bool simd_state_usable(enum simd_state_class c, uint64_t cr0, uint64_t cr4,
                                     uint64_t xcr0)
{
    switch (c) {
#define SIMD_STATE_USABLE(class, cr4_, xcr0_, em, ts, mf)                                          \
    case STATE_##class:                                                                            \
        return !((em) && (cr0 & SIMD_CR0_EM)) && (cr4 & (cr4_)) == (cr4_) &&                       \
               (xcr0 & (xcr0_)) == (xcr0_) && !((ts) && (cr0 & SIMD_CR0_TS));
        SIMD_STATE_CLASSES(SIMD_STATE_USABLE)
#undef SIMD_STATE_USABLE
    default: return false;
    }
}

/* The exception the state calls for before the instruction runs, or SIMD_STATE_OK. */
enum simd_check_result simd_check_state(const struct simd_state *s, const struct insn *in,
                                        const struct simd_profile *p);

#endif
