/* Real-address mode, which user mode cannot run, through a KVM guest (a peer, not ground
 * truth: docs/kvm-peer.md): an x87 load at CS:IP and DS:offset with non-zero segment bases,
 * then FNSTENV in both operand sizes, FXSAVE and FNSAVE; the images must be those the
 * emulator makes of the same instructions (x87_execute with the real-mode site, then its
 * FNSTENV, FXSAVE, FNSAVE). Once with the load raising an unmasked exception (FSW.ES set:
 * FXSAVE then stores the pointers on every CPU), once without; with CR4.OSFXSR set and clear.
 * Exit status 77 (skipped) where /dev/kvm cannot be used. */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "check.h"
#include "exec/x87_env.h"
#include "exec/x87_fxsave.h"
#include "kvm_guest.h"
#include "whvemu.h"

#define MEMORY (1u << 20)
#define CODE_SEGMENT 0x0100u /* base 1000H */
#define DATA_SEGMENT 0x0200u /* base 2000H */
#define SEGMENT_BASE(s) ((uint32_t)(s) << 4)

/* Where the guest's data is, DS-relative. */
enum {
    OPERAND = 0x10,
    CONTROL_WORD = 0x20,
    ENV16 = 0x100,
    ENV32 = 0x120,
    FXSAVE = 0x200,
    FNSAVE = 0x400
};

/* FNINIT; FLDCW [20H]; FLD dword [10H]; FXSAVE [200H] (before FNSTENV masks the exception
 * and clears ES); FNSTENV [100H]; o32 FNSTENV [120H]; FNSAVE [400H]; HLT. */
#define FLDCW_IP 2u
#define FLD_IP 6u
static const uint8_t code[] = { 0xdb, 0xe3, 0xd9, 0x2e, 0x20, 0x00, 0xd9, 0x06, 0x10, 0x00,
                                0x0f, 0xae, 0x06, 0x00, 0x02, 0xd9, 0x36, 0x00, 0x01, 0x66,
                                0xd9, 0x36, 0x20, 0x01, 0xdd, 0x36, 0x00, 0x04, 0xf4 };

struct variant {
    const char *name;
    uint16_t fcw;  /* loaded by FLDCW */
    uint32_t load; /* the single-precision value FLD loads */
    bool osfxsr;
};

static void real_segment(struct kvm_segment *s, uint16_t selector, bool code_segment)
{
    memset(s, 0, sizeof *s);
    s->selector = selector;
    s->base = SEGMENT_BASE(selector);
    s->limit = 0xffff;
    s->type = code_segment ? 0xb : 0x3;
    s->present = 1;
    s->s = 1;
}

/* Run the code in the guest; false (with a reason printed) when KVM cannot. */
static bool run_guest(struct kvm_guest *g, const struct variant *v)
{
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    uint8_t *data = g->memory + SEGMENT_BASE(DATA_SEGMENT);

    memset(g->memory, 0xcc, MEMORY);
    memcpy(g->memory + SEGMENT_BASE(CODE_SEGMENT), code, sizeof code);
    memcpy(data + OPERAND, &v->load, 4);
    memcpy(data + CONTROL_WORD, &v->fcw, 2);
    if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs) < 0)
        return false;
    real_segment(&sregs.cs, CODE_SEGMENT, true);
    real_segment(&sregs.ds, DATA_SEGMENT, false);
    sregs.cr0 &= ~UINT64_C(1); /* real mode; NE as at reset */
    sregs.cr4 = v->osfxsr ? X87_CR4_OSFXSR : 0;
    memset(&regs, 0, sizeof regs);
    regs.rflags = 2;
    if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(g->vcpu, KVM_SET_REGS, &regs) < 0 ||
        ioctl(g->vcpu, KVM_RUN, 0) < 0)
        return false;
    if (g->run->exit_reason != KVM_EXIT_HLT) {
        printf("%s: KVM exit %u instead of HLT (internal error %u: a KVM that emulates real mode "
               "in software, kvm_pvm, lacks the x87)\n",
               v->name, g->run->exit_reason,
               g->run->exit_reason == KVM_EXIT_INTERNAL_ERROR ? g->run->internal.suberror : 0);
        return false;
    }
    return true;
}

/* The emulator's side: one instruction of the code at ip, operand at DS:offset. */
static void emulate(struct fxsave_state *s, const struct variant *v, unsigned ip, uint16_t offset,
                    uint8_t *operand)
{
    struct insn in;
    struct x87_request rq = { &in, 0x10,  v->osfxsr ? X87_CR4_OSFXSR : 0,    0, 0,
                              0,   { 0 }, x87_profile_of(WHVEMU_VENDOR_HOST) };
    struct x87_outcome o;

    CHECK(decode_insn(MODE_16, code + ip, sizeof code - ip, &in) == DECODE_OK, "decode");
    rq.site = (struct x87_site){ ip,
                                 offset,
                                 SEGMENT_BASE(CODE_SEGMENT),
                                 SEGMENT_BASE(DATA_SEGMENT),
                                 CODE_SEGMENT,
                                 DATA_SEGMENT,
                                 X87_REAL_OR_V86,
                                 x87_fop(&in) };
    o = x87_execute(&rq, s, operand);
    CHECK(o.check == X87_RUNS && !o.unsupported, "%s runs", mnemonic_name(in.mnemonic));
}

static void compare(const char *what, const struct variant *v, const uint8_t *kvm,
                    const uint8_t *emulator, unsigned bytes)
{
    CHECK(memcmp(kvm, emulator, bytes) == 0, "%s, %s", v->name, what);
    if (memcmp(kvm, emulator, bytes) == 0)
        return;
    for (unsigned i = 0; i < bytes; i++)
        if (kvm[i] != emulator[i])
            fprintf(stderr, "    byte %u: KVM %02x, emulator %02x\n", i, kvm[i], emulator[i]);
}

/* False when KVM could not run the guest. */
static bool check_variant(struct kvm_guest *g, const struct variant *v)
{
    const uint8_t *data = g->memory + SEGMENT_BASE(DATA_SEGMENT);
    struct fxsave_state s = { 0 };
    struct x87_profile p = x87_profile_of(WHVEMU_VENDOR_HOST);
    struct fxsave_rules rules = { false, false, v->osfxsr, false, p };
    uint8_t operand[4], cw[2], env16[14], env32[28], fx[FXSAVE_BYTES], image[FXSAVE_BYTES];
    uint8_t save[94];
    struct x87_env_layout real16 = { true, true }, real32 = { false, true };

    if (!run_guest(g, v))
        return false;
    x87_fninit(&s);
    s.mxcsr = MXCSR_INIT;
    s.mxcsr_mask = (uint32_t)data[FXSAVE + 28] | (uint32_t)data[FXSAVE + 29] << 8 |
                   (uint32_t)data[FXSAVE + 30] << 16 | (uint32_t)data[FXSAVE + 31] << 24;
    memcpy(cw, &v->fcw, 2);
    emulate(&s, v, FLDCW_IP, CONTROL_WORD, cw);
    memcpy(operand, &v->load, 4);
    emulate(&s, v, FLD_IP, OPERAND, operand);
    memcpy(fx, data + FXSAVE, sizeof fx);
    memcpy(fx, image, x87_fxsave(&s, &rules, image)); /* only what it writes */
    compare("FXSAVE", v, data + FXSAVE, fx, sizeof fx);
    x87_fnstenv(&s, real16, env16);
    compare("FNSTENV, 16-bit", v, data + ENV16, env16, sizeof env16);
    x87_fnstenv(&s, real32, env32);
    compare("FNSTENV, 32-bit", v, data + ENV32, env32, sizeof env32);
    x87_fnsave(&s, real16, save);
    compare("FNSAVE, 16-bit", v, data + FNSAVE, save, sizeof save);
    return true;
}

int main(void)
{
    static const struct variant variants[] = {
        { "1.0, masked", 0x037f, 0x3f800000u, true },
        { "SNaN, invalid operation unmasked", 0x037e, 0x7f800001u, true },
        { "SNaN, unmasked, CR4.OSFXSR clear", 0x037e, 0x7f800001u, false },
    };
    struct kvm_guest g;
    char why[160];
    unsigned ran = 0;

    if (!kvm_guest_create(&g, MEMORY, why, sizeof why)) {
        printf("skipped: %s\n", why);
        kvm_guest_destroy(&g);
        return 77;
    }
    for (unsigned i = 0; i < sizeof variants / sizeof variants[0]; i++)
        ran += check_variant(&g, &variants[i]);
    kvm_guest_destroy(&g);
    printf("real mode in a KVM guest (%s): %u of %zu variants run and compared\n",
           kvm_is_hardware() ? "hardware virtualization" : "software KVM", ran,
           sizeof variants / sizeof variants[0]);
    if (ran == 0) {
        printf("skipped: this KVM runs none of them\n");
        return 77;
    }
    return check_summary();
}
