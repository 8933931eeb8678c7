"""Import boundaries of the analysis engine."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"boto3", "botocore", "chalice"}


def test_analysis_never_imports_aws_or_chalice():
    for path in (ROOT / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_cli_module_loads_without_pandas_or_textblob():
    code = ("import sys, pulse_cli.main; "
            "print(sorted(m for m in ('pandas', 'numpy', 'textblob', 'analysis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_model_and_taxonomy_data_files_ship_with_the_package():
    data = ROOT / "analysis" / "data"
    assert (data / "sentiment_models.npz").is_file() and (data / "themes.yaml").is_file()
    assert (data / "language_model.npz").is_file()
    assert not (data / "sentiment_lexicon.yaml").exists()  # the demo-fitted lexicon is gone
