"""Reading this process's own memory: the ELF structures the dynamic linker has mapped."""
import ctypes
import struct

POINTER_SIZE = ctypes.sizeof(ctypes.c_void_p)
ELF64 = POINTER_SIZE == 8


def read_bytes(address, size):
    return ctypes.string_at(address, size)


def read_word(address):
    """One pointer-sized unsigned word (an ElfW(Addr), a GOT slot)."""
    return ctypes.c_size_t.from_address(address).value


def read_u32(address):
    return ctypes.c_uint32.from_address(address).value


def unpack(fmt, address):
    return struct.unpack(fmt, read_bytes(address, struct.calcsize(fmt)))
