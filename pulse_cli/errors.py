"""Turning application errors into clear command-line messages and exit codes."""
from __future__ import annotations

import functools

import click

from chalicelib.domain.errors import InvalidInput, PulseError, StorageUnavailable

from .files import LOCATED


def format_problems(error: InvalidInput) -> str:
    """One line per problem. A problem located in a file reads ``FILE:LINE:COLUMN: path: message``
    (the compiler format editors understand); others ``error: field: message``. A count closes a
    list of several."""
    lines = []
    for problem in error.problems:
        located = LOCATED.match(problem.field)
        lines.append(f"{problem.field}: {problem.message}" if located else f"error: {problem.field}: {problem.message}")
    if not error.problems:
        lines.append(f"error: {error.summary}")
    elif len(error.problems) > 1:
        lines.append(f"error: {error.summary}")
    return "\n".join(lines)


def report_errors(command):
    """Decorator: InvalidInput lists every problem (exit 2); other errors print one line (exit 1)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InvalidInput as error:
            click.echo(format_problems(error), err=True)
            raise SystemExit(2) from None
        except StorageUnavailable as error:
            click.secho(f"error: {error} (is DynamoDB Local running? start it with `make run`)",
                        fg="red", err=True)
            raise SystemExit(1) from None
        except PulseError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            raise SystemExit(1) from None
    return wrapper
