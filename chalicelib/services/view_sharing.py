"""Scheduled sharing of a saved view: colleagues (staff addresses) get its link and headline figures
weekly or monthly, read with *their* role and scope.

A recipient whose last sign-in (``storage.staff_directory``) shows a scope the view goes beyond (a
viewer of region=EMEA and a view of all partners), or who never signed in as staff, gets nothing;
the sharer is told by e-mail and on the overview (the share's last outcome). Each share is handled
once per period (ISO week or month): a conditional claim before any mail, so the daily schedule
never sends twice.
"""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from chalicelib.domain.errors import FieldProblem, InvalidInput

CADENCES = ("weekly", "monthly")
MAX_RECIPIENTS = 20
ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def parse_share(form: dict, saved_views: list[dict]) -> tuple[dict, list[str], str]:
    """(the sharer's saved view, recipient addresses, cadence) from the share form; problems name the field."""
    name = " ".join(str(form.get("name") or "").split())
    view = next((v for v in saved_views if v["name"] == name), None)
    if view is None:
        raise InvalidInput(FieldProblem("name", "choose one of your saved views"))
    raw = form.get("recipients")
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(FieldProblem("recipients", "give one or more staff e-mail addresses"))
    recipients = list(dict.fromkeys(a.strip().lower() for a in re.split(r"[,;\s]+", raw) if a.strip()))
    bad = next((a for a in recipients if len(a) > 254 or not ADDRESS.match(a)), None)
    if bad is not None:
        raise InvalidInput(FieldProblem("recipients", "one of the addresses is not an e-mail address"))
    if len(recipients) > MAX_RECIPIENTS:
        raise InvalidInput(FieldProblem("recipients", f"at most {MAX_RECIPIENTS} addresses"))
    cadence = form.get("cadence")
    if cadence not in CADENCES:
        raise InvalidInput(FieldProblem("cadence", "must be weekly or monthly"))
    return view, recipients, cadence


def period_of(cadence: str, now: datetime) -> str:
    """The week (``2026-W10``) or month (``2026-03``) a share is handled in."""
    if cadence == "weekly":
        year, week, _ = now.isocalendar()
        return f"{year}-W{week:02d}"
    return now.strftime("%Y-%m")


def view_query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items() if v}


def refusal(profile: dict | None, filters: dict) -> str | None:
    """Why the recipient may not get the view (None: they may)."""
    from chalicelib.security.staff import parse_scope

    if profile is None:
        return "has not signed in to Partner Pulse as staff, so what they may see is unknown"
    scope = parse_scope(profile.get("scope")) if profile.get("role") == "viewer" else None
    if scope is not None and str(filters.get(scope.dimension, "")).lower() != scope.value.lower():
        return f"may see only {scope} and this view goes beyond it"
    return None


def headline(store, path: str, identity) -> dict:
    """The view's wave and its headline figures for ``identity`` (its scope applied)."""
    from . import results

    query = view_query(path)
    waves = store.registered_waves()
    wave_id = query.get("wave") or (waves[0]["wave_id"] if waves else None)
    if wave_id is None:
        return {"wave_id": None, "lines": ["No results yet."]}
    doc = results.scorecard(store, wave_id, identity)
    filters = results.segment_filters(query)
    scope = identity.effective_scope()
    if scope is not None and str(filters.get(scope.dimension, "")).lower() == scope.value.lower():
        filters.pop(scope.dimension)  # a scoped reader's document is their scope: its overall is the view
    cell = doc.get("overall") or {}
    if filters:
        dims = sorted(filters)
        cells = [c for c in results.breakdown(doc, *dims)
                 if all(str(c["segment"].get(d)).lower() == str(v).lower() for d, v in filters.items())]
        cell = cells[0] if len(cells) == 1 else {"suppressed": True}
    if cell.get("suppressed") or not isinstance(cell.get("nps"), dict):
        return {"wave_id": wave_id, "lines": ["Figures withheld: too few respondents in this view."]}
    nps = cell["nps"]
    lines = [f"Respondents: {cell.get('respondents')}",
             f"NPS: {nps['value']:+.0f} (95% interval {nps['ci_low']:+.0f} to {nps['ci_high']:+.0f})"]
    change = (cell.get("vs_previous") or {}).get("nps") if isinstance(cell.get("vs_previous"), dict) else None
    if isinstance(change, dict) and change.get("difference") is not None:
        sure = "a significant change" if change.get("significant") else "not a significant change"
        lines.append(f"Change since {doc.get('previous_wave')}: {change['difference']:+.1f} points ({sure})")
    return {"wave_id": wave_id, "lines": lines}


def share_due_views(shares, directory, store, mailer, sender: str, base_url: str, now: datetime) -> list[dict]:
    """Handle every share due in its current period: mail the view to the recipient, or tell the sharer
    why not. Returns what happened ({share, outcome})."""
    from chalicelib.mail.mailer import OutgoingMail
    from chalicelib.security.staff import StaffIdentity, parse_scope

    from . import results
    from .followup_notices import _message

    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    done = []
    for share in shares.active():
        period = period_of(share["cadence"], now)
        if not shares.claim(share, period, stamp):
            continue
        profile = directory.get(share["recipient"])
        why = refusal(profile, results.segment_filters(view_query(share["path"])))
        key = re.sub(r"[^A-Za-z0-9_.@-]", "_", f"views/{share['sharer']}/{share['name']}/{share['recipient']}")
        if why:
            subject = f"Partner Pulse: your view \u201c{share['name']}\u201d was not sent to {share['recipient']}"
            body = (f"Your {share['cadence']} share of the view \u201c{share['name']}\u201d was not sent to "
                    f"{share['recipient']} ({period}): they {why}.\n\nNothing was sent to them. Check the address, "
                    f"or share a view within their scope.\n")
            mailer.send(OutgoingMail(f"{key}.refused.{period}", share["sharer"],
                                     _message(sender, share["sharer"], subject, body, now)))
            shares.record(share, f"not sent ({period}): {share['recipient']} {why}")
            done.append({"share": share["SK"], "outcome": "refused", "reason": why})
            continue
        identity = StaffIdentity(share["recipient"], profile["role"],
                                 parse_scope(profile.get("scope")) if profile.get("role") == "viewer" else None)
        figures = headline(store, share["path"], identity)
        link = base_url.rstrip("/") + share["path"]
        subject = f"Partner Pulse: {share['name']} ({share['cadence']})"
        body = (f"{share['sharer']} shares the view \u201c{share['name']}\u201d with you {share['cadence']}.\n\n"
                + (f"Wave {figures['wave_id']}:\n" if figures["wave_id"] else "")
                + "".join(f"- {line}\n" for line in figures["lines"])
                + f"\nOpen the view: {link}\n\nThe figures are those your own access shows. Ask "
                  f"{share['sharer']} to stop the share if you no longer want it.\n")
        mailer.send(OutgoingMail(f"{key}.{period}", share["recipient"],
                                 _message(sender, share["recipient"], subject, body, now)))
        shares.record(share, f"sent ({period})")
        done.append({"share": share["SK"], "outcome": "sent", "text": body})
    return done
