"""The README's core loop on real Spark: submit --wait, app, logs, and the progress line that
`submit --wait` redraws on a terminal (two Spark runs in all)."""
import json
import os
import pathlib
import pty
import re
import select
import subprocess
import time

from conftest import Cli, PI

SLOW = str(pathlib.Path(__file__).resolve().parent / "slow_stages.py")


def test_readme_submit_wait_app_and_logs(binary, live):
    cli = Cli(binary, live.data_dir)
    r = cli.run("submit", "--job", "pi", "--wait", PI, "4", timeout=300)
    assert r.returncode == 0, r.stderr
    rows = dict(line.split(None, 1) for line in r.stdout.splitlines() if line.strip())
    assert rows["state"].strip() == "COMPLETED" and rows["job"].strip() == "pi"
    app_id = rows["id"].strip()
    assert f"submitted {app_id}" in r.stderr and f"{app_id}: COMPLETED" in r.stderr
    assert "\r" not in r.stderr, "no progress redraws when stderr is not a terminal"
    assert "Pi is roughly 3.1" in cli.ok("logs", app_id, "--follow")
    assert json.loads(cli.ok("app", app_id, "--json"))["appState"] == "COMPLETED"
    assert json.loads(cli.ok("apps", "--state", "COMPLETED", "--json"))[0]["id"] == app_id
    assert cli.run("issues", app_id).returncode == 0


def test_wait_on_a_terminal_redraws_stages_and_tasks(binary, live):
    cli = Cli(binary, live.data_dir)
    controller, terminal = pty.openpty()
    waiter = subprocess.Popen([binary, "submit", "--job", "slow", "--app", "slow-1", "--wait", SLOW, "600"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal, env=cli.env())
    os.close(terminal)
    seen = b""
    try:
        # Spark flushes its event log at job starts and stage ends, so while the one stage runs
        # the live model knows it and its 4 tasks but not yet that they started.
        progress = re.compile(rb"\r\x1b\[KRUNNING [0-9ms]+ \xc2\xb7 stages 0/1( \(1 running\))? \xc2\xb7 tasks 0/4")
        deadline = time.time() + 240
        while not progress.search(seen):
            assert time.time() < deadline and waiter.poll() is None, f"no progress line: {seen[-500:]!r}"
            if select.select([controller], [], [], 1)[0]:
                seen += os.read(controller, 4096)
        assert f"slow-1: RUNNING\r\n".encode() in seen, "state changes are lines of their own"
        cli.ok("kill", "slow-1", timeout=60)
        out, _ = waiter.communicate(timeout=60)
        assert waiter.returncode == 1, "the app was killed: --wait fails"
        assert "KILLED" in out.decode()
    finally:
        if waiter.poll() is None:
            waiter.kill()
        os.close(controller)
