"""Per-comment enrichment, computed once and stored with the response.

An enrichment is a small record per comment (``<invitation id>.<question id>``)::

    {"id", "text_sha", "sentiment_version", "taxonomy_version", "language", "label", "probability",
     "polarity", "reason", "themes"}

``enrich`` takes the comments and the enrichments stored for them and returns the enrichment of
every comment plus the ones that changed (to be written back). The sentiment model runs only for a
comment whose text changed or whose stored ``sentiment_version`` differs from the scorer's; themes
are re-matched (cheap, no model) only when the text or the taxonomy version changed. A second run
over unchanged comments therefore does no model work (``scorer.engine_calls`` stays put).
"""
from __future__ import annotations

from .sentiment import CommentScorer, text_key
from .text_features import clean
from .themes import Taxonomy

FIELDS = ("id", "text_sha", "sentiment_version", "taxonomy_version", "language", "label", "probability",
          "polarity", "reason", "themes")


def enrich(comments: list[dict], stored: dict[str, dict], scorer: CommentScorer,
           taxonomy: Taxonomy) -> tuple[dict[str, dict], list[dict]]:
    """(enrichment by comment id, changed enrichments) for comments ``{"id", "text", "language"}``."""
    out: dict[str, dict] = {}
    changed: list[dict] = []
    rescore = []
    for comment in comments:
        text = clean(comment.get("text"))
        sha = text_key(text)
        old = stored.get(comment["id"])
        same_text = bool(old) and old.get("text_sha") == sha
        if same_text and old.get("sentiment_version") == scorer.version:
            record = dict(old)
            if old.get("taxonomy_version") != taxonomy.version:
                record.update(themes=taxonomy.match(text, record.get("language")), taxonomy_version=taxonomy.version)
                changed.append(record)
            out[comment["id"]] = record
        else:
            rescore.append((comment, text, sha))
    sentiments = scorer.score_many([t for _, t, _ in rescore], [c.get("language") for c, _, _ in rescore])
    for (comment, text, sha), sentiment in zip(rescore, sentiments, strict=True):
        record = {"id": comment["id"], "text_sha": sha, "sentiment_version": scorer.version,
                  "taxonomy_version": taxonomy.version, "language": sentiment.language, "label": sentiment.label,
                  "probability": sentiment.probability, "polarity": sentiment.polarity, "reason": sentiment.reason,
                  "themes": taxonomy.match(text, sentiment.language)}
        out[comment["id"]] = record
        changed.append(record)
    return out, changed


def preload_cache(scorer: CommentScorer, comments: list[dict], enrichments: dict[str, dict]) -> int:
    """Fill the scorer's cache from stored enrichments of the current model, so callers that score
    the same comments again (report, exports) do no model work; returns the entries added."""
    added = 0
    for comment in comments:
        record = enrichments.get(comment["id"])
        text = clean(comment.get("text"))
        if not record or record.get("sentiment_version") != scorer.version or record.get("text_sha") != text_key(text):
            continue
        key = scorer._key(text, comment.get("language"))
        if key not in scorer.cache:
            scorer.cache[key] = {"label": record["label"], "polarity": record.get("polarity"),
                                 "subjectivity": None,
                                 "probability": record.get("probability"), "language": record["language"],
                                 "reason": record.get("reason")}
            added += 1
    return added
