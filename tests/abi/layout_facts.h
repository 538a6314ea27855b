/* What one translation unit sees of Py_buffer and the PyBUF_* flags, as plain numbers, so
 * that translation units compiled in different modes (C or C++, with or without Python.h)
 * can be compared at run time. Include after <Python.h> (if any) and <pybuffer/pybuffer.h>.
 */
#ifndef PYBUFFER_TESTS_ABI_LAYOUT_FACTS_H
#define PYBUFFER_TESTS_ABI_LAYOUT_FACTS_H

#include <stddef.h>

/* Every field of Py_buffer, in declaration order. */
#define PYBUFFER_ABI_FIELDS(X) \
  X(buf)                       \
  X(obj)                       \
  X(len)                       \
  X(itemsize)                  \
  X(readonly)                  \
  X(ndim)                      \
  X(format)                    \
  X(shape)                     \
  X(strides)                   \
  X(suboffsets)                \
  X(internal)

/* Every PyBUF_* name that both CPython 3.9-3.13 and pybuffer.h's standalone mode define. */
#define PYBUFFER_ABI_FLAGS(X) \
  X(PyBUF_MAX_NDIM)           \
  X(PyBUF_SIMPLE)             \
  X(PyBUF_WRITABLE)           \
  X(PyBUF_WRITEABLE)          \
  X(PyBUF_FORMAT)             \
  X(PyBUF_ND)                 \
  X(PyBUF_STRIDES)            \
  X(PyBUF_C_CONTIGUOUS)       \
  X(PyBUF_F_CONTIGUOUS)       \
  X(PyBUF_ANY_CONTIGUOUS)     \
  X(PyBUF_INDIRECT)           \
  X(PyBUF_CONTIG)             \
  X(PyBUF_CONTIG_RO)          \
  X(PyBUF_STRIDED)            \
  X(PyBUF_STRIDED_RO)         \
  X(PyBUF_RECORDS)            \
  X(PyBUF_RECORDS_RO)         \
  X(PyBUF_FULL)               \
  X(PyBUF_FULL_RO)            \
  X(PyBUF_READ)               \
  X(PyBUF_WRITE)

#define PYBUFFER_ABI_COUNT_ONE(name) +1
enum {
  PYBUFFER_ABI_FIELD_COUNT = 0 PYBUFFER_ABI_FIELDS(PYBUFFER_ABI_COUNT_ONE),
  PYBUFFER_ABI_FLAG_COUNT = 0 PYBUFFER_ABI_FLAGS(PYBUFFER_ABI_COUNT_ONE)
};
#undef PYBUFFER_ABI_COUNT_ONE

struct pybuffer_abi_facts {
  size_t buffer_size;
  size_t buffer_align;
  size_t ssize_size;
  size_t field_offset[PYBUFFER_ABI_FIELD_COUNT];
  size_t field_size[PYBUFFER_ABI_FIELD_COUNT];
  long flag[PYBUFFER_ABI_FLAG_COUNT];
};

/* Fills *facts from whatever Py_buffer and PyBUF_* mean in the including translation unit.
   A statement macro rather than a function so that each mode compiles its own copy. */
#define PYBUFFER_ABI_OFFSET(name) facts_->field_offset[i_] = offsetof(Py_buffer, name), ++i_;
#define PYBUFFER_ABI_SIZE(name) facts_->field_size[i_] = sizeof(((Py_buffer *)0)->name), ++i_;
#define PYBUFFER_ABI_FLAG(name) facts_->flag[i_] = (long)(name), ++i_;
#define PYBUFFER_ABI_FILL_FACTS(facts)                                    \
  do {                                                                    \
    /* alignof is not C99: the padding before a member tells the same. */ \
    struct pybuffer_abi_align_probe {                                     \
      char c;                                                             \
      Py_buffer b;                                                        \
    };                                                                    \
    struct pybuffer_abi_facts *const facts_ = (facts);                    \
    int i_ = 0;                                                           \
    facts_->buffer_size = sizeof(Py_buffer);                              \
    facts_->buffer_align = offsetof(struct pybuffer_abi_align_probe, b);  \
    facts_->ssize_size = sizeof(Py_ssize_t);                              \
    PYBUFFER_ABI_FIELDS(PYBUFFER_ABI_OFFSET)                              \
    i_ = 0;                                                               \
    PYBUFFER_ABI_FIELDS(PYBUFFER_ABI_SIZE)                                \
    i_ = 0;                                                               \
    PYBUFFER_ABI_FLAGS(PYBUFFER_ABI_FLAG)                                 \
  } while (0)

#ifdef __cplusplus
extern "C" {
#endif

/* Each defined by one translation unit of the layout test, compiled in the named mode. */
void pybuffer_abi_facts_c11_with_python(struct pybuffer_abi_facts *facts);
void pybuffer_abi_facts_c99_standalone(struct pybuffer_abi_facts *facts);

#ifdef __cplusplus
}
#endif

#endif /* PYBUFFER_TESTS_ABI_LAYOUT_FACTS_H */
