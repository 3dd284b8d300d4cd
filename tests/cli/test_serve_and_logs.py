"""`serve` refusals that used to crash or overwrite (a busy port, a second server on one data
folder) and the history tools on the server's own folder layout."""
import os
import shutil
import signal
import subprocess
import urllib.request

from conftest import SOURCE, Cli

SPARK_EVENTS = SOURCE / "tests" / "data" / "spark-history" / "spark-events"


def test_serve_on_a_busy_port_exits_1_with_the_reason(cli, paused, tmp_path):
    port = paused.url.rsplit(":", 1)[1]
    r = cli.run("serve", "--listen", f"127.0.0.1:{port}", "--data-dir", tmp_path / "other", timeout=60)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert f"cannot listen on 127.0.0.1:{port}: address already in use" in r.stderr


def test_second_serve_on_a_data_folder_is_refused_naming_the_first(cli, paused):
    url_before = (paused.data_dir / "server-url").read_text()
    r = cli.run("serve", "--listen", "127.0.0.1:0", "--data-dir", paused.data_dir, timeout=60)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert f"is in use by another sparkplane (pid {paused.proc.pid})" in r.stderr, r.stderr
    assert (paused.data_dir / "server-url").read_text() == url_before


def test_eventlog_stats_searches_the_servers_layout_and_refuses_other_files(binary, tmp_path):
    cli = Cli(binary, tmp_path)
    data = tmp_path / "data"
    (data / "apps" / "a" / "eventlog").mkdir(parents=True)
    shutil.copy(SPARK_EVENTS / "local-1422981759269", data / "apps" / "a" / "eventlog")
    (data / "sparkplane.db").write_text("not a log")
    out = cli.ok("eventlog", "stats", data)
    assert "local-1422981759269" in out
    not_a_log = cli.run("eventlog", "stats", SOURCE / "README.md")
    assert not_a_log.returncode == 1
    assert "is not a Spark event log" in not_a_log.stderr
    (tmp_path / "empty").mkdir()
    empty = cli.run("eventlog", "stats", tmp_path / "empty")
    assert empty.returncode == 1
    assert "no Spark event logs" in empty.stderr


def run_history(binary, folder):
    """Starts `history --dir folder` and returns the process and its API base URL."""
    proc = subprocess.Popen([binary, "history", "--dir", str(folder), "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={k: v for k, v in os.environ.items() if not k.startswith("SPARKPLANE_")})
    line = proc.stdout.readline()
    assert "history: serving" in line, line
    return proc, line.split(" on ", 1)[1].strip()


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=30)[1]


def test_history_serves_subfolders_and_warns_on_an_empty_folder(binary, tmp_path):
    (tmp_path / "data" / "apps" / "a" / "eventlog").mkdir(parents=True)
    shutil.copy(SPARK_EVENTS / "local-1422981759269", tmp_path / "data" / "apps" / "a" / "eventlog")
    proc, base = run_history(binary, tmp_path / "data")
    try:
        with urllib.request.urlopen(base + "/applications", timeout=30) as resp:
            assert "local-1422981759269" in resp.read().decode()
    finally:
        assert "warning" not in stop(proc)
    (tmp_path / "empty").mkdir()
    proc, _ = run_history(binary, tmp_path / "empty")
    assert "warning: no Spark event logs" in stop(proc)
