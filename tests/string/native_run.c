/* Native runs of string instructions (native_run.h). A fault raises SIGSEGV or SIGBUS; the
 * handler copies the registers, vector, error code and CR2 from the signal context and
 * jumps back into native_string_run. */
#define _GNU_SOURCE
#include "native_run.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "check.h"
#include "harness.h"

const char *const op_name[OP_COUNT] = { "movs", "stos", "lods", "cmps", "scas" };
static const uint8_t opcode_byte[OP_COUNT] = { 0xa4, 0xaa, 0xac, 0xa6, 0xae };

static uint8_t *code_page;
static sigjmp_buf fault_return;
static struct native_regs *fault_regs;
static struct native_fault *fault_out;

unsigned string_encode(enum op op, unsigned size, uint8_t rep, bool addr32, char *bytes)
{
    unsigned n = 0;
    if (rep)
        bytes[n++] = (char)rep;
    if (addr32)
        bytes[n++] = 0x67;
    if (size == 2)
        bytes[n++] = 0x66;
    if (size == 8)
        bytes[n++] = 0x48;
    bytes[n++] = (char)(opcode_byte[op] + (size > 1));
    return n;
}

static void on_fault(int signo, siginfo_t *info, void *context)
{
    const greg_t *g = ((const ucontext_t *)context)->uc_mcontext.gregs;

    (void)signo;
    fault_out->faulted = true;
    fault_out->vector = (uint8_t)g[REG_TRAPNO];
    fault_out->error = (uint32_t)g[REG_ERR];
    fault_out->cr2 = (uint64_t)(uintptr_t)info->si_addr;
    *fault_regs = (struct native_regs){ (uint64_t)g[REG_RAX], (uint64_t)g[REG_RCX],
                                        (uint64_t)g[REG_RSI], (uint64_t)g[REG_RDI],
                                        (uint64_t)g[REG_EFL] };
    siglongjmp(fault_return, 1);
}

bool native_string_init(void)
{
    struct sigaction sa;

    code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (code_page == MAP_FAILED || sigaction(SIGSEGV, &sa, NULL) != 0 ||
        sigaction(SIGBUS, &sa, NULL) != 0) {
        perror("native string runs");
        return false;
    }
    return true;
}

/* Call the code with the registers; they come back updated. */
static void run_code(struct native_regs *r)
{
    uint64_t flags = r->rflags;
    __asm__ volatile("add $-128, %%rsp\n\t" /* keep out of the red zone */
                     "pushq %[fl]\n\t"
                     "popfq\n\t"
                     "call *%[code]\n\t"
                     "pushfq\n\t"
                     "popq %[fl]\n\t"
                     "cld\n\t"
                     "sub $-128, %%rsp"
                     : "+a"(r->rax), "+c"(r->rcx), "+S"(r->rsi), "+D"(r->rdi), [fl] "+r"(flags)
                     : [code] "r"(code_page)
                     : "memory", "cc");
    r->rflags = flags;
}

void native_string_run(const char *bytes, unsigned n, struct native_regs *r,
                       struct native_fault *f)
{
    memset(f, 0, sizeof *f);
    memcpy(code_page, bytes, n);
    code_page[n] = 0xc3; /* RET */
    fault_regs = r;
    fault_out = f;
    /* the handler returns here with DF clear, as the kernel enters it */
    if (sigsetjmp(fault_return, 1) == 0)
        run_code(r);
}

void check_registers(const struct native_regs *nat)
{
    CHECK_EQ(reg64(WHvX64RegisterRax), nat->rax, "RAX");
    CHECK_EQ(reg64(WHvX64RegisterRcx), nat->rcx, "RCX");
    CHECK_EQ(reg64(WHvX64RegisterRsi), nat->rsi, "RSI");
    CHECK_EQ(reg64(WHvX64RegisterRdi), nat->rdi, "RDI");
    CHECK_EQ(reg64(WHvX64RegisterRflags) & (FL_ARITH | FL_DF), nat->rflags & (FL_ARITH | FL_DF),
             "RFLAGS");
}
