"""A pulse world on moto: the program with event types, a directory, the outbox, a fixed clock."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.partners import Contact, contact_id_for
from chalicelib.services.program import apply_program
from tests.builders import make_partner, make_repositories
from tests.pulses.builders import EVENT_SECRETS, event_body, program_definition

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class PulseWorld:
    def __init__(self, table, wiring, outbox):
        self.table, self.wiring, self.outbox = table, wiring, outbox
        self.repos = make_repositories(table)

    def event(self, event_id: str, at: datetime = T0, **overrides) -> tuple[bool, dict]:
        from chalicelib.services.events import accept_event
        from chalicelib.services.program import current_program

        return accept_event(self.wiring.pulse_store(), current_program(self.repos),
                            event_body(event_id, at, **overrides), at, "prm")

    def run(self, at: datetime, **rules) -> dict:
        from chalicelib.jobs.pulses import pulse_sender
        from chalicelib.services.pulse_sender import send_due_pulses

        sender = pulse_sender(at)
        if rules:
            sender.rules = replace(sender.rules, **rules)
        return send_due_pulses(sender, at).summary()

    def mails(self) -> list:
        return sorted(self.outbox.rglob("*.eml")) if self.outbox.exists() else []

    def stored_event(self, event_id: str) -> dict:
        return self.wiring.pulse_store().get_event(event_id)


def contact(email: str, language: str = "en") -> Contact:
    return Contact(contact_id_for(email), email.split("@")[0], email.lower(), language)


@pytest.fixture
def pulse_world(moto_table, app_env, monkeypatch, tmp_path):
    return make_world(moto_table, app_env, monkeypatch, tmp_path)


def make_world(table, app_env, monkeypatch, tmp_path) -> PulseWorld:
    moto_table = table
    repos = make_repositories(moto_table)
    apply_program(repos, program_definition(), T0 - timedelta(days=60))
    partners = [
        replace(make_partner("P001"), contacts=(contact("c0.P001@partner.example", "es"),
                                                contact("c1.P001@partner.example"),
                                                contact("c2.P001@partner.example"))),
        make_partner("P002", region="APJ"),
    ]
    repos.partners.put_many(partners, "2026-01-01T00:00:00Z")
    monkeypatch.setenv("PULSE_EVENT_SECRETS", EVENT_SECRETS)
    monkeypatch.setenv("PULSE_MAIL_TRANSPORT", "outbox")
    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("PULSE_PUBLIC_BASE_URL", "http://pulse.test")
    wiring = app_env(moto_table)
    return PulseWorld(moto_table, wiring, tmp_path / "outbox")
