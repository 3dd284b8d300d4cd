"""apps, app, kill, logs, issues, submit, templates, jobs against a real server whose launcher is
paused (so 50+ submissions start no Spark): tables, --json, paging, filters and exit codes."""
import json
import pathlib
import signal
import subprocess

import pytest

from conftest import PI, WORDCOUNT


def table(out):
    """Rows of a printed table as lists of cells (the header first)."""
    return [line.split() for line in out.splitlines() if line.strip()]


def submit(server, job, app_id=None, **extra):
    body = {"jobId": job, "configOverrides": {"mainApplicationFile": PI}, **extra}
    if app_id:
        body["appId"] = app_id
    status, reply = server.call("POST", f"/ocean/spark/cluster/{server.cluster}/app", body)
    assert status == 200, reply
    return reply["response"]["items"][0]["id"]


@pytest.fixture(scope="module")
def many(paused):
    """55 apps over two jobs, oldest first."""
    ids = [submit(paused, "etl" if i % 3 else "report", f"many-{i:02}") for i in range(55)]
    return ids


def test_apps_pages_through_every_app_newest_first(cli, many):
    apps = json.loads(cli.ok("apps", "--limit", "0", "--json"))
    assert isinstance(apps, list), "--json prints a plain array, not the page object"
    ours = [a["id"] for a in apps if a["id"].startswith("many-")]
    assert ours == list(reversed(many)), "every app once, newest first, across pages of the API"
    assert len({a["id"] for a in apps}) == len(apps), "no app twice"


def test_apps_limit_and_table(cli, many):
    r = cli.run("apps", "--limit", "30")
    assert r.returncode == 0, r.stderr
    rows = table(r.stdout)
    assert rows[0] == ["ID", "JOB", "STATE", "CREATED", "DURATION"]
    assert len(rows) == 31
    assert rows[1][0] == many[-1] and rows[1][2] == "PENDING" and rows[1][4] == "-"
    assert f"(30 of " in r.stderr and "--limit 0 shows all" in r.stderr
    assert len(json.loads(cli.ok("apps", "--limit", "7", "--json"))) == 7
    assert len(json.loads(cli.ok("apps", "--json"))) >= 55, "the default limit (100) is above one API page (20)"


def test_apps_filters(cli, paused, many):
    report = json.loads(cli.ok("apps", "--job", "report", "--limit", "0", "--json"))
    assert {a["id"] for a in report} == {many[i] for i in range(0, 55, 3)}
    cli.ok("kill", many[1])
    killed = json.loads(cli.ok("apps", "--state", "killed", "--json"))
    assert [a["id"] for a in killed] == [many[1]], "--state takes any case"
    assert json.loads(cli.ok("apps", "--state", "RUNNING", "--json")) == []
    assert len(json.loads(cli.ok("apps", "--since", "1h", "--limit", "0", "--json"))) >= 55
    assert json.loads(cli.ok("apps", "--since", "2999-01-01", "--json")) == []
    assert len(json.loads(cli.ok("apps", "--since", "2020-01-01", "--job", "etl", "--limit", "0", "--json"))) == 36
    assert len(json.loads(cli.ok("apps", "--user", "1", "--limit", "0", "--json"))) >= 55
    assert json.loads(cli.ok("apps", "--user", "7", "--json")) == []
    assert table(cli.ok("apps", "--user", "7")) == [["ID", "JOB", "STATE", "CREATED", "DURATION"]]


def test_app_shows_one_app(cli, many):
    rows = dict((r[0], r[1:]) for r in table(cli.ok("app", many[5])))
    assert rows["id"] == [many[5]] and rows["job"] == ["etl"] and rows["state"] == ["PENDING"]
    one = json.loads(cli.ok("app", many[5], "--json"))
    assert one["id"] == many[5] and one["config"]["mainApplicationFile"] == PI


def test_unknown_ids_exit_3(cli):
    for args in (["app", "nope"], ["kill", "nope"], ["logs", "nope"], ["issues", "nope"], ["job", "nope"],
                 ["template", "nope"]):
        r = cli.run(*args)
        assert r.returncode == 3, f"{args}: rc {r.returncode} {r.stderr}"
        assert r.stderr.startswith("error: HTTP 404: "), r.stderr


def test_kill_logs_and_issues_of_a_pending_app(cli, paused):
    app_id = submit(paused, "killme")
    assert cli.ok("logs", app_id) == "", "nothing logged before it starts"
    assert cli.ok("issues", app_id) == "no issues\n"
    assert json.loads(cli.ok("issues", app_id, "--json")) == []
    assert cli.ok("kill", app_id) == f"{app_id}: KILLED\n"
    assert json.loads(cli.ok("kill", app_id, "--json"))["appState"] == "KILLED", "killing twice is fine"
    assert cli.ok("logs", app_id, "--follow") == "", "--follow ends with the app"


def test_submit_prints_the_id_and_maps_flags(cli, paused, tmp_path):
    (tmp_path / "lib.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    out = cli.ok("submit", "--job", "words", WORDCOUNT)
    app_id = out.strip()
    assert app_id.startswith("words-"), out
    r = cli.run("submit", "--job", "sized", "--app", "sized-1", "--driver-memory", "2g", "--executor-memory", "3g",
                "--executors", "2", "--py-files", "lib.zip", "--jars", "/opt/a.jar,/opt/b.jar", "--jars", "/opt/c.jar",
                "--json", "--conf", "spark.sql.shuffle.partitions=4", PI, "8", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    config = json.loads(r.stdout)["config"]
    assert config["driver"]["memory"] == "2g"
    assert config["executor"]["memory"] == "3g" and config["executor"]["instances"] == 2
    assert config["deps"]["pyFiles"] == [str(tmp_path / "lib.zip")], "relative paths become absolute"
    assert config["deps"]["jars"] == ["/opt/a.jar", "/opt/b.jar", "/opt/c.jar"]
    assert config["sparkConf"]["spark.sql.shuffle.partitions"] == "4"
    assert config["arguments"] == ["8"]


def test_readme_jvm_submission(cli, binary):
    jar = pathlib.Path(binary).parent / "examples" / "sparkplane-examples.jar"
    assert jar.exists(), f"{jar} is built with the binary"
    out = cli.ok("submit", "--job", "java-pi", "--class", "io.sparkplane.examples.JavaPi", jar)
    assert out.startswith("java-pi-")


def test_duplicate_app_id_exits_5(cli, paused):
    cli.ok("submit", "--job", "dup", "--app", "dup-1", PI)
    r = cli.run("submit", "--job", "dup", "--app", "dup-1", PI)
    assert r.returncode == 5, r.stderr
    assert "HTTP 409" in r.stderr and "dup-1" in r.stderr


def test_invalid_submission_exits_2(cli):
    r = cli.run("submit", "--job", "x", "/no/such/file.py")
    assert r.returncode == 2, r.stderr
    assert "HTTP 400" in r.stderr and "/no/such/file.py" in r.stderr


def start_waiting(cli, binary, app_id):
    """`submit --wait` in the background, once it has said it submitted (its Ctrl-C handler is
    set) and has polled once."""
    waiter = subprocess.Popen([binary, "submit", "--job", "waited", "--app", app_id, "--wait", PI],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env())
    assert waiter.stderr.readline() == f"submitted {app_id}\n"
    assert waiter.stderr.readline() == f"{app_id}: PENDING\n"  # it polls: the state it saw first
    return waiter


def test_submit_wait_ends_1_when_the_app_is_killed(cli, binary):
    waiter = start_waiting(cli, binary, "waited-1")
    cli.ok("kill", "waited-1")
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 1, err
    assert "waited-1: KILLED" in err
    assert dict((r[0], r[1:]) for r in table(out))["state"] == ["KILLED"]


def test_ctrl_c_during_wait_says_the_app_keeps_running(cli, binary):
    waiter = start_waiting(cli, binary, "interrupted-1")
    waiter.send_signal(signal.SIGINT)
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 130, err
    assert "stopped waiting; the app interrupted-1 keeps running. To stop it: sparkplane kill interrupted-1" in err
    assert json.loads(cli.ok("app", "interrupted-1", "--json"))["appState"] == "PENDING"


def test_templates_and_submit_with_a_template(cli, paused):
    status, reply = paused.call("POST", f"/ocean/spark/cluster/{paused.cluster}/configTemplate",
                                {"id": "small", "displayName": "Small apps", "config": {"executor": {"instances": 1}}})
    assert status == 200, reply
    rows = table(cli.ok("templates"))
    assert rows[0] == ["ID", "NAME", "CREATED", "UPDATED"]
    assert rows[1][:3] == ["small", "Small", "apps"]
    assert [t["id"] for t in json.loads(cli.ok("templates", "--json"))] == ["small"]
    assert json.loads(cli.ok("template", "small", "--json"))["config"] == {"executor": {"instances": 1}}
    assert 'config: {"executor":{"instances":1}}' in cli.ok("template", "small")
    app = json.loads(cli.ok("submit", "--job", "templated", "--template", "small", "--json", PI))
    assert app["configurationTemplate"]["id"] == "small"
    r = cli.run("submit", "--job", "templated", "--template", "nope", PI)
    assert r.returncode == 3, r.stderr
    assert "config template 'nope' not found" in r.stderr


def test_jobs_and_job(cli, paused, many):
    jobs = json.loads(cli.ok("jobs", "--limit", "0", "--json"))
    assert isinstance(jobs, list) and {"etl", "report"} <= {j["id"] for j in jobs}
    rows = table(cli.ok("jobs", "--limit", "0"))
    assert rows[0] == ["ID", "LAST", "APP", "LAST", "STATE", "UPDATED"]
    assert next(r for r in rows if r[0] == "etl")[1:3] == [many[53], "PENDING"]
    assert next(r for r in rows if r[0] == "report")[1:3] == [many[54], "PENDING"]
    assert len(json.loads(cli.ok("jobs", "--limit", "1", "--json"))) == 1
    job = json.loads(cli.ok("job", "report", "--json"))
    assert job["id"] == "report" and len(job["runs"]) == 10
    assert [a["id"] for a in job["runs"]] == [many[i] for i in range(54, -1, -3)][:10]
    out = cli.ok("job", "report", "--runs", "2")
    rows = table(out)
    assert rows[0] == ["id", "report"] and rows[3] == ["runs", "19"]
    assert rows[4] == ["APP", "STATE", "CREATED", "DURATION"]
    assert [r[0] for r in rows[5:]] == [many[54], many[51]]
