"""Runs every `$S …` command of README.md's "Using it" and docs/cli.md against a real server, as
written (placeholders such as <app-id> filled in), so the docs cannot drift from the CLI.
`submit --wait` runs on real Spark in test_spark_runs.py, with the README's exact arguments."""
import json
import pathlib
import re
import shlex

import pytest

from conftest import SOURCE, Cli


def documented_commands():
    commands = []
    for doc in ["README.md", "docs/cli.md"]:
        text = (SOURCE / doc).read_text()
        for block in re.findall(r"```sh\n(.*?)```", text, re.S):
            block = block.replace("\\\n", " ")
            for line in block.splitlines():
                if line.startswith("$S "):  # the https block's openssl line runs in test_tls.py
                    commands.append((doc, line.split("  #")[0].strip()))
    return commands


COMMANDS = documented_commands()


def test_the_docs_show_the_commands():
    shown = {shlex.split(c)[1] for _, c in COMMANDS}
    assert {"submit", "apps", "app", "logs", "issues", "kill", "jobs", "job", "templates", "template",
            "token"} <= shown, shown


@pytest.fixture(scope="module")
def filled(paused, module_binary):
    """Values for the placeholders: a killed app (so `logs --follow` ends), a template, a token."""
    cli = Cli(module_binary, paused.data_dir)
    status, reply = paused.call("POST", f"/ocean/spark/cluster/{paused.cluster}/configTemplate",
                                {"id": "small", "config": {"executor": {"instances": 1}}})
    assert status == 200, reply
    app_id = cli.ok("submit", "--job", "pi", str(SOURCE / "examples/python/pi.py")).strip()
    cli.ok("kill", app_id)
    token_id = None

    def token():
        nonlocal token_id
        cli.ok("token", "create", "--name", "to-revoke")
        token_id = [t for t in json.loads(cli.ok("token", "list", "--json")) if t["name"] == "to-revoke"][-1]["id"]
        return token_id

    return {"<app-id>": lambda: app_id, "<template-id>": lambda: "small", "<job-id>": lambda: "pi",
            "<token-id>": token}


@pytest.mark.parametrize("doc, command", COMMANDS, ids=[f"{d}: {c}" for d, c in COMMANDS])
def test_documented_command_works(doc, command, paused, binary, filled):
    if "--wait" in command:
        pytest.skip("runs on real Spark in test_spark_runs.py")
    if shlex.split(command)[1] == "serve" or "--ca-cert" in command:
        pytest.skip("test_tls.py runs the https block as written")
    args = shlex.split(command)[1:]
    for i, a in enumerate(args):
        if a in filled:
            args[i] = filled[a]()
        elif a.startswith("build/release/"):
            args[i] = str(pathlib.Path(binary).parent / a[len("build/release/"):])
    r = Cli(binary, paused.data_dir).run(*args, cwd=SOURCE)
    assert r.returncode == 0, f"{doc}: {command}\n{r.stdout}{r.stderr}"
