"""Overdue action plans remind their owner by e-mail (outbox locally, SES in AWS), at most once a
day per action. Runs inside the hourly ``send_due_reminders`` tick (its role may read the table,
query GSI1, update items and send mail), so no new function or permission is needed."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalicelib import wiring

logger = logging.getLogger("pulse.jobs")


def remind_overdue_actions(now: datetime | None = None) -> int:
    from chalicelib.services.actions import remind_overdue

    settings = wiring.settings()
    sent = remind_overdue(wiring.plan_stores().actions, wiring.mailer(), settings.mail_from,
                          settings.public_base_url, now or datetime.now(UTC))
    logger.info("overdue action reminders sent: %d", sent)
    return sent
