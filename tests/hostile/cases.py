"""The generated cases of the hostile black-box suite, area by area (see blackbox.py for the runner)."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from urllib.parse import quote

from tests.hostile.blackbox import BAD_TEXT, GOOD_FREE_TEXT, HUGE_NUMBERS, LINE_ONLY_BAD, Case, token_mutations

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
VALID = {"q_nps": 9, "q_portal": 4, "q_model": "services", "q_programs": ["proof_of_concept"]}
STAFF_READS = ("scorecard", "trend", "drivers", "response-rate", "themes", "comments", "followups",
               "exports/responses", "exports/scorecard", "exports/corrections")
BAD_WAVES = {"long_3000": "w" * 3000, "long_65": "w" * 65, "upper": "W-HOSTILE", "nul": "w%00", "slash": "a%2Fb",
             "dots": "..", "crlf": "w%0D%0Ax", "surrogate_bytes": "%ED%A0%80", "space": "w%20x"}


@dataclass
class World:
    """What the cases need to know about the data behind the server."""

    wave: str
    api_tokens: list[str]
    form_tokens: list[str]
    free_token: str
    unsubscribe_token: str
    bearer: dict[str, str]  # role -> staff token
    session: str  # an analyst's session cookie value
    session_csrf: str
    login_nonce: str
    login_csrf: str
    comment_id: str
    followup_id: str


# Over HTTP a surrogate can only travel as the bytes ED A0 80, which are not UTF-8: the server decodes
# them to U+FFFD (valid text), so a route that ignores the parameter answers 200. As an event, the
# surrogate arrives as such and must be refused.
SURROGATES = ("surrogate_high", "surrogate_low", "surrogate_pair_reversed")


def _query_expect(label: str, refused=(400,)) -> tuple[int, ...]:
    return refused + (200,) if label in SURROGATES else refused


def _json(value) -> bytes:
    return json.dumps(value).encode()  # ensure_ascii: surrogates travel as \\ud800 escapes, as clients send them


def _form(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k, safe='', errors='surrogatepass')}={quote(v, safe='', errors='surrogatepass')}"
                    for k, v in pairs).encode()


class _Pool:
    def __init__(self, items):
        self.items, self.index = items, 0

    def next(self):
        self.index += 1
        return self.items[self.index % len(self.items)]


def partner_api(w: World) -> list[Case]:
    cases = []
    tokens = _Pool(w.api_tokens)

    def put(name, body: bytes, expect=(400,), headers=JSON, **kw):
        cases.append(Case("partner_api", name, "PUT", f"/api/v1/invitations/{tokens.next()}/response",
                          headers=headers, body=body, expect=expect, **kw))

    for label, text in BAD_TEXT.items():
        put(f"comment:{label}", _json({"answers": {**VALID, "q_comment": text}, "language": "en"}))
        put(f"answer_key:{label}", _json({"answers": {**VALID, text: "x"}, "language": "en"}))
        put(f"body_key:{label}", _json({"answers": VALID, "language": "en", text: 1}))
        put(f"language:{label}", _json({"answers": VALID, "language": "en" + text}))
        put(f"choice:{label}", _json({"answers": {**VALID, "q_model": text}, "language": "en"}))
        put(f"multi_item:{label}", _json({"answers": {**VALID, "q_programs": [text]}, "language": "en"}))
    for label, text in LINE_ONLY_BAD.items():
        put(f"answer_key_line:{label}", _json({"answers": {**VALID, text: "x"}, "language": "en"}))
        put(f"body_key_line:{label}", _json({"answers": VALID, "language": "en", text: 1}))
    for label, text in GOOD_FREE_TEXT.items():  # must keep working (save, not final)
        cases.append(Case("partner_api", f"free_text_ok:{label}", "PUT",
                          f"/api/v1/invitations/{w.free_token}/response", headers=JSON,
                          body=_json({"answers": {**VALID, "q_comment": text[:50]}, "language": "en", "final": False}),
                          expect=(200, 201), writes_ok=True))
    for label, literal in HUGE_NUMBERS.items():
        answers = json.dumps({k: v for k, v in VALID.items() if k != "q_nps"})[:-1]
        put(f"nps:{label}", f'{{"answers": {answers}, "q_nps": {literal}}}, "language": "en"}}'.encode())
        put(f"portal:{label}", f'{{"answers": {{"q_nps": 9, "q_portal": {literal}}}, "language": "en"}}'.encode())
        put(f"final:{label}", f'{{"answers": {{"q_nps": 9}}, "language": "en", "final": {literal}}}'.encode())
        put(f"create_only:{label}", f'{{"answers": {{"q_nps": 9}}, "create_only": {literal}}}'.encode())
        put(f"extra_number:{label}", f'{{"answers": {{"q_nps": 9}}, "n": [{literal}]}}'.encode())
    structural = {
        "deep_array_5000": b"[" * 5000 + b"]" * 5000, "deep_object_3000": b'{"a":' * 3000 + b"1" + b"}" * 3000,
        "nan": b'{"answers": {"q_nps": NaN}}', "infinity": b'{"answers": {"q_nps": Infinity}}',
        "invalid_utf8": b'{"answers": {"q_comment": "\xff\xfe"}}', "overlong_utf8": b'{"a": "\xc0\xaf"}',
        "cesu_surrogate_bytes": b'{"a": "\xed\xa0\x80"}', "empty": b"", "null": b"null", "array": b"[]",
        "string": b'"x"', "truncated": b'{"answers": {', "bom": b"\xef\xbb\xbf{}", "comment_5000":
            _json({"answers": {**VALID, "q_comment": "x" * 5000}, "language": "en"}),
        "nul_byte_raw": b'{"answers": {"q_nps": 9}}\x00', "trailing_data": b'{"answers": {}} {"x": 1}',
        "answers_not_object": b'{"answers": "x"}', "duplicate_keys": b'{"answers": {}, "answers": 5}',
    }
    for label, body in structural.items():
        put(f"structure:{label}", body)
    put("too_large", b'{"answers": {"q_comment": "' + b"x" * 70000 + b'"}}', expect=(413,))
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/json; charset=\x01"):
        put(f"content_type:{content_type[:20]}", _json({"answers": VALID}), expect=(400, 415),
            headers={"Content-Type": content_type})
    put("content_type:xml", b"<a/>", expect=(415,), headers={"Content-Type": "application/xml"})
    return cases


def partner_reads_and_tokens(w: World) -> list[Case]:
    cases = []
    token = w.api_tokens[0]
    for label, text in {**BAD_TEXT, **LINE_ONLY_BAD}.items():
        cases.append(Case("partner_api", f"query_value:{label}", "GET", f"/api/v1/invitations/{token}",
                          query=[("lang", text)], expect=_query_expect(label)))
        cases.append(Case("partner_api", f"query_name:{label}", "GET", f"/api/v1/invitations/{token}",
                          query=[(text, "1")], expect=_query_expect(label)))
    cases.append(Case("partner_api", "query_value_long", "GET", f"/api/v1/invitations/{token}",
                      query=[("x", "y" * 5000)]))
    cases.append(Case("partner_api", "query_many", "GET", f"/api/v1/invitations/{token}",
                      query=[(f"p{i}", "1") for i in range(80)]))
    for label, bad in token_mutations(token).items():
        cases.append(Case("tokens", f"invitation_get:{label}", "GET", f"/api/v1/invitations/{bad}", expect=(404,)))
        cases.append(Case("tokens", f"invitation_put:{label}", "PUT", f"/api/v1/invitations/{bad}/response",
                          headers=JSON, body=_json({"answers": VALID, "language": "en"}), expect=(404,)))
        cases.append(Case("mail_links", f"opened:{label}", "POST", f"/api/v1/invitations/{bad}/opened",
                          headers=JSON, body=b"{}", expect=(404,)))
    return cases


def partner_form(w: World) -> list[Case]:
    cases = []
    tokens = _Pool(w.form_tokens)
    refused = (400, 429)  # 429 once an invitation has used up its bad posts in the window

    def post(name, pairs, raw: bytes | None = None):
        cases.append(Case("form", name, "POST", f"/s/{tokens.next()}", headers=FORM,
                          body=raw if raw is not None else _form(pairs), expect=refused))

    base = [("q_nps", "9"), ("q_portal", "4"), ("_lang", "en")]
    for label, text in BAD_TEXT.items():
        post(f"comment:{label}", base + [("q_comment", text)])
        post(f"field_name:{label}", base + [(text, "x")])
        post(f"lang:{label}", [("q_nps", "9"), ("q_portal", "4"), ("_lang", "en" + text)])
        post(f"action:{label}", base + [("_action", "save" + text)])
        cases.append(Case("form", f"get_lang:{label}", "GET", f"/s/{tokens.next()}", query=[("lang", text)],
                          expect=_query_expect(label)))
    for label, text in LINE_ONLY_BAD.items():
        post(f"lang_line:{label}", [("q_nps", "9"), ("_lang", "en" + text)])
        post(f"field_name_line:{label}", base + [(text, "x")])
    for label, raw in {"invalid_utf8": b"q_comment=%FF%FE", "surrogate_bytes": b"q_comment=%ED%A0%80",
                       "overlong": b"q_comment=%C0%AF", "raw_non_ascii": "q_comment=é".encode(),
                       "nps_5000_digits": b"q_nps=" + b"9" * 5000 + b"&q_portal=4",
                       "too_many_fields": b"&".join(b"f%d=1" % i for i in range(600))}.items():
        post(f"raw:{label}", [], raw)
    cases.append(Case("form", "too_large", "POST", f"/s/{tokens.next()}", headers=FORM,
                      body=b"q_comment=" + b"x" * 70000, expect=(413, 400, 429)))
    token = w.form_tokens[0]
    for label, bad in token_mutations(token).items():
        cases.append(Case("tokens", f"form_get:{label}", "GET", f"/s/{bad}", expect=(404,)))
        cases.append(Case("tokens", f"thanks:{label}", "GET", f"/s/{bad}/thanks", expect=(404,)))
        cases.append(Case("tokens", f"form_post:{label}", "POST", f"/s/{bad}", headers=FORM,
                          body=b"q_nps=9&q_portal=4", expect=(404,)))
    return cases


def mail_links(w: World) -> list[Case]:
    cases = []
    for label, bad in token_mutations(w.unsubscribe_token).items():
        cases.append(Case("mail_links", f"unsubscribe_get:{label}", "GET", f"/u/{bad}", expect=(404,)))
        cases.append(Case("mail_links", f"unsubscribe_post:{label}", "POST", f"/u/{bad}", headers=FORM,
                          body=b"List-Unsubscribe=One-Click", expect=(404,)))
    for label, text in BAD_TEXT.items():
        cases.append(Case("mail_links", f"unsubscribe_query:{label}", "GET", f"/u/{w.unsubscribe_token}",
                          query=[("lang", text)], expect=_query_expect(label)))
    return cases


def staff_api(w: World) -> list[Case]:
    cases = []
    auth = {"Authorization": f"Bearer {w.bearer['analyst']}"}
    base = f"/api/v1/staff/waves/{w.wave}"
    for route in STAFF_READS:
        for label, wave in BAD_WAVES.items():
            cases.append(Case("staff_api", f"{route}:wave_{label}", "GET", f"/api/v1/staff/waves/{wave}/{route}",
                              headers=auth, expect=(404,) if label != "slash" else (403, 404)))
        for label in ("surrogate_high", "nul", "c1_nel", "lone_cr"):
            cases.append(Case("staff_api", f"{route}:query_{label}", "GET", f"{base}/{route}", headers=auth,
                              query=[("by", BAD_TEXT[label])], expect=_query_expect(label)))
    scorecard = f"{base}/scorecard"
    for label, value in {"repeated_500": ",".join(["tier:region"] * 500), "distinct_13": ",".join(
            f"tier{i}" for i in range(13)), "unknown": "colour", "long_dimension": "x" * 600,
            "colons": ":" * 100, "nested": "tier:region:tier:region:tier"}.items():
        cases.append(Case("staff_api", f"by:{label}", "GET", scorecard, headers=auth, query=[("by", value)]))
    cases.append(Case("staff_api", "by:repeated_60_is_merged", "GET", scorecard, headers=auth,
                      query=[("by", ",".join(["tier"] * 60))], expect=(200,)))
    deep = base64.urlsafe_b64encode(b"[" * 150).decode().rstrip("=")
    cursors = {"deep_json": deep, "long": "A" * 300, "bad_base64": "!!!", "not_json": "eA", "nul": "\x00",
               "negative": base64.urlsafe_b64encode(b'[-1,"v"]').decode().rstrip("="),
               "huge_offset": base64.urlsafe_b64encode(b"[" + b"9" * 100 + b',"v"]').decode().rstrip("="),
               "object": base64.urlsafe_b64encode(b'{"a":1}').decode().rstrip("="), "surrogate": "\ud800"}
    for label, cursor in cursors.items():
        cases.append(Case("staff_api", f"cursor:{label}", "GET", f"{base}/comments", headers=auth,
                          query=[("cursor", cursor)]))
    for label, limit in {"zero": "0", "negative": "-1", "over_100": "101", "digits_5000": "9" * 5000, "float": "1.5",
                         "exp": "1e3", "nul": "\x00", "word": "all"}.items():
        cases.append(Case("staff_api", f"limit:{label}", "GET", f"{base}/comments", headers=auth,
                          query=[("limit", limit)]))
    for label, text in BAD_TEXT.items():
        cases.append(Case("staff_api", f"filter_q:{label}", "GET", f"{base}/comments", headers=auth,
                          query=[("q", text)], expect=_query_expect(label)))
        cases.append(Case("exports", f"format:{label}", "GET", f"{base}/exports/responses", headers=auth,
                          query=[("format", "csv" + text)]))
    cases.append(Case("staff_api", "filter_unknown", "GET", f"{base}/comments", headers=auth, query=[("colour", "x")]))
    for label, kind in {"unknown": "secrets", "long": "k" * 300, "dots": "..", "nul": "a%00"}.items():
        cases.append(Case("exports", f"kind:{label}", "GET", f"{base}/exports/{kind}", headers=auth,
                          expect=(400, 404)))
    for label, bad in token_mutations(w.bearer["analyst"]).items():
        cases.append(Case("tokens", f"staff_bearer:{label}", "GET", f"{base}/scorecard",
                          headers={"Authorization": f"Bearer {bad}"}, expect=(400, 401)))
    for label, text in {"nul": "\x00", "escape": "\x1b", "delete": "\x7f", "long": "x" * 9000}.items():
        cases.append(Case("staff_api", f"header_authorization:{label}", "GET", f"{base}/scorecard",
                          headers={"Authorization": f"Bearer {w.bearer['analyst']}{text}"}, expect=(400, 401)))
        cases.append(Case("staff_api", f"header_accept_language:{label}", "GET", f"{base}/scorecard",
                          headers={**auth, "Accept-Language": "en" + text}, expect=(400,)))
    # writes
    write = {"Authorization": f"Bearer {w.bearer['analyst']}", **JSON}
    correction = f"{base}/comments/{w.comment_id}/correction"
    followup = f"{base}/followups/{w.followup_id}"
    for label, text in BAD_TEXT.items():
        cases.append(Case("staff_api", f"correction_label:{label}", "PUT", correction, headers=write,
                          body=_json({"label": "negative" + text})))
        cases.append(Case("staff_api", f"correction_theme:{label}", "PUT", correction, headers=write,
                          body=_json({"label": "negative", "themes": [text]})))
        cases.append(Case("staff_api", f"correction_key:{label}", "PUT", correction, headers=write,
                          body=_json({"label": "negative", text: 1})))
        cases.append(Case("staff_api", f"followup_note:{label}", "PATCH", followup, headers=write,
                          body=_json({"note": "called " + text})))
        cases.append(Case("staff_api", f"followup_status:{label}", "PATCH", followup, headers=write,
                          body=_json({"status": "in_progress" + text})))
        cases.append(Case("staff_api", f"followup_reason:{label}", "PATCH", followup, headers=write,
                          body=_json({"status": "closed", "closing_reason": "done" + text})))
    for label, literal in HUGE_NUMBERS.items():
        cases.append(Case("staff_api", f"followup_number:{label}", "PATCH", followup, headers=write,
                          body=f'{{"note": "x", "version": {literal}}}'.encode()))
        cases.append(Case("staff_api", f"correction_number:{label}", "PUT", correction, headers=write,
                          body=f'{{"label": "negative", "themes": [{literal}]}}'.encode()))
    for label, ident in {"long_3000": "i" * 3000, "nul": "a%00b", "crlf": "a%0D%0Ab", "surrogate": "%ED%A0%80"}.items():
        cases.append(Case("staff_api", f"followup_id:{label}", "PATCH", f"{base}/followups/{ident}", headers=write,
                          body=_json({"note": "x"}), expect=(404,)))
        cases.append(Case("staff_api", f"comment_id:{label}", "PUT", f"{base}/comments/{ident}/correction",
                          headers=write, body=_json({"label": "negative"}), expect=(404,)))
        cases.append(Case("staff_api", f"snapshot_wave:{label}", "POST", f"/api/v1/staff/waves/{ident}/snapshot",
                          headers={"Authorization": f"Bearer {w.bearer['admin']}"}, expect=(404,)))
    # issue 24: bulk relabel (preview, relabel, undo): every field, ids, numbers, roles
    relabels = f"{base}/relabels"
    for label, text in BAD_TEXT.items():
        cases.append(Case("staff_api", f"relabel_label:{label}", "POST", f"{relabels}/preview", headers=write,
                          body=_json({"comment_ids": [w.comment_id], "label": "negative" + text})))
        cases.append(Case("staff_api", f"relabel_id:{label}", "POST", relabels, headers=write,
                          body=_json({"comment_ids": [w.comment_id + text], "label": "negative", "confirm_count": 1})))
        cases.append(Case("staff_api", f"relabel_same_text:{label}", "POST", relabels, headers=write,
                          body=_json({"same_text_as": [text], "label": "negative", "confirm_count": 1})))
        cases.append(Case("staff_api", f"relabel_theme:{label}", "POST", f"{relabels}/preview", headers=write,
                          body=_json({"comment_ids": [w.comment_id], "add_themes": [text]})))
        cases.append(Case("staff_api", f"relabel_key:{label}", "POST", relabels, headers=write,
                          body=_json({"comment_ids": [w.comment_id], "label": "negative", "confirm_count": 1,
                                      text: 1})))
    for label, literal in HUGE_NUMBERS.items():
        cases.append(Case("staff_api", f"relabel_confirm:{label}", "POST", relabels, headers=write,
                          body=f'{{"comment_ids": ["{w.comment_id}"], "label": "negative", '
                               f'"confirm_count": {literal}}}'.encode()))
    for label, value in {"list": [], "string": "x", "null": None, "object": {"a": 1}, "bool": True}.items():
        cases.append(Case("staff_api", f"relabel_type:{label}", "POST", relabels, headers=write,
                          body=_json({"comment_ids": value, "label": "negative", "confirm_count": 1})))
    for label, ident in {"long_3000": "i" * 3000, "nul": "a%00b", "crlf": "a%0D%0Ab", "surrogate": "%ED%A0%80",
                         "unknown": "rl-0123456789abcdef", "shape": "rl-XYZ"}.items():
        cases.append(Case("staff_api", f"relabel_undo:{label}", "POST", f"{relabels}/{ident}/undo", headers=write,
                          body=b"{}", expect=(404,)))
    cases.append(Case("staff_api", "relabel_viewer", "POST", relabels,
                      headers={"Authorization": f"Bearer {w.bearer['viewer']}", **JSON},
                      body=_json({"comment_ids": [w.comment_id], "label": "negative", "confirm_count": 1}),
                      expect=(403,)))
    cases.append(Case("staff_api", "note_with_line_breaks_ok", "PATCH", followup, headers=write,
                      body=_json({"note": "called\nthem\tback"}), expect=(200,), writes_ok=True))
    return cases


ACTION_BODY = {"title": "Faster payouts", "owner": "lead@vendor.example", "due": "2026-04-30",
               "finding": {"kind": "driver", "wave_id": "px-hostile", "ref": "q_portal"}, "metrics": ["nps:q_nps"],
               "segments": {"tiers": ["advanced"]}, "direction": "up"}
CHANGE_BODY = {"id": "hostile-change", "description": "new portal", "effective": "2026-02-01",
               "segments": {"tiers": ["advanced"]}, "metrics": ["nps:q_nps"]}


def actions_api(w: World) -> list[Case]:
    """Action plans and program changes (issue 22): every text field, ids, filters, workflow."""
    cases = []
    write = {"Authorization": f"Bearer {w.bearer['analyst']}", **JSON}
    read = {"Authorization": f"Bearer {w.bearer['analyst']}"}
    actions, changes = "/api/v1/staff/actions", "/api/v1/staff/changes"
    for label, text in BAD_TEXT.items():
        for name in ("title", "owner", "due", "direction"):
            cases.append(Case("actions_api", f"action_{name}:{label}", "POST", actions, headers=write,
                              body=_json({**ACTION_BODY, name: ACTION_BODY[name] + text})))
        for name in ("kind", "wave_id", "ref", "label"):
            finding = {**ACTION_BODY["finding"], name: ACTION_BODY["finding"].get(name, "x") + text}
            cases.append(Case("actions_api", f"action_finding_{name}:{label}", "POST", actions, headers=write,
                              body=_json({**ACTION_BODY, "finding": finding})))
        cases.append(Case("actions_api", f"action_metric:{label}", "POST", actions, headers=write,
                          body=_json({**ACTION_BODY, "metrics": ["nps:q_nps" + text]})))
        cases.append(Case("actions_api", f"action_segment:{label}", "POST", actions, headers=write,
                          body=_json({**ACTION_BODY, "segments": {"tiers": ["advanced" + text]}})))
        cases.append(Case("actions_api", f"action_key:{label}", "POST", actions, headers=write,
                          body=_json({**ACTION_BODY, text: 1})))
        for name in ("id", "description", "effective"):
            cases.append(Case("actions_api", f"change_{name}:{label}", "POST", changes, headers=write,
                              body=_json({**CHANGE_BODY, name: CHANGE_BODY[name] + text})))
        cases.append(Case("actions_api", f"actions_filter:{label}", "GET", actions, headers=read,
                          query=[("status", "proposed" + text)], expect=_query_expect(label)))
    for label, value in {"list": [], "number": 5, "null": None, "nested": {"a": {"b": 1}}}.items():
        for name in ("title", "owner", "due", "finding", "metrics", "segments"):
            optional = (name, label) in {("metrics", "list"), ("metrics", "null"), ("segments", "null")}
            cases.append(Case("actions_api", f"action_type_{name}:{label}", "POST", actions, headers=write,
                              body=_json({**ACTION_BODY, name: value}), expect=(201,) if optional else (400,),
                              writes_ok=optional))
    for label, literal in HUGE_NUMBERS.items():
        cases.append(Case("actions_api", f"action_number:{label}", "POST", actions, headers=write,
                          body=f'{{"title": "x", "due": {literal}}}'.encode()))
    for label, ident in {"long_3000": "i" * 3000, "nul": "a%00b", "crlf": "a%0D%0Ab", "surrogate": "%ED%A0%80",
                         "unknown": "act-0000000000"}.items():
        cases.append(Case("actions_api", f"action_id:{label}", "PATCH", f"{actions}/{ident}", headers=write,
                          body=_json({"note": "x"}), expect=(400, 404) if label != "unknown" else (404,)))
        cases.append(Case("actions_api", f"change_id:{label}", "GET", f"{changes}/{ident}", headers=read,
                          expect=(400, 404) if label != "unknown" else (404,)))
    for label, text in BAD_TEXT.items():  # "you said, we did": what partners are told, and the action id
        cases.append(Case("actions_api", f"tell_what:{label}", "POST", f"{actions}/act-0000000000/tell",
                          headers=write, body=_json({"what": "Faster payouts" + text}), expect=(400, 404)))
    for label, value in {"list": [], "number": 5, "null": None, "nested": {"a": {"b": 1}}, "text": "yes"}.items():
        cases.append(Case("actions_api", f"tell_confirm:{label}", "POST", f"{actions}/act-0000000000/tell",
                          headers=write, body=_json({"what": "x", "confirm": value}),
                          expect=(400,) if label != "null" else (400, 404)))
        cases.append(Case("actions_api", f"tell_body:{label}", "POST", f"{actions}/act-0000000000/tell",
                          headers=write, body=_json(value), expect=(400,)))
    cases.append(Case("actions_api", "tell_recipients_key", "POST", f"{actions}/act-0000000000/tell", headers=write,
                      body=_json({"what": "x", "to": ["a@b.example"]}), expect=(400,)))
    cases.append(Case("actions_api", "viewer_may_not_create", "POST", actions,
                      headers={"Authorization": f"Bearer {w.bearer['viewer']}", **JSON}, body=_json(ACTION_BODY),
                      expect=(403,)))
    cases.append(Case("actions_api", "unknown_filter", "GET", actions, headers=read, query=[("colour", "red")]))
    cases.append(Case("actions_api", "export_format", "GET", actions, headers=read, query=[("format", "xlsx")]))
    return cases


def dashboard(w: World) -> list[Case]:
    cases = []
    cookie = {"Cookie": f"pulse_staff={w.session}"}
    post = {**cookie, **FORM}
    for page in ("/staff", "/staff/comments", "/staff/followups", "/staff/exports/responses"):
        for label, wave in BAD_WAVES.items():
            if "%" in wave:
                continue  # query values are encoded by the case itself
            cases.append(Case("dashboard", f"{page}:wave_{label}", "GET", page, headers=cookie,
                              query=[("wave", wave)], expect=(400, 404)))
        for label, text in BAD_TEXT.items():
            cases.append(Case("dashboard", f"{page}:query_{label}", "GET", page, headers=cookie,
                              query=[("wave", w.wave), ("status", text)], expect=_query_expect(label)))
    for label, text in {**BAD_TEXT, "crlf": "/staff\r\nSet-Cookie: x=1"}.items():
        cases.append(Case("dashboard", f"login_next:{label}", "GET", "/staff/login", query=[("next", text)],
                          expect=_query_expect(label)))
    for label, target in {"absolute": "https://evil.example/", "scheme_relative": "//evil.example",
                          "backslash": "/\\evil.example", "outside": "/s/token", "dots": "/staff/../s/x",
                          "javascript": "javascript:alert(1)"}.items():
        cases.append(Case("dashboard", f"login_next_offsite:{label}", "GET", "/staff/login",
                          query=[("next", target)], expect=(200,)))
    for label, back in {"crlf": "/staff/comments\r\nSet-Cookie: a=b", "absolute": "https://evil.example/staff/comments",
                        "scheme_relative": "//evil.example/staff/comments", "backslash": "/staff/comments\\x",
                        "other_page": "/staff/followups", "dots": "/staff/comments/../../s/x",
                        "encoded": "/staff/comments%2F..%2F..", "nul": "/staff/comments\x00", "long": "/staff/comments?"
                        + "a" * 3000, "javascript": "javascript:alert(1)//staff/comments"}.items():
        cases.append(Case("dashboard", f"correct_back:{label}", "POST", "/staff/comments/correct", headers=post,
                          body=_form([("wave", w.wave), ("comment_id", w.comment_id), ("label", "negative"),
                                      ("back", back), ("csrf", w.session_csrf)])))
    for label, text in BAD_TEXT.items():
        cases.append(Case("dashboard", f"correct_label:{label}", "POST", "/staff/comments/correct", headers=post,
                          body=_form([("wave", w.wave), ("comment_id", w.comment_id), ("label", text),
                                      ("csrf", w.session_csrf)])))
        cases.append(Case("dashboard", f"followup_note:{label}", "POST", "/staff/followups/update", headers=post,
                          body=_form([("wave", w.wave), ("invitation_id", w.followup_id), ("note", text),
                                      ("csrf", w.session_csrf)])))
    for label, ident in {"long": "i" * 3000, "slash": "a/b", "space": "a b"}.items():
        cases.append(Case("dashboard", f"followup_id:{label}", "POST", "/staff/followups/update", headers=post,
                          body=_form([("wave", w.wave), ("invitation_id", ident), ("note", "x"),
                                      ("csrf", w.session_csrf)])))
        cases.append(Case("dashboard", f"correct_id:{label}", "POST", "/staff/comments/correct", headers=post,
                          body=_form([("wave", w.wave), ("comment_id", ident), ("label", "negative"),
                                      ("csrf", w.session_csrf)])))
    for label, text in BAD_TEXT.items():  # issue 24: bulk relabel and view sharing forms
        cases.append(Case("dashboard", f"relabel_ids:{label}", "POST", "/staff/comments/relabel/review", headers=post,
                          body=_form([("wave", w.wave), ("ids", w.comment_id + text), ("label", "negative"),
                                      ("csrf", w.session_csrf)])))
        cases.append(Case("dashboard", f"relabel_label:{label}", "POST", "/staff/comments/relabel", headers=post,
                          body=_form([("wave", w.wave), ("ids", w.comment_id), ("label", "negative" + text),
                                      ("confirm_count", "1"), ("csrf", w.session_csrf)])))
        cases.append(Case("dashboard", f"relabel_undo:{label}", "POST", "/staff/comments/relabel/undo", headers=post,
                          body=_form([("wave", w.wave), ("batch", "rl-0123456789abcdef" + text),
                                      ("csrf", w.session_csrf)]), expect=(400, 404)))
        cases.append(Case("dashboard", f"share_recipients:{label}", "POST", "/staff/views/share", headers=post,
                          body=_form([("name", "x" + text), ("recipients", "a@vendor.example" + text),
                                      ("cadence", "weekly"), ("csrf", w.session_csrf)])))
        cases.append(Case("dashboard", f"unshare:{label}", "POST", "/staff/views/unshare", headers=post,
                          body=_form([("name", "x" + text), ("recipient", "a@vendor.example"),
                                      ("csrf", w.session_csrf)]), expect=(400, 404)))
    cross = {"origin": {"Origin": "https://evil.example"}, "fetch_site": {"Sec-Fetch-Site": "cross-site"},
             "same_site": {"Sec-Fetch-Site": "same-site"}}
    forms = {"correct": ("/staff/comments/correct", [("wave", w.wave), ("comment_id", w.comment_id),
                                                      ("label", "negative")]),
             "followup": ("/staff/followups/update", [("wave", w.wave), ("invitation_id", w.followup_id),
                                                      ("note", "csrf")]),
             "logout": ("/staff/logout", []),
             "relabel": ("/staff/comments/relabel", [("wave", w.wave), ("ids", w.comment_id), ("label", "negative"),
                                                     ("confirm_count", "1")]),
             "share": ("/staff/views/share", [("name", "x"), ("recipients", "a@vendor.example"),
                                              ("cadence", "weekly")])}
    for form_name, (path, fields) in forms.items():
        for label, extra in cross.items():
            cases.append(Case("csrf", f"{form_name}:{label}", "POST", path, headers={**post, **extra},
                              body=_form(fields + [("csrf", w.session_csrf)]), expect=(403,)))
        for label, token in {"missing": None, "empty": "", "wrong": w.session_csrf[:-2] + "xx",
                             "login_token": w.login_csrf}.items():
            cases.append(Case("csrf", f"{form_name}:token_{label}", "POST", path, headers=post,
                              body=_form(fields + ([("csrf", token)] if token is not None else [])), expect=(403,)))
    login = {**FORM, "Cookie": f"pulse_login={w.login_nonce}"}
    good_login = [("token", w.bearer["viewer"]), ("next", "/staff")]
    for label, extra in cross.items():
        cases.append(Case("csrf", f"login:{label}", "POST", "/staff/login", headers={**login, **extra},
                          body=_form(good_login + [("csrf", w.login_csrf)]), expect=(403,)))
    for label, (headers, token) in {"no_nonce": (FORM, w.login_csrf), "no_token": (login, None),
                                    "session_token": (login, w.session_csrf)}.items():
        cases.append(Case("csrf", f"login:{label}", "POST", "/staff/login", headers=headers,
                          body=_form(good_login + ([("csrf", token)] if token else [])), expect=(403,)))
    for label, text in BAD_TEXT.items():
        cases.append(Case("dashboard", f"login_token:{label}", "POST", "/staff/login", headers=login,
                          body=_form([("token", w.bearer["viewer"] + text), ("csrf", w.login_csrf)]),
                          expect=(400, 401)))
    return cases


def all_cases(w: World) -> list[Case]:
    """Every generated HTTP case."""
    return (partner_api(w) + partner_reads_and_tokens(w) + partner_form(w) + mail_links(w) + staff_api(w)
            + dashboard(w) + actions_api(w))


PARTNER_COLUMNS = ("partner_id", "name", "tier", "region", "country", "partner_types", "transacting",
                   "annual_revenue", "programs", "account_manager_email", "contact_name", "contact_email",
                   "contact_language")
PARTNER_ROW = {"partner_id": "IMP001", "name": "Import Partner", "tier": "advanced", "region": "EMEA", "country": "DE",
               "partner_types": "reseller", "transacting": "yes", "annual_revenue": "100000",
               "programs": "proof_of_concept", "account_manager_email": "am@vendor.example",
               "contact_name": "Ana", "contact_email": "ana@import.example", "contact_language": "en"}


def partner_csv(row: dict, header=PARTNER_COLUMNS) -> str:
    """A one-row partner directory CSV (cells quoted)."""
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    return ",".join(header) + "\n" + ",".join(cell(row.get(c, "")) for c in header) + "\n"


def cli_imports() -> list[tuple[str, str]]:
    """(name, CSV text) of hostile partner directory files: each must exit 2 and write nothing."""
    files = []
    for column in ("partner_id", "name", "contact_name", "tier", "programs", "contact_email", "country"):
        for label, text in BAD_TEXT.items():
            files.append((f"{column}:{label}", partner_csv({**PARTNER_ROW, column: PARTNER_ROW[column] + text})))
    for label, literal in HUGE_NUMBERS.items():
        files.append((f"annual_revenue:{label}", partner_csv({**PARTNER_ROW, "annual_revenue": literal})))
    files.append(("name_5000", partner_csv({**PARTNER_ROW, "name": "x" * 5000})))
    files.append(("header_control", partner_csv(PARTNER_ROW, PARTNER_COLUMNS[:-1] + ("contact_language\x00",))))
    return files
