"""Server-rendered staff dashboard: login, overview, comment explorer, follow-ups, exports.

Jinja2 with autoescape; charts are SVG rendered on the server (web/charts.py); no script and
no external asset. Authentication is the staff token kept in an HttpOnly, SameSite=Strict
cookie (Secure outside the local stages); pages answer 401/403 with a login page.
"""
from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from chalice import Blueprint, Response

from chalicelib import wiring
from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound, PulseError
from chalicelib.security.staff import StaffAuthError
from chalicelib.services import comment_disclosure, corrections, followups, results

from . import csrf
from .base_path import base_path, prefix_links, prefixed
from .form_body import check_form_text
from .request_guard import check_id, check_wave_id, same_site_path
from .staff_auth import COOKIE, pasted_tokens_enabled, revoke_session, staff_only

dashboard = Blueprint(__name__)
TEMPLATES = Path(__file__).parent / "templates" / "review"
ASSETS = Path(__file__).parent / "assets"
HTML = {"Content-Type": "text/html; charset=utf-8"}
MAX_FORM_BYTES = 8192
FREE_TEXT_FIELDS = ("note", "closing_reason")


@functools.cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def render(template: str, status: int = 200, headers: dict | None = None, **context) -> Response:
    body = _environment().get_template(template).render(**context)
    body = prefix_links(body, base_path(dashboard.current_request))  # stage prefix / custom domain
    return Response(body=body, status_code=status, headers={**HTML, **(headers or {})})


def _login(status: int, message: str | None, next_path: str) -> Response:
    """The sign-in page with its CSRF nonce cookie (double-submit) and a same-site ``next``."""
    nonce, set_cookie = csrf.login_nonce(dashboard.current_request)
    return render("login.html", status, headers={"Set-Cookie": set_cookie} if set_cookie else None,
                  message=message, next=same_site_path(next_path, "/staff") or "/staff",
                  csrf=csrf.token_for("login", nonce))


def _login_page(message: str) -> Response:
    request = dashboard.current_request
    return _login(401, message, request.path if request.method == "GET" else "/staff")


def _forbidden_page(message: str) -> Response:
    return render("forbidden.html", 403, message=message)


def _csrf_refusal(form: dict):
    """The 403 page for a form post whose CSRF token does not match the session, else None."""
    refused = csrf.session_problem(dashboard.current_request, form)
    return _forbidden_page(refused) if refused else None


def staff_page(role: str):
    return staff_only(dashboard, role, _login_page, _forbidden_page)


def _now() -> datetime:
    return datetime.now(UTC)


def _query() -> dict:
    return dict(dashboard.current_request.query_params or {})


def _form(max_fields: int = 50) -> dict:
    request = dashboard.current_request
    raw = request.raw_body or b""
    if len(raw) > MAX_FORM_BYTES:
        raise InvalidInput([], "the form is too large")
    try:
        parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput([], "the form could not be read") from None
    check_form_text(parsed, multiline=FREE_TEXT_FIELDS)
    return {k: v if len(v) > 1 else v[0] for k, v in parsed.items()}


def _redirect(location: str, cookie: str | None = None) -> Response:
    headers = {"Location": prefixed(location, base_path(dashboard.current_request))}
    if cookie is not None:
        headers["Set-Cookie"] = cookie
    return Response(body="", status_code=303, headers=headers)


def _page_errors(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except results.SnapshotMissing as error:
            return render("message.html", 404, title="No results yet", message=str(error) +
                          ". An admin can run `pulse snapshot refresh --wave ID`.")
        except NotFound:
            return render("message.html", 404, title="Not found", message="That page or item does not exist.")
        except InvalidInput as error:
            return render("message.html", 400, title="Check your input", message=error.summary)
        except PulseError:
            return render("message.html", 503, title="Please try again", message="The service is busy.")
    return wrapper


def _wave(identity) -> str:
    wave_id = _query().get("wave")
    if wave_id:
        return check_wave_id(wave_id)
    wave_id = default_wave(identity)
    if not wave_id:
        raise results.SnapshotMissing("no wave has a results snapshot yet")
    return wave_id


def default_wave(identity) -> str:
    """The wave a staff page shows without ``?wave=``: the newest relationship wave with results in the
    reader's scope (an event type's monthly pulse wave is read on the Moments page, never by default);
    "" when no wave has a snapshot."""
    wave_ids = [w["wave_id"] for w in wiring.review_stores().snapshots.registered_waves()]
    if not wave_ids:
        return ""
    pulse_surveys = {event_type.survey_id for event_type in wiring.recent_program().event_types}
    waves = _waves_of(wave_ids)  # each wave read once: its survey and its opening date
    relationship = [w for w in wave_ids if getattr(waves[w], "survey_id", None) not in pulse_surveys]
    return _latest_with_results(identity, relationship or wave_ids, waves)


def _waves_of(wave_ids: list[str]) -> dict:
    """wave id -> its Wave (None when the wave record is gone)."""
    from chalicelib.domain.errors import WaveNotFound

    repository, out = wiring.repositories().waves, {}
    for wave_id in wave_ids:
        try:
            out[wave_id] = repository.get(wave_id)
        except WaveNotFound:
            out[wave_id] = None
    return out


def _latest_with_results(identity, wave_ids: list[str], waves: dict) -> str:
    """The newest wave (by opening date) whose snapshot shows results in the reader's scope; the
    newest build when none does."""
    opened = {w: getattr(waves[w], "opens_at", "") for w in wave_ids}
    for wave_id in sorted(wave_ids, key=lambda w: opened[w], reverse=True):
        overall = results.scorecard(wiring.review_stores().snapshots, wave_id, identity).get("overall") or {}
        if not overall.get("suppressed") and isinstance(overall.get("respondents"), int | float) \
                and overall["respondents"] > 0:
            return wave_id
    return wave_ids[0]


def _base(identity, wave_id: str, active: str) -> dict:
    return {"identity": identity.to_dict(), "wave_id": wave_id, "active": active,
            "csrf": csrf.session_token(dashboard.current_request),
            "waves": [w["wave_id"] for w in wiring.review_stores().snapshots.registered_waves()]}


# -- login ------------------------------------------------------------------------------------------
@dashboard.route("/staff/login", methods=["GET"])
def login_form():
    if wiring.review_settings().auth_mode == "cognito":  # hosted UI (web/staff_signin.py)
        from .staff_signin import hosted_login

        return hosted_login(dashboard.current_request)
    return _login(200, None, _query().get("next", "/staff"))


@dashboard.route("/staff/login", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def login():
    if not pasted_tokens_enabled():  # Cognito stages: this sign-in does not exist there (404, never a 5xx)
        return render("message.html", 404, title="Not found",
                      message="Pasted staff-token sign-in is not available here; use the sign-in page.")
    try:
        form = _form()
    except InvalidInput as error:
        return _login(400, f"The form could not be read ({error.summary}).", "/staff")
    target = same_site_path(form.get("next") or "/staff", "/staff") or "/staff"
    refused = csrf.login_problem(dashboard.current_request, form)
    if refused:
        return _login(403, f"Not signed in: {refused}.", target)
    token = str(form.get("token") or "").strip()
    try:
        identity = wiring.staff_tokens().read(token)
    except StaffAuthError as error:
        return _login(401, f"That token does not work: {error}.", target)
    remember_staff(identity)
    secure = "; Secure" if wiring.review_settings().secure_cookies else ""
    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400{secure}"
    return _redirect(target, cookie)


@dashboard.route("/staff/logout", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def logout():
    request = dashboard.current_request
    try:
        form = _form()
    except InvalidInput:
        form = {}
    if csrf.cookie(request, COOKIE):
        refused = csrf.session_problem(request, form)
        if refused:
            return _forbidden_page(refused)
    elif not csrf.same_site(request):
        return _forbidden_page("cross-site form posts are not accepted")
    revoke_session(request)  # server-side: a copy of the cookie no longer works either
    if wiring.review_settings().auth_mode == "cognito":
        from .staff_signin import hosted_logout

        return hosted_logout(request)
    return _redirect("/staff/login", f"{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")


@dashboard.route("/staff/assets/dashboard.css", methods=["GET"])
def stylesheet():
    return Response(body=(ASSETS / "dashboard.css").read_text("utf-8"), status_code=200,
                    headers={"Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=3600"})


# -- overview ---------------------------------------------------------------------------------------
@dashboard.route("/staff", methods=["GET"])
@staff_page("viewer")
@_page_errors
def overview(identity):
    from . import overview_story as story
    from .dashboard_views import BREAKDOWN_CHOICES, overall_row, selection, trend_view
    from .dashboard_views import overview as build

    wave_id = _wave(identity)
    stores = wiring.review_stores()
    query = _query()
    by, filters = _breakdown_in_url(query, None), results.segment_filters(query)
    doc = results.scorecard(stores.snapshots, wave_id, identity)
    dims, cells = results.select_cells(doc, by, filters)
    focus = story.focus_cell(doc, filters)
    driver_key = story.chosen_driver_key(doc, query.get("drivers"), focus)
    summary = results.comment_summary(stores.snapshots, wave_id, identity)
    counts = followups.followup_counts(stores.followups, wave_id, identity, _now())
    trend = trend_view(results.wave_trend(stores.snapshots, wiring.repositories().waves, wave_id, identity))
    view = build(doc, summary["summary"], summary["theme_labels"], counts, selection(doc, dims, cells, filters),
                 trend, driver_key, filters)
    story_view = {"focus": story.segment_name(doc, focus["segment"]) if focus else None,
                  "headline": overall_row({"overall": focus}) if focus else view["overall"],
                  "changes": story.what_changed(doc, wave_id, focus,
                                                results.theme_changes(stores.snapshots, wave_id, identity)),
                  "fix_first": story.fix_first(doc, driver_key, wave_id),
                  "driver_choices": story.driver_choices(doc), "driver_key": driver_key,
                  "wave_title": (doc.get("wave") or {}).get("title")}
    comment_filters = {k: v for k, v in filters.items() if k in results.COMMENT_FILTERS}
    from .plans_pages import overview_hooks  # issue 22: action badges and the recorded changes

    here = "/staff?" + urlencode({"wave": wave_id, **({"by": by} if by else {}), **filters,
                                  **({"drivers": query["drivers"]} if query.get("drivers") else {})})
    return render("overview.html", **_base(identity, wave_id, "overview"), **overview_hooks(identity),
                  view=view, snapshot=doc["snapshot"],
                  story=story_view, here=here, saved_views=stores.saved_views.for_user(identity.subject),
                  view_shares=stores.view_shares.for_sharer(identity.subject),
                  choices=BREAKDOWN_CHOICES, by=by or "", filters=filters, options=_filter_options(doc),
                  option_labels=_option_labels(doc),
                  comments_link="/staff/comments?" + urlencode({"wave": wave_id, **comment_filters}),
                  questions_link="/staff/questions?" + urlencode({"wave": wave_id, **({"by": by} if by else {}),
                                                                  **filters}))


def _breakdown_in_url(query: dict, default: str | None) -> str | None:
    from .dashboard_views import BREAKDOWN_CHOICES

    by = query.get("by") or default
    if by and by not in dict(BREAKDOWN_CHOICES):
        raise InvalidInput([], f"by: choose one of {', '.join(dict(BREAKDOWN_CHOICES))}")
    return by


# -- saved views --------------------------------------------------------------------------------------
MAX_VIEW_NAME = 60


@dashboard.route("/staff/views", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("viewer")
@_page_errors
def save_view(identity):
    """Save the address of a dashboard view under a name, for this user (kept across sign-outs)."""
    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    name = " ".join(str(form.get("name") or "").split())
    if not name or len(name) > MAX_VIEW_NAME or not name.isprintable():
        raise InvalidInput(FieldProblem("name", f"give the view a name of 1 to {MAX_VIEW_NAME} characters"))
    path = same_site_path(form.get("path"), "/staff")
    if path is None:
        raise InvalidInput(FieldProblem("path", "must be a /staff address on this site"))
    stores = wiring.review_stores()
    if len(stores.saved_views.for_user(identity.subject)) >= 50:
        raise InvalidInput(FieldProblem("name", "at most 50 saved views: remove one first"))
    stores.saved_views.save(identity.subject, name, path, _now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    return _redirect(path)


def _trend_changes(identity, filters: dict) -> tuple[tuple[str, str] | None, list[dict]]:
    """The segment a question's trend shows (one tier or region filter; else the reader's scope, or
    everyone) and the recorded changes the reader may see that affect it (issue 22)."""
    from chalicelib.services import changes

    picked = [(d, v) for d, v in filters.items() if d in ("tier", "region")]
    segment = picked[0] if len(picked) == 1 and len(filters) == 1 else None
    scope = identity.effective_scope()
    about = segment or ((scope.dimension, scope.value) if scope else (None, None))
    shown = changes.list_changes(wiring.plan_stores().changes, identity)
    return segment, [c for c in shown if changes.affects_segment(c, *about)]


def _theme_trend(identity, wave_id: str, filters: dict, labels: dict, catalogue) -> list[dict]:
    """Theme share over waves for the one tier or region the comment filters pick (issue 22)."""
    from chalicelib.domain.program import catalogue_label

    from .theme_trend import theme_trend_view

    picked = {d: v for d, v in filters.items() if d in ("tier", "region", "partner_type", "program")}
    if len(picked) != 1 or next(iter(picked)) not in ("tier", "region"):
        return []
    segment, marked = _trend_changes(identity, picked)
    points = results.theme_trend(wiring.review_stores().snapshots, wiring.repositories().waves, wave_id, identity,
                                 *segment)
    shown = f"{segment[0]} {catalogue_label(catalogue, segment[0], segment[1])}"
    return theme_trend_view(points, labels, marked, segment, shown, filters.get("theme") or None)


def remember_staff(identity) -> None:
    """Note who signed in with which role and scope (scheduled view sharing reads it); never blocks a sign-in."""
    try:
        wiring.review_stores().staff_directory.remember(
            identity.subject, identity.role, str(identity.scope) if identity.scope else None,
            _now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    except PulseError:
        pass


@dashboard.route("/staff/views/share", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("viewer")
@_page_errors
def share_view(identity):
    """Subscribe colleagues to one of your saved views, weekly or monthly (services/view_sharing.py)."""
    from chalicelib.services.view_sharing import parse_share

    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    stores = wiring.review_stores()
    view, recipients, cadence = parse_share(form, stores.saved_views.for_user(identity.subject))
    stamp = _now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for recipient in recipients:
        stores.view_shares.add(identity.subject, view["name"], view["path"], recipient, cadence, stamp)
    return _redirect(view["path"] + "#view-shares")


@dashboard.route("/staff/views/unshare", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("viewer")
@_page_errors
def unshare_view(identity):
    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    name, recipient = str(form.get("name") or ""), str(form.get("recipient") or "")
    if not name or len(name) > MAX_VIEW_NAME or not recipient or len(recipient) > 254:
        raise InvalidInput(FieldProblem("name", "choose one of your shares"))
    if not wiring.review_stores().view_shares.stop(identity.subject, name, recipient,
                                                   _now().strftime("%Y-%m-%dT%H:%M:%SZ")):
        raise NotFound()
    return _redirect("/staff#saved-views")


# -- per-question results ---------------------------------------------------------------------------
@dashboard.route("/staff/questions", methods=["GET"])
@staff_page("viewer")
@_page_errors
def question_results(identity):
    """Top-2-box and mean per rating, shares per choice; ``?by=`` picks the breakdown (in the URL);
    each rating's trend over the survey's waves (overall and per tier, the viewer's scope)."""
    from .dashboard_views import BREAKDOWN_CHOICES
    from .dashboard_views import question_results as build

    wave_id = _wave(identity)
    query = _query()
    by, filters = _breakdown_in_url(query, "tier"), results.segment_filters(query)
    snapshots = wiring.review_stores().snapshots
    doc = results.scorecard(snapshots, wave_id, identity)
    dims, cells = results.select_cells(doc, by, filters)
    trend = results.wave_trend(snapshots, wiring.repositories().waves, wave_id, identity, dims=("tier", "region"))
    segment, marked = _trend_changes(identity, filters)
    return render("questions.html", **_base(identity, wave_id, "questions"),
                  view=build(doc, ":".join(dims), cells, trend, marked, segment),
                  choices=BREAKDOWN_CHOICES, snapshot=doc["snapshot"], filters=filters,
                  options=_filter_options(doc), option_labels=_option_labels(doc), by=by)


# -- partner view (respondent-level: analysts and admins, never viewers) ----------------------------
@dashboard.route("/staff/partners/{partner_id}", methods=["GET"])
@staff_page("analyst")
@_page_errors
def partner_view(partner_id, identity):
    """One partner's contacts: scores and answers across every wave."""
    from chalicelib.services.partner_view import partner_history

    if len(partner_id) > 64:
        raise NotFound()
    history = partner_history(wiring.repositories(), partner_id)
    wave_id = _query().get("wave") or (history["waves"][-1]["wave_id"] if history["waves"] else "")
    from chalicelib.services.partner_panel import partner_panel  # issue 22

    return render("partner.html", **_base(identity, wave_id, "partner"), history=history,
                  panel=partner_panel(history))


# -- comment explorer -------------------------------------------------------------------------------
@dashboard.route("/staff/comments", methods=["GET"])
@staff_page("viewer")
@_page_errors
def comment_explorer(identity):
    wave_id = _wave(identity)
    stores, review = wiring.review_stores(), wiring.review_settings()
    query = _query()
    filters = results.clean_filters({k: v for k, v in query.items() if k in results.COMMENT_FILTERS})
    page = results.search_comments(stores.snapshots, stores.corrections, wave_id, identity, filters,
                                   query.get("cursor"), results.PAGE_SIZE,
                                   **comment_disclosure.reader_settings(review, wiring.token_secret()))
    doc = results.scorecard(stores.snapshots, wave_id, identity)
    themes = results.theme_labels(stores.snapshots, wave_id)
    for item in page["items"]:
        item["pieces"] = results.highlight_parts(item["text"], filters.get("q"))
    texts = _text_questions(wave_id)
    options = _filter_options(doc, texts)
    next_link = None
    if page["next_cursor"]:
        next_link = "/staff/comments?" + urlencode({**filters, "wave": wave_id, "cursor": page["next_cursor"]})
    here = {**filters, "wave": wave_id, **({"cursor": query["cursor"]} if query.get("cursor") else {})}
    return render("comments.html", **_base(identity, wave_id, "comments"), page=page, filters=filters,
                  relabel_notice=_relabel_notice(stores, wave_id, query),
                  snapshot=doc.get("snapshot"), option_labels=_option_labels(doc, texts),
                  back="/staff/comments?" + urlencode(here),
                  options=options, themes=themes, next_link=next_link,
                  theme_trend=_theme_trend(identity, wave_id, filters, themes, doc.get("program")),
                  can_correct=identity.role in ("admin", "analyst"), labels=corrections.LABELS,
                  export_query=urlencode({"wave": wave_id}))


def _filter_options(doc: dict, text_questions: dict | None = None) -> dict:
    """Filter values per field; ``question``: the wave's free-text questions only (comments answer
    them; a rating question has no comments)."""
    def values(dim):
        return [c["segment"][dim] for c in results.breakdown(doc, dim)]

    return {"tier": values("tier"), "region": values("region"), "partner_type": values("partner_type"),
            "program": values("program"), "question": list(text_questions or {}),
            "sentiment": list(corrections.LABELS)}


def _option_labels(doc: dict, text_questions: dict | None = None) -> dict:
    """Words for filter values and comment attributes: the program's labels, question texts."""
    from chalicelib.domain.program import catalogue_label

    catalogue = doc.get("program")
    labels = {dim: {v: catalogue_label(catalogue, dim, v) for v in values}
              for dim, values in _filter_options(doc).items() if dim in ("tier", "region", "partner_type", "program")}
    labels["question"] = dict(text_questions or {})
    labels["sentiment"] = {label: label.replace("_", " ") for label in corrections.LABELS}
    return labels


def _text_questions(wave_id: str) -> dict[str, str]:
    """The wave's free-text questions: id -> short label (or text), from its survey definition."""
    from chalicelib.domain.errors import WaveNotFound
    from chalicelib.domain.survey import localized
    from chalicelib.services.snapshot_builder import survey_of

    try:
        survey = survey_of(wiring.repositories(), wave_id)
    except (WaveNotFound, NotFound):
        return {}
    return {q.id: q.short or localized(q.text, "en") or q.id for q in survey.questions() if q.type == "text"}


@dashboard.route("/staff/comments/correct", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def correct_comment(identity):
    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    wave_id = check_wave_id(form.get("wave"))
    comment_id = check_id(form.get("comment_id"), "comment_id")
    back = form.get("back") or f"/staff/comments?wave={wave_id}"
    if not same_site_path(back, "/staff/comments"):  # checked before anything is written
        raise InvalidInput(FieldProblem("back", "must be a /staff/comments address on this site"))
    themes = form.get("themes", [])
    themes = [themes] if isinstance(themes, str) else list(themes)
    stores = wiring.review_stores()
    comment = results.find_comment(stores.snapshots, wave_id, comment_id, wiring.token_secret())
    corrections.correct_comment(stores.corrections, comment, identity,
                                {"label": form.get("label"), "themes": [t for t in themes if t]}, _now(),
                                results.theme_labels(stores.snapshots, wave_id))
    return _redirect(back)


# -- bulk relabel (services/bulk_relabel.py): select -> review the count -> relabel -> undo -------------
def _relabel_notice(stores, wave_id: str, query: dict) -> dict | None:
    """The explorer's notice after a relabel (with its undo form) or after an undo."""
    from chalicelib.services import bulk_relabel

    for state in ("relabeled", "undone"):
        batch_id = query.get(state)
        if batch_id and bulk_relabel.BATCH_ID.match(batch_id):
            batch = stores.relabels.get(wave_id, batch_id)
            if batch:
                return {"state": state, **bulk_relabel.summary(batch)}
    return None


def _list(form: dict, name: str) -> list[str]:
    value = form.get(name, [])
    return [v for v in ([value] if isinstance(value, str) else value) if v]


def _relabel_form(identity):
    """(wave, back address, request body, plan, records) of a signed-in relabel form; writes nothing."""
    from chalicelib.services import bulk_relabel

    form = _form(max_fields=200)
    refused = csrf.session_problem(dashboard.current_request, form)
    if refused:
        return None, refused
    wave_id = check_wave_id(form.get("wave"))
    back = form.get("back") or f"/staff/comments?wave={wave_id}"
    if not same_site_path(back, "/staff/comments"):
        raise InvalidInput(FieldProblem("back", "must be a /staff/comments address on this site"))
    body = {"comment_ids": _list(form, "ids"), "same_text_as": _list(form, "same_text"),
            "label": form.get("label") or None, "add_themes": _list(form, "add_themes"),
            "remove_themes": _list(form, "remove_themes")}
    if not body["comment_ids"] and not body["same_text_as"]:
        raise InvalidInput(FieldProblem("ids", "select at least one comment"))
    stores = wiring.review_stores()
    change = bulk_relabel.parse_change(body, results.theme_labels(stores.snapshots, wave_id))
    items, records = bulk_relabel.selectable(stores, wave_id, identity, comment_disclosure.reader_settings(
        wiring.review_settings(), wiring.token_secret()))
    plan = bulk_relabel.preview(items, records, change)
    return {"wave": wave_id, "back": back, "form": form, "change": change, "plan": plan,
            "records": records}, None


@dashboard.route("/staff/comments/relabel/review", methods=["POST"],
                 content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def relabel_review(identity):
    """The confirmation step: how many comments change, each before and after."""
    request, refused = _relabel_form(identity)
    if refused:
        return _forbidden_page(refused)
    themes = results.theme_labels(wiring.review_stores().snapshots, request["wave"])
    return render("relabel.html", **_base(identity, request["wave"], "comments"), plan=request["plan"],
                  change=request["change"], back=request["back"], themes=themes)


@dashboard.route("/staff/comments/relabel", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def relabel_comments(identity):
    from chalicelib.domain.errors import ConcurrentUpdate
    from chalicelib.services import bulk_relabel

    request, refused = _relabel_form(identity)
    if refused:
        return _forbidden_page(refused)
    try:
        count = int(request["form"].get("confirm_count", ""))
    except (TypeError, ValueError):
        count = None
    try:
        batch = bulk_relabel.apply(wiring.review_stores().relabels, request["records"], request["plan"],
                                   request["change"], bulk_relabel.confirmed_count({"confirm_count": count}),
                                   identity, _now())
    except ConcurrentUpdate as error:
        return render("message.html", 409, title="Nothing was relabelled", message=str(error).capitalize() + ".")
    return _redirect(_with_param(request["back"], "relabeled", batch["batch_id"]))


@dashboard.route("/staff/comments/relabel/undo", methods=["POST"],
                 content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def undo_relabel(identity):
    from chalicelib.domain.errors import ConcurrentUpdate
    from chalicelib.services import bulk_relabel

    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    wave_id = check_wave_id(form.get("wave"))
    back = form.get("back") or f"/staff/comments?wave={wave_id}"
    if not same_site_path(back, "/staff/comments"):
        raise InvalidInput(FieldProblem("back", "must be a /staff/comments address on this site"))
    try:
        bulk_relabel.undo(wiring.review_stores().relabels, wave_id, form.get("batch"), identity, _now())
    except ConcurrentUpdate as error:
        return render("message.html", 409, title="Nothing was undone", message=str(error).capitalize() + ".")
    return _redirect(_with_param(back, "undone", form["batch"]))


def _with_param(path: str, name: str, value: str) -> str:
    return path + ("&" if "?" in path else "?") + urlencode({name: value})


# -- follow-ups -------------------------------------------------------------------------------------
@dashboard.route("/staff/followups", methods=["GET"])
@staff_page("analyst")  # follow-ups name partners: respondent-level, never for a viewer
@_page_errors
def followup_queue(identity):
    return _queue(identity, _query())


def _queue(identity, query: dict, problem: str | None = None, typed: dict | None = None, status: int = 200):
    """The follow-up queue page for a query (filters, sort, page) of the URL."""
    wave_id = check_wave_id(query["wave"]) if query.get("wave") else _wave(identity)
    repo = wiring.review_stores().followups
    query = {k: v for k, v in query.items() if k in (*followups.QUEUE_FILTERS, "sort", "page", "limit")}
    page = followups.queue_page(repo, wave_id, identity, query, _now())
    here = {**page["filters"], "sort": page["sort"], "wave": wave_id}

    def link(**change):
        return "/staff/followups?" + urlencode({**here, **change})

    reasons = _closing_reasons()
    return render("followups.html", status, **_base(identity, wave_id, "followups"), page=page,
                  reasons=reasons, reason_counts=[(reasons.get(k, "No reason chosen (note only)" if k == "unspecified"
                                                                  else k), n)
                                                  for k, n in sorted(page["counts"].get("by_reason", {}).items(),
                                                                     key=lambda kv: -kv[1])],
                  items=page["items"], status_filter=page["filters"].get("status"), counts=page["counts"],
                  statuses=followups.STATUSES, sorts=followups.SORTS, problem=problem, typed=typed or {},
                  back=link(page=page["page"]),
                  prev_link=link(page=page["page"] - 1) if page["page"] > 1 else None,
                  next_link=link(page=page["page"] + 1) if page["page"] < page["pages"] else None,
                  can_edit=identity.role in ("admin", "analyst"))


FIELD_WORDS = {"closing_reason": "Closing reason", "closing_category": "Closing reason", "status": "Status",
               "note": "Note", "assignee": "Assign to", "invitation_id": "Follow-up"}


def _closing_reasons() -> dict[str, str]:
    """The program's closing reasons: id -> label (program file, ``closing_reasons``)."""
    from chalicelib.services.program import current_program

    program = current_program(wiring.repositories())
    return {c.id: c.label for c in program.closing_reasons}


@dashboard.route("/staff/followups/update", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def followup_update(identity):
    """Save a status change, note or closing reason; a refused change re-shows the queue with the
    typed note and reason kept and the problem next to the row (no dead-end page)."""
    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    wave_id = check_wave_id(form.get("wave"))
    invitation_id = check_id(form.get("invitation_id"), "invitation_id")
    change = {k: form[k] for k in ("status", "note", "closing_reason", "closing_category", "assignee")
              if str(form.get(k) or "").strip()}
    back = same_site_path(form.get("back"), "/staff/followups") or f"/staff/followups?wave={wave_id}"
    try:
        before = wiring.review_stores().followups.get(wave_id, invitation_id) or {}
        updated = followups.update_followup(wiring.review_stores().followups, wave_id, invitation_id, identity,
                                            change, _now(), tuple(_closing_reasons()))
    except InvalidInput as error:
        typed = {"invitation_id": invitation_id,
                 **{k: str(form.get(k) or "") for k in ("status", "note", "closing_reason", "closing_category",
                                                        "assignee")}}
        query = {k: v[-1] for k, v in parse_qs(back.partition("?")[2]).items()}
        message = "; ".join(f"{FIELD_WORDS.get(p.field, p.field.replace('_', ' ').capitalize())}: {p.message}"
                            for p in error.problems) or str(error)
        return _queue(identity, {**query, "wave": wave_id}, message, typed, 400)
    if updated.get("assignee") != before.get("assignee"):
        from chalicelib.jobs.results_stream import notify_assignee

        notify_assignee(updated)
    return _redirect(back)


# -- exports ----------------------------------------------------------------------------------------
@dashboard.route("/staff/exports/{kind}", methods=["GET"])
@staff_page("viewer")
@_page_errors
def export_download(kind, identity):
    from .staff_api import export_response

    return export_response(_wave(identity), kind, _query().get("format", "csv"), identity)
