""""Did you mean ...?" hints for unknown ids (standard library difflib)."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` existing ids most like ``value`` (case-insensitive), best first."""
    pool = sorted({str(c) for c in candidates})
    lowered = {c.lower(): c for c in pool}
    found = difflib.get_close_matches(str(value).lower(), list(lowered), n=n, cutoff=0.5)
    return [lowered[f] for f in found]


def did_you_mean(value: str, candidates: Iterable[str]) -> str:
    """`` (did you mean a, b?)`` or an empty string when nothing is close."""
    found = closest(value, candidates)
    return f" (did you mean {', '.join(found)}?)" if found else ""
