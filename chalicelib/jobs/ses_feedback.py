"""SES bounces and complaints, delivered by SNS, go straight into the suppression list.

SES publishes bounce and complaint events of the stack's configuration set to an SNS topic;
the ``ses_feedback`` function receives them. Permanent bounces and every complaint suppress
the address (stored as a hash, like ``pulse suppressions import``); transient bounces
(mailbox full, ...) are only logged. Nothing else in the message is kept.
"""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from chalicelib import wiring

logger = logging.getLogger("pulse.jobs")


def suppressions_from(message: dict) -> list[tuple[str, str]]:
    """(address, reason) pairs of one SES event/notification (event publishing or identity notifications)."""
    kind = message.get("eventType") or message.get("notificationType")
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        return [(r["emailAddress"], "bounce") for r in bounce.get("bouncedRecipients", []) if r.get("emailAddress")]
    if kind == "Complaint":
        complaint = message.get("complaint") or {}
        return [(r["emailAddress"], "complaint") for r in complaint.get("complainedRecipients", [])
                if r.get("emailAddress")]
    return []


def handle_sns_event(event: dict, now: datetime | None = None) -> dict:
    """Lambda entry point for the SNS subscription; returns counts (never the addresses)."""
    from chalicelib.storage.suppressions import DynamoSuppressionRepository

    entries, ignored = [], 0
    for record in (event or {}).get("Records", []):
        try:
            message = json.loads(record["Sns"]["Message"])
        except (KeyError, TypeError, ValueError):
            ignored += 1
            continue
        found = suppressions_from(message)
        ignored += 0 if found else 1
        entries += found
    stored = 0
    if entries:
        stored = DynamoSuppressionRepository(wiring.table()).add_many(
            entries, "ses-feedback", (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    summary = {"suppressed": stored, "ignored": ignored}
    logger.info("ses feedback: %s", summary)
    return summary
