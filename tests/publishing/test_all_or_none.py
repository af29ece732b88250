"""All targets or none: a swap failing on any target puts every switched one back, byte for byte.

Real servers: a PostgreSQL cluster started by the tests and the GCS emulator.
"""

import os
from pathlib import Path

import duckdb
import psycopg
import pytest
from google.cloud import storage
from publishing_helpers import snapshot
from publishing_servers import GCS_BUCKET

from publishing import EXPORT_COLUMNS, CsvFolderTarget, PublishCommitError, publish
from publishing.publish import PublishRollbackError
from publishing.targets.duckdb_file import DuckDbFileConfig, DuckDbFileTarget
from publishing.targets.gcs import GcsConfig, GcsTarget
from publishing.targets.postgres import MANIFEST_TABLE, PostgresConfig, PostgresTarget

PREFIX = "looker/kpis"


@pytest.fixture
def targets(
    csv_target: CsvFolderTarget,
    export_dir: Path,
    postgres_database: dict[str, str],
    gcs_client: storage.Client,
) -> list:
    """The four kinds of target, in the order the orchestrator uses."""
    return [
        csv_target,
        DuckDbFileTarget(DuckDbFileConfig(export_dir / "kpis.duckdb")),
        PostgresTarget(PostgresConfig(dsn=postgres_database["publisher"], lock_timeout="1s")),
        GcsTarget(GcsConfig(bucket=GCS_BUCKET, prefix=PREFIX), client=gcs_client),
    ]


def everything(export_dir: Path, dsn: str, client: storage.Client) -> dict[str, object]:
    """Every byte each target's readers can see, and the state behind it."""
    state: dict[str, object] = {
        "csv_links": {name: os.readlink(export_dir / name) for name in ("current", "previous")},
        "csv_versions": sorted(p.name for p in (export_dir / "versions").iterdir()),
        "csv_files": snapshot(export_dir / "versions"),
        "duckdb_file": (export_dir / "kpis.duckdb").read_bytes(),
        "export_dir": sorted(p.name for p in export_dir.iterdir()),
    }
    with psycopg.connect(dsn) as connection:
        state["pg_schemas"] = connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'looker%' ORDER BY 1"
        ).fetchall()
        for table in [*EXPORT_COLUMNS, MANIFEST_TABLE]:
            state[f"pg_{table}"] = connection.execute(
                f"SELECT * FROM looker.{table} ORDER BY 1, 2, 3"
            ).fetchall()
    state["gcs"] = {
        blob.name: (blob.download_as_bytes(), blob.content_type, blob.metadata)
        for blob in client.bucket(GCS_BUCKET).list_blobs()
    }
    return state


def change_marts(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE marts.kpi_calls_daily SET talk_seconds = talk_seconds + 1")


def fail_at(step: str):
    def hook(current: str) -> None:
        if current == step:
            raise RuntimeError(f"injected at {current}")

    return hook


@pytest.mark.parametrize(
    "step",
    [
        "csv:switched",  # first target, after its own switch
        "duckdb:switched",  # second
        "pg:swapped:kpi_customers",  # third, half of its tables moved
        f"gcs:copied:{PREFIX}/kpi_customers/part-0001.csv",  # last, part-way through its copies
        f"gcs:copied:{PREFIX}/manifest.json",  # last, after its very last copy
    ],
)
def test_a_swap_failure_in_any_position_leaves_every_target_on_the_previous_version(
    warehouse: Path,
    targets: list,
    export_dir: Path,
    postgres_database: dict[str, str],
    gcs_client: storage.Client,
    step: str,
) -> None:
    # given: two publications (so `previous` exists too), then changed marts
    publish(warehouse, targets)
    change_marts(warehouse)
    publish(warehouse, targets)
    before = everything(export_dir, postgres_database["admin"], gcs_client)
    change_marts(warehouse)
    # when
    with pytest.raises(PublishCommitError, match="every target shows the previous") as raised:
        publish(warehouse, targets, on_step=fail_at(step))
    # then: every target is byte-identical to before, nothing staged is left behind
    assert "injected" in str(raised.value)
    after = everything(export_dir, postgres_database["admin"], gcs_client)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    # and the next publication goes through on every target
    result = publish(warehouse, targets)
    assert len(result.locations) == 4


def test_a_bi_query_blocking_the_postgres_swap_rolls_the_csv_folder_back(
    warehouse: Path,
    targets: list,
    export_dir: Path,
    postgres_database: dict[str, str],
    gcs_client: storage.Client,
) -> None:
    # given: a publication, and a BI session in the middle of a long read of one table
    publish(warehouse, targets)
    before = {
        "csv": snapshot(export_dir / "current"),
        "duckdb": (export_dir / "kpis.duckdb").read_bytes(),
    }
    change_marts(warehouse)
    with psycopg.connect(postgres_database["admin"]) as bi_session:
        bi_session.execute("SELECT count(*) FROM looker.kpi_calls_daily").fetchone()  # holds
        # when: the swap's lock_timeout (1 s) expires against it
        with pytest.raises(PublishCommitError, match="lock timeout"):
            publish(warehouse, targets)
        bi_session.rollback()
    # then: the CSV folder and the reader file, which had already switched, are back
    assert snapshot(export_dir / "current") == before["csv"]
    assert (export_dir / "kpis.duckdb").read_bytes() == before["duckdb"]


class BrokenRollback:
    """Wraps a real target: its commits work, its rollbacks fail (e.g. its disk went away)."""

    def __init__(self, target: CsvFolderTarget) -> None:
        self._target = target

    def describe(self) -> str:
        return self._target.describe()

    def previous_row_counts(self) -> dict[str, int]:
        return self._target.previous_row_counts()

    def stage(self, publication, hook) -> "_StagedWithBrokenRollback":
        return _StagedWithBrokenRollback(self._target.stage(publication, hook))


class _StagedWithBrokenRollback:
    def __init__(self, staged) -> None:
        self._staged = staged

    def abort(self) -> None:
        self._staged.abort()

    def commit(self) -> "_CommittedWithBrokenRollback":
        return _CommittedWithBrokenRollback(self._staged.commit())


class _CommittedWithBrokenRollback:
    def __init__(self, committed) -> None:
        self._committed = committed
        self.location = committed.location
        self.previous_version = committed.previous_version

    def rollback(self) -> None:
        self._committed.finish()  # let go of its lock, as a crashed rollback would
        raise OSError("disk gone")

    def finish(self) -> None:
        self._committed.finish()


def test_a_failed_rollback_names_which_target_is_on_which_version(
    warehouse: Path, targets: list, export_dir: Path
) -> None:
    # given: the CSV folder cannot roll back, and PostgreSQL fails its swap
    csv_target, reader, postgres, gcs = targets
    publish(warehouse, targets)
    change_marts(warehouse)
    # when
    with pytest.raises(PublishRollbackError) as raised:
        publish(
            warehouse,
            [BrokenRollback(csv_target), reader, postgres, gcs],
            on_step=fail_at("pg:before_commit"),
        )
    # then
    message = str(raised.value)
    new_version = os.readlink(export_dir / "current").rsplit("/", 1)[-1]
    assert f"CSV folder {export_dir / 'current'}: STILL ON NEW VERSION {new_version}" in message
    assert "disk gone" in message
    assert f"DuckDB file {export_dir / 'kpis.duckdb'}: back on previous version" in message
    assert "PostgreSQL schema looker: previous version (never switched)" in message
    assert f"GCS gs://{GCS_BUCKET}/{PREFIX}: previous version (never switched)" in message
