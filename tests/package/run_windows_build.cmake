# ctest package_windows_dll: cross-builds the library for Windows with mingw-w64 and
# checks that whvemu.dll exports exactly the WHVEMU_API functions, like the ELF library.
#
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DMINGW_CC=... -DMINGW_OBJDUMP=...
#         -DGENERATOR=... -DHEADERS=<public headers> -P run_windows_build.cmake

if(NOT MINGW_CC OR NOT MINGW_OBJDUMP)
  message(FATAL_ERROR "x86_64-w64-mingw32-gcc and -objdump are needed to check the Windows "
    "build (Debian/Ubuntu: apt-get install gcc-mingw-w64-x86-64)")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/run_checked.cmake")

run_checked("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}" -G "${GENERATOR}"
    -DCMAKE_SYSTEM_NAME=Windows "-DCMAKE_C_COMPILER=${MINGW_CC}"
    -DWHVEMU_BUILD_TESTS=OFF -DWHVEMU_BUILD_TOOLS=OFF -DWHVEMU_WERROR=ON)
run_checked("${CMAKE_COMMAND}" --build "${WORK_DIR}" --target whvemu whvemu_static)
set(LIBRARY "${WORK_DIR}/src/whvemu.dll")
set(FORMAT pe)
set(TOOL "${MINGW_OBJDUMP}")
include("${CMAKE_CURRENT_LIST_DIR}/check_exports.cmake")

# dllexport in the static library would make every DLL linking it re-export the API:
# its objects must carry no export directives (.drectve sections).
run_checked("${MINGW_OBJDUMP}" -h "${WORK_DIR}/src/libwhvemu.a")
if(RUN_OUTPUT MATCHES "\\.drectve")
  message(FATAL_ERROR "libwhvemu.a for Windows contains export directives (.drectve)")
endif()
