"""Field rendering: kpis.md's format rules, value by value."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb
import pytest

from publishing.formatting import FormatError, format_value, quote_field, select_expression

PARIS = ZoneInfo("Europe/Paris")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "", id="null-is-empty"),
        pytest.param(0, "0", id="zero-count"),
        pytest.param(12345678901234567890, "12345678901234567890", id="hugeint-no-separator"),
        pytest.param(Decimal("0.00"), "0", id="zero-money-is-written-0"),
        pytest.param(Decimal("1234567.5"), "1234567.5", id="money-dot-no-thousands"),
        pytest.param(Decimal("1E+3"), "1000", id="decimal-never-exponent"),
        pytest.param(1 / 3, "0.3333333333333333", id="share-round-trips"),
        pytest.param(Decimal("2990.000000000000"), "2990", id="credit-share-drops-zeros"),
        pytest.param(Decimal("0.333333333333"), "0.333333333333", id="credit-share-keeps-digits"),
        pytest.param(Decimal("2990.00"), "2990.00", id="money-keeps-cents"),
        pytest.param(1.0, "1", id="integral-double"),
        pytest.param(-0.0, "0", id="negative-zero"),
        pytest.param(1e-07, "0.0000001", id="tiny-double-no-exponent"),
        pytest.param(1e20, "100000000000000000000", id="huge-double-no-exponent"),
        pytest.param(date(2026, 3, 29), "2026-03-29", id="date-iso"),
        pytest.param(True, "1", id="boolean-as-number"),
    ],
)
def test_format_value_follows_the_export_rules(value: object, expected: str) -> None:
    assert format_value(value, PARIS) == expected


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        pytest.param(at(2026, 3, 29, 0, 59, 59), "2026-03-29 01:59:59", id="before-spring-gap"),
        pytest.param(at(2026, 3, 29, 1, 0, 0), "2026-03-29 03:00:00", id="after-spring-gap"),
        pytest.param(at(2026, 10, 25, 0, 30), "2026-10-25 02:30:00", id="first-autumn-2h30"),
        pytest.param(at(2026, 10, 25, 1, 30), "2026-10-25 02:30:00", id="second-autumn-2h30"),
        pytest.param(datetime(2026, 1, 1, 12, 0), "2026-01-01 13:00:00", id="naive-is-utc"),
    ],
)
def test_format_value_writes_timestamps_in_the_reporting_zone_without_offset(
    utc: datetime, local: str
) -> None:
    assert format_value(utc, PARIS) == local


@pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_format_value_refuses_non_finite_numbers(value: float) -> None:
    with pytest.raises(FormatError):
        format_value(value, PARIS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Léa Martin", "Léa Martin", id="non-ascii-unquoted"),
        pytest.param('Sales, "EU"', '"Sales, ""EU"""', id="comma-and-quotes"),
        pytest.param("two\nlines", '"two\nlines"', id="newline"),
        pytest.param("O'Brien", "O'Brien", id="apostrophe-unquoted"),
    ],
)
def test_quote_field_quotes_only_when_needed(text: str, expected: str) -> None:
    assert quote_field(text) == expected


@pytest.mark.parametrize(
    ("data_type", "values"),
    [
        pytest.param("DECIMAL(18,2)", ["0", "2990", "12.5", "-3.1"], id="money"),
        pytest.param("DECIMAL(38,12)", ["0", "1", "2990", "0.333333333333", "411.5"], id="shares"),
    ],
)
def test_sql_formatting_of_decimals_matches_format_value(data_type, values):
    # given: the values as DuckDB stores them in a column of that type
    with duckdb.connect() as con:
        con.execute(f"create table t (x {data_type})")
        con.executemany("insert into t values (?)", [[Decimal(value)] for value in values])
        # when: the export formats them in SQL, and in Python
        formatted = select_expression("x", data_type)
        in_sql = [row[0] for row in con.execute(f"select {formatted} from t").fetchall()]
        in_python = [format_value(row[0], UTC) for row in con.execute("select x from t").fetchall()]
    # then
    assert in_sql == in_python
