"""The CLI speaks the program's language: labels of tiers, regions, types and programs, in the
program's order (top tier first, as the dashboard and the report list them)."""
from __future__ import annotations

PROGRAM_DIMENSIONS = {"tier": "tier", "region": "region", "partner_type": "partner_type",
                      "partner_types": "partner_type", "program": "program", "programs": "program"}


def current(repos):
    from chalicelib.services.program import current_program

    return current_program(repos)


def label(program, dimension: str, value) -> str:
    """The program's label of a value (the value itself for other dimensions or without a program)."""
    if program is None or dimension not in PROGRAM_DIMENSIONS:
        return str(value)
    return program.label(PROGRAM_DIMENSIONS[dimension], value)


def rank(program, dimension: str, value) -> tuple:
    """Sort key: the program's order (tiers top first); values it does not list last, by name."""
    if program is None or dimension not in PROGRAM_DIMENSIONS:
        return (0, 0, str(value))
    ids = program.ids(PROGRAM_DIMENSIONS[dimension])
    if value not in ids:
        return (1, 0, str(value))
    index = ids.index(value)
    return (0, -index if dimension == "tier" else index, "")
