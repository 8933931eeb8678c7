"""The partner panel: a partner's NPS and ratings per wave and the change against its previous wave."""
from chalicelib.services.partner_panel import partner_panel


def respondent(nps, portal):
    return {"nps": nps, "ratings": [{"question": "Portal", "value": portal, "scale": 5}]}


def test_panel_gives_partner_nps_mean_ratings_and_changes():
    history = {"waves": [
        {"wave_id": "w1", "respondents": [respondent(6, 2), respondent(9, 3)]},
        {"wave_id": "w2", "respondents": [respondent(10, 4), respondent(9, 5), respondent(8, 4)]}]}
    panel = partner_panel(history)
    first, second = panel["rows"]
    assert first["nps"] == 0.0 and first["ratings"] == {"Portal": 2.5} and not first["answered_again"]
    assert round(second["nps"], 1) == 66.7 and round(second["nps_change"], 1) == 66.7
    assert round(second["rating_changes"]["Portal"], 2) == 1.83 and second["answered_again"]
    assert panel["questions"] == ["Portal"] and panel["waves_answered"] == 2


def test_empty_history_has_no_rows():
    assert partner_panel({"waves": []}) == {"rows": [], "questions": [], "waves_answered": 0}


def test_panel_is_rendered_on_the_partner_page_escaped():
    from chalicelib.web.dashboard import _environment

    history = {"partner": {"id": "P1", "name": "P", "tier": "advanced", "region": "EMEA", "account_manager": "a"},
               "waves": [{"wave_id": "w1", "respondents": [respondent(9, 4)]}]}
    history["waves"][0]["respondents"][0]["ratings"][0]["question"] = "<b>Portal</b>"
    html = _environment().get_template("partner_panel.html").render(panel=partner_panel(history))
    assert "Panel: this partner across waves" in html and "&lt;b&gt;Portal&lt;/b&gt;" in html and "+100" in html
