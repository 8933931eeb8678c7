"""The reminder schedule: off by default, and handing to the same use case as the CLI."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalice.test import Client

from app import app
from chalicelib.config import Settings
from chalicelib.jobs.reminders import run_due_reminders
from chalicelib.services.distribution import send_invitations
from tests.builders import NOW

from .conftest import read_outbox


def test_the_scheduled_function_does_nothing_unless_a_stage_enables_it(world, moto_table, app_env, outbox_dir):
    d, _ = world
    app_env(moto_table)
    send_invitations(d, "w-test", NOW - timedelta(days=10))
    before = len(read_outbox(outbox_dir))
    with Client(app, stage_name="test") as client:
        result = client.lambda_.invoke("send_due_reminders", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert result.payload == {"enabled": False, "waves": []}
    assert len(read_outbox(outbox_dir)) == before


def test_enabled_schedule_reminds_every_open_wave_of_the_listed_surveys(world, outbox_dir):
    d, links = world
    send_invitations(d, "w-test", NOW)
    settings = replace(Settings.from_environment({}), reminder_surveys=("px-test",))

    first = run_due_reminders(d, settings, NOW + timedelta(days=8))
    duplicate_event = run_due_reminders(d, settings, NOW + timedelta(days=8))

    assert first["enabled"] is True
    assert [w["sent"] for w in first["waves"]] == [len(links)]
    assert [w["sent"] for w in duplicate_event["waves"]] == [0]
    off = run_due_reminders(d, Settings.from_environment({}), NOW + timedelta(days=20))
    assert off == {"enabled": False, "waves": []}


def test_a_run_near_the_time_limit_stops_and_the_next_run_continues(world, outbox_dir):
    d, links = world
    send_invitations(d, "w-test", NOW)
    settings = replace(Settings.from_environment({}), reminder_surveys=("px-test",))
    calls = []

    def stop_after_two() -> bool:
        calls.append(1)
        return len(calls) > 2

    stopped = run_due_reminders(d, settings, NOW + timedelta(days=8), stop_after_two)
    rest = run_due_reminders(d, settings, NOW + timedelta(days=8, hours=1))

    assert stopped["waves"][0]["sent"] == 2 and stopped["waves"][0]["stopped"].startswith("time limit")
    assert rest["waves"][0]["sent"] == len(links) - 2
