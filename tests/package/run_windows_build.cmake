# ctest package_windows_dll: cross-builds the library for Windows with mingw-w64 and checks
# the drop-in: WinHvEmulation.dll, with that internal name, exports exactly the WHVEMU_API
# functions (like the ELF library); libwinhvemulation.dll.a imports them from it; the DLL
# has a version resource and, built as a release by default, no debug information.
#
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DMINGW_CC=... -DMINGW_OBJDUMP=...
#         -DGENERATOR=... -DHEADERS=<public headers> -P run_windows_build.cmake

if(NOT MINGW_CC OR NOT MINGW_OBJDUMP)
  message(FATAL_ERROR "x86_64-w64-mingw32-gcc and -objdump are needed to check the Windows "
    "build (Debian/Ubuntu: apt-get install gcc-mingw-w64-x86-64)")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/run_checked.cmake")

# A fresh cache each time, so that the build type is the default a user gets.
file(REMOVE "${WORK_DIR}/CMakeCache.txt")
run_checked("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}" -G "${GENERATOR}"
    -DCMAKE_SYSTEM_NAME=Windows "-DCMAKE_C_COMPILER=${MINGW_CC}"
    -DWHVEMU_BUILD_TESTS=OFF -DWHVEMU_BUILD_TOOLS=OFF -DWHVEMU_WERROR=ON)
run_checked("${CMAKE_COMMAND}" --build "${WORK_DIR}" --target whvemu whvemu_static)
set(LIBRARY "${WORK_DIR}/src/WinHvEmulation.dll")
set(FORMAT pe)
set(TOOL "${MINGW_OBJDUMP}")
include("${CMAKE_CURRENT_LIST_DIR}/check_exports.cmake")

run_checked("${MINGW_OBJDUMP}" -p "${LIBRARY}")
if(NOT RUN_OUTPUT MATCHES "\nName[ \t]+[0-9a-f]+ WinHvEmulation\\.dll\n")
  message(FATAL_ERROR "the export directory does not name the DLL WinHvEmulation.dll")
endif()
run_checked("${MINGW_OBJDUMP}" -h "${LIBRARY}")
if(RUN_OUTPUT MATCHES "\\.debug_")
  message(FATAL_ERROR "the default (release) DLL carries debug sections")
endif()
# The version resource (UTF-16 strings, as resources hold them).
string(REGEX REPLACE "objdump$" "strings" MINGW_STRINGS "${MINGW_OBJDUMP}")
run_checked("${MINGW_STRINGS}" -el "${LIBRARY}")
if(NOT RUN_OUTPUT MATCHES "VS_VERSION_INFO\n" OR
   NOT RUN_OUTPUT MATCHES "OriginalFilename\nWinHvEmulation\\.dll\n" OR
   NOT RUN_OUTPUT MATCHES "FileVersion\n[0-9]+\\.[0-9]+\\.[0-9]+\n")
  message(FATAL_ERROR "the DLL's version resource is missing or incomplete:\n${RUN_OUTPUT}")
endif()

# The import library is named like the SDK's and binds every export to WinHvEmulation.dll.
set(implib "${WORK_DIR}/src/libwinhvemulation.dll.a")
run_checked("${MINGW_OBJDUMP}" -s -j .idata$7 "${implib}")
if(NOT RUN_OUTPUT MATCHES "WinHvEmulation\\.d")
  message(FATAL_ERROR "${implib} does not import from WinHvEmulation.dll")
endif()
run_checked("${TOOL}" -t "${implib}")
foreach(name IN LISTS declared)
  if(NOT RUN_OUTPUT MATCHES "__imp_${name}\n")
    message(FATAL_ERROR "${implib} lacks ${name}")
  endif()
endforeach()

# dllexport in the static library would make every DLL linking it re-export the API:
# its objects must carry no export directives (.drectve sections).
run_checked("${MINGW_OBJDUMP}" -h "${WORK_DIR}/src/libwhvemu.a")
if(RUN_OUTPUT MATCHES "\\.drectve")
  message(FATAL_ERROR "libwhvemu.a for Windows contains export directives (.drectve)")
endif()
