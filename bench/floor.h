/* Floors: for each case, a hand-written emulator of that one instruction that goes through
 * the same five callbacks the way a perfect emulator of the API must (docs/bench.md,
 * "Floors"). What it costs is what no emulator of this API can beat on that exit. */
#ifndef WHVEMU_BENCH_FLOOR_H
#define WHVEMU_BENCH_FLOOR_H

#include <stdint.h>

#include "WinHvEmulation.h"
#include "whvemu.h"

/* What a floor is given, like an emulator handle: the VMM's callbacks, whvemu's optional
 * RAM callback and extended-state callbacks (NULL when the VMM has none; the very ones the
 * whvemu engine is given), and a buffer of the layout's AreaSize for the XSAVE area, as an
 * emulator handle has. */
struct floor_emulator {
    const WHV_EMULATOR_CALLBACKS *callbacks;
    WHVEMU_RAM_CALLBACK ram;
    const WHVEMU_XSTATE_CALLBACKS *xstate;
    uint8_t *xsave_area;
};

/* The two kinds of floor, as function types: for an MMIO exit and for a port-I/O exit. */
typedef HRESULT floor_mmio_fn(const struct floor_emulator *f, void *context,
                              const WHV_VP_EXIT_CONTEXT *vp, const WHV_MEMORY_ACCESS_CONTEXT *mmio,
                              WHV_EMULATOR_STATUS *status);
typedef HRESULT floor_io_fn(const struct floor_emulator *f, void *context,
                            const WHV_VP_EXIT_CONTEXT *vp, const WHV_X64_IO_PORT_ACCESS_CONTEXT *io,
                            WHV_EMULATOR_STATUS *status);

/* One per case, named by the instruction in SDM operand notation. */
floor_mmio_fn floor_mov_r32_m32, floor_mov_m32_r32, floor_movzx_r32_m8, floor_add_m32_r32,
    floor_mov_r32_riprel, floor_rep_movsb, floor_rep_stosd, floor_movdqu_m128_xmm,
    floor_vmovdqu_m256_ymm;
floor_io_fn floor_out_dx_al, floor_in_al_dx, floor_rep_outsb;

#endif
