/* Writes the committed seed corpus: make_seeds DIR creates DIR/fuzz_emulate/<name> and
 * DIR/fuzz_decode/<name>. The seeds are typical MMIO and port-I/O exits (and a few hostile
 * ones); the decode seeds are their instruction bytes plus encodings from every opcode map.
 * Rerun it after changing emulate_input.h: the layout is shared, so seeds stay valid. */
#define _POSIX_C_SOURCE 200809L /* mkdir */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#include <direct.h>
#define make_directory(path) _mkdir(path)
#else
#define make_directory(path) mkdir(path, 0777)
#endif

#include "emulate_input.h"
#include "whvnames.h"
#include "guest_vcpu.h"

/* WHV_MEMORY_ACCESS_INFO: AccessType:2, GpaUnmapped:1, GvaValid:1. With GvaValid the exit
 * vouches for its page's translation; without it the emulator translates that page too,
 * which the translation seeds need. */
#define VOUCHED_READ 0x8u
#define VOUCHED_WRITE 0x9u
#define UNVOUCHED_READ 0x0u
/* WHV_X64_IO_PORT_ACCESS_INFO: IsWrite:1, AccessSize:3, StringOp:1, RepPrefix:1. */
#define IO_INFO(is_write, size, string, rep) ((is_write) | (size) << 1 | (string) << 4 | (rep) << 5)

struct reg_assignment {
    const char *name;
    uint64_t value;
};

struct seed {
    const char *name;
    enum vcpu_mode mode;
    bool io;
    const char *bytes; /* instruction bytes, hex */
    int given;         /* InstructionByteCount; 0 means "all of bytes" */
    uint32_t access_info;
    uint64_t address; /* MMIO: Gva and Gpa (identity); I/O: the port */
    unsigned fail_at;
    uint16_t exec_state_xor;
    enum fuzz_bad_argument bad;
    struct reg_assignment regs[4];
    const char *world;       /* the callbacks' answers, hex (emulate_input.h) */
    unsigned options;        /* FUZZ_OPTION_* */
    unsigned more_flags;     /* FUZZ_FLAG_STRUCTURED (exec_state_xor is then the shape,
                                   * for I/O the first byte selects the instruction),
                                   * FUZZ_FLAG_DESTROY_IN_CALLBACK, FUZZ_FLAG_VENDOR_DEFAULT */
    unsigned rip_offset;     /* structured MMIO: RIP's offset in its page */
    enum fuzz_xstate xstate; /* the extended-state extension installed, and how */
};

#define STRUCTURED FUZZ_FLAG_STRUCTURED
#define CPL3 (3u << FUZZ_SHAPE_CPL_SHIFT)

/* "no bytes given" needs its own marker since 0 means "all". */
#define NONE_GIVEN (-1)

/* one seed per row, as written */
// clang-format off
static const struct seed seeds[] = {
    { "mov_eax_mem", VCPU_LONG64, false, "8b 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "78 56 34 12" },
    { "mov_mem_eax", VCPU_LONG64, false, "89 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rax", 0xdeadbeef } }, "00" },
    { "mov_rip_rel_imm8", VCPU_LONG64, false, "c6 05 f9 0f c1 ff 42", 0, VOUCHED_WRITE, 0x11000,
      0, 0, 0,
      { { "rip", 0x400000 } }, "00" },
    { "movzx_word", VCPU_LONG64, false, "0f b7 43 08", 0, VOUCHED_READ, 0x10008, 0, 0, 0,
      { { "rbx", 0x10000 } }, "cd ab" },
    { "movsx_byte_rex", VCPU_LONG64, false, "4c 0f be 44 24 08", 0, VOUCHED_READ, 0x80008, 0, 0, 0,
      { { "rsp", 0x80000 } }, "80" },
    { "mov_moffs64", VCPU_LONG64, false, "a1 00 00 01 00 00 00 00 00", 0, VOUCHED_READ, 0x10000,
      0, 0, 0,
      { { "rax", 0 } }, "ef be ad de" },
    { "mov_qword_straddle", VCPU_LONG64, false, "48 89 03", 0, VOUCHED_WRITE, 0x10ffc, 0, 0, 0,
      { { "rbx", 0x10ffc }, { "rax", 0x1122334455667788 } }, "00 00" },
    { "fetch_all_bytes", VCPU_LONG64, false, "8b 03", NONE_GIVEN, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "00 8b 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 11 22 33 44" },
    { "fetch_one_more", VCPU_LONG64, false, "c7 03 78 56 34 12", 2, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "00 78 56 34 12 00" },
    { "rep_stosd", VCPU_LONG64, false, "f3 ab", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rcx", 4 }, { "rdi", 0x10000 }, { "rax", 0x11223344 } }, "" },
    { "rep_movsb_256", VCPU_LONG64, false, "f3 a4", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rcx", 256 }, { "rsi", 0x20000 }, { "rdi", 0x10000 } }, "" },
    { "rep_movsb_ram_callback", VCPU_LONG64, false, "f3 a4", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rcx", 5000 }, { "rsi", 0x20ffe }, { "rdi", 0x10000 } },
      "0b 0b 0b 0b 0b 0b 0b 0b", FUZZ_OPTION_RAM_CALLBACK },   /* 0b: moved page / RAM */
    { "rep_stosq_budget", VCPU_LONG64, false, "f3 48 ab", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rcx", 100 }, { "rdi", 0x10000 } }, "", 3u << FUZZ_OPTION_REP_BUDGET_SHIFT },
    { "amd_bsf_flags", VCPU_LONG64, false, "0f bc 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "00 00 00 00", FUZZ_OPTION_VENDOR_AMD },
    /* the default vendor: the integer operations run on the host */
    { "host_bsr_flags", VCPU_LONG64, false, "48 0f bd 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rflags", 0x8d7 } }, "00 00 00 00 00 00 00 00", 0, FUZZ_FLAG_VENDOR_DEFAULT },
    { "host_div_byte", VCPU_LONG64, false, "f6 33", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rax", 0x1234 } }, "35", 0, FUZZ_FLAG_VENDOR_DEFAULT },
    { "rep_movsb_endless", VCPU_LONG64, false, "f3 a4", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rcx", UINT64_MAX }, { "rsi", 0x20000 }, { "rdi", 0x10000 } }, "" },
    { "rep_movsq_backward", VCPU_LONG64, false, "f3 48 a5", 0, VOUCHED_READ, 0x20ff8, 0, 0, 0,
      { { "rcx", 3 }, { "rsi", 0x20ff8 }, { "rdi", 0x10ff8 }, { "rflags", 0x402 } }, "" },
    { "repe_cmpsb", VCPU_LONG64, false, "f3 a6", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rcx", 8 }, { "rsi", 0x10000 }, { "rdi", 0x20000 } }, "00 41 41 00 00 42 43" },
    { "lods_dword", VCPU_LONG64, false, "ad", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rsi", 0x10000 } }, "01 02 03 04" },
    { "lock_add", VCPU_LONG64, false, "f0 01 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rax", 1 } }, "ff ff ff ff" },
    { "xchg_mem", VCPU_LONG64, false, "87 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rax", 5 } }, "07 00 00 00" },
    { "cmpxchg_mem", VCPU_LONG64, false, "0f b1 0b", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rcx", 9 } }, "00 00 00 00" },
    { "or_imm8", VCPU_LONG64, false, "83 0b 01", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "10 00 00 00" },
    { "test_imm", VCPU_LONG64, false, "f7 03 00 00 00 80", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "00 00 00 80" },
    { "bt_reg", VCPU_LONG64, false, "0f a3 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rax", 33 } }, "00 00 00 00" },
    { "push_mem", VCPU_LONG64, false, "ff 33", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "01 02 03 04 05 06 07 08 00" },
    { "movdqu_load", VCPU_LONG64, false, "f3 0f 6f 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f" },
    { "vmovd_store", VCPU_LONG64, false, "c5 f9 7e 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "xmm0", 0x12345678 } }, "00" },
    { "enqcmds_line", VCPU_LONG64, false, "f3 0f 38 f8 16", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rdx", 0x10000 }, { "rsi", 0x20ff8 } },
      "00 00 de bc 0a 80 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10" }, /* two translations, data */
    /* ENQCMD: IA32_PASID is component 10 of a compacted area (the harness adds it to the
     * host's layout and makes it valid): XSTATE_BV 403h, the source's translation, its data
     * (bits 31:0 zero) -> the store; XSTATE_BV 3 (init: not valid) -> #GP(0); a hostile
     * area whose pattern leaves the valid bit clear -> #GP(0); the standard format (no
     * supervisor components) and no extension -> InternalEmulationFailure */
    { "enqcmd_pasid_compacted", VCPU_LONG64, false, "f2 0f 38 f8 16", 0, VOUCHED_WRITE, 0x10000,
      0, 0, 0, { { "rdx", 0x10000 }, { "rsi", 0x20000 } },
      "03 04 00 00 00 00 00 00 00 00 00 00 00 05 06 07 08", 0, 0, 0, FUZZ_XSTATE_COMPACTED },
    { "enqcmd_pasid_init_compacted", VCPU_LONG64, false, "f2 0f 38 f8 16", 0, VOUCHED_WRITE,
      0x10000, 0, 0, 0, { { "rdx", 0x10000 }, { "rsi", 0x20000 } },
      "03 00 00 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_COMPACTED },
    { "enqcmd_pasid_hostile_area", VCPU_LONG64, false, "f2 0f 38 f8 16", 0, VOUCHED_WRITE,
      0x10000, 0, 0, 0, { { "rdx", 0x10000 }, { "rsi", 0x20000 } },
      "03 04 00 00 00 00 00 00 03 04 00 00 00 00 00 80 48 02", 0, 0, 0, FUZZ_XSTATE_HOSTILE },
    { "enqcmd_standard_area", VCPU_LONG64, false, "f2 0f 38 f8 16", 0, VOUCHED_WRITE, 0x10000,
      0, 0, 0, { { "rdx", 0x10000 }, { "rsi", 0x20000 } },
      "03 04 00 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "enqcmd_no_extension", VCPU_LONG64, false, "f2 0f 38 f8 16", 0, VOUCHED_WRITE, 0x10000,
      0, 0, 0, { { "rdx", 0x10000 }, { "rsi", 0x20000 } }, "" },
    { "movdir64b_misaligned", VCPU_LONG64, false, "66 0f 38 f8 16", 0, VOUCHED_WRITE, 0x10008, 0,
      0, 0, { { "rdx", 0x10008 }, { "rsi", 0x20000 } }, "" },
    { "ptwrite_m64", VCPU_LONG64, false, "f3 48 0f ae 23", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "01 02 03 04 05 06 07 08" },
    /* CET shadow stacks on (CR4.CET with the 64-bit seeds' PAE, IA32_S_CET's enables): the
     * forms check, translate, then walk the guest's tables (docs/cet.md) */
    { "cet_wrssq", VCPU_LONG64, false, "48 0f 38 f6 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rax", 0x1122334455667788 }, { "cr4", 0x800020 }, { "scet", 3 } },
      "" },
    { "cet_wrussd", VCPU_LONG64, false, "66 0f 38 f5 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x800020 } }, "" },
    { "cet_rstorssp", VCPU_LONG64, false, "f3 0f 01 2b", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x800020 }, { "scet", 1 }, { "ssp", 0x20000 } }, "" },
    { "cet_clrssbsy", VCPU_LONG64, false, "f3 0f ae 33", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x800020 }, { "scet", 1 } }, "" },
    { "x87_fadd_m32", VCPU_LONG64, false, "d8 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "00 00 80 3f" },
    { "x87_fstp_m80", VCPU_LONG64, false, "db 3b", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "" },
    { "x87_fld_pending_mf", VCPU_LONG64, false, "d9 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "fpcontrolstatus", 0x0001037e } }, "00 00 80 3f" },
    { "x87_fnstenv16", VCPU_PROTECTED32, false, "66 d9 33", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "" },
    { "x87_frstor_across_pages", VCPU_LONG64, false, "dd 23", 0, UNVOUCHED_READ, 0x10fc0, 0, 0,
      0, { { "rbx", 0x10fc0 } }, "" },
    { "fxsave", VCPU_LONG64, false, "0f ae 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "" },
    { "fxrstor64", VCPU_LONG64, false, "48 0f ae 0b", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } },
      "7f 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 80 1f 00 00" },
    { "ldmxcsr", VCPU_LONG64, false, "0f ae 13", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "80 1f 00 00" },
    { "vstmxcsr", VCPU_LONG64, false, "c5 f8 ae 1b", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 7 } }, "" },
    { "xsave64", VCPU_LONG64, false, "48 0f ae 23", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 7 }, { "rax", 7 } },
      "e7 00 00 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "xsavec64_compacted_area", VCPU_LONG64, false, "48 0f c7 23", 0, VOUCHED_WRITE, 0x10000, 0,
      0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 7 }, { "rax", 7 } },
      "07 00 00 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_COMPACTED },
    { "xrstor64", VCPU_LONG64, false, "48 0f ae 2b", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 7 }, { "rax", 7 } },
      "07 00 00 00 00 00 00 00 05 00 00 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "xrstors_hostile_area", VCPU_LONG64, false, "0f c7 1b", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 7 }, { "rax", 7 } },
      "07 00 00 00 00 00 00 00 07 00 00 00 00 00 00 80 40 02", 0, 0, 0, FUZZ_XSTATE_HOSTILE },
    { "amx_ldtilecfg", VCPU_LONG64, false, "c4 e2 78 49 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x60007 } },
      "01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 40 00 0c 00 00 00 00 00 00 00 00 00 00 00 "
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 10 05",
      0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "amx_sttilecfg_compacted_area", VCPU_LONG64, false, "c4 e2 79 49 03", 0, VOUCHED_WRITE,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x60007 } },
      "00 00 06 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_COMPACTED },
    { "amx_tileloadd_xfd", VCPU_LONG64, false, "c4 e2 7b 4b 4c 0b 10", 0, VOUCHED_READ, 0x10010,
      0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x60007 }, { "xfd", 0x40000 } },
      "", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "amx_tileloadd", VCPU_LONG64, false, "c4 e2 7b 4b 4c 0b 10", 0, VOUCHED_READ, 0x10010, 0,
      0, 0, { { "rbx", 0x10000 }, { "rcx", 0x40 }, { "cr4", 0x40220 }, { "xcr0", 0x60007 } },
      "00 00 06 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "amx_tilestored_compacted_area", VCPU_LONG64, false, "c4 e2 7a 4b 4c 0b 10", 0,
      VOUCHED_WRITE, 0x10010, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rcx", 0x40 }, { "cr4", 0x40220 }, { "xcr0", 0x60007 } },
      "00 00 06 00 00 00 00 00", 0, 0, 0, FUZZ_XSTATE_COMPACTED },
    { "amx_tilestored_hostile_area", VCPU_LONG64, false, "c4 e2 7a 4b 4c 0b 10", 0,
      VOUCHED_WRITE, 0x10010, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rcx", 0x40 }, { "cr4", 0x40220 }, { "xcr0", 0x60007 } },
      "00 00 06 00 00 00 00 00 03 00 06 00 00 00 00 80 80 22", 0, 0, 0, FUZZ_XSTATE_HOSTILE },
    { "page_not_present", VCPU_LONG64, false, "8b 03", 0, UNVOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "01" },
    { "gpa_unaligned", VCPU_LONG64, false, "8b 03", 0, UNVOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x7fff0000 } }, "09 01 00 01 00 00 00 00 00" },
    { "fail_first_callback", VCPU_LONG64, false, "8b 03", 0, VOUCHED_READ, 0x10000, 1, 0, 0,
      { { "rbx", 0x10000 } }, "11 22 33 44" },
    { "fail_get_then_fetch", VCPU_LONG64, false, "8b 03", NONE_GIVEN, VOUCHED_READ, 0x10000,
      1, 0, 0,
      { { "rbx", 0x10000 } }, "00 8b 03" },
    { "fail_set_registers", VCPU_LONG64, false, "89 03", 0, VOUCHED_WRITE, 0x10000, 3, 0, 0,
      { { "rbx", 0x10000 } }, "00" },
    { "interruption_pending", VCPU_LONG64, false, "8b 03", 0, VOUCHED_READ, 0x10000, 0, 1u << 6, 0,
      { { "rbx", 0x10000 } }, "11 22 33 44" },
    { "single_step", VCPU_LONG64, false, "8b 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "rflags", 0x102 } }, "11 22 33 44" },
    { "ud2", VCPU_LONG64, false, "0f 0b", 0, VOUCHED_READ, 0x10000, 0, 0, 0, { { "rbx", 0 } }, "" },
    { "too_long", VCPU_LONG64, false, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", 0,
      VOUCHED_READ, 0x10000, 0, 0, 0, { { "rbx", 0 } }, "" },
    { "bad_null_vp_context", VCPU_LONG64, false, "8b 03", 0, VOUCHED_READ, 0x10000, 0, 0,
      FUZZ_NULL_VP_CONTEXT, { { "rbx", 0x10000 } }, "" },
    { "bad_null_status", VCPU_LONG64, true, "ee", 0, IO_INFO(1, 1, 0, 0), 0x3f8, 0, 0,
      FUZZ_NULL_STATUS, { { "rdx", 0x3f8 } }, "" },
    { "real_mov_al_bx", VCPU_REAL16, false, "8a 07", 0, VOUCHED_READ, 0x10010, 0, 0, 0,
      { { "ds", 0x1000 }, { "rbx", 0x10 } }, "5a" },
    { "real_stosb", VCPU_REAL16, false, "aa", 0, VOUCHED_WRITE, 0xb8000, 0, 0, 0,
      { { "rdi", 0x8000 } }, "00" },
    { "prot32_apic_eoi", VCPU_PROTECTED32, false, "89 08", 0, VOUCHED_WRITE, 0xfee000b0, 0, 0, 0,
      { { "rax", 0xfee000b0 } }, "00" },
    { "compat_mov", VCPU_COMPAT32, false, "8b 43 04", 0, VOUCHED_READ, 0x10004, 0, 0, 0,
      { { "rbx", 0x10000 } }, "01 00 00 00" },
    { "io_out_dx_al", VCPU_LONG64, true, "ee", 0, IO_INFO(1, 1, 0, 0), 0x3f8, 0, 0, 0,
      { { "rdx", 0x3f8 }, { "rax", 0x41 } }, "" },
    { "io_in_al_dx", VCPU_LONG64, true, "ec", 0, IO_INFO(0, 1, 0, 0), 0x60, 0, 0, 0,
      { { "rdx", 0x60 } }, "1c 00 00 00" },
    { "io_out_imm8", VCPU_LONG64, true, "e6 80", 0, IO_INFO(1, 1, 0, 0), 0x80, 0, 0, 0,
      { { "rax", 0x55 } }, "" },
    { "io_in_eax_dx", VCPU_PROTECTED32, true, "ed", 0, IO_INFO(0, 4, 0, 0), 0xcfc, 0, 0, 0,
      { { "rdx", 0xcfc } }, "86 80 37 12" },
    { "io_rep_outsb", VCPU_LONG64, true, "f3 6e", 0, IO_INFO(1, 1, 1, 1), 0x3f8, 0, 0, 0,
      { { "rdx", 0x3f8 }, { "rcx", 5 }, { "rsi", 0x20000 } }, "00 48 00 65 00 6c 00 6c 00 6f" },
    { "io_rep_insw", VCPU_REAL16, true, "f3 6d", 0, IO_INFO(0, 2, 1, 1), 0x1f0, 0, 0, 0,
      { { "rdx", 0x1f0 }, { "rcx", 4 }, { "rdi", 0x1000 } }, "00 11 11 00 00 22 22 00 00" },
    { "io_fail_port", VCPU_LONG64, true, "ec", 0, IO_INFO(0, 1, 0, 0), 0x60, 1, 0, 0,
      { { "rdx", 0x60 } }, "" },
    { "destroy_in_callback", VCPU_LONG64, false, "8b 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "78 56 34 12", 0, FUZZ_FLAG_DESTROY_IN_CALLBACK },
    /* structured mode: one load per CPU mode, then port I/O and REP in a few; for port I/O
     * the byte is the instruction selector, and 16 given bytes means all of them */
    { "s_real_mov", 0, false, "8b 07", 0, VOUCHED_READ, 0x10, 0, FUZZ_MODE_REAL, 0,
      { { "rbx", 0x10 } }, "5a 00", 0, STRUCTURED },
    { "s_v86_mov", 0, false, "8b 07", 0, VOUCHED_READ, 0x10, 0, FUZZ_MODE_V86, 0,
      { { "rbx", 0x10 } }, "5a 00", 0, STRUCTURED },
    { "s_prot16_mov", 0, false, "8b 07", 0, VOUCHED_READ, 0x10, 0, FUZZ_MODE_PROT16, 0,
      { { "rbx", 0x10 } }, "5a 00", 0, STRUCTURED },
    { "s_prot32_mov", 0, false, "8b 03", 0, VOUCHED_READ, 0xfee00020, 0, FUZZ_MODE_PROT32 | CPL3,
      0, { { "rbx", 0xfee00020 } }, "01 02 03 04", 0, STRUCTURED },
    { "s_prot32_paged_mov", 0, false, "8b 03", 0, UNVOUCHED_READ, 0x10000, 0,
      FUZZ_MODE_PROT32_PAGED | FUZZ_SHAPE_PAE, 0, { { "rbx", 0x10000 } }, "00 01 02 03 04", 0,
      STRUCTURED },
    { "s_long64_mov", 0, false, "48 8b 03", 0, UNVOUCHED_READ, 0x10000, 0,
      FUZZ_MODE_LONG64 | CPL3 | FUZZ_SHAPE_SMEP_SMAP, 0, { { "rbx", 0x10000 } },
      "00 01 02 03 04 05 06 07 08", 0, STRUCTURED },
    { "s_compat32_mov", 0, false, "8b 03", 0, VOUCHED_READ, 0x10000, 0, FUZZ_MODE_COMPAT32, 0,
      { { "rbx", 0x10000 } }, "01 02 03 04", 0, STRUCTURED },
    { "s_compat16_mov", 0, false, "8b 07", 0, VOUCHED_READ, 0x10, 0, FUZZ_MODE_COMPAT16, 0,
      { { "rbx", 0x10 } }, "5a 00", 0, STRUCTURED },
    { "s_long64_fetch_page_end", 0, false, "48 8b 43 08", NONE_GIVEN, VOUCHED_READ, 0x10008, 0,
      FUZZ_MODE_LONG64, 0, { { "rbx", 0x10000 } },
      "00 48 8b 43 00 08 00 00 00 00 00 00 00 00 00 00 00 01 02 03 04 05 06 07 08", 0,
      STRUCTURED, 0xffd },
    { "s_real_fnsave", 0, false, "dd 37", 0, VOUCHED_WRITE, 0x10, 0, FUZZ_MODE_REAL, 0,
      { { "rbx", 0x10 } }, "", 0, STRUCTURED },
    { "s_prot16_fld_m80", 0, false, "db 2f", 0, VOUCHED_READ, 0x10, 0, FUZZ_MODE_PROT16, 0,
      { { "rbx", 0x10 } }, "00 00 00 00 00 00 00 80 ff 3f", 0, STRUCTURED },
    { "s_real_unreal_rep_stosb", 0, false, "67 f3 aa", 0, VOUCHED_WRITE, 0, 0, FUZZ_MODE_REAL, 0,
      { { "rcx", 0xffffffff }, { "rdi", 0 } }, "", FUZZ_OPTION_RAM_CALLBACK, STRUCTURED },
    { "s_long64_rep_movsb_endless", 0, false, "f3 a4", 0, VOUCHED_WRITE, 0x10000, 0,
      FUZZ_MODE_LONG64, 0, { { "rcx", UINT64_MAX }, { "rsi", 0x20000 }, { "rdi", 0x10000 } }, "",
      0, STRUCTURED },
    { "s_v86_rep_outsb", 0, true, "4a", 16, 0, 0x3f8, 0, FUZZ_MODE_V86, 0,
      { { "rcx", 3 }, { "rsi", 0x100 } }, "66 00 00 00 00 41 42 43", 0, STRUCTURED },
    { "s_prot32_in_dx", 0, true, "05", 16, 0, 0xcfc, 0, FUZZ_MODE_PROT32 | CPL3, 0,
      { { "rax", 0 } }, "66 00 00 00 00 00", 0, STRUCTURED },
    { "s_compat16_out_imm8", 0, true, "13", 16, 0, 0x80, 0, FUZZ_MODE_COMPAT16, 0,
      { { "rax", 0x1234 } }, "", 0, STRUCTURED },
    /* SIMD moves (docs/simd-moves.md): legacy and MMX through the SDK names, VEX and EVEX
     * with the extension in either format, from a hostile VMM, and without it */
    { "sse_movdqu_store", VCPU_LONG64, false, "f3 0f 7f 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "" },
    { "sse_movaps_load", VCPU_LONG64, false, "0f 28 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff" },
    { "mmx_movq_store", VCPU_LONG64, false, "0f 7f 03", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 } }, "" },
    { "sse_maskmovdqu", VCPU_LONG64, false, "66 0f f7 c1", 0, VOUCHED_WRITE, 0x10000, 0, 0, 0,
      { { "rdi", 0x10000 }, { "cr4", 0x220 } }, "" },
    { "avx_vmovdqu_store_ymm", VCPU_LONG64, false, "c5 fe 7f 03", 0, VOUCHED_WRITE, 0x10000, 0, 0,
      0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } }, "", 0, 0, 0,
      FUZZ_XSTATE_STANDARD },
    { "avx_vmovdqu_load_ymm_compacted", VCPU_LONG64, false, "c5 fe 6f 03", 0, VOUCHED_READ, 0x10000,
      0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00 11 22 33 44 55 66 77 88 99 aa bb cc dd "
      "ee ff", 0, 0, 0, FUZZ_XSTATE_COMPACTED },
    { "avx_vmovdqu_load_ymm_no_xstate", VCPU_LONG64, false, "c5 fe 6f 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } }, "" },
    { "avx_vpmaskmovd_store_hostile", VCPU_LONG64, false, "c4 e2 75 8e 03", 0, VOUCHED_WRITE,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } }, "", 0, 0, 0,
      FUZZ_XSTATE_HOSTILE },
    { "avx512_vmovdqu32_masked_load", VCPU_LONG64, false, "62 f1 7e 49 6f 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx2_vpgatherdd", VCPU_LONG64, false, "c4 e2 75 90 04 9b", 0, VOUCHED_READ, 0x10000, 0,
      0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } },
      "00 11 22 33 44 55 66 77", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx512_vpscatterdd", VCPU_LONG64, false, "62 f2 7d 49 a0 04 9b", 0, VOUCHED_WRITE, 0x10000,
      0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } }, "", 0, 0, 0,
      FUZZ_XSTATE_COMPACTED },
    { "avx512_vpcompressd_store", VCPU_LONG64, false, "62 f2 7d 49 8b 03", 0, VOUCHED_WRITE,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } }, "", 0, 0, 0,
      FUZZ_XSTATE_STANDARD },
    /* SIMD computation on the host (docs/simd-compute.md): legacy SSE through the SDK names,
     * an immediate, a shift count (8 bytes read), VEX.256 with the extension */
    { "sse_paddq_load", VCPU_LONG64, false, "66 0f d4 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff" },
    { "sse_pshufd_imm", VCPU_LONG64, false, "66 0f 70 03 1b", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff" },
    { "sse_psraw_count", VCPU_LONG64, false, "66 0f e1 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "03 00 00 00 00 00 00 00" },
    { "avx2_vpcmpeqb_ymm", VCPU_LONG64, false, "c5 f5 74 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00 11 22 33 44 55 66 77 88 99 aa bb cc dd "
      "ee ff", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx_vpxor_xmm_no_xstate", VCPU_LONG64, false, "c5 f1 ef 03", 0, VOUCHED_READ, 0x10000, 0,
      0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff" },
    { "avx512_vpaddd_masked_bcst", VCPU_LONG64, false, "62 f1 75 59 fe 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } },
      "01 00 00 00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx512_vpcmpeqd_into_k", VCPU_LONG64, false, "62 f1 75 48 76 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } }, "", 0, 0,
      0, FUZZ_XSTATE_COMPACTED },
    { "sse_ptest_flags", VCPU_LONG64, false, "66 0f 38 17 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "ff 00 ff 00 ff 00 ff 00 ff 00 ff 00 ff 00 ff 00" },
    { "sse_pcmpestri", VCPU_LONG64, false, "66 0f 3a 61 03 0c", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 }, { "rax", 5 }, { "rdx", 7 } },
      "61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70" },
    /* the FP-typed shuffles: UNPCKLPS reads the low quadword of its m128 (LOW8), VPERM2F128
     * (VEX.256, an immediate), VBLENDMPS (EVEX, masked: the masked-off elements unread) */
    { "sse_unpcklps_low8", VCPU_LONG64, false, "0f 14 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "00 11 22 33 44 55 66 77" },
    { "avx_vperm2f128_ymm", VCPU_LONG64, false, "c4 e3 75 06 03 21", 0, VOUCHED_READ, 0x10000, 0,
      0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 } },
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00 11 22 33 44 55 66 77 88 99 aa bb cc dd "
      "ee ff", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx512_vblendmps_masked", VCPU_LONG64, false, "62 f2 75 49 65 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } },
      "01 00 00 00 02 00 00 00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    /* FP converts into a GPR (host RAX) and BF16 (AVX512_BF16, a broadcast pair) */
    { "sse_cvttsd2si_gpr", VCPU_LONG64, false, "f2 48 0f 2c 03", 0, VOUCHED_READ, 0x10000, 0, 0,
      0, { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "00 00 00 00 00 00 f8 3f" },
    { "avx512_vdpbf16ps_bcst", VCPU_LONG64, false, "62 f2 76 58 52 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } },
      "80 3f 00 40", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    /* the MMX converts: into mm0 (the FXSAVE image, MXCSR's flags back) and from an m64 */
    { "sse_cvtps2pi_mm", VCPU_LONG64, false, "0f 2d 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "00 00 c0 3f 00 00 00 cf" },
    { "sse_cvtpi2pd_m64", VCPU_LONG64, false, "66 0f 2a 03", 0, VOUCHED_READ, 0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x220 } }, "ff ff ff ff 00 00 00 80" },
    /* VCVTPS2PH, the compute store, FLT_MAX (an FP16 overflow) to m64 and m256: traced with
     * gdb, the first is #UD after the destination's checks (MXCSR 0, every exception
     * unmasked, CR4.OSXMMEXCPT clear), nothing written; the second reaches the write */
    { "f16c_vcvtps2ph_m64", VCPU_LONG64, false, "c4 e3 79 1d 03 04", 0, VOUCHED_WRITE, 0x10000,
      0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0x7 }, { "xmm0", 0x7f7fffff } },
      "00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx512_vcvtps2ph_m256", VCPU_LONG64, false, "62 f3 7d 48 1d 03 04", 0, VOUCHED_WRITE,
      0x10000, 0, 0, 0,
      { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 }, { "xmm0", 0x7f7fffff } }, "00",
      0, 0, 0, FUZZ_XSTATE_STANDARD },
    /* AVX512-FP16 (a broadcast FP16 1.0; the QUARTER read of VCVTPH2PD) and VP2INTERSECTD
     * (the k2/k3 pair): declined, the guest untouched, on a host without the feature (this
     * Zen 4); computed where it has it */
    { "avx512fp16_vaddph_bcst", VCPU_LONG64, false, "62 f5 7c 58 58 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } }, "00 3c",
      0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx512fp16_vcvtph2pd_m128", VCPU_LONG64, false, "62 f5 7c 48 5a 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } },
      "00 3c 00 c0 ff 7b 01 00 00 7c 00 fc 01 7e 00 80", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx512_vp2intersectd_pair", VCPU_LONG64, false, "62 f2 7f 48 68 13", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40220 }, { "xcr0", 0xe7 } },
      "01 00 00 00 02 00 00 00", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    /* the MXCSR rule's stages (docs/simd-compute.md rule 7; MXCSR 0: every exception
     * unmasked, CR4.OSXMMEXCPT set): DPPS (1, 2^-30) . (1, 1), an inexact pair sum after
     * exact products, and VDPPS ymm; VSCALEFPS 2 * 2^127, an overflow (its element model) */
    { "sse41_dpps_stages", VCPU_LONG64, false, "66 0f 3a 40 03 f1", 0, VOUCHED_READ, 0x10000, 0,
      0, 0, { { "rbx", 0x10000 }, { "cr4", 0x620 }, { "xmm0", 0x308000003f800000 } },
      "00 00 80 3f 00 00 80 3f 00 00 80 3f 00 00 80 3f" },
    { "avx_vdpps_ymm_stages", VCPU_LONG64, false, "c4 e3 7d 40 03 ff", 0, VOUCHED_READ, 0x10000,
      0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40620 }, { "xcr0", 0x7 },
      { "xmm0", 0x308000003f800000 } },
      "00 00 80 3f 00 00 80 3f 00 00 80 3f 00 00 80 3f 00 00 80 3f 00 00 80 3f 00 00 80 3f 00 00 "
      "80 3f", 0, 0, 0, FUZZ_XSTATE_STANDARD },
    { "avx512_vscalefps_overflow", VCPU_LONG64, false, "62 f2 75 48 2c 03", 0, VOUCHED_READ,
      0x10000, 0, 0, 0, { { "rbx", 0x10000 }, { "cr4", 0x40620 }, { "xcr0", 0xe7 },
      { "xmm1", 0x4000000040000000 } }, "00 00 fe 42", 0, 0, 0, FUZZ_XSTATE_STANDARD },
};
// clang-format on

/* Instruction encodings beyond the seeds above: one per opcode map and encoding class. */
static const char *const extra_decode_seeds[][2] = {
    { "evex_vmovups_zmm", "62 f1 7c 48 10 03" },
    { "evex_masked_broadcast", "62 f2 7d 5d 18 43 01" },
    { "vex3_vbroadcastss", "c4 e2 79 18 03" },
    { "vex_0f3a_vpinsrd", "c4 e3 79 22 43 04 01" },
    { "xop_vprotb", "8f e8 78 c0 c1 05" },
    { "3dnow_pfmul", "0f 0f 43 04 b4" },
    { "lock_cmpxchg16b", "f0 48 0f c7 0b" },
    { "sse4_pextrb_mem", "66 0f 3a 14 03 01" },
    { "x87_fld_qword", "dd 03" },
    { "addr32_override", "67 8b 03" },
    { "segment_fs_override", "64 48 8b 04 25 28 00 00 00" },
    { "jmp_far_ptr16_32", "ea 00 00 00 00 08 00" },
    { "lock_on_register_ud", "f0 01 c0" },
    { "empty", "" },
};

static size_t parse_hex(const char *text, uint8_t *out, size_t capacity)
{
    size_t n = 0;
    for (const char *p = text; *p;) {
        unsigned byte;
        int used;
        if (*p == ' ') {
            p++;
            continue;
        }
        if (sscanf(p, "%2x%n", &byte, &used) != 1 || n == capacity) {
            fprintf(stderr, "make_seeds: bad hex \"%s\"\n", text);
            exit(1);
        }
        out[n++] = (uint8_t)byte;
        p += used;
    }
    return n;
}

static void put(uint8_t *buffer, size_t *size, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        buffer[(*size)++] = (uint8_t)(value >> (8 * i));
}

static void write_file(const char *dir, const char *target, const char *name, const uint8_t *data,
                       size_t size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
    FILE *file = fopen(path, "wb");
    if (!file || fwrite(data, 1, size, file) != size || fclose(file) != 0) {
        perror(path);
        exit(1);
    }
}

static size_t encode_seed(const struct seed *s, uint8_t *out)
{
    uint8_t bytes[16] = { 0 };
    size_t byte_count = parse_hex(s->bytes, bytes, sizeof bytes);
    struct fuzz_emulate_header h = { 0 };
    h.flags = (s->io ? FUZZ_FLAG_IO : 0) | (uint64_t)s->mode << FUZZ_FLAG_MODE_SHIFT |
              (uint64_t)s->bad << FUZZ_FLAG_BAD_ARG_SHIFT | s->more_flags;
    h.fail_at = s->fail_at;
    h.exec_state_xor = s->exec_state_xor;
    h.byte_count = s->given == NONE_GIVEN ? 0 : s->given ? (uint64_t)s->given : byte_count;
    for (unsigned i = 0; i < 8; i++) {
        h.bytes_low |= (uint64_t)bytes[i] << (8 * i);
        h.bytes_high |= (uint64_t)bytes[8 + i] << (8 * i);
    }
    h.access_info = s->access_info;
    if (s->io) {
        h.port = s->address;
    } else {
        h.gpa = s->address;
        h.gva = s->address;
        h.port = s->rip_offset;
    }
    h.options = s->options;
    h.xstate = s->xstate;
    while (h.reg_count < 4 && s->regs[h.reg_count].name)
        h.reg_count++;

    size_t size = 0;
#define FUZZ_FIELD(name, bytes) put(out, &size, h.name, bytes);
    FUZZ_EMULATE_HEADER(FUZZ_FIELD)
#undef FUZZ_FIELD
    for (uint64_t r = 0; r < h.reg_count; r++) {
        int index = reg_index_of_text(s->regs[r].name);
        if (index < 0) {
            fprintf(stderr, "make_seeds: %s: unknown register %s\n", s->name, s->regs[r].name);
            exit(1);
        }
        /* Segments take the value as a real-mode selector, base = selector * 16. */
        uint64_t low = s->regs[r].value, high = 0;
        if (reg_table[index].kind == REG_KIND_SEGMENT) {
            WHV_REGISTER_VALUE v = { 0 };
            v.Segment.Selector = (UINT16)low;
            v.Segment.Base = low << 4;
            v.Segment.Limit = 0xffff;
            v.Segment.Attributes = 0x93;
            low = v.Reg128.Low64;
            high = v.Reg128.High64;
        }
        put(out, &size, (uint64_t)index, 1);
        put(out, &size, low, 8);
        put(out, &size, high, 8);
    }
    size += parse_hex(s->world, out + size, 256);
    return size;
}

static void make_dir(const char *path)
{
    if (make_directory(path) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds CORPUS_DIR (writes fuzz_emulate/, fuzz_decode/)\n");
        return 2;
    }
    char path[1024];
    make_dir(argv[1]);
    snprintf(path, sizeof path, "%s/fuzz_emulate", argv[1]);
    make_dir(path);
    snprintf(path, sizeof path, "%s/fuzz_decode", argv[1]);
    make_dir(path);
    uint8_t buffer[1024];
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        size_t size = encode_seed(&seeds[i], buffer);
        write_file(argv[1], "fuzz_emulate", seeds[i].name, buffer, size);
        /* several exits share an instruction: one decode seed each; a structured port-I/O
         * seed's byte selects an instruction, it is none */
        bool seen = seeds[i].io && (seeds[i].more_flags & STRUCTURED);
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(seeds[j].bytes, seeds[i].bytes) == 0;
        if (!seen) {
            size = parse_hex(seeds[i].bytes, buffer, sizeof buffer);
            write_file(argv[1], "fuzz_decode", seeds[i].name, buffer, size);
        }
    }
    for (size_t i = 0; i < sizeof extra_decode_seeds / sizeof extra_decode_seeds[0]; i++) {
        size_t size = parse_hex(extra_decode_seeds[i][1], buffer, sizeof buffer);
        write_file(argv[1], "fuzz_decode", extra_decode_seeds[i][0], buffer, size);
    }
    return 0;
}
