"""PyPI's ocean-spark-airflow-provider, unmodified, against a real sparkplane running real Spark."""
import threading
import time
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2]
PI = str(SOURCE / "examples" / "python" / "pi.py")
FAIL = str(SOURCE / "src" / "api" / "testdata" / "fail.py")
LONG = str(SOURCE / "src" / "api" / "testdata" / "long.py")


class TaskInstance:
    """The slice of Airflow's TaskInstance the operator touches: XCom pushes."""

    def __init__(self):
        self.xcom = {}

    def xcom_push(self, key, value):
        self.xcom[key] = value


def operator(**kwargs):
    from ocean_spark.operators import OceanSparkOperator
    return OceanSparkOperator(polling_period_seconds=1, **kwargs)


def test_connection_button(airflow_env):
    from ocean_spark.hooks import OceanSparkHook
    ok, message = OceanSparkHook().test_connection()
    assert ok, message


def test_successful_app_returns(airflow_env):
    ti = TaskInstance()
    op = operator(task_id="pi", config_overrides={"mainApplicationFile": PI, "arguments": ["2"]})
    assert op.execute({"ti": ti}) is None
    app_id = ti.xcom["app_id"]
    app = airflow_env.app(app_id)
    assert app["appState"] == "COMPLETED"
    # The provider sends jobId "" by default: runs of the same code still group under one job.
    assert app["job"]["id"].startswith("pi-")
    assert app_id.startswith(app["job"]["id"] + "-")


def test_failing_app_raises_with_driver_log(airflow_env, capsys):
    from airflow.exceptions import AirflowException
    op = operator(task_id="fails", job_id="fails", forward_driver_logs=True,
                  config_overrides='{"mainApplicationFile": "%s"}' % FAIL)
    with pytest.raises(AirflowException, match="failed with terminal state: FAILED"):
        op.execute({"ti": TaskInstance()})
    assert "sparkplane test failure: the answer was not 42" in capsys.readouterr().out


def test_unknown_config_override_fails_at_submission(airflow_env):
    from airflow.exceptions import AirflowException
    op = operator(task_id="bad", job_id="bad", config_overrides={"mainApplicationFile": PI, "foo": "bar"})
    with pytest.raises(AirflowException, match="configOverrides.foo"):
        op.execute({"ti": TaskInstance()})
    assert op.app_id is None


def test_on_kill_leaves_the_app_killed(airflow_env):
    from airflow.exceptions import AirflowException
    op = operator(task_id="long", job_id="long", config_overrides={"mainApplicationFile": LONG})
    killed = threading.Event()

    def kill_once_running():
        # Airflow calls on_kill from another thread while execute() is polling.
        for _ in range(600):
            if op.app_id and airflow_env.app(op.app_id)["appState"] == "RUNNING":
                op.on_kill()
                killed.set()
                return
            time.sleep(0.2)

    killer = threading.Thread(target=kill_once_running)
    killer.start()
    with pytest.raises(AirflowException, match="failed with terminal state: KILLED"):
        op.execute({"ti": TaskInstance()})
    killer.join()
    assert killed.is_set()
    assert airflow_env.app(op.app_id)["appState"] == "KILLED"
