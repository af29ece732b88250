"""Changes to the Pipedrive rendering between runs: edits, deletes, archives (seeded)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sandbox.apis.pipedrive_records import Item, PipedriveCrm, rfc3339


def _touch(item: Item, at_ms: int, **fields: object) -> None:
    item.body.update(fields, update_time=rfc3339(at_ms))
    item.updated_ms = at_ms


def _pick(rng: random.Random, items: list[Item], count: int) -> list[Item]:
    return rng.sample(items, min(count, len(items)))


def _live_deals(crm: PipedriveCrm) -> list[Item]:
    return [i for i in crm.deals.values() if not i.deleted and not i.body["is_archived"]]


def edit_deals(crm: PipedriveCrm, rng: random.Random, count: int, at_ms: int) -> list[int]:
    """Any live deals: a new value (the update time moves, and may equal other edits')."""
    changed = _pick(rng, _live_deals(crm), count)
    for item in changed:
        _touch(item, at_ms, value=float(item.body["value"]) + 10)
    return [item.id for item in changed]


def delete_deals(crm: PipedriveCrm, rng: random.Random, count: int, at_ms: int) -> list[int]:
    """Live deals deleted now: ``status=deleted`` lists them for the deleted-days window."""
    changed = _pick(rng, _live_deals(crm), count)
    for item in changed:
        _touch(item, at_ms, is_deleted=True, status="deleted")
        item.deleted_ms = at_ms
    return [item.id for item in changed]


def archive_deals(crm: PipedriveCrm, rng: random.Random, count: int, at_ms: int) -> list[int]:
    """Closed deals archived now: they leave the deals list for ``/deals/archived``."""
    closed = [i for i in _live_deals(crm) if i.body["status"] in ("won", "lost")]
    changed = _pick(rng, closed, count)
    for item in changed:
        _touch(item, at_ms, is_archived=True, archive_time=rfc3339(at_ms))
    return [item.id for item in changed]


def edit_persons(crm: PipedriveCrm, rng: random.Random, count: int, at_ms: int) -> list[int]:
    """Persons whose name a rep corrected."""
    changed = _pick(rng, [i for i in crm.persons.values() if not i.deleted], count)
    for item in changed:
        _touch(item, at_ms, name=item.body["name"].strip() + " ")
    return [item.id for item in changed]


ACTIONS: dict[str, Callable[[PipedriveCrm, random.Random, int, int], list[int]]] = {
    "edit_deals": edit_deals,
    "delete_deals": delete_deals,
    "archive_deals": archive_deals,
    "edit_persons": edit_persons,
}


def mutate_pipedrive(
    crm: PipedriveCrm, at: int | None = None, **counts: int
) -> dict[str, list[int]]:
    """Apply counted changes; returns the changed ids per key (seeded, so repeatable).

    Args:
        crm: the business's Pipedrive rendering.
        at: epoch seconds stamped as every change's ``update_time`` (default: now), so tests
            can make many records share one second.
        counts: ``edit_deals``, ``delete_deals``, ``archive_deals``, ``edit_persons``.
    """
    unknown = set(counts) - set(ACTIONS)
    if unknown:
        raise ValueError(f"unknown Pipedrive mutation keys: {sorted(unknown)}")
    at_ms = int(time.time() if at is None else at) * 1000
    with crm.lock:
        crm.mutation_count += 1
        rng = random.Random(f"{crm.seed}:pipedrive:mutation:{crm.mutation_count}")
        return {key: ACTIONS[key](crm, rng, int(n), at_ms) for key, n in counts.items() if n > 0}
