"""docs/data_dictionary.md stays in step with the export contract and kpis.md's column lists."""

import pytest
from kpis_md import kpis_md_columns

from publishing.contract import DATE_COLUMNS, EXPORT_COLUMNS, text_columns
from publishing.dictionary import SHARED, TABLES, Additivity, column_entry
from publishing.dictionary_doc import DICTIONARY_PATH, dictionary_is_current, render_dictionary


def test_dictionary_describes_every_contract_column():
    # given / when: every column the publisher exports
    missing = []
    for table, columns in EXPORT_COLUMNS.items():
        for column in columns:
            try:
                column_entry(table, column)
            except KeyError:
                missing.append(f"{table}.{column}")
    # then
    assert missing == [], "add these to publishing/dictionary.py"


def test_dictionary_describes_every_kpis_md_column_including_announced_tables():
    # given: kpis.md may announce an export before the contract ships it (kpi_conversations_daily)
    exports = kpis_md_columns()
    # when
    missing = [f"{t}.{c}" for t, cols in exports.items() for c in cols if not _has_entry(t, c)]
    # then
    assert missing == []


def test_dictionary_holds_no_entry_for_a_column_no_contract_lists():
    # given: every column either contract lists, per table
    listed = {table: set(columns) for table, columns in kpis_md_columns().items()}
    for table, columns in EXPORT_COLUMNS.items():
        listed.setdefault(table, set()).update(columns)
    # when
    stale = [f"{t}.{c}" for t, cols in TABLES.items() for c in cols if c not in listed.get(t, ())]
    unused_shared = [c for c in SHARED if not any(c in cols for cols in listed.values())]
    # then
    assert stale == [] and unused_shared == []


def test_generated_page_is_current():
    # then: regenerate with `kpi-pipeline dictionary` after changing the contract or dictionary
    assert dictionary_is_current(), f"{DICTIONARY_PATH} is stale: run `kpi-pipeline dictionary`"


def test_types_agree_with_the_contract_classification():
    # given / when / then: contract dates are Date fields, contract text columns Text dimensions
    for table, columns in EXPORT_COLUMNS.items():
        for column in columns:
            entry = column_entry(table, column)
            if column in DATE_COLUMNS:
                assert entry.looker_type == "Date", f"{table}.{column}"
            if column in text_columns(table):
                assert (entry.looker_type, entry.aggregation) == ("Text", "None"), column
            if entry.aggregation == "Sum":
                assert entry.additivity in (Additivity.ADDITIVE, Additivity.SEMI_ADDITIVE)


def test_reviewed_mistypes_are_text_or_never_summed():
    # given: the columns the old name patterns mis-typed (issue 10)
    text = [("kpi_sales_daily", "agent_name"), ("kpi_customers", "acquisition_channel_group"),
            ("kpi_customers", "acquisition_channel")]  # fmt: skip
    never_summed = ["months_since_first_order", "cohort_customers"]
    # then
    for table, column in text:
        assert column_entry(table, column).looker_type == "Text"
    for column in never_summed:
        assert column_entry("kpi_customer_cohorts", column).aggregation != "Sum"
    cohort_customers = column_entry("kpi_customer_cohorts", "cohort_customers")
    assert cohort_customers.additivity is Additivity.REPEATED


def test_render_tolerates_a_table_announced_in_kpis_md():
    # given: the contract plus the ninth export as kpis.md lists it
    exports = kpis_md_columns()
    if "kpi_conversations_daily" not in exports:
        pytest.skip("this kpis.md does not announce kpi_conversations_daily")
    contract = {**EXPORT_COLUMNS, "kpi_conversations_daily": exports["kpi_conversations_daily"]}
    # when
    page = render_dictionary(contract)
    # then: it gets a section and the next alias
    assert "## `kpi_conversations_daily`" in page
    assert f"| `ds{len(contract) - 1}` | `kpi_conversations_daily` |" in page
    assert "| `replied_within_5m` |" in page


def test_render_names_an_undocumented_column():
    with pytest.raises(KeyError, match=r"kpi_sales_daily\.mystery_metric"):
        render_dictionary({"kpi_sales_daily": ["date", "mystery_metric"]})


def _has_entry(table: str, column: str) -> bool:
    try:
        column_entry(table, column)
    except KeyError:
        return False
    return True
