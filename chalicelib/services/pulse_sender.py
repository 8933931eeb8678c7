"""The scheduled sender of transactional pulses (issue 27): due pulses -> fatigue rules -> one e-mail.

For each pending pulse whose delay has elapsed (read from the due-day index, never a Scan):

1. expired (past ``expiry_days``), partner or contact unknown -> recorded as skipped with the reason;
2. the fatigue facts of the contact are gathered (ledger, opt-outs, suppression, open or recent
   relationship waves, the partner's pulses in the window) and :func:`fatigue_reason` decides;
3. the contact ledger is claimed with one conditional write (two simultaneous events for one contact:
   only one passes), the month's pulse wave is made if missing, the invitation is stored;
4. the invitation e-mail goes out through the distribution's exactly-once delivery (send record claim,
   opt-out link, the contact's language); the pending pulse is marked sent and leaves the due index.

A re-run after a crash at any step redoes only what is missing: the ledger claim passes again for the
same event, the invitation id is derived from the event, and the send record refuses a second e-mail.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain import fatigue
from chalicelib.domain.errors import StorageUnavailable, VersionConflict
from chalicelib.domain.fatigue import ContactFacts, FatigueRules, fatigue_reason
from chalicelib.domain.partners import contact_id_for
from chalicelib.domain.pulses import EventType, month_bounds, pulse_survey_definition, pulse_wave_id
from chalicelib.domain.responses import Invitation
from chalicelib.domain.sends import INVITATION_KIND
from chalicelib.domain.waves import OPEN, Wave, iso, parse_instant
from chalicelib.mail.mailer import MailUnavailable

WAVE_GRACE_DAYS = 30  # a month's pulse wave takes answers this long after the month's last invitation


@dataclass
class SenderRun:
    """What one run did: counts by outcome and skip reason."""

    due: int = 0
    sent: int = 0
    skipped: Counter = field(default_factory=Counter)
    stopped: str | None = None

    def summary(self) -> dict:
        return {"due": self.due, "sent": self.sent, "skipped": dict(sorted(self.skipped.items())),
                "stopped": self.stopped}


@dataclass
class PulseSender:
    """The adapters a run needs: the pulse store, the distribution bundle, the rules and the program."""

    store: object
    distribution: object
    rules: FatigueRules
    program: object
    _waves: dict = field(default_factory=dict)
    _relationship: list | None = None
    _partners: dict = field(default_factory=dict)

    @property
    def repos(self):
        return self.distribution.repos

    def horizon_days(self) -> int:
        return int(max((t.expiry_days for t in self.program.event_types), default=14)) + 1

    # -- facts ----------------------------------------------------------------------------
    def partner(self, partner_id: str):
        if partner_id not in self._partners:
            self._partners[partner_id] = self.repos.partners.get(partner_id)
        return self._partners[partner_id]

    def relationship_waves(self) -> list[Wave]:
        """Waves of every survey that is not a pulse (read once per run: a Query per survey)."""
        if self._relationship is None:
            pulse_ids = {t.survey_id for t in self.program.event_types}
            surveys = sorted({v["survey_id"] for v in self.repos.surveys.versions()} - pulse_ids)
            self._relationship = [w for s in surveys for w in self.repos.waves.waves_of_survey(s)]
        return self._relationship

    def contact_facts(self, pending: dict, partner, contact, now: datetime) -> ContactFacts:
        ledger = self.store.contact_ledger(contact.contact_id) or {}
        event_id = pending["event_id"]
        last = ledger.get("last_asked_at") if ledger.get("last_event") != event_id else None
        opted_out = bool(ledger.get("opted_out"))
        keys = []
        if ledger.get("last_invitation_id") and not opted_out:
            keys.append((f"INVITE#{ledger['last_invitation_id']}", "OPTOUT"))
        relationship_open = False
        cutoff = self.rules.contact_cutoff(now)
        tokens = self.distribution.invitation_tokens
        for wave in self.relationship_waves():
            if not wave.in_audience(partner.partner_id):
                continue
            if wave.status == OPEN and wave.accepts_answers(now) and wave.opens_at <= iso(now):
                relationship_open = True
            if wave.closes_at >= iso(cutoff):  # a wave that could have asked them within the window
                invitation_id = tokens.invitation_id(wave.wave_id, partner.partner_id, contact.contact_id)
                keys += [(f"INVITE#{invitation_id}", f"SEND#{INVITATION_KIND}"), (f"INVITE#{invitation_id}", "OPTOUT")]
        found = {}
        for start in range(0, len(keys), 100):  # BatchGetItem reads at most 100 keys
            found.update(self.store.table.batch_get(keys[start:start + 100]))
        for (_, sk), item in found.items():
            if sk == "OPTOUT":
                opted_out = True
            elif item.get("sent_at") and (last is None or item["sent_at"] > last):
                last = item["sent_at"]
        if opted_out and not ledger.get("opted_out"):
            self.store.mark_contact_opted_out(contact.contact_id, now)
        return ContactFacts(
            opted_out=opted_out, suppressed=self.distribution.suppressions.is_suppressed(contact.email),
            relationship_open=relationship_open, last_asked_at=parse_instant(last) if last else None,
            partner_pulses_in_window=self.store.partner_pulses_since(
                partner.partner_id, self.rules.partner_cutoff(now), except_event=event_id))

    # -- the pulse wave of a month --------------------------------------------------------------
    def pulse_wave(self, event_type: EventType, now: datetime) -> Wave:
        """The month's wave of an event type's pulse, published and opened on first use."""
        from chalicelib.domain.errors import WaveNotFound
        from chalicelib.domain.survey import parse_survey_definition

        wave_id = pulse_wave_id(event_type.id, now)
        if wave_id in self._waves:
            return self._waves[wave_id]
        try:
            wave = self.repos.waves.get(wave_id)
        except WaveNotFound:
            survey = parse_survey_definition(pulse_survey_definition(event_type, self.program.version))
            try:
                self.repos.surveys.publish(survey, iso(now))
            except VersionConflict:
                pass  # published by an earlier program of the same version: its wording stays
            start, following = month_bounds(now)
            wave = Wave(wave_id, survey.id, survey.version, OPEN, iso(start),
                        iso(following + timedelta(days=event_type.expiry_days + WAVE_GRACE_DAYS)),
                        title=f"{event_type.label} {start:%b %Y}")
            try:
                self.repos.waves.add(wave)
            except VersionConflict:
                wave = self.repos.waves.get(wave_id)
        self._waves[wave_id] = wave
        return wave


def _contact(partner, pending: dict, event_type: EventType):
    if event_type.ask == "primary_contact" or not pending.get("contact_email"):
        return partner.contacts[0] if partner.contacts else None
    return partner.contact(contact_id_for(pending["contact_email"]))


def send_due_pulses(sender: PulseSender, now: datetime, should_stop=None) -> SenderRun:
    """Handle every due pulse once (see the module docstring); ``should_stop()`` ends a run early."""
    run = SenderRun()
    for pending in sender.store.due(now, sender.horizon_days()):
        if should_stop and should_stop():
            run.stopped = "time limit: the next run continues"
            break
        run.due += 1
        try:
            outcome = handle_pulse(sender, pending, now)
        except MailUnavailable as error:
            run.stopped = f"mail unavailable: {error}"
            break
        except StorageUnavailable as error:
            run.stopped = f"database unavailable: {error}"
            break
        if outcome == "sent":
            run.sent += 1
        elif outcome:
            run.skipped[outcome] += 1
    return run


def handle_pulse(sender: PulseSender, pending: dict, now: datetime) -> str | None:
    """'sent', a skip reason, or None (another run handled it)."""
    store = sender.store

    def skip(reason: str) -> str | None:
        return reason if store.finish(pending, "skipped", now, reason=reason) else None

    event_type = sender.program.event_type(pending["event_type"])
    if pending["expires_on"] <= iso(now):
        return skip(fatigue.EXPIRED)
    if event_type is None:
        return skip("event_type_removed")
    partner = sender.partner(pending["partner_id"])
    if partner is None:
        return skip(fatigue.NO_PARTNER)
    contact = _contact(partner, pending, event_type)
    if contact is None:
        return skip(fatigue.NO_CONTACT)
    reason = fatigue_reason(sender.rules, now, sender.contact_facts(pending, partner, contact, now))
    if reason:
        return skip(reason)
    wave = sender.pulse_wave(event_type, now)
    d = sender.distribution
    invitation = Invitation(
        invitation_id=d.invitation_tokens.invitation_id(wave.wave_id, partner.partner_id,
                                                        f"{contact.contact_id}|{pending['event_id']}"),
        wave_id=wave.wave_id, partner_id=partner.partner_id, contact_id=contact.contact_id,
        language=pending.get("contact_language") or contact.language, created_at=iso(now))
    if not store.claim_contact(contact.contact_id, pending["event_id"], invitation.invitation_id, now,
                               sender.rules.contact_cutoff(now)):
        return skip(fatigue.CONTACT_RECENT)  # a simultaneous event for the same contact went first
    store.add_invitation(invitation)
    store.record_partner_pulse(partner.partner_id, pending["event_id"], now, sender.rules.partner_window_days)
    if not _deliver_once(sender, invitation, partner, contact, wave, now):
        return skip("mail_rejected")
    done = store.finish(pending, "sent", now, invitation_id=invitation.invitation_id, wave_id=wave.wave_id)
    return "sent" if done else None


def _deliver_once(sender: PulseSender, invitation: Invitation, partner, contact, wave, now: datetime) -> bool:
    """The invitation e-mail through distribution's exactly-once delivery; False when the mail was rejected."""
    from chalicelib.services.distribution import PlannedMail, SendReport, _deliver, mail_setup

    d = sender.distribution
    setup = mail_setup(d, wave)
    stored = d.repos.invitations.get(invitation.invitation_id) or invitation
    mail = PlannedMail(stored, partner, contact, INVITATION_KIND, "invitation",
                       setup.survey.language_for(stored.language))
    report = SendReport(wave.wave_id, "invitations")
    _deliver(d, report, mail, wave, d.sends.get_send(invitation.invitation_id, INVITATION_KIND), now, setup)
    return not report.failed
