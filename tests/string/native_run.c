/* Native runs of string instructions (native_run.h), through tests/common's runner. */
#include "native_run.h"

#include <string.h>

#include "check.h"
#include "harness.h"
#include "native.h"

const char *const op_name[OP_COUNT] = { "movs", "stos", "lods", "cmps", "scas" };
static const uint8_t opcode_byte[OP_COUNT] = { 0xa4, 0xaa, 0xac, 0xa6, 0xae };

unsigned string_encode(enum op op, unsigned size, uint8_t rep, bool addr32, char *bytes)
{
    unsigned n = 0;
    if (rep)
        bytes[n++] = (char)rep;
    if (addr32)
        bytes[n++] = 0x67;
    if (size == 2)
        bytes[n++] = 0x66;
    if (size == 8)
        bytes[n++] = 0x48;
    bytes[n++] = (char)(opcode_byte[op] + (size > 1));
    return n;
}

bool native_string_init(void)
{
    return native_init(NATIVE_PAGE);
}

void native_string_run(const char *bytes, unsigned n, struct native_regs *r, struct native_fault *f)
{
    struct native_frame in = native_frame_for(64);
    struct native_result result;
    const uint64_t *out = result.out.gpr;

    in.gpr[NATIVE_RAX] = r->rax;
    in.gpr[NATIVE_RCX] = r->rcx;
    in.gpr[NATIVE_RSI] = r->rsi;
    in.gpr[NATIVE_RDI] = r->rdi;
    in.rflags = r->rflags;
    native_place(64, (const uint8_t *)bytes, n);
    native_run(64, &in, &result);
    *r = (struct native_regs){ out[NATIVE_RAX], out[NATIVE_RCX], out[NATIVE_RSI], out[NATIVE_RDI],
                               result.out.rflags };
    *f = (struct native_fault){ result.faulted, result.vector, result.error_code, result.cr2 };
}

void check_registers(const struct native_regs *nat)
{
    CHECK_EQ(reg64(WHvX64RegisterRax), nat->rax, "RAX");
    CHECK_EQ(reg64(WHvX64RegisterRcx), nat->rcx, "RCX");
    CHECK_EQ(reg64(WHvX64RegisterRsi), nat->rsi, "RSI");
    CHECK_EQ(reg64(WHvX64RegisterRdi), nat->rdi, "RDI");
    CHECK_EQ(reg64(WHvX64RegisterRflags) & (FL_ARITH | FL_DF), nat->rflags & (FL_ARITH | FL_DF),
             "RFLAGS");
}
