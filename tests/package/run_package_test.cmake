# Drives the package suite: installs the build tree into a fresh prefix, then builds and runs
# tests/package/consumer against the installed files the ways a user would.
#
#   cmake -DSTEP=<install|cmake_shared|cmake_static|pkg_config> [variables below] -P ...
#
# BUILD_DIR, CONFIG            the pybuffer build tree and its configuration
# PREFIX, WORK_DIR             the install prefix and a scratch directory, both recreated
# LIBDIR, INCLUDEDIR           CMAKE_INSTALL_LIBDIR / _INCLUDEDIR (relative)
# SOURCE_INCLUDE_DIR           the source tree's include/, to compare with what is installed
# CONSUMER_SOURCE              tests/package/consumer
# GENERATOR, MAKE_PROGRAM, MULTI_CONFIG, C_COMPILER, PYTHON
#                              the build tree's toolchain, reused for the consumer
# SANITIZE                     PYBUFFER_SANITIZE of the build tree: an instrumented library
#                              needs an instrumented program (compile and link flags)
# PKG_CONFIG, DL_LIBS          pkg-config, and CMAKE_DL_LIBS for the consumer's own dladdr
# VERSION                      the project version (CMake's, read from the header), which the
#                              installed header, the config-version file and pybuffer.pc must
#                              all state; the consumer checks pybuffer_version() against the header
cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/PybufferVersion.cmake")

function(run)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "WORKING_DIRECTORY" "COMMAND")
  string(REPLACE ";" " " shown "${arg_COMMAND}")
  message(STATUS "run: ${shown}")
  if(arg_WORKING_DIRECTORY)
    set(cwd WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  endif()
  execute_process(COMMAND ${arg_COMMAND} ${cwd} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "failed (${failed}): ${shown}")
  endif()
endfunction()

# Sets the environment variable `name` to the non-empty `dirs`, then its current value, joined
# with ':' (the loader's and pkg-config's search order: first wins).
function(prepend_to_environment name)
  set(dirs ${ARGN})
  if(DEFINED ENV{${name}} AND NOT "$ENV{${name}}" STREQUAL "")
    list(APPEND dirs "$ENV{${name}}")
  endif()
  list(FILTER dirs EXCLUDE REGEX "^$")
  list(JOIN dirs ":" joined)
  set(ENV{${name}} "${joined}")
endfunction()

# Fails unless `path` lies in PREFIX.
function(expect_under_prefix what path)
  string(FIND "${path}/" "${PREFIX}/" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "${what} is ${path}, outside the prefix under test ${PREFIX}")
  endif()
endfunction()

string(REPLACE "." ";" version_parts "${VERSION}")
list(GET version_parts 0 VERSION_MAJOR)
list(GET version_parts 1 VERSION_MINOR)

set(sanitize_flags "")
if(SANITIZE)
  set(sanitize_flags "-fsanitize=${SANITIZE}" -fno-omit-frame-pointer)
endif()

# ---------------------------------------------------------------------------------------------
if(STEP STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" --config
              "${CONFIG}")

  set(lib "${PREFIX}/${LIBDIR}")
  foreach(file "${lib}/libpybuffer.so" "${lib}/libpybuffer.so.${VERSION_MAJOR}" "${lib}/libpybuffer.a"
               "${lib}/cmake/pybuffer/pybufferConfig.cmake"
               "${lib}/cmake/pybuffer/pybufferConfigVersion.cmake"
               "${lib}/cmake/pybuffer/pybufferTargets.cmake" "${lib}/pkgconfig/pybuffer.pc")
    if(NOT EXISTS "${file}")
      message(FATAL_ERROR "not installed: ${file}")
    endif()
  endforeach()

  # Public headers only: exactly the source tree's include/, nothing from src/.
  file(GLOB_RECURSE installed RELATIVE "${PREFIX}/${INCLUDEDIR}" "${PREFIX}/${INCLUDEDIR}/*")
  file(GLOB_RECURSE public RELATIVE "${SOURCE_INCLUDE_DIR}" "${SOURCE_INCLUDE_DIR}/*")
  list(SORT installed)
  list(SORT public)
  if(NOT installed STREQUAL public)
    message(FATAL_ERROR "installed headers [${installed}] differ from include/ [${public}]")
  endif()

  # The core helper library is compiled into both libraries: it must not be shipped or named.
  file(GLOB_RECURSE core "${PREFIX}/*pybuffer_core*")
  if(core)
    message(FATAL_ERROR "pybuffer_core installed: ${core}")
  endif()
  file(GLOB exports "${lib}/cmake/pybuffer/pybufferTargets*.cmake")
  foreach(file IN LISTS exports)
    file(READ "${file}" text)
    if(text MATCHES "pybuffer_core")
      message(FATAL_ERROR "${file} refers to pybuffer_core")
    endif()
  endforeach()

  # The version is written once, in the header: what is installed must say the same.
  pybuffer_header_version("${PREFIX}/${INCLUDEDIR}/pybuffer/pybuffer.h" header_version)
  set(PACKAGE_FIND_VERSION "${VERSION}")
  include("${lib}/cmake/pybuffer/pybufferConfigVersion.cmake")
  if(NOT header_version STREQUAL VERSION OR NOT PACKAGE_VERSION STREQUAL VERSION)
    message(FATAL_ERROR "versions disagree: header ${header_version}, CMake project ${VERSION}, "
                        "pybufferConfigVersion.cmake ${PACKAGE_VERSION}")
  endif()

  # SameMajorVersion: any version up to ours within our major is accepted, the next major is
  # not (its SONAME would differ).
  math(EXPR next_major "${VERSION_MAJOR} + 1")
  foreach(request "${VERSION_MAJOR}.${VERSION_MINOR}:TRUE" "${VERSION_MAJOR}:TRUE"
                  "${next_major}.0:FALSE")
    string(REPLACE ":" ";" request "${request}")
    list(GET request 0 PACKAGE_FIND_VERSION)
    list(GET request 1 expected)
    string(REPLACE "." ";" parts "${PACKAGE_FIND_VERSION}.0")
    list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
    list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
    unset(PACKAGE_VERSION_COMPATIBLE)
    include("${lib}/cmake/pybuffer/pybufferConfigVersion.cmake")
    if(NOT PACKAGE_VERSION_COMPATIBLE STREQUAL expected)
      message(FATAL_ERROR "pybufferConfigVersion.cmake: request ${PACKAGE_FIND_VERSION} "
                          "compatible=${PACKAGE_VERSION_COMPATIBLE}, expected ${expected}")
    endif()
  endforeach()
  message(STATUS "installed into ${PREFIX}")

# ---------------------------------------------------------------------------------------------
elseif(STEP STREQUAL "cmake_shared" OR STEP STREQUAL "cmake_static")
  if(STEP STREQUAL "cmake_shared")
    set(target pybuffer::pybuffer)
  else()
    set(target pybuffer::pybuffer_static)
  endif()
  file(REMOVE_RECURSE "${WORK_DIR}")
  set(configure_args -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${C_COMPILER}"
                     "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DPython3_EXECUTABLE=${PYTHON}"
                     "-DPYBUFFER_CONSUMER_TARGET=${target}"
                     "-DPYBUFFER_CONSUMER_VERSION=${VERSION_MAJOR}.${VERSION_MINOR}")
  if(MAKE_PROGRAM)
    list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  if(NOT MULTI_CONFIG)
    list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
  endif()
  if(sanitize_flags)
    string(REPLACE ";" " " flags "${sanitize_flags}")
    list(APPEND configure_args "-DCMAKE_C_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
  endif()
  run(COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE}" -B "${WORK_DIR}" ${configure_args})
  # The package under test, not another installation that find_package could also reach.
  file(STRINGS "${WORK_DIR}/CMakeCache.txt" found REGEX "^pybuffer_DIR:")
  string(REGEX REPLACE "^pybuffer_DIR:[A-Z]+=" "" found "${found}")
  expect_under_prefix("pybuffer_DIR" "${found}")
  run(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}" --config "${CONFIG}")
  if(MULTI_CONFIG)
    set(program "${WORK_DIR}/${CONFIG}/consumer")
  else()
    set(program "${WORK_DIR}/consumer")
  endif()
  # The build tree's RPATH leads to the installed libpybuffer and libpython.
  run(COMMAND "${program}")

# ---------------------------------------------------------------------------------------------
elseif(STEP STREQUAL "pkg_config")
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
  # pybuffer.pc from the prefix; python3-embed.pc of the same interpreter the build used
  # (sysconfig's LIBPC), ahead of whatever else the system has.
  execute_process(COMMAND "${PYTHON}" -c "import sysconfig; print(sysconfig.get_config_var('LIBPC') or '')"
                  OUTPUT_VARIABLE python_pc_dir OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${PYTHON} cannot report its pkg-config directory")
  endif()
  prepend_to_environment(PKG_CONFIG_PATH "${PREFIX}/${LIBDIR}/pkgconfig" "${python_pc_dir}")
  set(pc_path "$ENV{PKG_CONFIG_PATH}")

  execute_process(COMMAND "${PKG_CONFIG}" --variable=pcfiledir pybuffer OUTPUT_VARIABLE pc_dir
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  expect_under_prefix("pkg-config's pybuffer.pc" "${pc_dir}")
  execute_process(COMMAND "${PKG_CONFIG}" --modversion pybuffer OUTPUT_VARIABLE pc_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE failed)
  if(failed OR NOT pc_version STREQUAL VERSION)
    message(FATAL_ERROR "pybuffer.pc states version '${pc_version}', the header ${VERSION}")
  endif()

  execute_process(COMMAND "${PKG_CONFIG}" --cflags --libs pybuffer python3-embed
                  OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "pkg-config --cflags --libs pybuffer python3-embed failed "
                        "(PKG_CONFIG_PATH=${pc_path})")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  set(dl_flags "")
  foreach(lib IN LISTS DL_LIBS)
    list(APPEND dl_flags "-l${lib}")
  endforeach()
  set(program "${WORK_DIR}/consumer")
  run(COMMAND "${C_COMPILER}" -std=c11 ${sanitize_flags} "${CONSUMER_SOURCE}/main.c" -o
              "${program}" ${flags} ${dl_flags})

  # No RPATH here, as with any plain compiler invocation: the loader is told where both the
  # installed pybuffer and the interpreter's library are.
  execute_process(COMMAND "${PKG_CONFIG}" --variable=libdir python3-embed
                  OUTPUT_VARIABLE python_libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
  prepend_to_environment(LD_LIBRARY_PATH "${PREFIX}/${LIBDIR}" "${python_libdir}")
  run(COMMAND "${program}")

else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
