"""The nine Looker Studio marts have exactly the columns of kpis.md, in its order."""

from __future__ import annotations

import re

import duckdb
import pytest
from dbt_harness import REPO, DbtWarehouse

KPIS_CANDIDATES = (REPO.parent / "shared" / "docs" / "kpis.md", REPO / "docs" / "kpis.md")
EXPORT_ITEM = re.compile(
    r"^\d+\.\s+\*\*`(kpi_[a-z_]+)`\*\*(.*?)(?=^\d+\.\s+\*\*`|^## |\Z)", re.S | re.M
)
BACKTICKED = re.compile(r"`([^`]*)`", re.S)


def kpis_document() -> str:
    for candidate in KPIS_CANDIDATES:
        if candidate.exists():
            return candidate.read_text(encoding="utf-8")
    pytest.skip("kpis.md (the shared business contract) is not beside the repository")


def export_columns(document: str) -> dict[str, list[str]]:
    """Each export of the "Export tables" section and its column list, in document order."""
    section = document.split("## Export tables", 1)[1].split("\n## ", 1)[0]
    exports: dict[str, list[str]] = {}
    for name, body in EXPORT_ITEM.findall(section):
        # The column list is the first backticked span that lists names separated by commas.
        for span in BACKTICKED.findall(body):
            names = [part.strip() for part in span.split(",")]
            if len(names) > 1 and all(re.fullmatch(r"[a-z_0-9]+", n) for n in names):
                exports[name] = names
                break
    return exports


def test_kpis_document_lists_the_nine_exports() -> None:
    # given / when
    exports = export_columns(kpis_document())
    # then
    assert sorted(exports) == sorted(
        [
            "kpi_sales_daily", "kpi_agent_credit_daily", "kpi_targets_monthly", "kpi_customers",
            "kpi_retention_monthly", "kpi_customer_cohorts", "kpi_leads_daily", "kpi_calls_daily",
            "kpi_conversations_daily",
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    "mart",
    [
        "kpi_sales_daily", "kpi_agent_credit_daily", "kpi_targets_monthly", "kpi_customers",
        "kpi_retention_monthly", "kpi_customer_cohorts", "kpi_leads_daily", "kpi_calls_daily",
        "kpi_conversations_daily",
    ],
)  # fmt: skip
def test_mart_columns_match_kpis_md_in_order(dbt_warehouse: DbtWarehouse, mart: str) -> None:
    # given
    expected = export_columns(kpis_document())[mart]
    # when
    with duckdb.connect(str(dbt_warehouse.path), read_only=True) as con:
        actual = [
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
        ]
    # then
    assert actual == expected


def test_exposure_depends_on_every_mart() -> None:
    # given
    exposures = (REPO / "dbt_project" / "models" / "marts" / "_marts__exposures.yml").read_text()
    # when
    exports = export_columns(kpis_document())
    # then
    for mart in exports:
        assert f"ref('{mart}')" in exposures


def test_column_parser_reads_a_multiline_list() -> None:
    # given
    document = (
        "## Export tables\n"
        "1. **`kpi_x`** — grain: `date × agent_id` (`pipeline` = label).\n"
        "   `date, agent_id,\n   calls`.\n"
        "## Next\n"
    )
    # when / then
    assert export_columns(document) == {"kpi_x": ["date", "agent_id", "calls"]}


def test_publication_contract_matches_kpis_md() -> None:
    # given: the columns the publisher audits every export against
    from publishing import EXPORT_COLUMNS

    # then: the same tables, columns and order as the business contract
    assert {table: list(columns) for table, columns in EXPORT_COLUMNS.items()} == export_columns(
        kpis_document()
    )


def test_the_repository_copy_of_kpis_md_is_current() -> None:
    # given: the shared contract, where this checkout has it beside the repository
    shared, copy = KPIS_CANDIDATES
    if not shared.exists():
        pytest.skip("no shared kpis.md beside the repository to compare with")
    # then: docs/kpis.md ships the contract to users; refresh it when the contract changes
    assert copy.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")
