"""A real sandbox warehouse, built and published, with one customer to forget (end to end)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
from recompute.pipeline import AS_OF

from connectors.aircall.config import AircallConfig
from connectors.erasure import ErasureConfig, normalise_phone
from connectors.hubspot.config import HubSpotConfig
from connectors.registry import Stream, config_streams, sync_stream

ERASURE_KEY = "erasure-test-key"
FIRST_PII_KEY = "first-pii-key"
ERASURE = ErasureConfig(ERASURE_KEY.encode(), "FR")
DBT_SCHEMAS = ("staging", "intermediate", "marts")


@dataclass(frozen=True, slots=True)
class Victim:
    """The customer to forget and every form their identifiers took in the sources."""

    contact_id: str
    email: str
    phone_strings: tuple[str, ...]  # as written in the CRM and at Aircall, plus E.164
    customer_key: str  # under FIRST_PII_KEY

    def needles(self) -> list[str]:
        return [self.email, *self.phone_strings, self.customer_key]


@contextmanager
def pipeline_environ(duckdb_path: Path) -> Iterator[None]:
    """Only the documented variables, pointing at this warehouse; restored afterwards."""
    saved = dict(os.environ)
    for name in ("LOOKER_PG_DSN", "LOOKER_GCS_BUCKET"):
        os.environ.pop(name, None)
    os.environ.update(
        DUCKDB_PATH=str(duckdb_path),
        EXPORT_DIR=str(duckdb_path.parent / "exports"),
        PII_HASH_KEY=FIRST_PII_KEY,
        ERASURE_KEY=ERASURE_KEY,
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def sandbox_streams(base_url: str) -> dict[str, Stream]:
    return config_streams(
        HubSpotConfig("sandbox-hubspot-token", base_url=base_url),
        AircallConfig(
            "sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url,
            start_date=AS_OF - timedelta(days=400),
        ),
    )  # fmt: skip


def sync_all(streams: dict[str, Stream], path: Path, run_id: str) -> None:
    for stream in streams.values():
        sync_stream(stream, path, run_id, erasure=ERASURE)


def customer_key(contact_id: str, key: str) -> str:
    return hmac.new(key.encode(), contact_id.encode(), hashlib.sha256).hexdigest()


def pick_victim(path: Path) -> Victim:
    """A published customer with an e-mail, a phone that rang in, and a deal."""
    with duckdb.connect(str(path), read_only=True) as con:
        contacts = con.execute(
            "select id, record->>'$.properties.email', record->>'$.properties.phone', "
            "record->>'$.properties.mobilephone' from raw_hubspot.contacts "
            "where record->>'$.properties.email' is not null"
        ).fetchall()
        calls = con.execute("select distinct record->>'$.raw_digits' from raw_aircall.calls")
        caller_strings = [raw for (raw,) in calls.fetchall() if raw]
        keys = con.execute("select customer_key from marts.kpi_customers").fetchall()
        customers = {key for (key,) in keys}
        deal_links = con.execute(
            "select distinct unnest(json_extract_string(record, "
            "'$.associations.contacts.results[*].id')) from raw_hubspot.deals"
        ).fetchall()
    linked = {contact for (contact,) in deal_links}
    by_number: dict[str, list[str]] = {}
    for raw in caller_strings:
        by_number.setdefault(normalise_phone(raw, "FR") or "", []).append(raw)
    for contact_id, email, phone, mobile in sorted(contacts):
        key = customer_key(contact_id, FIRST_PII_KEY)
        numbers = {normalise_phone(raw, "FR"): raw for raw in (phone, mobile) if raw}
        rang = [n for n in numbers if n and n in by_number]
        if key in customers and contact_id in linked and rang:
            strings = {*numbers.values(), *numbers, *(s for n in rang for s in by_number[n])}
            return Victim(contact_id, email, tuple(sorted(s for s in strings if s)), key)
    raise AssertionError("the sandbox has no customer with an e-mail, a call and a deal")


def traces_in_warehouse(path: Path, victim: Victim) -> dict[str, int]:
    """Rows of every raw and dbt table holding one of the victim's identifiers, by table."""
    found: dict[str, int] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw_%' or table_schema in (select unnest(?))",
            [list(DBT_SCHEMAS)],
        ).fetchall()
        for schema, table in tables:
            name = f'"{schema}"."{table}"'
            text = f"lower(cast({name} as varchar))"
            where = " or ".join(f"contains({text}, ?)" for _ in victim.needles())
            values = [needle.lower() for needle in victim.needles()]
            count = con.execute(f"select count(*) from {name} where {where}", values).fetchone()
            count_id = _rows_with_contact_id(con, schema, table, victim.contact_id)
            if count[0] + count_id:
                found[f"{schema}.{table}"] = count[0] + count_id
    return found


def _rows_with_contact_id(con: duckdb.DuckDBPyConnection, schema: str, table: str, cid: str) -> int:
    """Rows naming the contact id: the raw key, deal associations, dbt contact_id columns."""
    columns = {
        column
        for (column,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    name = f'"{schema}"."{table}"'
    if schema == "raw_hubspot" and table == "contacts":
        predicate, values = "id = ?", [cid]
    elif schema == "raw_hubspot" and table == "deals":
        ids = "json_extract_string(record, '$.associations.contacts.results[*].id')"
        predicate = f"list_contains({ids}, ?)"
        values = [cid]
    else:
        id_columns = sorted(c for c in columns if c.endswith("contact_id"))
        if not id_columns:
            return 0
        predicate = " or ".join(f"cast({c} as varchar) = ?" for c in id_columns)
        values = [cid] * len(id_columns)
    row = con.execute(f"select count(*) from {name} where {predicate}", values).fetchone()
    return int(row[0])


def landing_lines_with(landing: Path, victim: Victim) -> list[str]:
    """Landing files (and line numbers) whose record names the victim."""
    hits = []
    for path in sorted(landing.rglob("*.ndjson")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            item = json.loads(line)
            record = json.loads(item["record"])
            links = ((record.get("associations") or {}).get("contacts") or {}).get("results")
            named = item["id"] == victim.contact_id and "contacts" in path.parts
            linked = victim.contact_id in {str(link.get("id")) for link in links or []}
            text = item["record"].lower()
            if named or linked or any(needle.lower() in text for needle in victim.needles()):
                hits.append(f"{path}:{number}")
    return hits
