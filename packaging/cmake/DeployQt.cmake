# Runs at install time (install(CODE) in cmake/CaduceusPackaging.cmake), on Windows and macOS only: copies
# Qt, its plugins and the QML imports the window uses next to the installed programs, so the NSIS installer
# and the DMG run on machines without Qt. Inputs (set by the caller):
#   CADUCEUS_DEPLOY_TOOL   windeployqt or macdeployqt
#   CADUCEUS_QML_SOURCE    the qml/ folder, scanned for imports
#   CADUCEUS_RUNTIME_REQUIREMENTS  packaging/runtime-requirements.txt (QML modules loaded by Qt itself)
#   CADUCEUS_DEPLOY_ROOT   where the programs were installed: <prefix>/bin or <prefix>/Caduceus.app
set(_root "$ENV{DESTDIR}${CADUCEUS_DEPLOY_ROOT}")
# Scanning qml/ finds the modules the window imports, not those Qt's own QML loads later: the Qt Quick file
# dialog (QtQuick.Dialogs.quickimpl, Qt.labs.folderlistmodel), used whenever the native one cannot show.
# A QML file importing every module of packaging/runtime-requirements.txt is scanned too.
set(_imports_dir "${CMAKE_CURRENT_BINARY_DIR}/caduceus-runtime-imports")
file(STRINGS "${CADUCEUS_RUNTIME_REQUIREMENTS}" _requirements REGEX "^qml[ \t]")
set(_imports "")
foreach(_line IN LISTS _requirements)
  string(REGEX REPLACE "^qml[ \t]+([^ \t]+).*" "\\1" _module "${_line}")
  string(APPEND _imports "import ${_module}\n")
endforeach()
file(WRITE "${_imports_dir}/RuntimeImports.qml" "${_imports}QtObject {}\n")
if(NOT EXISTS "${CADUCEUS_DEPLOY_TOOL}")
  message(FATAL_ERROR "Qt deployment tool not found (${CADUCEUS_DEPLOY_TOOL}); set CADUCEUS_DEPLOY_TOOL")
endif()

if(CMAKE_HOST_WIN32)
  # Both programs: hermes-sim (the Demo agent) needs QtCore/QtNetwork too.
  execute_process(
    COMMAND "${CADUCEUS_DEPLOY_TOOL}" --qmldir "${CADUCEUS_QML_SOURCE}" --qmldir "${_imports_dir}"
            --no-system-d3d-compiler
            --dir "${_root}" "${_root}/caduceus.exe" "${_root}/hermes-sim.exe"
    RESULT_VARIABLE _result)
else()
  # -executable: the Demo agent inside the bundle must load the bundled Qt, not the build machine's.
  execute_process(
    COMMAND "${CADUCEUS_DEPLOY_TOOL}" "${_root}" "-qmldir=${CADUCEUS_QML_SOURCE}" "-qmldir=${_imports_dir}"
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
