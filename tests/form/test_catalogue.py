"""The interface message catalogue: complete in every shipped language, placeholders intact."""
import re
from pathlib import Path

import pytest

from chalicelib.web.i18n import (
    UI_LANGUAGES,
    Translator,
    accept_language,
    catalogue,
    language_name,
    negotiate,
    placeholders,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "chalicelib" / "web" / "templates"


@pytest.mark.parametrize("language", [lang for lang in UI_LANGUAGES if lang != "en"])
def test_every_language_translates_every_message_with_the_same_placeholders(language):
    english, other = catalogue("en"), catalogue(language)
    assert set(other) == set(english)
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key
        assert other[key].strip(), key
    assert other["button.submit"] != english["button.submit"]


def test_templates_only_use_message_ids_that_exist():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text("utf-8")))
    assert used and used <= set(catalogue("en"))


def test_a_missing_translation_falls_back_to_english_and_fills_placeholders():
    assert Translator("pt-BR")("button.submit") == "Submit answers"
    assert Translator("de")("progress", current=2, total=4) == "Abschnitt 2 von 4"
    assert Translator("ja")("progress", current=2, total=4) == "セクション 2 / 4"


def test_language_negotiation_prefers_an_offered_language():
    assert negotiate(["fr", "de-AT", "en"], ("en", "de")) == "de"
    assert negotiate([None, "xx"], ("en", "es")) == "en"
    assert accept_language("fr;q=0.5, ja, de;q=0.8, *;q=0.1") == ["ja", "de", "fr"]
    assert accept_language("en;q=abc") == []


def test_switcher_names_languages_in_their_own_words():
    assert [language_name(code) for code in ("en", "es", "ja", "de")] == ["English", "Español", "日本語", "Deutsch"]
    assert language_name("fr") == "fr"  # no catalogue: never mislabelled as English
