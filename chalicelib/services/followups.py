"""Closed-loop follow-ups: the respondents the program's rules flag (``followup_rules``; default
detractors, and passives with a strongly negative comment) get one follow-up each for the
partner's account manager, with a due date from the SLA.

Creation is idempotent (one follow-up per response, conditional write), so the job may run
any number of times. Status moves open -> in_progress -> closed (closing needs a reason);
notes are appended with who and when. Every read and write is filtered by the staff scope.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound

STATUSES = ("open", "in_progress", "closed")
MAX_NOTE = 2000
MAX_REASON = 500


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def followups_for(responses, comments: list[dict], partners_by_id: dict, nps_question: str | None,
                  is_strongly_negative, sla_days: int, now: datetime, rules=None, survey=None) -> list[dict]:
    """The follow-ups a wave needs (not yet stored): one per respondent the program's rules flag.

    ``rules``: a ``FollowupRules`` (default: detractors, and passives with a strongly negative
    comment; promoters never for tone). Consent: only respondents ``consent.identifiable`` admits
    (an ``identified`` survey and a "yes" to its consent question) get a follow-up, whichever path
    calls this (live update, full build, CLI); so an aggregate survey (or ``survey`` None) has none.
    """
    from chalicelib.domain.consent import identifiable
    from chalicelib.services.followup_rules import DEFAULT_RULES

    rules = rules or DEFAULT_RULES
    negative = {}
    for comment in comments:
        if is_strongly_negative(comment):
            negative.setdefault(comment["invitation_id"], comment)
    out = []
    for response in responses:
        if response.status != "submitted" or not identifiable(survey, response):
            continue
        score = (response.answers or {}).get(nps_question) if nps_question else None
        comment = negative.get(response.invitation_id)
        reasons = rules.reasons(score if isinstance(score, int) else None, comment is not None)
        if not reasons:
            continue
        if "negative_comment" not in reasons:
            comment = None
        snapshot = response.partner or {}
        partner = partners_by_id.get(response.partner_id)
        contact = _consented_contact(survey, response, partner)
        out.append({
            "followup_id": f"{response.wave_id}.{response.invitation_id}",
            "wave_id": response.wave_id, "invitation_id": response.invitation_id,
            "partner_id": response.partner_id,
            "partner_name": partner.name if partner else response.partner_id,
            "tier": snapshot.get("tier"), "region": snapshot.get("region"),
            "partner_types": list(snapshot.get("partner_types") or []),
            "programs": list(snapshot.get("programs") or []),
            "assignee": partner.account_manager_email if partner else "unassigned",
            "reasons": reasons, "nps": score,
            "comment_id": comment["id"] if comment else None,
            "comment": comment["text"][:300] if comment else None,
            "contact_name": contact.name if contact else None,
            "contact_email": contact.email if contact else None,
            "status": "open", "due_at": _iso(now + timedelta(days=sla_days)),
            "created_at": _iso(now), "updated_at": _iso(now), "notes": [],
            "closing_reason": None, "version": 1,
        })
    return out


def _consented_contact(survey, response, partner):
    """The respondent's contact (the caller checked ``identifiable``)."""
    if partner is None:
        return None
    return partner.contact(response.contact_id) if response.contact_id else None


def create_followups(repo, candidates: list[dict], wave_id: str | None = None) -> int:
    """Store the candidates that do not exist yet; returns how many were created.

    With ``wave_id`` (a full rebuild): one paginated query per status lists the follow-ups that
    exist, and the missing ones go out in batch writes (25 per request, unprocessed items
    resent). Without it (a few changed responses): one conditional put each.
    """
    if wave_id is None or not hasattr(repo, "existing_ids"):
        return sum(1 for followup in candidates if repo.add_if_absent(followup))
    existing = repo.existing_ids(wave_id)
    missing = [f for f in candidates if f["invitation_id"] not in existing]
    if missing:
        repo.add_many(missing)
    return len(missing)


def list_followups(repo, wave_id: str, identity, status: str | None = None,
                   assignee: str | None = None, now: datetime | None = None) -> list[dict]:
    """The wave's follow-ups the identity may see, by status then due date, overdue marked."""
    if status and status not in STATUSES:
        raise InvalidInput(FieldProblem("status", f"must be one of {', '.join(STATUSES)}"))
    items = []
    for st in ([status] if status else STATUSES):
        items += [f for f in repo.by_status(wave_id, st) if identity.admits(f)]
    if assignee:
        items = [f for f in items if f.get("assignee") == assignee]
    stamp = _iso(now) if now else None
    for item in items:
        item["overdue"] = bool(stamp and item["status"] != "closed" and item["due_at"] < stamp)
    return items


QUEUE_FILTERS = ("status", "assignee", "tier", "region", "overdue")
SORTS = ("due_at", "-due_at", "nps", "-nps", "updated_at", "-updated_at", "partner_name", "-partner_name")
QUEUE_PAGE = 25
MAX_QUEUE_PAGE = 100


def _sort_value(item: dict, field: str):
    value = item.get(field)
    return (value is None, value if value is not None else 0)


def queue_page(repo, wave_id: str, identity, query: dict | None, now: datetime) -> dict:
    """One page of the follow-up queue: filters, sorting and paging validated from a query.

    ``query``: status, assignee, tier, region, overdue (``true``/``false``), sort (one of
    ``SORTS``, ``-`` for descending), page (from 1), limit (1-100). Unknown names are a 400.
    Returns items, total, page, pages, the choices for the filter controls and the counts.
    """
    query = {k: v for k, v in (query or {}).items() if k != "wave" and v not in (None, "")}
    unknown = set(query) - {*QUEUE_FILTERS, "sort", "page", "limit"}
    if unknown:
        raise InvalidInput(FieldProblem(sorted(unknown)[0], "unknown parameter; use "
                                        + ", ".join((*QUEUE_FILTERS, "sort", "page", "limit"))))
    for name, value in query.items():
        if not isinstance(value, str) or len(value) > 200:
            raise InvalidInput(FieldProblem(name, "must be text of at most 200 characters"))
    overdue = query.get("overdue")
    if overdue not in (None, "true", "false"):
        raise InvalidInput(FieldProblem("overdue", "must be true or false"))
    sort = query.get("sort", "due_at")
    if sort not in SORTS:
        raise InvalidInput(FieldProblem("sort", f"must be one of {', '.join(SORTS)}"))
    page, limit = _positive(query, "page", 1, 100_000), _positive(query, "limit", QUEUE_PAGE, MAX_QUEUE_PAGE)
    everything = list_followups(repo, wave_id, identity, query.get("status"), None, now)
    items = [f for f in everything
             if all(not query.get(k) or f.get(k) == query[k] for k in ("assignee", "tier", "region"))
             and (overdue is None or f["overdue"] == (overdue == "true"))]
    items.sort(key=lambda f: _sort_value(f, sort.lstrip("-")), reverse=sort.startswith("-"))
    pages = max(1, -(-len(items) // limit))
    if query.get("status"):
        counts = followup_counts(repo, wave_id, identity, now)
    else:
        counts = _counts(everything)
    return {"wave_id": wave_id, "as_of": _iso(now), "items": items[(page - 1) * limit: page * limit],
            "total": len(items),
            "page": page, "pages": pages, "limit": limit, "sort": sort,
            "filters": {k: query[k] for k in QUEUE_FILTERS if query.get(k)},
            "choices": {k: sorted({str(f.get(k)) for f in everything if f.get(k)})
                        for k in ("assignee", "tier", "region")},
            "counts": counts}


def _positive(query: dict, name: str, default: int, maximum: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not str(raw).isdigit() or not 1 <= int(raw) <= maximum:
        raise InvalidInput(FieldProblem(name, f"must be a whole number from 1 to {maximum}"))
    return int(raw)


def followup_counts(repo, wave_id: str, identity, now: datetime) -> dict:
    """Counts per status plus overdue, and closed ones per closing reason (``by_reason``: reason id
    -> count; ``unspecified`` for a closure with a note only), within the identity's scope."""
    return _counts(list_followups(repo, wave_id, identity, now=now))


def _counts(items: list[dict]) -> dict:
    counts = {status: sum(1 for f in items if f["status"] == status) for status in STATUSES}
    counts["overdue"] = sum(1 for f in items if f["overdue"])
    by_reason: dict[str, int] = {}
    for f in items:
        if f["status"] == "closed":
            key = f.get("closing_category") or "unspecified"
            by_reason[key] = by_reason.get(key, 0) + 1
    counts["by_reason"] = by_reason
    return counts


def update_followup(repo, wave_id: str, invitation_id: str, identity, change: dict, now: datetime,
                    reasons: tuple[str, ...] = ()) -> dict:
    """Apply a status change and/or a note; closing requires a closing reason.

    ``change``: {"status"?, "note"?, "closing_reason"?, "assignee"? (an e-mail address; the caller
    sends the "assigned to you" notice when it changed)}. Out-of-scope follow-ups
    are reported as not found (their existence is not revealed).
    """
    if not isinstance(change, dict):
        raise InvalidInput(FieldProblem("(body)", "must be a JSON object"))
    unknown = set(change) - {"status", "note", "closing_reason", "closing_category", "assignee"}
    if unknown:
        raise InvalidInput(FieldProblem(sorted(unknown)[0], "unknown field"))
    current = repo.get(wave_id, invitation_id)
    if current is None or not identity.admits(current):
        raise NotFound()
    status = change.get("status", current["status"])
    if status not in STATUSES:
        raise InvalidInput(FieldProblem("status", f"must be one of {', '.join(STATUSES)}"))
    note = change.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip() or len(note) > MAX_NOTE):
        raise InvalidInput(FieldProblem("note", f"must be text of 1 to {MAX_NOTE} characters"))
    reason = change.get("closing_reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
        raise InvalidInput(FieldProblem("closing_reason", f"must be text of at most {MAX_REASON} characters"))
    category = change.get("closing_category")
    if category is not None and category not in reasons:
        raise InvalidInput(FieldProblem("closing_category", "must be one of the program's closing reasons: "
                                        + (", ".join(reasons) or "none are defined")))
    if status == "closed" and not (category or current.get("closing_category")) \
            and not (reason or current.get("closing_reason") or "").strip():
        raise InvalidInput(FieldProblem("closing_reason", "choose why the follow-up is closed (a closing reason)"))
    updated = dict(current)
    updated.pop("overdue", None)
    updated["status"] = status
    if status == "closed" and reason:
        updated["closing_reason"] = reason.strip()
    if status == "closed" and category:
        updated["closing_category"] = category
    if status != "closed":
        updated["closing_reason"] = None
        updated["closing_category"] = None
    if note:
        updated["notes"] = [*current.get("notes", []), {"by": identity.subject, "at": _iso(now),
                                                        "text": note.strip()}]
    assignee = change.get("assignee")
    if assignee is not None:
        from chalicelib.services.followup_notices import is_address

        if not is_address(assignee):
            raise InvalidInput(FieldProblem("assignee", "must be one e-mail address"))
        if assignee != current.get("assignee"):
            updated["assignee"] = assignee
            updated["reminded_at"] = None
            updated["notes"] = [*updated.get("notes", []), {"by": identity.subject, "at": _iso(now),
                                                            "text": f"assigned to {assignee}"}]
    updated["updated_at"] = _iso(now)
    updated["version"] = int(current["version"]) + 1
    repo.replace(updated, int(current["version"]))
    return updated
