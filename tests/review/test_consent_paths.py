"""Consent on every path: the live update (stream handler), the full build, the "assigned to you"
notice, the comment explorer, the responses export and the partner view all ask one function,
``consent.identifiable``; a detractor who answered "no" is named nowhere and gets no follow-up."""
import csv
import io
import json
from dataclasses import replace

from tests.review.conftest import SMALL_WAVE, auth
from tests.review.test_live_results import _record


class RecordingMailer:
    def __init__(self):
        self.sent = []

    def send(self, mail):
        self.sent.append(mail)


def _detractor(repos, invitation_id: str, consent: str):
    """A copy of a submitted response of the small wave: NPS 1, a comment, this consent answer."""
    template = next(r for r in repos.responses.for_wave(SMALL_WAVE) if r.status == "submitted")
    repos.invitations.put_many([replace(repos.invitations.get(template.invitation_id), invitation_id=invitation_id)])
    response = replace(template, invitation_id=invitation_id,
                       answers={**template.answers, "q_nps": 1, "q_contact": consent,
                                "q_comment": f"Terrible payouts, consent {consent}"})
    repos.responses.put_many([response])
    return response


def test_a_detractor_who_said_no_gets_no_follow_up_notice_or_name_on_any_path(small, monkeypatch):
    from chalicelib import wiring
    from chalicelib.domain.consent import identifiable
    from chalicelib.services import results
    from chalicelib.services.partner_view import partner_history
    from chalicelib.services.snapshot_builder import Thresholds
    from tests.builders import NOW

    monkeypatch.setenv("PULSE_LIVE_REBUILD_SECONDS", "3600")
    wiring.reset()
    mailer = RecordingMailer()
    monkeypatch.setattr(wiring, "mailer", lambda: mailer)
    repos, stores, table = wiring.repositories(), wiring.review_stores(), wiring.table()
    survey = repos.surveys.get(repos.waves.get(SMALL_WAVE).survey_id, 1)
    no, yes = _detractor(repos, "inv-no", "no"), _detractor(repos, "inv-yes", "yes")
    assert not identifiable(survey, no) and identifiable(survey, yes)

    # live update (the deployed stream trigger's handler) and its "assigned to you" e-mail
    summary = small.lambda_.invoke("results_stream", {"Records": [_record(table, "inv-no", "INSERT"),
                                                                  _record(table, "inv-yes", "INSERT")]}).payload
    assert summary["followups_created"] == 1 and summary["updated"] == [SMALL_WAVE]
    assert stores.followups.get(SMALL_WAVE, "inv-no") is None
    assert stores.followups.get(SMALL_WAVE, "inv-yes")["contact_name"]
    assert [m.recipient for m in mailer.sent] == ["am@vendor.example"]
    assert "inv-yes" in mailer.sent[0].key

    # full build: the same rule, nothing for the "no"
    results.clear_cache()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, SMALL_WAVE,
                             Thresholds(), 5, NOW)
    assert stores.followups.get(SMALL_WAVE, "inv-no") is None
    ids = {f["invitation_id"] for s in ("open", "in_progress", "closed")
           for f in stores.followups.by_status(SMALL_WAVE, s)}
    consented = {r.invitation_id for r in repos.responses.for_wave(SMALL_WAVE) if identifiable(survey, r)}
    assert "inv-yes" in ids and ids <= consented

    # comment explorer (analyst, identified survey): every comment, who wrote it only with consent
    page = json.loads(small.http.get(f"/api/v1/staff/waves/{SMALL_WAVE}/comments?q=consent",
                                     headers=auth("analyst")).body)
    by_text = {c["text"]: c for c in page["items"]}
    assert by_text["Terrible payouts, consent yes"]["invitation_id"] == "inv-yes"
    refused = by_text["Terrible payouts, consent no"]
    assert "invitation_id" not in refused and "nps" not in refused and not refused["id"].startswith("inv-no")

    # responses export: response id and time only for the consenting row
    body = small.http.get(f"/api/v1/staff/waves/{SMALL_WAVE}/exports/responses?format=csv",
                          headers=auth("analyst")).body
    text = body.decode("utf-8-sig") if isinstance(body, bytes) else body.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    texts = {r["q_comment"]: r for r in rows}
    assert texts["Terrible payouts, consent yes"]["response_id"] == "inv-yes"
    assert texts["Terrible payouts, consent no"]["response_id"] == ""
    assert texts["Terrible payouts, consent no"]["submitted_at"] == ""

    # partner view: the "no" respondent is numbered, not named
    history = partner_history(repos, no.partner_id)
    by_comment = {c["text"]: r for w in history["waves"] for r in w["respondents"] for c in r["comments"]}
    assert by_comment["Terrible payouts, consent yes"]["identified"] is True
    refused = by_comment["Terrible payouts, consent no"]
    assert refused["identified"] is False and refused["label"].startswith("Respondent ")
