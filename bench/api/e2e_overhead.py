#!/usr/bin/env python3
"""Paired runs: the same PySpark pi through sparkplane (POST → exec → exit, server timestamps) and
by hand (the same spark-submit argv, timed around the process). Prints the median POST → exec
delay and the wall-time ratio sparkplane / by hand.

  bench/api/e2e_overhead.py build/release/sparkplane [PAIRS]
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime

ROOT = pathlib.Path(__file__).resolve().parents[2]
PI = str(ROOT / "examples" / "python" / "pi.py")


def iso(ts):
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def main():
    binary, pairs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    data = pathlib.Path(tempfile.mkdtemp(prefix="sp-e2e-"))
    server = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(data),
                               "--runtime", "local", "--max-concurrent-apps", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not (data / "server-url").exists():
        time.sleep(0.05)
    url, token = (data / "server-url").read_text().strip(), (data / "admin-token").read_text().strip()

    def call(method, path, body=None):
        req = urllib.request.Request(url + path, data=json.dumps(body or {}).encode(), method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.load(r)["response"]["items"]

    cluster = call("GET", "/ocean/spark/cluster")[0]["id"]
    spark_home = pathlib.Path(next((ROOT / ".venv" / "lib").glob("python3*/site-packages/pyspark")))
    python = str(ROOT / ".venv" / "bin" / "python")
    delays, ratios = [], []
    for i in range(pairs):
        def via_server():
            app = call("POST", f"/ocean/spark/cluster/{cluster}/app",
                       {"jobId": "e2e", "appId": f"e2e-{i}", "configOverrides": {"mainApplicationFile": PI, "arguments": ["2"]}})[0]
            while app["appState"] in ("PENDING", "RUNNING"):
                time.sleep(0.2)
                app = call("GET", f"/ocean/spark/cluster/{cluster}/app/e2e-{i}")[0]
            assert app["appState"] == "COMPLETED", app
            delays.append(iso(app["startedAt"]) - iso(app["createdAt"]))
            return app, iso(app["endedAt"]) - iso(app["createdAt"])

        def by_hand(config):
            conf = config["sparkConf"]
            argv = [str(spark_home / "bin" / "spark-submit"), "--master", "local[2]", "--deploy-mode", "client",
                    "--name", f"hand-{i}", "--driver-memory", "1024m"]
            for k, v in conf.items():
                argv += ["--conf", f"{k}={v}"]
            logs = tempfile.mkdtemp(prefix="sp-hand-")
            argv += ["--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir={logs}", PI, "2"]
            env = dict(os.environ, PYSPARK_PYTHON=python, PYSPARK_DRIVER_PYTHON=python, SPARK_LOCAL_IP="127.0.0.1")
            start = time.time()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            return time.time() - start

        if i % 2 == 0:
            app, server_s = via_server()
            hand_s = by_hand(call("GET", f"/ocean/spark/cluster/{cluster}/app/e2e-{i}")[0]["config"])
        else:
            config = call("GET", f"/ocean/spark/cluster/{cluster}/app/e2e-{i - 1}")[0]["config"]
            hand_s = by_hand(config)
            app, server_s = via_server()
        ratios.append(server_s / hand_s)
        print(f"pair {i}: sparkplane {server_s:.2f} s, by hand {hand_s:.2f} s, ratio {server_s / hand_s:.3f}")
    server.terminate()
    server.wait()
    print(f"POST → exec: median {statistics.median(delays) * 1000:.1f} ms (target < 20 ms)")
    print(f"wall time sparkplane / by hand: median {statistics.median(ratios):.3f} (target ≤ 1.02)")


if __name__ == "__main__":
    main()
