"""One world, two CRMs: HubSpot + Aircall and Pipedrive + Aircall publish the same nine exports.

The pinned sandbox world is written into raw once (both renderings, sandbox/raw_writer.py), then
split into two warehouses: one keeps HubSpot's raw tables (Pipedrive's emptied), the other
Pipedrive's (HubSpot's emptied); Aircall is the same in both. Each goes through dbt and the CSV
publish, and every export must be identical once `customer_key` (an HMAC of the CRM's contact id,
which kpis.md makes differ per CRM) is dropped and rows are sorted.

The world is restricted, in the raw tables of both renderings, to what both CRMs can express
(kpis.md "Per-CRM readings"):
- one contact per deal: HubSpot deals keep only the association Pipedrive's `person_id` names;
- owners carry no team (Pipedrive users have none), so the telephony team applies in both;
- amounts in the reporting currency: each deal's EUR amount (HubSpot's home-currency amount,
  else amount x the rates seed) is written as HubSpot amount + home amount and Pipedrive value;
- targets from the sales_targets seed in both: HubSpot's goal targets are emptied;
- every deal and contact has an owner (Pipedrive has no owner-less deal or person: the sandbox
  puts those on the account's admin); HubSpot deals and contacts take the owner the Pipedrive
  rendering names (kpi_customers.owner_agent_id reads the contact's);
- original sources both can carry: Pipedrive's is the `origin` of the person's earliest live
  deal, so each HubSpot contact carries that same value (none for a contact without deals);
- Pipedrive-only archiving (a tidy-up archiving old closed deals, which kpis.md counts as
  deleted) is undone: HubSpot has no such state for a deal it keeps live.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from exports_world import AS_OF, PII_HASH_KEY, REPO, RUN_AT

pytestmark = pytest.mark.slow
SEED = 42
SCALE = 0.1
CONTACT_ID_BASE = 100_151  # sandbox/world/records.py: HubSpot ids of the creation-ordered leads
DEAL_ID_BASE = 18_023_455_871
HUBSPOT_TABLES = ("deals", "contacts", "owners", "deal_pipelines", "goal_targets")
PIPEDRIVE_TABLES = ("deals", "persons", "users", "pipelines", "stages")
DROPPED_COLUMNS = {"customer_key"}  # kpis.md: the customer key input is the CRM's own id


def _records(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, dict[str, Any]]:
    rows = con.execute(f"select id, record from {table}").fetchall()
    return {str(row_id): json.loads(record) for row_id, record in rows}


def _save(con: duckdb.DuckDBPyConnection, table: str, records: dict[str, dict[str, Any]]) -> None:
    con.executemany(
        f"update {table} set record = cast(? as json) where id = ?",
        [(json.dumps(record), row_id) for row_id, record in records.items()],
    )


def _eur(props: dict[str, Any], rates: dict[str, Decimal]) -> Decimal:
    """The deal's amount in the reporting currency, as kpis.md reads a HubSpot deal."""
    if props.get("amount_in_home_currency") not in (None, ""):
        value = Decimal(str(props["amount_in_home_currency"]))
    elif props.get("amount") in (None, ""):
        value = Decimal(0)
    else:
        currency = (props.get("deal_currency_code") or "EUR").strip().upper()
        value = Decimal(str(props["amount"])) * (rates[currency] if currency != "EUR" else 1)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def restrict(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite both renderings (in one warehouse) down to what both CRMs express."""
    from recompute.settings import read_currency_rates

    rates = read_currency_rates(REPO / "dbt_project" / "seeds" / "currency_rates.csv")
    hs_deals = _records(con, "raw_hubspot.deals")
    pd_deals = _records(con, "raw_pipedrive.deals")
    contacts = _records(con, "raw_hubspot.contacts")
    owners = _records(con, "raw_hubspot.owners")
    owner_of_user = {
        str(user["id"]): next(
            o["id"] for o in owners.values()
            if (o.get("email") or "").lower() == user["email"].lower()
        )
        for user in _records(con, "raw_pipedrive.users").values()
    }  # fmt: skip
    contact_of_person = {
        (int(c) - CONTACT_ID_BASE) // 3 + 1: c for c in contacts
    }  # both CRMs number leads in creation order
    earliest: dict[int, tuple[str, int, str | None]] = {}
    for deal_id, deal in pd_deals.items():
        hs = hs_deals[str(DEAL_ID_BASE + 7 * (int(deal_id) - 1))]
        props = hs["properties"]
        assert props["dealname"] == deal["title"], f"deal {deal_id} is not HubSpot's {hs['id']}"
        eur = _eur(props, rates)
        props.update(amount=f"{eur:f}", amount_in_home_currency=f"{eur:f}",
                     deal_currency_code="EUR",
                     hubspot_owner_id=owner_of_user[str(deal["owner_id"])])  # fmt: skip
        person = deal["person_id"]
        links = [{"id": contact_of_person[person], "type": "deal_to_contact"}] if person else []
        hs.pop("associations", None)
        if links:
            hs["associations"] = {"contacts": {"results": links}}
        deal.update(value=float(eur), currency="EUR")
        if deal["is_archived"] and not deal["is_deleted"]:
            deal.update(is_archived=False, archive_time=None)
        live = not deal["is_deleted"] and deal["status"] != "deleted"
        key = (deal["add_time"], int(deal_id), deal["origin"])
        if person and live and (person not in earliest or key < earliest[person]):
            earliest[person] = key
    persons = _records(con, "raw_pipedrive.persons")
    for person, contact_id in contact_of_person.items():
        origin = earliest[person][2] if person in earliest else None
        owner = owner_of_user[str(persons[str(person)]["owner_id"])]
        contacts[contact_id]["properties"].update(hs_analytics_source=origin,
                                                  hubspot_owner_id=owner)  # fmt: skip
    for owner in owners.values():
        owner["teams"] = []
    _save(con, "raw_hubspot.deals", hs_deals)
    _save(con, "raw_pipedrive.deals", pd_deals)
    _save(con, "raw_hubspot.contacts", contacts)
    _save(con, "raw_hubspot.owners", owners)
    con.execute("delete from raw_hubspot.goal_targets")


def exports(scratch: Path, warehouse: Path) -> dict[str, list[tuple[str, ...]]]:
    """dbt (models and seeds) and the CSV publish on `warehouse`: export -> sorted rows."""
    from recompute.pipeline import dbt_build
    from recompute.settings import Settings

    from publishing import CsvFolderConfig, CsvFolderTarget, PublishConfig, publish

    settings = Settings(now=RUN_AT, pii_hash_key=PII_HASH_KEY)
    pinned = json.dumps({"RUN_AT": f"{RUN_AT:%Y-%m-%d %H:%M:%S}"})
    dbt_build(
        warehouse, scratch, settings, REPO / "dbt_project",
        "--vars", pinned, "--resource-type", "seed", "--resource-type", "model",
    )  # fmt: skip
    folder = scratch / "exports"
    publish(warehouse, [CsvFolderTarget(CsvFolderConfig(folder))], PublishConfig(), now=RUN_AT)
    found = {}
    for path in sorted((folder / "current").rglob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            header, *rows = list(csv.reader(handle))
        keep = [n for n, name in enumerate(header) if name not in DROPPED_COLUMNS]
        table = [tuple(header[n] for n in keep)]
        table += sorted(tuple(row[n] for n in keep) for row in rows)
        found[path.relative_to(folder / "current").as_posix()] = table
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    sys.path.insert(0, str(REPO))
    from sandbox import Business, SandboxConfig
    from sandbox.raw_writer import write_raw

    scratch = tmp_path_factory.mktemp("parity")
    hubspot, pipedrive = scratch / "hubspot.duckdb", scratch / "pipedrive.duckdb"
    write_raw(hubspot, Business(SandboxConfig(seed=SEED, scale=SCALE, as_of=AS_OF)),
              pipedrive=True)  # fmt: skip
    with duckdb.connect(str(hubspot)) as con:
        restrict(con)
    shutil.copy(hubspot, pipedrive)
    for path, schema, tables in ((hubspot, "raw_pipedrive", PIPEDRIVE_TABLES),
                                 (pipedrive, "raw_hubspot", HUBSPOT_TABLES)):  # fmt: skip
        with duckdb.connect(str(path)) as con:
            for table in tables:
                con.execute(f"delete from {schema}.{table}")
    (scratch / "h").mkdir()
    (scratch / "p").mkdir()
    return exports(scratch / "h", hubspot), exports(scratch / "p", pipedrive)


def test_both_crms_publish_the_same_exports_but_customer_keys(both: tuple[dict, dict]) -> None:
    # given one world written as HubSpot + Aircall and as Pipedrive + Aircall, restricted alike
    hubspot, pipedrive = both
    # then the same nine export files, each non-vacuous where the world has data
    assert sorted(hubspot) == sorted(pipedrive)
    assert len(hubspot) == 9
    assert sum(len(rows) > 1 for rows in hubspot.values()) >= 8
    # and every row equal, customer_key aside
    differing = {}
    for name in sorted(hubspot):
        only_h = sorted(set(hubspot[name]) - set(pipedrive[name]))
        only_p = sorted(set(pipedrive[name]) - set(hubspot[name]))
        if only_h or only_p or hubspot[name] != pipedrive[name]:
            differing[name] = (len(only_h), len(only_p), only_h[:3], only_p[:3])
    assert not differing, "\n".join(
        f"{name}: {h} rows only HubSpot, {p} only Pipedrive\n  H {hs}\n  P {ps}"
        f"\n  header {hubspot[name][0]}"
        for name, (h, p, hs, ps) in differing.items()
    )
