"""Changes between runs, for incremental-load tests: edits, new records, archive/restore."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from typing import Any

from sandbox.world.business import Business
from sandbox.world.calls import CallFact
from sandbox.world.clock import iso_ms
from sandbox.world.crm import Record, stage_metadata
from sandbox.world.deals import DealPlan
from sandbox.world.dialing import inbound
from sandbox.world.leads import new_lead
from sandbox.world.lifecycle import (
    delete_contacts,
    edit_oldest_contacts,
    merge_contacts,
    remove_aircall,
    set_archived,
)
from sandbox.world.records import contact_properties, deal_properties

NEXT_STAGE = {
    "appointmentscheduled": "qualifiedtobuy",
    "qualifiedtobuy": "presentationscheduled",
    "presentationscheduled": "decisionmakerboughtin",
    "decisionmakerboughtin": "contractsent",
    "contractsent": "closedwon",
    "1001": "1002",
    "1002": "1003",
}


def _now_ms() -> int:
    return int(time.time() * 1000)


def _bump(record: Record, properties: dict[str, str | None], modified: str, lag: float) -> None:
    now = _now_ms()
    record.properties.update(properties)
    record.properties[modified] = iso_ms(now)
    if modified == "lastmodifieddate":
        record.properties["hs_lastmodifieddate"] = iso_ms(now)
    record.updated_ms = now
    record.visible_at = time.time() + lag


def change_deals(business: Business, rng: random.Random, count: int) -> list[str]:
    """Advance a stage (or change the amount of a closed deal) and bump the modified time."""
    live = [d for d in business.deals.all() if not d.archived]
    chosen = rng.sample(live, min(count, len(live)))
    metadata = stage_metadata()
    for deal in chosen:
        stage = NEXT_STAGE.get(deal.properties["dealstage"] or "")
        if stage:
            closed, probability = metadata[stage]
            changes: dict[str, str | None] = {
                "dealstage": stage,
                "hs_deal_stage_probability": probability,
                "hs_is_closed": str(closed).lower(),
                "hs_is_closed_won": str(closed and probability == "1.0").lower(),
            }
        else:
            amount = float(deal.properties["amount"] or 1000) * 1.1
            changes = {"amount": f"{round(amount, 2):g}", "amount_in_home_currency": None}
        _bump(deal, changes, "hs_lastmodifieddate", business.config.search_lag_seconds)
    business.deals.touched(time.time() + business.config.search_lag_seconds)
    return [str(d.id) for d in chosen]


def change_contacts(business: Business, rng: random.Random, count: int) -> list[str]:
    chosen = rng.sample(business.contacts.all(), min(count, len(business.contacts)))
    for contact in chosen:
        stage = rng.choice(("lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity"))
        _bump(
            contact,
            {"lifecyclestage": stage},
            "lastmodifieddate",
            business.config.search_lag_seconds,
        )
    business.contacts.touched(time.time() + business.config.search_lag_seconds)
    return [str(c.id) for c in chosen]


def change_calls(business: Business, rng: random.Random, count: int) -> list[int]:
    """Tag or archive existing calls (what changes on Aircall calls after they end)."""
    store, changed = business.calls, []
    days = len(business.calendar.days)
    while len(changed) < count:
        rows = store.rows(rng.randrange(days))
        if not rows:
            continue
        call_id, fact = rng.choice(rows)
        if call_id in changed:
            continue
        agent = business.agents[fact.agent if fact.agent >= 0 else 0]
        tag = {
            "id": 1_023_001,
            "name": "Relance",
            "tagged_by": {"id": agent.user_id, "name": agent.name},
            "tagged_at": int(time.time()),
        }
        store.patches[call_id] = {"tags": [tag], "archived": rng.random() < 0.5 or fact.archived}
        changed.append(call_id)
    return changed


def add_contacts(business: Business, rng: random.Random, count: int) -> list[str]:
    added = []
    for _ in range(count):
        lead = new_lead(rng, len(business.leads))
        lead.created_ms = lead.modified_ms = _now_ms()
        lead.owner = rng.choice([a.index for a in business.agents if a.role == "sales"])
        business.leads.append(lead)
        record_id = business.contacts.next_id(3)
        record = Record(
            record_id,
            contact_properties(lead, record_id, business.agents),
            lead.created_ms,
            lead.modified_ms,
        )
        record.visible_at = time.time() + business.config.search_lag_seconds
        business.contacts.add(record)
        added.append(str(record_id))
    business.contacts.touched(time.time() + business.config.search_lag_seconds)
    return added


def add_deals(business: Business, rng: random.Random, count: int) -> list[str]:
    added = []
    for _ in range(count):
        contact = rng.choice(business.contacts.all())
        now = _now_ms()
        plan = DealPlan(
            rng.choice(("Pompe à chaleur", "Audit énergétique")),
            "default",
            "appointmentscheduled",
            "open",
            business.agents.index(rng.choice(business.agents[2:16])),
            now,
            None,
            now,
            str(rng.randint(20, 90) * 100),
            "EUR",
            None,
        )
        record_id = business.deals.next_id(7)
        record = Record(
            record_id,
            deal_properties(plan, record_id, business.agents),
            now,
            now,
            associations=[contact.id],
        )
        record.visible_at = time.time() + business.config.search_lag_seconds
        business.deals.add(record)
        contact.associations.append(record_id)
        added.append(str(record_id))
    business.deals.touched(time.time() + business.config.search_lag_seconds)
    return added


def add_calls(business: Business, rng: random.Random, count: int) -> list[int]:
    """New calls starting now (real time): the trailing re-read window must pick them up."""
    added = []
    for position in range(count):
        line_index = rng.randrange(len(business.lines))
        agent = rng.choice([a.index for a in business.agents if a.user_id])
        fact: CallFact = inbound(
            rng,
            (business.config.as_of, 36_000),
            line_index,
            business.lines[line_index],
            "+33611223344",
            agent,
        )
        start = int(time.time()) - count + position
        shift = start - fact.started_at
        answered = fact.answered_at + shift if fact.answered_at else None
        ended = fact.ended_at + shift if fact.ended_at else None
        fact = replace(fact, started_at=start, answered_at=answered, ended_at=ended)
        added.append(business.calls.add(fact))
    return added


def _archiving(store: str, modified: str, archived: bool) -> Any:
    def action(business: Business, rng: random.Random, count: int) -> list[str]:
        objects = business.deals if store == "deals" else business.contacts
        return set_archived(business, objects, modified, rng, count, archived)

    return action


def mutate(business: Business, **counts: int) -> dict[str, Any]:
    """Apply counted mutations; returns the changed ids per key (seeded, so repeatable).

    Keys: deals, contacts, calls (edits); new_deals, new_contacts, new_calls; archive_deals,
    restore_deals, archive_contacts, restore_contacts; merge_contacts (``"survivor<-absorbed"``);
    delete_contacts (hard/GDPR: no tombstone);
    remove_users, remove_numbers, remove_teams (Aircall); edit_oldest_contacts.
    """
    actions = {
        "deals": change_deals,
        "contacts": change_contacts,
        "calls": change_calls,
        "new_contacts": add_contacts,
        "new_deals": add_deals,
        "new_calls": add_calls,
        "archive_deals": _archiving("deals", "hs_lastmodifieddate", True),
        "restore_deals": _archiving("deals", "hs_lastmodifieddate", False),
        "archive_contacts": _archiving("contacts", "lastmodifieddate", True),
        "restore_contacts": _archiving("contacts", "lastmodifieddate", False),
        "merge_contacts": merge_contacts,
        "delete_contacts": delete_contacts,
        "remove_users": lambda b, r, n: remove_aircall(b, r, n, "users"),
        "remove_numbers": lambda b, r, n: remove_aircall(b, r, n, "numbers"),
        "remove_teams": lambda b, r, n: remove_aircall(b, r, n, "teams"),
        "edit_oldest_contacts": edit_oldest_contacts,
    }
    unknown = set(counts) - set(actions)
    if unknown:
        raise ValueError(f"unknown mutation keys: {sorted(unknown)}")
    with business.lock:
        business.mutation_count += 1
        rng = random.Random(f"{business.config.seed}:mutation:{business.mutation_count}")
        return {key: actions[key](business, rng, int(n)) for key, n in counts.items() if int(n) > 0}
