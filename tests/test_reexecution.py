"""The Dagster UI's "re-execute from a step" works for the project's runs: each step's output is stored by
Dagster's own IO manager, so a later run can start at core_projects from what an earlier run stored."""

import os
from pathlib import Path

import dagster as dg
import pytest
from conftest import FIXTURES

pytestmark = pytest.mark.e2e


def publish_job():
    """The publish job for the folders in the environment (loaded by Dagster from this module, as the UI does)."""
    from pipeline.definitions import PUBLISH_JOB, build_definitions

    out = Path(os.environ["PIPELINE_OUT_DIR"])
    return build_definitions(FIXTURES / "raw_small", out).resolve_job_def(PUBLISH_JOB)


def test_a_step_reexecutes_from_the_outputs_a_run_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_OUT_DIR", str(tmp_path / "published"))
    job = dg.reconstructable(publish_job)
    (tmp_path / "home").mkdir()
    with dg.DagsterInstance.local_temp(str(tmp_path / "home")) as instance:
        first = dg.execute_job(job, instance, tags={"dagster/partition": "2022"})
        assert first.success
        again = dg.execute_job(
            job,
            instance,
            tags={"dagster/partition": "2022"},  # the UI carries the parent run's tags over
            reexecution_options=dg.ReexecutionOptions(parent_run_id=first.run_id, step_selection=["core_projects*"]),
        )
        assert again.success
        steps = {e.step_key for e in again.get_step_success_events()}
        assert steps == {"core_projects", "release_files", "site_build", "published_release"}
        assert (tmp_path / "published/data/2022/datapackage.json").exists()
