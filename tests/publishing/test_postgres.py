"""PostgreSQL target against a real server: COPY load, one-transaction swap, read-only role."""

from pathlib import Path

import duckdb
import psycopg
import pytest
from publishing_warehouse import PII_NEEDLES

from publishing import (
    EXPORT_COLUMNS,
    CsvFolderTarget,
    PublishValidationError,
    find_pii,
    publish,
)
from publishing.targets.postgres import PostgresConfig, PostgresTarget

READER = "looker_reader"


@pytest.fixture
def pg_target(postgres_database: dict[str, str]) -> PostgresTarget:
    return PostgresTarget(PostgresConfig(dsn=postgres_database["publisher"]))


def as_reader(postgres_database: dict[str, str]) -> psycopg.Connection:
    with psycopg.connect(postgres_database["admin"], autocommit=True) as admin:
        admin.execute(f"ALTER ROLE {READER} LOGIN")  # the DBA's step: LOGIN + a password
    return psycopg.connect(f"{postgres_database['base']} user={READER}", autocommit=True)


def published_rows(dsn: str, table: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as connection:
        return connection.execute(f"SELECT * FROM looker.{table} ORDER BY 1, 2, 3").fetchall()


def test_publish_loads_every_table_with_contract_columns_and_types(
    warehouse: Path, pg_target: PostgresTarget, postgres_database: dict[str, str]
) -> None:
    publish(warehouse, [pg_target])
    with psycopg.connect(postgres_database["admin"]) as connection:
        for table, columns in EXPORT_COLUMNS.items():
            found = connection.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'looker' AND table_name = %s ORDER BY ordinal_position",
                [table],
            ).fetchall()
            assert [name for (name,) in found] == columns
        sales = connection.execute(
            "SELECT date::text, pipeline, team, revenue_won::text FROM looker.kpi_sales_daily "
            "ORDER BY agent_id"
        ).fetchall()
    assert sales[0] == ("2026-10-25", "Default", "Sud", "99.99")
    assert sales[2] == ("2026-03-29", 'Sales, "EU"', None, "0.00")  # NULL team stays NULL


def test_reader_role_can_select_published_tables_and_nothing_else(
    warehouse: Path, pg_target: PostgresTarget, postgres_database: dict[str, str]
) -> None:
    # given: a raw PII table in public, published tables in looker
    with psycopg.connect(postgres_database["publisher"]) as owner:
        owner.execute("CREATE TABLE public.raw_contacts (email text)")
        owner.execute("INSERT INTO public.raw_contacts VALUES (%s)", [PII_NEEDLES[1]])
    publish(warehouse, [pg_target])
    with as_reader(postgres_database) as reader:
        # then: SELECT works on the published schema
        assert reader.execute("SELECT sum(calls) FROM looker.kpi_calls_daily").fetchone() == (6,)
        # and everything else is denied
        for statement in (
            "INSERT INTO looker.kpi_calls_daily (date) VALUES ('2026-01-01')",
            "UPDATE looker.kpi_calls_daily SET calls = 0",
            "DELETE FROM looker.kpi_calls_daily",
            "CREATE TABLE looker.mine (x int)",
            "CREATE TABLE public.mine (x int)",
            "DROP TABLE looker.kpi_calls_daily",
            "SELECT * FROM public.raw_contacts",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(statement)


def test_reader_cannot_see_the_staging_schema_while_a_publication_is_staged(
    warehouse: Path, pg_target: PostgresTarget, postgres_database: dict[str, str]
) -> None:
    publish(warehouse, [pg_target])  # creates the role

    def probe(step: str) -> None:
        if step == "pg:staged":
            with (
                as_reader(postgres_database) as reader,
                pytest.raises(psycopg.errors.InsufficientPrivilege),
            ):
                reader.execute("SELECT * FROM looker_staging.kpi_calls_daily")

    publish(warehouse, [pg_target], on_step=probe)


def test_crash_during_the_swap_rolls_back_to_the_previous_tables(
    warehouse: Path, pg_target: PostgresTarget, postgres_database: dict[str, str]
) -> None:
    # given
    publish(warehouse, [pg_target])
    before = {table: published_rows(postgres_database["admin"], table) for table in EXPORT_COLUMNS}
    import duckdb

    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE marts.kpi_calls_daily SET talk_seconds = talk_seconds + 1")

    def crash(step: str) -> None:
        if step == "pg:swapped:kpi_customers":  # half of the tables already swapped
            raise RuntimeError(step)

    # when
    with pytest.raises(Exception, match="kpi_customers"):
        publish(warehouse, [pg_target], on_step=crash)
    # then: every table is the old one
    after = {table: published_rows(postgres_database["admin"], table) for table in EXPORT_COLUMNS}
    assert after == before


def test_default_privileges_keep_tables_readable_and_pii_stays_out(
    warehouse: Path,
    pg_target: PostgresTarget,
    postgres_database: dict[str, str],
    csv_target: CsvFolderTarget,
) -> None:
    publish(warehouse, [pg_target, csv_target])
    with psycopg.connect(postgres_database["publisher"], autocommit=True) as owner:
        owner.execute("CREATE TABLE looker.extra AS SELECT 1 AS x")
    with as_reader(postgres_database) as reader:
        assert reader.execute("SELECT x FROM looker.extra").fetchone() == (1,)
        rows = [
            row
            for table in EXPORT_COLUMNS
            for row in reader.execute(f"SELECT * FROM looker.{table}").fetchall()
        ]
    assert len(rows) == 25
    assert find_pii(rows, PII_NEEDLES) == []


def test_volume_baseline_comes_from_the_published_manifest_table(
    warehouse: Path, pg_target: PostgresTarget
) -> None:
    publish(warehouse, [pg_target])
    assert pg_target.previous_row_counts()["kpi_agent_credit_daily"] == 6


def test_measure_baseline_comes_from_the_manifest_stored_with_the_published_tables(
    warehouse: Path, pg_target: PostgresTarget
) -> None:
    # given: a publication whose manifest (with its totals) lives in the published schema
    publish(warehouse, [pg_target])
    assert pg_target.previous_manifest()["measures"]["revenue_won"] == "1334.49"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE marts.kpi_calls_daily SET calls = 0, answered_calls = 0, "
                           "missed_calls = 0, missed_out_of_hours = 0, "
                           "missed_called_back_1h = 0, missed_called_back_24h = 0")  # fmt: skip
    # when / then: the drop is measured against that manifest
    with pytest.raises(PublishValidationError, match=r"measure_total \[calls\]: total 0, .*: 6\)"):
        publish(warehouse, [pg_target])
