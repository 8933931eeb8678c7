"""The reminder schedule: an hourly tick that sends the reminders that are due.

The tick is always deployed (it costs ~720 empty invocations a month) and does nothing unless
the stage lists survey ids in ``PULSE_REMINDER_SURVEYS`` (.chalice/config.json): off by default.
Per stage, ``PULSE_REMINDER_SPACING_DAYS`` and ``PULSE_REMINDER_MAX`` set the cadence; every
open wave of the listed surveys is handled. Sends are exactly-once per reminder number, so a
duplicated or retried event sends nothing twice.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalice import Blueprint, Rate

from chalicelib import wiring

reminder_jobs = Blueprint(__name__)
logger = logging.getLogger("pulse.jobs")


SAFETY_MARGIN_MS = 60_000  # stop sending a minute before the Lambda would be killed


def run_due_reminders(distribution, settings, now: datetime, should_stop=None) -> dict:
    """Send due reminders for every open wave of the configured surveys; returns summaries."""
    from chalicelib.services.distribution import send_reminders

    if not settings.reminder_surveys:
        return {"enabled": False, "waves": []}
    summaries = []
    for survey_id in settings.reminder_surveys:
        for wave in distribution.repos.waves.waves_of_survey(survey_id):
            if wave.accepts_answers(now):
                summaries.append(send_reminders(distribution, wave.wave_id, now, should_stop=should_stop).summary())
    return {"enabled": True, "waves": summaries}


@reminder_jobs.schedule(Rate(1, unit=Rate.HOURS), name="send_due_reminders")
def send_due_reminders(event):
    # Lambda imports this module, not app.py (handler chalicelib.jobs.reminders.send_due_reminders),
    # so the JSON logging app.py configures must be set up here too (idempotent).
    from chalicelib.logging_setup import configure_logging

    configure_logging()
    from chalicelib.jobs.action_reminders import remind_overdue_actions

    try:  # issue 22: overdue action plans remind their owner, whatever the surveys; never blocks the rest
        reminded = {"actions_reminded": n} if (n := remind_overdue_actions()) else {}
    except Exception:  # noqa: BLE001 - logged; the survey reminders below must still go out
        logger.exception("overdue action reminders failed")
        reminded = {}
    if not wiring.settings().reminder_surveys:
        return {"enabled": False, "waves": [], **reminded}
    context = getattr(event, "context", None)

    def should_stop() -> bool:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        return bool(remaining) and remaining() < SAFETY_MARGIN_MS

    result = {**run_due_reminders(wiring.distribution(), wiring.settings(), datetime.now(UTC), should_stop),
              **reminded}
    logger.info("reminders: %s", result)
    return result
