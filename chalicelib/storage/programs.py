"""The applied partner program. Item: PK ``PROGRAM``, SK ``VERSION#<000003>``; immutable once written.

The applied program is the highest stored version (one query, newest first, limit 1).
"""
from __future__ import annotations

import json

from chalicelib.domain.errors import VersionConflict
from chalicelib.domain.program import Program, parse_program_definition

from .table import DynamoTable

PROGRAM_PK = "PROGRAM"


def _sk(version: int) -> str:
    return f"VERSION#{version:06d}"


class DynamoProgramRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def apply(self, program: Program, now: str) -> str:
        """Store a version and make it current: 'created', 'unchanged' or VersionConflict."""
        current = self.current()
        definition_json = json.dumps(program.to_dict(), sort_keys=True, ensure_ascii=False)
        if current is not None and program.version < current.version:
            raise VersionConflict(f"program version {current.version} is applied; give the changed "
                                  f"definition a version above {current.version}")
        item = {"PK": PROGRAM_PK, "SK": _sk(program.version), "type": "program_version",
                "version": program.version, "definition": definition_json, "applied_at": now}
        if self.table.put(item, condition="attribute_not_exists(PK)"):
            return "created"
        existing = self.table.get(PROGRAM_PK, item["SK"])
        if existing and existing["definition"] == definition_json:
            return "unchanged"
        raise VersionConflict(f"program version {program.version} is applied and immutable; "
                              f"give the changed definition a new version number")

    def current(self) -> Program | None:
        """The applied program (highest version), or None when none was applied."""
        items, _ = self.table.query(PROGRAM_PK, sk_prefix="VERSION#", page_size=1, forward=False)
        if not items:
            return None
        return parse_program_definition(json.loads(items[0]["definition"]))
