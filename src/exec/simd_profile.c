#include "exec/simd_profile.h"

#include "whvemu.h"

/* One row per vendor (simd_profile.h says what each field means and where it comes from). */
static const struct simd_profile profiles[2] = {
    [WHVEMU_VENDOR_INTEL] = {
        .vector_ac_unit = 0,
        .ac_by_element_with_opmask = false,
        .maskmov_ac_unit = 0,
        .aligned_zero_mask_no_gp = false,
        .maskmov_zero_mask_faults = false,
        .maskmovq_transition_at_fault = false,
        .misaligned_sse_mode = false,
        .vex_w1_pextrd_ud_outside_64 = false,
    },
    [WHVEMU_VENDOR_AMD] = {
        .vector_ac_unit = 16,
        .ac_by_element_with_opmask = true,
        .maskmov_ac_unit = 8,
        .aligned_zero_mask_no_gp = true,
        .maskmov_zero_mask_faults = true,
        .maskmovq_transition_at_fault = true,
        .misaligned_sse_mode = true,
        .vex_w1_pextrd_ud_outside_64 = true,
    },
};

const struct simd_profile *simd_profile_of(uint8_t vendor)
{
    return &profiles[vendor == WHVEMU_VENDOR_AMD ? WHVEMU_VENDOR_AMD : WHVEMU_VENDOR_INTEL];
}

uint64_t simd_gather_completed(uint64_t enabled, unsigned faulting)
{
    uint64_t below = faulting >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << faulting) - 1;
    return enabled & below;
}
