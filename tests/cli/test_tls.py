"""serve --tls-cert/--tls-key: the API over https with a certificate made at test time, and the CLI
and the test client verifying it."""
import json
import re
import shlex
import subprocess

import pytest

from conftest import SOURCE, Cli
from sparkplane_server import Server


def https_block():
    """The commands of docs/cli.md's https section: openssl, then `$S serve …`, then `$S apps …`."""
    text = (SOURCE / "docs" / "cli.md").read_text()
    block = re.search(r"## https\n\n```sh\n(.*?)```", text, re.S).group(1).replace("\\\n", " ")
    return [shlex.split(line.split("  #")[0]) for line in block.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("tls")


@pytest.fixture(scope="module")
def certificate(folder):
    """Made by the docs' own openssl command."""
    openssl = https_block()[0]
    assert openssl[0] == "openssl"
    subprocess.run(openssl, check=True, capture_output=True, cwd=folder)
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture(scope="module")
def https(module_binary, certificate, folder, tmp_path_factory):
    serve = https_block()[1]
    assert serve[:2] == ["$S", "serve"]
    flags = [str(folder / a) if a.endswith(".pem") else a for a in serve[2:]]  # the docs' flags, as written
    server = Server(module_binary, tmp_path_factory.mktemp("https"), extra=["--launching-paused", *flags])
    yield server
    server.stop()


def test_serves_https_and_writes_an_https_url(https):
    assert https.url.startswith("https://127.0.0.1:"), https.url
    status, body = https.call("GET", "/ocean/spark/cluster")
    assert status == 200 and body["response"]["items"][0]["id"] == https.cluster


def test_the_docs_https_commands(binary, https, folder):
    apps = https_block()[2]
    assert apps[:2] == ["$S", "apps"]
    r = Cli(binary, https.data_dir).run(*apps[1:], cwd=folder)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ID", "JOB", "STATE", "CREATED", "DURATION"]


def test_cli_verifies_the_certificate(binary, https, certificate, tmp_path):
    cert, _ = certificate
    cli = Cli(binary, https.data_dir)
    assert json.loads(cli.ok("apps", "--ca-cert", cert, "--json")) == []
    assert json.loads(cli.ok("apps", "--json", env={"SPARKPLANE_CA_CERT": cert})) == []
    port = https.url.rsplit(":", 1)[1]
    assert cli.run("apps", "--ca-cert", cert, "--url", f"https://localhost:{port}/").returncode == 0
    r = cli.run("apps")
    assert r.returncode == 1, r.stderr
    assert "TLS handshake with 127.0.0.1:" in r.stderr and "certificate verify failed" in r.stderr
    assert "--ca-cert FILE" in r.stderr
    r = cli.run("apps", "--url", f"127.0.0.1:{port}")  # host:port is plain http
    assert r.returncode == 1, r.stderr
    r = cli.run("apps", "--ca-cert", tmp_path / "missing.pem")
    assert r.returncode == 2 and "missing.pem" in r.stderr


@pytest.mark.parametrize("flags, message", [
    (lambda cert, key: ["--tls-cert", cert], "TLS needs both --tls-cert and --tls-key"),
    (lambda cert, key: ["--tls-cert", key, "--tls-key", key], "cannot use the TLS certificate"),
    (lambda cert, key: ["--tls-cert", cert, "--tls-key", cert], "cannot use the TLS key"),
])
def test_bad_tls_settings_are_refused(binary, certificate, tmp_path, flags, message):
    cert, key = certificate
    r = subprocess.run([binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", str(tmp_path),
                        *map(str, flags(cert, key))], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr, r.stderr
