/* The native runner of every suite that compares whvemu with this CPU: one instruction
 * run in-process, in 64-bit, 32-bit (compat mode) or 16-bit code (an LDT code segment), with
 * every general-purpose register, RFLAGS and the data segment registers loaded from a frame
 * and stored back, and a fault caught with its vector, error code and CR2 from the signal
 * context. Linux x86-64 only (WHVEMU_NATIVE_X86_64_LINUX); link whvemu_native.
 *
 *     native_init(size);                           once: buffer, runners, LDT, handlers
 *     native_place(64, bytes, length);             the instruction into the slot
 *     struct native_frame in = native_frame_for(64);
 *     in.gpr[NATIVE_RBX] = ...;                    the test's registers
 *     native_run(64, &in, &result);                result.out, or result.faulted
 *
 * The emulator's side runs the same bytes at native_slot_ip(bits).
 *
 * The vector registers (x87/MMX, MXCSR, XMM/YMM/ZMM, k) are part of the state too: the
 * runners load them from native_vector_in() before the instruction and store them into
 * native_vector_out() after it (or copy them from the signal frame at a fault), as XSAVE
 * images in the standard format. */
#ifndef WHVEMU_TEST_NATIVE_H
#define WHVEMU_TEST_NATIVE_H

#include <stdbool.h>
#include <stdint.h>

/* The runners' register frame; native_stubs.S knows its layout. */
enum { NSEG_ES, NSEG_CS, NSEG_SS, NSEG_DS, NSEG_FS, NSEG_GS, NSEG_COUNT };
enum {
    NATIVE_RAX,
    NATIVE_RCX,
    NATIVE_RDX,
    NATIVE_RBX,
    NATIVE_RSP,
    NATIVE_RBP,
    NATIVE_RSI,
    NATIVE_RDI
};
struct native_frame {
    uint64_t gpr[16]; /* RAX..R15 in encoding order */
    uint64_t rflags;
    uint16_t seg[NSEG_COUNT]; /* selectors; of `in`, ES, SS and DS are loaded */
    uint32_t pad;
};

/* Selectors the harness can give the data segment registers. The LDT entries are
 * installed by native_init; their bases are native_layout's. */
#define SEL_USER_DS 0x2b /* flat 4 GiB data, the process's own */
#define SEL_USER32_CS 0x23
#define SEL_USER64_CS 0x33
#define SEL_LDT(index) ((uint16_t)(((index) << 3) | 4 | 3))
enum ldt_entry {
    LDT_CODE16,    /* 16-bit code at native_code16_base, limit 0xffff */
    LDT_DATA16,    /* 16-bit data at the buffer, limit 0xffff */
    LDT_DATA16_HI, /* 16-bit data at the buffer + LDT_DATA16_HI_OFFSET, limit 0xffff */
    LDT_DATA32,    /* 32-bit data at the buffer, limit 4 GiB - 1 (page granular) */
    LDT_DATA32_HI, /* the same at the buffer + LDT_DATA32_HI_OFFSET: offsets below wrap */
    LDT_COUNT
};
#define LDT_DATA16_HI_OFFSET 0x800u
#define LDT_DATA32_HI_OFFSET 0x1000u

/* The 8-byte descriptor of an LDT entry as the CPU reads it (accessed bit set). */
uint64_t native_ldt_descriptor(enum ldt_entry entry);

/* An LDT code or data segment as modify_ldt describes one (DPL 3). Other tests install
 * more entries after LDT_COUNT with native_set_ldt. */
struct ldt_spec {
    uint64_t base;
    uint32_t limit; /* 20 bits; in 4 KiB pages when `pages` */
    bool bits32, code, pages;
    bool expand_down; /* data only */
    bool read_only;   /* data: not writable; code: execute-only */
    bool conforming;  /* code only */
    bool not_present;
    bool available; /* the AVL bit (modify_ldt's `useable`) */
};
uint64_t native_descriptor_of(const struct ldt_spec *spec);
bool native_set_ldt(unsigned index, const struct ldt_spec *spec);

/* The memory the instruction may touch: `size` bytes of RAM at `buffer`, preceded by a
 * read-only page of fixed random bytes at `read_only` (writes fault with #PF, present),
 * inside a reservation of `guard_size` bytes of inaccessible pages that starts at `guard`
 * (so that an access that strays a little faults with #PF instead of touching the
 * program). All below 2 GiB. */
struct native_layout {
    uint8_t *buffer;
    uint32_t size;
    const uint8_t *read_only; /* NATIVE_PAGE bytes, just below the buffer */
    uint64_t guard;
    uint64_t guard_size;
    uint64_t code_start, code_end; /* the runners' code (CS-relative reads may see it) */
    uint64_t code16_base;          /* base of the 16-bit code segment */
    uint64_t fs_base, gs_base;     /* 64-bit mode FS/GS bases while a runner runs */
};

struct native_result {
    struct native_frame out; /* registers after the instruction, or at the fault */
    bool branched;           /* 64-bit code went on at native_target_ip, not after the slot */
    bool faulted;
    int signo;
    uint8_t vector;
    uint32_t error_code;
    uint64_t cr2;      /* the faulting address of a #PF */
    uint64_t fault_ip; /* RIP/EIP/IP of the faulting instruction (of the next one
                                * for a trap) */
};

/* Map the buffer, make the runners patchable, install the LDT and the fault handlers.
 * Prints why and returns false when the host cannot do it. Later calls return the first
 * one's answer (and keep its buffer). */
bool native_init(uint32_t buffer_size);

/* Whether code of `bits` can run here (probed by native_init). */
bool native_mode_available(unsigned bits);
const struct native_layout *native_layout(void);

/* The instruction pointer of the slot in code of `bits` (16: offset within the 16-bit
 * code segment; 32/64: linear address). */
uint64_t native_slot_ip(unsigned bits);

#define NATIVE_PAGE 4096u

/* The slot's size: the code after it stores the registers (a branch may land there). */
#define NATIVE_SLOT_SIZE 16

/* In 64-bit code, a second place a branch may land, this far from the slot's start: the
 * run then reports `branched`, so that a test tells a taken branch from a fall-through. */
#define NATIVE_TARGET_OFFSET 24
uint64_t native_target_ip(void);

/* An instruction written in AT&T syntax, assembled as data (never run where it is):
 * NAME_insn to NAME_end are its bytes for native_place and for the emulator. Its local label
 * 2 is NATIVE_TARGET_OFFSET bytes after its start, so that "jmp 2f" placed in the 64-bit
 * slot jumps to native_target_ip. */
#define NATIVE_STRINGIFY_(x) #x
#define NATIVE_STRINGIFY(x) NATIVE_STRINGIFY_(x)
#define NATIVE_INSN(name, text)                                                                    \
    extern const uint8_t name##_insn[], name##_end[];                                              \
    __asm__(".pushsection .rodata\n" #name "_insn:\n" text "\n" #name "_end:\n"                    \
            ".org " #name "_insn + " NATIVE_STRINGIFY(NATIVE_TARGET_OFFSET) ", 0xcc\n"             \
                                                                            "2:\n.popsection\n")

/* Copy the instruction into the slot of the runner for `bits`. */
void native_place(unsigned bits, const uint8_t *bytes, unsigned length);

/* A frame that runs in code of `bits`: RFLAGS with IF and bit 1 (as user mode has them),
 * the mode's data segments (flat in 64- and 32-bit code, the buffer's 16-bit segment in
 * 16-bit code), RSP in the middle of the buffer, every other register zero. */
struct native_frame native_frame_for(unsigned bits);

/* Run the placed instruction from `in`. Registers 32/16-bit code cannot store (R8-R15)
 * come back as zero there. */
void native_run(unsigned bits, const struct native_frame *in, struct native_result *result);

/* ---- vector state ---- */

/* The XSAVE state components the runners load and store: XCR0's x87, SSE, AVX, opmask,
 * ZMM_Hi256 and Hi16_ZMM (PKRU, AMX and the rest stay the host's). 0 on a CPU or kernel
 * without XSAVE: the images are then FXSAVE's 512 bytes (x87 and SSE). */
#define NATIVE_VECTOR_COMPONENTS UINT64_C(0xe7)
uint64_t native_vector_mask(void);

/* The images' room: enough for every component up to AMX's (CPUID.(EAX=0DH,ECX=0).EBX is
 * checked against it at native_init). 64-byte aligned. */
#define NATIVE_XSAVE_MAX 16384u

/* The image the next runs load (XSAVE standard format, header included; XSTATE_BV clear
 * for a component loads its init state). native_init fills it with the init state of
 * everything (FCW 037FH, MXCSR 1F80H); a test that sets it keeps it for its later runs. */
uint8_t *native_vector_in(void);

/* The registers after the last run, or at its fault: an image of the same format (from
 * the signal frame, whose XSAVE area the kernel writes in the standard format too). */
const uint8_t *native_vector_out(void);

#endif
