/* The guest CPU as one emulation call sees it: the callbacks and options in effect, the
 * exit context, the register cache, the decoded instruction and the outcome. Everything
 * above core/ works on this; the executor's family files reach the guest through the
 * operand interface (exec/operand.h) and the MMU, never through the WHv callbacks. */
#ifndef WHVEMU_VCPU_H
#define WHVEMU_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "WinHvEmulation.h"
#include "decoder.h"
#include "whvemu.h"

/* For the few functions of one call's common path that are worth a compiler's inlining
 * even where its size heuristics say no (each removes a call level from every exit). */
#if defined(__GNUC__)
#define HOT_INLINE static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define HOT_INLINE static __forceinline
#else
#define HOT_INLINE static inline
#endif

/* For a function whose loops' speed moved with where the linker put it (the REP element
 * loops: docs/bench.md, parts 8, 9 and 11): started on a 64-byte line, so that code added
 * elsewhere does not move its loops across the CPU's fetch blocks. */
#if defined(__GNUC__)
#define LINE_ALIGNED __attribute__((aligned(64)))
#else
#define LINE_ALIGNED
#endif

/* The registers the emulator caches, one row each: X(id, WHV_REGISTER_NAME, width), the
 * width being what of the 16-byte WHV_REGISTER_VALUE the register uses: 64 (Reg64) or 128
 * (the whole value: segments, table registers). The row order numbers them densely (R_RAX
 * ...); the first 33 rows are numbered as the SDK numbers them. Adding a register is adding
 * a row: the register sets grow a word every 64 rows (REGSET_WORDS). The rows the integer
 * instructions use come first, below id 64, so that their sets fit one word (REG_BIT). */
// clang-format off
#define REGISTERS(X)                                                                               \
    X(RAX, WHvX64RegisterRax, 64) X(RCX, WHvX64RegisterRcx, 64)                                    \
    X(RDX, WHvX64RegisterRdx, 64) X(RBX, WHvX64RegisterRbx, 64)                                    \
    X(RSP, WHvX64RegisterRsp, 64) X(RBP, WHvX64RegisterRbp, 64)                                    \
    X(RSI, WHvX64RegisterRsi, 64) X(RDI, WHvX64RegisterRdi, 64)                                    \
    X(R8, WHvX64RegisterR8, 64)   X(R9, WHvX64RegisterR9, 64)                                      \
    X(R10, WHvX64RegisterR10, 64) X(R11, WHvX64RegisterR11, 64)                                    \
    X(R12, WHvX64RegisterR12, 64) X(R13, WHvX64RegisterR13, 64)                                    \
    X(R14, WHvX64RegisterR14, 64) X(R15, WHvX64RegisterR15, 64)                                    \
    X(RIP, WHvX64RegisterRip, 64) X(RFLAGS, WHvX64RegisterRflags, 64)                              \
    /* in enum segreg order */                                                                     \
    X(ES, WHvX64RegisterEs, 128)  X(CS, WHvX64RegisterCs, 128)                                     \
    X(SS, WHvX64RegisterSs, 128)  X(DS, WHvX64RegisterDs, 128)                                     \
    X(FS, WHvX64RegisterFs, 128)  X(GS, WHvX64RegisterGs, 128)                                     \
    X(LDTR, WHvX64RegisterLdtr, 128) X(TR, WHvX64RegisterTr, 128)                                  \
    X(IDTR, WHvX64RegisterIdtr, 128) X(GDTR, WHvX64RegisterGdtr, 128)                              \
    X(CR0, WHvX64RegisterCr0, 64) X(CR2, WHvX64RegisterCr2, 64)                                    \
    X(CR3, WHvX64RegisterCr3, 64) X(CR4, WHvX64RegisterCr4, 64)                                    \
    X(CR8, WHvX64RegisterCr8, 64)                                                                  \
    X(EFER, WHvX64RegisterEfer, 64)                                                                \
    X(DR6, WHvX64RegisterDr6, 64)                                                                  \
    X(PENDING_INTERRUPTION, WHvRegisterPendingInterruption, 64)                                    \
    X(INTERRUPT_STATE, WHvRegisterInterruptState, 64) /* the MOV SS / STI interrupt shadow */   \
    /* the vector state the SDK names carry (the 26 consecutive names 1000H-1019H, each     \
     * value kept whole), then XCR0: 64 rows, one word; IA32_XSS (XSAVES and XRSTORS only)  \
     * is the 65th, IA32_XFD and IA32_XFD_ERR (the AMX tile loads and stores: their #NM)    \
     * the 66th and 67th, in the second word (docs/extended-state.md, "Register rows") */   \
    X(XMM0, WHvX64RegisterXmm0, 128)   X(XMM1, WHvX64RegisterXmm1, 128)                        \
    X(XMM2, WHvX64RegisterXmm2, 128)   X(XMM3, WHvX64RegisterXmm3, 128)                        \
    X(XMM4, WHvX64RegisterXmm4, 128)   X(XMM5, WHvX64RegisterXmm5, 128)                        \
    X(XMM6, WHvX64RegisterXmm6, 128)   X(XMM7, WHvX64RegisterXmm7, 128)                        \
    X(XMM8, WHvX64RegisterXmm8, 128)   X(XMM9, WHvX64RegisterXmm9, 128)                        \
    X(XMM10, WHvX64RegisterXmm10, 128) X(XMM11, WHvX64RegisterXmm11, 128)                      \
    X(XMM12, WHvX64RegisterXmm12, 128) X(XMM13, WHvX64RegisterXmm13, 128)                      \
    X(XMM14, WHvX64RegisterXmm14, 128) X(XMM15, WHvX64RegisterXmm15, 128)                      \
    X(FP_MMX0, WHvX64RegisterFpMmx0, 128) X(FP_MMX1, WHvX64RegisterFpMmx1, 128)                \
    X(FP_MMX2, WHvX64RegisterFpMmx2, 128) X(FP_MMX3, WHvX64RegisterFpMmx3, 128)                \
    X(FP_MMX4, WHvX64RegisterFpMmx4, 128) X(FP_MMX5, WHvX64RegisterFpMmx5, 128)                \
    X(FP_MMX6, WHvX64RegisterFpMmx6, 128) X(FP_MMX7, WHvX64RegisterFpMmx7, 128)                \
    X(FP_CONTROL_STATUS, WHvX64RegisterFpControlStatus, 128)                                   \
    X(XMM_CONTROL_STATUS, WHvX64RegisterXmmControlStatus, 128)                                 \
    X(XCR0, WHvX64RegisterXCr0, 64)                                                            \
    X(XSS, WHvX64RegisterXss, 64)                                                              \
    /* CET shadow stacks: IA32_U_CET, IA32_S_CET and SSP (docs/cet.md) */                      \
    X(U_CET, WHvX64RegisterUCet, 64) X(S_CET, WHvX64RegisterSCet, 64)                          \
    X(SSP, WHvX64RegisterSsp, 64)                                                                  \
    /* AMX: IA32_XFD and IA32_XFD_ERR (docs/amx.md) */                                             \
    X(XFD, WHvX64RegisterXfd, 64) X(XFD_ERR, WHvX64RegisterXfdErr, 64)
// clang-format on
#define REGISTER_ID_(id, name, width) R_##id,
enum reg_id { REGISTERS(REGISTER_ID_) R_COUNT };
#undef REGISTER_ID_

/* The 26 SDK vector names (1000H + i) are consecutive ids in the SDK's order. */
#define R_VECTOR_NAME(i) ((enum reg_id)(R_XMM0 + (i)))
#define R_VECTOR_NAMES 26u

/* A set of registers: bit id % 64 of word id / 64. */
#define REGSET_WORDS ((R_COUNT + 63) / 64)
struct regset {
    uint64_t word[REGSET_WORDS];
};
/* The bit of an integer-path register (id < 64) in word 0, and the set of such bits. */
#define REG_BIT(r) (UINT64_C(1) << (r))
#define REGSET(word0) ((struct regset){ { (word0) } })
#define REG_SEG(s) ((enum reg_id)(R_ES + (s)))

/* RFLAGS bits. */
enum {
    FL_CF = 1u << 0,
    FL_PF = 1u << 2,
    FL_AF = 1u << 4,
    FL_ZF = 1u << 6,
    FL_SF = 1u << 7,
    FL_TF = 1u << 8,
    FL_IF = 1u << 9,
    FL_DF = 1u << 10,
    FL_OF = 1u << 11,
    FL_IOPL = 3u << 12,
    FL_NT = 1u << 14,
    FL_RF = 1u << 16,
    FL_VM = 1u << 17,
    FL_AC = 1u << 18,
    FL_VIF = 1u << 19,
    FL_VIP = 1u << 20,
    FL_ID = 1u << 21,
    FL_ARITH = FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF,
};

/* Control-register and EFER bits the emulator looks at. */
enum {
    CR0_PE = 1u << 0,
    CR0_WP = 1u << 16,
    CR0_AM = 1u << 18,
    CR0_PG = 1u << 31,
    CR4_VME = 1u << 0,
    CR4_UMIP = 1u << 11,
    CR4_PSE = 1u << 4,
    CR4_PAE = 1u << 5,
    CR4_LA57 = 1u << 12,
    CR4_SMEP = 1u << 20,
    CR4_SMAP = 1u << 21,
    CR4_CET = 1u << 23,
    EFER_LME = 1u << 8,
    EFER_LMA = 1u << 10,
    EFER_NXE = 1u << 11,
    DR6_BS = 1u << 14,
};

/* Architectural exception vectors. */
enum {
    EXC_DE = 0,
    EXC_DB = 1,
    EXC_BP = 3,
    EXC_OF = 4,
    EXC_BR = 5,
    EXC_UD = 6,
    EXC_NM = 7,
    EXC_DF = 8,
    EXC_TS = 10,
    EXC_NP = 11,
    EXC_SS = 12,
    EXC_GP = 13,
    EXC_PF = 14,
    EXC_MF = 16,
    EXC_AC = 17,
    EXC_XM = 19,
    EXC_CP = 21,
};

/* How an emulation step ended. Everything but EXEC_OK leaves the guest's registers as
 * they were, except that EXEC_FAULT injects the recorded exception. */
enum exec_result {
    EXEC_OK = 0,
    EXEC_FAULT,           /* cpu->fault holds the exception to inject */
    EXEC_UNSUPPORTED,     /* a valid instruction we do not emulate: InternalEmulationFailure */
    EXEC_CALLBACK_FAILED, /* cpu->status has the callback's failure bit */
    EXEC_REP_PAUSED,      /* a REP stopped by the iteration budget: success, its effects so
                        * far committed, RIP left at the instruction to resume it */
};

struct fault {
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    bool has_cr2;
    uint64_t cr2;
    struct regset committed_regs; /* kept with the fault: completed REP iterations' registers,
                                   * IA32_XFD_ERR of an XFD #NM */
    uint64_t committed_vec;       /* XSAVE components kept with it: a gather's completed elements */
};

/* The vector state of one call (core/vstate.h): the SDK register names, or the extended-
 * state extension's XSAVE area (core/xstate.h) once an instruction needs what they lack. */
struct xstate_ext;
struct vstate {
    struct xstate_ext *ext; /* the extension this call holds a reference to, or NULL */
    bool area;              /* fetched: all vector state of the call is the area's */
    uint32_t area_bytes;    /* what GetXstate wrote */
    uint64_t held;          /* components the area was checked to hold (xstate_fetch) */
    uint64_t modified;      /* components edited in the area */
    uint32_t offset[64];    /* each component's place in this call's area (0: none) */
};

#define NOT_A_PAGE UINT64_MAX /* no page address: not 4 KiB aligned */

/* A tiny per-call cache of guest page translations. */
#define TLB_ENTRIES 4
struct tlb_entry {
    uint64_t gva_page;
    uint64_t gpa_page;
    uint8_t access; /* MMU_READ/MMU_WRITE/MMU_EXEC bits validated for this page; 0: none */
};

struct insn_cache;       /* exec/insn_cache.h */
struct insn_cache_entry; /* exec/insn_cache.h */

struct vcpu {
    /* the call: the VMM's callbacks, copied when it begins (a callback may destroy the
     * handle), called only through core/callbacks.h */
    WHV_EMULATOR_CALLBACKS callbacks;
    WHVEMU_RAM_CALLBACK ram_page; /* NULL: none */
    void *context;                /* the VMM's opaque pointer, passed back */
    const WHV_VP_EXIT_CONTEXT *exit;
    WHV_EMULATOR_STATUS status;

    /* the options in effect, resolved when the call begins (core/call.c) */
    uint64_t rep_budget; /* elements a REP may do in this call; 0: all */
    bool single_step;    /* RFLAGS.TF at the exit: #DB after the instruction */
    uint8_t vendor;      /* WHVEMU_VENDOR_INTEL or _AMD: whose C profile and
                                          * vendor-specific behaviour (HOST: the host's) */
    bool host_ops;       /* run integer operations on the host (hostop.h) */
    bool host_simd;      /* run SIMD computation on the host (simd_compute.h) */
    /* the emulator's decode cache; NULL where the call takes the general path only (the fast
     * paths off: tests compare the two) */
    struct insn_cache *insn_cache;
    /* the entry of the exit's instruction, looked up once before the first callback (the
     * plan's, exec/plan.h); NULL: none, or not looked up */
    const struct insn_cache_entry *cached;
    bool fast_paths; /* the MMU's single access in the exit's page */

    /* derived processor mode */
    enum cpu_mode code_mode; /* default operand/address size of CS */
    bool protected_mode, long_mode, v86;
    uint8_t cpl;

    /* register cache */
    struct regset reg_valid, reg_dirty;
    WHV_REGISTER_VALUE regs[R_COUNT];

    /* translations already made in this call: the exit's own page (access 0: the exit gave
     * none), kept for the whole call, and the last others */
    struct tlb_entry exit_page;
    struct tlb_entry tlb[TLB_ENTRIES];
    unsigned tlb_count; /* valid entries of tlb[] */
    unsigned tlb_next;  /* the one replaced next */
    /* for reading [0] and writing [1], a GPA page known not to be RAM the VMM maps (the
     * exit's own, or the last the RAM callback refused), so that the RAM callback is not
     * asked about it; NOT_A_PAGE: none */
    uint64_t not_ram[2];

    /* the instruction: its bytes (zero past those known), decoded, the registers it reads */
    uint8_t bytes[16];
    struct insn insn;
    struct regset insn_needs;

    struct vstate vstate;

    struct fault fault;
    bool debug_trap_inhibited; /* MOV SS / POP SS: no single-step trap after it */
};

/* Record an exception in cpu->fault; returns EXEC_FAULT, for `return raise_fault(...)`. */
enum exec_result raise_fault(struct vcpu *cpu, uint8_t vector, bool has_error_code,
                             uint32_t error_code);

#endif
