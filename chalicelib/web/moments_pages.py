"""The "Moments" dashboard page and staff API of transactional pulses (issue 27).

Both read the *released* results document (services/pulse_release.py: it moves only when no published
group changed by fewer than k responses; pulse surveys are aggregate, so every reader reads it); nothing
is computed on the request.
Transactional results are not cut by a viewer's scope, so a scoped viewer is refused (403).
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib import wiring
from chalicelib.services.program import current_program
from chalicelib.services.pulse_view import pulse_view

from .dashboard import _base, _forbidden_page, _page_errors, render, staff_page
from .errors import json_errors, json_response
from .staff_api import AUTHORIZER, staff

moments_pages = Blueprint(__name__)
SCOPED = "Transactional pulse results are not cut by scope; ask an analyst for a scoped extract."


def _charts(view: dict) -> None:
    from .charts import interval_chart

    for row in view["types"]:
        rows = [{"label": c["name"], "value": c["nps"]["value"], "low": c["nps"].get("low"),
                 "high": c["nps"].get("high"), "suppressed": c["suppressed"]}
                for table in row["tables"][:2] for c in table["cells"]]
        row["chart"] = interval_chart(rows, f"{row['label']}: NPS by tier and region", f"chart-{row['id']}") \
            if rows else None
        trend = [{"label": c["name"], "value": c["nps"]["value"], "low": c["nps"].get("low"),
                  "high": c["nps"].get("high"), "suppressed": c["suppressed"]} for c in row["trend"]]
        row["trend_chart"] = interval_chart(trend, f"{row['label']}: NPS by month", f"trend-{row['id']}") \
            if trend else None


@moments_pages.route("/staff/moments", methods=["GET"])
@staff_page("viewer")
@_page_errors
def moments_page(identity):
    if identity.effective_scope():
        return _forbidden_page(SCOPED)
    repos = wiring.repositories()
    view = pulse_view(wiring.pulse_store().released(), current_program(repos), wiring.fatigue_rules())
    _charts(view)
    return render("moments.html", **_base(identity, "", "moments"), view=view)


@moments_pages.route("/api/v1/staff/pulses", methods=["GET"], authorizer=AUTHORIZER)
@staff("viewer")
@json_errors
def pulses_api(identity):
    """The released transactional results document (schema pulse.pulses/1) with its ``release`` (when,
    k, responses waiting and the same in ``release.words``); 404 until first built."""
    if identity.effective_scope():
        return json_response(403, {"error": "forbidden", "message": SCOPED})
    from chalicelib.services.pulse_release import release_words

    doc = wiring.pulse_store().released()
    if doc is not None:
        doc["release"]["words"] = release_words(doc["release"])
    if doc is None:
        return json_response(404, {"error": "not_found", "message": "No transactional results yet: they are "
                                    "built by the pulse sender or `pulse pulses results`."})
    return json_response(200, doc)
