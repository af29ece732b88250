"""Lead first touch and deal agent credit, written from the kpis.md attribution rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from .agents import UNASSIGNED
from .channels import Channel, crm_channel, normalise_phone
from .interactions import Interaction
from .raw import Contact
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Lead:
    contact: Contact
    interactions: tuple[Interaction, ...]  # every interaction with any of its numbers, in order
    first_touch: Interaction | None  # earliest interaction at or before created_at + grace
    channel: Channel
    first_handled: Interaction | None  # no time bound: "its first handled interaction"

    @property
    def first_touch_agent(self) -> str:
        return self.first_handled.agent_id if self.first_handled else UNASSIGNED


def build_lead(
    contact: Contact, by_number: dict[str, list[Interaction]], settings: Settings
) -> Lead:
    numbers = {normalise_phone(p, settings.phone_region) for p in contact.phones} - {None}
    # Two numbers may reach the same interaction (never in practice, but dedupe by id to be safe).
    seen = {i.interaction_id: i for n in sorted(numbers) for i in by_number.get(n, [])}  # type: ignore[arg-type]
    interactions = tuple(sorted(seen.values(), key=lambda i: i.order_key))
    limit = contact.created_at + settings.grace
    # Inclusive grace (kpis.md: windows are ≤); anything earlier than creation counts too.
    first_touch = next((i for i in interactions if i.started_at <= limit), None)
    first_handled = next((i for i in interactions if i.is_handled), None)
    return Lead(
        contact, interactions, first_touch, touch_channel(first_touch, contact), first_handled
    )


def touch_channel(first_touch: Interaction | None, contact: Contact) -> Channel:
    """The first touch's channel (`outbound_call` / `outbound_message` if the company made
    it), else the CRM original source."""
    if first_touch is None:
        return crm_channel(contact.original_source)
    return first_touch.touch_channel


def build_leads(
    contacts: list[Contact], by_number: dict[str, list[Interaction]], settings: Settings
) -> dict[str, Lead]:
    return {c.id: build_lead(c, by_number, settings) for c in contacts}


@dataclass(frozen=True, slots=True)
class Credit:
    role: str
    agent_id: str
    share: Fraction  # exact, so the 1/N assist shares sum back to 1


def deal_credits(
    owner_agent: str,
    leads: list[Lead],
    primary: Lead | None,
    end: datetime,
) -> list[Credit]:
    """Owner, first-touch, last-touch and assist rows of one deal.

    Args:
        owner_agent: agent of the CRM deal owner (`unassigned` for an unowned deal).
        leads: the deal's associated contacts (existing, non-archived).
        primary: the earliest-created associated contact, None when there is none.
        end: close time of a closed deal, else the run's time.
    """
    credits = [Credit("owner", owner_agent, Fraction(1))]
    if primary is None:
        return credits
    handled = {i.interaction_id: i for lead in leads for i in lead.interactions if i.is_handled}
    ordered = sorted(handled.values(), key=lambda i: i.order_key)
    start = primary.first_handled
    if start is not None:
        credits.append(Credit("first_touch", start.agent_id, Fraction(1)))
    before_end = [i for i in ordered if i.started_at <= end]
    if before_end:
        credits.append(Credit("last_touch", before_end[-1].agent_id, Fraction(1)))
    if start is not None:
        window = {i.agent_id for i in before_end if i.started_at >= start.started_at}
        credits.extend(Credit("assist", a, Fraction(1, len(window))) for a in sorted(window))
    return credits


def primary_contact(leads: list[Lead]) -> Lead | None:
    """Earliest-created associated contact; ties broken by contact id."""
    if not leads:
        return None
    return min(leads, key=lambda lead: (lead.contact.created_at, _id_key(lead.contact.id)))


def _id_key(value: str) -> tuple[int, str]:
    return (int(value) if value.isdigit() else 0, value)
