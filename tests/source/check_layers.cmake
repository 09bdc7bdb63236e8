# The include graph of src/ reads top-down: each folder may include its own headers, the
# folders below it and the decoder; the decoder includes only its own (docs/architecture.md).
#
#   cmake -DSRC=<src> -P check_layers.cmake
#   cmake -DSRC=<src> -DINJECT=<file>:<header> -DWORK=<dir> -P check_layers.cmake
#
# The second form checks a copy of SRC in WORK with `#include "<header>"` appended to <file>:
# the test that shows a back edge is caught. A folder that is not a layer below fails too,
# so that a new folder has to be placed. Every violation is printed; the exit status is
# non-zero if there is one.
cmake_minimum_required(VERSION 3.16)
set(layers api exec mmu core)   # top to bottom
set(beside decoder)             # anyone may include it; it includes nothing above

if(NOT SRC)
  message(FATAL_ERROR "usage: cmake -DSRC=<src dir> [-DINJECT=file:header -DWORK=dir] -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
get_filename_component(SRC ${SRC} ABSOLUTE)
if(INJECT)
  string(REPLACE ":" ";" inject "${INJECT}")
  list(GET inject 0 inject_file)
  list(GET inject 1 inject_header)
  file(REMOVE_RECURSE ${WORK})
  file(COPY ${SRC}/ DESTINATION ${WORK})
  file(APPEND ${WORK}/${inject_file} "#include \"${inject_header}\"\n")
  set(SRC ${WORK})
endif()

# A folder's rank: its position in `layers` (0 = top), or -1 for the decoder.
function(rank_of folder out)
  list(FIND layers ${folder} r)
  if(folder IN_LIST beside)
    set(r -1)
  elseif(r EQUAL -1)
    set(r unknown)
  endif()
  set(${out} ${r} PARENT_SCOPE)
endfunction()

# The folder of an included name: "folder/x.h", or a bare name found in the including
# file's folder or in exactly one folder; "" for a header outside src/ (include/, system).
function(folder_of_include name from_folder out)
  set(found "")
  string(REGEX MATCH "^[a-z_]+/" prefix "${name}")
  string(REPLACE "/" "" prefix "${prefix}")
  if(prefix AND IS_DIRECTORY ${SRC}/${prefix})
    set(found ${prefix})
  elseif(EXISTS ${SRC}/${from_folder}/${name})
    set(found ${from_folder})
  else()
    file(GLOB hits RELATIVE ${SRC} ${SRC}/*/${name})
    if(hits)
      list(GET hits 0 hit)
      get_filename_component(found ${hit} DIRECTORY)
    endif()
  endif()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources RELATIVE ${SRC} ${SRC}/*.c ${SRC}/*.h ${SRC}/*.def)
list(SORT sources)
string(REPLACE ";" " > " order "${layers}")
set(violations 0)
set(edges "")
foreach(source IN LISTS sources)
  string(REGEX MATCH "^[^/]+" folder "${source}")
  if(folder STREQUAL source)
    continue()  # a file directly in src/
  endif()
  rank_of(${folder} from_rank)
  if(from_rank STREQUAL "unknown")
    message("${source}: folder ${folder} is not a layer (check_layers.cmake: layers, beside)")
    math(EXPR violations "${violations} + 1")
    continue()
  endif()
  file(STRINGS ${SRC}/${source} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  set(line_number 0)
  file(STRINGS ${SRC}/${source} all_lines)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ".*include[ \t]*\"([^\"]+)\".*" "\\1" name "${line}")
    folder_of_include(${name} ${folder} to)
    if(to STREQUAL "" OR to STREQUAL folder)
      continue()
    endif()
    rank_of(${to} to_rank)
    list(APPEND edges "${folder} -> ${to}")
    # allowed: the decoder from anywhere, or a layer below from a layer; never from the decoder
    if(to_rank STREQUAL "unknown" OR from_rank EQUAL -1 OR
       (NOT to_rank EQUAL -1 AND NOT to_rank GREATER from_rank))
      list(FIND all_lines "${line}" index)
      math(EXPR line_number "${index} + 1")
      message("${source}:${line_number} includes ${name}: ${folder} may not depend on ${to} "
              "(layers top-down: ${order}; ${beside} beside them, depending on nothing)")
      math(EXPR violations "${violations} + 1")
    endif()
  endforeach()
endforeach()

list(REMOVE_DUPLICATES edges)
list(SORT edges)
string(REPLACE ";" ", " edges "${edges}")
message("folder edges: ${edges}")
if(violations GREATER 0)
  message(FATAL_ERROR "${violations} include(s) against the layering of src/")
endif()
message("src/ layering holds: ${order}; ${beside} beside")
