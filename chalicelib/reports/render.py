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


def subject_for(model: dict) -> str:
    """Short, fixed-shape subject (wave ids are validated, so it never holds a line break)."""
    when = "final summary" if model["final"] else f"summary {model['period']}"
    return f"Partner Pulse {model['wave_id']}: {when}"
