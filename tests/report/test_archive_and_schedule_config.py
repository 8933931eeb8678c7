"""Archive completeness (local and S3), and the schedule's per-stage configuration."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from chalicelib.reports.archive import LocalReportArchive, S3ReportArchive, archive_prefix

ROOT = Path(__file__).resolve().parents[2]


def test_local_archive_is_all_or_nothing(tmp_path):
    archive = LocalReportArchive(tmp_path)
    archive.write("w1", "2026-11-23", {"report.html": b"old"})

    with pytest.raises(ValueError):
        archive.write("w1", "2026-11-23", {"report.html": b"new", "../escape.png": b"x"})

    folder = tmp_path / "reports" / "w1"
    assert [p.name for p in folder.iterdir()] == ["2026-11-23"]  # no temporary folder left
    assert (folder / "2026-11-23" / "report.html").read_bytes() == b"old"  # the previous archive survives
    assert not (tmp_path / "escape.png").exists()


def test_local_archive_writes_the_manifest_with_sizes(tmp_path):
    location = LocalReportArchive(tmp_path).write("w1", "2026-11-23", {"report.html": b"12345"})

    manifest = json.loads((Path(location) / "manifest.json").read_text())
    assert manifest["files"][0]["name"] == "report.html" and manifest["files"][0]["bytes"] == 5


def test_s3_archive_without_its_manifest_is_not_complete():
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="pulse-archive")
        archive = S3ReportArchive(s3, "pulse-archive")
        archive.write("w1", "2026-11-23", {"report.html": b"<p>x</p>", "a.png": b"png"})
        assert archive.complete("w1", "2026-11-23")

        s3.put_object(Bucket="pulse-archive", Key="reports/w1/2026-11-24/report.html", Body=b"half")  # crashed run
        assert not archive.complete("w1", "2026-11-24")


@pytest.mark.parametrize("part", ["../x", "a/b", "", "w1\nx"])
def test_archive_keys_cannot_escape_their_prefix(part):
    with pytest.raises(ValueError):
        archive_prefix(part, "2026-11-23")


def test_each_stage_names_a_report_schedule_and_the_job_has_its_own_memory_and_timeout():
    from devtools.report_schedule import stage_schedule

    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for stage in config["stages"]:
        assert stage_schedule(stage).startswith(("cron(", "rate("))
    job = config["lambda_functions"]["leadership_report"]
    assert job["lambda_timeout"] >= 60 and job["lambda_memory_size"] >= 1024


def test_app_takes_the_schedule_from_the_environment_at_import():
    code = ("import app; s = [e for e in app.app.event_sources if e.name == 'leadership_report'][0];"
            "print(s.schedule_expression)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "PULSE_REPORT_SCHEDULE": "cron(0 6 * * ? *)"})
    assert run.stdout.strip() == "cron(0 6 * * ? *)"
