# Windows x86_64 from Debian with mingw-w64 (posix threads: std::thread and
# std::mutex need them). Libraries come from the prefix scripts/windows-deps
# builds; PARLEY_WINDOWS_PREFIX names it (scripts/test --windows passes it).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(PARLEY_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${PARLEY_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${PARLEY_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${PARLEY_MINGW_TRIPLE}-windres)
set(CMAKE_AR ${PARLEY_MINGW_TRIPLE}-gcc-ar-posix)
set(CMAKE_RANLIB ${PARLEY_MINGW_TRIPLE}-gcc-ranlib-posix)

if(NOT PARLEY_WINDOWS_PREFIX AND DEFINED ENV{PARLEY_WINDOWS_PREFIX})
  set(PARLEY_WINDOWS_PREFIX "$ENV{PARLEY_WINDOWS_PREFIX}")
endif()
if(NOT PARLEY_WINDOWS_PREFIX)
  message(FATAL_ERROR "PARLEY_WINDOWS_PREFIX is not set: run scripts/windows-deps, which prints it")
endif()
# try_compile projects see the prefix too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PARLEY_WINDOWS_PREFIX)

set(CMAKE_FIND_ROOT_PATH "${PARLEY_WINDOWS_PREFIX}" /usr/${PARLEY_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)  # protoc and friends run here
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: only the prefix's .pc files, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "${PARLEY_WINDOWS_PREFIX}/lib/pkgconfig:${PARLEY_WINDOWS_PREFIX}/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# Tests and tools run under Wine.
set(CMAKE_CROSSCOMPILING_EMULATOR wine)  # Debian: /usr/bin/wine runs 64-bit .exe files too

# Qt cross-built into the prefix (scripts/windows-deps --gui) runs its tools
# (moc, rcc, uic, lrelease) from the Linux Qt 6.4, the same version.
if(NOT QT_HOST_PATH)
  set(QT_HOST_PATH /usr)
  execute_process(COMMAND dpkg-architecture -qDEB_HOST_MULTIARCH
                  OUTPUT_VARIABLE parley_host_multiarch OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(QT_HOST_PATH_CMAKE_DIR /usr/lib/${parley_host_multiarch}/cmake)
endif()
