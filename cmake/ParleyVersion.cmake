# The one version of every binary (parley, parleyd, parley-cli) and of the
# packages: project(VERSION) in the top-level CMakeLists.txt, plus, in a git
# checkout, the number of commits and the commit ("0.1.0+git46.g92580dfaca"),
# so that packages built from later commits sort as upgrades (dpkg compares
# the commit count first). Evaluated at configure time: ./scripts/package
# always reconfigures. app/version.h (kVersion) carries it into the code.
set(PARLEY_VERSION_STRING ${PROJECT_VERSION})
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(
    COMMAND ${GIT_EXECUTABLE} rev-parse --short=10 HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE PARLEY_GIT_COMMIT
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
    RESULT_VARIABLE _parley_git_rc)
  execute_process(
    COMMAND ${GIT_EXECUTABLE} rev-list --count HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE PARLEY_GIT_COUNT
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
    RESULT_VARIABLE _parley_count_rc)
  if(_parley_git_rc EQUAL 0 AND PARLEY_GIT_COMMIT AND _parley_count_rc EQUAL 0)
    set(PARLEY_VERSION_STRING "${PROJECT_VERSION}+git${PARLEY_GIT_COUNT}.g${PARLEY_GIT_COMMIT}")
  endif()
endif()
# An override for release builds from a tarball or for tests (upgrade cycle).
set(PARLEY_VERSION_OVERRIDE "" CACHE STRING "Use this version instead of the computed one")
if(PARLEY_VERSION_OVERRIDE)
  set(PARLEY_VERSION_STRING ${PARLEY_VERSION_OVERRIDE})
endif()
message(STATUS "Parley version: ${PARLEY_VERSION_STRING}")
