"""The project's Dagster instance storage (dagster.yaml): Dagster's SQLite storage, with the event log's database
connections kept open between writes.

Dagster's SQLite event log creates a database engine and opens a connection for every event it writes (about
a hundred in a yearly run), then closes them again: about 0.5 s of a 3.7 s publish of FY2022. Here the engines
of the few databases in use — the index and the latest runs' — are kept, each with an open connection that
every write reuses. (The run storage connects about 30 times a run; keeping its connection made no
measurable difference.) The files, their layout and every table are Dagster's own: the UI, the daemon and
``dagster instance migrate`` read and write them as with ``storage: sqlite``. Writes are still one committed
transaction each, under Dagster's own lock. Two more of Dagster's steps are done the same way at less cost: a
new run's database is made with alembic's migration scripts read once per process, not twice a run
(``_initdb``), and the asset table's row is written without an exception per event (``_store_asset_event``).
The subclass relies on the internals of the pinned Dagster's SQLite event log (``_connect``, ``_initdb``,
``_store_asset_event``); tests/test_dagster_storage.py fails if an upgrade changes them.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import sqlalchemy as db
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from dagster._core.storage.event_log import SqlEventLogStorageMetadata
from dagster._core.storage.event_log.schema import AssetKeyTable
from dagster._core.storage.event_log.sqlite import sqlite_event_log
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sql import _alembic_lock, create_engine, get_alembic_config, safe_commit
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import QueuePool

KEPT_DATABASES = 8
"""Engines kept open at most: the index and the runs written last (a run writes to its own database)."""


@cache
def _migration_scripts() -> ScriptDirectory:
    """Alembic's view of Dagster's SQLite event log migrations, as Dagster's ``_initdb`` configures it."""
    return ScriptDirectory.from_config(get_alembic_config(sqlite_event_log.__file__))


class KeptConnectionsEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` reusing one open connection per database instead of one per write."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, tuple[Engine, int]] = OrderedDict()
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, new if the database file was replaced or removed since it was opened (a
        connection to a deleted file would write where nobody reads)."""
        path = self.path_for_shard(shard)
        inode = os.stat(path).st_ino if os.path.exists(path) else None
        kept = self._engines.pop(shard, None)
        if kept is not None and (inode is None or kept[1] != inode):
            kept[0].dispose()
            kept = None
        if kept is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=1,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            kept = (engine, inode)
        self._engines[shard] = kept
        while len(self._engines) > KEPT_DATABASES:
            self._engines.popitem(last=False)[1][0].dispose()
        return kept[0]

    def _initdb(self, engine: Engine, for_index_shard: bool = False) -> None:
        """Dagster's, for the database of a run (each run has its own): a new one gets Dagster's tables, the WAL
        journal and alembic's version table at the head revision, in the same steps, and one that has a version
        is left as it is. Dagster reads its ~90 migration scripts with alembic twice for every new run (about
        60 ms); here they are read once per process. The index shard, and any database this fails on (another
        process creating it at the same time), go to Dagster's own, which retries."""
        if for_index_shard:
            return super()._initdb(engine, for_index_shard)
        try:
            with engine.connect() as conn:
                with _alembic_lock:
                    context = MigrationContext.configure(conn)
                    if context.get_current_revision() is not None:
                        return
                SqlEventLogStorageMetadata.create_all(engine)
                conn.execute(db.text("PRAGMA journal_mode=WAL;"))
                with _alembic_lock:
                    context.stamp(_migration_scripts(), "head")
                safe_commit(conn)
        except DatabaseError:
            super()._initdb(engine, for_index_shard)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
                # The file did not exist before the schema was made: remember the inode it has now.
                self._engines[shard] = (engine, os.stat(self.path_for_shard(shard)).st_ino)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _store_asset_event(self, conn: Connection, event, event_id: int) -> None:
        """Dagster's, writing the same row of the asset table, but updating it first and inserting only when
        the asset has none. Dagster inserts first and updates on the IntegrityError: about a dozen a yearly run,
        each a traceback holding the frames of the run that raised it in a reference cycle, and with them the
        run's outputs (a year's cells and records) until the cyclic garbage collector ran. No other process can
        insert the row between the two statements: the transaction already writes (the event itself, in
        ``store_event``, or this UPDATE), so SQLite gives it the database's one write lock until it commits."""
        if not (event.dagster_event and event.dagster_event.asset_key):
            return
        values = self._get_asset_entry_values(event, event_id, self._has_asset_key_index_cols_on_connection(conn))
        if not values:
            return
        key = event.dagster_event.asset_key.to_string()
        update = AssetKeyTable.update().values(**values).where(AssetKeyTable.c.asset_key == key)
        if not conn.execute(update).rowcount:
            conn.execute(AssetKeyTable.insert().values(asset_key=key, **values))

    def has_table(self, table_name: str) -> bool:
        """Dagster's, remembering the tables it found: Dagster asks at every asset and check event (about 20 a
        year), each time with a new engine and connection to the index."""
        if table_name not in self._tables_found:
            if not super().has_table(table_name):
                return False
            self._tables_found.add(table_name)
        return True

    def _dispose_engines(self) -> None:
        with self._db_lock:
            for engine, _ in self._engines.values():
                engine.dispose()
            self._engines.clear()
            self._tables_found.clear()

    def wipe(self) -> None:
        self._dispose_engines()
        super().wipe()

    def upgrade(self) -> None:
        self._dispose_engines()
        super().upgrade()
        self._dispose_engines()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()


class ProjectSqliteStorage(DagsterSqliteStorage):
    """``storage: sqlite`` (runs, event logs and schedules under one base_dir, as Dagster lays them out), with
    the event log above."""

    def __init__(self, base_dir: str, inst_data=None):
        # DagsterSqliteStorage.__init__ with the event log replaced (each storage opens its database when made).
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = KeptConnectionsEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> ProjectSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)
