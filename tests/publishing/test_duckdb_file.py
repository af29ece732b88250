"""DuckDB reader file: the published marts in their own file, swapped atomically, never locked."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from publishing import EXPORT_COLUMNS, CsvFolderTarget, publish
from publishing.targets.duckdb_file import DuckDbFileConfig, DuckDbFileTarget


@pytest.fixture
def reader_path(export_dir: Path) -> Path:
    return export_dir / "kpis.duckdb"


@pytest.fixture
def reader_target(reader_path: Path) -> DuckDbFileTarget:
    return DuckDbFileTarget(DuckDbFileConfig(reader_path))


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(f"SELECT * FROM marts.{table} ORDER BY ALL").fetchall()


def change_marts(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE marts.kpi_calls_daily SET talk_seconds = talk_seconds + 1")


def test_reader_file_holds_every_mart_exactly_with_its_manifest(
    warehouse: Path, reader_target: DuckDbFileTarget, reader_path: Path
) -> None:
    # when
    result = publish(warehouse, [reader_target])
    # then: same columns, types and values as the warehouse's marts
    with (
        duckdb.connect(str(warehouse), read_only=True) as source,
        duckdb.connect(str(reader_path), read_only=True) as reader,
    ):
        for table, columns in EXPORT_COLUMNS.items():
            describe = f"SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = '{table}' ORDER BY ordinal_position"  # noqa: E501
            assert reader.execute(describe).fetchall() == source.execute(describe).fetchall()
            assert [name for name, _ in reader.execute(describe).fetchall()] == columns
            query = f"SELECT * FROM marts.{table} ORDER BY ALL"
            assert reader.execute(query).fetchall() == source.execute(query).fetchall(), table
        version, manifest = reader.execute(
            "SELECT version, manifest FROM marts.publication_manifest"
        ).fetchone()
    assert version == result.version
    assert json.loads(manifest)["tables"]["kpi_calls_daily"]["row_count"] == 3
    assert reader_target.previous_row_counts() == result.row_counts
    assert reader_target.previous_manifest() == json.loads(manifest)


HOLD_READ_ONLY = textwrap.dedent(
    """
    import sys, duckdb
    connection = duckdb.connect(sys.argv[1], read_only=True)
    query = "SELECT sum(talk_seconds) FROM marts.kpi_calls_daily"
    print(connection.execute(query).fetchone()[0], flush=True)
    sys.stdin.readline()  # hold the file open until told
    print(connection.execute(query).fetchone()[0], flush=True)
    """
)


def test_a_reader_holding_the_file_blocks_neither_publication_nor_sees_a_mix(
    warehouse: Path, reader_target: DuckDbFileTarget, reader_path: Path
) -> None:
    # given: a published file, held open by a reader in another process
    publish(warehouse, [reader_target])
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(reader_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        old_total = int(reader.stdout.readline())
        change_marts(warehouse)
        # when
        publish(warehouse, [reader_target])
        # then: the open reader keeps its version, a new one sees the new version
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) == old_total
        with duckdb.connect(str(reader_path), read_only=True) as fresh:
            total = fresh.execute("SELECT sum(talk_seconds) FROM marts.kpi_calls_daily").fetchone()
        assert total[0] == old_total + 3  # three rows, one second more each
    finally:
        reader.kill()
        reader.wait()


@pytest.mark.parametrize(
    "step", ["duckdb:staged", "all_staged", "duckdb:before_switch", "duckdb:switched"]
)
def test_a_failure_at_any_step_leaves_the_previous_file_byte_identical(
    warehouse: Path, reader_target: DuckDbFileTarget, reader_path: Path, step: str
) -> None:
    # given
    publish(warehouse, [reader_target])
    before = reader_path.read_bytes()
    change_marts(warehouse)

    def crash(current: str) -> None:
        if current == step:
            raise RuntimeError(current)

    # when
    with pytest.raises(RuntimeError, match=step):
        publish(warehouse, [reader_target], on_step=crash)
    # then: the same bytes, and nothing left beside it but the lock file
    assert reader_path.read_bytes() == before
    assert sorted(p.name for p in reader_path.parent.iterdir()) == [
        ".kpis.duckdb.publish.lock",
        "kpis.duckdb",
    ]


def test_a_failed_first_publication_leaves_no_reader_file(
    warehouse: Path, reader_target: DuckDbFileTarget, reader_path: Path, csv_target: CsvFolderTarget
) -> None:
    def crash(current: str) -> None:
        if current == "csv:switched":
            raise RuntimeError(current)

    # when: the reader file switched first, then the CSV folder failed
    with pytest.raises(RuntimeError):
        publish(warehouse, [reader_target, csv_target], on_step=crash)
    # then
    assert not reader_path.exists()
    assert not (reader_path.parent / "current").exists()


HOLD_READ_WRITE = textwrap.dedent(
    """
    import sys, time, duckdb
    connection = duckdb.connect(sys.argv[1])
    print("held", flush=True)
    time.sleep(60)
    """
)


def test_publish_gives_up_on_a_warehouse_held_read_write_naming_the_holder(
    warehouse: Path, reader_target: DuckDbFileTarget, reader_path: Path
) -> None:
    # given: a publication, then a program holding the warehouse read-write
    from connectors.duckdb_connect import LockWait, WarehouseLockedError
    from publishing import PublishConfig

    publish(warehouse, [reader_target])
    before = reader_path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_WRITE, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        # when / then
        config = PublishConfig(lock_wait=LockWait(attempts=2, max_wait_seconds=0.2))
        with pytest.raises(WarehouseLockedError, match=f"PID {holder.pid}"):
            publish(warehouse, [reader_target], config)
    finally:
        holder.kill()
        holder.wait()
    assert reader_path.read_bytes() == before


def test_the_orchestrator_always_publishes_the_reader_file_after_the_csv_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.resources import PublishResource

    # given: only EXPORT_DIR set
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path / "exports"))
    for name in ("READER_DUCKDB_PATH", "LOOKER_PG_DSN", "LOOKER_GCS_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    # then: CSV folder, then the reader file beside it
    described = [target.describe() for target in PublishResource().targets()]
    assert described == [
        f"CSV folder {tmp_path / 'exports' / 'current'}",
        f"DuckDB file {tmp_path / 'exports' / 'kpis.duckdb'}",
    ]
    # and READER_DUCKDB_PATH moves it
    monkeypatch.setenv("READER_DUCKDB_PATH", str(tmp_path / "bi" / "marts.duckdb"))
    assert (
        PublishResource().targets()[1].describe()
        == f"DuckDB file {tmp_path / 'bi' / 'marts.duckdb'}"
    )
