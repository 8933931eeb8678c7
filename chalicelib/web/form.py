"""Partner-facing survey form: GET/POST /s/{token}, the thank-you page and static assets.

Pages are server-rendered HTML that work without JavaScript. Answers go through the same
``submit_response`` use case (and so the same validation) as the JSON API. GET and HEAD
never write anything. Repeated bad posts per invitation are rate limited (429).
"""
from __future__ import annotations

import functools
import json
import logging
import time
import traceback
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib import wiring
from chalicelib.domain.errors import (
    AlreadySubmitted,
    ConcurrentUpdate,
    FieldProblem,
    InvalidInput,
    InvitationUnavailable,
    NotFound,
    StaleSave,
    StorageUnavailable,
    WaveClosed,
)
from chalicelib.domain.survey import localized
from chalicelib.services import submissions

from . import form_body
from .errors import HttpProblem
from .form_view import attach_errors, section_views
from .i18n import Translator, accept_language, language_name, negotiate
from .promise import reporting_statement, thanks_message_id
from .rendering import html_response, render
from .static_files import static_response

form = Blueprint(__name__)
logger = logging.getLogger("pulse.form")
FORM_CONTENT_TYPES = ["application/x-www-form-urlencoded"]


def _now() -> datetime:
    return datetime.now(UTC)


class _Page:
    """Request-scoped helpers: which language, relative URLs, HEAD handling."""

    def __init__(self, request, token: str, depth: int):
        self.request = request
        self.token = token
        self.head = request.method == "HEAD"
        self.static = "../" * depth + "static/"
        self.form_url = ("../" if depth > 1 else "") + quote(token, safe="")

    def query(self, name: str) -> str | None:
        return (self.request.query_params or {}).get(name)

    def message(self, status: int, kind: str, language: str | None = None,
                headers: dict | None = None, **params) -> Response:
        """A simple page (not found, closed, too many attempts ...) in the best language."""
        language = language or negotiate(accept_language(self.request.headers.get("accept-language")),
                                         ("en", "es", "ja", "de"))
        t = Translator(language)
        body = render("message.html", t=t, lang=language, static=self.static,
                      title=t(f"{kind}.title"), body=t(f"{kind}.body", **params), survey_title=None)
        return html_response(status, body, headers, head=self.head)


def html_errors(depth: int):
    """Last line of defence for a form route: an unexpected error becomes a 500 page with a
    reference (the log gets the traceback, not the message, which could quote partner input)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(token, *args, **kwargs):
            try:
                return view(token, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - never a traceback to a partner
                reference = uuid.uuid4().hex[:16]
                logger.error("unexpected %s in the form (reference %s)\n%s", type(error).__name__, reference,
                             "".join(traceback.format_tb(error.__traceback__)))
                return _Page(form.current_request, token, depth).message(500, "internal", reference=reference)
        return wrapper
    return decorate


def _language(view, requested: str | None) -> str:
    stored = view.response.language if view.response else None
    # A contact whose language the survey lacks gets the survey's default language (as in the e-mail).
    return negotiate([requested, stored, view.invitation.language, view.survey.default_language],
                     view.survey.languages)


def local_date(moment: str, language: str) -> str:
    """A closing date as people write it in ``language`` ("4. Februar 2027"), like the e-mails."""
    from chalicelib.mail.texts import format_date

    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return moment[:10]
    return format_date(parsed, language.split("-")[0])


def _partner(view) -> dict:
    return view.partner.snapshot() | {"name": view.partner.name} if view.partner else {}


def _labels():
    """Program labels for piping ``{partner.tier}`` (read only when a text asks for them)."""
    def label(dimension: str, value: str) -> str:
        from chalicelib.services.program import current_program

        return current_program(wiring.repositories()).label(dimension, value)
    return label


def _pages(view, answers: dict) -> list:
    return view.survey.visible_sections(_partner(view), view.survey.shown_answers(_partner(view), answers))


def _since_last(view) -> list[str]:
    """"What we changed since last time" for this partner (issue 22); an unreadable store leaves
    the block out rather than the form."""
    from chalicelib.domain.errors import PulseError
    from chalicelib.services.since_last import changed_since_last

    try:
        return changed_since_last(wiring.plan_stores().actions, wiring.repositories().waves, view.wave, view.partner)
    except PulseError:
        logger.warning("since-last block left out: the action store is unavailable")
        return []


def _form_page(page: _Page, view, language: str, status: int = 200, values=None,
               problems=None, saved: bool = False, current: str | None = None,
               answers: dict | None = None, revealed: tuple[str, ...] = ()) -> Response:
    t = Translator(language)
    submitted = bool(view.response and view.response.is_submitted)
    stored = view.response.answers if view.response else {}
    if values is None:
        values = stored
    partner = _partner(view)
    if answers is None:  # what the logic sees: typed answers (posted strings only when nothing better)
        answers = {**stored, **{k: v for k, v in values.items() if "." not in k}} if values is not stored else stored
    sections = section_views(view.survey, language, values, partner, _labels(), answers=answers)
    summary = attach_errors(sections, view.survey, problems or [], t)
    paged = view.survey.layout == "pages"
    position, total, shown_sections = 1, len(sections), sections
    if paged:
        pages = [s.id for s in _pages(view, answers)] or [sections[0].id]
        if problems:  # show the page of the first question with an error
            first = next((s.id for s in sections for q in s.questions if q.error and s.id in pages), None)
            current = first or current
        current = current if current in pages else pages[0]
        position, total = pages.index(current) + 1, len(pages)
        shown_sections = [s for s in sections if s.id == current]
        summary = [item if any(q.input_id == item.target for q in shown_sections[0].questions)
                   else replace(item, target=None) for item in summary]
    body = render(
        "form.html", t=t, lang=language, static=page.static, form_url=page.form_url,
        survey_title=localized(view.survey.title, language), intro=localized(view.survey.intro, language),
        languages=[(code, language_name(code)) for code in view.survey.languages],
        sections=shown_sections, summary=summary, saved=saved, submitted=submitted,
        closes=local_date(view.wave.closed_on, language), paged=paged, position=position, total=total,
        page_id=shown_sections[0].id if paged else None,
        known=json.dumps({"answers": answers, "partner": {k: partner.get(k) for k in
                                                          ("tier", "region", "programs", "partner_types")}},
                         default=str, separators=(",", ":")),
        reporting_text=reporting_statement(t, view.survey, wiring.review_settings()),
        base_version=view.response.version if view.response else 0,
        since_last=_since_last(view) if position == 1 else [],
        revealed=[q for s in shown_sections for q in s.questions if q.id in revealed and not q.hidden])
    return html_response(status, body, head=page.head)


def _open(page, token: str):
    """The invitation behind ``token``, or the 404/503 page to answer instead."""
    try:
        return submissions.open_invitation(wiring.repositories(), wiring.invitation_tokens(), token)
    except NotFound:
        return page.message(404, "notfound")
    except StorageUnavailable as error:
        return page.message(503, "unavailable", headers={"Retry-After": str(error.retry_after)})


@form.route("/s/{token}", methods=["GET", "HEAD"])
@html_errors(depth=1)
def show_form(token):
    """The survey in the contact's language (or ?lang=), prefilled with saved answers."""
    page = _Page(form.current_request, token, depth=1)
    view = _open(page, token)
    if isinstance(view, Response):
        return view
    language = _language(view, page.query("lang"))
    if not view.is_open(_now()):
        return page.message(410, "closed", language, closed=local_date(view.wave.closed_on, language))
    if view.refused_state:
        return page.message(410, f"invitation_{view.refused_state}", language)
    # Resume where the partner stopped: the page of their last save (unless the link names one).
    resume = view.response.page if view.response and not view.response.is_submitted else None
    revealed = tuple((page.query("revealed") or "").split("."))
    return _form_page(page, view, language, saved=page.query("saved") == "1",
                      current=page.query("page") or resume, revealed=revealed)


@form.route("/s/{token}/thanks", methods=["GET", "HEAD"])
@html_errors(depth=2)
def thanks(token):
    """Thank-you page after a final submit; links back to the (editable) answers."""
    page = _Page(form.current_request, token, depth=2)
    view = _open(page, token)
    if isinstance(view, Response):
        return view
    language = _language(view, page.query("lang"))
    if not (view.response and view.response.is_submitted):
        return Response(body="", status_code=303, headers={"Location": page.form_url})
    t = Translator(language)
    body = render("thanks.html", t=t, lang=language, static=page.static, form_url=page.form_url,
                  survey_title=localized(view.survey.title, language),
                  is_open=view.is_open(_now()), closes=local_date(view.wave.closed_on, language),
                  thanks_body=thanks_message_id(view.survey))
    return html_response(200, body, head=page.head)


@form.route("/s/{token}", methods=["POST"], content_types=FORM_CONTENT_TYPES)
@html_errors(depth=1)
def post_form(token):
    """Submit ("Submit answers") or save a partial response ("Save and finish later")."""
    request = form.current_request
    page = _Page(request, token, depth=1)
    repos, tokens = wiring.repositories(), wiring.invitation_tokens()
    language = None
    try:
        claims = tokens.read(token)
        counter = wiring.bad_post_counter()
        wait = counter.retry_after(claims.invitation_id, time.time())
        if wait:
            return page.message(429, "ratelimited", headers={"Retry-After": str(wait)},
                                minutes=max(1, round(wait / 60)))
        view = submissions.open_invitation(repos, tokens, token)
        language = _language(view, None)
        if not view.is_open(_now()):
            raise WaveClosed(view.wave.closed_on)
        try:
            fields = form_body.decode_form(request.raw_body, wiring.settings().max_body_bytes)
            post = form_body.parse_survey_post(fields, view.survey)
            if post.switch_to:  # the language switcher (with JavaScript): keep answers, store nothing
                shown = negotiate([post.switch_to, post.language, language], view.survey.languages)
                return _form_page(page, view, shown, values=post.raw, current=post.page)
            if post.action == form_body.STAY:  # implicit submission (Enter): 204, the browser stays put
                return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
            autosave = post.action == form_body.AUTOSAVE
            if autosave and view.response and view.response.is_submitted:
                return Response(body="", status_code=204)  # submitted answers change only on "Update"
            answers, target, revealed = _answers_of_post(view, post)
            body = {**post.submission_body(language), "answers": answers}
            result = submissions.submit_response(repos, tokens, token, body, _now(), page=target,
                                                 expected_version=post.base if autosave else None)
            if autosave:  # the new version, which the page's next autosave builds on
                return Response(body="", status_code=204, headers={
                    "Cache-Control": "no-store", "X-Pulse-Version": str(result.response.version)})
        except InvalidInput as error:
            if post.action == form_body.AUTOSAVE:  # half-typed answers: the next save will do
                return Response(body="", status_code=400)
            counter.record(claims.invitation_id, time.time())
            shown = negotiate([post.language, language], view.survey.languages)
            stored = dict(view.response.answers) if view.response else {}
            return _form_page(page, view, shown, status=400, values=_redisplay(view, post),
                              problems=error.problems, current=post.page, answers={**stored, **post.answers})
        except HttpProblem as error:
            counter.record(claims.invitation_id, time.time())
            return page.message(error.status, "badrequest", language)
    except NotFound:
        return page.message(404, "notfound")
    except WaveClosed as error:
        return page.message(410, "closed", language, closed=local_date(error.closes_at, language or "en"))
    except InvitationUnavailable as error:
        return page.message(410, f"invitation_{error.state}", language)
    except StaleSave:  # a late autosave: a newer save (Next, Save, another device) already won
        return Response(body="", status_code=409, headers={"Cache-Control": "no-store"})
    except (ConcurrentUpdate, AlreadySubmitted):
        return page.message(409, "conflict", language)
    except StorageUnavailable as error:
        return page.message(503, "unavailable", headers={"Retry-After": str(error.retry_after)})
    if result.response.is_submitted and post.action == form_body.SUBMIT:
        target = page.form_url + "/thanks"
    elif target:
        saved = "&saved=1" if post.action == form_body.SAVE else ""
        shown = "&revealed=" + ".".join(revealed) if revealed else ""
        target = page.form_url + "?page=" + quote(target, safe="") + saved + shown
    else:
        target = page.form_url + "?saved=1"
    return Response(body="", status_code=303, headers={"Location": target, "Cache-Control": "no-store"})


def _redisplay(view, post) -> dict:
    """What to show after a refused post: stored answers with this page's posted strings on top."""
    stored = dict(view.response.answers) if view.response else {}
    return {**stored, **post.raw}


def _answers_of_post(view, post) -> tuple[dict, str | None, list[str]]:
    """The answers to store for a post, the page to show next (paged layout) and the questions
    this post revealed on its own page (announced when the page is shown again).

    One page posts only its own questions: they replace the stored answers of that page.
    The server evaluates the logic: answers to questions now hidden are left out, so the form
    never stores (or is refused for) an answer the partner should not have been asked.
    """
    survey, partner = view.survey, _partner(view)
    section = next((s for s in survey.sections if s.id == post.page), None)
    if survey.layout != "pages" or section is None:
        return survey.shown_answers(partner, post.answers), None, []
    merged = dict(view.response.answers) if view.response else {}
    own = {q.id for q in section.questions}
    for qid in own:
        merged.pop(qid, None)
    merged.update({k: v for k, v in post.answers.items() if k in own or k not in survey.questions_by_id()})
    merged = survey.shown_answers(partner, merged)
    pages = [s.id for s in survey.visible_sections(partner, merged)]
    here = pages.index(section.id) if section.id in pages else 0
    if post.action == form_body.BACK:
        return merged, pages[max(here - 1, 0)] if pages else None, []
    if post.action != form_body.NEXT:
        return merged, section.id, []
    # Without JavaScript a page cannot react to its own answers: when this post revealed
    # questions on this page, show the page again with them instead of moving on.
    if post.shown is not None:  # what the page showed when it was sent
        before = set(post.shown)
    else:
        before = {q.id for q in survey.visible_questions(partner, dict(view.response.answers) if view.response else {})}
    shown = {q.id for q in survey.visible_questions(partner, merged)}
    revealed = [q.id for q in section.questions if q.id in shown and q.id not in before]
    if revealed:
        return merged, section.id, revealed
    missing = [FieldProblem(f"answers.{q.id}", "is required") for q in section.questions
               if q.required and q.id in shown and merged.get(q.id) in (None, "", [], {})]
    if missing:
        raise InvalidInput(missing)
    return merged, pages[min(here + 1, len(pages) - 1)] if pages else None, []


@form.route("/static/{name}", methods=["GET", "HEAD"])
def static_asset(name):
    """The form's own CSS and JavaScript (vendored; nothing from a CDN)."""
    return static_response(name, head=form.current_request.method == "HEAD")
