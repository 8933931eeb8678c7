"""Survey definitions. Item: PK ``SURVEY#<id>``, SK ``VERSION#<000003>``; immutable once written.

GSI1 ``SURVEYS`` / ``SURVEY#<id>#VERSION#<000003>`` lists every published version (``survey list``).
"""
from __future__ import annotations

import json

from chalicelib.domain.errors import SurveyNotFound, VersionConflict
from chalicelib.domain.survey import Survey, parse_survey_definition

from .table import DynamoTable


def _sk(version: int) -> str:
    return f"VERSION#{version:06d}"


class DynamoSurveyRepository:
    def __init__(self, table: DynamoTable):
        self.table = table
        self._versions: dict[tuple[str, int], Survey] = {}  # published versions never change

    def publish(self, survey: Survey, now: str) -> str:
        """Store a version; 'created', 'unchanged' (same content) or VersionConflict."""
        definition_json = json.dumps(survey.to_dict(), sort_keys=True, ensure_ascii=False)
        item = {"PK": f"SURVEY#{survey.id}", "SK": _sk(survey.version), "type": "survey_version",
                "GSI1PK": "SURVEYS", "GSI1SK": f"SURVEY#{survey.id}#{_sk(survey.version)}",
                "survey_id": survey.id, "version": survey.version,
                "definition": definition_json, "published_at": now}
        if self.table.put(item, condition="attribute_not_exists(PK)"):
            return "created"
        existing = self.table.get(item["PK"], item["SK"])
        if existing and existing["definition"] == definition_json:
            return "unchanged"
        raise VersionConflict(
            f"survey {survey.id} version {survey.version} is published and immutable; "
            f"give the changed definition a new version number")

    def get(self, survey_id: str, version: int | None = None) -> Survey:
        """A version of a survey (the latest when version is None); cached per process."""
        if version is None:
            items, _ = self.table.query(f"SURVEY#{survey_id}", sk_prefix="VERSION#",
                                        page_size=1, forward=False)
            item = items[0] if items else None
        elif (survey_id, version) in self._versions:
            return self._versions[(survey_id, version)]
        else:
            item = self.table.get(f"SURVEY#{survey_id}", _sk(version), consistent=False)
        if not item:
            raise SurveyNotFound(f"no survey {survey_id}" + (f" version {version}" if version else ""))
        survey = parse_survey_definition(json.loads(item["definition"]))
        self._versions[(survey.id, survey.version)] = survey
        return survey

    def versions(self) -> list[dict]:
        """Every published version: survey_id, version, published_at (by id, then version)."""
        return [{"survey_id": i["survey_id"], "version": i["version"], "published_at": i.get("published_at")}
                for i in self.table.query_all("SURVEYS", index="GSI1")]
