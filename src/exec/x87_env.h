/* The x87 control forms in C: FLDCW, FNSTCW, FNSTSW m16, FLDENV, FNSTENV, FRSTOR, FNSAVE, and
 * the full tag word that FNSTENV and FNSAVE store (x87.h's struct fxsave_state holds the
 * abridged one, as FXSAVE and the SDK's FpControlStatus do).
 *
 * The environment has four layouts, by mode (protected; real-address and virtual-8086) and
 * operand size (16: 14 bytes, 32: 28 bytes) — SDM vol. 1 §8.1.10, Figures 8-9 to 8-12 —
 * written here as tables of fields. FNSAVE/FRSTOR add the eight registers, ST(0) first
 * (94 or 108 bytes, Figure 8-13). */
#ifndef WHVEMU_X87_ENV_H
#define WHVEMU_X87_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/x87.h"

/* The bytes of the environment and of the whole saved state. */
#define X87_ENV16_BYTES 14u
#define X87_ENV32_BYTES 28u
#define X87_REGISTER_BYTES 80u

/* The full tag word: two bits per physical register, from the abridged tag and the
 * register's value: 00 valid, 01 zero, 10 special (NaN, infinity, denormal, pseudo-
 * denormal, unnormal, pseudo-NaN/infinity), 11 empty (SDM vol. 1 §8.1.7, §10.5.1.1). */
uint16_t x87_full_tag_word(const struct fxsave_state *s);
/* The abridged tag of a full one: a register is empty only when its tag is 11. The CPU
 * keeps no more (vol. 1 §8.1.7: FLDENV and FRSTOR "use those tag values only to determine
 * if the data registers are empty"). */
uint8_t x87_abridged_tag(uint16_t full);

/* Which layout: the operand size (2: the 16-bit ones, else 32) and the mode. */
struct x87_env_layout {
    bool bits16;
    bool real; /* real-address or virtual-8086 mode */
};

unsigned x87_env_bytes(struct x87_env_layout l);

/* FNSTENV: the environment into env (x87_env_bytes), then every exception masked. */
void x87_fnstenv(struct fxsave_state *s, struct x87_env_layout l, uint8_t *env);
/* FLDENV: the environment from env. */
void x87_fldenv(struct fxsave_state *s, struct x87_env_layout l, const uint8_t *env);
/* FNSAVE: the environment and the registers into image (x87_env_bytes + 80), then the
 * FPU initialised as FNINIT does. */
void x87_fnsave(struct fxsave_state *s, struct x87_env_layout l, uint8_t *image);
/* FRSTOR: the environment and the registers from image. */
void x87_frstor(struct fxsave_state *s, struct x87_env_layout l, const uint8_t *image);

/* FLDCW from two bytes; FNSTCW and FNSTSW into two bytes. */
void x87_fldcw(struct fxsave_state *s, const uint8_t word[2]);
void x87_fnstcw(const struct fxsave_state *s, uint8_t word[2]);
void x87_fnstsw(const struct fxsave_state *s, uint8_t word[2]);

/* FNINIT: FCW 037FH, FSW 0, every register empty, the pointers and FOP 0. */
void x87_fninit(struct fxsave_state *s);

#endif
