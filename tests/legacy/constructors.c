/* The porting layer's twins (<pybuffer/legacy.h>) as a Python module, for legacy.python.<host>
 * on runtimes whose ctypes cannot pass objects to C (PyPy): test_buffer_type.py --module.
 * Each function calls one twin and hands back what it returned (or its exception).
 */
#include <Python.h>

#include <pybuffer/legacy.h>

#include "module_init.h"

typedef PyObject *(*ObjectMaker)(PyObject *, Py_ssize_t, Py_ssize_t);
typedef PyObject *(*MemoryMaker)(void *, Py_ssize_t);

static PyObject *over_object(PyObject *args, ObjectMaker make) {
  PyObject *base;
  Py_ssize_t offset, size;
  if (!PyArg_ParseTuple(args, "Onn", &base, &offset, &size)) return NULL;
  return make(base, offset, size);
}

/* The address is an int as ctypes gives it, or None for NULL. */
static PyObject *over_memory(PyObject *args, MemoryMaker make) {
  PyObject *address;
  Py_ssize_t size;
  if (!PyArg_ParseTuple(args, "On", &address, &size)) return NULL;
  void *pointer = address == Py_None ? NULL : PyLong_AsVoidPtr(address);
  if (pointer == NULL && PyErr_Occurred()) return NULL;
  return make(pointer, size);
}

static PyObject *from_object(PyObject *self, PyObject *args) {
  (void)self;
  return over_object(args, pybuffer_PyBuffer_FromObject);
}

static PyObject *from_read_write_object(PyObject *self, PyObject *args) {
  (void)self;
  return over_object(args, pybuffer_PyBuffer_FromReadWriteObject);
}

static PyObject *from_memory(PyObject *self, PyObject *args) {
  (void)self;
  return over_memory(args, pybuffer_PyBuffer_FromMemory);
}

static PyObject *from_read_write_memory(PyObject *self, PyObject *args) {
  (void)self;
  return over_memory(args, pybuffer_PyBuffer_FromReadWriteMemory);
}

static PyObject *new_buffer(PyObject *self, PyObject *args) {
  Py_ssize_t size;
  (void)self;
  if (!PyArg_ParseTuple(args, "n", &size)) return NULL;
  return pybuffer_PyBuffer_New(size);
}

static PyObject *check(PyObject *self, PyObject *object) {
  (void)self;
  return PyLong_FromLong(pybuffer_PyBuffer_Check(object));
}

/* The sequence protocol's item (sq_item), which indexing from Python does not reach. */
static PyObject *sequence_item(PyObject *self, PyObject *args) {
  PyObject *object;
  Py_ssize_t index;
  (void)self;
  if (!PyArg_ParseTuple(args, "On", &object, &index)) return NULL;
  return PySequence_GetItem(object, index);
}

static PyMethodDef methods[] = {
    {"from_object", from_object, METH_VARARGS, NULL},
    {"from_read_write_object", from_read_write_object, METH_VARARGS, NULL},
    {"from_memory", from_memory, METH_VARARGS, NULL},
    {"from_read_write_memory", from_read_write_memory, METH_VARARGS, NULL},
    {"new", new_buffer, METH_VARARGS, NULL},
    {"check", check, METH_O, NULL},
    {"sequence_item", sequence_item, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}};

PYBUFFER_LEGACY_MODULE_INIT(methods)
