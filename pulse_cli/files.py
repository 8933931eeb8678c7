"""Reading input files with errors that name the file and line."""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
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
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InvalidInput(FieldProblem(where, getattr(error, "problem", None) or "invalid YAML")) from None


def _walk(node, path: str, out: dict[str, tuple[int, int]], force: bool = True) -> None:
    """Record (line, column) of every mapping key and sequence item under ``path``."""
    def put(key: str, mark) -> None:
        if force or key not in out:
            out[key] = (mark.line + 1, mark.column + 1)

    if isinstance(node, yaml.MappingNode):
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merges.append(value_node)
                continue
            child = f"{path}.{key_node.value}" if path else str(key_node.value)
            put(child, key_node.start_mark)
            _walk(value_node, child, out, force)
        for merged in merges:  # keys merged from an anchor: only where not given explicitly
            for item in (merged.value if isinstance(merged, yaml.SequenceNode) else [merged]):
                _walk(item, path, out, force=False)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            put(child, item.start_mark)
            _walk(item, child, out, force)


def yaml_positions(text: str) -> dict[str, tuple[int, int]]:
    """Map of problem paths (``sections[1].questions[0].scale``) to (line, column) in YAML text."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, tuple[int, int]] = {}
    if root is not None:
        out["(root)"] = (root.start_mark.line + 1, root.start_mark.column + 1)
        _walk(root, "", out)
    return out


def _locate(field: str, positions: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
    """Position of a path, or of its nearest enclosing path that exists in the file."""
    while field:
        if field in positions:
            return positions[field]
        shorter = re.sub(r"(\.[^.\[\]]*|\[\d+\])$", "", field)
        if shorter == field:
            break
        field = shorter
    return positions.get("(root)")


@contextmanager
def located_problems(path: Path):
    """Re-raise InvalidInput from validating ``path`` with ``file:line:column`` on each problem, once each."""
    try:
        yield
    except InvalidInput as error:
        positions = {}
        if path.suffix.lower() in (".yaml", ".yml"):
            try:
                positions = yaml_positions(read_text(path))
            except InvalidInput:
                positions = {}
        problems, seen = [], set()
        for problem in error.problems:
            if (problem.field, problem.message) in seen:
                continue
            seen.add((problem.field, problem.message))
            if problem.field.startswith(str(path)):  # already located (a YAML/JSON syntax error)
                problems.append(problem)
                continue
            where = _locate(problem.field, positions)
            prefix = f"{path}:{where[0]}:{where[1]}" if where else str(path)
            problems.append(FieldProblem(f"{prefix}: {problem.field}", problem.message))
        summary = error.summary if len(problems) > 1 else None
        raise InvalidInput(problems, summary=summary) from None
