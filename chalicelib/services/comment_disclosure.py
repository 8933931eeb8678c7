"""What the comment explorer and the responses export show of each comment (standard library only:
request path). Protect by coarsening before hiding.

* A reader allowed respondent-level data on an identified survey (``may_see_identity``) reads every
  comment with its segment labels; who wrote it (``PERSON_FIELDS``) only where the respondent is
  ``consent.identifiable``.
* Everyone else reads each comment's text with only the segment labels that keep it in a crowd:
  ``label_plan`` groups the wave's comments by their published labels; a group with fewer than
  ``min_comments`` comments, ``min_respondents`` respondents or ``min_partners`` partners first
  borrows comments that share its remaining labels from a group that can spare them (they drop the
  same labels, so the small group hides among them), else drops its next label (``DROP_ORDER``:
  partner types, programs, region, tier, question). Every combination of published labels then
  covers a crowd, so no filter or combination of filters (each selects a union of such groups)
  isolates a small group. Only a group still too small with no label left is withheld, and the
  view says how many comments and why. The plan is made once per snapshot over the whole wave,
  not per scope: a scoped reader sees the comments whose published labels place them in its
  scope, so two scopes' views combine to nothing finer than the plan.
* Comment ids are opaque for those readers (``public_id``): a keyed hash of the wave and the
  comment, unique per comment, so one person's comments share no prefix; ``resolve`` maps them back.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections import Counter, defaultdict

#: segment labels of a comment record, dropped in this order (the question last: it says what
#: the comment answers)
DROP_ORDER = ("partner_types", "programs", "region", "tier", "question_id")
IDENTITY_FIELDS = ("partner_id", "invitation_id", "country", "nps", "wave_id", "identifiable")
PERSON_FIELDS = ("invitation_id", "nps", "identifiable")
MULTI = {"partner_types", "programs"}


def _value(comment: dict, label: str):
    value = comment.get(label)
    return tuple(sorted(str(v) for v in value or ())) if label in MULTI else value


class LabelPlan:
    """Published labels per comment id, and the ids withheld entirely."""

    def __init__(self, labels: dict[str, tuple[str, ...]], withheld: set[str], thresholds: tuple[int, int, int]):
        self.labels, self.withheld, self.thresholds = labels, withheld, thresholds

    def reason(self) -> str:
        comments, respondents, partners = self.thresholds
        return (f"group smaller than {comments} comments, {respondents} respondents or {partners} partners "
                "even with every segment label removed")


class _Crowd:
    """Counts of one group (comments, distinct respondents, distinct partners), updated in O(1)."""

    def __init__(self, comments, thresholds: tuple[int, int, int]):
        self.thresholds = thresholds
        self.n, self.people, self.partners = 0, Counter(), Counter()
        for c in comments:
            self.add(c, 1)

    def add(self, c: dict, sign: int) -> None:
        self.n += sign
        for counter, k in ((self.people, c.get("invitation_id")), (self.partners, c.get("partner_id"))):
            counter[k] += sign
            if counter[k] <= 0:
                del counter[k]

    def passes(self) -> bool:
        comments, respondents, partners = self.thresholds
        return self.n >= comments and len(self.people) >= respondents and len(self.partners) >= partners

    def passes_without(self, c: dict) -> bool:
        comments, respondents, partners = self.thresholds
        return (self.n - 1 >= comments
                and len(self.people) - (self.people[c.get("invitation_id")] == 1) >= respondents
                and len(self.partners) - (self.partners[c.get("partner_id")] == 1) >= partners)


def label_plan(comments: list[dict], min_comments: int, min_respondents: int = 1, min_partners: int = 1) -> LabelPlan:
    """The labels each comment keeps so every group of equal published labels is a crowd.

    A small group drops its next label; one left with only the question (or nothing) first borrows
    comments that share it from groups that can spare them (those lose their other labels, so the
    group hides among them). A group still small with no label left is withheld."""
    thresholds = (min_comments, min_respondents, min_partners)
    kept = {c["id"]: list(DROP_ORDER) for c in comments}
    values = {c["id"]: {label: _value(c, label) for label in DROP_ORDER} for c in comments}

    def key(c):
        own = values[c["id"]]
        return tuple((label, own[label]) for label in kept[c["id"]])

    withheld: set[str] = set()
    for _ in range(len(DROP_ORDER) + 1):
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for c in comments:
            if c["id"] not in withheld:
                groups[key(c)].append(c)
        crowds = {k: _Crowd(g, thresholds) for k, g in groups.items()}
        small = sorted((k for k, crowd in crowds.items() if not crowd.passes()), key=str)
        if not small:
            break
        for name in small:
            # borrow only where a group is about to lose its last label (the question) or be withheld
            if crowds[name].passes() or (len(name) <= 1 and _borrow(name, groups, crowds, kept)):
                continue
            for c in groups[name]:
                if kept[c["id"]]:
                    kept[c["id"]].pop(0)
                else:
                    withheld.add(c["id"])
    return LabelPlan({cid: tuple(labels) for cid, labels in kept.items()}, withheld, thresholds)


def _borrow(name: tuple, groups: dict, crowds: dict, kept: dict) -> bool:
    """Move comments of larger groups that agree on every label of group ``name`` into it (they
    drop their other labels) until it passes, taking from a donor only while the donor still passes."""
    wanted = dict(name)
    donors = [k for k in groups if k != name and len(k) > len(name) and crowds[k].passes()
              and all(dict(k).get(label) == value for label, value in wanted.items())]
    target = _Crowd(groups[name], crowds[name].thresholds)
    taken: list[tuple[tuple, dict]] = []
    for donor in sorted(donors, key=lambda k: (-len(groups[k]), str(k))):
        for c in sorted(groups[donor], key=lambda c: c["id"]):
            if not crowds[donor].passes_without(c):
                continue
            crowds[donor].add(c, -1)
            target.add(c, 1)
            taken.append((donor, c))
            if target.passes():
                for source, t in taken:
                    groups[source].remove(t)
                    kept[t["id"]] = [label for label in DROP_ORDER if label in wanted]
                    groups[name].append(t)
                crowds[name] = target
                return True
    for source, t in taken:  # not enough to borrow: give everything back
        crowds[source].add(t, 1)
    return False


def coarsened(comment: dict, plan: LabelPlan) -> dict:
    """The comment without who wrote it and without the labels the plan drops."""
    keep = set(plan.labels.get(comment["id"], ()))
    return {k: v for k, v in comment.items()
            if k not in IDENTITY_FIELDS and (k not in DROP_ORDER or k in keep)}


def with_consent(comment: dict) -> dict:
    """A comment for a reader with identity rights: who wrote it only when the respondent consented
    (company fields stay: an identified survey tells the partner its account team sees them)."""
    if comment.get("identifiable"):
        return comment
    return {k: v for k, v in comment.items() if k not in PERSON_FIELDS}


def public_id(comment_id: str, wave_id: str, secret: str) -> str:
    """An opaque id of one comment in one wave: HMAC-SHA256 keyed by the application secret."""
    digest = hmac.new(("pulse-comment-id|" + (secret or "")).encode(), f"{wave_id}|{comment_id}".encode(),
                      hashlib.sha256).digest()
    return "c-" + base64.urlsafe_b64encode(digest[:18]).decode()


def resolve(comments: list[dict], wave_id: str, given: str, secret: str) -> dict | None:
    """The comment record a raw or opaque id names (corrections accept both)."""
    for c in comments:
        if c["id"] == given or public_id(c["id"], wave_id, secret) == given:
            return c
    return None


def withheld_notice(count: int, plan: LabelPlan, unlabelled: int = 0, dimension: str | None = None) -> dict | None:
    """How many comments a view withholds, and why (None when it withholds none). ``count``: withheld
    by the plan (no crowd); ``unlabelled``: those of a scoped reader's scope whose ``dimension``
    label the plan removed (listing them would tell their segment)."""
    if not count and not unlabelled:
        return None
    comments, respondents, partners = plan.thresholds
    smaller = f"group smaller than {comments} comments, {respondents} respondents or {partners} partners"
    parts = []
    if count:
        parts.append(f"{count} comment{'' if count == 1 else 's'} withheld: {smaller} even with every segment "
                     "label removed.")
    if unlabelled:
        parts.append(f"{unlabelled} comment{'' if unlabelled == 1 else 's'} of your scope withheld here: their "
                     f"{dimension} label is removed to protect a {smaller}.")
    return {"comments": count + unlabelled, "reason": plan.reason(), "message": " ".join(parts)}


DEFAULT_PARTNER_THRESHOLD = 3


def partner_threshold(review) -> int:
    """Distinct partners a published group needs: ``min_partners`` of the settings when configured, else 3."""
    return int(getattr(review, "min_partners", None) or DEFAULT_PARTNER_THRESHOLD)


def reader_settings(review, secret: str) -> dict:
    """Keyword arguments of ``results.search_comments`` from the review settings: comment,
    respondent and partner thresholds (partners: ``min_partners`` when configured, else 3)."""

    return {"min_comments": review.min_comments, "min_respondents": review.min_scores,
            "min_partners": partner_threshold(review), "secret": secret}
