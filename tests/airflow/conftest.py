"""Starts a real `sparkplane serve` (127.0.0.1:0, temporary data folder) for the Airflow tests."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest


class Sparkplane:
    def __init__(self, url, token, cluster_id, data_dir):
        self.url, self.token, self.cluster_id, self.data_dir = url, token, cluster_id, data_dir

    def get(self, path):
        req = urllib.request.Request(self.url + path, headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)

    def app(self, app_id):
        return self.get(f"/ocean/spark/cluster/{self.cluster_id}/app/{app_id}")["response"]["items"][0]


@pytest.fixture(scope="session")
def sparkplane():
    binary = os.environ.get("SPARKPLANE_BIN")
    assert binary and os.path.exists(binary), "set SPARKPLANE_BIN to the built sparkplane binary"
    data_dir = pathlib.Path(tempfile.mkdtemp(prefix="sp-airflow-"))
    log = open(data_dir / "server.log", "w")
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(data_dir)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        url_file = data_dir / "server-url"
        for _ in range(200):
            if url_file.exists() or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert url_file.exists(), (data_dir / "server.log").read_text()
        url = url_file.read_text().strip()
        token = (data_dir / "admin-token").read_text().strip()
        probe = Sparkplane(url, token, "", data_dir)
        cluster_id = probe.get("/ocean/spark/cluster")["response"]["items"][0]["id"]
        yield Sparkplane(url, token, cluster_id, data_dir)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_env(sparkplane, tmp_path_factory):
    """Airflow pointed at sparkplane: a connection in the environment, endpoints re-pointed."""
    home = tmp_path_factory.mktemp("airflow-home")
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"
    os.environ["AIRFLOW_CONN_OCEAN_SPARK_DEFAULT"] = json.dumps({
        "conn_type": "ocean_spark", "host": sparkplane.cluster_id,
        "login": "act-00000000", "password": sparkplane.token})

    import requests
    import ocean_spark.hooks as hooks

    # The provider hard-codes https://api.spotinst.io; the hook reads these globals per call.
    base = sparkplane.url + "/ocean/spark/"
    hooks.GET_CLUSTER_ENDPOINT = (requests.get, base + "cluster/{cluster_id}")
    hooks.SUBMIT_APP_ENDPOINT = (requests.post, base + "cluster/{cluster_id}/app")
    hooks.GET_APP_ENDPOINT = (requests.get, base + "cluster/{cluster_id}/app/{app_id}")
    hooks.DELETE_APP_ENDPOINT = (requests.delete, base + "cluster/{cluster_id}/app/{app_id}")
    hooks.GET_DRIVER_LOGS = (requests.get, base + "cluster/{cluster_id}/app/{app_id}/log/live")
    return sparkplane
