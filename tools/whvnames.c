/* Names for people of the WHv API's values. The register table holds every register an
 * instruction emulator may reasonably ask for; names outside it are treated as bugs by the
 * tools (the CLI refuses the callback, the fuzz target aborts), which is how a request for
 * a nonsense register gets noticed. */
#include "whvnames.h"

#include <ctype.h>

const struct reg_info reg_table[] = {
    { WHvX64RegisterRax, "rax", REG_KIND_64 },
    { WHvX64RegisterRcx, "rcx", REG_KIND_64 },
    { WHvX64RegisterRdx, "rdx", REG_KIND_64 },
    { WHvX64RegisterRbx, "rbx", REG_KIND_64 },
    { WHvX64RegisterRsp, "rsp", REG_KIND_64 },
    { WHvX64RegisterRbp, "rbp", REG_KIND_64 },
    { WHvX64RegisterRsi, "rsi", REG_KIND_64 },
    { WHvX64RegisterRdi, "rdi", REG_KIND_64 },
    { WHvX64RegisterR8, "r8", REG_KIND_64 },
    { WHvX64RegisterR9, "r9", REG_KIND_64 },
    { WHvX64RegisterR10, "r10", REG_KIND_64 },
    { WHvX64RegisterR11, "r11", REG_KIND_64 },
    { WHvX64RegisterR12, "r12", REG_KIND_64 },
    { WHvX64RegisterR13, "r13", REG_KIND_64 },
    { WHvX64RegisterR14, "r14", REG_KIND_64 },
    { WHvX64RegisterR15, "r15", REG_KIND_64 },
    { WHvX64RegisterRip, "rip", REG_KIND_64 },
    { WHvX64RegisterRflags, "rflags", REG_KIND_64 },
    { WHvX64RegisterEs, "es", REG_KIND_SEGMENT },
    { WHvX64RegisterCs, "cs", REG_KIND_SEGMENT },
    { WHvX64RegisterSs, "ss", REG_KIND_SEGMENT },
    { WHvX64RegisterDs, "ds", REG_KIND_SEGMENT },
    { WHvX64RegisterFs, "fs", REG_KIND_SEGMENT },
    { WHvX64RegisterGs, "gs", REG_KIND_SEGMENT },
    { WHvX64RegisterLdtr, "ldtr", REG_KIND_SEGMENT },
    { WHvX64RegisterTr, "tr", REG_KIND_SEGMENT },
    { WHvX64RegisterIdtr, "idtr", REG_KIND_TABLE },
    { WHvX64RegisterGdtr, "gdtr", REG_KIND_TABLE },
    { WHvX64RegisterCr0, "cr0", REG_KIND_64 },
    { WHvX64RegisterCr2, "cr2", REG_KIND_64 },
    { WHvX64RegisterCr3, "cr3", REG_KIND_64 },
    { WHvX64RegisterCr4, "cr4", REG_KIND_64 },
    { WHvX64RegisterCr8, "cr8", REG_KIND_64 },
    { WHvX64RegisterDr0, "dr0", REG_KIND_64 },
    { WHvX64RegisterDr1, "dr1", REG_KIND_64 },
    { WHvX64RegisterDr2, "dr2", REG_KIND_64 },
    { WHvX64RegisterDr3, "dr3", REG_KIND_64 },
    { WHvX64RegisterDr6, "dr6", REG_KIND_64 },
    { WHvX64RegisterDr7, "dr7", REG_KIND_64 },
    { WHvX64RegisterXCr0, "xcr0", REG_KIND_64 },
    { WHvX64RegisterXmm0, "xmm0", REG_KIND_128 },
    { WHvX64RegisterXmm1, "xmm1", REG_KIND_128 },
    { WHvX64RegisterXmm2, "xmm2", REG_KIND_128 },
    { WHvX64RegisterXmm3, "xmm3", REG_KIND_128 },
    { WHvX64RegisterXmm4, "xmm4", REG_KIND_128 },
    { WHvX64RegisterXmm5, "xmm5", REG_KIND_128 },
    { WHvX64RegisterXmm6, "xmm6", REG_KIND_128 },
    { WHvX64RegisterXmm7, "xmm7", REG_KIND_128 },
    { WHvX64RegisterXmm8, "xmm8", REG_KIND_128 },
    { WHvX64RegisterXmm9, "xmm9", REG_KIND_128 },
    { WHvX64RegisterXmm10, "xmm10", REG_KIND_128 },
    { WHvX64RegisterXmm11, "xmm11", REG_KIND_128 },
    { WHvX64RegisterXmm12, "xmm12", REG_KIND_128 },
    { WHvX64RegisterXmm13, "xmm13", REG_KIND_128 },
    { WHvX64RegisterXmm14, "xmm14", REG_KIND_128 },
    { WHvX64RegisterXmm15, "xmm15", REG_KIND_128 },
    { WHvX64RegisterFpMmx0, "fpmmx0", REG_KIND_128 },
    { WHvX64RegisterFpMmx1, "fpmmx1", REG_KIND_128 },
    { WHvX64RegisterFpMmx2, "fpmmx2", REG_KIND_128 },
    { WHvX64RegisterFpMmx3, "fpmmx3", REG_KIND_128 },
    { WHvX64RegisterFpMmx4, "fpmmx4", REG_KIND_128 },
    { WHvX64RegisterFpMmx5, "fpmmx5", REG_KIND_128 },
    { WHvX64RegisterFpMmx6, "fpmmx6", REG_KIND_128 },
    { WHvX64RegisterFpMmx7, "fpmmx7", REG_KIND_128 },
    { WHvX64RegisterFpControlStatus, "fpcontrolstatus", REG_KIND_128 },
    { WHvX64RegisterXmmControlStatus, "xmmcontrolstatus", REG_KIND_128 },
    { WHvX64RegisterTsc, "tsc", REG_KIND_64 },
    { WHvX64RegisterEfer, "efer", REG_KIND_64 },
    { WHvX64RegisterKernelGsBase, "kernelgsbase", REG_KIND_64 },
    { WHvX64RegisterApicBase, "apicbase", REG_KIND_64 },
    { WHvX64RegisterPat, "pat", REG_KIND_64 },
    { WHvX64RegisterSysenterCs, "sysentercs", REG_KIND_64 },
    { WHvX64RegisterSysenterEip, "sysentereip", REG_KIND_64 },
    { WHvX64RegisterSysenterEsp, "sysenteresp", REG_KIND_64 },
    { WHvX64RegisterStar, "star", REG_KIND_64 },
    { WHvX64RegisterLstar, "lstar", REG_KIND_64 },
    { WHvX64RegisterCstar, "cstar", REG_KIND_64 },
    { WHvX64RegisterSfmask, "sfmask", REG_KIND_64 },
    { WHvX64RegisterTscAux, "tscaux", REG_KIND_64 },
    { WHvX64RegisterXss, "xss", REG_KIND_64 },
    { WHvX64RegisterUCet, "ucet", REG_KIND_64 },
    { WHvX64RegisterSCet, "scet", REG_KIND_64 },
    { WHvX64RegisterSsp, "ssp", REG_KIND_64 },
    { WHvX64RegisterXfd, "xfd", REG_KIND_64 },
    { WHvX64RegisterXfdErr, "xfderr", REG_KIND_64 },
    { WHvRegisterPendingInterruption, "pendinginterruption", REG_KIND_64 },
    { WHvRegisterInterruptState, "interruptstate", REG_KIND_64 },
    { WHvRegisterPendingEvent, "pendingevent", REG_KIND_128 },
    { WHvX64RegisterDeliverabilityNotifications, "deliverabilitynotifications", REG_KIND_64 },
    { WHvRegisterInternalActivityState, "internalactivitystate", REG_KIND_64 },
    { WHvX64RegisterPendingDebugException, "pendingdebugexception", REG_KIND_64 },
};

const size_t reg_table_count = sizeof reg_table / sizeof reg_table[0];
_Static_assert(sizeof reg_table / sizeof reg_table[0] <= REG_TABLE_CAPACITY,
               "raise REG_TABLE_CAPACITY");

int reg_index_of_name(WHV_REGISTER_NAME name)
{
    for (size_t i = 0; i < reg_table_count; i++)
        if (reg_table[i].name == name)
            return (int)i;
    return -1;
}

/* Table texts are lower case, so only the user's text needs folding. */
static int equals_ignoring_case(const char *lower, const char *text)
{
    while (*lower && *lower == tolower((unsigned char)*text)) {
        lower++;
        text++;
    }
    return *lower == '\0' && *text == '\0';
}

int reg_index_of_text(const char *text)
{
    for (size_t i = 0; i < reg_table_count; i++)
        if (equals_ignoring_case(reg_table[i].text, text))
            return (int)i;
    return -1;
}

const char *const status_bit_names[STATUS_BIT_COUNT] = {
    "EmulationSuccessful",
    "InternalEmulationFailure",
    "IoPortCallbackFailed",
    "MemoryCallbackFailed",
    "TranslateGvaPageCallbackFailed",
    "TranslateGvaPageCallbackGpaIsNotAligned",
    "GetVirtualProcessorRegistersCallbackFailed",
    "SetVirtualProcessorRegistersCallbackFailed",
    "InterruptCausedIntercept",
    "GuestCannotBeFaulted",
};

const char *const translate_result_names[TRANSLATE_RESULT_COUNT] = {
    "Success",     "PageNotPresent",  "PrivilegeViolation", "InvalidPageTableFlags",
    "GpaUnmapped", "GpaNoReadAccess", "GpaNoWriteAccess",   "GpaIllegalOverlayAccess",
    "Intercept",
};
