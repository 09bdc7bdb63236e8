# ctest package_install: installs the build into a fresh prefix, then builds and runs a
# consumer program against it through pkg-config and through find_package.
#
#   cmake -DBUILD_DIR=... -DWORK_DIR=... -DCONSUMER_DIR=... -DC_COMPILER=...
#         -DPKG_CONFIG=... -DGENERATOR=... -P run_package_test.cmake

include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/run_checked.cmake")

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
run_checked("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")

# pkg-config, relocated: whvemu.pc was generated for another prefix.
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found")
endif()
file(GLOB_RECURSE pc_files "${prefix}/*/whvemu.pc")
list(LENGTH pc_files pc_count)
if(NOT pc_count EQUAL 1)
  message(FATAL_ERROR "expected one installed whvemu.pc, found: ${pc_files}")
endif()
get_filename_component(pc_dir "${pc_files}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
execute_process(COMMAND "${PKG_CONFIG}" --cflags --libs whvemu OUTPUT_VARIABLE flags
                RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE)
if(failed)
  message(FATAL_ERROR "pkg-config --cflags --libs whvemu failed")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
string(REGEX MATCH "-L[^;]+" libdir "${flags}")
string(REPLACE "-L" "" libdir "${libdir}")
run_checked("${C_COMPILER}" -std=c11 -Wall -Wextra -Werror "${CONSUMER_DIR}/consumer.c" ${flags}
    "-Wl,-rpath,${libdir}" -o "${WORK_DIR}/consumer_pkgconfig")
run_checked("${WORK_DIR}/consumer_pkgconfig")
message(STATUS "pkg-config: ${RUN_OUTPUT}")

# find_package(whvemu), shared and static.
run_checked("${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${WORK_DIR}/consumer" -G "${GENERATOR}"
    "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_PREFIX_PATH=${prefix}")
run_checked("${CMAKE_COMMAND}" --build "${WORK_DIR}/consumer")
foreach(flavour shared static)
  run_checked("${WORK_DIR}/consumer/consumer_${flavour}")
  message(STATUS "find_package, ${flavour}: ${RUN_OUTPUT}")
endforeach()
