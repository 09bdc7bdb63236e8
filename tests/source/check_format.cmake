# Formatting drift fails: every .c and .h file below the given folders must be as clang-format
# 14 leaves it with the repository's .clang-format (another major version formats some
# constructs differently, so it is not used: the test reports itself skipped).
#
#   cmake -DROOT=<repository> -DDIRS="src;include" [-DCLANG_FORMAT=<program>] -P check_format.cmake
#
# To fix what it reports: clang-format-14 -i <the files it names>.
cmake_minimum_required(VERSION 3.16)
if(NOT ROOT OR NOT DIRS)
  message(FATAL_ERROR "usage: cmake -DROOT=<repository> -DDIRS=\"src;include\" -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
if(NOT CLANG_FORMAT)
  find_program(CLANG_FORMAT NAMES clang-format-14 clang-format)
endif()
if(NOT CLANG_FORMAT)
  message("SKIPPED: clang-format 14 not found (Debian: apt-get install clang-format)")
  return()
endif()
execute_process(COMMAND ${CLANG_FORMAT} --version OUTPUT_VARIABLE version)
if(NOT version MATCHES "version 14\\.")
  string(STRIP "${version}" version)
  message("SKIPPED: ${CLANG_FORMAT} is not clang-format 14 (${version})")
  return()
endif()

set(files "")
foreach(dir IN LISTS DIRS)
  file(GLOB_RECURSE found RELATIVE ${ROOT} ${ROOT}/${dir}/*.c ${ROOT}/${dir}/*.h)
  list(APPEND files ${found})
endforeach()
list(SORT files)
list(LENGTH files count)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror --style=file ${files}
                WORKING_DIRECTORY ${ROOT} RESULT_VARIABLE rc ERROR_VARIABLE report)
if(NOT rc EQUAL 0)
  string(REGEX MATCHALL "[^\n:]+:[0-9]+:[0-9]+: error" places "${report}")
  set(drifted "")
  foreach(place IN LISTS places)
    string(REGEX REPLACE ":[0-9]+:[0-9]+: error$" "" file "${place}")
    list(APPEND drifted ${file})
  endforeach()
  list(REMOVE_DUPLICATES drifted)
  string(REPLACE ";" " " drifted "${drifted}")
  message("${report}")
  message(FATAL_ERROR "formatting drift in: ${drifted}\nfix: clang-format-14 -i ${drifted}")
endif()
string(REPLACE ";" ", " dirs "${DIRS}")
message("${count} files of ${dirs} are as clang-format 14 formats them")
