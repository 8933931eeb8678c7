"""Staff JSON API of action plans and program changes (admins and analysts write; viewers read
within their scope). ``GET .../actions?format=csv`` is the export."""
from __future__ import annotations

from datetime import UTC, datetime

from chalice import Blueprint, Response

from chalicelib import wiring
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.services import actions, changes

from .errors import json_errors, json_response
from .request_body import ACCEPTED_CONTENT_TYPES, read_json_body
from .staff_api import AUTHORIZER, PREFIX, _forbidden, _unauthenticated
from .staff_auth import staff_only

actions_api = Blueprint(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def staff(role: str):
    return staff_only(actions_api, role, _unauthenticated, _forbidden)


def _query() -> dict:
    return dict(actions_api.current_request.query_params or {})


def _body():
    return read_json_body(actions_api.current_request, wiring.settings().max_body_bytes)


@actions_api.route(f"{PREFIX}/actions", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def list_actions(identity):
    query = _query()
    fmt = query.pop("format", "json")
    if fmt not in ("json", "csv"):
        raise InvalidInput(FieldProblem("format", "must be json or csv"))
    items = actions.list_actions(wiring.plan_stores().actions, identity, query, _now().date())
    if fmt == "csv":
        from chalicelib.services.exports import CSV_TYPE, to_csv

        headers, rows = actions.csv_rows(items)
        return Response(body=to_csv(list(headers), rows), status_code=200, headers={
            "Content-Type": CSV_TYPE, "Content-Disposition": 'attachment; filename="actions.csv"'})
    return json_response(200, {"items": items, "total": len(items)})


@actions_api.route(f"{PREFIX}/actions", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES,
                   authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def create_action(identity):
    action = actions.create_action(wiring.plan_stores().actions, identity, _body(), _now())
    return json_response(201, action)


@actions_api.route(f"{PREFIX}/actions/{{action_id}}", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def get_action(action_id, identity):
    return json_response(200, actions.get_action(wiring.plan_stores().actions, identity, action_id))


@actions_api.route(f"{PREFIX}/actions/{{action_id}}", methods=["PATCH"], content_types=ACCEPTED_CONTENT_TYPES,
                   authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def update_action(action_id, identity):
    return json_response(200, actions.update_action(wiring.plan_stores().actions, identity, action_id,
                                                    _body(), _now()))


@actions_api.route(f"{PREFIX}/actions/{{action_id}}/tell", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES,
                   authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def tell_partners(action_id, identity):
    """"You said, we did" on a done action: ``{"what"}`` previews (count and message per language,
    never a contact list); ``{"what", "confirm": true}`` sends once (a second send is a 409)."""
    from chalicelib.services import you_said

    body = _body()
    if not isinstance(body, dict) or set(body) - {"what", "confirm"}:
        raise InvalidInput(FieldProblem("(body)", "must be an object with what and optionally confirm"))
    if not isinstance(body.get("confirm", False), bool):
        raise InvalidInput(FieldProblem("confirm", "must be true or false"))
    repo = wiring.plan_stores().actions
    action = actions.get_action(repo, identity, action_id)
    identity.require("analyst")
    review = wiring.review_stores()
    audience = you_said.audience_for(action, wiring.repositories(), review.snapshots, review.corrections,
                                     wiring.distribution())
    if not body.get("confirm"):
        return json_response(200, you_said.preview(action, audience, body.get("what"), wiring.settings().mail_from,
                                                   _now()))
    return json_response(200, you_said.tell_partners(repo, wiring.mailer(), action_id, identity, body.get("what"),
                                                     audience, wiring.settings().mail_from, _now()))


@actions_api.route(f"{PREFIX}/changes", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def list_changes(identity):
    repos = wiring.repositories()
    items = changes.list_changes(wiring.plan_stores().changes, identity)
    return json_response(200, {"items": [changes.visible_change(c, identity,
                                                                changes.reader_restricted(repos, identity, c))
                                         for c in items]})


@actions_api.route(f"{PREFIX}/changes", methods=["POST"], content_types=ACCEPTED_CONTENT_TYPES,
                   authorizer=AUTHORIZER)
@staff("analyst")
@json_errors
def add_change(identity):
    return json_response(201, changes.add_change(wiring.plan_stores().changes, identity, _body(), _now()))


@actions_api.route(f"{PREFIX}/changes/{{change_id}}", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def get_change(change_id, identity):
    change = changes.get_change(wiring.plan_stores().changes, identity, change_id)
    restricted = changes.reader_restricted(wiring.repositories(), identity, change)
    return json_response(200, changes.visible_change(change, identity, restricted))
