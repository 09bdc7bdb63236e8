# run_checked(<command> [<arg>...]): runs a command from a cmake -P test script and
# fails the script, showing the command and everything it printed, if it fails.
# On success its output is left in RUN_OUTPUT.
function(run_checked)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE failed OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  if(failed)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "${command}\n${output}")
  endif()
  set(RUN_OUTPUT "${output}" PARENT_SCOPE)
endfunction()
