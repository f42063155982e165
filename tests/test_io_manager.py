"""The assets' IO manager (pipeline/io_manager.py) writes Dagster's pickles, hands outputs on within a run, and
reads the pickles in a later run, as the UI's re-execution of one step does."""

import pickle
from pathlib import Path

import dagster as dg
from conftest import RAW
from dagster._utils import PICKLE_PROTOCOL

from pipeline.definitions import PUBLISH_JOB, build_definitions
from pipeline.io_manager import RunFilesystemIOManager, _RunPickles

SEEN: dict[str, object] = {}


@dg.asset
def produced() -> dict:
    value = {"records": [1, 2, 3]}
    SEEN["produced"] = value
    return value


@dg.asset
def consumed(produced: dict) -> int:
    SEEN["consumed"] = produced
    return len(produced["records"])


def _defs(base: Path) -> dg.Definitions:
    return dg.Definitions(
        assets=[produced, consumed], resources={"io_manager": RunFilesystemIOManager(base_dir=str(base))}
    )


def test_an_output_reaches_the_next_step_of_its_run_as_the_object_and_is_pickled_as_dagster_does(tmp_path):
    SEEN.clear()
    with dg.instance_for_test() as instance:
        result = dg.materialize([produced, consumed], instance=instance, resources=_defs(tmp_path).resources)
    assert result.success
    assert SEEN["consumed"] is SEEN["produced"]  # not read back from the pickle
    assert pickle.loads((tmp_path / "produced").read_bytes()) == {"records": [1, 2, 3]}
    assert pickle.loads((tmp_path / "consumed").read_bytes()) == 3


def test_a_later_run_of_one_step_reads_the_pickle(tmp_path):
    SEEN.clear()
    resources = _defs(tmp_path).resources
    with dg.instance_for_test() as instance:
        assert dg.materialize([produced, consumed], instance=instance, resources=resources).success
        first = SEEN["produced"]
        again = dg.materialize([produced, consumed], selection=[consumed], instance=instance, resources=resources)
    assert again.success
    assert SEEN["consumed"] == first
    assert SEEN["consumed"] is not first


def test_the_run_lets_go_of_its_outputs_when_it_ends(tmp_path, monkeypatch):
    made = []
    create = RunFilesystemIOManager.create_io_manager

    def keep(self, context):
        made.append(create(self, context))
        return made[-1]

    monkeypatch.setattr(RunFilesystemIOManager, "create_io_manager", keep)
    with dg.instance_for_test() as instance:
        assert dg.materialize([produced, consumed], instance=instance, resources=_defs(tmp_path).resources).success
    assert made
    assert all(not m._written for m in made)


def test_no_step_of_the_publish_job_changes_what_it_was_handed(tmp_path, monkeypatch):
    """Handing outputs on as objects is only right if no step changes its inputs: at the run's end every output
    the IO manager kept must still pickle to the bytes it wrote before the later steps used it."""
    kept: dict[str, object] = {}
    forget = _RunPickles.forget

    def record_then_forget(self):
        kept.update(self._written)
        forget(self)

    monkeypatch.setattr(_RunPickles, "forget", record_then_forget)
    with dg.instance_for_test() as instance:
        job = build_definitions(RAW, tmp_path / "out").resolve_job_def(PUBLISH_JOB)
        assert job.execute_in_process(partition_key="2022", instance=instance).success
        assert {Path(p).parent.name for p in kept} >= {"raw_list", "source_cells", "core_projects"}  # <asset>/<FY>
        for path, obj in kept.items():
            assert pickle.dumps(obj, PICKLE_PROTOCOL) == Path(path).read_bytes(), path
