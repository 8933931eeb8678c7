"""Copy the pinned public text data (``analysis.text_data.SOURCES``) from git snapshots into the cache.

The files are read with ``git show <commit>:<path>`` from local clones of the pinned repositories
(``<mirrors>/<owner>+<name>/repo``, the layout of the snapshots this project fetches), checked
against their sha256 and written to ``.local/text-data``. Nothing is downloaded here, and nothing
is written into the repository: the Financial PhraseBank (CC BY-NC-SA 3.0) and the SemEval-2014
ABSA files stay in the cache and serve evaluation only.

    .venv/bin/python -m benchmarks.fetch_text_data [--mirrors /work/.mirror] [--cache .local/text-data]
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
from pathlib import Path

from analysis.text_data import CACHE, SOURCES


def fetch(mirrors: Path, cache: Path) -> list[str]:
    """Copy every source found in ``mirrors``; returns one line per source."""
    cache.mkdir(parents=True, exist_ok=True)
    lines = []
    for key, source in SOURCES.items():
        clone = mirrors / source.repo.replace("/", "+") / "repo"
        if not clone.is_dir():
            lines.append(f"{key}: no clone at {clone} (fetch github:{source.repo} first)")
            continue
        data = subprocess.run(["git", "-C", str(clone), "show", f"{source.commit}:{source.path}"],
                              check=True, capture_output=True).stdout
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            lines.append(f"{key}: sha256 {digest} differs from the pinned {source.sha256}; not written")
            continue
        (cache / source.file).write_bytes(data)
        lines.append(f"{key}: {source.file} ({len(data):,} bytes, {source.licence}) ok")
    return lines


def fetch_chabsa(mirrors: Path, cache: Path) -> str:
    """Derive ``chabsa_sentences.tsv`` (document id, label, sentence) from the pinned chABSA folder
    (``analysis.text_data.CHABSA``: every JSON file of its git tree, in name order)."""
    import json

    from analysis.text_data import CHABSA, chabsa_rows

    clone = mirrors / CHABSA["repo"].replace("/", "+") / "repo"
    if not clone.is_dir():
        return f"chabsa: no clone at {clone} (fetch github:{CHABSA['repo']} first)"
    git = ["git", "-C", str(clone)]
    tree = subprocess.run([*git, "rev-parse", f"{CHABSA['commit']}:{CHABSA['path']}"], check=True,
                          capture_output=True, text=True).stdout.strip()
    if tree != CHABSA["tree"]:
        return f"chabsa: tree {tree} differs from the pinned {CHABSA['tree']}; not written"
    names = subprocess.run([*git, "ls-tree", "--name-only", CHABSA["commit"], CHABSA["path"] + "/"], check=True,
                           capture_output=True, text=True).stdout.split()
    documents = [json.loads(subprocess.run([*git, "show", f"{CHABSA['commit']}:{name}"], check=True,
                                           capture_output=True).stdout) for name in sorted(names)]
    rows = chabsa_rows(documents)
    data = ("document_id\tlabel\tsentence\n" + "".join(f"{d}\t{lab}\t{t}\n" for d, lab, t in rows)).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    if digest != CHABSA["sha256"]:
        return f"chabsa: derived file sha256 {digest} differs from the pinned {CHABSA['sha256']}; not written"
    (cache / CHABSA["file"]).write_bytes(data)
    return f"chabsa: {CHABSA['file']} ({len(rows):,} sentences of {len(documents)} reports, {CHABSA['licence']}) ok"


def write_slices(cache: Path) -> list[str]:
    """The checked-in slices (licence permitting): every Twitter Financial News test row (MIT) with
    ``sha256(text) % 8 == 0``, as ``analysis/data/eval/tfn_test.en.tsv``."""
    from analysis.text_data import EVAL_SLICES, LABELS, chabsa, tfn

    data = tfn("test", cache)
    if data is None:
        return ["tfn slice: test file not cached"]
    rows = [(LABELS[y], " ".join(t.split())) for t, y in zip(*data, strict=True)
            if int(hashlib.sha256(t.encode("utf-8")).hexdigest(), 16) % 8 == 0]
    path = EVAL_SLICES / "tfn_test.en.tsv"
    path.write_text("# label<TAB>text: Twitter Financial News sentiment, valid file (MIT), rows with sha256 % 8 == 0\n"
                    + "".join(f"{label}\t{text}\n" for label, text in rows), encoding="utf-8")
    lines = [f"tfn slice: {len(rows)} rows -> {path}"]
    reports = chabsa("test", cache)
    if reports is not None:
        rows = [(LABELS[y], t) for t, y in zip(*reports, strict=True)
                if int(hashlib.sha256(t.encode("utf-8")).hexdigest(), 16) % 8 == 0]
        path = EVAL_SLICES / "chabsa_test.ja.tsv"
        path.write_text("# label<TAB>text: chABSA-dataset (chakki-works), sentences of the held-out reports "
                        "(sha256(document id) % 10 >= 8) with sha256(text) % 8 == 0; see SOURCES.md\n"
                        + "".join(f"{label}\t{text}\n" for label, text in rows), encoding="utf-8")
        lines.append(f"chabsa slice: {len(rows)} rows -> {path}")
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--slices", action="store_true", help="also rewrite the checked-in slices")
    args = parser.parse_args(argv)
    print("\n".join(fetch(args.mirrors, args.cache)))
    print(fetch_chabsa(args.mirrors, args.cache))
    if args.slices:
        print("\n".join(write_slices(args.cache)))


if __name__ == "__main__":
    main()
