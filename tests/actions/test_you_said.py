"""'You said, we did': who hears back (identified: consenting contacts who raised the theme;
aggregate: the whole affected segment), in their language, respecting opt-out, recorded."""
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from chalicelib.domain import actions as domain
from chalicelib.domain.errors import InvalidInput
from chalicelib.security.staff import StaffIdentity
from chalicelib.services.you_said import recipients, tell_partners
from tests.builders import make_partner

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ADMIN = StaffIdentity("lead@vendor.example", "admin")


def done_action(kind="theme", segments=None):
    action = domain.new_action({"title": "Pay on time", "owner": "lead@vendor.example", "due": "2026-05-01",
                                "finding": {"kind": kind, "wave_id": "w1", "ref": "payouts",
                                            "label": "Slow payouts"},
                                "segments": segments or {"regions": ["EMEA"]}}, "a@vendor.example", NOW,
                               "act-youSaid01".lower())
    for status in ("approved", "in_progress", "done"):
        action = domain.updated_action(action, {"status": status}, "a@vendor.example", NOW)
    return action


def survey(reporting):
    return SimpleNamespace(reporting=reporting, contact_consented=lambda answers: reporting == "identified"
                           and answers.get("q_contact") == "yes")


def world():
    emea = make_partner("P1", contacts=2)
    emea = replace(emea, contacts=(emea.contacts[0], replace(emea.contacts[1], language="de")))
    other = make_partner("P2", region="APJ")
    third = make_partner("P3")
    partners = {p.partner_id: p for p in (emea, other, third)}
    responses = [SimpleNamespace(invitation_id="i1", partner_id="P1", contact_id=emea.contacts[1].contact_id,
                                 answers={"q_contact": "yes"}),
                 SimpleNamespace(invitation_id="i2", partner_id="P3", contact_id=third.contacts[0].contact_id,
                                 answers={"q_contact": "no"}),
                 SimpleNamespace(invitation_id="i3", partner_id="P2", contact_id=other.contacts[0].contact_id,
                                 answers={"q_contact": "yes"})]
    comments = [{"invitation_id": "i1", "themes": ["payouts"]}, {"invitation_id": "i2", "themes": ["payouts"]},
                {"invitation_id": "i3", "themes": ["portal"]}]
    return partners, responses, comments


def test_identified_survey_tells_only_consenting_contacts_who_raised_the_theme():
    partners, responses, comments = world()
    mode, people = recipients(done_action(), survey("identified"), responses, partners, comments, set(), set())
    assert mode == "raised the theme"
    assert [(p["partner_id"], p["language"]) for p in people] == [("P1", "de")]  # P3 did not consent


def test_aggregate_survey_tells_the_whole_affected_segment_whatever_they_answered():
    partners, responses, comments = world()
    mode, people = recipients(done_action(), survey("aggregate"), responses, partners, comments, set(), set())
    assert mode == "affected segment"
    assert sorted(p["partner_id"] for p in people) == ["P1", "P1", "P3"]  # every EMEA contact, no APJ


def test_opt_outs_and_suppressed_addresses_are_skipped():
    partners, responses, comments = world()
    p1 = partners["P1"]
    opted = {("P1", p1.contacts[0].contact_id)}
    suppressed = {partners["P3"].contacts[0].email}
    _, people = recipients(done_action(), survey("aggregate"), responses, partners, comments, opted, suppressed)
    assert [p["contact_id"] for p in people] == [p1.contacts[1].contact_id]


def test_only_done_actions_are_reported_back():
    partners, responses, comments = world()
    open_action = {**done_action(), "status": "in_progress"}
    with pytest.raises(InvalidInput) as error:
        recipients(open_action, survey("aggregate"), responses, partners, comments, set(), set())
    assert error.value.problems[0].field == "status"


class Repo:
    def __init__(self, action):
        self.items = {action["action_id"]: action}

    def get(self, action_id):
        return self.items.get(action_id)

    def replace(self, action, expected_version):
        assert self.items[action["action_id"]]["version"] == expected_version
        self.items[action["action_id"]] = action


class RecordingMailer:
    def __init__(self):
        self.sent = []

    def send(self, mail):
        self.sent.append(mail)
        return "id"


def test_messages_are_in_each_contacts_language_and_the_send_is_recorded():
    partners, responses, comments = world()
    action = done_action()
    repo, mailer = Repo(action), RecordingMailer()
    audience = recipients(action, survey("aggregate"), responses, partners, comments, set(), set())
    result = tell_partners(repo, mailer, action["action_id"], ADMIN, "Payouts now within 30 days.", audience,
                           "Partner Pulse <pulse@vendor.example>", NOW)
    assert result == {"action_id": action["action_id"], "mode": "affected segment", "sent": 3}
    subjects = sorted(str(m.message["Subject"]) for m in mailer.sent)
    assert subjects.count("Was wir seit der Partnerumfrage geändert haben") == 1
    assert subjects.count("What we changed since the partner survey") == 2
    english = next(m for m in mailer.sent if "What we changed" in str(m.message["Subject"]))
    assert "Payouts now within 30 days." in english.message.get_content()
    assert "Slow payouts" in english.message.get_content()
    last = repo.items[action["action_id"]]["history"][-1]
    assert last["event"] == "told partners" and last["count"] == 3 and "email" not in str(last)
    with pytest.raises(InvalidInput):
        tell_partners(repo, mailer, action["action_id"], ADMIN, "", audience, "pulse@vendor.example", NOW)
