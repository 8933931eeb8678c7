"""Theme tone everywhere: the dashboard's per-tier theme mix, the comment explorer and the responses
export count and show each theme's own tone (the part of the comment about it), not the whole
comment's label; a reviewer's correction replaces the model's tones; live update = full build."""
import copy
from collections import Counter

import pytest

from chalicelib.domain.theme_tone import theme_label, theme_labels, tone_cells
from tests.builders import NOW, SURVEY, VALID_ANSWERS, given_open_wave, make_partner, token_of

WAVE = "w-tone"
PAYOUTS, PORTAL = "incentives_payouts", "partner_portal"
# each praises one theme and complains about the other (partner_aspects.tsv style)
COMMENTS = ["The partner portal is fast and easy to use, but incentive payouts are late every single quarter.",
            "The partner portal is slow and keeps crashing. However, rebate payouts now arrive on time.",
            "I love the new partner portal, it is excellent; the incentive payouts are wrong and always late."]


def test_a_theme_takes_its_own_tone_then_the_comment_label_and_a_correction_wins():
    record = {"label": "positive", "themes": [PORTAL, PAYOUTS, "pricing_margins"],
              "theme_tones": {PORTAL: {"label": "positive", "polarity": 0.8},
                              PAYOUTS: {"label": "negative", "polarity": -0.7}}}

    assert theme_labels(record) == {PORTAL: "positive", PAYOUTS: "negative", "pricing_margins": "positive"}
    assert tone_cells(record) == ["partner_portal: positive", "incentives_payouts: negative",
                                  "pricing_margins: positive"]
    corrected = {**record, "label": "neutral", "corrected": {"by": "a", "at": "t"}}
    assert theme_label(corrected, PAYOUTS) == "neutral"
    counted = {"label": "positive", "themes": [PAYOUTS], "theme_labels": {PAYOUTS: "negative"}, "count": 3}
    assert theme_label(counted, PAYOUTS) == "negative"


def test_comment_counts_carry_theme_tones_and_old_counts_still_read():
    from chalicelib.services.snapshot_builder import comment_summary
    from chalicelib.services.wave_state import _theme_pairs, comment_counts

    records = [{"tier": "advanced", "region": "EMEA", "label": "positive", "themes": [PORTAL, PAYOUTS],
                "theme_tones": {PORTAL: {"label": "positive"}, PAYOUTS: {"label": "negative"}}}] * 8
    counts = comment_counts(records)
    assert counts == Counter({("advanced", "EMEA", "positive", ((PORTAL, "positive"), (PAYOUTS, "negative")),
                               None): 8})
    atoms = [{"tier": t, "region": r, "label": lab, "themes": [p[0] for p in th], "theme_labels": dict(th),
              "count": n} for (t, r, lab, th, _), n in counts.items()]
    summary = comment_summary(atoms, 8)
    assert summary["tier"][0]["themes"][PAYOUTS] == {"count": 8, "labels": {"negative": 8}, "tone": "theme"}
    assert summary["tier"][0]["labels"]["positive"] == 8  # the comment's own mix is unchanged
    assert comment_summary(records, 8) == summary  # records and counts give one summary
    assert _theme_pairs([PAYOUTS], "neutral") == ((PAYOUTS, "neutral"),)  # a count stored before tones


@pytest.fixture
def wave(moto_table, tokens, app_env):
    """16 answered invitations of one tier, each comment positive about one theme and negative
    about the other; a full build. Returns (repos, stores, links)."""
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response

    definition = copy.deepcopy(SURVEY)
    for section in definition["sections"]:
        for question in section["questions"]:
            if question["id"] == "q_comment":
                question["max_length"] = 500
    partners = [make_partner(f"P{i:03d}", tier="advanced", region=("EMEA", "APJ")[i % 2]) for i in range(16)]
    repos, links = given_open_wave(moto_table, tokens, partners, wave_id=WAVE, definition=definition)
    for i, link in enumerate(links):
        answers = {**VALID_ANSWERS, "q_nps": i % 11, "q_comment": COMMENTS[i % len(COMMENTS)]}
        submit_response(repos, tokens, token_of(link), {"answers": answers, "language": "en", "final": True}, NOW)
    wiring = app_env(moto_table)
    results.clear_cache()
    stores = wiring.review_stores()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE, Thresholds(), 5, NOW)
    yield repos, stores, links
    results.clear_cache()


def _records(stores):
    from chalicelib.services import results

    return results.search_all_comments(stores.snapshots, stores.corrections, WAVE)


def test_the_tier_theme_mix_counts_each_themes_own_tone(wave):
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services import results

    _, stores, _ = wave
    records = _records(stores)
    assert len(records) == 16
    differs = [r for r in records if theme_label(r, PAYOUTS) != r["label"] or theme_label(r, PORTAL) != r["label"]]
    assert differs, "the comments mix tones: some theme must differ from its comment's label"
    summary = results.comment_summary(stores.snapshots, WAVE, StaffIdentity("a@vendor.example", "admin"))["summary"]
    cell = next(c for c in summary["tier"] if c["segment"] == "advanced")
    for theme in (PAYOUTS, PORTAL):
        expected = Counter(theme_label(r, theme) for r in records if theme in r["themes"])
        assert cell["themes"][theme]["labels"] == dict(expected)
    assert cell["labels"]["positive"] == sum(r["label"] == "positive" for r in records)


def test_the_explorer_filters_and_shows_the_tone_of_the_chosen_theme(wave):
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services import results

    _, stores, _ = wave
    admin = StaffIdentity("a@vendor.example", "admin")
    records = _records(stores)
    page = results.search_comments(stores.snapshots, stores.corrections, WAVE, admin,
                                   {"theme": PAYOUTS, "sentiment": "negative"}, limit=50)
    expected = sorted(r["text"] for r in records if PAYOUTS in r["themes"] and theme_label(r, PAYOUTS) == "negative")
    assert expected and sorted(i["text"] for i in page["items"]) == expected
    assert all(i["theme_labels"][PAYOUTS] == "negative" for i in page["items"])
    whole = results.search_comments(stores.snapshots, stores.corrections, WAVE, admin, {"sentiment": "negative"},
                                     limit=50)
    assert sorted(i["text"] for i in whole["items"]) == sorted(r["text"] for r in records if r["label"] == "negative")
    assert expected != sorted(i["text"] for i in whole["items"])  # the theme's tone, not the comment's


def test_the_overview_links_the_negative_count_of_a_theme_to_the_same_comments(wave, monkeypatch):
    from chalice.test import Client

    from app import app
    from tests.review.conftest import token

    _, stores, _ = wave
    records = _records(stores)
    negative = sum(1 for r in records if PAYOUTS in r["themes"] and theme_label(r, PAYOUTS) == "negative")
    with Client(app, stage_name="test") as client:
        page = client.http.get(f"/staff?wave={WAVE}", headers={"Cookie": f"pulse_staff={token('admin')}"}).body
    html = page.decode("utf-8")
    link = f"theme={PAYOUTS}&amp;sentiment=negative\">{negative} negative</a>"
    assert link in html
    assert "negative about the theme" in html


def test_the_responses_export_has_a_tone_per_theme_column_and_a_correction_replaces_it(wave):
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services.corrections import correct_comment
    from chalicelib.web.staff_api import export_table

    _, stores, _ = wave
    admin = StaffIdentity("a@vendor.example", "admin")
    headers, rows, _ = export_table(WAVE, "responses", admin)
    column = headers.index("q_comment_tones")
    assert headers[column - 1] == "q_comment_themes"
    by_text = {r["text"]: r for r in _records(stores)}
    for row in rows:
        record = by_text[row[headers.index("q_comment")]]
        assert row[column] == [f"{t}: {theme_label(record, t)}" for t in record["themes"]]
    from chalicelib.services import results

    record = next(iter(by_text.values()))
    correct_comment(stores.corrections, record, admin, {"label": "neutral", "themes": [PAYOUTS]}, NOW,
                    results.theme_labels(stores.snapshots, WAVE))
    headers, rows, _ = export_table(WAVE, "responses", admin)
    tones = [r[headers.index("q_comment_tones")] for r in rows if r[headers.index("q_comment")] == record["text"]]
    assert [f"{PAYOUTS}: neutral"] in tones


def test_the_xlsx_layout_names_the_tone_column_in_words():
    from chalicelib.domain.survey import parse_survey_definition
    from chalicelib.services.export_layout import responses_layout

    headers = ["tier", "q_comment", "q_comment_sentiment", "q_comment_themes", "q_comment_tones",
               "q_comment_corrected"]
    rows = [["advanced", "Portal great, payouts late", "positive", [PORTAL, PAYOUTS],
             [f"{PORTAL}: positive", f"{PAYOUTS}: negative"], "no"]]
    layout = responses_layout(headers, rows, parse_survey_definition(copy.deepcopy(SURVEY)))
    column = dict(zip(layout.ids, range(len(layout.ids)), strict=True))
    assert layout.texts[column["q_comment_tones"]] == "Why?: tone per theme"
    assert layout.rows[0][column["q_comment_tones"]] == f"{PORTAL}: positive, {PAYOUTS}: negative"
