"""Entry of the scheduled Lambda: build the use-case context and run the due reports."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

log = logging.getLogger(__name__)


class ReportsFailed(RuntimeError):
    """Raised after every due report was tried, so Lambda retries the event; claims keep
    already-sent periods from being sent twice."""


def run_report_schedule(event=None, now: datetime | None = None) -> dict:
    from chalicelib import wiring
    from chalicelib.services.reporting import run_scheduled_reports

    summary = run_scheduled_reports(wiring.reporting(), now or datetime.now(UTC))
    for result in summary["reports"]:
        reason = f" ({result['reason']})" if result.get("reason") else ""
        log.info("report %s %s: %s%s", result["wave_id"], result["period"], result["outcome"], reason)
    if summary["failed"]:
        raise ReportsFailed(f"{summary['failed']} report(s) failed; see the report runs of each wave")
    return summary
