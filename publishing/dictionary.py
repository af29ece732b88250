"""What every export column means to a Looker Studio user: the data behind docs/data_dictionary.md.

Kept beside the contract (publishing/contract.py) so that one test can hold them in step: every
column of EXPORT_COLUMNS needs an entry here, and the generated page is rebuilt from both.
Entries for a table the contract does not list yet (an export that kpis.md announces before the
publisher ships it) are kept and simply not rendered until the contract gains the table.
"""

from dataclasses import dataclass
from enum import Enum


class Additivity(Enum):
    """How a column may be summed; decides its default aggregation in Looker Studio."""

    DIMENSION = "dimension"
    ADDITIVE = "additive"
    SEMI_ADDITIVE = "semi-additive"
    REPEATED = "repeated"


ADDITIVITY_MEANING: dict[Additivity, str] = {
    Additivity.DIMENSION: "group or filter by it; never a metric",
    Additivity.ADDITIVE: "`SUM` is right across every dimension of the table",
    Additivity.SEMI_ADDITIVE: "`SUM` is right only within one value of the dimension named",
    Additivity.REPEATED: "the same value repeats on several rows: never `SUM` it across them",
}

TEXT, NUMBER, DATE = "Text", "Number", "Date"
MONEY = "Currency (reporting currency)"


@dataclass(frozen=True, slots=True)
class ColumnEntry:
    """One column as a Looker Studio data source field."""

    meaning: str
    looker_type: str
    aggregation: str
    additivity: Additivity
    within: str = ""  # semi-additive: the dimension to hold at one value

    def additivity_label(self) -> str:
        """`semi-additive (within one credit_role)` style text for the dictionary page."""
        suffix = f" (within one `{self.within}`)" if self.within else ""
        return f"{self.additivity.value}{suffix}"


def dimension(meaning: str, looker_type: str = TEXT) -> ColumnEntry:
    return ColumnEntry(meaning, looker_type, "None", Additivity.DIMENSION)


def measure(meaning: str, looker_type: str = NUMBER) -> ColumnEntry:
    return ColumnEntry(meaning, looker_type, "Sum", Additivity.ADDITIVE)


def semi(meaning: str, within: str, looker_type: str = NUMBER) -> ColumnEntry:
    return ColumnEntry(meaning, looker_type, "Sum", Additivity.SEMI_ADDITIVE, within)


def repeated(meaning: str, looker_type: str = NUMBER) -> ColumnEntry:
    # Aggregation None: dragged into a chart it cannot be summed by accident; the calculated
    # fields of docs/looker_studio.md aggregate it explicitly where that is right.
    return ColumnEntry(meaning, looker_type, "None", Additivity.REPEATED)


# Columns that mean the same in every table that has them.
SHARED: dict[str, ColumnEntry] = {
    "channel_group": dimension("first-level channel: phone, messaging, outbound, crm, unknown"),
    "channel": dimension("channel within the group (e.g. `phone_toll_free`, `whatsapp`), or the "
                         "campaign name a channel mapping gives a business line"),
    "channel_label": dimension("human-readable name of `channel`"),
    "agent_name": dimension("\"First Last\"; `Unassigned` where no agent applies"),
    "team": dimension("the agent's team; empty when unknown"),
    "business_line": dimension("the company number (E.164) or messaging endpoint"),
    "direction": dimension("`inbound` (the customer started) or `outbound`"),
    "month": dimension("first day of the month, reporting time zone", DATE),
    "revenue": measure("revenue of won deals, reporting currency", MONEY),
}  # fmt: skip

_CREDIT = "credit_role"
_DEAL_REPEATED = "on every (role, agent) row of a deal, so repeated across roles and agents"

TABLES: dict[str, dict[str, ColumnEntry]] = {
    "kpi_sales_daily": {
        "date": dimension("local day: create date (created, cohort_*), close date (won, lost)",
                          DATE),
        "pipeline": dimension("label of the CRM pipeline"),
        "agent_id": dimension("the deal owner (`unassigned` for unowned deals)"),
        "opportunities_created": measure("deals created that day"),
        "opportunities_won": measure("deals won that day (by close date)"),
        "opportunities_lost": measure("deals lost that day (by close date)"),
        "revenue_won": measure("amount of deals won that day", MONEY),
        "cohort_opportunities_won": measure("deals created that day and won as of the run"),
        "cohort_revenue_won": measure("amount of those cohort deals won as of the run", MONEY),
    },
    "kpi_agent_credit_daily": {
        "date": dimension("local day: create date for created, close date for won", DATE),
        "agent_id": dimension("the agent credited in `credit_role`"),
        "credit_role": dimension("`owner`, `first_touch`, `last_touch` or `assist`"),
        "opportunities_created": repeated(f"deals created that day, in full {_DEAL_REPEATED}"),
        "opportunities_won": repeated(f"deals won that day, in full {_DEAL_REPEATED}"),
        "revenue_won": repeated(f"amount won, in full {_DEAL_REPEATED}", MONEY),
        "credited_opportunities_won": semi("won deals × credit share", _CREDIT),
        "credited_revenue_won": semi("amount won × credit share", _CREDIT, MONEY),
    },
    "kpi_targets_monthly": {
        "agent_id": dimension("the agent (deal owner) the target is set for"),
        "target_amount": measure("the agent's target for the month (0 without a target)", MONEY),
        "targets_set": measure("1 when the agent has a target that month, else 0"),
        "targets_met": measure("1 when `revenue_won >= target_amount` on a month with a target"),
        "revenue_won": measure("won deals owned by the agent, by local close month", MONEY),
        "opportunities_won": measure("deals won by the agent that month"),
    },
    "kpi_customers": {
        "customer_key": dimension("keyed pseudonym (HMAC) of the CRM contact; count it"),
        "acquisition_channel_group": dimension("`channel_group` of the customer's first touch"),
        "acquisition_channel": dimension("`channel` of the customer's first touch"),
        "acquisition_agent_id": dimension("first-touch agent of the customer's lead"),
        "owner_agent_id": dimension("the contact's CRM owner"),
        "first_order_date": dimension("local date of the first won deal", DATE),
        "last_order_date": dimension("local date of the latest won deal", DATE),
        "orders": measure("won deals of the customer"),
        "is_repeat_customer": measure("1 when the customer has two orders or more, else 0"),
    },
    "kpi_retention_monthly": {
        "channel_group": dimension("acquisition `channel_group` of the customers"),
        "channel": dimension("acquisition `channel` of the customers"),
        "customers_ordering": semi("distinct customers with an order in the month", "month"),
        "new_customers": measure("customers whose first order is in the month"),
        "returning_customers": semi("of `customers_base`, those who order in the month", "month"),
        "customers_base": semi("distinct customers with an order in the 12 months before", "month"),
    },
    "kpi_customer_cohorts": {
        "cohort_month": dimension("month of the customers' first order (first day)", DATE),
        "months_since_first_order": dimension("0 for the cohort month, 1 for the next...", NUMBER),
        "cohort_customers": repeated("customers in the cohort, repeated on each of its rows"),
        "active_customers": semi("cohort customers with an order that month",
                                 "months_since_first_order"),
        "revenue": measure("revenue of the cohort's orders that month", MONEY),
    },
    "kpi_leads_daily": {
        "date": dimension("local day the lead (CRM contact) was created", DATE),
        "agent_id": dimension("first-touch agent (first handled interaction)"),
        "leads_created": measure("leads created that day"),
        "leads_with_opportunity": measure("of those, leads with a deal"),
        "leads_won": measure("of those, leads with a won deal"),
        "leads_responded": measure("inbound-first-touch leads that got a response"),
        "response_seconds": measure("sum of seconds from first touch to response"),
        "leads_responded_within_5m": measure("responded leads answered within 300 s"),
    },
    "kpi_calls_daily": {
        "date": dimension("local day the call started", DATE),
        "agent_id": dimension("agent who answered or placed the call (`unassigned` if none)"),
        "calls": measure("calls, both directions"),
        "answered_calls": measure("calls with an answer time, both directions"),
        "missed_calls": measure("inbound calls never answered"),
        "missed_out_of_hours": measure("missed calls outside opening hours"),
        "voicemails": measure("calls that left a voicemail"),
        "talk_seconds": measure("sum of end − answer over answered calls"),
        "wait_seconds": measure("sum of answer − start over answered inbound calls"),
        "missed_called_back_1h": measure("missed calls called back within 1 hour"),
        "missed_called_back_24h": measure("missed calls called back within 24 hours"),
    },
    "kpi_conversations_daily": {
        "date": dimension("local day of the conversation's first message", DATE),
        "agent_id": dimension("first agent author (`unassigned` if no agent wrote)"),
        "conversations": measure("conversations, both directions"),
        "replied_conversations": measure("inbound conversations an agent replied to"),
        "first_response_seconds": measure("sum of seconds to the agent's first reply"),
        "replied_within_5m": measure("replied conversations answered within 300 s"),
        "messages_in": measure("customer messages"),
        "messages_out": measure("agent and automated messages"),
    },
}  # fmt: skip


def column_entry(table: str, column: str) -> ColumnEntry:
    """The entry of `column` in `table`; KeyError names both when the dictionary lacks it."""
    entry = TABLES.get(table, {}).get(column) or SHARED.get(column)
    if entry is None:
        raise KeyError(f"data dictionary has no entry for {table}.{column}")
    return entry
