/* The native side of the differential test: code that runs one instruction on this CPU.
 *
 * Each runner loads every general-purpose register and RFLAGS from native_in, executes
 * the instruction patched into its slot, stores every register, RFLAGS and the segment
 * selectors into native_out and returns to C. The slots are 16 bytes of NOP: the
 * instruction (at most 15 bytes) is copied over their start, the NOPs after it do
 * nothing. native.c makes this section writable at start-up so that it can patch them.
 *
 * The program is linked without PIE so that all of this sits below 4 GiB, where 32-bit
 * code (the compat-mode runner) and 16-bit code (an LDT code segment based at
 * native_code16_base) can reach it with 32-bit addresses.
 *
 * The 32- and 16-bit runners address their own data through GS, loaded with the flat
 * user data selector: the instruction under test may load DS, ES or SS (they are part of
 * its state), never GS. A fault in the instruction is delivered to native.c's signal
 * handler, which leaves through siglongjmp: the code after a slot runs only on success. */

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
#define USER_DS 0x2b
#define CODE16_SELECTOR 0x07 /* LDT entry 0, RPL 3 (native.c installs it) */

        .section .bss
        .p2align 6
        .globl native_in, native_out
native_in:      .skip FRAME_SIZE
native_out:     .skip FRAME_SIZE
host_rsp:       .skip 8
/* SS:ESP of the 32-bit runner's stack, to leave the test's stack in one LSS. */
compat_esp:     .skip 4
compat_ss:      .skip 2
        .p2align 4
runner_stack:   .skip 16384
runner_stack_top:

        .section .text.native_runners, "ax", @progbits
        .p2align 12
        .globl native_code_start
native_code_start:

/* ---------------------------------------------------------------- 64-bit ---- */
        .code64
        .globl native_run64
native_run64:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, host_rsp(%rip)
        lea runner_stack_top(%rip), %rsp
        pushq native_in+FRAME_RFLAGS(%rip)
        popfq
        mov native_in+SEG_ES(%rip), %es
        mov native_in+SEG_DS(%rip), %ds
        mov native_in+SEG_SS(%rip), %ss
        mov native_in+0(%rip), %rax
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
        mov native_in+32(%rip), %rsp
        .globl native_slot64
native_slot64:
        .fill 16, 1, 0x90
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
        mov host_rsp(%rip), %rsp
        call native_reset_flags
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret

/* ------------------------------------------------- 32-bit (compat mode) ---- */
/* Enter the 32-bit body through a far call to the 32-bit user code selector; the body
 * returns with a far return. The far call pushes 32-bit CS:EIP, so the stack (and this
 * code) must be below 4 GiB: runner_stack is. */
        .globl native_run32
native_run32:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, host_rsp(%rip)
        call flat_data_segments
        lcall *far_body32(%rip)
        jmp back_in_64

/* Return from a 32- or 16-bit runner: the compat code left GS holding USER_DS, which a
 * 64-bit program does not expect; FS (the C library's TLS) was never touched. */
back_in_64:
        xor %eax, %eax
        mov %eax, %gs
        mov host_rsp(%rip), %rsp
        call native_reset_flags
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret

/* The C ABI wants DF clear, and AC set would make unaligned accesses fault: RFLAGS as a
 * user program starts with (IF and the always-one bit). */
        .globl native_reset_flags
native_reset_flags:
        pushq $0x202
        popfq
        ret

/* A fault leaves the segment registers as the test had them (the signal handler
 * returns through siglongjmp); compat code needs flat ones again. Switches to the
 * runners' stack, below 4 GiB, on the way. */
flat_data_segments:
        pop %rcx
        lea runner_stack_top(%rip), %rsp
        mov $USER_DS, %eax
        mov %eax, %ss
        mov %eax, %ds
        mov %eax, %es
        jmp *%rcx

        .globl native_run16
native_run16:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, host_rsp(%rip)
        call flat_data_segments
        lcall *far_enter16(%rip)
        jmp back_in_64

        .p2align 3
far_body32:     .long body32
                .word USER32_CS
far_enter16:    .long enter16
                .word USER32_CS
far_body16:     .long body16 - native_code16_base
                .word CODE16_SELECTOR

        .code32
/* Shared by both 32-bit entries: GS = flat data (the runners' own data segment) and the
 * SS:ESP to return to. */
#define ENTER_COMPAT                                                                    \
        mov $USER_DS, %eax;                                                             \
        mov %eax, %gs;                                                                  \
        mov %esp, %gs:compat_esp;                                                       \
        movw $USER_DS, %gs:compat_ss

body32:
        ENTER_COMPAT
        pushl %gs:native_in+FRAME_RFLAGS
        popfl
        mov %gs:native_in+SEG_ES, %es
        mov %gs:native_in+SEG_DS, %ds
        mov %gs:native_in+0, %eax
        mov %gs:native_in+8, %ecx
        mov %gs:native_in+16, %edx
        mov %gs:native_in+24, %ebx
        mov %gs:native_in+40, %ebp
        mov %gs:native_in+48, %esi
        mov %gs:native_in+56, %edi
        mov %gs:native_in+SEG_SS, %ss
        mov %gs:native_in+32, %esp
        .globl native_slot32
native_slot32:
        .fill 16, 1, 0x90
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
        mov $USER_DS, %eax
        mov %eax, %ds
        mov %eax, %es
        lret

enter16:
        ENTER_COMPAT
        lcall *%gs:far_body16
        lret

/* ---------------------------------------------------------------- 16-bit ---- */
/* The LDT code segment starts here (base = native_code16_base, limit 0xffff, D = 0).
 * Addresses of the runners' data are 32-bit linear: addr32 with GS (base 0). */
        .code16
        .p2align 12
        .globl native_code16_base
native_code16_base:
body16:
        addr32 pushl %gs:native_in+FRAME_RFLAGS
        popfl
        addr32 mov %gs:native_in+SEG_ES, %es
        addr32 mov %gs:native_in+SEG_DS, %ds
        addr32 mov %gs:native_in+0, %eax
        addr32 mov %gs:native_in+8, %ecx
        addr32 mov %gs:native_in+16, %edx
        addr32 mov %gs:native_in+24, %ebx
        addr32 mov %gs:native_in+40, %ebp
        addr32 mov %gs:native_in+48, %esi
        addr32 mov %gs:native_in+56, %edi
        addr32 mov %gs:native_in+SEG_SS, %ss
        addr32 mov %gs:native_in+32, %esp
        .globl native_slot16
native_slot16:
        .fill 16, 1, 0x90
        addr32 mov %eax, %gs:native_out+0
        addr32 mov %ecx, %gs:native_out+8
        addr32 mov %edx, %gs:native_out+16
        addr32 mov %ebx, %gs:native_out+24
        addr32 mov %esp, %gs:native_out+32
        addr32 mov %ebp, %gs:native_out+40
        addr32 mov %esi, %gs:native_out+48
        addr32 mov %edi, %gs:native_out+56
        addr32 mov %es, %gs:native_out+SEG_ES
        addr32 mov %cs, %gs:native_out+SEG_CS
        addr32 mov %ss, %gs:native_out+SEG_SS
        addr32 mov %ds, %gs:native_out+SEG_DS
        addr32 mov %fs, %gs:native_out+SEG_FS
        addr32 mov %gs, %gs:native_out+SEG_GS
        addr32 lss %gs:compat_esp, %esp
        pushfl
        addr32 popl %gs:native_out+FRAME_RFLAGS
        mov $USER_DS, %eax
        mov %eax, %ds
        mov %eax, %es
        lretl

        .p2align 12
        .globl native_code_end
native_code_end:

        .section .note.GNU-stack, "", @progbits
