"""Every function's real code paths run as a role that holds exactly its packaged policy.

Each function's policy is read from the packaged template (``sam.json``, its role's
``Policies``), its CloudFormation expressions resolved to this test's names; every boto3 call the
code makes is checked by ``tests.deploy.iam_evaluator`` with AWS's authorisation rules (per-item
actions of TransactWriteItems, index ARNs, SES identities with ``ses:FromAddress``). Every API
route is called with an API Gateway proxy event through ``app.app``; every scheduled handler and
the asynchronous ``refresh_wave`` function run through their handlers. Any denial fails.

Slow: needs the packaged template (built once per session, see conftest.py).
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest

from deploy import names
from tests.builders import NOW, TEST_SECRET, VALID_ANSWERS, make_partner, token_of
from tests.deploy.apigw import LambdaContext, proxy_event
from tests.deploy.iam_evaluator import ACCOUNT, REGION, Evaluator, Resolver, World

SENDER = "survey@example.com"
TABLE = "pulse-iam-check"
BUCKET = "pulse-iam-check-reports"
REFRESH_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:partner-pulse-dev-refresh_wave"
FUNCTION_TYPES = {"AWS::Serverless::Function", "AWS::Lambda::Function"}
ALERT_RULES = [{"id": "all_nps", "kind": "nps_drop", "points": 1, "subscribers": ["lead@vendor.example"]}]


def role_policies(template: dict) -> dict[str, dict]:
    """Chalice function name -> the policy document its role holds in the packaged template."""
    from deploy.functions import by_name

    resources = template["Resources"]
    found = {}
    for name in by_name():
        function = resources.get(names.function_id(name))
        if function is None:
            continue
        role = resources[function["Properties"]["Role"]["Fn::GetAtt"][0]]
        documents = [p["PolicyDocument"] for p in role["Properties"]["Policies"]]
        assert len(documents) == 1, name
        found[name] = documents[0]
    return found


def _resolver(template: dict, secret_arn: str, event_secret_arn: str = "") -> Resolver:
    table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}"
    arns = {"PulseTable": table_arn, "PulseTable.StreamArn": f"{table_arn}/stream/2026-01-01T00:00:00.000",
            "TokenSecret": secret_arn, **({"EventSourceSecrets": event_secret_arn} if event_secret_arn else {}),
            "ReportBucket": f"arn:aws:s3:::{BUCKET}",
            names.function_id("refresh_wave"): REFRESH_ARN}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Logs::LogGroup":
            arns[logical_id] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{logical_id}:*"
        if resource["Type"] == "AWS::SQS::Queue":
            arns[logical_id] = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{logical_id}"
        if resource["Type"] == "AWS::SecretsManager::Secret":
            arns.setdefault(logical_id, f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{logical_id}-AbCdEf")
    refs = {"PulseTable": TABLE, "ReportBucket": BUCKET, "SenderEmail": SENDER, "SenderName": "Partner Pulse"}
    for logical_id, arn in arns.items():
        refs.setdefault(logical_id, arn)
    return Resolver(refs, arns)


@pytest.fixture(scope="module")
def policies(dev_template, stack) -> dict[str, list[dict]]:
    resolver = _resolver(dev_template, stack["secret_arn"], stack["event_secret_arn"])
    return {name: resolver.policy(document) for name, document in role_policies(dev_template).items()}


@pytest.fixture(scope="module")
def stack(monkeypatch_module):
    """A moto account with the table, bucket and sender identity; the app configured as on AWS."""
    from moto import mock_aws

    from chalicelib import wiring
    from chalicelib.services import results
    from chalicelib.storage.table import DynamoTable

    with mock_aws():
        import boto3

        from chalicelib.storage.schema import table_definition

        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(**table_definition(TABLE))
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
        secret_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="TokenSecret-iam", SecretString=TEST_SECRET)["ARN"]
        from tests.pulses.builders import EVENT_SECRETS

        event_secret_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="EventSourceSecrets-iam", SecretString=EVENT_SECRETS)["ARN"]  # issue 27: signed events
        env = {"PULSE_STAGE": "test", "PULSE_TABLE": TABLE, "PULSE_TOKEN_SECRET_ARN": secret_arn,
               "PULSE_STAFF_TOKEN_SECRET": TEST_SECRET,  # test stage: pasted staff tokens (own secret)
               "AWS_DEFAULT_REGION": REGION, "PULSE_MAIL_TRANSPORT": "ses",
               "PULSE_MAIL_FROM": f"Partner Pulse <{SENDER}>", "PULSE_REPORT_BUCKET": BUCKET,
               # explicit: a CLI test earlier in the run applies the local stage's sender to os.environ
               "PULSE_REPORT_SENDER": f"Partner Pulse <{SENDER}>",
               "PULSE_ANALYTICS_BUCKET": BUCKET,
               "PULSE_REPORT_SURVEYS": "px-test", "PULSE_REPORT_RECIPIENTS": "lead@vendor.example",
               "PULSE_REMINDER_SURVEYS": "px-test", "PULSE_REMINDER_SPACING_DAYS": "0",
               "PULSE_REFRESH_FUNCTION": REFRESH_ARN, "PULSE_PUBLIC_BASE_URL": "https://pulse.example/api",
               "PULSE_REPORT_THRESHOLD": "1", "PULSE_REPORT_COMMENT_THRESHOLD": "1",
               "PULSE_SUPPRESS_MIN_SCORES": "1", "PULSE_SUPPRESS_MIN_COMMENTS": "1",
               # the mail paths: follow-ups are due within a day (SLA reminders of the hourly job), and the
               # stream's live update rebuilds at once (its full-rebuild and export path)
               "PULSE_FOLLOWUP_SLA_DAYS": "1", "PULSE_LIVE_REBUILD_SECONDS": "0",
               "PULSE_EVENT_SECRETS_ARN": event_secret_arn,
               # issue 24: the report translates quotes in other languages; the scheduled alert check's rules
               "PULSE_REPORT_TRANSLATE": "amazon", "PULSE_ALERT_RULES": json.dumps(ALERT_RULES)}
        for key, value in env.items():
            monkeypatch_module.setenv(key, value)
        monkeypatch_module.delenv("PULSE_DYNAMODB_ENDPOINT", raising=False)
        monkeypatch_module.delenv("PULSE_TOKEN_SECRET", raising=False)  # read from Secrets Manager instead
        monkeypatch_module.delenv("PULSE_BASE_PATH", raising=False)
        monkeypatch_module.delenv("PULSE_EVENT_SECRETS", raising=False)  # read from Secrets Manager instead
        wiring.reset()
        results.clear_cache()
        yield {"table": DynamoTable(client, TABLE), "secret_arn": secret_arn, "event_secret_arn": event_secret_arn}
        wiring.reset()
        results.clear_cache()


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def _call(app_module, method, path, evaluator, headers=None, body=None):
    event = proxy_event(app_module.app, method, path, headers=headers, body=body)
    with evaluator.as_function("api_handler"):
        response = app_module.app(event, LambdaContext())
    return response


def _run_everything(evaluator: Evaluator, table) -> dict:
    """Every route and every handler, in an order that gives each one real data to work on."""
    import app as app_module
    from chalicelib import wiring
    from chalicelib.jobs import reminders as reminder_jobs
    from chalicelib.jobs import snapshot_refresh
    from chalicelib.security.staff import StaffTokens
    from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens
    from chalicelib.services.distribution import send_invitations
    from tests.builders import given_open_wave
    from tests.review.conftest import identified_definition

    # the operator's part (the CLI with their own credentials, not a function): survey, partners, wave, invitations
    partners = [make_partner(f"P{i:03d}") for i in range(6)] + [make_partner("Q001", tier="principal")]
    # identified with consent: the follow-up routes need follow-ups, which need a consenting detractor
    repos, links = given_open_wave(table, wiring.invitation_tokens(), partners, wave_id="w-iam",
                                   now=NOW - timedelta(days=2), definition=identified_definition())
    send_invitations(wiring.distribution(), "w-iam", NOW - timedelta(days=1))
    # issue 27: the program declares event types; a partner joins after the wave's invitations went out
    from chalicelib.services.program import apply_program
    from tests.pulses.builders import event_body, program_definition

    apply_program(repos, program_definition(), NOW - timedelta(days=3))
    repos.partners.put_many([make_partner("Z001", contacts=2)], "2026-01-01T00:00:00Z")
    wiring.reset()  # every function starts like a fresh execution environment
    statuses: dict[str, int] = {}
    staff = StaffTokens(TEST_SECRET)
    bearer = {"authorization": "Bearer " + staff.issue("admin@vendor.example", "admin")}
    cookie = {"cookie": "pulse_staff=" + staff.issue("admin@vendor.example", "admin")}
    json_headers = {**bearer, "content-type": "application/json", "accept": "application/json"}
    form_headers = {"content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"}

    def hit(key, method, path, headers=None, body=None):
        response = _call(app_module, method, path, evaluator, headers, body)
        statuses[key] = response["statusCode"]
        return response

    token = token_of(links[0])
    hit("GET /healthz", "GET", "/healthz")
    # issue 27: a signed program event (the sources' keys from Secrets Manager), then one from the bus
    from tests.pulses.builders import signed_headers

    raw = json.dumps(event_body("evt-iam-1", NOW - timedelta(days=3), partner_id="Z001",
                                contact={"email": "c0.Z001@partner.example"})).encode()
    hit("POST events", "POST", "/api/v1/events", signed_headers(raw, datetime.now(UTC)), raw.decode())
    wiring.reset()
    with evaluator.as_function("program_events"):
        bus = app_module.program_events({
            "version": "0", "id": "bus-1", "detail-type": "partner-pulse.event", "source": "prm",
            "account": ACCOUNT, "time": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": REGION, "resources": [],
            "detail": event_body("evt-iam-2", NOW - timedelta(days=3), partner_id="Z001",
                                 contact={"email": "c1.Z001@partner.example"})}, LambdaContext("program_events"))
    hit("GET invitation", "GET", f"/api/v1/invitations/{token}")
    hit("POST opened", "POST", f"/api/v1/invitations/{token}/opened", {"content-type": "text/plain"}, "")
    for i, link in enumerate(links[:5]):  # the JSON API's submit: a TransactWriteItems
        answers = {**VALID_ANSWERS, "q_contact": "yes", "q_nps": i * 2, "q_comment": ["slow payouts", "great portal",
                                                                  "bad support", "ok", "me encanta el portal"][i]}
        language = "es" if i == 4 else "en"  # a quote in another language: the report translates it
        hit("PUT response", "PUT", f"/api/v1/invitations/{token_of(link)}/response",
            {"content-type": "application/json"}, json.dumps({"answers": answers, "language": language,
                                                               "final": True}))
    # the stream trigger on a wave without a snapshot yet: follow-ups now (and their notices), then the
    # first full build (batch writes, the Athena export salted with the signing key), under its own role
    wiring.reset()
    with evaluator.as_function("results_stream"):
        first_live = app_module.results_stream(_stream_event(table, [token_of(link) for link in links[:5]], links),
                                               LambdaContext("results_stream"))
    form_token = token_of(links[5])
    hit("GET form", "GET", f"/s/{form_token}")
    hit("HEAD form", "HEAD", f"/s/{form_token}")
    hit("POST form", "POST", f"/s/{form_token}", form_headers,
        urlencode({"q_nps": "3", "q_comment": "portal is slow", "q_portal": "2", "_lang": "en",
                   "_action": "submit"}))
    hit("GET thanks", "GET", f"/s/{form_token}/thanks")
    hit("HEAD thanks", "HEAD", f"/s/{form_token}/thanks")
    hit("GET static", "GET", "/static/form.css")
    hit("HEAD static", "HEAD", "/static/form.css")
    last = links[6].invitation
    unsubscribe = UnsubscribeTokens(TEST_SECRET).issue(last.invitation_id, last.wave_id)
    hit("GET unsubscribe", "GET", f"/u/{unsubscribe}")

    # issue 22: an overdue action plan, so the reminder tick mails its owner under its own role
    wiring.plan_stores().actions.add({
        "action_id": "act-iam0000001", "title": "Faster payouts", "owner": "lead@vendor.example",
        "due": "2020-01-31", "status": "approved", "finding": {"kind": "driver", "wave_id": "w-iam", "ref": "q_portal"},
        "finding_key": "driver:w-iam:q_portal", "metrics": ["nps:q_nps"], "segments": {}, "direction": "up",
        "notes": [], "history": [], "version": 1})
    # the hourly jobs, as their own roles: reminders (SES), results (first snapshot of the wave)
    wiring.reset()
    with evaluator.as_function("send_due_reminders"):
        reminders = reminder_jobs.send_due_reminders(_scheduled_event(), LambdaContext("send_due_reminders"))
    wiring.reset()
    with evaluator.as_function("refresh_results"):
        refreshed = app_module.refresh_results(_scheduled_event(), LambdaContext("refresh_results"))
    hit("POST unsubscribe", "POST", f"/u/{unsubscribe}", {"content-type": "application/x-www-form-urlencoded"},
        "confirm=yes")

    wiring.reset()  # the API's own execution environment (nothing cached from the jobs above)
    base = "/api/v1/staff/waves/w-iam"
    hit("GET me", "GET", "/api/v1/staff/me", bearer)
    hit("GET waves", "GET", "/api/v1/staff/waves", bearer)
    for part in ("scorecard", "trend", "drivers", "response-rate", "themes", "comments", "followups"):
        hit(f"GET {part}", "GET", f"{base}/{part}", bearer)
    comments = json.loads(hit("GET comments", "GET", f"{base}/comments", bearer)["body"])["items"]
    comment_id = comments[0]["id"]
    hit("PUT correction", "PUT", f"{base}/comments/{quote(comment_id, safe='')}/correction", json_headers,
        json.dumps({"label": "negative", "themes": []}))
    # issue 24: bulk relabel (preview, one all-or-nothing transaction, undo)
    relabel = {"comment_ids": [c["id"] for c in comments[:2]], "label": "neutral"}
    plan = json.loads(hit("POST relabel preview", "POST", f"{base}/relabels/preview", json_headers,
                          json.dumps(relabel))["body"])
    batch = json.loads(hit("POST relabel", "POST", f"{base}/relabels", json_headers,
                           json.dumps({**relabel, "confirm_count": plan["changes"]}))["body"])
    hit("POST relabel undo", "POST", batch["undo_url"], json_headers, "{}")
    followups = json.loads(hit("GET followups", "GET", f"{base}/followups", bearer)["body"])["items"]
    assert followups, "the consenting detractors must have follow-ups to work"
    hit("PATCH followup", "PATCH", f"{base}/followups/{followups[0]['invitation_id']}", json_headers,
        json.dumps({"status": "in_progress", "note": "called", "assignee": "lead@vendor.example"}))
    for kind in ("responses", "scorecard", "corrections"):
        hit(f"GET export {kind}", "GET", f"{base}/exports/{kind}?format=xlsx",
            {**bearer, "accept": "text/html,*/*;q=0.8"})
    # issue 22: action plans and program changes
    action = {"title": "Fix the portal", "owner": "lead@vendor.example", "due": "2026-06-30",
              "finding": {"kind": "driver", "wave_id": "w-iam", "ref": "q_portal"}, "segments": {"tiers": ["advanced"]}}
    created = json.loads(hit("POST action", "POST", "/api/v1/staff/actions", json_headers, json.dumps(action))["body"])
    hit("GET actions", "GET", "/api/v1/staff/actions?format=csv", bearer)
    hit("GET action", "GET", f"/api/v1/staff/actions/{created['action_id']}", bearer)
    hit("PATCH action", "PATCH", f"/api/v1/staff/actions/{created['action_id']}", json_headers,
        json.dumps({"status": "approved"}))
    done = json.loads(hit("POST action 2", "POST", "/api/v1/staff/actions", json_headers, json.dumps(action))["body"])
    for status in ("approved", "in_progress", "done"):  # then "you said, we did": preview and the one send (SES)
        hit(f"PATCH action {status}", "PATCH", f"/api/v1/staff/actions/{done['action_id']}", json_headers,
            json.dumps({"status": status}))
    hit("POST tell preview", "POST", f"/api/v1/staff/actions/{done['action_id']}/tell", json_headers,
        json.dumps({"what": "The portal was rebuilt."}))
    told = hit("POST tell", "POST", f"/api/v1/staff/actions/{done['action_id']}/tell", json_headers,
               json.dumps({"what": "The portal was rebuilt.", "confirm": True}))
    # the advanced segment by SES under the API role: one contact of each of the six invited partners and the
    # two of Z001 (issue 27's partner, in the directory but not invited)
    assert json.loads(told["body"])["sent"] == 8
    for status in ("in_progress", "done"):  # the overdue action, told from the dashboard's button below
        hit(f"PATCH overdue {status}", "PATCH", "/api/v1/staff/actions/act-iam0000001", json_headers,
            json.dumps({"status": status}))
    change = {"id": "iam-change", "description": "portal rebuilt", "effective": "2026-02-01", "metrics": ["nps:q_nps"]}
    hit("POST change", "POST", "/api/v1/staff/changes", json_headers, json.dumps(change))
    hit("GET changes", "GET", "/api/v1/staff/changes", bearer)
    hit("GET change", "GET", "/api/v1/staff/changes/iam-change", bearer)
    accepted = hit("POST snapshot", "POST", f"{base}/snapshot", bearer)
    # the asynchronous invoke the API made, delivered to refresh_wave under its own role
    for invocation in evaluator.invocations:
        assert invocation["type"] == "Event" and invocation["function"] == REFRESH_ARN
        wiring.reset()
        with evaluator.as_function("refresh_wave"):
            app_module.refresh_wave(invocation["payload"], LambdaContext("refresh_wave"))
    # the stream trigger's live update of that snapshot (state, buckets, conditional flip), under its own role
    # a changed response whose follow-up does not exist yet: the stream creates it and mails the assignee
    submitted = next(r for r in repos.responses.for_wave("w-iam") if r.invitation_id == followups[1]["invitation_id"])
    table.client.delete_item(TableName=table.name, Key={
        "PK": {"S": f"FOLLOWUP#w-iam#{submitted.invitation_id}"}, "SK": {"S": "FOLLOWUP"}})
    wiring.reset()
    with evaluator.as_function("results_stream"):
        live = app_module.results_stream({"Records": [_stream_record(table, submitted.invitation_id)]},
                                         LambdaContext("results_stream"))
    status_path = json.loads(accepted["body"])["status_url"].removeprefix("/api")
    status = json.loads(hit("GET snapshot status", "GET", status_path, bearer)["body"])

    # the dashboard (cookie sign-in) and its forms
    hit("GET login", "GET", "/staff/login")
    from chalicelib.web.csrf import token_for

    session = cookie["cookie"].removeprefix("pulse_staff=")
    signed_in = {"cookie": f"pulse_staff={session}; pulse_login=n0nce-iam", **form_headers}
    hit("POST login", "POST", "/staff/login", {**form_headers, "cookie": "pulse_login=n0nce-iam"},
        urlencode({"token": staff.issue("admin@vendor.example", "admin"), "next": "/staff",
                   "csrf": token_for("login", "n0nce-iam")}))
    hit("GET css", "GET", "/staff/assets/dashboard.css")
    for path in ("/staff?wave=w-iam", "/staff/comments?wave=w-iam", "/staff/followups?wave=w-iam"):
        hit(f"GET {path}", "GET", path, cookie)
    hit("GET dashboard export", "GET", "/staff/exports/responses?wave=w-iam&format=csv", cookie)
    for path in ("/staff/actions", f"/staff/actions/{created['action_id']}", "/staff/actions/new?kind=driver",
                 "/staff/changes", "/staff/changes/iam-change"):  # issue 22 pages
        hit(f"GET {path}", "GET", path, cookie)
    csrf = token_for("session", session)
    hit("POST correct", "POST", "/staff/comments/correct", signed_in,
        urlencode({"wave": "w-iam", "comment_id": comment_id, "label": "neutral", "back": "", "csrf": csrf}))
    hit("POST followup update", "POST", "/staff/followups/update", signed_in,
        urlencode({"wave": "w-iam", "invitation_id": followups[0]["invitation_id"], "status": "closed",
                   "closing_reason": "resolved", "note": "done", "assignee": "other@vendor.example",
                   "csrf": csrf}))
    hit("POST action page", "POST", f"/staff/actions/{created['action_id']}/update", signed_in,
        urlencode({"status": "in_progress", "note": "started", "csrf": csrf}))
    hit("POST tell page", "POST", "/staff/actions/act-iam0000001/tell", signed_in,
        urlencode({"what": "Payouts are faster.", "confirm": "send", "csrf": csrf}))
    hit("POST change page", "POST", "/staff/changes", signed_in,
        urlencode({"id": "iam-change-2", "description": "tiers redrawn", "effective": "2026-01-01", "csrf": csrf}))
    # issue 24: a saved view shared weekly with a colleague who signed in (admin) and one who never did
    hit("POST save view", "POST", "/staff/views", signed_in,
        urlencode({"name": "Program", "path": "/staff?wave=w-iam", "csrf": csrf}))
    hit("POST share view", "POST", "/staff/views/share", signed_in,
        urlencode({"name": "Program", "recipients": "admin@vendor.example, nobody@vendor.example",
                   "cadence": "weekly", "csrf": csrf}))
    hit("POST logout", "POST", "/staff/logout", signed_in, urlencode({"csrf": csrf}))

    # the operator closes the wave: the final report must first rebuild the snapshot (refresh_wave's code)
    repos.waves.close("w-iam", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    # issue 27: with no relationship wave open, the two pulses go out (SES) and the results are built
    wiring.reset()
    with evaluator.as_function("send_due_pulses"):
        pulses = app_module.send_due_pulses(_scheduled_event(), LambdaContext("send_due_pulses"))
        # the next build's release held back (one new response in a shown group): UpdateItem, GetItem
        from chalicelib.services.pulse_release import release_pulse_results

        shown = {"threshold": 5, "link": {}, "event_types": [
            {"event_type": "iam", "scorecard": {"overall": {"segment": {}, "respondents": 9}}}]}
        pulses["held"] = release_pulse_results(wiring.pulse_store(), shown, {"iam-1": {"version": 1,
                                                                                    "event_type": "iam"}},
                                               datetime.now(UTC))["held"]
    wiring.reset()
    fresh = {"cookie": "pulse_staff=" + staff.issue("admin@vendor.example", "admin")}  # the first signed out
    hit("GET /staff/moments", "GET", "/staff/moments", fresh)
    hit("GET pulses", "GET", "/api/v1/staff/pulses", bearer)
    wiring.reset()
    with evaluator.as_function("leadership_report"):
        report = app_module.leadership_report(_scheduled_event(), LambdaContext("leadership_report"))
    # issue 24: the scheduled alert check under its own role (reads the snapshots, finds no second wave), then
    # a finding's claim and SES send (a drop needs two waves; the walk has one): the same calls as a real one
    wiring.reset()
    with evaluator.as_function("alerts_check"):
        alerts = {"scheduled": app_module.alerts_check(_scheduled_event(), LambdaContext("alerts_check"))}
        alerts["sent"], alerts["again"] = _alert_finding(), _alert_finding()
    wiring.reset()
    with evaluator.as_function("share_views"):
        shared = app_module.share_views(_scheduled_event(), LambdaContext("share_views"))
    # SES feedback through SNS: a permanent bounce and a complaint suppress their addresses
    wiring.reset()
    with evaluator.as_function("ses_feedback"):
        feedback = app_module.ses_feedback(_sns_event(
            {"eventType": "Bounce", "bounce": {"bounceType": "Permanent",
                                               "bouncedRecipients": [{"emailAddress": "gone@partner.example"}]}},
            {"notificationType": "Complaint",
             "complaint": {"complainedRecipients": [{"emailAddress": "angry@partner.example"}]}},
            {"eventType": "Bounce", "bounce": {"bounceType": "Transient",
                                               "bouncedRecipients": [{"emailAddress": "full@partner.example"}]}}),
            LambdaContext("ses_feedback"))
    snapshot_refresh.wait_for_local_refreshes()
    return {"statuses": statuses, "feedback": feedback, "reminders": reminders, "first_live": first_live,
            "refreshed": refreshed, "report": report, "live": live, "pulses": pulses, "bus": bus,
            "alerts": alerts, "shared": shared,
            "refresh_status": status}


def _alert_finding() -> list[dict]:
    """A significant NPS drop of the whole program, checked and mailed as the alert job does."""
    from chalicelib import wiring
    from chalicelib.services.alerts import check_alerts, parse_rules

    doc = {"wave": {"id": "w-iam"}, "previous_wave": "w-iam-before",
           "overall": {"vs_previous": {"nps": {"significant": True, "difference": -12.0, "other": 30.0}}}}
    stores, settings, now = wiring.review_stores(), wiring.settings(), datetime.now(UTC)
    return check_alerts(parse_rules(json.dumps(ALERT_RULES)), doc, wiring.mailer(), settings.mail_from,
                        settings.public_base_url, now, claim=lambda key: stores.alert_claims.claim(key, now))


def _all_followups() -> list[dict]:
    from chalicelib import wiring

    return [f for status in ("open", "in_progress", "closed")
            for f in wiring.review_stores().followups.by_status("w-iam", status)]


def _stream_record(table, invitation_id: str) -> dict:
    """The stream record Lambda would deliver for the response of ``invitation_id`` (its current image)."""
    image = table.client.get_item(TableName=table.name, Key={"PK": {"S": f"INVITE#{invitation_id}"},
                                                             "SK": {"S": "RESPONSE"}})["Item"]
    return {"eventID": invitation_id, "eventName": "MODIFY", "eventSource": "aws:dynamodb", "eventVersion": "1.1",
            "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x",
            "dynamodb": {"Keys": {"PK": image["PK"], "SK": image["SK"]}, "NewImage": image,
                         "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def _stream_event(table, tokens: list[str], links) -> dict:
    by_token = {token_of(link): link.invitation.invitation_id for link in links}
    return {"Records": [_stream_record(table, by_token[t]) for t in tokens]}


def _sns_event(*messages: dict) -> dict:
    return {"Records": [{"EventSource": "aws:sns", "Sns": {
        "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:feedback", "Message": json.dumps(m)}} for m in messages]}


def _scheduled_event() -> dict:
    return {"version": "0", "id": "evt-1", "detail-type": "Scheduled Event", "source": "aws.events",
           "account": ACCOUNT, "time": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": REGION,
           "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/probe"], "detail": {}}


@pytest.fixture(scope="module")
def exercised(stack, policies):
    world = World(table=TABLE, bucket=BUCKET, functions={REFRESH_ARN: REFRESH_ARN})
    evaluator = Evaluator(world, policies)
    with evaluator.installed():
        outcome = _run_everything(evaluator, stack["table"])
    return evaluator, outcome


def test_every_route_and_handler_runs_without_a_denial(exercised):
    evaluator, outcome = exercised
    assert evaluator.denials == []
    from app import app

    statuses = outcome["statuses"]
    assert all(code < 500 for code in statuses.values()), statuses
    covered = {key.split(" ")[0] for key in statuses}
    assert covered >= {m for methods in app.routes.values() for m in methods}
    assert statuses["PUT response"] == 201 and statuses["POST form"] == 303 and statuses["POST snapshot"] == 202
    assert statuses["GET export responses"] == 200 and statuses["POST login"] == 303
    # the signed-in forms went through (CSRF token right), not just "no denial"
    assert statuses["POST correct"] == 303 and statuses["POST followup update"] == 303
    assert statuses["POST logout"] == 303 and statuses["PATCH followup"] == 200
    assert outcome["refresh_status"]["state"] == "done"
    assert statuses["POST action"] == 201 and statuses["PATCH action"] == 200 and statuses["POST change"] == 201
    assert statuses["POST action page"] == 303 and statuses["POST change page"] == 303
    assert statuses["POST tell preview"] == 200 and statuses["POST tell"] == 200
    assert statuses["POST tell page"] == 303  # sent from the dashboard (SES under the API's role)
    assert all(statuses[f"GET {p}"] == 200 for p in ("/staff/actions", "/staff/changes", "/staff/changes/iam-change"))
    assert outcome["reminders"]["actions_reminded"] == 1  # the overdue action's owner, by SES under its role
    assert outcome["refreshed"] and outcome["refreshed"][0]["wave_id"] == "w-iam"  # first snapshot by the job
    assert outcome["feedback"] == {"suppressed": 2, "ignored": 1}
    assert statuses["POST relabel preview"] == 200 and statuses["POST relabel"] == 201
    assert statuses["POST relabel undo"] == 200
    assert statuses["POST save view"] == 303 and statuses["POST share view"] == 303
    assert outcome["shared"] == {"sent": 1, "refused": 1}  # the signed-in admin; the sharer told of the other
    assert outcome["alerts"]["scheduled"] == {"sent": 0, "rules": []}  # one wave: nothing to compare with
    assert len(outcome["alerts"]["sent"]) == 1 and outcome["alerts"]["again"] == []  # claimed: once a week
    assert outcome["live"]["updated"] == ["w-iam"]  # the live update ran (no full rebuild) under its role
    assert outcome["first_live"]["rebuilt"] == ["w-iam"]  # a wave without a snapshot: the full build
    assert outcome["live"]["followups_created"] == 1
    assert statuses["POST events"] == 202 and outcome["bus"]["status"] == "accepted"  # issue 27
    assert outcome["pulses"]["sent"] == 2 and outcome["pulses"]["results_rebuilt"], outcome["pulses"]
    assert outcome["pulses"]["held"] == 1
    assert statuses["GET /staff/moments"] == 200 and statuses["GET pulses"] == 200
    notices = {f["invitation_id"]: f for f in _all_followups()}
    assert notices and all(f.get("notice_status") == "sent" for f in notices.values()), notices


def test_the_permission_table(exercised, policies):
    """What each function was granted while running, and that it used what its policy exists for."""
    evaluator, outcome = exercised
    granted = evaluator.granted
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem",
            "dynamodb:BatchGetItem", "dynamodb:Query", "lambda:InvokeFunction"} <= granted["api_handler"]
    assert "dynamodb:BatchWriteItem" not in granted["api_handler"]  # the API never builds a snapshot now
    for refresh in ("refresh_wave", "refresh_results"):
        assert {"dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:Query", "s3:PutObject",
                "secretsmanager:GetSecretValue"} <= granted[refresh]
    for mailing in ("send_due_reminders", "api_handler", "results_stream", "refresh_results"):
        # reminders; follow-up reassignment (PATCH, dashboard form); new follow-ups; SLA reminders
        assert {"ses:SendRawEmail", "ses:GetSendQuota"} <= granted[mailing], mailing
    assert {"s3:PutObject", "ses:SendRawEmail", "translate:TranslateText"} <= granted["leadership_report"], \
        outcome["report"]
    assert {"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "ses:SendRawEmail"} <= granted["alerts_check"]
    assert {"dynamodb:Query", "dynamodb:GetItem", "dynamodb:UpdateItem", "ses:SendRawEmail"} <= granted["share_views"]
    assert {"secretsmanager:GetSecretValue"} <= granted["api_handler"] & granted["send_due_reminders"]
    assert granted["ses_feedback"] == {"dynamodb:BatchWriteItem"}
    assert granted["program_events"] == {"dynamodb:Query", "dynamodb:PutItem"}  # issue 27
    assert {"ses:SendRawEmail", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"} <= granted["send_due_pulses"]
    for function, actions in granted.items():  # nothing outside the policy (the evaluator would have raised)
        allowed_actions = {a for s in policies[function] for a in s["Action"]}
        assert actions <= allowed_actions, function
    print("\n" + "\n".join(f"{f}: {', '.join(sorted(a))}" for f, a in sorted(granted.items())))


# Actions AWS calls with a function's role on the function's behalf, never from its code, so the walk
# cannot see them used. Every other granted action must be called by the code during the walk.
USED_BY_LAMBDA_ITSELF = {
    "logs:CreateLogStream": "the Lambda runtime writes the function's logs",
    "logs:PutLogEvents": "the Lambda runtime writes the function's logs",
    "xray:PutTraceSegments": "active tracing: Lambda sends the trace segments",
    "xray:PutTelemetryRecords": "active tracing: Lambda sends the telemetry",
    "sqs:SendMessage": "Lambda delivers a failed async invocation / given-up stream batch to the failure queue",
    "dynamodb:DescribeStream": "the stream's event source mapping polls with the function's role",
    "dynamodb:GetRecords": "the stream's event source mapping polls with the function's role",
    "dynamodb:GetShardIterator": "the stream's event source mapping polls with the function's role",
    "dynamodb:ListStreams": "the stream's event source mapping polls with the function's role",
}


def unused_grants(policies: dict[str, list[dict]], granted: dict[str, set[str]]) -> dict[str, set[str]]:
    """Per function, the granted actions neither its code used in the walk nor Lambda uses for it."""
    found = {}
    for function, statements in policies.items():
        actions = {a for s in statements for a in s["Action"]}
        unused = actions - granted.get(function, set()) - set(USED_BY_LAMBDA_ITSELF)
        if unused:
            found[function] = unused
    return found


def test_no_function_holds_a_grant_its_code_never_uses(exercised, policies):
    evaluator, _ = exercised
    assert unused_grants(policies, evaluator.granted) == {}


def test_an_unused_grant_fails_the_walk(exercised, policies):
    """The check is not vacuous: a grant added to a function that never uses it is reported."""
    evaluator, _ = exercised
    widened = {**policies, "ses_feedback": [*policies["ses_feedback"], {
        "Sid": "Extra", "Effect": "Allow", "Action": ["dynamodb:DeleteItem"], "Resource": ["*"]}]}
    assert unused_grants(widened, evaluator.granted) == {"ses_feedback": {"dynamodb:DeleteItem"}}


def test_the_evaluator_denies_what_aws_would_deny(policies):
    """Without BatchWriteItem a refresh is denied; a send from another address is denied."""
    from tests.deploy.iam_evaluator import AuthRequest, allowed

    table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}"
    assert not allowed(policies["api_handler"], AuthRequest("dynamodb:BatchWriteItem", table_arn))
    assert not allowed(policies["api_handler"], AuthRequest("dynamodb:Query", table_arn + "/index/GSI3"))
    assert not allowed(policies["api_handler"], AuthRequest("dynamodb:DeleteItem", table_arn))
    identity = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com"
    send = policies["send_due_reminders"]
    assert allowed(send, AuthRequest("ses:SendRawEmail", identity, (("ses:FromAddress", SENDER),)))
    assert not allowed(send, AuthRequest("ses:SendRawEmail", identity, (("ses:FromAddress", "ceo@example.com"),)))
    assert not allowed(policies["refresh_wave"], AuthRequest("ses:SendRawEmail", identity,
                                                             (("ses:FromAddress", SENDER),)))
    assert not any(allowed(p, AuthRequest("ses:SendEmail", identity, (("ses:FromAddress", SENDER),)))
                   for p in policies.values())  # only raw MIME mail is ever sent



def test_the_refresh_leaves_de_identified_tidy_responses_for_athena(exercised):
    """analytics/responses/wave=w-iam/: gzip JSON lines with the Glue table's columns, no ids or text."""
    import gzip

    import boto3

    from chalicelib.services.analytics_export import COLUMNS
    from deploy.operations import ANALYTICS_COLUMNS

    body = boto3.client("s3", region_name=REGION).get_object(
        Bucket=BUCKET, Key="analytics/responses/wave=w-iam/part-0000.json.gz")["Body"].read()
    text = gzip.decompress(body).decode()
    rows = [json.loads(line) for line in text.splitlines()]
    assert rows and all(tuple(row) == COLUMNS for row in rows)
    assert COLUMNS == tuple(name for name, _ in ANALYTICS_COLUMNS)
    assert {row["question_id"] for row in rows} >= {"q_nps", "q_portal"}
    assert "q_comment" not in {row["question_id"] for row in rows}  # free text never leaves
    from chalicelib import wiring

    responses = wiring.repositories().responses.for_wave("w-iam")
    for response in responses:  # no invitation, contact or partner id, no e-mail address
        assert response.invitation_id not in text and response.contact_id not in text
        assert response.partner_id not in text
    assert "@" not in text
    assert len({row["respondent"] for row in rows}) == 6
