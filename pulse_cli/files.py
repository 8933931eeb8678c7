"""Reading input files with errors that name the file and line."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from chalicelib.domain.errors import FieldProblem, InvalidInput


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(FieldProblem(str(path), f"is not UTF-8 text (byte {error.start})")) from None
    except OSError as error:
        raise InvalidInput(FieldProblem(str(path), error.strerror or "cannot be read")) from None


def load_definition(path: Path) -> dict:
    """Load a survey definition from YAML (.yaml/.yml) or JSON (.json)."""
    text = read_text(path)
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(FieldProblem(f"{path}: line {error.lineno}", error.msg)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}: line {mark.line + 1}" if mark else str(path)
        raise InvalidInput(FieldProblem(where, getattr(error, "problem", None) or "invalid YAML")) from None
