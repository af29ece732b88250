"""kpis.md's invariants as SQL queries that return one row per violation (like dbt tests)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb

from publishing.checks import CheckFailure
from publishing.contract import COMPANY_PHONE_COLUMNS, EXPORT_COLUMNS, text_columns

MAX_EXAMPLES = 3
# Deliberately loose: a false alarm blocks a night's publication, a miss leaks PII to every report.
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
# Nine or more digits with at most two separators between them: "06 12 34 56 78", "+33612345678",
# "(555) 123-4567"; a year range such as "2026-2027" (eight digits) does not match.
PHONE_PATTERN = r"(^|[^0-9A-Za-z])\+?[0-9]([ .()/-]{0,2}[0-9]){8,}"


@dataclass(frozen=True, slots=True)
class Invariant:
    """A named query over the marts (and raw tables) returning no rows when the invariant holds."""

    name: str
    sql: str


def _totals_agree(name: str, left: str, right: str) -> Invariant:
    """Two scalar queries that must return the same number."""
    return Invariant(
        name,
        f"SELECT l.total AS left_total, r.total AS right_total FROM ({left}) l(total), "
        f"({right}) r(total) WHERE l.total IS DISTINCT FROM r.total",
    )


def _every_row(name: str, table: str, condition: str) -> Invariant:
    """A condition every row of one mart must satisfy."""
    return Invariant(
        name,
        f"SELECT count(*) AS violating_rows FROM marts.{table} WHERE NOT ({condition}) "
        f"HAVING count(*) > 0",
    )


def _sum(table: str, column: str, where: str = "TRUE") -> str:
    return f"SELECT coalesce(sum({column}), 0) FROM marts.{table} WHERE {where}"


def _no_pii_patterns() -> Invariant:
    """No e-mail in any text column; no phone number outside the company's own line columns.

    Each pattern runs over a column's distinct values, counted, not over every cell: export
    columns repeat a few labels millions of times, and the regular expressions per cell were
    a fifth of a publish at 7 M calls (benchmarks/README.md).
    """
    probes = []
    for table in EXPORT_COLUMNS:
        for column in text_columns(table):
            values = f'(SELECT "{column}" AS value, count(*) AS n FROM marts.{table} GROUP BY ALL)'
            patterns = [EMAIL_PATTERN]
            # Ids and pseudonyms are hex or numeric by design; the company's lines are no PII.
            if column not in COMPANY_PHONE_COLUMNS and not column.endswith(("_id", "_key")):
                patterns.append(PHONE_PATTERN)
            probes += [
                f"SELECT '{table}.{column}' AS location, coalesce(sum(n), 0) AS cells "
                f"FROM {values} WHERE regexp_matches(value, '{pattern}')"
                for pattern in patterns
            ]
    union = " UNION ALL ".join(probes)
    return Invariant("no_pii_patterns", f"SELECT * FROM ({union}) WHERE cells > 0")


# Checkable from the exports alone, on any data set.
DEFAULT_INVARIANTS: tuple[Invariant, ...] = (
    *(
        _totals_agree(
            f"owner_credit_matches_sales_{column}",
            _sum("kpi_sales_daily", column),
            _sum("kpi_agent_credit_daily", column, "credit_role = 'owner'"),
        )
        for column in ("opportunities_created", "opportunities_won", "revenue_won")
    ),
    *(
        _totals_agree(
            f"targets_match_sales_{column}",
            _sum("kpi_sales_daily", column),
            _sum("kpi_targets_monthly", column),
        )
        for column in ("opportunities_won", "revenue_won")
    ),
    Invariant(
        "full_credit_roles_credit_everything",
        "SELECT credit_role, sum(revenue_won) AS revenue, sum(credited_revenue_won) AS credited "
        "FROM marts.kpi_agent_credit_daily WHERE credit_role <> 'assist' GROUP BY credit_role "
        "HAVING abs(sum(revenue_won) - sum(credited_revenue_won)) > 0.005",
    ),
    Invariant(
        "customer_orders_within_won_deals",
        f"SELECT * FROM ({_sum('kpi_customers', 'orders')}) c(orders), "
        f"({_sum('kpi_sales_daily', 'opportunities_won')}) s(won) WHERE c.orders > s.won",
    ),
    _every_row(
        "sales_cohort_within_created",
        "kpi_sales_daily",
        "cohort_opportunities_won <= opportunities_created",
    ),
    _every_row(
        "targets_flags", "kpi_targets_monthly", "targets_met <= targets_set AND targets_set <= 1"
    ),
    _every_row(
        "customers_have_orders", "kpi_customers", "orders >= 1 AND is_repeat_customer IN (0, 1)"
    ),
    _every_row(
        "retention_bounds",
        "kpi_retention_monthly",
        "returning_customers <= customers_base "
        "AND new_customers + returning_customers <= customers_ordering",
    ),
    _every_row("cohort_bounds", "kpi_customer_cohorts", "active_customers <= cohort_customers"),
    _every_row(
        "leads_funnel_bounds",
        "kpi_leads_daily",
        "leads_won <= leads_with_opportunity AND leads_with_opportunity <= leads_created "
        "AND leads_responded_within_5m <= leads_responded AND leads_responded <= leads_created",
    ),
    _every_row(
        "calls_bounds",
        "kpi_calls_daily",
        "answered_calls + missed_calls <= calls AND missed_out_of_hours <= missed_calls "
        "AND missed_called_back_1h <= missed_called_back_24h "
        "AND missed_called_back_24h <= missed_calls",
    ),
    _every_row(
        "conversations_bounds",
        "kpi_conversations_daily",
        "replied_within_5m <= replied_conversations AND replied_conversations <= conversations "
        "AND (direction = 'inbound' OR replied_conversations = 0)",
    ),
    _no_pii_patterns(),
)

# KPI measures that must equal a count of raw records: each source plug-in says which of its raw
# rows make the measure (``SourcePlugin.raw_totals``), and the orchestrator adds the invariants.
RAW_TOTAL_MEASURES: dict[str, tuple[str, str]] = {
    "calls": ("kpi_calls_daily", "calls"),
    "opportunities_created": ("kpi_sales_daily", "opportunities_created"),
    "messages": ("kpi_conversations_daily", "messages_in + messages_out"),
}


def raw_total_invariants(counts: Mapping[str, Sequence[str]]) -> tuple[Invariant, ...]:
    """One invariant per measure: the export's total equals the sum of the sources' raw counts.

    Args:
        counts: measure name (a key of RAW_TOTAL_MEASURES) → one ``SELECT count(*) ...`` per
            enabled source that feeds it.

    Returns:
        The invariants, named like ``calls_match_raw_calls`` (the names existing alerts use).
    """
    names = {"calls": "calls_match_raw_calls",
             "opportunities_created": "opportunities_created_match_raw_deals",
             "messages": "messages_match_raw_messages"}  # fmt: skip
    invariants = []
    for measure, queries in counts.items():
        if not queries:
            continue
        table, column = RAW_TOTAL_MEASURES[measure]
        raw_sum = "SELECT " + " + ".join(f"({query})" for query in queries)
        invariants.append(_totals_agree(names.get(measure, measure), _sum(table, column), raw_sum))
    return tuple(invariants)


def invariant_failures(
    connection: duckdb.DuckDBPyConnection, invariants: Sequence[Invariant]
) -> list[CheckFailure]:
    """Run each invariant; a violation, or a query that cannot run, is a failure.

    Args:
        connection: the open DuckDB connection holding the marts (and raw tables if needed).
        invariants: the invariants to run.

    Returns:
        One failure per invariant that returned rows or raised.
    """
    failures = []
    for invariant in invariants:
        try:
            result = connection.execute(invariant.sql)
            names = [column[0] for column in result.description]
            rows = result.fetchmany(MAX_EXAMPLES)
        except duckdb.Error as error:
            failures.append(CheckFailure(invariant.name, "invariant", f"could not run: {error}"))
            continue
        if rows:
            found = "; ".join(
                ", ".join(f"{name}={value}" for name, value in zip(names, row, strict=True))
                for row in rows
            )
            failures.append(CheckFailure(invariant.name, "invariant", f"violated: {found}"))
    return failures
