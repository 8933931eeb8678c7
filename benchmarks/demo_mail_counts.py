"""How many e-mails the demo program sends: seed the demo into moto, then plan the sends.

Prints the invitation e-mails a fresh wave for the whole demo directory would send, the
reminder #1 e-mails the open demo wave ``px-2026-h1`` would send now (by wording), and
writes those reminders to ``.local/outbox/`` so a sample ``.eml`` can be opened.

Usage: .venv/bin/python benchmarks/demo_mail_counts.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
                    "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib.mail.outbox import OutboxMailer
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens
    from chalicelib.services.catalogue import open_wave
    from chalicelib.services.distribution import Distribution, send_invitations, send_reminders
    from chalicelib.storage.sends import DynamoSendRepository
    from chalicelib.storage.suppressions import DynamoSuppressionRepository
    from chalicelib.storage.table import DynamoTable
    from pulse_cli.demo import CURRENT_WAVE, seed_demo
    from tests.builders import make_repositories

    secret = "local-development-secret-not-for-production"
    now = datetime.now(UTC).replace(microsecond=0)
    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        table = DynamoTable(boto3.client("dynamodb", region_name="us-east-1"), "demo")
        table.ensure_exists()
        repos = make_repositories(table)
        tokens = InvitationTokens(secret)
        print(seed_demo(repos, tokens, "http://127.0.0.1:8000", Path(tmp) / "links.txt", now=now))
        d = Distribution(repos, DynamoSendRepository(table), DynamoSuppressionRepository(table),
                         OutboxMailer(ROOT / ".local" / "outbox"), tokens, UnsubscribeTokens(secret),
                         "http://127.0.0.1:8000", "Partner Pulse <pulse@example.com>")
        open_wave(repos, "px", "px-demo-fresh", (now + timedelta(days=30)).date().isoformat(), now)
        fresh = send_invitations(d, "px-demo-fresh", now, dry_run=True)
        print(f"fresh wave for the whole demo directory: {len(fresh.planned)} invitation e-mails "
              f"{fresh.by_segment()}")
        planned = send_reminders(d, CURRENT_WAVE, now, dry_run=True)
        print(f"{CURRENT_WAVE} reminder #1 now: {len(planned.planned)} e-mails {planned.by_segment()}; "
              f"skipped {dict(planned.skipped)}")
        sent = send_reminders(d, CURRENT_WAVE, now)
        sample = next(m for m in sent.sent if m.language == "ja")
        print(f"wrote {len(sent.sent)} reminders; sample: "
              f"{OutboxMailer(ROOT / '.local' / 'outbox').path_for(sample.key).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
