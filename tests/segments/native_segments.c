/* Segmentation against the CPU: each case runs one instruction natively (the runners of
 * tests/diff, in 16-bit LDT code, 32-bit compat-mode code or 64-bit code) with data, stack
 * and code segments installed with modify_ldt — byte and page granular limits, expand-down
 * with B = 0 and B = 1, read-only data, readable code as data, odd 16-bit bases, null
 * selectors — and through WHvEmulatorTryMmioEmulation from the same state, with the segment
 * registers' descriptor caches as a hypervisor reports them (base, limit scaled by G,
 * attributes). Registers, the arithmetic flags, RIP, the test buffer and the exception
 * (vector and error code, from the signal's trap number and error) must be the same.
 *
 * Each case also names the exception the SDM gives for it; the CPU must agree, so that a
 * case tests the rule it is named after. Linux x86-64 only, as tests/diff. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hex_bytes.h"
#include "core/vcpu.h"
#include "fault_order.h"
#include "fixture.h"
#include "guest.h"
#include "hostcpu.h"
#include "native.h"
#include "segments.h"
#include "synth.h"
#include "whvemu.h"

#define BUFFER_SIZE 0x2000u
#define RANDOM_CASES 3000u
#define RANDOM_SEED UINT64_C(0x5e6d5e6d) /* another: SEGMENTS_SEED=n in the environment */
/* guest-physical addresses of the fixture's regions (their GVAs are the host addresses) */
#define GPA_BUFFER UINT64_C(0x10000000)
#define GPA_CODE UINT64_C(0x20000000)
#define GPA_READ_ONLY UINT64_C(0x30000000)
#define NO_FAULT (-1)
#define ANY_OUTCOME (-2)      /* random cases: no answer stated, the CPU's is the reference */
#define COMPARED_FLAGS 0xcd5u /* CF PF AF ZF SF OF and DF */

/* The segments a case can give DS, ES and SS. */
enum seg_id {
    SEG_MODE_DEFAULT, /* 16-bit: LDT_DATA16; 32-bit: flat 0x2b; 64-bit: null (DS, ES), 0x2b (SS) */
    SEG_NULL,         /* selector 0 */
    SEG_NULL_RPL3,    /* selector 3: null too */
    SEG_BYTE16,       /* 16-bit data at the buffer, byte-granular limit 0xfff */
    SEG_ODD16,        /* 16-bit data at the buffer + 0x1230, limit 0xffff */
    SEG_PAGE32,       /* 32-bit data at the buffer, page-granular limit 0 (= 0xfff) */
    SEG_DOWN16,       /* expand-down, B = 0, at buffer - 0x1000, limit 0xfff: 0x1000-0xffff */
    SEG_DOWN32,       /* expand-down, B = 1, page granular limit 0 at buffer - 0x1000:
                       * 0x1000-0xffffffff */
    SEG_READ_ONLY,    /* 32-bit read-only data at the buffer, 4 GiB */
    SEG_CODE32,       /* 32-bit readable code at the buffer, 4 GiB (loadable into DS) */
    SEG_LOW16,        /* 16-bit data at buffer - 0xf000, limit 0xffff: offsets 0xf000-0xffff
                       * are the buffer, 0 the guard pages before it */
    SEG_CODE16,       /* tests/diff's 16-bit readable code segment (the runner's) */
    SEG_WRAP32,       /* tests/diff's 32-bit data at the buffer + 0x1000, 4 GiB */
    SEG_ID_COUNT
};

/* The LDT entries this test installs after tests/diff's. */
static const enum seg_id own_entries[] = { SEG_BYTE16, SEG_ODD16,     SEG_PAGE32, SEG_DOWN16,
                                           SEG_DOWN32, SEG_READ_ONLY, SEG_CODE32, SEG_LOW16 };

static struct ldt_spec spec_of(enum seg_id id)
{
    uint64_t buf = (uint64_t)(uintptr_t)native_layout()->buffer;
    struct ldt_spec s;
    memset(&s, 0, sizeof s);
    s.base = buf;
    switch (id) {
    case SEG_BYTE16: s.limit = 0xfff; break;
    case SEG_ODD16:
        s.base = buf + 0x1230;
        s.limit = 0xffff;
        break;
    case SEG_PAGE32:
        s.limit = 0;
        s.pages = s.bits32 = true;
        break;
    case SEG_DOWN16:
        s.base = buf - 0x1000;
        s.limit = 0xfff;
        s.expand_down = true;
        break;
    case SEG_DOWN32:
        s.base = buf - 0x1000;
        s.limit = 0;
        s.pages = s.bits32 = s.expand_down = true;
        break;
    case SEG_READ_ONLY:
        s.limit = 0xfffff;
        s.pages = s.bits32 = s.read_only = true;
        break;
    case SEG_LOW16:
        s.base = buf - 0xf000;
        s.limit = 0xffff;
        break;
    default: /* SEG_CODE32 */
        s.limit = 0xfffff;
        s.pages = s.bits32 = s.code = true;
        break;
    }
    return s;
}

static uint16_t own_selector(enum seg_id id)
{
    for (unsigned i = 0; i < sizeof own_entries / sizeof own_entries[0]; i++)
        if (own_entries[i] == id)
            return SEL_LDT(LDT_COUNT + i);
    return 0;
}

/* The segment register as the CPU holds it after loading the segment in code of `bits`. */
static struct segment segment_of(enum seg_id id, unsigned bits, unsigned which)
{
    struct segment mode[6];
    struct segment none = { 0, 0, 0, 0 }; /* null: not usable (P = 0) */
    struct ldt_spec s;

    switch (id) {
    case SEG_MODE_DEFAULT: mode_segments(bits, mode); return mode[which];
    case SEG_NULL: return none;
    case SEG_NULL_RPL3: none.selector = 3; return none;
    case SEG_CODE16:
        return descriptor_segment(SEL_LDT(LDT_CODE16), native_ldt_descriptor(LDT_CODE16));
    case SEG_WRAP32:
        return descriptor_segment(SEL_LDT(LDT_DATA32_HI), native_ldt_descriptor(LDT_DATA32_HI));
    default: s = spec_of(id); return descriptor_segment(own_selector(id), native_descriptor_of(&s));
    }
}

enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI };

struct seg_case {
    const char *what;
    unsigned bits;
    const char *bytes; /* hex */
    enum seg_id ds, es, ss;
    uint64_t gpr[8]; /* RAX..RDI; RSP 0 means "0x800 into the buffer" */
    bool ac;         /* RFLAGS.AC */
    int vector;      /* what the SDM says: NO_FAULT or the vector */
    uint32_t error;
};

#define REGS(...)                                                                                  \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }
#define NONCANON UINT64_C(0x0000800000000000)

static const struct seg_case cases[] = {
    /* 16-bit code: byte-granular limit, the last byte of the access decides (SDM Vol. 3
     * 5.3 "Limit Checking") */
    { "mov ax,[bx] at the limit", 16, "8b 07", SEG_BYTE16, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_BX] = 0xffe), false, NO_FAULT, 0 },
    { "mov ax,[bx] straddling the limit", 16, "8b 07", SEG_BYTE16, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xfff), false, EXC_GP, 0 },
    { "mov al,[bx] beyond the limit", 16, "8a 07", SEG_BYTE16, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_BX] = 0x1000), false, EXC_GP, 0 },
    { "mov [bx],ax beyond the limit (ES override)", 16, "26 89 07", SEG_MODE_DEFAULT, SEG_BYTE16,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x1ffe), false, EXC_GP, 0 },
    { "mov eax,[ebx] 32-bit offset beyond a 16-bit limit", 16, "67 66 8b 03", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_BX] = 0x10000), false, EXC_GP, 0 },
    /* 16-bit offset wraparound: [bx+si+disp] is computed modulo 64 KiB (SDM Vol. 1 3.7.5) */
    { "mov al,[bx+si+0x10] wraps at 64 KiB", 16, "8a 40 10", SEG_ODD16, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xfff0, [R_SI] = 0x0008), false, NO_FAULT, 0 },
    { "mov ax,[bp+di-2] wraps above 0xffff (SS)", 16, "8b 43 fe", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_ODD16, REGS([R_BP] = 0x8000, [R_DI] = 0x8010), false, NO_FAULT, 0 },
    { "mov ax,[0xffff] word at the 64 KiB limit", 16, "a1 ff ff", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS(0), false, EXC_GP, 0 },
    /* stack segment: #SS(0), not #GP (SDM Vol. 3 6.15 "Interrupt 12") */
    { "mov ax,[bp] beyond the SS limit", 16, "8b 46 00", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_BYTE16, REGS([R_BP] = 0x1000), false, EXC_SS, 0 },
    { "mov ax,ds:[bp] beyond the DS limit", 16, "3e 8b 46 00", SEG_BYTE16, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BP] = 0x1000), false, EXC_GP, 0 },
    { "mov ax,ss:[bx] beyond the SS limit", 16, "36 8b 07", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_BYTE16, REGS([R_BX] = 0x1000), false, EXC_SS, 0 },
    { "push ax straddling the SS limit", 16, "50", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, SEG_BYTE16,
      REGS([R_SP] = 0x1001), false, EXC_SS, 0 },
    { "push ax below the SS limit", 16, "50", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, SEG_BYTE16,
      REGS([R_AX] = 0x1234, [R_SP] = 0x1000), false, NO_FAULT, 0 },
    { "push ax with SP 0: SP wraps to 0xfffe (a guard page: #PF W U)", 16, "50", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_ODD16, REGS([R_SP] = 0), false, EXC_PF, 6 },
    { "push ax with SP 0 on an expand-down stack: 0xfffe is valid (#PF W U)", 16, "50",
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, SEG_DOWN16, REGS([R_SP] = 0x10000), false, EXC_PF, 6 },
    /* expand-down, B = 0: valid offsets limit+1 .. 0xffff (SDM Vol. 3 3.4.5.1) */
    { "mov ax,[bx] expand-down at the limit", 16, "8b 07", SEG_DOWN16, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xfff), false, EXC_GP, 0 },
    { "mov ax,[bx] expand-down above the limit", 16, "8b 07", SEG_DOWN16, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x1000), false, NO_FAULT, 0 },
    { "mov ax,[bx] expand-down straddling 0xffff", 16, "8b 07", SEG_DOWN16, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xffff), false, EXC_GP, 0 },
    { "mov eax,[ebx] expand-down B=0, offset above 0xffff", 16, "67 66 8b 03", SEG_DOWN16,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_BX] = 0x11000), false, EXC_GP, 0 },
    { "push ax expand-down stack straddling the limit", 16, "50", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_DOWN16, REGS([R_SP] = 0x1001), false, EXC_SS, 0 },
    { "push ax expand-down stack above the limit", 16, "50", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_DOWN16, REGS([R_AX] = 0xbeef, [R_SP] = 0x1002), false, NO_FAULT, 0 },
    /* types (SDM Vol. 3 5.4 "Type checking") */
    { "mov [bx],ax read-only data", 16, "89 07", SEG_READ_ONLY, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "mov ax,[bx] read-only data", 16, "8b 07", SEG_READ_ONLY, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_BX] = 0x10), false, NO_FAULT, 0 },
    { "mov [bx],ax readable code in DS", 16, "89 07", SEG_CODE16, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "mov ax,cs:[bx] readable code", 16, "2e 8b 07", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x0), false, NO_FAULT, 0 },
    { "mov cs:[bx],ax write to code", 16, "2e 89 07", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x0), false, EXC_GP, 0 },
    /* null selectors: #GP(0) on use (SDM Vol. 3 5.4.1) */
    { "mov ax,[bx] DS null", 16, "8b 07", SEG_NULL, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "mov ax,es:[bx] ES null RPL 3", 16, "26 8b 07", SEG_MODE_DEFAULT, SEG_NULL_RPL3,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "mov ax,ss:[bx] DS null, not used", 16, "36 8b 07", SEG_NULL, SEG_NULL, SEG_MODE_DEFAULT,
      REGS([R_BX] = 0x10), false, NO_FAULT, 0 },
    /* alignment check at CPL 3 with CR0.AM and RFLAGS.AC (SDM Vol. 3 6.15 "Interrupt 17") */
    { "mov ax,[bx] misaligned with AC", 16, "8b 07", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x11), true, EXC_AC, 0 },
    { "mov ax,[bx] beyond the limit and misaligned: the limit first", 16, "8b 07", SEG_BYTE16,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_BX] = 0x1001), true, EXC_GP, 0 },

    /* stack and string instructions: the whole access is checked before anything is written */
    { "pusha straddling the expand-down limit", 16, "60", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_DOWN16, REGS([R_SP] = 0x100f), false, EXC_SS, 0 },
    { "pusha above the expand-down limit", 16, "60", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, SEG_DOWN16,
      REGS([R_AX] = 0x1111, [R_DI] = 0x2222, [R_SP] = 0x1010), false, NO_FAULT, 0 },
    { "popa reading beyond the SS limit", 16, "61", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, SEG_BYTE16,
      REGS([R_SP] = 0xff8), false, EXC_SS, 0 },
    { "pop ax at SP 0xffff", 16, "58", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_SP] = 0xffff), false, EXC_SS, 0 },
    { "rep stosw: DI wraps from 0xfffe to 0 (a guard page)", 16, "f3 ab", SEG_MODE_DEFAULT,
      SEG_LOW16, SEG_MODE_DEFAULT, REGS([R_AX] = 0xabcd, [R_CX] = 3, [R_DI] = 0xfffe), false,
      EXC_PF, 6 },
    { "movsw from DS offset 0xffff", 16, "a5", SEG_LOW16, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_SI] = 0xffff, [R_DI] = 0x10), false, EXC_GP, 0 },
    { "xlat beyond the DS limit", 16, "d7", SEG_BYTE16, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_AX] = 0x01, [R_BX] = 0xfff), false, EXC_GP, 0 },

    /* 32-bit code */
    { "mov eax,[ebx] page-granular limit, last dword", 32, "8b 03", SEG_PAGE32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xffc), false, NO_FAULT, 0 },
    { "mov eax,[ebx] page-granular limit, straddling", 32, "8b 03", SEG_PAGE32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xffd), false, EXC_GP, 0 },
    { "mov eax,[ebp] beyond the SS limit", 32, "8b 45 00", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_PAGE32, REGS([R_BP] = 0x1000), false, EXC_SS, 0 },
    { "mov eax,[ebx] expand-down B=1 at the limit", 32, "8b 03", SEG_DOWN32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xffe), false, EXC_GP, 0 },
    { "mov eax,[ebx] expand-down B=1 above the limit", 32, "8b 03", SEG_DOWN32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x1000), false, NO_FAULT, 0 },
    { "mov eax,[ebx] expand-down B=1 straddling 4 GiB", 32, "8b 03", SEG_DOWN32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xfffffffe), false, EXC_GP, 0 },
    { "push eax expand-down B=1 stack straddling the limit", 32, "50", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_DOWN32, REGS([R_SP] = 0x1002), false, EXC_SS, 0 },
    { "push eax expand-down B=1 stack above the limit", 32, "50", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_DOWN32, REGS([R_AX] = 0x12345678, [R_SP] = 0x1008), false, NO_FAULT,
      0 },
    { "push eax with a 16-bit stack segment uses SP", 32, "50", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_BYTE16, REGS([R_AX] = 0xcafef00d, [R_SP] = 0x12340100), false, NO_FAULT, 0 },
    { "push eax with a 16-bit stack segment, SP wraps to 0xfffc", 32, "50", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_BYTE16, REGS([R_SP] = 0x12340000), false, EXC_SS, 0 },
    { "mov [ebx],eax read-only data", 32, "89 03", SEG_READ_ONLY, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "add [ebx],eax read-only data", 32, "01 03", SEG_READ_ONLY, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "mov eax,[ebx] readable code in DS", 32, "8b 03", SEG_CODE32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x10), false, NO_FAULT, 0 },
    { "mov [ebx],eax readable code in DS", 32, "89 03", SEG_CODE32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "stosd to read-only ES", 32, "ab", SEG_MODE_DEFAULT, SEG_READ_ONLY, SEG_MODE_DEFAULT,
      REGS([R_DI] = 0x10), false, EXC_GP, 0 },
    { "rep movsb into the ES limit: two bytes copied, then #GP", 32, "f3 a4", SEG_WRAP32,
      SEG_PAGE32, SEG_MODE_DEFAULT, REGS([R_CX] = 4, [R_SI] = 0, [R_DI] = 0xffe), false, EXC_GP,
      0 },
    { "enter 8,0 leaving ESP below the expand-down limit", 32, "c8 08 00 00", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_DOWN32, REGS([R_SP] = 0x1008, [R_BP] = 0x55), false, EXC_SS, 0 },
    { "enter 8,0 within the expand-down stack", 32, "c8 08 00 00", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_DOWN32, REGS([R_SP] = 0x1010, [R_BP] = 0x55), false, NO_FAULT, 0 },
    { "leave with EBP beyond the SS limit", 32, "c9", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_PAGE32, REGS([R_BP] = 0x1000), false, EXC_SS, 0 },
    { "push dword [ebx] beyond the DS limit: #GP, not #SS", 32, "ff 33", SEG_PAGE32,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_BX] = 0xffe), false, EXC_GP, 0 },
    { "pop dword [ebx] into read-only data: ESP unchanged", 32, "8f 03", SEG_READ_ONLY,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "stosb with a null ES", 32, "aa", SEG_MODE_DEFAULT, SEG_NULL, SEG_MODE_DEFAULT,
      REGS([R_DI] = 0x10), false, EXC_GP, 0 },
    { "mov eax,[ebx] DS null", 32, "8b 03", SEG_NULL, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      REGS([R_BX] = 0x10), false, EXC_GP, 0 },
    { "movsb from a null DS", 32, "a4", SEG_NULL_RPL3, SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS(0),
      false, EXC_GP, 0 },
    /* 32-bit linear wraparound: base + offset modulo 4 GiB (SDM Vol. 3 3.4) */
    { "mov eax,[ebx] base + offset wraps at 4 GiB", 32, "8b 03", SEG_WRAP32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0xfffff010), false, NO_FAULT, 0 },
    { "mov eax,[ebx] misaligned with AC", 32, "8b 03", SEG_PAGE32, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BX] = 0x102), true, EXC_AC, 0 },

    /* 64-bit code: canonical checks, #SS(0) for stack references (SDM Vol. 3 6.15) */
    { "mov eax,[rax] non-canonical", 64, "8b 00", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_AX] = NONCANON), false, EXC_GP, 0 },
    { "mov eax,[rax] straddling the canonical boundary", 64, "8b 00", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_AX] = NONCANON - 2), false, EXC_GP, 0 },
    { "mov eax,[rbp] non-canonical", 64, "8b 45 00", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_BP] = UINT64_C(0x8000000000000000)), false, EXC_SS, 0 },
    /* 64-bit mode ignores the ES, CS, SS and DS overrides (SDM Vol. 1 3.4.2.1): the
     * reference stays the default segment's */
    { "mov eax,ds:[rbp] non-canonical: still SS", 64, "3e 8b 45 00", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_BP] = UINT64_C(0x8000000000000000)), false,
      EXC_SS, 0 },
    { "mov eax,ss:[rax] non-canonical: still DS", 64, "36 8b 00", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_AX] = NONCANON), false, EXC_GP, 0 },
    { "mov eax,fs:[rax] FS base + offset non-canonical", 64, "64 8b 00", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS([R_AX] = UINT64_C(0x7fffffffffff0000)), false,
      EXC_GP, 0 },
    { "push rax with a non-canonical RSP", 64, "50", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS([R_SP] = NONCANON + 8), false, EXC_SS, 0 },
    { "mov eax,[rax] null DS is not checked in 64-bit mode", 64, "8b 00", SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, SEG_MODE_DEFAULT, REGS(0), false, NO_FAULT, 0 },
    { "mov eax,[rax] misaligned with AC", 64, "8b 00", SEG_MODE_DEFAULT, SEG_MODE_DEFAULT,
      SEG_MODE_DEFAULT, REGS(0), true, EXC_AC, 0 },
};

static uint8_t initial_ram[BUFFER_SIZE], emulated_ram[BUFFER_SIZE];
static WHV_EMULATOR_HANDLE emulator;

/* The cases put addresses at the 48-bit canonical boundary, NONCANON; where the host runs
 * 5-level paging the boundary is 2^56, and a value near NONCANON moves there. */
static uint64_t at_host_boundary(uint64_t v)
{
    if (host_paging_levels() == 5 && v - (NONCANON - 64) < 128)
        return v - NONCANON + (UINT64_C(1) << 56);
    return v;
}

/* The 64-bit mode cases with RAX 0 address the buffer (+ 0x21 with AC: misaligned). */
static uint64_t register_value(const struct seg_case *c, unsigned i, const struct segment seg[6])
{
    uint64_t buf = (uint64_t)(uintptr_t)native_layout()->buffer;
    if (i == R_SP && c->gpr[R_SP] == 0)
        return (buf + 0x800 - seg[NSEG_SS].base) & (c->bits == 64 ? ~UINT64_C(0) : 0xffffffffu);
    if (c->bits == 64 && i == R_AX && c->gpr[R_AX] == 0)
        return buf + (c->ac ? 0x21 : 0x20);
    return c->bits == 64 ? at_host_boundary(c->gpr[i]) : c->gpr[i];
}

struct outcome {
    bool faulted;
    unsigned vector;
    uint32_t error;
    bool has_error;
    uint64_t cr2;
    uint64_t gpr[8], rip, rflags;
};

static void emulate(const struct seg_case *c, const uint8_t *bytes, unsigned length,
                    const struct segment seg[6], const uint64_t gpr[8], uint64_t rflags,
                    struct outcome *o)
{
    const struct native_layout *l = native_layout();
    static struct fixture f;
    WHV_VP_EXIT_CONTEXT vp;
    WHV_MEMORY_ACCESS_CONTEXT mmio;
    WHV_EMULATOR_STATUS status;

    memset(&f, 0, sizeof f);
    f.region[0] = (struct fixture_region){ (uint64_t)(uintptr_t)l->buffer, GPA_BUFFER, emulated_ram,
                                           l->size, true };
    f.region[1] =
        (struct fixture_region){ l->code_start, GPA_CODE, (uint8_t *)(uintptr_t)l->code_start,
                                 l->code_end - l->code_start, false };
    f.region[2] = (struct fixture_region){ (uint64_t)(uintptr_t)l->read_only, GPA_READ_ONLY,
                                           (uint8_t *)(uintptr_t)l->read_only, NATIVE_PAGE, false };
    f.region_count = 3;
    for (unsigned i = 0; i < 8; i++)
        f.regs[i].Reg64 = gpr[i];
    f.regs[WHvX64RegisterRip].Reg64 = native_slot_ip(c->bits);
    f.regs[WHvX64RegisterRflags].Reg64 = rflags;
    for (unsigned i = 0; i < 6; i++) {
        WHV_X64_SEGMENT_REGISTER *s = &f.regs[WHvX64RegisterEs + i].Segment;
        s->Base = seg[i].base;
        s->Limit = seg[i].limit;
        s->Selector = seg[i].selector;
        s->Attributes = seg[i].attributes;
    }
    f.regs[WHvX64RegisterCr0].Reg64 = 0x80050033; /* PG AM WP NE ET MP PE */
    /* LA57 as the host runs it: it decides which addresses are canonical */
    f.regs[WHvX64RegisterCr4].Reg64 = 0x3006f0 | (host_paging_levels() == 5 ? CR4_LA57 : 0);
    f.regs[FIX_EFER].Reg64 = 0xd01; /* NXE LMA LME SCE */

    memset(&vp, 0, sizeof vp);
    vp.ExecutionState.Cpl = 3;
    vp.ExecutionState.Cr0Pe = 1;
    vp.ExecutionState.Cr0Am = 1;
    vp.ExecutionState.EferLma = 1;
    vp.InstructionLength = (UINT8)length;
    vp.Cs = f.regs[WHvX64RegisterCs].Segment;
    vp.Rip = native_slot_ip(c->bits);
    vp.Rflags = rflags;
    mmio = guest_mmio_access(bytes, length);
    fixture_begin(&f);
    status.AsUINT32 = 0;
    CHECK(WHvEmulatorTryMmioEmulation(emulator, &f, &vp, &mmio, &status) == S_OK &&
              status.AsUINT32 == 1,
          "%s: status 0x%x", c->what, (unsigned)status.AsUINT32);

    memset(o, 0, sizeof *o);
    for (unsigned i = 0; i < 8; i++)
        o->gpr[i] = f.regs[i].Reg64;
    o->rip = f.regs[WHvX64RegisterRip].Reg64;
    o->rflags = f.regs[WHvX64RegisterRflags].Reg64;
    const WHV_X64_PENDING_INTERRUPTION_REGISTER *p = &f.regs[FIX_PENDING].PendingInterruption;
    if (p->InterruptionPending) {
        o->faulted = true;
        o->vector = p->InterruptionVector;
        o->has_error = p->DeliverErrorCode;
        o->error = p->ErrorCode;
        o->cr2 = f.regs[WHvX64RegisterCr2].Reg64;
    }
}

static struct cpu_fault fault_of(const struct outcome *o)
{
    return (struct cpu_fault){ (uint8_t)o->vector, o->has_error ? o->error : 0,
                               o->vector == EXC_PF ? o->cr2 : 0 };
}

static bool same_fault(const struct outcome *a, const struct outcome *b)
{
    struct cpu_fault x = fault_of(a), y = fault_of(b);
    return a->faulted == b->faulted &&
           (!a->faulted || (x.vector == y.vector && x.error == y.error && x.cr2 == y.cr2));
}

/* A faulting instruction with several stack slots (fault_order.h): whvemu's registers must
 * be the initial ones (this CPU loads some before POPA faults), its memory may differ from
 * the CPU's only in bytes the instruction writes. Returns whether the CPU did part of the
 * instruction otherwise: loaded registers, or wrote other slots. */
static bool check_partial_slots(const struct seg_case *c, const uint64_t gpr[8],
                                const struct outcome *native, const struct outcome *emulated,
                                const struct fault_choices *choices)
{
    const struct native_layout *l = native_layout();
    uint64_t mask = c->bits == 64 ? ~UINT64_C(0) : 0xffffffffu;
    bool other = false;

    for (unsigned i = 0; i < 8; i++) {
        CHECK(emulated->gpr[i] == gpr[i], "%s: GPR %u written on a fault", c->what, i);
        other |= (native->gpr[i] & mask) != (gpr[i] & mask);
    }
    for (unsigned i = 0; i < BUFFER_SIZE; i++) {
        if (emulated_ram[i] == l->buffer[i])
            continue;
        other = true;
        CHECK(fault_choices_stored(choices, (uint64_t)(uintptr_t)l->buffer + i),
              "%s: memory at +0x%x differs outside the instruction's slots", c->what, i);
    }
    CHECK(emulated->rip == native->rip, "%s: RIP moved on a fault", c->what);
    return other;
}

/* When both fault and the instruction has several accesses (fault_order.h): the
 * emulator's exception must be the CPU's or another that one of its accesses raises alone
 * on this CPU, and the CPU's one of those. The accesses are probed from the emulator's
 * registers (the initial ones, or those of a REP's faulting element, which must be the
 * CPU's). Returns true when it also compared registers and memory (several stack slots). */
static bool check_fault_order(const struct seg_case *c, const struct insn *in,
                              const struct segment seg[6], uint64_t rflags, const uint64_t gpr[8],
                              const struct outcome *native, const struct outcome *emulated)
{
    struct cpu_fault n = fault_of(native), m = fault_of(emulated);
    bool same = same_fault(native, emulated), differently, other = false;
    struct order_state s;
    struct fault_choices choices;

    memset(&s, 0, sizeof s);
    s.bits = c->bits;
    memcpy(s.gpr, emulated->gpr, sizeof emulated->gpr);
    s.rflags = rflags;
    memcpy(s.seg, seg, sizeof s.seg);
    s.rip = native_slot_ip(c->bits);
    fault_choices_probe(in, &s, &choices);
    CHECK(choices.count == 0 || fault_choices_hold(&choices, &n),
          "%s: the CPU's #%u(0x%x) CR2 0x%" PRIx64 " is none of its %u accesses' own (%u "
          "faults, %u not probed)",
          c->what, n.vector, n.error, n.cr2, choices.accesses, choices.count, choices.unprobed);
    differently = !same && fault_choices_hold(&choices, &n) && fault_choices_hold(&choices, &m);
    CHECK(same || differently,
          "%s: emulator injected %u(0x%x) CR2 0x%" PRIx64 ", CPU raised %u(0x%x) CR2 0x%" PRIx64,
          c->what, m.vector, m.error, m.cr2, n.vector, n.error, n.cr2);
    if (has_partial_slots(in))
        other = check_partial_slots(c, gpr, native, emulated, &choices);
    fault_order_count(in, &choices, differently, other);
    return has_partial_slots(in);
}

/* False when the case was not run natively: the emulator says it reaches beyond the guard
 * pages, where the CPU could touch the program's own memory. */
static bool run_case(const struct seg_case *c)
{
    const struct native_layout *l = native_layout();
    uint8_t bytes[16];
    unsigned length = hex_bytes(c->bytes, bytes, sizeof bytes);
    struct segment seg[6];
    struct native_frame in;
    struct native_result nr;
    struct outcome native, emulated;
    uint64_t gpr[8];
    uint64_t mask = c->bits == 64 ? ~UINT64_C(0) : 0xffffffffu;
    uint64_t rflags = USER_RFLAGS | (c->ac ? FL_AC : 0);
    struct insn insn;

    CHECK(decode_insn(c->bits == 64   ? MODE_64
                      : c->bits == 32 ? MODE_32
                                      : MODE_16,
                      bytes, length, &insn) == DECODE_OK,
          "%s: the bytes do not decode", c->what);
    mode_segments(c->bits, seg);
    seg[NSEG_DS] = segment_of(c->ds, c->bits, NSEG_DS);
    seg[NSEG_ES] = segment_of(c->es, c->bits, NSEG_ES);
    seg[NSEG_SS] = segment_of(c->ss, c->bits, NSEG_SS);
    for (unsigned i = 0; i < 8; i++)
        gpr[i] = register_value(c, i, seg);

    for (unsigned i = 0; i < BUFFER_SIZE; i++)
        initial_ram[i] = (uint8_t)(i * 7 + 3);
    memcpy(emulated_ram, initial_ram, BUFFER_SIZE);
    native_place(c->bits, bytes, length);
    emulate(c, bytes, length, seg, gpr, rflags, &emulated);
    if (emulated.faulted && emulated.vector == EXC_PF &&
        (emulated.cr2 < l->guard || emulated.cr2 - l->guard >= l->guard_size))
        return false;

    memcpy(l->buffer, initial_ram, BUFFER_SIZE);
    memset(&in, 0, sizeof in);
    memcpy(in.gpr, gpr, sizeof gpr);
    in.rflags = rflags;
    for (unsigned i = 0; i < 6; i++)
        in.seg[i] = seg[i].selector;
    native_run(c->bits, &in, &nr);
    memset(&native, 0, sizeof native);
    for (unsigned i = 0; i < 8; i++)
        native.gpr[i] = nr.out.gpr[i];
    native.rflags = nr.out.rflags;
    native.rip = native_slot_ip(c->bits) + length;
    if (nr.faulted) {
        CHECK(nr.fault_ip == native_slot_ip(c->bits),
              "%s: native fault outside the slot (signal %d)", c->what, nr.signo);
        native.faulted = true;
        native.vector = nr.vector;
        native.has_error = vector_has_error_code(nr.vector);
        native.error = nr.error_code;
        native.cr2 = nr.cr2;
        native.rip = nr.fault_ip;
    }

    /* the case tests what it says */
    CHECK(c->vector == ANY_OUTCOME || (native.faulted == (c->vector != NO_FAULT) &&
                                       (!native.faulted || (native.vector == (unsigned)c->vector &&
                                                            native.error == c->error))),
          "%s: the CPU %s %u(%u), the SDM says %d(%u)", c->what,
          native.faulted ? "raised" : "did not fault", native.vector, native.error, c->vector,
          c->error);
    CHECK(!emulated.faulted || emulated.has_error == vector_has_error_code(emulated.vector),
          "%s: #%u injected %s an error code", c->what, emulated.vector,
          emulated.has_error ? "with" : "without");
    if (native.faulted && emulated.faulted && has_ordered_accesses(&insn)) {
        if (check_fault_order(c, &insn, seg, rflags, gpr, &native, &emulated))
            return true;
    } else {
        CHECK(same_fault(&native, &emulated),
              "%s: emulator %s %u(0x%x) CR2 0x%" PRIx64 ", CPU %s %u(0x%x) CR2 0x%" PRIx64, c->what,
              emulated.faulted ? "injected" : "no exception", emulated.vector, emulated.error,
              emulated.cr2, native.faulted ? "raised" : "no exception", native.vector, native.error,
              native.cr2);
    }
    for (unsigned i = 0; i < 8; i++)
        CHECK((emulated.gpr[i] & mask) == (native.gpr[i] & mask),
              "%s: GPR %u emulated 0x%" PRIx64 " native 0x%" PRIx64, c->what, i, emulated.gpr[i],
              native.gpr[i]);
    CHECK((emulated.rflags & COMPARED_FLAGS) == (native.rflags & COMPARED_FLAGS),
          "%s: RFLAGS emulated 0x%" PRIx64 " native 0x%" PRIx64, c->what, emulated.rflags,
          native.rflags);
    CHECK(emulated.rip == native.rip, "%s: RIP emulated 0x%" PRIx64 " native 0x%" PRIx64, c->what,
          emulated.rip, native.rip);
    CHECK(memcmp(emulated_ram, l->buffer, BUFFER_SIZE) == 0, "%s: memory differs", c->what);
    return true;
}

/* ---- random cases: memory forms with addresses at the segments' edges ---- */

static const struct {
    unsigned bits;
    const char *bytes;
} random_forms[] = {
    { 16, "8b 07" },    { 16, "8a 07" },    { 16, "89 07" },    { 16, "01 07" },
    { 16, "ff 37" },    { 16, "8f 07" },    { 16, "87 07" },    { 16, "66 8b 07" },
    { 16, "0f b7 07" }, { 16, "8b 46 00" }, { 16, "8b 40 fe" }, { 16, "a5" },
    { 16, "ab" },       { 16, "ad" },       { 16, "a7" },       { 16, "f3 a4" },
    { 16, "50" },       { 16, "58" },       { 16, "60" },       { 16, "61" },
    { 16, "c9" },       { 16, "67 8b 03" }, { 16, "d7" },       { 32, "8b 03" },
    { 32, "66 8b 03" }, { 32, "88 03" },    { 32, "89 03" },    { 32, "01 03" },
    { 32, "ff 33" },    { 32, "8f 03" },    { 32, "87 03" },    { 32, "8b 45 00" },
    { 32, "8b 43 fe" }, { 32, "a5" },       { 32, "ab" },       { 32, "ad" },
    { 32, "a7" },       { 32, "f3 a4" },    { 32, "50" },       { 32, "58" },
    { 32, "60" },       { 32, "61" },       { 32, "c9" },       { 32, "c8 08 00 00" },
    { 32, "67 8b 07" }, { 32, "d7" },
};

/* Offsets at the edges of the segments above: their limits, 64 KiB, 4 GiB, the buffer. */
static uint64_t edge_offset(struct rng *r)
{
    static const uint32_t edges[] = { 0, 0x800, 0x1000, 0x2000, 0xf000, 0x10000 };
    switch (rng_below(r, 4)) {
    case 0: return 0x10 + rng_below(r, BUFFER_SIZE - 0x20);
    case 1: return (uint32_t)(0u - 1 - rng_below(r, 8)); /* near 4 GiB */
    case 2: return (0xffff - rng_below(r, 8)) + (rng_below(r, 2) ? 0 : rng_below(r, 4));
    default: return edges[rng_below(r, sizeof edges / sizeof edges[0])] - 4 + rng_below(r, 8);
    }
}

static const char *const seg_names[SEG_ID_COUNT] = {
    [SEG_MODE_DEFAULT] = "default", [SEG_NULL] = "null",     [SEG_NULL_RPL3] = "null/3",
    [SEG_BYTE16] = "byte16",        [SEG_ODD16] = "odd16",   [SEG_PAGE32] = "page32",
    [SEG_DOWN16] = "down16",        [SEG_DOWN32] = "down32", [SEG_READ_ONLY] = "read-only",
    [SEG_CODE32] = "code32",        [SEG_CODE16] = "code16", [SEG_WRAP32] = "wrap32",
    [SEG_LOW16] = "low16",
};

static unsigned random_cases(unsigned count, uint64_t seed)
{
    static const enum seg_id data[] = { SEG_NULL,   SEG_NULL_RPL3, SEG_BYTE16, SEG_ODD16,
                                        SEG_PAGE32, SEG_DOWN16,    SEG_DOWN32, SEG_READ_ONLY,
                                        SEG_CODE32, SEG_LOW16,     SEG_WRAP32 };
    static const enum seg_id stack[] = { SEG_BYTE16, SEG_ODD16, SEG_PAGE32, SEG_DOWN16,
                                         SEG_DOWN32, SEG_LOW16, SEG_WRAP32 };
    struct rng r = { seed };
    unsigned ran = 0;
    char what[160];

    for (unsigned n = 0; n < count; n++) {
        unsigned f = rng_below(&r, sizeof random_forms / sizeof random_forms[0]);
        struct seg_case c;
        memset(&c, 0, sizeof c);
        c.bits = random_forms[f].bits;
        c.bytes = random_forms[f].bytes;
        c.ds = data[rng_below(&r, sizeof data / sizeof data[0])];
        c.es = data[rng_below(&r, sizeof data / sizeof data[0])];
        c.ss = stack[rng_below(&r, sizeof stack / sizeof stack[0])];
        for (unsigned i = 0; i < 8; i++)
            c.gpr[i] = edge_offset(&r);
        c.gpr[R_CX] = rng_below(&r, 4);
        c.gpr[R_AX] = rng_next(&r) & 0xffffffffu;
        if (c.gpr[R_SP] == 0)
            c.gpr[R_SP] = 2; /* 0 would mean the default stack */
        c.ac = rng_below(&r, 8) == 0;
        c.vector = ANY_OUTCOME;
        snprintf(what, sizeof what,
                 "random case %u (seed 0x%" PRIx64 "): %u-bit \"%s\" ds %s es %s ss %s "
                 "bx 0x%" PRIx64 " si 0x%" PRIx64 " di 0x%" PRIx64 " bp 0x%" PRIx64 " sp 0x%" PRIx64
                 "%s",
                 n, seed, c.bits, c.bytes, seg_names[c.ds], seg_names[c.es], seg_names[c.ss],
                 c.gpr[R_BX], c.gpr[R_SI], c.gpr[R_DI], c.gpr[R_BP], c.gpr[R_SP],
                 c.ac ? " AC" : "");
        c.what = what;
        ran += run_case(&c);
    }
    return ran;
}

int main(void)
{
    uint64_t seed, vendor;

    host_describe(stdout); /* baseline instructions only: nothing to skip for a feature */
    if (!native_init(BUFFER_SIZE) || !native_mode_available(16) || !native_mode_available(32)) {
        fprintf(stderr, "no 16/32-bit code or no modify_ldt here: skipped\n");
        return 77;
    }
    for (unsigned i = 0; i < sizeof own_entries / sizeof own_entries[0]; i++) {
        struct ldt_spec s = spec_of(own_entries[i]);
        if (!native_set_ldt(LDT_COUNT + i, &s))
            return 77;
    }
    if (WHvEmulatorCreateEmulator(&fixture_callbacks, &emulator) != S_OK) {
        fprintf(stderr, "cannot create an emulator\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(run_case(&cases[i]), "%s: outside the guard pages", cases[i].what);
    printf("%zu segmentation cases against the CPU\n", sizeof cases / sizeof cases[0]);
    seed = getenv("SEGMENTS_SEED") ? strtoull(getenv("SEGMENTS_SEED"), NULL, 0) : RANDOM_SEED;
    printf("%u of %u random cases run (the others reach beyond the guard pages)\n",
           random_cases(RANDOM_CASES, seed), RANDOM_CASES);
    fault_order_report(stdout);
    /* Again with the other vendor's profile, which may pick another of two faulting
     * accesses than this CPU (CMPS): the acceptance of either fault is exercised on every
     * host. Nothing else of these forms differs between the profiles. */
    CHECK(whvemu_get_option(emulator, WHVEMU_OPTION_VENDOR, &vendor) == S_OK &&
              whvemu_set_option(emulator, WHVEMU_OPTION_VENDOR,
                                vendor == WHVEMU_VENDOR_AMD ? WHVEMU_VENDOR_INTEL
                                                            : WHVEMU_VENDOR_AMD) == S_OK,
          "the vendor option");
    printf("with the %s profile: %u random cases run\n",
           vendor == WHVEMU_VENDOR_AMD ? "Intel" : "AMD", random_cases(RANDOM_CASES, seed));
    fault_order_report(stdout);
    WHvEmulatorDestroyEmulator(emulator);
    host_skip_report(stdout);
    return check_summary();
}
