"""Bulk relabel of comments (tone and/or themes) with a confirmation count and an undo.

``preview`` validates a selection (comment ids as the explorer shows them, optionally widened to
every comment with the same text) and a change, and says which comments would change; ``apply``
writes them in one all-or-nothing transaction with a recorded batch id once the caller confirms
the count it was shown; ``undo`` restores exactly the labels from before the batch. Everything is
validated before anything is written.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime

from chalicelib.domain.errors import ConcurrentUpdate, FieldProblem, InvalidInput, NotFound

from . import comment_disclosure, results
from .corrections import LABELS

MAX_COMMENTS = 99  # one transaction: 99 corrections + the batch record
MAX_IDS = 500
_THEME = re.compile(r"^[a-z0-9_]{1,40}$")
BATCH_ID = re.compile(r"^rl-[0-9a-f]{16}$")
BODY_FIELDS = {"comment_ids", "same_text_as", "label", "add_themes", "remove_themes", "confirm_count"}


def text_key(text: str) -> str:
    """Texts are identical when they match ignoring case and spacing."""
    return " ".join(str(text).split()).casefold()


def selectable(stores, wave_id: str, identity, reader: dict) -> tuple[list[dict], dict[str, dict]]:
    """(the comments the identity can list, as the explorer shows them; shown id (or stored id) -> the
    stored record with its current labels)."""
    items, cursor = [], None
    while True:
        page = results.search_comments(stores.snapshots, stores.corrections, wave_id, identity, {}, cursor,
                                       results.MAX_PAGE_SIZE, **reader)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    stored = {c["id"]: c for c in results.search_all_comments(stores.snapshots, stores.corrections, wave_id)}
    opaque = {comment_disclosure.public_id(cid, wave_id, reader.get("secret", "")): cid for cid in stored}
    records, raw_ids = {}, {}
    for item in items:
        raw = item["id"] if item["id"] in stored else opaque.get(item["id"])
        if raw and identity.admits(stored[raw]):
            records[item["id"]] = stored[raw]
            raw_ids[raw] = stored[raw]  # the stored id names a listable comment too (as a single correction)
    return [i for i in items if i["id"] in records], {**raw_ids, **records}


def _id_list(body: dict, name: str, required: bool) -> list[str]:
    value = body.get(name, [] if not required else None)
    if not isinstance(value, list) or (required and not value):
        raise InvalidInput(FieldProblem(name, "must be a non-empty list of comment ids" if required
                                        else "must be a list of comment ids"))
    if len(value) > MAX_IDS:
        raise InvalidInput(FieldProblem(name, f"at most {MAX_IDS} comment ids"))
    for i, cid in enumerate(value):
        if not isinstance(cid, str) or not 1 <= len(cid) <= 200:
            raise InvalidInput(FieldProblem(f"{name}[{i}]", "must be a comment id"))
    return value


def _themes(body: dict, name: str, known: dict) -> set[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or len(value) > 10 or not all(
            isinstance(t, str) and _THEME.match(t) and (not known or t in known) for t in value):
        raise InvalidInput(FieldProblem(name, "must be a list of known theme ids"))
    return set(value)


def parse_change(body, known_themes: dict) -> dict:
    """The validated request: ids, same-text ids, label (or None: keep each), themes to add/remove."""
    if not isinstance(body, dict):
        raise InvalidInput(FieldProblem("(body)", "must be a JSON object"))
    unknown = sorted(set(body) - BODY_FIELDS)
    if unknown:
        raise InvalidInput(FieldProblem(unknown[0][:60], f"is not a field (fields: {', '.join(sorted(BODY_FIELDS))})"))
    ids = _id_list(body, "comment_ids", required=not body.get("same_text_as"))
    same = _id_list(body, "same_text_as", required=False)
    label = body.get("label")
    if label is not None and label not in LABELS:
        raise InvalidInput(FieldProblem("label", f"must be one of {', '.join(LABELS)} (or left out to keep each)"))
    add, remove = _themes(body, "add_themes", known_themes), _themes(body, "remove_themes", known_themes)
    if add & remove:
        raise InvalidInput(FieldProblem("remove_themes", "a theme cannot be added and removed at once"))
    if label is None and not add and not remove:
        raise InvalidInput(FieldProblem("label", "choose a tone or themes to add or remove"))
    return {"comment_ids": ids, "same_text_as": same, "label": label, "add_themes": sorted(add),
            "remove_themes": sorted(remove)}


def preview(items: list[dict], records: dict[str, dict], change: dict) -> dict:
    """Which selected comments would change, with their labels before and after (nothing written)."""
    selected: dict[str, None] = {}
    for field in ("comment_ids", "same_text_as"):
        for i, cid in enumerate(change[field]):
            if cid not in records:
                raise InvalidInput(FieldProblem(f"{field}[{i}]", "is not a comment you can see in this wave"))
            selected[cid] = None
    wanted = {text_key(records[cid]["text"]) for cid in change["same_text_as"]}
    if wanted:
        selected.update((i["id"], None) for i in items if text_key(i["text"]) in wanted)
    rows, seen = [], set()
    for shown in selected:
        record = records[shown]
        if record["id"] in seen:
            continue
        seen.add(record["id"])
        before = {"label": record.get("label"), "themes": sorted(record.get("themes") or [])}
        after = {"label": change["label"] or before["label"],
                 "themes": sorted((set(before["themes"]) - set(change["remove_themes"])) | set(change["add_themes"]))}
        if after != before:
            rows.append({"id": shown, "text": record["text"], "before": before, "after": after})
    if not rows:
        raise InvalidInput(FieldProblem("comment_ids", "none of the selected comments would change"))
    if len(rows) > MAX_COMMENTS:
        raise InvalidInput(FieldProblem("comment_ids", f"the selection changes {len(rows)} comments; at most "
                                                       f"{MAX_COMMENTS} in one relabel (narrow it)"))
    return {"selected": len(seen), "changes": len(rows), "unchanged": len(seen) - len(rows), "items": rows}


def confirmed_count(body: dict) -> int:
    count = body.get("confirm_count") if isinstance(body, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COMMENTS:
        raise InvalidInput(FieldProblem("confirm_count", "must be the number of comments the preview said "
                                                         "would change"))
    return count


def apply(repo, records: dict[str, dict], plan: dict, change: dict, confirm: int, identity, now: datetime) -> dict:
    """Write the previewed relabel once ``confirm`` matches its count; returns the batch record."""
    if confirm != plan["changes"]:
        raise ConcurrentUpdate(f"the selection now changes {plan['changes']} comments, not {confirm}: "
                               "review it again")
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    batch_id = "rl-" + secrets.token_hex(8)
    stored = [records[row["id"]] for row in plan["items"]]
    wave_id = stored[0]["wave_id"]
    existing = repo.current(wave_id, [c["id"] for c in stored])
    corrections, changes = [], []
    for row, comment in zip(plan["items"], stored, strict=True):
        corrections.append({
            "comment_id": comment["id"], "label": row["after"]["label"], "themes": row["after"]["themes"],
            "previous_label": comment.get("model_label"), "previous_themes": comment.get("model_themes", []),
            "corrected_by": identity.subject, "corrected_at": stamp, "text": comment["text"],
            "language": comment.get("language"), "question_id": comment["question_id"],
            "tier": comment.get("tier"), "region": comment.get("region")})
        before = existing.get(comment["id"])
        kept = None if not before or before.get("withdrawn") else {
            k: before.get(k) for k in ("label", "themes", "previous_label", "previous_themes", "corrected_by",
                                       "corrected_at", "batch_id")}
        changes.append({"comment_id": comment["id"], "before": kept, "after": row["after"]})
    batch = {"batch_id": batch_id, "relabeled_by": identity.subject, "relabeled_at": stamp,
             "change": {k: change[k] for k in ("label", "add_themes", "remove_themes")},
             "count": len(changes), "changes": changes}
    repo.apply(wave_id, batch, corrections, existing)
    return batch


def undo(repo, wave_id: str, batch_id, identity, now: datetime) -> dict:
    """Restore the labels from before batch ``batch_id``; the undo is recorded on the batch."""
    if not isinstance(batch_id, str) or not BATCH_ID.match(batch_id):
        raise NotFound()
    batch = repo.get(wave_id, batch_id)
    if batch is None:
        raise NotFound()
    restored = repo.undo(wave_id, batch, identity.subject, now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return {"batch_id": batch_id, "restored": restored, "undone_by": identity.subject}


def summary(batch: dict) -> dict:
    """What a batch did, for the API and the explorer's notice."""
    return {"batch_id": batch["batch_id"], "count": int(batch["count"]), "relabeled_by": batch["relabeled_by"],
            "relabeled_at": batch["relabeled_at"], "change": batch["change"],
            "undone_by": batch.get("undone_by"), "undone_at": batch.get("undone_at")}
