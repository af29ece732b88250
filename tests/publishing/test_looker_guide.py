"""docs/looker_studio.md: calculated fields use columns of their table; every ratio is guarded."""

import re
from pathlib import Path

import pytest
from kpis_md import kpis_md_columns

from publishing.contract import EXPORT_COLUMNS

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "looker_studio.md"
ROW = re.compile(r"^\| (?P<kpi>[^|]+) \| `(?P<table>kpi_[a-z_]+)` \| (?P<formula>.+) \| [^|]+ \|$")


def calculated_fields() -> list[tuple[str, str, str]]:
    """(KPI, table, formula code) for each row of the guide's calculated-field table."""
    section = GUIDE.read_text(encoding="utf-8").split("## 3. ", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if match := ROW.match(line):
            code = " ".join(re.findall(r"`([^`]+)`", match["formula"]))
            rows.append((match["kpi"].strip(), match["table"], code))
    return rows


def table_columns(table: str) -> set[str]:
    # The contract, plus tables kpis.md announces before the contract ships them.
    return set(EXPORT_COLUMNS.get(table, ())) | set(kpis_md_columns().get(table, ()))


def test_guide_lists_calculated_fields():
    assert len(calculated_fields()) >= 20


@pytest.mark.parametrize(("kpi", "table", "code"), calculated_fields())
def test_calculated_field_uses_columns_of_its_table(kpi, table, code):
    # given: identifiers are lower case; functions, keywords and "strings" are not columns
    identifiers = set(re.findall(r"\b[a-z][a-z0-9_]*\b", re.sub(r'"[^"]*"', "", code)))
    # then
    assert identifiers - table_columns(table) == set(), kpi


@pytest.mark.parametrize(("kpi", "table", "code"), calculated_fields())
def test_every_ratio_has_a_zero_guard(kpi, table, code):
    # then: a division is only ever reached when its denominator is not zero
    if "/" in code:
        assert re.match(r"CASE WHEN .+ = 0 THEN NULL ELSE .+/.+ END", code), kpi


def test_guide_never_divides_by_a_max_or_relies_on_a_chart_filter():
    # given
    text = GUIDE.read_text(encoding="utf-8")
    # then: the reviewed mistakes of issue 10 stay fixed
    assert "MAX(cohort_customers)" not in text.replace("`MAX(cohort_customers)` would", "")
    assert "+ filter `direction" not in text
    assert "12 hours (GCS" not in text
    (answer_rate,) = [code for kpi, _, code in calculated_fields() if kpi.startswith("Answer rate")]
    assert answer_rate.count('direction = "inbound"') >= 2
