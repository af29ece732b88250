"""GDPR erasure: the register of erased people and the scrubbers applied to their records.

The register (``raw_meta.erasures``) stores one keyed HMAC-SHA256 per identifier of an erased
person (contact id, e-mail, phone), never the identifier itself, so the register is not a list of
the very people who asked to be forgotten. The key is ``ERASURE_KEY``, separate from
``PII_HASH_KEY``: an HMAC cannot be re-keyed without the identifier in clear, so a register keyed
with the pseudonymisation key would be lost at every rotation of that key.

What "removed" means per stream (docs/architecture.md, "GDPR erasure"):

- ``hubspot/contacts``: the record becomes a tombstone, an opaque negative id with only its
  creation date and archived flag, so the vendor's contact count still reconciles and the lead
  still counts as a lead, but nothing links it to the person (no id, e-mail, phone or name).
- ``aircall/calls``: the call stays (it is the company's activity) with the customer's number
  set to ``anonymous`` and the Aircall contact, recordings, voicemail and comments removed.
- ``hubspot/deals``: the association to the erased contact is dropped; the deal stays.
"""

import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import phonenumbers

ERASURES_TABLE = "raw_meta.erasures"
KINDS = ("contact_id", "email", "phone")
ANONYMOUS_NUMBER = "anonymous"
MIN_PHONE_DIGITS = 6
_KEY_ID_LABEL = b"kpi-pipeline erasure register key id"

Record = dict[str, Any]
Scrub = Callable[[Record], Record]


class ErasureKeyError(RuntimeError):
    """Raised when the register cannot be enforced: no ERASURE_KEY, or not the register's key."""


@dataclass(frozen=True, slots=True)
class ErasureConfig:
    """The register's key and how phone numbers are read.

    Attributes:
        key: the HMAC key (ERASURE_KEY, UTF-8); never stored.
        phone_region: region for numbers written without a country code (DEFAULT_PHONE_REGION).
    """

    key: bytes
    phone_region: str = "FR"

    @property
    def key_id(self) -> str:
        """A fingerprint of the key stored with each entry, to detect a changed ERASURE_KEY."""
        return hmac.new(self.key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def digest(self, kind: str, value: object) -> str | None:
        """The register entry for one identifier; None when the value identifies nobody."""
        normalised = normalise_identifier(kind, value, self.phone_region)
        if normalised is None:
            return None
        message = f"{kind}:{normalised}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()


def normalise_identifier(kind: str, value: object, region: str) -> str | None:
    """The canonical form the register hashes: e-mails case-folded, phones in E.164.

    Raises:
        ValueError: for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}: use one of {', '.join(KINDS)}")
    text = "" if value is None else str(value).strip()
    if not text or text.casefold() == ANONYMOUS_NUMBER:
        return None
    if kind == "email":
        return text.casefold()
    if kind == "phone":
        return normalise_phone(text, region)
    return text


@functools.lru_cache(maxsize=100_000)  # calls repeat numbers; parsing is the costly part
def normalise_phone(text: str, region: str) -> str | None:
    """E.164 when libphonenumber accepts the number, else its digits (None when too short)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def create_register(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``raw_meta.erasures`` if missing."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw_meta")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {ERASURES_TABLE} (digest VARCHAR PRIMARY KEY, "
        "kind VARCHAR NOT NULL, key_id VARCHAR NOT NULL, registered_at TIMESTAMPTZ NOT NULL)"
    )


def register(
    con: duckdb.DuckDBPyConnection, config: ErasureConfig, identifiers: Iterable[tuple[str, str]]
) -> int:
    """Add (kind, value) identifiers to the register; returns how many entries are new."""
    create_register(con)
    load_scrubber(con, config)  # refuses a key other than the register's
    digests = {(d, kind) for kind, value in identifiers if (d := config.digest(kind, value))}
    before = _register_size(con)
    for digest, kind in sorted(digests):
        con.execute(
            f"INSERT OR IGNORE INTO {ERASURES_TABLE} VALUES (?, ?, ?, now())",
            [digest, kind, config.key_id],
        )
    return _register_size(con) - before


def load_scrubber(
    con: duckdb.DuckDBPyConnection, config: ErasureConfig | None
) -> "Scrubber | None":
    """The scrubber of the register in this warehouse; None when nobody was ever erased.

    Raises:
        ErasureKeyError: the register has entries but no key was given, or another key.
    """
    create_register(con)
    rows = con.execute(f"SELECT digest, key_id FROM {ERASURES_TABLE}").fetchall()
    if not rows:
        return Scrubber(config, frozenset()) if config is not None else None
    if config is None:
        raise ErasureKeyError(
            f"the erasure register holds {len(rows)} entries but ERASURE_KEY is not set: "
            "set it to the key `kpi-pipeline forget` used, or erased people would come back"
        )
    if any(key_id != config.key_id for _, key_id in rows):
        raise ErasureKeyError(
            "ERASURE_KEY is not the key the erasure register was written with: "
            "restore the original ERASURE_KEY (it is never rotated with PII_HASH_KEY)"
        )
    return Scrubber(config, frozenset(digest for digest, _ in rows))


def _register_size(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"SELECT count(*) FROM {ERASURES_TABLE}").fetchone()
    return 0 if row is None else int(row[0])


class Scrubber:
    """Applies the register to vendor records; a record it leaves alone is returned as is."""

    def __init__(self, config: ErasureConfig | None, digests: frozenset[str]) -> None:
        self.config, self.digests = config, digests

    def __bool__(self) -> bool:
        return bool(self.digests)

    def is_erased(self, kind: str, value: object) -> bool:
        """True when this identifier belongs to an erased person."""
        return self.config is not None and self.config.digest(kind, value) in self.digests

    def for_stream(self, stream: str) -> Scrub | None:
        """The scrub function of a stream, None for streams holding no customer data."""
        if not self.digests:
            return None
        scrubs = {
            "hubspot/contacts": self.contact,
            "aircall/calls": self.call,
            "hubspot/deals": self.deal,
        }
        return scrubs.get(stream)

    def contact(self, record: Record) -> Record:
        """A tombstone for an erased contact (opaque id, creation date, archived flag)."""
        if not any(self.is_erased(kind, value) for kind, value in contact_identifiers(record)):
            return record
        return self._tombstone(record)

    def call(self, record: Record) -> Record:
        """The call without the customer's number, contact, recordings and comments."""
        if not any(self.is_erased(kind, value) for kind, value in call_identifiers(record)):
            return record
        scrubbed = {**record, "raw_digits": ANONYMOUS_NUMBER, "contact": None, "comments": []}
        scrubbed.update(voicemail=None, recording=None, asset=None, erased=True)
        return scrubbed

    def deal(self, record: Record) -> Record:
        """The deal without its associations to erased contacts."""
        contacts = ((record.get("associations") or {}).get("contacts") or {}).get("results")
        if not contacts:
            return record
        kept = [item for item in contacts if not self.is_erased("contact_id", item.get("id"))]
        if len(kept) == len(contacts):
            return record
        associations = {**record["associations"]}
        associations["contacts"] = {**associations["contacts"], "results": kept}
        return {**record, "associations": associations}

    def present_ids(self, stream: str, present: frozenset[str]) -> frozenset[str]:
        """The ids a full-key listing vouches for, as raw holds them: an erased contact the vendor
        still lists is present under its tombstone id, so the tombstone is never marked deleted
        while the vendor keeps the person, and is once the vendor drops them."""
        if stream != "hubspot/contacts" or not self.digests:
            return present
        return present | {self.tombstone_id(contact_id) for contact_id in present}

    def tombstone_id(self, contact_id: object) -> str:
        """The opaque id an erased contact lands under."""
        assert self.config is not None
        digest = self.config.digest("contact_id", contact_id) or "0"
        # Negative: never a vendor id, and still numeric for models that order ids as numbers.
        return f"-{int(digest[:15], 16)}"

    def _tombstone(self, record: Record) -> Record:
        properties = record.get("properties") or {}
        return {
            "id": self.tombstone_id(record.get("id")),
            "erased": True,
            "archived": bool(record.get("archived", False)),
            "createdAt": record.get("createdAt"),
            # Times are no PII, and the reconciliation compares modified times with the vendor's.
            "properties": {
                key: properties.get(key)
                for key in ("createdate", "lastmodifieddate")
                if key in properties
            },
        }


def contact_identifiers(record: Record) -> Iterator[tuple[str, object]]:
    """Every identifier of a HubSpot contact: its id, e-mail, phone and mobile phone."""
    properties = record.get("properties") or {}
    yield "contact_id", record.get("id")
    yield "email", properties.get("email")
    yield "phone", properties.get("phone")
    yield "phone", properties.get("mobilephone")


def call_identifiers(record: Record) -> Iterator[tuple[str, object]]:
    """The customer's identifiers on an Aircall call: its number and its Aircall contact."""
    yield "phone", record.get("raw_digits")
    contact = record.get("contact") or {}
    for kind, field in (("phone", "phone_numbers"), ("email", "emails")):
        for item in contact.get(field) or []:
            yield kind, item.get("value") if isinstance(item, dict) else item
