"""What the comment explorer and the responses export show of each comment (standard library only:
request path). Protect by coarsening before hiding.

* A reader allowed respondent-level data on an identified survey (``may_see_identity``) reads every
  comment with its segment labels; who wrote it (``IDENTITY_FIELDS``) only where the respondent is
  ``consent.identifiable``.
* Everyone else reads each comment's text with only the segment labels that keep it in a crowd:
  ``label_plan`` groups the wave's comments by their published labels and, while a group holds
  fewer than ``min_comments`` comments, ``min_respondents`` respondents or ``min_partners``
  partners, drops the next label of its comments (``DROP_ORDER``: partner types, programs, region,
  tier, question). Every combination of published labels therefore covers a crowd, so no filter or
  combination of filters (each selects a union of such groups) isolates a small group. Only the
  comments of a group still too small with every label dropped are withheld, and the view says
  how many and why. The plan is made once per snapshot over the whole wave, not per scope: a
  scoped reader sees the comments whose published labels place them in its scope, so two scopes'
  views combine to nothing finer than the plan.
* Comment ids are opaque for those readers (``public_id``): a keyed hash of the wave and the
  comment, unique per comment, so one person's comments share no prefix; ``resolve`` maps them back.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections import defaultdict

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


def label_plan(comments: list[dict], min_comments: int, min_respondents: int = 1, min_partners: int = 1) -> LabelPlan:
    """The labels each comment keeps so every group of equal published labels is a crowd."""
    kept = {c["id"]: list(DROP_ORDER) for c in comments}

    def key(c):
        return tuple((label, _value(c, label)) for label in kept[c["id"]])

    withheld: set[str] = set()
    for _ in range(len(DROP_ORDER) + 1):
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for c in comments:
            if c["id"] not in withheld:
                groups[key(c)].append(c)
        small = [g for g in groups.values() if len(g) < min_comments
                 or len({c.get("invitation_id") for c in g}) < min_respondents
                 or len({c.get("partner_id") for c in g}) < min_partners]
        if not small:
            break
        for group in small:
            for c in group:
                if kept[c["id"]]:
                    kept[c["id"]].pop(0)
                else:
                    withheld.add(c["id"])
    return LabelPlan({cid: tuple(labels) for cid, labels in kept.items()}, withheld,
                     (min_comments, min_respondents, min_partners))


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


def withheld_notice(count: int, plan: LabelPlan) -> dict | None:
    """How many comments a view withholds, and why (None when it withholds none)."""
    if not count:
        return None
    return {"comments": count, "reason": plan.reason(),
            "message": f"{count} comment{'' if count == 1 else 's'} withheld: {plan.reason()}."}


def reader_settings(review, secret: str) -> dict:
    """Keyword arguments of ``results.search_comments`` from the review settings: comment,
    respondent and partner thresholds (partners: ``min_partners`` when configured, else 3)."""
    return {"min_comments": review.min_comments, "min_respondents": review.min_scores,
            "min_partners": int(getattr(review, "min_partners", None) or 3), "secret": secret}
