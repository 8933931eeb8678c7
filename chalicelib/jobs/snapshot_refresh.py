"""The results-snapshot refresh of one wave, as a job: never inside an API request.

- ``refresh_wave(wave_id)`` is the one entry point that rebuilds a wave's snapshot (the hourly
  job, the asynchronous ``refresh_wave`` function, the CLI and incremental updaters call it).
- ``request_refresh(wave_id, requested_by)`` is what the API does: record ``queued`` in the
  wave's ``REFRESH#STATUS`` item and start the work elsewhere - on AWS by invoking the
  ``refresh_wave`` function asynchronously (Lambda ``Invoke``, ``InvocationType=Event``; its
  failures go to the stack's failure destination), locally in a background thread.
- ``refresh_status(wave_id)`` reads the status item: ``queued`` -> ``running`` -> ``done``
  (with the summary) or ``failed`` (with the error type).

Status item: PK ``WAVE#<id>``, SK ``REFRESH#STATUS``.
"""
from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from chalicelib import wiring

logger = logging.getLogger("pulse.jobs")
STATUS_SK = "REFRESH#STATUS"
STATES = ("queued", "running", "done", "failed")
_local_threads: list[threading.Thread] = []


def _now_text(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def refresh_wave(wave_id: str, now: datetime | None = None) -> dict:
    """Rebuild the snapshot of ``wave_id`` now (in this process); returns the summary."""
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds

    repos, stores, review = wiring.repositories(), wiring.review_stores(), wiring.review_settings()
    summary = results.refresh_snapshot(
        repos, stores.snapshots, stores.corrections, stores.followups, wave_id,
        Thresholds.of(review), review.followup_sla_days, now or datetime.now(UTC),
        review.followup_rules, enrichments=getattr(stores, "enrichments", None))
    sink = wiring.analytics_sink()
    if sink is not None:  # AWS: the wave's de-identified tidy responses for Athena (services/analytics_export.py)
        from chalicelib.services.analytics_export import export_wave

        summary["analytics"] = export_wave(repos, sink, wave_id, wiring.token_secret())
    return summary


def _set_status(wave_id: str, state: str, **fields) -> None:
    item = {"PK": f"WAVE#{wave_id}", "SK": STATUS_SK, "wave_id": wave_id, "state": state,
            "updated_at": _now_text(), **fields}
    wiring.table().put(item)


def refresh_status(wave_id: str) -> dict | None:
    """The last refresh request of a wave: state, times, summary or error; None if never requested."""
    item = wiring.table().get(f"WAVE#{wave_id}", STATUS_SK)
    if not item:
        return None
    return {k: v for k, v in item.items() if k not in ("PK", "SK")}


def run_requested_refresh(wave_id: str, requested_at: str | None = None) -> dict:
    """Do a requested refresh and record its outcome (the body of the asynchronous function)."""
    started = _now_text()
    _set_status(wave_id, "running", requested_at=requested_at or started, started_at=started)
    try:
        summary = refresh_wave(wave_id)
    except Exception as error:
        _set_status(wave_id, "failed", requested_at=requested_at or started, started_at=started,
                    finished_at=_now_text(), error=type(error).__name__)
        logger.exception("snapshot refresh of %s failed", wave_id)
        raise
    _set_status(wave_id, "done", requested_at=requested_at or started, started_at=started,
                finished_at=_now_text(), summary=summary)
    logger.info("snapshot refresh done: %s", summary)
    return summary


def handle_refresh_event(event: dict) -> dict:
    """Lambda entry point: ``{"wave_id": ..., "requested_at": ...}`` (asynchronous invoke)."""
    wave_id = str((event or {}).get("wave_id") or "")
    if not wave_id:
        raise ValueError("refresh event without wave_id")
    return run_requested_refresh(wave_id, (event or {}).get("requested_at"))


def request_refresh(wave_id: str, requested_by: str) -> dict:
    """Record ``queued`` and start the refresh asynchronously; returns the status."""
    requested_at = _now_text()
    _set_status(wave_id, "queued", requested_at=requested_at, requested_by=requested_by)
    wiring.refresh_starter()(wave_id, requested_at)
    return refresh_status(wave_id) or {"wave_id": wave_id, "state": "queued"}


def start_in_thread(wave_id: str, requested_at: str) -> None:
    """Local stages: the same use case in a background thread of this process."""
    def work():
        try:
            run_requested_refresh(wave_id, requested_at)
        except Exception:  # recorded as "failed" in the status item and logged there
            logger.debug("background refresh of %s ended with an error", wave_id)

    thread = threading.Thread(target=work, name=f"refresh-{wave_id}", daemon=True)
    _local_threads.append(thread)
    thread.start()


def wait_for_local_refreshes(timeout: float = 120.0) -> None:
    """Join the background refreshes started in this process (tests, CLI)."""
    while _local_threads:
        _local_threads.pop().join(timeout)
