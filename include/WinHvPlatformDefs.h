/* WinHvPlatformDefs.h — the Windows Hypervisor Platform types that the instruction
 * emulator API (WinHvEmulation.h) is built on, for whvemu.
 *
 * Names, values and byte layout are those of the Windows SDK header of the same name:
 * programs written against the SDK compile unchanged, and the structures cross the
 * library boundary bit for bit. tests/abi checks every size, offset, bit-field and
 * enumerator here against mingw-w64's copy of the SDK header.
 *
 * Only the part of the SDK header that the emulator API reaches is provided (register
 * names and values, exit contexts, address translation); partition and virtual-processor
 * management is left to the real WinHvPlatform.h on Windows.
 *
 * Mixing with the SDK: if the SDK's WinHvPlatformDefs.h was included first (for example
 * through <WinHvPlatform.h>), its definitions are used and this file adds nothing, so a
 * Windows VMM can use the SDK's platform API together with whvemu's emulator. The other
 * order is not supported: the SDK header would redefine these types. docs/abi.md has
 * the details. */
#ifndef WHVEMU_WINHVPLATFORMDEFS_H
#define WHVEMU_WINHVPLATFORMDEFS_H

/* The SDK writes its bit-field groups as anonymous structs and unions. They are C11, but
 * C++ and C89 compilers in pedantic mode warn about them; __extension__ says they are
 * intended. (Defined even when the SDK's types are used: WinHvEmulation.h needs it.) */
#if defined(__GNUC__) || defined(__clang__)
#define WHVEMU_ANONYMOUS __extension__
#else
#define WHVEMU_ANONYMOUS
#endif

/* _WINHVAPIDEFS_H_ is the SDK header's include guard. */
#ifndef _WINHVAPIDEFS_H_

#ifdef _WIN32
/* The SDK headers expect the Windows base types, calling conventions and HRESULT codes
 * of <windows.h> to be in scope; use the real ones so the two header sets agree. */
#include <windows.h>
#else
#include <stdint.h>

/* The Windows base types the WHv API is written in, at their Windows widths. Only those
 * the headers use: defining more (BOOL, for one) would collide with other platforms'
 * own meanings of those names. */
typedef uint8_t UINT8;
typedef uint16_t UINT16;
typedef uint32_t UINT32;
typedef uint64_t UINT64;
typedef int32_t HRESULT;
#ifndef VOID
#define VOID void
#endif
/* Calling-convention markers: meaningful only to 32-bit Windows. */
#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#endif /* _WIN32 */

/* HRESULT codes the emulator and its callbacks exchange. On Windows <winerror.h> has
 * already defined them with these values. */
#ifndef S_OK
#define S_OK ((HRESULT)0x00000000)
#endif
#ifndef E_FAIL
#define E_FAIL ((HRESULT)0x80004005)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG ((HRESULT)0x80070057)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY ((HRESULT)0x8007000E)
#endif
#ifndef E_POINTER
#define E_POINTER ((HRESULT)0x80004003)
#endif
#ifndef E_NOTIMPL
#define E_NOTIMPL ((HRESULT)0x80004001)
#endif
#ifndef E_UNEXPECTED
#define E_UNEXPECTED ((HRESULT)0x8000FFFF)
#endif
#ifndef SUCCEEDED
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#endif

/* WHV_UINT128, and with it every register value that contains one, is 16-byte aligned
 * in the SDK. C11 has no way to say so of a type, hence the compiler's own. */
#if defined(_MSC_VER)
#define WHVEMU_ALIGN16 __declspec(align(16))
#else
#define WHVEMU_ALIGN16 __attribute__((aligned(16)))
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef UINT64 WHV_GUEST_PHYSICAL_ADDRESS;
typedef UINT64 WHV_GUEST_VIRTUAL_ADDRESS;

/* ---- Address translation (WHvTranslateGva and the emulator's translate callback) ---- */

typedef enum WHV_MEMORY_ACCESS_TYPE {
    WHvMemoryAccessRead = 0,
    WHvMemoryAccessWrite = 1,
    WHvMemoryAccessExecute = 2
} WHV_MEMORY_ACCESS_TYPE;

/* What the translation must check and do. The emulator asks for one access kind per
 * page; PrivilegeExempt drops the user/supervisor check (a CPL 0 implicit access such as
 * a descriptor-table read from user mode), SetPageTableBits updates Accessed/Dirty as the
 * CPU would. */
typedef enum WHV_TRANSLATE_GVA_FLAGS {
    WHvTranslateGvaFlagNone = 0x00000000,
    WHvTranslateGvaFlagValidateRead = 0x00000001,
    WHvTranslateGvaFlagValidateWrite = 0x00000002,
    WHvTranslateGvaFlagValidateExecute = 0x00000004,
    WHvTranslateGvaFlagPrivilegeExempt = 0x00000008,
    WHvTranslateGvaFlagSetPageTableBits = 0x00000010,
    WHvTranslateGvaFlagEnforceSmap = 0x00000100,
    WHvTranslateGvaFlagOverrideSmap = 0x00000200
} WHV_TRANSLATE_GVA_FLAGS;

typedef enum WHV_TRANSLATE_GVA_RESULT_CODE {
    WHvTranslateGvaResultSuccess = 0,
    /* Guest page-table failures: the guest takes a #PF. */
    WHvTranslateGvaResultPageNotPresent = 1,
    WHvTranslateGvaResultPrivilegeViolation = 2,
    WHvTranslateGvaResultInvalidPageTableFlags = 3,
    /* Failures at the GPA level: the VMM's memory map, not the guest, is at fault. */
    WHvTranslateGvaResultGpaUnmapped = 4,
    WHvTranslateGvaResultGpaNoReadAccess = 5,
    WHvTranslateGvaResultGpaNoWriteAccess = 6,
    WHvTranslateGvaResultGpaIllegalOverlayAccess = 7,
    WHvTranslateGvaResultIntercept = 8
} WHV_TRANSLATE_GVA_RESULT_CODE;

typedef struct WHV_TRANSLATE_GVA_RESULT {
    WHV_TRANSLATE_GVA_RESULT_CODE ResultCode;
    UINT32 Reserved;
} WHV_TRANSLATE_GVA_RESULT;

/* Exception vectors, as the SDK names them; they go into the pending-interruption
 * register when the emulator makes the guest take a fault. */
typedef enum WHV_EXCEPTION_TYPE {
    WHvX64ExceptionTypeDivideErrorFault = 0x0,
    WHvX64ExceptionTypeDebugTrapOrFault = 0x1,
    WHvX64ExceptionTypeBreakpointTrap = 0x3,
    WHvX64ExceptionTypeOverflowTrap = 0x4,
    WHvX64ExceptionTypeBoundRangeFault = 0x5,
    WHvX64ExceptionTypeInvalidOpcodeFault = 0x6,
    WHvX64ExceptionTypeDeviceNotAvailableFault = 0x7,
    WHvX64ExceptionTypeDoubleFaultAbort = 0x8,
    WHvX64ExceptionTypeInvalidTaskStateSegmentFault = 0x0A,
    WHvX64ExceptionTypeSegmentNotPresentFault = 0x0B,
    WHvX64ExceptionTypeStackFault = 0x0C,
    WHvX64ExceptionTypeGeneralProtectionFault = 0x0D,
    WHvX64ExceptionTypePageFault = 0x0E,
    WHvX64ExceptionTypeFloatingPointErrorFault = 0x10,
    WHvX64ExceptionTypeAlignmentCheckFault = 0x11,
    WHvX64ExceptionTypeMachineCheckAbort = 0x12,
    WHvX64ExceptionTypeSimdFloatingPointFault = 0x13
} WHV_EXCEPTION_TYPE;

/* ---- Register names ----
 * The numbering is grouped by register class in the high bits (0x0 general and control,
 * 0x1000 vector and x87, 0x2000 MSRs, 0x3000 local APIC, 0x4000/0x5000 synthetic, and
 * 0x80000000 for hypervisor event state); gaps are registers the SDK does not expose.
 * 0x80000000 and up do not fit an int: as in the SDK the enum then has an unsigned type
 * under GCC and Clang, which ISO C before C23 does not allow, hence the pragma. */
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
typedef enum WHV_REGISTER_NAME {
    /* General-purpose registers, in the x86 encoding order. */
    WHvX64RegisterRax = 0x00000000,
    WHvX64RegisterRcx = 0x00000001,
    WHvX64RegisterRdx = 0x00000002,
    WHvX64RegisterRbx = 0x00000003,
    WHvX64RegisterRsp = 0x00000004,
    WHvX64RegisterRbp = 0x00000005,
    WHvX64RegisterRsi = 0x00000006,
    WHvX64RegisterRdi = 0x00000007,
    WHvX64RegisterR8 = 0x00000008,
    WHvX64RegisterR9 = 0x00000009,
    WHvX64RegisterR10 = 0x0000000A,
    WHvX64RegisterR11 = 0x0000000B,
    WHvX64RegisterR12 = 0x0000000C,
    WHvX64RegisterR13 = 0x0000000D,
    WHvX64RegisterR14 = 0x0000000E,
    WHvX64RegisterR15 = 0x0000000F,
    WHvX64RegisterRip = 0x00000010,
    WHvX64RegisterRflags = 0x00000011,

    /* Segment and descriptor-table registers (values are WHV_X64_SEGMENT_REGISTER and
     * WHV_X64_TABLE_REGISTER). Segments follow the x86 encoding order ES, CS, SS, DS, FS, GS. */
    WHvX64RegisterEs = 0x00000012,
    WHvX64RegisterCs = 0x00000013,
    WHvX64RegisterSs = 0x00000014,
    WHvX64RegisterDs = 0x00000015,
    WHvX64RegisterFs = 0x00000016,
    WHvX64RegisterGs = 0x00000017,
    WHvX64RegisterLdtr = 0x00000018,
    WHvX64RegisterTr = 0x00000019,
    WHvX64RegisterIdtr = 0x0000001A,
    WHvX64RegisterGdtr = 0x0000001B,

    /* Control and debug registers. */
    WHvX64RegisterCr0 = 0x0000001C,
    WHvX64RegisterCr2 = 0x0000001D,
    WHvX64RegisterCr3 = 0x0000001E,
    WHvX64RegisterCr4 = 0x0000001F,
    WHvX64RegisterCr8 = 0x00000020,
    WHvX64RegisterDr0 = 0x00000021,
    WHvX64RegisterDr1 = 0x00000022,
    WHvX64RegisterDr2 = 0x00000023,
    WHvX64RegisterDr3 = 0x00000024,
    WHvX64RegisterDr6 = 0x00000025,
    WHvX64RegisterDr7 = 0x00000026,
    WHvX64RegisterXCr0 = 0x00000027,
    WHvX64RegisterVirtualCr0 = 0x00000028,
    WHvX64RegisterVirtualCr3 = 0x00000029,
    WHvX64RegisterVirtualCr4 = 0x0000002A,
    WHvX64RegisterVirtualCr8 = 0x0000002B,

    /* SSE and x87/MMX state (WHV_UINT128, WHV_X64_FP_REGISTER and the two control/status
     * unions). */
    WHvX64RegisterXmm0 = 0x00001000,
    WHvX64RegisterXmm1 = 0x00001001,
    WHvX64RegisterXmm2 = 0x00001002,
    WHvX64RegisterXmm3 = 0x00001003,
    WHvX64RegisterXmm4 = 0x00001004,
    WHvX64RegisterXmm5 = 0x00001005,
    WHvX64RegisterXmm6 = 0x00001006,
    WHvX64RegisterXmm7 = 0x00001007,
    WHvX64RegisterXmm8 = 0x00001008,
    WHvX64RegisterXmm9 = 0x00001009,
    WHvX64RegisterXmm10 = 0x0000100A,
    WHvX64RegisterXmm11 = 0x0000100B,
    WHvX64RegisterXmm12 = 0x0000100C,
    WHvX64RegisterXmm13 = 0x0000100D,
    WHvX64RegisterXmm14 = 0x0000100E,
    WHvX64RegisterXmm15 = 0x0000100F,
    WHvX64RegisterFpMmx0 = 0x00001010,
    WHvX64RegisterFpMmx1 = 0x00001011,
    WHvX64RegisterFpMmx2 = 0x00001012,
    WHvX64RegisterFpMmx3 = 0x00001013,
    WHvX64RegisterFpMmx4 = 0x00001014,
    WHvX64RegisterFpMmx5 = 0x00001015,
    WHvX64RegisterFpMmx6 = 0x00001016,
    WHvX64RegisterFpMmx7 = 0x00001017,
    WHvX64RegisterFpControlStatus = 0x00001018,
    WHvX64RegisterXmmControlStatus = 0x00001019,

    /* Model-specific registers. */
    WHvX64RegisterTsc = 0x00002000,
    WHvX64RegisterEfer = 0x00002001,
    WHvX64RegisterKernelGsBase = 0x00002002,
    WHvX64RegisterApicBase = 0x00002003,
    WHvX64RegisterPat = 0x00002004,
    WHvX64RegisterSysenterCs = 0x00002005,
    WHvX64RegisterSysenterEip = 0x00002006,
    WHvX64RegisterSysenterEsp = 0x00002007,
    WHvX64RegisterStar = 0x00002008,
    WHvX64RegisterLstar = 0x00002009,
    WHvX64RegisterCstar = 0x0000200A,
    WHvX64RegisterSfmask = 0x0000200B,
    WHvX64RegisterInitialApicId = 0x0000200C,
    WHvX64RegisterMsrMtrrCap = 0x0000200D,
    WHvX64RegisterMsrMtrrDefType = 0x0000200E,
    WHvX64RegisterMsrMtrrPhysBase0 = 0x00002010,
    WHvX64RegisterMsrMtrrPhysBase1 = 0x00002011,
    WHvX64RegisterMsrMtrrPhysBase2 = 0x00002012,
    WHvX64RegisterMsrMtrrPhysBase3 = 0x00002013,
    WHvX64RegisterMsrMtrrPhysBase4 = 0x00002014,
    WHvX64RegisterMsrMtrrPhysBase5 = 0x00002015,
    WHvX64RegisterMsrMtrrPhysBase6 = 0x00002016,
    WHvX64RegisterMsrMtrrPhysBase7 = 0x00002017,
    WHvX64RegisterMsrMtrrPhysBase8 = 0x00002018,
    WHvX64RegisterMsrMtrrPhysBase9 = 0x00002019,
    WHvX64RegisterMsrMtrrPhysBaseA = 0x0000201A,
    WHvX64RegisterMsrMtrrPhysBaseB = 0x0000201B,
    WHvX64RegisterMsrMtrrPhysBaseC = 0x0000201C,
    WHvX64RegisterMsrMtrrPhysBaseD = 0x0000201D,
    WHvX64RegisterMsrMtrrPhysBaseE = 0x0000201E,
    WHvX64RegisterMsrMtrrPhysBaseF = 0x0000201F,
    WHvX64RegisterMsrMtrrPhysMask0 = 0x00002040,
    WHvX64RegisterMsrMtrrPhysMask1 = 0x00002041,
    WHvX64RegisterMsrMtrrPhysMask2 = 0x00002042,
    WHvX64RegisterMsrMtrrPhysMask3 = 0x00002043,
    WHvX64RegisterMsrMtrrPhysMask4 = 0x00002044,
    WHvX64RegisterMsrMtrrPhysMask5 = 0x00002045,
    WHvX64RegisterMsrMtrrPhysMask6 = 0x00002046,
    WHvX64RegisterMsrMtrrPhysMask7 = 0x00002047,
    WHvX64RegisterMsrMtrrPhysMask8 = 0x00002048,
    WHvX64RegisterMsrMtrrPhysMask9 = 0x00002049,
    WHvX64RegisterMsrMtrrPhysMaskA = 0x0000204A,
    WHvX64RegisterMsrMtrrPhysMaskB = 0x0000204B,
    WHvX64RegisterMsrMtrrPhysMaskC = 0x0000204C,
    WHvX64RegisterMsrMtrrPhysMaskD = 0x0000204D,
    WHvX64RegisterMsrMtrrPhysMaskE = 0x0000204E,
    WHvX64RegisterMsrMtrrPhysMaskF = 0x0000204F,
    WHvX64RegisterMsrMtrrFix64k00000 = 0x00002070,
    WHvX64RegisterMsrMtrrFix16k80000 = 0x00002071,
    WHvX64RegisterMsrMtrrFix16kA0000 = 0x00002072,
    WHvX64RegisterMsrMtrrFix4kC0000 = 0x00002073,
    WHvX64RegisterMsrMtrrFix4kC8000 = 0x00002074,
    WHvX64RegisterMsrMtrrFix4kD0000 = 0x00002075,
    WHvX64RegisterMsrMtrrFix4kD8000 = 0x00002076,
    WHvX64RegisterMsrMtrrFix4kE0000 = 0x00002077,
    WHvX64RegisterMsrMtrrFix4kE8000 = 0x00002078,
    WHvX64RegisterMsrMtrrFix4kF0000 = 0x00002079,
    WHvX64RegisterMsrMtrrFix4kF8000 = 0x0000207A,
    WHvX64RegisterTscAux = 0x0000207B,
    WHvX64RegisterBndcfgs = 0x0000207C,
    WHvX64RegisterMCount = 0x0000207E,
    WHvX64RegisterACount = 0x0000207F,
    WHvX64RegisterSpecCtrl = 0x00002084,
    WHvX64RegisterPredCmd = 0x00002085,
    WHvX64RegisterTscVirtualOffset = 0x00002087,
    WHvX64RegisterTsxCtrl = 0x00002088,
    WHvX64RegisterXss = 0x0000208B,
    WHvX64RegisterUCet = 0x0000208C,
    WHvX64RegisterSCet = 0x0000208D,
    WHvX64RegisterSsp = 0x0000208E,
    WHvX64RegisterPl0Ssp = 0x0000208F,
    WHvX64RegisterPl1Ssp = 0x00002090,
    WHvX64RegisterPl2Ssp = 0x00002091,
    WHvX64RegisterPl3Ssp = 0x00002092,
    WHvX64RegisterInterruptSspTableAddr = 0x00002093,
    WHvX64RegisterTscDeadline = 0x00002095,
    WHvX64RegisterTscAdjust = 0x00002096,
    WHvX64RegisterUmwaitControl = 0x00002098,
    WHvX64RegisterXfd = 0x00002099,
    WHvX64RegisterXfdErr = 0x0000209A,

    /* Local APIC registers (the low bits are the xAPIC register offset divided by 16). */
    WHvX64RegisterApicId = 0x00003002,
    WHvX64RegisterApicVersion = 0x00003003,
    WHvX64RegisterApicTpr = 0x00003008,
    WHvX64RegisterApicPpr = 0x0000300A,
    WHvX64RegisterApicEoi = 0x0000300B,
    WHvX64RegisterApicLdr = 0x0000300D,
    WHvX64RegisterApicSpurious = 0x0000300F,
    WHvX64RegisterApicIsr0 = 0x00003010,
    WHvX64RegisterApicIsr1 = 0x00003011,
    WHvX64RegisterApicIsr2 = 0x00003012,
    WHvX64RegisterApicIsr3 = 0x00003013,
    WHvX64RegisterApicIsr4 = 0x00003014,
    WHvX64RegisterApicIsr5 = 0x00003015,
    WHvX64RegisterApicIsr6 = 0x00003016,
    WHvX64RegisterApicIsr7 = 0x00003017,
    WHvX64RegisterApicTmr0 = 0x00003018,
    WHvX64RegisterApicTmr1 = 0x00003019,
    WHvX64RegisterApicTmr2 = 0x0000301A,
    WHvX64RegisterApicTmr3 = 0x0000301B,
    WHvX64RegisterApicTmr4 = 0x0000301C,
    WHvX64RegisterApicTmr5 = 0x0000301D,
    WHvX64RegisterApicTmr6 = 0x0000301E,
    WHvX64RegisterApicTmr7 = 0x0000301F,
    WHvX64RegisterApicIrr0 = 0x00003020,
    WHvX64RegisterApicIrr1 = 0x00003021,
    WHvX64RegisterApicIrr2 = 0x00003022,
    WHvX64RegisterApicIrr3 = 0x00003023,
    WHvX64RegisterApicIrr4 = 0x00003024,
    WHvX64RegisterApicIrr5 = 0x00003025,
    WHvX64RegisterApicIrr6 = 0x00003026,
    WHvX64RegisterApicIrr7 = 0x00003027,
    WHvX64RegisterApicEse = 0x00003028,
    WHvX64RegisterApicIcr = 0x00003030,
    WHvX64RegisterApicLvtTimer = 0x00003032,
    WHvX64RegisterApicLvtThermal = 0x00003033,
    WHvX64RegisterApicLvtPerfmon = 0x00003034,
    WHvX64RegisterApicLvtLint0 = 0x00003035,
    WHvX64RegisterApicLvtLint1 = 0x00003036,
    WHvX64RegisterApicLvtError = 0x00003037,
    WHvX64RegisterApicInitCount = 0x00003038,
    WHvX64RegisterApicCurrentCount = 0x00003039,
    WHvX64RegisterApicDivide = 0x0000303E,
    WHvX64RegisterApicSelfIpi = 0x0000303F,

    /* Hyper-V synthetic interrupt controller and enlightenment registers. */
    WHvRegisterSint0 = 0x00004000,
    WHvRegisterSint1 = 0x00004001,
    WHvRegisterSint2 = 0x00004002,
    WHvRegisterSint3 = 0x00004003,
    WHvRegisterSint4 = 0x00004004,
    WHvRegisterSint5 = 0x00004005,
    WHvRegisterSint6 = 0x00004006,
    WHvRegisterSint7 = 0x00004007,
    WHvRegisterSint8 = 0x00004008,
    WHvRegisterSint9 = 0x00004009,
    WHvRegisterSint10 = 0x0000400A,
    WHvRegisterSint11 = 0x0000400B,
    WHvRegisterSint12 = 0x0000400C,
    WHvRegisterSint13 = 0x0000400D,
    WHvRegisterSint14 = 0x0000400E,
    WHvRegisterSint15 = 0x0000400F,
    WHvRegisterScontrol = 0x00004010,
    WHvRegisterSversion = 0x00004011,
    WHvRegisterSiefp = 0x00004012,
    WHvRegisterSimp = 0x00004013,
    WHvRegisterEom = 0x00004014,
    WHvRegisterVpRuntime = 0x00005000,
    WHvX64RegisterHypercall = 0x00005001,
    WHvRegisterGuestOsId = 0x00005002,
    WHvRegisterVpAssistPage = 0x00005013,
    WHvRegisterReferenceTsc = 0x00005017,
    WHvRegisterReferenceTscSequence = 0x0000501A,

    /* Event state kept by the hypervisor, outside the architectural registers. Writing
     * WHvRegisterPendingInterruption is how an exception is injected into the guest. */
    WHvRegisterPendingInterruption = 0x80000000,
    WHvRegisterInterruptState = 0x80000001,
    WHvRegisterPendingEvent = 0x80000002,
    WHvX64RegisterDeliverabilityNotifications = 0x80000004,
    WHvRegisterInternalActivityState = 0x80000005,
    WHvX64RegisterPendingDebugException = 0x80000006
} WHV_REGISTER_NAME;
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* ---- Register values ----
 * Every register travels as a 16-byte WHV_REGISTER_VALUE; the member to use depends on
 * the register name. */

typedef union WHVEMU_ALIGN16 WHV_UINT128 {
    WHVEMU_ANONYMOUS struct {
        UINT64 Low64;
        UINT64 High64;
    };
    UINT32 Dword[4];
} WHV_UINT128;

/* An x87 register in its 80-bit extended format: 64-bit significand with explicit
 * integer bit, then exponent and sign. */
typedef union WHV_X64_FP_REGISTER {
    WHVEMU_ANONYMOUS struct {
        UINT64 Mantissa;
        UINT64 BiasedExponent : 15;
        UINT64 Sign : 1;
        UINT64 Reserved : 48;
    };
    WHV_UINT128 AsUINT128;
} WHV_X64_FP_REGISTER;

/* x87 control, status and tag words with the last instruction pointer, as FXSAVE lays
 * them out; the pointer is a 64-bit RIP, or EIP and CS outside 64-bit mode. FpTag is the
 * abridged one-bit-per-register tag. */
typedef union WHV_X64_FP_CONTROL_STATUS_REGISTER {
    WHVEMU_ANONYMOUS struct {
        UINT16 FpControl;
        UINT16 FpStatus;
        UINT8 FpTag;
        UINT8 Reserved;
        UINT16 LastFpOp;
        WHVEMU_ANONYMOUS union {
            UINT64 LastFpRip;
            WHVEMU_ANONYMOUS struct {
                UINT32 LastFpEip;
                UINT16 LastFpCs;
                UINT16 Reserved2;
            };
        };
    };
    WHV_UINT128 AsUINT128;
} WHV_X64_FP_CONTROL_STATUS_REGISTER;

/* The last x87 data pointer and MXCSR with its writable-bits mask, as FXSAVE lays them
 * out. */
typedef union WHV_X64_XMM_CONTROL_STATUS_REGISTER {
    WHVEMU_ANONYMOUS struct {
        WHVEMU_ANONYMOUS union {
            UINT64 LastFpRdp;
            WHVEMU_ANONYMOUS struct {
                UINT32 LastFpDp;
                UINT16 LastFpDs;
                UINT16 Reserved;
            };
        };
        UINT32 XmmStatusControl;
        UINT32 XmmStatusControlMask;
    };
    WHV_UINT128 AsUINT128;
} WHV_X64_XMM_CONTROL_STATUS_REGISTER;

/* A segment register with its hidden descriptor cache. Attributes are bits 8..23 of the
 * descriptor's high dword; the limit's bits 16..19, which sit among them in the
 * descriptor, are in Limit here and Reserved in Attributes. */
typedef struct WHV_X64_SEGMENT_REGISTER {
    UINT64 Base;
    UINT32 Limit;
    UINT16 Selector;
    WHVEMU_ANONYMOUS union {
        WHVEMU_ANONYMOUS struct {
            UINT16 SegmentType : 4;
            UINT16 NonSystemSegment : 1;
            UINT16 DescriptorPrivilegeLevel : 2;
            UINT16 Present : 1;
            UINT16 Reserved : 4;
            UINT16 Available : 1;
            UINT16 Long : 1;
            UINT16 Default : 1;
            UINT16 Granularity : 1;
        };
        UINT16 Attributes;
    };
} WHV_X64_SEGMENT_REGISTER;

/* GDTR or IDTR. The padding puts Limit and Base in the same order and alignment as the
 * memory operand of SGDT/SIDT. */
typedef struct WHV_X64_TABLE_REGISTER {
    UINT16 Pad[3];
    UINT16 Limit;
    UINT64 Base;
} WHV_X64_TABLE_REGISTER;

/* WHvRegisterInterruptState: the STI/MOV SS interrupt shadow and NMI blocking. */
typedef union WHV_X64_INTERRUPT_STATE_REGISTER {
    WHVEMU_ANONYMOUS struct {
        UINT64 InterruptShadow : 1;
        UINT64 NmiMasked : 1;
        UINT64 Reserved : 62;
    };
    UINT64 AsUINT64;
} WHV_X64_INTERRUPT_STATE_REGISTER;

/* InterruptionType of the pending-interruption register; the values are the VMX
 * event-injection types. */
typedef enum WHV_X64_PENDING_INTERRUPTION_TYPE {
    WHvX64PendingInterrupt = 0,
    WHvX64PendingNmi = 2,
    WHvX64PendingException = 3
} WHV_X64_PENDING_INTERRUPTION_TYPE;

/* WHvRegisterPendingInterruption: the event the processor delivers on the next entry
 * into the guest. InstructionLength matters for software interrupts only. */
typedef union WHV_X64_PENDING_INTERRUPTION_REGISTER {
    WHVEMU_ANONYMOUS struct {
        UINT32 InterruptionPending : 1;
        UINT32 InterruptionType : 3;
        UINT32 DeliverErrorCode : 1;
        UINT32 InstructionLength : 4;
        UINT32 NestedEvent : 1;
        UINT32 Reserved : 6;
        UINT32 InterruptionVector : 16;
        UINT32 ErrorCode;
    };
    UINT64 AsUINT64;
} WHV_X64_PENDING_INTERRUPTION_REGISTER;

/* WHvX64RegisterDeliverabilityNotifications: ask for an exit once an NMI, or an
 * interrupt above InterruptPriority, could be delivered. */
typedef union WHV_X64_DELIVERABILITY_NOTIFICATIONS_REGISTER {
    WHVEMU_ANONYMOUS struct {
        UINT64 NmiNotification : 1;
        UINT64 InterruptNotification : 1;
        UINT64 InterruptPriority : 4;
        UINT64 Reserved : 58;
    };
    UINT64 AsUINT64;
} WHV_X64_DELIVERABILITY_NOTIFICATIONS_REGISTER;

/* EventType of the two WHvRegisterPendingEvent layouts below. */
typedef enum WHV_X64_PENDING_EVENT_TYPE {
    WHvX64PendingEventException = 0,
    WHvX64PendingEventExtInt = 5
} WHV_X64_PENDING_EVENT_TYPE;

/* WHvRegisterPendingEvent holding an exception; ExceptionParameter carries the datum the
 * exception reports besides its error code (CR2 for a page fault). */
typedef union WHV_X64_PENDING_EXCEPTION_EVENT {
    WHVEMU_ANONYMOUS struct {
        UINT32 EventPending : 1;
        UINT32 EventType : 3;
        UINT32 Reserved0 : 4;
        UINT32 DeliverErrorCode : 1;
        UINT32 Reserved1 : 7;
        UINT32 Vector : 16;
        UINT32 ErrorCode;
        UINT64 ExceptionParameter;
    };
    WHV_UINT128 AsUINT128;
} WHV_X64_PENDING_EXCEPTION_EVENT;

/* WHvRegisterPendingEvent holding an external interrupt. */
typedef union WHV_X64_PENDING_EXT_INT_EVENT {
    WHVEMU_ANONYMOUS struct {
        UINT64 EventPending : 1;
        UINT64 EventType : 3;
        UINT64 Reserved0 : 4;
        UINT64 Vector : 8;
        UINT64 Reserved1 : 48;
        UINT64 Reserved2;
    };
    WHV_UINT128 AsUINT128;
} WHV_X64_PENDING_EXT_INT_EVENT;

/* WHvRegisterInternalActivityState: why the processor is not running (wait-for-SIPI,
 * HLT, idle). */
typedef union WHV_INTERNAL_ACTIVITY_REGISTER {
    WHVEMU_ANONYMOUS struct {
        UINT64 StartupSuspend : 1;
        UINT64 HaltSuspend : 1;
        UINT64 IdleSuspend : 1;
        UINT64 Reserved : 61;
    };
    UINT64 AsUINT64;
} WHV_INTERNAL_ACTIVITY_REGISTER;

/* WHvX64RegisterPendingDebugException: #DB conditions recorded but not yet delivered,
 * in DR6 bit order. */
typedef union WHV_X64_PENDING_DEBUG_EXCEPTION {
    UINT64 AsUINT64;
    WHVEMU_ANONYMOUS struct {
        UINT64 Breakpoint0 : 1;
        UINT64 Breakpoint1 : 1;
        UINT64 Breakpoint2 : 1;
        UINT64 Breakpoint3 : 1;
        UINT64 SingleStep : 1;
        UINT64 Reserved0 : 59;
    };
} WHV_X64_PENDING_DEBUG_EXCEPTION;

typedef union WHV_REGISTER_VALUE {
    WHV_UINT128 Reg128;
    UINT64 Reg64;
    UINT32 Reg32;
    UINT16 Reg16;
    UINT8 Reg8;
    WHV_X64_FP_REGISTER Fp;
    WHV_X64_FP_CONTROL_STATUS_REGISTER FpControlStatus;
    WHV_X64_XMM_CONTROL_STATUS_REGISTER XmmControlStatus;
    WHV_X64_SEGMENT_REGISTER Segment;
    WHV_X64_TABLE_REGISTER Table;
    WHV_X64_INTERRUPT_STATE_REGISTER InterruptState;
    WHV_X64_PENDING_INTERRUPTION_REGISTER PendingInterruption;
    WHV_X64_DELIVERABILITY_NOTIFICATIONS_REGISTER DeliverabilityNotifications;
    WHV_X64_PENDING_EXCEPTION_EVENT ExceptionEvent;
    WHV_X64_PENDING_EXT_INT_EVENT ExtIntEvent;
    WHV_INTERNAL_ACTIVITY_REGISTER InternalActivity;
    WHV_X64_PENDING_DEBUG_EXCEPTION PendingDebugException;
} WHV_REGISTER_VALUE;

/* ---- Exit contexts: what the hypervisor reports with an exit ---- */

/* A summary of processor state at the exit, enough to decide how to emulate without
 * fetching registers: privilege level, protected mode (CR0.PE), alignment checking
 * (CR0.AM), long mode active (EFER.LMA), and whether an event was being delivered. */
typedef union WHV_X64_VP_EXECUTION_STATE {
    WHVEMU_ANONYMOUS struct {
        UINT16 Cpl : 2;
        UINT16 Cr0Pe : 1;
        UINT16 Cr0Am : 1;
        UINT16 EferLma : 1;
        UINT16 DebugActive : 1;
        UINT16 InterruptionPending : 1;
        UINT16 Reserved0 : 5;
        UINT16 InterruptShadow : 1;
        UINT16 Reserved1 : 3;
    };
    UINT16 AsUINT16;
} WHV_X64_VP_EXECUTION_STATE;

typedef struct WHV_VP_EXIT_CONTEXT {
    WHV_X64_VP_EXECUTION_STATE ExecutionState;
    UINT8 InstructionLength : 4;
    UINT8 Cr8 : 4;
    UINT8 Reserved;
    UINT32 Reserved2;
    WHV_X64_SEGMENT_REGISTER Cs;
    UINT64 Rip;
    UINT64 Rflags;
} WHV_VP_EXIT_CONTEXT;

typedef union WHV_MEMORY_ACCESS_INFO {
    WHVEMU_ANONYMOUS struct {
        UINT32 AccessType : 2; /* a WHV_MEMORY_ACCESS_TYPE */
        UINT32 GpaUnmapped : 1;
        UINT32 GvaValid : 1;
        UINT32 Reserved : 28;
    };
    UINT32 AsUINT32;
} WHV_MEMORY_ACCESS_INFO;

/* A guest access to a GPA the VMM did not map as RAM (MMIO). InstructionBytes holds the
 * first InstructionByteCount bytes at CS:RIP, possibly fewer than the instruction has. */
typedef struct WHV_MEMORY_ACCESS_CONTEXT {
    UINT8 InstructionByteCount;
    UINT8 Reserved[3];
    UINT8 InstructionBytes[16];
    WHV_MEMORY_ACCESS_INFO AccessInfo;
    WHV_GUEST_PHYSICAL_ADDRESS Gpa;
    WHV_GUEST_VIRTUAL_ADDRESS Gva;
} WHV_MEMORY_ACCESS_CONTEXT;

typedef union WHV_X64_IO_PORT_ACCESS_INFO {
    WHVEMU_ANONYMOUS struct {
        UINT32 IsWrite : 1;
        UINT32 AccessSize : 3; /* bytes: 1, 2 or 4 */
        UINT32 StringOp : 1;
        UINT32 RepPrefix : 1;
        UINT32 Reserved : 26;
    };
    UINT32 AsUINT32;
} WHV_X64_IO_PORT_ACCESS_INFO;

/* A port I/O instruction. The registers an IN/OUT/INS/OUTS reads come with the exit, so
 * the common cases need no register fetch. */
typedef struct WHV_X64_IO_PORT_ACCESS_CONTEXT {
    UINT8 InstructionByteCount;
    UINT8 Reserved[3];
    UINT8 InstructionBytes[16];
    WHV_X64_IO_PORT_ACCESS_INFO AccessInfo;
    UINT16 PortNumber;
    UINT16 Reserved2[3];
    UINT64 Rax;
    UINT64 Rcx;
    UINT64 Rsi;
    UINT64 Rdi;
    WHV_X64_SEGMENT_REGISTER Ds;
    WHV_X64_SEGMENT_REGISTER Es;
} WHV_X64_IO_PORT_ACCESS_CONTEXT;

#ifdef __cplusplus
} /* extern "C" */

/* In C++ the SDK makes the flag enums closed under bitwise operators, so that
 * "ValidateRead | PrivilegeExempt" is still a WHV_TRANSLATE_GVA_FLAGS. */
#ifdef DEFINE_ENUM_FLAG_OPERATORS
DEFINE_ENUM_FLAG_OPERATORS(WHV_TRANSLATE_GVA_FLAGS)
#else
extern "C++" {
inline WHV_TRANSLATE_GVA_FLAGS operator|(WHV_TRANSLATE_GVA_FLAGS a, WHV_TRANSLATE_GVA_FLAGS b)
{
    return WHV_TRANSLATE_GVA_FLAGS(UINT32(a) | UINT32(b));
}
inline WHV_TRANSLATE_GVA_FLAGS operator&(WHV_TRANSLATE_GVA_FLAGS a, WHV_TRANSLATE_GVA_FLAGS b)
{
    return WHV_TRANSLATE_GVA_FLAGS(UINT32(a) & UINT32(b));
}
inline WHV_TRANSLATE_GVA_FLAGS operator^(WHV_TRANSLATE_GVA_FLAGS a, WHV_TRANSLATE_GVA_FLAGS b)
{
    return WHV_TRANSLATE_GVA_FLAGS(UINT32(a) ^ UINT32(b));
}
inline WHV_TRANSLATE_GVA_FLAGS operator~(WHV_TRANSLATE_GVA_FLAGS a)
{
    return WHV_TRANSLATE_GVA_FLAGS(~UINT32(a));
}
inline WHV_TRANSLATE_GVA_FLAGS &operator|=(WHV_TRANSLATE_GVA_FLAGS &a, WHV_TRANSLATE_GVA_FLAGS b)
{
    return a = a | b;
}
inline WHV_TRANSLATE_GVA_FLAGS &operator&=(WHV_TRANSLATE_GVA_FLAGS &a, WHV_TRANSLATE_GVA_FLAGS b)
{
    return a = a & b;
}
inline WHV_TRANSLATE_GVA_FLAGS &operator^=(WHV_TRANSLATE_GVA_FLAGS &a, WHV_TRANSLATE_GVA_FLAGS b)
{
    return a = a ^ b;
}
}
#endif
#endif /* __cplusplus */

#endif /* !_WINHVAPIDEFS_H_ */
#endif /* WHVEMU_WINHVPLATFORMDEFS_H */
