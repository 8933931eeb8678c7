"""Responses. Item: PK ``INVITE#<invitation id>``, SK ``RESPONSE``; GSI1 ``WAVE#<id>#RESPONSES``;
GSI2 ``PARTNER#<partner id>#RESPONSES`` / ``<wave id>#<invitation id>`` (one partner across waves).

Living in the invitation's partition makes "one response per invitation" a key property:
a conditional write on the key enforces it, with no read-then-write race.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from botocore.exceptions import ClientError

from chalicelib.domain.errors import (
    ConcurrentUpdate,
    InvitationNotFound,
    InvitationUnavailable,
    StorageUnavailable,
    WaveClosed,
)
from chalicelib.domain.invitation_states import SAVE, SUBMIT, TERMINAL, TRANSITIONS
from chalicelib.domain.partners import Partner
from chalicelib.domain.responses import SUBMITTED, Invitation, Response
from chalicelib.domain.waves import OPEN, Wave

from .invitations import invitation_from_item, invitation_key, state_condition
from .partners import partner_from_item
from .table import DynamoTable, cancellation_reasons, error_code
from .waves import wave_from_item, wave_key

FIELDS = ("invitation_id", "wave_id", "survey_id", "survey_version", "partner_id", "contact_id",
          "language", "answers", "status", "version", "created_at", "updated_at",
          "submitted_at", "partner", "page")


def response_key(invitation_id: str) -> tuple[str, str]:
    return f"INVITE#{invitation_id}", "RESPONSE"


def response_to_item(response: Response) -> dict:
    pk, sk = response_key(response.invitation_id)
    return {"PK": pk, "SK": sk, "type": "response",
            "GSI1PK": f"WAVE#{response.wave_id}#RESPONSES",
            "GSI1SK": f"INVITE#{response.invitation_id}",
            # partner history (the partner view): every response of one partner across waves
            "GSI2PK": f"PARTNER#{response.partner_id}#RESPONSES",
            "GSI2SK": f"{response.wave_id}#{response.invitation_id}",
            **{name: getattr(response, name) for name in FIELDS}}


def response_from_item(item: dict) -> Response:
    return Response(**{name: item.get(name) for name in FIELDS})


@dataclass(frozen=True)
class SubmissionContext:
    """Everything a submission needs, read in one BatchGetItem."""

    invitation: Invitation | None
    response: Response | None
    partner: Partner | None
    wave: Wave | None


class DynamoResponseRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def submission_context(self, invitation_id: str, partner_id: str, wave_id: str) -> SubmissionContext:
        keys = {
            "invitation": invitation_key(invitation_id),
            "response": response_key(invitation_id),
            "partner": (f"PARTNER#{partner_id}", "PROFILE"),
            "wave": wave_key(wave_id),
        }
        found = self.table.batch_get(list(keys.values()))

        def item(name):
            return found.get(keys[name])

        return SubmissionContext(
            invitation=invitation_from_item(item("invitation")) if item("invitation") else None,
            response=response_from_item(item("response")) if item("response") else None,
            partner=partner_from_item(item("partner")) if item("partner") else None,
            wave=wave_from_item(item("wave")) if item("wave") else None,
        )

    def get(self, invitation_id: str) -> Response | None:
        item = self.table.get(*response_key(invitation_id))
        return response_from_item(item) if item else None

    def save(self, response: Response, expected_version: int | None, wave: Wave, now: str) -> None:
        """Write a response in one transaction that also checks the wave is open.

        ``expected_version`` None means "must not exist yet". Raises WaveClosed,
        ConcurrentUpdate (someone wrote first) or InvitationNotFound.
        """
        if expected_version is None:
            condition, values = "attribute_not_exists(PK)", None
        else:
            condition, values = "version = :expected", {":expected": expected_version}
        put = {"Item": response_to_item(response), "ConditionExpression": condition}
        if values:
            put["ExpressionAttributeValues"] = values
        # A partial save of a submitted response is itself a submit (see submit_response), so the
        # invitation never moves back from "submitted" to "started" (SAVE is refused there).
        event = SUBMIT if response.status == SUBMITTED else SAVE
        state_values = {":state": TRANSITIONS[event][1], ":now": now}
        # The invitation must be live (not cancelled, withdrawn or expired): checked by this write.
        state_condition_expression = state_condition(event, state_values)
        pk, sk = invitation_key(response.invitation_id)
        wave_pk, wave_sk = wave_key(response.wave_id)
        actions = [
            {"ConditionCheck": {
                "Key": {"PK": wave_pk, "SK": wave_sk},
                "ConditionExpression": "#status = :open AND closes_at > :now",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":open": OPEN, ":now": now}}},
            {"Put": put},
            {"Update": {
                "Key": {"PK": pk, "SK": sk},
                "UpdateExpression": "SET #state = :state, last_activity_at = :now",
                "ConditionExpression": state_condition_expression,
                "ExpressionAttributeNames": {"#state": "state"},
                "ExpressionAttributeValues": state_values}},
        ]
        try:
            self.table.transact(actions)
        except ClientError as error:
            if error_code(error) != "TransactionCanceledException":
                raise StorageUnavailable(f"database error {error_code(error)}") from error
            reasons = cancellation_reasons(error)
            wave_reason, response_reason, invitation_reason = (reasons + ["None"] * 3)[:3]
            if wave_reason == "ConditionalCheckFailed":
                raise WaveClosed(wave.closed_on) from error
            if invitation_reason == "ConditionalCheckFailed":
                # The write refused it; read the state only to say why.
                current = self.table.get(pk, sk)
                if current and current.get("state") in TERMINAL:
                    raise InvitationUnavailable(current["state"], current.get("language")) from error
                if current:  # submitted meanwhile: the caller re-reads and retries as a submit
                    raise ConcurrentUpdate("the invitation was submitted meanwhile") from error
                raise InvitationNotFound() from error
            if response_reason == "ConditionalCheckFailed" or "TransactionConflict" in reasons:
                raise ConcurrentUpdate("another submission for this invitation was written first") from error
            raise StorageUnavailable(f"transaction cancelled ({', '.join(reasons)})") from error

    def page_for_wave(self, wave_id: str, page_size: int = 500, start_key: dict | None = None):
        """One page of a wave's responses: (responses, next key or None)."""
        items, next_key = self.table.query(f"WAVE#{wave_id}#RESPONSES", index="GSI1",
                                           page_size=page_size, start_key=start_key)
        return [response_from_item(i) for i in items], next_key

    def for_wave(self, wave_id: str) -> Iterator[Response]:
        """Every response of a wave, following pagination to the end."""
        for item in self.table.query_all(f"WAVE#{wave_id}#RESPONSES", index="GSI1"):
            yield response_from_item(item)

    def for_partner(self, partner_id: str) -> list[Response]:
        """Every response of one partner's contacts across waves (GSI2, paginated to the end)."""
        return [response_from_item(item) for item in
                self.table.query_all(f"PARTNER#{partner_id}#RESPONSES", index="GSI2")]

    def put_many(self, responses: list[Response]) -> int:
        """Bulk load (demo data, imports): not for the request path."""
        return self.table.batch_put([response_to_item(r) for r in responses])
