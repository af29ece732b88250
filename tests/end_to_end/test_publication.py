"""The published exports of a real run: no customer PII, byte-identical reruns, WAP on failure."""

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import phonenumbers
import pytest

from connectors.registry import SOURCES
from publishing import EXPORT_COLUMNS, find_pii

PSEUDONYMISED_COLUMNS = {"customer_key"}


def customer_pii(duckdb_path: Path) -> set[str]:
    """Every customer e-mail, full name and phone number the sources hold."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        contacts = con.execute(
            """
            select record->>'$.properties.email', record->>'$.properties.firstname',
                   record->>'$.properties.lastname', record->>'$.properties.phone',
                   record->>'$.properties.mobilephone'
            from raw_hubspot.contacts
            """
        ).fetchall()
        callers = con.execute(
            "select distinct record->>'$.raw_digits' from raw_aircall.calls"
        ).fetchall()
    needles: set[str] = set()
    for email, first, last, phone, mobile in contacts:
        needles |= {value for value in (email, phone, mobile) if value}
        if first and last:
            needles.add(f"{first} {last}")
    needles |= {digits for (digits,) in callers if digits and digits != "anonymous"}
    return needles


def published_rows(export_dir: Path) -> list[dict[str, str]]:
    """Every published CSV row, without the pseudonym columns (hex digits look like phones)."""
    rows = []
    for path in sorted((export_dir / "current").rglob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append({k: v for k, v in row.items() if k not in PSEUDONYMISED_COLUMNS})
    return rows


def published_on_purpose(duckdb_path: Path) -> set[str]:
    """Company data the exports carry by design: business lines and agents' names."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        values = con.execute(
            """
            select record->>'$.digits' from raw_aircall.numbers
            union all select record->>'$.name' from raw_aircall.users
            union all select concat_ws(' ', record->>'$.firstName', record->>'$.lastName')
            from raw_hubspot.owners
            """
        ).fetchall()
    return {value for (value,) in values if value}


def is_searchable(needle: str) -> bool:
    """A junk phone ("0000000000") is no PII, and its digits hide inside ordinary amounts."""
    digits = re.sub(r"\D", "", needle)
    if "@" in needle or len(digits) < 6:
        return True
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(needle, "FR"))
    except phonenumbers.NumberParseException:
        return False


def test_exports_hold_no_customer_phone_email_or_name(pipeline_run):
    # given: the sources' customer PII, less company data published on purpose
    pii = customer_pii(pipeline_run.duckdb_path) - published_on_purpose(pipeline_run.duckdb_path)
    needles = {needle for needle in pii if is_searchable(needle)}
    assert len(needles) > 1000, "the search must have real needles to be meaningful"
    # when
    hits = find_pii(published_rows(pipeline_run.export_dir), needles)
    # then
    assert hits == [], f"{len(hits)} PII hits, e.g. {hits[:5]}"


def test_every_export_has_the_contract_columns_in_order(pipeline_run):
    for table, columns in EXPORT_COLUMNS.items():
        path = pipeline_run.export_dir / "current" / f"{table}.csv"
        with path.open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == list(columns), table


def snapshot(export_dir: Path) -> dict[str, bytes]:
    current = export_dir / "current"
    return {
        str(path.relative_to(current)): path.read_bytes() for path in sorted(current.rglob("*.csv"))
    }


# Stamped with the run's own time by design (architecture.md: "now" is the run's time): the
# incremental bookkeeping, and the attribution horizon of deals still open.
RUN_TIME_COLUMNS = ("processed_at", "attribution_ends_at")


def marts_fingerprint(duckdb_path: Path) -> dict[str, str]:
    """A content hash of every table in the marts schema, less the run-time columns."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        columns = con.execute(
            "select table_name, list(column_name) from information_schema.columns "
            "where table_schema = 'marts' group by 1"
        ).fetchall()
        hashes = {}
        for table, names in columns:
            kept = ", ".join(f'"{name}"' for name in names if name not in RUN_TIME_COLUMNS)
            hashes[table] = con.execute(
                f"select md5(string_agg(row, chr(10) order by row)) from "
                f"(select cast(row({kept}) as varchar) as row from marts.{table})"
            ).fetchone()[0]
        return hashes


def test_rerun_on_unchanged_sources_publishes_byte_identical_files(pipeline_run):
    # given
    before = snapshot(pipeline_run.export_dir)
    marts_before = marts_fingerprint(pipeline_run.duckdb_path)
    # when: the whole pipeline runs again against the same, unchanged sandbox
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        env=pipeline_run.environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # then
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert "+0 inserted ~0 updated" in completed.stdout
    assert snapshot(pipeline_run.export_dir) == before
    assert marts_fingerprint(pipeline_run.duckdb_path) == marts_before


@pytest.mark.heavy  # end-to-end variant of tests/publishing/test_failed_build.py (CI)
def test_a_failing_dbt_test_blocks_publication_and_keeps_the_previous_one(
    pipeline_run, tmp_path, monkeypatch
):
    # given: a copy of the warehouse, already published once, plus a deal in a currency with
    # no rate, which fails the singular test assert_deal_currencies_have_a_rate
    duckdb_path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.duckdb_path, duckdb_path)
    export_dir = tmp_path / "exports"
    shutil.copytree(pipeline_run.export_dir, export_dir, symlinks=True)
    before = snapshot(export_dir)
    with duckdb.connect(str(duckdb_path)) as con:
        con.execute(
            """
            insert into raw_hubspot.deals
                (id, record, modified_at, is_archived, _loaded_at, _run_id, _deleted_at)
            select 'bad-' || id,
                   json_merge_patch(record, '{"id": "bad-1", "properties": {
                       "amount_in_home_currency": null, "deal_currency_code": "XAU",
                       "hs_object_id": "bad-1"}}'),
                   modified_at, is_archived, _loaded_at, _run_id, _deleted_at
            from raw_hubspot.deals where not is_archived limit 1
            """
        )
    for name, value in pipeline_run.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DUCKDB_PATH", str(duckdb_path))
    monkeypatch.setenv("EXPORT_DIR", str(export_dir))
    from orchestration.definitions import defs

    # when: dbt and the publication run (ingest is not needed to show the gate)
    job = dbt_and_publication_job(defs)
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    # then: dbt's step failed (its test), and the publication never ran
    assert not result.success
    failed_steps = [
        event.step_key
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    assert failed_steps == ["kpi_dbt_assets"]
    published = [
        event
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        and event.materialization.asset_key.path[0] == "looker_studio"
    ]
    assert published == []
    assert snapshot(export_dir) == before


@pytest.mark.heavy  # end-to-end variant of tests/dbt/test_dbt_schema_drift.py's rename case
def test_renamed_deal_amount_blocks_publication_naming_amount(pipeline_run, tmp_path, monkeypatch):
    # given: a published warehouse whose HubSpot deals now say `amount_eur` instead of `amount`
    # (issue 7: this once passed every test and published revenue 0.00)
    duckdb_path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.duckdb_path, duckdb_path)
    export_dir = tmp_path / "exports"
    shutil.copytree(pipeline_run.export_dir, export_dir, symlinks=True)
    before = snapshot(export_dir)
    manifest_before = (export_dir / "current" / "manifest.json").read_bytes()
    with duckdb.connect(str(duckdb_path)) as con:
        con.execute(
            """
            update raw_hubspot.deals set record = json_merge_patch(record, json_object(
                'properties', json_object('amount', null,
                                          'amount_eur', record -> '$.properties.amount')))
            """
        )
    for name, value in pipeline_run.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DUCKDB_PATH", str(duckdb_path))
    monkeypatch.setenv("EXPORT_DIR", str(export_dir))
    from orchestration.definitions import defs

    # when: dbt and the publication run
    job = dbt_and_publication_job(defs)
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    # then: the failed check names `amount`, nothing was published, the exports are untouched
    failed_checks = [
        event.event_specific_data.check_name
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and not event.event_specific_data.passed
    ]
    assert failed_checks == ["not_all_null_stg_hubspot__deals_amount"]
    assert not result.success
    published = [
        event
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        and event.materialization.asset_key.path[0] == "looker_studio"
    ]
    assert published == []
    assert snapshot(export_dir) == before
    assert (export_dir / "current" / "manifest.json").read_bytes() == manifest_before


def dbt_and_publication_job(defs: dg.Definitions) -> dg.JobDefinition:
    """The nightly job without its ingest assets: dbt and the publication on the raw at hand."""
    raw_schemas = {source.schema_name for source in SOURCES}
    return defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={
            key
            for key in defs.resolve_asset_graph().get_all_asset_keys()
            if key.path[0] not in raw_schemas
        }
    )
