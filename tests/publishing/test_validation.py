"""Audit failures block publication, name the failed check, and leave the old files untouched."""

import os
from pathlib import Path

import duckdb
import pytest
from publishing_helpers import snapshot

from connectors.aircall.source import SOURCE as AIRCALL
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.registry import raw_total_queries
from publishing import (
    DEFAULT_INVARIANTS,
    CsvFolderTarget,
    PublishConfig,
    PublishValidationError,
    publish,
)
from publishing.invariants import raw_total_invariants

RAW_INVARIANTS = raw_total_invariants(raw_total_queries((HUBSPOT, AIRCALL)))

WITH_RAW = PublishConfig(invariants=DEFAULT_INVARIANTS + RAW_INVARIANTS)


def mutate(warehouse: Path, *statements: str) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        for statement in statements:
            connection.execute(statement)


def published_state(export_dir: Path) -> tuple[str, dict[str, bytes]]:
    return os.readlink(export_dir / "current"), snapshot(export_dir / "current")


@pytest.mark.parametrize(
    ("statement", "check", "table"),
    [
        pytest.param(
            "INSERT INTO marts.kpi_leads_daily SELECT * FROM marts.kpi_leads_daily LIMIT 1",
            "grain_unique", "kpi_leads_daily", id="duplicate-grain-row",
        ),
        pytest.param(
            "ALTER TABLE marts.kpi_calls_daily DROP COLUMN voicemails",
            "columns", "kpi_calls_daily", id="missing-column",
        ),
        pytest.param(
            "ALTER TABLE marts.kpi_customers RENAME COLUMN revenue TO revenue_eur",
            "columns", "kpi_customers", id="renamed-column",
        ),
        pytest.param(
            "DELETE FROM marts.kpi_customer_cohorts", "not_empty", "kpi_customer_cohorts",
            id="empty-table",
        ),
        pytest.param(
            "DELETE FROM marts.kpi_customer_cohorts WHERE months_since_first_order = 1 "
            "OR cohort_month > '2026-09-01'",
            "volume", "kpi_customer_cohorts", id="volume-drop-below-half",
        ),
        pytest.param(
            "UPDATE marts.kpi_leads_daily SET leads_won = NULL", "measures_not_null",
            "kpi_leads_daily", id="null-measure",
        ),
        pytest.param(
            "ALTER TABLE marts.kpi_sales_daily ALTER date TYPE VARCHAR", "column_types",
            "kpi_sales_daily", id="date-not-a-date",
        ),
        pytest.param(
            "UPDATE marts.kpi_targets_monthly SET team = 'call 06 12 34 56 78'",
            "no_pii_patterns", "invariant", id="phone-number-in-a-label",
        ),
        pytest.param(
            "UPDATE marts.kpi_sales_daily SET agent_name = 'lea.client@example.com'",
            "no_pii_patterns", "invariant", id="email-in-a-name",
        ),
        pytest.param(
            "DELETE FROM raw_aircall.calls WHERE id = '1'", "calls_match_raw_calls",
            "invariant", id="calls-differ-from-raw",
        ),
        pytest.param(
            "UPDATE marts.kpi_agent_credit_daily SET revenue_won = 1 WHERE credit_role = 'owner'",
            "owner_credit_matches_sales_revenue_won", "invariant", id="cross-table-invariant",
        ),
    ],
)  # fmt: skip
def test_failed_check_blocks_publication_and_keeps_the_previous_one_byte_identical(
    warehouse: Path,
    export_dir: Path,
    csv_target: CsvFolderTarget,
    statement: str,
    check: str,
    table: str,
) -> None:
    # given: a good publication, then a broken mart
    publish(warehouse, [csv_target], WITH_RAW)
    before = published_state(export_dir)
    mutate(warehouse, statement)
    # when
    with pytest.raises(PublishValidationError) as raised:
        publish(warehouse, [csv_target], WITH_RAW)
    # then
    assert (check, table) in {(f.check, f.table) for f in raised.value.failures}
    assert f"{check} [{table}]" in str(raised.value)
    assert published_state(export_dir) == before
    assert not [p for p in export_dir.iterdir() if p.name.startswith(".staging-")]


def test_validation_error_lists_every_failed_check_at_once(
    warehouse: Path, csv_target: CsvFolderTarget
) -> None:
    mutate(
        warehouse,
        "DELETE FROM marts.kpi_retention_monthly",
        "ALTER TABLE marts.kpi_calls_daily DROP COLUMN voicemails",
        "INSERT INTO marts.kpi_leads_daily SELECT * FROM marts.kpi_leads_daily",
    )
    with pytest.raises(PublishValidationError) as raised:
        publish(warehouse, [csv_target])
    checks = {failure.check for failure in raised.value.failures}
    assert {"not_empty", "columns", "grain_unique"} <= checks


def test_volume_check_can_be_disabled_for_a_deliberate_purge(
    warehouse: Path, csv_target: CsvFolderTarget
) -> None:
    publish(warehouse, [csv_target])
    mutate(warehouse, "DELETE FROM marts.kpi_customer_cohorts WHERE revenue = 0")
    mutate(warehouse, "DELETE FROM marts.kpi_customer_cohorts WHERE cohort_month > '2026-09-01'")
    publish(warehouse, [csv_target], PublishConfig(min_volume_ratio=0))


def test_a_missing_raw_table_fails_a_raw_invariant_rather_than_skipping_it(
    warehouse: Path, csv_target: CsvFolderTarget
) -> None:
    mutate(warehouse, "DROP TABLE raw_aircall.calls")
    with pytest.raises(PublishValidationError, match=r"calls_match_raw_calls.*could not run"):
        publish(warehouse, [csv_target], WITH_RAW)


def test_an_empty_conversations_export_is_published_with_its_header_when_no_messaging_source(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    # given: a deployment with a CRM and telephony only; kpi_conversations_daily has no rows
    config = PublishConfig(enabled_source_kinds=frozenset({"crm", "telephony"}))
    # when
    result = publish(warehouse, [csv_target], config)
    # then: published, header only, so one Looker Studio template fits every deployment
    assert result.row_counts["kpi_conversations_daily"] == 0
    exported = (export_dir / "current" / "kpi_conversations_daily.csv").read_text()
    assert exported.splitlines() == [
        "date,channel_group,channel,channel_label,business_line,agent_id,agent_name,team,"
        "direction,conversations,replied_conversations,first_response_seconds,"
        "replied_within_5m,messages_in,messages_out"
    ]


def test_an_empty_conversations_export_blocks_publication_when_messaging_is_enabled(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget
) -> None:
    # given: a messaging source is enabled, yet its export has no rows
    config = PublishConfig(enabled_source_kinds=frozenset({"crm", "telephony", "messaging"}))
    # when
    with pytest.raises(PublishValidationError) as raised:
        publish(warehouse, [csv_target], config)
    # then
    assert ("not_empty", "kpi_conversations_daily") in {
        (f.check, f.table) for f in raised.value.failures
    }
    assert not (export_dir / "current").exists()
