"""Fresh results without commands: apply changed responses as they arrive, rebuild when due.

The same use case runs behind the DynamoDB Streams handler in AWS (``app.py`` ->
``chalicelib/jobs/results_stream.py``) and behind the local stream poller that ``make run``
starts (``devtools/stream_poller.py``):

1. ``changed_responses(records)``: the (wave, invitation) pairs of submitted responses in a
   batch of stream records (other items of the table are ignored);
2. ``apply_changes``: per changed response only (O(changed)): read it, score its comments,
   apply the program's follow-up rules and create a missing follow-up (conditional put), then
   mark the wave changed;
3. ``refresh_due``: rebuild the snapshot (scorecards, comment summaries) of each changed wave
   whose snapshot is older than the change, at most once per ``min_interval_s`` per wave; a
   wave without a snapshot gets its first one here, so a new wave needs no command.
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
                  rules: dict | None = None, notify=None) -> dict:
    """Create the follow-ups the changed responses need and mark their waves changed.

    ``notify(followup)``: called for each follow-up created here (the "assigned to you" e-mail).
    """
    from chalicelib.services import followups, snapshot_builder
    from chalicelib.services.followup_rules import rules_for
    from chalicelib.services.program import current_program

    created = responses_seen = 0
    taxonomy = snapshot_builder.program_taxonomy(current_program(repos)) if changes else None
    for wave_id, invitation_ids in changes.items():
        responses = [r for r in (repos.responses.get(i) for i in sorted(invitation_ids)) if r is not None]
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
        stores.snapshots.mark_changed(wave_id, now.strftime(STAMP))
    return {"waves": sorted(changes), "responses": responses_seen, "followups_created": created}


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
