"""Assemble the recomputed warehouse: agents, conversations, interactions, leads, opportunities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .agents import Agents, build_agents
from .attribution import Lead, build_leads
from .conversations import Conversation, build_conversations
from .deals import Opportunity, build_opportunity
from .interactions import Interaction, build_interactions, index_by_number
from .raw import RawData
from .settings import Settings


@dataclass(slots=True)
class Warehouse:
    settings: Settings
    raw: RawData
    agents: Agents
    interactions: list[Interaction]  # calls and conversations, in start order
    by_number: dict[str, list[Interaction]]
    leads: dict[str, Lead]
    opportunities: list[Opportunity]
    conversations: list[Conversation]

    @property
    def calls(self) -> list[Interaction]:
        """The call interactions (kpi_calls_daily stays calls only)."""
        return [i for i in self.interactions if i.is_call]

    def local_date(self, moment: datetime) -> date:
        return local_date(moment, self.settings.zone)

    def agent_dims(self, agent_id: str) -> tuple[str, str, str]:
        return self.agents.dims(agent_id)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The reporting-zone calendar day of a UTC instant (23 h and 25 h days included)."""
    return moment.astimezone(zone).date()


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def build_warehouse(raw: RawData, settings: Settings) -> Warehouse:
    agents = build_agents(raw)
    conversations = build_conversations(raw, agents, settings)
    interactions = build_interactions(raw, agents, settings, conversations)
    by_number = index_by_number(interactions)
    leads = build_leads(raw.contacts, by_number, settings)
    opportunities = [
        build_opportunity(deal, raw.pipelines, leads, agents, settings) for deal in raw.deals
    ]
    return Warehouse(
        settings, raw, agents, interactions, by_number, leads, opportunities, conversations
    )
