import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from sparkplane_server import Server, binary  # noqa: E402,F401  (binary is a fixture)

SOURCE = pathlib.Path(__file__).resolve().parents[2]
PI = str(SOURCE / "examples" / "python" / "pi.py")
WORDCOUNT = str(SOURCE / "examples" / "python" / "wordcount.py")


class Cli:
    """Runs the real `sparkplane` binary; `data_dir` is the default --data-dir (through
    $SPARKPLANE_DATA_DIR, so commands that take no such flag still work)."""

    def __init__(self, path, data_dir=None):
        self.path = path
        self.data_dir = data_dir

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKPLANE_")}
        if self.data_dir:
            env["SPARKPLANE_DATA_DIR"] = str(self.data_dir)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def run(self, *args, env=None, cwd=None, timeout=120):
        return subprocess.run([self.path, *map(str, args)], capture_output=True, text=True,
                              env=self.env(**(env or {})), cwd=cwd, timeout=timeout)

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        assert r.returncode == 0, f"{args}: rc {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
        return r.stdout


@pytest.fixture(scope="module")
def module_binary():
    path = os.environ.get("SPARKPLANE_BIN")
    assert path and os.path.exists(path), "set SPARKPLANE_BIN to the built sparkplane binary"
    return path


@pytest.fixture(scope="module")
def paused(module_binary, tmp_path_factory):
    """A server that accepts submissions but launches nothing: listings and exit codes without
    starting a Spark per app."""
    server = Server(module_binary, tmp_path_factory.mktemp("paused"), extra=["--launching-paused"])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live(module_binary, tmp_path_factory):
    """A server that runs apps on real Spark."""
    server = Server(module_binary, tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture
def cli(binary, paused):
    return Cli(binary, paused.data_dir)
