"""The CSV folder target: format rules on real files, layout, splitting, byte-identical re-runs."""

import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from publishing_helpers import csv_files

from publishing import (
    CONTRACT_VERSION,
    EXPORT_COLUMNS,
    GRAIN_COLUMNS,
    CsvFolderTarget,
    PublishConfig,
    publish,
)
from publishing.manifest import verify_folder

NOW = datetime(2026, 5, 20, 3, 0, tzinfo=UTC)


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_publish_writes_every_table_with_the_contract_header_in_order(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    # when
    result = publish(warehouse, [csv_target], now=NOW)
    # then
    current = export_dir / "current"
    assert sorted(p.name for p in current.iterdir()) == sorted(
        [f"{table}.csv" for table in EXPORT_COLUMNS] + ["manifest.json"]
    )
    for table, columns in EXPORT_COLUMNS.items():
        assert read_rows(current / f"{table}.csv")[0] == columns
    assert result.row_counts["kpi_agent_credit_daily"] == 6
    assert verify_folder(current) == []


def test_publish_follows_the_format_rules_byte_for_byte(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    publish(warehouse, [csv_target], now=NOW)
    sales = (export_dir / "current" / "kpi_sales_daily.csv").read_bytes().decode("utf-8")
    # then: UTF-8, \n lines, quoted comma and quotes, empty NULL team, 0 for zero measures,
    # money at 2 decimals with a dot, ISO dates, rows in grain order
    assert sales.splitlines()[1:] == [
        '2026-03-29,"Sales, ""EU""",crm,crm_paid_search,CRM: Paid search,unassigned,Unassigned,'
        ",1,0,1,0,0,0",
        '2026-03-29,"Sales, ""EU""",phone,phone_toll_free,Toll-free number,a1b2c3d4e5f6,'
        "Léa Martin,Équipe Nord,2,1,0,1234.50,1,1234.50",
        "2026-10-25,Default,phone,phone_mobile,Mobile line,0f9e8d7c6b5a,Zoë O'Brien,Sud,"
        "0,1,0,99.99,0,0",
    ]
    assert "\r" not in sales
    credit = read_rows(export_dir / "current" / "kpi_agent_credit_daily.csv")
    assert credit[2][-2:] == ["0.3333333333333333", "411.5"]
    assert credit[1][-2:] == ["0", "0"]


def test_publish_sorts_every_table_by_its_grain(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    publish(warehouse, [csv_target], now=NOW)
    for table, grain in GRAIN_COLUMNS.items():
        rows = read_rows(export_dir / "current" / f"{table}.csv")
        positions = [rows[0].index(column) for column in grain]
        keys = [tuple(row[i] for i in positions) for row in rows[1:]]
        assert keys == sorted(keys), table


def test_republishing_unchanged_marts_gives_byte_identical_csv_files(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    first = publish(warehouse, [csv_target], now=NOW)
    files_first = csv_files(export_dir / "current")
    # when
    second = publish(warehouse, [csv_target], now=datetime(2026, 5, 21, 3, 0, tzinfo=UTC))
    # then: only the manifest (generation time, version) differs
    assert csv_files(export_dir / "current") == files_first
    assert first.content_sha256 == second.content_sha256
    assert first.version != second.version


def test_publish_keeps_exactly_the_previous_version_behind_a_previous_link(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    versions = [publish(warehouse, [csv_target]).version for _ in range(3)]
    assert os.readlink(export_dir / "current") == f"versions/{versions[2]}"
    assert os.readlink(export_dir / "previous") == f"versions/{versions[1]}"
    assert sorted(p.name for p in (export_dir / "versions").iterdir()) == sorted(versions[1:])


def test_publish_splits_a_large_table_into_parts_with_the_same_header(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    # when: a tiny threshold forces every table over it
    publish(warehouse, [csv_target], PublishConfig(split_bytes=400))
    # then
    folder = export_dir / "current" / "kpi_agent_credit_daily"
    parts = sorted(folder.iterdir())
    assert [p.name for p in parts][:2] == ["part-0001.csv", "part-0002.csv"]
    rows = [read_rows(part) for part in parts]
    assert all(part_rows[0] == EXPORT_COLUMNS["kpi_agent_credit_daily"] for part_rows in rows)
    assert sum(len(part_rows) - 1 for part_rows in rows) == 6
    assert all(part.stat().st_size <= 400 for part in parts)
    assert verify_folder(export_dir / "current") == []


def test_manifest_records_schema_version_counts_checksums_and_generation_time(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    publish(warehouse, [csv_target], now=NOW)
    manifest = json.loads((export_dir / "current" / "manifest.json").read_text())
    assert manifest["schema_version"] == CONTRACT_VERSION == 2
    assert manifest["generated_at"] == "2026-05-20T03:00:00Z"
    assert manifest["tables"]["kpi_calls_daily"]["row_count"] == 3
    assert len(manifest["tables"]["kpi_calls_daily"]["files"][0]["sha256"]) == 64


def test_publish_opens_the_warehouse_read_only_so_other_readers_are_not_blocked(
    warehouse: Path, csv_target: CsvFolderTarget
) -> None:
    # given: another read-only reader holds the file
    with duckdb.connect(str(warehouse), read_only=True):
        # when / then: publishing alongside it works
        publish(warehouse, [csv_target])
