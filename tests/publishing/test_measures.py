"""Key measure totals and the trailing history in the manifest (issue 7 item 3, fault 29)."""

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from publishing_helpers import snapshot

from publishing import CsvFolderTarget, PublishConfig, PublishValidationError, publish
from publishing.measures import (
    HISTORY_LENGTH,
    PublicationStats,
    baseline,
    measure_failures,
    volume_failures,
)


def mutate(warehouse: Path, *statements: str) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        for statement in statements:
            connection.execute(statement)


def manifest(export_dir: Path) -> dict:
    return json.loads((export_dir / "current" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("statements", "measure", "new_value"),
    [
        pytest.param(
            ["UPDATE marts.kpi_sales_daily SET revenue_won = 0",
             "UPDATE marts.kpi_agent_credit_daily SET revenue_won = 0, credited_revenue_won = 0",
             "UPDATE marts.kpi_targets_monthly SET revenue_won = 0"],
            "revenue_won", "0.00", id="revenue-zeroed-by-a-renamed-amount",
        ),
        pytest.param(
            ["UPDATE marts.kpi_calls_daily SET calls = 1, answered_calls = 0, missed_calls = 0, "
             "missed_out_of_hours = 0, missed_called_back_1h = 0, missed_called_back_24h = 0"],
            "calls", "3", id="calls-halved-rows-intact",
        ),
        pytest.param(
            ["UPDATE marts.kpi_leads_daily SET leads_created = 0, leads_with_opportunity = 0, "
             "leads_won = 0, leads_responded = 0, leads_responded_within_5m = 0"],
            "leads_created", "0", id="leads-zeroed",
        ),
        pytest.param(
            ["UPDATE marts.kpi_sales_daily SET opportunities_created = 0, "
             "cohort_opportunities_won = 0",
             "UPDATE marts.kpi_agent_credit_daily SET opportunities_created = 0"],
            "opportunities_created", "0", id="opportunities-created-zeroed",
        ),
    ],
)  # fmt: skip
def test_measure_total_drop_blocks_publication_naming_measure_previous_and_new_value(
    warehouse: Path,
    export_dir: Path,
    csv_target: CsvFolderTarget,
    statements: list[str],
    measure: str,
    new_value: str,
) -> None:
    # given: a good publication, then marts with every row still there but a total collapsed
    publish(warehouse, [csv_target])
    previous_value = manifest(export_dir)["measures"][measure]
    before = snapshot(export_dir / "current")
    mutate(warehouse, *statements)
    # when
    with pytest.raises(PublishValidationError) as raised:
        publish(warehouse, [csv_target])
    # then: the failure names the measure, the new and the previous values; nothing changed
    failures = {f.table: f for f in raised.value.failures if f.check == "measure_total"}
    assert measure in failures, raised.value
    detail = failures[measure].detail
    assert detail.startswith(f"total {new_value}, below 80%")
    assert f"(previous publication: {previous_value})" in detail
    assert snapshot(export_dir / "current") == before


def test_manifest_records_the_totals_exactly_and_a_bounded_history_newest_first(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    # given / when: more publications than the history keeps
    versions = [publish(warehouse, [csv_target]).version for _ in range(HISTORY_LENGTH + 2)]
    # then
    document = manifest(export_dir)
    assert document["measures"] == {
        "calls": "6", "leads_created": "4", "opportunities_created": "3",
        "opportunities_won": "2", "revenue_won": "1334.49",
    }  # fmt: skip
    history = document["history"]
    assert [entry["version"] for entry in history] == versions[-2::-1][: HISTORY_LENGTH - 1]
    assert history[0]["row_counts"]["kpi_agent_credit_daily"] == 6
    assert history[0]["measures"]["revenue_won"] == "1334.49"


def test_disabled_volume_check_starts_a_new_trailing_window(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    # given: two publications, then a deliberate purge published with the check disabled
    publish(warehouse, [csv_target])
    publish(warehouse, [csv_target])
    mutate(warehouse, "DELETE FROM marts.kpi_customer_cohorts WHERE months_since_first_order > 0")
    publish(warehouse, [csv_target], PublishConfig(min_volume_ratio=0))
    # when: the next nightly publication runs with the default checks
    publish(warehouse, [csv_target])
    # then: it was judged against the purged level only, which started the history anew
    assert len(manifest(export_dir)["history"]) == 1


def stats(rows: int, revenue: str = "100.00") -> PublicationStats:
    return PublicationStats("v", "t", {"kpi_calls_daily": rows}, {"revenue_won": Decimal(revenue)})


def test_volume_check_compares_with_the_trailing_median_not_only_the_previous_publication():
    # given: a week at 100 rows, then a slow slide that each night passes "half of yesterday"
    history = [stats(60), stats(100), stats(100), stats(100), stats(100)]  # newest first
    # when: today's count is 40, 67% of yesterday's but 40% of the trailing median
    failures = volume_failures({"kpi_calls_daily": 40}, baseline([history]), 0.5)
    # then
    assert [str(f) for f in failures] == [
        "volume [kpi_calls_daily]: rows 40, below 50% of the trailing median 100 of the last "
        "5 publication(s) (previous publication: 60)"
    ]


def test_volume_check_at_half_the_trailing_median_fails_and_just_above_passes():
    history = [stats(100)] * HISTORY_LENGTH
    reference = baseline([history])
    assert volume_failures({"kpi_calls_daily": 49}, reference, 0.5)
    assert not volume_failures({"kpi_calls_daily": 50}, reference, 0.5)


def test_baseline_takes_the_most_cautious_target_and_measures_compare_exactly():
    # given: one target with a long history, one newly added with a single publication
    reference = baseline([[stats(10, "4370000.00")] * 3, [stats(8, "4369999.99")]])
    # when
    failures = measure_failures({"revenue_won": Decimal("0.00")}, reference, 0.8)
    # then
    assert [f.detail for f in failures] == [
        "total 0.00, below 80% of the trailing median 4370000.00 of the last 3 publication(s) "
        "(previous publication: 4370000.00)"
    ]
    assert not measure_failures({"revenue_won": Decimal("3496000.00")}, reference, 0.8)
