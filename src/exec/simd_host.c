/* Host stubs for SIMD computation (simd_host.h).
 *
 * Why a stub cannot hurt the process (docs/simd-compute.md, "Safety"):
 *  - its bytes are ours: simd_compute_encode() builds one instruction of an allowlisted
 *    mnemonic from range-checked decoded fields, on fixed registers (vector 0-3, k1, k2, rax,
 *    rcx, rdx) and [rdi], which names a 64-byte buffer of this file's caller; then RET;
 *  - the host has the instruction's feature (checked before the stub is made), so it cannot
 *    be #UD, and its operand is aligned, so it cannot be #GP or #AC;
 *  - it runs with MXCSR = the guest's with every exception masked (a bit the host's
 *    MXCSR_MASK lacks is refused before), so it cannot raise #XM; the host's MXCSR comes
 *    back in the same asm statement;
 *  - the page is this thread's, written and run by this thread only (self-modifying code,
 *    which x86 handles for the same linear address; no other thread sees a stub change),
 *    and a nested use on the same thread — a signal handler that emulates while the
 *    interrupted code holds the page — finds it busy and is refused. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "exec/simd_host.h"

#include <stddef.h>
#include <string.h>

#include "core/atomics.h"
#include "core/cpuid.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(WHVEMU_NO_HOST_SIMD)
#define SIMD_STUBS 1
#else
#define SIMD_STUBS 0
#endif

#define PAGE_BYTES 4096u
#define SLOTS (PAGE_BYTES / SIMD_STUB_BYTES)

bool simd_host_compiled(void)
{
    return SIMD_STUBS;
}

unsigned simd_host_slot(const uint8_t code[SIMD_STUB_BYTES])
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (unsigned i = 0; i < SIMD_STUB_BYTES; i++)
        h = (h ^ code[i]) * 16777619u;
    return (h ^ (h >> 16)) % SLOTS;
}

#if SIMD_STUBS

#include <signal.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#include <sys/mman.h>
#endif

/* ---- the per-thread page ---- */

/* What a thread keeps: its page, and whether it is in use. */
struct thread_state {
    uint8_t *page;              /* executable, or NULL: not made yet */
    bool impossible;            /* the OS refused: do not ask on every call */
    volatile sig_atomic_t busy; /* between simd_host_acquire and simd_host_release */
    unsigned long writes;       /* stubs written (tests) */
};

#if defined(_WIN32)

/* A fiber-local slot holds the thread's state (MinGW's _Thread_local would make the DLL
 * depend on libgcc's emulated TLS); its callback frees both at thread exit. */
static DWORD fls_index = FLS_OUT_OF_INDEXES;
static INIT_ONCE fls_once = INIT_ONCE_STATIC_INIT;

static void page_unmap(uint8_t *p)
{
    VirtualFree(p, 0, MEM_RELEASE);
}

static void NTAPI thread_exit(void *state)
{
    struct thread_state *t = state;

    if (t && t->page)
        page_unmap(t->page);
    HeapFree(GetProcessHeap(), 0, t);
}

static BOOL CALLBACK fls_init(INIT_ONCE *once, void *param, void **context)
{
    (void)once, (void)param, (void)context;
    fls_index = FlsAlloc(thread_exit);
    return TRUE;
}

static struct thread_state *this_thread(void)
{
    struct thread_state *t;

    InitOnceExecuteOnce(&fls_once, fls_init, NULL, NULL);
    if (fls_index == FLS_OUT_OF_INDEXES)
        return NULL;
    t = FlsGetValue(fls_index);
    if (!t) {
        t = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *t);
        if (t && !FlsSetValue(fls_index, t)) {
            HeapFree(GetProcessHeap(), 0, t);
            t = NULL;
        }
    }
    return t;
}

static uint8_t *page_map(void)
{
    return VirtualAlloc(NULL, PAGE_BYTES, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

static bool page_protect(uint8_t *p, bool exec)
{
    DWORD old;
    bool ok = VirtualProtect(p, PAGE_BYTES, exec ? PAGE_EXECUTE_READ : PAGE_READWRITE, &old);

    if (ok && exec)
        FlushInstructionCache(GetCurrentProcess(), p, PAGE_BYTES);
    return ok;
}

/* The state's callback frees the page. */
static bool page_register(uint8_t *p)
{
    (void)p;
    return true;
}

#else

static _Thread_local struct thread_state state;
static pthread_key_t page_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static bool key_made;

static struct thread_state *this_thread(void)
{
    return &state;
}

static void page_unmap(uint8_t *p)
{
    munmap(p, PAGE_BYTES);
}

static void page_exit(void *p)
{
    page_unmap(p);
}

static void key_init(void)
{
    key_made = pthread_key_create(&page_key, page_exit) == 0;
}

/* A library unloaded (dlclose) before its threads exit must not leave them a destructor
 * in unmapped code: the key goes with it (their pages are then left mapped). */
__attribute__((destructor)) static void key_delete(void)
{
    if (key_made)
        pthread_key_delete(page_key);
}

static uint8_t *page_map(void)
{
    void *p = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static bool page_protect(uint8_t *p, bool exec)
{
    return mprotect(p, PAGE_BYTES, exec ? PROT_READ | PROT_EXEC : PROT_READ | PROT_WRITE) == 0;
}

/* Free the page at thread exit (the key's destructor). */
static bool page_register(uint8_t *p)
{
    pthread_once(&key_once, key_init);
    return key_made && pthread_setspecific(page_key, p) == 0;
}

#endif

/* The thread's page, made on first use: mapped writable, filled with INT3, then made
 * executable (and no longer writable). */
static bool page_ready(struct thread_state *t)
{
    uint8_t *p;

    if (t->impossible || t->page)
        return !t->impossible;
    p = page_map();
    if (p) {
        memset(p, 0xcc, PAGE_BYTES);
        if (page_protect(p, true) && page_register(p)) {
            t->page = p;
            return true;
        }
        page_unmap(p);
    }
    t->impossible = true;
    return false;
}

/* Write a stub into its slot: the page writable for the copy only. A page that cannot be
 * made executable again is never run (it is freed when the thread exits). */
static bool write_stub(struct thread_state *t, uint8_t *slot, const uint8_t code[SIMD_STUB_BYTES])
{
    if (!page_protect(t->page, false))
        return false;
    memcpy(slot, code, SIMD_STUB_BYTES);
    t->writes++;
    if (page_protect(t->page, true))
        return true;
    t->impossible = true;
    return false;
}

const void *simd_host_acquire(const uint8_t code[SIMD_STUB_BYTES])
{
    struct thread_state *t = this_thread();
    uint8_t *slot;

    if (!t || t->busy || !page_ready(t))
        return NULL;
    t->busy = 1;
    slot = t->page + simd_host_slot(code) * SIMD_STUB_BYTES;
    if (memcmp(slot, code, SIMD_STUB_BYTES) != 0 && !write_stub(t, slot, code)) {
        t->busy = 0;
        return NULL;
    }
    return slot;
}

void simd_host_release(void)
{
    struct thread_state *t = this_thread();

    if (t)
        t->busy = 0;
}

unsigned long simd_host_writes(void)
{
    struct thread_state *t = this_thread();

    return t ? t->writes : 0;
}

/* ---- the host's registers ---- */

/* The width the stubs' registers are loaded and saved at: what XCR0 enables. */
enum width { WIDTH_XMM, WIDTH_YMM, WIDTH_ZMM_F, WIDTH_ZMM_BW };

static enum width detect_width(void)
{
    uint64_t xcr0 = cpuid_host_xcr0();

    if ((xcr0 & CPUID_XCR0_AVX512) == CPUID_XCR0_AVX512)
        return cpuid_simd_has(CPU_AVX512BW) ? WIDTH_ZMM_BW : WIDTH_ZMM_F;
    return (xcr0 & CPUID_XCR0_AVX) == CPUID_XCR0_AVX ? WIDTH_YMM : WIDTH_XMM;
}

static uint32_t detect_mxcsr_mask(void)
{
    _Alignas(16) uint8_t area[512];
    uint32_t mask;

    memset(area, 0, sizeof area);
    __asm__ volatile("fxsave64 %0" : "=m"(area));
    memcpy(&mask, area + 28, 4);
    return mask ? mask : 0xffbfu; /* SDM vol. 1 §11.6.6: 0 means the default mask */
}

/* The width, with bit 8 set so that detect_once never sees 0 (WIDTH_XMM). */
static uint32_t detect_width_word(void)
{
    return (uint32_t)detect_width() | 0x100u;
}

/* Both detected once (core/atomics.h). */
static enum width host_width(void)
{
    static atomic_u32 word;

    return (enum width)(detect_once(&word, detect_width_word) & 3);
}

uint32_t simd_host_mxcsr_mask(void)
{
    static atomic_u32 mask;

    return detect_once(&mask, detect_mxcsr_mask); /* never 0: 0 reads as the default */
}

/* The compiler uses opmask registers only when it compiles for AVX-512 (and accepts them as
 * clobbers only then). */
#if defined(__AVX512F__)
#define OPMASK_CLOBBERS "k1", "k2", "k3",
#else
#define OPMASK_CLOBBERS
#endif

/* One asm statement per width: save the host's MXCSR, load the stub's registers, call the
 * stub below the SysV red zone, save RFLAGS there, take the registers back, restore the
 * host's MXCSR, and leave the upper halves clean for legacy SSE code (VZEROUPPER). The
 * fields of *r are addressed from one base register (FIELD): a memory operand per field
 * needs an address register each at -O0, more than x86-64 has beside the fixed ones. */
#define FIELD(name) "%c[" #name "](%[r])"
#define FIELD_OFFSETS                                                                              \
    [v0] "i"(offsetof(struct simd_host_regs, v[0])),                                               \
        [v1] "i"(offsetof(struct simd_host_regs, v[1])),                                           \
        [v2] "i"(offsetof(struct simd_host_regs, v[2])),                                           \
        [v3] "i"(offsetof(struct simd_host_regs, v[3])),                                           \
        [k1] "i"(offsetof(struct simd_host_regs, k1)),                                             \
        [k2] "i"(offsetof(struct simd_host_regs, k2)),                                             \
        [k3] "i"(offsetof(struct simd_host_regs, k3)),                                             \
        [mxcsr] "i"(offsetof(struct simd_host_regs, mxcsr))
// clang-format off
#define RUN_AT_WIDTH(name, load, store, k_in, k_out, upper)                                        \
    static void name(const void *stub, struct simd_host_regs *r)                                   \
    {                                                                                              \
        uint32_t host_mxcsr = 0;                                                                   \
        uint64_t flags;                                                                            \
        __asm__ volatile("stmxcsr %[host]\n\t"                                                     \
                         "ldmxcsr " FIELD(mxcsr) "\n\t"                                            \
                         load(0) load(1) load(2) load(3) k_in                                      \
                         "lea -128(%%rsp), %%rsp\n\t"                                              \
                         "call *%[stub]\n\t"                                                       \
                         "pushfq\n\t"                                                              \
                         "popq %[flags]\n\t"                                                       \
                         "lea 128(%%rsp), %%rsp\n\t"                                               \
                         "stmxcsr " FIELD(mxcsr) "\n\t"                                            \
                         "ldmxcsr %[host]\n\t"                                                     \
                         store(0) store(1) store(2) store(3) k_out upper                           \
                         : [host] "+m"(host_mxcsr), [flags] "=&r"(flags), "+a"(r->rax),            \
                           "+c"(r->rcx), "+d"(r->rdx)                                              \
                         : [stub] "r"(stub), [r] "r"(r), "D"(r->mem), FIELD_OFFSETS                \
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
                           "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",           \
                           OPMASK_CLOBBERS "cc", "memory");                                        \
        r->rflags = flags;                                                                         \
    }
// clang-format on

#define LOAD_ZMM(n) "vmovdqu64 " FIELD(v##n) ", %%zmm" #n "\n\t"
#define STORE_ZMM(n) "vmovdqu64 %%zmm" #n ", " FIELD(v##n) "\n\t"
#define LOAD_YMM(n) "vmovdqu " FIELD(v##n) ", %%ymm" #n "\n\t"
#define STORE_YMM(n) "vmovdqu %%ymm" #n ", " FIELD(v##n) "\n\t"
#define LOAD_XMM(n) "movdqu " FIELD(v##n) ", %%xmm" #n "\n\t"
#define STORE_XMM(n) "movdqu %%xmm" #n ", " FIELD(v##n) "\n\t"
#define VZEROUPPER "vzeroupper"

/* kmovq needs AVX512BW; with AVX512F alone the masks are 16 bits. */
RUN_AT_WIDTH(run_zmm_bw, LOAD_ZMM, STORE_ZMM, "kmovq " FIELD(k1) ", %%k1\n\t",
             "kmovq %%k2, " FIELD(k2) "\n\tkmovq %%k3, " FIELD(k3) "\n\t", VZEROUPPER)
RUN_AT_WIDTH(run_zmm_f, LOAD_ZMM, STORE_ZMM, "kmovw " FIELD(k1) ", %%k1\n\t",
             "kmovw %%k2, " FIELD(k2) "\n\tkmovw %%k3, " FIELD(k3) "\n\t", VZEROUPPER)
RUN_AT_WIDTH(run_ymm, LOAD_YMM, STORE_YMM, "", "", VZEROUPPER)
RUN_AT_WIDTH(run_xmm, LOAD_XMM, STORE_XMM, "", "", "")

void simd_host_run(const void *stub, struct simd_host_regs *r)
{
    static void (*const runs[])(const void *, struct simd_host_regs *) = {
        [WIDTH_XMM] = run_xmm,
        [WIDTH_YMM] = run_ymm,
        [WIDTH_ZMM_F] = run_zmm_f,
        [WIDTH_ZMM_BW] = run_zmm_bw,
    };

    runs[host_width()](stub, r);
}

/* The FXSAVE image an MMX stub runs on: FCW 037FH (every x87 exception masked), FSW and
 * the tags clear (nothing pending, so no #MF), the MXCSR the caller chose (CVTPS2PI's
 * rounding, every exception masked), TOS 0: mm0 is slot 0. MXCSR comes back with the flags
 * the stub raised, for the MXCSR rule. */
enum { FX_FCW = 0, FX_MXCSR = 24, FX_SLOT0 = 32, FX_BYTES = 512 };

void simd_host_run_mmx(const void *stub, struct simd_host_regs *r)
{
    _Alignas(16) uint8_t host[FX_BYTES], image[FX_BYTES];
    const uint16_t fcw = 0x037f;
    uint64_t flags;

    memset(image, 0, sizeof image);
    memcpy(image + FX_FCW, &fcw, sizeof fcw);
    memcpy(image + FX_MXCSR, &r->mxcsr, sizeof r->mxcsr);
    memcpy(image + FX_SLOT0, &r->mm0, sizeof r->mm0);
    __asm__ volatile("fxsave64 %[host]\n\tfxrstor64 %[image]\n\t"
                     "lea -128(%%rsp), %%rsp\n\tcall *%[stub]\n\t"
                     "pushfq\n\tpopq %[flags]\n\tlea 128(%%rsp), %%rsp\n\t"
                     "fxsave64 %[image]\n\tfxrstor64 %[host]"
                     : [host] "=m"(host), [image] "+m"(image), [flags] "=&r"(flags), "+a"(r->rax),
                       "+c"(r->rcx), "+d"(r->rdx)
                     : [stub] "r"(stub), "D"(r->mem), "m"(r->mem)
                     : "cc", "memory");
    memcpy(&r->mm0, image + FX_SLOT0, sizeof r->mm0);
    memcpy(&r->mxcsr, image + FX_MXCSR, sizeof r->mxcsr);
    r->rflags = flags;
}

/* One asm statement per operation: the host's MXCSR saved, *mxcsr loaded, the operation on
 * xmm0 and xmm1, MXCSR with its flags taken back, the host's restored. */
#define HOST_OP(name, insn)                                                                        \
    static void name(uint32_t *mxcsr, uint8_t a[16], const uint8_t b[16])                          \
    {                                                                                              \
        uint32_t host_mxcsr = 0;                                                                   \
        __asm__ volatile(                                                                          \
            "stmxcsr %[host]\n\tldmxcsr %[mxcsr]\n\tmovdqu %[a], %%xmm0\n\t"                       \
            "movdqu %[b], %%xmm1\n\t" insn " %%xmm1, %%xmm0\n\t"                                   \
            "movdqu %%xmm0, %[a]\n\tstmxcsr %[mxcsr]\n\tldmxcsr %[host]"                           \
            : [host] "+m"(host_mxcsr), [mxcsr] "+m"(*mxcsr), [a] "+m"(*(uint8_t(*)[16])a)          \
            : [b] "m"(*(const uint8_t(*)[16])b)                                                    \
            : "xmm0", "xmm1");                                                                     \
    }

HOST_OP(mulps, "mulps")
HOST_OP(mulpd, "mulpd")
HOST_OP(addps, "addps")
HOST_OP(addpd, "addpd")

bool simd_host_op(enum simd_host_op op, uint32_t *mxcsr, uint8_t a[16], const uint8_t b[16])
{
    static void (*const ops[])(uint32_t *, uint8_t *, const uint8_t *) = {
        [SIMD_HOST_MULPS] = mulps,
        [SIMD_HOST_MULPD] = mulpd,
        [SIMD_HOST_ADDPS] = addps,
        [SIMD_HOST_ADDPD] = addpd,
    };

    ops[op](mxcsr, a, b);
    return true;
}

#else /* !SIMD_STUBS */

bool simd_host_op(enum simd_host_op op, uint32_t *mxcsr, uint8_t a[16], const uint8_t b[16])
{
    (void)op, (void)mxcsr, (void)a, (void)b;
    return false;
}

const void *simd_host_acquire(const uint8_t code[SIMD_STUB_BYTES])
{
    (void)code;
    return NULL;
}

void simd_host_release(void)
{
}

void simd_host_run(const void *stub, struct simd_host_regs *r)
{
    (void)stub, (void)r;
}

void simd_host_run_mmx(const void *stub, struct simd_host_regs *r)
{
    (void)stub, (void)r;
}

uint32_t simd_host_mxcsr_mask(void)
{
    return 0;
}

unsigned long simd_host_writes(void)
{
    return 0;
}

#endif
