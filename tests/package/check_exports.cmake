# The library exports exactly the functions its public headers declare with WHVEMU_API:
# nothing internal leaks (that would become ABI), nothing declared is missing.
#
#   cmake -DLIBRARY=<shared library> -DFORMAT=elf|pe -DTOOL=<nm | objdump>
#         -DHEADERS="<public headers>" -P check_exports.cmake

set(declared "")
foreach(header IN LISTS HEADERS)
  file(READ "${header}" text)
  string(REGEX MATCHALL "\nWHVEMU_API[^;(]*[ *][A-Za-z_][A-Za-z0-9_]*\\(" declarations "${text}")
  foreach(declaration IN LISTS declarations)
    string(REGEX REPLACE ".*[ *]([A-Za-z_][A-Za-z0-9_]*)\\($" "\\1" name "${declaration}")
    list(APPEND declared ${name})
  endforeach()
endforeach()
if(NOT declared)
  message(FATAL_ERROR "no WHVEMU_API declaration found in ${HEADERS}")
endif()

if(FORMAT STREQUAL "elf")
  execute_process(COMMAND "${TOOL}" -D --defined-only "${LIBRARY}" OUTPUT_VARIABLE table
                  RESULT_VARIABLE failed)
  # "<address> <type> <name>" per symbol.
  string(REGEX MATCHALL "[0-9a-f]+ [A-Za-z] [^\n]+" entries "${table}")
  set(prefix "^[0-9a-f]+ [A-Za-z] ")
else()
  execute_process(COMMAND "${TOOL}" -p "${LIBRARY}" OUTPUT_VARIABLE table
                  RESULT_VARIABLE failed)
  # The export table's name pointer section: "[ n] name" per export.
  string(REGEX MATCH "\\[Ordinal/Name Pointer\\] Table[^\n]*\n(([^\n]*\\[ *[0-9]+\\] [^\n]+\n)*)" _ "${table}")
  string(REGEX MATCHALL "\\[ *[0-9]+\\] [^\n]+" entries "${CMAKE_MATCH_1}")
  set(prefix "^.*\\] ")
endif()
if(failed)
  message(FATAL_ERROR "${TOOL} failed on ${LIBRARY}")
endif()
set(symbols "")
foreach(entry IN LISTS entries)
  string(REGEX REPLACE "${prefix}" "" entry "${entry}")
  list(APPEND symbols "${entry}")
endforeach()

list(SORT declared)
list(SORT symbols)
if(NOT declared STREQUAL symbols)
  set(leaked ${symbols})
  list(REMOVE_ITEM leaked ${declared})
  set(missing ${declared})
  list(REMOVE_ITEM missing ${symbols})
  message(FATAL_ERROR "${LIBRARY} exports differ from the WHVEMU_API declarations\n"
                      "  exported but not declared: ${leaked}\n"
                      "  declared but not exported: ${missing}")
endif()
list(JOIN symbols " " text)
message(STATUS "${LIBRARY} exports exactly: ${text}")
