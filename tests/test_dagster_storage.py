"""The project's Dagster storage (pipeline/dagster_storage.py) keeps connections open and stays Dagster's SQLite
storage: what it writes, Dagster's own classes read."""

import os
import shutil
import sqlite3
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage

from pipeline.dagster_storage import KEPT_DATABASES, KeptConnectionsEventLogStorage

ROOT = Path(__file__).resolve().parent.parent


@dg.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@dg.asset_check(asset=numbers)
def three_numbers(numbers: list[int]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=len(numbers) == 3)


JOB = dg.define_asset_job("numbers_job", [numbers], executor_def=dg.in_process_executor)
DEFS = dg.Definitions(assets=[numbers], asset_checks=[three_numbers], jobs=[JOB])


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    shutil.copy(ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


def _run(instance: dg.DagsterInstance) -> str:
    result = DEFS.resolve_job_def("numbers_job").execute_in_process(instance=instance)
    assert result.success
    return result.run_id


def test_the_project_instance_uses_it_and_dagsters_own_storage_reads_what_it_wrote(home):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, KeptConnectionsEventLogStorage)
        run_ids = [_run(instance) for _ in range(3)]
        written = {run_id: [e.dagster_event_type for e in instance.all_logs(run_id)] for run_id in run_ids}
    plain = DagsterSqliteStorage.from_local(str(home))
    try:
        for run_id in run_ids:
            assert [e.dagster_event_type for e in plain.event_log_storage.get_logs_for_run(run_id)] == written[run_id]
            assert plain.run_storage.get_run_records(dg.RunsFilter(run_ids=[run_id]))[0].dagster_run.is_success
        latest = plain.event_log_storage.get_latest_materialization_events([dg.AssetKey("numbers")])
        assert latest[dg.AssetKey("numbers")].run_id == run_ids[-1]
        # The asset's row (written once, then updated by each run: KeptConnectionsEventLogStorage._store_asset_event)
        (record,) = plain.event_log_storage.get_asset_records([dg.AssetKey("numbers")])
        assert record.asset_entry.last_materialization.run_id == run_ids[-1]
        assert record.asset_entry.last_run_id == run_ids[-1]
    finally:
        plain.dispose()


def test_one_engine_per_database_and_few_databases_kept(home):
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        created = []
        original = storage._engine

        def counting(shard):
            engine = original(shard)
            created.append((shard, engine))  # kept alive, so that no two engines share an id()
            return engine

        storage._engine = counting
        run_id = _run(instance)
        engines_of_run = {id(e) for shard, e in created if shard == run_id}
        assert len([s for s, _ in created if s == run_id]) > 10  # every event of the run connected ...
        assert len(engines_of_run) == 1  # ... through one engine
        for _ in range(KEPT_DATABASES + 2):
            _run(instance)
        assert len(storage._engines) <= KEPT_DATABASES


def test_a_database_file_replaced_underneath_gets_a_new_engine(home):
    storage = KeptConnectionsEventLogStorage(str(home / "events"))
    try:
        with storage.index_connection():
            pass
        before = storage._engines["index"][0]
        path = Path(storage.path_for_shard("index"))
        copy = path.with_suffix(".copy")
        shutil.copy(path, copy)
        os.replace(copy, path)  # a new file (new inode) where the old one was, as a restore or wipe leaves it
        with storage.index_connection():
            pass
        assert storage._engines["index"][0] is not before
    finally:
        storage.dispose()
    assert not storage._engines
    assert isinstance(storage, SqliteEventLogStorage)


def _layout(path: str) -> tuple:
    with sqlite3.connect(path) as conn:
        return (
            conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall(),
            conn.execute("SELECT version_num FROM alembic_version").fetchall(),
            conn.execute("PRAGMA journal_mode").fetchall(),
            conn.execute("SELECT count(*) FROM event_logs").fetchall(),
        )


def test_a_new_runs_database_is_made_as_dagsters_own_storage_makes_it(tmp_path):
    ours = KeptConnectionsEventLogStorage(str(tmp_path / "ours"))
    plain = SqliteEventLogStorage(str(tmp_path / "plain"))
    try:
        for storage in (ours, plain):
            with storage.run_connection("run-a"):
                pass
            with storage.run_connection("run-b"):  # the second, from alembic's scripts read by the first
                pass
        made = _layout(ours.path_for_shard("run-b"))
        assert made == _layout(plain.path_for_shard("run-b")) == _layout(ours.path_for_shard("run-a"))
        assert made[1] and made[2] == [("wal",)]
        # A database that has its version is left as it is, by either
        again = KeptConnectionsEventLogStorage(str(tmp_path / "ours"))
        with again.run_connection("run-b"):
            pass
        again.dispose()
        assert _layout(ours.path_for_shard("run-b")) == made
    finally:
        ours.dispose()
        plain.dispose()


def test_the_command_gives_a_home_the_project_configuration_but_keeps_a_newer_one(tmp_path, monkeypatch):
    from pipeline.__main__ import _configure_dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    config, project = tmp_path / "dagster.yaml", ROOT / "dagster.yaml"
    _configure_dagster_home()
    assert config.read_bytes() == project.read_bytes()
    shutil.copyfile(ROOT / "dagster.postgres.yaml", config)  # as docs/deploy.md says, after the first run
    _configure_dagster_home()
    assert config.read_bytes() == (ROOT / "dagster.postgres.yaml").read_bytes()
    os.utime(config, (0, 0))  # the project's dagster.yaml changed since: it is copied again, as `make` would
    _configure_dagster_home()
    assert config.read_bytes() == project.read_bytes()


def test_tables_found_are_remembered_and_missing_ones_asked_again(tmp_path):
    storage = KeptConnectionsEventLogStorage(str(tmp_path / "events"))
    try:
        assert storage.has_table("asset_check_executions")
        assert not storage.has_table("made_later")
        with sqlite3.connect(storage.path_for_shard("index")) as conn:
            conn.execute("CREATE TABLE made_later (x)")
        assert storage.has_table("made_later")
        assert storage._tables_found == {"asset_check_executions", "made_later"}
        with sqlite3.connect(storage.path_for_shard("index")) as conn:
            conn.execute("DROP TABLE made_later")
        storage.wipe()  # as after `dagster instance migrate`: what was found before is asked again
        assert not storage.has_table("made_later")
    finally:
        storage.dispose()
