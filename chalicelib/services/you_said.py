""""You said, we did": when an action is done, tell partners what changed.

- Identified surveys, theme findings: the contacts who raised the linked theme in the finding's wave
  and consented to be contacted (the survey's consent question) hear back.
- Otherwise (aggregate surveys, or findings that are not a theme): every contact of every partner in
  the action's target segments hears back: the list never depends on what anyone answered, so a
  message reveals nothing about who said what.
- Each message is in the contact's language (English fallback); contacts who opted out of the
  wave's mail and suppressed addresses (bounces, complaints) are skipped; the send is recorded in
  the action's history (counts only) and each mail has an idempotent key.
"""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from chalicelib.domain import actions as domain
from chalicelib.domain.errors import FieldProblem, InvalidInput

TEXTS = {
    "en": ("What we changed since the partner survey",
           "Dear {name},\n\nIn our partner survey, partners told us about: {topic}.\nWhat we did: {what}\n\n"
           "Thank you for taking part. Your answers shape the program.\n"),
    "de": ("Was wir seit der Partnerumfrage geändert haben",
           "Hallo {name},\n\nIn unserer Partnerumfrage haben Partner uns auf Folgendes hingewiesen: {topic}.\n"
           "Was wir getan haben: {what}\n\nDanke für Ihre Teilnahme. Ihre Antworten prägen das Programm.\n"),
    "es": ("Lo que cambiamos desde la encuesta de partners",
           "Hola {name}:\n\nEn nuestra encuesta, los partners nos hablaron de: {topic}.\nLo que hicimos: {what}\n\n"
           "Gracias por participar. Sus respuestas dan forma al programa.\n"),
    "ja": ("パートナー調査以降の改善点",
           "{name} 様\n\nパートナー調査で次の点についてご意見をいただきました: {topic}。\n実施した改善: {what}\n\n"
           "ご協力ありがとうございました。\n"),
}


def recipients(action: dict, survey, responses, partners_by_id: dict, comments: list[dict],
               opted_out: set[tuple[str, str]], suppressed: set[str]) -> tuple[str, list[dict]]:
    """(mode, recipients) for a done action: ``mode`` is "raised the theme" or "affected segment"."""
    if action["status"] != "done":
        raise InvalidInput(FieldProblem("status", "only a done action can be reported back to partners"))
    finding = action["finding"]
    found: dict[tuple[str, str], dict] = {}
    if getattr(survey, "reporting", "aggregate") == "identified" and finding["kind"] == "theme":
        mode = "raised the theme"
        raised = {c["invitation_id"] for c in comments if finding["ref"] in (c.get("themes") or ())}
        for response in responses:
            if response.invitation_id not in raised or not survey.contact_consented(response.answers or {}):
                continue
            partner = partners_by_id.get(response.partner_id)
            contact = partner.contact(response.contact_id) if partner and response.contact_id else None
            if contact:
                found[(partner.partner_id, contact.contact_id)] = _recipient(partner, contact)
    else:
        mode = "affected segment"
        segments = domain.segments_of(action)
        for partner in partners_by_id.values():
            attributes = {"tier": partner.tier, "region": partner.region, "programs": partner.programs,
                          "partner_types": partner.partner_types}
            if segments.matches(partner.partner_id, attributes):
                for contact in partner.contacts:
                    found[(partner.partner_id, contact.contact_id)] = _recipient(partner, contact)
    kept = [r for key, r in sorted(found.items())
            if key not in opted_out and r["email"].lower() not in suppressed]
    return mode, kept


def _recipient(partner, contact) -> dict:
    return {"partner_id": partner.partner_id, "contact_id": contact.contact_id, "email": contact.email,
            "name": contact.name, "language": contact.language or "en"}


def message(action: dict, recipient: dict, what: str, sender: str, now: datetime) -> EmailMessage:
    from chalicelib.services.followup_notices import _message

    subject, body = TEXTS.get(recipient["language"], TEXTS["en"])
    topic = action["finding"].get("label") or action["finding"]["ref"]
    return _message(sender, recipient["email"], subject, body.format(name=recipient["name"], topic=topic, what=what),
                    now)


def tell_partners(repo, mailer, action_id: str, identity, what: str, audience: tuple[str, list[dict]],
                  sender: str, now: datetime) -> dict:
    """Send the messages and record the send (mode and count) in the action's history."""
    from chalicelib.mail.mailer import OutgoingMail
    from chalicelib.services.actions import get_action

    identity.require("analyst")
    if not isinstance(what, str) or not what.strip() or len(what) > 1000:
        raise InvalidInput(FieldProblem("what", "say in at most 1000 characters what changed"))
    action = get_action(repo, identity, action_id)
    mode, people = audience
    for person in people:
        mailer.send(OutgoingMail(f"yousaid/{action_id}/{person['partner_id']}.{person['contact_id']}",
                                 person["email"], message(action, person, what.strip(), sender, now)))
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = {**action, "history": [*action.get("history", []), {"by": identity.subject, "at": stamp,
                                                                  "event": "told partners", "mode": mode,
                                                                  "count": len(people)}][-200:],
               "version": int(action["version"]) + 1, "updated_at": stamp}
    repo.replace(updated, int(action["version"]))
    return {"action_id": action_id, "mode": mode, "sent": len(people)}
