"""The binding report: every object that refers to or defines a buffer function, where each
reference binds, and the verdict (what pybuffer serves in this process)."""
import importlib.machinery
import os
import sys

from pybuffer_bindings import elf_dynamic, loaded_objects, resolution
from pybuffer_bindings.functions import FUNCTIONS

# Exported by libpybuffer.so only (a copy linked into a module keeps its names local).
PYBUFFER_MARKER = "pybuffer_version"
# Exported by whatever object holds the interpreter: libpython, or the executable.
INTERPRETER_MARKER = "Py_GetVersion"

EXECUTABLE, LIBPYTHON, PYBUFFER = "executable", "libpython", "pybuffer"
EXTENSION, LIBRARY = "extension", "library"
ROLE_ORDER = [EXECUTABLE, LIBPYTHON, PYBUFFER, EXTENSION, LIBRARY]


class ObjectEntry:
    """A loaded object with its role and what it does with the buffer functions."""

    def __init__(self, loaded, role, modules, info, defines):
        self.loaded = loaded
        self.role = role
        self.modules = modules  # the extension modules (sys.modules names) it holds
        self.loaded_by_report = False
        self.info = info
        self.defines = defines  # {name: Symbol}
        self.bindings = []  # resolution.Binding, one per reference

    @property
    def label(self):
        return self.modules[0] if self.modules else self.loaded.name

    def interpreter(self):
        return self.role in (EXECUTABLE, LIBPYTHON)


def extension_module_files():
    """Real path of each loaded extension module's file -> the module names it provides."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    files = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(suffixes):
            files.setdefault(os.path.realpath(path), []).append(name)
    return {path: sorted(names) for path, names in files.items()}


def _role(loaded, defines_interpreter, is_pybuffer, modules):
    if loaded.is_executable:
        return EXECUTABLE
    if is_pybuffer:
        return PYBUFFER
    if defines_interpreter:
        return LIBPYTHON
    return EXTENSION if modules else LIBRARY


def collect(modules_before):
    """Every loaded object that matters, with its references resolved. Extension modules
    not named in `modules_before` were loaded by the report itself."""
    names = set(FUNCTIONS)
    markers = {PYBUFFER_MARKER, INTERPRETER_MARKER}
    modules = extension_module_files()
    objects = loaded_objects.loaded_objects()
    entries = []
    for loaded in objects:
        info = elf_dynamic.DynamicInfo(loaded)
        exported = info.defined_functions(names | markers)
        role = _role(loaded, INTERPRETER_MARKER in exported, PYBUFFER_MARKER in exported,
                     modules.get(loaded.real_path, []))
        defines = {name: symbol for name, symbol in exported.items() if name in names}
        entry = ObjectEntry(loaded, role, modules.get(loaded.real_path, []), info, defines)
        entry.loaded_by_report = role == EXTENSION and not set(entry.modules) & modules_before
        for relocation in info.relocations(names):
            entry.bindings.append(resolution.bind(objects, loaded, info, relocation, defines))
        if entry.role != LIBRARY or entry.defines or entry.bindings:
            entries.append(entry)
    by_object = {id(entry.loaded): entry for entry in entries}
    for entry in entries:
        for binding in entry.bindings:
            target = by_object.get(id(binding.target)) if binding.target else None
            binding.target_entry = target
    entries.sort(key=lambda e: (ROLE_ORDER.index(e.role), e.label))
    return entries


def served(binding):
    return binding.target_entry is not None and binding.target_entry.role == PYBUFFER


class Verdict:
    """What pybuffer serves here, in the two parts a deployment decides."""

    def __init__(self, entries):
        self.pybuffer = [e for e in entries if e.role == PYBUFFER]
        interpreter = [e for e in entries if e.interpreter()]
        self.interpreter_objects = interpreter
        refs = [b for e in interpreter for b in e.bindings]
        self.interpreter_served = sorted({b.relocation.symbol.name for b in refs if served(b)})
        self.interpreter_elsewhere = sorted(
            {b.relocation.symbol.name for b in refs if not served(b)})
        referenced = {(id(e), b.relocation.symbol.name) for e in interpreter for b in e.bindings}
        self.interpreter_direct = sorted({name for e in interpreter for name in e.defines
                                          if (id(e), name) not in referenced})
        self.interpreter = self._part(self.interpreter_served, self.interpreter_elsewhere)
        calling = [e for e in entries
                   if e.role == EXTENSION and e.bindings and not e.loaded_by_report]
        self.modules_total = len(calling)
        self.modules_served = [e.label for e in calling if all(served(b) for b in e.bindings)]
        self.modules_elsewhere = [e.label for e in calling
                                  if not all(served(b) for b in e.bindings)]
        self.extensions = "none" if not calling else self._part(self.modules_served,
                                                                self.modules_elsewhere)
        all_refs = [b for e in entries for b in e.bindings]
        self.anything_served = any(served(b) for b in all_refs)
        self.targets = sorted({b.target.path if b.target else "nothing" for b in all_refs})
        self.mismatches = [b for b in all_refs if b.state == "mismatch"]

    @staticmethod
    def _part(served_items, elsewhere_items):
        if served_items and not elsewhere_items:
            return "yes"
        return "partly" if served_items else "no"
