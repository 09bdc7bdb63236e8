/* SIMD data movement (issue 10), the pure part: what a move does with the bytes of its
 * register and memory operands, given its shape and geometry.
 *
 * Every move maps the elements of a register (the destination of a load, the source of a
 * store) to elements of one contiguous memory operand: element i of the register comes
 * from, or goes to, memory element slot(i), or no memory element at all. The shape says
 * which slot — the same element (MOVUPS), the low element only (MOVSS), an element picked
 * by imm8 (PEXTRD), element i modulo the memory operand (VBROADCASTF32X4), the next packed
 * one (VPCOMPRESSD) — and how the value changes on the way (zero/sign extension, narrowing
 * with or without saturation). A mask enables elements: the EVEX opmask, or the MSB of
 * each element of another register (VMASKMOVPS, MASKMOVDQU).
 *
 * These functions read and write byte arrays only (no vCPU, no callbacks), so that they are
 * tested exhaustively against a naive model (tests/exec/test_simd_shapes.c); the executor
 * reads the registers into a struct vec_move, does the memory access the enabled bytes
 * name, and writes the result back with the encoding's rule for the bits above it. Gathers
 * and scatters address each element on its own: vsib_element_address(). */
#ifndef WHVEMU_SIMD_SHAPE_H
#define WHVEMU_SIMD_SHAPE_H

#include <stdbool.h>
#include <stdint.h>

/* The widest register (ZMM) and memory operand of a move. */
#define VEC_BYTES 64

/* S(shape, elements, conversion, mask): the shapes. The slot of register element i — the
 * memory element it maps to, if any — is the shape's own (simd_shape.c, memory_slot()); the
 * columns say how many register elements the move has (ALL: reg_bytes / element; ONE: the
 * low one, the rest of a loaded register is zeroed), how a value changes between the
 * register and memory (COPY; ZX, SX: memory elements narrower, extended on a load; TRUNC,
 * SSAT, USAT: narrowed on a store, signed or unsigned saturation), and what enables an
 * element (OPMASK: the mask field; MSB: the most significant bit of the element of `other`,
 * and a disabled element of a load is 0). n is the number of register elements, m of
 * memory elements; sel is the element imm8 selects (imm8 mod n), lane the lane. */
// clang-format off
#define SIMD_SHAPES(S)                                                                             \
    /* shape         elements conversion mask       slot of element i */                        \
    S(FULL,          ALL,     COPY,      OPMASK) /* i: MOVUPS, MOVDQA, VMOVDQU8, LDDQU */         \
    S(SCALAR,        ONE,     COPY,      OPMASK) /* 0: MOVSS, MOVD, MOVQ, VMOVSH, KMOVW */        \
    S(HALF_LOW,      ALL,     COPY,      OPMASK) /* 0 for i = 0: MOVLPS, MOVLPD */                \
    S(HALF_HIGH,     ALL,     COPY,      OPMASK) /* 0 for i = 1: MOVHPS, MOVHPD */                \
    S(DUP_EVEN,      ALL,     COPY,      OPMASK) /* i & ~1: MOVSLDUP (4), MOVDDUP (8) */          \
    S(DUP_ODD,       ALL,     COPY,      OPMASK) /* i | 1: MOVSHDUP */                            \
    S(BROADCAST,     ALL,     COPY,      OPMASK) /* i mod m: VPBROADCASTB, VBROADCASTF32X4 */     \
    S(EXTRACT,       ALL,     COPY,      OPMASK) /* 0 for i = sel: PEXTRB/W/D/Q, EXTRACTPS */     \
    S(INSERT,        ALL,     COPY,      OPMASK) /* 0 for i = sel: PINSRB/W/D/Q */                \
    S(INSERTPS,      ALL,     COPY,      OPMASK) /* 0 for i = imm8[5:4]; imm8[3:0] zeroes */      \
    S(EXTRACT_LANE,  ALL,     COPY,      OPMASK) /* i mod m in lane: VEXTRACTF128 */              \
    S(INSERT_LANE,   ALL,     COPY,      OPMASK) /* i mod m in lane: VINSERTI32X4 */              \
    S(EXTEND_ZX,     ALL,     ZX,        OPMASK) /* i: PMOVZXBW */                                \
    S(EXTEND_SX,     ALL,     SX,        OPMASK) /* i: PMOVSXBW */                                \
    S(NARROW,        ALL,     TRUNC,     OPMASK) /* i: VPMOVQB */                                 \
    S(NARROW_SSAT,   ALL,     SSAT,      OPMASK) /* i: VPMOVSQB */                                \
    S(NARROW_USAT,   ALL,     USAT,      OPMASK) /* i: VPMOVUSQB */                               \
    S(COMPRESS,      ALL,     COPY,      OPMASK) /* enabled below i: VPCOMPRESSD */               \
    S(EXPAND,        ALL,     COPY,      OPMASK) /* enabled below i: VPEXPANDD */                 \
    S(VMASKMOV,      ALL,     COPY,      MSB)    /* i: VMASKMOVPS, VPMASKMOVD */                  \
    S(MASKMOV,       ALL,     COPY,      MSB)    /* i: MASKMOVQ, MASKMOVDQU (bytes) */            \
    S(GATHER,        ALL,     COPY,      OPMASK) /* none: one address per element (VSIB) */       \
    S(SCATTER,       ALL,     COPY,      OPMASK) /* none: VPSCATTERDD */                          \
    S(VSIB_HINT,     ALL,     COPY,      OPMASK) /* none: VGATHERPF0DPS, a prefetch */
// clang-format on

#define SIMD_SHAPE_ENUM(shape, ...) SHAPE_##shape,
enum simd_shape { SIMD_SHAPES(SIMD_SHAPE_ENUM) SHAPE_COUNT };

/* One move's operands as bytes. The geometry (simd_move_geometry() fills it from the decoded
 * instruction): the shape; element, the bytes of a register element and the mask's granule
 * (1..32); reg_bytes, the bytes of the register the move reads (a store) or defines (a load):
 * 8 (MMX, opmask), 16, 32, 64; mem_bytes, the memory operand's (1..64); imm, imm8 (the
 * element or lane selected, INSERTPS's fields); store, memory is the destination; zeroing,
 * EVEX.z: masked-off elements of a load become 0 instead of keeping reg's bytes.
 *
 * The inputs: mask, bit i enabling element i (the EVEX opmask, all ones without one; a lane
 * store's bit j, memory element j; VMASKMOV and MASKMOV take theirs from `other`); reg, a
 * store's source register or a load's old destination; other, where the elements a load does
 * not load come from (legacy SSE: the destination itself, VEX/EVEX: the vvvv register) or
 * VMASKMOV's and MASKMOV's mask register; mem, the memory operand — a load's input (its
 * enabled bytes), a store's output (its enabled bytes). */
struct vec_move {
    uint8_t shape; /* enum simd_shape */
    uint8_t element, reg_bytes, mem_bytes, imm;
    bool store, zeroing;
    uint64_t mask;
    uint8_t reg[VEC_BYTES], other[VEC_BYTES], mem[VEC_BYTES];
};

/* Whether the geometry is one the shape can have (element, sizes, slots within the memory
 * operand). The functions below do nothing outside the operands for any input, valid or
 * not; an invalid move is a bug in its row (tests/exec/test_simd_moves.c checks them). */
bool vec_move_valid(const struct vec_move *m);

/* Gathers, scatters and their prefetches address each element on its own (no slot): the
 * functions below are for the other shapes, the contiguous ones. */
bool simd_shape_contiguous(unsigned shape);

/* The elements the move enables: the mask (from `other` for VMASKMOV and MASKMOV), limited
 * to the register's elements; and all of them (bit i for each element i the move has). */
uint64_t vec_move_elements(const struct vec_move *m);
uint64_t vec_move_all_elements(const struct vec_move *m);

/* The bytes of a memory element: a register element's, or fewer where the move extends or
 * narrows (PMOVZXBD: 1). */
unsigned vec_move_memory_element(const struct vec_move *m);

/* The memory bytes the move accesses, bit i for mem[i]: a load reads them, a store writes
 * them. A load with every element enabled reads the whole operand (MOVDDUP ymm, m256 reads
 * the two quadwords it does not use too). */
uint64_t vec_move_enable(const struct vec_move *m);

/* A load: the destination's new bytes [0, reg_bytes) from m->mem (its enabled bytes), the
 * old destination m->reg and m->other. Above reg_bytes the register keeps or zeroes its
 * bits as the encoding says (the executor's business). */
void vec_move_load(const struct vec_move *m, uint8_t dest[VEC_BYTES]);

/* A store: the enabled bytes of m->mem (vec_move_enable()) from m->reg. */
void vec_move_store(struct vec_move *m);

/* Gathers, scatters: the address of element i, whose index is element i of the index
 * register (index_bytes 4 or 8, sign-extended), times scale, plus base and disp, wrapped to
 * the address size (bits beyond it are ignored, SDM VPGATHERDD "Operation"). */
uint64_t vsib_element_address(const uint8_t index[VEC_BYTES], unsigned index_bytes, unsigned i,
                              uint64_t base, unsigned scale, int64_t disp, unsigned addrsize);

#endif
