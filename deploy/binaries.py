"""Check that every compiled library in a package loads on the Lambda runtime we target.

Target: ``python3.11`` on Amazon Linux 2 (glibc 2.26, GCC 7 libstdc++). Three rules, checked on
the built zips (``deployment.zip`` and every layer):

1. no wheel built on this machine: a ``*.dist-info/WHEEL`` whose tag is ``linux_*`` (not
   ``manylinux``/``musllinux``/``any``) means pip compiled an sdist here, against this machine's
   libraries;
2. no shared object needs a newer symbol version than the runtime has: ``GLIBC_x.y`` <= 2.26,
   ``GLIBCXX_3.4.n`` <= 3.4.24 and ``CXXABI_1.3.n`` <= 1.3.11 (``objdump -T``);
3. every ``NEEDED`` library (``readelf -d``) is either in the package (e.g. ``numpy.libs/``,
   ``pillow.libs/``) or in ``RUNTIME_LIBRARIES``, the libraries the Amazon Linux 2 Lambda base
   image provides to every function (glibc's family, libgcc_s, libstdc++, zlib).

Needs binutils (``objdump``, ``readelf``) on the build machine.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

RUNTIME = "python3.11"
RUNTIME_GLIBC = (2, 26)
RUNTIME_GLIBCXX = (3, 4, 24)   # GCC 7.3 (Amazon Linux 2)
RUNTIME_CXXABI = (1, 3, 11)
# Shared libraries every function can load from the Amazon Linux 2 base image (/lib64).
RUNTIME_LIBRARIES = frozenset({
    "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
    "libutil.so.1", "libcrypt.so.1", "libresolv.so.2", "libnsl.so.1",
    "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1",
})
_VERSION = re.compile(r"\b(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+)*)\b")
_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")
_LIMITS = {"GLIBC": RUNTIME_GLIBC, "GLIBCXX": RUNTIME_GLIBCXX, "CXXABI": RUNTIME_CXXABI}


@dataclass(frozen=True)
class Problem:
    """One reason a zip would not load on the runtime."""

    archive: str
    member: str
    reason: str

    def __str__(self) -> str:
        return f"{self.archive}:{self.member}: {self.reason}"


def _is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def wheel_tag_problems(archive: str, names: list[str], read) -> list[Problem]:
    """Wheels whose tag says they were built on this machine (``linux_x86_64``)."""
    problems = []
    for name in names:
        if not name.endswith(".dist-info/WHEEL"):
            continue
        tags = [line.split(":", 1)[1].strip() for line in read(name).decode("utf-8", "replace").splitlines()
                if line.startswith("Tag:")]
        local = [t for t in tags if t.split("-")[-1].startswith("linux_")]
        if local:
            problems.append(Problem(archive, name, f"wheel built locally ({', '.join(local)}); "
                                                   "pin a version with a manylinux wheel for this runtime"))
    return problems


def required_versions(objdump_text: str) -> dict[str, tuple[int, ...]]:
    """The highest GLIBC/GLIBCXX/CXXABI version each family is referenced with."""
    found: dict[str, tuple[int, ...]] = {}
    for family, version in _VERSION.findall(objdump_text):
        parsed = tuple(int(p) for p in version.split("."))
        if parsed > found.get(family, ()):
            found[family] = parsed
    return found


def needed_libraries(readelf_text: str) -> list[str]:
    """The ``NEEDED`` entries of ``readelf -d`` output."""
    return _NEEDED.findall(readelf_text)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} not found: install binutils to check the package's binaries")
    return path


def elf_problems(archive: str, member: str, path: Path, provided: set[str]) -> list[Problem]:
    """Symbol-version and NEEDED problems of one shared object."""
    problems = []
    dynsyms = subprocess.run([_tool("objdump"), "-T", str(path)], capture_output=True, text=True, check=False)
    for family, version in sorted(required_versions(dynsyms.stdout).items()):
        if version > _LIMITS[family]:
            have = ".".join(map(str, _LIMITS[family]))
            problems.append(Problem(archive, member, f"needs {family}_{'.'.join(map(str, version))}, "
                                                     f"{RUNTIME} (Amazon Linux 2) has {have}"))
    dynamic = subprocess.run([_tool("readelf"), "-d", str(path)], capture_output=True, text=True, check=False)
    for library in needed_libraries(dynamic.stdout):
        if library not in RUNTIME_LIBRARIES and library not in provided:
            problems.append(Problem(archive, member, f"needs {library}, which neither the runtime "
                                                     "nor the package provides"))
    return problems


def check_archives(paths: list[Path]) -> list[Problem]:
    """Every problem in these zips (checked together: a layer may provide a library the code needs)."""
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="pulse-binaries-") as tmp:
        extracted: list[tuple[str, str, Path]] = []
        provided: set[str] = set()
        for index, zip_path in enumerate(paths):
            with zipfile.ZipFile(zip_path) as archive:
                names = archive.namelist()
                problems += wheel_tag_problems(zip_path.name, names, archive.read)
                for name in names:
                    base = name.rsplit("/", 1)[-1]
                    if ".so" not in base or name.endswith("/"):
                        continue
                    target = Path(tmp) / str(index) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
                    if _is_elf(target):
                        provided.add(base)
                        extracted.append((zip_path.name, name, target))
        for archive_name, member, target in extracted:
            problems += elf_problems(archive_name, member, target, provided)
    return problems


def shared_object_count(paths: list[Path]) -> int:
    """How many ELF shared objects the zips carry (for the build summary)."""
    count = 0
    for zip_path in paths:
        with zipfile.ZipFile(zip_path) as archive:
            count += sum(1 for n in archive.namelist() if re.search(r"\.so(\.\d+)*$", n))
    return count
