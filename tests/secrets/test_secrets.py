"""Issue 18: secrets never leak. A real server runs a real Spark app whose config holds secrets;
no reply, listing, History Server page, CLI output, server log line or command line of the
driver's processes shows them, yet the app sees every one. A job config read back redacted and
PUT again keeps its secret. A fresh data folder is private."""
import hashlib
import json
import os
import pathlib
import re
import secrets
import sqlite3
import stat
import subprocess
import time
import urllib.error
import urllib.request

from sparkplane_server import Server

HERE = pathlib.Path(__file__).resolve().parent
APP = str(HERE / "secret_app.py")
PLACEHOLDER = "*********(redacted)"


def raw(server, method, path, body=None):
    """(status, text) of a request, for replies that are not JSON envelopes."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(server.url + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + server.token})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(what, condition, seconds=240):
    """Polls condition() until it returns something truthy; fails after the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def session_of(pid):
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[3])


def command_lines():
    """{pid: cmdline bytes} of every process on the machine."""
    out = {}
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out[int(entry.name)] = (entry / "cmdline").read_bytes()
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                pass
    return out


def assert_hidden(where, text, values):
    for v in values:
        assert v not in text, f"a secret leaked into {where}"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_secret_submission_end_to_end(binary, tmp_path):
    data = tmp_path / "data"  # fresh: the server creates it
    values = {name: f"{name}-{secrets.token_hex(8)}" for name in ("pw", "s3", "drv", "exe")}
    hidden = list(values.values())
    server = Server(binary, data, log_dir=tmp_path)
    c = server.cluster
    replies = []  # (where, text) of every answer, checked at the end
    try:
        # A job config with secrets, read back redacted and PUT again unchanged.
        job_path = f"/ocean/spark/cluster/{c}/job/secrets-e2e"
        status, text = raw(server, "PUT", job_path + "/config", {"config": {
            "sparkConf": {"spark.myapp.password": values["pw"]},
            "driver": {"envVars": {"MYAPP_DRIVER_TOKEN": values["drv"]}}}})
        assert status == 200, text
        replies.append(("job config PUT", text))
        read_back = json.loads(raw(server, "GET", job_path)[1])["response"]["items"][0]["config"]
        assert read_back["sparkConf"]["spark.myapp.password"] == PLACEHOLDER
        assert read_back["driver"]["envVars"]["MYAPP_DRIVER_TOKEN"] == PLACEHOLDER
        status, text = raw(server, "PUT", job_path + "/config", {"config": read_back})
        assert status == 200, text
        replies.append(("job config PUT again", text))

        release = tmp_path / "release"
        status, text = raw(server, "POST", f"/ocean/spark/cluster/{c}/app", {
            "jobId": "secrets-e2e", "appId": "secrets-e2e-1",
            "configOverrides": {"mainApplicationFile": APP, "arguments": [str(release)],
                                "sparkConf": {"spark.hadoop.fs.s3a.secret.key": values["s3"]},
                                "executor": {"envVars": {"MYAPP_EXECUTOR_TOKEN": values["exe"]}}}})
        assert status == 200, text
        replies.append(("submit reply", text))
        config = json.loads(text)["response"]["items"][0]["config"]
        assert config["sparkConf"]["spark.hadoop.fs.s3a.secret.key"] == PLACEHOLDER
        assert config["sparkConf"]["spark.myapp.password"] == PLACEHOLDER  # from the job config

        app_path = f"/ocean/spark/cluster/{c}/app/secrets-e2e-1"
        def ready():
            state = server.app("secrets-e2e-1")["appState"]
            log = raw(server, "GET", app_path + "/log/live")[1]
            assert state in ("PENDING", "RUNNING"), f"the app ended ({state}) early:\n{log}"
            return "READY" in log

        wait_for("the app to read its secrets", ready)
        # While it runs: no command line on the machine holds a secret, the driver's included.
        events = raw(server, "GET", app_path + "/kubeEvent/live")[1]
        driver_pid = int(re.search(r"driver started \(pid (\d+)\)", events).group(1))
        lines = command_lines()
        in_session = [pid for pid in lines if session_of(pid) == driver_pid]
        assert len(in_session) >= 3, f"expected wrapper, JVM and Python in the session: {in_session}"
        assert any(b"--properties-file" in lines[p] for p in in_session)
        for pid, line in lines.items():
            for v in hidden:
                assert v.encode() not in line, f"a secret is on the command line of pid {pid}"

        for path in [app_path, f"/ocean/spark/cluster/{c}/app", "/ocean/spark/app", job_path,
                     f"/ocean/spark/cluster/{c}/job", "/ocean/spark/job", app_path + "/issues",
                     app_path + "/kubeEvent/live", "/api/v1/applications"]:
            replies.append((path, raw(server, "GET", path)[1]))
        shs_apps = json.loads(raw(server, "GET", "/api/v1/applications")[1])
        spark_id = next(a["id"] for a in shs_apps if a["name"] == "secrets-e2e-1")
        status, env_text = raw(server, "GET", f"/api/v1/applications/{spark_id}/environment")
        assert status == 200, env_text
        replies.append(("History Server environment", env_text))
        spark_props = dict(json.loads(env_text)["sparkProperties"])
        assert spark_props["spark.myapp.password"] == PLACEHOLDER
        assert spark_props["spark.hadoop.fs.s3a.secret.key"] == PLACEHOLDER

        release.touch()
        assert server.wait_state("secrets-e2e-1", {"COMPLETED", "COMPLETED_WITH_WARNINGS", "FAILED"}) \
            .startswith("COMPLETED"), raw(server, "GET", app_path + "/log/live")[1]
        driver_log = raw(server, "GET", app_path + "/log/live")[1]
        replies.append(("driver log", driver_log))
        expected = hashlib.sha256("|".join(values[k] for k in ("pw", "s3", "drv", "exe")).encode()).hexdigest()
        assert f"SECRETS-SHA256={expected}" in driver_log, "the app did not see its real secrets"
        replies.append(("app after the end", raw(server, "GET", app_path)[1]))

        for args in (["apps", "--json"], ["app", "secrets-e2e-1", "--json"], ["app", "secrets-e2e-1"],
                     ["logs", "secrets-e2e-1"]):
            cli = subprocess.run([binary, *args, "--data-dir", str(data)], capture_output=True, text=True,
                                 timeout=60)
            assert cli.returncode == 0, cli.stderr
            replies.append(("sparkplane " + " ".join(args), cli.stdout + cli.stderr))
        for where, text in replies:
            assert_hidden(where, text, hidden)

        # The values reach Spark through the app's private properties file.
        app_dir = data / "apps" / "secrets-e2e-1"
        properties = (app_dir / "spark.properties").read_text()
        assert values["pw"] in properties and values["s3"] in properties
        for path, expected_mode in [(data, 0o700), (data / "apps", 0o700), (app_dir, 0o700),
                                    (data / "sparkplane.db", 0o600), (data / "admin-token", 0o600),
                                    (data / "server-url", 0o600), (app_dir / "spark.properties", 0o600),
                                    (app_dir / "driver.log", 0o600), (app_dir / "driver.exit", 0o600)]:
            assert mode(path) == expected_mode, f"{path}: {oct(mode(path))}"
        for suffix in ("-wal", "-shm"):
            wal = data / f"sparkplane.db{suffix}"
            if wal.exists():
                assert mode(wal) == 0o600, f"{wal}: {oct(mode(wal))}"
    finally:
        server.stop()
    log = server.log_path.read_text()
    assert "launched" in log  # the log is the server's
    assert_hidden("the server log", log, hidden + [server.token])


def stored_config(data, table, where, value):
    with sqlite3.connect(f"file:{data / 'sparkplane.db'}?mode=ro", uri=True) as db:
        return json.loads(db.execute(f"SELECT config_json FROM {table} WHERE {where} = ?", (value,)).fetchone()[0])


def test_placeholders_never_overwrite_secrets(binary, tmp_path):
    data = tmp_path / "data"
    server = Server(binary, data, ["--launching-paused", "--redaction-regex",
                                   "(?i)secret|password|token|access[.]?key|myco"], log_dir=tmp_path)
    c = server.cluster
    try:
        spec = {"mainApplicationFile": APP,
                "sparkConf": {"spark.myapp.password": "tpl-password-1", "spark.myco.sig": "tpl-sig-1",
                              "spark.executor.memory": "1g"}}
        status, text = raw(server, "POST", f"/ocean/spark/cluster/{c}/configTemplate",
                           {"id": "with-secrets", "config": spec})
        assert status == 200, text
        assert "tpl-password-1" not in text and "tpl-sig-1" not in text  # the server flag's pattern
        tpl_path = f"/ocean/spark/cluster/{c}/configTemplate/with-secrets"
        shown = json.loads(raw(server, "GET", tpl_path)[1])["response"]["items"][0]["config"]
        shown["sparkConf"]["spark.executor.memory"] = "2g"
        status, text = raw(server, "PUT", tpl_path, {"config": shown})
        assert status == 200, text
        kept = stored_config(data, "config_templates", "id", "with-secrets")
        assert kept["sparkConf"] == {"spark.myapp.password": "tpl-password-1", "spark.myco.sig": "tpl-sig-1",
                                     "spark.executor.memory": "2g"}

        # A placeholder with no stored value behind it is refused, naming the field.
        shown["sparkConf"]["spark.other.password"] = PLACEHOLDER
        status, text = raw(server, "PUT", tpl_path, {"config": shown})
        assert status == 400, text
        assert "config.sparkConf.spark.other.password" in text and "send the real value" in text

        # An app config read back redacted and resubmitted keeps the template's real values.
        status, text = raw(server, "POST", f"/ocean/spark/cluster/{c}/app",
                           {"appId": "resubmitted", "configTemplateId": "with-secrets",
                            "configOverrides": {"sparkConf": {"spark.myapp.password": PLACEHOLDER}}})
        assert status == 200, text
        assert stored_config(data, "apps", "id", "resubmitted")["sparkConf"]["spark.myapp.password"] == \
            "tpl-password-1"
        status, text = raw(server, "POST", f"/ocean/spark/cluster/{c}/app",
                           {"appId": "unbacked", "configOverrides": {
                               "mainApplicationFile": APP, "sparkConf": {"spark.new.password": PLACEHOLDER}}})
        assert status == 400, text
        assert "configOverrides.sparkConf.spark.new.password" in text
    finally:
        server.stop()


def test_bad_redaction_regex_is_refused(binary, tmp_path):
    run = subprocess.run([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path / "d"),
                          "--redaction-regex", "(secret"], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "--redaction-regex" in run.stderr and "'(secret'" in run.stderr


def test_a_shared_data_folder_gets_a_warning(binary, tmp_path):
    data = tmp_path / "shared"
    data.mkdir()
    os.chmod(data, 0o755)
    server = Server(binary, data, log_dir=tmp_path)
    server.stop()
    log = server.log_path.read_text()
    assert f"{data} is accessible to other users (mode 755)" in log
    assert f"chmod 700 {data}" in log


def test_backup_command_of_the_operations_doc(binary, tmp_path):
    """docs/operations.md: `sqlite3 DATA/sparkplane.db ".backup FILE"` under umask 077 while the
    server runs gives a private, consistent copy."""
    data = tmp_path / "data"
    server = Server(binary, data, ["--launching-paused"], log_dir=tmp_path)
    try:
        status, text = raw(server, "POST", f"/ocean/spark/cluster/{server.cluster}/app",
                           {"appId": "backed-up", "configOverrides": {"mainApplicationFile": APP}})
        assert status == 200, text
        backup = tmp_path / "backups" / "sparkplane.db"
        backup.parent.mkdir()
        subprocess.run(["sqlite3", str(data / "sparkplane.db"), f".backup {backup}"], check=True, timeout=60,
                       preexec_fn=lambda: os.umask(0o077))
    finally:
        server.stop()
    assert mode(backup) == 0o600
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as db:
        assert db.execute("SELECT count(*) FROM apps WHERE id = 'backed-up'").fetchone()[0] == 1
