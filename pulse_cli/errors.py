"""Turning application errors into clear command-line messages and exit codes."""
from __future__ import annotations

import functools

import click

from chalicelib.domain.errors import InvalidInput, PulseError, StorageUnavailable


def report_errors(command):
    """Decorator: InvalidInput lists every problem (exit 2); other errors print one line (exit 1)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InvalidInput as error:
            only = error.problems[0] if len(error.problems) == 1 else None
            if only is not None and error.summary == f"{only.field}: {only.message}":
                click.secho(f"error: {error.summary}", fg="red", err=True)  # once, not twice
            else:
                click.secho(f"error: {error.summary}", fg="red", err=True)
                for problem in error.problems:
                    click.echo(f"  {problem.field}: {problem.message}", err=True)
            raise SystemExit(2) from None
        except StorageUnavailable as error:
            click.secho(f"error: {error} (is DynamoDB Local running? start it with `make run`)",
                        fg="red", err=True)
            raise SystemExit(1) from None
        except PulseError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            raise SystemExit(1) from None
    return wrapper
