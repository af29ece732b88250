"""Run the transform floor (benchmarks/floor/kpis_floor.sql) on a warehouse's raw tables.

Usage: .venv/bin/python benchmarks/transform_floor.py WAREHOUSE [--run-started-at ISO]
       [--memory-limit 6GB]
The dbt project's two Python models become DuckDB scalar UDFs built from the models' own
functions (imported from the model files, not copied): phone parsing and the HMAC customer key.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import time
from pathlib import Path
from types import ModuleType

import duckdb
from duckdb.sqltypes import VARCHAR

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "floor" / "kpis_floor.sql"
MODELS = ROOT / "dbt_project" / "models" / "intermediate"


def _model(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, MODELS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def register_udfs(con: duckdb.DuckDBPyConnection, pii_key: str) -> None:
    """normalise_phone(raw, region) -> struct, customer_key(contact_id) -> hex, from dbt's code."""
    phones, keys = _model("int_phone_numbers_normalised"), _model("int_customer_keys_hashed")
    parsed_type = duckdb.struct_type({"number_e164": VARCHAR, "number_type": VARCHAR})

    def normalise_phone(raw: str, region: str) -> dict[str, str | None]:
        e164, number_type = phones.normalise(raw, region)
        return {"number_e164": e164, "number_type": number_type}

    secret = pii_key.encode("utf-8")
    con.create_function("normalise_phone", normalise_phone, [VARCHAR, VARCHAR], parsed_type)
    con.create_function(
        "customer_key", lambda contact_id: keys.customer_key(contact_id, secret), [VARCHAR], VARCHAR
    )


def run_floor(
    warehouse: Path, run_started_at: dt.datetime, memory_limit: str | None = None
) -> tuple[float, list[tuple[float, str]]]:
    """Build every kpi_floor table; return the seconds it took and each statement's seconds."""
    started = time.perf_counter()
    timings: list[tuple[float, str]] = []
    with duckdb.connect(str(warehouse)) as con:
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET TimeZone = 'UTC'")  # as dbt's profile
        register_udfs(con, os.environ.get("PII_HASH_KEY", "benchmark-key"))
        con.execute("SET VARIABLE run_started_at = CAST(? AS TIMESTAMPTZ)", [run_started_at])
        con.execute("SET VARIABLE seeds_dir = ?", [str(ROOT / "dbt_project" / "seeds")])
        for statement in con.extract_statements(SCRIPT.read_text(encoding="utf-8")):
            began = time.perf_counter()
            con.execute(statement)
            words = statement.query.split("kpi_floor.", 1)
            name = words[1].split()[0] if len(words) > 1 else statement.query[:30]
            timings.append((round(time.perf_counter() - began, 2), name))
    return time.perf_counter() - started, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--run-started-at", type=dt.datetime.fromisoformat, default=None)
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args()
    moment = args.run_started_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    seconds, timings = run_floor(args.warehouse, moment, args.memory_limit)
    print(f"floor built in {seconds:.2f} s; slowest statements:")
    for took, name in sorted(timings, reverse=True)[:10]:
        print(f"  {took:8.2f} s  {name}")


if __name__ == "__main__":
    main()
