"""Entry points of the transactional pulses (issue 27): the scheduled sender and the EventBridge handler."""
from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

logger = logging.getLogger("pulse.pulses")
SAFETY_SECONDS = 60  # stop this long before the Lambda's time limit; the next run continues


def pulse_sender(now: datetime | None = None):
    """A PulseSender built from the wiring (the program in use, the rules from the environment)."""
    from chalicelib import wiring
    from chalicelib.services.program import current_program
    from chalicelib.services.pulse_sender import PulseSender

    return PulseSender(store=wiring.pulse_store(), distribution=wiring.distribution(),
                       rules=wiring.fatigue_rules(), program=current_program(wiring.repositories()))


def run_pulse_sender(event, context=None, now: datetime | None = None) -> dict:
    """The 15-minute schedule: send the due pulses, then refresh the transactional results when stale."""
    from chalicelib.services.pulse_sender import send_due_pulses

    now = now or datetime.now(UTC)
    started = time.monotonic()
    budget = (context.get_remaining_time_in_millis() / 1000 - SAFETY_SECONDS) if context and hasattr(
        context, "get_remaining_time_in_millis") else None
    sender = pulse_sender(now)
    run = send_due_pulses(sender, now, should_stop=(lambda: time.monotonic() - started > budget) if budget else None)
    summary = run.summary()
    try:  # the stored transactional results, rebuilt at most hourly (the dashboard and API read them)
        from chalicelib.services.pulse_results import refresh_if_stale

        summary["results_rebuilt"] = refresh_if_stale(sender.repos, sender.store, sender.program, now)
    except Exception:  # noqa: BLE001 - logged; the sends above are done and recorded
        logger.exception("transactional results refresh failed")
        summary["results_rebuilt"] = False
    logger.info("pulses: %s", summary)
    return summary


def handle_bus_event(event: dict, now: datetime | None = None) -> dict:
    """An EventBridge event (detail-type ``partner-pulse.event``): the same validation and store as the
    signed endpoint; the bus's IAM policy authenticates the sender, ``source`` names it. An invalid event is
    logged with its problems and dropped (a retry would fail the same way)."""
    from chalicelib import wiring
    from chalicelib.domain.errors import InvalidInput
    from chalicelib.services.events import accept_event
    from chalicelib.services.program import current_program

    now = now or datetime.now(UTC)
    source = "bus:" + str(event.get("source") or "unknown")[:60]
    try:
        new, result = accept_event(wiring.pulse_store(), current_program(wiring.repositories()),
                                   event.get("detail"), now, source)
    except InvalidInput as error:
        problems = [p.to_dict() for p in error.problems]
        logger.warning("event from %s rejected: %s", source, problems)
        return {"status": "rejected", "errors": problems}
    return result
