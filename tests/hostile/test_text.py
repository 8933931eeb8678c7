"""The text validator and the read-edge repair (chalicelib/domain/text.py)."""
import json

import pytest

from chalicelib.domain.text import (
    json_problems,
    parse_bounded_float,
    parse_bounded_int,
    repair_data,
    repair_text,
    text_problem,
)


@pytest.mark.parametrize("value", ["\ud800", "a\udfffb", "\x00", "\x1b", "\x7f", "\x85", "\ufffe", "\ufdd0", "a\rb"])
def test_invalid_text_is_refused_everywhere(value):
    assert text_problem(value) and text_problem(value, multiline=True)


@pytest.mark.parametrize("value", ["a\nb", "a\tb", "a\r\nb", "a\u2028b"])
def test_line_breaks_are_free_text_only(value):
    assert text_problem(value) and text_problem(value, multiline=True) is None


@pytest.mark.parametrize("value", ["plain", "日本語", "emoji \U0001F600", "rtl \u202e", ""])
def test_ordinary_text_passes(value):
    assert text_problem(value) is None


def test_json_problems_name_the_path_of_keys_values_and_numbers():
    body = json.loads('{"answers": {"q": "x\\ud800", "\\u0000k": 1, "n": 123456789012345678}, "l": [1, "\\u0007"]}',
                      parse_int=parse_bounded_int, parse_float=parse_bounded_float)
    fields = [p.field for p in json_problems(body)]
    assert fields == ["answers.q", "answers.\ufffdk", "answers.n", "l[1]"]
    assert json_problems(json.loads("[" * 30 + "]" * 30))[0].message.startswith("is nested deeper")
    assert json_problems(json.loads("1e999", parse_float=parse_bounded_float))


def test_repair_makes_any_stored_text_encodable_and_keeps_good_text():
    data = {"a\ud800": ["x\x00y", "ok\n\ttext", 5], "b": "\udfff"}
    repaired = repair_data(data)
    json.dumps(repaired, ensure_ascii=False).encode("utf-8")
    assert repaired == {"a\ufffd": ["x\ufffdy", "ok\n\ttext", 5], "b": "\ufffd"}
    assert repair_text("fine") == "fine"
