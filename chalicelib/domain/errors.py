"""Domain errors: each says what happened, never which HTTP status it becomes."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one named field (a JSON path, a CSV line/column, a file path)."""

    field: str
    message: str

    def to_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


class PulseError(Exception):
    """Base class of every error the application raises on purpose."""


class InvalidInput(PulseError):
    """Input from outside failed validation; carries every problem found."""

    def __init__(self, problems: list[FieldProblem] | FieldProblem, summary: str | None = None):
        self.problems = [problems] if isinstance(problems, FieldProblem) else list(problems)
        first = self.problems[0] if self.problems else None
        self.summary = summary or (f"{first.field}: {first.message}" if first else "invalid input")
        super().__init__(self.summary)


class NotFound(PulseError):
    """A thing asked for does not exist (or must not be revealed)."""


class InvitationNotFound(NotFound):
    """The invitation link is invalid, tampered with or unknown."""


class SurveyNotFound(NotFound):
    """No survey definition with that id (and version)."""


class WaveNotFound(NotFound):
    """No wave with that id."""


class WaveClosed(PulseError):
    """The wave no longer accepts answers."""

    def __init__(self, closes_at: str):
        self.closes_at = closes_at
        super().__init__(f"the survey closed on {closes_at}")


class InvitationUnavailable(PulseError):
    """The invitation was cancelled, withdrawn or has expired: it takes no response."""

    def __init__(self, state: str, language: str | None = None):
        self.state, self.language = state, language  # the contact's language, for the message
        super().__init__(f"this invitation was {state} and takes no response")


class AlreadySubmitted(PulseError):
    """A create-only submission found an existing response."""


class ConcurrentUpdate(PulseError):
    """Another writer changed the item first; the caller may retry."""


class StaleSave(PulseError):
    """A background save was built on an older version than the stored one: a newer save won."""


class VersionConflict(PulseError):
    """A published, immutable version would be changed."""


class StorageUnavailable(PulseError):
    """The database could not be reached or kept throttling; retry later."""

    def __init__(self, message: str = "storage temporarily unavailable", retry_after: int = 2):
        self.retry_after = retry_after
        super().__init__(message)
