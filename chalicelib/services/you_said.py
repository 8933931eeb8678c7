""""You said, we did": when an action is done, tell partners what changed.

- Identified surveys, theme findings: the contacts who raised the linked theme in the finding's wave
  and consented to be contacted (the survey's consent question) hear back.
- Otherwise (aggregate surveys, or findings that are not a theme): every contact of every partner in
  the action's target segments hears back: the list never depends on what anyone answered, so a
  message reveals nothing about who said what.
- Each message is in the contact's language (English fallback); contacts who opted out of the
  wave's mail and suppressed addresses (bounces, complaints) are skipped; the send is recorded in
  the action's history (counts only) and each mail has an idempotent key.
- An action's partners are told once: a second send is refused (the history entry is written
  first, conditional on the action's version, so two clicks at once send once). What was said
  becomes the action's ``public_summary`` (the next wave's form lists it, ``services.since_last``).
"""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from chalicelib.domain import actions as domain
from chalicelib.domain.errors import AlreadySubmitted, FieldProblem, InvalidInput

TOLD = "told partners"
NAME_PLACEHOLDER = "[contact name]"

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


def check_what(what) -> str:
    from chalicelib.domain.text import text_problem

    if not isinstance(what, str) or not what.strip() or len(what) > 1000:
        raise InvalidInput(FieldProblem("what", "say in at most 1000 characters what changed"))
    problem = text_problem(what, multiline=True)
    if problem:
        raise InvalidInput(FieldProblem("what", problem))
    return what.strip()


def already_told(action: dict) -> dict | None:
    """The history entry of the send to partners, or None."""
    return next((h for h in action.get("history") or () if h.get("event") == TOLD), None)


def preview(action: dict, audience: tuple[str, list[dict]], what: str, sender: str, now: datetime) -> dict:
    """What a send would do, without naming anyone: who hears back (the rule), how many contacts,
    and the message per language with a placeholder for the name."""
    mode, people = audience
    what = check_what(what)
    counts: dict[str, int] = {}
    for person in people:
        language = person["language"] if person["language"] in TEXTS else "en"
        counts[language] = counts.get(language, 0) + 1
    messages = []
    for language in sorted(counts):
        mail = message(action, {"email": "preview@invalid.example", "name": NAME_PLACEHOLDER, "language": language},
                       what, sender, now)
        messages.append({"language": language, "count": counts[language], "subject": str(mail["Subject"]),
                         "body": mail.get_content()})
    return {"mode": mode, "count": len(people), "messages": messages, "told": already_told(action)}


def tell_partners(repo, mailer, action_id: str, identity, what: str, audience: tuple[str, list[dict]],
                  sender: str, now: datetime) -> dict:
    """Record the send (mode, count, what was said) in the action's history, then send the messages.
    Refused when the action's partners were told already."""
    from chalicelib.mail.mailer import OutgoingMail
    from chalicelib.services.actions import get_action

    identity.require("analyst")
    what = check_what(what)
    action = get_action(repo, identity, action_id)
    told = already_told(action)
    if told:
        raise AlreadySubmitted(f"partners were told about this action on {told['at'][:10]} "
                               f"({told['count']} contacts); it is sent once")
    mode, people = audience
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = {**action, "history": [*action.get("history", []), {"by": identity.subject, "at": stamp,
                                                                  "event": TOLD, "mode": mode,
                                                                  "count": len(people)}][-200:],
               "public_summary": what, "told_at": stamp,
               "version": int(action["version"]) + 1, "updated_at": stamp}
    repo.replace(updated, int(action["version"]))  # one of two simultaneous sends wins; the other is refused
    for person in people:
        mailer.send(OutgoingMail(f"yousaid/{action_id}/{person['partner_id']}.{person['contact_id']}",
                                 person["email"], message(action, person, what, sender, now)))
    return {"action_id": action_id, "mode": mode, "sent": len(people)}


def audience_for(action: dict, repos, snapshots, corrections, distribution) -> tuple[str, list[dict]]:
    """Who hears back about a done action (``recipients``) from the stores: the finding's wave, its
    survey, submitted responses, comments with themes, opt-outs of the wave, suppressed addresses."""
    from chalicelib.services import results

    wave = repos.waves.get(action["finding"]["wave_id"])
    survey = repos.surveys.get(wave.survey_id, wave.survey_version)
    invitations = {i.invitation_id: i for i in repos.invitations.for_wave(wave.wave_id)}
    opted = {(invitations[i].partner_id, invitations[i].contact_id)
             for i in distribution.sends.opted_out(wave.wave_id) if i in invitations}
    try:
        comments = results.search_all_comments(snapshots, corrections, wave.wave_id)
    except results.SnapshotMissing:
        comments = []
    partners = {p.partner_id: p for p in repos.partners.all()}
    emails = [c.email for p in partners.values() for c in p.contacts]
    suppressed = {e.lower() for e in distribution.suppressions.suppressed_among(emails)}
    return recipients(action, survey, [r for r in repos.responses.for_wave(wave.wave_id) if r.status == "submitted"],
                      partners, comments, opted, suppressed)
