"""Public labelled text used to train and evaluate the sentiment models, beyond the shared tweets.

Each source is pinned by repository, commit, path and sha256 (``SOURCES``) and read from a local
cache folder (default ``.local/text-data``) that ``benchmarks/fetch_text_data.py`` fills from git
snapshots; nothing here downloads. Only slices whose licence allows it are committed (see
``analysis/data/eval/SOURCES.md``).

Splits (documented in docs/analysis.md):

* Twitter Financial News (MIT): its ``train`` file is split by ``sha256(text) % 10``: 0–7 train,
  8–9 development (choose C and offsets); its ``valid`` file is the held-out **test** set.
* Financial PhraseBank (CC BY-NC-SA 3.0): evaluation only, never trained on, never used to choose
  settings.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parents[1] / ".local" / "text-data"
EVAL_SLICES = Path(__file__).parent / "data" / "eval"
LABELS = ("negative", "neutral", "positive")
MAX_CHARS = 600  # a few training rows are whole articles; comments are short


@dataclass(frozen=True)
class Source:
    """One pinned public file."""

    name: str
    repo: str
    commit: str
    path: str
    sha256: str
    licence: str
    file: str


SOURCES = {
    "tfn_train": Source("Twitter Financial News sentiment, train", "DanYurystovskyi/Bachelor-Thesis-code",
                        "d41ff382349339962ed879fd500b0742d3ea9668", "sent_train.csv",
                        "b08ad7d97756c9a520a92279d9311d76be0ccf16d29aa1f07a3d163b12e11b57", "MIT", "tfn_train.csv"),
    "tfn_valid": Source("Twitter Financial News sentiment, valid (our test)", "DanYurystovskyi/Bachelor-Thesis-code",
                        "d41ff382349339962ed879fd500b0742d3ea9668", "sent_valid.csv",
                        "31ea8274c98b52212daa68f2fb962811bf1913c1efe51b99765c8e2311806de6", "MIT", "tfn_valid.csv"),
    "fpb": Source("Financial PhraseBank v1.0, sentences_50agree", "ishu121992/financial-news-sentiment-classification",
                  "5e03836f0d5b109d1499a9855b942409f10b5809", "all-data.csv",
                  "da2a57789cc6099aa27c6300550ca46d8351f9b4a6c8b03e32cf8081dd236d15", "CC BY-NC-SA 3.0",
                  "fpb_all_data.csv"),
    "absa_restaurants": Source("SemEval-2014 Task 4 ABSA, restaurants (train file)", "HugoBrg/sentiment_analysis",
                               "6faefb68a0871e33b1e59f7f2d5a016bc4ed5958", "Restaurants_Train.xml",
                               "c94c9e20912490fba5a8e67bfc23d9f979137605d3494e10e3036e704c5f6bcc",
                               "SemEval-2014 Task 4 terms (research use; no licence file in the copy)",
                               "absa_restaurants.xml"),
    "absa_laptops": Source("SemEval-2014 Task 4 ABSA, laptops (train file)", "HugoBrg/sentiment_analysis",
                           "6faefb68a0871e33b1e59f7f2d5a016bc4ed5958", "Laptop_Train.xml",
                           "efec2ed73b4efb83b47c697114d800149c558118884afa80362a6e975ba7248c",
                           "SemEval-2014 Task 4 terms (research use; no licence file in the copy)",
                           "absa_laptops.xml"),
}
TFN_LABELS = {"0": 0, "1": 2, "2": 1}  # bearish, bullish, neutral -> negative, positive, neutral


def bucket(text: str) -> int:
    """The documented split key: sha256 of the UTF-8 text, modulo 10."""
    return int(hashlib.sha256(text.encode("utf-8", "replace")).hexdigest(), 16) % 10


def cached(key: str, cache: Path = CACHE) -> Path | None:
    """The cached file of a source when present and intact (sha256 checked), else None."""
    path = cache / SOURCES[key].file
    if not path.is_file():
        return None
    if hashlib.sha256(path.read_bytes()).hexdigest() != SOURCES[key].sha256:
        raise ValueError(f"{path}: sha256 differs from the pinned {SOURCES[key].sha256}")
    return path


def read_tfn(content: str) -> tuple[list[str], list[int]]:
    """(texts, labels 0/1/2) of a Twitter Financial News CSV (``text,label``)."""
    texts, labels = [], []
    for row in csv.DictReader(io.StringIO(content)):
        text = (row.get("text") or "").strip()
        if text and row.get("label") in TFN_LABELS and len(text) <= MAX_CHARS:
            texts.append(text)
            labels.append(TFN_LABELS[row["label"]])
    return texts, labels


def read_fpb(content: str) -> tuple[list[str], list[int]]:
    """(texts, labels) of the Financial PhraseBank CSV (``label,news``; Latin-1 in the source)."""
    texts, labels = [], []
    for row in csv.DictReader(io.StringIO(content)):
        if row.get("label") in LABELS and (row.get("news") or "").strip():
            texts.append(row["news"].strip())
            labels.append(LABELS.index(row["label"]))
    return texts, labels


def tfn(split: str, cache: Path = CACHE) -> tuple[list[str], list[int]] | None:
    """Twitter Financial News: ``train`` (buckets 0–7 of its train file), ``dev`` (8–9) or ``test``
    (its valid file); None when not cached."""
    path = cached("tfn_valid" if split == "test" else "tfn_train", cache)
    if path is None:
        return None
    texts, labels = read_tfn(path.read_text(encoding="utf-8"))
    if split == "test":
        return texts, labels
    keep = [i for i, t in enumerate(texts) if (bucket(t) >= 8) == (split == "dev")]
    return [texts[i] for i in keep], [labels[i] for i in keep]


def fpb(cache: Path = CACHE) -> tuple[list[str], list[int]] | None:
    """Financial PhraseBank (all 4,846 sentences; evaluation only); None when not cached."""
    path = cached("fpb", cache)
    return None if path is None else read_fpb(path.read_bytes().decode("latin-1"))


def read_slice(path: Path) -> tuple[list[str], list[str]]:
    """(texts, labels) of a checked-in slice: ``label<TAB>text`` lines, ``#`` comments."""
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            labels.append(label.strip())
            texts.append(text.strip())
    return texts, labels
