"""The default runtime end to end with real Spark: an embedded standalone master, Worker JVMs the
fleet starts and stops (scale from zero, idle TTL, a worker killed -9 and replaced), executors as
asked, kill -9 of sparkplane with re-adoption of master, workers and driver, and refusals."""
import json
import os
import pathlib
import signal
import sqlite3
import time

from sparkplane_server import Server

HERE = pathlib.Path(__file__).resolve().parent
HOLD = str(HERE / "hold.py")
ENDED = {"COMPLETED", "COMPLETED_WITH_WARNINGS", "FAILED", "KILLED", "TIMED_OUT"}


def standalone(binary, data_dir, *extra, shapes="2c4g"):
    return Server(binary, data_dir, ["--runtime", "standalone", "--fleet-max-cores", "8",
                                     "--fleet-shapes", shapes, *extra])


def wait_for(what, predicate, seconds=180, interval=0.25):
    """predicate() until it returns something truthy; fails naming `what` at the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def nodes(data_dir):
    db = sqlite3.connect(f"file:{data_dir / 'sparkplane.db'}?mode=ro", uri=True, timeout=10)
    try:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM nodes ORDER BY created_at, id")]
    finally:
        db.close()


def alive(pid):
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def submit(server, app_id, release, executors=2):
    return server.call("POST", f"/ocean/spark/cluster/{server.cluster}/app",
                       {"jobId": "hold", "appId": app_id,
                        "configOverrides": {"mainApplicationFile": HOLD, "arguments": [str(release)],
                                            "executor": {"instances": executors, "cores": 1,
                                                         "memory": "512m"}}})


def executors(server, app_id):
    """Non-driver executors of the app, from sparkplane's History Server API (its event log)."""
    spark_id = server.app(app_id).get("sparkAppId")
    if not spark_id:
        return []
    status, body = server.call("GET", f"/api/v1/applications/{spark_id}/allexecutors")
    if status != 200:
        return []
    return [e for e in body if e["id"] != "driver"]


def active(execs):
    return [e for e in execs if e.get("isActive")]


def test_executors_on_fleet_workers_scale_from_zero_lost_worker_and_ttl(binary, tmp_path):
    # 1-core workers: the two executors land on two workers the fleet starts for them.
    server = standalone(binary, tmp_path, "--fleet-idle-ttl", "3", shapes="1c2g")
    try:
        master = json.loads(wait_for("the master record",
                                     lambda: (tmp_path / "standalone" / "master.json").exists()
                                     and (tmp_path / "standalone" / "master.json").read_text()))
        assert nodes(tmp_path) == [], "no worker runs before an app asks for one"

        release = tmp_path / "release"
        status, body = submit(server, "two", release)
        assert status == 200, body
        execs = wait_for("2 executors", lambda: len(active(executors(server, "two"))) == 2
                         and active(executors(server, "two")))
        worker_uis = {e["executorLogs"]["stdout"].split("/logPage")[0] for e in execs}
        assert len(worker_uis) == 2, execs
        app = server.app("two")
        assert app["appState"] == "RUNNING"
        assert app["allocation"]["runtime"] == "standalone"
        assert app["allocation"]["executors"] == 2
        started = [n for n in nodes(tmp_path) if n["state"] == "READY"]
        assert len(started) == 2, nodes(tmp_path)
        assert {n["reason"] for n in started} == {"added for pending apps"}

        # A worker killed -9 mid-app: the node is recorded lost, the fleet starts a replacement,
        # and the app gets executors again for its second job and completes.
        victim = started[0]
        os.kill(victim["pid"], signal.SIGKILL)
        wait_for("the lost node", lambda: any(n["id"] == victim["id"] and n["state"] == "LOST"
                                              for n in nodes(tmp_path)))
        release.write_text("go")
        # Spark logs the lost executors as errors: the app completes with warnings.
        assert server.wait_state("two", ENDED) in ("COMPLETED", "COMPLETED_WITH_WARNINGS"), server.app("two")
        assert server.app("two").get("exitCode") == 0
        history = nodes(tmp_path)
        # (the app may finish on its surviving executor before the replacement registers)
        assert any(n["created_at"] > victim["created_at"] and n["reason"] == "added for lost executors"
                   for n in history), history

        # Idle workers are decommissioned and removed after the TTL.
        removed = wait_for("every worker removed", lambda: all(n["ended_at"] > 0 for n in nodes(tmp_path))
                           and nodes(tmp_path), seconds=90)
        assert any(n["state"] == "REMOVED" and "idle for" in n["reason"] for n in removed), removed
        assert alive(master["pid"])
    finally:
        server.stop()
    assert not alive(master["pid"]), "the embedded master stops with the server"


def test_kill9_readopts_master_workers_and_driver(binary, tmp_path):
    server = standalone(binary, tmp_path)
    release = tmp_path / "release"
    try:
        # Refused at once: the driver plus one executor exceed the host limit of 8 cores.
        status, body = server.call("POST", f"/ocean/spark/cluster/{server.cluster}/app",
                                   {"configOverrides": {"mainApplicationFile": HOLD,
                                                        "executor": {"cores": 8, "instances": 1}}})
        assert status == 400, body
        assert "8 cores" in json.dumps(body), body

        assert submit(server, "survivor", release, executors=1)[0] == 200
        wait_for("1 executor", lambda: len(active(executors(server, "survivor"))) == 1)
        master = json.loads((tmp_path / "standalone" / "master.json").read_text())
        workers = [n for n in nodes(tmp_path) if n["state"] == "READY"]
        server.kill9()

        server = standalone(binary, tmp_path)
        assert json.loads((tmp_path / "standalone" / "master.json").read_text())["pid"] == master["pid"]
        assert alive(master["pid"])
        after = {n["id"]: n for n in nodes(tmp_path)}
        for w in workers:
            assert after[w["id"]]["state"] == "READY" and alive(w["pid"]), after
        assert server.app("survivor")["appState"] == "RUNNING"
        release.write_text("go")
        assert server.wait_state("survivor", ENDED) == "COMPLETED", \
            server.app("survivor")
        assert server.app("survivor").get("exitCode") == 0
    finally:
        server.stop()
    assert not alive(master["pid"])
    assert all(n["ended_at"] > 0 for n in nodes(tmp_path)), "workers stop with the server"
