"""The raw/ sensor starts exactly one run for the year whose input changed, and none when nothing did."""

import shutil

import dagster as dg
import pytest
from conftest import FIXTURES, run_cli

from pipeline.definitions import build_definitions
from pipeline.sensors import published_state

pytestmark = pytest.mark.e2e


def evaluate(raw, out):
    defs = build_definitions(raw, out)
    sensor = defs.resolve_sensor_def("raw_changes")
    with dg.instance_for_test() as instance:
        return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs))


@pytest.fixture
def published(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_small", raw)
    out = tmp_path / "published"
    assert run_cli("publish", "--raw", str(raw), "--out", str(out), home=tmp_path / "home").returncode == 0
    return raw, out


def test_nothing_changed_no_run(published):
    result = evaluate(*published)
    assert result.run_requests == [] and "変更はありません" in result.skip_message


def test_a_changed_file_runs_its_year_only(published):
    raw, out = published
    shutil.copytree(FIXTURES / "raw_fy2023/2023", raw / "2023")
    assert [r.partition_key for r in evaluate(raw, out).run_requests] == ["2023"]
    with (raw / "2022" / "corrections.yaml").open("a", encoding="utf-8") as f:
        f.write("# reviewed again\n")
    requests = evaluate(raw, out).run_requests
    assert sorted(r.partition_key for r in requests) == ["2022", "2023"]
    assert all(r.run_key.startswith(f"{r.partition_key}-") for r in requests)


def test_a_new_year_waits_for_a_reload(published):
    raw, out = published
    defs = build_definitions(raw, out)
    shutil.copytree(FIXTURES / "raw_fy2023/2023", raw / "2023")
    with dg.instance_for_test() as instance:
        result = defs.resolve_sensor_def("raw_changes").evaluate_tick(
            dg.build_sensor_context(instance=instance, definitions=defs)
        )
    assert result.run_requests == [] and "再読み込み" in result.skip_message


def test_a_published_year_refreshes_the_catalog(published, tmp_path):
    raw, out = published
    defs = build_definitions(raw, out)
    keys = []
    with dg.instance_for_test() as instance:
        for _ in range(2):
            result = defs.resolve_job_def("publish").execute_in_process(partition_key="2022", instance=instance)
            success = next(e for e in result.all_events if e.event_type_value == "PIPELINE_SUCCESS")
            context = dg.build_run_status_sensor_context(
                sensor_name="refresh_catalog",
                dagster_instance=instance,
                dagster_run=instance.get_run_by_id(result.run_id),
                dagster_event=success,
            )
            keys.append(defs.resolve_sensor_def("refresh_catalog")(context).run_key)
    # Two runs that published the same release ask for one catalog refresh (Dagster skips a repeated run key).
    assert keys[0] == keys[1] == f"catalog-{published_state(out)[:16]}"
    assert published_state(tmp_path) != published_state(out)
    assert defs.resolve_sensor_def("refresh_catalog").targets[0].job_name == "publish_catalog"
