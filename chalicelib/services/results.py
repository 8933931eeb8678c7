"""Results for the experience team, served from the wave's results snapshot.

``refresh_snapshot`` (job, CLI, admin endpoint) runs the analysis engine once per wave and
stores the result; every read below loads only the snapshot part it needs (one GetItem for
the pointer, one Query for the part), cached in the process per snapshot version. Every read
takes the caller's identity: a scoped viewer gets the scorecard computed on its scope only
and comment records of its scope only.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from chalicelib.domain import theme_tone
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.services import disclosure

MARKER = "suppressed"
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_BREAKDOWNS = 12
MAX_BY_LENGTH = 500
MAX_CURSOR_LENGTH = 200
COMMENT_FILTERS = ("tier", "region", "partner_type", "program", "question", "sentiment", "theme", "q")
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 256  # a large wave's comment buckets are parts too


class SnapshotMissing(NotFound):
    """The wave has no results snapshot yet (an admin or the schedule must refresh it)."""


# -- refresh (heavy; imports the analysis engine lazily through the builder) ---------------------
def refresh_snapshot(repos, store, corrections_repo, followups_repo, wave_id: str, thresholds,
                     sla_days: int, now: datetime, rules: dict | None = None, enrichments=None) -> dict:
    """Recompute the wave's snapshot, store it, create missing follow-ups; returns a summary.

    ``rules``: follow-up rules per survey id (``followup_rules.parse_rules``); default rules when None.
    ``enrichments`` (optional store of per-comment enrichments) lets unchanged comments skip scoring.
    """
    from chalicelib.services import followups, snapshot_builder
    from chalicelib.services.followup_rules import rules_for

    started = time.perf_counter()
    start = store.pointer(wave_id)  # live updates after this point are merged in (write_full)
    corrections = corrections_repo.for_wave(wave_id)
    stored = _stored_state(store, wave_id, start)
    parts, comments, responses = snapshot_builder.build_snapshot_parts(
        repos, wave_id, corrections, thresholds, enrichments, stored,
        previous_comments=lambda previous: search_all_comments(store, corrections_repo, previous)
        if store.pointer(previous) else None)
    # The snapshot write and the follow-ups are independent: both go out at once (I/O-bound waits
    # on the database overlap), and the pointer flips as before once every part is stored.
    with ThreadPoolExecutor(1) as pool:
        writing = pool.submit(write_full, repos, store, wave_id, parts, start, thresholds, now)
        survey_nps = parts["scorecard:all"].get("nps_question")
        partners = {p.partner_id: p for p in repos.partners.all()}
        wave = repos.waves.get(wave_id)
        survey = repos.surveys.get(wave.survey_id, wave.survey_version)
        # consent is checked inside followups_for (consent.identifiable), as on the live path
        candidates = followups.followups_for(responses, comments, partners, survey_nps,
                                             snapshot_builder.is_strongly_negative, sla_days, now,
                                             rules_for(rules, wave.survey_id), survey)
        created = followups.create_followups(followups_repo, candidates, wave_id)
        pointer = writing.result()
    return {"wave_id": wave_id, "version": pointer["version"], "built_at": pointer["built_at"],
            "parts": len(parts), "comments": len(comments), "responses": len(responses),
            "followups_created": created, "followups_needed": len(candidates),
            "seconds": round(time.perf_counter() - started, 2)}


def _stored_state(store, wave_id: str, pointer: dict | None) -> dict | None:
    """The current snapshot's state and buckets when it has a release record to carry over."""
    from chalicelib.storage.snapshots import part_version

    from . import wave_state

    if not pointer or wave_state.STATE_PART not in pointer.get("parts", {}):
        return None
    state = store.read_part(wave_id, part_version(pointer, wave_state.STATE_PART), wave_state.STATE_PART)
    if not (state or {}).get("release"):
        return None
    buckets = {name: store.read_part(wave_id, part_version(pointer, name), name)
               for name in pointer["parts"] if name.startswith(wave_state.BUCKET_PREFIX)}
    return {"state": state, "buckets": buckets}


def write_full(repos, store, wave_id: str, parts: dict, start: dict | None, thresholds, now: datetime,
               attempts: int = 5) -> dict:
    """Publish a full build. If a live update flipped the pointer while the build read the wave,
    the newer response versions of the current buckets are applied to the build's state
    (``wave_state.apply_responses`` keeps the newest version of each response) and the parts are
    derived again, so no live update is lost and none counts twice."""
    from chalicelib.services import live_results, snapshot_builder, wave_state
    from chalicelib.services.release import RELEASED
    from chalicelib.storage.snapshots import SnapshotConflict

    expected, current = (start["version"] if start else None), start
    for _ in range(attempts):
        # the restricted readers' copies stay as released until the build releases new ones
        keep = [n for n in (current or {}).get("parts", {}) if n.startswith(RELEASED) and n not in parts]
        try:
            return store.write(wave_id, live_results.next_version(now, expected), now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               parts, keep=keep, expected=expected, check=True)
        except SnapshotConflict:
            current = store.pointer(wave_id)
            expected = current["version"] if current else None
            if current and wave_state.STATE_PART in current.get("parts", {}) and wave_state.STATE_PART in parts:
                snapshot_builder.merge_live_updates(repos, store, wave_id, parts, current, thresholds)
    raise SnapshotConflict(wave_id)


# -- reading --------------------------------------------------------------------------------------
def snapshot_info(store, wave_id: str) -> dict:
    pointer = store.pointer(wave_id)
    if not pointer:
        raise SnapshotMissing(f"wave {wave_id} has no results snapshot yet")
    return pointer


def _part(store, wave_id: str, name: str, pointer: dict | None = None):
    from chalicelib.storage.snapshots import part_version

    pointer = pointer or snapshot_info(store, wave_id)
    if name not in pointer.get("parts", {}):
        return None
    version = part_version(pointer, name)
    key = (wave_id, version, name)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = store.read_part(wave_id, version, name)
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def clear_cache() -> None:
    _CACHE.clear()


def _scope_name(identity) -> str:
    scope = identity.effective_scope()
    return str(scope) if scope else "all"


def readable_part(store, wave_id: str, identity, name: str, pointer: dict) -> str:
    """The part ``identity`` reads for ``name``: the released copy for restricted readers
    (``release``), once the wave has one; the live part otherwise."""
    from chalicelib.services.release import SUMMARY_PREFIX, released_name, restricted

    released = released_name(name)
    if restricted(identity, _part(store, wave_id, "reporting", pointer)):
        if released in pointer.get("parts", {}):
            return released
        if name.startswith(SUMMARY_PREFIX):
            return released  # absent: the live summaries are unplanned (``release``), never a restricted read
    return name


def scorecard(store, wave_id: str, identity, by: str | None = None) -> dict:
    """The scorecard document for the identity's scope, optionally only some breakdowns.

    ``by``: "tier,region,tier:region" style; unknown breakdowns are a 400.
    """
    pointer = snapshot_info(store, wave_id)
    doc = _part(store, wave_id, readable_part(store, wave_id, identity, f"scorecard:{_scope_name(identity)}",
                                              pointer), pointer)
    if doc is None:  # the viewer's scope has no respondents in this wave
        doc = {"schema": "pulse.scorecard/1", "wave": {"id": wave_id}, "overall": {
            "respondents": MARKER, "suppressed": True}, "breakdowns": [], "drivers": []}
    doc = dict(doc)
    if by:
        if len(by) > MAX_BY_LENGTH:
            raise InvalidInput(FieldProblem("by", f"must be at most {MAX_BY_LENGTH} characters"))
        wanted = list(dict.fromkeys(tuple(term.strip().split(":")) for term in by.split(",") if term.strip()))
        if len(wanted) > MAX_BREAKDOWNS:  # repeated dimensions are merged first, so only distinct ones count
            raise InvalidInput(FieldProblem("by", f"at most {MAX_BREAKDOWNS} different breakdowns at once"))
        available = {tuple(b["by"]): b for b in doc["breakdowns"]}
        missing = [":".join(w) for w in wanted if tuple(w) not in available]
        if missing:
            raise InvalidInput(FieldProblem("by", f"unknown breakdown {missing[0]!r}; available: "
                                            + ", ".join(":".join(k) for k in available)))
        doc["breakdowns"] = [available[tuple(w)] for w in wanted]
    doc["snapshot"] = {"version": pointer["version"], "built_at": pointer["built_at"],
                       "scope": identity.to_dict()["scope"]}
    if isinstance(doc.get("release"), dict):  # a restricted reader's released copy (``release``)
        doc["snapshot"].update(released_at=doc["release"].get("released_at"),
                               min_changes=doc["release"].get("min_changes"))
    return doc


def breakdown(doc: dict, *dims: str) -> list[dict]:
    """Cells of one breakdown of a scorecard document ([] when absent)."""
    for item in doc.get("breakdowns", []):
        if item["by"] == list(dims):
            return item["cells"]
    return []


def trend(doc: dict) -> dict:
    """Wave-over-wave change overall and per tier and region, with significance flags."""
    def change(cell):
        vs = cell.get("vs_previous")
        if vs in (None, MARKER) or not isinstance(vs, dict) or "nps" not in vs:
            return vs if vs == MARKER else None
        return vs["nps"]

    return {"previous_wave": doc.get("previous_wave"), "overall": change(doc["overall"]),
            "by": {dim: [{"segment": c["segment"], "nps_change": change(c)} for c in breakdown(doc, dim)]
                   for dim in ("tier", "region")}}


SEGMENT_FILTERS = ("tier", "region", "program", "partner_type", "transacting")
MAX_FILTER_LENGTH = 100


def segment_filters(query: dict | None) -> dict:
    """Segment filters of a page's URL (``?tier=principal&region=EMEA``); blanks ignored."""
    out = {}
    for dim in SEGMENT_FILTERS:
        value = (query or {}).get(dim)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or len(value) > MAX_FILTER_LENGTH or not value.isprintable():
            raise InvalidInput(FieldProblem(dim, f"must be a segment name of at most {MAX_FILTER_LENGTH} characters"))
        out[dim] = value
    return out


def select_cells(doc: dict, by: str | None, filters: dict) -> tuple[list[str], list[dict]]:
    """(dimensions, cells) of the breakdown ``by`` extended by the filtered dimensions, keeping the
    cells whose segment matches every filter. Only published cells are selected (each one carries
    its own suppression), so a selection discloses nothing the scorecard does not."""
    dims = [d for d in (by or "").split(":") if d]
    dims += [d for d in filters if d not in dims]
    if not dims:
        return [], []
    available = [b["by"] for b in doc.get("breakdowns", [])]
    match = next((b for b in available if sorted(b) == sorted(dims)), None)
    if match is None:
        if not available:  # a scope without respondents: nothing to select
            return dims, []
        raise InvalidInput(FieldProblem("by", f"no breakdown by {' × '.join(dims)}; available: "
                                        + ", ".join(":".join(b) for b in available)))
    cells = [c for c in breakdown(doc, *match)
             if all(_segment_text(c["segment"].get(d)) == v for d, v in filters.items())]
    return match, cells


def _segment_text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _nps_point(cell: dict) -> dict:
    """The published NPS of one scorecard cell: value with interval, or the marker."""
    nps = cell.get("nps")
    if cell.get("suppressed") or nps == MARKER:
        return {"respondents": MARKER if cell.get("suppressed") else cell.get("respondents"), "nps": MARKER}
    if not isinstance(nps, dict):
        return {"respondents": cell.get("respondents"), "nps": None}
    return {"respondents": cell.get("respondents"),
            "nps": {k: nps.get(k) for k in ("value", "ci_low", "ci_high") if k in nps}}


def _estimate(value) -> dict | None:
    return {k: value.get(k) for k in ("value", "ci_low", "ci_high", "n") if k in value} \
        if isinstance(value, dict) else None


def _csat_point(cell: dict, qid: str) -> dict:
    """The published top-2-box and mean (each with interval) of one rating question in one cell,
    or the marker for both."""
    value = (cell.get("csat") or {}).get(qid)
    if cell.get("suppressed") or value == MARKER:
        return {"top2": MARKER, "mean": MARKER}
    if not isinstance(value, dict):
        return {"top2": None, "mean": None}
    return {"top2": _estimate(value.get("top2")), "mean": _estimate(value.get("mean"))}


def _rating_ids(store, wave_id: str, doc: dict) -> list[str]:
    """Rating question ids of the wave's snapshot. A scope without respondents has a stub document
    without questions: the ids (survey definition, not results) come from the wave's full scorecard."""
    questions = doc.get("questions")
    if questions is None:
        questions = (_part(store, wave_id, "scorecard:all") or {}).get("questions", [])
    return [q["id"] for q in questions if q.get("type") == "rating"]


def wave_trend(store, waves_repo, wave_id: str, identity, dims=("tier", "region")) -> list[dict]:
    """NPS and CSAT of every wave of the wave's survey up to ``wave_id`` (oldest first), overall and
    per segment of ``dims``, from each wave's own snapshot for the identity's scope.

    CSAT (``csat``, ``csat_by``) holds, per rating question of the wave (matched across waves by
    question id; a question the wave did not ask has no entry), the top-2-box and mean with interval.
    A wave without a snapshot shows the value the next wave's comparison published ("other"),
    without interval (for CSAT the top-2-box only: comparisons publish no mean), or nothing;
    suppressed cells stay the marker. Each value is one the wave's own scorecard publishes (or,
    without a snapshot, the next wave's comparison), so the series discloses nothing new.
    """
    current = waves_repo.get(wave_id)
    waves = sorted((w for w in waves_repo.waves_of_survey(current.survey_id) if w.opens_at <= current.opens_at),
                   key=lambda w: w.opens_at)
    points: list[dict] = []
    for wave in waves:
        point = {"wave_id": wave.wave_id, "opens_at": wave.opens_at, "source": None,
                 "overall": {"respondents": None, "nps": None}, "change": None, "by": {d: {} for d in dims},
                 "csat": {}, "csat_by": {d: {} for d in dims}}
        if store.pointer(wave.wave_id):
            doc = scorecard(store, wave.wave_id, identity)
            ratings = _rating_ids(store, wave.wave_id, doc)
            point["source"] = "snapshot"
            point["overall"] = _nps_point(doc["overall"])
            vs = doc["overall"].get("vs_previous")
            point["change"] = MARKER if vs == MARKER else (vs.get("nps") if isinstance(vs, dict) else None)
            changes = (vs.get("csat_top2") or {}) if isinstance(vs, dict) else {}
            point["csat"] = {q: {**_csat_point(doc["overall"], q),
                                 "change": MARKER if vs == MARKER else changes.get(q)} for q in ratings}
            for dim in dims:
                point["by"][dim] = {_segment_text(c["segment"][dim]): _nps_point(c)["nps"]
                                    for c in breakdown(doc, dim)}
                point["csat_by"][dim] = {_segment_text(c["segment"][dim]): {q: _csat_point(c, q) for q in ratings}
                                         for c in breakdown(doc, dim)}
            _backfill(points, doc, dims, ratings)
        points.append(point)
    return points


def _backfill(points: list[dict], doc: dict, dims, ratings: list[str]) -> None:
    """Fill the previous wave's values from this wave's comparison when it has no snapshot."""
    if not points or points[-1]["source"] is not None or points[-1]["wave_id"] != doc.get("previous_wave"):
        return
    earlier = points[-1]
    earlier["source"] = f"comparison in {doc['wave']['id']}"

    def other(cell):
        vs = cell.get("vs_previous")
        if vs == MARKER or (isinstance(vs, dict) and vs.get("nps") == MARKER):
            return MARKER
        nps = vs.get("nps") if isinstance(vs, dict) else None
        return {"value": nps["other"]} if isinstance(nps, dict) and "other" in nps else None

    def other_csat(cell) -> dict:
        """Top-2-box the comparison published per question (no mean, no interval); a question
        the comparison does not hold (not asked then, or no answers) has no entry."""
        vs = cell.get("vs_previous")
        if vs == MARKER:
            return {q: {"top2": MARKER, "mean": None} for q in ratings}
        published = (vs.get("csat_top2") or {}) if isinstance(vs, dict) else {}
        return {q: {"top2": MARKER, "mean": None} if c == MARKER
                else {"top2": {"value": c["other"]}, "mean": None}
                for q, c in published.items() if c == MARKER or (isinstance(c, dict) and "other" in c)}

    earlier["overall"] = {"respondents": None, "nps": other(doc["overall"])}
    earlier["csat"] = {q: {**v, "change": None} for q, v in other_csat(doc["overall"]).items()}
    for dim in dims:
        earlier["by"][dim] = {_segment_text(c["segment"][dim]): other(c) for c in breakdown(doc, dim)}
        earlier["csat_by"][dim] = {_segment_text(c["segment"][dim]): other_csat(c) for c in breakdown(doc, dim)}


def response_rates(doc: dict) -> dict:
    """Response rate per tier and region (None when invitations are unknown)."""
    return {dim: [{"segment": c["segment"], "respondents": c["respondents"], "invited": c.get("invited"),
                   "response_rate": c["response_rate"]} for c in breakdown(doc, dim)]
            for dim in ("tier", "region")}


def comment_summary(store, wave_id: str, identity) -> dict:
    """Sentiment mix and top themes per tier and region (theme x sentiment by segment)."""
    pointer = snapshot_info(store, wave_id)
    summary = _part(store, wave_id, readable_part(store, wave_id, identity,
                                                  f"comment_summary:{_scope_name(identity)}", pointer), pointer)
    return {"summary": summary or {"tier": [], "region": []},
            "theme_labels": _part(store, wave_id, "themes", pointer) or {}}


def theme_trend(store, waves_repo, wave_id: str, identity, dimension: str, value: str) -> list[dict]:
    """One segment's comment count and theme counts in every wave of the survey up to ``wave_id``
    (oldest first), from each wave's published comment summary for the identity's scope; a
    suppressed cell or theme stays the marker, a wave without a snapshot has ``comments`` None."""
    current = waves_repo.get(wave_id)
    waves = sorted((w for w in waves_repo.waves_of_survey(current.survey_id) if w.opens_at <= current.opens_at),
                   key=lambda w: w.opens_at)
    points = []
    for wave in waves:
        point = {"wave_id": wave.wave_id, "opens_at": wave.opens_at, "comments": None, "themes": {}}
        if store.pointer(wave.wave_id):
            summary = comment_summary(store, wave.wave_id, identity)["summary"]
            cell = next((c for c in summary.get(dimension, []) if str(c.get("segment")) == value), None)
            if cell is not None:
                point["comments"] = MARKER if cell.get("suppressed") else cell.get("comments")
                point["themes"] = {} if cell.get("suppressed") else dict(cell.get("themes") or {})
        points.append(point)
    return points


def theme_changes(store, wave_id: str, identity) -> dict:
    """Significant and other theme changes against the previous wave (the ``theme_changes`` part), for
    the reader's scope: whole program and every tier for unscoped readers, the tier for a tier scope,
    nothing for another scope. Readers of released copies (``release``) read the comparison of the
    last release (a full build that released), or none when the wave has released copies but no
    released comparison (the live one would tell them changes the release holds back)."""
    from chalicelib.services.release import RELEASED, released_name, restricted

    pointer = snapshot_info(store, wave_id)
    parts = pointer.get("parts", {})
    name = "theme_changes"
    if any(n.startswith(RELEASED) for n in parts) and restricted(identity, _part(store, wave_id, "reporting",
                                                                                 pointer)):
        name = released_name(name)
    part = _part(store, wave_id, name, pointer) or {"compared": False, "tests": []}
    scope = identity.effective_scope()
    if scope is None:
        return part
    group = f"tier:{scope.value}" if scope.dimension == "tier" else None
    return {**part, "tests": [t for t in part.get("tests", []) if t["group"] == group]}


def reporting(store, wave_id: str) -> str:
    """The survey's reporting mode recorded in the snapshot ("aggregate" when older snapshots lack it)."""
    return _part(store, wave_id, "reporting") or "aggregate"


def theme_labels(store, wave_id: str) -> dict:
    return _part(store, wave_id, "themes") or {}


def _comments(store, wave_id: str, pointer=None) -> list[dict]:
    """Every comment record of the snapshot: the ``comments`` part of older snapshots, or the
    comment records of every bucket (``wave_state``), buckets in order."""
    from chalicelib.services.wave_state import BUCKET_PREFIX

    pointer = pointer or snapshot_info(store, wave_id)
    if "comments" in pointer.get("parts", {}):
        return _part(store, wave_id, "comments", pointer) or []
    from chalicelib.services.wave_state import comment_records

    names = [n for n in pointer.get("parts", {}) if n.startswith(BUCKET_PREFIX)]
    return comment_records({name: _part(store, wave_id, name, pointer) or {} for name in names})


def find_comment(store, wave_id: str, comment_id: str, secret: str = "") -> dict | None:
    """The comment record a raw or opaque (``comment_disclosure.public_id``) id names."""
    from chalicelib.services.comment_disclosure import resolve

    return resolve(_comments(store, wave_id), wave_id, comment_id, secret)


def held_back(store, wave_id: str, pointer: dict) -> set[str]:
    """Invitation ids whose responses changed since the last release (``release``): restricted readers
    see none of their rows or comments until a release covers them."""
    from chalicelib.services.release import PENDING_PART

    return set(_part(store, wave_id, PENDING_PART, pointer) or [])


def released_comments(store, wave_id: str, pointer: dict) -> list[dict]:
    """The comment records a restricted reader may list: those of released responses."""
    held = held_back(store, wave_id, pointer)
    return [c for c in _comments(store, wave_id, pointer) if c.get("invitation_id") not in held]


def comment_plan(store, wave_id: str, pointer: dict, thresholds: tuple[int, int, int]):
    """The wave's comment label plan (``comment_disclosure.label_plan``) over the released comments
    (the plan is only for readers without respondent-level rights), cached per snapshot version."""
    from chalicelib.services.comment_disclosure import label_plan

    key = (wave_id, pointer["version"], "comment_plan", thresholds)
    if key not in _CACHE:
        _CACHE[key] = label_plan(released_comments(store, wave_id, pointer), *thresholds)
    return _CACHE[key]


def _encode_cursor(offset: int, version: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, version]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None, version: str) -> int:
    if not cursor:
        return 0
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidInput(FieldProblem("cursor", "is not a cursor this API issued"))
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset, cursor_version = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise InvalidInput(FieldProblem("cursor", "is not a cursor this API issued")) from None
    if not isinstance(offset, int) or offset < 0 or cursor_version != version:
        raise InvalidInput(FieldProblem("cursor", "has expired (the results were refreshed); start again"))
    return offset


def clean_filters(raw: dict | None) -> dict:
    """Validated comment filters: known names, short single values."""
    filters = {}
    for name, value in (raw or {}).items():
        if name in ("cursor", "limit", "wave"):
            continue
        if name not in COMMENT_FILTERS:
            raise InvalidInput(FieldProblem(name, f"unknown filter; filters are {', '.join(COMMENT_FILTERS)}"))
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > 200:
            raise InvalidInput(FieldProblem(name, "must be text of at most 200 characters"))
        filters[name] = value.strip()
    chosen = [name for name in filters if name in disclosure.FILTER_LABEL]
    if len(chosen) > disclosure.MAX_SEGMENT_FILTERS:
        raise InvalidInput(FieldProblem(chosen[-1], f"at most {disclosure.MAX_SEGMENT_FILTERS} of tier, region, "
                                        "partner_type, program and question at once (confidentiality)"))
    return filters


def _segment_match(comment: dict, filters: dict) -> bool:
    return ((not filters.get("tier") or comment.get("tier") == filters["tier"])
            and (not filters.get("region") or comment.get("region") == filters["region"])
            and (not filters.get("partner_type") or filters["partner_type"] in comment.get("partner_types", []))
            and (not filters.get("program") or filters["program"] in comment.get("programs", []))
            and (not filters.get("question") or comment.get("question_id") == filters["question"]))


def search_comments(store, corrections_repo, wave_id: str, identity, filters: dict,
                    cursor: str | None = None, limit: int = PAGE_SIZE, min_comments: int = 8,
                    min_respondents: int = 1, min_partners: int = 1, secret: str = "") -> dict:
    """One page of comments matching the filters, within the identity's scope.

    Confidentiality (``comment_disclosure``): an admin or analyst of an identified survey reads every
    comment with its labels (who wrote it only where the respondent consented). Anyone else reads
    every comment the wave's label plan does not withhold, with only the labels the plan keeps and
    an opaque id; scope and segment filters match those labels only, so every selection is a union
    of groups of at least ``min_comments`` comments, ``min_respondents`` respondents and
    ``min_partners`` partners. ``withheld`` says how many comments of the caller's scope the view
    leaves out, and why. Sentiment, theme and free text narrow inside the segment; with a theme,
    the sentiment filter reads that theme's own tone (``domain.theme_tone``: "negative about
    payouts"), and every item carries ``theme_labels`` (``{theme: label}``).
    """
    from chalicelib.services import comment_disclosure as cd

    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(FieldProblem("limit", f"must be 1 to {MAX_PAGE_SIZE}"))
    pointer = snapshot_info(store, wave_id)
    offset = _decode_cursor(cursor, pointer["version"])
    everything = _comments(store, wave_id, pointer)
    in_scope = [c for c in everything if identity.admits(c)]
    full = disclosure.may_see_identity(identity, reporting(store, wave_id))
    notice = None
    if full:
        visible = [cd.with_consent(c) for c in in_scope]
    else:
        plan = comment_plan(store, wave_id, pointer, (min_comments, min_respondents, min_partners))
        everything = released_comments(store, wave_id, pointer)
        in_scope = [c for c in everything if identity.admits(c)]
        shown = [cd.coarsened(c, plan) for c in everything if c["id"] not in plan.withheld]
        visible = [c for c in shown if identity.admits(c)]
        no_crowd = sum(1 for c in in_scope if c["id"] in plan.withheld)
        scope = identity.effective_scope()
        notice = cd.withheld_notice(no_crowd, plan, len(in_scope) - no_crowd - len(visible),
                                    scope.dimension if scope else None)
    segment = [c for c in visible if _segment_match(c, filters)]
    base = {"wave_id": wave_id, "filters": filters, "segment_comments": len(segment),
            "snapshot": pointer["version"], "scope": identity.to_dict()["scope"],
            "labels": "all" if full else "coarsened", "withheld": notice}
    if not full and len(segment) < min_comments:  # cannot happen with a plan; kept as a guard
        return {**base, "segment_comments": MARKER, "suppressed": True, "items": [], "total": 0,
                "next_cursor": None}
    corrections = corrections_repo.for_wave(wave_id)
    text = filters.get("q", "").lower()
    matches = []
    for comment in segment:
        comment = _with_correction(comment, corrections.get(comment["id"]))
        if filters.get("theme") and filters["theme"] not in comment["themes"]:
            continue
        if filters.get("sentiment") and _tone_for(comment, filters.get("theme")) != filters["sentiment"]:
            continue
        if text and text not in comment["text"].lower():
            continue
        matches.append({**comment, "theme_labels": theme_tone.theme_labels(comment)})
    page = [c if c.get("invitation_id") else {**c, "id": cd.public_id(c["id"], wave_id, secret)}
            for c in matches[offset:offset + limit]]
    more = offset + limit < len(matches)
    return {**base, "suppressed": False, "total": len(matches), "items": page,
            "next_cursor": _encode_cursor(offset + limit, pointer["version"]) if more else None}


def _tone_for(comment: dict, theme: str | None) -> str:
    """The label a sentiment filter reads: with a theme filter, the tone of that theme in the
    comment (``domain.theme_tone``), else the comment's label."""
    return theme_tone.theme_label(comment, theme) if theme else comment["label"]


def _with_correction(comment: dict, correction: dict | None) -> dict:
    if not correction:
        return comment
    return {**comment, "label": correction["label"], "themes": list(correction.get("themes") or []),
            "corrected": {"by": correction["corrected_by"], "at": correction["corrected_at"]}}


def highlight_parts(text: str, term: str | None) -> list[tuple[str, bool]]:
    """Split ``text`` into (piece, is_match) for a case-insensitive ``term`` (for safe highlighting)."""
    if not term:
        return [(text, False)]
    pieces, last = [], 0
    for match in re.finditer(re.escape(term), text, flags=re.IGNORECASE):
        if match.start() > last:
            pieces.append((text[last:match.start()], False))
        pieces.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def search_all_comments(store, corrections_repo, wave_id: str) -> list[dict]:
    """Every comment record of the snapshot with the latest corrections overlaid (for exports;
    callers apply scope and suppression)."""
    corrections = corrections_repo.for_wave(wave_id)
    return [_with_correction(c, corrections.get(c["id"])) for c in _comments(store, wave_id)]
