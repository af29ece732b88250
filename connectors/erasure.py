"""GDPR erasure: the register of erased people and the scrubbers applied to their records.

The register (``raw_meta.erasures``) stores one keyed HMAC-SHA256 per identifier of an erased
person (contact id, e-mail, phone), never the identifier itself, so the register is not a list of
the very people who asked to be forgotten. The key is ``ERASURE_KEY``, separate from
``PII_HASH_KEY``: an HMAC cannot be re-keyed without the identifier in clear, so a register keyed
with the pseudonymisation key would be lost at every rotation of that key.

What "removed" means is each vendor's to say: a source plug-in lists an ``ErasureRule`` per
raw table holding customer data (``SourcePlugin.erasure``; docs/architecture.md, "GDPR
erasure"). A rule for the records that *are* people (CRM contacts) turns an erased one into a
tombstone under an opaque id, so the vendor's count still reconciles; rules for activity
(calls, deals, messages) drop the person's identifiers, or put the person's ``erased_token`` in
their place where activity is grouped per customer, and keep the company's record.
"""

import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import duckdb
import phonenumbers

ERASURES_TABLE = "raw_meta.erasures"
KINDS = ("contact_id", "email", "phone")
ANONYMOUS_NUMBER = "anonymous"
ERASED_PREFIX = "erased:"
# The digest's hex digits written as letters a-p. libphonenumber starts a number at the first
# digit anywhere in a string and reads further letters as keypad digits (vanity numbers), so
# 3 % of hex tokens parse as a valid FR number (8 % in FR, GB or US); with no digit, none can.
_HEX_AS_LETTERS = str.maketrans("0123456789", "ghijklmnop")
ERASED_TOKEN_LETTERS = 12
# Messaging sources write a WhatsApp customer's number with this prefix, and the models read the
# channel from it: a token stands in for the number only, behind the prefix as written.
WHATSAPP_PREFIX = "whatsapp:"
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


def split_whatsapp_prefix(address: object) -> tuple[str, str]:
    """(prefix as written, the rest): ``WhatsApp:+336…`` → (``WhatsApp:``, ``+336…``); a
    plain address has an empty prefix."""
    text = "" if address is None else str(address).strip()
    if text.casefold().startswith(WHATSAPP_PREFIX):
        return text[: len(WHATSAPP_PREFIX)], text[len(WHATSAPP_PREFIX) :]
    return "", text


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
        rule = erasure_rule(stream)
        return None if rule is None else functools.partial(rule.scrub, scrubber=self)

    def matches(self, rule: "ErasureRule", record: Record) -> bool:
        """True when one of the record's identifiers belongs to an erased person."""
        return any(self.is_erased(kind, value) for kind, value in rule.identifiers(record))

    def present_ids(self, stream: str, present: frozenset[str]) -> frozenset[str]:
        """The ids a full-key listing vouches for, as raw holds them: an erased person the vendor
        still lists is present under its tombstone id, so the tombstone is never marked deleted
        while the vendor keeps the person, and is once the vendor drops them."""
        rule = erasure_rule(stream)
        if rule is None or not rule.holds_people or not self.digests:
            return present
        return present | {self.tombstone_id(contact_id) for contact_id in present}

    def tombstone_id(self, contact_id: object) -> str:
        """The opaque id an erased person lands under."""
        # Negative: never a vendor id, and still numeric for models that order ids as numbers.
        return f"-{int(self._digest('contact_id', contact_id)[:15], 16)}"

    def erased_token(self, kind: str, value: object) -> str:
        """The opaque stand-in for an erased identifier kept in an activity record.

        The same identifier gives the same token in every record and run (a phone in any
        format), so models that group activity per customer still cut it the same way; it holds
        no digit, so it never parses as a phone number and matches no lead.
        """
        letters = self._digest(kind, value)[:ERASED_TOKEN_LETTERS].translate(_HEX_AS_LETTERS)
        return ERASED_PREFIX + letters

    def _digest(self, kind: str, value: object) -> str:
        assert self.config is not None
        return self.config.digest(kind, value) or "0"


class ErasureRule(Protocol):
    """What erasing a person means for one raw table of one vendor.

    Attributes:
        holds_people: the records are the people themselves (CRM contacts): an erased one becomes
            a tombstone, and its identifiers extend the subject of ``forget``.
    """

    holds_people: bool

    def identifiers(self, record: Record) -> Iterable[tuple[str, object]]:
        """(kind, value) pairs of the customer in the record; kinds are those of ``KINDS``."""
        ...

    def scrub(self, record: Record, scrubber: "Scrubber") -> Record:
        """The record without the erased person, or the very same object when untouched."""
        ...


def erasure_rule(stream: str) -> "ErasureRule | None":
    """The rule a source plug-in declares for a stream, None when it holds no customer data."""
    from connectors.registry import source_of_stream  # late: the registry imports the vendors

    try:
        source = source_of_stream(stream)
    except ValueError:
        return None
    return source.erasure.get(stream.split("/", 1)[1])


def erasure_streams() -> tuple[str, ...]:
    """Every registered stream with an erasure rule, people first (their ids find the rest)."""
    from connectors.registry import SOURCES

    pairs = [
        (source.schema_name, table, rule)
        for source in SOURCES
        for table, rule in source.erasure.items()
    ]
    pairs.sort(key=lambda item: not item[2].holds_people)
    return tuple(f"{schema}/{table}" for schema, table, _ in pairs)
