"""Structured JSON logs: fields, privacy masks, level from PULSE_LOG_LEVEL read per record."""
from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib.logging_setup import EnvironmentLevel, JsonFormatter, configure_logging, redact


@pytest.fixture
def capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(EnvironmentLevel())
    logger = logging.getLogger("chalicelib.test_logging_probe")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_line_with_level_logger_message_and_request_id(capture, monkeypatch):
    monkeypatch.setenv("PULSE_LOG_LEVEL", "INFO")
    logger, stream = capture
    logger.info("wave %s closed", "px-2026-h1", extra={"aws_request_id": "req-42"})
    [line] = _lines(stream)
    assert line["level"] == "INFO"
    assert line["logger"] == "chalicelib.test_logging_probe"
    assert line["message"] == "wave px-2026-h1 closed"
    assert line["request_id"] == "req-42"


def test_emails_ips_and_tokens_are_masked(capture, monkeypatch):
    monkeypatch.setenv("PULSE_LOG_LEVEL", "INFO")
    logger, stream = capture
    token = "WyJpbnYtMSIsIlAtMDAwNDIiLCJweCJd.Gm3s-AbCdEfGhIjKlMnOpQrStUv"
    logger.warning("mail to ana.perez+x@partner.example.com from 203.0.113.9 / 2001:db8::1:2 token %s", token)
    message = _lines(stream)[0]["message"]
    assert "partner.example.com" not in message and "203.0.113.9" not in message and token not in message
    assert "2001:db8" not in message
    assert "[email]" in message and "[ip]" in message and "[token]" in message


def test_exception_text_is_dropped_but_its_type_kept(capture, monkeypatch):
    monkeypatch.setenv("PULSE_LOG_LEVEL", "INFO")
    logger, stream = capture
    try:
        raise ValueError("answer was 'our rep never calls back'")
    except ValueError:
        logger.exception("submit failed")
    [line] = _lines(stream)
    assert line["exception"] == "ValueError"
    assert line["stack"] and line["stack"][-1].endswith("in test_exception_text_is_dropped_but_its_type_kept")
    assert "never calls back" not in stream.getvalue()


def test_level_follows_the_environment_at_log_time(capture, monkeypatch):
    logger, stream = capture
    monkeypatch.setenv("PULSE_LOG_LEVEL", "WARNING")
    logger.info("hidden")
    monkeypatch.setenv("PULSE_LOG_LEVEL", "DEBUG")
    logger.debug("shown")
    assert [line["message"] for line in _lines(stream)] == ["shown"]


def test_redact_leaves_ordinary_ids_alone():
    ordinary = "wave px-2026-h1 partner P-00042 version 3 at 2026-03-01T12:30:45Z took 0.25 s"
    assert redact(ordinary) == ordinary
    assert redact("fe80::1ff:fe23:4567:890a and 2001:0db8:85a3:0000:0000:8a2e:0370:7334") == "[ip] and [ip]"


def test_real_invitation_tokens_are_masked(tokens):
    from chalicelib.security.tokens import InvitationClaims

    token = tokens.issue(InvitationClaims("a1B2c3D4e5F6g7H8i9J0kL", "P-00042", "px-2026-h1"))
    assert redact(f"opened {token}") == "opened [token]"


def test_configure_logging_makes_the_chalice_app_log_json(monkeypatch):
    from chalice import Chalice

    monkeypatch.setenv("PULSE_LOG_LEVEL", "INFO")
    app = Chalice(app_name="logging-probe")
    stream = io.StringIO()
    app.log.handlers[0].setStream(stream)
    configure_logging(app)
    app.lambda_context = type("Context", (), {"aws_request_id": "req-7"})()
    app.log.info("started for %s", "someone@example.org")
    [line] = _lines(stream)
    assert line["logger"] == "logging-probe" and line["message"] == "started for [email]"
    assert line["request_id"] == "req-7"


def test_in_lambda_the_runtime_handler_writes_json_and_other_handlers_are_left_alone(monkeypatch):
    class LambdaLoggerHandler(logging.Handler):  # the name awslambdaric gives its root handler
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            record.aws_request_id = "req-lambda"  # the runtime's filter does this
            self.lines.append(self.format(record))

    monkeypatch.setenv("PULSE_LOG_LEVEL", "INFO")
    root = logging.getLogger()
    runtime, other = LambdaLoggerHandler(), logging.StreamHandler(io.StringIO())
    other_formatter = other.formatter
    root.addHandler(runtime)
    root.addHandler(other)
    try:
        configure_logging()
        logging.getLogger("chalicelib.jobs.probe").info("sent %d reminders", 12)
        logging.getLogger("chalicelib.jobs.probe").debug("not at INFO")
    finally:
        root.removeHandler(runtime)
        root.removeHandler(other)
    assert [json.loads(line) for line in runtime.lines] == [
        {"level": "INFO", "logger": "chalicelib.jobs.probe", "message": "sent 12 reminders",
         "request_id": "req-lambda", "time": json.loads(runtime.lines[0])["time"]}]
    assert other.formatter is other_formatter and not other.filters


def test_the_reminder_function_configures_json_logging_itself(monkeypatch):
    """Its Lambda handler lives in chalicelib.jobs.reminders: app.py (which configures logging) is
    never imported there, so the handler must set up the runtime's handler itself."""
    from chalicelib import wiring
    from chalicelib.jobs.reminders import send_due_reminders

    class LambdaLoggerHandler(logging.Handler):
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            record.aws_request_id = "req-reminders"
            self.lines.append(self.format(record))

    monkeypatch.setenv("PULSE_REMINDER_SURVEYS", "")
    monkeypatch.setenv("PULSE_LOG_LEVEL", "INFO")
    wiring.reset()
    runtime = LambdaLoggerHandler()
    root = logging.getLogger()
    root.addHandler(runtime)
    try:
        send_due_reminders({"version": "0", "id": "e", "detail-type": "Scheduled Event", "source": "aws.events",
                            "account": "1", "time": "2026-03-02T07:00:00Z", "region": "us-east-1",
                            "resources": [], "detail": {}}, None)
        logging.getLogger("pulse.jobs").info("probe after the handler ran")
    finally:
        root.removeHandler(runtime)
        wiring.reset()
    line = json.loads(runtime.lines[-1])
    assert line["message"] == "probe after the handler ran" and line["request_id"] == "req-reminders"
