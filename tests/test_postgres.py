"""dagster.postgres.yaml against a real PostgreSQL server: a whole year materialized, its runs and events there.

.ci/run installs and starts PostgreSQL and sets DAGSTER_PG_*; where they are not set the test is skipped,
unless PIPELINE_REQUIRE_POSTGRES=1 (set by CI), so it can never be skipped silently in CI.
"""

import os
import shutil
import uuid

import dagster as dg
import pytest
from conftest import FIXTURES, ROOT

from pipeline.assets import ProjectPaths, build_assets, year_partitions

NEEDED = ("DAGSTER_PG_USERNAME", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_HOST", "DAGSTER_PG_PORT")
configured = all(os.environ.get(k) for k in NEEDED)
if not configured and os.environ.get("PIPELINE_REQUIRE_POSTGRES") == "1":
    raise RuntimeError(f"PostgreSQL is required here but {', '.join(NEEDED)} are not all set")
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not configured, reason="no PostgreSQL configured (DAGSTER_PG_*)")]


@pytest.fixture
def database(monkeypatch):
    import psycopg2

    name = f"dagster_test_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(
        user=os.environ["DAGSTER_PG_USERNAME"],
        password=os.environ["DAGSTER_PG_PASSWORD"],
        host=os.environ["DAGSTER_PG_HOST"],
        port=os.environ["DAGSTER_PG_PORT"],
        dbname="postgres",
    )
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    monkeypatch.setenv("DAGSTER_PG_DB", name)
    yield name
    admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


def test_a_year_materializes_with_postgres_storage(tmp_path, database):
    import psycopg2

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(ROOT / "dagster.postgres.yaml", home / "dagster.yaml")
    raw = FIXTURES / "raw_small"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = dg.materialize(
            build_assets(year_partitions(raw)),
            partition_key="2022",
            resources={"paths": ProjectPaths(raw_dir=str(raw), out_dir=str(tmp_path / "published"))},
            instance=instance,
        )
        assert result.success
        assert instance.get_run_by_id(result.run_id).is_success
    with psycopg2.connect(
        user=os.environ["DAGSTER_PG_USERNAME"],
        password=os.environ["DAGSTER_PG_PASSWORD"],
        host=os.environ["DAGSTER_PG_HOST"],
        port=os.environ["DAGSTER_PG_PORT"],
        dbname=database,
    ) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM runs WHERE run_id = %s", (result.run_id,))
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            (result.run_id,),
        )
        assert cursor.fetchone()[0] == 6
    assert (tmp_path / "published/data/2022/141500_ict_projects_2022.csv").exists()
