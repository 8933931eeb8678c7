"""The report archive: every file of one report under ``reports/<wave>/<YYYY-MM-DD>/``.

Never half-written: locally the files go to a hidden temporary folder that is renamed into
place in one step; on S3 every part is written first and ``manifest.json`` (names, sizes,
SHA-256) last, so an archive without a manifest is incomplete by definition and readers (and
``complete``) ignore it. A retried run rewrites the same keys.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Protocol

MANIFEST = "manifest.json"
SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".png": "image/png", ".json": "application/json",
                 ".txt": "text/plain; charset=utf-8", ".eml": "message/rfc822"}


def archive_prefix(wave_id: str, day: str) -> str:
    """``reports/<wave>/<YYYY-MM-DD>``; both parts are checked so no key can escape the prefix."""
    for part in (wave_id, day):
        if not SAFE_PART.match(part) or ".." in part:
            raise ValueError(f"unsafe archive key part {part!r}")
    return f"reports/{wave_id}/{day}"


def manifest_for(files: dict[str, bytes], wave_id: str, day: str) -> bytes:
    entries = [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
               for name, data in sorted(files.items())]
    return json.dumps({"wave_id": wave_id, "day": day, "files": entries}, indent=2).encode()


def _content_type(name: str) -> str:
    return CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")


class ReportArchive(Protocol):
    def write(self, wave_id: str, day: str, files: dict[str, bytes]) -> str:
        """Store every file, then the manifest; return where the archive is."""


class LocalReportArchive:
    """``<root>/reports/<wave>/<day>/`` on disk (``.local/`` by default)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def write(self, wave_id: str, day: str, files: dict[str, bytes]) -> str:
        target = self.root / archive_prefix(wave_id, day)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.parent / f".{day}.{os.getpid()}.tmp"
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir()
        try:
            for name, data in files.items():
                if not SAFE_PART.match(name):
                    raise ValueError(f"unsafe file name {name!r}")
                (temporary / name).write_bytes(data)
            (temporary / MANIFEST).write_bytes(manifest_for(files, wave_id, day))
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        old = target.parent / f".{day}.{os.getpid()}.old"
        if target.exists():
            os.replace(target, old)
        os.replace(temporary, target)
        shutil.rmtree(old, ignore_errors=True)
        return str(target)


class S3ReportArchive:
    """``s3://<bucket>/reports/<wave>/<day>/``: parts first, manifest last."""

    def __init__(self, client, bucket: str):
        self.client = client
        self.bucket = bucket

    def write(self, wave_id: str, day: str, files: dict[str, bytes]) -> str:
        prefix = archive_prefix(wave_id, day)
        for name, data in files.items():
            if not SAFE_PART.match(name):
                raise ValueError(f"unsafe file name {name!r}")
            self.client.put_object(Bucket=self.bucket, Key=f"{prefix}/{name}", Body=data,
                                   ContentType=_content_type(name), ServerSideEncryption="AES256")
        self.client.put_object(Bucket=self.bucket, Key=f"{prefix}/{MANIFEST}",
                               Body=manifest_for(files, wave_id, day), ContentType="application/json",
                               ServerSideEncryption="AES256")
        return f"s3://{self.bucket}/{prefix}/"

    def complete(self, wave_id: str, day: str) -> bool:
        """True when the manifest exists and every file it lists has the recorded size."""
        from botocore.exceptions import ClientError

        prefix = archive_prefix(wave_id, day)
        try:
            manifest = json.loads(self.client.get_object(Bucket=self.bucket,
                                                         Key=f"{prefix}/{MANIFEST}")["Body"].read())
            for entry in manifest["files"]:
                head = self.client.head_object(Bucket=self.bucket, Key=f"{prefix}/{entry['name']}")
                if head["ContentLength"] != entry["bytes"]:
                    return False
        except ClientError:
            return False
        return True
