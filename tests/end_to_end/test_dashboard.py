"""The dashboard of a real run, opened in headless Chromium, shows the figures of the CSVs."""

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from dashboard_browser import open_page

Row = dict[str, str]
TOLERANCE = 1e-9

# The page and its filters, as a person uses them.
PAGES = ("sales", "agents", "targets", "leads", "calls", "retention", "messaging")


def published(export_dir: Path) -> dict[str, list[Row]]:
    """Every published table, read from the CSV files the manifest lists."""
    folder = export_dir / "current"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    tables: dict[str, list[Row]] = {}
    for table, entry in manifest["tables"].items():
        tables[table] = []
        for file in entry["files"]:
            with (folder / file["path"]).open(encoding="utf-8", newline="") as handle:
                tables[table] += list(csv.DictReader(handle))
    return tables


def total(rows: list[Row], *columns: str, where: Callable[[Row], bool] = lambda row: True) -> float:
    return sum(float(row[c]) for row in rows if where(row) for c in columns if row[c] != "")


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def inbound(row: Row) -> bool:
    return row["direction"] == "inbound"


def expected_cards(t: dict[str, list[Row]]) -> dict[str, float | None]:
    """Each scorecard's figure, written from kpis.md's KPI table (not from the page's code)."""
    sales, credit = t["kpi_sales_daily"], t["kpi_agent_credit_daily"]
    targets, leads, calls = t["kpi_targets_monthly"], t["kpi_leads_daily"], t["kpi_calls_daily"]
    customers, retention = t["kpi_customers"], t["kpi_retention_monthly"]
    conversations = t["kpi_conversations_daily"]
    inbound_first_touch = lambda row: row["channel_group"] in ("phone", "messaging")  # noqa: E731
    role = lambda name: lambda row: row["credit_role"] == name  # noqa: E731
    return {
        "sales-opportunities": total(sales, "opportunities_created"),
        "sales-conversion": ratio(total(sales, "cohort_opportunities_won"),
                                  total(sales, "opportunities_created")),
        "sales-win-rate": ratio(total(sales, "opportunities_won"),
                                total(sales, "opportunities_won", "opportunities_lost")),
        "sales-revenue": total(sales, "revenue_won"),
        "sales-aov": ratio(total(sales, "revenue_won"), total(sales, "opportunities_won")),
        "credit-owner": total(credit, "credited_revenue_won", where=role("owner")),
        "credit-first-touch": total(credit, "credited_revenue_won", where=role("first_touch")),
        "credit-last-touch": total(credit, "credited_revenue_won", where=role("last_touch")),
        "credit-assist": total(credit, "credited_revenue_won", where=role("assist")),
        "targets-attainment": ratio(
            total(targets, "revenue_won", where=lambda row: float(row["targets_set"]) > 0),
            total(targets, "target_amount")),
        "targets-met-share": ratio(total(targets, "targets_met"), total(targets, "targets_set")),
        "targets-amount": total(targets, "target_amount"),
        "leads-created": total(leads, "leads_created"),
        "leads-to-opportunity": ratio(total(leads, "leads_with_opportunity"),
                                      total(leads, "leads_created")),
        "leads-speed": ratio(total(leads, "response_seconds"), total(leads, "leads_responded")),
        "leads-within-5m": ratio(
            total(leads, "leads_responded_within_5m", where=inbound_first_touch),
            total(leads, "leads_created", where=inbound_first_touch)),
        "calls-total": total(calls, "calls"),
        "calls-answer-rate": ratio(total(calls, "answered_calls", where=inbound),
                                   total(calls, "calls", where=inbound)),
        "calls-handle-time": ratio(total(calls, "talk_seconds"), total(calls, "answered_calls")),
        "calls-missed": total(calls, "missed_calls"),
        "calls-callback-1h": ratio(total(calls, "missed_called_back_1h"),
                                   total(calls, "missed_calls")),
        "calls-callback-24h": ratio(total(calls, "missed_called_back_24h"),
                                    total(calls, "missed_calls")),
        "retention-returning-rate": ratio(total(retention, "returning_customers"),
                                          total(retention, "customers_base")),
        "customers-repeat-share": ratio(total(customers, "is_repeat_customer"), len(customers)),
        "customers-value": ratio(total(customers, "revenue"), len(customers)),
        "conversations-total": total(conversations, "conversations"),
        "conversations-response-rate": ratio(
            total(conversations, "replied_conversations", where=inbound),
            total(conversations, "conversations", where=inbound)),
        "conversations-first-response": ratio(total(conversations, "first_response_seconds"),
                                              total(conversations, "replied_conversations")),
        "conversations-within-5m": ratio(total(conversations, "replied_within_5m", where=inbound),
                                         total(conversations, "conversations", where=inbound)),
    }  # fmt: skip


def filtered(tables: dict[str, list[Row]], channel: str, agent: str, day_from: str,
             day_to: str) -> dict[str, list[Row]]:  # fmt: skip
    """The rows the page's filters keep, by the rules the page states next to its controls."""
    columns = {
        "kpi_customers": ("first_order_date", "acquisition_channel", "acquisition_agent_id"),
    }

    def keep(row: Row, date_column: str, channel_column: str, agent_column: str) -> bool:
        month_column = next((c for c in ("month", "cohort_month") if c in row), None)
        if date_column in row and not (day_from <= row[date_column] <= day_to):
            return False
        if month_column and not (day_from[:7] + "-01" <= row[month_column] <= day_to):
            return False
        if channel_column in row and row[channel_column] != channel:
            return False
        return not (agent_column in row and row[agent_column] != agent)

    kept = {}
    for table, rows in tables.items():
        names = columns.get(table, ("date", "channel", "agent_id"))
        kept[table] = [row for row in rows if keep(row, *names)]
    return kept


def shown_cards(page) -> dict[str, float | None]:
    """Every scorecard's value on every page, as the page computed it."""
    values = {}
    for page_id in PAGES:
        page.click(f"nav button[data-page='{page_id}']")
        for card in page.query_selector_all(f"#page-{page_id} .card"):
            raw = card.get_attribute("data-value")
            values[card.get_attribute("id").removeprefix("card-")] = float(raw) if raw else None
    return values


def assert_same_figures(shown: dict[str, float | None], expected: dict[str, float | None]) -> None:
    assert shown.keys() == expected.keys()
    for card, value in expected.items():
        if value is None:
            assert shown[card] is None, card
        else:
            assert shown[card] == pytest.approx(value, rel=TOLERANCE, abs=TOLERANCE), card


@pytest.mark.slow
def test_dashboard_shows_the_figures_of_the_published_csvs_without_console_errors(pipeline_run):
    # given: the dashboard every successful run draws from its publication
    dashboard = pipeline_run.export_dir / "dashboard.html"
    tables = published(pipeline_run.export_dir)
    assert dashboard.is_file(), "the run did not draw the dashboard"
    assert "https://" not in dashboard.read_text(encoding="utf-8").split("<script", 1)[0]
    with open_page(dashboard) as (page, errors):
        # when: every page is opened with no filter
        shown = shown_cards(page)
        # then: every figure equals the one computed from the CSVs, and every chart was drawn
        assert_same_figures(shown, expected_cards(tables))
        for page_id in PAGES:
            page.click(f"nav button[data-page='{page_id}']")
            charts = page.query_selector_all(f"#page-{page_id} .chart > div")
            assert charts and all(c.query_selector(".main-svg") for c in charts), page_id
        assert errors == []


@pytest.mark.slow
def test_dashboard_filters_by_date_range_channel_and_agent(pipeline_run):
    # given: the busiest channel and agent of the published sales, and a two-month range
    tables = published(pipeline_run.export_dir)
    sales = tables["kpi_sales_daily"]
    channel = max({r["channel"] for r in sales}, key=[r["channel"] for r in sales].count)
    agent = max({r["agent_id"] for r in sales}, key=[r["agent_id"] for r in sales].count)
    days = sorted(r["date"] for r in sales)
    day_from, day_to = days[len(days) // 3], days[2 * len(days) // 3]
    with open_page(pipeline_run.export_dir / "dashboard.html") as (page, errors):
        # when
        page.fill("#filter-from", day_from)
        page.dispatch_event("#filter-from", "change")
        page.fill("#filter-to", day_to)
        page.dispatch_event("#filter-to", "change")
        page.select_option("#filter-channel", channel)
        page.select_option("#filter-agent", agent)
        shown = shown_cards(page)
        # then
        expected = expected_cards(filtered(tables, channel, agent, day_from, day_to))
        assert_same_figures(shown, expected)
        assert shown["sales-opportunities"] > 0
        assert errors == []


def test_report_command_explains_a_missing_publication(tmp_path: Path):
    # given: an export folder with no publication yet
    from orchestration.cli import main

    # when / then
    assert main(["report", "--exports", str(tmp_path / "current")]) == 2
