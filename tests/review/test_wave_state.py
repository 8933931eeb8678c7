"""The live update moves the wave's state by the changed responses only, and what it publishes
equals a full build of the same responses: same scorecards (every scope), comment summaries and
explorer records; replays change nothing; a full build racing a live update loses nothing."""
from dataclasses import replace

import pytest

from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

WAVE = "w-state"
COMMENTS = ["Great portal and fast payouts", "Support is slow and payouts are late", "Fine overall",
            "Der Support ist langsam", "El portal es excelente"]


def _partners(count: int):
    tiers, regions = ("advanced", "principal", "enrolled"), ("EMEA", "APJ", "AMER")
    return [make_partner(f"P{i:03d}", tier=tiers[i % 3], region=regions[(i // 3) % 3],
                         programs=("proof_of_concept",) if i % 2 else ()) for i in range(count)]


def _answers(i: int) -> dict:
    return {**VALID_ANSWERS, "q_nps": i % 11, "q_portal": 1 + i % 5, "q_comment": COMMENTS[i % len(COMMENTS)]}


@pytest.fixture
def wave(moto_table, tokens, app_env):
    """A wave of 30 invitations, 20 answered, with a full build; returns (repos, stores, links)."""
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response

    repos, links = given_open_wave(moto_table, tokens, _partners(30), wave_id=WAVE)
    for i, link in enumerate(links[:20]):
        submit_response(repos, tokens, token_of(link), {"answers": _answers(i), "language": "en", "final": True}, NOW)
    wiring = app_env(moto_table)
    results.clear_cache()
    stores = wiring.review_stores()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE, Thresholds(), 5, NOW)
    yield repos, stores, links, tokens
    results.clear_cache()


def _live(repos, stores, invitation_ids, now=NOW):
    from chalicelib.services import live_results
    from chalicelib.services.snapshot_builder import Thresholds

    return live_results.apply_changes(repos, stores, {WAVE: set(invitation_ids)}, 5, now, thresholds=Thresholds())


def _published(stores) -> dict:
    """Every published part of the current snapshot, drivers aside (a full build's own)."""
    pointer = stores.snapshots.pointer(WAVE)
    out = {}
    from chalicelib.storage.snapshots import part_version

    for name in pointer["parts"]:
        if name.startswith(("released:", "release:")):
            continue  # the restricted readers' copies follow their own schedule (test_release)
        value = stores.snapshots.read_part(WAVE, part_version(pointer, name), name)
        if name.startswith("scorecard:"):
            value = {k: v for k, v in value.items() if k not in ("drivers", "drivers_built_at")}
        if name == "state":
            value = {k: value[k] for k in ("atoms", "invitations", "comments", "previous")}
        if name == "report":
            value = value["revenue"]
        out[name] = value
    return out


def _full(repos, stores) -> dict:
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds

    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE, Thresholds(), 5, NOW)
    return _published(stores)


def test_live_updates_publish_what_a_full_build_of_the_same_responses_publishes(wave):
    from chalicelib.services.submissions import submit_response

    repos, stores, links, tokens = wave
    for i, link in enumerate(links[20:26], start=20):  # six new respondents, one of them in a new region
        submit_response(repos, tokens, token_of(link), {"answers": _answers(i), "language": "en", "final": True}, NOW)
    edited = [r for r in repos.responses.for_wave(WAVE) if r.status == "submitted"][:3]
    repos.responses.put_many([replace(r, answers={**r.answers, "q_nps": 10 - r.answers["q_nps"],
                                                  "q_comment": "Payouts are late again"}, version=r.version + 1)
                              for r in edited])
    changed = [link.invitation.invitation_id for link in links[20:26]] + [r.invitation_id for r in edited]
    summary = _live(repos, stores, changed[:4])
    summary2 = _live(repos, stores, changed[4:])
    assert summary["updated"] == [WAVE] and summary2["updated"] == [WAVE]
    live = _published(stores)
    assert live["scorecard:all"]["overall"]["respondents"] == 26
    full = _full(repos, stores)
    assert set(live) == set(full)
    for name in sorted(full):
        assert live[name] == full[name], name


def test_replayed_and_stale_versions_change_nothing(wave):
    repos, stores, links, tokens = wave
    some = next(r for r in repos.responses.for_wave(WAVE) if r.status == "submitted")
    newer = replace(some, answers={**some.answers, "q_nps": 0}, version=some.version + 1)
    repos.responses.put_many([newer])
    _live(repos, stores, [some.invitation_id])
    after = stores.snapshots.pointer(WAVE)["version"]
    _live(repos, stores, [some.invitation_id])  # the same batch again (at-least-once delivery)
    assert stores.snapshots.pointer(WAVE)["version"] == after
    repos.responses.put_many([some])  # an older version arriving late never replaces the newer one
    _live(repos, stores, [some.invitation_id])
    assert stores.snapshots.pointer(WAVE)["version"] == after


def test_a_withdrawn_response_leaves_the_results(wave):
    repos, stores, links, tokens = wave
    some = next(r for r in repos.responses.for_wave(WAVE) if r.status == "submitted")
    repos.responses.put_many([replace(some, status="in_progress", version=some.version + 1)])
    _live(repos, stores, [some.invitation_id])
    assert _published(stores)["scorecard:all"]["overall"]["respondents"] == 19
    assert not any(c["invitation_id"] == some.invitation_id
                   for name, part in _published(stores).items() if name.startswith("bucket:")
                   for c in part["comments"])


def test_a_full_build_racing_a_live_update_loses_nothing(wave):
    from chalicelib.services import results, snapshot_builder
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response

    repos, stores, links, tokens = wave
    start = stores.snapshots.pointer(WAVE)
    parts, _, _ = snapshot_builder.build_snapshot_parts(repos, WAVE, {}, Thresholds())  # the build reads...
    submit_response(repos, tokens, token_of(links[25]), {"answers": _answers(25), "language": "en", "final": True},
                    NOW)
    _live(repos, stores, [links[25].invitation.invitation_id])  # ...while a live update lands
    results.write_full(repos, stores.snapshots, WAVE, parts, start, Thresholds(), NOW)
    merged = _published(stores)
    assert merged["scorecard:all"]["overall"]["respondents"] == 21
    assert merged == _full(repos, stores)


def test_a_live_update_reads_the_same_whatever_the_wave_size(moto_table, tokens, app_env):
    """Requests of one live update on a wave of 12 and of 60 responses: equal (O(changed))."""
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response

    counts = {}
    for size in (12, 60):
        wave_id = f"w-size-{size}"
        repos, links = given_open_wave(moto_table, tokens, _partners(size + 1), wave_id=wave_id)
        for i, link in enumerate(links[:size]):
            submit_response(repos, tokens, token_of(link), {"answers": _answers(i), "language": "en", "final": True},
                            NOW)
        stores = app_env(moto_table).review_stores()
        results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, wave_id,
                                 Thresholds(), 5, NOW)
        submit_response(repos, tokens, token_of(links[size]), {"answers": _answers(3), "language": "en",
                                                                 "final": True}, NOW)
        from chalicelib.services import live_results

        calls: list[str] = []

        def record(model, calls=calls, **_):
            calls.append(model.name)

        events = stores.snapshots.table.client.meta.events
        events.register("before-call.dynamodb", record)
        try:
            live_results.apply_changes(repos, stores, {wave_id: {links[size].invitation.invitation_id}}, 5, NOW,
                                       thresholds=Thresholds())
        finally:
            events.unregister("before-call.dynamodb", record)
        counts[size] = sorted(calls)
    reads = {size: [c for c in calls if c in ("Query", "GetItem", "Scan", "BatchGetItem")]
             for size, calls in counts.items()}
    assert reads[12] == reads[60] and "Scan" not in reads[60]
    assert reads[60].count("GetItem") >= 2 and reads[60].count("Query") >= 2  # pointer, state, bucket, report


def test_the_race_is_real_a_plain_write_would_lose_the_live_update(wave):
    """The check above means something: the build's own parts do not count the late respondent."""
    from chalicelib.services import snapshot_builder
    from chalicelib.services.snapshot_builder import Thresholds

    repos, stores, links, tokens = wave
    parts, _, _ = snapshot_builder.build_snapshot_parts(repos, WAVE, {}, Thresholds())
    assert parts["scorecard:all"]["overall"]["respondents"] == 20


def test_a_wave_without_responses_gets_a_snapshot_and_its_first_response_updates_it(moto_table, tokens, app_env):
    """The hourly job builds open waves before anyone answers; the first answer then moves the state."""
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response

    repos, links = given_open_wave(moto_table, tokens, _partners(6), wave_id=WAVE)
    stores = app_env(moto_table).review_stores()
    results.clear_cache()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE, Thresholds(), 5, NOW)
    assert _published(stores)["scorecard:all"]["overall"]["respondents"] == "suppressed"
    submit_response(repos, tokens, token_of(links[0]), {"answers": _answers(0), "language": "en", "final": True}, NOW)
    assert _live(repos, stores, [links[0].invitation.invitation_id])["updated"] == [WAVE]
    live = _published(stores)
    assert live["state"]["atoms"]["rows"] and live == _full(repos, stores)
