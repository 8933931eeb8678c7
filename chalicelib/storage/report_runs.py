"""Report runs. Item: PK ``WAVE#<id>``, SK ``REPORT#<period>`` (period ``2026-W48`` or ``final``).

Fields: type ``report_run``, wave_id, period, status (``sending`` -> ``sent`` | ``failed``),
attempts, claimed_at, lease_until, sent_at, message_id, archive_location, recipient_count,
last_error,
updated_at. ``claim`` is one conditional write: it succeeds for a new period, for a failed
one (the retry) and for a ``sending`` claim whose lease ran out (a crashed run); it fails for a
period already sent or being sent, so a duplicated or retried schedule event sends nothing.
"""
from __future__ import annotations

from chalicelib.storage.table import DynamoTable

SENDING, SENT, FAILED = "sending", "sent", "failed"
MAX_ERROR_CHARS = 500


def report_run_key(wave_id: str, period: str) -> tuple[str, str]:
    return f"WAVE#{wave_id}", f"REPORT#{period}"


class DynamoReportRunRepository:
    """Report runs by wave, in the single table (the wave's own partition)."""

    def __init__(self, table: DynamoTable):
        self.table = table

    def claim(self, wave_id: str, period: str, now: str, lease_until: str) -> bool:
        """Claim a period for sending; False when it is sent or another run holds a live claim."""
        pk, sk = report_run_key(wave_id, period)
        return self.table.update(
            pk, sk,
            "SET #type = :type, wave_id = :wave, #period = :period, #status = :sending, claimed_at = :now,"
            " lease_until = :lease, updated_at = :now, attempts = if_not_exists(attempts, :zero) + :one",
            {":type": "report_run", ":wave": wave_id, ":period": period, ":sending": SENDING, ":now": now,
             ":lease": lease_until, ":zero": 0, ":one": 1, ":failed": FAILED},
            condition="attribute_not_exists(PK) OR #status = :failed"
                      " OR (#status = :sending AND lease_until < :now)",
            names={"#type": "type", "#period": "period", "#status": "status"})

    def mark_sent(self, wave_id: str, period: str, now: str, message_id: str, archive: str,
                  recipients: int) -> bool:
        pk, sk = report_run_key(wave_id, period)
        return self.table.update(
            pk, sk, "SET #status = :sent, sent_at = :now, updated_at = :now, message_id = :id,"
                    " archive_location = :archive, recipient_count = :recipients REMOVE last_error, lease_until",
            {":sent": SENT, ":now": now, ":id": message_id, ":archive": archive, ":recipients": recipients,
             ":sending": SENDING},
            condition="#status = :sending", names={"#status": "status"})

    def mark_failed(self, wave_id: str, period: str, now: str, error: str) -> bool:
        pk, sk = report_run_key(wave_id, period)
        return self.table.update(
            pk, sk, "SET #status = :failed, updated_at = :now, last_error = :error REMOVE lease_until",
            {":failed": FAILED, ":now": now, ":error": error[:MAX_ERROR_CHARS], ":sending": SENDING},
            condition="#status = :sending", names={"#status": "status"})

    def get(self, wave_id: str, period: str) -> dict | None:
        item = self.table.get(*report_run_key(wave_id, period))
        return _public(item) if item else None

    def for_wave(self, wave_id: str) -> list[dict]:
        """Every run of a wave, oldest period first (one query, pagination followed)."""
        return [_public(i) for i in self.table.query_all(f"WAVE#{wave_id}", sk_prefix="REPORT#")]


def _public(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in ("PK", "SK", "type")}
