# A native harness on a simulated host without some features: runs COMMAND (a list) with
# WHVEMU_TEST_HIDE=HIDE (comma-separated), requires it to pass, and requires its skip report
# to name every feature in EXPECT (a list) with a non-zero count of skipped cases. CI runs
# it on every machine, so the skip paths of a host without these features are exercised.
#   cmake -DHIDE=bmi1,adx "-DEXPECT=bmi1;adx" "-DCOMMAND=path;args" -P check_skips.cmake
include("${CMAKE_CURRENT_LIST_DIR}/run_checked.cmake")

set(ENV{WHVEMU_TEST_HIDE} "${HIDE}")
run_checked(${COMMAND})
string(REGEX MATCHALL "skipped: [^\n]*" report "${RUN_OUTPUT}")
list(JOIN report "\n" report)
message("WHVEMU_TEST_HIDE=${HIDE}\n${report}")
foreach(feature IN LISTS EXPECT)
  if(NOT report MATCHES "skipped: ${feature} [1-9][0-9]* cases \\(host feature hidden by WHVEMU_TEST_HIDE\\)")
    message(FATAL_ERROR "the skip report does not count '${feature}' as hidden:\n${RUN_OUTPUT}")
  endif()
endforeach()
