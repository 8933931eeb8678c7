"""The partner program in use: apply a definition, read the applied one (or the default)."""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.program import DEFAULT_PROGRAM, Program, parse_program_definition
from chalicelib.domain.survey import Survey
from chalicelib.domain.waves import iso

from .ports import Repositories


def current_program(repos: Repositories) -> Program:
    """The applied program, or the default model when none was applied."""
    store = getattr(repos, "programs", None)
    applied = store.current() if store is not None else None
    return applied or DEFAULT_PROGRAM


def apply_program(repos: Repositories, definition: dict, now: datetime) -> tuple[Program, str]:
    """Validate and apply a program version: returns (program, 'created'|'unchanged')."""
    program = parse_program_definition(definition)
    return program, repos.programs.apply(program, iso(now))


def survey_program_problems(survey: Survey, program: Program) -> list[FieldProblem]:
    """Problems of a survey's ``program`` tags and partner conditions against a program."""
    from chalicelib.domain.logic import partner_values

    problems = []
    allowed = program.ids("program")
    dimension = {"tier": "tier", "region": "region", "programs": "program", "partner_types": "partner_type"}

    def check_condition(condition, path: str) -> None:
        for attribute, value in partner_values(condition):
            ids = program.ids(dimension[attribute])
            if ids and value not in ids:  # a dimension the program does not list is not restricted
                problems.append(FieldProblem(path, f"partner {attribute} '{value}' is not one of the applied "
                                                   f"program's values ({', '.join(ids)})"))

    for s, section in enumerate(survey.sections):
        check_condition(section.show_if, f"sections[{s}].show_if")
        for q, question in enumerate(section.questions):
            if question.program and allowed and question.program not in allowed:
                problems.append(FieldProblem(
                    f"sections[{s}].questions[{q}].program",
                    f"'{question.program}' is not an incentive program of the applied program "
                    f"({', '.join(allowed)})"))
            check_condition(question.show_if, f"sections[{s}].questions[{q}].show_if")
    return problems


def check_survey_against_program(survey: Survey, program: Program) -> None:
    """Raise InvalidInput when a survey refers to tiers, regions or programs the program lacks."""
    problems = survey_program_problems(survey, program)
    if problems:
        raise InvalidInput(problems, summary=f"survey definition has {len(problems)} problem(s) "
                                             f"against program version {program.version}")
