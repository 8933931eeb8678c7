"""Direction words of business language: up / down, costs flip, negation flips."""
import numpy as np
import pytest

from analysis.business_lexicon import direction_counts
from analysis.feature_batch import FeatureBatch, batch_word_tokens
from analysis.text_features import for_model
from analysis.valence_lexicon import valences


def counts(texts):
    model_texts = [for_model(t) for t in texts]
    tokens, doc, ids = batch_word_tokens(model_texts, np.arange(len(texts)))
    return direction_counts(tokens, doc, ids, len(texts)).tolist()


@pytest.mark.parametrize(("text", "expected"), [
    ("Net sales rose 12 % to EUR 40 mn.", [1, 0]),
    ("The operating loss narrowed to EUR 2 mn.", [1, 0]),  # a cost that went down is good news
    ("Costs increased sharply.", [0, 1]),  # a cost that went up is bad news
    ("The company reported a loss of EUR 3 mn.", [0, 1]),  # a loss with no direction word
    ("Sales did not increase.", [0, 1]),  # negation flips
    ("The board met on Tuesday.", [0, 0]),
])
def test_direction_counts(text, expected):
    assert counts([text]) == [expected]


def test_clauses_are_counted_apart_and_the_batch_block_carries_them():
    assert counts(["Costs rose, but revenue grew."]) == [[1, 1]]
    block = FeatureBatch([for_model("Net sales rose and profit doubled.")]).lexicon_counts(np.arange(1))
    assert block.shape == (1, 7) and block[0, 3] == 2 and block[0, 4] == 0
    assert block[0, 5] > 0  # VADER valence of "profit"


def test_valence_lexicon_has_the_vader_words():
    lexicon = valences()
    assert len(lexicon) > 7000 and lexicon["good"] > 0 > lexicon["bad"]
