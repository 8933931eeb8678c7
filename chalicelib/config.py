"""Typed settings read from the environment on first use (never at import time)."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    region: str
    dynamodb_endpoint: str | None
    token_secret: str
    public_base_url: str
    max_body_bytes: int
    log_level: str
    # Distribution (mail): transport "outbox" writes .eml files locally, "ses" sends with SES.
    mail_transport: str = "outbox"
    mail_from: str = "Partner Pulse <pulse@example.com>"
    outbox_dir: str = ".local/outbox"
    reminder_surveys: tuple[str, ...] = ()  # the scheduled reminder job is off while empty
    reminder_max: int = 3
    reminder_spacing_days: float = 7.0
    send_lease_minutes: int = 10
    token_secret_arn: str = ""  # AWS: the signing key is read from Secrets Manager at run time
    refresh_function: str = ""  # AWS: the refresh_wave function (async invoke); empty = local thread
    results_surveys: tuple[str, ...] = ()  # the hourly job builds their open waves' first snapshot

    @classmethod
    def from_environment(cls, environ: dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            stage=env.get("PULSE_STAGE", "local"),
            table_name=env.get("PULSE_TABLE", "pulse-local"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            dynamodb_endpoint=env.get("PULSE_DYNAMODB_ENDPOINT") or None,
            token_secret=env.get("PULSE_TOKEN_SECRET", ""),
            public_base_url=env.get("PULSE_PUBLIC_BASE_URL",
                                    f"http://127.0.0.1:{env.get('PULSE_PORT') or 8000}").rstrip("/"),
            max_body_bytes=int(env.get("PULSE_MAX_BODY_BYTES", "65536")),
            log_level=env.get("PULSE_LOG_LEVEL", "INFO"),
            mail_transport=env.get("PULSE_MAIL_TRANSPORT", "outbox"),
            mail_from=env.get("PULSE_MAIL_FROM", "Partner Pulse <pulse@example.com>"),
            outbox_dir=env.get("PULSE_OUTBOX_DIR", ".local/outbox"),
            reminder_surveys=tuple(s.strip() for s in env.get("PULSE_REMINDER_SURVEYS", "").split(",") if s.strip()),
            reminder_max=int(env.get("PULSE_REMINDER_MAX", "3")),
            reminder_spacing_days=float(env.get("PULSE_REMINDER_SPACING_DAYS", "7")),
            send_lease_minutes=int(env.get("PULSE_SEND_LEASE_MINUTES", "10")),
            token_secret_arn=env.get("PULSE_TOKEN_SECRET_ARN", ""),
            refresh_function=env.get("PULSE_REFRESH_FUNCTION", ""),
            results_surveys=tuple(s.strip() for s in (env.get("PULSE_RESULTS_SURVEYS")
                                                      or env.get("PULSE_REMINDER_SURVEYS", "")).split(",")
                                  if s.strip()),
        )
