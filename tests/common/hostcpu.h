/* What the CPU the tests run on can execute, for every suite that compares whvemu with
 * the host CPU. A native comparison asks host_runs(feature) before running an instruction
 * that needs an optional feature; when the host lacks it, the case is counted as skipped
 * for that feature, and host_skip_report() prints the counts: a skip is never silent.
 *
 * Features come from CPUID, with XGETBV for the register state the OS enabled (AVX needs
 * XCR0.YMM, AVX-512 the opmask and ZMM state) and, for FSGSBASE, the kernel's AT_HWCAP2
 * (Linux sets CR4.FSGSBASE since 5.9). The environment variable
 * WHVEMU_TEST_HIDE=name[,name...] makes the named features absent, so that the skip paths
 * of a host without them can be exercised on any machine (an unknown name is an error).
 * Facts about the running kernel that a test must follow rather than skip (5-level
 * paging) are not features and cannot be hidden.
 *
 * This detection is the tests' own, independent of the library's. */
#ifndef WHVEMU_TEST_HOSTCPU_H
#define WHVEMU_TEST_HOSTCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* X(name, leaf, subleaf, register (0 eax .. 3 edx), bit, XCR0 bits the OS must enable).
 * Names mostly as Linux's /proc/cpuinfo has them (hostcpu_selftest.c lists the others).
 * shstk, keylocker and amx_tile need more enabling than CPUID and XCR0 show (a shadow stack
 * for the thread, a loaded key, arch_prctl permission): a test using them must ask for it.
 * la57 is what the CPU can do; host_paging_levels() says what the kernel uses. nscb: a
 * null selector loaded into a data segment register clears its base (AMD; Intel always). */
#define HOST_FEATURES(X)                                                                           \
    X(mmx, 1, 0, 3, 23, 0)                                                                         \
    X(cx8, 1, 0, 3, 8, 0)                                                                          \
    X(cmov, 1, 0, 3, 15, 0)                                                                        \
    X(clflush, 1, 0, 3, 19, 0)                                                                     \
    X(sse, 1, 0, 3, 25, 0)                                                                         \
    X(sse2, 1, 0, 3, 26, 0)                                                                        \
    X(sse3, 1, 0, 2, 0, 0)                                                                         \
    X(pclmulqdq, 1, 0, 2, 1, 0)                                                                    \
    X(ssse3, 1, 0, 2, 9, 0)                                                                        \
    X(fma, 1, 0, 2, 12, 0x6)                                                                       \
    X(cx16, 1, 0, 2, 13, 0)                                                                        \
    X(sse41, 1, 0, 2, 19, 0)                                                                       \
    X(sse42, 1, 0, 2, 20, 0)                                                                       \
    X(movbe, 1, 0, 2, 22, 0)                                                                       \
    X(popcnt, 1, 0, 2, 23, 0)                                                                      \
    X(aes, 1, 0, 2, 25, 0)                                                                         \
    X(xsave, 1, 0, 2, 26, 0)                                                                       \
    X(avx, 1, 0, 2, 28, 0x6)                                                                       \
    X(f16c, 1, 0, 2, 29, 0x6)                                                                      \
    X(rdrand, 1, 0, 2, 30, 0)                                                                      \
    X(fsgsbase, 7, 0, 1, 0, 0)                                                                     \
    X(bmi1, 7, 0, 1, 3, 0)                                                                         \
    X(avx2, 7, 0, 1, 5, 0x6)                                                                       \
    X(bmi2, 7, 0, 1, 8, 0)                                                                         \
    X(erms, 7, 0, 1, 9, 0)                                                                         \
    X(rtm, 7, 0, 1, 11, 0)                                                                         \
    X(avx512f, 7, 0, 1, 16, 0xe6)                                                                  \
    X(avx512dq, 7, 0, 1, 17, 0xe6)                                                                 \
    X(rdseed, 7, 0, 1, 18, 0)                                                                      \
    X(adx, 7, 0, 1, 19, 0)                                                                         \
    X(avx512ifma, 7, 0, 1, 21, 0xe6)                                                               \
    X(avx512pf, 7, 0, 1, 26, 0xe6)                                                                 \
    X(avx512er, 7, 0, 1, 27, 0xe6)                                                                 \
    X(clflushopt, 7, 0, 1, 23, 0)                                                                  \
    X(clwb, 7, 0, 1, 24, 0)                                                                        \
    X(avx512cd, 7, 0, 1, 28, 0xe6)                                                                 \
    X(sha, 7, 0, 1, 29, 0)                                                                         \
    X(avx512bw, 7, 0, 1, 30, 0xe6)                                                                 \
    X(avx512vl, 7, 0, 1, 31, 0xe6)                                                                 \
    X(prefetchwt1, 7, 0, 2, 0, 0)                                                                  \
    X(avx512vbmi, 7, 0, 2, 1, 0xe6)                                                                \
    X(umip, 7, 0, 2, 2, 0)                                                                         \
    X(avx512vbmi2, 7, 0, 2, 6, 0xe6)                                                               \
    X(shstk, 7, 0, 2, 7, 0)                                                                        \
    X(gfni, 7, 0, 2, 8, 0)                                                                         \
    X(vaes, 7, 0, 2, 9, 0x6)                                                                       \
    X(vpclmulqdq, 7, 0, 2, 10, 0x6)                                                                \
    X(avx512vnni, 7, 0, 2, 11, 0xe6)                                                               \
    X(avx512bitalg, 7, 0, 2, 12, 0xe6)                                                             \
    X(avx512vpopcntdq, 7, 0, 2, 14, 0xe6)                                                          \
    X(la57, 7, 0, 2, 16, 0)                                                                        \
    X(rdpid, 7, 0, 2, 22, 0)                                                                       \
    X(keylocker, 7, 0, 2, 23, 0)                                                                   \
    X(cldemote, 7, 0, 2, 25, 0)                                                                    \
    X(movdiri, 7, 0, 2, 27, 0)                                                                     \
    X(movdir64b, 7, 0, 2, 28, 0)                                                                   \
    X(enqcmd, 7, 0, 2, 29, 0)                                                                      \
    X(avx5124vnniw, 7, 0, 3, 2, 0xe6)                                                              \
    X(avx5124fmaps, 7, 0, 3, 3, 0xe6)                                                              \
    X(fsrm, 7, 0, 3, 4, 0)                                                                         \
    X(avx512vp2intersect, 7, 0, 3, 8, 0xe6)                                                        \
    X(serialize, 7, 0, 3, 14, 0)                                                                   \
    X(avx512fp16, 7, 0, 3, 23, 0xe6)                                                               \
    X(amx_tile, 7, 0, 3, 24, 0x60000)                                                              \
    X(avxvnni, 7, 1, 0, 4, 0x6)                                                                    \
    X(avx512bf16, 7, 1, 0, 5, 0xe6)                                                                \
    X(xsaveopt, 0xd, 1, 0, 0, 0)                                                                   \
    X(xsavec, 0xd, 1, 0, 1, 0)                                                                     \
    X(xsaves, 0xd, 1, 0, 3, 0)                                                                     \
    X(ptwrite, 0x14, 0, 1, 4, 0)                                                                   \
    X(lahf64, 0x80000001, 0, 2, 0, 0)                                                              \
    X(lzcnt, 0x80000001, 0, 2, 5, 0)                                                               \
    X(sse4a, 0x80000001, 0, 2, 6, 0)                                                               \
    X(misalignsse, 0x80000001, 0, 2, 7, 0)                                                         \
    X(prefetchw, 0x80000001, 0, 2, 8, 0)                                                           \
    X(xop, 0x80000001, 0, 2, 11, 0x6)                                                              \
    X(fma4, 0x80000001, 0, 2, 16, 0x6)                                                             \
    X(tbm, 0x80000001, 0, 2, 21, 0)                                                                \
    X(rdtscp, 0x80000001, 0, 3, 27, 0)                                                             \
    X(lm, 0x80000001, 0, 3, 29, 0)                                                                 \
    X(3dnow, 0x80000001, 0, 3, 31, 0)                                                              \
    X(clzero, 0x80000008, 0, 1, 0, 0)                                                              \
    X(nscb, 0x80000021, 0, 0, 6, 0)

enum host_feature {
#define HOST_FEATURE_ENUM(name, leaf, subleaf, reg, bit, xcr0) HF_##name,
    HOST_FEATURES(HOST_FEATURE_ENUM)
#undef HOST_FEATURE_ENUM
        HF_COUNT
};

/* The host has the feature (CPUID; where the feature has register state, XCR0; for
 * fsgsbase the kernel's consent), and WHVEMU_TEST_HIDE does not name it. */
bool host_has(enum host_feature feature);

/* host_has(); when false, one case is counted as skipped for the feature. */
bool host_runs(enum host_feature feature);

/* Count n cases skipped for the feature (a suite that skips a whole group at once). */
void host_skip(enum host_feature feature, unsigned long n);

/* Count n cases skipped because of a condition of this host that is not a missing feature
 * (a kernel without modify_ldt, a model-specific behaviour whvemu does not reproduce).
 * `condition` is a string literal that says what the host does; the report prints it. */
void host_skip_for(const char *condition, unsigned long n);

/* For the self-test's comparison with /proc/cpuinfo, whatever WHVEMU_TEST_HIDE says: the
 * CPUID bit alone; and usable (CPUID, XCR0, the kernel's consent). */
bool host_cpu_reports(enum host_feature feature);
bool host_usable(enum host_feature feature);

/* The feature's name as in HOST_FEATURES (and WHVEMU_TEST_HIDE); the feature named so, or
 * -1 when there is none. */
const char *host_feature_name(enum host_feature feature);
int host_feature_by_name(const char *name);

/* XCR0 (XGETBV 0), or 0 when the OS has not enabled XSAVE (CPUID.1:ECX.OSXSAVE clear). */
uint64_t host_xcr0(void);

/* The vendor: "AuthenticAMD", "GenuineIntel", ...; the display family and model (with the
 * extended fields folded in) and the stepping, from CPUID leaf 1. (Not host_vendor: the
 * library has an internal function of that name, and tests link both.) */
const char *host_cpu_vendor(void);
bool host_is_amd(void); /* AMD and Hygon (a Zen derivative) */
bool host_is_intel(void);
unsigned host_family(void), host_model(void), host_stepping(void);

/* 5 when the kernel runs 5-level paging (CR4.LA57: user addresses are canonical in 57
 * bits), else 4. Measured: the kernel maps a hint above 2^47 only with 5-level paging. */
unsigned host_paging_levels(void);

/* One line naming the host: vendor, family/model/stepping, brand string, paging levels, and
 * the features WHVEMU_TEST_HIDE hides. Suites print it first, so every log says where it
 * ran. */
void host_describe(FILE *out);

/* One line per feature or condition with skipped cases ("skipped: movdiri 1373 cases
 * (host lacks it)"), or one line saying nothing was skipped. Suites print it with their
 * totals. */
void host_skip_report(FILE *out);

#endif
