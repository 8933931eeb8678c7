"""Action plans and program changes, in the one table.

Action: PK ``ACTION#<action id>``, SK ``ACTION``; GSI1PK ``ACTIONS``, GSI1SK
``<status>#<due date>#<action id>`` (all actions, or one status by due date, in one paginated
query; the overdue reminder reads the open statuses). Fields: see ``chalicelib.domain.actions``.
Updates are conditional on ``version`` (optimistic locking); creation on ``attribute_not_exists``.

Change: PK ``CHANGE#<change id>``, SK ``CHANGE``; GSI1PK ``CHANGES``, GSI1SK
``<effective date>#<change id>`` (every change by effective date). Fields: change_id,
description, effective, segments, metrics, actions, created_by, created_at; estimates,
estimated_at and estimate_key (the results they were computed from) once estimated; released_estimates,
released_at, released_key and released_waves (the estimates from closed waves only, which readers of
released copies see: ``services.change_estimates``); estimate_survey (the survey they are of).
No Scan anywhere: every list is a GSI1 query followed to the end.
"""
from __future__ import annotations

from chalicelib.domain.errors import ConcurrentUpdate

from .schema import GSI1
from .table import DynamoTable

KEYS = ("PK", "SK", "GSI1PK", "GSI1SK", "type")


def _public(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in KEYS}


def action_item(action: dict) -> dict:
    return {"PK": f"ACTION#{action['action_id']}", "SK": "ACTION", "type": "action",
            "GSI1PK": "ACTIONS", "GSI1SK": f"{action['status']}#{action['due']}#{action['action_id']}", **action}


class DynamoActionRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def add(self, action: dict) -> bool:
        """Store a new action; False when the id exists already."""
        return self.table.put(action_item(action), condition="attribute_not_exists(PK)")

    def get(self, action_id: str) -> dict | None:
        item = self.table.get(f"ACTION#{action_id}", "ACTION")
        return _public(item) if item else None

    def replace(self, action: dict, expected_version: int) -> None:
        if not self.table.put(action_item(action), condition="version = :v", values={":v": expected_version}):
            raise ConcurrentUpdate("the action changed meanwhile; reload and try again")

    def all(self, status: str | None = None) -> list[dict]:
        """Every action (or those in one status), by status then due date."""
        return [_public(i) for i in self.table.query_all("ACTIONS", index=GSI1,
                                                         sk_prefix=f"{status}#" if status else None)]


class DynamoChangeRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def add(self, change: dict) -> bool:
        item = {"PK": f"CHANGE#{change['change_id']}", "SK": "CHANGE", "type": "change", "GSI1PK": "CHANGES",
                "GSI1SK": f"{change['effective']}#{change['change_id']}", **change}
        return self.table.put(item, condition="attribute_not_exists(PK)")

    def replace(self, change: dict) -> bool:
        """Overwrite a stored change (a program file's declaration that was edited)."""
        item = {"PK": f"CHANGE#{change['change_id']}", "SK": "CHANGE", "type": "change", "GSI1PK": "CHANGES",
                "GSI1SK": f"{change['effective']}#{change['change_id']}", **change}
        return self.table.put(item, condition="attribute_exists(PK)")

    def get(self, change_id: str) -> dict | None:
        item = self.table.get(f"CHANGE#{change_id}", "CHANGE")
        return _public(item) if item else None

    def set_estimates(self, change_id: str, estimates: list[dict], at: str, key: str = "",
                      survey_id: str | None = None) -> bool:
        """Store the change's latest effect estimates (``pulse changes estimate``, or a view that found
        the results moved: ``key`` says which results they are of, ``survey_id`` of which survey)."""
        survey = ", estimate_survey = :s" if survey_id else ""
        return self.table.update(f"CHANGE#{change_id}", "CHANGE",
                                 "SET estimates = :e, estimated_at = :t, estimate_key = :k" + survey,
                                 {":e": estimates, ":t": at, ":k": key, **({":s": survey_id} if survey_id else {})},
                                 condition="attribute_exists(PK)")

    def set_released_estimates(self, change_id: str, estimates: list[dict], at: str, key: str,
                               waves: list[str], survey_id: str) -> bool:
        """Store the change's estimates from closed waves only (``waves`` of ``survey_id``) for
        restricted readers."""
        return self.table.update(f"CHANGE#{change_id}", "CHANGE",
                                 "SET released_estimates = :e, released_at = :t, released_key = :k, "
                                 "released_waves = :w, estimate_survey = :s",
                                 {":e": estimates, ":t": at, ":k": key, ":w": waves, ":s": survey_id},
                                 condition="attribute_exists(PK)")

    def all(self) -> list[dict]:
        """Every change, by effective date."""
        return [_public(i) for i in self.table.query_all("CHANGES", index=GSI1)]
