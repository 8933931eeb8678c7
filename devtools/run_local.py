"""``make run``: DynamoDB Local + tables + demo data (once) + ``chalice local`` + the stream poller
(fresh results and follow-ups without commands, ``devtools/stream_poller.py``); Ctrl-C stops all."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from .dynamodb_local import ROOT, DynamoDBLocal, DynamoDBLocalError, wait_until_ready

DYNAMODB_PORT = 8001
APP_PORT = 8000


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs, CI).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    local = ROOT / ".local"
    local.mkdir(exist_ok=True)
    pulse = [str(ROOT / ".venv" / "bin" / "pulse"), "--stage", "local"]
    env = {**os.environ, "PULSE_DYNAMODB_ENDPOINT": f"http://127.0.0.1:{DYNAMODB_PORT}"}
    try:
        database = DynamoDBLocal(local / "dynamodb", port=DYNAMODB_PORT,
                                 log_file=local / "dynamodb.log").start()
    except DynamoDBLocalError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    server = poller = None
    try:
        subprocess.run([*pulse, "db", "create-tables"], check=True, env=env, cwd=ROOT)
        subprocess.run([*pulse, "demo", "seed"], check=True, env=env, cwd=ROOT)
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "chalice"), "local", "--no-autoreload", "--stage", "local",
             "--host", "127.0.0.1", "--port", str(APP_PORT)], cwd=ROOT, env=env)
        wait_until_ready(f"http://127.0.0.1:{APP_PORT}/healthz", server, timeout=60)
        # replays the stream's retained records once (idempotent), so the demo's waves get results
        poller = subprocess.Popen([sys.executable, "-m", "devtools.stream_poller", "--from-start"],
                                  cwd=ROOT, env=env)
        links = local / "demo-links.txt"
        token = subprocess.run([*pulse, "staff", "token", "--role", "admin", "--expires", "8h"], check=True, env=env,
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        print("\nPartner Pulse is running.\n"
              f"  Health:          http://127.0.0.1:{APP_PORT}/healthz\n"
              f"  Partner survey:  open a link from {links}\n"
              f"  Dashboard:       http://127.0.0.1:{APP_PORT}/staff/login - paste this admin token (8 h; "
              "another: .venv/bin/pulse staff token --role analyst):\n"
              f"                   {token}\n"
              f"  E-mails:         {local / 'outbox'} (one .eml per message: invitations, reminders, "
              "follow-up notices, reports)\n"
              f"  Reports:         {local / 'reports'} (.venv/bin/pulse report --help builds one now)\n"
              f"  DynamoDB Local:  http://127.0.0.1:{DYNAMODB_PORT} (data in .local/dynamodb)\n"
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
