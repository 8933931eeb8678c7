"""The sentiment model's lexicon is read from TextBlob's XML without importing TextBlob (whose import
pulls in NLTK and SciPy: seconds of fixed cost per small refresh); it must equal TextBlob's own."""
import subprocess
import sys


def test_the_lexicon_read_from_the_xml_equals_textblobs_own():
    from textblob.en import sentiment

    from analysis.text_features import pattern_sentiment_lexicon

    ours = pattern_sentiment_lexicon()
    theirs = {word: {pos: list(values) for pos, values in senses.items()} for word, senses in sentiment.items()}
    assert {w: {p: list(v) for p, v in s.items()} for w, s in ours.items()} == theirs


def test_reading_the_lexicon_imports_neither_textblob_nor_nltk():
    code = ("import sys; from analysis.text_features import textblob_lexicon; n = len(textblob_lexicon()); "
            "print(n, 'textblob' in sys.modules, 'nltk' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 1000 and out[1:] == ["False", "False", "False"]
