"""The demo survey's form stays light: HTML + CSS + JS under a fixed byte budget, no third-party assets."""
from pathlib import Path

import yaml
from chalice.test import Client

from app import app
from tests.builders import given_open_wave, make_partner, token_of

ROOT = Path(__file__).resolve().parents[2]
BUDGET_BYTES = 44_000  # measured 39.9-40.5 KB for the 15-question demo survey in en/es/ja/de (9.0-9.5 KB gzipped)


def test_demo_form_weighs_less_than_the_budget_in_every_language(moto_table, tokens, app_env):
    definition = yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text("utf-8"))
    _, links = given_open_wave(moto_table, tokens, [make_partner("P1")], definition=definition)
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        assets = sum(len(client.http.get(f"/static/{name}").body) for name in ("form.css", "form.js"))
        for language in definition["languages"]:
            html = client.http.get(f"/s/{token_of(links[0])}?lang={language}").body
            assert f'<html lang="{language}">'.encode() in html
            assert len(html) + assets < BUDGET_BYTES, language
