/* The host CPU's identity: its vendor, and the CPUID features the host stubs of the executor
 * may need (exec/hostop.h). Detected on first use, once per process, then a load. */
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
