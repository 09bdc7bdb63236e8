/* Hand vectors for what user mode cannot show natively: real mode, far transfers and
 * segment loads through a guest GDT, the privileged loads, UMIP, IRET. Each expectation
 * names the manual section it comes from (Intel SDM vol. 2 instruction pages unless said
 * otherwise). Runs through the public API with the CLI's in-memory guest. */
#include <stdlib.h>
#include <string.h>

#include "WinHvEmulation.h"
#include "check.h"
#include "guest.h"
#include "whvemu.h"

static struct guest g;
static WHV_EMULATOR_HANDLE emu;
static WHV_EMULATOR_STATUS status;

static WHV_REGISTER_VALUE *reg(WHV_REGISTER_NAME name)
{
    return vcpu_reg(&g.vcpu, name);
}
static uint64_t r64(WHV_REGISTER_NAME name)
{
    return reg(name)->Reg64;
}
static WHV_X64_SEGMENT_REGISTER *seg(WHV_REGISTER_NAME name)
{
    return &reg(name)->Segment;
}
static const WHV_X64_PENDING_INTERRUPTION_REGISTER *pending(void)
{
    return &reg(WHvRegisterPendingInterruption)->PendingInterruption;
}

static void put(uint64_t gpa, uint64_t value, unsigned size)
{
    uint8_t b[8];
    for (unsigned i = 0; i < size; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    guest_write(&g, gpa, b, size);
}
/* A stack frame: values of slot bytes each from address at upwards. */
static void put_frame(uint64_t at, unsigned slot, const uint64_t *values, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        put(at + i * slot, values[i], slot);
}
#define FRAME(at, slot, ...)                                                                       \
    put_frame(at, slot, (const uint64_t[]){ __VA_ARGS__ },                                         \
              sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))

static uint64_t get(uint64_t gpa, unsigned size)
{
    uint8_t b[8];
    uint64_t v = 0;
    guest_read(&g, gpa, b, size);
    for (unsigned i = size; i-- > 0;)
        v = (v << 8) | b[i];
    return v;
}

/* The page of gva is not present: translate answers PageNotPresent (#PF). */
static void page_absent(uint64_t gva_page)
{
    g.mappings[0].gva_page = gva_page;
    g.mappings[0].result = WHvTranslateGvaResultPageNotPresent;
    g.mapping_count = 1;
}

/* A fresh guest in a mode. */
static void fresh(enum vcpu_mode mode)
{
    guest_free(&g);
    guest_init(&g);
    vcpu_set_defaults(&g.vcpu, mode);
}

/* Emulate the instruction bytes at the current RIP (the exit gives them all). */
static void run(const char *bytes, unsigned length)
{
    /* the guest took any exception the previous instruction raised */
    memset(reg(WHvRegisterPendingInterruption), 0, sizeof(WHV_REGISTER_VALUE));
    CHECK(guest_run_mmio(&g, emu, bytes, length, &status) == S_OK, "hr");
}
#define RUN(bytes) run(bytes, sizeof(bytes) - 1)

static void expect_ok(const char *what)
{
    CHECK(status.AsUINT32 == 1 && !pending()->InterruptionPending,
          "%s: status 0x%x pending %u vector %u error 0x%x", what, (unsigned)status.AsUINT32,
          pending()->InterruptionPending, pending()->InterruptionVector, pending()->ErrorCode);
}

static void expect_fault(const char *what, unsigned vector, unsigned error)
{
    CHECK(status.AsUINT32 == 1 && pending()->InterruptionPending &&
              pending()->InterruptionVector == vector && pending()->ErrorCode == error,
          "%s: status 0x%x pending %u vector %u error 0x%x, want vector %u error 0x%x", what,
          (unsigned)status.AsUINT32, pending()->InterruptionPending, pending()->InterruptionVector,
          pending()->ErrorCode, vector, error);
}

/* A #PF with this error code and CR2. */
static void expect_page_fault(const char *what, unsigned error, uint64_t cr2)
{
    expect_fault(what, 14, error);
    CHECK_EQ(r64(WHvX64RegisterCr2), cr2, what);
}

static void expect_unsupported(const char *what)
{
    CHECK(status.InternalEmulationFailure && !status.EmulationSuccessful,
          "%s: status 0x%x, want InternalEmulationFailure", what, (unsigned)status.AsUINT32);
}

/* ---- descriptors ---- */

static uint64_t descriptor(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
    return (limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 | (uint64_t)access << 40 |
           (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)flags << 52 |
           (uint64_t)(base >> 24) << 56;
}
#define F_G 0x8 /* flags nibble: G, D/B, L, AVL */
#define F_DB 0x4
#define F_L 0x2

#define GDT 0x1000u
#define GDT_LIMIT 0xbfu
enum {
    SEL_CODE = 0x08,        /* flat 32-bit code, DPL 0 */
    SEL_DATA = 0x10,        /* flat data, DPL 0 */
    SEL_FRESH = 0x18,       /* data, accessed bit clear */
    SEL_ABSENT = 0x20,      /* data, not present */
    SEL_TSS = 0x28,         /* available 32-bit TSS */
    SEL_LDT = 0x30,         /* LDT at 0x3000, two entries */
    SEL_CODE_B = 0x38,      /* 32-bit code at base 0x10000, accessed clear */
    SEL_DATA3 = 0x40,       /* data, DPL 3 */
    SEL_CODE16 = 0x48,      /* 16-bit code, limit 0xffff */
    SEL_GATE = 0x50,        /* 32-bit call gate */
    SEL_READONLY = 0x58,    /* read-only data */
    SEL_EXECONLY = 0x60,    /* execute-only code */
    SEL_CONFORM = 0x68,     /* conforming readable code, DPL 0 */
    SEL_LONG = 0x70,        /* 64-bit code */
    SEL_TSS64 = 0x78,       /* available 64-bit TSS (16 bytes) */
    SEL_CODE3 = 0x8b,       /* 32-bit code, DPL 3 (RPL 3) */
    SEL_ABSENT_CODE = 0x90, /* code, not present */
    SEL_ABSENT_SS = 0x98,   /* writable data, not present: for SS */
    SEL_LONG3 = 0xa3,       /* 64-bit code, DPL 3 (RPL 3) */
    SEL_GATE3 = 0xab,       /* 32-bit call gate, DPL 3, to 0x08:0x5678 copying 2 parameters */
    SEL_GATE64 = 0xb3,      /* 64-bit call gate (16 bytes), DPL 3, to SEL_LONG */
};

static void build_gdt(void)
{
    put(GDT + 0x08, descriptor(0, 0xfffff, 0x9b, F_G | F_DB), 8);
    put(GDT + 0x10, descriptor(0, 0xfffff, 0x93, F_G | F_DB), 8);
    put(GDT + 0x18, descriptor(0x123000, 0xffff, 0x92, 0), 8);
    put(GDT + 0x20, descriptor(0, 0xffff, 0x13, 0), 8);
    put(GDT + 0x28, descriptor(0x5000, 0x67, 0x89, 0), 8);
    put(GDT + 0x30, descriptor(0x3000, 0x17, 0x82, 0), 8);
    put(GDT + 0x38, descriptor(0x10000, 0xfffff, 0x9a, F_DB), 8);
    put(GDT + 0x40, descriptor(0, 0xfffff, 0xf3, F_G | F_DB), 8);
    put(GDT + 0x48, descriptor(0x20000, 0xffff, 0x9b, 0), 8);
    put(GDT + 0x50, UINT64_C(0x00008c0000081234), 8); /* call gate to 0x08:0x1234 */
    put(GDT + 0x58, descriptor(0, 0xfffff, 0x91, F_G | F_DB), 8);
    put(GDT + 0x60, descriptor(0, 0xfffff, 0x99, F_G | F_DB), 8);
    put(GDT + 0x68, descriptor(0, 0xfffff, 0x9f, F_G | F_DB), 8);
    put(GDT + 0x70, descriptor(0, 0xfffff, 0x9b, F_G | F_L), 8);
    put(GDT + 0x78, descriptor(0x6000, 0x67, 0x89, 0), 8);
    put(GDT + 0x80, 0x1, 8); /* upper half of the 64-bit TSS: base 63:32 = 1 */
    put(GDT + 0x88, descriptor(0, 0xfffff, 0xfb, F_G | F_DB), 8);
    put(GDT + 0x90, descriptor(0, 0xfffff, 0x1b, F_G | F_DB), 8);
    put(GDT + 0x98, descriptor(0, 0xfffff, 0x13, F_G | F_DB), 8);
    put(GDT + 0xa0, descriptor(0, 0xfffff, 0xfb, F_G | F_L), 8);
    put(GDT + 0xa8, UINT64_C(0x0000ec0200085678), 8);
    put(GDT + 0xb0, UINT64_C(0x0000ec0000701000), 8);
    put(GDT + 0xb8, UINT64_C(0xffff8000), 8);                  /* offset 63:32 */
    put(0x3000 + 0x08, descriptor(0x7000, 0xfff, 0xf3, 0), 8); /* LDT entry 1: DPL 3 data */
    reg(WHvX64RegisterGdtr)->Table.Base = GDT;
    reg(WHvX64RegisterGdtr)->Table.Limit = GDT_LIMIT;
}

static void protected_guest(void)
{
    fresh(VCPU_PROTECTED32);
    build_gdt();
}

/* ---- real mode ---- */

static void test_real_mode(void)
{
    /* JMP ptr16:16: CS.base = selector * 16; limit and attributes stay (SDM JMP,
     * real-address mode; vol. 3 20.1.1) */
    fresh(VCPU_REAL16);
    RUN("\xea\x78\x56\x34\x12");
    expect_ok("jmp far real");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, 0x1234, "real jmp far CS");
    CHECK_EQ(seg(WHvX64RegisterCs)->Base, 0x12340, "real jmp far CS base");
    CHECK_EQ(seg(WHvX64RegisterCs)->Limit, 0xffff, "real jmp far CS limit");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x5678, "real jmp far IP");

    /* CALL m16:16 pushes CS then IP; RETF imm16 pops them and releases imm16 bytes */
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRbx)->Reg64 = 0x500;
    put(0x500, 0x2000abcdu, 4);
    RUN("\xff\x1f"); /* call far [bx] */
    expect_ok("call far real");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x7000 - 4, "call far SP");
    CHECK_EQ(get(0x6ffe, 2), 0, "call far pushed CS");
    CHECK_EQ(get(0x6ffc, 2), 0x7c02, "call far pushed IP");
    CHECK_EQ(seg(WHvX64RegisterCs)->Base, 0x20000, "call far CS base");
    CHECK_EQ(r64(WHvX64RegisterRip), 0xabcd, "call far IP");
    RUN("\xca\x06\x00"); /* retf 6 */
    expect_ok("retf real");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x7c02, "retf IP");
    CHECK_EQ(seg(WHvX64RegisterCs)->Base, 0, "retf CS base");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x7000 + 6, "retf 6 SP");

    /* IRET: 16-bit loads FLAGS[15:0] (bit 1 stays set); 32-bit:
     * EFLAGS = (popped & 257FD5h) | (EFLAGS & 1A0000h) (SDM IRET, REAL-ADDRESS-MODE) */
    fresh(VCPU_REAL16);
    FRAME(0x7000, 2, 0x1234, 0x0100, 0xffff);
    RUN("\xcf");
    expect_ok("iret real");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x1234, "iret IP");
    CHECK_EQ(seg(WHvX64RegisterCs)->Base, 0x1000, "iret CS base");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x7fd7, "iret FLAGS");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x7006, "iret SP");
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRflags)->Reg64 = 0x2 | 0x80000; /* VIF: kept */
    FRAME(0x7000, 4, 0x1234, 0x0100, 0xffffffffu);
    RUN("\x66\xcf");
    expect_ok("iretd real");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x257fd7 | 0x80000, "iretd EFLAGS");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x700c, "iretd SP");

    /* IRET to an IP beyond the CS limit: #GP(0), nothing changes (real mode: no error
     * code is pushed, the register shows 0) */
    fresh(VCPU_REAL16);
    seg(WHvX64RegisterCs)->Limit = 0xfff;
    put(0x7000, 0x1234, 2);
    RUN("\xcf");
    expect_fault("iret beyond CS limit", 13, 0);
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x7000, "faulting iret leaves SP");

    /* MOV SS / POP SS: the interrupt shadow (SDM MOV: "inhibits interrupts until the end
     * of the next instruction"); LSS does not set it */
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRax)->Reg64 = 0x1234;
    RUN("\x8e\xd0");
    expect_ok("mov ss real");
    CHECK_EQ(seg(WHvX64RegisterSs)->Base, 0x12340, "mov ss base");
    CHECK(reg(WHvRegisterInterruptState)->InterruptState.InterruptShadow, "mov ss shadow");
    fresh(VCPU_REAL16);
    put(0x7000, 0x0050, 2);
    RUN("\x17");
    expect_ok("pop ss real");
    CHECK_EQ(seg(WHvX64RegisterSs)->Base, 0x500, "pop ss base");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x7002, "pop ss SP");
    CHECK(reg(WHvRegisterInterruptState)->InterruptState.InterruptShadow, "pop ss shadow");
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRbx)->Reg64 = 0x600;
    put(0x600, 0x0070fffeu, 4);
    RUN("\x0f\xb2\x27"); /* lss sp, [bx] */
    expect_ok("lss real");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0xfffe, "lss SP");
    CHECK_EQ(seg(WHvX64RegisterSs)->Base, 0x700, "lss SS base");
    CHECK(!reg(WHvRegisterInterruptState)->InterruptState.InterruptShadow, "lss: no shadow");

    /* PUSH with SP = 0 wraps to FFFEh; with SP = 1 the word crosses the limit: #SS */
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRsp)->Reg64 = 0x10000; /* SP = 0, upper bits kept */
    reg(WHvX64RegisterRax)->Reg64 = 0xbeef;
    RUN("\x50");
    expect_ok("push wrap");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x1fffe, "push wraps SP only");
    CHECK_EQ(get(0xfffe, 2), 0xbeef, "push wrap value");
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRsp)->Reg64 = 1;
    RUN("\x50");
    expect_fault("push at SP 1", 12, 0);

    /* POPF in real mode: every non-reserved flag of the size, IOPL and NT included */
    fresh(VCPU_REAL16);
    put(0x7000, 0xffff, 2);
    RUN("\x9d");
    expect_ok("popf real");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x7fd7, "popf real FLAGS");

    /* SGDT with a 16-bit operand size: the current SDM stores the full 32-bit base;
     * LGDT with a 16-bit operand size loads 24 bits of it (SDM LGDT) */
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterGdtr)->Table.Base = 0x12345678;
    reg(WHvX64RegisterGdtr)->Table.Limit = 0x3f;
    reg(WHvX64RegisterRbx)->Reg64 = 0x800;
    RUN("\x0f\x01\x07"); /* sgdt [bx] */
    expect_ok("sgdt real");
    CHECK_EQ(get(0x800, 2), 0x3f, "sgdt limit");
    CHECK_EQ(get(0x802, 4), 0x12345678, "sgdt base");
    put(0x900, 0x0017, 2);
    put(0x902, 0xaabbccdd, 4);
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    RUN("\x0f\x01\x17"); /* lgdt [bx] */
    expect_ok("lgdt real o16");
    CHECK_EQ(reg(WHvX64RegisterGdtr)->Table.Base, 0xbbccdd, "lgdt o16 base");
    CHECK_EQ(reg(WHvX64RegisterGdtr)->Table.Limit, 0x17, "lgdt limit");
    RUN("\x66\x0f\x01\x1f"); /* lidt [bx] with o32 */
    expect_ok("lidt real o32");
    CHECK_EQ(reg(WHvX64RegisterIdtr)->Table.Base, 0xaabbccdd, "lidt o32 base");

    /* LMSW sets PE but cannot clear it; SMSW r16 (SDM LMSW, SMSW) */
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRax)->Reg64 = 0xf;
    RUN("\x0f\x01\xf0");
    expect_ok("lmsw real");
    CHECK_EQ(r64(WHvX64RegisterCr0) & 0xf, 0xf, "lmsw sets PE MP EM TS");
    fresh(VCPU_PROTECTED32);
    reg(WHvX64RegisterRax)->Reg64 = 0;
    RUN("\x0f\x01\xf0");
    expect_ok("lmsw protected");
    CHECK_EQ(r64(WHvX64RegisterCr0) & 0xf, 1, "lmsw keeps PE");
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRax)->Reg64 = 0xdead0000beefull;
    RUN("\x0f\x01\xe0"); /* smsw ax */
    expect_ok("smsw real");
    CHECK_EQ(r64(WHvX64RegisterRax), 0xdead00000000ull | (r64(WHvX64RegisterCr0) & 0xffff),
             "smsw ax");

    /* the 286 protection instructions are #UD outside protected mode */
    fresh(VCPU_REAL16);
    RUN("\x0f\x00\xc0"); /* sldt ax */
    expect_fault("sldt real", 6, 0);
    RUN("\x0f\x02\xc1"); /* lar ax, cx */
    expect_fault("lar real", 6, 0);
    RUN("\x63\xc8"); /* arpl ax, cx */
    expect_fault("arpl real", 6, 0);

    /* a near jump beyond the CS limit: #GP(0) (SDM JMP) */
    fresh(VCPU_REAL16);
    seg(WHvX64RegisterCs)->Limit = 0x7c10;
    RUN("\xeb\x20");
    expect_fault("jmp beyond limit", 13, 0);
    RUN("\xeb\x0e");
    expect_ok("jmp to the limit");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x7c10, "jmp to the limit");

    /* ENTER 16-bit with nesting: BP frames copied from [BP-2], [BP-4] (SDM ENTER) */
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRbp)->Reg64 = 0x7100;
    put(0x70fe, 0x1111, 2);
    put(0x70fc, 0x2222, 2);
    RUN("\xc8\x04\x00\x03"); /* enter 4, 3 */
    expect_ok("enter 4,3");
    CHECK_EQ(get(0x6ffe, 2), 0x7100, "enter pushed BP");
    CHECK_EQ(get(0x6ffc, 2), 0x1111, "enter frame 1");
    CHECK_EQ(get(0x6ffa, 2), 0x2222, "enter frame 2");
    CHECK_EQ(get(0x6ff8, 2), 0x6ffe, "enter frame pointer");
    CHECK_EQ(r64(WHvX64RegisterRbp), 0x6ffe, "enter BP");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x6ff8 - 4, "enter SP");
}

/* ---- protected mode: segment loads ---- */

static void load_ds(uint16_t selector)
{
    reg(WHvX64RegisterRax)->Reg64 = selector;
    RUN("\x8e\xd8"); /* mov ds, ax */
}

static void test_protected_segment_loads(void)
{
    /* a load sets the descriptor's accessed bit in the GDT (SDM vol. 3 3.4.5.1) */
    protected_guest();
    load_ds(SEL_FRESH);
    expect_ok("mov ds fresh");
    CHECK_EQ(get(GDT + SEL_FRESH + 5, 1), 0x93, "accessed bit written");
    CHECK_EQ(seg(WHvX64RegisterDs)->Base, 0x123000, "ds base");
    CHECK_EQ(seg(WHvX64RegisterDs)->Limit, 0xffff, "ds limit");
    CHECK_EQ(seg(WHvX64RegisterDs)->Attributes, 0x93, "ds attributes");

    /* the checks of MOV (SDM MOV, protected mode exceptions) */
    protected_guest();
    load_ds(SEL_ABSENT);
    expect_fault("mov ds not present", 11, SEL_ABSENT);
    protected_guest();
    load_ds(0xb0);
    expect_fault("mov ds beyond GDT limit", 13, 0xb0);
    protected_guest();
    load_ds(SEL_EXECONLY);
    expect_fault("mov ds execute-only", 13, SEL_EXECONLY);
    protected_guest();
    load_ds(SEL_TSS);
    expect_fault("mov ds system", 13, SEL_TSS);
    protected_guest();
    load_ds(SEL_DATA | 3);
    expect_fault("mov ds RPL 3 of a DPL 0 segment", 13, SEL_DATA);
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    load_ds(SEL_DATA | 3);
    expect_fault("mov ds DPL 0 at CPL 3", 13, SEL_DATA);
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    load_ds(SEL_CONFORM | 3);
    expect_ok("mov ds conforming readable code at CPL 3");
    protected_guest();
    load_ds(0x0c); /* LDT entry 1 while LDTR is null */
    expect_fault("mov ds LDT with null LDTR", 13, 0x0c);

    /* a null selector: DS loads (unusable), a use of it is #GP(0) */
    protected_guest();
    load_ds(0);
    expect_ok("mov ds null");
    CHECK(!seg(WHvX64RegisterDs)->Present, "null DS unusable");
    RUN("\x8b\x00"); /* mov eax, [eax] */
    expect_fault("access through null DS", 13, 0);

    /* SS: null is #GP(0), DPL != CPL or read-only is #GP(sel), absent #SS(sel) */
    protected_guest();
    reg(WHvX64RegisterRax)->Reg64 = 0;
    RUN("\x8e\xd0");
    expect_fault("mov ss null", 13, 0);
    reg(WHvX64RegisterRax)->Reg64 = SEL_DATA3 | 3;
    RUN("\x8e\xd0");
    expect_fault("mov ss RPL != CPL", 13, SEL_DATA3);
    reg(WHvX64RegisterRax)->Reg64 = SEL_READONLY;
    RUN("\x8e\xd0");
    expect_fault("mov ss read-only", 13, SEL_READONLY);
    reg(WHvX64RegisterRax)->Reg64 = SEL_ABSENT_SS;
    RUN("\x8e\xd0");
    expect_fault("mov ss not present", 12, SEL_ABSENT_SS);

    /* LLDT, then a load from the LDT (SDM LLDT) */
    protected_guest();
    reg(WHvX64RegisterRax)->Reg64 = SEL_LDT;
    RUN("\x0f\x00\xd0");
    expect_ok("lldt");
    CHECK_EQ(seg(WHvX64RegisterLdtr)->Base, 0x3000, "ldtr base");
    CHECK_EQ(seg(WHvX64RegisterLdtr)->Limit, 0x17, "ldtr limit");
    vcpu_set_cpl(&g.vcpu, 3);
    load_ds(0x0f);
    expect_ok("mov ds from the LDT");
    CHECK_EQ(seg(WHvX64RegisterDs)->Base, 0x7000, "LDT segment base");
    RUN("\x0f\x00\xd0");
    expect_fault("lldt at CPL 3", 13, 0);
    protected_guest();
    reg(WHvX64RegisterRax)->Reg64 = SEL_DATA;
    RUN("\x0f\x00\xd0");
    expect_fault("lldt of a data segment", 13, SEL_DATA);
    reg(WHvX64RegisterRax)->Reg64 = 0;
    RUN("\x0f\x00\xd0");
    expect_ok("lldt null");
    CHECK(!seg(WHvX64RegisterLdtr)->Present, "null LDTR unusable");

    /* LTR marks the TSS busy in the GDT and in TR; a busy one is #GP(sel) (SDM LTR) */
    protected_guest();
    reg(WHvX64RegisterRax)->Reg64 = SEL_TSS;
    RUN("\x0f\x00\xd8");
    expect_ok("ltr");
    CHECK_EQ(get(GDT + SEL_TSS + 5, 1), 0x8b, "TSS busy in the GDT");
    CHECK_EQ(seg(WHvX64RegisterTr)->SegmentType, 0xb, "TR busy type");
    CHECK_EQ(seg(WHvX64RegisterTr)->Base, 0x5000, "TR base");
    RUN("\x0f\x00\xd8");
    expect_fault("ltr busy", 13, SEL_TSS);
    reg(WHvX64RegisterRax)->Reg64 = 0;
    RUN("\x0f\x00\xd8");
    expect_fault("ltr null", 13, 0);

    /* ARPL (SDM ARPL) and BOUND (#BR) */
    protected_guest();
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    reg(WHvX64RegisterRax)->Reg64 = 3;
    put(0x900, 0x1231, 2);
    RUN("\x63\x03"); /* arpl [ebx], ax */
    expect_ok("arpl raise");
    CHECK_EQ(get(0x900, 2), 0x1233, "arpl RPL raised");
    CHECK(r64(WHvX64RegisterRflags) & 0x40, "arpl ZF");
    RUN("\x63\x03");
    expect_ok("arpl equal");
    CHECK(!(r64(WHvX64RegisterRflags) & 0x40), "arpl ZF clear");
    put(0x900, 0xfffffff0u, 4);
    put(0x904, 10, 4);
    reg(WHvX64RegisterRcx)->Reg64 = 10;
    RUN("\x62\x0b"); /* bound ecx, [ebx] */
    expect_ok("bound inside");
    reg(WHvX64RegisterRcx)->Reg64 = 11;
    RUN("\x62\x0b");
    expect_fault("bound above", 5, 0);
    reg(WHvX64RegisterRcx)->Reg64 = 0xffffffefu;
    RUN("\x62\x0b");
    expect_fault("bound below (signed)", 5, 0);
}

/* ---- protected mode: far transfers ---- */

static void test_protected_far(void)
{
    /* JMP ptr16:32 to a same-privilege code segment: CS loaded with RPL = CPL, accessed
     * bit set (SDM JMP; vol. 3 5.8.1) */
    protected_guest();
    RUN("\xea\x34\x12\x00\x00\x39\x00"); /* jmp 0x39:0x1234: RPL 1 > CPL 0 */
    expect_fault("jmp far RPL > CPL", 13, SEL_CODE_B);
    RUN("\xea\x34\x12\x00\x00\x38\x00"); /* jmp 0x38:0x1234 */
    expect_ok("jmp far protected");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_CODE_B, "jmp far CS");
    CHECK_EQ(seg(WHvX64RegisterCs)->Base, 0x10000, "jmp far CS base");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x1234, "jmp far EIP");
    CHECK_EQ(get(GDT + SEL_CODE_B + 5, 1), 0x9b, "code accessed bit");

    protected_guest();
    RUN("\xea\x00\x00\x01\x00\x48\x00"); /* jmp 0x48:0x10000: beyond the 16-bit limit */
    expect_fault("jmp far beyond limit", 13, 0);
    RUN("\xea\x00\x01\x00\x00\x10\x00");
    expect_fault("jmp far to data", 13, SEL_DATA);
    RUN("\xea\x00\x01\x00\x00\x90\x00");
    expect_fault("jmp far not present", 11, SEL_ABSENT_CODE);
    RUN("\xea\x00\x01\x00\x00\x8b\x00");
    expect_fault("jmp far DPL 3 from CPL 0", 13, 0x88);
    RUN("\xea\x00\x01\x00\x00\x00\x00");
    expect_fault("jmp far null", 13, 0);
    RUN("\xea\x00\x01\x00\x00\x50\x00");
    expect_ok("jmp far through a call gate");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_CODE, "gate CS");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x1234, "gate offset, not the instruction's");
    protected_guest();
    put(GDT + SEL_GATE + 5, 0x0c, 1); /* not present */
    RUN("\xea\x00\x01\x00\x00\x50\x00");
    expect_fault("call gate not present", 11, SEL_GATE);

    /* CALL through a DPL-3 gate from CPL 3 to CPL 0: the TSS gives SS0:ESP0; the new stack
     * gets the old SS, ESP, the two parameters, CS, EIP (SDM CALL, MORE-PRIVILEGE) */
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    seg(WHvX64RegisterCs)->Selector = SEL_CODE3;
    seg(WHvX64RegisterSs)->Selector = SEL_DATA3 | 3;
    seg(WHvX64RegisterTr)->Base = 0x5000;
    FRAME(0x5004, 4, 0x60000, SEL_DATA);
    FRAME(0x80000, 4, 0x11111111, 0x22222222);
    RUN("\x9a\x00\x00\x00\x00\xab\x00"); /* call 0xab:0 */
    expect_ok("call gate to CPL 0");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_CODE, "inner CS");
    CHECK_EQ(seg(WHvX64RegisterSs)->Selector, SEL_DATA, "inner SS");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x5678, "inner EIP");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x60000 - 24, "inner ESP");
    CHECK_EQ(get(0x60000 - 4, 4), SEL_DATA3 | 3, "old SS pushed");
    CHECK_EQ(get(0x60000 - 8, 4), 0x80000, "old ESP pushed");
    CHECK_EQ(get(0x60000 - 12, 4), 0x22222222, "parameter 2");
    CHECK_EQ(get(0x60000 - 16, 4), 0x11111111, "parameter 1");
    CHECK_EQ(get(0x60000 - 20, 4), SEL_CODE3, "old CS pushed");
    CHECK_EQ(get(0x60000 - 24, 4), 0x400007, "return EIP pushed");
    RUN("\xca\x08\x00"); /* retf 8: back to CPL 3, the parameters released on both stacks */
    expect_ok("retf 8 from the gate");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_CODE3, "back at CPL 3");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x80008, "outer ESP after retf 8");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x400007, "outer EIP");
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    RUN("\xea\x00\x00\x00\x00\xab\x00"); /* jmp 0xab:0: a JMP cannot change the CPL */
    expect_fault("jmp through a gate to CPL 0", 13, SEL_CODE);
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    RUN("\xea\x00\x00\x00\x00\x50\x00"); /* the DPL-0 gate from CPL 3 */
    expect_fault("gate DPL < CPL", 13, SEL_GATE);
    protected_guest();
    RUN("\xea\x00\x01\x00\x00\x28\x00");
    expect_unsupported("jmp far to a TSS (task switch)");
    RUN("\xea\x00\x01\x00\x00\x68\x00");
    expect_ok("jmp far conforming");

    /* CALL m16:32: CS and EIP pushed in 4-byte slots */
    protected_guest();
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    put(0x900, 0x100, 4);
    put(0x904, SEL_CODE_B, 2);
    RUN("\xff\x1b"); /* call far [ebx] */
    expect_ok("call far protected");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x80000 - 8, "call far ESP");
    CHECK_EQ(get(0x80000 - 4, 4), SEL_CODE, "call far pushed CS");
    CHECK_EQ(get(0x80000 - 8, 4), 0x400002, "call far pushed EIP");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x100, "call far EIP");

    /* the second slot beyond the SS limit: #SS(0) with CS pushed, the descriptor not marked
     * accessed. The SDM's pseudo-code checks the whole frame first; the CPU pushes slot by
     * slot (AMD Zen 4 in tests/diff: a fault on the return offset leaves CS written), and
     * so does whvemu (docs/system-instructions.md) */
    protected_guest();
    seg(WHvX64RegisterSs)->Limit = 0xfffff;
    seg(WHvX64RegisterSs)->Granularity = 0;
    seg(WHvX64RegisterSs)->Attributes = 0x4093 | 0x4; /* expand-down, B: valid 0x100000.. */
    reg(WHvX64RegisterRsp)->Reg64 = 0x100006;
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    put(0x900, 0x100, 4);
    put(0x904, SEL_CODE_B, 2);
    put(0x100002, 0x55555555, 4);
    RUN("\xff\x1b");
    expect_fault("call far second slot outside SS", 12, 0);
    CHECK_EQ(get(0x100002, 4), SEL_CODE, "CS pushed");
    CHECK_EQ(get(GDT + SEL_CODE_B + 5, 1), 0x9a, "accessed bit not set");

    /* RETF to the same level; to an outer level is not emulated */
    protected_guest();
    put(0x80000, 0x2000, 4);
    put(0x80004, SEL_CODE_B, 4);
    RUN("\xcb");
    expect_ok("retf same level");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_CODE_B, "retf CS");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x2000, "retf EIP");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x80008, "retf ESP");
    /* RETF imm16 to CPL 3: SS:ESP follow the parameters; DS (DPL 0) becomes null, ES
     * (DPL 3) stays (SDM RET, RETURN-TO-OUTER-PRIVILEGE-LEVEL) */
    protected_guest();
    seg(WHvX64RegisterEs)->Selector = SEL_DATA3 | 3;
    seg(WHvX64RegisterEs)->DescriptorPrivilegeLevel = 3;
    put(0x80000, 0x2000, 4);
    put(0x80004, SEL_CODE3, 4);
    put(0x80010, 0x9000, 4);
    put(0x80014, SEL_DATA3 | 3, 4);
    RUN("\xca\x08\x00"); /* retf 8 */
    expect_ok("retf to CPL 3");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_CODE3, "outer retf CS");
    CHECK_EQ(seg(WHvX64RegisterCs)->DescriptorPrivilegeLevel, 3, "outer retf CS DPL");
    CHECK_EQ(seg(WHvX64RegisterSs)->Selector, SEL_DATA3 | 3, "outer retf SS");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x9008, "outer retf ESP + 8");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x2000, "outer retf EIP");
    CHECK(seg(WHvX64RegisterDs)->Selector == 0 && !seg(WHvX64RegisterDs)->Present,
          "outer retf drops DS");
    CHECK_EQ(seg(WHvX64RegisterEs)->Selector, SEL_DATA3 | 3, "outer retf keeps ES");
    protected_guest();
    FRAME(0x80000, 4, 0x2000, SEL_CODE3, 0x9000, SEL_DATA);
    RUN("\xcb");
    expect_fault("retf to CPL 3 with a DPL 0 SS", 13, SEL_DATA);
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    put(0x80004, SEL_CODE, 4);
    RUN("\xcb");
    expect_fault("retf to an inner level", 13, SEL_CODE);

    /* IRET, same level: IOPL at CPL 0 only, IF when CPL <= IOPL (SDM IRET) */
    protected_guest();
    put(0x80000, 0x3000, 4);
    put(0x80004, SEL_CODE, 4);
    put(0x80008, 0x3ad7 | 0x40000, 4); /* IOPL 3, arithmetic flags, AC */
    RUN("\xcf");
    expect_ok("iret same level");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x3000, "iret EIP");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x3ad7 | 0x40000, "iret EFLAGS at CPL 0");
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    reg(WHvX64RegisterRflags)->Reg64 = 0x202;
    put(0x80000, 0x3000, 4);
    put(0x80004, SEL_CODE3, 4);
    put(0x80008, 0x30d7, 4); /* IOPL 3, IF clear */
    RUN("\xcf");
    expect_ok("iret at CPL 3");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x2d7, "iret CPL 3 keeps IOPL, IF");
    /* IRET to CPL 3: the flags by the old CPL (0: IOPL and IF load), then SS:ESP */
    protected_guest();
    FRAME(0x80000, 4, 0x3000, SEL_CODE3, 0x1202, 0x9000, SEL_DATA3 | 3);
    RUN("\xcf");
    expect_ok("iret to CPL 3");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x1202, "outer iret EFLAGS");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x9000, "outer iret ESP");
    CHECK_EQ(seg(WHvX64RegisterSs)->DescriptorPrivilegeLevel, 3, "outer iret SS DPL");
    /* IRETD at CPL 0 with VM in the image: to virtual-8086 mode, all segments from the
     * stack in real-mode form (SDM IRET, RETURN-TO-VIRTUAL-8086-MODE) */
    protected_guest();
    FRAME(0x80000, 4, 0x12345, 0x2000, 0x23202, 0x7000, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000);
    RUN("\xcf");
    expect_ok("iret to virtual-8086 mode");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x2345, "v86 IP is 16 bits");
    CHECK_EQ(seg(WHvX64RegisterCs)->Base, 0x20000, "v86 CS base");
    CHECK_EQ(seg(WHvX64RegisterCs)->Attributes, 0xf3, "v86 CS attributes");
    CHECK_EQ(seg(WHvX64RegisterSs)->Base, 0x30000, "v86 SS base");
    CHECK_EQ(seg(WHvX64RegisterGs)->Base, 0x70000, "v86 GS base");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x7000, "v86 ESP");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x23202, "v86 EFLAGS");
    protected_guest();
    reg(WHvX64RegisterRflags)->Reg64 = 0x4002; /* NT: a task return */
    RUN("\xcf");
    expect_unsupported("iret with NT");

    /* POPF at CPL 3: IOPL kept, IF kept when CPL > IOPL (SDM POPF) */
    protected_guest();
    vcpu_set_cpl(&g.vcpu, 3);
    reg(WHvX64RegisterRflags)->Reg64 = 0x202;
    put(0x80000, 0x3cd5, 4);
    RUN("\x9d");
    expect_ok("popf CPL 3");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0xcd7 | 0x200, "popf CPL 3 EFLAGS");
}

/* ---- system stores and UMIP ---- */

static void test_system_stores(void)
{
    protected_guest();
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    put(0x900, 0xffffffffffffffffull, 8);
    reg(WHvX64RegisterIdtr)->Table.Base = 0xfee01000;
    reg(WHvX64RegisterIdtr)->Table.Limit = 0x7ff;
    RUN("\x0f\x01\x0b"); /* sidt [ebx] */
    expect_ok("sidt");
    CHECK_EQ(get(0x900, 8), 0xfffffee0100007ffull, "sidt: 6 bytes");
    put(0x900, 0xffffffffffffffffull, 8);
    RUN("\x0f\x00\x03"); /* sldt [ebx] */
    expect_ok("sldt m16");
    CHECK_EQ(get(0x900, 8), 0xffffffffffff0000ull, "sldt stores 16 bits");
    reg(WHvX64RegisterRax)->Reg64 = 0xffffffffffffffffull;
    RUN("\x0f\x00\xc8"); /* str eax */
    expect_ok("str r32");
    CHECK_EQ(r64(WHvX64RegisterRax), 0x28, "str r32 zero-extends");
    RUN("\x0f\x01\x23"); /* smsw [ebx] */
    expect_ok("smsw m16");
    CHECK_EQ(get(0x900, 4), 0xffff0000u | (r64(WHvX64RegisterCr0) & 0xffff), "smsw m16");

    /* CR4.UMIP: the stores fault at CPL > 0, not at CPL 0 (SDM vol. 3 2.5) */
    protected_guest();
    reg(WHvX64RegisterCr4)->Reg64 = 1u << 11;
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    RUN("\x0f\x01\x03");
    expect_ok("sgdt UMIP CPL 0");
    vcpu_set_cpl(&g.vcpu, 3);
    RUN("\x0f\x01\x03");
    expect_fault("sgdt UMIP CPL 3", 13, 0);
    RUN("\x0f\x01\xe0");
    expect_fault("smsw UMIP CPL 3", 13, 0);
    RUN("\x0f\x00\xc8");
    expect_fault("str UMIP CPL 3", 13, 0);
    reg(WHvX64RegisterCr4)->Reg64 = 0;
    RUN("\x0f\x00\xc8");
    expect_ok("str CPL 3 without UMIP");
    RUN("\x0f\x01\x13"); /* lgdt [ebx] */
    expect_fault("lgdt CPL 3", 13, 0);

    /* 64-bit mode: 10 bytes, the operand size does not matter */
    fresh(VCPU_LONG64);
    reg(WHvX64RegisterGdtr)->Table.Base = 0xffff800012345678ull;
    reg(WHvX64RegisterGdtr)->Table.Limit = 0x7f;
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    RUN("\x66\x0f\x01\x03");
    expect_ok("sgdt 64");
    CHECK_EQ(get(0x900, 2), 0x7f, "sgdt 64 limit");
    CHECK_EQ(get(0x902, 8), 0xffff800012345678ull, "sgdt 64 base");
    put(0x902, 0xffff900000001000ull, 8);
    RUN("\x0f\x01\x1b"); /* lidt [rbx] */
    expect_ok("lidt 64");
    CHECK_EQ(reg(WHvX64RegisterIdtr)->Table.Base, 0xffff900000001000ull, "lidt 64 base");

    /* CLFLUSH: a byte load's checks, but an execute-only segment is fine (SDM CLFLUSH);
     * PREFETCH: no access at all */
    protected_guest();
    seg(WHvX64RegisterDs)->SegmentType = 8;
    reg(WHvX64RegisterRax)->Reg64 = 0x900;
    RUN("\x0f\xae\x38"); /* clflush [eax] */
    expect_ok("clflush execute-only");
    RUN("\x8a\x00"); /* mov al, [eax] */
    expect_fault("read execute-only", 13, 0);
    seg(WHvX64RegisterDs)->Limit = 0x8ff;
    RUN("\x0f\xae\x38");
    expect_fault("clflush beyond the limit", 13, 0);
    fresh(VCPU_LONG64);
    page_absent(0x7000);
    reg(WHvX64RegisterRax)->Reg64 = 0x7010;
    RUN("\x0f\xae\x38");
    expect_page_fault("clflush not-present page", 0, 0x7010);
    /* MOVDIR64B: 64 bytes to ES:[reg], which must be 64-byte aligned (SDM MOVDIR64B) */
    for (unsigned i = 0; i < 8; i++)
        put(0x9000 + 8 * i, 0x0101010101010101ull * (i + 1), 8);
    reg(WHvX64RegisterRdx)->Reg64 = 0xa040;
    reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
    RUN("\x66\x0f\x38\xf8\x16"); /* movdir64b rdx, [rsi] */
    expect_ok("movdir64b");
    CHECK_EQ(get(0xa040, 8), 0x0101010101010101ull, "movdir64b first qword");
    CHECK_EQ(get(0xa078, 8), 0x0808080808080808ull, "movdir64b last qword");
    reg(WHvX64RegisterRdx)->Reg64 = 0xa048;
    RUN("\x66\x0f\x38\xf8\x16");
    expect_fault("movdir64b misaligned", 13, 0);
    RUN("\x0f\x18\x08"); /* prefetcht0 [rax] */
    expect_ok("prefetch of a not-present page");
    reg(WHvX64RegisterRax)->Reg64 = 0x8000000000000000ull;
    RUN("\x0f\xae\x38");
    expect_fault("clflush non-canonical", 13, 0);
}

/* ---- virtual-8086 mode ---- */

static void v86_guest(uint64_t rflags, uint64_t cr4)
{
    static const WHV_REGISTER_NAME segments[] = {
        WHvX64RegisterCs,
        WHvX64RegisterSs,
        WHvX64RegisterDs,
        WHvX64RegisterEs,
    };
    fresh(VCPU_PROTECTED32);
    for (unsigned i = 0; i < 4; i++) {
        WHV_X64_SEGMENT_REGISTER *s = seg(segments[i]);
        s->Selector = 0;
        s->Base = 0;
        s->Limit = 0xffff;
        s->Attributes = 0xf3;
    }
    reg(WHvX64RegisterRip)->Reg64 = 0x1000;
    reg(WHvX64RegisterRsp)->Reg64 = 0x7000;
    reg(WHvX64RegisterRflags)->Reg64 = rflags | 0x20002;
    reg(WHvX64RegisterCr4)->Reg64 = cr4;
}

/* VEX and XOP (here BMI1/BMI2/TBM, which the executor emulates) are #UD in real and
 * virtual-8086 mode, and nothing changes (SDM vol. 2A §2.5 "VEX-encoded GPR instructions
 * are not supported in real and virtual 8086 modes"; KVM commit d14cb5df5903: #UD, not
 * LES/LDS, for C4/C5 with ModRM.mod 11b); 16-bit protected mode runs them. */
static void test_vex_outside_protected_mode(void)
{
    static const struct {
        const char *what, *bytes;
        unsigned length;
    } forms[] = {
        { "andn eax, ecx, edx", "\xc4\xe2\x70\xf2\xc2", 5 },
        { "shlx eax, edx, ecx", "\xc4\xe2\x71\xf7\xc2", 5 },
        { "bextr eax, edx, ecx", "\xc4\xe2\x70\xf7\xc2", 5 },
        { "bextr eax, ecx, 0x204 (XOP)", "\x8f\xea\x78\x10\xc1\x04\x02\x00\x00", 9 },
    };
    for (unsigned i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        unsigned length = forms[i].length;
        /* 16-bit protected mode first: what it decoded must not serve real mode (the
         * decode cache is keyed by the code size, which is 16 bits in all three) */
        v86_guest(0x200, 0);
        reg(WHvX64RegisterRflags)->Reg64 = 0x202; /* VM clear */
        seg(WHvX64RegisterCs)->Attributes = 0x9b;
        run(forms[i].bytes, length);
        expect_ok(forms[i].what);
        CHECK_EQ(r64(WHvX64RegisterRip), 0x1000 + length, "16-bit protected mode: it ran");
        fresh(VCPU_REAL16);
        reg(WHvX64RegisterRax)->Reg64 = 0x1234;
        run(forms[i].bytes, length);
        expect_fault(forms[i].what, 6, 0);
        CHECK_EQ(r64(WHvX64RegisterRax), 0x1234, "real mode: RAX kept");
        CHECK_EQ(r64(WHvX64RegisterRip), 0x7c00, "real mode: RIP kept");
        v86_guest(0x200, 0);
        run(forms[i].bytes, length);
        expect_fault(forms[i].what, 6, 0);
        CHECK_EQ(r64(WHvX64RegisterRip), 0x1000, "v86: RIP kept");
    }
}

static void test_v86(void)
{
    /* IOPL < 3 without CR4.VME: PUSHF/POPF/IRET are #GP(0) (SDM PUSHF, POPF, IRET) */
    v86_guest(0x200, 0);
    RUN("\x9c");
    expect_fault("v86 pushf IOPL 0", 13, 0);
    RUN("\x9d");
    expect_fault("v86 popf IOPL 0", 13, 0);
    RUN("\xcf");
    expect_fault("v86 iret IOPL 0", 13, 0);

    /* CR4.VME, 16-bit: PUSHF shows VIF as IF and IOPL 3; POPF moves IF to VIF, and faults
     * on TF */
    v86_guest(0x80000 | 0x0d5, 1);
    RUN("\x9c");
    expect_ok("v86 VME pushf");
    CHECK_EQ(get(0x6ffe, 2), 0x32d7, "VME pushf image");
    v86_guest(0x200, 1);
    put(0x7000, 0x0ad5 | 0x200, 2);
    RUN("\x9d");
    expect_ok("v86 VME popf");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x20000 | 0x80000 | 0x0ad7 | 0x200, "VME popf");
    reg(WHvX64RegisterRsp)->Reg64 = 0x7000;
    put(0x7000, 0x0100, 2);
    RUN("\x9d");
    expect_fault("v86 VME popf TF", 13, 0);
    RUN("\x66\x9d");
    expect_fault("v86 VME popfd", 13, 0);

    /* IOPL 3: IRET loads CS as in real mode, keeps VM and IOPL */
    v86_guest(0x3000, 0);
    FRAME(0x7000, 2, 0x0010, 0x2000, 0x0ed5);
    RUN("\xcf");
    expect_ok("v86 iret IOPL 3");
    CHECK_EQ(seg(WHvX64RegisterCs)->Base, 0x20000, "v86 iret CS base");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x10, "v86 iret IP");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x20000 | 0x3000 | 0x0ed7, "v86 iret flags");

    /* segment loads: base = selector * 16, limit FFFFh, DPL-3 data (SDM vol. 3 20.2) */
    v86_guest(0x3000, 0);
    seg(WHvX64RegisterDs)->Limit = 0xfffff;
    reg(WHvX64RegisterRax)->Reg64 = 0x1234;
    RUN("\x8e\xd8");
    expect_ok("v86 mov ds");
    CHECK_EQ(seg(WHvX64RegisterDs)->Base, 0x12340, "v86 ds base");
    CHECK_EQ(seg(WHvX64RegisterDs)->Limit, 0xffff, "v86 ds limit");
    CHECK_EQ(seg(WHvX64RegisterDs)->Attributes, 0xf3, "v86 ds attributes");

    /* CPL 3: LGDT is #GP(0); SMSW is allowed without UMIP, #GP(0) with it */
    RUN("\x0f\x01\x17");
    expect_fault("v86 lgdt", 13, 0);
    RUN("\x0f\x01\xe0");
    expect_ok("v86 smsw");
    reg(WHvX64RegisterCr4)->Reg64 = 1u << 11;
    RUN("\x0f\x01\xe0");
    expect_fault("v86 smsw UMIP", 13, 0);
}

/* ---- 64-bit mode ---- */

/* ---- 64-byte stores, PTWRITE, the hints, and the forms left as gaps ---- */

static struct guest_access accesses[32];

/* Run with the callbacks counted from zero and the memory accesses logged. */
static void run_logged(const char *bytes, unsigned length)
{
    guest_begin(&g);
    g.log = accesses;
    g.log_capacity = sizeof accesses / sizeof accesses[0];
    run(bytes, length);
}
#define RUN_LOGGED(bytes) run_logged(bytes, sizeof(bytes) - 1)

static unsigned writes_logged(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < g.log_count; i++)
        n += accesses[i].write;
    return n;
}

/* A 64-byte command at gpa: the first doubleword given, then bytes 0x14, 0x15 ... 0x4f. */
static void put_line(uint64_t gpa, uint32_t first)
{
    put(gpa, first, 4);
    for (unsigned i = 4; i < 64; i++)
        put(gpa + i, 0x10 + i, 1);
}

static bool line_equal(uint64_t a, uint64_t b)
{
    uint8_t x[64], y[64];
    guest_read(&g, a, x, sizeof x);
    guest_read(&g, b, y, sizeof y);
    return memcmp(x, y, sizeof x) == 0;
}

/* The eight 8-byte writes of a 64-byte store at gpa, in ascending order, and nothing else
 * written. */
static void expect_line_writes(uint64_t gpa, const char *what)
{
    unsigned seen = 0;
    for (unsigned i = 0; i < g.log_count; i++)
        if (accesses[i].write)
            CHECK(accesses[i].size == 8 && accesses[i].address == gpa + 8 * seen++,
                  "%s: write %u at 0x%llx size %u", what, seen,
                  (unsigned long long)accesses[i].address, accesses[i].size);
    CHECK_EQ(seen, 8, what);
}

#define ARITH_FLAGS 0x8d5u /* CF PF AF ZF SF OF */

/* ---- ENQCMD: IA32_PASID from the extended-state area ---- */

/* The VMM's extended state for ENQCMD: the CLI guest's area (tools/guest_xstate.c, whose
 * callbacks copy it in and out), here compacted (the only format with supervisor
 * components) with x87, SSE and PASID state (component 10, 8 bytes, at 576: the first of the
 * extended region), under a layout that has component 10 as CPUID leaf 0DH describes it:
 * {8, 0, supervisor}. */
#define PASID_AREA 640u
#define XCOMP_COMPACTED (UINT64_C(1) << 63)
#define XS_PASID (UINT64_C(1) << 10)

static WHVEMU_XSTATE_LAYOUT pasid_layout(bool with_pasid)
{
    WHVEMU_XSTATE_LAYOUT l;

    memset(&l, 0, sizeof l);
    l.AreaSize = PASID_AREA;
    l.Component[0] = (WHVEMU_XSTATE_COMPONENT){ 160, 0, 0 };
    l.Component[1] = (WHVEMU_XSTATE_COMPONENT){ 256, 160, 0 };
    if (with_pasid)
        l.Component[10] = (WHVEMU_XSTATE_COMPONENT){ 8, 0, 1 };
    return l;
}

/* Register the extension, its layout with (or without) component 10. */
static void register_pasid_layout(bool with_pasid)
{
    WHVEMU_XSTATE_LAYOUT l = pasid_layout(with_pasid);
    WHVEMU_XSTATE_CALLBACKS c = { sizeof c, 0, guest_get_xstate, guest_set_xstate, &l };

    CHECK(whvemu_set_xstate_callbacks(emu, &c) == S_OK, "the PASID layout registers");
}

/* The guest's area (after fresh(), which frees it): its header (XSTATE_BV, XCOMP_BV) and
 * IA32_PASID's 8 bytes. */
static void set_pasid_area(uint64_t xstate_bv, uint64_t xcomp_bv, uint64_t ia32_pasid)
{
    struct guest_xstate *x = &g.xstate;

    guest_xstate_free(&g);
    x->layout = pasid_layout(true);
    x->compacted = true;
    x->components = XS_PASID;
    x->offset[10] = 576;
    x->size = PASID_AREA;
    x->area = calloc(1, PASID_AREA);
    x->before = calloc(1, PASID_AREA);
    x->installed = x->area && x->before;
    CHECK(x->installed, "the PASID area");
    if (!x->installed)
        return;
    memcpy(x->area + 512, &xstate_bv, 8);
    memcpy(x->area + 520, &xcomp_bv, 8);
    memcpy(x->area + 576, &ia32_pasid, 8);
}

/* A 64-bit guest, rdx = 0xa040 (the destination), rsi = 0x9000 (a source whose bits 31:0
 * are zero), IA32_PASID = ia32_pasid in a compacted area with component 10 in use. */
static void enqcmd_guest(uint64_t ia32_pasid)
{
    fresh(VCPU_LONG64);
    put_line(0x9000, 0);
    reg(WHvX64RegisterRdx)->Reg64 = 0xa040;
    reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
    set_pasid_area(XS_PASID | 3, XCOMP_COMPACTED | XS_PASID | 3, ia32_pasid);
}

/* The command ENQCMD stored at gpa: the source at 0x9000 with bits 31:0 = first. */
static bool command_is(uint64_t gpa, uint32_t first)
{
    uint8_t want[64], got[64];

    guest_read(&g, 0x9000, want, sizeof want);
    for (unsigned i = 0; i < 4; i++)
        want[i] = (uint8_t)(first >> (8 * i));
    guest_read(&g, gpa, got, sizeof got);
    return memcmp(want, got, sizeof want) == 0;
}

/* The two enqueue stores, for what they share: the mandatory prefix, and the source's bits
 * 31:0 that make the command's 12345h — ENQCMDS takes them from the source, ENQCMD from
 * IA32_PASID (the area's 80012345h: valid, PASID 12345h), its source's being zero. */
struct enqueue_form {
    const char *name;
    char prefix;
    uint32_t source_low;
};
static const struct enqueue_form enqueue_forms[] = {
    { "enqcmds", '\xf3', 0x12345 },
    { "enqcmd", '\xf2', 0 },
};

/* The form with ModRM `modrm` (16h: [rsi] or [esi] with rdx; 14h: [si] with dx) after the
 * prefix `extra` (67h, F0h; 0: none), its accesses logged. */
static void run_enqueue(const struct enqueue_form *f, char extra, char modrm)
{
    const char bytes[] = { extra, f->prefix, '\x0f', '\x38', '\xf8', modrm };

    run_logged(bytes + !extra, sizeof bytes - !extra);
}

/* A guest in `mode` (protected: with the GDT) with the form's source at 0x9000 = rsi, and
 * IA32_PASID 80012345h in the area. */
static void enqueue_guest(const struct enqueue_form *f, enum vcpu_mode mode)
{
    if (mode == VCPU_PROTECTED32)
        protected_guest();
    else
        fresh(mode);
    put_line(0x9000, f->source_low);
    set_pasid_area(XS_PASID | 3, XCOMP_COMPACTED | XS_PASID | 3, 0x80012345u);
    reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
}

/* What ENQCMDS and ENQCMD share in each address size (SDM, both pages): with 67h the
 * destination register and the source address are 32 bits; the destination's *linear*
 * address is the one 64-byte aligned (the register for MOVDIR64B: test_enqcmds), shown with
 * ES.base = 20h; real mode runs at CPL 0, 16-bit, ES:DX. The command is 12345h then the
 * source's bytes. */
static void test_enqueue_address_sizes(void)
{
    register_pasid_layout(true);
    for (size_t i = 0; i < sizeof enqueue_forms / sizeof *enqueue_forms; i++) {
        const struct enqueue_form *f = &enqueue_forms[i];

        enqueue_guest(f, VCPU_LONG64);
        reg(WHvX64RegisterRdx)->Reg64 = 0xffffffff0000a040u;
        reg(WHvX64RegisterRsi)->Reg64 = 0xffffffff00009000u;
        run_enqueue(f, '\x67', '\x16');
        expect_ok(f->name);
        CHECK(command_is(0xa040, 0x12345), "%s edx, [esi]", f->name);

        enqueue_guest(f, VCPU_PROTECTED32);
        seg(WHvX64RegisterEs)->Base = 0x20;
        reg(WHvX64RegisterRdx)->Reg64 = 0xa020;
        run_enqueue(f, 0, '\x16');
        expect_ok(f->name);
        CHECK(command_is(0xa040, 0x12345), "%s: linear ES.base + edx = 0xa040", f->name);
        reg(WHvX64RegisterRdx)->Reg64 = 0xa040;
        run_enqueue(f, 0, '\x16');
        expect_fault(f->name, 13, 0);

        enqueue_guest(f, VCPU_REAL16);
        seg(WHvX64RegisterEs)->Selector = 0x100;
        seg(WHvX64RegisterEs)->Base = 0x1000;
        reg(WHvX64RegisterRdx)->Reg64 = 0x40;
        run_enqueue(f, 0, '\x14');
        expect_ok(f->name);
        CHECK(command_is(0x1040, 0x12345), "%s dx, [si]: ES:DX", f->name);
    }
    whvemu_set_xstate_callbacks(emu, NULL);
}

/* The faults ENQCMDS and ENQCMD share (SDM, both pages), nothing written: #GP(0) for a
 * destination not 64-byte aligned; the source read whole first, so that its #PF comes before
 * that check (as for MOVDIR64B); the destination's #PF a write fault (P = 0, W = 1); #UD
 * for LOCK. */
static void test_enqueue_faults(void)
{
    register_pasid_layout(true);
    for (size_t i = 0; i < sizeof enqueue_forms / sizeof *enqueue_forms; i++) {
        const struct enqueue_form *f = &enqueue_forms[i];

        enqueue_guest(f, VCPU_LONG64);
        reg(WHvX64RegisterRdx)->Reg64 = 0xa048;
        run_enqueue(f, 0, '\x16');
        expect_fault(f->name, 13, 0);
        CHECK(writes_logged() == 0, "%s misaligned destination: no write", f->name);
        page_absent(0x9000);
        run_enqueue(f, 0, '\x16');
        expect_page_fault(f->name, 0, 0x9000);
        page_absent(0xa000);
        reg(WHvX64RegisterRdx)->Reg64 = 0xa040;
        run_enqueue(f, 0, '\x16');
        expect_page_fault(f->name, 2, 0xa040);
        CHECK(writes_logged() == 0, "%s destination not present: no write", f->name);
        run_enqueue(f, '\xf0', '\x16');
        expect_fault(f->name, 6, 0);
    }
    whvemu_set_xstate_callbacks(emu, NULL);
}

/* ENQCMDS (SDM ENQCMDS): at CPL 0 the command is the source unchanged (PASID in bits 19:0,
 * privilege in bit 31) and goes to ES:[r]; whvemu reports it accepted (ZF = 0, the other
 * arithmetic flags cleared: "All other flags are cleared"), docs/system-instructions.md. */
static void test_enqcmds(void)
{
    static const uint64_t rflags[] = { 0x2, 0x2 | ARITH_FLAGS | 0x600 /* IF DF */ };

    for (unsigned i = 0; i < 2; i++) {
        fresh(VCPU_LONG64);
        put_line(0x9000, 0x800abcde); /* supervisor, PASID ABCDEh */
        reg(WHvX64RegisterRdx)->Reg64 = 0xa040;
        reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
        reg(WHvX64RegisterRflags)->Reg64 = rflags[i];
        RUN_LOGGED("\xf3\x0f\x38\xf8\x16"); /* enqcmds rdx, [rsi] */
        expect_ok("enqcmds");
        CHECK(line_equal(0x9000, 0xa040), "enqcmds: the command is the source");
        expect_line_writes(0xa040, "enqcmds writes");
        CHECK_EQ(r64(WHvX64RegisterRflags), rflags[i] & ~(uint64_t)ARITH_FLAGS,
                 "enqcmds: ZF = 0 (accepted), CF PF AF SF OF cleared, the rest kept");
    }

    /* #GP(0): bits 30:20 of the source not zero (bit 20, bit 30); CPL > 0. Nothing is
     * written; at CPL 3 nothing is read either. (The faults ENQCMD shares:
     * test_enqueue_faults.) */
    put_line(0x9000, 0x00100000);
    RUN_LOGGED("\xf3\x0f\x38\xf8\x16");
    expect_fault("enqcmds source bit 20", 13, 0);
    CHECK_EQ(writes_logged(), 0, "enqcmds source bit 20: no write");
    put_line(0x9000, 0x400fffff);
    RUN_LOGGED("\xf3\x0f\x38\xf8\x16");
    expect_fault("enqcmds source bit 30", 13, 0);
    vcpu_set_cpl(&g.vcpu, 3);
    RUN_LOGGED("\xf3\x0f\x38\xf8\x16");
    expect_fault("enqcmds CPL 3", 13, 0);
    CHECK_EQ(g.log_count, 0, "enqcmds CPL 3: no memory access");
    vcpu_set_cpl(&g.vcpu, 0);

    /* MOVDIR64B checks the destination register, ENQCMDS its linear address (SDM, the
     * exception lists; test_enqueue_address_sizes): with ES.base = 20h, 0xa020 faults, 0xa040
     * stores at linear 0xa060 */
    protected_guest();
    put_line(0x9000, 0x12345);
    seg(WHvX64RegisterEs)->Base = 0x20;
    reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
    reg(WHvX64RegisterRdx)->Reg64 = 0xa020;
    RUN("\x66\x0f\x38\xf8\x16"); /* movdir64b edx, [esi] */
    expect_fault("movdir64b register 0xa020", 13, 0);
    reg(WHvX64RegisterRdx)->Reg64 = 0xa040;
    RUN("\x66\x0f\x38\xf8\x16");
    expect_ok("movdir64b register 0xa040");
    CHECK(line_equal(0x9000, 0xa060), "movdir64b ES.base + edx");

    /* virtual-8086 mode is CPL 3: #GP(0) */
    v86_guest(0x200, 0);
    put_line(0x9000, 0x12345);
    reg(WHvX64RegisterRdx)->Reg64 = 0x2040;
    reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
    RUN("\xf3\x0f\x38\xf8\x14");
    expect_fault("enqcmds virtual-8086", 13, 0);
}

/* ENQCMD (SDM ENQCMD, "Operation": COMMAND = (SRC & ~FFFFFFFFH) | (IA32_PASID & FFFFFH)) at
 * any CPL: the command's bits 19:0 are IA32_PASID[19:0], bits 31:20 zero (privilege 0, user),
 * the rest the source's; ZF = 0 (accepted) and the other arithmetic flags cleared, as for
 * ENQCMDS (docs/system-instructions.md). The MSR's bits 63:32 and 30:20 (reserved: a hostile
 * area may set them) do not reach the command. The area is read once and never stored. */
static void test_enqcmd_command(void)
{
    static const uint64_t rflags[] = { 0x2, 0x2 | ARITH_FLAGS | 0x600 /* IF DF */ };

    register_pasid_layout(true);
    for (unsigned i = 0; i < 2; i++) {
        for (unsigned cpl = 0; cpl <= 3; cpl += 3) {
            enqcmd_guest(UINT64_C(0xfffffffffffabcde)); /* valid, PASID ABCDEh */
            vcpu_set_cpl(&g.vcpu, cpl);
            reg(WHvX64RegisterRflags)->Reg64 = rflags[i];
            RUN_LOGGED("\xf2\x0f\x38\xf8\x16"); /* enqcmd rdx, [rsi] */
            expect_ok("enqcmd");
            CHECK(command_is(0xa040, 0xabcde), "enqcmd CPL %u: bits 31:0 = IA32_PASID[19:0]", cpl);
            expect_line_writes(0xa040, "enqcmd writes");
            CHECK_EQ(r64(WHvX64RegisterRflags), rflags[i] & ~(uint64_t)ARITH_FLAGS,
                     "enqcmd: ZF = 0 (accepted), CF PF AF SF OF cleared, the rest kept");
            CHECK(g.calls[GUEST_CB_GET_XSTATE] == 1 && g.calls[GUEST_CB_SET_XSTATE] == 0,
                  "enqcmd: one GetXstate (%u), no SetXstate (%u)", g.calls[GUEST_CB_GET_XSTATE],
                  g.calls[GUEST_CB_SET_XSTATE]);
        }
    }
    /* no #AC (neither exception list has one): CPL 3, CR0.AM, RFLAGS.AC, a source at an odd
     * address */
    enqcmd_guest(0x80012345u);
    vcpu_set_cpl(&g.vcpu, 3);
    reg(WHvX64RegisterCr0)->Reg64 |= 1u << 18;
    reg(WHvX64RegisterRflags)->Reg64 |= 1u << 18;
    put_line(0x9001, 0);
    reg(WHvX64RegisterRsi)->Reg64 = 0x9001;
    RUN("\xf2\x0f\x38\xf8\x16");
    expect_ok("enqcmd misaligned source with alignment checking");
    enqcmd_guest(0x80000000u); /* valid, PASID 0 */
    RUN("\xf2\x0f\x38\xf8\x16");
    expect_ok("enqcmd PASID 0");
    CHECK(command_is(0xa040, 0), "enqcmd PASID 0: bits 31:0 zero");

    /* virtual-8086 mode runs at CPL 3, where ENQCMD is allowed (ENQCMDS is not) */
    v86_guest(0x200, 0);
    put_line(0x9000, 0);
    set_pasid_area(XS_PASID | 3, XCOMP_COMPACTED | XS_PASID | 3, 0x80012345u);
    reg(WHvX64RegisterRdx)->Reg64 = 0x2040;
    reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
    RUN("\xf2\x0f\x38\xf8\x14");
    expect_ok("enqcmd virtual-8086");
    CHECK(command_is(0x2040, 0x12345), "enqcmd virtual-8086 ES:DX");
    whvemu_set_xstate_callbacks(emu, NULL);
}

/* ENQCMD's #GP(0) (SDM ENQCMD, the exception lists): IA32_PASID's valid bit 31 clear — also
 * when component 10 is in its init state (XSTATE_BV[10] = 0: IA32_PASID = 0, whatever the
 * bytes), checked first as in "Operation", before any memory access; bits 31:0 of the source
 * not all zero; the destination not 64-byte aligned. Nothing is written; the source's #PF
 * comes before the destination's alignment check (it is read whole first, as for ENQCMDS). */
static void test_enqcmd_faults(void)
{
    static const uint32_t source_low[] = { 1, 0x80000, 0x100000, 0x40000000, 0x80000000u };

    register_pasid_layout(true);
    enqcmd_guest(0x7fffffff); /* PASID 7FFFFh, not valid */
    RUN_LOGGED("\xf2\x0f\x38\xf8\x16");
    expect_fault("enqcmd IA32_PASID not valid", 13, 0);
    CHECK_EQ(g.log_count, 0, "enqcmd IA32_PASID not valid: no memory access");
    enqcmd_guest(0x80012345u);
    set_pasid_area(3, XCOMP_COMPACTED | XS_PASID | 3, 0x80012345u);
    RUN_LOGGED("\xf2\x0f\x38\xf8\x16");
    expect_fault("enqcmd PASID state in its init state", 13, 0);
    CHECK_EQ(g.log_count, 0, "enqcmd PASID init: no memory access");
    CHECK_EQ(g.calls[GUEST_CB_SET_XSTATE], 0, "enqcmd PASID init: the area not stored");

    for (size_t i = 0; i < sizeof source_low / sizeof *source_low; i++) {
        enqcmd_guest(0x80012345u);
        put_line(0x9000, source_low[i]);
        RUN_LOGGED("\xf2\x0f\x38\xf8\x16");
        expect_fault("enqcmd source bits 31:0", 13, 0);
        CHECK(writes_logged() == 0, "enqcmd source 0x%x: no write", source_low[i]);
    }
    whvemu_set_xstate_callbacks(emu, NULL);
}

/* Where IA32_PASID cannot be had, ENQCMD is InternalEmulationFailure before any memory
 * access or translation, nothing written back (docs/system-instructions.md): no extension;
 * a layout without component 10; an area without it in XCOMP_BV; a standard-format area
 * (which has no supervisor components). */
static void test_enqcmd_without_pasid(void)
{
    static const struct {
        const char *what;
        bool extension, layout_has_it;
        uint64_t xcomp_bv;
    } cases[] = {
        { "no extension", false, false, XCOMP_COMPACTED | XS_PASID | 3 },
        { "a layout without component 10", true, false, XCOMP_COMPACTED | 3 },
        { "XCOMP_BV without component 10", true, true, XCOMP_COMPACTED | 3 },
        { "the standard format", true, true, 0 },
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        whvemu_set_xstate_callbacks(emu, NULL);
        if (cases[i].extension)
            register_pasid_layout(cases[i].layout_has_it);
        enqcmd_guest(0x80012345u);
        set_pasid_area(3, cases[i].xcomp_bv, 0x80012345u);
        RUN_LOGGED("\xf2\x0f\x38\xf8\x16");
        expect_unsupported(cases[i].what);
        CHECK(g.log_count == 0 && g.calls[GUEST_CB_TRANSLATE] == 0 &&
                  g.calls[GUEST_CB_SET_REGISTERS] == 0 && g.calls[GUEST_CB_SET_XSTATE] == 0,
              "enqcmd, %s: no access, no translation, no write-back", cases[i].what);
    }
    whvemu_set_xstate_callbacks(emu, NULL);
}

/* CLZERO (AMD APM vol. 3): zeros the 64-byte line of DS:rAX, the *linear* address rounded
 * down (measured on the AMD EPYC, Zen 4, with a GS base of buffer + 20h: `gs clzero` with
 * rAX = 20h or 30h cleared buffer + 40h..7Fh; tests/control's native cases cover flat
 * segments); the checks of a store of that line. */
static void test_clzero(void)
{
    fresh(VCPU_LONG64);
    put_line(0x10000, 0xffffffff);
    put_line(0x10040, 0xffffffff);
    put_line(0x10080, 0xffffffff);
    seg(WHvX64RegisterGs)->Base = 0x10020;
    reg(WHvX64RegisterRax)->Reg64 = 0x30;
    RUN_LOGGED("\x65\x0f\x01\xfc"); /* gs clzero */
    expect_ok("gs clzero");
    expect_line_writes(0x10040, "gs clzero writes");
    CHECK(get(0x1003c, 4) == 0x4f4e4d4c && get(0x10040, 8) == 0 && get(0x10078, 8) == 0 &&
              get(0x10080, 4) == 0xffffffff,
          "gs clzero: linear 0x10050 rounded down, 64 bytes");
    reg(WHvX64RegisterRax)->Reg64 = 0xffffffff000100c5u;
    RUN("\x67\x0f\x01\xfc"); /* addr32 clzero */
    expect_ok("clzero eax");
    CHECK(get(0x100c0, 8) == 0 && get(0x100f8, 8) == 0, "clzero eax: DS:EAX's line");
    page_absent(0x9000);
    reg(WHvX64RegisterRax)->Reg64 = 0x9010;
    RUN("\x0f\x01\xfc");
    expect_page_fault("clzero not present", 2, 0x9000);

    /* protected mode: DS.base = 20h, EAX = 30h: linear 50h, the line at DS:20h..5Fh; the
     * segment checks are a store's (a read-only segment is #GP(0)) */
    protected_guest();
    put_line(0x40, 0xffffffff);
    seg(WHvX64RegisterDs)->Base = 0x20;
    reg(WHvX64RegisterRax)->Reg64 = 0x30;
    RUN("\x0f\x01\xfc");
    expect_ok("clzero DS.base 20h");
    CHECK(get(0x40, 8) == 0 && get(0x78, 8) == 0, "clzero: linear 40h..7Fh");
    seg(WHvX64RegisterDs)->SegmentType = 1; /* read-only data, accessed */
    RUN("\x0f\x01\xfc");
    expect_fault("clzero read-only segment", 13, 0);
}

/* PTWRITE (SDM PTWRITE): reads its operand, 32 bits or 64 with REX.W; with no trace packets
 * to make (no trace buffer behind the API) nothing else changes, flags included. */
static void test_ptwrite(void)
{
    static const uint64_t rflags[] = { 0x2, 0x2 | ARITH_FLAGS };

    for (unsigned i = 0; i < 2; i++) {
        fresh(VCPU_LONG64);
        put(0x9000, 0x1122334455667788u, 8);
        reg(WHvX64RegisterRbx)->Reg64 = 0x9000;
        reg(WHvX64RegisterRflags)->Reg64 = rflags[i];
        RUN_LOGGED("\xf3\x0f\xae\x23"); /* ptwrite dword ptr [rbx] */
        expect_ok("ptwrite m32");
        CHECK(g.log_count == 1 && !accesses[0].write && accesses[0].size == 4 &&
                  accesses[0].address == 0x9000,
              "ptwrite m32: one 4-byte read");
        CHECK(g.set_name_count == 1 && g.set_names[0] == WHvX64RegisterRip,
              "ptwrite: only RIP written back");
        CHECK_EQ(r64(WHvX64RegisterRflags), rflags[i], "ptwrite: flags unaffected");
    }
    RUN_LOGGED("\xf3\x48\x0f\xae\x23"); /* ptwrite qword ptr [rbx] */
    expect_ok("ptwrite m64");
    CHECK(g.log_count == 1 && accesses[0].size == 8, "ptwrite m64: one 8-byte read");
    RUN_LOGGED("\xf3\x0f\xae\xe0"); /* ptwrite eax */
    expect_ok("ptwrite r32");
    CHECK_EQ(g.log_count, 0, "ptwrite r32: no memory access");
    RUN_LOGGED("\x66\xf3\x0f\xae\x23");
    expect_fault("ptwrite with 66h", 6, 0);
    CHECK_EQ(g.log_count, 0, "ptwrite with 66h: no memory access");

    /* the read's faults: #AC (CPL 3, CR0.AM, RFLAGS.AC, misaligned), #PF */
    vcpu_set_cpl(&g.vcpu, 3);
    reg(WHvX64RegisterCr0)->Reg64 |= 1u << 18;
    reg(WHvX64RegisterRflags)->Reg64 |= 1u << 18;
    reg(WHvX64RegisterRbx)->Reg64 = 0x9002;
    RUN_LOGGED("\xf3\x0f\xae\x23");
    expect_fault("ptwrite #AC", 17, 0);
    CHECK_EQ(g.log_count, 0, "ptwrite #AC: no memory access");
    fresh(VCPU_LONG64);
    page_absent(0x9000);
    reg(WHvX64RegisterRbx)->Reg64 = 0x9008;
    RUN("\xf3\x0f\xae\x23");
    expect_page_fault("ptwrite not present", 0, 0x9008);

    /* 16-bit code: still 32 bits */
    fresh(VCPU_REAL16);
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    RUN_LOGGED("\xf3\x0f\xae\x27"); /* ptwrite dword ptr [bx] */
    expect_ok("ptwrite 16-bit code");
    CHECK(g.log_count == 1 && accesses[0].size == 4, "ptwrite 16-bit code: 4 bytes");
}

/* CLDEMOTE (SDM CLDEMOTE: only #UD for LOCK) and the hint NOPs name memory they never
 * touch: no access and no fault, even where the page is absent. */
static void test_hints(void)
{
    fresh(VCPU_LONG64);
    page_absent(0x9000);
    reg(WHvX64RegisterRbx)->Reg64 = 0x9000;
    RUN_LOGGED("\x0f\x1c\x03"); /* cldemote [rbx] */
    expect_ok("cldemote");
    CHECK(g.log_count == 0 && g.calls[GUEST_CB_TRANSLATE] == 0, "cldemote: no access");
    RUN_LOGGED("\x0f\x1f\x03"); /* nop dword ptr [rbx] */
    expect_ok("nop m32");
    CHECK(g.log_count == 0 && g.calls[GUEST_CB_TRANSLATE] == 0, "nop m32: no access");
    RUN("\xf0\x0f\x1c\x03");
    expect_fault("lock cldemote", 6, 0);
}

/* The decisions docs/coverage.md lists as gaps, with CR4.CET set as a guest with shadow
 * stacks has it: InternalEmulationFailure before any memory access or translation, nothing
 * written back. The CET forms without a memory operand are left to the VMM (docs/cet.md;
 * those with one are emulated: tests/paging/shadow_stack.c). (AMX is emulated now:
 * tests/amx; ENQCMD without IA32_PASID: test_enqcmd_without_pasid.) */
struct gap {
    const char *what;
    const char *bytes;
    unsigned length;
};
#define GAP(what, bytes)                                                                           \
    {                                                                                              \
        what, bytes, sizeof(bytes) - 1                                                             \
    }
// clang-format off
static const struct gap gaps[] = {
    GAP("incsspq", "\xf3\x48\x0f\xae\xe8"),
    GAP("saveprevssp", "\xf3\x0f\x01\xea"),
    GAP("setssbsy", "\xf3\x0f\x01\xe8"),
    GAP("rdsspq", "\xf3\x48\x0f\x1e\xc8"),
};
// clang-format on
#undef GAP

static void test_gaps(void)
{
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
        fresh(VCPU_LONG64);
        reg(WHvX64RegisterCr4)->Reg64 |= 1u << 23; /* CR4.CET */
        reg(WHvX64RegisterRbx)->Reg64 = 0x9000;
        reg(WHvX64RegisterRsi)->Reg64 = 0x9000;
        run_logged(gaps[i].bytes, gaps[i].length);
        expect_unsupported(gaps[i].what);
        CHECK(g.log_count == 0 && g.calls[GUEST_CB_TRANSLATE] == 0 &&
                  g.calls[GUEST_CB_SET_REGISTERS] == 0,
              "%s: no access, no translation, no write-back", gaps[i].what);
    }
}

static void test_long_mode(void)
{
    /* LGDT/LIDT in 64-bit mode read a 10-byte pseudo-descriptor; a non-canonical base is
     * #GP(0) (AMD APM LGDT/LIDT "the new ... base address was non-canonical"; KVM agrees) */
    fresh(VCPU_LONG64);
    reg(WHvX64RegisterRbx)->Reg64 = 0x80000;
    put(0x80000, 0x8678000000000fffu, 8);
    put(0x80008, 0xffff, 2); /* base 0xffff867800000000: canonical */
    RUN("\x0f\x01\x13");     /* lgdt [rbx] */
    expect_ok("lgdt 64-bit");
    CHECK_EQ(reg(WHvX64RegisterGdtr)->Table.Base, 0xffff867800000000u, "lgdt 64-bit base");
    CHECK_EQ(reg(WHvX64RegisterGdtr)->Table.Limit, 0xfff, "lgdt 64-bit limit");
    fresh(VCPU_LONG64);
    reg(WHvX64RegisterRbx)->Reg64 = 0x80000;
    put(0x80000, 0x0000000000000fffu, 8);
    put(0x80008, 0x8000, 2); /* base 0x8000000000000000: not canonical */
    RUN("\x0f\x01\x1b");     /* lidt [rbx] */
    expect_fault("lidt non-canonical base", 13, 0);

    /* IRETQ at CPL 0 pops RIP, CS, RFLAGS, RSP, SS; a null SS is allowed for a 64-bit
     * target at CPL < 3 (SDM IRET, IA-32e mode) */
    fresh(VCPU_LONG64);
    build_gdt();
    FRAME(0x80000, 8, 0x401234, SEL_LONG, 0x246, 0x90000, 0);
    RUN("\x48\xcf");
    expect_ok("iretq same level");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x401234, "iretq RIP");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_LONG, "iretq CS");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x90000, "iretq RSP");
    CHECK_EQ(seg(WHvX64RegisterSs)->Selector, 0, "iretq null SS");
    CHECK_EQ(r64(WHvX64RegisterRflags), 0x246, "iretq RFLAGS");

    /* IRETQ to CPL 3; a null SS is #GP(0) there */
    fresh(VCPU_LONG64);
    build_gdt();
    FRAME(0x80000, 8, 0x401234, SEL_LONG3, 0x202, 0x7fff0000, SEL_DATA3 | 3);
    RUN("\x48\xcf");
    expect_ok("iretq to CPL 3");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_LONG3, "iretq CPL 3 CS");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x7fff0000, "iretq CPL 3 RSP");
    CHECK(!seg(WHvX64RegisterDs)->Present, "iretq CPL 3 drops DS");
    fresh(VCPU_LONG64);
    build_gdt();
    put(0x80008, SEL_LONG3, 8);
    put(0x80020, 3, 8);
    RUN("\x48\xcf");
    expect_fault("iretq to CPL 3 with a null SS", 13, 0);

    /* a far jump to a compatibility-mode code segment */
    fresh(VCPU_LONG64);
    build_gdt();
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    put(0x900, 0x1000, 4);
    put(0x904, SEL_CODE, 2);
    RUN("\xff\x2b"); /* jmp far [rbx] (m16:32) */
    expect_ok("jmp far to compatibility mode");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_CODE, "compat CS");
    CHECK_EQ(r64(WHvX64RegisterRip), 0x1000, "compat EIP");

    /* a 64-bit call gate from CPL 3: RSP0 from the 64-bit TSS, SS null with RPL 0, 8-byte
     * slots (SDM CALL, IA-32e mode) */
    fresh(VCPU_LONG64);
    build_gdt();
    vcpu_set_cpl(&g.vcpu, 3);
    seg(WHvX64RegisterCs)->Selector = SEL_LONG3;
    seg(WHvX64RegisterSs)->Selector = SEL_DATA3 | 3;
    seg(WHvX64RegisterTr)->Base = 0x6000;
    put(0x6004, 0x70000, 8);
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    put(0x900, 0, 4);
    put(0x904, SEL_GATE64, 2);
    RUN("\xff\x1b"); /* call far [rbx] */
    expect_ok("64-bit call gate");
    CHECK_EQ(seg(WHvX64RegisterCs)->Selector, SEL_LONG, "64 gate CS");
    CHECK_EQ(r64(WHvX64RegisterRip), 0xffff800000001000ull, "64 gate RIP");
    CHECK_EQ(seg(WHvX64RegisterSs)->Selector, 0, "64 gate null SS");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x70000 - 32, "64 gate RSP");
    CHECK_EQ(get(0x70000 - 8, 8), SEL_DATA3 | 3, "64 gate old SS");
    CHECK_EQ(get(0x70000 - 16, 8), 0x80000, "64 gate old RSP");
    CHECK_EQ(get(0x70000 - 24, 8), SEL_LONG3, "64 gate old CS");
    CHECK_EQ(get(0x70000 - 32, 8), 0x400002, "64 gate return RIP");

    /* LTR in IA-32e mode: a 16-byte TSS descriptor; LSS with a null selector */
    fresh(VCPU_LONG64);
    build_gdt();
    reg(WHvX64RegisterRax)->Reg64 = SEL_TSS64;
    RUN("\x0f\x00\xd8");
    expect_ok("ltr 64");
    CHECK_EQ(seg(WHvX64RegisterTr)->Base, 0x100006000ull, "64-bit TSS base");
    CHECK_EQ(get(GDT + SEL_TSS64 + 5, 1), 0x8b, "64-bit TSS busy");
    reg(WHvX64RegisterRax)->Reg64 = SEL_TSS;
    RUN("\x0f\x00\xd8");
    expect_fault("ltr of a 32-bit-era TSS in IA-32e mode", 13, SEL_TSS);
    reg(WHvX64RegisterRbx)->Reg64 = 0x900;
    put(0x900, 0x12345678, 4);
    put(0x904, 0, 2);
    RUN("\x0f\xb2\x03"); /* lss eax, [rbx] */
    expect_ok("lss null at CPL 0");
    CHECK_EQ(r64(WHvX64RegisterRax), 0x12345678, "lss offset");
    vcpu_set_cpl(&g.vcpu, 3);
    RUN("\x0f\xb2\x03");
    expect_fault("lss null at CPL 3", 13, 0);

    /* a branch to a non-canonical address faults on the branch (SDM and APM JMP) */
    fresh(VCPU_LONG64);
    reg(WHvX64RegisterRax)->Reg64 = 0x0000800000000000ull;
    RUN("\xff\xe0");
    expect_fault("jmp non-canonical", 13, 0);
    CHECK_EQ(r64(WHvX64RegisterRip), 0x400000, "RIP unchanged");

    /* PUSH FS with a 64-bit operand size: Intel writes the 16-bit selector only (SDM PUSH),
     * AMD the zero-extended value (native test) */
    fresh(VCPU_LONG64);
    whvemu_set_option(emu, WHVEMU_OPTION_VENDOR, WHVEMU_VENDOR_INTEL);
    seg(WHvX64RegisterFs)->Selector = 0x1234;
    put(0x80000 - 8, 0x5555555555555555ull, 8);
    RUN("\x0f\xa0");
    expect_ok("push fs Intel");
    CHECK_EQ(get(0x80000 - 8, 8), 0x5555555555551234ull, "Intel: 16-bit write");
    CHECK_EQ(r64(WHvX64RegisterRsp), 0x80000 - 8, "push fs RSP");
    whvemu_set_option(emu, WHVEMU_OPTION_VENDOR, WHVEMU_VENDOR_AMD);
    reg(WHvX64RegisterRsp)->Reg64 = 0x80000;
    RUN("\x0f\xa0");
    expect_ok("push fs AMD");
    CHECK_EQ(get(0x80000 - 8, 8), 0x1234, "AMD: zero-extended");
}

int main(void)
{
    guest_init(&g);
    if (WHvEmulatorCreateEmulator(&guest_callbacks, &emu) != S_OK)
        return 1;
    test_real_mode();
    test_protected_segment_loads();
    test_protected_far();
    test_v86();
    test_vex_outside_protected_mode();
    test_system_stores();
    test_long_mode();
    test_enqcmds();
    test_enqueue_address_sizes();
    test_enqueue_faults();
    test_enqcmd_command();
    test_enqcmd_faults();
    test_enqcmd_without_pasid();
    test_clzero();
    test_ptwrite();
    test_hints();
    test_gaps();
    WHvEmulatorDestroyEmulator(emu);
    guest_free(&g);
    return check_summary();
}
