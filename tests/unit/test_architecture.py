"""Import rules that keep the design honest, checked by parsing the source with ast."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "textblob", "matplotlib", "nltk", "analysis")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def module_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_importing_app_does_not_load_heavy_libraries():
    code = (f"import sys, app; heavy = [m for m in {HEAVY!r} if m in sys.modules]; print(','.join(heavy))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_domain_imports_only_the_standard_library_and_itself():
    allowed_roots = set(sys.stdlib_module_names) | {"chalicelib"}
    for path in (ROOT / "chalicelib" / "domain").glob("*.py"):
        for name in imported_modules(path):
            assert name.split(".")[0] in allowed_roots, f"{path.name} imports {name}"
            if name.startswith("chalicelib"):
                assert name.startswith("chalicelib.domain"), f"{path.name} imports {name}"


def test_services_never_import_boto3_or_chalice():
    for path in (ROOT / "chalicelib" / "services").rglob("*.py"):
        for name in imported_modules(path):
            assert name.split(".")[0] not in {"boto3", "botocore", "chalice"}, f"{path} imports {name}"


def test_adapters_never_import_chalice_and_analysis_never_imports_boto3():
    for folder in ("storage", "security"):
        for path in (ROOT / "chalicelib" / folder).rglob("*.py"):
            assert not any(n.split(".")[0] == "chalice" for n in imported_modules(path)), path
    for path in (ROOT / "analysis").rglob("*.py"):
        assert not any(n.split(".")[0] in {"boto3", "botocore"} for n in imported_modules(path)), path


def test_request_path_modules_do_not_import_heavy_libraries_at_module_level():
    for path in [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]:
        for name in module_level_imports(path):
            assert name.split(".")[0] not in HEAVY, f"{path} imports {name} at module level"
