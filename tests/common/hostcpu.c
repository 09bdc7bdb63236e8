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

struct feature_row {
    const char *name;
    unsigned leaf, subleaf, reg, bit;
    uint64_t xcr0;
};

static const struct feature_row rows[HF_COUNT] = {
#define HOST_FEATURE_ROW(name, leaf, subleaf, reg, bit, xcr0)                                 \
    { #name, leaf, subleaf, reg, bit, xcr0 },
    HOST_FEATURES(HOST_FEATURE_ROW)
#undef HOST_FEATURE_ROW
};

static struct {
    bool ready;
    bool has[HF_COUNT], hidden[HF_COUNT];
    unsigned long skipped[HF_COUNT];
    char vendor[13], brand[49];
    unsigned family, model, stepping;
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

/* XCR0, or 0 when the OS has not enabled XSAVE (CPUID.1:ECX.OSXSAVE clear). */
static uint64_t xcr0(void)
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

static void detect(void)
{
    uint64_t enabled = xcr0();

    if (host.ready)
        return;
    host.ready = true;
    read_identity();
    for (int f = 0; f < HF_COUNT; f++) {
        unsigned r[4];
        cpuid(rows[f].leaf, rows[f].subleaf, r);
        host.has[f] = HOST_IS_X86 && ((r[rows[f].reg] >> rows[f].bit) & 1) &&
                      (enabled & rows[f].xcr0) == rows[f].xcr0;
    }
    read_hidden();
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

const char *host_vendor(void)
{
    detect();
    return host.vendor;
}

bool host_is_amd(void)
{
    return strcmp(host_vendor(), "AuthenticAMD") == 0 ||
           strcmp(host_vendor(), "HygonGenuine") == 0;
}

bool host_is_intel(void)
{
    return strcmp(host_vendor(), "GenuineIntel") == 0;
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

void host_describe(FILE *out)
{
    const char *brand = host.brand;

    detect();
    while (*brand == ' ')
        brand++;
    fprintf(out, "host: %s family %u model %u stepping %u \"%s\"", host.vendor, host.family,
            host.model, host.stepping, brand);
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
    if (!any)
        fprintf(out, "skipped: nothing (every feature the cases need is on this host)\n");
}
