"""schemathesis against the live server and the project's OpenAPI document, every operation
including POST and PUT: no 5xx, and every response conforms to the document (status codes,
content types, schemas)."""
import json
import os
import pathlib
import subprocess

from sparkplane_server import Server

SOURCE = pathlib.Path(__file__).resolve().parents[2]
SCHEMA = SOURCE / "src" / "api" / "openapi.json"

# One worker: with two, hypothesis's worker threads call ast.parse concurrently (it describes
# lambdas in strategy reprs while validating recursive strategies), and CPython 3.11 (3.11.7
# here, 3.11.2 in Debian 12) keeps the AST constructor's recursion depth in interpreter-wide
# state, so a GC pause in one thread corrupts the other's count: "SystemError: AST constructor
# recursion depth mismatch" (python/cpython#106905; the fix, #113035, counts per call).
WORKERS = "1"


def write_config(path, cluster_id, main_file):
    # The live cluster's id, so requests get past the 404 and reach validation; and a main file
    # that exists, so some generated submissions are accepted (stored PENDING, never launched).
    path.write_text(f"""
[parameters]
"path.clusterId" = "{cluster_id}"
"body.configOverrides.mainApplicationFile" = {{ dictionary = "main_files", probability = 0.5 }}

[dictionaries.main_files]
values = ["{main_file}", "file://{main_file}"]
""")


def test_schemathesis_finds_no_server_errors(binary, tmp_path):
    # Launching is paused: valid submissions are stored, never run.
    server = Server(binary, tmp_path, ["--launching-paused"])
    try:
        # The served document is the one in the tree.
        status, served = server.call("GET", "/ocean/spark/openapi.json")
        assert status == 200
        assert served == json.loads(SCHEMA.read_text())
        main_file = tmp_path / "job.py"
        main_file.write_text("print('never launched')\n")
        config = tmp_path / "schemathesis.toml"
        write_config(config, server.cluster, main_file)
        venv = pathlib.Path(os.environ.get("SPARKPLANE_VENV", SOURCE / ".venv"))
        result = subprocess.run(
            [str(venv / "bin" / "schemathesis"), "--config-file", str(config), "run", str(SCHEMA),
             "--url", server.url, "-H", f"Authorization: Bearer {server.token}",
             "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                         "response_schema_conformance",
             "--max-examples", os.environ.get("SCHEMATHESIS_EXAMPLES", "10"), "--seed", "1",
             "--workers", WORKERS, "--max-time", "140", "--request-timeout", "30", "--no-shrink"],
            # Its crash cache (.schemathesis/) goes to the test's folder, not the working tree.
            cwd=tmp_path, capture_output=True, text=True, timeout=600)
        out = result.stdout
        print(out[-20000:])
        # No check failed and nothing errored: no 5xx, every response matched the document, and
        # every operation (POST and PUT included) generated its cases.
        assert "Failures:" not in out, out[-8000:]
        assert "Errors:" not in out and "🚫" not in out, out[-8000:]
        assert " passed" in out and "generated" in out, out[-4000:] + result.stderr[-2000:]
        assert result.returncode == 0, out[-8000:] + result.stderr[-2000:]
        # Every operation, POST and PUT included, took part. (Whether a random body is accepted
        # depends on the generated data, so accepted submissions are not required here.)
        assert "28 selected / 28 total" in out, out[:2000]
        status, listing = server.call("GET", f"/ocean/spark/cluster/{server.cluster}/app")
        assert status == 200
    finally:
        server.stop()
