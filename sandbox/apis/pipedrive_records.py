"""The world as Pipedrive holds it: v2 deals, persons, pipelines and stages, v1 users.

Rendered from the vendor-neutral plans (leads, deal plans, agents), not from HubSpot JSON, with
Pipedrive's own ids and typed values. Pipedrive-only facts (archived deals, lost reasons) use a
random stream of their own, so the HubSpot and Aircall renderings keep every draw they had.

The lead's original source travels on its deals: ``origin`` is Pipedrive's creation source
(``WebForms`` for leads from the website, ``ManuallyCreated`` for reps' entries, ``API`` for
integrations) and ``channel`` names the same marketing source the HubSpot rendering carries in
``hs_analytics_source`` (``ORGANIC_SEARCH``, ``OFFLINE``...), with a stable ``channel_id``.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.world.business import Business
from sandbox.world.clock import local_midnight
from sandbox.world.crm import pipelines as world_pipelines
from sandbox.world.deals import DealPlan
from sandbox.world.leads import WEB_SOURCES, Lead
from sandbox.world.people import Agent

USER_ID_BASE = 12_480_101
CHANNELS = tuple(dict.fromkeys([source for source, _, _ in WEB_SOURCES] + ["OFFLINE"]))
LOST_REASONS = ("Trop cher", "Concurrent retenu", "Projet reporté", "Sans réponse")
ARCHIVE_SHARE = 0.05  # closed deals archived by a tidy-up, older than ARCHIVE_AFTER_DAYS
ARCHIVE_AFTER_DAYS = 60
ADDED = "2023-01-10T09:00:00Z"


def rfc3339(epoch_ms: int) -> str:
    """Pipedrive v2 times: RFC3339 UTC, whole seconds."""
    moment = dt.datetime.fromtimestamp(epoch_ms // 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def v1_time(epoch_s: int) -> str:
    """Pipedrive v1 times: ``YYYY-MM-DD HH:MM:SS`` UTC."""
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(slots=True)
class Item:
    """One v2 record and the facts its filters need (times as epoch ms)."""

    id: int
    body: dict[str, Any]
    updated_ms: int
    deleted_ms: int | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_ms is not None


@dataclass(slots=True)
class PipedriveCrm:
    """Pipedrive's records of one business, with their own mutations between runs."""

    deals: dict[int, Item]
    persons: dict[int, Item]
    pipelines: list[dict[str, Any]]
    stages: list[dict[str, Any]]
    users: list[dict[str, Any]]
    end_ms: int
    seed: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    mutation_count: int = 0

    def reference_ms(self) -> int:
        """ "Now" for the deleted-deals window: the real time, but never after the world's end
        (a world ending in the past is served as of its last day)."""
        return min(int(time.time() * 1000), self.end_ms)


def build_pipedrive(business: Business) -> PipedriveCrm:
    """Render a business as Pipedrive (use through ``business.rendering``)."""
    agents = business.agents
    stage_ids, stages, pipelines = _pipelines()
    users = [_user(agent, business) for agent in agents if agent.owner_id]
    leads = sorted(business.leads, key=lambda lead: (lead.created_ms, lead.key))
    person_ids = {lead.key: position + 1 for position, lead in enumerate(leads)}
    persons = {person_ids[lead.key]: _person(lead, person_ids[lead.key], agents) for lead in leads}
    by_key = {lead.key: lead for lead in leads}
    rng = random.Random(f"{business.config.seed}:pipedrive")
    end_ms = business.calendar.end * 1000
    deals: dict[int, Item] = {}
    plans = sorted(business.deal_plans, key=lambda plan: plan.created_ms)
    for position, plan in enumerate(plans):
        lead = by_key.get(plan.contacts[0]) if plan.contacts else None
        person_id = person_ids[lead.key] if lead else None
        item = _deal(plan, position + 1, person_id, lead, agents, stage_ids, rng, end_ms)
        deals[item.id] = item
    return PipedriveCrm(deals, persons, pipelines, stages, users, end_ms, business.config.seed)


def user_id(agent: Agent) -> int:
    return USER_ID_BASE + 11 * agent.index


def _owner(agents: tuple[Agent, ...], index: int) -> int:
    # Pipedrive has no owner-less deal: an import lands on the account's admin (the first agent).
    agent = agents[index] if index >= 0 and agents[index].owner_id else agents[0]
    return user_id(agent)


def _pipelines() -> tuple[dict[str, int], list[dict[str, Any]], list[dict[str, Any]]]:
    stage_ids: dict[str, int] = {}
    stages, pipelines = [], []
    for pipeline_id, pipeline in enumerate(world_pipelines(), start=1):
        pipelines.append({
            "id": pipeline_id, "name": pipeline["label"], "order_nr": pipeline["displayOrder"],
            "is_deleted": False, "is_deal_probability_enabled": True,
            "add_time": ADDED, "update_time": pipeline["updatedAt"],
        })  # fmt: skip
        for stage in pipeline["stages"]:
            stage_ids[stage["id"]] = len(stage_ids) + 1
            stages.append({
                "id": stage_ids[stage["id"]], "order_nr": stage["displayOrder"],
                "name": stage["label"], "pipeline_id": pipeline_id,
                "deal_probability": round(float(stage["metadata"]["probability"]) * 100),
                "is_deal_rot_enabled": False, "days_to_rotten": None,
                "is_deleted": bool(stage["archived"]),
                "add_time": ADDED, "update_time": stage.get("archivedAt") or ADDED,
            })  # fmt: skip
    return stage_ids, stages, pipelines


def _user(agent: Agent, business: Business) -> dict[str, Any]:
    modified = agent.created_at
    if agent.departed_day is not None:
        modified = local_midnight(business.calendar.days[agent.departed_day])
    first = agent.index == 0
    return {
        "id": user_id(agent), "name": agent.name, "email": agent.email, "phone": None,
        "default_currency": "EUR", "locale": "fr_FR", "lang": 1, "activated": True,
        "last_login": v1_time(modified), "created": v1_time(agent.created_at),
        "modified": v1_time(modified), "has_created_company": first, "is_admin": int(first),
        "active_flag": agent.departed_day is None, "timezone_name": "Europe/Paris",
        "timezone_offset": "+01:00", "role_id": 1, "icon_url": None, "is_you": first,
    }  # fmt: skip


def _person(lead: Lead, person_id: int, agents: tuple[Agent, ...]) -> Item:
    phones = [
        {"value": value, "primary": False, "label": label}
        for value, label in ((lead.mobilephone, "mobile"), (lead.phone, "work"))
        if value
    ]
    if phones:
        phones[0]["primary"] = True
    emails = [{"value": lead.email, "primary": True, "label": "work"}] if lead.email else []
    body = {
        "id": person_id, "name": f"{lead.first_name} {lead.last_name}",
        "first_name": lead.first_name, "last_name": lead.last_name,
        "owner_id": _owner(agents, lead.owner), "org_id": None,
        "add_time": rfc3339(lead.created_ms), "update_time": rfc3339(lead.modified_ms),
        "is_deleted": False, "visible_to": 3, "label_ids": [], "emails": emails,
        "phones": phones, "custom_fields": {},
    }  # fmt: skip
    return Item(person_id, body, lead.modified_ms)


def _origin(lead: Lead | None) -> dict[str, Any]:
    if lead is None:  # created from an import with no contact
        return {"origin": "Import", "origin_id": None, "channel": None, "channel_id": None}
    source, detail, _ = lead.source
    if source != "OFFLINE":
        origin = "WebForms"
    else:
        origin = "API" if detail == "INTEGRATION" else "ManuallyCreated"
    channel_id = CHANNELS.index(source) + 1 if source in CHANNELS else None
    return {"origin": origin, "origin_id": detail, "channel": source, "channel_id": channel_id}


def _deal(plan: DealPlan, deal_id: int, person_id: int | None, lead: Lead | None,
          agents: tuple[Agent, ...], stage_ids: dict[str, int], rng: random.Random,
          end_ms: int) -> Item:  # fmt: skip
    pipeline_id = 1 if plan.pipeline == "default" else 2
    close = plan.close_ms
    closed = plan.outcome in ("won", "lost")
    archive_ms = None
    # Draw for every deal, whatever its state, so one deal's facts never shift another's.
    archive_roll, reason = rng.random(), rng.choice(LOST_REASONS)
    if closed and archive_roll < ARCHIVE_SHARE and close is not None:
        archive_ms = close + ARCHIVE_AFTER_DAYS * 86_400_000
        archive_ms = archive_ms if archive_ms < end_ms else None
    updated = max(plan.modified_ms, archive_ms or 0, plan.archived_ms or 0)
    deleted = plan.archived_ms is not None  # what HubSpot archives, Pipedrive deletes
    body = {
        "id": deal_id, "title": plan.name, "owner_id": _owner(agents, plan.owner),
        "person_id": person_id, "org_id": None, "pipeline_id": pipeline_id,
        "stage_id": stage_ids[plan.stage], "value": float(plan.amount or 0),
        "currency": plan.currency or "EUR", "add_time": rfc3339(plan.created_ms),
        "update_time": rfc3339(updated),
        "stage_change_time": rfc3339(close if closed and close else plan.created_ms),
        "is_deleted": deleted, "is_archived": archive_ms is not None,
        "archive_time": rfc3339(archive_ms) if archive_ms else None,
        "status": "deleted" if deleted else plan.outcome, "probability": None,
        "lost_reason": reason if plan.outcome == "lost" else None, "visible_to": 3,
        "close_time": rfc3339(close) if closed and close else None,
        "won_time": rfc3339(close) if plan.outcome == "won" and close else None,
        "lost_time": rfc3339(close) if plan.outcome == "lost" and close else None,
        "expected_close_date": _date(close) if close else None, "label_ids": [],
        **_origin(lead), "arr": None, "mrr": None, "acv": None, "custom_fields": {},
    }  # fmt: skip
    return Item(deal_id, body, updated, plan.archived_ms)


def _date(epoch_ms: int) -> str:
    return dt.datetime.fromtimestamp(epoch_ms // 1000, dt.UTC).date().isoformat()
