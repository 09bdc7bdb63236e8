/* The host CPU's identity: its vendor, and the CPUID features the host stubs of the executor
 * may need (exec/hostop.h, exec/x87_host.c, exec/simd_compute.c), two tables of CPUID bits
 * with the same columns. Detected on first use, once per process, then a load. */
#ifndef WHVEMU_CPUID_H
#define WHVEMU_CPUID_H

#include <stdbool.h>
#include <stdint.h>

#include "whvemu.h"

/* F(feature, leaf, subleaf, register, bit, state): the features the general-purpose and x87
 * host stubs may need (exec/hostop.c, exec/x87_host.c) and the x87 behaviours CPUID reports,
 * in the SIMD table's columns (below); the state is 0 for all of them. */
// clang-format off
#define CPUID_GP_FEATURES(F)                                                                       \
    /* feature              leaf         sub reg  bit state */                                     \
    F(POPCNT,               1,           0,  ECX, 23, 0)                                           \
    F(BMI1,                 7,           0,  EBX, 3,  0)                                           \
    F(BMI2,                 7,           0,  EBX, 8,  0)                                           \
    F(TBM,                  0x80000001u, 0,  ECX, 21, 0)                                           \
    /* x87 FDP saved on unmasked exceptions only; FCS and FDS saved as 0 */                        \
    F(FDP_EXCPTN_ONLY,      7,           0,  EBX, 6,  0)                                           \
    F(FCS_FDS_DEPRECATED,   7,           0,  EBX, 13, 0)
// clang-format on

#define CPUID_GP_ENUM(name, ...) CPUID_GP_BIT_##name,
enum { CPUID_GP_FEATURES(CPUID_GP_ENUM) CPUID_GP_COUNT };
#define CPUID_GP_SET(name, ...) CPUID_##name = 1u << CPUID_GP_BIT_##name,
/* The general-purpose features as a set (CPUID_POPCNT, ...: a bit per row). */
enum cpuid_feature { CPUID_GP_FEATURES(CPUID_GP_SET) };

/* F(feature, leaf, subleaf, register, bit, state): the SIMD features the host stubs of
 * SIMD compute may need (exec/simd_compute.def's feature columns), each a CPUID bit (SDM
 * vol. 2A CPUID, Tables 3-8 to 3-10) and the XCR0 state the OS must have enabled for it
 * (SDM vol. 1 §13.3: AVX needs SSE and AVX state, AVX-512 also opmask, ZMM_Hi256 and
 * Hi16_ZMM; state 0: only CR4.OSFXSR, which every x86-64 OS sets). */
// clang-format off
#define CPUID_SIMD_FEATURES(F)                                                                     \
    /* feature       leaf sub reg  bit state */                                                    \
    F(SSE2,          1,   0,  EDX, 26, 0)                                                          \
    F(SSE3,          1,   0,  ECX, 0,  0)                                                          \
    F(SSSE3,         1,   0,  ECX, 9,  0)                                                          \
    F(SSE41,         1,   0,  ECX, 19, 0)                                                          \
    F(SSE42,         1,   0,  ECX, 20, 0)                                                          \
    F(FMA,           1,   0,  ECX, 12, CPUID_XCR0_AVX)                                             \
    F(F16C,          1,   0,  ECX, 29, CPUID_XCR0_AVX)                                             \
    F(AVX,           1,   0,  ECX, 28, CPUID_XCR0_AVX)                                             \
    F(AVX2,          7,   0,  EBX, 5,  CPUID_XCR0_AVX)                                             \
    F(AVX512F,       7,   0,  EBX, 16, CPUID_XCR0_AVX512)                                          \
    F(AVX512DQ,      7,   0,  EBX, 17, CPUID_XCR0_AVX512)                                          \
    F(AVX512BW,      7,   0,  EBX, 30, CPUID_XCR0_AVX512)                                          \
    F(AVX512VL,      7,   0,  EBX, 31, CPUID_XCR0_AVX512)                                          \
    F(AVX512CD,      7,   0,  EBX, 28, CPUID_XCR0_AVX512)                                          \
    F(AVX512IFMA,    7,   0,  EBX, 21, CPUID_XCR0_AVX512)                                          \
    F(AVX512VBMI,    7,   0,  ECX, 1,  CPUID_XCR0_AVX512)                                          \
    F(AVX512VBMI2,   7,   0,  ECX, 6,  CPUID_XCR0_AVX512)                                          \
    F(AVX512VNNI,    7,   0,  ECX, 11, CPUID_XCR0_AVX512)                                          \
    F(AVX512BITALG,  7,   0,  ECX, 12, CPUID_XCR0_AVX512)                                          \
    F(AVX512VPOPCNTDQ, 7, 0,  ECX, 14, CPUID_XCR0_AVX512)                                          \
    F(AVXVNNI,       7,   1,  EAX, 4,  CPUID_XCR0_AVX)                                             \
    F(AVX512BF16,    7,   1,  EAX, 5,  CPUID_XCR0_AVX512)                                          \
    F(AVX512FP16,    7,   0,  EDX, 23, CPUID_XCR0_AVX512)                                          \
    F(AVX512VP2INTERSECT, 7, 0, EDX, 8, CPUID_XCR0_AVX512)                                         \
    F(AES,           1,   0,  ECX, 25, 0)                                                          \
    F(PCLMULQDQ,     1,   0,  ECX, 1,  0)                                                          \
    F(SHA,           7,   0,  EBX, 29, 0)                                                          \
    F(GFNI,          7,   0,  ECX, 8,  0)                                                          \
    F(VAES,          7,   0,  ECX, 9,  CPUID_XCR0_AVX)                                             \
    F(VPCLMULQDQ,    7,   0,  ECX, 10, CPUID_XCR0_AVX)
// clang-format on

/* The XCR0 bits of the states: SSE and AVX (1, 2); and opmask, ZMM_Hi256, Hi16_ZMM (5-7). */
#define CPUID_XCR0_AVX 0x06u
#define CPUID_XCR0_AVX512 0xe6u

#define CPUID_SIMD_ENUM(name, ...) CPUID_SIMD_BIT_##name,
enum { CPUID_SIMD_FEATURES(CPUID_SIMD_ENUM) CPUID_SIMD_COUNT };
#define CPUID_SIMD_SET(name, ...) CPU_##name = 1u << CPUID_SIMD_BIT_##name,
/* The SIMD features as a set (CPU_SSE2, CPU_AVX512F, ...: a bit per row); 0: none. */
enum cpuid_simd_feature { CPUID_SIMD_FEATURES(CPUID_SIMD_SET) };

/* Whether the host has every SIMD feature of the set and its OS enabled their state. */
bool cpuid_simd_has(uint32_t features);

/* For tests: pretend the host lacks the SIMD features of the set (0: as detected). */
void cpuid_simd_hide(uint32_t features);

/* The XCR0 of the host (0 without OSXSAVE). */
uint64_t cpuid_host_xcr0(void);

/* The WHVEMU_VENDOR whose C profile matches the host: AMD for AMD and Hygon CPUs, Intel
 * for every other CPU and architecture. */
uint8_t cpuid_vendor(void);

/* Whether the host has every feature of the set (enum cpuid_feature bits). */
bool cpuid_has(uint32_t features);

/* The host's XSAVE layout from CPUID leaf 0DH (whvemu_host_xstate_layout); false on hosts
 * without XSAVE or not x86. */
bool cpuid_xstate_layout(WHVEMU_XSTATE_LAYOUT *layout);

#endif
