#include "kvm_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_CPUID_ENTRIES 256

static bool fail(char *why, size_t why_size, const char *what)
{
    snprintf(why, why_size, "%s: %s", what, strerror(errno));
    return false;
}

/* The vCPU's CPUID: everything KVM supports, so that EFER.LME and friends are allowed. */
static bool set_cpuid(struct kvm_guest *g, char *why, size_t why_size)
{
    size_t size = sizeof(struct kvm_cpuid2) + MAX_CPUID_ENTRIES * sizeof(struct kvm_cpuid_entry2);
    struct kvm_cpuid2 *cpuid = calloc(1, size);
    bool ok;

    if (!cpuid)
        return fail(why, why_size, "calloc");
    cpuid->nent = MAX_CPUID_ENTRIES;
    ok = ioctl(g->kvm, KVM_GET_SUPPORTED_CPUID, cpuid) == 0 &&
         ioctl(g->vcpu, KVM_SET_CPUID2, cpuid) == 0;
    free(cpuid);
    return ok || fail(why, why_size, "KVM_GET_SUPPORTED_CPUID/KVM_SET_CPUID2");
}

bool kvm_guest_create(struct kvm_guest *g, size_t memory_size, char *why, size_t why_size)
{
    struct kvm_userspace_memory_region region;
    int run_size;

    memset(g, 0, sizeof *g);
    g->vm = g->vcpu = -1;
    g->memory = MAP_FAILED;
    g->run = MAP_FAILED;
    g->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (g->kvm < 0)
        return fail(why, why_size, "open /dev/kvm");
    if (ioctl(g->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
        snprintf(why, why_size, "KVM API version is not %d", KVM_API_VERSION);
        return false;
    }
    g->vm = ioctl(g->kvm, KVM_CREATE_VM, 0);
    if (g->vm < 0)
        return fail(why, why_size, "KVM_CREATE_VM");
    g->memory = mmap(NULL, memory_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (g->memory == MAP_FAILED)
        return fail(why, why_size, "mmap guest memory");
    g->memory_size = memory_size;
    memset(&region, 0, sizeof region);
    region.memory_size = memory_size;
    region.userspace_addr = (uint64_t)(uintptr_t)g->memory;
    if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return fail(why, why_size, "KVM_SET_USER_MEMORY_REGION");
    g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
    if (g->vcpu < 0)
        return fail(why, why_size, "KVM_CREATE_VCPU");
    run_size = ioctl(g->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0)
        return fail(why, why_size, "KVM_GET_VCPU_MMAP_SIZE");
    g->run_size = (size_t)run_size;
    g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
    if (g->run == MAP_FAILED)
        return fail(why, why_size, "mmap kvm_run");
    return set_cpuid(g, why, why_size);
}

void kvm_guest_destroy(struct kvm_guest *g)
{
    if (g->run != MAP_FAILED && g->run)
        munmap(g->run, g->run_size);
    if (g->vcpu >= 0)
        close(g->vcpu);
    if (g->memory != MAP_FAILED && g->memory)
        munmap(g->memory, g->memory_size);
    if (g->vm >= 0)
        close(g->vm);
    if (g->kvm >= 0)
        close(g->kvm);
    memset(g, 0, sizeof *g);
    g->kvm = g->vm = g->vcpu = -1;
}

bool kvm_is_hardware(void)
{
    return access("/sys/module/kvm_intel", F_OK) == 0 || access("/sys/module/kvm_amd", F_OK) == 0;
}
