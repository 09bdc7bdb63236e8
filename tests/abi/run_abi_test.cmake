# ctest abi_identity: every layout fact of our headers equals mingw-w64's SDK headers.
#
# abi_layout.c is compiled three times: by x86_64-w64-mingw32-gcc against the SDK
# headers (the reference) and against ours, and by the native compiler against ours
# (NATIVE_OBJECT, built by CMake). The images are cut out of the objects with objcopy and
# compared by abi_compare. Then abi_sdk_mix.c checks that ours can follow the SDK's in
# one translation unit.
#
#   cmake -DMINGW_CC=... -DMINGW_OBJCOPY=... -DOBJCOPY=... -DNATIVE_OBJECT=...
#         -DCOMPARE=... -DINCLUDE_DIR=... -DTEST_DIR=... -DWORK_DIR=... -P run_abi_test.cmake

include("${CMAKE_CURRENT_LIST_DIR}/mingw_sdk.cmake")
if(NOT MINGW_OBJCOPY OR NOT EXISTS "${MINGW_OBJCOPY}")
  message(FATAL_ERROR "x86_64-w64-mingw32-objcopy not found (binutils-mingw-w64-x86-64)")
endif()
if(NOT OBJCOPY)
  message(FATAL_ERROR "objcopy not found (binutils): needed to read the native image")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/run_checked.cmake")

set(cflags -std=c11 -Wall -Wextra -Werror -I${INCLUDE_DIR} -I${TEST_DIR})
run_checked("${MINGW_CC}" ${cflags} -DABI_SDK_HEADERS -c "${TEST_DIR}/abi_layout.c" -o "${WORK_DIR}/sdk.obj")
run_checked("${MINGW_CC}" ${cflags} -c "${TEST_DIR}/abi_layout.c" -o "${WORK_DIR}/ours-mingw.obj")
foreach(image sdk ours-mingw)
  run_checked("${MINGW_OBJCOPY}" -O binary -j .whvabi "${WORK_DIR}/${image}.obj" "${WORK_DIR}/${image}.bin")
endforeach()
run_checked("${OBJCOPY}" -O binary -j .whvabi "${NATIVE_OBJECT}" "${WORK_DIR}/ours-native.bin")

execute_process(COMMAND "${COMPARE}" "mingw-w64-sdk=${WORK_DIR}/sdk.bin"
                        "ours-mingw=${WORK_DIR}/ours-mingw.bin"
                        "ours-native=${WORK_DIR}/ours-native.bin"
                RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "our headers differ from the SDK's (mingw-w64) in the facts above")
endif()

foreach(variant "" -DABI_SDK_EMULATION_HEADER)
  run_checked("${MINGW_CC}" ${cflags} ${variant} -c "${TEST_DIR}/abi_sdk_mix.c" -o "${WORK_DIR}/mix.obj")
endforeach()
message(STATUS "our headers can follow the SDK's in one translation unit")
