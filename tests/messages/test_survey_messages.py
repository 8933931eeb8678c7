"""Per-survey e-mail wording: the survey's subject/body, its duration, the program's sender name,
and the survey's default language for contacts whose language it lacks."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.survey import parse_survey_definition
from chalicelib.mail.outbox import OutboxMailer
from chalicelib.services.distribution import send_invitations, send_reminders
from chalicelib.services.program import apply_program
from tests.builders import NOW, given_open_wave, survey_definition
from tests.distribution.conftest import bodies, make_distribution, partner_with_languages, read_outbox
from tests.program.builders import METAL_PROGRAM

MESSAGES = {
    "invitation": {"subject": {"en": "{partner}: 5 questions for the quarter", "es": "{partner}: 5 preguntas"},
                   "body": {"en": "Our quarterly pulse “{survey}” takes {minutes}. Open until {closes}."}},
    "reminder": {"subject": "Last call: {survey} closes {closes}"},
}


@pytest.fixture
def world(moto_table, tokens, tmp_path):
    from tests.builders import make_repositories

    apply_program(make_repositories(moto_table), {**METAL_PROGRAM, "tiers": [{"id": "advanced", "label": "A"}],
                                                  "regions": ["EMEA"], "partner_types": ["reseller"],
                                                  "programs": ["proof_of_concept", "partner_connect"]}, NOW)
    definition = survey_definition(title={"en": "Quarterly Partner Pulse", "es": "Pulso trimestral"},
                                   messages=MESSAGES)
    partners = [partner_with_languages("P001", ["es", "ja"])]
    given_open_wave(moto_table, tokens, partners, definition=definition)
    outbox = tmp_path / "outbox"
    return make_distribution(moto_table, tokens, OutboxMailer(outbox)), outbox


def test_invitations_use_the_surveys_words_duration_sender_and_languages(world):
    d, outbox = world
    report = send_invitations(d, "w-test", NOW)
    assert sorted(m.language for m in report.planned) == ["en", "es"]  # ja is not a survey language
    by_address = {m["To"].addresses[0].addr_spec: m for m in read_outbox(outbox)}
    spanish, japanese = by_address["es.0@p001.example"], by_address["ja.1@p001.example"]
    assert spanish["Subject"] == "Partner P001: 5 preguntas"
    assert japanese["Subject"] == "Partner P001: 5 questions for the quarter"  # the survey's default language
    assert japanese["Content-Language"] in (None, "en")
    text, html = bodies(japanese)
    minutes = parse_survey_definition(survey_definition()).estimated_minutes()
    assert f"Our quarterly pulse “Quarterly Partner Pulse” takes {minutes} minutes." in text
    assert "Metal Partner Team" in text and "ten minutes" not in text
    assert japanese["From"].addresses[0].display_name == "Metal Partner Team"
    spanish_text, _ = bodies(spanish)  # no Spanish body in the survey: the default Spanish wording
    assert "«Pulso trimestral»" in spanish_text and f"unos {minutes} minutos" in spanish_text


def test_reminders_use_the_surveys_reminder_subject(world):
    d, outbox = world
    send_invitations(d, "w-test", NOW)
    send_reminders(d, "w-test", NOW + timedelta(days=8))
    subjects = {m["Subject"] for m in read_outbox(outbox)}
    assert any(s.startswith("Last call: Quarterly Partner Pulse closes ") for s in subjects)


@pytest.mark.parametrize("messages, field, words", [
    ({"invitation": {"subject": "Hi {partner.name}"}}, "messages.invitation.subject.en", "unknown placeholder"),
    ({"invitation": {"subject": "Hi {colour}"}}, "messages.invitation.subject.en", "unknown placeholder"),
    ({"invitation": {"subject": {"en": "Hi", "fr": "Salut"}}}, "messages.invitation.subject.fr", "not one of"),
    ({"thanks": {"subject": "x"}}, "messages.thanks", "unknown message"),
    ({"invitation": {"footer": "x"}}, "messages.invitation", "subject and/or body"),
])
def test_bad_messages_are_refused_with_their_path(messages, field, words):
    with pytest.raises(InvalidInput) as caught:
        parse_survey_definition(survey_definition(messages=messages))
    found = {p.field: p.message for p in caught.value.problems}
    assert words in found[field]
