"""Entry point of scheduled view sharing (the ``share_views`` EventBridge schedule in app.py, daily):
every active share due in its week or month is mailed or refused (``services.view_sharing``)."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import wiring


def handle_scheduled_event(event: dict | None = None, now: datetime | None = None) -> dict:
    from chalicelib.services.view_sharing import share_due_views

    stores, settings = wiring.review_stores(), wiring.settings()
    done = share_due_views(stores.view_shares, stores.staff_directory, stores.snapshots, wiring.mailer(),
                           settings.mail_from, settings.public_base_url, now or datetime.now(UTC))
    return {"sent": sum(1 for d in done if d["outcome"] == "sent"),
            "refused": sum(1 for d in done if d["outcome"] == "refused")}
