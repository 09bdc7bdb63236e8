# ctest abi_completeness: abi_checks.def lists every fact of our headers and the SDK's.
#   cmake -DMINGW_CC=... -DOUR_HEADERS=... -DCHECKS=... -DWORK_DIR=... -P run_completeness.cmake
include("${CMAKE_CURRENT_LIST_DIR}/mingw_sdk.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/check_completeness.cmake")
