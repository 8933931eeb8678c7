"""Staff JSON API: results (scorecard, trend, drivers, themes, response rate), comment search and
corrections, follow-ups, exports and the on-demand snapshot refresh. Every route checks the
staff identity and applies its scope (see staff_auth)."""
from __future__ import annotations

from datetime import UTC, datetime

from chalice import Blueprint, Response

from chalicelib import wiring
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.security.staff import StaffForbidden
from chalicelib.services import comment_disclosure, corrections, disclosure, exports, followups, results

from .errors import json_errors, json_response
from .request_body import ACCEPTED_CONTENT_TYPES, read_json_body
from .staff_auth import staff_authorizer, staff_only

staff_api = Blueprint(__name__)
PREFIX = "/api/v1/staff"
AUTHORIZER = staff_authorizer()
EXPORT_KINDS = ("responses", "scorecard", "corrections")
EXPORT_BINARY_TYPES = [exports.XLSX_TYPE]
ROW_EXPORTS = ("responses", "corrections")  # respondent-level rows: admins and analysts only


def _now() -> datetime:
    return datetime.now(UTC)


def _unauthenticated(message: str) -> Response:
    return json_response(401, {"error": "unauthenticated", "message": message},
                         headers={"WWW-Authenticate": 'Bearer realm="pulse-staff"'})


def _forbidden(message: str) -> Response:
    return json_response(403, {"error": "forbidden", "message": message})


def staff(role: str):
    return staff_only(staff_api, role, _unauthenticated, _forbidden)


def _query() -> dict:
    return dict(staff_api.current_request.query_params or {})


def _stores():
    return wiring.review_stores()


@staff_api.route(f"{PREFIX}/me", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
def me(identity):
    return json_response(200, identity.to_dict())


@staff_api.route(f"{PREFIX}/waves", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def waves(identity):
    return json_response(200, {"waves": _stores().snapshots.registered_waves()})


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/scorecard", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def scorecard(wave_id, identity):
    return json_response(200, results.scorecard(_stores().snapshots, wave_id, identity, _query().get("by")))


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/trend", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def trend(wave_id, identity):
    """Change against the previous wave, and ``waves``: NPS and CSAT per rating question of every
    wave of the survey so far."""
    doc = results.scorecard(_stores().snapshots, wave_id, identity)
    series = results.wave_trend(_stores().snapshots, wiring.repositories().waves, wave_id, identity)
    return json_response(200, {**results.trend(doc), "waves": series})


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/drivers", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def drivers(wave_id, identity):
    doc = results.scorecard(_stores().snapshots, wave_id, identity)
    return json_response(200, {"wave_id": wave_id, "drivers": doc.get("drivers", [])})


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/response-rate", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def response_rate(wave_id, identity):
    doc = results.scorecard(_stores().snapshots, wave_id, identity)
    return json_response(200, {"wave_id": wave_id, **results.response_rates(doc)})


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/themes", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def themes(wave_id, identity):
    return json_response(200, {"wave_id": wave_id,
                               **results.comment_summary(_stores().snapshots, wave_id, identity)})


def _limit(raw) -> int:
    try:
        return int(raw) if raw is not None else results.PAGE_SIZE
    except ValueError:
        raise InvalidInput(FieldProblem("limit", "must be a whole number")) from None


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/comments", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def comments(wave_id, identity):
    query = _query()
    stores = _stores()
    page = results.search_comments(
        stores.snapshots, stores.corrections, wave_id, identity, results.clean_filters(query),
        query.get("cursor"), _limit(query.get("limit")),
        **comment_disclosure.reader_settings(wiring.review_settings(), wiring.token_secret()))
    return json_response(200, page)


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/comments/{{comment_id}}/correction", methods=["PUT"],
                 content_types=ACCEPTED_CONTENT_TYPES, authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def correct(wave_id, comment_id, identity):
    body = read_json_body(staff_api.current_request, wiring.settings().max_body_bytes)
    stores = _stores()
    comment = results.find_comment(stores.snapshots, wave_id, comment_id, wiring.token_secret())
    saved = corrections.correct_comment(stores.corrections, comment, identity, body, _now(),
                                        results.theme_labels(stores.snapshots, wave_id))
    return json_response(200, {k: saved[k] for k in ("comment_id", "label", "themes", "previous_label",
                                                     "corrected_by", "corrected_at")})


def _relabel_plan(wave_id: str, identity, body):
    """(validated change, preview plan, stored records) of a bulk relabel request; writes nothing."""
    from chalicelib.services import bulk_relabel

    stores = _stores()
    change = bulk_relabel.parse_change(body, results.theme_labels(stores.snapshots, wave_id))
    items, records = bulk_relabel.selectable(stores, wave_id, identity, comment_disclosure.reader_settings(
        wiring.review_settings(), wiring.token_secret()))
    return change, bulk_relabel.preview(items, records, change), records


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/relabels/preview", methods=["POST"],
                 content_types=ACCEPTED_CONTENT_TYPES, authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def relabel_preview(wave_id, identity):
    """How many comments a bulk relabel would change, before and after; nothing is written."""
    body = read_json_body(staff_api.current_request, wiring.settings().max_body_bytes)
    _, plan, _ = _relabel_plan(wave_id, identity, body)
    return json_response(200, {"wave_id": wave_id, **plan})


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/relabels", methods=["POST"],
                 content_types=ACCEPTED_CONTENT_TYPES, authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def relabel(wave_id, identity):
    """Relabel the selection in one all-or-nothing write; ``confirm_count`` must match the preview."""
    from chalicelib.services import bulk_relabel

    body = read_json_body(staff_api.current_request, wiring.settings().max_body_bytes)
    change, plan, records = _relabel_plan(wave_id, identity, body)
    batch = bulk_relabel.apply(_stores().relabels, records, plan, change, bulk_relabel.confirmed_count(body),
                               identity, _now())
    return json_response(201, {**bulk_relabel.summary(batch),
                               "undo_url": f"{PREFIX}/waves/{wave_id}/relabels/{batch['batch_id']}/undo"})


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/relabels/{{batch_id}}/undo", methods=["POST"],
                 content_types=ACCEPTED_CONTENT_TYPES, authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def relabel_undo(wave_id, batch_id, identity):
    """Put back the labels from before the batch; a second undo is a 409 that changes nothing."""
    from chalicelib.services import bulk_relabel

    return json_response(200, bulk_relabel.undo(_stores().relabels, wave_id, batch_id, identity, _now()))


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/followups", methods=["GET"], authorizer=AUTHORIZER)
@staff("analyst")  # follow-ups name partners: respondent-level, never for a viewer
@json_errors
def list_followups(wave_id, identity):
    page = followups.queue_page(_stores().followups, wave_id, identity, _query(), _now())
    page.pop("choices")
    return json_response(200, page)


@staff_api.route(f"{PREFIX}/partners/{{partner_id}}", methods=["GET"], authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def partner_view(partner_id, identity):
    """One partner's contacts and answers across waves (respondent-level; viewers are refused)."""
    from chalicelib.domain.errors import NotFound
    from chalicelib.services.partner_view import partner_history

    if len(partner_id) > 64:
        raise NotFound()
    return json_response(200, partner_history(wiring.repositories(), partner_id))


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/followups/{{invitation_id}}", methods=["PATCH"],
                 content_types=ACCEPTED_CONTENT_TYPES, authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def update_followup(wave_id, invitation_id, identity):
    body = read_json_body(staff_api.current_request, wiring.settings().max_body_bytes)
    from chalicelib.services.program import current_program

    reasons = current_program(wiring.repositories()).ids("closing_reason")
    updated = followups.update_followup(_stores().followups, wave_id, invitation_id, identity, body, _now(), reasons)
    if isinstance(body, dict) and body.get("assignee"):
        from chalicelib.jobs.results_stream import notify_assignee

        notify_assignee(updated)
    return json_response(200, updated)


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/snapshot", methods=["POST"], authorizer=AUTHORIZER)
@staff("admin")
@json_errors
def refresh(wave_id, identity):
    """Start the wave's snapshot refresh elsewhere (never in this request): 202 + a status URL."""
    from chalicelib.jobs import snapshot_refresh

    wiring.repositories().waves.get(wave_id)  # 404 for an unknown wave
    status = snapshot_refresh.request_refresh(wave_id, identity.subject)
    location = _status_url(wave_id)
    return json_response(202, {**status, "status_url": location}, headers={"Location": location})


def _status_url(wave_id: str) -> str:
    from urllib.parse import quote

    from .base_path import base_path

    return f"{base_path(staff_api.current_request)}{PREFIX}/waves/{quote(wave_id, safe='')}/snapshot/status"


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/snapshot/status", methods=["GET"], authorizer=AUTHORIZER)
@staff("admin")
@json_errors
def refresh_progress(wave_id, identity):
    """The last refresh request of the wave: queued, running, done (with summary) or failed."""
    from chalicelib.jobs import snapshot_refresh

    status = snapshot_refresh.refresh_status(wave_id)
    if status is None:
        return json_response(404, {"error": "not_found", "message": "No refresh was requested for this wave."})
    return json_response(200, status)


def export_table(wave_id: str, kind: str, identity) -> tuple[list[str], list[list], dict]:
    """Headers, rows and extra HTTP headers (the withheld-comments notice) of one export, within
    the identity's scope and the suppression rules."""
    stores, review = _stores(), wiring.review_settings()
    if kind == "scorecard":
        return (*exports.scorecard_rows(results.scorecard(stores.snapshots, wave_id, identity)), {})
    if kind == "corrections":
        rows = corrections.training_rows(stores.corrections.for_wave(wave_id), identity)
        return exports.TRAINING_HEADERS, [[r[h] for h in exports.TRAINING_HEADERS] for r in rows], {}
    if not disclosure.may_see_rows(identity):  # respondent-level rows: never for a viewer
        raise StaffForbidden(f"the {identity.role} role may not export respondent-level rows (needs analyst)")
    repos = wiring.repositories()
    pointer = results.snapshot_info(stores.snapshots, wave_id)
    wave = repos.waves.get(wave_id)
    survey = repos.surveys.get(wave.survey_id, wave.survey_version)
    comments_list = [c for c in results.search_all_comments(stores.snapshots, stores.corrections, wave_id)
                     if identity.admits(c)]
    settings = comment_disclosure.reader_settings(review, "")
    label_plan = results.comment_plan(stores.snapshots, wave_id, pointer, (
        settings["min_comments"], settings["min_respondents"], settings["min_partners"]))
    plan = disclosure.RowPlan(results.scorecard(stores.snapshots, wave_id, identity))
    identified = disclosure.may_see_identity(identity, survey.reporting)
    responses = repos.responses.for_wave(wave_id)
    if not identified:  # rows of responses changed since the last release wait for the next one
        held = results.held_back(stores.snapshots, wave_id, pointer)
        responses = [r for r in responses if r.invitation_id not in held]
        comments_list = [c for c in comments_list if c.get("invitation_id") not in held]
    headers, rows, withheld = exports.response_export(
        responses, survey.questions(), comments_list, identity, review.min_scores,
        review.min_comments, plan=plan, hidden_comments=label_plan.withheld,
        identified=identified, survey=survey)
    notice = comment_disclosure.withheld_notice(withheld, label_plan)
    reason = (f"respondent in a suppressed group or {label_plan.reason()}")
    return headers, rows, ({"X-Pulse-Comments-Withheld": f"{withheld}; {reason}"} if notice else {})


def export_response(wave_id: str, kind: str, fmt: str, identity) -> Response:
    if kind not in EXPORT_KINDS:
        raise InvalidInput(FieldProblem("kind", f"must be one of {', '.join(EXPORT_KINDS)}"))
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(FieldProblem("format", "must be csv or xlsx"))
    if kind in ROW_EXPORTS and not disclosure.may_see_rows(identity):
        return _forbidden(f"the {identity.role} role sees aggregates only; {kind} rows need the analyst role")
    headers, rows, extra = export_table(wave_id, kind, identity)
    name = f"{wave_id}-{kind}.{fmt}"
    if fmt == "csv":
        body, content_type = exports.to_csv(headers, rows), exports.CSV_TYPE
    else:
        questions = layout = None
        if kind in ("responses", "scorecard"):  # the survey's questions as a second sheet, words as headers
            from chalicelib.services import export_layout

            wave = wiring.repositories().waves.get(wave_id)
            survey = wiring.repositories().surveys.get(wave.survey_id, wave.survey_version)
            questions = exports.question_rows(survey)
            layout = export_layout.responses_layout(headers, rows, survey) if kind == "responses" \
                else export_layout.scorecard_layout(headers, rows, survey)
        body, content_type = exports.to_xlsx(headers, rows, kind, questions, layout), exports.XLSX_TYPE
    return Response(body=body, status_code=200, headers={
        "Content-Type": content_type, "Content-Disposition": f'attachment; filename="{name}"', **extra})


@staff_api.route(f"{PREFIX}/waves/{{wave_id}}/exports/{{kind}}", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def export(wave_id, kind, identity):
    return export_response(wave_id, kind, _query().get("format", "csv"), identity)
