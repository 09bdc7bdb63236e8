/* A one-vCPU KVM virtual machine for tests that compare whvemu with a CPU: guest memory
 * from GPA 0, the vCPU's CPUID set to what KVM supports (long mode needs it), and the
 * shared kvm_run page. Linux only. */
#ifndef WHVEMU_TEST_KVM_GUEST_H
#define WHVEMU_TEST_KVM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm_guest {
    int kvm, vm, vcpu;
    uint8_t *memory;
    size_t memory_size;
    struct kvm_run *run;
    size_t run_size;
};

/* Open /dev/kvm and create the VM; false with the reason in `why` (the caller skips).
 * Call kvm_guest_destroy in both cases. */
bool kvm_guest_create(struct kvm_guest *g, size_t memory_size, char *why, size_t why_size);
void kvm_guest_destroy(struct kvm_guest *g);

/* Whether /dev/kvm is backed by hardware virtualization (kvm_intel or kvm_amd) rather than
 * by a software hypervisor such as kvm_pvm, which emulates more in software. */
bool kvm_is_hardware(void);

#endif
