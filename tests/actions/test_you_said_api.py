# ruff: noqa: F811  (the api fixture imported from test_actions_api is used as an argument)
""""You said, we did" through the staff API (moto): preview (count and message per language, never a
contact list), send once, a second send refused, recorded on the action; roles."""
import json
from dataclasses import replace

from tests.actions.test_actions_api import BASE, api, body, headers, post  # noqa: F401  (api is a fixture)
from tests.builders import make_partner


def given_done_action(client, moto_table, tokens):
    from tests.builders import given_open_wave

    emea = make_partner("P-EMEA", contacts=2)
    emea = replace(emea, contacts=(emea.contacts[0], replace(emea.contacts[1], language="de")))
    given_open_wave(moto_table, tokens, [emea, make_partner("P-APJ", region="APJ", country="JP")], wave_id="w-test")
    created = json.loads(post(client, "/actions", "analyst", body(finding={
        "kind": "driver", "wave_id": "w-test", "ref": "q_portal", "label": "Portal search"})).body)
    path = f"{BASE}/actions/{created['action_id']}"
    for status in ("approved", "in_progress", "done"):
        assert client.http.patch(path, headers=headers("analyst"), body=json.dumps({"status": status})).status_code \
            == 200
    return path


def test_preview_then_send_once(api, moto_table, tokens):
    client, _, outbox = api
    path = given_done_action(client, moto_table, tokens)
    what = json.dumps({"what": "Portal search now finds deals by customer name."})
    preview = client.http.post(f"{path}/tell", headers=headers("analyst"), body=what)
    assert preview.status_code == 200, preview.body
    shown = json.loads(preview.body)
    assert shown["count"] == 2 and shown["mode"] == "affected segment"  # both EMEA contacts, not APJ
    assert [(m["language"], m["count"]) for m in shown["messages"]] == [("de", 1), ("en", 1)]
    assert "Portal search now finds deals" in shown["messages"][1]["body"]
    assert "@partner.example" not in preview.body.decode()  # no contact is named
    assert not outbox.exists() or not list(outbox.rglob("*.eml"))  # a preview sends nothing
    send = json.dumps({"what": "Portal search now finds deals by customer name.", "confirm": True})
    sent = client.http.post(f"{path}/tell", headers=headers("admin"), body=send)
    assert sent.status_code == 200 and json.loads(sent.body)["sent"] == 2
    assert len(list(outbox.rglob("*.eml"))) == 2
    again = client.http.post(f"{path}/tell", headers=headers("admin"), body=send)
    assert again.status_code == 409 and "sent once" in json.loads(again.body)["message"]
    assert len(list(outbox.rglob("*.eml"))) == 2
    action = json.loads(client.http.get(path, headers=headers("viewer")).body)
    told = [h for h in action["history"] if h["event"] == "told partners"]
    assert len(told) == 1 and told[0]["count"] == 2
    assert action["public_summary"] == "Portal search now finds deals by customer name."


def test_viewers_cannot_tell_and_open_actions_or_bad_bodies_are_refused(api, moto_table, tokens):
    client, _, _ = api
    path = given_done_action(client, moto_table, tokens)
    what = json.dumps({"what": "Faster."})
    assert client.http.post(f"{path}/tell", headers=headers("viewer"), body=what).status_code == 403
    for bad, field in ((json.dumps({"what": ""}), "what"), (json.dumps({"what": "x", "confirm": "yes"}), "confirm"),
                       (json.dumps({"what": "x", "to": ["a@b.example"]}), "(body)")):
        response = client.http.post(f"{path}/tell", headers=headers("analyst"), body=bad)
        assert response.status_code == 400 and field in response.body.decode(), bad
    open_action = json.loads(post(client, "/actions", "analyst", body(finding={
        "kind": "driver", "wave_id": "w-test", "ref": "q_portal"})).body)
    response = client.http.post(f"{BASE}/actions/{open_action['action_id']}/tell", headers=headers("analyst"),
                                body=what)
    assert response.status_code == 400 and "only a done action" in response.body.decode()
