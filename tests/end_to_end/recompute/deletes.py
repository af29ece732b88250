"""Deleted and merged CRM contacts, recomputed from the kpis.md lead rule.

kpis.md: every contact is a lead "except deleted ones: a contact deleted in the CRM (HubSpot:
archived, or merged into another contact) stops being a lead ...; a merged-away contact's phones,
deals and interactions belong to the contact it was merged into". The survivor of a merge lists
the contacts it absorbed in `hs_merged_object_ids`; architecture.md settles the rest: chains end
at a contact nobody absorbed (the lowest id of several, or of a cycle), and a survivor deleted
in the CRM takes its absorbed contacts along.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from .raw import Contact, Deal


@dataclass(frozen=True, slots=True)
class RawContact:
    """A raw contact row with the fields the delete rule reads."""

    contact: Contact
    archived: bool  # HubSpot `archived` (the raw flag or the record's own)
    gone: bool  # `_deleted_at` set: the pipeline found the id missing at the vendor
    merged_ids: tuple[str, ...]  # `hs_merged_object_ids`: contacts merged into this one


def id_order(contact_id: str) -> tuple[int, str]:
    """Numeric ids in numeric order (the architecture.md tie rule on contact ids)."""
    return (int(contact_id) if contact_id.isdigit() else 0, contact_id)


def absorbers(rows: list[RawContact]) -> dict[str, set[str]]:
    """Contact id -> the contacts that list it as merged into them (never itself)."""
    result: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for absorbed in row.merged_ids:
            if absorbed != row.contact.id:
                result[absorbed].add(row.contact.id)
    return result


def final_survivor(contact_id: str, absorbed_by: dict[str, set[str]]) -> str:
    """Follow "merged into" links to the end: a contact nobody absorbed."""
    seen = {contact_id}
    frontier = [contact_id]
    while frontier:
        frontier = [s for c in frontier for s in absorbed_by.get(c, ()) if s not in seen]
        seen.update(frontier)
    ends = [c for c in seen if c not in absorbed_by]
    return min(ends or seen, key=id_order)


def survivors(rows: list[RawContact]) -> dict[str, str]:
    """Every known contact id (in raw, or only named in a merge list) -> its lead, if it has one.

    A contact maps to a lead when its final survivor is in raw and neither archived nor gone;
    other contacts (deleted, or merged into a deleted survivor) are absent from the result.
    """
    absorbed_by = absorbers(rows)
    by_id = {row.contact.id: row for row in rows}
    result = {}
    for contact_id in set(by_id) | set(absorbed_by):
        survivor = by_id.get(final_survivor(contact_id, absorbed_by))
        if survivor is not None and not survivor.archived and not survivor.gone:
            result[contact_id] = survivor.contact.id
    return result


def resolve(rows: list[RawContact], deals: list[Deal]) -> tuple[list[Contact], list[Deal]]:
    """The leads (with the phones of contacts merged into them) and deals re-pointed to them."""
    lead_of = survivors(rows)
    phones: dict[str, list[str]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: id_order(r.contact.id)):
        if row.contact.id in lead_of:
            phones[lead_of[row.contact.id]].extend(row.contact.phones)
    leads = [
        replace(row.contact, phones=tuple(phones[row.contact.id]))
        for row in rows
        if lead_of.get(row.contact.id) == row.contact.id
    ]
    repointed = [
        replace(
            deal,
            contact_ids=tuple(dict.fromkeys(lead_of[c] for c in deal.contact_ids if c in lead_of)),
        )
        for deal in deals
    ]
    return leads, repointed
