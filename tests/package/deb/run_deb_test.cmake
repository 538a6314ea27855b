# Drives the Debian package tests (tests/package/deb/CMakeLists.txt):
#
#   cmake -DSTEP=<create|lintian|install|unpack|tools> [variables below] -P run_deb_test.cmake
#
# RELEASE_TREE        the built tree the packages are made from
# DEBS, ROOT          where the packages are written, and the scratch root they are unpacked to
# CPACK, DPKG_DEB, LINTIAN, APT_GET
# VERSION, VERSION_MAJOR
# PREFIX, LIBDIR, INCLUDEDIR   the packages' layout (PREFIX absolute, the others relative)
cmake_minimum_required(VERSION 3.20)

function(run)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUTPUT_VARIABLE" "COMMAND")
  string(REPLACE ";" " " shown "${arg_COMMAND}")
  message(STATUS "run: ${shown}")
  if(arg_OUTPUT_VARIABLE)
    execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE failed OUTPUT_VARIABLE output)
    set(${arg_OUTPUT_VARIABLE} "${output}" PARENT_SCOPE)
  else()
    execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE failed)
  endif()
  if(failed)
    message(FATAL_ERROR "failed (${failed}): ${shown}")
  endif()
endfunction()

# The three packages, named after their components as Debian names them.
set(runtime "libpybuffer${VERSION_MAJOR}")
set(packages ${runtime} libpybuffer-dev pybuffer-tools)
function(package_file package variable)
  file(GLOB found "${DEBS}/${package}_${VERSION}_*.deb")
  list(LENGTH found count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "expected one ${package}_${VERSION}_*.deb in ${DEBS}, found [${found}]")
  endif()
  set(${variable} "${found}" PARENT_SCOPE)
endfunction()

# Fails unless every regular expression in `expected` matches some line of `text`.
function(expect_lines what text)
  foreach(pattern IN LISTS ARGN)
    if(NOT text MATCHES "(^|\n)${pattern}(\n|$)")
      message(FATAL_ERROR "${what}: no line matches '${pattern}' in:\n${text}")
    endif()
  endforeach()
endfunction()

string(REGEX REPLACE "^/" "" prefix "${PREFIX}")
set(lib "${prefix}/${LIBDIR}")

# ---------------------------------------------------------------------------------------------
if(STEP STREQUAL "create")
  file(REMOVE_RECURSE "${DEBS}")
  run(COMMAND "${CPACK}" -G DEB --config "${RELEASE_TREE}/CPackConfig.cmake" -B "${DEBS}")
  file(GLOB all "${DEBS}/*.deb")
  list(LENGTH all count)
  if(NOT count EQUAL 3)
    message(FATAL_ERROR "expected three packages, made [${all}]")
  endif()

  # What each package holds (dpkg-deb -c: "... ./path" or "... ./link -> target").
  set(contents_${runtime} "${lib}/libpybuffer\\.so\\.${VERSION_MAJOR} -> .*"
      "${lib}/libpybuffer\\.so\\.${VERSION}")
  set(contents_libpybuffer-dev
      "${prefix}/${INCLUDEDIR}/pybuffer/pybuffer\\.h" "${lib}/libpybuffer\\.a"
      "${lib}/libpybuffer\\.so -> libpybuffer\\.so\\.${VERSION_MAJOR}"
      "${lib}/cmake/pybuffer/pybufferConfig\\.cmake" "${lib}/pkgconfig/pybuffer\\.pc")
  set(contents_pybuffer-tools "${prefix}/bin/pybuffer-check" "${prefix}/bin/pybuffer-bindings"
      "${prefix}/share/man/man1/pybuffer-check\\.1\\.gz"
      "${prefix}/share/man/man1/pybuffer-bindings\\.1\\.gz")
  # Control fields: the runtime package's shlibs and ldconfig trigger; exact-version
  # dependencies between the packages; dpkg-shlibdeps' libpython for the tools.
  set(control_${runtime} "Section: libs")
  set(control_libpybuffer-dev "Section: libdevel" "Depends: ${runtime} \\(= ${VERSION}\\)")
  set(control_pybuffer-tools "Depends: .*${runtime} \\(= ${VERSION}\\).*"
      "Depends: .*libpython3\\.[0-9]+ \\(>= [^)]+\\).*" "Depends: .*python3(,.*|$)")
  foreach(package IN LISTS packages)
    package_file(${package} deb)
    run(COMMAND "${DPKG_DEB}" --contents "${deb}" OUTPUT_VARIABLE listing)
    string(REGEX REPLACE "(^|\n)[^\n]* \\./" "\\1" listing "${listing}")
    expect_lines("${package} contents" "${listing}" ${contents_${package}}
                 "${prefix}/share/doc/${package}/copyright"
                 "${prefix}/share/doc/${package}/changelog\\.gz")
    if(listing MATCHES "(^|\n)(usr/local/|[^\n]*pybuffer_core)")
      message(FATAL_ERROR "${package} holds ${CMAKE_MATCH_2}...:\n${listing}")
    endif()
    run(COMMAND "${DPKG_DEB}" --field "${deb}" OUTPUT_VARIABLE control)
    expect_lines("${package} control" "${control}" "Package: ${package}"
                 "Version: ${VERSION}" "Maintainer: [^<]+ <[^@>]+@[^>]+>" ${control_${package}})
  endforeach()
  # Every installed file is in some package: an install rule without a component (CPack's
  # "Unspecified", which no package takes) would drop its file from the packages unnoticed.
  set(shipped "")
  foreach(package IN LISTS packages)
    package_file(${package} deb)
    run(COMMAND "${DPKG_DEB}" --contents "${deb}" OUTPUT_VARIABLE listing)
    string(REGEX MATCHALL "\\./[^\n]*[^/\n]\n" files "${listing}")
    list(TRANSFORM files REPLACE "^\\./([^\n]*[^/])\n$" "\\1")
    list(TRANSFORM files REPLACE " -> .*" "")
    list(FILTER files EXCLUDE REGEX "^${prefix}/share/doc/${package}/")
    list(APPEND shipped ${files})
  endforeach()
  set(installed_root "${DEBS}/installed")
  run(COMMAND "${CMAKE_COMMAND}" --install "${RELEASE_TREE}" --prefix "${installed_root}/${prefix}")
  file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE "${installed_root}"
       "${installed_root}/*")
  list(SORT installed)
  list(SORT shipped)
  if(NOT installed STREQUAL shipped)
    message(FATAL_ERROR "installed [${installed}]\nbut the packages hold [${shipped}]")
  endif()
  list(LENGTH installed count)
  message(STATUS "the ${count} files cmake --install writes are all in the packages")

  package_file(${runtime} deb)
  run(COMMAND "${DPKG_DEB}" --info "${deb}" shlibs OUTPUT_VARIABLE shlibs)
  expect_lines("${runtime} shlibs" "${shlibs}"
               "libpybuffer ${VERSION_MAJOR} ${runtime} \\(>= ${VERSION}\\)")
  run(COMMAND "${DPKG_DEB}" --info "${deb}" triggers OUTPUT_VARIABLE triggers)
  expect_lines("${runtime} triggers" "${triggers}" "activate-noawait ldconfig")

# ---------------------------------------------------------------------------------------------
elseif(STEP STREQUAL "lintian")
  set(files "")
  foreach(package IN LISTS packages)
    package_file(${package} deb)
    list(APPEND files "${deb}")
  endforeach()
  # Errors fail the test; warnings are printed for the reader.
  run(COMMAND "${LINTIAN}" --fail-on error --tag-display-limit 0 ${files})

# ---------------------------------------------------------------------------------------------
elseif(STEP STREQUAL "install")
  # apt's simulation needs no root and changes nothing, but resolves every dependency of the
  # three against this system as a real installation would (an unmet one fails it).
  set(files "")
  foreach(package IN LISTS packages)
    package_file(${package} deb)
    list(APPEND files "${deb}")
  endforeach()
  run(COMMAND "${APT_GET}" --simulate --no-install-recommends install ${files}
      OUTPUT_VARIABLE plan)
  message("${plan}")
  set(expected "")
  foreach(package IN LISTS packages)
    list(APPEND expected "Conf ${package} \\(${VERSION} .*")
  endforeach()
  expect_lines("apt-get --simulate install" "${plan}" ${expected})
  if(plan MATCHES "(^|\n)Remv ")
    message(FATAL_ERROR "installing the packages would remove others")
  endif()

# ---------------------------------------------------------------------------------------------
elseif(STEP STREQUAL "unpack")
  file(REMOVE_RECURSE "${ROOT}")
  file(MAKE_DIRECTORY "${ROOT}")
  foreach(package IN LISTS packages)
    package_file(${package} deb)
    run(COMMAND "${DPKG_DEB}" -x "${deb}" "${ROOT}")
  endforeach()

# ---------------------------------------------------------------------------------------------
elseif(STEP STREQUAL "tools")
  # The packaged checker on the packaged library (the executable has no RUNPATH: lintian
  # would refuse one), on its built-in exporters.
  set(ENV{LD_LIBRARY_PATH} "${ROOT}/${lib}")
  run(COMMAND "${ROOT}/${prefix}/bin/pybuffer-check" --version OUTPUT_VARIABLE version)
  expect_lines("pybuffer-check --version" "${version}" "pybuffer-check ${VERSION}")
  run(COMMAND "${ROOT}/${prefix}/bin/pybuffer-check" --quiet OUTPUT_VARIABLE report)
  expect_lines("pybuffer-check --quiet" "${report}"
               ".*PyObject_GetBuffer.*libpybuffer\\.so\\.${VERSION_MAJOR}.*")
  # Under PyPy (PYPY set), through the packaged module and libpybuffer-pypy39.
  if(PYPY)
    run(COMMAND "${ROOT}/${prefix}/bin/pybuffer-check" --python "${PYPY}" --expr "b'x'"
            --request SIMPLE OUTPUT_VARIABLE report)
    expect_lines("pybuffer-check --python ${PYPY}" "${report}"
                 ".*serving PyPy .* for Python 3\\.9.*"
                 ".*pybuffer_PyObject_GetBuffer bound to libpybuffer-pypy39\\.so\\.${VERSION_MAJOR}.*")
  endif()
  # The man page is help2man's rendering of this version's --help.
  find_program(GZIP gzip REQUIRED)
  run(COMMAND "${GZIP}" -dc "${ROOT}/${prefix}/share/man/man1/pybuffer-check.1.gz"
      OUTPUT_VARIABLE page)
  expect_lines("pybuffer-check.1" "${page}" "\\.TH PYBUFFER-CHECK \"1\" .*\"pybuffer-check ${VERSION}\".*"
               ".*list\\\\-rules.*")

else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
