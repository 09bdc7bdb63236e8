#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "hostcpu.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HOST_IS_X86 1
#else
#define HOST_IS_X86 0
#endif
#if defined(__linux__)
#include <sys/auxv.h>
#include <sys/mman.h>
#endif

struct feature_row {
    const char *name;
    unsigned leaf, subleaf, reg, bit;
    uint64_t xcr0;
};

static const struct feature_row rows[HF_COUNT] = {
#define HOST_FEATURE_ROW(name, leaf, subleaf, reg, bit, xcr0)                                      \
    { #name, leaf, subleaf, reg, bit, xcr0 },
    HOST_FEATURES(HOST_FEATURE_ROW)
#undef HOST_FEATURE_ROW
};

#define MAX_CONDITIONS 16

static struct {
    bool ready;
    bool reported[HF_COUNT], has[HF_COUNT], hidden[HF_COUNT];
    unsigned long skipped[HF_COUNT];
    struct {
        const char *what;
        unsigned long skipped;
    } condition[MAX_CONDITIONS];
    char vendor[13], brand[49];
    unsigned family, model, stepping, paging_levels;
    uint64_t xcr0;
} host;

/* CPUID leaf/subleaf into r[0..3] (eax..edx); zeros for a leaf the CPU does not have. */
static void cpuid(unsigned leaf, unsigned subleaf, unsigned r[4])
{
    memset(r, 0, 4 * sizeof r[0]);
#if HOST_IS_X86
    if (__get_cpuid_max(leaf & 0x80000000u, NULL) >= leaf)
        __cpuid_count(leaf, subleaf, r[0], r[1], r[2], r[3]);
#else
    (void)leaf;
    (void)subleaf;
#endif
}

/* XCR0, or 0 when the OS has not enabled XSAVE (CPUID.1:ECX.OSXSAVE clear). CPUID may
 * exit to a hypervisor: read once (detect). */
static uint64_t read_xcr0(void)
{
#if HOST_IS_X86
    unsigned r[4], lo, hi;

    cpuid(1, 0, r);
    if (!(r[2] & (1u << 27)))
        return 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
#else
    return 0;
#endif
}

static void read_identity(void)
{
    unsigned r[4], base_family;

    cpuid(0, 0, r);
    memcpy(host.vendor, &r[1], 4);
    memcpy(host.vendor + 4, &r[3], 4);
    memcpy(host.vendor + 8, &r[2], 4);
    cpuid(1, 0, r);
    base_family = (r[0] >> 8) & 0xf;
    host.family = base_family + (base_family == 0xf ? (r[0] >> 20) & 0xff : 0);
    host.model = ((r[0] >> 4) & 0xf) |
                 (base_family == 0xf || base_family == 6 ? ((r[0] >> 16) & 0xf) << 4 : 0);
    host.stepping = r[0] & 0xf;
    for (unsigned i = 0; i < 3; i++) {
        cpuid(0x80000002u + i, 0, r);
        memcpy(host.brand + 16 * i, r, 16);
    }
}

/* WHVEMU_TEST_HIDE: a comma-separated list of feature names. A name that is no feature
 * stops the program: a typo must not pass as "nothing hidden". */
static void read_hidden(void)
{
    const char *list = getenv("WHVEMU_TEST_HIDE");
    char name[32];

    while (list && *list) {
        size_t n = strcspn(list, ",");
        int f;
        if (n > 0) {
            snprintf(name, sizeof name, "%.*s", (int)n, list);
            f = host_feature_by_name(name);
            if (f < 0) {
                fprintf(stderr, "WHVEMU_TEST_HIDE: no feature '%s' (tests/common/hostcpu.h)\n",
                        name);
                exit(2);
            }
            host.hidden[f] = true;
        }
        list += n + (list[n] == ',');
    }
}

/* Whether the kernel lets user code use a feature that CPUID alone does not make usable:
 * FSGSBASE needs CR4.FSGSBASE, which Linux sets since 5.9 and announces in AT_HWCAP2. */
static bool kernel_allows(enum host_feature f)
{
#if defined(__linux__) && defined(AT_HWCAP2)
    if (f == HF_fsgsbase)
        return (getauxval(AT_HWCAP2) & 2) != 0; /* HWCAP2_FSGSBASE */
#endif
    return f != HF_fsgsbase;
}

/* 5-level paging: Linux places a mapping above 2^47 only when asked with a hint there and
 * only when it runs 5-level page tables (Documentation/arch/x86/x86_64/5level-paging). */
static unsigned probe_paging_levels(void)
{
#if defined(__linux__) && defined(__x86_64__)
    void *hint = (void *)(UINT64_C(1) << 52);
    void *p = mmap(hint, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    unsigned levels = 4;

    if (p != MAP_FAILED) {
        levels = (uintptr_t)p >> 47 ? 5 : 4;
        munmap(p, 4096);
    }
    return levels;
#else
    return 4;
#endif
}

static void detect(void)
{
    uint64_t enabled;

    if (host.ready)
        return;
    host.ready = true;
    enabled = host.xcr0 = read_xcr0();
    read_identity();
    for (int f = 0; f < HF_COUNT; f++) {
        unsigned r[4];
        cpuid(rows[f].leaf, rows[f].subleaf, r);
        host.reported[f] = HOST_IS_X86 && ((r[rows[f].reg] >> rows[f].bit) & 1);
        host.has[f] = host.reported[f] && (enabled & rows[f].xcr0) == rows[f].xcr0 &&
                      kernel_allows((enum host_feature)f);
    }
    host.paging_levels = probe_paging_levels();
    read_hidden();
}

uint64_t host_xcr0(void)
{
    detect();
    return host.xcr0;
}

bool host_has(enum host_feature feature)
{
    detect();
    return host.has[feature] && !host.hidden[feature];
}

bool host_runs(enum host_feature feature)
{
    if (host_has(feature))
        return true;
    host.skipped[feature]++;
    return false;
}

void host_skip(enum host_feature feature, unsigned long n)
{
    host.skipped[feature] += n;
}

void host_skip_for(const char *condition, unsigned long n)
{
    for (unsigned i = 0; i < MAX_CONDITIONS; i++) {
        if (!host.condition[i].what)
            host.condition[i].what = condition;
        if (strcmp(host.condition[i].what, condition) == 0) {
            host.condition[i].skipped += n;
            return;
        }
    }
    fprintf(stderr, "hostcpu: more than %d skip conditions\n", MAX_CONDITIONS);
    exit(2);
}

bool host_cpu_reports(enum host_feature feature)
{
    detect();
    return host.reported[feature];
}

bool host_usable(enum host_feature feature)
{
    detect();
    return host.has[feature];
}

const char *host_feature_name(enum host_feature feature)
{
    return rows[feature].name;
}

int host_feature_by_name(const char *name)
{
    for (int f = 0; f < HF_COUNT; f++)
        if (strcmp(rows[f].name, name) == 0)
            return f;
    return -1;
}

const char *host_cpu_vendor(void)
{
    detect();
    return host.vendor;
}

bool host_is_amd(void)
{
    return strcmp(host_cpu_vendor(), "AuthenticAMD") == 0 ||
           strcmp(host_cpu_vendor(), "HygonGenuine") == 0;
}

bool host_is_intel(void)
{
    return strcmp(host_cpu_vendor(), "GenuineIntel") == 0;
}

unsigned host_family(void)
{
    detect();
    return host.family;
}

unsigned host_model(void)
{
    detect();
    return host.model;
}

unsigned host_stepping(void)
{
    detect();
    return host.stepping;
}

unsigned host_paging_levels(void)
{
    detect();
    return host.paging_levels;
}

void host_describe(FILE *out)
{
    const char *brand = host.brand;

    detect();
    while (*brand == ' ')
        brand++;
    fprintf(out, "host: %s family %u model %u stepping %u \"%s\", %u-level paging", host.vendor,
            host.family, host.model, host.stepping, brand, host.paging_levels);
    for (int f = 0, first = 1; f < HF_COUNT; f++) {
        if (host.hidden[f]) {
            fprintf(out, "%s%s", first ? "; hidden by WHVEMU_TEST_HIDE: " : ",", rows[f].name);
            first = 0;
        }
    }
    fputc('\n', out);
}

void host_skip_report(FILE *out)
{
    bool any = false;

    for (int f = 0; f < HF_COUNT; f++) {
        if (host.skipped[f]) {
            fprintf(out, "skipped: %s %lu cases (host %s)\n", rows[f].name, host.skipped[f],
                    host.hidden[f] ? "feature hidden by WHVEMU_TEST_HIDE" : "lacks it");
            any = true;
        }
    }
    for (unsigned i = 0; i < MAX_CONDITIONS && host.condition[i].what; i++) {
        fprintf(out, "skipped: %lu cases: %s\n", host.condition[i].skipped, host.condition[i].what);
        any = true;
    }
    if (!any)
        fprintf(out, "skipped: nothing (every feature the cases need is on this host)\n");
}
