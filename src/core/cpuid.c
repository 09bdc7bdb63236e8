/* The host CPU's identity (cpuid.h), detected once per process. */
#include "core/cpuid.h"

#include <string.h>

#include "core/atomics.h"
#include "whvemu.h"

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#define HOST_IS_X86 1
#else
#define HOST_IS_X86 0
#endif

/* The detected word: enum cpuid_feature bits (CPUID_GP_FEATURES) and these. */
enum {
    HOST_AMD = 1u << 30,
    HOST_DETECTED = 1u << 31,
};

/* CPUID leaf and subleaf into r[0..3] = eax, ebx, ecx, edx. */
static void cpuid_sub(unsigned leaf, unsigned sub, unsigned r[4])
{
#if HOST_IS_X86 && defined(_MSC_VER)
    int v[4];
    __cpuidex(v, (int)leaf, (int)sub);
    for (int i = 0; i < 4; i++)
        r[i] = (unsigned)v[i];
#elif HOST_IS_X86
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#else
    (void)leaf;
    (void)sub;
    r[0] = r[1] = r[2] = r[3] = 0;
#endif
}

static void cpuid(unsigned leaf, unsigned r[4])
{
    cpuid_sub(leaf, 0, r);
}

enum { EAX, EBX, ECX, EDX };

static bool bit(unsigned value, unsigned n)
{
    return (value >> n) & 1;
}

/* Whether the host reports the feature of a row (either table): its CPUID bit, on a leaf
 * within the range CPUID reports, and the XCR0 state it needs enabled. */
static bool feature_present(uint64_t xcr0, unsigned leaf, unsigned sub, unsigned reg, unsigned n,
                            uint64_t state)
{
    unsigned r[4], range = leaf & 0x80000000u; /* basic or extended leaves */

    cpuid(range, r); /* the highest leaf of the range (garbage on CPUs without the range) */
    if (r[0] < leaf || r[0] - range > 0xffffu || (xcr0 & state) != state)
        return false;
    cpuid_sub(leaf, sub, r);
    return bit(r[reg], n);
}

static bool host_is_amd(void)
{
    unsigned r[4];

    cpuid(0, r);
    /* "AuthenticAMD" and "HygonGenuine" (a Zen derivative) behave as AMD */
    return (r[1] == 0x68747541u && r[2] == 0x444d4163u && r[3] == 0x69746e65u) ||
           (r[1] == 0x6f677948u && r[2] == 0x656e6975u && r[3] == 0x6e65476eu);
}

static uint32_t detect(void)
{
    uint32_t word = HOST_DETECTED | (host_is_amd() ? HOST_AMD : 0);

#define GP_ROW(name, leaf, sub, reg, n, state)                                                     \
    word |= feature_present(0, leaf, sub, reg, n, state) ? CPUID_##name : 0;
    CPUID_GP_FEATURES(GP_ROW)
#undef GP_ROW
    return word;
}

_Static_assert(CPUID_GP_COUNT <= 30, "the features, HOST_AMD and HOST_DETECTED fit a word");

/* The detected word (detect sets HOST_DETECTED, so it is never 0). */
static uint32_t detected_word(void)
{
    static atomic_u32 word;

    return detect_once(&word, detect);
}

uint8_t cpuid_vendor(void)
{
    return (detected_word() & HOST_AMD) ? WHVEMU_VENDOR_AMD : WHVEMU_VENDOR_INTEL;
}

bool cpuid_has(uint32_t features)
{
    return (features & ~detected_word()) == 0;
}

/* XCR0, read with XGETBV where CPUID says the OS enabled it (1:ECX[27] OSXSAVE); else 0. */
static uint64_t read_xcr0(void)
{
    unsigned r[4];

    cpuid(0, r);
    if (r[0] < 1)
        return 0;
    cpuid(1, r);
    if (!bit(r[2], 27))
        return 0;
#if HOST_IS_X86 && defined(_MSC_VER)
    return _xgetbv(0);
#elif HOST_IS_X86
    {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        return (uint64_t)hi << 32 | lo;
    }
#else
    return 0;
#endif
}

uint64_t cpuid_host_xcr0(void)
{
    return read_xcr0();
}

static uint32_t detect_simd(void)
{
    uint64_t xcr0 = read_xcr0();
    uint32_t word = HOST_DETECTED;

#define SIMD_ROW(name, leaf, sub, reg, n, state)                                                   \
    word |= feature_present(xcr0, leaf, sub, reg, n, state) ? CPU_##name : 0;
    CPUID_SIMD_FEATURES(SIMD_ROW)
#undef SIMD_ROW
    return word;
}

/* Bit 31 of the word says it was detected. */
_Static_assert(CPUID_SIMD_COUNT <= 31, "the SIMD features fit a detected word");

/* Detected once, as detected_word(); hidden: what a test pretends the host lacks. */
static atomic_u32 simd_hidden;

bool cpuid_simd_has(uint32_t features)
{
    static atomic_u32 word;
    uint32_t w = detect_once(&word, detect_simd);

    return (features & (~w | load_acquire(&simd_hidden))) == 0;
}

void cpuid_simd_hide(uint32_t features)
{
    store_release(&simd_hidden, features);
}

/* Leaf 0DH (SDM vol. 1 §13.2): subleaf i >= 2 describes component i; subleaf 0's ECX is the
 * standard area for every user component the CPU has, subleaf 1's EBX the compacted one
 * for those XCR0 | IA32_XSS enable now. */
bool cpuid_xstate_layout(WHVEMU_XSTATE_LAYOUT *l)
{
    unsigned r[4];
    uint32_t size;

    cpuid(0, r);
    if (!HOST_IS_X86 || r[0] < 0xd)
        return false;
    cpuid(1, r);
    if (!bit(r[2], 26)) /* XSAVE */
        return false;
    memset(l, 0, sizeof *l);
    l->Component[0] = (WHVEMU_XSTATE_COMPONENT){ 160, 0, 0 };
    l->Component[1] = (WHVEMU_XSTATE_COMPONENT){ 256, 160, 0 };
    cpuid_sub(0xd, 0, r);
    size = r[2];
    cpuid_sub(0xd, 1, r);
    size = r[1] > size ? r[1] : size;
    for (unsigned i = 2; i < 63; i++) {
        cpuid_sub(0xd, i, r);
        l->Component[i] = (WHVEMU_XSTATE_COMPONENT){ r[0], r[1], r[2] & 3 };
        if (!(r[2] & 1) && r[0] + r[1] > size)
            size = r[0] + r[1];
    }
    l->AreaSize = size;
    return true;
}
