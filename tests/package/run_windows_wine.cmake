# ctest package_windows_wine: a Windows VMM's test program (tests/package/windows/vmm.c),
# built with mingw-w64's own headers and import library (-lwinhvemulation), runs under Wine
# against the WinHvEmulation.dll that package_windows_dll built; then the same program with
# whvemu.h's extensions, linked through whvemu's own import library. docs/abi.md.
#
#   cmake -DSOURCE_DIR=... -DWINDOWS_BUILD=<package_windows_dll's build> -DWORK_DIR=...
#         -DMINGW_CC=... -DMINGW_OBJDUMP=... -DWINE=... -DWINESERVER=... -DVERSION=...
#         -P run_windows_wine.cmake

foreach(tool MINGW_CC MINGW_OBJDUMP WINE WINESERVER)
  if(NOT ${tool})
    message(FATAL_ERROR "${tool} not found: the Windows DLL is tested under Wine "
      "(Debian: apt-get install gcc-mingw-w64-x86-64 wine64)")
  endif()
endforeach()
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/run_checked.cmake")

set(dll "${WINDOWS_BUILD}/src/WinHvEmulation.dll")
if(NOT EXISTS "${dll}")
  message(FATAL_ERROR "${dll} is missing: package_windows_dll builds it")
endif()
file(REMOVE_RECURSE "${WORK_DIR}/bin")
file(MAKE_DIRECTORY "${WORK_DIR}/bin")
file(COPY "${dll}" DESTINATION "${WORK_DIR}/bin")
set(source "${CMAKE_CURRENT_LIST_DIR}/windows/vmm.c")
set(flags -std=c11 -O2 -Wall -Wextra -Werror)

# 1. Only the SDK: mingw-w64's header and import library, which names winhvemulation.dll.
run_checked("${MINGW_CC}" ${flags} "${source}" -o "${WORK_DIR}/bin/vmm_sdk.exe" -lwinhvemulation)
# 2. With whvemu.h, through whvemu's import library, which names WinHvEmulation.dll.
run_checked("${MINGW_CC}" ${flags} -DWHVEMU_EXTENSIONS "-DWHVEMU_EXPECTED_VERSION=\"${VERSION}\""
            "-I${SOURCE_DIR}/include" "${source}" -o "${WORK_DIR}/bin/vmm_whvemu.exe"
            "-L${WINDOWS_BUILD}/src" -lwinhvemulation)
foreach(pair "vmm_sdk.exe=winhvemulation.dll" "vmm_whvemu.exe=WinHvEmulation.dll")
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 exe)
  list(GET pair 1 imported)
  run_checked("${MINGW_OBJDUMP}" -p "${WORK_DIR}/bin/${exe}")
  if(NOT RUN_OUTPUT MATCHES "DLL Name: ${imported}\n")
    message(FATAL_ERROR "${exe} does not import ${imported}: the wrong import library was used")
  endif()
endforeach()

# Headless Wine with its own prefix in the build tree (created on the first run).
set(wine_env "WINEPREFIX=${WORK_DIR}/wineprefix" WINEDEBUG=-all "WINEDLLOVERRIDES=mscoree,mshtml="
             DISPLAY=)
set(failures "")
foreach(exe vmm_sdk.exe vmm_whvemu.exe)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env ${wine_env} "${WINE}" "${WORK_DIR}/bin/${exe}"
                  WORKING_DIRECTORY "${WORK_DIR}/bin" RESULT_VARIABLE status
                  OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  message(STATUS "${exe}: ${output}")
  if(NOT status EQUAL 0 OR NOT output MATCHES " 0 failed")
    list(APPEND failures "${exe} (exit ${status}):\n${output}${errors}")
  endif()
endforeach()
execute_process(COMMAND "${CMAKE_COMMAND}" -E env ${wine_env} "${WINESERVER}" -k)
if(failures)
  message(FATAL_ERROR "under Wine: ${failures}")
endif()
