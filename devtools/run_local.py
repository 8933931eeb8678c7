"""``make run``: DynamoDB Local + tables + demo data (once) + first results + ``chalice local`` + the
stream poller (fresh results and follow-ups without commands, ``devtools/stream_poller.py``); Ctrl-C
stops all. Each step is reported as it starts; the banner comes when the dashboard is complete.

Beside another copy: ``make run PORT=8100`` (``PULSE_PORT``; DynamoDB Local on ``PULSE_DYNAMODB_PORT``,
default PORT + 1; data, outbox and links under ``PULSE_LOCAL_DIR``, default ``.local`` for 8000 and
``.local-<PORT>`` otherwise)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from .dynamodb_local import ROOT, DynamoDBLocal, DynamoDBLocalError, wait_until_ready

DEFAULT_PORT = 8000


def step(number: int, total: int, text: str) -> float:
    print(f"[{number}/{total}] {text}", flush=True)
    return time.monotonic()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs, CI).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    app_port = int(os.environ.get("PULSE_PORT") or DEFAULT_PORT)
    dynamodb_port = int(os.environ.get("PULSE_DYNAMODB_PORT") or app_port + 1)
    local = ROOT / (os.environ.get("PULSE_LOCAL_DIR")
                    or (".local" if app_port == DEFAULT_PORT else f".local-{app_port}"))
    local.mkdir(exist_ok=True)
    pulse = [str(ROOT / ".venv" / "bin" / "pulse"), "--stage", "local"]
    env = {**os.environ, "PULSE_PORT": str(app_port), "PULSE_DYNAMODB_PORT": str(dynamodb_port),
           "PULSE_LOCAL_DIR": str(local), "PULSE_DYNAMODB_ENDPOINT": f"http://127.0.0.1:{dynamodb_port}",
           "PULSE_PUBLIC_BASE_URL": os.environ.get("PULSE_PUBLIC_BASE_URL") or f"http://127.0.0.1:{app_port}",
           "PULSE_OUTBOX_DIR": os.environ.get("PULSE_OUTBOX_DIR") or str(local / "outbox"),
           "PULSE_REPORT_LOCAL_DIR": os.environ.get("PULSE_REPORT_LOCAL_DIR") or str(local),
           "PULSE_STREAM_POSITION_FILE": str(local / "stream-position.json")}
    started = time.monotonic()
    total = 5
    step(1, total, f"starting DynamoDB Local on port {dynamodb_port} (data in {local / 'dynamodb'})")
    try:
        database = DynamoDBLocal(local / "dynamodb", port=dynamodb_port,
                                 log_file=local / "dynamodb.log").start()
    except DynamoDBLocalError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    server = poller = None
    try:
        subprocess.run([*pulse, "db", "create-tables"], check=True, env=env, cwd=ROOT)
        step(2, total, "seeding the demo data (first run only: about a minute)")
        subprocess.run([*pulse, "demo", "seed"], check=True, env=env, cwd=ROOT)
        step(3, total, "building the first results of the demo waves")
        for wave in ("px-2025-h2", "px-2026-h1"):
            subprocess.run([*pulse, "snapshot", "refresh", "--wave", wave], check=True, env=env, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
        step(4, total, f"starting the app on port {app_port}")
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "chalice"), "local", "--no-autoreload", "--stage", "local",
             "--host", "127.0.0.1", "--port", str(app_port)], cwd=ROOT, env=env)
        wait_until_ready(f"http://127.0.0.1:{app_port}/healthz", server, timeout=60)
        step(5, total, "starting the stream poller (resumes from its last position)")
        # first start: replays the stream's retained records once (idempotent); later starts resume
        # after the last record handled (PULSE_STREAM_POSITION_FILE)
        poller = subprocess.Popen([sys.executable, "-m", "devtools.stream_poller", "--from-start"],
                                  cwd=ROOT, env=env)
        links = local / "demo-links.txt"
        token = subprocess.run([*pulse, "staff", "token", "--role", "admin", "--expires", "8h"], check=True, env=env,
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        print(f"\nPartner Pulse is running (ready in {time.monotonic() - started:.0f} s; the dashboard is complete).\n"
              f"  Health:          http://127.0.0.1:{app_port}/healthz\n"
              f"  Partner survey:  open a link from {links}\n"
              f"  Dashboard:       http://127.0.0.1:{app_port}/staff/login - paste this admin token (8 h; "
              "another: .venv/bin/pulse staff token --role analyst):\n"
              f"                   {token}\n"
              f"  E-mails:         {env['PULSE_OUTBOX_DIR']} (one .eml per message: invitations, reminders, "
              "follow-up notices, reports)\n"
              f"  Reports:         {local / 'reports'} (.venv/bin/pulse report --help builds one now)\n"
              f"  DynamoDB Local:  http://127.0.0.1:{dynamodb_port} (data in {local / 'dynamodb'})\n"
              "  Live results:    the stream poller applies new responses within seconds\n"
              "  CLI:             .venv/bin/pulse --help\n"
              "Press Ctrl-C to stop.\n", flush=True)
        if links.exists():
            print("Demo links:\n" + "".join(f"  {line}" for line in links.read_text().splitlines(True)[:5]))
        server.wait()
        return server.returncode or 0
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
        return 0
    except (subprocess.CalledProcessError, DynamoDBLocalError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if poller and poller.poll() is None:
            poller.terminate()
            try:
                poller.wait(timeout=5)
            except subprocess.TimeoutExpired:
                poller.kill()
        if server and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
        database.stop()
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
