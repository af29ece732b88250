"""No raw phone number, e-mail or customer name reaches an export; find_pii finds them if so."""

from pathlib import Path

import duckdb
from publishing_warehouse import PII_NEEDLES

from publishing import CsvFolderTarget, PiiHit, find_pii, publish


def test_raw_pii_planted_in_the_warehouse_is_absent_from_every_published_file(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    # given: the raw layer holds a phone, an e-mail and a name (PII_NEEDLES)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        raw = connection.execute("SELECT record FROM raw_hubspot.contacts").fetchall()
    assert find_pii(raw, PII_NEEDLES)  # the needles really are in the warehouse
    # when
    publish(warehouse, [csv_target])
    # then
    assert find_pii([export_dir], PII_NEEDLES) == []


def test_find_pii_catches_reformatted_phone_numbers_and_case_changes(tmp_path: Path) -> None:
    leaked = tmp_path / "leak.csv"
    leaked.write_text("name,line\nMARGUERITE duchemin,0612345678\nok,2026-03-29\n")
    hits = find_pii([leaked], PII_NEEDLES)
    assert {hit.needle for hit in hits} == {"+33 6 12 34 56 78", "Marguerite Duchemin"}
    assert PiiHit(f"{leaked}:2", "+33 6 12 34 56 78") in hits


def test_find_pii_searches_rows_and_downloaded_blobs() -> None:
    rows = [
        ("2026-03-29", "Léa Martin", 3),
        {"agent_name": "x", "email": "MARGUERITE.DUCHEMIN@example.com"},
    ]
    blob = b"date,calls\n2026-03-29,33612345678\n"
    hits = find_pii([*rows, blob], PII_NEEDLES)
    assert [hit.location for hit in hits] == ["row #1", "blob #2:2"]


def test_find_pii_does_not_join_digits_of_neighbouring_numeric_cells() -> None:
    # "6,12345678" are two measures, not the phone number 612345678
    assert find_pii([b"a,b,c\n6,12345678,0\n"], ["+33 6 12 34 56 78"]) == []


def test_find_pii_reads_the_cells_of_a_published_duckdb_file(tmp_path: Path) -> None:
    # given: the reader copy, a DuckDB file whose pages hold a planted e-mail and phone
    import duckdb

    path = tmp_path / "kpis.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE SCHEMA marts")
        connection.execute("CREATE TABLE marts.kpi_x (agent_name VARCHAR, calls BIGINT)")
        connection.execute("INSERT INTO marts.kpi_x VALUES ('Léa', 3), ('lea@example.com', 1)")
        connection.execute("INSERT INTO marts.kpi_x VALUES ('06 12 34 56 78', 2)")
    # when
    hits = find_pii([tmp_path], ["LEA@example.com", "+33612345678", "absent@example.com"])
    # then
    assert sorted(hit.needle for hit in hits) == ["+33612345678", "LEA@example.com"]
    assert all(":marts.kpi_x:" in hit.location for hit in hits)
