// The two sides of py27.buffer_objects: libpython2.7's five constructors and type object,
// found with dlsym, and pybuffer's twins.
#pragma once

#include <Python.h>

#include <string>

namespace py27::buffer_objects {

/// One implementation of 2.7's buffer objects: its constructors and its type.
struct Side {
  const char *name;
  PyObject *(*from_object)(PyObject *, Py_ssize_t, Py_ssize_t);
  PyObject *(*from_read_write_object)(PyObject *, Py_ssize_t, Py_ssize_t);
  PyObject *(*from_memory)(void *, Py_ssize_t);
  PyObject *(*from_read_write_memory)(void *, Py_ssize_t);
  PyObject *(*new_buffer)(Py_ssize_t);
  PyTypeObject *type;
};

/// libpython2.7's (filled by load_real) and pybuffer's.
extern Side real;
extern Side ours;

/// libpython2.7's old-protocol readers, for what the objects hand out through the old slots.
extern int (*real_as_read_buffer)(PyObject *, const void **, Py_ssize_t *);
extern int (*real_as_char_buffer)(PyObject *, const char **, Py_ssize_t *);
extern int (*real_as_write_buffer)(PyObject *, void **, Py_ssize_t *);

/// Fills `real` and the readers from the libpython2.7 this process runs on; false, with the
/// reason in *error, when a symbol is missing or is not libpython2.7's own.
bool load_real(std::string *error);

}  // namespace py27::buffer_objects
