"""Waves. Item: PK ``WAVE#<id>``, SK ``WAVE``; GSI1 ``SURVEY#<id>#WAVES`` by opening time."""
from __future__ import annotations

from chalicelib.domain.errors import VersionConflict, WaveNotFound
from chalicelib.domain.waves import CLOSED, OPEN, Wave

from .table import DynamoTable

FIELDS = ("wave_id", "survey_id", "survey_version", "status", "opens_at", "closes_at", "closed_at", "audience", "title")


def wave_key(wave_id: str) -> tuple[str, str]:
    return f"WAVE#{wave_id}", "WAVE"


def wave_from_item(item: dict) -> Wave:
    return Wave(**{name: item.get(name) for name in FIELDS})


class DynamoWaveRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def add(self, wave: Wave) -> None:
        pk, sk = wave_key(wave.wave_id)
        item = {"PK": pk, "SK": sk, "type": "wave", "GSI1PK": f"SURVEY#{wave.survey_id}#WAVES",
                "GSI1SK": wave.opens_at, **{name: getattr(wave, name) for name in FIELDS}}
        if not self.table.put(item, condition="attribute_not_exists(PK)"):
            raise VersionConflict(f"wave {wave.wave_id} already exists")

    def get(self, wave_id: str) -> Wave:
        item = self.table.get(*wave_key(wave_id))
        if not item:
            raise WaveNotFound(f"no wave {wave_id}")
        return wave_from_item(item)

    def close(self, wave_id: str, now: str) -> bool:
        """Close an open wave; False if it was already closed."""
        pk, sk = wave_key(wave_id)
        return self.table.update(
            pk, sk, "SET #status = :closed, closed_at = :now",
            {":closed": CLOSED, ":now": now, ":open": OPEN},
            condition="#status = :open", names={"#status": "status"})

    def extend(self, wave_id: str, closes_at: str) -> bool:
        """Set a new closing instant; reopens a closed wave. False when the wave does not exist."""
        pk, sk = wave_key(wave_id)
        return self.table.update(
            pk, sk, "SET #status = :open, closes_at = :closes REMOVE closed_at",
            {":open": OPEN, ":closes": closes_at}, condition="attribute_exists(PK)",
            names={"#status": "status"})

    def waves_of_survey(self, survey_id: str) -> list[Wave]:
        """Waves of a survey, oldest first."""
        return [wave_from_item(i) for i in self.table.query_all(f"SURVEY#{survey_id}#WAVES", index="GSI1")]
