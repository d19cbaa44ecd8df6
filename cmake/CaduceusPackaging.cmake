# What gets installed where, and the installers built from it with CPack:
#   Linux    .deb (cpack -G DEB); the AppImage is made from the same tree by packaging/linux/build-appimage.sh
#   Windows  NSIS installer (cpack -G NSIS), Qt deployed with windeployqt at install time
#   macOS    DMG with Caduceus.app (cpack -G DragNDrop), Qt deployed with macdeployqt at install time
# The version comes from project(VERSION) only: `caduceus --version`, the About dialog, the package
# version, the AppStream release, Info.plist and the Windows file properties all read it.
include(GNUInstallDirs)

set(CADUCEUS_APP_ID "org.caduceus.Caduceus")     # desktop file, AppStream id, icon name, macOS bundle id
set(CADUCEUS_RELEASE_DATE "2026-11-25")            # date of PROJECT_VERSION, for the AppStream <release>
set(CADUCEUS_VENDOR "The Caduceus developers")
set(CADUCEUS_DOC_SUBDIR "share/doc/caduceus")
set(_resources ${PROJECT_SOURCE_DIR}/resources)
set(_packaging ${PROJECT_SOURCE_DIR}/packaging)

if(NOT TARGET caduceus OR NOT TARGET hermes-sim)
  return()
endif()
# The window tells the desktop (Wayland app id) which .desktop file and icon belong to it.
target_compile_definitions(caduceus PRIVATE CADUCEUS_APP_ID="${CADUCEUS_APP_ID}")

# ---- Programs. hermes-sim (the Demo agent) lives where DemoAgent::executablePath() looks for it:
# libexec/caduceus/ on Linux, beside caduceus elsewhere.
if(APPLE)
  set(CADUCEUS_MACOS_MINIMUM "11.0")
  set_source_files_properties(${_resources}/icons/caduceus.icns PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
  target_sources(caduceus PRIVATE ${_resources}/icons/caduceus.icns)
  set_target_properties(caduceus PROPERTIES
    OUTPUT_NAME Caduceus
    MACOSX_BUNDLE TRUE
    MACOSX_BUNDLE_INFO_PLIST ${_packaging}/macos/Info.plist.in
    MACOSX_BUNDLE_BUNDLE_NAME Caduceus
    MACOSX_BUNDLE_GUI_IDENTIFIER ${CADUCEUS_APP_ID}
    MACOSX_BUNDLE_ICON_FILE caduceus.icns
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_COPYRIGHT "${CADUCEUS_VENDOR}")
  # The Demo agent inside the bundle in the build tree too, where DemoAgent finds it beside the program.
  set_target_properties(hermes-sim PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/Caduceus.app/Contents/MacOS)
  # Installed binaries keep the paths they were linked with, so macdeployqt can resolve every @rpath
  # library before it copies them into Contents/Frameworks.
  set_target_properties(caduceus hermes-sim PROPERTIES
    INSTALL_RPATH "@executable_path/../Frameworks"
    INSTALL_RPATH_USE_LINK_PATH TRUE)
  install(TARGETS caduceus BUNDLE DESTINATION .)
  install(TARGETS hermes-sim RUNTIME DESTINATION Caduceus.app/Contents/MacOS)
elseif(WIN32)
  set(CADUCEUS_ICO_PATH ${_resources}/icons/caduceus.ico)
  configure_file(${_packaging}/windows/caduceus.rc.in ${CMAKE_CURRENT_BINARY_DIR}/packaging/caduceus.rc @ONLY)
  target_sources(caduceus PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/packaging/caduceus.rc)
  # No console window when started from the Start menu.
  set_target_properties(caduceus PROPERTIES WIN32_EXECUTABLE TRUE)
  install(TARGETS caduceus hermes-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          RUNTIME_DEPENDENCY_SET caduceus_runtime)
  # Non-Qt DLLs (QtKeychain, yaml-cpp, md4c): found in the folders listed here (the workflow passes its
  # dependency prefixes) and in Qt's own bin folder; Windows' own DLLs stay out.
  set(CADUCEUS_RUNTIME_DLL_DIRS "" CACHE STRING "Folders holding the DLLs caduceus.exe needs (Windows)")
  install(RUNTIME_DEPENDENCY_SET caduceus_runtime
    DESTINATION ${CMAKE_INSTALL_BINDIR}
    DIRECTORIES ${CADUCEUS_RUNTIME_DLL_DIRS} "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}"
    PRE_EXCLUDE_REGEXES "^api-ms-" "^ext-ms-"
    POST_EXCLUDE_REGEXES ".*[Ss]ystem32/.*\\.dll$")
  set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION ${CMAKE_INSTALL_BINDIR})
  include(InstallRequiredSystemLibraries)
else()
  install(TARGETS caduceus RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(TARGETS hermes-sim RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/caduceus)
  if(TARGET caduceus-headless) # where main.cpp's runHeadlessProgram looks for it
    install(TARGETS caduceus-headless RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/caduceus)
  endif()
endif()

# ---- Qt deployment into the installed tree (Windows and macOS; Linux packages use the system Qt).
if(WIN32 OR APPLE)
  if(WIN32)
    set(_deploy_names windeployqt windeployqt6 windeployqt-qt6)
    set(_deploy_root "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}")
  else()
    set(_deploy_names macdeployqt macdeployqt6)
    set(_deploy_root "\${CMAKE_INSTALL_PREFIX}/Caduceus.app")
  endif()
  find_program(CADUCEUS_DEPLOY_TOOL NAMES ${_deploy_names}
    HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}" "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_LIBEXECS}")
  install(CODE "
    set(CADUCEUS_DEPLOY_TOOL \"${CADUCEUS_DEPLOY_TOOL}\")
    set(CADUCEUS_QML_SOURCE \"${PROJECT_SOURCE_DIR}/qml\")
    set(CADUCEUS_RUNTIME_REQUIREMENTS \"${_packaging}/runtime-requirements.txt\")
    set(CADUCEUS_DEPLOY_ROOT \"${_deploy_root}\")
    include(\"${_packaging}/cmake/DeployQt.cmake\")")
endif()

# ---- Desktop integration (Linux and other freedesktop systems).
if(UNIX AND NOT APPLE)
  if(CADUCEUS_BUILD_APP)
    install(FILES ${_resources}/linux/${CADUCEUS_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    configure_file(${_resources}/linux/${CADUCEUS_APP_ID}.metainfo.xml.in
                   ${CMAKE_CURRENT_BINARY_DIR}/packaging/${CADUCEUS_APP_ID}.metainfo.xml @ONLY)
    install(FILES ${CMAKE_CURRENT_BINARY_DIR}/packaging/${CADUCEUS_APP_ID}.metainfo.xml
            DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    foreach(_size 16 22 24 32 48 64 128 256 512)
      install(FILES ${_resources}/icons/png/caduceus-${_size}.png
              DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps
              RENAME ${CADUCEUS_APP_ID}.png)
    endforeach()
    install(FILES ${_resources}/icons/caduceus.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps
            RENAME ${CADUCEUS_APP_ID}.svg)
  endif()
  # The relay as a `systemd --user` service. Its ExecStart needs the final path of caduceus, which is
  # known only at install time (/usr for the .deb, /usr/local or another prefix for `cmake --install`).
  install(CODE "
    set(CADUCEUS_FULL_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    set(CADUCEUS_DOC_DIR \"\${CMAKE_INSTALL_PREFIX}/${CADUCEUS_DOC_SUBDIR}\")
    configure_file(\"${_resources}/linux/caduceus-relay.service.in\"
                   \"${CMAKE_CURRENT_BINARY_DIR}/packaging/caduceus-relay.service\" @ONLY)")
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/packaging/caduceus-relay.service DESTINATION lib/systemd/user)
  install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CADUCEUS_DOC_SUBDIR})
endif()

# ---- CPack.
set(CPACK_PACKAGE_NAME "Caduceus")
set(CPACK_PACKAGE_VENDOR "${CADUCEUS_VENDOR}")
set(CPACK_PACKAGE_CONTACT "${CADUCEUS_VENDOR} <maintainers@caduceus.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Caduceus is a native Qt desktop chat client for Hermes Agent: streamed answers with reasoning and tool\n"
    "activity, a message queue per session, stop with visible progress and approval dialogs. It can also\n"
    "run a local Socket.IO relay so that the hermes-web-ui chat page shares the same live sessions.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Caduceus")
set(CPACK_PACKAGE_EXECUTABLES "caduceus;Caduceus")
set(CPACK_CREATE_DESKTOP_LINKS caduceus)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/node_modules/")

# .deb. Library dependencies (Qt, QtKeychain, yaml-cpp, md4c) are computed by dpkg-shlibdeps; what it cannot
# see are the plugins and QML modules Qt loads at run time, listed here.
set(CPACK_DEBIAN_PACKAGE_NAME "caduceus")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
find_program(CADUCEUS_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(CADUCEUS_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  message(STATUS "dpkg-shlibdeps not found (apt install dpkg-dev): a .deb built now lists no library dependencies")
endif()
set(_deb_runtime libqt6sql6-sqlite)
set(_deb_recommends "gnome-keyring | kwalletmanager | keepassxc" qt6-wayland qt6-translations-l10n)
if(CADUCEUS_BUILD_APP)
  # What the window loads at run time: packaging/runtime-requirements.txt, the list scripts/deps.sh installs and
  # RuntimeCheck checks. Of a renamed package ("new|old") the one installed here is named, as dpkg-shlibdeps
  # names the libraries of this system; when neither is, both as alternatives.
  file(STRINGS ${_packaging}/runtime-requirements.txt _requirement_lines REGEX "^[a-z]")
  foreach(_line IN LISTS _requirement_lines)
    string(REGEX REPLACE "[ \t]+" ";" _fields "${_line}")
    list(GET _fields 2 _package)
    list(GET _fields 3 _need)
    string(REPLACE "|" ";" _alternatives "${_package}")
    list(LENGTH _alternatives _count)
    if(_count GREATER 1)
      set(_package "")
      foreach(_candidate IN LISTS _alternatives)
        execute_process(COMMAND dpkg-query -W -f=\${Status} ${_candidate}
                        OUTPUT_VARIABLE _status ERROR_QUIET RESULT_VARIABLE _result)
        if(_result EQUAL 0 AND _status MATCHES "install ok installed")
          set(_package ${_candidate})
          break()
        endif()
      endforeach()
      if(NOT _package)
        list(JOIN _alternatives " | " _package)
      endif()
    endif()
    if(_need STREQUAL "depends")
      list(APPEND _deb_runtime "${_package}")
    else()
      list(APPEND _deb_recommends "${_package}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _deb_runtime)
  list(REMOVE_DUPLICATES _deb_recommends)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_packaging}/runtime-requirements.txt)
endif()
list(JOIN _deb_runtime ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
list(JOIN _deb_recommends ", " CPACK_DEBIAN_PACKAGE_RECOMMENDS)

# NSIS (Windows).
set(CPACK_NSIS_PACKAGE_NAME "Caduceus")
set(CPACK_NSIS_DISPLAY_NAME "Caduceus ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON "${_resources}/icons/caduceus.ico")
set(CPACK_NSIS_MUI_UNIICON "${_resources}/icons/caduceus.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "${CMAKE_INSTALL_BINDIR}\\\\caduceus.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON)   # offers to put caduceus on PATH, for `caduceus chat` and `caduceus --relay`
set(CPACK_NSIS_MUI_FINISHPAGE_RUN "caduceus.exe")

# DMG (macOS): the bundle next to a link to /Applications, so it installs by drag and drop.
set(CPACK_DMG_VOLUME_NAME "Caduceus ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT "UDZO")
if(APPLE)
  set(CPACK_PACKAGE_ICON "${_resources}/icons/caduceus.icns")   # the volume icon
endif()
if(APPLE)
  install(CODE "execute_process(COMMAND \"${CMAKE_COMMAND}\" -E create_symlink /Applications
                                        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/Applications\")")
endif()

if(WIN32)
  set(CPACK_GENERATOR "NSIS")
elseif(APPLE)
  set(CPACK_GENERATOR "DragNDrop")
else()
  set(CPACK_GENERATOR "DEB")
endif()
include(CPack)
