"""Claims of sent alerts: one conditional put per rule, wave, recipient and ISO week.

Item: PK ``ALERT#<key>`` (``services.alerts.alert_key``), SK ``SENT``; fields claimed_at and a TTL
of 60 days. The scheduled check in AWS mails a finding once a week while it lasts, even though
SES (unlike the local outbox) does not deduplicate by key.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .schema import TTL_ATTRIBUTE
from .table import DynamoTable


class DynamoAlertClaims:
    def __init__(self, table: DynamoTable):
        self.table = table

    def claim(self, key: str, now: datetime) -> bool:
        """True for the first claim of ``key``; False when it was claimed (sent) before."""
        item = {"PK": f"ALERT#{key}", "SK": "SENT", "type": "alert_claim",
                "claimed_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                TTL_ATTRIBUTE: int((now + timedelta(days=60)).timestamp())}
        return self.table.put(item, condition="attribute_not_exists(PK)")
