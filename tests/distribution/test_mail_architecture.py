"""Mail adapters stay adapters: no Chalice, no heavy libraries, nothing read at import time."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_mail_adapters_never_import_chalice_or_the_environment():
    for path in (ROOT / "chalicelib" / "mail").rglob("*.py"):
        assert "chalice" not in imports(path), path
        assert "os.environ" not in path.read_text("utf-8"), path


def test_distribution_services_import_no_aws_sdk_even_indirectly():
    for name in ("mailer.py", "message.py", "compose.py", "texts.py", "outbox.py"):
        assert not imports(ROOT / "chalicelib" / "mail" / name) & {"boto3", "botocore"}, name
