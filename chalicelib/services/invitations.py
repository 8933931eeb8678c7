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


def create_invitations(repos: Repositories, tokens, wave_id: str, base_url: str, now: datetime,
                       tiers: list[str] | None = None, regions: list[str] | None = None) -> list[InvitationLink]:
    """Create missing invitations for matching contacts; return links for all of them.

    Idempotent: invitation ids derive from (wave, partner, contact), so a re-run finds
    the same ids and stores nothing new.
    """
    wave = repos.waves.get(wave_id)
    matching = [p for p in repos.partners.all()
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
