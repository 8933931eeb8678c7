"""Report settings from the environment, read on first use (stage variables in .chalice/config.json).

Kept apart from ``chalicelib.config.Settings`` so this feature's variables do not crowd it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_SCHEDULE = "cron(0 7 ? * MON *)"  # Mondays 07:00 UTC


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class ReportSettings:
    surveys: tuple[str, ...]       # surveys whose open (and just-closed) waves get the summary
    recipients: tuple[str, ...]
    sender: str
    transport: str                 # "ses" or "outbox"
    bucket: str | None             # S3 archive bucket; None -> local folder
    local_dir: str                 # local archive root (reports/<wave>/<day>/ below it)
    outbox_dir: str
    final_within_days: int         # a closed wave still gets its final summary this many days after closing
    lease_minutes: int
    translate: str = ""            # "amazon": translate quotes in other languages (Amazon Translate); "": off

    @classmethod
    def from_environment(cls, environ: dict | None = None) -> ReportSettings:
        env = os.environ if environ is None else environ
        return cls(
            surveys=_split(env.get("PULSE_REPORT_SURVEYS", "")),
            recipients=_split(env.get("PULSE_REPORT_RECIPIENTS", "")),
            sender=env.get("PULSE_REPORT_SENDER") or env.get("PULSE_MAIL_FROM")
            or "Partner Pulse <pulse@example.com>",
            transport=env.get("PULSE_REPORT_TRANSPORT") or env.get("PULSE_MAIL_TRANSPORT") or "outbox",
            bucket=env.get("PULSE_REPORT_BUCKET") or None,
            local_dir=env.get("PULSE_REPORT_LOCAL_DIR", ".local"),
            outbox_dir=env.get("PULSE_OUTBOX_DIR", ".local/outbox"),
            final_within_days=int(env.get("PULSE_REPORT_FINAL_WITHIN_DAYS", "14")),
            lease_minutes=int(env.get("PULSE_REPORT_LEASE_MINUTES", "15")),
            translate=(env.get("PULSE_REPORT_TRANSLATE") or "").strip().lower(),
        )
