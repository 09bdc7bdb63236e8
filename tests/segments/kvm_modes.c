/* Real mode, virtual-8086 mode, 32-bit protected mode (with and without paging),
 * compatibility mode and 64-bit mode (4- and 5-level paging, SMEP, SMAP): one instruction
 * from a hand-written state, whose outcome the SDM fixes (the table names the section).
 * whvemu must give exactly that: the vector, whether an error code is delivered and its
 * value, CR2 for #PF, or the registers after the instruction. The system-instruction cases
 * (issue 3's privileged forms at CPL 0: descriptor-table loads and stores, LLDT/LTR, LMSW,
 * MOV Sreg, LAR/LSL/VERR/VERW, far transfers, IRET) also name the values the SDM fixes after
 * the instruction (struct observation).
 *
 * With --kvm the same state also runs in a tiny KVM guest — a peer, not an oracle: where it
 * differs from the SDM, the difference is printed ("KVM differs") and listed in
 * docs/kvm-peer.md, and whvemu keeps the SDM's answer. The guest's IDT (or, in real mode,
 * IVT) sends every exception to a HLT of its own, so the vector is where the vCPU halted;
 * the exception frame on the handler's stack shows whether an error code was pushed (the
 * frame's size) and its value. The instruction is followed by HLT: reaching it (at CPL 0) or
 * a fault there (#GP at CPL 3) means that the instruction completed; the registers there
 * are its results. For the system cases the whole system state after the instruction
 * (segment registers, LDTR, TR, GDTR, IDTR, CR0, RIP, RSP, flags, the GDT and the memory
 * the instruction may write) must be the same in KVM and whvemu (struct system).
 *
 * The guest's page tables are built with tests/paging's page walker, whose translate
 * callback then answers whvemu from the same tables. */
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "check.h"
#include "hex_bytes.h"
#include "hostcpu.h"
#include "kvm_guest.h"
#include "pagewalk.h"

/* The guest's physical memory (identity mapped when paging is on). */
#define MEMORY_SIZE (16u << 20)
#define IVT 0x0000u
#define GDT 0x1000u
#define IDT 0x2000u
#define HANDLERS 0x3000u /* vector v halts at HANDLERS + 16 v */
#define TSS 0x4000u
#define CODE 0x5000u /* the instruction, then HLT */
#define STACK_TOP 0x8000u
#define RING0_STACK_TOP 0x9000u
#define IST_STACK_TOP 0xa000u
#define DATA 0x10000u /* 128 KiB of patterned data */
#define DATA_SIZE 0x20000u
#define IMAGE_SIZE 0x50000u /* what whvemu's guest gets a copy of (tables apart) */
/* pages with special mappings in the paged modes */
#define PAGE_ABSENT 0x40000u
#define PAGE_READ_ONLY 0x41000u
#define PAGE_SUPERVISOR 0x42000u
#define PAGE_RESERVED 0x43000u
#define RESERVED_BIT (UINT64_C(1) << 51)

#define NO_FAULT (-1)
#define NO_ERROR (-1)
#define NONCANON UINT64_C(0x0000800000000000)
#define CR4_SMEP (UINT64_C(1) << 20)
#define CR4_SMAP (UINT64_C(1) << 21)

enum exc { UD = 6, NP = 11, SS = 12, GP = 13, PF = 14, AC = 17 };

enum mode {
    REAL,
    V86,
    PROT32,
    PROT32_USER,
    PAGED32_USER,
    LONG64,
    LONG64_USER,
    LONG64_LA57,
    COMPAT32_USER
};

/* The GDT's descriptors for the system-instruction cases (the first ones are the modes' own
 * code and data). System descriptors and gates take 16 bytes, as long mode wants; outside it
 * their second half is an unused null-looking slot. */
#define GDT_LIMIT 0xcfu
#define SEL_DATA 0x40u           /* read/write data at DATA_SEGMENT, limit 0xfff, not accessed */
#define SEL_DATA_ABSENT 0x48u    /* the same, not present */
#define SEL_CODE_EXEC 0x50u      /* 32-bit execute-only code at 0, 4 GiB */
#define SEL_CODE_READ 0x58u      /* 32-bit readable code at 0, 4 GiB */
#define SEL_LDT 0x60u            /* LDT at LDT_BASE, limit 0xff */
#define SEL_LDT_ABSENT 0x70u     /* the same, not present */
#define SEL_TSS 0x80u            /* available 32-bit / 64-bit TSS at TSS2, limit 0x67 */
#define SEL_TSS_BUSY 0x90u       /* the same, busy */
#define SEL_GATE32 0xa0u         /* call gate to 0x18:JUMP_TARGET (32-bit code) */
#define SEL_GATE64 0xb0u         /* call gate to 0x08:JUMP_TARGET (64-bit code, in long mode) */
#define SEL_DATA_DPL3 0xc0u      /* read/write data, DPL 3, at DATA_SEGMENT */
#define SEL_DATA_READ_ONLY 0xc8u /* read-only data, DPL 0, at DATA_SEGMENT */
#define SEL_BEYOND 0xd8u         /* beyond the GDT limit */
#define DATA_SEGMENT (DATA + 0x2000u)
#define LDT_BASE (DATA + 0x3000u) /* entry 0 all zeros, entry 1 (selector 0x0c) as SEL_DATA */
#define TSS2 (DATA + 0x4000u)
#define JUMP_TARGET (CODE + 0x80u) /* a HLT, where the far transfers go */

/* What a system-instruction case checks after the instruction completes (the SDM's
 * answer); KVM and whvemu are also compared on the whole system state (struct system). */
enum observe {
    OBS_NONE,
    OBS_GDTR_BASE,
    OBS_GDTR_LIMIT,
    OBS_IDTR_BASE,
    OBS_LDTR_SELECTOR,
    OBS_LDTR_BASE,
    OBS_TR_SELECTOR,
    OBS_TR_BASE,
    OBS_CR0,
    OBS_RAX,
    OBS_ZF,
    OBS_RIP,
    OBS_RSP,
    OBS_SELECTOR,    /* of segment register `at` (0 ES, 1 CS, 2 SS, 3 DS) */
    OBS_SEG_BASE,    /* of segment register `at` */
    OBS_SEG_LIMIT,   /* of segment register `at` */
    OBS_GDT_BYTE,    /* the byte at GDT + at */
    OBS_DATA_QWORD,  /* the qword at DATA + at */
    OBS_STACK_QWORD, /* the qword at STACK_TOP - 16 + at */
};

/* segment registers in the WHv (and x86 encoding) order */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

struct observation {
    enum observe what;
    unsigned at;
    uint64_t value;
};

/* A segment register as both sides see it. */
struct seg {
    uint64_t base;
    uint32_t limit; /* bytes */
    uint16_t selector;
    uint8_t type, dpl;
    bool s, present, db, l, g;
};

enum seg_kind {
    S_DEFAULT,        /* the mode's own */
    S_NULL,           /* null selector (protected mode) */
    S_UNREAL_4G,      /* real mode: base 0x10000, cached limit 4 GiB - 1 */
    S_REAL_1234,      /* real / v86: selector 0x1234, base 0x12340 */
    S_DOWN_BYTE,      /* expand-down 32-bit data at DATA, limit 0xfff: 0x1000-0xffffffff */
    S_READ_ONLY,      /* 32-bit read-only data at 0 */
    S_LIMIT_1FFF,     /* 32-bit data at DATA, limit 0x1fff (page granular 1) */
    S_WRAP,           /* 32-bit data at DATA + 0x10000 (offsets near 4 GiB wrap) */
    S_CODE_EXEC_ONLY, /* 32-bit execute-only code at 0 (as CS) */
    S_CODE_READABLE,  /* 32-bit readable code at 0 (as CS) */
    S_CODE_BASE_10,   /* 32-bit readable code at 0x10: not page aligned */
};

struct mode_case {
    const char *what;
    const char *sdm; /* where the SDM says it */
    enum mode mode;
    const char *bytes; /* hex */
    enum seg_kind cs, ds, ss;
    uint64_t rax, rbx, rbp, rsp; /* RSP 0: the mode's default stack */
    bool ac;                     /* RFLAGS.AC */
    int vector;                  /* the SDM's answer */
    int error;                   /* NO_ERROR: none delivered */
    uint64_t cr2;
    /* the instruction pointer, when not the mode's default; the exit then gives no
     * instruction bytes, so whvemu fetches them */
    uint32_t ip;
    uint64_t cr4; /* CR4 bits beyond the mode's (SMEP, SMAP) */
    /* system-instruction cases: the qwords at DATA (memory operands, an IRET frame), what
     * to check after the instruction, and whether to compare the whole system state with
     * KVM's */
    uint64_t memory[5];
    struct observation expect[2];
    bool system;
};

static const struct mode_case cases[] = {
    /* real mode: limits from the cached descriptor, no error codes, no type checks */
    { "word at DS offset 0xffff", "Vol. 3 20.1.3; Vol. 2 MOV real-address exceptions", REAL,
      "a1 ff ff", S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, 0, 0, 0, false, GP, NO_ERROR, 0 },
    { "SS-relative word at 0xffff", "Vol. 2 MOV: #SS in real-address mode", REAL, "8b 46 00",
      S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, 0, 0xffff, 0, false, SS, NO_ERROR, 0 },
    { "[bx+disp8] wraps at 64 KiB", "Vol. 1 3.7.5 (16-bit addresses)", REAL, "8a 47 20", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, 0xfff0, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "32-bit offset above the 64 KiB limit", "Vol. 3 20.1.3", REAL, "67 66 8b 03", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, 0x10000, 0, 0, false, GP, NO_ERROR, 0 },
    { "unreal mode: 32-bit offset within a 4 GiB cached limit", "Vol. 3 20.1.1 (cached limits)",
      REAL, "67 66 8b 03", S_DEFAULT, S_UNREAL_4G, S_DEFAULT, 0, 0x10000, 0, 0, false, NO_FAULT,
      NO_ERROR, 0 },
    { "unreal mode: word at 0xffff does not wrap", "Vol. 3 20.1.1", REAL, "a1 ff ff", S_DEFAULT,
      S_UNREAL_4G, S_DEFAULT, 0, 0, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "base = selector << 4", "Vol. 3 20.1.1", REAL, "8a 07", S_DEFAULT, S_REAL_1234, S_DEFAULT, 0,
      0x10, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "write through CS: no type checks", "Vol. 3 20.1 (no protection)", REAL, "2e 89 07",
      S_DEFAULT, S_DEFAULT, S_DEFAULT, 0x4242, 0x100, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "misaligned with AC: no #AC at CPL 0", "Vol. 3 6.15 Interrupt 17", REAL, "a1 01 00",
      S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, 0, 0, 0, true, NO_FAULT, NO_ERROR, 0 },
    { "instruction crossing IP 0xffff: the CS limit, no wrap", "Vol. 3 ch. 22 (segment wraparound)",
      REAL, "a1 00 00", S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, 0, 0, 0, false, GP, NO_ERROR, 0,
      0xfffe },

    /* virtual-8086 mode: CPL 3, segments as in real mode, protected-mode delivery */
    { "v86: word at DS offset 0xffff", "Vol. 3 20.2.7; error code 0", V86, "a1 ff ff", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, 0, 0, 0, false, GP, 0, 0 },
    { "v86: SS-relative word at 0xffff", "Vol. 3 20.2.7", V86, "8b 46 00", S_DEFAULT, S_DEFAULT,
      S_DEFAULT, 0, 0, 0xffff, 0, false, SS, 0, 0 },
    { "v86: base = selector << 4", "Vol. 3 20.2.1", V86, "8a 07", S_DEFAULT, S_REAL_1234, S_DEFAULT,
      0, 0x10, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "v86: misaligned with AC at CPL 3", "Vol. 3 6.15 Interrupt 17", V86, "8b 07", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, 0x11, 0, 0, true, AC, 0, 0 },

    /* VEX and XOP are not recognised outside protected mode (C4/C5 with mod 11b are no
     * LES/LDS there either); the BMI and TBM forms are what the executor emulates */
    { "real: ANDN (VEX) is #UD", "Vol. 2A 2.5 (VEX-encoded GPR instructions)", REAL,
      "c4 e2 70 f2 c2", .vector = UD, .error = NO_ERROR },
    { "real: SHLX (VEX) is #UD", "Vol. 2A 2.5", REAL, "c4 e2 71 f7 c2", .vector = UD,
      .error = NO_ERROR },
    { "real: BEXTR (XOP) is #UD", "Vol. 2A 2.5; AMD APM vol. 3 1.9 (XOP as VEX)", REAL,
      "8f ea 78 10 c1 04 02 00 00", .vector = UD, .error = NO_ERROR },
    { "v86: ANDN (VEX) is #UD", "Vol. 2A 2.5", V86, "c4 e2 70 f2 c2", .vector = UD,
      .error = NO_ERROR },
    { "v86: BEXTR (VEX) is #UD", "Vol. 2A 2.5", V86, "c4 e2 70 f7 c2", .vector = UD,
      .error = NO_ERROR },

    /* 32-bit protected mode, CPL 3, no paging */
    { "expand-down at the limit", "Vol. 3 3.4.5.1, 5.3", PROT32_USER, "8b 03", S_DEFAULT,
      S_DOWN_BYTE, S_DEFAULT, 0, 0xffd, 0, 0, false, GP, 0, 0 },
    { "expand-down above the limit", "Vol. 3 5.3", PROT32_USER, "8b 03", S_DEFAULT, S_DOWN_BYTE,
      S_DEFAULT, 0, 0x1000, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "CS override read from execute-only code", "Vol. 3 5.4", PROT32_USER, "2e 8b 03",
      S_CODE_EXEC_ONLY, S_DEFAULT, S_DEFAULT, 0, CODE, 0, 0, false, GP, 0, 0 },
    { "CS override read from readable code", "Vol. 3 5.4", PROT32_USER, "2e 8b 03", S_CODE_READABLE,
      S_DEFAULT, S_DEFAULT, 0, CODE, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "write through CS", "Vol. 3 5.4", PROT32_USER, "2e 89 03", S_CODE_READABLE, S_DEFAULT,
      S_DEFAULT, 0, 0x5100, 0, 0, false, GP, 0, 0 },
    { "write to read-only data", "Vol. 3 5.4", PROT32_USER, "89 03", S_DEFAULT, S_READ_ONLY,
      S_DEFAULT, 0, DATA, 0, 0, false, GP, 0, 0 },
    { "SS-relative beyond the limit", "Vol. 3 6.15 Interrupt 12", PROT32_USER, "8b 45 00",
      S_DEFAULT, S_DEFAULT, S_LIMIT_1FFF, 0, 0, 0x1ffe, 0x1000, false, SS, 0, 0 },
    { "DS beyond a page-granular limit", "Vol. 3 3.4.5 (G)", PROT32_USER, "8b 03", S_DEFAULT,
      S_LIMIT_1FFF, S_DEFAULT, 0, 0x1ffd, 0, 0, false, GP, 0, 0 },
    { "null DS", "Vol. 3 5.4.1", PROT32_USER, "8b 03", S_DEFAULT, S_NULL, S_DEFAULT, 0, DATA, 0, 0,
      false, GP, 0, 0 },
    { "base + offset wraps at 4 GiB", "Vol. 3 3.4 (32-bit linear addresses)", PROT32_USER, "8b 03",
      S_DEFAULT, S_WRAP, S_DEFAULT, 0, 0xffff0010u, 0, 0, false, NO_FAULT, NO_ERROR, 0 },

    /* compatibility mode, CPL 3: segmentation as in protected mode (on kvm_pvm this code
     * runs on the CPU itself) */
    { "compat: expand-down at the limit", "Vol. 3 5.3", COMPAT32_USER, "8b 03", S_DEFAULT,
      S_DOWN_BYTE, S_DEFAULT, 0, 0xffd, 0, 0, false, GP, 0, 0 },
    { "compat: expand-down above the limit", "Vol. 3 5.3", COMPAT32_USER, "8b 03", S_DEFAULT,
      S_DOWN_BYTE, S_DEFAULT, 0, 0x1000, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "compat: CS override read from execute-only code", "Vol. 3 5.4", COMPAT32_USER, "2e 8b 03",
      S_CODE_EXEC_ONLY, S_DEFAULT, S_DEFAULT, 0, CODE, 0, 0, false, GP, 0, 0 },
    { "compat: write to read-only data", "Vol. 3 5.4", COMPAT32_USER, "89 03", S_DEFAULT,
      S_READ_ONLY, S_DEFAULT, 0, DATA, 0, 0, false, GP, 0, 0 },
    { "compat: SS-relative beyond the limit", "Vol. 3 6.15 Interrupt 12", COMPAT32_USER, "8b 45 00",
      S_DEFAULT, S_DEFAULT, S_LIMIT_1FFF, 0, 0, 0x1ffe, 0x1000, false, SS, 0, 0 },
    { "compat: null DS", "Vol. 3 5.4.1", COMPAT32_USER, "8b 03", S_DEFAULT, S_NULL, S_DEFAULT, 0,
      DATA, 0, 0, false, GP, 0, 0 },
    { "compat: base + offset wraps at 4 GiB", "Vol. 3 3.4", COMPAT32_USER, "8b 03", S_DEFAULT,
      S_WRAP, S_DEFAULT, 0, 0xffff0010u, 0, 0, false, NO_FAULT, NO_ERROR, 0 },

    /* 32-bit paging, CPL 3: instruction fetch with a CS base that is not page aligned */
    { "fetch stops at the instruction's end, before a not-present page (CS base 0x10)",
      "Vol. 3 4.7 (fetch of the bytes the instruction has)", PAGED32_USER, "8b 03", S_CODE_BASE_10,
      S_DEFAULT, S_DEFAULT, 0, DATA, 0, 0, false, NO_FAULT, NO_ERROR, 0, PAGE_ABSENT - 2 - 0x10 },
    { "fetch straddling into a not-present page: no I/D flag without NXE or SMEP",
      "Vol. 3 4.7 (I/D)", PAGED32_USER, "8b 03", S_CODE_BASE_10, S_DEFAULT, S_DEFAULT, 0, DATA, 0,
      0, false, PF, 4, PAGE_ABSENT, PAGE_ABSENT - 1 - 0x10 },
    { "user write to a read-only page, 32-bit paging", "Vol. 3 4.6", PAGED32_USER, "89 03",
      S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, PAGE_READ_ONLY + 4, 0, 0, false, PF, 7,
      PAGE_READ_ONLY + 4, 0 },

    /* 64-bit mode, 4-level paging: #PF error codes (Vol. 3 4.7) and CR2 */
    { "read of a not-present page", "Vol. 3 4.7", LONG64, "8b 03", S_DEFAULT, S_DEFAULT, S_DEFAULT,
      0, PAGE_ABSENT + 0x10, 0, 0, false, PF, 0, PAGE_ABSENT + 0x10 },
    { "write to a not-present page", "Vol. 3 4.7", LONG64, "89 03", S_DEFAULT, S_DEFAULT, S_DEFAULT,
      0, PAGE_ABSENT + 0x10, 0, 0, false, PF, 2, PAGE_ABSENT + 0x10 },
    { "supervisor write to a read-only page, CR0.WP", "Vol. 3 4.6", LONG64, "89 03", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, PAGE_READ_ONLY, 0, 0, false, PF, 3, PAGE_READ_ONLY },
    { "user write to a read-only page", "Vol. 3 4.6", LONG64_USER, "89 03", S_DEFAULT, S_DEFAULT,
      S_DEFAULT, 0, PAGE_READ_ONLY + 8, 0, 0, false, PF, 7, PAGE_READ_ONLY + 8 },
    { "user read of a supervisor page", "Vol. 3 4.6", LONG64_USER, "8b 03", S_DEFAULT, S_DEFAULT,
      S_DEFAULT, 0, PAGE_SUPERVISOR, 0, 0, false, PF, 5, PAGE_SUPERVISOR },
    { "supervisor read of a reserved-bit page", "Vol. 3 4.7 (RSVD)", LONG64, "8b 03", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, PAGE_RESERVED, 0, 0, false, PF, 9, PAGE_RESERVED },
    { "user read of a reserved-bit page", "Vol. 3 4.7 (RSVD)", LONG64_USER, "8b 03", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, PAGE_RESERVED, 0, 0, false, PF, 13, PAGE_RESERVED },
    { "dword straddling into a not-present page: CR2 is the second page",
      "Vol. 3 6.15 Interrupt 14", LONG64_USER, "8b 03", S_DEFAULT, S_DEFAULT, S_DEFAULT, 0,
      PAGE_ABSENT - 2, 0, 0, false, PF, 4, PAGE_ABSENT },
    { "fetch straddling into a not-present page, NXE: I/D set", "Vol. 3 4.7 (I/D)", LONG64_USER,
      "8b 03", S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, DATA, 0, 0, false, PF, 0x14, PAGE_ABSENT,
      PAGE_ABSENT - 1 },
    { "user read of a user page", "Vol. 3 4.6", LONG64_USER, "8b 03", S_DEFAULT, S_DEFAULT,
      S_DEFAULT, 0, DATA + 0x10, 0, 0, false, NO_FAULT, NO_ERROR, 0 },
    { "non-canonical address", "Vol. 1 3.3.7.1", LONG64, "8b 03", S_DEFAULT, S_DEFAULT, S_DEFAULT,
      0, NONCANON, 0, 0, false, GP, 0, 0 },
    { "non-canonical RSP-based reference", "Vol. 3 6.15 Interrupt 12", LONG64_USER, "50", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, 0, 0, NONCANON + 8, false, SS, 0, 0 },
    { "SMAP: supervisor read of a user page", "Vol. 3 4.6 (SMAP)", LONG64, "8b 03", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, DATA + 0x10, 0, 0, false, PF, 1, DATA + 0x10, 0, CR4_SMAP },
    { "SMAP with RFLAGS.AC: allowed", "Vol. 3 4.6 (SMAP)", LONG64, "8b 03", S_DEFAULT, S_DEFAULT,
      S_DEFAULT, 0, DATA + 0x10, 0, 0, true, NO_FAULT, NO_ERROR, 0, 0, CR4_SMAP },
    { "SMEP: supervisor fetch from a user page", "Vol. 3 4.6 (SMEP)", LONG64, "8b 03", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, DATA, 0, 0, false, PF, 0x11, CODE + 0x100, CODE + 0x100, CR4_SMEP },
    { "LA57: a 57-bit address is canonical (#PF, not #GP)", "Vol. 3 4.5 (5-level paging)",
      LONG64_LA57, "8b 03", S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, NONCANON, 0, 0, false, PF, 0,
      NONCANON },
    { "LA57: beyond 57 bits", "Vol. 3 4.5", LONG64_LA57, "8b 03", S_DEFAULT, S_DEFAULT, S_DEFAULT,
      0, UINT64_C(0x0100000000000000), 0, 0, false, GP, 0, 0 },
    { "misaligned with AC at CPL 3", "Vol. 3 6.15 Interrupt 17", LONG64_USER, "8b 03", S_DEFAULT,
      S_DEFAULT, S_DEFAULT, 0, DATA + 0x11, 0, 0, true, AC, 0, 0 },
    { "#AC before #PF on a misaligned access to a not-present page", "Vol. 3 6.15", LONG64_USER,
      "8b 03", S_DEFAULT, S_DEFAULT, S_DEFAULT, 0, PAGE_ABSENT + 1, 0, 0, true, AC, 0, 0 },

/* ---- system instructions at CPL 0 (issue 3's privileged forms) ---- */
#define COMPLETES .vector = NO_FAULT, .error = NO_ERROR, .system = true
#define FAULTS(v, e) .vector = (v), .error = (e), .system = true
#define ALL_ONES UINT64_C(0xffffffffffffffff)

    /* LGDT / LIDT / SGDT / SIDT: the pseudo-descriptor at DATA */
    { "real: LGDT, 16-bit operand size loads a 24-bit base", "Vol. 2 LGDT/LIDT", REAL, "0f 01 17",
      .memory = { UINT64_C(0x000012abcdef1234) }, COMPLETES,
      .expect = { { OBS_GDTR_BASE, 0, 0xabcdef }, { OBS_GDTR_LIMIT, 0, 0x1234 } } },
    { "real: LGDT, 32-bit operand size", "Vol. 2 LGDT/LIDT", REAL, "66 0f 01 17",
      .memory = { UINT64_C(0x000012abcdef1234) }, COMPLETES,
      .expect = { { OBS_GDTR_BASE, 0, 0x12abcdef }, { OBS_GDTR_LIMIT, 0, 0x1234 } } },
    { "real: LIDT, 16-bit operand size", "Vol. 2 LGDT/LIDT", REAL, "0f 01 1f",
      .memory = { UINT64_C(0x0000ff0012340400) }, COMPLETES,
      .expect = { { OBS_IDTR_BASE, 0, 0x001234 } } },
    { "LGDT, 32-bit operand size", "Vol. 2 LGDT/LIDT", PROT32, "0f 01 13", .rbx = DATA,
      .memory = { UINT64_C(0x0000abcdef121234) }, COMPLETES,
      .expect = { { OBS_GDTR_BASE, 0, 0xabcdef12 }, { OBS_GDTR_LIMIT, 0, 0x1234 } } },
    { "LGDT, 16-bit operand size: 24-bit base", "Vol. 2 LGDT/LIDT", PROT32, "66 0f 01 13",
      .rbx = DATA, .memory = { UINT64_C(0x0000abcdef121234) }, COMPLETES,
      .expect = { { OBS_GDTR_BASE, 0, 0xcdef12 }, { OBS_GDTR_LIMIT, 0, 0x1234 } } },
    { "LIDT, 32-bit operand size", "Vol. 2 LGDT/LIDT", PROT32, "0f 01 1b", .rbx = DATA,
      .memory = { UINT64_C(0x0000000123450fff) }, COMPLETES,
      .expect = { { OBS_IDTR_BASE, 0, 0x12345 } } },
    { "64-bit: LGDT loads an 8-byte base", "Vol. 2 LGDT/LIDT (64-bit mode)", LONG64, "0f 01 13",
      .rbx = DATA, .memory = { UINT64_C(0x7fffabcdef121234), 0 }, COMPLETES,
      .expect = { { OBS_GDTR_BASE, 0, UINT64_C(0x7fffabcdef12) }, { OBS_GDTR_LIMIT, 0, 0x1234 } } },
    { "64-bit: LIDT with 66: the operand size is still 64 bits", "Vol. 2 LGDT/LIDT", LONG64,
      "66 0f 01 1b", .rbx = DATA, .memory = { UINT64_C(0x7fffabcdef120fff), 0 }, COMPLETES,
      .expect = { { OBS_IDTR_BASE, 0, UINT64_C(0x7fffabcdef12) } } },
    { "SGDT stores 6 bytes", "Vol. 2 SGDT", PROT32, "0f 01 03", .rbx = DATA,
      .memory = { ALL_ONES, ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffff0000100000cf) } } },
    { "SGDT with a 16-bit operand size still stores the 32-bit base", "Vol. 2 SGDT", PROT32,
      "66 0f 01 03", .rbx = DATA, .memory = { ALL_ONES, ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffff0000100000cf) } } },
    { "SIDT stores 6 bytes", "Vol. 2 SIDT", PROT32, "0f 01 0b", .rbx = DATA,
      .memory = { ALL_ONES, ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffff0000200000ff) } } },
    { "64-bit: SGDT stores 10 bytes", "Vol. 2 SGDT (64-bit mode)", LONG64, "0f 01 03", .rbx = DATA,
      .memory = { ALL_ONES, ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0x00000000100000cf) },
                  { OBS_DATA_QWORD, 8, UINT64_C(0xffffffffffff0000) } } },
    { "64-bit: SIDT stores 10 bytes", "Vol. 2 SIDT (64-bit mode)", LONG64, "0f 01 0b", .rbx = DATA,
      .memory = { ALL_ONES, ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0x00000000200001ff) },
                  { OBS_DATA_QWORD, 8, UINT64_C(0xffffffffffff0000) } } },

    /* LLDT / LTR / SLDT / STR / SMSW / LMSW */
    { "LLDT of an LDT descriptor", "Vol. 2 LLDT", PROT32, "0f 00 d0", .rax = SEL_LDT, COMPLETES,
      .expect = { { OBS_LDTR_SELECTOR, 0, SEL_LDT }, { OBS_LDTR_BASE, 0, LDT_BASE } } },
    { "LLDT of a null selector: LDTR unusable, no fault", "Vol. 2 LLDT", PROT32, "0f 00 d0",
      .rax = 0, COMPLETES, .expect = { { OBS_LDTR_SELECTOR, 0, 0 } } },
    { "LLDT of a not-present LDT: #NP(selector)", "Vol. 2 LLDT", PROT32, "0f 00 d0",
      .rax = SEL_LDT_ABSENT, FAULTS(NP, SEL_LDT_ABSENT) },
    { "LLDT of a TSS: #GP(selector)", "Vol. 2 LLDT", PROT32, "0f 00 d0", .rax = SEL_TSS,
      FAULTS(GP, SEL_TSS) },
    { "64-bit: LLDT of a 16-byte LDT descriptor", "Vol. 2 LLDT; Vol. 3 7.2.3", LONG64, "0f 00 d0",
      .rax = SEL_LDT, COMPLETES,
      .expect = { { OBS_LDTR_SELECTOR, 0, SEL_LDT }, { OBS_LDTR_BASE, 0, LDT_BASE } } },
    { "LLDT from memory", "Vol. 2 LLDT", PROT32, "0f 00 13", .rbx = DATA, .memory = { SEL_LDT },
      COMPLETES, .expect = { { OBS_LDTR_BASE, 0, LDT_BASE } } },
    { "LLDT of a selector with TI = 1: #GP(selector)", "Vol. 2 LLDT", PROT32, "0f 00 d0",
      .rax = SEL_LDT | 4, FAULTS(GP, SEL_LDT | 4) },
    { "real: LLDT is not recognized: #UD", "Vol. 2 LLDT (real-address mode exceptions)", REAL,
      "0f 00 d0", .rax = SEL_LDT, FAULTS(UD, NO_ERROR) },
    { "real: STR is not recognized: #UD", "Vol. 2 STR (real-address mode exceptions)", REAL,
      "0f 00 0b", FAULTS(UD, NO_ERROR) },
    { "real: LAR is not recognized: #UD", "Vol. 2 LAR (real-address mode exceptions)", REAL,
      "0f 02 c3", .rbx = SEL_DATA, FAULTS(UD, NO_ERROR) },
    { "LTR of an available TSS marks it busy in the GDT", "Vol. 2 LTR", PROT32, "0f 00 d8",
      .rax = SEL_TSS, COMPLETES,
      .expect = { { OBS_TR_BASE, 0, TSS2 }, { OBS_GDT_BYTE, SEL_TSS + 5, 0x8b } } },
    { "LTR of a busy TSS: #GP(selector)", "Vol. 2 LTR", PROT32, "0f 00 d8", .rax = SEL_TSS_BUSY,
      FAULTS(GP, SEL_TSS_BUSY) },
    { "LTR of a null selector: #GP(0)", "Vol. 2 LTR", PROT32, "0f 00 d8", .rax = 0, FAULTS(GP, 0) },
    { "LTR of an LDT descriptor: #GP(selector)", "Vol. 2 LTR", PROT32, "0f 00 d8", .rax = SEL_LDT,
      FAULTS(GP, SEL_LDT) },
    { "64-bit: LTR of a 16-byte TSS descriptor", "Vol. 2 LTR; Vol. 3 8.2.3", LONG64, "0f 00 d8",
      .rax = SEL_TSS, COMPLETES,
      .expect = { { OBS_TR_SELECTOR, 0, SEL_TSS }, { OBS_GDT_BYTE, SEL_TSS + 5, 0x8b } } },
    { "SLDT to memory stores 16 bits", "Vol. 2 SLDT", PROT32, "0f 00 03", .rbx = DATA,
      .memory = { ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffffffffffff0000) | SEL_LDT } } },
    { "STR to memory stores 16 bits", "Vol. 2 STR", PROT32, "0f 00 0b", .rbx = DATA,
      .memory = { ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffffffffffff0028) } } },
    { "SMSW to memory stores 16 bits", "Vol. 2 SMSW", PROT32, "0f 01 23", .rbx = DATA,
      .memory = { ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffffffffffff0031) } } },
    { "64-bit: SMSW to memory with REX.W stores 16 bits", "Vol. 2 SMSW", LONG64, "48 0f 01 23",
      .rbx = DATA, .memory = { ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffffffffffff0031) } } },
    { "64-bit: SLDT to memory with REX.W stores 16 bits", "Vol. 2 SLDT", LONG64, "48 0f 00 03",
      .rbx = DATA, .memory = { ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffffffffffff0000) | SEL_LDT } } },
    { "64-bit: STR to memory stores 16 bits", "Vol. 2 STR", LONG64, "0f 00 0b", .rbx = DATA,
      .memory = { ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffffffffffff0028) } } },
    { "64-bit: STR to memory with REX.W stores 16 bits", "Vol. 2 STR", LONG64, "48 0f 00 0b",
      .rbx = DATA, .memory = { ALL_ONES }, COMPLETES,
      .expect = { { OBS_DATA_QWORD, 0, UINT64_C(0xffffffffffff0028) } } },
    { "LMSW cannot clear PE; MP, EM, TS loaded", "Vol. 2 LMSW", PROT32, "0f 01 f0", .rax = 0xfffe,
      COMPLETES, .expect = { { OBS_CR0, 0, 0x5003f } } },
    { "LMSW from memory: only the low 4 bits", "Vol. 2 LMSW", PROT32, "0f 01 33", .rbx = DATA,
      .memory = { 0xfff6 }, COMPLETES, .expect = { { OBS_CR0, 0, 0x50037 } } },
    { "real: LMSW leaves PE clear when the source's is clear", "Vol. 2 LMSW", REAL, "0f 01 f0",
      .rax = 0x000a, COMPLETES, .expect = { { OBS_CR0, 0, 0x1a } } },
    { "64-bit: LMSW", "Vol. 2 LMSW", LONG64, "0f 01 f0", .rax = 0x0008, COMPLETES,
      .expect = { { OBS_CR0, 0, UINT64_C(0x80050039) } } },
    { "LGDT at CPL 3: #GP(0)", "Vol. 2 LGDT (protected mode exceptions)", PROT32_USER, "0f 01 13",
      .rbx = DATA, FAULTS(GP, 0) },
    { "64-bit: LTR at CPL 3: #GP(0)", "Vol. 2 LTR", LONG64_USER, "0f 00 d8", .rax = SEL_TSS,
      FAULTS(GP, 0) },

    /* MOV Sreg */
    { "real: MOV DS from memory: base = selector << 4", "Vol. 2 MOV; Vol. 3 20.1.1", REAL, "8e 1f",
      .memory = { 0x1234 }, COMPLETES,
      .expect = { { OBS_SELECTOR, SEG_DS, 0x1234 }, { OBS_SEG_BASE, SEG_DS, 0x12340 } } },
    { "real: MOV DS keeps an unreal 4 GiB limit", "Vol. 3 20.1.1 (cached limits)", REAL, "8e d8",
      .ds = S_UNREAL_4G, .rax = 0x2000, COMPLETES,
      .expect = { { OBS_SEG_BASE, SEG_DS, 0x20000 }, { OBS_SEG_LIMIT, SEG_DS, 0xffffffffu } } },
    { "real: MOV SS", "Vol. 2 MOV", REAL, "8e d0", .rax = 0x0700, COMPLETES,
      .expect = { { OBS_SEG_BASE, SEG_SS, 0x7000 } } },
    { "MOV DS loads a data descriptor and sets its accessed bit", "Vol. 2 MOV; Vol. 3 3.4.5.1",
      PROT32, "8e 1b", .rbx = DATA, .memory = { SEL_DATA }, COMPLETES,
      .expect = { { OBS_SEG_BASE, SEG_DS, DATA_SEGMENT }, { OBS_GDT_BYTE, SEL_DATA + 5, 0x93 } } },
    { "MOV DS of a null selector: no fault", "Vol. 2 MOV; Vol. 3 5.4.1", PROT32, "8e 1b",
      .rbx = DATA, .memory = { 0 }, COMPLETES, .expect = { { OBS_SELECTOR, SEG_DS, 0 } } },
    { "MOV DS with RPL 3 above DPL 0: #GP(selector)", "Vol. 2 MOV; Vol. 3 5.6", PROT32, "8e 1b",
      .rbx = DATA, .memory = { SEL_DATA | 3 }, FAULTS(GP, SEL_DATA) },
    { "MOV DS of a DPL 3 segment with RPL 3 at CPL 0", "Vol. 3 5.6", PROT32, "8e 1b", .rbx = DATA,
      .memory = { SEL_DATA_DPL3 | 3 }, COMPLETES,
      .expect = { { OBS_SELECTOR, SEG_DS, SEL_DATA_DPL3 | 3 } } },
    { "MOV DS of a not-present segment: #NP(selector)", "Vol. 2 MOV", PROT32, "8e 1b", .rbx = DATA,
      .memory = { SEL_DATA_ABSENT }, FAULTS(NP, SEL_DATA_ABSENT) },
    { "MOV DS of execute-only code: #GP(selector)", "Vol. 2 MOV", PROT32, "8e 1b", .rbx = DATA,
      .memory = { SEL_CODE_EXEC }, FAULTS(GP, SEL_CODE_EXEC) },
    { "MOV ES of readable code", "Vol. 2 MOV", PROT32, "8e 03", .rbx = DATA,
      .memory = { SEL_CODE_READ }, COMPLETES,
      .expect = { { OBS_SELECTOR, SEG_ES, SEL_CODE_READ } } },
    { "MOV DS beyond the GDT limit: #GP(selector)", "Vol. 2 MOV", PROT32, "8e 1b", .rbx = DATA,
      .memory = { SEL_BEYOND }, FAULTS(GP, SEL_BEYOND) },
    { "MOV DS from the LDT", "Vol. 3 3.4.2 (TI)", PROT32, "8e 1b", .rbx = DATA, .memory = { 0x0c },
      COMPLETES,
      .expect = { { OBS_SELECTOR, SEG_DS, 0x0c }, { OBS_SEG_BASE, SEG_DS, DATA_SEGMENT } } },
    { "MOV DS of LDT entry 0: not a null selector, #GP(selector)", "Vol. 3 3.4.2", PROT32, "8e 1b",
      .rbx = DATA, .memory = { 0x04 }, FAULTS(GP, 0x04) },
    { "MOV to CS: #UD", "Vol. 2 MOV (Sreg)", PROT32, "8e c8", .rax = 0x18, FAULTS(UD, NO_ERROR) },
    { "MOV SS with RPL other than CPL: #GP(selector)", "Vol. 2 MOV", PROT32, "8e 13", .rbx = DATA,
      .memory = { SEL_DATA | 1 }, FAULTS(GP, SEL_DATA) },
    { "MOV SS of a null selector: #GP(0)", "Vol. 2 MOV", PROT32, "8e 13", .rbx = DATA,
      .memory = { 0 }, FAULTS(GP, 0) },
    { "MOV SS of writable data", "Vol. 2 MOV", PROT32, "8e 13", .rbx = DATA, .memory = { SEL_DATA },
      COMPLETES,
      .expect = { { OBS_SEG_BASE, SEG_SS, DATA_SEGMENT }, { OBS_GDT_BYTE, SEL_DATA + 5, 0x93 } } },
    { "MOV SS of DPL 3 data at CPL 0: #GP(selector)", "Vol. 2 MOV", PROT32, "8e 13", .rbx = DATA,
      .memory = { SEL_DATA_DPL3 }, FAULTS(GP, SEL_DATA_DPL3) },
    { "MOV SS of read-only data: #GP(selector)", "Vol. 2 MOV", PROT32, "8e 13", .rbx = DATA,
      .memory = { SEL_DATA_READ_ONLY }, FAULTS(GP, SEL_DATA_READ_ONLY) },
    { "MOV SS of a not-present segment: #SS(selector)", "Vol. 2 MOV", PROT32, "8e 13", .rbx = DATA,
      .memory = { SEL_DATA_ABSENT }, FAULTS(SS, SEL_DATA_ABSENT) },
    { "64-bit: MOV DS sets the accessed bit", "Vol. 2 MOV; Vol. 3 3.4.5.1", LONG64, "8e 1b",
      .rbx = DATA, .memory = { SEL_DATA }, COMPLETES,
      .expect = { { OBS_SELECTOR, SEG_DS, SEL_DATA }, { OBS_GDT_BYTE, SEL_DATA + 5, 0x93 } } },
    { "64-bit: MOV SS of a null selector at CPL 0", "Vol. 2 MOV (64-bit mode)", LONG64, "8e 13",
      .rbx = DATA, .memory = { 0 }, COMPLETES, .expect = { { OBS_SELECTOR, SEG_SS, 0 } } },
    { "64-bit: MOV SS of a null selector with RPL 3 at CPL 0: #GP(0)",
      "Vol. 3 6.15 Interrupt 13 (64-bit mode)", LONG64, "8e 13", .rbx = DATA, .memory = { 3 },
      FAULTS(GP, 0) },
    { "64-bit: MOV DS of a not-present segment: #NP(selector)", "Vol. 2 MOV", LONG64, "8e 1b",
      .rbx = DATA, .memory = { SEL_DATA_ABSENT }, FAULTS(NP, SEL_DATA_ABSENT) },

    /* LAR / LSL / VERR / VERW: EAX preset, the selector in EBX */
    { "LAR of data", "Vol. 2 LAR", PROT32, "0f 02 c3", .rax = 0x11111111, .rbx = SEL_DATA,
      COMPLETES, .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x00409200 } } },
    { "LAR of a not-present segment (presence not checked)", "Vol. 2 LAR", PROT32, "0f 02 c3",
      .rax = 0x11111111, .rbx = SEL_DATA_ABSENT, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x00401200 } } },
    { "LAR of an LDT descriptor", "Vol. 2 LAR", PROT32, "0f 02 c3", .rax = 0x11111111,
      .rbx = SEL_LDT, COMPLETES, .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x8200 } } },
    { "LAR of an available TSS", "Vol. 2 LAR", PROT32, "0f 02 c3", .rax = 0x11111111,
      .rbx = SEL_TSS, COMPLETES, .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x8900 } } },
    { "LAR of a call gate", "Vol. 2 LAR", PROT32, "0f 02 c3", .rax = 0x11111111, .rbx = SEL_GATE32,
      COMPLETES, .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x8c00 } } },
    { "LAR of a null selector: ZF = 0, EAX kept", "Vol. 2 LAR", PROT32, "0f 02 c3",
      .rax = 0x11111111, .rbx = 0, COMPLETES,
      .expect = { { OBS_ZF, 0, 0 }, { OBS_RAX, 0, 0x11111111 } } },
    { "LAR beyond the GDT limit: ZF = 0", "Vol. 2 LAR", PROT32, "0f 02 c3", .rax = 0x11111111,
      .rbx = SEL_BEYOND, COMPLETES, .expect = { { OBS_ZF, 0, 0 }, { OBS_RAX, 0, 0x11111111 } } },
    { "LAR with RPL 3 above DPL 0: ZF = 0", "Vol. 2 LAR", PROT32, "0f 02 c3", .rax = 0x11111111,
      .rbx = SEL_DATA | 3, COMPLETES, .expect = { { OBS_ZF, 0, 0 }, { OBS_RAX, 0, 0x11111111 } } },
    { "LAR with a 16-bit operand size: FF00h of the attributes", "Vol. 2 LAR", PROT32,
      "66 0f 02 c3", .rax = 0x11111111, .rbx = SEL_DATA, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x11119200 } } },
    { "LSL with a 16-bit operand size: the low 16 bits of the scaled limit", "Vol. 2 LSL", PROT32,
      "66 0f 03 c3", .rax = 0x11111111, .rbx = SEL_CODE_EXEC, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x1111ffff } } },
    { "LSL of byte-granular data", "Vol. 2 LSL", PROT32, "0f 03 c3", .rax = 0x11111111,
      .rbx = SEL_DATA, COMPLETES, .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0xfff } } },
    { "LSL of page-granular code: the scaled limit", "Vol. 2 LSL", PROT32, "0f 03 c3",
      .rax = 0x11111111, .rbx = SEL_CODE_EXEC, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0xffffffffu } } },
    { "LSL of a TSS", "Vol. 2 LSL", PROT32, "0f 03 c3", .rax = 0x11111111, .rbx = SEL_TSS,
      COMPLETES, .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x67 } } },
    { "LSL of a call gate: ZF = 0", "Vol. 2 LSL", PROT32, "0f 03 c3", .rax = 0x11111111,
      .rbx = SEL_GATE32, COMPLETES, .expect = { { OBS_ZF, 0, 0 }, { OBS_RAX, 0, 0x11111111 } } },
    { "VERR of data", "Vol. 2 VERR/VERW", PROT32, "0f 00 e3", .rbx = SEL_DATA, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 } } },
    { "VERR of execute-only code: ZF = 0", "Vol. 2 VERR/VERW", PROT32, "0f 00 e3",
      .rbx = SEL_CODE_EXEC, COMPLETES, .expect = { { OBS_ZF, 0, 0 } } },
    { "VERR of readable code", "Vol. 2 VERR/VERW", PROT32, "0f 00 e3", .rbx = SEL_CODE_READ,
      COMPLETES, .expect = { { OBS_ZF, 0, 1 } } },
    { "VERR of an LDT descriptor: ZF = 0", "Vol. 2 VERR/VERW", PROT32, "0f 00 e3", .rbx = SEL_LDT,
      COMPLETES, .expect = { { OBS_ZF, 0, 0 } } },
    { "VERR of a null selector: ZF = 0, no fault", "Vol. 2 VERR/VERW", PROT32, "0f 00 e3", .rbx = 0,
      COMPLETES, .expect = { { OBS_ZF, 0, 0 } } },
    { "VERW of data", "Vol. 2 VERR/VERW", PROT32, "0f 00 eb", .rbx = SEL_DATA, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 } } },
    { "VERW of readable code: ZF = 0", "Vol. 2 VERR/VERW", PROT32, "0f 00 eb", .rbx = SEL_CODE_READ,
      COMPLETES, .expect = { { OBS_ZF, 0, 0 } } },
    { "VERW of read-only data: ZF = 0", "Vol. 2 VERR/VERW", PROT32, "0f 00 eb",
      .rbx = SEL_DATA_READ_ONLY, COMPLETES, .expect = { { OBS_ZF, 0, 0 } } },
    { "64-bit: LAR of a 64-bit TSS", "Vol. 2 LAR (64-bit mode types)", LONG64, "48 0f 02 c3",
      .rax = 0x11111111, .rbx = SEL_TSS, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x8900 } } },
    { "64-bit: LAR of a 64-bit call gate", "Vol. 2 LAR (64-bit mode types)", LONG64, "0f 02 c3",
      .rax = 0x11111111, .rbx = SEL_GATE64, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0x8c00 } } },
    { "64-bit: LSL of a call gate: ZF = 0", "Vol. 2 LSL (64-bit mode types)", LONG64, "0f 03 c3",
      .rax = 0x11111111, .rbx = SEL_GATE64, COMPLETES,
      .expect = { { OBS_ZF, 0, 0 }, { OBS_RAX, 0, 0x11111111 } } },
    { "64-bit: LSL of data", "Vol. 2 LSL", LONG64, "0f 03 c3", .rax = 0x11111111, .rbx = SEL_DATA,
      COMPLETES, .expect = { { OBS_ZF, 0, 1 }, { OBS_RAX, 0, 0xfff } } },
    { "64-bit: VERW of data", "Vol. 2 VERR/VERW", LONG64, "0f 00 eb", .rbx = SEL_DATA, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 } } },

    /* far JMP / CALL through memory at the same privilege level */
    { "far JMP to a code segment", "Vol. 2 JMP; Vol. 3 5.8.1", PROT32, "ff 2b", .rbx = DATA,
      .memory = { JUMP_TARGET | (uint64_t)0x18 << 32 }, COMPLETES,
      .expect = { { OBS_RIP, 0, JUMP_TARGET }, { OBS_SELECTOR, SEG_CS, 0x18 } } },
    { "far CALL to a code segment pushes CS and EIP", "Vol. 2 CALL; Vol. 3 5.8.1", PROT32, "ff 1b",
      .rbx = DATA, .memory = { JUMP_TARGET | (uint64_t)0x18 << 32 }, COMPLETES,
      .expect = { { OBS_RIP, 0, JUMP_TARGET },
                  { OBS_STACK_QWORD, 8, (CODE + 2) | (uint64_t)0x18 << 32 } } },
    { "far JMP with RPL 3 to non-conforming code at CPL 0: #GP(selector)", "Vol. 3 5.8.1.1", PROT32,
      "ff 2b", .rbx = DATA, .memory = { JUMP_TARGET | (uint64_t)0x1b << 32 }, FAULTS(GP, 0x18) },
    { "far JMP through a call gate", "Vol. 2 JMP; Vol. 3 5.8.4", PROT32, "ff 2b", .rbx = DATA,
      .memory = { (uint64_t)SEL_GATE32 << 32 }, COMPLETES,
      .expect = { { OBS_RIP, 0, JUMP_TARGET }, { OBS_SELECTOR, SEG_CS, 0x18 } } },
    { "far CALL through a call gate, same privilege", "Vol. 2 CALL; Vol. 3 5.8.5", PROT32, "ff 1b",
      .rbx = DATA, .memory = { (uint64_t)SEL_GATE32 << 32 }, COMPLETES,
      .expect = { { OBS_RIP, 0, JUMP_TARGET },
                  { OBS_STACK_QWORD, 8, (CODE + 2) | (uint64_t)0x18 << 32 } } },
    { "64-bit: far JMP through a 64-bit call gate", "Vol. 3 5.8.3.1", LONG64, "ff 2b", .rbx = DATA,
      .memory = { (uint64_t)SEL_GATE64 << 32 }, COMPLETES,
      .expect = { { OBS_RIP, 0, JUMP_TARGET }, { OBS_SELECTOR, SEG_CS, 0x08 } } },
    { "64-bit: far CALL through a 64-bit call gate pushes 8-byte CS and RIP", "Vol. 3 5.8.3.1",
      LONG64, "ff 1b", .rbx = DATA, .memory = { (uint64_t)SEL_GATE64 << 32 }, COMPLETES,
      .expect = { { OBS_STACK_QWORD, 0, CODE + 2 }, { OBS_STACK_QWORD, 8, 0x08 } } },

    /* IRET to the same privilege level: the frame at DATA */
    { "IRET to CPL 0", "Vol. 2 IRET (protected mode, same privilege)", PROT32, "cf", .rsp = DATA,
      .memory = { JUMP_TARGET | (uint64_t)0x18 << 32, 0x8d7 }, COMPLETES,
      .expect = { { OBS_RIP, 0, JUMP_TARGET }, { OBS_RSP, 0, DATA + 12 } } },
    { "IRET restores the status flags", "Vol. 2 IRET", PROT32, "cf", .rsp = DATA,
      .memory = { JUMP_TARGET | (uint64_t)0x18 << 32, 0x8d7 }, COMPLETES,
      .expect = { { OBS_ZF, 0, 1 }, { OBS_SELECTOR, SEG_CS, 0x18 } } },
    { "IRET to non-conforming DPL 0 code with RPL 3: #GP(selector)",
      "Vol. 2 IRET (DPL must equal the RPL)", PROT32, "cf", .rsp = DATA,
      .memory = { JUMP_TARGET | (uint64_t)0x1b << 32, 0x2 }, FAULTS(GP, 0x18) },
    { "64-bit: IRETQ to CPL 0 pops SS:RSP too", "Vol. 2 IRET (IA-32e mode)", LONG64, "48 cf",
      .rsp = DATA, .memory = { JUMP_TARGET, 0x08, 0x8d7, STACK_TOP - 0x100, 0x10 }, COMPLETES,
      .expect = { { OBS_RIP, 0, JUMP_TARGET }, { OBS_RSP, 0, STACK_TOP - 0x100 } } },
#undef COMPLETES
#undef FAULTS
#undef ALL_ONES
};

/* ---- the state of a case ---- */

static bool protected_mode(enum mode m)
{
    return m != REAL;
}

static bool long_mode(enum mode m)
{
    return m == LONG64 || m == LONG64_USER || m == LONG64_LA57 || m == COMPAT32_USER;
}

static bool paged(enum mode m)
{
    return long_mode(m) || m == PAGED32_USER;
}

static unsigned cpl_of(enum mode m)
{
    return m == REAL || m == PROT32 || m == LONG64 || m == LONG64_LA57 ? 0 : 3;
}

static struct seg real_segment(uint16_t selector, bool v86, bool code)
{
    struct seg s = { (uint64_t)selector << 4,
                     0xffff,
                     selector,
                     code ? 0xb : 0x3,
                     v86 ? 3 : 0,
                     true,
                     true,
                     false,
                     false,
                     false };
    return s;
}

static struct seg flat(uint16_t selector, uint8_t type, unsigned dpl)
{
    struct seg s = { 0, 0xffffffffu, selector, type, (uint8_t)dpl, true, true, true, false, true };
    return s;
}

/* The segment register `which` (0 CS, 1 DS/ES, 2 SS) of a case. */
static struct seg segment_of(const struct mode_case *c, enum seg_kind kind, unsigned which)
{
    unsigned dpl = cpl_of(c->mode);
    struct seg s;

    switch (kind) {
    case S_DEFAULT: break;
    case S_NULL: memset(&s, 0, sizeof s); return s;
    case S_UNREAL_4G:
        s = real_segment(0x1000, false, false);
        s.limit = 0xffffffffu;
        s.g = true;
        return s;
    case S_REAL_1234: return real_segment(0x1234, c->mode == V86, false);
    case S_DOWN_BYTE:
        s = flat(0x4b, 0x7, dpl);
        s.base = DATA;
        s.limit = 0xfff;
        s.g = false;
        return s;
    case S_READ_ONLY: return flat(0x4b, 0x1, dpl);
    case S_LIMIT_1FFF:
        s = flat(0x4b, 0x3, dpl);
        s.base = DATA;
        s.limit = 0x1fff;
        return s;
    case S_WRAP:
        s = flat(0x4b, 0x3, dpl);
        s.base = DATA + 0x10000;
        return s;
    case S_CODE_EXEC_ONLY: return flat(0x1b, 0x9, dpl);
    case S_CODE_READABLE: return flat(0x1b, 0xb, dpl);
    case S_CODE_BASE_10:
        s = flat(0x1b, 0xb, dpl);
        s.base = 0x10;
        return s;
    }
    switch (c->mode) {
    case REAL:
    case V86:
        return real_segment(which == 0   ? CODE >> 4
                            : which == 1 ? DATA >> 4
                                         : 0,
                            c->mode == V86, which == 0);
    case PROT32: return which == 0 ? flat(0x18, 0xb, 0) : flat(0x10, 0x3, 0);
    case PROT32_USER:
    case PAGED32_USER: return which == 0 ? flat(0x1b, 0xb, 3) : flat(0x23, 0x3, 3);
    case COMPAT32_USER: return which == 0 ? flat(0x23, 0xb, 3) : flat(0x2b, 0x3, 3);
    default:
        if (which == 0) {
            s = flat(dpl == 0 ? 0x08 : 0x33, 0xb, dpl);
            s.l = true;
            s.db = false;
            return s;
        }
        return flat(dpl == 0 ? 0x10 : 0x2b, 0x3, dpl);
    }
}

/* TR and LDTR before the instruction (the GDT does not hold TR's descriptor: nothing reads it) */
static struct seg initial_tr(void)
{
    struct seg s = { TSS, 0x67, 0x28, 0xb, 0, false, true, false, false, false };
    return s;
}

static struct seg initial_ldtr(void)
{
    struct seg s = { LDT_BASE, 0xff, SEL_LDT, 0x2, 0, false, true, false, false, false };
    return s;
}

static uint64_t idt_base_of(enum mode m)
{
    return m == REAL ? IVT : IDT;
}

static uint32_t idt_limit_of(enum mode m)
{
    return m == REAL ? 0x3ff : long_mode(m) ? 32 * 16 - 1 : 32 * 8 - 1;
}

static uint64_t cr0_of(enum mode m)
{
    /* PE, ET, NE, WP, AM (#AC needs it), PG in the paged modes */
    uint64_t cr0 = 0x10;
    if (protected_mode(m))
        cr0 |= 0x1 | 0x20 | 0x10000 | 0x40000;
    if (paged(m))
        cr0 |= UINT64_C(0x80000000);
    return cr0;
}

static uint64_t rflags_of(const struct mode_case *c)
{
    return 0x2 | (c->ac ? 0x40000u : 0) | (c->mode == V86 ? 0x20000u : 0);
}

static uint64_t rip_of(const struct mode_case *c)
{
    if (c->ip)
        return c->ip;
    return c->mode == REAL || c->mode == V86 ? 0 : CODE; /* CS based at CODE there */
}

/* Where the instruction is. */
static uint64_t code_linear(const struct mode_case *c)
{
    return segment_of(c, c->cs, 0).base + rip_of(c);
}

static uint64_t rsp_of(const struct mode_case *c)
{
    return c->rsp ? c->rsp : STACK_TOP;
}

/* ---- guest memory: descriptor tables, handlers, code, data, page tables ---- */

static void put64(uint8_t *m, uint64_t at, uint64_t v)
{
    memcpy(m + at, &v, 8);
}

static void put32(uint8_t *m, uint64_t at, uint32_t v)
{
    memcpy(m + at, &v, 4);
}

/* The paged modes' tables: the system pages (descriptor tables, handlers, TSS, the ring-0
 * stacks) supervisor-only, so that SMEP and SMAP cases can run; everything else below
 * IMAGE_SIZE user-accessible and writable but the special pages. */
static void map_pages(struct pw_guest *pw, bool reserved_bits)
{
    for (uint64_t page = 0; page < IMAGE_SIZE; page += 4096) {
        uint64_t flags = PTE_P | PTE_RW | PTE_US;
        if (page < CODE || (page >= STACK_TOP && page < IST_STACK_TOP))
            flags = PTE_P | PTE_RW;
        if (page == PAGE_ABSENT)
            continue;
        if (page == PAGE_READ_ONLY)
            flags = PTE_P | PTE_US;
        else if (page == PAGE_SUPERVISOR)
            flags = PTE_P | PTE_RW;
        else if (page == PAGE_RESERVED && reserved_bits)
            flags |= RESERVED_BIT;
        pw_map(pw, page, page, 4096, flags);
    }
}

/* A segment descriptor; `flags` is G, D/B, L, AVL (bits 55..52). */
static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
           (uint64_t)(limit >> 16 & 0xf) << 48 | (uint64_t)(flags & 0xf) << 52 |
           (uint64_t)(base >> 24) << 56;
}

/* A call gate (DPL 0, no parameters), the same 8 bytes in both modes. */
static uint64_t call_gate(uint16_t selector, uint32_t offset)
{
    return (offset & 0xffff) | (uint64_t)selector << 16 | UINT64_C(0x8c) << 40 |
           (uint64_t)(offset >> 16) << 48;
}

static void build_memory(const struct mode_case *c, uint8_t *m, const uint8_t *code,
                         unsigned length)
{
    bool lm = long_mode(c->mode);

    memset(m, 0, IMAGE_SIZE);
    put64(m, GDT + 0x08, UINT64_C(0x00af9b000000ffff)); /* 64-bit code, DPL 0 */
    put64(m, GDT + 0x10, UINT64_C(0x00cf93000000ffff)); /* data, DPL 0 */
    put64(m, GDT + 0x18, UINT64_C(0x00cf9b000000ffff)); /* 32-bit code, DPL 0 */
    put64(m, GDT + SEL_DATA, descriptor(DATA_SEGMENT, 0xfff, 0x92, 0x4));
    put64(m, GDT + SEL_DATA_ABSENT, descriptor(DATA_SEGMENT, 0xfff, 0x12, 0x4));
    put64(m, GDT + SEL_CODE_EXEC, descriptor(0, 0xfffff, 0x98, 0xc));
    put64(m, GDT + SEL_CODE_READ, descriptor(0, 0xfffff, 0x9a, 0xc));
    put64(m, GDT + SEL_LDT, descriptor(LDT_BASE, 0xff, 0x82, 0));
    put64(m, GDT + SEL_LDT_ABSENT, descriptor(LDT_BASE, 0xff, 0x02, 0));
    put64(m, GDT + SEL_TSS, descriptor(TSS2, 0x67, 0x89, 0));
    put64(m, GDT + SEL_TSS_BUSY, descriptor(TSS2, 0x67, 0x8b, 0));
    put64(m, GDT + SEL_GATE32, call_gate(0x18, JUMP_TARGET));
    put64(m, GDT + SEL_GATE64, call_gate(0x08, JUMP_TARGET));
    put64(m, GDT + SEL_DATA_DPL3, descriptor(DATA_SEGMENT, 0xfff, 0xf2, 0x4));
    put64(m, GDT + SEL_DATA_READ_ONLY, descriptor(DATA_SEGMENT, 0xfff, 0x90, 0x4));
    for (unsigned v = 0; v < 32; v++) {
        uint64_t handler = HANDLERS + 16 * v;
        m[handler] = 0xf4;                        /* hlt */
        put32(m, IVT + 4 * v, (uint32_t)handler); /* 0000:handler */
        if (lm) {
            /* 64-bit interrupt gate to 0x08, IST 1: every handler gets a good stack */
            put64(m, IDT + 16 * v,
                  (handler & 0xffff) | UINT64_C(0x08) << 16 | UINT64_C(1) << 32 |
                      UINT64_C(0x8e) << 40 | (handler >> 16) << 48);
        } else {
            put64(m, IDT + 8 * v,
                  (handler & 0xffff) | UINT64_C(0x18) << 16 | UINT64_C(0x8e) << 40 |
                      (handler >> 16) << 48);
        }
    }
    if (lm) {
        put64(m, TSS + 4, RING0_STACK_TOP);  /* RSP0 */
        put64(m, TSS + 0x24, IST_STACK_TOP); /* IST1 */
    } else {
        put32(m, TSS + 4, RING0_STACK_TOP); /* ESP0 */
        put32(m, TSS + 8, 0x10);            /* SS0 */
        put32(m, TSS + 0x66, 0x68u << 16);  /* I/O map base beyond the limit */
    }
    for (unsigned i = 0; i < DATA_SIZE; i++)
        m[DATA + i] = (uint8_t)(i * 13 + 5);
    put64(m, LDT_BASE, 0);
    put64(m, LDT_BASE + 8, descriptor(DATA_SEGMENT, 0xfff, 0x92, 0x4));
    if (c->system)
        for (unsigned i = 0; i < sizeof c->memory / sizeof c->memory[0]; i++)
            put64(m, DATA + 8 * i, c->memory[i]);
    m[JUMP_TARGET] = 0xf4; /* hlt */
    memcpy(m + code_linear(c), code, length);
    m[code_linear(c) + length] = 0xf4; /* hlt: #GP(0) at CPL 3 */
}

/* ---- the outcome ---- */

#define GDT_WINDOW (GDT_LIMIT + 1)
#define DATA_WINDOW 48u
#define STACK_WINDOW 16u

/* What a system instruction may change, after it completed at CPL 0. */
struct system {
    struct seg segments[SEG_COUNT], ldtr, tr;
    uint64_t gdt_base, idt_base;
    uint32_t gdt_limit, idt_limit;
    uint64_t cr0, rip, rsp, rflags;
    uint8_t gdt[GDT_WINDOW], data[DATA_WINDOW], stack[STACK_WINDOW]; /* below STACK_TOP */
};

struct outcome {
    int vector; /* NO_FAULT: the instruction completed */
    int error;  /* NO_ERROR: none delivered */
    uint64_t cr2;
    uint64_t rax, rbx, rbp;
    bool has_system; /* completed at CPL 0: `system` holds the state after it */
    struct system system;
};

/* A segment register's fields that count: an unusable one keeps only its selector. In
 * protected mode so does one holding a null selector, whose hidden part the SDM leaves
 * undefined (KVM reports a null SS loaded in 64-bit mode as a present flat segment). */
static struct seg usable_part(struct seg s, bool protected)
{
    if (!s.present || (protected && (s.selector & ~3) == 0)) {
        uint16_t selector = s.selector;
        memset(&s, 0, sizeof s);
        s.selector = selector;
    }
    return s;
}

static bool same_seg(struct seg a, struct seg b, bool protected)
{
    a = usable_part(a, protected);
    b = usable_part(b, protected);
    return a.base == b.base && a.limit == b.limit && a.selector == b.selector && a.type == b.type &&
           a.dpl == b.dpl && a.s == b.s && a.present == b.present && a.db == b.db && a.l == b.l &&
           a.g == b.g;
}

#define STATUS_FLAGS 0x8d5u /* CF PF AF ZF SF OF */

/* The first difference between two system states, or NULL. */
static const char *system_difference(const struct system *a, const struct system *b, bool protected)
{
    static const char *const names[SEG_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS" };

    for (unsigned i = 0; i < SEG_COUNT; i++)
        if (!same_seg(a->segments[i], b->segments[i], protected))
            return names[i];
    if (!same_seg(a->ldtr, b->ldtr, protected))
        return "LDTR";
    if (!same_seg(a->tr, b->tr, protected))
        return "TR";
    if (a->gdt_base != b->gdt_base || a->gdt_limit != b->gdt_limit)
        return "GDTR";
    if (a->idt_base != b->idt_base || a->idt_limit != b->idt_limit)
        return "IDTR";
    if (a->cr0 != b->cr0)
        return "CR0";
    if (a->rip != b->rip)
        return "RIP";
    if (a->rsp != b->rsp)
        return "RSP";
    if ((a->rflags ^ b->rflags) & STATUS_FLAGS)
        return "RFLAGS";
    if (memcmp(a->gdt, b->gdt, sizeof a->gdt))
        return "the GDT";
    if (memcmp(a->data, b->data, sizeof a->data))
        return "the data at DATA";
    if (memcmp(a->stack, b->stack, sizeof a->stack))
        return "the stack";
    return NULL;
}

static uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t observed(const struct outcome *o, const struct observation *w)
{
    const struct system *s = &o->system;
    unsigned seg = w->at < SEG_COUNT ? w->at : 0;

    switch (w->what) {
    case OBS_NONE: break;
    case OBS_GDTR_BASE: return s->gdt_base;
    case OBS_GDTR_LIMIT: return s->gdt_limit;
    case OBS_IDTR_BASE: return s->idt_base;
    case OBS_LDTR_SELECTOR: return s->ldtr.selector;
    case OBS_LDTR_BASE: return s->ldtr.base;
    case OBS_TR_SELECTOR: return s->tr.selector;
    case OBS_TR_BASE: return s->tr.base;
    case OBS_CR0: return s->cr0;
    case OBS_RAX: return o->rax;
    case OBS_ZF: return s->rflags >> 6 & 1;
    case OBS_RIP: return s->rip;
    case OBS_RSP: return s->rsp;
    case OBS_SELECTOR: return s->segments[seg].selector;
    case OBS_SEG_BASE: return s->segments[seg].base;
    case OBS_SEG_LIMIT: return s->segments[seg].limit;
    case OBS_GDT_BYTE: return w->at < GDT_WINDOW ? s->gdt[w->at] : 0;
    case OBS_DATA_QWORD: return w->at + 8 <= DATA_WINDOW ? load64(s->data + w->at) : 0;
    case OBS_STACK_QWORD: return w->at + 8 <= STACK_WINDOW ? load64(s->stack + w->at) : 0;
    }
    return 0;
}

/* The first of a case's expectations the outcome misses (its index), or -1. */
static int missed_expectation(const struct mode_case *c, const struct outcome *o)
{
    if (o->vector != NO_FAULT)
        return -1;
    for (int i = 0; i < 2; i++)
        if (c->expect[i].what != OBS_NONE &&
            (!o->has_system || observed(o, &c->expect[i]) != c->expect[i].value))
            return i;
    return -1;
}

static bool same_outcome(const struct outcome *a, const struct outcome *b, bool compare_regs)
{
    if (a->vector != b->vector || a->error != b->error)
        return false;
    if (a->vector == PF && a->cr2 != b->cr2)
        return false;
    return !compare_regs || a->vector != NO_FAULT ||
           (a->rax == b->rax && a->rbx == b->rbx && a->rbp == b->rbp);
}

static void describe(const struct outcome *o, char *out, size_t size)
{
    if (o->vector == NO_FAULT)
        snprintf(out, size, "completed (rax 0x%" PRIx64 ")", o->rax);
    else if (o->error == NO_ERROR)
        snprintf(out, size, "vector %d, no error code", o->vector);
    else if (o->vector == PF)
        snprintf(out, size, "#PF(0x%x) cr2 0x%" PRIx64, (unsigned)o->error, o->cr2);
    else
        snprintf(out, size, "vector %d (0x%x)", o->vector, (unsigned)o->error);
}

/* ---- whvemu ---- */

static void set_segment(struct pw_guest *pw, WHV_REGISTER_NAME name, const struct seg *s)
{
    WHV_X64_SEGMENT_REGISTER *r = &vcpu_reg(&pw->guest.vcpu, name)->Segment;
    memset(r, 0, sizeof *r);
    r->Base = s->base;
    r->Limit = s->limit;
    r->Selector = s->selector;
    r->SegmentType = s->type & 0xf;
    r->NonSystemSegment = s->s;
    r->DescriptorPrivilegeLevel = s->dpl & 3;
    r->Present = s->present;
    r->Long = s->l;
    r->Default = s->db;
    r->Granularity = s->g;
}

static struct seg whv_segment(const struct pw_guest *pw, WHV_REGISTER_NAME name)
{
    const WHV_X64_SEGMENT_REGISTER *r = &vcpu_reg_const(&pw->guest.vcpu, name)->Segment;
    struct seg s = { r->Base,
                     r->Limit,
                     r->Selector,
                     (uint8_t)r->SegmentType,
                     (uint8_t)r->DescriptorPrivilegeLevel,
                     r->NonSystemSegment,
                     r->Present,
                     r->Default,
                     r->Long,
                     r->Granularity };
    return s;
}

static void set_table(struct pw_guest *pw, WHV_REGISTER_NAME name, uint64_t base, uint32_t limit)
{
    WHV_X64_TABLE_REGISTER *t = &vcpu_reg(&pw->guest.vcpu, name)->Table;
    memset(t, 0, sizeof *t);
    t->Base = base;
    t->Limit = (UINT16)limit;
}

static void whvemu_system(const struct pw_guest *pw, struct system *s)
{
    const struct guest_vcpu *v = &pw->guest.vcpu;
    const WHV_X64_TABLE_REGISTER *gdtr = &vcpu_reg_const(v, WHvX64RegisterGdtr)->Table,
                                 *idtr = &vcpu_reg_const(v, WHvX64RegisterIdtr)->Table;

    for (unsigned i = 0; i < SEG_COUNT; i++)
        s->segments[i] = whv_segment(pw, (WHV_REGISTER_NAME)(WHvX64RegisterEs + i));
    s->ldtr = whv_segment(pw, WHvX64RegisterLdtr);
    s->tr = whv_segment(pw, WHvX64RegisterTr);
    s->gdt_base = gdtr->Base;
    s->gdt_limit = gdtr->Limit;
    s->idt_base = idtr->Base;
    s->idt_limit = idtr->Limit;
    s->cr0 = pw_reg(pw, WHvX64RegisterCr0);
    s->rip = pw_reg(pw, WHvX64RegisterRip);
    s->rsp = pw_reg(pw, WHvX64RegisterRsp);
    s->rflags = pw_reg(pw, WHvX64RegisterRflags);
    guest_read(&pw->guest, GDT, s->gdt, sizeof s->gdt);
    guest_read(&pw->guest, DATA, s->data, sizeof s->data);
    guest_read(&pw->guest, STACK_TOP - STACK_WINDOW, s->stack, sizeof s->stack);
}

static void run_whvemu(const struct mode_case *c, const uint8_t *image, struct pw_guest *pw,
                       const uint8_t *code, unsigned length, struct outcome *o)
{
    WHV_EMULATOR_CALLBACKS callbacks = pw_callbacks();
    WHV_EMULATOR_HANDLE emulator;
    WHV_EMULATOR_STATUS status;
    struct seg cs = segment_of(c, c->cs, 0), ds = segment_of(c, c->ds, 1),
               ss = segment_of(c, c->ss, 2), tr = initial_tr(), ldtr = initial_ldtr();

    guest_write(&pw->guest, 0, image, IMAGE_SIZE);
    set_segment(pw, WHvX64RegisterTr, &tr);
    set_segment(pw, WHvX64RegisterLdtr, &ldtr);
    set_table(pw, WHvX64RegisterGdtr, GDT, GDT_LIMIT);
    set_table(pw, WHvX64RegisterIdtr, idt_base_of(c->mode), idt_limit_of(c->mode));
    set_segment(pw, WHvX64RegisterCs, &cs);
    set_segment(pw, WHvX64RegisterDs, &ds);
    set_segment(pw, WHvX64RegisterEs, &ds);
    set_segment(pw, WHvX64RegisterFs, &ds);
    set_segment(pw, WHvX64RegisterGs, &ds);
    set_segment(pw, WHvX64RegisterSs, &ss);
    pw_set_reg(pw, WHvX64RegisterCr0, cr0_of(c->mode));
    pw_set_reg(pw, WHvX64RegisterCr4, paged(c->mode) ? pw_reg(pw, WHvX64RegisterCr4) | c->cr4 : 0);
    if (!long_mode(c->mode))
        pw_set_reg(pw, WHvX64RegisterEfer, 0);
    pw_set_reg(pw, WHvX64RegisterRflags, rflags_of(c));
    pw_set_reg(pw, WHvX64RegisterRip, rip_of(c));
    pw_set_reg(pw, WHvX64RegisterRax, c->rax);
    pw_set_reg(pw, WHvX64RegisterRbx, c->rbx);
    pw_set_reg(pw, WHvX64RegisterRbp, c->rbp);
    pw_set_reg(pw, WHvX64RegisterRsp, rsp_of(c));
    pw_set_reg(pw, WHvX64RegisterCr2, 0);

    CHECK(WHvEmulatorCreateEmulator(&callbacks, &emulator) == S_OK, "create");
    /* the instruction's bytes in the exit, or none (fetched) when the case says so */
    CHECK(guest_run_mmio(&pw->guest, emulator, code, c->ip ? 0 : length, &status) == S_OK &&
              status.AsUINT32 == 1,
          "%s: status 0x%x", c->what, (unsigned)status.AsUINT32);
    WHvEmulatorDestroyEmulator(emulator);

    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p =
        &vcpu_reg(&pw->guest.vcpu, WHvRegisterPendingInterruption)->PendingInterruption;
    memset(o, 0, sizeof *o);
    o->vector = p->InterruptionPending ? (int)p->InterruptionVector : NO_FAULT;
    o->error = p->InterruptionPending && p->DeliverErrorCode ? (int)p->ErrorCode : NO_ERROR;
    o->cr2 = pw_reg(pw, WHvX64RegisterCr2);
    o->rax = pw_reg(pw, WHvX64RegisterRax);
    o->rbx = pw_reg(pw, WHvX64RegisterRbx);
    o->rbp = pw_reg(pw, WHvX64RegisterRbp);
    o->has_system = o->vector == NO_FAULT;
    if (o->has_system)
        whvemu_system(pw, &o->system);
}

/* ---- KVM ---- */

static void kvm_segment_of(struct kvm_segment *k, const struct seg *s)
{
    memset(k, 0, sizeof *k);
    k->base = s->base;
    k->limit = s->limit;
    k->selector = s->selector;
    k->type = s->type;
    k->present = s->present;
    k->dpl = s->dpl;
    k->db = s->db;
    k->s = s->s;
    k->l = s->l;
    k->g = s->g;
    k->unusable = !s->present;
}

static struct seg seg_of_kvm(const struct kvm_segment *k)
{
    struct seg s = {
        k->base, k->limit, k->selector, k->type, k->dpl, k->s, k->present && !k->unusable,
        k->db,   k->l,     k->g
    };
    return s;
}

static void kvm_system(const struct kvm_guest *g, const struct kvm_sregs *sregs,
                       const struct kvm_regs *regs, struct system *s)
{
    const struct kvm_segment *segments[SEG_COUNT] = { &sregs->es, &sregs->cs, &sregs->ss,
                                                      &sregs->ds, &sregs->fs, &sregs->gs };

    for (unsigned i = 0; i < SEG_COUNT; i++)
        s->segments[i] = seg_of_kvm(segments[i]);
    s->ldtr = seg_of_kvm(&sregs->ldt);
    s->tr = seg_of_kvm(&sregs->tr);
    s->gdt_base = sregs->gdt.base;
    s->gdt_limit = sregs->gdt.limit;
    s->idt_base = sregs->idt.base;
    s->idt_limit = sregs->idt.limit;
    s->cr0 = sregs->cr0;
    s->rip = regs->rip - 1; /* on the HLT */
    s->rsp = regs->rsp;
    s->rflags = regs->rflags;
    memcpy(s->gdt, g->memory + GDT, sizeof s->gdt);
    memcpy(s->data, g->memory + DATA, sizeof s->data);
    memcpy(s->stack, g->memory + STACK_TOP - STACK_WINDOW, sizeof s->stack);
}

/* The exception frame's size without an error code, below the handler's stack top. */
static unsigned frame_size(enum mode m)
{
    switch (m) {
    case REAL: return 6;    /* FLAGS CS IP */
    case V86: return 36;    /* GS FS DS ES SS ESP EFLAGS CS EIP */
    case PROT32: return 12; /* EFLAGS CS EIP */
    case PROT32_USER:
    case PAGED32_USER: return 20; /* SS ESP EFLAGS CS EIP */
    default: return 40;           /* SS RSP RFLAGS CS RIP */
    }
}

static uint64_t handler_stack_top(enum mode m)
{
    return m == REAL || m == PROT32 ? STACK_TOP : long_mode(m) ? IST_STACK_TOP : RING0_STACK_TOP;
}

/* False (with `why`) when KVM could not run the case at all. */
static bool run_kvm(const struct mode_case *c, const uint8_t *image, const struct pw_guest *pw,
                    unsigned length, struct outcome *o, char *why, size_t why_size)
{
    struct kvm_guest g;
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    struct seg cs = segment_of(c, c->cs, 0), ds = segment_of(c, c->ds, 1),
               ss = segment_of(c, c->ss, 2), tr = initial_tr(), ldtr = initial_ldtr();
    bool ok = false;

    if (!kvm_guest_create(&g, MEMORY_SIZE, why, why_size))
        goto out;
    memcpy(g.memory, image, IMAGE_SIZE);
    for (size_t i = 0; i < pw->guest.page_count; i++) /* the page tables */
        if (pw->guest.pages[i]->gpa >= IMAGE_SIZE && pw->guest.pages[i]->gpa < MEMORY_SIZE)
            memcpy(g.memory + pw->guest.pages[i]->gpa, pw->guest.pages[i]->now, 4096);

    if (ioctl(g.vcpu, KVM_GET_SREGS, &sregs) < 0) {
        snprintf(why, why_size, "KVM_GET_SREGS failed");
        goto out;
    }
    kvm_segment_of(&sregs.cs, &cs);
    kvm_segment_of(&sregs.ds, &ds);
    kvm_segment_of(&sregs.es, &ds);
    kvm_segment_of(&sregs.fs, &ds);
    kvm_segment_of(&sregs.gs, &ds);
    kvm_segment_of(&sregs.ss, &ss);
    kvm_segment_of(&sregs.tr, &tr);
    kvm_segment_of(&sregs.ldt, &ldtr);
    sregs.gdt.base = GDT;
    sregs.gdt.limit = GDT_LIMIT;
    sregs.idt.base = idt_base_of(c->mode);
    sregs.idt.limit = (uint16_t)idt_limit_of(c->mode);
    sregs.cr0 = cr0_of(c->mode);
    sregs.cr2 = 0;
    sregs.cr3 = paged(c->mode) ? pw_reg(pw, WHvX64RegisterCr3) : 0;
    sregs.cr4 = paged(c->mode) ? pw_reg(pw, WHvX64RegisterCr4) : 0;
    sregs.efer = long_mode(c->mode) ? pw_reg(pw, WHvX64RegisterEfer) : 0;
    if (ioctl(g.vcpu, KVM_SET_SREGS, &sregs) < 0) {
        snprintf(why, why_size, "KVM_SET_SREGS refused the state");
        goto out;
    }
    {
        /* a KVM that cannot run the mode may quietly drop a bit (kvm_pvm: CR0.PG outside
         * long mode) */
        uint64_t cr0 = sregs.cr0, cr4 = sregs.cr4, efer = sregs.efer;
        if (ioctl(g.vcpu, KVM_GET_SREGS, &sregs) < 0 || sregs.cr0 != cr0 || sregs.cr4 != cr4 ||
            (sregs.efer & ~UINT64_C(0x400)) != (efer & ~UINT64_C(0x400))) {
            snprintf(why, why_size,
                     "KVM changed CR0/CR4/EFER 0x%llx/0x%llx/0x%llx to "
                     "0x%llx/0x%llx/0x%llx",
                     (unsigned long long)cr0, (unsigned long long)cr4, (unsigned long long)efer,
                     (unsigned long long)sregs.cr0, (unsigned long long)sregs.cr4,
                     (unsigned long long)sregs.efer);
            goto out;
        }
    }
    memset(&regs, 0, sizeof regs);
    regs.rip = rip_of(c);
    regs.rflags = rflags_of(c);
    regs.rax = c->rax;
    regs.rbx = c->rbx;
    regs.rbp = c->rbp;
    regs.rsp = rsp_of(c);
    if (ioctl(g.vcpu, KVM_SET_REGS, &regs) < 0 || ioctl(g.vcpu, KVM_GET_REGS, &regs) < 0) {
        snprintf(why, why_size, "KVM_SET_REGS failed");
        goto out;
    }
    if (regs.rflags != rflags_of(c)) {
        snprintf(why, why_size, "RFLAGS 0x%llx became 0x%llx%s", (unsigned long long)rflags_of(c),
                 (unsigned long long)regs.rflags,
                 c->mode == V86 ? ": no virtual-8086 mode in this KVM" : "");
        goto out;
    }
    if (ioctl(g.vcpu, KVM_RUN, 0) < 0) {
        snprintf(why, why_size, "KVM_RUN failed");
        goto out;
    }
    if (g.run->exit_reason != KVM_EXIT_HLT) {
        snprintf(why, why_size, "exit %u instead of HLT (internal error %u)", g.run->exit_reason,
                 g.run->exit_reason == KVM_EXIT_INTERNAL_ERROR ? g.run->internal.suberror : 0);
        goto out;
    }
    if (ioctl(g.vcpu, KVM_GET_REGS, &regs) < 0 || ioctl(g.vcpu, KVM_GET_SREGS, &sregs) < 0) {
        snprintf(why, why_size, "KVM_GET_REGS failed");
        goto out;
    }
    /* halted on the HLT after the instruction, or on the one a far transfer went to */
    if (sregs.cs.base + regs.rip == code_linear(c) + length + 1 ||
        sregs.cs.base + regs.rip == JUMP_TARGET + 1) {
        memset(o, 0, sizeof *o);
        o->vector = NO_FAULT;
        o->error = NO_ERROR;
        o->rax = regs.rax;
        o->rbx = regs.rbx;
        o->rbp = regs.rbp;
        o->has_system = true;
        kvm_system(&g, &sregs, &regs, &o->system);
        ok = true;
        goto out;
    }
    {
        uint64_t handler = (c->mode == REAL ? sregs.cs.base : 0) + regs.rip - 1;
        uint64_t frame = (c->mode == REAL ? sregs.ss.base : 0) + (regs.rsp & 0xffffffffu);
        uint64_t top = (c->mode == REAL ? sregs.ss.base : 0) + handler_stack_top(c->mode);
        unsigned base = frame_size(c->mode), pushed;
        unsigned error_size = long_mode(c->mode) ? 8 : 4;
        uint64_t fault_ip = 0;
        int vector;

        if (handler < HANDLERS || handler >= HANDLERS + 32 * 16 || (handler - HANDLERS) % 16 ||
            frame >= top || top - frame > base + error_size) {
            snprintf(why, why_size, "halted outside the handlers (rip 0x%llx)",
                     (unsigned long long)regs.rip);
            goto out;
        }
        if (long_mode(c->mode))
            top &= ~UINT64_C(15); /* the frame starts 16-byte aligned */
        pushed = (unsigned)(top - frame);
        vector = (int)((handler - HANDLERS) / 16);
        memset(o, 0, sizeof *o);
        o->error = NO_ERROR;
        if (pushed == base + error_size) {
            uint32_t e;
            memcpy(&e, g.memory + frame, 4);
            o->error = (int)e;
            frame += error_size;
        }
        memcpy(&fault_ip, g.memory + frame, c->mode == REAL ? 2 : long_mode(c->mode) ? 8 : 4);
        /* a fault at the next instruction (the HLT's #GP(0) at CPL 3, or a #PF fetching
         * it): the instruction completed */
        o->vector = fault_ip == rip_of(c) + length ? NO_FAULT : vector;
        if (o->vector == NO_FAULT)
            o->error = NO_ERROR;
        o->cr2 = sregs.cr2;
        o->rax = regs.rax;
        o->rbx = regs.rbx;
        o->rbp = regs.rbp;
    }
    ok = true;
out:
    kvm_guest_destroy(&g);
    return ok;
}

int main(int argc, char **argv)
{
    bool with_kvm = argc > 1 && strcmp(argv[1], "--kvm") == 0;
    static uint8_t image[IMAGE_SIZE];
    unsigned kvm_ran = 0, kvm_differs = 0, kvm_states = 0;
    char why[256];

    if (with_kvm) {
        struct kvm_guest probe;
        bool usable = kvm_guest_create(&probe, 4096, why, sizeof why);
        kvm_guest_destroy(&probe);
        if (!usable) {
            fprintf(stderr, "SKIPPED: no usable /dev/kvm: %s\n", why);
            return 77;
        }
        host_describe(stdout); /* KVM on Intel (VMX) and AMD (SVM) may differ as peers */
        printf("KVM: %s\n", kvm_is_hardware() ? "hardware virtualization"
                                              : "software hypervisor (e.g. kvm_pvm): a peer");
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct mode_case *c = &cases[i];
        struct pw_guest pw;
        struct outcome sdm = { c->vector, c->error, c->cr2, 0, 0, 0 }, emulated, kvm;
        uint8_t code[16];
        unsigned length = hex_bytes(c->bytes, code, sizeof code);
        char a[96], b[96];

        pw_init(&pw, c->mode == LONG64_LA57 ? PW_5LEVEL
                     : long_mode(c->mode)   ? PW_4LEVEL
                                            : PW_32BIT);
        if (long_mode(c->mode))
            pw_set_reg(&pw, WHvX64RegisterEfer, pw_reg(&pw, WHvX64RegisterEfer) | 0x800); /* NXE */
        if (paged(c->mode))
            map_pages(&pw, long_mode(c->mode));
        build_memory(c, image, code, length);
        run_whvemu(c, image, &pw, code, length, &emulated);
        describe(&emulated, a, sizeof a);
        describe(&sdm, b, sizeof b);
        CHECK(same_outcome(&emulated, &sdm, false), "%s: whvemu %s, the SDM (%s) %s", c->what, a,
              c->sdm, b);
        int missed = missed_expectation(c, &emulated);
        CHECK(missed < 0, "%s: whvemu's value %d is 0x%" PRIx64 ", the SDM (%s) says 0x%" PRIx64,
              c->what, missed, missed < 0 ? 0 : observed(&emulated, &c->expect[missed]), c->sdm,
              missed < 0 ? 0 : c->expect[missed].value);
        if (with_kvm) {
            if (!run_kvm(c, image, &pw, length, &kvm, why, sizeof why)) {
                printf("KVM could not run \"%s\": %s\n", c->what, why);
            } else {
                kvm_ran++;
                describe(&kvm, b, sizeof b);
                missed = missed_expectation(c, &kvm);
                if (!same_outcome(&kvm, &sdm, false)) {
                    kvm_differs++;
                    describe(&sdm, a, sizeof a);
                    printf("KVM differs from the SDM: %s: KVM %s, SDM %s\n", c->what, b, a);
                } else if (missed >= 0) {
                    kvm_differs++;
                    printf("KVM differs from the SDM: %s: KVM's value %d is 0x%" PRIx64
                           ", the SDM's 0x%" PRIx64 "\n",
                           c->what, missed, observed(&kvm, &c->expect[missed]),
                           c->expect[missed].value);
                } else {
                    describe(&emulated, a, sizeof a);
                    CHECK(same_outcome(&emulated, &kvm, true), "%s: whvemu %s, KVM %s", c->what, a,
                          b);
                    if (c->system && emulated.has_system && kvm.has_system) {
                        const char *difference = system_difference(&emulated.system, &kvm.system,
                                                                   protected_mode(c->mode));
                        kvm_states++;
                        CHECK(!difference, "%s: whvemu and KVM differ in %s", c->what, difference);
                    }
                }
            }
        }
        pw_free(&pw);
    }
    printf("%zu cases against the SDM", sizeof cases / sizeof cases[0]);
    if (with_kvm)
        printf("; %u run in KVM, %u where KVM differs from the SDM; system state after %u "
               "compared with KVM's",
               kvm_ran, kvm_differs, kvm_states);
    printf("\n");
    return check_summary();
}
