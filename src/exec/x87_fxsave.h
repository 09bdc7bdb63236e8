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

#include "WinHvPlatformDefs.h"
#include "exec/x87.h"

#define FXSAVE_BYTES 512u
#define MXCSR_INIT 0x1f80u
/* What MXCSR_MASK means when it reads 0 (processors before it existed): SDM vol. 1 §11.6.6. */
#define MXCSR_DEFAULT_MASK 0xffbfu

/* The image of s in FXSAVE's layout, every byte of 0-511 (reserved ones zero): the 64-bit
 * pointer format when rex_w (FIP and FDP 63:0, no FCS and FDS), else the 32-bit one
 * (offsets 31:0, selectors 47:32, then two zero bytes). */
void fxsave_image_store(const struct fxsave_state *s, bool rex_w, uint8_t image[FXSAVE_BYTES]);

/* s from an image, every field as the bytes say (MXCSR_MASK included; FCS and FDS 0 from
 * the 64-bit format, which has none); no rule of FXRSTOR applied. */
void fxsave_image_load(struct fxsave_state *s, bool rex_w, const uint8_t image[FXSAVE_BYTES]);

/* ---- the SDK's register names ----
 *
 * WHvX64RegisterXmm0 (1000H) to WHvX64RegisterXmmControlStatus (1019H) are 26 consecutive
 * names whose values are FXSAVE's image: Xmm i is bytes 160 + 16i, FpMmx j 32 + 16j,
 * FpControlStatus 0-15, XmmControlStatus 16-31. Their pointer unions are read in the
 * format of the guest's mode: the 64-bit one (LastFpRip, LastFpRdp) in 64-bit mode, EIP and
 * CS (LastFpEip, LastFpCs) elsewhere — what FXRSTOR there would load by default. */
#define X87_SDK_FIRST WHvX64RegisterXmm0
#define X87_SDK_COUNT 26u
#define X87_SDK_BIT(name) (UINT32_C(1) << ((name)-X87_SDK_FIRST))

void fxsave_state_from_registers(struct fxsave_state *s, const WHV_REGISTER_VALUE *values,
                                 bool mode64);
void fxsave_state_to_registers(const struct fxsave_state *s, WHV_REGISTER_VALUE *values,
                               bool mode64);

/* The names an instruction reads (X87_SDK_BIT set): FpControlStatus for every x87 form;
 * XmmControlStatus too where the pointers or MXCSR are involved; the eight FpMmx where a
 * register, a tag or TOP's slots are (every form but FLDCW, FNSTCW, FNSTSW); Xmm0-15 for
 * FXSAVE and FXRSTOR; XmmControlStatus alone for the MXCSR forms. */
uint32_t x87_sdk_registers(const struct insn *in);

/* ---- the instructions ---- */

enum fxsave_form { FX_NONE = 0, FX_FXSAVE, FX_FXRSTOR, FX_LDMXCSR, FX_STMXCSR };

/* FXSAVE and FXRSTOR (REX.W or not), LDMXCSR and STMXCSR (VEX or not) by mnemonic. */
enum fxsave_form fxsave_form_of(const struct insn *in);
unsigned fxsave_operand_bytes(enum fxsave_form f); /* 512 or 4 */
bool fxsave_form_reads(enum fxsave_form f);

/* The state checks: FXSAVE/FXRSTOR #UD with CR0.EM, then #NM with CR0.TS (SDM vol. 2A
 * FXSAVE, FXRSTOR, "Protected Mode Exceptions"); LDMXCSR/STMXCSR #UD with CR0.EM or without
 * CR4.OSFXSR, VLDMXCSR/VSTMXCSR #UD without CR4.OSXSAVE or XCR0's SSE and AVX bits (exception
 * type 5, vol. 2A §2.4, Table 2-22), then #NM with CR0.TS. None waits for x87 exceptions. */
enum x87_check fxsave_check(const struct x87_request *rq);

/* What decides the image besides the state: the 64-bit pointer format (REX.W); 64-bit
 * mode (XMM8-15); CR4.OSFXSR clear (XMM not saved or loaded; MXCSR still is — as Intel
 * CPUs do, the SDM leaves it to the implementation); AMD's fast FXSAVE/FXRSTOR (EFER.FFXSR
 * in 64-bit mode at CPL 0: XMM not saved or loaded, AMD APM vol. 4 FXSAVE). */
struct fxsave_rules {
    bool rex_w, mode64, osfxsr, fast;
    struct x87_profile profile;
};
struct fxsave_rules fxsave_rules_of(const struct x87_request *rq);

/* FXSAVE: the image of s; returns how many bytes from the start it writes: 416 (bytes
 * 416-511 are never written, measured), 288 without XMM8-15, 160 without XMM. Where the
 * profile says so, FOP, FIP and FDP are written as zeros while FSW.ES is clear. */
unsigned x87_fxsave(const struct fxsave_state *s, const struct fxsave_rules *r,
                    uint8_t image[FXSAVE_BYTES]);
/* FXRSTOR: s from the image; false (#GP(0), s untouched) when its MXCSR sets a bit outside
 * MXCSR_MASK (SDM vol. 1 §11.6.6; a mask of 0 means FFBFH). */
bool x87_fxrstor(struct fxsave_state *s, const struct fxsave_rules *r,
                 const uint8_t image[FXSAVE_BYTES]);
/* LDMXCSR: false (#GP(0)) on a bit outside MXCSR_MASK; STMXCSR. */
bool x87_ldmxcsr(struct fxsave_state *s, const uint8_t value[4]);
void x87_stmxcsr(const struct fxsave_state *s, uint8_t value[4]);

/* One of these instructions, checked (x87_execute calls it). */
struct x87_outcome fxsave_execute(const struct x87_request *rq, struct fxsave_state *s,
                                  uint8_t *operand);

#endif
