"""Comments: sentiment and themes per comment, and per-segment summaries.

Per-segment summaries respect the comment threshold (default 8 comments): smaller segments,
and the complements needed so they cannot be recovered by subtraction, carry only the marker.
"""
from __future__ import annotations

import pandas as pd

from .sentiment import NOT_SCORED, TextBlobScorer
from .suppression import MARKER, suppress_cells
from .themes import Taxonomy, discover_phrases

COMMENT_THRESHOLD = 8
EXAMPLES_PER_THEME = 3
TOP_THEMES = 10


def score_comments(texts: pd.Series, scorer: TextBlobScorer, taxonomy: Taxonomy,
                   languages: pd.Series | None = None, progress=None) -> pd.DataFrame:
    """One row per comment (same index): label, polarity, subjectivity, probability, language, themes."""
    hints = languages.tolist() if languages is not None else [None] * len(texts)
    rows = []
    for text, hint in zip(texts.fillna("").astype(str).tolist(), hints, strict=True):
        sentiment = scorer.score(text, hint if isinstance(hint, str) else None)
        rows.append({**sentiment.to_dict(), "themes": tuple(taxonomy.match(text))})
        if progress is not None:
            progress()
    return pd.DataFrame(rows, index=texts.index,
                        columns=["label", "polarity", "subjectivity", "probability", "language", "themes"])


def summarise_comments(comments: pd.DataFrame, scored: pd.DataFrame, text_column: str,
                       segment_column: str | None, taxonomy: Taxonomy,
                       threshold: int = COMMENT_THRESHOLD, top_phrases: int = 15) -> dict:
    """Per-segment summary: label counts, mean polarity, top themes (count, mean polarity,
    examples) and discovered phrases, plus the same for all comments ("overall")."""
    data = scored.assign(text=comments[text_column].fillna("").astype(str))
    data = data[data["text"].str.strip() != ""]
    if segment_column:
        data = data.assign(segment=comments.loc[data.index, segment_column].fillna("(unknown)").astype(str))
    overall = _summary(data, taxonomy, top_phrases) if len(data) >= threshold else _hidden(len(data) and "primary")
    out = {"threshold": threshold, "marker": MARKER, "comments": int(len(data)), "overall": overall, "segments": []}
    if segment_column and len(data):
        counts = data.groupby("segment").size().rename("n").reset_index()
        status = suppress_cells(counts, ["segment"], "n", threshold, total=len(data))
        for i, row in counts.iterrows():
            part = data[data["segment"] == row["segment"]]
            body = _hidden(status[i]) if status[i] else _summary(part, taxonomy, top_phrases)
            out["segments"].append({"segment": row["segment"], **body})
    return out


def _hidden(reason) -> dict:
    return {"suppressed": reason or "primary", "comments": MARKER, "labels": MARKER, "mean_polarity": MARKER,
            "themes": MARKER, "discovered": MARKER}


def theme_summaries(part: pd.DataFrame, taxonomy: Taxonomy) -> list[dict]:
    """Per theme of scored comments (``themes``, ``polarity``, ``label``, ``probability``, ``text``):
    count, mean polarity, negative/positive counts and the most typical examples, most frequent first."""
    exploded = part.explode("themes").dropna(subset=["themes"])
    themes = []
    for theme_id, group in exploded.groupby("themes"):
        polarity = group["polarity"].dropna()
        examples = (group.assign(order=group["probability"].fillna(0.5)).sort_values(["order", "text"])
                    ["text"].head(EXAMPLES_PER_THEME).tolist())
        themes.append({"theme": theme_id, "label": taxonomy.labels.get(theme_id, theme_id),
                       "comments": int(len(group)),
                       "mean_polarity": round(float(polarity.mean()), 4) if len(polarity) else None,
                       "negative": int((group["label"] == "negative").sum()),
                       "positive": int((group["label"] == "positive").sum()),
                       "examples": examples})
    return sorted(themes, key=lambda t: (-t["comments"], t["theme"]))


def _summary(part: pd.DataFrame, taxonomy: Taxonomy, top_phrases: int) -> dict:
    scored = part[part["label"] != NOT_SCORED]
    labels = {label: int(n) for label, n in part["label"].value_counts().sort_index().items()}
    themes = theme_summaries(part, taxonomy)
    english = part.loc[part["language"] == "en", "text"]
    return {"suppressed": False, "comments": int(len(part)), "labels": labels,
            "mean_polarity": round(float(scored["polarity"].mean()), 4) if len(scored) else None,
            "themes": themes[:TOP_THEMES],
            "discovered": discover_phrases(english, taxonomy, top=top_phrases)}


def wave_comment_summaries(tidy: pd.DataFrame, text_questions: list[str], by: str = "tier",
                           threshold: int = COMMENT_THRESHOLD, scorer: TextBlobScorer | None = None,
                           taxonomy: Taxonomy | None = None) -> dict:
    """Per text question: the comment summary overall and per ``by`` segment (a snapshot column)."""
    scorer = scorer or TextBlobScorer()
    taxonomy = taxonomy or Taxonomy.load()
    out = {}
    for question_id in text_questions:
        rows = tidy[(tidy["question_id"] == question_id) & tidy["text"].notna()]
        scored = score_comments(rows["text"], scorer, taxonomy, rows["language"])
        out[question_id] = summarise_comments(rows, scored, "text", by if by in rows else None, taxonomy, threshold)
    return out
