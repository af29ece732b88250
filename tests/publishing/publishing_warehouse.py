"""Fake warehouses shaped like the real one: `marts.kpi_*` per kpis.md plus minimal raw tables.

The small one holds the awkward values (NULLs, zeros, non-ASCII, commas and quotes, DST dates)
and satisfies every invariant; the large one is for timing and kill tests.
"""

import json
from pathlib import Path

import duckdb

# Planted in the raw layer only: they must never reach an export.
PII_NEEDLES = ("+33 6 12 34 56 78", "marguerite.duchemin@example.com", "Marguerite Duchemin")

TEXT, DATE, MONEY, COUNT, SHARE = "VARCHAR", "DATE", "DECIMAL(18,2)", "BIGINT", "DOUBLE"
AGENT = (("agent_id", TEXT), ("agent_name", TEXT), ("team", TEXT))
CHANNEL = (("channel_group", TEXT), ("channel", TEXT), ("channel_label", TEXT))

SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "kpi_sales_daily": (
        ("date", DATE), ("pipeline", TEXT), *CHANNEL, *AGENT,
        ("opportunities_created", COUNT), ("opportunities_won", COUNT),
        ("opportunities_lost", COUNT), ("revenue_won", MONEY),
        ("cohort_opportunities_won", COUNT), ("cohort_revenue_won", MONEY),
    ),
    "kpi_agent_credit_daily": (
        ("date", DATE), *CHANNEL, *AGENT, ("credit_role", TEXT),
        ("opportunities_created", COUNT), ("opportunities_won", COUNT), ("revenue_won", MONEY),
        ("credited_opportunities_won", SHARE), ("credited_revenue_won", SHARE),
    ),
    "kpi_targets_monthly": (
        ("month", DATE), *AGENT, ("target_amount", MONEY), ("targets_set", COUNT),
        ("targets_met", COUNT), ("revenue_won", MONEY), ("opportunities_won", COUNT),
    ),
    "kpi_customers": (
        ("customer_key", TEXT), ("acquisition_channel_group", TEXT),
        ("acquisition_channel", TEXT), ("acquisition_agent_id", TEXT), ("owner_agent_id", TEXT),
        ("first_order_date", DATE), ("last_order_date", DATE), ("orders", COUNT),
        ("revenue", MONEY), ("is_repeat_customer", COUNT),
    ),
    "kpi_retention_monthly": (
        ("month", DATE), ("channel_group", TEXT), ("channel", TEXT),
        ("customers_ordering", COUNT), ("new_customers", COUNT),
        ("returning_customers", COUNT), ("customers_base", COUNT),
    ),
    "kpi_customer_cohorts": (
        ("cohort_month", DATE), ("months_since_first_order", COUNT),
        ("cohort_customers", COUNT), ("active_customers", COUNT), ("revenue", MONEY),
    ),
    "kpi_leads_daily": (
        ("date", DATE), *CHANNEL, *AGENT, ("leads_created", COUNT),
        ("leads_with_opportunity", COUNT), ("leads_won", COUNT), ("leads_responded", COUNT),
        ("response_seconds", COUNT), ("leads_responded_within_5m", COUNT),
    ),
    "kpi_calls_daily": (
        ("date", DATE), *CHANNEL, ("business_line", TEXT), *AGENT, ("direction", TEXT),
        ("calls", COUNT), ("answered_calls", COUNT), ("missed_calls", COUNT),
        ("missed_out_of_hours", COUNT), ("voicemails", COUNT), ("talk_seconds", COUNT),
        ("wait_seconds", COUNT), ("missed_called_back_1h", COUNT),
        ("missed_called_back_24h", COUNT),
    ),
    "kpi_conversations_daily": (
        ("date", DATE), *CHANNEL, ("business_line", TEXT), *AGENT, ("direction", TEXT),
        ("conversations", COUNT), ("replied_conversations", COUNT),
        ("first_response_seconds", COUNT), ("replied_within_5m", COUNT),
        ("messages_in", COUNT), ("messages_out", COUNT),
    ),
}  # fmt: skip

LEA = ("a1b2c3d4e5f6", "Léa Martin", "Équipe Nord")
ZOE = ("0f9e8d7c6b5a", "Zoë O'Brien", "Sud")
UNASSIGNED = ("unassigned", "Unassigned", None)
TOLL_FREE = ("phone", "phone_toll_free", "Toll-free number")
PAID = ("crm", "crm_paid_search", "CRM: Paid search")
MOBILE = ("phone", "phone_mobile", "Mobile line")
PIPELINE = 'Sales, "EU"'
SPRING, AUTUMN = "2026-03-29", "2026-10-25"  # Europe/Paris DST change days (23 h and 25 h)
KEY_1, KEY_2 = "9f" * 32, "0a" * 32

SMALL_ROWS: dict[str, list[tuple[object, ...]]] = {
    "kpi_sales_daily": [
        (SPRING, PIPELINE, *TOLL_FREE, *LEA, 2, 1, 0, "1234.50", 1, "1234.50"),
        (SPRING, PIPELINE, *PAID, *UNASSIGNED, 1, 0, 1, "0", 0, "0"),
        (AUTUMN, "Default", *MOBILE, *ZOE, 0, 1, 0, "99.99", 0, "0"),
    ],
    "kpi_agent_credit_daily": [
        (SPRING, *TOLL_FREE, *LEA, "owner", 2, 1, "1234.50", 1.0, 1234.5),
        (SPRING, *PAID, *UNASSIGNED, "owner", 1, 0, "0", 0.0, 0.0),
        (AUTUMN, *MOBILE, *ZOE, "owner", 0, 1, "99.99", 1.0, 99.99),
        (SPRING, *TOLL_FREE, *LEA, "assist", 2, 1, "1234.50", 1 / 3, 1234.5 / 3),
        (SPRING, *TOLL_FREE, *ZOE, "assist", 2, 1, "1234.50", 1 / 3, 1234.5 / 3),
        (SPRING, *TOLL_FREE, *LEA, "first_touch", 2, 1, "1234.50", 1.0, 1234.5),
    ],
    "kpi_targets_monthly": [
        ("2026-03-01", *LEA, "1000.00", 1, 1, "1234.50", 1),
        ("2026-03-01", "hubspot_owner_77", "Jean-Luc Dupont", None, "5000.00", 1, 0, "0", 0),
        ("2026-10-01", *ZOE, "0", 0, 0, "99.99", 1),
    ],
    "kpi_customers": [
        (KEY_1, *TOLL_FREE[:2], LEA[0], LEA[0], SPRING, SPRING, 1, "1234.50", 0),
        (KEY_2, "unknown", "unknown", "unassigned", ZOE[0], AUTUMN, AUTUMN, 1, "99.99", 0),
    ],
    "kpi_retention_monthly": [
        ("2026-03-01", *TOLL_FREE[:2], 1, 1, 0, 0),
        ("2026-04-01", *TOLL_FREE[:2], 0, 0, 0, 1),
        ("2026-10-01", "unknown", "unknown", 1, 1, 0, 0),
    ],
    "kpi_customer_cohorts": [
        ("2026-03-01", 0, 1, 1, "1234.50"),
        ("2026-03-01", 1, 1, 0, "0"),
        ("2026-10-01", 0, 1, 1, "99.99"),
    ],
    "kpi_leads_daily": [
        (SPRING, *TOLL_FREE, *LEA, 3, 1, 1, 2, 125, 2),
        (AUTUMN, "unknown", "unknown", "Unknown", *UNASSIGNED, 1, 0, 0, 0, 0, 0),
    ],
    "kpi_calls_daily": [
        (SPRING, *TOLL_FREE, "+33800123456", *LEA, "inbound", 3, 2, 1, 0, 1, 600, 30, 1, 1),
        (SPRING, *TOLL_FREE, "+33800123456", *UNASSIGNED, "inbound", 2, 0, 2, 1, 0, 0, 0, 0, 1),
        (AUTUMN, *MOBILE, "+33612000000", *ZOE, "outbound", 1, 1, 0, 0, 0, 45, 0, 0, 0),
    ],
}

RAW_COLUMNS = (
    "id VARCHAR NOT NULL PRIMARY KEY, record JSON NOT NULL, modified_at TIMESTAMPTZ, "
    "is_archived BOOLEAN NOT NULL, _loaded_at TIMESTAMPTZ NOT NULL, _run_id VARCHAR NOT NULL"
)


def create_marts(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the nine empty `marts.kpi_*` tables with kpis.md's columns and types."""
    connection.execute("CREATE SCHEMA IF NOT EXISTS marts")
    for table, columns in SCHEMAS.items():
        column_list = ", ".join(f'"{name}" {data_type}' for name, data_type in columns)
        connection.execute(f"CREATE OR REPLACE TABLE marts.{table} ({column_list})")


def create_raw(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables the invariants read (architecture.md's raw layer shape)."""
    for schema, table in (
        ("raw_aircall", "calls"),
        ("raw_hubspot", "deals"),
        ("raw_hubspot", "contacts"),
    ):
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        connection.execute(f"CREATE OR REPLACE TABLE {schema}.{table} ({RAW_COLUMNS})")


def insert_raw(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    records: list[dict[str, object]],
    archived: int = 0,
) -> None:
    """Insert raw records verbatim; the last `archived` of them flagged as archived."""
    rows = [
        (str(record["id"]), json.dumps(record, sort_keys=True), index >= len(records) - archived)
        for index, record in enumerate(records)
    ]
    connection.executemany(
        f"INSERT INTO {table} VALUES (?, ?, TIMESTAMPTZ '2026-03-29 00:30:00+00', ?, "
        "TIMESTAMPTZ '2026-10-25 01:30:00+00', 'run-1')",
        rows,
    )


def make_small_warehouse(path: Path) -> Path:
    """Create the small warehouse: every awkward value, every invariant holding, PII in raw."""
    with duckdb.connect(str(path)) as connection:
        create_marts(connection)
        for table, rows in SMALL_ROWS.items():
            marks = ", ".join("?" for _ in SCHEMAS[table])
            connection.executemany(f"INSERT INTO marts.{table} VALUES ({marks})", rows)
        create_raw(connection)
        phone, email, name = PII_NEEDLES
        calls = [{"id": i, "raw_digits": phone, "direction": "inbound"} for i in range(1, 7)]
        insert_raw(connection, "raw_aircall.calls", calls)
        insert_raw(connection, "raw_hubspot.deals", [{"id": i} for i in range(1, 5)], archived=1)
        contact = {
            "id": 501,
            "properties": {
                "email": email,
                "firstname": name.split()[0],
                "lastname": name.split()[1],
                "phone": phone,
            },
        }
        insert_raw(connection, "raw_hubspot.contacts", [contact])
    return path


def make_large_warehouse(path: Path, rows: int) -> Path:
    """Create a warehouse with `rows` rows in every mart, every invariant holding."""
    with duckdb.connect(str(path)) as connection:
        create_marts(connection)
        create_raw(connection)
        for table, select in _large_selects().items():
            connection.execute(f"INSERT INTO marts.{table} {select} FROM range({rows}) t(i)")
        for table in ("raw_aircall.calls", "raw_hubspot.deals"):
            connection.execute(
                f"INSERT INTO {table} SELECT i::VARCHAR, json_object('id', i), NULL, false, "
                f"now(), 'run-1' FROM range({rows}) t(i)"
            )
    return path


def _large_selects() -> dict[str, str]:
    day = "DATE '2020-01-01' + (i % 2000)::INTEGER"
    agent = "'agent_' || (i // 2000), 'Agent Nom ' || (i // 2000), 'Équipe ' || (i % 7)"
    channel = "'phone', 'phone_toll_free', 'Toll-free number'"
    line = "'+3380012' || lpad((i // 2000)::VARCHAR, 4, '0')"
    return {
        "kpi_sales_daily": (
            f"SELECT {day}, 'Sales, \"EU\"', {channel}, {agent}, 1, 1, 0, 10.25, 1, 10.25"
        ),
        "kpi_agent_credit_daily": (
            f"SELECT {day}, {channel}, {agent}, 'owner', 1, 1, 10.25, 1.0, 10.25"
        ),
        "kpi_targets_monthly": (
            "SELECT DATE '2026-01-01', 'agent_' || i, 'Agent ' || i, NULL, 100, 1, 0, 10.25, 1"
        ),
        "kpi_customers": (
            "SELECT md5(i::VARCHAR) || md5(i::VARCHAR), 'phone', 'phone_toll_free', "
            f"'agent_1', 'agent_2', {day}, {day}, 1, 10.25, 0"
        ),
        "kpi_retention_monthly": (
            "SELECT DATE '2020-01-01', 'group_' || i, 'channel_' || i, 2, 1, 1, 3"
        ),
        "kpi_customer_cohorts": "SELECT DATE '2020-01-01', i, 5, 3, 123.45",
        "kpi_leads_daily": f"SELECT {day}, {channel}, {agent}, 4, 2, 1, 3, 400, 1",
        "kpi_calls_daily": (
            f"SELECT {day}, {channel}, {line}, {agent}, 'inbound', 1, 1, 0, 0, 0, 120, 15, 0, 0"
        ),
    }
