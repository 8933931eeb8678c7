"""The report's inputs from the analysis engine: scorecard, comment summaries, revenue coverage.

A thin wrapper over ``analysis`` (imported inside the functions: pandas and TextBlob must not
load on the request path). The result is a plain dict, so everything after this step (model,
charts, templates) is testable without pandas.
"""
from __future__ import annotations

BREAKDOWNS = "tier,region"


def load_report_inputs(repos, wave_id: str, threshold: int = 5, comment_threshold: int = 8,
                       progress: bool = False, enrichments=None) -> dict:
    """Load the wave (and the previous wave of its survey) and compute the report inputs.

    ``enrichments`` (store of per-comment enrichments written by the results refresh) lets the
    report reuse stored sentiment and themes instead of scoring comments again.
    """
    from analysis.repository_loader import load_wave, previous_wave_id

    partners = repos.partners.all()
    current, specs = load_wave(repos, wave_id, progress=progress, partners=partners)
    previous = None
    previous_id = previous_wave_id(repos, wave_id)
    if previous_id is not None:
        previous, _ = load_wave(repos, previous_id, progress=progress, partners=partners)
    stored = enrichments.for_wave(wave_id) if enrichments is not None else None
    inputs = compute_report_inputs(current, specs, previous, threshold, comment_threshold, enrichments=stored)
    inputs["survey_title"] = _survey_title(repos, wave_id)
    return inputs


def _survey_title(repos, wave_id: str) -> str | None:
    """The survey's English title (for the subject in words), None when it cannot be read."""
    from chalicelib.domain.survey import localized

    try:
        wave = repos.waves.get(wave_id)
        return localized(repos.surveys.get(wave.survey_id, wave.survey_version).title, "en")
    except Exception:  # noqa: BLE001 - a subject without the title is still a subject
        return None


def compute_report_inputs(current, specs, previous=None, threshold: int = 5, comment_threshold: int = 8,
                          scorer=None, enrichments: dict | None = None) -> dict:
    """Scorecard by tier and region (with wave-over-wave tests), comments per tier, revenue coverage."""
    from analysis.scorecard import build_scorecard

    scorecard = build_scorecard(current, specs, BREAKDOWNS, previous=previous, threshold=threshold,
                                drivers_by="tier")
    comments = None
    text_questions = [s.id for s in specs if s.type == "text"]
    if text_questions and current.tidy is not None and len(current.tidy):
        comments = comment_themes_by_tier(current.tidy, text_questions, comment_threshold, scorer=scorer,
                                          enrichments=enrichments)
    return {"scorecard": scorecard, "comments": comments, "revenue": revenue_coverage(current)}


def revenue_coverage(current) -> dict:
    """Share of invited partners' annual revenue whose partner answered, overall and per tier.

    Uses the directory attributes of the invitation frame; the model shows a tier's share only
    where the scorecard publishes that tier.
    """
    invitations = current.invitations
    if invitations is None or invitations.empty:
        return {"overall": None, "tier": {}}
    answered = set(current.respondents["partner_id"]) if len(current.respondents) else set()
    partners = (invitations.drop_duplicates("partner_id")
                .assign(revenue=lambda d: d["annual_revenue"].astype(float).fillna(0.0),
                        answered=lambda d: d["partner_id"].isin(answered)))

    def share(frame) -> float | None:
        total = float(frame["revenue"].sum())
        return round(float(frame.loc[frame["answered"], "revenue"].sum()) / total, 4) if total > 0 else None

    return {"overall": share(partners),
            "tier": {str(tier): share(group) for tier, group in partners.groupby("tier", sort=True)}}


def comment_themes_by_tier(tidy, text_questions: list[str], threshold: int = 8, scorer=None,
                           taxonomy=None, enrichments: dict | None = None) -> dict:
    """Per text question and tier: themes with comment counts, mean polarity and examples.

    The same scoring, taxonomy, suppression (primary + complementary at ``threshold`` comments)
    and example choice as ``analysis.comments.wave_comment_summaries``, without its phrase
    discovery (noun-phrase parsing of every comment: ~70% of its time, and not in the report).
    Output has the same shape: ``{question: {"segments": [{"segment", "suppressed", "themes"}]}}``.
    """
    from analysis.comments import TOP_THEMES, scored_from_enrichments, theme_summaries
    from analysis.sentiment import CommentScorer
    from analysis.suppression import MARKER, suppress_cells
    from analysis.themes import Taxonomy

    scorer = scorer or CommentScorer()
    taxonomy = taxonomy or Taxonomy.load()
    out = {}
    for question_id in text_questions:
        rows = tidy[(tidy["question_id"] == question_id) & tidy["text"].notna()]
        rows = rows[rows["text"].astype(str).str.strip() != ""]
        scored = scored_from_enrichments(rows, scorer, taxonomy, enrichments)
        data = scored.assign(text=rows["text"].astype(str), tier=rows["tier"].fillna("(unknown)").astype(str))
        counts = data.groupby("tier").size().rename("n").reset_index()
        status = suppress_cells(counts, ["tier"], "n", threshold) if len(counts) else []
        segments = []
        for i, row in counts.iterrows():
            if status[i]:
                segments.append({"segment": row["tier"], "suppressed": status[i], "themes": MARKER})
                continue
            themes = theme_summaries(data[data["tier"] == row["tier"]], taxonomy)
            segments.append({"segment": row["tier"], "suppressed": False, "themes": themes[:TOP_THEMES]})
        out[question_id] = {"threshold": threshold, "segments": segments}
    return out
