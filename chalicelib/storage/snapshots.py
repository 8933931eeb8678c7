"""Results snapshots, written by the analysis job and read by the API and dashboard.

Items (all in the wave's partition, so one Query reads a part):
- PK ``WAVE#<id>``, SK ``SNAPSHOT#CURRENT``: pointer {version, built_at, parts: {name: chunks},
  sources: {name: version}}. ``sources`` names the parts a version carries over unchanged from an
  earlier one (the live update rewrites only what changed); other parts belong to ``version``.
- PK ``WAVE#<id>``, SK ``SNAPSHOT#<version>#<part>#<0000>``: ``data``, a slice of the part's
  JSON text of at most ``CHUNK_CHARS`` characters (far below the 400 KB item limit).

- PK ``SNAPSHOTS``, SK ``WAVE#<id>``: registry of waves that have a snapshot (the schedule
  refreshes the open ones; the dashboard lists them).
- PK ``SNAPSHOTS``, SK ``CHANGED#<id>``: when the wave's responses last changed (written by the
  live update; a snapshot whose version is older is rebuilt).

A refresh writes every chunk of a new version first and flips the pointer last (a conditional
write on the version it started from: ``SnapshotConflict`` when another writer flipped first), so
readers never see half a snapshot. Chunks no longer referenced are deleted after the flip, by
their computed keys.
"""
from __future__ import annotations

import json

from .table import DynamoTable

CHUNK_CHARS = 100_000
POINTER_SK = "SNAPSHOT#CURRENT"


def _pk(wave_id: str) -> str:
    return f"WAVE#{wave_id}"


class SnapshotConflict(Exception):
    """Another writer flipped the wave's pointer since this writer read it."""


def part_version(pointer: dict, name: str) -> str:
    """The version whose chunks hold part ``name`` of the snapshot ``pointer`` points at."""
    return (pointer.get("sources") or {}).get(name, pointer["version"])


def _chunk_keys(pointer: dict) -> set[str]:
    return {f"SNAPSHOT#{part_version(pointer, name)}#{name}#{i:04d}"
            for name, chunks in (pointer.get("parts") or {}).items() for i in range(int(chunks))}


class DynamoSnapshotStore:
    def __init__(self, table: DynamoTable):
        self.table = table

    def pointer(self, wave_id: str) -> dict | None:
        """The current snapshot's pointer item, or None when the wave has none yet."""
        return self.table.get(_pk(wave_id), POINTER_SK, consistent=False)

    def write(self, wave_id: str, version: str, built_at: str, parts: dict[str, object],
              keep: tuple[str, ...] | list[str] = (), expected: str | None = None, check: bool = False) -> dict:
        """Write every part as chunks, carry the ``keep`` parts of the current version over, then
        flip the pointer; returns the new pointer.

        ``check``: flip only if the current pointer is still version ``expected`` (None: no
        snapshot yet); otherwise delete this version's chunks and raise ``SnapshotConflict``.
        """
        previous = self.pointer(wave_id)
        if check and (previous or {}).get("version") != expected:
            raise SnapshotConflict(wave_id)
        items, counts, sources = [], {}, {}
        for name in keep:
            if previous and name in (previous.get("parts") or {}) and name not in parts:
                counts[name] = int(previous["parts"][name])
                sources[name] = part_version(previous, name)
        for name, value in parts.items():
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            chunks = [text[i:i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)] or [""]
            counts[name] = len(chunks)
            items += [{"PK": _pk(wave_id), "SK": f"SNAPSHOT#{version}#{name}#{i:04d}", "data": chunk}
                      for i, chunk in enumerate(chunks)]
        self.table.batch_put(items)
        pointer = {"PK": _pk(wave_id), "SK": POINTER_SK, "version": version, "built_at": built_at,
                   "parts": counts, "sources": sources, "wave_id": wave_id}
        if check:
            flipped = self.table.put(pointer, condition="attribute_not_exists(PK)" if expected is None
                                     else "version = :v", values=None if expected is None else {":v": expected})
            if not flipped:
                self._delete_keys(wave_id, [item["SK"] for item in items])
                raise SnapshotConflict(wave_id)
        else:
            self.table.put(pointer)
        self.table.put({"PK": "SNAPSHOTS", "SK": f"WAVE#{wave_id}", "wave_id": wave_id,
                        "version": version, "built_at": built_at})
        if previous and previous.get("version") != version:
            self._delete_keys(wave_id, sorted(_chunk_keys(previous) - _chunk_keys(pointer)))
        return pointer

    def read_part(self, wave_id: str, version: str, name: str) -> object:
        """One part of a snapshot version, reassembled from its chunks (``version``: ``part_version``)."""
        chunks = self.table.query_all(_pk(wave_id), sk_prefix=f"SNAPSHOT#{version}#{name}#")
        return json.loads("".join(item["data"] for item in chunks))

    def _delete_keys(self, wave_id: str, keys: list[str]) -> None:
        for start in range(0, len(keys), 25):
            self.table.call("batch_write_item", RequestItems={self.table.name: [
                {"DeleteRequest": {"Key": {"PK": {"S": _pk(wave_id)}, "SK": {"S": sk}}}}
                for sk in keys[start:start + 25]]})

    def mark_changed(self, wave_id: str, changed_at: str) -> None:
        """Record that a wave's responses changed at ``changed_at`` (PK ``SNAPSHOTS``, SK ``CHANGED#<id>``)."""
        self.table.put({"PK": "SNAPSHOTS", "SK": f"CHANGED#{wave_id}", "wave_id": wave_id,
                        "changed_at": changed_at},
                       condition="attribute_not_exists(changed_at) OR changed_at < :c",
                       values={":c": changed_at})  # never move the mark backwards

    def changed_waves(self) -> list[dict]:
        """Waves whose responses changed: [{wave_id, changed_at}] (the live refresh rebuilds them)."""
        return [{"wave_id": i["wave_id"], "changed_at": i["changed_at"]}
                for i in self.table.query_all("SNAPSHOTS", sk_prefix="CHANGED#")]

    def registered_waves(self) -> list[dict]:
        """Waves with a snapshot: [{wave_id, version, built_at}], newest build first."""
        items = list(self.table.query_all("SNAPSHOTS", sk_prefix="WAVE#"))
        return sorted(({k: i[k] for k in ("wave_id", "version", "built_at")} for i in items),
                      key=lambda i: i["built_at"], reverse=True)
