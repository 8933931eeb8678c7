"""Per-comment enrichment, computed once and stored with the response.

An enrichment is a small record per comment (``<invitation id>.<question id>``)::

    {"id", "text_sha", "sentiment_version", "taxonomy_version", "language", "label", "probability",
     "polarity", "reason", "themes", "theme_tones"}

``theme_tones`` is each matched theme's own tone (``analysis.aspect_tone``): ``{theme: {"label",
"polarity"}}``.

``enrich`` takes the comments and the enrichments stored for them and returns the enrichment of
every comment plus the ones that changed (to be written back). The sentiment model runs only for a
comment whose text changed or whose stored ``sentiment_version`` differs from the scorer's; themes
are re-matched only when the text or the taxonomy version changed; a re-matched theme takes the
comment's tone (no model work) until the comment is scored again (edited text or a new model). A second run
over unchanged comments therefore does no model work (``scorer.engine_calls`` stays put).
"""
from __future__ import annotations

from .aspect_tone import theme_tones
from .sentiment import CommentScorer, text_key
from .text_features import clean
from .themes import Taxonomy

FIELDS = ("id", "text_sha", "sentiment_version", "taxonomy_version", "language", "label", "probability",
          "polarity", "reason", "themes", "theme_tones")


def enrich(comments: list[dict], stored: dict[str, dict], scorer: CommentScorer,
           taxonomy: Taxonomy) -> tuple[dict[str, dict], list[dict]]:
    """(enrichment by comment id, changed enrichments) for comments ``{"id", "text", "language"}``."""
    out: dict[str, dict] = {}
    changed: list[dict] = []
    rescore, retheme = [], []
    for comment in comments:
        text = clean(comment.get("text"))
        sha = text_key(text)
        old = stored.get(comment["id"])
        same_text = bool(old) and old.get("text_sha") == sha
        if same_text and old.get("sentiment_version") == scorer.version:
            record = dict(old)
            if old.get("taxonomy_version") != taxonomy.version:
                record.update(themes=taxonomy.match(text, record.get("language")), taxonomy_version=taxonomy.version)
                record["theme_tones"] = stored_tones(theme_tones([text], [record.get("language")], [record["themes"]],
                                                                 [record], None, taxonomy)[0])  # no model work
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
        retheme.append((record, text))
    tones = theme_tones([t for _, t in retheme], [r["language"] for r, _ in retheme],
                        [r["themes"] for r, _ in retheme], [r for r, _ in retheme], scorer, taxonomy)
    for (record, _), tone in zip(retheme, tones, strict=True):
        record["theme_tones"] = stored_tones(tone)
    return out, changed


def stored_tones(tones: dict) -> dict:
    """Theme tones as stored (label and polarity; the segment text is not kept, items stay small)."""
    return {theme: {"label": t["label"], "polarity": t["polarity"]} for theme, t in tones.items()}


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
