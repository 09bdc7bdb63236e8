/* The floors. Each handles exactly one instruction, in the state a VMM's common exit has
 * (64-bit code, no single-step, no event being delivered), and declines everything else
 * with InternalEmulationFailure. What it does is what any correct emulator of the API has
 * to do on that exit:
 * - check the instruction bytes it was given;
 * - fetch, in one Get call, only the registers the result depends on that the exit context
 *   does not carry (RIP, RFLAGS, CS and, for port I/O, RAX/RCX/RSI/RDI come with the exit);
 * - use the exit's GPA for the page the hypervisor reported, and translate any other page
 *   once through the translate callback;
 * - make the accesses the architecture makes, at most 8 bytes each through the memory or
 *   I/O callback (an element of a REP string is one access, as the device must see it);
 * - write back, in one Set call, only what changed. */
#include "floor.h"

#include <stdbool.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#endif

#define RFLAGS_CF 0x1u
#define RFLAGS_PF 0x4u
#define RFLAGS_AF 0x10u
#define RFLAGS_ZF 0x40u
#define RFLAGS_SF 0x80u
#define RFLAGS_TF 0x100u
#define RFLAGS_DF 0x400u
#define RFLAGS_OF 0x800u
#define RFLAGS_RF 0x10000u
#define RFLAGS_AC 0x40000u
#define RFLAGS_ARITH (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)
#define CR0_EM 0x4u
#define CR0_TS 0x8u
#define CR4_OSFXSR 0x200u
#define CR4_OSXSAVE 0x40000u
#define XCR0_SSE_AVX 0x6u
#define PAGE_SIZE 0x1000u
#define PAGE_OFFSET(a) ((a) & (PAGE_SIZE - 1))

/* ---- what every floor checks ---------------------------------------------------------- */

/* The exit the floors take. Anything else needs work a floor does not do (inject #DB,
 * clear RF, check alignment or breakpoints, other modes): declined. */
static bool plain_64bit_exit(const WHV_VP_EXIT_CONTEXT *vp)
{
    WHV_X64_VP_EXECUTION_STATE s = vp->ExecutionState;
    bool alignment_check = s.Cpl == 3 && s.Cr0Am && (vp->Rflags & RFLAGS_AC);
    return s.EferLma && vp->Cs.Long && !s.InterruptionPending && !s.DebugActive &&
           !(vp->Rflags & (RFLAGS_TF | RFLAGS_RF)) && !alignment_check;
}

static bool is_insn(const UINT8 *bytes, unsigned count, const uint8_t *insn, unsigned length)
{
    return count >= length && memcmp(bytes, insn, length) == 0;
}

/* Canonical with 48-bit linear addresses. An address that is not would need CR4.LA57 to
 * tell; the floors decline it, so they never fetch CR4 for the check. */
static bool canonical(uint64_t address)
{
    return (uint64_t)((int64_t)(address << 16) >> 16) == address;
}

/* Ends a floor that could not finish: a callback failure already set its bit; otherwise
 * the floor declined the case. */
static HRESULT stop(WHV_EMULATOR_STATUS *status)
{
    if (!status->AsUINT32)
        status->InternalEmulationFailure = 1;
    return S_OK;
}

/* ---- the callbacks, with their failure bits ------------------------------------------- */

static bool get_regs(const struct floor_emulator *f, void *context, const WHV_REGISTER_NAME *names,
                     UINT32 count, WHV_REGISTER_VALUE *values, WHV_EMULATOR_STATUS *status)
{
    if (SUCCEEDED(
            f->callbacks->WHvEmulatorGetVirtualProcessorRegisters(context, names, count, values)))
        return true;
    status->GetVirtualProcessorRegistersCallbackFailed = 1;
    return false;
}

/* The one write-back; success when it is accepted. Every register a floor writes back is a
 * 64-bit one (Reg64), and each value goes to the callback written whole, in one 16-byte
 * store, as whvemu writes them (core/regcache.h): the VMM copies values 16 bytes at a time,
 * and a value built from two 8-byte stores just before stalls that copy's store forwarding
 * (measured: 4-5 ns per exit on Zen 4). */
#define FLOOR_MAX_SET 4
static HRESULT finish(const struct floor_emulator *f, void *context, const WHV_REGISTER_NAME *names,
                      UINT32 count, const WHV_REGISTER_VALUE *reg64, WHV_EMULATOR_STATUS *status)
{
    WHV_REGISTER_VALUE values[FLOOR_MAX_SET];

    if (count > FLOOR_MAX_SET)
        return stop(status);
    for (UINT32 i = 0; i < count; i++) {
#if defined(__x86_64__) || defined(_M_X64)
        _mm_storeu_si128((__m128i *)(void *)&values[i],
                         _mm_cvtsi64_si128((long long)reg64[i].Reg64));
#else
        values[i].Reg128.Low64 = reg64[i].Reg64;
        values[i].Reg128.High64 = 0;
#endif
    }
    if (FAILED(
            f->callbacks->WHvEmulatorSetVirtualProcessorRegisters(context, names, count, values)))
        status->SetVirtualProcessorRegistersCallbackFailed = 1;
    else
        status->EmulationSuccessful = 1;
    return S_OK;
}

/* The first `size` (1, 2, 4 or 8) bytes of data, zero-extended, read as exactly that many:
 * the guest's callback has just stored them, and a wider load of a narrower store in flight
 * waits for it to retire (whvemu's plans read so too: mmu_phys_read_exact). One constant-size
 * copy per size: a copy of `size` bytes would be a call to memcpy. */
static uint64_t data_read(const UINT8 data[8], unsigned size)
{
    uint8_t b;
    uint16_t w;
    uint32_t d;
    uint64_t q;

    switch (size) {
    case 1: memcpy(&b, data, 1); return b;
    case 2: memcpy(&w, data, 2); return w;
    case 4: memcpy(&d, data, 4); return d;
    default: memcpy(&q, data, 8); return q;
    }
}

/* Reads (direction 0) into *value, zero-extended, or writes (1) its low `size` bytes (Data
 * is copied whole: 8 bytes, one move). */
static bool memory(const struct floor_emulator *f, void *context, uint64_t gpa, unsigned size,
                   UINT8 direction, uint64_t *value, WHV_EMULATOR_STATUS *status)
{
    WHV_EMULATOR_MEMORY_ACCESS_INFO access = { .GpaAddress = gpa,
                                               .Direction = direction,
                                               .AccessSize = (UINT8)size };
    if (direction)
        memcpy(access.Data, value, sizeof access.Data); /* beyond size: not written */
    if (FAILED(f->callbacks->WHvEmulatorMemoryCallback(context, &access))) {
        status->MemoryCallbackFailed = 1;
        return false;
    }
    if (!direction)
        *value = data_read(access.Data, size);
    return true;
}

static bool port(const struct floor_emulator *f, void *context,
                 const WHV_X64_IO_PORT_ACCESS_CONTEXT *io, UINT8 direction, uint32_t *value,
                 WHV_EMULATOR_STATUS *status)
{
    WHV_EMULATOR_IO_ACCESS_INFO access = {
        .Direction = direction, .Port = io->PortNumber, .AccessSize = 1, .Data = *value
    };
    if (FAILED(f->callbacks->WHvEmulatorIoPortCallback(context, &access))) {
        status->IoPortCallbackFailed = 1;
        return false;
    }
    *value = access.Data & 0xff;
    return true;
}

/* The GPA of [gva, gva + size) when it lies in the page the exit reports, which the
 * hypervisor has just translated (for writing too when `write` and the exit was a write:
 * the CPU reports a read-modify-write as one); false otherwise (the floors neither split
 * accesses nor translate the exit's page again). */
static bool exit_page_gpa(const WHV_MEMORY_ACCESS_CONTEXT *mmio, uint64_t gva, uint64_t size,
                          bool write, uint64_t *gpa)
{
    *gpa = (mmio->Gpa & ~(uint64_t)(PAGE_SIZE - 1)) | PAGE_OFFSET(gva);
    if (write && mmio->AccessInfo.AccessType != WHvMemoryAccessWrite)
        return false;
    return mmio->AccessInfo.GvaValid && canonical(gva) && size <= PAGE_SIZE &&
           ((gva ^ mmio->Gva) & ~(uint64_t)(PAGE_SIZE - 1)) == 0 &&
           PAGE_OFFSET(gva) + size <= PAGE_SIZE;
}

/* A REP source [gva, gva + size) in one page other than the exit's, translated for
 * reading; *host is its RAM when the VMM's RAM callback hands the page out (asked only
 * with two elements or more to go, as whvemu.h says). */
static bool source_page(const struct floor_emulator *f, void *context, uint64_t gva, uint64_t size,
                        uint64_t *gpa, const uint8_t **host, WHV_EMULATOR_STATUS *status)
{
    WHV_TRANSLATE_GVA_RESULT_CODE result;
    WHV_GUEST_PHYSICAL_ADDRESS page;
    *host = NULL;
    if (!canonical(gva) || size > PAGE_SIZE || PAGE_OFFSET(gva) + size > PAGE_SIZE)
        return false;
    if (FAILED(f->callbacks->WHvEmulatorTranslateGvaPage(context, gva & ~(uint64_t)(PAGE_SIZE - 1),
                                                         WHvTranslateGvaFlagValidateRead, &result,
                                                         &page))) {
        status->TranslateGvaPageCallbackFailed = 1;
        return false;
    }
    if (result != WHvTranslateGvaResultSuccess)
        return false; /* the fault (#PF) is not a floor's case: declined */
    if (PAGE_OFFSET(page)) {
        status->TranslateGvaPageCallbackGpaIsNotAligned = 1;
        return false;
    }
    *gpa = page | PAGE_OFFSET(gva);
    if (f->ram && size >= 2) {
        uint8_t *mapped = f->ram(context, page, 0);
        *host = mapped ? mapped + PAGE_OFFSET(gva) : NULL;
    }
    return true;
}

/* ---- loads and stores ----------------------------------------------------------------- */

/* EAX = the zero-extended `size` bytes at `address`: RAX is only written, never fetched. */
static HRESULT load_eax(const struct floor_emulator *f, void *context,
                        const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                        uint64_t address, unsigned size, unsigned length,
                        WHV_EMULATOR_STATUS *status)
{
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRax, WHvX64RegisterRip };
    uint64_t gpa, value;
    if (!exit_page_gpa(mmio, address, size, false, &gpa) ||
        !memory(f, context, gpa, size, 0, &value, status))
        return stop(status);
    WHV_REGISTER_VALUE values[2] = { { .Reg64 = value }, { .Reg64 = vp->Rip + length } };
    return finish(f, context, names, 2, values, status);
}

/* `insn` with ModRM [rbx] loading `size` bytes into EAX: RBX is the one register fetched. */
static HRESULT load_eax_from_rbx(const struct floor_emulator *f, void *context,
                                 const WHV_VP_EXIT_CONTEXT *vp,
                                 const WHV_MEMORY_ACCESS_CONTEXT *mmio, const uint8_t *insn,
                                 unsigned length, unsigned size, WHV_EMULATOR_STATUS *status)
{
    static const WHV_REGISTER_NAME rbx_name = WHvX64RegisterRbx;
    WHV_REGISTER_VALUE rbx;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, length) ||
        !get_regs(f, context, &rbx_name, 1, &rbx, status))
        return stop(status);
    return load_eax(f, context, vp, mmio, rbx.Reg64, size, length, status);
}

HRESULT floor_mov_r32_m32(const struct floor_emulator *f, void *context,
                          const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                          WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0x8b, 0x03 }; /* mov eax, [rbx] */
    return load_eax_from_rbx(f, context, vp, mmio, insn, sizeof insn, 4, status);
}

HRESULT floor_movzx_r32_m8(const struct floor_emulator *f, void *context,
                           const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                           WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0x0f, 0xb6, 0x03 }; /* movzx eax, byte [rbx] */
    return load_eax_from_rbx(f, context, vp, mmio, insn, sizeof insn, 1, status);
}

/* mov eax, [rip + disp32]: the address comes from the exit's RIP, so nothing is fetched. */
HRESULT floor_mov_r32_riprel(const struct floor_emulator *f, void *context,
                             const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                             WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0x8b, 0x05 };
    const unsigned length = 6;
    int32_t disp;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, sizeof insn) ||
        mmio->InstructionByteCount < length)
        return stop(status);
    memcpy(&disp, mmio->InstructionBytes + 2, sizeof disp);
    return load_eax(f, context, vp, mmio, vp->Rip + length + (uint64_t)(int64_t)disp, 4, length,
                    status);
}

/* RAX and RBX of an `op [rbx], eax` form, in one Get. */
static bool get_rax_rbx(const struct floor_emulator *f, void *context, WHV_REGISTER_VALUE values[2],
                        WHV_EMULATOR_STATUS *status)
{
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRax, WHvX64RegisterRbx };
    return get_regs(f, context, names, 2, values, status);
}

HRESULT floor_mov_m32_r32(const struct floor_emulator *f, void *context,
                          const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                          WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0x89, 0x03 }; /* mov [rbx], eax */
    static const WHV_REGISTER_NAME rip_name = WHvX64RegisterRip;
    WHV_REGISTER_VALUE regs[2];
    uint64_t gpa;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, sizeof insn) ||
        !get_rax_rbx(f, context, regs, status) ||
        !exit_page_gpa(mmio, regs[1].Reg64, 4, true, &gpa) ||
        !memory(f, context, gpa, 4, 1, &regs[0].Reg64, status))
        return stop(status);
    WHV_REGISTER_VALUE rip = { .Reg64 = vp->Rip + sizeof insn };
    return finish(f, context, &rip_name, 1, &rip, status);
}

/* RFLAGS after a 32-bit ADD giving `sum` from a + b: the six arithmetic flags replaced. */
static uint64_t add32_flags(uint64_t rflags, uint32_t a, uint32_t b, uint32_t sum)
{
    uint64_t flags = (sum < a ? RFLAGS_CF : 0) | (__builtin_parity(sum & 0xff) ? 0 : RFLAGS_PF) |
                     ((a ^ b ^ sum) & RFLAGS_AF) | (sum == 0 ? RFLAGS_ZF : 0) |
                     (sum >> 31 ? RFLAGS_SF : 0) | (((a ^ sum) & (b ^ sum)) >> 31 ? RFLAGS_OF : 0);
    return (rflags & ~(uint64_t)RFLAGS_ARITH) | flags;
}

HRESULT floor_add_m32_r32(const struct floor_emulator *f, void *context,
                          const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                          WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0x01, 0x03 }; /* add [rbx], eax */
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRip, WHvX64RegisterRflags };
    WHV_REGISTER_VALUE regs[2];
    uint64_t gpa, value;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, sizeof insn) ||
        !get_rax_rbx(f, context, regs, status) ||
        !exit_page_gpa(mmio, regs[1].Reg64, 4, true, &gpa) ||
        !memory(f, context, gpa, 4, 0, &value, status))
        return stop(status);
    uint32_t a = (uint32_t)value, b = (uint32_t)regs[0].Reg64;
    uint64_t sum = (uint32_t)(a + b);
    if (!memory(f, context, gpa, 4, 1, &sum, status))
        return stop(status);
    WHV_REGISTER_VALUE values[2] = { { .Reg64 = vp->Rip + sizeof insn },
                                     { .Reg64 = add32_flags(vp->Rflags, a, b, (uint32_t)sum) } };
    return finish(f, context, names, 2, values, status);
}

/* ---- SIMD stores (whvemu gets them with issue 10) ------------------------------------- */

/* `qwords` 8-byte stores of `data` to [address] in the exit's page, then RIP. */
static HRESULT store_vector(const struct floor_emulator *f, void *context,
                            const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                            uint64_t address, uint64_t *data, unsigned qwords, unsigned length,
                            WHV_EMULATOR_STATUS *status)
{
    static const WHV_REGISTER_NAME rip_name = WHvX64RegisterRip;
    uint64_t gpa;
    if (!exit_page_gpa(mmio, address, qwords * 8u, true, &gpa))
        return stop(status);
    for (unsigned i = 0; i < qwords; i++)
        if (!memory(f, context, gpa + i * 8u, 8, 1, &data[i], status))
            return stop(status);
    WHV_REGISTER_VALUE rip = { .Reg64 = vp->Rip + length };
    return finish(f, context, &rip_name, 1, &rip, status);
}

/* movdqu [rbx], xmm0: CR0 and CR4 decide #UD and #NM, and no exit field carries them. */
HRESULT floor_movdqu_m128_xmm(const struct floor_emulator *f, void *context,
                              const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                              WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0xf3, 0x0f, 0x7f, 0x03 };
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRbx, WHvX64RegisterXmm0,
                                               WHvX64RegisterCr0, WHvX64RegisterCr4 };
    WHV_REGISTER_VALUE r[4];
    uint64_t data[2];
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, sizeof insn) ||
        !get_regs(f, context, names, 4, r, status) || (r[2].Reg64 & (CR0_EM | CR0_TS)) ||
        !(r[3].Reg64 & CR4_OSFXSR))
        return stop(status);
    memcpy(data, &r[1].Reg128, sizeof data);
    return store_vector(f, context, vp, mmio, r[0].Reg64, data, 2, sizeof insn, status);
}

/* XMM0 and YMM0's upper half from the guest's XSAVE area, through the extended-state
 * callback: the only interface of this API that carries the upper half (whvemu.h), so an
 * emulator takes the whole vector from it. The area is the standard format here (a compacted
 * one is declined: its offsets need the layout's sums); a component whose XSTATE_BV bit is
 * clear is in its initial state, zero, whatever its bytes say (SDM vol. 1 §13.6). */
#define XSAVE_XMM0 160
#define XSAVE_XSTATE_BV 512
#define XSAVE_XCOMP_BV 520
#define XSTATE_SSE 0x2u
#define XSTATE_AVX 0x4u
static bool get_ymm0(const struct floor_emulator *f, void *context, uint64_t data[4],
                     WHV_EMULATOR_STATUS *status)
{
    const WHVEMU_XSTATE_COMPONENT *avx = &f->xstate->Layout->Component[2];
    uint32_t size = f->xstate->Layout->AreaSize, written;
    uint64_t xstate_bv, xcomp_bv;

    if (FAILED(f->xstate->GetXstate(context, f->xsave_area, size, &written))) {
        status->GetVirtualProcessorRegistersCallbackFailed = 1;
        return false;
    }
    memcpy(&xstate_bv, f->xsave_area + XSAVE_XSTATE_BV, 8);
    memcpy(&xcomp_bv, f->xsave_area + XSAVE_XCOMP_BV, 8);
    if (written > size || (xcomp_bv >> 63) || !avx->Size || avx->Offset + 16 > written)
        return false;
    memset(data, 0, 32);
    if (xstate_bv & XSTATE_SSE)
        memcpy(data, f->xsave_area + XSAVE_XMM0, 16);
    if (xstate_bv & XSTATE_AVX)
        memcpy(&data[2], f->xsave_area + avx->Offset, 16);
    return true;
}

/* vmovdqu [rbx], ymm0: also XCR0, and the whole of YMM0 from the XSAVE area. */
HRESULT floor_vmovdqu_m256_ymm(const struct floor_emulator *f, void *context,
                               const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                               WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0xc5, 0xfe, 0x7f, 0x03 };
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRbx, WHvX64RegisterCr0,
                                               WHvX64RegisterCr4, WHvX64RegisterXCr0 };
    WHV_REGISTER_VALUE r[4];
    uint64_t data[4];
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) || !f->xstate ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, sizeof insn) ||
        !get_regs(f, context, names, 4, r, status) || (r[1].Reg64 & CR0_TS) ||
        !(r[2].Reg64 & CR4_OSXSAVE) || (r[3].Reg64 & XCR0_SSE_AVX) != XCR0_SSE_AVX ||
        !get_ymm0(f, context, data, status))
        return stop(status);
    return store_vector(f, context, vp, mmio, r[0].Reg64, data, 4, sizeof insn, status);
}

/* ---- REP strings to MMIO -------------------------------------------------------------- */

/* One byte of a REP source: from the RAM the VMM handed out, else through the callback. */
static bool source_byte(const struct floor_emulator *f, void *context, const uint8_t *host,
                        uint64_t gpa, uint64_t *value, WHV_EMULATOR_STATUS *status)
{
    if (!host)
        return memory(f, context, gpa, 1, 0, value, status);
    *value = *host;
    return true;
}

/* rep movsb from RAM to the exit's page, DF clear: one read and one write per byte. */
HRESULT floor_rep_movsb(const struct floor_emulator *f, void *context,
                        const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                        WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0xf3, 0xa4 };
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRcx, WHvX64RegisterRsi,
                                               WHvX64RegisterRdi, WHvX64RegisterRip };
    WHV_REGISTER_VALUE r[4];
    uint64_t src_gpa, dst_gpa, value;
    const uint8_t *host;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) || (vp->Rflags & RFLAGS_DF) ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, sizeof insn) ||
        !get_regs(f, context, names, 3, r, status) ||
        !exit_page_gpa(mmio, r[2].Reg64, r[0].Reg64, true, &dst_gpa) ||
        !source_page(f, context, r[1].Reg64, r[0].Reg64, &src_gpa, &host, status))
        return stop(status);
    for (uint64_t i = 0; i < r[0].Reg64; i++)
        if (!source_byte(f, context, host ? host + i : NULL, src_gpa + i, &value, status) ||
            !memory(f, context, dst_gpa + i, 1, 1, &value, status))
            return stop(status);
    r[1].Reg64 += r[0].Reg64, r[2].Reg64 += r[0].Reg64, r[0].Reg64 = 0;
    r[3].Reg64 = vp->Rip + sizeof insn;
    return finish(f, context, names, 4, r, status);
}

/* rep stosd into the exit's page, DF clear: one 4-byte write per element. */
HRESULT floor_rep_stosd(const struct floor_emulator *f, void *context,
                        const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                        WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0xf3, 0xab };
    static const WHV_REGISTER_NAME get_names[] = { WHvX64RegisterRax, WHvX64RegisterRcx,
                                                   WHvX64RegisterRdi };
    static const WHV_REGISTER_NAME set_names[] = { WHvX64RegisterRcx, WHvX64RegisterRdi,
                                                   WHvX64RegisterRip };
    WHV_REGISTER_VALUE r[3];
    uint64_t dst_gpa, eax;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) || (vp->Rflags & RFLAGS_DF) ||
        !is_insn(mmio->InstructionBytes, mmio->InstructionByteCount, insn, sizeof insn) ||
        !get_regs(f, context, get_names, 3, r, status) || r[1].Reg64 > PAGE_SIZE / 4 ||
        !exit_page_gpa(mmio, r[2].Reg64, r[1].Reg64 * 4, true, &dst_gpa))
        return stop(status);
    eax = (uint32_t)r[0].Reg64;
    for (uint64_t i = 0; i < r[1].Reg64; i++)
        if (!memory(f, context, dst_gpa + i * 4, 4, 1, &eax, status))
            return stop(status);
    WHV_REGISTER_VALUE values[3] = { { .Reg64 = 0 },
                                     { .Reg64 = r[2].Reg64 + r[1].Reg64 * 4 },
                                     { .Reg64 = vp->Rip + sizeof insn } };
    return finish(f, context, set_names, 3, values, status);
}

/* ---- port I/O: the exit carries RAX, RCX, RSI and the port ---------------------------- */

HRESULT floor_out_dx_al(const struct floor_emulator *f, void *context,
                        const WHV_VP_EXIT_CONTEXT *vp, const WHV_X64_IO_PORT_ACCESS_CONTEXT *io,
                        WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0xee };
    static const WHV_REGISTER_NAME rip_name = WHvX64RegisterRip;
    uint32_t al = (uint8_t)io->Rax;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) ||
        !is_insn(io->InstructionBytes, io->InstructionByteCount, insn, sizeof insn) ||
        !port(f, context, io, 1, &al, status))
        return stop(status);
    WHV_REGISTER_VALUE rip = { .Reg64 = vp->Rip + sizeof insn };
    return finish(f, context, &rip_name, 1, &rip, status);
}

/* in al, dx: AL replaced, the rest of RAX (from the exit) kept. */
HRESULT floor_in_al_dx(const struct floor_emulator *f, void *context, const WHV_VP_EXIT_CONTEXT *vp,
                       const WHV_X64_IO_PORT_ACCESS_CONTEXT *io, WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0xec };
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRax, WHvX64RegisterRip };
    uint32_t al = 0;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) ||
        !is_insn(io->InstructionBytes, io->InstructionByteCount, insn, sizeof insn) ||
        !port(f, context, io, 0, &al, status))
        return stop(status);
    WHV_REGISTER_VALUE values[2] = { { .Reg64 = (io->Rax & ~(uint64_t)0xff) | al },
                                     { .Reg64 = vp->Rip + sizeof insn } };
    return finish(f, context, names, 2, values, status);
}

/* rep outsb from RAM, DF clear: one read (or the RAM pointer) and one port write per byte. */
HRESULT floor_rep_outsb(const struct floor_emulator *f, void *context,
                        const WHV_VP_EXIT_CONTEXT *vp, const WHV_X64_IO_PORT_ACCESS_CONTEXT *io,
                        WHV_EMULATOR_STATUS *status)
{
    static const uint8_t insn[] = { 0xf3, 0x6e };
    static const WHV_REGISTER_NAME names[] = { WHvX64RegisterRcx, WHvX64RegisterRsi,
                                               WHvX64RegisterRip };
    uint64_t src_gpa, value;
    const uint8_t *host;
    status->AsUINT32 = 0;
    if (!plain_64bit_exit(vp) || (vp->Rflags & RFLAGS_DF) ||
        !is_insn(io->InstructionBytes, io->InstructionByteCount, insn, sizeof insn) ||
        !source_page(f, context, io->Rsi, io->Rcx, &src_gpa, &host, status))
        return stop(status);
    for (uint64_t i = 0; i < io->Rcx; i++) {
        uint32_t byte;
        if (!source_byte(f, context, host ? host + i : NULL, src_gpa + i, &value, status))
            return stop(status);
        byte = (uint32_t)value;
        if (!port(f, context, io, 1, &byte, status))
            return stop(status);
    }
    WHV_REGISTER_VALUE values[3] = { { .Reg64 = 0 },
                                     { .Reg64 = io->Rsi + io->Rcx },
                                     { .Reg64 = vp->Rip + sizeof insn } };
    return finish(f, context, names, 3, values, status);
}
