"""Where a physical address lies in an ELF64 dump file, for the tests that
damage copies of real dumps on purpose (bt, log, mod, tasks)."""
import struct


def pt_loads(path):
    """(paddr, filesz, offset) of each PT_LOAD of a 64-bit ELF."""
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", eh, 0x36)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        typ, _, off, _, paddr, filesz = struct.unpack_from(
            "<IIQQQQ", ph, i * phentsize)
        if typ == 1:
            out.append((paddr, filesz, off))
    return out


def file_offset(loads, paddr, size=1):
    """The file offset of paddr..paddr+size, or None if not in the file."""
    for base, filesz, off in loads:
        if base <= paddr and paddr + size <= base + filesz:
            return off + paddr - base
    return None


def vtop_output_physical(lines):
    """The physical address vtop printed for its one address, or None."""
    for i, l in enumerate(lines):
        if l.split()[:2] == ["VIRTUAL", "PHYSICAL"] and i + 1 < len(lines):
            return int(lines[i + 1].split()[1], 16)
    return None
