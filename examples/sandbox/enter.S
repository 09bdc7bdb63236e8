/* Entering guest code, and the guest images.
 *
 * sandbox_enter64(entry, argument, stack_top) and sandbox_enter32(...) call the guest's
 * void guest_main(struct guest_env *) on the guest's own stack, below 4 GiB, and return
 * when it does. The host's RSP is kept in the top 8 bytes of the guest stack, not in a
 * register: after a return from compatibility mode the upper halves of the registers are
 * undefined (SDM vol. 1, 3.4.1.1).
 *
 * 32-bit code runs in compatibility mode: Linux's 32-bit user code segment (0x23) is
 * entered with a far return, and left with one to the 64-bit segment (0x33). DS and ES
 * are loaded with the flat data selector (0x2b) for it, because compatibility mode faults
 * on a null data segment, and are given back their values afterwards. */

#define USER32_CS 0x23
#define USER_DS 0x2b
#define USER64_CS 0x33

/* The C ABI's callee-saved registers, popped by restore_host. */
.macro save_host
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
.endm

        .text
        .code64
        .globl sandbox_enter64
sandbox_enter64:                /* rdi = entry, rsi = argument, rdx = stack top */
        save_host
        mov %rsp, -8(%rdx)
        lea -16(%rdx), %rsp
        mov %rdi, %rax
        mov %rsi, %rdi
        call *%rax
        mov 8(%rsp), %rsp
        jmp restore_host

        .globl sandbox_enter32
sandbox_enter32:                /* rdi = entry, rsi = argument, rdx = stack top */
        save_host
        mov %ds, %eax
        shl $16, %eax
        mov %es, %ax
        push %rax               /* DS:ES, for back_in_64 */
        mov %rsp, -8(%rdx)
        lea -16(%rdx), %rsp
        mov $USER_DS, %eax
        mov %eax, %ds
        mov %eax, %es
        pushq $USER32_CS
        pushq $compat_entry     /* linked without PIE: below 4 GiB */
        lretq

        .code32
compat_entry:                   /* esp = stack top - 16, edi = entry, esi = argument */
        sub $12, %esp           /* the i386 ABI: ESP 16-byte aligned at the call */
        push %esi
        call *%edi
        add $16, %esp
        push $USER64_CS
        push $back_in_64
        lret

        .code64
back_in_64:
        mov %esp, %esp          /* zero-extend: the guest stack is below 4 GiB */
        mov 8(%rsp), %rsp
        pop %rax
        mov %eax, %es           /* low 16 bits */
        shr $16, %eax
        mov %eax, %ds
restore_host:
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret

/* After a guest was stopped in compatibility mode: DS and ES as a 64-bit Linux program
 * starts with (null). */
        .globl sandbox_reset_data_segments
sandbox_reset_data_segments:
        xor %eax, %eax
        mov %eax, %ds
        mov %eax, %es
        ret

/* The guest images, built from guest/ by CMake. */
        .section .rodata
        .p2align 4
        .globl guest64_image, guest64_image_end
guest64_image:
        .incbin "guest64.bin"
guest64_image_end:
        .p2align 4
        .globl guest32_image, guest32_image_end
guest32_image:
#ifdef SANDBOX_HAVE_GUEST32
        .incbin "guest32.bin"
#endif
guest32_image_end:

        .section .note.GNU-stack, "", @progbits
