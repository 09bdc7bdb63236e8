/* FXSAVE, FXRSTOR, LDMXCSR, STMXCSR (x87_fxsave.h). */
#include "exec/x87_fxsave.h"

#include <string.h>

#include "exec/operand.h"

/* Where FXSAVE puts things (SDM vol. 1 Tables 10-2 and 10-3). */
enum {
    FX_FCW = 0,
    FX_FSW = 2,
    FX_FTW = 4,
    FX_FOP = 6,
    FX_FIP = 8,
    FX_FDP = 16,
    FX_MXCSR = 24,
    FX_MXCSR_MASK = 28,
    FX_ST = 32, /* eight 16-byte slots, 10 bytes used */
    FX_XMM = 160,
    FX_SLOT = 16,
};

/* A pointer and its selector: 64-bit format, the whole offset; 32-bit format, offset 31:0,
 * selector 47:32, two zero bytes. */
static void store_pointer(uint8_t *at, bool rex_w, uint64_t offset, uint16_t selector)
{
    store_le(at, 8, rex_w ? offset : (uint32_t)offset | (uint64_t)selector << 32);
}

/* Loading either format, the selector is bits 47:32 (this CPU's FXRSTOR64 does so too). */
static void load_pointer(const uint8_t *at, bool rex_w, uint64_t *offset, uint16_t *selector)
{
    uint64_t value = load_le(at, 8);

    *offset = rex_w ? value : (uint32_t)value;
    *selector = (uint16_t)(value >> 32);
}

void fxsave_image_store(const struct fxsave_state *s, bool rex_w, uint8_t image[FXSAVE_BYTES])
{
    memset(image, 0, FXSAVE_BYTES);
    store_le(image + FX_FCW, 2, s->fcw);
    store_le(image + FX_FSW, 2, s->fsw);
    image[FX_FTW] = s->ftw;
    store_le(image + FX_FOP, 2, s->fop & 0x7ffu);
    store_pointer(image + FX_FIP, rex_w, s->fip, s->fcs);
    store_pointer(image + FX_FDP, rex_w, s->fdp, s->fds);
    store_le(image + FX_MXCSR, 4, s->mxcsr);
    store_le(image + FX_MXCSR_MASK, 4, s->mxcsr_mask);
    for (unsigned j = 0; j < 8; j++)
        memcpy(image + FX_ST + FX_SLOT * j, s->st[j], sizeof s->st[j]);
    for (unsigned i = 0; i < 16; i++)
        memcpy(image + FX_XMM + FX_SLOT * i, s->xmm[i], sizeof s->xmm[i]);
}

void fxsave_image_load(struct fxsave_state *s, bool rex_w, const uint8_t image[FXSAVE_BYTES])
{
    s->fcw = (uint16_t)load_le(image + FX_FCW, 2);
    s->fsw = (uint16_t)load_le(image + FX_FSW, 2);
    s->ftw = image[FX_FTW];
    s->fop = (uint16_t)load_le(image + FX_FOP, 2);
    load_pointer(image + FX_FIP, rex_w, &s->fip, &s->fcs);
    load_pointer(image + FX_FDP, rex_w, &s->fdp, &s->fds);
    s->mxcsr = (uint32_t)load_le(image + FX_MXCSR, 4);
    s->mxcsr_mask = (uint32_t)load_le(image + FX_MXCSR_MASK, 4);
    for (unsigned j = 0; j < 8; j++)
        memcpy(s->st[j], image + FX_ST + FX_SLOT * j, sizeof s->st[j]);
    for (unsigned i = 0; i < 16; i++)
        memcpy(s->xmm[i], image + FX_XMM + FX_SLOT * i, sizeof s->xmm[i]);
}
