"""Runs real `sparkplane serve` processes for the end-to-end suites (they may kill -9 and restart
them). Each suite's conftest.py imports from here."""
import json
import os
import pathlib
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest


class Server:
    """`extra` without --runtime runs apps on --runtime local (one JVM each, cheap); the
    standalone suite passes --runtime standalone."""

    def __init__(self, binary, data_dir, extra=(), log_dir=None):
        """log_dir: where the server's output goes (default: the data folder, which must exist)."""
        if "--runtime" not in extra:
            extra = ["--runtime", "local", *extra]
        self.data_dir = pathlib.Path(data_dir)
        self.log_path = pathlib.Path(log_dir or data_dir) / f"server-{time.time_ns()}.log"
        self.log = open(self.log_path, "w")
        url_file = self.data_dir / "server-url"
        if url_file.exists():
            url_file.unlink()
        self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(self.data_dir),
                                      *extra], stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: url_file.exists() or self.proc.poll() is not None, "the server to start", seconds=60)
        assert url_file.exists(), "server did not start"
        self.url = url_file.read_text().strip()
        # With --tls-cert the server speaks https; its (self-signed) certificate is what we trust.
        extra = [str(e) for e in extra]
        self.ca_file = extra[extra.index("--tls-cert") + 1] if "--tls-cert" in extra else None
        self.tls = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        self.token = (self.data_dir / "admin-token").read_text().strip()
        self.cluster = self.call("GET", "/ocean/spark/cluster")[1]["response"]["items"][0]["id"]

    def call(self, method, path, body=None, timeout=30):
        data = json.dumps(body).encode() if body is not None else b"{}"
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.tls) as resp:
                return resp.status, json.load(resp)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def app(self, app_id):
        status, body = self.call("GET", f"/ocean/spark/cluster/{self.cluster}/app/{app_id}")
        assert status == 200, body
        return body["response"]["items"][0]

    def wait_state(self, app_id, states, seconds=240):
        state = None

        def reached():
            nonlocal state
            state = self.app(app_id)["appState"]
            return state in states
        try:
            wait_until(reached, f"{app_id} to reach {states}", seconds=seconds, poll=0.25)
        except AssertionError:
            pass  # the caller's assertion shows the state it ended in
        return state

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
        self.log.close()


def wait_until(predicate, what, seconds=120, poll=0.05):
    """Polls `predicate` until it is true; fails the test naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {seconds} s waiting for {what}"
        time.sleep(poll)


@pytest.fixture
def binary():
    path = os.environ.get("SPARKPLANE_BIN")
    assert path and os.path.exists(path), "set SPARKPLANE_BIN to the built sparkplane binary"
    return path
