"""Use cases of a partner contact: open an invitation, submit or save a response."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.answers import parse_submission_body, validate_answers, validate_language
from chalicelib.domain.errors import (
    AlreadySubmitted,
    ConcurrentUpdate,
    InvitationNotFound,
    InvitationUnavailable,
    StaleSave,
    WaveClosed,
)
from chalicelib.domain.invitation_states import accepts_response
from chalicelib.domain.partners import Contact, Partner
from chalicelib.domain.responses import PARTIAL, SUBMITTED, Invitation, Response
from chalicelib.domain.survey import Survey
from chalicelib.domain.waves import Wave, iso

from .ports import Repositories

MAX_CONFLICT_RETRIES = 5


@dataclass(frozen=True)
class InvitationView:
    """What a contact sees when they open their link."""

    invitation: Invitation
    wave: Wave
    survey: Survey
    partner: Partner | None
    response: Response | None

    @property
    def contact(self) -> Contact | None:
        return self.partner.contact(self.invitation.contact_id) if self.partner else None

    def is_open(self, now: datetime) -> bool:
        return self.wave.accepts_answers(now)

    @property
    def refused_state(self) -> str | None:
        """``cancelled``/``withdrawn``/``expired`` when the invitation takes no response, else None."""
        state = self.invitation.state
        return None if accepts_response(state) else state


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool


def open_invitation(repos: Repositories, tokens, token: str) -> InvitationView:
    """Resolve a token to its invitation; any mismatch is an indistinguishable NotFound."""
    claims = tokens.read(token)
    ctx = repos.responses.submission_context(claims.invitation_id, claims.partner_id, claims.wave_id)
    invitation = ctx.invitation
    if (invitation is None or ctx.wave is None or invitation.partner_id != claims.partner_id
            or invitation.wave_id != claims.wave_id):
        raise InvitationNotFound()
    survey = repos.surveys.get(ctx.wave.survey_id, ctx.wave.survey_version)
    return InvitationView(invitation, ctx.wave, survey, ctx.partner, ctx.response)


def submit_response(repos: Repositories, tokens, token: str, body: Any, now: datetime,
                    page: str | None = None, expected_version: int | None = None) -> SubmitResult:
    """Validate and store a response for the invitation behind ``token``.

    One response per invitation: a second submission updates the first (version + 1),
    or raises AlreadySubmitted when the body asks for ``create_only``. Concurrent writers
    are serialised by conditional writes; the loser re-reads and retries as an update.
    With ``expected_version`` (the form's background autosave) the save applies only on top of that
    version (0: no response yet), so a late autosave never overwrites a newer save: StaleSave.
    """
    request = parse_submission_body(body)
    request["page"] = page  # the form's page to resume at (not part of the JSON body)
    for _ in range(MAX_CONFLICT_RETRIES):
        view = open_invitation(repos, tokens, token)
        if not view.is_open(now):
            raise WaveClosed(view.wave.closed_on)
        if view.refused_state:  # an early answer; the conditional write below is the guarantee
            raise InvitationUnavailable(view.refused_state, view.invitation.language)
        response = _build_response(view, request, iso(now))
        existing = view.response
        if expected_version is not None and (existing.version if existing else 0) != expected_version:
            raise StaleSave(f"the response is at version {existing.version if existing else 0}, "
                            f"not {expected_version}")
        if existing and request["create_only"]:
            raise AlreadySubmitted("a response for this invitation exists already")
        try:
            repos.responses.save(response, existing.version if existing else None, view.wave, iso(now))
        except ConcurrentUpdate:
            if request["create_only"]:
                raise AlreadySubmitted("a response for this invitation exists already") from None
            continue
        return SubmitResult(response, created=existing is None)
    raise ConcurrentUpdate("too many simultaneous submissions for this invitation; try again")


def _build_response(view: InvitationView, request: dict, now: str) -> Response:
    existing = view.response
    language = validate_language(view.survey, request["language"])
    # Once submitted, a response stays complete: a later partial save must be complete too.
    final = request["final"] or bool(existing and existing.is_submitted)
    snapshot = view.partner.snapshot() if view.partner else (existing.partner if existing else {})
    answers = validate_answers(view.survey, request["answers"], partial=not final, partner=snapshot)
    base = existing or Response(
        invitation_id=view.invitation.invitation_id, wave_id=view.wave.wave_id,
        survey_id=view.survey.id, survey_version=view.survey.version,
        partner_id=view.invitation.partner_id, contact_id=view.invitation.contact_id,
        language=language, answers={}, status=PARTIAL, version=0, created_at=now, updated_at=now)
    return replace(
        base, language=language, answers=answers, status=SUBMITTED if final else PARTIAL,
        version=base.version + 1, updated_at=now, partner=snapshot,
        submitted_at=now if final else base.submitted_at,
        page=request.get("page") or base.page,
    )
