"""``SesMailer``: sends raw MIME messages with Amazon SES, pacing itself to the account's rate.

The account's ``MaxSendRate`` and remaining 24-hour quota are read once (``GetSendQuota``);
sends are spaced at least ``1 / MaxSendRate`` seconds apart, throttling errors are retried
with backoff, and an exhausted daily quota stops the run (``MailUnavailable``) instead of
failing message after message. The envelope recipient is passed explicitly
(``Destinations``), so headers can never add recipients.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from .mailer import UNKNOWN, MailRejected, MailUnavailable, OutgoingMail
from .message import SMTP_POLICY

REJECTED_CODES = {"MessageRejected", "MailFromDomainNotVerifiedException",
                  "ConfigurationSetDoesNotExistException", "InvalidParameterValue"}
THROTTLED_CODES = {"Throttling", "ThrottlingException", "TooManyRequestsException"}
MAX_ATTEMPTS = 5


class SesMailer:
    def __init__(self, client, source: str, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, configuration_set: str | None = None):
        self.client = client
        self.source = source
        self.sleep = sleep
        self.clock = clock
        self.configuration_set = configuration_set
        self._interval: float | None = None
        self._remaining: float | None = None
        self._last_send: float | None = None

    def _load_quota(self) -> None:
        try:
            quota = self.client.get_send_quota()
        except (ClientError, BotoCoreError) as error:
            raise MailUnavailable(f"SES quota unavailable ({type(error).__name__})") from error
        rate = float(quota.get("MaxSendRate") or 1.0)
        self._interval = 1.0 / rate if rate > 0 else 1.0
        daily = float(quota.get("Max24HourSend", -1))
        self._remaining = None if daily < 0 else daily - float(quota.get("SentLast24Hours", 0))

    def _pace(self) -> None:
        if self._interval is None:
            self._load_quota()
        if self._remaining is not None and self._remaining < 1:
            raise MailUnavailable("the SES 24-hour sending quota is used up; re-run later")
        if self._last_send is not None:
            wait = self._last_send + self._interval - self.clock()
            if wait > 0:
                self.sleep(wait)

    def send(self, mail: OutgoingMail) -> str:
        """Send one raw message to ``mail.recipient`` only; returns the SES MessageId."""
        self._pace()
        kwargs = {"Source": self.source, "Destinations": [mail.recipient],
                  "RawMessage": {"Data": mail.message.as_bytes(policy=SMTP_POLICY)}}
        if self.configuration_set:
            kwargs["ConfigurationSetName"] = self.configuration_set
        for attempt in range(MAX_ATTEMPTS):
            try:
                result = self.client.send_raw_email(**kwargs)
                break
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                message = error.response.get("Error", {}).get("Message", "")
                if code in THROTTLED_CODES and "Daily message quota" not in message:
                    self.sleep(min(0.5 * 2 ** attempt, 8.0))
                    continue
                if code in REJECTED_CODES:
                    raise MailRejected(f"SES rejected the message: {code}") from error
                raise MailUnavailable(f"SES error {code}") from error
            except BotoCoreError as error:
                raise MailUnavailable(f"SES unreachable ({type(error).__name__})") from error
        else:
            raise MailUnavailable("SES kept throttling")
        self._last_send = self.clock()
        if self._remaining is not None:
            self._remaining -= 1
        return result["MessageId"]

    def delivery_status(self, key: str) -> str:
        """SES cannot be asked whether a message was accepted earlier."""
        return UNKNOWN
