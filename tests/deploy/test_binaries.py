"""The binary check refuses what would not load on the python3.11 runtime (Amazon Linux 2).

Built on this machine (glibc newer than 2.26) with gcc: a library that references a GLIBC_2.34
symbol, and one that needs a library the zip does not carry. Skipped without gcc/binutils.
"""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from deploy.binaries import check_archives, needed_libraries, required_versions
from deploy.package import PackageError, check_binaries

pytestmark = pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("objdump") and shutil.which("readelf")),
                                reason="needs gcc and binutils")

MANYLINUX_WHEEL = "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-manylinux2014_x86_64\n"
LOCAL_WHEEL = "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n"


def _compile(tmp: Path, name: str, source: str, *flags: str) -> Path:
    (tmp / f"{name}.c").write_text(source)
    out = tmp / f"{name}.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O0", str(tmp / f"{name}.c"), "-o", str(out), *flags],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def libs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("elf")
    helper = _compile(tmp, "libhelper", "int helper(void) { return 1; }\n")
    plain = _compile(tmp, "plain", "int add(int a, int b) { return a + b; }\n")
    uses_helper = _compile(tmp, "useshelper", "int helper(void);\nint f(void) { return helper(); }\n",
                           f"-L{tmp}", "-Wl,--no-as-needed", "-lhelper")
    threads = _compile(tmp, "threads", "#include <pthread.h>\nstatic void *run(void *a) { return a; }\n"
                       "int start(void) { pthread_t t; return pthread_create(&t, 0, run, 0); }\n")
    return {"helper": helper, "plain": plain, "uses_helper": uses_helper, "threads": threads}


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


SITE = "python/lib/python3.11/site-packages/"


def test_a_clean_manylinux_layout_passes(libs, tmp_path):
    layer = _zip(tmp_path / "layer.zip", {
        SITE + "demo-1.0.dist-info/WHEEL": MANYLINUX_WHEEL,
        SITE + "demo/_plain.cpython-311-x86_64-linux-gnu.so": libs["plain"].read_bytes(),
        SITE + "demo/_uses.cpython-311-x86_64-linux-gnu.so": libs["uses_helper"].read_bytes(),
        SITE + "demo.libs/libhelper.so": libs["helper"].read_bytes()})
    assert check_archives([layer]) == []


def test_locally_built_wheel_newer_glibc_and_missing_library_are_each_reported(libs, tmp_path):
    if required_versions(subprocess.run(["objdump", "-T", str(libs["threads"])], capture_output=True,
                                        text=True).stdout).get("GLIBC", ()) <= (2, 26):
        pytest.skip("this machine's glibc is too old to produce a GLIBC_2.27+ reference")
    layer = _zip(tmp_path / "layer-deployment.zip", {
        SITE + "pillowish-13.0.dist-info/WHEEL": LOCAL_WHEEL,
        SITE + "pillowish/_imaging.cpython-311-x86_64-linux-gnu.so": libs["threads"].read_bytes(),
        SITE + "pillowish/_uses.cpython-311-x86_64-linux-gnu.so": libs["uses_helper"].read_bytes()})
    reasons = [p.reason for p in check_archives([layer])]
    assert any("wheel built locally (cp311-cp311-linux_x86_64)" in r for r in reasons), reasons
    assert any(r.startswith("needs GLIBC_2.3") and "has 2.26" in r for r in reasons), reasons
    assert any(r.startswith("needs libhelper.so") for r in reasons), reasons
    assert len(reasons) == 3

    with pytest.raises(PackageError, match="would not load on python3.11"):
        check_binaries(tmp_path)


def test_a_library_provided_by_another_zip_counts_as_provided(libs, tmp_path):
    code = _zip(tmp_path / "deployment.zip", {"ext/_uses.so": libs["uses_helper"].read_bytes()})
    layer = _zip(tmp_path / "layer.zip", {SITE + "x.libs/libhelper.so": libs["helper"].read_bytes()})
    assert check_archives([code]) != []
    assert check_archives([code, layer]) == []


def test_parsers():
    text = "0000 DF *UND* 0000 (GLIBC_2.2.5) memcpy\n0000 DF *UND* (GLIBC_2.34) pthread_create\n" \
           "0000 DF *UND* (GLIBCXX_3.4.21) x\n"
    assert required_versions(text) == {"GLIBC": (2, 34), "GLIBCXX": (3, 4, 21)}
    assert needed_libraries(" 0x1 (NEEDED)  Shared library: [libjpeg.so.62]\n") == ["libjpeg.so.62"]
