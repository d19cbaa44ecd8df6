# Runs `npm ci` in E2E_DIR when node_modules is missing or older than package-lock.json.
set(_lock ${E2E_DIR}/package-lock.json)
set(_stamp ${E2E_DIR}/node_modules/.package-lock.json)
if(EXISTS ${_stamp} AND NOT ${_lock} IS_NEWER_THAN ${_stamp})
  message(STATUS "node_modules is up to date")
  return()
endif()
execute_process(COMMAND ${NPM} ci --no-audit --no-fund
  WORKING_DIRECTORY ${E2E_DIR}
  RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${_result})")
endif()
