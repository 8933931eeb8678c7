"""Write the files Chalice reads from the function table: policy files and per-function settings.

``.chalice/policies/<function>.json`` holds each function's policy; the ``dev`` and ``prod``
stages of ``.chalice/config.json`` get ``lambda_functions`` entries (memory, timeout, policy file).
``planned_changes()`` is empty when the repository matches ``deploy.functions.FUNCTIONS``.
"""
from __future__ import annotations

import json
from pathlib import Path

from .functions import FUNCTIONS, FunctionSpec, policy_document
from .template import STAGES

ROOT = Path(__file__).resolve().parents[1]


def _dump(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"


def lambda_functions(functions: tuple[FunctionSpec, ...] = FUNCTIONS) -> dict:
    """The ``lambda_functions`` block of a deployed stage."""
    return {spec.name: {"lambda_memory_size": spec.memory_mb, "lambda_timeout": spec.timeout_s,
                        "iam_policy_file": spec.policy_file} for spec in functions}


def expected_files(root: Path = ROOT, functions: tuple[FunctionSpec, ...] = FUNCTIONS) -> dict[Path, str]:
    """Every generated file and its content."""
    files = {root / ".chalice" / spec.policy_file: _dump(policy_document(spec)) for spec in functions}
    config_path = root / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    for stage in STAGES:
        config["stages"].setdefault(stage, {})["lambda_functions"] = lambda_functions(functions)
    files[config_path] = _dump(config)
    return files


def planned_changes(root: Path = ROOT) -> list[Path]:
    """Generated files that are missing or stale, plus policy files no function owns."""
    expected = expected_files(root)
    stale = [path for path, text in expected.items() if not path.exists() or path.read_text() != text]
    orphans = [path for path in (root / ".chalice" / "policies").glob("*.json") if path not in expected]
    return stale + orphans


def write(root: Path = ROOT) -> list[Path]:
    """Bring the generated files up to date; return what changed."""
    changed = planned_changes(root)
    expected = expected_files(root)
    for path in changed:
        if path in expected:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(expected[path])
        else:
            path.unlink()
    return changed
