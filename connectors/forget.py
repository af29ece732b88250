"""forget(): register a person in the erasure register and scrub them from raw and landing.

The marts and the published exports are rebuilt from raw by orchestration afterwards
(``kpi-pipeline forget`` does both); this module touches only what connectors/ owns.
"""

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from connectors.erasure import (
    ErasureConfig,
    Record,
    Scrub,
    Scrubber,
    erasure_rule,
    erasure_streams,
    load_scrubber,
    register,
)
from connectors.landing import LANDING_FOLDER, record_text
from connectors.warehouse import create_raw_schema, raw_table


@dataclass(frozen=True, slots=True)
class Subject:
    """Who to forget: any mix of identifiers, all of one person (or of several)."""

    contact_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, value) pairs in register order."""
        return (
            [("contact_id", value) for value in self.contact_ids]
            + [("email", value) for value in self.emails]
            + [("phone", value) for value in self.phones]
        )


@dataclass(slots=True)
class ErasureReport:
    """What an erasure changed: register entries, rows per raw table, records per landing file."""

    registered: int = 0
    contacts_matched: int = 0
    raw_rows: dict[str, int] = field(default_factory=dict)
    landing_records: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as printed by ``kpi-pipeline forget`` (counts only, no identifier)."""
        out = [
            f"erasure register: {self.registered} new entries",
            f"contacts matched: {self.contacts_matched}",
        ]
        out += [f"  {table}: {count} rows scrubbed" for table, count in self.raw_rows.items()]
        total = sum(self.landing_records.values())
        out.append(f"landing files: {total} records scrubbed in {len(self.landing_records)} files")
        return out


def forget(duckdb_path: str | Path, config: ErasureConfig, subject: Subject) -> ErasureReport:
    """Erase a person from the raw tables and the landing files, and keep them out.

    The identifiers given are extended with every identifier of the contacts they match (an
    e-mail brings the contact's id and phones), so their calls and deals are found too.

    Args:
        duckdb_path: the warehouse file.
        config: the register's key (ERASURE_KEY) and the phone region.
        subject: the identifiers to forget.

    Returns:
        Counts of what was registered and scrubbed.

    Raises:
        ErasureKeyError: ERASURE_KEY is not the key of the existing register.
        ValueError: no identifier was given.
    """
    identifiers = subject.identifiers()
    if not identifiers:
        raise ValueError("nothing to forget: give --email, --phone or --contact-id")
    landing = Path(duckdb_path).parent / LANDING_FOLDER
    report = ErasureReport()
    with duckdb.connect(str(duckdb_path)) as con:
        create_raw_schema(con)
        probe = Scrubber(config, _digests(config, identifiers))
        matched = [
            (rule, record) for rule, record in _people(con, landing) if probe.matches(rule, record)
        ]
        report.contacts_matched = len({str(record.get("id")) for _, record in matched})
        extended = identifiers + [
            (kind, str(value))
            for rule, record in matched
            for kind, value in rule.identifiers(record)
            if value
        ]
        con.execute("BEGIN TRANSACTION")
        try:
            report.registered = register(con, config, extended)
            scrubber = load_scrubber(con, config)
            assert scrubber is not None
            report.raw_rows = {s: _scrub_raw(con, s, scrubber) for s in erasure_streams()}
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("CHECKPOINT")  # the removed versions leave the file's live blocks now
    report.landing_records = scrub_landing(landing, scrubber)
    return report


def _digests(config: ErasureConfig, identifiers: Iterable[tuple[str, str]]) -> frozenset[str]:
    return frozenset(d for kind, value in identifiers if (d := config.digest(kind, value)))


def _people(con: duckdb.DuckDBPyConnection, landing: Path) -> Iterator[tuple[object, Record]]:
    """Every record that is a person (CRM contacts), in raw and in the landing files, with its
    stream's erasure rule."""
    for stream in erasure_streams():
        rule = erasure_rule(stream)
        if rule is None or not rule.holds_people:
            continue
        for (record,) in con.execute(f"SELECT record FROM {raw_table(stream)}").fetchall():
            yield rule, json.loads(record)
        for path in sorted((landing / stream).glob("*/part-*.ndjson")):
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    if line.strip():
                        yield rule, json.loads(json.loads(line)["record"])


def _scrub_raw(con: duckdb.DuckDBPyConnection, stream: str, scrubber: Scrubber) -> int:
    """Replace every row the scrubber changes; a tombstone replaces its contact under a new id."""
    scrub = scrubber.for_stream(stream)
    table = raw_table(stream)
    if scrub is None:
        return 0
    changed = 0
    rows = con.execute(f"SELECT id, record FROM {table}").fetchall()
    for row_id, text in rows:
        record = json.loads(text)
        scrubbed = scrub(record)
        if scrubbed is record:
            continue
        new_id = str(scrubbed.get("id", row_id))
        serialised = record_text(scrubbed)
        if new_id != row_id:
            con.execute(
                f"INSERT OR REPLACE INTO {table} (id, record, modified_at, is_archived, "
                "_loaded_at, _run_id, _deleted_at) SELECT ?, CAST(? AS JSON), modified_at, "
                f"is_archived, now(), 'erasure', _deleted_at FROM {table} WHERE id = ?",
                [new_id, serialised, row_id],
            )
            con.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
        else:
            con.execute(
                f"UPDATE {table} SET record = CAST(? AS JSON), _loaded_at = now(), "
                "_run_id = 'erasure' WHERE id = ?",
                [serialised, row_id],
            )
        changed += 1
    return changed


def scrub_landing(landing: Path, scrubber: Scrubber) -> dict[str, int]:
    """Rewrite every landing file holding an erased person; returns records changed per file."""
    changed: dict[str, int] = {}
    for path in sorted(landing.glob("*/*/*/part-*.ndjson")):
        stream = "/".join(path.relative_to(landing).parts[:2])
        scrub = scrubber.for_stream(stream)
        if scrub is not None and (count := _rewrite(path, scrub)):
            changed[str(path)] = count
    return changed


def _rewrite(path: Path, scrub: Scrub) -> int:
    """Scrub one NDJSON file in place (through a temporary file, so a crash leaves it whole)."""
    lines, count = [], 0
    with path.open(encoding="utf-8") as source:
        for line in source:
            if not line.strip():
                continue
            item = json.loads(line)
            record = json.loads(item["record"])
            scrubbed = scrub(record)
            if scrubbed is not record:
                count += 1
                item["id"] = str(scrubbed.get("id", item["id"]))
                item["record"] = record_text(scrubbed)
            lines.append(json.dumps(item, ensure_ascii=False))
    if count:
        temporary = path.with_suffix(".ndjson.tmp")
        temporary.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        os.replace(temporary, path)
    return count
