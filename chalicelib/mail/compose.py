"""Rendering invitation, reminder and "finish your survey" e-mails from Jinja2 templates.

One plain-text and one HTML layout (``templates/email.txt``, ``templates/email.html``) take
their words from ``texts.py``; HTML autoescaping is on, so names such as
``<b>ACME</b> & Co`` appear as text. Links are absolute URLs given by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from .message import MessageParts
from .texts import TEXTS, choose_language, format_date, minutes_text

KINDS = ("invitation", "reminder", "finish")
TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment():
    """The Jinja2 environment (built once; HTML autoescaped, plain text not)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt",),
                                                   default=True),
                       keep_trailing_newline=True)


@cache
def template(name: str):
    """A compiled template, looked up once (no per-mail loader or file-date check)."""
    return environment().get_template(name)


@dataclass(frozen=True)
class MailContext:
    partner_name: str
    contact_name: str
    closes_at: datetime
    survey_url: str
    unsubscribe_url: str
    survey_title: str = "Partner survey"
    minutes: int = 10  # estimated from the survey's questions
    sender_name: str = "Partner Program Team"  # from the applied program
    subject: str | None = None  # the survey's own subject for this kind and language
    body: str | None = None  # the survey's own body for this kind and language


def render(kind: str, language: str, context: MailContext) -> tuple[str, MessageParts]:
    """Render subject, text and HTML of ``kind`` in ``language`` (English fallback).

    Returns the language actually used and the parts.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    lang = choose_language(language)
    words = TEXTS[lang]
    values = {"partner": context.partner_name, "name": context.contact_name,
              "closes": format_date(context.closes_at, lang), "survey": context.survey_title,
              "minutes": minutes_text(context.minutes, lang), "sender": context.sender_name}
    subject = (context.subject or words[f"{kind}_subject"]).format_map(values)
    variables = {
        "language": lang, "subject": subject,
        "greeting": words["greeting"].format_map(values),
        "body": (context.body or words[f"{kind}_body"]).format_map(values),
        "button": words[f"{kind}_button"],
        "personal_link": words["personal_link"], "signature": words["signature"].format_map(values),
        "unsubscribe_note": words["unsubscribe_note"], "unsubscribe_link": words["unsubscribe_link"],
        "survey_url": context.survey_url, "unsubscribe_url": context.unsubscribe_url,
    }
    return lang, MessageParts(subject=subject, text=template("email.txt").render(variables),
                              html=template("email.html").render(variables))


def render_unsubscribe_page(language: str, action: str, done: bool) -> str:
    """The confirm page (GET) or the confirmation (after POST), in the contact's language."""
    lang = choose_language(language)
    words = TEXTS[lang]
    return environment().get_template("unsubscribe.html").render(
        language=lang, page_title=words["page_title"], confirm_question=words["confirm_question"],
        confirm_button=words["confirm_button"], done_text=words["done"], done=done, action=action)
