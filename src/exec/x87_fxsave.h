/* FXSAVE and FXRSTOR (REX.W too), LDMXCSR and STMXCSR (VEX too): their images and rules in
 * C, on a struct fxsave_state (x87.h) and the bytes of the memory operand.
 *
 * Sources: SDM vol. 1 §10.5.1 (Tables 10-2, 10-3: the image), §11.6.6 (MXCSR_MASK); vol. 2A
 * FXSAVE, FXRSTOR, LDMXCSR, STMXCSR; AMD APM vol. 4 FXSAVE/FXRSTOR (FFXSR, CR4.OSFXSR). What
 * this CPU writes was measured (tests/x87, docs/x87.md). */
#ifndef WHVEMU_X87_FXSAVE_H
#define WHVEMU_X87_FXSAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/x87.h"

#define FXSAVE_BYTES 512u
#define MXCSR_INIT 0x1f80u
/* What MXCSR_MASK means when it reads 0 (processors before it existed): SDM vol. 1 §11.6.6. */
#define MXCSR_DEFAULT_MASK 0xffbfu

/* The image of s in FXSAVE's layout, every byte of 0-511 (reserved ones zero): the 64-bit
 * pointer format when rex_w (FIP and FDP 63:0, no FCS and FDS), else the 32-bit one
 * (offsets 31:0, selectors 47:32, then two zero bytes). */
void fxsave_image_store(const struct fxsave_state *s, bool rex_w, uint8_t image[FXSAVE_BYTES]);

/* s from an image, every field as the bytes say (MXCSR_MASK included; FCS and FDS from bits
 * 47:32 of FIP and FDP in both formats, as this CPU's FXRSTOR64 loads them too); no rule of
 * FXRSTOR applied. */
void fxsave_image_load(struct fxsave_state *s, bool rex_w, const uint8_t image[FXSAVE_BYTES]);

#endif
