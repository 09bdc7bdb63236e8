# form_coverage can fail: run on a copy of the list with a reasoned gap removed (INVLPG, never
# emulated), an emulated move group added to [pending] and a form that does not exist added,
# it must exit non-zero and name all three.
#   cmake -DFORM_COVERAGE=path -DLIST=known_gaps.txt -DWORK=dir -P check_catches.cmake
file(READ "${LIST}" list)
string(REPLACE "\ninvlpg m8\n" "\n" broken "${list}")
string(REPLACE "\n[unmeasured]" "{evex} vmovdqu8 *\nno_such_form m8\n\n[unmeasured]" broken "${broken}")
if(broken STREQUAL list)
  message(FATAL_ERROR "could not edit ${LIST}")
endif()
file(WRITE "${WORK}/broken_gaps.txt" "${broken}")
execute_process(COMMAND "${FORM_COVERAGE}" "${WORK}/broken_gaps.txt" RESULT_VARIABLE failed
                OUTPUT_VARIABLE output ERROR_VARIABLE output)
foreach(expected "invlpg m8 \\(64-bit\\) is not emulated and not in known_gaps.txt"
                 "\\{evex\\} vmovdqu8 [^\n]* is emulated now"
                 "lists no_such_form m8, which is no form of the walk")
  if(NOT output MATCHES "${expected}")
    message(FATAL_ERROR "form_coverage did not report '${expected}':\n${output}")
  endif()
endforeach()
if(NOT failed)
  message(FATAL_ERROR "form_coverage passed a broken list:\n${output}")
endif()
message("form_coverage rejected the broken list as it should (exit ${failed})")
