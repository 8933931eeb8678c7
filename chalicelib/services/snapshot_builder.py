"""Build a wave's results snapshot with the analysis engine (the heavy half of results).

Runs in the scheduled job and the CLI only: pandas, TextBlob and ``analysis`` are imported
inside the functions, never on the request path. The snapshot has these parts:

- ``scorecard:all`` and ``scorecard:<dimension>=<value>`` for every region and tier: the
  ``pulse.scorecard/1`` document (``analysis.scorecard.build_scorecard``) of the whole wave and
  of each scope a viewer may hold, so a scoped viewer's numbers come from its scope only.
- ``comments``: one record per comment with segment attributes, sentiment label, themes and
  correction marks; ``comment_summary:<scope>``: sentiment mix and theme counts per tier and
  region, cells under the comment threshold suppressed.
"""
from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

from chalicelib.security.staff import SCOPE_DIMENSIONS, Scope

BREAKDOWNS = "tier,region,partner_type,transacting,program,tier:region"
SUMMARY_DIMENSIONS = ("tier", "region")
STRONGLY_NEGATIVE_PROBABILITY = 0.2
MARKER = "suppressed"


@dataclass(frozen=True)
class Thresholds:
    scores: int = 5
    comments: int = 8


def comment_id(invitation_id: str, question_id: str) -> str:
    return f"{invitation_id}.{question_id}"


@functools.cache
def _taxonomy():
    """The analysis engine's theme taxonomy (loaded once per process), its matches memoised."""
    try:
        from analysis.themes import Taxonomy
    except ImportError:  # pragma: no cover - older engine without themes
        return None
    return MemoTaxonomy(Taxonomy.load())


class MemoTaxonomy:
    """A taxonomy whose ``match`` remembers the last texts it saw (surveys repeat short comments)."""

    def __init__(self, taxonomy, size: int = 50_000):
        self.taxonomy = taxonomy
        self.labels = taxonomy.labels
        self.match = functools.lru_cache(maxsize=size)(taxonomy.match)


class MemoScorer:
    """A sentiment scorer that scores each distinct (text, language) once per refresh."""

    def __init__(self, scorer):
        self.scorer = scorer
        self._seen: dict = {}

    def score(self, text: str, language: str | None):
        key = (text, language)
        if key not in self._seen:
            self._seen[key] = self.scorer.score(text, language)
        return self._seen[key]


def score_comments(responses, survey, corrections: dict[str, dict]) -> list[dict]:
    """Comment records of submitted responses: attributes, sentiment, themes, corrections applied."""
    from analysis.sentiment import TextBlobScorer

    text_questions = [q.id for q in survey.questions() if q.type == "text"]
    nps_id = next((q.id for q in survey.questions() if q.type == "nps"), None)
    scorer, taxonomy = MemoScorer(TextBlobScorer()), _taxonomy()
    records = []
    for response in responses:
        if response.status != "submitted":
            continue
        partner = response.partner or {}
        for qid in text_questions:
            text = (response.answers or {}).get(qid)
            if not isinstance(text, str) or not text.strip():
                continue
            sentiment = scorer.score(text, response.language)
            cid = comment_id(response.invitation_id, qid)
            record = {
                "id": cid, "wave_id": response.wave_id, "invitation_id": response.invitation_id,
                "partner_id": response.partner_id,
                "question_id": qid, "text": text, "language": response.language,
                "tier": partner.get("tier"), "region": partner.get("region"),
                "country": partner.get("country"),
                "partner_types": list(partner.get("partner_types") or []),
                "programs": list(partner.get("programs") or []),
                "nps": (response.answers or {}).get(nps_id) if nps_id else None,
                "label": sentiment.label, "probability": sentiment.probability,
                "model_label": sentiment.label,
                "themes": taxonomy.match(text) if taxonomy else [],
                "corrected": None,
            }
            record["model_themes"] = list(record["themes"])
            apply_correction(record, corrections.get(cid))
            records.append(record)
    return records


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
    probability = record.get("probability")
    return probability is not None and probability <= STRONGLY_NEGATIVE_PROBABILITY


def comment_summary(records: list[dict], threshold: int) -> dict:
    """Sentiment mix and top themes per tier and per region; small cells suppressed."""
    out = {}
    for dimension in SUMMARY_DIMENSIONS:
        groups: dict[str, list[dict]] = {}
        for record in records:
            groups.setdefault(record.get(dimension) or "(unknown)", []).append(record)
        cells = []
        for value in sorted(groups):
            part = groups[value]
            if len(part) < threshold:
                cells.append({"segment": value, "comments": MARKER, "suppressed": True})
                continue
            labels = Counter(r["label"] for r in part)
            themes = Counter(t for r in part for t in r["themes"])
            theme_sentiment = {}
            for theme, count in themes.most_common(8):
                mix = Counter(r["label"] for r in part if theme in r["themes"])
                theme_sentiment[theme] = {"count": count, "labels": dict(mix)} if count >= threshold \
                    else MARKER
            cells.append({"segment": value, "comments": len(part), "suppressed": False,
                          "labels": {k: labels.get(k, 0) for k in ("positive", "neutral", "negative")}
                          | {k: v for k, v in labels.items() if k not in ("positive", "neutral", "negative")},
                          "themes": theme_sentiment})
        # complementary suppression: one hidden cell could be recovered from the total
        hidden = [c for c in cells if c["suppressed"]]
        shown = [c for c in cells if not c["suppressed"]]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda c: c["comments"])
            smallest.clear()
            smallest.update({"segment": smallest.get("segment"), "comments": MARKER, "suppressed": True})
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
    invitations = invitation_frame(repos.invitations.for_wave(wave_id), partners)
    meta = {"survey_id": wave.survey_id, "survey_version": wave.survey_version, "status": wave.status,
            "opens_at": wave.opens_at, "closes_at": wave.closes_at}
    return WaveData(wave_id=wave_id, respondents=respondents, invitations=invitations, meta=meta), \
        question_specs(survey), survey, responses


def previous_wave_id(repos, wave_id: str) -> str | None:
    wave = repos.waves.get(wave_id)
    earlier = [w for w in repos.waves.waves_of_survey(wave.survey_id) if w.opens_at < wave.opens_at]
    return max(earlier, key=lambda w: w.opens_at).wave_id if earlier else None


def build_snapshot_parts(repos, wave_id: str, corrections: dict[str, dict],
                         thresholds: Thresholds) -> tuple[dict, list[dict], list]:
    """(parts to store, comment records, responses) for one wave."""
    from analysis.scorecard import build_scorecard

    partners = repos.partners.all()
    current, specs, survey, responses = load_wave_data(repos, wave_id, partners)
    previous_id = previous_wave_id(repos, wave_id)
    previous = load_wave_data(repos, previous_id, partners)[0] if previous_id else None
    comments = score_comments(responses, survey, corrections)
    parts: dict[str, object] = {"comments": comments}
    for scope in [None, *_scopes(current.respondents)]:
        name = str(scope) if scope else "all"
        prev = _filtered(previous, scope) if previous is not None else None
        parts[f"scorecard:{name}"] = build_scorecard(
            _filtered(current, scope), specs, BREAKDOWNS, previous=prev,
            threshold=thresholds.scores, drivers_by="tier")
        scoped = [c for c in comments if scope is None or scope.admits(c)]
        parts[f"comment_summary:{name}"] = comment_summary(scoped, thresholds.comments)
    parts["themes"] = _theme_labels()
    return parts, comments, responses


def _theme_labels() -> dict[str, str]:
    taxonomy = _taxonomy()
    return dict(taxonomy.labels) if taxonomy else {}
