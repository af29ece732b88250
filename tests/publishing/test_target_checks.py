"""Each target's check proves it reachable and writable against the real thing (a throw-away
PostgreSQL, the GCS emulator, folders), says what to fix otherwise, and changes nothing readers
see."""

import time
from pathlib import Path

import psycopg
import pytest
from publishing_servers import GCS_BUCKET, free_port

from publishing import CsvFolderConfig, CsvFolderTarget, DuckDbFileConfig, DuckDbFileTarget
from publishing.targets.base import TargetUnavailableError
from publishing.targets.gcs import GcsConfig, GcsTarget
from publishing.targets.postgres import PostgresConfig, PostgresTarget


def test_a_folder_target_passes_without_creating_its_folder(tmp_path: Path) -> None:
    # given an export folder that does not exist yet, under a writable parent
    export_dir = tmp_path / "exports"
    # when
    details = [
        CsvFolderTarget(CsvFolderConfig(export_dir)).check(),
        DuckDbFileTarget(DuckDbFileConfig(export_dir / "kpis.duckdb")).check(),
    ]
    # then: OK, and a check leaves no trace
    assert details == ["writable", "writable"]
    assert list(tmp_path.iterdir()) == []


def test_a_folder_under_a_file_names_the_file(tmp_path: Path) -> None:
    # given an export folder whose parent is a file
    (tmp_path / "file.txt").write_text("x")
    target = CsvFolderTarget(CsvFolderConfig(tmp_path / "file.txt" / "exports"))
    # when / then
    with pytest.raises(TargetUnavailableError, match=r"file\.txt is a file"):
        target.check()


def _cluster_state(admin_dsn: str) -> tuple[list[tuple], list[tuple]]:
    """The database's looker schemas and the cluster's roles (roles are cluster-wide: other
    tests may have created some, so the check is compared with the state before it)."""
    with psycopg.connect(admin_dsn) as connection:
        schemas = connection.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'looker%' ORDER BY 1"
        ).fetchall()
        roles = connection.execute("SELECT rolname FROM pg_roles ORDER BY 1").fetchall()
    return schemas, roles


def test_postgres_check_passes_for_the_publisher_role_and_changes_nothing(
    postgres_database: dict[str, str],
) -> None:
    # given the role that publishes (owns its database, may create roles)
    target = PostgresTarget(PostgresConfig(dsn=postgres_database["publisher"]))
    before = _cluster_state(postgres_database["admin"])
    # when
    detail = target.check()
    # then: proved, and no schema or role was left behind
    assert detail.startswith("reachable and writable (PostgreSQL ")
    assert before[0] == []
    assert _cluster_state(postgres_database["admin"]) == before


def test_postgres_check_names_the_missing_privilege(postgres_database: dict[str, str]) -> None:
    # given a login role that may not create schemas in the database
    with psycopg.connect(postgres_database["admin"], autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'bystander'").fetchone():
            admin.execute("CREATE ROLE bystander LOGIN")
    target = PostgresTarget(PostgresConfig(dsn=f"{postgres_database['base']} user=bystander"))
    # when / then
    with pytest.raises(TargetUnavailableError, match="needs CREATE on the database"):
        target.check()


def test_postgres_check_on_a_closed_port_fails_fast_without_the_password() -> None:
    # given a DSN with a password, where nothing listens
    dsn = f"host=127.0.0.1 port={free_port()} user=publisher password=hunter2-secret dbname=x"
    started = time.monotonic()
    # when
    with pytest.raises(TargetUnavailableError) as raised:
        PostgresTarget(PostgresConfig(dsn=dsn)).check()
    # then
    assert time.monotonic() - started < 10
    assert "Connection refused" in str(raised.value)
    assert "hunter2-secret" not in str(raised.value)


def test_gcs_check_writes_and_removes_one_probe_object(gcs_client) -> None:
    # given the emulator's bucket, empty
    target = GcsTarget(GcsConfig(bucket=GCS_BUCKET, prefix="looker"), client=gcs_client)
    # when
    detail = target.check()
    # then: proved, and the bucket is as it was
    assert detail == "reachable and writable"
    assert list(gcs_client.bucket(GCS_BUCKET).list_blobs()) == []


def test_gcs_check_of_a_missing_bucket_says_so(gcs_client) -> None:
    target = GcsTarget(GcsConfig(bucket="no-such-bucket"), client=gcs_client)
    with pytest.raises(TargetUnavailableError, match="gs://no-such-bucket does not exist"):
        target.check()
