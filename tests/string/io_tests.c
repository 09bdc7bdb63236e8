/* Port I/O through WHvEmulatorTryIoEmulation: IN/OUT (imm8 and DX, 8/16/32-bit), INS/OUTS
 * with and without REP, and the I/O permission checks (Intel SDM vol. 1 ch. 19 "Input/
 * Output", vol. 3 "I/O permission bit map"): CPL <= IOPL passes, otherwise the TSS bitmap
 * decides, and always in virtual-8086 mode; a denied access is #GP(0) with no port access. */
#include <string.h>

#include "check.h"
#include "harness.h"

#define RFLAGS_IOPL3 0x3000u
#define RFLAGS_VM 0x20000u
#define RFLAGS_DF 0x400u

static unsigned io_accesses(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < h.guest.log_count; i++)
        n += h.log[i].io;
    return n;
}

static void add_port(uint16_t port, uint32_t value)
{
    h.guest.ports[h.guest.port_count++] = (struct guest_port){ port, value };
}

static void test_in_out_long_mode(void)
{
    WHV_EMULATOR_STATUS st;
    uint64_t rip;

    /* in al, 0x60: AL only; the rest of RAX stays */
    harness_reset(VCPU_LONG64);
    add_port(0x60, 0x12345678);
    set_reg64(WHvX64RegisterRax, 0x1111111111111111u);
    rip = reg64(WHvX64RegisterRip);
    st = run_io("\xe4\x60", 2, 0x60, 1, false, false, false);
    CHECK(st.AsUINT32 == 1, "in al,imm8: status 0x%x", (unsigned)st.AsUINT32);
    CHECK_EQ(reg64(WHvX64RegisterRax), 0x1111111111111178u, "in al,imm8: RAX");
    CHECK_EQ(reg64(WHvX64RegisterRip), rip + 2, "in al,imm8: RIP");
    CHECK(h.guest.log_count == 1 && h.log[0].io && !h.log[0].write && h.log[0].address == 0x60 &&
              h.log[0].size == 1,
          "in al,imm8: one 1-byte read of port 0x60");
    /* all it needs is in the exit context: no Get, one Set (RAX, RIP) */
    CHECK_EQ(h.guest.calls[GUEST_CB_GET_REGISTERS], 0, "in al,imm8: Get calls");
    CHECK_EQ(h.guest.calls[GUEST_CB_SET_REGISTERS], 1, "in al,imm8: Set calls");

    /* in ax, dx: AX only */
    harness_reset(VCPU_LONG64);
    add_port(0x1f0, 0xcafebabe);
    set_reg64(WHvX64RegisterRax, 0x1111111111111111u);
    set_reg64(WHvX64RegisterRdx, 0xffffffffffff01f0u);
    st = run_io("\x66\xed", 2, 0x1f0, 2, false, false, false);
    CHECK(st.AsUINT32 == 1, "in ax,dx: status");
    CHECK_EQ(reg64(WHvX64RegisterRax), 0x111111111111babeu, "in ax,dx: RAX");
    CHECK(h.guest.log_count == 1 && h.log[0].address == 0x1f0 && h.log[0].size == 2,
          "in ax,dx: port");
    CHECK_EQ(h.guest.calls[GUEST_CB_GET_REGISTERS], 0, "in ax,dx: DX comes from the context");

    /* in eax, dx: a 32-bit write zero-extends into RAX */
    harness_reset(VCPU_LONG64);
    add_port(0xcfc, 0x87654321);
    set_reg64(WHvX64RegisterRax, ~UINT64_C(0));
    set_reg64(WHvX64RegisterRdx, 0xcfc);
    st = run_io("\xed", 1, 0xcfc, 4, false, false, false);
    CHECK(st.AsUINT32 == 1, "in eax,dx: status");
    CHECK_EQ(reg64(WHvX64RegisterRax), 0x87654321u, "in eax,dx: RAX zero-extended");

    /* out 0x80, al / out dx, ax / out dx, eax: the callback sees the port, size, data */
    harness_reset(VCPU_LONG64);
    set_reg64(WHvX64RegisterRax, 0xa1b2c3d4e5f60718u);
    st = run_io("\xe6\x80", 2, 0x80, 1, true, false, false);
    CHECK(st.AsUINT32 == 1 && h.guest.log_count == 1 && h.log[0].write &&
              h.log[0].address == 0x80 && h.log[0].size == 1 && h.log[0].data == 0x18,
          "out 0x80,al");
    CHECK_EQ(reg64(WHvX64RegisterRax), 0xa1b2c3d4e5f60718u, "out: RAX unchanged");
    h.guest.log_count = 0;
    set_reg64(WHvX64RegisterRdx, 0x3f8);
    st = run_io("\x66\xef", 2, 0x3f8, 2, true, false, false);
    CHECK(st.AsUINT32 == 1 && h.guest.log_count == 1 && h.log[0].address == 0x3f8 &&
              h.log[0].size == 2 && h.log[0].data == 0x0718,
          "out dx,ax");
    h.guest.log_count = 0;
    st = run_io("\xef", 1, 0x3f8, 4, true, false, false);
    CHECK(st.AsUINT32 == 1 && h.guest.log_count == 1 && h.log[0].size == 4 &&
              h.log[0].data == 0xe5f60718u,
          "out dx,eax");
}

/* The decoded instruction must be the one the exit reports. */
static void test_exit_cross_check(void)
{
    WHV_EMULATOR_STATUS st;

    harness_reset(VCPU_LONG64);
    st = run_io("\xe4\x60", 2, 0x61, 1, false, false, false);
    CHECK(st.InternalEmulationFailure && !st.EmulationSuccessful && h.guest.log_count == 0,
          "port differs from the immediate");
    st = run_io("\xe4\x60", 2, 0x60, 2, false, false, false);
    CHECK(st.InternalEmulationFailure && h.guest.log_count == 0, "size differs");
    st = run_io("\xe4\x60", 2, 0x60, 1, true, false, false);
    CHECK(st.InternalEmulationFailure && h.guest.log_count == 0, "direction differs");
    st = run_io("\x6c", 1, 0x60, 1, false, false, false);
    CHECK(st.InternalEmulationFailure && h.guest.log_count == 0, "string-ness differs");
    st = run_io("\x8b\x03", 2, 0x60, 4, false, false, false);
    CHECK(st.InternalEmulationFailure && h.guest.log_count == 0, "not an I/O instruction");
    CHECK_EQ(h.guest.calls[GUEST_CB_SET_REGISTERS], 0, "nothing written back");
}

static void test_ins_outs(void)
{
    WHV_EMULATOR_STATUS st;
    uint8_t mem[8];
    uint64_t rip;

    /* rep outsb: five port writes in order; RSI advanced, RCX 0 */
    harness_reset(VCPU_LONG64);
    guest_write(&h.guest, 0x2000, (const uint8_t *)"hello", 5);
    set_reg64(WHvX64RegisterRcx, 5);
    set_reg64(WHvX64RegisterRsi, 0x2000);
    set_reg64(WHvX64RegisterRdx, 0x3f8);
    rip = reg64(WHvX64RegisterRip);
    st = run_io("\xf3\x6e", 2, 0x3f8, 1, true, true, true);
    CHECK(st.AsUINT32 == 1, "rep outsb: status 0x%x", (unsigned)st.AsUINT32);
    CHECK_EQ(io_accesses(), 5, "rep outsb: port writes");
    {
        char out[6] = { 0 };
        for (unsigned i = 0, k = 0; i < h.guest.log_count; i++)
            if (h.log[i].io && k < 5)
                out[k++] = (char)h.log[i].data;
        CHECK(strcmp(out, "hello") == 0, "rep outsb: data '%s'", out);
    }
    CHECK_EQ(reg64(WHvX64RegisterRsi), 0x2005, "rep outsb: RSI");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0, "rep outsb: RCX");
    CHECK_EQ(reg64(WHvX64RegisterRip), rip + 2, "rep outsb: RIP");
    /* the exit carries RCX, RSI and DS; RSI is canonical with 48 bits, so CR4 (LA57) cannot
     * change the outcome and is not asked for */
    CHECK_EQ(h.guest.calls[GUEST_CB_GET_REGISTERS], 0, "rep outsb: no Get");

    /* F2 repeats INS/OUTS like F3 */
    harness_reset(VCPU_LONG64);
    set_reg64(WHvX64RegisterRcx, 2);
    set_reg64(WHvX64RegisterRsi, 0x2000);
    st = run_io("\xf2\x6e", 2, 0x3f8, 1, true, true, true);
    CHECK(st.AsUINT32 == 1 && io_accesses() == 2, "repne outsb: two port writes");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0, "repne outsb: RCX");

    /* DF=1: backwards */
    harness_reset(VCPU_LONG64);
    guest_write(&h.guest, 0x2000, (const uint8_t *)"hello", 5);
    set_reg64(WHvX64RegisterRcx, 5);
    set_reg64(WHvX64RegisterRsi, 0x2004);
    set_reg64(WHvX64RegisterRflags, 0x2 | RFLAGS_DF);
    st = run_io("\xf3\x6e", 2, 0x3f8, 1, true, true, true);
    CHECK(st.AsUINT32 == 1 && io_accesses() == 5 && h.log[h.guest.log_count - 1].data == 'h',
          "rep outsb DF=1: last byte out is 'h'");
    CHECK_EQ(reg64(WHvX64RegisterRsi), 0x1fff, "rep outsb DF=1: RSI");

    /* rep insw: three port reads, stored at ES:RDI */
    harness_reset(VCPU_LONG64);
    add_port(0x1f0, 0xbeef);
    set_reg64(WHvX64RegisterRcx, 3);
    set_reg64(WHvX64RegisterRdi, 0x3000);
    st = run_io("\xf3\x66\x6d", 3, 0x1f0, 2, false, true, true);
    guest_read(&h.guest, 0x3000, mem, 8);
    CHECK(st.AsUINT32 == 1 && io_accesses() == 3, "rep insw: 3 port reads");
    CHECK(memcmp(mem, "\xef\xbe\xef\xbe\xef\xbe\0\0", 8) == 0, "rep insw: memory");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x3006, "rep insw: RDI");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0, "rep insw: RCX");

    /* insd without REP: RCX untouched */
    harness_reset(VCPU_LONG64);
    add_port(0x1f0, 0x01020304);
    set_reg64(WHvX64RegisterRcx, 77);
    set_reg64(WHvX64RegisterRdi, 0x3000);
    st = run_io("\x6d", 1, 0x1f0, 4, false, true, false);
    guest_read(&h.guest, 0x3000, mem, 4);
    CHECK(st.AsUINT32 == 1 && memcmp(mem, "\x04\x03\x02\x01", 4) == 0, "insd: memory");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 77, "insd: RCX");
    CHECK_EQ(reg64(WHvX64RegisterRdi), 0x3004, "insd: RDI");

    /* rep outsb with RCX = 0: nothing but RIP */
    harness_reset(VCPU_LONG64);
    set_reg64(WHvX64RegisterRsi, 0x2000);
    rip = reg64(WHvX64RegisterRip);
    st = run_io("\xf3\x6e", 2, 0x3f8, 1, true, true, true);
    CHECK(st.AsUINT32 == 1 && h.guest.log_count == 0, "rep outsb RCX=0: no access");
    CHECK_EQ(reg64(WHvX64RegisterRip), rip + 2, "rep outsb RCX=0: RIP");
    CHECK_EQ(reg64(WHvX64RegisterRsi), 0x2000, "rep outsb RCX=0: RSI");

    /* with the RAM callback, the source is read directly: port callbacks only */
    harness_reset(VCPU_LONG64);
    harness_enable_ram(0x2000, 1);
    guest_write(&h.guest, 0x2000, (const uint8_t *)"hello", 5);
    set_reg64(WHvX64RegisterRcx, 5);
    set_reg64(WHvX64RegisterRsi, 0x2000);
    st = run_io("\xf3\x6e", 2, 0x3f8, 1, true, true, true);
    CHECK(st.AsUINT32 == 1 && io_accesses() == 5 && h.guest.log_count == 5,
          "rep outsb from mapped RAM: no memory callback");
    CHECK(h.log[4].data == 'o', "rep outsb from mapped RAM: data");

    /* the source segment can be overridden (FS in 64-bit mode) */
    harness_reset(VCPU_LONG64);
    reg(WHvX64RegisterFs)->Segment.Base = 0x10000;
    guest_write(&h.guest, 0x10010, (const uint8_t *)"\x5a", 1);
    set_reg64(WHvX64RegisterRsi, 0x10);
    st = run_io("\x64\x6e", 2, 0x80, 1, true, true, false);
    CHECK(st.AsUINT32 == 1 && io_accesses() == 1 && h.log[h.guest.log_count - 1].data == 0x5a,
          "fs: outsb reads FS:RSI");
    CHECK(h.log[0].address == 0x10010, "fs: outsb memory read at 0x%llx",
          (unsigned long long)h.log[0].address);

    /* 16-bit real mode: rep outsw with CX, SI wrapping at 64 KiB */
    harness_reset(VCPU_REAL16);
    reg(WHvX64RegisterDs)->Segment.Base = 0x20000;
    guest_write(&h.guest, 0x2fffe, (const uint8_t *)"\x11\x22", 2);
    guest_write(&h.guest, 0x20000, (const uint8_t *)"\x33\x44", 2);
    set_reg64(WHvX64RegisterRcx, 0xffff0002u);
    set_reg64(WHvX64RegisterRsi, 0xabcdfffeu);
    st = run_io("\xf3\x6f", 2, 0x80, 2, true, true, true);
    CHECK(st.AsUINT32 == 1 && io_accesses() == 2, "real mode rep outsw");
    CHECK(h.log[h.guest.log_count - 1].data == 0x4433, "real mode rep outsw: wrapped to DS:0");
    CHECK_EQ(reg64(WHvX64RegisterRsi), 0xabcd0002u, "real mode: SI wraps, upper RSI kept");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 0xffff0000u, "real mode: CX counts, upper RCX kept");
}

/* A 32-bit protected-mode guest at CPL 3 with a TSS at 0x5000 whose I/O bitmap (at
 * offset 0x68) allows ports 0x60 and 0x3f8-0x3ff only, followed by the 0xff byte. */
#define TSS_BASE 0x5000u
#define IOMAP 0x68u
static void tss_guest(unsigned cpl, uint64_t rflags, uint32_t limit)
{
    uint8_t map[0x81];
    WHV_X64_SEGMENT_REGISTER *tr;

    harness_reset(VCPU_PROTECTED32);
    vcpu_set_cpl(&h.guest.vcpu, cpl);
    set_reg64(WHvX64RegisterRflags, rflags);
    tr = &reg(WHvX64RegisterTr)->Segment;
    tr->Base = TSS_BASE;
    tr->Limit = limit;
    guest_write(&h.guest, TSS_BASE + 0x66, (const uint8_t *)"\x68\x00", 2);
    memset(map, 0xff, sizeof map);
    map[0x60 / 8] = 0xfe;  /* 0x60 allowed, 0x61 not */
    map[0x3f8 / 8] = 0x00; /* 0x3f8-0x3ff */
    guest_write(&h.guest, TSS_BASE + IOMAP, map, sizeof map);
}

static void expect_gp(WHV_EMULATOR_STATUS st, uint64_t rip, const char *what)
{
    int error, vector = pending_vector(&error);
    CHECK(st.AsUINT32 == 1, "%s: status 0x%x", what, (unsigned)st.AsUINT32);
    CHECK(vector == 13 && error == 0, "%s: #GP(0) expected, got vector %d error %d", what, vector,
          error);
    CHECK(io_accesses() == 0, "%s: no port access", what);
    CHECK_EQ(reg64(WHvX64RegisterRip), rip, what);
}

static void expect_allowed(WHV_EMULATOR_STATUS st, uint64_t rip, unsigned length, const char *what)
{
    int error;
    CHECK(st.AsUINT32 == 1 && pending_vector(&error) < 0, "%s: status 0x%x, no fault", what,
          (unsigned)st.AsUINT32);
    CHECK(io_accesses() == 1, "%s: one port access", what);
    CHECK_EQ(reg64(WHvX64RegisterRip), rip + length, what);
}

static void test_permissions(void)
{
    uint64_t rip;
    WHV_EMULATOR_STATUS st;
    const uint32_t limit = IOMAP + 0x80; /* the 0xff byte is the last one */

    tss_guest(3, 0x2, limit);
    rip = reg64(WHvX64RegisterRip);
    st = run_io("\xe4\x60", 2, 0x60, 1, false, false, false);
    expect_allowed(st, rip, 2, "CPL3 IOPL0 in al,0x60 (bitmap allows)");
    CHECK(h.guest.last_translate_flags & WHvTranslateGvaFlagPrivilegeExempt,
          "the TSS is read as a supervisor access");

    tss_guest(3, 0x2, limit);
    st = run_io("\x66\xe5\x60", 3, 0x60, 2, false, false, false);
    expect_gp(st, rip, "in ax,0x60 (0x61 denied)");

    tss_guest(3, 0x2, limit);
    set_reg64(WHvX64RegisterRdx, 0x3f8);
    st = run_io("\xee", 1, 0x3f8, 1, true, false, false);
    expect_allowed(st, rip, 1, "out dx,al to 0x3f8");

    tss_guest(3, 0x2, limit);
    set_reg64(WHvX64RegisterRdx, 0x3fe);
    st = run_io("\xef", 1, 0x3fe, 4, true, false, false);
    expect_gp(st, rip, "out dx,eax to 0x3fe (0x400-0x401 denied)");

    /* port 0x3ff: its byte is the bitmap's last; the CPU reads it and the next one */
    tss_guest(3, 0x2, limit);
    set_reg64(WHvX64RegisterRdx, 0x3ff);
    st = run_io("\xee", 1, 0x3ff, 1, true, false, false);
    expect_allowed(st, rip, 1, "0x3ff with the 0xff byte inside the limit");
    tss_guest(3, 0x2, limit - 1);
    set_reg64(WHvX64RegisterRdx, 0x3ff);
    st = run_io("\xee", 1, 0x3ff, 1, true, false, false);
    expect_gp(st, rip, "0x3ff with the second byte beyond the limit");

    tss_guest(3, 0x2, limit);
    set_reg64(WHvX64RegisterRdx, 0x1000);
    st = run_io("\xee", 1, 0x1000, 1, true, false, false);
    expect_gp(st, rip, "port whose bitmap byte is beyond the TSS limit");

    /* bitmap base beyond the limit: no bitmap, everything denied */
    tss_guest(3, 0x2, limit);
    guest_write(&h.guest, TSS_BASE + 0x66, (const uint8_t *)"\x00\x10", 2);
    st = run_io("\xe4\x60", 2, 0x60, 1, false, false, false);
    expect_gp(st, rip, "I/O map base beyond the limit");

    /* CPL <= IOPL: no TSS read at all */
    tss_guest(3, 0x2 | RFLAGS_IOPL3, limit);
    st = run_io("\xe4\x61", 2, 0x61, 1, false, false, false);
    expect_allowed(st, rip, 2, "CPL3 IOPL3");
    CHECK_EQ(h.guest.log_count, 1, "CPL3 IOPL3: no memory access");
    tss_guest(0, 0x2, limit);
    st = run_io("\xe4\x61", 2, 0x61, 1, false, false, false);
    expect_allowed(st, rip, 2, "CPL0 IOPL0");

    /* virtual-8086 mode consults the bitmap whatever IOPL says */
    tss_guest(3, 0x2 | RFLAGS_IOPL3 | RFLAGS_VM, limit);
    reg(WHvX64RegisterCs)->Segment.Base = 0;
    set_reg64(WHvX64RegisterRip, 0x100);
    st = run_io("\xe4\x61", 2, 0x61, 1, false, false, false);
    expect_gp(st, 0x100, "v86 in al,0x61 with IOPL3");
    tss_guest(3, 0x2 | RFLAGS_VM, limit);
    set_reg64(WHvX64RegisterRip, 0x100);
    st = run_io("\xe4\x60", 2, 0x60, 1, false, false, false);
    expect_allowed(st, 0x100, 2, "v86 in al,0x60");

    /* a 16-bit TSS has no bitmap */
    tss_guest(3, 0x2, limit);
    reg(WHvX64RegisterTr)->Segment.SegmentType = 3;
    st = run_io("\xe4\x60", 2, 0x60, 1, false, false, false);
    expect_gp(st, rip, "16-bit TSS");

    /* INS/OUTS: checked before any access */
    tss_guest(3, 0x2, limit);
    set_reg64(WHvX64RegisterRdx, 0x61);
    set_reg64(WHvX64RegisterRcx, 4);
    set_reg64(WHvX64RegisterRdi, 0x9000);
    st = run_io("\xf3\x6c", 2, 0x61, 1, false, true, true);
    expect_gp(st, rip, "rep insb from a denied port");
    CHECK_EQ(reg64(WHvX64RegisterRcx), 4, "denied rep insb: RCX");

    /* real mode: no checks */
    harness_reset(VCPU_REAL16);
    st = run_io("\xe4\x61", 2, 0x61, 1, false, false, false);
    CHECK(st.AsUINT32 == 1 && io_accesses() == 1, "real mode: allowed");
}

int main(void)
{
    test_in_out_long_mode();
    test_exit_cross_check();
    test_ins_outs();
    test_permissions();
    harness_reset(VCPU_LONG64);
    guest_free(&h.guest);
    return check_summary();
}
