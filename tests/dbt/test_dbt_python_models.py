"""The Python models' pure functions, and the PII key never landing anywhere."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
from pathlib import Path
from types import ModuleType

import duckdb
import pytest
from dbt_harness import DBT_PROJECT, DbtWarehouse

INTERMEDIATE = DBT_PROJECT / "models" / "intermediate"


def load_model(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, INTERMEDIATE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


phones = load_model("int_phone_numbers_normalised")
keys = load_model("int_customer_keys_hashed")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("01 42 68 53 00", ("+33142685300", "FIXED_LINE"), id="national-format"),
        pytest.param("+33 6 12 34 56 78", ("+33612345678", "MOBILE"), id="international-spaces"),
        pytest.param("+33 8 00 91 23 45", ("+33800912345", "TOLL_FREE"), id="toll-free"),
        pytest.param("+33970123456", ("+33970123456", "VOIP"), id="voip"),
        pytest.param("+33899123456", ("+33899123456", "PREMIUM_RATE"), id="premium"),
        pytest.param("anonymous", (None, None), id="anonymous"),
        pytest.param("  ", (None, None), id="blank"),
        pytest.param("sip:agent@pbx", (None, None), id="sip"),
        pytest.param("12", (None, None), id="invalid"),
        pytest.param("not a number", (None, None), id="unparsable"),
    ],
)
def test_phone_normalisation_keeps_only_valid_numbers(raw: str, expected: tuple) -> None:
    # when / then
    assert phones.normalise(raw, "FR") == expected


def test_phone_normalisation_uses_the_default_region() -> None:
    # given a number written without a country code
    raw = "020 7946 0958"
    # when / then
    assert phones.normalise(raw, "GB") == ("+442079460958", "FIXED_LINE")
    assert phones.normalise(raw, "FR") == (None, None)


def test_customer_key_is_lowercase_hex_hmac_sha256_of_the_contact_id() -> None:
    # given
    expected = hmac.new(b"k3y", b"551201", hashlib.sha256).hexdigest()
    # when / then
    assert keys.customer_key("551201", b"k3y") == expected == expected.lower()


def test_customer_keys_in_the_export_are_the_hmac_of_contact_ids(
    dbt_warehouse: DbtWarehouse,
) -> None:
    # given
    key = dbt_warehouse.pii_hash_key.encode()
    with duckdb.connect(str(dbt_warehouse.path), read_only=True) as con:
        contact_ids = [
            r[0] for r in con.execute("select contact_id from marts.dim_customers").fetchall()
        ]
        exported = {
            r[0] for r in con.execute("select customer_key from marts.kpi_customers").fetchall()
        }
    # then
    assert contact_ids
    assert exported == {keys.customer_key(c, key) for c in contact_ids}


def test_pii_key_never_lands_in_warehouse_artefacts_or_logs(dbt_warehouse: DbtWarehouse) -> None:
    # given every file dbt wrote and the warehouse itself
    needle = dbt_warehouse.pii_hash_key.encode()
    files = [p for p in Path(dbt_warehouse.scratch).rglob("*") if p.is_file()]
    # then
    assert any(p.suffix == ".duckdb" for p in files)
    leaking = [str(p) for p in files if needle in p.read_bytes()]
    assert leaking == []


def test_customer_keys_fail_loudly_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.delenv("PII_HASH_KEY", raising=False)

    class FakeDbt:
        def config(self, **_: object) -> None:
            return None

    # when / then
    with pytest.raises(RuntimeError, match="PII_HASH_KEY is not set"):
        keys.model(FakeDbt(), None)
