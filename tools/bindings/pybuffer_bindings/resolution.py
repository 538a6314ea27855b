"""Where each reference binds: the rules the dynamic linker applies, asked of the dynamic
linker itself (dlsym), and checked against the slot it has already filled, if any."""
import ctypes
import os

from pybuffer_bindings import elf_dynamic, memory

RTLD_LAZY = getattr(os, "RTLD_LAZY", 1)
RTLD_NOLOAD = getattr(os, "RTLD_NOLOAD", 4)


def _dl_functions():
    """dlsym/dlopen/dlclose: in libc since glibc 2.34, in libdl before."""
    for name in (None, "libdl.so.2"):
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        if hasattr(library, "dlsym"):
            return library
    raise OSError("dlsym not found in this process")


_DL = _dl_functions()
_DL.dlsym.restype = ctypes.c_void_p
_DL.dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_DL.dlopen.restype = ctypes.c_void_p
_DL.dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
_DL.dlclose.argtypes = [ctypes.c_void_p]


def global_definition(name):
    """dlsym(RTLD_DEFAULT, name): the global scope (executable, preloads, their
    dependencies, RTLD_GLOBAL objects), searched in the order the dynamic linker uses for
    every object's undefined references."""
    return _DL.dlsym(None, name.encode()) or None


def local_scope_definition(loaded, name):
    """The definition seen from an RTLD_LOCAL object's own dependency group, searched after
    the global scope."""
    handle = _DL.dlopen(loaded.path.encode(), RTLD_LAZY | RTLD_NOLOAD)
    if not handle:
        return None
    try:
        return _DL.dlsym(handle, name.encode()) or None
    finally:
        _DL.dlclose(handle)


class Binding:
    """One reference of `source` to `name`: the object it binds to and how we know.

    state: "bound"     the slot is filled and agrees with the prediction;
           "lazy"      a PLT slot not called yet (it still points into `source`); the
                       prediction is what the first call will bind;
           "self"      bound inside `source` (DT_SYMBOLIC, DF_SYMBOLIC or protected);
           "mismatch"  the filled slot disagrees with the prediction: the slot wins;
           "unresolved" nothing defines the name.
    """

    def __init__(self, source, relocation, target, state, address):
        self.source = source
        self.relocation = relocation
        self.target = target
        self.state = state
        self.address = address


def object_at(objects, address):
    for item in objects:
        if item.contains(address):
            return item
    return None


def bind(objects, source, info, relocation, own_definitions):
    """Predicts and checks where `relocation` of `source` (with DynamicInfo `info`) binds."""
    name = relocation.symbol.name
    own = own_definitions.get(name)
    if own is not None and (info.symbolic or own.visibility == elf_dynamic.STV_PROTECTED):
        # A symbolic object, or a protected symbol, is bound to its own definition first.
        return Binding(source, relocation, source, "self", source.base + own.value)
    predicted = global_definition(name) or local_scope_definition(source, name)
    target = object_at(objects, predicted) if predicted else None
    if not relocation.fills_slot:
        return Binding(source, relocation, target, "bound" if target else "unresolved",
                       predicted)
    slot_value = memory.read_word(relocation.slot) - relocation.addend
    if relocation.kind == elf_dynamic.PLT:
        # An unbound PLT slot points back into its own object (the lazy-binding stub).
        if source.contains(slot_value) and target is not source:
            return Binding(source, relocation, target, "lazy" if target else "unresolved",
                           predicted)
    actual = object_at(objects, slot_value)
    if actual is None and slot_value == 0:
        return Binding(source, relocation, target, "unresolved", predicted)
    if actual is not target:
        return Binding(source, relocation, actual, "mismatch", slot_value)
    return Binding(source, relocation, target, "bound", slot_value)
