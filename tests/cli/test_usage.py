"""Flags and arguments the CLI refuses before it talks to a server: exit code 2 with a message
that names the flag. Also --version and --help."""
import re

import pytest

from conftest import Cli, PI


@pytest.fixture
def bare(binary, tmp_path):
    return Cli(binary, tmp_path)  # a data folder with no server in it


def test_version(bare):
    r = bare.run("--version")
    assert r.returncode == 0
    assert re.fullmatch(r"sparkplane \d+\.\d+\.\d+\n", r.stdout), r.stdout


def test_help_lists_every_command_and_the_exit_codes(bare):
    out = bare.ok("--help")
    for command in ["serve", "token", "submit", "apps", "app", "logs", "kill", "issues", "templates",
                    "template", "jobs", "job", "history", "eventlog", "fleet"]:
        assert re.search(rf"^\s+{command}\s", out, re.M), f"{command} missing from --help:\n{out}"
    assert "driver-wrapper" not in out
    assert "Exit codes: 0 ok, 1 failure" in out


@pytest.mark.parametrize("args, message", [
    (["no-such-command"], "unknown command 'no-such-command'; `sparkplane --help` lists the commands"),
    ([], "A subcommand is required"),
    (["apps", "--bogus"], "--bogus"),
    (["apps", "--limit", "-1"], "--limit"),
    (["apps", "--limit", "ten"], "--limit"),
    (["apps", "--state", "DONE"], "--state 'DONE' must be one of PENDING, RUNNING"),
    (["apps", "--since", "yesterday"], "--since 'yesterday' must be an age such as 30m"),
    (["apps", "--user", "bob"], "--user"),
    (["apps", "--url", "ftp://127.0.0.1:1"], "must be HOST:PORT, http://HOST:PORT or https://HOST:PORT"),
    (["app"], "id is required"),
    (["submit"], "file is required"),
    (["submit", "--executor-memory", "4 GB", PI], "--executor-memory '4 GB' is not a memory size"),
    (["submit", "--driver-memory", "x", PI], "--driver-memory 'x' is not a memory size"),
    (["submit", "--executors", "0", PI], "--executors"),
    (["submit", "--conf", "novalue", PI], "--conf 'novalue' must be KEY=VALUE"),
    (["token"], "A subcommand is required"),
    (["token", "revoke"], "id is required"),
    (["job", "--runs", "-3", "x"], "--runs"),
])
def test_bad_usage_exits_2(bare, args, message):
    r = bare.run(*args)
    assert r.returncode == 2, f"{args}: rc {r.returncode}\n{r.stdout}{r.stderr}"
    assert message in r.stderr, r.stderr


def test_no_server_exits_1_and_says_how_to_find_one(bare):
    r = bare.run("apps")
    assert r.returncode == 1, r.stderr
    assert "no server: pass --url or set SPARKPLANE_URL" in r.stderr


def test_unreachable_server_exits_1(bare):
    r = bare.run("apps", "--url", "127.0.0.1:1", "--token", "sp_x")
    assert r.returncode == 1, r.stderr
    assert "cannot connect to 127.0.0.1:1" in r.stderr
    assert "is the server at http://127.0.0.1:1 running?" in r.stderr
