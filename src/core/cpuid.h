/* The host CPU's identity: its vendor, and the CPUID features the host stubs of the executor
 * may need (exec/hostop.h, exec/x87_host.c). Detected on first use, once per process, then a load. */
#ifndef WHVEMU_CPUID_H
#define WHVEMU_CPUID_H

#include <stdbool.h>
#include <stdint.h>

#include "whvemu.h"

/* Features the host may have (CPUID bits), as a set. */
enum cpuid_feature {
    CPUID_POPCNT = 1u << 0,
    CPUID_BMI1 = 1u << 1,
    CPUID_BMI2 = 1u << 2,
    CPUID_TBM = 1u << 3,
    CPUID_SSE3 = 1u << 4,               /* FISTTP (1:ECX[0]) */
    CPUID_FDP_EXCPTN_ONLY = 1u << 5,    /* x87 FDP saved on unmasked exceptions only (7:EBX[6]) */
    CPUID_FCS_FDS_DEPRECATED = 1u << 6, /* x87 FCS and FDS saved as 0 (7:EBX[13]) */
};

/* The WHVEMU_VENDOR whose C profile matches the host: AMD for AMD and Hygon CPUs, Intel
 * for every other CPU and architecture. */
uint8_t cpuid_vendor(void);

/* Whether the host has every feature of the set (enum cpuid_feature bits). */
bool cpuid_has(uint32_t features);

/* The host's XSAVE layout from CPUID leaf 0DH (whvemu_host_xstate_layout); false on hosts
 * without XSAVE or not x86. */
bool cpuid_xstate_layout(WHVEMU_XSTATE_LAYOUT *layout);

#endif
