"""token create | list | revoke on the server's own store, and the exit codes of bad tokens."""
import json
import time

from conftest import Cli


def test_bad_or_missing_token_exits_4(cli, paused, tmp_path):
    r = cli.run("apps", "--token", "sp_wrong")
    assert r.returncode == 4, r.stderr
    assert "HTTP 401: missing or invalid API token" in r.stderr
    elsewhere = Cli(cli.path, tmp_path)  # a folder without admin-token
    r = elsewhere.run("apps", "--url", paused.url)
    assert r.returncode == 4, r.stderr
    assert "no API token: pass --token, set SPARKPLANE_TOKEN" in r.stderr


def test_create_list_and_revoke(cli, paused):
    token = cli.ok("token", "create", "--name", "ci").strip()
    assert token.startswith("sp_")
    assert json.loads(cli.ok("apps", "--token", token, "--json")) == []
    listed = json.loads(cli.ok("token", "list", "--json"))
    assert [t["name"] for t in listed] == ["admin", "ci"]
    assert all(len(t["id"]) == 12 and token not in json.dumps(t) for t in listed), "never the token itself"
    rows = [line.split() for line in cli.ok("token", "list").splitlines()]
    assert rows[0] == ["ID", "NAME", "CREATED"] and rows[2][:2] == [listed[1]["id"], "ci"]

    assert cli.ok("token", "revoke", listed[1]["id"]) == f"revoked {listed[1]['id']} (ci)\n"
    deadline = time.time() + 10  # the server re-checks a token it knows at least once a second
    while cli.run("apps", "--token", token).returncode != 4:
        assert time.time() < deadline, "the revoked token still works"
        time.sleep(0.1)
    assert [t["name"] for t in json.loads(cli.ok("token", "list", "--json"))] == ["admin"]
    r = cli.run("token", "revoke", listed[1]["id"])
    assert r.returncode == 3 and f"no token with id '{listed[1]['id']}'" in r.stderr
    r = cli.run("token", "revoke", "abc")
    assert r.returncode == 2 and "too short" in r.stderr
    assert json.loads(cli.ok("apps", "--json")) == [], "the admin token still works"


def test_token_commands_find_the_data_folder(cli, paused, tmp_path):
    # $SPARKPLANE_DATA_DIR (set by `cli`), from another working directory
    token = cli.ok("token", "create", "--name", "from-env", cwd=tmp_path).strip()
    assert cli.run("apps", "--token", token).returncode == 0
    # --data-dir
    plain = Cli(cli.path)
    token = plain.ok("token", "create", "--name", "from-flag", "--data-dir", paused.data_dir, cwd=tmp_path).strip()
    assert cli.run("apps", "--token", token).returncode == 0
    # ./sparkplane-data, the default
    (tmp_path / "sparkplane-data").symlink_to(paused.data_dir)
    token = plain.ok("token", "create", "--name", "from-cwd", cwd=tmp_path).strip()
    assert cli.run("apps", "--token", token).returncode == 0
    names = [t["name"] for t in json.loads(cli.ok("token", "list", "--json"))]
    assert names[-3:] == ["from-env", "from-flag", "from-cwd"]


def test_token_create_never_makes_a_new_database(cli, tmp_path):
    r = Cli(cli.path).run("token", "create", "--data-dir", tmp_path / "empty")
    assert r.returncode == 1, r.stderr
    assert "no database at" in r.stderr and "--store postgresql://" in r.stderr
    assert not (tmp_path / "empty").exists()
    r = cli.run("token", "list", "--store", "mysql://x")
    assert r.returncode == 2 and "must be a postgresql:// URL" in r.stderr


def test_revoking_the_admin_token_removes_its_file(binary, tmp_path):
    from sparkplane_server import Server
    server = Server(binary, tmp_path, extra=["--launching-paused"])
    try:
        cli = Cli(binary, tmp_path)
        admin = next(t for t in json.loads(cli.ok("token", "list", "--json")) if t["name"] == "admin")
        out = cli.ok("token", "revoke", admin["id"])
        assert "removed" in out and "admin-token" in out
        assert not (tmp_path / "admin-token").exists()
    finally:
        server.stop()
    server = Server(binary, tmp_path, extra=["--launching-paused"])  # makes a new admin token
    try:
        assert json.loads(Cli(binary, tmp_path).ok("apps", "--json")) == []
    finally:
        server.stop()
