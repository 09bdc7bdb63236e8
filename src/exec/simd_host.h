/* Host stubs for SIMD computation (docs/simd-compute.md): a per-thread executable page that
 * holds the stubs simd_compute.c encodes, and the code that runs one with the guest's
 * registers in the host's vector registers 0-3.
 *
 * A stub is at most SIMD_STUB_BYTES of our own encoding (simd_compute_encode): one
 * allowlisted instruction on fixed registers and [rdi], then RET. The page is the calling
 * thread's: it writes and runs its own stubs only, so no other thread ever sees a stub
 * change. */
#ifndef WHVEMU_SIMD_HOST_H
#define WHVEMU_SIMD_HOST_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes of a stub slot: the longest encoding (EVEX: 4 prefix bytes, opcode, ModRM, imm8)
 * and RET fit, the rest is INT3. */
#define SIMD_STUB_BYTES 16

/* The registers a stub runs with. In: v[0..3] (host xmm/ymm/zmm0-3, at the host's widest
 * width), mem (what [rdi] names), k1, rax, rcx, rdx, mxcsr. Out: v[0..3], k2 and k3 (an
 * opmask destination; k3 the second of VP2INTERSECT's pair), rax, rcx, rdx, rflags, mxcsr. */
struct simd_host_regs {
    _Alignas(64) uint8_t v[4][64];
    _Alignas(64) uint8_t mem[64];
    uint64_t k1, k2, k3;
    uint64_t rax, rcx, rdx;
    uint64_t rflags;
    uint32_t mxcsr;
    uint64_t mm0; /* MMX forms: mm0 in and out (simd_host_run_mmx) */
};

/* Whether this build runs host stubs at all (x86-64, GNU C, not -DWHVEMU_HOST_SIMD=OFF). */
bool simd_host_compiled(void);

/* The host's MXCSR_MASK (FXSAVE bytes 28-31, FFBFH when 0): an MXCSR with a bit outside
 * it cannot be loaded. 0 when the build has no stubs. */
uint32_t simd_host_mxcsr_mask(void);

/* Make `code` (SIMD_STUB_BYTES, RET and INT3 padding included) runnable on this thread and
 * hold the thread's page until simd_host_release(): NULL when the page cannot be made
 * (W^X policies), the build has no stubs, or the thread is already inside a stub's use (a
 * signal handler emulating while the interrupted code holds the page) — the caller then
 * reports the instruction unsupported. */
const void *simd_host_acquire(const uint8_t code[SIMD_STUB_BYTES]);
void simd_host_release(void);

/* Run an acquired stub. */
void simd_host_run(const void *stub, struct simd_host_regs *r);

/* Run an acquired stub of an MMX form: the host's x87/MMX/SSE state saved (FXSAVE), an
 * image with mm0 and nothing pending loaded (FXRSTOR: the stub cannot raise #MF), the stub,
 * mm0 taken back, the host's state restored (FXRSTOR). */
void simd_host_run_mmx(const void *stub, struct simd_host_regs *r);

/* The fixed operations DPPS and DPPD are made of, for the MXCSR rule's stages (simd_dot.c):
 * a = a op b on 16 bytes, run with *mxcsr (the caller's: every exception masked), the flags
 * they raised then in *mxcsr. They are this file's own instructions, not stubs: no page is
 * needed. False when the build has no host stubs. */
enum simd_host_op { SIMD_HOST_MULPS, SIMD_HOST_MULPD, SIMD_HOST_ADDPS, SIMD_HOST_ADDPD };
bool simd_host_op(enum simd_host_op op, uint32_t *mxcsr, uint8_t a[16], const uint8_t b[16]);

/* For tests: the cache slot of a stub, and the stubs this thread has written. */
unsigned simd_host_slot(const uint8_t code[SIMD_STUB_BYTES]);
unsigned long simd_host_writes(void);

#endif
