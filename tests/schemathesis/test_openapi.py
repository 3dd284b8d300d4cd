"""schemathesis against the live server and the project's OpenAPI document: no 5xx, and every
response conforms to the document (status codes, content types, schemas)."""
import os
import pathlib
import subprocess

from sparkplane_server import Server

SOURCE = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = SOURCE / "src" / "api" / "openapi.json"


def test_schemathesis_finds_no_server_errors(binary, tmp_path):
    # Launching is paused: valid submissions are stored, never run.
    server = Server(binary, tmp_path, ["--launching-paused"])
    try:
        # The served document is the one in the tree.
        status, _ = server.call("GET", "/ocean/spark/openapi.json")
        assert status == 200
        venv = pathlib.Path(os.environ.get("SPARKPLANE_VENV", SOURCE / ".venv"))
        result = subprocess.run(
            [str(venv / "bin" / "schemathesis"), "run", str(SCHEMA), "--url", server.url,
             "-H", f"Authorization: Bearer {server.token}",
             "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                         "response_schema_conformance",
             # schemathesis 4.32 cannot generate ApplicationSpec bodies here (an internal
             # SystemError in hypothesis on Python 3.11); those routes are covered by our own tests.
             "--exclude-method", "POST", "--exclude-method", "PUT",
             "--max-examples", os.environ.get("SCHEMATHESIS_EXAMPLES", "10"), "--seed", "1",
             "--workers", "2", "--max-time", "150", "--request-timeout", "30", "--no-shrink"],
            capture_output=True, text=True, timeout=900)
        out = result.stdout
        print(out[-20000:])
        # No check failed: no 5xx, and every response matched the document.
        assert "Failures:" not in out, out[-8000:]
        assert " passed" in out and "generated" in out, out[-4000:] + result.stderr[-2000:]
        if result.returncode != 0:
            # The only error tolerated is a known crash inside hypothesis itself on Python 3.11
            # ("AST constructor recursion depth mismatch"), which aborts generation, not a check.
            errors = [line for line in out.splitlines() if "🚫" in line]
            assert errors and all("Runtime Error" in line for line in errors), out[-8000:]
            assert "AST constructor recursion depth mismatch" in out, out[-8000:]
    finally:
        server.stop()
