"""Schema drift notices after a real sync into the raw layer (reliability.md faults 24-26)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from connectors.landing import sync_stream
from connectors.schema_drift import SchemaDrift, detect_schema_drift
from connectors.streams import Page, RecordShape

SHAPE = RecordShape(("properties", "hs_lastmodifieddate"), "archived")


class OnePageStream:
    """A HubSpot-deals-shaped stream returning one fixed page."""

    name, source, table, shape = "hubspot/deals", "hubspot", "deals", SHAPE

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def read(self, cursor: str | None) -> Iterator[Page]:
        yield Page(self.records, max(r["properties"]["hs_lastmodifieddate"] for r in self.records))

    def source_total(self) -> int | None:
        return None


def deals(first_id: int, count: int, modified: str, **properties: str | None) -> list[dict]:
    return [
        {
            "id": str(first_id + n),
            "archived": False,
            "properties": {"dealname": f"Deal {n}", "hs_lastmodifieddate": modified, **properties},
        }
        for n in range(count)
    ]


def land(db: Path, run_id: str, records: list[dict]) -> SchemaDrift:
    sync_stream(OnePageStream(records), db, run_id)
    return detect_schema_drift(db, "hubspot/deals", run_id)


def test_rename_in_one_run_is_flagged_as_a_probable_rename(tmp_path: Path) -> None:
    # given: yesterday's deals carried `amount`
    db = tmp_path / "warehouse.duckdb"
    land(db, "run-1", deals(1, 20, "2026-06-01T00:00:00Z", amount="100"))
    # when: today's run brings deals with `amount_eur` and no `amount`
    drift = land(db, "run-2", deals(100, 12, "2026-06-02T00:00:00Z", amount_eur="100"))
    # then
    assert drift.new_fields == ("properties.amount_eur",)
    assert drift.vanished_fields == ("properties.amount",)
    assert drift.probable_renames == (("properties.amount", "properties.amount_eur"),)
    assert "probable rename: properties.amount -> properties.amount_eur" in drift.describe()


def test_new_field_alone_is_a_notice_without_vanished_fields(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    land(db, "run-1", deals(1, 20, "2026-06-01T00:00:00Z", amount="100"))
    # when: same fields plus one nobody asked for
    drift = land(db, "run-2", deals(100, 3, "2026-06-02T00:00:00Z", amount="5", hs_score="7"))
    # then
    assert (drift.new_fields, drift.vanished_fields) == (("properties.hs_score",), ())
    assert drift.describe() == (
        "hubspot/deals: schema drift: new field(s) properties.hs_score (landed in raw only)"
    )


def test_field_turned_null_on_every_record_of_the_run_counts_as_vanished(tmp_path: Path) -> None:
    # given / when: a permission change leaves `amount` null on all of today's records
    db = tmp_path / "warehouse.duckdb"
    land(db, "run-1", deals(1, 20, "2026-06-01T00:00:00Z", amount="100"))
    drift = land(db, "run-2", deals(100, 10, "2026-06-02T00:00:00Z", amount=None))
    # then
    assert drift == SchemaDrift("hubspot/deals", (), ("properties.amount",))


def test_few_records_or_a_sparse_field_raise_no_vanished_notice(tmp_path: Path) -> None:
    # given: `closedate` on a quarter of the stored deals only
    db = tmp_path / "warehouse.duckdb"
    land(db, "run-1", deals(1, 15, "2026-06-01T00:00:00Z", amount="1"))
    land(db, "run-2", deals(50, 5, "2026-06-01T01:00:00Z", amount="1", closedate="2026-06-01"))
    # when: a run of 3 deals without amount, then one of 10 without closedate
    small = land(db, "run-3", deals(100, 3, "2026-06-02T00:00:00Z"))
    sparse = land(db, "run-4", deals(200, 10, "2026-06-03T00:00:00Z", amount="1"))
    # then: nothing to report
    assert small == SchemaDrift("hubspot/deals")
    assert sparse == SchemaDrift("hubspot/deals")


def test_ids_above_2_53_and_a_phone_turned_integer_land_digit_for_digit(tmp_path: Path) -> None:
    # given: a record whose id exceeds 2^53 and whose phone changed from text to a JSON integer
    db = tmp_path / "warehouse.duckdb"
    record = deals(1, 1, "2026-06-01T00:00:00Z")[0]
    record |= {"id": 9007199254740993, "phone": 33612345678}
    # when
    land(db, "run-1", [record])
    # then: the VARCHAR key and the stored JSON hold the exact digits, never a rounded double
    with duckdb.connect(str(db)) as con:
        row = con.execute(
            "SELECT id, record ->> '$.id', record ->> '$.phone' FROM raw_hubspot.deals"
        ).fetchone()
    assert row == ("9007199254740993", "9007199254740993", "33612345678")
