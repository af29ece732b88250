"""Assign HubSpot ids and write lead/deal plans and goals as string-valued records."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sandbox.world.clock import Calendar, iso_ms, local_midnight
from sandbox.world.crm import Record, stage_metadata
from sandbox.world.deals import DealPlan
from sandbox.world.leads import Lead
from sandbox.world.people import Agent

CONTACT_ID_BASE = 100_151
DEAL_ID_BASE = 18_023_455_871
GOAL_ID_BASE = 44_027_423_340


def contact_properties(
    lead: Lead, record_id: int, agents: tuple[Agent, ...]
) -> dict[str, str | None]:
    source, detail_1, detail_2 = lead.source
    modified = iso_ms(lead.modified_ms)
    return {
        "createdate": iso_ms(lead.created_ms),
        "email": lead.email,
        "firstname": lead.first_name,
        "lastname": lead.last_name,
        "phone": lead.phone,
        "mobilephone": lead.mobilephone,
        "company": lead.company,
        "lifecyclestage": lead.lifecycle,
        "hs_analytics_source": source,
        "hs_analytics_source_data_1": detail_1,
        "hs_analytics_source_data_2": detail_2,
        "hubspot_owner_id": agents[lead.owner].owner_id if lead.owner >= 0 else None,
        "lastmodifieddate": modified,
        "hs_lastmodifieddate": modified,
        "hs_object_id": str(record_id),
    }


def build_contacts(
    leads: list[Lead], agents: tuple[Agent, ...], end_ms: int, id_base: int = CONTACT_ID_BASE
) -> tuple[list[Record], dict[int, int]]:
    """Contacts ordered by creation (HubSpot ids grow with time); returns lead key -> id.

    ``id_base`` moves a shard's ids clear of the other shards' (sandbox/world/shards.py).
    """
    ids: dict[int, int] = {}
    records = []
    for position, lead in enumerate(sorted(leads, key=lambda ld: (ld.created_ms, ld.key))):
        lead.created_ms = min(lead.created_ms, end_ms - 1)
        lead.modified_ms = max(lead.modified_ms, lead.created_ms)
        record_id = id_base + 3 * position + lead.key % 3
        ids[lead.key] = record_id
        records.append(
            Record(
                record_id,
                contact_properties(lead, record_id, agents),
                lead.created_ms,
                lead.modified_ms,
            )
        )
    return records, ids


def deal_properties(
    plan: DealPlan, record_id: int, agents: tuple[Agent, ...]
) -> dict[str, str | None]:
    closed, probability = stage_metadata()[plan.stage]
    close = plan.close_ms
    return {
        "dealname": plan.name,
        "amount": plan.amount,
        "deal_currency_code": plan.currency,
        "amount_in_home_currency": plan.home_amount,
        "dealstage": plan.stage,
        "pipeline": plan.pipeline,
        "closedate": None if close is None else iso_ms(close - close % 1000)[:-5] + "Z",
        "createdate": iso_ms(plan.created_ms),
        "hs_lastmodifieddate": iso_ms(plan.modified_ms),
        "hubspot_owner_id": agents[plan.owner].owner_id if plan.owner >= 0 else None,
        "hs_is_closed": "true" if closed else "false",
        "hs_is_closed_won": "true" if closed and probability == "1.0" else "false",
        "hs_deal_stage_probability": probability,
        "hs_object_id": str(record_id),
    }


def build_deals(
    plans: list[DealPlan],
    contact_ids: dict[int, int],
    agents: tuple[Agent, ...],
    id_base: int = DEAL_ID_BASE,
) -> list[Record]:
    records = []
    for position, plan in enumerate(sorted(plans, key=lambda p: p.created_ms)):
        record_id = id_base + 7 * position
        plan.modified_ms = max(plan.modified_ms, plan.created_ms)
        updated = plan.archived_ms or plan.modified_ms
        record = Record(
            record_id,
            deal_properties(plan, record_id, agents),
            plan.created_ms,
            updated,
            archived_ms=plan.archived_ms,
            associations=[contact_ids[k] for k in plan.contacts],
        )
        records.append(record)
    return records


def month_starts(calendar: Calendar) -> list[dt.date]:
    first = calendar.days[0].replace(day=1)
    months = []
    while first <= calendar.days[-1]:
        months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


def build_goals(
    seed: int, calendar: Calendar, agents: tuple[Agent, ...], monthly_revenue: float
) -> list[Record]:
    """Monthly quotas per sales rep, quarterly ones for key-account reps (amounts in EUR)."""
    rng = random.Random(f"{seed}:goals")
    creator = str(agents[0].hubspot_user_id)
    goals: list[Record] = []
    months = month_starts(calendar)
    for agent in agents:
        if agent.role not in ("sales", "manager") or agent.hubspot_user_id is None:
            continue
        quarterly = "accounts" in agent.hubspot_teams[:1]
        step = 3 if quarterly else 1
        for start in months[::step]:
            if agent.departed_day is not None and start > calendar.days[agent.departed_day]:
                break
            end = (
                months[months.index(start) + step]
                if months.index(start) + step < len(months)
                else None
            )
            target = round(monthly_revenue * step * rng.uniform(0.7, 1.35) / 500) * 500
            goals.append(_goal(rng, len(goals), agent, creator, (start, end), target, quarterly))
    return goals


def _goal(
    rng: random.Random,
    position: int,
    agent: Agent,
    creator: str,
    span: tuple[dt.date, dt.date | None],
    target: int,
    quarterly: bool,
) -> Record:
    start, end = span
    start_ms = local_midnight(start) * 1000
    end_day = end or (start + dt.timedelta(days=32)).replace(day=1)
    end_ms = local_midnight(end_day) * 1000 - 1
    created = start_ms - rng.randint(3, 20) * 86_400_000
    record_id = GOAL_ID_BASE + 13 * position
    group = str(uuid.UUID(int=rng.getrandbits(128)))
    label = f"T{(start.month - 1) // 3 + 1} {start.year}" if quarterly else start.strftime("%Y-%m")
    properties = {
        "hs_goal_name": f"Quota {label} – {agent.name}",
        "hs_target_amount": str(target),
        "hs_start_datetime": iso_ms(start_ms),
        "hs_end_datetime": iso_ms(end_ms),
        "hs_created_by_user_id": creator,
        "hs_assignee_user_id": str(agent.hubspot_user_id),
        "hs_goal_type": "sales_quota",
        "hs_milestone": "quarterly" if quarterly else "monthly",
        "hs_group_correlation_uuid": group,
        "hs_goal_target_group_id": str(record_id - 1),
        "hs_createdate": iso_ms(created),
        "hs_lastmodifieddate": iso_ms(created),
        "hs_object_id": str(record_id),
    }
    return Record(record_id, properties, created, created)
