"""Comments: sentiment and themes per comment, and per-segment summaries.

Per-segment summaries respect the comment threshold (default 8 comments): smaller segments,
and the complements needed so they cannot be recovered by subtraction, carry only the marker.
"""
from __future__ import annotations

import pandas as pd

from .sentiment import NOT_SCORED, CommentScorer
from .suppression import MARKER, suppress_cells
from .themes import Taxonomy

COMMENT_THRESHOLD = 8
EXAMPLES_PER_THEME = 3
TOP_THEMES = 10
COLUMNS = ["label", "polarity", "subjectivity", "probability", "language", "reason", "themes", "theme_tones"]


def score_comments(texts: pd.Series, scorer: CommentScorer, taxonomy: Taxonomy,
                   languages: pd.Series | None = None, progress=None) -> pd.DataFrame:
    """One row per comment (same index): label, polarity, subjectivity, probability, language, reason,
    themes, theme_tones (``{theme: {"label", "polarity", "segment"}}``, ``analysis.aspect_tone``).

    Scored in one batch (each distinct text once; cached texts cost nothing); themes are matched in
    the detected language.
    """
    hints = [h if isinstance(h, str) else None for h in (languages.tolist() if languages is not None
                                                          else [None] * len(texts))]
    from .aspect_tone import theme_tones

    values = ["" if not isinstance(t, str) else t for t in texts.tolist()]
    sentiments = scorer.score_many(values, hints)
    rows = []
    for text, sentiment in zip(values, sentiments, strict=True):
        rows.append({**sentiment.to_dict(), "themes": tuple(taxonomy.match(text, sentiment.language))})
        if progress is not None:
            progress()
    tones = theme_tones(values, [r["language"] for r in rows], [r["themes"] for r in rows], rows, scorer, taxonomy)
    for row, tone in zip(rows, tones, strict=True):
        row["theme_tones"] = tone
    return pd.DataFrame(rows, index=texts.index, columns=COLUMNS)


def scored_from_enrichments(rows: pd.DataFrame, scorer: CommentScorer, taxonomy: Taxonomy,
                            enrichments: dict[str, dict] | None) -> pd.DataFrame:
    """Like ``score_comments`` for tidy rows (``response_id``, ``question_id``, ``text``, ``language``),
    but taking each comment's stored enrichment when it is current (same text and model version);
    only the others are scored. Themes stored under another taxonomy are matched again (cheap, no
    model work)."""
    from .sentiment import text_key
    from .text_features import clean

    if not enrichments or "response_id" not in rows or "question_id" not in rows:
        return score_comments(rows["text"], scorer, taxonomy, rows["language"] if "language" in rows else None)
    columns = COLUMNS
    found, missing = {}, []
    for index, response_id, question_id, text in zip(rows.index, rows["response_id"], rows["question_id"],
                                                     rows["text"], strict=True):
        record = enrichments.get(f"{response_id}.{question_id}")
        if (record and record.get("sentiment_version") == scorer.version
                and record.get("text_sha") == text_key(clean(text))):
            themes = (record.get("themes") or () if record.get("taxonomy_version") == taxonomy.version
                      else taxonomy.match(text, record["language"]))
            found[index] = {"label": record["label"], "polarity": record.get("polarity"),
                            "subjectivity": None, "probability": record.get("probability"),
                            "language": record["language"], "reason": record.get("reason"),
                            "themes": tuple(themes), "theme_tones": _stored_tones(record, themes)}
        else:
            missing.append(index)
    if missing:
        part = rows.loc[missing]
        scored = score_comments(part["text"], scorer, taxonomy, part["language"])
        found.update(scored.to_dict("index"))
    return pd.DataFrame([found[i] for i in rows.index], index=rows.index, columns=columns)


def _stored_tones(record: dict, themes) -> dict:
    """The stored per-theme tones of an enrichment for ``themes``; a theme without one (older
    records, re-matched themes) takes the comment's own tone."""
    stored = record.get("theme_tones") or {}
    whole = {"label": record["label"], "polarity": record.get("polarity")}
    return {t: {**whole, **stored[t]} if isinstance(stored.get(t), dict) else dict(whole) for t in themes}


def summarise_comments(comments: pd.DataFrame, scored: pd.DataFrame, text_column: str,
                       segment_column: str | None, taxonomy: Taxonomy,
                       threshold: int = COMMENT_THRESHOLD, top_phrases: int = 15) -> dict:
    """Per-segment summary: label counts, mean polarity, top themes (count, mean polarity,
    examples) and emerging topics per language, plus the same for all comments ("overall")."""
    data = scored.assign(text=comments[text_column].fillna("").astype(str))
    data = data[data["text"].str.strip() != ""]
    if segment_column:
        data = data.assign(segment=comments.loc[data.index, segment_column].fillna("(unknown)").astype(str))
    overall = (_summary(data, taxonomy, top_phrases, threshold) if len(data) >= threshold
               else _hidden(len(data) and "primary"))
    out = {"threshold": threshold, "marker": MARKER, "comments": int(len(data)), "overall": overall, "segments": []}
    if segment_column and len(data):
        counts = data.groupby("segment").size().rename("n").reset_index()
        status = suppress_cells(counts, ["segment"], "n", threshold, total=len(data))
        for i, row in counts.iterrows():
            part = data[data["segment"] == row["segment"]]
            body = _hidden(status[i]) if status[i] else _summary(part, taxonomy, top_phrases, threshold)
            out["segments"].append({"segment": row["segment"], **body})
    return out


def _hidden(reason) -> dict:
    return {"suppressed": reason or "primary", "comments": MARKER, "labels": MARKER, "mean_polarity": MARKER,
            "themes": MARKER, "topics": MARKER}


def distinct_quotes(texts: list[str], limit: int) -> list[str]:
    """The first ``limit`` texts that differ once case, punctuation and spacing are ignored."""
    import re

    out, seen = [], set()
    for text in texts:
        key = re.sub(r"\W+", " ", str(text).lower()).strip()
        if key and key not in seen:
            seen.add(key)
            out.append(text)
            if len(out) == limit:
                break
    return out


QUOTE_CANDIDATES = 8  # per theme: enough to find quotes of the theme's own tone


def _labelled_quotes(group: pd.DataFrame) -> list[dict]:
    """Up to QUOTE_CANDIDATES distinct comments of a theme with their sentiment label and language
    (most confidently labelled first), so a report can quote comments of the tone it states."""
    ordered = group.assign(order=-group["probability"].fillna(0.0)).sort_values(["order", "text"])
    texts = distinct_quotes(ordered["text"].tolist(), QUOTE_CANDIDATES)
    first = ordered.drop_duplicates("text").set_index("text")
    has_language = "language" in first.columns
    return [{"text": text, "label": str(first.at[text, "label"]),
             "language": str(first.at[text, "language"]) if has_language and pd.notna(first.at[text, "language"])
             else None} for text in texts]


def theme_summaries(part: pd.DataFrame, taxonomy: Taxonomy) -> list[dict]:
    """Per theme of scored comments (``themes``, ``polarity``, ``label``, ``probability``, ``text``,
    optionally ``theme_tones``): count, mean polarity, negative/positive counts and up to three
    distinct examples (the most confidently labelled first), most frequent first. The polarity and
    counts are the theme's own tone (``theme_tones``) when known, else the comment's;
    ``comment_mean_polarity`` keeps the whole comments' mean beside it."""
    exploded = part.explode("themes").dropna(subset=["themes"])
    whole_polarity = exploded["polarity"]
    if "theme_tones" in exploded:  # each theme's own tone (analysis.aspect_tone) where known
        tone = [t.get(theme) if isinstance(t, dict) else None
                for t, theme in zip(exploded["theme_tones"], exploded["themes"], strict=True)]
        exploded = exploded.assign(
            label=[o["label"] if o else label for o, label in zip(tone, exploded["label"], strict=True)],
            polarity=pd.to_numeric(pd.Series([o["polarity"] if o else p for o, p in
                                              zip(tone, exploded["polarity"], strict=True)], index=exploded.index)),
            whole_polarity=whole_polarity)
    else:
        exploded = exploded.assign(whole_polarity=whole_polarity)
    themes = []
    for theme_id, group in exploded.groupby("themes"):
        polarity = group["polarity"].dropna()
        whole = pd.to_numeric(group["whole_polarity"]).dropna()
        examples = distinct_quotes(group.assign(order=-group["probability"].fillna(0.0))
                                   .sort_values(["order", "text"])["text"].tolist(), EXAMPLES_PER_THEME)
        themes.append({"theme": theme_id, "label": taxonomy.labels.get(theme_id, theme_id),
                       "comments": int(len(group)),
                       "mean_polarity": round(float(polarity.mean()), 4) if len(polarity) else None,
                       "negative": int((group["label"] == "negative").sum()),
                       "positive": int((group["label"] == "positive").sum()),
                       "examples": examples, "tone": "theme",
                       "comment_mean_polarity": round(float(whole.mean()), 4) if len(whole) else None,
                       "quotes": _labelled_quotes(group)})
    return sorted(themes, key=lambda t: (-t["comments"], t["theme"]))


def _summary(part: pd.DataFrame, taxonomy: Taxonomy, top_topics: int, threshold: int = COMMENT_THRESHOLD) -> dict:
    scored = part[part["label"] != NOT_SCORED]
    labels = {label: int(n) for label, n in part["label"].value_counts().sort_index().items()}
    themes = theme_summaries(part, taxonomy)
    return {"suppressed": False, "comments": int(len(part)), "labels": labels,
            "mean_polarity": round(float(scored["polarity"].mean()), 4) if len(scored) else None,
            "themes": themes[:TOP_THEMES],
            "topics": topics_by_language(part, threshold)[:top_topics]}


def topics_by_language(part: pd.DataFrame, threshold: int = COMMENT_THRESHOLD) -> list[dict]:
    """Emerging topics (``analysis.topics``) of each language with at least ``threshold`` comments;
    topics smaller than ``threshold`` comments are not reported."""
    from .topics import emerging_topics

    out = []
    for language, group in part.groupby("language"):
        if len(group) < threshold:
            continue
        out += emerging_topics(group["text"].tolist(), str(language), group["label"].tolist(),
                               group["polarity"].tolist(), threshold=threshold)
    return sorted(out, key=lambda t: (-t["comments"], t["language"] or "", t["label"]))


def themes_by_segment(records: list[dict], text_questions: list[str], dimension: str = "tier",
                      threshold: int = COMMENT_THRESHOLD, taxonomy: Taxonomy | None = None) -> dict:
    """Per text question and segment: top themes of already scored comment records (no scoring).

    ``records``: the results snapshot's comment records (``question_id``, ``text``, ``label``,
    ``polarity``, ``probability``, ``themes`` with reviewers' corrections applied, and the segment
    attribute). The same suppression (primary + complementary at ``threshold`` comments), theme
    summaries and example choice as ``wave_comment_summaries``, without its phrase discovery.
    Output: ``{question: {"threshold", "segments": [{"segment", "suppressed", "themes"}]}}``.
    """
    taxonomy = taxonomy or Taxonomy.load()
    columns = ["question_id", "text", "label", "polarity", "probability", "themes", "theme_tones", "segment",
               "language"]
    data = pd.DataFrame([{"question_id": r["question_id"], "text": str(r["text"]), "label": r["label"],
                          "language": r.get("language"),
                          "polarity": r.get("polarity"), "probability": r.get("probability"),
                          "themes": tuple(r.get("themes") or ()),
                          "theme_tones": _stored_tones({"label": r["label"], "polarity": r.get("polarity"),
                                                        # a reviewer's label replaces the model's tones
                                                        "theme_tones": None if r.get("corrected")
                                                        else r.get("theme_tones")},
                                                       tuple(r.get("themes") or ())),
                          "segment": str(r.get(dimension) or "(unknown)")}
                         for r in records if str(r.get("text") or "").strip()], columns=columns)
    data = data.assign(polarity=pd.to_numeric(data["polarity"]), probability=pd.to_numeric(data["probability"]))
    out = {}
    for question_id in text_questions:
        rows = data[data["question_id"] == question_id].reset_index(drop=True)
        counts = rows.groupby("segment").size().rename("n").reset_index()
        status = suppress_cells(counts, ["segment"], "n", threshold) if len(counts) else []
        segments = []
        for i, row in counts.iterrows():
            if status[i]:
                segments.append({"segment": row["segment"], "suppressed": status[i], "themes": MARKER})
                continue
            themes = theme_summaries(rows[rows["segment"] == row["segment"]], taxonomy)
            segments.append({"segment": row["segment"], "suppressed": False, "themes": themes[:TOP_THEMES]})
        out[question_id] = {"threshold": threshold, "segments": segments}
    return out


def wave_comment_summaries(tidy: pd.DataFrame, text_questions: list[str], by: str = "tier",
                           threshold: int = COMMENT_THRESHOLD, scorer: CommentScorer | None = None,
                           taxonomy: Taxonomy | None = None) -> dict:
    """Per text question: the comment summary overall and per ``by`` segment (a snapshot column)."""
    scorer = scorer or CommentScorer()
    taxonomy = taxonomy or Taxonomy.load()
    out = {}
    for question_id in text_questions:
        rows = tidy[(tidy["question_id"] == question_id) & tidy["text"].notna()]
        scored = score_comments(rows["text"], scorer, taxonomy, rows["language"])
        out[question_id] = summarise_comments(rows, scored, "text", by if by in rows else None, taxonomy, threshold)
    return out
