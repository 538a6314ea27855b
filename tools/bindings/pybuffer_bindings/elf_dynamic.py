"""An object's dynamic symbols and dynamic relocations, read from its mapped image: exactly
what the dynamic linker works from (the file on disk may have changed since)."""
import platform
import struct

from pybuffer_bindings import memory

DT_NULL, DT_PLTRELSZ, DT_HASH, DT_STRTAB, DT_SYMTAB = 0, 2, 4, 5, 6
DT_RELA, DT_RELASZ, DT_STRSZ, DT_SYMBOLIC = 7, 8, 10, 16
DT_REL, DT_RELSZ, DT_PLTREL, DT_JMPREL, DT_FLAGS = 17, 18, 20, 23, 30
DT_GNU_HASH = 0x6FFFFEF5
DF_SYMBOLIC = 0x2
SHN_UNDEF = 0
STV_PROTECTED = 3
STT_FUNC, STT_GNU_IFUNC = 2, 10

WORD = memory.POINTER_SIZE
SYM_SIZE = 24 if memory.ELF64 else 16
RELA_SIZE = 3 * WORD
REL_SIZE = 2 * WORD

# The relocation types that fill a slot with a symbol's address, by machine: the PLT's
# (bound lazily unless LD_BIND_NOW or -z now) and the others (bound at load time).
PLT, ADDRESS = "plt", "address"
RELOCATION_TYPES = {
    "x86_64": {1: ("64", ADDRESS), 6: ("GLOB_DAT", ADDRESS), 7: ("JUMP_SLOT", PLT)},
    "aarch64": {257: ("ABS64", ADDRESS), 1025: ("GLOB_DAT", ADDRESS), 1026: ("JUMP_SLOT", PLT)},
    "i386": {1: ("32", ADDRESS), 6: ("GLOB_DAT", ADDRESS), 7: ("JUMP_SLOT", PLT)},
    "ppc64le": {38: ("ADDR64", ADDRESS), 20: ("GLOB_DAT", ADDRESS), 21: ("JMP_SLOT", PLT)},
}
_MACHINE_ALIASES = {"amd64": "x86_64", "i686": "i386", "i586": "i386", "arm64": "aarch64"}
_MACHINE = _MACHINE_ALIASES.get(platform.machine(), platform.machine())
SLOT_TYPES = RELOCATION_TYPES.get(_MACHINE, {})


class Symbol:
    def __init__(self, name, value, info, other, shndx):
        self.name = name
        self.value = value
        self.type = info & 0xF
        self.visibility = other & 0x3
        self.defined = shndx != SHN_UNDEF

    def defines_function(self):
        return self.defined and self.type in (STT_FUNC, STT_GNU_IFUNC)


class Relocation:
    """A dynamic relocation against a named symbol: the slot at `slot` receives its address."""

    def __init__(self, symbol, slot, type_code, addend):
        self.symbol = symbol
        self.slot = slot
        self.type_name, self.kind = SLOT_TYPES.get(type_code, ("type %d" % type_code, None))
        self.fills_slot = self.kind is not None
        self.addend = addend


class DynamicInfo:
    """The parts of one object's dynamic section that decide its bindings."""

    def __init__(self, loaded):
        self._object = loaded
        self.entries = {}
        address = loaded.dynamic
        while True:
            tag, value = memory.read_word(address), memory.read_word(address + WORD)
            if tag == DT_NULL:
                break
            self.entries.setdefault(tag, value)
            address += 2 * WORD
        self.symbolic = DT_SYMBOLIC in self.entries or bool(
            self.entries.get(DT_FLAGS, 0) & DF_SYMBOLIC)
        self._strings = None
        self._symbol_cache = {}

    def _address(self, tag):
        """The mapped address of a d_ptr entry. glibc rewrites these to absolute addresses
        where the dynamic section is writable, and leaves them relative elsewhere (the
        vDSO, some architectures): whichever lies inside the object is the one."""
        value = self.entries.get(tag)
        if value is None:
            return None
        if self._object.contains(value):
            return value
        return self._object.base + value

    def _string(self, offset):
        if self._strings is None:
            self._strings = memory.read_bytes(self._address(DT_STRTAB), self.entries[DT_STRSZ])
        end = self._strings.index(b"\0", offset)
        return self._strings[offset:end].decode("utf-8", "surrogateescape")

    def symbol(self, index):
        cached = self._symbol_cache.get(index)
        if cached is None:
            address = self._address(DT_SYMTAB) + index * SYM_SIZE
            if memory.ELF64:
                name, info, other, shndx, value, _size = memory.unpack("=IBBHQQ", address)
            else:
                name, value, _size, info, other, shndx = memory.unpack("=IIIBBH", address)
            cached = Symbol(self._string(name), value, info, other, shndx)
            self._symbol_cache[index] = cached
        return cached

    def symbol_count(self):
        """From DT_HASH's nchain, else by walking DT_GNU_HASH's last chain to its end."""
        sysv = self._address(DT_HASH)
        if sysv is not None:
            return memory.read_u32(sysv + 4)
        gnu = self._address(DT_GNU_HASH)
        if gnu is None:
            return 0
        nbuckets, symoffset, bloom_size, _shift = memory.unpack("=IIII", gnu)
        buckets = gnu + 16 + bloom_size * WORD
        last = max([memory.read_u32(buckets + 4 * i) for i in range(nbuckets)] or [0])
        if last < symoffset:
            return symoffset
        chain = buckets + 4 * nbuckets
        while not memory.read_u32(chain + 4 * (last - symoffset)) & 1:
            last += 1
        return last + 1

    def defined_functions(self, names):
        """The names of `names` this object defines and exports, with their symbols."""
        if DT_SYMTAB not in self.entries or DT_STRTAB not in self.entries:
            return {}
        found = {}
        for index in range(1, self.symbol_count()):
            symbol = self.symbol(index)
            if symbol.name in names and symbol.defines_function():
                found[symbol.name] = symbol
        return found

    def relocations(self, names):
        """Every dynamic relocation (DT_RELA/DT_REL and DT_JMPREL) against one of `names`."""
        tables = []
        if DT_RELA in self.entries:
            tables.append((DT_RELA, self.entries.get(DT_RELASZ, 0), True))
        if DT_REL in self.entries:
            tables.append((DT_REL, self.entries.get(DT_RELSZ, 0), False))
        if DT_JMPREL in self.entries:
            tables.append((DT_JMPREL, self.entries.get(DT_PLTRELSZ, 0),
                           self.entries.get(DT_PLTREL, DT_RELA) == DT_RELA))
        found = []
        for tag, size, with_addend in tables:
            start, entry = self._address(tag), RELA_SIZE if with_addend else REL_SIZE
            table = memory.read_bytes(start, size)
            for offset in range(0, size - entry + 1, entry):
                found.extend(self._relocation(table, offset, with_addend, names))
        return found

    def _relocation(self, table, offset, with_addend, names):
        word = "Q" if memory.ELF64 else "I"
        fmt = "=" + word + word + (("q" if memory.ELF64 else "i") if with_addend else "")
        fields = struct.unpack_from(fmt, table, offset)
        r_offset, r_info = fields[0], fields[1]
        if memory.ELF64:
            index, type_code = r_info >> 32, r_info & 0xFFFFFFFF
        else:
            index, type_code = r_info >> 8, r_info & 0xFF
        if index == 0:
            return []
        symbol = self.symbol(index)
        if symbol.name not in names:
            return []
        addend = fields[2] if with_addend else 0
        return [Relocation(symbol, self._object.base + r_offset, type_code, addend)]
