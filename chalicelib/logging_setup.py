"""Structured logs: one JSON object per line (level, logger, message, request id).

Privacy: log events, ids and counts, never answers, tokens, e-mail addresses or IP addresses.
As a safety net the formatter masks anything shaped like an e-mail address, an IPv4/IPv6
address or a signed invitation token, and replaces an exception's text (which can carry user
input) by its type and stack frames (file:line in function).

The level comes from ``PULSE_LOG_LEVEL`` and is read when a record is handled, not at import
(``chalice.test.Client`` sets stage variables only during a request).
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import traceback

APP_LOGGERS = ("chalicelib", "analysis", "pulse")
STACK_FRAMES = 12  # where an exception came from: file:line in function, never its message
LAMBDA_HANDLER_PREFIX = "LambdaLoggerHandler"  # awslambdaric's root handler class
_MASKS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"[\w-]{16,}\.[\w-]{16,}(\.[\w-]{16,})?"), "[token]"),  # itsdangerous payload.signature
    (re.compile(r"\b(\d{1,3}\.){3}\d{1,3}\b"), "[ip]"),
    (re.compile(r"\b([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"), "[ip]"),  # IPv6, full form
    (re.compile(r"\b([0-9a-fA-F]{1,4}:)+:([0-9a-fA-F]{1,4}:?)*|::([0-9a-fA-F]{1,4}:?)+"), "[ip]"),  # IPv6, '::' form
)


def redact(text: str) -> str:
    """Mask e-mail addresses, IP addresses and invitation tokens in ``text``."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "aws_request_id", None),
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            entry["stack"] = [f"{'/'.join(frame.filename.split('/')[-2:])}:{frame.lineno} in {frame.name}"
                              for frame in traceback.extract_tb(record.exc_info[2])[-STACK_FRAMES:]]
        return json.dumps(entry, ensure_ascii=False)


class EnvironmentLevel(logging.Filter):
    """Pass records at or above ``PULSE_LOG_LEVEL`` (default INFO), read per record."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = os.environ.get("PULSE_LOG_LEVEL", "INFO").upper()
        level = logging.getLevelName(name)
        return record.levelno >= (level if isinstance(level, int) else logging.INFO)


class LambdaRequestId(logging.Filter):
    """Stamp records of Chalice's ``app.log`` with the current invocation's request id."""

    def __init__(self, app):
        super().__init__()
        self._app = app

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "aws_request_id", None) is None:
            record.aws_request_id = getattr(self._app.lambda_context, "aws_request_id", None)
        return True


def configure_logging(app=None) -> None:
    """Send our loggers and Chalice's ``app.log`` through JSON handlers (idempotent).

    In Lambda the runtime's root handler (which adds ``aws_request_id``) gets the JSON
    formatter; elsewhere a JSON stderr handler is added when the root logger has none.
    Other handlers (a test runner's capture) are left alone.
    """
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stderr))
        _make_json(root.handlers[0])
    for handler in root.handlers:
        if type(handler).__name__.startswith(LAMBDA_HANDLER_PREFIX):
            _make_json(handler)
    names = list(APP_LOGGERS)
    if app is not None:
        names.append(app.log.name)
        for handler in app.log.handlers:  # Chalice's own stdout handler
            _make_json(handler)
            if not any(isinstance(f, LambdaRequestId) for f in handler.filters):
                handler.addFilter(LambdaRequestId(app))
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)  # the handlers' filter decides


def _make_json(handler: logging.Handler) -> None:
    handler.setFormatter(JsonFormatter())
    if not any(isinstance(f, EnvironmentLevel) for f in handler.filters):
        handler.addFilter(EnvironmentLevel())
