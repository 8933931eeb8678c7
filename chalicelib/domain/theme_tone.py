"""The tone a comment gives each theme it matches, as every staff surface shows it.

A comment that praises the portal and complains about payouts is positive about the portal and
negative about payouts: each theme takes the tone of the part of the comment about it
(``analysis.aspect_tone``, stored per comment as ``theme_tones``). A theme without a stored tone
(records from before per-theme tones, a theme a reviewer added) takes the comment's label, and a
reviewer's corrected label replaces the model's tones of that comment. Comment counts
(``wave_state``) carry the result as ``theme_labels``. Standard library only.
"""
from __future__ import annotations


def theme_label(record: dict, theme: str) -> str:
    """The label of ``theme`` in one comment record (or comment count): its own tone where known."""
    if record.get("corrected"):
        return record["label"]
    given = (record.get("theme_labels") or {}).get(theme)
    if given:
        return given
    tone = (record.get("theme_tones") or {}).get(theme)
    label = tone.get("label") if isinstance(tone, dict) else None
    return label or record["label"]


def theme_labels(record: dict) -> dict[str, str]:
    """``{theme: label}`` for every theme of the record, in its order."""
    return {theme: theme_label(record, theme) for theme in record.get("themes") or ()}


def tone_cells(record: dict) -> list[str]:
    """``["portal: positive", "payouts: negative"]``: the export form of a record's theme tones."""
    return [f"{theme}: {label}" for theme, label in theme_labels(record).items()]
