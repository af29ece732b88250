"""The Looker Studio export contract (kpis.md, "Export tables"): tables, columns, grains."""

# Bump when a column is added (at the end, never renamed or reordered): Looker Studio data sources
# need "Refresh fields", and the manifest tells consumers which contract a publication follows.
CONTRACT_VERSION = 2  # 2: the ninth export, kpi_conversations_daily

# The mart schema the dbt project writes the export tables to.
MART_SCHEMA = "marts"

# Column order is part of the public interface: Looker Studio never re-reads a changed header.
EXPORT_COLUMNS: dict[str, list[str]] = {
    "kpi_sales_daily": [
        "date", "pipeline", "channel_group", "channel", "channel_label",
        "agent_id", "agent_name", "team",
        "opportunities_created", "opportunities_won", "opportunities_lost", "revenue_won",
        "cohort_opportunities_won", "cohort_revenue_won",
    ],
    "kpi_agent_credit_daily": [
        "date", "channel_group", "channel", "channel_label", "agent_id", "agent_name", "team",
        "credit_role", "opportunities_created", "opportunities_won", "revenue_won",
        "credited_opportunities_won", "credited_revenue_won",
    ],
    "kpi_targets_monthly": [
        "month", "agent_id", "agent_name", "team", "target_amount", "targets_set",
        "targets_met", "revenue_won", "opportunities_won",
    ],
    "kpi_customers": [
        "customer_key", "acquisition_channel_group", "acquisition_channel",
        "acquisition_agent_id", "owner_agent_id", "first_order_date", "last_order_date",
        "orders", "revenue", "is_repeat_customer",
    ],
    "kpi_retention_monthly": [
        "month", "channel_group", "channel", "customers_ordering", "new_customers",
        "returning_customers", "customers_base",
    ],
    "kpi_customer_cohorts": [
        "cohort_month", "months_since_first_order", "cohort_customers", "active_customers",
        "revenue",
    ],
    "kpi_leads_daily": [
        "date", "channel_group", "channel", "channel_label", "agent_id", "agent_name", "team",
        "leads_created", "leads_with_opportunity", "leads_won", "leads_responded",
        "response_seconds", "leads_responded_within_5m",
    ],
    "kpi_calls_daily": [
        "date", "channel_group", "channel", "channel_label", "business_line", "agent_id",
        "agent_name", "team", "direction", "calls", "answered_calls", "missed_calls",
        "missed_out_of_hours", "voicemails", "talk_seconds", "wait_seconds",
        "missed_called_back_1h", "missed_called_back_24h",
    ],
    "kpi_conversations_daily": [
        "date", "channel_group", "channel", "channel_label", "business_line", "agent_id",
        "agent_name", "team", "direction", "conversations", "replied_conversations",
        "first_response_seconds", "replied_within_5m", "messages_in", "messages_out",
    ],
}  # fmt: skip

# One row per combination of these columns; files are sorted by them.
GRAIN_COLUMNS: dict[str, list[str]] = {
    "kpi_sales_daily": ["date", "pipeline", "channel", "agent_id"],
    "kpi_agent_credit_daily": ["date", "channel", "agent_id", "credit_role"],
    "kpi_targets_monthly": ["month", "agent_id"],
    "kpi_customers": ["customer_key"],
    "kpi_retention_monthly": ["month", "channel"],
    "kpi_customer_cohorts": ["cohort_month", "months_since_first_order"],
    "kpi_leads_daily": ["date", "channel", "agent_id"],
    "kpi_calls_daily": ["date", "business_line", "agent_id", "direction"],
    "kpi_conversations_daily": ["date", "business_line", "channel", "agent_id", "direction"],
}

# Tables fed by one kind of source only: published empty (header only) while no source of that
# kind is enabled, so one Looker Studio report template fits every deployment.
SOURCE_KIND_OF_TABLE: dict[str, str] = {"kpi_conversations_daily": "messaging"}

# Columns that must be real DATEs: Looker Studio's date-range controls need a Date field.
DATE_COLUMNS: frozenset[str] = frozenset(
    {"date", "month", "cohort_month", "first_order_date", "last_order_date"}
)

# Numeric columns: never NULL, because an additive measure that is zero is written `0`.
MEASURE_COLUMNS: frozenset[str] = frozenset(
    {
        "opportunities_created", "opportunities_won", "opportunities_lost", "revenue_won",
        "cohort_opportunities_won", "cohort_revenue_won", "credited_opportunities_won",
        "credited_revenue_won", "target_amount", "targets_set", "targets_met", "orders",
        "revenue", "is_repeat_customer", "customers_ordering", "new_customers",
        "returning_customers", "customers_base", "months_since_first_order",
        "cohort_customers", "active_customers", "leads_created", "leads_with_opportunity",
        "leads_won", "leads_responded", "response_seconds", "leads_responded_within_5m",
        "calls", "answered_calls", "missed_calls", "missed_out_of_hours", "voicemails",
        "talk_seconds", "wait_seconds", "missed_called_back_1h", "missed_called_back_24h",
        "conversations", "replied_conversations", "first_response_seconds", "replied_within_5m",
        "messages_in", "messages_out",
    }
)  # fmt: skip

# Text columns that may legitimately hold a phone number: the company's own lines.
COMPANY_PHONE_COLUMNS: frozenset[str] = frozenset({"business_line", "channel", "channel_label"})


def text_columns(table: str) -> list[str]:
    """Return the contract columns of `table` that are neither dates nor measures."""
    return [
        column
        for column in EXPORT_COLUMNS[table]
        if column not in DATE_COLUMNS and column not in MEASURE_COLUMNS
    ]
