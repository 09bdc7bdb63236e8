/* The cases, one row each, and the exit a hypervisor reports for them. */
#include "cases.h"

#include <string.h>

#define DEVICE_REGISTER (MMIO_BASE + 0x10) /* [rbx] of the single-access cases */
#define READ WHvMemoryAccessRead
#define WRITE WHvMemoryAccessWrite

/* one case per row, as written */
// clang-format off
const struct bench_case bench_cases[] = {
    { .name = "mov eax, [rbx]", .bytes = { 0x8b, 0x03 }, .length = 2,
      .floor_mmio = floor_mov_r32_m32, .access = READ, .gva = DEVICE_REGISTER,
      .rbx = DEVICE_REGISTER },
    { .name = "mov [rbx], eax", .bytes = { 0x89, 0x03 }, .length = 2,
      .floor_mmio = floor_mov_m32_r32, .access = WRITE, .gva = DEVICE_REGISTER,
      .rax = 0x12345678, .rbx = DEVICE_REGISTER },
    { .name = "movzx eax, byte [rbx]", .bytes = { 0x0f, 0xb6, 0x03 }, .length = 3,
      .floor_mmio = floor_movzx_r32_m8, .access = READ, .gva = DEVICE_REGISTER,
      .rax = 0xffffffffffffffff, .rbx = DEVICE_REGISTER },
    /* a read-modify-write: the CPU reports the exit as a write */
    { .name = "add [rbx], eax", .bytes = { 0x01, 0x03 }, .length = 2,
      .floor_mmio = floor_add_m32_r32, .access = WRITE, .gva = DEVICE_REGISTER,
      .rax = 0x89abcdef, .rbx = DEVICE_REGISTER },
    /* [rip + 0xff01a] from the end of the 6-byte instruction at 0x1000 is MMIO_BASE + 0x20 */
    { .name = "mov eax, [rip+disp32]", .bytes = { 0x8b, 0x05, 0x1a, 0xf0, 0x0f, 0x00 },
      .length = 6, .floor_mmio = floor_mov_r32_riprel, .access = READ, .gva = MMIO_BASE + 0x20 },
    { .name = "out dx, al", .bytes = { 0xee }, .length = 1, .floor_io = floor_out_dx_al,
      .io_write = true, .rax = 0x1122334455667788 },
    { .name = "in al, dx", .bytes = { 0xec }, .length = 1, .floor_io = floor_in_al_dx,
      .rax = 0x1122334455667788 },
    { .name = "rep movsb x256 (RAM->MMIO)", .bytes = { 0xf3, 0xa4 }, .length = 2, .rep = true,
      .floor_mmio = floor_rep_movsb, .access = WRITE, .gva = MMIO_BASE, .rcx = 256,
      .rsi = RAM_SOURCE, .rdi = MMIO_BASE },
    { .name = "  same, RAM callback", .bytes = { 0xf3, 0xa4 }, .length = 2, .rep = true,
      .floor_mmio = floor_rep_movsb, .access = WRITE, .gva = MMIO_BASE, .rcx = 256,
      .rsi = RAM_SOURCE, .rdi = MMIO_BASE, .ram_callback = true },
    { .name = "rep stosd x1024 (MMIO)", .bytes = { 0xf3, 0xab }, .length = 2, .rep = true,
      .floor_mmio = floor_rep_stosd, .access = WRITE, .gva = MMIO_BASE, .rax = 0x5a5a1234,
      .rcx = MMIO_SIZE / 4, .rdi = MMIO_BASE },
    { .name = "rep outsb x256 (port)", .bytes = { 0xf3, 0x6e }, .length = 2, .rep = true,
      .floor_io = floor_rep_outsb, .io_write = true, .io_string = true, .rcx = 256,
      .rsi = RAM_SOURCE },
    { .name = "  same, RAM callback", .bytes = { 0xf3, 0x6e }, .length = 2, .rep = true,
      .floor_io = floor_rep_outsb, .io_write = true, .io_string = true, .rcx = 256,
      .rsi = RAM_SOURCE, .ram_callback = true },
    /* ---- SIMD stores (issue 10) ---- */
    { .name = "movdqu [rbx], xmm0", .bytes = { 0xf3, 0x0f, 0x7f, 0x03 }, .length = 4,
      .floor_mmio = floor_movdqu_m128_xmm, .access = WRITE, .gva = DEVICE_REGISTER,
      .rbx = DEVICE_REGISTER },
    { .name = "vmovdqu [rbx], ymm0", .bytes = { 0xc5, 0xfe, 0x7f, 0x03 }, .length = 4,
      .floor_mmio = floor_vmovdqu_m256_ymm, .access = WRITE, .gva = DEVICE_REGISTER,
      .rbx = DEVICE_REGISTER, .unicorn_lacks = "AVX (UC_ERR_INSN_INVALID)" },
};
// clang-format on
const size_t bench_case_count = sizeof bench_cases / sizeof bench_cases[0];

/* Instructions whose flags the default vendor option takes from the host CPU (a stub runs
 * the operation: src/exec/hostop.c) and the C profiles compute in portable C. */
const struct bench_case flag_cases[] = {
    { .name = "add [rbx], eax",
      .bytes = { 0x01, 0x03 },
      .length = 2,
      .access = WRITE,
      .gva = DEVICE_REGISTER,
      .rax = 0x12345678,
      .rbx = DEVICE_REGISTER },
    { .name = "bsf eax, [rbx]",
      .bytes = { 0x0f, 0xbc, 0x03 },
      .length = 3,
      .access = READ,
      .gva = DEVICE_REGISTER,
      .rbx = DEVICE_REGISTER },
    { .name = "shl dword [rbx], cl",
      .bytes = { 0xd3, 0x23 },
      .length = 2,
      .access = WRITE,
      .gva = DEVICE_REGISTER,
      .rcx = 5,
      .rbx = DEVICE_REGISTER },
};
const size_t flag_case_count = sizeof flag_cases / sizeof flag_cases[0];

const uint8_t bench_ymm0[32] = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87, 0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f,
};

static void set_registers(const struct bench_case *c, struct guest *g)
{
    guest_reg(g, WHvX64RegisterRax)->Reg64 = c->rax;
    guest_reg(g, WHvX64RegisterRbx)->Reg64 = c->rbx;
    guest_reg(g, WHvX64RegisterRcx)->Reg64 = c->rcx;
    guest_reg(g, WHvX64RegisterRdx)->Reg64 = BENCH_PORT;
    guest_reg(g, WHvX64RegisterRsi)->Reg64 = c->rsi;
    guest_reg(g, WHvX64RegisterRdi)->Reg64 = c->rdi;
    memcpy(&guest_reg(g, WHvX64RegisterXmm0)->Reg128, bench_ymm0, 16);
    memcpy(g->ymm_upper[0], bench_ymm0 + 16, 16);
}

/* A port-I/O exit carries the registers IN/OUT/INS/OUTS read. */
static void io_exit(const struct bench_case *c, struct guest *g, WHV_X64_IO_PORT_ACCESS_CONTEXT *io)
{
    io->InstructionByteCount = (UINT8)c->length;
    memcpy(io->InstructionBytes, c->bytes, c->length);
    io->AccessInfo.IsWrite = c->io_write;
    io->AccessInfo.AccessSize = 1;
    io->AccessInfo.StringOp = c->io_string;
    io->AccessInfo.RepPrefix = c->io_string;
    io->PortNumber = BENCH_PORT;
    io->Rax = c->rax;
    io->Rcx = c->rcx;
    io->Rsi = c->rsi;
    io->Rdi = c->rdi;
    io->Ds = guest_reg(g, WHvX64RegisterDs)->Segment;
    io->Es = guest_reg(g, WHvX64RegisterEs)->Segment;
}

void case_prepare(const struct bench_case *c, struct guest *g, struct bench_exit *exit)
{
    memset(exit, 0, sizeof *exit);
    set_registers(c, g);
    vcpu_exit_context(&g->vcpu, c->length, &exit->vp);
    exit->mmio.InstructionByteCount = (UINT8)c->length;
    memcpy(exit->mmio.InstructionBytes, c->bytes, c->length);
    exit->mmio.AccessInfo.AccessType = c->access;
    exit->mmio.AccessInfo.GvaValid = 1;
    exit->mmio.Gva = c->gva;
    exit->mmio.Gpa = c->gva; /* identity-mapped */
    io_exit(c, g, &exit->io);
}

bool outcome_equal(const struct outcome *a, const struct outcome *b)
{
    return a->rax == b->rax && a->rcx == b->rcx && a->rsi == b->rsi && a->rdi == b->rdi &&
           a->rip == b->rip && a->rflags == b->rflags &&
           memcmp(&a->devices, &b->devices, sizeof a->devices) == 0;
}
