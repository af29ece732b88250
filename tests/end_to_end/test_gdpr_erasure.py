"""GDPR erasure and key rotation over a real sandbox warehouse: sync, dbt, publish, forget.

Reliability faults 23 (erasure reaches raw, marts and exports, and stays) and 36 (pseudonyms
cannot be reversed without the key; rotating the key follows the documented procedure).
The tests of this module run in order on one warehouse.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from erasure_world import (
    FIRST_PII_KEY,
    Victim,
    customer_key,
    landing_lines_with,
    pick_victim,
    pipeline_environ,
    sandbox_streams,
    sync_all,
    traces_in_warehouse,
)
from recompute.pipeline import AS_OF, SCALE, SEED

from connectors.erasure import normalise_phone
from connectors.forget import Subject
from connectors.registry import Stream, reconcile
from orchestration.erasure import ForgetOutcome, forget_everywhere, rebuild_marts
from orchestration.resources import PublishResource
from publishing import find_pii
from sandbox import SandboxConfig, start_sandbox

pytestmark = pytest.mark.slow
SECOND_PII_KEY = "second-pii-key"


@dataclass(frozen=True, slots=True)
class World:
    path: Path
    streams: dict[str, Stream]
    victim: Victim
    forgotten: ForgetOutcome

    @property
    def exports(self) -> Path:
        return self.path.parent / "exports"

    @property
    def landing(self) -> Path:
        return self.path.parent / "landing"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Sync the sandbox, build, publish; then forget one customer by e-mail only."""
    path = tmp_path_factory.mktemp("erasure") / "warehouse.duckdb"
    with (
        start_sandbox(SandboxConfig(seed=SEED, scale=SCALE, as_of=AS_OF)) as sandbox,
        pipeline_environ(path),
    ):
        streams = sandbox_streams(sandbox.base_url)
        sync_all(streams, path, "first-sync")
        assert rebuild_marts(path) == ""
        PublishResource().publish(path, log=lambda line: None)
        victim = pick_victim(path)
        # the person is really there before: the checks below can fail
        assert traces_in_warehouse(path, victim)
        assert landing_lines_with(path.parent / "landing", victim)
        assert find_pii([path.parent / "exports"], [victim.customer_key])
        outcome = forget_everywhere(Subject(emails=(victim.email,)), log=lambda line: None)
        yield World(path, streams, victim, outcome)


def test_forget_reports_what_it_removed_per_table_and_republishes(world: World) -> None:
    report = world.forgotten.erasure
    assert world.forgotten.problem == "" and world.forgotten.rebuilt
    assert report.contacts_matched == 1
    # the e-mail brought the contact id and the phones: its calls and deals were found too
    assert report.registered >= 3
    assert report.raw_rows["hubspot/contacts"] == 1
    assert report.raw_rows["aircall/calls"] >= 1 and report.raw_rows["hubspot/deals"] >= 1
    assert sum(report.landing_records.values()) >= 3
    assert len(world.forgotten.publications) == 2
    printed = "\n".join(world.forgotten.lines())
    assert world.victim.email not in printed and world.victim.contact_id not in printed


def test_forget_leaves_no_trace_in_landing_raw_or_any_dbt_schema(world: World) -> None:
    assert landing_lines_with(world.landing, world.victim) == []
    assert traces_in_warehouse(world.path, world.victim) == {}


def test_forget_leaves_no_trace_in_the_current_or_the_rollback_publication(world: World) -> None:
    # customer_key as text anywhere; e-mail and phones in every non-pseudonym cell
    assert find_pii([world.exports], [world.victim.customer_key]) == []
    cells = [_cells_without_pseudonyms(path) for path in sorted(world.exports.rglob("*.csv"))]
    assert find_pii([row for table in cells for row in table], world.victim.needles()) == []
    assert {p.name for p in world.exports.iterdir()} >= {"current", "previous"}


def test_erasure_keeps_counts_whole_so_reconciliation_still_passes(world: World) -> None:
    for name in ("hubspot/contacts", "hubspot/deals", "aircall/calls"):
        result = reconcile(world.streams[name], world.path)
        assert result.matches, f"{name}: {result}"


def test_a_second_sync_of_the_sandbox_keeps_the_forgotten_person_out(world: World) -> None:
    # given the sandbox still serves the contact and its calls; when everything is re-read
    with pipeline_environ(world.path):
        for stream in world.streams.values():
            stream_state_reset(world.path, stream.name)
        sync_all(world.streams, world.path, "second-sync")
    # then
    assert list(world.landing.glob("*/*/second-sync/*.ndjson"))
    assert landing_lines_with(world.landing, world.victim) == []
    assert traces_in_warehouse(world.path, world.victim) == {}
    assert reconcile(world.streams["hubspot/contacts"], world.path).matches


def test_pseudonyms_cannot_be_reversed_without_the_key(world: World) -> None:
    # given every customer_key published, and an attacker who knows every contact id range,
    # every e-mail and phone of the sources but not PII_HASH_KEY
    published = _published_customer_keys(world.exports)
    ids, emails, phones = _source_identifiers(world.path)
    dictionary = [str(n) for n in range(0, 2 * max(int(i) for i in ids) + 1000)]
    dictionary += [*emails, *(e.upper() for e in emails), *phones]
    guesses = [b"", b"secret", b"key", b"PII_HASH_KEY", b"sandbox-only-key-not-for-real-data"]
    # when hashing the dictionary plainly and with guessed keys
    candidates = set()
    for word in dictionary:
        data = word.encode()
        candidates |= {hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest()}
        candidates |= {hmac.new(guess, data, hashlib.sha256).hexdigest() for guess in guesses}
    # then nothing matches; with the key, every pseudonym is recovered (the attack is real)
    assert published and published.isdisjoint(candidates)
    with_key = {customer_key(i, FIRST_PII_KEY) for i in ids}
    assert published <= with_key


@pytest.mark.heavy  # a second full rebuild; the rotation procedure's pieces are unit-tested
def test_rotating_pii_hash_key_changes_every_customer_key_and_keeps_erasures(
    world: World,
) -> None:
    # given the customer keys under the first key
    before = _customer_keys_by_contact(world.path)
    # when the documented rotation runs: new key, full rebuild, republish, then a later sync
    with pipeline_environ(world.path):
        os.environ["PII_HASH_KEY"] = SECOND_PII_KEY
        assert rebuild_marts(world.path) == ""
        PublishResource().publish(world.path, log=lambda line: None)
        sync_all(world.streams, world.path, "after-rotation")
    after = _customer_keys_by_contact(world.path)
    # then the same contacts, every key new, and the keys are HMACs under the new key
    assert after.keys() == before.keys() and before
    assert all(after[c] != before[c] for c in before)
    assert all(after[c] == customer_key(c, SECOND_PII_KEY) for c in after)
    # and joins agree: every published customer_key is a dim_customers key
    with duckdb.connect(str(world.path), read_only=True) as con:
        orphans = con.execute(
            "select count(*) from marts.kpi_customers where customer_key not in "
            "(select customer_key from marts.dim_customers)"
        ).fetchone()
    assert orphans == (0,)
    assert set(after.values()) >= _published_customer_keys(world.exports / "current")
    # and the erasure register still holds: the person is absent everywhere
    assert traces_in_warehouse(world.path, world.victim) == {}
    assert customer_key(world.victim.contact_id, SECOND_PII_KEY) not in set(after.values())


def stream_state_reset(path: Path, stream: str) -> None:
    """Forget the cursor, so the next sync re-reads the stream in full from the vendor."""
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM raw_meta.stream_state WHERE stream = ?", [stream])


def _cells_without_pseudonyms(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [
            {k: v for k, v in row.items() if not k.endswith("_key")}
            for row in csv.DictReader(handle)
        ]


def _published_customer_keys(folder: Path) -> set[str]:
    keys = set()
    for path in folder.rglob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            keys |= {row["customer_key"] for row in csv.DictReader(handle) if "customer_key" in row}
    return keys


def _source_identifiers(path: Path) -> tuple[list[str], list[str], list[str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select id, record->>'$.properties.email', record->>'$.properties.phone', "
            "record->>'$.properties.mobilephone' from raw_hubspot.contacts where id not like '-%'"
        ).fetchall()
        callers = con.execute("select distinct record->>'$.raw_digits' from raw_aircall.calls")
        caller_numbers = [raw for (raw,) in callers.fetchall() if raw]
    ids = [row[0] for row in rows]
    emails = [row[1] for row in rows if row[1]]
    raws = [raw for row in rows for raw in row[2:] if raw] + caller_numbers
    phones = raws + [e164 for raw in raws if (e164 := normalise_phone(raw, "FR"))]
    return ids, emails, phones


def _customer_keys_by_contact(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select contact_id, customer_key from intermediate.int_customer_keys_hashed"
        ).fetchall()
    return dict(rows)


def test_the_register_stores_only_keyed_digests(world: World) -> None:
    with duckdb.connect(str(world.path), read_only=True) as con:
        columns = con.execute("select * from raw_meta.erasures limit 0").description
        rows = con.execute("select digest, kind, key_id from raw_meta.erasures").fetchall()
    assert [column[0] for column in columns] == ["digest", "kind", "key_id", "registered_at"]
    assert rows and all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest, _, _ in rows)
    assert {kind for _, kind, _ in rows} == {"contact_id", "email", "phone"}
    text = json.dumps(rows).lower()
    assert world.victim.email.lower() not in text
    assert not any(phone.lower() in text for phone in world.victim.phone_strings)
