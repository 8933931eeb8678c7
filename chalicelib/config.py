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

    @classmethod
    def from_environment(cls, environ: dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            stage=env.get("PULSE_STAGE", "local"),
            table_name=env.get("PULSE_TABLE", "pulse-local"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            dynamodb_endpoint=env.get("PULSE_DYNAMODB_ENDPOINT") or None,
            token_secret=env.get("PULSE_TOKEN_SECRET", ""),
            public_base_url=env.get("PULSE_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            max_body_bytes=int(env.get("PULSE_MAX_BODY_BYTES", "65536")),
            log_level=env.get("PULSE_LOG_LEVEL", "INFO"),
        )
