"""Phone numbers: the company's Aircall lines and customers' free-text numbers."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from itertools import accumulate

import phonenumbers

INTERNATIONAL = phonenumbers.PhoneNumberFormat.INTERNATIONAL


@dataclass(frozen=True, slots=True)
class BusinessLine:
    """One Aircall number; `kind` is the libphonenumber-derived channel the KPIs expect."""

    number_id: int
    name: str
    e164: str
    kind: str  # toll_free | geographic | national | mobile
    team_key: str
    is_ivr: bool
    opens_at: int  # seconds after local midnight, Monday to Friday
    closes_at: int
    saturday: bool

    @property
    def digits(self) -> str:
        return pretty(self.e164)


# (name, E.164, kind, team, ivr, opens h, closes h, open on Saturday). Campaign lines carry the
# campaign's name because companies buy one number per campaign and report on it.
LINE_SPECS: tuple[tuple[str, str, str, str, bool, int, int, bool], ...] = (
    ("Numéro vert", "+33800912345", "toll_free", "sales", True, 8, 19, True),
    ("Campagne radio printemps", "+33805200300", "toll_free", "sales", False, 8, 20, False),
    ("Campagne salon pro", "+33805610420", "toll_free", "sales", False, 9, 18, False),
    ("Standard Paris", "+33187654321", "geographic", "support", True, 9, 18, False),
    ("Agence Lyon", "+33472102030", "geographic", "sales", False, 9, 18, False),
    ("Support clients", "+33142685300", "geographic", "support", True, 8, 19, True),
    ("Ligne nationale", "+33970123456", "national", "sales", True, 9, 18, False),
    ("Service après-vente", "+33980556677", "national", "support", True, 8, 20, True),
    ("Mobile commercial", "+33644556677", "mobile", "sales", False, 8, 20, True),
    ("Mobile terrain", "+33756781234", "mobile", "sales", False, 9, 19, False),
)


def business_lines() -> tuple[BusinessLine, ...]:
    """Return the company's Aircall numbers, every libphonenumber type the KPIs map."""
    return tuple(
        BusinessLine(397375 + 11 * i, name, e164, kind, team, ivr, opens * 3600, closes * 3600, sat)
        for i, (name, e164, kind, team, ivr, opens, closes, sat) in enumerate(LINE_SPECS)
    )


@functools.lru_cache(maxsize=4096)
def _pretty_foreign(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164), INTERNATIONAL)


def pretty(e164: str) -> str:
    """Aircall's pretty-printed international form: `+33 1 87 65 43 21`, `+33 800 91 23 45`."""
    # Same output as libphonenumber's INTERNATIONAL format for French numbers, ~100x faster:
    # generating a year of calls formats hundreds of thousands of them.
    if e164.startswith("+33") and len(e164) == 12:
        rest = e164[3:]
        if rest[0] == "8":
            return f"+33 {rest[:3]} {rest[3:5]} {rest[5:7]} {rest[7:]}"
        return f"+33 {rest[0]} " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    return _pretty_foreign(e164)


def french_mobile(rng: random.Random, pool: str) -> str:
    """A valid French mobile number; `pool` keeps lead and customer numbers apart."""
    # Leads draw from 060-064/074-075 and existing customers from 065-068/076-078: a lead's
    # first touch must not be an unrelated support call unless a test wants it to be.
    prefixes = (
        ("60", "61", "62", "64", "74", "75")
        if pool == "lead"
        else ("65", "66", "67", "68", "76", "77", "78")
    )
    return f"+33{rng.choice(prefixes)}{rng.randint(0, 9_999_999):07d}"


def french_landline(rng: random.Random, pool: str) -> str:
    """A valid French geographic number (01, 03, 04, 05)."""
    firsts = "1234" if pool == "lead" else "5678"
    return f"+33{rng.choice('1345')}{rng.choice(firsts)}{rng.randint(0, 9_999_999):07d}"


FOREIGN_NUMBERS = ("+32470{:06d}", "+41791{:06d}", "+447400{:06d}", "+4915112{:06d}")


def foreign_mobile(rng: random.Random) -> str:
    """A valid Belgian, Swiss, British or German mobile number."""
    return rng.choice(FOREIGN_NUMBERS).format(rng.randint(0, 999_999))


# How often reps type `06 12 ...`, `+33 6 ...`, `0033...`, `+336...`, `(0)6.12...`,
# `06...`, `06.12...` and `+33 (0)6 ...`.
STYLE_CUM_WEIGHTS = tuple(accumulate((30, 20, 6, 14, 4, 14, 8, 4)))


def free_text(e164: str, rng: random.Random) -> str:
    """Write a number the way sales reps type it into a CRM (free text, mixed styles)."""
    if not e164.startswith("+33"):
        return rng.choice((e164, pretty(e164), "00" + e164[1:]))
    style = rng.choices(range(8), cum_weights=STYLE_CUM_WEIGHTS)[0]
    national = "0" + e164[3:]
    pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    if style == 0:
        return pairs
    if style == 1:
        return pretty(e164)
    if style in (2, 3, 5):
        return {2: "0033" + e164[3:], 3: e164, 5: national}[style]
    if style == 4:
        return "(0)" + ".".join(national[i : i + 2] for i in range(1, 10, 2))
    if style == 6:
        return pairs.replace(" ", ".")
    return "+33 (0)" + e164[3] + " " + " ".join(e164[i : i + 2] for i in range(4, 12, 2))


INVALID_PHONES = ("06 12 34", "n/a", "0000000000", "+33 1 23", "voir email", "06123456789")


def invalid_phone(rng: random.Random) -> str:
    """Something a human typed into the phone field that is not a number."""
    return rng.choice(INVALID_PHONES)
