"""Build a stage: check the function table, render the merge template, run ``chalice package``.

Chalice only *warns* when a dependency has no Lambda-compatible wheel and then ships without
it; here that is an error, so a missing numpy/contourpy cannot reach AWS unnoticed.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import sync
from .functions import FUNCTIONS
from .names import API_HANDLER
from .template import STAGES, cognito_authorizer_names, merge_template

ROOT = sync.ROOT
MISSING_WHEELS = "Could not install dependencies"
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


class PackageError(RuntimeError):
    """The stage cannot be packaged as it is (message says what to do)."""


@dataclass(frozen=True)
class ArchiveSize:
    name: str
    zipped: int
    unzipped: int


def app_function_names(app) -> set[str]:
    """Chalice function names of every Lambda function the app declares."""
    found = {API_HANDLER} if app.routes else set()
    found.update(source.name for source in app.event_sources)
    found.update(function.name for function in app.pure_lambda_functions)
    return found


def check_function_table(app) -> None:
    """Every app function has a spec and the generated files match the specs."""
    missing = app_function_names(app) - {spec.name for spec in FUNCTIONS}
    if missing:
        raise PackageError(f"no FunctionSpec in deploy/functions.py for: {', '.join(sorted(missing))}")
    stale = sync.planned_changes(ROOT)
    if stale:
        listed = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        raise PackageError(f"generated files are stale ({listed}); run: python -m deploy sync")


def load_app():
    """Import app.py from the repository root (build time only)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app import app

    return app


def write_merge_template(stage: str, path: Path, app=None) -> Path:
    """Render the merge template of ``stage`` to ``path``."""
    app = app if app is not None else load_app()
    present = app_function_names(app)
    functions = tuple(spec for spec in FUNCTIONS if spec.name in present)
    template = merge_template(stage, functions, authorizers=cognito_authorizer_names(app),
                              binary_types=list(app.api.binary_types))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(template, indent=2) + "\n")
    return path


def build(stage: str, out_dir: Path) -> Path:
    """Package ``stage`` into ``out_dir`` (sam.json + zips); return the template path."""
    if stage not in STAGES:
        raise PackageError(f"unknown stage {stage!r}; deployable stages: {', '.join(STAGES)}")
    if not os.environ.get("AWS_DEFAULT_REGION"):
        raise PackageError("AWS_DEFAULT_REGION must be set (chalice package needs a region)")
    app = load_app()
    check_function_table(app)
    merge_path = write_merge_template(stage, out_dir.parent / f"merge-{stage}.json", app)
    shutil.rmtree(out_dir, ignore_errors=True)
    chalice = Path(sys.executable).with_name("chalice")
    result = subprocess.run(
        [str(chalice), "--project-dir", str(ROOT), "package", "--stage", stage,
         "--merge-template", str(merge_path), str(out_dir)],
        capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise PackageError(f"chalice package failed:\n{output}")
    if MISSING_WHEELS in output:
        raise PackageError(f"some dependencies have no Lambda (manylinux, cp311) wheel:\n{output}")
    from .layer_trim import trim_layer

    layer = out_dir / "layer-deployment.zip"
    if layer.exists():  # never-run files out of the layer: headroom (deploy/layer_trim.py)
        trim_layer(layer)
    check_binaries(out_dir)
    prune_chalice_cache()
    return out_dir / "sam.json"


def check_binaries(out_dir: Path) -> None:
    """Refuse a package whose compiled libraries would not load on the runtime (deploy.binaries)."""
    from .binaries import RUNTIME, check_archives

    problems = check_archives(sorted(out_dir.glob("*.zip")))
    if problems:
        listed = "\n".join(f"  {p}" for p in problems[:40])
        raise PackageError(f"{len(problems)} compiled file(s) would not load on {RUNTIME} "
                           f"(Amazon Linux 2, glibc 2.26):\n{listed}")


def prune_chalice_cache(keep: int = 2) -> None:
    """Chalice caches every built layer (~70 MB) under .chalice/deployments; keep the newest few."""
    cache = ROOT / ".chalice" / "deployments"
    for prefix in ("managed-layer-", "appcode-"):
        built = sorted(cache.glob(f"{prefix}*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in built[keep:]:
            old.unlink(missing_ok=True)


def archive_sizes(out_dir: Path) -> list[ArchiveSize]:
    """Zipped and unzipped size of every archive in a package directory."""
    sizes = []
    for path in sorted(out_dir.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        sizes.append(ArchiveSize(path.name, path.stat().st_size, unzipped))
    return sizes


def describe(out_dir: Path) -> str:
    """A short human summary: archives, total unzipped size against Lambda's limit, resources."""
    sizes = archive_sizes(out_dir)
    template = json.loads((out_dir / "sam.json").read_text())
    lines = [f"{s.name}: {s.zipped / 2**20:.1f} MiB zipped, {s.unzipped / 2**20:.1f} MiB unzipped" for s in sizes]
    total = sum(s.unzipped for s in sizes)
    lines.append(f"function + layer unzipped: {total / 2**20:.1f} MiB (Lambda limit 250 MiB, "
                 f"headroom {(LAMBDA_UNZIPPED_LIMIT - total) / 2**20:.1f} MiB)")
    from .layer_trim import size_budget

    lines += [f"  {name:32s} {size / 2**20:6.1f} MiB" for name, size in size_budget(out_dir) if size >= 2**19]
    lines.append(f"template resources: {len(template['Resources'])}")
    return "\n".join(lines)
