"""Same-run baselines for the benchmarks: another revision's code extracted beside this tree, a script's
worker run in a fresh process on either, and the load average to print with the figures."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def extract_revision(revision: str, into: str | Path) -> Path:
    """The tree of ``revision`` (``git archive``) written into ``into``; returns that folder."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return Path(into)


@contextmanager
def trees(revision: str | None) -> Iterator[list[tuple[str, Path]]]:
    """(name, code folder) of the trees to compare: ``revision`` extracted into a temporary folder
    first, when given, then this tree."""
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        yield ([(f"baseline {revision}", extract_revision(revision, tmp))] if revision else []) + [("this tree", ROOT)]


def run_worker(script: str | Path, code: Path, args: list[str], python_path: list[Path] = ()) -> dict:
    """``script --worker ARGS`` in a fresh process importing ``analysis`` from ``code``; its last stdout
    line as JSON (which must name ``code`` as where ``analysis`` came from)."""
    path = os.pathsep.join(str(p) for p in [code, *python_path])
    env = {**os.environ, "PYTHONPATH": path, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    out = subprocess.run([sys.executable, str(Path(script).resolve()), "--worker", *args], env=env, cwd=code,
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if Path(result["code"]) != code.resolve():
        raise SystemExit(f"the worker imported analysis from {result['code']}, not {code}")
    return result


def load() -> str:
    """The 1, 5 and 15 minute load averages, as text."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
