"""Dashboard pages of action plans and program changes (issue 22): the action list with filters,
"create action" prefilled from a finding, an action's page (status, notes, history), the change
record with a trend chart marking each change, and a change's page with its effect estimates.
Server-rendered like the rest of the dashboard (web/dashboard.py helpers, CSRF on every form)."""
from __future__ import annotations

from urllib.parse import urlencode

from chalice import Blueprint

from chalicelib import wiring
from chalicelib.domain import actions as domain
from chalicelib.domain.errors import InvalidInput, NotFound
from chalicelib.services import actions, changes, results

from .dashboard import (
    _base,
    _csrf_refusal,
    _form,
    _now,
    _page_errors,
    _query,
    _redirect,
    default_wave,
    render,
    staff_page,
)

plans_pages = Blueprint(__name__)
FINDING_FIELDS = ("kind", "wave", "ref", "segment", "label")


def _current_wave(identity) -> str:
    wave = _query().get("wave")
    if wave:
        from .request_guard import check_wave_id

        return check_wave_id(wave)
    return default_wave(identity)


def _page_base(identity, active: str) -> dict:
    return _base(identity, _current_wave(identity), active)


# -- actions ----------------------------------------------------------------------------------------
@plans_pages.route("/staff/actions", methods=["GET"])
@staff_page("viewer")
@_page_errors
def action_list(identity):
    query = {k: v for k, v in _query().items() if k in actions.FILTERS}
    items = actions.list_actions(wiring.plan_stores().actions, identity, query, _now().date())
    return render("actions.html", **_page_base(identity, "actions"), items=items, filters=query,
                  statuses=domain.STATUSES, kinds=domain.FINDING_KINDS, can_edit=identity.role != "viewer",
                  export_link="/api/v1/staff/actions?" + urlencode({**query, "format": "csv"}))


def _prefill(query: dict) -> dict:
    """The form's values from the finding in the URL (the "create action" link on a finding)."""
    finding = {"kind": query.get("kind", "driver"), "wave_id": query.get("wave", ""), "ref": query.get("ref", ""),
               "segment": query.get("segment", ""), "label": query.get("label", "")}
    title = f"Act on: {finding['label']}" if finding["label"] else ""
    dim, _, value = finding["segment"].partition("=")
    return {"title": title[:200], "finding": finding, "metric": query.get("metric", ""),
            "tiers": value if dim == "tier" else "", "regions": value if dim == "region" else "",
            "owner": "", "due": "", "direction": "up", "note": ""}


@plans_pages.route("/staff/actions/new", methods=["GET"])
@staff_page("analyst")
@_page_errors
def action_new(identity):
    return render("action_new.html", **_page_base(identity, "actions"), values=_prefill(_query()),
                  kinds=domain.FINDING_KINDS, problems=[])


def _split(text) -> list[str]:
    return [v.strip() for v in str(text or "").split(",") if v.strip()]


def _action_body(form: dict) -> dict:
    segments = {k: _split(form.get(k)) for k in ("tiers", "regions", "programs", "partner_types")}
    return {"title": form.get("title"), "owner": form.get("owner"), "due": form.get("due"),
            "finding": {"kind": form.get("finding_kind"), "wave_id": form.get("finding_wave"),
                        "ref": form.get("finding_ref"), "segment": form.get("finding_segment") or None,
                        "label": form.get("finding_label") or ""},
            "metrics": _split(form.get("metrics")), "segments": {k: v for k, v in segments.items() if v},
            "direction": form.get("direction") or "up", **({"note": form["note"]} if form.get("note") else {})}


@plans_pages.route("/staff/actions", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def action_create(identity):
    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    try:
        action = actions.create_action(wiring.plan_stores().actions, identity, _action_body(form), _now())
    except InvalidInput as error:  # the form again, with what was typed and each problem by its field
        values = {"title": form.get("title", ""), "owner": form.get("owner", ""), "due": form.get("due", ""),
                  "metric": form.get("metrics", ""), "tiers": form.get("tiers", ""),
                  "regions": form.get("regions", ""), "direction": form.get("direction", "up"),
                  "note": form.get("note", ""),
                  "finding": {"kind": form.get("finding_kind", ""), "wave_id": form.get("finding_wave", ""),
                              "ref": form.get("finding_ref", ""), "segment": form.get("finding_segment", ""),
                              "label": form.get("finding_label", "")}}
        return render("action_new.html", 400, **_page_base(identity, "actions"), values=values,
                      kinds=domain.FINDING_KINDS, problems=error.problems)
    return _redirect(f"/staff/actions/{action['action_id']}")


@plans_pages.route("/staff/actions/{action_id}", methods=["GET"])
@staff_page("viewer")
@_page_errors
def action_page(action_id, identity):
    from chalicelib.services.you_said import already_told

    action = actions.get_action(wiring.plan_stores().actions, identity, action_id)
    return render("action.html", **_page_base(identity, "actions"), action=action,
                  overdue=domain.is_overdue(action, _now().date()), next_statuses=domain.TRANSITIONS[action["status"]],
                  segments=domain.segments_of(action).describe(), can_edit=identity.role != "viewer",
                  problem=_query().get("problem"), told=already_told(action))


@plans_pages.route("/staff/actions/{action_id}/update", methods=["POST"],
                   content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def action_update(action_id, identity):
    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    change = {k: form[k] for k in ("status", "reason", "note", "owner", "due") if str(form.get(k) or "").strip()}
    repo = wiring.plan_stores().actions
    try:
        actions.update_action(repo, identity, action_id, change, _now())
    except InvalidInput as error:
        action = actions.get_action(repo, identity, action_id)
        message = "; ".join(f"{p.field}: {p.message}" for p in error.problems)
        return render("action.html", 400, **_page_base(identity, "actions"), action=action,
                      overdue=domain.is_overdue(action, _now().date()),
                      next_statuses=domain.TRANSITIONS[action["status"]],
                      segments=domain.segments_of(action).describe(), can_edit=True, problem=message, typed=change)
    return _redirect(f"/staff/actions/{action_id}")


# -- "you said, we did" -------------------------------------------------------------------------------
def _audience(action: dict):
    from chalicelib.services.you_said import audience_for

    review = wiring.review_stores()
    return audience_for(action, wiring.repositories(), review.snapshots, review.corrections, wiring.distribution())


@plans_pages.route("/staff/actions/{action_id}/tell", methods=["POST"],
                   content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def action_tell(action_id, identity):
    """Preview (the rule, the count, the message per language; never a contact list), then, with
    ``confirm``, send once through the you_said service."""
    from chalicelib.domain.errors import AlreadySubmitted, ConcurrentUpdate
    from chalicelib.services import you_said

    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    repo = wiring.plan_stores().actions
    action = actions.get_action(repo, identity, action_id)
    base = _page_base(identity, "actions")
    try:
        audience = _audience(action)
        shown = you_said.preview(action, audience, form.get("what"), wiring.settings().mail_from, _now())
        if form.get("confirm") != "send" or shown["told"]:
            return render("you_said.html", 409 if shown["told"] else 200, **base, action=action, preview=shown,
                          what=form.get("what", ""))
        you_said.tell_partners(repo, wiring.mailer(), action_id, identity, form.get("what"), audience,
                               wiring.settings().mail_from, _now())
    except (AlreadySubmitted, ConcurrentUpdate):
        return render("you_said.html", 409, **base, action=actions.get_action(repo, identity, action_id),
                      preview=None, what=form.get("what", ""), problem="Partners were already told about this action.")
    except InvalidInput as error:
        return render("you_said.html", 400, **base, action=action, preview=None, what=form.get("what", ""),
                      problem="; ".join(f"{p.field}: {p.message}" for p in error.problems))
    return _redirect(f"/staff/actions/{action_id}")


# -- changes ----------------------------------------------------------------------------------------
def _metric_trend(identity, wave_id: str, metric: str) -> tuple[list[dict], str, float, float, str]:
    """Rows of the metric over the survey's waves (the identity's scope) for the marked chart."""
    if not wave_id:
        return [], "", 0, 100, ""
    points = results.wave_trend(wiring.review_stores().snapshots, wiring.repositories().waves, wave_id, identity)
    kind, _, question = metric.partition(":")
    rows = []
    for p in points:
        if kind == "top2":
            entry = (p.get("csat") or {}).get(question, {}).get("top2")
            scale = 100.0
        else:
            entry, scale = p["overall"]["nps"], 1.0
        found = entry if isinstance(entry, dict) else {}

        def scaled(name, found=found, scale=scale):
            return None if found.get(name) is None else found[name] * scale

        rows.append({"label": p["wave_id"], "date": p["opens_at"][:10], "suppressed": entry == results.MARKER,
                     "value": scaled("value"), "low": scaled("ci_low"), "high": scaled("ci_high")})
    if kind == "top2":
        return rows, f"Top-2-box of {question} per wave (%)", 0.0, 100.0, "%"
    return rows, "NPS per wave", -100.0, 100.0, ""


def _chart(identity, wave_id: str, metric: str, shown: list[dict], chart_id: str):
    from .change_charts import trend_with_changes

    rows, title, low, high, unit = _metric_trend(identity, wave_id, metric)
    if not rows:
        return None, rows
    markers = [c for c in shown if changes.affects_segment(c, None, None)]
    return trend_with_changes(rows, markers, f"{title}, program changes marked", chart_id, low, high, unit), rows


@plans_pages.route("/staff/changes", methods=["GET"])
@staff_page("viewer")
@_page_errors
def change_list(identity):
    base = _page_base(identity, "changes")
    items = changes.list_changes(wiring.plan_stores().changes, identity)
    chart, rows = _chart(identity, base["wave_id"], "nps:q_nps", items, "changes-trend")
    return render("changes.html", **base, items=items, chart=chart, rows=rows,
                  can_edit=identity.role != "viewer", problems=[], typed={})


@plans_pages.route("/staff/changes", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@staff_page("analyst")
@_page_errors
def change_add(identity):
    form = _form()
    refused = _csrf_refusal(form)
    if refused:
        return refused
    segments = {k: _split(form.get(k)) for k in ("tiers", "regions", "programs", "partner_types", "partners")}
    body = {"id": form.get("id"), "description": form.get("description"), "effective": form.get("effective"),
            "segments": {k: v for k, v in segments.items() if v}, "metrics": _split(form.get("metrics"))}
    try:
        change = changes.add_change(wiring.plan_stores().changes, identity, body, _now())
    except InvalidInput as error:
        base = _page_base(identity, "changes")
        items = changes.list_changes(wiring.plan_stores().changes, identity)
        chart, rows = _chart(identity, base["wave_id"], "nps:q_nps", items, "changes-trend")
        return render("changes.html", 400, **base, items=items, chart=chart, rows=rows, can_edit=True,
                      problems=error.problems, typed={k: str(v) for k, v in form.items() if k != "csrf"})
    return _redirect(f"/staff/changes/{change['change_id']}")


@plans_pages.route("/staff/changes/{change_id}", methods=["GET"])
@staff_page("viewer")
@_page_errors
def change_page(change_id, identity):
    change = changes.get_change(wiring.plan_stores().changes, identity, change_id)
    base = _page_base(identity, "changes")
    survey_id = wiring.repositories().waves.get(base["wave_id"]).survey_id if base["wave_id"] else None
    restricted = changes.reader_restricted(wiring.repositories(), identity, change, survey_id)
    if survey_id:  # recomputed when what the reader's estimates read moved since the last view
        change = dict(change)
        wiring.change_estimator()(change, survey_id, restricted)
    change = changes.visible_change(change, identity, restricted)
    charts = []
    for i, metric in enumerate(change.get("metrics") or ["nps:q_nps"]):
        chart, rows = _chart(identity, base["wave_id"], metric, [change], f"change-trend-{i}")
        if chart is not None:
            charts.append({"metric": metric, "chart": chart, "rows": rows})
    linked = []
    for action_id in change.get("actions") or []:
        try:
            linked.append(actions.get_action(wiring.plan_stores().actions, identity, action_id))
        except NotFound:
            pass  # an action this reader may not see is left out
    return render("change.html", **base, change=change, charts=charts, linked=linked,
                  show_cells=identity.role != "viewer")


def overview_hooks(identity) -> dict:
    """What the overview needs from action plans: the number of actions per finding (badges) and
    the recorded changes the identity may see (listed under the trend)."""
    stores = wiring.plan_stores()
    return {"action_counts": actions.badges(stores.actions, identity),
            "recorded_changes": changes.list_changes(stores.changes, identity)}
