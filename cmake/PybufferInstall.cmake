# Install rules and package files: the shared and static libraries as pybuffer::pybuffer and
# pybuffer::pybuffer_static (CMake config package), plus pkg-config's pybuffer.pc.
#
# pybuffer_core is compiled into both libraries as object files, so it is neither installed
# nor named in the exported targets. Neither library links libpython: the Py* symbols stay
# undefined for the host, so consumers link an interpreter themselves (Python3::Python from
# FindPython3's Development.Embed, or pkg-config's python3-embed).
include(CMakePackageConfigHelpers)

set(PYBUFFER_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/pybuffer"
    CACHE STRING "Where pybufferConfig.cmake is installed, relative to the prefix")
set(PYBUFFER_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where pybuffer.pc is installed, relative to the prefix")
mark_as_advanced(PYBUFFER_INSTALL_CMAKEDIR PYBUFFER_INSTALL_PKGCONFIGDIR)

install(
  TARGETS pybuffer pybuffer_static
  EXPORT pybufferTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime NAMELINK_COMPONENT development
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
# The PyPy variant's libraries, beside them (not in the CMake package: a PyPy extension links
# them by name, README's "PyPy").
if(PYBUFFER_PYPY_FOUND)
  install(
    TARGETS pybuffer_pypy39 pybuffer_pypy39_static
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime NAMELINK_COMPONENT development
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
endif()
# The CPython 2.7 variant's libraries likewise (README's "CPython 2.7").
if(PYBUFFER_PY27_FOUND)
  install(
    TARGETS pybuffer_py27 pybuffer_py27_static
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime NAMELINK_COMPONENT development
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
endif()
# Only the public header directory: the private headers under src/ are never installed.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/pybuffer"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT development)

install(EXPORT pybufferTargets NAMESPACE pybuffer:: DESTINATION "${PYBUFFER_INSTALL_CMAKEDIR}"
        COMPONENT development)
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/pybufferConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/pybufferConfig.cmake" INSTALL_DESTINATION "${PYBUFFER_INSTALL_CMAKEDIR}")
# The SONAME carries the major version, so only the same major is a drop-in replacement.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/pybufferConfigVersion.cmake"
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/pybufferConfig.cmake"
              "${PROJECT_BINARY_DIR}/pybufferConfigVersion.cmake"
        DESTINATION "${PYBUFFER_INSTALL_CMAKEDIR}" COMPONENT development)

# pkg-config: paths relative to the .pc file's own directory, so the installed tree works
# from whatever prefix it is installed to or later moved to (cmake --install --prefix).
if(IS_ABSOLUTE "${PYBUFFER_INSTALL_PKGCONFIGDIR}")
  set(_pybuffer_pc_dir "${PYBUFFER_INSTALL_PKGCONFIGDIR}")
else()
  set(_pybuffer_pc_dir "${CMAKE_INSTALL_PREFIX}/${PYBUFFER_INSTALL_PKGCONFIGDIR}")
endif()
file(RELATIVE_PATH _pybuffer_pc_to_prefix "${_pybuffer_pc_dir}" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" PYBUFFER_PC_PREFIX "\${pcfiledir}/${_pybuffer_pc_to_prefix}")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(PYBUFFER_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(PYBUFFER_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(PYBUFFER_PC_LIBS_PRIVATE "")
foreach(lib IN LISTS CMAKE_DL_LIBS)
  string(APPEND PYBUFFER_PC_LIBS_PRIVATE " -l${lib}")
endforeach()
string(STRIP "${PYBUFFER_PC_LIBS_PRIVATE}" PYBUFFER_PC_LIBS_PRIVATE)
configure_file("${PROJECT_SOURCE_DIR}/cmake/pybuffer.pc.in" "${PROJECT_BINARY_DIR}/pybuffer.pc"
               @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pybuffer.pc" DESTINATION "${PYBUFFER_INSTALL_PKGCONFIGDIR}"
        COMPONENT development)
unset(_pybuffer_pc_dir)
unset(_pybuffer_pc_to_prefix)
