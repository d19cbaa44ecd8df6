# Runs at install time (install(CODE) in cmake/CaduceusPackaging.cmake), on Windows and macOS only: copies
# Qt, its plugins and the QML imports the window uses next to the installed programs, so the NSIS installer
# and the DMG run on machines without Qt. Inputs (set by the caller):
#   CADUCEUS_DEPLOY_TOOL   windeployqt or macdeployqt
#   CADUCEUS_QML_SOURCE    the qml/ folder, scanned for imports
#   CADUCEUS_DEPLOY_ROOT   where the programs were installed: <prefix>/bin or <prefix>/Caduceus.app
set(_root "$ENV{DESTDIR}${CADUCEUS_DEPLOY_ROOT}")
if(NOT EXISTS "${CADUCEUS_DEPLOY_TOOL}")
  message(FATAL_ERROR "Qt deployment tool not found (${CADUCEUS_DEPLOY_TOOL}); set CADUCEUS_DEPLOY_TOOL")
endif()

if(CMAKE_HOST_WIN32)
  # Both programs: hermes-sim (the Demo agent) needs QtCore/QtNetwork too.
  execute_process(
    COMMAND "${CADUCEUS_DEPLOY_TOOL}" --qmldir "${CADUCEUS_QML_SOURCE}" --no-system-d3d-compiler
            --dir "${_root}" "${_root}/caduceus.exe" "${_root}/hermes-sim.exe"
    RESULT_VARIABLE _result)
else()
  # -executable: the Demo agent inside the bundle must load the bundled Qt, not the build machine's.
  execute_process(
    COMMAND "${CADUCEUS_DEPLOY_TOOL}" "${_root}" "-qmldir=${CADUCEUS_QML_SOURCE}"
            "-executable=${_root}/Contents/MacOS/hermes-sim" -always-overwrite
    RESULT_VARIABLE _result)
  if(_result EQUAL 0)
    # Rewritten binaries lose their signature; Apple Silicon refuses to start unsigned code, so sign
    # ad hoc (a release build signs again with a Developer ID).
    execute_process(COMMAND codesign --force --deep --sign - "${_root}" RESULT_VARIABLE _result)
  endif()
endif()
if(NOT _result EQUAL 0)
  message(FATAL_ERROR "Qt deployment failed (${_result}) for ${_root}")
endif()
