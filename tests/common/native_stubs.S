/* The native runner (native.h): code that runs one instruction on this CPU.
 *
 * native_enter loads every general-purpose register, RFLAGS and the data segment
 * registers from native_in and enters the code of the test's mode with an IRETQ: 64-bit
 * code (CS 0x33), 32-bit compat-mode code (CS 0x23) or 16-bit code (an LDT code segment
 * based at native_code16_base). IRETQ loads CS, RIP, RFLAGS and the full RSP at once, so
 * that nothing of the runner runs between RFLAGS.TF and the test but one MOV SS, which
 * loads the test's SS and holds the single-step trap back until after the instruction
 * that follows it: the slot. (IRETQ itself goes to the flat SS: IRET to a 16-bit SS
 * would keep the upper half of ESP from before.)
 *
 * The slots are 16 bytes of NOP: the instruction (at most 15 bytes) is copied over their
 * start, the NOPs after it do nothing. After a slot the runner stores every register,
 * RFLAGS and the segment selectors into native_out and returns to C. native.c makes this
 * section writable at start-up so that it can patch the slots.
 *
 * The program is linked without PIE so that all of this sits below 4 GiB, where 32-bit
 * code can reach it. The 32-bit runner (where the 16-bit one continues after its slot)
 * addresses its data through GS, loaded with the flat user data selector: the
 * instruction under test may load DS, ES or SS (they are part of its state), never GS.
 * A fault in the instruction is delivered to native.c's signal handler, which leaves
 * through siglongjmp: the code after a slot runs only on success.
 *
 * Vector state: native_enter saves the host's x87/SSE/AVX/AVX-512 registers (XSAVE, the
 * components in native_xsave_mask) and loads the test's from native_xin (XRSTOR) before
 * it loads the general-purpose registers; on the way back leave_runner stores them into
 * native_xout and restores the host's before any C runs. Nothing in between touches them,
 * and the mode switches keep them, so the 32- and 16-bit runners are covered by the same
 * two places. A mask of 0 means a CPU without XSAVE: FXSAVE/FXRSTOR then. On a fault
 * native.c copies the registers from the signal frame and calls native_restore_vector. */

#define FRAME_RFLAGS 128
#define FRAME_SEG 136 /* six selectors: ES CS SS DS FS GS */
#define SEG_ES (FRAME_SEG + 0)
#define SEG_CS (FRAME_SEG + 2)
#define SEG_SS (FRAME_SEG + 4)
#define SEG_DS (FRAME_SEG + 6)
#define SEG_FS (FRAME_SEG + 8)
#define SEG_GS (FRAME_SEG + 10)
#define FRAME_SIZE 152

#define USER32_CS 0x23
#define USER64_CS 0x33
#define USER_DS 0x2b
#define SLOT_SIZE 16 /* NATIVE_SLOT_SIZE */
#define TARGET_OFFSET 24 /* NATIVE_TARGET_OFFSET: the 64-bit branch target after the slot */
#define XSAVE_MAX 16384 /* NATIVE_XSAVE_MAX */

/* Save the vector registers into `save`, then load them from `load`, by the mask in
 * native_xsave_mask (EDX:EAX; clobbers RAX and RDX). */
.macro SWITCH_VECTORS save, load
        mov native_xsave_mask(%rip), %eax
        mov native_xsave_mask+4(%rip), %edx
        test %eax, %eax
        jz 8f
        xsave64 \save(%rip)
        xrstor64 \load(%rip)
        jmp 9f
8:      fxsave64 \save(%rip)
        fxrstor64 \load(%rip)
9:
.endm

        .section .bss
        .p2align 6
        .globl native_in, native_out, native_entry_rip, native_entry_cs, native_branched
native_in:      .skip FRAME_SIZE
native_out:     .skip FRAME_SIZE
native_branched: .skip 8    /* set when the 64-bit code went on at native_target64 */
native_entry_rip: .skip 8   /* where IRETQ goes: the MOV SS before the slot */
native_entry_cs:  .skip 8
host_rsp:       .skip 8
        .globl native_xsave_mask
native_xsave_mask: .skip 8  /* the XSAVE components switched; 0: FXSAVE */
/* the XSAVE images: the host's registers while the test's are loaded, the test's before
 * the instruction and after it */
        .p2align 6
        .globl native_xin, native_xout
host_xsave:     .skip XSAVE_MAX
native_xin:     .skip XSAVE_MAX
native_xout:    .skip XSAVE_MAX
        .p2align 4
runner_stack:   .skip 16384
runner_stack_top:

        .section .data
/* The 32- and 16-bit runners leave through a 32-bit far return from this stack (SS:ESP
 * in compat_esp/compat_ss), which the runner's PUSHFL/POPL also uses on the way. */
        .p2align 4
compat_stack:   .skip 64
compat_return:  .long back_in_64, USER64_CS
compat_esp:     .long compat_return
compat_ss:      .word USER_DS

        .section .text.native_runners, "ax", @progbits
        .p2align 12
        .globl native_code_start
native_code_start:

/* ---------------------------------------------------------------- entry ---- */
        .code64
        .globl native_enter
native_enter:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, host_rsp(%rip)
        SWITCH_VECTORS host_xsave, native_xin
        lea runner_stack_top(%rip), %rsp
        pushq $USER_DS
        pushq native_in+32(%rip)
        pushq native_in+FRAME_RFLAGS(%rip)
        pushq native_entry_cs(%rip)
        pushq native_entry_rip(%rip)
        mov native_in+SEG_ES(%rip), %es
        mov native_in+SEG_DS(%rip), %ds
        cmpq $USER64_CS, native_entry_cs(%rip)
        je 1f
        mov $USER_DS, %eax /* compat code: the runner's own data segment */
        mov %eax, %gs
1:      mov native_in+0(%rip), %rax
        mov native_in+8(%rip), %rcx
        mov native_in+16(%rip), %rdx
        mov native_in+24(%rip), %rbx
        mov native_in+40(%rip), %rbp
        mov native_in+48(%rip), %rsi
        mov native_in+56(%rip), %rdi
        mov native_in+64(%rip), %r8
        mov native_in+72(%rip), %r9
        mov native_in+80(%rip), %r10
        mov native_in+88(%rip), %r11
        mov native_in+96(%rip), %r12
        mov native_in+104(%rip), %r13
        mov native_in+112(%rip), %r14
        mov native_in+120(%rip), %r15
        iretq

/* Back in C: GS as a 64-bit program has it (FS, the C library's TLS, was never touched),
 * RFLAGS as the C ABI wants it, the callee-saved registers. */
back_in_64:
        xor %eax, %eax
        mov %eax, %gs
leave_runner:
        mov $USER_DS, %eax /* the test may have loaded another SS */
        mov %eax, %ss
        mov host_rsp(%rip), %rsp
        call native_reset_flags
        SWITCH_VECTORS native_xout, host_xsave
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret

/* DF clear for the C ABI, AC clear so that unaligned accesses do not fault: RFLAGS as a
 * user program starts with (IF and the always-one bit). */
        .globl native_reset_flags
native_reset_flags:
        pushq $0x202
        popfq
        ret

/* The host's vector registers back after a fault (the signal handler ran with the
 * kernel's fresh ones): what leave_runner does on success. */
        .globl native_restore_vector
native_restore_vector:
        mov native_xsave_mask(%rip), %eax
        mov native_xsave_mask+4(%rip), %edx
        test %eax, %eax
        jz 1f
        xrstor64 host_xsave(%rip)
        ret
1:      fxrstor64 host_xsave(%rip)
        ret

/* ES and DS (low and high 16 bits): the signal context does not have them, but the
 * kernel leaves them as the interrupted code had them. */
        .globl native_es_ds
native_es_ds:
        mov %ds, %eax
        shl $16, %eax
        mov %es, %ax
        ret

/* ---------------------------------------------------------------- 64-bit ---- */
        .globl native_body64
native_body64:
        mov native_in+SEG_SS(%rip), %ss
        .globl native_slot64
native_slot64:
        .fill SLOT_SIZE, 1, 0x90
        jmp save64
/* A branch in the slot may go here instead (at a fixed distance from the slot's start, for
 * NATIVE_INSN's label 2): the runner notes it, changing no register and no flag. */
        .org native_slot64 + TARGET_OFFSET, 0xcc
        .globl native_target64
native_target64:
        movb $1, native_branched(%rip)
save64:
        mov %rax, native_out+0(%rip)
        mov %rcx, native_out+8(%rip)
        mov %rdx, native_out+16(%rip)
        mov %rbx, native_out+24(%rip)
        mov %rsp, native_out+32(%rip)
        mov %rbp, native_out+40(%rip)
        mov %rsi, native_out+48(%rip)
        mov %rdi, native_out+56(%rip)
        mov %r8, native_out+64(%rip)
        mov %r9, native_out+72(%rip)
        mov %r10, native_out+80(%rip)
        mov %r11, native_out+88(%rip)
        mov %r12, native_out+96(%rip)
        mov %r13, native_out+104(%rip)
        mov %r14, native_out+112(%rip)
        mov %r15, native_out+120(%rip)
        mov %es, native_out+SEG_ES(%rip)
        mov %cs, native_out+SEG_CS(%rip)
        mov %ss, native_out+SEG_SS(%rip)
        mov %ds, native_out+SEG_DS(%rip)
        mov %fs, native_out+SEG_FS(%rip)
        mov %gs, native_out+SEG_GS(%rip)
        lea runner_stack_top(%rip), %rsp
        pushfq
        popq native_out+FRAME_RFLAGS(%rip)
        jmp leave_runner

/* ------------------------------------------------- 32-bit (compat mode) ---- */
        .code32
        .globl native_body32
native_body32:
        mov %gs:native_in+SEG_SS, %ss
        .globl native_slot32
native_slot32:
        .fill SLOT_SIZE, 1, 0x90
/* Also where the 16-bit runner comes to after its slot. */
save_compat:
        mov %eax, %gs:native_out+0
        mov %ecx, %gs:native_out+8
        mov %edx, %gs:native_out+16
        mov %ebx, %gs:native_out+24
        mov %esp, %gs:native_out+32
        mov %ebp, %gs:native_out+40
        mov %esi, %gs:native_out+48
        mov %edi, %gs:native_out+56
        mov %es, %gs:native_out+SEG_ES
        mov %cs, %gs:native_out+SEG_CS
        mov %ss, %gs:native_out+SEG_SS
        mov %ds, %gs:native_out+SEG_DS
        mov %fs, %gs:native_out+SEG_FS
        mov %gs, %gs:native_out+SEG_GS
        lss %gs:compat_esp, %esp
        pushfl
        popl %gs:native_out+FRAME_RFLAGS
        lret

/* ---------------------------------------------------------------- 16-bit ---- */
/* The LDT code segment starts here (base = native_code16_base, limit 0xffff, D = 0). Its
 * SS comes from inside the (readable) code segment, where native.c puts it, so that no
 * 32-bit address is needed; after the slot a far jump goes on in 32-bit code. */
        .code16
        .p2align 12
        .globl native_code16_base
native_code16_base:
        mov %cs:(native_code16_ss - native_code16_base), %ss
        .globl native_slot16
native_slot16:
        .fill SLOT_SIZE, 1, 0x90
        ljmpl $USER32_CS, $save_compat
        .p2align 1 /* the test's RFLAGS.AC applies to the read of it */
        .globl native_code16_ss
native_code16_ss:
        .word 0

        .p2align 12
        .globl native_code_end
native_code_end:

        .section .note.GNU-stack, "", @progbits
