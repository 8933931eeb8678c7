"""HTML (e-mail and standalone archive) and plain text from the report model, via Jinja2.

Autoescape is on for every ``.html`` template, so partner comments, segment names and question
texts are always escaped; the plain-text part is never interpreted as markup.
"""
from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"], default_for_string=True),
                       trim_blocks=False, lstrip_blocks=False)


def content_id(name: str) -> str:
    """The Content-ID (without angle brackets) of a chart file in the e-mail."""
    return f"{name.rsplit('.', 1)[0].replace('_', '-')}@partner-pulse"


def render_email_html(model: dict, charts: dict[str, bytes]) -> str:
    """HTML for the e-mail: charts referenced as ``cid:`` inline parts."""
    images = {name: f"cid:{content_id(name)}" for name in charts}
    return environment().get_template("email.html").render(m=model, images=images)


def render_archive_html(model: dict, charts: dict[str, bytes]) -> str:
    """One self-contained HTML file: charts embedded as data URIs (opens anywhere, offline)."""
    images = {name: "data:image/png;base64," + base64.b64encode(png).decode("ascii")
              for name, png in charts.items()}
    return environment().get_template("archive.html").render(m=model, images=images)


def render_text(model: dict) -> str:
    """The plain-text alternative of the e-mail."""
    return environment().get_template("email.txt").render(m=model)


def subject_for(model: dict, survey_title: str | None = None) -> str:
    """A subject in words: "Partner Experience Survey H1 2026 — weekly summary".

    The wave is named as the survey names it (the wave's title, else its id), never guessed from
    dates; control characters in the titles become spaces, so it never holds a line break.
    """
    import re

    def one_line(text: str, limit: int) -> str:
        return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())[:limit]

    title = one_line(survey_title or "Partner Pulse", 120)
    label = one_line(str(model.get("wave_label") or model["wave_id"]), 60)
    if model["final"]:
        when = "final summary"
    elif re.match(r"^\d{4}-W\d{2}$", str(model["period"])):
        when = "weekly summary"
    else:
        when = f"summary {model['period']}"
    return f"{title} {label} \u2014 {when}"
