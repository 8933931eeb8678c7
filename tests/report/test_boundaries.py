"""Import rules of the report code: heavy libraries and AWS clients load only inside functions."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.unit.test_architecture import HEAVY, module_level_imports

ROOT = Path(__file__).resolve().parents[2]
REPORT_MODULES = [*sorted((ROOT / "chalicelib" / "reports").glob("*.py")),
                  ROOT / "chalicelib" / "services" / "reporting.py", ROOT / "chalicelib" / "storage" / "report_runs.py"]


def test_report_modules_import_no_heavy_library_or_aws_sdk_at_module_level():
    for path in REPORT_MODULES:
        for name in module_level_imports(path):
            root = name.split(".")[0]
            assert root not in HEAVY, f"{path.name} imports {name} at module level"
            if path.name != "report_runs.py":
                assert root not in {"boto3", "botocore", "chalice"}, f"{path.name} imports {name}"


def test_importing_the_reporting_use_case_loads_no_heavy_library():
    code = ("import sys, chalicelib.services.reporting, chalicelib.reports.job; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""
