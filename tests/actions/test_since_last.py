""""What we changed since last time": which done actions a partner's next form lists, and the
block's heading in every form language."""
from types import SimpleNamespace

import pytest

from chalicelib.services.since_last import changed_since_last
from tests.builders import make_partner


def wave(wave_id, opens_at, survey_id="px"):
    return SimpleNamespace(wave_id=wave_id, survey_id=survey_id, opens_at=opens_at)


WAVES = [wave("w1", "2025-10-01T00:00:00Z"), wave("w2", "2026-04-01T00:00:00Z")]


class Waves:
    def waves_of_survey(self, survey_id):
        return [w for w in WAVES if w.survey_id == survey_id]


class Actions:
    def __init__(self, items):
        self.items = items

    def all(self, status=None):
        return [a for a in self.items if status is None or a["status"] == status]


def action(summary="Payouts now arrive within 30 days.", status="done", wave_id="w1", segments=None, told="2026-01-01"):
    return {"action_id": f"act-{abs(hash((summary, status, wave_id, told))) % 10**8:08d}", "status": status,
            "public_summary": summary, "told_at": told, "finding": {"wave_id": wave_id},
            "segments": segments if segments is not None else {"regions": ["EMEA"]}}


def listed(items, partner=None, current="w2"):
    return changed_since_last(Actions(items), Waves(), next(w for w in WAVES if w.wave_id == current),
                              partner or make_partner("P1", region="EMEA"))


def test_done_and_told_actions_of_an_earlier_wave_for_the_partners_segment_are_listed_newest_first():
    items = [action("Older change.", told="2025-12-01"), action("Newer change.", told="2026-02-01")]
    assert listed(items) == ["Newer change.", "Older change."]


@pytest.mark.parametrize("item", [
    action(status="in_progress"),                     # not done
    action(summary=None),                             # partners were never told
    action(wave_id="w2"),                             # a finding of this wave, not an earlier one
    action(segments={"regions": ["APJ"]}),            # another segment
])
def test_other_actions_are_not_listed(item):
    assert listed([item]) == []


def test_the_first_wave_lists_nothing_and_at_most_three_items_show():
    items = [action(f"Change {i}.", told=f"2026-01-0{i}") for i in range(1, 6)]
    assert listed(items, current="w1") == []
    assert listed(items) == ["Change 5.", "Change 4.", "Change 3."]


def test_a_partner_list_action_reaches_only_the_listed_partner():
    item = action(segments={"partners": ["P9"]})
    assert listed([item], make_partner("P9", region="APJ")) == ["Payouts now arrive within 30 days."]
    assert listed([item], make_partner("P1", region="APJ")) == []


@pytest.mark.parametrize("language", ["en", "de", "es", "ja"])
def test_the_heading_is_written_in_every_form_language(language):
    from chalicelib.web.i18n import Translator

    title = Translator(language)("since_last.title")
    assert title and title != "since_last.title"
    if language != "en":
        assert title != Translator("en")("since_last.title")
