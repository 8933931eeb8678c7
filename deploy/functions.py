"""One entry per Lambda function: memory, timeout, the template values it receives, its IAM grants.

Adding a function (a schedule or event handler in app.py) is one ``FunctionSpec`` here, then
``python -m deploy sync`` (writes ``.chalice/policies/<name>.json`` and the ``lambda_functions``
entries of the ``dev`` and ``prod`` stages). ``tests/deploy`` fails while an app function has no
entry, or while the generated files differ from this table. An entry whose function is not (yet)
in app.py is harmless: Chalice ignores its settings and the template skips it.

``name`` is Chalice's function name: ``api_handler`` for the REST API, otherwise the decorated
Python function's name. ``env`` picks from ``deploy.template.ENVIRONMENT`` (resource references
that reach the function as environment variables; nothing is hard-coded).
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.storage.schema import GSI1, GSI2

from . import grants, names
from .grants import Grant
from .names import API_HANDLER


@dataclass(frozen=True)
class FunctionSpec:
    """How one function is deployed and what it may touch."""

    name: str
    memory_mb: int
    timeout_s: int
    env: tuple[str, ...]
    grants: tuple[Grant, ...]
    purpose: str = ""

    @property
    def policy_file(self) -> str:
        """Path of the generated policy, relative to ``.chalice/`` (Chalice's convention)."""
        return f"policies/{self.name}.json"


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        API_HANDLER, memory_mb=512, timeout_s=15,
        env=("PULSE_TABLE", "PULSE_TOKEN_SECRET_ARN", "PULSE_PUBLIC_BASE_URL", "PULSE_MAIL_FROM",
             "PULSE_USER_POOL_ID", "PULSE_USER_POOL_CLIENT_ID", "PULSE_COGNITO_DOMAIN", "PULSE_REFRESH_FUNCTION",
             "PULSE_EVENT_SECRETS_ARN"),
        grants=(grants.read_items(), grants.batch_read_items(), grants.query(GSI1, GSI2), grants.write_items(),
                grants.invoke_function(names.function_id("refresh_wave")), grants.read_signing_key(),
                grants.send_mail(), grants.read_send_quota(), grants.read_event_secrets()),
        purpose="REST API: health check (GetItem META/HEALTH), invitation + response "
                "(BatchGetItem, TransactWriteItems = Put/Update/ConditionCheck), opt-out/opened marks "
                "(Put/Update), staff reads (Query), refresh requests (Put status + async Invoke of "
                "refresh_wave), sign-out revocations (Put), the CSRF key (the signing key); reassigning a "
                "follow-up mails the new assignee (GetSendQuota, SendRawEmail) and records the notice (Update); "
                "signed program events (the sources' keys from Secrets Manager; one TransactWriteItems of Puts)",
    ),
    FunctionSpec(
        "send_due_reminders", memory_mb=512, timeout_s=900,
        env=("PULSE_TABLE", "PULSE_TOKEN_SECRET_ARN", "PULSE_PUBLIC_BASE_URL", "PULSE_MAIL_FROM",
             "PULSE_REMINDER_SURVEYS", "PULSE_REMINDER_SPACING_DAYS", "PULSE_REMINDER_MAX"),
        grants=(grants.read_items(), grants.query(GSI1), grants.write_items("dynamodb:PutItem", "dynamodb:UpdateItem"),
                grants.send_mail(), grants.read_send_quota(), grants.read_signing_key()),
        purpose="hourly reminder tick (mail branch): reads waves/invitations/sends (GSI1), claims and marks "
                "sends (conditional Put/Update), sends raw MIME mail with SES paced by GetSendQuota; "
                "runs up to 15 min, exactly-once claims let the next tick continue",
    ),
    FunctionSpec(
        "leadership_report", memory_mb=1536, timeout_s=300,
        env=("PULSE_TABLE", "PULSE_REPORT_BUCKET", "PULSE_MAIL_FROM", "PULSE_REPORT_SURVEYS",
             "PULSE_REPORT_RECIPIENTS", "PULSE_ANALYTICS_BUCKET", "PULSE_TOKEN_SECRET_ARN", "PULSE_REPORT_TRANSLATE"),
        grants=(grants.read_items(), grants.query(GSI1, GSI2),
                grants.write_items("dynamodb:PutItem", "dynamodb:UpdateItem"), grants.write_objects("reports"),
                grants.send_mail(), grants.batch_write_items(),
                grants.write_objects("analytics"), grants.read_signing_key(), grants.translate_text()),
        purpose="weekly/final leadership summary: reads the wave's results snapshot and follow-up counts (GSI2), "
                "claims the period with a conditional Update of REPORT#<period>, writes the archive under "
                "reports/ (manifest last; never read back), sends one raw MIME e-mail with SES; a wave without a "
                "usable snapshot gets one first through refresh_wave's code (Put chunks, BatchWrite, analytics "
                "export salted with the signing key); quotes in other languages are translated with Amazon "
                "Translate when the ReportTranslate parameter is 'amazon' (TranslateText)",
    ),
    # The three functions that rebuild a wave's snapshot (and score its comments) have 2048 MB: the first
    # refresh of a 100,000-response wave peaks at 1,540 MiB, and issue 26's sentence encoder adds ~70 MiB
    # (~120 MiB with the encoder before) when a model uses it (benchmarks/bench_encoder_memory.py,
    # bench_refresh_memory.py; docs/deploy.md section 20).
    FunctionSpec(
        "refresh_results", memory_mb=2048, timeout_s=900,
        env=("PULSE_TABLE", "PULSE_RESULTS_SURVEYS", "PULSE_REMINDER_SURVEYS", "PULSE_ANALYTICS_BUCKET",
             "PULSE_TOKEN_SECRET_ARN", "PULSE_PUBLIC_BASE_URL", "PULSE_MAIL_FROM"),
        grants=(grants.read_items(), grants.query(GSI1, GSI2),
                grants.write_items("dynamodb:PutItem", "dynamodb:UpdateItem"), grants.batch_write_items(),
                grants.write_objects("analytics"), grants.read_signing_key(),
                grants.send_mail(), grants.read_send_quota()),
        purpose="hourly results snapshot: reads responses/invitations/partners (GSI1), writes snapshot chunks and "
                "switches the current pointer (Put), deletes the previous version's chunks "
                "(BatchWriteItem), creates follow-ups with conditional Puts, writes the wave's de-identified "
                "tidy responses under analytics/ (the hash salt is the signing key); then the follow-ups' SLA "
                "reminders (GetSendQuota, SendRawEmail, reminded_at Put, notice status Update)",
    ),
    FunctionSpec(
        "refresh_wave", memory_mb=2048, timeout_s=900,
        env=("PULSE_TABLE", "PULSE_ANALYTICS_BUCKET", "PULSE_TOKEN_SECRET_ARN"),
        grants=(grants.read_items(), grants.query(GSI1, GSI2),
                grants.write_items("dynamodb:PutItem"), grants.batch_write_items(),
                grants.write_objects("analytics"), grants.read_signing_key()),
        purpose="one wave's snapshot refresh requested by an admin (async Invoke from the API): the same "
                "snapshot writes as refresh_results plus its REFRESH#STATUS item (Put); no mail",
    ),
    FunctionSpec(  # issue 24: alerts on a schedule
        "alerts_check", memory_mb=1024, timeout_s=300,
        env=("PULSE_TABLE", "PULSE_MAIL_FROM", "PULSE_PUBLIC_BASE_URL", "PULSE_ALERT_RULES"),
        grants=(grants.read_items(), grants.query(), grants.write_items("dynamodb:PutItem"),
                grants.send_mail(), grants.read_send_quota()),
        purpose="the alert rules (AlertRules parameter) against the results snapshots rebuilt in the last 14 "
                "days (Query, GetItem); each message is claimed first with a conditional Put of ALERT#<key> "
                "(once per rule, wave, recipient and week), then sent as raw MIME mail with SES",
    ),
    FunctionSpec(  # issue 24: saved views shared weekly or monthly
        "share_views", memory_mb=512, timeout_s=300,
        env=("PULSE_TABLE", "PULSE_MAIL_FROM", "PULSE_PUBLIC_BASE_URL"),
        grants=(grants.read_items(), grants.query(), grants.write_items("dynamodb:UpdateItem"),
                grants.send_mail(), grants.read_send_quota()),
        purpose="daily: the active view shares (Query VIEWSHARES), each claimed for its week or month with a "
                "conditional Update, the recipient's last sign-in profile (GetItem), the view's headline "
                "figures with the recipient's scope (snapshot Query/GetItem), raw MIME mail with SES to the "
                "recipient or, when they may not see the view, to the sharer; the outcome on the share (Update)",
    ),
    FunctionSpec(
        "ses_feedback", memory_mb=256, timeout_s=60,
        env=("PULSE_TABLE",),
        grants=(grants.batch_write_items(),),
        purpose="SES bounce/complaint events from SNS: suppresses the addresses (BatchWriteItem of hashes)",
    ),
    FunctionSpec(  # issue 16: live results from the table's stream (the deploy side maps the event source)
        "results_stream", memory_mb=2048, timeout_s=900,
        env=("PULSE_TABLE", "PULSE_PUBLIC_BASE_URL", "PULSE_MAIL_FROM", "PULSE_ANALYTICS_BUCKET",
             "PULSE_TOKEN_SECRET_ARN"),
        grants=(grants.read_items(), grants.query(GSI1, GSI2),
                grants.write_items("dynamodb:PutItem", "dynamodb:UpdateItem"), grants.batch_write_items(),
                grants.read_stream(), grants.send_mail(), grants.read_send_quota(),
                grants.write_objects("analytics"), grants.read_signing_key()),
        purpose="live results: reads the table's stream (changed responses), creates their follow-ups "
                "(conditional Puts), mails the assignee (GetSendQuota, SendRawEmail) and records the notice "
                "(Update), marks the wave changed, rebuilds due snapshots like refresh_results (Put, "
                "BatchWrite) and exports them for Athena; a batch it gives up on goes to the failure queue",
    ),
)


FUNCTIONS += (
    FunctionSpec(  # issue 27: transactional pulses every 15 minutes
        "send_due_pulses", memory_mb=1536, timeout_s=900,
        env=("PULSE_TABLE", "PULSE_TOKEN_SECRET_ARN", "PULSE_PUBLIC_BASE_URL", "PULSE_MAIL_FROM"),
        grants=(grants.read_items(), grants.batch_read_items(), grants.query(GSI1, GSI2),
                grants.write_items("dynamodb:PutItem", "dynamodb:UpdateItem"), grants.send_mail(),
                grants.read_send_quota(), grants.read_signing_key()),
        purpose="due pulses from the due-day index (Query GSI2), fatigue facts (GetItem, BatchGetItem of "
                "send/opt-out records, Query of the partner's pulses), conditional ledger/pulse Updates, the "
                "month's survey/wave/invitation (Put), one raw MIME e-mail per pulse (GetSendQuota, SendRawEmail); "
                "hourly rebuild of the transactional results (Query GSI1, Put)",
    ),
    FunctionSpec(  # issue 27: program events from an EventBridge bus (the same code as POST /api/v1/events)
        "program_events", memory_mb=256, timeout_s=30,
        env=("PULSE_TABLE",),
        grants=(grants.query(), grants.write_items("dynamodb:PutItem")),
        purpose="an EventBridge event: reads the program in use (Query), stores the event and its pending "
                "pulse once (TransactWriteItems of conditional Puts)",
    ),
)


def by_name() -> dict[str, FunctionSpec]:
    """The specs keyed by Chalice function name."""
    return {spec.name: spec for spec in FUNCTIONS}


ASYNC_FUNCTIONS = ("send_due_reminders", "leadership_report", "refresh_results", "refresh_wave", "ses_feedback",
                   "send_due_pulses", "program_events", "alerts_check", "share_views")
STREAM_FUNCTIONS = ("results_stream",)  # DynamoDB stream event source, on-failure destination = failure queue
FAILURE_QUEUE_USERS = ASYNC_FUNCTIONS + STREAM_FUNCTIONS


def common_grants(spec: FunctionSpec) -> tuple[Grant, ...]:
    """What every function gets: its log group, X-Ray, and (async ones and the stream's event source
    mapping, whose on-failure destination it is) the failure queue."""
    found = (grants.write_logs(names.log_group_id(spec.name)), grants.trace())
    return found + ((grants.send_failures(),) if spec.name in FAILURE_QUEUE_USERS else ())


def policy_document(spec: FunctionSpec) -> dict:
    """The hand-written least-privilege policy of one function (CloudFormation expressions inside)."""
    statements = [g.statement() for g in (*spec.grants, *common_grants(spec))]
    return {"Version": "2012-10-17", "Statement": statements}
