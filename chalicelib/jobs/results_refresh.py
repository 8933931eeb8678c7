"""Scheduled job: refresh the results snapshot of every open wave.

Open waves that have a snapshot are refreshed; open waves of the stage's results surveys
(``PULSE_RESULTS_SURVEYS``, default the reminder surveys) that have none get their first one
here. An admin can also ask for one (``POST /api/v1/staff/waves/{id}/snapshot`` answers 202
and the ``refresh_wave`` function builds it; ``pulse snapshot refresh --wave ID`` locally).
The analysis engine is imported inside the job, never when app.py loads.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalicelib import wiring

logger = logging.getLogger("pulse.jobs")


def waves_to_refresh(repos, store, results_surveys, now: datetime) -> list[str]:
    """Open waves with a snapshot, then open waves of ``results_surveys`` still without one."""
    registered = [entry["wave_id"] for entry in store.registered_waves()]
    due = [w for w in registered if repos.waves.get(w).status == "open"]
    for survey_id in results_surveys:
        for wave in repos.waves.waves_of_survey(survey_id):
            if wave.status == "open" and wave.wave_id not in registered and wave.wave_id not in due:
                due.append(wave.wave_id)
    return due


def refresh_results_snapshots(event=None) -> list[dict]:
    """Refresh every open wave due (see ``waves_to_refresh``); returns one summary per wave."""
    from chalicelib.jobs.snapshot_refresh import refresh_wave

    now = datetime.now(UTC)
    due = waves_to_refresh(wiring.repositories(), wiring.review_stores().snapshots,
                           wiring.settings().results_surveys, now)
    summaries = []
    for wave_id in due:
        summary = refresh_wave(wave_id, now)
        logger.info("results snapshot refreshed: %s", summary)
        summaries.append(summary)
    from chalicelib.jobs.results_stream import remind_followups

    logger.info("follow-up SLA reminders sent: %d", remind_followups())
    return summaries
