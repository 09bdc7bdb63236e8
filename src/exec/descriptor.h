/* Segment descriptors and segment-register loads (Intel SDM vol. 3 ch. 3 and 5), shared by
 * segment.c (MOV/POP Sreg, LDS...), control.c (far transfers), stack.c (POP Sreg) and
 * system.c (LAR/LSL/VERR/VERW, LLDT/LTR). Implemented in segment.c. */
#ifndef WHVEMU_DESCRIPTOR_H
#define WHVEMU_DESCRIPTOR_H

#include "exec/flags.h"
#include "exec/operand.h"

/* The type field of a descriptor (bits 43:40). Code/data (S = 1): */
enum {
    DT_ACCESSED = 1,
    DT_WRITABLE = 2, /* data; for code: readable */
    DT_READABLE = 2,
    DT_EXPAND_DOWN = 4, /* data; for code: conforming */
    DT_CONFORMING = 4,
    DT_CODE = 8,
};

/* System descriptor types (S = 0). In IA-32e mode the 32-bit names mean the 64-bit ones. */
enum {
    DT_TSS16_AVAILABLE = 1,
    DT_LDT = 2,
    DT_TSS16_BUSY = 3,
    DT_CALL_GATE16 = 4,
    DT_TASK_GATE = 5,
    DT_INTERRUPT_GATE16 = 6,
    DT_TRAP_GATE16 = 7,
    DT_TSS_AVAILABLE = 9,
    DT_TSS_BUSY = 11,
    DT_CALL_GATE = 12,
    DT_INTERRUPT_GATE = 14,
    DT_TRAP_GATE = 15,
};

/* A descriptor as read from the GDT or LDT. */
struct descriptor {
    uint64_t raw;      /* the 8 bytes */
    uint64_t raw_high; /* the next 8 bytes: system descriptors in IA-32e mode (wide) */
    uint64_t address;  /* linear address, to write the accessed/busy bit back */
};

static inline unsigned desc_type(const struct descriptor *d)
{
    return (unsigned)(d->raw >> 40) & 15;
}
static inline bool desc_is_system(const struct descriptor *d)
{
    return !((d->raw >> 44) & 1);
}
static inline unsigned desc_dpl(const struct descriptor *d)
{
    return (unsigned)(d->raw >> 45) & 3;
}
static inline bool desc_present(const struct descriptor *d)
{
    return (d->raw >> 47) & 1;
}
static inline bool desc_long(const struct descriptor *d)
{
    return (d->raw >> 53) & 1;
}
static inline bool desc_default_big(const struct descriptor *d)
{
    return (d->raw >> 54) & 1;
}
static inline bool desc_is_code(const struct descriptor *d)
{
    return !desc_is_system(d) && (desc_type(d) & DT_CODE);
}

/* Limit in bytes - 1, scaled by the granularity bit. */
uint32_t desc_limit(const struct descriptor *d);

/* Base address; a wide (16-byte) system descriptor adds bits 63:32. */
uint64_t desc_base(const struct descriptor *d, bool wide);

/* Selector fields. */
static inline bool selector_is_null(uint16_t sel)
{
    return (sel & 0xfffc) == 0;
}
static inline unsigned selector_rpl(uint16_t sel)
{
    return sel & 3;
}
/* The error code a selector fault reports: the selector without its RPL. */
static inline uint32_t selector_error(uint16_t sel)
{
    return sel & 0xfffcu;
}

/* True in protected mode outside virtual-8086 mode: selectors name descriptors. */
static inline bool descriptors_apply(const struct vcpu *cpu)
{
    return cpu->protected_mode && !cpu->v86;
}

/* Read a far pointer m16:16/m16:32/m16:64 (the offset first, the selector after it) from a
 * memory operand. The offset has the operand size, except that AMD CPUs ignore REX.W there
 * and read m16:32 (seen natively with LGS on an AMD EPYC; tests/control). */
enum exec_result far_pointer_read(struct vcpu *cpu, const struct insn *in, const struct operand *op,
                                  uint16_t *selector, uint64_t *offset, unsigned *offset_size);

/* Read the descriptor a selector names, from the GDT or the LDT, 8 bytes or (wide) 16.
 * *in_table is false when the selector lies beyond the table's limit (or names the LDT
 * while LDTR is null): the callers decide what that means (#GP(selector), ZF = 0). */
enum exec_result descriptor_read(struct vcpu *cpu, uint16_t selector, bool wide,
                                 struct descriptor *d, bool *in_table);

/* Set type bits of a descriptor in memory (and in d) unless they are set already: the
 * accessed bit of code/data, the busy bit of a TSS. */
enum exec_result descriptor_set_type_bits(struct vcpu *cpu, struct descriptor *d, unsigned bits);

/* The segment-register value a descriptor gives (selector, base, scaled limit, attributes). */
WHV_X64_SEGMENT_REGISTER descriptor_to_segment(const struct descriptor *d, uint16_t selector,
                                               bool wide);

/* Write a segment register in the register cache. */
void segment_set(struct vcpu *cpu, enum segreg seg, const WHV_X64_SEGMENT_REGISTER *s);

/* The value a real-mode or virtual-8086-mode load of selector gives seg. */
WHV_X64_SEGMENT_REGISTER segment_real_mode(struct vcpu *cpu, enum segreg seg, uint16_t selector);

/* Load a data segment register (DS, ES, FS, GS) or SS with a selector, as MOV Sreg, POP Sreg
 * and LDS... do: real and virtual-8086 mode form the base from the selector; protected
 * mode checks the descriptor (null, limit, type, privilege, present) and sets its accessed
 * bit. */
enum exec_result segment_load(struct vcpu *cpu, enum segreg seg, uint16_t selector);

/* Load SS for code that will run at cpl (a return to an outer privilege level). */
enum exec_result segment_load_stack(struct vcpu *cpu, uint16_t selector, unsigned cpl);

/* IA-32e mode, a call through a gate to a more privileged level: SS becomes the null
 * selector with RPL = cpl. */
void segment_load_null_stack(struct vcpu *cpu, unsigned cpl);

/* After a return to an outer privilege level: DS, ES, FS and GS that name data or
 * non-conforming code more privileged than cpl become null (SDM RET, IRET). The selector
 * is cleared and the register marked unusable; the cached base stays. */
void segment_drop_inaccessible(struct vcpu *cpu, unsigned cpl);

/* After MOV SS or POP SS: interrupts (and debug traps) are inhibited until the end of the
 * next instruction. */
void interrupt_shadow_after_ss_load(struct vcpu *cpu);

#endif
