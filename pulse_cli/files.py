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


class _Loader(yaml.SafeLoader):
    """Safe YAML whose impossible dates (2026-02-30) are located errors, not a crash."""


def _timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a valid date",
                                                node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_definition(path: Path) -> dict:
    """Load a survey definition from YAML (.yaml/.yml) or JSON (.json)."""
    text = read_text(path)
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except json.JSONDecodeError as error:
        raise InvalidInput(FieldProblem(f"{path}:{error.lineno}:{error.colno}", error.msg)) from None
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


def _position_key(problem: FieldProblem) -> tuple:
    """Sort key of a located problem ``FILE:LINE:COLUMN: ...`` (unlocated ones last, in order)."""
    match = LOCATED.match(problem.field)
    return (0, int(match.group(2)), int(match.group(3))) if match else (1, 0, 0)


LOCATED = re.compile(r"^(.*):(\d+):(\d+)(?::|$)")


def _finish(error: InvalidInput, problems: list[FieldProblem]):
    problems = sorted(problems, key=_position_key)  # stable: same position keeps the validator's order
    summary = f"{len(problems)} problem(s)" if len(problems) > 1 else None
    return InvalidInput(problems, summary=summary)


@contextmanager
def located_problems(path: Path):
    """Re-raise InvalidInput from validating ``path`` as ``FILE:LINE:COLUMN: path: message``, once each,
    sorted by position. CSV files (partners, audience) go through :func:`located_csv_problems`."""
    if path.suffix.lower() == ".csv":
        with located_csv_problems(path):
            yield
        return
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
            where = _locate(problem.field, positions) or (1, 1)
            problems.append(FieldProblem(f"{path}:{where[0]}:{where[1]}: {problem.field}", problem.message))
        raise _finish(error, problems) from None


CSV_FIELD = re.compile(r"^line (\d+)(?:, column (.+))?$")
PARTNER_REF = re.compile(r"partner_id (\S+)$")


def _cell_starts(line: str) -> list[int]:
    """1-based character columns where each CSV cell of ``line`` starts (quotes respected)."""
    starts, quoted = [1], False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(i + 2)
    return starts


def csv_position(text: str, line: int, column: str | None) -> tuple[int, int]:
    """(line, character column) of a cell named by its header ``column`` on ``line``."""
    import csv

    lines = text.splitlines()
    if not column or not lines or not 1 <= line <= len(lines):
        return line, 1
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]), [])]
    if column.strip().lower() not in header:
        return line, 1
    starts = _cell_starts(lines[line - 1])
    index = header.index(column.strip().lower())
    return line, starts[index] if index < len(starts) else len(lines[line - 1]) + 1


@contextmanager
def located_csv_problems(path: Path):
    """Problems of a CSV file (``line 21, column tier`` or ``...: partner_id P9``) as
    ``FILE:LINE:COLUMN: column: message``, sorted by position. LINE is the physical line (1 is the
    header); COLUMN the character where the cell starts."""
    try:
        yield
    except InvalidInput as error:
        try:
            text = read_text(path)
        except InvalidInput:
            text = ""
        problems = []
        for problem in error.problems:
            located = CSV_FIELD.match(problem.field)
            reference = PARTNER_REF.search(problem.field)
            if problem.field.startswith(str(path)):
                problems.append(problem)
            elif located:
                line, column = csv_position(text, int(located.group(1)), located.group(2))
                name = f": {located.group(2)}" if located.group(2) else ""
                problems.append(FieldProblem(f"{path}:{line}:{column}{name}", problem.message))
            elif reference:  # an audience id the directory lacks: the line that lists it
                line = _line_listing(text, reference.group(1))
                problems.append(FieldProblem(f"{path}:{line}:1: partner_id", f"{reference.group(1)}: "
                                                                             f"{problem.message}"))
            else:
                problems.append(problem)
        raise _finish(error, problems) from None


def _line_listing(text: str, partner_id: str) -> int:
    """The physical line of the audience row listing ``partner_id`` (1 when not found)."""
    import csv

    lines = text.splitlines()
    header = [h.strip().lower() for h in next(csv.reader(lines[:1]), [])]
    index = header.index("partner_id") if "partner_id" in header else 0
    for number, row in enumerate(csv.reader(lines[1:]), start=2):
        if len(row) > index and row[index].strip() == partner_id:
            return number
    return 1
