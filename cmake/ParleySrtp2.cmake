# libsrtp2 as parley::srtp2. Debian 12's libsrtp2 does AES-GCM through NSS
# (its softoken: a lock and a PKCS #11 round trip per packet); with
# PARLEY_LINUX_DEPS_PREFIX (scripts/linux-deps: Debian's source package with
# OpenSSL, a static library) the programs link that one instead, and need no
# libsrtp2 at run time. Without it, or when the prefix has no such build,
# Debian's package, said in one configure line.
# docs/adr/0016-libsrtp2-with-openssl.md

set(PARLEY_LINUX_DEPS_PREFIX "" CACHE PATH
    "scripts/linux-deps' prefix: libsrtp2 with OpenSSL, linked statically (empty: Debian's libsrtp2)")

# Looked up on every configure (milliseconds): pkg_check_modules and its
# find_library calls cache their answers, which must follow the prefix when it
# is given, removed, or its build appears later.
unset(__pkg_config_checked_SRTP2 CACHE)
get_cmake_property(parley_cache_variables CACHE_VARIABLES)
foreach(variable IN LISTS parley_cache_variables)
  if(variable MATCHES "^pkgcfg_lib_SRTP2_")
    unset(${variable} CACHE)
  endif()
endforeach()

set(parley_srtp2_pc ${PARLEY_LINUX_DEPS_PREFIX}/lib/pkgconfig/libsrtp2.pc)
if(PARLEY_LINUX_DEPS_PREFIX AND EXISTS ${parley_srtp2_pc}
   AND EXISTS ${PARLEY_LINUX_DEPS_PREFIX}/lib/libsrtp2.a)
  # That prefix's .pc only, not the system's: its Libs name OpenSSL's libcrypto
  # after the static library.
  set(parley_saved_pc_path "$ENV{PKG_CONFIG_PATH}")
  set(ENV{PKG_CONFIG_PATH} "${PARLEY_LINUX_DEPS_PREFIX}/lib/pkgconfig")
  pkg_check_modules(SRTP2 REQUIRED QUIET IMPORTED_TARGET GLOBAL libsrtp2)
  set(ENV{PKG_CONFIG_PATH} "${parley_saved_pc_path}")
  list(GET SRTP2_LINK_LIBRARIES 0 parley_srtp2_library)
  file(REAL_PATH "${parley_srtp2_library}" parley_srtp2_library)
  file(REAL_PATH "${PARLEY_LINUX_DEPS_PREFIX}/lib/libsrtp2.a" parley_srtp2_expected)
  if(NOT parley_srtp2_library STREQUAL parley_srtp2_expected)
    message(FATAL_ERROR "libsrtp2 from ${PARLEY_LINUX_DEPS_PREFIX} resolved to "
                        "${SRTP2_LINK_LIBRARIES}, not its static library")
  endif()
  # installer/: the packages carry libSRTP's notice and say why they embed it.
  set(PARLEY_SRTP2_STATIC ON)
  message(STATUS "SRTP: libsrtp2 ${SRTP2_VERSION} with OpenSSL, linked statically "
                 "(${PARLEY_LINUX_DEPS_PREFIX})")
else()
  set(PARLEY_SRTP2_STATIC OFF)
  pkg_check_modules(SRTP2 REQUIRED QUIET IMPORTED_TARGET GLOBAL libsrtp2)
  if(WIN32)
    message(STATUS "SRTP: libsrtp2 ${SRTP2_VERSION} from the Windows dependency cache (OpenSSL)")
  elseif(PARLEY_LINUX_DEPS_PREFIX)
    message(STATUS "SRTP: Debian's libsrtp2 ${SRTP2_VERSION} (NSS): no OpenSSL build in "
                   "${PARLEY_LINUX_DEPS_PREFIX} (scripts/linux-deps makes it)")
  else()
    message(STATUS "SRTP: Debian's libsrtp2 ${SRTP2_VERSION} (NSS, slower per packet): "
                   "scripts/linux-deps builds one with OpenSSL (-DPARLEY_LINUX_DEPS_PREFIX=)")
  endif()
endif()
add_library(parley::srtp2 ALIAS PkgConfig::SRTP2)
