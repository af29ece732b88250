"""Leads (future HubSpot contacts): identity, free-text phones, original source."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from sandbox.world.names import company, email, person
from sandbox.world.phones import (
    foreign_mobile,
    free_text,
    french_landline,
    french_mobile,
    invalid_phone,
)

WEB_SOURCES = (
    ("ORGANIC_SEARCH", "google", None),
    ("PAID_SEARCH", "google", "pompe a chaleur"),
    ("SOCIAL_MEDIA", "Facebook", None),
    ("PAID_SOCIAL", "Instagram", "printemps-renov"),
    ("REFERRALS", "quelleenergie.fr", None),
    ("EMAIL_MARKETING", "newsletter-mars", None),
    ("DIRECT_TRAFFIC", None, None),
    ("OTHER_CAMPAIGNS", "salon-habitat", None),
)
WEB_WEIGHTS = (30, 24, 9, 9, 10, 6, 10, 2)
CUM_WEB_WEIGHTS = tuple(accumulate(WEB_WEIGHTS))


@dataclass(slots=True)
class Lead:
    """A person who became (or will become) a HubSpot contact."""

    key: int
    first_name: str
    last_name: str
    email: str | None
    company: str | None
    numbers: tuple[str, ...]  # E.164 numbers the person really calls from / answers on
    phone: str | None  # free text as typed in the CRM
    mobilephone: str | None
    typed: tuple[str, ...]  # the numbers the CRM phone fields really resolve to
    created_ms: int = 0
    modified_ms: int = 0
    source: tuple[str, str | None, str | None] = ("OFFLINE", "CRM_UI", None)
    owner: int = -1
    lifecycle: str = "lead"
    channel: str = "unknown"  # what the KPI should find; kept for story checks, not served


def new_lead(rng: random.Random, key: int) -> Lead:
    """Draw a person with one or two numbers and the CRM phone fields a rep would type."""
    first, last = person(rng)
    firm = company(rng, last) if rng.random() < 0.3 else None
    if rng.random() < 0.05:
        numbers: tuple[str, ...] = (foreign_mobile(rng),)
    elif rng.random() < 0.15:
        numbers = (french_mobile(rng, "lead"), french_landline(rng, "lead"))
    else:
        numbers = (
            french_mobile(rng, "lead") if rng.random() < 0.8 else french_landline(rng, "lead"),
        )
    phone, mobile, typed = _phone_fields(rng, numbers)
    address = email(rng, first, last, firm) if rng.random() < 0.93 else None
    return Lead(key, first, last, address, firm, numbers, phone, mobile, typed)


def _phone_fields(
    rng: random.Random, numbers: tuple[str, ...]
) -> tuple[str | None, str | None, tuple[str, ...]]:
    roll = rng.random()
    if roll < 0.04:
        return invalid_phone(rng), None, ()
    if roll < 0.08:
        return None, None, ()  # the rep never typed a number: calls cannot be matched
    if len(numbers) == 2:
        return free_text(numbers[1], rng), free_text(numbers[0], rng), numbers
    text = free_text(numbers[0], rng)
    return ((text, None) if rng.random() < 0.6 else (None, text)) + (numbers[:1],)


def web_source(rng: random.Random) -> tuple[str, str | None, str | None]:
    """HubSpot's original source of a lead that arrived through the website."""
    return rng.choices(WEB_SOURCES, cum_weights=CUM_WEB_WEIGHTS)[0]


def call_source(rng: random.Random) -> tuple[str, str | None, str | None]:
    """Original source of a contact a rep created after a call (mostly OFFLINE/CRM_UI)."""
    if rng.random() < 0.8:
        return ("OFFLINE", "CRM_UI", None)
    if rng.random() < 0.5:
        return ("OFFLINE", "INTEGRATION", "Aircall")
    return web_source(rng)  # they had visited the site before calling
