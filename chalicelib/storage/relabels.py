"""Bulk relabels of comments: one transaction writes every correction of a batch and its record.

Item: PK ``WAVE#<id>``, SK ``RELABEL#<batch id>``; fields batch_id, relabeled_by, relabeled_at,
change (label, add_themes, remove_themes), changes: [{comment_id, before, after}] where ``before``
is the comment's correction before the batch (None: the model's labels), and once undone
undone_by, undone_at. Corrections of the batch carry ``batch_id``; an undo puts back ``before``
(or marks the correction ``withdrawn`` when there was none), in one transaction too, so either
every comment of the batch changes or none does.
"""
from __future__ import annotations

from botocore.exceptions import ClientError

from chalicelib.domain.errors import ConcurrentUpdate

from .table import DynamoTable, error_code

MAX_ITEMS = 100  # DynamoDB's TransactWriteItems limit: the batch record + 99 corrections
RESTORED_FIELDS = ("label", "themes", "previous_label", "previous_themes", "corrected_by", "corrected_at",
                   "batch_id")


class AlreadyUndone(ConcurrentUpdate):
    """The batch was undone before: a second undo changes nothing."""


def _key(wave_id: str, comment_id: str) -> tuple[str, str]:
    return f"WAVE#{wave_id}", f"CORRECTION#{comment_id}"


def _summary(item: dict) -> dict:
    return {k: item.get(k) for k in ("label", "themes", "corrected_by", "corrected_at", "batch_id", "withdrawn")}


def _guard(item: dict | None) -> tuple[str, dict, dict]:
    """Condition that the correction item is still ``item`` (absent when None)."""
    if item is None:
        return "attribute_not_exists(PK)", {}, {}
    return "#at = :at AND #by = :by", {":at": item["corrected_at"], ":by": item["corrected_by"]}, \
        {"#at": "corrected_at", "#by": "corrected_by"}


class DynamoRelabelRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def current(self, wave_id: str, comment_ids: list[str]) -> dict[str, dict]:
        """The stored correction items (withdrawn ones included) of these comments, by comment id."""
        found: dict[str, dict] = {}
        keys = [_key(wave_id, cid) for cid in comment_ids]
        for start in range(0, len(keys), 100):
            for item in self.table.batch_get(keys[start:start + 100]).values():
                found[item["comment_id"]] = item
        return found

    def get(self, wave_id: str, batch_id: str) -> dict | None:
        return self.table.get(f"WAVE#{wave_id}", f"RELABEL#{batch_id}")

    def apply(self, wave_id: str, batch: dict, corrections: list[dict], existing: dict[str, dict]) -> None:
        """Write ``corrections`` (each tagged with the batch id) and the batch record, all or nothing.
        ``existing``: the correction items read before (``current``); a comment corrected since fails it."""
        if len(corrections) + 1 > MAX_ITEMS:
            raise ValueError("too many corrections for one transaction")
        actions = []
        for correction in corrections:
            pk, sk = _key(wave_id, correction["comment_id"])
            before = existing.get(correction["comment_id"])
            history = (before.get("history", []) + [_summary(before)]) if before else []
            condition, values, names = _guard(before)
            put = {"Item": {"PK": pk, "SK": sk, "type": "correction", "wave_id": wave_id, **correction,
                            "batch_id": batch["batch_id"], "history": history},
                   "ConditionExpression": condition}
            if values:
                put.update(ExpressionAttributeValues=values, ExpressionAttributeNames=names)
            actions.append({"Put": put})
        actions.append({"Put": {"Item": {"PK": f"WAVE#{wave_id}", "SK": f"RELABEL#{batch['batch_id']}",
                                         "type": "relabel", "wave_id": wave_id, **batch},
                                "ConditionExpression": "attribute_not_exists(PK)"}})
        self._transact(actions, "a selected comment was corrected meanwhile; nothing was changed, review the "
                                "selection again")

    def undo(self, wave_id: str, batch: dict, undone_by: str, undone_at: str) -> int:
        """Put back every comment's correction from before ``batch``, and mark the batch undone, all or
        nothing. Raises ``AlreadyUndone`` on a second undo and ``ConcurrentUpdate`` when a comment of the
        batch was corrected again since (nothing is written then)."""
        if batch.get("undone_at"):
            raise AlreadyUndone(_undone_message(batch))
        ids = [change["comment_id"] for change in batch["changes"]]
        now = self.current(wave_id, ids)
        moved = [cid for cid in ids if now.get(cid, {}).get("batch_id") != batch["batch_id"]
                 or now[cid].get("withdrawn")]
        if moved:
            raise ConcurrentUpdate(f"{len(moved)} comment(s) of this relabel were corrected again since; "
                                   "nothing was undone (correct them one by one)")
        actions = []
        for change in batch["changes"]:
            item = now[change["comment_id"]]
            restored = {k: v for k, v in item.items() if k not in RESTORED_FIELDS and k != "withdrawn"}
            restored["history"] = item.get("history", []) + [{**_summary(item), "undone_by": undone_by,
                                                               "undone_at": undone_at}]
            before = change.get("before")
            if before:
                restored.update({k: before[k] for k in RESTORED_FIELDS if before.get(k) is not None})
            else:  # no correction before the batch: the model's labels count again
                restored.update(withdrawn=True, label=item["label"], themes=item.get("themes", []),
                                corrected_by=undone_by, corrected_at=undone_at)
            actions.append({"Put": {"Item": restored, "ConditionExpression": "#b = :b AND #at = :at",
                                    "ExpressionAttributeNames": {"#b": "batch_id", "#at": "corrected_at"},
                                    "ExpressionAttributeValues": {":b": batch["batch_id"],
                                                                  ":at": item["corrected_at"]}}})
        actions.append({"Update": {
            "Key": {"PK": f"WAVE#{wave_id}", "SK": f"RELABEL#{batch['batch_id']}"},
            "UpdateExpression": "SET undone_by = :by, undone_at = :at",
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(undone_at)",
            "ExpressionAttributeValues": {":by": undone_by, ":at": undone_at}}})
        try:
            self._transact(actions, "a comment of this relabel was corrected meanwhile; nothing was undone")
        except ConcurrentUpdate:
            latest = self.get(wave_id, batch["batch_id"]) or {}
            if latest.get("undone_at"):
                raise AlreadyUndone(_undone_message(latest)) from None
            raise
        return len(batch["changes"])

    def _transact(self, actions: list[dict], conflict: str) -> None:
        try:
            self.table.transact(actions)
        except ClientError as error:
            if error_code(error) == "TransactionCanceledException":
                raise ConcurrentUpdate(conflict) from None
            raise


def _undone_message(batch: dict) -> str:
    return (f"this relabel was already undone by {batch.get('undone_by')} at {batch.get('undone_at')}; "
            "nothing changed")
