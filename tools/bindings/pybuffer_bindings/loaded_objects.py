"""The ELF objects loaded in this process, in the dynamic linker's own order
(dl_iterate_phdr: the executable first, then preloaded libraries and the rest)."""
import ctypes
import os
import sys

from pybuffer_bindings import memory

PT_LOAD = 1
PT_DYNAMIC = 2
# ElfW(Phdr): the fields' order differs between the classes, not only their sizes.
PHDR_FORMAT = "=IIQQQQQQ" if memory.ELF64 else "=IIIIIIII"
PHDR_SIZE = 56 if memory.ELF64 else 32


class LoadedObject:
    """One loaded object: its file, load base, mapped segments and dynamic section."""

    def __init__(self, path, base, segments, dynamic):
        self.path = path  # as the dynamic linker names it (an LD_PRELOAD path stays as given)
        self.real_path = os.path.realpath(path) if os.path.exists(path) else path
        self.name = os.path.basename(path)
        self.base = base
        self.segments = segments  # [(start, end)] of its PT_LOAD segments, as mapped
        self.dynamic = dynamic  # address of its dynamic section, or None
        self.is_executable = False

    def contains(self, address):
        return any(start <= address < end for start, end in self.segments)


class _PhdrInfo(ctypes.Structure):
    _fields_ = [("dlpi_addr", ctypes.c_size_t), ("dlpi_name", ctypes.c_char_p),
                ("dlpi_phdr", ctypes.c_void_p), ("dlpi_phnum", ctypes.c_uint16)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_PhdrInfo), ctypes.c_size_t,
                             ctypes.c_void_p)


def _program_headers(info):
    headers = []
    for i in range(info.dlpi_phnum):
        fields = memory.unpack(PHDR_FORMAT, info.dlpi_phdr + i * PHDR_SIZE)
        if memory.ELF64:
            p_type, _flags, _offset, p_vaddr, _paddr, _filesz, p_memsz, _align = fields
        else:
            p_type, _offset, p_vaddr, _paddr, _filesz, p_memsz, _flags, _align = fields
        headers.append((p_type, p_vaddr, p_memsz))
    return headers


def _executable_path():
    try:
        return os.path.realpath("/proc/self/exe")
    except OSError:
        return os.path.realpath(sys.executable)


def loaded_objects():
    """Every loaded object with a dynamic section (the vDSO included, it has one)."""
    found = []

    def visit(info_pointer, _size, _data):
        info = info_pointer.contents
        name = (info.dlpi_name or b"").decode("utf-8", "surrogateescape")
        segments, dynamic = [], None
        for p_type, p_vaddr, p_memsz in _program_headers(info):
            if p_type == PT_LOAD:
                start = info.dlpi_addr + p_vaddr
                segments.append((start, start + p_memsz))
            elif p_type == PT_DYNAMIC:
                dynamic = info.dlpi_addr + p_vaddr
        first = not found
        path = name if name else (_executable_path() if first else "")
        if path and dynamic is not None:
            item = LoadedObject(path, info.dlpi_addr, segments, dynamic)
            item.is_executable = first and not name
            found.append(item)
        elif first:
            found.append(None)  # keeps "first" meaning the executable
        return 0

    libc = ctypes.CDLL(None)
    libc.dl_iterate_phdr.argtypes = [_CALLBACK, ctypes.c_void_p]
    libc.dl_iterate_phdr(_CALLBACK(visit), None)
    return [item for item in found if item is not None]
