# cmake -DWHVEMU=path/to/whvemu -DCASE=name -P run_case.cmake
# Runs one CLI case and checks its exit code and that every expected pattern appears in
# the output (stdout and stderr together), in the given order.

# args: the command line; status: expected exit code; expect: regexes, in output order;
# absent: regexes that must not match anywhere.
if(CASE STREQUAL "decode_rep_movsb")
  set(args decode --bits 64 "f3 a4")
  set(status 0)
  set(expect "offset +len +bytes +instruction" "\n0 +2 +f3 a4 +rep movsb")
elseif(CASE STREQUAL "decode_sequence")
  set(args decode "8b 03" "89 03" "48 8b 05 10 00 00 00")
  set(status 0)
  set(expect "\n0 +2 +8b 03 +mov eax, dword ptr \\[rbx\\]"
             "\n2 +2 +89 03 +mov dword ptr \\[rbx\\], eax"
             "\n4 +7 +48 8b 05 10 00 00 00 +mov rax, qword ptr \\[rip\\+0x10\\]")
elseif(CASE STREQUAL "decode_16bit")
  set(args decode --bits 16 8a07)
  set(status 0)
  set(expect "\n0 +2 +8a 07 +mov al, byte ptr \\[bx\\]")
elseif(CASE STREQUAL "decode_invalid")
  # PUSH ES does not exist in 64-bit mode.
  set(args decode --bits 64 06)
  set(status 1)
  set(expect "\n0 +- +06 +invalid: the CPU raises #UD")
elseif(CASE STREQUAL "decode_incomplete")
  set(args decode 8b)
  set(status 1)
  set(expect "\n0 +- +8b +incomplete: needs more bytes")
elseif(CASE STREQUAL "decode_too_long")
  set(args decode "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90")
  set(status 1)
  set(expect "invalid: the CPU raises #UD \\(#GP\\(0\\) if longer than 15 bytes\\)")
elseif(CASE STREQUAL "decode_bad_hex")
  set(args decode "8b 0")
  set(status 2)
  set(expect "expected pairs of hex digits")
elseif(CASE STREQUAL "emulate_mov_load")
  set(args emulate --bits 64 --bytes "8b 03" --reg rbx=0x1000 --mem 0x1000=11223344)
  set(status 0)
  set(expect "instruction: 8b 03 +\\(2 bytes, 64-bit\\) +mov eax, dword ptr \\[rbx\\]"
             "exit: mmio read gpa=0x1000 gva=0x1000 bytes_given=2"
             "callbacks:"
             "#1 get_registers\\[[0-9]+\\][^\n]* rbx=0x1000"
             "memory read gpa=0x1000 size=4 -> 11 22 33 44"
             "set_registers\\[[0-9]+\\][^\n]* rax=0x44332211"
             "result: S_OK"
             "status: 0x00000001 EmulationSuccessful\n"
             "changes:"
             "rax: 0x0 -> 0x44332211"
             "rip: 0x400000 -> 0x400002"
             "memory unchanged")
elseif(CASE STREQUAL "emulate_mov_store")
  set(args emulate --bytes "89 03" --write --reg rax=0xdeadbeef --reg rbx=0x1000)
  set(status 0)
  set(expect "exit: mmio write gpa=0x1000 gva=0x1000"
             "memory write gpa=0x1000 size=4 data=ef be ad de"
             "status: 0x00000001 EmulationSuccessful\n"
             "mem 0x1000: 00 00 00 00 -> ef be ad de")
elseif(CASE STREQUAL "emulate_fetch")
  # No instruction bytes in the exit: the emulator fetches them from CS:RIP.
  set(args emulate --bytes "8b 03" --given-bytes 0 --reg rbx=0x1000 --mem 0x1000=2a000000)
  set(status 0)
  set(expect "bytes_given=0"
             "translate gva=0x400000 flags=[^\n]*ValidateExecute[^\n]* -> Success gpa=0x400000"
             "memory read gpa=0x400000 size=[1-8] -> 8b 03"
             "status: 0x00000001 EmulationSuccessful\n"
             "rax: 0x0 -> 0x2a")
elseif(CASE STREQUAL "emulate_page_fault")
  # The second half of a page-straddling store faults: #PF, CR2, nothing written.
  set(args emulate --bytes "48 89 03" --write --reg rbx=0x10ffc --map 0x11000=PageNotPresent)
  set(status 0)
  set(expect "translate gva=0x11000 flags=ValidateWrite[^\n]* -> PageNotPresent"
             "status: 0x00000001 EmulationSuccessful\n"
             "cr2: 0x0 -> 0x11000"
             "pendinginterruption: 0x0 -> {vector=14 type=3 error=0x2}"
             "memory unchanged")
elseif(CASE STREQUAL "emulate_memory_failure")
  set(args emulate --bytes "8b 03" --reg rbx=0x1000 --fail memory)
  set(status 3)
  set(expect "memory read gpa=0x1000 size=4 -> FAILED \\(injected\\)"
             "status: 0x00000008 MemoryCallbackFailed\n"
             "registers unchanged")
elseif(CASE STREQUAL "emulate_rep_movsb")
  # RAM -> MMIO: one read and one write callback per element, registers advanced once.
  set(args emulate --bytes "f3 a4" --write --reg rcx=2 --reg rsi=0x2000 --reg rdi=0x1000
           --mem 0x2000=aabb)
  set(status 0)
  set(expect "rep movsb" "exit: mmio write gpa=0x1000 gva=0x1000"
             "memory read gpa=0x2000 size=1 -> aa" "memory write gpa=0x1000 size=1 data=aa"
             "memory read gpa=0x2001 size=1 -> bb" "memory write gpa=0x1001 size=1 data=bb"
             "set_registers[^\n]* rcx=0x0 rsi=0x2002 rdi=0x1002"
             "status: 0x00000001 EmulationSuccessful\n" "mem 0x1000: 00 00 -> aa bb")
elseif(CASE STREQUAL "emulate_ram_callback")
  # whvemu.h: the source page is host RAM, so only the device side calls back.
  set(args emulate --bytes "f3 a4" --write --reg rcx=3 --reg rsi=0x2000 --reg rdi=0x1000
           --mem 0x2000=aabbcc --ram-page 0x2000)
  set(status 0)
  set(expect "ram_page gpa=0x2000 read -> host memory"
             "memory write gpa=0x1000 size=1 data=aa" "memory write gpa=0x1001 size=1 data=bb"
             "memory write gpa=0x1002 size=1 data=cc" "status: 0x00000001 EmulationSuccessful\n"
             "mem 0x1000: 00 00 00 -> aa bb cc")
elseif(CASE STREQUAL "emulate_rep_budget")
  # whvemu.h: two iterations, then the instruction is left resumable (RIP unchanged).
  set(args emulate --bytes "f3 ab" --write --reg rcx=6 --reg rdi=0x1000 --reg rax=0x11223344
           --rep-budget 2)
  set(status 0)
  set(expect "memory write gpa=0x1004 size=4" "status: 0x00000001 EmulationSuccessful\n"
             "rcx: 0x6 -> 0x4" "rdi: 0x1000 -> 0x1008")
  set(absent "rip:")
elseif(CASE STREQUAL "emulate_io_out")
  set(args emulate --io --bytes ee --reg rdx=0x3f8 --reg rax=0x41)
  set(status 0)
  set(expect "out dx, al" "exit: io out port=0x3f8 size=1"
             "#1 io out port=0x3f8 size=1 data=0x41"
             "status: 0x00000001 EmulationSuccessful\n" "rip: 0x400000 -> 0x400001")
elseif(CASE STREQUAL "emulate_io_in")
  set(args emulate --io --bytes "e5 60" --in 0x60=0x12345678)
  set(status 0)
  set(expect "in eax, 0x60" "exit: io in port=0x60 size=4"
             "io in port=0x60 size=4 -> data=0x12345678"
             "status: 0x00000001 EmulationSuccessful\n" "rax: 0x0 -> 0x12345678")
elseif(CASE STREQUAL "emulate_real_mode")
  set(args emulate --bits 16 --bytes "8a 07" --seg ds=0x1000 --reg rbx=0x10 --mem 0x10010=5a)
  set(status 0)
  set(expect "16-bit\) +mov al, byte ptr \[bx\]" "exit: mmio read gpa=0x10010 gva=0x10010"
             "memory read gpa=0x10010 size=1 -> 5a" "rax: 0x0 -> 0x5a" "rip: 0x7c00 -> 0x7c02")
elseif(CASE STREQUAL "emulate_missing_bytes")
  set(args emulate --reg rbx=0x1000)
  set(status 2)
  set(expect "--bytes is required")
elseif(CASE STREQUAL "emulate_unknown_register")
  set(args emulate --bytes 90 --reg rxx=1)
  set(status 2)
  set(expect "--reg: unknown register \"rxx\"")
elseif(CASE STREQUAL "emulate_vendor_intel")
  # BSF of a zero source (docs/flags.md): the Intel profile sets ZF and keeps the rest,
  # the AMD profile sets the flags of a zero result; the default (host) runs it on this CPU.
  set(args emulate --bytes "0f bc 03" --reg rbx=0x1000 --reg rflags=0x2 --vendor intel)
  set(status 0)
  set(expect "status: 0x00000001 EmulationSuccessful\n" "rflags: 0x2 -> 0x42")
elseif(CASE STREQUAL "emulate_vendor_amd")
  set(args emulate --bytes "0f bc 03" --reg rbx=0x1000 --reg rflags=0x2 --vendor amd)
  set(status 0)
  set(expect "status: 0x00000001 EmulationSuccessful\n" "rflags: 0x2 -> 0x46")
elseif(CASE STREQUAL "emulate_vendor_host")
  set(args emulate --bytes "0f bc 03" --reg rbx=0x1000 --reg rflags=0x2 --vendor host)
  set(status 0)
  set(expect "status: 0x00000001 EmulationSuccessful\n" "rflags: 0x2 -> 0x4")
elseif(CASE STREQUAL "emulate_vendor_unknown")
  set(args emulate --bytes 90 --vendor via)
  set(status 2)
  set(expect "expected host, intel or amd")
elseif(CASE STREQUAL "emulate_unknown_option")
  set(args emulate --bytes 90 --frobnicate)
  set(status 2)
  set(expect "unknown option --frobnicate")
elseif(CASE STREQUAL "emulate_vector_unsupported")
  # A VEX.256 load needs YMM_Hi128 (it zeroes it at least): without the extended-state
  # extension, InternalEmulationFailure with nothing written.
  set(args emulate --bytes "c5 fe 6f 03" --reg rbx=0x1000 --reg cr4=0x40220 --no-xstate)
  set(status 3)
  set(expect "vmovdqu ymm0, ymmword ptr \\[rbx\\]" "status: 0x00000002 InternalEmulationFailure"
             "registers unchanged" "memory unchanged")
  set(absent "get_xstate" "memory read" "set_registers")
elseif(CASE STREQUAL "emulate_vector_store")
  # VMOVDQU ymm to memory: YMM0's upper half from the extended state, 32 bytes in four
  # 8-byte writes; CR4.OSXSAVE and XCR0 let it run (the vector options all accepted).
  set(args emulate --bytes "c5 fe 7f 03" --reg rbx=0x1000 --reg cr4=0x40220 --ymm0=0x1122
           --k1=0xff --zmm17=0x5 --mm2=0x42 --mxcsr=0x1f80 --fsw=0 --ftw=0xff --xcr0=0xe7)
  set(status 0)
  set(expect "vmovdqu ymmword ptr \\[rbx\\], ymm0" "get_xstate"
             "memory write gpa=0x1000 size=8 data=22 11 00" "memory write gpa=0x1018 size=8"
             "status: 0x00000001 EmulationSuccessful" "mem 0x1000: 00 00 -> 22 11")
elseif(CASE STREQUAL "emulate_vector_masked_load")
  # VMOVDQU64 zmm17{k1}: k1 = 5 enables qwords 0 and 2, the only ones read; ZMM17 is
  # Hi16_ZMM's, written back with the area (modified bit 7).
  set(args emulate --bytes "62 e1 fe 49 6f 0b" --reg rbx=0x1000 --reg cr4=0x40220 --k1=0x5
           --xcr0=0xe7 --mem 0x1000=11223344556677889900aabbccddeeff0102030405060708)
  set(status 0)
  set(expect "vmovdqu64 zmm17\\{k1\\}" "memory read gpa=0x1000 size=8"
             "memory read gpa=0x1010 size=8" "set_xstate\\[[0-9]+ bytes\\] modified=0x80"
             "EmulationSuccessful" "zmm17.*0807060504030201000000000000000088776655")
  set(absent "gpa=0x1008")
elseif(CASE STREQUAL "emulate_vector_bad_value")
  set(args emulate --bytes "c5 fe 7f 03" --ymm3=0xg1)
  set(status 2)
  set(expect "--ymm3=0xg1: \"g1\" is not hex")
elseif(CASE STREQUAL "emulate_vector_no_xstate")
  set(args emulate --bytes "c5 fe 7f 03" --no-xstate --ymm3=0x1)
  set(status 2)
  set(expect "--ymm3=0x1 needs XSAVE component 2")
elseif(CASE STREQUAL "help")
  set(args --help)
  set(status 0)
  set(expect "usage: whvemu decode" "emulate options")
elseif(CASE STREQUAL "version")
  set(args --version)
  set(status 0)
  set(expect "^whvemu [0-9]+\\.[0-9]+\\.[0-9]+\n$")
elseif(CASE STREQUAL "demo")
  set(args demo)
  set(status 0)
  set(expect "\\$ whvemu emulate --bytes \"8b 03\"" "mov eax, dword ptr \\[rbx\\]"
             "EmulationSuccessful" "\\$ whvemu emulate --bytes ee --io" "out dx, al")
else()
  message(FATAL_ERROR "run_case.cmake: unknown case \"${CASE}\"")
endif()

execute_process(COMMAND ${WHVEMU} ${args} RESULT_VARIABLE result OUTPUT_VARIABLE output
                ERROR_VARIABLE output)
set(failures "")
if(NOT result STREQUAL "${status}")
  string(APPEND failures "exit code ${result}, expected ${status}\n")
endif()
set(rest "${output}")
foreach(pattern IN LISTS absent)
  if(output MATCHES "${pattern}")
    string(APPEND failures "present but should not be: ${pattern}\n")
  endif()
endforeach()
foreach(pattern IN LISTS expect)
  string(REGEX MATCH "${pattern}" found "${rest}")
  if(found STREQUAL "")
    string(APPEND failures "missing (in order): ${pattern}\n")
  else()
    string(FIND "${rest}" "${found}" at)
    string(LENGTH "${found}" length)
    math(EXPR after "${at} + ${length}")
    string(SUBSTRING "${rest}" ${after} -1 rest)
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "whvemu ${args}\n--- output ---\n${output}--- problems ---\n${failures}")
endif()
