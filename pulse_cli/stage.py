"""Apply a Chalice stage's environment variables, as ``chalice local`` does, for the CLI."""
from __future__ import annotations

import json
import os
from pathlib import Path

import click


def project_root() -> Path:
    """The repository root: where .chalice/config.json lives."""
    for candidate in (Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[1]):
        if (candidate / ".chalice" / "config.json").is_file():
            return candidate
    raise click.ClickException("cannot find .chalice/config.json; run pulse inside the project")


def apply_stage(stage: str) -> None:
    """Set the stage's variables unless the shell already set them (the shell wins for the CLI)."""
    config = json.loads((project_root() / ".chalice" / "config.json").read_text())
    if stage not in config.get("stages", {}):
        raise click.ClickException(f"no stage '{stage}' in .chalice/config.json")
    variables = {**config.get("environment_variables", {}),
                 **config["stages"][stage].get("environment_variables", {})}
    for name, value in variables.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("PULSE_STAGE", stage)
