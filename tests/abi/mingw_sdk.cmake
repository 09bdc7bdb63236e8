# Locates mingw-w64's copies of the SDK headers through the cross compiler itself, so
# the reference is whatever that compiler would really include. Sets SDK_HEADERS.
# Fails loudly when the cross compiler is missing: these tests must never pass by
# checking nothing.

if(NOT MINGW_CC OR NOT EXISTS "${MINGW_CC}")
  message(FATAL_ERROR "x86_64-w64-mingw32-gcc not found: the ABI tests compare our headers "
    "with mingw-w64's copies of the Windows SDK headers and need it "
    "(Debian/Ubuntu: apt-get install gcc-mingw-w64-x86-64).")
endif()

file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/sdk_headers.c" "#include <windows.h>\n#include <winhvemulation.h>\n")
execute_process(COMMAND "${MINGW_CC}" -M -MT sdk "${WORK_DIR}/sdk_headers.c"
                OUTPUT_VARIABLE dependencies RESULT_VARIABLE failed ERROR_VARIABLE errors)
if(failed)
  message(FATAL_ERROR "${MINGW_CC} cannot include <winhvemulation.h>:\n${errors}")
endif()
string(REGEX REPLACE "[ \\\\\n]+" ";" dependencies "${dependencies}")
set(SDK_HEADERS "")
foreach(name winhvplatformdefs.h winhvemulation.h)
  set(found "")
  foreach(path IN LISTS dependencies)
    get_filename_component(file_name "${path}" NAME)
    string(TOLOWER "${file_name}" file_name)
    if(file_name STREQUAL name)
      set(found "${path}")
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "could not locate mingw-w64's ${name}")
  endif()
  list(APPEND SDK_HEADERS "${found}")
endforeach()
