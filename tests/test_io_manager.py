"""The assets' IO manager (pipeline/io_manager.py) writes Dagster's pickles, hands outputs on within a run, and
reads the pickles in a later run, as the UI's re-execution of one step does."""

import pickle
from pathlib import Path

import dagster as dg

from pipeline.io_manager import RunFilesystemIOManager

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
