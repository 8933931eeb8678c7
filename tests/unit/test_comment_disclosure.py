"""The comment label plan coarsens instead of hiding; opaque comment ids; consent in one function."""
from itertools import combinations

from chalicelib.domain.consent import identifiable
from chalicelib.services import comment_disclosure as cd

FILTERS = ("tier", "region", "partner_types", "programs", "question_id")


def _comment(n, tier, region, question="q_why", partner=None, types=("reseller",), programs=("poc",)):
    return {"id": f"inv{n}.{question}", "invitation_id": f"inv{n}", "partner_id": partner or f"P{n}",
            "tier": tier, "region": region, "question_id": question, "partner_types": list(types),
            "programs": list(programs), "text": f"comment {n}", "nps": 3, "country": "DE", "label": "negative",
            "themes": []}


def _wave():
    """40 advanced EMEA comments, 12 principal AMER, and 3 principal LATAM (a small group)."""
    comments = [_comment(i, "advanced", "EMEA") for i in range(40)]
    comments += [_comment(100 + i, "principal", "AMER", types=("msp",)) for i in range(12)]
    comments += [_comment(200 + i, "principal", "LATAM") for i in range(3)]
    return comments


def _matches(published: dict, chosen: dict) -> bool:
    for key, value in chosen.items():
        if key not in published:
            return False
        have = published[key]
        if (value not in have) if isinstance(have, list) else (have != value):
            return False
    return True


def test_a_small_group_keeps_its_comments_and_loses_only_the_labels_that_single_it_out():
    comments = _wave()
    plan = cd.label_plan(comments, 8, 5, 3)
    shown = [cd.coarsened(c, plan) for c in comments if c["id"] not in plan.withheld]
    assert plan.withheld == set() and len(shown) == len(comments)  # every comment stays readable
    latam = [s for s in shown if s["text"] in {"comment 200", "comment 201", "comment 202"}]
    assert all("region" not in s and "tier" not in s for s in latam)  # its labels are gone
    assert all(s["question_id"] == "q_why" for s in latam)  # what it answers stays
    # it hides among a few comments of a large group that drop the same labels; the rest keep theirs
    crowd = [s for s in shown if set(s) & set(FILTERS) == {"question_id"}]
    assert len(crowd) == 8
    assert sum(1 for s in shown if s.get("region") == "EMEA") == 40 - 5
    assert not any(k in s for s in shown for k in ("invitation_id", "partner_id", "nps", "country"))


def test_no_combination_of_filters_selects_fewer_comments_than_the_threshold():
    comments = _wave() + [_comment(300 + i, "advanced", "APJ", "q_fix") for i in range(6)]
    plan = cd.label_plan(comments, 8, 5, 3)
    shown = [cd.coarsened(c, plan) for c in comments if c["id"] not in plan.withheld]
    values = {f: {v for s in shown if f in s for v in (s[f] if isinstance(s[f], list) else [s[f]])} for f in FILTERS}
    choices = [{f: v} for f in FILTERS for v in values[f]]
    choices += [{a: va, b: vb} for a, b in combinations(FILTERS, 2) for va in values[a] for vb in values[b]]
    for chosen in choices:
        selected = [s for s in shown if _matches(s, chosen)]
        assert len(selected) == 0 or len(selected) >= 8, chosen
    # a group too small even with every label removed is withheld, and the notice says so
    tiny = cd.label_plan(comments[:3], 8)
    assert tiny.withheld == {c["id"] for c in comments[:3]}
    assert cd.withheld_notice(3, tiny)["message"].startswith("3 comments withheld: group smaller than 8")
    assert cd.withheld_notice(0, tiny) is None
    assert "2 comments of your scope withheld here: their region label" in cd.withheld_notice(0, tiny, 2,
                                                                                               "region")["message"]


def test_a_group_of_many_comments_from_few_partners_is_coarsened():
    comments = [_comment(i, "principal", "LATAM", partner=f"P{i % 2}") for i in range(10)]
    comments += [_comment(50 + i, "advanced", "EMEA") for i in range(10)]
    plan = cd.label_plan(comments, 8, 5, 3)
    assert all("region" not in plan.labels[c["id"]] for c in comments[:10])
    assert sum("region" in plan.labels[c["id"]] for c in comments[10:]) >= 8


def test_comment_ids_are_opaque_unique_and_resolve_back():
    comments = [_comment(1, "advanced", "EMEA", q) for q in ("q_why", "q_fix")]
    ids = [cd.public_id(c["id"], "w1", "secret") for c in comments]
    assert len(set(ids)) == 2 and all("inv1" not in i for i in ids)
    assert ids[0][:8] != ids[1][:8]  # one person's comments share no prefix
    assert cd.public_id(comments[0]["id"], "w2", "secret") != ids[0]  # another wave, another id
    assert cd.public_id(comments[0]["id"], "w1", "other") != ids[0]  # keyed by the secret
    assert cd.resolve(comments, "w1", ids[1], "secret") is comments[1]
    assert cd.resolve(comments, "w1", comments[0]["id"], "secret") is comments[0]
    assert cd.resolve(comments, "w1", "c-unknown", "secret") is None


class _Survey:
    consent_question = "q_contact"

    def __init__(self, reporting):
        self.reporting = reporting


def test_identifiable_needs_an_identified_survey_and_a_yes():
    assert identifiable(_Survey("identified"), {"q_contact": "yes"})
    assert not identifiable(_Survey("identified"), {"q_contact": "no"})
    assert not identifiable(_Survey("identified"), {})
    assert not identifiable(_Survey("aggregate"), {"q_contact": "yes"})
    assert not identifiable(None, {"q_contact": "yes"})
