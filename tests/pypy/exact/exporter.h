/* The exact-on-PyPy suite's own exporter (exporter.c): layouts PyPy's built-in exporters do
 * not offer, identical on both runtimes because the same C code exports them. */
#pragma once

#include <Python.h>

/* Adds the type Exporter(kind, writable) to the module; -1 with an exception on failure. */
int add_exporter_type(PyObject *module);
