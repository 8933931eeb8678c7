"""Reminders: only to contacts without a submitted response, at most N, spaced, never after close."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from chalicelib.services.catalogue import close_wave
from chalicelib.services.distribution import SendPolicy, send_invitations, send_reminders
from chalicelib.services.submissions import submit_response
from tests.builders import NOW, VALID_ANSWERS, token_of

from .conftest import bodies, read_outbox


def by_email(links):
    return {link.contact.email: link for link in links}


def answer(d, link, *, final: bool, language: str = "en", when=NOW + timedelta(days=1)):
    answers = VALID_ANSWERS if final else {"q_nps": 7}
    submit_response(d.repos, d.invitation_tokens, token_of(link),
                    {"answers": answers, "language": language, "final": final}, when)


def reminder_files(outbox_dir) -> Counter:
    return Counter(path.name.split(".", 1)[1] for path in outbox_dir.rglob("*.reminder-*.eml"))


def test_reminders_skip_submitters_and_ask_partial_responders_to_finish(world, outbox_dir):
    d, links = world
    contacts = by_email(links)
    send_invitations(d, "w-test", NOW)
    answer(d, contacts["en.0@p001.example"], final=True)
    answer(d, contacts["de.0@p002.example"], final=False, language="es")  # a German contact saved in Spanish

    report = send_reminders(d, "w-test", NOW + timedelta(days=8))

    reminded = {m.contact.email: m.wording for m in report.sent}
    assert reminded == {"es.1@p001.example": "reminder", "de.0@p002.example": "finish",
                        "ja.1@p002.example": "reminder"}
    assert report.skipped["submitted"] == 1
    messages = {m["To"].addresses[0].addr_spec: m for m in read_outbox(outbox_dir)
                if m["Message-ID"].startswith("<reminder-1.")}
    assert "Termínela" in bodies(messages["de.0@p002.example"])[0]  # the language they answered in
    assert "Aún no hemos recibido" in bodies(messages["es.1@p001.example"])[0]
    assert "まだいただいておりません" in bodies(messages["ja.1@p002.example"])[0]


def test_reminders_respect_spacing_and_the_maximum(world, outbox_dir):
    d, links = world
    d = replace(d, policy=SendPolicy(max_reminders=3, spacing_days=5))
    send_invitations(d, "w-test", NOW)

    too_soon = send_reminders(d, "w-test", NOW + timedelta(days=4))
    runs = [send_reminders(d, "w-test", NOW + timedelta(days=day)) for day in (5, 9, 10, 15, 20, 25)]

    assert too_soon.sent == [] and too_soon.skipped["too soon"] == 4
    assert [len(r.sent) for r in runs] == [4, 0, 4, 4, 0, 0]
    assert runs[1].skipped["too soon"] == 4
    assert runs[4].skipped["reminder limit reached"] == 4
    assert reminder_files(outbox_dir) == {"reminder-1.eml": 4, "reminder-2.eml": 4, "reminder-3.eml": 4}


def test_a_repeated_reminder_run_sends_nothing_twice(world, outbox_dir):
    d, _ = world
    send_invitations(d, "w-test", NOW)
    first = send_reminders(d, "w-test", NOW + timedelta(days=8))
    again = send_reminders(d, "w-test", NOW + timedelta(days=8, minutes=1))
    assert len(first.sent) == 4 and again.sent == []
    assert reminder_files(outbox_dir) == {"reminder-1.eml": 4}


def test_no_reminders_after_the_wave_closes(world, outbox_dir):
    d, _ = world
    send_invitations(d, "w-test", NOW)

    past_closing = send_reminders(d, "w-test", NOW + timedelta(days=32))
    close_wave(d.repos, "w-test", NOW + timedelta(days=8))
    closed_early = send_reminders(d, "w-test", NOW + timedelta(days=8, hours=1))

    assert past_closing.sent == [] and past_closing.stopped.startswith("wave closed")
    assert closed_early.sent == [] and closed_early.planned == []
    assert reminder_files(outbox_dir) == {}


def test_contacts_never_invited_get_no_reminder(world, outbox_dir):
    d, _ = world
    report = send_reminders(d, "w-test", NOW + timedelta(days=8))
    assert report.sent == [] and report.skipped["not invited yet"] == 4


def test_a_crashed_reminder_is_finished_as_the_same_number_not_a_new_one(world, outbox_dir):
    from .conftest import Crash
    from .test_exactly_once import CrashBeforeSending

    d, _ = world
    send_invitations(d, "w-test", NOW)
    day8 = NOW + timedelta(days=8)
    try:
        send_reminders(replace(d, mailer=CrashBeforeSending(d.mailer, crash_at=3)), "w-test", day8)
    except Crash:
        pass

    rerun = send_reminders(d, "w-test", day8 + timedelta(hours=1))

    assert [m.kind for m in rerun.sent] == ["REMINDER#1", "REMINDER#1"]  # the crashed one and the last
    assert reminder_files(outbox_dir) == {"reminder-1.eml": 4}
