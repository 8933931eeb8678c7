"""Distribution use cases: invitations and reminders by e-mail, opt-out, suppression, opens.

Order of operations for every e-mail (exactly once per invitation and reminder number):

1. render the message (pure; a template error can never leave a claim behind);
2. **claim** the send with a conditional put (state ``sending``, a fresh ``claim_id``); a
   second run, a duplicated schedule event or a concurrent runner loses the condition and
   skips the contact;
3. hand the message to the mailer;
4. mark the record ``sent`` (conditional on our ``claim_id``) and move the invitation
   ``created -> sent``.

A crash between 2 and 3 or between 3 and 4 leaves a ``sending`` record. After the lease
(``SendPolicy.lease_minutes``, so a live concurrent runner is never second-guessed) a re-run
asks the mailer whether the key was delivered: the outbox knows exactly (its files are
written atomically), so the re-run either confirms the record (crash after sending) or
re-claims and sends (crash before sending): one e-mail either way. SES cannot be asked, so
such a record is reported as *in doubt* and left alone unless the operator passes
``resend_in_doubt`` (a possible duplicate is their informed choice, never a silent one).
Send-then-record was rejected: a crash after sending would always resend.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain.errors import FieldProblem, InvalidInput, InvitationNotFound, WaveClosed
from chalicelib.domain.invitation_states import TERMINAL
from chalicelib.domain.partners import EMAIL, Contact, Partner
from chalicelib.domain.responses import Invitation
from chalicelib.domain.sends import FAILED, INVITATION_KIND, SENDING, SENT, SendRecord, reminder_kind
from chalicelib.domain.waves import iso, parse_instant
from chalicelib.mail.compose import MailContext, render
from chalicelib.mail.mailer import DELIVERED, NOT_DELIVERED, MailRejected, MailUnavailable, OutgoingMail
from chalicelib.mail.message import UnsafeAddress, build_message, mailbox, parse_sender
from chalicelib.security.tokens import InvitationClaims

from .invitations import audience_partners, create_invitations, survey_url
from .ports import Repositories

REACHED_STATES = {"sent", "opened", "started", "submitted"}
SUPPRESSION_REASONS = ("bounce", "complaint", "manual")


@dataclass(frozen=True)
class SendPolicy:
    max_reminders: int = 3
    spacing_days: float = 7.0
    lease_minutes: int = 10
    resend_in_doubt: bool = False


@dataclass(frozen=True)
class Distribution:
    """The adapters the distribution use cases need (built in wiring.py or by tests)."""

    repos: Repositories
    sends: object  # DynamoSendRepository-like
    suppressions: object  # DynamoSuppressionRepository-like
    mailer: object  # Mailer
    invitation_tokens: object
    unsubscribe_tokens: object
    base_url: str
    sender: str
    policy: SendPolicy = SendPolicy()


@dataclass(frozen=True)
class PlannedMail:
    invitation: Invitation
    partner: Partner
    contact: Contact
    kind: str  # INVITATION | REMINDER#n
    wording: str  # invitation | reminder | finish
    language: str

    @property
    def key(self) -> str:
        return f"{self.invitation.wave_id}/{self.invitation.invitation_id}.{self.kind.replace('#', '-').lower()}"


@dataclass
class SendReport:
    wave_id: str
    kind: str  # "invitations" | "reminders"
    dry_run: bool = False
    planned: list[PlannedMail] = field(default_factory=list)
    sent: list[PlannedMail] = field(default_factory=list)
    recovered: int = 0  # crashed sends found delivered and confirmed
    skipped: Counter = field(default_factory=Counter)
    in_doubt: list[str] = field(default_factory=list)  # keys
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    stopped: str | None = None

    def by_segment(self) -> dict[str, dict[str, int]]:
        """How many e-mails (planned) per tier, region, language and wording."""
        out: dict[str, Counter] = {"tier": Counter(), "region": Counter(), "language": Counter(),
                                   "wording": Counter()}
        for mail in self.planned:
            out["tier"][mail.partner.tier] += 1
            out["region"][mail.partner.region] += 1
            out["language"][mail.language] += 1
            out["wording"][mail.wording] += 1
        return {name: dict(sorted(counter.items())) for name, counter in out.items()}

    def summary(self) -> dict:
        return {"wave": self.wave_id, "kind": self.kind, "dry_run": self.dry_run,
                "planned": len(self.planned), "sent": len(self.sent), "recovered": self.recovered,
                "skipped": dict(sorted(self.skipped.items())), "in_doubt": len(self.in_doubt),
                "failed": len(self.failed), "stopped": self.stopped}


# -- invitations ------------------------------------------------------------------------------
def send_invitations(d: Distribution, wave_id: str, now: datetime, *, tiers: list[str] | None = None,
                     regions: list[str] | None = None, dry_run: bool = False, progress=None) -> SendReport:
    """E-mail each matching contact their invitation link, once.

    Creates missing invitations first (idempotent). Skips opted-out and suppressed contacts,
    invitations already sent (by a send record, or ``state`` beyond ``created`` when links
    were distributed another way). ``dry_run`` writes nothing and sends nothing.
    """
    wave = d.repos.waves.get(wave_id)
    if not wave.accepts_answers(now):
        raise WaveClosed(wave.closed_on)
    report = SendReport(wave_id, "invitations", dry_run=dry_run)
    survey = d.repos.surveys.get(wave.survey_id, wave.survey_version)  # its languages decide the mail's
    if dry_run:
        targets = _would_invite(d, wave_id, now, tiers, regions)
    else:
        targets = [(link.invitation, link.partner, link.contact) for link in create_invitations(
            d.repos, d.invitation_tokens, wave_id, d.base_url, now, tiers, regions)]
    stored = {i.invitation_id: i for i in d.repos.invitations.for_wave(wave_id)}
    records = _records_by_invitation(d, wave_id)
    opted_out = d.sends.opted_out(wave_id)
    suppressed = d.suppressions.suppressed_among([c.email for _, _, c in targets])
    for invitation, partner, contact in targets:
        invitation = stored.get(invitation.invitation_id, invitation)
        mine = records.get(invitation.invitation_id, {})
        reason = _blocked(invitation, contact, opted_out, suppressed)
        if reason is None and INVITATION_KIND in mine and mine[INVITATION_KIND].state == SENT:
            reason = "already sent"  # (a "sending" record is planned: delivery recovers it)
        if reason is None and invitation.state in REACHED_STATES and INVITATION_KIND not in mine:
            reason = f"already {invitation.state}"
        if reason:
            report.skipped[reason] += 1
            continue
        report.planned.append(PlannedMail(invitation, partner, contact, INVITATION_KIND, "invitation",
                                          survey.language_for(invitation.language or contact.language)))
    if not dry_run:
        _deliver_all(d, report, wave, records, now, progress)
    return report


def _would_invite(d: Distribution, wave_id: str, now: datetime, tiers, regions):
    """The (invitation, partner, contact) triples create_invitations would return, unwritten."""
    targets = []
    for partner in audience_partners(d.repos.waves.get(wave_id), d.repos.partners.all()):
        if (tiers and partner.tier not in tiers) or (regions and partner.region not in regions):
            continue
        for contact in partner.contacts:
            invitation_id = d.invitation_tokens.invitation_id(wave_id, partner.partner_id, contact.contact_id)
            targets.append((Invitation(invitation_id, wave_id, partner.partner_id, contact.contact_id,
                                       contact.language, iso(now)), partner, contact))
    return targets


# -- reminders ---------------------------------------------------------------------------------
def send_reminders(d: Distribution, wave_id: str, now: datetime, *, dry_run: bool = False,
                   progress=None, should_stop=None) -> SendReport:
    """Remind invited contacts without a submitted response (at most ``max_reminders``,
    at least ``spacing_days`` after their previous e-mail, never once the wave is closed).

    A contact with a saved, unsubmitted response gets the "finish your survey" wording.
    ``should_stop()`` returning True ends the run early (a Lambda about to time out); the
    next run continues where it stopped.
    """
    wave = d.repos.waves.get(wave_id)
    report = SendReport(wave_id, "reminders", dry_run=dry_run)
    if not wave.accepts_answers(now):
        report.stopped = f"wave closed on {wave.closed_on}"
        return report
    responses = {r.invitation_id: r for r in d.repos.responses.for_wave(wave_id)}
    partners = {p.partner_id: p for p in d.repos.partners.all()}
    invitations = d.repos.invitations.for_wave(wave_id)
    records = _records_by_invitation(d, wave_id)
    opted_out = d.sends.opted_out(wave_id)
    contacts = {}
    for invitation in invitations:
        partner = partners.get(invitation.partner_id)
        contact = partner.contact(invitation.contact_id) if partner else None
        if contact:
            contacts[invitation.invitation_id] = (partner, contact)
    suppressed = d.suppressions.suppressed_among([c.email for _, c in contacts.values()])
    spacing = timedelta(days=d.policy.spacing_days)
    for invitation in invitations:
        response = responses.get(invitation.invitation_id)
        if invitation.invitation_id not in contacts:
            report.skipped["contact no longer in directory"] += 1
            continue
        partner, contact = contacts[invitation.invitation_id]
        if invitation.state == "submitted" or (response and response.is_submitted):
            report.skipped["submitted"] += 1
            continue
        reason = _blocked(invitation, contact, opted_out, suppressed)
        if reason:
            report.skipped[reason] += 1
            continue
        mine = {kind: r for kind, r in records.get(invitation.invitation_id, {}).items() if r.state != FAILED}
        first = mine.get(INVITATION_KIND)
        if first is None and invitation.state not in REACHED_STATES:
            report.skipped["not invited yet"] += 1
            continue
        started = invitation.state == "started" or response is not None
        language = (response.language if response else None) or invitation.language or contact.language
        wording = "finish" if started else "reminder"
        interrupted = [r for r in mine.values() if r.state == SENDING]
        if interrupted:  # finish what a crashed run began before anything new
            kind = interrupted[0].kind
            report.planned.append(PlannedMail(invitation, partner, contact, kind,
                                              "invitation" if kind == INVITATION_KIND else wording, language))
            continue
        numbers = [r.number for r in mine.values() if r.kind != INVITATION_KIND]
        number = max(numbers, default=0) + 1
        if number > d.policy.max_reminders:
            report.skipped["reminder limit reached"] += 1
            continue
        last = max((r.last_activity for r in mine.values()), default=wave.opens_at)
        if now - parse_instant(last) < spacing:
            report.skipped["too soon"] += 1
            continue
        report.planned.append(PlannedMail(invitation, partner, contact, reminder_kind(number), wording, language))
    if not dry_run:
        _deliver_all(d, report, wave, records, now, progress, should_stop)
    return report


# -- delivery ----------------------------------------------------------------------------------
def _records_by_invitation(d: Distribution, wave_id: str) -> dict[str, dict]:
    records: dict[str, dict] = {}
    for record in d.sends.sends_for_wave(wave_id):
        records.setdefault(record.invitation_id, {})[record.kind] = record
    return records


def _blocked(invitation: Invitation, contact: Contact, opted_out: set[str], suppressed: set[str]) -> str | None:
    if invitation.state in TERMINAL:  # cancelled, withdrawn, expired: no mail
        return invitation.state
    if invitation.invitation_id in opted_out:
        return "opted out"
    if contact.email in suppressed:
        return "suppressed address"
    return None


def _deliver_all(d: Distribution, report: SendReport, wave, records: dict, now: datetime, progress,
                 should_stop=None) -> None:
    """Deliver every planned mail; ``progress(done, total)`` is called after each one."""
    setup = mail_setup(d, wave) if report.planned else None
    for done, mail in enumerate(report.planned, start=1):
        if should_stop and should_stop():
            report.stopped = f"time limit: {len(report.planned) - done + 1} left for the next run"
            return
        try:
            _deliver(d, report, mail, wave, records.get(mail.invitation.invitation_id, {}).get(mail.kind), now,
                     setup)
        except MailUnavailable as error:
            report.stopped = str(error)
            return
        if progress:
            progress(done, len(report.planned))


def _deliver(d: Distribution, report: SendReport, mail: PlannedMail, wave, existing, now: datetime,
             setup: MailSetup | None = None) -> None:
    try:
        outgoing = compose_mail(d, mail, wave, now, setup)
    except UnsafeAddress as error:
        report.failed.append((mail.key, str(error)))
        return
    claim_id = uuid.uuid4().hex
    if existing is not None and existing.state == SENT:
        report.skipped["already sent"] += 1
        return
    if existing is not None and existing.state == SENDING:
        if parse_instant(existing.claimed_at) > now - timedelta(minutes=d.policy.lease_minutes):
            report.skipped["being sent by another run"] += 1
            return
        status = d.mailer.delivery_status(mail.key)
        if mail.kind == INVITATION_KIND and mail.invitation.state in ("opened", "started", "submitted"):
            status = DELIVERED  # the contact used the link: the invitation evidently arrived
        if status == DELIVERED:
            d.sends.mark_sent(mail.invitation.invitation_id, mail.kind, existing.claim_id, iso(now),
                              str(outgoing.message["Message-ID"]))
            d.sends.mark_invitation_sent(mail.invitation.invitation_id, iso(now))
            report.recovered += 1
            return
        if status != NOT_DELIVERED and not d.policy.resend_in_doubt:
            report.in_doubt.append(mail.key)
            return
        claimed = d.sends.reclaim(existing, claim_id, iso(now))
    else:
        claimed = d.sends.claim(_record(mail, claim_id, now))
    if not claimed:
        report.skipped["claimed by another run"] += 1
        return
    try:
        message_id = d.mailer.send(outgoing)
    except MailRejected as error:
        d.sends.mark_failed(mail.invitation.invitation_id, mail.kind, claim_id, str(error))
        report.failed.append((mail.key, str(error)))
        return
    except MailUnavailable as error:
        # Nothing left the building: release the claim so the next run retries.
        d.sends.mark_failed(mail.invitation.invitation_id, mail.kind, claim_id, str(error))
        raise
    d.sends.mark_sent(mail.invitation.invitation_id, mail.kind, claim_id, iso(now), message_id)
    if mail.invitation.state == "created":  # reminders go to invitations that are past this
        d.sends.mark_invitation_sent(mail.invitation.invitation_id, iso(now))
    report.sent.append(mail)


def _record(mail: PlannedMail, claim_id: str, now: datetime) -> SendRecord:
    number = 0 if mail.kind == INVITATION_KIND else int(mail.kind.split("#")[1])
    return SendRecord(mail.invitation.invitation_id, mail.invitation.wave_id, mail.kind, number,
                      SENDING, claim_id, iso(now))


def unsubscribe_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


@dataclass(frozen=True)
class MailSetup:
    """What every e-mail of a wave shares: its survey and the program's sender name."""

    survey: object | None = None
    sender_name: str | None = None


def mail_setup(d: Distribution, wave) -> MailSetup:
    """Read the wave's survey and the applied program once per run."""
    from .program import current_program

    return MailSetup(survey=d.repos.surveys.get(wave.survey_id, wave.survey_version),
                     sender_name=current_program(d.repos).sender_name)


def compose_mail(d: Distribution, mail: PlannedMail, wave, now: datetime,
                 setup: MailSetup | None = None) -> OutgoingMail:
    """Render and build the message of one planned e-mail (no side effects).

    Wording comes from the survey (its ``messages``, title and estimated duration) in the
    contact's language when the survey offers it, else in the survey's default language.
    """
    from chalicelib.domain.survey import localized

    setup = setup or mail_setup(d, wave)
    survey = setup.survey
    invitation = mail.invitation
    token = d.invitation_tokens.issue(InvitationClaims(invitation.invitation_id, invitation.partner_id,
                                                       invitation.wave_id))
    unsubscribe = unsubscribe_url(d.base_url, d.unsubscribe_tokens.issue(invitation.invitation_id,
                                                                          invitation.wave_id))
    wanted = survey.language_for(mail.language) if survey else mail.language
    kind = "invitation" if mail.wording == "invitation" else "reminder"
    extra = {}
    if survey is not None:
        extra = {"survey_title": localized(survey.title, wanted), "minutes": survey.estimated_minutes(),
                 "subject": survey.message(kind, "subject", wanted), "body": survey.message(kind, "body", wanted)}
        if mail.wording == "finish":  # "finish your saved survey" keeps its own words unless the survey says
            extra["body"] = None if not survey.message("reminder", "body", wanted) else extra["body"]
    language, parts = render(mail.wording, wanted, MailContext(
        partner_name=mail.partner.name, contact_name=mail.contact.name,
        closes_at=parse_instant(wave.closes_at), survey_url=survey_url(d.base_url, token),
        unsubscribe_url=unsubscribe, sender_name=setup.sender_name or "Partner Program Team", **extra))
    sender = parse_sender(d.sender)
    if setup.sender_name:
        sender = mailbox(setup.sender_name, f"{sender.username}@{sender.domain}")
    message = build_message(
        sender=sender, recipient=mailbox(mail.contact.name, mail.contact.email), parts=parts,
        message_id=f"<{mail.kind.replace('#', '-').lower()}.{invitation.invitation_id}@{sender.domain}>",
        sent_at=now, unsubscribe_url=unsubscribe, language=language)
    return OutgoingMail(key=mail.key, recipient=mail.contact.email, message=message)


# -- opt-out, suppression, opens -----------------------------------------------------------------
def opt_out(d: Distribution, token: str, now: datetime, method: str = "page") -> bool:
    """Record the opt-out behind an unsubscribe token; True if new, False if already recorded."""
    claims = d.unsubscribe_tokens.read(token)
    invitation = d.repos.invitations.get(claims.invitation_id)
    if invitation is None or invitation.wave_id != claims.wave_id:
        raise InvitationNotFound()
    return d.sends.add_opt_out(invitation_id=invitation.invitation_id, wave_id=invitation.wave_id,
                               partner_id=invitation.partner_id, contact_id=invitation.contact_id,
                               now=iso(now), method=method)


def unsubscribe_language(d: Distribution, token: str) -> str:
    """The contact's language for the unsubscribe page (raises InvitationNotFound on a bad token)."""
    claims = d.unsubscribe_tokens.read(token)
    invitation = d.repos.invitations.get(claims.invitation_id)
    if invitation is None or invitation.wave_id != claims.wave_id:
        raise InvitationNotFound()
    return invitation.language


def record_opened(repos: Repositories, sends, invitation_tokens, token: str, now: datetime) -> bool:
    """Mark an invitation ``opened`` (once, only from created/sent). Call it from a POST the
    form page makes after loading, never from a GET, so link scanners cannot trigger it."""
    claims = invitation_tokens.read(token)
    invitation = repos.invitations.get(claims.invitation_id)
    if invitation is None or invitation.wave_id != claims.wave_id or invitation.partner_id != claims.partner_id:
        raise InvitationNotFound()
    return sends.mark_invitation_opened(invitation.invitation_id, iso(now))


def parse_suppression_file(text: str) -> list[tuple[str, str]]:
    """``email[,reason]`` per line (a header line ``email,reason`` is optional; ``#`` comments).

    All-or-nothing: raises InvalidInput naming every bad line. Reason defaults to ``manual``.
    """
    entries, problems = [], []
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if number == 1 and cells[0].lower() in ("email", "address", "e-mail"):
            continue
        email = cells[0].lower()
        reason = (cells[1].lower() if len(cells) > 1 and cells[1] else "manual")
        if not EMAIL.match(email):
            problems.append(FieldProblem(f"line {number}", f"'{cells[0][:80]}' is not an e-mail address"))
        elif reason not in SUPPRESSION_REASONS:
            problems.append(FieldProblem(f"line {number}", f"reason must be one of {', '.join(SUPPRESSION_REASONS)}"))
        else:
            entries.append((email, reason))
    if not entries and not problems:
        problems.append(FieldProblem("line 1", "the file lists no addresses"))
    if problems:
        raise InvalidInput(problems, summary=f"{len(problems)} problem(s) in the suppression file")
    return entries


def suppress_addresses(suppressions, text: str, source: str, now: datetime) -> int:
    """Import a suppression file; nothing is written when any line is bad."""
    return suppressions.add_many(parse_suppression_file(text), source, iso(now))


def apply_ses_notification(suppressions, notification: dict, now: datetime) -> int:
    """Suppress the addresses of an SES bounce (permanent only) or complaint notification."""
    kind = notification.get("notificationType") or notification.get("eventType")
    if kind == "Bounce" and notification.get("bounce", {}).get("bounceType") == "Permanent":
        recipients = notification["bounce"].get("bouncedRecipients", [])
        reason = "bounce"
    elif kind == "Complaint":
        recipients = notification.get("complaint", {}).get("complainedRecipients", [])
        reason = "complaint"
    else:
        return 0
    entries = [(r["emailAddress"].lower(), reason) for r in recipients
               if isinstance(r, dict) and EMAIL.match(str(r.get("emailAddress", "")).lower())]
    return suppressions.add_many(entries, f"ses:{kind.lower()}", iso(now)) if entries else 0


def apply_ses_notifications_file(suppressions, text: str, now: datetime) -> int:
    """Apply a JSON file of SES notifications: one object, a list, or SNS envelopes whose
    ``Message`` holds the notification. Returns how many addresses were suppressed."""
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(FieldProblem(f"line {error.lineno}", error.msg)) from None
    items = data if isinstance(data, list) else [data]
    total = 0
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("Message"), str):
            try:
                item = json.loads(item["Message"])
            except json.JSONDecodeError:
                raise InvalidInput(FieldProblem(f"[{index}].Message", "is not JSON")) from None
        if not isinstance(item, dict):
            raise InvalidInput(FieldProblem(f"[{index}]", "is not an SES notification object"))
        total += apply_ses_notification(suppressions, item, now)
    return total
