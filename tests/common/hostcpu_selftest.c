/* hostcpu_selftest: tests/common/hostcpu.c against Linux's own reading of the CPU, and its
 * skip machinery.
 *
 * /proc/cpuinfo's flags are the kernel's view of the same CPUID bits. For every feature
 * Linux names, the two must agree in both directions, except where Linux is known to
 * change a flag: it may hide a feature the CPU has (MAY_CLEAR: TSX turned off, a kernel
 * built without the feature, noxsave...), or infer one that CPUID does not report
 * (MAY_SET: 3dnowprefetch from long mode on AMD); then only the other direction is
 * checked. A feature with register state is compared as usable (CPUID and XCR0), since
 * Linux clears the flag when the state is not enabled; la57 is compared with the paging
 * levels hostcpu measures (Linux keeps the flag only when it runs 5-level paging).
 *
 * Then the features named in WHVEMU_TEST_HIDE (ctest sets it for a second run) must be
 * absent to host_has whatever the CPU says, be counted by host_runs and be named by the
 * skip report. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hostcpu.h"

enum relation { SAME, MAY_CLEAR, MAY_SET, NOT_NAMED, PAGING };

/* Where Linux's name or relation differs from the default: the same name, SAME. */
static const struct {
    enum host_feature feature;
    const char *linux_name; /* NULL: our name */
    enum relation relation;
} linux_view[] = {
    { HF_sse3, "pni", SAME },
    { HF_sse41, "sse4_1", SAME },
    { HF_sse42, "sse4_2", SAME },
    { HF_sha, "sha_ni", SAME },
    { HF_avx512vbmi2, "avx512_vbmi2", SAME },
    { HF_avx512vnni, "avx512_vnni", SAME },
    { HF_avx512bitalg, "avx512_bitalg", SAME },
    { HF_avx512vpopcntdq, "avx512_vpopcntdq", SAME },
    { HF_avx512fp16, "avx512_fp16", SAME },
    { HF_avx5124vnniw, "avx512_4vnniw", SAME },
    { HF_avx5124fmaps, "avx512_4fmaps", SAME },
    { HF_avx512vp2intersect, "avx512_vp2intersect", SAME },
    { HF_avxvnni, "avx_vnni", SAME },
    { HF_avx512bf16, "avx512_bf16", SAME },
    { HF_lahf64, "lahf_lm", SAME },
    { HF_lzcnt, "abm", SAME },
    { HF_prefetchw, "3dnowprefetch", MAY_SET },
    { HF_rtm, NULL, MAY_CLEAR },      /* tsx=off */
    { HF_fsgsbase, NULL, MAY_CLEAR }, /* nofsgsbase */
    { HF_xsave, NULL, MAY_CLEAR },    /* noxsave */
    { HF_xsaveopt, NULL, MAY_CLEAR },
    { HF_xsavec, NULL, MAY_CLEAR },
    { HF_xsaves, NULL, MAY_CLEAR },
    { HF_umip, NULL, MAY_CLEAR },   /* CONFIG_X86_UMIP=n */
    { HF_enqcmd, NULL, MAY_CLEAR }, /* needs kernel support for PASIDs */
    { HF_la57, NULL, PAGING },
    /* no /proc/cpuinfo name (or none this test can rely on) */
    { HF_prefetchwt1, NULL, NOT_NAMED },
    { HF_shstk, NULL, NOT_NAMED },
    { HF_keylocker, NULL, NOT_NAMED },
    { HF_ptwrite, NULL, NOT_NAMED },
    { HF_nscb, NULL, NOT_NAMED },
};

/* The "flags" line of /proc/cpuinfo with a space at both ends, or NULL. */
static char *cpuinfo_flags(void)
{
    static char line[8192];
    FILE *f = fopen("/proc/cpuinfo", "r");
    char *found = NULL;

    while (f && !found && fgets(line + 1, sizeof line - 2, f)) {
        char *colon = strchr(line + 1, ':');
        if (strncmp(line + 1, "flags", 5) == 0 && colon) {
            found = colon;
            found[strcspn(found, "\n")] = ' ';
        }
    }
    if (f)
        fclose(f);
    if (found)
        *found = ' ';
    return found;
}

static bool linux_says(const char *flags, const char *name)
{
    char word[48];
    snprintf(word, sizeof word, " %s ", name);
    return strstr(flags, word) != NULL;
}

/* What hostcpu says in Linux's terms: usable when the feature has register state (Linux
 * clears the flag when the OS does not enable it), else the CPUID bit. */
static bool ours(enum host_feature f, enum relation relation)
{
    static const unsigned long long state[HF_COUNT] = {
#define XCR0_OF(name, leaf, subleaf, reg, bit, xcr0) [HF_##name] = xcr0,
        HOST_FEATURES(XCR0_OF)
#undef XCR0_OF
    };
    if (relation == PAGING)
        return host_paging_levels() == 5;
    return state[f] ? host_usable(f) : host_cpu_reports(f);
}

static unsigned compare_with_linux(const char *flags)
{
    unsigned compared = 0;

    for (int f = 0; f < HF_COUNT; f++) {
        const char *name = host_feature_name((enum host_feature)f);
        enum relation relation = SAME;
        for (size_t i = 0; i < sizeof linux_view / sizeof linux_view[0]; i++) {
            if ((int)linux_view[i].feature == f) {
                relation = linux_view[i].relation;
                name = linux_view[i].linux_name ? linux_view[i].linux_name : name;
            }
        }
        if (relation == NOT_NAMED)
            continue;
        bool cpu = ours((enum host_feature)f, relation), kernel = linux_says(flags, name);
        CHECK(cpu || !kernel || relation == MAY_SET, "%s: /proc/cpuinfo has '%s', CPUID not",
              host_feature_name((enum host_feature)f), name);
        CHECK(!cpu || kernel || relation == MAY_CLEAR, "%s: CPUID has it, /proc/cpuinfo not '%s'",
              host_feature_name((enum host_feature)f), name);
        if (cpu != kernel)
            printf("  %s: CPUID %d, /proc/cpuinfo %d (Linux may %s it)\n", name, cpu, kernel,
                   relation == MAY_SET ? "infer" : "hide");
        compared++;
    }
    return compared;
}

static bool is_hidden(const char *list, enum host_feature f)
{
    char padded[512], name[48];
    snprintf(padded, sizeof padded, ",%s,", list);
    snprintf(name, sizeof name, ",%s,", host_feature_name(f));
    return strstr(padded, name) != NULL;
}

/* Every feature WHVEMU_TEST_HIDE names is absent, counted once, and named in the report. */
static unsigned check_hidden(void)
{
    const char *list = getenv("WHVEMU_TEST_HIDE");
    char *report = NULL;
    size_t report_size = 0;
    FILE *out;
    unsigned hidden = 0;

    for (int f = 0; list && f < HF_COUNT; f++) {
        if (!is_hidden(list, (enum host_feature)f))
            continue;
        CHECK(!host_has((enum host_feature)f) && !host_runs((enum host_feature)f),
              "%s: hidden but present", host_feature_name((enum host_feature)f));
        hidden++;
    }
    out = open_memstream(&report, &report_size);
    CHECK(out != NULL, "open_memstream");
    if (!out)
        return hidden;
    host_skip_report(out);
    fclose(out);
    for (int f = 0; list && f < HF_COUNT; f++) {
        char want[96];
        if (!is_hidden(list, (enum host_feature)f))
            continue;
        snprintf(want, sizeof want, "skipped: %s 1 cases (host feature hidden by WHVEMU_TEST_HIDE)",
                 host_feature_name((enum host_feature)f));
        CHECK(strstr(report, want) != NULL, "the report does not say \"%s\":\n%s", want, report);
    }
    free(report);
    return hidden;
}

int main(void)
{
    const char *flags = cpuinfo_flags();

    host_describe(stdout);
    if (!flags) {
        printf("no /proc/cpuinfo flags: the comparison with Linux is skipped\n");
    } else {
        unsigned compared = compare_with_linux(flags);
        printf("%u features compared with /proc/cpuinfo\n", compared);
    }
    printf("%u features hidden by WHVEMU_TEST_HIDE checked\n", check_hidden());
    return check_summary();
}
