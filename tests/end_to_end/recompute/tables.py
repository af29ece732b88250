"""The nine export tables: columns (kpis.md order), grain and how each column compares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import kpis_activity, kpis_customers, kpis_sales
from .model import Warehouse

AGENT = ("agent_id", "agent_name", "team")
CHANNEL = ("channel_group", "channel", "channel_label")


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    grain: tuple[str, ...]
    compute: Callable[[Warehouse], list[tuple[Any, ...]]]
    money: frozenset[str] = frozenset()
    shares: frozenset[str] = frozenset()  # 1/N credited values, compared with a tolerance


TABLES = (
    Table(
        "kpi_sales_daily",
        (
            "date",
            "pipeline",
            *CHANNEL,
            *AGENT,
            "opportunities_created",
            "opportunities_won",
            "opportunities_lost",
            "revenue_won",
            "cohort_opportunities_won",
            "cohort_revenue_won",
        ),
        ("date", "pipeline", "channel", "agent_id"),
        kpis_sales.sales_daily,
        money=frozenset({"revenue_won", "cohort_revenue_won"}),
    ),
    Table(
        "kpi_agent_credit_daily",
        (
            "date",
            *CHANNEL,
            *AGENT,
            "credit_role",
            "opportunities_created",
            "opportunities_won",
            "revenue_won",
            "credited_opportunities_won",
            "credited_revenue_won",
        ),
        ("date", "channel", "agent_id", "credit_role"),
        kpis_sales.agent_credit_daily,
        money=frozenset({"revenue_won"}),
        shares=frozenset({"credited_opportunities_won", "credited_revenue_won"}),
    ),
    Table(
        "kpi_targets_monthly",
        (
            "month",
            *AGENT,
            "target_amount",
            "targets_set",
            "targets_met",
            "revenue_won",
            "opportunities_won",
        ),
        ("month", "agent_id"),
        kpis_sales.targets_monthly,
        money=frozenset({"target_amount", "revenue_won"}),
    ),
    Table(
        "kpi_customers",
        (
            "customer_key",
            "acquisition_channel_group",
            "acquisition_channel",
            "acquisition_agent_id",
            "owner_agent_id",
            "first_order_date",
            "last_order_date",
            "orders",
            "revenue",
            "is_repeat_customer",
        ),
        ("customer_key",),
        kpis_customers.customers_table,
        money=frozenset({"revenue"}),
    ),
    Table(
        "kpi_retention_monthly",
        (
            "month",
            "channel_group",
            "channel",
            "customers_ordering",
            "new_customers",
            "returning_customers",
            "customers_base",
        ),
        ("month", "channel_group", "channel"),
        kpis_customers.retention_monthly,
    ),
    Table(
        "kpi_customer_cohorts",
        (
            "cohort_month",
            "months_since_first_order",
            "cohort_customers",
            "active_customers",
            "revenue",
        ),
        ("cohort_month", "months_since_first_order"),
        kpis_customers.customer_cohorts,
        money=frozenset({"revenue"}),
    ),
    Table(
        "kpi_leads_daily",
        (
            "date",
            *CHANNEL,
            *AGENT,
            "leads_created",
            "leads_with_opportunity",
            "leads_won",
            "leads_responded",
            "response_seconds",
            "leads_responded_within_5m",
        ),
        ("date", "channel", "agent_id"),
        kpis_activity.leads_daily,
    ),
    Table(
        "kpi_calls_daily",
        (
            "date",
            *CHANNEL,
            "business_line",
            *AGENT,
            "direction",
            "calls",
            "answered_calls",
            "missed_calls",
            "missed_out_of_hours",
            "voicemails",
            "talk_seconds",
            "wait_seconds",
            "missed_called_back_1h",
            "missed_called_back_24h",
        ),
        ("date", "business_line", "agent_id", "direction"),
        kpis_activity.calls_daily,
    ),
    Table(
        "kpi_conversations_daily",
        (
            "date",
            *CHANNEL,
            "business_line",
            *AGENT,
            "direction",
            "conversations",
            "replied_conversations",
            "first_response_seconds",
            "replied_within_5m",
            "messages_in",
            "messages_out",
        ),
        ("date", "business_line", "channel", "agent_id", "direction"),
        kpis_activity.conversations_daily,
    ),
)

BY_NAME = {t.name: t for t in TABLES}
