"""Build a wave's results snapshot with the analysis engine (the heavy half of results).

Runs in the scheduled job and the CLI only: pandas, TextBlob and ``analysis`` are imported
inside the functions, never on the request path. The snapshot has these parts:

- ``scorecard:all`` and ``scorecard:<dimension>=<value>`` for every region and tier: the
  ``pulse.scorecard/1`` document (``analysis.scorecard.build_scorecard``) of the whole wave and
  of each scope a viewer may hold, so a scoped viewer's numbers come from its scope only.
- ``comments``: one record per comment with segment attributes, sentiment label, themes and
  correction marks; ``comment_summary:<scope>``: sentiment mix and theme counts per tier and
  region, cells and themes under the comment or partner threshold suppressed in each view (read
  by roles allowed every comment); the copies released to restricted readers are planned jointly
  over every scope at release (``release``, ``analysis.summary_disclosure``).
- ``report``: what the leadership report adds to ``scorecard:all`` (``report_part``): top themes
  per tier with examples, revenue coverage, the survey title. The report renders from this
  snapshot, so its figures are the dashboard's, the API's, the CLI's and the exports'.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from chalicelib.domain.theme_tone import theme_label
from chalicelib.security.staff import SCOPE_DIMENSIONS, Scope

BREAKDOWNS = "tier,region,partner_type,transacting,program,tier:region"
SUMMARY_DIMENSIONS = ("tier", "region")
STRONGLY_NEGATIVE_PROBABILITY = 0.6  # P(negative) of a negative label (three-class model)
MARKER = "suppressed"
REPORT_SCHEMA = "pulse.report-inputs/1"


@dataclass(frozen=True)
class Thresholds:
    scores: int = 5
    comments: int = 8
    partners: int = 3  # distinct partners a published cell must hold (PULSE_SUPPRESS_MIN_PARTNERS)
    changes: int = 0  # changed responses a group needs before restricted readers see it move (0: ``scores``)
    summary_interval_s: int = 0  # least seconds between two comment-summary releases (``release``)

    @classmethod
    def of(cls, review) -> Thresholds:
        """The thresholds of the review settings (``ReviewSettings``)."""
        return cls(review.min_scores, review.min_comments, review.min_partners, review.min_changes,
                   review.summary_release_interval_s)


def comment_id(invitation_id: str, question_id: str) -> str:
    return f"{invitation_id}.{question_id}"


def program_taxonomy(program=None):
    """The theme taxonomy comments are matched with: the program's own ``themes`` (ids, labels,
    phrases per language) or, when it has none, the analysis engine's shipped default."""
    from analysis.themes import Taxonomy

    return Taxonomy.for_program(program.themes if program is not None else None)


def score_comments(responses, survey, corrections: dict[str, dict], enrichments=None, taxonomy=None) -> list[dict]:
    """Comment records of submitted responses: attributes, sentiment, themes, corrections applied.

    Sentiment and themes come from the stored per-comment enrichments (``enrichments``: a store
    with ``for_wave``/``put_many``, e.g. ``DynamoEnrichmentStore``); only new, edited or
    out-of-date comments are scored, and those enrichments are written back. ``taxonomy``: the
    program's (``program_taxonomy``; default when None); a changed taxonomy re-matches themes only.
    """
    from analysis.enrichment import enrich
    from analysis.sentiment import CommentScorer
    from chalicelib.domain.consent import identifiable

    text_questions = [q.id for q in survey.questions() if q.type == "text"]
    nps_id = next((q.id for q in survey.questions() if q.type == "nps"), None)
    taxonomy = taxonomy or program_taxonomy()
    found = []
    for response in responses:
        if response.status != "submitted":
            continue
        for qid in text_questions:
            text = (response.answers or {}).get(qid)
            if isinstance(text, str) and text.strip():
                found.append((response, qid, text))
    wave_ids = sorted({r.wave_id for r, _, _ in found})
    stored = {}
    for wave_id in wave_ids if enrichments is not None else []:
        stored.update(enrichments.for_wave(wave_id))
    comments = [{"id": comment_id(r.invitation_id, qid), "text": text, "language": r.language, "wave_id": r.wave_id}
                for r, qid, text in found]
    enriched, changed = enrich(comments, stored, CommentScorer(), taxonomy)
    if enrichments is not None and changed:
        wave_of = {c["id"]: c["wave_id"] for c in comments}
        for wave_id in wave_ids:
            enrichments.put_many(wave_id, [e for e in changed if wave_of[e["id"]] == wave_id])
    records = []
    for (response, qid, text), comment in zip(found, comments, strict=True):
        partner = response.partner or {}
        sentiment = enriched[comment["id"]]
        cid = comment["id"]
        record = {
            "id": cid, "wave_id": response.wave_id, "invitation_id": response.invitation_id,
            "partner_id": response.partner_id, "identifiable": identifiable(survey, response),
            "question_id": qid, "text": text, "language": sentiment["language"], "form_language": response.language,
            "tier": partner.get("tier"), "region": partner.get("region"),
            "country": partner.get("country"),
            "partner_types": list(partner.get("partner_types") or []),
            "programs": list(partner.get("programs") or []),
            "nps": (response.answers or {}).get(nps_id) if nps_id else None,
            "label": sentiment["label"], "probability": sentiment["probability"],
            "polarity": sentiment["polarity"], "not_scored_reason": sentiment.get("reason"),
            "model_label": sentiment["label"], "model_version": sentiment["sentiment_version"],
            "themes": list(sentiment["themes"]), "theme_tones": dict(sentiment.get("theme_tones") or {}),
            "corrected": None,
        }
        if record["label"] == "not_scored":
            record["not_scored_text"] = not_scored_text(sentiment.get("reason"), sentiment["language"])
        record["model_themes"] = list(record["themes"])
        apply_correction(record, corrections.get(cid))
        records.append(record)
    return records


def not_scored_text(reason: str | None, language: str | None) -> str:
    """Why a comment has no sentiment, in words ("not scored: language not supported (Korean)")."""
    from analysis.language import language_name
    from analysis.sentiment import NOT_SCORED_REASONS

    words = NOT_SCORED_REASONS.get(reason or "", "no sentiment model")
    return f"not scored: {words} ({language_name(language)})" if reason == "unsupported" else f"not scored: {words}"


def apply_correction(record: dict, correction: dict | None) -> dict:
    """Overlay a reviewer's correction (label, themes, who, when) on a comment record."""
    if correction:
        record["label"] = correction["label"]
        record["themes"] = list(correction.get("themes") or [])
        record["corrected"] = {"by": correction["corrected_by"], "at": correction["corrected_at"]}
    return record


def is_strongly_negative(record: dict) -> bool:
    """A negative comment the model is sure about, or one a reviewer marked negative."""
    if record["label"] != "negative":
        return False
    if record.get("corrected"):
        return True
    probability = record.get("probability")  # probability of the label given
    return probability is not None and probability >= STRONGLY_NEGATIVE_PROBABILITY


def comment_summary(records: list[dict], threshold: int, min_partners: int = 1, complement: bool = True) -> dict:
    """Sentiment mix and top themes per tier and per region; a cell or theme with fewer than
    ``threshold`` comments or ``min_partners`` distinct partners is suppressed.

    ``records``: comment records, or comment counts (``wave_state``) carrying a ``count``; both carry
    ``partner_id``. ``complement``: also withhold the smallest other cell of a dimension with one
    suppressed cell (a view alone); the snapshot leaves that to the joint plan over every view
    (``analysis.summary_disclosure.plan``), which withholds only what the union of views needs."""
    out = {}
    for dimension in SUMMARY_DIMENSIONS:
        groups: dict[str, list[dict]] = {}
        for record in records:
            groups.setdefault(record.get(dimension) or "(unknown)", []).append(record)
        cells = []
        for value in sorted(groups):
            part = groups[value]
            size = sum(r.get("count", 1) for r in part)
            if size < threshold or len({r.get("partner_id") for r in part}) < min_partners:
                cells.append({"segment": value, "comments": MARKER, "suppressed": True})
                continue
            labels, themes, partners = Counter(), Counter(), {}
            for r in part:
                labels[r["label"]] += r.get("count", 1)
                for t in r["themes"]:
                    themes[t] += r.get("count", 1)
                    partners.setdefault(t, set()).add(r.get("partner_id"))
            theme_sentiment = {}
            for theme, count in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))[:8]:
                mix = Counter()  # the theme's own tone in each comment (domain.theme_tone)
                for r in part:
                    if theme in r["themes"]:
                        mix[theme_label(r, theme)] += r.get("count", 1)
                theme_sentiment[theme] = {"count": count, "labels": dict(mix), "tone": "theme"} \
                    if count >= threshold and len(partners[theme]) >= min_partners else MARKER
            cells.append({"segment": value, "comments": size, "suppressed": False,
                          "labels": {k: labels.get(k, 0) for k in ("positive", "neutral", "negative")}
                          | {k: v for k, v in labels.items() if k not in ("positive", "neutral", "negative")},
                          "themes": theme_sentiment})
        # complementary suppression: one hidden cell could be recovered from the total
        hidden = [c for c in cells if c["suppressed"]]
        shown = [c for c in cells if not c["suppressed"]]
        if complement and len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda c: c["comments"])
            segment = smallest["segment"]
            smallest.clear()
            smallest.update({"segment": segment, "comments": MARKER, "suppressed": True})
        out[dimension] = cells
    return out


def _scopes(respondents) -> list[Scope]:
    scopes = []
    for dimension in SCOPE_DIMENSIONS:
        for value in sorted(v for v in respondents[dimension].dropna().unique()):
            scopes.append(Scope(dimension, str(value)))
    return scopes


def _filtered(wave_data, scope: Scope | None):
    from analysis.scorecard import WaveData

    if scope is None:
        return wave_data
    respondents = wave_data.respondents
    invitations = wave_data.invitations
    return WaveData(
        wave_id=wave_data.wave_id,
        respondents=respondents[respondents[scope.dimension] == scope.value],
        invitations=None if invitations is None else invitations[invitations[scope.dimension] == scope.value],
        meta=wave_data.meta)


def load_wave_data(repos, wave_id: str, partners):
    """A wave as analysis frames: respondents, invitations with directory attributes, specs, survey."""
    from analysis.frame import invitation_frame, question_specs, respondents_from_tidy, tidy_responses
    from analysis.scorecard import WaveData

    wave = repos.waves.get(wave_id)
    survey = repos.surveys.get(wave.survey_id, wave.survey_version)
    responses = list(repos.responses.for_wave(wave_id))
    tidy = tidy_responses(responses, survey)
    respondents = respondents_from_tidy(tidy, survey)
    invitations = invitation_frame([i for i in repos.invitations.for_wave(wave_id) if i.state != "cancelled"],
                                   partners)
    return WaveData(wave_id=wave_id, respondents=respondents, invitations=invitations, meta=wave_meta(wave)), \
        question_specs(survey), survey, responses


def wave_meta(wave) -> dict:
    """What a scorecard says about its wave: survey, version, status, dates."""
    return {"survey_id": wave.survey_id, "survey_version": wave.survey_version, "status": wave.status,
            "opens_at": wave.opens_at, "closes_at": wave.closes_at, **({"title": wave.title} if wave.title else {})}


def previous_wave_id(repos, wave_id: str) -> str | None:
    wave = repos.waves.get(wave_id)
    earlier = [w for w in repos.waves.waves_of_survey(wave.survey_id) if w.opens_at < wave.opens_at]
    return max(earlier, key=lambda w: w.opens_at).wave_id if earlier else None


def theme_change_part(repos, wave_id: str, comments: list[dict], previous_comments, thresholds: Thresholds,
                      labels: dict) -> dict:
    """The snapshot's ``theme_changes`` part: each theme's share of comments and negative share against
    the previous wave (``analysis.theme_changes``; comment and partner thresholds on both sides).
    ``previous_comments(wave_id)``: that wave's comment records (its snapshot, corrections applied),
    or None when it has none."""
    from analysis.theme_changes import theme_changes

    previous_id = previous_wave_id(repos, wave_id)
    before = previous_comments(previous_id) if previous_id else None
    if before is None:
        return {"previous_wave": previous_id, "compared": False, "tests": []}
    return {"previous_wave": previous_id, "compared": True, "min_comments": thresholds.comments,
            "min_partners": thresholds.partners,
            "tests": theme_changes(comments, before, thresholds.comments, thresholds.partners, labels)}


def build_snapshot_parts(repos, wave_id: str, corrections: dict[str, dict],
                         thresholds: Thresholds, enrichments=None,
                         stored: dict | None = None, previous_comments=None) -> tuple[dict, list[dict], list]:
    """(parts to store, comment records, responses) for one wave, from all its responses.

    Builds the wave's state (``wave_state.full_state``: atoms, buckets, drivers per scope from the
    respondents) and derives the published parts from it as the live update does. ``stored``: the
    current snapshot's ``state`` and ``buckets``, whose release record carries over (``release``).
    ``previous_comments(wave_id)``: the previous wave's comment records for the theme comparison
    (``theme_change_part``; None or absent: not compared)."""
    from datetime import UTC, datetime

    from analysis.estimation import Respondents, wave_atoms
    from analysis.scorecard import DRIVERS_BY, key_drivers

    from . import wave_state
    from .program import current_program

    partners = repos.partners.all()
    current, specs, survey, responses = load_wave_data(repos, wave_id, partners)
    previous_id = previous_wave_id(repos, wave_id)
    previous = load_wave_data(repos, previous_id, partners)[0] if previous_id else None
    program = current_program(repos)
    taxonomy = program_taxonomy(program)
    comments = score_comments(responses, survey, corrections, enrichments, taxonomy)
    scored, nps_id = scored_specs(survey)
    drivers = {str(scope) if scope else "all": key_drivers(Respondents(_filtered(current, scope)), scored, nps_id,
                                                            DRIVERS_BY, thresholds.scores) if nps_id else []
               for scope in [None, *_scopes(current.respondents)]}
    before = None if previous is None else {"wave_id": previous_id, "atoms": wave_atoms(previous, scored, nps_id),
                                            "invitations": previous.invitations}
    entries = wave_state.entries_of_frame(current.respondents, {r.invitation_id: int(r.version) for r in responses},
                                          scored, nps_id)
    state, buckets = wave_state.full_state(wave_id, survey, scored, nps_id, entries, comments,
                                           current.invitations, before, drivers,
                                           datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    if stored and (stored.get("state") or {}).get("release"):
        from analysis.atoms import KEY_COLUMNS

        from .release import record_rebuilt

        state["release"] = stored["state"]["release"]
        state["pending"] = dict(stored["state"].get("pending") or {})
        record_rebuilt(state, stored.get("buckets") or {}, buckets, len(KEY_COLUMNS))
    parts: dict[str, object] = {wave_state.STATE_PART: state, **buckets}
    # a full build that releases always releases planned summaries too (the interval rate-limits live updates)
    parts.update(wave_state.derived_parts(state, scored, current.meta, BREAKDOWNS,
                                          replace(thresholds, summary_interval_s=0), program.catalogue(),
                                          comment_summary))
    parts["themes"] = dict(taxonomy.labels)
    parts["reporting"] = survey.reporting
    parts["report"] = report_part(current, survey, comments, thresholds, taxonomy)
    parts["theme_changes"] = theme_change_part(repos, wave_id, comments, previous_comments or (lambda _: None),
                                               thresholds, parts["themes"])
    from .release import released_name

    if released_name("scorecard:all") in parts:  # this build released: restricted readers get this comparison
        parts[released_name("theme_changes")] = parts["theme_changes"]
    return parts, comments, responses


def scored_specs(survey) -> tuple[list, str | None]:
    """(specs of the questions the scorecard scores - all but free text, the NPS question id)."""
    from analysis.frame import question_specs

    specs = [s for s in question_specs(survey) if s.type != "text"]
    return specs, next((s.id for s in specs if s.type == "nps"), None)


def republish(repos, wave_id: str, state: dict, specs, thresholds, report: dict | None) -> dict[str, object]:
    """The parts a changed state publishes: every scope's scorecard and comment summary, and the
    report part with its revenue coverage brought up to the state (when there is one)."""
    from . import wave_state
    from .program import current_program

    parts = wave_state.derived_parts(state, specs, wave_meta(repos.waves.get(wave_id)), BREAKDOWNS, thresholds,
                                     current_program(repos).catalogue(), comment_summary)
    if report is not None:
        parts["report"] = live_report_part(report, state)
    return parts


def merge_live_updates(repos, store, wave_id: str, parts: dict, current: dict, thresholds) -> None:
    """Bring a full build's ``parts`` up to the responses of the ``current`` snapshot's buckets
    (newer versions win) and derive its scorecards and summaries again (in place)."""
    from chalicelib.storage.snapshots import part_version

    from . import wave_state

    state = parts[wave_state.STATE_PART]
    specs, nps_id = scored_specs(survey_of(repos, wave_id))
    buckets = {name: value for name, value in parts.items() if name.startswith(wave_state.BUCKET_PREFIX)}
    for name in (n for n in current["parts"] if n.startswith(wave_state.BUCKET_PREFIX)):
        theirs = store.read_part(wave_id, part_version(current, name), name)
        comments: dict[str, list[dict]] = {}
        for record in theirs.get("comments", []):
            comments.setdefault(record["invitation_id"], []).append(record)
        wave_state.apply_responses(state, buckets, theirs.get("responses", {}), comments, specs, nps_id)
    parts.update(buckets)
    for name in [n for n in parts if n.startswith(("scorecard:", "comment_summary:"))]:
        del parts[name]
    parts.update(republish(repos, wave_id, state, specs, thresholds, parts.get("report")))


def live_report_part(report: dict | None, state: dict) -> dict | None:
    """The stored report part with its revenue coverage recomputed from the state's atoms (its
    themes stay those of the last full build, which the report job makes before a send)."""
    from analysis.coverage import revenue_coverage

    from .wave_state import _wave_data

    if report is None:
        return None
    current = _wave_data(state["wave_id"], state["atoms"], state["invitations"])
    return {**report, "revenue": revenue_coverage(current)}


def report_part(current, survey, comments: list[dict], thresholds: Thresholds, taxonomy=None) -> dict:
    """What the leadership report shows beyond ``scorecard:all``: top themes per tier of each text
    question (from the comment records above, corrections applied; nothing is scored again),
    revenue coverage overall and per tier, the comment threshold and the survey's English title.
    ``taxonomy``: the program's theme taxonomy (the default when None)."""
    from analysis.comments import themes_by_segment
    from analysis.coverage import revenue_coverage
    from chalicelib.domain.survey import localized

    text_questions = [q.id for q in survey.questions() if q.type == "text"]
    themes = (themes_by_segment(comments, text_questions, "tier", thresholds.comments,
                                 taxonomy or program_taxonomy())
              if text_questions and comments else None)
    return {"schema": REPORT_SCHEMA, "comment_threshold": thresholds.comments, "comments": themes,
            "revenue": revenue_coverage(current), "survey_title": localized(survey.title, "en") or None}


def survey_of(repos, wave_id: str):
    """The survey definition a wave runs."""
    wave = repos.waves.get(wave_id)
    return repos.surveys.get(wave.survey_id, wave.survey_version)
