"""E-mails to the people who work follow-ups: "assigned to you" and the SLA reminder.

The mailer is the application's ``Mailer`` (outbox locally, SES in AWS); keys make each
notice idempotent per follow-up version (``followups/<wave>/<invitation>.<kind>.<n>``).
Every attempt leaves its outcome on the follow-up (``notice_status`` sent|failed, ``notice_kind``,
``notice_reason``, ``notice_at``: the queue shows a failed one to staff) and a failure is also
reported through ``on_failure(kind, reason)`` (the jobs turn it into a CloudWatch metric).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import urlencode

from chalicelib.domain.errors import ConcurrentUpdate

ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
REMIND_BEFORE = timedelta(days=1)
_KEY_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def is_address(value) -> bool:
    """One plain ``local@domain`` address (the assignee field)."""
    return isinstance(value, str) and len(value) <= 254 and bool(ADDRESS.match(value))


def _message(sender: str, recipient: str, subject: str, text: str, now: datetime) -> EmailMessage:
    from email import policy

    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = " ".join(subject.split())[:200]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=(parseaddr(sender)[1].rpartition("@")[2] or "pulse.local"))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, charset="utf-8")
    return message


def _summary(followup: dict) -> str:
    why = []
    if "detractor" in followup.get("reasons", []):
        why.append(f"detractor (NPS {followup.get('nps')})")
    if "negative_comment" in followup.get("reasons", []):
        why.append(f"negative comment: \u201c{followup.get('comment') or ''}\u201d")
    return "; ".join(why) or "needs a follow-up"


def _link(base_url: str, followup: dict) -> str:
    return f"{base_url}/staff/followups?" + urlencode({"wave": followup["wave_id"],
                                                       "assignee": followup["assignee"]})


def _key(followup: dict, kind: str) -> str:
    return (f"followups/{_KEY_SAFE.sub('_', followup['wave_id'])}/"
            f"{_KEY_SAFE.sub('_', followup['invitation_id'])}.{kind}.{followup.get('version', 1)}")


def notify_assigned(mailer, sender: str, base_url: str, followup: dict, now: datetime) -> bool:
    """Tell the assignee a follow-up is theirs; False when the assignee is not an address."""
    from chalicelib.mail.mailer import OutgoingMail

    if not is_address(followup.get("assignee")):
        return False
    text = (f"A partner follow-up is assigned to you.\n\nPartner: {followup.get('partner_name')} "
            f"({followup.get('tier')}, {followup.get('region')})\nWhy: {_summary(followup)}\n"
            f"Due: {followup['due_at'][:10]}\n\nOpen the queue: {_link(base_url, followup)}\n")
    mailer.send(OutgoingMail(_key(followup, "assigned"), followup["assignee"],
                             _message(sender, followup["assignee"],
                                      f"Follow-up assigned: {followup.get('partner_name')}", text, now)))
    return True


def _stamp(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def send_assigned_notice(repo, mailer, sender: str, base_url: str, followup: dict, now: datetime,
                         on_failure=None) -> str:
    """``notify_assigned`` that never raises: returns and records sent|failed|skipped (no address)."""
    try:
        sent = notify_assigned(mailer, sender, base_url, followup, now)
    except Exception as error:  # noqa: BLE001 - the follow-up stands; the failure is recorded and reported
        reason = _reason(error)
        repo.mark_notice(followup["wave_id"], followup["invitation_id"], "assigned", "failed", reason, _stamp(now))
        if on_failure:
            on_failure("assigned", reason)
        return "failed"
    if not sent:
        return "skipped"
    repo.mark_notice(followup["wave_id"], followup["invitation_id"], "assigned", "sent", "", _stamp(now))
    return "sent"


def remind_due(repo, mailer, sender: str, base_url: str, wave_id: str, now: datetime, on_failure=None) -> int:
    """One reminder per open follow-up due within a day or overdue (``reminded_at`` marks it).

    A reminder the mailer refuses is recorded on its follow-up (``notice_status = failed``) and
    reported through ``on_failure``; it is tried again on the next run. When the transport is
    unavailable (quota used up, SES unreachable) the run stops after recording the first failure."""
    from chalicelib.mail.mailer import MailError, MailUnavailable, OutgoingMail

    soon = (now + REMIND_BEFORE).strftime("%Y-%m-%dT%H:%M:%SZ")
    sent = 0
    for status in ("open", "in_progress"):
        for followup in repo.by_status(wave_id, status):
            if followup["due_at"] > soon or followup.get("reminded_at") or not is_address(followup.get("assignee")):
                continue
            overdue = followup["due_at"] < now.strftime("%Y-%m-%dT%H:%M:%SZ")
            subject = f"{'Overdue' if overdue else 'Due tomorrow'}: follow-up with {followup.get('partner_name')}"
            text = (f"{subject}.\n\nWhy: {_summary(followup)}\nDue: {followup['due_at'][:10]}\n"
                    f"Status: {followup['status'].replace('_', ' ')}\n\nOpen the queue: {_link(base_url, followup)}\n")
            try:
                mailer.send(OutgoingMail(_key(followup, "reminder"), followup["assignee"],
                                         _message(sender, followup["assignee"], subject, text, now)))
            except MailError as error:
                reason = _reason(error)
                repo.mark_notice(wave_id, followup["invitation_id"], "reminder", "failed", reason, _stamp(now))
                if on_failure:
                    on_failure("reminder", reason)
                if isinstance(error, MailUnavailable):
                    return sent
                continue
            marked = {**followup, "reminded_at": _stamp(now), "version": int(followup["version"]) + 1}
            try:
                repo.replace(marked, int(followup["version"]))
            except ConcurrentUpdate:
                pass  # someone changed it meanwhile: the outbox key makes a resend the same mail
            repo.mark_notice(wave_id, followup["invitation_id"], "reminder", "sent", "", _stamp(now))
            sent += 1
    return sent
