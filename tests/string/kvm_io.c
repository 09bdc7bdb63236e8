/* The I/O permission check against a real CPU: a tiny KVM guest in 32-bit protected mode
 * runs IN AL/AX/EAX, DX at each combination of CPL, IOPL, TSS type and limit and port; the
 * CPU either makes the access (a KVM I/O exit) or raises #GP, which with no IDT ends in a
 * triple fault (a shutdown exit). whvemu, given the same state through
 * WHvEmulatorTryIoEmulation, must allow and deny exactly the same accesses.
 * Skipped (exit 77) where /dev/kvm cannot be used. Where it is not backed by hardware
 * virtualization (no kvm_intel / kvm_amd module, e.g. kvm_pvm), the guest's I/O
 * instructions are checked by KVM's own emulator, a peer rather than an oracle: it reads
 * only the first bitmap byte and ignores the TSS type, unlike the SDM, and it cannot enter
 * virtual-8086 mode. There every protected-mode case must still agree except those two
 * documented deviations (docs/strings-and-io.md), which are counted. */
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "check.h"
#include "harness.h"
#include "hostcpu.h"
#include "kvm_guest.h"

#define GUEST_MEMORY 0x200000u
#define CODE 0x1000u
#define TSS 0x5000u
#define IOMAP_OFFSET 0x68u

struct state {
    unsigned cpl, iopl, tss_type, tss_limit;
    uint16_t port;
    unsigned size;
    bool v86;
};

/* The TSS: I/O map base at 0x66, then a bitmap allowing 0x60, 0x3f8-0x3ff and 0x80-0x87
 * (and nothing else), then the 0xff byte. */
static void tss_bytes(uint8_t *tss)
{
    memset(tss, 0, IOMAP_OFFSET);
    tss[0x66] = IOMAP_OFFSET;
    memset(tss + IOMAP_OFFSET, 0xff, 0x81);
    tss[IOMAP_OFFSET + 0x60 / 8] = 0xfe;
    tss[IOMAP_OFFSET + 0x3f8 / 8] = 0x00;
    tss[IOMAP_OFFSET + 0x80 / 8] = 0x00;
}

/* IN AL/AX/EAX, DX: 66 selects the other of 16/32 bits, so it is 16-bit code (V86) that
 * needs it for EAX. */
static unsigned in_dx(const struct state *st, uint8_t *bytes)
{
    unsigned n = 0;
    if (st->size != 1 && (st->size == 2) != st->v86)
        bytes[n++] = 0x66;
    bytes[n++] = st->size == 1 ? 0xec : 0xed;
    return n;
}

static void set_segment(struct kvm_segment *s, uint16_t selector, uint8_t type, unsigned dpl,
                        bool code_or_data)
{
    memset(s, 0, sizeof *s);
    s->base = 0;
    s->limit = 0xffffffffu;
    s->selector = selector;
    s->type = type;
    s->present = 1;
    s->dpl = (uint8_t)dpl;
    s->db = 1;
    s->s = code_or_data;
    s->g = 1;
}

/* 1: the CPU made the access, 0: it faulted, -1: KVM could not run the case. */
static int run_on_cpu(const struct state *st)
{
    int result = -1;
    struct kvm_guest g;
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    char why[128];
    uint8_t *memory;
    int vcpu;

    if (!kvm_guest_create(&g, GUEST_MEMORY, why, sizeof why)) {
        fprintf(stderr, "kvm: %s\n", why);
        goto out;
    }
    memory = g.memory;
    vcpu = g.vcpu;

    memory[CODE + in_dx(st, memory + CODE)] = 0xf4; /* hlt */
    tss_bytes(memory + TSS);

    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        goto out;
    sregs.cr0 = 0x11; /* PE, ET */
    sregs.cr4 = 0;
    sregs.efer = 0;
    set_segment(&sregs.cs, (uint16_t)(0x08 | st->cpl), 0xb, st->cpl, true);
    set_segment(&sregs.ss, (uint16_t)(0x10 | st->cpl), 0x3, st->cpl, true);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss;
    if (st->v86) {
        struct kvm_segment *segs[] = { &sregs.cs, &sregs.ss, &sregs.ds,
                                       &sregs.es, &sregs.fs, &sregs.gs };
        for (unsigned i = 0; i < 6; i++) {
            set_segment(segs[i], 0, 0x3, 3, true);
            segs[i]->limit = 0xffff;
            segs[i]->db = 0;
            segs[i]->g = 0;
        }
    }
    memset(&sregs.tr, 0, sizeof sregs.tr);
    sregs.tr.base = TSS;
    sregs.tr.limit = st->tss_limit;
    sregs.tr.selector = 0x18;
    sregs.tr.type = (uint8_t)st->tss_type;
    sregs.tr.present = 1;
    memset(&sregs.ldt, 0, sizeof sregs.ldt);
    sregs.ldt.unusable = 1;
    sregs.gdt.base = 0, sregs.gdt.limit = 0x1f;
    sregs.idt.base = 0, sregs.idt.limit = 0; /* any exception ends in a triple fault */
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        goto out;
    memset(&regs, 0, sizeof regs);
    regs.rip = CODE;
    regs.rdx = st->port;
    regs.rflags = 0x2 | (uint64_t)st->iopl << 12 | (st->v86 ? 0x20000u : 0);
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0 || ioctl(vcpu, KVM_RUN, 0) < 0)
        goto out;
    if (g.run->exit_reason == KVM_EXIT_IO && g.run->io.port == st->port &&
        g.run->io.size == st->size)
        result = 1;
    else if (g.run->exit_reason == KVM_EXIT_SHUTDOWN)
        result = 0;
    else
        fprintf(stderr, "kvm: unexpected exit %u\n", g.run->exit_reason);
out:
    kvm_guest_destroy(&g);
    return result;
}

/* 1: whvemu made the access, 0: it injected #GP(0). */
static int run_on_whvemu(const struct state *st)
{
    uint8_t tss[IOMAP_OFFSET + 0x81];
    WHV_X64_SEGMENT_REGISTER *tr;
    WHV_EMULATOR_STATUS status;
    int error, vector;
    bool accessed = false;
    uint8_t bytes[2];
    unsigned length = in_dx(st, bytes);

    harness_reset(VCPU_PROTECTED32);
    vcpu_set_cpl(&h.guest.vcpu, st->cpl);
    set_reg64(WHvX64RegisterRflags, 0x2 | (uint64_t)st->iopl << 12 | (st->v86 ? 0x20000u : 0));
    set_reg64(WHvX64RegisterRip, CODE);
    set_reg64(WHvX64RegisterRdx, st->port);
    tr = &reg(WHvX64RegisterTr)->Segment;
    tr->Base = TSS;
    tr->Limit = st->tss_limit;
    tr->SegmentType = st->tss_type & 0xfu;
    tss_bytes(tss);
    guest_write(&h.guest, TSS, tss, sizeof tss);
    status = run_io((const char *)bytes, length, st->port, st->size, false, false, false);
    vector = pending_vector(&error);
    for (unsigned i = 0; i < h.guest.log_count; i++)
        accessed |= h.log[i].io;
    CHECK(status.AsUINT32 == 1, "status 0x%x", (unsigned)status.AsUINT32);
    if (accessed && vector < 0)
        return 1;
    CHECK(!accessed && vector == 13 && error == 0, "neither an access nor #GP(0): vector %d",
          vector);
    return 0;
}

/* Where KVM's emulator allows an access the SDM denies: a 16-bit TSS (it ignores the TSS
 * type), or a check that needs the second bitmap byte (it reads only the first; the CPU
 * reads two, and both must be within the TSS limit). */
static bool kvm_software_deviation(const struct state *st)
{
    unsigned first = IOMAP_OFFSET + st->port / 8u;
    bool sixteen_bit_tss = st->tss_type == 3;
    bool second_byte = first + 1 > st->tss_limit || st->port % 8u + st->size > 8;

    return sixteen_bit_tss || (first <= st->tss_limit && second_byte);
}

int main(void)
{
    static const uint16_t ports[] = { 0x60,  0x61,  0x5f,  0x80,  0x86,   0x87,  0x3f8,
                                      0x3fc, 0x3fe, 0x3ff, 0x400, 0x1000, 0xffff };
    static const unsigned sizes[] = { 1, 2, 4 };
    const unsigned full_limit = IOMAP_OFFSET + 0x80;
    const unsigned limits[] = { full_limit, full_limit - 1, 0x67, IOMAP_OFFSET + 0x10 };
    unsigned cases = 0, allowed = 0, deviations = 0, v86_not_run = 0;
    bool software;
    struct kvm_guest probe;
    char why[128];
    bool usable = kvm_guest_create(&probe, 4096, why, sizeof why);

    kvm_guest_destroy(&probe);
    if (!usable) {
        fprintf(stderr, "no usable /dev/kvm (%s): skipped\n", why);
        return 77;
    }
    host_describe(stdout);
    software = !kvm_is_hardware();
    if (software)
        printf("/dev/kvm is KVM's software emulator here: its two known deviations are "
               "allowed and counted\n");
    for (unsigned v86 = 0; v86 < 2; v86++)
        for (unsigned cpl = 0; cpl < 4; cpl += 3)
            for (unsigned iopl = 0; iopl < 4; iopl += 3)
                for (unsigned type = 0; type < 2; type++)
                    for (unsigned l = 0; l < sizeof limits / sizeof limits[0]; l++)
                        for (unsigned p = 0; p < sizeof ports / sizeof ports[0]; p++)
                            for (unsigned s = 0; s < 3; s++) {
                                struct state st = { cpl,      iopl,     type ? 3u : 11u, limits[l],
                                                    ports[p], sizes[s], v86 != 0 };
                                int cpu, emu;
                                if (v86 && cpl != 3)
                                    continue; /* virtual-8086 code runs at CPL 3 */
                                if (v86 && software) {
                                    v86_not_run++; /* KVM's emulator clears RFLAGS.VM */
                                    continue;
                                }
                                cpu = run_on_cpu(&st);
                                if (cpu < 0) {
                                    fprintf(stderr, "KVM could not run a case: skipped\n");
                                    return 77;
                                }
                                emu = run_on_whvemu(&st);
                                if (software && cpu && !emu && kvm_software_deviation(&st)) {
                                    deviations++;
                                    cases++;
                                    allowed++;
                                    continue;
                                }
                                CHECK(cpu == emu,
                                      "cpl %u iopl %u v86 %u tss type %u limit 0x%x port 0x%x "
                                      "size %u: CPU %s, whvemu %s",
                                      cpl, iopl, v86, st.tss_type, st.tss_limit, st.port, st.size,
                                      cpu ? "allows" : "denies", emu ? "allows" : "denies");
                                cases++;
                                allowed += (unsigned)cpu;
                            }
    printf("%u cases against KVM, %u allowed by the CPU", cases, allowed);
    if (software)
        printf(", %u of them only by KVM's software deviations; %u virtual-8086 cases not "
               "run (KVM's emulator cannot enter virtual-8086 mode)",
               deviations, v86_not_run);
    printf("\n");
    harness_reset(VCPU_LONG64);
    guest_free(&h.guest);
    return check_summary();
}
