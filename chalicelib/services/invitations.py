"""Creating one unguessable invitation per partner contact for a wave."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.partners import Contact, Partner
from chalicelib.domain.responses import Invitation
from chalicelib.domain.waves import iso
from chalicelib.security.tokens import InvitationClaims

from .ports import Repositories


@dataclass(frozen=True)
class InvitationLink:
    invitation: Invitation
    partner: Partner
    contact: Contact
    url: str
    new: bool


def survey_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


def audience_partners(wave, partners: list[Partner]) -> list[Partner]:
    """The partners of the directory in a wave's audience (all of them when it has none)."""
    return [p for p in partners if wave.in_audience(p.partner_id)]


def cancel_invitations(repos: Repositories, sends, wave_id: str, *, partner_id: str | None = None,
                       contact: str | None = None, all_unsent: bool = False) -> tuple[list, list]:
    """Cancel unsent invitations of a wave (by partner, by contact e-mail or id, or all unsent).

    Returns (cancelled, refused) invitations; an invitation already e-mailed or used is refused.
    """
    from chalicelib.domain.errors import FieldProblem, InvalidInput

    if sum(bool(x) for x in (partner_id, contact, all_unsent)) != 1:
        raise InvalidInput(FieldProblem("cancel", "give exactly one of --partner, --contact or --all-unsent"))
    invitations = repos.invitations.for_wave(wave_id)
    chosen = (_select(invitations, wave_id, partner_id, contact) if not all_unsent
              else [i for i in invitations if i.state == "created"])
    sent = {r.invitation_id for r in sends.sends_for_wave(wave_id)} if sends is not None else set()
    cancelled, refused = [], []
    for invitation in chosen:
        if invitation.state == "cancelled":
            continue
        if invitation.invitation_id in sent or invitation.state != "created" \
                or not repos.invitations.cancel(invitation.invitation_id):
            refused.append(invitation)
        else:
            cancelled.append(invitation)
    return cancelled, refused


def _select(invitations: list, wave_id: str, partner_id: str | None, contact: str | None) -> list:
    """The invitations of one partner or of one contact (e-mail or contact id); InvalidInput if none."""
    from chalicelib.domain.errors import FieldProblem, InvalidInput
    from chalicelib.domain.suggest import did_you_mean

    if partner_id:
        chosen = [i for i in invitations if i.partner_id == partner_id]
        if not chosen:
            raise InvalidInput(FieldProblem("--partner", f"no invitation of partner {partner_id} in wave {wave_id}"
                                            + did_you_mean(partner_id, {i.partner_id for i in invitations})))
    elif contact:
        wanted = contact.strip().lower()
        ids = {wanted}
        if "@" in wanted:
            from chalicelib.domain.partners import contact_id_for

            ids.add(contact_id_for(wanted).lower())
        chosen = [i for i in invitations if i.contact_id.lower() in ids]
        if not chosen:
            raise InvalidInput(FieldProblem("--contact", f"no invitation for {contact} in wave {wave_id}"))
    return chosen


def end_invitations(repos: Repositories, wave_id: str, event: str, now: datetime, *,
                    partner_id: str | None = None, contact: str | None = None) -> tuple[list, list]:
    """Withdraw (``withdraw``) or expire (``expire``) the invitations of a partner or a contact.

    Each is one conditional write of the state machine (domain/invitation_states.py): an invitation
    already submitted, cancelled, withdrawn or expired is refused. Returns (changed, refused)."""
    from chalicelib.domain.errors import FieldProblem, InvalidInput

    if event not in ("withdraw", "expire"):
        raise InvalidInput(FieldProblem("event", "must be withdraw or expire"))
    if bool(partner_id) == bool(contact):
        raise InvalidInput(FieldProblem(f"{event}", "give exactly one of --partner or --contact"))
    chosen = _select(repos.invitations.for_wave(wave_id), wave_id, partner_id, contact)
    changed, refused = [], []
    for invitation in chosen:
        (changed if repos.invitations.transition(invitation.invitation_id, event, iso(now)) else refused).append(
            invitation)
    return changed, refused


def create_invitations(repos: Repositories, tokens, wave_id: str, base_url: str, now: datetime,
                       tiers: list[str] | None = None, regions: list[str] | None = None) -> list[InvitationLink]:
    """Create missing invitations for matching contacts; return links for all of them.

    Idempotent: invitation ids derive from (wave, partner, contact), so a re-run finds
    the same ids and stores nothing new.
    """
    wave = repos.waves.get(wave_id)
    matching = [p for p in audience_partners(wave, repos.partners.all())
                if (not tiers or p.tier in tiers) and (not regions or p.region in regions)]
    wanted: list[tuple[Invitation, Partner, Contact]] = []
    for partner in matching:
        for contact in partner.contacts:
            invitation = Invitation(
                invitation_id=tokens.invitation_id(wave.wave_id, partner.partner_id, contact.contact_id),
                wave_id=wave.wave_id, partner_id=partner.partner_id, contact_id=contact.contact_id,
                language=contact.language, created_at=iso(now))
            wanted.append((invitation, partner, contact))
    stored = {i.invitation_id for i in repos.invitations.add_new([w[0] for w in wanted])}
    return [
        InvitationLink(invitation, partner, contact, new=invitation.invitation_id in stored,
                       url=survey_url(base_url, tokens.issue(InvitationClaims(
                           invitation.invitation_id, partner.partner_id, wave.wave_id))))
        for invitation, partner, contact in wanted
    ]
