"""Print the report cron of a stage from .chalice/config.json (for PULSE_REPORT_SCHEDULE at deploy).

Chalice evaluates ``@app.schedule(...)`` when it imports app.py, before any stage variable is
applied, so deploy with:
``PULSE_REPORT_SCHEDULE="$(python -m devtools.report_schedule prod)" chalice deploy --stage prod``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / ".chalice" / "config.json"
DEFAULT = "cron(0 7 ? * MON *)"


def stage_schedule(stage: str, config_path: Path = CONFIG) -> str:
    """The stage's PULSE_REPORT_SCHEDULE, else the app-wide one, else the weekly default."""
    config = json.loads(config_path.read_text("utf-8"))
    stage_vars = config.get("stages", {}).get(stage, {}).get("environment_variables", {})
    return (stage_vars.get("PULSE_REPORT_SCHEDULE")
            or config.get("environment_variables", {}).get("PULSE_REPORT_SCHEDULE") or DEFAULT)


if __name__ == "__main__":
    print(stage_schedule(sys.argv[1] if len(sys.argv) > 1 else "local"))
