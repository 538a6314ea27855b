# Debian packages: `cpack -G DEB` in a configured and built tree makes one package per install
# component (the install rules say which file belongs to which component):
#
#   runtime      libpybuffer<major>  the shared library, named after its SONAME, so that
#                                    two majors can be installed side by side
#   development  libpybuffer-dev     header, namelink, static archive, CMake package, pybuffer.pc
#   tools        pybuffer-tools      pybuffer-check and its man page, pybuffer-bindings,
#                                    pybuffer-demo, the Python module
#
# Each package carries /usr/share/doc/<package>/copyright and changelog.gz, installed only for
# packaging (EXCLUDE_FROM_ALL: a plain `cmake --install` leaves them out). Dependencies on
# system libraries come from dpkg-shlibdeps; those between the packages from the component
# graph below, with the exact version.
include_guard(GLOBAL)

set(PYBUFFER_PACKAGE_MAINTAINER "pybuffer maintainers <maintainers@pybuffer.example>"
    CACHE STRING "Maintainer field of the Debian packages (\"Name <address>\")")
mark_as_advanced(PYBUFFER_PACKAGE_MAINTAINER)

set(_pybuffer_runtime_package "libpybuffer${PROJECT_VERSION_MAJOR}")
set(_pybuffer_packages "${_pybuffer_runtime_package}" libpybuffer-dev pybuffer-tools)
set(_pybuffer_components runtime development tools)

# changelog.gz: Debian's format, one entry for this version. gzip -n, as Debian's tools do, so
# that the file, and so the package, does not change with the time it was built.
find_program(PYBUFFER_GZIP gzip)
if(NOT PYBUFFER_GZIP)
  message(FATAL_ERROR "gzip not found: the packages' changelog and man pages need it")
endif()
mark_as_advanced(PYBUFFER_GZIP)
# The date follows SOURCE_DATE_EPOCH when set (reproducible builds), else the configure time.
string(TIMESTAMP PYBUFFER_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(_pybuffer_debian_dir "${PROJECT_BINARY_DIR}/debian")
configure_file("${PROJECT_SOURCE_DIR}/cmake/debian/changelog.in" "${_pybuffer_debian_dir}/changelog"
               @ONLY)
# Decided now, when the text is known: gzip at configure time keeps the file out of the build
# graph, and the text changes only when this file is configured again.
execute_process(COMMAND "${PYBUFFER_GZIP}" -9nf "${_pybuffer_debian_dir}/changelog"
                RESULT_VARIABLE _pybuffer_gzip_failed)
if(_pybuffer_gzip_failed)
  message(FATAL_ERROR "gzip of ${_pybuffer_debian_dir}/changelog failed")
endif()

foreach(package component IN ZIP_LISTS _pybuffer_packages _pybuffer_components)
  install(FILES "${PROJECT_SOURCE_DIR}/cmake/debian/copyright" "${_pybuffer_debian_dir}/changelog.gz"
          DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}" COMPONENT ${component}
          EXCLUDE_FROM_ALL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pybuffer)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${PYBUFFER_PACKAGE_MAINTAINER}")
# Empty, so that CPack does not put the project's one summary above each package's own
# synopsis (the first line of CPACK_DEBIAN_<COMPONENT>_DESCRIPTION).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
# Rules without a component ("Unspecified") are not shipped.
set(CPACK_COMPONENTS_ALL ${_pybuffer_components})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
# The tools link libpybuffer.so.0 of the runtime package, which no installed package
# describes yet: dpkg-shlibdeps is told where it is, and the dependency comes from the graph.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/src")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "${_pybuffer_runtime_package}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# A shlibs file, so that packages built against this one depend on it; it applies to the
# runtime package alone, the only one holding a shared library.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# dpkg runs ldconfig once per transaction through this trigger (Debian policy 8.1.1).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/cmake/debian/triggers")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "CPython's buffer-protocol C functions, reimplemented
pybuffer provides the fifteen buffer-protocol functions of CPython's C API
(PyObject_GetBuffer, PyBuffer_Release, PyBuffer_ToContiguous, ...) with
CPython's ABI, under CPython's names and as pybuffer_ twins. One build serves
CPython 3.6 to 3.13 hosts: linked ahead of libpython in an embedding host,
preloaded into an interpreter, or vendored into an extension module.
.
This package contains the shared library.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libpybuffer-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
    "CPython's buffer-protocol C functions, reimplemented (development files)
pybuffer provides the fifteen buffer-protocol functions of CPython's C API
with CPython's ABI, under CPython's names and as pybuffer_ twins.
.
This package contains the header <pybuffer/pybuffer.h>, the static library,
the CMake package (find_package(pybuffer)) and the pkg-config file.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME pybuffer-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION devel)
# pybuffer-bindings and the Python module run under python3, which dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS python3)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION
    "checker and reports for CPython's buffer protocol
pybuffer-check sends every request of the buffer protocol to exporters
(objects implementing it) and names each rule their answers break.
pybuffer-bindings reports which calls of the buffer functions pybuffer serves
in a running interpreter. pybuffer-demo is a small embedding host.")

include(CPack)
cpack_add_component(runtime DISPLAY_NAME "Shared library")
cpack_add_component(development DISPLAY_NAME "Development files" DEPENDS runtime)
cpack_add_component(tools DISPLAY_NAME "Tools" DEPENDS runtime)
