# The one version of every binary (parley, parleyd, parley-cli) and of the
# packages: project(VERSION) in the top-level CMakeLists.txt, plus, in a git
# checkout, the number of commits and the commit ("0.1.0+git46.g92580dfaca"),
# so that packages built from later commits sort as upgrades (dpkg compares
# the commit count first).
#
# Two modes, one computation:
#  - include()d at configure time: sets PARLEY_VERSION_STRING (the packages'
#    version; ./scripts/package always reconfigures).
#  - `cmake -P` at build time (the parley_version target, app/CMakeLists.txt):
#    recomputes it and rewrites app/version.h (kVersion) only when the string
#    changed, so a commit after configuring is seen by the next build and an
#    unchanged version rebuilds nothing. Inputs: -DPARLEY_BASE_VERSION,
#    -DPARLEY_SOURCE_DIR, -DPARLEY_VERSION_OVERRIDE, -DGIT_EXECUTABLE,
#    -DPARLEY_VERSION_TEMPLATE, -DPARLEY_VERSION_HEADER.

# parley_compute_version(<out-var> <base> <source-dir> <override> <git>)
function(parley_compute_version out base source_dir override git)
  set(version ${base})
  if(git AND EXISTS ${source_dir}/.git)
    execute_process(
      COMMAND ${git} rev-parse --short=10 HEAD
      WORKING_DIRECTORY ${source_dir}
      OUTPUT_VARIABLE commit
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
      RESULT_VARIABLE commit_rc)
    execute_process(
      COMMAND ${git} rev-list --count HEAD
      WORKING_DIRECTORY ${source_dir}
      OUTPUT_VARIABLE count
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
      RESULT_VARIABLE count_rc)
    if(commit_rc EQUAL 0 AND commit AND count_rc EQUAL 0)
      set(version "${base}+git${count}.g${commit}")
    endif()
  endif()
  # An override for release builds from a tarball or for tests (upgrade cycle).
  if(override)
    set(version ${override})
  endif()
  set(${out} ${version} PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
  parley_compute_version(PARLEY_VERSION_STRING "${PARLEY_BASE_VERSION}" "${PARLEY_SOURCE_DIR}"
                         "${PARLEY_VERSION_OVERRIDE}" "${GIT_EXECUTABLE}")
  # configure_file leaves the header (and its time stamp) alone when the
  # content is the same: nothing that includes it is rebuilt.
  configure_file(${PARLEY_VERSION_TEMPLATE} ${PARLEY_VERSION_HEADER} @ONLY)
  return()
endif()

find_package(Git QUIET)
set(PARLEY_VERSION_OVERRIDE "" CACHE STRING "Use this version instead of the computed one")
parley_compute_version(PARLEY_VERSION_STRING ${PROJECT_VERSION} ${PROJECT_SOURCE_DIR}
                       "${PARLEY_VERSION_OVERRIDE}" "${GIT_EXECUTABLE}")
message(STATUS "Parley version: ${PARLEY_VERSION_STRING}")
