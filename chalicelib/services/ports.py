"""The repositories a use case may need, bundled so entry points pass one object."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Repositories:
    """Role-named stores; built in wiring.py (DynamoDB) or by tests."""

    surveys: Any
    partners: Any
    waves: Any
    invitations: Any
    responses: Any
    health: Any = None
    programs: Any = None  # the applied partner program; None: always the default
