"""What the dashboard shows: the pages of docs/looker_studio.md, each KPI as kpis.md defines it.

Every figure is a ratio of sums (or a sum) over the published rows that pass the filters, the
same `SUM(numerator) / SUM(denominator)` a Looker Studio calculated field computes, so the page
and a report agree at any filter. The page script evaluates these declarations; nothing here is
computed in Python.
"""

from typing import Any

INBOUND = {"direction": {"in": ["inbound"]}}
# Speed to lead exists only for leads whose first touch was inbound: a call or a message.
INBOUND_FIRST_TOUCH = {"channel_group": {"in": ["phone", "messaging"]}}
# Exports write a missing target as 0: an agent-month has a target when one was set.
WITH_TARGET = {"targets_set": {"positive": True}}
CREDIT_ROLES = ("owner", "first_touch", "last_touch", "assist")


def measure(column: str | list[str] | None, where: dict[str, Any] | None = None) -> dict:
    """SUM of one column (or of several added), or COUNT of rows when ``column`` is None."""
    if column is None:
        return {"count": True, "where": where or {}}
    return {"sum": [column] if isinstance(column, str) else column, "where": where or {}}


def card(card_id: str, label: str, table: str, num: dict, den: dict | None = None,
         format: str = "int") -> dict:  # fmt: skip
    """One scorecard; ``format`` is int, money, percent or seconds."""
    return {"id": card_id, "label": label, "table": table, "num": num, "den": den,
            "format": format}  # fmt: skip


def chart(chart_id: str, title: str, table: str, kind: str, x: str, series: list[dict],
          **options: Any) -> dict:  # fmt: skip
    """One chart: ``kind`` bar, line or heatmap; ``x`` a column, or ``month:<column>``."""
    return {"id": chart_id, "title": title, "table": table, "kind": kind, "x": x,
            "series": series, **options}  # fmt: skip


def series(label: str, num: dict, den: dict | None = None) -> dict:
    return {"label": label, "num": num, "den": den}


SALES = "kpi_sales_daily"
CREDIT = "kpi_agent_credit_daily"
TARGETS = "kpi_targets_monthly"
LEADS = "kpi_leads_daily"
CALLS = "kpi_calls_daily"
RETENTION = "kpi_retention_monthly"
COHORTS = "kpi_customer_cohorts"
CUSTOMERS = "kpi_customers"
CONVERSATIONS = "kpi_conversations_daily"

PAGES: list[dict[str, Any]] = [
    {
        "id": "sales",
        "title": "Sales by first-touch channel",
        "cards": [
            card("sales-opportunities", "Opportunities created", SALES,
                 measure("opportunities_created")),
            card("sales-conversion", "Conversion rate (cohort)", SALES,
                 measure("cohort_opportunities_won"), measure("opportunities_created"),
                 "percent"),
            card("sales-win-rate", "Win rate (by close date)", SALES, measure("opportunities_won"),
                 measure(["opportunities_won", "opportunities_lost"]), "percent"),
            card("sales-revenue", "Revenue won", SALES, measure("revenue_won"), format="money"),
            card("sales-aov", "Average order value", SALES, measure("revenue_won"),
                 measure("opportunities_won"), "money"),
        ],
        "charts": [
            chart("sales-by-channel", "Opportunities by first-touch channel", SALES, "bar",
                  "channel_label", [
                      series("Created", measure("opportunities_created")),
                      series("Won (cohort)", measure("cohort_opportunities_won")),
                  ]),
            chart("sales-conversion-by-channel", "Conversion rate by channel", SALES, "bar",
                  "channel_label", [series("Conversion", measure("cohort_opportunities_won"),
                                           measure("opportunities_created"))], percent=True),
            chart("sales-revenue-by-month", "Revenue won by month", SALES, "line", "month:date",
                  [series("Revenue won", measure("revenue_won"))]),
        ],
    },
    {
        "id": "agents",
        "title": "Agents by credit role",
        "cards": [
            card(f"credit-{role.replace('_', '-')}", f"Credited revenue: {role.replace('_', ' ')}",
                 CREDIT, measure("credited_revenue_won", {"credit_role": {"in": [role]}}),
                 format="money")
            for role in CREDIT_ROLES
        ],
        "charts": [
            chart("credit-by-agent", "Credited revenue by agent and role", CREDIT, "bar",
                  "agent_name", [
                      series(role.replace("_", " "),
                             measure("credited_revenue_won", {"credit_role": {"in": [role]}}))
                      for role in CREDIT_ROLES
                  ], stacked=True, wide=True),
        ],
    },
    {
        "id": "targets",
        "title": "Target attainment",
        "cards": [
            card("targets-attainment", "Target attainment", TARGETS,
                 measure("revenue_won", WITH_TARGET), measure("target_amount"), "percent"),
            card("targets-met-share", "Share of targets met", TARGETS, measure("targets_met"),
                 measure("targets_set"), "percent"),
            card("targets-amount", "Targets", TARGETS, measure("target_amount"), format="money"),
        ],
        "charts": [
            chart("targets-by-agent", "Revenue won against target, by agent", TARGETS, "bar",
                  "agent_name", [
                      series("Revenue won (months with a target)",
                             measure("revenue_won", WITH_TARGET)),
                      series("Target", measure("target_amount")),
                  ], wide=True),
        ],
    },
    {
        "id": "leads",
        "title": "Leads and speed to lead",
        "cards": [
            card("leads-created", "Leads created", LEADS, measure("leads_created")),
            card("leads-to-opportunity", "Lead → opportunity", LEADS,
                 measure("leads_with_opportunity"), measure("leads_created"), "percent"),
            card("leads-speed", "Speed to lead", LEADS, measure("response_seconds"),
                 measure("leads_responded"), "seconds"),
            card("leads-within-5m", "Responded within 5 min (inbound first touch)", LEADS,
                 measure("leads_responded_within_5m", INBOUND_FIRST_TOUCH),
                 measure("leads_created", INBOUND_FIRST_TOUCH), "percent"),
        ],
        "charts": [
            chart("leads-by-channel", "Leads by first-touch channel", LEADS, "bar",
                  "channel_label", [
                      series("Leads", measure("leads_created")),
                      series("With an opportunity", measure("leads_with_opportunity")),
                      series("Won", measure("leads_won")),
                  ]),
        ],
    },
    {
        "id": "calls",
        "title": "Calls",
        "cards": [
            card("calls-total", "Calls", CALLS, measure("calls")),
            card("calls-answer-rate", "Answer rate (inbound)", CALLS,
                 measure("answered_calls", INBOUND), measure("calls", INBOUND), "percent"),
            card("calls-handle-time", "Average handle time", CALLS, measure("talk_seconds"),
                 measure("answered_calls"), "seconds"),
            card("calls-missed", "Missed calls", CALLS, measure("missed_calls")),
            card("calls-callback-1h", "Missed calls called back within 1 h", CALLS,
                 measure("missed_called_back_1h"), measure("missed_calls"), "percent"),
            card("calls-callback-24h", "Missed calls called back within 24 h", CALLS,
                 measure("missed_called_back_24h"), measure("missed_calls"), "percent"),
        ],
        "charts": [
            chart("calls-by-channel", "Inbound calls by line channel", CALLS, "bar",
                  "channel_label", [
                      series("Answered", measure("answered_calls", INBOUND)),
                      series("Missed", measure("missed_calls", INBOUND)),
                  ], stacked=True),
            chart("calls-by-month", "Calls by month", CALLS, "line", "month:date",
                  [series("Calls", measure("calls"))]),
        ],
    },
    {
        "id": "retention",
        "title": "Retention and cohorts",
        "cards": [
            card("retention-returning-rate", "Returning-customer rate", RETENTION,
                 measure("returning_customers"), measure("customers_base"), "percent"),
            card("customers-repeat-share", "Repeat-customer share", CUSTOMERS,
                 measure("is_repeat_customer"), measure(None), "percent"),
            card("customers-value", "Value per customer", CUSTOMERS, measure("revenue"),
                 measure(None), "money"),
        ],
        "charts": [
            chart("retention-by-month", "Customers ordering by month", RETENTION, "line", "month",
                  [series("New", measure("new_customers")),
                   series("Returning", measure("returning_customers"))]),
            chart("cohort-activity", "Cohort activity (share of the cohort ordering)", COHORTS,
                  "heatmap", "months_since_first_order",
                  [series("Active", measure("active_customers"), measure("cohort_customers"))],
                  y="cohort_month"),
        ],
    },
    {
        "id": "messaging",
        "title": "Messaging",
        "cards": [
            card("conversations-total", "Conversations", CONVERSATIONS, measure("conversations")),
            card("conversations-response-rate", "Response rate (inbound)", CONVERSATIONS,
                 measure("replied_conversations", INBOUND), measure("conversations", INBOUND),
                 "percent"),
            card("conversations-first-response", "First response time", CONVERSATIONS,
                 measure("first_response_seconds"), measure("replied_conversations"), "seconds"),
            card("conversations-within-5m", "Replied within 5 min (inbound)", CONVERSATIONS,
                 measure("replied_within_5m", INBOUND), measure("conversations", INBOUND),
                 "percent"),
        ],
        "charts": [
            chart("conversations-by-channel", "Conversations by channel", CONVERSATIONS, "bar",
                  "channel_label", [series("Conversations", measure("conversations"))]),
        ],
    },
]  # fmt: skip
