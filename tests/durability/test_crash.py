"""kill -9 of the control plane loses nothing: accepted submissions survive and running drivers
are re-adopted and followed to their true end (SQLite; PostgreSQL with two replicas)."""
import concurrent.futures
import os
import pathlib
import subprocess
import threading

import pytest

from sparkplane_server import Server, wait_until

SOURCE = pathlib.Path(__file__).resolve().parents[2]
PI = str(SOURCE / "examples" / "python" / "pi.py")


def submit(server, app_id, args=("2",)):
    return server.call("POST", f"/ocean/spark/cluster/{server.cluster}/app",
                       {"jobId": "crash", "appId": app_id,
                        "configOverrides": {"mainApplicationFile": PI, "arguments": list(args)}})


def alive(pid):
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def burst_then_kill(server, n=500):
    """n concurrent submissions; the server is killed -9 while they are in flight."""
    accepted = []
    some_accepted = threading.Semaphore(0)

    def one(i):
        try:
            status, _ = submit(server, f"burst-{i}")
        except Exception:  # the connection died with the server
            return None
        if status != 200:
            return None
        some_accepted.release()
        return i

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        futures = [pool.submit(one, i) for i in range(n)]
        # Kill once the burst is under way: 20 answered, the rest in flight or queued.
        for _ in range(20):
            assert some_accepted.acquire(timeout=60), "the server accepted fewer than 20 submissions"
        server.kill9()
        for f in futures:
            if f.result() is not None:
                accepted.append(f.result())
    return accepted


def check_accepted_exist(server, accepted):
    for i in accepted:
        status, body = server.call("GET", f"/ocean/spark/cluster/{server.cluster}/app/burst-{i}")
        assert status == 200, f"burst-{i} was accepted (2xx) but is gone: {body}"


def cancel_pending(server):
    """Cancels every queued app (including ones accepted without the client hearing back)."""
    status, body = server.call("GET", f"/ocean/spark/cluster/{server.cluster}/app?state=PENDING&pageSize=1000")
    assert status == 200, body
    for app in body["response"]["items"][0]["page"]:
        server.call("DELETE", f"/ocean/spark/cluster/{server.cluster}/app/{app['id']}")


def readopt_running_driver(start_server, kill_leader):
    """A driver running when the leader dies is re-adopted and reaches its true end."""
    server = start_server()
    assert submit(server, "survivor", args=("40",))[0] == 200
    assert server.wait_state("survivor", {"RUNNING"}) == "RUNNING"
    wait_until(lambda: (server.data_dir / "apps" / "survivor" / "driver.log").exists()
               and (server.data_dir / "apps" / "survivor" / "driver.log").stat().st_size > 0,
               "the survivor's driver to write its log")
    follower = kill_leader(server)
    app = follower.app("survivor")
    assert app["appState"] in ("RUNNING", "COMPLETED"), app
    assert follower.wait_state("survivor", {"COMPLETED", "FAILED", "KILLED"}, seconds=300) == "COMPLETED", \
        follower.app("survivor")
    assert follower.app("survivor").get("exitCode") == 0
    return follower


def test_sqlite_kill9_loses_no_submission_and_readopts_drivers(binary, tmp_path):
    server = Server(binary, tmp_path, ["--launching-paused"])
    accepted = burst_then_kill(server)
    assert accepted, "no submission was accepted before the kill"
    restarted = Server(binary, tmp_path, ["--launching-paused"])
    check_accepted_exist(restarted, accepted)
    restarted.stop()

    def kill_and_restart(s):
        s.kill9()
        return Server(binary, tmp_path, ["--max-concurrent-apps", "1"])

    # The queued burst apps are cancelled so the survivor runs at once.
    cleaner = Server(binary, tmp_path, ["--launching-paused"])
    cancel_pending(cleaner)
    cleaner.stop()
    final = readopt_running_driver(lambda: Server(binary, tmp_path, ["--max-concurrent-apps", "1"]), kill_and_restart)
    final.stop()


@pytest.mark.skipif(not os.environ.get("PG_TEST_DSN"), reason="PG_TEST_DSN is not set")
def test_postgres_two_replicas_survive_the_leader(binary, tmp_path):
    schema = "crash_" + os.urandom(4).hex()
    dsn = os.environ["PG_TEST_DSN"]
    subprocess.run(["psql", dsn, "-qc", f"CREATE SCHEMA {schema}"], check=True)
    url = f"{dsn}{'&' if '?' in dsn else '?'}options=-csearch_path%3D{schema}"
    try:
        paused = ["--store", url, "--launching-paused"]
        leader, follower = Server(binary, tmp_path, paused), Server(binary, tmp_path, paused)
        accepted = burst_then_kill(leader)
        assert accepted
        check_accepted_exist(follower, accepted)
        cancel_pending(follower)
        follower.stop()

        running = ["--store", url, "--max-concurrent-apps", "2"]
        leader = Server(binary, tmp_path, running)
        follower = Server(binary, tmp_path, running)

        def kill_leader(s):
            leader.kill9()
            # The follower takes the lease (its expiry is tested in the store suite): a new app runs.
            assert submit(follower, "after-failover")[0] == 200
            assert follower.wait_state("after-failover", {"RUNNING", "COMPLETED"}, seconds=120) in ("RUNNING", "COMPLETED")
            return follower

        final = readopt_running_driver(lambda: follower, kill_leader)
        final.stop()
    finally:
        subprocess.run(["psql", dsn, "-qc", f"DROP SCHEMA {schema} CASCADE"], check=False)
