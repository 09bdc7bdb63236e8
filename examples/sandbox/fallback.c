/* The fallback for an instruction the library reports as InternalEmulationFailure (today:
 * SSE, AVX and x87 forms, docs/status.md). It is not emulation, and the summary counts it
 * apart: the device page the instruction touches is made readable and writable for this
 * thread's one instruction, filled with the device's current contents, and the instruction
 * runs natively under RFLAGS.TF. The single-step trap that follows it comes to
 * fallback_finish(), which compares the page with what it was filled with, forwards every
 * changed byte to the device model as a write, and takes the page away again.
 *
 * That is only sound for a device whose reads have no side effects and return what was
 * written (the framebuffer: struct device.memory_like); a register device is never
 * shadowed, and an unsupported instruction on one stops the guest. A write of the value a
 * byte already had is not seen, which memory cannot tell apart either. While a page is
 * open any thread of the process could reach it, so the sandbox runs one vCPU at a time. */
#include <string.h>
#include <sys/mman.h>

#include "sandbox.h"

#define RFLAGS_TF 0x100u
#define MAX_PAGES (sizeof((struct fallback *)0)->pages / sizeof(uint64_t))

static uint64_t page_of(uint64_t address)
{
    return address & ~(uint64_t)(PAGE_SIZE - 1);
}

bool fallback_open_page(struct sandbox_vcpu *v, const ucontext_t *uc, uint64_t address)
{
    struct fallback *fb = &v->fallback;
    uint64_t page = page_of(address);
    const struct device *d = machine_device_at(page);
    if (!d || !d->memory_like || fb->page_count == MAX_PAGES ||
        (uint64_t)uc->uc_mcontext.gregs[REG_RIP] != fb->rip)
        return false;
    if (!machine_device_access(page, false, fb->before[fb->page_count], PAGE_SIZE) ||
        mprotect((void *)(uintptr_t)page, PAGE_SIZE, PROT_READ | PROT_WRITE) != 0)
        return false;
    memcpy((void *)(uintptr_t)page, fb->before[fb->page_count], PAGE_SIZE);
    fb->pages[fb->page_count++] = page;
    return true;
}

bool fallback_begin(struct sandbox_vcpu *v, ucontext_t *uc, uint64_t address,
                    struct failure *failure)
{
    struct fallback *fb = &v->fallback;
    greg_t *flags = &uc->uc_mcontext.gregs[REG_EFL];
    fb->rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    fb->page_count = 0;
    fb->failure = failure;
    if (!fallback_open_page(v, uc, address))
        return false;
    fb->active = true;
    fb->guest_tf = (*flags & RFLAGS_TF) != 0;
    *flags |= RFLAGS_TF;
    return true;
}

/* The runs of bytes that differ from the fill, as device writes. */
static void forward_writes(uint64_t page, const uint8_t *before)
{
    const uint8_t *now = (const uint8_t *)(uintptr_t)page;
    for (unsigned i = 0; i < PAGE_SIZE;) {
        unsigned start = i;
        while (i < PAGE_SIZE && now[i] != before[i])
            i++;
        if (i > start)
            machine_device_access(page + start, true, (uint8_t *)now + start, i - start);
        else
            i++;
    }
}

static void close_pages(struct fallback *fb)
{
    for (unsigned i = 0; i < fb->page_count; i++)
        mprotect((void *)(uintptr_t)fb->pages[i], PAGE_SIZE, PROT_NONE);
    fb->page_count = 0;
    fb->active = false;
}

void fallback_finish(struct sandbox_vcpu *v, ucontext_t *uc)
{
    struct fallback *fb = &v->fallback;
    for (unsigned i = 0; i < fb->page_count; i++)
        forward_writes(fb->pages[i], fb->before[i]);
    close_pages(fb);
    if (!fb->guest_tf)
        uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)RFLAGS_TF;
    v->stats->fallback_steps++;
    if (fb->failure)
        fb->failure->completed++;
}

void fallback_abandon(struct sandbox_vcpu *v)
{
    close_pages(&v->fallback);
}
