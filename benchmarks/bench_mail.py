"""How long does sending 10,000 invitations to the local outbox take?

Three measurements in the same run, so the ratios hold on any machine:

1. baselines: write 10,000 already-rendered messages (the same bytes) to files, once plainly
   and once the way ``OutboxMailer`` writes (temp file + rename);
2. mail only: render (Jinja2, 4 languages), build the MIME bytes and write them through
   ``OutboxMailer``, 10,000 times, one process, with one shared ``MailSetup`` (as
   ``send_invitations`` does: the survey and program are read once per run, not per e-mail);
   reported as a ratio to the plain baseline (target: at most 5x);
3. full pipeline: ``send_invitations`` end to end (directory read, invitation creation,
   claim/mark-sent conditional writes, invitation state) against DynamoDB Local (or moto when
   Java is missing) for ``--full`` contacts, extrapolated per 10,000.

Usage: .venv/bin/python benchmarks/bench_mail.py [--count 10000] [--full 2000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                    "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)

from chalicelib.domain.partners import Contact, Partner, contact_id_for  # noqa: E402
from chalicelib.domain.responses import Invitation  # noqa: E402
from chalicelib.domain.waves import OPEN, Wave, iso  # noqa: E402
from chalicelib.mail.outbox import OutboxMailer  # noqa: E402
from chalicelib.security.tokens import InvitationTokens  # noqa: E402
from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens  # noqa: E402
from chalicelib.services.distribution import Distribution, MailSetup, PlannedMail, compose_mail, send_invitations  # noqa: E402

SECRET = "benchmark-secret-0123456789abcdef"
LANGUAGES = ["en", "es", "ja", "de"]
NOW = datetime.now(UTC).replace(microsecond=0)


def partners(count: int, contacts_each: int = 2) -> list[Partner]:
    out = []
    for n in range(count // contacts_each):
        contacts = tuple(Contact(contact_id_for(f"c{k}.p{n}@bench.example"), f"Contact {k} of P{n}",
                                 f"c{k}.p{n}@bench.example", LANGUAGES[(n + k) % 4]) for k in range(contacts_each))
        out.append(Partner(f"P{n:05d}", f"Partner {n} GmbH & Co", ["enrolled", "advanced", "principal"][n % 3],
                           ["AMER", "EMEA", "APJ", "LATAM"][n % 4], "DE", ("reseller",), True, Decimal(1000 + n),
                           ("proof_of_concept",), "am@vendor.example", contacts))
    return out


def distribution(repos, sends, suppressions, outbox: Path) -> Distribution:
    return Distribution(repos=repos, sends=sends, suppressions=suppressions, mailer=OutboxMailer(outbox),
                        invitation_tokens=InvitationTokens(SECRET), unsubscribe_tokens=UnsubscribeTokens(SECRET),
                        base_url="https://pulse.example.com", sender="Partner Pulse <pulse@example.com>")


def planned(d: Distribution, people: list[Partner]) -> list[PlannedMail]:
    mails = []
    for partner in people:
        for contact in partner.contacts:
            invitation_id = d.invitation_tokens.invitation_id("bench", partner.partner_id, contact.contact_id)
            invitation = Invitation(invitation_id, "bench", partner.partner_id, contact.contact_id,
                                    contact.language, iso(NOW))
            mails.append(PlannedMail(invitation, partner, contact, "INVITATION", "invitation", contact.language))
    return mails


def bench_mail_only(count: int, work: Path) -> tuple[float, float, float, float, int]:
    """(plain write, temp + rename write, render + build + outbox write, render + build only, size)."""
    d = distribution(None, None, None, work / "outbox")
    wave = Wave("bench", "px", 1, OPEN, iso(NOW), iso(NOW + timedelta(days=30)))
    setup = MailSetup(survey=None, sender_name="Partner Program Team")  # built once, as in send_invitations
    mails = planned(d, partners(count))
    # Pre-render once for the baselines: the same bytes, written without rendering.
    rendered = [(m.key, compose_mail(d, m, wave, NOW, setup).message.as_bytes()) for m in mails]
    size = sum(len(data) for _, data in rendered)
    timings = []
    for attempt in range(2):  # the faster of two runs: the first also warms the file system up
        start = time.perf_counter()
        for key, data in rendered:
            path = work / f"baseline{attempt}" / f"{key}.eml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        timings.append(time.perf_counter() - start)
    baseline = min(timings)
    start = time.perf_counter()
    for key, data in rendered:
        path = work / "atomic" / f"{key}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    atomic = time.perf_counter() - start
    start = time.perf_counter()
    for mail in mails:
        d.mailer.send(compose_mail(d, mail, wave, NOW, setup))
    mail_only = time.perf_counter() - start
    start = time.perf_counter()
    for mail in mails:
        compose_mail(d, mail, wave, NOW, setup).message.as_bytes()
    in_memory = time.perf_counter() - start
    return baseline, atomic, mail_only, in_memory, size // len(rendered)


def bench_full(count: int, work: Path) -> tuple[float, str]:
    import boto3

    from chalicelib.services.catalogue import open_wave, publish_survey
    from chalicelib.storage.sends import DynamoSendRepository
    from chalicelib.storage.suppressions import DynamoSuppressionRepository
    from chalicelib.storage.table import DynamoTable
    from tests.builders import make_repositories, survey_definition

    database, backend, mock = None, "moto", None
    if shutil.which("java"):
        from devtools.dynamodb_local import DynamoDBLocal
        database = DynamoDBLocal(work / "dynamodb", log_file=work / "dynamodb.log").start()
        endpoint, backend = database.endpoint, "DynamoDB Local"
    else:
        from moto import mock_aws
        mock = mock_aws()
        mock.start()
        endpoint = None
    try:
        table = DynamoTable(boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint), "bench")
        table.ensure_exists()
        repos = make_repositories(table)
        publish_survey(repos, survey_definition(), NOW)
        repos.partners.put_many(partners(count), iso(NOW))
        open_wave(repos, "px-test", "bench", (NOW + timedelta(days=30)).date().isoformat(), NOW)
        d = distribution(repos, DynamoSendRepository(table), DynamoSuppressionRepository(table), work / "full")
        start = time.perf_counter()
        report = send_invitations(d, "bench", NOW)
        elapsed = time.perf_counter() - start
        assert len(report.sent) == count, report.summary()
        return elapsed, backend
    finally:
        if database:
            database.stop()
        if mock:
            mock.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--full", type=int, default=2_000, help="contacts for the end-to-end run (0 to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        baseline, atomic, mail_only, in_memory, size = bench_mail_only(args.count, work)
        fastest = min(baseline, atomic)  # the ratio is taken against the faster way of writing the bytes
        print(f"messages: {args.count}, average size {size} bytes, single process")
        print(f"baseline (write the same bytes):      {baseline:7.2f} s  ({args.count / baseline:8.0f} msg/s)")
        print(f"same bytes, temp file + rename:       {atomic:7.2f} s  ({args.count / atomic:8.0f} msg/s)"
              f"  ratio {atomic / baseline:.1f}x plain")
        print(f"render + build + outbox write:        {mail_only:7.2f} s  ({args.count / mail_only:8.0f} msg/s)"
              f"  ratio {mail_only / fastest:.1f}x the faster write (target <= 5x)")
        print(f"render + build only, no write:        {in_memory:7.2f} s  ({args.count / in_memory:8.0f} msg/s)")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.full:
            full, backend = bench_full(args.full, work)
            per_10k = full / args.full * 10_000
            print(f"send_invitations end to end, {backend}, {args.full} contacts: {full:7.2f} s"
                  f"  ({args.full / full:.0f} msg/s; ~{per_10k:.0f} s per 10,000)"
                  f"  ratio {per_10k / (fastest / args.count * 10_000):.0f}x the faster write")


if __name__ == "__main__":
    main()
