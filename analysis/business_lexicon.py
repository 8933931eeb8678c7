"""Direction words of English business language ("sales rose", "the loss narrowed", "costs increased").

Two counts per comment, added to the English model's lexicon block (``FeatureBatch.lexicon_counts``):
words saying a figure went **up** and words saying it went **down** ("rose", "grew", "record";
"fell", "declined", "cut"). In a clause that names a cost ("loss", "costs", "debt", ...), the
direction flips: a loss that narrowed is good news, costs that rose are bad news. A negated word
(``NOT_`` from ``text_features.word_tokens``) flips too. The same two counts carry the service
words partners use for what got better or worse ("faster", "easier"; "slow", "late", "broken",
"confusing"). The weights of the two counts are learned
with the rest of the model; this module only says which words count.
"""
from __future__ import annotations

from .text_features import CLAUSE_END

UP = frozenset("""
rose rise rises rising risen increased increase increases increasing grew grow grows growing growth up higher
highest improved improve improves improving improvement gained gain gains jumped jumps surged surge soared climbed
climbs record beat beats exceeded exceeds boosted boost strong stronger strengthened expanded expand expands
expansion upgraded upgrade raised raises outperformed outperform rebounded rebound recovered recovery doubled tripled
widened profitable won wins awarded advanced advances accelerated record-high up-to rallied
fast faster quick quicker easier smooth smoother
""".split())
DOWN = frozenset("""
fell fall falls falling fallen decreased decrease decreases decreasing declined decline declines declining dropped
drop drops dropping down lower lowest lowered weak weaker weakened cut cuts cutting plunged plunge plummeted slumped
slump slid slide shrank shrink shrinking contracted narrowed narrow missed misses downgraded downgrade halved
worsened worse deteriorated reduced reduce reduces reduction lost losing warned warns slowed slowdown
slow slower late delayed delay delays broken crashing crashes crashed confusing
""".split())
COST = frozenset("""
loss losses costs cost expenses expense debt debts deficit unemployment layoffs redundancies writedown write-down
impairment impairments charges liabilities
""".split())
NEGATIVE_NOUNS = frozenset("loss losses deficit layoffs redundancies bankruptcy impairment writedown".split())


def token_classes(tokens: list[str]):
    """Per distinct token: (+1 up, −1 down, 0 none) direction, whether it names a cost, whether it is
    a loss-like noun, whether it ends a clause; ``NOT_`` tokens carry the flipped direction."""
    import numpy as np

    direction = np.zeros(len(tokens), dtype=np.int8)
    cost = np.zeros(len(tokens), dtype=bool)
    loss_like = np.zeros(len(tokens), dtype=bool)
    clause_end = np.zeros(len(tokens), dtype=bool)
    for k, token in enumerate(tokens):
        negated = token.startswith("NOT_")
        word = token[4:] if negated else token
        sign = 1 if word in UP else -1 if word in DOWN else 0
        direction[k] = -sign if negated else sign
        cost[k] = word in COST
        loss_like[k] = word in NEGATIVE_NOUNS
        clause_end[k] = token in CLAUSE_END
    return direction, cost, loss_like, clause_end


def direction_counts(tokens: list[str], doc, ids, size: int):
    """(size, 2) float array: up and down counts (each capped at 3) per doc, from the flat token
    stream of ``feature_batch.batch_word_tokens`` (``doc`` and token ``ids`` per position, in order).

    In a clause with a cost word every direction word flips; a cost word with no direction word in
    its clause counts once as down when it is a loss-like noun ("a loss of EUR 2 mn")."""
    import numpy as np

    out = np.zeros((size, 2))
    if len(ids) == 0:
        return out
    direction, cost, loss_like, clause_end = token_classes(tokens)
    d, c = direction[ids].astype(np.int64), cost[ids]
    starts = np.ones(len(ids), dtype=bool)
    starts[1:] = (doc[1:] != doc[:-1]) | clause_end[ids][:-1]
    clause = np.cumsum(starts) - 1
    has_cost = np.bincount(clause, weights=c, minlength=clause[-1] + 1) > 0
    has_direction = np.bincount(clause, weights=(d != 0) & ~c, minlength=clause[-1] + 1) > 0
    signed = np.where(has_cost[clause] & ~c, -d, d)
    signed = np.where(c, 0, signed)
    signed = np.where(c & loss_like[ids] & ~has_direction[clause], -1, signed)
    up = np.bincount(doc[signed > 0], minlength=size)
    down = np.bincount(doc[signed < 0], minlength=size)
    out[:, 0] = np.minimum(up, 3)
    out[:, 1] = np.minimum(down, 3)
    return out
