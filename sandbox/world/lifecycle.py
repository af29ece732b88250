"""A real account's deletes: archive/restore, contact merges, Aircall removals (HubSpot §1.5)."""

from __future__ import annotations

import random
import time

from sandbox.world.business import Business
from sandbox.world.clock import iso_ms
from sandbox.world.crm import Record
from sandbox.world.objects import ObjectStore

PHONE_PROPERTIES = ("phone", "mobilephone")


def _now_ms() -> int:
    return int(time.time() * 1000)


def touch(record: Record, modified: str, lag: float) -> None:
    """Move a record's modified time to now, visible to search after the index lag."""
    now = _now_ms()
    record.properties[modified] = iso_ms(now)
    if modified == "lastmodifieddate":
        record.properties["hs_lastmodifieddate"] = iso_ms(now)
    record.updated_ms = now
    record.visible_at = time.time() + lag


def set_archived(business: Business, store: ObjectStore, modified: str, rng: random.Random,
                 count: int, archived: bool) -> list[str]:  # fmt: skip
    """Archive live records, or restore archived ones (they come back with archived=false).

    Archiving moves the modified time. Whether a restore does is not documented (source_apis.md
    §1.5 [U]): ``SandboxConfig.restore_touches_modified`` chooses, so both cases are tested.
    """
    pool = [record for record in store.all() if record.archived != archived]
    chosen = rng.sample(pool, min(count, len(pool)))
    lag = business.config.search_lag_seconds
    for record in chosen:
        record.archived_ms = _now_ms() if archived else None
        if archived or business.config.restore_touches_modified:
            touch(record, modified, lag)
    store.touched(time.time() + lag)
    return [str(record.id) for record in chosen]


def merge_contacts(business: Business, rng: random.Random, count: int) -> list[str]:
    """Merge pairs of live contacts the way HubSpot does; returns ``"<survivor><-<absorbed>"``.

    The survivor's ``hs_merged_object_ids`` gains the absorbed id (``;``-separated) and its
    modified time moves; it keeps its own phones, taking the absorbed one's only where empty.
    Deals of the absorbed contact are re-associated to the survivor (their modified time moves:
    the association count is a deal property). The absorbed contact disappears from search,
    lists and the archived list.
    """
    contacts, lag = business.contacts, business.config.search_lag_seconds
    live = [record for record in contacts.all() if not record.archived]
    merged: list[str] = []
    for _ in range(count):
        if len(live) < 2:
            break
        survivor, absorbed = rng.sample(live, 2)
        live.remove(absorbed)
        _absorb(business, survivor, absorbed)
        touch(survivor, "lastmodifieddate", lag)
        contacts.remove(absorbed.id)
        merged.append(f"{survivor.id}<-{absorbed.id}")
    contacts.touched(time.time() + lag)
    business.deals.touched(time.time() + lag)
    return merged


def _absorb(business: Business, survivor: Record, absorbed: Record) -> None:
    known = survivor.properties.get("hs_merged_object_ids") or ""
    ids = [*filter(None, known.split(";")), str(absorbed.id)]
    survivor.properties["hs_merged_object_ids"] = ";".join(ids)
    for name in PHONE_PROPERTIES:
        if not survivor.properties.get(name) and absorbed.properties.get(name):
            survivor.properties[name] = absorbed.properties[name]
    for deal_id in absorbed.associations:
        deal = business.deals.get(deal_id)
        if deal is None:
            continue
        deal.associations = list(dict.fromkeys(
            survivor.id if contact_id == absorbed.id else contact_id
            for contact_id in deal.associations
        ))  # fmt: skip
        touch(deal, "hs_lastmodifieddate", business.config.search_lag_seconds)
        if deal_id not in survivor.associations:
            survivor.associations.append(deal_id)


def remove_aircall(business: Business, rng: random.Random, count: int, kind: str) -> list[int]:
    """Delete Aircall users, numbers or teams: they stop being listed; past calls keep them."""
    removed = business.aircall_removed[kind]
    if kind == "users":
        pool = [a.user_id for a in business.agents if a.user_id and a.user_id not in removed]
    elif kind == "numbers":
        pool = [line.number_id for line in business.lines if line.number_id not in removed]
    else:
        pool = sorted({a.aircall_team for a in business.agents if a.aircall_team} - removed)
    chosen = rng.sample(pool, min(count, len(pool)))
    removed.update(chosen)
    return list(chosen)


def edit_oldest_contacts(business: Business, rng: random.Random, count: int) -> list[str]:
    """Edit the contacts modified longest ago: what a mid-sync edit of an already read page
    looks like to a reader sorted by modified time."""
    live = [record for record in business.contacts.all() if not record.archived]
    oldest = sorted(live, key=lambda record: (record.updated_ms, record.id))[:count]
    lag = business.config.search_lag_seconds
    for record in oldest:
        record.properties["lifecyclestage"] = rng.choice(("lead", "opportunity", "customer"))
        touch(record, "lastmodifieddate", lag)
    business.contacts.touched(time.time() + lag)
    return [str(record.id) for record in oldest]


def delete_contacts(business: Business, rng: random.Random, count: int) -> list[str]:
    """Hard (GDPR) deletes: the contact vanishes with no tombstone; its deals lose the link."""
    live = [record for record in business.contacts.all() if not record.archived]
    chosen = rng.sample(live, min(count, len(live)))
    lag = business.config.search_lag_seconds
    for contact in chosen:
        for deal_id in contact.associations:
            deal = business.deals.get(deal_id)
            if deal is not None and contact.id in deal.associations:
                deal.associations.remove(contact.id)
                touch(deal, "hs_lastmodifieddate", lag)
        business.contacts.remove(contact.id)
    business.deals.touched(time.time() + lag)
    return [str(contact.id) for contact in chosen]
