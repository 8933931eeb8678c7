"""The leadership summary in plain words: what changed, what to fix first, how sure; quotes of the
stated tone; quotes in other languages marked and translated; waves named by their titles."""
from __future__ import annotations

from chalicelib.reports.model import build_report_model, themes_for
from chalicelib.reports.render import render_archive_html, render_email_html, render_text
from tests.report.test_model_and_message import inputs, model


def test_model_names_the_waves_by_their_titles():
    m = build_report_model({**inputs(), "wave_title": "H1 2026", "previous_title": "H2 2025"}, period="final",
                           generated_on="2026-11-23")
    assert m["wave_label"] == "H1 2026" and m["previous_label"] == "H2 2025"
    assert "since H2 2025" in " ".join(m["summary"]) and "px-2025-h2" not in " ".join(m["summary"])
    assert ">Partner Pulse: H1 2026 final summary<" in render_archive_html(m, {})


def _with_question_changes():
    doc = inputs()["scorecard"]
    doc["questions"] = [{"id": "q_sat_portal", "type": "rating", "topic": "partner_portal", "short": "Portal",
                         "text": {"en": "How satisfied are you with the portal?"}},
                       {"id": "q_sat_pay", "type": "rating", "text": {"en": "How satisfied are you with payouts?"},
                        "topic": "incentives_payouts", "short": "Payouts"}]
    doc["overall"]["vs_previous"] = {
        "nps": {"difference": 1.0, "significant": False, "other": 20.0, "p_adjusted": 0.7},
        "csat_top2": {"q_sat_pay": {"difference": -0.083, "significant": True, "p_adjusted": 0.032, "other": 0.5},
                      "q_sat_portal": {"difference": 0.02, "significant": False, "p_adjusted": 0.6, "other": 0.4}}}
    advanced = doc["breakdowns"][0]["cells"][0]
    advanced["vs_previous"] = {"nps": {"difference": -12.0, "significant": True, "other": 40.0, "p_adjusted": 0.004},
                               "csat_top2": {}}
    doc["drivers"].insert(0, {"segment": {}, "status": "ok", "n": 120, "fix_first": [
        {"rank": 1, "question": "q_sat_pay", "importance": 0.3, "performance_top2": 0.43, "rank_first": 0.92},
        {"rank": 2, "question": "q_sat_portal", "importance": 0.2, "performance_top2": 0.6, "rank_first": 0.05}]})
    return {**inputs(), "scorecard": doc}


def test_summary_says_what_changed_what_to_fix_first_and_how_sure_in_three_to_five_sentences():
    m = build_report_model(_with_question_changes(), period="2026-W48", generated_on="2026-11-23")
    summary = m["summary"]
    text = " ".join(summary)

    assert 3 <= len(summary) <= 5
    assert "NPS is +21 among 120 partner contacts" in summary[0] and "can't tell yet" in summary[0]
    assert "satisfaction with Payouts fell 8 points (likely a real change)" in text  # a question change
    assert "Portal rose" not in text  # not significant: not named as a change
    assert "NPS fell in advanced (12 points), very likely a real change" in text  # per tier
    assert "Fix first: Payouts (very likely the top issue; 43% satisfied)" in text
    assert "How satisfied are you with payouts?" not in text  # short labels in the summary ...
    html = render_archive_html(m, {})
    assert 'title="How satisfied are you with payouts?">Payouts<' in html  # ... the full text on hover and in detail
    assert html.index('id="summary"') < html.index('id="fix-first"') < html.index('id="headline"')
    assert "Payouts: very likely the top issue" in render_text(m)


def test_every_quote_matches_the_tone_stated_for_its_theme():
    """Quote-tone consistency: a negative theme never quotes a positive comment, nor the reverse;
    a mixed theme quotes both sides when it has them."""
    def theme(theme_id, negative, positive, comments=20):
        quotes = [{"text": f"{theme_id} good {i}", "label": "positive", "language": "en"} for i in range(3)] + \
                 [{"text": f"{theme_id} bad {i}", "label": "negative", "language": "en"} for i in range(3)] + \
                 [{"text": f"{theme_id} meh", "label": "neutral", "language": "en"}]
        return {"theme": theme_id, "label": theme_id, "comments": comments, "mean_polarity": 0.0,
                "negative": negative, "positive": positive, "examples": [], "quotes": quotes}

    comments = {"q": {"segments": [{"segment": "advanced", "suppressed": False, "themes": [
        theme("payouts", 15, 2), theme("manager", 1, 16), theme("pricing", 8, 7)]}]}}
    themes = {t["label"]: t for t in themes_for(comments, "advanced", 8)["themes"]}

    assert themes["payouts"]["sentiment"] == "negative" and themes["manager"]["sentiment"] == "positive"
    for t in themes.values():
        assert t["quotes"], t["label"]
        for quote in t["quotes"]:
            if t["sentiment"] in ("negative", "positive"):
                assert quote["label"] == t["sentiment"], (t["label"], quote)
    assert {q["label"] for q in themes["pricing"]["quotes"]} == {"negative", "positive"}


def test_theme_counts_and_tone_come_from_the_dashboards_comment_summary_when_given():
    comments = {"q": {"segments": [{"segment": "advanced", "suppressed": False, "themes": [
        {"theme": "payouts", "label": "Payouts", "comments": 9, "negative": 2, "positive": 7, "mean_polarity": 0.1,
         "examples": [], "quotes": [{"text": "Slow payouts", "label": "negative", "language": "en"}]}]}]}}
    summary = {"tier": [{"segment": "advanced", "suppressed": False, "comments": 30,
                         "themes": {"payouts": {"count": 12, "labels": {"negative": 10, "positive": 1}},
                                    "small": "suppressed"}}],
               "theme_labels": {"payouts": "Payouts"}}
    [theme] = themes_for(comments, "advanced", 8, summary)["themes"]
    assert (theme["comments"], theme["negative"], theme["sentiment"]) == (12, 10, "negative")
    assert [q["text"] for q in theme["quotes"]] == ["Slow payouts"]
    hidden = {"tier": [{"segment": "advanced", "suppressed": True, "comments": "suppressed"}]}
    assert themes_for(comments, "advanced", 8, hidden) == {"suppressed": True, "themes": []}


def test_quotes_in_other_languages_are_marked_and_translated_when_a_translator_is_configured():
    class RecordingTranslator:
        def __init__(self):
            self.calls = []

        def translate(self, text, source):
            self.calls.append((text, source))
            return "Payouts are late <again>"

    quotes = [{"text": "支払いが遅い", "label": "negative", "language": "ja"},
              {"text": "Payouts are slow", "label": "negative", "language": "en"}]
    comments = {"q": {"segments": [{"segment": "advanced", "suppressed": False, "themes": [
        {"theme": "payouts", "label": "Payouts", "comments": 20, "mean_polarity": -0.4, "negative": 18,
         "positive": 0, "examples": [], "quotes": quotes}]}]}}

    plain = themes_for(comments, "advanced", 8)["themes"][0]["quotes"]
    assert plain[0] == {"text": "支払いが遅い", "label": "negative", "language": "Japanese", "translation": None}
    assert plain[1]["language"] is None  # English is not marked

    translator = RecordingTranslator()
    translated = themes_for(comments, "advanced", 8, translator=translator)["themes"][0]["quotes"]
    assert translated[0]["translation"] == "Payouts are late <again>"
    assert translator.calls == [("支払いが遅い", "ja")]  # English quotes are not sent
    m = model()
    block = next(t for t in m["per_tier"] if t["id"] == "advanced")
    block["themes"] = [{"id": "payouts", "label": "Payouts", "comments": 20, "sentiment": "negative",
                        "polarity": None, "negative": 18, "positive": 0, "quotes": translated}]
    for html in (render_archive_html(m, {}), render_email_html(m, {})):
        assert "(Japanese)" in html and "Translation: &ldquo;Payouts are late &lt;again&gt;&rdquo;" in html
    assert 'Translation: "Payouts are late <again>"' in render_text(m)


def test_amazon_translator_calls_translate_text_and_falls_back_to_none_on_error():
    import boto3
    from botocore.stub import Stubber

    from chalicelib.reports.translation import AmazonTranslator

    client = boto3.client("translate", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_response("translate_text", {"TranslatedText": "Payouts are slow", "SourceLanguageCode": "de",
                                             "TargetLanguageCode": "en"},
                          {"Text": "Auszahlungen sind langsam", "SourceLanguageCode": "de", "TargetLanguageCode": "en"})
        stub.add_client_error("translate_text", "ThrottlingException")
        translator = AmazonTranslator(client)
        assert translator.translate("Auszahlungen sind langsam", "de") == "Payouts are slow"
        assert translator.translate("Auszahlungen sind langsam", "de") == "Payouts are slow"  # cached: one call
        assert translator.translate("Otro texto", "es") is None


def test_translation_is_off_unless_the_setting_names_amazon():
    from chalicelib.reports.settings import ReportSettings

    assert ReportSettings.from_environment({}).translate == ""
    assert ReportSettings.from_environment({"PULSE_REPORT_TRANSLATE": "Amazon"}).translate == "amazon"
