"""Build the deployment package once per session, cached under build/ by a hash of its inputs."""
from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ("requirements.txt", "app.py", "chalicelib", "analysis", "deploy", ".chalice/config.json",
          ".chalice/policies")


def inputs_digest() -> str:
    """sha256 over every file that goes into the package or the template."""
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _packaged(stage: str) -> Path:
    from deploy.package import build

    out = ROOT / "build" / "test-package" / f"{stage}-{inputs_digest()}"
    if not (out / "sam.json").exists():
        for old in out.parent.glob(f"{stage}-*"):
            shutil.rmtree(old, ignore_errors=True)
        build(stage, out)
    return out


@pytest.fixture(scope="session")
def packaged_dev() -> Path:
    """Directory with sam.json, deployment.zip and layer-deployment.zip of the dev stage."""
    return _packaged("dev")


@pytest.fixture(scope="session")
def packaged_prod() -> Path:
    return _packaged("prod")


@pytest.fixture(scope="session")
def dev_template(packaged_dev) -> dict:
    return json.loads((packaged_dev / "sam.json").read_text())


@pytest.fixture(scope="session")
def unzipped_dev(packaged_dev, tmp_path_factory) -> list[Path]:
    """The function code and the layer unzipped into a clean directory, as Lambda lays them out:
    returns the sys.path entries (function root, then the layer's site-packages)."""
    target = tmp_path_factory.mktemp("lambda")
    with zipfile.ZipFile(packaged_dev / "deployment.zip") as archive:
        archive.extractall(target / "task")
    layer = target / "opt"
    with zipfile.ZipFile(packaged_dev / "layer-deployment.zip") as archive:
        archive.extractall(layer)
    return [target / "task", layer / "python" / "lib" / "python3.11" / "site-packages"]
