"""The report's "what we committed to, what is done, what moved" (issue 22).

``plan_inputs`` picks the actions prompted by a finding in one of the survey's waves and the
changes linked to each (a change lists its actions); ``plans_model`` turns them into display
values: committed (approved or in progress), done, and dropped (with the reason), each with the
effect estimate of every linked change in words (the same verdict the change page shows) and its
interval. Estimates arrive as the documents of ``analysis.impact.estimate_effect``; one that is
"not enough data" shows its reason and no figure. On aggregate surveys the estimates are the released
ones (closed waves only, ``services.change_estimates``), and each says so. Standard library only.
"""
from __future__ import annotations

COMMITTED = ("approved", "in_progress")
CLOSED_NOTE = " (From closed waves only: an open wave counts once it closes.)"  # released estimates
STATUS_WORDS = {"approved": "approved", "in_progress": "in progress", "done": "done", "dropped": "dropped"}


def plan_inputs(actions: list[dict], changes: list[dict], wave_ids, estimates_of=None) -> dict:
    """Plain inputs of the section. ``estimates_of(change) -> list[dict] | None`` gives a change's
    current estimates (None: use the ones saved on the change)."""
    waves = set(wave_ids)
    picked = [a for a in actions if (a.get("finding") or {}).get("wave_id") in waves]
    linked: dict[str, list[dict]] = {}
    for change in changes:
        for action_id in change.get("actions") or ():
            linked.setdefault(action_id, []).append(change)
    out = []
    for action in picked:
        moved = []
        for change in linked.get(action["action_id"], []):
            estimates = estimates_of(change) if estimates_of else None
            if estimates is None:
                estimates = change.get("estimates") or []
            moved.append({"change_id": change["change_id"], "description": change.get("description", ""),
                          "effective": change.get("effective", ""), "estimates": estimates})
        out.append({"action_id": action["action_id"], "title": action["title"], "owner": action.get("owner"),
                    "due": action.get("due"), "status": action["status"], "reason": action.get("reason"),
                    "changes": moved})
    return {"actions": out}


def _interval(doc: dict) -> str:
    est = doc.get("estimate") or {}
    if doc.get("status") != "ok" or est.get("value") is None or est.get("low") is None:
        return ""
    return (f"{est['value']:+.1f} ({est.get('level', 0.9) * 100:.0f}% interval "
            f"{est['low']:+.1f} to {est['high']:+.1f})")


def _item(action: dict) -> dict:
    moved = []
    for change in action.get("changes") or ():
        for doc in change.get("estimates") or ():
            moved.append({"change": change["description"], "effective": change["effective"],
                          "metric": doc.get("metric") or doc.get("metric_ref") or "",
                          "verdict": (doc.get("verdict") or "") + (CLOSED_NOTE if doc.get("basis") else ""),
                          "interval": _interval(doc),
                          "design": doc.get("design") or ""})
        if not change.get("estimates"):
            moved.append({"change": change["description"], "effective": change["effective"], "metric": "",
                          "verdict": "No estimate yet: it needs a wave with results after the change.",
                          "interval": "", "design": ""})
    return {"title": action["title"], "owner": action.get("owner") or "", "due": action.get("due") or "",
            "status": STATUS_WORDS.get(action["status"], action["status"]), "reason": action.get("reason") or "",
            "moved": moved}


def plans_model(inputs: dict | None) -> dict:
    """{"available", "committed", "done", "dropped", "proposed"}: lists of display items; proposed
    actions (not yet committed to) are only counted."""
    if not inputs:
        return {"available": False, "committed": [], "done": [], "dropped": [], "proposed": 0}
    actions = inputs.get("actions") or []
    return {"available": True,
            "committed": [_item(a) for a in actions if a["status"] in COMMITTED],
            "done": [_item(a) for a in actions if a["status"] == "done"],
            "dropped": [_item(a) for a in actions if a["status"] == "dropped"],
            "proposed": sum(1 for a in actions if a["status"] == "proposed")}
