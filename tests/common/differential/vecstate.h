/* The vector register state of a differential case in one canonical form — the x87/MMX
 * registers, MXCSR, ZMM0-31 (XMM and YMM are their low 16 and 32 bytes) and k0-k7 — and
 * its XSAVE images, laid out by this host's CPUID leaf 0DH (SDM vol. 1 §13.4 "XSAVE Area"):
 *
 *   - the standard format, which the native runner loads and stores (XRSTOR/XSAVE) and the
 *     kernel writes into a signal frame;
 *   - the compacted format (XSAVEC; XCOMP_BV bit 63), which a VMM's buffer may have too.
 *
 * Parsing honours XSTATE_BV: a component whose bit is clear is in its init state, whatever
 * bytes the image holds. Where the host has no XSAVE, the image is FXSAVE's 512 bytes. */
#ifndef DIFF_VECSTATE_H
#define DIFF_VECSTATE_H

#include <stdbool.h>
#include <stdint.h>

/* XSAVE state components (bit numbers of XCR0, XSTATE_BV, XCOMP_BV). */
enum {
    XCOMP_X87 = 0,
    XCOMP_SSE = 1,
    XCOMP_AVX = 2,       /* YMM_Hi128: bits 255:128 of YMM0-15 */
    XCOMP_OPMASK = 5,    /* k0-k7 */
    XCOMP_ZMM_HI256 = 6, /* bits 511:256 of ZMM0-15 */
    XCOMP_HI16_ZMM = 7,  /* ZMM16-31 */
};
#define XSAVE_LEGACY_SIZE 512u
#define XSAVE_HEADER_SIZE 64u
#define XSAVE_COMPACTED (UINT64_C(1) << 63) /* XCOMP_BV bit 63 */

struct vecstate {
    uint64_t fip, fdp; /* x87 last instruction and data pointers (64-bit format) */
    uint64_t k[8];
    uint32_t mxcsr;
    uint16_t fcw, fsw, fop; /* FSW bits 13:11 are TOS */
    uint8_t ftw;            /* abridged tag word: bit j set = ST(j) not empty */
    uint8_t st[8][10];      /* ST(0)..ST(7) as FXSAVE orders them; MMj is the low 8 bytes
                               * of physical register j = ST((j - TOS) mod 8) */
    uint8_t zmm[32][64];
};

/* Where the components are: CPUID.(EAX=0DH,ECX=i) for every i (size 0: no such
 * component), the components the native runners switch, and MXCSR_MASK. */
struct xsave_layout {
    bool xsave;          /* false: FXSAVE images (x87 and SSE) only */
    uint64_t components; /* native_vector_mask(), or x87|SSE without XSAVE */
    uint32_t mxcsr_mask; /* the MXCSR bits this CPU lets software set */
    /* The x87 last-instruction pointers (FOP, FIP, FDP) come back from XSAVE/FXSAVE even
     * without a pending exception. Measured: AMD CPUs may save them only while FSW.ES is
     * set (and zeros otherwise), unless CPUID 80000008H:EBX[2] says they always do. */
    bool x87_pointers_always_saved;
    uint32_t size[64], offset[64];
    bool align64[64]; /* aligned to 64 bytes in the compacted format */
};

/* This host's layout (computed once). */
const struct xsave_layout *xsave_host_layout(void);

/* Bytes of an image of the layout's components, standard or compacted. */
uint32_t xsave_image_size(const struct xsave_layout *l, bool compacted);

/* Offset of component i (>= 2) in a compacted image whose XCOMP_BV is xcomp_bv: the
 * components present follow each other in index order from byte 576, each rounded up to
 * 64 first when its CPUID flag says so. 0 when i is not in xcomp_bv or not known here. */
uint32_t xsave_compacted_offset(const struct xsave_layout *l, uint64_t xcomp_bv, unsigned i);

/* The init state (SDM vol. 1 §13.6): FCW 037FH, MXCSR 1F80H, all else zero. */
void vecstate_init(struct vecstate *v);

/* The image of v (size xsave_image_size bytes; the layout's components in XSTATE_BV). */
void vecstate_to_xsave(const struct vecstate *v, const struct xsave_layout *l, bool compacted,
                       uint8_t *image);

/* v from an image of `size` bytes, standard or compacted as its XCOMP_BV says. False when
 * the image is too small for what its header names, or names a component this layout does
 * not know. Components outside the layout's are left as v had them. */
bool vecstate_from_xsave(struct vecstate *v, const struct xsave_layout *l, const uint8_t *image,
                         uint32_t size);

/* The FXSAVE legacy region (bytes 0-511, 64-bit format) of v, and back: what the SDK's
 * register names carry (FpControlStatus = bytes 0-15, XmmControlStatus = 16-31, FpMmx j =
 * 32 + 16j, Xmm i = 160 + 16i). */
void vecstate_to_legacy(const struct vecstate *v, uint32_t mxcsr_mask, uint8_t *legacy);
void vecstate_from_legacy(struct vecstate *v, const uint8_t *legacy);

/* Whether the states agree in every register of the layout's components. */
bool vecstate_equal(const struct vecstate *a, const struct vecstate *b,
                    const struct xsave_layout *l);

/* The components (bit i = XSAVE component i) in which the states differ. */
uint64_t vecstate_changed_components(const struct vecstate *a, const struct vecstate *b,
                                     const struct xsave_layout *l);

/* One line per register that differs ("    xmm3: native 0x... emulated 0x..."): XMM, YMM
 * or ZMM by the widest differing part, k, the x87 registers and words, MXCSR. */
void vecstate_print_differences(const char *a_name, const struct vecstate *a, const char *b_name,
                                const struct vecstate *b, const struct xsave_layout *l);

#endif
