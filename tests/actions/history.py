"""Builder of a two-wave history for estimate tests: EMEA and AMER partners answer a wave before a
change and a wave after it; EMEA's portal rating drops by ``drop`` points after the change."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.responses import Response
from chalicelib.domain.waves import iso
from tests.builders import NOW, make_partner, make_repositories

BEFORE, AFTER = "w-before", "w-after"
CHANGE_DAY = (NOW - timedelta(days=100)).date().isoformat()


def _answer(repos, links, wave_id, when, rating_of, comment="ok"):
    stamp = iso(when)
    responses = []
    for i, link in enumerate(links):
        partner = link.partner
        answers = {"q_nps": 9 if i % 3 else 6, "q_comment": comment, "q_portal": rating_of(partner, i),
                   "q_model": "services", "q_programs": ["proof_of_concept"]}
        responses.append(Response(
            invitation_id=link.invitation.invitation_id, wave_id=wave_id, survey_id="px-test", survey_version=1,
            partner_id=partner.partner_id, contact_id=link.invitation.contact_id, language="en", answers=answers,
            status="submitted", version=1, created_at=stamp, updated_at=stamp, submitted_at=stamp,
            partner=partner.snapshot()))
    repos.responses.put_many(responses)


def given_two_waves(table, tokens, per_region: int = 8, drop: int = 2, comment: str = "ok", definition=None):
    """Repositories with wave BEFORE (opened 200 days ago, closed) and AFTER (open now), answered by
    ``per_region`` EMEA and AMER partners each; the change day lies between the two. ``definition``:
    the survey (default: the aggregate test survey)."""
    from chalicelib.services.catalogue import close_wave, open_wave, publish_survey
    from chalicelib.services.invitations import create_invitations
    from tests.builders import survey_definition

    repos = make_repositories(table)
    earlier = NOW - timedelta(days=200)
    publish_survey(repos, definition or survey_definition(), earlier)
    partners = [make_partner(f"E{i:03d}", region="EMEA") for i in range(per_region)] + \
               [make_partner(f"A{i:03d}", region="AMER", country="US") for i in range(per_region)]
    repos.partners.put_many(partners, iso(earlier))
    open_wave(repos, "px-test", BEFORE, iso(earlier + timedelta(days=30)), earlier)
    links = create_invitations(repos, tokens, BEFORE, "http://pulse.test", earlier)
    _answer(repos, links, BEFORE, earlier + timedelta(days=1), lambda p, i: 4 + i % 2, comment)
    close_wave(repos, BEFORE, earlier + timedelta(days=20))
    open_wave(repos, "px-test", AFTER, iso(NOW + timedelta(days=30)), NOW - timedelta(days=1))
    links = create_invitations(repos, tokens, AFTER, "http://pulse.test", NOW - timedelta(days=1))
    _answer(repos, links, AFTER, NOW - timedelta(hours=1),
            lambda p, i: (4 + i % 2) - (drop if p.region == "EMEA" else 0), comment)
    return repos
