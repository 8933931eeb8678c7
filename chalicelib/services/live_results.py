"""Fresh results without commands: apply changed responses as they arrive, rebuild when due.

The same use case runs behind the DynamoDB Streams handler in AWS (``app.py`` ->
``chalicelib/jobs/results_stream.py``) and behind the local stream poller that ``make run``
starts (``devtools/stream_poller.py``):

1. ``changed_responses(records)``: the (wave, invitation) pairs of submitted responses in a
   batch of stream records (other items of the table are ignored);
2. ``apply_changes``: per changed response only (O(changed)): read it, score its comments,
   apply the program's follow-up rules and create a missing follow-up (conditional put), then
   ``update_snapshot``: move the wave's state (``wave_state``) by those responses, derive the
   scorecards and comment summaries from it and write a new snapshot version that carries every
   untouched part over. It reads the pointer, the state and the changed responses' buckets: its
   cost grows with the changed responses and the wave's partners, never with its responses.
3. ``refresh_due``: a wave without a state (no snapshot yet, or one from before states) is marked
   changed and gets a full build here, at most once per ``min_interval_s`` per wave, so a new
   wave needs no command.
"""
from __future__ import annotations

from datetime import datetime, timedelta

RESPONSE_SK = "RESPONSE"
STAMP = "%Y%m%dT%H%M%S%fZ"


def _string(image: dict | None, name: str) -> str | None:
    value = (image or {}).get(name)
    return value.get("S") if isinstance(value, dict) else None


def changed_responses(records: list[dict]) -> dict[str, set[str]]:
    """{wave id: {invitation ids}} of responses submitted (or edited after submitting) in the records."""
    out: dict[str, set[str]] = {}
    for record in records or []:
        change = record.get("dynamodb") or {}
        keys = change.get("Keys") or {}
        pk, sk = _string(keys, "PK"), _string(keys, "SK")
        if not pk or not pk.startswith("INVITE#") or sk != RESPONSE_SK:
            continue
        new, old = change.get("NewImage"), change.get("OldImage")
        if "submitted" not in (_string(new, "status"), _string(old, "status")):
            continue
        wave_id = _string(new, "wave_id") or _string(old, "wave_id")
        if wave_id:
            out.setdefault(wave_id, set()).add(pk.removeprefix("INVITE#"))
    return out


def apply_changes(repos, stores, changes: dict[str, set[str]], sla_days: int, now: datetime,
                  rules: dict | None = None, notify=None, thresholds=None) -> dict:
    """Create the follow-ups the changed responses need and bring their waves' snapshots up to date
    (``update_snapshot``; a wave without a state is marked changed for a full build).

    ``notify(followup)``: called for each follow-up created here (the "assigned to you" e-mail).
    """
    from chalicelib.services import followups, snapshot_builder
    from chalicelib.services.followup_rules import rules_for
    from chalicelib.services.program import current_program

    created = responses_seen = 0
    updated: list[str] = []
    taxonomy = snapshot_builder.program_taxonomy(current_program(repos)) if changes else None
    for wave_id, invitation_ids in changes.items():
        fetched = {i: repos.responses.get(i) for i in sorted(invitation_ids)}
        responses = [r for r in fetched.values() if r is not None]
        responses_seen += len(responses)
        if not responses:
            continue
        wave = repos.waves.get(wave_id)
        survey = repos.surveys.get(wave.survey_id, wave.survey_version)
        partners = {pid: p for pid in {r.partner_id for r in responses}
                    if (p := repos.partners.get(pid)) is not None}
        comments = snapshot_builder.score_comments(responses, survey, stores.corrections.for_wave(wave_id),
                                                   taxonomy=taxonomy)
        nps_id = next((q.id for q in survey.questions() if q.type == "nps"), None)
        candidates = followups.followups_for(responses, comments, partners, nps_id,
                                             snapshot_builder.is_strongly_negative, sla_days, now,
                                             rules_for(rules, wave.survey_id), survey)
        for followup in candidates:
            if stores.followups.add_if_absent(followup):
                created += 1
                if notify:
                    notify(followup)
        if thresholds is not None and update_snapshot(repos, stores.snapshots, wave_id, survey, fetched, comments,
                                                      thresholds, now):
            updated.append(wave_id)
        else:
            stores.snapshots.mark_changed(wave_id, now.strftime(STAMP))
    return {"waves": sorted(changes), "responses": responses_seen, "followups_created": created,
            "updated": updated}


def update_snapshot(repos, store, wave_id: str, survey, responses: dict, comments: list[dict], thresholds,
                    now: datetime, attempts: int = 3) -> bool:
    """Apply the changed responses (``{invitation id: Response or None}``) and their comment records
    to the wave's snapshot state and publish a new version; False when the wave has no state yet
    (a full build is due). A concurrent writer makes it start again from the new version (applying
    the same versions twice changes nothing)."""
    from chalicelib.storage.snapshots import SnapshotConflict, part_version

    from . import snapshot_builder, wave_state

    specs, nps_id = snapshot_builder.scored_specs(survey)
    entries = wave_state.response_entries([r for r in responses.values() if r is not None], survey, specs, nps_id)
    changed_entries = {inv: entries.get(inv) for inv in responses}
    by_invitation: dict[str, list[dict]] = {}
    for record in comments:
        by_invitation.setdefault(record["invitation_id"], []).append(record)
    for _ in range(attempts):
        pointer = store.pointer(wave_id)
        if not pointer or wave_state.STATE_PART not in pointer.get("parts", {}):
            return False
        state = store.read_part(wave_id, part_version(pointer, wave_state.STATE_PART), wave_state.STATE_PART)
        if state.get("schema") != wave_state.SCHEMA or state.get("survey_version") != survey.version:
            return False
        names = {wave_state.bucket_of(inv, state["buckets"]) for inv in responses}
        buckets = {name: store.read_part(wave_id, part_version(pointer, name), name)
                   for name in sorted(names) if name in pointer["parts"]}
        changed, touched = wave_state.apply_responses(state, buckets, changed_entries, by_invitation, specs, nps_id)
        if not changed:
            return True
        report = (store.read_part(wave_id, part_version(pointer, "report"), "report")
                  if "report" in pointer["parts"] else None)
        parts = {wave_state.STATE_PART: state, **{name: buckets[name] for name in touched},
                 **snapshot_builder.republish(repos, wave_id, state, specs, thresholds, report)}
        keep = [name for name in pointer["parts"] if name not in parts and not name.startswith(("scorecard:",
                                                                                              "comment_summary:"))]
        try:
            store.write(wave_id, next_version(now, pointer["version"]), now.strftime("%Y-%m-%dT%H:%M:%SZ"), parts,
                        keep=keep, expected=pointer["version"], check=True)
            return True
        except SnapshotConflict:
            continue
    raise SnapshotConflict(wave_id)


def next_version(now: datetime, previous: str | None) -> str:
    """The version stamp of a new snapshot: ``now``, or just after ``previous`` (versions must grow)."""
    version = now.strftime(STAMP)
    if previous is None:
        return version
    after = (datetime.strptime(previous, STAMP) + timedelta(microseconds=1)).strftime(STAMP)
    return max(version, after)


def refresh_due(repos, stores, thresholds, sla_days: int, now: datetime, rules: dict | None = None,
                min_interval_s: int = 20) -> list[dict]:
    """Rebuild the snapshot of every wave changed since its last build (debounced per wave)."""
    from chalicelib.services import results

    summaries = []
    for entry in stores.snapshots.changed_waves():
        wave_id, changed_at = entry["wave_id"], entry["changed_at"]
        pointer = stores.snapshots.pointer(wave_id)
        if pointer and pointer["version"] >= changed_at:
            continue  # the current snapshot was started after the change: it includes it
        if pointer:
            built = datetime.strptime(pointer["version"], STAMP).replace(tzinfo=now.tzinfo)
            if now - built < timedelta(seconds=min_interval_s):
                continue  # rebuilt a moment ago: the next tick takes this change
        summaries.append(results.refresh_snapshot(
            repos, stores.snapshots, stores.corrections, stores.followups, wave_id, thresholds,
            sla_days, now, rules, enrichments=getattr(stores, "enrichments", None)))
    return summaries
