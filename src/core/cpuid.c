/* The host CPU's identity (cpuid.h), detected once per process. */
#include "core/cpuid.h"

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

/* The detected word: enum cpuid_feature bits and these. */
enum {
    HOST_AMD = 1u << 30,
    HOST_DETECTED = 1u << 31,
};

/* CPUID leaf (subleaf 0) into r[0..3] = eax, ebx, ecx, edx. */
static void cpuid(unsigned leaf, unsigned r[4])
{
#if HOST_IS_X86 && defined(_MSC_VER)
    int v[4];
    __cpuidex(v, (int)leaf, 0);
    for (int i = 0; i < 4; i++)
        r[i] = (unsigned)v[i];
#elif HOST_IS_X86
    __cpuid_count(leaf, 0, r[0], r[1], r[2], r[3]);
#else
    (void)leaf;
    r[0] = r[1] = r[2] = r[3] = 0;
#endif
}

static bool bit(unsigned value, unsigned n)
{
    return (value >> n) & 1;
}

static uint32_t detect(void)
{
    uint32_t word = HOST_DETECTED;
    unsigned r[4], max_leaf, max_extended;

    cpuid(0, r);
    max_leaf = r[0];
    /* "AuthenticAMD" and "HygonGenuine" (a Zen derivative) behave as AMD */
    if ((r[1] == 0x68747541u && r[2] == 0x444d4163u && r[3] == 0x69746e65u) ||
        (r[1] == 0x6f677948u && r[2] == 0x656e6975u && r[3] == 0x6e65476eu))
        word |= HOST_AMD;
    if (max_leaf >= 1) {
        cpuid(1, r);
        word |= (bit(r[2], 23) ? CPUID_POPCNT : 0) | (bit(r[2], 0) ? CPUID_SSE3 : 0);
    }
    if (max_leaf >= 7) {
        cpuid(7, r);
        word |= (bit(r[1], 3) ? CPUID_BMI1 : 0) | (bit(r[1], 8) ? CPUID_BMI2 : 0) |
                (bit(r[1], 6) ? CPUID_FDP_EXCPTN_ONLY : 0) |
                (bit(r[1], 13) ? CPUID_FCS_FDS_DEPRECATED : 0);
    }
    cpuid(0x80000000u, r);
    max_extended = r[0];
    if (max_extended >= 0x80000001u && max_extended <= 0x8000ffffu) {
        cpuid(0x80000001u, r);
        word |= bit(r[2], 21) ? CPUID_TBM : 0;
    }
    return word;
}

/* The detected word. Detection is idempotent, so threads racing on the first use each
 * store the same value; later calls are one load. */
static uint32_t detected_word(void)
{
    static atomic_u32 word;
    uint32_t w = load_acquire(&word);

    if (!w) {
        w = detect();
        store_release(&word, w);
    }
    return w;
}

uint8_t cpuid_vendor(void)
{
    return (detected_word() & HOST_AMD) ? WHVEMU_VENDOR_AMD : WHVEMU_VENDOR_INTEL;
}

bool cpuid_has(uint32_t features)
{
    return (features & ~detected_word()) == 0;
}
