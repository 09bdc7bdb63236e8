/* The native runner (native.h): the runners of native_stubs.S, their LDT segments, and
 * fault capture.
 *
 * A fault in the instruction under test raises a signal; the handler copies the
 * registers at the fault from the signal context, reads the vector and error code the
 * kernel reports (trapno, err, si_addr for #PF's CR2) and the vector registers from the
 * frame's XSAVE area, and siglongjmps back into native_run, which restores the host's
 * vector registers first. The handler runs on its own stack because the instruction's RSP
 * is a test value, and with SA_NODEFER because it never returns normally. */
#define _GNU_SOURCE
#include "native.h"

#include "hostcpu.h"

#include <asm/ldt.h>
#include <asm/prctl.h>
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

/* native_stubs.S */
extern struct native_frame native_in, native_out;
extern uint8_t native_code_start[], native_code_end[], native_code16_base[];
extern uint8_t native_slot64[], native_slot32[], native_slot16[], native_target64[];
extern uint8_t native_branched;
extern uint8_t native_body64[], native_body32[];
extern uint64_t native_entry_rip, native_entry_cs;
extern uint16_t native_code16_ss;
extern uint64_t native_xsave_mask;
extern uint8_t native_xin[], native_xout[];
void native_enter(void);
void native_reset_flags(void);
void native_restore_vector(void);
uint32_t native_es_ds(void);

#define NOP 0x90
/* The reservation around the buffer: a 16-bit segment based at the buffer reaches 64 KiB
 * on, and the 16-bit "high" segment a little further. */
#define GUARD_BEFORE (64u * 1024)
#define GUARD_AFTER (256u * 1024)

static struct native_layout layout;
static bool mode_available[3]; /* 16, 32, 64 */
static sigjmp_buf fault_return;
static struct native_result *current;
static bool gs_base_lost; /* a runner left GS with another selector or base */

const struct native_layout *native_layout(void)
{
    return &layout;
}

static uint8_t *slot_of(unsigned bits)
{
    return bits == 64 ? native_slot64 : bits == 32 ? native_slot32 : native_slot16;
}

uint64_t native_slot_ip(unsigned bits)
{
    uint64_t address = (uint64_t)(uintptr_t)slot_of(bits);
    return bits == 16 ? address - layout.code16_base : address;
}

uint64_t native_target_ip(void)
{
    return (uint64_t)(uintptr_t)native_target64;
}

void native_place(unsigned bits, const uint8_t *bytes, unsigned length)
{
    uint8_t *slot = slot_of(bits);
    memcpy(slot, bytes, length);
    memset(slot + length, NOP, NATIVE_SLOT_SIZE - length);
}

static int arch_prctl(int code, unsigned long address)
{
    return (int)syscall(SYS_arch_prctl, code, address);
}

/* ---- vector state ---- */

#define FXSAVE_MXCSR 24
#define FRAME_SW_BYTES 464 /* the kernel's _fpx_sw_bytes (its struct _fpstate's sw_reserved) */

/* XCR0's components that the runners switch, or 0 without OSXSAVE (the kernel did not
 * enable XSAVE: XCR0 reads as 0 then) or with xsave hidden (WHVEMU_TEST_HIDE: the FXSAVE path of
 * a CPU without it). */
static uint64_t vector_mask_of_host(void)
{
    return host_has(HF_xsave) ? host_xcr0() & NATIVE_VECTOR_COMPONENTS : 0;
}

uint64_t native_vector_mask(void)
{
    static bool known;

    if (!known)
        native_xsave_mask = vector_mask_of_host();
    known = true;
    return native_xsave_mask;
}

uint8_t *native_vector_in(void)
{
    return native_xin;
}

const uint8_t *native_vector_out(void)
{
    return native_xout;
}

/* Every component in its init state; MXCSR, which XRSTOR always loads, 1F80H. */
static void set_init_vector_state(void)
{
    uint32_t mxcsr = 0x1f80;
    uint16_t fcw = 0x037f;

    memset(native_xin, 0, NATIVE_XSAVE_MAX);
    memcpy(native_xin, &fcw, 2);
    memcpy(native_xin + FXSAVE_MXCSR, &mxcsr, 4);
}

/* Whether the images have room for the XSAVE area of every component XCR0 enables. */
static bool vector_images_fit(void)
{
    unsigned a, b, c, d;

    if (!native_vector_mask())
        return true;
    __cpuid_count(0xd, 0, a, b, c, d);
    if (b <= NATIVE_XSAVE_MAX)
        return true;
    fprintf(stderr, "native: the XSAVE area needs %u bytes, NATIVE_XSAVE_MAX is %u\n", b,
            NATIVE_XSAVE_MAX);
    return false;
}

/* The registers at the fault, from the frame: an XSAVE area when the kernel marks it so
 * (FP_XSTATE_MAGIC1 in the software-reserved bytes of the legacy region), else FXSAVE's
 * 512 bytes. */
static void copy_vector_frame(const ucontext_t *uc)
{
    const uint8_t *frame = (const uint8_t *)uc->uc_mcontext.fpregs;
    const struct _fpx_sw_bytes *sw;
    uint32_t size = 512;

    if (!frame) {
        memset(native_xout, 0, NATIVE_XSAVE_MAX);
        return;
    }
    sw = (const struct _fpx_sw_bytes *)(frame + FRAME_SW_BYTES);
    if (sw->magic1 == FP_XSTATE_MAGIC1 && sw->xstate_size <= NATIVE_XSAVE_MAX)
        size = sw->xstate_size;
    memcpy(native_xout, frame, size);
    memset(native_xout + size, 0, NATIVE_XSAVE_MAX - size);
}

/* The registers in the signal context, in encoding order. */
static const int greg_of_gpr[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void on_fault(int signo, siginfo_t *info, void *context)
{
    const ucontext_t *uc = context;
    const greg_t *g = uc->uc_mcontext.gregs;
    struct native_result *r = current;
    uint64_t csgsfs = (uint64_t)g[REG_CSGSFS];
    uint32_t es_ds = native_es_ds();

    native_reset_flags(); /* the kernel leaves the test's AC set: no unaligned access here */
    if (!r) {             /* not ours: a bug in the harness itself */
        signal(signo, SIG_DFL);
        raise(signo);
        return;
    }
    r->faulted = true;
    r->signo = signo;
    r->vector = (uint8_t)g[REG_TRAPNO];
    r->error_code = (uint32_t)g[REG_ERR];
    r->cr2 = (uint64_t)(uintptr_t)info->si_addr;
    r->fault_ip = (uint64_t)g[REG_RIP];
    for (int i = 0; i < 16; i++)
        r->out.gpr[i] = (uint64_t)g[greg_of_gpr[i]];
    r->out.rflags = (uint64_t)g[REG_EFL];
    /* CS GS FS SS packed in 16-bit fields; ES and DS are still loaded */
    r->out.seg[NSEG_CS] = (uint16_t)csgsfs;
    r->out.seg[NSEG_GS] = (uint16_t)(csgsfs >> 16);
    r->out.seg[NSEG_FS] = (uint16_t)(csgsfs >> 32);
    r->out.seg[NSEG_SS] = (uint16_t)(csgsfs >> 48);
    r->out.seg[NSEG_ES] = (uint16_t)es_ds;
    r->out.seg[NSEG_DS] = (uint16_t)(es_ds >> 16);
    copy_vector_frame(uc);
    siglongjmp(fault_return, 1);
}

void native_run(unsigned bits, const struct native_frame *in, struct native_result *result)
{
    memset(result, 0, sizeof *result);
    native_in = *in;
    memset(&native_out, 0, sizeof native_out);
    native_branched = 0;
    if (bits == 64 && gs_base_lost) {
        arch_prctl(ARCH_SET_GS, layout.gs_base);
        gs_base_lost = false;
    }
    if (bits == 64) {
        native_entry_rip = (uint64_t)(uintptr_t)native_body64;
        native_entry_cs = SEL_USER64_CS;
    } else if (bits == 32) {
        native_entry_rip = (uint64_t)(uintptr_t)native_body32;
        native_entry_cs = SEL_USER32_CS;
    } else {
        native_entry_rip = 0; /* the start of the 16-bit code segment */
        native_entry_cs = SEL_LDT(LDT_CODE16);
        native_code16_ss = in->seg[NSEG_SS];
    }
    current = result;
    if (sigsetjmp(fault_return, 0) == 0) {
        native_enter();
        result->out = native_out;
        result->branched = native_branched;
    } else {
        native_restore_vector();
        native_reset_flags(); /* the handler left the test's AC (and more) in RFLAGS */
    }
    current = NULL;
    /* the 32/16-bit runners load the flat selector into GS; 64-bit code may load GS (LGS,
     * MOV GS) or write its base */
    gs_base_lost = true;
}

struct native_frame native_frame_for(unsigned bits)
{
    struct native_frame in;
    uint16_t data = bits == 16 ? SEL_LDT(LDT_DATA16) : bits == 32 ? SEL_USER_DS : 0;
    uint64_t middle = layout.size / 2;

    memset(&in, 0, sizeof in);
    in.rflags = 0x202; /* IF and the always-one bit */
    in.seg[NSEG_ES] = in.seg[NSEG_DS] = data;
    in.seg[NSEG_SS] = bits == 64 ? SEL_USER_DS : data;
    in.gpr[NATIVE_RSP] = bits == 16 ? middle : (uint64_t)(uintptr_t)layout.buffer + middle;
    return in;
}

/* The LDT entries: what native_init installs and what native_ldt_descriptor reports. */
static struct ldt_spec ldt_spec(enum ldt_entry entry)
{
    uint64_t buf = (uint64_t)(uintptr_t)layout.buffer;
    switch (entry) {
    case LDT_CODE16: return (struct ldt_spec){ layout.code16_base, 0xffff, false, true, false };
    case LDT_DATA16: return (struct ldt_spec){ buf, 0xffff, false, false, false };
    case LDT_DATA16_HI:
        return (struct ldt_spec){ buf + LDT_DATA16_HI_OFFSET, 0xffff, false, false, false };
    case LDT_DATA32: return (struct ldt_spec){ buf, 0xfffff, true, false, true };
    default: return (struct ldt_spec){ buf + LDT_DATA32_HI_OFFSET, 0xfffff, true, false, true };
    }
}

/* The descriptor as Linux writes it for modify_ldt: DPL 3, accessed. */
uint64_t native_descriptor_of(const struct ldt_spec *e)
{
    /* type: code (readable unless execute-only, conforming) or data (writable unless
     * read-only, expand-down), accessed */
    uint64_t type = e->code ? (e->read_only ? 0x8 : 0xa) | (e->conforming ? 0x4 : 0)
                            : (e->read_only ? 0x0 : 0x2) | (e->expand_down ? 0x4 : 0);
    type |= 1;
    return (e->limit & 0xffff) | (e->base & 0xffffff) << 16 | type << 40 | UINT64_C(1) << 44 |
           UINT64_C(3) << 45 | (uint64_t)!e->not_present << 47 |
           (uint64_t)((e->limit >> 16) & 0xf) << 48 | (uint64_t)e->available << 52 |
           (uint64_t)e->bits32 << 54 | (uint64_t)e->pages << 55 | (e->base >> 24 & 0xff) << 56;
}

uint64_t native_ldt_descriptor(enum ldt_entry entry)
{
    struct ldt_spec e = ldt_spec(entry);
    return native_descriptor_of(&e);
}

bool native_set_ldt(unsigned index, const struct ldt_spec *e)
{
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = index;
    d.base_addr = (unsigned)e->base;
    d.limit = e->limit;
    d.seg_32bit = e->bits32;
    d.contents = e->code          ? MODIFY_LDT_CONTENTS_CODE | (e->conforming ? 1 : 0)
                 : e->expand_down ? MODIFY_LDT_CONTENTS_STACK
                                  : MODIFY_LDT_CONTENTS_DATA;
    d.read_exec_only = e->read_only;
    d.limit_in_pages = e->pages;
    d.seg_not_present = e->not_present;
    d.useable = e->available;
    /* 0x11: the interface that keeps `useable` (1, the old one, clears it) */
    if (syscall(SYS_modify_ldt, 0x11, &d, sizeof d) != 0) {
        perror("modify_ldt");
        return false;
    }
    return true;
}

static bool install_handlers(void)
{
    static const int signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
    const size_t stack_bytes = 64 * 1024;
    /* The kernel takes a signal on the alternate stack unless RSP already points into it,
     * and then builds the frame below RSP. A random guest RSP (the upper half of a 16-bit
     * code's ESP is random) once pointed into a stack in .bss, near its bottom: the frame
     * went below it and the process died. mmap puts the stack above 4 GiB, where no guest
     * RSP of 16- or 32-bit code can point, and 64-bit code's points into the guest buffer. */
    void *handler_stack =
        mmap(NULL, stack_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    stack_t ss;
    struct sigaction sa;

    if (handler_stack == MAP_FAILED) {
        perror("mmap");
        return false;
    }
    ss.ss_size = stack_bytes;
    ss.ss_sp = handler_stack;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        return false;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &sa, NULL) != 0) {
            perror("sigaction");
            return false;
        }
    }
    return true;
}

bool native_mode_available(unsigned bits)
{
    return mode_available[bits == 64 ? 2 : bits == 32 ? 1 : 0];
}

/* Whether a NOP runs in the runner for `bits`: a kernel may not offer 32-bit code
 * (ia32_emulation=0) or the LDT (CONFIG_MODIFY_LDT_SYSCALL=n). */
static bool probe(unsigned bits)
{
    static const uint8_t nop = NOP;
    struct native_frame in = native_frame_for(bits);
    struct native_result result;

    native_place(bits, &nop, 1);
    native_run(bits, &in, &result);
    return !result.faulted;
}

static bool set_up(uint32_t buffer_size)
{
    uint64_t code_start = (uint64_t)(uintptr_t)native_code_start;
    uint64_t code_end = (uint64_t)(uintptr_t)native_code_end;
    uint64_t reserve = GUARD_BEFORE + buffer_size + GUARD_AFTER;
    unsigned long fs_base = 0;
    uint8_t *guard, *read_only;

    if (code_end > 0xffffffffu) {
        fprintf(stderr, "native: the runners are above 4 GiB (built as PIE?)\n");
        return false;
    }
    if (mprotect(native_code_start, code_end - code_start, PROT_READ | PROT_WRITE | PROT_EXEC)) {
        perror("mprotect(runners)");
        return false;
    }
    guard = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (guard == MAP_FAILED) {
        perror("mmap(buffer)");
        return false;
    }
    layout.guard = (uint64_t)(uintptr_t)guard;
    layout.guard_size = reserve;
    layout.buffer = guard + GUARD_BEFORE;
    layout.size = buffer_size;
    read_only = layout.buffer - NATIVE_PAGE;
    layout.read_only = read_only;
    if (mprotect(read_only, NATIVE_PAGE + buffer_size, PROT_READ | PROT_WRITE)) {
        perror("mprotect(buffer)");
        return false;
    }
    for (unsigned i = 0; i < NATIVE_PAGE; i++) /* any bytes, the same in every run */
        read_only[i] = (uint8_t)(i * 0x9d + (i >> 8) * 0x35);
    if (mprotect(read_only, NATIVE_PAGE, PROT_READ)) {
        perror("mprotect(read-only page)");
        return false;
    }
    layout.code_start = code_start;
    layout.code_end = code_end;
    layout.code16_base = (uint64_t)(uintptr_t)native_code16_base;
    arch_prctl(ARCH_GET_FS, (unsigned long)&fs_base);
    layout.fs_base = fs_base;
    layout.gs_base = (uint64_t)(uintptr_t)layout.buffer;
    gs_base_lost = true;

    bool ldt = true;
    for (unsigned i = 0; i < LDT_COUNT && ldt; i++) {
        struct ldt_spec e = ldt_spec((enum ldt_entry)i);
        ldt = native_set_ldt(i, &e);
    }
    if (!install_handlers() || !vector_images_fit())
        return false;
    native_vector_mask();
    set_init_vector_state();
    mode_available[2] = probe(64);
    mode_available[1] = ldt && probe(32); /* 32-bit states use the LDT's data segment too */
    mode_available[0] = ldt && mode_available[1] && probe(16);
    return mode_available[2];
}

bool native_init(uint32_t buffer_size)
{
    static int done = -1; /* -1: not yet; then whether it worked */

    if (done < 0)
        done = set_up(buffer_size);
    return done;
}
